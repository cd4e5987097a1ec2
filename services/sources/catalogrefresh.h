// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "catalog/catalog.h"
#include "git/gittypes.h"
#include "sourceload.h"
#include "sourcespec.h"

#include <QObject>
#include <QPointer>

#include <atomic>
#include <memory>

namespace Flightdeck::Secrets {
class SecretStore;
}

namespace Flightdeck::Sources {

struct RefreshResult
{
    QList<SourceLoad> sources;          // in workspace order
    Catalog::CatalogPtr catalog;        // null when cancelled
    bool cancelled = false;
    qint64 elapsedMs = 0;
};

struct RefreshOptions
{
    LocalTreeOptions local;             // `previous` is filled from previousSources
    QString gitCacheDir;                // where git sources are cloned; empty: the XDG cache
    Git::NetworkTimeouts gitTimeouts;
    int backstagePageSize = 500;
    int backstageTimeoutMs = 30000;
    // The last good state of each source by name: unchanged files are reused, and a source that
    // cannot be reached keeps showing it (marked stale).
    QHash<QString, SourceLoad> previousSources;
    bool buildSearchIndex = true;
};

// Reads every source of a workspace (or of a command line) and builds a catalog snapshot. Local
// folders and git repositories are read on worker threads, Backstage backends over signal-driven
// HTTP; credentials come from the secret store, by name, before any worker starts. Emits progress
// and exactly one finished(). Cancel stops at the next file or network callback.
class CatalogRefresh : public QObject
{
    Q_OBJECT
public:
    CatalogRefresh(QList<CatalogSourceSpec> sources, RefreshOptions options, Secrets::SecretStore* secrets = nullptr,
                   QObject* parent = nullptr);
    ~CatalogRefresh() override;

    void start();
    void cancel();
    bool isRunning() const { return m_running; }

Q_SIGNALS:
    void progress(const QString& message, int done, int total);
    void finished(const Flightdeck::Sources::RefreshResult& result);

private:
    void nextSource();
    void readSource(const CatalogSourceSpec& spec, const QString& secret);
    void sourceDone(SourceLoad load);
    void buildCatalog();

    QList<CatalogSourceSpec> m_specs;
    RefreshOptions m_options;
    QPointer<Secrets::SecretStore> m_secrets;
    QList<SourceLoad> m_loads;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    qsizetype m_next = 0;
    qint64 m_startedAt = 0;
    bool m_running = false;
    std::shared_ptr<const QHash<QString, Catalog::FileLoad>> m_previousFiles; // shared with workers
    QObject* m_current = nullptr; // the running network reader, if any
};

// Where git sources are cloned by default.
QString defaultGitCacheDir();

} // namespace Flightdeck::Sources

Q_DECLARE_METATYPE(Flightdeck::Sources::RefreshResult)
