// SPDX-License-Identifier: Apache-2.0
// The script deploy backend with real /bin/sh scripts written into a temporary directory: the
// environment a script gets (and the secret it does not), its output streamed line by line with
// ::step:: markers, failures with the tail of the output, cancel, abort and the timeout stopping
// the whole process group, and the health check and status against a real loopback server.
#include "deploy/scriptbackend.h"
#include "net/httpclient.h"
#include "replayserver.h"

#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QPointer>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <functional>

#include <cerrno>
#include <signal.h>

using namespace Flightdeck;
using namespace Flightdeck::Deploy;
using Flightdeck::Test::ReplayResponse;
using Flightdeck::Test::ReplayServer;

namespace {

const QString kSecret = QStringLiteral("s3cr3t-deploy-token-4711");

struct Run
{
    bool finished = false;
    int finishedCount = 0;
    DeployResult result;
    QStringList steps; // "name: state"
    QStringList logs;
    QStringList changed;
};

// Runs a job to its end (bounded), recording what it emits. onLog may act on the job.
Run runJob(DeployJob* job, const std::function<void(DeployJob*, const QString&)>& onLog = {})
{
    Run run;
    QEventLoop loop;
    QPointer<DeployJob> guard(job);
    QObject::connect(job, &DeployJob::step, &loop,
        [&](const QString& name, const QString& state) { run.steps << name + QStringLiteral(": ") + state; });
    QObject::connect(job, &DeployJob::log, &loop, [&](const QString& line) {
        run.logs << line;
        if (onLog && guard)
            onLog(guard, line);
    });
    QObject::connect(job, &DeployJob::changed, &loop, [&](const QString& reference) { run.changed << reference; });
    QObject::connect(job, &DeployJob::finished, &loop, [&](const DeployResult& result) {
        run.result = result;
        run.finished = true;
        ++run.finishedCount;
        loop.quit();
    });
    QTimer::singleShot(30000, &loop, &QEventLoop::quit);
    if (!run.finished)
        loop.exec();
    QTest::qWait(30); // a second finished() would arrive from the event loop
    return run;
}

// Dead: no such process, or a zombie its new parent has not reaped yet.
bool processGone(qint64 pid)
{
    if (::kill(pid_t(pid), 0) != 0 && errno == ESRCH)
        return true;
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return true;
    const QByteArray text = stat.readAll();
    const qsizetype paren = text.lastIndexOf(')');
    return paren > 0 && text.mid(paren + 2, 1) == "Z";
}

qint64 pidFromLogs(const QStringList& logs, const QString& prefix)
{
    for (const QString& line : logs)
        if (line.startsWith(prefix))
            return line.mid(prefix.size()).trimmed().toLongLong();
    return 0;
}

} // namespace

class tst_ScriptBackend : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir* m_dir = nullptr;
    Net::HttpClient* m_http = nullptr;
    ScriptBackend* m_backend = nullptr;

    // Writes an executable script into the temporary directory; the command runs it.
    QString script(const QString& name, const QByteArray& body) const
    {
        const QString path = m_dir->filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly) || f.write("#!/bin/sh\n" + body) < 0)
            return {};
        f.close();
        f.setPermissions(f.permissions() | QFileDevice::ExeOwner);
        return QStringLiteral("'%1'").arg(path);
    }

    DeployRequest request(
        Action action, const QString& version, const QString& command, const QHash<QString, QString>& extra = {}) const
    {
        DeployRequest r;
        r.action = action;
        r.version = version;
        r.fromVersion = QStringLiteral("1.1.0");
        r.operation = action == Action::Rollback ? QStringLiteral("rollback") : QStringLiteral("deploy");
        r.actor = QStringLiteral("Jane Doe <jane@example.com>");
        r.target.service = QStringLiteral("checkout");
        r.target.environment = QStringLiteral("staging");
        r.target.secret = kSecret;
        r.target.settings.insert(QStringLiteral("command"), command);
        r.target.settings.insert(QStringLiteral("workingDirectory"), m_dir->path());
        for (auto it = extra.cbegin(); it != extra.cend(); ++it)
            r.target.settings.insert(it.key(), it.value());
        return r;
    }

    static void verifyNoSecret(const Run& run)
    {
        QVERIFY(!run.result.message.contains(kSecret));
        QVERIFY(!run.result.hint.contains(kSecret));
        for (const QString& line : run.logs)
            QVERIFY2(!line.contains(kSecret), qPrintable(line));
    }

private Q_SLOTS:
    void init()
    {
        m_dir = new QTemporaryDir;
        QVERIFY(m_dir->isValid());
        m_http = new Net::HttpClient(this);
        m_backend = new ScriptBackend({ m_http, m_dir->path(), QStringLiteral("local") }, this);
    }

    void cleanup()
    {
        delete m_backend;
        delete m_http;
        delete m_dir;
        m_backend = nullptr;
        m_http = nullptr;
        m_dir = nullptr;
    }

    void describesItself()
    {
        QCOMPARE(m_backend->type(), QStringLiteral("script"));
        QCOMPARE(capabilityNames(m_backend->capabilities()),
            QStringList({ QStringLiteral("deploy"), QStringLiteral("rollback"), QStringLiteral("abort"),
                QStringLiteral("status"), QStringLiteral("live-progress") }));
        const Run run = runJob(m_backend->start(request(Action::History, {}, QStringLiteral("true"))));
        QCOMPARE(run.result.outcome, Outcome::Failed);
        QVERIFY2(run.result.message.contains(QStringLiteral("cannot history")), qPrintable(run.result.message));
    }

    void environment_arrivesWithoutTheSecret()
    {
        qputenv("FLIGHTDECK_TEST_INHERITED", "from the parent");
        const QString command = script(QStringLiteral("env.sh"),
            "echo \"SERVICE=$SERVICE\"\n"
            "echo \"ENVIRONMENT=$ENVIRONMENT\"\n"
            "echo \"VERSION=$VERSION\"\n"
            "echo \"PREVIOUS_VERSION=$PREVIOUS_VERSION\"\n"
            "echo \"OPERATION=$OPERATION\"\n"
            "echo \"FLIGHTDECK_ACTOR=$FLIGHTDECK_ACTOR\"\n"
            "echo \"INHERITED=$FLIGHTDECK_TEST_INHERITED\"\n"
            "echo \"PWD=$(pwd -P)\"\n"
            "echo \"secret variables: $(env | grep -c 's3cr3t-deploy-token')\"\n");
        const Run run = runJob(m_backend->start(request(Action::Deploy, QStringLiteral("1.2.0"), command)));
        qunsetenv("FLIGHTDECK_TEST_INHERITED");
        QVERIFY(run.finished);
        QVERIFY2(run.result.ok(), qPrintable(run.result.message));
        QCOMPARE(run.logs,
            QStringList({ QStringLiteral("SERVICE=checkout"), QStringLiteral("ENVIRONMENT=staging"),
                QStringLiteral("VERSION=1.2.0"), QStringLiteral("PREVIOUS_VERSION=1.1.0"),
                QStringLiteral("OPERATION=deploy"), QStringLiteral("FLIGHTDECK_ACTOR=Jane Doe <jane@example.com>"),
                QStringLiteral("INHERITED=from the parent"),
                QStringLiteral("PWD=") + QFileInfo(m_dir->path()).canonicalFilePath(),
                QStringLiteral("secret variables: 0") }));
        QVERIFY(run.result.changed);
        QCOMPARE(run.result.version, QStringLiteral("1.2.0"));
    }

    void secretVariable_givesTheSecret_neverShown()
    {
        const QString command = script(QStringLiteral("secret.sh"),
            "[ \"$DEPLOY_TOKEN\" = 's3cr3t-deploy-token-4711' ] && echo token-arrived\n"
            "echo \"token is $DEPLOY_TOKEN\"\n"
            "echo \"failing with $DEPLOY_TOKEN\" >&2\n"
            "exit 1\n");
        const Run run = runJob(m_backend->start(request(Action::Deploy, QStringLiteral("1.2.0"), command,
            { { QStringLiteral("secretVariable"), QStringLiteral("DEPLOY_TOKEN") } })));
        QVERIFY(run.finished);
        QCOMPARE(run.logs,
            QStringList({ QStringLiteral("token-arrived"), QStringLiteral("token is REDACTED"),
                QStringLiteral("failing with REDACTED") }));
        QCOMPARE(run.result.outcome, Outcome::Failed);
        verifyNoSecret(run);
    }

    // stdout and stderr in the order written, ::step:: lines as steps, a last line without a newline.
    void output_streamedInOrder_withSteps()
    {
        const QString command = script(QStringLiteral("steps.sh"),
            "echo '::step::Build'\n"
            "echo one\n"
            "echo two >&2\n"
            "echo three\n"
            "echo '::step::Restart'\n"
            "printf 'no newline at the end'\n");
        const Run run = runJob(m_backend->start(request(Action::Deploy, QStringLiteral("1.2.0"), command)));
        QVERIFY(run.finished);
        QCOMPARE(run.finishedCount, 1);
        QVERIFY2(run.result.ok(), qPrintable(run.result.message));
        QCOMPARE(run.logs,
            QStringList({ QStringLiteral("one"), QStringLiteral("two"), QStringLiteral("three"),
                QStringLiteral("no newline at the end") }));
        QCOMPARE(run.steps,
            QStringList({ QStringLiteral("Build: running"), QStringLiteral("Build: succeeded"),
                QStringLiteral("Restart: running"), QStringLiteral("Restart: succeeded") }));
        QCOMPARE(run.changed.size(), 1);
        QVERIFY2(QRegularExpression(QStringLiteral("^pid [1-9][0-9]*$")).match(run.changed.at(0)).hasMatch(),
            qPrintable(run.changed.at(0)));
        QCOMPARE(run.result.reference, run.changed.at(0));
        QVERIFY(run.result.changed);
    }

    // A line arrives while the script still runs: the script waits for a file the test creates
    // only once it has seen that line.
    void output_arrivesWhileRunning()
    {
        const QString go = m_dir->filePath(QStringLiteral("go"));
        const QString command = script(QStringLiteral("live.sh"),
            "echo ready\n"
            "i=0\n"
            "while [ ! -f go ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done\n"
            "[ -f go ] && echo 'saw go' || echo 'no go'\n");
        const Run run = runJob(m_backend->start(request(Action::Deploy, QStringLiteral("1.2.0"), command)),
            [go](DeployJob*, const QString& line) {
                if (line == QLatin1String("ready")) {
                    QFile f(go);
                    f.open(QIODevice::WriteOnly);
                }
            });
        QVERIFY(run.finished);
        QCOMPARE(run.logs, QStringList({ QStringLiteral("ready"), QStringLiteral("saw go") }));
    }

    void nonZeroExit_failsWithTheTail()
    {
        QByteArray body = "echo '::step::Migrate'\n";
        for (int i = 1; i <= 15; ++i)
            body += "echo 'line " + QByteArray::number(i) + "'\n";
        body += "exit 3\n";
        const Run run = runJob(m_backend->start(
            request(Action::Deploy, QStringLiteral("1.2.0"), script(QStringLiteral("fail.sh"), body))));
        QVERIFY(run.finished);
        QCOMPARE(run.result.outcome, Outcome::Failed);
        QVERIFY(run.result.changed);
        QVERIFY2(run.result.message.startsWith(
                     QStringLiteral("The deploy command exited with code 3.\nLast lines of its output:\n  line 6\n")),
            qPrintable(run.result.message));
        QVERIFY(run.result.message.endsWith(QStringLiteral("  line 15")));
        QVERIFY(!run.result.message.contains(QStringLiteral("line 5\n")));
        QCOMPARE(run.steps, QStringList({ QStringLiteral("Migrate: running"), QStringLiteral("Migrate: failed") }));
        QCOMPARE(run.logs.size(), 15);
    }

    void cancel_stopsTheProcessGroup_data()
    {
        QTest::addColumn<QByteArray>("preamble");
        QTest::newRow("terminate") << QByteArray();
        // Ignoring SIGTERM (children inherit that): killed after the grace period.
        QTest::newRow("ignores SIGTERM: killed") << QByteArray("trap '' TERM\n");
    }

    void cancel_stopsTheProcessGroup()
    {
        QFETCH(QByteArray, preamble);
        const QString command = script(QStringLiteral("long.sh"),
            preamble
                + "sleep 300 &\n"
                  "echo \"child $!\"\n"
                  "sleep 300\n"
                  "echo never\n");
        const Run run = runJob(m_backend->start(request(Action::Deploy, QStringLiteral("1.2.0"), command,
                                   { { QStringLiteral("terminateGraceMs"), QStringLiteral("200") } })),
            [](DeployJob* job, const QString& line) {
                if (line.startsWith(QLatin1String("child ")))
                    job->cancel();
            });
        QVERIFY(run.finished);
        QCOMPARE(run.finishedCount, 1);
        QCOMPARE(run.result.outcome, Outcome::Cancelled);
        QVERIFY(run.result.changed);
        QVERIFY2(run.result.message.contains(QStringLiteral("and the processes it started were stopped")),
            qPrintable(run.result.message));
        QVERIFY(!run.logs.contains(QStringLiteral("never")));
        const qint64 child = pidFromLogs(run.logs, QStringLiteral("child "));
        QVERIFY(child > 0);
        QTRY_VERIFY_WITH_TIMEOUT(processGone(child), 10000);
        const qint64 shell = run.changed.value(0).mid(4).toLongLong();
        QVERIFY(shell > 0);
        QTRY_VERIFY_WITH_TIMEOUT(processGone(shell), 10000);
    }

    void timeout_stopsTheCommand()
    {
        const QString command = script(QStringLiteral("hang.sh"), "echo started\nsleep 300\n");
        const Run run = runJob(m_backend->start(request(Action::Deploy, QStringLiteral("1.2.0"), command,
            { { QStringLiteral("timeoutSeconds"), QStringLiteral("0.5") } })));
        QVERIFY(run.finished);
        QCOMPARE(run.result.outcome, Outcome::Failed);
        QVERIFY(run.result.changed);
        QVERIFY2(run.result.message.startsWith(QStringLiteral("The deploy command did not finish within 0.5 s and was "
                                                              "stopped.\nLast lines of its output:\n  started")),
            qPrintable(run.result.message));
        QVERIFY(run.result.hint.contains(QStringLiteral("timeoutSeconds")));
        QVERIFY(run.logs.contains(QStringLiteral("The deploy command did not finish within 0.5 s: stopping it.")));
    }

    // Abort (a separate request) stops the command running for the same service and environment.
    void abort_stopsTheRunningCommand()
    {
        const QString command = script(QStringLiteral("long.sh"), "echo started\nsleep 300\n");
        QPointer<DeployJob> abortJob;
        Run abortRun;
        const Run run = runJob(m_backend->start(request(Action::Deploy, QStringLiteral("1.2.0"), command)),
            [&](DeployJob*, const QString& line) {
                if (line != QLatin1String("started"))
                    return;
                abortJob = m_backend->start(request(Action::Abort, {}, command));
                QObject::connect(abortJob, &DeployJob::finished, abortJob, [&](const DeployResult& r) {
                    abortRun.result = r;
                    abortRun.finished = true;
                });
            });
        QVERIFY(run.finished);
        QCOMPARE(run.result.outcome, Outcome::Cancelled);
        QTRY_VERIFY_WITH_TIMEOUT(abortRun.finished, 10000);
        QVERIFY2(abortRun.result.ok(), qPrintable(abortRun.result.message));
        QVERIFY(abortRun.result.changed);
        QCOMPARE(abortRun.result.reference, run.changed.value(0));

        // Nothing runs any more: nothing to abort.
        const Run again = runJob(m_backend->start(request(Action::Abort, {}, command)));
        QCOMPARE(again.result.outcome, Outcome::Failed);
        QVERIFY(!again.result.changed);
        QVERIFY2(again.result.message.contains(QStringLiteral("nothing to abort")), qPrintable(again.result.message));
    }

    void rollback_usesTheCommandOrRollbackCommand()
    {
        const QString command
            = script(QStringLiteral("deploy.sh"), "echo \"$OPERATION to $VERSION from $PREVIOUS_VERSION\"\n");
        DeployRequest r = request(Action::Rollback, QStringLiteral("1.0.9"), command);
        const Run run = runJob(m_backend->start(r));
        QVERIFY2(run.result.ok(), qPrintable(run.result.message));
        QCOMPARE(run.logs, QStringList { QStringLiteral("rollback to 1.0.9 from 1.1.0") });

        r.target.settings.insert(QStringLiteral("rollbackCommand"),
            script(QStringLiteral("rollback.sh"), "echo \"rollback script: $OPERATION '$VERSION'\"\n"));
        r.version.clear();
        const Run custom = runJob(m_backend->start(r));
        QVERIFY2(custom.result.ok(), qPrintable(custom.result.message));
        QCOMPARE(custom.logs, QStringList { QStringLiteral("rollback script: rollback ''") });

        // Without a version and a rollbackCommand, nothing runs.
        r.target.settings.remove(QStringLiteral("rollbackCommand"));
        const Run refused = runJob(m_backend->start(r));
        QCOMPARE(refused.result.outcome, Outcome::Failed);
        QVERIFY(!refused.result.changed);
        QVERIFY(refused.changed.isEmpty());
        QVERIFY(refused.logs.isEmpty());
    }

    void promote_isAnOperationOfDeploy()
    {
        const QString command = script(QStringLiteral("deploy.sh"), "echo \"$OPERATION $VERSION\"\n");
        DeployRequest r = request(Action::Deploy, QStringLiteral("1.2.0"), command);
        r.operation = QStringLiteral("promote");
        const Run run = runJob(m_backend->start(r));
        QCOMPARE(run.logs, QStringList { QStringLiteral("promote 1.2.0") });
    }

    void settings_checkedBeforeRunning_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("message");
        QTest::newRow("no command") << "command"
                                    << ""
                                    << "The setting command";
        QTest::newRow("relative directory") << "workingDirectory"
                                            << "deploy/here"
                                            << "The setting workingDirectory must be an absolute path";
        QTest::newRow("missing directory") << "workingDirectory"
                                           << "/nonexistent/flightdeck/dir"
                                           << "not a directory";
        QTest::newRow("bad timeout") << "timeoutSeconds"
                                     << "soon"
                                     << "The setting timeoutSeconds must be a number";
        QTest::newRow("bad health URL") << "healthUrl"
                                        << "localhost:8080/health"
                                        << "The setting healthUrl must be an http(s) URL";
        QTest::newRow("bad variable") << "secretVariable"
                                      << "MY TOKEN"
                                      << "The setting secretVariable";
    }

    void settings_checkedBeforeRunning()
    {
        QFETCH(QString, key);
        QFETCH(QString, value);
        QFETCH(QString, message);
        const QString marker = m_dir->filePath(QStringLiteral("ran"));
        const Run run = runJob(m_backend->start(request(
            Action::Deploy, QStringLiteral("1.2.0"), QStringLiteral("touch '%1'").arg(marker), { { key, value } })));
        QVERIFY(run.finished);
        QCOMPARE(run.result.outcome, Outcome::Failed);
        QVERIFY2(run.result.message.contains(message), qPrintable(run.result.message));
        QVERIFY(!run.result.changed);
        QVERIFY(!QFile::exists(marker));
    }

    // After exit 0 the health URL is polled until it answers 2xx with the deployed version.
    void health_succeedsWhenTheVersionAnswers()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", QStringLiteral("/health"))
            .reply(ReplayResponse::text(503, "starting"))
            .reply(ReplayResponse::json(200, "{\"status\":\"ok\",\"version\":\"1.2.0\"}"));
        const Run run = runJob(m_backend->start(request(Action::Deploy, QStringLiteral("1.2.0"),
            script(QStringLiteral("ok.sh"), "echo '::step::Start'\necho started\n"),
            { { QStringLiteral("healthUrl"), server.url(QStringLiteral("/health")).toString() },
                { QStringLiteral("healthIntervalMs"), QStringLiteral("20") } })));
        QVERIFY(run.finished);
        QVERIFY2(server.problems().isEmpty(), qPrintable(server.problems().join(QLatin1Char('\n'))));
        QVERIFY2(run.result.ok(), qPrintable(run.result.message));
        QCOMPARE(run.result.version, QStringLiteral("1.2.0"));
        QCOMPARE(run.result.state.health, QStringLiteral("Healthy"));
        QCOMPARE(run.steps,
            QStringList({ QStringLiteral("Start: running"), QStringLiteral("Start: succeeded"),
                QStringLiteral("Health check: running"), QStringLiteral("Health check: succeeded") }));
        QCOMPARE(server.requestCount(), 2);
        for (const auto& r : server.requests()) {
            QCOMPARE(r.method, QByteArray("GET"));
            QCOMPARE(r.header("Accept"), QByteArray("application/json"));
            QVERIFY(!r.hasHeader("Authorization"));
        }
    }

    void health_wrongVersionFails()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", QStringLiteral("/health")).reply(ReplayResponse::json(200, "{\"version\":\"1.2.0\"}"));
        const Run run = runJob(
            m_backend->start(request(Action::Deploy, QStringLiteral("1.3.0"), script(QStringLiteral("ok.sh"), "true\n"),
                { { QStringLiteral("healthUrl"), server.url(QStringLiteral("/health")).toString() },
                    { QStringLiteral("healthIntervalMs"), QStringLiteral("20") },
                    { QStringLiteral("healthTimeoutSeconds"), QStringLiteral("0.3") } })));
        QVERIFY(run.finished);
        QCOMPARE(run.result.outcome, Outcome::Failed);
        QVERIFY(run.result.changed);
        QCOMPARE(run.result.message,
            QStringLiteral(
                "The deploy command completed, but after 0.3 s the service at %1 reports version 1.2.0, not 1.3.0.")
                .arg(server.url(QStringLiteral("/health")).toString()));
        QCOMPARE(run.result.version, QStringLiteral("1.2.0")); // what runs
        QCOMPARE(run.steps.last(), QStringLiteral("Health check: failed"));
        QVERIFY(server.requestCount() >= 1);
    }

    void health_neverAnswering_failsAfterTheBoundedWait()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", QStringLiteral("/health")).reply(ReplayResponse::hang());
        const Run run = runJob(
            m_backend->start(request(Action::Deploy, QStringLiteral("1.2.0"), script(QStringLiteral("ok.sh"), "true\n"),
                { { QStringLiteral("healthUrl"), server.url(QStringLiteral("/health")).toString() },
                    { QStringLiteral("healthIntervalMs"), QStringLiteral("20") },
                    { QStringLiteral("healthRequestTimeoutMs"), QStringLiteral("150") },
                    { QStringLiteral("healthTimeoutSeconds"), QStringLiteral("0.5") } })));
        QVERIFY(run.finished);
        QCOMPARE(run.result.outcome, Outcome::Failed);
        QVERIFY(run.result.changed);
        QCOMPARE(run.result.message,
            QStringLiteral("The deploy command completed, but after 0.5 s the service at %1 does not answer.")
                .arg(server.url(QStringLiteral("/health")).toString()));
        QVERIFY(run.result.hint.contains(QStringLiteral("healthTimeoutSeconds")));
        QVERIFY(server.requestCount() >= 1);
    }

    void status_nothingListening_isMissing()
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const quint16 port = probe.serverPort();
        probe.close(); // nothing listens there now
        const QString url = QStringLiteral("http://127.0.0.1:%1/health").arg(port);
        const Run run
            = runJob(m_backend->start(request(Action::Status, {}, {}, { { QStringLiteral("healthUrl"), url } })));
        QVERIFY(run.finished);
        QVERIFY2(run.result.ok(), qPrintable(run.result.message));
        QVERIFY(!run.result.changed);
        QCOMPARE(run.result.state.health, QStringLiteral("Missing"));
        QCOMPARE(run.result.state.status, QStringLiteral("Not running"));
        QCOMPARE(run.result.message, QStringLiteral("Nothing answers at %1: not running.").arg(url));
        QVERIFY(run.result.state.version.isEmpty());
    }

    void status_readsTheVersion()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", QStringLiteral("/status")).reply(ReplayResponse::json(200, "{\"version\":\"1.2.0\"}"));
        const Run run = runJob(m_backend->start(request(Action::Status, {}, {},
            { { QStringLiteral("healthUrl"), server.url(QStringLiteral("/health")).toString() },
                { QStringLiteral("statusUrl"), server.url(QStringLiteral("/status")).toString() } })));
        QVERIFY(run.finished);
        QVERIFY2(server.problems().isEmpty(), qPrintable(server.problems().join(QLatin1Char('\n'))));
        QVERIFY2(run.result.ok(), qPrintable(run.result.message));
        QCOMPARE(run.result.state.health, QStringLiteral("Healthy"));
        QCOMPARE(run.result.state.version, QStringLiteral("1.2.0"));
        QCOMPARE(run.result.version, QStringLiteral("1.2.0"));
        QCOMPARE(server.requestCount(), 1);
        QCOMPARE(server.requests().at(0).path, QStringLiteral("/status"));
    }
};

QTEST_GUILESS_MAIN(tst_ScriptBackend)
#include "tst_scriptbackend.moc"
