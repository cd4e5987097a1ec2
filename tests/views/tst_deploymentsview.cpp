// SPDX-License-Identifier: Apache-2.0
// The deployments of one service, driven through the real widgets on the offscreen platform over a
// real DeployService and a real script backend (/bin/sh writing what it deploys to a file): the
// cards show the environments in promotion order with the versions the journal recorded, the
// history lists those deployments, the deploy dialog refuses a production plan until the service
// name is typed and then really runs it, an impossible plan shows why inline, Abort stops the
// script's processes and records it, "Stop waiting" (a backend without Abort) ends the progress
// honestly with an unknown outcome, the end of an operation is told to the desktop (offscreen: the
// main window's status bar), and the Deployments page says how to set deploying up when the
// workspace has no spec.deploy.
#include "appcontext.h"
#include "deploy/deploydialog.h"
#include "deploy/deploymentsview.h"
#include "deploy/deployprogress.h"
#include "deploymentspage.h"
#include "widgets/codeviewparts.h"
#include "gitfixture.h"

#include "deploy/auditjournal.h"
#include "deploy/deploylease.h"
#include "store/database.h"
#include "deploy/deployservice.h"
#include "workspace/workspace.h"

#include <QAbstractItemView>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMainWindow>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QSystemTrayIcon>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include <git2.h>

#include <memory>

#include <cerrno>
#include <signal.h>

using namespace Flightdeck;
using namespace Flightdeck::Views;

namespace {

// A job the test drives from outside.
class TestJob final : public Deploy::DeployJob
{
public:
    TestJob(QObject* parent, bool answersCancel)
        : DeployJob(parent)
        , m_answersCancel(answersCancel)
    { }

    void finishWith(const Deploy::DeployResult& result) { finishLater(result); }
    int cancelCalls() const { return m_cancelCalls; }

    // DeployJob's own cancel (the job cannot stop its backend, so it says so at once), or nothing
    // at all, as a job waiting on a backend that takes its time would.
    void cancel() override
    {
        ++m_cancelCalls;
        if (m_answersCancel)
            DeployJob::cancel();
    }

private:
    bool m_answersCancel = true;
    int m_cancelCalls = 0;
};

// A backend that deploys and reports status but cannot abort, and whose deploys never end on their
// own: what "Stop waiting" is for.
class NoAbortBackend final : public Deploy::DeployBackend
{
public:
    NoAbortBackend(const Deploy::BackendContext& context, QObject* parent, bool answersCancel)
        : DeployBackend(context, parent)
        , m_answersCancel(answersCancel)
    { }

    QString type() const override { return QStringLiteral("no-abort"); }
    Deploy::Capabilities capabilities() const override
    {
        return Deploy::Capability::Deploy | Deploy::Capability::Status;
    }

    Deploy::DeployJob* start(const Deploy::DeployRequest& request) override
    {
        auto* job = new TestJob(this, m_answersCancel);
        if (request.action == Deploy::Action::Status) {
            Deploy::DeployResult r;
            r.outcome = Deploy::Outcome::Succeeded; // nothing it can see: the journal tells the version
            job->finishWith(r);
            return job;
        }
        if (request.action != Deploy::Action::Deploy) {
            job->finishWith(Deploy::DeployResult::failure(QStringLiteral("not supported")));
            return job;
        }
        lastDeploy = job;
        QMetaObject::invokeMethod(
            job,
            [job, request] {
                Q_EMIT job->step(QStringLiteral("Rollout"), QStringLiteral("running"));
                Q_EMIT job->log(QStringLiteral("rolling out %1 %2").arg(request.target.service, request.version));
            },
            Qt::QueuedConnection);
        return job;
    }

    QPointer<TestJob> lastDeploy;

private:
    bool m_answersCancel = true;
};

// The process is gone: no such process, or dead and waiting to be reaped by whoever inherited it.
bool processGone(qint64 pid)
{
    if (pid <= 0)
        return false;
    if (::kill(pid_t(pid), 0) != 0 && errno == ESRCH)
        return true;
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return false;
    const QByteArray text = stat.readAll();
    const qsizetype paren = text.lastIndexOf(')');
    return paren > 0 && text.mid(paren + 2, 1) == "Z";
}

qint64 readPid(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray text = f.readAll();
    return text.endsWith('\n') ? text.trimmed().toLongLong() : 0; // a whole line, not one being written
}

} // namespace

class tst_DeploymentsView : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Deploy::DeployService> m_service;
    AppContext m_context;

    QString deployedLog() const { return m_dir.filePath(QStringLiteral("deployed.log")); }

    QString readDeployed() const
    {
        QFile f(deployedLog());
        return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
    }

    // dev → staging → production, all through one script that appends "<environment> <version>"
    // to a file and reports a step; production asks for the service name.
    Workspace::DeploySettings settings() const
    {
        Workspace::DeploySettings d;
        Workspace::DeployBackendSpec script;
        script.name = QStringLiteral("local");
        script.type = QStringLiteral("script");
        script.settings.insert(QStringLiteral("command"),
            QStringLiteral("echo '::step::Install'; echo \"installing $SERVICE $VERSION\"; "
                           "printf '%s %s\\n' \"$ENVIRONMENT\" \"$VERSION\" >> '%1'")
                .arg(deployedLog()));
        d.backends << script;
        d.environments << Workspace::DeployEnvironmentSpec {QStringLiteral("dev"), script.name, false, {}, {}}
                       << Workspace::DeployEnvironmentSpec {QStringLiteral("staging"), script.name, false, {}, {}}
                       << Workspace::DeployEnvironmentSpec {QStringLiteral("production"), script.name, true, {}, {}};
        Workspace::DeployServiceSpec checkout;
        checkout.name = QStringLiteral("checkout");
        d.services << checkout;
        return d;
    }

    // A real operation through the service, outside the view (what an earlier session did).
    void deploy(const QString& environment, const QString& version)
    {
        Deploy::OperationRequest request;
        request.service = QStringLiteral("checkout");
        request.environment = environment;
        request.version = version;
        Deploy::DeployOperation* op = m_service->prepare(request);
        QSignalSpy planned(op, &Deploy::DeployOperation::planned);
        QVERIFY(planned.wait(10000));
        QVERIFY2(op->plan().ok, qPrintable(op->plan().error));
        QSignalSpy finished(m_service.get(), &Deploy::DeployService::operationFinished);
        op->execute();
        QVERIFY(finished.wait(20000));
        QVERIFY(finished.first().at(2).value<Deploy::DeployResult>().ok());
    }

    static QStringList column(QTableWidget* table, int c)
    {
        QStringList out;
        for (int r = 0; r < table->rowCount(); ++r)
            out << (table->item(r, c) ? table->item(r, c)->text() : QString());
        return out;
    }

    // A view of checkout, shown and loaded.
    std::unique_ptr<DeploymentsView> loadedView()
    {
        auto view = std::make_unique<DeploymentsView>(m_context);
        view->resize(1200, 800);
        view->setService(QStringLiteral("checkout"), QStringLiteral("Checkout"));
        QSignalSpy loaded(view.get(), &DeploymentsView::loaded);
        view->show();
        if (!loaded.wait(20000))
            return nullptr;
        return view;
    }

    // A deploy service of its own (journal and leases in their own store) for one service, "payments",
    // with the one environment dev through the backend `backend`.
    std::unique_ptr<Deploy::DeployService> ownService(const QString& name, const Workspace::DeployBackendSpec& backend,
        Deploy::DeployService::BackendFactory factory = {}) const
    {
        Workspace::DeploySettings d;
        d.backends << backend;
        d.environments << Workspace::DeployEnvironmentSpec { QStringLiteral("dev"), backend.name, false, {}, {} };
        Workspace::DeployServiceSpec payments;
        payments.name = QStringLiteral("payments");
        d.services << payments;
        Deploy::DeployService::Options options;
        options.workspaceDirectory = m_dir.path();
        options.databasePath = m_dir.filePath(name + QStringLiteral(".sqlite"));
        options.dataDirectory = m_dir.filePath(name);
        options.actor = QStringLiteral("Rita Release <rita@example.com>");
        options.factory = std::move(factory);
        return std::make_unique<Deploy::DeployService>(d, options);
    }

    // A script backend whose command writes its shell's pid to shell.pid and starts a step; a
    // version ending in -hang then runs `sleep 30` (its pid in child.pid) until stopped, one ending
    // in -fail exits 3.
    Workspace::DeployBackendSpec scriptBackend() const
    {
        Workspace::DeployBackendSpec script;
        script.name = QStringLiteral("local");
        script.type = QStringLiteral("script");
        script.settings.insert(QStringLiteral("command"),
            QStringLiteral("echo $$ > '%1'; echo '::step::Starting'; "
                           "case \"$VERSION\" in "
                           "*-hang) sleep 30 & echo $! > '%2'; wait ;; "
                           "*-fail) echo 'no space left on the target' >&2; exit 3 ;; "
                           "esac; "
                           "echo \"started $SERVICE $VERSION\"")
                .arg(m_dir.filePath(QStringLiteral("shell.pid")), m_dir.filePath(QStringLiteral("child.pid"))));
        script.settings.insert(QStringLiteral("terminateGraceMs"), QStringLiteral("2000"));
        return script;
    }

    static std::unique_ptr<DeploymentsView> paymentsView(AppContext& context)
    {
        auto view = std::make_unique<DeploymentsView>(context);
        view->setService(QStringLiteral("payments"), QStringLiteral("Payments"));
        return view;
    }

    // Deploys version to dev through the dialog, as a person would: plan, then the action button.
    static void startThroughDialog(DeploymentsView* view, const QString& version)
    {
        DeployDialog* dialog = view->openDialog(DeployDialog::Mode::Deploy, QStringLiteral("dev"), version);
        QVERIFY(dialog);
        QSignalSpy planned(dialog, &DeployDialog::planReady);
        QVERIFY(planned.wait(10000));
        QVERIFY2(dialog->plan().ok, qPrintable(dialog->plan().error));
        QCOMPARE(dialog->plan().toVersion, version);
        QVERIFY(dialog->actionButton()->isEnabled());
        QTest::mouseClick(dialog->actionButton(), Qt::LeftButton);
        QVERIFY(view->progress()->isVisible());
        QVERIFY(view->progress()->isRunning());
    }

    static bool logContains(DeployProgress* progress, const QString& text)
    {
        return progress->logView()->toPlainText().contains(text);
    }

    static QString stepState(DeployProgress* progress, const QString& name)
    {
        for (int i = 0; i < progress->stepList()->count(); ++i)
            if (progress->stepList()->item(i)->data(Qt::UserRole).toString() == name)
                return progress->stepList()->item(i)->data(Qt::UserRole + 1).toString();
        return {};
    }

    // The journal's result for the newest intent to deploy version.
    static Deploy::AuditRecord resultFor(Deploy::DeployService& service, const QString& version)
    {
        const QList<Deploy::AuditRecord> records = service.journal(QStringLiteral("payments"), QStringLiteral("dev"));
        qint64 intent = 0;
        for (const Deploy::AuditRecord& r : records)
            if (r.kind == Deploy::AuditRecord::Kind::Intent && r.toVersion == version) {
                intent = r.sequence;
                break;
            }
        for (const Deploy::AuditRecord& r : records)
            if (r.kind == Deploy::AuditRecord::Kind::Result && intent > 0 && r.intent == intent)
                return r;
        return {};
    }

    // The service's repository on this machine: one commit, its release tag and a tag of another
    // service. Empty when it could not be made (the reason is printed).
    QString paymentsRepository()
    {
        const QString repo = m_dir.filePath(QStringLiteral("payments-repo"));
        if (QFileInfo::exists(repo + QStringLiteral("/.git")))
            return repo;
        QDir().mkpath(repo + QStringLiteral("/services/payments"));
        QFile f(repo + QStringLiteral("/services/payments/main.go"));
        if (!f.open(QIODevice::WriteOnly))
            return {};
        f.write("package main\n");
        f.close();
        for (const QStringList& args : { QStringList { QStringLiteral("init"), QStringLiteral("-q"), QStringLiteral("-b"), QStringLiteral("main") },
                 QStringList { QStringLiteral("add"), QStringLiteral(".") }, QStringList { QStringLiteral("commit"), QStringLiteral("-qm"), QStringLiteral("Payments: refunds") },
                 QStringList { QStringLiteral("tag"), QStringLiteral("-a"), QStringLiteral("payments/4.1.0"), QStringLiteral("-m"), QStringLiteral("Refunds") },
                 QStringList { QStringLiteral("tag"), QStringLiteral("ledger/9.0.0") } }) {
            const Testing::GitRun run = Testing::runGit(args, repo);
            if (!run.ok()) {
                qWarning("%s: %s", qPrintable(args.join(QLatin1Char(' '))), qPrintable(run.error));
                return {};
            }
        }
        return repo;
    }

private Q_SLOTS:
    void initTestCase()
    {
        git_libgit2_init(); // as main() does: the versions of a repository are read with libgit2
        QVERIFY(m_dir.isValid());
        QStandardPaths::setTestModeEnabled(true);
        qRegisterMetaType<Flightdeck::Deploy::DeployResult>();
        Deploy::DeployService::Options options;
        options.workspaceDirectory = m_dir.path();
        options.databasePath = m_dir.filePath(QStringLiteral("store.sqlite"));
        options.dataDirectory = m_dir.filePath(QStringLiteral("data"));
        options.actor = QStringLiteral("Rita Release <rita@example.com>");
        m_service = std::make_unique<Deploy::DeployService>(settings(), options);
        m_context.deploy = m_service.get();
        deploy(QStringLiteral("dev"), QStringLiteral("1.0.0"));
        deploy(QStringLiteral("dev"), QStringLiteral("1.1.0"));
        deploy(QStringLiteral("staging"), QStringLiteral("1.0.0"));
        QCOMPARE(readDeployed(), QStringLiteral("dev 1.0.0\ndev 1.1.0\nstaging 1.0.0\n"));
    }

    void view_loaded_showsEnvironmentsVersionsAndHistory()
    {
        const auto view = loadedView();
        QVERIFY(view);
        QStringList environments;
        for (EnvironmentCard* c : view->cards())
            environments << c->environment();
        QCOMPARE(environments, (QStringList {QStringLiteral("dev"), QStringLiteral("staging"), QStringLiteral("production")}));

        EnvironmentCard* dev = view->card(QStringLiteral("dev"));
        EnvironmentCard* staging = view->card(QStringLiteral("staging"));
        EnvironmentCard* production = view->card(QStringLiteral("production"));
        QVERIFY(!dev->isLoading() && !dev->hasError());
        QCOMPARE(dev->version(), QStringLiteral("1.1.0"));
        QCOMPARE(dev->versionLabel()->text(), QStringLiteral("1.1.0"));
        QVERIFY2(dev->deployedLabel()->text().contains(QStringLiteral("Rita Release")), qPrintable(dev->deployedLabel()->text()));
        QVERIFY(dev->deployedLabel()->toolTip().contains(QStringLiteral(" UTC")));
        QCOMPARE(staging->version(), QStringLiteral("1.0.0"));
        QCOMPARE(production->version(), QString());
        QCOMPARE(production->versionLabel()->text(), QStringLiteral("—"));

        // Promote takes the version of the environment before; the first has none.
        QVERIFY(!dev->promoteButton()->isEnabled());
        QVERIFY(staging->promoteButton()->isEnabled());
        QVERIFY2(staging->promoteButton()->toolTip().contains(QStringLiteral("1.1.0"))
                && staging->promoteButton()->toolTip().contains(QStringLiteral("dev")),
            qPrintable(staging->promoteButton()->toolTip()));

        // The history, newest first, merged over the environments, then one environment.
        QTableWidget* history = view->historyTable();
        QCOMPARE(history->rowCount(), 3);
        QCOMPARE(column(history, DeploymentsView::Version),
            (QStringList {QStringLiteral("1.0.0"), QStringLiteral("1.1.0"), QStringLiteral("1.0.0")}));
        QCOMPARE(column(history, DeploymentsView::Environment),
            (QStringList {QStringLiteral("staging"), QStringLiteral("dev"), QStringLiteral("dev")}));
        QCOMPARE(column(history, DeploymentsView::Result).count(QStringLiteral("succeeded")), 3);
        QCOMPARE(column(history, DeploymentsView::By).count(QStringLiteral("Rita Release")), 3);
        QCOMPARE(history->item(1, DeploymentsView::From)->text(), QStringLiteral("1.0.0"));
        view->historyFilter()->setCurrentIndex(view->historyFilter()->findData(QStringLiteral("dev")));
        QCOMPARE(column(history, DeploymentsView::Environment), (QStringList {QStringLiteral("dev"), QStringLiteral("dev")}));
        QVERIFY(!view->rollbackToButton()->isEnabled()); // nothing selected
        history->selectRow(1);
        QVERIFY(view->rollbackToButton()->isEnabled());
        QVERIFY(view->rollbackToButton()->toolTip().contains(QStringLiteral("1.0.0")));
    }

    void dialog_production_runsOnlyOnceTheServiceNameIsTyped()
    {
        const auto view = loadedView();
        QVERIFY(view);
        DeployDialog* dialog = view->openDialog(DeployDialog::Mode::Deploy, QStringLiteral("production"), QStringLiteral("1.1.0"));
        QVERIFY(dialog);
        QSignalSpy planned(dialog, &DeployDialog::planReady);
        QVERIFY(planned.wait(10000));
        const Deploy::DeployPlan plan = dialog->plan();
        QVERIFY2(plan.ok, qPrintable(plan.error));
        QVERIFY(plan.confirm);
        QCOMPARE(plan.environment, QStringLiteral("production"));
        QCOMPARE(plan.toVersion, QStringLiteral("1.1.0"));
        QVERIFY(dialog->summaryLabel()->text().contains(QStringLiteral("production")));
        QVERIFY(dialog->confirmField()->isVisible());

        // Not without the name: neither the button nor Enter nor accept() runs anything.
        QVERIFY(!dialog->actionButton()->isEnabled());
        QTest::keyClick(dialog->confirmField(), Qt::Key_Return);
        dialog->accept();
        QVERIFY(dialog->result() != QDialog::Accepted);
        QVERIFY(!dialog->takeOperation());
        QTest::keyClicks(dialog->confirmField(), QStringLiteral("checkou"));
        QVERIFY(!dialog->actionButton()->isEnabled());
        QTest::keyClicks(dialog->confirmField(), QStringLiteral("tt"));
        QVERIFY(!dialog->actionButton()->isEnabled());
        QTest::keyClick(dialog->confirmField(), Qt::Key_Backspace);
        QVERIFY(dialog->actionButton()->isEnabled());
        QVERIFY(!readDeployed().contains(QStringLiteral("production")));

        // Typed: it runs, the progress follows it, and the card shows the new version.
        QSignalSpy finished(view->progress(), &DeployProgress::operationFinished);
        QSignalSpy reloaded(view.get(), &DeploymentsView::loaded);
        QTest::mouseClick(dialog->actionButton(), Qt::LeftButton);
        QVERIFY(view->progress()->isVisible());
        QVERIFY(finished.wait(20000));
        const auto result = finished.first().at(1).value<Deploy::DeployResult>();
        QVERIFY2(result.ok(), qPrintable(result.message));
        QVERIFY(readDeployed().endsWith(QStringLiteral("production 1.1.0\n")));
        QVERIFY(view->progress()->logView()->toPlainText().contains(QStringLiteral("installing checkout 1.1.0")));
        QStringList steps;
        for (int i = 0; i < view->progress()->stepList()->count(); ++i)
            steps << view->progress()->stepList()->item(i)->text();
        QVERIFY2(steps.contains(QStringLiteral("Install")), qPrintable(steps.join(QLatin1Char(','))));
        QVERIFY(!view->progress()->abortButton()->isVisible());
        QVERIFY(reloaded.wait(20000));
        QCOMPARE(view->card(QStringLiteral("production"))->version(), QStringLiteral("1.1.0"));
        QCOMPARE(view->historyTable()->item(0, DeploymentsView::Environment)->text(), QStringLiteral("production"));
    }

    void dialog_impossiblePlan_saysWhyAndRunsNothing()
    {
        const auto view = loadedView();
        QVERIFY(view);
        const QString before = readDeployed();
        // Staging has only ever run 1.0.0: there is nothing earlier to go back to.
        DeployDialog* dialog = view->openDialog(DeployDialog::Mode::Rollback, QStringLiteral("staging"));
        QVERIFY(dialog);
        QSignalSpy planned(dialog, &DeployDialog::planReady);
        QVERIFY(planned.wait(10000));
        QVERIFY(!dialog->plan().ok);
        QVERIFY(dialog->errorBar()->isVisible());
        QVERIFY(dialog->errorBar()->message().contains(QStringLiteral("staging")));
        QVERIFY(!dialog->actionButton()->isEnabled());
        dialog->accept();
        QVERIFY(!dialog->takeOperation());
        // Whatever is typed as a version is planned, never a crash.
        dialog->versionBox()->setEditText(QStringLiteral("../../\"; rm -rf / #"));
        QVERIFY(planned.wait(10000));
        dialog->reject();
        QCOMPARE(readDeployed(), before);
    }

    void progress_abort_stopsTheScriptRecordsItAndReleasesTheLease()
    {
        const auto service = ownService(QStringLiteral("abort"), scriptBackend());
        AppContext context;
        context.deploy = service.get();
        QFile::remove(m_dir.filePath(QStringLiteral("shell.pid")));
        QFile::remove(m_dir.filePath(QStringLiteral("child.pid")));
        const auto view = paymentsView(context);
        view->resize(1200, 800);
        QSignalSpy loaded(view.get(), &DeploymentsView::loaded);
        view->show();
        QVERIFY(loaded.wait(20000));

        DeployProgress* progress = view->progress();
        QSignalSpy finished(progress, &DeployProgress::operationFinished);
        startThroughDialog(view.get(), QStringLiteral("2.0.0-hang"));
        if (QTest::currentTestFailed())
            return;
        // Running: the script started its step and its long process.
        QTRY_VERIFY_WITH_TIMEOUT(readPid(m_dir.filePath(QStringLiteral("child.pid"))) > 0, 20000);
        QTRY_COMPARE_WITH_TIMEOUT(stepState(progress, QStringLiteral("Starting")), QStringLiteral("running"), 10000);
        const qint64 shell = readPid(m_dir.filePath(QStringLiteral("shell.pid")));
        const qint64 child = readPid(m_dir.filePath(QStringLiteral("child.pid")));
        QVERIFY(shell > 0);
        QVERIFY(!processGone(shell) && !processGone(child));
        QVERIFY(!view->card(QStringLiteral("dev"))->deployButton()->isEnabled()); // one at a time

        auto* abort = progress->findChild<QPushButton*>(QStringLiteral("DeployAbort"));
        QVERIFY(abort);
        QVERIFY(abort->isVisible());
        QVERIFY(abort->isEnabled());
        QCOMPARE(abort->text(), QStringLiteral("Abort"));
        QTest::mouseClick(abort, Qt::LeftButton);
        QVERIFY(logContains(progress, QStringLiteral("Abort requested.")));
        QVERIFY(!abort->isEnabled());

        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 20000);
        const auto result = finished.first().at(1).value<Deploy::DeployResult>();
        QCOMPARE(result.outcome, Deploy::Outcome::Cancelled);
        QVERIFY2(result.message.contains(QStringLiteral("stopped")), qPrintable(result.message));
        QVERIFY2(progress->titleLabel()->text().contains(QStringLiteral("stopped")),
            qPrintable(progress->titleLabel()->text()));
        QVERIFY(progress->resultLabel()->isVisible());
        QVERIFY2(progress->resultLabel()->text().contains(QStringLiteral("Cancelled")),
            qPrintable(progress->resultLabel()->text()));
        QVERIFY(!progress->isRunning());
        QVERIFY(!abort->isVisible());
        QVERIFY(!logContains(progress, QStringLiteral("started payments")));
        QCOMPARE(stepState(progress, QStringLiteral("Starting")), QStringLiteral("failed"));
        // The script and what it started are gone.
        QTRY_VERIFY_WITH_TIMEOUT(processGone(shell), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(processGone(child), 10000);

        // The journal has its result, and it is not a success.
        const Deploy::AuditRecord aborted = resultFor(*service, QStringLiteral("2.0.0-hang"));
        QVERIFY(aborted.intent > 0);
        QCOMPARE(aborted.result, QStringLiteral("cancelled"));

        // The lease went with it: the next deploy to the same place runs.
        QTRY_VERIFY_WITH_TIMEOUT(view->card(QStringLiteral("dev"))->deployButton()->isEnabled(), 10000);
        startThroughDialog(view.get(), QStringLiteral("2.0.1"));
        if (QTest::currentTestFailed())
            return;
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 20000);
        const auto next = finished.at(1).at(1).value<Deploy::DeployResult>();
        QVERIFY2(next.ok(), qPrintable(next.message));
        QVERIFY(logContains(progress, QStringLiteral("started payments 2.0.1")));
        QCOMPARE(resultFor(*service, QStringLiteral("2.0.1")).result, QStringLiteral("succeeded"));
    }

    void progress_stopWaiting_endsWithAnUnknownOutcome_data()
    {
        QTest::addColumn<bool>("answersCancel");
        QTest::newRow("the job answers the cancel") << true;
        QTest::newRow("the job ignores the cancel") << false;
    }

    void progress_stopWaiting_endsWithAnUnknownOutcome()
    {
        QFETCH(bool, answersCancel);
        QPointer<NoAbortBackend> backend;
        Workspace::DeployBackendSpec spec;
        spec.name = QStringLiteral("cluster");
        spec.type = QStringLiteral("no-abort");
        const auto service = ownService(answersCancel ? QStringLiteral("answers") : QStringLiteral("ignores"), spec,
            [&backend, answersCancel](const Workspace::DeployBackendSpec& s, const Deploy::BackendContext& c,
                QObject* parent) -> Deploy::DeployBackend* {
                if (s.type != QLatin1String("no-abort"))
                    return nullptr;
                auto* b = new NoAbortBackend(c, parent, answersCancel);
                backend = b;
                return b;
            });
        AppContext context;
        context.deploy = service.get();
        const auto view = paymentsView(context);
        view->resize(1200, 800);
        QSignalSpy loaded(view.get(), &DeploymentsView::loaded);
        view->show();
        QVERIFY(loaded.wait(20000));
        QVERIFY(backend);

        DeployProgress* progress = view->progress();
        QSignalSpy finished(progress, &DeployProgress::operationFinished);
        startThroughDialog(view.get(), QStringLiteral("3.0.0"));
        if (QTest::currentTestFailed())
            return;
        QTRY_VERIFY_WITH_TIMEOUT(logContains(progress, QStringLiteral("rolling out payments 3.0.0")), 20000);
        QCOMPARE(stepState(progress, QStringLiteral("Rollout")), QStringLiteral("running"));
        QVERIFY(backend->lastDeploy);

        QPushButton* stop = progress->abortButton();
        QCOMPARE(stop->text(), QStringLiteral("Stop waiting"));
        QVERIFY2(stop->toolTip().contains(QStringLiteral("cannot abort"))
                && stop->toolTip().contains(QStringLiteral("may still complete")),
            qPrintable(stop->toolTip()));
        QVERIFY(stop->isVisible() && stop->isEnabled());
        QVERIFY(!view->card(QStringLiteral("dev"))->deployButton()->isEnabled());
        QSignalSpy reloaded(view.get(), &DeploymentsView::loaded);
        QTest::mouseClick(stop, Qt::LeftButton);
        QVERIFY(logContains(progress, QStringLiteral("Stopped waiting for the backend.")));
        QCOMPARE(stop->text(), QStringLiteral("Stop waiting"));

        // The progress ends at once, without the backend having ended anything.
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
        QCOMPARE(backend->lastDeploy ? backend->lastDeploy->cancelCalls() : 1, 1); // the backend was told
        if (!answersCancel) {
            QVERIFY(backend->lastDeploy); // still there, unfinished: abandoned, not made up
            QVERIFY(!backend->lastDeploy->isFinished());
        }
        const auto result = finished.first().at(1).value<Deploy::DeployResult>();
        QCOMPARE(result.outcome, Deploy::Outcome::Unknown);
        QVERIFY2(result.message.contains(QStringLiteral("may still complete")), qPrintable(result.message));
        QVERIFY(!progress->isRunning());
        QVERIFY(!stop->isVisible());
        QVERIFY2(progress->titleLabel()->text().contains(QStringLiteral("outcome unknown")),
            qPrintable(progress->titleLabel()->text()));
        const QString shown = progress->resultLabel()->text();
        QVERIFY2(shown.contains(QStringLiteral("may still complete")), qPrintable(shown));
        QVERIFY2(!shown.contains(QStringLiteral("Nothing was changed")) && !shown.contains(QStringLiteral("Cancelled")),
            qPrintable(shown));
        QCOMPARE(stepState(progress, QStringLiteral("Rollout")), QStringLiteral("unknown"));

        // The UI is free again, and the journal and the history say what is known.
        QVERIFY(!view->isOperationRunning());
        QTRY_VERIFY_WITH_TIMEOUT(view->card(QStringLiteral("dev"))->deployButton()->isEnabled(), 10000);
        const Deploy::AuditRecord record = resultFor(*service, QStringLiteral("3.0.0"));
        QVERIFY(record.intent > 0);
        QCOMPARE(record.result, QStringLiteral("unknown"));
        QVERIFY2(record.detail.contains(QStringLiteral("may still complete")), qPrintable(record.detail));
        // The backend may still be changing dev: the lease stays until it runs out, and says so.
        QVERIFY2(result.hint.contains(QStringLiteral("lease runs out")), qPrintable(result.hint));
        {
            Store::Database db(m_dir.filePath((answersCancel ? QStringLiteral("answers") : QStringLiteral("ignores")) + QStringLiteral(".sqlite")));
            QVERIFY(db.open());
            const Deploy::DeployLease::Holder holder = Deploy::DeployLease(db, QStringLiteral("payments"), QStringLiteral("dev")).current();
            QVERIFY2(!holder.isFree(), qPrintable(holder.id));
            QVERIFY(holder.id.contains(QStringLiteral("3.0.0")));
        }
        QTRY_VERIFY_WITH_TIMEOUT(!reloaded.isEmpty(), 20000);
        QCOMPARE(view->card(QStringLiteral("dev"))->version(), QString()); // not claimed as deployed
        QCOMPARE(column(view->historyTable(), DeploymentsView::Version), QStringList { QStringLiteral("3.0.0") });
        QCOMPARE(column(view->historyTable(), DeploymentsView::Result), QStringList { QStringLiteral("unknown") });
    }

    void progress_end_isToldInTheMainWindowsStatusBar_data()
    {
        QTest::addColumn<QString>("version");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QString>("title");
        QTest::addColumn<QString>("says");
        QTest::newRow("succeeded") << QStringLiteral("4.0.0") << true
                                   << QStringLiteral("Deployed payments 4.0.0 to dev") << QStringLiteral("completed");
        QTest::newRow("failed") << QStringLiteral("4.0.1-fail") << false
                                << QStringLiteral("Deploy of payments to dev failed")
                                << QStringLiteral("exited with code 3");
    }

    void progress_end_isToldInTheMainWindowsStatusBar()
    {
        QFETCH(QString, version);
        QFETCH(bool, ok);
        QFETCH(QString, title);
        QFETCH(QString, says);
        if (QSystemTrayIcon::isSystemTrayAvailable())
            QSKIP("This desktop has a tray: the notification goes there, not to the status bar.");
        const auto service = ownService(QStringLiteral("notify"), scriptBackend());
        AppContext context;
        context.deploy = service.get();
        QMainWindow window;
        DeploymentsView* shownView = paymentsView(context).release();
        window.setCentralWidget(shownView); // the window owns it
        window.resize(1200, 800);
        QSignalSpy loaded(shownView, &DeploymentsView::loaded);
        window.show();
        QVERIFY(loaded.wait(20000));
        window.statusBar()->showMessage(QStringLiteral("Ready"));

        QSignalSpy finished(shownView->progress(), &DeployProgress::operationFinished);
        startThroughDialog(shownView, version);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(window.statusBar()->currentMessage(), QStringLiteral("Ready")); // nothing until it ends
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 20000);
        QCOMPARE(finished.first().at(1).value<Deploy::DeployResult>().ok(), ok);
        const QString message = window.statusBar()->currentMessage();
        QVERIFY2(message.startsWith(title + QStringLiteral(": ")), qPrintable(message));
        QVERIFY2(message.contains(says), qPrintable(message));
        QVERIFY2(message.contains(shownView->progress()->resultLabel()->text()), qPrintable(message));
    }

    void dialog_versions_listTheServiceRepositorysTagsAndCommits()
    {
        const QString repo = paymentsRepository();
        QVERIFY(!repo.isEmpty());
        const QString head = Testing::revParse(repo, QStringLiteral("HEAD"));

        Workspace::DeployBackendSpec backend = scriptBackend();
        backend.settings.insert(QStringLiteral("sourceRepository"), repo);
        backend.settings.insert(QStringLiteral("sourcePath"), QStringLiteral("services/payments"));
        auto service = ownService(QStringLiteral("versions"), backend);
        AppContext context;
        context.deploy = service.get();
        auto view = paymentsView(context);
        DeployDialog* dialog = view->openDialog(DeployDialog::Mode::Deploy, QStringLiteral("dev"), QString());
        QVERIFY(dialog);
        QTRY_VERIFY_WITH_TIMEOUT(!dialog->isBusy(), 20000);
        QComboBox* box = dialog->versionBox();
        QStringList items;
        for (int i = 0; i < box->count(); ++i)
            items << box->itemText(i);
        QVERIFY2(items == (QStringList { QStringLiteral("4.1.0"), head.left(7) }), qPrintable(items.join(QLatin1Char(',')) + QStringLiteral(" / ") + dialog->versionNote()->text()));
        QVERIFY2(box->itemData(0, Qt::ToolTipRole).toString().startsWith(QStringLiteral("tag payments/4.1.0 · ")), qPrintable(box->itemData(0, Qt::ToolTipRole).toString()));
        QVERIFY(box->itemData(0, Qt::ToolTipRole).toString().endsWith(QStringLiteral("Refunds")));
        QVERIFY(box->itemData(1, Qt::ToolTipRole).toString().contains(QStringLiteral("Payments: refunds")));
        const QString note = dialog->versionNote()->text();
        QVERIFY2(note.contains(QStringLiteral("1 tag and 1 recent commit of payments-repo · services/payments")), qPrintable(note));
        QVERIFY2(note.contains(QStringLiteral("the repository on this machine")), qPrintable(note));
        QVERIFY(dialog->versionNote()->toolTip().contains(repo));
        // Choosing one plans it.
        QSignalSpy planned(dialog, &DeployDialog::planReady);
        box->setCurrentIndex(0);
        QVERIFY(planned.wait(10000));
        QCOMPARE(dialog->plan().toVersion, QStringLiteral("4.1.0"));
        if (const QString dir = qEnvironmentVariable("FLIGHTDECK_TEST_SNAPSHOTS"); !dir.isEmpty()) {
            dialog->grab().save(dir + QStringLiteral("/versions-dialog.png"));
            box->showPopup();
            QTest::qWait(200);
            box->view()->window()->grab().save(dir + QStringLiteral("/versions-popup.png"));
            box->hidePopup();
        }
        dialog->reject();

        // A repository that is not there: said, and the version can still be typed.
        Workspace::DeployBackendSpec broken = scriptBackend();
        broken.settings.insert(QStringLiteral("sourceRepository"), m_dir.filePath(QStringLiteral("no-such-repo")));
        auto brokenService = ownService(QStringLiteral("versions-broken"), broken);
        AppContext brokenContext;
        brokenContext.deploy = brokenService.get();
        auto brokenView = paymentsView(brokenContext);
        DeployDialog* second = brokenView->openDialog(DeployDialog::Mode::Deploy, QStringLiteral("dev"), QString());
        QVERIFY(second);
        QTRY_VERIFY_WITH_TIMEOUT(!second->isBusy(), 20000);
        QCOMPARE(second->versionBox()->count(), 0);
        QVERIFY2(second->versionNote()->text().contains(QStringLiteral("The repository's versions could not be read")), qPrintable(second->versionNote()->text()));
        QVERIFY2(second->versionNote()->text().contains(QStringLiteral("type the one to deploy")), qPrintable(second->versionNote()->text()));
        second->reject();
    }

    void card_offersTheNewestReleaseWhenItIsNewer()
    {
        const QString repo = paymentsRepository();
        QVERIFY(!repo.isEmpty());
        Workspace::DeployBackendSpec backend = scriptBackend();
        backend.settings.insert(QStringLiteral("sourceRepository"), repo);
        auto service = ownService(QStringLiteral("newer"), backend);
        AppContext context;
        context.deploy = service.get();
        auto view = paymentsView(context);
        view->resize(1200, 800);
        QSignalSpy loaded(view.get(), &DeploymentsView::loaded);
        view->show();
        QVERIFY(loaded.wait(20000));
        EnvironmentCard* dev = view->card(QStringLiteral("dev"));
        QVERIFY(dev);
        QVERIFY(!dev->newerLabel()->isVisible()); // nothing runs: nothing to be newer than

        // 4.0.0 runs: 4.1.0, the repository's newest release, is offered.
        startThroughDialog(view.get(), QStringLiteral("4.0.0"));
        QTRY_VERIFY_WITH_TIMEOUT(!view->progress()->isRunning(), 20000);
        QTRY_COMPARE_WITH_TIMEOUT(dev->version(), QStringLiteral("4.0.0"), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(!view->isLoading(), 20000);
        QVERIFY(dev->newerLabel()->isVisible());
        QVERIFY2(dev->newerLabel()->text().contains(QStringLiteral("4.1.0")), qPrintable(dev->newerLabel()->text()));
        QVERIFY(dev->newerLabel()->toolTip().contains(QStringLiteral("tag payments/4.1.0")));
        // Following it opens the deploy dialog with that version.
        Q_EMIT dev->newerLabel()->linkActivated(QStringLiteral("deploy"));
        DeployDialog* dialog = view->findChild<DeployDialog*>();
        QVERIFY(dialog);
        QCOMPARE(dialog->versionBox()->currentText(), QStringLiteral("4.1.0"));
        QSignalSpy planned(dialog, &DeployDialog::planReady);
        QVERIFY(planned.wait(10000));
        QTest::mouseClick(dialog->actionButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!view->progress()->isRunning(), 20000);

        // 4.1.0 runs: nothing newer.
        QTRY_COMPARE_WITH_TIMEOUT(dev->version(), QStringLiteral("4.1.0"), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(!view->isLoading(), 20000);
        QVERIFY(!dev->newerLabel()->isVisible());
    }

    void page_withoutDeploySettings_saysHowToAddThem()
    {
        AppContext context; // no spec.deploy: no deploy service
        DeploymentsPage page(context);
        page.resize(1000, 700);
        page.show();
        QVERIFY(page.isPlaceholderShown());
        QVERIFY(page.placeholder()->text().contains(QStringLiteral("spec.deploy")));
        QVERIFY(!page.isBusy());
    }
};

QTEST_MAIN(tst_DeploymentsView)
#include "tst_deploymentsview.moc"
