// SPDX-License-Identifier: Apache-2.0
// The desktop app's composition root: builds the services, the window and its pages, opens the
// workspace, and owns the shutdown order. Also renders a page to PNG for --screenshot.
#include "gui.h"

#include "appcontext.h"
#include "catalogpage.h"
#include "createpage.h"
#include "deploy/deployprogress.h"
#include "deploymentspage.h"
#include "entity/entitypage.h"
#include "filepage.h"
#include "icons.h"
#include "mainwindow.h"
#include "navigation.h"
#include "problemspage.h"
#include "settingspage.h"

#include "catalog/catalogservice.h"
#include "deploy/deployservice.h"
#include "secrets/keychainsecretstore.h"
#include "workspace/demoworkspace.h"
#include "workspace/workspace.h"

#include "core/workers.h"

#include <QApplication>
#include <QPalette>
#include <QStyle>
#include <QCommandLineParser>
#include <QDialog>
#include <QPainter>
#include <QPointer>
#include <QStatusBar>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QImage>
#include <QLoggingCategory>
#include <QMessageBox>
#include <QStandardPaths>
#include <QTextStream>
#include <QThread>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

#include <memory>
#include <vector>

namespace Flightdeck::App {

namespace {

struct Options
{
    QString workspace;
    QString database;
    QString screenshot;
    QString page;
    QSize size {1280, 800};
    int waitSeconds = 120;
    QString colorScheme; // "", "light" or "dark"
};

bool parseOptions(const QStringList& arguments, Options& options, QString& error)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Flightdeck, a native desktop developer portal."));
    p.addHelpOption();
    p.addVersionOption();
    p.addOption({QStringLiteral("workspace"), QStringLiteral("Open this workspace file"), QStringLiteral("FILE")});
    p.addOption({QStringLiteral("database"), QStringLiteral("Keep the catalog cache in this SQLite file"), QStringLiteral("FILE")});
    p.addOption({QStringLiteral("screenshot"), QStringLiteral("Render a page to a PNG file and exit"), QStringLiteral("FILE")});
    p.addOption({QStringLiteral("page"), QStringLiteral("The page to open, e.g. catalog, entity:component:default/checkout, "
                                                        "graph:system:default/payments"),
                 QStringLiteral("PAGE")});
    p.addOption({QStringLiteral("size"), QStringLiteral("Window size for --screenshot (default 1280x800)"), QStringLiteral("WxH")});
    p.addOption({QStringLiteral("wait"), QStringLiteral("Seconds --screenshot waits for the catalog (default 120)"), QStringLiteral("S")});
    p.addOption({QStringLiteral("color-scheme"), QStringLiteral("light or dark; default: the system's"), QStringLiteral("SCHEME")});
    if (!p.parse(arguments)) {
        error = p.errorText();
        return false;
    }
    if (p.isSet(QStringLiteral("help"))) {
        QTextStream(stdout) << p.helpText();
        ::exit(0);
    }
    if (p.isSet(QStringLiteral("version"))) {
        QTextStream(stdout) << "flightdeck 0.1.0\n";
        ::exit(0);
    }
    options.workspace = p.value(QStringLiteral("workspace"));
    options.database = p.value(QStringLiteral("database"));
    options.screenshot = p.value(QStringLiteral("screenshot"));
    options.page = p.value(QStringLiteral("page"));
    if (p.isSet(QStringLiteral("size"))) {
        const QStringList wh = p.value(QStringLiteral("size")).split(QLatin1Char('x'));
        const int w = wh.value(0).toInt(), h = wh.value(1).toInt();
        if (wh.size() != 2 || w < 320 || h < 240 || w > 8000 || h > 8000) {
            error = QStringLiteral("--size must be WIDTHxHEIGHT, e.g. 1280x800");
            return false;
        }
        options.size = QSize(w, h);
    }
    if (p.isSet(QStringLiteral("wait")))
        options.waitSeconds = qBound(1, p.value(QStringLiteral("wait")).toInt(), 3600);
    options.colorScheme = p.value(QStringLiteral("color-scheme"));
    if (!options.colorScheme.isEmpty() && options.colorScheme != QLatin1String("light") && options.colorScheme != QLatin1String("dark")) {
        error = QStringLiteral("--color-scheme must be light or dark");
        return false;
    }
    if (!p.positionalArguments().isEmpty()) {
        error = QStringLiteral("unexpected argument %1").arg(p.positionalArguments().first());
        return false;
    }
    return true;
}

// Fusion in a light or dark palette, for a desktop whose colour scheme Qt does not pick up.
void applyColorScheme(const QString& scheme)
{
    if (scheme.isEmpty())
        return;
    QApplication::setStyle(QStringLiteral("Fusion"));
    QPalette p = QApplication::style()->standardPalette();
    if (scheme == QLatin1String("dark")) {
        const QColor window(0x26, 0x28, 0x2c), base(0x1d, 0x1f, 0x22), text(0xe6, 0xe6, 0xe6), mid(0x3a, 0x3d, 0x42);
        p.setColor(QPalette::Window, window);
        p.setColor(QPalette::WindowText, text);
        p.setColor(QPalette::Base, base);
        p.setColor(QPalette::AlternateBase, QColor(0x24, 0x26, 0x2a));
        p.setColor(QPalette::ToolTipBase, window);
        p.setColor(QPalette::ToolTipText, text);
        p.setColor(QPalette::Text, text);
        p.setColor(QPalette::Button, QColor(0x2e, 0x31, 0x36));
        p.setColor(QPalette::ButtonText, text);
        p.setColor(QPalette::BrightText, QColor(0xff, 0x6b, 0x6b));
        p.setColor(QPalette::Link, QColor(0x6c, 0xb6, 0xff));
        p.setColor(QPalette::LinkVisited, QColor(0xb3, 0x92, 0xf0));
        p.setColor(QPalette::Highlight, QColor(0x2f, 0x6f, 0xc4));
        p.setColor(QPalette::HighlightedText, Qt::white);
        p.setColor(QPalette::PlaceholderText, QColor(0x9a, 0x9d, 0xa3));
        p.setColor(QPalette::Mid, mid);
        p.setColor(QPalette::Dark, QColor(0x15, 0x16, 0x18));
        p.setColor(QPalette::Light, QColor(0x44, 0x47, 0x4d));
        p.setColor(QPalette::Midlight, QColor(0x36, 0x39, 0x3e));
        p.setColor(QPalette::Shadow, Qt::black);
        for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
            p.setColor(QPalette::Disabled, role, QColor(0x7a, 0x7d, 0x82));
    }
    QApplication::setPalette(p);
}

// The workspace to open: --workspace, else the user's own, else the bundled demo (created on
// first start, on a worker: it builds real git repositories).
std::optional<Workspace::Workspace> resolveWorkspace(const Options& options, QString& problem)
{
    QString path = options.workspace;
    if (path.isEmpty() && QFileInfo::exists(Workspace::Workspace::defaultPath()))
        path = Workspace::Workspace::defaultPath();
    if (path.isEmpty()) {
        QFutureWatcher<Workspace::DemoResult> watcher;
        QEventLoop loop;
        QObject::connect(&watcher, &QFutureWatcher<Workspace::DemoResult>::finished, &loop, &QEventLoop::quit);
        watcher.setFuture(QtConcurrent::run(workers(), [] { return Workspace::DemoWorkspace::ensure(); }));
        loop.exec();
        const Workspace::DemoResult demo = watcher.result();
        if (!demo.ok) {
            problem = demo.error + QLatin1Char(' ') + demo.hint;
            return std::nullopt;
        }
        path = demo.workspacePath;
    }
    Catalog::Diagnostics diagnostics;
    auto workspace = Workspace::Workspace::load(path, diagnostics);
    if (!workspace) {
        QStringList lines;
        for (const Catalog::Diagnostic& d : std::as_const(diagnostics))
            lines << d.toText();
        problem = lines.join(QLatin1Char('\n'));
    }
    return workspace;
}

// Keeps AppContext::deploy in step with the workspace: a DeployService made from spec.deploy when
// the workspace is opened and made again when its deploy settings change (the one before stays
// until exit, so the operations it runs can finish and report), fed the catalog's services
// (computed on a worker for every new snapshot), and asked once, at start, to reconcile operations
// an earlier run left without a result.
class DeployHost : public QObject
{
public:
    DeployHost(Views::AppContext& context, Secrets::SecretStore* secrets, Catalog::CatalogService& catalog)
        : m_context(context)
        , m_secrets(secrets)
        , m_catalog(catalog)
    {
        // The git identity is read from its configuration files: on a worker, while the window opens.
        m_actor = QtConcurrent::run(workers(), [] { return Deploy::defaultActor(); });
        connect(&catalog, &Catalog::CatalogService::sourcesChanged, this, [this] { setSettings(m_catalog.workspace()); });
        connect(&catalog, &Catalog::CatalogService::catalogChanged, this, &DeployHost::readServices);
    }

    void setPage(Views::DeploymentsPage* page) { m_page = page; }
    void setWindow(QMainWindow* window) { m_window = window; }

    // Makes the service for the workspace's deploy settings, unless the current one has them already.
    void setSettings(const Workspace::Workspace& workspace)
    {
        const Workspace::DeploySettings& settings = workspace.deploySettings();
        if (m_made && settings == m_settings && workspace.directory() == m_directory)
            return;
        m_made = true;
        m_settings = settings;
        m_directory = workspace.directory();
        Deploy::DeployService* next = nullptr;
        if (!settings.isEmpty()) {
            Deploy::DeployService::Options options;
            options.workspaceDirectory = workspace.directory();
            options.secrets = m_secrets;
            options.actor = actor();
            options.extraValues.insert(QStringLiteral("flightdeck"), QCoreApplication::applicationFilePath());
            options.gitCacheDirectory = m_catalog.gitCacheDir();
            m_services.push_back(std::make_unique<Deploy::DeployService>(settings, options));
            next = m_services.back().get();
            if (m_known)
                next->setServices(m_lastServices);
        }
        m_context.deploy = next;
        if (m_page)
            m_page->reload();
        if (next && m_known)
            reconcileOnce();
    }

private:
    QString actor()
    {
        if (!m_actor.isFinished()) {
            QFutureWatcher<QString> watcher;
            QEventLoop loop;
            QObject::connect(&watcher, &QFutureWatcher<QString>::finished, &loop, &QEventLoop::quit);
            watcher.setFuture(m_actor);
            if (!m_actor.isFinished())
                loop.exec();
        }
        return m_actor.result();
    }

    void readServices(const Catalog::CatalogPtr& catalog)
    {
        if (!catalog)
            return;
        const int generation = ++m_generation;
        auto* watcher = new QFutureWatcher<QList<Deploy::ServiceInfo>>(this);
        connect(watcher, &QFutureWatcher<QList<Deploy::ServiceInfo>>::finished, this, [this, watcher, generation] {
            watcher->deleteLater();
            if (generation != m_generation)
                return; // a newer snapshot is on its way
            m_lastServices = watcher->result();
            m_known = true;
            if (m_context.deploy) {
                m_context.deploy->setServices(m_lastServices);
                reconcileOnce();
            }
            if (m_page)
                m_page->reload();
        });
        const QList<Sources::CatalogSourceSpec> sources = m_catalog.workspace().sources();
        watcher->setFuture(QtConcurrent::run(workers(), [catalog, sources] { return Deploy::servicesOf(*catalog, sources); }));
    }

    // Once per run, after the services are known (their annotations name the targets).
    void reconcileOnce()
    {
        if (m_reconciled || !m_context.deploy)
            return;
        m_reconciled = true;
        m_context.deploy->reconcile(this, [this](const QStringList& lines) {
            if (lines.isEmpty())
                return;
            for (const QString& line : lines)
                QTextStream(stderr) << "flightdeck: reconciled an interrupted operation: " << line << "\n";
            const QString title = lines.size() == 1 ? QObject::tr("Reconciled an interrupted deploy operation")
                                                    : QObject::tr("Reconciled %1 interrupted deploy operations").arg(lines.size());
            const QString text = lines.size() == 1 ? lines.first()
                                                   : QObject::tr("%1 (and %2 more; see the history)").arg(lines.first()).arg(lines.size() - 1);
            announce(title, text);
            if (m_page)
                m_page->refresh(); // the journal has their results now
        });
    }

    // A notification and the status bar, once the window is on screen: the status bar of a hidden
    // window would show its widgets over the message later.
    void announce(const QString& title, const QString& text)
    {
        if (!m_window)
            return;
        if (!m_window->isVisible()) {
            m_notice = {title, text};
            m_window->installEventFilter(this);
            return;
        }
        Views::notifyDesktop(m_window, title, text, true);
        m_window->statusBar()->showMessage(title + QStringLiteral(": ") + text, 60000);
    }

    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (watched == m_window && event->type() == QEvent::Show && !m_notice.first.isEmpty()) {
            m_window->removeEventFilter(this);
            const auto notice = std::exchange(m_notice, {});
            QTimer::singleShot(0, this, [this, notice] { announce(notice.first, notice.second); });
        }
        return QObject::eventFilter(watched, event);
    }

    Views::AppContext& m_context;
    Secrets::SecretStore* m_secrets;
    Catalog::CatalogService& m_catalog;
    QFuture<QString> m_actor;
    QPointer<Views::DeploymentsPage> m_page;
    QPointer<QMainWindow> m_window;
    Workspace::DeploySettings m_settings;
    QString m_directory;
    bool m_made = false;
    bool m_known = false; // the catalog's services were read at least once
    bool m_reconciled = false;
    int m_generation = 0;
    QList<Deploy::ServiceInfo> m_lastServices;
    QPair<QString, QString> m_notice; // title and text waiting for the window to show
    // Every service made in this run; the current one last. Declared before the window in runGui,
    // so they outlive the pages that point at them.
    std::vector<std::unique_ptr<Deploy::DeployService>> m_services;
};

// Waits (with the event loop running) until the catalog is read and indexed, or the time is up.
bool waitForCatalog(Catalog::CatalogService& service, int seconds)
{
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < seconds * 1000) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
        if (!service.isLoading() && !service.isRefreshing() && service.catalog()->hasSearchIndex())
            return true;
        QThread::msleep(10);
    }
    return false;
}

int screenshot(QApplication& app, Views::MainWindow& window, Catalog::CatalogService& service, Views::Navigator& navigator,
               const Options& options)
{
    QTextStream err(stderr);
    if (!waitForCatalog(service, options.waitSeconds))
        err << "flightdeck: the catalog was not read within " << options.waitSeconds << " s; the screenshot shows what there is\n";
    window.resize(options.size);
    window.show();
    navigator.goTo(options.page.isEmpty() ? QStringLiteral("catalog") : options.page);
    // Let pages finish what they do on workers (graph layout, files, docs, deployments) and lay out;
    // a page that reads asynchronously says when it is done.
    QElapsedTimer settle;
    settle.start();
    while (settle.elapsed() < 1500
        || (window.currentPage() && window.currentPage()->isBusy() && settle.elapsed() < options.waitSeconds * 1000))
        app.processEvents(QEventLoop::AllEvents, 50);
    for (int i = 0; i < 10; ++i)
        app.processEvents(QEventLoop::AllEvents, 20);
    QImage image = window.grab().toImage();
    // A dialog the page opened is drawn over the window, centred, as on a screen.
    for (QWidget* w : QApplication::topLevelWidgets()) {
        auto* dialog = qobject_cast<QDialog*>(w);
        if (!dialog || !dialog->isVisible() || image.isNull())
            continue;
        const QImage shot = dialog->grab().toImage().convertToFormat(image.format());
        QPainter p(&image);
        p.fillRect(image.rect(), QColor(0, 0, 0, 70));
        const QPointF at((image.width() / image.devicePixelRatio() - dialog->width()) / 2,
            (image.height() / image.devicePixelRatio() - dialog->height()) / 2);
        p.setPen(QColor(0, 0, 0, 110));
        p.drawRect(QRectF(at, QSizeF(dialog->size())).adjusted(-1, -1, 0, 0));
        p.drawImage(at, shot);
    }
    if (image.isNull() || !image.save(options.screenshot, "PNG")) {
        err << "flightdeck: cannot write " << options.screenshot << "\n";
        return 1;
    }
    return 0;
}

} // namespace

int runGui(int argc, char** argv)
{
    // A screenshot needs no display.
    for (int i = 1; i < argc; ++i)
        if (qstrcmp(argv[i], "--screenshot") == 0 && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
            qputenv("QT_QPA_PLATFORM", "offscreen");
            break;
        }
    // The services' debug and information logging (every HTTP exchange, redacted; a refused
    // connection the window shows anyway) is for diagnosing: on with
    // QT_LOGGING_RULES="flightdeck.*=true", off otherwise. Warnings are always written.
    if (qEnvironmentVariableIsEmpty("QT_LOGGING_RULES"))
        QLoggingCategory::setFilterRules(QStringLiteral("flightdeck.*.debug=false\nflightdeck.*.info=false"));
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("flightdeck"));
    QApplication::setOrganizationName(QStringLiteral("flightdeck"));
    QApplication::setApplicationDisplayName(QStringLiteral("Flightdeck"));
    QApplication::setApplicationVersion(QStringLiteral("0.1.0"));
    QApplication::setDesktopFileName(QStringLiteral("dev.flightdeck.Flightdeck"));
    QApplication::setWindowIcon(Views::Icons::get(QStringLiteral("layers")));

    Options options;
    QString error;
    if (!parseOptions(app.arguments(), options, error)) {
        QTextStream(stderr) << "flightdeck: " << error << "\nTry flightdeck --help\n";
        return 2;
    }
    applyColorScheme(options.colorScheme);

    // Objects are destroyed in reverse order: window first, then the deploy services (after the
    // pages that point at them), then the catalog service (which waits for its workers), then the
    // secret store.
    Secrets::KeychainSecretStore secrets;
    Views::Navigator navigator;
    Catalog::CatalogService service(&secrets);
    Views::AppContext context {&service, &secrets, &navigator};
    DeployHost deploy(context, &secrets, service);
    Views::MainWindow window(context);
    window.addPage(new Views::CatalogPage(context));
    window.addPage(new Views::CreatePage(context));
    auto* deployments = new Views::DeploymentsPage(context);
    window.addPage(deployments);
    deploy.setPage(deployments);
    deploy.setWindow(&window);
    window.addPage(new Views::ProblemsPage(context));
    window.addPage(new Views::SettingsPage(context));
    window.addPage(new Views::EntityPage(context));
    window.addPage(new Views::FilePage(context));

    if (options.screenshot.isEmpty()) {
        window.restoreWindowState();
        window.show();
    }
    QString problem;
    const auto workspace = resolveWorkspace(options, problem);
    if (!workspace) {
        if (!options.screenshot.isEmpty()) {
            QTextStream(stderr) << "flightdeck: the workspace cannot be opened:\n" << problem << "\n";
            return 1;
        }
        QMessageBox::warning(&window, QObject::tr("Workspace"), QObject::tr("The workspace cannot be opened:\n\n%1").arg(problem));
    } else {
        deploy.setSettings(*workspace);
        service.open(*workspace, options.database);
    }
    if (!options.screenshot.isEmpty())
        return screenshot(app, window, service, navigator, options);
    navigator.goTo(options.page.isEmpty() ? QStringLiteral("catalog") : options.page);
    return app.exec();
}

} // namespace Flightdeck::App
