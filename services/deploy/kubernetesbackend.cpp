// SPDX-License-Identifier: Apache-2.0
#include "kubernetesbackend.h"

#include "kubernetesclient.h"

#include <QJsonDocument>
#include <QMetaObject>

#include <algorithm>

namespace Flightdeck::Deploy {

namespace {

using namespace Kube;

const QString RevisionAnnotation = QStringLiteral("deployment.kubernetes.io/revision");
const QString RevisionHistoryAnnotation = QStringLiteral("deployment.kubernetes.io/revision-history");
const QString HashLabel = QStringLiteral("pod-template-hash");

// The Deployment annotations kubectl rollout undo keeps from the Deployment rather than taking from
// the ReplicaSet (kubectl's annotationsToSkip).
const QStringList DeploymentOwnedAnnotations { QStringLiteral("kubectl.kubernetes.io/last-applied-configuration"),
    RevisionAnnotation, RevisionHistoryAnnotation, QStringLiteral("deployment.kubernetes.io/desired-replicas"),
    QStringLiteral("deployment.kubernetes.io/max-replicas"), QStringLiteral("deprecated.deployment.rollback.to") };

QString quoted(const QString& name)
{
    return QLatin1Char('"') + name + QLatin1Char('"');
}

qint64 integer(const QJsonObject& o, const char* section, const char* key, bool* present = nullptr)
{
    const QJsonValue v = o.value(QLatin1String(section)).toObject().value(QLatin1String(key));
    if (present)
        *present = v.isDouble();
    return v.toInteger();
}

bool isPaused(const QJsonObject& d)
{
    return d.value(QLatin1String("spec")).toObject().value(QLatin1String("paused")).toBool();
}

// kubectl's DeploymentStatusViewer.Status, line for line.
struct RolloutStatus
{
    QString message;
    bool done = false;
    bool failed = false;
};

RolloutStatus rolloutStatus(const QJsonObject& d)
{
    const QString name = metadataName(d);
    const qint64 generation = integer(d, "metadata", "generation");
    const qint64 observed = integer(d, "status", "observedGeneration");
    if (generation > observed)
        return { QStringLiteral("Waiting for deployment spec update to be observed..."), false, false };
    const QJsonObject progressing = condition(d, QStringLiteral("Progressing"));
    if (progressing.value(QLatin1String("reason")).toString() == QLatin1String("ProgressDeadlineExceeded"))
        return { QStringLiteral("deployment %1 exceeded its progress deadline").arg(quoted(name)), false, true };
    bool hasSpecReplicas = false;
    const qint64 specReplicas = integer(d, "spec", "replicas", &hasSpecReplicas);
    const qint64 updated = integer(d, "status", "updatedReplicas");
    const qint64 replicas = integer(d, "status", "replicas");
    const qint64 available = integer(d, "status", "availableReplicas");
    if (hasSpecReplicas && updated < specReplicas)
        return { QStringLiteral("Waiting for deployment %1 rollout to finish: %2 out of %3 new replicas have been "
                                "updated...")
                     .arg(quoted(name))
                     .arg(updated)
                     .arg(specReplicas),
            false, false };
    if (replicas > updated)
        return { QStringLiteral(
                     "Waiting for deployment %1 rollout to finish: %2 old replicas are pending termination...")
                     .arg(quoted(name))
                     .arg(replicas - updated),
            false, false };
    if (available < updated)
        return { QStringLiteral(
                     "Waiting for deployment %1 rollout to finish: %2 of %3 updated replicas are available...")
                     .arg(quoted(name))
                     .arg(available)
                     .arg(updated),
            false, false };
    return { QStringLiteral("deployment %1 successfully rolled out").arg(quoted(name)), true, false };
}

DeploymentState stateOf(const QJsonObject& d, const QString& container)
{
    DeploymentState s;
    const QString name = metadataName(d);
    s.version = imageTag(containerImage(podTemplate(d), container));
    s.revision = annotation(d, RevisionAnnotation);
    const RolloutStatus rollout = rolloutStatus(d);
    const QJsonObject progressing = condition(d, QStringLiteral("Progressing"));
    if (isPaused(d)) {
        s.status = QStringLiteral("Paused");
        s.health = QStringLiteral("Suspended");
        s.message = QStringLiteral("Deployment is paused; %1").arg(rollout.message);
    } else if (rollout.failed) {
        s.status = QStringLiteral("Failed");
        s.health = QStringLiteral("Degraded");
        const QString why = progressing.value(QLatin1String("message")).toString();
        s.message = why.isEmpty() ? rollout.message : QStringLiteral("%1: %2").arg(rollout.message, why);
    } else if (rollout.done) {
        s.status = QStringLiteral("Complete");
        s.health = QStringLiteral("Healthy");
        s.message = rollout.message;
    } else {
        s.status = QStringLiteral("Progressing");
        s.health = QStringLiteral("Progressing");
        s.message = rollout.message;
    }
    // When the current ReplicaSet last progressed: the closest the Deployment itself has to "deployed at".
    s.deployedAt = timestamp(progressing.value(QLatin1String("lastUpdateTime")));
    s.resources << QStringLiteral("Deployment/%1: %2").arg(name, s.health);
    return s;
}

class DeploymentJob final : public KubeJob
{
public:
    DeploymentJob(Net::HttpClient* http, const Cluster& cluster, DeployRequest request, QObject* parent)
        : KubeJob(http, cluster, parent)
        , m_request(std::move(request))
        , m_name(m_request.target.setting(QStringLiteral("deployment")).trimmed())
        , m_container(m_request.target.setting(QStringLiteral("container")).trimmed())
        , m_path(cluster.path(QStringLiteral("apps/v1"), QStringLiteral("deployments"), m_name))
    {
        QMetaObject::invokeMethod(
            this, [this] { run(); }, Qt::QueuedConnection);
    }

private:
    QString described() const { return tr("Deployment %1 in namespace %2").arg(quoted(m_name), quoted(cluster().ns)); }
    Subject subject(const QString& action) const
    {
        return Subject { action, QStringLiteral("deployment"), m_name, {} };
    }

    void run()
    {
        if (isFinished())
            return;
        Q_EMIT step(tr("Read the Deployment"), QStringLiteral("running"));
        send(cluster().get(m_path), subject(tr("Reading %1").arg(described())), [this](const QJsonObject& d) {
            Q_EMIT step(tr("Read the Deployment"), QStringLiteral("succeeded"));
            m_deployment = d;
            QJsonObject container;
            QString problem;
            QString hint;
            const bool needsVersion = m_request.action != Action::Pause && m_request.action != Action::Resume;
            if (pickContainer(podTemplate(d), m_container, described(), &container, &problem, &hint) >= 0)
                m_container = container.value(QLatin1String("name")).toString();
            else if (needsVersion) {
                fail(problem, hint);
                return;
            }
            m_state = stateOf(d, m_container);
            switch (m_request.action) {
            case Action::Status:
                succeed(DeployResult { .message = m_state.message });
                return;
            case Action::History:
                listReplicaSets([this](const QList<QJsonObject>& sets) { history(sets); });
                return;
            case Action::Deploy:
                deploy(container);
                return;
            case Action::Rollback:
                listReplicaSets([this](const QList<QJsonObject>& sets) { rollback(sets); });
                return;
            case Action::Pause:
            case Action::Resume:
                pauseOrResume(m_request.action == Action::Pause);
                return;
            default:
                fail(tr("The kubernetes backend cannot %1.").arg(actionName(m_request.action)));
                return;
            }
        });
    }

    void listReplicaSets(std::function<void(const QList<QJsonObject>&)> next)
    {
        KubeJob::listReplicaSets(m_deployment, QStringLiteral("Deployment"), m_name, RevisionAnnotation, described(), std::move(next));
    }

    void history(const QList<QJsonObject>& sets)
    {
        DeployResult result;
        const qint64 current = revisionOf(m_deployment, RevisionAnnotation);
        for (qsizetype i = 0; i < sets.size(); ++i) {
            const QJsonObject& rs = sets.at(i);
            HistoryEntry e;
            const qint64 revision = revisionOf(rs, RevisionAnnotation);
            e.id = QString::number(revision);
            e.version = imageTag(containerImage(podTemplate(rs), m_container));
            if (i + 1 < sets.size())
                e.previousVersion = imageTag(containerImage(podTemplate(sets.at(i + 1)), m_container));
            e.operation = annotation(rs, RevisionHistoryAnnotation).isEmpty() ? QStringLiteral("deploy")
                                                                              : QStringLiteral("rollback");
            e.at = timestamp(rs.value(QLatin1String("metadata")).toObject().value(QLatin1String("creationTimestamp")));
            if (revision == current)
                e.result = m_state.status == QLatin1String("Complete") ? QStringLiteral("succeeded")
                    : m_state.status == QLatin1String("Failed")        ? QStringLiteral("failed")
                                                                       : QStringLiteral("running");
            else
                e.result = QStringLiteral("unknown");
            e.detail = tr("ReplicaSet %1").arg(metadataName(rs));
            const QString cause = annotation(rs, QStringLiteral("kubernetes.io/change-cause"));
            if (!cause.isEmpty())
                e.detail += QStringLiteral(": ") + cause;
            result.history << e;
        }
        result.message = tr("%n revision(s) of %1", nullptr, int(result.history.size())).arg(described());
        succeed(result);
    }

    void deploy(const QJsonObject& container)
    {
        const QString currentImage = container.value(QLatin1String("image")).toString();
        QString repository = m_request.target.setting(QStringLiteral("image")).trimmed();
        if (repository.isEmpty())
            repository = imageRepository(currentImage);
        const QString image = repository + QLatin1Char(':') + m_request.version;
        m_targetVersion = m_request.version;
        if (isPaused(m_deployment)) {
            fail(tr("%1 is paused: the new image would not roll out until it is resumed. Nothing was changed.")
                     .arg(described()),
                tr("Resume it first (or in a terminal: kubectl rollout resume deployment/%1 -n %2), then deploy again.")
                    .arg(m_name, cluster().ns));
            return;
        }
        if (currentImage == image) {
            Q_EMIT log(tr("Container %1 already runs %2; nothing to change.").arg(quoted(m_container), image));
            follow();
            return;
        }
        Q_EMIT step(tr("Set the image"), QStringLiteral("running"));
        Q_EMIT log(
            tr("Setting container %1 of %2 to %3 (was %4)").arg(quoted(m_container), described(), image, currentImage));
        QJsonObject entry { { QStringLiteral("name"), m_container }, { QStringLiteral("image"), image } };
        const QJsonObject patch { { QStringLiteral("spec"),
            QJsonObject { { QStringLiteral("template"),
                QJsonObject { { QStringLiteral("spec"),
                    QJsonObject { { QStringLiteral("containers"), QJsonArray { entry } } } } } } } } };
        send(
            cluster().patch(m_path, StrategicMergePatch, QJsonDocument(patch).toJson(QJsonDocument::Compact)),
            subject(tr("Setting the image of %1").arg(described())),
            [this](const QJsonObject& d) {
                Q_EMIT step(tr("Set the image"), QStringLiteral("succeeded"));
                patched(d);
            },
            [this](const Net::HttpResponse&) {
                Q_EMIT step(tr("Set the image"), QStringLiteral("failed"));
                return false;
            },
            true);
    }

    void rollback(const QList<QJsonObject>& sets)
    {
        const qint64 current = revisionOf(m_deployment, RevisionAnnotation);
        Failure failure;
        const QJsonObject target = rollbackTarget(sets, RevisionAnnotation, m_request.historyId, m_request.version, m_container,
            described(), [current](const QJsonObject& rs) { return revisionOf(rs, RevisionAnnotation) == current; },
            tr("no rollout history found for deployment %1").arg(quoted(m_name)), &failure);
        if (target.isEmpty()) {
            fail(failure);
            return;
        }
        const qint64 revision = revisionOf(target, RevisionAnnotation);
        m_targetVersion = imageTag(containerImage(podTemplate(target), m_container));
        if (isPaused(m_deployment)) {
            fail(tr("you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try "
                    "again (%1). Nothing was changed.")
                     .arg(described()),
                tr("Resume it first, then roll back again."));
            return;
        }
        if (templatesEqual(podTemplate(target), podTemplate(m_deployment), HashLabel)) {
            Q_EMIT log(tr("skipped rollback (current template already matches revision %1)").arg(revision));
            succeed(DeployResult {
                .message = tr("skipped rollback (current template already matches revision %1)").arg(revision) });
            return;
        }

        QJsonObject annotations;
        const QJsonObject own
            = m_deployment.value(QLatin1String("metadata")).toObject().value(QLatin1String("annotations")).toObject();
        for (const QString& key : DeploymentOwnedAnnotations)
            if (own.contains(key))
                annotations.insert(key, own.value(key));
        const QJsonObject theirs
            = target.value(QLatin1String("metadata")).toObject().value(QLatin1String("annotations")).toObject();
        for (auto it = theirs.begin(); it != theirs.end(); ++it)
            if (!DeploymentOwnedAnnotations.contains(it.key()))
                annotations.insert(it.key(), it.value());
        const QJsonArray patch {
            QJsonObject { { QStringLiteral("op"), QStringLiteral("replace") },
                { QStringLiteral("path"), QStringLiteral("/spec/template") },
                { QStringLiteral("value"), withoutLabel(podTemplate(target), HashLabel) } },
            QJsonObject { { QStringLiteral("op"), QStringLiteral("replace") },
                { QStringLiteral("path"), QStringLiteral("/metadata/annotations") },
                { QStringLiteral("value"), annotations } },
        };
        const QString stepName = tr("Roll back to revision %1").arg(revision);
        Q_EMIT step(stepName, QStringLiteral("running"));
        Q_EMIT log(tr("Rolling %1 back to revision %2 (version %3, ReplicaSet %4)")
                       .arg(described())
                       .arg(revision)
                       .arg(m_targetVersion, metadataName(target)));
        send(
            cluster().patch(m_path, JsonPatch, QJsonDocument(patch).toJson(QJsonDocument::Compact)),
            subject(tr("Rolling back %1 to revision %2").arg(described()).arg(revision)),
            [this, stepName](const QJsonObject& d) {
                Q_EMIT step(stepName, QStringLiteral("succeeded"));
                Q_EMIT log(tr("deployment.apps/%1 rolled back").arg(m_name));
                patched(d);
            },
            [this, stepName](const Net::HttpResponse&) {
                Q_EMIT step(stepName, QStringLiteral("failed"));
                return false;
            },
            true);
    }

    void pauseOrResume(bool pause)
    {
        const QString done = pause ? tr("paused") : tr("resumed");
        if (isPaused(m_deployment) == pause) {
            succeed(DeployResult { .message = tr("%1 is already %2; nothing to change.").arg(described(), done) });
            return;
        }
        const QJsonObject patch { { QStringLiteral("spec"), QJsonObject { { QStringLiteral("paused"), pause } } } };
        send(
            cluster().patch(m_path, StrategicMergePatch, QJsonDocument(patch).toJson(QJsonDocument::Compact)),
            subject(pause ? tr("Pausing %1").arg(described()) : tr("Resuming %1").arg(described())),
            [this, done](const QJsonObject& d) {
                m_deployment = d;
                m_state = stateOf(d, m_container);
                markChanged(reference(d));
                Q_EMIT log(tr("deployment.apps/%1 %2").arg(m_name, done));
                succeed(DeployResult { .message = tr("%1 %2.").arg(described(), done) });
            },
            {}, true);
    }

    QString reference(const QJsonObject& d) const
    {
        return QStringLiteral("%1/deployments/%2 generation %3")
            .arg(cluster().ns, m_name)
            .arg(d.value(QLatin1String("metadata")).toObject().value(QLatin1String("generation")).toInteger());
    }

    void patched(const QJsonObject& d)
    {
        m_deployment = d;
        m_state = stateOf(d, m_container);
        markChanged(reference(d));
        follow();
    }

    void follow()
    {
        startFollowing();
        Q_EMIT step(tr("Roll out"), QStringLiteral("running"));
        poll();
    }

    void poll()
    {
        send(
            cluster().get(m_path), subject(tr("Reading the rollout status of %1").arg(described())),
            [this](const QJsonObject& d) {
                m_deployment = d;
                m_state = stateOf(d, m_container);
                const RolloutStatus status = rolloutStatus(d);
                logChange(status.message);
                if (status.failed) {
                    Q_EMIT step(tr("Roll out"), QStringLiteral("failed"));
                    fail(m_state.message,
                        tr("The new pods did not become available within the Deployment's progressDeadlineSeconds "
                           "(image pull, crash loop, quota, readiness). Look at its pods' events; roll back to "
                           "return to the previous revision."));
                    return;
                }
                if (status.done) {
                    Q_EMIT step(tr("Roll out"), QStringLiteral("succeeded"));
                    DeployResult result;
                    result.message = m_state.version.isEmpty()
                        ? status.message
                        : tr("%1 (version %2)").arg(status.message, m_state.version);
                    succeed(result);
                    return;
                }
                if (pastDeadline()) {
                    Q_EMIT step(tr("Roll out"), QStringLiteral("failed"));
                    fail(tr("%1 did not finish rolling out within %2 s: %3")
                             .arg(described())
                             .arg(cluster().timeoutSeconds)
                             .arg(status.message),
                        hasChanged() ? tr("The change was applied and the rollout goes on in the cluster; look at it "
                                          "again later, or raise the setting 'timeoutSeconds'.")
                                     : tr("Look at it again later, or raise the setting 'timeoutSeconds'."));
                    return;
                }
                later([this] { poll(); });
            },
            [this](const Net::HttpResponse& response) {
                Q_EMIT step(tr("Roll out"), QStringLiteral("failed"));
                Failure f = describeFailure(
                    response, subject(tr("Reading the rollout status of %1").arg(described())), cluster());
                if (hasChanged())
                    f.hint
                        += QLatin1Char(' ') + tr("The change itself was applied; the rollout goes on in the cluster.");
                fail(f);
                return true;
            });
    }

    DeployRequest m_request;
    QString m_name;
    QString m_container;
    QString m_path;
    QString m_targetVersion;
    QJsonObject m_deployment;
};

} // namespace

KubernetesBackend::KubernetesBackend(const BackendContext& context, QObject* parent)
    : DeployBackend(context, parent)
{ }

KubernetesBackend::~KubernetesBackend() = default;

Capabilities KubernetesBackend::capabilities() const
{
    return Capability::Deploy | Capability::Rollback | Capability::PauseResume | Capability::Status
        | Capability::History | Capability::LiveProgress;
}

DeployJob* KubernetesBackend::start(const DeployRequest& request)
{
    if (!can(requiredCapability(request.action)))
        return unsupportedJob(request.action);
    if (!context().http)
        return failedJob(tr("The kubernetes backend %1 has no HTTP client.").arg(context().name));
    Cluster cluster;
    QString message;
    QString hint;
    if (!Cluster::fromTarget(request.target, &cluster, &message, &hint))
        return failedJob(message, hint);
    QString name;
    Failure failure;
    if (!checkWorkloadRequest(request, QStringLiteral("deployment"), QStringLiteral("Kubernetes Deployment"), &name, &failure))
        return failedJob(failure.message, failure.hint);
    return new DeploymentJob(context().http, cluster, request, this);
}

} // namespace Flightdeck::Deploy
