// SPDX-License-Identifier: Apache-2.0
// `flightdeck scaffold list|run`: exit codes (0 success, 1 failed step, 2 usage), output, and the
// rendered workspace, through the real executable.
#include "gitfixture.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace {

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Run flightdeck(const QStringList& args)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    QTemporaryDir home;
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
    env.insert(QStringLiteral("XDG_CACHE_HOME"), home.filePath(QStringLiteral("cache")));
    env.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
    // Never the developer's keychain (Secret Service over the session bus) or a desktop session:
    // a publish:github step must find no token and stop before it reaches api.github.com.
    env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"),
        QStringLiteral("unix:path=/nonexistent/flightdeck-test-no-bus"));
    env.insert(QStringLiteral("DISPLAY"), QString());
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(FLIGHTDECK_EXECUTABLE), args);
    Run r;
    if (!p.waitForFinished(120000)) {
        p.kill();
        p.waitForFinished();
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

bool writeFile(const QString& path, const QByteArray& bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

const QByteArray goValues = "name: demo-svc\n"
                            "description: A demo service used by the tests\n"
                            "owner: group:default/team-a\n"
                            "system: system:default/demo\n"
                            "repoUrl: github.com?owner=acme&repo=demo-svc\n";

} // namespace

class tst_ScaffoldCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void usageErrors_exitTwo()
    {
        QTemporaryDir dir;
        QCOMPARE(flightdeck({ QStringLiteral("scaffold") }).exitCode, 2);
        QCOMPARE(flightdeck({ QStringLiteral("scaffold"), QStringLiteral("frobnicate") }).exitCode, 2);
        const Run noValues = flightdeck({ QStringLiteral("scaffold"), QStringLiteral("run"),
            QStringLiteral("go-service"), QStringLiteral("--output"), dir.filePath(QStringLiteral("o")) });
        QCOMPARE(noValues.exitCode, 2);
        QVERIFY(noValues.err.contains("--values"));
        QVERIFY(writeFile(dir.filePath(QStringLiteral("v.yaml")), goValues));
        const Run unknown = flightdeck({ QStringLiteral("scaffold"), QStringLiteral("run"),
            QStringLiteral("no-such-template"), QStringLiteral("--values"), dir.filePath(QStringLiteral("v.yaml")),
            QStringLiteral("--output"), dir.filePath(QStringLiteral("o")) });
        QCOMPARE(unknown.exitCode, 2);
        QVERIFY(unknown.err.contains("no-such-template"));
        // Values the form refuses (a name that breaks the pattern) are a usage error too.
        QVERIFY(writeFile(dir.filePath(QStringLiteral("bad.json")), "{\"name\": \"Not Valid!\"}"));
        const Run invalid = flightdeck({ QStringLiteral("scaffold"), QStringLiteral("run"),
            QStringLiteral("go-service"), QStringLiteral("--values"), dir.filePath(QStringLiteral("bad.json")),
            QStringLiteral("--output"), dir.filePath(QStringLiteral("o")) });
        QCOMPARE(invalid.exitCode, 2);
        QVERIFY(invalid.err.contains("name"));
    }

    void list_showsBundledTemplates()
    {
        const Run r = flightdeck({ QStringLiteral("scaffold"), QStringLiteral("list") });
        QCOMPARE(r.exitCode, 0);
        for (const char* n : { "cpp-service", "python-service", "node-service", "go-service" })
            QVERIFY2(r.out.contains(n), r.out.constData());
        QVERIFY(r.out.contains("bundled"));
    }

    // Templates from the workspace's template sources (spec.templates.sources): listed and run
    // from the folder they live in.
    void workspaceTemplateSource_isListedAndRuns()
    {
        QTemporaryDir dir;
        QVERIFY(writeFile(dir.filePath(QStringLiteral("golden/notes/template.yaml")),
            "apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: notes-template\n  title: Notes\n"
            "spec:\n  owner: group:default/team-a\n  type: service\n  parameters:\n    - properties:\n        name: {type: string}\n"
            "  steps:\n    - id: fetch\n      action: fetch:template\n      input: {url: ./skeleton, values: {name: '${{ parameters.name }}'}}\n"));
        QVERIFY(writeFile(dir.filePath(QStringLiteral("golden/notes/skeleton/README.md")), "# ${{ values.name }}\n"));
        QVERIFY(writeFile(dir.filePath(QStringLiteral("ws.yaml")),
            "apiVersion: flightdeck.dev/v1\nkind: Workspace\nmetadata:\n  name: t\nspec:\n  catalog:\n    sources: []\n"
            "  templates:\n    sources:\n      - name: golden\n        type: directory\n        path: ./golden\n"));
        const Run list = flightdeck({ QStringLiteral("scaffold"), QStringLiteral("list"), QStringLiteral("--workspace"),
            dir.filePath(QStringLiteral("ws.yaml")) });
        QCOMPARE(list.exitCode, 0);
        QVERIFY2(list.out.contains("template:notes-template"), list.out.constData());
        QVERIFY(writeFile(dir.filePath(QStringLiteral("v.yaml")), "name: field-notes\n"));
        const QString out = dir.filePath(QStringLiteral("out"));
        const Run run = flightdeck({ QStringLiteral("scaffold"), QStringLiteral("run"), QStringLiteral("template:default/notes-template"),
            QStringLiteral("--workspace"), dir.filePath(QStringLiteral("ws.yaml")), QStringLiteral("--values"),
            dir.filePath(QStringLiteral("v.yaml")), QStringLiteral("--output"), out, QStringLiteral("--dry-run") });
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QFile readme(out + QStringLiteral("/README.md"));
        QVERIFY(readme.open(QIODevice::ReadOnly));
        QCOMPARE(readme.readAll(), QByteArray("# field-notes\n"));
    }

    void run_dryRun_rendersIntoOutput()
    {
        QTemporaryDir dir;
        QVERIFY(writeFile(dir.filePath(QStringLiteral("v.yaml")), goValues));
        const QString out = dir.filePath(QStringLiteral("out"));
        const Run r = flightdeck({ QStringLiteral("scaffold"), QStringLiteral("run"),
            QStringLiteral("template:default/go-service"), QStringLiteral("--values"),
            dir.filePath(QStringLiteral("v.yaml")), QStringLiteral("--output"), out, QStringLiteral("--dry-run") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(r.out.contains("[dry-run]"));
        QVERIFY(r.out.contains("step publish: completed"));
        QVERIFY(QFile::exists(out + QStringLiteral("/catalog-info.yaml")));
        QVERIFY(QFile::exists(out + QStringLiteral("/go.mod")));
        QVERIFY(!QFile::exists(out + QStringLiteral("/.git")));
    }

    void run_withPush_pushesToBareRemote()
    {
        QTemporaryDir dir;
        QVERIFY(writeFile(dir.filePath(QStringLiteral("v.json")),
            "{\"name\":\"demo-svc\",\"description\":\"A demo service used by the "
            "tests\",\"owner\":\"group:default/team-a\","
            "\"system\":\"system:default/demo\",\"repoUrl\":\"github.com?owner=acme&repo=demo-svc\"}"));
        const QString bare = dir.filePath(QStringLiteral("remote.git"));
        QVERIFY(Flightdeck::Testing::runGit({ QStringLiteral("init"), QStringLiteral("--bare"), bare }).ok());
        const Run r = flightdeck({ QStringLiteral("scaffold"), QStringLiteral("run"),
            QStringLiteral(FLIGHTDECK_TEMPLATES_DIR "/python-service/template.yaml"), QStringLiteral("--values"),
            dir.filePath(QStringLiteral("v.json")), QStringLiteral("--output"), dir.filePath(QStringLiteral("out")),
            QStringLiteral("--push"), Flightdeck::Testing::fileUrl(bare) });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(!Flightdeck::Testing::revParse(bare, QStringLiteral("main")).isEmpty());
        QVERIFY(r.out.contains("run complete"));
    }

    void run_withoutPush_publishGithubFails_exitOne()
    {
        QTemporaryDir dir;
        QVERIFY(writeFile(dir.filePath(QStringLiteral("v.yaml")), goValues));
        const Run r = flightdeck({ QStringLiteral("scaffold"), QStringLiteral("run"), QStringLiteral("go-service"),
            QStringLiteral("--values"), dir.filePath(QStringLiteral("v.yaml")), QStringLiteral("--output"),
            dir.filePath(QStringLiteral("out")) });
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("step \"publish\""), r.err.constData());
        QVERIFY(r.err.contains("--push"));
        QVERIFY2(r.err.contains("githubToken"), r.err.constData());
    }

    void run_renderError_exitOne_withPosition()
    {
        QTemporaryDir dir;
        QVERIFY(writeFile(dir.filePath(QStringLiteral("t/template.yaml")),
            "apiVersion: scaffolder.backstage.io/v1beta3\n"
            "kind: Template\n"
            "metadata:\n"
            "  name: broken\n"
            "spec:\n"
            "  owner: group:default/team-a\n"
            "  type: service\n"
            "  steps:\n"
            "    - id: log\n"
            "      action: debug:log\n"
            "      input:\n"
            "        message: ${{ parameters.x | nosuchfilter }}\n"));
        QVERIFY(writeFile(dir.filePath(QStringLiteral("v.json")), "{\"x\": 1}"));
        const Run r = flightdeck({ QStringLiteral("scaffold"), QStringLiteral("run"),
            dir.filePath(QStringLiteral("t/template.yaml")), QStringLiteral("--values"),
            dir.filePath(QStringLiteral("v.json")), QStringLiteral("--output"), dir.filePath(QStringLiteral("out")) });
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("step \"log\" input \"message\" (template.yaml line 12"), r.err.constData());
        QVERIFY(r.err.contains("nosuchfilter"));
    }
};

QTEST_GUILESS_MAIN(tst_ScaffoldCli)
#include "tst_scaffoldcli.moc"
