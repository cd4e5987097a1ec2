// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "entitytab.h"

class QTableView;

namespace Flightdeck::Models {
class DiagnosticsModel;
}

namespace Flightdeck::Views {

// The entity's own diagnostics; opening one shows it in the Source tab at its line.
class ProblemsTab : public EntityTab
{
    Q_OBJECT
public:
    explicit ProblemsTab(AppContext& context, QWidget* parent = nullptr);
    QString title() const override;
    QString iconName() const override { return QStringLiteral("triangle-alert"); }
    bool appliesTo(const Catalog::Catalog& catalog, int entity) const override;
    void setEntity(const Catalog::CatalogPtr& catalog, int entity) override;

private:
    Models::DiagnosticsModel* m_model = nullptr;
    QTableView* m_table = nullptr;
    int m_count = 0;
    QString m_key;
};

} // namespace Flightdeck::Views
