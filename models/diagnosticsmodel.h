// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "catalog/diagnostic.h"

#include <QAbstractTableModel>
#include <QIcon>

#include <functional>

namespace Flightdeck::Models {

// Diagnostics as a table: severity, location, entity, field, message. The full Diagnostic (hint,
// Backstage's message) is in DiagnosticRole's tooltip and FilePathRole/LineRole for opening it.
class DiagnosticsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Severity, Location, Entity, Field, Message, ColumnCount };

    explicit DiagnosticsModel(QObject* parent = nullptr);

    void setDiagnostics(const Catalog::Diagnostics& diagnostics);
    const Catalog::Diagnostic& diagnostic(int row) const { return m_items[row]; }
    using IconProvider = std::function<QIcon(Catalog::Severity)>;
    void setIconProvider(IconProvider provider) { m_icons = std::move(provider); }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    Catalog::Diagnostics m_items;
    IconProvider m_icons;
};

} // namespace Flightdeck::Models
