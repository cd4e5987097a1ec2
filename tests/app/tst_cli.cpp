// SPDX-License-Identifier: Apache-2.0
// The command line is a contract users script against: exit codes, JSON lines, the summary line,
// filters, and the shapes of show and relations. These tests run the real executable.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

namespace {

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Run flightdeck(const QStringList& args, const QString& workingDir = {})
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    QTemporaryDir home; // never touch the real configuration or caches
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
    env.insert(QStringLiteral("XDG_CACHE_HOME"), home.filePath(QStringLiteral("cache")));
    env.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
    p.setProcessEnvironment(env);
    if (!workingDir.isEmpty())
        p.setWorkingDirectory(workingDir);
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

QString data(const char* rel)
{
    return QStringLiteral(FLIGHTDECK_TEST_DATA "/") + QLatin1String(rel);
}

bool writeFile(const QString& path, const QByteArray& bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

QList<QJsonObject> jsonLines(const QByteArray& out)
{
    QList<QJsonObject> lines;
    for (const QByteArray& line : out.split('\n')) {
        if (line.trimmed().isEmpty())
            continue;
        QJsonParseError e;
        const QJsonDocument d = QJsonDocument::fromJson(line, &e);
        if (e.error != QJsonParseError::NoError || !d.isObject())
            return {};
        lines << d.object();
    }
    return lines;
}

} // namespace

class tst_Cli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void validate_validCatalog_exitsZero()
    {
        const Run r = flightdeck({QStringLiteral("catalog"), QStringLiteral("validate"), data("catalog/locations/more/b.yaml"),
                                  data("catalog/locations/more/c.yaml")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("2 entities, 0 errors, 2 warnings"), r.out.constData()); // owner team-a is not in these files
    }

    void validate_json_oneObjectPerDiagnosticThenSummary()
    {
        const Run r = flightdeck({QStringLiteral("catalog"), QStringLiteral("validate"), QStringLiteral("--format"),
                                  QStringLiteral("json"), data("catalog/relations")});
        QCOMPARE(r.exitCode, 0); // one warning (a dangling memberOf) is allowed
        const QList<QJsonObject> lines = jsonLines(r.out);
        QCOMPARE(lines.size(), 2);
        const QJsonObject d = lines.first();
        for (const char* key : {"file", "line", "column", "entity", "severity", "field", "message"})
            QVERIFY2(d.contains(QLatin1String(key)), key);
        QCOMPARE(d[QStringLiteral("severity")].toString(), QStringLiteral("warning"));
        QCOMPARE(d[QStringLiteral("line")].toInt(), 141);
        QCOMPARE(d[QStringLiteral("entity")].toString(), QStringLiteral("user:default/asmith"));
        QCOMPARE(d[QStringLiteral("field")].toString(), QStringLiteral("spec.memberOf.1"));
        const QJsonObject summary = lines.last()[QStringLiteral("summary")].toObject();
        QCOMPARE(summary[QStringLiteral("entities")].toInt(), 15);
        QCOMPARE(summary[QStringLiteral("errors")].toInt(), 0);
        QCOMPARE(summary[QStringLiteral("warnings")].toInt(), 1);
    }

    void validate_strict_failsOnWarnings()
    {
        const Run r = flightdeck({QStringLiteral("catalog"), QStringLiteral("validate"), QStringLiteral("--strict"), data("catalog/relations")});
        QCOMPARE(r.exitCode, 1);
    }

    void validate_errors_exitOneWithFileLineAndHint()
    {
        QTemporaryDir dir;
        QVERIFY(writeFile(dir.filePath(QStringLiteral("catalog-info.yaml")),
                          "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: my service\nspec:\n"
                          "  type: service\n  owner: team-a\n"));
        const Run text = flightdeck({QStringLiteral("catalog"), QStringLiteral("validate"), dir.path()});
        QCOMPARE(text.exitCode, 1);
        QVERIFY2(text.out.contains("catalog-info.yaml:4:9: error:"), text.out.constData());
        const Run json = flightdeck({QStringLiteral("catalog"), QStringLiteral("validate"), QStringLiteral("--format=json"), dir.path()});
        QCOMPARE(json.exitCode, 1);
        const QList<QJsonObject> lines = jsonLines(json.out);
        QVERIFY(lines.size() >= 3); // bad name, missing lifecycle, summary
        bool sawName = false, sawLifecycle = false;
        for (const QJsonObject& l : lines) {
            if (l[QStringLiteral("field")].toString() == QLatin1String("metadata.name")) {
                sawName = true;
                QCOMPARE(l[QStringLiteral("line")].toInt(), 4);
                QCOMPARE(l[QStringLiteral("column")].toInt(), 9);
                QCOMPARE(l[QStringLiteral("severity")].toString(), QStringLiteral("error"));
                QVERIFY(!l[QStringLiteral("hint")].toString().isEmpty());
            }
            if (l[QStringLiteral("message")].toString().contains(QLatin1String("lifecycle")))
                sawLifecycle = true;
        }
        QVERIFY(sawName);
        QVERIFY(sawLifecycle);
        QCOMPARE(lines.last()[QStringLiteral("summary")].toObject()[QStringLiteral("errors")].toInt() >= 2, true);
        QCOMPARE(lines.last()[QStringLiteral("summary")].toObject()[QStringLiteral("entities")].toInt(), 0);
    }

    void usageErrors_exitTwo_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("missing source") << QStringList {QStringLiteral("catalog"), QStringLiteral("validate"), QStringLiteral("/no/such/dir")};
        QTest::newRow("bad format") << QStringList {QStringLiteral("catalog"), QStringLiteral("validate"), QStringLiteral("--format"),
                                                    QStringLiteral("xml"), data("catalog/relations")};
        QTest::newRow("unknown option") << QStringList {QStringLiteral("catalog"), QStringLiteral("list"), QStringLiteral("--frobnicate"),
                                                        data("catalog/relations")};
        QTest::newRow("unknown subcommand") << QStringList {QStringLiteral("catalog"), QStringLiteral("frob")};
        QTest::newRow("show without ref") << QStringList {QStringLiteral("catalog"), QStringLiteral("show")};
        QTest::newRow("bad depth") << QStringList {QStringLiteral("catalog"), QStringLiteral("relations"), QStringLiteral("checkout"),
                                                   QStringLiteral("--depth"), QStringLiteral("zero"), data("catalog/relations")};
        QTest::newRow("bad direction") << QStringList {QStringLiteral("catalog"), QStringLiteral("relations"), QStringLiteral("checkout"),
                                                       QStringLiteral("--direction"), QStringLiteral("up"), data("catalog/relations")};
        QTest::newRow("missing workspace") << QStringList {QStringLiteral("catalog"), QStringLiteral("list"), QStringLiteral("--workspace"),
                                                           QStringLiteral("/no/such/workspace.yaml")};
    }
    void usageErrors_exitTwo()
    {
        QFETCH(QStringList, args);
        const Run r = flightdeck(args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY(!r.err.isEmpty());
    }

    void list_filtersByKindOwnerAndQuery()
    {
        const Run kind = flightdeck({QStringLiteral("catalog"), QStringLiteral("list"), QStringLiteral("--kind"), QStringLiteral("api"),
                                     QStringLiteral("--format"), QStringLiteral("json"), data("catalog/relations")});
        QCOMPARE(kind.exitCode, 0);
        const QJsonArray apis = QJsonDocument::fromJson(kind.out).array();
        QCOMPARE(apis.size(), 2);
        for (const QJsonValue& v : apis)
            QCOMPARE(v[QStringLiteral("kind")].toString(), QStringLiteral("API"));
        QVERIFY(apis[0].toObject().contains(QStringLiteral("relations")));

        const Run owner = flightdeck({QStringLiteral("catalog"), QStringLiteral("list"), QStringLiteral("--owner"), QStringLiteral("team-b"),
                                      QStringLiteral("--format=json"), data("catalog/relations")});
        QStringList names;
        for (const QJsonValue& v : QJsonDocument::fromJson(owner.out).array())
            names << v[QStringLiteral("metadata")][QStringLiteral("name")].toString();
        names.sort();
        QCOMPARE(names, (QStringList {QStringLiteral("ledger"), QStringLiteral("ledger-api"), QStringLiteral("ledger-db")}));

        const Run query = flightdeck({QStringLiteral("catalog"), QStringLiteral("list"), QStringLiteral("--query"), QStringLiteral("chekout"),
                                      data("catalog/relations")});
        QCOMPARE(query.exitCode, 0);
        const QList<QByteArray> rows = query.out.trimmed().split('\n');
        QVERIFY(rows.size() >= 2);
        QVERIFY(rows[0].startsWith("KIND"));
        QVERIFY2(rows[1].contains("checkout"), query.out.constData()); // typo-tolerant, best match first
    }

    void show_printsTheEntityWithRelations()
    {
        const Run yaml = flightdeck({QStringLiteral("catalog"), QStringLiteral("show"), QStringLiteral("checkout"), data("catalog/relations")});
        QCOMPARE(yaml.exitCode, 0);
        QVERIFY(yaml.out.contains("name: checkout"));
        QVERIFY(yaml.out.contains("targetRef: group:default/team-a"));
        const Run json = flightdeck({QStringLiteral("catalog"), QStringLiteral("show"), QStringLiteral("component:default/checkout"),
                                     QStringLiteral("--format"), QStringLiteral("json"), data("catalog/relations")});
        const QJsonObject o = QJsonDocument::fromJson(json.out).object();
        QCOMPARE(o[QStringLiteral("metadata")][QStringLiteral("namespace")].toString(), QStringLiteral("default"));
        QVERIFY(o[QStringLiteral("relations")].toArray().size() >= 8);
        const Run missing = flightdeck({QStringLiteral("catalog"), QStringLiteral("show"), QStringLiteral("chekout"), data("catalog/relations")});
        QCOMPARE(missing.exitCode, 1);
        QVERIFY2(missing.err.contains("component:default/checkout"), missing.err.constData()); // did you mean
    }

    void relations_depthAndDirection()
    {
        const Run out1 = flightdeck({QStringLiteral("catalog"), QStringLiteral("relations"), QStringLiteral("checkout"),
                                     QStringLiteral("--direction"), QStringLiteral("out"), data("catalog/relations")});
        QCOMPARE(out1.exitCode, 0);
        QVERIFY(out1.out.startsWith("component:default/checkout\n"));
        QVERIFY(out1.out.contains("dependsOn resource:default/checkout-db"));
        QVERIFY(!out1.out.contains("hasPart"));
        QVERIFY(!out1.out.contains("ledger-db")); // depth 1
        const Run deep = flightdeck({QStringLiteral("catalog"), QStringLiteral("relations"), QStringLiteral("checkout"), QStringLiteral("--depth"),
                                     QStringLiteral("2"), QStringLiteral("--direction=out"), QStringLiteral("--format=json"),
                                     data("catalog/relations")});
        QCOMPARE(deep.exitCode, 0);
        const QJsonObject root = QJsonDocument::fromJson(deep.out).object();
        QCOMPARE(root[QStringLiteral("entityRef")].toString(), QStringLiteral("component:default/checkout"));
        bool ledgerDb = false;
        for (const QJsonValue& r : root[QStringLiteral("relations")].toArray())
            for (const QJsonValue& sub : r[QStringLiteral("relations")].toArray())
                if (sub[QStringLiteral("targetRef")].toString() == QLatin1String("resource:default/ledger-db"))
                    ledgerDb = true;
        QVERIFY(ledgerDb);
        const Run in = flightdeck({QStringLiteral("catalog"), QStringLiteral("relations"), QStringLiteral("group:team-a"),
                                   QStringLiteral("--direction"), QStringLiteral("in"), data("catalog/relations")});
        QVERIFY(in.out.contains("ownerOf component:default/checkout"));
        QVERIFY(in.out.contains("hasMember user:default/jdoe"));
        QVERIFY(!in.out.contains("childOf"));
    }

    void workspace_sourcesAreRead()
    {
        QTemporaryDir dir;
        QVERIFY(writeFile(dir.filePath(QStringLiteral("workspace.yaml")),
                          "apiVersion: flightdeck.dev/v1\nkind: Workspace\nmetadata:\n  name: test\nspec:\n  catalog:\n    sources:\n"
                          "      - name: rel\n        type: directory\n        path: " + data("catalog/relations").toUtf8()
                              + "\n      - name: more\n        type: directory\n        globs: ['*.yaml']\n        path: "
                              + data("catalog/locations/more").toUtf8() + "\n"));
        const Run r = flightdeck({QStringLiteral("catalog"), QStringLiteral("validate"), QStringLiteral("--workspace"),
                                  dir.filePath(QStringLiteral("workspace.yaml"))});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("17 entities"), r.out.constData());
    }
    // A file the user may not read is an error on that file, and the rest still loads. Root reads
    // every file, so as root the command runs as "nobody" (setpriv); where that cannot be done the
    // test says why and skips.
    void validate_unreadableFile_isAnErrorAndTheRestLoads()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QByteArray component = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: NAME\nspec:\n"
                                     "  type: service\n  lifecycle: production\n  owner: team-a\n";
        QVERIFY(writeFile(dir.filePath(QStringLiteral("catalog-info.yaml")), QByteArray(component).replace("NAME", "readable")));
        const QString hidden = dir.filePath(QStringLiteral("locked/catalog-info.yaml"));
        QVERIFY(writeFile(hidden, QByteArray(component).replace("NAME", "hidden")));
        const auto rx = QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner | QFileDevice::ReadGroup
            | QFileDevice::ExeGroup | QFileDevice::ReadOther | QFileDevice::ExeOther;
        QVERIFY(QFile::setPermissions(dir.path(), rx));
        QVERIFY(QFile::setPermissions(dir.filePath(QStringLiteral("locked")), rx));
        QVERIFY(QFile::setPermissions(hidden, QFileDevice::Permissions()));

        QStringList program {QStringLiteral(FLIGHTDECK_EXECUTABLE)};
        QTemporaryDir home; // caches of the user who runs it
        QVERIFY(home.isValid());
        if (::geteuid() == 0) {
            const QString setpriv = QStandardPaths::findExecutable(QStringLiteral("setpriv"));
            if (setpriv.isEmpty())
                QSKIP("running as root without setpriv: root can read any file");
            QVERIFY(QFile::setPermissions(home.path(), QFileDevice::Permissions(0x7777)));
            program = QStringList {setpriv, QStringLiteral("--reuid=65534"), QStringLiteral("--regid=65534"),
                                   QStringLiteral("--clear-groups"), QStringLiteral(FLIGHTDECK_EXECUTABLE)};
        }
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("XDG_CACHE_HOME"), home.filePath(QStringLiteral("cache")));
        env.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
        p.setProcessEnvironment(env);
        p.start(program.first(), program.mid(1) + QStringList {QStringLiteral("catalog"), QStringLiteral("validate"), dir.path()});
        QVERIFY(p.waitForFinished(120000));
        const QByteArray out = p.readAllStandardOutput() + p.readAllStandardError();
        if (::geteuid() == 0 && p.exitCode() != 1 && out.contains("Permission denied") && !out.contains(hidden.toUtf8()))
            QSKIP(qPrintable(QStringLiteral("the user nobody cannot run the test build here: ") + QString::fromUtf8(out.left(200))));
        QCOMPARE(p.exitCode(), 1);
        QVERIFY2(out.contains(QByteArray(hidden.toUtf8() + ": error: cannot read the file: Permission denied")), out.constData());
        QVERIFY2(out.contains("Check the file's permissions."), out.constData());
        QVERIFY2(out.contains("1 entity, 1 error"), out.constData()); // the readable one still loads
    }
};

QTEST_GUILESS_MAIN(tst_Cli)
#include "tst_cli.moc"
