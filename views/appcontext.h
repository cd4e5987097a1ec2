// SPDX-License-Identifier: Apache-2.0
#pragma once

namespace Flightdeck::Catalog {
class CatalogService;
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
};

} // namespace Flightdeck::Views
