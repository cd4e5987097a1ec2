// SPDX-License-Identifier: Apache-2.0
// publish:github and publish:gitlab against a loopback server that replays the vendors' documented
// payloads (tests/data/scaffolder/publish, see its README), with the repository's clone URL
// pointed at a local bare repository so that the push is real. Errors (401, 422) must name the
// host, the status and the server's message, and push nothing.
#include "gitfixture.h"
#include "replayserver.h"
#include "scaffolder/taskrunner.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

#include <git2.h>

using namespace Flightdeck;
using namespace Flightdeck::Scaffolder;
using Flightdeck::Test::RecordedRequest;
using Flightdeck::Test::ReplayResponse;
using Flightdeck::Test::ReplayServer;

namespace {

const QString kToken = QStringLiteral("ghp_test_token_0123456789");

bool writeFile(const QString& path, const QByteArray& bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

QByteArray publishData(const QString& name)
{
    QFile f(QStringLiteral(FLIGHTDECK_TEST_DATA "/scaffolder/publish/") + name);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// The documented payload with one URL field replaced (the clone URL → a local bare repository).
QByteArray withField(const QByteArray& json, const QString& key, const QJsonValue& value)
{
    QJsonObject o = QJsonDocument::fromJson(json).object();
    o.insert(key, value);
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

Template makeTemplate(const QString& dir, const QByteArray& publishStep)
{
    writeFile(dir + QStringLiteral("/skel/README.md"), "# ${{ values.name }}\n");
    writeFile(dir + QStringLiteral("/skel/src/main.cpp"), "int main() { return 0; }\n");
    const QByteArray yaml = "apiVersion: scaffolder.backstage.io/v1beta3\n"
                            "kind: Template\n"
                            "metadata:\n"
                            "  name: publish-template\n"
                            "spec:\n"
                            "  owner: group:default/team-a\n"
                            "  type: service\n"
                            "  parameters:\n"
                            "    - title: Page\n"
                            "      properties:\n"
                            "        name:\n"
                            "          type: string\n"
                            "  steps:\n"
                            "    - id: fetch\n"
                            "      action: fetch:template\n"
                            "      input: { url: ./skel, values: { name: '${{ parameters.name }}' } }\n"
        + publishStep;
    writeFile(dir + QStringLiteral("/template.yaml"), yaml);
    const TemplateLoad load = loadTemplateFile(dir + QStringLiteral("/template.yaml"));
    if (!load.ok)
        for (const auto& d : load.diagnostics)
            qWarning() << d.line << d.column << d.message;
    return load.value;
}

QJsonObject bodyOf(const RecordedRequest& r)
{
    return QJsonDocument::fromJson(r.body).object();
}

bool hasRef(const QString& bare, const QString& branch)
{
    return !Testing::revParse(bare, branch).isEmpty();
}

} // namespace

class TestScaffoldPublish : public QObject
{
    Q_OBJECT

private:
    static void checkGithubHeaders(const RecordedRequest& r)
    {
        QCOMPARE(r.header("Authorization"), QByteArray("Bearer ") + kToken.toUtf8());
        QCOMPARE(r.header("Accept"), QByteArray("application/vnd.github+json"));
        QCOMPARE(r.header("X-GitHub-Api-Version"), QByteArray("2022-11-28"));
        QVERIFY(r.header("User-Agent").startsWith("Flightdeck/"));
    }

private Q_SLOTS:
    void initTestCase() { git_libgit2_init(); }
    void cleanupTestCase() { git_libgit2_shutdown(); }

    void github_userRepository_createsAndPushes()
    {
        QTemporaryDir tdir, ws, remotes;
        const QString bare = remotes.path() + QStringLiteral("/Hello-World.git");
        QVERIFY(Testing::runGit({ QStringLiteral("init"), QStringLiteral("--bare"), bare }).ok());
        const QByteArray repo = publishData(QStringLiteral("github-full-repository.json"));
        QVERIFY(!repo.isEmpty());
        ReplayServer server;
        QVERIFY(server.listen());
        server.setMaxRequests(4);
        server.on("GET", QStringLiteral("/users/octocat"))
            .reply(200, publishData(QStringLiteral("github-user-octocat.json")));
        server.on("POST", QStringLiteral("/user/repos"))
            .reply(201, withField(repo, QStringLiteral("clone_url"), Testing::fileUrl(bare)));

        const Template t = makeTemplate(tdir.path(),
            "    - id: publish\n"
            "      action: publish:github\n"
            "      input:\n"
            "        repoUrl: github.com?owner=octocat&repo=Hello-World\n"
            "        description: This is ${{ parameters.name }}\n"
            "        repoVisibility: private\n"
            "        defaultBranch: main\n"
            "        gitAuthorName: Jane Doe\n"
            "        gitAuthorEmail: jane@example.com\n"
            "        gitCommitMessage: Create ${{ parameters.name }}\n");
        TaskOptions o;
        o.workspace = ws.path();
        o.secrets.insert(QStringLiteral("githubToken"), kToken);
        o.scmApiBaseUrls.insert(QStringLiteral("github.com"), server.baseUrl().toString());
        QStringList logLines;
        o.onLog = [&](const QString&, const QString& line) { logLines << line; };
        TaskRunner runner(t, o);
        QVERIFY2(runner.run({ { QStringLiteral("name"), QStringLiteral("svc") } }), qPrintable(runner.state().error));
        QVERIFY2(server.problems().isEmpty(), qPrintable(server.problems().join(QLatin1Char('\n'))));
        QCOMPARE(server.requestCount(), 2);

        const RecordedRequest& lookup = server.requests().at(0);
        QCOMPARE(lookup.method, QByteArray("GET"));
        QCOMPARE(lookup.path, QStringLiteral("/users/octocat"));
        checkGithubHeaders(lookup);
        const RecordedRequest& create = server.requests().at(1);
        QCOMPARE(create.method, QByteArray("POST"));
        QCOMPARE(create.path, QStringLiteral("/user/repos"));
        checkGithubHeaders(create);
        QVERIFY(create.header("Content-Type").startsWith("application/json"));
        const QJsonObject body = bodyOf(create);
        QCOMPARE(body.value(QStringLiteral("name")).toString(), QStringLiteral("Hello-World"));
        QCOMPARE(body.value(QStringLiteral("description")).toString(), QStringLiteral("This is svc"));
        QCOMPARE(body.value(QStringLiteral("private")).toBool(), true);
        QVERIFY(!body.contains(QStringLiteral("visibility"))); // user repositories: private only, as Backstage

        const QString sha = Testing::revParse(bare, QStringLiteral("main"));
        QVERIFY(!sha.isEmpty());
        const StepState& step = runner.state().steps.at(1);
        QCOMPARE(step.output.value(QStringLiteral("commitHash")).toString(), sha);
        QCOMPARE(step.output.value(QStringLiteral("remoteUrl")).toString(), Testing::fileUrl(bare));
        QCOMPARE(step.output.value(QStringLiteral("repoContentsUrl")).toString(),
            QStringLiteral("https://github.com/octocat/Hello-World/blob/main"));
        const Testing::GitRun files = Testing::runGit({ QStringLiteral("--git-dir"), bare, QStringLiteral("ls-tree"),
            QStringLiteral("-r"), QStringLiteral("--name-only"), QStringLiteral("main") });
        QCOMPARE(files.output.trimmed(), QByteArray("README.md\nsrc/main.cpp"));
        const Testing::GitRun show = Testing::runGit({ QStringLiteral("--git-dir"), bare, QStringLiteral("show"),
            QStringLiteral("main:README.md") });
        QCOMPARE(show.output, QByteArray("# svc\n"));
        const Testing::GitRun log = Testing::runGit({ QStringLiteral("--git-dir"), bare, QStringLiteral("log"),
            QStringLiteral("-1"), QStringLiteral("--format=%an <%ae> %s"), QStringLiteral("main") });
        QCOMPARE(log.output.trimmed(), QByteArray("Jane Doe <jane@example.com> Create svc"));
        for (const QString& line : std::as_const(logLines))
            QVERIFY2(!line.contains(kToken), qPrintable(line));
        QVERIFY(!QJsonDocument(runner.state().toJson()).toJson().contains(kToken.toUtf8()));
    }

    void github_organizationRepository_sendsVisibility()
    {
        QTemporaryDir tdir, ws, remotes;
        const QString bare = remotes.path() + QStringLiteral("/svc.git");
        QVERIFY(Testing::runGit({ QStringLiteral("init"), QStringLiteral("--bare"), bare }).ok());
        ReplayServer server;
        QVERIFY(server.listen());
        server.setMaxRequests(4);
        server.on("GET", QStringLiteral("/api/v3/users/acme"))
            .reply(200, publishData(QStringLiteral("github-organization-acme.json")));
        server.on("POST", QStringLiteral("/api/v3/orgs/acme/repos"))
            .reply(201,
                withField(publishData(QStringLiteral("github-full-repository.json")), QStringLiteral("clone_url"),
                    Testing::fileUrl(bare)));
        const Template t = makeTemplate(tdir.path(),
            "    - id: publish\n"
            "      action: publish:github\n"
            "      input:\n"
            "        repoUrl: ghe.example.com?owner=acme&repo=svc\n"
            "        repoVisibility: internal\n"
            "        token: " + kToken.toUtf8() + "\n");
        TaskOptions o;
        o.workspace = ws.path();
        o.scmApiBaseUrls.insert(QStringLiteral("ghe.example.com"), server.baseUrl().toString() + QStringLiteral("/api/v3"));
        TaskRunner runner(t, o);
        QVERIFY2(runner.run({ { QStringLiteral("name"), QStringLiteral("svc") } }), qPrintable(runner.state().error));
        QVERIFY2(server.problems().isEmpty(), qPrintable(server.problems().join(QLatin1Char('\n'))));
        const RecordedRequest& create = server.requests().at(1);
        checkGithubHeaders(create);
        const QJsonObject body = bodyOf(create);
        QCOMPARE(body.value(QStringLiteral("name")).toString(), QStringLiteral("svc"));
        QCOMPARE(body.value(QStringLiteral("visibility")).toString(), QStringLiteral("internal"));
        QCOMPARE(body.value(QStringLiteral("private")).toBool(), false);
        QVERIFY(hasRef(bare, QStringLiteral("master"))); // Backstage's default branch
    }

    void github_errors_nameHostStatusAndMessage_andPushNothing_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("expected");
        QTest::newRow("401") << 401 << QStringLiteral("github-401.json") << QStringLiteral("Bad credentials");
        QTest::newRow("422") << 422 << QStringLiteral("github-422-name-exists.json")
                             << QStringLiteral("name already exists on this account");
    }

    void github_errors_nameHostStatusAndMessage_andPushNothing()
    {
        QFETCH(int, status);
        QFETCH(QString, file);
        QFETCH(QString, expected);
        QTemporaryDir tdir, ws, remotes;
        const QString bare = remotes.path() + QStringLiteral("/Hello-World.git");
        QVERIFY(Testing::runGit({ QStringLiteral("init"), QStringLiteral("--bare"), bare }).ok());
        ReplayServer server;
        QVERIFY(server.listen());
        server.setMaxRequests(4);
        if (status == 401) {
            server.on("GET", QStringLiteral("/users/octocat")).reply(401, publishData(file));
        } else {
            server.on("GET", QStringLiteral("/users/octocat"))
                .reply(200, publishData(QStringLiteral("github-user-octocat.json")));
            server.on("POST", QStringLiteral("/user/repos")).reply(status, publishData(file));
        }
        const Template t = makeTemplate(tdir.path(),
            "    - id: publish\n"
            "      action: publish:github\n"
            "      input: { repoUrl: 'github.com?owner=octocat&repo=Hello-World' }\n");
        TaskOptions o;
        o.workspace = ws.path();
        o.secrets.insert(QStringLiteral("githubToken"), kToken);
        o.scmApiBaseUrls.insert(QStringLiteral("github.com"), server.baseUrl().toString());
        TaskRunner runner(t, o);
        QVERIFY(!runner.run({ { QStringLiteral("name"), QStringLiteral("svc") } }));
        const QString error = runner.state().error;
        QVERIFY2(error.contains(QStringLiteral("github.com")), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("HTTP %1").arg(status)), qPrintable(error));
        QVERIFY2(error.contains(expected), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("Nothing was pushed")), qPrintable(error));
        QVERIFY(!error.contains(kToken));
        QCOMPARE(server.requestCount(), status == 401 ? 1 : 2);
        QVERIFY(!QFile::exists(ws.path() + QStringLiteral("/.git")));
        QVERIFY(!hasRef(bare, QStringLiteral("master")));
    }

    void github_withoutToken_failsBeforeAnyRequest()
    {
        QTemporaryDir tdir, ws;
        ReplayServer server;
        QVERIFY(server.listen());
        const Template t = makeTemplate(tdir.path(),
            "    - id: publish\n"
            "      action: publish:github\n"
            "      input: { repoUrl: 'github.com?owner=octocat&repo=Hello-World' }\n");
        TaskOptions o;
        o.workspace = ws.path();
        o.scmApiBaseUrls.insert(QStringLiteral("github.com"), server.baseUrl().toString());
        TaskRunner runner(t, o);
        QVERIFY(!runner.run({}));
        QVERIFY2(runner.state().error.contains(QStringLiteral("githubToken")), qPrintable(runner.state().error));
        QCOMPARE(server.requestCount(), 0);
    }

    void gitlab_createsProjectAndPushes()
    {
        QTemporaryDir tdir, ws, remotes;
        const QString bare = remotes.path() + QStringLiteral("/diaspora-project-site.git");
        QVERIFY(Testing::runGit({ QStringLiteral("init"), QStringLiteral("--bare"), bare }).ok());
        ReplayServer server;
        QVERIFY(server.listen());
        server.setMaxRequests(4);
        server.on("GET", QStringLiteral("/api/v4/namespaces/diaspora"))
            .reply(200, publishData(QStringLiteral("gitlab-namespace.json")));
        server.on("POST", QStringLiteral("/api/v4/projects"))
            .reply(201,
                withField(publishData(QStringLiteral("gitlab-create-project.json")),
                    QStringLiteral("http_url_to_repo"), Testing::fileUrl(bare)));
        const Template t = makeTemplate(tdir.path(),
            "    - id: publish\n"
            "      action: publish:gitlab\n"
            "      input:\n"
            "        repoUrl: gitlab.example.com?owner=diaspora&repo=diaspora-project-site\n"
            "        description: ${{ parameters.name }} site\n"
            "        repoVisibility: internal\n"
            "        defaultBranch: main\n");
        TaskOptions o;
        o.workspace = ws.path();
        o.secrets.insert(QStringLiteral("gitlabToken"), kToken);
        o.scmApiBaseUrls.insert(QStringLiteral("gitlab.example.com"), server.baseUrl().toString() + QStringLiteral("/api/v4"));
        TaskRunner runner(t, o);
        QVERIFY2(runner.run({ { QStringLiteral("name"), QStringLiteral("svc") } }), qPrintable(runner.state().error));
        QVERIFY2(server.problems().isEmpty(), qPrintable(server.problems().join(QLatin1Char('\n'))));
        QCOMPARE(server.requestCount(), 2);
        for (const RecordedRequest& r : server.requests()) {
            QCOMPARE(r.header("PRIVATE-TOKEN"), kToken.toUtf8());
            QVERIFY(!r.hasHeader("Authorization"));
            QCOMPARE(r.header("Accept"), QByteArray("application/json"));
            QVERIFY(r.header("User-Agent").startsWith("Flightdeck/"));
        }
        const RecordedRequest& create = server.requests().at(1);
        QVERIFY(create.header("Content-Type").startsWith("application/json"));
        const QJsonObject body = bodyOf(create);
        QCOMPARE(body.value(QStringLiteral("name")).toString(), QStringLiteral("diaspora-project-site"));
        QCOMPARE(body.value(QStringLiteral("path")).toString(), QStringLiteral("diaspora-project-site"));
        QCOMPARE(body.value(QStringLiteral("visibility")).toString(), QStringLiteral("internal"));
        QCOMPARE(body.value(QStringLiteral("description")).toString(), QStringLiteral("svc site"));
        const QJsonValue namespaceId
            = QJsonDocument::fromJson(publishData(QStringLiteral("gitlab-namespace.json"))).object().value(QStringLiteral("id"));
        QCOMPARE(body.value(QStringLiteral("namespace_id")), namespaceId);

        const QString sha = Testing::revParse(bare, QStringLiteral("main"));
        QVERIFY(!sha.isEmpty());
        const StepState& step = runner.state().steps.at(1);
        QCOMPARE(step.output.value(QStringLiteral("commitHash")).toString(), sha);
        const QJsonValue projectId = QJsonDocument::fromJson(publishData(QStringLiteral("gitlab-create-project.json")))
                                         .object()
                                         .value(QStringLiteral("id"));
        QCOMPARE(step.output.value(QStringLiteral("projectId")), projectId);
        QCOMPARE(step.output.value(QStringLiteral("created")).toBool(), true);
        QVERIFY(step.output.value(QStringLiteral("repoContentsUrl")).toString().endsWith(QStringLiteral("/-/blob/main")));
    }

    void gitlab_nameTaken_failsWithGitlabsMessage()
    {
        QTemporaryDir tdir, ws;
        ReplayServer server;
        QVERIFY(server.listen());
        server.setMaxRequests(4);
        server.on("GET", QStringLiteral("/api/v4/namespaces/diaspora"))
            .reply(200, publishData(QStringLiteral("gitlab-namespace.json")));
        server.on("POST", QStringLiteral("/api/v4/projects"))
            .reply(400, publishData(QStringLiteral("gitlab-400-name-taken.json")));
        const Template t = makeTemplate(tdir.path(),
            "    - id: publish\n"
            "      action: publish:gitlab\n"
            "      input: { repoUrl: 'gitlab.example.com?owner=diaspora&repo=site', token: '" + kToken.toUtf8() + "' }\n");
        TaskOptions o;
        o.workspace = ws.path();
        o.scmApiBaseUrls.insert(QStringLiteral("gitlab.example.com"), server.baseUrl().toString() + QStringLiteral("/api/v4"));
        TaskRunner runner(t, o);
        QVERIFY(!runner.run({}));
        const QString error = runner.state().error;
        QVERIFY2(error.contains(QStringLiteral("gitlab.example.com")), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("HTTP 400")), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("has already been taken")), qPrintable(error));
        // A token from the step is an OAuth token, as in Backstage.
        QCOMPARE(server.requests().at(0).header("Authorization"), QByteArray("Bearer ") + kToken.toUtf8());
        QVERIFY(!QFile::exists(ws.path() + QStringLiteral("/.git")));
    }
};

QTEST_GUILESS_MAIN(TestScaffoldPublish)
#include "tst_scaffoldpublish.moc"
