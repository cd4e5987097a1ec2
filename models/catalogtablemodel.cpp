// SPDX-License-Identifier: Apache-2.0
#include "catalogtablemodel.h"

#include "modelroles.h"
#include "refs.h"

#include <algorithm>

namespace Flightdeck::Models {

CatalogTableModel::CatalogTableModel(QObject* parent)
    : QAbstractTableModel(parent)
    , m_catalog(Catalog::Catalog::empty())
    , m_orders(std::make_shared<SortOrders>(m_catalog))
{
}

QString CatalogTableModel::columnName(int column)
{
    switch (column) {
    case Name: return tr("Name");
    case Kind: return tr("Kind");
    case Type: return tr("Type");
    case Owner: return tr("Owner");
    case System: return tr("System");
    case Lifecycle: return tr("Lifecycle");
    case Tags: return tr("Tags");
    case Description: return tr("Description");
    }
    return {};
}

void CatalogTableModel::setCatalog(Catalog::CatalogPtr catalog, std::shared_ptr<SortOrders> orders)
{
    m_catalog = catalog ? std::move(catalog) : Catalog::Catalog::empty();
    m_orders = orders && orders->catalog() == m_catalog ? std::move(orders) : std::make_shared<SortOrders>(m_catalog);
    QList<int> all;
    all.reserve(m_catalog->size());
    for (int i = 0; i < m_catalog->size(); ++i)
        all.push_back(i);
    setRows(all, false);
}

void CatalogTableModel::setRows(const QList<int>& entities, bool ranked)
{
    beginResetModel();
    m_ranked.assign(entities.begin(), entities.end());
    if (!ranked && m_sortColumn < 0) {
        m_sortColumn = Name; // an unranked list reads best by name
        m_sortOrder = Qt::AscendingOrder;
    }
    applySort();
    endResetModel();
}

int CatalogTableModel::rowOf(int entity) const
{
    const auto it = std::find(m_rows.begin(), m_rows.end(), entity);
    return it == m_rows.end() ? -1 : int(it - m_rows.begin());
}

namespace {

QString displayNameOf(const Catalog::Catalog& catalog, const QString& key)
{
    if (key.isEmpty())
        return key;
    // The related entity's title reads best; a ref that is not in the catalog shows as written.
    const int i = catalog.indexOf(key);
    if (i >= 0)
        return catalog.entity(i).displayName();
    return shortRef(key);
}

} // namespace

QString CatalogTableModel::text(const Catalog::Catalog& catalog, const Catalog::Entity& e, int column)
{
    switch (column) {
    case Name: return e.displayName();
    case Kind: return e.ref.kind;
    case Type: return e.type;
    case Owner: return displayNameOf(catalog, e.owner);
    case System: return displayNameOf(catalog, e.system);
    case Lifecycle: return e.lifecycle;
    case Tags: return e.tags.join(QStringLiteral(", "));
    case Description: return e.description;
    }
    return {};
}

SortOrders::SortOrders(Catalog::CatalogPtr catalog)
    : m_catalog(catalog ? std::move(catalog) : Catalog::Catalog::empty())
{
}

bool SortOrders::has(int column) const
{
    std::lock_guard lock(m_mutex);
    return column >= 0 && column < Columns && m_orders[size_t(column)] != nullptr;
}

SortOrders::Order SortOrders::order(int column)
{
    if (column < 0 || column >= Columns)
        return {};
    std::call_once(m_once[size_t(column)], [&] {
        // Keys compared as UTF-8 bytes (code point order, the same as UTF-16 order outside the
        // surrogates): a memcmp per comparison, several times faster than comparing QStrings.
        const Catalog::Catalog& c = *m_catalog;
        const qsizetype n = c.size();
        std::vector<std::string> keys(static_cast<size_t>(n));
        for (qsizetype i = 0; i < n; ++i)
            keys[size_t(i)] = CatalogTableModel::text(c, c.entity(int(i)), column).toLower().toStdString();
        auto order = std::make_shared<std::vector<int>>(static_cast<size_t>(n));
        for (qsizetype i = 0; i < n; ++i)
            (*order)[size_t(i)] = int(i);
        std::sort(order->begin(), order->end(), [&](int a, int b) {
            const std::string& ka = keys[size_t(a)];
            const std::string& kb = keys[size_t(b)];
            // Empty values last, whatever the direction reads first; ties by ref, then index.
            if (ka.empty() != kb.empty())
                return kb.empty();
            if (const int r = ka.compare(kb); r != 0)
                return r < 0;
            if (const int r = c.entity(a).key.compare(c.entity(b).key); r != 0)
                return r < 0;
            return a < b;
        });
        std::lock_guard lock(m_mutex);
        m_orders[size_t(column)] = std::move(order);
    });
    std::lock_guard lock(m_mutex);
    return m_orders[size_t(column)];
}

void CatalogTableModel::applySort()
{
    if (m_sortColumn < 0 || m_sortColumn >= ColumnCount) {
        m_rows = m_ranked;
        return;
    }
    const SortOrders::Order order = m_orders->order(m_sortColumn);
    std::vector<char> member(size_t(m_catalog->size()), 0);
    for (int e : m_ranked)
        if (e >= 0 && e < int(member.size()))
            member[size_t(e)] = 1;
    m_rows.clear();
    m_rows.reserve(m_ranked.size());
    for (int e : *order)
        if (member[size_t(e)])
            m_rows.push_back(e);
    if (m_sortOrder == Qt::DescendingOrder)
        std::reverse(m_rows.begin(), m_rows.end());
}

void CatalogTableModel::sort(int column, Qt::SortOrder order)
{
    if (column == m_sortColumn && order == m_sortOrder)
        return;
    Q_EMIT layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    const QModelIndexList persistent = persistentIndexList();
    std::vector<int> entitiesOfPersistent;
    for (const QModelIndex& i : persistent)
        entitiesOfPersistent.push_back(entityAt(i.row()));
    m_sortColumn = column;
    m_sortOrder = order;
    applySort();
    QModelIndexList to;
    for (qsizetype k = 0; k < persistent.size(); ++k) {
        const int row = rowOf(entitiesOfPersistent[size_t(k)]);
        to.push_back(row < 0 ? QModelIndex() : index(row, persistent[k].column()));
    }
    changePersistentIndexList(persistent, to);
    Q_EMIT layoutChanged({}, QAbstractItemModel::VerticalSortHint);
}

int CatalogTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int CatalogTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant CatalogTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= int(m_rows.size()) || index.column() >= ColumnCount)
        return {};
    const Catalog::Entity& e = m_catalog->entity(m_rows[size_t(index.row())]);
    switch (role) {
    case Qt::DisplayRole: {
        QString t = text(e, index.column());
        if (index.column() == Description) {
            // One line in a table cell.
            t.replace(QLatin1Char('\n'), QLatin1Char(' '));
            if (t.size() > 200)
                t = t.left(199) + QChar(0x2026);
        }
        return t;
    }
    case Qt::DecorationRole:
        if (index.column() == Name && m_icons)
            return m_icons(e.ref.kind);
        return {};
    case Qt::ToolTipRole:
        if (index.column() == Name)
            return e.key;
        if (index.column() == Description)
            return e.description;
        if (index.column() == Owner)
            return e.owner;
        if (index.column() == System)
            return e.system;
        return {};
    case EntityKeyRole: return e.key;
    case KindRole: return e.ref.kind;
    case SortRole: return text(e, index.column()).toLower();
    case FilterRole: return e.key;
    default: return {};
    }
}

QVariant CatalogTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && role == Qt::DisplayRole)
        return columnName(section);
    return {};
}

} // namespace Flightdeck::Models
