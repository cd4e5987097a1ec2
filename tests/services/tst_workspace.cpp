// SPDX-License-Identifier: Apache-2.0
#include "workspace/workspace.h"

#include <QDir>
#include <QFile>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Flightdeck;
using SourceType = Sources::CatalogSourceSpec::Type;

namespace {

QByteArray lines(std::initializer_list<const char*> ls)
{
    QByteArray out;
    for (const char* l : ls)
        out += QByteArray(l) + '\n';
    return out;
}

// Lines 1 to 6 of a workspace whose catalog sources start on line 7.
QByteArray sourcesHeader()
{
    return lines({ "apiVersion: flightdeck.dev/v1", "kind: Workspace", "metadata: {name: t}",
        "spec:", "  catalog:", "    sources:" });
}

QString dataFile(const char* name)
{
    return QStringLiteral(FLIGHTDECK_TEST_DATA "/workspace/") + QLatin1String(name);
}

QByteArray readFile(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QString describe(const Catalog::Diagnostics& ds)
{
    QStringList out;
    for (const auto& d : ds)
        out << d.toText();
    return out.join(QLatin1Char('\n'));
}

// The subtree at a dotted path of a parsed document, as compact JSON.
QByteArray jsonAt(const QByteArray& yaml, std::initializer_list<const char*> path)
{
    const auto docs = Catalog::parseYamlStream(yaml);
    if (docs.size() != 1 || docs[0].error)
        return "<parse error>";
    Catalog::YamlValue v(&docs[0].document, docs[0].document.root());
    for (const char* key : path)
        v = v[key];
    return v ? docs[0].document.toJson(v.index()) : QByteArray("<missing>");
}

QStringList keysAt(const QByteArray& yaml, std::initializer_list<const char*> path)
{
    const auto docs = Catalog::parseYamlStream(yaml);
    if (docs.size() != 1 || docs[0].error)
        return { QStringLiteral("<parse error>") };
    Catalog::YamlValue v(&docs[0].document, docs[0].document.root());
    for (const char* key : path)
        v = v[key];
    QStringList out;
    for (std::uint32_t i = 0; i < v.size(); ++i)
        out << v.keyAt(i).toString();
    return out;
}

} // namespace

class tst_Workspace : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void load_completeFile_mapsEverySource()
    {
        Catalog::Diagnostics diagnostics;
        const auto ws = Workspace::Workspace::load(dataFile("workspace.yaml"), diagnostics);
        QVERIFY2(ws, qPrintable(describe(diagnostics)));
        QVERIFY2(diagnostics.isEmpty(), qPrintable(describe(diagnostics)));
        const QString dir = QDir::cleanPath(QStringLiteral(FLIGHTDECK_TEST_DATA "/workspace"));
        QCOMPARE(ws->filePath(), dir + QStringLiteral("/workspace.yaml"));
        QCOMPARE(ws->directory(), dir);
        QCOMPARE(ws->name(), QStringLiteral("acme-platform"));
        QCOMPARE(ws->catalogSettings().refreshMinutes, 30);
        QCOMPARE(ws->catalogSettings().maxFileSize, qint64(1048576));

        const auto sources = ws->sources();
        QCOMPARE(sources.size(), 6); // the five catalog sources, then the template source
        Sources::CatalogSourceSpec local;
        local.name = QStringLiteral("local");
        local.type = SourceType::Directory;
        local.path = dir + QStringLiteral("/catalog");
        local.globs = { QStringLiteral("**/catalog-info.yaml"), QStringLiteral("**/*.catalog.yaml") };
        QCOMPARE(sources[0], local);

        QCOMPARE(sources[1].type, SourceType::File);
        QCOMPARE(sources[1].path, dir + QStringLiteral("/catalog/org.yaml"));

        Sources::CatalogSourceSpec services;
        services.name = QStringLiteral("services");
        services.type = SourceType::Git;
        services.url = QStringLiteral("https://github.com/acme/services-catalog.git");
        services.branch = QStringLiteral("main");
        services.credential = QStringLiteral("github-token");
        services.refreshMinutes = 15;
        QCOMPARE(sources[2], services);

        QCOMPARE(sources[3].url, QStringLiteral("git@gitlab.example.com:acme/legacy.git"));
        QCOMPARE(sources[3].globs, QStringList { QStringLiteral("services/**/catalog-info.yaml") });
        QCOMPARE(sources[4].type, SourceType::Backstage);
        QCOMPARE(sources[4].url, QStringLiteral("https://backstage.example.com"));
        QCOMPARE(sources[4].credential, QStringLiteral("backstage-token"));

        QCOMPARE(ws->effectiveRefreshMinutes(sources[2]), 15);
        QCOMPARE(ws->effectiveRefreshMinutes(sources[0]), 30);

        QCOMPARE(ws->credentials().size(), 3);
        QCOMPARE(ws->credentials()[1].name, QStringLiteral("gitlab-token"));
        QCOMPARE(ws->credentials()[1].description, QStringLiteral("GitLab project access token (read_repository)"));
        QCOMPARE(ws->preservedSpecSections(), (QStringList { QStringLiteral("pipelines"), QStringLiteral("metrics") }));

        // The template source: a folder of template.yaml files, read like a catalog source.
        QCOMPARE(sources[5].name, QStringLiteral("golden-paths"));
        QCOMPARE(sources[5].type, SourceType::Directory);
        QCOMPARE(sources[5].path, dir + QStringLiteral("/templates"));
        QCOMPARE(sources[5].globs, QStringList { QStringLiteral("**/template.yaml") });
        QVERIFY(ws->isTemplateSource(QStringLiteral("golden-paths")));
        QVERIFY(!ws->isTemplateSource(QStringLiteral("local")));
        QCOMPARE(ws->source(QStringLiteral("golden-paths"))->globs, QStringList { QStringLiteral("**/template.yaml") });
    }

    void templateSources_shareNamesWithCatalogSources_andReportBadShapes()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        Catalog::Diagnostics diagnostics;
        const QByteArray head = "apiVersion: flightdeck.dev/v1\nkind: Workspace\nmetadata:\n  name: t\nspec:\n"
                                "  catalog:\n    sources:\n      - {name: shared, type: directory, path: ./a}\n";
        auto ws = Workspace::Workspace::parse(head + "  templates:\n    sources:\n      - {name: shared, type: git, url: https://example.com/t.git}\n",
                                              dir.filePath(QStringLiteral("ws.yaml")), diagnostics);
        QVERIFY(!ws);
        QVERIFY2(describe(diagnostics).contains(QStringLiteral("spec.templates.sources.0")), qPrintable(describe(diagnostics)));
        diagnostics.clear();
        ws = Workspace::Workspace::parse(head + "  templates: {sources: {name: x}}\n", dir.filePath(QStringLiteral("ws.yaml")), diagnostics);
        QVERIFY(!ws);
        QVERIFY2(describe(diagnostics).contains(QStringLiteral("spec.templates.sources must be a list")), qPrintable(describe(diagnostics)));
        diagnostics.clear();
        ws = Workspace::Workspace::parse(head + "  templates: {defaults: {owner: x}}\n", dir.filePath(QStringLiteral("ws.yaml")), diagnostics);
        QVERIFY(!ws);
        QVERIFY2(describe(diagnostics).contains(QStringLiteral("unknown key defaults in spec.templates")), qPrintable(describe(diagnostics)));
        // Editing a template source keeps it one.
        diagnostics.clear();
        ws = Workspace::Workspace::parse(head + "  templates:\n    sources:\n      - {name: golden, type: directory, path: ./t}\n",
                                         dir.filePath(QStringLiteral("ws.yaml")), diagnostics);
        QVERIFY2(ws, qPrintable(describe(diagnostics)));
        auto golden = *ws->source(QStringLiteral("golden"));
        golden.path = dir.filePath(QStringLiteral("t2"));
        QVERIFY(ws->updateSource(QStringLiteral("golden"), golden));
        QVERIFY(ws->isTemplateSource(QStringLiteral("golden")));
    }

    void deploy_isReadKeptOnSaveAndChecked()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QByteArray head = "apiVersion: flightdeck.dev/v1\nkind: Workspace\nmetadata:\n  name: t\nspec:\n";
        const QByteArray deploy = "  deploy:\n"
                                  "    backends:\n"
                                  "      - {name: envs, type: gitops, repository: ../environments.git, path: \"apps/{service}/{environment}/kustomization.yaml\"}\n"
                                  "      - name: cd\n        type: argocd\n        credential: argocd-token\n        url: https://argocd.example\n        timeoutSeconds: 300\n"
                                  "    environments:\n"
                                  "      - {name: staging, backend: envs}\n"
                                  "      - {name: production, backend: cd, application: \"{service}-prod\"}\n"
                                  "      - {name: sandbox, backend: envs, confirm: true, promotesFrom: staging}\n"
                                  "    services:\n"
                                  "      - name: checkout\n        image: registry.example/checkout\n        environments:\n          production: {application: checkout}\n";
        Catalog::Diagnostics diagnostics;
        const QString path = dir.filePath(QStringLiteral("ws.yaml"));
        auto ws = Workspace::Workspace::parse(head + deploy, path, diagnostics);
        QVERIFY2(ws, qPrintable(describe(diagnostics)));
        const Workspace::DeploySettings& d = ws->deploySettings();
        QCOMPARE(d.backends.size(), 2);
        QCOMPARE(d.backends[0].type, QStringLiteral("gitops"));
        QCOMPARE(d.backends[0].settings.value(QStringLiteral("path")), QStringLiteral("apps/{service}/{environment}/kustomization.yaml"));
        QCOMPARE(d.backends[1].credential, QStringLiteral("argocd-token"));
        QCOMPARE(d.backends[1].settings.value(QStringLiteral("timeoutSeconds")), QStringLiteral("300"));
        QVERIFY(!d.backends[1].settings.contains(QStringLiteral("credential")));
        QCOMPARE(d.environments.size(), 3);
        QVERIFY(!d.environments[0].confirm);
        QVERIFY(d.environments[1].confirm); // production asks by default
        QCOMPARE(d.environments[1].settings.value(QStringLiteral("application")), QStringLiteral("{service}-prod"));
        QVERIFY(d.environments[2].confirm);
        QCOMPARE(d.environments[2].promotesFrom, QStringLiteral("staging"));
        QCOMPARE(d.services.size(), 1);
        QCOMPARE(d.services[0].environments.value(QStringLiteral("production")).value(QStringLiteral("application")), QStringLiteral("checkout"));

        // Saved unchanged, it reads back the same; edited, the new settings are written.
        QVERIFY(ws->saveAs(path));
        diagnostics.clear();
        auto again = Workspace::Workspace::load(path, diagnostics);
        QVERIFY2(again, qPrintable(describe(diagnostics)));
        QCOMPARE(again->deploySettings(), d);
        Workspace::DeploySettings edited = d;
        edited.environments[0].settings.insert(QStringLiteral("path"), QStringLiteral("x/{service}.yaml"));
        QVERIFY(again->setDeploySettings(edited));
        // Edited through the API, the credential a backend names is declared (as for sources).
        QVERIFY(std::any_of(again->credentials().cbegin(), again->credentials().cend(),
            [](const Workspace::CredentialSpec& c) { return c.name == QLatin1String("argocd-token"); }));
        QVERIFY(again->saveAs(path));
        diagnostics.clear();
        auto third = Workspace::Workspace::load(path, diagnostics);
        QVERIFY2(third, qPrintable(describe(diagnostics)));
        QCOMPARE(third->deploySettings(), edited);

        // Bad shapes are named with their place and what to do.
        const struct
        {
            const char* yaml;
            const char* message;
        } bad[] = {
            { "  deploy:\n    backends:\n      - {name: a, type: helm}\n", "unknown type \"helm\"" },
            { "  deploy:\n    backends:\n      - {name: a, type: gitops}\n    environments:\n      - {name: dev, backend: b}\n",
                "uses the backend \"b\", which spec.deploy.backends does not list" },
            { "  deploy:\n    backends:\n      - {name: a, type: gitops, token: abc}\n", "would keep a secret" },
            { "  deploy:\n    backends:\n      - {name: a, type: gitops}\n      - {name: a, type: script}\n", "listed twice" },
            { "  deploy:\n    environments:\n      - {name: dev, backend: a, confirm: maybe}\n", "confirm must be true or false" },
            { "  deploy:\n    backend: []\n", "unknown key backend in spec.deploy" },
            { "  deploy:\n    backends:\n      - {name: a, type: gitops, path: [x]}\n", "must be a single value" },
        };
        for (const auto& b : bad) {
            diagnostics.clear();
            ws = Workspace::Workspace::parse(head + b.yaml, path, diagnostics);
            QVERIFY2(!ws, b.yaml);
            QVERIFY2(describe(diagnostics).contains(QString::fromUtf8(b.message)), qPrintable(describe(diagnostics)));
            QVERIFY2(diagnostics.first().line > 5, qPrintable(describe(diagnostics)));
        }
    }

    void parse_badInput_errorNamesPlaceAndRemedy_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<int>("line");
        QTest::addColumn<int>("column");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("message");
        QTest::addColumn<QString>("hint");

        struct Case
        {
            const char* name;
            QByteArray yaml;
            int line;
            int column;
            const char* field;
            const char* code;
            const char* message;
            const char* hint;
        };
        const QByteArray h = sourcesHeader(); // sources start on line 7
        const QByteArray envelope
            = lines({ "apiVersion: flightdeck.dev/v1", "kind: Workspace", "metadata: {name: t}" });
        const Case cases[] = {
            { "unknown source type", h + lines({ "      - name: a", "        type: svn" }), 8, 15,
                "spec.catalog.sources.0.type", "workspace-source-type", "unknown source type \"svn\"",
                "directory, file, git, backstage" },
            { "missing type", h + lines({ "      - name: a", "        path: x" }), 7, 9, "spec.catalog.sources.0.type",
                "workspace-source-type", "source a has no type", "directory, file, git, backstage" },
            { "duplicate source names",
                h
                    + lines({ "      - name: a", "        type: directory", "        path: x", "      - name: A",
                        "        type: directory", "        path: y" }),
                10, 15, "spec.catalog.sources.1.name", "workspace-duplicate", "already defined on line 7",
                "unique name" },
            { "git without url", h + lines({ "      - name: a", "        type: git" }), 7, 9,
                "spec.catalog.sources.0.url", "workspace-field", "a git source needs a url", "clone URL" },
            { "git url that is not one",
                h + lines({ "      - name: a", "        type: git", "        url: not a url" }), 9, 9,
                "spec.catalog.sources.0.url", "workspace-field", "not a git URL", "git@host:owner/repo.git" },
            { "path on a git source",
                h
                    + lines({ "      - name: a", "        type: git", "        url: https://h.example/x.git",
                        "        path: sub" }),
                10, 9, "spec.catalog.sources.0.path", "workspace-field", "path is not used by git sources", "globs" },
            { "directory without path", h + lines({ "      - name: a", "        type: directory" }), 7, 9,
                "spec.catalog.sources.0.path", "workspace-field", "a directory source needs a path", "relative path" },
            { "backstage url not http",
                h + lines({ "      - name: a", "        type: backstage", "        url: ftp://b.example" }), 9, 9,
                "spec.catalog.sources.0.url", "workspace-field", "not an http(s) URL", "Backstage backend" },
            { "token key in a source",
                h
                    + lines({ "      - name: a", "        type: git", "        url: https://h.example/x.git",
                        "        token: abc123" }),
                10, 9, "spec.catalog.sources.0.token", "workspace-inline-secret", "\"token:\" would keep a secret",
                "credential: github-token" },
            { "token where a credential name belongs",
                h
                    + lines({ "      - name: a", "        type: git", "        url: https://h.example/x.git",
                        "        credential: ghp_0123456789abcdefghijABCDEFGHIJ0123" }),
                10, 21, "spec.catalog.sources.0.credential", "workspace-inline-secret", "looks like a GitHub token",
                "store the value in the keychain" },
            { "password in a url",
                h
                    + lines(
                        { "      - name: a", "        type: git", "        url: https://bob:hunter2@h.example/x.git" }),
                9, 14, "spec.catalog.sources.0.url", "workspace-inline-secret", "a password in the URL", "keychain" },
            { "gitlab token in a later section",
                envelope + lines({ "spec:", "  pipelines:", "    gitlab:", "      auth: glpat-abcdefghijklmnopqrst" }),
                7, 13, "spec.pipelines.gitlab.auth", "workspace-inline-secret", "looks like a GitLab token",
                "keychain" },
            { "value in a credential",
                envelope + lines({ "spec:", "  credentials:", "    - name: github-token", "      value: hunter2" }), 7,
                7, "spec.credentials.0.value", "workspace-inline-secret", "would keep a secret",
                "only a name and a description" },
            { "invalid credential name",
                h
                    + lines({ "      - name: a", "        type: git", "        url: https://h.example/x.git",
                        "        credential: my token" }),
                10, 9, "spec.catalog.sources.0.credential", "workspace-field", "not a valid credential name",
                "letters, digits" },
            { "misspelt key",
                h
                    + lines({ "      - name: a", "        type: git", "        url: https://h.example/x.git",
                        "        brnach: main" }),
                10, 9, "spec.catalog.sources.0.brnach", "workspace-unknown-key", "unknown key brnach",
                "did you mean branch?" },
            { "misspelt catalog key", envelope + lines({ "spec:", "  catalog:", "    source: []" }), 6, 5,
                "spec.catalog.source", "workspace-unknown-key", "unknown key source in spec.catalog",
                "did you mean sources?" },
            { "globs as one string",
                h
                    + lines({ "      - name: a", "        type: directory", "        path: x",
                        "        globs: \"**/*.yaml\"" }),
                10, 16, "spec.catalog.sources.0.globs", "workspace-field", "globs must be a list",
                "globs: [\"**/*.yaml\"]" },
            { "negative refresh",
                h
                    + lines({ "      - name: a", "        type: directory", "        path: x",
                        "        refreshMinutes: -5" }),
                10, 25, "spec.catalog.sources.0.refreshMinutes", "workspace-field", "outside 0 to 10080",
                "number of minutes" },
            { "refresh as text",
                h
                    + lines({ "      - name: a", "        type: directory", "        path: x",
                        "        refreshMinutes: soon" }),
                10, 25, "spec.catalog.sources.0.refreshMinutes", "workspace-field",
                "must be a whole number, not string", "number of minutes" },
            { "name as number", h + lines({ "      - name: 2024", "        type: directory", "        path: x" }), 7,
                15, "spec.catalog.sources.0.name", "workspace-field", "must be a string, not number", "\"2024\"" },
            { "source not a mapping", h + lines({ "      - just-a-name" }), 7, 9, "spec.catalog.sources.0",
                "workspace-field", "a source must be a mapping, not string", "name:, type:" },
            { "duplicate credential", envelope + lines({ "spec:", "  credentials:", "    - name: a", "    - name: a" }),
                7, 13, "spec.credentials.1.name", "workspace-duplicate", "already declared on line 6", "once" },
            { "newer api version", lines({ "apiVersion: flightdeck.dev/v2", "kind: Workspace", "metadata: {name: t}" }),
                1, 13, "apiVersion", "workspace-envelope", "written for apiVersion flightdeck.dev/v2",
                "update Flightdeck" },
            { "backstage api version",
                lines({ "apiVersion: backstage.io/v1alpha1", "kind: Workspace", "metadata: {name: t}" }), 1, 13,
                "apiVersion", "workspace-envelope", "a workspace has apiVersion flightdeck.dev/v1",
                "write apiVersion: flightdeck.dev/v1" },
            { "wrong kind", lines({ "apiVersion: flightdeck.dev/v1", "kind: Component", "metadata: {name: t}" }), 2, 7,
                "kind", "workspace-envelope", "kind is \"Component\"", "catalog-info.yaml" },
            { "missing name",
                lines({ "apiVersion: flightdeck.dev/v1", "kind: Workspace", "metadata: {description: x}" }), 3, 11,
                "metadata.name", "workspace-envelope", "metadata.name is missing", "my-team" },
            { "missing api version", lines({ "kind: Workspace", "metadata: {name: t}" }), 1, 1, "apiVersion",
                "workspace-envelope", "apiVersion is missing", "flightdeck.dev/v1" },
            { "root is a list", lines({ "- a", "- b" }), 1, 1, "", "workspace-envelope",
                "the workspace is a array, not a mapping", "apiVersion: flightdeck.dev/v1" },
            { "empty file", QByteArray("# nothing yet\n"), 1, 1, "", "workspace-envelope",
                "the workspace file is empty", "kind: Workspace" },
            // reported on the --- line, where the hint points
            { "two documents", envelope + lines({ "---", "kind: Workspace" }), 4, 1, "", "workspace-envelope",
                "holds one YAML document; this one has 2", "remove the ---" },
        };
        for (const Case& c : cases)
            QTest::addRow("%s", c.name) << c.yaml << c.line << c.column << QString::fromLatin1(c.field)
                                        << QString::fromLatin1(c.code) << QString::fromUtf8(c.message)
                                        << QString::fromUtf8(c.hint);
    }
    void parse_badInput_errorNamesPlaceAndRemedy()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(int, line);
        QFETCH(int, column);
        QFETCH(QString, field);
        QFETCH(QString, code);
        QFETCH(QString, message);
        QFETCH(QString, hint);
        const QString path = QStringLiteral("/srv/team/workspace.yaml");
        Catalog::Diagnostics diagnostics;
        const auto ws = Workspace::Workspace::parse(yaml, path, diagnostics);
        QVERIFY(!ws);
        const auto it = std::find_if(diagnostics.cbegin(), diagnostics.cend(),
            [&](const Catalog::Diagnostic& d) { return d.message.contains(message); });
        QVERIFY2(it != diagnostics.cend(), qPrintable(describe(diagnostics)));
        QCOMPARE(it->severity, Catalog::Severity::Error);
        QCOMPARE(it->file, path);
        QCOMPARE(it->line, line);
        QCOMPARE(it->column, column);
        QCOMPARE(it->field, field);
        QCOMPARE(it->code, code);
        QVERIFY2(it->hint.contains(hint), qPrintable(it->hint));
        // one problem, one diagnostic: nothing is reported twice
        QCOMPARE(diagnostics.size(), 1);
    }

    void parse_yamlSyntaxError_hasPosition()
    {
        Catalog::Diagnostics diagnostics;
        const auto ws = Workspace::Workspace::parse(lines({ "apiVersion: flightdeck.dev/v1", "kind: Workspace",
                                                        "metadata:", "  name: t", "spec:", "  catalog: [a, b" }),
            QStringLiteral("/srv/ws.yaml"), diagnostics);
        QVERIFY(!ws);
        QCOMPARE(diagnostics.size(), 1);
        QCOMPARE(diagnostics[0].code, QStringLiteral("workspace-yaml"));
        QCOMPARE(diagnostics[0].file, QStringLiteral("/srv/ws.yaml"));
        QVERIFY(diagnostics[0].line >= 6);
        QVERIFY(diagnostics[0].column > 0);
        QVERIFY(!diagnostics[0].message.isEmpty());
    }

    void load_missingFile_saysWhatToDo()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        Catalog::Diagnostics diagnostics;
        const QString path = dir.filePath(QStringLiteral("nope.yaml"));
        QVERIFY(!Workspace::Workspace::load(path, diagnostics));
        QCOMPARE(diagnostics.size(), 1);
        QCOMPARE(diagnostics[0].file, path);
        QVERIFY(diagnostics[0].message.contains(QLatin1String("does not exist")));
        QVERIFY(diagnostics[0].hint.contains(QLatin1String("Settings")));
    }

    void parse_undeclaredCredential_isOnlyAWarning()
    {
        Catalog::Diagnostics diagnostics;
        const auto ws = Workspace::Workspace::parse(sourcesHeader()
                + lines({ "      - name: a", "        type: git", "        url: https://h.example/x.git",
                    "        credential: forgotten" }),
            QStringLiteral("/srv/ws.yaml"), diagnostics);
        QVERIFY2(ws, qPrintable(describe(diagnostics)));
        QCOMPARE(diagnostics.size(), 1);
        QCOMPARE(diagnostics[0].severity, Catalog::Severity::Warning);
        QVERIFY(diagnostics[0].message.contains(QLatin1String("forgotten")));
        QCOMPARE(ws->sources().at(0).credential, QStringLiteral("forgotten"));
    }

    void parse_pathForms_resolveAgainstTheFile_data()
    {
        QTest::addColumn<QString>("written");
        QTest::addColumn<QString>("resolved");
        QTest::addRow("dot") << QStringLiteral("./catalog") << QStringLiteral("/srv/team/catalog");
        QTest::addRow("bare") << QStringLiteral("catalog/x.yaml") << QStringLiteral("/srv/team/catalog/x.yaml");
        QTest::addRow("parent") << QStringLiteral("../shared") << QStringLiteral("/srv/shared");
        QTest::addRow("absolute") << QStringLiteral("/opt/catalog/") << QStringLiteral("/opt/catalog");
        QTest::addRow("home") << QStringLiteral("~/catalog") << QDir::homePath() + QStringLiteral("/catalog");
    }
    void parse_pathForms_resolveAgainstTheFile()
    {
        QFETCH(QString, written);
        QFETCH(QString, resolved);
        Catalog::Diagnostics diagnostics;
        const auto ws
            = Workspace::Workspace::parse(sourcesHeader() + lines({ "      - name: a", "        type: directory" })
                    + "        path: \"" + written.toUtf8() + "\"\n",
                QStringLiteral("/srv/team/ws.yaml"), diagnostics);
        QVERIFY2(ws, qPrintable(describe(diagnostics)));
        QCOMPARE(ws->sources().at(0).path, resolved);
        // written back as written
        QCOMPARE(jsonAt(ws->toYaml(), { "spec", "catalog", "sources" }),
            QByteArray("[{\"name\":\"a\",\"type\":\"directory\",\"path\":\"") + written.toUtf8() + "\"}]");
    }

    void save_thenLoad_roundTripKeepsEverything()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QByteArray original = readFile(dataFile("workspace.yaml"));
        QVERIFY(!original.isEmpty());
        const QString path = dir.filePath(QStringLiteral("workspace.yaml"));
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(original);
        }
        Catalog::Diagnostics diagnostics;
        auto ws = Workspace::Workspace::load(path, diagnostics);
        QVERIFY2(ws, qPrintable(describe(diagnostics)));
        QString error;
        QVERIFY2(ws->save(&error), qPrintable(error));

        const QByteArray saved = readFile(path);
        auto again = Workspace::Workspace::load(path, diagnostics);
        QVERIFY2(again, qPrintable(describe(diagnostics) + QLatin1Char('\n') + QString::fromUtf8(saved)));
        QCOMPARE(again->name(), ws->name());
        QCOMPARE(again->sources(), ws->sources());
        QCOMPARE(again->credentials(), ws->credentials());
        QCOMPARE(again->catalogSettings(), ws->catalogSettings());

        // Sections this version does not read come back identical, in their places.
        for (const char* section : { "pipelines", "metrics" })
            QCOMPARE(jsonAt(saved, { "spec", section }), jsonAt(original, { "spec", section }));
        // Template sources are written back as they were.
        QCOMPARE(jsonAt(saved, { "spec", "templates" }), jsonAt(original, { "spec", "templates" }));
        QCOMPARE(jsonAt(saved, { "metadata" }), jsonAt(original, { "metadata" }));
        QCOMPARE(keysAt(saved, { "spec" }), keysAt(original, { "spec" }));
        QCOMPARE(keysAt(saved, {}), keysAt(original, {}));
        // Source entries come back as written (relative paths stay relative).
        QCOMPARE(jsonAt(saved, { "spec", "catalog" }), jsonAt(original, { "spec", "catalog" }));

        // Saving is stable: a second save writes the same bytes.
        QVERIFY(again->save(&error));
        QCOMPARE(readFile(path), saved);
    }

    void saveAs_otherFolder_relativePathsStillPointAtTheSameFolders()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        Catalog::Diagnostics diagnostics;
        auto ws = Workspace::Workspace::parse(
            sourcesHeader() + lines({ "      - name: a", "        type: directory", "        path: ./catalog" }),
            dir.filePath(QStringLiteral("team/ws.yaml")), diagnostics);
        QVERIFY(ws);
        const QString target = ws->sources().at(0).path;
        QCOMPARE(target, dir.filePath(QStringLiteral("team/catalog")));
        QString error;
        const QString newPath = dir.filePath(QStringLiteral("moved/deeper/ws.yaml"));
        QVERIFY2(ws->saveAs(newPath, &error), qPrintable(error));
        QCOMPARE(ws->filePath(), newPath);
        auto reloaded = Workspace::Workspace::load(newPath, diagnostics);
        QVERIFY2(reloaded, qPrintable(describe(diagnostics)));
        QCOMPARE(reloaded->sources().at(0).path, target);
    }

    void save_intoExistingFile_replacesItWhole()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("ws.yaml"));
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QByteArray(64 * 1024, '#')); // longer than what replaces it
        }
        Workspace::Workspace ws;
        ws.setName(QStringLiteral("fresh"));
        QString error;
        QVERIFY2(ws.saveAs(path, &error), qPrintable(error));
        Catalog::Diagnostics diagnostics;
        const auto loaded = Workspace::Workspace::load(path, diagnostics);
        QVERIFY2(loaded, qPrintable(describe(diagnostics)));
        QCOMPARE(loaded->name(), QStringLiteral("fresh"));
        QVERIFY(loaded->sources().isEmpty());
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList { QStringLiteral("ws.yaml") });
    }

    void save_intoUnwritableFolder_failsWithReason()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        // A file where the folder should be: cannot be created whoever runs the test.
        QFile blocker(dir.filePath(QStringLiteral("blocker")));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        Workspace::Workspace ws;
        ws.setName(QStringLiteral("x"));
        QString error;
        QVERIFY(!ws.saveAs(dir.filePath(QStringLiteral("blocker/ws.yaml")), &error));
        QVERIFY2(error.contains(QLatin1String("blocker")), qPrintable(error));
    }

    void edits_addUpdateRemoveSource()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        Workspace::Workspace ws;
        ws.setName(QStringLiteral("team"));
        QString error;
        QVERIFY(ws.saveAs(dir.filePath(QStringLiteral("ws.yaml")), &error));

        Sources::CatalogSourceSpec git;
        git.name = QStringLiteral("services");
        git.type = SourceType::Git;
        git.url = QStringLiteral("https://github.com/acme/services.git");
        git.credential = QStringLiteral("github-token");
        QVERIFY(ws.addSource(git));
        // the credential it names is declared for Settings to list
        QCOMPARE(ws.credentials().size(), 1);
        QCOMPARE(ws.credentials()[0].name, QStringLiteral("github-token"));

        Sources::CatalogSourceSpec local;
        local.name = QStringLiteral("local");
        local.type = SourceType::Directory;
        local.path = dir.filePath(QStringLiteral("catalog"));
        QVERIFY(ws.addSource(local));

        auto dup = git;
        dup.name = QStringLiteral("SERVICES");
        Workspace::WorkspaceEdit e = ws.addSource(dup);
        QVERIFY(!e);
        QCOMPARE(e.field, QStringLiteral("name"));
        QVERIFY(e.message.contains(QLatin1String("already exists")));

        auto renamed = git;
        renamed.name = QStringLiteral("services-v2");
        renamed.branch = QStringLiteral("release");
        QVERIFY(ws.updateSource(QStringLiteral("services"), renamed));
        QVERIFY(!ws.source(QStringLiteral("services")));
        QCOMPARE(ws.source(QStringLiteral("services-v2"))->branch, QStringLiteral("release"));
        // keeping its own name while editing is fine
        renamed.refreshMinutes = 5;
        QVERIFY(ws.updateSource(QStringLiteral("services-v2"), renamed));

        QVERIFY(!ws.removeCredential(QStringLiteral("github-token")));
        QVERIFY(!ws.removeSource(QStringLiteral("nope")));
        QVERIFY(ws.removeSource(QStringLiteral("services-v2")));
        QVERIFY(ws.removeCredential(QStringLiteral("github-token")));

        QVERIFY2(ws.save(&error), qPrintable(error));
        Catalog::Diagnostics diagnostics;
        const auto reloaded = Workspace::Workspace::load(ws.filePath(), diagnostics);
        QVERIFY2(reloaded, qPrintable(describe(diagnostics)));
        QCOMPARE(reloaded->sources().size(), 1);
        QCOMPARE(reloaded->sources().at(0), ws.sources().at(0));
        // a path inside the workspace folder is written relative to it
        QCOMPARE(jsonAt(readFile(ws.filePath()), { "spec", "catalog", "sources" }),
            QByteArray("[{\"name\":\"local\",\"type\":\"directory\",\"path\":\"catalog\"}]"));
    }

    void edits_invalidSource_isRefusedWithField_data()
    {
        QTest::addColumn<int>("type");
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("credential");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("message");
        QTest::addRow("git without url") << int(SourceType::Git) << QString() << QString() << "url"
                                         << "needs a url";
        QTest::addRow("token in url")
            << int(SourceType::Git)
            << QStringLiteral("https://x-access-token:ghp_0123456789abcdefghijABCDEFGHIJ0123@github.com/a/b.git")
            << QString() << "url"
            << "looks like";
        QTest::addRow("token as credential") << int(SourceType::Git) << QStringLiteral("https://github.com/a/b.git")
                                             << QStringLiteral("glpat-abcdefghijklmnopqrst") << "credential"
                                             << "looks like a GitLab token";
        QTest::addRow("bad credential name") << int(SourceType::Backstage) << QStringLiteral("https://b.example")
                                             << QStringLiteral("two words") << "credential"
                                             << "not a valid credential name";
        QTest::addRow("backstage ftp") << int(SourceType::Backstage) << QStringLiteral("ftp://b.example") << QString()
                                       << "url"
                                       << "not an http(s) URL";
    }
    void edits_invalidSource_isRefusedWithField()
    {
        QFETCH(int, type);
        QFETCH(QString, url);
        QFETCH(QString, credential);
        QFETCH(QString, field);
        QFETCH(QString, message);
        Workspace::Workspace ws;
        Sources::CatalogSourceSpec s;
        s.name = QStringLiteral("x");
        s.type = SourceType(type);
        s.url = url;
        s.credential = credential;
        const Workspace::WorkspaceEdit e = ws.addSource(s);
        QVERIFY(!e);
        QCOMPARE(e.field, field);
        QVERIFY2(e.message.contains(message), qPrintable(e.message));
        QVERIFY(!e.hint.isEmpty());
        QVERIFY(ws.sources().isEmpty());
        QVERIFY(ws.credentials().isEmpty());
        QVERIFY(!ws.toYaml().contains("ghp_"));
    }

    void edits_renameCredential_followsThroughToSources()
    {
        Workspace::Workspace ws;
        Sources::CatalogSourceSpec s;
        s.name = QStringLiteral("x");
        s.type = SourceType::Git;
        s.url = QStringLiteral("git@github.com:a/b.git");
        s.credential = QStringLiteral("old");
        QVERIFY(ws.addSource(s));
        QVERIFY(!ws.addCredential({ QStringLiteral("old"), {} }));
        QVERIFY(!ws.addCredential({ QStringLiteral("new"), QStringLiteral("ghp_0123456789abcdefghijABCDEFGHIJ0123") }));
        QVERIFY(ws.updateCredential(QStringLiteral("old"), { QStringLiteral("new"), QStringLiteral("renamed") }));
        QCOMPARE(ws.source(QStringLiteral("x"))->credential, QStringLiteral("new"));
        QCOMPARE(ws.sourcesUsingCredential(QStringLiteral("new")), QStringList { QStringLiteral("x") });
    }

    void catalogSettings_areValidated()
    {
        Workspace::Workspace ws;
        QVERIFY(!ws.setCatalogSettings({ -1, 100 }));
        QVERIFY(!ws.setCatalogSettings({ 0, 0 }));
        QVERIFY(ws.setCatalogSettings({ 10, 4096 }));
        Catalog::Diagnostics diagnostics;
        const auto back = Workspace::Workspace::parse(ws.toYaml(), QStringLiteral("/srv/ws.yaml"), diagnostics);
        QVERIFY2(back, qPrintable(describe(diagnostics)));
        QCOMPARE(back->catalogSettings(), (Workspace::CatalogSettings { 10, 4096 }));
    }

    void defaultPath_isInTheXdgConfigFolder()
    {
        const QString path = Workspace::Workspace::defaultPath();
        QCOMPARE(path,
            QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation)
                + QStringLiteral("/flightdeck/workspace.yaml"));
    }

    void looksLikeInlineSecret_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("secret");
        QTest::addRow("github classic") << QStringLiteral("ghp_0123456789abcdefghijABCDEFGHIJ0123") << true;
        QTest::addRow("github fine-grained")
            << QStringLiteral("github_pat_11ABCDEFG0123456789_abcdefghijklmnop") << true;
        QTest::addRow("gitlab") << QStringLiteral("glpat-abcdefghijklmnopqrst") << true;
        QTest::addRow("slack") << QStringLiteral("xoxb-1234567890-abcdefghij") << true;
        QTest::addRow("aws") << QStringLiteral("AKIAIOSFODNN7EXAMPLE") << true;
        QTest::addRow("pem") << QStringLiteral("-----BEGIN OPENSSH PRIVATE KEY-----\nabc") << true;
        QTest::addRow("url password") << QStringLiteral("https://bob:hunter2@h.example/x.git") << true;
        QTest::addRow("token in url user")
            << QStringLiteral("https://ghp_0123456789abcdefghijABCDEFGHIJ0123@github.com/a") << true;
        QTest::addRow("credential name") << QStringLiteral("github-token") << false;
        QTest::addRow("short prefix") << QStringLiteral("ghp_short") << false;
        QTest::addRow("word containing prefix") << QStringLiteral("xghp_0123456789abcdefghijABCDEFGHIJ0123") << false;
        QTest::addRow("plain url") << QStringLiteral("https://github.com/acme/x.git") << false;
        QTest::addRow("url with user only") << QStringLiteral("ssh://git@github.com/acme/x.git") << false;
        QTest::addRow("scp url") << QStringLiteral("git@github.com:acme/x.git") << false;
        QTest::addRow("prose") << QStringLiteral("GitHub token with read access") << false;
    }
    void looksLikeInlineSecret()
    {
        QFETCH(QString, text);
        QFETCH(bool, secret);
        QCOMPARE(Workspace::looksLikeInlineSecret(text), secret);
    }
};

QTEST_GUILESS_MAIN(tst_Workspace)
#include "tst_workspace.moc"
