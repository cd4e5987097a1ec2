// SPDX-License-Identifier: Apache-2.0
#include "facetmodel.h"

#include "modelroles.h"
#include "refs.h"

namespace Flightdeck::Models {

FacetModel::FacetModel(Catalog::Facet facet, QObject* parent)
    : QAbstractListModel(parent)
    , m_facet(facet)
{
}

QString FacetModel::label(Catalog::Facet facet, const QString& value)
{
    if (value.isEmpty())
        return tr("(none)");
    if (facet == Catalog::Facet::Owner)
        return shortRef(value);
    if (facet == Catalog::Facet::System)
        return nameOfRef(value);
    return value;
}

void FacetModel::setCounts(const QList<Catalog::FacetCount>& counts)
{
    QList<Catalog::FacetCount> next = counts;
    // A selected value stays listed, even when nothing matches it any more, so it can be unchecked.
    for (const QString& s : std::as_const(m_selected)) {
        const bool present = std::any_of(next.begin(), next.end(), [&](const Catalog::FacetCount& c) {
            return c.value.compare(s, Qt::CaseInsensitive) == 0;
        });
        if (!present)
            next.push_back({s, 0, true});
    }
    if (next == m_counts)
        return;
    if (next.size() == m_counts.size()) {
        m_counts = next;
        Q_EMIT dataChanged(index(0), index(int(m_counts.size()) - 1));
        return;
    }
    beginResetModel();
    m_counts = next;
    endResetModel();
}

QStringList FacetModel::selected() const
{
    QStringList out(m_selected.begin(), m_selected.end());
    out.sort();
    return out;
}

void FacetModel::setSelected(const QStringList& values)
{
    const QSet<QString> next(values.begin(), values.end());
    if (next == m_selected)
        return;
    m_selected = next;
    if (!m_counts.isEmpty())
        Q_EMIT dataChanged(index(0), index(int(m_counts.size()) - 1), {Qt::CheckStateRole});
    Q_EMIT selectionChanged();
}

void FacetModel::clearSelection()
{
    setSelected({});
}

int FacetModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_counts.size());
}

QVariant FacetModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_counts.size())
        return {};
    const Catalog::FacetCount& c = m_counts[index.row()];
    switch (role) {
    case Qt::DisplayRole: {
        const QString custom = m_labels && !c.value.isEmpty() ? m_labels(c.value) : QString();
        return custom.isEmpty() ? label(m_facet, c.value) : custom;
    }
    case Qt::ToolTipRole: return c.value;
    case Qt::CheckStateRole: return m_selected.contains(c.value) ? Qt::Checked : Qt::Unchecked;
    case CountRole: return c.count;
    case ValueRole: return c.value;
    default: return {};
    }
}

bool FacetModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (!index.isValid() || index.row() >= m_counts.size() || role != Qt::CheckStateRole)
        return false;
    const QString v = m_counts[index.row()].value;
    const bool checked = value.toInt() == Qt::Checked;
    if (checked == m_selected.contains(v))
        return true;
    if (checked)
        m_selected.insert(v);
    else
        m_selected.remove(v);
    Q_EMIT dataChanged(index, index, {Qt::CheckStateRole});
    Q_EMIT selectionChanged();
    return true;
}

Qt::ItemFlags FacetModel::flags(const QModelIndex& index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsUserCheckable;
}

} // namespace Flightdeck::Models
