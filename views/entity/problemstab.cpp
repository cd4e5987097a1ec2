// SPDX-License-Identifier: Apache-2.0
#include "problemstab.h"

#include "appcontext.h"
#include "icons.h"
#include "navigation.h"

#include "diagnosticsmodel.h"
#include "modelroles.h"

#include <QHeaderView>
#include <QTableView>
#include <QVBoxLayout>

namespace Flightdeck::Views {

ProblemsTab::ProblemsTab(AppContext& context, QWidget* parent)
    : EntityTab(context, parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 8, 0, 0);
    m_model = new Models::DiagnosticsModel(this);
    m_model->setIconProvider([](Catalog::Severity s) {
        return Icons::get(s == Catalog::Severity::Error ? QStringLiteral("circle-x") : QStringLiteral("triangle-alert"));
    });
    m_table = new QTableView(this);
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setWordWrap(true);
    m_table->setShowGrid(false);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setColumnHidden(Models::DiagnosticsModel::Entity, true);
    m_table->setColumnWidth(Models::DiagnosticsModel::Severity, 90);
    m_table->setColumnWidth(Models::DiagnosticsModel::Location, 180);
    m_table->setColumnWidth(Models::DiagnosticsModel::Field, 180);
    layout->addWidget(m_table);
    connect(m_table, &QTableView::activated, this, [this](const QModelIndex& index) {
        const int line = index.data(Models::LineRole).toInt();
        this->context().navigator->goTo(QStringLiteral("entity:") + m_key + QStringLiteral("/source:") + QString::number(line));
    });
}

QString ProblemsTab::title() const
{
    return tr("Problems (%1)").arg(m_count);
}

bool ProblemsTab::appliesTo(const Catalog::Catalog& catalog, int entity) const
{
    return !catalog.diagnosticsOf(entity).isEmpty();
}

void ProblemsTab::setEntity(const Catalog::CatalogPtr& catalog, int entity)
{
    Catalog::Diagnostics list;
    if (entity >= 0) {
        m_key = catalog->entity(entity).key;
        for (int d : catalog->diagnosticsOf(entity))
            list << catalog->diagnostics()[d];
    }
    m_count = int(list.size());
    m_model->setDiagnostics(list);
    m_table->resizeRowsToContents();
}

} // namespace Flightdeck::Views
