// SPDX-License-Identifier: Apache-2.0
#include "tabregistry.h"

#if __has_include("relationstab.h")
#include "relationstab.h"
#endif
#if __has_include("apitab.h")
#include "apitab.h"
#endif
#if __has_include("docstab.h")
#include "docstab.h"
#endif
#if __has_include("sourcetab.h")
#include "sourcetab.h"
#endif

namespace Flightdeck::Views {

QList<QPair<QString, EntityTabFactory>> entityTabFactories()
{
    QList<QPair<QString, EntityTabFactory>> tabs;
#if __has_include("relationstab.h")
    tabs.push_back({QStringLiteral("relations"), [](AppContext& c, QWidget* p) -> EntityTab* { return new RelationsTab(c, p); }});
#endif
#if __has_include("apitab.h")
    tabs.push_back({QStringLiteral("api"), [](AppContext& c, QWidget* p) -> EntityTab* { return new ApiTab(c, p); }});
#endif
#if __has_include("docstab.h")
    tabs.push_back({QStringLiteral("docs"), [](AppContext& c, QWidget* p) -> EntityTab* { return new DocsTab(c, p); }});
#endif
#if __has_include("sourcetab.h")
    tabs.push_back({QStringLiteral("source"), [](AppContext& c, QWidget* p) -> EntityTab* { return new SourceTab(c, p); }});
#endif
    return tabs;
}

} // namespace Flightdeck::Views
