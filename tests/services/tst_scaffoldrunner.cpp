// SPDX-License-Identifier: Apache-2.0
// The scaffolder's task runner and built-in actions on real files and real git repositories:
// rendering with native types, if/each, errors that name their place, confinement of every write,
// resume after a failure, a dry-run without side effects, and the four bundled golden paths.
#include "gitfixture.h"
#include "scaffolder/confinedpath.h"
#include "scaffolder/taskrunner.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>
#include <QtConcurrent/QtConcurrentRun>

#include <git2.h>

using namespace Flightdeck;
using namespace Flightdeck::Scaffolder;

namespace {

bool writeFile(const QString& path, const QByteArray& bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

QByteArray readFile(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// A template.yaml with the given steps (indented YAML under `steps:`) in dir.
Template makeTemplate(const QString& dir, const QByteArray& steps, const QByteArray& output = {})
{
    QByteArray yaml = "apiVersion: scaffolder.backstage.io/v1beta3\n"
                      "kind: Template\n"
                      "metadata:\n"
                      "  name: test-template\n"
                      "spec:\n"
                      "  owner: group:default/team-a\n"
                      "  type: service\n"
                      "  parameters:\n"
                      "    - title: Page\n"
                      "      properties:\n"
                      "        name:\n"
                      "          type: string\n"
                      "  steps:\n"
        + steps;
    if (!output.isEmpty())
        yaml += "  output:\n" + output;
    writeFile(dir + QStringLiteral("/template.yaml"), yaml);
    const TemplateLoad load = loadTemplateFile(dir + QStringLiteral("/template.yaml"));
    if (!load.ok)
        for (const auto& d : load.diagnostics)
            qWarning() << d.line << d.column << d.message;
    return load.value;
}

// Records every input it receives; fails when the input says so.
struct Recorder
{
    QList<QJsonObject> inputs;
    int calls = 0;
    ActionRegistry registry()
    {
        ActionRegistry r = ActionRegistry::builtIns();
        r.add({ QStringLiteral("test:record"), QString(), [this](ActionContext& c) {
                   ++calls;
                   inputs << c.input;
                   if (c.input.value(QStringLiteral("fail")).toBool())
                       return QStringLiteral("asked to fail");
                   c.setOutput(QStringLiteral("echo"), c.input.value(QStringLiteral("value")));
                   return QString();
               } });
        return r;
    }
};

struct FakeRegistrar : CatalogRegistrar
{
    QList<RegisterRequest> requests;
    RegisterResult registerLocation(const RegisterRequest& request) override
    {
        requests << request;
        return { true, {}, QStringLiteral("component:default/registered") };
    }
};

QStringList filesUnder(const QString& root)
{
    QStringList out;
    QDirIterator it(root, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext())
        out << QDir(root).relativeFilePath(it.next());
    out.sort();
    return out;
}

} // namespace

class tst_ScaffoldRunner : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { git_libgit2_init(); }
    void cleanupTestCase() { git_libgit2_shutdown(); }

    void confinedPath_refusesEscapes()
    {
        QTemporaryDir dir, outside;
        const QString root = dir.path();
        QString error;
        QVERIFY(!confinedPath(root, QStringLiteral("a/b.txt"), &error).isEmpty());
        QVERIFY(!confinedPath(root, QStringLiteral("a/../b.txt"), &error).isEmpty());
        QVERIFY(confinedPath(root, QStringLiteral("../x"), &error).isEmpty());
        QVERIFY(error.contains(QStringLiteral("..")));
        QVERIFY(confinedPath(root, QStringLiteral("a/../../x"), &error).isEmpty());
        QVERIFY(confinedPath(root, QStringLiteral("/etc/passwd"), &error).isEmpty());
        QVERIFY(error.contains(QStringLiteral("absolute")));
        QVERIFY(QFile::link(outside.path(), root + QStringLiteral("/link")));
        QVERIFY(confinedPath(root, QStringLiteral("link/x"), &error).isEmpty());
        QVERIFY(error.contains(QStringLiteral("symbolic link")));
        QVERIFY(QFile::link(outside.path() + QStringLiteral("/missing"), root + QStringLiteral("/dangling")));
        QVERIFY(confinedPath(root, QStringLiteral("dangling"), &error).isEmpty());
    }

    void fetchTemplate_rendersContentsNamesAndKeepsBinaries()
    {
        QTemporaryDir tdir, ws;
        const QString skel = tdir.path() + QStringLiteral("/skeleton");
        QVERIFY(writeFile(
            skel + QStringLiteral("/${{ values.name }}/README.md"), "# ${{ values.name }} on ${{ values.port }}\n"));
        QVERIFY(writeFile(skel + QStringLiteral("/${{ values.name }}.txt"), "x"));
        QVERIFY(writeFile(skel + QStringLiteral("/.github/workflows/ci.yaml"), "sha: ${{ github.sha }}\n"));
        const QByteArray binary("\x89PNG\0${{ values.name }}\xff", 24);
        QVERIFY(writeFile(skel + QStringLiteral("/logo.png"), binary));
        QVERIFY(writeFile(skel + QStringLiteral("/${{ 'opt.txt' if values.flag }}"), "optional"));
        QVERIFY(writeFile(skel + QStringLiteral("/script.sh"), "#!/bin/sh\necho ${{ values.name }}\n"));
        QFile::setPermissions(skel + QStringLiteral("/script.sh"),
            QFile::permissions(skel + QStringLiteral("/script.sh")) | QFileDevice::ExeOwner);
        const Template t = makeTemplate(tdir.path(),
            "    - id: fetch\n"
            "      action: fetch:template\n"
            "      input:\n"
            "        url: ./skeleton\n"
            "        targetPath: out\n"
            "        copyWithoutTemplating:\n"
            "          - .github/workflows/*\n"
            "        values:\n"
            "          name: ${{ parameters.name }}\n"
            "          port: 8080\n"
            "          flag: false\n");
        TaskOptions o;
        o.workspace = ws.path();
        TaskRunner runner(t, o);
        QVERIFY2(runner.run({ { QStringLiteral("name"), QStringLiteral("svc") } }), qPrintable(runner.state().error));
        const QString out = ws.path() + QStringLiteral("/out");
        QCOMPARE(readFile(out + QStringLiteral("/svc/README.md")), QByteArray("# svc on 8080\n"));
        QVERIFY(QFile::exists(out + QStringLiteral("/svc.txt")));
        QCOMPARE(readFile(out + QStringLiteral("/.github/workflows/ci.yaml")), QByteArray("sha: ${{ github.sha }}\n"));
        QCOMPARE(readFile(out + QStringLiteral("/logo.png")), binary);
        QVERIFY(!QFile::exists(out + QStringLiteral("/opt.txt")));
        QVERIFY(QFile::permissions(out + QStringLiteral("/script.sh")) & QFileDevice::ExeOwner);
        QCOMPARE(runner.state().steps.at(0).status, StepStatus::Completed);
        QVERIFY(runner.state().created.contains(QStringLiteral("out")));
        // The state is on disk and reads back.
        const auto saved = TaskRunner::loadState(runner.stateFile());
        QVERIFY(saved);
        QCOMPARE(saved->status, QStringLiteral("completed"));
        QCOMPARE(saved->steps.at(0).status, StepStatus::Completed);
    }

    void fetchTemplate_extensionAndCookiecutter()
    {
        QTemporaryDir tdir, ws;
        QVERIFY(writeFile(tdir.path() + QStringLiteral("/a/main.py.njk"), "name=${{ values.name }}"));
        QVERIFY(writeFile(tdir.path() + QStringLiteral("/a/plain.txt"), "${{ values.name }}"));
        QVERIFY(writeFile(
            tdir.path() + QStringLiteral("/b/{{ cookiecutter.name }}.md"), "{{ cookiecutter.name | jsonify }}"));
        const Template t = makeTemplate(tdir.path(),
            "    - id: ext\n"
            "      action: fetch:template\n"
            "      input: { url: ./a, targetPath: ext, templateFileExtension: true, values: { name: n1 } }\n"
            "    - id: cc\n"
            "      action: fetch:template\n"
            "      input: { url: ./b, targetPath: cc, cookiecutterCompat: true, values: { name: n2 } }\n");
        TaskOptions o;
        o.workspace = ws.path();
        TaskRunner runner(t, o);
        QVERIFY2(runner.run({}), qPrintable(runner.state().error));
        QCOMPARE(readFile(ws.path() + QStringLiteral("/ext/main.py")), QByteArray("name=n1"));
        QCOMPARE(readFile(ws.path() + QStringLiteral("/ext/plain.txt")), QByteArray("${{ values.name }}"));
        QCOMPARE(readFile(ws.path() + QStringLiteral("/cc/n2.md")), QByteArray("\"n2\""));
    }

    void fetchTemplate_templatedNameCannotEscape()
    {
        QTemporaryDir tdir, parent;
        const QString ws = parent.path() + QStringLiteral("/ws");
        QVERIFY(writeFile(tdir.path() + QStringLiteral("/skel/${{ values.name }}/x.txt"), "pwned"));
        QVERIFY(writeFile(tdir.path() + QStringLiteral("/skel2/${{ values.name }}"), "pwned"));
        const Template t = makeTemplate(tdir.path(),
            "    - id: fetch\n"
            "      action: fetch:template\n"
            "      input: { url: ./skel, values: { name: '${{ parameters.name }}' } }\n");
        for (const QString& evil : { QStringLiteral("../../evil"), QStringLiteral("..") }) {
            TaskOptions o;
            o.workspace = ws;
            TaskRunner runner(t, o);
            QVERIFY(!runner.run({ { QStringLiteral("name"), evil } }));
            QCOMPARE(runner.state().steps.at(0).status, StepStatus::Failed);
            QVERIFY2(runner.state().error.contains(QStringLiteral("\"..\"")), qPrintable(runner.state().error));
        }
        QVERIFY(!QFile::exists(parent.path() + QStringLiteral("/evil")));
        QVERIFY(!QFile::exists(parent.path() + QStringLiteral("/x.txt")));
        // A symlink planted in the workspace that leads out is not written through.
        QTemporaryDir outside;
        QVERIFY(QFile::link(outside.path(), ws + QStringLiteral("/out")));
        TaskOptions o;
        o.workspace = ws;
        TaskRunner runner(t, o);
        QVERIFY(!runner.run({ { QStringLiteral("name"), QStringLiteral("out") } }));
        QVERIFY(filesUnder(outside.path()).isEmpty());
        // A url that climbs out of the template folder is refused too.
        const Template t2 = makeTemplate(tdir.path(),
            "    - id: fetch\n"
            "      action: fetch:plain\n"
            "      input: { url: ../ }\n");
        TaskRunner runner2(t2, o);
        QVERIFY(!runner2.run({}));
        QVERIFY(runner2.state().error.contains(QStringLiteral("outside the template")));
    }

    void fetch_fileUrlOutsideTheTemplateFolder_isRefused()
    {
        QTemporaryDir tdir, ws, outside;
        QVERIFY(writeFile(outside.path() + QStringLiteral("/secret.txt"), "private"));
        QVERIFY(writeFile(tdir.path() + QStringLiteral("/skel/inside.txt"), "inside"));
        const QString outsideUrl = QUrl::fromLocalFile(outside.path()).toString();
        for (const char* action : { "fetch:plain", "fetch:template" }) {
            const Template t = makeTemplate(tdir.path(),
                "    - id: fetch\n"
                "      action: "
                    + QByteArray(action)
                    + "\n"
                      "      input: { url: '"
                    + outsideUrl.toUtf8() + "', targetPath: out }\n");
            TaskOptions o;
            o.workspace = ws.path();
            TaskRunner runner(t, o);
            QVERIFY(!runner.run({}));
            QCOMPARE(runner.state().steps.at(0).status, StepStatus::Failed);
            QVERIFY2(runner.state().error.contains(QStringLiteral("outside the template")),
                qPrintable(runner.state().error));
            QVERIFY(!QFile::exists(ws.path() + QStringLiteral("/out/secret.txt")));
        }
        // A single file outside is refused as well.
        const Template file = makeTemplate(tdir.path(),
            "    - id: fetch\n"
            "      action: fetch:plain:file\n"
            "      input: { url: '"
                + QUrl::fromLocalFile(outside.path() + QStringLiteral("/secret.txt")).toString().toUtf8()
                + "', targetPath: secret.txt }\n");
        TaskOptions o;
        o.workspace = ws.path();
        TaskRunner fileRunner(file, o);
        QVERIFY(!fileRunner.run({}));
        QVERIFY2(fileRunner.state().error.contains(QStringLiteral("outside the template")),
            qPrintable(fileRunner.state().error));
        QVERIFY(!QFile::exists(ws.path() + QStringLiteral("/secret.txt")));
        // A file:// URL inside the template folder still works.
        const Template inside = makeTemplate(tdir.path(),
            "    - id: fetch\n"
            "      action: fetch:plain\n"
            "      input: { url: '"
                + QUrl::fromLocalFile(tdir.path() + QStringLiteral("/skel")).toString().toUtf8()
                + "', targetPath: in }\n");
        TaskRunner insideRunner(inside, o);
        QVERIFY2(insideRunner.run({}), qPrintable(insideRunner.state().error));
        QCOMPARE(readFile(ws.path() + QStringLiteral("/in/inside.txt")), QByteArray("inside"));
    }

    void fetch_skeletonSymlinkOutsideTheTemplateFolder_isRefused()
    {
        QTemporaryDir tdir, ws, outside;
        QVERIFY(writeFile(outside.path() + QStringLiteral("/.ssh/id_rsa"), "private key"));
        QVERIFY(QFile::link(outside.path(), tdir.path() + QStringLiteral("/skeleton")));
        for (const char* action : { "fetch:plain", "fetch:template" }) {
            const Template t = makeTemplate(tdir.path(),
                "    - id: fetch\n"
                "      action: "
                    + QByteArray(action)
                    + "\n"
                      "      input: { url: ./skeleton, targetPath: out }\n");
            TaskOptions o;
            o.workspace = ws.path();
            TaskRunner runner(t, o);
            QVERIFY(!runner.run({}));
            QCOMPARE(runner.state().steps.at(0).status, StepStatus::Failed);
            QVERIFY2(runner.state().error.contains(QStringLiteral("outside the template")),
                qPrintable(runner.state().error));
            QVERIFY(filesUnder(ws.path() + QStringLiteral("/out")).isEmpty());
        }
        // The same through a file:// URL naming the link.
        const Template viaUrl = makeTemplate(tdir.path(),
            "    - id: fetch\n"
            "      action: fetch:plain:file\n"
            "      input: { url: '"
                + QUrl::fromLocalFile(tdir.path() + QStringLiteral("/skeleton/.ssh/id_rsa")).toString().toUtf8()
                + "', targetPath: key }\n");
        TaskOptions o;
        o.workspace = ws.path();
        TaskRunner runner(viaUrl, o);
        QVERIFY(!runner.run({}));
        QVERIFY2(runner.state().error.contains(QStringLiteral("outside the template")), qPrintable(runner.state().error));
        QVERIFY(!QFile::exists(ws.path() + QStringLiteral("/key")));
    }

    void debugLog_withContents_doesNotFollowLinksOutOfTheWorkspace()
    {
        QTemporaryDir tdir, ws, outside;
        QVERIFY(writeFile(outside.path() + QStringLiteral("/secret.txt"), "top-secret-contents"));
        QVERIFY(writeFile(ws.path() + QStringLiteral("/mine.txt"), "my-own-contents"));
        QVERIFY(QFile::link(outside.path() + QStringLiteral("/secret.txt"), ws.path() + QStringLiteral("/leak.txt")));
        const Template t = makeTemplate(tdir.path(),
            "    - id: log\n"
            "      action: debug:log\n"
            "      input: { listWorkspace: with-contents }\n");
        TaskOptions o;
        o.workspace = ws.path();
        TaskRunner runner(t, o);
        QVERIFY2(runner.run({}), qPrintable(runner.state().error));
        const QString log = runner.state().steps.at(0).log.join(QLatin1Char('\n'));
        QVERIFY2(log.contains(QStringLiteral("my-own-contents")), qPrintable(log));
        QVERIFY2(log.contains(QStringLiteral("leak.txt")), qPrintable(log));
        QVERIFY2(!log.contains(QStringLiteral("top-secret-contents")), qPrintable(log));
        QVERIFY(!readFile(runner.stateFile()).contains("top-secret-contents"));
    }

    void resume_refusesADifferentDryRunSetting_andSaysFinished()
    {
        QTemporaryDir tdir, ws;
        const Template t = makeTemplate(tdir.path(),
            "    - id: one\n"
            "      action: test:record\n"
            "      input: { fail: true }\n");
        Recorder rec;
        TaskOptions dry;
        dry.workspace = ws.path();
        dry.dryRun = true;
        {
            TaskRunner runner(t, dry, rec.registry());
            QVERIFY(!runner.run({}));
        }
        QCOMPARE(rec.calls, 1);
        TaskOptions real = dry;
        real.dryRun = false;
        TaskRunner resumed(t, real, rec.registry());
        QSignalSpy finished(&resumed, &TaskRunner::finished);
        QVERIFY(!resumed.resume());
        QCOMPARE(rec.calls, 1); // nothing ran
        QCOMPARE(resumed.state().status, QStringLiteral("failed"));
        QVERIFY2(resumed.state().error.contains(QStringLiteral("dry run")), qPrintable(resumed.state().error));
        QCOMPARE(finished.size(), 1);
        QCOMPARE(finished.at(0).at(0).toBool(), false);
        // The recorded dry run is left as it was.
        const auto saved = TaskRunner::loadState(resumed.stateFile());
        QVERIFY(saved);
        QVERIFY(saved->dryRun);
        // Resuming with the same setting goes on (and fails again, as the step still asks to).
        TaskRunner again(t, dry, rec.registry());
        QVERIFY(!again.resume());
        QCOMPARE(rec.calls, 2);
        QVERIFY2(again.state().error.contains(QStringLiteral("asked to fail")), qPrintable(again.state().error));
        // Every early return says finished(false): nothing to resume…
        QTemporaryDir empty;
        TaskOptions none;
        none.workspace = empty.path();
        TaskRunner nothing(t, none, rec.registry());
        QSignalSpy nothingFinished(&nothing, &TaskRunner::finished);
        QVERIFY(!nothing.resume());
        QVERIFY(!nothing.state().error.isEmpty());
        QCOMPARE(nothingFinished.size(), 1);
        QCOMPARE(nothingFinished.at(0).at(0).toBool(), false);
        // …and steps that differ from the template's.
        const Template other = makeTemplate(tdir.path(),
            "    - id: different\n"
            "      action: test:record\n"
            "      input: {}\n");
        TaskRunner differs(other, dry, rec.registry());
        QSignalSpy differsFinished(&differs, &TaskRunner::finished);
        QVERIFY(!differs.resume());
        QVERIFY(differs.state().error.contains(QStringLiteral("differ")));
        QCOMPARE(differsFinished.size(), 1);
        QCOMPARE(differsFinished.at(0).at(0).toBool(), false);
    }

    void secrets_inAnActionsError_neverReachTheState()
    {
        QTemporaryDir tdir, ws;
        const QString secret = QStringLiteral("ghp_s3cr3tFromTheKeychain");
        const QString token = QStringLiteral("glpat-stepTokenValue");
        ActionRegistry registry = ActionRegistry::builtIns();
        registry.add({ QStringLiteral("test:leak"), QString(), [&](ActionContext& c) {
                          c.info(QStringLiteral("using %1 and %2").arg(secret, c.input.value(QStringLiteral("token")).toString()));
                          if (c.input.value(QStringLiteral("fail")).toBool())
                              return QStringLiteral("401 for https://x:%1@example.com with token %2")
                                  .arg(secret, c.input.value(QStringLiteral("token")).toString());
                          c.setOutput(QStringLiteral("url"), QStringLiteral("https://x:%1@example.com").arg(secret));
                          c.setOutput(QStringLiteral("tokens"), QJsonArray { token });
                          return QString();
                      } });
        const Template t = makeTemplate(tdir.path(),
            "    - id: ok\n"
            "      action: test:leak\n"
            "      input: { token: glpat-stepTokenValue }\n"
            "    - id: leak\n"
            "      action: test:leak\n"
            "      input: { token: glpat-stepTokenValue, fail: true }\n");
        TaskOptions o;
        o.workspace = ws.path();
        o.secrets = QJsonObject { { QStringLiteral("githubToken"), secret } };
        TaskRunner runner(t, o, registry);
        QVERIFY(!runner.run({}));
        const TaskState& st = runner.state();
        QVERIFY2(st.error.contains(QStringLiteral("401")), qPrintable(st.error));
        QVERIFY2(st.error.contains(QStringLiteral("***")), qPrintable(st.error));
        for (const QString& s : { secret, token }) {
            QVERIFY2(!st.error.contains(s), qPrintable(st.error));
            for (const StepState& step : st.steps) {
                QVERIFY2(!step.error.contains(s), qPrintable(step.error));
                QVERIFY2(!step.log.join(QLatin1Char('\n')).contains(s), qPrintable(step.log.join(QLatin1Char('\n'))));
                const QByteArray output = QJsonDocument(step.output).toJson();
                QVERIFY2(!output.contains(s.toUtf8()), output.constData());
                QVERIFY(!QJsonDocument(QJsonArray { step.input }).toJson().contains(s.toUtf8()));
            }
            const QByteArray saved = readFile(runner.stateFile());
            QVERIFY(!saved.isEmpty());
            QVERIFY2(!saved.contains(s.toUtf8()), saved.constData());
        }
        QCOMPARE(st.steps.at(0).output.value(QStringLiteral("url")).toString(), QStringLiteral("https://x:***@example.com"));
        const auto saved = TaskRunner::loadState(runner.stateFile());
        QVERIFY(saved);
        QVERIFY(!saved->error.contains(secret));
        QVERIFY(!saved->error.contains(token));
    }

    void input_keepsNativeTypes()
    {
        QTemporaryDir tdir, ws;
        const Template t = makeTemplate(tdir.path(),
            "    - id: rec\n"
            "      action: test:record\n"
            "      input:\n"
            "        n: ${{ parameters.n }}\n"
            "        flag: ${{ parameters.flag }}\n"
            "        list: ${{ parameters.list }}\n"
            "        missing: ${{ parameters.missing }}\n"
            "        text: x-${{ parameters.n }}\n"
            "        literal: 8080\n"
            "        user: ${{ user.ref }}\n"
            "        secret: ${{ secrets.token }}\n"
            "        nested: [ '${{ parameters.n === 3 }}' ]\n");
        Recorder rec;
        TaskOptions o;
        o.workspace = ws.path();
        o.userRef = QStringLiteral("user:default/jdoe");
        o.secrets = { { QStringLiteral("token"), QStringLiteral("s3cr3t-value") } };
        TaskRunner runner(t, o, rec.registry());
        const QJsonObject values { { QStringLiteral("n"), 3 }, { QStringLiteral("flag"), false },
            { QStringLiteral("list"), QJsonArray { QStringLiteral("a"), QStringLiteral("b") } } };
        QVERIFY2(runner.run(values), qPrintable(runner.state().error));
        QCOMPARE(rec.inputs.size(), 1);
        const QJsonObject in = rec.inputs.first();
        QVERIFY(in.value(QStringLiteral("n")).isDouble());
        QCOMPARE(in.value(QStringLiteral("n")).toInt(), 3);
        QVERIFY(in.value(QStringLiteral("flag")).isBool());
        QCOMPARE(in.value(QStringLiteral("list")).toArray().size(), 2);
        QVERIFY(!in.contains(QStringLiteral("missing")));
        QCOMPARE(in.value(QStringLiteral("text")).toString(), QStringLiteral("x-3"));
        QCOMPARE(in.value(QStringLiteral("literal")).toInt(), 8080);
        QCOMPARE(in.value(QStringLiteral("user")).toString(), QStringLiteral("user:default/jdoe"));
        QCOMPARE(in.value(QStringLiteral("secret")).toString(), QStringLiteral("s3cr3t-value"));
        QCOMPARE(in.value(QStringLiteral("nested")).toArray().at(0), QJsonValue(true));
        // The recorded state masks the secret.
        const QByteArray state = readFile(runner.stateFile());
        QVERIFY(!state.contains("s3cr3t-value"));
        QVERIFY(state.contains("***"));
    }

    void ifAndEach()
    {
        QTemporaryDir tdir, ws;
        const Template t = makeTemplate(tdir.path(),
            "    - id: skipped\n"
            "      if: ${{ parameters.flag }}\n"
            "      action: test:record\n"
            "      input: { value: never }\n"
            "    - id: literal-false\n"
            "      if: false\n"
            "      action: test:record\n"
            "      input: { value: never }\n"
            "    - id: loop\n"
            "      each: ${{ parameters.list }}\n"
            "      if: ${{ each.value != 'skip' }}\n"
            "      action: test:record\n"
            "      input: { value: '${{ each.key }}:${{ each.value }}' }\n"
            "    - id: after\n"
            "      action: test:record\n"
            "      input: { value: '${{ steps.loop.output.echo | join(\",\") }}' }\n",
            "    links:\n"
            "      - title: shown\n"
            "        url: ${{ steps.after.output.echo }}\n"
            "      - title: hidden\n"
            "        if: ${{ parameters.flag }}\n"
            "        url: x\n");
        Recorder rec;
        TaskOptions o;
        o.workspace = ws.path();
        TaskRunner runner(t, o, rec.registry());
        const QJsonObject values { { QStringLiteral("flag"), false },
            { QStringLiteral("list"),
                QJsonArray { QStringLiteral("a"), QStringLiteral("skip"), QStringLiteral("c") } } };
        QVERIFY2(runner.run(values), qPrintable(runner.state().error));
        QCOMPARE(runner.state().steps.at(0).status, StepStatus::Skipped);
        QCOMPARE(runner.state().steps.at(1).status, StepStatus::Skipped);
        QCOMPARE(rec.calls, 3);
        QCOMPARE(runner.state().steps.at(2).output.value(QStringLiteral("echo")).toArray(),
            (QJsonArray { QStringLiteral("0:a"), QStringLiteral("2:c") }));
        QCOMPARE(rec.inputs.last().value(QStringLiteral("value")).toString(), QStringLiteral("0:a,2:c"));
        const QJsonArray links = runner.state().output.value(QStringLiteral("links")).toArray();
        QCOMPARE(links.size(), 1);
        QCOMPARE(links.at(0).toObject().value(QStringLiteral("url")).toString(), QStringLiteral("0:a,2:c"));
        QVERIFY(!links.at(0).toObject().contains(QStringLiteral("if")));
    }

    void renderError_namesStepFieldPositionAndExpression()
    {
        QTemporaryDir tdir, ws;
        const Template t = makeTemplate(tdir.path(),
            "    - id: bad\n"
            "      action: test:record\n"
            "      input:\n"
            "        values:\n"
            "          name: ${{ parameters.name | nosuchfilter }}\n");
        Recorder rec;
        TaskOptions o;
        o.workspace = ws.path();
        TaskRunner runner(t, o, rec.registry());
        QVERIFY(!runner.run({ { QStringLiteral("name"), QStringLiteral("x") } }));
        const QString e = runner.state().steps.at(0).error;
        QVERIFY2(e.contains(QStringLiteral("step \"bad\"")), qPrintable(e));
        QVERIFY2(e.contains(QStringLiteral("values.name")), qPrintable(e));
        QVERIFY2(e.contains(QStringLiteral("template.yaml line 18")), qPrintable(e));
        QVERIFY2(e.contains(QStringLiteral("nosuchfilter")), qPrintable(e));
        QCOMPARE(rec.calls, 0);
    }

    void unrenderedText_neverReachesAction()
    {
        QTemporaryDir tdir, ws;
        const Template t = makeTemplate(tdir.path(),
            "    - id: raw\n"
            "      action: test:record\n"
            "      input:\n"
            "        value: '{% raw %}${{ parameters.name }}{% endraw %}'\n");
        Recorder rec;
        TaskOptions o;
        o.workspace = ws.path();
        TaskRunner runner(t, o, rec.registry());
        QVERIFY(!runner.run({}));
        QCOMPARE(rec.calls, 0);
        QVERIFY(runner.state().error.contains(QStringLiteral("unrendered")));
    }

    void failure_skipsLaterStepsExceptAlways_andResumes()
    {
        QTemporaryDir tdir, ws;
        const Template t = makeTemplate(tdir.path(),
            "    - id: one\n"
            "      action: test:record\n"
            "      input: { value: first }\n"
            "    - id: two\n"
            "      action: test:record\n"
            "      input: { fail: '${{ parameters.fail }}', value: second }\n"
            "    - id: three\n"
            "      action: test:record\n"
            "      input: { value: '${{ steps.one.output.echo }}' }\n"
            "    - id: cleanup\n"
            "      if: ${{ failure() }}\n"
            "      action: test:record\n"
            "      input: { value: cleanup }\n");
        Recorder rec;
        TaskOptions o;
        o.workspace = ws.path();
        {
            TaskRunner runner(t, o, rec.registry());
            QVERIFY(!runner.run({ { QStringLiteral("fail"), true } }));
            QCOMPARE(runner.state().steps.at(1).status, StepStatus::Failed);
            QCOMPARE(runner.state().steps.at(2).status, StepStatus::Skipped);
            QCOMPARE(runner.state().steps.at(3).status, StepStatus::Completed);
            QVERIFY(runner.state().error.contains(QStringLiteral("asked to fail")));
            QCOMPARE(rec.calls, 3);
        }
        // Fix the cause (edit the recorded values as the wizard would) and resume: step one keeps
        // its output and does not run again.
        QJsonObject state
            = QJsonDocument::fromJson(readFile(ws.path() + QStringLiteral("/.flightdeck-task.json"))).object();
        state.insert(QStringLiteral("values"), QJsonObject { { QStringLiteral("fail"), false } });
        QVERIFY(writeFile(ws.path() + QStringLiteral("/.flightdeck-task.json"), QJsonDocument(state).toJson()));
        rec.calls = 0;
        rec.inputs.clear();
        TaskRunner resumed(t, o, rec.registry());
        QVERIFY2(resumed.resume(), qPrintable(resumed.state().error));
        QCOMPARE(rec.calls, 2); // two, three; cleanup's if is false now
        QCOMPARE(rec.inputs.at(0).value(QStringLiteral("value")).toString(), QStringLiteral("second"));
        QCOMPARE(rec.inputs.at(1).value(QStringLiteral("value")).toString(), QStringLiteral("first"));
        QCOMPARE(resumed.state().steps.at(3).status, StepStatus::Skipped);
        QCOMPARE(resumed.state().status, QStringLiteral("completed"));
    }

    void abortedRun_cleanup()
    {
        QTemporaryDir tdir, ws;
        QVERIFY(writeFile(tdir.path() + QStringLiteral("/skel/a/b.txt"), "b"));
        QVERIFY(writeFile(ws.path() + QStringLiteral("/keep.txt"), "mine"));
        const Template t = makeTemplate(tdir.path(),
            "    - id: fetch\n"
            "      action: fetch:plain\n"
            "      input: { url: ./skel }\n"
            "    - id: boom\n"
            "      action: test:record\n"
            "      input: { fail: true }\n");
        Recorder rec;
        TaskOptions o;
        o.workspace = ws.path();
        TaskRunner runner(t, o, rec.registry());
        QVERIFY(!runner.run({}));
        QVERIFY(QFile::exists(ws.path() + QStringLiteral("/a/b.txt")));
        QCOMPARE(runner.state().created, QStringList { QStringLiteral("a") });
        QVERIFY(runner.cleanup().isEmpty());
        QVERIFY(!QFile::exists(ws.path() + QStringLiteral("/a")));
        QVERIFY(QFile::exists(ws.path() + QStringLiteral("/keep.txt")));
    }

    void cancel_stopsBeforeTheNextStep()
    {
        QTemporaryDir tdir, ws;
        const Template t = makeTemplate(tdir.path(),
            "    - id: first\n"
            "      action: debug:log\n"
            "      input: { message: one }\n"
            "    - id: second\n"
            "      action: debug:log\n"
            "      input: { message: two }\n");
        TaskRunner* self = nullptr;
        TaskOptions o;
        o.workspace = ws.path();
        o.onLog = [&self](const QString& stepId, const QString&) {
            if (stepId == QLatin1String("first"))
                self->cancel(); // as a Cancel button on another thread would
        };
        TaskRunner runner(t, o);
        self = &runner;
        QSignalSpy finished(&runner, &TaskRunner::finished);
        QVERIFY(!runner.run({}));
        QCOMPARE(runner.state().status, QStringLiteral("cancelled"));
        QCOMPARE(runner.state().steps.at(1).status, StepStatus::Cancelled);
        QVERIFY(runner.state().steps.at(1).log.isEmpty());
        QCOMPARE(finished.size(), 1);
        QCOMPARE(finished.at(0).at(0).toBool(), false);
    }

    void skeletonRenderError_namesTheFile()
    {
        QTemporaryDir tdir, ws;
        QVERIFY(
            writeFile(tdir.path() + QStringLiteral("/skel/docs/index.md"), "ok\n${{ values.name | nosuchfilter }}\n"));
        const Template t = makeTemplate(tdir.path(),
            "    - id: fetch\n"
            "      action: fetch:template\n"
            "      input: { url: ./skel, values: { name: x } }\n");
        TaskOptions o;
        o.workspace = ws.path();
        TaskRunner runner(t, o);
        QVERIFY(!runner.run({}));
        const QString e = runner.state().error;
        QVERIFY2(e.contains(QStringLiteral("step \"fetch\"")) && e.contains(QStringLiteral("docs/index.md line 2")),
            qPrintable(e));
        QVERIFY(!QFile::exists(ws.path() + QStringLiteral("/docs/index.md")));
    }

    void runsOnWorkerThread_withQueuedSignals()
    {
        QTemporaryDir tdir, ws;
        const Template t = makeTemplate(tdir.path(),
            "    - id: a\n"
            "      action: debug:log\n"
            "      input: { message: '${{ parameters.name }}' }\n");
        TaskOptions o;
        o.workspace = ws.path();
        TaskRunner runner(t, o);
        QStringList seen;
        QObject receiver; // lives on this (the "GUI") thread
        connect(
            &runner, &TaskRunner::logLine, &receiver, [&seen](const QString&, const QString& line) { seen << line; });
        QSignalSpy finished(&runner, &TaskRunner::finished);
        QFuture<bool> f = QtConcurrent::run([&runner] {
            return runner.run({ { QStringLiteral("name"), QStringLiteral("threaded") } });
        });
        QTRY_VERIFY(f.isFinished());
        QVERIFY(f.result());
        QTRY_VERIFY(seen.contains(QStringLiteral("threaded")));
        QCOMPARE(finished.size(), 1);
    }

    void fsAndCatalogActions()
    {
        QTemporaryDir tdir, ws;
        QVERIFY(writeFile(tdir.path() + QStringLiteral("/one.txt"), "${{ not rendered }}"));
        QVERIFY(writeFile(tdir.path() + QStringLiteral("/tree/x.md"), "x"));
        QVERIFY(writeFile(tdir.path() + QStringLiteral("/tree/tmp/y.log"), "y"));
        const Template t = makeTemplate(tdir.path(),
            "    - id: plain\n"
            "      action: fetch:plain\n"
            "      input: { url: ./tree, targetPath: t }\n"
            "    - id: file\n"
            "      action: fetch:plain:file\n"
            "      input: { url: ./one.txt, targetPath: copied/one.txt }\n"
            "    - id: rename\n"
            "      action: fs:rename\n"
            "      input: { files: [ { from: t/x.md, to: docs/x.md } ] }\n"
            "    - id: delete\n"
            "      action: fs:delete\n"
            "      input: { files: [ 't/**/*.log' ] }\n"
            "    - id: write\n"
            "      action: catalog:write\n"
            "      input:\n"
            "        entity:\n"
            "          apiVersion: backstage.io/v1alpha1\n"
            "          kind: Component\n"
            "          metadata: { name: '${{ parameters.name }}' }\n"
            "          spec: { type: service, owner: team-a, lifecycle: experimental }\n"
            "    - id: log\n"
            "      action: debug:log\n"
            "      input: { message: hello, listWorkspace: true }\n");
        TaskOptions o;
        o.workspace = ws.path();
        TaskRunner runner(t, o);
        QVERIFY2(runner.run({ { QStringLiteral("name"), QStringLiteral("svc") } }), qPrintable(runner.state().error));
        QCOMPARE(readFile(ws.path() + QStringLiteral("/copied/one.txt")), QByteArray("${{ not rendered }}"));
        QVERIFY(QFile::exists(ws.path() + QStringLiteral("/docs/x.md")));
        QVERIFY(!QFile::exists(ws.path() + QStringLiteral("/t/x.md")));
        QVERIFY(!QFile::exists(ws.path() + QStringLiteral("/t/tmp/y.log")));
        const QByteArray info = readFile(ws.path() + QStringLiteral("/catalog-info.yaml"));
        QVERIFY2(info.contains("name: svc"), info.constData());
        QVERIFY(info.contains("backstage.io/source-template: template:default/test-template"));
        QVERIFY(runner.state().steps.at(5).log.contains(QStringLiteral("hello")));
        QVERIFY(runner.state().steps.at(5).log.contains(QStringLiteral("docs/x.md")));
        // Renaming onto an existing file needs overwrite, and nothing may leave the workspace.
        const Template bad = makeTemplate(tdir.path(),
            "    - id: rename\n"
            "      action: fs:rename\n"
            "      input: { files: [ { from: docs/x.md, to: ../x.md } ] }\n");
        TaskRunner r2(bad, o);
        QVERIFY(!r2.run({}));
        QVERIFY(r2.state().error.contains(QStringLiteral("\"..\"")));
        const Template del = makeTemplate(tdir.path(),
            "    - id: delete\n"
            "      action: fs:delete\n"
            "      input: { files: [ '../*' ] }\n");
        TaskRunner r3(del, o);
        QVERIFY(!r3.run({}));
    }

    void publishGit_pushesToBareRemote_andDryRunDoesNot()
    {
        QTemporaryDir tdir, ws, dryWs, remotes;
        QVERIFY(writeFile(tdir.path() + QStringLiteral("/skel/README.md"), "# ${{ values.name }}\n"));
        const QString bare = remotes.path() + QStringLiteral("/r.git");
        QVERIFY(Testing::runGit({ QStringLiteral("init"), QStringLiteral("--bare"), bare }).ok());
        const QByteArray steps = "    - id: fetch\n"
                                 "      action: fetch:template\n"
                                 "      input: { url: ./skel, values: { name: '${{ parameters.name }}' } }\n"
                                 "    - id: publish\n"
                                 "      action: publish:git\n"
                                 "      input:\n"
                                 "        remoteUrl: "
            + Testing::fileUrl(bare).toUtf8()
            + "\n"
              "        gitAuthorName: Jane Doe\n"
              "        gitAuthorEmail: jane@example.com\n"
              "        gitCommitMessage: Create ${{ parameters.name }}\n"
              "    - id: register\n"
              "      action: catalog:register\n"
              "      input: { repoContentsUrl: '${{ steps.publish.output.repoContentsUrl }}' }\n";
        const Template t = makeTemplate(tdir.path(), steps);
        FakeRegistrar registrar;
        TaskOptions dry;
        dry.workspace = dryWs.path();
        dry.dryRun = true;
        dry.registrar = &registrar;
        TaskRunner dryRunner(t, dry);
        QVERIFY2(
            dryRunner.run({ { QStringLiteral("name"), QStringLiteral("svc") } }), qPrintable(dryRunner.state().error));
        QVERIFY(QFile::exists(dryWs.path() + QStringLiteral("/README.md")));
        QVERIFY(!QFile::exists(dryWs.path() + QStringLiteral("/.git")));
        QVERIFY(
            !Testing::runGit({ QStringLiteral("--git-dir"), bare, QStringLiteral("rev-parse"), QStringLiteral("main") })
                 .ok());
        QVERIFY(registrar.requests.isEmpty());
        QVERIFY(!dryRunner.state().steps.at(1).wouldDo.isEmpty());
        QVERIFY(!dryRunner.state().steps.at(2).wouldDo.isEmpty());

        TaskOptions real;
        real.workspace = ws.path();
        real.registrar = &registrar;
        TaskRunner runner(t, real);
        QVERIFY2(runner.run({ { QStringLiteral("name"), QStringLiteral("svc") } }), qPrintable(runner.state().error));
        const QString sha = Testing::revParse(bare, QStringLiteral("main"));
        QVERIFY(!sha.isEmpty());
        QCOMPARE(runner.state().steps.at(1).output.value(QStringLiteral("commitHash")).toString(), sha);
        const Testing::GitRun show = Testing::runGit({ QStringLiteral("--git-dir"), bare, QStringLiteral("log"),
            QStringLiteral("-1"), QStringLiteral("--format=%an <%ae> %s"), QStringLiteral("main") });
        QCOMPARE(show.output.trimmed(), QByteArray("Jane Doe <jane@example.com> Create svc"));
        const Testing::GitRun files = Testing::runGit({ QStringLiteral("--git-dir"), bare, QStringLiteral("ls-tree"),
            QStringLiteral("--name-only"), QStringLiteral("main") });
        QCOMPARE(files.output.trimmed(), QByteArray("README.md")); // not the task state
        QCOMPARE(registrar.requests.size(), 1);
        QVERIFY(runner.state().created.contains(QStringLiteral(".git")));
    }

    void bundledTemplates_data()
    {
        QTest::addColumn<QString>("name");
        for (const char* n : { "cpp-service", "python-service", "node-service", "go-service" })
            QTest::newRow(n) << QString::fromLatin1(n);
    }

    void bundledTemplates()
    {
        QFETCH(QString, name);
        const QString file = QStringLiteral(FLIGHTDECK_TEMPLATES_DIR "/") + name + QStringLiteral("/template.yaml");
        const TemplateLoad load = loadTemplateFile(file);
        QVERIFY(load.ok);
        const QJsonObject values { { QStringLiteral("name"), QStringLiteral("demo-svc") },
            { QStringLiteral("description"), QStringLiteral("A demo service used by the tests") },
            { QStringLiteral("owner"), QStringLiteral("group:default/team-a") },
            { QStringLiteral("system"), QStringLiteral("system:default/demo") },
            { QStringLiteral("lifecycle"), QStringLiteral("experimental") }, { QStringLiteral("port"), 8080 },
            { QStringLiteral("repoUrl"), QStringLiteral("github.com?owner=acme&repo=demo-svc") },
            { QStringLiteral("repoVisibility"), QStringLiteral("private") } };
        QTemporaryDir dryWs, ws, remotes;
        FakeRegistrar registrar;
        {
            TaskOptions o;
            o.workspace = dryWs.path();
            o.dryRun = true;
            o.registrar = &registrar;
            TaskRunner runner(load.value, o);
            QVERIFY2(runner.run(values), qPrintable(runner.state().error));
            QVERIFY(registrar.requests.isEmpty());
            QVERIFY(!runner.state().steps.at(1).wouldDo.isEmpty());
            QCOMPARE(runner.state()
                         .output.value(QStringLiteral("links"))
                         .toArray()
                         .at(0)
                         .toObject()
                         .value(QStringLiteral("url"))
                         .toString(),
                QStringLiteral("https://github.com/acme/demo-svc.git"));
            QVERIFY(QFile::exists(dryWs.path() + QStringLiteral("/catalog-info.yaml")));
        }
        const QString bare = remotes.path() + QStringLiteral("/demo.git");
        QVERIFY(Testing::runGit({ QStringLiteral("init"), QStringLiteral("--bare"), bare }).ok());
        TaskOptions o;
        o.workspace = ws.path();
        o.registrar = &registrar;
        o.publishRemoteUrl = Testing::fileUrl(bare);
        TaskRunner runner(load.value, o);
        QVERIFY2(runner.run(values), qPrintable(runner.state().error));
        QCOMPARE(registrar.requests.size(), 1);
        QVERIFY(registrar.requests.first().localFile.endsWith(QStringLiteral("catalog-info.yaml")));
        QCOMPARE(runner.state().steps.at(2).output.value(QStringLiteral("entityRef")).toString(),
            QStringLiteral("component:default/registered"));
        QVERIFY(!Testing::revParse(bare, QStringLiteral("main")).isEmpty());
        // Dry-run and real run render the same files, and nothing outside the copied workflows
        // still holds "${{".
        QStringList dryFiles = filesUnder(dryWs.path());
        QStringList realFiles = filesUnder(ws.path());
        realFiles.erase(std::remove_if(realFiles.begin(), realFiles.end(),
                            [](const QString& f) { return f.startsWith(QLatin1String(".git/")); }),
            realFiles.end());
        QCOMPARE(dryFiles, realFiles);
        QVERIFY(dryFiles.size() > 10);
        for (const QString& f : std::as_const(realFiles)) {
            if (f.startsWith(QLatin1String(".github/workflows/")) || f == QLatin1String(".flightdeck-task.json"))
                continue;
            const QByteArray bytes = readFile(ws.path() + QLatin1Char('/') + f);
            QVERIFY2(!bytes.contains("${{"), qPrintable(f));
            QVERIFY2(readFile(dryWs.path() + QLatin1Char('/') + f) == bytes, qPrintable(f));
        }
        QVERIFY(readFile(ws.path() + QStringLiteral("/catalog-info.yaml")).contains("demo-svc"));
    }
};

QTEST_GUILESS_MAIN(tst_ScaffoldRunner)
#include "tst_scaffoldrunner.moc"
