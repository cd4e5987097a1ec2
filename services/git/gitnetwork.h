// SPDX-License-Identifier: Apache-2.0
#pragma once

// Timeouts and prompt cancellation for libgit2 1.5 network operations (internal to services/git).
//
// libgit2 1.5 has no connect or read timeout (GIT_OPT_SET_SERVER_TIMEOUT arrived in 1.7), and a
// cancel flag is only looked at when libgit2 calls one of our callbacks, which it does not while it
// waits for a silent server. So:
//
// 1. We register our own GIT_STREAM_STANDARD socket stream (git2/sys/stream.h). libgit2 1.5 creates
//    every plain TCP connection through that registry: HTTP, git://, SSH, and the TLS stream
//    (mbedTLS in Debian's build) wraps the standard stream too, so HTTPS goes through it as well.
//    The stream resolves the host on a helper thread and connects and reads/writes a non-blocking
//    socket in poll() slices of 50 ms, checking the cancel flag and the deadlines between slices.
// 2. libgit2 1.5's SSH transport casts the stream to its internal git_socket_stream
//    { git_stream parent; char *host; char *port; GIT_SOCKET s; } and hands `s` to libssh2, which
//    then reads the socket itself (checked in the 1.5.1 sources and in the Debian binary: the
//    handshake loads the descriptor at offset 88). Our stream keeps that layout. Because libssh2
//    bypasses our read/write, a watchdog thread per operation shuts the open sockets down
//    (shutdown(2) wakes a blocked poll/recv at once) when the cancel flag is set or nothing has
//    happened for `idleMs`. Activity is recorded by our reads/writes and by every libgit2 callback.
//
// A NetworkScope is active for the thread that creates it (libgit2 does its network I/O on the
// calling thread). Streams created outside any scope get the default timeouts and no watchdog.

#include "gitresult.h"
#include "gittypes.h"

#include <atomic>
#include <memory>

namespace Flightdeck::Git::Detail {

struct NetworkState;

class NetworkScope
{
public:
    NetworkScope(const NetworkTimeouts& timeouts, const std::atomic<bool>* cancel);
    ~NetworkScope();
    NetworkScope(const NetworkScope&) = delete;
    NetworkScope& operator=(const NetworkScope&) = delete;

    // Something happened (a callback ran): pushes the idle deadline back.
    void touch();
    bool cancelRequested() const;
    // The first failure a stream or the watchdog recorded (timeout, refused, unknown host,
    // cancelled); kind None when there was none.
    Error failure() const;
    // TCP connections this scope opened through our stream (for tests and diagnostics).
    int connectionsOpened() const;

private:
    std::shared_ptr<NetworkState> m_state;
    std::shared_ptr<NetworkState> m_previous;
};

// Registers the stream with libgit2; idempotent, called by every NetworkScope (git_libgit2_shutdown
// forgets registrations, so registering once per process is not enough).
void installSocketStream();

} // namespace Flightdeck::Git::Detail
