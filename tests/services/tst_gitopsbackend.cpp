// SPDX-License-Identifier: Apache-2.0
// The GitOps deploy backend against real repositories: bare remotes reached through file:// URLs
// (and one served over HTTP with a token), built and inspected with the git command line
// (gitfixture.h), so the code under test never checks itself. The "remote moved" races are made
// deterministic with the backend's before-push hook, which pushes someone else's commit with the
// git command line between our fetch and our push.

#include "deploy/gitopsbackend.h"
#include "gitfixture.h"
#include "githttpserver.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QPointer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <git2.h>

#include <atomic>
#include <memory>

using namespace Flightdeck;
using namespace Flightdeck::Deploy;
using namespace Flightdeck::Testing;

namespace {

const QString kustomizePath = QStringLiteral("apps/checkout/overlays/staging/kustomization.yaml");
const QString valuesPath = QStringLiteral("apps/checkout/staging/values.yaml");
const QString actor = QStringLiteral("Ada Lovelace <ada@example.com>");

QByteArray kustomization(const QByteArray& checkoutTag, const QByteArray& sidecarTag = "0.9.0")
{
    return "apiVersion: kustomize.config.k8s.io/v1beta1\n"
           "kind: Kustomization\n"
           "# staging overlay: edited by people and by Flightdeck\n"
           "resources:\n"
           "  - ../../base\n"
           "images:\n"
           "  - name: registry.example/checkout   # the service\n"
           "    newTag: \""
        + checkoutTag
        + "\"\n"
          "  - name: registry.example/sidecar\n"
          "    newTag: "
        + sidecarTag + "\n";
}

QByteArray values(const QByteArray& tag)
{
    return "# checkout in staging\n"
           "replicaCount: 2\n"
           "image:\n"
           "  repository: registry.example/checkout\n"
           "  tag: "
        + tag
        + "   # the version\n"
          "  pullPolicy: IfNotPresent\n";
}

// What one job reported.
struct Run
{
    DeployResult result;
    QStringList steps; // "name: state"
    QStringList logs;
    QStringList changed;
    int finishedCount = 0;
};

class Collector
{
public:
    explicit Collector(DeployJob* job)
        : m_job(job)
    {
        QObject::connect(job, &DeployJob::step, job, [this](const QString& name, const QString& state) {
            run.steps.append(name + QStringLiteral(": ") + state);
        });
        QObject::connect(job, &DeployJob::log, job, [this](const QString& line) { run.logs.append(line); });
        QObject::connect(job, &DeployJob::changed, job, [this](const QString& ref) { run.changed.append(ref); });
        QObject::connect(job, &DeployJob::finished, job, [this](const DeployResult& result) {
            run.result = result;
            ++run.finishedCount;
        });
    }
    bool wait(int ms = 60000)
    {
        return QTest::qWaitFor([this] { return run.finishedCount > 0; }, ms);
    }
    Run run;

private:
    QPointer<DeployJob> m_job;
};

} // namespace

class TestGitOpsBackend : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int m_counter = 0;

    QString fresh(const QString& name) { return m_dir.filePath(QStringLiteral("%1-%2").arg(name).arg(++m_counter)); }

    std::unique_ptr<GitOpsBackend> makeBackend()
    {
        BackendContext context;
        context.dataDirectory = fresh(QStringLiteral("data"));
        context.name = QStringLiteral("environments");
        return std::make_unique<GitOpsBackend>(context);
    }

    // A bare remote holding `files` on main.
    QString makeRemote(const QMap<QString, QByteArray>& files)
    {
        const QString bare = fresh(QStringLiteral("environments")) + QLatin1String(".git");
        const QString error = createRemote(bare, files);
        if (!error.isEmpty())
            qFatal("%s", qPrintable(error));
        return bare;
    }

    static DeployTarget target(const QString& bare, const QString& path, const QHash<QString, QString>& extra = {})
    {
        DeployTarget t;
        t.service = QStringLiteral("checkout");
        t.environment = QStringLiteral("staging");
        t.settings.insert(QStringLiteral("repository"), fileUrl(bare));
        t.settings.insert(QStringLiteral("path"), path);
        t.settings.insert(QStringLiteral("image"), QStringLiteral("registry.example/checkout"));
        for (auto it = extra.cbegin(); it != extra.cend(); ++it)
            t.settings.insert(it.key(), it.value());
        return t;
    }

    static DeployRequest request(Action action, const DeployTarget& t, const QString& version = {})
    {
        DeployRequest r;
        r.action = action;
        r.target = t;
        r.version = version;
        r.actor = actor;
        if (action == Action::Deploy)
            r.operation = QStringLiteral("deploy");
        if (action == Action::Rollback)
            r.operation = QStringLiteral("rollback");
        return r;
    }

    static Run run(GitOpsBackend& backend, const DeployRequest& r)
    {
        DeployJob* job = backend.start(r);
        Collector collector(job);
        if (!collector.wait())
            collector.run.result = DeployResult::failure(QStringLiteral("the job did not finish within 60 s"));
        QTest::qWait(0); // a second finished() would be queued by now
        return collector.run;
    }

    static QByteArray remoteFile(const QString& bare, const QString& path, const QString& rev = QStringLiteral("main"))
    {
        return runGit({ QStringLiteral("--git-dir"), bare, QStringLiteral("show"), rev + QLatin1Char(':') + path })
            .output;
    }

    static QString remoteLog(
        const QString& bare, const QString& format, const QString& rev = QStringLiteral("main"), int count = 1)
    {
        return QString::fromUtf8(
            runGit({ QStringLiteral("--git-dir"), bare, QStringLiteral("log"), QStringLiteral("-%1").arg(count),
                       QStringLiteral("--format=%1").arg(format), rev })
                .output)
            .trimmed();
    }

    static int commitCount(const QString& bare)
    {
        return QString::fromUtf8(runGit({ QStringLiteral("--git-dir"), bare, QStringLiteral("rev-list"),
                                            QStringLiteral("--count"), QStringLiteral("main") })
                                     .output)
            .trimmed()
            .toInt();
    }

    static QStringList entryLines(const QList<HistoryEntry>& entries)
    {
        QStringList lines;
        for (const HistoryEntry& e : entries)
            lines.append(QStringLiteral("%1 <- %2 %3 by %4 (%5)")
                             .arg(e.version, e.previousVersion.isEmpty() ? QStringLiteral("-") : e.previousVersion,
                                 e.operation, e.actor, e.result));
        return lines;
    }

private Q_SLOTS:
    void initTestCase()
    {
        git_libgit2_init();
        QVERIFY(m_dir.isValid());
        QVERIFY2(runGit({ QStringLiteral("--version") }).ok(), "the git command line is needed to build fixtures");
    }

    void cleanupTestCase() { git_libgit2_shutdown(); }

    void typeAndCapabilities()
    {
        auto backend = makeBackend();
        QCOMPARE(backend->type(), QStringLiteral("gitops"));
        QCOMPARE(capabilityNames(backend->capabilities()),
            QStringList({ QStringLiteral("deploy"), QStringLiteral("rollback"), QStringLiteral("status"),
                QStringLiteral("history"), QStringLiteral("live-progress"), QStringLiteral("versions") }));
        QVERIFY(!backend->can(Capability::Promote));
        QVERIFY(backend->strategies().isEmpty());
    }

    void deploy_kustomize_commitsOnlyTheTagAndPushes()
    {
        const QString bare = makeRemote(
            { { kustomizePath, kustomization("1.4.1") }, { QStringLiteral("README.md"), "environments\n" } });
        const QString before = revParse(bare, QStringLiteral("main"));
        auto backend = makeBackend();
        DeployRequest r = request(Action::Deploy, target(bare, kustomizePath), QStringLiteral("1.4.2"));
        r.fromVersion = QStringLiteral("1.4.1");
        const Run deployed = run(*backend, r);

        QVERIFY2(deployed.result.ok(), qPrintable(deployed.result.message + QLatin1Char(' ') + deployed.result.hint));
        QCOMPARE(deployed.finishedCount, 1);
        QVERIFY(deployed.result.changed);
        const QString head = revParse(bare, QStringLiteral("main"));
        QVERIFY(head != before);
        QCOMPARE(deployed.result.reference, head);
        QCOMPARE(deployed.changed, QStringList { head });
        QCOMPARE(deployed.result.version, QStringLiteral("1.4.2"));
        // Only the tag's characters changed: the comment, the quoting and the other image stay.
        QCOMPARE(remoteFile(bare, kustomizePath), kustomization("1.4.2"));
        QCOMPARE(remoteFile(bare, QStringLiteral("README.md")), QByteArray("environments\n"));
        QCOMPARE(remoteLog(bare, QStringLiteral("%B")),
            QStringLiteral("deploy checkout 1.4.2 to staging\n\n"
                           "Flightdeck-Operation: deploy\n"
                           "Flightdeck-Service: checkout\n"
                           "Flightdeck-Environment: staging\n"
                           "Flightdeck-Version: 1.4.2\n"
                           "Flightdeck-Previous-Version: 1.4.1"));
        // git itself reads the trailers.
        QCOMPARE(remoteLog(bare, QStringLiteral("%(trailers:key=Flightdeck-Previous-Version,valueonly)")),
            QStringLiteral("1.4.1"));
        QCOMPARE(remoteLog(bare, QStringLiteral("%an <%ae>|%cn <%ce>")), actor + QLatin1Char('|') + actor);
        QCOMPARE(remoteLog(bare, QStringLiteral("%P")), before);
        QCOMPARE(deployed.steps,
            QStringList({ QStringLiteral("fetch: running"), QStringLiteral("fetch: succeeded"),
                QStringLiteral("update %1: running").arg(kustomizePath),
                QStringLiteral("update %1: succeeded").arg(kustomizePath), QStringLiteral("commit: running"),
                QStringLiteral("commit: succeeded"), QStringLiteral("push: running"),
                QStringLiteral("push: succeeded") }));
        QVERIFY2(
            deployed.logs.join(QLatin1Char('\n')).contains(QStringLiteral("%1:8: 1.4.1 → 1.4.2").arg(kustomizePath)),
            qPrintable(deployed.logs.join(QLatin1Char('\n'))));
        // The working clone stays for the next run, clean.
        const QString clone = backend->workingClonePath(fileUrl(bare));
        QVERIFY(QFileInfo(QDir(clone).filePath(QStringLiteral(".git"))).isDir());
        QVERIFY(clone.startsWith(backend->context().dataDirectory));
    }

    void deploy_secondRun_reusesTheClone()
    {
        const QString bare = makeRemote({ { kustomizePath, kustomization("1.4.1") } });
        auto backend = makeBackend();
        const DeployTarget t = target(bare, kustomizePath);
        QVERIFY(run(*backend, request(Action::Deploy, t, QStringLiteral("1.4.2"))).result.ok());
        // Someone else moves the remote; the next deploy starts from there.
        QVERIFY(!commitToRemote(
            bare, QStringLiteral("main"), { { QStringLiteral("NOTES.md"), "hi\n" } }, QStringLiteral("Notes"))
                     .isEmpty());
        const Run second = run(*backend, request(Action::Deploy, t, QStringLiteral("1.4.3")));
        QVERIFY2(second.result.ok(), qPrintable(second.result.message));
        QVERIFY(!second.logs.join(QLatin1Char('\n')).contains(QLatin1String("Cloning")));
        QCOMPARE(remoteFile(bare, kustomizePath), kustomization("1.4.3"));
        QCOMPARE(remoteFile(bare, QStringLiteral("NOTES.md")), QByteArray("hi\n"));
        QCOMPARE(commitCount(bare), 4);
    }

    void deploy_helmValues_data()
    {
        QTest::addColumn<QByteArray>("before");
        QTest::addColumn<QString>("valuesKey");
        QTest::addColumn<QString>("version");
        QTest::addColumn<QByteArray>("after");
        QTest::addColumn<QString>("previous");

        QTest::addRow("plain with a comment")
            << values("1.4.1") << QString() << QStringLiteral("1.4.2") << values("1.4.2") << QStringLiteral("1.4.1");
        QTest::addRow("double quoted") << values("\"1.4.1\"") << QString() << QStringLiteral("1.4.2")
                                       << values("\"1.4.2\"") << QStringLiteral("1.4.1");
        QTest::addRow("single quoted") << values("'1.4.1'") << QString() << QStringLiteral("v2.0.0-rc.1")
                                       << values("'v2.0.0-rc.1'") << QStringLiteral("1.4.1");
        QTest::addRow("plain, new tag reads as a number")
            << values("1.4.1") << QString() << QStringLiteral("1.10") << values("\"1.10\"") << QStringLiteral("1.4.1");
        QTest::addRow("plain number to a plain tag")
            << values("1.4") << QString() << QStringLiteral("1.4.2") << values("1.4.2") << QStringLiteral("1.4");
        QTest::addRow("anchored") << values("&tag 1.4.1") << QString() << QStringLiteral("1.4.2")
                                  << values("&tag 1.4.2") << QStringLiteral("1.4.1");
        QTest::addRow("flow mapping")
            << QByteArray("image: {repository: registry.example/checkout, tag: 1.4.1}\nreplicaCount: 2\n") << QString()
            << QStringLiteral("1.4.2")
            << QByteArray("image: {repository: registry.example/checkout, tag: 1.4.2}\nreplicaCount: 2\n")
            << QStringLiteral("1.4.1");
        QTest::addRow("CRLF line ends") << QByteArray("image:\r\n  repository: x\r\n  tag: 1.4.1\r\nother: 1\r\n")
                                        << QString() << QStringLiteral("1.4.2")
                                        << QByteArray("image:\r\n  repository: x\r\n  tag: 1.4.2\r\nother: 1\r\n")
                                        << QStringLiteral("1.4.1");
        QTest::addRow("byte order mark and UTF-8 comment")
            << QByteArray("\xEF\xBB\xBF# caf\xC3\xA9 \xE2\x98\x95\nimage:\n  tag: 1.4.1 # \xC3\xA9t\xC3\xA9\n")
            << QString() << QStringLiteral("1.4.2")
            << QByteArray("\xEF\xBB\xBF# caf\xC3\xA9 \xE2\x98\x95\nimage:\n  tag: 1.4.2 # \xC3\xA9t\xC3\xA9\n")
            << QStringLiteral("1.4.1");
        QTest::addRow("empty quoted tag")
            << values("\"\"") << QString() << QStringLiteral("1.4.2") << values("\"1.4.2\"") << QString();
        QTest::addRow("custom valuesKey")
            << QByteArray("checkout:\n  image:\n    tag: old\n    version: 1.4.1\ntag: 9\n")
            << QStringLiteral("checkout.image.version") << QStringLiteral("1.4.2")
            << QByteArray("checkout:\n  image:\n    tag: old\n    version: 1.4.2\ntag: 9\n") << QStringLiteral("1.4.1");
    }

    void deploy_helmValues()
    {
        QFETCH(QByteArray, before);
        QFETCH(QString, valuesKey);
        QFETCH(QString, version);
        QFETCH(QByteArray, after);
        QFETCH(QString, previous);
        const QString bare = makeRemote({ { valuesPath, before } });
        auto backend = makeBackend();
        QHash<QString, QString> extra;
        if (!valuesKey.isEmpty())
            extra.insert(QStringLiteral("valuesKey"), valuesKey);
        const Run deployed = run(*backend, request(Action::Deploy, target(bare, valuesPath, extra), version));
        QVERIFY2(deployed.result.ok(), qPrintable(deployed.result.message + QLatin1Char(' ') + deployed.result.hint));
        QVERIFY(deployed.result.changed);
        QCOMPARE(remoteFile(bare, valuesPath), after);
        QCOMPARE(remoteLog(bare, QStringLiteral("%s")), QStringLiteral("deploy checkout %1 to staging").arg(version));
        QCOMPARE(remoteLog(bare, QStringLiteral("%(trailers:key=Flightdeck-Previous-Version,valueonly)")), previous);
        QCOMPARE(remoteLog(bare, QStringLiteral("%(trailers:key=Flightdeck-Version,valueonly)")), version);
    }

    void deploy_formatSetting_overridesTheFileName()
    {
        // A values file named kustomization.yaml would be read as a Kustomization without the setting.
        const QString path = QStringLiteral("helm/kustomization.yaml");
        const QString bare = makeRemote({ { path, values("1.4.1") } });
        auto backend = makeBackend();
        const Run wrong = run(*backend, request(Action::Deploy, target(bare, path), QStringLiteral("1.4.2")));
        QVERIFY(!wrong.result.ok());
        QVERIFY2(wrong.result.message.contains(QLatin1String("images")), qPrintable(wrong.result.message));
        const Run right = run(*backend,
            request(Action::Deploy, target(bare, path, { { QStringLiteral("format"), QStringLiteral("helm") } }),
                QStringLiteral("1.4.2")));
        QVERIFY2(right.result.ok(), qPrintable(right.result.message));
        QCOMPARE(remoteFile(bare, path), values("1.4.2"));
    }

    void deploy_kustomize_onlyImageWithoutSetting()
    {
        const QByteArray one = "images:\n- name: checkout\n  newName: registry.example/checkout\n  newTag: 1.4.1\n";
        const QString bare = makeRemote({ { kustomizePath, one } });
        auto backend = makeBackend();
        DeployTarget t = target(bare, kustomizePath);
        t.settings.remove(QStringLiteral("image"));
        const Run deployed = run(*backend, request(Action::Deploy, t, QStringLiteral("1.4.2")));
        QVERIFY2(deployed.result.ok(), qPrintable(deployed.result.message));
        QCOMPARE(remoteFile(bare, kustomizePath), QByteArray(one).replace("1.4.1", "1.4.2"));
        // The image setting also matches an entry's newName.
        const Run byNewName
            = run(*backend, request(Action::Deploy, target(bare, kustomizePath), QStringLiteral("1.4.3")));
        QVERIFY2(byNewName.result.ok(), qPrintable(byNewName.result.message));
        QCOMPARE(remoteFile(bare, kustomizePath), QByteArray(one).replace("1.4.1", "1.4.3"));
    }

    void promote_isADeployNamedPromote()
    {
        const QString bare = makeRemote({ { kustomizePath, kustomization("1.4.1") } });
        auto backend = makeBackend();
        DeployRequest r = request(Action::Deploy, target(bare, kustomizePath), QStringLiteral("1.5.0"));
        r.operation = QStringLiteral("promote");
        const Run promoted = run(*backend, r);
        QVERIFY2(promoted.result.ok(), qPrintable(promoted.result.message));
        QCOMPARE(remoteLog(bare, QStringLiteral("%s")), QStringLiteral("promote checkout 1.5.0 to staging"));
        QCOMPARE(remoteLog(bare, QStringLiteral("%(trailers:key=Flightdeck-Operation,valueonly)")),
            QStringLiteral("promote"));
        QVERIFY(promoted.result.message.contains(QLatin1String("Promoted")));
        const Run history = run(*backend, request(Action::History, target(bare, kustomizePath)));
        QCOMPARE(history.result.history.value(0).operation, QStringLiteral("promote"));
    }

    void deploy_sameVersion_nothingToChange()
    {
        const QString bare = makeRemote({ { kustomizePath, kustomization("1.4.1") } });
        const QString before = revParse(bare, QStringLiteral("main"));
        auto backend = makeBackend();
        const Run same = run(*backend, request(Action::Deploy, target(bare, kustomizePath), QStringLiteral("1.4.1")));
        QVERIFY2(same.result.ok(), qPrintable(same.result.message));
        QVERIFY(!same.result.changed);
        QVERIFY(same.changed.isEmpty());
        QVERIFY2(same.result.message.contains(QLatin1String("Nothing to change")), qPrintable(same.result.message));
        QCOMPARE(revParse(bare, QStringLiteral("main")), before);
        QVERIFY(same.steps.contains(QStringLiteral("commit: skipped")));
        QVERIFY(same.steps.contains(QStringLiteral("push: skipped")));
    }

    void status_versionAtHeadAndNewestChange()
    {
        const QString bare = makeRemote({ { kustomizePath, kustomization("1.4.1") } });
        auto backend = makeBackend();
        const DeployTarget t = target(bare, kustomizePath);
        const Run deployed = run(*backend, request(Action::Deploy, t, QStringLiteral("1.4.2")));
        QVERIFY(deployed.result.ok());
        // A later commit that does not change the version does not count as the deployment.
        QVERIFY(!commitToRemote(bare, QStringLiteral("main"),
            { { kustomizePath, kustomization("1.4.2") + "# reviewed\n" }, { QStringLiteral("NOTES.md"), "x\n" } },
            QStringLiteral("Review notes"))
                     .isEmpty());
        const QString head = revParse(bare, QStringLiteral("main"));

        const Run status = run(*backend, request(Action::Status, t));
        QVERIFY2(status.result.ok(), qPrintable(status.result.message));
        QVERIFY(!status.result.changed);
        const DeploymentState& s = status.result.state;
        QCOMPARE(s.version, QStringLiteral("1.4.2"));
        QCOMPARE(status.result.version, QStringLiteral("1.4.2"));
        QCOMPARE(s.status, QStringLiteral("Committed"));
        QCOMPARE(s.health, QStringLiteral("Unknown"));
        QCOMPARE(s.deployedBy, actor);
        QCOMPARE(s.revision, deployed.result.reference);
        QCOMPARE(s.deployedAt,
            QDateTime::fromSecsSinceEpoch(
                remoteLog(bare, QStringLiteral("%ct"), deployed.result.reference).toLongLong(), Qt::UTC));
        QCOMPARE(s.deployedAt.timeSpec(), Qt::UTC);
        QCOMPARE(status.result.reference, head);
        QVERIFY(s.message.contains(head.left(8)));
        QCOMPARE(commitCount(bare), 3); // reading commits nothing

        // After a crash: is the reference the interrupted operation reported on the branch?
        DeployRequest reconcile = request(Action::Status, t);
        reconcile.reference = deployed.result.reference;
        const Run after = run(*backend, reconcile);
        QVERIFY2(
            after.result.state.message.contains(QLatin1String("is on main")), qPrintable(after.result.state.message));
        reconcile.reference = QStringLiteral("0123456789abcdef0123456789abcdef01234567");
        const Run missing = run(*backend, reconcile);
        QVERIFY2(missing.result.state.message.contains(QLatin1String("is not on main")),
            qPrintable(missing.result.state.message));
    }

    void history_readsGitIncludingManualCommits()
    {
        const QString bare = makeRemote({ { kustomizePath, kustomization("1.4.0") } });
        const QString initial = revParse(bare, QStringLiteral("main"));
        auto backend = makeBackend();
        const DeployTarget t = target(bare, kustomizePath);
        const Run deployed = run(*backend, request(Action::Deploy, t, QStringLiteral("1.4.1")));
        QVERIFY(deployed.result.ok());
        // A person edits the tag by hand, without trailers.
        const QString manual = commitToRemote(bare, QStringLiteral("main"),
            { { kustomizePath, kustomization("1.4.2") } }, QStringLiteral("bump checkout"));
        QVERIFY(!manual.isEmpty());
        // Neither an unrelated commit nor one that changes only the sidecar is a checkout deployment.
        QVERIFY(!commitToRemote(
            bare, QStringLiteral("main"), { { QStringLiteral("other.yaml"), "a: 1\n" } }, QStringLiteral("unrelated"))
                     .isEmpty());
        QVERIFY(!commitToRemote(bare, QStringLiteral("main"), { { kustomizePath, kustomization("1.4.2", "1.0.0") } },
            QStringLiteral("sidecar 1.0.0"))
                     .isEmpty());
        // A commit that breaks the file is skipped, the next one that fixes it counts.
        QVERIFY(
            !commitToRemote(bare, QStringLiteral("main"), { { kustomizePath, "images: [\n" } }, QStringLiteral("oops"))
                 .isEmpty());
        const QString fixed = commitToRemote(bare, QStringLiteral("main"),
            { { kustomizePath, kustomization("1.4.3", "1.0.0") } }, QStringLiteral("fix"));
        QVERIFY(!fixed.isEmpty());

        const Run history = run(*backend, request(Action::History, t));
        QVERIFY2(history.result.ok(), qPrintable(history.result.message));
        const QString fixture = QStringLiteral("Fixture Author <fixture@example.com>");
        QCOMPARE(entryLines(history.result.history),
            QStringList({ QStringLiteral("1.4.3 <- - deploy by %1 (succeeded)").arg(fixture),
                QStringLiteral("1.4.2 <- 1.4.1 deploy by %1 (succeeded)").arg(fixture),
                QStringLiteral("1.4.1 <- 1.4.0 deploy by %1 (succeeded)").arg(actor),
                QStringLiteral("1.4.0 <- - deploy by %1 (succeeded)").arg(fixture) }));
        QCOMPARE(history.result.history[0].id, fixed);
        QCOMPARE(history.result.history[1].id, manual);
        QCOMPARE(history.result.history[1].detail, QStringLiteral("bump checkout"));
        QCOMPARE(history.result.history[2].id, deployed.result.reference);
        QCOMPARE(history.result.history[2].detail, QStringLiteral("deploy checkout 1.4.1 to staging"));
        QCOMPARE(history.result.history[3].id, initial);
        for (const HistoryEntry& e : history.result.history)
            QVERIFY(e.at.isValid() && e.at.timeSpec() == Qt::UTC);

        const Run versions = run(*backend, request(Action::Versions, t));
        QVERIFY2(versions.result.ok(), qPrintable(versions.result.message));
        QCOMPARE(versions.result.versions,
            QStringList({ QStringLiteral("1.4.3"), QStringLiteral("1.4.2"), QStringLiteral("1.4.1"),
                QStringLiteral("1.4.0") }));
    }

    void history_limitedBySetting()
    {
        const QString bare = makeRemote({ { kustomizePath, kustomization("1.0.0") } });
        for (int i = 1; i <= 4; ++i)
            QVERIFY(!commitToRemote(bare, QStringLiteral("main"),
                { { kustomizePath, kustomization(QByteArray("1.0.") + QByteArray::number(i)) } },
                QStringLiteral("bump %1").arg(i))
                         .isEmpty());
        auto backend = makeBackend();
        const Run history = run(*backend,
            request(Action::History,
                target(bare, kustomizePath, { { QStringLiteral("historyLimit"), QStringLiteral("2") } })));
        QVERIFY2(history.result.ok(), qPrintable(history.result.message));
        QCOMPARE(history.result.history.size(), 2);
        QCOMPARE(history.result.history[0].version, QStringLiteral("1.0.4"));
        QCOMPARE(history.result.history[1].version, QStringLiteral("1.0.3"));
    }

    void rollback_newCommitRestoresThePreviousVersion()
    {
        const QString bare = makeRemote({ { kustomizePath, kustomization("1.4.1") } });
        auto backend = makeBackend();
        const DeployTarget t = target(bare, kustomizePath);
        const Run deployed = run(*backend, request(Action::Deploy, t, QStringLiteral("1.4.2")));
        QVERIFY(deployed.result.ok());

        DeployRequest r = request(Action::Rollback, t);
        r.actor = QStringLiteral("Grace Hopper <grace@example.com>");
        const Run rolledBack = run(*backend, r);
        QVERIFY2(
            rolledBack.result.ok(), qPrintable(rolledBack.result.message + QLatin1Char(' ') + rolledBack.result.hint));
        QVERIFY(rolledBack.result.changed);
        QCOMPARE(rolledBack.result.version, QStringLiteral("1.4.1"));
        const QString head = revParse(bare, QStringLiteral("main"));
        QCOMPARE(rolledBack.changed, QStringList { head });
        // A new commit on top of the deploy (no reset, no force push): auto-sync follows it.
        QCOMPARE(commitCount(bare), 3);
        QCOMPARE(remoteLog(bare, QStringLiteral("%P")), deployed.result.reference);
        QCOMPARE(remoteFile(bare, kustomizePath), kustomization("1.4.1"));
        QCOMPARE(remoteLog(bare, QStringLiteral("%B")),
            QStringLiteral("rollback checkout to 1.4.1 in staging (was 1.4.2)\n\n"
                           "Flightdeck-Operation: rollback\n"
                           "Flightdeck-Service: checkout\n"
                           "Flightdeck-Environment: staging\n"
                           "Flightdeck-Version: 1.4.1\n"
                           "Flightdeck-Previous-Version: 1.4.2"));
        QCOMPARE(remoteLog(bare, QStringLiteral("%an <%ae>")), r.actor);

        const Run history = run(*backend, request(Action::History, t));
        QCOMPARE(entryLines(history.result.history).value(0),
            QStringLiteral("1.4.1 <- 1.4.2 rollback by %1 (succeeded)").arg(r.actor));
        QCOMPARE(history.result.history.value(0).id, head);
        QCOMPARE(history.result.history.size(), 3);
        const Run status = run(*backend, request(Action::Status, t));
        QCOMPARE(status.result.state.version, QStringLiteral("1.4.1"));
        QCOMPARE(status.result.state.deployedBy, r.actor);
    }

    void rollback_toHistoryEntryOrVersion()
    {
        const QString bare = makeRemote({ { kustomizePath, kustomization("1.4.1") } });
        auto backend = makeBackend();
        const DeployTarget t = target(bare, kustomizePath);
        const Run a = run(*backend, request(Action::Deploy, t, QStringLiteral("1.4.2")));
        const Run b = run(*backend, request(Action::Deploy, t, QStringLiteral("1.4.3")));
        QVERIFY(a.result.ok() && b.result.ok());

        // Rolling back the deployment a made goes to the version before it.
        DeployRequest toEntry = request(Action::Rollback, t);
        toEntry.historyId = a.result.reference.left(10);
        const Run entry = run(*backend, toEntry);
        QVERIFY2(entry.result.ok(), qPrintable(entry.result.message));
        QCOMPARE(entry.result.version, QStringLiteral("1.4.1"));
        QCOMPARE(remoteFile(bare, kustomizePath), kustomization("1.4.1"));
        QCOMPARE(
            remoteLog(bare, QStringLiteral("%s")), QStringLiteral("rollback checkout to 1.4.1 in staging (was 1.4.3)"));

        // An explicit version wins.
        DeployRequest toVersion = request(Action::Rollback, t, QStringLiteral("1.4.2"));
        toVersion.historyId = a.result.reference;
        const Run version = run(*backend, toVersion);
        QVERIFY2(version.result.ok(), qPrintable(version.result.message));
        QCOMPARE(remoteFile(bare, kustomizePath), kustomization("1.4.2"));

        // An unknown entry is refused, and nothing is committed.
        const QString before = revParse(bare, QStringLiteral("main"));
        DeployRequest unknown = request(Action::Rollback, t);
        unknown.historyId = QStringLiteral("deadbeefdeadbeef");
        const Run refused = run(*backend, unknown);
        QVERIFY(!refused.result.ok());
        QVERIFY(!refused.result.changed);
        QVERIFY2(
            refused.result.message.contains(QLatin1String("deadbeefdeadbeef")), qPrintable(refused.result.message));
        QVERIFY(!refused.result.hint.isEmpty());
        QCOMPARE(revParse(bare, QStringLiteral("main")), before);

        // The first version has nothing before it.
        DeployRequest first = request(Action::Rollback, t);
        first.historyId = revParse(bare, QStringLiteral("main~4"));
        const Run nothing = run(*backend, first);
        QVERIFY(!nothing.result.ok());
        QVERIFY2(
            nothing.result.message.contains(QLatin1String("nothing before it")), qPrintable(nothing.result.message));
        QCOMPARE(revParse(bare, QStringLiteral("main")), before);
    }

    void rollback_withoutHistory_fails()
    {
        const QString bare = makeRemote({ { kustomizePath, kustomization("1.4.1") } });
        auto backend = makeBackend();
        const Run r = run(*backend, request(Action::Rollback, target(bare, kustomizePath)));
        QVERIFY(!r.result.ok());
        QVERIFY(!r.result.changed);
        QVERIFY2(r.result.message.contains(QLatin1String("no earlier version")), qPrintable(r.result.message));
        QCOMPARE(commitCount(bare), 1);
    }

    void fileProblems_nothingCommitted_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("settingPath"); // the path setting (differs for a missing file)
        QTest::addColumn<QStringList>("expected"); // in the message
        QTest::addColumn<QString>("hint"); // in the hint

        QTest::addRow("missing image") << kustomizePath << kustomization("1.4.1") << kustomizePath
                                       << QStringList { kustomizePath + QLatin1String(":6"),
                                              QStringLiteral("registry.example/nope"),
                                              QStringLiteral("registry.example/checkout, registry.example/sidecar") }
                                       << QStringLiteral("image setting");
        QTest::addRow("image without newTag")
            << kustomizePath << QByteArray("images:\n  - name: registry.example/checkout\n    newName: x\n")
            << kustomizePath << QStringList { kustomizePath + QLatin1String(":2"), QStringLiteral("has no newTag") }
            << QStringLiteral("newTag");
        QTest::addRow("bad YAML") << kustomizePath << QByteArray("images:\n  - name: a\n   newTag: [1.4.1\n")
                                  << kustomizePath
                                  << QStringList { kustomizePath + QLatin1String(":3"),
                                         QStringLiteral("not valid YAML") }
                                  << QStringLiteral("Fix the file");
        QTest::addRow("missing file") << kustomizePath << kustomization("1.4.1")
                                      << QStringLiteral("apps/checkout/overlays/staging/kustomisation.yaml")
                                      << QStringList { QStringLiteral(
                                                           "apps/checkout/overlays/staging/kustomisation.yaml"),
                                             QStringLiteral("does not exist") }
                                      << QStringLiteral("kustomization.yaml");
        QTest::addRow("helm key missing")
            << valuesPath << QByteArray("image:\n  repository: x\n  version: 1\n") << valuesPath
            << QStringList { valuesPath + QLatin1String(":1"), QStringLiteral("no tag key") }
            << QStringLiteral("valuesKey");
        QTest::addRow("helm tag is a mapping")
            << valuesPath << QByteArray("image:\n  tag:\n    name: x\n") << valuesPath
            << QStringList { valuesPath + QLatin1String(":2"), QStringLiteral("mapping") }
            << QStringLiteral("valuesKey");
        QTest::addRow("helm tag empty") << valuesPath << QByteArray("image:\n  tag:\n  pullPolicy: Always\n")
                                        << valuesPath
                                        << QStringList { valuesPath + QLatin1String(":2"),
                                               QStringLiteral("has no value") }
                                        << QStringLiteral("Write the tag");
        QTest::addRow("helm tag is an alias")
            << valuesPath << QByteArray("defaults:\n  tag: &t 1.4.1\nimage:\n  tag: *t\n") << valuesPath
            << QStringList { valuesPath + QLatin1String(":4"), QStringLiteral("alias") }
            << QStringLiteral("Write the tag");
        QTest::addRow("helm tag over two lines")
            << valuesPath << QByteArray("image:\n  tag: 1.4\n    .1\n") << valuesPath
            << QStringList { valuesPath + QLatin1String(":2"), QStringLiteral("more than one line") }
            << QStringLiteral("Write the tag");
        QTest::addRow("helm block scalar")
            << valuesPath << QByteArray("image:\n  tag: |\n    1.4.1\n") << valuesPath
            << QStringList { valuesPath + QLatin1String(":2"), QStringLiteral("block scalar") }
            << QStringLiteral("Write the tag");
    }

    void fileProblems_nothingCommitted()
    {
        QFETCH(QString, path);
        QFETCH(QByteArray, content);
        QFETCH(QString, settingPath);
        QFETCH(QStringList, expected);
        QFETCH(QString, hint);
        const QString bare = makeRemote({ { path, content } });
        const QString before = revParse(bare, QStringLiteral("main"));
        auto backend = makeBackend();
        DeployTarget t = target(bare, settingPath);
        if (qstrcmp(QTest::currentDataTag(), "missing image") == 0)
            t.settings.insert(QStringLiteral("image"), QStringLiteral("registry.example/nope"));
        const Run failed = run(*backend, request(Action::Deploy, t, QStringLiteral("1.4.2")));
        QVERIFY(!failed.result.ok());
        QCOMPARE(failed.result.outcome, Outcome::Failed);
        QVERIFY(!failed.result.changed);
        QVERIFY(failed.changed.isEmpty());
        for (const QString& part : expected)
            QVERIFY2(failed.result.message.contains(part), qPrintable(failed.result.message));
        QVERIFY2(failed.result.hint.contains(hint), qPrintable(failed.result.hint));
        QVERIFY(failed.steps.contains(QStringLiteral("update %1: failed").arg(QDir::cleanPath(settingPath))));
        QVERIFY(!failed.steps.contains(QStringLiteral("commit: running")));
        QCOMPARE(revParse(bare, QStringLiteral("main")), before);
        QCOMPARE(remoteFile(bare, path), content);

        // Status says the same, without changing anything either.
        const Run status = run(*backend, request(Action::Status, t));
        QVERIFY(!status.result.ok());
        QVERIFY2(status.result.message.contains(expected.first()), qPrintable(status.result.message));
    }

    void pushRejectedOnce_refetchesReappliesAndRetries()
    {
        const QString bare = makeRemote({ { kustomizePath, kustomization("1.4.1") } });
        auto backend = makeBackend();
        QString theirs;
        QList<int> attempts;
        backend->setBeforePushHook([&](int attempt) {
            attempts.append(attempt);
            if (attempt == 1) // someone else pushes between our fetch and our push
                theirs = commitToRemote(bare, QStringLiteral("main"),
                    { { QStringLiteral("apps/payments/values.yaml"), "image:\n  tag: 2.0.0\n" } },
                    QStringLiteral("deploy payments 2.0.0"));
        });
        const Run deployed
            = run(*backend, request(Action::Deploy, target(bare, kustomizePath), QStringLiteral("1.4.2")));
        QVERIFY2(deployed.result.ok(), qPrintable(deployed.result.message + QLatin1Char(' ') + deployed.result.hint));
        QVERIFY(!theirs.isEmpty());
        QCOMPARE(attempts, QList<int>({ 1, 2 }));
        QVERIFY(deployed.result.changed);
        const QString head = revParse(bare, QStringLiteral("main"));
        QCOMPARE(deployed.result.reference, head);
        QCOMPARE(deployed.changed, QStringList { head });
        // Both commits are on the remote: ours on top of theirs.
        QCOMPARE(remoteLog(bare, QStringLiteral("%P")), theirs);
        QCOMPARE(commitCount(bare), 3);
        QCOMPARE(remoteFile(bare, kustomizePath), kustomization("1.4.2"));
        QCOMPARE(remoteFile(bare, QStringLiteral("apps/payments/values.yaml")), QByteArray("image:\n  tag: 2.0.0\n"));
        QCOMPARE(remoteLog(bare, QStringLiteral("%(trailers:key=Flightdeck-Previous-Version,valueonly)")),
            QStringLiteral("1.4.1"));
        const QString logs = deployed.logs.join(QLatin1Char('\n'));
        QVERIFY2(logs.contains(QLatin1String("refused the push")), qPrintable(logs));
        QCOMPARE(deployed.steps.count(QStringLiteral("push: running")), 1);
        QCOMPARE(deployed.steps.last(), QStringLiteral("push: succeeded"));
    }

    void pushRejectedTwice_failsAndLeavesNothing()
    {
        const QString bare = makeRemote({ { kustomizePath, kustomization("1.4.1") } });
        auto backend = makeBackend();
        QStringList theirs;
        backend->setBeforePushHook([&](int attempt) {
            theirs.append(commitToRemote(bare, QStringLiteral("main"),
                { { QStringLiteral("apps/payments/values.yaml"),
                    "image:\n  tag: 2.0." + QByteArray::number(attempt) + "\n" } },
                QStringLiteral("deploy payments %1").arg(attempt)));
        });
        const Run failed = run(*backend, request(Action::Deploy, target(bare, kustomizePath), QStringLiteral("1.4.2")));
        QVERIFY(!failed.result.ok());
        QCOMPARE(failed.result.outcome, Outcome::Failed);
        QVERIFY(!failed.result.changed);
        QVERIFY(failed.changed.isEmpty());
        QCOMPARE(theirs.size(), 2);
        QVERIFY2(
            failed.result.message.contains(QLatin1String("refused the push again")), qPrintable(failed.result.message));
        QVERIFY2(
            failed.result.message.contains(QLatin1String("Nothing was pushed")), qPrintable(failed.result.message));
        QVERIFY(!failed.result.hint.isEmpty());
        QCOMPARE(failed.steps.last(), QStringLiteral("push: failed"));
        // Nothing of ours on the remote: only the fixture's commits.
        QCOMPARE(revParse(bare, QStringLiteral("main")), theirs.last());
        QCOMPARE(commitCount(bare), 3);
        QVERIFY(!remoteLog(bare, QStringLiteral("%ae"), QStringLiteral("main"), 10).contains(QLatin1String("ada@")));
        QCOMPARE(remoteFile(bare, kustomizePath), kustomization("1.4.1"));

        // The clone is not left broken: the next deploy works.
        backend->setBeforePushHook({});
        const Run next = run(*backend, request(Action::Deploy, target(bare, kustomizePath), QStringLiteral("1.4.2")));
        QVERIFY2(next.result.ok(), qPrintable(next.result.message));
        QCOMPARE(remoteLog(bare, QStringLiteral("%P")), theirs.last());
    }

    void pushRejected_remoteAlreadyHoldsTheVersion()
    {
        const QString bare = makeRemote({ { kustomizePath, kustomization("1.4.1") } });
        auto backend = makeBackend();
        QString theirs;
        backend->setBeforePushHook([&](int attempt) {
            if (attempt == 1) // a colleague deploys the same version first
                theirs = commitToRemote(bare, QStringLiteral("main"), { { kustomizePath, kustomization("1.4.2") } },
                    QStringLiteral("deploy checkout 1.4.2"));
        });
        const Run same = run(*backend, request(Action::Deploy, target(bare, kustomizePath), QStringLiteral("1.4.2")));
        QVERIFY2(same.result.ok(), qPrintable(same.result.message));
        QVERIFY(!same.result.changed);
        QVERIFY(same.changed.isEmpty());
        QVERIFY2(same.result.message.contains(QLatin1String("already holds 1.4.2")), qPrintable(same.result.message));
        QCOMPARE(revParse(bare, QStringLiteral("main")), theirs);
        QCOMPARE(commitCount(bare), 2);
    }

    void wrongRepositoryUrl_failsWithHint()
    {
        auto backend = makeBackend();
        const QString missing = fresh(QStringLiteral("nowhere")) + QLatin1String(".git");
        const Run failed
            = run(*backend, request(Action::Deploy, target(missing, kustomizePath), QStringLiteral("1.4.2")));
        QVERIFY(!failed.result.ok());
        QVERIFY(!failed.result.changed);
        QVERIFY2(failed.result.message.contains(fileUrl(missing)), qPrintable(failed.result.message));
        QVERIFY2(failed.result.hint.contains(QLatin1String("repository setting")), qPrintable(failed.result.hint));
        QCOMPARE(failed.steps, QStringList({ QStringLiteral("fetch: running"), QStringLiteral("fetch: failed") }));
        QVERIFY(!QFileInfo::exists(backend->workingClonePath(fileUrl(missing))));
    }

    void wrongBranch_failsListingTheBranches()
    {
        const QString bare = makeRemote({ { kustomizePath, kustomization("1.4.1") } });
        auto backend = makeBackend();
        const Run failed = run(*backend,
            request(
                Action::Status, target(bare, kustomizePath, { { QStringLiteral("branch"), QStringLiteral("prod") } })));
        QVERIFY(!failed.result.ok());
        QVERIFY2(failed.result.message.contains(QLatin1String("prod")), qPrintable(failed.result.message));
        QVERIFY2(failed.result.hint.contains(QLatin1String("main")), qPrintable(failed.result.hint));
        QVERIFY2(failed.result.hint.contains(QLatin1String("branch setting")), qPrintable(failed.result.hint));
    }

    void cancelBeforePush_nothingPushed()
    {
        const QString bare = makeRemote({ { kustomizePath, kustomization("1.4.1") } });
        const QString before = revParse(bare, QStringLiteral("main"));
        auto backend = makeBackend();
        auto job = std::make_shared<QPointer<DeployJob>>();
        GitOpsBackend* context = backend.get();
        backend->setBeforePushHook([job, context](int) {
            // The user presses Cancel while the commit is ready (runs on the job's thread).
            QMetaObject::invokeMethod(
                context, [job] { (*job)->cancel(); }, Qt::BlockingQueuedConnection);
        });
        *job = backend->start(request(Action::Deploy, target(bare, kustomizePath), QStringLiteral("1.4.2")));
        Collector collector(*job);
        QVERIFY(collector.wait());
        QCOMPARE(collector.run.result.outcome, Outcome::Cancelled);
        QVERIFY(!collector.run.result.changed);
        QVERIFY(collector.run.changed.isEmpty());
        QVERIFY(collector.run.steps.contains(QStringLiteral("commit: succeeded")));
        QVERIFY(!collector.run.steps.contains(QStringLiteral("push: running")));
        QCOMPARE(revParse(bare, QStringLiteral("main")), before);

        // The next run resets the clone: the cancelled commit is gone, not pushed later.
        backend->setBeforePushHook({});
        const Run next = run(*backend, request(Action::Deploy, target(bare, kustomizePath), QStringLiteral("1.4.3")));
        QVERIFY2(next.result.ok(), qPrintable(next.result.message));
        QCOMPARE(remoteLog(bare, QStringLiteral("%P")), before);
        QCOMPARE(remoteFile(bare, kustomizePath), kustomization("1.4.3"));
    }

    void cancelRightAway_finishesCancelled()
    {
        const QString bare = makeRemote({ { kustomizePath, kustomization("1.4.1") } });
        const QString before = revParse(bare, QStringLiteral("main"));
        auto backend = makeBackend();
        DeployJob* job = backend->start(request(Action::Deploy, target(bare, kustomizePath), QStringLiteral("1.4.2")));
        Collector collector(job);
        job->cancel();
        QVERIFY(collector.wait());
        QTest::qWait(0);
        QCOMPARE(collector.run.finishedCount, 1);
        // Cancelled somewhere before the push: nothing changed.
        QCOMPARE(collector.run.result.outcome, Outcome::Cancelled);
        QVERIFY(!collector.run.result.changed);
        QCOMPARE(revParse(bare, QStringLiteral("main")), before);
    }

    void twoJobsOnOneClone_runOneAtATime()
    {
        const QString payments = QStringLiteral("apps/payments/overlays/staging/kustomization.yaml");
        const QString bare = makeRemote({ { kustomizePath, kustomization("1.4.1") },
            { payments, "images:\n  - name: registry.example/payments\n    newTag: 2.0.0\n" } });
        auto backend = makeBackend();
        std::atomic<int> inPush { 0 };
        std::atomic<int> overlapped { 0 };
        backend->setBeforePushHook([&](int) {
            if (inPush.fetch_add(1) > 0)
                overlapped.fetch_add(1);
            QThread::msleep(50); // widen the window a second job would race into
            inPush.fetch_sub(1);
        });
        DeployTarget second
            = target(bare, payments, { { QStringLiteral("image"), QStringLiteral("registry.example/payments") } });
        second.service = QStringLiteral("payments");
        Collector a(backend->start(request(Action::Deploy, target(bare, kustomizePath), QStringLiteral("1.4.2"))));
        Collector b(backend->start(request(Action::Deploy, second, QStringLiteral("2.1.0"))));
        QVERIFY(a.wait());
        QVERIFY(b.wait());
        QVERIFY2(a.run.result.ok(), qPrintable(a.run.result.message));
        QVERIFY2(b.run.result.ok(), qPrintable(b.run.result.message));
        QCOMPARE(overlapped.load(), 0);
        // Serialised: the second fetched after the first pushed, so neither push was refused.
        QVERIFY(!a.run.logs.join(QLatin1Char('\n')).contains(QLatin1String("refused")));
        QVERIFY(!b.run.logs.join(QLatin1Char('\n')).contains(QLatin1String("refused")));
        QCOMPARE(commitCount(bare), 3);
        QCOMPARE(remoteFile(bare, kustomizePath), kustomization("1.4.2"));
        QCOMPARE(remoteFile(bare, payments),
            QByteArray("images:\n  - name: registry.example/payments\n    newTag: 2.1.0\n"));
    }

    void refusedRequests_data()
    {
        QTest::addColumn<int>("action");
        QTest::addColumn<QString>("dropSetting");
        QTest::addColumn<QString>("version");
        QTest::addColumn<QString>("actorText");
        QTest::addColumn<QString>("operation");
        QTest::addColumn<QString>("expected");

        QTest::addRow("abort is not supported") << int(Action::Abort) << QString() << QString() << actor << QString()
                                                << QStringLiteral("gitops backend cannot abort");
        QTest::addRow("promote step is not supported")
            << int(Action::Promote) << QString() << QString() << actor << QString() << QStringLiteral("cannot promote");
        QTest::addRow("no path") << int(Action::Status) << QStringLiteral("path") << QString() << actor << QString()
                                 << QStringLiteral("no path setting");
        QTest::addRow("no repository") << int(Action::Status) << QStringLiteral("repository") << QString() << actor
                                       << QString() << QStringLiteral("no repository setting");
        QTest::addRow("no version") << int(Action::Deploy) << QString() << QString() << actor << QString()
                                    << QStringLiteral("No version");
        QTest::addRow("not a tag") << int(Action::Deploy) << QString() << QStringLiteral("1.4.2; rm") << actor
                                   << QString() << QStringLiteral("not an image tag");
        QTest::addRow("actor without e-mail") << int(Action::Deploy) << QString() << QStringLiteral("1.4.2")
                                              << QStringLiteral("ada") << QString() << QStringLiteral("Name <e-mail>");
        QTest::addRow("unknown operation") << int(Action::Deploy) << QString() << QStringLiteral("1.4.2") << actor
                                           << QStringLiteral("restart") << QStringLiteral("restart");
    }

    void refusedRequests()
    {
        QFETCH(int, action);
        QFETCH(QString, dropSetting);
        QFETCH(QString, version);
        QFETCH(QString, actorText);
        QFETCH(QString, operation);
        QFETCH(QString, expected);
        auto backend = makeBackend();
        DeployTarget t = target(fresh(QStringLiteral("unused")), kustomizePath);
        if (!dropSetting.isEmpty())
            t.settings.remove(dropSetting);
        DeployRequest r = request(Action(action), t, version);
        r.actor = actorText;
        if (!operation.isEmpty())
            r.operation = operation;
        const Run refused = run(*backend, r);
        QCOMPARE(refused.result.outcome, Outcome::Failed);
        QCOMPARE(refused.finishedCount, 1);
        QVERIFY(!refused.result.changed);
        QVERIFY2(refused.result.message.contains(expected), qPrintable(refused.result.message));
        QVERIFY(!refused.result.hint.isEmpty());
        QVERIFY(!QFileInfo::exists(backend->context().dataDirectory + QLatin1String("/gitops")));
    }

    void https_tokenReachesTheServerAndNeverTheLog()
    {
        const QString root = fresh(QStringLiteral("served"));
        QVERIFY(QDir().mkpath(root));
        const QString bare = QDir(root).filePath(QStringLiteral("environments.git"));
        QCOMPARE(createRemote(bare, { { kustomizePath, kustomization("1.4.1") } }), QString());
        const QByteArray token = "gitops-token-5f2d8a9c1e";
        GitHttpServer::Options options;
        options.projectRoot = root;
        options.username = QStringLiteral("deployer");
        options.token = token;
        GitHttpServer server(options);
        QString error;
        QVERIFY2(server.start(&error), qPrintable(error));

        auto backend = makeBackend();
        DeployTarget t = target(bare, kustomizePath,
            { { QStringLiteral("repository"), server.url(QStringLiteral("environments.git")) },
                { QStringLiteral("username"), QStringLiteral("deployer") },
                { QStringLiteral("timeoutMs"), QStringLiteral("20000") } });
        t.secret = QString::fromLatin1(token);
        const Run deployed = run(*backend, request(Action::Deploy, t, QStringLiteral("1.4.2")));
        QVERIFY2(deployed.result.ok(), qPrintable(deployed.result.message + QLatin1Char(' ') + deployed.result.hint));
        QCOMPARE(remoteFile(bare, kustomizePath), kustomization("1.4.2"));
        QVERIFY(server.stats().users.contains(QStringLiteral("deployer")));
        QVERIFY(server.stats().paths.join(QLatin1Char('\n')).contains(QLatin1String("git-receive-pack")));
        QVERIFY(!deployed.logs.join(QLatin1Char('\n')).contains(QString::fromLatin1(token)));
        QVERIFY(!deployed.result.message.contains(QString::fromLatin1(token)));
        // The token is not written into the clone's configuration either.
        QFile config(QDir(backend->workingClonePath(t.setting(QStringLiteral("repository"))))
                         .filePath(QStringLiteral(".git/config")));
        QVERIFY(config.open(QIODevice::ReadOnly));
        QVERIFY(!config.readAll().contains(token));

        // A refused token: a clear failure pointing at the credential, nothing pushed.
        const QString before = revParse(bare, QStringLiteral("main"));
        t.secret = QStringLiteral("wrong-token-value");
        const Run refused = run(*backend, request(Action::Deploy, t, QStringLiteral("1.4.3")));
        QVERIFY(!refused.result.ok());
        QVERIFY(!refused.result.changed);
        QVERIFY2(refused.result.hint.contains(QLatin1String("Credentials")), qPrintable(refused.result.hint));
        QVERIFY(!refused.result.message.contains(QLatin1String("wrong-token-value")));
        QVERIFY(!refused.logs.join(QLatin1Char('\n')).contains(QLatin1String("wrong-token-value")));
        QCOMPARE(revParse(bare, QStringLiteral("main")), before);
    }
};

QTEST_GUILESS_MAIN(TestGitOpsBackend)
#include "tst_gitopsbackend.moc"
