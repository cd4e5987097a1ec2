// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "catalog/diagnostic.h"

#include <QString>
#include <QStringList>

#include <atomic>

namespace Flightdeck::Sources {

struct ScanResult
{
    QStringList files;                       // absolute, sorted
    Catalog::Diagnostics diagnostics;        // unreadable directories, symlink loops, broken links
    bool cancelled = false;
};

struct ScanOptions
{
    int maxDepth = 64;
    int maxFiles = 1000000;
    QStringList skipDirectories = {QStringLiteral(".git"), QStringLiteral("node_modules")};
};

// The default files a folder source reads: Backstage's convention.
QStringList defaultCatalogGlobs();

// Finds the files under root whose path relative to root matches one of the globs. Follows symbolic
// links, but never in a loop and never twice into the same directory. Blocking: call on a worker.
ScanResult scanDirectory(const QString& root, const QStringList& globs, const std::atomic<bool>* cancel = nullptr,
                         const ScanOptions& options = {});

// Expands an absolute path or glob (a Location target), keeping only results inside `confine`.
ScanResult expandPattern(const QString& absolutePattern, const QString& confine,
                         const std::atomic<bool>* cancel = nullptr, const ScanOptions& options = {});

// True when path (after resolving links) lies inside directory dir.
bool isInside(const QString& path, const QString& dir);

} // namespace Flightdeck::Sources
