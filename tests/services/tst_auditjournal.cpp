// SPDX-License-Identifier: Apache-2.0
// The deploy audit journal: records chain by SHA-256; editing, deleting or reordering any record is
// found and the first broken record named; two instances appending at once still build one chain.
#include "deploy/auditjournal.h"
#include "store/database.h"

#include <QCryptographicHash>
#include <QFile>
#include <QProcess>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <thread>

using namespace Flightdeck;
using namespace Flightdeck::Deploy;

namespace {

AuditRecord intent(const QString& service, const QString& from, const QString& to)
{
    AuditRecord r;
    r.kind = AuditRecord::Kind::Intent;
    r.operation = QStringLiteral("deploy");
    r.service = service;
    r.environment = QStringLiteral("staging");
    r.fromVersion = from;
    r.toVersion = to;
    r.backend = QStringLiteral("gitops");
    r.actor = QStringLiteral("user:default/jane");
    r.startedAt = QDateTime::fromMSecsSinceEpoch(1'790'000'000'000, Qt::UTC);
    return r;
}

AuditRecord resultOf(const AuditRecord& i, const QString& result)
{
    AuditRecord r = i;
    r.kind = AuditRecord::Kind::Result;
    r.intent = i.sequence;
    r.endedAt = i.startedAt.addSecs(42);
    r.result = result;
    r.detail = QStringLiteral("commit 1a2b3c");
    return r;
}

bool exec(Store::Database& db, const QString& sql)
{
    QSqlQuery q(db.connection());
    return q.exec(sql);
}

} // namespace

class tst_AuditJournal : public QObject
{
    Q_OBJECT

private:
    // A journal of three operations (six records).
    void fill(AuditJournal& journal)
    {
        for (const char* service : {"checkout", "payments", "search"}) {
            QString error;
            const AuditRecord i = journal.append(intent(QString::fromLatin1(service), QStringLiteral("1.0.0"), QStringLiteral("1.1.0")), &error);
            QVERIFY2(i.sequence > 0, qPrintable(error));
            const AuditRecord r = journal.append(resultOf(i, QStringLiteral("succeeded")), &error);
            QVERIFY2(r.sequence == i.sequence + 1, qPrintable(error));
        }
    }

private Q_SLOTS:
    void append_chainsEveryRecord_andVerifies()
    {
        QTemporaryDir dir;
        Store::Database db(dir.filePath(QStringLiteral("s.sqlite")));
        QVERIFY(db.open());
        AuditJournal journal(db);
        QVERIFY(journal.verify().ok); // empty is fine
        fill(journal);
        const QList<AuditRecord> all = journal.records();
        QCOMPARE(all.size(), 6);
        QVERIFY(all[0].previousHash.isEmpty());
        for (int i = 1; i < all.size(); ++i) {
            QCOMPARE(all[i].previousHash, all[i - 1].hash);
            QCOMPARE(all[i].hash.size(), 64);
        }
        QCOMPARE(all[1].intent, all[0].sequence);
        QCOMPARE(all[1].endedAt, all[0].startedAt.addSecs(42));
        const AuditVerification v = journal.verify();
        QVERIFY2(v.ok, qPrintable(v.reason));
        QCOMPARE(v.records, 6);
    }

    void tampering_isFound_atTheFirstBrokenRecord_data()
    {
        QTest::addColumn<QString>("sql");
        QTest::addColumn<qint64>("firstBroken");
        QTest::addColumn<QString>("words");
        QTest::newRow("a version edited") << QStringLiteral("UPDATE audit_record SET to_version = '9.9.9' WHERE seq = 3") << qint64(3)
                                          << QStringLiteral("changed after it was written");
        QTest::newRow("a result rewritten and its hash replaced by garbage")
            << QStringLiteral("UPDATE audit_record SET result = 'failed', hash = 'x' WHERE seq = 4") << qint64(4) << QStringLiteral("record 4");
        QTest::newRow("a record deleted") << QStringLiteral("DELETE FROM audit_record WHERE seq = 2") << qint64(3)
                                          << QStringLiteral("record 2 was removed");
        QTest::newRow("the last record's previous hash edited")
            << QStringLiteral("UPDATE audit_record SET prev_hash = 'forged' WHERE seq = 6") << qint64(6) << QStringLiteral("does not chain");
        QTest::newRow("a result pointing nowhere") << QStringLiteral("UPDATE audit_record SET intent_seq = 99 WHERE seq = 2") << qint64(2)
                                                   << QStringLiteral("record 2");
    }

    void tampering_isFound_atTheFirstBrokenRecord()
    {
        QFETCH(QString, sql);
        QFETCH(qint64, firstBroken);
        QFETCH(QString, words);
        QTemporaryDir dir;
        Store::Database db(dir.filePath(QStringLiteral("s.sqlite")));
        QVERIFY(db.open());
        AuditJournal journal(db);
        fill(journal);
        QVERIFY(journal.verify().ok);
        QVERIFY(exec(db, sql));
        const AuditVerification v = journal.verify();
        QVERIFY(!v.ok);
        QCOMPARE(v.firstBroken, firstBroken);
        QVERIFY2(v.reason.contains(words), qPrintable(v.reason));
    }

    // A forger who edits record 4 and writes back the correct SHA-256 of its new contents makes
    // record 4 check out on its own, but record 5 still carries the old hash: the chain breaks there.
    void tampering_withARecomputedHash_breaksTheNextLink()
    {
        QTemporaryDir dir;
        Store::Database db(dir.filePath(QStringLiteral("s.sqlite")));
        QVERIFY(db.open());
        AuditJournal journal(db);
        fill(journal);
        QVERIFY(journal.verify().ok);
        const QList<AuditRecord> all = journal.records();
        QCOMPARE(all.size(), 6);
        AuditRecord forged = all.at(3);
        QCOMPARE(forged.sequence, qint64(4));
        QCOMPARE(forged.result, QStringLiteral("succeeded"));
        forged.result = QStringLiteral("failed");
        const QString hash
            = QString::fromLatin1(QCryptographicHash::hash(forged.canonical(), QCryptographicHash::Sha256).toHex());
        QVERIFY(hash != forged.hash);
        QSqlQuery q(db.connection());
        QVERIFY(q.prepare(QStringLiteral("UPDATE audit_record SET result = ?, hash = ? WHERE seq = 4")));
        q.addBindValue(forged.result);
        q.addBindValue(hash);
        QVERIFY(q.exec());
        QCOMPARE(journal.records().at(3).hash, hash);
        QCOMPARE(journal.records().at(3).result, QStringLiteral("failed"));
        const AuditVerification v = journal.verify();
        QVERIFY(!v.ok);
        QCOMPARE(v.firstBroken, qint64(5));
        QVERIFY2(v.reason.contains(QStringLiteral("does not chain")), qPrintable(v.reason));
    }

    // Two instances (two databases handles on one file, two threads) append at once: one chain.
    void concurrentAppends_buildOneChain()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("s.sqlite"));
        Store::Database a(path), b(path);
        QVERIFY(a.open());
        QVERIFY(b.open());
        const auto writer = [](Store::Database* db, const QString& service) {
            AuditJournal journal(*db);
            for (int i = 0; i < 40; ++i)
                journal.append(intent(service, QString::number(i), QString::number(i + 1)));
            db->releaseConnection();
        };
        std::thread t1(writer, &a, QStringLiteral("one"));
        std::thread t2(writer, &b, QStringLiteral("two"));
        t1.join();
        t2.join();
        const AuditVerification v = AuditJournal(a).verify();
        QVERIFY2(v.ok, qPrintable(v.reason));
        QCOMPARE(v.records, 80);
    }

    // The command line: exit 0 when intact, 1 naming the first broken record.
    void cli_auditVerify()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("s.sqlite"));
        {
            Store::Database db(path);
            QVERIFY(db.open());
            AuditJournal journal(db);
            fill(journal);
        }
        const auto verify = [&](QByteArray* output) {
            QProcess p;
            p.setProcessChannelMode(QProcess::MergedChannels);
            p.start(QStringLiteral(FLIGHTDECK_EXECUTABLE), {QStringLiteral("audit"), QStringLiteral("verify"), QStringLiteral("--database"), path});
            if (!p.waitForFinished(60000))
                return -1;
            *output = p.readAll();
            return p.exitCode();
        };
        QByteArray out;
        QCOMPARE(verify(&out), 0);
        QVERIFY2(out.contains("audit journal intact: 6 records"), out.constData());
        {
            Store::Database db(path);
            QVERIFY(db.open());
            QVERIFY(exec(db, QStringLiteral("UPDATE audit_record SET actor = 'user:default/mallory' WHERE seq = 5")));
        }
        QCOMPARE(verify(&out), 1);
        QVERIFY2(out.contains("first broken record: 5"), out.constData());
        QVERIFY2(out.contains("was altered"), out.constData());
    }

    // A mistyped --database is not an intact, empty journal: it is refused, and not created.
    void cli_auditVerify_missingDatabase_isRefused()
    {
        QTemporaryDir dir;
        const QString missing = dir.filePath(QStringLiteral("typo.db"));
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(QStringLiteral(FLIGHTDECK_EXECUTABLE),
            {QStringLiteral("audit"), QStringLiteral("verify"), QStringLiteral("--database"), missing});
        QVERIFY(p.waitForFinished(60000));
        const QByteArray out = p.readAll();
        QCOMPARE(p.exitCode(), 1);
        QVERIFY2(out.contains("no database at"), out.constData());
        QVERIFY2(out.contains("typo.db"), out.constData());
        QVERIFY2(!out.contains("intact"), out.constData());
        QVERIFY(!QFile::exists(missing));
    }

    void cli_audit_usageIsPrintedOnce()
    {
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(QStringLiteral(FLIGHTDECK_EXECUTABLE), {QStringLiteral("audit"), QStringLiteral("frobnicate")});
        QVERIFY(p.waitForFinished(60000));
        const QByteArray out = p.readAll();
        QCOMPARE(p.exitCode(), 2);
        QVERIFY2(out.contains("flightdeck audit verify"), out.constData());
        QVERIFY2(!out.toLower().contains("usage: usage:"), out.constData());
    }
};

QTEST_GUILESS_MAIN(tst_AuditJournal)
#include "tst_auditjournal.moc"
