// ${{ values.name }}: entry point. Configuration comes from the environment:
//   PORT  the TCP port to listen on (default ${{ values.port }})
//   HOST  the IPv4 address to bind (default 0.0.0.0)
#include "server.hpp"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <pthread.h>
#include <string>
#include <thread>

#ifndef SERVICE_NAME
#define SERVICE_NAME "${{ values.name }}"
#endif
#ifndef SERVICE_VERSION
#define SERVICE_VERSION "0.0.0"
#endif

namespace {

std::string environment(const char* name, const char* fallback)
{
    const char* value = std::getenv(name);
    return value && *value ? value : fallback;
}

} // namespace

int main()
{
    // Handle SIGTERM and SIGINT on one dedicated thread: block them everywhere, then sigwait.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    try {
        const std::string host = environment("HOST", "0.0.0.0");
        const int port = std::stoi(environment("PORT", "${{ values.port }}"));
        if (port < 0 || port > 65535)
            throw std::out_of_range("PORT must be between 0 and 65535");

        service::Server server(host, static_cast<std::uint16_t>(port), { SERVICE_NAME, SERVICE_VERSION });
        std::thread([&server, signals] {
            int received = 0;
            sigwait(&signals, &received);
            server.stop();
        }).detach();
        std::printf(R"({"message":"listening","host":"%s","port":%u,"version":"%s"})" "\n", host.c_str(),
                    static_cast<unsigned>(server.port()), SERVICE_VERSION);
        std::fflush(stdout);
        server.run();
        std::printf(R"({"message":"stopped"})" "\n");
        return EXIT_SUCCESS;
    } catch (const std::exception& e) {
        std::fprintf(stderr, R"({"message":"fatal","error":"%s"})" "\n", service::http::jsonEscape(e.what()).c_str());
        return EXIT_FAILURE;
    }
}
