// SPDX-License-Identifier: Apache-2.0
// The API, Docs and Source tabs of the entity page, driven through their real widgets on a catalog
// read from tests/data/entitytabs: operations that jump to their line, relations that navigate,
// docs with mkdocs nav, links and images, a catalog file with its problems, light and dark.
#include "appcontext.h"
#include "entity/apitab.h"
#include "entity/docstab.h"
#include "entity/sourcetab.h"
#include "navigation.h"
#include "widgets/codeview.h"
#include "widgets/codeviewparts.h"
#include "icons.h"

#include "catalog/apidefinition.h"
#include "catalog/catalog.h"
#include "catalog/catalogservice.h"
#include "catalog/entitysource.h"
#include "catalog/loader.h"
#include "secrets/memorysecretstore.h"
#include "sources/sourceload.h"
#include "workspace/workspace.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QClipboard>
#include <QDesktopServices>
#include <QDir>
#include <QFile>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QScrollBar>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStyle>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>
#include <QTextDocument>
#include <QTextFrame>
#include <QTextLayout>
#include <QTextTable>
#include <QToolButton>
#include <QTreeView>
#include <QTreeWidget>

using namespace Flightdeck;
using namespace Flightdeck::Views;

namespace {

QString dataDir() { return QDir::cleanPath(QStringLiteral(FLIGHTDECK_TEST_DATA "/entitytabs")); }

QByteArray readFile(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QPalette darkPalette()
{
    QPalette p = QApplication::style()->standardPalette();
    const QColor window(0x26, 0x28, 0x2c), base(0x1d, 0x1f, 0x22), text(0xe6, 0xe6, 0xe6);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0x24, 0x26, 0x2a));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0x2e, 0x31, 0x36));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::Link, QColor(0x6c, 0xb6, 0xff));
    p.setColor(QPalette::Highlight, QColor(0x2f, 0x6f, 0xc4));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::PlaceholderText, QColor(0x9a, 0x9d, 0xa3));
    p.setColor(QPalette::Mid, QColor(0x3a, 0x3d, 0x42));
    p.setColor(QPalette::Dark, QColor(0x15, 0x16, 0x18));
    p.setColor(QPalette::Light, QColor(0x44, 0x47, 0x4d));
    p.setColor(QPalette::Midlight, QColor(0x36, 0x39, 0x3e));
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, QColor(0x7a, 0x7d, 0x82));
    return p;
}

// Leaf rows (operations and types) under the proxy's groups.
QStringList visibleItems(const QAbstractItemModel* model)
{
    QStringList out;
    for (int g = 0; g < model->rowCount(); ++g) {
        const QModelIndex group = model->index(g, 0);
        for (int r = 0; r < model->rowCount(group); ++r)
            out << model->index(r, 0, group).data().toString();
    }
    return out;
}

QModelIndex findItem(const QAbstractItemModel* model, int role, const QString& value)
{
    for (int g = 0; g < model->rowCount(); ++g) {
        const QModelIndex group = model->index(g, 0);
        for (int r = 0; r < model->rowCount(group); ++r) {
            const QModelIndex i = model->index(r, 0, group);
            if (i.data(role).toString() == value)
                return i;
        }
    }
    return {};
}

QStringList groupTitles(const QAbstractItemModel* model)
{
    QStringList out;
    for (int g = 0; g < model->rowCount(); ++g)
        out << model->index(g, 0).data().toString();
    return out;
}

// A QTextCursor inside the first anchor with this href.
QTextCursor anchorCursor(QTextDocument* doc, const QString& href)
{
    for (QTextBlock b = doc->begin(); b.isValid(); b = b.next()) {
        for (auto it = b.begin(); !it.atEnd(); ++it) {
            const QTextFragment f = it.fragment();
            if (f.charFormat().isAnchor() && f.charFormat().anchorHref() == href) {
                QTextCursor c(doc);
                c.setPosition(f.position() + f.length() / 2);
                return c;
            }
        }
    }
    return {};
}

QTextTable* tableContaining(QTextDocument* doc, const QString& text)
{
    QList<QTextFrame*> frames {doc->rootFrame()};
    while (!frames.isEmpty()) {
        QTextFrame* f = frames.takeFirst();
        frames += f->childFrames();
        if (auto* t = qobject_cast<QTextTable*>(f)) {
            QTextCursor c(doc);
            c.setPosition(t->firstPosition());
            c.setPosition(t->lastPosition(), QTextCursor::KeepAnchor);
            if (c.selectedText().contains(text))
                return t;
        }
    }
    return nullptr;
}

// The colour the highlighter gave to the first occurrence of word on a line.
QColor colorAt(CodeView* view, int line, const QString& word)
{
    const QTextBlock block = view->document()->findBlockByNumber(line - 1);
    const int at = int(block.text().indexOf(word));
    if (at < 0 || !block.layout())
        return {};
    for (const QTextLayout::FormatRange& r : block.layout()->formats())
        if (at >= r.start && at < r.start + r.length)
            return r.format.foreground().color();
    return {};
}

} // namespace

class UrlRecorder : public QObject
{
    Q_OBJECT
public:
    QList<QUrl> urls;
public Q_SLOTS:
    void open(const QUrl& url) { urls << url; }
};

class tst_EntityTabs : public QObject
{
    Q_OBJECT

private:
    Catalog::CatalogPtr m_catalog;
    Navigator m_navigator;
    AppContext m_context;
    UrlRecorder m_urls;

    int indexOf(const char* key) const { return m_catalog->indexOf(QString::fromLatin1(key)); }

    static void shoot(QWidget* widget, const QString& name)
    {
        const QString dir = qEnvironmentVariable("FLIGHTDECK_SCREENSHOTS");
        if (dir.isEmpty())
            return;
        QDir().mkpath(dir);
        widget->grab().save(dir + QLatin1Char('/') + name + QStringLiteral(".png"));
    }

    bool showApi(ApiTab& tab, const char* key)
    {
        QSignalSpy shown(&tab, &ApiTab::definitionShown);
        tab.setEntity(m_catalog, indexOf(key));
        return shown.wait(10000) && !tab.isLoading();
    }
    bool showSource(SourceTab& tab, int entity)
    {
        QSignalSpy shown(&tab, &SourceTab::sourceShown);
        tab.setEntity(m_catalog, entity);
        return shown.wait(10000) && !tab.isLoading();
    }
    bool showDocs(DocsTab& tab, const char* key)
    {
        QSignalSpy shown(&tab, &DocsTab::pageShown);
        QSignalSpy none(&tab, &DocsTab::noDocs);
        tab.setEntity(m_catalog, indexOf(key));
        return QTest::qWaitFor([&] { return !shown.isEmpty() || !none.isEmpty(); }, 10000) && !tab.isLoading();
    }
    static bool waitForPage(DocsTab& tab, const QString& suffix)
    {
        return QTest::qWaitFor([&] { return !tab.isLoading() && tab.currentPage().endsWith(suffix); }, 10000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QApplication::setStyle(QStringLiteral("Fusion"));
        QApplication::setPalette(QApplication::style()->standardPalette());
        Sources::CatalogSourceSpec spec;
        spec.name = QStringLiteral("tabs");
        spec.type = Sources::CatalogSourceSpec::Type::Directory;
        spec.path = dataDir();
        const Sources::SourceLoad load = Sources::loadLocalSource(spec, {});
        Catalog::Catalog::BuildInput input;
        input.files = load.files;
        input.extraDiagnostics = load.diagnostics;
        m_catalog = Catalog::Catalog::build(input);
        QVERIFY(indexOf("api:default/payments-api") >= 0);
        QVERIFY(indexOf("component:default/checkout") >= 0);
        m_context.navigator = &m_navigator;
        QDesktopServices::setUrlHandler(QStringLiteral("https"), &m_urls, "open");
        QDesktopServices::setUrlHandler(QStringLiteral("file"), &m_urls, "open");
    }

    void cleanupTestCase()
    {
        QDesktopServices::unsetUrlHandler(QStringLiteral("https"));
        QDesktopServices::unsetUrlHandler(QStringLiteral("file"));
    }

    void init() { m_urls.urls.clear(); }

    // --- API ---------------------------------------------------------------------------------------

    void apiTab_appliesToApisOnly()
    {
        ApiTab tab(m_context);
        QVERIFY(tab.appliesTo(*m_catalog, indexOf("api:default/payments-api")));
        QVERIFY(!tab.appliesTo(*m_catalog, indexOf("component:default/checkout")));
        QCOMPARE(tab.iconName(), QStringLiteral("plug"));
    }

    void apiTab_openApi_listsOperationsThatJumpToTheirLine()
    {
        ApiTab tab(m_context);
        QAbstractItemModelTester sourceTester(tab.operationModel());
        QAbstractItemModelTester proxyTester(tab.filteredModel());
        tab.resize(1280, 800);
        tab.show();
        QVERIFY(QTest::qWaitForWindowExposed(&tab));
        QVERIFY(showApi(tab, "api:default/payments-api"));

        const QByteArray file = readFile(dataDir() + QStringLiteral("/apis/payments/openapi.yaml"));
        QCOMPARE(tab.codeView()->toPlainText(), QString::fromUtf8(file));
        QCOMPARE(tab.codeView()->language(), CodeLanguage::Yaml);
        QCOMPARE(tab.definition().title, QStringLiteral("Payments API"));
        QCOMPARE(groupTitles(tab.filteredModel()),
                 QStringList({QStringLiteral("payments"), QStringLiteral("refunds"), QStringLiteral("webhooks"),
                              QStringLiteral("Other operations"), QStringLiteral("Schemas")}));
        QCOMPARE(visibleItems(tab.filteredModel()).size(), 12 + 8);
        QVERIFY(!tab.notice()->isVisible());

        // Typing filters on every word.
        QTest::keyClicks(tab.filterEdit(), QStringLiteral("post refund"));
        QCOMPARE(visibleItems(tab.filteredModel()), QStringList {QStringLiteral("POST /payments/{paymentId}/refunds")});
        tab.filterEdit()->clear();
        QTest::keyClicks(tab.filterEdit(), QStringLiteral("deprecated"));
        QCOMPARE(visibleItems(tab.filteredModel()), QStringList {QStringLiteral("POST /charges")});
        // A group title keeps its whole group.
        tab.filterEdit()->clear();
        QTest::keyClicks(tab.filterEdit(), QStringLiteral("webhooks"));
        QCOMPARE(visibleItems(tab.filteredModel()).size(), 3);
        tab.filterEdit()->clear();
        QTest::keyClicks(tab.filterEdit(), QStringLiteral("zzz-nothing"));
        QCOMPARE(tab.filteredModel()->rowCount(), 0);
        tab.filterEdit()->clear();

        // Clicking an operation scrolls the code to its definition.
        const QModelIndex refund = findItem(tab.filteredModel(), ApiTab::OperationIdRole, QStringLiteral("createRefund"));
        QVERIFY(refund.isValid());
        const int line = refund.data(ApiTab::LineRole).toInt();
        QCOMPARE(QString::fromUtf8(file.split('\n')[line - 1]).trimmed(), QStringLiteral("post:"));
        tab.operationView()->scrollTo(refund);
        const QRect rect = tab.operationView()->visualRect(refund);
        QVERIFY(rect.isValid());
        QTest::mouseClick(tab.operationView()->viewport(), Qt::LeftButton, {}, rect.center());
        QCOMPARE(tab.codeView()->targetLine(), line);
        QCOMPARE(tab.codeView()->cursorLine(), line);
        QVERIFY(tab.codeView()->firstVisibleLine() <= line);
        QVERIFY(tab.codeView()->firstVisibleLine() >= line - 5);

        // Keyboard: the row above (listRefunds; createRefund is the last of its group) is another
        // operation, and the code follows.
        QTest::keyClick(tab.operationView(), Qt::Key_Up);
        QCOMPARE(tab.operationView()->currentIndex().data(ApiTab::OperationIdRole).toString(), QStringLiteral("listRefunds"));
        const int next = tab.operationView()->currentIndex().data(ApiTab::LineRole).toInt();
        QVERIFY(next > 0 && next != line);
        QCOMPARE(tab.codeView()->targetLine(), next);

        // setArgument selects by operationId, "METHOD /path" or line.
        tab.setArgument(QStringLiteral("createCharge"));
        QCOMPARE(tab.operationView()->currentIndex().data(ApiTab::OperationIdRole).toString(),
                 QStringLiteral("createCharge"));
        tab.setArgument(QStringLiteral("get /payments/{paymentId}"));
        QCOMPARE(tab.operationView()->currentIndex().data(ApiTab::OperationIdRole).toString(), QStringLiteral("getPayment"));
        tab.setArgument(QStringLiteral("200"));
        QCOMPARE(tab.codeView()->targetLine(), 200);

        shoot(&tab, QStringLiteral("api-openapi-light"));
    }

    void apiTab_relations_navigateToComponents()
    {
        ApiTab tab(m_context);
        tab.resize(1280, 800);
        tab.show();
        QVERIFY(showApi(tab, "api:default/payments-api"));
        QStringList names;
        for (QToolButton* b : tab.relationButtons())
            names << b->objectName();
        QCOMPARE(names,
                 QStringList({QStringLiteral("relation:component:default/checkout"),
                              QStringLiteral("relation:component:default/web-shop")}));
        QToolButton* checkout = tab.relationButtons().first();
        QCOMPARE(checkout->text(), QStringLiteral("Checkout"));
        QTest::mouseClick(checkout, Qt::LeftButton);
        QCOMPARE(m_navigator.current().toString(), QStringLiteral("entity:component:default/checkout"));
        QTest::mouseClick(tab.relationButtons().last(), Qt::LeftButton);
        QCOMPARE(m_navigator.current().toString(), QStringLiteral("entity:component:default/web-shop"));
    }

    void apiTab_brokenDefinition_showsTheErrorAndTheRawText()
    {
        ApiTab tab(m_context);
        tab.resize(1280, 800);
        tab.show();
        QVERIFY(showApi(tab, "api:default/broken-api"));
        QVERIFY(tab.notice()->isVisible());
        QCOMPARE(tab.notice()->kind(), NoticeBar::Kind::Error);
        QVERIFY2(tab.notice()->message().startsWith(QStringLiteral("Line 9:")), qPrintable(tab.notice()->message()));
        QVERIFY(tab.notice()->message().contains(QStringLiteral("not valid YAML")));
        const Catalog::EntityDefinitionText text = Catalog::definitionOf(m_catalog->entity(indexOf("api:default/broken-api")));
        QCOMPARE(tab.codeView()->toPlainText(), QString::fromUtf8(text.text));
        QCOMPARE(tab.codeView()->markers().size(), 1);
        QCOMPARE(tab.codeView()->markers().first().line, 9);
        QCOMPARE(tab.codeView()->targetLine(), 9);
        QVERIFY(!tab.codeView()->markerText(9).isEmpty());
        shoot(&tab, QStringLiteral("api-broken-light"));
    }

    void apiTab_otherFormats_listTheirOperations_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<int>("language");
        QTest::addColumn<QStringList>("groups");
        QTest::addColumn<QString>("first");
        QTest::addRow("graphql") << "api:default/catalog-graph" << int(CodeLanguage::GraphQl)
                                 << QStringList({QStringLiteral("Queries"), QStringLiteral("Mutations"),
                                                 QStringLiteral("Subscriptions"), QStringLiteral("Types")})
                                 << "QUERY product";
        QTest::addRow("grpc") << "api:default/greeter" << int(CodeLanguage::Protobuf)
                              << QStringList({QStringLiteral("Greeter"), QStringLiteral("Messages")})
                              << "RPC Greeter/SayHello";
        QTest::addRow("asyncapi") << "api:default/order-events" << int(CodeLanguage::Yaml)
                                  << QStringList({QStringLiteral("orders"), QStringLiteral("commands"),
                                                  QStringLiteral("shipping"), QStringLiteral("Channels"),
                                                  QStringLiteral("Messages"), QStringLiteral("Schemas")})
                                  << "SUBSCRIBE orders.created";
        QTest::addRow("swagger json") << "api:default/legacy-billing" << int(CodeLanguage::Json)
                                      << QStringList({QStringLiteral("invoices"), QStringLiteral("credit-notes"),
                                                      QStringLiteral("Schemas")})
                                      << "GET /invoices";
    }
    void apiTab_otherFormats_listTheirOperations()
    {
        QFETCH(QString, key);
        QFETCH(int, language);
        QFETCH(QStringList, groups);
        QFETCH(QString, first);
        ApiTab tab(m_context);
        tab.resize(1280, 800);
        tab.show();
        QVERIFY(showApi(tab, key.toLatin1().constData()));
        QCOMPARE(int(tab.codeView()->language()), language);
        QVERIFY(tab.codeView()->highlighter());
        QCOMPARE(groupTitles(tab.filteredModel()), groups);
        QCOMPARE(visibleItems(tab.filteredModel()).first(), first);
        QVERIFY2(tab.definition().ok(), qPrintable(tab.definition().error));
        shoot(&tab, QStringLiteral("api-") + QString::fromLatin1(QTest::currentDataTag()).replace(QLatin1Char(' '), QLatin1Char('-'))
                        + QStringLiteral("-light"));
    }

    void apiTab_highlighting_coloursTokensAndFollowsThePalette()
    {
        ApiTab tab(m_context);
        tab.resize(1280, 800);
        tab.show();
        QVERIFY(showApi(tab, "api:default/catalog-graph"));
        CodeView* code = tab.codeView();
        const CodeColors light = code->colors();
        QVERIFY(!light.dark);
        // Highlighting runs as soon as the event loop turns.
        QVERIFY(QTest::qWaitFor([&] { return colorAt(code, 11, QStringLiteral("type")).isValid(); }, 5000));
        // "type Product implements Node" on line 11: a keyword and a type name.
        QCOMPARE(colorAt(code, 11, QStringLiteral("type")), light.keyword);
        QCOMPARE(colorAt(code, 11, QStringLiteral("Product")), light.type);
        QCOMPARE(colorAt(code, 1, QStringLiteral("The product")), light.comment);

        tab.setPalette(darkPalette());
        QTest::qWait(0);
        const CodeColors dark = code->colors();
        QVERIFY(dark.dark);
        QVERIFY(dark.keyword != light.keyword);
        QCOMPARE(colorAt(code, 11, QStringLiteral("type")), dark.keyword);

        QVERIFY(showApi(tab, "api:default/payments-api"));
        QVERIFY(QTest::qWaitFor([&] { return colorAt(tab.codeView(), 1, QStringLiteral("openapi")).isValid(); }, 5000));
        // "openapi: 3.0.3": a key and a plain scalar.
        QCOMPARE(colorAt(tab.codeView(), 1, QStringLiteral("openapi")), dark.key);
        QCOMPARE(colorAt(tab.codeView(), 1, QStringLiteral("3.0.3")), dark.string);
        QCOMPARE(colorAt(tab.codeView(), 25, QStringLiteral("get")), dark.key);
    }

    void apiTab_noDefinition_explainsHowToAddOne()
    {
        // Backstage rejects such an API, but a snapshot from elsewhere may still hold one.
        Catalog::Entity e;
        e.apiVersion = QStringLiteral("backstage.io/v1alpha1");
        e.ref = Catalog::EntityRef {QStringLiteral("API"), QStringLiteral("default"), QStringLiteral("bare")};
        e.key = e.ref.key();
        e.document = "{\"apiVersion\":\"backstage.io/v1alpha1\",\"kind\":\"API\",\"metadata\":{\"name\":\"bare\"},"
                     "\"spec\":{\"type\":\"openapi\"}}";
        Catalog::FileLoad file;
        file.file = QStringLiteral("memory");
        file.entities << e;
        Catalog::Catalog::BuildInput input;
        input.files = {file};
        const Catalog::CatalogPtr catalog = Catalog::Catalog::build(input);
        ApiTab tab(m_context);
        tab.resize(1280, 800);
        tab.show();
        QSignalSpy shown(&tab, &ApiTab::definitionShown);
        tab.setEntity(catalog, catalog->indexOf(u"api:default/bare"));
        QVERIFY(shown.wait(10000));
        QVERIFY(!tab.codeView()->isVisible());
    }

    // --- Source ------------------------------------------------------------------------------------

    void sourceTab_showsTheFileWithItsProblems()
    {
        SourceTab tab(m_context);
        tab.resize(1280, 800);
        tab.show();
        QVERIFY(QTest::qWaitForWindowExposed(&tab));
        const int inventory = indexOf("component:default/inventory");
        QVERIFY(showSource(tab, inventory));
        const QString file = dataDir() + QStringLiteral("/components/inventory/catalog-info.yaml");
        QCOMPARE(tab.filePath(), file);
        QCOMPARE(tab.codeView()->toPlainText(), QString::fromUtf8(readFile(file)));
        QCOMPARE(tab.codeView()->language(), CodeLanguage::Yaml);
        QVERIFY(tab.openButton()->isVisible());

        // Every diagnostic of the file is listed, and those with a line are marked on it.
        const QList<int> diagnostics = Catalog::diagnosticsOfFile(*m_catalog, file);
        QVERIFY(diagnostics.size() >= 3);
        QCOMPARE(tab.problemList()->count(), diagnostics.size());
        int marked = 0;
        for (int i : diagnostics) {
            const Catalog::Diagnostic& d = m_catalog->diagnostics()[i];
            if (d.line > 0) {
                ++marked;
                QVERIFY2(tab.codeView()->markerText(d.line).contains(d.message), qPrintable(d.message));
            }
        }
        QCOMPARE(tab.codeView()->markers().size(), marked);

        // Clicking a problem jumps to its line.
        QListWidget* list = tab.problemList();
        QListWidgetItem* last = list->item(list->count() - 1);
        const QRect rect = list->visualItemRect(last);
        QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, rect.center());
        const Catalog::Diagnostic& lastDiagnostic = m_catalog->diagnostics()[diagnostics.last()];
        QCOMPARE(tab.codeView()->targetLine(), lastDiagnostic.line);

        // Copy path and open in editor.
        QTest::mouseClick(tab.copyButton(), Qt::LeftButton);
        QCOMPARE(QGuiApplication::clipboard()->text(), file);
        QTest::mouseClick(tab.openButton(), Qt::LeftButton);
        QCOMPARE(m_urls.urls, QList<QUrl> {QUrl::fromLocalFile(file)});
        shoot(&tab, QStringLiteral("source-light"));
    }

    void sourceTab_argument_jumpsToTheLine()
    {
        SourceTab tab(m_context);
        tab.resize(1280, 800);
        tab.show();
        // Asked before the file is read: applied once it is.
        QSignalSpy shown(&tab, &SourceTab::sourceShown);
        tab.setEntity(m_catalog, indexOf("api:default/payments-api"));
        tab.setArgument(QStringLiteral("12"));
        QVERIFY(shown.wait(10000));
        QCOMPARE(tab.codeView()->targetLine(), 12);
        // And after.
        tab.setArgument(QStringLiteral("3"));
        QCOMPARE(tab.codeView()->targetLine(), 3);
        tab.setArgument(QStringLiteral("not a line"));
        QCOMPARE(tab.codeView()->targetLine(), 3);
    }

    void sourceTab_multiDocumentFile_scrollsToTheEntitysDocument()
    {
        // A long file with the entity far down: the view starts at its document.
        QTemporaryDir dir;
        QByteArray text;
        for (int i = 0; i < 60; ++i)
            text += "---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-" + QByteArray::number(i)
                + "\nspec:\n  type: team\n  children: []\n";
        QFile f(dir.filePath(QStringLiteral("catalog-info.yaml")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(text);
        f.close();
        Sources::CatalogSourceSpec spec;
        spec.name = QStringLiteral("many");
        spec.type = Sources::CatalogSourceSpec::Type::Directory;
        spec.path = dir.path();
        Catalog::Catalog::BuildInput input;
        input.files = Sources::loadLocalSource(spec, {}).files;
        const Catalog::CatalogPtr catalog = Catalog::Catalog::build(input);
        const int team = catalog->indexOf(u"group:default/team-40");
        QVERIFY(team >= 0);
        const int start = catalog->entity(team).location.line;
        QVERIFY(start > 300);

        SourceTab tab(m_context);
        tab.resize(1280, 800);
        tab.show();
        QSignalSpy shown(&tab, &SourceTab::sourceShown);
        tab.setEntity(catalog, team);
        QVERIFY(shown.wait(10000));
        const int first = tab.codeView()->firstVisibleLine();
        QVERIFY2(first <= start && first >= start - 4, qPrintable(QString::number(first)));
        QCOMPARE(tab.codeView()->targetLine(), 0);
    }

    void sourceTab_remoteEntity_showsItsDocumentAsYaml()
    {
        Catalog::LoadContext ctx;
        ctx.sourceName = QStringLiteral("backstage");
        ctx.file = QStringLiteral("backstage+http://127.0.0.1:7007/api/catalog");
        Catalog::FileLoad remote = Catalog::loadCatalogFile(
            "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: far-away\n  description: Served by "
            "Backstage\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n",
            ctx);
        remote.file = ctx.file;
        Catalog::Catalog::BuildInput input;
        input.files = {remote};
        const Catalog::CatalogPtr catalog = Catalog::Catalog::build(input);
        SourceTab tab(m_context);
        tab.resize(1280, 800);
        tab.show();
        QSignalSpy shown(&tab, &SourceTab::sourceShown);
        tab.setEntity(catalog, catalog->indexOf(u"component:default/far-away"));
        QVERIFY(shown.wait(10000));
        QVERIFY(tab.filePath().isEmpty());
        QVERIFY(tab.codeView()->toPlainText().contains(QStringLiteral("kind: Component\n")));
        QVERIFY(tab.codeView()->toPlainText().contains(QStringLiteral("  name: far-away\n")));
        QCOMPARE(tab.notice()->kind(), NoticeBar::Kind::Info);
        QVERIFY(tab.notice()->isVisible());
        QVERIFY(!tab.openButton()->isVisible());
        shoot(&tab, QStringLiteral("source-remote-light"));
    }

    // --- Docs --------------------------------------------------------------------------------------

    void docsTab_appliesToEntitiesWithTechDocs()
    {
        DocsTab tab(m_context);
        QVERIFY(tab.appliesTo(*m_catalog, indexOf("component:default/checkout")));
        QVERIFY(tab.appliesTo(*m_catalog, indexOf("component:default/storefront-bff")));
        QVERIFY(!tab.appliesTo(*m_catalog, indexOf("api:default/payments-api")));
        QVERIFY(!tab.appliesTo(*m_catalog, indexOf("component:default/inventory")));
    }

    void docsTab_mkdocs_navigationLinksAndImages()
    {
        DocsTab tab(m_context);
        tab.resize(1280, 800);
        tab.show();
        QVERIFY(QTest::qWaitForWindowExposed(&tab));
        QVERIFY(showDocs(tab, "component:default/checkout"));
        const QString docs = dataDir() + QStringLiteral("/components/checkout/docs");
        QCOMPARE(tab.currentPage(), docs + QStringLiteral("/index.md"));
        QVERIFY(tab.browser()->toPlainText().contains(QStringLiteral("Checkout turns a customer")));
        QVERIFY(tab.navigation()->isVisible());
        QCOMPARE(tab.navigation()->topLevelItemCount(), 4);
        QCOMPARE(tab.navigation()->topLevelItem(2)->text(0), QStringLiteral("Runbooks"));
        QCOMPARE(tab.navigation()->topLevelItem(2)->childCount(), 2);
        QCOMPARE(tab.navigation()->currentItem()->text(0), QStringLiteral("Overview"));
        // The admonition became a quote; the table is a table.
        QVERIFY(tab.browser()->toPlainText().contains(QStringLiteral("Checkout owns no money")));
        QVERIFY(!tab.browser()->toPlainText().contains(QStringLiteral("!!!")));
        QVERIFY(tableContaining(tab.browser()->document(), QStringLiteral("Successful checkouts")));
        shoot(&tab, QStringLiteral("docs-light"));

        // A real click on a link to another page.
        QTextCursor link = anchorCursor(tab.browser()->document(), QStringLiteral("architecture.md"));
        QVERIFY(!link.isNull());
        tab.browser()->setTextCursor(link);
        tab.browser()->ensureCursorVisible();
        const QPoint at = tab.browser()->cursorRect(link).center();
        QTest::mouseClick(tab.browser()->viewport(), Qt::LeftButton, {}, at);
        QVERIFY(waitForPage(tab, QStringLiteral("/architecture.md")));
        QCOMPARE(tab.navigation()->currentItem()->text(0), QStringLiteral("Architecture"));
        // Its image came from disk, through a worker.
        const QImage image = qvariant_cast<QImage>(
            tab.browser()->document()->resource(QTextDocument::ImageResource, QUrl(QStringLiteral("images/flow.png"))));
        QCOMPARE(image.width(), 760);
        // Code blocks are boxes in a monospace font.
        QTextTable* code = tableContaining(tab.browser()->document(), QStringLiteral("reservationTtl: 15m"));
        QVERIFY(code);
        QVERIFY(code->cellAt(0, 0).firstCursorPosition().charFormat().fontFixedPitch()
                || QFontInfo(code->cellAt(0, 0).firstCursorPosition().charFormat().font()).fixedPitch());
        QVERIFY(code->format().background().style() != Qt::NoBrush);
        shoot(&tab, QStringLiteral("docs-architecture-light"));

        // Anchors within the page, and pages with an anchor.
        QVERIFY(tab.browser()->headingAnchors().contains(QStringLiteral("open-work")));
        tab.followLink(QUrl(QStringLiteral("runbooks/rollback.md")));
        QVERIFY(waitForPage(tab, QStringLiteral("/runbooks/rollback.md")));
        QCOMPARE(tab.currentTitle(), QStringLiteral("Rolling back"));
        QVERIFY(!tab.browser()->toPlainText().contains(QStringLiteral("title: Rolling back")));
        tab.followLink(QUrl(QStringLiteral("deploy.md#when-it-goes-wrong")));
        QVERIFY(waitForPage(tab, QStringLiteral("/runbooks/deploy.md")));
        QVERIFY(tab.browser()->headingAnchors().contains(QStringLiteral("rolling-out")));

        // History.
        tab.back();
        QVERIFY(waitForPage(tab, QStringLiteral("/runbooks/rollback.md")));
        tab.back();
        QVERIFY(waitForPage(tab, QStringLiteral("/architecture.md")));
        tab.forward();
        QVERIFY(waitForPage(tab, QStringLiteral("/runbooks/rollback.md")));

        // The nav: a click opens its page; an external link opens the browser.
        QTreeWidgetItem* deploying = tab.navigation()->topLevelItem(2)->child(0);
        QTest::mouseClick(tab.navigation()->viewport(), Qt::LeftButton, {},
                          tab.navigation()->visualItemRect(deploying).center());
        QVERIFY(waitForPage(tab, QStringLiteral("/runbooks/deploy.md")));
        QTreeWidgetItem* external = tab.navigation()->topLevelItem(3);
        QTest::mouseClick(tab.navigation()->viewport(), Qt::LeftButton, {},
                          tab.navigation()->visualItemRect(external).center());
        QCOMPARE(m_urls.urls, QList<QUrl> {QUrl(QStringLiteral("https://api.acme.example/payments/v2/docs"))});

        // External links go to the system browser; links out of the source are refused.
        tab.followLink(QUrl(QStringLiteral("https://example.com/guide")));
        QCOMPARE(m_urls.urls.last(), QUrl(QStringLiteral("https://example.com/guide")));
        tab.followLink(QUrl(QStringLiteral("../../../../../../../etc/passwd")));
        QVERIFY(tab.notice()->isVisible());
        QCOMPARE(tab.notice()->kind(), NoticeBar::Kind::Warning);
        QVERIFY(tab.currentPage().endsWith(QStringLiteral("/runbooks/deploy.md")));
        // A link to a page that does not exist leaves the page as it was, with a message.
        tab.followLink(QUrl(QStringLiteral("missing-page.md")));
        QVERIFY(QTest::qWaitFor([&] { return !tab.isLoading(); }, 10000));
        QCOMPARE(tab.notice()->kind(), NoticeBar::Kind::Error);
        QVERIFY(tab.currentPage().endsWith(QStringLiteral("/runbooks/deploy.md")));

        // setArgument opens a page by its path in the docs folder.
        tab.setArgument(QStringLiteral("architecture.md#configuration"));
        QVERIFY(waitForPage(tab, QStringLiteral("/architecture.md")));
    }

    void docsTab_fallbacksAndSharedDocs_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("page");
        QTest::addColumn<bool>("nav");
        QTest::addColumn<QString>("text");
        QTest::addRow("docs folder") << "component:default/web-shop" << "/components/web-shop/docs/index.md" << true
                                     << "The storefront customers browse";
        QTest::addRow("readme") << "component:default/ledger" << "/components/ledger/README.md" << false
                                << "Every money movement";
        QTest::addRow("techdocs-entity") << "component:default/storefront-bff"
                                         << "/components/checkout/docs/index.md" << true << "Checkout turns";
    }
    void docsTab_fallbacksAndSharedDocs()
    {
        QFETCH(QString, key);
        QFETCH(QString, page);
        QFETCH(bool, nav);
        QFETCH(QString, text);
        DocsTab tab(m_context);
        tab.resize(1280, 800);
        tab.show();
        QVERIFY(showDocs(tab, key.toLatin1().constData()));
        QCOMPARE(tab.currentPage(), dataDir() + page);
        QCOMPARE(tab.navigation()->isVisible(), nav);
        QVERIFY(tab.browser()->toPlainText().contains(text));
        if (key.endsWith(QStringLiteral("storefront-bff"))) {
            QCOMPARE(tab.notice()->kind(), NoticeBar::Kind::Info);
            QVERIFY(tab.notice()->message().contains(QStringLiteral("Checkout")));
        }
        if (key.endsWith(QStringLiteral("ledger"))) {
            QVERIFY(tableContaining(tab.browser()->document(), QStringLiteral("receivable")));
            shoot(&tab, QStringLiteral("docs-readme-light"));
        }
    }

    void docsTab_refusedDir_explainsAndShowsNoDocs()
    {
        DocsTab tab(m_context);
        tab.resize(1280, 800);
        tab.show();
        QSignalSpy none(&tab, &DocsTab::noDocs);
        tab.setEntity(m_catalog, indexOf("component:default/escaper"));
        QVERIFY(none.wait(10000));
        QVERIFY(tab.currentPage().isEmpty());
        QVERIFY2(tab.placeholder()->title().contains(QStringLiteral("outside the source folder")),
                 qPrintable(tab.placeholder()->title()));
        QVERIFY(!tab.placeholder()->text().isEmpty());
        shoot(&tab, QStringLiteral("docs-none-light"));
    }

    void docsTab_withWorkspaceSources_readsInsideTheSourceRoot()
    {
        // The app's way: the catalog service knows the workspace's sources, so the source folder
        // (not the catalog file's folder) bounds what the docs may read.
        QTemporaryDir dir;
        QStandardPaths::setTestModeEnabled(true);
        const QByteArray workspace = "apiVersion: flightdeck.dev/v1\nkind: Workspace\nmetadata:\n  name: tabs\nspec:\n"
                                     "  catalog:\n    sources:\n      - name: tabs\n        type: directory\n        path: "
            + dataDir().toUtf8() + "\n";
        QFile f(dir.filePath(QStringLiteral("workspace.yaml")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(workspace);
        f.close();
        Catalog::Diagnostics problems;
        auto ws = Workspace::Workspace::load(dir.filePath(QStringLiteral("workspace.yaml")), problems);
        QVERIFY(ws);
        Secrets::MemorySecretStore secrets;
        Catalog::CatalogService service(&secrets);
        service.open(*ws, dir.filePath(QStringLiteral("store.sqlite")));
        QVERIFY(QTest::qWaitFor([&] { return !service.isLoading() && !service.isRefreshing() && service.catalog()->size() > 10; },
                                30000));
        AppContext context {&service, &secrets, &m_navigator};
        DocsTab tab(context);
        QSignalSpy shown(&tab, &DocsTab::pageShown);
        const Catalog::CatalogPtr catalog = service.catalog();
        tab.setEntity(catalog, catalog->indexOf(u"component:default/checkout"));
        QVERIFY(shown.wait(10000));
        QCOMPARE(tab.site().root, dataDir());
        SourceTab source(context);
        QSignalSpy sourceShown(&source, &SourceTab::sourceShown);
        source.setEntity(catalog, catalog->indexOf(u"component:default/checkout"));
        QVERIFY(sourceShown.wait(10000));
        QCOMPARE(source.filePath(), dataDir() + QStringLiteral("/components/checkout/catalog-info.yaml"));
    }

    // --- light and dark ----------------------------------------------------------------------------

    void allTabs_darkPalette_redrawInDarkColours()
    {
        QApplication::setPalette(darkPalette());
        Icons::clearCache();
        ApiTab api(m_context);
        api.resize(1280, 800);
        api.show();
        QVERIFY(showApi(api, "api:default/payments-api"));
        QVERIFY(api.codeView()->colors().dark);
        const QModelIndex refund = findItem(api.filteredModel(), ApiTab::OperationIdRole, QStringLiteral("createRefund"));
        api.operationView()->setCurrentIndex(refund);
        shoot(&api, QStringLiteral("api-openapi-dark"));
        QVERIFY(showApi(api, "api:default/catalog-graph"));
        shoot(&api, QStringLiteral("api-graphql-dark"));
        QVERIFY(showApi(api, "api:default/broken-api"));
        shoot(&api, QStringLiteral("api-broken-dark"));

        SourceTab source(m_context);
        source.resize(1280, 800);
        source.show();
        QVERIFY(showSource(source, indexOf("component:default/inventory")));
        QVERIFY(source.codeView()->colors().dark);
        shoot(&source, QStringLiteral("source-dark"));

        DocsTab docs(m_context);
        docs.resize(1280, 800);
        docs.show();
        QVERIFY(showDocs(docs, "component:default/checkout"));
        // The page is drawn for the dark palette: its text colour is the palette's.
        const QColor base = docs.browser()->palette().color(QPalette::Base);
        QVERIFY(base.lightness() < 128);
        docs.followLink(QUrl(QStringLiteral("architecture.md")));
        QVERIFY(waitForPage(docs, QStringLiteral("/architecture.md")));
        QTextTable* code = tableContaining(docs.browser()->document(), QStringLiteral("reservationTtl"));
        QVERIFY(code);
        QVERIFY(code->format().background().color().lightness() < 128);
        shoot(&docs, QStringLiteral("docs-architecture-dark"));
        docs.followLink(QUrl(QStringLiteral("index.md")));
        QVERIFY(waitForPage(docs, QStringLiteral("/index.md")));
        shoot(&docs, QStringLiteral("docs-dark"));

        // Back to light: the same widgets follow.
        const QPalette light = QApplication::style()->standardPalette();
        QApplication::setPalette(light);
        Icons::clearCache();
        api.setPalette(light);
        source.setPalette(light);
        QVERIFY(!api.codeView()->colors().dark);
        QVERIFY(!source.codeView()->colors().dark);
    }
};

QTEST_MAIN(tst_EntityTabs)
#include "tst_entitytabs.moc"
