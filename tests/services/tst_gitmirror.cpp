// SPDX-License-Identifier: Apache-2.0
// The git catalog source against real bare remotes (file:// URLs) built with the git command line.

#include "gitfixture.h"
#include "sources/gitmirror.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <git2.h>

using namespace Flightdeck;
using namespace Flightdeck::Sources;
using namespace Flightdeck::Testing;
using Flightdeck::Git::ErrorKind;

class TestGitMirror : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int m_counter = 0;

    QString fresh(const QString& name) { return m_dir.filePath(QStringLiteral("%1-%2").arg(name).arg(++m_counter)); }

    QString makeRemote()
    {
        const QString bare = fresh(QStringLiteral("remote")) + QLatin1String(".git");
        const QString error = createRemote(bare, { { QStringLiteral("catalog-info.yaml"), "name: main-catalog\n" } });
        if (!error.isEmpty())
            qFatal("%s", qPrintable(error));
        if (commitToRemote(bare, QStringLiteral("release"),
                { { QStringLiteral("catalog-info.yaml"), "name: release-catalog\n" } },
                QStringLiteral("Release catalog"))
                .isEmpty())
            qFatal("cannot create the release branch");
        return bare;
    }

    static CatalogSourceSpec gitSpec(const QString& url, const QString& branch = {})
    {
        CatalogSourceSpec spec;
        spec.name = QStringLiteral("catalog");
        spec.type = CatalogSourceSpec::Type::Git;
        spec.url = url;
        spec.branch = branch;
        return spec;
    }

    static GitMirrorResult sync(
        const CatalogSourceSpec& spec, const QString& cache, const std::atomic<bool>* cancel = nullptr)
    {
        return GitMirror::sync(spec, cache, Git::Credentials {}, {}, cancel);
    }

    static QByteArray catalogIn(const GitMirrorResult& result)
    {
        QFile file(QDir(result.worktree).filePath(QStringLiteral("catalog-info.yaml")));
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

private Q_SLOTS:
    void initTestCase()
    {
        git_libgit2_init();
        QVERIFY(m_dir.isValid());
        QVERIFY2(runGit({ QStringLiteral("--version") }).ok(), "the git command line is needed to build fixtures");
    }

    void cleanupTestCase() { git_libgit2_shutdown(); }

    void sync_firstTime_clonesIntoCacheKeyDirectory()
    {
        const QString bare = makeRemote();
        const QString cache = fresh(QStringLiteral("cache"));
        QList<Git::TransferProgress::Phase> phases;
        const GitMirrorResult result = GitMirror::sync(
            gitSpec(fileUrl(bare)), cache, Git::Credentials {},
            [&](const Git::TransferProgress& p) { phases.append(p.phase); }, nullptr);
        QVERIFY2(result.ok(), qPrintable(result.error.toString()));
        QCOMPARE(result.worktree, GitMirror::cacheDirectory(cache, fileUrl(bare)));
        QCOMPARE(QFileInfo(result.worktree).dir().absolutePath(), QDir(cache).absolutePath());
        QCOMPARE(result.branch, QStringLiteral("main"));
        QCOMPARE(result.commit, revParse(bare, QStringLiteral("main")));
        QVERIFY(result.commitTime.isValid());
        QVERIFY(!result.offline);
        QVERIFY(result.warning.isEmpty());
        QCOMPARE(catalogIn(result), QByteArray("name: main-catalog\n"));
        QVERIFY(phases.contains(Git::TransferProgress::Phase::Receiving));
        QCOMPARE(phases.last(), Git::TransferProgress::Phase::Done);
    }

    void sync_again_fetchesNewCommit()
    {
        const QString bare = makeRemote();
        const QString cache = fresh(QStringLiteral("cache"));
        const GitMirrorResult first = sync(gitSpec(fileUrl(bare)), cache);
        QVERIFY2(first.ok(), qPrintable(first.error.toString()));
        const QString newSha = commitToRemote(bare, QStringLiteral("main"),
            { { QStringLiteral("catalog-info.yaml"), "name: updated\n" }, { QStringLiteral("extra.yaml"), "x: 1\n" } },
            QStringLiteral("Update"));
        QVERIFY(!newSha.isEmpty());

        const GitMirrorResult second = sync(gitSpec(fileUrl(bare)), cache);
        QVERIFY2(second.ok(), qPrintable(second.error.toString()));
        QCOMPARE(second.worktree, first.worktree);
        QCOMPARE(second.commit, newSha);
        QCOMPARE(catalogIn(second), QByteArray("name: updated\n"));
        QVERIFY(QFileInfo::exists(QDir(second.worktree).filePath(QStringLiteral("extra.yaml"))));
    }

    void sync_branch_data()
    {
        QTest::addColumn<QString>("branch");
        QTest::addColumn<QString>("expectedBranch");
        QTest::addColumn<QByteArray>("content");
        QTest::addRow("default") << QString() << QStringLiteral("main") << QByteArray("name: main-catalog\n");
        QTest::addRow("release") << QStringLiteral("release") << QStringLiteral("release")
                                 << QByteArray("name: release-catalog\n");
    }

    void sync_branch()
    {
        QFETCH(QString, branch);
        QFETCH(QString, expectedBranch);
        QFETCH(QByteArray, content);
        const QString bare = makeRemote();
        const GitMirrorResult result = sync(gitSpec(fileUrl(bare), branch), fresh(QStringLiteral("cache")));
        QVERIFY2(result.ok(), qPrintable(result.error.toString()));
        QCOMPARE(result.branch, expectedBranch);
        QCOMPARE(result.commit, revParse(bare, expectedBranch));
        QCOMPARE(catalogIn(result), content);
    }

    void sync_switchBranch_sameCache()
    {
        const QString bare = makeRemote();
        const QString cache = fresh(QStringLiteral("cache"));
        QVERIFY(sync(gitSpec(fileUrl(bare)), cache).ok());
        const GitMirrorResult result = sync(gitSpec(fileUrl(bare), QStringLiteral("release")), cache);
        QVERIFY2(result.ok(), qPrintable(result.error.toString()));
        QCOMPARE(catalogIn(result), QByteArray("name: release-catalog\n"));
    }

    void sync_missingBranch_listsExistingBranches()
    {
        const QString bare = makeRemote();
        const GitMirrorResult result
            = sync(gitSpec(fileUrl(bare), QStringLiteral("prod")), fresh(QStringLiteral("cache")));
        QVERIFY(!result.ok());
        QCOMPARE(result.error.kind, ErrorKind::BranchNotFound);
        QVERIFY2(result.error.message.contains(QLatin1String("'prod'")), qPrintable(result.error.message));
        QVERIFY2(result.error.hint.contains(QLatin1String("main, release")), qPrintable(result.error.hint));
    }

    void sync_remoteGone_returnsPreviousCheckoutOffline()
    {
        const QString bare = makeRemote();
        const QString cache = fresh(QStringLiteral("cache"));
        const GitMirrorResult first = sync(gitSpec(fileUrl(bare)), cache);
        QVERIFY(first.ok());
        QVERIFY(QDir(bare).removeRecursively());

        const GitMirrorResult second = sync(gitSpec(fileUrl(bare)), cache);
        QVERIFY2(second.ok(), qPrintable(second.error.toString()));
        QVERIFY(second.offline);
        QCOMPARE(second.worktree, first.worktree);
        QCOMPARE(second.commit, first.commit);
        QCOMPARE(second.branch, QStringLiteral("main"));
        QVERIFY2(second.warning.startsWith(
                     QStringLiteral("offline: showing the catalog as of %1").arg(first.commit.left(8))),
            qPrintable(second.warning));
        QCOMPARE(second.offlineReason.kind, ErrorKind::NotARepository);
        QVERIFY(!second.offlineReason.hint.isEmpty());
        QCOMPARE(catalogIn(second), QByteArray("name: main-catalog\n"));
    }

    void sync_remoteGoneWithoutCache_fails()
    {
        const QString missing = fresh(QStringLiteral("gone")) + QLatin1String(".git");
        const QString cache = fresh(QStringLiteral("cache"));
        const GitMirrorResult result = sync(gitSpec(fileUrl(missing)), cache);
        QVERIFY(!result.ok());
        QVERIFY(!result.offline);
        QCOMPARE(result.error.kind, ErrorKind::NotARepository);
        QVERIFY(!QFileInfo::exists(GitMirror::cacheDirectory(cache, fileUrl(missing))));
    }

    void sync_damagedCache_clonesAgain()
    {
        const QString bare = makeRemote();
        const QString cache = fresh(QStringLiteral("cache"));
        const QString worktree = GitMirror::cacheDirectory(cache, fileUrl(bare));
        QVERIFY(QDir().mkpath(worktree));
        QFile junk(QDir(worktree).filePath(QStringLiteral("junk")));
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.close();
        const GitMirrorResult result = sync(gitSpec(fileUrl(bare)), cache);
        QVERIFY2(result.ok(), qPrintable(result.error.toString()));
        QVERIFY(!QFileInfo::exists(junk.fileName()));
        QCOMPARE(catalogIn(result), QByteArray("name: main-catalog\n"));
    }

    void sync_cancelled_leavesNoCache()
    {
        const QString bare = makeRemote();
        const QString cache = fresh(QStringLiteral("cache"));
        std::atomic<bool> cancel { true };
        const GitMirrorResult result = sync(gitSpec(fileUrl(bare)), cache, &cancel);
        QVERIFY(!result.ok());
        QCOMPARE(result.error.kind, ErrorKind::Cancelled);
        QCOMPARE(QDir(cache).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot), QStringList());
    }

    void sync_interruptedCloneLeftover_removed()
    {
        const QString bare = makeRemote();
        const QString cache = fresh(QStringLiteral("cache"));
        const QString key = GitMirror::cacheKey(fileUrl(bare));
        const QString leftover = QDir(cache).filePath(QStringLiteral(".%1.partial-AbC123").arg(key));
        QVERIFY(QDir().mkpath(leftover));
        QVERIFY(sync(gitSpec(fileUrl(bare)), cache).ok());
        QVERIFY(!QFileInfo::exists(leftover));
    }

    void sync_notAGitSource_invalidArgument()
    {
        CatalogSourceSpec spec;
        spec.name = QStringLiteral("local");
        spec.type = CatalogSourceSpec::Type::Directory;
        const GitMirrorResult result = sync(spec, fresh(QStringLiteral("cache")));
        QCOMPARE(result.error.kind, ErrorKind::InvalidArgument);
        QVERIFY(result.error.message.contains(QLatin1String("'local'")));
    }

    void cacheKey_data()
    {
        QTest::addColumn<QString>("a");
        QTest::addColumn<QString>("b");
        QTest::addColumn<bool>("same");
        QTest::addRow("password ignored")
            << QStringLiteral("https://u:one@h/x.git") << QStringLiteral("https://u:two@h/x.git") << true;
        QTest::addRow("trailing slash") << QStringLiteral("https://h/x.git/") << QStringLiteral("https://h/x.git")
                                        << true;
        QTest::addRow("different repos") << QStringLiteral("https://h/x.git") << QStringLiteral("https://h/y.git")
                                         << false;
        QTest::addRow("scp-like vs ssh") << QStringLiteral("git@h:x.git") << QStringLiteral("ssh://git@h/x.git")
                                         << false;
    }

    void cacheKey()
    {
        QFETCH(QString, a);
        QFETCH(QString, b);
        QFETCH(bool, same);
        QCOMPARE(GitMirror::cacheKey(a) == GitMirror::cacheKey(b), same);
        QCOMPARE(GitMirror::cacheKey(a), GitMirror::cacheKey(a));
        QVERIFY(QRegularExpression(QStringLiteral("^[0-9a-f]{24}$")).match(GitMirror::cacheKey(a)).hasMatch());
    }
};

QTEST_GUILESS_MAIN(TestGitMirror)
#include "tst_gitmirror.moc"
