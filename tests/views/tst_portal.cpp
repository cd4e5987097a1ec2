// SPDX-License-Identifier: Apache-2.0
// The desktop portal driven through its real widgets on the offscreen platform: searching,
// facets, opening entities, tabs, history, the command palette, problems and settings.
#include "appcontext.h"
#include "catalogpage.h"
#include "commandpalette.h"
#include "entity/entitypage.h"
#include "filepage.h"
#include "mainwindow.h"
#include "navigation.h"
#include "problemspage.h"
#include "settingspage.h"

#include "catalog/catalogservice.h"
#include "catalogtablemodel.h"
#include "facetmodel.h"
#include "modelroles.h"
#include "secrets/memorysecretstore.h"
#include "workspace/workspace.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace Flightdeck;
using namespace Flightdeck::Views;

class tst_Portal : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Secrets::MemorySecretStore> m_secrets;
    std::unique_ptr<Navigator> m_navigator;
    std::unique_ptr<Catalog::CatalogService> m_service;
    std::unique_ptr<AppContext> m_context;
    std::unique_ptr<MainWindow> m_window;
    CatalogPage* m_catalogPage = nullptr;
    EntityPage* m_entityPage = nullptr;
    ProblemsPage* m_problemsPage = nullptr;
    SettingsPage* m_settingsPage = nullptr;

    static bool writeFile(const QString& path, const QByteArray& bytes)
    {
        QDir().mkpath(QFileInfo(path).absolutePath());
        QFile f(path);
        return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
    }

    bool waitForIndexedCatalog(int minimum = 1)
    {
        return QTest::qWaitFor(
            [&] {
                const auto c = m_service->catalog();
                return !m_service->isLoading() && !m_service->isRefreshing() && c->size() >= minimum && c->hasSearchIndex();
            },
            30000);
    }

    Location location() const { return m_navigator->current(); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QStandardPaths::setTestModeEnabled(true);
        // A second source with a broken file, so there are problems to show.
        QVERIFY(writeFile(m_dir.filePath(QStringLiteral("broken/catalog-info.yaml")),
                          "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: bad name\nspec:\n"
                          "  type: service\n  lifecycle: production\n  owner: team-a\n---\nkind: [\n"));
        const QByteArray workspace = "apiVersion: flightdeck.dev/v1\nkind: Workspace\nmetadata:\n  name: test-org\nspec:\n"
                                     "  catalog:\n    sources:\n      - name: relations\n        type: directory\n        path: "
            + QByteArray(FLIGHTDECK_TEST_DATA "/catalog/relations")
            + "\n      - name: broken\n        type: directory\n        path: " + m_dir.filePath(QStringLiteral("broken")).toUtf8() + "\n";
        QVERIFY(writeFile(m_dir.filePath(QStringLiteral("workspace.yaml")), workspace));
        Catalog::Diagnostics problems;
        auto ws = Workspace::Workspace::load(m_dir.filePath(QStringLiteral("workspace.yaml")), problems);
        QVERIFY2(ws, problems.isEmpty() ? "" : qPrintable(problems.first().toText()));

        m_secrets = std::make_unique<Secrets::MemorySecretStore>();
        m_navigator = std::make_unique<Navigator>();
        m_service = std::make_unique<Catalog::CatalogService>(m_secrets.get());
        m_context = std::make_unique<AppContext>(AppContext {m_service.get(), m_secrets.get(), m_navigator.get()});
        m_window = std::make_unique<MainWindow>(*m_context);
        m_catalogPage = new CatalogPage(*m_context);
        m_problemsPage = new ProblemsPage(*m_context);
        m_settingsPage = new SettingsPage(*m_context);
        m_entityPage = new EntityPage(*m_context);
        m_window->addPage(m_catalogPage);
        m_window->addPage(m_problemsPage);
        m_window->addPage(m_settingsPage);
        m_window->addPage(m_entityPage);
        m_window->addPage(new FilePage(*m_context));
        m_window->resize(1280, 800);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        m_service->open(*ws, m_dir.filePath(QStringLiteral("store.sqlite")));
        m_navigator->goTo(QStringLiteral("catalog"));
        QVERIFY(waitForIndexedCatalog(15));
    }

    // Each test starts from the whole catalog.
    void cleanup()
    {
        m_catalogPage->searchField()->clear();
        for (auto f : {Catalog::Facet::Kind, Catalog::Facet::Owner, Catalog::Facet::Type, Catalog::Facet::Tag})
            m_catalogPage->facetModel(f)->clearSelection();
    }

    void cleanupTestCase()
    {
        m_window.reset();
        m_service.reset();
    }

    void catalog_showsEverythingAndTheProblemsCount()
    {
        QCOMPARE(m_catalogPage->shownCount(), 15);
        QVERIFY(m_service->catalog()->errorCount() >= 2);
    }

    void catalog_typingFiltersOnEveryKeystroke()
    {
        m_navigator->goTo(QStringLiteral("catalog"));
        QLineEdit* search = m_catalogPage->searchField();
        search->clear();
        QTest::keyClicks(search, QStringLiteral("chek"));
        // A typo still finds it; the best match comes first.
        QVERIFY(m_catalogPage->shownCount() >= 1);
        QTest::keyClicks(search, QStringLiteral("out"));
        QVERIFY(m_catalogPage->shownCount() >= 1);
        QCOMPARE(m_catalogPage->model()->index(0, 0).data(Models::EntityKeyRole).toString(), QStringLiteral("component:default/checkout"));
        search->clear();
        QCOMPARE(m_catalogPage->shownCount(), 15);
        QTest::keyClicks(search, QStringLiteral("kind:api"));
        QCOMPARE(m_catalogPage->shownCount(), 2);
        search->clear();
    }

    void catalog_clickingFacetsFilters()
    {
        Models::FacetModel* kinds = m_catalogPage->facetModel(Catalog::Facet::Kind);
        QVERIFY(kinds);
        auto* section = m_catalogPage->findChild<QWidget*>(QStringLiteral("Facet-kind"));
        QVERIFY(section);
        auto* list = section->findChild<QListView*>();
        QVERIFY(list);
        int apiRow = -1;
        for (int r = 0; r < kinds->rowCount(); ++r)
            if (kinds->index(r).data(Models::ValueRole).toString() == QLatin1String("API"))
                apiRow = r;
        QVERIFY(apiRow >= 0);
        QCOMPARE(kinds->index(apiRow).data(Models::CountRole).toInt(), 2);
        const QRect rect = list->visualRect(kinds->index(apiRow));
        QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, rect.center());
        QCOMPARE(kinds->selected(), QStringList {QStringLiteral("API")});
        QCOMPARE(m_catalogPage->shownCount(), 2);
        // The other kinds keep their counts (disjunctive facets), so one can add Resources.
        int resourceRow = -1;
        for (int r = 0; r < kinds->rowCount(); ++r)
            if (kinds->index(r).data(Models::ValueRole).toString() == QLatin1String("Resource"))
                resourceRow = r;
        QVERIFY(resourceRow >= 0);
        QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, list->visualRect(kinds->index(resourceRow)).center());
        QCOMPARE(m_catalogPage->shownCount(), 4);
        // Another facet narrows (AND across facets).
        Models::FacetModel* owners = m_catalogPage->facetModel(Catalog::Facet::Owner);
        owners->setSelected({QStringLiteral("group:default/team-b")});
        QCOMPARE(m_catalogPage->shownCount(), 2); // ledger-api, ledger-db
        owners->clearSelection();
        kinds->clearSelection();
        QCOMPARE(m_catalogPage->shownCount(), 15);
    }

    void catalog_sortingByAColumn()
    {
        QTableView* table = m_catalogPage->table();
        table->sortByColumn(Models::CatalogTableModel::Kind, Qt::AscendingOrder);
        QCOMPARE(m_catalogPage->model()->index(0, Models::CatalogTableModel::Kind).data().toString(), QStringLiteral("API"));
        table->sortByColumn(Models::CatalogTableModel::Name, Qt::AscendingOrder);
    }

    void entity_opensFromTheTableWithItsTabs()
    {
        m_navigator->goTo(QStringLiteral("catalog"));
        m_catalogPage->searchField()->setText(QStringLiteral("checkout service"));
        QTableView* table = m_catalogPage->table();
        table->setFocus();
        table->setCurrentIndex(m_catalogPage->model()->index(0, 0));
        QTest::keyClick(table, Qt::Key_Return);
        QCOMPARE(location().toString(), QStringLiteral("entity:component:default/checkout"));
        QCOMPARE(m_window->currentPage(), m_entityPage);
        auto* title = m_entityPage->findChild<QLabel*>(QStringLiteral("EntityTitle"));
        QCOMPARE(title->text(), QStringLiteral("Checkout Service"));
        QCOMPARE(m_entityPage->currentTab(), QStringLiteral("overview"));
        m_catalogPage->searchField()->clear();
    }

    void entity_tabsAreInTheHistory()
    {
        m_navigator->goTo(QStringLiteral("entity:group:default/team-a"));
        QTabWidget* tabs = m_entityPage->tabs();
        int ownership = -1;
        for (int i = 0; i < tabs->count(); ++i)
            if (tabs->widget(i)->objectName() == QLatin1String("EntityTab-ownership"))
                ownership = i;
        QVERIFY2(ownership >= 0, "groups have a members and ownership tab");
        tabs->setCurrentIndex(ownership);
        QCOMPARE(location().toString(), QStringLiteral("entity:group:default/team-a/ownership"));
        QCOMPARE(m_entityPage->currentTab(), QStringLiteral("ownership"));
        // Alt+Left goes back to the overview, Alt+Right forward again.
        QTest::keyClick(m_window.get(), Qt::Key_Left, Qt::AltModifier);
        QCOMPARE(m_entityPage->currentTab(), QStringLiteral("overview"));
        QTest::keyClick(m_window.get(), Qt::Key_Right, Qt::AltModifier);
        QCOMPARE(m_entityPage->currentTab(), QStringLiteral("ownership"));
    }

    void entity_unknownRefSaysSo()
    {
        m_navigator->goTo(QStringLiteral("entity:component:default/nope"));
        QCOMPARE(m_window->currentPage(), m_entityPage);
        QVERIFY(m_entityPage->windowTitle().contains(QLatin1String("nope")));
    }

    void palette_jumpsToAnEntity()
    {
        QTest::keyClick(m_window.get(), Qt::Key_K, Qt::ControlModifier);
        auto* palette = m_window->findChild<CommandPalette*>();
        QVERIFY(palette);
        QVERIFY(QTest::qWaitFor([&] { return palette->isVisible(); }, 2000));
        QVERIFY(palette->candidates(QStringLiteral("ledgr")).contains(QStringLiteral("entity:component:default/ledger")));
        QVERIFY(palette->candidates(QStringLiteral("probl")).first() == QStringLiteral("page:problems"));
        auto* input = palette->findChild<QLineEdit*>();
        QTest::keyClicks(input, QStringLiteral("ledger-db"));
        QTest::keyClick(input, Qt::Key_Return);
        QVERIFY(!palette->isVisible());
        QCOMPARE(location().toString(), QStringLiteral("entity:resource:default/ledger-db"));
    }

    void problems_listFilterAndOpenAtTheLine()
    {
        m_navigator->goTo(QStringLiteral("problems"));
        QCOMPARE(m_window->currentPage(), m_problemsPage);
        // The page's filter proxy is checked while it filters.
        QAbstractItemModelTester proxyTester(m_problemsPage->table()->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        const int all = m_problemsPage->shownCount();
        QVERIFY(all >= 3); // bad name, a YAML error, a dangling memberOf warning
        m_problemsPage->severityBox()->setCurrentIndex(m_problemsPage->severityBox()->findData(int(Catalog::Severity::Warning)));
        QCOMPARE(m_problemsPage->shownCount(), 1);
        m_problemsPage->severityBox()->setCurrentIndex(0);
        QTest::keyClicks(m_problemsPage->filterField(), QStringLiteral("syntax error"));
        QCOMPARE(m_problemsPage->shownCount(), 1);
        // A YAML error belongs to no entity: it opens the file at its line.
        const QString where = m_problemsPage->locationFor(0);
        QVERIFY2(where.startsWith(QLatin1String("file:")) && where.endsWith(QLatin1String("catalog-info.yaml:11")), qPrintable(where));
        m_problemsPage->table()->setCurrentIndex(m_problemsPage->table()->model()->index(0, 0));
        QTest::keyClick(m_problemsPage->table(), Qt::Key_Return);
        QCOMPARE(m_window->currentPage()->id(), QStringLiteral("file"));
        auto* file = static_cast<FilePage*>(m_window->currentPage());
        QVERIFY(QTest::qWaitFor([&] { return file->currentLine() == 11; }, 5000));
        m_problemsPage->filterField()->clear();
    }

    void settings_addAFolderSource_readsIt()
    {
        QVERIFY(writeFile(m_dir.filePath(QStringLiteral("more/catalog-info.yaml")),
                          "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: added\nspec:\n  type: service\n"
                          "  lifecycle: production\n  owner: team-a\n"));
        m_navigator->goTo(QStringLiteral("settings"));
        QCOMPARE(m_settingsPage->sourcesTable()->rowCount(), 2);
        Sources::CatalogSourceSpec spec;
        spec.type = Sources::CatalogSourceSpec::Type::Directory;
        spec.name = QStringLiteral("more");
        spec.path = m_dir.filePath(QStringLiteral("more"));
        // The dialog checks the source and tests the connection.
        SourceDialog dialog(*m_context, m_service->workspace(), spec, true, m_settingsPage);
        dialog.show();
        QTest::mouseClick(dialog.testButton(), Qt::LeftButton);
        QVERIFY(QTest::qWaitFor([&] { return dialog.testResult()->text().startsWith(QStringLiteral("✓")); }, 10000));
        QCOMPARE(dialog.source().path, spec.path);
        dialog.nameEdit()->setText(QStringLiteral("relations")); // taken
        dialog.accept();
        QVERIFY(dialog.isVisible()); // refused, with a message
        dialog.nameEdit()->setText(QStringLiteral("more"));
        dialog.close();
        QVERIFY(m_settingsPage->applySource(dialog.source(), QString(), QString()));
        QVERIFY(QTest::qWaitFor([&] { return m_service->catalog()->indexOf(QStringLiteral("component:default/added")) >= 0; }, 30000));
        QCOMPARE(m_settingsPage->sourcesTable()->rowCount(), 3);
        // The workspace file on disk names it.
        QFile f(m_dir.filePath(QStringLiteral("workspace.yaml")));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(f.readAll().contains("name: more"));
    }

    void settings_credentialGoesToTheSecretStore()
    {
        Sources::CatalogSourceSpec spec;
        spec.type = Sources::CatalogSourceSpec::Type::Backstage;
        spec.name = QStringLiteral("backstage");
        spec.url = QStringLiteral("http://127.0.0.1:9");
        spec.credential = QStringLiteral("backstage-token");
        QSignalSpy stored(m_settingsPage, &SettingsPage::secretStored);
        QVERIFY(m_settingsPage->applySource(spec, QStringLiteral("s3cret-value"), QString()));
        QVERIFY(stored.wait(5000));
        QCOMPARE(stored.first().at(1).toBool(), true);
        QVERIFY(m_secrets->contains(QStringLiteral("backstage-token")));
        QFile f(m_dir.filePath(QStringLiteral("workspace.yaml")));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray file = f.readAll();
        QVERIFY(file.contains("backstage-token"));
        QVERIFY(!file.contains("s3cret-value"));
        QVERIFY(waitForIndexedCatalog());
    }
    // Above a few thousand entities the page sorts a new snapshot on a worker and shows it in one
    // step; the selection survives, and the other columns are sorted in the background.
    void catalog_largeSnapshot_sortedOffTheUiThread()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const int n = 6000;
        const auto writeCatalog = [&](int count) {
            QByteArray yaml;
            for (int i = count - 1; i >= 0; --i) // written in reverse: the table must sort
                yaml += "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: svc-"
                    + QByteArray::number(i).rightJustified(5, '0') + "\nspec:\n  type: service\n  lifecycle: production\n  owner: team-"
                    + QByteArray::number(i % 7) + "\n---\n";
            return writeFile(dir.filePath(QStringLiteral("big/catalog-info.yaml")), yaml);
        };
        QVERIFY(writeCatalog(n));
        QVERIFY(writeFile(dir.filePath(QStringLiteral("workspace.yaml")),
                          "apiVersion: flightdeck.dev/v1\nkind: Workspace\nmetadata:\n  name: big\nspec:\n  catalog:\n    sources:\n"
                          "      - name: big\n        type: directory\n        path: "
                              + dir.filePath(QStringLiteral("big")).toUtf8() + "\n"));
        Catalog::Diagnostics problems;
        auto ws = Workspace::Workspace::load(dir.filePath(QStringLiteral("workspace.yaml")), problems);
        QVERIFY(ws);
        Secrets::MemorySecretStore secrets;
        Navigator navigator;
        Catalog::CatalogService service(&secrets);
        AppContext context {&service, &secrets, &navigator};
        // What the page shows at the moment each snapshot is published: this slot is connected
        // after the page's own, so it runs on the UI thread right after the page has handled the
        // signal. A page that sorted a big snapshot on the UI thread would already show it here.
        struct Published
        {
            qsizetype size = 0;
            int shownThen = 0;
            bool shownAlready = false;
        };
        QList<Published> published;
        CatalogPage page(context);
        connect(&service, &Catalog::CatalogService::catalogChanged, &page, [&](const Catalog::CatalogPtr& c) {
            published.append({c ? c->size() : 0, page.shownCount(), c && page.model()->catalog() == c});
        });
        const auto bigSnapshotsWaited = [&](qsizetype size, int shownBefore) {
            int found = 0;
            for (const Published& p : std::as_const(published)) {
                if (p.size != size)
                    continue;
                ++found;
                if (p.shownAlready || p.shownThen != shownBefore)
                    return false;
            }
            return found > 0;
        };
        page.resize(1000, 600);
        page.show();
        const int shownBeforeOpen = page.shownCount();
        QVERIFY(shownBeforeOpen != n);
        service.open(*ws, dir.filePath(QStringLiteral("store.sqlite")));
        QVERIFY(QTest::qWaitFor([&] { return page.shownCount() == n; }, 30000));
        // The big snapshot was not shown while it was being published (so not sorted on the UI
        // thread): the page still showed what it had before.
        QVERIFY2(bigSnapshotsWaited(n, shownBeforeOpen),
            qPrintable(QStringLiteral("%1 snapshot(s) published").arg(published.size())));
        Models::CatalogTableModel* model = page.model();
        QCOMPARE(model->index(0, Models::CatalogTableModel::Name).data().toString(), QStringLiteral("svc-00000"));
        QCOMPARE(model->index(n - 1, Models::CatalogTableModel::Name).data().toString(), QStringLiteral("svc-05999"));
        QCOMPARE(model->sortOrders()->catalog(), service.catalog());

        // Select a row, grow the catalog, refresh: the bigger snapshot is shown sorted, and the
        // selection is kept.
        page.table()->selectRow(1234);
        const QString selected = page.table()->currentIndex().data(Models::EntityKeyRole).toString();
        QCOMPARE(selected, QStringLiteral("component:default/svc-01234"));
        QVERIFY(writeCatalog(n + 500));
        service.refresh();
        QVERIFY(QTest::qWaitFor([&] { return page.shownCount() == n + 500; }, 30000));
        // Published while the page still showed the previous snapshot's n rows.
        QVERIFY(bigSnapshotsWaited(n + 500, n));
        QCOMPARE(model->index(n + 499, Models::CatalogTableModel::Name).data().toString(), QStringLiteral("svc-06499"));
        QCOMPARE(page.table()->currentIndex().data(Models::EntityKeyRole).toString(), selected);
        // The other columns get sorted in the background: sorting by owner is then a lookup. An
        // owner that is not in the catalog shows as its short ref.
        QVERIFY(QTest::qWaitFor([&] { return model->sortOrders()->has(Models::CatalogTableModel::Owner); }, 30000));
        page.table()->sortByColumn(Models::CatalogTableModel::Owner, Qt::AscendingOrder);
        QCOMPARE(model->index(0, Models::CatalogTableModel::Owner).data().toString(), QStringLiteral("group:team-0"));
        QCOMPARE(model->index(n + 499, Models::CatalogTableModel::Owner).data().toString(), QStringLiteral("group:team-6"));
        page.table()->sortByColumn(Models::CatalogTableModel::Name, Qt::AscendingOrder);
    }
};

QTEST_MAIN(tst_Portal)
#include "tst_portal.moc"
