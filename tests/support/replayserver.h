// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QPair>
#include <QString>
#include <QStringList>
#include <QUrl>
#include <QUrlQuery>

#include <memory>

class QTcpServer;
class QTcpSocket;

namespace Flightdeck::Test {

// What the client sent, as the server saw it.
struct RecordedRequest
{
    QByteArray method;
    QString path; // percent-decoded
    QUrlQuery query;
    QByteArray target; // the raw request target, e.g. "/a%20b?x=1"
    QList<QPair<QByteArray, QByteArray>> headers; // in order, names as sent
    QByteArray body; // de-chunked
    int connection = 0; // 1, 2, … per accepted connection
    bool matched = false; // a route answered it

    QByteArray header(QByteArrayView name) const; // case-insensitive; empty when absent
    bool hasHeader(QByteArrayView name) const;
    QString queryValue(const QString& key) const; // fully decoded
    QString toString() const; // "GET /path?query"
};

// One scripted answer.
struct ReplayResponse
{
    enum class Action
    {
        Respond,
        Drop,
        Hang
    };

    Action action = Action::Respond;
    int status = 200;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    int delayMs = 0;
    bool chunked = false; // send the body with Transfer-Encoding: chunked
    QString problem; // set when the response could not be built (missing fixture); answered as 500

    static ReplayResponse json(int status, const QByteArray& body);
    static ReplayResponse text(int status, const QByteArray& body, const QByteArray& contentType = "text/plain");
    // Body from a file under tests/data/fixtures (e.g. "backstage/by-query-page1.json"), Content-Type
    // from the extension.
    static ReplayResponse fixture(const QString& relativePath, int status = 200);
    static ReplayResponse empty(int status);
    // Reads the request, then closes the connection without a byte of answer.
    static ReplayResponse drop();
    // Reads the request and never answers; the connection stays open until the server goes.
    static ReplayResponse hang();

    ReplayResponse& withHeader(const QByteArray& name, const QByteArray& value);
    // The header lines of a recorded response ("Name: value", a status line is skipped). Framing
    // headers (Content-Length, Transfer-Encoding, Connection, Keep-Alive) are not copied, but a
    // recorded "Transfer-Encoding: chunked" makes this response chunked too.
    ReplayResponse& withHeadersFromFixture(const QString& relativePath);
    ReplayResponse& withDelay(int ms);
    ReplayResponse& withChunkedBody(bool on = true);
};

// A route: method + path, optionally constrained by query parameters. Answers in sequence; the last
// answer repeats.
class ReplayRoute
{
public:
    // Match only when the query has these parameters with these (decoded) values.
    ReplayRoute& withQuery(const QString& key, const QString& value);
    // Match only when the query has no other parameters than the ones required by withQuery.
    ReplayRoute& withExactQuery();
    // Appends an answer to the sequence.
    ReplayRoute& reply(const ReplayResponse& response);
    ReplayRoute& reply(int status, const QByteArray& jsonBody) { return reply(ReplayResponse::json(status, jsonBody)); }
    int hits() const { return m_hits; }

private:
    friend class ReplayServer;
    bool matches(const QByteArray& method, const QString& path, const QUrlQuery& query) const;

    QByteArray m_method;
    QString m_path;
    QList<QPair<QString, QString>> m_query;
    bool m_exactQuery = false;
    QList<ReplayResponse> m_responses;
    int m_hits = 0;
};

// A loopback HTTP/1.1 server that replays scripted answers and records every request. It binds
// 127.0.0.1 on an ephemeral port only. Unknown routes get 404 and are listed in problems(); past
// maxRequests every request gets 500 and the overrun is listed too, so a runaway client loop ends.
// Handles keep-alive, Content-Length and chunked request bodies, and Expect: 100-continue.
//
//     ReplayServer server;
//     QVERIFY(server.listen());
//     server.on("GET", "/api/x").withQuery("limit", "2").reply(ReplayResponse::fixture("vendor/page1.json"));
//     … run the client against server.url("/api") …
//     QVERIFY2(server.problems().isEmpty(), qPrintable(server.problems().join('\n')));
//     QCOMPARE(server.requests().at(0).header("Authorization"), "Bearer t");
class ReplayServer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReplayServer)

public:
    explicit ReplayServer(QObject* parent = nullptr);
    ~ReplayServer() override;

    bool listen();
    quint16 port() const;
    QUrl baseUrl() const; // http://127.0.0.1:<port>
    QUrl url(const QString& pathAndQuery) const; // baseUrl() + "/path?query"

    // Routes are tried most specific first (more query constraints), then in the order added.
    ReplayRoute& on(const QByteArray& method, const QString& path);
    void setMaxRequests(int max) { m_maxRequests = max; }

    const QList<RecordedRequest>& requests() const { return m_requests; }
    int requestCount() const { return int(m_requests.size()); }
    QList<RecordedRequest> requests(const QByteArray& method, const QString& path) const;
    int connectionCount() const { return m_connections; }
    bool overrun() const { return m_overrun; }
    // Unexpected routes, overruns, missing fixtures: empty when the exchange went as scripted.
    QStringList problems() const { return m_problems; }
    // Closes every open connection (e.g. ones left hanging) and forgets routes and records.
    void reset();
    void closeConnections();

    // The bytes of tests/data/fixtures/<relativePath>; empty and *ok = false when missing.
    static QByteArray readFixture(const QString& relativePath, bool* ok = nullptr);

Q_SIGNALS:
    void requestReceived(const Flightdeck::Test::RecordedRequest& request);

private:
    struct Connection;
    void onNewConnection();
    void onReadyRead(Connection* c);
    void process(Connection* c);
    void answer(Connection* c, const RecordedRequest& request);
    void write(Connection* c, const ReplayResponse& response, bool keepAlive);
    void dropConnection(Connection* c);

    QTcpServer* m_server;
    QList<std::shared_ptr<ReplayRoute>> m_routes;
    QHash<QTcpSocket*, std::shared_ptr<Connection>> m_open;
    QList<RecordedRequest> m_requests;
    QStringList m_problems;
    int m_maxRequests = 100;
    int m_connections = 0;
    bool m_overrun = false;
};

} // namespace Flightdeck::Test

Q_DECLARE_METATYPE(Flightdeck::Test::RecordedRequest)
Q_DECLARE_METATYPE(Flightdeck::Test::ReplayResponse)
