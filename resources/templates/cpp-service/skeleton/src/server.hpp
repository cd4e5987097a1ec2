// A small blocking HTTP server: one thread per connection, one request per connection.
#pragma once

#include "routes.hpp"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>

namespace service {

class Server {
public:
    // Binds and listens at once; throws std::system_error when the address cannot be used.
    // Port 0 picks a free port (see port()).
    Server(const std::string& host, std::uint16_t port, ServiceInfo info);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    std::uint16_t port() const { return m_port; }

    // Serves until stop() is called, then waits for the requests in flight to finish.
    void run();
    // Safe to call from any thread, any number of times.
    void stop();

private:
    void serveConnection(int fd);

    ServiceInfo m_info;
    int m_listenFd = -1;
    int m_wakeFds[2] = { -1, -1 };
    std::uint16_t m_port = 0;
    std::atomic<bool> m_stopping { false };
    std::mutex m_mutex;
    std::condition_variable m_idle;
    int m_active = 0;
};

} // namespace service
