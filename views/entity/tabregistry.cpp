// SPDX-License-Identifier: Apache-2.0
#include "tabregistry.h"

#include "apitab.h"
#include "deploymentstab.h"
#include "docstab.h"
#include "relationstab.h"
#include "sourcetab.h"

namespace Flightdeck::Views {

QList<QPair<QString, EntityTabFactory>> entityTabFactories()
{
    return {
        {QStringLiteral("relations"), [](AppContext& c, QWidget* p) -> EntityTab* { return new RelationsTab(c, p); }},
        {QStringLiteral("api"), [](AppContext& c, QWidget* p) -> EntityTab* { return new ApiTab(c, p); }},
        {QStringLiteral("docs"), [](AppContext& c, QWidget* p) -> EntityTab* { return new DocsTab(c, p); }},
        {QStringLiteral("source"), [](AppContext& c, QWidget* p) -> EntityTab* { return new SourceTab(c, p); }},
        {QStringLiteral("deployments"), [](AppContext& c, QWidget* p) -> EntityTab* { return new DeploymentsTab(c, p); }},
    };
}

} // namespace Flightdeck::Views
