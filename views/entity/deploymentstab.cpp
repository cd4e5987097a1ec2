// SPDX-License-Identifier: Apache-2.0
#include "deploymentstab.h"

#include "appcontext.h"
#include "deploy/deploymentsview.h"

#include "deploy/deployservice.h"

#include <QVBoxLayout>

namespace Flightdeck::Views {

DeploymentsTab::DeploymentsTab(AppContext& context, QWidget* parent)
    : EntityTab(context, parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 10, 0, 0);
    m_view = new DeploymentsView(context, this);
    // The entity page's header already names the service.
    m_view->setHeaderVisible(false);
    layout->addWidget(m_view);
}

bool DeploymentsTab::appliesTo(const Catalog::Catalog& catalog, int entity) const
{
    const Deploy::DeployService* deploy = context().deploy;
    if (!deploy || entity < 0 || entity >= catalog.size())
        return false;
    const Catalog::Entity& e = catalog.entity(entity);
    if (e.ref.kind.compare(QLatin1String("Component"), Qt::CaseInsensitive) != 0)
        return false;
    if (deploy->deployableServices().contains(e.ref.name))
        return true;
    // The deploy service learns the catalog's annotations just after the page sees a new catalog:
    // a component annotated for deploy counts already.
    for (const auto& [key, value] : e.annotations)
        if (!value.isEmpty()
            && (key.startsWith(QLatin1String("flightdeck.dev/deploy-")) || key == QLatin1String("flightdeck.dev/image")
                || key == QLatin1String("flightdeck.dev/kustomize-overlays")))
            return true;
    return false;
}

void DeploymentsTab::setEntity(const Catalog::CatalogPtr& catalog, int entity)
{
    if (!catalog || entity < 0 || entity >= catalog->size()) {
        m_view->setService({});
        return;
    }
    const Catalog::Entity& e = catalog->entity(entity);
    m_view->setService(e.ref.name, e.displayName());
}

bool DeploymentsTab::isBusy() const
{
    return m_view->isLoading();
}

} // namespace Flightdeck::Views
