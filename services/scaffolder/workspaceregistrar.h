// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "scaffoldactions.h"

#include "sources/sourcespec.h"

#include <QPointer>

namespace Flightdeck::Catalog {
class CatalogService;
}

namespace Flightdeck::Scaffolder {

// catalog:register for the app: the registered location becomes a source of the open workspace
// (saved in the workspace file) and the catalog is refreshed, so the new entity is in
// Flightdeck's catalog as soon as that refresh ends.
//  - a file in a git repository that publish:git pushed ("file:///x/repo.git/catalog-info.yaml",
//    or any URL with a ".git/" segment) becomes a git source following that repository;
//  - otherwise the file in the task's workspace becomes a folder source (the task's workspace is
//    kept), since a github.com URL that no run really created cannot be read.
// Called on the runner's thread; the workspace is edited on the service's thread.
class WorkspaceRegistrar : public CatalogRegistrar
{
public:
    explicit WorkspaceRegistrar(Catalog::CatalogService* service);
    RegisterResult registerLocation(const RegisterRequest& request) override;

    // The source a request becomes (exposed for tests). sourceName: unique, from the entity.
    static bool sourceFor(const RegisterRequest& request, const QString& sourceName, Sources::CatalogSourceSpec& spec,
                          QString* error);

private:
    QPointer<Catalog::CatalogService> m_service; // the app may be closing while a run registers
};

} // namespace Flightdeck::Scaffolder
