// SPDX-License-Identifier: Apache-2.0
// The Kubernetes Deployment backend against a loopback server replaying real Deployment objects
// (tests/data/fixtures/kubernetes, see its README). It must send what kubectl sends (set image,
// rollout undo, rollout pause/resume) with the bearer token, follow the rollout as kubectl rollout
// status decides, and explain every failure with the API server's Status message.
#include "deploy/kubernetesbackend.h"
#include "net/httpclient.h"
#include "replayserver.h"
#include "tlsserver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

using namespace Flightdeck;
using namespace Flightdeck::Deploy;
using Flightdeck::Test::RecordedRequest;
using Flightdeck::Test::ReplayResponse;
using Flightdeck::Test::ReplayServer;
using Flightdeck::Test::TlsServer;

namespace {

const QString kToken = QStringLiteral("k8s-test-token-8f3a2c");
const QString kGuestbook = QStringLiteral("/apis/apps/v1/namespaces/default/deployments/guestbook-ui");
const QString kKustomize = QStringLiteral("/apis/apps/v1/namespaces/default/deployments/kustomize-guestbook-ui");
const QString kReplicaSets = QStringLiteral("/apis/apps/v1/namespaces/default/replicasets");

QJsonObject fixture(const QString& name)
{
    return QJsonDocument::fromJson(ReplayServer::readFixture(QStringLiteral("kubernetes/") + name)).object();
}

QByteArray compact(const QJsonObject& o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QJsonObject child(const QJsonObject& o, const char* key)
{
    return o.value(QLatin1String(key)).toObject();
}

// Sets o[path…] = value, creating objects on the way.
QJsonObject with(QJsonObject o, const QStringList& path, const QJsonValue& value)
{
    if (path.size() == 1) {
        o.insert(path.first(), value);
        return o;
    }
    o.insert(path.first(), with(o.value(path.first()).toObject(), path.mid(1), value));
    return o;
}

QJsonObject withImage(QJsonObject deployment, const QString& image)
{
    QJsonObject tmpl = child(child(deployment, "spec"), "template");
    QJsonObject podSpec = child(tmpl, "spec");
    QJsonArray containers = podSpec.value(QLatin1String("containers")).toArray();
    QJsonObject c = containers.at(0).toObject();
    c.insert(QStringLiteral("image"), image);
    containers.replace(0, c);
    podSpec.insert(QStringLiteral("containers"), containers);
    tmpl.insert(QStringLiteral("spec"), podSpec);
    return with(deployment, { QStringLiteral("spec"), QStringLiteral("template") }, tmpl);
}

QJsonObject withGeneration(QJsonObject d, qint64 generation, qint64 observed)
{
    d = with(d, { QStringLiteral("metadata"), QStringLiteral("generation") }, generation);
    return with(d, { QStringLiteral("status"), QStringLiteral("observedGeneration") }, observed);
}

// A ReplicaSet as the Deployment controller makes it: the Deployment's pod template with the
// pod-template-hash label, owned by the Deployment, the revision annotation.
QJsonObject replicaSet(const QJsonObject& deployment, const QString& hash, int revision, const QString& image,
    const QString& created, const QJsonObject& extraAnnotations = {})
{
    const QJsonObject meta = child(deployment, "metadata");
    const QString name = meta.value(QLatin1String("name")).toString();
    QJsonObject tmpl = child(child(withImage(deployment, image), "spec"), "template");
    tmpl = with(
        tmpl, { QStringLiteral("metadata"), QStringLiteral("labels"), QStringLiteral("pod-template-hash") }, hash);
    QJsonObject annotations = extraAnnotations;
    annotations.insert(QStringLiteral("deployment.kubernetes.io/revision"), QString::number(revision));
    annotations.insert(QStringLiteral("deployment.kubernetes.io/desired-replicas"), QStringLiteral("4"));
    annotations.insert(QStringLiteral("deployment.kubernetes.io/max-replicas"), QStringLiteral("5"));
    QJsonObject labels = child(child(tmpl, "metadata"), "labels");
    return QJsonObject {
        { QStringLiteral("apiVersion"), QStringLiteral("apps/v1") },
        { QStringLiteral("kind"), QStringLiteral("ReplicaSet") },
        { QStringLiteral("metadata"),
            QJsonObject { { QStringLiteral("name"), QString(name + QLatin1Char('-') + hash) },
                { QStringLiteral("namespace"), meta.value(QLatin1String("namespace")) },
                { QStringLiteral("creationTimestamp"), created }, { QStringLiteral("labels"), labels },
                { QStringLiteral("annotations"), annotations },
                { QStringLiteral("ownerReferences"),
                    QJsonArray { QJsonObject { { QStringLiteral("apiVersion"), QStringLiteral("apps/v1") },
                        { QStringLiteral("kind"), QStringLiteral("Deployment") }, { QStringLiteral("name"), name },
                        { QStringLiteral("uid"), meta.value(QLatin1String("uid")) },
                        { QStringLiteral("controller"), true },
                        { QStringLiteral("blockOwnerDeletion"), true } } } } } },
        { QStringLiteral("spec"),
            QJsonObject { { QStringLiteral("replicas"), QJsonValue(0) },
                { QStringLiteral("selector"), child(child(deployment, "spec"), "selector") },
                { QStringLiteral("template"), tmpl } } },
    };
}

QByteArray replicaSetList(const QJsonArray& items)
{
    return compact(QJsonObject { { QStringLiteral("kind"), QStringLiteral("ReplicaSetList") },
        { QStringLiteral("apiVersion"), QStringLiteral("apps/v1") },
        { QStringLiteral("metadata"),
            QJsonObject { { QStringLiteral("resourceVersion"), QStringLiteral("8289300") } } },
        { QStringLiteral("items"), items } });
}

// The history of deployment-complete.json (revision 9 runs image 0.1): revisions 7 and 8 ran 0.0-rc
// and 0.0. A ReplicaSet of another Deployment with the same labels but another owner uid must be
// ignored, whatever its revision.
QJsonArray kustomizeReplicaSets()
{
    const QJsonObject d = fixture(QStringLiteral("deployment-complete.json"));
    const QString repo = QStringLiteral("quay.io/argoprojlabs/argocd-e2e-container");
    QJsonObject stranger = replicaSet(
        d, QStringLiteral("5f5f5f5f5f"), 12, repo + QStringLiteral(":9.9"), QStringLiteral("2022-01-06T10:00:00Z"));
    QJsonObject owner = stranger.value(QLatin1String("metadata"))
                            .toObject()
                            .value(QLatin1String("ownerReferences"))
                            .toArray()
                            .at(0)
                            .toObject();
    owner.insert(QStringLiteral("uid"), QStringLiteral("00000000-0000-0000-0000-000000000000"));
    stranger = with(stranger, { QStringLiteral("metadata"), QStringLiteral("ownerReferences") }, QJsonArray { owner });
    return QJsonArray {
        replicaSet(d, QStringLiteral("7b9c8d6f5d"), 7, repo + QStringLiteral(":0.0-rc"),
            QStringLiteral("2022-01-05T15:45:21Z")),
        replicaSet(d, QStringLiteral("6549d54677"), 9, repo + QStringLiteral(":0.1"),
            QStringLiteral("2022-01-05T22:20:37Z"),
            QJsonObject { { QStringLiteral("argocd.argoproj.io/tracking-id"),
                              QStringLiteral("guestbook:apps/Deployment:default/kustomize-guestbook-ui") },
                { QStringLiteral("iksm-version"), QStringLiteral("2.0") } }),
        stranger,
        replicaSet(d, QStringLiteral("84c4d4b8f9"), 8, repo + QStringLiteral(":0.0"),
            QStringLiteral("2022-01-05T18:02:11Z"),
            QJsonObject { { QStringLiteral("argocd.argoproj.io/tracking-id"),
                              QStringLiteral("guestbook:apps/Deployment:default/kustomize-guestbook-ui") },
                { QStringLiteral("iksm-version"), QStringLiteral("1.0") },
                { QStringLiteral("kubernetes.io/change-cause"), QStringLiteral("release 0.0") } }),
    };
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

struct JobRun
{
    DeployResult result;
    QStringList logs;
    QStringList steps;
    QStringList changes;
    int finishedCount = 0;
};

} // namespace

class tst_KubernetesBackend : public QObject
{
    Q_OBJECT

private:
    Net::HttpClient m_http;

    DeployTarget target(const ReplayServer& server, const QString& deployment = QStringLiteral("guestbook-ui")) const
    {
        DeployTarget t;
        t.service = QStringLiteral("guestbook");
        t.environment = QStringLiteral("staging");
        t.secret = kToken;
        t.settings = { { QStringLiteral("url"), server.baseUrl().toString() },
            { QStringLiteral("deployment"), deployment }, { QStringLiteral("pollIntervalMs"), QStringLiteral("20") },
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

    JobRun run(const DeployRequest& r, std::function<void(DeployJob*)> during = {})
    {
        KubernetesBackend backend(BackendContext { &m_http, {}, QStringLiteral("k8s") });
        JobRun out;
        QPointer<DeployJob> job = backend.start(r);
        if (!job)
            return out;
        connect(job, &DeployJob::log, this, [&out](const QString& line) { out.logs << line; });
        connect(job, &DeployJob::step, this,
            [&out](const QString& name, const QString& state) { out.steps << name + QLatin1Char(':') + state; });
        connect(job, &DeployJob::changed, this, [&out](const QString& reference) { out.changes << reference; });
        connect(job, &DeployJob::finished, this, [&out](const DeployResult& result) {
            out.result = result;
            ++out.finishedCount;
        });
        if (during)
            during(job);
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

    static void verifyNoSecret(const JobRun& out)
    {
        QVERIFY(!out.result.message.contains(kToken));
        QVERIFY(!out.result.hint.contains(kToken));
        for (const QString& line : out.logs)
            QVERIFY(!line.contains(kToken));
    }

private Q_SLOTS:
    void initTestCase() { qRegisterMetaType<Flightdeck::Deploy::DeployResult>(); }

    void typeAndCapabilities()
    {
        KubernetesBackend backend(BackendContext { &m_http, {}, QStringLiteral("k8s") });
        QCOMPARE(backend.type(), QStringLiteral("kubernetes"));
        QCOMPARE(capabilityNames(backend.capabilities()),
            QStringList({ QStringLiteral("deploy"), QStringLiteral("rollback"), QStringLiteral("pause-resume"),
                QStringLiteral("status"), QStringLiteral("history"), QStringLiteral("live-progress") }));
        QVERIFY(!backend.can(Capability::Abort));
    }

    void status_ofTheFixtures_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("version");
        QTest::addColumn<QString>("revision");
        QTest::addColumn<QString>("status");
        QTest::addColumn<QString>("health");
        QTest::addColumn<QString>("message");
        QTest::addRow("progressing") << "deployment-progressing.json"
                                     << "guestbook-ui"
                                     << "0.3"
                                     << "4"
                                     << "Progressing"
                                     << "Progressing"
                                     << "Waiting for deployment \"guestbook-ui\" rollout to finish: 1 old replicas are "
                                        "pending termination...";
        QTest::addRow("deadline exceeded")
            << "deployment-progress-deadline-exceeded.json"
            << "guestbook-ui"
            << "0.3"
            << "4"
            << "Failed"
            << "Degraded"
            << "deployment \"guestbook-ui\" exceeded its progress deadline: ReplicaSet \"guestbook-ui-75dd4d49d5\" has "
               "timed out progressing.";
        QTest::addRow("paused") << "deployment-paused.json"
                                << "guestbook-ui"
                                << "0.3"
                                << "4"
                                << "Paused"
                                << "Suspended"
                                << "Deployment is paused; Waiting for deployment \"guestbook-ui\" rollout to finish: 1 "
                                   "old replicas are pending termination...";
        QTest::addRow("complete") << "deployment-complete.json"
                                  << "kustomize-guestbook-ui"
                                  << "0.1"
                                  << "9"
                                  << "Complete"
                                  << "Healthy"
                                  << "deployment \"kustomize-guestbook-ui\" successfully rolled out";
    }

    void status_ofTheFixtures()
    {
        QFETCH(QString, file);
        QFETCH(QString, name);
        QFETCH(QString, version);
        QFETCH(QString, revision);
        QFETCH(QString, status);
        QFETCH(QString, health);
        QFETCH(QString, message);
        ReplayServer server;
        QVERIFY(server.listen());
        const QString path = QStringLiteral("/apis/apps/v1/namespaces/default/deployments/") + name;
        server.on("GET", path).reply(ReplayResponse::fixture(QStringLiteral("kubernetes/") + file));
        const JobRun out = run(request(Action::Status, target(server, name)));
        QCOMPARE(out.finishedCount, 1);
        QVERIFY2(out.result.ok(), qPrintable(out.result.message));
        QCOMPARE(out.result.changed, false);
        QCOMPARE(out.result.state.version, version);
        QCOMPARE(out.result.version, version);
        QCOMPARE(out.result.state.revision, revision);
        QCOMPARE(out.result.state.status, status);
        QCOMPARE(out.result.state.health, health);
        QCOMPARE(out.result.state.message, message);
        QCOMPARE(out.result.state.resources, QStringList { QStringLiteral("Deployment/%1: %2").arg(name, health) });
        QVERIFY(out.result.state.deployedAt.isValid());
        QCOMPARE(server.requestCount(), 1);
        QCOMPARE(server.requests().at(0).method, QByteArray("GET"));
        QCOMPARE(server.requests().at(0).path, path);
        verifyAuth(server);
        QVERIFY2(server.problems().isEmpty(), qPrintable(server.problems().join(QLatin1Char('\n'))));
    }

    void deploy_setsTheImageAndFollowsTheRolloutToComplete()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        const QJsonObject before = fixture(QStringLiteral("deployment-progressing.json"));
        const QString image = QStringLiteral("gcr.io/heptio-images/ks-guestbook-demo:0.4");
        // What the API server answers to the patch: the new image, generation 5.
        const QJsonObject patched = withGeneration(withImage(before, image), 5, 4);
        // The rollout, read after the patch: the controller has not seen generation 5 yet; then it has
        // and one old replica is still terminating; then all is updated and available.
        const QJsonObject observed = withGeneration(withImage(before, image), 5, 5);
        QJsonObject complete = with(observed, { QStringLiteral("status"), QStringLiteral("replicas") }, 1);
        complete = with(complete, { QStringLiteral("status"), QStringLiteral("unavailableReplicas") }, 0);
        server.on("GET", kGuestbook)
            .reply(ReplayResponse::fixture(QStringLiteral("kubernetes/deployment-progressing.json")))
            .reply(200, compact(patched))
            .reply(200, compact(observed))
            .reply(200, compact(complete));
        server.on("PATCH", kGuestbook).reply(200, compact(patched));

        const JobRun out = run(request(Action::Deploy, target(server), QStringLiteral("0.4")));
        QCOMPARE(out.finishedCount, 1);
        QVERIFY2(out.result.ok(), qPrintable(out.result.message + QLatin1Char('\n') + out.result.hint));
        QCOMPARE(out.result.changed, true);
        QCOMPARE(out.result.version, QStringLiteral("0.4"));
        QCOMPARE(out.result.state.health, QStringLiteral("Healthy"));
        QCOMPARE(
            out.result.message, QStringLiteral("deployment \"guestbook-ui\" successfully rolled out (version 0.4)"));
        QCOMPARE(out.changes, QStringList { QStringLiteral("default/deployments/guestbook-ui generation 5") });
        QCOMPARE(out.result.reference, out.changes.value(0));

        const QList<RecordedRequest> patches = server.requests("PATCH", kGuestbook);
        QCOMPARE(patches.size(), 1);
        QCOMPARE(patches.at(0).header("Content-Type"), QByteArray("application/strategic-merge-patch+json"));
        QCOMPARE(patches.at(0).body,
            QByteArray(
                R"({"spec":{"template":{"spec":{"containers":[{"image":"gcr.io/heptio-images/ks-guestbook-demo:0.4","name":"guestbook-ui"}]}}}})"));
        QCOMPARE(server.requests("GET", kGuestbook).size(), 4);
        verifyAuth(server);

        // kubectl rollout status, line by line, each once.
        const QStringList expected {
            QStringLiteral("Waiting for deployment spec update to be observed..."),
            QStringLiteral(
                "Waiting for deployment \"guestbook-ui\" rollout to finish: 1 old replicas are pending termination..."),
            QStringLiteral("deployment \"guestbook-ui\" successfully rolled out"),
        };
        qsizetype from = 0;
        for (const QString& line : expected) {
            const qsizetype at = out.logs.indexOf(line, from);
            QVERIFY2(at >= 0, qPrintable(line + QStringLiteral("\nnot in:\n") + out.logs.join(QLatin1Char('\n'))));
            QCOMPARE(out.logs.count(line), 1);
            from = at + 1;
        }
        QCOMPARE(out.steps,
            QStringList(
                { QStringLiteral("Read the Deployment:running"), QStringLiteral("Read the Deployment:succeeded"),
                    QStringLiteral("Set the image:running"), QStringLiteral("Set the image:succeeded"),
                    QStringLiteral("Roll out:running"), QStringLiteral("Roll out:succeeded") }));
        verifyNoSecret(out);
        QVERIFY2(server.problems().isEmpty(), qPrintable(server.problems().join(QLatin1Char('\n'))));
    }

    void deploy_progressDeadlineExceeded_fails()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        const QJsonObject before = fixture(QStringLiteral("deployment-progressing.json"));
        server.on("GET", kGuestbook)
            .reply(ReplayResponse::fixture(QStringLiteral("kubernetes/deployment-progressing.json")))
            .reply(ReplayResponse::fixture(QStringLiteral("kubernetes/deployment-progress-deadline-exceeded.json")));
        server.on("PATCH", kGuestbook)
            .reply(200, compact(withImage(before, QStringLiteral("registry.example/guestbook:0.5"))));
        DeployTarget t = target(server);
        t.settings.insert(QStringLiteral("image"), QStringLiteral("registry.example/guestbook"));
        const JobRun out = run(request(Action::Deploy, t, QStringLiteral("0.5")));
        QCOMPARE(out.finishedCount, 1);
        QCOMPARE(out.result.outcome, Deploy::Outcome::Failed);
        QCOMPARE(out.result.changed, true);
        QCOMPARE(out.result.message,
            QStringLiteral("deployment \"guestbook-ui\" exceeded its progress deadline: ReplicaSet "
                           "\"guestbook-ui-75dd4d49d5\" has timed out progressing."));
        QVERIFY2(out.result.hint.contains(QStringLiteral("roll back")), qPrintable(out.result.hint));
        QCOMPARE(out.result.state.health, QStringLiteral("Degraded"));
        QCOMPARE(out.changes.size(), 1);
        QVERIFY(out.steps.contains(QStringLiteral("Roll out:failed")));
        const QList<RecordedRequest> patches = server.requests("PATCH", kGuestbook);
        QCOMPARE(patches.size(), 1);
        QCOMPARE(patches.at(0).body,
            QByteArray(
                R"({"spec":{"template":{"spec":{"containers":[{"image":"registry.example/guestbook:0.5","name":"guestbook-ui"}]}}}})"));
        verifyAuth(server);
    }

    void deploy_pausedDeployment_isRefusedWithoutAPatch()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", kGuestbook)
            .reply(ReplayResponse::fixture(QStringLiteral("kubernetes/deployment-paused.json")));
        const JobRun out = run(request(Action::Deploy, target(server), QStringLiteral("0.4")));
        QCOMPARE(out.result.outcome, Deploy::Outcome::Failed);
        QCOMPARE(out.result.changed, false);
        QVERIFY2(out.result.message.contains(QStringLiteral("is paused")), qPrintable(out.result.message));
        QVERIFY(out.result.hint.contains(QStringLiteral("Resume")));
        QVERIFY(out.changes.isEmpty());
        QCOMPARE(server.requests("PATCH", kGuestbook).size(), 0);
    }

    void deploy_theImageItRunsAlready_patchesNothing()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", kKustomize)
            .reply(ReplayResponse::fixture(QStringLiteral("kubernetes/deployment-complete.json")));
        const JobRun out = run(
            request(Action::Deploy, target(server, QStringLiteral("kustomize-guestbook-ui")), QStringLiteral("0.1")));
        QVERIFY2(out.result.ok(), qPrintable(out.result.message));
        QCOMPARE(out.result.changed, false);
        QVERIFY(out.changes.isEmpty());
        QCOMPARE(out.result.version, QStringLiteral("0.1"));
        QVERIFY(out.logs.contains(QStringLiteral("Container \"guestbook-ui\" already runs "
                                                 "quay.io/argoprojlabs/argocd-e2e-container:0.1; nothing to change.")));
        QCOMPARE(server.requests("PATCH", kKustomize).size(), 0);
    }

    void deploy_severalContainers_needTheContainerSetting()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        // deployment-complete.json with a second container (a sidecar) added to its pod template.
        QJsonObject d = fixture(QStringLiteral("deployment-complete.json"));
        QJsonArray containers = d.value(QLatin1String("spec"))
                                    .toObject()
                                    .value(QLatin1String("template"))
                                    .toObject()
                                    .value(QLatin1String("spec"))
                                    .toObject()
                                    .value(QLatin1String("containers"))
                                    .toArray();
        containers.append(QJsonObject { { QStringLiteral("name"), QStringLiteral("proxy") },
            { QStringLiteral("image"), QStringLiteral("envoyproxy/envoy:v1.29.0") } });
        d = with(d,
            { QStringLiteral("spec"), QStringLiteral("template"), QStringLiteral("spec"),
                QStringLiteral("containers") },
            containers);
        server.on("GET", kKustomize).reply(200, compact(d));
        server.on("PATCH", kKustomize).reply(200, compact(d));

        DeployTarget t = target(server, QStringLiteral("kustomize-guestbook-ui"));
        JobRun out = run(request(Action::Deploy, t, QStringLiteral("0.2")));
        QCOMPARE(out.result.outcome, Deploy::Outcome::Failed);
        QCOMPARE(out.result.changed, false);
        QVERIFY2(out.result.message.contains(QStringLiteral("2 containers (guestbook-ui, proxy)")),
            qPrintable(out.result.message));
        QVERIFY(out.result.hint.contains(QStringLiteral("'container'")));
        QCOMPARE(server.requests("PATCH", kKustomize).size(), 0);

        t.settings.insert(QStringLiteral("container"), QStringLiteral("proxy"));
        t.settings.insert(QStringLiteral("timeoutSeconds"), QStringLiteral("1"));
        out = run(request(Action::Deploy, t, QStringLiteral("v1.30.0")));
        const QList<RecordedRequest> patches = server.requests("PATCH", kKustomize);
        QCOMPARE(patches.size(), 1);
        QCOMPARE(patches.at(0).body,
            QByteArray(
                R"({"spec":{"template":{"spec":{"containers":[{"image":"envoyproxy/envoy:v1.30.0","name":"proxy"}]}}}})"));

        t.settings.insert(QStringLiteral("container"), QStringLiteral("web"));
        out = run(request(Action::Deploy, t, QStringLiteral("0.2")));
        QCOMPARE(out.result.changed, false);
        QVERIFY2(
            out.result.message.contains(QStringLiteral("no container named \"web\" (it has: guestbook-ui, proxy)")),
            qPrintable(out.result.message));
    }

    void rollback_toThePreviousRevision_sendsWhatKubectlSends()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        const QJsonObject d = fixture(QStringLiteral("deployment-complete.json"));
        const QString repo = QStringLiteral("quay.io/argoprojlabs/argocd-e2e-container");
        // After the patch: generation 120 not yet observed, then rolled out with image 0.0.
        const QJsonObject rolledBack = withImage(d, repo + QStringLiteral(":0.0"));
        server.on("GET", kKustomize)
            .reply(ReplayResponse::fixture(QStringLiteral("kubernetes/deployment-complete.json")))
            .reply(200, compact(withGeneration(rolledBack, 120, 119)))
            .reply(200, compact(withGeneration(rolledBack, 120, 120)));
        server.on("GET", kReplicaSets)
            .withQuery(QStringLiteral("labelSelector"), QStringLiteral("app=guestbook-ui"))
            .withExactQuery()
            .reply(200, replicaSetList(kustomizeReplicaSets()));
        server.on("PATCH", kKustomize).reply(200, compact(withGeneration(rolledBack, 120, 119)));

        const JobRun out = run(request(Action::Rollback, target(server, QStringLiteral("kustomize-guestbook-ui"))));
        QCOMPARE(out.finishedCount, 1);
        QVERIFY2(out.result.ok(), qPrintable(out.result.message + QLatin1Char('\n') + out.result.hint));
        QCOMPARE(out.result.changed, true);
        QCOMPARE(out.result.version, QStringLiteral("0.0"));
        QCOMPARE(
            out.changes, QStringList { QStringLiteral("default/deployments/kustomize-guestbook-ui generation 120") });

        const QList<RecordedRequest> patches = server.requests("PATCH", kKustomize);
        QCOMPARE(patches.size(), 1);
        QCOMPARE(patches.at(0).header("Content-Type"), QByteArray("application/json-patch+json"));
        // Revision 8's template without its pod-template-hash label; the annotations kubectl keeps from
        // the Deployment (last-applied-configuration, revision) and the ReplicaSet's others
        // (tracking-id, iksm-version 1.0, change-cause), not its desired/max-replicas.
        const QJsonObject dAnnotations = child(child(d, "metadata"), "annotations");
        QJsonObject expectedTemplate = child(child(withImage(d, repo + QStringLiteral(":0.0")), "spec"), "template");
        const QJsonArray expected {
            QJsonObject { { QStringLiteral("op"), QStringLiteral("replace") },
                { QStringLiteral("path"), QStringLiteral("/spec/template") },
                { QStringLiteral("value"), expectedTemplate } },
            QJsonObject { { QStringLiteral("op"), QStringLiteral("replace") },
                { QStringLiteral("path"), QStringLiteral("/metadata/annotations") },
                { QStringLiteral("value"),
                    QJsonObject {
                        { QStringLiteral("kubectl.kubernetes.io/last-applied-configuration"),
                            dAnnotations.value(QLatin1String("kubectl.kubernetes.io/last-applied-configuration")) },
                        { QStringLiteral("deployment.kubernetes.io/revision"), QStringLiteral("9") },
                        { QStringLiteral("argocd.argoproj.io/tracking-id"),
                            QStringLiteral("guestbook:apps/Deployment:default/kustomize-guestbook-ui") },
                        { QStringLiteral("iksm-version"), QStringLiteral("1.0") },
                        { QStringLiteral("kubernetes.io/change-cause"), QStringLiteral("release 0.0") } } } },
        };
        QCOMPARE(QJsonDocument::fromJson(patches.at(0).body).array(), expected);
        QVERIFY(!patches.at(0).body.contains("pod-template-hash"));
        QVERIFY(out.logs.contains(QStringLiteral("deployment.apps/kustomize-guestbook-ui rolled back")));
        QVERIFY(out.logs.contains(QStringLiteral("deployment \"kustomize-guestbook-ui\" successfully rolled out")));
        QVERIFY(out.steps.contains(QStringLiteral("Roll back to revision 8:succeeded")));
        verifyAuth(server);
        QVERIFY2(server.problems().isEmpty(), qPrintable(server.problems().join(QLatin1Char('\n'))));
    }

    void rollback_chosenRevision_data()
    {
        QTest::addColumn<QString>("historyId");
        QTest::addColumn<QString>("version");
        QTest::addColumn<QString>("expectedImageTag");
        QTest::addRow("history id 7") << "7"
                                      << ""
                                      << "0.0-rc";
        QTest::addRow("version 0.0-rc") << ""
                                        << "0.0-rc"
                                        << "0.0-rc";
        QTest::addRow("version 0.0") << ""
                                     << "0.0"
                                     << "0.0";
    }

    void rollback_chosenRevision()
    {
        QFETCH(QString, historyId);
        QFETCH(QString, version);
        QFETCH(QString, expectedImageTag);
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", kKustomize)
            .reply(ReplayResponse::fixture(QStringLiteral("kubernetes/deployment-complete.json")));
        server.on("GET", kReplicaSets).reply(200, replicaSetList(kustomizeReplicaSets()));
        server.on("PATCH", kKustomize)
            .reply(ReplayResponse::fixture(QStringLiteral("kubernetes/deployment-complete.json")));
        DeployRequest r = request(Action::Rollback, target(server, QStringLiteral("kustomize-guestbook-ui")), version);
        r.historyId = historyId;
        const JobRun out = run(r);
        QVERIFY2(out.result.ok(), qPrintable(out.result.message));
        const QList<RecordedRequest> patches = server.requests("PATCH", kKustomize);
        QCOMPARE(patches.size(), 1);
        const QJsonArray ops = QJsonDocument::fromJson(patches.at(0).body).array();
        const QJsonObject tmpl = ops.at(0).toObject().value(QLatin1String("value")).toObject();
        QCOMPARE(child(tmpl, "spec")
                     .value(QLatin1String("containers"))
                     .toArray()
                     .at(0)
                     .toObject()
                     .value(QLatin1String("image"))
                     .toString(),
            QStringLiteral("quay.io/argoprojlabs/argocd-e2e-container:") + expectedImageTag);
    }

    void rollback_refusals_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("historyId");
        QTest::addColumn<QString>("version");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QString>("message");
        QTest::addRow("unknown revision") << "deployment-complete.json"
                                          << "42"
                                          << "" << false << "unable to find specified revision 42 in history";
        QTest::addRow("no such version") << "deployment-complete.json"
                                         << ""
                                         << "3.0" << false
                                         << "No earlier revision of Deployment \"kustomize-guestbook-ui\" in namespace "
                                            "\"default\" runs version 3.0.";
        QTest::addRow("not a revision") << "deployment-complete.json"
                                        << "abc"
                                        << "" << false << "is not a revision number";
        QTest::addRow("current template")
            << "deployment-complete.json"
            << "9"
            << "" << true << "skipped rollback (current template already matches revision 9)";
        QTest::addRow("paused") << "deployment-paused.json"
                                << ""
                                << "" << false << "you cannot rollback a paused deployment; resume it first";
    }

    void rollback_refusals()
    {
        QFETCH(QString, file);
        QFETCH(QString, historyId);
        QFETCH(QString, version);
        QFETCH(bool, ok);
        QFETCH(QString, message);
        ReplayServer server;
        QVERIFY(server.listen());
        const QJsonObject d = fixture(file);
        const QString name = child(d, "metadata").value(QLatin1String("name")).toString();
        const QString path = QStringLiteral("/apis/apps/v1/namespaces/default/deployments/") + name;
        server.on("GET", path).reply(ReplayResponse::fixture(QStringLiteral("kubernetes/") + file));
        // guestbook-ui's revisions 3 and 4 (it runs 4), derived from deployment-paused.json's template.
        const QJsonArray sets = name == QLatin1String("kustomize-guestbook-ui")
            ? kustomizeReplicaSets()
            : QJsonArray { replicaSet(d, QStringLiteral("75dd4d49d5"), 4,
                               QStringLiteral("gcr.io/heptio-images/ks-guestbook-demo:0.3"),
                               QStringLiteral("2018-07-18T06:19:22Z")),
                  replicaSet(d, QStringLiteral("5d8bd9f6c7"), 3,
                      QStringLiteral("gcr.io/heptio-images/ks-guestbook-demo:0.2"),
                      QStringLiteral("2018-07-18T05:00:00Z")) };
        server.on("GET", kReplicaSets).reply(200, replicaSetList(sets));
        DeployRequest r = request(Action::Rollback, target(server, name), version);
        r.historyId = historyId;
        const JobRun out = run(r);
        QCOMPARE(out.finishedCount, 1);
        QCOMPARE(out.result.ok(), ok);
        QVERIFY2(out.result.message.contains(message), qPrintable(out.result.message));
        QCOMPARE(out.result.changed, false);
        QVERIFY(out.changes.isEmpty());
        QCOMPARE(server.requests("PATCH", path).size(), 0);
    }

    void history_listsTheRevisionsTheDeploymentOwns()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", kKustomize)
            .reply(ReplayResponse::fixture(QStringLiteral("kubernetes/deployment-complete.json")));
        server.on("GET", kReplicaSets)
            .withQuery(QStringLiteral("labelSelector"), QStringLiteral("app=guestbook-ui"))
            .reply(200, replicaSetList(kustomizeReplicaSets()));
        const JobRun out = run(request(Action::History, target(server, QStringLiteral("kustomize-guestbook-ui"))));
        QVERIFY2(out.result.ok(), qPrintable(out.result.message));
        QCOMPARE(out.result.changed, false);
        const QList<HistoryEntry>& h = out.result.history;
        QCOMPARE(h.size(), 3); // revision 12 belongs to another Deployment
        QCOMPARE(h.at(0).id, QStringLiteral("9"));
        QCOMPARE(h.at(0).version, QStringLiteral("0.1"));
        QCOMPARE(h.at(0).previousVersion, QStringLiteral("0.0"));
        QCOMPARE(h.at(0).result, QStringLiteral("succeeded"));
        QCOMPARE(h.at(0).at, QDateTime(QDate(2022, 1, 5), QTime(22, 20, 37), Qt::UTC));
        QCOMPARE(h.at(0).detail, QStringLiteral("ReplicaSet kustomize-guestbook-ui-6549d54677"));
        QCOMPARE(h.at(1).id, QStringLiteral("8"));
        QCOMPARE(h.at(1).version, QStringLiteral("0.0"));
        QCOMPARE(h.at(1).previousVersion, QStringLiteral("0.0-rc"));
        QCOMPARE(h.at(1).result, QStringLiteral("unknown"));
        QCOMPARE(h.at(1).detail, QStringLiteral("ReplicaSet kustomize-guestbook-ui-84c4d4b8f9: release 0.0"));
        QCOMPARE(h.at(2).id, QStringLiteral("7"));
        QCOMPARE(h.at(2).previousVersion, QString());
        QCOMPARE(server.requests("GET", kReplicaSets).size(), 1);
        verifyAuth(server);
    }

    void pauseAndResume_sendTheSpecPatch()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        const QJsonObject paused = with(fixture(QStringLiteral("deployment-complete.json")),
            { QStringLiteral("spec"), QStringLiteral("paused") }, true);
        server.on("GET", kKustomize)
            .reply(ReplayResponse::fixture(QStringLiteral("kubernetes/deployment-complete.json")))
            .reply(200, compact(paused))
            .reply(200, compact(paused));
        server.on("PATCH", kKustomize)
            .reply(200, compact(paused))
            .reply(ReplayResponse::fixture(QStringLiteral("kubernetes/deployment-complete.json")));
        const DeployTarget t = target(server, QStringLiteral("kustomize-guestbook-ui"));

        JobRun out = run(request(Action::Pause, t));
        QVERIFY2(out.result.ok(), qPrintable(out.result.message));
        QCOMPARE(out.result.changed, true);
        QCOMPARE(out.result.state.health, QStringLiteral("Suspended"));
        // The second pause finds it paused and sends nothing.
        out = run(request(Action::Pause, t));
        QVERIFY(out.result.ok());
        QCOMPARE(out.result.changed, false);
        QVERIFY(out.result.message.contains(QStringLiteral("already paused")));
        out = run(request(Action::Resume, t));
        QVERIFY(out.result.ok());
        QCOMPARE(out.result.changed, true);
        QCOMPARE(out.result.state.health, QStringLiteral("Healthy"));

        const QList<RecordedRequest> patches = server.requests("PATCH", kKustomize);
        QCOMPARE(patches.size(), 2);
        for (const RecordedRequest& p : patches)
            QCOMPARE(p.header("Content-Type"), QByteArray("application/strategic-merge-patch+json"));
        QCOMPARE(patches.at(0).body, QByteArray(R"({"spec":{"paused":true}})"));
        QCOMPARE(patches.at(1).body, QByteArray(R"({"spec":{"paused":false}})"));
        verifyAuth(server);
    }

    void abortAndPromote_areNotDeploymentCapabilities()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        for (Action action : { Action::Abort, Action::Promote, Action::Retry }) {
            const JobRun out = run(request(action, target(server)));
            QCOMPARE(out.finishedCount, 1);
            QCOMPARE(out.result.outcome, Deploy::Outcome::Failed);
            QVERIFY2(out.result.message.startsWith(QStringLiteral("The kubernetes backend cannot ")),
                qPrintable(out.result.message));
            QCOMPARE(out.result.changed, false);
        }
        QCOMPARE(server.requestCount(), 0);
    }

    void readErrors_data()
    {
        QTest::addColumn<ReplayResponse>("answer");
        QTest::addColumn<QString>("inMessage");
        QTest::addColumn<QString>("inHint");
        const QJsonObject deploymentDetails { { QStringLiteral("name"), QStringLiteral("guestbook-ui") },
            { QStringLiteral("group"), QStringLiteral("apps") },
            { QStringLiteral("kind"), QStringLiteral("deployments") } };
        QTest::addRow("401") << ReplayResponse::json(
            401, statusBody(401, QStringLiteral("Unauthorized"), QStringLiteral("Unauthorized")))
                             << "HTTP 401 Unauthorized: Unauthorized"
                             << "Settings → Credentials";
        QTest::addRow("403") << ReplayResponse::json(403,
            statusBody(403, QStringLiteral("Forbidden"),
                QStringLiteral(
                    "deployments.apps \"guestbook-ui\" is forbidden: User \"system:serviceaccount:ci:deployer\" "
                    "cannot get resource \"deployments\" in API group \"apps\" in the namespace \"default\""),
                deploymentDetails))
                             << "HTTP 403 Forbidden: deployments.apps \"guestbook-ui\" is forbidden: User "
                                "\"system:serviceaccount:ci:deployer\" cannot get resource"
                             << "RBAC";
        QTest::addRow("404 Status")
            << ReplayResponse::fixture(QStringLiteral("kubernetes/status-404-notfound.json"), 404)
            << "HTTP 404 NotFound: pods \"grafana\" not found"
            << "Check the setting 'deployment' (now \"guestbook-ui\") and 'namespace' (now \"default\")";
        QTest::addRow("404 no API") << ReplayResponse::text(404, "404 page not found\n") << "HTTP 404"
                                    << "check the setting 'url'";
        QTest::addRow("429") << ReplayResponse::json(429,
            statusBody(
                429, QStringLiteral("TooManyRequests"), QStringLiteral("Too many requests, please try again later.")))
                                    .withHeader("Retry-After", "120")
                             << "HTTP 429 TooManyRequests: Too many requests"
                             << "asks to wait 120 s";
        QTest::addRow("500") << ReplayResponse::json(500,
            statusBody(500, QStringLiteral("InternalError"),
                QStringLiteral("Internal error occurred: etcdserver: request timed out")))
                             << "HTTP 500 InternalError: Internal error occurred: etcdserver: request timed out"
                             << "try again later";
        QTest::addRow("dropped") << ReplayResponse::drop() << "closed the connection"
                                 << "try again later";
        QTest::addRow("slow") << ReplayResponse::hang() << "within 0.3 s"
                              << "'requestTimeoutMs'";
        QTest::addRow("not JSON") << ReplayResponse::text(200, "<html>login</html>", "text/html")
                                  << "did not return JSON"
                                  << "points at the Kubernetes API server";
    }

    void readErrors()
    {
        QFETCH(ReplayResponse, answer);
        QFETCH(QString, inMessage);
        QFETCH(QString, inHint);
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", kGuestbook).reply(answer);
        DeployTarget t = target(server);
        t.settings.insert(QStringLiteral("requestTimeoutMs"), QStringLiteral("300"));
        const JobRun out = run(request(Action::Deploy, t, QStringLiteral("0.4")));
        QCOMPARE(out.finishedCount, 1);
        QCOMPARE(out.result.outcome, Deploy::Outcome::Failed);
        QCOMPARE(out.result.changed, false);
        QVERIFY(out.changes.isEmpty());
        QVERIFY2(out.result.message.startsWith(
                     QStringLiteral("Reading Deployment \"guestbook-ui\" in namespace \"default\" failed: ")),
            qPrintable(out.result.message));
        QVERIFY2(out.result.message.contains(inMessage), qPrintable(out.result.message));
        QVERIFY2(out.result.hint.contains(inHint), qPrintable(out.result.hint));
        QCOMPARE(server.requests("PATCH", kGuestbook).size(), 0);
        verifyNoSecret(out);
        server.closeConnections();
    }

    void patchErrors_data()
    {
        QTest::addColumn<ReplayResponse>("answer");
        QTest::addColumn<QString>("inMessage");
        QTest::addColumn<QString>("inHint");
        QTest::addRow("409") << ReplayResponse::json(409,
            statusBody(409, QStringLiteral("Conflict"),
                QStringLiteral(
                    "Operation cannot be fulfilled on deployments.apps \"guestbook-ui\": the object has been "
                    "modified; please apply your changes to the latest version and try again")))
                             << "HTTP 409 Conflict: Operation cannot be fulfilled on deployments.apps \"guestbook-ui\""
                             << "Someone changed the object at the same time";
        QTest::addRow("422") << ReplayResponse::json(422,
            statusBody(422, QStringLiteral("Invalid"),
                QStringLiteral("Deployment.apps \"guestbook-ui\" is invalid: spec.template.spec.containers[0].image: "
                               "Invalid value: \"gcr.io/heptio-images/ks-guestbook-demo:0.4\": bad"),
                QJsonObject { { QStringLiteral("name"), QStringLiteral("guestbook-ui") },
                    { QStringLiteral("causes"),
                        QJsonArray { QJsonObject { { QStringLiteral("reason"), QStringLiteral("FieldValueInvalid") },
                            { QStringLiteral("message"), QStringLiteral("Invalid value: quota") },
                            { QStringLiteral("field"), QStringLiteral("spec.replicas") } } } } }))
                             << "HTTP 422 Invalid: Deployment.apps \"guestbook-ui\" is invalid: "
                                "spec.template.spec.containers[0].image: Invalid value"
                             << "rejected the change as invalid";
        QTest::addRow("422 causes") << ReplayResponse::json(422,
            statusBody(422, QStringLiteral("Invalid"), QStringLiteral("Deployment.apps \"guestbook-ui\" is invalid"),
                QJsonObject { { QStringLiteral("causes"),
                    QJsonArray { QJsonObject { { QStringLiteral("message"), QStringLiteral("Required value") },
                        { QStringLiteral("field"), QStringLiteral("spec.template.spec.containers[0].name") } } } } }))
                                    << "(spec.template.spec.containers[0].name: Required value)"
                                    << "Nothing was changed";
        QTest::addRow("429") << ReplayResponse::json(
            429, statusBody(429, QStringLiteral("TooManyRequests"), QStringLiteral("slow down")))
                                    .withHeader("Retry-After", "7")
                             << "HTTP 429 TooManyRequests: slow down"
                             << "asks to wait 7 s";
        QTest::addRow("503") << ReplayResponse::json(503,
            statusBody(503, QStringLiteral("ServiceUnavailable"),
                QStringLiteral("the server is currently unable to handle the request")))
                             << "HTTP 503 ServiceUnavailable"
                             << "try again later";
        QTest::addRow("dropped") << ReplayResponse::drop() << "closed the connection"
                                 << "may have applied it";
    }

    void patchErrors()
    {
        QFETCH(ReplayResponse, answer);
        QFETCH(QString, inMessage);
        QFETCH(QString, inHint);
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", kGuestbook)
            .reply(ReplayResponse::fixture(QStringLiteral("kubernetes/deployment-progressing.json")));
        server.on("PATCH", kGuestbook).reply(answer);
        const JobRun out = run(request(Action::Deploy, target(server), QStringLiteral("0.4")));
        QCOMPARE(out.finishedCount, 1);
        QCOMPARE(out.result.outcome, Deploy::Outcome::Failed);
        QCOMPARE(out.result.changed, false);
        QVERIFY(out.changes.isEmpty());
        QVERIFY2(out.result.message.startsWith(QStringLiteral(
                     "Setting the image of Deployment \"guestbook-ui\" in namespace \"default\" failed: ")),
            qPrintable(out.result.message));
        QVERIFY2(out.result.message.contains(inMessage), qPrintable(out.result.message));
        QVERIFY2(out.result.hint.contains(inHint), qPrintable(out.result.hint));
        QVERIFY(out.steps.contains(QStringLiteral("Set the image:failed")));
        // A change is never repeated by the client (Qt may resend once on a dropped connection).
        const qsizetype patches = server.requests("PATCH", kGuestbook).size();
        QVERIFY2(patches == 1 || (qstrcmp(QTest::currentDataTag(), "dropped") == 0 && patches <= 3),
            qPrintable(QString::number(patches)));
        verifyNoSecret(out);
    }

    void follow_isBoundedByTimeoutSeconds()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.setMaxRequests(1000);
        server.on("GET", kGuestbook)
            .reply(ReplayResponse::fixture(QStringLiteral("kubernetes/deployment-progressing.json")));
        server.on("PATCH", kGuestbook)
            .reply(ReplayResponse::fixture(QStringLiteral("kubernetes/deployment-progressing.json")));
        DeployTarget t = target(server);
        t.settings.insert(QStringLiteral("timeoutSeconds"), QStringLiteral("1"));
        const JobRun out = run(request(Action::Deploy, t, QStringLiteral("0.4")));
        QCOMPARE(out.result.outcome, Deploy::Outcome::Failed);
        QCOMPARE(out.result.changed, true);
        QVERIFY2(
            out.result.message.startsWith(QStringLiteral(
                "Deployment \"guestbook-ui\" in namespace \"default\" did not finish rolling out within 1 s: "
                "Waiting for deployment \"guestbook-ui\" rollout to finish: 1 old replicas are pending termination")),
            qPrintable(out.result.message));
        QVERIFY(out.result.hint.contains(QStringLiteral("'timeoutSeconds'")));
        // Polls that see no change log nothing new.
        QCOMPARE(out.logs.count(QStringLiteral("Waiting for deployment \"guestbook-ui\" rollout to finish: 1 old "
                                               "replicas are pending termination...")),
            1);
        QVERIFY(!server.overrun());
    }

    void cancel_whileFollowing_keepsTheChange()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.setMaxRequests(1000);
        server.on("GET", kGuestbook)
            .reply(ReplayResponse::fixture(QStringLiteral("kubernetes/deployment-progressing.json")));
        server.on("PATCH", kGuestbook)
            .reply(ReplayResponse::fixture(QStringLiteral("kubernetes/deployment-progressing.json")));
        const JobRun out = run(request(Action::Deploy, target(server), QStringLiteral("0.4")), [](DeployJob* job) {
            QObject::connect(
                job, &DeployJob::changed, job, [job] { QTimer::singleShot(60, job, [job] { job->cancel(); }); });
        });
        QCOMPARE(out.finishedCount, 1);
        QCOMPARE(out.result.outcome, Deploy::Outcome::Cancelled);
        QCOMPARE(out.result.changed, true);
        QVERIFY2(out.result.message.contains(QStringLiteral("was applied")), qPrintable(out.result.message));
        QCOMPARE(out.result.reference, QStringLiteral("default/deployments/guestbook-ui generation 4"));
    }

    void settings_areCheckedBeforeAnyRequest_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("inMessage");
        QTest::addRow("no deployment") << "deployment"
                                       << ""
                                       << "The setting 'deployment' is empty";
        QTest::addRow("bad deployment") << "deployment"
                                        << "Guestbook UI"
                                        << "not a Kubernetes object name";
        QTest::addRow("no url") << "url"
                                << ""
                                << "The setting 'url' is empty";
        QTest::addRow("ftp url") << "url"
                                 << "ftp://example.org"
                                 << "not an http(s) URL";
        QTest::addRow("bad namespace") << "namespace"
                                       << "Prod_1"
                                       << "'namespace'";
        QTest::addRow("missing CA file") << "caCertificate"
                                         << "/nonexistent/ca.pem"
                                         << "'caCertificate' names /nonexistent/ca.pem";
        QTest::addRow("CA file without PEM")
            << "caCertificate" << QStringLiteral(FLIGHTDECK_TEST_DATA "/tls/README.md") << "holds no PEM certificate";
        QTest::addRow("bad poll interval") << "pollIntervalMs"
                                           << "soon"
                                           << "'pollIntervalMs' is \"soon\"";
    }

    void settings_areCheckedBeforeAnyRequest()
    {
        QFETCH(QString, key);
        QFETCH(QString, value);
        QFETCH(QString, inMessage);
        ReplayServer server;
        QVERIFY(server.listen());
        DeployTarget t = target(server);
        t.settings.insert(key, value);
        const JobRun out = run(request(Action::Status, t));
        QCOMPARE(out.finishedCount, 1);
        QCOMPARE(out.result.outcome, Deploy::Outcome::Failed);
        QVERIFY2(out.result.message.contains(inMessage), qPrintable(out.result.message));
        QVERIFY(!out.result.hint.isEmpty());
        QCOMPARE(server.requestCount(), 0);
    }

    void tls_trustsTheConfiguredCa()
    {
        TlsServer server;
        if (!server.listen())
            QSKIP("no TLS backend in this Qt installation");
        server.setResponse(200, ReplayServer::readFixture(QStringLiteral("kubernetes/deployment-complete.json")));
        DeployTarget t;
        t.secret = kToken;
        t.settings = { { QStringLiteral("url"), server.url(QString()).toString() },
            { QStringLiteral("deployment"), QStringLiteral("kustomize-guestbook-ui") },
            { QStringLiteral("requestTimeoutMs"), QStringLiteral("5000") } };

        // Unknown to the system store: refused, with the setting to fix named.
        JobRun out = run(request(Action::Status, t));
        QCOMPARE(out.result.outcome, Deploy::Outcome::Failed);
        QVERIFY2(out.result.message.contains(QStringLiteral("TLS")), qPrintable(out.result.message));
        QVERIFY(out.result.hint.contains(QStringLiteral("'caCertificate'")));
        QVERIFY(server.requestLines().isEmpty());
        QVERIFY(server.handshakeFailures() >= 1);

        t.settings.insert(QStringLiteral("caCertificate"), TlsServer::caPath());
        out = run(request(Action::Status, t));
        QVERIFY2(out.result.ok(), qPrintable(out.result.message + QLatin1Char('\n') + out.result.hint));
        QCOMPARE(out.result.state.version, QStringLiteral("0.1"));
        QCOMPARE(server.requestLines(), QStringList { QStringLiteral("GET ") + kKustomize });

        t.settings.remove(QStringLiteral("caCertificate"));
        t.settings.insert(QStringLiteral("insecureSkipTlsVerify"), QStringLiteral("true"));
        out = run(request(Action::Status, t));
        QVERIFY2(out.result.ok(), qPrintable(out.result.message));
        QCOMPARE(server.requestLines().size(), 2);
    }
};

QTEST_GUILESS_MAIN(tst_KubernetesBackend)
#include "tst_kubernetesbackend.moc"
