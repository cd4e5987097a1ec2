// SPDX-License-Identifier: Apache-2.0
// Reading catalog files and folders: placeholders, Location entities, hostile input, incremental refresh.
#include "catalog/catalog.h"
#include "catalog/loader.h"
#include "sources/filescanner.h"
#include "sources/glob.h"
#include "sources/sourceload.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>
#include <unistd.h>

using namespace Flightdeck::Catalog;
using namespace Flightdeck::Sources;

namespace {

const char* const validComponent = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: %1\n"
                                   "spec:\n  type: service\n  lifecycle: production\n  owner: team-a\n";

QByteArray component(const char* name)
{
    return QString::fromLatin1(validComponent).arg(QLatin1String(name)).toUtf8();
}

bool writeFile(const QString& path, const QByteArray& bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

SourceLoad loadDir(const QString& dir, const LocalTreeOptions& options = {}, const QStringList& globs = {})
{
    CatalogSourceSpec spec;
    spec.name = QStringLiteral("test");
    spec.type = CatalogSourceSpec::Type::Directory;
    spec.path = dir;
    spec.globs = globs;
    return loadLocalSource(spec, options);
}

QStringList entityKeys(const SourceLoad& s)
{
    QStringList out;
    for (const FileLoad& f : s.files)
        for (const Entity& e : f.entities)
            out << e.key;
    out.sort();
    return out;
}

QList<Diagnostic> allDiagnostics(const SourceLoad& s)
{
    QList<Diagnostic> out = s.diagnostics;
    for (const FileLoad& f : s.files)
        out += f.diagnostics;
    return out;
}

const Diagnostic* findDiagnostic(const QList<Diagnostic>& list, QStringView code, QStringView fileSuffix = {})
{
    for (const Diagnostic& d : list)
        if (d.code == code && (fileSuffix.isEmpty() || d.file.endsWith(fileSuffix)))
            return &d;
    return nullptr;
}

} // namespace

class tst_Loader : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void placeholders_textJsonYaml_areSubstitutedBeforeValidation()
    {
        const SourceLoad s = loadDir(QStringLiteral(FLIGHTDECK_TEST_DATA "/catalog/placeholders"));
        QCOMPARE(entityKeys(s),
                 (QStringList {QStringLiteral("api:default/text-api"), QStringLiteral("component:default/json-component"),
                               QStringLiteral("component:default/multi-key-object"), QStringLiteral("component:default/yaml-component")}));
        const FileLoad& f = s.files.first();
        for (const Entity& e : f.entities) {
            const QJsonObject doc = QJsonDocument::fromJson(e.document).object();
            if (e.ref.name == QLatin1String("text-api")) {
                QVERIFY(doc[QStringLiteral("spec")][QStringLiteral("definition")].toString().startsWith(QLatin1String("openapi: 3.0.0\ninfo:")));
            } else if (e.ref.name == QLatin1String("json-component")) {
                QCOMPARE(e.annotation(u"github.com/project-slug"), QStringLiteral("acme/json-component"));
            } else if (e.ref.name == QLatin1String("yaml-component")) {
                QCOMPARE(e.type, QStringLiteral("library"));
                QCOMPARE(e.owner, QStringLiteral("group:default/team-b"));
            } else if (e.ref.name == QLatin1String("multi-key-object")) {
                // An object with a $ key and other keys is not a placeholder: left alone.
                QCOMPARE(doc[QStringLiteral("spec")][QStringLiteral("extra")][QStringLiteral("$text")].toString(), QStringLiteral("./openapi.yaml"));
            }
        }
        // The files the placeholders read are dependencies, for incremental refresh.
        QStringList deps;
        for (const FileStamp& d : f.dependencies)
            deps << QFileInfo(d.path).fileName();
        QVERIFY(deps.contains(QStringLiteral("openapi.yaml")));
        QVERIFY(deps.contains(QStringLiteral("annotations.json")));
        QVERIFY(deps.contains(QStringLiteral("spec.yaml")));

        const QList<Diagnostic> diags = allDiagnostics(s);
        int placeholderErrors = 0;
        for (const Diagnostic& d : diags) {
            if (d.code != QLatin1String("placeholder"))
                continue;
            ++placeholderErrors;
            QVERIFY(d.line > 0 && d.column > 0);
            QVERIFY(!d.hint.isEmpty());
            QCOMPARE(d.field, QStringLiteral("spec.definition"));
        }
        QCOMPARE(placeholderErrors, 2); // a missing file, and one outside the source
    }

    void locations_followTargetsGlobsAndReportProblems()
    {
        const SourceLoad s = loadDir(QStringLiteral(FLIGHTDECK_TEST_DATA "/catalog/locations"));
        QCOMPARE(entityKeys(s),
                 (QStringList {QStringLiteral("component:default/a"), QStringLiteral("component:default/b"),
                               QStringLiteral("component:default/c"), QStringLiteral("location:default/back-to-root"),
                               QStringLiteral("location:default/optional"), QStringLiteral("location:default/required-missing"),
                               QStringLiteral("location:default/root")}));
        const QList<Diagnostic> diags = allDiagnostics(s);
        const Diagnostic* missing = findDiagnostic(diags, u"location-target");
        QVERIFY(missing);
        QCOMPARE(missing->severity, Severity::Error);
        QCOMPARE(missing->entity, QStringLiteral("location:default/required-missing"));
        QCOMPARE(missing->field, QStringLiteral("spec.target"));
        QCOMPARE(missing->line, 15);
        QVERIFY(missing->message.contains(QLatin1String("./not-there.yaml")));
        int targetErrors = 0;
        for (const Diagnostic& d : diags)
            if (d.code == QLatin1String("location-target"))
                ++targetErrors;
        QCOMPARE(targetErrors, 1); // the optional one is silent
        const Diagnostic* cycle = findDiagnostic(diags, u"location-cycle");
        QVERIFY(cycle);
        QCOMPARE(cycle->severity, Severity::Warning);
        QVERIFY(cycle->file.endsWith(QLatin1String("sub/a.yaml")));
        QCOMPARE(cycle->entity, QStringLiteral("location:default/back-to-root"));
    }

    void locations_singleFileSource_followsTargetsWithinItsRepository()
    {
        QTemporaryDir dir;
        const QString repo = dir.filePath(QStringLiteral("repo"));
        QVERIFY(QDir().mkpath(repo + QStringLiteral("/.git")));
        QVERIFY(writeFile(repo + QStringLiteral("/catalog-info.yaml"), component("top")));
        QVERIFY(writeFile(repo + QStringLiteral("/services/x/catalog-info.yaml"),
                          component("x") + "---\napiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: up\n"
                                           "spec:\n  targets: [../../catalog-info.yaml, ../../../outside.yaml]\n"));
        QVERIFY(writeFile(dir.filePath(QStringLiteral("outside.yaml")), component("outside")));
        CatalogSourceSpec spec;
        spec.name = QStringLiteral("file");
        spec.type = CatalogSourceSpec::Type::File;
        spec.path = repo + QStringLiteral("/services/x/catalog-info.yaml");
        const SourceLoad s = loadLocalSource(spec, {});
        QCOMPARE(entityKeys(s), (QStringList {QStringLiteral("component:default/top"), QStringLiteral("component:default/x"),
                                              QStringLiteral("location:default/up")}));
        const Diagnostic* outside = findDiagnostic(allDiagnostics(s), u"location");
        QVERIFY(outside);
        QCOMPARE(outside->field, QStringLiteral("spec.targets.1"));
    }

    void locations_targetOutsideTheSource_isRefused()
    {
        QTemporaryDir dir;
        QVERIFY(writeFile(dir.filePath(QStringLiteral("src/catalog-info.yaml")),
                          "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: escape\nspec:\n"
                          "  targets:\n    - ../outside.yaml\n    - /etc/hostname\n"));
        QVERIFY(writeFile(dir.filePath(QStringLiteral("outside.yaml")), component("outside")));
        const SourceLoad s = loadDir(dir.filePath(QStringLiteral("src")));
        QCOMPARE(entityKeys(s), QStringList {QStringLiteral("location:default/escape")});
        int outside = 0;
        for (const Diagnostic& d : allDiagnostics(s))
            if (d.code == QLatin1String("location") && d.message.contains(QLatin1String("outside")))
                ++outside;
        QCOMPARE(outside, 2);
    }

    void badInput_eachFileGetsItsErrorAndTheRestLoads()
    {
        QTemporaryDir dir;
        const QString d = dir.path();
        QVERIFY(writeFile(d + QStringLiteral("/good/catalog-info.yaml"), component("good")));
        QVERIFY(writeFile(d + QStringLiteral("/binary/catalog-info.yaml"), QByteArray("\x7f" "ELF\x02\x01\x01\x00\x00\x00", 10)));
        QVERIFY(writeFile(d + QStringLiteral("/utf8/catalog-info.yaml"), component("utf8").replace("team-a", "team-\xC3\x28")));
        QVERIFY(writeFile(d + QStringLiteral("/syntax/catalog-info.yaml"), component("first") + "---\nkind: [\n---\n" + component("third")));
        QVERIFY(writeFile(d + QStringLiteral("/dupkey/catalog-info.yaml"), component("dup") + "kind: API\n"));
        QVERIFY(writeFile(d + QStringLiteral("/root-list/catalog-info.yaml"), "- a\n- b\n"));
        QByteArray bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
        for (char c = 'b', p = 'a'; c <= 'j'; p = c, ++c)
            bomb += QByteArray(1, c) + ": &" + QByteArray(1, c) + " [*" + QByteArray(1, p) + ", *" + QByteArray(1, p) + ", *"
                + QByteArray(1, p) + ", *" + QByteArray(1, p) + ", *" + QByteArray(1, p) + ", *" + QByteArray(1, p) + ", *"
                + QByteArray(1, p) + ", *" + QByteArray(1, p) + ", *" + QByteArray(1, p) + ", *" + QByteArray(1, p) + "]\n";
        QVERIFY(writeFile(d + QStringLiteral("/bomb/catalog-info.yaml"), bomb));
        QVERIFY(writeFile(d + QStringLiteral("/deep/catalog-info.yaml"), QByteArray(100000, '[') + QByteArray(100000, ']')));
        QVERIFY(writeFile(d + QStringLiteral("/large/catalog-info.yaml"), "a: \"" + QByteArray(3 * 1024 * 1024, 'x') + "\"\n"));
        QDir().mkpath(d + QStringLiteral("/fifo"));
        QCOMPARE(::mkfifo(QFile::encodeName(d + QStringLiteral("/fifo/catalog-info.yaml")).constData(), 0600), 0);
        QDir().mkpath(d + QStringLiteral("/folder/catalog-info.yaml")); // a folder with a catalog file's name is not read
        QDir().mkpath(d + QStringLiteral("/links"));
        QVERIFY(QFile::link(d + QStringLiteral("/nowhere.yaml"), d + QStringLiteral("/links/catalog-info.yaml")));
        QDir().mkpath(d + QStringLiteral("/loop/inner"));
        QVERIFY(QFile::link(d + QStringLiteral("/loop"), d + QStringLiteral("/loop/inner/back")));

        LocalTreeOptions options;
        options.load.maxFileSize = 2 * 1024 * 1024;
        const SourceLoad s = loadDir(d, options);
        QCOMPARE(entityKeys(s), (QStringList {QStringLiteral("component:default/first"), QStringLiteral("component:default/good"),
                                              QStringLiteral("component:default/third")}));
        const QList<Diagnostic> diags = allDiagnostics(s);
        const auto expectError = [&](const char* sub, QStringView code, int line) {
            const QString suffix = QLatin1String(sub) + QStringLiteral("/catalog-info.yaml");
            const Diagnostic* found = nullptr;
            for (const Diagnostic& x : diags)
                if (x.file.endsWith(suffix) && x.isError() && (code.isEmpty() || x.code == code))
                    found = &x;
            QVERIFY2(found, sub);
            QVERIFY2(!found->message.isEmpty() && !found->hint.isEmpty(), sub);
            if (line >= 0)
                QCOMPARE(found->line, line);
        };
        expectError("binary", u"binary", 0);
        expectError("utf8", u"yaml", 8);
        expectError("syntax", u"yaml", 11);
        expectError("dupkey", u"yaml", 9);
        expectError("root-list", u"envelope", -1);
        expectError("bomb", u"yaml", -1);
        expectError("deep", u"yaml", 1);
        expectError("large", u"too-large", 0);
        expectError("fifo", u"unreadable", 0);
        QVERIFY(findDiagnostic(diags, u"broken-link"));
        QVERIFY(findDiagnostic(diags, u"symlink-loop"));
    }

    void relationRefWithoutKind_isAnErrorWithAHint()
    {
        QTemporaryDir dir;
        QVERIFY(writeFile(dir.filePath(QStringLiteral("catalog-info.yaml")),
                          component("svc") + "  dependsOn:\n    - artists-db\n"));
        const SourceLoad s = loadDir(dir.path());
        QVERIFY(entityKeys(s).isEmpty());
        const Diagnostic* d = findDiagnostic(allDiagnostics(s), u"relation-ref");
        QVERIFY(d);
        QCOMPARE(d->field, QStringLiteral("spec.dependsOn.0"));
        QCOMPARE(d->line, 10);
        QCOMPARE(d->column, 7);
        QVERIFY(d->hint.contains(QLatin1String("resource:artists-db")));
        QVERIFY(d->backstage.contains(QLatin1String("had missing or empty kind")));
    }

    void sameEntityTwiceInOneFile_isAConflict()
    {
        QTemporaryDir dir;
        QVERIFY(writeFile(dir.filePath(QStringLiteral("catalog-info.yaml")), component("svc") + "---\n" + component("SVC")));
        const SourceLoad s = loadDir(dir.path());
        QCOMPARE(entityKeys(s), QStringList {QStringLiteral("component:default/svc")});
        const Diagnostic* d = findDiagnostic(allDiagnostics(s), u"conflict");
        QVERIFY(d);
        QCOMPARE(d->line, 10);
        QVERIFY(d->message.contains(QLatin1String("line 1")));
    }

    void incremental_unchangedFilesAreNotParsedAgain()
    {
        QTemporaryDir dir;
        QVERIFY(writeFile(dir.filePath(QStringLiteral("a/catalog-info.yaml")), component("a")));
        QVERIFY(writeFile(dir.filePath(QStringLiteral("b/catalog-info.yaml")),
                          component("b").replace("owner: team-a", "owner: team-a\n  definition:\n    $text: ./doc.txt")));
        QVERIFY(writeFile(dir.filePath(QStringLiteral("b/doc.txt")), "v1"));
        const SourceLoad first = loadDir(dir.path());
        QCOMPARE(first.reparsed, 2);
        QHash<QString, FileLoad> previous;
        for (const FileLoad& f : first.files)
            previous.insert(f.path, f);
        LocalTreeOptions options;
        options.previous = &previous;
        const SourceLoad second = loadDir(dir.path(), options);
        QCOMPARE(second.reparsed, 0);
        QCOMPARE(entityKeys(second), entityKeys(first));
        // A file a placeholder reads changes: only the file that reads it is parsed again.
        QTest::qWait(5);
        QVERIFY(writeFile(dir.filePath(QStringLiteral("b/doc.txt")), "version two"));
        const SourceLoad third = loadDir(dir.path(), options);
        QCOMPARE(third.reparsed, 1);
        // A new file appears.
        QVERIFY(writeFile(dir.filePath(QStringLiteral("c/catalog-info.yaml")), component("c")));
        const SourceLoad fourth = loadDir(dir.path(), options);
        QCOMPARE(fourth.reparsed, 2);
        QCOMPARE(entityKeys(fourth).size(), 3);
    }

    void scan_defaultGlobsSkipDotAndVendorDirectories()
    {
        QTemporaryDir dir;
        QVERIFY(writeFile(dir.filePath(QStringLiteral("catalog-info.yaml")), component("root")));
        QVERIFY(writeFile(dir.filePath(QStringLiteral("x/y/catalog-info.yaml")), component("nested")));
        QVERIFY(writeFile(dir.filePath(QStringLiteral(".github/catalog-info.yaml")), component("hidden")));
        QVERIFY(writeFile(dir.filePath(QStringLiteral("node_modules/p/catalog-info.yaml")), component("vendored")));
        QVERIFY(writeFile(dir.filePath(QStringLiteral("x/other.yaml")), component("other")));
        const ScanResult r = scanDirectory(dir.path(), {});
        QCOMPARE(r.files.size(), 2);
        const ScanResult custom = scanDirectory(dir.path(), {QStringLiteral("**/*.yaml")});
        QCOMPARE(custom.files.size(), 3);
    }

    void glob_matchesLikeNodeGlob_data()
    {
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<QString>("path");
        QTest::addColumn<bool>("matches");
        QTest::newRow("star") << "*.yaml" << "a.yaml" << true;
        QTest::newRow("star no slash") << "*.yaml" << "d/a.yaml" << false;
        QTest::newRow("globstar zero dirs") << "**/*.yaml" << "a.yaml" << true;
        QTest::newRow("globstar deep") << "**/*.yaml" << "a/b/c.yaml" << true;
        QTest::newRow("globstar no dot dir") << "**/*.yaml" << ".git/c.yaml" << false;
        QTest::newRow("star no dot file") << "*" << ".hidden" << false;
        QTest::newRow("explicit dot") << ".*" << ".hidden" << true;
        QTest::newRow("question") << "a?.yaml" << "ab.yaml" << true;
        QTest::newRow("class") << "[ab].yaml" << "b.yaml" << true;
        QTest::newRow("negated class") << "[!ab].yaml" << "b.yaml" << false;
        QTest::newRow("range") << "v[0-9].yaml" << "v7.yaml" << true;
        QTest::newRow("braces") << "*.{yaml,yml}" << "x.yml" << true;
        QTest::newRow("braces no") << "*.{yaml,yml}" << "x.json" << false;
        QTest::newRow("dir segment") << "systems/*.yaml" << "systems/pay.yaml" << true;
        QTest::newRow("dir segment other") << "systems/*.yaml" << "org/pay.yaml" << false;
        QTest::newRow("middle globstar") << "a/**/z.yaml" << "a/z.yaml" << true;
        QTest::newRow("middle globstar deep") << "a/**/z.yaml" << "a/b/c/z.yaml" << true;
        QTest::newRow("literal") << "catalog-info.yaml" << "catalog-info.yaml" << true;
    }
    void glob_matchesLikeNodeGlob()
    {
        QFETCH(QString, pattern);
        QFETCH(QString, path);
        QFETCH(bool, matches);
        QCOMPARE(GlobPattern(pattern).matches(path), matches);
    }

    void glob_hostileBracesAreBounded()
    {
        const QString p = QStringLiteral("{a,b}").repeated(30);
        QVERIFY(expandBraces(p).size() <= 256);
    }
};

QTEST_GUILESS_MAIN(tst_Loader)
#include "tst_loader.moc"
