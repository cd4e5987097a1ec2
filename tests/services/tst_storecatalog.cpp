// SPDX-License-Identifier: Apache-2.0
// CatalogStore on real SQLite files: round trips of FileLoads, incremental updates, damaged data,
// and a reader running while another thread writes.
#include "store/catalogstore.h"
#include "store/database.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QSemaphore>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <atomic>
#include <functional>

using namespace Flightdeck;
using namespace Flightdeck::Store;

namespace {

Catalog::Entity makeEntity(const QString& file, int n, int size = 0)
{
    Catalog::Entity e;
    const QString name = QStringLiteral("service-%1").arg(n);
    e.apiVersion = QStringLiteral("backstage.io/v1alpha1");
    e.ref = { QStringLiteral("Component"), QStringLiteral("default"), name };
    e.key = e.ref.key();
    e.title = QStringLiteral("Service \u2116 %1").arg(n);
    e.description = QStringLiteral("Settles card payments");
    e.type = QStringLiteral("service");
    e.lifecycle = QStringLiteral("production");
    e.owner = QStringLiteral("group:default/payments");
    e.system = QStringLiteral("system:default/checkout");
    e.tags = { QStringLiteral("java"), QStringLiteral("pci") };
    e.annotations = { { QStringLiteral("github.com/project-slug"), QStringLiteral("acme/") + name } };
    e.labels = { { QStringLiteral("tier"), QStringLiteral("1") } };
    e.links = { { QStringLiteral("https://grafana.example.com/d/") + name, QStringLiteral("Dashboard"),
        QStringLiteral("dashboard"), QStringLiteral("metrics") } };
    Catalog::DeclaredRelation owner;
    owner.type = Catalog::RelationType::OwnedBy;
    owner.target = QStringLiteral("group:default/payments");
    owner.field = Catalog::RelationField::Owner;
    owner.line = 9;
    owner.column = 10;
    Catalog::DeclaredRelation dep = owner;
    dep.type = Catalog::RelationType::DependsOn;
    dep.target = QStringLiteral("resource:default/payments-db");
    dep.field = Catalog::RelationField::DependsOn;
    dep.index = 0;
    e.declared = { owner, dep };
    e.document
        = QByteArray("{\"apiVersion\":\"backstage.io/v1alpha1\",\"kind\":\"Component\",\"metadata\":{\"name\":\"")
        + name.toUtf8() + "\"},\"spec\":{\"type\":\"service\"}}";
    if (size > e.document.size())
        e.document.append(QByteArray(size - e.document.size(), ' '));
    e.location = { QStringLiteral("src"), file, 1 + 20 * n, 1, n };
    return e;
}

Catalog::FileLoad makeFile(const QString& file, int entities, int seed = 0, int entitySize = 0)
{
    Catalog::FileLoad f;
    f.file = file;
    f.path = file;
    f.stamp = { file, 1000 + seed, 1700000000000 + seed };
    for (int i = 0; i < entities; ++i)
        f.entities.push_back(makeEntity(file, seed * 1000 + i, entitySize));
    Catalog::Diagnostic d;
    d.severity = Catalog::Severity::Warning;
    d.file = file;
    d.line = 4;
    d.column = 7;
    d.entity = QStringLiteral("component:default/service-%1").arg(seed);
    d.field = QStringLiteral("metadata.tags.1");
    d.message = QStringLiteral("tag \"PCI\" is not lowercase");
    d.hint = QStringLiteral("write pci");
    d.code = QStringLiteral("field-format");
    d.backstage = QStringLiteral("\"metadata.tags\" is not valid");
    f.diagnostics.push_back(d);
    Catalog::LocationTarget t;
    t.target = QStringLiteral("./more/*.yaml");
    t.path = QStringLiteral("/srv/catalog/more/*.yaml");
    t.type = QStringLiteral("file");
    t.optional = true;
    t.location = QStringLiteral("location:default/root");
    t.field = QStringLiteral("spec.targets.0");
    t.line = 8;
    t.column = 9;
    f.targets.push_back(t);
    f.dependencies.push_back({ QStringLiteral("/srv/catalog/README.md"), 42, 1700000000123 });
    return f;
}

QList<Catalog::FileLoad> makeFiles(const QString& prefix, int count, int entities, int seed = 0, int entitySize = 0)
{
    QList<Catalog::FileLoad> out;
    for (int i = 0; i < count; ++i)
        out.push_back(makeFile(QStringLiteral("%1/file-%2.yaml").arg(prefix).arg(i, 3, 10, QLatin1Char('0')), entities,
            seed + i, entitySize));
    return out;
}

SourceState state(
    const QString& name, const QDateTime& refreshed = QDateTime::fromMSecsSinceEpoch(1700000000000, Qt::UTC))
{
    SourceState s;
    s.name = name;
    s.fingerprint = QStringLiteral("fp-") + name;
    s.revision = QStringLiteral("0123456789abcdef0123456789abcdef01234567");
    s.refreshedAt = refreshed;
    return s;
}

const StoredSource* find(const StoredCatalog& c, const QString& name)
{
    for (const StoredSource& s : c.sources)
        if (s.state.name == name)
            return &s;
    return nullptr;
}

// Stops and joins a worker thread however the test leaves its scope, so a failed check never
// leaves a thread running against destroyed objects.
struct Joiner
{
    QThread* thread;
    std::function<void()> stop;
    ~Joiner()
    {
        stop();
        thread->wait();
        delete thread;
    }
};

QByteArray fileHash(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(&f);
    return h.result().toHex();
}

bool execSql(Database& db, const QString& sql, QString* error = nullptr)
{
    QSqlQuery q(db.connection());
    if (q.exec(sql))
        return true;
    if (error)
        *error = q.lastError().text();
    return false;
}

} // namespace

class tst_StoreCatalog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void replaceSource_thenLoad_returnsWhatWasSaved()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        Database db(dir.filePath(QStringLiteral("db.sqlite")));
        QVERIFY2(db.open(), qPrintable(db.errorString()));
        CatalogStore store(db);
        const auto a = makeFiles(QStringLiteral("/srv/a"), 4, 3);
        const auto b = makeFiles(QStringLiteral("/srv/b"), 2, 5, 100);
        SourceState sa = state(QStringLiteral("alpha"), QDateTime::fromMSecsSinceEpoch(1700000100000, Qt::UTC));
        SourceState sb = state(QStringLiteral("beta"), QDateTime::fromMSecsSinceEpoch(1700000000000, Qt::UTC));
        sb.lastError = QStringLiteral("previous attempt timed out");
        sb.lastErrorAt = QDateTime::fromMSecsSinceEpoch(1699999999000, Qt::UTC);
        QString error;
        QVERIFY2(store.replaceSource(sa, a, &error), qPrintable(error));
        QVERIFY2(store.replaceSource(sb, b, &error), qPrintable(error));

        const StoredCatalog c = store.load();
        QVERIFY2(c.error.isEmpty(), qPrintable(c.error));
        QCOMPARE(c.sources.size(), 2);
        QCOMPARE(c.sources[0].state, sa);
        QCOMPARE(c.sources[1].state, sb);
        QCOMPARE(c.sources[0].files, a);
        QCOMPARE(c.sources[1].files, b);
        QVERIFY(c.sources[0].isComplete());
        QCOMPARE(c.entityCount(), 4 * 3 + 2 * 5);
        QCOMPARE(c.fileCount(), 6);
        QCOMPARE(c.asOf, sb.refreshedAt);
        QCOMPARE(store.asOf(), sb.refreshedAt);
        QCOMPARE(store.sourceStates(), (QList<SourceState> { sa, sb }));
        QCOMPARE(*store.sourceState(QStringLiteral("beta")), sb);
        QVERIFY(!store.sourceState(QStringLiteral("gamma")));
    }

    void load_afterRestart_showsTheLastGoodCatalog()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("db.sqlite"));
        const auto files = makeFiles(QStringLiteral("/srv/a"), 3, 2);
        {
            Database db(path);
            QVERIFY(db.open());
            QVERIFY(CatalogStore(db).replaceSource(state(QStringLiteral("alpha")), files));
        }
        Database db(path);
        QVERIFY(db.open());
        const StoredCatalog c = CatalogStore(db).load();
        QCOMPARE(c.sources.size(), 1);
        QCOMPARE(c.sources[0].files, files);
    }

    void replaceSource_again_dropsFilesNoLongerThere()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        Database db(dir.filePath(QStringLiteral("db.sqlite")));
        QVERIFY(db.open());
        CatalogStore store(db);
        QVERIFY(store.replaceSource(state(QStringLiteral("alpha")), makeFiles(QStringLiteral("/srv/a"), 5, 2)));
        QVERIFY(store.replaceSource(state(QStringLiteral("other")), makeFiles(QStringLiteral("/srv/o"), 2, 1)));
        SourceState newer = state(QStringLiteral("alpha"), QDateTime::fromMSecsSinceEpoch(1700000500000, Qt::UTC));
        newer.revision = QStringLiteral("fedcba");
        const auto fewer = makeFiles(QStringLiteral("/srv/a"), 2, 4, 50);
        QVERIFY(store.replaceSource(newer, fewer));
        const StoredCatalog c = store.load();
        QCOMPARE(find(c, QStringLiteral("alpha"))->files, fewer);
        QCOMPARE(find(c, QStringLiteral("alpha"))->state, newer);
        QCOMPARE(find(c, QStringLiteral("other"))->files.size(), 2);
        QCOMPARE(c.sources.size(), 2);
    }

    void load_keepsDiscoveryOrder_notAlphabetical()
    {
        // The first file to claim an entity wins, so the order files were found in must survive.
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        Database db(dir.filePath(QStringLiteral("db.sqlite")));
        QVERIFY(db.open());
        CatalogStore store(db);
        const Catalog::FileLoad root = makeFile(QStringLiteral("/srv/z/catalog-info.yaml"), 1, 1);
        const Catalog::FileLoad second = makeFile(QStringLiteral("/srv/z/b.yaml"), 1, 2);
        const Catalog::FileLoad third = makeFile(QStringLiteral("/srv/z/a.yaml"), 1, 3);
        QVERIFY(store.replaceSource(state(QStringLiteral("z")), {root, second, third}));
        QCOMPARE(store.load().sources[0].files, (QList<Catalog::FileLoad> {root, second, third}));
        // An update that names the new order moves files; one without keeps places, new files last.
        const Catalog::FileLoad fourth = makeFile(QStringLiteral("/srv/z/0.yaml"), 1, 4);
        QVERIFY(store.updateSource(state(QStringLiteral("z")), {fourth}, {}));
        QCOMPARE(store.load().sources[0].files, (QList<Catalog::FileLoad> {root, second, third, fourth}));
        QVERIFY(store.updateSource(state(QStringLiteral("z")), {}, {}, nullptr,
                                   {third.file, root.file, fourth.file, second.file}));
        QCOMPARE(store.load().sources[0].files, (QList<Catalog::FileLoad> {third, root, fourth, second}));
    }

    void updateSource_storesChangedFilesAndForgetsRemovedOnes()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        Database db(dir.filePath(QStringLiteral("db.sqlite")));
        QVERIFY(db.open());
        CatalogStore store(db);
        auto files = makeFiles(QStringLiteral("/srv/a"), 4, 2);
        QVERIFY(store.replaceSource(state(QStringLiteral("alpha")), files));

        // file-001 changed, file-003 deleted, file-new added; file-000 and file-002 untouched
        const Catalog::FileLoad changed = makeFile(files[1].file, 7, 77);
        const Catalog::FileLoad added = makeFile(QStringLiteral("/srv/a/file-new.yaml"), 1, 88);
        SourceState s = state(QStringLiteral("alpha"), QDateTime::fromMSecsSinceEpoch(1700000900000, Qt::UTC));
        s.revision = QStringLiteral("abc123");
        QString error;
        QVERIFY2(store.updateSource(s, { changed, added }, { files[3].file }, &error), qPrintable(error));

        const StoredCatalog c = store.load();
        QCOMPARE(c.sources.size(), 1);
        QCOMPARE(c.sources[0].state, s);
        QCOMPARE(c.sources[0].files, (QList<Catalog::FileLoad> { files[0], changed, files[2], added }));
    }

    void recordFailure_keepsTheLastGoodFiles()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        Database db(dir.filePath(QStringLiteral("db.sqlite")));
        QVERIFY(db.open());
        CatalogStore store(db);
        const auto files = makeFiles(QStringLiteral("/srv/a"), 2, 2);
        const SourceState good = state(QStringLiteral("alpha"));
        QVERIFY(store.replaceSource(good, files));
        const QDateTime when = QDateTime::fromMSecsSinceEpoch(1700000999000, Qt::UTC);
        QVERIFY(store.recordFailure(QStringLiteral("alpha"), QStringLiteral("could not reach github.com"), when));

        const StoredCatalog c = store.load();
        QCOMPARE(c.sources[0].files, files);
        QCOMPARE(c.sources[0].state.lastError, QStringLiteral("could not reach github.com"));
        QCOMPARE(c.sources[0].state.lastErrorAt, when);
        QCOMPARE(c.sources[0].state.refreshedAt, good.refreshedAt);
        QCOMPARE(c.sources[0].state.revision, good.revision);
    }

    void removeSource_dropsItsFiles()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        Database db(dir.filePath(QStringLiteral("db.sqlite")));
        QVERIFY(db.open());
        CatalogStore store(db);
        QVERIFY(store.replaceSource(state(QStringLiteral("alpha")), makeFiles(QStringLiteral("/srv/a"), 3, 1)));
        QVERIFY(store.replaceSource(state(QStringLiteral("beta")), makeFiles(QStringLiteral("/srv/b"), 2, 1)));
        QVERIFY(store.removeSource(QStringLiteral("alpha")));
        const StoredCatalog c = store.load();
        QCOMPARE(c.sources.size(), 1);
        QCOMPARE(c.sources[0].state.name, QStringLiteral("beta"));
        QSqlQuery q(db.connection());
        QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM catalog_file")));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toInt(), 2); // the cascade removed alpha's rows
    }

    void asOf_isTheOldestRefresh_invalidWhenASourceNeverRefreshed()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        Database db(dir.filePath(QStringLiteral("db.sqlite")));
        QVERIFY(db.open());
        CatalogStore store(db);
        QVERIFY(!store.asOf().isValid());
        QVERIFY(!store.load().asOf.isValid());
        const QDateTime t1 = QDateTime::fromMSecsSinceEpoch(1700000000000, Qt::UTC);
        const QDateTime t2 = QDateTime::fromMSecsSinceEpoch(1700003600000, Qt::UTC);
        QVERIFY(store.replaceSource(state(QStringLiteral("newer"), t2), {}));
        QVERIFY(store.replaceSource(state(QStringLiteral("older"), t1), {}));
        QCOMPARE(store.asOf(), t1);
        QCOMPARE(store.load().asOf, t1);
        QVERIFY(store.recordFailure(QStringLiteral("never"), QStringLiteral("clone failed"), t2));
        QVERIFY(!store.asOf().isValid());
        QVERIFY(!store.load().asOf.isValid());
    }

    void damagedBlob_failsOnlyThatSource_data()
    {
        QTest::addColumn<QString>("corruption");
        QTest::addRow("random bytes") << QStringLiteral("randomblob(200)");
        QTest::addRow("cut in half") << QStringLiteral("substr(data, 1, length(data) / 2)");
        // (|| yields text in SQLite: cast back so the bytes stay a blob)
        QTest::addRow("trailing garbage") << QStringLiteral("CAST(data || x'00ff00ff' AS BLOB)");
        QTest::addRow("empty") << QStringLiteral("x''");
        QTest::addRow("bad relation type") << QString(); // a well-framed blob with an impossible value
    }
    void damagedBlob_failsOnlyThatSource()
    {
        QFETCH(QString, corruption);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        Database db(dir.filePath(QStringLiteral("db.sqlite")));
        QVERIFY(db.open());
        CatalogStore store(db);
        const auto a = makeFiles(QStringLiteral("/srv/a"), 3, 2);
        const auto b = makeFiles(QStringLiteral("/srv/b"), 2, 2, 10);
        QVERIFY(store.replaceSource(state(QStringLiteral("alpha")), a));
        QVERIFY(store.replaceSource(state(QStringLiteral("beta")), b));
        QString error;
        if (corruption.isEmpty()) {
            Catalog::FileLoad bad = a[1];
            bad.entities[0].declared[0].type = Catalog::RelationType(0xEE);
            QSqlQuery q(db.connection());
            q.prepare(QStringLiteral("UPDATE catalog_file SET data = ? WHERE file = ?"));
            q.addBindValue(CatalogStore::encode(bad));
            q.addBindValue(a[1].file);
            QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
        } else {
            QVERIFY2(
                execSql(db,
                    QStringLiteral("UPDATE catalog_file SET data = %1 WHERE file = '%2'").arg(corruption, a[1].file),
                    &error),
                qPrintable(error));
        }

        QSqlQuery type(db.connection());
        QVERIFY(type.exec(QStringLiteral("SELECT typeof(data) FROM catalog_file WHERE file = '%1'").arg(a[1].file))
            && type.next());
        QCOMPARE(type.value(0).toString(), QStringLiteral("blob"));
        type.finish();

        const StoredCatalog c = store.load();
        QVERIFY(c.error.isEmpty());
        const StoredSource* alpha = find(c, QStringLiteral("alpha"));
        const StoredSource* beta = find(c, QStringLiteral("beta"));
        QVERIFY(alpha && beta);
        QVERIFY(!alpha->isComplete());
        QVERIFY2(alpha->error.contains(QLatin1String("source alpha is damaged")), qPrintable(alpha->error));
        QVERIFY(alpha->error.contains(a[1].file));
        QVERIFY(alpha->hint.contains(QLatin1String("refresh the source")));
        QCOMPARE(alpha->damagedFiles, QStringList { a[1].file });
        QCOMPARE(alpha->files, (QList<Catalog::FileLoad> { a[0], a[2] }));
        QVERIFY(beta->isComplete());
        QVERIFY(beta->error.isEmpty());
        QCOMPARE(beta->files, b);

        // a refresh repairs it
        QVERIFY(store.replaceSource(state(QStringLiteral("alpha")), a));
        QCOMPARE(find(store.load(), QStringLiteral("alpha"))->files, a);
    }

    void blobOfAnotherFormat_isSkippedNotMisread()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        Database db(dir.filePath(QStringLiteral("db.sqlite")));
        QVERIFY(db.open());
        CatalogStore store(db);
        const auto a = makeFiles(QStringLiteral("/srv/a"), 3, 2);
        QVERIFY(store.replaceSource(state(QStringLiteral("alpha")), a));
        // bytes 4-5 hold the format version (little endian): pretend an older release wrote file-002
        QString error;
        QVERIFY2(
            execSql(db,
                QStringLiteral(
                    "UPDATE catalog_file SET data = CAST(substr(data, 1, 4) || x'0000' || substr(data, 7) AS BLOB) "
                    "WHERE file = '%1'")
                    .arg(a[2].file),
                &error),
            qPrintable(error));
        const StoredCatalog c = store.load();
        QCOMPARE(c.sources[0].outdatedFiles, 1);
        QVERIFY(c.sources[0].damagedFiles.isEmpty());
        QVERIFY(c.sources[0].error.isEmpty());
        QVERIFY(!c.sources[0].isComplete());
        QCOMPARE(c.sources[0].files, (QList<Catalog::FileLoad> { a[0], a[1] }));
    }

    void decode_badBytes_neverCrashes_data()
    {
        QTest::addColumn<QByteArray>("blob");
        QTest::addColumn<int>("expected");
        const QByteArray good = CatalogStore::encode(makeFile(QStringLiteral("/x.yaml"), 3));
        QTest::addRow("empty") << QByteArray() << int(CatalogStore::Decoded::Damaged);
        QTest::addRow("magic only") << QByteArray("FDFL") << int(CatalogStore::Decoded::Damaged);
        QTest::addRow("wrong magic") << QByteArray("XXXX").append(good.mid(4)) << int(CatalogStore::Decoded::Damaged);
        QTest::addRow("header only") << good.left(6) << int(CatalogStore::Decoded::Damaged);
        QTest::addRow("truncated") << good.left(good.size() - 9) << int(CatalogStore::Decoded::Damaged);
        QTest::addRow("trailing bytes") << QByteArray(good).append("\x00\xff", 2)
                                        << int(CatalogStore::Decoded::Damaged);
        QTest::addRow("huge count") << good.left(6).append(QByteArray(4, '\xff')).append(good.mid(10, 64))
                                    << int(CatalogStore::Decoded::Damaged);
        const quint16 future = CatalogStore::BlobFormat + 1;
        QTest::addRow("future format") << good.left(4).append(char(future & 0xff)).append(char(future >> 8)).append(good.mid(6))
                                       << int(CatalogStore::Decoded::Outdated);
        QTest::addRow("good") << good << int(CatalogStore::Decoded::Ok);
    }
    void decode_badBytes_neverCrashes()
    {
        QFETCH(QByteArray, blob);
        QFETCH(int, expected);
        Catalog::FileLoad out;
        QCOMPARE(int(CatalogStore::decode(blob, out)), expected);
        if (expected == int(CatalogStore::Decoded::Ok))
            QCOMPARE(out, makeFile(QStringLiteral("/x.yaml"), 3));
    }

    void truncatedDatabase_reportsTheLostSourceAndLoadsTheRest()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("db.sqlite"));
        const auto early = makeFiles(QStringLiteral("/srv/early"), 3, 2);
        qint64 sizeAfterEarly = 0;
        {
            Database db(path);
            QVERIFY(db.open());
            QVERIFY(CatalogStore(db).replaceSource(state(QStringLiteral("early")), early));
        }
        sizeAfterEarly = QFileInfo(path).size();
        {
            // Large entities: the late source's pages take the end of the file.
            Database db(path);
            QVERIFY(db.open());
            QVERIFY(CatalogStore(db).replaceSource(
                state(QStringLiteral("late")), makeFiles(QStringLiteral("/srv/late"), 20, 4, 500, 4000)));
        }
        const qint64 full = QFileInfo(path).size();
        QVERIFY2(full > sizeAfterEarly + 200000, qPrintable(QStringLiteral("%1 %2").arg(sizeAfterEarly).arg(full)));
        QVERIFY(!QFile::exists(path + QStringLiteral("-wal")) || QFileInfo(path + QStringLiteral("-wal")).size() == 0);
        {
            QFile f(path);
            QVERIFY(f.resize(sizeAfterEarly + (full - sizeAfterEarly) / 2));
        }

        const QByteArray before = fileHash(path);

        Database db(path);
        QVERIFY(!db.open());
        QCOMPARE(db.state(), Database::State::Damaged);
        QVERIFY2(db.errorString().contains(QLatin1String("is damaged")), qPrintable(db.errorString()));
        QVERIFY(db.errorString().contains(path));
        QVERIFY(db.errorHint().contains(QLatin1String("did not change it")));
        CatalogStore store(db);
        const StoredCatalog c = store.load();
        QVERIFY2(c.error.isEmpty(), qPrintable(c.error));
        const StoredSource* e = find(c, QStringLiteral("early"));
        const StoredSource* l = find(c, QStringLiteral("late"));
        QVERIFY(e && l);
        QVERIFY2(e->isComplete(), qPrintable(e->error));
        QCOMPARE(e->files, early);
        QVERIFY(!l->isComplete());
        QVERIFY2(l->error.contains(QLatin1String("source late")), qPrintable(l->error));
        QVERIFY2(l->error.contains(path), qPrintable(l->error));
        QVERIFY(!l->hint.isEmpty());
        // What cannot be read whole is not offered in part.
        QVERIFY(l->files.isEmpty());
        qInfo("%s\n    %s", qPrintable(l->error), qPrintable(l->hint));

        // A damaged file is only read, never written.
        QString error;
        QVERIFY(!store.replaceSource(state(QStringLiteral("late")), {}, &error));
        QVERIFY2(error.contains(QLatin1String("does not write to it")), qPrintable(error));
        QVERIFY(!store.removeSource(QStringLiteral("late"), &error));
        QCOMPARE(fileHash(path), before);
    }

    void reader_whileAWriteIsOpen_seesTheLastCommittedState()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        Database db(dir.filePath(QStringLiteral("db.sqlite")));
        QVERIFY(db.open());
        CatalogStore store(db);
        const auto files = makeFiles(QStringLiteral("/srv/a"), 4, 2);
        QVERIFY(store.replaceSource(state(QStringLiteral("alpha")), files));

        QSemaphore written, mayCommit, committed;
        std::atomic<bool> writerOk { false };
        Joiner join { QThread::create([&]() {
                         QSqlDatabase c = db.connection();
                         Transaction tx(c);
                         QSqlQuery q(c);
                         bool ok = tx.isActive() && q.exec(QStringLiteral("DELETE FROM catalog_file"));
                         q.finish();
                         writerOk = ok;
                         written.release();
                         // bounded: the test fails rather than hangs if the reader never answers
                         if (mayCommit.tryAcquire(1, 60000))
                             writerOk = tx.commit() && ok;
                         committed.release();
                     }),
            [&]() { mayCommit.release(); } };
        join.thread->start();
        QVERIFY(written.tryAcquire(1, 60000));
        QVERIFY(writerOk);
        // The write lock is held; the reader neither waits for it nor sees the uncommitted delete.
        const StoredCatalog during = store.load();
        QVERIFY2(during.error.isEmpty() && during.sources[0].error.isEmpty(),
            qPrintable(during.error + during.sources[0].error));
        QCOMPARE(during.sources[0].files, files);
        mayCommit.release();
        QVERIFY(committed.tryAcquire(1, 60000));
        QVERIFY(join.thread->wait(60000));
        QVERIFY(writerOk);
        QVERIFY(store.load().sources[0].files.isEmpty());
    }

    void reader_duringRepeatedReplaces_alwaysSeesAWholeVersion()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        Database db(dir.filePath(QStringLiteral("db.sqlite")));
        QVERIFY(db.open());
        CatalogStore store(db);
        const auto small = makeFiles(QStringLiteral("/srv/a"), 5, 3, 0);
        const auto large = makeFiles(QStringLiteral("/srv/a"), 40, 6, 1000, 2000);
        QVERIFY(store.replaceSource(state(QStringLiteral("alpha")), small));

        std::atomic<bool> stop { false };
        std::atomic<int> writes { 0 };
        QString writerError;
        Joiner join { QThread::create([&]() {
                         CatalogStore own(db);
                         for (int i = 0; i < 200 && !stop; ++i) {
                             if (!own.replaceSource(
                                     state(QStringLiteral("alpha")), i % 2 ? small : large, &writerError))
                                 return;
                             ++writes;
                         }
                     }),
            [&]() { stop = true; } };
        join.thread->start();
        int reads = 0, sawSmall = 0, sawLarge = 0;
        QString problem;
        do {
            const StoredCatalog c = store.load();
            if (!c.error.isEmpty() || c.sources.size() != 1 || !c.sources[0].error.isEmpty()) {
                problem = c.error + (c.sources.isEmpty() ? QString() : c.sources[0].error);
                break;
            }
            const auto& got = c.sources[0].files;
            if (got == small) {
                ++sawSmall;
            } else if (got == large) {
                ++sawLarge;
            } else {
                problem = QStringLiteral("read a mix of two versions: %1 files").arg(got.size());
                break;
            }
            ++reads;
        } while (!join.thread->isFinished() && reads < 200);
        stop = true;
        QVERIFY(join.thread->wait(120000));
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QVERIFY2(writerError.isEmpty(), qPrintable(writerError));
        QVERIFY(writes > 0);
        QVERIFY(reads > 0);
        qInfo("%d reads during %d writes: %d small, %d large", reads, int(writes), sawSmall, sawLarge);
    }

    void notOpen_everyCallSaysWhy()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QFile f(dir.filePath(QStringLiteral("junk.sqlite")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("junk");
        f.close();
        Database db(f.fileName());
        QVERIFY(!db.open());
        CatalogStore store(db);
        QString error;
        QVERIFY(!store.replaceSource(state(QStringLiteral("a")), {}, &error));
        QVERIFY2(error.contains(QLatin1String("not an SQLite database")), qPrintable(error));
        const StoredCatalog c = store.load();
        QVERIFY(c.error.contains(QLatin1String("not open")));
        QVERIFY(!c.hint.isEmpty());
        QVERIFY(c.sources.isEmpty());
    }

    void fingerprint_followsWhatTheFilesDependOn()
    {
        Sources::CatalogSourceSpec s;
        s.name = QStringLiteral("a");
        s.type = Sources::CatalogSourceSpec::Type::Git;
        s.url = QStringLiteral("https://github.com/acme/catalog.git");
        const QString base = CatalogStore::fingerprint(s);
        QCOMPARE(base.size(), 64);
        auto renamed = s;
        renamed.name = QStringLiteral("b");
        renamed.refreshMinutes = 10;
        QCOMPARE(CatalogStore::fingerprint(renamed), base);
        auto branch = s;
        branch.branch = QStringLiteral("release");
        QVERIFY(CatalogStore::fingerprint(branch) != base);
        auto globs = s;
        globs.globs = { QStringLiteral("a"), QStringLiteral("b") };
        auto joined = s;
        joined.globs = { QStringLiteral("a b") };
        QVERIFY(CatalogStore::fingerprint(globs) != base);
        QVERIFY(CatalogStore::fingerprint(globs) != CatalogStore::fingerprint(joined));
        auto type = s;
        type.type = Sources::CatalogSourceSpec::Type::Backstage;
        QVERIFY(CatalogStore::fingerprint(type) != base);
    }
};

QTEST_GUILESS_MAIN(tst_StoreCatalog)
#include "tst_storecatalog.moc"
