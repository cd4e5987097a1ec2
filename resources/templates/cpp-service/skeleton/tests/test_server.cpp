// Starts the real server on a free loopback port and talks HTTP to it over a socket.
#include "check.hpp"
#include "server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>

namespace {

std::string exchange(std::uint16_t port, const std::string& request)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        ::close(fd);
        return {};
    }
    ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    std::string response;
    char buffer[1024];
    ssize_t n = 0;
    while ((n = ::recv(fd, buffer, sizeof buffer, 0)) > 0)
        response.append(buffer, static_cast<std::size_t>(n));
    ::close(fd);
    return response;
}

} // namespace

int main()
{
    service::Server server("127.0.0.1", 0, { "demo", "1.2.3" });
    CHECK(server.port() != 0);
    std::thread serving([&server] { server.run(); });

    const std::string health = exchange(server.port(), "GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n");
    CHECK(health.starts_with("HTTP/1.1 200 OK\r\n"));
    CHECK(health.ends_with(R"({"status":"ok"})"));

    const std::string hello = exchange(server.port(), "GET /v1/hello?name=CTest HTTP/1.1\r\nHost: test\r\n\r\n");
    CHECK(hello.ends_with(R"({"message":"Hello, CTest!"})"));

    const std::string head = exchange(server.port(), "HEAD /v1/info HTTP/1.1\r\nHost: test\r\n\r\n");
    CHECK(head.starts_with("HTTP/1.1 200 OK\r\n"));
    CHECK(head.ends_with("\r\n\r\n"));

    const std::string garbage = exchange(server.port(), "NOT HTTP\r\n\r\n");
    CHECK(garbage.starts_with("HTTP/1.1 400 Bad Request\r\n"));

    server.stop();
    serving.join();
    return testResult("test_server");
}
