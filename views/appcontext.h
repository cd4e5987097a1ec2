// SPDX-License-Identifier: Apache-2.0
#pragma once

namespace Flightdeck::Catalog {
class CatalogService;
}
namespace Flightdeck::Deploy {
class DeployService;
}
namespace Flightdeck::Secrets {
class SecretStore;
}

namespace Flightdeck::Views {

class Navigator;

// What every page may use, built by the application's composition root (no singletons).
struct AppContext
{
    Catalog::CatalogService* catalog = nullptr;
    Secrets::SecretStore* secrets = nullptr;
    Navigator* navigator = nullptr;
    // Deploy, promote and roll back; null when the workspace configures no spec.deploy. The
    // composition root replaces it when the workspace's deploy settings change (the one before
    // stays alive for the operations it runs), so views read it when they load, not once.
    Deploy::DeployService* deploy = nullptr;
};

} // namespace Flightdeck::Views
