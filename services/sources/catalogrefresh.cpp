// SPDX-License-Identifier: Apache-2.0
#include "catalogrefresh.h"

#include "backstagesource.h"
#include "filescanner.h"
#include "gitmirror.h"
#include "secrets/secretstore.h"

#include "core/workers.h"

#include <QDateTime>
#include <QDir>
#include <QFutureWatcher>
#include <QStandardPaths>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtConcurrent/QtConcurrentMap>
#include <QtConcurrent/QtConcurrentRun>

namespace Flightdeck::Sources {

using namespace Flightdeck::Catalog;

QString defaultGitCacheDir()
{
    return QStandardPaths::writableLocation(QStandardPaths::CacheLocation) + QStringLiteral("/git");
}

namespace {

SourceLoad loadGitSource(const CatalogSourceSpec& spec, const QString& cacheRoot, const Git::RemoteOptions& remote,
                         LocalTreeOptions local, const QHash<QString, FileLoad>* previous, const std::atomic<bool>* cancel,
                         const LoadProgress& progress)
{
    const GitMirrorResult mirror = GitMirror::sync(spec, cacheRoot, remote);
    if (!mirror.ok()) {
        SourceLoad out;
        out.spec = spec;
        out.readAt = QDateTime::currentDateTimeUtc();
        out.reachable = false;
        Diagnostic d;
        d.file = spec.url;
        d.message = QStringLiteral("git source \"%1\": %2").arg(spec.name, mirror.error.message);
        d.hint = mirror.error.hint;
        d.code = QStringLiteral("source");
        out.diagnostics << d;
        return out;
    }
    // Files are named by repository URL and path inside it, not by the cache folder.
    const QString worktree = QDir::cleanPath(mirror.worktree);
    local.displayName = [url = spec.url, worktree](const QString& path) -> QString {
        QString name = url;
        name += QLatin1Char('#');
        name += QDir(worktree).relativeFilePath(path);
        return name;
    };
    local.locationType = QStringLiteral("url");
    local.previous = previous;
    const ScanResult scan = scanDirectory(worktree, spec.globs, cancel);
    SourceLoad out = loadLocalTree(spec, worktree, scan.files, local, cancel, progress);
    out.diagnostics = scan.diagnostics + out.diagnostics;
    out.revision = mirror.commit;
    if (mirror.offline) {
        out.stale = true;
        Diagnostic d;
        d.severity = Severity::Warning;
        d.file = spec.url;
        d.message = QStringLiteral("git source \"%1\" is offline: %2").arg(spec.name, mirror.offlineReason.message);
        d.hint = mirror.warning;
        d.code = QStringLiteral("source-offline");
        out.diagnostics << d;
    }
    return out;
}

SourceLoad loadBackstageEntities(const CatalogSourceSpec& spec, const BackstageReadResult& read,
                                 const LoadOptions& options)
{
    SourceLoad out;
    out.spec = spec;
    out.readAt = QDateTime::currentDateTimeUtc();
    if (!read.ok) {
        out.reachable = false;
        Diagnostic d;
        d.file = spec.url;
        d.message = read.error;
        d.hint = read.hint;
        d.backstage = read.backstageError;
        d.code = QStringLiteral("source");
        out.diagnostics << d;
        return out;
    }
    for (const QString& w : read.warnings) {
        Diagnostic d;
        d.severity = Severity::Warning;
        d.file = spec.url;
        d.message = w;
        d.code = QStringLiteral("source");
        out.diagnostics << d;
    }
    // Each entity is checked as if read from a file: the server's verdict is not taken on trust.
    std::function<FileLoad(const BackstageEntity&)> convert = [&](const BackstageEntity& e) {
        LoadContext ctx;
        ctx.sourceName = spec.name;
        const qsizetype colon = e.location.indexOf(QLatin1Char(':'));
        ctx.locationType = colon > 0 ? e.location.left(colon) : QStringLiteral("url");
        ctx.file = colon > 0 ? e.location.mid(colon + 1) : spec.url + QStringLiteral("/api/catalog/entities/by-name/") + e.ref;
        ctx.origin = spec.url;
        ctx.options = options;
        FileLoad f = loadCatalogFile(e.json, ctx);
        // Positions in the server's JSON mean nothing to people: the entity is known by its file.
        for (Diagnostic& d : f.diagnostics)
            d.line = d.column = 0;
        for (Entity& entity : f.entities) {
            entity.location.line = entity.location.column = 0;
            for (DeclaredRelation& r : entity.declared)
                r.line = r.column = 0;
        }
        return f;
    };
    out.files = QtConcurrent::blockingMapped<QList<FileLoad>>(workers(), read.entities, convert);
    out.reparsed = int(out.files.size());
    return out;
}

} // namespace

CatalogRefresh::CatalogRefresh(QList<CatalogSourceSpec> sources, RefreshOptions options, Secrets::SecretStore* secrets,
                               QObject* parent)
    : QObject(parent)
    , m_specs(std::move(sources))
    , m_options(std::move(options))
    , m_secrets(secrets)
    , m_cancel(std::make_shared<std::atomic<bool>>(false))
{
    if (m_options.gitCacheDir.isEmpty())
        m_options.gitCacheDir = defaultGitCacheDir();
    auto previous = std::make_shared<QHash<QString, FileLoad>>();
    for (const SourceLoad& s : std::as_const(m_options.previousSources))
        for (const FileLoad& f : s.files)
            if (!f.path.isEmpty())
                previous->insert(f.path, f);
    m_previousFiles = previous;
}

CatalogRefresh::~CatalogRefresh()
{
    // Workers hold their own reference to the cancel flag; tell them to stop.
    m_cancel->store(true);
}

void CatalogRefresh::start()
{
    if (m_running)
        return;
    m_running = true;
    m_startedAt = QDateTime::currentMSecsSinceEpoch();
    m_loads.clear();
    m_next = 0;
    nextSource();
}

void CatalogRefresh::cancel()
{
    m_cancel->store(true);
    if (auto* reader = qobject_cast<BackstageCatalogReader*>(m_current))
        reader->cancel();
}

void CatalogRefresh::nextSource()
{
    if (m_cancel->load()) {
        RefreshResult r;
        r.sources = m_loads;
        r.cancelled = true;
        r.elapsedMs = QDateTime::currentMSecsSinceEpoch() - m_startedAt;
        m_running = false;
        Q_EMIT finished(r);
        return;
    }
    if (m_next >= m_specs.size()) {
        buildCatalog();
        return;
    }
    const CatalogSourceSpec spec = m_specs[m_next++];
    Q_EMIT progress(tr("Reading %1").arg(spec.name), int(m_next - 1), int(m_specs.size()));
    if (spec.credential.isEmpty() || !m_secrets) {
        readSource(spec, QString());
        return;
    }
    // Read the secret before any worker starts: workers never prompt or wait on the keychain.
    m_secrets->read(spec.credential, this, [this, spec](const Secrets::SecretResult& r) {
        if (!r.ok) {
            SourceLoad load;
            load.spec = spec;
            load.readAt = QDateTime::currentDateTimeUtc();
            load.reachable = false;
            Diagnostic d;
            d.file = spec.url.isEmpty() ? spec.path : spec.url;
            d.message = QStringLiteral("source \"%1\": cannot read credential \"%2\": %3").arg(spec.name, spec.credential, r.message);
            d.hint = r.hint;
            d.code = QStringLiteral("credential");
            load.diagnostics << d;
            sourceDone(std::move(load));
            return;
        }
        readSource(spec, r.value);
    });
}

void CatalogRefresh::readSource(const CatalogSourceSpec& spec, const QString& secret)
{
    LocalTreeOptions local = m_options.local;
    const auto previous = m_previousFiles;
    auto cancel = m_cancel;
    auto* watcher = new QFutureWatcher<SourceLoad>(this);
    connect(watcher, &QFutureWatcher<SourceLoad>::finished, this, [this, watcher] {
        watcher->deleteLater();
        sourceDone(watcher->result());
    });
    const auto report = [this](int done, int total) {
        QMetaObject::invokeMethod(this, [this, done, total] { Q_EMIT progress(tr("Reading files"), done, total); },
                                  Qt::QueuedConnection);
    };
    switch (spec.type) {
    case CatalogSourceSpec::Type::File:
    case CatalogSourceSpec::Type::Directory:
        watcher->setFuture(QtConcurrent::run(workers(), [spec, local, previous, cancel, report]() mutable {
            local.previous = previous.get();
            return loadLocalSource(spec, local, cancel.get(), report);
        }));
        return;
    case CatalogSourceSpec::Type::Git: {
        const QString cacheRoot = m_options.gitCacheDir;
        Git::RemoteOptions remote;
        remote.credentials.secret = secret.toUtf8();
        remote.timeouts = m_options.gitTimeouts;
        remote.cancel = cancel.get();
        remote.progress = [this](const Git::TransferProgress& p) {
            const int done = int(p.receivedObjects), total = int(p.totalObjects);
            const QString phase = Git::phaseName(p.phase);
            QMetaObject::invokeMethod(this, [this, phase, done, total] { Q_EMIT progress(phase, done, total); },
                                      Qt::QueuedConnection);
        };
        watcher->setFuture(QtConcurrent::run(workers(), [spec, cacheRoot, remote, local, previous, cancel, report]() mutable {
            return loadGitSource(spec, cacheRoot, remote, local, previous.get(), cancel.get(), report);
        }));
        return;
    }
    case CatalogSourceSpec::Type::Backstage: {
        watcher->deleteLater();
        auto* reader = new BackstageCatalogReader(this);
        reader->setPageSize(m_options.backstagePageSize);
        reader->setTimeoutMs(m_options.backstageTimeoutMs);
        m_current = reader;
        connect(reader, &BackstageCatalogReader::progress, this, [this, spec](int received, int total) {
            Q_EMIT progress(tr("Reading %1").arg(spec.name), received, total);
        });
        connect(reader, &BackstageCatalogReader::finished, this, [this, reader, spec, local](const BackstageReadResult& r) {
            reader->deleteLater();
            m_current = nullptr;
            auto* convert = new QFutureWatcher<SourceLoad>(this);
            connect(convert, &QFutureWatcher<SourceLoad>::finished, this, [this, convert] {
                convert->deleteLater();
                sourceDone(convert->result());
            });
            convert->setFuture(QtConcurrent::run(workers(), [spec, r, local] { return loadBackstageEntities(spec, r, local.load); }));
        });
        reader->start(spec, secret);
        return;
    }
    }
}

void CatalogRefresh::sourceDone(SourceLoad load)
{
    // A source that could not be read at all keeps its last good files, marked stale.
    if (!load.reachable) {
        const auto prev = m_options.previousSources.constFind(load.spec.name);
        if (prev != m_options.previousSources.constEnd() && !prev->files.isEmpty()) {
            Diagnostics problems = load.diagnostics;
            load = *prev;
            load.stale = true;
            load.diagnostics = problems;
            for (Diagnostic& d : load.diagnostics)
                d.hint += QStringLiteral(" Showing the catalog of this source as of %1.")
                              .arg(prev->readAt.toLocalTime().toString(Qt::ISODate));
        }
    }
    m_loads.push_back(std::move(load));
    nextSource();
}

void CatalogRefresh::buildCatalog()
{
    Q_EMIT progress(tr("Building the catalog"), int(m_specs.size()), int(m_specs.size()));
    Catalog::Catalog::BuildInput input;
    for (const SourceLoad& s : std::as_const(m_loads)) {
        input.files += s.files;
        input.extraDiagnostics += s.diagnostics;
    }
    input.asOf = QDateTime::currentDateTimeUtc();
    input.buildSearchIndex = m_options.buildSearchIndex;
    auto* watcher = new QFutureWatcher<CatalogPtr>(this);
    connect(watcher, &QFutureWatcher<CatalogPtr>::finished, this, [this, watcher] {
        watcher->deleteLater();
        RefreshResult r;
        r.sources = m_loads;
        r.catalog = watcher->result();
        r.cancelled = m_cancel->load(); // cancelled while the catalog was being built
        r.elapsedMs = QDateTime::currentMSecsSinceEpoch() - m_startedAt;
        m_running = false;
        Q_EMIT finished(r);
    });
    watcher->setFuture(QtConcurrent::run(workers(), [input = std::move(input)]() mutable { return Catalog::Catalog::build(std::move(input)); }));
}

} // namespace Flightdeck::Sources
