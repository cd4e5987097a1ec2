#include "server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <system_error>
#include <thread>

namespace service {
namespace {

constexpr std::size_t kMaxHeadBytes = 8192;

[[noreturn]] void throwErrno(const char* what)
{
    throw std::system_error(errno, std::generic_category(), what);
}

void sendAll(int fd, const std::string& data)
{
    std::size_t sent = 0;
    while (sent < data.size()) {
        const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        sent += static_cast<std::size_t>(n);
    }
}

void logRequest(const std::string& method, const std::string& path, int status, double millis)
{
    static std::mutex logMutex;
    const std::lock_guard lock(logMutex);
    std::printf(R"({"method":"%s","path":"%s","status":%d,"duration_ms":%.3f})" "\n",
                http::jsonEscape(method).c_str(), http::jsonEscape(path).c_str(), status, millis);
    std::fflush(stdout);
}

} // namespace

Server::Server(const std::string& host, std::uint16_t port, ServiceInfo info)
    : m_info(std::move(info))
{
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    if (::inet_pton(AF_INET, host.c_str(), &address.sin_addr) != 1)
        throw std::system_error(std::make_error_code(std::errc::invalid_argument), "invalid IPv4 address " + host);

    m_listenFd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (m_listenFd < 0)
        throwErrno("socket");
    const int yes = 1;
    ::setsockopt(m_listenFd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    if (::bind(m_listenFd, reinterpret_cast<sockaddr*>(&address), sizeof address) < 0) {
        const int saved = errno;
        ::close(m_listenFd);
        throw std::system_error(saved, std::generic_category(), "bind " + host + ':' + std::to_string(port));
    }
    if (::listen(m_listenFd, SOMAXCONN) < 0)
        throwErrno("listen");
    socklen_t length = sizeof address;
    ::getsockname(m_listenFd, reinterpret_cast<sockaddr*>(&address), &length);
    m_port = ntohs(address.sin_port);
    if (::pipe2(m_wakeFds, O_CLOEXEC) < 0)
        throwErrno("pipe2");
}

Server::~Server()
{
    stop();
    std::unique_lock lock(m_mutex);
    m_idle.wait(lock, [this] { return m_active == 0; });
    for (const int fd : { m_listenFd, m_wakeFds[0], m_wakeFds[1] })
        if (fd >= 0)
            ::close(fd);
}

void Server::stop()
{
    if (!m_stopping.exchange(true)) {
        const char byte = 1;
        [[maybe_unused]] const auto n = ::write(m_wakeFds[1], &byte, 1);
    }
}

void Server::run()
{
    while (!m_stopping) {
        pollfd fds[2] = { { m_listenFd, POLLIN, 0 }, { m_wakeFds[0], POLLIN, 0 } };
        if (::poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            throwErrno("poll");
        }
        if (fds[1].revents != 0 || m_stopping)
            break;
        const int client = ::accept4(m_listenFd, nullptr, nullptr, SOCK_CLOEXEC);
        if (client < 0)
            continue; // the peer went away between poll and accept, or we are out of descriptors for a moment
        {
            const std::lock_guard lock(m_mutex);
            ++m_active;
        }
        std::thread([this, client] { serveConnection(client); }).detach();
    }
    std::unique_lock lock(m_mutex);
    m_idle.wait(lock, [this] { return m_active == 0; });
}

void Server::serveConnection(int fd)
{
    const auto started = std::chrono::steady_clock::now();
    timeval timeout { 5, 0 };
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);

    std::string head;
    http::Response response;
    std::string method = "-";
    std::string path = "-";
    bool complete = false;
    char buffer[2048];
    while (head.size() <= kMaxHeadBytes) {
        const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        head.append(buffer, static_cast<std::size_t>(n));
        if (head.find("\r\n\r\n") != std::string::npos) {
            complete = true;
            break;
        }
    }

    if (!complete) {
        response.status = head.size() > kMaxHeadBytes ? 431 : (head.empty() ? 0 : 408);
        response.body = R"({"error":"incomplete request"})";
    } else if (const auto request = http::parseRequestHead(head.substr(0, head.find("\r\n\r\n") + 4))) {
        method = request->method;
        path = request->path;
        response = handle(*request, m_info);
    } else {
        response.status = 400;
        response.body = R"({"error":"malformed request"})";
    }

    if (response.status != 0) { // 0: the peer connected and sent nothing, as TCP probes do
        std::string bytes = http::serialize(response);
        if (method == "HEAD")
            bytes.resize(bytes.size() - response.body.size());
        sendAll(fd, bytes);
    }
    ::shutdown(fd, SHUT_WR);
    ::close(fd);
    if (response.status != 0) {
        const double millis = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
        logRequest(method, path, response.status, millis);
    }

    const std::lock_guard lock(m_mutex);
    if (--m_active == 0)
        m_idle.notify_all();
}

} // namespace service
