// SPDX-License-Identifier: Apache-2.0
#include "gitnetwork.h"

#include <git2.h>
#include <git2/sys/stream.h>

#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace Flightdeck::Git::Detail {

namespace {

using Clock = std::chrono::steady_clock;
constexpr int sliceMs = 50;

qint64 nowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch()).count();
}

QString seconds(int ms)
{
    return ms % 1000 == 0 ? QString::number(ms / 1000) : QString::number(ms / 1000.0, 'f', 1);
}

} // namespace

struct NetworkState
{
    NetworkTimeouts timeouts;
    const std::atomic<bool>* cancel = nullptr;
    std::atomic<qint64> lastActivity { nowMs() };
    std::atomic<int> connections { 0 };

    mutable std::mutex mutex;
    std::condition_variable wake;
    std::vector<int> sockets; // open descriptors; closed only under `mutex`
    Error failure;
    bool stopping = false;
    std::thread watchdog;

    bool cancelRequested() const { return cancel && cancel->load(std::memory_order_relaxed); }
    void touch() { lastActivity.store(nowMs(), std::memory_order_relaxed); }
    bool idleExpired() const { return nowMs() - lastActivity.load(std::memory_order_relaxed) > timeouts.idleMs; }

    void recordFailureLocked(const Error& error)
    {
        if (!failure.isError() || error.kind == ErrorKind::Cancelled)
            failure = error;
    }
    void recordFailure(const Error& error)
    {
        std::lock_guard lock(mutex);
        recordFailureLocked(error);
    }
    Error currentFailure() const
    {
        std::lock_guard lock(mutex);
        return failure;
    }

    void addSocket(int fd)
    {
        std::lock_guard lock(mutex);
        sockets.push_back(fd);
        ++connections;
        if (!watchdog.joinable() && !stopping)
            watchdog = std::thread([this] { watch(); });
    }
    void closeSocket(int fd)
    {
        std::lock_guard lock(mutex);
        std::erase(sockets, fd);
        ::close(fd);
    }

    // libssh2 reads the socket directly, so only shutting the socket down from another thread
    // interrupts it.
    void watch()
    {
        std::unique_lock lock(mutex);
        while (!stopping) {
            wake.wait_for(lock, std::chrono::milliseconds(sliceMs));
            if (stopping || sockets.empty())
                continue;
            if (cancelRequested()) {
                recordFailureLocked(Error::make(ErrorKind::Cancelled, QStringLiteral("cancelled")));
            } else if (idleExpired()) {
                recordFailureLocked(Error::make(ErrorKind::Timeout,
                    QStringLiteral("the server sent nothing for %1 s").arg(seconds(timeouts.idleMs)),
                    QStringLiteral("The server accepted the connection but does not answer: check that the URL "
                                   "points to a git server (host, port, protocol), or raise the timeout")));
            } else {
                continue;
            }
            for (int fd : sockets)
                ::shutdown(fd, SHUT_RDWR);
        }
    }
    void stopWatchdog()
    {
        {
            std::lock_guard lock(mutex);
            stopping = true;
        }
        wake.notify_all();
        if (watchdog.joinable())
            watchdog.join();
    }
};

namespace {

thread_local std::shared_ptr<NetworkState> t_current;

// Layout of libgit2 1.5's git_socket_stream, which its SSH transport relies on (see the header).
struct SocketStream
{
    git_stream parent;
    char* host;
    char* port;
    int s;
    // ours, after the part libgit2 knows about
    std::shared_ptr<NetworkState>* state;
    NetworkTimeouts defaults;
};
static_assert(offsetof(SocketStream, s) == sizeof(git_stream) + 2 * sizeof(char*),
    "SocketStream must start like libgit2's git_socket_stream");

NetworkState* stateOf(SocketStream* st)
{
    return st->state ? st->state->get() : nullptr;
}

const NetworkTimeouts& timeoutsOf(SocketStream* st)
{
    NetworkState* state = stateOf(st);
    return state ? state->timeouts : st->defaults;
}

QString endpoint(SocketStream* st)
{
    const QString host = QString::fromUtf8(st->host);
    const QString port = QString::fromUtf8(st->port);
    return host.contains(QLatin1Char(':')) ? QStringLiteral("[%1]:%2").arg(host, port)
                                           : QStringLiteral("%1:%2").arg(host, port);
}

int fail(SocketStream* st, const Error& error)
{
    if (NetworkState* state = stateOf(st))
        state->recordFailure(error);
    git_error_set_str(GIT_ERROR_NET, error.message.toUtf8().constData());
    return -1;
}

// A broken connection is reported through libgit2 only: libgit2 may retry on a fresh connection,
// and a failure that did not end the operation must not be blamed for a later one.
int failTransient(const Error& error)
{
    git_error_set_str(GIT_ERROR_NET, error.message.toUtf8().constData());
    return -1;
}

bool cancelled(SocketStream* st)
{
    NetworkState* state = stateOf(st);
    return state && state->cancelRequested();
}

int failCancelled(SocketStream* st)
{
    return fail(st, Error::make(ErrorKind::Cancelled, QStringLiteral("cancelled")));
}

void touch(SocketStream* st)
{
    if (NetworkState* state = stateOf(st))
        state->touch();
}

// getaddrinfo cannot be interrupted, so it runs on its own thread; a lookup we stop waiting for
// finishes there and frees its own result.
struct ResolveJob
{
    std::mutex mutex;
    std::condition_variable done;
    bool finished = false;
    bool abandoned = false;
    int rc = 0;
    addrinfo* result = nullptr;
};

int resolve(SocketStream* st, addrinfo** out)
{
    auto job = std::make_shared<ResolveJob>();
    std::thread([job, host = std::string(st->host), port = std::string(st->port)] {
        addrinfo hints {};
        hints.ai_socktype = SOCK_STREAM;
        hints.ai_family = AF_UNSPEC;
        addrinfo* result = nullptr;
        const int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &result);
        std::lock_guard lock(job->mutex);
        if (job->abandoned) {
            if (result)
                ::freeaddrinfo(result);
            return;
        }
        job->rc = rc;
        job->result = result;
        job->finished = true;
        job->done.notify_all();
    }).detach();

    const NetworkTimeouts& timeouts = timeoutsOf(st);
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeouts.resolveMs);
    std::unique_lock lock(job->mutex);
    while (!job->finished) {
        if (cancelled(st) || Clock::now() >= deadline) {
            job->abandoned = true;
            lock.unlock();
            if (cancelled(st))
                return failCancelled(st);
            return fail(st,
                Error::make(ErrorKind::Timeout,
                    QStringLiteral("looking up the host name '%1' took longer than %2 s")
                        .arg(QString::fromUtf8(st->host), seconds(timeouts.resolveMs)),
                    QStringLiteral("Check your network connection and DNS (VPN?)")));
        }
        job->done.wait_for(lock, std::chrono::milliseconds(sliceMs));
    }
    if (job->rc != 0) {
        const QString reason = QString::fromUtf8(::gai_strerror(job->rc));
        return fail(st,
            Error::make(ErrorKind::HostNotFound,
                QStringLiteral("could not resolve the host name '%1': %2").arg(QString::fromUtf8(st->host), reason),
                QStringLiteral("Check the host name in the URL, your network connection and DNS (VPN?)")));
    }
    *out = job->result;
    return 0;
}

// Connects one address. Returns the socket, or -1 with errno set (ETIMEDOUT on timeout, ECANCELED).
int connectOne(SocketStream* st, const addrinfo* address)
{
    const int fd
        = ::socket(address->ai_family, address->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, address->ai_protocol);
    if (fd < 0)
        return -1;
    if (::connect(fd, address->ai_addr, address->ai_addrlen) == 0)
        return fd;
    if (errno != EINPROGRESS) {
        const int saved = errno;
        ::close(fd);
        errno = saved;
        return -1;
    }
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeoutsOf(st).connectMs);
    for (;;) {
        if (cancelled(st)) {
            ::close(fd);
            errno = ECANCELED;
            return -1;
        }
        if (Clock::now() >= deadline) {
            ::close(fd);
            errno = ETIMEDOUT;
            return -1;
        }
        pollfd p { fd, POLLOUT, 0 };
        const int rc = ::poll(&p, 1, sliceMs);
        if (rc < 0 && errno != EINTR) {
            const int saved = errno;
            ::close(fd);
            errno = saved;
            return -1;
        }
        if (rc > 0) {
            int error = 0;
            socklen_t length = sizeof(error);
            if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) < 0)
                error = errno;
            if (error == 0)
                return fd;
            ::close(fd);
            errno = error;
            return -1;
        }
    }
}

int streamConnect(git_stream* stream)
{
    auto* st = reinterpret_cast<SocketStream*>(stream);
    addrinfo* addresses = nullptr;
    if (resolve(st, &addresses) < 0)
        return -1;

    int fd = -1;
    int lastErrno = ECONNREFUSED;
    for (const addrinfo* address = addresses; address; address = address->ai_next) {
        fd = connectOne(st, address);
        if (fd >= 0)
            break;
        lastErrno = errno;
        if (lastErrno == ECANCELED || lastErrno == ETIMEDOUT)
            break;
    }
    ::freeaddrinfo(addresses);

    if (fd < 0) {
        const QString where = endpoint(st);
        switch (lastErrno) {
        case ECANCELED:
            return failCancelled(st);
        case ETIMEDOUT:
            return fail(st,
                Error::make(ErrorKind::Timeout,
                    QStringLiteral("no answer from %1 within %2 s").arg(where, seconds(timeoutsOf(st).connectMs)),
                    QStringLiteral("The host does not respond: check the URL, your network, VPN or proxy")));
        case ECONNREFUSED:
            return fail(st,
                Error::make(ErrorKind::ConnectionRefused, QStringLiteral("the connection to %1 was refused").arg(where),
                    QStringLiteral("Nothing listens there: check the host and port in the URL and that the server "
                                   "is running")));
        default:
            return fail(st,
                Error::make(ErrorKind::Network,
                    QStringLiteral("cannot connect to %1: %2")
                        .arg(where, QString::fromLocal8Bit(std::strerror(lastErrno))),
                    QStringLiteral("Check your network connection, VPN or proxy")));
        }
    }

    st->s = fd;
    if (NetworkState* state = stateOf(st)) {
        state->addSocket(fd);
        state->touch();
    }
    return 0;
}

// Waits until the socket is ready for `events`, the idle deadline passes or the caller cancels.
int waitReady(SocketStream* st, short events)
{
    const NetworkTimeouts& timeouts = timeoutsOf(st);
    NetworkState* state = stateOf(st);
    const qint64 localStart = nowMs();
    for (;;) {
        if (cancelled(st))
            return failCancelled(st);
        const qint64 last = state ? state->lastActivity.load(std::memory_order_relaxed) : localStart;
        if (nowMs() - last > timeouts.idleMs)
            return fail(st,
                Error::make(ErrorKind::Timeout,
                    QStringLiteral("%1 sent nothing for %2 s").arg(endpoint(st), seconds(timeouts.idleMs)),
                    QStringLiteral("The server accepted the connection but does not answer: check that the URL "
                                   "points to a git server (host, port, protocol), or raise the timeout")));
        pollfd p { st->s, events, 0 };
        const int rc = ::poll(&p, 1, sliceMs);
        if (rc > 0)
            return 0;
        if (rc < 0 && errno != EINTR)
            return failTransient(Error::make(ErrorKind::Network,
                QStringLiteral("connection to %1 failed: %2")
                    .arg(endpoint(st), QString::fromLocal8Bit(std::strerror(errno)))));
    }
}

// When the watchdog shut the socket down, report why instead of a bare end of stream.
int failIfInterrupted(SocketStream* st)
{
    NetworkState* state = stateOf(st);
    if (!state)
        return 0;
    const Error failure = state->currentFailure();
    if (!failure.isError())
        return 0;
    git_error_set_str(GIT_ERROR_NET, failure.message.toUtf8().constData());
    return -1;
}

ssize_t streamRead(git_stream* stream, void* data, size_t length)
{
    auto* st = reinterpret_cast<SocketStream*>(stream);
    for (;;) {
        const ssize_t n = ::recv(st->s, data, length, 0);
        if (n > 0) {
            touch(st);
            return n;
        }
        if (n == 0)
            return failIfInterrupted(st);
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            if (failIfInterrupted(st) < 0)
                return -1;
            return failTransient(Error::make(ErrorKind::Network,
                QStringLiteral("reading from %1 failed: %2")
                    .arg(endpoint(st), QString::fromLocal8Bit(std::strerror(errno)))));
        }
        if (waitReady(st, POLLIN) < 0)
            return -1;
    }
}

ssize_t streamWrite(git_stream* stream, const char* data, size_t length, int flags)
{
    Q_UNUSED(flags);
    auto* st = reinterpret_cast<SocketStream*>(stream);
    for (;;) {
        const ssize_t n = ::send(st->s, data, length, MSG_NOSIGNAL);
        if (n >= 0) {
            touch(st);
            return n;
        }
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            if (failIfInterrupted(st) < 0)
                return -1;
            return failTransient(Error::make(ErrorKind::Network,
                QStringLiteral("writing to %1 failed: %2")
                    .arg(endpoint(st), QString::fromLocal8Bit(std::strerror(errno)))));
        }
        if (waitReady(st, POLLOUT) < 0)
            return -1;
    }
}

int streamClose(git_stream* stream)
{
    auto* st = reinterpret_cast<SocketStream*>(stream);
    if (st->s >= 0) {
        if (NetworkState* state = stateOf(st))
            state->closeSocket(st->s);
        else
            ::close(st->s);
        st->s = -1;
    }
    return 0;
}

void streamFree(git_stream* stream)
{
    auto* st = reinterpret_cast<SocketStream*>(stream);
    if (st->s >= 0)
        streamClose(stream);
    std::free(st->host);
    std::free(st->port);
    delete st->state;
    delete st;
}

int streamInit(git_stream** out, const char* host, const char* port)
{
    if (!host || !port) {
        git_error_set_str(GIT_ERROR_NET, "no host or port to connect to");
        return -1;
    }
    auto* st = new SocketStream {};
    st->parent.version = GIT_STREAM_VERSION;
    st->parent.encrypted = 0;
    st->parent.proxy_support = 0;
    st->parent.connect = streamConnect;
    st->parent.read = streamRead;
    st->parent.write = streamWrite;
    st->parent.close = streamClose;
    st->parent.free = streamFree;
    st->host = ::strdup(host);
    st->port = ::strdup(port);
    st->s = -1;
    st->state = t_current ? new std::shared_ptr<NetworkState>(t_current) : nullptr;
    *out = &st->parent;
    return 0;
}

} // namespace

void installSocketStream()
{
    git_stream_registration registration {};
    registration.version = GIT_STREAM_VERSION;
    registration.init = streamInit;
    registration.wrap = nullptr;
    git_stream_register(GIT_STREAM_STANDARD, &registration);
}

NetworkScope::NetworkScope(const NetworkTimeouts& timeouts, const std::atomic<bool>* cancel)
    : m_state(std::make_shared<NetworkState>())
    , m_previous(t_current)
{
    m_state->timeouts = timeouts;
    m_state->cancel = cancel;
    installSocketStream();
    t_current = m_state;
}

NetworkScope::~NetworkScope()
{
    m_state->stopWatchdog();
    t_current = m_previous;
}

void NetworkScope::touch()
{
    m_state->touch();
}

bool NetworkScope::cancelRequested() const
{
    return m_state->cancelRequested();
}

Error NetworkScope::failure() const
{
    return m_state->currentFailure();
}

int NetworkScope::connectionsOpened() const
{
    return m_state->connections.load();
}

} // namespace Flightdeck::Git::Detail
