// SPDX-License-Identifier: Apache-2.0
#include "catalog/entityref.h"
#include "catalog/schemavalidator.h"
#include "catalog/validator.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QSet>
#include <QTest>

#include <thread>

using namespace Flightdeck::Catalog;

namespace {

const QString kExamples = QStringLiteral(FLIGHTDECK_TEST_DATA "/conformance/examples");

QString dump(const Diagnostics& diags)
{
    QStringList lines;
    for (const Diagnostic& d : diags)
        lines << QStringLiteral("[%1 %2 %3:%4] ").arg(d.code, d.field).arg(d.line).arg(d.column) + d.toText()
                + QStringLiteral("\n    backstage: ") + d.backstage;
    return lines.join(QLatin1Char('\n'));
}

Diagnostics errorsOf(const Diagnostics& diags)
{
    Diagnostics out;
    for (const Diagnostic& d : diags)
        if (d.isError())
            out << d;
    return out;
}

Diagnostics warningsOf(const Diagnostics& diags)
{
    Diagnostics out;
    for (const Diagnostic& d : diags)
        if (!d.isError())
            out << d;
    return out;
}

// Replaces {$text: ref} as the catalog does before kind validation. A local ref is read from disk;
// a remote one is replaced by a stand-in text, since only its being text matters to validation.
void substituteText(YamlDocument& doc, YamlDocument::Index i, const QDir& dir)
{
    const YamlType t = doc.type(i);
    if (t == YamlType::Sequence) {
        for (std::uint32_t k = 0; k < doc.size(i); ++k)
            substituteText(doc, doc.item(i, k), dir);
        return;
    }
    if (t != YamlType::Mapping)
        return;
    for (std::uint32_t k = 0; k < doc.size(i); ++k) {
        const YamlDocument::Index v = doc.value(i, k);
        if (doc.type(v) == YamlType::Mapping && doc.size(v) == 1 && doc.type(doc.key(v, 0)) == YamlType::String
            && doc.text(doc.key(v, 0)) == "$text" && doc.type(doc.value(v, 0)) == YamlType::String) {
            const QString ref = doc.string(doc.value(v, 0));
            QByteArray content;
            if (ref.startsWith(QLatin1String("https://")) || ref.startsWith(QLatin1String("http://"))) {
                content = "(the content of " + ref.toUtf8() + ")";
            } else {
                QFile f(dir.filePath(ref));
                if (!f.open(QIODevice::ReadOnly))
                    continue; // left in place: validation reports the unsubstituted placeholder
                content = f.readAll();
            }
            doc.setValue(
                i, k, doc.addString(std::string_view(content.constData(), size_t(content.size())), doc.position(v)));
            continue;
        }
        substituteText(doc, v, dir);
    }
}

QString keyOf(YamlValue root)
{
    const YamlValue ns = root["metadata"]["namespace"];
    return canonicalKey(root["kind"].toString(), ns.isString() ? ns.toString() : QStringLiteral("default"),
        root["metadata"]["name"].toString());
}

// The pipeline of SPEC A2 over every document of a stream.
Diagnostics validateStream(
    const QByteArray& bytes, const QString& file, const QDir& dir = QDir(), int* entities = nullptr)
{
    Diagnostics out;
    auto docs = parseYamlStream(bytes);
    for (YamlStreamDocument& d : docs) {
        if (d.error) {
            Diagnostic y;
            y.code = QStringLiteral("yaml");
            y.message = d.error->message;
            y.line = d.error->position.line;
            out << y;
            continue;
        }
        if (d.document.isEmpty())
            continue;
        if (!validateEnvelope(YamlValue(&d.document, d.document.root()), file, out))
            continue;
        substituteText(d.document, d.document.root(), dir);
        const YamlValue root(&d.document, d.document.root());
        validateEntity(root, file, keyOf(root), out);
        if (entities)
            ++*entities;
    }
    return out;
}

bool stageMatches(const QString& stage, const QString& code)
{
    if (stage == u"envelope")
        return code == u"envelope";
    if (stage == u"policy")
        return code == u"schema" || code == u"foreign-root-field" || code == u"field-format";
    if (stage == u"kind")
        return code == u"kind-schema" || code == u"unknown-kind";
    return false;
}

const char* const kMinimalComponent = "apiVersion: backstage.io/v1alpha1\n"
                                      "kind: Component\n"
                                      "metadata:\n"
                                      "  name: svc\n"
                                      "spec:\n"
                                      "  type: service\n"
                                      "  lifecycle: production\n"
                                      "  owner: team-a\n";

QString s(const char* text)
{
    return QString::fromUtf8(text);
}

QStringList sl(std::initializer_list<const char*> texts)
{
    QStringList out;
    for (const char* t : texts)
        out << QString::fromUtf8(t);
    return out;
}

} // namespace

class tst_Validator : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // ---- entity-validation.tsv: verdicts of @backstage/catalog-model 1.10.1 ----------------

    void conformance_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("verdict");
        QFile f(QStringLiteral(FLIGHTDECK_TEST_DATA "/conformance/entity-validation.tsv"));
        QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(f.fileName()));
        const QList<QByteArray> lines = f.readAll().split('\n');
        QCOMPARE(lines.first(), QByteArray("case\tentity_json\tverdict"));
        int rows = 0;
        for (qsizetype i = 1; i < lines.size(); ++i) {
            if (lines[i].isEmpty())
                continue;
            const QList<QByteArray> cols = lines[i].split('\t');
            QCOMPARE(cols.size(), qsizetype(3));
            QTest::addRow("%s", cols[0].constData()) << cols[1] << QString::fromUtf8(cols[2]);
            ++rows;
        }
        QVERIFY(rows >= 45);
    }
    void conformance()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, verdict);
        const Diagnostics diags = validateStream(json, QStringLiteral("entity.json"));
        const Diagnostics errors = errorsOf(diags);
        for (const Diagnostic& d : diags) {
            QCOMPARE(d.file, QStringLiteral("entity.json"));
            QVERIFY2(d.line >= 1 && d.column >= 1, qPrintable(dump({ d })));
            QVERIFY2(!d.message.isEmpty() && !d.hint.isEmpty() && !d.code.isEmpty(), qPrintable(dump({ d })));
        }
        if (verdict == u"VALID") {
            QVERIFY2(errors.isEmpty(), qPrintable(dump(errors)));
            return;
        }
        QVERIFY(verdict.startsWith(QLatin1String("INVALID ")));
        const QString stage = verdict.mid(8).section(QLatin1Char(':'), 0, 0);
        QString expected = verdict.section(QLatin1String(": "), 1);
        if (expected == u"no validator recognized kind/apiVersion")
            expected = QStringLiteral("No processor recognized the entity ");
        // Each row has one problem, and it is reported once.
        QVERIFY2(errors.size() == 1, qPrintable(dump(errors)));
        const Diagnostic& e = errors.first();
        QVERIFY2(stageMatches(stage, e.code), qPrintable(stage + QLatin1String(" vs ") + dump(errors)));
        QVERIFY2(e.backstage.contains(expected),
            qPrintable(QStringLiteral("want: ") + expected + QLatin1Char('\n') + dump(errors)));
        if (stage != u"envelope")
            QVERIFY2(!e.entity.isEmpty(), qPrintable(dump(errors)));
    }

    // ---- positions and field paths in a multi-line document --------------------------------

    void multiLineDocument_everyErrorAtItsNode()
    {
        const QByteArray yaml = "apiVersion: backstage.io/v1alpha1\n" // 1
                                "kind: Component\n" // 2
                                "metadata:\n" // 3
                                "  name: my svc\n" // 4
                                "  tags:\n" // 5
                                "    - Java\n" // 6
                                "    - ok\n" // 7
                                "  annotations:\n" // 8
                                "    github.com/projectslug: org/repo\n" // 9
                                "  links:\n" // 10
                                "    - url: not a url\n" // 11
                                "spec:\n" // 12
                                "  type: service\n" // 13
                                "  owner: \"\"\n" // 14
                                "  providesApis: petstore\n"; // 15
        const Diagnostics diags = validateStream(yaml, QStringLiteral("/repo/catalog-info.yaml"));
        QStringList got;
        for (const Diagnostic& d : diags)
            got << QStringLiteral("%1 %2 %3 %4:%5")
                       .arg(severityName(d.severity), d.code, d.field)
                       .arg(d.line)
                       .arg(d.column);
        QStringList want {
            QStringLiteral("error field-format metadata.name 4:9"),
            QStringLiteral("error field-format metadata.tags.0 6:7"),
            QStringLiteral("error field-format metadata.links.0.url 11:12"),
            QStringLiteral("error kind-schema spec.lifecycle 12:1"),
            QStringLiteral("error kind-schema spec.owner 14:10"),
            QStringLiteral("error kind-schema spec.providesApis 15:17"),
            QStringLiteral("warning annotation-typo metadata.annotations.github.com/projectslug 9:5"),
        };
        QCOMPARE(got, want);
        for (const Diagnostic& d : diags) {
            QCOMPARE(d.file, QStringLiteral("/repo/catalog-info.yaml"));
            QCOMPARE(d.entity, QStringLiteral("component:default/my svc"));
        }
        // Backstage's own words, for people who compare with the Backstage UI.
        QVERIFY(diags[0].backstage.startsWith(QLatin1String(
            "\"metadata.name\" is not valid; expected a string that is sequences of [a-zA-Z0-9] separated by any of "
            "[-_.], at most 63 characters in total but found \"my svc\". To learn more about catalog file format, "
            "visit: https://github.com/backstage/backstage/blob/master/docs/architecture-decisions/"
            "adr002-default-catalog-file-format.md")));
        QVERIFY(diags[1].backstage.startsWith(
            QLatin1String("\"tags.0\" is not valid; expected a string that is sequences of")));
        QCOMPARE(diags[3].backstage,
            QStringLiteral("/spec must have required property 'lifecycle' - missingProperty: lifecycle"));
        QCOMPARE(diags[4].backstage, QStringLiteral("/spec/owner must NOT have fewer than 1 characters - limit: 1"));
        QCOMPARE(diags[5].backstage, QStringLiteral("/spec/providesApis must be array - type: array"));
        QVERIFY(diags[6].backstage.isEmpty()); // Backstage does not warn
    }

    void secondDocument_positionsAreFileLines()
    {
        QByteArray yaml = kMinimalComponent;
        yaml += "---\n"
                "apiVersion: backstage.io/v1alpha1\n" // 10
                "kind: Group\n"
                "metadata:\n"
                "  name: team-a\n"
                "spec:\n" // 14
                "  type: team\n";
        const Diagnostics diags = validateStream(yaml, QStringLiteral("org.yaml"));
        QCOMPARE(diags.size(), qsizetype(1));
        QCOMPARE(diags[0].field, QStringLiteral("spec.children"));
        QCOMPARE(diags[0].line, 14);
        QCOMPARE(diags[0].column, 1);
        QCOMPARE(diags[0].entity, QStringLiteral("group:default/team-a"));
        QVERIFY2(diags[0].hint.contains(QLatin1String("children: []")), qPrintable(diags[0].hint));
    }

    void missingRequiredAtRoot_pointsAtDocumentStart()
    {
        const Diagnostics diags = validateStream("# comment\n"
                                                 "apiVersion: backstage.io/v1alpha1\n"
                                                 "kind: System\n"
                                                 "metadata: {name: s}\n",
            QStringLiteral("s.yaml"));
        QCOMPARE(diags.size(), qsizetype(1));
        QCOMPARE(diags[0].field, QStringLiteral("spec"));
        QCOMPARE(diags[0].line, 2);
        QCOMPARE(diags[0].column, 1);
        QCOMPARE(
            diags[0].backstage, QStringLiteral("<root> must have required property 'spec' - missingProperty: spec"));
        QVERIFY2(diags[0].hint.contains(QLatin1String("spec: {owner: team-a}")), qPrintable(diags[0].hint));
    }

    // ---- messages and hints ---------------------------------------------------------------------

    void hints_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QStringList>("hintHas");
        QTest::addColumn<QString>("messageHas");
        const QByteArray head = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: svc\n";
        const QByteArray spec = "spec:\n  type: service\n  lifecycle: production\n  owner: team-a\n";
        QTest::addRow("kind in lower case")
            << QByteArray("apiVersion: backstage.io/v1alpha1\nkind: component\nmetadata: {name: svc}\n") + spec
            << s("kind") << s("unknown-kind") << sl({ "case-sensitive", "Component" }) << s("\"component\"");
        QTest::addRow("kind misspelt")
            << QByteArray("apiVersion: backstage.io/v1alpha1\nkind: Compnent\nmetadata: {name: svc}\n") + spec
            << s("kind") << s("unknown-kind") << sl({ "Did you mean Component?" }) << s("\"Compnent\"");
        QTest::addRow("alpha kind") << QByteArray(
            "apiVersion: backstage.io/v1alpha1\nkind: AiResource\nmetadata: {name: a}\nspec: {}\n")
                                    << s("kind") << s("unknown-kind") << sl({ "alpha", "module" }) << s("AiResource");
        QTest::addRow("foreign kind") << QByteArray(
            "apiVersion: example.com/v1\nkind: Database\nmetadata: {name: a}\nspec: {}\n")
                                      << s("kind") << s("unknown-kind") << sl({ "processor", "Component" })
                                      << s("Database");
        QTest::addRow("v1beta2 template")
            << QByteArray("apiVersion: backstage.io/v1beta2\nkind: Template\nmetadata: {name: t}\nspec: {type: "
                          "service, steps: []}\n")
            << s("apiVersion") << s("unknown-kind") << sl({ "removed", "scaffolder.backstage.io/v1beta3", "${{" })
            << s("v1beta2");
        QTest::addRow("v1alpha1 template")
            << QByteArray("apiVersion: backstage.io/v1alpha1\nkind: Template\nmetadata: {name: t}\nspec: {type: "
                          "service, templater: cookiecutter}\n")
            << s("apiVersion") << s("unknown-kind") << sl({ "scaffolder.backstage.io/v1beta3" }) << s("cookiecutter");
        QTest::addRow("template in the wrong group")
            << QByteArray("apiVersion: backstage.io/v1beta3\nkind: Template\nmetadata: {name: t}\nspec: {type: "
                          "service, steps: []}\n")
            << s("apiVersion") << s("unknown-kind") << sl({ "scaffolder.backstage.io/v1beta3" }) << s("Template");
        QTest::addRow("unknown apiVersion")
            << QByteArray("apiVersion: backstage.io/v1\nkind: Component\nmetadata: {name: svc}\n") + spec
            << s("apiVersion") << s("unknown-kind") << sl({ "backstage.io/v1alpha1" }) << s("backstage.io/v1");
        QTest::addRow("missing lifecycle") << head + "spec:\n  type: service\n  owner: team-a\n"
                                           << s("spec.lifecycle") << s("kind-schema")
                                           << sl({ "experimental, production and deprecated" }) << s("\"lifecycle\"");
        QTest::addRow("missing owner") << head + "spec:\n  type: service\n  lifecycle: production\n"
                                       << s("spec.owner") << s("kind-schema") << sl({ "owner: team-a", "user:jdoe" })
                                       << s("\"owner\"");
        QTest::addRow("missing type") << head + "spec:\n  lifecycle: production\n  owner: team-a\n"
                                      << s("spec.type") << s("kind-schema") << sl({ "service, website or library" })
                                      << s("\"type\"");
        QTest::addRow("missing definition")
            << QByteArray("apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata: {name: a}\nspec: {type: openapi, "
                          "lifecycle: production, owner: t}\n")
            << s("spec.definition") << s("kind-schema") << sl({ "$text: ./openapi.yaml" }) << s("\"definition\"");
        QTest::addRow("mcp-server without definition")
            << QByteArray("apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata: {name: a}\nspec: {type: mcp-server, "
                          "lifecycle: production, owner: t}\n")
            << s("spec.definition") << s("kind-schema") << sl({ "mcp-server", "alpha" }) << s("\"definition\"");
        QTest::addRow("user without memberOf")
            << QByteArray("apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata: {name: u}\nspec: {}\n")
            << s("spec.memberOf") << s("kind-schema") << sl({ "memberOf: []" }) << s("\"memberOf\"");
        QTest::addRow("step without action")
            << QByteArray("apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata: {name: t}\nspec:\n  "
                          "type: service\n  steps:\n    - id: fetch\n")
            << s("spec.steps.0.action") << s("kind-schema") << sl({ "fetch:template" }) << s("\"action\"");
        QTest::addRow("name with a space")
            << QByteArray("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: my svc\n") + spec
            << s("metadata.name") << s("field-format") << sl({ "\"my-svc\"" }) << s("a space");
        QTest::addRow("name too long") << QByteArray(
                                              "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ")
                + QByteArray(64, 'a') + "\n" + spec
                                       << s("metadata.name") << s("field-format")
                                       << QStringList { QLatin1Char('"') + QString(63, QLatin1Char('a'))
                                              + QLatin1Char('"') }
                                       << s("64 characters");
        QTest::addRow("name with accents")
            << QByteArray("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: \xc3\x85s\xc3\xa4\n")
                + spec
            << s("metadata.name") << s("field-format") << sl({ "\"Asa\"" }) << s("ASCII");
        QTest::addRow("namespace in upper case")
            << QByteArray("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: svc\n  namespace: "
                          "Prod\n")
                + spec
            << s("metadata.namespace") << s("field-format") << sl({ "\"prod\"" }) << s("upper-case");
        QTest::addRow("tag in upper case") << head + "  tags: [Java]\n" + spec << s("metadata.tags.0")
                                           << s("field-format") << sl({ "\"java\"" }) << s("upper-case");
        QTest::addRow("tag with a space") << head + "  tags: [go 1.15.3]\n" + spec << s("metadata.tags.0")
                                          << s("field-format") << sl({ "\"go-1-15-3\"" }) << s("a space");
        QTest::addRow("annotation key with an underscore")
            << head + "  annotations: {my_company.com/x: y}\n" + spec << s("metadata.annotations.my_company.com/x")
            << s("field-format") << sl({ "my-company.com/x" }) << s("\"_\"");
        QTest::addRow("annotation key with two slashes")
            << head + "  annotations: {a/b/c: y}\n" + spec << s("metadata.annotations.a/b/c") << s("field-format")
            << sl({ "a.b/c" }) << s("2 '/'");
        QTest::addRow("label value with a space")
            << head + "  labels: {tier: front end}\n" + spec << s("metadata.labels.tier") << s("field-format")
            << sl({ "\"front-end\"" }) << s("a space");
        QTest::addRow("link without scheme")
            << head + "  links: [{url: example.com/docs}]\n" + spec << s("metadata.links.0.url") << s("field-format")
            << sl({ "https://example.com/docs" }) << s("no scheme");
        QTest::addRow("link with a relative path")
            << head + "  links: [{url: ./docs}]\n" + spec << s("metadata.links.0.url") << s("field-format")
            << sl({ "https://" }) << s("relative path");
        QTest::addRow("blank link title")
            << head + "  links: [{url: 'https://x', title: ' '}]\n" + spec << s("metadata.links.0.title")
            << s("field-format") << sl({ "text" }) << s("white space");
        QTest::addRow("empty title") << head + "  title: ''\n" + spec << s("metadata.title") << s("schema")
                                     << sl({ "remove the title" }) << s("empty");
        QTest::addRow("owner at the top level")
            << head + "spec:\n  type: service\n  lifecycle: production\nowner: team-a\n"
            << s("owner") << s("schema") << sl({ "indent it under spec:" }) << s("top-level");
        QTest::addRow("Spec capitalised") << head + "Spec:\n  type: service\n"
                                          << s("Spec") << s("schema") << sl({ "Did you mean spec?" }) << s("top-level");
        QTest::addRow("providesApis as text")
            << head + spec + "  providesApis: petstore\n"
            << s("spec.providesApis") << s("kind-schema") << sl({ "providesApis: [petstore]" }) << s("a list");
        QTest::addRow("empty spec") << head + "spec:\n"
                                    << s("spec") << s("schema") << sl({ "nothing under it" }) << s("empty");
        QTest::addRow("unsubstituted placeholder")
            << QByteArray("apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata: {name: a}\nspec:\n  type: openapi\n"
                          "  lifecycle: production\n  owner: t\n  definition:\n    $text: ./no-such-file.yaml\n")
            << s("spec.definition") << s("kind-schema") << sl({ "$text", "exists" }) << s("placeholder");
        QTest::addRow("presence misspelt")
            << QByteArray("apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: l}\nspec: {target: "
                          "./a.yaml, presence: optinal}\n")
            << s("spec.presence") << s("kind-schema") << sl({ "Did you mean optional?" }) << s("required, optional");
        QTest::addRow("name is a number")
            << QByteArray("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: 123\n") + spec
            << s("metadata.name") << s("envelope") << sl({ "name: \"123\"" }) << s("the number 123");
        QTest::addRow("label value is a number")
            << head + "  labels: {replicas: 3}\n" + spec << s("metadata.labels.replicas") << s("schema")
            << sl({ "replicas: \"3\"" }) << s("the number 3");
        QTest::addRow("relations in a file")
            << QByteArray(kMinimalComponent) + "relations: []\n"
            << s("relations") << s("foreign-root-field") << sl({ "Remove relations:" }) << s("computed by the catalog");
        QTest::addRow("output value not text")
            << QByteArray("apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata: {name: t}\nspec: "
                          "{type: service, steps: [], output: {count: 1}}\n")
            << s("spec.output.count") << s("kind-schema") << sl({ "count: \"1\"" }) << s("the number 1");
        QTest::addRow("parameters as text")
            << QByteArray("apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata: {name: t}\nspec: "
                          "{type: service, steps: [], parameters: x}\n")
            << s("spec.parameters") << s("kind-schema") << sl({ "a mapping", "a list" }) << s("the text \"x\"");
    }
    void hints()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(QString, field);
        QFETCH(QString, code);
        QFETCH(QStringList, hintHas);
        QFETCH(QString, messageHas);
        const Diagnostics diags = validateStream(yaml, QStringLiteral("catalog-info.yaml"));
        const Diagnostic* found = nullptr;
        for (const Diagnostic& d : diags)
            if (d.isError() && d.field == field)
                found = &d;
        QVERIFY2(found, qPrintable(dump(diags)));
        QCOMPARE(found->code, code);
        for (const QString& h : hintHas)
            QVERIFY2(found->hint.contains(h),
                qPrintable(QStringLiteral("hint lacks ") + h + QLatin1Char('\n') + dump({ *found })));
        QVERIFY2(found->message.contains(messageHas), qPrintable(dump({ *found })));
        QVERIFY2(!found->backstage.isEmpty(), qPrintable(dump({ *found })));
        QVERIFY(found->line > 0 && found->column > 0);
    }

    void parametersArray_reportsTheItemAndQuotesBackstage()
    {
        // A list of forms whose item is not a mapping: the array branch's own error is the useful
        // one; ajv (and so Backstage) names the object branch first.
        const Diagnostics diags = validateStream("apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\n"
                                                 "metadata: {name: t}\nspec:\n  type: service\n  steps: []\n"
                                                 "  parameters:\n    - title: a\n    - just text\n",
            QStringLiteral("t.yaml"));
        const Diagnostics errors = errorsOf(diags);
        QCOMPARE(errors.size(), qsizetype(1));
        QCOMPARE(errors[0].field, QStringLiteral("spec.parameters.1"));
        QCOMPARE(errors[0].line, 9);
        QCOMPARE(errors[0].backstage, QStringLiteral("/spec/parameters must be object - type: object"));
    }

    void everyProblemReported_notJustTheFirst()
    {
        const Diagnostics diags = validateStream("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n"
                                                 "  name: svc\n  title: ''\n  tags: [A, b, C]\n"
                                                 "  labels: {x: 1}\nstatus2: 1\nspec: {type: service}\n",
            QStringLiteral("c.yaml"));
        QStringList fields;
        for (const Diagnostic& d : errorsOf(diags))
            fields << d.field;
        fields.sort();
        QCOMPARE(fields,
            sl({ "metadata.labels.x", "metadata.tags.0", "metadata.tags.2", "metadata.title", "spec.lifecycle",
                "spec.owner", "status2" }));
    }

    void errors_followTheSchemaOrder_notTheFileOrder()
    {
        // ajv reports properties in the order the schema lists them, and Backstage quotes the first.
        const Diagnostics diags
            = validateStream("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: "
                             "svc}\nspec:\n  dependsOn: x\n  owner: ''\n  type: ''\n  lifecycle: p\n",
                QStringLiteral("c.yaml"));
        QStringList fields;
        for (const Diagnostic& d : diags)
            fields << d.field;
        QCOMPARE(fields, sl({ "spec.type", "spec.owner", "spec.dependsOn" }));
    }

    void hostileInput_boundedAndClear_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QString>("field");
        QByteArray deep = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: svc}\nspec: {type: s, "
                          "lifecycle: p, owner: o, deep: ";
        deep += QByteArray(400, '[') + QByteArray(400, ']') + "}\n";
        QTest::addRow("deep nesting below the schema") << deep << QString();
        QByteArray manyTags = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: svc\n  tags: [";
        for (int i = 0; i < 5000; ++i)
            manyTags += "ok-" + QByteArray::number(i) + ", ";
        manyTags += "Bad]\nspec: {type: s, lifecycle: p, owner: o}\n";
        QTest::addRow("many tags, the last one bad") << manyTags << QStringLiteral("metadata.tags.5000");
        QTest::addRow("aliases") << QByteArray(
            "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: svc\n  labels: &l {a: "
            "b}\n  annotations: *l\nspec: {type: s, lifecycle: p, owner: *l}\n")
                                 << QStringLiteral("spec.owner");
        QTest::addRow("non-string keys") << QByteArray(
            "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: svc\n  labels: {1: a, "
            "true: b}\nspec: {type: s, lifecycle: p, owner: o}\n5: x\n")
                                         << QStringLiteral("5");
    }
    void hostileInput_boundedAndClear()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(QString, field);
        const Diagnostics errors = errorsOf(validateStream(yaml, QStringLiteral("h.yaml")));
        if (field.isEmpty()) {
            QVERIFY2(errors.isEmpty(), qPrintable(dump(errors)));
            return;
        }
        QVERIFY2(errors.size() == 1, qPrintable(dump(errors)));
        QCOMPARE(errors[0].field, field);
    }

    // ---- warnings -------------------------------------------------------------------------------

    void warnings_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("hintHas");
        const QByteArray head = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: svc\n";
        const QByteArray spec = "spec:\n  type: service\n  lifecycle: production\n  owner: team-a\n";
        auto annotated = [&](const char* key, const char* value = "x") -> QByteArray {
            return head + "  annotations:\n    " + key + ": '" + value + "'\n" + spec;
        };
        QTest::addRow("techdocs-ref transposed")
            << annotated("backstgae.io/techdocs-ref", "dir:.") << s("annotation-typo")
            << s("metadata.annotations.backstgae.io/techdocs-ref") << s("backstage.io/techdocs-ref");
        QTest::addRow("project slug without dash")
            << annotated("github.com/projectslug", "o/r") << s("annotation-typo")
            << s("metadata.annotations.github.com/projectslug") << s("github.com/project-slug");
        QTest::addRow("kubernetes-id underscore")
            << annotated("backstage.io/kubernetes_id") << s("annotation-typo")
            << s("metadata.annotations.backstage.io/kubernetes_id") << s("backstage.io/kubernetes-id");
        QTest::addRow("prefix misspelt") << annotated("backstgae.io/my-own-thing") << s("annotation-typo")
                                         << s("metadata.annotations.backstgae.io/my-own-thing")
                                         << s("backstage.io/my-own-thing");
        QTest::addRow("definition-at-location")
            << annotated("backstage.io/definition-at-location", "url:https://x/api.yaml") << s("deprecated")
            << s("metadata.annotations.backstage.io/definition-at-location") << s("{$text: https://x/api.yaml}");
        QTest::addRow("github-actions-id")
            << annotated("backstage.io/github-actions-id", "o/r") << s("deprecated")
            << s("metadata.annotations.backstage.io/github-actions-id") << s("github.com/project-slug");
        QTest::addRow("jenkins github-folder")
            << annotated("jenkins.io/github-folder", "f/j") << s("deprecated")
            << s("metadata.annotations.jenkins.io/github-folder") << s("jenkins.io/job-full-name");
        QTest::addRow("managed-by-location written by hand")
            << annotated("backstage.io/managed-by-location", "url:https://x") << s("server-set-field")
            << s("metadata.annotations.backstage.io/managed-by-location") << s("Remove");
        QTest::addRow("implementsApis") << head + spec + "  implementsApis: [petstore]\n"
                                        << s("deprecated") << s("spec.implementsApis") << s("providesApis");
        QTest::addRow("EXPERIMENTAL_formDecorators")
            << QByteArray("apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata: {name: t}\nspec:\n"
                          "  type: service\n  steps: []\n  EXPERIMENTAL_formDecorators: [{id: x}]\n")
            << s("deprecated") << s("spec.EXPERIMENTAL_formDecorators") << s("formDecorators");
        QTest::addRow("uid") << head + "  uid: 0b1c\n" + spec << s("server-set-field") << s("metadata.uid")
                             << s("Remove");
        QTest::addRow("etag") << head + "  etag: abc\n" + spec << s("server-set-field") << s("metadata.etag")
                              << s("Remove");
        QTest::addRow("generation") << head + "  generation: 3\n" + spec << s("server-set-field")
                                    << s("metadata.generation") << s("Remove");
        QTest::addRow("metadata.anotations") << head + "  anotations: {a: b}\n" + spec << s("field-typo")
                                             << s("metadata.anotations") << s("annotations");
        QTest::addRow("metadata.tag") << head + "  tag: [java]\n" + spec << s("field-typo") << s("metadata.tag")
                                      << s("tags");
        QTest::addRow("spec.dependsOn lower case") << head + spec + "  dependson: [resource:db]\n"
                                                   << s("field-typo") << s("spec.dependson") << s("dependsOn");
    }
    void warnings()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(QString, code);
        QFETCH(QString, field);
        QFETCH(QString, hintHas);
        const Diagnostics diags = validateStream(yaml, QStringLiteral("catalog-info.yaml"));
        QVERIFY2(errorsOf(diags).isEmpty(), qPrintable(dump(diags))); // warnings never reject
        const Diagnostics warnings = warningsOf(diags);
        QVERIFY2(warnings.size() == 1, qPrintable(dump(diags)));
        QCOMPARE(warnings[0].code, code);
        QCOMPARE(warnings[0].field, field);
        QVERIFY2(warnings[0].hint.contains(hintHas), qPrintable(dump(warnings)));
        QVERIFY(!warnings[0].message.isEmpty());
        QVERIFY(warnings[0].line > 0 && warnings[0].column > 0);
    }

    void normalEntity_noWarnings()
    {
        const QByteArray yaml = "apiVersion: backstage.io/v1beta1\n"
                                "kind: Component\n"
                                "metadata:\n"
                                "  name: Payments_API.v2\n"
                                "  namespace: billing\n"
                                "  title: Payments\n"
                                "  description: ''\n"
                                "  labels: {tier: backend, empty: ''}\n"
                                "  annotations:\n"
                                "    backstage.io/techdocs-ref: dir:.\n"
                                "    github.com/project-slug: acme/payments\n"
                                "    gitlab.com/project-slug: acme/payments\n"
                                "    gitlab.com/project-id: '42'\n"
                                "    backstage.io/kubernetes-label-selector: app=payments\n"
                                "    argocd/app-name: payments\n"
                                "    sonarqube.org/project-key: acme_payments\n"
                                "    pagerduty.com/service-id: P123\n"
                                "    backstage.io/adr-location: docs/adr\n"
                                "    acme.com/cost-center: '1234'\n"
                                "    docs: https://example.com\n"
                                "  tags: [java, c++, c#, lang:go, node-js]\n"
                                "  links:\n"
                                "    - {url: 'https://example.com', title: Dashboard, icon: dashboard, type: admin}\n"
                                "    - {url: 'mailto:team@example.com'}\n"
                                "  ui:options: {x: 1}\n"
                                "spec:\n"
                                "  type: service\n"
                                "  lifecycle: experimental\n"
                                "  owner: group:billing/payments-team\n"
                                "  system: payments\n"
                                "  subcomponentOf: platform\n"
                                "  providesApis: [payments-api]\n"
                                "  consumesApis: ['component:artist-lookup']\n"
                                "  dependsOn: ['resource:payments-db']\n"
                                "  dependencyOf: ['component:checkout']\n"
                                "  customField: anything\n";
        const Diagnostics diags = validateStream(yaml, QStringLiteral("catalog-info.yaml"));
        QVERIFY2(diags.isEmpty(), qPrintable(dump(diags)));
    }

    // ---- the nine kinds ---------------------------------------------------------------------

    void nineKinds_minimalExampleValid_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        const QByteArray v = "apiVersion: backstage.io/v1alpha1\n";
        QTest::addRow("Component") << QByteArray(kMinimalComponent);
        QTest::addRow("API") << v
                + "kind: API\nmetadata: {name: a}\nspec: {type: openapi, lifecycle: production, "
                  "owner: t, definition: 'openapi: 3.0.0'}\n";
        QTest::addRow("Resource") << v + "kind: Resource\nmetadata: {name: r}\nspec: {type: database, owner: t}\n";
        QTest::addRow("System") << v + "kind: System\nmetadata: {name: s}\nspec: {owner: t}\n";
        QTest::addRow("Domain") << v + "kind: Domain\nmetadata: {name: d}\nspec: {owner: t}\n";
        QTest::addRow("Group") << v + "kind: Group\nmetadata: {name: g}\nspec: {type: team, children: []}\n";
        QTest::addRow("User") << v + "kind: User\nmetadata: {name: u}\nspec: {memberOf: []}\n";
        QTest::addRow("Location") << v + "kind: Location\nmetadata: {name: l}\nspec: {}\n";
        QTest::addRow("Template") << QByteArray("apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\n"
                                                "metadata: {name: t}\nspec: {type: service, steps: []}\n");
        QTest::addRow("Component v1beta1") << QByteArray(kMinimalComponent).replace("v1alpha1", "v1beta1");
    }
    void nineKinds_minimalExampleValid()
    {
        QFETCH(QByteArray, yaml);
        int entities = 0;
        const Diagnostics diags = validateStream(yaml, QStringLiteral("k.yaml"), QDir(), &entities);
        QCOMPARE(entities, 1);
        QVERIFY2(diags.isEmpty(), qPrintable(dump(diags)));
    }

    // ---- the official example files -------------------------------------------------------------

    void officialExamples_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QStringList>("errorCodes");
        QTest::addColumn<QStringList>("warningCodes");
        // Documents Backstage itself rejects, or warns about (see the README in this folder).
        const QHash<QString, QStringList> invalid {
            { QStringLiteral("catalog-model/components/invalid-component.yaml"), { QStringLiteral("field-format") } },
            { QStringLiteral("catalog-model/ai-resources/frontend-design-skill.yaml"),
                { QStringLiteral("unknown-kind") } },
            { QStringLiteral("catalog-model/ai-resources/use-internal-apis-rule.yaml"),
                { QStringLiteral("unknown-kind") } },
            { QStringLiteral("catalog-model/apis/backstage-mcp-server-api.yaml"), { QStringLiteral("kind-schema") } },
            { QStringLiteral("scaffolder-backend/sample-templates/create-react-app/template.yaml"),
                { QStringLiteral("unknown-kind") } },
            { QStringLiteral("scaffolder-backend/sample-templates/pull-request/template.yaml"),
                { QStringLiteral("unknown-kind") } },
            { QStringLiteral("scaffolder-backend/sample-templates/v1beta2-demo/template.yaml"),
                { QStringLiteral("unknown-kind") } },
            { QStringLiteral("scaffolder-backend/sample-templates/docs-template/template.yaml"),
                { QStringLiteral("unknown-kind") } },
            { QStringLiteral("scaffolder-backend/fixtures/test-v1beta3/template.yaml"),
                { QStringLiteral("unknown-kind") } },
        };
        const QHash<QString, QStringList> warned {
            { QStringLiteral("catalog-model/apis/spotify-api.yaml"), { QStringLiteral("deprecated") } },
        };
        QDirIterator it(kExamples, { QStringLiteral("*.yaml") }, QDir::Files, QDirIterator::Subdirectories);
        QStringList paths;
        while (it.hasNext())
            paths << QDir(kExamples).relativeFilePath(it.next());
        paths.sort();
        int count = 0;
        for (const QString& p : paths) {
            if (p.endsWith(QLatin1String(".oas.yaml")))
                continue; // an OpenAPI document a $text placeholder reads, not an entity
            QTest::addRow("%s", qPrintable(p)) << p << invalid.value(p) << warned.value(p);
            ++count;
        }
        QVERIFY(count >= 70);
    }
    void officialExamples()
    {
        QFETCH(QString, path);
        QFETCH(QStringList, errorCodes);
        QFETCH(QStringList, warningCodes);
        QFile f(kExamples + QLatin1Char('/') + path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        int entities = 0;
        const Diagnostics diags = validateStream(f.readAll(), path, QFileInfo(f.fileName()).dir(), &entities);
        QVERIFY(entities >= 1);
        QSet<QString> errors;
        QSet<QString> warnings;
        for (const Diagnostic& d : diags) {
            (d.isError() ? errors : warnings).insert(d.code);
            QVERIFY2(!d.message.isEmpty() && !d.hint.isEmpty() && d.line > 0, qPrintable(dump({ d })));
        }
        QVERIFY2(errors == QSet<QString>(errorCodes.begin(), errorCodes.end()), qPrintable(dump(diags)));
        QVERIFY2(warnings == QSet<QString>(warningCodes.begin(), warningCodes.end()), qPrintable(dump(diags)));
    }

    void invalidComponentExample_namesBothProblems()
    {
        QFile f(kExamples + QStringLiteral("/catalog-model/components/invalid-component.yaml"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const Diagnostics diags = validateStream(f.readAll(), QStringLiteral("invalid-component.yaml"));
        QStringList got;
        for (const Diagnostic& d : diags)
            got << QStringLiteral("%1 %2:%3 %4").arg(d.field).arg(d.line).arg(d.column).arg(d.hint);
        QCOMPARE(got,
            (QStringList {
                QStringLiteral("metadata.name 4:9 Rename it, e.g. to \"invalid-component\"; references to this "
                               "entity must use the new name too."),
                QStringLiteral("metadata.tags.1 11:7 Use \"go-1-15-3\" instead."),
            }));
    }

    // ---- the envelope -----------------------------------------------------------------------

    void envelope_rootNotAMapping_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QString>("backstage");
        QTest::addColumn<QString>("messageHas");
        QTest::addRow("list") << QByteArray("- a\n- b\n") << s("Expected object at root, got object") << s("a list");
        QTest::addRow("text") << QByteArray("hello world\n") << s("Expected object at root, got string")
                              << s("\"hello world\"");
        QTest::addRow("number") << QByteArray("42\n") << s("Expected object at root, got number") << s("42");
        QTest::addRow("boolean") << QByteArray("true\n") << s("Expected object at root, got boolean") << s("true");
    }
    void envelope_rootNotAMapping()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(QString, backstage);
        QFETCH(QString, messageHas);
        const Diagnostics diags = validateStream(yaml, QStringLiteral("x.yaml"));
        QCOMPARE(diags.size(), qsizetype(1));
        QCOMPARE(diags[0].code, QStringLiteral("envelope"));
        QCOMPARE(diags[0].backstage, backstage);
        QVERIFY2(diags[0].message.contains(messageHas), qPrintable(diags[0].message));
        QVERIFY(!diags[0].hint.isEmpty());
        QCOMPARE(diags[0].line, 1);
    }

    void envelope_emptyDocumentSkippedSilently()
    {
        Diagnostics out;
        const auto docs = parseYamlStream("~\n");
        QVERIFY(!validateEnvelope(YamlValue(&docs[0].document, docs[0].document.root()), QStringLiteral("x"), out));
        QVERIFY(!validateEnvelope(YamlValue(), QStringLiteral("x"), out));
        QVERIFY(out.isEmpty());
    }

    void envelope_everyMissingPieceReported()
    {
        const Diagnostics diags = validateStream("kind: ''\nmetadata:\n  namespace: ''\n", QStringLiteral("e.yaml"));
        QStringList got;
        for (const Diagnostic& d : diags)
            got << d.field + QLatin1Char(' ') + d.backstage;
        QCOMPARE(got,
            (QStringList {
                QStringLiteral(
                    "apiVersion <root> must have required property 'apiVersion' - missingProperty: apiVersion"),
                QStringLiteral("kind /kind must NOT have fewer than 1 characters - limit: 1"),
                QStringLiteral("metadata.name /metadata must have required property 'name' - missingProperty: name"),
                QStringLiteral(
                    "metadata.namespace /metadata/namespace must NOT have fewer than 1 characters - limit: 1"),
            }));
        QCOMPARE(diags[2].line, 2); // the metadata: key
    }

    void validateEntity_afterFailedEnvelope_addsNothing()
    {
        const auto docs = parseYamlStream("kind: Component\nmetadata: {name: x}\n");
        const YamlValue root(&docs[0].document, docs[0].document.root());
        Diagnostics out;
        QVERIFY(!validateEntity(root, QStringLiteral("x.yaml"), QStringLiteral("component:default/x"), out));
        QVERIFY(out.isEmpty());
        QVERIFY(!validateEnvelope(root, QStringLiteral("x.yaml"), out));
        QCOMPARE(out.size(), qsizetype(1));
    }

    void returnValue_falseOnlyForErrors()
    {
        auto run = [](const char* yaml, Diagnostics& out) {
            const auto docs = parseYamlStream(yaml);
            const YamlValue root(&docs[0].document, docs[0].document.root());
            return validateEnvelope(root, QStringLiteral("r.yaml"), out)
                && validateEntity(root, QStringLiteral("r.yaml"), keyOf(root), out);
        };
        Diagnostics out;
        QVERIFY(run(kMinimalComponent, out));
        QVERIFY(out.isEmpty());
        QVERIFY(run(
            "apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata: {name: u, uid: x}\nspec: {memberOf: []}\n", out));
        QCOMPARE(out.size(), qsizetype(1)); // a warning
        QVERIFY(!run("apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata: {name: u}\nspec: {}\n", out));
    }

    // ---- the schemas ------------------------------------------------------------------------------

    void schemas_compileCleanly_andMatchTheSourceFiles()
    {
        const Schema::Registry& r = Schema::Registry::instance();
        QVERIFY2(r.problems().isEmpty(), qPrintable(r.problems().join(QLatin1Char('\n'))));
        const auto files = r.files();
        QCOMPARE(files.size(), size_t(13));
        for (const auto& [name, bytes] : files) {
            QFile f(QStringLiteral(FLIGHTDECK_SOURCE_DIR "/services/catalog/schemas/") + name);
            QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(f.fileName()));
            QVERIFY2(f.readAll() == bytes, qPrintable(name + QLatin1String(" is stale; re-run the configure step")));
        }
        for (const char* id : { "EntityEnvelope", "Entity", "EntityMeta", "common", "ApiV1alpha1", "ComponentV1alpha1",
                 "DomainV1alpha1", "GroupV1alpha1", "LocationV1alpha1", "ResourceV1alpha1", "SystemV1alpha1",
                 "TemplateV1beta3", "UserV1alpha1", "common#relation", "common#status" })
            QVERIFY2(r.schema(id), id);
        const auto good = parseYamlStream("{apiVersion: a/v1, kind: K, metadata: {name: n}}");
        const auto bad = parseYamlStream("{apiVersion: a/v1, kind: K, metadata: {namespace: n}}");
        const Schema::Node* envelope = r.schema("EntityEnvelope");
        QVERIFY(Schema::isValid(envelope, YamlValue(&good[0].document, good[0].document.root())));
        QVERIFY(!Schema::isValid(envelope, YamlValue(&bad[0].document, bad[0].document.root())));
    }

    // ---- threads --------------------------------------------------------------------------------

    void concurrentValidation_sameResultsAsSerial()
    {
        QList<QByteArray> inputs;
        QDirIterator it(kExamples + QStringLiteral("/catalog-model"), { QStringLiteral("*.yaml") }, QDir::Files,
            QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile f(it.next());
            QVERIFY(f.open(QIODevice::ReadOnly));
            inputs << f.readAll();
        }
        QVERIFY(inputs.size() > 30);
        QList<Diagnostics> serial;
        for (const QByteArray& in : inputs)
            serial << validateStream(in, QStringLiteral("f"));
        constexpr int kThreads = 4;
        std::vector<QList<Diagnostics>> results(kThreads);
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t)
            threads.emplace_back([&, t] {
                for (int round = 0; round < 5; ++round)
                    for (const QByteArray& in : inputs)
                        results[size_t(t)] << validateStream(in, QStringLiteral("f"));
            });
        for (std::thread& t : threads)
            t.join();
        for (const QList<Diagnostics>& r : results)
            for (qsizetype i = 0; i < r.size(); ++i)
                QCOMPARE(r[i], serial[i % serial.size()]);
    }
};

QTEST_GUILESS_MAIN(tst_Validator)
#include "tst_validator.moc"
