// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "page.h"

#include "catalog/catalog.h"
#include "catalog/searchindex.h"

#include <QHash>

#include <memory>

class QLabel;
class QLineEdit;
class QTableView;
class QToolButton;
class QVBoxLayout;

namespace Flightdeck::Models {
class CatalogTableModel;
class SortOrders;
class FacetModel;
}

namespace Flightdeck::Views {

class FacetSection;

// The catalog: a table that filters on every keystroke, facets with counts, sorting, a column
// chooser and a problems counter. Filtering runs on the snapshot's search index (a few ms at
// 100,000 entities), so it happens on the UI thread without a worker round trip.
class CatalogPage : public Page
{
    Q_OBJECT
public:
    explicit CatalogPage(AppContext& context, QWidget* parent = nullptr);

    QString id() const override { return QStringLiteral("catalog"); }
    QString title() const override { return tr("Catalog"); }
    QIcon icon() const override;
    void open(const QString& argument) override;
    QWidget* initialFocus() override;

    // For tests and benchmarks.
    QLineEdit* searchField() const { return m_search; }
    QTableView* table() const { return m_table; }
    Models::CatalogTableModel* model() const { return m_model; }
    Models::FacetModel* facetModel(Catalog::Facet facet) const { return m_facets.value(facet); }
    int shownCount() const;

public Q_SLOTS:
    void applyFilter();

private:
    void setCatalog(const Catalog::CatalogPtr& catalog);
    void showCatalog(const Catalog::CatalogPtr& catalog, std::shared_ptr<Models::SortOrders> orders);
    void openEntityAt(const QModelIndex& index);
    void showColumnMenu(const QPoint& pos);
    void updateSummary(int total);

    Catalog::CatalogPtr m_catalog;
    QLineEdit* m_search = nullptr;
    QLabel* m_summary = nullptr;
    QToolButton* m_problems = nullptr;
    QToolButton* m_clearFilters = nullptr;
    QTableView* m_table = nullptr;
    Models::CatalogTableModel* m_model = nullptr;
    QHash<Catalog::Facet, Models::FacetModel*> m_facets;
    QList<FacetSection*> m_sections;
    bool m_pending = false;     // a filter is waiting for the search index
    bool m_applying = false;
    int m_catalogGeneration = 0; // drops a sorted snapshot that a newer one overtook
};

} // namespace Flightdeck::Views
