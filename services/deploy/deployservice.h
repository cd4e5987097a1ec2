// SPDX-License-Identifier: Apache-2.0
#pragma once

// Deploy, promote and roll back services through the workspace's backends, safely:
//
//   prepare()  resolves the target (backend, settings, credential), asks the backend what runs now
//              and works out exactly what will change (a DeployPlan, for the confirmation);
//   execute()  takes the lease for the service and environment (one operation at a time, across
//              Flightdeck instances), writes the intent to the audit journal, runs the backend,
//              streams its steps and log lines, writes the result, releases the lease.
//
// An intent without a result (Flightdeck was killed mid-operation) is reconciled at the next start
// by asking the backend what runs now. Everything that touches SQLite runs on workers(); backends
// are signal-driven. Use from one thread (the UI thread, or the command line's event loop).

#include "deploybackend.h"
#include "workspace/workspace.h"

#include <QHash>
#include <QObject>
#include <QPointer>

#include <functional>
#include <memory>

namespace Flightdeck::Net {
class HttpClient;
}
namespace Flightdeck::Secrets {
class SecretStore;
}
namespace Flightdeck::Store {
class Database;
}

namespace Flightdeck::Catalog {
class Catalog;
}

namespace Flightdeck::Deploy {

struct AuditRecord;
struct SourceVersions;
class DeployService;

// A service as the catalog describes it: what deploy needs of an entity.
struct ServiceInfo
{
    QString name; // metadata.name
    QString title;
    QString owner;
    QHash<QString, QString> annotations;
    // The git catalog source its catalog-info.yaml came from, when it came from one.
    QString sourceName;
    QString sourceUrl;
    QString sourcePath; // folder of the catalog file in that repository; empty: its root
    QString sourceCredential;
};

struct OperationRequest
{
    QString operation = QStringLiteral("deploy"); // deploy, promote, rollback
    QString service;
    QString environment;
    QString version; // deploy: required; rollback: optional (default: the version before)
    QString historyId; // rollback: to this history entry
    QString strategy;
};

// Exactly what an operation will change, for the confirmation and the journal.
struct DeployPlan
{
    bool ok = false;
    QString error; // why it cannot run
    QString hint;

    QString operation;
    QString service;
    QString environment;
    QString sourceEnvironment; // promote: where the version comes from
    QString backend; // the backend's name in the workspace
    QString backendType;
    QString fromVersion; // what runs now; empty when unknown or nothing
    QString toVersion;
    QString historyId;
    QString strategy;
    bool confirm = false; // the user must type the service name
    bool noChange = false; // toVersion already runs
    QString summary; // one sentence: what will change, where, through what
    QStringList notes; // what the user should know (e.g. the current version could not be read)
};

// One prepared operation. Emits planned() once, then (after execute()) step/log lines and
// finished() once. Deletes itself after finished(), or when dropped before execute() via discard().
class DeployOperation final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeployOperation)

public:
    ~DeployOperation() override;

    const DeployPlan& plan() const { return m_plan; }
    bool isPlanned() const { return m_planned; }
    bool isRunning() const { return m_running; }
    // Runs the plan. Only after planned() with plan().ok.
    void execute();
    // Before execute(): forgets the operation. While running: stops it where the backend can;
    // where it cannot (no Abort), stops following it and finishes with Unknown (the operation may
    // still complete), unless the backend's job tells at once how it ended.
    void cancel();
    bool canAbort() const;

Q_SIGNALS:
    void planned(const Flightdeck::Deploy::DeployPlan& plan);
    void step(const QString& name, const QString& state);
    void log(const QString& line);
    void finished(const Flightdeck::Deploy::DeployResult& result);

private:
    friend class DeployService;
    DeployOperation(DeployService* service, OperationRequest request);
    void fail(const QString& message, const QString& hint = {});
    void planFailed(const QString& message, const QString& hint = {});
    void startBackend(const QString& backendName, bool redirected);
    void writeResult(DeployResult result);
    void releaseAndFinish(DeployResult result);

    QPointer<DeployService> m_service;
    OperationRequest m_request;
    DeployPlan m_plan;
    QPointer<DeployJob> m_job;
    std::shared_ptr<struct OperationState> m_state; // lease, intent sequence (lives on workers)
    QString m_actor;
    QString m_usedBackend;
    bool m_planned = false;
    bool m_running = false;
    bool m_done = false;
    bool m_cancelled = false;
};

class DeployService final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeployService)

public:
    using BackendFactory = std::function<DeployBackend*(const Workspace::DeployBackendSpec&, const BackendContext&, QObject* parent)>;

    struct Options
    {
        QString workspaceDirectory; // relative paths in settings are resolved against it
        QString databasePath; // the store holding the journal and the leases; empty: the default store
        QString dataDirectory; // backends' working folders (GitOps clones); empty: the app data folder
        Secrets::SecretStore* secrets = nullptr; // may be null when no backend names a credential
        Net::HttpClient* http = nullptr; // null: the service makes its own
        BackendFactory factory; // null: createDeployBackend()
        QString actor; // "Name <email>"; empty: from git's user.name/user.email, else the login name
        int leaseSeconds = 120; // renewed every third of it while an operation runs
        QHash<QString, QString> extraValues; // more {placeholders} for settings (e.g. {flightdeck})
        QString gitCacheDirectory; // the catalog's git clones, read for versions; empty: none
    };

    DeployService(const Workspace::DeploySettings& settings, Options options, QObject* parent = nullptr);
    ~DeployService() override;

    const Workspace::DeploySettings& settings() const { return m_settings; }
    QStringList environmentNames() const;
    const Workspace::DeployEnvironmentSpec* environment(const QString& name) const { return m_settings.environment(name); }
    // The environment promote takes its version from; empty for the first.
    QString previousEnvironment(const QString& environment) const;

    // The catalog's services, for annotations. Replaces the previous set.
    void setServices(const QList<ServiceInfo>& services);
    const QHash<QString, ServiceInfo>& services() const { return m_services; }
    // Services that can be deployed: listed under spec.deploy.services, or carrying a deploy
    // annotation (flightdeck.dev/deploy-…, flightdeck.dev/image, flightdeck.dev/kustomize-overlays;
    // argocd/app-name, backstage.io/kubernetes-id, jenkins.io/job-full-name where a backend of
    // that kind is configured), sorted.
    QStringList deployableServices() const;

    // The backend serving an environment, created on first use; null when not configured.
    DeployBackend* backendFor(const QString& environment, QString* error = nullptr);
    DeployBackend* backendNamed(const QString& name, QString* error = nullptr);
    // The settings a backend gets for this service and environment, merged and substituted.
    DeployTarget target(const QString& service, const QString& environment, const QString& backend) const;

    // Status, History or Versions of a service in an environment. `done` runs once, on this thread
    // (not when `context` is gone). History also includes what the journal knows when the backend
    // keeps none.
    void query(Action action, const QString& service, const QString& environment, QObject* context,
        std::function<void(const DeployResult&)> done);

    // The tags and recent commits of the service's own repository (see sourceversions.h), read on
    // a worker. `done` runs once, on this thread (not when `context` is gone).
    void sourceVersions(const QString& service, const QString& environment, QObject* context,
        std::function<void(const SourceVersions&)> done);

    // Starts planning an operation. Connect to planned() and finished(); call execute() to run it.
    DeployOperation* prepare(const OperationRequest& request);

    // Asks the backends about intents without results (interrupted operations) and writes their
    // results. `done` receives one line per reconciled operation.
    void reconcile(QObject* context, std::function<void(const QStringList& lines)> done);

    // The journal's records for a service (and environment, when given), newest first. BLOCKS.
    QList<AuditRecord> journal(const QString& service, const QString& environment = {}) const;

    Store::Database& database();
    QString actor() const { return m_actor; }

Q_SIGNALS:
    // Any operation of this service finished (for lists and notifications).
    void operationFinished(const QString& service, const QString& environment, const Flightdeck::Deploy::DeployResult& result);

private:
    friend class DeployOperation;
    void readSecret(const QString& backend, QObject* context, std::function<void(bool ok, QString secret, QString error)> done);
    void journalQuery(Action action, const QString& service, const QString& environment, QObject* context,
        std::function<void(const DeployResult&)> done);
    void startQuery(Action action, const QString& service, const QString& environment, const QString& backend,
        const QString& historyId, QObject* context, std::function<void(const DeployResult&)> done);

    Workspace::DeploySettings m_settings;
    Options m_options;
    QString m_actor;
    QHash<QString, ServiceInfo> m_services;
    QHash<QString, DeployBackend*> m_backends;
    Net::HttpClient* m_http = nullptr;
    std::shared_ptr<Store::Database> m_database;
};

// The catalog's Components (in the default namespace first when a name repeats), as deploy sees them.
// With the workspace's sources, each service read from a git source knows that repository.
QList<ServiceInfo> servicesOf(const Catalog::Catalog& catalog, const QList<Sources::CatalogSourceSpec>& sources = {});

// The backend for a workspace entry (gitops, argocd, …); null for an unknown type.
DeployBackend* createDeployBackend(const Workspace::DeployBackendSpec& spec, const BackendContext& context, QObject* parent);

// The git user (user.name / user.email from git's global configuration) as "Name <email>", else the
// login name at this machine. BLOCKS briefly (reads the configuration files).
QString defaultActor();

} // namespace Flightdeck::Deploy
