// SPDX-License-Identifier: Apache-2.0
// One deploy at a time per service and environment, also across two Flightdeck instances (two
// store handles on one file): a lease, taken atomically, released, and taken over when it runs out.
#include "deploy/deploylease.h"
#include "store/database.h"

#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <thread>

using namespace Flightdeck;
using namespace Flightdeck::Deploy;

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
