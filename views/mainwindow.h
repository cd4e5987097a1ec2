// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "navigation.h"

#include <QMainWindow>

class QLabel;
class QListWidget;
class QProgressBar;
class QStackedWidget;
class QToolButton;

namespace Flightdeck::Views {

struct AppContext;
class CommandPalette;
class Page;

// The shell: a sidebar of pages, back/forward history, a status bar with the workspace, how fresh
// the catalog is and the background work (with cancel), and the command palette (Ctrl+K). Pages
// are added by the composition root; later features add theirs the same way.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(AppContext& context, QWidget* parent = nullptr);
    ~MainWindow() override;

    void addPage(Page* page);
    Page* page(const QString& id) const;
    QList<Page*> pages() const { return m_pages; }
    Page* currentPage() const;

    // Saved window geometry and state (QSettings), restored on start.
    void restoreWindowState();

public Q_SLOTS:
    void showCommandPalette();

protected:
    void closeEvent(QCloseEvent* event) override;
    bool event(QEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void showLocation(const Location& location);
    void updateStatus();
    void updateHistoryActions();
    void updateTitle();

    AppContext& m_context;
    QListWidget* m_sidebar = nullptr;
    QStackedWidget* m_stack = nullptr;
    QList<Page*> m_pages;
    QAction* m_back = nullptr;
    QAction* m_forward = nullptr;
    QLabel* m_workspaceLabel = nullptr;
    QLabel* m_asOfLabel = nullptr;
    QLabel* m_jobLabel = nullptr;
    QProgressBar* m_jobProgress = nullptr;
    QToolButton* m_jobCancel = nullptr;
    QToolButton* m_problems = nullptr;
    CommandPalette* m_palette = nullptr;
    bool m_syncingSidebar = false;
};

} // namespace Flightdeck::Views
