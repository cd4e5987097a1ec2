// SPDX-License-Identifier: Apache-2.0
// Git over SSH with the key held by ssh-agent, against a real OpenSSH server on 127.0.0.1
// (gitsshserver.h) running as the current user with temporary keys.

#include "git/gitrepository.h"
#include "gitfixture.h"
#include "gitsshserver.h"
#include "sources/gitmirror.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <git2.h>

using namespace Flightdeck;
using namespace Flightdeck::Git;
using namespace Flightdeck::Testing;

class TestGitSsh : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    SshServer m_sshd;
    QString m_remote;
    QByteArray m_previousAgent;
    int m_counter = 0;

    QString fresh(const QString& name) { return m_dir.filePath(QStringLiteral("%1-%2").arg(name).arg(++m_counter)); }

    RemoteOptions trusted() const
    {
        RemoteOptions options;
        options.trustedHostKeys = { m_sshd.hostKeyFingerprint() };
        options.timeouts.idleMs = 20000;
        return options;
    }

    static QByteArray readFile(const QString& path)
    {
        QFile file(path);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

private Q_SLOTS:
    void initTestCase()
    {
        git_libgit2_init();
        QVERIFY(m_dir.isValid());
        QVERIFY2(runGit({ QStringLiteral("--version") }).ok(), "the git command line is needed");
        m_remote = m_dir.filePath(QStringLiteral("catalog.git"));
        QCOMPARE(
            createRemote(m_remote, { { QStringLiteral("catalog-info.yaml"), "name: served-over-ssh\n" } }), QString());

        QString whyNot;
        if (!m_sshd.start(m_dir.filePath(QString()), &whyNot))
            QSKIP(qPrintable(QStringLiteral("no SSH server can run here: %1").arg(whyNot)));
        m_previousAgent = qgetenv("SSH_AUTH_SOCK");
        qputenv("SSH_AUTH_SOCK", QFile::encodeName(m_sshd.agent().socketPath()));
    }

    void cleanupTestCase()
    {
        if (m_previousAgent.isEmpty())
            qunsetenv("SSH_AUTH_SOCK");
        else
            qputenv("SSH_AUTH_SOCK", m_previousAgent);
        git_libgit2_shutdown();
    }

    void ssh_agentKey_clones()
    {
        const QString target = fresh(QStringLiteral("clone"));
        const Result<Repository> cloned = Repository::clone(m_sshd.url(m_remote), target, trusted());
        QVERIFY2(cloned.ok(), qPrintable(cloned.error().toString() + QLatin1Char('\n') + m_sshd.log()));
        QCOMPARE(readFile(QDir(target).filePath(QStringLiteral("catalog-info.yaml"))),
            QByteArray("name: served-over-ssh\n"));
        QCOMPARE(cloned->headCommit()->sha, revParse(m_remote, QStringLiteral("main")));
    }

    void ssh_commitAndPush_updatesRemote()
    {
        const QString target = fresh(QStringLiteral("clone"));
        Result<Repository> cloned = Repository::clone(m_sshd.url(m_remote), target, trusted());
        QVERIFY2(cloned.ok(), qPrintable(cloned.error().toString()));
        QFile file(QDir(target).filePath(QStringLiteral("pushed-over-ssh.yaml")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("kind: Component\n");
        file.close();
        const Result<CommitInfo> commit = cloned.value().commitAll(
            QStringLiteral("Push over SSH"), Signature { QStringLiteral("Dana"), QStringLiteral("dana@example.com") });
        QVERIFY(commit.ok());
        const Status pushed = cloned.value().push(trusted());
        QVERIFY2(pushed.ok(), qPrintable(pushed.error().toString()));
        QCOMPARE(revParse(m_remote, QStringLiteral("main")), commit->sha);
    }

    void ssh_mirrorSync_fetchesAgain()
    {
        Sources::CatalogSourceSpec spec;
        spec.name = QStringLiteral("ssh-catalog");
        spec.type = Sources::CatalogSourceSpec::Type::Git;
        spec.url = m_sshd.url(m_remote);
        const QString cache = fresh(QStringLiteral("cache"));
        const Sources::GitMirrorResult first = Sources::GitMirror::sync(spec, cache, trusted());
        QVERIFY2(first.ok(), qPrintable(first.error.toString()));
        const QString newSha = commitToRemote(m_remote, QStringLiteral("main"),
            { { QStringLiteral("catalog-info.yaml"), "name: updated-over-ssh\n" } }, QStringLiteral("Update"));
        const Sources::GitMirrorResult second = Sources::GitMirror::sync(spec, cache, trusted());
        QVERIFY2(second.ok(), qPrintable(second.error.toString()));
        QVERIFY(!second.offline);
        QCOMPARE(second.commit, newSha);
        QCOMPARE(readFile(QDir(second.worktree).filePath(QStringLiteral("catalog-info.yaml"))),
            QByteArray("name: updated-over-ssh\n"));
    }

    void ssh_unknownHostKey_certificateErrorWithFingerprint()
    {
        RemoteOptions options = trusted();
        options.trustedHostKeys.clear();
        const Result<Repository> cloned
            = Repository::clone(m_sshd.url(m_remote), fresh(QStringLiteral("clone")), options);
        QVERIFY(!cloned.ok());
        QCOMPARE(cloned.error().kind, ErrorKind::Certificate);
        QVERIFY2(cloned.error().message.contains(m_sshd.hostKeyFingerprint()), qPrintable(cloned.error().message));
        QVERIFY(cloned.error().hint.contains(QLatin1String("known_hosts")));
    }

    void ssh_agentWithoutKey_authFailedWithoutLooping()
    {
        SshAgent empty;
        QString error;
        QVERIFY2(empty.start(fresh(QStringLiteral("agent")), &error), qPrintable(error));
        qputenv("SSH_AUTH_SOCK", QFile::encodeName(empty.socketPath()));
        const Result<Repository> cloned
            = Repository::clone(m_sshd.url(m_remote), fresh(QStringLiteral("clone")), trusted());
        qputenv("SSH_AUTH_SOCK", QFile::encodeName(m_sshd.agent().socketPath()));
        QVERIFY(!cloned.ok());
        QCOMPARE(cloned.error().kind, ErrorKind::AuthFailed);
        QVERIFY2(cloned.error().hint.contains(QLatin1String("ssh-add")), qPrintable(cloned.error().hint));
    }

    void ssh_agentDisabled_authRequired()
    {
        RemoteOptions options = trusted();
        options.credentials.useSshAgent = false;
        const Result<Repository> cloned
            = Repository::clone(m_sshd.url(m_remote), fresh(QStringLiteral("clone")), options);
        QVERIFY(!cloned.ok());
        QCOMPARE(cloned.error().kind, ErrorKind::AuthRequired);
    }

    void ssh_missingRepository_notARepository()
    {
        const Result<Repository> cloned = Repository::clone(
            m_sshd.url(m_dir.filePath(QStringLiteral("absent.git"))), fresh(QStringLiteral("clone")), trusted());
        QVERIFY(!cloned.ok());
        QCOMPARE(cloned.error().kind, ErrorKind::NotARepository);
    }
};

QTEST_GUILESS_MAIN(TestGitSsh)
#include "tst_gitssh.moc"
