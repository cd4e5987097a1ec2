// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "catalog.h"
#include "sources/sourcespec.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace Flightdeck::Catalog {

// Where the catalog file of an entity lives on this machine.
struct EntityFile
{
    QString display;   // the file as the catalog names it (path, or "<repository url>#<path in repository>")
    QString path;      // local path of the file; empty when there is none (remote entities)
    QString root;      // the source's root on this machine: nothing may be read outside it
    bool remote = false; // read from a Backstage backend: the entity has no file
    QString problem;   // why no local file is known, when path is empty

    bool hasFile() const { return !path.isEmpty(); }
};

// Finds the local file an entity came from: the path its source read (folders, and git sources
// whose clone lives under the git cache), or, for a "<url>#<path>" name, the clone of that URL
// under gitCacheRoot. Pure: no disk access.
EntityFile locateEntityFile(const Catalog& catalog, int entity, const QList<Sources::CatalogSourceSpec>& sources,
                            const QString& gitCacheRoot);

// True when path, after resolving "." and "..", is root or inside it. Lexical only.
bool isPathInside(const QString& root, const QString& path);

// Resolves a path written relative to a directory (or absolute) and checks that it stays inside
// root, both as written and after following symbolic links. Returns the clean absolute path, or
// an empty string with why in *problem. Reads the disk (symlinks); cheap, but call on a worker.
QString confinePath(const QString& root, const QString& baseDir, const QString& relative, QString* problem = nullptr);

struct TextFile
{
    QString path;
    QByteArray bytes;
    qint64 size = 0;        // size on disk
    bool truncated = false; // larger than the cap: bytes holds the beginning, cut at a line end
    QString error;          // could not be read: what and why

    bool ok() const { return error.isEmpty(); }
};

// Reads a text file inside root, at most maxBytes of it. Refuses files outside root (also through
// symbolic links), folders, and binary files. BLOCKS: call on a worker.
TextFile readTextFile(const QString& path, const QString& root, qint64 maxBytes = 4 * 1024 * 1024);

// The diagnostics about one file, sorted by line (file-level ones, line 0, first): indexes into
// catalog.diagnostics().
QList<int> diagnosticsOfFile(const Catalog& catalog, const QString& file);

// The last line of the YAML document that starts at startLine: the line before the next "---" (or
// "...") line, or the file's last line.
int documentEndLine(const QByteArray& text, int startLine);

// The entity's document as a person would write it (YAML), for entities that have no file.
QByteArray entityDocumentYaml(const Entity& entity);

} // namespace Flightdeck::Catalog
