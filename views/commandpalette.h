// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QFrame>
#include <QList>

class QLineEdit;
class QListWidget;
class QLabel;

namespace Flightdeck::Views {

struct AppContext;
class MainWindow;

// Ctrl+K: type to jump to any entity (typo-tolerant, from the search index), page or action.
class CommandPalette : public QFrame
{
    Q_OBJECT
public:
    CommandPalette(AppContext& context, MainWindow* window);

    void popup();
    // What the palette offers for a text, best first: "entity:<key>", "page:<id>" or "action:<id>".
    QStringList candidates(const QString& text) const;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void update(const QString& text);
    void activate(int row);

    AppContext& m_context;
    MainWindow* m_window;
    QLineEdit* m_input = nullptr;
    QListWidget* m_list = nullptr;
    QLabel* m_hint = nullptr;
};

// Subsequence match of a query in a text, case-insensitive: -1 when it does not match, else a
// score (higher is better) favouring word starts and contiguous runs.
int fuzzyScore(QStringView query, QStringView text);

} // namespace Flightdeck::Views
