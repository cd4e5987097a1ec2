// SPDX-License-Identifier: Apache-2.0
#include "diagnosticsmodel.h"

#include "modelroles.h"

#include <QFileInfo>

namespace Flightdeck::Models {

DiagnosticsModel::DiagnosticsModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void DiagnosticsModel::setDiagnostics(const Catalog::Diagnostics& diagnostics)
{
    beginResetModel();
    m_items = diagnostics;
    // Errors first, then by file and position: the order a person fixes them in.
    std::stable_sort(m_items.begin(), m_items.end(), [](const Catalog::Diagnostic& a, const Catalog::Diagnostic& b) {
        if (a.severity != b.severity)
            return a.severity == Catalog::Severity::Error;
        if (a.file != b.file)
            return a.file < b.file;
        return a.line != b.line ? a.line < b.line : a.column < b.column;
    });
    endResetModel();
}

int DiagnosticsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_items.size());
}

int DiagnosticsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant DiagnosticsModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_items.size())
        return {};
    const Catalog::Diagnostic& d = m_items[index.row()];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Severity: return Catalog::severityName(d.severity);
        case Location: {
            QString where = QFileInfo(d.file).fileName().isEmpty() ? d.file : QFileInfo(d.file).fileName();
            if (d.line > 0)
                where += QLatin1Char(':') + QString::number(d.line);
            return where;
        }
        case Entity: return d.entity;
        case Field: return d.field;
        case Message: return d.message;
        }
        return {};
    case Qt::DecorationRole:
        if (index.column() == Severity && m_icons)
            return m_icons(d.severity);
        return {};
    case Qt::ToolTipRole: {
        QString tip = d.toText().toHtmlEscaped();
        tip.replace(QLatin1Char('\n'), QStringLiteral("<br>"));
        if (!d.backstage.isEmpty())
            tip += QStringLiteral("<br><br><i>Backstage: ") + d.backstage.toHtmlEscaped() + QStringLiteral("</i>");
        return tip;
    }
    case SeverityRole: return int(d.severity);
    case FilePathRole: return d.file;
    case LineRole: return d.line;
    case ColumnRole: return d.column;
    case EntityKeyRole: return d.entity;
    case CodeRole: return d.code;
    case FilterRole: return QString(d.message + QLatin1Char(' ') + d.file + QLatin1Char(' ') + d.entity + QLatin1Char(' ') + d.field + QLatin1Char(' ') + d.code);
    default: return {};
    }
}

QVariant DiagnosticsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Severity: return tr("Severity");
    case Location: return tr("Location");
    case Entity: return tr("Entity");
    case Field: return tr("Field");
    case Message: return tr("Problem");
    }
    return {};
}

} // namespace Flightdeck::Models
