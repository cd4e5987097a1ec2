// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "diagnostic.h"
#include "entity.h"
#include "yamldocument.h"

#include <QByteArray>
#include <QDataStream>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>

namespace Flightdeck::Catalog {

// A target of a Location entity, resolved against the file that declared it.
struct LocationTarget
{
    QString target;    // as written
    QString path;      // absolute local path or glob; empty when it cannot be followed
    QString type;      // "file" or "url"
    bool optional = false;
    QString location;  // canonical ref of the Location entity
    QString field;     // "spec.target" or "spec.targets.2"
    int line = 0;
    int column = 0;
    friend bool operator==(const LocationTarget&, const LocationTarget&) = default;
};

// A file another file's placeholders read, with what it was when read, so a refresh knows when
// the entity must be read again.
struct FileStamp
{
    QString path;
    qint64 size = -1;      // -1: did not exist
    qint64 modified = 0;   // ms since epoch
    friend bool operator==(const FileStamp&, const FileStamp&) = default;
};

// Everything one catalog file yields.
struct FileLoad
{
    QString file;          // as shown to people (path or URL)
    QString path;          // local path that was read; empty for remote documents
    FileStamp stamp;
    QList<Entity> entities;
    Diagnostics diagnostics;
    QList<LocationTarget> targets;
    QList<FileStamp> dependencies; // files read through $text, $json and $yaml
    friend bool operator==(const FileLoad&, const FileLoad&) = default;
};

QDataStream& operator<<(QDataStream& s, const FileLoad& f);
QDataStream& operator>>(QDataStream& s, FileLoad& f);

// The compact form the store keeps: a string table and varints, fast to read back. decode returns
// false (and leaves f empty) for a blob that is damaged in any way.
QByteArray encodeFileLoad(const FileLoad& f);
bool decodeFileLoad(QByteArrayView blob, FileLoad& f);

struct LoadOptions
{
    YamlLimits yaml;
    qint64 maxFileSize = 32 * 1024 * 1024;
};

struct LoadContext
{
    QString sourceName;  // workspace source the file belongs to
    QString file;        // display name for diagnostics and locations
    QString path;        // local path of the file ("" for remote content)
    QString origin;      // the location first registered (the source's root file or folder), for display
    QString root;        // placeholders and Location targets may not leave this directory
    QString locationType = QStringLiteral("file"); // the reader's location type
    LoadOptions options;
};

// Reads one multi-document catalog file: YAML, envelope, placeholders, policies, kind schemas.
// Pure apart from reading the files that placeholders name; safe on any thread.
FileLoad loadCatalogFile(const QByteArray& bytes, const LoadContext& context);

// Reads the file at context.path (size limit, binary and readability checks) and loads it.
FileLoad loadCatalogFile(const LoadContext& context);

FileStamp stampFile(const QString& path);

} // namespace Flightdeck::Catalog
