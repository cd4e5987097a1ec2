// SPDX-License-Identifier: Apache-2.0
// The deploy service end to end over real backends: a script backend running /bin/sh commands, a
// GitOps backend committing to a bare repository, the store's journal and leases in a real SQLite
// file, and a loopback server standing in for a service's status endpoint.
#include "deploy/auditjournal.h"
#include "deploy/deploylease.h"
#include "deploy/deployservice.h"
#include "replayserver.h"
#include "store/database.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QScopeGuard>
#include <QSqlQuery>
#include <QSysInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <git2.h>

using namespace Flightdeck;
using namespace Flightdeck::Deploy;

namespace {

QByteArray readFile(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}


// dev and production through a script that records each call in a file per environment, and
// fails when VERSION is "bad".
Workspace::DeploySettings scriptSettings(const QString& dir, const QString& statusUrl = {})
{
    Workspace::DeploySettings d;
    Workspace::DeployBackendSpec script;
    script.name = QStringLiteral("local");
    script.type = QStringLiteral("script");
    script.settings.insert(QStringLiteral("command"),
        QStringLiteral("echo \"::step::install\"; echo \"installing $SERVICE $VERSION (was $PREVIOUS_VERSION) for $OPERATION\"; "
                       "[ \"$VERSION\" = bad ] && { echo 'no such image' >&2; exit 3; }; "
                       "printf '%s %s %s\\n' \"$OPERATION\" \"$VERSION\" \"$PREVIOUS_VERSION\" >> \"%1/$ENVIRONMENT.log\"; "
                       "[ -n \"$SLOW\" ] && sleep \"$SLOW\"; exit 0")
            .arg(dir));
    if (!statusUrl.isEmpty())
        script.settings.insert(QStringLiteral("statusUrl"), statusUrl);
    d.backends << script;
    d.environments << Workspace::DeployEnvironmentSpec { QStringLiteral("dev"), script.name, false, {}, {} }
                   << Workspace::DeployEnvironmentSpec { QStringLiteral("production"), script.name, true, {}, {} };
    Workspace::DeployServiceSpec checkout;
    checkout.name = QStringLiteral("checkout");
    d.services << checkout;
    return d;
}

struct Run
{
    DeployPlan plan;
    DeployResult result;
    QStringList steps;
    QStringList logs;
    bool finished = false;
};

// Plans and (when the plan is good and execute) runs one operation, waiting on the event loop.
Run run(DeployService& service, const OperationRequest& request, bool execute = true)
{
    Run out;
    DeployOperation* op = service.prepare(request);
    QObject::connect(op, &DeployOperation::planned, op, [&out, op, execute](const DeployPlan& plan) {
        out.plan = plan;
        if (plan.ok && execute)
            op->execute();
        else {
            out.finished = true;
            op->cancel();
        }
    });
    QObject::connect(op, &DeployOperation::step, op, [&out](const QString& n, const QString& s) { out.steps << n + QLatin1Char(':') + s; });
    QObject::connect(op, &DeployOperation::log, op, [&out](const QString& l) { out.logs << l; });
    QObject::connect(op, &DeployOperation::finished, op, [&out](const DeployResult& r) {
        out.result = r;
        out.finished = true;
    });
    if (!QTest::qWaitFor([&out] { return out.finished; }, 30000))
        out.result = DeployResult::failure(QStringLiteral("the operation did not finish in time"));
    return out;
}

DeployService::Options options(const QTemporaryDir& dir)
{
    DeployService::Options o;
    o.workspaceDirectory = dir.path();
    o.databasePath = dir.filePath(QStringLiteral("store.sqlite"));
    o.dataDirectory = dir.filePath(QStringLiteral("data"));
    o.actor = QStringLiteral("Ada Lovelace <ada@example.com>");
    return o;
}

} // namespace

class tst_DeployService : public QObject
{
    Q_OBJECT

    // Runs reconcile() to its end: the lines it reports (with a line saying it never ended).
    QStringList reconciled(DeployService& service)
    {
        QStringList lines;
        bool done = false;
        service.reconcile(this, [&](const QStringList& l) {
            lines = l;
            done = true;
        });
        QDeadlineTimer deadline(20000);
        while (!done && !deadline.hasExpired())
            QTest::qWait(10);
        return done ? lines : QStringList { QStringLiteral("reconcile did not end within 20 s") };
    }

private Q_SLOTS:
    void initTestCase() { git_libgit2_init(); }
    void cleanupTestCase() { git_libgit2_shutdown(); }

    void deploy_runsTheBackend_andJournalsIntentThenResult()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        DeployService service(scriptSettings(dir.path()), options(dir));
        const Run first = run(service, { QStringLiteral("deploy"), QStringLiteral("checkout"), QStringLiteral("dev"), QStringLiteral("1.0.0"), {}, {} });
        QVERIFY2(first.result.ok(), qPrintable(first.result.message + first.plan.error));
        QVERIFY(first.plan.summary.contains(QStringLiteral("Deploy checkout 1.0.0 to dev")));
        QVERIFY(!first.plan.confirm);
        QVERIFY2(first.logs.join(QLatin1Char('\n')).contains(QStringLiteral("installing checkout 1.0.0 (was ) for deploy")), qPrintable(first.logs.join(QLatin1Char('\n'))));
        QCOMPARE(readFile(dir.filePath(QStringLiteral("dev.log"))), QByteArray("deploy 1.0.0 \n"));

        // The second deploy knows what ran before, from the journal (the script reports no version).
        const Run second = run(service, { QStringLiteral("deploy"), QStringLiteral("checkout"), QStringLiteral("dev"), QStringLiteral("1.1.0"), {}, {} });
        QVERIFY2(second.result.ok(), qPrintable(second.result.message));
        QCOMPARE(second.plan.fromVersion, QStringLiteral("1.0.0"));
        QCOMPARE(readFile(dir.filePath(QStringLiteral("dev.log"))), QByteArray("deploy 1.0.0 \ndeploy 1.1.0 1.0.0\n"));

        Store::Database db(dir.filePath(QStringLiteral("store.sqlite")));
        QVERIFY(db.open());
        const QList<AuditRecord> records = AuditJournal(db).records();
        QCOMPARE(records.size(), 4);
        QCOMPARE(records[2].kind, AuditRecord::Kind::Intent);
        QCOMPARE(records[2].fromVersion, QStringLiteral("1.0.0"));
        QCOMPARE(records[2].toVersion, QStringLiteral("1.1.0"));
        QCOMPARE(records[2].backend, QStringLiteral("local"));
        QCOMPARE(records[2].actor, QStringLiteral("Ada Lovelace <ada@example.com>"));
        QCOMPARE(records[3].kind, AuditRecord::Kind::Result);
        QCOMPARE(records[3].intent, records[2].sequence);
        QCOMPARE(records[3].result, QStringLiteral("succeeded"));
        QVERIFY(records[3].endedAt >= records[3].startedAt);
        QVERIFY(AuditJournal(db).verify().ok);
        // The lease was given back.
        QVERIFY(DeployLease(db, QStringLiteral("checkout"), QStringLiteral("dev")).current().id.isEmpty());
    }

    void failure_isJournalled_withTheBackendsReason()
    {
        QTemporaryDir dir;
        DeployService service(scriptSettings(dir.path()), options(dir));
        const Run o = run(service, { QStringLiteral("deploy"), QStringLiteral("checkout"), QStringLiteral("dev"), QStringLiteral("bad"), {}, {} });
        QVERIFY(o.plan.ok);
        QCOMPARE(o.result.outcome, Deploy::Outcome::Failed);
        QVERIFY2(o.result.message.contains(QStringLiteral("no such image")), qPrintable(o.result.message));
        QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("dev.log"))));
        Store::Database db(dir.filePath(QStringLiteral("store.sqlite")));
        QVERIFY(db.open());
        const QList<AuditRecord> records = AuditJournal(db).records();
        QCOMPARE(records.size(), 2);
        QCOMPARE(records[1].result, QStringLiteral("failed"));
        QVERIFY(records[1].detail.contains(QStringLiteral("no such image")));
    }

    void promote_takesTheVersionOfThePreviousEnvironment_andProductionAsksForTheName()
    {
        QTemporaryDir dir;
        DeployService service(scriptSettings(dir.path()), options(dir));
        QVERIFY(run(service, { QStringLiteral("deploy"), QStringLiteral("checkout"), QStringLiteral("dev"), QStringLiteral("2.0.0"), {}, {} }).result.ok());
        const Run o = run(service, { QStringLiteral("promote"), QStringLiteral("checkout"), QStringLiteral("production"), {}, {}, {} });
        QVERIFY2(o.result.ok(), qPrintable(o.result.message + o.plan.error));
        QCOMPARE(o.plan.sourceEnvironment, QStringLiteral("dev"));
        QCOMPARE(o.plan.toVersion, QStringLiteral("2.0.0"));
        QVERIFY(o.plan.confirm);
        QCOMPARE(readFile(dir.filePath(QStringLiteral("production.log"))), QByteArray("promote 2.0.0 \n"));
        // Nothing to promote into the first environment.
        const Run first = run(service, { QStringLiteral("promote"), QStringLiteral("checkout"), QStringLiteral("dev"), {}, {}, {} }, false);
        QVERIFY(!first.plan.ok);
        QVERIFY2(first.plan.error.contains(QStringLiteral("first environment")), qPrintable(first.plan.error));
    }

    void rollback_goesToTheVersionBefore_orToAHistoryEntry()
    {
        QTemporaryDir dir;
        DeployService service(scriptSettings(dir.path()), options(dir));
        for (const char* v : { "1.0.0", "1.1.0", "1.2.0" })
            QVERIFY(run(service, { QStringLiteral("deploy"), QStringLiteral("checkout"), QStringLiteral("dev"), QLatin1String(v), {}, {} }).result.ok());
        const Run back = run(service, { QStringLiteral("rollback"), QStringLiteral("checkout"), QStringLiteral("dev"), {}, {}, {} });
        QVERIFY2(back.result.ok(), qPrintable(back.result.message + back.plan.error));
        QCOMPARE(back.plan.fromVersion, QStringLiteral("1.2.0"));
        QCOMPARE(back.plan.toVersion, QStringLiteral("1.1.0"));
        QVERIFY(back.plan.summary.contains(QStringLiteral("Roll back checkout in dev from 1.2.0 to 1.1.0")));
        QVERIFY(readFile(dir.filePath(QStringLiteral("dev.log"))).endsWith("rollback 1.1.0 1.2.0\n"));

        // A history entry by id: the journal's history ids are intent sequences.
        QString firstId;
        bool done = false;
        service.query(Action::History, QStringLiteral("checkout"), QStringLiteral("dev"), this, [&](const DeployResult& r) {
            for (const HistoryEntry& h : r.history)
                if (h.version == QLatin1String("1.0.0"))
                    firstId = h.id;
            done = true;
        });
        QTRY_VERIFY(done);
        QVERIFY(!firstId.isEmpty());
        const Run toFirst = run(service, { QStringLiteral("rollback"), QStringLiteral("checkout"), QStringLiteral("dev"), {}, firstId, {} });
        QVERIFY2(toFirst.result.ok(), qPrintable(toFirst.result.message + toFirst.plan.error));
        QCOMPARE(toFirst.plan.toVersion, QStringLiteral("1.0.0"));
        const Run unknownEntry = run(service, { QStringLiteral("rollback"), QStringLiteral("checkout"), QStringLiteral("dev"), {}, QStringLiteral("999"), {} }, false);
        QVERIFY(!unknownEntry.plan.ok);
    }

    void plan_refusesWhatCannotRun_withoutTouchingAnything()
    {
        QTemporaryDir dir;
        DeployService service(scriptSettings(dir.path()), options(dir));
        service.setServices({ ServiceInfo { QStringLiteral("checkout"), {}, {}, {} } });
        const struct
        {
            OperationRequest request;
            const char* error;
        } cases[] = {
            { { QStringLiteral("deploy"), QStringLiteral("checkout"), QStringLiteral("qa"), QStringLiteral("1"), {}, {} }, "no environment \"qa\"" },
            { { QStringLiteral("deploy"), QStringLiteral("checkout"), QStringLiteral("dev"), QString(), {}, {} }, "No version" },
            { { QStringLiteral("deploy"), QStringLiteral("basket"), QStringLiteral("dev"), QStringLiteral("1"), {}, {} }, "no service \"basket\"" },
            { { QStringLiteral("rollback"), QStringLiteral("checkout"), QStringLiteral("dev"), QString(), {}, {} }, "no earlier version" },
            { { QStringLiteral("deploy"), QStringLiteral("checkout"), QStringLiteral("dev"), QStringLiteral("1"), {}, QStringLiteral("canary") }, "no strategy" },
        };
        for (const auto& c : cases) {
            const Run o = run(service, c.request, false);
            QVERIFY(!o.plan.ok);
            QVERIFY2(o.plan.error.contains(QString::fromUtf8(c.error)), qPrintable(o.plan.error));
        }
        QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("dev.log"))));
        Store::Database db(dir.filePath(QStringLiteral("store.sqlite")));
        QVERIFY(db.open());
        QVERIFY(AuditJournal(db).records().isEmpty());
    }

    void lease_oneOperationAtATime_alsoFromAnotherInstance()
    {
        QTemporaryDir dir;
        // Another Flightdeck holds the lease for checkout in dev.
        {
            Store::Database other(dir.filePath(QStringLiteral("store.sqlite")));
            QVERIFY(other.open());
            DeployLease held(other, QStringLiteral("checkout"), QStringLiteral("dev"));
            QVERIFY(held.acquire(QStringLiteral("pid 1: deploy 9.9.9"), 600));
            DeployService service(scriptSettings(dir.path()), options(dir));
            const Run o = run(service, { QStringLiteral("deploy"), QStringLiteral("checkout"), QStringLiteral("dev"), QStringLiteral("1.0.0"), {}, {} });
            QCOMPARE(o.result.outcome, Deploy::Outcome::Failed);
            QVERIFY(!o.result.changed);
            QVERIFY2(o.result.message.contains(QStringLiteral("busy")) && o.result.message.contains(QStringLiteral("pid 1")), qPrintable(o.result.message));
            QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("dev.log"))));
            QVERIFY(AuditJournal(other).records().isEmpty()); // nothing started, nothing journalled
            // Another environment is free.
            QVERIFY(run(service, { QStringLiteral("deploy"), QStringLiteral("checkout"), QStringLiteral("production"), QStringLiteral("1.0.0"), {}, {} }).result.ok());
        }
        // Two operations of this instance on the same target: the second waits for nothing and fails.
        DeployService service(scriptSettings(dir.path()), options(dir));
        qputenv("SLOW", "2");
        Run a, b;
        DeployOperation* first = service.prepare({ QStringLiteral("deploy"), QStringLiteral("checkout"), QStringLiteral("dev"), QStringLiteral("2.0.0"), {}, {} });
        connect(first, &DeployOperation::planned, first, [first](const DeployPlan&) { first->execute(); });
        bool leased = false;
        connect(first, &DeployOperation::step, this, [&leased](const QString& name, const QString& state) {
            leased = leased || (name == QLatin1String("lease") && state == QLatin1String("succeeded"));
        });
        connect(first, &DeployOperation::finished, this, [&a](const DeployResult& r) { a.result = r; a.finished = true; });
        QVERIFY(QTest::qWaitFor([&leased] { return leased; }, 20000));
        b = run(service, { QStringLiteral("deploy"), QStringLiteral("checkout"), QStringLiteral("dev"), QStringLiteral("3.0.0"), {}, {} });
        QVERIFY(QTest::qWaitFor([&a] { return a.finished; }, 30000));
        qunsetenv("SLOW");
        QVERIFY2(a.result.ok(), qPrintable(a.result.message));
        QCOMPARE(b.result.outcome, Deploy::Outcome::Failed);
        QVERIFY2(b.result.message.contains(QStringLiteral("busy")), qPrintable(b.result.message));
        QCOMPARE(readFile(dir.filePath(QStringLiteral("dev.log"))), QByteArray("deploy 2.0.0 \n"));
    }

    void reconcile_asksTheBackendAboutInterruptedOperations()
    {
        QTemporaryDir dir;
        Test::ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", QStringLiteral("/status")).reply(200, R"({"service":"checkout","version":"4.0.0"})");
        // Flightdeck died after writing the intent: no result, no lease left.
        {
            Store::Database db(dir.filePath(QStringLiteral("store.sqlite")));
            QVERIFY(db.open());
            AuditRecord intent;
            intent.operation = QStringLiteral("deploy");
            intent.service = QStringLiteral("checkout");
            intent.environment = QStringLiteral("dev");
            intent.fromVersion = QStringLiteral("3.0.0");
            intent.toVersion = QStringLiteral("4.0.0");
            intent.backend = QStringLiteral("local");
            intent.actor = QStringLiteral("Ada Lovelace <ada@example.com>");
            intent.startedAt = QDateTime::currentDateTimeUtc();
            QVERIFY(AuditJournal(db).append(intent).sequence > 0);
        }
        DeployService service(scriptSettings(dir.path(), server.url(QStringLiteral("/status")).toString()), options(dir));
        const QStringList lines = reconciled(service);
        QCOMPARE(lines.size(), 1);
        QVERIFY2(lines.first().contains(QStringLiteral("succeeded")), qPrintable(lines.first()));
        Store::Database db(dir.filePath(QStringLiteral("store.sqlite")));
        QVERIFY(db.open());
        const QList<AuditRecord> records = AuditJournal(db).records();
        QCOMPARE(records.size(), 2);
        QCOMPARE(records[1].kind, AuditRecord::Kind::Result);
        QCOMPARE(records[1].intent, records[0].sequence);
        QCOMPARE(records[1].result, QStringLiteral("succeeded"));
        QVERIFY(records[1].detail.contains(QStringLiteral("4.0.0")));
        QVERIFY(AuditJournal(db).verify().ok);
        // A second start finds nothing left to reconcile.
        QVERIFY(reconciled(service).isEmpty());
    }

    // Flightdeck was killed in the middle of two operations, and their leases had minutes left to
    // run. At the next start the one whose process has ended is reconciled at once, saying why; the
    // one whose process still runs (another instance, busy with it) is left alone.
    void reconcile_doesNotWaitForTheLeaseOfAnEndedProcess()
    {
        QTemporaryDir dir;
        Test::ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", QStringLiteral("/status")).reply(200, R"({"service":"checkout","version":"3.0.0"})");
        QProcess killed, running; // stand in for the instances that held the leases
        for (QProcess* p : { &killed, &running }) {
            p->start(QStringLiteral("sleep"), { QStringLiteral("300") });
            QVERIFY(p->waitForStarted(10000));
        }
        const auto cleanup = qScopeGuard([&running] {
            running.kill();
            running.waitForFinished(10000);
        });
        const qint64 killedPid = killed.processId();
        const qint64 runningPid = running.processId();
        {
            Store::Database db(dir.filePath(QStringLiteral("store.sqlite")));
            QVERIFY(db.open());
            for (const auto& [environment, pid] :
                { std::pair(QStringLiteral("dev"), killedPid), std::pair(QStringLiteral("production"), runningPid) }) {
                AuditRecord intent;
                intent.operation = QStringLiteral("deploy");
                intent.service = QStringLiteral("checkout");
                intent.environment = environment;
                intent.fromVersion = QStringLiteral("3.0.0");
                intent.toVersion = QStringLiteral("4.0.0");
                intent.backend = QStringLiteral("local");
                intent.actor = QStringLiteral("Ada Lovelace <ada@example.com>");
                intent.startedAt = QDateTime::currentDateTimeUtc();
                QVERIFY(AuditJournal(db).append(intent).sequence > 0);
                // The lease row as the instance left it (a killed process does not give it back).
                const DeployLease::Owner owner = DeployLease::Owner::process(pid);
                const qint64 now = QDateTime::currentMSecsSinceEpoch();
                QSqlQuery q(db.connection());
                q.prepare(QStringLiteral("INSERT INTO deploy_lease (service, environment, holder, acquired_at, "
                                         "expires_at, host, pid, process_identity, pid_namespace) "
                                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
                for (const QVariant& v : { QVariant(intent.service), QVariant(environment),
                         QVariant(QStringLiteral("pid %1: deploy 4.0.0").arg(pid)), QVariant(now),
                         QVariant(now + 600000), QVariant(owner.host), QVariant(owner.pid),
                         QVariant(owner.startIdentity), QVariant(owner.pidNamespace) })
                    q.addBindValue(v);
                QVERIFY(q.exec());
            }
        }
        killed.kill();
        QVERIFY(killed.waitForFinished(10000));

        DeployService service(scriptSettings(dir.path(), server.url(QStringLiteral("/status")).toString()), options(dir));
        const QStringList lines = reconciled(service);
        QCOMPARE(lines.size(), 1);
        QVERIFY2(lines.first().contains(QStringLiteral("checkout in dev")), qPrintable(lines.first()));
        QVERIFY2(lines.first().contains(QStringLiteral("failed")), qPrintable(lines.first()));
        QVERIFY2(lines.first().contains(
                     QStringLiteral("its process, pid %1 on %2, had ended").arg(killedPid).arg(QSysInfo::machineHostName())),
            qPrintable(lines.first()));
        Store::Database db(dir.filePath(QStringLiteral("store.sqlite")));
        QVERIFY(db.open());
        const QList<AuditRecord> records = AuditJournal(db).records();
        QCOMPARE(records.size(), 3);
        QCOMPARE(records[2].kind, AuditRecord::Kind::Result);
        QCOMPARE(records[2].intent, records[0].sequence);
        QVERIFY2(records[2].detail.contains(QStringLiteral("its lease was released")), qPrintable(records[2].detail));
        QVERIFY(DeployLease(db, QStringLiteral("checkout"), QStringLiteral("dev")).current().id.isEmpty());
        QCOMPARE(DeployLease(db, QStringLiteral("checkout"), QStringLiteral("production")).current().owner.pid, runningPid);
    }

    void target_mergesSettingsAnnotationsAndPlaceholders()
    {
        QTemporaryDir dir;
        Workspace::DeploySettings d;
        Workspace::DeployBackendSpec cd;
        cd.name = QStringLiteral("cd");
        cd.type = QStringLiteral("argocd");
        cd.settings.insert(QStringLiteral("url"), QStringLiteral("https://argocd.example"));
        Workspace::DeployBackendSpec envs;
        envs.name = QStringLiteral("envs");
        envs.type = QStringLiteral("gitops");
        envs.settings.insert(QStringLiteral("repository"), QStringLiteral("environments.git"));
        envs.settings.insert(QStringLiteral("path"), QStringLiteral("{overlays}/{environment}/kustomization.yaml"));
        d.backends << cd << envs;
        d.environments << Workspace::DeployEnvironmentSpec { QStringLiteral("staging"), QStringLiteral("envs"), false, {}, {} }
                       << Workspace::DeployEnvironmentSpec { QStringLiteral("production"), QStringLiteral("cd"), true, {}, {} };
        DeployService service(d, options(dir));
        ServiceInfo checkout { QStringLiteral("checkout"), {}, {}, {} };
        checkout.annotations.insert(QStringLiteral("flightdeck.dev/kustomize-overlays"), QStringLiteral("deploy/checkout"));
        checkout.annotations.insert(QStringLiteral("flightdeck.dev/image"), QStringLiteral("registry.example/checkout"));
        checkout.annotations.insert(QStringLiteral("flightdeck.dev/deploy-production-gitopsBackend"), QStringLiteral("envs"));
        ServiceInfo basket { QStringLiteral("basket"), {}, {}, {} };
        basket.annotations.insert(QStringLiteral("argocd/app-name"), QStringLiteral("basket-live"));
        ServiceInfo docs { QStringLiteral("docs"), {}, {}, {} };
        docs.annotations.insert(QStringLiteral("backstage.io/kubernetes-id"), QStringLiteral("docs")); // no kubernetes backend
        service.setServices({ checkout, basket, docs });
        QCOMPARE(service.deployableServices(), (QStringList { QStringLiteral("basket"), QStringLiteral("checkout") }));

        const DeployTarget staging = service.target(QStringLiteral("checkout"), QStringLiteral("staging"), QStringLiteral("envs"));
        QCOMPARE(staging.setting(QStringLiteral("path")), QStringLiteral("deploy/checkout/staging/kustomization.yaml"));
        QCOMPARE(staging.setting(QStringLiteral("image")), QStringLiteral("registry.example/checkout"));
        QCOMPARE(staging.setting(QStringLiteral("repository")), QUrl::fromLocalFile(dir.filePath(QStringLiteral("environments.git"))).toString());
        const DeployTarget production = service.target(QStringLiteral("checkout"), QStringLiteral("production"), QStringLiteral("cd"));
        QCOMPARE(production.setting(QStringLiteral("application")), QStringLiteral("checkout-production"));
        QCOMPARE(production.setting(QStringLiteral("gitopsBackend")), QStringLiteral("envs"));
        QVERIFY(!staging.settings.contains(QStringLiteral("gitopsBackend"))); // only for production
        QCOMPARE(service.target(QStringLiteral("basket"), QStringLiteral("production"), QStringLiteral("cd")).setting(QStringLiteral("application")),
            QStringLiteral("basket-live"));
        QCOMPARE(service.previousEnvironment(QStringLiteral("production")), QStringLiteral("staging"));
        QVERIFY(service.previousEnvironment(QStringLiteral("staging")).isEmpty());
    }
};

QTEST_GUILESS_MAIN(tst_DeployService)
#include "tst_deployservice.moc"
