// SPDX-License-Identifier: Apache-2.0
// The versions a service's own repository offers for a deploy: tags and recent commits, read from
// real repositories built with the git command line (gitfixture.h): a bare remote reached through
// file:// (cloned and fetched), one served over smart HTTP behind a token, a clone the catalog keeps
// (read without network) and a repository read in place.

#include "deploy/deployservice.h"
#include "deploy/sourceversions.h"
#include "gitfixture.h"
#include "githttpserver.h"
#include "sources/gitmirror.h"

#include <QDir>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QtConcurrent/QtConcurrentRun>

#include <git2.h>

#include <optional>

using namespace Flightdeck;
using namespace Flightdeck::Deploy;
using namespace Flightdeck::Testing;

namespace {

// The options for these settings; a clone of our own is fetched on every read unless the settings
// say otherwise.
SourceVersionOptions optionsFor(const QString& service, QHash<QString, QString> settings = {})
{
    if (!settings.contains(QStringLiteral("sourceFetchSeconds")))
        settings.insert(QStringLiteral("sourceFetchSeconds"), QStringLiteral("0"));
    return sourceVersionOptions(service, settings);
}

QStringList names(const QList<SourceVersion>& versions, SourceVersion::Kind kind)
{
    QStringList out;
    for (const SourceVersion& v : versions)
        if (v.kind == kind)
            out << v.version;
    return out;
}

bool git(const QStringList& arguments, const QString& directory, QString* error = nullptr)
{
    const GitRun run = runGit(arguments, directory);
    if (!run.ok() && error)
        *error = arguments.join(QLatin1Char(' ')) + QStringLiteral(": ") + run.error;
    return run.ok();
}

// A monorepo with two services: search (services/search) and gateway (services/gateway).
struct Monorepo
{
    QString bare;
    QString searchFirst, gatewayOnly, searchSecond, docsOnly;
};

} // namespace

class tst_SourceVersions : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    // Builds the monorepo's remote with tags; QVERIFY-style failures come back as an error text.
    QString buildMonorepo(const QString& name, Monorepo& repo)
    {
        repo.bare = m_dir.filePath(name + QStringLiteral(".git"));
        QString error = createRemote(repo.bare,
            { { QStringLiteral("services/search/catalog-info.yaml"), "kind: Component\n" },
                { QStringLiteral("services/gateway/catalog-info.yaml"), "kind: Component\n" } });
        if (!error.isEmpty())
            return error;
        repo.searchFirst = commitToRemote(repo.bare, QStringLiteral("main"),
            { { QStringLiteral("services/search/main.go"), "package main // 1\n" } }, QStringLiteral("Search: first"), &error);
        repo.gatewayOnly = commitToRemote(repo.bare, QStringLiteral("main"),
            { { QStringLiteral("services/gateway/main.go"), "package main\n" } }, QStringLiteral("Gateway: routes"), &error);
        repo.searchSecond = commitToRemote(repo.bare, QStringLiteral("main"),
            { { QStringLiteral("services/search/main.go"), "package main // 2\n" } }, QStringLiteral("Search: faster fares"), &error);
        repo.docsOnly = commitToRemote(repo.bare, QStringLiteral("main"),
            { { QStringLiteral("README.md"), "# monorepo\n" } }, QStringLiteral("Docs"), &error);
        if (!error.isEmpty())
            return error;
        // Tags are made in the bare repository itself, on the commits above.
        const auto tag = [&](const QString& tagName, const QString& sha, bool annotated) {
            QStringList args { QStringLiteral("tag") };
            if (annotated)
                args << QStringLiteral("-a") << QStringLiteral("-m") << QStringLiteral("Release %1\n\nNotes.").arg(tagName);
            args << tagName << sha;
            return git(args, repo.bare, &error);
        };
        if (!tag(QStringLiteral("search/2.9.1"), repo.searchFirst, true) || !tag(QStringLiteral("search/2.10.0"), repo.searchSecond, true)
            || !tag(QStringLiteral("search-v2.10.0-rc.1"), repo.searchFirst, false)
            || !tag(QStringLiteral("gateway/3.1.0"), repo.gatewayOnly, false) || !tag(QStringLiteral("v9.9.9"), repo.docsOnly, false)
            || !tag(QStringLiteral("nightly"), repo.docsOnly, false))
            return error;
        return {};
    }

private Q_SLOTS:
    void initTestCase()
    {
        git_libgit2_init();
        QVERIFY(m_dir.isValid());
        QVERIFY2(runGit({ QStringLiteral("--version") }).ok(), "the git command line is needed to build fixtures");
    }

    void cleanupTestCase() { git_libgit2_shutdown(); }

    void versionOfTag_defaultPattern_data()
    {
        QTest::addColumn<QString>("service");
        QTest::addColumn<QString>("tag");
        QTest::addColumn<QString>("version");
        QTest::newRow("own slash") << "flight-search" << "flight-search/2.4.1" << "2.4.1";
        QTest::newRow("own dash v") << "flight-search" << "flight-search-v2.4.1" << "2.4.1";
        QTest::newRow("own at") << "flight-search" << "flight-search@2.4.1-rc.1" << "2.4.1-rc.1";
        QTest::newRow("plain v") << "flight-search" << "v1.2.3" << "1.2.3";
        QTest::newRow("plain") << "flight-search" << "1.2.3" << "1.2.3";
        QTest::newRow("another service") << "flight-search" << "booking/1.0.0" << "";
        QTest::newRow("prefix of a longer name") << "flight" << "flight-search/1.0.0" << "";
        QTest::newRow("not a version") << "flight-search" << "nightly" << "";
        QTest::newRow("name without version") << "flight-search" << "flight-search/latest" << "";
    }

    void versionOfTag_defaultPattern()
    {
        QFETCH(QString, service);
        QFETCH(QString, tag);
        QFETCH(QString, version);
        QCOMPARE(versionOfTag(tag, optionsFor(service)), version);
    }

    void versionOfTag_configuredPattern()
    {
        const SourceVersionOptions o = optionsFor(QStringLiteral("search"), { { QStringLiteral("tagPattern"), QStringLiteral("release-(\\d+)") } });
        QCOMPARE(versionOfTag(QStringLiteral("release-42"), o), QStringLiteral("42"));
        QCOMPARE(versionOfTag(QStringLiteral("search/1.0.0"), o), QString()); // the pattern replaces the default
        QCOMPARE(versionOfTag(QStringLiteral("xrelease-42"), o), QString()); // anchored: the whole name
        QVERIFY(checkTagPattern(QStringLiteral("release-(\\d+")).contains(QStringLiteral("not a valid regular expression")));
        QVERIFY(checkTagPattern(QStringLiteral("release-\\d+")).contains(QStringLiteral("no capture group")));
        QCOMPARE(checkTagPattern(QStringLiteral("^v(.+)$")), QString());
    }

    void versionOrder_numbersAndPreReleases()
    {
        QVERIFY(isNewerVersion(QStringLiteral("2.10.0"), QStringLiteral("2.9.1")));
        QVERIFY(!isNewerVersion(QStringLiteral("2.9.1"), QStringLiteral("2.10.0")));
        QVERIFY(isNewerVersion(QStringLiteral("2.0.0"), QStringLiteral("2.0.0-rc.1")));
        QVERIFY(!isNewerVersion(QStringLiteral("2.0.0"), QStringLiteral("2.0.0")));
        QVERIFY(isReleaseNumber(QStringLiteral("1.4.2")) && isReleaseNumber(QStringLiteral("1.4.2-rc.1")));
        QVERIFY(!isReleaseNumber(QStringLiteral("a1b2c3d")) && !isReleaseNumber(QStringLiteral("42")) && !isReleaseNumber(QString()));

        SourceVersions v;
        const auto tag = [](const QString& version) {
            SourceVersion t;
            t.kind = SourceVersion::Kind::Tag;
            t.version = version;
            return t;
        };
        QVERIFY(!newestRelease(v));
        v.versions << tag(QStringLiteral("2.9.1")) << tag(QStringLiteral("3.0.0-rc.1")) << tag(QStringLiteral("2.10.0"));
        SourceVersion commit;
        commit.kind = SourceVersion::Kind::Commit;
        commit.version = QStringLiteral("9.9.9");
        v.versions << commit;
        QVERIFY(newestRelease(v));
        QCOMPARE(newestRelease(v)->version, QStringLiteral("2.10.0")); // not the pre-release, not a commit
    }

    void options_settingsAndBounds()
    {
        SourceVersionOptions o = sourceVersionOptions(QStringLiteral("s"), {});
        QCOMPARE(o.maxCommits, 20);
        QCOMPARE(o.commitVersionLength, 7);
        QCOMPARE(o.fetchAfterSeconds, 60);
        o = optionsFor(QStringLiteral("s"), { { QStringLiteral("sourceCommits"), QStringLiteral("0") }, { QStringLiteral("commitVersionLength"), QStringLiteral("12") } });
        QCOMPARE(o.maxCommits, 0);
        QCOMPARE(o.commitVersionLength, 12);
        o = optionsFor(QStringLiteral("s"), { { QStringLiteral("sourceCommits"), QStringLiteral("many") }, { QStringLiteral("commitVersionLength"), QStringLiteral("3") } });
        QCOMPARE(o.maxCommits, 20);
        QCOMPARE(o.commitVersionLength, 7);
    }

    void parseSourceLocation_data()
    {
        QTest::addColumn<QString>("location");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("path");
        QTest::newRow("github tree") << "url:https://github.com/acme/travel/tree/main/services/search/" << true
                                     << "https://github.com/acme/travel" << "services/search";
        QTest::newRow("github root") << "url:https://github.com/acme/search/tree/main/" << true << "https://github.com/acme/search" << "";
        QTest::newRow("github blob of catalog file") << "https://github.com/acme/travel/blob/main/services/search/catalog-info.yaml"
                                                     << true << "https://github.com/acme/travel" << "services/search";
        QTest::newRow("gitlab") << "url:https://gitlab.example/group/sub/travel/-/tree/main/search" << true
                                << "https://gitlab.example/group/sub/travel" << "search";
        QTest::newRow("clone url") << "url:https://git.example/travel.git" << true << "https://git.example/travel.git" << "";
        QTest::newRow("scp-like") << "git@git.example:acme/travel.git" << true << "git@git.example:acme/travel.git" << "";
        QTest::newRow("dir") << "dir:." << false << "" << "";
        QTest::newRow("empty") << "url:" << false << "" << "";
        QTest::newRow("words") << "somewhere over there" << false << "" << "";
    }

    void parseSourceLocation()
    {
        QFETCH(QString, location);
        QFETCH(bool, ok);
        QFETCH(QString, url);
        QFETCH(QString, path);
        QString gotUrl, gotPath;
        QCOMPARE(Deploy::parseSourceLocation(location, &gotUrl, &gotPath), ok);
        if (ok) {
            QCOMPARE(gotUrl, url);
            QCOMPARE(gotPath, path);
        }
    }

    void sourceRepositoryOf_firstFoundWins()
    {
        ServiceInfo s;
        s.name = QStringLiteral("search");
        s.annotations.insert(QStringLiteral("github.com/project-slug"), QStringLiteral("acme/search"));
        SourceRepository r = sourceRepositoryOf(s, {});
        QCOMPARE(r.url, QStringLiteral("https://github.com/acme/search.git"));
        QVERIFY(r.origin.contains(QStringLiteral("project-slug")));

        s.annotations.insert(QStringLiteral("backstage.io/source-location"), QStringLiteral("url:https://github.com/acme/travel/tree/main/services/search"));
        r = sourceRepositoryOf(s, {});
        QCOMPARE(r.url, QStringLiteral("https://github.com/acme/travel"));
        QCOMPARE(r.path, QStringLiteral("services/search"));

        s.sourceName = QStringLiteral("travel");
        s.sourceUrl = QStringLiteral("https://git.example/travel.git");
        s.sourcePath = QStringLiteral("services/search");
        s.sourceCredential = QStringLiteral("git-token");
        r = sourceRepositoryOf(s, {});
        QCOMPARE(r.url, s.sourceUrl);
        QCOMPARE(r.credential, QStringLiteral("git-token"));
        QCOMPARE(r.origin, QStringLiteral("the catalog source travel"));
        // sourcePath set empty: the whole repository.
        QCOMPARE(sourceRepositoryOf(s, { { QStringLiteral("sourcePath"), QString() } }).path, QString());

        r = sourceRepositoryOf(s, { { QStringLiteral("sourceRepository"), QStringLiteral("/srv/git/search") }, { QStringLiteral("sourcePath"), QStringLiteral("app") } });
        QCOMPARE(r.url, QStringLiteral("/srv/git/search"));
        QCOMPARE(r.path, QStringLiteral("app"));
        QCOMPARE(r.credential, QString()); // the catalog's credential is for the catalog's repository

        QVERIFY(!sourceRepositoryOf(ServiceInfo {}, {}).isKnown());
    }

    void read_cloneThenFetch_listsOwnTagsAndCommitsOfThePath()
    {
        Monorepo repo;
        const QString built = buildMonorepo(QStringLiteral("travel"), repo);
        QVERIFY2(built.isEmpty(), qPrintable(built));
        SourceRepository r;
        r.url = fileUrl(repo.bare);
        r.path = QStringLiteral("services/search");
        r.origin = QStringLiteral("the test");
        const QString cache = m_dir.filePath(QStringLiteral("cache-clone"));

        SourceVersions v = readSourceVersions(r, optionsFor(QStringLiteral("search")), {}, cache, {});
        QVERIFY2(v.ok(), qPrintable(v.error));
        QCOMPARE(v.readFrom, QStringLiteral("a clone made just now"));
        // Own tags only (the plain v9.9.9 and the gateway's are not the search's), numerically newest first.
        QCOMPARE(names(v.versions, SourceVersion::Kind::Tag), (QStringList { QStringLiteral("2.10.0"), QStringLiteral("2.10.0-rc.1"), QStringLiteral("2.9.1") }));
        const SourceVersion& newest = v.versions.first();
        QCOMPARE(newest.tag, QStringLiteral("search/2.10.0"));
        QCOMPARE(newest.sha, repo.searchSecond);
        QCOMPARE(newest.summary, QStringLiteral("Release search/2.10.0"));
        QVERIFY2(newest.describe().startsWith(QStringLiteral("tag search/2.10.0 · ")), qPrintable(newest.describe()));
        // A lightweight tag tells its commit's summary and author.
        QCOMPARE(v.versions.at(1).tag, QStringLiteral("search-v2.10.0-rc.1"));
        QCOMPARE(v.versions.at(1).summary, QStringLiteral("Search: first"));
        QVERIFY(!v.versions.at(1).author.isEmpty());
        // Commits that touched services/search: the initial import, the two search commits.
        QCOMPARE(names(v.versions, SourceVersion::Kind::Commit),
            (QStringList { repo.searchSecond.left(7), repo.searchFirst.left(7), revParse(repo.bare, QStringLiteral("main~4")).left(7) }));
        QCOMPARE(v.tagCount, 3);
        QCOMPARE(v.commitCount, 3);
        QVERIFY(QFileInfo::exists(Sources::GitMirror::cacheDirectory(cache, r.url) + QStringLiteral("/HEAD")));

        // The gateway in the same repository, whole history, longer SHAs.
        SourceRepository whole = r;
        whole.path.clear();
        v = readSourceVersions(whole, optionsFor(QStringLiteral("gateway"), { { QStringLiteral("commitVersionLength"), QStringLiteral("12") } }), {}, cache, {});
        QVERIFY2(v.ok(), qPrintable(v.error));
        QCOMPARE(v.readFrom, QStringLiteral("a clone fetched just now"));
        QCOMPARE(names(v.versions, SourceVersion::Kind::Tag), QStringList { QStringLiteral("3.1.0") });
        QCOMPARE(v.commitCount, 5);
        QCOMPARE(names(v.versions, SourceVersion::Kind::Commit).first(), repo.docsOnly.left(12));

        // A release and a commit pushed later are seen on the next read (fetched).
        QString error;
        const QString third = commitToRemote(repo.bare, QStringLiteral("main"),
            { { QStringLiteral("services/search/main.go"), "package main // 3\n" } }, QStringLiteral("Search: cache"), &error);
        QVERIFY2(!third.isEmpty(), qPrintable(error));
        QVERIFY2(git({ QStringLiteral("tag"), QStringLiteral("search/2.11.0"), third }, repo.bare, &error), qPrintable(error));
        // Read again within the minute after a fetch: not fetched, and said so.
        v = readSourceVersions(r, optionsFor(QStringLiteral("search"), { { QStringLiteral("sourceFetchSeconds"), QStringLiteral("3600") } }), {}, cache, {});
        QVERIFY2(v.ok(), qPrintable(v.error));
        QVERIFY2(v.readFrom.startsWith(QStringLiteral("a clone fetched ")) && v.readFrom != QStringLiteral("a clone fetched just now"), qPrintable(v.readFrom));
        QCOMPARE(v.versions.first().version, QStringLiteral("2.10.0"));
        v = readSourceVersions(r, optionsFor(QStringLiteral("search")), {}, cache, {});
        QVERIFY2(v.ok(), qPrintable(v.error));
        QCOMPARE(v.versions.first().version, QStringLiteral("2.11.0"));
        QCOMPARE(names(v.versions, SourceVersion::Kind::Commit).first(), third.left(7));

        // No commits when asked for none; a configured pattern.
        v = readSourceVersions(r, optionsFor(QStringLiteral("search"), { { QStringLiteral("sourceCommits"), QStringLiteral("0") }, { QStringLiteral("tagPattern"), QStringLiteral("v(.*)") } }), {}, cache, {});
        QVERIFY2(v.ok(), qPrintable(v.error));
        QCOMPARE(v.versionNames(), QStringList { QStringLiteral("9.9.9") });

        // A broken pattern is an error naming the setting, read nothing.
        v = readSourceVersions(r, optionsFor(QStringLiteral("search"), { { QStringLiteral("tagPattern"), QStringLiteral("v(") } }), {}, cache, {});
        QVERIFY(!v.ok());
        QVERIFY2(v.error.contains(QStringLiteral("tagPattern")), qPrintable(v.error));

        // The remote is gone: the earlier clone is read, with a warning saying so.
        QVERIFY(QDir(repo.bare).rename(repo.bare, repo.bare + QStringLiteral(".moved")));
        v = readSourceVersions(r, optionsFor(QStringLiteral("search")), {}, cache, {});
        QVERIFY(QDir().rename(repo.bare + QStringLiteral(".moved"), repo.bare));
        QVERIFY2(v.ok(), qPrintable(v.error));
        QCOMPARE(v.readFrom, QStringLiteral("an earlier clone"));
        QVERIFY2(v.warning.contains(QStringLiteral("could not be fetched")), qPrintable(v.warning));
        QCOMPARE(v.versions.first().version, QStringLiteral("2.11.0"));
    }

    void read_twoAtOnce_shareTheCloneOneAfterTheOther()
    {
        // The page, the tab and the dialog may ask at the same moment: the first clones, the
        // other waits for it and then reads (or fetches) the same clone.
        Monorepo repo;
        const QString built = buildMonorepo(QStringLiteral("concurrent"), repo);
        QVERIFY2(built.isEmpty(), qPrintable(built));
        SourceRepository r;
        r.url = fileUrl(repo.bare);
        const QString cache = m_dir.filePath(QStringLiteral("cache-concurrent"));
        const auto read = [&] { return readSourceVersions(r, optionsFor(QStringLiteral("search")), {}, cache, {}); };
        QFuture<SourceVersions> a = QtConcurrent::run(read);
        QFuture<SourceVersions> b = QtConcurrent::run(read);
        a.waitForFinished();
        b.waitForFinished();
        QVERIFY2(a.result().ok(), qPrintable(a.result().error));
        QVERIFY2(b.result().ok(), qPrintable(b.result().error));
        QCOMPARE(a.result().versionNames(), b.result().versionNames());
        QStringList from { a.result().readFrom, b.result().readFrom };
        from.sort();
        QCOMPARE(from, (QStringList { QStringLiteral("a clone fetched just now"), QStringLiteral("a clone made just now") }));
    }

    void read_unreachableWithoutClone_saysWhatAndWhere()
    {
        SourceRepository r;
        r.url = fileUrl(m_dir.filePath(QStringLiteral("nowhere.git")));
        r.origin = QStringLiteral("the annotation backstage.io/source-location");
        const SourceVersions v = readSourceVersions(r, optionsFor(QStringLiteral("search")), {}, m_dir.filePath(QStringLiteral("cache-none")), {});
        QVERIFY(!v.ok());
        QVERIFY2(v.error.contains(r.url) && v.error.contains(QStringLiteral("could not be cloned")), qPrintable(v.error));
        QVERIFY(!v.hint.isEmpty());
        QVERIFY(v.versions.isEmpty());

        const SourceVersions unknown = readSourceVersions(SourceRepository {}, optionsFor(QStringLiteral("search")), {}, {}, {});
        QVERIFY(!unknown.ok());
        QVERIFY2(unknown.hint.contains(QStringLiteral("sourceRepository")), qPrintable(unknown.hint));
    }

    void read_catalogClone_isReadWithoutNetwork()
    {
        Monorepo repo;
        const QString built = buildMonorepo(QStringLiteral("catalogued"), repo);
        QVERIFY2(built.isEmpty(), qPrintable(built));
        SourceRepository r;
        r.url = fileUrl(repo.bare);
        r.path = QStringLiteral("services/gateway");
        // The catalog's clone, as GitMirror keeps it (a working tree named by the URL's key).
        const QString catalogRoot = m_dir.filePath(QStringLiteral("catalog-cache"));
        QVERIFY(QDir().mkpath(catalogRoot));
        const QString clone = Sources::GitMirror::cacheDirectory(catalogRoot, r.url);
        QString error;
        QVERIFY2(git({ QStringLiteral("clone"), QStringLiteral("-q"), r.url, clone }, m_dir.path(), &error), qPrintable(error));
        // Released after the catalog's last fetch: not seen, as nothing is fetched.
        QVERIFY2(git({ QStringLiteral("tag"), QStringLiteral("gateway/3.2.0"), repo.docsOnly }, repo.bare, &error), qPrintable(error));

        const QString ownCache = m_dir.filePath(QStringLiteral("cache-catalogued"));
        const SourceVersions v = readSourceVersions(r, optionsFor(QStringLiteral("gateway")), catalogRoot, ownCache, {});
        QVERIFY2(v.ok(), qPrintable(v.error));
        QVERIFY2(v.readFrom.startsWith(QStringLiteral("the catalog's clone")), qPrintable(v.readFrom));
        QCOMPARE(names(v.versions, SourceVersion::Kind::Tag), QStringList { QStringLiteral("3.1.0") });
        QCOMPARE(names(v.versions, SourceVersion::Kind::Commit),
            (QStringList { repo.gatewayOnly.left(7), revParse(repo.bare, QStringLiteral("main~4")).left(7) }));
        QVERIFY(!QFileInfo::exists(ownCache)); // no clone of its own was made
    }

    void read_localPath_isReadInPlace()
    {
        const QString work = m_dir.filePath(QStringLiteral("local-work"));
        QVERIFY(QDir().mkpath(work));
        QString error;
        QVERIFY2(git({ QStringLiteral("init"), QStringLiteral("-q"), QStringLiteral("-b"), QStringLiteral("main") }, work, &error), qPrintable(error));
        QFile f(work + QStringLiteral("/app.txt"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("1\n");
        f.close();
        QVERIFY2(git({ QStringLiteral("add"), QStringLiteral(".") }, work, &error) && git({ QStringLiteral("commit"), QStringLiteral("-qm"), QStringLiteral("One") }, work, &error), qPrintable(error));
        QVERIFY2(git({ QStringLiteral("tag"), QStringLiteral("v0.1.0") }, work, &error), qPrintable(error));
        SourceRepository r;
        r.url = work;
        const SourceVersions v = readSourceVersions(r, optionsFor(QStringLiteral("app")), {}, m_dir.filePath(QStringLiteral("cache-local")), {});
        QVERIFY2(v.ok(), qPrintable(v.error));
        QCOMPARE(v.readFrom, QStringLiteral("the repository on this machine"));
        QCOMPARE(v.versionNames(), (QStringList { QStringLiteral("0.1.0"), revParse(work, QStringLiteral("HEAD")).left(7) }));
        QVERIFY(!QFileInfo::exists(m_dir.filePath(QStringLiteral("cache-local"))));
    }

    void read_overHttpWithToken()
    {
        Monorepo repo;
        const QString built = buildMonorepo(QStringLiteral("served"), repo);
        QVERIFY2(built.isEmpty(), qPrintable(built));
        GitHttpServer::Options options;
        options.projectRoot = m_dir.path();
        options.username = QStringLiteral("deployer");
        options.token = "s3cret-token";
        GitHttpServer server(options);
        QString error;
        QVERIFY2(server.start(&error), qPrintable(error));
        SourceRepository r;
        r.url = server.url(QStringLiteral("served.git"));
        r.path = QStringLiteral("services/search");
        const QString cache = m_dir.filePath(QStringLiteral("cache-http"));

        Git::RemoteOptions remote;
        remote.credentials.username = QStringLiteral("deployer");
        remote.credentials.secret = "wrong";
        remote.maxAuthAttempts = 1;
        SourceVersions v = readSourceVersions(r, optionsFor(QStringLiteral("search")), {}, cache, remote);
        QVERIFY(!v.ok());
        QVERIFY2(!v.error.contains(QStringLiteral("wrong")), qPrintable(v.error)); // the secret is never repeated

        remote.credentials.secret = "s3cret-token";
        v = readSourceVersions(r, optionsFor(QStringLiteral("search")), {}, cache, remote);
        QVERIFY2(v.ok(), qPrintable(v.error));
        QCOMPARE(v.versions.first().version, QStringLiteral("2.10.0"));
        QVERIFY(server.stats().authorized > 0);
        QVERIFY(server.stats().users.contains(QStringLiteral("deployer")));
    }

    void service_readsTheRepositoryOfTheCatalogSource()
    {
        Monorepo repo;
        const QString built = buildMonorepo(QStringLiteral("through-service"), repo);
        QVERIFY2(built.isEmpty(), qPrintable(built));
        QTemporaryDir dir;
        Workspace::DeploySettings d;
        Workspace::DeployBackendSpec script;
        script.name = QStringLiteral("local");
        script.type = QStringLiteral("script");
        script.settings.insert(QStringLiteral("command"), QStringLiteral("true"));
        d.backends << script;
        d.environments << Workspace::DeployEnvironmentSpec { QStringLiteral("dev"), script.name, false, {}, {} };
        Workspace::DeployServiceSpec search;
        search.name = QStringLiteral("search");
        search.environments.insert(QStringLiteral("dev"), { { QStringLiteral("sourceCommits"), QStringLiteral("1") } });
        d.services << search;
        DeployService::Options o;
        o.databasePath = dir.filePath(QStringLiteral("store.sqlite"));
        o.dataDirectory = dir.filePath(QStringLiteral("data"));
        o.actor = QStringLiteral("Ada Lovelace <ada@example.com>");
        DeployService service(d, o);
        ServiceInfo info;
        info.name = QStringLiteral("search");
        info.sourceName = QStringLiteral("travel");
        info.sourceUrl = fileUrl(repo.bare);
        info.sourcePath = QStringLiteral("services/search");
        service.setServices({ info });

        std::optional<SourceVersions> got;
        service.sourceVersions(QStringLiteral("search"), QStringLiteral("dev"), this, [&got](const SourceVersions& v) { got = v; });
        QVERIFY(!got); // never synchronous
        QTRY_VERIFY_WITH_TIMEOUT(got.has_value(), 30000);
        QVERIFY2(got->ok(), qPrintable(got->error));
        QCOMPARE(got->repository.origin, QStringLiteral("the catalog source travel"));
        QCOMPARE(got->versionNames(), (QStringList { QStringLiteral("2.10.0"), QStringLiteral("2.10.0-rc.1"), QStringLiteral("2.9.1"), repo.searchSecond.left(7) }));
        QVERIFY(QFileInfo::exists(Sources::GitMirror::cacheDirectory(dir.filePath(QStringLiteral("data/sources")), info.sourceUrl)));

        // A service nobody knows the repository of: an error that says how to name it.
        got.reset();
        service.sourceVersions(QStringLiteral("unknown"), QStringLiteral("dev"), this, [&got](const SourceVersions& v) { got = v; });
        QTRY_VERIFY_WITH_TIMEOUT(got.has_value(), 30000);
        QVERIFY(!got->ok());
        QVERIFY2(got->error.contains(QStringLiteral("not known")), qPrintable(got->error));
    }
};

QTEST_MAIN(tst_SourceVersions)
#include "tst_sourceversions.moc"
