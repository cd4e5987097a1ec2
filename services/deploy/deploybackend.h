// SPDX-License-Identifier: Apache-2.0
#pragma once

// The one interface every deploy backend implements (GitOps, Argo CD, Argo Rollouts, GitHub Actions,
// Jenkins, Kubernetes, script). A backend is configured from the workspace (spec.deploy.backends);
// each call names its target (service + environment + settings) and returns a DeployJob that reports
// progress and finishes exactly once. Backends never block the thread that calls them: network work
// is signal-driven (Net::HttpClient), processes are QProcess, libgit2 runs on workers().

#include <QDateTime>
#include <QFlags>
#include <QHash>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QString>
#include <QStringList>

namespace Flightdeck::Net {
class HttpClient;
}

namespace Flightdeck::Deploy {

// What a backend can do. Queried before offering an action in the UI or the CLI.
enum class Capability : quint32
{
    Deploy = 1 << 0, // move an environment to a version
    Rollback = 1 << 1, // go back to the previous version, or to a history entry
    Promote = 1 << 2, // continue a paused progressive rollout by one step (Argo Rollouts "promote")
    PromoteFull = 1 << 3, // skip the remaining steps and analysis
    Abort = 1 << 4, // stop a running operation (the backend's own abort, not just stop watching)
    PauseResume = 1 << 5,
    Retry = 1 << 6, // retry an aborted rollout
    Status = 1 << 7, // what runs now: version, status, health
    History = 1 << 8, // what ran before
    LiveProgress = 1 << 9, // steps and log lines while an operation runs
    Versions = 1 << 10, // lists the versions it can deploy (its artifacts)
};
Q_DECLARE_FLAGS(Capabilities, Capability)
Q_DECLARE_OPERATORS_FOR_FLAGS(Capabilities)

// One service in one environment, as a backend sees it. `settings` are the backend's configuration
// (from the workspace), overlaid by the environment's settings, overlaid by the service's catalog
// annotations, with {service}, {environment} and {namespace} already substituted. Each backend
// documents the keys it reads (see the header of each backend).
struct DeployTarget
{
    QString service; // catalog entity name, e.g. "checkout"
    QString environment; // e.g. "staging"
    QHash<QString, QString> settings;
    QString secret; // the credential's value, read from the keychain just before; never logged

    QString setting(const QString& key, const QString& fallback = {}) const { return settings.value(key, fallback); }
};

enum class Action
{
    Status,
    History,
    Versions,
    Deploy,
    Rollback,
    Promote,
    PromoteFull,
    Abort,
    Pause,
    Resume,
    Retry,
};

struct DeployRequest
{
    Action action = Action::Status;
    DeployTarget target;
    QString version; // Deploy: the version to deploy; Rollback: the version to go back to (may be empty)
    QString fromVersion; // what runs now, as the caller knows it (commit trailers, messages)
    QString historyId; // Rollback: a history entry's id (Argo CD history id, rollout revision, commit)
    QString strategy; // Deploy: one of strategies(), or empty for the backend's default
    QString operation; // what the user asked for: deploy, promote or rollback (commit messages, audit)
    QString actor; // "Name <email>" of who asked
    QString reference; // Status after a crash: the reference the interrupted operation reported
};

// What runs in one environment now.
struct DeploymentState
{
    QString version; // image tag, chart version, build parameter…; empty when nothing is deployed
    QString revision; // commit, revision number, run id
    QString status; // backend words: Synced, OutOfSync, Running, Succeeded, Failed, Paused…
    QString health; // Healthy, Progressing, Degraded, Suspended, Missing, Unknown
    QString deployedBy;
    QDateTime deployedAt; // UTC
    QString message; // the backend's own message, e.g. a rollout's pause reason
    QString url; // where to see it in the backend's UI
    bool autoSync = false; // Argo CD: automated sync is on
    int step = -1; // progressive rollouts: current step index, -1 when none
    int steps = 0; // progressive rollouts: number of steps
    int canaryWeight = -1; // progressive rollouts: percent of traffic on the new version, -1 when none
    QStringList analysis; // progressive rollouts: "name: phase" of each analysis run
    QStringList resources; // "Kind/name: health (sync)" of the workloads behind it, where known
};

// One earlier deployment.
struct HistoryEntry
{
    QString id; // commit sha, Argo CD history id, rollout revision, run id, build number
    QString version;
    QString previousVersion;
    QString operation; // deploy, rollback, promote (as far as the backend knows)
    QString actor;
    QDateTime at; // UTC
    QString result; // succeeded, failed, running, unknown
    QString detail; // commit summary, run URL…
};

enum class Outcome
{
    Succeeded,
    Failed,
    Cancelled,
    Unknown, // the backend could not tell (e.g. reconciliation found no trace)
};

// How a job ended.
struct DeployResult
{
    Outcome outcome = Outcome::Failed;
    QString message; // for people: the backend's reason on failure, what happened on success
    QString hint; // what to do about a failure
    // True once the backend changed something (a commit pushed, a call accepted). A job that fails
    // with changed == false left everything as it was.
    bool changed = false;
    QString reference; // the commit, run URL, revision… that identifies the change
    QString version; // the version now running, when known
    QString redirectTo; // set when the action must go through another backend (Argo CD auto-sync → "gitops")

    DeploymentState state; // Status (and after operations, when the backend read it)
    QList<HistoryEntry> history; // History
    QStringList versions; // Versions, newest first

    bool ok() const { return outcome == Outcome::Succeeded; }
    static DeployResult failure(const QString& message, const QString& hint = {});
};

// One call in flight. Emits finished() exactly once, always from the event loop (never from inside
// DeployBackend::start()), then deletes itself later: hold it in a QPointer.
class DeployJob : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeployJob)

public:
    explicit DeployJob(QObject* parent = nullptr);
    ~DeployJob() override;

    bool isFinished() const { return m_finished; }
    const DeployResult& result() const { return m_result; }
    // Stops waiting and, where the backend can, stops the operation. finished() follows with
    // Cancelled (or the real outcome when the change already completed). This default, for a job
    // that cannot stop anything, finishes with Unknown: the operation may still complete.
    virtual void cancel();

Q_SIGNALS:
    // A named step began or ended (state: running, succeeded, failed, skipped).
    void step(const QString& name, const QString& state);
    void log(const QString& line);
    // The point of no return: the backend accepted the change (pushed, dispatched, patched). The
    // reference lets a later start reconcile an interrupted operation.
    void changed(const QString& reference);
    void finished(const Flightdeck::Deploy::DeployResult& result);

protected:
    // Finishes once (later calls are ignored), delivering from the event loop.
    void finish(DeployResult result);
    void finishLater(DeployResult result);
    bool cancelRequested() const { return m_cancelRequested; }

private:
    DeployResult m_result;
    bool m_finished = false;
    bool m_finishQueued = false;
    bool m_cancelRequested = false;
};

// What every backend is given: shared, long-lived resources. Backends hold no per-target state
// besides caches (e.g. an Argo CD session token, a GitOps working clone).
struct BackendContext
{
    Net::HttpClient* http = nullptr; // for remote backends; outlives the backend
    QString dataDirectory; // a writable folder of the backend's own (working clones, caches)
    QString name; // the backend's name in the workspace, e.g. "argocd-prod"
};

class DeployBackend : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeployBackend)

public:
    explicit DeployBackend(const BackendContext& context, QObject* parent = nullptr);
    ~DeployBackend() override;

    const BackendContext& context() const { return m_context; }

    virtual QString type() const = 0; // gitops, argocd, argo-rollouts, github-actions, jenkins, kubernetes, script
    virtual Capabilities capabilities() const = 0;
    virtual QStringList strategies() const { return {}; }
    bool can(Capability capability) const { return capabilities().testFlag(capability); }

    // Starts the action. An action the backend cannot do finishes with a failure saying so.
    virtual DeployJob* start(const DeployRequest& request) = 0;

protected:
    // A job that fails at once (from the event loop) with this message.
    DeployJob* failedJob(const QString& message, const QString& hint = {});
    // failedJob() for an action outside capabilities(), naming the backend and the action.
    DeployJob* unsupportedJob(Action action);

private:
    BackendContext m_context;
};

QString actionName(Action action);
QString outcomeName(Outcome outcome); // succeeded, failed, cancelled, unknown
QString capabilityName(Capability capability);
QStringList capabilityNames(Capabilities capabilities);
Capability requiredCapability(Action action);

// Replaces {service}, {environment} and any other {key} present in `values` in text.
QString substitute(QString text, const QHash<QString, QString>& values);

} // namespace Flightdeck::Deploy

Q_DECLARE_METATYPE(Flightdeck::Deploy::DeployResult)
