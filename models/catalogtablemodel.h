// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "catalog/catalog.h"

#include <QAbstractTableModel>
#include <QIcon>

#include <array>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace Flightdeck::Models {

// Every column's sort order over one snapshot: entity indices, sorted case-insensitively, empty
// values last. Thread-safe: a worker computes the orders a view will need before the view shows
// the snapshot, so the UI thread never sorts 100,000 strings.
class SortOrders
{
public:
    using Order = std::shared_ptr<const std::vector<int>>;
    static constexpr int Columns = 8;

    explicit SortOrders(Catalog::CatalogPtr catalog);
    const Catalog::CatalogPtr& catalog() const { return m_catalog; }
    // The order of a column, computing it on first use (in the calling thread; a second caller
    // waits for the first).
    Order order(int column);
    bool has(int column) const;

private:
    Catalog::CatalogPtr m_catalog;
    std::array<std::once_flag, Columns> m_once;
    std::array<Order, Columns> m_orders;
    mutable std::mutex m_mutex;
};

// The rows of the catalog table: a list of entities of one snapshot (all of them, or a search's
// matches), in the chosen column order. Cheap to refill on every keystroke at 100,000 entities:
// rows are indices into the immutable snapshot, and every column's order is computed once per
// snapshot, so re-sorting a result is a linear pass, not a sort.
class CatalogTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Name, Kind, Type, Owner, System, Lifecycle, Tags, Description, ColumnCount };
    static_assert(ColumnCount == SortOrders::Columns);

    explicit CatalogTableModel(QObject* parent = nullptr);

    // Shows every entity of the snapshot. orders: the snapshot's sort orders, prepared on a worker
    // (see SortOrders); without them the model sorts on first use.
    void setCatalog(Catalog::CatalogPtr catalog, std::shared_ptr<SortOrders> orders = {});
    const std::shared_ptr<SortOrders>& sortOrders() const { return m_orders; }
    Catalog::CatalogPtr catalog() const { return m_catalog; }
    // Shows these entities (indices into the snapshot). ranked: keep this order while the model is
    // not sorted by a column (search relevance).
    void setRows(const QList<int>& entities, bool ranked = true);
    int entityAt(int row) const { return row >= 0 && row < int(m_rows.size()) ? m_rows[size_t(row)] : -1; }
    int rowOf(int entity) const;

    // Column -1: relevance (the order setRows was given).
    int sortColumn() const { return m_sortColumn; }
    Qt::SortOrder sortOrder() const { return m_sortOrder; }

    using IconProvider = std::function<QIcon(const QString& kind)>;
    void setIconProvider(IconProvider provider) { m_icons = std::move(provider); }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

    static QString columnName(int column);
    // The text of a cell, as shown and sorted; thread-safe.
    static QString text(const Catalog::Catalog& catalog, const Catalog::Entity& e, int column);

private:
    void applySort();
    QString text(const Catalog::Entity& e, int column) const { return text(*m_catalog, e, column); }

    Catalog::CatalogPtr m_catalog;
    std::vector<int> m_rows;
    std::vector<int> m_ranked;                      // the rows as given, for relevance order
    std::shared_ptr<SortOrders> m_orders;
    int m_sortColumn = -1;
    Qt::SortOrder m_sortOrder = Qt::AscendingOrder;
    IconProvider m_icons;
};

} // namespace Flightdeck::Models
