// SPDX-License-Identifier: Apache-2.0
// The GitHub Actions backend against a loopback server replaying GitHub's official REST examples
// (tests/data/fixtures/github, see its README). Where a sequence needs a state the examples lack (a
// run in progress, then completed; a failed step; a second deployment), the JSON is derived from the
// official example by changing only the fields named at each derivation.
#include "deploy/githubactionsbackend.h"
#include "net/httpclient.h"
#include "replayserver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <functional>

using namespace Flightdeck;
using namespace Flightdeck::Deploy;
using Flightdeck::Test::RecordedRequest;
using Flightdeck::Test::ReplayResponse;
using Flightdeck::Test::ReplayServer;

namespace {

const QString Token = QStringLiteral("ghp_test_token_0123456789");
// The repository of the official examples.
const QString Repo = QStringLiteral("/repos/octo-org/octo-repo");
const QString Workflow = Repo + QStringLiteral("/actions/workflows/deploy.yml");
const QString Run1 = Repo + QStringLiteral("/actions/runs/1"); // workflow_run_id of the dispatch response
const QString RunListed = Repo + QStringLiteral("/actions/runs/30433642"); // id of the listed run
const QString Deployments = Repo + QStringLiteral("/deployments");

QByteArray fixtureBytes(const QString& name)
{
    return ReplayServer::readFixture(QStringLiteral("github/") + name);
}

QJsonObject fixtureObject(const QString& name)
{
    return QJsonDocument::fromJson(fixtureBytes(name)).object();
}

QJsonArray fixtureArray(const QString& name)
{
    return QJsonDocument::fromJson(fixtureBytes(name)).array();
}

QByteArray compact(const QJsonObject& o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QByteArray compact(const QJsonArray& a)
{
    return QJsonDocument(a).toJson(QJsonDocument::Compact);
}

QJsonObject bodyOf(const RecordedRequest& r)
{
    return QJsonDocument::fromJson(r.body).object();
}

// The official run with status and conclusion changed.
QByteArray runWith(const QString& status, const QJsonValue& conclusion)
{
    QJsonObject run = fixtureObject(QStringLiteral("workflow-run.json"));
    run.insert(QStringLiteral("status"), status);
    run.insert(QStringLiteral("conclusion"), conclusion);
    return compact(run);
}

// The official jobs page with its one job in progress: status/conclusion of the job and of its
// steps changed (steps 1-3 done, step 4 running, the rest queued).
QByteArray jobsInProgress()
{
    QJsonObject page = fixtureObject(QStringLiteral("job-paginated.json"));
    QJsonArray jobs = page.value(QLatin1String("jobs")).toArray();
    QJsonObject job = jobs.at(0).toObject();
    job.insert(QStringLiteral("status"), QStringLiteral("in_progress"));
    job.insert(QStringLiteral("conclusion"), QJsonValue::Null);
    QJsonArray steps = job.value(QLatin1String("steps")).toArray();
    for (qsizetype i = 3; i < steps.size(); ++i) {
        QJsonObject s = steps.at(i).toObject();
        s.insert(QStringLiteral("status"), i == 3 ? QStringLiteral("in_progress") : QStringLiteral("queued"));
        s.insert(QStringLiteral("conclusion"), QJsonValue::Null);
        steps.replace(i, s);
    }
    job.insert(QStringLiteral("steps"), steps);
    jobs.replace(0, job);
    page.insert(QStringLiteral("jobs"), jobs);
    return compact(page);
}

// The official jobs page with the job failed at "Deploy to Heroku": the conclusion of the job and of
// that step changed.
QByteArray jobsFailed()
{
    QJsonObject page = fixtureObject(QStringLiteral("job-paginated.json"));
    QJsonArray jobs = page.value(QLatin1String("jobs")).toArray();
    QJsonObject job = jobs.at(0).toObject();
    job.insert(QStringLiteral("conclusion"), QStringLiteral("failure"));
    QJsonArray steps = job.value(QLatin1String("steps")).toArray();
    for (qsizetype i = 0; i < steps.size(); ++i) {
        QJsonObject s = steps.at(i).toObject();
        if (s.value(QLatin1String("name")).toString() == QLatin1String("Deploy to Heroku")) {
            s.insert(QStringLiteral("conclusion"), QStringLiteral("failure"));
            steps.replace(i, s);
        }
    }
    job.insert(QStringLiteral("steps"), steps);
    jobs.replace(0, job);
    page.insert(QStringLiteral("jobs"), jobs);
    return compact(page);
}

// The official runs page with no run yet (total_count 0, workflow_runs empty).
QByteArray noRuns()
{
    QJsonObject page = fixtureObject(QStringLiteral("workflow-run-paginated.json"));
    page.insert(QStringLiteral("total_count"), 0);
    page.insert(QStringLiteral("workflow_runs"), QJsonArray());
    return compact(page);
}

// The official deployment with id, payload (the version) and creation time changed.
QJsonObject deployment(int id, const QString& version, const QString& createdAt)
{
    QJsonObject d = fixtureArray(QStringLiteral("deployment-items.json")).at(0).toObject();
    d.insert(QStringLiteral("id"), id);
    d.insert(QStringLiteral("payload"), QJsonObject { { QStringLiteral("version"), version } });
    d.insert(QStringLiteral("created_at"), createdAt);
    return d;
}

// The official statuses list with the state changed.
QByteArray statusesWith(const QString& state)
{
    QJsonArray list = fixtureArray(QStringLiteral("deployment-status-items.json"));
    QJsonObject s = list.at(0).toObject();
    s.insert(QStringLiteral("state"), state);
    list.replace(0, s);
    return compact(list);
}

// GitHub's basic-error shape (message, documentation_url, status) for the statuses the official
// examples do not cover.
QByteArray basicError(const QString& message, const QString& status)
{
    return compact(QJsonObject { { QStringLiteral("message"), message },
        { QStringLiteral("documentation_url"),
            QStringLiteral("https://docs.github.com/rest/actions/workflows#create-a-workflow-dispatch-event") },
        { QStringLiteral("status"), status } });
}

struct JobRun
{
    bool finished = false;
    int finishedCount = 0;
    bool deleted = false;
    DeployResult result;
    QStringList steps; // "name=state"
    QStringList logs;
    QStringList changes;
};

JobRun runJob(DeployBackend& backend, const DeployRequest& request,
    const std::function<void(DeployJob*, const QString&)>& onLog = {})
{
    JobRun out;
    DeployJob* job = backend.start(request);
    QPointer<DeployJob> guard(job);
    QObject::connect(job, &DeployJob::step, job,
        [&out](const QString& name, const QString& state) { out.steps << name + QLatin1Char('=') + state; });
    QObject::connect(job, &DeployJob::log, job, [&out, job, onLog](const QString& line) {
        out.logs << line;
        if (onLog)
            onLog(job, line);
    });
    QObject::connect(job, &DeployJob::changed, job, [&out](const QString& reference) { out.changes << reference; });
    QObject::connect(job, &DeployJob::finished, job, [&out](const DeployResult& result) {
        ++out.finishedCount;
        out.result = result;
    });
    QSignalSpy spy(job, &DeployJob::finished);
    out.finished = spy.wait(30000);
    for (int i = 0; i < 50 && guard; ++i) {
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
        QTest::qWait(5);
    }
    out.deleted = guard.isNull();
    return out;
}

DeployTarget targetFor(const ReplayServer& server, const QHash<QString, QString>& extra = {})
{
    DeployTarget t;
    t.service = QStringLiteral("checkout");
    t.environment = QStringLiteral("production");
    t.secret = Token;
    t.settings.insert(QStringLiteral("url"), server.baseUrl().toString());
    t.settings.insert(QStringLiteral("repository"), QStringLiteral("octo-org/octo-repo"));
    t.settings.insert(QStringLiteral("workflow"), QStringLiteral("deploy.yml"));
    t.settings.insert(QStringLiteral("pollIntervalMs"), QStringLiteral("20"));
    t.settings.insert(QStringLiteral("timeoutSeconds"), QStringLiteral("20"));
    t.settings.insert(QStringLiteral("requestTimeoutMs"), QStringLiteral("5000"));
    for (auto it = extra.begin(); it != extra.end(); ++it)
        t.settings.insert(it.key(), it.value());
    return t;
}

DeployRequest requestFor(Action action, const DeployTarget& target, const QString& version = {})
{
    DeployRequest r;
    r.action = action;
    r.target = target;
    r.version = version;
    r.operation = actionName(action);
    r.actor = QStringLiteral("Jane Doe <jane@example.com>");
    return r;
}

QJsonObject dispatchBody(const QString& version, const QString& ref = QStringLiteral("main"))
{
    return QJsonObject { { QStringLiteral("ref"), ref },
        { QStringLiteral("inputs"),
            QJsonObject { { QStringLiteral("service"), QStringLiteral("checkout") },
                { QStringLiteral("environment"), QStringLiteral("production") },
                { QStringLiteral("version"), version } } },
        { QStringLiteral("return_run_details"), true } };
}

} // namespace

class tst_GitHubActionsBackend : public QObject
{
    Q_OBJECT

private:
    Net::HttpClient* m_http = nullptr;
    QTemporaryDir* m_dir = nullptr;

    BackendContext context() const { return BackendContext { m_http, m_dir->path(), QStringLiteral("github-deploy") }; }

    static void checkHeaders(const RecordedRequest& r)
    {
        QCOMPARE(r.header("Authorization"), QByteArray("Bearer " + Token.toUtf8()));
        QCOMPARE(r.header("Accept"), QByteArray("application/vnd.github+json"));
        QCOMPARE(r.header("X-GitHub-Api-Version"), QByteArray("2022-11-28"));
        if (r.body.isEmpty())
            QVERIFY(!r.hasHeader("Content-Type"));
        else
            QCOMPARE(r.header("Content-Type"), QByteArray("application/json"));
    }

    static void checkNoSecret(const JobRun& run)
    {
        QVERIFY(!run.result.message.contains(Token));
        QVERIFY(!run.result.hint.contains(Token));
        for (const QString& line : run.logs)
            QVERIFY2(!line.contains(Token), qPrintable(line));
    }

    static void checkFinishedOnce(const JobRun& run)
    {
        QVERIFY(run.finished);
        QCOMPARE(run.finishedCount, 1);
        QVERIFY(run.deleted);
    }

    static int indexOf(const QStringList& list, const QString& item) { return int(list.indexOf(item)); }

private Q_SLOTS:
    void initTestCase()
    {
        qRegisterMetaType<Flightdeck::Deploy::DeployResult>();
        QCOMPARE(fixtureObject(QStringLiteral("workflow-dispatch-response.json"))
                     .value(QLatin1String("workflow_run_id"))
                     .toInt(),
            1);
    }

    void init()
    {
        m_http = new Net::HttpClient();
        m_dir = new QTemporaryDir();
    }

    void cleanup()
    {
        delete m_http;
        delete m_dir;
    }

    void capabilities_areDeclared()
    {
        GitHubActionsBackend backend(context());
        QCOMPARE(backend.type(), QStringLiteral("github-actions"));
        QCOMPARE(capabilityNames(backend.capabilities()),
            (QStringList { QStringLiteral("deploy"), QStringLiteral("rollback"), QStringLiteral("abort"),
                QStringLiteral("status"), QStringLiteral("history"), QStringLiteral("live-progress") }));
    }

    void deploy_dispatchAnswersTheRun_followsItToSuccess()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("POST", Workflow + QStringLiteral("/dispatches"))
            .reply(ReplayResponse::fixture(QStringLiteral("github/workflow-dispatch-response.json")));
        server.on("GET", Run1)
            .reply(200, runWith(QStringLiteral("in_progress"), QJsonValue::Null))
            .reply(200, runWith(QStringLiteral("completed"), QStringLiteral("success")));
        server.on("GET", Run1 + QStringLiteral("/jobs"))
            .reply(200, jobsInProgress())
            .reply(ReplayResponse::fixture(QStringLiteral("github/job-paginated.json")));
        GitHubActionsBackend backend(context());

        const JobRun run = runJob(backend, requestFor(Action::Deploy, targetFor(server), QStringLiteral("1.4.2")));
        checkFinishedOnce(run);
        QVERIFY2(run.result.ok(),
            qPrintable(run.result.message + QLatin1Char('\n') + server.problems().join(QLatin1Char('\n'))));
        QVERIFY2(server.problems().isEmpty(), qPrintable(server.problems().join(QLatin1Char('\n'))));

        QCOMPARE(server.requestCount(), 5);
        const RecordedRequest& dispatch = server.requests().at(0);
        QCOMPARE(dispatch.method, QByteArray("POST"));
        QCOMPARE(dispatch.path, Workflow + QStringLiteral("/dispatches"));
        QVERIFY(dispatch.query.isEmpty());
        // The documented request's fields (ref, inputs), with the run details asked for.
        const QJsonObject documented = fixtureObject(QStringLiteral("request-create-workflow-dispatch.json"));
        QCOMPARE(documented.keys(), (QStringList { QStringLiteral("inputs"), QStringLiteral("ref") }));
        QCOMPARE(bodyOf(dispatch), dispatchBody(QStringLiteral("1.4.2")));
        const QStringList paths { Run1, Run1 + QStringLiteral("/jobs"), Run1, Run1 + QStringLiteral("/jobs") };
        for (int i = 1; i < 5; ++i) {
            QCOMPARE(server.requests().at(i).method, QByteArray("GET"));
            QCOMPARE(server.requests().at(i).path, paths.at(i - 1));
        }
        for (const RecordedRequest& r : server.requests())
            checkHeaders(r);

        const QString html = QStringLiteral("https://github.com/octo-org/octo-repo/actions/runs/1");
        QCOMPARE(run.changes, QStringList { html });
        QVERIFY(run.result.changed);
        QCOMPARE(run.result.reference, html);
        QCOMPARE(run.result.version, QStringLiteral("1.4.2"));
        QVERIFY2(run.result.message.contains(QLatin1String("run #562 of deploy.yml (deploy 1.4.2) succeeded")),
            qPrintable(run.result.message));

        const QStringList& steps = run.steps;
        QCOMPARE(steps.mid(0, 2),
            (QStringList { QStringLiteral("dispatch=running"), QStringLiteral("dispatch=succeeded") }));
        QVERIFY(indexOf(steps, QStringLiteral("build / Set up job=succeeded")) > 0);
        const int cacheRunning = indexOf(steps, QStringLiteral("build / Run actions/cache@v3=running"));
        const int cacheDone = indexOf(steps, QStringLiteral("build / Run actions/cache@v3=succeeded"));
        QVERIFY(cacheRunning > 0);
        QVERIFY(cacheDone > cacheRunning);
        QVERIFY(indexOf(steps, QStringLiteral("build / Deploy to Heroku=succeeded")) > cacheDone);
        QVERIFY(indexOf(steps, QStringLiteral("build=running")) > 0);
        QCOMPARE(steps.last(), QStringLiteral("build=succeeded"));
        QCOMPARE(steps.count(QStringLiteral("build / Set up job=succeeded")), 1); // reported once
        const QString logs = run.logs.join(QLatin1Char('\n'));
        QVERIFY2(logs.contains(QLatin1String("run #562 in_progress")), qPrintable(logs));
        QVERIFY(logs.contains(QLatin1String("run #562 completed: success")));
        checkNoSecret(run);
    }

    void deploy_dispatchAnswers204_findsTheRunItStarted()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("POST", Workflow + QStringLiteral("/dispatches")).reply(ReplayResponse::empty(204));
        server.on("GET", Workflow + QStringLiteral("/runs"))
            .reply(200, noRuns())
            .reply(ReplayResponse::fixture(QStringLiteral("github/workflow-run-paginated.json")));
        server.on("GET", RunListed).reply(200, runWith(QStringLiteral("completed"), QStringLiteral("success")));
        server.on("GET", RunListed + QStringLiteral("/jobs"))
            .reply(ReplayResponse::fixture(QStringLiteral("github/job-paginated.json")));
        GitHubActionsBackend backend(context());

        const QDateTime before = QDateTime::currentDateTimeUtc().addSecs(-1);
        const JobRun run = runJob(backend,
            requestFor(Action::Deploy, targetFor(server, { { QStringLiteral("ref"), QStringLiteral("release/1.4") } }),
                QStringLiteral("1.4.2")));
        const QDateTime after = QDateTime::currentDateTimeUtc();
        checkFinishedOnce(run);
        QVERIFY2(run.result.ok(),
            qPrintable(run.result.message + QLatin1Char('\n') + server.problems().join(QLatin1Char('\n'))));
        QCOMPARE(server.requestCount(), 5);
        QCOMPARE(bodyOf(server.requests().at(0)), dispatchBody(QStringLiteral("1.4.2"), QStringLiteral("release/1.4")));
        for (int i : { 1, 2 }) {
            const RecordedRequest& lookup = server.requests().at(i);
            QCOMPARE(lookup.path, Workflow + QStringLiteral("/runs"));
            QCOMPARE(lookup.queryValue(QStringLiteral("event")), QStringLiteral("workflow_dispatch"));
            QCOMPARE(lookup.queryValue(QStringLiteral("branch")), QStringLiteral("release/1.4"));
            const QString created = lookup.queryValue(QStringLiteral("created"));
            QVERIFY2(created.startsWith(QLatin1String(">=")), qPrintable(created));
            const QDateTime since = QDateTime::fromString(created.mid(2), Qt::ISODate);
            QVERIFY2(since.isValid() && since >= before && since <= after, qPrintable(created));
            QCOMPARE(lookup.query.queryItems().size(), 3);
        }
        QCOMPARE(server.requests().at(3).path, RunListed);
        QCOMPARE(server.requests().at(4).path, RunListed + QStringLiteral("/jobs"));
        for (const RecordedRequest& r : server.requests())
            checkHeaders(r);
        const QString html = QStringLiteral("https://github.com/octo-org/octo-repo/actions/runs/30433642");
        QCOMPARE(run.changes, QStringList { html });
        QCOMPARE(run.result.reference, html);
        QVERIFY(run.result.changed);
    }

    void deploy_runNeverAppears_endsUnknownAfterBoundedLookups()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("POST", Workflow + QStringLiteral("/dispatches")).reply(ReplayResponse::empty(204));
        server.on("GET", Workflow + QStringLiteral("/runs")).reply(200, noRuns());
        GitHubActionsBackend backend(context());
        const JobRun run = runJob(backend,
            requestFor(Action::Deploy,
                targetFor(server, { { QStringLiteral("runLookupAttempts"), QStringLiteral("4") } }),
                QStringLiteral("1.4.2")));
        checkFinishedOnce(run);
        QCOMPARE(run.result.outcome, Outcome::Unknown);
        QVERIFY(run.result.changed);
        QCOMPARE(run.changes.size(), 1);
        QCOMPARE(server.requests("GET", Workflow + QStringLiteral("/runs")).size(), 4);
        QVERIFY2(run.result.message.contains(QLatin1String("could not find the run")), qPrintable(run.result.message));
    }

    void deploy_runFails_namesTheFailedStep()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("POST", Workflow + QStringLiteral("/dispatches"))
            .reply(ReplayResponse::fixture(QStringLiteral("github/workflow-dispatch-response.json")));
        server.on("GET", Run1).reply(200, runWith(QStringLiteral("completed"), QStringLiteral("failure")));
        server.on("GET", Run1 + QStringLiteral("/jobs")).reply(200, jobsFailed());
        GitHubActionsBackend backend(context());
        const JobRun run = runJob(backend, requestFor(Action::Deploy, targetFor(server), QStringLiteral("1.4.3")));
        checkFinishedOnce(run);
        QCOMPARE(run.result.outcome, Outcome::Failed);
        QVERIFY(run.result.changed);
        QCOMPARE(run.changes.size(), 1);
        QVERIFY2(run.result.message.contains(QLatin1String("ended failure")), qPrintable(run.result.message));
        QVERIFY(run.result.message.contains(QLatin1String("job build, step \"Deploy to Heroku\" (failure)")));
        QVERIFY(run.result.message.contains(QLatin1String("https://github.com/octo-org/octo-repo/actions/runs/1")));
        QVERIFY(run.steps.contains(QStringLiteral("build / Deploy to Heroku=failed")));
        QCOMPARE(run.steps.last(), QStringLiteral("build=failed"));
        QVERIFY(!run.result.hint.isEmpty());
    }

    void cancel_whileFollowing_cancelsTheRun()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("POST", Workflow + QStringLiteral("/dispatches"))
            .reply(ReplayResponse::fixture(QStringLiteral("github/workflow-dispatch-response.json")));
        server.on("GET", Run1).reply(200, runWith(QStringLiteral("in_progress"), QJsonValue::Null));
        server.on("GET", Run1 + QStringLiteral("/jobs")).reply(200, jobsInProgress());
        server.on("POST", Run1 + QStringLiteral("/cancel")).reply(202, "{}");
        GitHubActionsBackend backend(context());
        const JobRun run = runJob(backend, requestFor(Action::Deploy, targetFor(server), QStringLiteral("1.4.2")),
            [](DeployJob* job, const QString& line) {
                if (line.contains(QLatin1String("in_progress")))
                    QMetaObject::invokeMethod(
                        job, [job] { job->cancel(); }, Qt::QueuedConnection);
            });
        checkFinishedOnce(run);
        QCOMPARE(run.result.outcome, Outcome::Cancelled);
        QVERIFY(run.result.changed);
        const QList<RecordedRequest> cancels = server.requests("POST", Run1 + QStringLiteral("/cancel"));
        QCOMPARE(cancels.size(), 1);
        checkHeaders(cancels.first());
        QVERIFY(cancels.first().body.isEmpty());
        QVERIFY2(run.result.message.contains(QLatin1String("cancelling run 1")), qPrintable(run.result.message));
        QVERIFY(run.steps.contains(QStringLiteral("cancel=succeeded")));
    }

    void cancel_afterTheRunCompleted_reportsHowItEnded()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("POST", Workflow + QStringLiteral("/dispatches"))
            .reply(ReplayResponse::fixture(QStringLiteral("github/workflow-dispatch-response.json")));
        server.on("GET", Run1)
            .reply(200, runWith(QStringLiteral("in_progress"), QJsonValue::Null))
            .reply(200, runWith(QStringLiteral("completed"), QStringLiteral("success")));
        server.on("GET", Run1 + QStringLiteral("/jobs"))
            .reply(ReplayResponse::fixture(QStringLiteral("github/job-paginated.json")));
        // GitHub answers 409 to cancelling a completed run (the example body is GitHub's basic-error with a status).
        server.on("POST", Run1 + QStringLiteral("/cancel"))
            .reply(ReplayResponse::fixture(QStringLiteral("github/error-conflict-409.json"), 409));
        GitHubActionsBackend backend(context());
        const JobRun run = runJob(backend, requestFor(Action::Deploy, targetFor(server), QStringLiteral("1.4.2")),
            [](DeployJob* job, const QString& line) {
                if (line == QLatin1String("run #562 in_progress"))
                    QMetaObject::invokeMethod(
                        job, [job] { job->cancel(); }, Qt::QueuedConnection);
            });
        checkFinishedOnce(run);
        QCOMPARE(run.result.outcome, Outcome::Succeeded);
        QVERIFY(run.result.changed);
        QCOMPARE(server.requests("POST", Run1 + QStringLiteral("/cancel")).size(), 1);
        QVERIFY(run.logs.join(QLatin1Char('\n')).contains(QLatin1String("could not be cancelled any more")));
    }

    void abort_cancelsTheNamedRunOrTheRunningOne()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("POST", RunListed + QStringLiteral("/cancel")).reply(202, "{}");
        GitHubActionsBackend backend(context());
        DeployRequest named = requestFor(Action::Abort, targetFor(server));
        named.reference = QStringLiteral("https://github.com/octo-org/octo-repo/actions/runs/30433642");
        const JobRun run = runJob(backend, named);
        checkFinishedOnce(run);
        QVERIFY2(run.result.ok(), qPrintable(run.result.message));
        QVERIFY(run.result.changed);
        QCOMPARE(server.requestCount(), 1);
        QCOMPARE(server.requests().at(0).method, QByteArray("POST"));
        QCOMPARE(server.requests().at(0).path, RunListed + QStringLiteral("/cancel"));
        checkHeaders(server.requests().at(0));

        // No run named: the workflow's run in progress.
        server.reset();
        server.on("GET", Workflow + QStringLiteral("/runs"))
            .withQuery(QStringLiteral("status"), QStringLiteral("in_progress"))
            .withExactQuery()
            .reply(ReplayResponse::fixture(QStringLiteral("github/workflow-run-paginated.json")));
        server.on("POST", RunListed + QStringLiteral("/cancel")).reply(202, "{}");
        const JobRun running = runJob(backend, requestFor(Action::Abort, targetFor(server)));
        QVERIFY2(running.result.ok(), qPrintable(running.result.message + server.problems().join(QLatin1Char('\n'))));
        QCOMPARE(server.requestCount(), 2);
        QCOMPARE(server.requests().at(1).path, RunListed + QStringLiteral("/cancel"));
        QCOMPARE(
            running.result.reference, QStringLiteral("https://github.com/octo-org/octo-repo/actions/runs/30433642"));

        // Nothing running: nothing to cancel.
        server.reset();
        server.on("GET", Workflow + QStringLiteral("/runs")).reply(200, noRuns());
        const JobRun idle = runJob(backend, requestFor(Action::Abort, targetFor(server)));
        QCOMPARE(idle.result.outcome, Outcome::Failed);
        QVERIFY(!idle.result.changed);
        QVERIFY2(idle.result.message.contains(QLatin1String("nothing to abort")), qPrintable(idle.result.message));
        QCOMPARE(server.requestCount(), 1);
    }

    void status_comesFromTheNewestDeployment()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", Deployments)
            .withQuery(QStringLiteral("environment"), QStringLiteral("production"))
            .withQuery(QStringLiteral("per_page"), QStringLiteral("1"))
            .withExactQuery()
            .reply(ReplayResponse::fixture(QStringLiteral("github/deployment-items.json")));
        server.on("GET", Deployments + QStringLiteral("/1/statuses"))
            .reply(ReplayResponse::fixture(QStringLiteral("github/deployment-status-items.json")));
        GitHubActionsBackend backend(context());
        const JobRun run = runJob(backend, requestFor(Action::Status, targetFor(server)));
        checkFinishedOnce(run);
        QVERIFY2(run.result.ok(), qPrintable(run.result.message + server.problems().join(QLatin1Char('\n'))));
        QVERIFY(server.problems().isEmpty());
        QCOMPARE(server.requestCount(), 2);
        for (const RecordedRequest& r : server.requests())
            checkHeaders(r);
        const DeploymentState& s = run.result.state;
        QCOMPARE(s.version, QStringLiteral("topic-branch")); // payload {} → the ref
        QCOMPARE(s.revision, QStringLiteral("a84d88e7554fc1fa21bcbc4efae3c782a70d2b9d"));
        QCOMPARE(s.status, QStringLiteral("success"));
        QCOMPARE(s.deployedBy, QStringLiteral("octocat"));
        QCOMPARE(s.deployedAt, QDateTime(QDate(2012, 7, 20), QTime(1, 19, 13), Qt::UTC));
        QCOMPARE(s.message, QStringLiteral("Deployment finished successfully."));
        QCOMPARE(s.url, QStringLiteral("https://example.com/deployment/42/output"));
        QVERIFY(!run.result.changed);

        // A version in the payload, and another GitHub environment name.
        server.reset();
        server.on("GET", Deployments)
            .withQuery(QStringLiteral("environment"), QStringLiteral("prod-eu"))
            .withQuery(QStringLiteral("per_page"), QStringLiteral("1"))
            .withExactQuery()
            .reply(200,
                compact(QJsonArray { deployment(7, QStringLiteral("1.4.2"), QStringLiteral("2012-07-21T10:00:00Z")) }));
        server.on("GET", Deployments + QStringLiteral("/7/statuses"))
            .reply(200, statusesWith(QStringLiteral("in_progress")));
        const JobRun eu = runJob(backend,
            requestFor(Action::Status,
                targetFor(server, { { QStringLiteral("environmentName"), QStringLiteral("prod-eu") } })));
        QVERIFY2(eu.result.ok(), qPrintable(eu.result.message + server.problems().join(QLatin1Char('\n'))));
        QCOMPARE(eu.result.state.version, QStringLiteral("1.4.2"));
        QCOMPARE(eu.result.state.status, QStringLiteral("in_progress"));

        // Nothing deployed yet.
        server.reset();
        server.on("GET", Deployments).reply(200, "[]");
        const JobRun none = runJob(backend, requestFor(Action::Status, targetFor(server)));
        QVERIFY2(none.result.ok(), qPrintable(none.result.message));
        QVERIFY(none.result.state.version.isEmpty());
        QVERIFY(none.result.message.contains(QLatin1String("Nothing was deployed")));
    }

    void history_readsDeploymentsAndTheirStatuses()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", Deployments)
            .withQuery(QStringLiteral("environment"), QStringLiteral("production"))
            .withQuery(QStringLiteral("per_page"), QStringLiteral("10"))
            .withExactQuery()
            .reply(200,
                compact(QJsonArray { deployment(2, QStringLiteral("1.4.2"), QStringLiteral("2012-07-21T10:00:00Z")),
                    deployment(1, QStringLiteral("1.4.1"), QStringLiteral("2012-07-20T01:19:13Z")) }));
        server.on("GET", Deployments + QStringLiteral("/2/statuses"))
            .reply(ReplayResponse::fixture(QStringLiteral("github/deployment-status-items.json")));
        server.on("GET", Deployments + QStringLiteral("/1/statuses"))
            .reply(200, statusesWith(QStringLiteral("inactive")));
        GitHubActionsBackend backend(context());
        const JobRun run = runJob(backend, requestFor(Action::History, targetFor(server)));
        checkFinishedOnce(run);
        QVERIFY2(run.result.ok(), qPrintable(run.result.message + server.problems().join(QLatin1Char('\n'))));
        QCOMPARE(server.requestCount(), 3);
        for (const RecordedRequest& r : server.requests())
            checkHeaders(r);
        QCOMPARE(run.result.history.size(), 2);
        const HistoryEntry& newest = run.result.history.at(0);
        QCOMPARE(newest.id, QStringLiteral("2"));
        QCOMPARE(newest.version, QStringLiteral("1.4.2"));
        QCOMPARE(newest.previousVersion, QStringLiteral("1.4.1"));
        QCOMPARE(newest.operation, QStringLiteral("deploy")); // the deployment's task
        QCOMPARE(newest.actor, QStringLiteral("octocat"));
        QCOMPARE(newest.at, QDateTime(QDate(2012, 7, 21), QTime(10, 0), Qt::UTC));
        QCOMPARE(newest.result, QStringLiteral("succeeded"));
        QVERIFY2(newest.detail.contains(QLatin1String("Deployment finished successfully.")), qPrintable(newest.detail));
        const HistoryEntry& older = run.result.history.at(1);
        QCOMPARE(older.version, QStringLiteral("1.4.1"));
        QVERIFY(older.previousVersion.isEmpty());
        QCOMPARE(older.result, QStringLiteral("succeeded")); // inactive: superseded after succeeding
    }

    void rollback_dispatchesThePreviousSuccessfulVersion()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", Deployments)
            .withQuery(QStringLiteral("environment"), QStringLiteral("production"))
            .withQuery(QStringLiteral("per_page"), QStringLiteral("10"))
            .withExactQuery()
            .reply(200,
                compact(QJsonArray { deployment(3, QStringLiteral("1.4.2"), QStringLiteral("2012-07-22T10:00:00Z")),
                    deployment(2, QStringLiteral("1.4.1"), QStringLiteral("2012-07-21T10:00:00Z")),
                    deployment(1, QStringLiteral("1.4.0"), QStringLiteral("2012-07-20T01:19:13Z")) }));
        // 1.4.1 failed; 1.4.0 succeeded and was superseded.
        server.on("GET", Deployments + QStringLiteral("/2/statuses"))
            .reply(200, statusesWith(QStringLiteral("failure")));
        server.on("GET", Deployments + QStringLiteral("/1/statuses"))
            .reply(200, statusesWith(QStringLiteral("inactive")));
        server.on("POST", Workflow + QStringLiteral("/dispatches"))
            .reply(ReplayResponse::fixture(QStringLiteral("github/workflow-dispatch-response.json")));
        server.on("GET", Run1).reply(200, runWith(QStringLiteral("completed"), QStringLiteral("success")));
        server.on("GET", Run1 + QStringLiteral("/jobs"))
            .reply(ReplayResponse::fixture(QStringLiteral("github/job-paginated.json")));
        GitHubActionsBackend backend(context());

        const JobRun run = runJob(backend, requestFor(Action::Rollback, targetFor(server)));
        checkFinishedOnce(run);
        QVERIFY2(run.result.ok(), qPrintable(run.result.message + server.problems().join(QLatin1Char('\n'))));
        QCOMPARE(server.requestCount(), 6);
        QCOMPARE(server.requests().at(1).path, Deployments + QStringLiteral("/2/statuses"));
        QCOMPARE(server.requests().at(2).path, Deployments + QStringLiteral("/1/statuses"));
        const RecordedRequest& dispatch = server.requests().at(3);
        QCOMPARE(dispatch.method, QByteArray("POST"));
        QCOMPARE(dispatch.path, Workflow + QStringLiteral("/dispatches"));
        QCOMPARE(bodyOf(dispatch), dispatchBody(QStringLiteral("1.4.0")));
        for (const RecordedRequest& r : server.requests())
            checkHeaders(r);
        QCOMPARE(run.result.version, QStringLiteral("1.4.0"));
        QVERIFY(run.result.message.contains(QLatin1String("rollback 1.4.0")));

        // A version asked for is dispatched as it is.
        server.reset();
        server.on("POST", Workflow + QStringLiteral("/dispatches"))
            .reply(ReplayResponse::fixture(QStringLiteral("github/workflow-dispatch-response.json")));
        server.on("GET", Run1).reply(200, runWith(QStringLiteral("completed"), QStringLiteral("success")));
        server.on("GET", Run1 + QStringLiteral("/jobs"))
            .reply(ReplayResponse::fixture(QStringLiteral("github/job-paginated.json")));
        const JobRun chosen = runJob(backend, requestFor(Action::Rollback, targetFor(server), QStringLiteral("1.3.9")));
        QVERIFY2(chosen.result.ok(), qPrintable(chosen.result.message));
        QCOMPARE(server.requests().at(0).path, Workflow + QStringLiteral("/dispatches"));
        QCOMPARE(bodyOf(server.requests().at(0)), dispatchBody(QStringLiteral("1.3.9")));

        // No earlier success: nothing is dispatched.
        server.reset();
        server.on("GET", Deployments)
            .reply(200,
                compact(QJsonArray { deployment(3, QStringLiteral("1.4.2"), QStringLiteral("2012-07-22T10:00:00Z")),
                    deployment(2, QStringLiteral("1.4.1"), QStringLiteral("2012-07-21T10:00:00Z")) }));
        server.on("GET", Deployments + QStringLiteral("/2/statuses")).reply(200, statusesWith(QStringLiteral("error")));
        const JobRun nothing = runJob(backend, requestFor(Action::Rollback, targetFor(server)));
        QCOMPARE(nothing.result.outcome, Outcome::Failed);
        QVERIFY(!nothing.result.changed);
        QVERIFY2(nothing.result.message.contains(QLatin1String("No earlier successful deployment")),
            qPrintable(nothing.result.message));
        QVERIFY(server.requests("POST", Workflow + QStringLiteral("/dispatches")).isEmpty());
    }

    void deploy_errors_data()
    {
        QTest::addColumn<ReplayResponse>("response");
        QTest::addColumn<QString>("inMessage");
        QTest::addColumn<QString>("inHint");

        QTest::addRow("422 invalid input")
            << ReplayResponse::fixture(QStringLiteral("github/error-validation-422.json"), 422)
            << QStringLiteral("\"Validation Failed (Stack.pull_requests missing)\"")
            << QStringLiteral("workflow_dispatch trigger");
        QTest::addRow("403 no permission")
            << ReplayResponse::fixture(QStringLiteral("github/error-basic-403.json"), 403)
            << QStringLiteral("Organization members cannot delete repositories.") << QStringLiteral("Actions: write");
        QTest::addRow("403 rate limit") << ReplayResponse::json(
            403, basicError(QStringLiteral("API rate limit exceeded for user ID 1."), QStringLiteral("403")))
                                               .withHeader("x-ratelimit-remaining", "0")
                                               .withHeader("x-ratelimit-reset", "1893456000")
                                        << QStringLiteral("API rate limit exceeded")
                                        << QStringLiteral("used up until 2030-01-01T00:00:00Z");
        QTest::addRow("404 not found") << ReplayResponse::json(
            404, basicError(QStringLiteral("Not Found"), QStringLiteral("404")))
                                       << QStringLiteral("HTTP 404")
                                       << QStringLiteral("settings repository (octo-org/octo-repo)");
        QTest::addRow("401 bad credentials")
            << ReplayResponse::json(401, basicError(QStringLiteral("Bad credentials"), QStringLiteral("401")))
            << QStringLiteral("Bad credentials") << QStringLiteral("Settings → Credentials");
        QTest::addRow("409 conflict") << ReplayResponse::fixture(QStringLiteral("github/error-conflict-409.json"), 409)
                                      << QStringLiteral("Stack is currently being modified")
                                      << QStringLiteral("conflicts");
        QTest::addRow("429 Retry-After") << ReplayResponse::json(
            429, basicError(QStringLiteral("You have exceeded a secondary rate limit."), QStringLiteral("429")))
                                                .withHeader("Retry-After", "60")
                                         << QStringLiteral("secondary rate limit")
                                         << QStringLiteral("wait 60 s (Retry-After)");
        QTest::addRow("502 bad gateway") << ReplayResponse::text(502, "<html>Bad Gateway</html>", "text/html")
                                         << QStringLiteral("HTTP 502") << QStringLiteral("try again later");
        QTest::addRow("dropped connection") << ReplayResponse::drop() << QStringLiteral("closed the connection")
                                            << QStringLiteral("may have received the request");
        QTest::addRow("slow answer") << ReplayResponse::hang() << QStringLiteral("did not answer within 0.3 s")
                                     << QStringLiteral("requestTimeoutMs");
    }

    void deploy_errors()
    {
        QFETCH(ReplayResponse, response);
        QFETCH(QString, inMessage);
        QFETCH(QString, inHint);
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("POST", Workflow + QStringLiteral("/dispatches")).reply(response);
        GitHubActionsBackend backend(context());
        const JobRun run = runJob(backend,
            requestFor(Action::Deploy,
                targetFor(server, { { QStringLiteral("requestTimeoutMs"), QStringLiteral("300") } }),
                QStringLiteral("1.4.2")));
        checkFinishedOnce(run);
        QCOMPARE(run.result.outcome, Outcome::Failed);
        QVERIFY(!run.result.changed);
        QVERIFY(run.changes.isEmpty());
        // Flightdeck sends a dispatch once; Qt itself re-sends a request once when the connection closes
        // before any answer, so a dropped connection may see it twice.
        QVERIFY(server.requestCount() >= 1);
        QVERIFY(server.requestCount() == 1 || QByteArray(QTest::currentDataTag()) == "dropped connection");
        QVERIFY(server.requestCount() <= 2);
        for (const RecordedRequest& r : server.requests()) {
            QCOMPARE(r.path, Workflow + QStringLiteral("/dispatches"));
            QCOMPARE(bodyOf(r), dispatchBody(QStringLiteral("1.4.2")));
            checkHeaders(r);
        }
        QVERIFY2(run.result.message.contains(inMessage), qPrintable(run.result.message));
        QVERIFY2(run.result.message.contains(QLatin1String("dispatch the workflow deploy.yml (deploy 1.4.2)")),
            qPrintable(run.result.message));
        QVERIFY2(run.result.hint.contains(inHint, Qt::CaseInsensitive), qPrintable(run.result.hint));
        QCOMPARE(run.steps, (QStringList { QStringLiteral("dispatch=running"), QStringLiteral("dispatch=failed") }));
        checkNoSecret(run);
    }

    void status_wrongRepository_namesTheSetting()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", Deployments).reply(404, basicError(QStringLiteral("Not Found"), QStringLiteral("404")));
        GitHubActionsBackend backend(context());
        const JobRun run = runJob(backend, requestFor(Action::Status, targetFor(server)));
        checkFinishedOnce(run);
        QCOMPARE(run.result.outcome, Outcome::Failed);
        QVERIFY(!run.result.changed);
        QCOMPARE(server.requestCount(), 1); // a 404 is not retried
        QVERIFY2(run.result.message.contains(QLatin1String("list the deployments to production of octo-org/octo-repo")),
            qPrintable(run.result.message));
        QVERIFY(run.result.hint.contains(QLatin1String("settings repository")));
    }

    void misconfigured_failsWithoutARequest()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        GitHubActionsBackend backend(context());

        DeployTarget noRepo = targetFor(server);
        noRepo.settings.remove(QStringLiteral("repository"));
        JobRun run = runJob(backend, requestFor(Action::Status, noRepo));
        checkFinishedOnce(run);
        QCOMPARE(run.result.outcome, Outcome::Failed);
        QVERIFY(run.result.hint.contains(QLatin1String("setting repository")));

        DeployTarget badRepo = targetFor(server, { { QStringLiteral("repository"), QStringLiteral("just-a-name") } });
        run = runJob(backend, requestFor(Action::Status, badRepo));
        QCOMPARE(run.result.outcome, Outcome::Failed);
        QVERIFY(run.result.message.contains(QLatin1String("not owner/repo")));

        DeployTarget noWorkflow = targetFor(server);
        noWorkflow.settings.remove(QStringLiteral("workflow"));
        run = runJob(backend, requestFor(Action::Deploy, noWorkflow, QStringLiteral("1.4.2")));
        QCOMPARE(run.result.outcome, Outcome::Failed);
        QVERIFY(run.result.hint.contains(QLatin1String("setting workflow")));

        DeployTarget noToken = targetFor(server);
        noToken.secret.clear();
        run = runJob(backend, requestFor(Action::Deploy, noToken, QStringLiteral("1.4.2")));
        QCOMPARE(run.result.outcome, Outcome::Failed);
        QVERIFY(run.result.hint.contains(QStringLiteral("Settings → Credentials")));

        run = runJob(backend, requestFor(Action::Deploy, targetFor(server)));
        QCOMPARE(run.result.outcome, Outcome::Failed);
        QVERIFY(run.result.message.contains(QLatin1String("No version")));

        run = runJob(backend, requestFor(Action::Versions, targetFor(server)));
        QCOMPARE(run.result.outcome, Outcome::Failed);
        QVERIFY2(run.result.message.contains(QLatin1String("cannot versions")), qPrintable(run.result.message));

        QCOMPARE(server.requestCount(), 0);
    }
};

QTEST_GUILESS_MAIN(tst_GitHubActionsBackend)
#include "tst_githubactionsbackend.moc"
