// SPDX-License-Identifier: Apache-2.0
// Database: real SQLite files in a temporary folder, migrations, refusal of files it must not touch,
// per-thread connections.
#include "store/database.h"

#include <QCryptographicHash>
#include <QFile>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <atomic>

using namespace Flightdeck::Store;

namespace {

QByteArray fileHash(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(&f);
    return h.result().toHex();
}

QVariant scalar(const QSqlDatabase& db, const QString& sql)
{
    QSqlQuery q(db);
    if (!q.exec(sql) || !q.next())
        return QStringLiteral("<error: %1>").arg(q.lastError().text());
    return q.value(0);
}

QStringList tables(const QSqlDatabase& db)
{
    QSqlQuery q(db);
    q.exec(QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"));
    QStringList out;
    while (q.next())
        out << q.value(0).toString();
    return out;
}

Migration migration(int version, const char* description, std::initializer_list<const char*> statements)
{
    Migration m;
    m.version = version;
    m.description = QString::fromLatin1(description);
    for (const char* s : statements)
        m.statements << QString::fromLatin1(s);
    return m;
}

const Migration M1 = migration(1, "notes", { "CREATE TABLE note (id INTEGER PRIMARY KEY, text TEXT NOT NULL)" });
const Migration M2 = migration(2, "note tags",
    { "ALTER TABLE note ADD COLUMN tag TEXT NOT NULL DEFAULT ''", "CREATE INDEX note_tag ON note(tag)" });
const Migration M3 = migration(3, "authors", { "CREATE TABLE author (id INTEGER PRIMARY KEY)" });

} // namespace

class tst_Store : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void open_newFileInMissingFolder_appliesAllMigrations()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("a/b/flightdeck.sqlite"));
        Database db(path);
        QVERIFY2(db.open(), qPrintable(db.errorString()));
        QVERIFY(db.isOpen());
        QVERIFY(QFile::exists(path));
        QCOMPARE(db.path(), path);
        QCOMPARE(db.schemaVersion(), db.latestVersion());
        QCOMPARE(db.latestVersion(), schemaMigrations().size());
        QCOMPARE(db.journalMode(), QStringLiteral("wal"));

        const QSqlDatabase c = db.connection();
        QVERIFY(c.isOpen());
        QVERIFY(tables(c).contains(QStringLiteral("catalog_source")));
        QVERIFY(tables(c).contains(QStringLiteral("catalog_file")));
        QCOMPARE(scalar(c, QStringLiteral("SELECT COUNT(*) FROM schema_version")).toInt(), schemaMigrations().size());
        QCOMPARE(scalar(c, QStringLiteral("PRAGMA journal_mode")).toString(), QStringLiteral("wal"));
        QCOMPARE(scalar(c, QStringLiteral("PRAGMA foreign_keys")).toInt(), 1);
        QCOMPARE(scalar(c, QStringLiteral("PRAGMA busy_timeout")).toInt(), 10000);
    }

    void open_again_changesNothingAndKeepsData()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("db.sqlite"));
        {
            Database db(path, { M1, M2 });
            QVERIFY2(db.open(), qPrintable(db.errorString()));
            QSqlQuery q(db.connection());
            QVERIFY(q.exec(QStringLiteral("INSERT INTO note (text, tag) VALUES ('kept', 'x')")));
        }
        for (int i = 0; i < 2; ++i) {
            Database db(path, { M1, M2 });
            QVERIFY2(db.open(), qPrintable(db.errorString()));
            QVERIFY(db.open()); // a second call on the same object is harmless too
            QCOMPARE(db.schemaVersion(), 2);
            QCOMPARE(scalar(db.connection(), QStringLiteral("SELECT COUNT(*) FROM schema_version")).toInt(), 2);
            QCOMPARE(
                scalar(db.connection(), QStringLiteral("SELECT text FROM note")).toString(), QStringLiteral("kept"));
        }
    }

    void open_olderFile_appliesOnlyPendingMigrations()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("db.sqlite"));
        {
            Database db(path, { M1 });
            QVERIFY(db.open());
            QSqlQuery q(db.connection());
            QVERIFY(q.exec(QStringLiteral("INSERT INTO note (text) VALUES ('from version 1')")));
        }
        Database db(path, { M1, M2, M3 });
        QVERIFY2(db.open(), qPrintable(db.errorString()));
        QCOMPARE(db.schemaVersion(), 3);
        const QSqlDatabase c = db.connection();
        QCOMPARE(scalar(c,
                     QStringLiteral(
                         "SELECT group_concat(version) FROM (SELECT version FROM schema_version ORDER BY version)"))
                     .toString(),
            QStringLiteral("1,2,3"));
        QCOMPARE(scalar(c, QStringLiteral("SELECT text || '/' || tag FROM note")).toString(),
            QStringLiteral("from version 1/"));
        QVERIFY(tables(c).contains(QStringLiteral("author")));
    }

    void open_fileFromTheFuture_isRefusedAndUntouched()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("db.sqlite"));
        {
            Database newer(path, { M1, M2, M3 });
            QVERIFY(newer.open());
            QSqlQuery q(newer.connection());
            QVERIFY(q.exec(QStringLiteral("INSERT INTO note (text) VALUES ('precious')")));
        }
        const QByteArray before = fileHash(path);
        QVERIFY(!before.isEmpty());

        Database older(path, { M1, M2 });
        QVERIFY(!older.open());
        QVERIFY(!older.isOpen());
        QVERIFY(!older.connection().isValid());
        QVERIFY2(older.errorString().contains(QLatin1String("schema version 3")), qPrintable(older.errorString()));
        QVERIFY(older.errorString().contains(QLatin1String("newer Flightdeck")));
        QVERIFY(older.errorString().contains(path));
        QVERIFY2(older.errorHint().contains(QLatin1String("update Flightdeck")), qPrintable(older.errorHint()));
        QVERIFY(older.errorHint().contains(QLatin1String("not changed")));
        QCOMPARE(fileHash(path), before);

        // and the data is all there for the newer version
        Database again(path, { M1, M2, M3 });
        QVERIFY(again.open());
        QCOMPARE(
            scalar(again.connection(), QStringLiteral("SELECT text FROM note")).toString(), QStringLiteral("precious"));
    }

    void open_builtinSchemaFromTheFuture_isRefused()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("db.sqlite"));
        {
            Database db(path);
            QVERIFY(db.open());
            QSqlQuery q(db.connection());
            QVERIFY(q.exec(QStringLiteral("INSERT INTO schema_version VALUES (%1, 'from a later release', 0)")
                               .arg(db.latestVersion() + 1)));
        }
        Database db(path);
        QVERIFY(!db.open());
        QVERIFY(db.errorString().contains(QStringLiteral("schema version %1").arg(db.latestVersion() + 1)));
    }

    void open_failingMigration_rollsItBackWhole()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("db.sqlite"));
        const Migration broken
            = migration(2, "broken step", { "CREATE TABLE half (id INTEGER)", "CREATE TABLE oops ((" });
        {
            Database db(path, { M1, broken });
            QVERIFY(!db.open());
            QVERIFY2(db.errorString().contains(QLatin1String("schema version 2 (broken step)")),
                qPrintable(db.errorString()));
            QVERIFY(db.errorString().contains(QLatin1String("stays at version 1")));
            QVERIFY(!db.errorHint().isEmpty());
        }
        Database db(path, { M1 });
        QVERIFY2(db.open(), qPrintable(db.errorString()));
        QCOMPARE(db.schemaVersion(), 1);
        QVERIFY(!tables(db.connection()).contains(QStringLiteral("half")));
    }

    void open_migrationsOutOfOrder_isRefused()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        Database db(dir.filePath(QStringLiteral("db.sqlite")), { M2 });
        QVERIFY(!db.open());
        QVERIFY(db.errorString().contains(QLatin1String("numbered")));
        QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("db.sqlite"))));
    }

    void open_fileThatIsNotOurs_isRefusedAndUntouched_data()
    {
        QTest::addColumn<bool>("sqlite");
        QTest::addColumn<QString>("message");
        QTest::addRow("text file") << false << QStringLiteral("is not an SQLite database");
        QTest::addRow("another application's database") << true << QStringLiteral("of another application");
    }
    void open_fileThatIsNotOurs_isRefusedAndUntouched()
    {
        QFETCH(bool, sqlite);
        QFETCH(QString, message);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("db.sqlite"));
        if (sqlite) {
            const QString name = QStringLiteral("foreign-db");
            {
                QSqlDatabase other = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
                other.setDatabaseName(path);
                QVERIFY(other.open());
                QSqlQuery q(other);
                QVERIFY(q.exec(QStringLiteral("CREATE TABLE bookmarks (url TEXT)")));
                QVERIFY(q.exec(QStringLiteral("INSERT INTO bookmarks VALUES ('https://example.com')")));
                q.finish();
                other.close();
            }
            QSqlDatabase::removeDatabase(name);
        } else {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("these are my notes, not a database\n");
        }
        const QByteArray before = fileHash(path);
        Database db(path);
        QVERIFY(!db.open());
        QVERIFY2(db.errorString().contains(message), qPrintable(db.errorString()));
        QVERIFY(db.errorHint().contains(QLatin1String("untouched")));
        QCOMPARE(fileHash(path), before);
    }

    void connection_beforeOpen_isInvalid()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        Database db(dir.filePath(QStringLiteral("db.sqlite")));
        QVERIFY(!db.connection().isValid());
    }

    void connection_eachThreadHasItsOwn_closedWhenTheThreadEnds()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        Database db(dir.filePath(QStringLiteral("db.sqlite")), { M1 });
        QVERIFY(db.open());
        const QString mine = db.connection().connectionName();
        QCOMPARE(db.connection().connectionName(), mine); // reused on the same thread

        QString theirs;
        bool theirsOpen = false;
        int rowsSeen = -1;
        QThread* worker = QThread::create([&]() {
            QSqlDatabase c = db.connection();
            theirs = c.connectionName();
            theirsOpen = c.isOpen();
            QSqlQuery q(c);
            q.exec(QStringLiteral("INSERT INTO note (text) VALUES ('from the worker')"));
            q.exec(QStringLiteral("SELECT COUNT(*) FROM note"));
            if (q.next())
                rowsSeen = q.value(0).toInt();
        });
        worker->start();
        QVERIFY(worker->wait(30000));
        QVERIFY(theirsOpen);
        QCOMPARE(rowsSeen, 1);
        QVERIFY(!theirs.isEmpty());
        QVERIFY(theirs != mine);
        // gone with its thread; the main thread's stays
        QVERIFY(!QSqlDatabase::connectionNames().contains(theirs));
        QVERIFY(QSqlDatabase::connectionNames().contains(mine));
        delete worker;
        QCOMPARE(scalar(db.connection(), QStringLiteral("SELECT text FROM note")).toString(),
            QStringLiteral("from the worker"));
    }

    void destroy_removesRemainingConnections()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QString name;
        {
            Database db(dir.filePath(QStringLiteral("db.sqlite")), { M1 });
            QVERIFY(db.open());
            name = db.connection().connectionName();
            QVERIFY(QSqlDatabase::connectionNames().contains(name));
        }
        QVERIFY(!QSqlDatabase::connectionNames().contains(name));
    }

    void transaction_notCommitted_isRolledBack()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        Database db(dir.filePath(QStringLiteral("db.sqlite")), { M1 });
        QVERIFY(db.open());
        {
            Transaction tx(db.connection());
            QVERIFY(tx.isActive());
            QSqlQuery q(db.connection());
            QVERIFY(q.exec(QStringLiteral("INSERT INTO note (text) VALUES ('lost')")));
        }
        QCOMPARE(scalar(db.connection(), QStringLiteral("SELECT COUNT(*) FROM note")).toInt(), 0);
        {
            Transaction tx(db.connection());
            QSqlQuery q(db.connection());
            QVERIFY(q.exec(QStringLiteral("INSERT INTO note (text) VALUES ('kept')")));
            QVERIFY(tx.commit());
            QVERIFY(!tx.isActive());
        }
        QCOMPARE(scalar(db.connection(), QStringLiteral("SELECT COUNT(*) FROM note")).toInt(), 1);
    }

    void concurrentWriters_queueInsteadOfFailing()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        Database db(dir.filePath(QStringLiteral("db.sqlite")), { M1 });
        QVERIFY(db.open());
        constexpr int Threads = 3, Transactions = 40, Rows = 10;
        std::atomic<int> failures { 0 };
        QString firstError;
        QList<QThread*> workers;
        for (int t = 0; t < Threads; ++t) {
            workers << QThread::create([&, t]() {
                QSqlDatabase c = db.connection();
                for (int i = 0; i < Transactions; ++i) {
                    Transaction tx(c);
                    QSqlQuery q(c);
                    bool ok = tx.isActive();
                    for (int r = 0; ok && r < Rows; ++r)
                        ok = q.exec(QStringLiteral("INSERT INTO note (text) VALUES ('%1-%2-%3')").arg(t).arg(i).arg(r));
                    q.finish();
                    if (!ok || !tx.commit()) {
                        if (failures++ == 0)
                            firstError = tx.errorString() + q.lastError().text();
                    }
                }
            });
        }
        for (QThread* w : std::as_const(workers))
            w->start();
        for (QThread* w : std::as_const(workers)) {
            QVERIFY(w->wait(120000));
            delete w;
        }
        QVERIFY2(failures == 0, qPrintable(firstError));
        QCOMPARE(scalar(db.connection(), QStringLiteral("SELECT COUNT(*) FROM note")).toInt(),
            Threads * Transactions * Rows);
    }

    void defaultPath_isInTheXdgDataFolder()
    {
        QCOMPARE(Database::defaultPath(),
            QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation)
                + QStringLiteral("/flightdeck/flightdeck.sqlite"));
    }
};

QTEST_GUILESS_MAIN(tst_Store)
#include "tst_store.moc"
