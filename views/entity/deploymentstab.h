// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "entitytab.h"

namespace Flightdeck::Views {

class DeploymentsView;

// A service's deployments on its entity page: the environments, the history and the actions of
// DeploymentsView. Shown for Components the deploy service can deploy; it reads nothing until the
// tab is opened.
class DeploymentsTab final : public EntityTab
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeploymentsTab)

public:
    explicit DeploymentsTab(AppContext& context, QWidget* parent = nullptr);
    QString title() const override { return tr("Deployments"); }
    QString iconName() const override { return QStringLiteral("rocket"); }
    bool appliesTo(const Catalog::Catalog& catalog, int entity) const override;
    void setEntity(const Catalog::CatalogPtr& catalog, int entity) override;
    bool isBusy() const override;

    DeploymentsView* view() const { return m_view; }

private:
    DeploymentsView* m_view = nullptr;
};

} // namespace Flightdeck::Views
