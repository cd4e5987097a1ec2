// SPDX-License-Identifier: Apache-2.0
// The golden paths shipped in resources/templates: each is generated through the task runner with
// a form's worth of values, and the generated project is built and its own tests run with its own
// toolchain, where that toolchain is on this machine (else the row says which one is missing).
#include "scaffolder/taskrunner.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Flightdeck;
using namespace Flightdeck::Scaffolder;

namespace {

struct Command
{
    QString program;
    QStringList arguments;
    QMap<QString, QString> env;
};

struct Result
{
    bool started = false;
    int exitCode = -1;
    QByteArray output;
};

Result run(const Command& c, const QString& dir, int timeoutMs)
{
    QProcess p;
    p.setWorkingDirectory(dir);
    p.setProcessChannelMode(QProcess::MergedChannels);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (auto it = c.env.cbegin(); it != c.env.cend(); ++it)
        env.insert(it.key(), it.value());
    p.setProcessEnvironment(env);
    p.start(c.program, c.arguments);
    Result r;
    r.started = p.waitForStarted(30000);
    if (!r.started)
        return r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        r.output = p.readAll() + "\n[timed out]";
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
    r.output = p.readAll();
    return r;
}

QString findTool(const QString& name)
{
    return QStandardPaths::findExecutable(name);
}

// Whether a failed `npm ci` failed because the registry is out of reach (no DNS, no route, a
// proxy in the way, a dropped connection), not because of the generated project.
bool npmCannotReachRegistry(const QByteArray& output)
{
    static const char* const markers[] = {"ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "ECONNREFUSED", "ENETUNREACH",
        "EHOSTUNREACH", "ECONNRESET", "EPROXY", "npm ERR! network", "npm error network",
        "request to https://registry.npmjs.org"};
    for (const char* marker : markers)
        if (output.contains(marker))
            return true;
    return false;
}

} // namespace

class tst_GoldenPaths : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void generateBuildAndTest_data()
    {
        QTest::addColumn<QString>("templateName");
        QTest::addColumn<QStringList>("tools"); // every one must be on PATH, else the row skips
        QTest::newRow("cpp-service") << QStringLiteral("cpp-service") << QStringList {QStringLiteral("cmake"), QStringLiteral("ctest")};
        QTest::newRow("python-service") << QStringLiteral("python-service") << QStringList {QStringLiteral("python3")};
        QTest::newRow("node-service") << QStringLiteral("node-service") << QStringList {QStringLiteral("node"), QStringLiteral("npm")};
        QTest::newRow("go-service") << QStringLiteral("go-service") << QStringList {QStringLiteral("go")};
    }

    void generateBuildAndTest()
    {
        QFETCH(QString, templateName);
        QFETCH(QStringList, tools);
        const TemplateLoad load = loadTemplateFile(QStringLiteral(FLIGHTDECK_TEMPLATES_DIR "/") + templateName + QStringLiteral("/template.yaml"));
        QVERIFY2(load.ok, qPrintable(load.diagnostics.isEmpty() ? QString() : load.diagnostics.first().toText()));

        // Generate, as the wizard would: the form's defaults, then the values a user types.
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString ws = dir.filePath(QStringLiteral("project"));
        TaskOptions options;
        options.workspace = ws;
        options.dryRun = true; // generates the files; publishing is not what this test is about
        TaskRunner runner(load.value, options);
        const QJsonObject values {{QStringLiteral("name"), QStringLiteral("trip-notes")},
                                  {QStringLiteral("description"), QStringLiteral("Notes travellers keep about their trips.")},
                                  {QStringLiteral("owner"), QStringLiteral("group:default/trips")},
                                  {QStringLiteral("system"), QStringLiteral("system:default/booking")},
                                  {QStringLiteral("lifecycle"), QStringLiteral("experimental")},
                                  {QStringLiteral("port"), 8080},
                                  {QStringLiteral("repoUrl"), QStringLiteral("github.com?owner=fernhollow&repo=trip-notes")},
                                  {QStringLiteral("repoVisibility"), QStringLiteral("private")}};
        QVERIFY2(runner.run(values), qPrintable(runner.state().error));
        // Nothing unrendered, except the workflows that are copied as they are on purpose.
        QDirIterator files(ws, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        int count = 0;
        while (files.hasNext()) {
            const QString path = files.next();
            ++count;
            if (path.contains(QLatin1String("/.github/workflows/")) || path.endsWith(QLatin1String(".flightdeck-task.json")))
                continue;
            QFile f(path);
            QVERIFY(f.open(QIODevice::ReadOnly));
            QVERIFY2(!f.readAll().contains("${{"), qPrintable(path));
        }
        QVERIFY(count >= 15);
        QVERIFY(QFile::exists(ws + QStringLiteral("/catalog-info.yaml")));
        QVERIFY(QFile::exists(ws + QStringLiteral("/Dockerfile")));

        for (const QString& tool : tools)
            if (findTool(tool).isEmpty())
                QSKIP(qPrintable(QStringLiteral("generated, but not built: %1 is not on this machine").arg(tool)));

        QList<Command> steps;
        if (templateName == QLatin1String("cpp-service")) {
            steps << Command {findTool(QStringLiteral("cmake")), {QStringLiteral("-S"), QStringLiteral("."), QStringLiteral("-B"), QStringLiteral("build")}, {}}
                  << Command {findTool(QStringLiteral("cmake")), {QStringLiteral("--build"), QStringLiteral("build"), QStringLiteral("-j2")}, {}}
                  << Command {findTool(QStringLiteral("ctest")), {QStringLiteral("--test-dir"), QStringLiteral("build"), QStringLiteral("--output-on-failure")}, {}};
        } else if (templateName == QLatin1String("python-service")) {
            steps << Command {findTool(QStringLiteral("python3")),
                              {QStringLiteral("-X"), QStringLiteral("dev"), QStringLiteral("-W"), QStringLiteral("error"), QStringLiteral("-m"),
                               QStringLiteral("unittest"), QStringLiteral("discover"), QStringLiteral("--start-directory"), QStringLiteral("tests"),
                               QStringLiteral("--top-level-directory"), QStringLiteral(".")},
                              {{QStringLiteral("PYTHONPATH"), QStringLiteral("src")}}};
        } else if (templateName == QLatin1String("node-service")) {
            // One retry with a 60 s fetch timeout: a registry out of reach fails (and skips) in
            // minutes, not in npm's default five retries of five minutes each.
            steps << Command {findTool(QStringLiteral("npm")),
                              {QStringLiteral("ci"), QStringLiteral("--ignore-scripts"), QStringLiteral("--no-audit"), QStringLiteral("--no-fund"),
                               QStringLiteral("--fetch-timeout=60000"), QStringLiteral("--fetch-retries=1")},
                              {}}
                  << Command {findTool(QStringLiteral("npm")), {QStringLiteral("test")}, {}};
        } else if (templateName == QLatin1String("go-service")) {
            steps << Command {findTool(QStringLiteral("go")), {QStringLiteral("vet"), QStringLiteral("./...")}, {{QStringLiteral("GOFLAGS"), QStringLiteral("-mod=mod")}}}
                  << Command {findTool(QStringLiteral("go")), {QStringLiteral("test"), QStringLiteral("./...")}, {{QStringLiteral("GOFLAGS"), QStringLiteral("-mod=mod")}}};
        }
        QVERIFY(!steps.isEmpty());
        for (const Command& c : std::as_const(steps)) {
            const Result r = run(c, ws, 600000);
            QVERIFY2(r.started, qPrintable(c.program));
            if (r.exitCode != 0 && c.arguments.value(0) == QLatin1String("ci") && npmCannotReachRegistry(r.output))
                QSKIP("generated, but npm cannot reach its registry from here to install the dev dependencies");
            QVERIFY2(r.exitCode == 0, qPrintable(c.program + QLatin1Char(' ') + c.arguments.join(QLatin1Char(' ')) + QStringLiteral(":\n")
                                                 + QString::fromUtf8(r.output.right(4000))));
        }
    }
};

QTEST_GUILESS_MAIN(tst_GoldenPaths)
#include "tst_goldenpaths.moc"
