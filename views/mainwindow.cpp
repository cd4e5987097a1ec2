// SPDX-License-Identifier: Apache-2.0
#include "mainwindow.h"

#include "appcontext.h"
#include "commandpalette.h"
#include "icons.h"
#include "page.h"

#include "catalog/catalogservice.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMouseEvent>
#include <QProgressBar>
#include <QSettings>
#include <QShortcut>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>

namespace Flightdeck::Views {

namespace {

QString relativeAge(const QDateTime& when)
{
    const qint64 secs = when.secsTo(QDateTime::currentDateTimeUtc());
    if (secs < 60)
        return MainWindow::tr("just now");
    if (secs < 3600)
        return MainWindow::tr("%n min ago", nullptr, int(secs / 60));
    if (secs < 86400)
        return MainWindow::tr("%n h ago", nullptr, int(secs / 3600));
    return MainWindow::tr("%n days ago", nullptr, int(secs / 86400));
}

} // namespace

MainWindow::MainWindow(AppContext& context, QWidget* parent)
    : QMainWindow(parent)
    , m_context(context)
{
    setWindowTitle(QStringLiteral("Flightdeck"));
    setObjectName(QStringLiteral("MainWindow"));
    resize(1280, 800);

    // Toolbar: history and the palette.
    auto* toolbar = addToolBar(tr("Navigation"));
    toolbar->setObjectName(QStringLiteral("NavigationToolbar"));
    toolbar->setMovable(false);
    toolbar->setIconSize(QSize(18, 18));
    m_back = toolbar->addAction(Icons::get(QStringLiteral("arrow-left")), tr("Back"), m_context.navigator, &Navigator::back);
    m_back->setShortcut(QKeySequence(Qt::ALT | Qt::Key_Left));
    m_back->setToolTip(tr("Back (Alt+Left)"));
    m_forward = toolbar->addAction(Icons::get(QStringLiteral("arrow-right")), tr("Forward"), m_context.navigator,
                                   &Navigator::forward);
    m_forward->setShortcut(QKeySequence(Qt::ALT | Qt::Key_Right));
    m_forward->setToolTip(tr("Forward (Alt+Right)"));
    auto* spacer = new QWidget(toolbar);
    spacer->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    toolbar->addWidget(spacer);
    auto* paletteButton = new QToolButton(toolbar);
    paletteButton->setIcon(Icons::get(QStringLiteral("command")));
    paletteButton->setText(tr("Go to anything…  Ctrl+K"));
    paletteButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    paletteButton->setToolTip(tr("Jump to an entity, page or action (Ctrl+K)"));
    connect(paletteButton, &QToolButton::clicked, this, &MainWindow::showCommandPalette);
    toolbar->addWidget(paletteButton);
    auto* refresh = toolbar->addAction(Icons::get(QStringLiteral("refresh-cw")), tr("Refresh"), this, [this] {
        m_context.catalog->refresh();
    });
    refresh->setShortcut(QKeySequence::Refresh);
    refresh->setToolTip(tr("Read every source again (F5)"));

    auto* paletteShortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_K), this);
    connect(paletteShortcut, &QShortcut::activated, this, &MainWindow::showCommandPalette);

    // Sidebar and pages.
    auto* splitter = new QSplitter(this);
    splitter->setObjectName(QStringLiteral("MainSplitter"));
    splitter->setChildrenCollapsible(false);
    m_sidebar = new QListWidget(splitter);
    m_sidebar->setObjectName(QStringLiteral("Sidebar"));
    m_sidebar->setIconSize(QSize(18, 18));
    m_sidebar->setFrameShape(QFrame::NoFrame);
    m_sidebar->setMinimumWidth(150);
    m_sidebar->setMaximumWidth(260);
    m_sidebar->setSpacing(2);
    m_sidebar->setAccessibleName(tr("Pages"));
    m_stack = new QStackedWidget(splitter);
    splitter->addWidget(m_sidebar);
    splitter->addWidget(m_stack);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({180, 1100});
    setCentralWidget(splitter);
    connect(m_sidebar, &QListWidget::currentRowChanged, this, [this](int row) {
        if (m_syncingSidebar || row < 0)
            return;
        const QString id = m_sidebar->item(row)->data(Qt::UserRole).toString();
        m_context.navigator->go({id, {}});
    });

    // Status bar.
    m_workspaceLabel = new QLabel(this);
    m_asOfLabel = new QLabel(this);
    m_jobLabel = new QLabel(this);
    m_jobProgress = new QProgressBar(this);
    m_jobProgress->setMaximumWidth(160);
    m_jobProgress->setMaximumHeight(14);
    m_jobProgress->setTextVisible(false);
    m_jobCancel = new QToolButton(this);
    m_jobCancel->setIcon(Icons::get(QStringLiteral("circle-stop")));
    m_jobCancel->setToolTip(tr("Cancel the refresh"));
    m_jobCancel->setAutoRaise(true);
    connect(m_jobCancel, &QToolButton::clicked, m_context.catalog, &Catalog::CatalogService::cancelRefresh);
    m_problems = new QToolButton(this);
    m_problems->setAutoRaise(true);
    m_problems->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_problems->setToolTip(tr("Show every problem of the workspace"));
    connect(m_problems, &QToolButton::clicked, this, [this] { m_context.navigator->goTo(QStringLiteral("problems")); });
    statusBar()->addWidget(m_workspaceLabel);
    statusBar()->addWidget(m_asOfLabel);
    statusBar()->addPermanentWidget(m_jobLabel);
    statusBar()->addPermanentWidget(m_jobProgress);
    statusBar()->addPermanentWidget(m_jobCancel);
    statusBar()->addPermanentWidget(m_problems);
    m_jobProgress->hide();
    m_jobCancel->hide();

    Catalog::CatalogService* catalog = m_context.catalog;
    connect(catalog, &Catalog::CatalogService::catalogChanged, this, &MainWindow::updateStatus);
    connect(catalog, &Catalog::CatalogService::sourcesChanged, this, &MainWindow::updateStatus);
    connect(catalog, &Catalog::CatalogService::refreshStarted, this, [this] {
        m_jobLabel->setText(tr("Refreshing…"));
        m_jobProgress->setRange(0, 0);
        m_jobProgress->show();
        m_jobCancel->show();
    });
    connect(catalog, &Catalog::CatalogService::refreshProgress, this, [this](const QString& message, int done, int total) {
        m_jobLabel->setText(message);
        if (total > 0) {
            m_jobProgress->setRange(0, total);
            m_jobProgress->setValue(done);
        } else {
            m_jobProgress->setRange(0, 0);
        }
    });
    connect(catalog, &Catalog::CatalogService::refreshFinished, this, [this](bool cancelled, const QString& summary) {
        m_jobProgress->hide();
        m_jobCancel->hide();
        Q_UNUSED(summary)
        m_jobLabel->setText(cancelled ? tr("Refresh cancelled") : QString());
        updateStatus();
    });
    auto* ageTimer = new QTimer(this);
    ageTimer->start(30000);
    connect(ageTimer, &QTimer::timeout, this, &MainWindow::updateStatus);

    qApp->installEventFilter(this);
    connect(m_context.navigator, &Navigator::locationChanged, this, &MainWindow::showLocation);
    connect(m_context.navigator, &Navigator::historyChanged, this, &MainWindow::updateHistoryActions);
    updateHistoryActions();
    updateStatus();
}

MainWindow::~MainWindow() = default;

void MainWindow::addPage(Page* page)
{
    m_pages.push_back(page);
    m_stack->addWidget(page);
    if (page->inSidebar()) {
        auto* item = new QListWidgetItem(page->icon(), page->title(), m_sidebar);
        item->setData(Qt::UserRole, page->id());
        item->setSizeHint(QSize(0, 32));
    }
    connect(page, &Page::windowTitleChanged, this, &MainWindow::updateTitle);
}

Page* MainWindow::page(const QString& id) const
{
    for (Page* p : m_pages)
        if (p->id() == id)
            return p;
    return nullptr;
}

Page* MainWindow::currentPage() const
{
    return qobject_cast<Page*>(m_stack->currentWidget());
}

void MainWindow::showLocation(const Location& location)
{
    Location target = location;
    // "graph:<ref>" is the entity page at its Relations tab.
    if (target.page == QLatin1String("graph"))
        target = {QStringLiteral("entity"), location.argument + QStringLiteral("/relations")};
    Page* p = page(target.page);
    if (!p)
        return;
    m_stack->setCurrentWidget(p);
    p->open(target.argument);
    m_syncingSidebar = true;
    int row = -1;
    for (int i = 0; i < m_sidebar->count(); ++i)
        if (m_sidebar->item(i)->data(Qt::UserRole).toString() == p->id())
            row = i;
    m_sidebar->setCurrentRow(row);
    m_syncingSidebar = false;
    if (QWidget* focus = p->initialFocus())
        focus->setFocus();
    updateTitle();
}

void MainWindow::updateTitle()
{
    Page* p = currentPage();
    const QString t = p ? (p->windowTitle().isEmpty() ? p->title() : p->windowTitle()) : QString();
    setWindowTitle(t.isEmpty() ? QStringLiteral("Flightdeck") : t + QStringLiteral(" — Flightdeck"));
}

void MainWindow::updateHistoryActions()
{
    m_back->setEnabled(m_context.navigator->canGoBack());
    m_forward->setEnabled(m_context.navigator->canGoForward());
}

void MainWindow::updateStatus()
{
    const Catalog::CatalogService* service = m_context.catalog;
    const QString name = service->workspace().name();
    m_workspaceLabel->setText(tr("Workspace: %1").arg(name.isEmpty() ? tr("(none)") : name));
    m_workspaceLabel->setToolTip(service->workspace().filePath());
    const Catalog::CatalogPtr c = service->catalog();
    const QDateTime asOf = service->asOf();
    if (service->isLoading())
        m_asOfLabel->setText(tr("Loading the stored catalog…"));
    else if (!asOf.isValid() || c->size() == 0)
        m_asOfLabel->setText(tr("Not read yet"));
    else
        m_asOfLabel->setText(tr("%n entities, as of %1 (%2)", nullptr, int(c->size()))
                                 .arg(QLocale().toString(asOf.toLocalTime(), QLocale::ShortFormat), relativeAge(asOf)));
    m_asOfLabel->setToolTip(asOf.isValid() ? asOf.toLocalTime().toString(Qt::ISODate) : QString());
    const int errors = c->errorCount(), warnings = c->warningCount();
    m_problems->setIcon(Icons::get(errors ? QStringLiteral("circle-x") : QStringLiteral("triangle-alert")));
    m_problems->setText(tr("%n problems", nullptr, errors + warnings));
    m_problems->setVisible(errors + warnings > 0);
}

void MainWindow::showCommandPalette()
{
    if (!m_palette)
        m_palette = new CommandPalette(m_context, this);
    m_palette->popup();
}

void MainWindow::restoreWindowState()
{
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    if (auto* splitter = findChild<QSplitter*>(QStringLiteral("MainSplitter")))
        splitter->restoreState(settings.value(QStringLiteral("window/splitter")).toByteArray());
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    if (auto* splitter = findChild<QSplitter*>(QStringLiteral("MainSplitter")))
        settings.setValue(QStringLiteral("window/splitter"), splitter->saveState());
    QMainWindow::closeEvent(event);
}

bool MainWindow::event(QEvent* event)
{
    if (event->type() == QEvent::ApplicationPaletteChange || event->type() == QEvent::PaletteChange) {
        // Icons are drawn in the palette's colours: repaint everything in the new ones.
        Icons::clearCache();
        for (QWidget* w : findChildren<QWidget*>())
            w->update();
    }
    return QMainWindow::event(event);
}

bool MainWindow::eventFilter(QObject* watched, QEvent* event)
{
    // The extra mouse buttons go back and forward, as in a browser, wherever the pointer is.
    if (event->type() == QEvent::MouseButtonPress && watched->isWidgetType()
        && static_cast<QWidget*>(watched)->window() == this) {
        const auto* mouse = static_cast<QMouseEvent*>(event);
        if (mouse->button() == Qt::BackButton) {
            m_context.navigator->back();
            return true;
        }
        if (mouse->button() == Qt::ForwardButton) {
            m_context.navigator->forward();
            return true;
        }
    }
    return QMainWindow::eventFilter(watched, event);
}

} // namespace Flightdeck::Views
