#include "routes.hpp"

namespace service {
namespace {

http::Response json(int status, std::string body)
{
    http::Response response;
    response.status = status;
    response.body = std::move(body);
    return response;
}

http::Response error(int status, std::string_view message)
{
    return json(status, R"({"error":")" + http::jsonEscape(message) + R"("})");
}

} // namespace

http::Response handle(const http::Request& request, const ServiceInfo& info)
{
    const bool known = request.path == "/healthz" || request.path == "/readyz" || request.path == "/v1/info"
            || request.path == "/v1/hello";
    if (!known)
        return error(404, "no route for " + request.path);
    if (request.method != "GET" && request.method != "HEAD") {
        auto response = error(405, "method " + request.method + " is not allowed on " + request.path);
        response.headers.emplace_back("Allow", "GET, HEAD");
        return response;
    }

    if (request.path == "/healthz")
        return json(200, R"({"status":"ok"})");
    if (request.path == "/readyz")
        return json(200, R"({"status":"ready"})");
    if (request.path == "/v1/info")
        return json(200, R"({"name":")" + http::jsonEscape(info.name) + R"(","version":")"
                        + http::jsonEscape(info.version) + R"("})");

    std::string name = "world";
    if (const auto it = request.query.find("name"); it != request.query.end())
        name = it->second;
    if (name.empty() || name.size() > 64)
        return error(400, "name must be 1 to 64 characters long");
    return json(200, R"({"message":"Hello, )" + http::jsonEscape(name) + R"(!"})");
}

} // namespace service
