// SPDX-License-Identifier: Apache-2.0
#include "deployservice.h"

#include "auditjournal.h"
#include "catalog/catalog.h"
#include "core/workers.h"
#include "deploylease.h"
#include "net/httpclient.h"
#include "secrets/secretstore.h"
#include "sourceversions.h"
#include "store/database.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QHostInfo>
#include <QMutex>
#include <QStandardPaths>
#include <QTimer>
#include <QtConcurrent>

#include <git2.h>

#include <algorithm>

namespace Flightdeck::Deploy {

namespace {

// Runs work on a worker and then (unless context is gone) then(result) on context's thread.
template <typename Work, typename Then>
void onWorker(QObject* context, Work&& work, Then&& then)
{
    using R = decltype(work());
    auto* watcher = new QFutureWatcher<R>(context);
    QObject::connect(watcher, &QFutureWatcher<R>::finished, context, [watcher, then = std::forward<Then>(then)]() mutable {
        watcher->deleteLater();
        then(watcher->result());
    });
    watcher->setFuture(QtConcurrent::run(workers(), std::forward<Work>(work)));
}

bool looksLikeUrl(const QString& s)
{
    return s.contains(QLatin1String("://")) || (s.contains(QLatin1Char('@')) && s.contains(QLatin1Char(':')));
}

QString capitalised(QString s)
{
    if (!s.isEmpty())
        s[0] = s[0].toUpper();
    return s;
}

QString versionText(const QString& v)
{
    return v.isEmpty() ? QStringLiteral("(unknown)") : v;
}

} // namespace

// What an operation keeps on the workers' side: the lease (held across the operation) and the
// sequence of its intent.
struct OperationState
{
    std::shared_ptr<Store::Database> database;
    std::unique_ptr<DeployLease> lease;
    QString holder;
    qint64 intent = 0;
    QDateTime startedAt;
    QMutex mutex; // lease renewals and the release may run on different workers
};

// ---------------------------------------------------------------------------------------------------------------------
// DeployService

DeployService::DeployService(const Workspace::DeploySettings& settings, Options options, QObject* parent)
    : QObject(parent)
    , m_settings(settings)
    , m_options(std::move(options))
{
    m_http = m_options.http ? m_options.http : new Net::HttpClient(this);
    m_actor = m_options.actor.isEmpty() ? defaultActor() : m_options.actor;
    if (m_options.dataDirectory.isEmpty())
        m_options.dataDirectory
            = QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)).filePath(QStringLiteral("deploy"));
    m_database = std::make_shared<Store::Database>(
        m_options.databasePath.isEmpty() ? Store::Database::defaultPath() : m_options.databasePath);
    if (!m_options.factory)
        m_options.factory = createDeployBackend;
}

DeployService::~DeployService() = default;

Store::Database& DeployService::database()
{
    return *m_database;
}

QStringList DeployService::environmentNames() const
{
    QStringList names;
    for (const auto& e : m_settings.environments)
        names << e.name;
    return names;
}

QString DeployService::previousEnvironment(const QString& environment) const
{
    const auto* env = m_settings.environment(environment);
    if (!env)
        return {};
    if (!env->promotesFrom.isEmpty())
        return env->promotesFrom;
    const QStringList names = environmentNames();
    const qsizetype i = names.indexOf(environment);
    return i > 0 ? names.at(i - 1) : QString();
}

void DeployService::setServices(const QList<ServiceInfo>& services)
{
    m_services.clear();
    for (const ServiceInfo& s : services)
        m_services.insert(s.name, s);
}

QStringList DeployService::deployableServices() const
{
    // Well-known annotations count only where a backend of their kind is configured.
    QStringList keys { QStringLiteral("flightdeck.dev/image"), QStringLiteral("flightdeck.dev/kustomize-overlays") };
    for (const auto& b : m_settings.backends) {
        if (b.type == QLatin1String("argocd"))
            keys << QStringLiteral("argocd/app-name");
        else if (b.type == QLatin1String("kubernetes") || b.type == QLatin1String("argo-rollouts"))
            keys << QStringLiteral("backstage.io/kubernetes-id");
        else if (b.type == QLatin1String("jenkins"))
            keys << QStringLiteral("jenkins.io/job-full-name");
    }
    QStringList out;
    for (const auto& s : m_settings.services)
        out << s.name;
    for (auto it = m_services.cbegin(); it != m_services.cend(); ++it) {
        const auto& a = it->annotations;
        const bool annotated = std::any_of(a.keyBegin(), a.keyEnd(), [&keys](const QString& k) {
            return k.startsWith(QLatin1String("flightdeck.dev/deploy-")) || keys.contains(k);
        });
        if (annotated && !out.contains(it.key()))
            out << it.key();
    }
    out.sort();
    return out;
}

DeployBackend* DeployService::backendNamed(const QString& name, QString* error)
{
    if (DeployBackend* b = m_backends.value(name))
        return b;
    const Workspace::DeployBackendSpec* spec = m_settings.backend(name);
    if (!spec) {
        if (error)
            *error = tr("There is no deploy backend named \"%1\" in the workspace.").arg(name);
        return nullptr;
    }
    BackendContext context;
    context.http = m_http;
    context.name = name;
    context.dataDirectory = QDir(m_options.dataDirectory).filePath(name);
    DeployBackend* backend = m_options.factory(*spec, context, this);
    if (!backend) {
        if (error)
            *error = tr("The backend \"%1\" has the type \"%2\", which this version of Flightdeck cannot use.").arg(name, spec->type);
        return nullptr;
    }
    m_backends.insert(name, backend);
    return backend;
}

DeployBackend* DeployService::backendFor(const QString& environment, QString* error)
{
    const auto* env = m_settings.environment(environment);
    if (!env) {
        if (error)
            *error = environmentNames().isEmpty()
                ? tr("The workspace configures no environments (spec.deploy.environments).")
                : tr("There is no environment \"%1\"; the environments are %2.").arg(environment, environmentNames().join(QStringLiteral(", ")));
        return nullptr;
    }
    return backendNamed(env->backend, error);
}

DeployTarget DeployService::target(const QString& service, const QString& environment, const QString& backendName) const
{
    DeployTarget t;
    t.service = service;
    t.environment = environment;
    QHash<QString, QString> s;
    const auto merge = [&s](const QMap<QString, QString>& m) {
        for (auto it = m.cbegin(); it != m.cend(); ++it)
            s.insert(it.key(), it.value());
    };
    const auto* backend = m_settings.backend(backendName);
    const QString type = backend ? backend->type : QString();
    if (backend)
        merge(backend->settings);
    if (const auto* env = m_settings.environment(environment); env && env->backend == backendName)
        merge(env->settings);
    if (const auto* sv = m_settings.service(service)) {
        merge(sv->settings);
        merge(sv->environments.value(environment));
    }
    // The catalog's annotations: the well-known ones of each kind of backend, then any
    // flightdeck.dev/deploy-<setting>, also per environment as flightdeck.dev/deploy-<environment>-<setting>.
    const QHash<QString, QString> a = m_services.value(service).annotations;
    const auto annotation = [&](const char* key, const char* setting) {
        const QString v = a.value(QLatin1String(key));
        if (!v.isEmpty())
            s.insert(QLatin1String(setting), v);
    };
    annotation("flightdeck.dev/image", "image");
    annotation("flightdeck.dev/kustomize-overlays", "overlays");
    if (type == QLatin1String("argocd"))
        annotation("argocd/app-name", "application");
    if (type == QLatin1String("kubernetes"))
        annotation("backstage.io/kubernetes-id", "deployment");
    if (type == QLatin1String("argo-rollouts"))
        annotation("backstage.io/kubernetes-id", "rollout");
    if (type == QLatin1String("kubernetes") || type == QLatin1String("argo-rollouts"))
        annotation("backstage.io/kubernetes-namespace", "namespace");
    if (type == QLatin1String("github-actions"))
        annotation("github.com/project-slug", "repository");
    if (type == QLatin1String("jenkins"))
        annotation("jenkins.io/job-full-name", "job");
    const QString prefix = QStringLiteral("flightdeck.dev/deploy-");
    const QString envPrefix = prefix + environment + QLatin1Char('-');
    const auto forAnEnvironment = [this](const QString& rest) {
        for (const auto& e : m_settings.environments)
            if (rest.startsWith(e.name + QLatin1Char('-')))
                return true;
        return false;
    };
    for (auto it = a.cbegin(); it != a.cend(); ++it)
        if (it.key().startsWith(prefix) && !forAnEnvironment(it.key().mid(prefix.size())))
            s.insert(it.key().mid(prefix.size()), it.value());
    for (auto it = a.cbegin(); it != a.cend(); ++it)
        if (it.key().startsWith(envPrefix))
            s.insert(it.key().mid(envPrefix.size()), it.value());

    // Defaults a backend's name for a service would have.
    if (type == QLatin1String("argocd") && !s.contains(QStringLiteral("application")))
        s.insert(QStringLiteral("application"), QStringLiteral("{service}-{environment}"));
    if (type == QLatin1String("kubernetes") && !s.contains(QStringLiteral("deployment")))
        s.insert(QStringLiteral("deployment"), QStringLiteral("{service}"));
    if (type == QLatin1String("argo-rollouts") && !s.contains(QStringLiteral("rollout")))
        s.insert(QStringLiteral("rollout"), QStringLiteral("{service}"));

    QHash<QString, QString> values = m_options.extraValues;
    values.insert(QStringLiteral("workspace"), m_options.workspaceDirectory);
    for (auto it = s.cbegin(); it != s.cend(); ++it)
        values.insert(it.key(), it.value());
    values.insert(QStringLiteral("service"), service);
    values.insert(QStringLiteral("environment"), environment);
    for (int round = 0; round < 2; ++round) { // a setting may name another that names {service}
        for (auto it = s.begin(); it != s.end(); ++it)
            it.value() = substitute(it.value(), values);
        for (auto it = s.cbegin(); it != s.cend(); ++it)
            values.insert(it.key(), it.value());
    }
    // Paths relative to the workspace file.
    const QDir base(m_options.workspaceDirectory);
    for (const char* key : { "workingDirectory", "caCertificate" }) {
        const QString v = s.value(QLatin1String(key));
        if (!v.isEmpty() && QFileInfo(v).isRelative())
            s.insert(QLatin1String(key), QDir::cleanPath(base.absoluteFilePath(v)));
    }
    const QString repository = s.value(QStringLiteral("repository"));
    if (type == QLatin1String("gitops") && !repository.isEmpty() && !looksLikeUrl(repository))
        s.insert(QStringLiteral("repository"),
            QUrl::fromLocalFile(QDir::cleanPath(base.absoluteFilePath(repository))).toString());
    t.settings = s;
    return t;
}

void DeployService::readSecret(const QString& backendName, QObject* context, std::function<void(bool, QString, QString)> done)
{
    const auto* spec = m_settings.backend(backendName);
    if (!spec || spec->credential.isEmpty()) {
        QMetaObject::invokeMethod(context, [done] { done(true, QString(), QString()); }, Qt::QueuedConnection);
        return;
    }
    if (!m_options.secrets) {
        QMetaObject::invokeMethod(context, [done, name = spec->credential] {
            done(false, QString(), tr("The credential \"%1\" cannot be read: there is no keychain.").arg(name));
        }, Qt::QueuedConnection);
        return;
    }
    m_options.secrets->read(spec->credential, context, [done](const Secrets::SecretResult& r) {
        if (r.ok)
            done(true, r.value, QString());
        else
            done(false, QString(), r.message + (r.hint.isEmpty() ? QString() : QLatin1Char(' ') + r.hint));
    });
}

void DeployService::journalQuery(Action action, const QString& service, const QString& environment, QObject* context,
    std::function<void(const DeployResult&)> done)
{
    const QString svc = service, env = environment;
    onWorker(context,
        [db = m_database, svc, env] {
            QList<AuditRecord> out;
            if (!db->open())
                return out;
            for (const AuditRecord& r : AuditJournal(*db).records())
                if (r.service == svc && r.environment == env)
                    out << r;
            return out;
        },
        [done, action](const QList<AuditRecord>& records) {
            DeployResult result;
            result.outcome = Outcome::Succeeded;
            for (auto it = records.crbegin(); it != records.crend(); ++it) {
                if (it->kind != AuditRecord::Kind::Result)
                    continue;
                HistoryEntry h;
                h.id = QString::number(it->intent);
                h.version = it->toVersion;
                h.previousVersion = it->fromVersion;
                h.operation = it->operation;
                h.actor = it->actor;
                h.at = it->endedAt;
                h.result = it->result;
                h.detail = it->detail;
                result.history << h;
                if (action == Action::Status && it->result == QLatin1String("succeeded") && result.state.version.isEmpty()) {
                    result.state.version = it->toVersion;
                    result.state.deployedBy = it->actor;
                    result.state.deployedAt = it->endedAt;
                    result.state.status = QStringLiteral("Deployed");
                    result.state.health = QStringLiteral("Unknown");
                    result.state.message = tr("as recorded in the audit journal");
                }
            }
            done(result);
        });
}

void DeployService::startQuery(Action action, const QString& service, const QString& environment, const QString& backendName,
    const QString& historyId, QObject* context, std::function<void(const DeployResult&)> done)
{
    QString error;
    DeployBackend* backend = backendNamed(backendName, &error);
    if (!backend) {
        QMetaObject::invokeMethod(context, [done, error] { done(DeployResult::failure(error)); }, Qt::QueuedConnection);
        return;
    }
    if (!backend->can(requiredCapability(action)) && (action == Action::History || action == Action::Status)) {
        // The journal knows what Flightdeck did through this backend.
        journalQuery(action, service, environment, context, std::move(done));
        return;
    }
    if (!backend->can(requiredCapability(action))) {
        DeployResult r;
        r.outcome = Outcome::Succeeded; // nothing to list
        QMetaObject::invokeMethod(context, [done, r] { done(r); }, Qt::QueuedConnection);
        return;
    }
    QPointer<DeployBackend> guard(backend);
    readSecret(backendName, context,
        [this, guard, action, service, environment, backendName, historyId, context, done](bool ok, QString secret, QString error) {
            if (!ok || !guard) {
                done(DeployResult::failure(ok ? tr("The backend is gone.") : error));
                return;
            }
            DeployRequest request;
            request.action = action;
            request.target = target(service, environment, backendName);
            request.target.secret = secret;
            request.historyId = historyId;
            request.actor = m_actor;
            DeployJob* job = guard->start(request);
            connect(job, &DeployJob::finished, context, [this, action, service, environment, context, done](const DeployResult& r) {
                if (action != Action::Status || !r.ok() || !r.state.version.isEmpty())
                    return done(r);
                // The backend sees no version (a script without a status URL): the journal may know.
                journalQuery(Action::Status, service, environment, context, [r, done](const DeployResult& journal) {
                    DeployResult merged = r;
                    merged.state.version = journal.state.version;
                    if (merged.state.deployedBy.isEmpty())
                        merged.state.deployedBy = journal.state.deployedBy;
                    if (!merged.state.deployedAt.isValid())
                        merged.state.deployedAt = journal.state.deployedAt;
                    done(merged);
                });
            });
        });
}

void DeployService::query(Action action, const QString& service, const QString& environment, QObject* context,
    std::function<void(const DeployResult&)> done)
{
    QString error;
    const auto* env = m_settings.environment(environment);
    if (!env || !backendFor(environment, &error)) {
        if (error.isEmpty())
            error = tr("There is no environment \"%1\".").arg(environment);
        QMetaObject::invokeMethod(context, [done, error] { done(DeployResult::failure(error)); }, Qt::QueuedConnection);
        return;
    }
    startQuery(action, service, environment, env->backend, {}, context, std::move(done));
}

void DeployService::sourceVersions(const QString& service, const QString& environment, QObject* context,
    std::function<void(const SourceVersions&)> done)
{
    QString env = environment;
    if (!m_settings.environment(env) && !m_settings.environments.isEmpty())
        env = m_settings.environments.first().name;
    const auto* spec = m_settings.environment(env);
    const QHash<QString, QString> settings = target(service, env, spec ? spec->backend : QString()).settings;
    const SourceRepository repository = sourceRepositoryOf(m_services.value(service), settings);
    const SourceVersionOptions options = sourceVersionOptions(service, settings);
    const QString catalogCache = m_options.gitCacheDirectory;
    const QString cache = QDir(m_options.dataDirectory).filePath(QStringLiteral("sources"));
    const auto read = [context, repository, options, catalogCache, cache, done](const QByteArray& secret) {
        Git::RemoteOptions remote;
        remote.credentials.username = repository.username;
        remote.credentials.secret = secret;
        onWorker(
            context, [repository, options, catalogCache, cache, remote] {
                return readSourceVersions(repository, options, catalogCache, cache, remote);
            },
            done);
    };
    if (repository.credential.isEmpty() || !repository.isKnown()) {
        read({});
        return;
    }
    if (!m_options.secrets) {
        SourceVersions out;
        out.repository = repository;
        out.error = tr("The credential \"%1\" for %2 cannot be read: there is no keychain.").arg(repository.credential, repository.url);
        QMetaObject::invokeMethod(context, [done, out] { done(out); }, Qt::QueuedConnection);
        return;
    }
    m_options.secrets->read(repository.credential, context, [read, repository, done](const Secrets::SecretResult& r) {
        if (r.ok)
            return read(r.value.toUtf8());
        SourceVersions out;
        out.repository = repository;
        out.error = tr("The credential \"%1\" for %2 cannot be read: %3").arg(repository.credential, repository.url, r.message);
        out.hint = r.hint;
        done(out);
    });
}

DeployOperation* DeployService::prepare(const OperationRequest& request)
{
    return new DeployOperation(this, request);
}

QList<AuditRecord> DeployService::journal(const QString& service, const QString& environment) const
{
    QList<AuditRecord> out;
    if (!m_database->open())
        return out;
    const QList<AuditRecord> all = AuditJournal(*m_database).records();
    for (auto it = all.crbegin(); it != all.crend(); ++it)
        if (it->service == service && (environment.isEmpty() || it->environment == environment))
            out << *it;
    return out;
}

void DeployService::reconcile(QObject* context, std::function<void(const QStringList&)> done)
{
    struct Pending
    {
        AuditRecord intent;
        bool busy = false; // another instance holds the lease: it is still running
        // The lease was held by a process of this host that has ended (it crashed or was killed):
        // released at once rather than when it ran out. That process, e.g. "pid 4242 on build-01".
        QString endedOwner;
    };
    onWorker(
        context,
        [db = m_database] {
            QList<Pending> pending;
            if (!db->open())
                return pending;
            const QList<AuditRecord> all = AuditJournal(*db).records();
            QSet<qint64> answered;
            for (const AuditRecord& r : all)
                if (r.kind == AuditRecord::Kind::Result)
                    answered.insert(r.intent);
            for (const AuditRecord& r : all) {
                if (r.kind != AuditRecord::Kind::Intent || answered.contains(r.sequence))
                    continue;
                Pending p;
                p.intent = r;
                DeployLease lease(*db, r.service, r.environment);
                const DeployLease::Holder ended = lease.releaseIfOwnerEnded();
                if (!ended.id.isEmpty() && ended.expiresAt > QDateTime::currentDateTimeUtc())
                    p.endedOwner = ended.owner.toString();
                p.busy = !lease.current().isFree();
                pending << p;
            }
            return pending;
        },
        [this, context, done](const QList<Pending>& pending) {
            auto lines = std::make_shared<QStringList>();
            auto left = std::make_shared<int>(0);
            for (const Pending& p : pending)
                if (!p.busy)
                    ++*left;
            if (*left == 0) {
                done({});
                return;
            }
            for (const Pending& p : pending) {
                if (p.busy)
                    continue;
                const AuditRecord intent = p.intent;
                const QString interrupted = p.endedOwner.isEmpty()
                    ? tr("interrupted")
                    : tr("interrupted (its process, %1, had ended, so its lease was released without waiting for it "
                         "to run out)")
                          .arg(p.endedOwner);
                const auto finishOne = [this, context, intent, interrupted, lines, left, done](const DeployResult& status) {
                    AuditRecord result = intent;
                    result.kind = AuditRecord::Kind::Result;
                    result.intent = intent.sequence;
                    result.endedAt = QDateTime::currentDateTimeUtc();
                    const QString now = status.state.version;
                    if (!status.ok()) {
                        result.result = QStringLiteral("unknown");
                        result.detail = tr("%1; at the next start the backend could not be asked: %2").arg(interrupted, status.message);
                    } else if (!now.isEmpty() && now == intent.toVersion) {
                        result.result = QStringLiteral("succeeded");
                        result.detail = tr("%1; at the next start the backend reported %2 running").arg(interrupted, now);
                    } else if (!now.isEmpty() && now == intent.fromVersion) {
                        result.result = QStringLiteral("failed");
                        result.detail = tr("%1; at the next start the backend still reported %2").arg(interrupted, now);
                    } else {
                        result.result = QStringLiteral("unknown");
                        result.detail = tr("%1; at the next start the backend reported %2").arg(interrupted, versionText(now));
                    }
                    const QString line = tr("%1 %2 in %3 (%4 → %5): %6 — %7")
                                             .arg(intent.operation, intent.service, intent.environment, versionText(intent.fromVersion),
                                                 versionText(intent.toVersion), result.result, result.detail);
                    onWorker(
                        context,
                        [db = m_database, result] {
                            QString error;
                            AuditJournal(*db).append(result, &error);
                            return error;
                        },
                        [lines, left, done, line](const QString& error) {
                            *lines << (error.isEmpty() ? line : line + QStringLiteral(" (not recorded: ") + error + QLatin1Char(')'));
                            if (--*left == 0)
                                done(*lines);
                        });
                };
                if (!m_settings.backend(intent.backend)) {
                    DeployResult r = DeployResult::failure(tr("the backend %1 is no longer configured").arg(intent.backend));
                    QMetaObject::invokeMethod(context, [finishOne, r] { finishOne(r); }, Qt::QueuedConnection);
                    continue;
                }
                startQuery(Action::Status, intent.service, intent.environment, intent.backend, {}, context, finishOne);
            }
        });
}

// ---------------------------------------------------------------------------------------------------------------------
// DeployOperation

DeployOperation::DeployOperation(DeployService* service, OperationRequest request)
    : QObject(service)
    , m_service(service)
    , m_request(std::move(request))
{
    m_plan.operation = m_request.operation;
    m_plan.service = m_request.service;
    m_plan.environment = m_request.environment;
    m_plan.historyId = m_request.historyId;
    m_plan.strategy = m_request.strategy;
    m_actor = service->actor();
    QMetaObject::invokeMethod(this, [this] {
        DeployService* s = m_service;
        if (!s)
            return;
        const QString op = m_request.operation;
        if (op != QLatin1String("deploy") && op != QLatin1String("promote") && op != QLatin1String("rollback"))
            return planFailed(tr("Unknown operation \"%1\".").arg(op), tr("Use deploy, promote or rollback."));
        if (m_request.service.isEmpty())
            return planFailed(tr("No service given."));
        if (!s->services().isEmpty() && !s->services().contains(m_request.service) && !s->settings().service(m_request.service))
            return planFailed(tr("There is no service \"%1\" in the catalog.").arg(m_request.service),
                tr("Deployable services: %1.").arg(s->deployableServices().join(QStringLiteral(", "))));
        QString error;
        DeployBackend* backend = s->backendFor(m_request.environment, &error);
        if (!backend)
            return planFailed(error, tr("Add it under spec.deploy in the workspace file."));
        const auto* env = s->environment(m_request.environment);
        m_plan.backend = env->backend;
        m_plan.backendType = backend->type();
        m_plan.confirm = env->confirm;
        const Capability needed = op == QLatin1String("rollback") ? Capability::Rollback : Capability::Deploy;
        if (!backend->can(needed) && !(needed == Capability::Rollback && backend->can(Capability::Deploy)))
            return planFailed(tr("The %1 backend \"%2\" cannot %3.").arg(backend->type(), env->backend, op));
        if (op == QLatin1String("deploy") && m_request.version.trimmed().isEmpty())
            return planFailed(tr("No version given."), tr("Choose the version to deploy."));
        if (!m_request.strategy.isEmpty() && !backend->strategies().contains(m_request.strategy))
            return planFailed(tr("The %1 backend has no strategy \"%2\".").arg(backend->type(), m_request.strategy),
                backend->strategies().isEmpty() ? tr("It has no strategies to choose from.")
                                                : tr("Strategies: %1.").arg(backend->strategies().join(QStringLiteral(", "))));

        // What runs now, in the target (and for promote, in the source) environment.
        auto afterCurrent = [this](const DeployResult& current) {
            DeployService* s = m_service;
            if (!s)
                return;
            if (current.ok())
                m_plan.fromVersion = current.state.version;
            else
                m_plan.notes << tr("What runs in %1 now could not be read: %2").arg(m_plan.environment, current.message);
            const QString op = m_plan.operation;
            auto complete = [this] {
                const QString via = tr("through %1 (%2)").arg(m_plan.backend, m_plan.backendType);
                if (m_plan.operation == QLatin1String("rollback"))
                    m_plan.summary = tr("Roll back %1 in %2 from %3 to %4 %5.")
                                         .arg(m_plan.service, m_plan.environment, versionText(m_plan.fromVersion), m_plan.toVersion, via);
                else if (m_plan.operation == QLatin1String("promote"))
                    m_plan.summary = tr("Promote %1 %2 from %3 to %4 (now %5) %6.")
                                         .arg(m_plan.service, m_plan.toVersion, m_plan.sourceEnvironment, m_plan.environment,
                                             versionText(m_plan.fromVersion), via);
                else
                    m_plan.summary = tr("Deploy %1 %2 to %3 (now %4) %5.")
                                         .arg(m_plan.service, m_plan.toVersion, m_plan.environment, versionText(m_plan.fromVersion), via);
                m_plan.noChange = !m_plan.fromVersion.isEmpty() && m_plan.fromVersion == m_plan.toVersion;
                if (m_plan.noChange)
                    m_plan.notes << tr("%1 already runs %2 in %3.").arg(m_plan.service, m_plan.toVersion, m_plan.environment);
                m_plan.ok = true;
                m_planned = true;
                Q_EMIT planned(m_plan);
            };
            if (op == QLatin1String("deploy")) {
                m_plan.toVersion = m_request.version.trimmed();
                complete();
            } else if (op == QLatin1String("promote")) {
                const QString source = s->previousEnvironment(m_plan.environment);
                if (source.isEmpty())
                    return planFailed(tr("%1 is the first environment: there is nothing to promote from.").arg(m_plan.environment),
                        tr("Deploy a version to it instead, or promote to a later environment."));
                m_plan.sourceEnvironment = source;
                s->query(Action::Status, m_plan.service, source, this, [this, complete, source](const DeployResult& r) {
                    if (!r.ok())
                        return planFailed(tr("What runs in %1 could not be read: %2").arg(source, r.message), r.hint);
                    if (r.state.version.isEmpty())
                        return planFailed(tr("Nothing of %1 runs in %2 to promote.").arg(m_plan.service, source),
                            tr("Deploy a version to %1 first.").arg(source));
                    m_plan.toVersion = r.state.version;
                    complete();
                });
            } else { // rollback
                if (!m_request.version.isEmpty()) {
                    m_plan.toVersion = m_request.version;
                    complete();
                    return;
                }
                s->query(Action::History, m_plan.service, m_plan.environment, this, [this, complete](const DeployResult& r) {
                    if (!r.ok())
                        return planFailed(tr("The history of %1 in %2 could not be read: %3").arg(m_plan.service, m_plan.environment, r.message),
                            tr("Name the version to go back to."));
                    // A history entry chosen by the user, else the newest version before the current one.
                    for (const HistoryEntry& h : r.history) {
                        if (!m_request.historyId.isEmpty()) {
                            if (h.id == m_request.historyId) {
                                m_plan.toVersion = h.version;
                                break;
                            }
                            continue;
                        }
                        if (h.version.isEmpty() || h.version == m_plan.fromVersion)
                            continue;
                        if (h.result == QLatin1String("failed"))
                            continue;
                        m_plan.toVersion = h.version;
                        break;
                    }
                    if (m_plan.toVersion.isEmpty() && m_request.historyId.isEmpty()) {
                        // The journal may know the version before, even when the backend's history is short.
                        for (const HistoryEntry& h : r.history)
                            if (h.version == m_plan.fromVersion && !h.previousVersion.isEmpty()) {
                                m_plan.toVersion = h.previousVersion;
                                break;
                            }
                    }
                    if (m_plan.toVersion.isEmpty())
                        return planFailed(!m_request.historyId.isEmpty()
                                              ? tr("There is no history entry %1 for %2 in %3.").arg(m_request.historyId, m_plan.service, m_plan.environment)
                                              : tr("There is no earlier version of %1 in %2 to roll back to.").arg(m_plan.service, m_plan.environment),
                            tr("Name the version: --to VERSION."));
                    complete();
                });
            }
        };
        s->query(Action::Status, m_plan.service, m_plan.environment, this, afterCurrent);
    }, Qt::QueuedConnection);
}

DeployOperation::~DeployOperation() = default;

void DeployOperation::planFailed(const QString& message, const QString& hint)
{
    m_plan.ok = false;
    m_plan.error = message;
    m_plan.hint = hint;
    m_planned = true;
    Q_EMIT planned(m_plan);
}

bool DeployOperation::canAbort() const
{
    DeployService* s = m_service;
    if (!s || !m_running)
        return false;
    DeployBackend* b = s->m_backends.value(m_usedBackend);
    return b && b->can(Capability::Abort);
}

void DeployOperation::cancel()
{
    if (!m_running) {
        if (!m_done)
            deleteLater();
        m_done = true;
        return;
    }
    m_cancelled = true;
    if (!m_job)
        return; // the lease or the credential is still being read: nothing is started after it
    const bool abort = canAbort();
    m_job->cancel();
    if (abort)
        return;
    // The backend cannot stop it: Flightdeck stops following. A job that answers the cancel at once
    // (it had not changed anything yet, say) tells how it ended; one that does not goes on unseen,
    // and its outcome is unknown. Queued after the job's own answer, which finishLater() queues.
    QMetaObject::invokeMethod(
        this,
        [this] {
            if (m_done || !m_job)
                return;
            disconnect(m_job, nullptr, this, nullptr);
            m_job = nullptr;
            DeployResult result;
            result.outcome = Outcome::Unknown;
            result.message = tr("Stopped waiting for %1, which cannot abort: the %2 may still complete.")
                                 .arg(m_usedBackend, m_plan.operation);
            result.hint = tr("Look at what runs in %1 before trying again.").arg(m_plan.environment);
            releaseAndFinish(result);
        },
        Qt::QueuedConnection);
}

void DeployOperation::fail(const QString& message, const QString& hint)
{
    releaseAndFinish(DeployResult::failure(message, hint));
}

void DeployOperation::execute()
{
    DeployService* s = m_service;
    if (m_running || m_done || !m_plan.ok || !s)
        return;
    m_running = true;
    m_state = std::make_shared<OperationState>();
    m_state->database = s->m_database;
    m_state->holder = tr("%1 (pid %2 on %3): %4 %5")
                          .arg(m_actor)
                          .arg(QCoreApplication::applicationPid())
                          .arg(QHostInfo::localHostName(), m_plan.operation, m_plan.toVersion);
    m_state->startedAt = QDateTime::currentDateTimeUtc();
    AuditRecord intent;
    intent.kind = AuditRecord::Kind::Intent;
    intent.operation = m_plan.operation;
    intent.service = m_plan.service;
    intent.environment = m_plan.environment;
    intent.fromVersion = m_plan.fromVersion;
    intent.toVersion = m_plan.toVersion;
    intent.backend = m_plan.backend;
    intent.actor = m_actor;
    intent.startedAt = m_state->startedAt;
    intent.detail = m_plan.summary;
    const int ttl = s->m_options.leaseSeconds;
    Q_EMIT step(tr("lease"), QStringLiteral("running"));
    onWorker(
        this,
        [state = m_state, intent, ttl]() -> QString {
            Store::Database& db = *state->database;
            if (!db.open())
                return db.errorString() + QLatin1Char(' ') + db.errorHint();
            QMutexLocker lock(&state->mutex);
            auto lease = std::make_unique<DeployLease>(db, intent.service, intent.environment);
            QString error;
            if (!lease->acquire(state->holder, ttl, &error))
                return error.isEmpty() ? QStringLiteral("the lease could not be taken") : error;
            const AuditRecord stored = AuditJournal(db).append(intent, &error);
            if (stored.sequence <= 0)
                return QStringLiteral("the audit journal could not be written, so nothing was changed: ") + error;
            state->intent = stored.sequence;
            state->lease = std::move(lease);
            return {};
        },
        [this, ttl](const QString& error) {
            if (!error.isEmpty()) {
                Q_EMIT step(tr("lease"), QStringLiteral("failed"));
                return fail(error, tr("Wait for the other operation to end, then try again."));
            }
            Q_EMIT step(tr("lease"), QStringLiteral("succeeded"));
            Q_EMIT log(tr("Recorded the intent in the audit journal (record %1).").arg(m_state->intent));
            auto* renew = new QTimer(this);
            renew->setInterval(std::max(1, ttl / 3) * 1000);
            connect(renew, &QTimer::timeout, this, [state = m_state, ttl] {
                (void)QtConcurrent::run(workers(), [state, ttl] {
                    QMutexLocker lock(&state->mutex);
                    if (state->lease)
                        state->lease->renew(ttl);
                });
            });
            renew->start();
            if (m_cancelled)
                return fail(tr("Cancelled before anything changed."));
            startBackend(m_plan.backend, false);
        });
}

void DeployOperation::startBackend(const QString& backendName, bool redirected)
{
    DeployService* s = m_service;
    if (!s)
        return;
    QString error;
    DeployBackend* backend = s->backendNamed(backendName, &error);
    if (!backend)
        return fail(error);
    m_usedBackend = backendName;
    s->readSecret(backendName, this, [this, backendName, redirected](bool ok, QString secret, QString error) {
        DeployService* s = m_service;
        DeployBackend* backend = s ? s->backendNamed(backendName) : nullptr;
        if (!ok || !backend)
            return fail(ok ? tr("The backend is gone.") : error, tr("Store the credential in Settings → Credentials."));
        if (m_cancelled)
            return fail(tr("Cancelled before anything changed."));
        DeployRequest request;
        const bool rollback = m_plan.operation == QLatin1String("rollback");
        request.action = rollback && backend->can(Capability::Rollback) ? Action::Rollback : Action::Deploy;
        request.target = s->target(m_plan.service, m_plan.environment, backendName);
        request.target.secret = secret;
        request.version = m_plan.toVersion;
        request.fromVersion = m_plan.fromVersion;
        request.historyId = m_plan.historyId;
        request.strategy = m_plan.strategy;
        request.operation = m_plan.operation;
        request.actor = m_actor;
        Q_EMIT log(tr("%1 through %2 (%3)%4")
                       .arg(capitalised(m_plan.operation), backendName, backend->type(), redirected ? tr(", instead of %1").arg(m_plan.backend) : QString()));
        DeployJob* job = backend->start(request);
        m_job = job;
        connect(job, &DeployJob::step, this, &DeployOperation::step);
        connect(job, &DeployJob::log, this, &DeployOperation::log);
        connect(job, &DeployJob::changed, this, [this](const QString& reference) {
            Q_EMIT log(tr("Changed: %1").arg(reference));
        });
        connect(job, &DeployJob::finished, this, [this, redirected](const DeployResult& result) {
            m_job = nullptr;
            if (!result.redirectTo.isEmpty() && !result.changed && !redirected && !m_cancelled) {
                Q_EMIT log(result.message);
                return startBackend(result.redirectTo, true);
            }
            writeResult(result);
        });
    });
}

void DeployOperation::writeResult(DeployResult result)
{
    releaseAndFinish(std::move(result));
}

void DeployOperation::releaseAndFinish(DeployResult result)
{
    if (m_done)
        return;
    m_done = true;
    if (m_cancelled && result.outcome == Outcome::Failed && !result.changed)
        result.outcome = Outcome::Cancelled;
    if (result.version.isEmpty() && result.ok())
        result.version = m_plan.toVersion;
    const auto state = m_state;
    if (!state || state->intent <= 0) {
        // Nothing was recorded (the lease or the journal failed first): nothing to release.
        m_running = false;
        Q_EMIT finished(result);
        if (DeployService* s = m_service)
            Q_EMIT s->operationFinished(m_plan.service, m_plan.environment, result);
        deleteLater();
        return;
    }
    AuditRecord record;
    record.kind = AuditRecord::Kind::Result;
    record.intent = state->intent;
    record.operation = m_plan.operation;
    record.service = m_plan.service;
    record.environment = m_plan.environment;
    record.fromVersion = m_plan.fromVersion;
    record.toVersion = m_plan.toVersion;
    record.backend = m_usedBackend.isEmpty() ? m_plan.backend : m_usedBackend;
    record.actor = m_actor;
    record.startedAt = state->startedAt;
    record.endedAt = QDateTime::currentDateTimeUtc();
    record.result = outcomeName(result.outcome);
    QStringList detail;
    if (!result.reference.isEmpty())
        detail << result.reference;
    if (!result.message.isEmpty())
        detail << result.message;
    if (record.backend != m_plan.backend)
        detail << tr("through %1 instead of %2").arg(record.backend, m_plan.backend);
    record.detail = detail.join(QStringLiteral(" — "));
    // Stopped following a backend that cannot abort: it may still be changing the environment, so
    // the lease stays until it runs out and nobody starts another operation on it before.
    const bool keepLease = result.outcome == Outcome::Unknown && m_cancelled;
    if (keepLease) {
        const int ttl = m_service ? m_service->m_options.leaseSeconds : 120;
        result.hint = (result.hint.isEmpty() ? QString() : result.hint + QLatin1Char(' '))
            + tr("Another operation on %1 in %2 can start when this one's lease runs out, within %3 s.")
                  .arg(m_plan.service, m_plan.environment)
                  .arg(ttl);
    }
    onWorker(
        this,
        [state, record, keepLease] {
            QString error;
            AuditJournal(*state->database).append(record, &error);
            QMutexLocker lock(&state->mutex);
            if (state->lease) {
                if (keepLease)
                    state->lease->abandon();
                else
                    state->lease->release();
            }
            state->lease.reset();
            return error;
        },
        [this, result](const QString& error) mutable {
            if (!error.isEmpty())
                Q_EMIT log(tr("The result could not be written to the audit journal: %1").arg(error));
            m_running = false;
            Q_EMIT finished(result);
            if (DeployService* s = m_service)
                Q_EMIT s->operationFinished(m_plan.service, m_plan.environment, result);
            deleteLater();
        });
}

QList<ServiceInfo> servicesOf(const Catalog::Catalog& catalog, const QList<Sources::CatalogSourceSpec>& sources)
{
    QHash<QString, const Sources::CatalogSourceSpec*> gitSources;
    for (const Sources::CatalogSourceSpec& spec : sources)
        if (spec.type == Sources::CatalogSourceSpec::Type::Git && !spec.url.isEmpty())
            gitSources.insert(spec.name, &spec);
    QList<ServiceInfo> out;
    QSet<QString> seen;
    for (const bool defaultNamespace : { true, false }) {
        for (const Catalog::Entity& e : catalog.entities()) {
            if (e.ref.kind.compare(QLatin1String("Component"), Qt::CaseInsensitive) != 0)
                continue;
            if ((e.ref.ns == QLatin1String("default")) != defaultNamespace || seen.contains(e.ref.name))
                continue;
            seen.insert(e.ref.name);
            ServiceInfo s;
            s.name = e.ref.name;
            s.title = e.displayName();
            s.owner = e.owner;
            for (const auto& [k, v] : e.annotations)
                s.annotations.insert(k, v);
            // A git source names its files "<url>#<path in repository>".
            if (const Sources::CatalogSourceSpec* spec = gitSources.value(e.location.source);
                spec && e.location.file.startsWith(spec->url + QLatin1Char('#'))) {
                const QString inRepo = QDir::cleanPath(e.location.file.mid(spec->url.size() + 1));
                s.sourceName = spec->name;
                s.sourceUrl = spec->url;
                s.sourcePath = inRepo.contains(QLatin1Char('/')) ? inRepo.section(QLatin1Char('/'), 0, -2) : QString();
                s.sourceCredential = spec->credential;
            }
            out << s;
        }
    }
    return out;
}

QString defaultActor()
{
    QString name, email;
    git_config* config = nullptr;
    if (git_config_open_default(&config) == 0) {
        git_config* snapshot = nullptr;
        if (git_config_snapshot(&snapshot, config) == 0) {
            const char* value = nullptr;
            if (git_config_get_string(&value, snapshot, "user.name") == 0 && value)
                name = QString::fromUtf8(value);
            if (git_config_get_string(&value, snapshot, "user.email") == 0 && value)
                email = QString::fromUtf8(value);
            git_config_free(snapshot);
        }
        git_config_free(config);
    }
    QString login = qEnvironmentVariable("USER", qEnvironmentVariable("USERNAME", QStringLiteral("flightdeck")));
    if (name.isEmpty())
        name = login;
    if (email.isEmpty())
        email = login + QLatin1Char('@') + QHostInfo::localHostName();
    return QStringLiteral("%1 <%2>").arg(name, email);
}

} // namespace Flightdeck::Deploy
