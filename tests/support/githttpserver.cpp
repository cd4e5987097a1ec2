// SPDX-License-Identifier: Apache-2.0
#include "githttpserver.h"

#include <QHostAddress>
#include <QMutex>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>
#include <QUrl>

#include <algorithm>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace Flightdeck::Testing {

namespace {

constexpr qsizetype maxHeaderBytes = 64 * 1024;
constexpr qsizetype maxBodyBytes = 64 * 1024 * 1024;
constexpr int connectionLimitMs = 60000;
constexpr int cgiLimitMs = 20000;

// 1: complete, 0: need more bytes, -1: malformed.
int decodeChunked(const QByteArray& raw, QByteArray* out)
{
    out->clear();
    qsizetype pos = 0;
    for (;;) {
        const qsizetype eol = raw.indexOf("\r\n", pos);
        if (eol < 0)
            return 0;
        bool ok = false;
        const qint64 size = raw.mid(pos, eol - pos).split(';').first().trimmed().toLongLong(&ok, 16);
        if (!ok || size < 0)
            return -1;
        pos = eol + 2;
        if (size == 0)
            return raw.indexOf("\r\n", pos) >= 0 ? 1 : 0;
        if (raw.size() < pos + size + 2)
            return 0;
        out->append(raw.mid(pos, size));
        pos += size + 2;
    }
}

} // namespace

namespace {

struct ServerState
{
    GitHttpServer::Options options;
    mutable QMutex mutex;
    GitHttpServer::Stats stats;

    template <typename F> void update(F f)
    {
        QMutexLocker lock(&mutex);
        f(stats);
    }
};

// One client connection; lives on the server thread.
class Connection : public QObject
{
public:
    Connection(QTcpSocket* socket, ServerState* server, QObject* parent)
        : QObject(parent)
        , m_socket(socket)
        , m_server(server)
    {
        m_socket->setParent(this);
        connect(m_socket, &QTcpSocket::readyRead, this, [this] { onReadyRead(); });
        connect(m_socket, &QTcpSocket::disconnected, this, [this] { deleteLater(); });
        auto* limit = new QTimer(this);
        limit->setSingleShot(true);
        connect(limit, &QTimer::timeout, this, [this] {
            m_socket->abort();
            deleteLater();
        });
        limit->start(connectionLimitMs);
    }

private:
    void onReadyRead()
    {
        if (m_handled) {
            m_socket->readAll();
            return;
        }
        m_raw += m_socket->readAll();
        if (!m_headersDone) {
            const qsizetype end = m_raw.indexOf("\r\n\r\n");
            if (end < 0) {
                if (m_raw.size() > maxHeaderBytes)
                    respond("431 Request Header Fields Too Large", {}, "header too large\n");
                return;
            }
            parseHeaders(m_raw.left(end));
            m_raw.remove(0, end + 4);
            m_headersDone = true;
        }
        if (m_raw.size() > maxBodyBytes)
            return respond("413 Payload Too Large", {}, "body too large\n");
        if (m_headers.value("transfer-encoding").toLower().contains("chunked")) {
            const int state = decodeChunked(m_raw, &m_body);
            if (state < 0)
                return respond("400 Bad Request", {}, "bad chunk\n");
            if (state == 0)
                return;
        } else {
            const qsizetype length = m_headers.value("content-length", "0").toLongLong();
            if (m_raw.size() < length)
                return;
            m_body = m_raw.left(length);
        }
        m_handled = true;
        handle();
    }

    void parseHeaders(const QByteArray& block)
    {
        const QList<QByteArray> lines = block.split('\n');
        const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
        m_method = requestLine.value(0);
        m_target = requestLine.value(1);
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines[i].indexOf(':');
            if (colon > 0)
                m_headers.insert(lines[i].left(colon).trimmed().toLower(), lines[i].mid(colon + 1).trimmed());
        }
    }

    void handle()
    {
        const GitHttpServer::Options& options = m_server->options;
        int requestNumber = 0;
        m_server->update([&](GitHttpServer::Stats& s) {
            requestNumber = ++s.requests;
            s.paths.append(QString::fromLatin1(m_method + ' ' + m_target));
        });
        if (requestNumber > options.maxRequests)
            return respond("503 Service Unavailable", {}, "request limit reached\n");

        QString user;
        if (options.requireAuth) {
            const QByteArray authorization = m_headers.value("authorization");
            if (!authorization.startsWith("Basic ")) {
                m_server->update([](GitHttpServer::Stats& s) { ++s.challenged; });
                return respond(
                    "401 Unauthorized", { "WWW-Authenticate: Basic realm=\"flightdeck-test\"" }, "unauthorized\n");
            }
            const QByteArray decoded = QByteArray::fromBase64(authorization.mid(6).trimmed());
            const qsizetype colon = decoded.indexOf(':');
            user = QString::fromUtf8(decoded.left(colon));
            const QByteArray password = colon >= 0 ? decoded.mid(colon + 1) : QByteArray();
            if (password != options.token || (!options.username.isEmpty() && user != options.username)) {
                m_server->update([](GitHttpServer::Stats& s) { ++s.refused; });
                return respond(
                    "401 Unauthorized", { "WWW-Authenticate: Basic realm=\"flightdeck-test\"" }, "wrong credentials\n");
            }
            m_server->update([&](GitHttpServer::Stats& s) {
                ++s.authorized;
                s.users.append(user);
            });
        }

        const qsizetype question = m_target.indexOf('?');
        const QByteArray path = question < 0 ? m_target : m_target.left(question);
        const QByteArray query = question < 0 ? QByteArray() : m_target.mid(question + 1);
        if (options.stallUploadPack && m_method == "POST" && path.endsWith("/git-upload-pack")) {
            m_server->update([](GitHttpServer::Stats& s) { ++s.stalled; });
            return; // the connection stays open and silent until the client gives up
        }
        runBackend(path, query, user);
    }

    void runBackend(const QByteArray& path, const QByteArray& query, const QString& user)
    {
        auto* cgi = new QProcess(this);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("GIT_CONFIG_NOSYSTEM"), QStringLiteral("1"));
        env.insert(QStringLiteral("GIT_CONFIG_GLOBAL"), QStringLiteral("/dev/null"));
        env.insert(QStringLiteral("GIT_PROJECT_ROOT"), m_server->options.projectRoot);
        env.insert(QStringLiteral("GIT_HTTP_EXPORT_ALL"), QStringLiteral("1"));
        env.insert(QStringLiteral("GATEWAY_INTERFACE"), QStringLiteral("CGI/1.1"));
        env.insert(QStringLiteral("SERVER_PROTOCOL"), QStringLiteral("HTTP/1.1"));
        env.insert(QStringLiteral("REMOTE_ADDR"), QStringLiteral("127.0.0.1"));
        env.insert(QStringLiteral("REQUEST_METHOD"), QString::fromLatin1(m_method));
        env.insert(QStringLiteral("PATH_INFO"), QUrl::fromPercentEncoding(path));
        env.insert(QStringLiteral("QUERY_STRING"), QString::fromLatin1(query));
        env.insert(QStringLiteral("CONTENT_TYPE"), QString::fromLatin1(m_headers.value("content-type")));
        env.insert(QStringLiteral("CONTENT_LENGTH"), QString::number(m_body.size()));
        if (m_headers.contains("git-protocol"))
            env.insert(QStringLiteral("GIT_PROTOCOL"), QString::fromLatin1(m_headers.value("git-protocol")));
        if (m_headers.contains("content-encoding"))
            env.insert(
                QStringLiteral("HTTP_CONTENT_ENCODING"), QString::fromLatin1(m_headers.value("content-encoding")));
        if (!user.isEmpty())
            env.insert(QStringLiteral("REMOTE_USER"), user); // enables receive-pack (push)
        cgi->setProcessEnvironment(env);
        connect(cgi, &QProcess::finished, this, [this, cgi] { onBackendFinished(cgi); });
        connect(cgi, &QProcess::errorOccurred, this, [this, cgi](QProcess::ProcessError error) {
            if (error == QProcess::FailedToStart)
                respond("500 Internal Server Error", {}, "git http-backend did not start\n");
            cgi->deleteLater();
        });
        QTimer::singleShot(cgiLimitMs, cgi, [cgi] { cgi->kill(); });
        cgi->start(QStringLiteral("git"), { QStringLiteral("http-backend") });
        cgi->write(m_body);
        cgi->closeWriteChannel();
    }

    void onBackendFinished(QProcess* cgi)
    {
        const QByteArray output = cgi->readAllStandardOutput();
        cgi->deleteLater();
        qsizetype split = output.indexOf("\r\n\r\n");
        qsizetype skip = 4;
        if (split < 0) {
            split = output.indexOf("\n\n");
            skip = 2;
        }
        if (split < 0)
            return respond("502 Bad Gateway", {}, "no CGI headers\n");
        QByteArray status = "200 OK";
        QList<QByteArray> headers;
        for (const QByteArray& rawLine : output.left(split).split('\n')) {
            const QByteArray line = rawLine.trimmed();
            if (line.isEmpty())
                continue;
            if (line.toLower().startsWith("status:"))
                status = line.mid(7).trimmed();
            else
                headers.append(line);
        }
        respond(status, headers, output.mid(split + skip));
    }

    void respond(const QByteArray& status, const QList<QByteArray>& headers, const QByteArray& body)
    {
        m_handled = true;
        QByteArray response = "HTTP/1.1 " + status + "\r\n";
        for (const QByteArray& header : headers)
            response += header + "\r\n";
        if (body.size() > 0 && std::none_of(headers.cbegin(), headers.cend(), [](const QByteArray& h) {
                return h.toLower().startsWith("content-type:");
            }))
            response += "Content-Type: text/plain\r\n";
        response += "Content-Length: " + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n";
        response += body;
        m_socket->write(response);
        m_socket->disconnectFromHost();
    }

    QTcpSocket* m_socket;
    ServerState* m_server;
    QByteArray m_raw;
    QByteArray m_body;
    QByteArray m_method;
    QByteArray m_target;
    QMap<QByteArray, QByteArray> m_headers;
    bool m_headersDone = false;
    bool m_handled = false;
};

} // namespace

struct GitHttpServer::Private
{
    ServerState state;
    QThread thread;
    QObject* worker = nullptr;
    quint16 port = 0;
};

GitHttpServer::GitHttpServer(Options options)
    : d(std::make_unique<Private>())
{
    d->state.options = std::move(options);
}

GitHttpServer::~GitHttpServer()
{
    if (d->worker) {
        QObject* worker = d->worker;
        QMetaObject::invokeMethod(
            worker, [worker] { delete worker; }, Qt::BlockingQueuedConnection);
    }
    d->thread.quit();
    d->thread.wait();
}

bool GitHttpServer::start(QString* error)
{
    d->thread.setObjectName(QStringLiteral("GitHttpServer"));
    d->thread.start();
    d->worker = new QObject;
    d->worker->moveToThread(&d->thread);
    QString why;
    Private* p = d.get();
    QMetaObject::invokeMethod(
        d->worker,
        [p, &why] {
            auto* server = new QTcpServer(p->worker);
            if (!server->listen(QHostAddress::LocalHost, 0)) {
                why = server->errorString();
                return;
            }
            p->port = server->serverPort();
            QObject::connect(server, &QTcpServer::newConnection, p->worker, [p, server] {
                while (QTcpSocket* socket = server->nextPendingConnection())
                    new Connection(socket, &p->state, p->worker);
            });
        },
        Qt::BlockingQueuedConnection);
    if (error)
        *error = why;
    return why.isEmpty();
}

quint16 GitHttpServer::port() const
{
    return d->port;
}

QString GitHttpServer::url(const QString& relativePath) const
{
    return QStringLiteral("http://127.0.0.1:%1/%2").arg(d->port).arg(relativePath);
}

GitHttpServer::Stats GitHttpServer::stats() const
{
    QMutexLocker lock(&d->state.mutex);
    return d->state.stats;
}

SilentTcpServer::~SilentTcpServer()
{
    for (int fd : std::as_const(m_fillers))
        ::close(fd);
    if (m_fd >= 0)
        ::close(m_fd);
}

bool SilentTcpServer::listen(int backlog, bool fillBacklog)
{
    m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (m_fd < 0)
        return false;
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    if (::bind(m_fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) < 0 || ::listen(m_fd, backlog) < 0)
        return false;
    socklen_t length = sizeof(address);
    if (::getsockname(m_fd, reinterpret_cast<sockaddr*>(&address), &length) < 0)
        return false;
    m_port = ntohs(address.sin_port);
    if (fillBacklog) {
        for (int i = 0; i < backlog + 2; ++i) {
            const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
            if (fd < 0)
                return false;
            ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
            pollfd p { fd, POLLOUT, 0 };
            ::poll(&p, 1, 200);
            m_fillers.append(fd);
        }
    }
    return true;
}

quint16 closedPort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    const quint16 port = probe.serverPort();
    probe.close();
    return port;
}

} // namespace Flightdeck::Testing
