// SPDX-License-Identifier: Apache-2.0
#pragma once

// Network peers for git tests, all on 127.0.0.1 only.
//
// GitHttpServer speaks git's smart HTTP protocol by running `git http-backend` as a CGI program for
// every request, behind HTTP Basic authentication. It runs on its own thread so that a test can call
// blocking libgit2 operations against it directly. Bounded: a request limit, a body size limit and a
// time limit per CGI run and per connection.

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <memory>

namespace Flightdeck::Testing {

class GitHttpServer
{
public:
    struct Options
    {
        QString projectRoot; // directory holding the bare repositories (GIT_PROJECT_ROOT)
        QString username; // expected user; empty = any
        QByteArray token; // expected password; requests without it get 401
        bool requireAuth = true;
        bool stallUploadPack = false; // answer ref discovery, then never answer the upload-pack POST
        int maxRequests = 200;
    };

    struct Stats
    {
        int requests = 0;
        int challenged = 0; // 401 without credentials
        int refused = 0; // 401 with wrong credentials
        int authorized = 0;
        int stalled = 0;
        QStringList users; // user names of authorized requests
        QStringList paths; // "METHOD /path?query" of every request
    };

    explicit GitHttpServer(Options options);
    ~GitHttpServer();
    GitHttpServer(const GitHttpServer&) = delete;
    GitHttpServer& operator=(const GitHttpServer&) = delete;

    bool start(QString* error = nullptr);
    quint16 port() const;
    // http://127.0.0.1:<port>/<relativePath>
    QString url(const QString& relativePath) const;
    Stats stats() const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

// Listens on 127.0.0.1 and never accepts: the kernel completes TCP handshakes into the backlog and
// nothing ever answers, like a server that hangs.
class SilentTcpServer
{
public:
    SilentTcpServer() = default;
    ~SilentTcpServer();
    SilentTcpServer(const SilentTcpServer&) = delete;
    SilentTcpServer& operator=(const SilentTcpServer&) = delete;

    // backlog 0 with fillBacklog = true makes further connection attempts hang in SYN_SENT (the
    // kernel drops SYNs while the accept queue is full), which exercises the connect timeout.
    bool listen(int backlog = 16, bool fillBacklog = false);
    quint16 port() const { return m_port; }

private:
    int m_fd = -1;
    quint16 m_port = 0;
    QList<int> m_fillers;
};

// A port on 127.0.0.1 where nothing listens (bound once, then released).
quint16 closedPort();

} // namespace Flightdeck::Testing
