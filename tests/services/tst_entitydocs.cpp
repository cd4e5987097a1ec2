// SPDX-License-Identifier: Apache-2.0
// Finding and reading an entity's docs and catalog file the way TechDocs does: mkdocs nav, the
// docs/ and README fallbacks, links and images, folder and git sources, and no reading outside
// the source (".." and symbolic links are refused).
#include "catalog/catalog.h"
#include "catalog/entitydocs.h"
#include "catalog/entitysource.h"
#include "catalog/loader.h"
#include "sources/gitmirror.h"
#include "sources/sourceload.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace Flightdeck::Catalog;
using Flightdeck::Sources::CatalogSourceSpec;

namespace {

QString dataDir() { return QDir::cleanPath(QStringLiteral(FLIGHTDECK_TEST_DATA "/entitytabs")); }

bool writeFile(const QString& path, const QByteArray& bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

CatalogSourceSpec folderSpec(const QString& path)
{
    CatalogSourceSpec spec;
    spec.name = QStringLiteral("tabs");
    spec.type = CatalogSourceSpec::Type::Directory;
    spec.path = path;
    return spec;
}

CatalogPtr loadFolder(const CatalogSourceSpec& spec)
{
    const Flightdeck::Sources::SourceLoad load = Flightdeck::Sources::loadLocalSource(spec, {});
    Catalog::BuildInput input;
    input.files = load.files;
    input.extraDiagnostics = load.diagnostics;
    return Catalog::build(input);
}

Entity entityWith(const QString& key, const QString& value)
{
    Entity e;
    e.annotations << qMakePair(key, value);
    return e;
}

QStringList navSummary(const DocsSite& site)
{
    QStringList out;
    for (const DocsNavItem& item : site.nav) {
        QString line = QString(item.level * 2, QLatin1Char(' ')) + item.title;
        if (!item.page.isEmpty())
            line += QStringLiteral(" -> ") + QDir(site.docsDir).relativeFilePath(item.page);
        if (!item.url.isEmpty())
            line += QStringLiteral(" -> ") + item.url;
        if (item.missing)
            line += QStringLiteral(" (missing)");
        out << line;
    }
    return out;
}

const char* const componentYaml = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: %1\n"
                                  "  annotations:\n    backstage.io/techdocs-ref: %2\nspec:\n  type: service\n"
                                  "  lifecycle: production\n  owner: team-a\n";

QByteArray component(const QString& name, const QString& ref)
{
    return QString::fromLatin1(componentYaml).arg(name, ref).toUtf8();
}

} // namespace

class tst_EntityDocs : public QObject
{
    Q_OBJECT

private:
    CatalogPtr m_catalog;
    QString m_checkoutFile;

    DocsSite discoverFor(const char* key)
    {
        const int i = m_catalog->indexOf(QString::fromLatin1(key));
        if (i < 0)
            return {};
        const EntityFile file = locateEntityFile(*m_catalog, i, {folderSpec(dataDir())}, QString());
        return discoverDocs(file.path, file.root, docsReferenceOf(m_catalog->entity(i)));
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_catalog = loadFolder(folderSpec(dataDir()));
        QVERIFY(m_catalog->size() > 10);
        m_checkoutFile = dataDir() + QStringLiteral("/components/checkout/catalog-info.yaml");
    }

    void reference_fromAnnotations_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");
        QTest::addColumn<int>("type");
        QTest::addColumn<QString>("expected");
        const QString ref = QStringLiteral("backstage.io/techdocs-ref");
        QTest::addRow("dir dot") << ref << "dir:." << int(DocsReference::Type::Dir) << ".";
        QTest::addRow("dir path") << ref << "dir:./site " << int(DocsReference::Type::Dir) << "./site";
        QTest::addRow("dir empty") << ref << "dir:" << int(DocsReference::Type::Dir) << ".";
        QTest::addRow("url") << ref << "url:https://github.com/acme/x/tree/main" << int(DocsReference::Type::Url)
                             << "https://github.com/acme/x/tree/main";
        QTest::addRow("invalid") << ref << "github:acme/x" << int(DocsReference::Type::Invalid) << "github:acme/x";
        QTest::addRow("entity") << "backstage.io/techdocs-entity" << "component:default/checkout"
                                << int(DocsReference::Type::Entity) << "component:default/checkout";
        QTest::addRow("none") << "backstage.io/source-location" << "url:https://x" << int(DocsReference::Type::None)
                              << "";
    }
    void reference_fromAnnotations()
    {
        QFETCH(QString, key);
        QFETCH(QString, value);
        QFETCH(int, type);
        QFETCH(QString, expected);
        const Entity e = entityWith(key, value);
        const DocsReference r = docsReferenceOf(e);
        QCOMPARE(int(r.type), type);
        QCOMPARE(r.value, expected);
        QCOMPARE(hasDocsAnnotation(e), type != int(DocsReference::Type::None));
        if (r.type == DocsReference::Type::Invalid)
            QVERIFY(r.problem.contains(QStringLiteral("dir: or url:")));
    }

    void discover_mkdocs_followsNavOrderAndTitles()
    {
        const DocsSite site = discoverFor("component:default/checkout");
        QVERIFY2(site.found(), qPrintable(site.message));
        QCOMPARE(site.kind, DocsSite::Kind::MkDocs);
        QCOMPARE(site.siteName, QStringLiteral("Checkout"));
        QCOMPARE(site.root, dataDir());
        QCOMPARE(site.docsDir, dataDir() + QStringLiteral("/components/checkout/docs"));
        QCOMPARE(site.configFile, dataDir() + QStringLiteral("/components/checkout/mkdocs.yml"));
        QCOMPARE(navSummary(site),
                 QStringList({QStringLiteral("Overview -> index.md"), QStringLiteral("Architecture -> architecture.md"),
                              QStringLiteral("Runbooks"), QStringLiteral("  Deploying -> runbooks/deploy.md"),
                              // no title in the nav: the page's front matter title
                              QStringLiteral("  Rolling back -> runbooks/rollback.md"),
                              QStringLiteral("API reference -> https://api.acme.example/payments/v2/docs")}));
        QCOMPARE(site.homePage, site.docsDir + QStringLiteral("/index.md"));
        QVERIFY2(site.warnings.isEmpty(), qPrintable(site.warnings.join(QLatin1Char('\n'))));
    }

    void discover_docsFolder_listsPagesIndexFirst()
    {
        const DocsSite site = discoverFor("component:default/web-shop");
        QVERIFY(site.found());
        QCOMPARE(site.kind, DocsSite::Kind::DocsFolder);
        QCOMPARE(navSummary(site),
                 QStringList({QStringLiteral("Web Shop -> index.md"),
                              QStringLiteral("Frequently asked questions -> faq.md")}));
    }

    void discover_readme_nextToTheCatalogFile()
    {
        const DocsSite site = discoverFor("component:default/ledger");
        QVERIFY(site.found());
        QCOMPARE(site.kind, DocsSite::Kind::Readme);
        QCOMPARE(site.homePage, dataDir() + QStringLiteral("/components/ledger/README.md"));
        QCOMPARE(navSummary(site), QStringList {QStringLiteral("Ledger -> README.md")});
    }

    void discover_dirOutsideTheSource_isRefused()
    {
        const DocsSite site = discoverFor("component:default/escaper");
        QVERIFY(!site.found());
        QCOMPARE(site.kind, DocsSite::Kind::None);
        QVERIFY2(site.message.contains(QStringLiteral("outside the source folder")), qPrintable(site.message));
        QVERIFY(!site.hint.isEmpty());
    }

    void discover_otherReferences_explainThemselves_data()
    {
        QTest::addColumn<QString>("ref");
        QTest::addColumn<QString>("message");
        QTest::addRow("url") << "url:https://github.com/acme/x" << "not a local folder";
        QTest::addRow("invalid") << "nonsense" << "must start with dir: or url:";
        QTest::addRow("missing dir") << "dir:./nowhere" << "not a folder";
        QTest::addRow("no docs") << "dir:../../org" << "No documentation was found";
    }
    void discover_otherReferences_explainThemselves()
    {
        QFETCH(QString, ref);
        QFETCH(QString, message);
        const Entity e = entityWith(QStringLiteral("backstage.io/techdocs-ref"), ref);
        const DocsSite site = discoverDocs(m_checkoutFile, dataDir(), docsReferenceOf(e));
        QVERIFY(!site.found());
        QVERIFY2(site.message.contains(message), qPrintable(site.message));
        QVERIFY(!site.hint.isEmpty());
    }

    void discover_mkdocsProblems_areWarningsNotFailures()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString root = dir.path();
        QVERIFY(writeFile(root + QStringLiteral("/a/catalog-info.yaml"), component(QStringLiteral("a"), QStringLiteral("dir:."))));
        QVERIFY(writeFile(root + QStringLiteral("/a/mkdocs.yml"),
                          "site_name: A\ndocs_dir: ../../../etc\nnav:\n  - Home: index.md\n  - Gone: gone.md\n"
                          "  - Out: ../../../../etc/passwd\n  - 42\n"));
        QVERIFY(writeFile(root + QStringLiteral("/a/docs/index.md"), "# Home\n"));
        const DocsSite site = discoverDocs(root + QStringLiteral("/a/catalog-info.yaml"), root,
                                           docsReferenceOf(entityWith(QStringLiteral("backstage.io/techdocs-ref"),
                                                                      QStringLiteral("dir:."))));
        QVERIFY(site.found());
        // docs_dir leaves the source: the default docs folder is used.
        QCOMPARE(site.docsDir, QDir::cleanPath(root + QStringLiteral("/a/docs")));
        QCOMPARE(navSummary(site),
                 QStringList({QStringLiteral("Home -> index.md"), QStringLiteral("Gone -> gone.md (missing)")}));
        const QString warnings = site.warnings.join(QLatin1Char('\n'));
        QVERIFY2(warnings.contains(QStringLiteral("docs_dir ../../../etc is not read")), qPrintable(warnings));
        QVERIFY2(warnings.contains(QStringLiteral("mkdocs.yml line 5: nav names gone.md")), qPrintable(warnings));
        QVERIFY2(warnings.contains(QStringLiteral("mkdocs.yml line 6: nav entry ../../../../etc/passwd is not shown")),
                 qPrintable(warnings));
        QVERIFY2(warnings.contains(QStringLiteral("mkdocs.yml line 7")), qPrintable(warnings));

        // Broken YAML: the pages are listed by name instead.
        QVERIFY(writeFile(root + QStringLiteral("/a/mkdocs.yml"), "site_name: A\nnav:\n  - Home: index.md\n - x\n"));
        QVERIFY(writeFile(root + QStringLiteral("/a/docs/guide/setup.md"), "Setup text without a heading\n"));
        const DocsSite listed = discoverDocs(root + QStringLiteral("/a/catalog-info.yaml"), root,
                                             docsReferenceOf(entityWith(QStringLiteral("backstage.io/techdocs-ref"),
                                                                        QStringLiteral("dir:."))));
        QVERIFY(listed.found());
        QVERIFY(listed.warnings.join(QLatin1Char('\n')).contains(QStringLiteral("mkdocs.yml line 4")));
        QCOMPARE(navSummary(listed),
                 QStringList({QStringLiteral("Home -> index.md"), QStringLiteral("Guide"),
                              QStringLiteral("  Setup -> guide/setup.md")}));
    }

    void discover_symlinkOutOfTheSource_isRefused()
    {
        QTemporaryDir outside;
        QTemporaryDir dir;
        QVERIFY(outside.isValid() && dir.isValid());
        QVERIFY(writeFile(outside.path() + QStringLiteral("/docs/index.md"), "# Secret\n"));
        QVERIFY(writeFile(outside.path() + QStringLiteral("/secret.md"), "# Secret page\n"));
        const QString root = dir.path();
        QVERIFY(writeFile(root + QStringLiteral("/a/catalog-info.yaml"), component(QStringLiteral("a"), QStringLiteral("dir:."))));
        // docs/ is a link to a folder outside the source.
        QVERIFY(QFile::link(outside.path() + QStringLiteral("/docs"), root + QStringLiteral("/a/docs")));
        const DocsReference ref = docsReferenceOf(entityWith(QStringLiteral("backstage.io/techdocs-ref"), QStringLiteral("dir:.")));
        const DocsSite site = discoverDocs(root + QStringLiteral("/a/catalog-info.yaml"), root, ref);
        QVERIFY(!site.found());

        // A page that is a link to a file outside: listed by nobody, refused when read.
        QVERIFY(writeFile(root + QStringLiteral("/b/docs/index.md"), "# B\n\n[secret](secret.md)\n"));
        QVERIFY(QFile::link(outside.path() + QStringLiteral("/secret.md"), root + QStringLiteral("/b/docs/secret.md")));
        const DocsSite b = discoverDocs(root + QStringLiteral("/b/catalog-info.yaml"), root, ref);
        QVERIFY(b.found());
        const DocsLink link = resolveDocsLink(b, b.homePage, QStringLiteral("secret.md"));
        QCOMPARE(link.kind, DocsLink::Kind::Page);
        const DocsPage page = readDocsPage(b, link.path);
        QVERIFY(!page.ok());
        QVERIFY2(page.error.contains(QStringLiteral("symbolic link")), qPrintable(page.error));
        QVERIFY(page.markdown.isEmpty());

        // The techdocs-ref folder itself as a link out.
        QVERIFY(QFile::link(outside.path(), root + QStringLiteral("/c")));
        const DocsSite c = discoverDocs(root + QStringLiteral("/b/catalog-info.yaml"), root,
                                        docsReferenceOf(entityWith(QStringLiteral("backstage.io/techdocs-ref"),
                                                                   QStringLiteral("dir:../c"))));
        QVERIFY(!c.found());
        QVERIFY2(c.message.contains(QStringLiteral("symbolic link")), qPrintable(c.message));
    }

    void readPage_withImages_readsThemFromDisk()
    {
        const DocsSite site = discoverFor("component:default/checkout");
        const DocsPage page = readDocsPage(site, site.docsDir + QStringLiteral("/architecture.md"));
        QVERIFY2(page.ok(), qPrintable(page.error));
        QCOMPARE(page.title, QStringLiteral("Architecture"));
        QCOMPARE(page.relative, QStringLiteral("architecture.md"));
        QVERIFY(page.markdown.contains(QStringLiteral("## Configuration")));
        QCOMPARE(page.images.size(), 1);
        QCOMPARE(page.images[0].reference, QStringLiteral("images/flow.png"));
        QVERIFY(page.images[0].error.isEmpty());
        QVERIFY(page.images[0].bytes.startsWith("\x89PNG"));
        QVERIFY(!page.truncated);

        // Front matter is not shown; its title is the page's.
        const DocsPage rollback = readDocsPage(site, site.docsDir + QStringLiteral("/runbooks/rollback.md"));
        QCOMPARE(rollback.title, QStringLiteral("Rolling back"));
        QVERIFY(rollback.markdown.startsWith(QStringLiteral("\nRoll back first")));
    }

    void readPage_largePage_isCutWithAFlag()
    {
        const DocsSite site = discoverFor("component:default/checkout");
        DocsOptions options;
        options.maxPageBytes = 200;
        const DocsPage page = readDocsPage(site, site.homePage, options);
        QVERIFY(page.ok());
        QVERIFY(page.truncated);
        QVERIFY(page.markdown.size() <= 200);
        QVERIFY(page.markdown.endsWith(QLatin1Char('\n')));
        QVERIFY(page.size > 200);
    }

    void readPage_folderAndExtensionlessLinks_findTheMarkdown_data()
    {
        QTest::addColumn<QString>("href");
        QTest::addColumn<QString>("expected");
        QTest::addRow("sibling") << "deploy.md" << "runbooks/deploy.md";
        QTest::addRow("no extension") << "rollback" << "runbooks/rollback.md";
        QTest::addRow("folder url") << "../architecture/" << "architecture.md";
        QTest::addRow("parent folder") << "../" << "index.md";
        QTest::addRow("site absolute") << "/runbooks/deploy.md#rolling-out" << "runbooks/deploy.md";
    }
    void readPage_folderAndExtensionlessLinks_findTheMarkdown()
    {
        QFETCH(QString, href);
        QFETCH(QString, expected);
        const DocsSite site = discoverFor("component:default/checkout");
        const DocsLink link = resolveDocsLink(site, site.docsDir + QStringLiteral("/runbooks/deploy.md"), href);
        QCOMPARE(link.kind, DocsLink::Kind::Page);
        const DocsPage page = readDocsPage(site, link.path);
        QVERIFY2(page.ok(), qPrintable(page.error));
        QCOMPARE(page.relative, expected);
    }

    void resolveLink_kinds_data()
    {
        QTest::addColumn<QString>("href");
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("fragment");
        QTest::addRow("page") << "architecture.md" << int(DocsLink::Kind::Page) << "architecture.md" << "";
        QTest::addRow("page fragment") << "runbooks/deploy.md#rolling-out" << int(DocsLink::Kind::Page)
                                       << "runbooks/deploy.md" << "rolling-out";
        QTest::addRow("encoded") << "runbooks/my%20page.md" << int(DocsLink::Kind::Page) << "runbooks/my page.md" << "";
        QTest::addRow("anchor") << "#service-level" << int(DocsLink::Kind::Anchor) << "" << "service-level";
        QTest::addRow("external") << "https://example.com/x" << int(DocsLink::Kind::External) << "" << "";
        QTest::addRow("mailto") << "mailto:payments@acme.example" << int(DocsLink::Kind::External) << "" << "";
        QTest::addRow("image file") << "images/flow.png" << int(DocsLink::Kind::File) << "images/flow.png" << "";
        QTest::addRow("escape") << "../../../../../etc/passwd" << int(DocsLink::Kind::Refused) << "" << "";
        QTest::addRow("script") << "javascript:alert(1)" << int(DocsLink::Kind::Refused) << "" << "";
        QTest::addRow("file scheme") << "file:///etc/passwd" << int(DocsLink::Kind::Refused) << "" << "";
        QTest::addRow("empty") << "  " << int(DocsLink::Kind::Invalid) << "" << "";
    }
    void resolveLink_kinds()
    {
        QFETCH(QString, href);
        QFETCH(int, kind);
        QFETCH(QString, path);
        QFETCH(QString, fragment);
        const DocsSite site = discoverFor("component:default/checkout");
        const DocsLink link = resolveDocsLink(site, site.homePage, href);
        QCOMPARE(int(link.kind), kind);
        if (!path.isEmpty())
            QCOMPARE(link.path, site.docsDir + QLatin1Char('/') + path);
        QCOMPARE(link.fragment, fragment);
        if (link.kind == DocsLink::Kind::External)
            QCOMPARE(link.url, href);
        if (link.kind == DocsLink::Kind::Refused || link.kind == DocsLink::Kind::Invalid)
            QVERIFY(!link.problem.isEmpty());
    }

    void headingAnchor_likeMkDocs_data()
    {
        QTest::addColumn<QString>("heading");
        QTest::addColumn<QString>("anchor");
        QTest::addRow("words") << "Rolling out" << "rolling-out";
        QTest::addRow("punctuation") << "Set up: the CLI (v2)" << "set-up-the-cli-v2";
        QTest::addRow("accents") << QStringLiteral("Caf\u00e9 & Co.") << "cafe-co";
        QTest::addRow("hyphens") << "  a -- b  " << "a-b";
        QTest::addRow("underscore") << "snake_case name" << "snake_case-name";
    }
    void headingAnchor_likeMkDocs()
    {
        QFETCH(QString, heading);
        QFETCH(QString, anchor);
        QCOMPARE(headingAnchor(heading), anchor);
    }

    void imageReferences_findLocalImagesOnly()
    {
        const QString md = QStringLiteral(
            "![a](one.png)\n![b](<two words.png> \"title\")\n![c](https://example.com/x.png)\n"
            "<img alt=\"d\" src=\"three.svg\" width=\"10\">\n![e][logo]\n\n[logo]: img/logo.png\n![f](one.png)\n"
            "![g](data:image/png;base64,AAAA)\n");
        QCOMPARE(imageReferences(md),
                 QStringList({QStringLiteral("one.png"), QStringLiteral("two words.png"), QStringLiteral("three.svg"),
                              QStringLiteral("img/logo.png")}));
    }

    void readPage_imagesOutsideOrTooLarge_areNotRead()
    {
        QTemporaryDir outside;
        QTemporaryDir dir;
        QVERIFY(writeFile(outside.path() + QStringLiteral("/x.png"), "\x89PNGsecret"));
        const QString root = dir.path();
        QVERIFY(writeFile(root + QStringLiteral("/docs/index.md"),
                          "# I\n![out](../../x.png)\n![link](link.png)\n![big](big.png)\n![ok](ok.png)\n"));
        QVERIFY(QFile::link(outside.path() + QStringLiteral("/x.png"), root + QStringLiteral("/docs/link.png")));
        QVERIFY(writeFile(root + QStringLiteral("/docs/big.png"), QByteArray(3000, 'x')));
        QVERIFY(writeFile(root + QStringLiteral("/docs/ok.png"), "\x89PNGok"));
        const DocsSite site = discoverDocs(root + QStringLiteral("/catalog-info.yaml"), root, {});
        QVERIFY(site.found());
        DocsOptions options;
        options.maxImageBytes = 1000;
        const DocsPage page = readDocsPage(site, site.homePage, options);
        QCOMPARE(page.images.size(), 4);
        QVERIFY(page.images[0].bytes.isEmpty());
        QVERIFY2(page.images[0].error.contains(QStringLiteral("outside")), qPrintable(page.images[0].error));
        QVERIFY(page.images[1].bytes.isEmpty());
        QVERIFY2(page.images[1].error.contains(QStringLiteral("symbolic link")), qPrintable(page.images[1].error));
        QVERIFY(page.images[2].bytes.isEmpty());
        QVERIFY(page.images[2].error.contains(QStringLiteral("larger than")));
        QCOMPARE(page.images[3].bytes, QByteArray("\x89PNGok"));
    }

    void locate_folderSource_givesPathAndSourceRoot()
    {
        const int i = m_catalog->indexOf(u"component:default/checkout");
        QVERIFY(i >= 0);
        const EntityFile f = locateEntityFile(*m_catalog, i, {folderSpec(dataDir())}, QString());
        QVERIFY2(f.hasFile(), qPrintable(f.problem));
        QCOMPARE(f.path, m_checkoutFile);
        QCOMPARE(f.root, dataDir());
        QVERIFY(!f.remote);
        // Without the workspace's sources the file's own folder is the limit.
        const EntityFile bare = locateEntityFile(*m_catalog, i, {}, QString());
        QCOMPARE(bare.path, m_checkoutFile);
        QCOMPARE(bare.root, dataDir() + QStringLiteral("/components/checkout"));
    }

    void locate_gitSource_findsTheCloneUnderTheCache()
    {
        QTemporaryDir cache;
        QVERIFY(cache.isValid());
        const QString url = QStringLiteral("https://git.acme.example/shop/monorepo.git");
        const QString worktree = Flightdeck::Sources::GitMirror::cacheDirectory(cache.path(), url);
        const QString inRepo = QStringLiteral("services/checkout/catalog-info.yaml");
        QVERIFY(writeFile(worktree + QLatin1Char('/') + inRepo, component(QStringLiteral("checkout"), QStringLiteral("dir:."))));
        QVERIFY(writeFile(worktree + QStringLiteral("/services/checkout/docs/index.md"), "# Checkout in git\n"));

        CatalogSourceSpec spec;
        spec.name = QStringLiteral("monorepo");
        spec.type = CatalogSourceSpec::Type::Git;
        spec.url = url;

        // As the git source reads it: files named "<url>#<path>", read from the clone.
        Flightdeck::Sources::LocalTreeOptions options;
        options.displayName = [&](const QString& path) -> QString {
            QString name = url;
            name += QLatin1Char('#');
            name += QDir(worktree).relativeFilePath(path);
            return name;
        };
        options.locationType = QStringLiteral("url");
        const Flightdeck::Sources::SourceLoad load = Flightdeck::Sources::loadLocalTree(
            spec, worktree, {worktree + QLatin1Char('/') + inRepo}, options);
        Catalog::BuildInput input;
        input.files = load.files;
        const CatalogPtr catalog = Catalog::build(input);
        const int i = catalog->indexOf(u"component:default/checkout");
        QVERIFY(i >= 0);
        QCOMPARE(catalog->entity(i).location.file, url + QLatin1Char('#') + inRepo);

        const EntityFile f = locateEntityFile(*catalog, i, {spec}, cache.path());
        QCOMPARE(f.path, QDir::cleanPath(worktree + QLatin1Char('/') + inRepo));
        QCOMPARE(f.root, QDir::cleanPath(worktree));
        const DocsSite site = discoverDocs(f.path, f.root, docsReferenceOf(catalog->entity(i)));
        QVERIFY2(site.found(), qPrintable(site.message));
        QCOMPARE(readDocsPage(site, site.homePage).title, QStringLiteral("Checkout in git"));
        const TextFile text = readTextFile(f.path, f.root);
        QVERIFY(text.ok());
        QVERIFY(text.bytes.contains("name: checkout"));

        // A snapshot whose file list lacks the local path (e.g. restored elsewhere): the cache is asked.
        Catalog::BuildInput stripped;
        stripped.files = load.files;
        for (FileLoad& fl : stripped.files)
            fl.path.clear();
        const CatalogPtr restored = Catalog::build(stripped);
        const EntityFile g = locateEntityFile(*restored, restored->indexOf(u"component:default/checkout"), {spec},
                                              cache.path());
        QCOMPARE(g.path, f.path);
        QCOMPARE(g.root, f.root);
        // Without the source list the URL in the name is enough.
        const EntityFile h = locateEntityFile(*restored, restored->indexOf(u"component:default/checkout"), {},
                                              cache.path());
        QCOMPARE(h.path, f.path);
    }

    void locate_remoteAndEscapingNames_giveNoFile()
    {
        LoadContext ctx;
        ctx.sourceName = QStringLiteral("remote");
        ctx.file = QStringLiteral("https://git.acme.example/x.git#../../../etc/catalog-info.yaml");
        FileLoad escaping = loadCatalogFile(component(QStringLiteral("esc"), QStringLiteral("dir:.")), ctx);
        escaping.file = ctx.file;
        LoadContext bctx;
        bctx.sourceName = QStringLiteral("backstage");
        bctx.file = QStringLiteral("backstage+http://127.0.0.1:7007/api/catalog");
        FileLoad remote = loadCatalogFile(component(QStringLiteral("far"), QStringLiteral("dir:.")), bctx);
        remote.file = bctx.file;
        Catalog::BuildInput input;
        input.files = {escaping, remote};
        const CatalogPtr catalog = Catalog::build(input);

        const EntityFile e = locateEntityFile(*catalog, catalog->indexOf(u"component:default/esc"), {}, QStringLiteral("/cache"));
        QVERIFY(!e.hasFile());
        QVERIFY2(e.problem.contains(QStringLiteral("outside the clone")), qPrintable(e.problem));

        CatalogSourceSpec backstage;
        backstage.name = QStringLiteral("backstage");
        backstage.type = CatalogSourceSpec::Type::Backstage;
        const EntityFile r = locateEntityFile(*catalog, catalog->indexOf(u"component:default/far"), {backstage}, {});
        QVERIFY(!r.hasFile());
        QVERIFY(r.remote);
        const QByteArray yaml = entityDocumentYaml(catalog->entity(catalog->indexOf(u"component:default/far")));
        QVERIFY2(yaml.contains("kind: Component\n"), yaml.constData());
        QVERIFY(yaml.contains("  name: far\n"));
    }

    void readTextFile_capsRefusesAndExplains()
    {
        QTemporaryDir dir;
        const QString root = dir.path();
        QVERIFY(writeFile(root + QStringLiteral("/a.yaml"), "line one\nline two\nline three\n"));
        QVERIFY(writeFile(root + QStringLiteral("/bin.dat"), QByteArray("abc\0def", 7)));
        const TextFile cut = readTextFile(root + QStringLiteral("/a.yaml"), root, 14);
        QVERIFY(cut.ok());
        QVERIFY(cut.truncated);
        QCOMPARE(cut.bytes, QByteArray("line one\n"));
        QCOMPARE(cut.size, 29);
        QVERIFY(readTextFile(root + QStringLiteral("/bin.dat"), root).error.contains(QStringLiteral("not a text file")));
        QVERIFY(readTextFile(root + QStringLiteral("/none.yaml"), root).error.contains(QStringLiteral("does not exist")));
        QVERIFY(readTextFile(root, root).error.contains(QStringLiteral("folder")));
        QVERIFY(readTextFile(QStringLiteral("/etc/hostname"), root).error.contains(QStringLiteral("outside")));
        QVERIFY(readTextFile(root + QStringLiteral("/../x"), root).error.contains(QStringLiteral("outside")));
    }

    void isPathInside_isLexicalAndExact_data()
    {
        QTest::addColumn<QString>("root");
        QTest::addColumn<QString>("path");
        QTest::addColumn<bool>("inside");
        QTest::addRow("same") << "/a/b" << "/a/b" << true;
        QTest::addRow("child") << "/a/b" << "/a/b/c.md" << true;
        QTest::addRow("dotdot") << "/a/b" << "/a/b/../c" << false;
        QTest::addRow("prefix trick") << "/a/b" << "/a/bc/d" << false;
        QTest::addRow("trailing slash") << "/a/b/" << "/a/b/c" << true;
        QTest::addRow("empty root") << "" << "/a" << false;
    }
    void isPathInside_isLexicalAndExact()
    {
        QFETCH(QString, root);
        QFETCH(QString, path);
        QFETCH(bool, inside);
        QCOMPARE(isPathInside(root, path), inside);
    }

    void prepareMarkdown_admonitionsBecomeQuotes_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("expected");
        QTest::addRow("typed") << "Intro\n!!! note\n    Body one\n\n    Body two\nAfter\n"
                               << "Intro\n\n> **Note**\n>\n> Body one\n>\n> Body two\n\nAfter\n";
        QTest::addRow("titled") << "??? warning \"Mind the gap\"\n    Careful.\n"
                                << "> **Mind the gap**\n>\n> Careful.\n\n";
        QTest::addRow("no title") << "!!! tip \"\"\n    Quiet.\n" << "> Quiet.\n\n";
        QTest::addRow("in code") << "```\n!!! note\n    kept\n```\n" << "```\n!!! note\n    kept\n```\n";
        QTest::addRow("toc") << "[TOC]\n# A\n" << "# A\n";
    }
    void prepareMarkdown_admonitionsBecomeQuotes()
    {
        QFETCH(QString, input);
        QFETCH(QString, expected);
        QCOMPARE(prepareMarkdown(input), expected);
    }

    void documentEndLine_stopsBeforeTheNextDocument_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<int>("start");
        QTest::addColumn<int>("end");
        const QByteArray two = "a: 1\nb: 2\n---\nc: 3\n...\n---\nd: 4\n";
        QTest::addRow("first") << two << 1 << 2;
        QTest::addRow("second") << two << 4 << 4;
        QTest::addRow("last") << two << 7 << 7;
        QTest::addRow("marker with comment") << QByteArray("a: 1\n--- # next\nb: 2") << 1 << 1;
        QTest::addRow("not a marker") << QByteArray("a: 1\n----\nb: 2") << 1 << 3;
    }
    void documentEndLine_stopsBeforeTheNextDocument()
    {
        QFETCH(QByteArray, text);
        QFETCH(int, start);
        QFETCH(int, end);
        QCOMPARE(documentEndLine(text, start), end);
    }

    void diagnosticsOfFile_areSortedByLine()
    {
        const QString file = dataDir() + QStringLiteral("/components/inventory/catalog-info.yaml");
        const QList<int> indexes = diagnosticsOfFile(*m_catalog, file);
        QVERIFY(indexes.size() >= 3);
        int last = -1;
        bool error = false, warning = false;
        for (int i : indexes) {
            const Diagnostic& d = m_catalog->diagnostics()[i];
            QCOMPARE(d.file, file);
            QVERIFY(d.line >= last);
            last = d.line;
            error = error || d.isError();
            warning = warning || !d.isError();
        }
        QVERIFY(error && warning);
    }
};

QTEST_GUILESS_MAIN(tst_EntityDocs)
#include "tst_entitydocs.moc"
