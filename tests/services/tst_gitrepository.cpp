// SPDX-License-Identifier: Apache-2.0
// Git operations against real repositories: bare remotes reached through file:// URLs, built with
// the git command line (gitfixture.h), so the code under test never checks itself.

#include "git/gitrepository.h"
#include "gitfixture.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <git2.h>

using namespace Flightdeck;
using namespace Flightdeck::Git;
using namespace Flightdeck::Testing;

Q_DECLARE_METATYPE(Flightdeck::Git::Credentials)

class TestGitRepository : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int m_counter = 0;

    QString fresh(const QString& name) { return m_dir.filePath(QStringLiteral("%1-%2").arg(name).arg(++m_counter)); }

    // A bare remote with a catalog file on main and on release.
    QString makeRemote()
    {
        const QString bare = fresh(QStringLiteral("remote")) + QLatin1String(".git");
        const QString error = createRemote(bare,
            { { QStringLiteral("catalog-info.yaml"), "name: main-catalog\n" },
                { QStringLiteral("docs/readme.md"), "hello\n" } });
        if (!error.isEmpty())
            qFatal("%s", qPrintable(error));
        if (commitToRemote(bare, QStringLiteral("release"),
                { { QStringLiteral("catalog-info.yaml"), "name: release-catalog\n" } },
                QStringLiteral("Release catalog"))
                .isEmpty())
            qFatal("cannot create the release branch");
        return bare;
    }

    static QByteArray readFile(const QString& path)
    {
        QFile file(path);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

    static Repository cloneOrFail(const QString& url, const QString& path, const CloneOptions& options = {})
    {
        Result<Repository> cloned = Repository::clone(url, path, RemoteOptions {}, options);
        if (!cloned)
            qFatal("clone failed: %s", qPrintable(cloned.error().toString()));
        return std::move(cloned.value());
    }

private Q_SLOTS:
    void initTestCase()
    {
        git_libgit2_init();
        QVERIFY(m_dir.isValid());
        QVERIFY2(runGit({ QStringLiteral("--version") }).ok(), "the git command line is needed to build fixtures");
    }

    void cleanupTestCase() { git_libgit2_shutdown(); }

    void clone_fileRemote_checksOutDefaultBranch()
    {
        const QString bare = makeRemote();
        const QString target = fresh(QStringLiteral("clone"));
        QList<TransferProgress> reports;
        RemoteOptions options;
        options.progress = [&](const TransferProgress& p) { reports.append(p); };

        Result<Repository> cloned = Repository::clone(fileUrl(bare), target, options);
        QVERIFY2(cloned.ok(), qPrintable(cloned.error().toString()));
        QCOMPARE(
            readFile(QDir(target).filePath(QStringLiteral("catalog-info.yaml"))), QByteArray("name: main-catalog\n"));
        QCOMPARE(cloned->headCommit()->sha, revParse(bare, QStringLiteral("main")));
        QCOMPARE(cloned->remoteDefaultBranch().value(), QStringLiteral("main"));
        QCOMPARE(cloned->currentBranch().value(), QStringLiteral("main"));
        QCOMPARE(cloned->remoteBranches().value(), QStringList({ QStringLiteral("main"), QStringLiteral("release") }));
        QVERIFY(!reports.isEmpty());
        QCOMPARE(reports.first().phase, TransferProgress::Phase::Connecting);
        QCOMPARE(reports.last().phase, TransferProgress::Phase::Done);
        QVERIFY(reports.last().receivedObjects > 0);
        QCOMPARE(reports.last().receivedObjects, reports.last().totalObjects);
        // No temporary clone is left beside the target.
        QCOMPARE(
            QDir(m_dir.path()).entryList({ QStringLiteral(".*partial*") }, QDir::Dirs | QDir::Hidden), QStringList());
    }

    void clone_namedBranch_checksItOut()
    {
        const QString bare = makeRemote();
        const QString target = fresh(QStringLiteral("clone"));
        CloneOptions options;
        options.branch = QStringLiteral("release");
        Repository repo = cloneOrFail(fileUrl(bare), target, options);
        QCOMPARE(repo.currentBranch().value(), QStringLiteral("release"));
        QCOMPARE(readFile(QDir(target).filePath(QStringLiteral("catalog-info.yaml"))),
            QByteArray("name: release-catalog\n"));
    }

    void clone_intoNonEmptyDirectory_refused()
    {
        const QString bare = makeRemote();
        const QString target = fresh(QStringLiteral("occupied"));
        QVERIFY(QDir().mkpath(target));
        QFile file(QDir(target).filePath(QStringLiteral("keep.txt")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("mine");
        file.close();
        const Result<Repository> cloned = Repository::clone(fileUrl(bare), target, RemoteOptions {});
        QVERIFY(!cloned.ok());
        QCOMPARE(cloned.error().kind, ErrorKind::Filesystem);
        QVERIFY(cloned.error().message.contains(target));
        QCOMPARE(readFile(file.fileName()), QByteArray("mine"));
    }

    void clone_missingRemote_notARepository()
    {
        const QString missing = fresh(QStringLiteral("nowhere")) + QLatin1String(".git");
        const QString target = fresh(QStringLiteral("clone"));
        const Result<Repository> cloned = Repository::clone(fileUrl(missing), target, RemoteOptions {});
        QVERIFY(!cloned.ok());
        QCOMPARE(cloned.error().kind, ErrorKind::NotARepository);
        QVERIFY2(cloned.error().message.contains(QLatin1String("could not clone")), qPrintable(cloned.error().message));
        QVERIFY(!cloned.error().hint.isEmpty());
        QVERIFY(!QFileInfo::exists(target));
    }

    void clone_cancelled_leavesNothing()
    {
        const QString bare = makeRemote();
        const QString target = fresh(QStringLiteral("cancelled"));
        std::atomic<bool> cancel { true };
        RemoteOptions options;
        options.cancel = &cancel;
        const Result<Repository> cloned = Repository::clone(fileUrl(bare), target, options);
        QVERIFY(!cloned.ok());
        QCOMPARE(cloned.error().kind, ErrorKind::Cancelled);
        QVERIFY(!QFileInfo::exists(target));
        QCOMPARE(
            QDir(m_dir.path()).entryList({ QStringLiteral(".cancelled*") }, QDir::Dirs | QDir::Hidden), QStringList());
    }

    void fetch_newCommit_checkoutUpdatesWorktree()
    {
        const QString bare = makeRemote();
        const QString target = fresh(QStringLiteral("clone"));
        Repository repo = cloneOrFail(fileUrl(bare), target);
        const QString newSha = commitToRemote(bare, QStringLiteral("main"),
            { { QStringLiteral("catalog-info.yaml"), "name: updated\n" },
                { QStringLiteral("docs/readme.md"), QByteArray() } },
            QStringLiteral("Update catalog"));
        QVERIFY(!newSha.isEmpty());

        const Result<RemoteInfo> fetched = repo.fetch(RemoteOptions {});
        QVERIFY2(fetched.ok(), qPrintable(fetched.error().toString()));
        QCOMPARE(fetched->defaultBranch, QStringLiteral("main"));
        QCOMPARE(fetched->branches, QStringList({ QStringLiteral("main"), QStringLiteral("release") }));
        const Result<CommitInfo> head = repo.checkoutBranch(QStringLiteral("main"));
        QVERIFY2(head.ok(), qPrintable(head.error().toString()));
        QCOMPARE(head->sha, newSha);
        QCOMPARE(head->summary, QStringLiteral("Update catalog"));
        QCOMPARE(readFile(QDir(target).filePath(QStringLiteral("catalog-info.yaml"))), QByteArray("name: updated\n"));
        QVERIFY(!QFileInfo::exists(QDir(target).filePath(QStringLiteral("docs/readme.md"))));
    }

    void fetch_deletedRemoteBranch_pruned()
    {
        const QString bare = makeRemote();
        Repository repo = cloneOrFail(fileUrl(bare), fresh(QStringLiteral("clone")));
        QVERIFY(runGit({ QStringLiteral("branch"), QStringLiteral("-D"), QStringLiteral("release") }, bare).ok());
        QVERIFY(repo.fetch(RemoteOptions {}).ok());
        QCOMPARE(repo.remoteBranches().value(), QStringList({ QStringLiteral("main") }));
    }

    void checkoutBranch_data()
    {
        QTest::addColumn<QString>("branch");
        QTest::addColumn<QByteArray>("content");
        QTest::addRow("main") << QStringLiteral("main") << QByteArray("name: main-catalog\n");
        QTest::addRow("release") << QStringLiteral("release") << QByteArray("name: release-catalog\n");
    }

    void checkoutBranch()
    {
        QFETCH(QString, branch);
        QFETCH(QByteArray, content);
        const QString bare = makeRemote();
        const QString target = fresh(QStringLiteral("clone"));
        Repository repo = cloneOrFail(fileUrl(bare), target);
        const Result<CommitInfo> head = repo.checkoutBranch(branch);
        QVERIFY2(head.ok(), qPrintable(head.error().toString()));
        QCOMPARE(head->sha, revParse(bare, branch));
        QCOMPARE(repo.currentBranch().value(), branch);
        QCOMPARE(readFile(QDir(target).filePath(QStringLiteral("catalog-info.yaml"))), content);
    }

    void checkoutBranch_missing_listsExistingBranches()
    {
        const QString bare = makeRemote();
        Repository repo = cloneOrFail(fileUrl(bare), fresh(QStringLiteral("clone")));
        const Result<CommitInfo> head = repo.checkoutBranch(QStringLiteral("does-not-exist"));
        QVERIFY(!head.ok());
        QCOMPARE(head.error().kind, ErrorKind::BranchNotFound);
        QVERIFY2(head.error().message.contains(QLatin1String("'does-not-exist'")), qPrintable(head.error().message));
        QVERIFY2(head.error().hint.contains(QLatin1String("main, release")), qPrintable(head.error().hint));
    }

    void checkoutBranch_localChanges_discarded()
    {
        const QString bare = makeRemote();
        const QString target = fresh(QStringLiteral("clone"));
        Repository repo = cloneOrFail(fileUrl(bare), target);
        {
            QFile edited(QDir(target).filePath(QStringLiteral("catalog-info.yaml")));
            QVERIFY(edited.open(QIODevice::WriteOnly | QIODevice::Truncate));
            edited.write("local edit\n");
            QFile untracked(QDir(target).filePath(QStringLiteral("stray.yaml")));
            QVERIFY(untracked.open(QIODevice::WriteOnly));
            untracked.write("stray\n");
        }
        QVERIFY(repo.checkoutBranch(QStringLiteral("main")).ok());
        QCOMPARE(
            readFile(QDir(target).filePath(QStringLiteral("catalog-info.yaml"))), QByteArray("name: main-catalog\n"));
        QVERIFY(!QFileInfo::exists(QDir(target).filePath(QStringLiteral("stray.yaml"))));
        const GitRun status = runGit({ QStringLiteral("status"), QStringLiteral("--porcelain") }, target);
        QVERIFY(status.ok());
        QCOMPARE(status.output, QByteArray());
    }

    void commitAll_push_updatesRemote()
    {
        const QString bare = makeRemote();
        const QString target = fresh(QStringLiteral("clone"));
        Repository repo = cloneOrFail(fileUrl(bare), target);
        QFile added(QDir(target).filePath(QStringLiteral("services/payments.yaml")));
        QVERIFY(QDir().mkpath(QFileInfo(added).absolutePath()));
        QVERIFY(added.open(QIODevice::WriteOnly));
        added.write("kind: Component\n");
        added.close();
        QVERIFY(QFile::remove(QDir(target).filePath(QStringLiteral("docs/readme.md"))));

        const Result<CommitInfo> commit = repo.commitAll(QStringLiteral("Add payments\n\nBody text."),
            Signature { QStringLiteral("Dana Deployer"), QStringLiteral("dana@example.com") });
        QVERIFY2(commit.ok(), qPrintable(commit.error().toString()));
        QCOMPARE(commit->summary, QStringLiteral("Add payments"));
        QCOMPARE(commit->parents, QStringList { revParse(bare, QStringLiteral("main")) });

        const Status pushed = repo.push(RemoteOptions {});
        QVERIFY2(pushed.ok(), qPrintable(pushed.error().toString()));
        QCOMPARE(revParse(bare, QStringLiteral("main")), commit->sha);
        const GitRun log = runGit({ QStringLiteral("log"), QStringLiteral("-1"),
                                      QStringLiteral("--format=%an <%ae>|%s"), QStringLiteral("main") },
            bare);
        QCOMPARE(
            QString::fromUtf8(log.output).trimmed(), QStringLiteral("Dana Deployer <dana@example.com>|Add payments"));
        const GitRun files = runGit(
            { QStringLiteral("ls-tree"), QStringLiteral("-r"), QStringLiteral("--name-only"), QStringLiteral("main") },
            bare);
        QCOMPARE(QString::fromUtf8(files.output).split(QLatin1Char('\n'), Qt::SkipEmptyParts),
            QStringList({ QStringLiteral("catalog-info.yaml"), QStringLiteral("services/payments.yaml") }));
    }

    void commitAll_noChange_nothingToCommit()
    {
        const QString bare = makeRemote();
        Repository repo = cloneOrFail(fileUrl(bare), fresh(QStringLiteral("clone")));
        const Result<CommitInfo> commit = repo.commitAll(
            QStringLiteral("Nothing"), Signature { QStringLiteral("Dana"), QStringLiteral("dana@example.com") });
        QVERIFY(!commit.ok());
        QCOMPARE(commit.error().kind, ErrorKind::NothingToCommit);
    }

    void commitAll_noAuthor_invalidArgument()
    {
        const QString bare = makeRemote();
        Repository repo = cloneOrFail(fileUrl(bare), fresh(QStringLiteral("clone")));
        const Result<CommitInfo> commit = repo.commitAll(QStringLiteral("x"), Signature {});
        QCOMPARE(commit.error().kind, ErrorKind::InvalidArgument);
        QVERIFY(!commit.error().hint.isEmpty());
    }

    void push_remoteMoved_rejected()
    {
        const QString bare = makeRemote();
        const QString target = fresh(QStringLiteral("clone"));
        Repository repo = cloneOrFail(fileUrl(bare), target);
        const QString theirs = commitToRemote(bare, QStringLiteral("main"),
            { { QStringLiteral("theirs.txt"), "first\n" } }, QStringLiteral("Someone else pushed"));
        QVERIFY(!theirs.isEmpty());

        QFile mine(QDir(target).filePath(QStringLiteral("mine.txt")));
        QVERIFY(mine.open(QIODevice::WriteOnly));
        mine.write("second\n");
        mine.close();
        QVERIFY(repo.commitAll(QStringLiteral("Mine"),
                        Signature { QStringLiteral("Dana"), QStringLiteral("dana@example.com") })
                    .ok());
        const Status pushed = repo.push(RemoteOptions {});
        QVERIFY(!pushed.ok());
        QCOMPARE(pushed.error().kind, ErrorKind::PushRejected);
        QVERIFY2(pushed.error().hint.contains(QLatin1String("fetch")), qPrintable(pushed.error().hint));
        QCOMPARE(revParse(bare, QStringLiteral("main")), theirs);
    }

    void tagsAndRecentCommits_listedNewestFirst()
    {
        const QString bare = makeRemote();
        const QString second = commitToRemote(
            bare, QStringLiteral("main"), { { QStringLiteral("v2.txt"), "2\n" } }, QStringLiteral("Second release"));
        QVERIFY(!second.isEmpty());
        const QString first = revParse(bare, QStringLiteral("main~1"));
        QVERIFY(runGit({ QStringLiteral("tag"), QStringLiteral("v1.0.0"), first }, bare).ok());
        QVERIFY(runGit({ QStringLiteral("tag"), QStringLiteral("-a"), QStringLiteral("v2.0.0"), QStringLiteral("-m"),
                           QStringLiteral("Version two"), second },
            bare)
                    .ok());

        Repository repo = cloneOrFail(fileUrl(bare), fresh(QStringLiteral("clone")));
        const Result<QList<TagInfo>> tags = repo.tags();
        QVERIFY2(tags.ok(), qPrintable(tags.error().toString()));
        QCOMPARE(tags->size(), 2);
        QHash<QString, TagInfo> byName;
        for (const TagInfo& tag : tags.value())
            byName.insert(tag.name, tag);
        QCOMPARE(byName.value(QStringLiteral("v1.0.0")).commitSha, first);
        QVERIFY(!byName.value(QStringLiteral("v1.0.0")).annotated);
        QCOMPARE(byName.value(QStringLiteral("v2.0.0")).commitSha, second);
        QVERIFY(byName.value(QStringLiteral("v2.0.0")).annotated);
        QCOMPARE(byName.value(QStringLiteral("v2.0.0")).message, QStringLiteral("Version two"));
        QCOMPARE(byName.value(QStringLiteral("v2.0.0")).taggerName, QStringLiteral("Fixture Author"));

        const Result<QList<CommitInfo>> commits = repo.recentCommits(10);
        QVERIFY(commits.ok());
        QCOMPARE(commits->size(), 2);
        QCOMPARE(commits->at(0).sha, second);
        QCOMPARE(commits->at(0).summary, QStringLiteral("Second release"));
        QCOMPARE(commits->at(0).authorName, QStringLiteral("Fixture Author"));
        QCOMPARE(commits->at(0).authorEmail, QStringLiteral("fixture@example.com"));
        QVERIFY(commits->at(0).authorTime.isValid());
        QCOMPARE(commits->at(1).sha, first);
        QCOMPARE(repo.recentCommits(1)->size(), 1);
        QCOMPARE(repo.recentCommits(10, QStringLiteral("origin/release"))->first().summary,
            QStringLiteral("Release catalog"));
    }

    void init_bare_hasNamedHead()
    {
        const QString path = fresh(QStringLiteral("init")) + QLatin1String(".git");
        const Result<Repository> repo = Repository::init(path, true, QStringLiteral("trunk"));
        QVERIFY2(repo.ok(), qPrintable(repo.error().toString()));
        QVERIFY(repo->isBare());
        QCOMPARE(repo->currentBranch().value(), QStringLiteral("trunk"));
        QCOMPARE(repo->headCommit().error().kind, ErrorKind::NotFound);
        QCOMPARE(QString::fromUtf8(runGit({ QStringLiteral("symbolic-ref"), QStringLiteral("HEAD") }, path).output)
                     .trimmed(),
            QStringLiteral("refs/heads/trunk"));
    }

    void init_thenCommitAndPushToNewBare()
    {
        const QString remote = fresh(QStringLiteral("scaffold")) + QLatin1String(".git");
        QVERIFY(Repository::init(remote, true).ok());
        const QString work = fresh(QStringLiteral("work"));
        Result<Repository> repo = Repository::init(work, false);
        QVERIFY(repo.ok());
        QFile file(QDir(work).filePath(QStringLiteral("catalog-info.yaml")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("kind: Component\n");
        file.close();
        const Result<CommitInfo> commit = repo.value().commitAll(QStringLiteral("Scaffold"),
            Signature { QStringLiteral("Scaffolder"), QStringLiteral("scaffolder@example.com") });
        QVERIFY2(commit.ok(), qPrintable(commit.error().toString()));
        QVERIFY(commit->parents.isEmpty());
        QVERIFY(
            runGit({ QStringLiteral("remote"), QStringLiteral("add"), QStringLiteral("origin"), fileUrl(remote) }, work)
                .ok());
        const Status pushed = repo.value().push(RemoteOptions {});
        QVERIFY2(pushed.ok(), qPrintable(pushed.error().toString()));
        QCOMPARE(revParse(remote, QStringLiteral("main")), commit->sha);
    }

    void open_plainDirectory_notARepository()
    {
        const QString path = fresh(QStringLiteral("plain"));
        QVERIFY(QDir().mkpath(path));
        const Result<Repository> repo = Repository::open(path);
        QVERIFY(!repo.ok());
        QCOMPARE(repo.error().kind, ErrorKind::NotARepository);
        QVERIFY(repo.error().message.contains(path));
    }

    void redactSecrets_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QByteArray>("secret");
        QTest::addColumn<QString>("expected");
        QTest::addRow("password in url") << QStringLiteral(
            "could not clone https://bob:hunter2@git.example.com/x.git: 404")
                                         << QByteArray()
                                         << QStringLiteral(
                                                "could not clone https://bob:***@git.example.com/x.git: 404");
        QTest::addRow("port is not a password") << QStringLiteral("http://git.example.com:8080/x.git") << QByteArray()
                                                << QStringLiteral("http://git.example.com:8080/x.git");
        QTest::addRow("token as user") << QStringLiteral(
            "https://ghp_abcdefghijklmnopqrstuvwxyz0123@github.com/o/r.git")
                                       << QByteArray() << QStringLiteral("https://***@github.com/o/r.git");
        QTest::addRow("plain user kept") << QStringLiteral("ssh://git@example.com/x.git") << QByteArray()
                                         << QStringLiteral("ssh://git@example.com/x.git");
        QTest::addRow("known secret anywhere")
            << QStringLiteral("server said: bad token s3cr3t-t0ken") << QByteArray("s3cr3t-t0ken")
            << QStringLiteral("server said: bad token ***");
        QTest::addRow("percent-encoded secret")
            << QStringLiteral("https://u:p%40ss@h/x") << QByteArray("p@ss") << QStringLiteral("https://u:***@h/x");
    }

    void takeUrlPassword_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<Credentials>("given");
        QTest::addColumn<QString>("expectedUrl");
        QTest::addColumn<Credentials>("expected");
        const Credentials none;
        QTest::addRow("token moves") << QStringLiteral("https://bob:t%40ken@git.example.com/x.git") << none
                                     << QStringLiteral("https://bob@git.example.com/x.git")
                                     << Credentials { QStringLiteral("bob"), "t@ken", true };
        QTest::addRow("explicit credential wins")
            << QStringLiteral("https://bob:old@h/x.git") << Credentials { QStringLiteral("alice"), "new", true }
            << QStringLiteral("https://bob@h/x.git") << Credentials { QStringLiteral("alice"), "new", true };
        QTest::addRow("no password") << QStringLiteral("https://bob@h/x.git") << none
                                     << QStringLiteral("https://bob@h/x.git") << none;
        QTest::addRow("ssh untouched") << QStringLiteral("ssh://git@h/x.git") << none
                                       << QStringLiteral("ssh://git@h/x.git") << none;
        QTest::addRow("scp-like untouched")
            << QStringLiteral("git@h:team/x.git") << none << QStringLiteral("git@h:team/x.git") << none;
    }

    void takeUrlPassword()
    {
        QFETCH(QString, url);
        QFETCH(Credentials, given);
        QFETCH(QString, expectedUrl);
        QFETCH(Credentials, expected);
        QCOMPARE(Git::takeUrlPassword(url, &given), expectedUrl);
        QCOMPARE(given.username, expected.username);
        QCOMPARE(given.secret, expected.secret);
    }

    void redactSecrets()
    {
        QFETCH(QString, text);
        QFETCH(QByteArray, secret);
        QFETCH(QString, expected);
        QCOMPARE(Git::redactSecrets(text, secret), expected);
    }
};

QTEST_GUILESS_MAIN(TestGitRepository)
#include "tst_gitrepository.moc"
