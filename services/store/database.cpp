// SPDX-License-Identifier: Apache-2.0
#include "database.h"

#include <QAtomicInteger>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QMutex>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QThread>

namespace Flightdeck::Store {

namespace {

constexpr int BusyTimeoutMs = 10000;
QAtomicInteger<quint64> s_instances { 0 };

const QByteArray SqliteHeader("SQLite format 3\0", 16);

} // namespace

QString describe(const QSqlError& error)
{
    QString text = error.databaseText();
    if (text.isEmpty())
        text = error.driverText();
    if (text.isEmpty())
        text = error.text();
    return text.trimmed();
}

bool exec(QSqlQuery& query, const QString& sql, QString* error)
{
    if (query.exec(sql))
        return true;
    if (error)
        *error = describe(query.lastError());
    return false;
}

bool exec(QSqlQuery& query, QString* error)
{
    if (query.exec())
        return true;
    if (error)
        *error = describe(query.lastError());
    return false;
}

namespace {

// SQLITE_CORRUPT (11) and SQLITE_NOTADB (26); Qt reports extended codes, whose low byte is the primary one.
bool isCorruption(const QSqlError& e)
{
    bool ok = false;
    const int code = e.nativeErrorCode().toInt(&ok);
    return ok && ((code & 0xff) == 11 || (code & 0xff) == 26);
}

struct OpenOutcome
{
    bool ok = false;
    bool corrupt = false;
    QString error;
    QString hint;
    int version = 0;
    QString journal;
};

QString keepHint()
{
    return QStringLiteral("Flightdeck leaves it untouched: move it away or choose another database file; a new one "
                          "is created and filled from your catalog sources");
}

QString damagedHint()
{
    return QStringLiteral("Flightdeck did not change it and only reads what it still can. Quit Flightdeck and move the "
                          "file away (keep a copy if it holds history you need); a new database is then created and "
                          "the catalog is read again from its sources");
}

} // namespace

struct Database::Shared : std::enable_shared_from_this<Database::Shared>
{
    struct Entry
    {
        QString name;
        QMetaObject::Connection finished;
    };

    QString path;
    QList<Migration> migrations;
    quint64 instance = 0;

    mutable QMutex mutex;
    State state = State::Closed;
    bool salvage = false; // connections are read-only, for reading what a damaged file still holds
    bool attempted = false;
    QString error;
    QString hint;
    int version = 0;
    QString journalMode;
    QHash<QThread*, Entry> connections;

    // Opens a connection for the calling thread, or returns the one it has.
    QSqlDatabase acquire(QString* errorOut);
    OpenOutcome openFile();
    OpenOutcome inspectDamaged();
    void release(QThread* thread);
    void releaseAll();
};

QSqlDatabase Database::Shared::acquire(QString* errorOut)
{
    QThread* thread = QThread::currentThread();
    QMutexLocker lock(&mutex);
    if (const auto it = connections.constFind(thread); it != connections.cend())
        return QSqlDatabase::database(it->name, false);

    const QString name = QStringLiteral("flightdeck-store-%1-thread-%2").arg(instance).arg(quintptr(thread), 0, 16);
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
    db.setDatabaseName(path);
    if (salvage)
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
    if (!db.open()) {
        if (errorOut)
            *errorOut = describe(db.lastError());
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(name);
        return {};
    }
    QSqlQuery q(db);
    // Per connection: foreign keys are off by default in SQLite; NORMAL sync is durable with WAL
    // except for the last transactions on power loss, which a refresh rebuilds.
    for (const char* pragma : { "PRAGMA foreign_keys = ON", "PRAGMA synchronous = NORMAL" })
        q.exec(QLatin1String(pragma));
    // Lets SQLite read a file shorter than its header says (truncated) instead of refusing all of
    // it; safe because a salvage connection cannot write.
    if (salvage)
        q.exec(QStringLiteral("PRAGMA writable_schema = ON"));
    q.exec(QStringLiteral("PRAGMA busy_timeout = %1").arg(BusyTimeoutMs));
    q.finish();

    Entry entry;
    entry.name = name;
    // The connection must be closed on its own thread: do it as that thread finishes. Without a
    // context object the slot runs directly in the finishing thread.
    const std::weak_ptr<Shared> weak = weak_from_this();
    entry.finished = QObject::connect(thread, &QThread::finished, [weak, thread]() {
        if (const auto shared = weak.lock())
            shared->release(thread);
    });
    connections.insert(thread, entry);
    return db;
}

void Database::Shared::release(QThread* thread)
{
    QString name;
    {
        QMutexLocker lock(&mutex);
        const auto it = connections.find(thread);
        if (it == connections.end())
            return;
        name = it->name;
        QObject::disconnect(it->finished);
        connections.erase(it);
    }
    if (thread == QThread::currentThread()) {
        QSqlDatabase db = QSqlDatabase::database(name, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
}

void Database::Shared::releaseAll()
{
    QList<QThread*> threads;
    {
        QMutexLocker lock(&mutex);
        threads = connections.keys();
    }
    for (QThread* t : threads)
        release(t);
}

Database::Database(const QString& path, const QList<Migration>& migrations)
    : d(std::make_shared<Shared>())
{
    d->path = path.isEmpty() ? path : QDir::cleanPath(QFileInfo(path).absoluteFilePath());
    d->migrations = migrations;
    d->instance = ++s_instances;
}

Database::~Database()
{
    // Connections of threads that are still running are removed from here; the owner destroys the
    // Database after the workers using it are done.
    d->releaseAll();
}

QString Database::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation)
        + QStringLiteral("/flightdeck/flightdeck.sqlite");
}

QString Database::path() const
{
    return d->path;
}

bool Database::isOpen() const
{
    QMutexLocker lock(&d->mutex);
    return d->state == State::Open;
}

bool Database::isDamaged() const
{
    QMutexLocker lock(&d->mutex);
    return d->state == State::Damaged;
}

Database::State Database::state() const
{
    QMutexLocker lock(&d->mutex);
    return d->state;
}

QString Database::errorString() const
{
    QMutexLocker lock(&d->mutex);
    return d->error;
}

QString Database::errorHint() const
{
    QMutexLocker lock(&d->mutex);
    return d->hint;
}

int Database::schemaVersion() const
{
    QMutexLocker lock(&d->mutex);
    return d->version;
}

int Database::latestVersion() const
{
    return d->migrations.isEmpty() ? 0 : d->migrations.constLast().version;
}

QString Database::journalMode() const
{
    QMutexLocker lock(&d->mutex);
    return d->journalMode;
}

QSqlDatabase Database::connection() const
{
    {
        QMutexLocker lock(&d->mutex);
        if (d->state == State::Closed)
            return {};
    }
    return d->acquire(nullptr);
}

void Database::releaseConnection() const
{
    d->release(QThread::currentThread());
}

bool Database::open()
{
    {
        QMutexLocker lock(&d->mutex);
        if (d->attempted)
            return d->state == State::Open;
        d->attempted = true;
    }
    const OpenOutcome o = d->openFile();
    if (o.ok) {
        QMutexLocker lock(&d->mutex);
        d->state = State::Open;
        d->version = o.version;
        d->journalMode = o.journal;
        return true;
    }
    // Connections go before anything else is tried: the next attempt opens them differently.
    d->releaseAll();
    State state = State::Closed;
    int version = 0;
    if (o.corrupt) {
        // Salvage what is still readable through read-only connections; nothing is ever written.
        {
            QMutexLocker lock(&d->mutex);
            d->salvage = true;
        }
        const OpenOutcome s = d->inspectDamaged();
        if (s.ok) {
            state = State::Damaged;
            version = s.version;
        } else {
            d->releaseAll();
        }
    }
    QMutexLocker lock(&d->mutex);
    d->state = state;
    d->version = version;
    d->error = o.error;
    d->hint = o.hint;
    return false;
}

OpenOutcome Database::Shared::openFile()
{
    OpenOutcome o;
    const auto fail = [&o](const QString& e, const QString& h) {
        o.error = e;
        o.hint = h;
        return o;
    };
    const auto damaged = [&](const QSqlError& e) {
        o.corrupt = true;
        return fail(QStringLiteral("the database %1 is damaged (%2)").arg(path, describe(e)), damagedHint());
    };

    if (path.isEmpty())
        return fail(QStringLiteral("no database file was given"), QStringLiteral("give the path of a database file"));
    for (int i = 0; i < migrations.size(); ++i)
        if (migrations[i].version != i + 1)
            return fail(QStringLiteral("the schema migrations are not numbered 1, 2, 3, ..."),
                QStringLiteral("this is a bug in Flightdeck; please report it"));

    const QFileInfo info(path);
    if (info.isDir())
        return fail(
            QStringLiteral("%1 is a folder, not a database file").arg(path), QStringLiteral("give a file path"));
    if (!QDir().mkpath(info.absolutePath()))
        return fail(QStringLiteral("cannot create the folder %1").arg(info.absolutePath()),
            QStringLiteral("check the permissions of its parent folder"));
    if (info.exists() && info.size() > 0) {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            return fail(QStringLiteral("cannot read the database %1: %2").arg(path, f.errorString()),
                QStringLiteral("check the file's permissions"));
        if (f.read(SqliteHeader.size()) != SqliteHeader)
            return fail(QStringLiteral("%1 is not an SQLite database").arg(path), keepHint());
    }

    QString sqlError;
    QSqlDatabase db = acquire(&sqlError);
    if (!db.isValid() || !db.isOpen())
        return fail(QStringLiteral("cannot open the database %1: %2").arg(path, sqlError),
            QStringLiteral("check that the folder is writable and the disk is not full"));

    QSqlQuery q(db);
    // What is in the file already: ours (schema_version), empty, or someone else's.
    if (!q.exec(QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table'")))
        return isCorruption(q.lastError())
            ? damaged(q.lastError())
            : fail(QStringLiteral("cannot read the database %1: %2").arg(path, describe(q.lastError())), keepHint());
    QStringList tables;
    while (q.next())
        tables << q.value(0).toString();
    q.finish();
    if (tables.contains(QLatin1String("schema_version"))) {
        if (!q.exec(QStringLiteral("SELECT COALESCE(MAX(version), 0) FROM schema_version")) || !q.next())
            return isCorruption(q.lastError())
                ? damaged(q.lastError())
                : fail(QStringLiteral("cannot read the schema version of %1: %2").arg(path, describe(q.lastError())),
                    keepHint());
        o.version = q.value(0).toInt();
        q.finish();
    } else if (!tables.isEmpty()) {
        return fail(QStringLiteral("%1 is an SQLite database of another application (it has tables %2 but no "
                                   "schema_version)")
                        .arg(path, tables.join(QStringLiteral(", "))),
            keepHint());
    }
    const int latest = migrations.isEmpty() ? 0 : migrations.constLast().version;
    if (o.version > latest)
        return fail(QStringLiteral("the database %1 has schema version %2, newer than the %3 this version of "
                                   "Flightdeck understands; it was written by a newer Flightdeck")
                        .arg(path)
                        .arg(o.version)
                        .arg(latest),
            QStringLiteral("update Flightdeck, or use another database file; this one was not changed"));

    // WAL is a property of the file: set it once. Network file systems may refuse it.
    if (exec(q, QStringLiteral("PRAGMA journal_mode = WAL"), &sqlError) && q.next())
        o.journal = q.value(0).toString().toLower();
    q.finish();

    if (!q.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
                               "description TEXT NOT NULL, applied_at INTEGER NOT NULL)")))
        return isCorruption(q.lastError())
            ? damaged(q.lastError())
            : fail(QStringLiteral("cannot prepare the database %1: %2").arg(path, describe(q.lastError())),
                QStringLiteral("check that the file is writable and the disk is not full"));

    for (const Migration& m : std::as_const(migrations)) {
        if (m.version <= o.version)
            continue;
        Transaction tx(db);
        if (!tx.isActive())
            return fail(QStringLiteral("cannot start upgrading %1: %2").arg(path, tx.errorString()),
                QStringLiteral("close other programs using the file and try again"));
        // Another process may have migrated while this one waited for the lock.
        if (!exec(q, QStringLiteral("SELECT COALESCE(MAX(version), 0) FROM schema_version"), &sqlError) || !q.next())
            return fail(QStringLiteral("cannot read the schema version of %1: %2").arg(path, sqlError), keepHint());
        const int current = q.value(0).toInt();
        q.finish();
        if (current >= m.version) {
            o.version = current;
            tx.rollback();
            continue;
        }
        for (const QString& statement : m.statements) {
            if (!q.exec(statement)) {
                const QSqlError e = q.lastError();
                if (isCorruption(e))
                    return damaged(e);
                return fail(QStringLiteral("upgrading %1 to schema version %2 (%3) failed: %4; the database stays at "
                                           "version %5 and nothing was lost")
                                .arg(path)
                                .arg(m.version)
                                .arg(m.description, describe(e))
                                .arg(o.version),
                    QStringLiteral("check the disk has space and try again; if it keeps failing, report it "
                                   "with this message"));
            }
        }
        q.prepare(QStringLiteral("INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)"));
        q.addBindValue(m.version);
        q.addBindValue(m.description);
        q.addBindValue(QDateTime::currentMSecsSinceEpoch());
        if (!exec(q, &sqlError) || !tx.commit()) {
            if (sqlError.isEmpty())
                sqlError = tx.errorString();
            return fail(QStringLiteral("upgrading %1 to schema version %2 failed: %3; the database stays at version %4")
                            .arg(path)
                            .arg(m.version)
                            .arg(sqlError)
                            .arg(o.version),
                QStringLiteral("check the disk has space and try again"));
        }
        o.version = m.version;
    }
    o.ok = true;
    return o;
}

OpenOutcome Database::Shared::inspectDamaged()
{
    OpenOutcome o;
    QSqlDatabase db = acquire(&o.error);
    if (!db.isValid() || !db.isOpen())
        return o;
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("SELECT COALESCE(MAX(version), 0) FROM schema_version")) || !q.next())
        return o;
    o.version = q.value(0).toInt();
    const int latest = migrations.isEmpty() ? 0 : migrations.constLast().version;
    // Only a file at the version this code writes can be read safely.
    o.ok = o.version == latest;
    return o;
}

Transaction::Transaction(const QSqlDatabase& db)
    : m_db(db)
{
    if (!m_db.isValid() || !m_db.isOpen()) {
        m_error = QStringLiteral("the database is not open");
        return;
    }
    QSqlQuery q(m_db);
    m_active = exec(q, QStringLiteral("BEGIN IMMEDIATE"), &m_error);
}

Transaction::~Transaction()
{
    rollback();
}

bool Transaction::commit()
{
    if (!m_active)
        return false;
    QSqlQuery q(m_db);
    if (!exec(q, QStringLiteral("COMMIT"), &m_error)) {
        rollback();
        return false;
    }
    m_active = false;
    return true;
}

void Transaction::rollback()
{
    if (!m_active)
        return;
    m_active = false;
    QSqlQuery q(m_db);
    q.exec(QStringLiteral("ROLLBACK"));
}

} // namespace Flightdeck::Store
