// The service's HTTP API. Pure functions of the request, so they are tested without sockets.
#pragma once

#include "http.hpp"

#include <string>

namespace service {

struct ServiceInfo {
    std::string name;
    std::string version;
};

// GET /healthz     liveness: the process is up
// GET /readyz      readiness: the service accepts traffic
// GET /v1/info     the service name and version
// GET /v1/hello    a greeting; optional query parameter `name` (1 to 64 characters)
http::Response handle(const http::Request& request, const ServiceInfo& info);

} // namespace service
