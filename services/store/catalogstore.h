// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "catalog/loader.h"
#include "sources/sourcespec.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace Flightdeck::Store {

class Database;

// What the cache knows about one workspace source.
struct SourceState
{
    QString name;
    QString fingerprint; // CatalogStore::fingerprint() of the spec the files were read with
    QString revision; // e.g. the git commit the files came from; empty for local folders
    QDateTime refreshedAt; // last successful read (UTC); invalid = never
    QString lastError; // why the latest refresh failed; empty when it succeeded
    QDateTime lastErrorAt;
    friend bool operator==(const SourceState&, const SourceState&) = default;
};

// One source as loaded from the cache.
struct StoredSource
{
    SourceState state;
    QList<Catalog::FileLoad> files; // ordered by file
    QStringList damagedFiles; // stored files that could not be decoded; not in `files`
    int outdatedFiles = 0; // stored in another format version; skipped, a refresh re-reads them
    QString error; // set when the cached data of this source is incomplete
    QString hint;
    int entityCount() const;
    // Everything stored for this source was read.
    bool isComplete() const { return error.isEmpty() && outdatedFiles == 0; }
};

// The whole cached catalog.
struct StoredCatalog
{
    QList<StoredSource> sources; // ordered by name
    // The catalog is at least this fresh: the oldest successful refresh among the sources. Invalid
    // when there are no sources or one was never read.
    QDateTime asOf;
    QString error; // the cache could not be read at all
    QString hint;
    int entityCount() const;
    int fileCount() const;
};

// The last good catalog, kept in the database so a restart shows it at once and works offline.
// Each file's FileLoad is one blob: a magic, a format version and the QDataStream (Qt 6.4) form.
// Blobs of another format version are skipped, never misread.
//
// Every function blocks on the database: call it on a worker. Each write is one transaction, so a
// reader on another thread sees a source either before or after a write, never half of it.
class CatalogStore
{
public:
    static constexpr quint16 BlobFormat = 2; // 2: string table and varints (encodeFileLoad)

    explicit CatalogStore(Database& database);

    // Replaces everything stored for the source with these files and this state.
    bool replaceSource(const SourceState& state, const QList<Catalog::FileLoad>& files, QString* error = nullptr);
    // Stores changed files (added or modified), forgets removed ones, and updates the state. order,
    // when given, is every file of the source in discovery order (which decides the first claimant
    // of an entity); load() returns files in that order.
    bool updateSource(const SourceState& state, const QList<Catalog::FileLoad>& changed,
        const QStringList& removedFiles, QString* error = nullptr, const QStringList& order = {});
    // Records a failed refresh; the files of the last good one stay.
    bool recordFailure(const QString& source, const QString& message, const QDateTime& at, QString* error = nullptr);
    bool removeSource(const QString& name, QString* error = nullptr);

    QList<SourceState> sourceStates(QString* error = nullptr) const;
    std::optional<SourceState> sourceState(const QString& name, QString* error = nullptr) const;
    QDateTime asOf(QString* error = nullptr) const;

    // Loads every source; the calling thread reads the blobs while the global thread pool decodes
    // them. A damaged blob is skipped and named in its source's error (the rest of the source
    // loads); a source whose rows cannot be read at all (damaged database) loads no file and
    // carries an error. The other sources load normally either way.
    StoredCatalog load() const;

    static QByteArray encode(const Catalog::FileLoad& file);
    enum class Decoded
    {
        Ok,
        Outdated,
        Damaged
    };
    static Decoded decode(const QByteArray& blob, Catalog::FileLoad& out);

    // Identifies what a source's files depend on (type, location, branch, globs, credential), so a
    // changed spec is noticed and its cache not trusted.
    static QString fingerprint(const Sources::CatalogSourceSpec& spec);

private:
    Database& m_db;
};

} // namespace Flightdeck::Store
