// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "catalog/catalog.h"

#include <QAbstractTableModel>
#include <QIcon>

#include <functional>
#include <memory>
#include <vector>

namespace Flightdeck::Models {

// The rows of the catalog table: a list of entities of one snapshot (all of them, or a search's
// matches), in the chosen column order. Cheap to refill on every keystroke at 100,000 entities:
// rows are indices into the immutable snapshot, and every column's order is computed once per
// snapshot, so re-sorting a result is a linear pass, not a sort.
class CatalogTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Name, Kind, Type, Owner, System, Lifecycle, Tags, Description, ColumnCount };

    explicit CatalogTableModel(QObject* parent = nullptr);

    // Shows every entity of the snapshot.
    void setCatalog(Catalog::CatalogPtr catalog);
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

private:
    void applySort();
    const std::vector<int>& orderFor(int column);
    QString text(const Catalog::Entity& e, int column) const;
    QString displayNameOf(const QString& key) const;

    Catalog::CatalogPtr m_catalog;
    std::vector<int> m_rows;
    std::vector<int> m_ranked;                      // the rows as given, for relevance order
    std::vector<std::shared_ptr<std::vector<int>>> m_orders; // per column: entity indices sorted
    int m_sortColumn = -1;
    Qt::SortOrder m_sortOrder = Qt::AscendingOrder;
    IconProvider m_icons;
};

} // namespace Flightdeck::Models
