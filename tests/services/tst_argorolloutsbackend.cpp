// SPDX-License-Identifier: Apache-2.0
// The Argo Rollouts backend against a loopback server replaying the official Rollout, ReplicaSet and
// AnalysisRun objects (tests/data/fixtures/argo-rollouts, see its README). Every action must send the
// request the kubectl-argo-rollouts plugin sends, byte for byte, to the resource it uses (the status
// subresource first, with the plugin's fallback); status must compute phase, step, weight and
// analysis as the plugin does; deploy, rollback and retry follow the rollout to Healthy, a pause that
// waits for a person, or Degraded.
#include "deploy/argorolloutsbackend.h"
#include "net/httpclient.h"
#include "replayserver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QTest>

using namespace Flightdeck;
using namespace Flightdeck::Deploy;
using Flightdeck::Test::RecordedRequest;
using Flightdeck::Test::ReplayResponse;
using Flightdeck::Test::ReplayServer;

namespace {

const QString kToken = QStringLiteral("argo-test-token-5d1e77");

QJsonObject fixture(const QString& name)
{
    return QJsonDocument::fromJson(ReplayServer::readFixture(QStringLiteral("argo-rollouts/") + name)).object();
}

QByteArray compact(const QJsonObject& o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QJsonObject child(const QJsonObject& o, const char* key)
{
    return o.value(QLatin1String(key)).toObject();
}

// Sets o[path…] = value (Undefined removes it), creating objects on the way.
QJsonObject with(QJsonObject o, const QStringList& path, const QJsonValue& value)
{
    if (path.size() == 1) {
        if (value.isUndefined())
            o.remove(path.first());
        else
            o.insert(path.first(), value);
        return o;
    }
    o.insert(path.first(), with(o.value(path.first()).toObject(), path.mid(1), value));
    return o;
}

QJsonObject withStatus(QJsonObject ro, const QString& key, const QJsonValue& value)
{
    return with(std::move(ro), { QStringLiteral("status"), key }, value);
}

QJsonObject withImage(QJsonObject workload, const QString& image)
{
    QJsonArray containers
        = child(child(child(workload, "spec"), "template"), "spec").value(QLatin1String("containers")).toArray();
    QJsonObject c = containers.at(0).toObject();
    c.insert(QStringLiteral("image"), image);
    containers.replace(0, c);
    return with(workload,
        { QStringLiteral("spec"), QStringLiteral("template"), QStringLiteral("spec"), QStringLiteral("containers") },
        containers);
}

QJsonObject withGeneration(QJsonObject ro, qint64 generation, const QString& observed)
{
    ro = with(ro, { QStringLiteral("metadata"), QStringLiteral("generation") }, generation);
    return withStatus(ro, QStringLiteral("observedGeneration"), observed);
}

// A Rollout the controller has finished: phase Healthy, all steps done, the current pod hash stable,
// no pause or abort left.
QJsonObject healthy(QJsonObject ro)
{
    const QJsonObject st = child(ro, "status");
    ro = withStatus(ro, QStringLiteral("phase"), QStringLiteral("Healthy"));
    ro = withStatus(ro, QStringLiteral("message"), QString());
    ro = withStatus(ro, QStringLiteral("stableRS"), st.value(QLatin1String("currentPodHash")));
    ro = withStatus(ro, QStringLiteral("currentStepIndex"),
        child(child(child(ro, "spec"), "strategy"), "canary").value(QLatin1String("steps")).toArray().size());
    ro = withStatus(ro, QStringLiteral("pauseConditions"), QJsonValue(QJsonValue::Undefined));
    ro = withStatus(ro, QStringLiteral("controllerPause"), QJsonValue(QJsonValue::Undefined));
    return withStatus(ro, QStringLiteral("abort"), QJsonValue(QJsonValue::Undefined));
}

// An AnalysisRun fixture as the controller labels and owns it for a Rollout.
QJsonObject ownedRun(QJsonObject run, const QString& rollout, const QString& hash)
{
    run = with(run,
        { QStringLiteral("metadata"), QStringLiteral("labels"), QStringLiteral("rollouts-pod-template-hash") }, hash);
    return with(run, { QStringLiteral("metadata"), QStringLiteral("ownerReferences") },
        QJsonArray { QJsonObject { { QStringLiteral("apiVersion"), QStringLiteral("argoproj.io/v1alpha1") },
            { QStringLiteral("kind"), QStringLiteral("Rollout") }, { QStringLiteral("name"), rollout },
            { QStringLiteral("controller"), true } } });
}

QByteArray list(const QString& kind, const QJsonArray& items)
{
    return compact(QJsonObject { { QStringLiteral("kind"), kind },
        { QStringLiteral("apiVersion"),
            kind == QLatin1String("ReplicaSetList") ? QStringLiteral("apps/v1")
                                                    : QStringLiteral("argoproj.io/v1alpha1") },
        { QStringLiteral("metadata"), QJsonObject { { QStringLiteral("resourceVersion"), QStringLiteral("878000") } } },
        { QStringLiteral("items"), items } });
}

QByteArray statusBody(int code, const QString& reason, const QString& message, const QJsonObject& details = {})
{
    // The shape of fixtures/kubernetes/status-404-notfound.json with another code, reason and message.
    QJsonObject o
        = QJsonDocument::fromJson(ReplayServer::readFixture(QStringLiteral("kubernetes/status-404-notfound.json")))
              .object();
    o.insert(QStringLiteral("code"), code);
    o.insert(QStringLiteral("reason"), reason);
    o.insert(QStringLiteral("message"), message);
    o.insert(QStringLiteral("details"), details);
    return compact(o);
}

// What the API server says to a PATCH of a subresource the CRD does not declare.
QByteArray noSubresource()
{
    return statusBody(
        404, QStringLiteral("NotFound"), QStringLiteral("the server could not find the requested resource"));
}

QString rolloutPath(const QString& ns, const QString& name)
{
    return QStringLiteral("/apis/argoproj.io/v1alpha1/namespaces/%1/rollouts/%2").arg(ns, name);
}

QString analysisRunsPath(const QString& ns)
{
    return QStringLiteral("/apis/argoproj.io/v1alpha1/namespaces/%1/analysisruns").arg(ns);
}

const QString kDemo = rolloutPath(QStringLiteral("rollouts-demo"), QStringLiteral("rollouts-demo"));
const QString kAborted = rolloutPath(QStringLiteral("default"), QStringLiteral("rollout-background-analysis"));

struct JobRun
{
    DeployResult result;
    QStringList logs;
    QStringList steps;
    QStringList changes;
    int finishedCount = 0;
};

// "PATCH /path application/merge-patch+json {…}" for comparing request sequences.
QString line(const RecordedRequest& r)
{
    return QStringLiteral("%1 %2 %3 %4")
        .arg(QString::fromLatin1(r.method), r.path, QString::fromLatin1(r.header("Content-Type")),
            QString::fromUtf8(r.body));
}

} // namespace

class tst_ArgoRolloutsBackend : public QObject
{
    Q_OBJECT

private:
    Net::HttpClient m_http;

    DeployTarget target(const ReplayServer& server, const QString& rollout = QStringLiteral("rollouts-demo"),
        const QString& ns = QStringLiteral("rollouts-demo")) const
    {
        DeployTarget t;
        t.service = QStringLiteral("demo");
        t.environment = QStringLiteral("production");
        t.secret = kToken;
        t.settings = { { QStringLiteral("url"), server.baseUrl().toString() }, { QStringLiteral("rollout"), rollout },
            { QStringLiteral("namespace"), ns }, { QStringLiteral("pollIntervalMs"), QStringLiteral("20") },
            { QStringLiteral("requestTimeoutMs"), QStringLiteral("5000") },
            { QStringLiteral("timeoutSeconds"), QStringLiteral("20") } };
        return t;
    }

    static DeployRequest request(Action action, const DeployTarget& t, const QString& version = {})
    {
        DeployRequest r;
        r.action = action;
        r.target = t;
        r.version = version;
        return r;
    }

    JobRun run(const DeployRequest& r)
    {
        ArgoRolloutsBackend backend(BackendContext { &m_http, {}, QStringLiteral("rollouts") });
        JobRun out;
        QPointer<DeployJob> job = backend.start(r);
        if (!job)
            return out;
        connect(job, &DeployJob::log, this, [&out](const QString& l) { out.logs << l; });
        connect(job, &DeployJob::step, this,
            [&out](const QString& name, const QString& state) { out.steps << name + QLatin1Char(':') + state; });
        connect(job, &DeployJob::changed, this, [&out](const QString& reference) { out.changes << reference; });
        connect(job, &DeployJob::finished, this, [&out](const DeployResult& result) {
            out.result = result;
            ++out.finishedCount;
        });
        if (!QTest::qWaitFor([&] { return out.finishedCount > 0 || !job; }, 30000))
            qWarning("the job did not finish within 30 s");
        QTest::qWait(30); // a second finished() would arrive here
        return out;
    }

    static void verifyAuth(const ReplayServer& server)
    {
        for (const RecordedRequest& r : server.requests()) {
            QCOMPARE(r.header("Authorization"), QByteArray("Bearer " + kToken.toUtf8()));
            QCOMPARE(r.header("Accept"), QByteArray("application/json"));
        }
    }

    static QStringList changes(const ReplayServer& server)
    {
        QStringList lines;
        for (const RecordedRequest& r : server.requests())
            if (r.method != "GET")
                lines << line(r);
        return lines;
    }

    static void verifyNoSecret(const JobRun& out)
    {
        QVERIFY(!out.result.message.contains(kToken));
        QVERIFY(!out.result.hint.contains(kToken));
        for (const QString& l : out.logs)
            QVERIFY(!l.contains(kToken));
    }

private Q_SLOTS:
    void initTestCase() { qRegisterMetaType<Flightdeck::Deploy::DeployResult>(); }

    void typeAndCapabilities()
    {
        ArgoRolloutsBackend backend(BackendContext { &m_http, {}, QStringLiteral("rollouts") });
        QCOMPARE(backend.type(), QStringLiteral("argo-rollouts"));
        QCOMPARE(capabilityNames(backend.capabilities()),
            QStringList({ QStringLiteral("deploy"), QStringLiteral("rollback"), QStringLiteral("promote"),
                QStringLiteral("promote-full"), QStringLiteral("abort"), QStringLiteral("pause-resume"),
                QStringLiteral("retry"), QStringLiteral("status"), QStringLiteral("history"),
                QStringLiteral("live-progress") }));
        QVERIFY(!backend.can(Capability::Versions));
    }

    void status_ofTheFixtures_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QByteArray>("analysisRuns");
        QTest::addColumn<QString>("phase");
        QTest::addColumn<QString>("health");
        QTest::addColumn<QString>("message");
        QTest::addColumn<int>("step");
        QTest::addColumn<int>("steps");
        QTest::addColumn<int>("weight");
        QTest::addColumn<QString>("version");
        QTest::addColumn<QStringList>("analysis");
        QTest::addColumn<QString>("hash");

        // canary-demo's runs, owned and labelled for its current pod hash; the error run is not owned
        // (as in its fixture) and must be left out.
        const QByteArray canaryRuns = list(QStringLiteral("AnalysisRunList"),
            { ownedRun(fixture(QStringLiteral("analysisrun-successful.json")), QStringLiteral("canary-demo"),
                  QStringLiteral("65fb5ffc84")),
                ownedRun(fixture(QStringLiteral("analysisrun-running.json")), QStringLiteral("canary-demo"),
                    QStringLiteral("65fb5ffc84")),
                fixture(QStringLiteral("analysisrun-error.json")) });
        const QByteArray none = list(QStringLiteral("AnalysisRunList"), {});
        QTest::addRow("canary")
            << "rollout-canary-progressing.json" << canaryRuns << "Degraded"
            << "Degraded"
            << "ProgressDeadlineExceeded: ReplicaSet \"canary-demo-65fb5ffc84\" has timed out progressing." << 0 << 8
            << 20 << "does-not-exist"
            << QStringList { QStringLiteral("canary-demo-analysis-template-6c6bb7cf6f-zvcmx: Successful"),
                   QStringLiteral("canary-demo-analysis-template-6c6bb7cf6f-5bpxj: Running") }
            << "65fb5ffc84";
        QTest::addRow("blue-green paused")
            << "rollout-bluegreen-paused.json" << none << "Paused"
            << "Suspended"
            << "BlueGreenPause" << -1 << 0 << -1 << "green" << QStringList() << "74b948fccb";
        QTest::addRow("aborted")
            << "rollout-aborted-canary.json"
            << list(QStringLiteral("AnalysisRunList"), { fixture(QStringLiteral("analysisrun-failed.json")) })
            << "Degraded"
            << "Degraded"
            << "RolloutAborted: metric \"web\" assessed Failed due to failed (1) > failureLimit (0)" << 0 << 2 << 0
            << "yellow" << QStringList { QStringLiteral("rollout-background-analysis-db976bc44-2: Failed") }
            << "db976bc44";
        QTest::addRow("degraded timeout")
            << "rollout-degraded-timeout.json" << none << "Degraded"
            << "Degraded"
            << "ProgressDeadlineExceeded: ReplicaSet \"guestbook-bluegreen-helm-guestbook-6b8cf6f7db\" has timed out "
               "progressing."
            << -1 << 0 << -1 << "0.3" << QStringList() << "6b8cf6f7db";
        QTest::addRow("phase degraded") << "rollout-phase-degraded.json" << none << "Degraded"
                                        << "Degraded"
                                        << "InvalidSpec" << 2 << 2 << 100 << "1.19-alpine" << QStringList()
                                        << "754cb84d5";
        QTest::addRow("phase healthy") << "rollout-phase-healthy.json" << none << "Healthy"
                                       << "Healthy"
                                       << "" << 2 << 2 << 100 << "0.1" << QStringList() << "75bbd56864";
        QTest::addRow("phase paused") << "rollout-phase-paused.json" << none << "Paused"
                                      << "Suspended"
                                      << "CanaryPauseStep" << 1 << 8 << 21 << "yellow" << QStringList() << "8566c77b97";
    }

    void status_ofTheFixtures()
    {
        QFETCH(QString, file);
        QFETCH(QByteArray, analysisRuns);
        QFETCH(QString, phase);
        QFETCH(QString, health);
        QFETCH(QString, message);
        QFETCH(int, step);
        QFETCH(int, steps);
        QFETCH(int, weight);
        QFETCH(QString, version);
        QFETCH(QStringList, analysis);
        QFETCH(QString, hash);
        const QJsonObject ro = fixture(file);
        const QString name = child(ro, "metadata").value(QLatin1String("name")).toString();
        const QString ns = child(ro, "metadata").value(QLatin1String("namespace")).toString();
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", rolloutPath(ns, name)).reply(ReplayResponse::fixture(QStringLiteral("argo-rollouts/") + file));
        server.on("GET", analysisRunsPath(ns))
            .withQuery(QStringLiteral("labelSelector"), QStringLiteral("rollouts-pod-template-hash=") + hash)
            .withExactQuery()
            .reply(200, analysisRuns);
        const QString workload = QStringLiteral("/apis/apps/v1/namespaces/default/deployments/rollout-ref-deployment");
        if (child(ro, "spec").contains(QLatin1String("workloadRef"))) {
            // The Deployment a workloadRef Rollout takes its pod template from: deployment-complete.json
            // under the name the Rollout refers to.
            QJsonObject d = QJsonDocument::fromJson(
                ReplayServer::readFixture(QStringLiteral("kubernetes/deployment-complete.json")))
                                .object();
            d = with(
                d, { QStringLiteral("metadata"), QStringLiteral("name") }, QStringLiteral("rollout-ref-deployment"));
            server.on("GET", workload).reply(200, compact(d));
        }

        const JobRun out = run(request(Action::Status, target(server, name, ns)));
        QCOMPARE(out.finishedCount, 1);
        QVERIFY2(out.result.ok(), qPrintable(out.result.message + QLatin1Char('\n') + out.result.hint));
        QCOMPARE(out.result.changed, false);
        const DeploymentState& s = out.result.state;
        QCOMPARE(s.status, phase);
        QCOMPARE(s.health, health);
        QCOMPARE(s.message, message);
        QCOMPARE(s.step, step);
        QCOMPARE(s.steps, steps);
        QCOMPARE(s.canaryWeight, weight);
        QCOMPARE(s.version, version);
        QCOMPARE(s.analysis, analysis);
        QCOMPARE(s.revision,
            child(child(ro, "metadata"), "annotations")
                .value(QLatin1String("rollout.argoproj.io/revision"))
                .toString());
        QCOMPARE(s.resources.value(0), QStringLiteral("Rollout/%1: %2").arg(name, health));
        QCOMPARE(server.requests("GET", analysisRunsPath(ns)).size(), 1);
        for (const RecordedRequest& r : server.requests())
            QCOMPARE(r.method, QByteArray("GET"));
        verifyAuth(server);
        QVERIFY2(server.problems().isEmpty(), qPrintable(server.problems().join(QLatin1Char('\n'))));
    }

    void status_withoutAccessToAnalysisRuns_usesTheRolloutsOwnRecord()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", kAborted)
            .reply(ReplayResponse::fixture(QStringLiteral("argo-rollouts/rollout-aborted-canary.json")));
        server.on("GET", analysisRunsPath(QStringLiteral("default")))
            .reply(403,
                statusBody(403, QStringLiteral("Forbidden"),
                    QStringLiteral("analysisruns.argoproj.io is forbidden: User \"system:serviceaccount:ci:deployer\" "
                                   "cannot list resource \"analysisruns\"")));
        const JobRun out = run(request(
            Action::Status, target(server, QStringLiteral("rollout-background-analysis"), QStringLiteral("default"))));
        QVERIFY2(out.result.ok(), qPrintable(out.result.message));
        QCOMPARE(out.result.state.analysis,
            QStringList { QStringLiteral("rollout-background-analysis-db976bc44-2: Failed") });
        QVERIFY2(out.logs.join(QLatin1Char('\n'))
                     .contains(QStringLiteral("HTTP 403 Forbidden: analysisruns.argoproj.io is forbidden")),
            qPrintable(out.logs.join(QLatin1Char('\n'))));
    }

    void promote_sendsThePluginsPatches_data()
    {
        QTest::addColumn<QByteArray>("rollout");
        QTest::addColumn<bool>("full");
        QTest::addColumn<bool>("statusSubresource");
        QTest::addColumn<QStringList>("expected");
        const QByteArray paused = ReplayServer::readFixture(QStringLiteral("argo-rollouts/rollout-phase-paused.json"));
        const QJsonObject pausedObject = fixture(QStringLiteral("rollout-phase-paused.json"));
        // rollout-phase-paused.json also paused by hand (spec.paused).
        const QByteArray manual
            = compact(with(pausedObject, { QStringLiteral("spec"), QStringLiteral("paused") }, true));
        // rollout-phase-paused.json paused by an inconclusive analysis of its step.
        QJsonObject inconclusive = withStatus(pausedObject, QStringLiteral("pauseConditions"),
            QJsonArray { QJsonObject { { QStringLiteral("reason"), QStringLiteral("InconclusiveAnalysisRun") },
                { QStringLiteral("startTime"), QStringLiteral("2021-07-15T21:08:55Z") } } });
        inconclusive = withStatus(inconclusive, QStringLiteral("canary"),
            QJsonObject { { QStringLiteral("currentStepAnalysisRunStatus"),
                QJsonObject { { QStringLiteral("name"), QStringLiteral("rollouts-demo-8566c77b97-2-1") },
                    { QStringLiteral("status"), QStringLiteral("Inconclusive") } } } });
        const QString main = kDemo;
        const QString status = kDemo + QStringLiteral("/status");
        const QString canaryMain = rolloutPath(QStringLiteral("jesse-test"), QStringLiteral("canary-demo"));
        const QString merge = QStringLiteral(" application/merge-patch+json ");
        const auto patch = [&merge](const QString& path, const char* body) -> QString {
            return QStringLiteral("PATCH ") + path + merge + QString::fromLatin1(body);
        };

        QTest::addRow("pause step") << paused << false << true
                                    << QStringList { patch(status, R"({"status":{"pauseConditions":null}})") };
        QTest::addRow("blue-green pause")
            << ReplayServer::readFixture(QStringLiteral("argo-rollouts/rollout-bluegreen-paused.json")) << false << true
            << QStringList { patch(rolloutPath(QStringLiteral("jesse-test"), QStringLiteral("bluegreen-demo"))
                       + QStringLiteral("/status"),
                   R"({"status":{"pauseConditions":null}})") };
        QTest::addRow("canary between steps")
            << ReplayServer::readFixture(QStringLiteral("argo-rollouts/rollout-canary-progressing.json")) << false
            << true
            << QStringList { patch(canaryMain + QStringLiteral("/status"),
                   R"({"status":{"pauseConditions":null, "currentStepIndex":1}})") };
        QTest::addRow("paused by hand") << manual << false << true
                                        << QStringList { patch(status, R"({"status":{"pauseConditions":null}})"),
                                               patch(main, R"({"spec":{"paused":false}})") };
        QTest::addRow("inconclusive analysis")
            << compact(inconclusive) << false << true
            << QStringList { patch(
                   status, R"({"status":{"pauseConditions":null, "controllerPause":false, "currentStepIndex":2}})") };
        QTest::addRow("no status subresource")
            << paused << false << false
            << QStringList { patch(status, R"({"status":{"pauseConditions":null}})"),
                   patch(main, R"({"spec":{"paused":false},"status":{"pauseConditions":null}})") };
        QTest::addRow("no status subresource, canary")
            << ReplayServer::readFixture(QStringLiteral("argo-rollouts/rollout-canary-progressing.json")) << false
            << false
            << QStringList { patch(canaryMain + QStringLiteral("/status"),
                                 R"({"status":{"pauseConditions":null, "currentStepIndex":1}})"),
                   patch(canaryMain,
                       R"({"spec":{"paused":false},"status":{"pauseConditions":null, "currentStepIndex":1}})") };
        QTest::addRow("full") << paused << true << true
                              << QStringList { patch(status, R"({"status":{"promoteFull":true}})") };
        QTest::addRow("full, paused by hand") << manual << true << true
                                              << QStringList { patch(status, R"({"status":{"promoteFull":true}})"),
                                                     patch(main, R"({"spec":{"paused":false}})") };
        QTest::addRow("full, no status subresource")
            << paused << true << false
            << QStringList { patch(status, R"({"status":{"promoteFull":true}})"),
                   patch(main, R"({"spec":{"paused":false},"status":{"promoteFull":true}})") };
        QTest::addRow("full, already promoted")
            << ReplayServer::readFixture(QStringLiteral("argo-rollouts/rollout-phase-healthy.json")) << true << true
            << QStringList();
    }

    void promote_sendsThePluginsPatches()
    {
        QFETCH(QByteArray, rollout);
        QFETCH(bool, full);
        QFETCH(bool, statusSubresource);
        QFETCH(QStringList, expected);
        const QJsonObject ro = QJsonDocument::fromJson(rollout).object();
        const QString name = child(ro, "metadata").value(QLatin1String("name")).toString();
        const QString ns = child(ro, "metadata").value(QLatin1String("namespace")).toString();
        const QString path = rolloutPath(ns, name);
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", path).reply(200, rollout);
        server.on("PATCH", path + QStringLiteral("/status"))
            .reply(statusSubresource ? ReplayResponse::json(200, rollout) : ReplayResponse::json(404, noSubresource()));
        server.on("PATCH", path).reply(200, rollout);
        const JobRun out = run(request(full ? Action::PromoteFull : Action::Promote, target(server, name, ns)));
        QCOMPARE(out.finishedCount, 1);
        QVERIFY2(out.result.ok(), qPrintable(out.result.message + QLatin1Char('\n') + out.result.hint));
        QCOMPARE(changes(server), expected);
        QCOMPARE(out.result.changed, !expected.isEmpty());
        QCOMPARE(out.changes.size(), expected.isEmpty() ? 0 : 1);
        if (expected.isEmpty())
            QVERIFY2(out.result.message.contains(QStringLiteral("nothing to promote")), qPrintable(out.result.message));
        else
            QCOMPARE(out.result.message,
                full ? QStringLiteral("rollout '%1' fully promoted").arg(name)
                     : QStringLiteral("rollout '%1' promoted").arg(name));
        verifyAuth(server);
    }

    void abortPauseResume_sendThePluginsPatches_data()
    {
        QTest::addColumn<int>("action");
        QTest::addColumn<bool>("statusSubresource");
        QTest::addColumn<QStringList>("expected");
        QTest::addColumn<QString>("message");
        const QString merge = QStringLiteral(" application/merge-patch+json ");
        const QString status = QStringLiteral("PATCH ") + kDemo + QStringLiteral("/status") + merge;
        const QString main = QStringLiteral("PATCH ") + kDemo + merge;
        QTest::addRow("abort") << int(Action::Abort) << true
                               << QStringList { status + QStringLiteral(R"({"status":{"abort":true}})") }
                               << "rollout 'rollouts-demo' aborted";
        QTest::addRow("abort, no status subresource")
            << int(Action::Abort) << false
            << QStringList { status + QStringLiteral(R"({"status":{"abort":true}})"),
                   main + QStringLiteral(R"({"status":{"abort":true}})") }
            << "rollout 'rollouts-demo' aborted";
        QTest::addRow("pause") << int(Action::Pause) << true
                               << QStringList { main + QStringLiteral(R"({"spec":{"paused":true}})") }
                               << "rollout 'rollouts-demo' paused";
        QTest::addRow("resume") << int(Action::Resume) << true
                                << QStringList { main + QStringLiteral(R"({"spec":{"paused":false}})") }
                                << "rollout 'rollouts-demo' resumed";
    }

    void abortPauseResume_sendThePluginsPatches()
    {
        QFETCH(int, action);
        QFETCH(bool, statusSubresource);
        QFETCH(QStringList, expected);
        QFETCH(QString, message);
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("PATCH", kDemo + QStringLiteral("/status"))
            .reply(statusSubresource
                    ? ReplayResponse::fixture(QStringLiteral("argo-rollouts/rollout-phase-paused.json"))
                    : ReplayResponse::json(404, noSubresource()));
        server.on("PATCH", kDemo)
            .reply(ReplayResponse::fixture(QStringLiteral("argo-rollouts/rollout-phase-paused.json")));
        const JobRun out = run(request(Action(action), target(server)));
        QCOMPARE(out.finishedCount, 1);
        QVERIFY2(out.result.ok(), qPrintable(out.result.message + QLatin1Char('\n') + out.result.hint));
        QCOMPARE(out.result.message, message);
        QCOMPARE(out.result.changed, true);
        QCOMPARE(out.changes, QStringList { QStringLiteral("rollouts-demo/rollouts/rollouts-demo generation 5") });
        QCOMPARE(changes(server), expected);
        QCOMPARE(server.requests("GET", kDemo).size(), 0); // the plugin patches without reading first
        QCOMPARE(out.result.state.status, QStringLiteral("Paused"));
        verifyAuth(server);
    }

    void retry_followsTheRolloutUntilHealthy()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        const QJsonObject aborted = fixture(QStringLiteral("rollout-aborted-canary.json"));
        // After the retry: no abort, the controller restarted the steps; then all steps are done.
        QJsonObject restarted = withStatus(aborted, QStringLiteral("abort"), QJsonValue(QJsonValue::Undefined));
        restarted = withStatus(restarted, QStringLiteral("phase"), QStringLiteral("Progressing"));
        restarted
            = withStatus(restarted, QStringLiteral("message"), QStringLiteral("more replicas need to be updated"));
        server.on("PATCH", kAborted + QStringLiteral("/status")).reply(200, compact(restarted));
        server.on("GET", kAborted).reply(200, compact(restarted)).reply(200, compact(healthy(aborted)));
        server.on("GET", analysisRunsPath(QStringLiteral("default")))
            .withQuery(QStringLiteral("labelSelector"), QStringLiteral("rollouts-pod-template-hash=db976bc44"))
            .reply(200, list(QStringLiteral("AnalysisRunList"), {}));
        const JobRun out = run(request(
            Action::Retry, target(server, QStringLiteral("rollout-background-analysis"), QStringLiteral("default"))));
        QCOMPARE(out.finishedCount, 1);
        QVERIFY2(out.result.ok(), qPrintable(out.result.message + QLatin1Char('\n') + out.result.hint));
        QCOMPARE(out.result.changed, true);
        QCOMPARE(out.result.message,
            QStringLiteral(
                "Rollout \"rollout-background-analysis\" in namespace \"default\" is Healthy (version yellow)."));
        QCOMPARE(changes(server),
            QStringList { QStringLiteral("PATCH ") + kAborted
                + QStringLiteral(R"(/status application/merge-patch+json {"status":{"abort":false}})") });
        const QStringList expectedLogs {
            QStringLiteral("rollout 'rollout-background-analysis' retried"),
            QStringLiteral("step 0/2: setWeight: 10"),
            QStringLiteral("Progressing - more replicas need to be updated (step 0/2, weight 10%, analysis "
                           "rollout-background-analysis-db976bc44-2: Failed)"),
            QStringLiteral("step 2/2: all steps done"),
            QStringLiteral("Healthy (step 2/2, weight 100%, analysis rollout-background-analysis-db976bc44-2: Failed)"),
        };
        QCOMPARE(out.logs, expectedLogs);
        QCOMPARE(out.steps,
            QStringList({ QStringLiteral("Retry:running"), QStringLiteral("Retry:succeeded"),
                QStringLiteral("Roll out:running"), QStringLiteral("Roll out:succeeded") }));
        verifyAuth(server);
        QVERIFY2(server.problems().isEmpty(), qPrintable(server.problems().join(QLatin1Char('\n'))));
    }

    void retry_abortedAgain_failsWithTheRolloutsMessage()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("PATCH", kAborted + QStringLiteral("/status"))
            .reply(ReplayResponse::fixture(QStringLiteral("argo-rollouts/rollout-aborted-canary.json")));
        server.on("GET", kAborted)
            .reply(ReplayResponse::fixture(QStringLiteral("argo-rollouts/rollout-aborted-canary.json")));
        server.on("GET", analysisRunsPath(QStringLiteral("default")))
            .reply(
                200, list(QStringLiteral("AnalysisRunList"), { fixture(QStringLiteral("analysisrun-failed.json")) }));
        const JobRun out = run(request(
            Action::Retry, target(server, QStringLiteral("rollout-background-analysis"), QStringLiteral("default"))));
        QCOMPARE(out.result.outcome, Deploy::Outcome::Failed);
        QCOMPARE(out.result.changed, true);
        QCOMPARE(out.result.message,
            QStringLiteral("Rollout \"rollout-background-analysis\" in namespace \"default\" is Degraded (aborted): "
                           "RolloutAborted: metric \"web\" assessed Failed due to failed (1) > failureLimit (0)"));
        QVERIFY(out.result.hint.contains(QStringLiteral("roll back")));
        QCOMPARE(out.result.state.analysis,
            QStringList { QStringLiteral("rollout-background-analysis-db976bc44-2: Failed") });
        QVERIFY(out.logs.contains(QStringLiteral("analysis rollout-background-analysis-db976bc44-2: Failed (metric "
                                                 "\"web\" assessed Failed due to failed (1) > failureLimit (0))")));
        QVERIFY(out.steps.contains(QStringLiteral("Roll out:failed")));
    }

    void deploy_setsTheImageAndFollowsToAPauseStep()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        const QJsonObject paused = fixture(QStringLiteral("rollout-phase-paused.json"));
        const QJsonObject updated
            = withGeneration(withImage(paused, QStringLiteral("argoproj/rollouts-demo:blue")), 6, QStringLiteral("5"));
        // The controller observed generation 6 and restarted at step 0, then paused at step 1 again.
        QJsonObject stepZero = withGeneration(updated, 6, QStringLiteral("6"));
        stepZero = withStatus(stepZero, QStringLiteral("phase"), QStringLiteral("Progressing"));
        stepZero = withStatus(stepZero, QStringLiteral("message"), QStringLiteral("more replicas need to be updated"));
        stepZero = withStatus(stepZero, QStringLiteral("currentStepIndex"), 0);
        stepZero = withStatus(stepZero, QStringLiteral("pauseConditions"), QJsonValue(QJsonValue::Undefined));
        stepZero = withStatus(stepZero, QStringLiteral("controllerPause"), QJsonValue(QJsonValue::Undefined));
        const QJsonObject pausedAgain = withGeneration(updated, 6, QStringLiteral("6"));
        server.on("GET", kDemo)
            .reply(ReplayResponse::fixture(QStringLiteral("argo-rollouts/rollout-phase-paused.json")))
            .reply(200, compact(updated))
            .reply(200, compact(stepZero))
            .reply(200, compact(pausedAgain));
        server.on("PUT", kDemo).reply(200, compact(updated));
        server.on("GET", analysisRunsPath(QStringLiteral("rollouts-demo")))
            .withQuery(QStringLiteral("labelSelector"), QStringLiteral("rollouts-pod-template-hash=8566c77b97"))
            .reply(200, list(QStringLiteral("AnalysisRunList"), {}));

        const JobRun out = run(request(Action::Deploy, target(server), QStringLiteral("blue")));
        QCOMPARE(out.finishedCount, 1);
        QVERIFY2(out.result.ok(), qPrintable(out.result.message + QLatin1Char('\n') + out.result.hint));
        QCOMPARE(out.result.changed, true);
        QCOMPARE(out.result.message,
            QStringLiteral(
                "Rollout \"rollouts-demo\" in namespace \"rollouts-demo\" paused at step 1/8 (CanaryPauseStep), "
                "waiting for promotion."));
        QCOMPARE(out.result.version, QStringLiteral("blue"));
        QCOMPARE(out.result.state.health, QStringLiteral("Suspended"));
        QCOMPARE(out.changes, QStringList { QStringLiteral("rollouts-demo/rollouts/rollouts-demo generation 6") });

        // set image: the object read, with the container's image replaced, PUT back.
        const QList<RecordedRequest> puts = server.requests("PUT", kDemo);
        QCOMPARE(puts.size(), 1);
        QCOMPARE(puts.at(0).header("Content-Type"), QByteArray("application/json"));
        QCOMPARE(QJsonDocument::fromJson(puts.at(0).body).object(),
            withImage(paused, QStringLiteral("argoproj/rollouts-demo:blue")));
        QCOMPARE(server.requests("PATCH", kDemo).size(), 0);

        for (const QString& expected :
            { QStringLiteral("Setting container \"rollouts-demo\" of Rollout \"rollouts-demo\" in "
                             "namespace \"rollouts-demo\" to argoproj/rollouts-demo:blue (was "
                             "argoproj/rollouts-demo:yellow)"),
                QStringLiteral("Progressing - waiting for rollout spec update to be observed (step 1/8, weight 21%)"),
                QStringLiteral("step 0/8: setWeight: 21"),
                QStringLiteral("Progressing - more replicas need to be updated (step 0/8, weight 21%)"),
                QStringLiteral("step 1/8: pause"), QStringLiteral("Paused - CanaryPauseStep (step 1/8, weight 21%)") })
            QVERIFY2(out.logs.contains(expected),
                qPrintable(expected + QStringLiteral("\nnot in:\n") + out.logs.join(QLatin1Char('\n'))));
        verifyAuth(server);
        verifyNoSecret(out);
        QVERIFY2(server.problems().isEmpty(), qPrintable(server.problems().join(QLatin1Char('\n'))));
    }

    void deploy_waitsThroughATimedPauseUntilHealthy()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        const QJsonObject paused = fixture(QStringLiteral("rollout-phase-paused.json"));
        const QJsonObject updated
            = withGeneration(withImage(paused, QStringLiteral("argoproj/rollouts-demo:blue")), 6, QStringLiteral("6"));
        // Paused at step 3, a pause of 10 s: the controller goes on by itself.
        const QJsonObject timedPause = withStatus(updated, QStringLiteral("currentStepIndex"), 3);
        server.on("GET", kDemo)
            .reply(ReplayResponse::fixture(QStringLiteral("argo-rollouts/rollout-phase-paused.json")))
            .reply(200, compact(timedPause))
            .reply(200, compact(healthy(updated)));
        server.on("PUT", kDemo).reply(200, compact(updated));
        server.on("GET", analysisRunsPath(QStringLiteral("rollouts-demo")))
            .reply(200, list(QStringLiteral("AnalysisRunList"), {}));
        DeployTarget t = target(server);
        t.settings.insert(QStringLiteral("image"), QStringLiteral("registry.example/rollouts-demo"));
        const JobRun out = run(request(Action::Deploy, t, QStringLiteral("2.0.1")));
        QVERIFY2(out.result.ok(), qPrintable(out.result.message + QLatin1Char('\n') + out.result.hint));
        QCOMPARE(out.result.message,
            QStringLiteral("Rollout \"rollouts-demo\" in namespace \"rollouts-demo\" is Healthy (version blue)."));
        QCOMPARE(out.result.state.health, QStringLiteral("Healthy"));
        QVERIFY(out.logs.contains(QStringLiteral("step 3/8: pause: 10s")));
        QVERIFY(out.logs.contains(QStringLiteral("Paused - CanaryPauseStep (step 3/8, weight 40%)")));
        QCOMPARE(server.requests("GET", kDemo).size(), 3);
        const QList<RecordedRequest> puts = server.requests("PUT", kDemo);
        QCOMPARE(puts.size(), 1);
        QCOMPARE(QJsonDocument::fromJson(puts.at(0).body).object(),
            withImage(paused, QStringLiteral("registry.example/rollouts-demo:2.0.1")));
    }

    void deploy_degraded_failsWithTheRolloutsMessage()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        const QString path = rolloutPath(QStringLiteral("argocd-e2e"), QStringLiteral("basic"));
        // rollout-phase-degraded.json before the change: still Healthy.
        const QJsonObject before = withStatus(withStatus(fixture(QStringLiteral("rollout-phase-degraded.json")),
                                                  QStringLiteral("phase"), QStringLiteral("Healthy")),
            QStringLiteral("message"), QString());
        server.on("GET", path)
            .reply(200, compact(before))
            .reply(ReplayResponse::fixture(QStringLiteral("argo-rollouts/rollout-phase-degraded.json")));
        server.on("PUT", path)
            .reply(ReplayResponse::fixture(QStringLiteral("argo-rollouts/rollout-phase-degraded.json")));
        server.on("GET", analysisRunsPath(QStringLiteral("argocd-e2e")))
            .reply(200, list(QStringLiteral("AnalysisRunList"), {}));
        const JobRun out = run(request(Action::Deploy,
            target(server, QStringLiteral("basic"), QStringLiteral("argocd-e2e")), QStringLiteral("1.21-alpine")));
        QCOMPARE(out.result.outcome, Deploy::Outcome::Failed);
        QCOMPARE(out.result.changed, true);
        QCOMPARE(out.result.message,
            QStringLiteral("Rollout \"basic\" in namespace \"argocd-e2e\" is Degraded: InvalidSpec"));
        QCOMPARE(out.result.state.health, QStringLiteral("Degraded"));
        const QList<RecordedRequest> puts = server.requests("PUT", path);
        QCOMPARE(puts.size(), 1);
        QCOMPARE(
            QJsonDocument::fromJson(puts.at(0).body).object(), withImage(before, QStringLiteral("nginx:1.21-alpine")));
        QVERIFY(out.steps.contains(QStringLiteral("Roll out:failed")));
    }

    void deploy_conflict_readsAgainAndRetries()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        const QByteArray conflict = statusBody(409, QStringLiteral("Conflict"),
            QStringLiteral(
                "Operation cannot be fulfilled on rollouts.argoproj.io \"rollouts-demo\": the object has been "
                "modified; please apply your changes to the latest version and try again"),
            QJsonObject { { QStringLiteral("name"), QStringLiteral("rollouts-demo") },
                { QStringLiteral("group"), QStringLiteral("argoproj.io") },
                { QStringLiteral("kind"), QStringLiteral("rollouts") } });
        server.on("GET", kDemo)
            .reply(ReplayResponse::fixture(QStringLiteral("argo-rollouts/rollout-phase-paused.json")));
        server.on("PUT", kDemo)
            .reply(409, conflict)
            .reply(ReplayResponse::fixture(QStringLiteral("argo-rollouts/rollout-phase-paused.json")));
        server.on("GET", analysisRunsPath(QStringLiteral("rollouts-demo")))
            .reply(200, list(QStringLiteral("AnalysisRunList"), {}));
        JobRun out = run(request(Action::Deploy, target(server), QStringLiteral("green")));
        QVERIFY2(out.result.ok(), qPrintable(out.result.message + QLatin1Char('\n') + out.result.hint));
        QCOMPARE(out.result.changed, true);
        QCOMPARE(server.requests("PUT", kDemo).size(), 2);
        QCOMPARE(server.requests("GET", kDemo).size(), 3); // read, read again after the conflict, follow
        QVERIFY(out.logs.contains(
            QStringLiteral("Rollout \"rollouts-demo\" in namespace \"rollouts-demo\" changed meanwhile "
                           "(HTTP 409 Conflict); reading it again (attempt 2 of 5)")));

        // Five conflicts in a row: the plugin's limit; nothing changed.
        server.reset();
        server.on("GET", kDemo)
            .reply(ReplayResponse::fixture(QStringLiteral("argo-rollouts/rollout-phase-paused.json")));
        server.on("PUT", kDemo).reply(409, conflict);
        out = run(request(Action::Deploy, target(server), QStringLiteral("green")));
        QCOMPARE(out.result.outcome, Deploy::Outcome::Failed);
        QCOMPARE(out.result.changed, false);
        QVERIFY(out.changes.isEmpty());
        QVERIFY2(out.result.message.contains(QStringLiteral("HTTP 409 Conflict: Operation cannot be fulfilled on "
                                                            "rollouts.argoproj.io \"rollouts-demo\"")),
            qPrintable(out.result.message));
        QVERIFY(out.result.message.endsWith(QStringLiteral("(after 5 attempts)")));
        QVERIFY(out.result.hint.contains(QStringLiteral("Someone changed the object")));
        QCOMPARE(server.requests("PUT", kDemo).size(), 5);
    }

    void deploy_workloadRef_updatesTheDeployment()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        const QString rollout = rolloutPath(QStringLiteral("default"), QStringLiteral("rollout-ref-deployment"));
        const QString deployment
            = QStringLiteral("/apis/apps/v1/namespaces/default/deployments/rollout-ref-deployment");
        // The referenced Deployment: deployment-complete.json under the name the Rollout refers to.
        QJsonObject d
            = QJsonDocument::fromJson(ReplayServer::readFixture(QStringLiteral("kubernetes/deployment-complete.json")))
                  .object();
        d = with(d, { QStringLiteral("metadata"), QStringLiteral("name") }, QStringLiteral("rollout-ref-deployment"));
        server.on("GET", rollout)
            .reply(ReplayResponse::fixture(QStringLiteral("argo-rollouts/rollout-phase-healthy.json")));
        server.on("GET", deployment).reply(200, compact(d));
        server.on("PUT", deployment)
            .reply(200, compact(withImage(d, QStringLiteral("quay.io/argoprojlabs/argocd-e2e-container:0.2"))));
        server.on("GET", analysisRunsPath(QStringLiteral("default")))
            .reply(200, list(QStringLiteral("AnalysisRunList"), {}));
        const JobRun out = run(
            request(Action::Deploy, target(server, QStringLiteral("rollout-ref-deployment"), QStringLiteral("default")),
                QStringLiteral("0.2")));
        QVERIFY2(out.result.ok(), qPrintable(out.result.message + QLatin1Char('\n') + out.result.hint));
        QCOMPARE(
            out.changes, QStringList { QStringLiteral("default/deployments/rollout-ref-deployment generation 119") });
        const QList<RecordedRequest> puts = server.requests("PUT", deployment);
        QCOMPARE(puts.size(), 1);
        QCOMPARE(QJsonDocument::fromJson(puts.at(0).body).object(),
            withImage(d, QStringLiteral("quay.io/argoprojlabs/argocd-e2e-container:0.2")));
        QCOMPARE(server.requests("PUT", rollout).size(), 0);
        verifyAuth(server);
    }

    void undo_toThePreviousRevision_patchesTheTemplate()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        const QJsonObject aborted = fixture(QStringLiteral("rollout-aborted-canary.json"));
        const QJsonObject rev1 = fixture(QStringLiteral("replicaset-rev1-stable.json"));
        server.on("GET", kAborted)
            .reply(ReplayResponse::fixture(QStringLiteral("argo-rollouts/rollout-aborted-canary.json")))
            .reply(200, compact(healthy(aborted)));
        server.on("GET", QStringLiteral("/apis/apps/v1/namespaces/default/replicasets"))
            .withQuery(QStringLiteral("labelSelector"), QStringLiteral("app=rollout-background-analysis"))
            .withExactQuery()
            .reply(200,
                list(QStringLiteral("ReplicaSetList"),
                    { fixture(QStringLiteral("replicaset-rev2-canary-aborted.json")), rev1 }));
        server.on("PATCH", kAborted)
            .reply(ReplayResponse::fixture(QStringLiteral("argo-rollouts/rollout-aborted-canary.json")));
        server.on("GET", analysisRunsPath(QStringLiteral("default")))
            .reply(200, list(QStringLiteral("AnalysisRunList"), {}));
        const JobRun out = run(request(Action::Rollback,
            target(server, QStringLiteral("rollout-background-analysis"), QStringLiteral("default"))));
        QCOMPARE(out.finishedCount, 1);
        QVERIFY2(out.result.ok(), qPrintable(out.result.message + QLatin1Char('\n') + out.result.hint));
        QCOMPARE(out.result.changed, true);
        QCOMPARE(out.changes,
            QStringList { QStringLiteral("default/rollouts/rollout-background-analysis undo to revision 1") });
        const QList<RecordedRequest> patches = server.requests("PATCH", kAborted);
        QCOMPARE(patches.size(), 1);
        QCOMPARE(patches.at(0).header("Content-Type"), QByteArray("application/json-patch+json"));
        // Revision 1's pod template without the rollouts-pod-template-hash label.
        QJsonObject tmpl = child(child(rev1, "spec"), "template");
        tmpl = with(tmpl, { QStringLiteral("metadata"), QStringLiteral("labels") },
            QJsonObject { { QStringLiteral("app"), QStringLiteral("rollout-background-analysis") } });
        const QJsonArray expected { QJsonObject { { QStringLiteral("op"), QStringLiteral("replace") },
            { QStringLiteral("path"), QStringLiteral("/spec/template") }, { QStringLiteral("value"), tmpl } } };
        QCOMPARE(QJsonDocument::fromJson(patches.at(0).body).array(), expected);
        QVERIFY(out.logs.contains(QStringLiteral("rollout 'rollout-background-analysis' undo")));
        QVERIFY(out.steps.contains(QStringLiteral("Undo to revision 1:succeeded")));
        verifyAuth(server);
        QVERIFY2(server.problems().isEmpty(), qPrintable(server.problems().join(QLatin1Char('\n'))));
    }

    void undo_choices_data()
    {
        QTest::addColumn<QString>("historyId");
        QTest::addColumn<QString>("version");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<bool>("patched");
        QTest::addColumn<QString>("message");
        QTest::addRow("current revision")
            << "2"
            << "" << true << false << "skipped rollback (current template already matches revision 2)";
        QTest::addRow("revision 1") << "1"
                                    << "" << true << true << "is Healthy";
        QTest::addRow("version blue") << ""
                                      << "blue" << true << true << "is Healthy";
        QTest::addRow("unknown revision") << "5"
                                          << "" << false << false << "unable to find specified revision 5 in history";
        QTest::addRow("unknown version") << ""
                                         << "green" << false << false << "No earlier revision of Rollout";
    }

    void undo_choices()
    {
        QFETCH(QString, historyId);
        QFETCH(QString, version);
        QFETCH(bool, ok);
        QFETCH(bool, patched);
        QFETCH(QString, message);
        ReplayServer server;
        QVERIFY(server.listen());
        const QJsonObject aborted = fixture(QStringLiteral("rollout-aborted-canary.json"));
        server.on("GET", kAborted)
            .reply(ReplayResponse::fixture(QStringLiteral("argo-rollouts/rollout-aborted-canary.json")))
            .reply(200, compact(healthy(aborted)));
        server.on("GET", QStringLiteral("/apis/apps/v1/namespaces/default/replicasets"))
            .reply(200,
                list(QStringLiteral("ReplicaSetList"),
                    { fixture(QStringLiteral("replicaset-rev1-stable.json")),
                        fixture(QStringLiteral("replicaset-rev2-canary-aborted.json")) }));
        server.on("PATCH", kAborted)
            .reply(ReplayResponse::fixture(QStringLiteral("argo-rollouts/rollout-aborted-canary.json")));
        server.on("GET", analysisRunsPath(QStringLiteral("default")))
            .reply(200, list(QStringLiteral("AnalysisRunList"), {}));
        DeployRequest r = request(Action::Rollback,
            target(server, QStringLiteral("rollout-background-analysis"), QStringLiteral("default")), version);
        r.historyId = historyId;
        const JobRun out = run(r);
        QCOMPARE(out.finishedCount, 1);
        QCOMPARE(out.result.ok(), ok);
        QVERIFY2(out.result.message.contains(message), qPrintable(out.result.message));
        QCOMPARE(out.result.changed, patched);
        QCOMPARE(server.requests("PATCH", kAborted).size(), patched ? 1 : 0);
        if (patched) {
            const QJsonObject value
                = QJsonDocument::fromJson(server.requests("PATCH", kAborted).at(0).body).array().at(0).toObject();
            QVERIFY(QJsonDocument(value).toJson().contains("argoproj/rollouts-demo:blue"));
        }
    }

    void history_listsTheRevisions()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", kAborted)
            .reply(ReplayResponse::fixture(QStringLiteral("argo-rollouts/rollout-aborted-canary.json")));
        server.on("GET", QStringLiteral("/apis/apps/v1/namespaces/default/replicasets"))
            .withQuery(QStringLiteral("labelSelector"), QStringLiteral("app=rollout-background-analysis"))
            .reply(200,
                list(QStringLiteral("ReplicaSetList"),
                    { fixture(QStringLiteral("replicaset-rev1-stable.json")),
                        fixture(QStringLiteral("replicaset-rev2-canary-aborted.json")) }));
        const JobRun out = run(request(
            Action::History, target(server, QStringLiteral("rollout-background-analysis"), QStringLiteral("default"))));
        QVERIFY2(out.result.ok(), qPrintable(out.result.message));
        QCOMPARE(out.result.changed, false);
        const QList<HistoryEntry>& h = out.result.history;
        QCOMPARE(h.size(), 2);
        QCOMPARE(h.at(0).id, QStringLiteral("2"));
        QCOMPARE(h.at(0).version, QStringLiteral("yellow"));
        QCOMPARE(h.at(0).previousVersion, QStringLiteral("blue"));
        QCOMPARE(h.at(0).result, QStringLiteral("failed")); // the current pod hash, aborted
        QCOMPARE(h.at(0).at, QDateTime(QDate(2020, 9, 22), QTime(9, 10, 4), Qt::UTC));
        QCOMPARE(h.at(0).detail, QStringLiteral("ReplicaSet rollout-background-analysis-db976bc44"));
        QCOMPARE(h.at(1).id, QStringLiteral("1"));
        QCOMPARE(h.at(1).version, QStringLiteral("blue"));
        QCOMPARE(h.at(1).result, QStringLiteral("succeeded"));
        QCOMPARE(h.at(1).detail, QStringLiteral("ReplicaSet rollout-background-analysis-7d84d44bb8 (stable)"));
        verifyAuth(server);
    }

    void readErrors_data()
    {
        QTest::addColumn<ReplayResponse>("answer");
        QTest::addColumn<QString>("inMessage");
        QTest::addColumn<QString>("inHint");
        QTest::addRow("401") << ReplayResponse::json(
            401, statusBody(401, QStringLiteral("Unauthorized"), QStringLiteral("Unauthorized")))
                             << "HTTP 401 Unauthorized: Unauthorized"
                             << "Settings → Credentials";
        QTest::addRow("403") << ReplayResponse::json(403,
            statusBody(403, QStringLiteral("Forbidden"),
                QStringLiteral("rollouts.argoproj.io \"rollouts-demo\" is forbidden: User \"jane\" cannot get resource "
                               "\"rollouts\" in API group \"argoproj.io\" in the namespace \"rollouts-demo\"")))
                             << "HTTP 403 Forbidden: rollouts.argoproj.io \"rollouts-demo\" is forbidden"
                             << "RBAC";
        QTest::addRow("404 Status")
            << ReplayResponse::fixture(QStringLiteral("kubernetes/status-404-notfound.json"), 404)
            << "HTTP 404 NotFound: pods \"grafana\" not found"
            << "Check the setting 'rollout' (now \"rollouts-demo\") and 'namespace' (now \"rollouts-demo\")";
        QTest::addRow("404 no CRD") << ReplayResponse::json(404, noSubresource())
                                    << "HTTP 404 NotFound: the server could not find the requested resource"
                                    << "Is Argo Rollouts installed";
        QTest::addRow("429") << ReplayResponse::json(
            429, statusBody(429, QStringLiteral("TooManyRequests"), QStringLiteral("slow down")))
                                    .withHeader("Retry-After", "90")
                             << "HTTP 429 TooManyRequests: slow down"
                             << "asks to wait 90 s";
        QTest::addRow("502") << ReplayResponse::text(502, "Bad Gateway") << "HTTP 502"
                             << "try again later";
        QTest::addRow("dropped") << ReplayResponse::drop() << "closed the connection"
                                 << "try again later";
        QTest::addRow("slow") << ReplayResponse::hang() << "within 0.3 s"
                              << "'requestTimeoutMs'";
    }

    void readErrors()
    {
        QFETCH(ReplayResponse, answer);
        QFETCH(QString, inMessage);
        QFETCH(QString, inHint);
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", kDemo).reply(answer);
        DeployTarget t = target(server);
        t.settings.insert(QStringLiteral("requestTimeoutMs"), QStringLiteral("300"));
        const JobRun out = run(request(Action::Promote, t));
        QCOMPARE(out.finishedCount, 1);
        QCOMPARE(out.result.outcome, Deploy::Outcome::Failed);
        QCOMPARE(out.result.changed, false);
        QVERIFY2(out.result.message.startsWith(
                     QStringLiteral("Reading Rollout \"rollouts-demo\" in namespace \"rollouts-demo\" failed: ")),
            qPrintable(out.result.message));
        QVERIFY2(out.result.message.contains(inMessage), qPrintable(out.result.message));
        QVERIFY2(out.result.hint.contains(inHint), qPrintable(out.result.hint));
        QVERIFY(changes(server).isEmpty());
        verifyNoSecret(out);
        server.closeConnections();
    }

    void patchErrors_data()
    {
        QTest::addColumn<ReplayResponse>("statusAnswer");
        QTest::addColumn<ReplayResponse>("mainAnswer");
        QTest::addColumn<int>("patches");
        QTest::addColumn<QString>("inMessage");
        QTest::addColumn<QString>("inHint");
        const ReplayResponse unused
            = ReplayResponse::fixture(QStringLiteral("argo-rollouts/rollout-phase-paused.json"));
        QTest::addRow("403 on status") << ReplayResponse::json(403,
            statusBody(403, QStringLiteral("Forbidden"),
                QStringLiteral(
                    "rollouts.argoproj.io \"rollouts-demo\" is forbidden: User \"jane\" cannot patch resource "
                    "\"rollouts/status\" in API group \"argoproj.io\"")))
                                       << unused << 1 << "cannot patch resource \"rollouts/status\""
                                       << "RBAC";
        QTest::addRow("409") << ReplayResponse::json(
            409, statusBody(409, QStringLiteral("Conflict"), QStringLiteral("the object has been modified")))
                             << unused << 1 << "HTTP 409 Conflict: the object has been modified"
                             << "Someone changed the object";
        QTest::addRow("422") << ReplayResponse::json(422,
            statusBody(422, QStringLiteral("Invalid"),
                QStringLiteral(
                    "Rollout.argoproj.io \"rollouts-demo\" is invalid: status.abort: Invalid value: \"string\": "
                    "status.abort in body must be of type boolean: \"string\"")))
                             << unused << 1 << "HTTP 422 Invalid: Rollout.argoproj.io \"rollouts-demo\" is invalid"
                             << "rejected the change as invalid";
        QTest::addRow("404 twice") << ReplayResponse::json(
            404, noSubresource()) << ReplayResponse::fixture(QStringLiteral("kubernetes/status-404-notfound.json"), 404)
                                   << 2 << "HTTP 404 NotFound: pods \"grafana\" not found"
                                   << "Check the setting 'rollout'";
        QTest::addRow("500") << ReplayResponse::json(
            500, statusBody(500, QStringLiteral("InternalError"), QStringLiteral("etcd is down")))
                             << unused << 1 << "HTTP 500 InternalError: etcd is down"
                             << "try again later";
    }

    void patchErrors()
    {
        QFETCH(ReplayResponse, statusAnswer);
        QFETCH(ReplayResponse, mainAnswer);
        QFETCH(int, patches);
        QFETCH(QString, inMessage);
        QFETCH(QString, inHint);
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("PATCH", kDemo + QStringLiteral("/status")).reply(statusAnswer);
        server.on("PATCH", kDemo).reply(mainAnswer);
        const JobRun out = run(request(Action::Abort, target(server)));
        QCOMPARE(out.finishedCount, 1);
        QCOMPARE(out.result.outcome, Deploy::Outcome::Failed);
        QCOMPARE(out.result.changed, false);
        QVERIFY(out.changes.isEmpty());
        QVERIFY2(out.result.message.startsWith(
                     QStringLiteral("Abort of Rollout \"rollouts-demo\" in namespace \"rollouts-demo\" failed: ")),
            qPrintable(out.result.message));
        QVERIFY2(out.result.message.contains(inMessage), qPrintable(out.result.message));
        QVERIFY2(out.result.hint.contains(inHint), qPrintable(out.result.hint));
        QCOMPARE(changes(server).size(), patches);
        QVERIFY(out.steps.contains(QStringLiteral("Abort:failed")));
        verifyNoSecret(out);
    }

    void follow_isBoundedByTimeoutSeconds()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.setMaxRequests(1000);
        // Retried, and then the controller keeps working on it for longer than timeoutSeconds.
        const QJsonObject aborted = fixture(QStringLiteral("rollout-aborted-canary.json"));
        QJsonObject working = withStatus(aborted, QStringLiteral("abort"), QJsonValue(QJsonValue::Undefined));
        working = withStatus(working, QStringLiteral("phase"), QStringLiteral("Progressing"));
        working = withStatus(working, QStringLiteral("message"), QStringLiteral("more replicas need to be updated"));
        server.on("PATCH", kAborted + QStringLiteral("/status")).reply(200, compact(working));
        server.on("GET", kAborted).reply(200, compact(working));
        DeployTarget t = target(server, QStringLiteral("rollout-background-analysis"), QStringLiteral("default"));
        t.settings.insert(QStringLiteral("timeoutSeconds"), QStringLiteral("1"));
        const JobRun out = run(request(Action::Retry, t));
        QCOMPARE(out.result.outcome, Deploy::Outcome::Failed);
        QCOMPARE(out.result.changed, true);
        QVERIFY2(out.result.message.startsWith(
                     QStringLiteral("Rollout \"rollout-background-analysis\" in namespace \"default\" did "
                                    "not finish within 1 s: Progressing - more replicas need to be updated")),
            qPrintable(out.result.message));
        QVERIFY(out.result.hint.contains(QStringLiteral("goes on in the cluster")));
        QVERIFY(!server.overrun());
    }

    void settings_areCheckedBeforeAnyRequest()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        DeployTarget t = target(server);
        t.settings.insert(QStringLiteral("rollout"), QString());
        JobRun out = run(request(Action::Status, t));
        QCOMPARE(out.result.outcome, Deploy::Outcome::Failed);
        QVERIFY(out.result.message.contains(QStringLiteral("The setting 'rollout' is empty")));
        t = target(server);
        out = run(request(Action::Deploy, t, QString()));
        QVERIFY(out.result.message.contains(QStringLiteral("No version to deploy")));
        t.settings.insert(QStringLiteral("caCertificate"), QStringLiteral("/nonexistent/ca.pem"));
        out = run(request(Action::Abort, t));
        QVERIFY(out.result.message.contains(QStringLiteral("'caCertificate'")));
        QCOMPARE(server.requestCount(), 0);
    }
};

QTEST_GUILESS_MAIN(tst_ArgoRolloutsBackend)
#include "tst_argorolloutsbackend.moc"
