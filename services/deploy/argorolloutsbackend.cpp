// SPDX-License-Identifier: Apache-2.0
#include "argorolloutsbackend.h"

#include "kubernetesclient.h"

#include <QJsonDocument>
#include <QMetaObject>

#include <algorithm>
#include <optional>

namespace Flightdeck::Deploy {

namespace {

using namespace Kube;

const QString RolloutsGroupVersion = QStringLiteral("argoproj.io/v1alpha1");
const QString RevisionAnnotation = QStringLiteral("rollout.argoproj.io/revision");
const QString WorkloadGenerationAnnotation = QStringLiteral("rollout.argoproj.io/workload-generation");
const QString HashLabel = QStringLiteral("rollouts-pod-template-hash");
const int MaxSetImageAttempts = 5; // the plugin's maxAttempts for set image conflicts

// The plugin's patches, byte for byte (pkg/kubectl-argo-rollouts/cmd/{promote,abort,retry,pause}).
const QByteArray UnpausePatch = R"({"spec":{"paused":false}})";
const QByteArray PausePatch = R"({"spec":{"paused":true}})";
const QByteArray ClearPauseConditionsPatch = R"({"status":{"pauseConditions":null}})";
const QByteArray UnpauseAndClearPauseConditionsPatch = R"({"spec":{"paused":false},"status":{"pauseConditions":null}})";
const QByteArray PromoteFullPatch = R"({"status":{"promoteFull":true}})";
const QByteArray UnpauseAndPromoteFullPatch = R"({"spec":{"paused":false},"status":{"promoteFull":true}})";
const QByteArray AbortPatch = R"({"status":{"abort":true}})";
const QByteArray RetryPatch = R"({"status":{"abort":false}})";

QByteArray clearPauseConditionsPatchWithStep(qint64 index)
{
    return R"({"status":{"pauseConditions":null, "currentStepIndex":)" + QByteArray::number(index) + "}}";
}

QByteArray unpauseAndClearPauseConditionsPatchWithStep(qint64 index)
{
    return R"({"spec":{"paused":false},"status":{"pauseConditions":null, "currentStepIndex":)"
        + QByteArray::number(index) + "}}";
}

QByteArray clearPauseConditionsAndControllerPausePatch(qint64 index)
{
    return R"({"status":{"pauseConditions":null, "controllerPause":false, "currentStepIndex":)"
        + QByteArray::number(index) + "}}";
}

QJsonObject section(const QJsonObject& o, const char* name)
{
    return o.value(QLatin1String(name)).toObject();
}

QJsonObject spec(const QJsonObject& ro)
{
    return section(ro, "spec");
}

QJsonObject status(const QJsonObject& ro)
{
    return section(ro, "status");
}

QJsonObject canaryStrategy(const QJsonObject& ro)
{
    return section(spec(ro), "strategy").value(QLatin1String("canary")).toObject();
}

bool isCanary(const QJsonObject& ro)
{
    return section(spec(ro), "strategy").contains(QLatin1String("canary"));
}

bool isBlueGreen(const QJsonObject& ro)
{
    return section(spec(ro), "strategy").contains(QLatin1String("blueGreen"));
}

QJsonArray canarySteps(const QJsonObject& ro)
{
    return canaryStrategy(ro).value(QLatin1String("steps")).toArray();
}

// replicasetutil.GetCurrentCanaryStep: the index (0 when unset) for a canary with steps.
std::optional<qint64> currentStepIndex(const QJsonObject& ro)
{
    if (!isCanary(ro) || canarySteps(ro).isEmpty())
        return std::nullopt;
    return status(ro).value(QLatin1String("currentStepIndex")).toInteger(0);
}

QJsonArray pauseConditions(const QJsonObject& ro)
{
    return status(ro).value(QLatin1String("pauseConditions")).toArray();
}

bool specPaused(const QJsonObject& ro)
{
    return spec(ro).value(QLatin1String("paused")).toBool();
}

// rolloututil.CanaryStepString
QString stepText(const QJsonObject& step)
{
    if (step.contains(QLatin1String("setWeight")))
        return QStringLiteral("setWeight: %1").arg(step.value(QLatin1String("setWeight")).toInteger());
    if (step.contains(QLatin1String("pause"))) {
        const QJsonValue duration = step.value(QLatin1String("pause")).toObject().value(QLatin1String("duration"));
        if (duration.isString())
            return QStringLiteral("pause: %1").arg(duration.toString());
        if (duration.isDouble())
            return QStringLiteral("pause: %1s").arg(duration.toInteger());
        return QStringLiteral("pause");
    }
    if (step.contains(QLatin1String("experiment")))
        return QStringLiteral("experiment");
    if (step.contains(QLatin1String("analysis")))
        return QStringLiteral("analysis");
    if (step.contains(QLatin1String("setCanaryScale")))
        return QStringLiteral("setCanaryScale");
    return QStringLiteral("invalid");
}

struct Phase
{
    QString phase;
    QString message;
};

// rolloututil.GetRolloutPhase, falling back to CalculateRolloutPhase when the controller set no phase.
Phase rolloutPhase(const QJsonObject& ro)
{
    const QJsonObject st = status(ro);
    const qint64 generation = section(ro, "metadata").value(QLatin1String("generation")).toInteger();
    bool numeric = false;
    const qint64 observed = st.value(QLatin1String("observedGeneration")).toString().toLongLong(&numeric);
    if (numeric && observed <= generation && observed != generation)
        return { QStringLiteral("Progressing"), QStringLiteral("waiting for rollout spec update to be observed") };
    if (st.value(QLatin1String("controllerPause")).toBool() && pauseConditions(ro).isEmpty())
        return { QStringLiteral("Progressing"), QStringLiteral("waiting for rollout to unpause") };
    if (spec(ro).contains(QLatin1String("workloadRef"))) {
        const QString wanted = annotation(ro, WorkloadGenerationAnnotation);
        bool ok = false;
        const qint64 seen = st.value(QLatin1String("workloadObservedGeneration")).toString().toLongLong(&ok);
        if (!wanted.isEmpty() && ok && seen != wanted.toLongLong())
            return { QStringLiteral("Progressing"),
                QStringLiteral("waiting for rollout spec update to be observed for the reference workload") };
    }
    const QString phase = st.value(QLatin1String("phase")).toString();
    if (!phase.isEmpty())
        return { phase, st.value(QLatin1String("message")).toString() };

    for (const QJsonValue& value : st.value(QLatin1String("conditions")).toArray()) {
        const QJsonObject c = value.toObject();
        const QString message = c.value(QLatin1String("message")).toString();
        if (c.value(QLatin1String("type")).toString() == QLatin1String("InvalidSpec"))
            return { QStringLiteral("Degraded"), QStringLiteral("InvalidSpec: %1").arg(message) };
        const QString reason = c.value(QLatin1String("reason")).toString();
        if (reason == QLatin1String("RolloutAborted") || reason == QLatin1String("ProgressDeadlineExceeded"))
            return { QStringLiteral("Degraded"), QStringLiteral("%1: %2").arg(reason, message) };
    }
    if (specPaused(ro))
        return { QStringLiteral("Paused"), QStringLiteral("manually paused") };
    if (!pauseConditions(ro).isEmpty())
        return { QStringLiteral("Paused"),
            pauseConditions(ro).at(0).toObject().value(QLatin1String("reason")).toString() };
    const QString restartAt = spec(ro).value(QLatin1String("restartAt")).toString();
    if (!restartAt.isEmpty() && timestamp(restartAt) != timestamp(st.value(QLatin1String("restartedAt"))))
        return { QStringLiteral("Progressing"), QStringLiteral("rollout is restarting") };
    const qint64 replicas = spec(ro).value(QLatin1String("replicas")).toInteger(1);
    const qint64 updated = st.value(QLatin1String("updatedReplicas")).toInteger();
    const qint64 available = st.value(QLatin1String("availableReplicas")).toInteger();
    if (updated < replicas)
        return { QStringLiteral("Progressing"), QStringLiteral("more replicas need to be updated") };
    if (available < updated)
        return { QStringLiteral("Progressing"), QStringLiteral("updated replicas are still becoming available") };
    const QString currentHash = st.value(QLatin1String("currentPodHash")).toString();
    const QString stable = st.value(QLatin1String("stableRS")).toString();
    if (isBlueGreen(ro)) {
        const QString active = section(st, "blueGreen").value(QLatin1String("activeSelector")).toString();
        if (active.isEmpty() || active != currentHash)
            return { QStringLiteral("Progressing"), QStringLiteral("active service cutover pending") };
        if (stable.isEmpty() || stable != currentHash) {
            const bool postAnalysis
                = section(section(spec(ro), "strategy"), "blueGreen").contains(QLatin1String("postPromotionAnalysis"));
            const QString run = section(section(st, "blueGreen"), "postPromotionAnalysisRunStatus")
                                    .value(QLatin1String("status"))
                                    .toString();
            if (postAnalysis && (run.isEmpty() || run == QLatin1String("Pending") || run == QLatin1String("Running")))
                return { QStringLiteral("Progressing"), QStringLiteral("waiting for analysis to complete") };
            return { QStringLiteral("Progressing"),
                QStringLiteral("waiting for post-promotion verification to complete") };
        }
    } else if (isCanary(ro)) {
        if (!canaryStrategy(ro).contains(QLatin1String("trafficRouting"))
            && st.value(QLatin1String("replicas")).toInteger() > updated)
            return { QStringLiteral("Progressing"), QStringLiteral("old replicas are pending termination") };
        if (stable.isEmpty() || stable != currentHash)
            return { QStringLiteral("Progressing"), QStringLiteral("waiting for all steps to complete") };
    }
    return { QStringLiteral("Healthy"), QString() };
}

// status.canary.weights.canary.weight when the controller reports it (traffic routing), else
// replicasetutil.GetCurrentSetWeight: 0 when aborted, 100 past the last step, else the last setWeight
// at or before the current step. -1 when not a canary.
int canaryWeight(const QJsonObject& ro)
{
    if (!isCanary(ro))
        return -1;
    const QJsonValue reported
        = section(section(section(status(ro), "canary"), "weights"), "canary").value(QLatin1String("weight"));
    if (reported.isDouble())
        return int(reported.toInteger());
    if (status(ro).value(QLatin1String("abort")).toBool())
        return 0;
    const auto index = currentStepIndex(ro);
    const QJsonArray steps = canarySteps(ro);
    if (!index || *index >= steps.size())
        return 100;
    for (qint64 i = *index; i >= 0; --i) {
        const QJsonObject step = steps.at(i).toObject();
        if (step.contains(QLatin1String("setWeight")))
            return int(step.value(QLatin1String("setWeight")).toInteger());
    }
    return 0;
}

// The runs the Rollout's status names: "name" → "phase".
QList<QPair<QString, QString>> embeddedAnalysisRuns(const QJsonObject& ro)
{
    QList<QPair<QString, QString>> runs;
    const QJsonObject st = status(ro);
    const QList<QJsonObject> candidates { section(section(st, "canary"), "currentStepAnalysisRunStatus"),
        section(section(st, "canary"), "currentBackgroundAnalysisRunStatus"),
        section(section(st, "blueGreen"), "prePromotionAnalysisRunStatus"),
        section(section(st, "blueGreen"), "postPromotionAnalysisRunStatus") };
    for (const QJsonObject& run : candidates) {
        const QString name = run.value(QLatin1String("name")).toString();
        if (!name.isEmpty())
            runs.append({ name, run.value(QLatin1String("status")).toString() });
    }
    return runs;
}

QString healthOf(const QString& phase)
{
    if (phase == QLatin1String("Healthy"))
        return QStringLiteral("Healthy");
    if (phase == QLatin1String("Degraded"))
        return QStringLiteral("Degraded");
    if (phase == QLatin1String("Paused"))
        return QStringLiteral("Suspended");
    if (phase == QLatin1String("Progressing"))
        return QStringLiteral("Progressing");
    return QStringLiteral("Unknown");
}

// Paused for a person, not for a timer: a pause step without duration, a blue-green pause without
// auto-promotion, an inconclusive analysis or experiment, a manual pause.
bool waitsForPromotion(const QJsonObject& ro)
{
    if (specPaused(ro))
        return true;
    const QJsonArray conditions = pauseConditions(ro);
    if (conditions.isEmpty())
        return true;
    for (const QJsonValue& value : conditions) {
        const QString reason = value.toObject().value(QLatin1String("reason")).toString();
        if (reason == QLatin1String("CanaryPauseStep")) {
            const auto index = currentStepIndex(ro);
            const QJsonArray steps = canarySteps(ro);
            if (index && *index < steps.size()
                && steps.at(*index)
                       .toObject()
                       .value(QLatin1String("pause"))
                       .toObject()
                       .contains(QLatin1String("duration")))
                continue;
            return true;
        }
        if (reason == QLatin1String("BlueGreenPause")) {
            const QJsonObject blueGreen = section(section(spec(ro), "strategy"), "blueGreen");
            if (blueGreen.contains(QLatin1String("autoPromotionSeconds"))
                && blueGreen.value(QLatin1String("autoPromotionEnabled")).toBool(true))
                continue;
            return true;
        }
        return true;
    }
    return false;
}

QString stepPosition(const QJsonObject& ro)
{
    const auto index = currentStepIndex(ro);
    if (!index)
        return {};
    return QStringLiteral("%1/%2").arg(*index).arg(canarySteps(ro).size());
}

class RolloutJob final : public KubeJob
{
public:
    RolloutJob(Net::HttpClient* http, const Cluster& cluster, DeployRequest request, QObject* parent)
        : KubeJob(http, cluster, parent)
        , m_request(std::move(request))
        , m_name(m_request.target.setting(QStringLiteral("rollout")).trimmed())
        , m_container(m_request.target.setting(QStringLiteral("container")).trimmed())
        , m_path(cluster.path(RolloutsGroupVersion, QStringLiteral("rollouts"), m_name))
    {
        QMetaObject::invokeMethod(
            this, [this] { run(); }, Qt::QueuedConnection);
    }

private:
    QString described() const { return tr("Rollout %1 in namespace %2").arg(quoted(m_name), quoted(cluster().ns)); }
    static QString quoted(const QString& name) { return QLatin1Char('"') + name + QLatin1Char('"'); }
    Subject subject(const QString& action) const
    {
        return Subject { action, QStringLiteral("rollout"), m_name,
            tr("Is Argo Rollouts installed in this cluster (its CustomResourceDefinitions)?") };
    }
    QString statusPath() const { return m_path + QStringLiteral("/status"); }

    void run()
    {
        if (isFinished())
            return;
        switch (m_request.action) {
        case Action::Abort:
            patchStatus(AbortPatch, tr("Abort"), tr("rollout '%1' aborted").arg(m_name), false);
            return;
        case Action::Retry:
            patchStatus(RetryPatch, tr("Retry"), tr("rollout '%1' retried").arg(m_name), true);
            return;
        case Action::Pause:
            patchMain(PausePatch, tr("Pause"), tr("rollout '%1' paused").arg(m_name));
            return;
        case Action::Resume:
            patchMain(UnpausePatch, tr("Resume"), tr("rollout '%1' resumed").arg(m_name));
            return;
        default:
            break;
        }
        readRollout([this] {
            switch (m_request.action) {
            case Action::Status:
                readWorkload(
                    [this] { listAnalysisRuns([this] { succeed(DeployResult { .message = m_state.message }); }); });
                return;
            case Action::History:
                readWorkload([this] { listReplicaSets([this](const QList<QJsonObject>& sets) { history(sets); }); });
                return;
            case Action::Deploy:
                readWorkload([this] { setImage(); });
                return;
            case Action::Rollback:
                readWorkload([this] { listReplicaSets([this](const QList<QJsonObject>& sets) { undo(sets); }); });
                return;
            case Action::Promote:
                promote();
                return;
            case Action::PromoteFull:
                promoteFull();
                return;
            default:
                fail(tr("The argo-rollouts backend cannot %1.").arg(actionName(m_request.action)));
                return;
            }
        });
    }

    // ---- reading -------------------------------------------------------------------------------

    void readRollout(std::function<void()> next)
    {
        send(cluster().get(m_path), subject(tr("Reading %1").arg(described())),
            [this, next = std::move(next)](const QJsonObject& ro) {
                took(ro);
                next();
            });
    }

    void took(const QJsonObject& ro)
    {
        m_rollout = ro;
        updateState();
    }

    QJsonObject currentTemplate() const
    {
        const QJsonObject own = podTemplate(m_rollout);
        return own.isEmpty() ? podTemplate(m_workload) : own;
    }

    void updateState()
    {
        const Phase phase = rolloutPhase(m_rollout);
        DeploymentState s;
        const QString version = imageTag(containerImage(currentTemplate(), m_container));
        s.version = version.isEmpty() ? m_state.version : version;
        s.revision = annotation(m_rollout, RevisionAnnotation);
        s.status = phase.phase;
        s.health = healthOf(phase.phase);
        s.message = phase.message;
        if (const auto index = currentStepIndex(m_rollout)) {
            s.step = int(*index);
            s.steps = int(canarySteps(m_rollout).size());
        }
        s.canaryWeight = canaryWeight(m_rollout);
        s.analysis = m_state.analysis;
        s.deployedAt
            = timestamp(condition(m_rollout, QStringLiteral("Progressing")).value(QLatin1String("lastUpdateTime")));
        s.resources << QStringLiteral("Rollout/%1: %2").arg(m_name, s.health);
        if (!m_workloadPath.isEmpty())
            s.resources << QStringLiteral("%1/%2").arg(workloadRef().value(QLatin1String("kind")).toString(),
                workloadRef().value(QLatin1String("name")).toString());
        m_state = s;
    }

    QJsonObject workloadRef() const { return spec(m_rollout).value(QLatin1String("workloadRef")).toObject(); }

    // The spec.workloadRef Deployment holds the pod template (and so the version) of such a Rollout.
    void readWorkload(std::function<void()> next)
    {
        const QJsonObject ref = workloadRef();
        if (ref.isEmpty() || !podTemplate(m_rollout).isEmpty()) {
            resolveContainer(std::move(next));
            return;
        }
        const QString kind = ref.value(QLatin1String("kind")).toString();
        const QString name = ref.value(QLatin1String("name")).toString();
        if (kind != QLatin1String("Deployment") || !isValidName(name)) {
            fail(tr("%1 takes its pod template from %2 %3, which this backend cannot read (only a Deployment).")
                     .arg(described(), kind, quoted(name)),
                tr("Point spec.workloadRef at a Deployment, or use a Rollout with its own spec.template."));
            return;
        }
        m_workloadPath = cluster().path(QStringLiteral("apps/v1"), QStringLiteral("deployments"), name);
        send(cluster().get(m_workloadPath),
            Subject { tr("Reading Deployment %1, the workload of %2").arg(quoted(name), described()), {}, {}, {} },
            [this, next = std::move(next)](const QJsonObject& deployment) {
                m_workload = deployment;
                resolveContainer(next);
            });
    }

    void resolveContainer(std::function<void()> next)
    {
        QJsonObject container;
        QString problem;
        QString hint;
        if (pickContainer(currentTemplate(), m_container, described(), &container, &problem, &hint) < 0) {
            fail(problem, hint);
            return;
        }
        m_container = container.value(QLatin1String("name")).toString();
        updateState();
        next();
    }

    // The AnalysisRuns of the current pod hash that the Rollout owns, plus the runs its status names.
    // Optional: a token without access to AnalysisRuns still gets the rest of the state.
    void listAnalysisRuns(std::function<void()> next)
    {
        QUrlQuery query;
        const QString hash = status(m_rollout).value(QLatin1String("currentPodHash")).toString();
        if (!hash.isEmpty())
            query.addQueryItem(QStringLiteral("labelSelector"), HashLabel + QLatin1Char('=') + hash);
        const QString uid = section(m_rollout, "metadata").value(QLatin1String("uid")).toString();
        send(
            cluster().get(cluster().path(RolloutsGroupVersion, QStringLiteral("analysisruns")), query),
            Subject { tr("Listing the analysis runs of %1").arg(described()), {}, {}, {} },
            [this, uid, next](const QJsonObject& list) {
                QList<QPair<QJsonObject, QString>> owned;
                for (const QJsonValue& item : list.value(QLatin1String("items")).toArray())
                    if (isControlledBy(item.toObject(), QStringLiteral("Rollout"), m_name, uid))
                        owned.append({ item.toObject(),
                            section(item.toObject(), "metadata")
                                .value(QLatin1String("creationTimestamp"))
                                .toString() });
                std::stable_sort(
                    owned.begin(), owned.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
                QStringList analysis;
                QStringList names;
                for (const auto& run : std::as_const(owned)) {
                    const QString name = metadataName(run.first);
                    const QJsonObject st = status(run.first);
                    const QString phase = st.value(QLatin1String("phase")).toString();
                    analysis << QStringLiteral("%1: %2").arg(name, phase.isEmpty() ? QStringLiteral("Pending") : phase);
                    names << name;
                    const QString message = st.value(QLatin1String("message")).toString();
                    if (!message.isEmpty())
                        logChange(tr("analysis %1: %2 (%3)").arg(name, phase, message));
                }
                for (const auto& run : embeddedAnalysisRuns(m_rollout))
                    if (!names.contains(run.first))
                        analysis << QStringLiteral("%1: %2").arg(run.first, run.second);
                m_state.analysis = analysis;
                next();
            },
            [this, next](const Net::HttpResponse& response) {
                const Failure f = describeFailure(response,
                    Subject { tr("Listing the analysis runs of %1").arg(described()), {}, {}, {} }, cluster());
                Q_EMIT log(f.message);
                QStringList analysis;
                for (const auto& run : embeddedAnalysisRuns(m_rollout))
                    analysis << QStringLiteral("%1: %2").arg(run.first, run.second);
                m_state.analysis = analysis;
                next();
                return true;
            });
    }

    void listReplicaSets(std::function<void(const QList<QJsonObject>&)> next)
    {
        KubeJob::listReplicaSets(m_rollout, QStringLiteral("Rollout"), m_name, RevisionAnnotation, described(), std::move(next));
    }

    void history(const QList<QJsonObject>& sets)
    {
        DeployResult result;
        const QString currentHash = status(m_rollout).value(QLatin1String("currentPodHash")).toString();
        const QString stable = status(m_rollout).value(QLatin1String("stableRS")).toString();
        for (qsizetype i = 0; i < sets.size(); ++i) {
            const QJsonObject& rs = sets.at(i);
            HistoryEntry e;
            e.id = QString::number(revisionOf(rs, RevisionAnnotation));
            e.version = imageTag(containerImage(podTemplate(rs), m_container));
            if (i + 1 < sets.size())
                e.previousVersion = imageTag(containerImage(podTemplate(sets.at(i + 1)), m_container));
            e.operation = QStringLiteral("deploy");
            e.at = timestamp(section(rs, "metadata").value(QLatin1String("creationTimestamp")));
            const QString hash = section(section(rs, "metadata"), "labels").value(HashLabel).toString();
            if (!hash.isEmpty() && hash == currentHash)
                e.result = m_state.status == QLatin1String("Healthy") ? QStringLiteral("succeeded")
                    : m_state.status == QLatin1String("Degraded")     ? QStringLiteral("failed")
                                                                      : QStringLiteral("running");
            else if (!hash.isEmpty() && hash == stable)
                e.result = QStringLiteral("succeeded");
            else
                e.result = QStringLiteral("unknown");
            e.detail = tr("ReplicaSet %1").arg(metadataName(rs));
            if (hash == stable)
                e.detail += tr(" (stable)");
            result.history << e;
        }
        result.message = tr("%n revision(s) of %1", nullptr, int(result.history.size())).arg(described());
        succeed(result);
    }

    // ---- deploy: set image ---------------------------------------------------------------------

    void setImage()
    {
        ++m_attempt;
        QJsonObject object = m_workloadPath.isEmpty() ? m_rollout : m_workload;
        const QString path = m_workloadPath.isEmpty() ? m_path : m_workloadPath;
        const QString currentImage = containerImage(podTemplate(object), m_container);
        QString repository = m_request.target.setting(QStringLiteral("image")).trimmed();
        if (repository.isEmpty())
            repository = imageRepository(currentImage);
        const QString image = repository + QLatin1Char(':') + m_request.version;
        if (m_attempt == 1 && currentImage == image) {
            Q_EMIT log(tr("Container %1 already runs %2; nothing to change.").arg(quoted(m_container), image));
            follow();
            return;
        }
        // newRolloutSetImage: every container of that name, in all three lists.
        QJsonObject specObject = section(object, "spec");
        QJsonObject tmpl = section(specObject, "template");
        QJsonObject podSpec = section(tmpl, "spec");
        for (const char* list : { "initContainers", "containers", "ephemeralContainers" }) {
            if (!podSpec.contains(QLatin1String(list)))
                continue;
            QJsonArray containers = podSpec.value(QLatin1String(list)).toArray();
            for (qsizetype i = 0; i < containers.size(); ++i) {
                QJsonObject c = containers.at(i).toObject();
                if (c.value(QLatin1String("name")).toString() == m_container) {
                    c.insert(QStringLiteral("image"), image);
                    containers.replace(i, c);
                }
            }
            podSpec.insert(QLatin1String(list), containers);
        }
        tmpl.insert(QStringLiteral("spec"), podSpec);
        specObject.insert(QStringLiteral("template"), tmpl);
        object.insert(QStringLiteral("spec"), specObject);

        const QString owner = m_workloadPath.isEmpty()
            ? described()
            : tr("Deployment %1 (the workload of %2)").arg(quoted(metadataName(m_workload)), described());
        if (m_attempt == 1) {
            Q_EMIT step(tr("Set the image"), QStringLiteral("running"));
            Q_EMIT log(
                tr("Setting container %1 of %2 to %3 (was %4)").arg(quoted(m_container), owner, image, currentImage));
        }
        send(
            cluster().put(path, object), subject(tr("Updating the image of %1").arg(owner)),
            [this, owner](const QJsonObject& updated) {
                Q_EMIT step(tr("Set the image"), QStringLiteral("succeeded"));
                Q_EMIT log(tr("%1 image updated").arg(owner));
                if (m_workloadPath.isEmpty())
                    took(updated);
                else
                    m_workload = updated;
                markChanged(QStringLiteral("%1/%2 generation %3")
                                .arg(cluster().ns,
                                    m_workloadPath.isEmpty() ? QStringLiteral("rollouts/") + m_name
                                                             : QStringLiteral("deployments/") + metadataName(updated))
                                .arg(section(updated, "metadata").value(QLatin1String("generation")).toInteger()));
                follow();
            },
            [this, owner](const Net::HttpResponse& response) {
                if (response.error.status == 409 && m_attempt < MaxSetImageAttempts) {
                    Q_EMIT log(tr("%1 changed meanwhile (HTTP 409 Conflict); reading it again (attempt %2 of %3)")
                                   .arg(owner)
                                   .arg(m_attempt + 1)
                                   .arg(MaxSetImageAttempts));
                    readRollout([this] { readWorkload([this] { setImage(); }); });
                    return true;
                }
                Q_EMIT step(tr("Set the image"), QStringLiteral("failed"));
                if (response.error.status == 409) {
                    Failure f
                        = describeFailure(response, subject(tr("Updating the image of %1").arg(owner)), cluster());
                    f.message += tr(" (after %1 attempts)").arg(m_attempt);
                    fail(f);
                    return true;
                }
                return false;
            },
            true);
    }

    // ---- rollback: undo ------------------------------------------------------------------------

    void undo(const QList<QJsonObject>& sets)
    {
        const QString currentHash = status(m_rollout).value(QLatin1String("currentPodHash")).toString();
        Failure failure;
        const QJsonObject target = rollbackTarget(sets, RevisionAnnotation, m_request.historyId, m_request.version, m_container,
            described(),
            [&currentHash](const QJsonObject& rs) { return section(section(rs, "metadata"), "labels").value(HashLabel).toString() == currentHash; },
            tr("no revision found for rollout %1").arg(quoted(m_name)), &failure);
        if (target.isEmpty()) {
            fail(failure);
            return;
        }
        const qint64 revision = revisionOf(target, RevisionAnnotation);
        if (templateDerivesFrom(podTemplate(m_rollout), podTemplate(target), HashLabel)) {
            const QString skipped = tr("skipped rollback (current template already matches revision %1)").arg(revision);
            Q_EMIT log(skipped);
            succeed(DeployResult { .message = skipped });
            return;
        }
        QString path = m_path;
        QString owner = described();
        const QJsonObject ref = workloadRef();
        if (!ref.isEmpty()) {
            const QString kind = ref.value(QLatin1String("kind")).toString();
            const QString name = ref.value(QLatin1String("name")).toString();
            if (kind == QLatin1String("Deployment"))
                path = cluster().path(QStringLiteral("apps/v1"), QStringLiteral("deployments"), name);
            else if (kind == QLatin1String("ReplicaSet"))
                path = cluster().path(QStringLiteral("apps/v1"), QStringLiteral("replicasets"), name);
            else if (kind == QLatin1String("PodTemplate"))
                path = cluster().path(QStringLiteral("v1"), QStringLiteral("podtemplates"), name);
            else {
                fail(tr("workload of type %1 is not supported").arg(kind),
                    tr("Undo works for Rollouts whose workloadRef is a Deployment, ReplicaSet or PodTemplate."));
                return;
            }
            owner = tr("%1 %2 (the workload of %3)").arg(kind, quoted(name), described());
        }
        const QJsonArray patch { QJsonObject { { QStringLiteral("op"), QStringLiteral("replace") },
            { QStringLiteral("path"), QStringLiteral("/spec/template") },
            { QStringLiteral("value"), withoutLabel(podTemplate(target), HashLabel) } } };
        const QString version = imageTag(containerImage(podTemplate(target), m_container));
        const QString stepName = tr("Undo to revision %1").arg(revision);
        Q_EMIT step(stepName, QStringLiteral("running"));
        Q_EMIT log(tr("Rolling %1 back to revision %2 (version %3, ReplicaSet %4)")
                       .arg(owner)
                       .arg(revision)
                       .arg(version, metadataName(target)));
        send(
            cluster().patch(path, JsonPatch, QJsonDocument(patch).toJson(QJsonDocument::Compact)),
            subject(tr("Restoring revision %1 of %2").arg(revision).arg(owner)),
            [this, stepName, revision](const QJsonObject& updated) {
                Q_EMIT step(stepName, QStringLiteral("succeeded"));
                Q_EMIT log(tr("rollout '%1' undo").arg(m_name));
                if (workloadRef().isEmpty())
                    took(updated);
                markChanged(
                    QStringLiteral("%1/rollouts/%2 undo to revision %3").arg(cluster().ns, m_name).arg(revision));
                follow();
            },
            [this, stepName](const Net::HttpResponse&) {
                Q_EMIT step(stepName, QStringLiteral("failed"));
                return false;
            },
            true);
    }

    // ---- promote ---------------------------------------------------------------------------------

    void promote()
    {
        // getPatches(…, full = false)
        QByteArray specPatch;
        QByteArray statusPatch;
        QByteArray unifiedPatch = UnpauseAndClearPauseConditionsPatch;
        if (specPaused(m_rollout))
            specPatch = UnpausePatch;
        const QJsonArray conditions = pauseConditions(m_rollout);
        const bool inconclusive = isCanary(m_rollout)
            && section(section(status(m_rollout), "canary"), "currentStepAnalysisRunStatus")
                    .value(QLatin1String("status"))
                    .toString()
                == QLatin1String("Inconclusive");
        const auto nextIndex = [this]() -> std::optional<qint64> {
            auto index = currentStepIndex(m_rollout);
            if (index && *index < canarySteps(m_rollout).size())
                ++*index;
            return index;
        };
        if (inconclusive && !conditions.isEmpty()
            && status(m_rollout).value(QLatin1String("controllerPause")).toBool()) {
            if (const auto index = nextIndex())
                statusPatch = clearPauseConditionsAndControllerPausePatch(*index);
        } else if (!conditions.isEmpty()) {
            statusPatch = ClearPauseConditionsPatch;
        } else if (isCanary(m_rollout)) {
            if (const auto index = nextIndex()) {
                statusPatch = clearPauseConditionsPatchWithStep(*index);
                unifiedPatch = unpauseAndClearPauseConditionsPatchWithStep(*index);
            }
        }
        applyPromotion(specPatch, statusPatch, unifiedPatch, tr("rollout '%1' promoted").arg(m_name));
    }

    void promoteFull()
    {
        QByteArray specPatch;
        QByteArray statusPatch;
        if (specPaused(m_rollout))
            specPatch = UnpausePatch;
        if (status(m_rollout).value(QLatin1String("currentPodHash")).toString()
            != status(m_rollout).value(QLatin1String("stableRS")).toString())
            statusPatch = PromoteFullPatch;
        applyPromotion(
            specPatch, statusPatch, UnpauseAndPromoteFullPatch, tr("rollout '%1' fully promoted").arg(m_name));
    }

    // PromoteRollout: the status patch first; a 404 from /status means no status subresource (Rollouts
    // v0.9), so the unified patch goes to the main resource instead of the spec patch.
    void applyPromotion(
        const QByteArray& specPatch, const QByteArray& statusPatch, const QByteArray& unifiedPatch, const QString& done)
    {
        if (specPatch.isEmpty() && statusPatch.isEmpty()) {
            succeed(DeployResult { .message = tr("%1 is not paused and has nothing to promote (%2: %3).")
                                                  .arg(described(), m_state.status, m_state.message) });
            return;
        }
        const QString stepName = m_request.action == Action::PromoteFull ? tr("Promote fully") : tr("Promote");
        Q_EMIT step(stepName, QStringLiteral("running"));
        const auto sendSpec = [this, done, stepName](const QByteArray& patch) {
            send(
                cluster().patch(m_path, MergePatch, patch), subject(tr("Promoting %1").arg(described())),
                [this, done, stepName](const QJsonObject& ro) {
                    took(ro);
                    accepted(stepName, done);
                },
                [this, stepName](const Net::HttpResponse&) {
                    Q_EMIT step(stepName, QStringLiteral("failed"));
                    return false;
                },
                true);
        };
        if (statusPatch.isEmpty()) {
            sendSpec(specPatch);
            return;
        }
        send(
            cluster().patch(statusPath(), MergePatch, statusPatch), subject(tr("Promoting %1").arg(described())),
            [this, specPatch, sendSpec, done, stepName](const QJsonObject& ro) {
                took(ro);
                markChanged(reference());
                if (specPatch.isEmpty())
                    accepted(stepName, done);
                else
                    sendSpec(specPatch);
            },
            [this, unifiedPatch, sendSpec, stepName](const Net::HttpResponse& response) {
                if (response.error.status == 404) {
                    Q_EMIT log(
                        tr("No status subresource (HTTP 404 from %1); sending the combined patch").arg(statusPath()));
                    sendSpec(unifiedPatch);
                    return true;
                }
                Q_EMIT step(stepName, QStringLiteral("failed"));
                return false;
            },
            true);
    }

    // ---- abort, retry, pause, resume -------------------------------------------------------------

    void patchStatus(const QByteArray& patch, const QString& stepName, const QString& done, bool thenFollow)
    {
        Q_EMIT step(stepName, QStringLiteral("running"));
        const auto onOk = [this, stepName, done, thenFollow](const QJsonObject& ro) {
            took(ro);
            Q_EMIT step(stepName, QStringLiteral("succeeded"));
            markChanged(reference());
            Q_EMIT log(done);
            if (thenFollow)
                follow();
            else
                succeed(DeployResult { .message = done });
        };
        const auto onError = [this, stepName](const Net::HttpResponse&) {
            Q_EMIT step(stepName, QStringLiteral("failed"));
            return false;
        };
        const Subject what = subject(tr("%1 of %2").arg(stepName, described()));
        send(
            cluster().patch(statusPath(), MergePatch, patch), what, onOk,
            [this, patch, what, onOk, onError](const Net::HttpResponse& response) {
                if (response.error.status != 404)
                    return onError(response);
                // No status subresource: the plugin patches the main resource instead.
                send(cluster().patch(m_path, MergePatch, patch), what, onOk, onError, true);
                return true;
            },
            true);
    }

    void patchMain(const QByteArray& patch, const QString& stepName, const QString& done)
    {
        Q_EMIT step(stepName, QStringLiteral("running"));
        send(
            cluster().patch(m_path, MergePatch, patch), subject(tr("%1 of %2").arg(stepName, described())),
            [this, stepName, done](const QJsonObject& ro) {
                took(ro);
                markChanged(reference());
                accepted(stepName, done);
            },
            [this, stepName](const Net::HttpResponse&) {
                Q_EMIT step(stepName, QStringLiteral("failed"));
                return false;
            },
            true);
    }

    void accepted(const QString& stepName, const QString& done)
    {
        if (!hasChanged())
            markChanged(reference());
        Q_EMIT step(stepName, QStringLiteral("succeeded"));
        Q_EMIT log(done);
        succeed(DeployResult { .message = done });
    }

    QString reference() const
    {
        return QStringLiteral("%1/rollouts/%2 generation %3")
            .arg(cluster().ns, m_name)
            .arg(section(m_rollout, "metadata").value(QLatin1String("generation")).toInteger());
    }

    // ---- following -------------------------------------------------------------------------------

    void follow()
    {
        startFollowing();
        Q_EMIT step(tr("Roll out"), QStringLiteral("running"));
        poll();
    }

    void poll()
    {
        readRollout([this] {
            report();
            const QString phase = m_state.status;
            if (phase == QLatin1String("Degraded")) {
                Q_EMIT step(tr("Roll out"), QStringLiteral("failed"));
                listAnalysisRuns([this] {
                    const bool aborted = status(m_rollout).value(QLatin1String("abort")).toBool();
                    fail(tr("%1 is Degraded%2: %3")
                             .arg(described(), aborted ? tr(" (aborted)") : QString(), m_state.message),
                        aborted ? tr("The stable version serves the traffic again. Fix the cause the message names, "
                                     "then retry, or roll back to return spec.template to the previous version.")
                                : tr("Fix the cause the message names (look at the new pods and the analysis runs), "
                                     "then retry, or roll back."));
                });
                return;
            }
            if (phase == QLatin1String("Healthy")) {
                Q_EMIT step(tr("Roll out"), QStringLiteral("succeeded"));
                listAnalysisRuns([this] {
                    succeed(DeployResult {
                        .message = tr("%1 is Healthy (version %2).").arg(described(), m_state.version) });
                });
                return;
            }
            if (phase == QLatin1String("Paused") && waitsForPromotion(m_rollout)) {
                Q_EMIT step(tr("Roll out"), QStringLiteral("succeeded"));
                const QString position = stepPosition(m_rollout);
                listAnalysisRuns([this, position] {
                    succeed(DeployResult { .message = position.isEmpty()
                            ? tr("%1 paused (%2), waiting for promotion.").arg(described(), m_state.message)
                            : tr("%1 paused at step %2 (%3), waiting for promotion.")
                                  .arg(described(), position, m_state.message) });
                });
                return;
            }
            if (pastDeadline()) {
                Q_EMIT step(tr("Roll out"), QStringLiteral("failed"));
                fail(tr("%1 did not finish within %2 s: %3 - %4")
                         .arg(described())
                         .arg(cluster().timeoutSeconds)
                         .arg(m_state.status, m_state.message),
                    tr("The change was applied and the rollout goes on in the cluster; look at it again later, or "
                       "raise the setting 'timeoutSeconds'."));
                return;
            }
            later([this] { poll(); });
        });
    }

    // The plugin's watch line ("Paused - CanaryPauseStep"), with the step, the weight and the runs the
    // Rollout's status names.
    void report()
    {
        const auto index = currentStepIndex(m_rollout);
        if (index && *index != m_lastStep) {
            m_lastStep = *index;
            const QJsonArray steps = canarySteps(m_rollout);
            Q_EMIT log(*index < steps.size()
                    ? tr("step %1/%2: %3").arg(*index).arg(steps.size()).arg(stepText(steps.at(*index).toObject()))
                    : tr("step %1/%2: all steps done").arg(*index).arg(steps.size()));
        }
        QString line = m_state.message.isEmpty() ? m_state.status
                                                 : QStringLiteral("%1 - %2").arg(m_state.status, m_state.message);
        QStringList extra;
        if (index)
            extra << tr("step %1").arg(stepPosition(m_rollout));
        if (m_state.canaryWeight >= 0)
            extra << tr("weight %1%").arg(m_state.canaryWeight);
        for (const auto& run : embeddedAnalysisRuns(m_rollout))
            extra << tr("analysis %1: %2").arg(run.first, run.second);
        if (!extra.isEmpty())
            line += QStringLiteral(" (%1)").arg(extra.join(QStringLiteral(", ")));
        logChange(line);
    }

    DeployRequest m_request;
    QString m_name;
    QString m_container;
    QString m_path;
    QString m_workloadPath;
    QJsonObject m_rollout;
    QJsonObject m_workload;
    int m_attempt = 0;
    qint64 m_lastStep = -1;
};

} // namespace

ArgoRolloutsBackend::ArgoRolloutsBackend(const BackendContext& context, QObject* parent)
    : DeployBackend(context, parent)
{ }

ArgoRolloutsBackend::~ArgoRolloutsBackend() = default;

Capabilities ArgoRolloutsBackend::capabilities() const
{
    return Capability::Deploy | Capability::Rollback | Capability::Promote | Capability::PromoteFull | Capability::Abort
        | Capability::PauseResume | Capability::Retry | Capability::Status | Capability::History
        | Capability::LiveProgress;
}

DeployJob* ArgoRolloutsBackend::start(const DeployRequest& request)
{
    if (!can(requiredCapability(request.action)))
        return unsupportedJob(request.action);
    if (!context().http)
        return failedJob(tr("The argo-rollouts backend %1 has no HTTP client.").arg(context().name));
    Cluster cluster;
    QString message;
    QString hint;
    if (!Cluster::fromTarget(request.target, &cluster, &message, &hint))
        return failedJob(message, hint);
    QString name;
    Failure failure;
    if (!checkWorkloadRequest(request, QStringLiteral("rollout"), QStringLiteral("Argo Rollouts Rollout"), &name, &failure))
        return failedJob(failure.message, failure.hint);
    return new RolloutJob(context().http, cluster, request, this);
}

} // namespace Flightdeck::Deploy
