// SPDX-License-Identifier: Apache-2.0
// The item models, checked by QAbstractItemModelTester while they change, and for what they show.
#include "catalogtablemodel.h"
#include "diagnosticsmodel.h"
#include "facetmodel.h"
#include "modelroles.h"

#include "catalog/catalog.h"
#include "sources/sourceload.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

#include <thread>

using namespace Flightdeck;

class tst_Models : public QObject
{
    Q_OBJECT

private:
    Catalog::CatalogPtr m_catalog;

private Q_SLOTS:
    void initTestCase()
    {
        Sources::CatalogSourceSpec spec;
        spec.name = QStringLiteral("t");
        spec.type = Sources::CatalogSourceSpec::Type::Directory;
        spec.path = QStringLiteral(FLIGHTDECK_TEST_DATA "/catalog/relations");
        const Sources::SourceLoad load = Sources::loadLocalSource(spec, {});
        Catalog::Catalog::BuildInput in;
        in.files = load.files;
        m_catalog = Catalog::Catalog::build(in);
        QCOMPARE(m_catalog->size(), 15);
    }

    void catalogTable_sortBeforeAnyCatalog_isHarmless()
    {
        Models::CatalogTableModel model;
        model.sort(Models::CatalogTableModel::Name, Qt::DescendingOrder);
        QCOMPARE(model.rowCount(), 0);
    }

    void catalogTable_fillsSortsAndFilters()
    {
        Models::CatalogTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setCatalog(m_catalog);
        QCOMPARE(model.rowCount(), 15);
        QCOMPARE(model.columnCount(), int(Models::CatalogTableModel::ColumnCount));
        // Unranked rows read by name.
        QCOMPARE(model.index(0, Models::CatalogTableModel::Name).data().toString(), QStringLiteral("asmith"));
        model.sort(Models::CatalogTableModel::Kind, Qt::DescendingOrder);
        QCOMPARE(model.index(0, Models::CatalogTableModel::Kind).data().toString(), QStringLiteral("User"));
        model.sort(Models::CatalogTableModel::Owner, Qt::AscendingOrder);
        // Empty owners last whatever the direction.
        QVERIFY(!model.index(0, Models::CatalogTableModel::Owner).data().toString().isEmpty());
        QVERIFY(model.index(14, Models::CatalogTableModel::Owner).data().toString().isEmpty());
        // A subset keeps the column order.
        const int checkout = m_catalog->indexOf(QStringLiteral("component:default/checkout"));
        const int ledger = m_catalog->indexOf(QStringLiteral("component:default/ledger"));
        model.sort(Models::CatalogTableModel::Name, Qt::DescendingOrder);
        model.setRows({checkout, ledger});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.entityAt(0), ledger);
        QCOMPARE(model.index(0, 0).data(Models::EntityKeyRole).toString(), QStringLiteral("component:default/ledger"));
        QCOMPARE(model.index(1, Models::CatalogTableModel::Owner).data().toString(), QStringLiteral("team-a")); // the owner entity's name
        QCOMPARE(model.index(1, Models::CatalogTableModel::System).data().toString(), QStringLiteral("payments"));
        QCOMPARE(model.index(1, Models::CatalogTableModel::Tags).data().toString(), QStringLiteral("java, payments"));
        // Relevance order when sorting is off.
        model.sort(-1, Qt::AscendingOrder);
        model.setRows({ledger, checkout});
        QCOMPARE(model.entityAt(0), ledger);
        model.setRows({checkout, ledger});
        QCOMPARE(model.entityAt(0), checkout);
        model.setCatalog(Catalog::Catalog::empty());
        QCOMPARE(model.rowCount(), 0);
    }

    // SortOrders are computed on workers while the UI thread goes on: concurrent callers get the
    // same order, and a model given them uses them as they are.
    void sortOrders_concurrentCallersShareOneOrder()
    {
        auto orders = std::make_shared<Models::SortOrders>(m_catalog);
        QVERIFY(!orders->has(Models::CatalogTableModel::Kind));
        std::vector<Models::SortOrders::Order> a(Models::SortOrders::Columns), b(Models::SortOrders::Columns);
        std::thread t1([&] { for (int c = 0; c < Models::SortOrders::Columns; ++c) a[size_t(c)] = orders->order(c); });
        std::thread t2([&] { for (int c = Models::SortOrders::Columns - 1; c >= 0; --c) b[size_t(c)] = orders->order(c); });
        t1.join();
        t2.join();
        for (int c = 0; c < Models::SortOrders::Columns; ++c) {
            QVERIFY(orders->has(c));
            QCOMPARE(a[size_t(c)], b[size_t(c)]); // the very same vector, computed once
            QCOMPARE(int(a[size_t(c)]->size()), m_catalog->size());
        }
        QVERIFY(!orders->order(-1));
        QVERIFY(!orders->order(Models::SortOrders::Columns));

        Models::CatalogTableModel model;
        model.setCatalog(m_catalog, orders);
        QCOMPARE(model.sortOrders(), orders);
        const auto kindOrder = orders->order(Models::CatalogTableModel::Kind);
        model.sort(Models::CatalogTableModel::Kind, Qt::AscendingOrder);
        for (int row = 0; row < model.rowCount(); ++row)
            QCOMPARE(model.entityAt(row), (*kindOrder)[size_t(row)]);
        // Orders of another snapshot are not used.
        model.setCatalog(Catalog::Catalog::empty(), orders);
        QVERIFY(model.sortOrders() != orders);
        QCOMPARE(model.rowCount(), 0);
    }

    void facets_countsSelectionAndSignals()
    {
        Models::FacetModel model(Catalog::Facet::Kind);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setCounts({{QStringLiteral("Component"), 3}, {QStringLiteral("API"), 2}});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(0).data(Models::CountRole).toInt(), 3);
        QSignalSpy spy(&model, &Models::FacetModel::selectionChanged);
        QVERIFY(model.setData(model.index(1), Qt::Checked, Qt::CheckStateRole));
        QCOMPARE(spy.count(), 1);
        QCOMPARE(model.selected(), QStringList {QStringLiteral("API")});
        // A selected value with no matches stays listed, so it can be unchecked.
        model.setCounts({{QStringLiteral("Component"), 1}});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(1).data(Qt::DisplayRole).toString(), QStringLiteral("API"));
        QCOMPARE(model.index(1).data(Models::CountRole).toInt(), 0);
        model.clearSelection();
        QCOMPARE(spy.count(), 2);
        model.setCounts({});
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(Models::FacetModel::label(Catalog::Facet::Owner, QStringLiteral("group:default/team-a")), QStringLiteral("group:team-a"));
        QCOMPARE(Models::FacetModel::label(Catalog::Facet::System, QStringLiteral("system:ops/pay")), QStringLiteral("ops/pay"));
    }

    void diagnostics_orderAndRoles()
    {
        Models::DiagnosticsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        Catalog::Diagnostic warning;
        warning.severity = Catalog::Severity::Warning;
        warning.file = QStringLiteral("/a/catalog-info.yaml");
        warning.line = 3;
        warning.message = QStringLiteral("w");
        Catalog::Diagnostic error = warning;
        error.severity = Catalog::Severity::Error;
        error.file = QStringLiteral("/z/catalog-info.yaml");
        error.line = 9;
        error.entity = QStringLiteral("component:default/x");
        error.code = QStringLiteral("field-format");
        model.setDiagnostics({warning, error});
        QCOMPARE(model.rowCount(), 2);
        // Errors first.
        QCOMPARE(model.index(0, Models::DiagnosticsModel::Severity).data().toString(), QStringLiteral("error"));
        QCOMPARE(model.index(0, Models::DiagnosticsModel::Location).data().toString(), QStringLiteral("catalog-info.yaml:9"));
        QCOMPARE(model.index(0, 0).data(Models::LineRole).toInt(), 9);
        QCOMPARE(model.index(0, 0).data(Models::CodeRole).toString(), QStringLiteral("field-format"));
        QVERIFY(model.index(0, 0).data(Qt::ToolTipRole).toString().contains(QLatin1String("/z/catalog-info.yaml:9")));
        model.setDiagnostics(m_catalog->diagnostics());
        QCOMPARE(model.rowCount(), int(m_catalog->diagnostics().size()));
    }
};

QTEST_MAIN(tst_Models)
#include "tst_models.moc"
