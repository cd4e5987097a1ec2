// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QIcon>
#include <QString>
#include <QWidget>

namespace Flightdeck::Views {

struct AppContext;

// One area of the main window. Pages listed in the sidebar have a title and icon; others (an
// entity) are reached by navigating to them. Pages added by later features plug in the same way:
// MainWindow::addPage().
class Page : public QWidget
{
    Q_OBJECT
public:
    explicit Page(AppContext& context, QWidget* parent = nullptr);

    virtual QString id() const = 0;               // the page part of a Location: "catalog"
    virtual QString title() const = 0;
    virtual QIcon icon() const = 0;
    virtual bool inSidebar() const { return true; }
    // Shows what the location's argument names (an entity ref, …). Called on every navigation.
    virtual void open(const QString& argument) { Q_UNUSED(argument) }
    // The window title while this page shows; empty: the page title.
    virtual QString windowTitle() const { return {}; }
    // Where the keyboard focus goes when the page is shown.
    virtual QWidget* initialFocus() { return nullptr; }
    // Still reading what it shows (asynchronously); --screenshot waits for it.
    virtual bool isBusy() const { return false; }

Q_SIGNALS:
    void windowTitleChanged();

protected:
    AppContext& context() const { return m_context; }

private:
    AppContext& m_context;
};

} // namespace Flightdeck::Views
