// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QList>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>

#include <memory>

class QSqlQuery;
class QSqlError;

namespace Flightdeck::Store {

// One step of the schema. Versions start at 1 and grow by one; a released migration never changes,
// a new one is appended.
struct Migration
{
    int version = 0;
    QString description;
    QStringList statements; // run in order inside one transaction
};

// Qt binds a null QString as SQL NULL; text columns are NOT NULL and hold '' for "none". Bind
// text through this.
inline QString sqlText(const QString& s)
{
    return s.isNull() ? QStringLiteral("") : s;
}

// The schema of this version of Flightdeck (migrations.cpp).
const QList<Migration>& schemaMigrations();

// The SQLite database file (Qt's QSQLITE driver): WAL journal, foreign keys on, a busy timeout, and
// versioned migrations recorded in a schema_version table.
//
// QSqlDatabase connections belong to the thread that opened them, so connection() hands each thread
// its own, named after the database and the thread, opened on first use and closed when that thread
// finishes. Workers can therefore write in bulk while the UI thread (or another worker) reads: WAL
// lets readers see the last committed state without waiting for the writer.
//
// Everything here blocks on disk I/O: call it on a worker, or once at startup.
class Database
{
public:
    explicit Database(const QString& path = defaultPath(), const QList<Migration>& migrations = schemaMigrations());
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    // $XDG_DATA_HOME/flightdeck/flightdeck.sqlite (QStandardPaths::GenericDataLocation).
    static QString defaultPath();

    enum class State
    {
        Closed, // not opened, or refused
        Open, // read and write
        Damaged, // the file is corrupt (e.g. truncated): read-only connections salvage what is readable
    };

    // Creates the folder and file when needed and brings the schema up to date. Refuses (and changes
    // nothing) when the file is not an SQLite database, belongs to another application, or was
    // written by a newer Flightdeck. A damaged file is never written either: open() returns false,
    // errorString() says so, and state() is Damaged when what is left can still be read.
    // Safe to call again; later calls only report the first outcome.
    bool open();
    bool isOpen() const; // state() == Open
    bool isDamaged() const;
    State state() const;
    QString errorString() const; // what went wrong, for people
    QString errorHint() const; // what to do about it

    QString path() const;
    int schemaVersion() const; // after open(): the version the file is at
    int latestVersion() const; // the highest version this code knows
    QString journalMode() const; // "wal" unless the file system does not allow it

    // The calling thread's connection (opened on first use). Invalid until open() succeeded;
    // read-only when the file is damaged.
    // Use it on this thread only; never keep it beyond the task at hand.
    QSqlDatabase connection() const;

    // Closes the calling thread's connection now instead of when the thread finishes.
    void releaseConnection() const;

private:
    struct Shared;
    std::shared_ptr<Shared> d;
};

// A write transaction on one connection (BEGIN IMMEDIATE, so concurrent writers queue on the busy
// timeout instead of failing half-way). Rolls back unless commit() succeeded.
class Transaction
{
public:
    explicit Transaction(const QSqlDatabase& db);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

    bool isActive() const { return m_active; }
    QString errorString() const { return m_error; }
    bool commit();
    void rollback();

private:
    QSqlDatabase m_db;
    bool m_active = false;
    QString m_error;
};

// Runs one statement; on failure returns false and sets error to SQLite's message.
bool exec(QSqlQuery& query, const QString& sql, QString* error = nullptr);
bool exec(QSqlQuery& query, QString* error = nullptr); // a prepared query
QString describe(const QSqlError& error);

} // namespace Flightdeck::Store
