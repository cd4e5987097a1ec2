// SPDX-License-Identifier: Apache-2.0
// The desktop app's composition root: builds the services, the window and its pages, opens the
// workspace, and owns the shutdown order. Also renders a page to PNG for --screenshot.
#include "gui.h"

#include "appcontext.h"
#include "catalogpage.h"
#include "createpage.h"
#include "entity/entitypage.h"
#include "filepage.h"
#include "icons.h"
#include "mainwindow.h"
#include "navigation.h"
#include "problemspage.h"
#include "settingspage.h"

#include "catalog/catalogservice.h"
#include "secrets/keychainsecretstore.h"
#include "workspace/demoworkspace.h"
#include "workspace/workspace.h"

#include "core/workers.h"

#include <QApplication>
#include <QPalette>
#include <QStyle>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QImage>
#include <QMessageBox>
#include <QStandardPaths>
#include <QTextStream>
#include <QThread>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

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
    // Let pages finish what they do on workers (graph layout, files, docs) and lay out.
    QElapsedTimer settle;
    settle.start();
    while (settle.elapsed() < 1500)
        app.processEvents(QEventLoop::AllEvents, 50);
    const QImage image = window.grab().toImage();
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

    // Objects are destroyed in reverse order: window first, then the service (which waits for
    // its workers), then the secret store.
    Secrets::KeychainSecretStore secrets;
    Views::Navigator navigator;
    Catalog::CatalogService service(&secrets);
    Views::AppContext context {&service, &secrets, &navigator};
    Views::MainWindow window(context);
    window.addPage(new Views::CatalogPage(context));
    window.addPage(new Views::CreatePage(context));
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
        service.open(*workspace, options.database);
    }
    if (!options.screenshot.isEmpty())
        return screenshot(app, window, service, navigator, options);
    navigator.goTo(options.page.isEmpty() ? QStringLiteral("catalog") : options.page);
    return app.exec();
}

} // namespace Flightdeck::App
