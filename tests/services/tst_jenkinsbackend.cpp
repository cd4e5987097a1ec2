// SPDX-License-Identifier: Apache-2.0
// The Jenkins deploy backend against a loopback server replaying Jenkins payloads
// (tests/data/fixtures/jenkins, see its README): crumb, buildWithParameters, queue item to build,
// the progressive console log in several chunks, pipeline stages, the result; cancel and abort;
// status, history and rollback from the builds' parameters; and the errors a person must be able
// to act on. Every request is checked: method, path, query, Basic auth, crumb, body.
#include "deploy/jenkinsbackend.h"
#include "net/httpclient.h"
#include "replayserver.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QTest>
#include <QTimer>

#include <functional>

using namespace Flightdeck;
using namespace Flightdeck::Deploy;
using Flightdeck::Test::RecordedRequest;
using Flightdeck::Test::ReplayResponse;
using Flightdeck::Test::ReplayServer;

namespace {

const QString kUser = QStringLiteral("deployer");
const QString kToken = QStringLiteral("11d6a6b3f0e94c52b8a3a0f3c2d1e9f7aa");
const QByteArray kCrumb = "7b2f1c9a4d8e6f30a1b5c7d9e2f4a6b8";
const QString kJobPath = QStringLiteral("/jenkins/job/deploy/job/checkout");
const QString kQueuePath = QStringLiteral("/jenkins/queue/item/143/");

// The crumb issuer's answer: Jenkins documents its fields (crumbRequestField, crumb; default field
// Jenkins-Crumb) but publishes no example payload, so this one is written from that shape.
QByteArray crumbJson()
{
    return "{\"_class\":\"hudson.security.csrf.DefaultCrumbIssuer\",\"crumb\":\"" + kCrumb
        + "\",\"crumbRequestField\":\"Jenkins-Crumb\"}";
}

QJsonObject fixtureObject(const QString& name)
{
    return QJsonDocument::fromJson(ReplayServer::readFixture(QStringLiteral("jenkins/") + name)).object();
}

using Parameters = QList<QPair<QString, QString>>;

Parameters deployParameters(const QString& environment, const QString& version)
{
    return { { QStringLiteral("SERVICE"), QStringLiteral("checkout") }, { QStringLiteral("ENVIRONMENT"), environment },
        { QStringLiteral("VERSION"), version } };
}

// thirdparty-build-info.json (a finished SUCCESS build #10 with parameters bear/fish) with only the
// fields a sequence needs changed: the number, the result or "still building", and — when given —
// the parameters of its ParametersAction (the deploy parameters instead of bear/fish), its start time.
QByteArray derivedBuild(int number, const QString& result, const Parameters& parameters = {}, qint64 timestamp = 0)
{
    QJsonObject o = fixtureObject(QStringLiteral("thirdparty-build-info.json"));
    o.insert(QStringLiteral("number"), number);
    o.insert(QStringLiteral("id"), QString::number(number));
    const bool building = result.isEmpty();
    o.insert(QStringLiteral("building"), building);
    o.insert(QStringLiteral("result"), building ? QJsonValue(QJsonValue::Null) : QJsonValue(result));
    if (!parameters.isEmpty()) {
        QJsonArray actions = o.value(QStringLiteral("actions")).toArray();
        QJsonObject first = actions.at(0).toObject();
        QJsonArray list;
        for (const auto& [name, value] : parameters)
            list.append(QJsonObject { { QStringLiteral("name"), name }, { QStringLiteral("value"), value } });
        first.insert(QStringLiteral("parameters"), list);
        actions.replace(0, first);
        o.insert(QStringLiteral("actions"), actions);
    }
    if (timestamp > 0)
        o.insert(QStringLiteral("timestamp"), timestamp);
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

// The job's builds as `tree=builds[…]` returns them: each one derived from thirdparty-build-info.json.
QByteArray derivedBuilds(const QList<QByteArray>& builds)
{
    QJsonArray list;
    for (const QByteArray& b : builds)
        list.append(QJsonDocument::fromJson(b).object());
    return QJsonDocument(QJsonObject { { QStringLiteral("_class"), QStringLiteral("hudson.model.FreeStyleProject") },
                             { QStringLiteral("builds"), list } })
        .toJson(QJsonDocument::Compact);
}

// The official wfapi run sample (stages Build and Test done, Deploy paused for input) with the
// Deploy stage and the run finished: the state after the input was given.
QByteArray derivedStagesDone()
{
    QJsonObject o = fixtureObject(QStringLiteral("wfapi-run-describe-paused-pending-input.json"));
    o.insert(QStringLiteral("status"), QStringLiteral("SUCCESS"));
    QJsonArray stages = o.value(QStringLiteral("stages")).toArray();
    QJsonObject deploy = stages.at(2).toObject();
    deploy.insert(QStringLiteral("status"), QStringLiteral("SUCCESS"));
    stages.replace(2, deploy);
    o.insert(QStringLiteral("stages"), stages);
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

ReplayResponse logChunk(const QByteArray& text, qint64 nextOffset, bool more)
{
    ReplayResponse r = ReplayResponse::text(200, text, "text/plain;charset=UTF-8");
    r.withHeader("X-Text-Size", QByteArray::number(nextOffset));
    if (more)
        r.withHeader("X-More-Data", "true");
    return r;
}

QString expectedAuthorization()
{
    return QStringLiteral("Basic ") + QString::fromLatin1((kUser + QLatin1Char(':') + kToken).toUtf8().toBase64());
}

struct Run
{
    bool finished = false;
    int finishedCount = 0;
    DeployResult result;
    QStringList steps; // "name: state"
    QStringList logs;
    QStringList changed;
};

// Runs a job to its end (bounded), recording what it emits. onLog may act on the job (cancel).
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
    // A second finished() would arrive from the event loop too.
    QTest::qWait(30);
    return run;
}

} // namespace

class tst_JenkinsBackend : public QObject
{
    Q_OBJECT

private:
    ReplayServer* m_server = nullptr;
    Net::HttpClient* m_http = nullptr;
    JenkinsBackend* m_backend = nullptr;

    DeployTarget target(const QHash<QString, QString>& extra = {}) const
    {
        DeployTarget t;
        t.service = QStringLiteral("checkout");
        t.environment = QStringLiteral("staging");
        t.secret = kToken;
        t.settings = {
            { QStringLiteral("url"), m_server->url(QStringLiteral("/jenkins")).toString() },
            { QStringLiteral("job"), QStringLiteral("deploy/checkout") },
            { QStringLiteral("username"), kUser },
            { QStringLiteral("pollIntervalMs"), QStringLiteral("20") },
            { QStringLiteral("requestTimeoutMs"), QStringLiteral("5000") },
            { QStringLiteral("timeoutSeconds"), QStringLiteral("20") },
        };
        for (auto it = extra.cbegin(); it != extra.cend(); ++it)
            t.settings.insert(it.key(), it.value());
        return t;
    }

    DeployRequest request(Action action, const QString& version = {}, const QHash<QString, QString>& extra = {}) const
    {
        DeployRequest r;
        r.action = action;
        r.target = target(extra);
        r.version = version;
        r.operation = action == Action::Rollback ? QStringLiteral("rollback") : QStringLiteral("deploy");
        r.actor = QStringLiteral("Jane Doe <jane@example.com>");
        return r;
    }

    QString url(const QString& path) const { return m_server->url(path).toString(); }

    void serveCrumb()
    {
        m_server->on("GET", QStringLiteral("/jenkins/crumbIssuer/api/json"))
            .reply(ReplayResponse::json(200, crumbJson())
                       .withHeader("Set-Cookie", "JSESSIONID.4f2e1a7c=node01abcdefgh; Path=/jenkins; HttpOnly"));
    }

    void serveQueued()
    {
        m_server->on("POST", kJobPath + QStringLiteral("/buildWithParameters"))
            .reply(ReplayResponse::empty(201).withHeader("Location", m_server->url(kQueuePath).toEncoded()));
    }

    void verifyAllAuthenticated() const
    {
        for (const RecordedRequest& r : m_server->requests())
            QVERIFY2(r.header("Authorization") == expectedAuthorization().toLatin1(), qPrintable(r.toString()));
    }

    static void verifyCrumbPost(const RecordedRequest& r, const QByteArray& body)
    {
        QCOMPARE(r.method, QByteArray("POST"));
        QCOMPARE(r.header("Jenkins-Crumb"), kCrumb);
        // The crumb is tied to the session that fetched it.
        QVERIFY2(r.header("Cookie").contains("JSESSIONID.4f2e1a7c=node01abcdefgh"), r.header("Cookie").constData());
        QCOMPARE(r.header("Content-Type"), QByteArray("application/x-www-form-urlencoded"));
        QCOMPARE(r.body, body);
    }

    static QStringList requestLines(const ReplayServer& server)
    {
        QStringList lines;
        for (const RecordedRequest& r : server.requests())
            lines << r.toString();
        return lines;
    }

    void verifyNoSecret(const DeployResult& result) const
    {
        QVERIFY(!result.message.contains(kToken));
        QVERIFY(!result.hint.contains(kToken));
        QVERIFY(!result.message.contains(expectedAuthorization().mid(6)));
    }

private Q_SLOTS:
    void init()
    {
        m_server = new ReplayServer(this);
        QVERIFY(m_server->listen());
        m_server->setMaxRequests(60);
        m_http = new Net::HttpClient(this);
        m_backend = new JenkinsBackend({ m_http, QString(), QStringLiteral("jenkins-test") }, this);
    }

    void cleanup()
    {
        delete m_backend;
        delete m_http;
        delete m_server;
        m_backend = nullptr;
        m_http = nullptr;
        m_server = nullptr;
    }

    void describesItself()
    {
        QCOMPARE(m_backend->type(), QStringLiteral("jenkins"));
        QCOMPARE(capabilityNames(m_backend->capabilities()),
            QStringList({ QStringLiteral("deploy"), QStringLiteral("rollback"), QStringLiteral("abort"),
                QStringLiteral("status"), QStringLiteral("history"), QStringLiteral("live-progress") }));
        const Run run = runJob(m_backend->start(request(Action::Promote, QStringLiteral("1.4.2"))));
        QVERIFY(run.finished);
        QCOMPARE(run.result.outcome, Outcome::Failed);
        QVERIFY2(run.result.message.contains(QStringLiteral("cannot promote")), qPrintable(run.result.message));
        QCOMPARE(m_server->requestCount(), 0);
    }

    void missingSetting_namesTheKey()
    {
        const Run run = runJob(
            m_backend->start(request(Action::Deploy, QStringLiteral("1.4.2"), { { QStringLiteral("job"), {} } })));
        QVERIFY(run.finished);
        QCOMPARE(run.result.outcome, Outcome::Failed);
        QVERIFY2(run.result.message.contains(QStringLiteral("setting job")), qPrintable(run.result.message));
        QVERIFY(!run.result.changed);

        const Run noUser = runJob(
            m_backend->start(request(Action::Deploy, QStringLiteral("1.4.2"), { { QStringLiteral("username"), {} } })));
        QVERIFY(noUser.result.message.contains(QStringLiteral("setting username")));

        QUrl withPassword = m_server->url(QStringLiteral("/jenkins"));
        withPassword.setUserInfo(QStringLiteral("deployer:") + kToken);
        const Run inUrl = runJob(m_backend->start(
            request(Action::Deploy, QStringLiteral("1.4.2"), { { QStringLiteral("url"), withPassword.toString() } })));
        QVERIFY2(inUrl.result.message.contains(QStringLiteral("setting url must not contain a user name or password")),
            qPrintable(inUrl.result.message));
        verifyNoSecret(inUrl.result);
        QCOMPARE(m_server->requestCount(), 0);
    }

    // The whole way: crumb, trigger, queue (waiting, then started), the log in three chunks with a
    // line split across two of them, the pipeline's stages, and the result.
    void deploy_followsQueueLogStagesAndResult()
    {
        serveCrumb();
        serveQueued();
        m_server->on("GET", kQueuePath + QStringLiteral("api/json"))
            .reply(ReplayResponse::fixture(QStringLiteral("jenkins/thirdparty-queueItemPending.json")))
            .reply(ReplayResponse::fixture(QStringLiteral("jenkins/thirdparty-queueItemRunning.json")));
        const QByteArray chunk1 = "Started by user deployer\nDeploying checkout 1.4";
        const QByteArray chunk2 = ".2 to staging\r\n[Pipeline] sh\n+ ./deploy.sh checkout 1.4.2 \xe2\x9c\x93\n";
        const QByteArray chunk3 = "Finished: SUCCESS\n";
        const QString log = kJobPath + QStringLiteral("/14/logText/progressiveText");
        m_server->on("GET", log)
            .withQuery(QStringLiteral("start"), QStringLiteral("0"))
            .reply(logChunk(chunk1, chunk1.size(), true));
        m_server->on("GET", log)
            .withQuery(QStringLiteral("start"), QString::number(chunk1.size()))
            .reply(logChunk(chunk2, chunk1.size() + chunk2.size(), true));
        m_server->on("GET", log)
            .withQuery(QStringLiteral("start"), QString::number(chunk1.size() + chunk2.size()))
            .reply(logChunk(chunk3, chunk1.size() + chunk2.size() + chunk3.size(), false));
        m_server->on("GET", kJobPath + QStringLiteral("/14/wfapi/describe"))
            .reply(ReplayResponse::fixture(QStringLiteral("jenkins/wfapi-run-describe-paused-pending-input.json")))
            .reply(ReplayResponse::fixture(QStringLiteral("jenkins/wfapi-run-describe-paused-pending-input.json")))
            .reply(200, derivedStagesDone());
        m_server->on("GET", kJobPath + QStringLiteral("/14/api/json"))
            .reply(200,
                derivedBuild(14, QStringLiteral("SUCCESS"),
                    deployParameters(QStringLiteral("staging"), QStringLiteral("1.4.2"))));

        const Run run = runJob(m_backend->start(request(Action::Deploy, QStringLiteral("1.4.2"))));
        QVERIFY(run.finished);
        QVERIFY2(m_server->problems().isEmpty(), qPrintable(m_server->problems().join(QLatin1Char('\n'))));
        QCOMPARE(run.finishedCount, 1);
        QVERIFY2(run.result.ok(), qPrintable(run.result.message + QLatin1Char('\n') + run.result.hint));
        QVERIFY(run.result.changed);
        QCOMPARE(run.result.version, QStringLiteral("1.4.2"));
        QCOMPARE(run.result.reference, url(kJobPath + QStringLiteral("/14/")));
        QCOMPARE(run.result.state.revision, QStringLiteral("14"));
        QCOMPARE(run.result.state.status, QStringLiteral("SUCCESS"));
        QVERIFY2(run.result.message.contains(QStringLiteral("deployed checkout 1.4.2 to staging")),
            qPrintable(run.result.message));
        // The queue item is the point of no return; the build refines the reference.
        QCOMPARE(run.changed, QStringList({ url(kQueuePath), url(kJobPath + QStringLiteral("/14/")) }));
        QCOMPARE(run.steps,
            QStringList({ QStringLiteral("Queue: running"), QStringLiteral("Queue: succeeded"),
                QStringLiteral("Build #14: running"), QStringLiteral("Build: succeeded"),
                QStringLiteral("Test: succeeded"), QStringLiteral("Deploy: running"),
                QStringLiteral("Deploy: succeeded"), QStringLiteral("Build #14: succeeded") }));
        QCOMPARE(run.logs,
            QStringList({ QStringLiteral("Jenkins queued checkout 1.4.2 for staging as queue item 143."),
                QStringLiteral("Waiting in the Jenkins queue: Build #9 is already in progress (ETA:15 sec)"),
                QStringLiteral("Jenkins build #14 started: ") + url(kJobPath + QStringLiteral("/14/")),
                QStringLiteral("Started by user deployer"),
                QStringLiteral("Stage 'Deploy' waits for input in Jenkins: ")
                    + url(kJobPath + QStringLiteral("/14/input/")),
                QStringLiteral("Deploying checkout 1.4.2 to staging"), QStringLiteral("[Pipeline] sh"),
                QStringLiteral("+ ./deploy.sh checkout 1.4.2 ✓"), QStringLiteral("Finished: SUCCESS") }));

        const qint64 second = chunk1.size();
        const qint64 third = chunk1.size() + chunk2.size();
        QCOMPARE(requestLines(*m_server),
            QStringList({ QStringLiteral("GET /jenkins/crumbIssuer/api/json"),
                QStringLiteral("POST ") + kJobPath + QStringLiteral("/buildWithParameters"),
                QStringLiteral("GET ") + kQueuePath + QStringLiteral("api/json"),
                QStringLiteral("GET ") + kQueuePath + QStringLiteral("api/json"),
                QStringLiteral("GET ") + kJobPath + QStringLiteral("/14/logText/progressiveText?start=0"),
                QStringLiteral("GET ") + kJobPath + QStringLiteral("/14/wfapi/describe"),
                QStringLiteral("GET ") + kJobPath + QStringLiteral("/14/logText/progressiveText?start=%1").arg(second),
                QStringLiteral("GET ") + kJobPath + QStringLiteral("/14/wfapi/describe"),
                QStringLiteral("GET ") + kJobPath + QStringLiteral("/14/logText/progressiveText?start=%1").arg(third),
                QStringLiteral("GET ") + kJobPath + QStringLiteral("/14/wfapi/describe"),
                QStringLiteral("GET ") + kJobPath + QStringLiteral("/14/api/json") }));
        verifyAllAuthenticated();
        const RecordedRequest& trigger = m_server->requests().at(1);
        verifyCrumbPost(trigger, "SERVICE=checkout&ENVIRONMENT=staging&VERSION=1.4.2");
        for (const RecordedRequest& r : m_server->requests()) {
            if (r.method == "GET" && r.path.endsWith(QLatin1String("/api/json")))
                QCOMPARE(r.header("Accept"), QByteArray("application/json"));
            if (r.method == "GET")
                QVERIFY2(r.body.isEmpty() && !r.hasHeader("Jenkins-Crumb"), qPrintable(r.toString()));
        }
    }

    void deploy_failedBuild_reportsTheLogTail()
    {
        serveCrumb();
        serveQueued();
        m_server->on("GET", kQueuePath + QStringLiteral("api/json"))
            .reply(ReplayResponse::fixture(QStringLiteral("jenkins/thirdparty-queueItemRunning.json")));
        const QByteArray console
            = "+ ./deploy.sh checkout 1.4.2\nerror: image checkout:1.4.2 not found\nFinished: FAILURE";
        m_server->on("GET", kJobPath + QStringLiteral("/14/logText/progressiveText"))
            .withQuery(QStringLiteral("start"), QStringLiteral("0"))
            .reply(logChunk(console, console.size(), false));
        // A freestyle job: no Pipeline Stage View; asked once, then left alone.
        m_server->on("GET", kJobPath + QStringLiteral("/14/wfapi/describe")).reply(ReplayResponse::empty(404));
        m_server->on("GET", kJobPath + QStringLiteral("/14/api/json"))
            .reply(200,
                derivedBuild(14, QStringLiteral("FAILURE"),
                    deployParameters(QStringLiteral("staging"), QStringLiteral("1.4.2"))));

        const Run run = runJob(m_backend->start(request(Action::Deploy, QStringLiteral("1.4.2"))));
        QVERIFY(run.finished);
        QVERIFY2(m_server->problems().isEmpty(), qPrintable(m_server->problems().join(QLatin1Char('\n'))));
        QCOMPARE(run.result.outcome, Outcome::Failed);
        QVERIFY(run.result.changed);
        QCOMPARE(run.result.reference, url(kJobPath + QStringLiteral("/14/")));
        QVERIFY2(run.result.message.contains(QStringLiteral("build #14 of 'deploy/checkout' failed (FAILURE)")),
            qPrintable(run.result.message));
        // The last line had no newline: it still counts.
        QVERIFY2(
            run.result.message.contains(QStringLiteral("error: image checkout:1.4.2 not found\n  Finished: FAILURE")),
            qPrintable(run.result.message));
        QCOMPARE(run.result.hint,
            QStringLiteral("See the console log in Jenkins: ") + url(kJobPath + QStringLiteral("/14/console")));
        QCOMPARE(run.steps.last(), QStringLiteral("Build #14: failed"));
        QCOMPARE(run.logs.last(), QStringLiteral("Finished: FAILURE"));
        QCOMPARE(m_server->requests("GET", kJobPath + QStringLiteral("/14/wfapi/describe")).size(), 1);
        verifyAllAuthenticated();
    }

    void deploy_queueItemCancelledInJenkins()
    {
        serveCrumb();
        serveQueued();
        m_server->on("GET", kQueuePath + QStringLiteral("api/json"))
            .reply(ReplayResponse::fixture(QStringLiteral("jenkins/thirdparty-queueItemPending.json")))
            .reply(ReplayResponse::fixture(QStringLiteral("jenkins/thirdparty-queueItemCancelled.json")));

        const Run run = runJob(m_backend->start(request(Action::Deploy, QStringLiteral("1.4.2"))));
        QVERIFY(run.finished);
        QVERIFY2(m_server->problems().isEmpty(), qPrintable(m_server->problems().join(QLatin1Char('\n'))));
        QCOMPARE(run.result.outcome, Outcome::Cancelled);
        QVERIFY(run.result.changed); // it was queued
        QCOMPARE(run.result.reference, url(kQueuePath));
        QVERIFY2(
            run.result.message.contains(QStringLiteral("cancelled in Jenkins before the build started; nothing ran")),
            qPrintable(run.result.message));
        QCOMPARE(run.changed, QStringList { url(kQueuePath) });
        QCOMPARE(run.steps, QStringList({ QStringLiteral("Queue: running"), QStringLiteral("Queue: failed") }));
        QCOMPARE(m_server->requestCount(), 4); // crumb, trigger, two polls: no build was looked for
        verifyAllAuthenticated();
    }

    // cancel() while queued takes the item out of the queue (POST /queue/cancelItem with the crumb).
    void cancelWhileQueued_cancelsTheQueueItem()
    {
        serveCrumb();
        serveQueued();
        m_server->on("GET", kQueuePath + QStringLiteral("api/json"))
            .reply(ReplayResponse::fixture(QStringLiteral("jenkins/thirdparty-queueItemPending.json")))
            .reply(ReplayResponse::fixture(QStringLiteral("jenkins/thirdparty-queueItemCancelled.json")));
        m_server->on("POST", QStringLiteral("/jenkins/queue/cancelItem"))
            .withQuery(QStringLiteral("id"), QStringLiteral("143"))
            .reply(ReplayResponse::empty(204));

        const Run run = runJob(m_backend->start(request(Action::Deploy, QStringLiteral("1.4.2"))),
            [](DeployJob* job, const QString& line) {
                if (line.startsWith(QLatin1String("Waiting in the Jenkins queue")))
                    job->cancel();
            });
        QVERIFY(run.finished);
        QVERIFY2(m_server->problems().isEmpty(), qPrintable(m_server->problems().join(QLatin1Char('\n'))));
        QCOMPARE(run.result.outcome, Outcome::Cancelled);
        QVERIFY(run.result.changed);
        QVERIFY2(run.result.message.contains(QStringLiteral("taken out of the Jenkins queue")),
            qPrintable(run.result.message));
        const QList<RecordedRequest> cancels = m_server->requests("POST", QStringLiteral("/jenkins/queue/cancelItem"));
        QCOMPARE(cancels.size(), 1);
        QCOMPARE(cancels.at(0).queryValue(QStringLiteral("id")), QStringLiteral("143"));
        verifyCrumbPost(cancels.at(0), QByteArray());
        verifyAllAuthenticated();
        QCOMPARE(m_server->requests("GET", QStringLiteral("/jenkins/crumbIssuer/api/json")).size(), 1); // fetched once
    }

    // cancel() while the build runs: POST …/14/stop with the crumb, then the build is followed to
    // its end, ABORTED.
    void cancelWhileBuilding_stopsTheBuild()
    {
        serveCrumb();
        serveQueued();
        m_server->on("GET", kQueuePath + QStringLiteral("api/json"))
            .reply(ReplayResponse::fixture(QStringLiteral("jenkins/thirdparty-queueItemRunning.json")));
        const QByteArray chunk1 = "Started by user deployer\n";
        const QByteArray chunk2 = "Deploying checkout 1.4.2 to staging\n";
        const QByteArray chunk3 = "Aborted by deployer\nFinished: ABORTED\n";
        const QString log = kJobPath + QStringLiteral("/14/logText/progressiveText");
        m_server->on("GET", log)
            .withQuery(QStringLiteral("start"), QStringLiteral("0"))
            .reply(logChunk(chunk1, chunk1.size(), true));
        m_server->on("GET", log)
            .withQuery(QStringLiteral("start"), QString::number(chunk1.size()))
            .reply(logChunk(chunk2, chunk1.size() + chunk2.size(), true));
        m_server->on("GET", log)
            .withQuery(QStringLiteral("start"), QString::number(chunk1.size() + chunk2.size()))
            .reply(logChunk(chunk3, chunk1.size() + chunk2.size() + chunk3.size(), false));
        m_server->on("GET", kJobPath + QStringLiteral("/14/wfapi/describe")).reply(ReplayResponse::empty(404));
        // Jenkins answers a stop with a redirect to the build's page.
        m_server->on("POST", kJobPath + QStringLiteral("/14/stop"))
            .reply(ReplayResponse::empty(302).withHeader(
                "Location", m_server->url(kJobPath + QStringLiteral("/14/")).toEncoded()));
        m_server->on("GET", kJobPath + QStringLiteral("/14/"))
            .reply(ReplayResponse::text(200, "<html></html>", "text/html"));
        m_server->on("GET", kJobPath + QStringLiteral("/14/api/json"))
            .reply(200,
                derivedBuild(14, QStringLiteral("ABORTED"),
                    deployParameters(QStringLiteral("staging"), QStringLiteral("1.4.2"))));

        const Run run = runJob(m_backend->start(request(Action::Deploy, QStringLiteral("1.4.2"))),
            [](DeployJob* job, const QString& line) {
                if (line.startsWith(QLatin1String("Deploying")))
                    job->cancel();
            });
        QVERIFY(run.finished);
        QVERIFY2(m_server->problems().isEmpty(), qPrintable(m_server->problems().join(QLatin1Char('\n'))));
        QCOMPARE(run.result.outcome, Outcome::Cancelled);
        QVERIFY(run.result.changed);
        QCOMPARE(run.result.message, QStringLiteral("Cancelled: Jenkins build #14 was stopped (ABORTED)."));
        QVERIFY(run.logs.contains(QStringLiteral("Asked Jenkins to stop build #14.")));
        QCOMPARE(run.logs.last(), QStringLiteral("Finished: ABORTED"));
        // Jenkins answers the stop with a redirect to the build's page, which Qt 6.4 follows; on the
        // way it sometimes sends the POST a second time on the same connection. Stopping twice is
        // harmless; Flightdeck itself asked once (one "Asked Jenkins to stop" line).
        const QList<RecordedRequest> stops = m_server->requests("POST", kJobPath + QStringLiteral("/14/stop"));
        QVERIFY2(stops.size() == 1 || stops.size() == 2, qPrintable(requestLines(*m_server).join(QLatin1Char('\n'))));
        QCOMPARE(run.logs.count(QStringLiteral("Asked Jenkins to stop build #14.")), 1);
        for (const RecordedRequest& stop : stops) {
            QCOMPARE(stop.header("Jenkins-Crumb"), kCrumb);
            QCOMPARE(stop.header("Authorization"), expectedAuthorization().toLatin1());
            QVERIFY(stop.body.isEmpty());
        }
        verifyAllAuthenticated();
    }

    // Action::Abort without a reference: the job's last build, running for this environment.
    void abort_stopsTheRunningBuild()
    {
        const QByteArray running
            = derivedBuild(14, QString(), deployParameters(QStringLiteral("staging"), QStringLiteral("1.4.2")));
        serveCrumb();
        m_server->on("GET", kJobPath + QStringLiteral("/lastBuild/api/json")).reply(200, running);
        m_server->on("GET", kJobPath + QStringLiteral("/14/api/json"))
            .reply(200, running)
            .reply(200, running)
            .reply(200,
                derivedBuild(14, QStringLiteral("ABORTED"),
                    deployParameters(QStringLiteral("staging"), QStringLiteral("1.4.2"))));
        m_server->on("POST", kJobPath + QStringLiteral("/14/stop")).reply(ReplayResponse::empty(200));

        const Run run = runJob(m_backend->start(request(Action::Abort)));
        QVERIFY(run.finished);
        QVERIFY2(m_server->problems().isEmpty(), qPrintable(m_server->problems().join(QLatin1Char('\n'))));
        QVERIFY2(run.result.ok(), qPrintable(run.result.message));
        QVERIFY(run.result.changed);
        QCOMPARE(run.result.message, QStringLiteral("Stopped Jenkins build #14 of 'deploy/checkout' (ABORTED)."));
        QCOMPARE(run.changed, QStringList { url(kJobPath + QStringLiteral("/14/")) });
        QCOMPARE(requestLines(*m_server),
            QStringList({ QStringLiteral("GET ") + kJobPath + QStringLiteral("/lastBuild/api/json"),
                QStringLiteral("GET ") + kJobPath + QStringLiteral("/14/api/json"),
                QStringLiteral("GET /jenkins/crumbIssuer/api/json"),
                QStringLiteral("POST ") + kJobPath + QStringLiteral("/14/stop"),
                QStringLiteral("GET ") + kJobPath + QStringLiteral("/14/api/json"),
                QStringLiteral("GET ") + kJobPath + QStringLiteral("/14/api/json") }));
        verifyCrumbPost(m_server->requests().at(3), QByteArray());
        verifyAllAuthenticated();
    }

    void abort_leavesAnotherEnvironmentsBuildAlone()
    {
        m_server->on("GET", kJobPath + QStringLiteral("/lastBuild/api/json"))
            .reply(200,
                derivedBuild(16, QString(), deployParameters(QStringLiteral("production"), QStringLiteral("1.4.2"))));
        const Run run = runJob(m_backend->start(request(Action::Abort)));
        QVERIFY(run.finished);
        QCOMPARE(run.result.outcome, Outcome::Failed);
        QVERIFY(!run.result.changed);
        QVERIFY2(run.result.message.contains(QStringLiteral("deploys to production, not to staging")),
            qPrintable(run.result.message));
        QCOMPARE(m_server->requestCount(), 1);
    }

    // No crumb issuer (404): CSRF protection is off; the build is posted without a crumb. A '+'
    // in the version is sent as %2B (a bare '+' would be a space in a form).
    void noCrumbIssuer_postsWithoutCrumb()
    {
        m_server->on("GET", QStringLiteral("/jenkins/crumbIssuer/api/json"))
            .reply(ReplayResponse::text(404, "Not Found"));
        serveQueued();
        m_server->on("GET", kQueuePath + QStringLiteral("api/json"))
            .reply(ReplayResponse::fixture(QStringLiteral("jenkins/thirdparty-queueItemRunning.json")));
        m_server->on("GET", kJobPath + QStringLiteral("/14/logText/progressiveText"))
            .withQuery(QStringLiteral("start"), QStringLiteral("0"))
            .reply(logChunk("Finished: SUCCESS\n", 18, false));
        m_server->on("GET", kJobPath + QStringLiteral("/14/wfapi/describe")).reply(ReplayResponse::empty(404));
        m_server->on("GET", kJobPath + QStringLiteral("/14/api/json"))
            .reply(200,
                derivedBuild(14, QStringLiteral("SUCCESS"),
                    deployParameters(QStringLiteral("staging"), QStringLiteral("1.4.2+build.7"))));

        const Run run = runJob(m_backend->start(request(Action::Deploy, QStringLiteral("1.4.2+build.7"))));
        QVERIFY(run.finished);
        QVERIFY2(m_server->problems().isEmpty(), qPrintable(m_server->problems().join(QLatin1Char('\n'))));
        QVERIFY2(run.result.ok(), qPrintable(run.result.message));
        const QList<RecordedRequest> posts
            = m_server->requests("POST", kJobPath + QStringLiteral("/buildWithParameters"));
        QCOMPARE(posts.size(), 1);
        QVERIFY(!posts.at(0).hasHeader("Jenkins-Crumb"));
        QCOMPARE(posts.at(0).body, QByteArray("SERVICE=checkout&ENVIRONMENT=staging&VERSION=1.4.2%2Bbuild.7"));
        QCOMPARE(posts.at(0).header("Content-Type"), QByteArray("application/x-www-form-urlencoded"));
        verifyAllAuthenticated();
    }

    void parameterNames_comeFromSettings()
    {
        serveCrumb();
        m_server->on("POST", kJobPath + QStringLiteral("/buildWithParameters"))
            .reply(ReplayResponse::text(403, "nope"));
        const Run run = runJob(m_backend->start(request(Action::Deploy, QStringLiteral("1.4.2"),
            { { QStringLiteral("parameterService"), QStringLiteral("APP") },
                { QStringLiteral("parameterEnvironment"), QString() },
                { QStringLiteral("parameterVersion"), QStringLiteral("IMAGE TAG") } })));
        QVERIFY(run.finished);
        const QList<RecordedRequest> posts
            = m_server->requests("POST", kJobPath + QStringLiteral("/buildWithParameters"));
        QCOMPARE(posts.size(), 1);
        QCOMPARE(posts.at(0).body, QByteArray("APP=checkout&IMAGE%20TAG=1.4.2"));
    }

    // Errors before anything was queued: a message naming what failed and why, a hint, and
    // changed == false.
    void errors_data()
    {
        QTest::addColumn<QString>("where"); // crumb or trigger
        QTest::addColumn<ReplayResponse>("response");
        QTest::addColumn<int>("outcome");
        QTest::addColumn<QString>("message");
        QTest::addColumn<QString>("hint");
        QTest::addColumn<int>("expectedRequests");

        const int failed = int(Outcome::Failed);
        const int unknown = int(Outcome::Unknown);
        QTest::newRow("401 on the crumb: wrong token")
            << "crumb" << ReplayResponse::text(401, "Invalid password/token for user: deployer") << failed
            << "Jenkins refused the API token of user 'deployer' (HTTP 401) when trying to read its CSRF crumb."
            << "Check the token in Settings → Credentials" << 1;
        QTest::newRow("403: crumb refused")
            << "trigger"
            << ReplayResponse::text(403,
                   "<html><head><title>Error 403 No valid crumb was included in the request</title></head>"
                   "<body><h2>HTTP ERROR 403 No valid crumb was included in the request</h2></body></html>",
                   "text/html")
            << failed
            << "rejected the CSRF crumb when trying to queue a build of job 'deploy/checkout' (HTTP 403: HTTP "
               "ERROR 403 No valid crumb was included in the request)"
            << "API token" << 2;
        QTest::newRow("403: no permission")
            << "trigger" << ReplayResponse::text(403, "deployer is missing the Job/Build permission") << failed
            << "Jenkins user 'deployer' is not allowed to queue a build of job 'deploy/checkout' (HTTP 403: deployer "
               "is "
               "missing the Job/Build permission)."
            << "Job/Build permissions" << 2;
        QTest::newRow("404: wrong job name")
            << "trigger" << ReplayResponse::text(404, "<html><body>Not Found</body></html>", "text/html") << failed
            << "Jenkins has no job 'deploy/checkout' (HTTP 404 from"
            << "Check the job setting" << 2;
        QTest::newRow("409: job disabled")
            << "trigger" << ReplayResponse::text(409, "deploy » checkout is not buildable") << failed
            << "Jenkins refused to queue a build of job 'deploy/checkout' (HTTP 409: deploy » checkout is not "
               "buildable)."
            << "disabled" << 2;
        QTest::newRow("400: job without parameters")
            << "trigger" << ReplayResponse::text(400, "deploy » checkout is not parameterized") << failed
            << "(HTTP 400: deploy » checkout is not parameterized)"
            << "string parameters SERVICE, ENVIRONMENT, VERSION" << 2;
        QTest::newRow("422 from a proxy, JSON message")
            << "trigger" << ReplayResponse::json(422, "{\"message\":\"VERSION must look like 1.2.3\"}") << failed
            << "(HTTP 422: VERSION must look like 1.2.3)"
            << "what it did not accept" << 2;
        QTest::newRow("429 with Retry-After")
            << "trigger" << ReplayResponse::text(429, "slow down").withHeader("Retry-After", "30") << failed
            << "limits the request rate and refused to queue a build of job 'deploy/checkout' (HTTP 429: slow down)"
            << "wait 30 s (Retry-After)" << 2;
        QTest::newRow("500") << "trigger" << ReplayResponse::text(500, "java.lang.NullPointerException") << failed
                             << "Jenkins failed when trying to queue a build of job 'deploy/checkout' (HTTP 500: "
                                "java.lang.NullPointerException)."
                             << "try again later" << 2;
        QTest::newRow("503 on the crumb, retried") << "crumb" << ReplayResponse::text(503, "Jenkins is restarting")
                                                   << failed << "(HTTP 503: Jenkins is restarting)"
                                                   << "try again later" << 3;
        QTest::newRow("dropped connection on the crumb, retried")
            << "crumb" << ReplayResponse::drop() << failed
            << "Jenkins closed the connection without answering when trying to read its CSRF crumb"
            << "try again later" << 3;
        QTest::newRow("dropped connection on the trigger: unknown")
            << "trigger" << ReplayResponse::drop() << unknown << "Jenkins may or may not have queued the build."
            << "before trying again" << 2;
        QTest::newRow("slow trigger: unknown")
            << "trigger" << ReplayResponse::empty(201).withDelay(3000) << unknown
            << "Jenkins did not answer within 0.3 s when trying to queue a build of job 'deploy/checkout'"
            << "before trying again" << 2;
        QTest::newRow("slow crumb, retried") << "crumb" << ReplayResponse::hang() << failed
                                             << "Jenkins did not answer within 0.3 s when trying to read its CSRF crumb"
                                             << "raise requestTimeoutMs" << 3;
    }

    void errors()
    {
        QFETCH(QString, where);
        QFETCH(ReplayResponse, response);
        QFETCH(int, outcome);
        QFETCH(QString, message);
        QFETCH(QString, hint);
        QFETCH(int, expectedRequests);

        if (where == QLatin1String("crumb")) {
            m_server->on("GET", QStringLiteral("/jenkins/crumbIssuer/api/json")).reply(response);
        } else {
            serveCrumb();
            m_server->on("POST", kJobPath + QStringLiteral("/buildWithParameters")).reply(response);
        }
        const Run run = runJob(m_backend->start(request(Action::Deploy, QStringLiteral("1.4.2"),
            { { QStringLiteral("requestTimeoutMs"), QStringLiteral("300") } })));
        QVERIFY(run.finished);
        QCOMPARE(int(run.result.outcome), outcome);
        QVERIFY2(run.result.message.contains(message), qPrintable(run.result.message));
        QVERIFY2(run.result.hint.contains(hint, Qt::CaseInsensitive), qPrintable(run.result.hint));
        QVERIFY(!run.result.changed);
        QVERIFY(run.changed.isEmpty());
        verifyNoSecret(run.result);
        // On a dropped connection Qt itself sends the request once more before it reports the
        // error (a closed keep-alive connection looks the same), so those rows give a minimum.
        const bool dropped = response.action == ReplayResponse::Action::Drop;
        if (dropped)
            QVERIFY2(m_server->requestCount() >= expectedRequests && m_server->requestCount() <= 2 * expectedRequests,
                qPrintable(requestLines(*m_server).join(QLatin1Char('\n'))));
        else
            QCOMPARE(m_server->requestCount(), expectedRequests);
        verifyAllAuthenticated();
        const QList<RecordedRequest> posts
            = m_server->requests("POST", kJobPath + QStringLiteral("/buildWithParameters"));
        if (where == QLatin1String("crumb")) {
            QVERIFY(posts.isEmpty());
        } else {
            QVERIFY(posts.size() == 1 || (dropped && posts.size() == 2));
            for (const RecordedRequest& post : posts)
                verifyCrumbPost(post, "SERVICE=checkout&ENVIRONMENT=staging&VERSION=1.4.2");
        }
        if (message.contains(QLatin1String("job 'deploy/checkout' (HTTP 404")))
            QVERIFY(run.result.hint.contains(QStringLiteral("job setting")));
    }

    // A build that waits in the queue longer than timeoutSeconds is taken out of it, so that it
    // does not run later on its own.
    void queueTimeout_cancelsTheItem()
    {
        serveCrumb();
        serveQueued();
        m_server->on("GET", kQueuePath + QStringLiteral("api/json"))
            .reply(ReplayResponse::fixture(QStringLiteral("jenkins/thirdparty-queueItemPending.json")));
        m_server->on("POST", QStringLiteral("/jenkins/queue/cancelItem")).reply(ReplayResponse::empty(204));
        const Run run = runJob(m_backend->start(request(
            Action::Deploy, QStringLiteral("1.4.2"), { { QStringLiteral("timeoutSeconds"), QStringLiteral("0.3") } })));
        QVERIFY(run.finished);
        QVERIFY2(m_server->problems().isEmpty(), qPrintable(m_server->problems().join(QLatin1Char('\n'))));
        QCOMPARE(run.result.outcome, Outcome::Failed);
        QVERIFY(run.result.changed);
        QVERIFY2(run.result.message.contains(QStringLiteral(
                     "still waiting in the Jenkins queue after 0.3 s (Build #9 is already in progress (ETA:15 "
                     "sec)); queue item 143 was cancelled")),
            qPrintable(run.result.message));
        const QList<RecordedRequest> cancels = m_server->requests("POST", QStringLiteral("/jenkins/queue/cancelItem"));
        QCOMPARE(cancels.size(), 1);
        QCOMPARE(cancels.at(0).queryValue(QStringLiteral("id")), QStringLiteral("143"));
        verifyCrumbPost(cancels.at(0), QByteArray());
        // "Waiting" is said once however many polls it took.
        QCOMPARE(run.logs.count(
                     QStringLiteral("Waiting in the Jenkins queue: Build #9 is already in progress (ETA:15 sec)")),
            1);
        QVERIFY(m_server->requests("GET", kQueuePath + QStringLiteral("api/json")).size() >= 1);
    }

    // The console log of a build that stays running is followed until timeoutSeconds, no longer.
    void runningBuild_followedBoundedly()
    {
        serveCrumb();
        serveQueued();
        m_server->on("GET", kQueuePath + QStringLiteral("api/json"))
            .reply(ReplayResponse::fixture(QStringLiteral("jenkins/thirdparty-queueItemRunning.json")));
        m_server->on("GET", kJobPath + QStringLiteral("/14/logText/progressiveText"))
            .reply(logChunk(QByteArray(), 0, true));
        m_server->on("GET", kJobPath + QStringLiteral("/14/wfapi/describe")).reply(ReplayResponse::empty(404));
        const Run run = runJob(m_backend->start(request(
            Action::Deploy, QStringLiteral("1.4.2"), { { QStringLiteral("timeoutSeconds"), QStringLiteral("0.3") } })));
        QVERIFY(run.finished);
        QCOMPARE(run.result.outcome, Outcome::Unknown);
        QVERIFY(run.result.changed);
        QVERIFY2(run.result.message.contains(QStringLiteral("Build #14 was still running after 0.3 s")),
            qPrintable(run.result.message));
        QVERIFY(m_server->requests("POST", kJobPath + QStringLiteral("/14/stop")).isEmpty());
    }

    void status_fromTheLastBuild()
    {
        m_server->on("GET", kJobPath + QStringLiteral("/lastBuild/api/json"))
            .reply(200,
                derivedBuild(15, QStringLiteral("SUCCESS"),
                    deployParameters(QStringLiteral("staging"), QStringLiteral("1.4.2"))));
        const Run run = runJob(m_backend->start(request(Action::Status)));
        QVERIFY(run.finished);
        QVERIFY2(m_server->problems().isEmpty(), qPrintable(m_server->problems().join(QLatin1Char('\n'))));
        QVERIFY2(run.result.ok(), qPrintable(run.result.message));
        QVERIFY(!run.result.changed);
        const DeploymentState& s = run.result.state;
        QCOMPARE(s.version, QStringLiteral("1.4.2"));
        QCOMPARE(s.revision, QStringLiteral("15"));
        QCOMPARE(s.status, QStringLiteral("SUCCESS"));
        QCOMPARE(s.health, QStringLiteral("Healthy"));
        QCOMPARE(s.deployedBy, QStringLiteral("anonymous")); // the fixture's cause
        QCOMPARE(s.deployedAt, QDateTime::fromMSecsSinceEpoch(1461091892486, Qt::UTC));
        QCOMPARE(s.url, url(kJobPath + QStringLiteral("/15/")));
        QCOMPARE(m_server->requestCount(), 1);
        verifyAllAuthenticated();
    }

    QByteArray fourBuilds() const
    {
        return derivedBuilds({
            derivedBuild(16, QStringLiteral("SUCCESS"),
                deployParameters(QStringLiteral("production"), QStringLiteral("1.4.2")), 1700000400000),
            derivedBuild(15, QStringLiteral("FAILURE"),
                deployParameters(QStringLiteral("staging"), QStringLiteral("1.4.3")), 1700000300000),
            derivedBuild(14, QStringLiteral("SUCCESS"),
                deployParameters(QStringLiteral("staging"), QStringLiteral("1.4.2")), 1700000200000),
            derivedBuild(13, QStringLiteral("SUCCESS"),
                deployParameters(QStringLiteral("staging"), QStringLiteral("1.4.1")), 1700000100000),
            derivedBuild(12, QStringLiteral("ABORTED"), {}, 1700000000000), // bear/fish: no environment parameter
        });
    }

    static QString treeQuery()
    {
        return QStringLiteral("builds[number,result,building,timestamp,duration,url,"
                              "actions[parameters[name,value],causes[userId,userName]]]{0,50}");
    }

    // The last build deployed another environment: the builds for this one decide, and the failed
    // newest one does not hide what runs.
    void status_lastBuildOfAnotherEnvironment()
    {
        m_server->on("GET", kJobPath + QStringLiteral("/lastBuild/api/json"))
            .reply(200,
                derivedBuild(16, QStringLiteral("SUCCESS"),
                    deployParameters(QStringLiteral("production"), QStringLiteral("1.4.2"))));
        m_server->on("GET", kJobPath + QStringLiteral("/api/json"))
            .withQuery(QStringLiteral("tree"), treeQuery())
            .reply(200, fourBuilds());
        const Run run = runJob(m_backend->start(request(Action::Status)));
        QVERIFY(run.finished);
        QVERIFY2(m_server->problems().isEmpty(), qPrintable(m_server->problems().join(QLatin1Char('\n'))));
        QVERIFY2(run.result.ok(), qPrintable(run.result.message));
        const DeploymentState& s = run.result.state;
        QCOMPARE(s.version, QStringLiteral("1.4.2"));
        QCOMPARE(s.revision, QStringLiteral("15"));
        QCOMPARE(s.status, QStringLiteral("FAILURE"));
        QCOMPARE(s.health, QStringLiteral("Degraded"));
        QCOMPARE(s.deployedAt, QDateTime::fromMSecsSinceEpoch(1700000200000, Qt::UTC));
        QCOMPARE(s.message,
            QStringLiteral("Build #15 (1.4.3) ended FAILURE; the last successful deploy is build #14 (1.4.2)."));
        verifyAllAuthenticated();
    }

    void status_neverBuilt()
    {
        m_server->on("GET", kJobPath + QStringLiteral("/lastBuild/api/json"))
            .reply(ReplayResponse::text(404, "Not Found"));
        m_server->on("GET", kJobPath + QStringLiteral("/api/json"))
            .withQuery(QStringLiteral("tree"), treeQuery())
            .reply(200, derivedBuilds({}));
        const Run run = runJob(m_backend->start(request(Action::Status)));
        QVERIFY(run.finished);
        QVERIFY2(run.result.ok(), qPrintable(run.result.message));
        QCOMPARE(run.result.state.health, QStringLiteral("Missing"));
        QVERIFY(run.result.state.version.isEmpty());

        // No such job at all: the 404 of the job itself names the setting.
        m_server->reset();
        m_server->on("GET", kJobPath + QStringLiteral("/lastBuild/api/json"))
            .reply(ReplayResponse::text(404, "Not Found"));
        m_server->on("GET", kJobPath + QStringLiteral("/api/json")).reply(ReplayResponse::text(404, "Not Found"));
        const Run missing = runJob(m_backend->start(request(Action::Status)));
        QCOMPARE(missing.result.outcome, Outcome::Failed);
        QVERIFY2(missing.result.message.contains(QStringLiteral("Jenkins has no job 'deploy/checkout'")),
            qPrintable(missing.result.message));
        QVERIFY(missing.result.hint.contains(QStringLiteral("job setting")));
    }

    void history_filteredToTheEnvironment()
    {
        m_server->on("GET", kJobPath + QStringLiteral("/api/json"))
            .withQuery(QStringLiteral("tree"), treeQuery())
            .reply(200, fourBuilds());
        const Run run = runJob(m_backend->start(request(Action::History)));
        QVERIFY(run.finished);
        QVERIFY2(m_server->problems().isEmpty(), qPrintable(m_server->problems().join(QLatin1Char('\n'))));
        QVERIFY2(run.result.ok(), qPrintable(run.result.message));
        QStringList rows;
        for (const HistoryEntry& e : run.result.history)
            rows << QStringLiteral("%1 %2 %3 from %4 by %5 at %6")
                        .arg(e.id, e.version, e.result, e.previousVersion, e.actor, e.at.toString(Qt::ISODate));
        QCOMPARE(rows,
            QStringList({ QStringLiteral("15 1.4.3 failed from 1.4.2 by anonymous at 2023-11-14T22:18:20Z"),
                QStringLiteral("14 1.4.2 succeeded from 1.4.1 by anonymous at 2023-11-14T22:16:40Z"),
                QStringLiteral("13 1.4.1 succeeded from  by anonymous at 2023-11-14T22:15:00Z"),
                QStringLiteral("12  cancelled from  by anonymous at 2023-11-14T22:13:20Z") }));
        QCOMPARE(m_server->requests().at(0).queryValue(QStringLiteral("tree")), treeQuery());
        verifyAllAuthenticated();
    }

    // Rollback without a version: the newest successful build for the environment runs now; the
    // one before it with another version is what to go back to.
    void rollback_deploysThePreviousVersion()
    {
        m_server->on("GET", kJobPath + QStringLiteral("/api/json"))
            .withQuery(QStringLiteral("tree"), treeQuery())
            .reply(200, fourBuilds());
        serveCrumb();
        serveQueued();
        m_server->on("GET", kQueuePath + QStringLiteral("api/json"))
            .reply(ReplayResponse::fixture(QStringLiteral("jenkins/thirdparty-queueItemRunning.json")));
        m_server->on("GET", kJobPath + QStringLiteral("/14/logText/progressiveText"))
            .withQuery(QStringLiteral("start"), QStringLiteral("0"))
            .reply(logChunk("Finished: SUCCESS\n", 18, false));
        m_server->on("GET", kJobPath + QStringLiteral("/14/wfapi/describe")).reply(ReplayResponse::empty(404));
        m_server->on("GET", kJobPath + QStringLiteral("/14/api/json"))
            .reply(200,
                derivedBuild(14, QStringLiteral("SUCCESS"),
                    deployParameters(QStringLiteral("staging"), QStringLiteral("1.4.1"))));

        const Run run = runJob(m_backend->start(request(Action::Rollback)));
        QVERIFY(run.finished);
        QVERIFY2(m_server->problems().isEmpty(), qPrintable(m_server->problems().join(QLatin1Char('\n'))));
        QVERIFY2(run.result.ok(), qPrintable(run.result.message));
        QCOMPARE(run.result.version, QStringLiteral("1.4.1"));
        QCOMPARE(
            run.logs.first(), QStringLiteral("Rolling back checkout in staging to 1.4.1 (the version of build #13)."));
        const QList<RecordedRequest> posts
            = m_server->requests("POST", kJobPath + QStringLiteral("/buildWithParameters"));
        QCOMPARE(posts.size(), 1);
        verifyCrumbPost(posts.at(0), "SERVICE=checkout&ENVIRONMENT=staging&VERSION=1.4.1");
        verifyAllAuthenticated();
    }

    void rollback_explicitVersion_skipsTheHistory()
    {
        serveCrumb();
        m_server->on("POST", kJobPath + QStringLiteral("/buildWithParameters"))
            .reply(ReplayResponse::text(409, "busy"));
        const Run run = runJob(m_backend->start(request(Action::Rollback, QStringLiteral("1.3.9"))));
        QVERIFY(run.finished);
        QCOMPARE(requestLines(*m_server),
            QStringList({ QStringLiteral("GET /jenkins/crumbIssuer/api/json"),
                QStringLiteral("POST ") + kJobPath + QStringLiteral("/buildWithParameters") }));
        QCOMPARE(m_server->requests().at(1).body, QByteArray("SERVICE=checkout&ENVIRONMENT=staging&VERSION=1.3.9"));
        QVERIFY(!run.result.changed);
    }

    void rollback_nothingToGoBackTo()
    {
        m_server->on("GET", kJobPath + QStringLiteral("/api/json"))
            .withQuery(QStringLiteral("tree"), treeQuery())
            .reply(200,
                derivedBuilds({ derivedBuild(14, QStringLiteral("SUCCESS"),
                    deployParameters(QStringLiteral("staging"), QStringLiteral("1.4.2"))) }));
        const Run run = runJob(m_backend->start(request(Action::Rollback)));
        QVERIFY(run.finished);
        QCOMPARE(run.result.outcome, Outcome::Failed);
        QVERIFY(!run.result.changed);
        QVERIFY2(run.result.message.contains(
                     QStringLiteral("no earlier successful build of job 'deploy/checkout' for staging "
                                    "with a version other than 1.4.2")),
            qPrintable(run.result.message));
        QCOMPARE(m_server->requestCount(), 1);
    }
};

QTEST_GUILESS_MAIN(tst_JenkinsBackend)
#include "tst_jenkinsbackend.moc"
