// SPDX-License-Identifier: Apache-2.0
// One deploy at a time per service and environment, also across two Flightdeck instances (two
// store handles on one file): a lease, taken atomically, released, and taken over when it runs out
// or when the process holding it has ended (real processes, started and killed).
#include "deploy/deploylease.h"
#include "store/database.h"

#include <QCoreApplication>
#include <QProcess>
#include <QSqlQuery>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <thread>

using namespace Flightdeck;
using namespace Flightdeck::Deploy;

namespace {

// A process of this host that stands in for another Flightdeck: it runs until killed.
bool startSleeper(QProcess& process)
{
    process.start(QStringLiteral("sleep"), { QStringLiteral("300") });
    return process.waitForStarted(10000) && process.processId() > 0;
}

void killAndCollect(QProcess& process)
{
    process.kill();
    process.waitForFinished(10000); // collected: no zombie left
}

} // namespace

class tst_DeployLease : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void secondInstance_waitsForTheFirst()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("s.sqlite"));
        Store::Database one(path), two(path);
        QVERIFY(one.open() && two.open());
        DeployLease a(one, QStringLiteral("checkout"), QStringLiteral("production"));
        DeployLease b(two, QStringLiteral("checkout"), QStringLiteral("production"));
        DeployLease other(two, QStringLiteral("checkout"), QStringLiteral("staging"));
        QString error;
        QVERIFY2(a.acquire(QStringLiteral("instance 1: deploy 1.4.2"), 600, &error), qPrintable(error));
        QVERIFY(!b.acquire(QStringLiteral("instance 2: rollback"), 600, &error));
        QVERIFY2(error.contains(QStringLiteral("busy: instance 1: deploy 1.4.2 until")), qPrintable(error));
        QCOMPARE(b.current().id, QStringLiteral("instance 1: deploy 1.4.2"));
        // The lease names the process that holds it: this one, which runs.
        QCOMPARE(b.current().owner.pid, QCoreApplication::applicationPid());
        QCOMPARE(b.current().owner.host, QSysInfo::machineHostName());
        QVERIFY(!b.current().ownerEnded);
        QVERIFY(b.current().expiresAt > QDateTime::currentDateTimeUtc().addSecs(500));
        QVERIFY(other.acquire(QStringLiteral("instance 2: deploy staging"), 600)); // another environment is free
        QVERIFY(a.renew(600));
        a.release();
        QVERIFY(b.current().id.isEmpty());
        QVERIFY(b.acquire(QStringLiteral("instance 2: rollback"), 600));
        QVERIFY(b.isHeld());
    }

    void expiredLease_isTakenOver()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("s.sqlite"));
        Store::Database one(path), two(path);
        QVERIFY(one.open() && two.open());
        DeployLease crashed(one, QStringLiteral("search"), QStringLiteral("dev"));
        QVERIFY(crashed.acquire(QStringLiteral("instance that crashed"), 0)); // already run out
        DeployLease next(two, QStringLiteral("search"), QStringLiteral("dev"));
        QTest::qWait(5);
        QVERIFY(next.acquire(QStringLiteral("instance 2"), 600));
        QCOMPARE(next.current().id, QStringLiteral("instance 2"));
    }

    // A Flightdeck killed in the middle of an operation leaves its lease behind: on this host that
    // lease is free as soon as its process is gone, not minutes later when it runs out. While the
    // process runs, the lease is its own.
    void endedProcess_freesItsLeaseAtOnce()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("s.sqlite"));
        Store::Database one(path), two(path);
        QVERIFY(one.open() && two.open());
        QProcess other;
        QVERIFY(startSleeper(other));
        const qint64 pid = other.processId();
        const QString holder = QStringLiteral("flightdeck (pid %1): deploy 1.4.2").arg(pid);
        {
            // The other instance's lease, as it left it (this object stands in for it, and is not
            // asked to release it).
            DeployLease crashed(one, QStringLiteral("checkout"), QStringLiteral("production"));
            crashed.setOwner(DeployLease::Owner::process(pid));
            QVERIFY(crashed.acquire(holder, 600));
            DeployLease next(two, QStringLiteral("checkout"), QStringLiteral("production"));
            QString error;
            QVERIFY(!next.acquire(QStringLiteral("instance 2: rollback"), 600, &error));
            QVERIFY2(error.contains(QStringLiteral("busy")), qPrintable(error));
            QCOMPARE(next.current().owner.pid, pid);
            QVERIFY(!next.current().ownerEnded);
            QVERIFY(!next.current().isFree());

            killAndCollect(other);
            const DeployLease::Holder left = next.current();
            QCOMPARE(left.id, holder);
            QVERIFY(left.ownerEnded);
            QVERIFY(left.isFree());
            QVERIFY(left.expiresAt > QDateTime::currentDateTimeUtc().addSecs(500)); // far from run out
            QVERIFY2(next.acquire(QStringLiteral("instance 2: rollback"), 600, &error), qPrintable(error));
            QCOMPARE(next.takenOver().id, holder);
            QCOMPARE(next.takenOver().owner.pid, pid);
            QCOMPARE(next.current().id, QStringLiteral("instance 2: rollback"));
            QCOMPARE(next.current().owner.pid, QCoreApplication::applicationPid());
            QVERIFY(!next.current().isFree());
            QVERIFY(!crashed.renew(600)); // the dead instance's object cannot take it back
        }
    }

    // What cannot be checked only runs out: a process on another host (a store on a shared file
    // system) or in another PID namespace (a container, a sandbox), and a lease that names no process
    // (written before the store recorded processes).
    void uncheckableHolder_onlyRunsOut()
    {
        QTemporaryDir dir;
        Store::Database db(dir.filePath(QStringLiteral("s.sqlite")));
        QVERIFY(db.open());
        QProcess ended;
        QVERIFY(startSleeper(ended));
        DeployLease::Owner elsewhere = DeployLease::Owner::process(ended.processId());
        killAndCollect(ended);
        QVERIFY(elsewhere.hasEnded()); // here, it has
        DeployLease::Owner inAContainer = elsewhere;
        inAContainer.pidNamespace = QStringLiteral("pid:[1]");
        QVERIFY(!inAContainer.hasEnded());
        elsewhere.host = QStringLiteral("another-host.example");
        QVERIFY(!elsewhere.hasEnded());
        for (const DeployLease::Owner& owner : { elsewhere, inAContainer, DeployLease::Owner {} }) {
            DeployLease held(db, QStringLiteral("search"), QStringLiteral("dev"));
            held.setOwner(owner);
            QVERIFY(held.acquire(QStringLiteral("somebody"), 600));
            DeployLease next(db, QStringLiteral("search"), QStringLiteral("dev"));
            QVERIFY(!next.acquire(QStringLiteral("me"), 600));
            QVERIFY(!next.current().ownerEnded);
            QVERIFY(next.releaseIfOwnerEnded().id.isEmpty());
            QCOMPARE(next.current().id, QStringLiteral("somebody"));
        }
    }

    // A PID is given out again after its process ended: a lease naming a PID that now belongs to
    // another process is free too (Linux tells processes apart by their start).
    void reusedPid_isNotTheHolder()
    {
        QProcess running;
        QVERIFY(startSleeper(running));
        DeployLease::Owner owner = DeployLease::Owner::process(running.processId());
        if (owner.startIdentity.isEmpty()) {
            killAndCollect(running);
            QSKIP("this system does not tell when a process started");
        }
        QVERIFY(!owner.hasEnded());
        DeployLease::Owner earlier = owner;
        earlier.startIdentity += QStringLiteral("0"); // the same PID, started at another time
        QVERIFY(earlier.hasEnded());
        killAndCollect(running);
        QVERIFY(owner.hasEnded());
    }

    // A store written before leases named their process is upgraded in place; its leases keep
    // working and only run out.
    void storeFromBefore_keepsItsLeases()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("s.sqlite"));
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        {
            Store::Database before(path, Store::schemaMigrations().first(5)); // up to "deploy leases"
            QVERIFY(before.open());
            QCOMPARE(before.schemaVersion(), 5);
            QSqlQuery q(before.connection());
            q.prepare(QStringLiteral("INSERT INTO deploy_lease (service, environment, holder, acquired_at, expires_at) "
                                     "VALUES (?, ?, ?, ?, ?), (?, ?, ?, ?, ?)"));
            for (const QVariant& v : { QVariant(QStringLiteral("checkout")), QVariant(QStringLiteral("dev")),
                     QVariant(QStringLiteral("old instance: deploy 1.0")), QVariant(now), QVariant(now + 600000),
                     QVariant(QStringLiteral("checkout")), QVariant(QStringLiteral("staging")),
                     QVariant(QStringLiteral("old instance: deploy 0.9")), QVariant(now - 600000),
                     QVariant(now - 1000) })
                q.addBindValue(v);
            QVERIFY(q.exec());
        }
        Store::Database db(path);
        QVERIFY2(db.open(), qPrintable(db.errorString()));
        QCOMPARE(db.schemaVersion(), db.latestVersion());
        DeployLease dev(db, QStringLiteral("checkout"), QStringLiteral("dev"));
        const DeployLease::Holder h = dev.current();
        QCOMPARE(h.id, QStringLiteral("old instance: deploy 1.0"));
        QVERIFY(h.owner.host.isEmpty());
        QCOMPARE(h.owner.pid, 0);
        QVERIFY(!h.ownerEnded);
        QVERIFY(!dev.acquire(QStringLiteral("me"), 600));
        DeployLease staging(db, QStringLiteral("checkout"), QStringLiteral("staging"));
        QVERIFY(staging.acquire(QStringLiteral("me"), 600)); // that one has run out
        QCOMPARE(staging.current().owner.pid, QCoreApplication::applicationPid());
        QVERIFY(staging.takenOver().id.isEmpty()); // run out is not taken over from an ended process
    }

    // Both instances try at the same moment, many times: never both.
    void simultaneousAcquire_exactlyOneWins()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("s.sqlite"));
        Store::Database one(path), two(path);
        QVERIFY(one.open() && two.open());
        for (int round = 0; round < 25; ++round) {
            std::atomic<int> winners {0};
            std::atomic<int> attempted {0};
            std::atomic<bool> go {false};
            const auto contender = [&](Store::Database* db, const QString& who) {
                {
                    DeployLease lease(*db, QStringLiteral("payments"), QStringLiteral("production"));
                    while (!go.load())
                        std::this_thread::yield();
                    if (lease.acquire(who, 600))
                        ++winners;
                    // The winner holds on until both have tried.
                    ++attempted;
                    while (attempted.load() < 2)
                        std::this_thread::yield();
                } // released here
                db->releaseConnection();
            };
            std::thread t1(contender, &one, QStringLiteral("one"));
            std::thread t2(contender, &two, QStringLiteral("two"));
            go = true;
            t1.join();
            t2.join();
            QCOMPARE(winners.load(), 1);
            // Clear for the next round (the winner's release ran on its own thread).
            DeployLease probe(one, QStringLiteral("payments"), QStringLiteral("production"));
            QVERIFY2(probe.current().id.isEmpty(), qPrintable(probe.current().id));
        }
    }
};

QTEST_GUILESS_MAIN(tst_DeployLease)
#include "tst_deploylease.moc"
