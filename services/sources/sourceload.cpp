// SPDX-License-Identifier: Apache-2.0
#include "sourceload.h"

#include "filescanner.h"

#include "core/workers.h"

#include <QDir>
#include <QFileInfo>
#include <QSet>
#include <QtConcurrent/QtConcurrentMap>

namespace Flightdeck::Sources {

using namespace Flightdeck::Catalog;

namespace {

bool unchanged(const FileLoad& previous, const FileStamp& stamp)
{
    if (!(previous.stamp == stamp) || stamp.size < 0)
        return false;
    for (const FileStamp& dep : previous.dependencies)
        if (!(stampFile(dep.path) == dep))
            return false;
    return true;
}

Diagnostic targetProblem(const FileLoad& declaring, const LocationTarget& t, Severity severity, QString message,
                         QString hint, const QString& code)
{
    Diagnostic d;
    d.severity = severity;
    d.file = declaring.file;
    d.line = t.line;
    d.column = t.column;
    d.entity = t.location;
    d.field = t.field;
    d.message = std::move(message);
    d.hint = std::move(hint);
    d.code = code;
    return d;
}

} // namespace

SourceLoad loadLocalTree(const CatalogSourceSpec& spec, const QString& root, const QStringList& startFiles,
                         const LocalTreeOptions& options, const std::atomic<bool>* cancel, const LoadProgress& progress)
{
    SourceLoad out;
    out.spec = spec;
    out.readAt = QDateTime::currentDateTimeUtc();
    const auto display = [&](const QString& path) { return options.displayName ? options.displayName(path) : path; };
    const QString origin = display(spec.type == CatalogSourceSpec::Type::File ? spec.path : root);

    QSet<QString> visited;               // canonical paths already queued
    QHash<QString, QString> parentOf;    // file -> the file whose Location led to it
    QStringList queue;
    for (const QString& f : startFiles) {
        const QString c = QFileInfo(f).canonicalFilePath().isEmpty() ? f : QFileInfo(f).canonicalFilePath();
        if (!visited.contains(c)) {
            visited.insert(c);
            queue << f;
        }
    }
    int done = 0;
    while (!queue.isEmpty()) {
        if (cancel && cancel->load())
            break;
        const QStringList batch = queue;
        queue.clear();
        const int totalSoFar = done + int(batch.size());
        std::function<FileLoad(const QString&)> loadOne = [&](const QString& path) -> FileLoad {
            if (cancel && cancel->load())
                return FileLoad();
            if (options.previous) {
                const auto it = options.previous->constFind(path);
                if (it != options.previous->constEnd() && unchanged(*it, stampFile(path)))
                    return *it;
            }
            LoadContext ctx;
            ctx.sourceName = spec.name;
            ctx.file = display(path);
            ctx.path = path;
            ctx.origin = origin;
            ctx.root = root;
            ctx.locationType = options.locationType;
            ctx.options = options.load;
            FileLoad f = loadCatalogFile(ctx);
            f.stamp.path = path;
            return f;
        };
        QList<FileLoad> loads = QtConcurrent::blockingMapped<QList<FileLoad>>(workers(), batch, loadOne);
        for (qsizetype i = 0; i < batch.size(); ++i) {
            FileLoad& f = loads[i];
            if (f.file.isEmpty())
                continue; // cancelled
            if (!options.previous || !options.previous->contains(batch[i]) || !(options.previous->value(batch[i]) == f))
                ++out.reparsed;
            for (const LocationTarget& t : std::as_const(f.targets)) {
                if (t.path.isEmpty())
                    continue;
                const ScanResult found = expandPattern(t.path, root, cancel);
                out.diagnostics += found.diagnostics;
                if (found.files.isEmpty()) {
                    if (!t.optional)
                        out.diagnostics << targetProblem(
                            f, t, Severity::Error,
                            QStringLiteral("%1 %2 does not exist").arg(t.type, t.target)
                                + (t.path.contains(QLatin1Char('*')) ? QStringLiteral(" (the pattern matched no files)") : QString()),
                            QStringLiteral("Fix the path (it is relative to this file), or mark the Location presence: "
                                           "optional if the file may be missing."),
                            QStringLiteral("location-target"));
                    continue;
                }
                for (const QString& target : found.files) {
                    const QString canonical = QFileInfo(target).canonicalFilePath();
                    const QString key = canonical.isEmpty() ? target : canonical;
                    if (visited.contains(key)) {
                        // Reaching a file again is harmless, unless it is one of this file's own
                        // ancestors: then the Locations form a cycle.
                        QString walk = QFileInfo(batch[i]).canonicalFilePath();
                        int guard = 0;
                        while (!walk.isEmpty() && guard++ < 10000) {
                            if (walk == key) {
                                out.diagnostics << targetProblem(
                                    f, t, Severity::Warning,
                                    QStringLiteral("Location cycle: %1 leads back to %2, which is already being read")
                                        .arg(t.target, display(target)),
                                    QStringLiteral("Remove the target that points back up the chain."),
                                    QStringLiteral("location-cycle"));
                                break;
                            }
                            walk = parentOf.value(walk);
                        }
                        continue;
                    }
                    if (visited.size() >= options.maxFiles) {
                        out.diagnostics << targetProblem(f, t, Severity::Error,
                                                         QStringLiteral("more than %1 files in this source; the rest were not read").arg(options.maxFiles),
                                                         QStringLiteral("Narrow the Location's globs."), QStringLiteral("too-many-files"));
                        break;
                    }
                    visited.insert(key);
                    parentOf.insert(key, QFileInfo(batch[i]).canonicalFilePath());
                    queue << target;
                }
            }
            out.files.push_back(std::move(f));
        }
        done = totalSoFar;
        if (progress)
            progress(done, done + int(queue.size()));
    }
    return out;
}

SourceLoad loadLocalSource(const CatalogSourceSpec& spec, const LocalTreeOptions& options,
                           const std::atomic<bool>* cancel, const LoadProgress& progress)
{
    const QFileInfo info(spec.path);
    if (spec.type == CatalogSourceSpec::Type::File) {
        // A lone file may reach what its repository holds (Backstage's "same repository" rule);
        // outside a repository, what its folder holds.
        QString root = info.absolutePath();
        for (QDir dir(root);;) {
            if (QFileInfo::exists(dir.filePath(QStringLiteral(".git")))) {
                root = dir.absolutePath();
                break;
            }
            if (!dir.cdUp())
                break;
        }
        return loadLocalTree(spec, root, {QDir::cleanPath(info.absoluteFilePath())}, options, cancel, progress);
    }
    const QString root = QDir::cleanPath(info.absoluteFilePath());
    if (!info.isDir()) {
        SourceLoad out;
        out.spec = spec;
        out.readAt = QDateTime::currentDateTimeUtc();
        out.reachable = false;
        Diagnostic d;
        d.file = spec.path;
        d.message = QStringLiteral("the folder %1 does not exist").arg(spec.path);
        d.hint = QStringLiteral("Fix the path of source \"%1\" in the workspace.").arg(spec.name);
        d.code = QStringLiteral("source");
        out.diagnostics << d;
        return out;
    }
    const ScanResult scan = scanDirectory(root, spec.globs, cancel);
    SourceLoad out = loadLocalTree(spec, root, scan.files, options, cancel, progress);
    out.diagnostics = scan.diagnostics + out.diagnostics;
    return out;
}

} // namespace Flightdeck::Sources
