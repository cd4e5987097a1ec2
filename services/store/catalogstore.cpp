// SPDX-License-Identifier: Apache-2.0
#include "catalogstore.h"

#include "database.h"

#include "core/workers.h"

#include <QCryptographicHash>
#include <QDataStream>
#include <QHash>

#include <functional>
#include <QFuture>
#include <QIODevice>
#include <QSqlError>
#include <QSqlQuery>
#include <QtConcurrent/QtConcurrentMap>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cstring>

namespace Flightdeck::Store {

using Catalog::FileLoad;

namespace {

constexpr char BlobMagic[4] = { 'F', 'D', 'F', 'L' };
constexpr int BlobHeaderSize = 6;

QVariant timeValue(const QDateTime& t)
{
    return t.isValid() ? QVariant(t.toMSecsSinceEpoch()) : QVariant(QMetaType(QMetaType::LongLong));
}

QString text(const QString& s)
{
    return sqlText(s);
}

QDateTime timeFrom(const QVariant& v)
{
    return v.isNull() ? QDateTime() : QDateTime::fromMSecsSinceEpoch(v.toLongLong(), Qt::UTC);
}

QString notOpen(const Database& db)
{
    const QString reason = db.errorString();
    return reason.isEmpty() ? QStringLiteral("the database %1 is not open").arg(db.path())
                            : QStringLiteral("the database is not open: %1").arg(reason);
}

bool fail(QString* error, const QString& message)
{
    if (error)
        *error = message;
    return false;
}

// The connection for a write, or an invalid one with the reason in error.
QSqlDatabase writable(const Database& db, QString* error)
{
    if (db.isDamaged()) {
        fail(error, QStringLiteral("%1; Flightdeck does not write to it. %2").arg(db.errorString(), db.errorHint()));
        return {};
    }
    QSqlDatabase c = db.connection();
    if (!c.isValid())
        fail(error, notOpen(db));
    return c;
}

// Inserts or updates the source's row; returns its id, or -1.
qint64 upsertSource(QSqlDatabase& db, const SourceState& s, QString* error)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral(
        "INSERT INTO catalog_source (name, fingerprint, revision, refreshed_at, last_error, last_error_at)"
        " VALUES (?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (name) DO UPDATE SET fingerprint = excluded.fingerprint,"
        " revision = excluded.revision, refreshed_at = excluded.refreshed_at,"
        " last_error = excluded.last_error, last_error_at = excluded.last_error_at"));
    q.addBindValue(text(s.name));
    q.addBindValue(text(s.fingerprint));
    q.addBindValue(text(s.revision));
    q.addBindValue(timeValue(s.refreshedAt));
    q.addBindValue(text(s.lastError));
    q.addBindValue(timeValue(s.lastErrorAt));
    if (!exec(q, error))
        return -1;
    q.prepare(QStringLiteral("SELECT id FROM catalog_source WHERE name = ?"));
    q.addBindValue(text(s.name));
    if (!exec(q, error) || !q.next())
        return -1;
    return q.value(0).toLongLong();
}

// ordinals: the position of each file in the source's discovery order.
bool insertFiles(QSqlDatabase& db, qint64 sourceId, const QList<FileLoad>& files, const QList<QByteArray>& blobs,
                 const std::function<int(qsizetype)>& ordinal, QString* error)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("INSERT OR REPLACE INTO catalog_file (source_id, file, format, entity_count, data, ordinal)"
                             " VALUES (?, ?, ?, ?, ?, ?)"));
    for (qsizetype i = 0; i < files.size(); ++i) {
        q.bindValue(0, sourceId);
        q.bindValue(1, text(files[i].file));
        q.bindValue(2, int(CatalogStore::BlobFormat));
        q.bindValue(3, int(files[i].entities.size()));
        q.bindValue(4, blobs[i]);
        q.bindValue(5, ordinal(i));
        if (!exec(q, error))
            return false;
    }
    return true;
}

SourceState stateFrom(const QSqlQuery& q, int first)
{
    SourceState s;
    s.name = q.value(first).toString();
    s.fingerprint = q.value(first + 1).toString();
    s.revision = q.value(first + 2).toString();
    s.refreshedAt = timeFrom(q.value(first + 3));
    s.lastError = q.value(first + 4).toString();
    s.lastErrorAt = timeFrom(q.value(first + 5));
    return s;
}

const QLatin1String StateColumns("name, fingerprint, revision, refreshed_at, last_error, last_error_at");

QString rebuildHint(const Database& db)
{
    if (db.isDamaged())
        return db.errorHint();
    return QStringLiteral("refresh the source to rebuild its cache; if this keeps happening, quit Flightdeck and move "
                          "%1 away: a new database is created and the catalog read again from its sources")
        .arg(db.path());
}

} // namespace

int StoredSource::entityCount() const
{
    int n = 0;
    for (const FileLoad& f : files)
        n += int(f.entities.size());
    return n;
}

int StoredCatalog::entityCount() const
{
    int n = 0;
    for (const StoredSource& s : sources)
        n += s.entityCount();
    return n;
}

int StoredCatalog::fileCount() const
{
    int n = 0;
    for (const StoredSource& s : sources)
        n += int(s.files.size());
    return n;
}

CatalogStore::CatalogStore(Database& database)
    : m_db(database)
{ }

QByteArray CatalogStore::encode(const FileLoad& file)
{
    QByteArray blob;
    blob.append(BlobMagic, sizeof BlobMagic);
    const quint16 format = BlobFormat;
    blob.append(char(format & 0xff));
    blob.append(char(format >> 8));
    blob.append(Catalog::encodeFileLoad(file));
    return blob;
}

CatalogStore::Decoded CatalogStore::decode(const QByteArray& blob, FileLoad& out)
{
    if (blob.size() < BlobHeaderSize || std::memcmp(blob.constData(), BlobMagic, sizeof BlobMagic) != 0)
        return Decoded::Damaged;
    const quint16 format = quint16(quint8(blob[sizeof BlobMagic]) | (quint8(blob[sizeof BlobMagic + 1]) << 8));
    if (format != BlobFormat)
        return Decoded::Outdated;
    if (!Catalog::decodeFileLoad(QByteArrayView(blob.constData() + BlobHeaderSize, blob.size() - BlobHeaderSize), out))
        return Decoded::Damaged;
    return Decoded::Ok;
}

QString CatalogStore::fingerprint(const Sources::CatalogSourceSpec& spec)
{
    QCryptographicHash h(QCryptographicHash::Sha256);
    const QStringList parts { Sources::typeName(spec.type), spec.path, spec.url, spec.branch, spec.credential,
        spec.globs.join(QChar(0x1f)) };
    h.addData(parts.join(QChar(0x1e)).toUtf8());
    return QString::fromLatin1(h.result().toHex());
}

bool CatalogStore::replaceSource(const SourceState& state, const QList<FileLoad>& files, QString* error)
{
    // Encoding is the expensive part: do it in parallel before taking the write lock.
    const QList<QByteArray> blobs = QtConcurrent::blockingMapped<QList<QByteArray>>(workers(), files, &CatalogStore::encode);
    QSqlDatabase db = writable(m_db, error);
    if (!db.isValid())
        return false;
    Transaction tx(db);
    if (!tx.isActive())
        return fail(error, QStringLiteral("cannot write the catalog cache: %1").arg(tx.errorString()));
    QString sqlError;
    const qint64 id = upsertSource(db, state, &sqlError);
    if (id < 0)
        return fail(error, QStringLiteral("cannot save source %1: %2").arg(state.name, sqlError));
    QSqlQuery q(db);
    q.prepare(QStringLiteral("DELETE FROM catalog_file WHERE source_id = ?"));
    q.addBindValue(id);
    if (!exec(q, &sqlError) || !insertFiles(db, id, files, blobs, [](qsizetype i) { return int(i); }, &sqlError))
        return fail(error, QStringLiteral("cannot save the files of source %1: %2").arg(state.name, sqlError));
    q.finish();
    if (!tx.commit())
        return fail(error, QStringLiteral("cannot save source %1: %2").arg(state.name, tx.errorString()));
    return true;
}

bool CatalogStore::updateSource(const SourceState& state, const QList<FileLoad>& changed, const QStringList& removedFiles,
                                QString* error, const QStringList& order)
{
    const QList<QByteArray> blobs = QtConcurrent::blockingMapped<QList<QByteArray>>(workers(), changed, &CatalogStore::encode);
    QSqlDatabase db = writable(m_db, error);
    if (!db.isValid())
        return false;
    Transaction tx(db);
    if (!tx.isActive())
        return fail(error, QStringLiteral("cannot write the catalog cache: %1").arg(tx.errorString()));
    QString sqlError;
    const qint64 id = upsertSource(db, state, &sqlError);
    if (id < 0)
        return fail(error, QStringLiteral("cannot save source %1: %2").arg(state.name, sqlError));
    QSqlQuery q(db);
    q.prepare(QStringLiteral("DELETE FROM catalog_file WHERE source_id = ? AND file = ?"));
    for (const QString& file : removedFiles) {
        q.bindValue(0, id);
        q.bindValue(1, file);
        if (!exec(q, &sqlError))
            return fail(error, QStringLiteral("cannot forget %1 of source %2: %3").arg(file, state.name, sqlError));
    }
    q.finish();
    // Where each file goes: its place in the given order; without one, a changed file keeps its
    // place and a new file goes last.
    QHash<QString, int> position;
    int next = 0;
    if (order.isEmpty()) {
        q.prepare(QStringLiteral("SELECT file, ordinal FROM catalog_file WHERE source_id = ?"));
        q.addBindValue(id);
        if (!exec(q, &sqlError))
            return fail(error, QStringLiteral("cannot read the file order of source %1: %2").arg(state.name, sqlError));
        while (q.next()) {
            position.insert(q.value(0).toString(), q.value(1).toInt());
            next = std::max(next, q.value(1).toInt() + 1);
        }
        q.finish();
    } else {
        for (qsizetype i = 0; i < order.size(); ++i)
            position.insert(order[i], int(i));
        next = int(order.size());
    }
    const auto ordinal = [&](qsizetype i) {
        const auto it = position.constFind(changed[i].file);
        return it != position.constEnd() ? *it : next++;
    };
    if (!insertFiles(db, id, changed, blobs, ordinal, &sqlError))
        return fail(error, QStringLiteral("cannot save the files of source %1: %2").arg(state.name, sqlError));
    if (!order.isEmpty()) {
        q.prepare(QStringLiteral("UPDATE catalog_file SET ordinal = ? WHERE source_id = ? AND file = ?"));
        for (qsizetype i = 0; i < order.size(); ++i) {
            q.bindValue(0, int(i));
            q.bindValue(1, id);
            q.bindValue(2, order[i]);
            if (!exec(q, &sqlError))
                return fail(error, QStringLiteral("cannot save the file order of source %1: %2").arg(state.name, sqlError));
        }
        q.finish();
    }
    if (!tx.commit())
        return fail(error, QStringLiteral("cannot save source %1: %2").arg(state.name, tx.errorString()));
    return true;
}

bool CatalogStore::recordFailure(const QString& source, const QString& message, const QDateTime& at, QString* error)
{
    QSqlDatabase db = writable(m_db, error);
    if (!db.isValid())
        return false;
    QSqlQuery q(db);
    q.prepare(QStringLiteral("INSERT INTO catalog_source (name, last_error, last_error_at) VALUES (?, ?, ?)"
                             " ON CONFLICT (name) DO UPDATE SET last_error = excluded.last_error,"
                             " last_error_at = excluded.last_error_at"));
    q.addBindValue(text(source));
    q.addBindValue(text(message));
    q.addBindValue(timeValue(at));
    QString sqlError;
    if (!exec(q, &sqlError))
        return fail(error, QStringLiteral("cannot record the failure of source %1: %2").arg(source, sqlError));
    return true;
}

bool CatalogStore::removeSource(const QString& name, QString* error)
{
    QSqlDatabase db = writable(m_db, error);
    if (!db.isValid())
        return false;
    Transaction tx(db);
    if (!tx.isActive())
        return fail(error, QStringLiteral("cannot write the catalog cache: %1").arg(tx.errorString()));
    QSqlQuery q(db);
    QString sqlError;
    // The files go with the source (ON DELETE CASCADE).
    q.prepare(QStringLiteral("DELETE FROM catalog_source WHERE name = ?"));
    q.addBindValue(name);
    if (!exec(q, &sqlError))
        return fail(error, QStringLiteral("cannot remove source %1: %2").arg(name, sqlError));
    q.finish();
    if (!tx.commit())
        return fail(error, QStringLiteral("cannot remove source %1: %2").arg(name, tx.errorString()));
    return true;
}

QList<SourceState> CatalogStore::sourceStates(QString* error) const
{
    QList<SourceState> out;
    QSqlDatabase db = m_db.connection();
    if (!db.isValid()) {
        fail(error, notOpen(m_db));
        return out;
    }
    QSqlQuery q(db);
    q.setForwardOnly(true);
    QString sqlError;
    if (!exec(q, QStringLiteral("SELECT %1 FROM catalog_source ORDER BY name").arg(StateColumns), &sqlError)) {
        fail(error, QStringLiteral("cannot read the catalog cache: %1").arg(sqlError));
        return out;
    }
    while (q.next())
        out.push_back(stateFrom(q, 0));
    return out;
}

std::optional<SourceState> CatalogStore::sourceState(const QString& name, QString* error) const
{
    QSqlDatabase db = m_db.connection();
    if (!db.isValid()) {
        fail(error, notOpen(m_db));
        return std::nullopt;
    }
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT %1 FROM catalog_source WHERE name = ?").arg(StateColumns));
    q.addBindValue(name);
    QString sqlError;
    if (!exec(q, &sqlError)) {
        fail(error, QStringLiteral("cannot read the catalog cache: %1").arg(sqlError));
        return std::nullopt;
    }
    if (!q.next())
        return std::nullopt;
    return stateFrom(q, 0);
}

QDateTime CatalogStore::asOf(QString* error) const
{
    QSqlDatabase db = m_db.connection();
    if (!db.isValid()) {
        fail(error, notOpen(m_db));
        return {};
    }
    QSqlQuery q(db);
    QString sqlError;
    if (!exec(
            q, QStringLiteral("SELECT COUNT(*), COUNT(refreshed_at), MIN(refreshed_at) FROM catalog_source"), &sqlError)
        || !q.next()) {
        fail(error, QStringLiteral("cannot read the catalog cache: %1").arg(sqlError));
        return {};
    }
    const qint64 sources = q.value(0).toLongLong();
    if (sources == 0 || q.value(1).toLongLong() != sources)
        return {};
    return timeFrom(q.value(2));
}

StoredCatalog CatalogStore::load() const
{
    StoredCatalog out;
    QSqlDatabase db = m_db.connection();
    if (!db.isValid()) {
        out.error = notOpen(m_db);
        out.hint = m_db.errorHint();
        return out;
    }
    QSqlQuery q(db);
    q.setForwardOnly(true);
    QString sqlError;
    if (!exec(q, QStringLiteral("SELECT id, %1 FROM catalog_source ORDER BY name").arg(StateColumns), &sqlError)) {
        out.error = QStringLiteral("cannot read the catalog cache %1: %2").arg(m_db.path(), sqlError);
        out.hint = rebuildHint(m_db);
        return out;
    }
    QList<qint64> ids;
    while (q.next()) {
        ids.push_back(q.value(0).toLongLong());
        StoredSource s;
        s.state = stateFrom(q, 1);
        out.sources.push_back(s);
    }
    if (q.lastError().isValid()) {
        out.error = QStringLiteral("cannot read the catalog cache %1: %2").arg(m_db.path(), describe(q.lastError()));
        out.hint = rebuildHint(m_db);
    }
    q.finish();

    // This thread reads the blobs (SQLite) and hands them to the pool in batches as it goes, so
    // decoding overlaps reading. Waiting on a batch that no worker has started runs it here.
    struct Job
    {
        int source = 0;
        QString file;
        QByteArray blob;
        FileLoad load;
        Decoded result = Decoded::Damaged;
    };
    using Batch = std::vector<Job>;
    constexpr qsizetype BatchBytes = 2 * 1024 * 1024;
    QList<QFuture<Batch>> batches;
    std::vector<bool> unreadable(size_t(out.sources.size()), false);
    Batch pending;
    qsizetype pendingBytes = 0;
    const auto flush = [&]() {
        if (pending.empty())
            return;
        batches.push_back(QtConcurrent::run(workers(), [jobs = std::move(pending)]() mutable {
            for (Job& job : jobs) {
                job.result = decode(job.blob, job.load);
                job.blob = QByteArray();
            }
            return std::move(jobs);
        }));
        pending = Batch();
        pendingBytes = 0;
    };
    for (int i = 0; i < out.sources.size(); ++i) {
        StoredSource& source = out.sources[i];
        QSqlQuery files(db);
        files.setForwardOnly(true);
        files.prepare(QStringLiteral("SELECT file, data FROM catalog_file WHERE source_id = ? ORDER BY ordinal, file"));
        files.addBindValue(ids[i]);
        bool ok = exec(files, &sqlError);
        while (ok && files.next()) {
            Job job;
            job.source = i;
            job.file = files.value(0).toString();
            job.blob = files.value(1).toByteArray();
            pendingBytes += job.blob.size();
            pending.push_back(std::move(job));
            if (pendingBytes >= BatchBytes)
                flush();
        }
        if (ok && files.lastError().isValid()) {
            ok = false;
            sqlError = describe(files.lastError());
        }
        if (!ok) {
            unreadable[size_t(i)] = true;
            source.error = QStringLiteral("the cached catalog of source %1 cannot be read from %2: %3")
                               .arg(source.state.name, m_db.path(), sqlError);
            source.hint = rebuildHint(m_db);
        }
    }
    flush();
    for (QFuture<Batch>& future : batches) {
        future.waitForFinished();
        Batch jobs = future.takeResult();
        for (Job& job : jobs) {
            StoredSource& source = out.sources[job.source];
            // Half a source that could not be read would look complete and be wrong: keep none of it.
            if (unreadable[size_t(job.source)])
                continue;
            switch (job.result) {
            case Decoded::Ok:
                source.files.push_back(std::move(job.load));
                break;
            case Decoded::Outdated:
                ++source.outdatedFiles;
                break;
            case Decoded::Damaged:
                source.damagedFiles.push_back(job.file);
                break;
            }
        }
    }
    for (StoredSource& source : out.sources) {
        if (source.error.isEmpty() && !source.damagedFiles.isEmpty()) {
            source.error = QStringLiteral("the cached catalog of source %1 is damaged (%2 of its files: %3); "
                                          "the other files were loaded")
                               .arg(source.state.name)
                               .arg(source.damagedFiles.size())
                               .arg(source.damagedFiles.mid(0, 3).join(QStringLiteral(", "))
                                   + (source.damagedFiles.size() > 3 ? QStringLiteral(", ...") : QString()));
            source.hint = rebuildHint(m_db);
        }
    }

    bool allRefreshed = !out.sources.isEmpty();
    for (const StoredSource& s : std::as_const(out.sources)) {
        if (!s.state.refreshedAt.isValid()) {
            allRefreshed = false;
            break;
        }
        if (!out.asOf.isValid() || s.state.refreshedAt < out.asOf)
            out.asOf = s.state.refreshedAt;
    }
    if (!allRefreshed)
        out.asOf = QDateTime();
    return out;
}

} // namespace Flightdeck::Store
