// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "catalog/diagnostic.h"
#include "catalog/loader.h"
#include "sourcespec.h"

#include <QDateTime>
#include <QHash>
#include <QList>

#include <atomic>
#include <functional>

namespace Flightdeck::Sources {

// What reading one catalog source yields.
struct SourceLoad
{
    CatalogSourceSpec spec;
    QList<Catalog::FileLoad> files;     // in precedence order (discovery order)
    Catalog::Diagnostics diagnostics;   // source-level: unreachable, missing Location targets, cycles
    QString revision;                   // git commit of the files, when the source is a repository
    QDateTime readAt;
    bool reachable = true;              // false: nothing could be read this time
    bool stale = false;                 // the files are an older state (offline fallback)
    int reparsed = 0;                   // files parsed this time (the rest were unchanged)
};

using LoadProgress = std::function<void(int done, int total)>;

struct LocalTreeOptions
{
    Catalog::LoadOptions load;
    // Results of the previous refresh by local path: a file whose size and time (and those of the
    // files its placeholders read) are unchanged is not parsed again.
    const QHash<QString, Catalog::FileLoad>* previous = nullptr;
    // How files are named in diagnostics: the local path by default; a git source names them by
    // repository URL and path inside it.
    std::function<QString(const QString& localPath)> displayName;
    QString locationType = QStringLiteral("file");
    int maxFiles = 200000;
};

// Reads a folder (its files matching the source's globs) or a single file, then every file its
// Location entities point at, breadth first, confined to root. Blocking: call on a worker; files
// are parsed in parallel on the global thread pool.
SourceLoad loadLocalTree(const CatalogSourceSpec& spec, const QString& root, const QStringList& startFiles,
                         const LocalTreeOptions& options, const std::atomic<bool>* cancel = nullptr,
                         const LoadProgress& progress = {});

// Convenience for File and Directory specs: finds the start files and calls loadLocalTree.
SourceLoad loadLocalSource(const CatalogSourceSpec& spec, const LocalTreeOptions& options,
                           const std::atomic<bool>* cancel = nullptr, const LoadProgress& progress = {});

} // namespace Flightdeck::Sources
