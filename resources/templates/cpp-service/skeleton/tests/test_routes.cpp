#include "check.hpp"
#include "routes.hpp"

using namespace service;

namespace {

http::Response get(const std::string& path, std::map<std::string, std::string> query = {})
{
    http::Request request;
    request.method = "GET";
    request.path = path;
    request.query = std::move(query);
    return handle(request, { "demo", "1.2.3" });
}

} // namespace

int main()
{
    CHECK(get("/healthz").status == 200);
    CHECK(get("/healthz").body == R"({"status":"ok"})");
    CHECK(get("/readyz").status == 200);
    CHECK(get("/v1/info").body == R"({"name":"demo","version":"1.2.3"})");

    CHECK(get("/v1/hello").body == R"({"message":"Hello, world!"})");
    CHECK(get("/v1/hello", { { "name", "Ada \"the first\"" } }).body == R"({"message":"Hello, Ada \"the first\"!"})");
    CHECK(get("/v1/hello", { { "name", "" } }).status == 400);
    CHECK(get("/v1/hello", { { "name", std::string(65, 'x') } }).status == 400);
    CHECK(get("/v1/hello", { { "name", std::string(64, 'x') } }).status == 200);

    CHECK(get("/nope").status == 404);
    {
        http::Request request;
        request.method = "POST";
        request.path = "/v1/hello";
        const auto response = handle(request, { "demo", "1.2.3" });
        CHECK(response.status == 405);
        CHECK(!response.headers.empty() && response.headers.front().first == "Allow");
    }
    return testResult("test_routes");
}
