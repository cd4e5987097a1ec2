// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QList>
#include <QObject>
#include <QString>

namespace Flightdeck::Views {

// Where the window shows something: a page and what on it, written "page[:argument]", e.g.
// "catalog", "entity:component:default/checkout", "graph:system:default/payments",
// "problems", "settings".
struct Location
{
    QString page;
    QString argument;

    static Location parse(const QString& text);
    QString toString() const;
    bool isValid() const { return !page.isEmpty(); }
    friend bool operator==(const Location&, const Location&) = default;
};

// Back/forward history, as in a web browser.
class Navigator : public QObject
{
    Q_OBJECT
public:
    explicit Navigator(QObject* parent = nullptr);

    Location current() const { return m_index >= 0 ? m_history[m_index] : Location(); }
    bool canGoBack() const { return m_index > 0; }
    bool canGoForward() const { return m_index + 1 < m_history.size(); }

public Q_SLOTS:
    void go(const Flightdeck::Views::Location& location);
    void goTo(const QString& location) { go(Location::parse(location)); }
    void back();
    void forward();

Q_SIGNALS:
    void locationChanged(const Flightdeck::Views::Location& location);
    void historyChanged();

private:
    QList<Location> m_history;
    qsizetype m_index = -1;
};

} // namespace Flightdeck::Views
