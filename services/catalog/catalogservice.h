// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "catalog.h"
#include "sources/catalogrefresh.h"
#include "workspace/workspace.h"

#include <QDateTime>
#include <QFutureWatcher>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <memory>

namespace Flightdeck::Secrets {
class SecretStore;
}
namespace Flightdeck::Store {
class Database;
}

namespace Flightdeck::Catalog {

// What the app knows about one source of the workspace.
struct SourceStatus
{
    Sources::CatalogSourceSpec spec;
    QDateTime readAt;      // last successful read; invalid = never
    bool reachable = true; // the last attempt reached it
    bool stale = false;    // what is shown is older than the last attempt
    QString revision;      // git commit
    int entities = 0;
    int errors = 0;        // errors in its files and of the source itself
    int warnings = 0;
    QString problem;       // why the last attempt failed, when it did
};

// The catalog as the app shows it. On open() the last good catalog comes from the store at once
// (read on a worker), then every source is read again in the background; each result replaces
// the snapshot and is saved. Sources that cannot be reached keep their last good state. Refreshes
// repeat at the workspace's interval. Everything heavy runs on workers; signals arrive on the
// thread that owns the service.
class CatalogService : public QObject
{
    Q_OBJECT
public:
    explicit CatalogService(Secrets::SecretStore* secrets, QObject* parent = nullptr);
    ~CatalogService() override;

    // databasePath empty: the default store. refreshNow false: only show what is stored.
    void open(const Workspace::Workspace& workspace, const QString& databasePath = {}, bool refreshNow = true);
    const Workspace::Workspace& workspace() const { return m_workspace; }
    // Saves the workspace file and reads the catalog again. Returns false with a message when the
    // file cannot be written.
    bool updateWorkspace(const Workspace::Workspace& workspace, QString* error = nullptr);

    CatalogPtr catalog() const { return m_catalog; }
    QDateTime asOf() const { return m_catalog ? m_catalog->asOf() : QDateTime(); }
    QList<SourceStatus> sources() const;
    bool isRefreshing() const { return m_refresh != nullptr; }
    bool isLoading() const { return m_loading; }
    QString storeProblem() const { return m_storeProblem; }

    void setGitCacheDir(const QString& dir) { m_gitCacheDir = dir; }
    // Where git sources are cloned: the folder set, else the default.
    QString gitCacheDir() const;

public Q_SLOTS:
    void refresh();
    void cancelRefresh();

Q_SIGNALS:
    void catalogChanged(const Flightdeck::Catalog::CatalogPtr& catalog);
    // The snapshot's search index is ready (built on a worker after the snapshot was shown).
    void searchIndexReady(const Flightdeck::Catalog::CatalogPtr& catalog);
    void refreshStarted();
    void refreshProgress(const QString& message, int done, int total);
    void refreshFinished(bool cancelled, const QString& summary);
    void sourcesChanged();
    void storeProblemChanged(const QString& message);

private:
    void publish(CatalogPtr catalog);
    void startRefresh();
    void refreshDone(const Sources::RefreshResult& result);
    void scheduleAutoRefresh();
    void save(const QList<Sources::SourceLoad>& loads);

    QPointer<Secrets::SecretStore> m_secrets;
    Workspace::Workspace m_workspace;
    std::shared_ptr<Store::Database> m_database;
    CatalogPtr m_catalog;
    QHash<QString, Sources::SourceLoad> m_lastGood; // by source name
    QHash<QString, SourceStatus> m_status;
    Sources::CatalogRefresh* m_refresh = nullptr;
    bool m_refreshAgain = false;
    bool m_loading = false;
    QTimer m_autoRefresh;
    QString m_gitCacheDir;
    QString m_storeProblem;
    int m_generation = 0;
    QList<QFuture<void>> m_background; // saves and index builds still running
};

} // namespace Flightdeck::Catalog
