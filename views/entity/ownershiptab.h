// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "entitytab.h"

class QCheckBox;
class QLabel;
class QTableView;

namespace Flightdeck::Models {
class CatalogTableModel;
}

namespace Flightdeck::Views {

// For groups and people: where they sit in the organisation (parents, sub-groups, members or
// memberships) and everything they own, directly or through their sub-groups.
class OwnershipTab : public EntityTab
{
    Q_OBJECT
public:
    explicit OwnershipTab(AppContext& context, QWidget* parent = nullptr);
    QString title() const override;
    QString iconName() const override { return QStringLiteral("users"); }
    bool appliesTo(const Catalog::Catalog& catalog, int entity) const override;
    void setEntity(const Catalog::CatalogPtr& catalog, int entity) override;

    Models::CatalogTableModel* ownedModel() const { return m_model; }
    QCheckBox* includeSubGroups() const { return m_subGroups; }

private:
    void fill();

    Catalog::CatalogPtr m_catalog;
    int m_entity = -1;
    QLabel* m_hierarchy = nullptr;
    QLabel* m_ownedTitle = nullptr;
    QCheckBox* m_subGroups = nullptr;
    QTableView* m_table = nullptr;
    Models::CatalogTableModel* m_model = nullptr;
};

} // namespace Flightdeck::Views
