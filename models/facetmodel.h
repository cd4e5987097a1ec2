// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "catalog/searchindex.h"

#include <QAbstractListModel>
#include <QSet>

#include <functional>

namespace Flightdeck::Models {

// The values of one facet with their counts, checkable. Checking values is the filter's
// selection for this facet (OR within the facet).
class FacetModel : public QAbstractListModel
{
    Q_OBJECT
public:
    explicit FacetModel(Catalog::Facet facet, QObject* parent = nullptr);

    Catalog::Facet facet() const { return m_facet; }
    // New counts from a search; selected values are kept (and listed even at count 0).
    void setCounts(const QList<Catalog::FacetCount>& counts);
    QStringList selected() const;
    void setSelected(const QStringList& values);
    void clearSelection();

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;

    // How values read: "group:default/team-a" -> "team-a"; a Kind as written.
    static QString label(Catalog::Facet facet, const QString& value);
    // Overrides label(), e.g. to show the owning group's title.
    void setLabelProvider(std::function<QString(const QString& value)> provider) { m_labels = std::move(provider); }

Q_SIGNALS:
    void selectionChanged();

private:
    Catalog::Facet m_facet;
    QList<Catalog::FacetCount> m_counts;
    QSet<QString> m_selected;
    std::function<QString(const QString&)> m_labels;
};

} // namespace Flightdeck::Models
