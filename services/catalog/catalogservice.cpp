// SPDX-License-Identifier: Apache-2.0
#include "catalogservice.h"

#include "secrets/secretstore.h"
#include "sources/catalogrefresh.h"
#include "store/catalogstore.h"
#include "store/database.h"

#include "core/workers.h"

#include <QtConcurrent/QtConcurrentRun>

namespace Flightdeck::Catalog {

namespace {

struct StoredSnapshot
{
    CatalogPtr catalog;
    QList<Sources::SourceLoad> loads;
    QString problem;
};

SourceStatus statusOf(const Sources::SourceLoad& load)
{
    SourceStatus s;
    s.spec = load.spec;
    s.readAt = load.readAt;
    s.reachable = load.reachable;
    s.stale = load.stale;
    s.revision = load.revision;
    for (const FileLoad& f : load.files) {
        s.entities += int(f.entities.size());
        for (const Diagnostic& d : f.diagnostics)
            (d.isError() ? s.errors : s.warnings) += 1;
    }
    for (const Diagnostic& d : load.diagnostics) {
        (d.isError() ? s.errors : s.warnings) += 1;
        if (d.code == QLatin1String("source") || d.code == QLatin1String("credential") || d.code == QLatin1String("source-offline"))
            s.problem = d.message;
    }
    return s;
}

} // namespace

CatalogService::CatalogService(Secrets::SecretStore* secrets, QObject* parent)
    : QObject(parent)
    , m_secrets(secrets)
    , m_catalog(Catalog::empty())
{
    m_autoRefresh.setSingleShot(true);
    connect(&m_autoRefresh, &QTimer::timeout, this, &CatalogService::refresh);
}

CatalogService::~CatalogService()
{
    if (m_refresh)
        m_refresh->cancel();
    // Saves hold the database; let them finish before it goes away.
    for (QFuture<void>& f : m_background)
        f.waitForFinished();
}

void CatalogService::open(const Workspace::Workspace& workspace, const QString& databasePath, bool refreshNow)
{
    m_workspace = workspace;
    ++m_generation;
    if (m_refresh) {
        // The old workspace's refresh may still finish (its workers hold it): its result is
        // dropped by generation (startRefresh), and a refresh of the new workspace starts at once.
        m_refresh->cancel();
        m_refresh = nullptr;
    }
    m_refreshAgain = false;
    m_lastGood.clear();
    m_status.clear();
    for (const Sources::CatalogSourceSpec& spec : m_workspace.sources())
        m_status.insert(spec.name, SourceStatus {spec});
    for (QFuture<void>& f : m_background)
        f.waitForFinished();
    m_background.clear();
    m_database = std::make_shared<Store::Database>(databasePath.isEmpty() ? Store::Database::defaultPath() : databasePath);
    if (!m_database->open()) {
        m_storeProblem = m_database->errorString() + QLatin1Char(' ') + m_database->errorHint();
        Q_EMIT storeProblemChanged(m_storeProblem);
    }
    m_loading = true;
    const int generation = m_generation;
    const auto database = m_database;
    const QList<Sources::CatalogSourceSpec> specs = m_workspace.sources();
    auto* watcher = new QFutureWatcher<StoredSnapshot>(this);
    connect(watcher, &QFutureWatcher<StoredSnapshot>::finished, this, [this, watcher, generation, refreshNow] {
        watcher->deleteLater();
        if (generation != m_generation)
            return; // another workspace was opened meanwhile
        const StoredSnapshot snapshot = watcher->result();
        m_loading = false;
        if (!snapshot.problem.isEmpty()) {
            m_storeProblem = snapshot.problem;
            Q_EMIT storeProblemChanged(m_storeProblem);
        }
        for (const Sources::SourceLoad& load : snapshot.loads) {
            m_lastGood.insert(load.spec.name, load);
            m_status.insert(load.spec.name, statusOf(load));
        }
        Q_EMIT sourcesChanged();
        publish(snapshot.catalog);
        // The index is built after the snapshot is on screen, so the window shows at once.
        const CatalogPtr shown = snapshot.catalog;
        auto* indexWatcher = new QFutureWatcher<void>(this);
        connect(indexWatcher, &QFutureWatcher<void>::finished, this, [this, indexWatcher, shown] {
            indexWatcher->deleteLater();
            if (m_catalog == shown)
                Q_EMIT searchIndexReady(shown);
        });
        const QFuture<void> index = QtConcurrent::run(workers(), [shown] { shown->searchIndex(); });
        indexWatcher->setFuture(index);
        m_background.push_back(index);
        if (refreshNow)
            startRefresh();
        else
            scheduleAutoRefresh();
    });
    watcher->setFuture(QtConcurrent::run(workers(), [database, specs]() {
        StoredSnapshot out;
        Catalog::BuildInput input;
        input.buildSearchIndex = false;
        if (database->isOpen()) {
            Store::CatalogStore store(*database);
            const Store::StoredCatalog stored = store.load();
            if (!stored.error.isEmpty())
                out.problem = stored.error + QLatin1Char(' ') + stored.hint;
            // Workspace order decides precedence between sources, as in a refresh.
            for (const Sources::CatalogSourceSpec& spec : specs) {
                for (const Store::StoredSource& s : stored.sources) {
                    if (s.state.name != spec.name)
                        continue;
                    Sources::SourceLoad load;
                    load.spec = spec;
                    load.files = s.files;
                    load.revision = s.state.revision;
                    load.readAt = s.state.refreshedAt;
                    load.stale = true; // until the refresh confirms it
                    input.files += s.files;
                    out.loads.push_back(std::move(load));
                }
            }
            input.asOf = stored.asOf;
        }
        out.catalog = Catalog::build(std::move(input));
        return out;
    }));
}

bool CatalogService::updateWorkspace(const Workspace::Workspace& workspace, QString* error)
{
    Workspace::Workspace next = workspace;
    if (!next.filePath().isEmpty() && !next.save(error))
        return false;
    m_workspace = next;
    QHash<QString, SourceStatus> status;
    for (const Sources::CatalogSourceSpec& spec : m_workspace.sources())
        status.insert(spec.name, m_status.value(spec.name, SourceStatus {spec}));
    for (auto it = status.begin(); it != status.end(); ++it)
        it->spec = *m_workspace.source(it.key());
    m_status = status;
    Q_EMIT sourcesChanged();
    refresh();
    return true;
}

QList<SourceStatus> CatalogService::sources() const
{
    QList<SourceStatus> out;
    for (const Sources::CatalogSourceSpec& spec : m_workspace.sources())
        out.push_back(m_status.value(spec.name, SourceStatus {spec}));
    return out;
}

void CatalogService::refresh()
{
    if (m_loading)
        return; // the stored catalog is still being read; it starts a refresh itself
    startRefresh();
}

void CatalogService::cancelRefresh()
{
    m_refreshAgain = false;
    if (m_refresh)
        m_refresh->cancel();
}

void CatalogService::startRefresh()
{
    if (m_refresh) {
        m_refreshAgain = true;
        return;
    }
    m_autoRefresh.stop();
    Sources::RefreshOptions options;
    options.previousSources = m_lastGood;
    options.gitCacheDir = m_gitCacheDir;
    options.local.load.maxFileSize = m_workspace.catalogSettings().maxFileSize;
    options.buildSearchIndex = true; // on the worker, so typing never waits for it
    m_refresh = new Sources::CatalogRefresh(m_workspace.sources(), options, m_secrets, this);
    connect(m_refresh, &Sources::CatalogRefresh::progress, this, &CatalogService::refreshProgress);
    Sources::CatalogRefresh* refresh = m_refresh;
    connect(m_refresh, &Sources::CatalogRefresh::finished, this,
            [this, refresh, generation = m_generation](const Sources::RefreshResult& result) {
                if (generation != m_generation || refresh != m_refresh) {
                    refresh->deleteLater(); // a refresh of a workspace that is no longer open
                    return;
                }
                refreshDone(result);
            });
    Q_EMIT refreshStarted();
    m_refresh->start();
}

void CatalogService::refreshDone(const Sources::RefreshResult& result)
{
    m_refresh->deleteLater();
    m_refresh = nullptr;
    if (result.cancelled || !result.catalog) {
        Q_EMIT refreshFinished(true, tr("Refresh cancelled"));
    } else {
        for (const Sources::SourceLoad& load : result.sources) {
            m_status.insert(load.spec.name, statusOf(load));
            if (load.reachable || load.stale)
                m_lastGood.insert(load.spec.name, load);
        }
        Q_EMIT sourcesChanged();
        publish(result.catalog);
        Q_EMIT searchIndexReady(result.catalog);
        save(result.sources);
        const CatalogPtr& c = result.catalog;
        Q_EMIT refreshFinished(false, tr("%n entities", nullptr, int(c->size())) + QStringLiteral(", ")
                                          + tr("%n errors", nullptr, c->errorCount()) + QStringLiteral(", ")
                                          + tr("%n warnings", nullptr, c->warningCount()));
    }
    if (m_refreshAgain) {
        m_refreshAgain = false;
        startRefresh();
        return;
    }
    scheduleAutoRefresh();
}

void CatalogService::scheduleAutoRefresh()
{
    int minutes = 0;
    for (const Sources::CatalogSourceSpec& spec : m_workspace.sources()) {
        const int m = m_workspace.effectiveRefreshMinutes(spec);
        if (m > 0 && (minutes == 0 || m < minutes))
            minutes = m;
    }
    if (minutes > 0)
        m_autoRefresh.start(std::chrono::minutes(minutes));
    else
        m_autoRefresh.stop();
}

void CatalogService::publish(CatalogPtr catalog)
{
    CatalogPtr previous = std::exchange(m_catalog, catalog ? std::move(catalog) : Catalog::empty());
    Q_EMIT catalogChanged(m_catalog);
    retire(std::move(previous));
}

void CatalogService::save(const QList<Sources::SourceLoad>& loads)
{
    if (!m_database || !m_database->isOpen())
        return;
    // Drop finished jobs so the list stays short.
    m_background.erase(std::remove_if(m_background.begin(), m_background.end(), [](const QFuture<void>& f) { return f.isFinished(); }),
                       m_background.end());
    const auto database = m_database;
    m_background.push_back(QtConcurrent::run(workers(), [database, loads] {
        Store::CatalogStore store(*database);
        for (const Sources::SourceLoad& load : loads) {
            if (!load.reachable || load.stale) {
                QString message;
                for (const Diagnostic& d : load.diagnostics)
                    if (d.isError())
                        message = d.message;
                store.recordFailure(load.spec.name, message, QDateTime::currentDateTimeUtc());
                continue;
            }
            Store::SourceState state;
            state.name = load.spec.name;
            state.fingerprint = Store::CatalogStore::fingerprint(load.spec);
            state.revision = load.revision;
            state.refreshedAt = load.readAt;
            store.replaceSource(state, load.files);
        }
    }));
}

QString CatalogService::gitCacheDir() const
{
    return m_gitCacheDir.isEmpty() ? Sources::defaultGitCacheDir() : m_gitCacheDir;
}

} // namespace Flightdeck::Catalog
