// SPDX-License-Identifier: Apache-2.0
#include "replayserver.h"

#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

namespace Flightdeck::Test {

namespace {

constexpr qsizetype MaxHeaderBytes = 64 * 1024;
constexpr qsizetype MaxBodyBytes = 64 * 1024 * 1024;

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 204:
        return "No Content";
    case 301:
        return "Moved Permanently";
    case 302:
        return "Found";
    case 304:
        return "Not Modified";
    case 307:
        return "Temporary Redirect";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 409:
        return "Conflict";
    case 413:
        return "Payload Too Large";
    case 422:
        return "Unprocessable Entity";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    default:
        return "Status";
    }
}

bool isFramingHeader(QByteArrayView name)
{
    for (const char* framing : { "content-length", "transfer-encoding", "connection", "keep-alive" })
        if (name.compare(QByteArrayView(framing), Qt::CaseInsensitive) == 0)
            return true;
    return false;
}

QByteArray contentTypeFor(const QString& path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("json"))
        return "application/json; charset=utf-8";
    if (suffix == QLatin1String("html") || suffix == QLatin1String("htm"))
        return "text/html; charset=utf-8";
    if (suffix == QLatin1String("xml"))
        return "application/xml";
    if (suffix == QLatin1String("yaml") || suffix == QLatin1String("yml"))
        return "application/yaml";
    if (suffix == QLatin1String("txt") || suffix == QLatin1String("log"))
        return "text/plain; charset=utf-8";
    return "application/octet-stream";
}

// Decodes a chunked body starting at `from`. Returns false while it is incomplete; sets *error for
// malformed input. On success *consumed is the number of bytes used from `from`.
bool decodeChunked(const QByteArray& data, qsizetype from, QByteArray* body, qsizetype* consumed, QString* error)
{
    qsizetype pos = from;
    body->clear();
    for (;;) {
        const qsizetype lineEnd = data.indexOf("\r\n", pos);
        if (lineEnd < 0)
            return false;
        QByteArray sizeField = data.mid(pos, lineEnd - pos);
        if (const qsizetype semicolon = sizeField.indexOf(';'); semicolon >= 0)
            sizeField.truncate(semicolon); // chunk extensions
        bool ok = false;
        const qsizetype size = sizeField.trimmed().toLongLong(&ok, 16);
        if (!ok || size < 0 || size > MaxBodyBytes) {
            *error = QStringLiteral("bad chunk size '%1'").arg(QString::fromLatin1(sizeField));
            return false;
        }
        pos = lineEnd + 2;
        if (size == 0) {
            // Trailer fields, then an empty line.
            for (;;) {
                const qsizetype end = data.indexOf("\r\n", pos);
                if (end < 0)
                    return false;
                const bool last = end == pos;
                pos = end + 2;
                if (last) {
                    *consumed = pos - from;
                    return true;
                }
            }
        }
        if (data.size() < pos + size + 2)
            return false;
        body->append(data.constData() + pos, size);
        pos += size + 2;
        if (body->size() > MaxBodyBytes) {
            *error = QStringLiteral("chunked body too large");
            return false;
        }
    }
}

} // namespace

// --- RecordedRequest

QByteArray RecordedRequest::header(QByteArrayView name) const
{
    for (const auto& h : headers)
        if (QByteArrayView(h.first).compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    return {};
}

bool RecordedRequest::hasHeader(QByteArrayView name) const
{
    for (const auto& h : headers)
        if (QByteArrayView(h.first).compare(name, Qt::CaseInsensitive) == 0)
            return true;
    return false;
}

QString RecordedRequest::queryValue(const QString& key) const
{
    return query.queryItemValue(key, QUrl::FullyDecoded);
}

QString RecordedRequest::toString() const
{
    return QString::fromLatin1(method) + QLatin1Char(' ') + QString::fromLatin1(target);
}

// --- ReplayResponse

ReplayResponse ReplayResponse::json(int status, const QByteArray& body)
{
    ReplayResponse r;
    r.status = status;
    r.body = body;
    r.withHeader("Content-Type", "application/json; charset=utf-8");
    return r;
}

ReplayResponse ReplayResponse::text(int status, const QByteArray& body, const QByteArray& contentType)
{
    ReplayResponse r;
    r.status = status;
    r.body = body;
    r.withHeader("Content-Type", contentType);
    return r;
}

ReplayResponse ReplayResponse::fixture(const QString& relativePath, int status)
{
    ReplayResponse r;
    r.status = status;
    bool ok = false;
    r.body = ReplayServer::readFixture(relativePath, &ok);
    if (!ok)
        r.problem = QStringLiteral("fixture %1 is missing").arg(relativePath);
    r.withHeader("Content-Type", contentTypeFor(relativePath));
    return r;
}

ReplayResponse ReplayResponse::empty(int status)
{
    ReplayResponse r;
    r.status = status;
    return r;
}

ReplayResponse ReplayResponse::drop()
{
    ReplayResponse r;
    r.action = Action::Drop;
    return r;
}

ReplayResponse ReplayResponse::hang()
{
    ReplayResponse r;
    r.action = Action::Hang;
    return r;
}

ReplayResponse& ReplayResponse::withHeader(const QByteArray& name, const QByteArray& value)
{
    headers.removeIf([&](const auto& h) { return h.first.compare(name, Qt::CaseInsensitive) == 0; });
    headers.append(qMakePair(name, value));
    return *this;
}

ReplayResponse& ReplayResponse::withHeadersFromFixture(const QString& relativePath)
{
    bool ok = false;
    const QByteArray text = ReplayServer::readFixture(relativePath, &ok);
    if (!ok) {
        problem = QStringLiteral("fixture %1 is missing").arg(relativePath);
        return *this;
    }
    for (const QByteArray& rawLine : text.split('\n')) {
        const QByteArray line = rawLine.trimmed();
        const qsizetype colon = line.indexOf(':');
        if (line.isEmpty() || line.startsWith("HTTP/") || colon <= 0)
            continue;
        const QByteArray name = line.left(colon).trimmed();
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (name.compare("Transfer-Encoding", Qt::CaseInsensitive) == 0 && value.toLower().contains("chunked"))
            chunked = true;
        if (!isFramingHeader(name))
            withHeader(name, value);
    }
    return *this;
}

ReplayResponse& ReplayResponse::withDelay(int ms)
{
    delayMs = ms;
    return *this;
}

ReplayResponse& ReplayResponse::withChunkedBody(bool on)
{
    chunked = on;
    return *this;
}

// --- ReplayRoute

ReplayRoute& ReplayRoute::withQuery(const QString& key, const QString& value)
{
    m_query.append({ key, value });
    return *this;
}

ReplayRoute& ReplayRoute::withExactQuery()
{
    m_exactQuery = true;
    return *this;
}

ReplayRoute& ReplayRoute::reply(const ReplayResponse& response)
{
    m_responses.append(response);
    return *this;
}

bool ReplayRoute::matches(const QByteArray& method, const QString& path, const QUrlQuery& query) const
{
    if (method != m_method || path != m_path)
        return false;
    for (const auto& [key, value] : m_query) {
        if (!query.hasQueryItem(key) || query.queryItemValue(key, QUrl::FullyDecoded) != value)
            return false;
    }
    if (m_exactQuery) {
        for (const auto& item : query.queryItems(QUrl::FullyDecoded)) {
            const bool required
                = std::any_of(m_query.begin(), m_query.end(), [&](const auto& q) { return q.first == item.first; });
            if (!required)
                return false;
        }
    }
    return true;
}

// --- ReplayServer

struct ReplayServer::Connection
{
    QPointer<QTcpSocket> socket;
    QByteArray buffer;
    int id = 0;
    bool busy = false; // a delayed answer is pending; later requests wait for it
    bool hung = false; // scripted never to answer
    bool sentContinue = false;
    bool closed = false; // dropped by script or by a framing error
};

ReplayServer::ReplayServer(QObject* parent)
    : QObject(parent)
    , m_server(new QTcpServer(this))
{
    qRegisterMetaType<Flightdeck::Test::RecordedRequest>();
    connect(m_server, &QTcpServer::newConnection, this, &ReplayServer::onNewConnection);
}

ReplayServer::~ReplayServer()
{
    closeConnections();
}

bool ReplayServer::listen()
{
    return m_server->isListening() || m_server->listen(QHostAddress::LocalHost, 0);
}

quint16 ReplayServer::port() const
{
    return m_server->serverPort();
}

QUrl ReplayServer::baseUrl() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port()));
}

QUrl ReplayServer::url(const QString& pathAndQuery) const
{
    return QUrl(baseUrl().toString() + pathAndQuery);
}

ReplayRoute& ReplayServer::on(const QByteArray& method, const QString& path)
{
    auto route = std::make_shared<ReplayRoute>();
    route->m_method = method.toUpper();
    route->m_path = path;
    m_routes.append(route);
    return *route;
}

QList<RecordedRequest> ReplayServer::requests(const QByteArray& method, const QString& path) const
{
    QList<RecordedRequest> result;
    for (const RecordedRequest& r : m_requests)
        if (r.method == method && r.path == path)
            result.append(r);
    return result;
}

void ReplayServer::reset()
{
    closeConnections();
    m_routes.clear();
    m_requests.clear();
    m_problems.clear();
    m_overrun = false;
    m_connections = 0;
}

void ReplayServer::closeConnections()
{
    const auto open = m_open;
    m_open.clear();
    for (const auto& c : open) {
        if (c->socket) {
            c->socket->disconnect(this);
            c->socket->abort();
            c->socket->deleteLater();
        }
    }
}

QByteArray ReplayServer::readFixture(const QString& relativePath, bool* ok)
{
    QFile file(QStringLiteral(FLIGHTDECK_TEST_DATA "/fixtures/") + relativePath);
    const bool opened = file.open(QIODevice::ReadOnly);
    if (ok)
        *ok = opened;
    return opened ? file.readAll() : QByteArray();
}

void ReplayServer::onNewConnection()
{
    while (QTcpSocket* socket = m_server->nextPendingConnection()) {
        auto c = std::make_shared<Connection>();
        c->socket = socket;
        c->id = ++m_connections;
        m_open.insert(socket, c);
        Connection* raw = c.get();
        connect(socket, &QTcpSocket::readyRead, this, [this, raw] { onReadyRead(raw); });
        connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
            m_open.remove(socket);
            socket->deleteLater();
        });
        if (socket->bytesAvailable() > 0)
            onReadyRead(raw);
    }
}

void ReplayServer::onReadyRead(Connection* c)
{
    if (!c->socket || c->closed)
        return;
    c->buffer.append(c->socket->readAll());
    process(c);
}

void ReplayServer::process(Connection* c)
{
    // Answering may drop the connection, which removes it from m_open: keep it alive until we return.
    const std::shared_ptr<Connection> keep = c->socket ? m_open.value(c->socket.data()) : nullptr;
    if (!keep)
        return;
    while (c->socket && !c->closed && !c->busy && !c->hung) {
        if (c->buffer.startsWith('\x16')) {
            // A TLS ClientHello: the client used https:// against this plain-HTTP server.
            m_problems.append(
                QStringLiteral("TLS handshake received on connection %1; this server speaks plain HTTP").arg(c->id));
            write(c, ReplayResponse::text(400, "plain HTTP only\n"), false);
            return;
        }
        const qsizetype headerEnd = c->buffer.indexOf("\r\n\r\n");
        if (headerEnd < 0) {
            if (c->buffer.size() > MaxHeaderBytes) {
                m_problems.append(QStringLiteral("request headers over %1 bytes").arg(MaxHeaderBytes));
                write(c, ReplayResponse::text(431, "request headers too large\n"), false);
            }
            return;
        }
        const QList<QByteArray> lines = c->buffer.left(headerEnd).split('\n');
        RecordedRequest request;
        request.connection = c->id;
        const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
        if (requestLine.size() != 3 || !requestLine[2].startsWith("HTTP/1.")) {
            m_problems.append(
                QStringLiteral("malformed request line '%1'").arg(QString::fromLatin1(lines.value(0).trimmed())));
            write(c, ReplayResponse::text(400, "malformed request line\n"), false);
            return;
        }
        request.method = requestLine[0];
        request.target = requestLine[1];
        const bool http10 = requestLine[2] == "HTTP/1.0";
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray line = lines[i].trimmed();
            const qsizetype colon = line.indexOf(':');
            if (colon > 0)
                request.headers.append({ line.left(colon).trimmed(), line.mid(colon + 1).trimmed() });
        }
        const qsizetype questionMark = request.target.indexOf('?');
        request.path
            = QUrl::fromPercentEncoding(request.target.left(questionMark < 0 ? request.target.size() : questionMark));
        if (questionMark >= 0)
            request.query = QUrlQuery(QString::fromLatin1(request.target.mid(questionMark + 1)));

        const qsizetype bodyStart = headerEnd + 4;
        qsizetype consumed = 0;
        if (request.header("Transfer-Encoding").toLower().contains("chunked")) {
            QString error;
            qsizetype used = 0;
            if (!decodeChunked(c->buffer, bodyStart, &request.body, &used, &error)) {
                if (!error.isEmpty()) {
                    m_problems.append(QStringLiteral("%1: %2").arg(request.toString(), error));
                    write(c, ReplayResponse::text(400, error.toUtf8() + '\n'), false);
                    return;
                }
                if (request.header("Expect").toLower() == "100-continue" && !c->sentContinue) {
                    c->sentContinue = true;
                    c->socket->write("HTTP/1.1 100 Continue\r\n\r\n");
                }
                return; // wait for the rest
            }
            consumed = bodyStart + used;
        } else {
            bool ok = true;
            const QByteArray lengthField = request.header("Content-Length");
            const qsizetype length = lengthField.isEmpty() ? 0 : lengthField.toLongLong(&ok);
            if (!ok || length < 0 || length > MaxBodyBytes) {
                m_problems.append(QStringLiteral("%1: bad Content-Length '%2'")
                                      .arg(request.toString(), QString::fromLatin1(lengthField)));
                write(c, ReplayResponse::text(400, "bad Content-Length\n"), false);
                return;
            }
            if (c->buffer.size() < bodyStart + length) {
                if (request.header("Expect").toLower() == "100-continue" && !c->sentContinue) {
                    c->sentContinue = true;
                    c->socket->write("HTTP/1.1 100 Continue\r\n\r\n");
                }
                return;
            }
            request.body = c->buffer.mid(bodyStart, length);
            consumed = bodyStart + length;
        }
        c->buffer.remove(0, consumed);
        c->sentContinue = false;
        const bool keepAlive = !http10 && request.header("Connection").toLower() != "close";
        answer(c, request);
        if (!keepAlive && c->socket && !c->closed && !c->busy && !c->hung)
            c->socket->disconnectFromHost();
    }
}

void ReplayServer::answer(Connection* c, const RecordedRequest& received)
{
    RecordedRequest request = received;
    ReplayResponse response;
    if (m_requests.size() >= m_maxRequests) {
        if (!m_overrun)
            m_problems.append(QStringLiteral("more than %1 requests (the limit of this test); first excess: %2")
                                  .arg(m_maxRequests)
                                  .arg(request.toString()));
        m_overrun = true;
        response = ReplayResponse::json(
            500, "{\"error\":{\"name\":\"ReplayServerError\",\"message\":\"request limit exceeded\"}}");
    } else {
        std::shared_ptr<ReplayRoute> best;
        for (const auto& route : std::as_const(m_routes)) {
            if (route->matches(request.method, request.path, request.query)
                && (!best || route->m_query.size() > best->m_query.size()))
                best = route;
        }
        if (!best || best->m_responses.isEmpty()) {
            m_problems.append(QStringLiteral("unexpected request: %1").arg(request.toString()));
            QByteArray message = "no route for " + request.method + ' ' + request.target;
            message.replace('"', '\'');
            response = ReplayResponse::json(
                404, "{\"error\":{\"name\":\"ReplayServerError\",\"message\":\"" + message + "\"}}");
        } else {
            request.matched = true;
            response = best->m_responses.at(std::min<qsizetype>(best->m_hits, best->m_responses.size() - 1));
            ++best->m_hits;
            if (!response.problem.isEmpty()) {
                m_problems.append(QStringLiteral("%1: %2").arg(request.toString(), response.problem));
                response = ReplayResponse::text(500, response.problem.toUtf8() + '\n');
            }
        }
    }
    m_requests.append(request);
    Q_EMIT requestReceived(request);

    const bool keepAlive = request.header("Connection").toLower() != "close";
    if (response.action == ReplayResponse::Action::Hang) {
        c->hung = true;
        return;
    }
    if (response.delayMs <= 0) {
        if (response.action == ReplayResponse::Action::Drop)
            dropConnection(c);
        else
            write(c, response, keepAlive);
        return;
    }
    c->busy = true;
    QPointer<QTcpSocket> socket = c->socket;
    QTimer::singleShot(response.delayMs, this, [this, socket, response, keepAlive] {
        const std::shared_ptr<Connection> conn = socket ? m_open.value(socket.data()) : nullptr;
        if (!conn || conn->closed)
            return;
        conn->busy = false;
        if (response.action == ReplayResponse::Action::Drop) {
            dropConnection(conn.get());
            return;
        }
        write(conn.get(), response, keepAlive);
        process(conn.get());
    });
}

void ReplayServer::write(Connection* c, const ReplayResponse& response, bool keepAlive)
{
    if (!c->socket)
        return;
    QByteArray out = "HTTP/1.1 " + QByteArray::number(response.status) + ' ' + reasonPhrase(response.status) + "\r\n";
    for (const auto& h : response.headers)
        if (!isFramingHeader(h.first))
            out += h.first + ": " + h.second + "\r\n";
    const bool noBody = response.status == 204 || response.status == 304 || response.status < 200;
    if (!noBody) {
        if (response.chunked)
            out += "Transfer-Encoding: chunked\r\n";
        else
            out += "Content-Length: " + QByteArray::number(response.body.size()) + "\r\n";
    }
    out += keepAlive ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
    out += "\r\n";
    if (!noBody) {
        if (response.chunked) {
            // Several chunks, as a streaming server (Backstage on Express) sends them.
            constexpr qsizetype ChunkSize = 1024;
            for (qsizetype pos = 0; pos < response.body.size(); pos += ChunkSize) {
                const QByteArray chunk = response.body.mid(pos, ChunkSize);
                out += QByteArray::number(chunk.size(), 16) + "\r\n" + chunk + "\r\n";
            }
            out += "0\r\n\r\n";
        } else {
            out += response.body;
        }
    }
    c->socket->write(out);
    if (!keepAlive) {
        c->closed = true;
        c->socket->disconnectFromHost();
    }
}

void ReplayServer::dropConnection(Connection* c)
{
    if (!c->socket || c->closed)
        return;
    c->closed = true;
    QTcpSocket* socket = c->socket;
    socket->disconnect(this);
    m_open.remove(socket);
    socket->close();
    socket->deleteLater();
}

} // namespace Flightdeck::Test
