// SPDX-License-Identifier: Apache-2.0
// The bundled demo (Fernhollow Travel): built into real bare git repositories, read back through
// the git catalog source, and opened by the command line when it is given no source.

#include "git/gitrepository.h"
#include "sources/catalogrefresh.h"
#include "sources/gitmirror.h"
#include "workspace/demoworkspace.h"
#include "workspace/workspace.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>
#include <QtConcurrent/QtConcurrentRun>

#include <git2.h>

#include <memory>

using namespace Flightdeck;
using Catalog::RelationType;
using Sources::CatalogSourceSpec;
using Workspace::DemoOptions;
using Workspace::DemoResult;
using Workspace::DemoWorkspace;

namespace {

const QStringList kRepositories = { QStringLiteral("booking"), QStringLiteral("commerce"),
    QStringLiteral("customer-care"), QStringLiteral("data-platform"), QStringLiteral("org"), QStringLiteral("payments"),
    QStringLiteral("platform"), QStringLiteral("storefront"), QStringLiteral("supplier-connectivity"),
    QStringLiteral("travel-search") };

const QStringList kApis = { QStringLiteral("booking-events"), QStringLiteral("bookings"),
    QStringLiteral("clickstream-events"), QStringLiteral("destination-autocomplete"), QStringLiteral("exchange-rates"),
    QStringLiteral("fare-quote"), QStringLiteral("feature-flags"), QStringLiteral("flight-offers"),
    QStringLiteral("fraud-score"), QStringLiteral("hotel-availability"), QStringLiteral("identity"),
    QStringLiteral("inventory-events"), QStringLiteral("loyalty-points"), QStringLiteral("notifications"),
    QStringLiteral("payment-events"), QStringLiteral("payments"), QStringLiteral("storefront-graphql"),
    QStringLiteral("support-cases"), QStringLiteral("trip-search") };

QString mainOf(const QString& bare)
{
    const Git::Result<Git::Repository> repository = Git::Repository::open(bare);
    if (!repository)
        return QString();
    const Git::Result<Git::CommitInfo> head = repository->commit(QStringLiteral("refs/heads/main"));
    return head ? head->sha : QString();
}

QList<Git::CommitInfo> historyOf(const QString& bare)
{
    const Git::Result<Git::Repository> repository = Git::Repository::open(bare);
    if (!repository)
        return {};
    const auto commits = repository->recentCommits(100, QStringLiteral("refs/heads/main"));
    return commits ? commits.value() : QList<Git::CommitInfo>();
}

QMap<QString, QString> headsIn(const QString& dataDir, const QStringList& repositories = kRepositories)
{
    QMap<QString, QString> heads;
    for (const QString& name : repositories)
        heads.insert(name, mainOf(DemoWorkspace::remotePath(dataDir, name)));
    return heads;
}

QByteArray readAll(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

bool writeAll(const QString& path, const QByteArray& bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(bytes) == bytes.size();
}

// A copy of the bundled demo on disk, to play a newer Flightdeck's bundle.
bool copyBundle(const QString& to)
{
    const QString from = DemoWorkspace::bundledDemo();
    QDirIterator it(from, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        if (!writeAll(to + path.mid(from.size()), readAll(path)))
            return false;
    }
    return true;
}

const QStringList kSmall
    = { QStringLiteral("alpha"), QStringLiteral("beta"), QStringLiteral("delta"), QStringLiteral("gamma") };

// A bundle of four tiny repositories, for what does not depend on the demo's content.
bool makeSmallBundle(const QString& root)
{
    for (const QString& name : kSmall) {
        const QString repo = root + QStringLiteral("/repos/") + name;
        const QByteArray entity
            = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: " + name.toUtf8()
            + "\nspec:\n  type: service\n  lifecycle: production\n  owner: team-" + name.toUtf8() + "\n";
        if (!writeAll(repo + QStringLiteral("/catalog-info.yaml"), entity)
            || !writeAll(repo + QStringLiteral("/README.md"), "# " + name.toUtf8() + "\n")
            || !writeAll(repo + QStringLiteral("/docs/index.md"), "About " + name.toUtf8() + ".\n"))
            return false;
    }
    return writeAll(root + QStringLiteral("/README.md"), "A small bundle.\n");
}

Sources::RefreshResult refresh(const QList<CatalogSourceSpec>& sources, const QString& cacheDir)
{
    Sources::RefreshOptions options;
    options.gitCacheDir = cacheDir;
    Sources::CatalogRefresh refresh(sources, options);
    Sources::RefreshResult result;
    bool finished = false;
    QObject::connect(&refresh, &Sources::CatalogRefresh::finished, &refresh, [&](const Sources::RefreshResult& r) {
        result = r;
        finished = true;
    });
    refresh.start();
    if (!QTest::qWaitFor([&] { return finished; }, 120000))
        qWarning("the refresh did not finish within two minutes");
    return result;
}

struct CliRun
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

CliRun runCli(const QStringList& arguments, const QString& home)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_DATA_HOME"), QDir(home).filePath(QStringLiteral("data")));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), QDir(home).filePath(QStringLiteral("config")));
    env.insert(QStringLiteral("XDG_CACHE_HOME"), QDir(home).filePath(QStringLiteral("cache")));
    process.setProcessEnvironment(env);
    process.start(QStringLiteral(FLIGHTDECK_BINARY_DIR "/app/flightdeck"), arguments);
    CliRun run;
    if (!process.waitForFinished(180000)) {
        process.kill();
        process.waitForFinished(5000);
        run.err = "timed out";
        return run;
    }
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2;
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    return run;
}

QSet<QString> apiNamesIn(const QByteArray& json)
{
    QSet<QString> names;
    const QJsonArray entities = QJsonDocument::fromJson(json).array();
    for (const QJsonValue& v : entities)
        names.insert(v.toObject().value(QLatin1String("metadata")).toObject().value(QLatin1String("name")).toString());
    return names;
}

} // namespace

class TestDemoWorkspace : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int m_counter = 0;
    // The demo built once and read through the real refresh path, on first use.
    QString m_demoData;
    std::shared_ptr<Sources::RefreshResult> m_demo;
    QString m_demoCache;

    QString fresh(const QString& name) { return m_dir.filePath(QStringLiteral("%1-%2").arg(name).arg(++m_counter)); }

    // A data folder holding the small bundle's demo, and the bundle's options.
    QString smallDemo(DemoOptions& options)
    {
        options.bundle = fresh(QStringLiteral("bundle"));
        if (!makeSmallBundle(options.bundle))
            qFatal("cannot write the small bundle");
        const QString data = fresh(QStringLiteral("data"));
        const DemoResult built = DemoWorkspace::ensure(data, options);
        if (!built.ok || built.committed != kSmall)
            qFatal("the small demo could not be built: %s", qPrintable(built.error));
        return data;
    }

    const QString& demoData()
    {
        if (m_demoData.isEmpty()) {
            m_demoData = fresh(QStringLiteral("demo"));
            const DemoResult built = DemoWorkspace::ensure(m_demoData);
            if (!built.ok)
                qFatal("the demo could not be built: %s", qPrintable(built.error));
        }
        return m_demoData;
    }

    const Sources::RefreshResult& demo()
    {
        if (!m_demo) {
            Catalog::Diagnostics problems;
            const auto workspace = Workspace::Workspace::load(DemoWorkspace::workspacePath(demoData()), problems);
            if (!workspace)
                qFatal("the demo workspace does not load");
            m_demoCache = fresh(QStringLiteral("cache"));
            m_demo = std::make_shared<Sources::RefreshResult>(refresh(workspace->sources(), m_demoCache));
        }
        return *m_demo;
    }

private Q_SLOTS:
    void initTestCase()
    {
        git_libgit2_init();
        QVERIFY(m_dir.isValid());
    }

    void cleanupTestCase() { git_libgit2_shutdown(); }

    void repositories_bundledDemo_listsEveryRepositoryFolder()
    {
        QCOMPARE(DemoWorkspace::repositories(), kRepositories);
        for (const QString& name : kRepositories)
            QVERIFY2(QFile::exists(QStringLiteral(":/demo/repos/%1/catalog-info.yaml").arg(name)), qPrintable(name));
    }

    void version_changedByte_givesAnotherVersion()
    {
        const QString bundle = fresh(QStringLiteral("bundle"));
        QVERIFY(copyBundle(bundle));
        QCOMPARE(DemoWorkspace::version(bundle), DemoWorkspace::version());
        const QString readme = bundle + QStringLiteral("/repos/org/README.md");
        QVERIFY(writeAll(readme, readAll(readme) + "\n"));
        QVERIFY(DemoWorkspace::version(bundle) != DemoWorkspace::version());
    }

    void ensure_emptyDataDir_createsBareRemotesAndWorkspace()
    {
        const QString data = fresh(QStringLiteral("data"));
        const DemoResult result = DemoWorkspace::ensure(data);
        QVERIFY2(result.ok, qPrintable(result.error));
        QVERIFY(result.changed);
        // Every catalog repository, then the environments repository the demo deploys to.
        QCOMPARE(result.committed, kRepositories + QStringList { QStringLiteral("environments") });
        QCOMPARE(result.workspacePath, DemoWorkspace::workspacePath(data));
        {
            const QString environments = DemoWorkspace::remotePath(data, QStringLiteral("environments"));
            QCOMPARE(historyOf(environments).size(), 1);
            Catalog::Diagnostics problems;
            const auto workspace = Workspace::Workspace::load(result.workspacePath, problems);
            QVERIFY(workspace);
            const Workspace::DeploySettings& deploy = workspace->deploySettings();
            QCOMPARE(deploy.environments.size(), 3);
            QCOMPARE(deploy.backend(QStringLiteral("environments"))->settings.value(QStringLiteral("repository")),
                QUrl::fromLocalFile(environments).toString());
            QVERIFY(deploy.environment(QStringLiteral("production"))->confirm);
            // The environments repository is not a catalog source.
            for (const auto& source : workspace->sources())
                QVERIFY(source.name != QLatin1String("environments"));
        }

        for (const QString& name : kRepositories) {
            const QString bare = DemoWorkspace::remotePath(data, name);
            const Git::Result<Git::Repository> repository = Git::Repository::open(bare);
            QVERIFY2(repository, qPrintable(bare));
            QVERIFY(repository->isBare());
            const QList<Git::CommitInfo> history = historyOf(bare);
            QCOMPARE(history.size(), 1);
            QCOMPARE(history.front().authorName, QStringLiteral("Fernhollow Demo"));
            QCOMPARE(history.front().authorEmail, QStringLiteral("demo@fernhollow.example"));
            QVERIFY(history.front().parents.isEmpty());
        }
        // The release tags the deploy dialog offers, annotated, on the newest commit of main.
        for (const auto& [repository, tag] : { std::pair { QStringLiteral("travel-search"), QStringLiteral("flight-search/2.4.1") },
                 std::pair { QStringLiteral("booking"), QStringLiteral("booking-service/1.8.1") } }) {
            const QString bare = DemoWorkspace::remotePath(data, repository);
            const Git::Result<Git::Repository> opened = Git::Repository::open(bare);
            QVERIFY(opened);
            const auto tags = opened->tags();
            QVERIFY(tags);
            const auto found = std::find_if(tags->cbegin(), tags->cend(), [&](const Git::TagInfo& t) { return t.name == tag; });
            QVERIFY2(found != tags->cend(), qPrintable(tag));
            QVERIFY(found->annotated);
            QCOMPARE(found->taggerName, QStringLiteral("Fernhollow Demo"));
            QCOMPARE(found->commitSha, mainOf(bare));
            QVERIFY(!found->message.isEmpty());
        }

        Catalog::Diagnostics problems;
        const auto workspace = Workspace::Workspace::load(result.workspacePath, problems);
        QVERIFY(workspace);
        QVERIFY(problems.isEmpty());
        const QByteArray text = readAll(result.workspacePath);
        QVERIFY(text.contains("apiVersion: flightdeck.dev/v1"));
        QVERIFY(text.contains("kind: Workspace"));
        const QList<CatalogSourceSpec> sources = workspace->sources();
        QCOMPARE(sources.size(), kRepositories.size());
        for (const CatalogSourceSpec& source : sources) {
            QCOMPARE(source.type, CatalogSourceSpec::Type::Git);
            QCOMPARE(source.branch, QStringLiteral("main"));
            QCOMPARE(source.url,
                QUrl::fromLocalFile(QFileInfo(DemoWorkspace::remotePath(data, source.name)).absoluteFilePath())
                    .toString());
            QVERIFY(source.url.startsWith(QLatin1String("file:///")));
        }
        // The working trees were temporary: only the remotes, the workspace and the version stay.
        QCOMPARE(QDir(data + QStringLiteral("/demo")).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden),
            (QStringList { QStringLiteral("remotes"), QStringLiteral("version"), QStringLiteral("workspace.yaml") }));
    }

    void ensure_calledTwice_makesNoNewCommits()
    {
        const QString data = demoData();
        const QMap<QString, QString> before = headsIn(data);
        const QByteArray workspaceBefore = readAll(DemoWorkspace::workspacePath(data));

        const DemoResult again = DemoWorkspace::ensure(data);
        QVERIFY2(again.ok, qPrintable(again.error));
        QVERIFY(!again.changed);
        QVERIFY(again.committed.isEmpty());
        QCOMPARE(headsIn(data), before);
        QCOMPARE(readAll(DemoWorkspace::workspacePath(data)), workspaceBefore);
    }

    void ensure_versionBumpedSameFiles_resyncsWithoutCommits()
    {
        DemoOptions options;
        const QString data = smallDemo(options);
        const QMap<QString, QString> before = headsIn(data, kSmall);

        // A newer demo that names release tags: they are made, once.
        QVERIFY(writeAll(options.bundle + QStringLiteral("/deploy/releases.txt"), "# tags\nbeta beta/1.0.0 First release\nnot-here x/1.0 Ignored\n"));
        options.version = DemoWorkspace::version(options.bundle) + QStringLiteral("-next");
        QStringList progress;
        options.progress = [&progress](const QString& repository, int, int) { progress << repository; };
        const DemoResult result = DemoWorkspace::ensure(data, options);
        QVERIFY2(result.ok, qPrintable(result.error));
        QVERIFY(result.changed);
        QVERIFY(result.committed.isEmpty());
        QCOMPARE(headsIn(data, kSmall), before);
        QCOMPARE(progress, kSmall + QStringList { QString() });
        QCOMPARE(readAll(data + QStringLiteral("/demo/version")).trimmed(), options.version.toUtf8());
        const auto tagsOfBeta = [&] {
            QStringList out;
            const Git::Result<Git::Repository> opened = Git::Repository::open(DemoWorkspace::remotePath(data, QStringLiteral("beta")));
            const auto tags = opened ? opened->tags() : Git::Result<QList<Git::TagInfo>>(Git::Error {});
            if (tags)
                for (const Git::TagInfo& t : tags.value())
                    out << t.name + QLatin1Char(' ') + t.commitSha + QLatin1Char(' ') + t.message;
            return out;
        };
        const QStringList tagged = tagsOfBeta();
        QCOMPARE(tagged, QStringList { QStringLiteral("beta/1.0.0 %1 First release").arg(before.value(QStringLiteral("beta"))) });
        // Built again: the tag stays as it was, nothing fails.
        options.version += QStringLiteral("-again");
        const DemoResult again = DemoWorkspace::ensure(data, options);
        QVERIFY2(again.ok, qPrintable(again.error));
        QCOMPARE(tagsOfBeta(), tagged);
    }

    void ensure_newerBundle_commitsOnTopOfHistory()
    {
        DemoOptions options;
        const QString data = smallDemo(options);
        const QMap<QString, QString> before = headsIn(data, kSmall);
        const QString oldVersion = DemoWorkspace::version(options.bundle);

        const QString beta = options.bundle + QStringLiteral("/repos/beta");
        QVERIFY(writeAll(beta + QStringLiteral("/README.md"), "# beta\n\nNow with a changelog.\n"));
        QVERIFY(writeAll(beta + QStringLiteral("/CHANGELOG.md"), "## 2.0\n"));
        QVERIFY(QFile::remove(beta + QStringLiteral("/docs/index.md")));
        const QString newVersion = DemoWorkspace::version(options.bundle);
        QVERIFY(newVersion != oldVersion);

        const DemoResult result = DemoWorkspace::ensure(data, options);
        QVERIFY2(result.ok, qPrintable(result.error));
        QCOMPARE(result.committed, QStringList { QStringLiteral("beta") });
        const QList<Git::CommitInfo> history = historyOf(DemoWorkspace::remotePath(data, QStringLiteral("beta")));
        QCOMPARE(history.size(), 2);
        QCOMPARE(history.front().parents, QStringList { before.value(QStringLiteral("beta")) });
        QVERIFY(history.front().summary.contains(newVersion));
        for (const QString& name : kSmall)
            if (name != QLatin1String("beta"))
                QCOMPARE(mainOf(DemoWorkspace::remotePath(data, name)), before.value(name));

        // A clone of the remote has exactly the new bundle's files.
        const QString clone = fresh(QStringLiteral("clone"));
        QVERIFY(Git::Repository::clone(
            QUrl::fromLocalFile(DemoWorkspace::remotePath(data, QStringLiteral("beta"))).toString(), clone, {}));
        QCOMPARE(readAll(clone + QStringLiteral("/README.md")), QByteArray("# beta\n\nNow with a changelog.\n"));
        QVERIFY(QFile::exists(clone + QStringLiteral("/CHANGELOG.md")));
        QVERIFY(!QFile::exists(clone + QStringLiteral("/docs/index.md")));
    }

    void ensure_remoteDeleted_rebuildsIt()
    {
        DemoOptions options;
        const QString data = smallDemo(options);
        const QString bare = DemoWorkspace::remotePath(data, QStringLiteral("alpha"));
        QVERIFY(QDir(bare).removeRecursively());

        const DemoResult result = DemoWorkspace::ensure(data, options);
        QVERIFY2(result.ok, qPrintable(result.error));
        QCOMPARE(result.committed, QStringList { QStringLiteral("alpha") });
        QCOMPARE(historyOf(bare).size(), 1);
    }

    void ensure_remoteDamaged_replacesIt()
    {
        DemoOptions options;
        const QString data = smallDemo(options);
        const QString bare = DemoWorkspace::remotePath(data, QStringLiteral("gamma"));
        QVERIFY(QDir(bare).removeRecursively());
        QVERIFY(writeAll(bare + QStringLiteral("/junk.txt"), "not a repository\n"));

        const DemoResult result = DemoWorkspace::ensure(data, options);
        QVERIFY2(result.ok, qPrintable(result.error));
        QCOMPARE(result.committed, QStringList { QStringLiteral("gamma") });
        QCOMPARE(historyOf(bare).size(), 1);
    }

    void ensure_newerDemo_keepsSourcesTheUserAdded()
    {
        DemoOptions options;
        const QString data = smallDemo(options);
        const QString path = DemoWorkspace::workspacePath(data);
        Catalog::Diagnostics problems;
        auto workspace = Workspace::Workspace::load(path, problems);
        QVERIFY(workspace);
        CatalogSourceSpec mine;
        mine.name = QStringLiteral("my-services");
        mine.type = CatalogSourceSpec::Type::Directory;
        mine.path = m_dir.path();
        QVERIFY(workspace->addSource(mine));
        QVERIFY(workspace->save());

        options.version = QStringLiteral("next");
        QVERIFY(DemoWorkspace::ensure(data, options).ok);
        workspace = Workspace::Workspace::load(path, problems);
        QVERIFY(workspace);
        QVERIFY(workspace->source(QStringLiteral("my-services")));
        QCOMPARE(workspace->sources().size(), kSmall.size() + 1);
    }

    void ensure_repositoryLeftTheBundle_dropsItsSource()
    {
        DemoOptions options;
        const QString data = smallDemo(options);
        QVERIFY(QDir(options.bundle + QStringLiteral("/repos/delta")).removeRecursively());

        QVERIFY(DemoWorkspace::ensure(data, options).ok);
        Catalog::Diagnostics problems;
        const auto workspace = Workspace::Workspace::load(DemoWorkspace::workspacePath(data), problems);
        QVERIFY(workspace);
        QVERIFY(!workspace->source(QStringLiteral("delta")));
        QCOMPARE(workspace->sources().size(), kSmall.size() - 1);
    }

    void ensure_emptyBundle_failsWithHint()
    {
        DemoOptions options;
        options.bundle = fresh(QStringLiteral("empty"));
        QVERIFY(QDir().mkpath(options.bundle));
        const DemoResult result = DemoWorkspace::ensure(fresh(QStringLiteral("data")), options);
        QVERIFY(!result.ok);
        QVERIFY(result.error.contains(options.bundle));
        QVERIFY(!result.hint.isEmpty());
    }

    void ensure_dataDirUnwritable_failsWithPathAndHint()
    {
        // Below a regular file nothing can be created, whoever runs the test.
        const QString blocker = fresh(QStringLiteral("file"));
        QVERIFY(writeAll(blocker, "x"));
        const QString data = blocker + QStringLiteral("/data");
        const DemoResult result = DemoWorkspace::ensure(data);
        QVERIFY(!result.ok);
        QVERIFY2(result.error.contains(QDir::toNativeSeparators(data)), qPrintable(result.error));
        QVERIFY(result.hint.contains(QLatin1String("writable")));
    }

    void ensure_cancelled_stopsAndFinishesNextTime()
    {
        DemoOptions options;
        options.bundle = fresh(QStringLiteral("bundle"));
        QVERIFY(makeSmallBundle(options.bundle));
        const QString data = fresh(QStringLiteral("data"));
        std::atomic<bool> cancel { false };
        options.cancel = &cancel;
        options.progress = [&cancel](const QString&, int done, int) {
            if (done == 2)
                cancel = true;
        };
        const DemoResult stopped = DemoWorkspace::ensure(data, options);
        QVERIFY(!stopped.ok);
        QVERIFY(stopped.error.contains(QLatin1String("cancelled")));
        QVERIFY(!QFile::exists(DemoWorkspace::workspacePath(data)));

        options.cancel = nullptr;
        options.progress = nullptr;
        const DemoResult finished = DemoWorkspace::ensure(data, options);
        QVERIFY2(finished.ok, qPrintable(finished.error));
        QCOMPARE(finished.committed, QStringList { QStringLiteral("gamma") }); // the three before it were built
        for (const QString& name : kSmall)
            QCOMPARE(historyOf(DemoWorkspace::remotePath(data, name)).size(), 1);
    }

    void ensure_concurrentCalls_buildOnce()
    {
        DemoOptions options;
        options.bundle = fresh(QStringLiteral("bundle"));
        QVERIFY(makeSmallBundle(options.bundle));
        const QString data = fresh(QStringLiteral("data"));
        QFuture<DemoResult> first = QtConcurrent::run([data, options] { return DemoWorkspace::ensure(data, options); });
        QFuture<DemoResult> second
            = QtConcurrent::run([data, options] { return DemoWorkspace::ensure(data, options); });
        QVERIFY(QTest::qWaitFor([&] { return first.isFinished() && second.isFinished(); }, 120000));
        QVERIFY(first.result().ok);
        QVERIFY(second.result().ok);
        QCOMPARE(int(first.result().changed) + int(second.result().changed), 1);
        for (const QString& name : kSmall)
            QCOMPARE(historyOf(DemoWorkspace::remotePath(data, name)).size(), 1);
    }

    void catalog_demo_hasNoErrorsOrWarnings()
    {
        const Sources::RefreshResult& result = demo();
        QVERIFY(result.catalog);
        QCOMPARE(result.sources.size(), kRepositories.size());
        for (const Sources::SourceLoad& load : result.sources) {
            QVERIFY2(load.reachable, qPrintable(load.spec.name));
            QVERIFY2(!load.stale, qPrintable(load.spec.name));
            QVERIFY2(!load.revision.isEmpty(), qPrintable(load.spec.name));
        }
        QStringList problems;
        for (const Catalog::Diagnostic& d : result.catalog->diagnostics())
            problems << d.toText();
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
        QCOMPARE(result.catalog->errorCount(), 0);
        QCOMPARE(result.catalog->warningCount(), 0);
    }

    void catalog_kind_hasExpectedCount_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<int>("count");
        QTest::newRow("Group") << QStringLiteral("Group") << 17; // organisation, 4 departments, 12 teams
        QTest::newRow("User") << QStringLiteral("User") << 42;
        QTest::newRow("Domain") << QStringLiteral("Domain") << 4;
        QTest::newRow("System") << QStringLiteral("System") << 10;
        QTest::newRow("Component") << QStringLiteral("Component") << 56;
        QTest::newRow("API") << QStringLiteral("API") << 19;
        QTest::newRow("Resource") << QStringLiteral("Resource") << 15;
        QTest::newRow("Location") << QStringLiteral("Location") << 12;
    }

    void catalog_kind_hasExpectedCount()
    {
        QFETCH(QString, kind);
        QFETCH(int, count);
        const Catalog::CatalogPtr catalog = demo().catalog;
        QVERIFY(catalog);
        int found = 0;
        for (const Catalog::Entity& e : catalog->entities())
            found += e.ref.kind == kind ? 1 : 0;
        QCOMPARE(found, count);
        QCOMPARE(catalog->size(), 175);
    }

    void catalog_apis_haveDefinitionsReadFromText()
    {
        const Catalog::CatalogPtr catalog = demo().catalog;
        QVERIFY(catalog);
        const QHash<QString, QString> marker = { { QStringLiteral("openapi"), QStringLiteral("openapi: 3.0.3") },
            { QStringLiteral("asyncapi"), QStringLiteral("asyncapi: 2.6.0") },
            { QStringLiteral("graphql"), QStringLiteral("type Query {") },
            { QStringLiteral("grpc"), QStringLiteral("syntax = \"proto3\";") } };
        QMap<QString, int> byType;
        QStringList names;
        for (const Catalog::Entity& e : catalog->entities()) {
            if (e.ref.kind != QLatin1String("API"))
                continue;
            names << e.ref.name;
            const QJsonObject spec
                = QJsonDocument::fromJson(e.document).object().value(QLatin1String("spec")).toObject();
            const QJsonValue definition = spec.value(QLatin1String("definition"));
            QVERIFY2(definition.isString(), qPrintable(e.key));
            QVERIFY2(marker.contains(e.type), qPrintable(e.type));
            QVERIFY2(definition.toString().contains(marker.value(e.type)), qPrintable(e.key));
            QVERIFY2(definition.toString().size() > 1500, qPrintable(e.key)); // a real definition, not a stub
            ++byType[e.type];
        }
        names.sort();
        QCOMPARE(names, kApis);
        QCOMPARE(byType.value(QStringLiteral("openapi")), 13);
        QCOMPARE(byType.value(QStringLiteral("asyncapi")), 4);
        QCOMPARE(byType.value(QStringLiteral("graphql")), 1);
        QCOMPARE(byType.value(QStringLiteral("grpc")), 1);
    }

    void catalog_relations_everyTargetIsPresent()
    {
        const Catalog::CatalogPtr catalog = demo().catalog;
        QVERIFY(catalog);
        QStringList dangling;
        for (int i = 0; i < catalog->size(); ++i)
            for (const Catalog::Edge& edge : catalog->relations(i))
                if (edge.isDangling() || catalog->indexOf(catalog->targetKey(edge)) < 0)
                    dangling << catalog->entity(i).key + QStringLiteral(" -> ") + catalog->targetKey(edge);
        QVERIFY2(dangling.isEmpty(), qPrintable(dangling.join(QLatin1Char('\n'))));
        QVERIFY(catalog->relationCount() > 600);
    }

    void catalog_graph_hasTheShapesTheViewsShow()
    {
        const Catalog::CatalogPtr catalog = demo().catalog;
        QVERIFY(catalog);
        auto index = [&](const char* key) { return catalog->indexOf(QString::fromLatin1(key)); };
        auto has = [&](const char* from, RelationType type, const char* to) {
            const int i = index(from);
            if (i < 0)
                return false;
            for (const Catalog::Edge& e : catalog->relations(i))
                if (e.type == type && catalog->targetKey(e) == QString::fromLatin1(to))
                    return true;
            return false;
        };
        // A subdomain, a subcomponent, an API consumed across systems and domains.
        QVERIFY(has("domain:default/payments", RelationType::PartOf, "domain:default/commerce"));
        QVERIFY(has("component:default/card-vault", RelationType::PartOf, "component:default/payment-gateway"));
        QVERIFY(has("component:default/booking-service", RelationType::ConsumesApi, "api:default/payments"));
        QVERIFY(has("api:default/payments", RelationType::ApiProvidedBy, "component:default/payment-gateway"));
        // A dependsOn chain of three: service -> database -> cluster.
        const QList<int> chain = catalog->dependencies(index("component:default/payment-gateway"));
        QVERIFY(chain.contains(index("resource:default/payments-db")));
        QVERIFY(chain.contains(index("resource:default/postgres-pci")));
        // The organisation: every team has a parent department under the organisation.
        QCOMPARE(catalog->descendantGroups(index("group:default/fernhollow")).size(), 16);
        QVERIFY(catalog->ownedTransitively(index("group:default/commerce")).size() >= 20);
    }

    void catalog_techdocs_haveMkdocsAndEveryPage()
    {
        const Catalog::CatalogPtr catalog = demo().catalog;
        QVERIFY(catalog);
        int documented = 0;
        static const QRegularExpression page(QStringLiteral("([\\w./-]+\\.md)\\s*$"));
        for (const Catalog::Entity& e : catalog->entities()) {
            if (e.annotation(QStringLiteral("backstage.io/techdocs-ref")).isEmpty())
                continue;
            QCOMPARE(e.annotation(QStringLiteral("backstage.io/techdocs-ref")), QStringLiteral("dir:."));
            const QString url = e.location.file.section(QLatin1Char('#'), 0, 0);
            const QString inRepository = e.location.file.section(QLatin1Char('#'), 1);
            const QDir folder
                = QFileInfo(QDir(Sources::GitMirror::cacheDirectory(m_demoCache, url)).filePath(inRepository))
                      .absoluteDir();
            const QByteArray mkdocs = readAll(folder.filePath(QStringLiteral("mkdocs.yml")));
            QVERIFY2(mkdocs.contains("site_name:"), qPrintable(e.key));
            int pages = 0;
            for (const QString& line : QString::fromUtf8(mkdocs).split(QLatin1Char('\n'))) {
                const QRegularExpressionMatch m = page.match(line);
                if (!m.hasMatch())
                    continue;
                const QString doc = folder.filePath(QStringLiteral("docs/") + m.captured(1));
                QVERIFY2(readAll(doc).size() > 400, qPrintable(doc));
                ++pages;
            }
            QVERIFY2(pages >= 3, qPrintable(e.key));
            ++documented;
        }
        QCOMPARE(documented, 8);
    }

    void cli_listApisWithoutSource_readsTheDemo()
    {
        const QString home = fresh(QStringLiteral("home"));
        const CliRun run = runCli({ QStringLiteral("catalog"), QStringLiteral("list"), QStringLiteral("--kind"),
                                      QStringLiteral("api"), QStringLiteral("--format"), QStringLiteral("json") },
            home);
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QCOMPARE(apiNamesIn(run.out), QSet<QString>(kApis.begin(), kApis.end()));
        // Built where the application keeps its data; the user's own workspace was not created.
        const QString data = home + QStringLiteral("/data/flightdeck/flightdeck");
        QVERIFY(QFile::exists(DemoWorkspace::workspacePath(data)));
        QVERIFY(!QFile::exists(home + QStringLiteral("/config/flightdeck/workspace.yaml")));

        // The second run finds the demo in place and answers the same.
        const QMap<QString, QString> heads = headsIn(data);
        const CliRun again = runCli({ QStringLiteral("catalog"), QStringLiteral("list"), QStringLiteral("--kind"),
                                        QStringLiteral("api"), QStringLiteral("--format"), QStringLiteral("json") },
            home);
        QVERIFY2(again.exitCode == 0, again.err.constData());
        QCOMPARE(apiNamesIn(again.out), QSet<QString>(kApis.begin(), kApis.end()));
        QCOMPARE(headsIn(data), heads);
    }

    void cli_userWorkspaceExists_isReadInsteadOfTheDemo()
    {
        const QString home = fresh(QStringLiteral("home"));
        const QString catalogDir = home + QStringLiteral("/mine");
        QVERIFY(writeAll(catalogDir + QStringLiteral("/catalog-info.yaml"),
            "apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: my-own-api\nspec:\n  type: openapi\n"
            "  lifecycle: production\n  owner: me\n  definition: 'openapi: 3.0.3'\n"));
        Workspace::Workspace workspace(QStringLiteral("mine"));
        CatalogSourceSpec source;
        source.name = QStringLiteral("mine");
        source.type = CatalogSourceSpec::Type::Directory;
        source.path = catalogDir;
        QVERIFY(workspace.addSource(source));
        QVERIFY(workspace.saveAs(home + QStringLiteral("/config/flightdeck/workspace.yaml")));

        const CliRun run = runCli({ QStringLiteral("catalog"), QStringLiteral("list"), QStringLiteral("--kind"),
                                      QStringLiteral("api"), QStringLiteral("--format"), QStringLiteral("json") },
            home);
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QCOMPARE(apiNamesIn(run.out), QSet<QString> { QStringLiteral("my-own-api") });
        QVERIFY(!QFile::exists(home + QStringLiteral("/data/flightdeck/flightdeck/demo")));
    }
};

QTEST_GUILESS_MAIN(TestDemoWorkspace)
#include "tst_demoworkspace.moc"
