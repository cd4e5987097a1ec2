// SPDX-License-Identifier: Apache-2.0
#include "replayserver.h"

#include <QHostAddress>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace Flightdeck::Test;

namespace {

// A raw client: the tests below need to control framing (keep-alive, chunked bodies) exactly,
// which QNetworkAccessManager hides. Everything runs in this thread, so it waits by spinning the
// event loop (QTRY_*), never by blocking on the socket.
struct RawClient
{
    QTcpSocket socket;
    QByteArray received;
    bool disconnected = false;

    explicit RawClient(quint16 port)
    {
        QObject::connect(&socket, &QTcpSocket::readyRead, [this] { received += socket.readAll(); });
        QObject::connect(&socket, &QTcpSocket::disconnected, [this] { disconnected = true; });
        socket.connectToHost(QHostAddress::LocalHost, port);
    }
    // Number of complete responses (Content-Length framed) in what was received.
    int responses() const { return int(received.count("HTTP/1.1 ")) - int(received.count("HTTP/1.1 100 Continue")); }
};

QNetworkReply* waitFor(QNetworkReply* reply)
{
    QSignalSpy spy(reply, &QNetworkReply::finished);
    if (!reply->isFinished())
        spy.wait(10000);
    return reply;
}

} // namespace

class tst_ReplayServer : public QObject
{
    Q_OBJECT

private:
    QNetworkAccessManager m_nam;

    QNetworkReply* get(const QUrl& url, const QList<QPair<QByteArray, QByteArray>>& headers = {})
    {
        QNetworkRequest request(url);
        request.setTransferTimeout(10000);
        for (const auto& h : headers)
            request.setRawHeader(h.first, h.second);
        return waitFor(m_nam.get(request));
    }

private Q_SLOTS:
    void listen_bindsLoopbackOnEphemeralPort()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        QVERIFY(server.port() != 0);
        QCOMPARE(server.baseUrl().host(), QStringLiteral("127.0.0.1"));
        ReplayServer second;
        QVERIFY(second.listen());
        QVERIFY(second.port() != server.port());
    }

    void route_matching_data()
    {
        QTest::addColumn<QString>("target");
        QTest::addColumn<QByteArray>("expectedBody");
        QTest::addColumn<bool>("expectProblem");
        QTest::addRow("no query: generic route") << QStringLiteral("/items") << QByteArray("generic") << false;
        QTest::addRow("query constraint wins") << QStringLiteral("/items?limit=3") << QByteArray("limit3") << false;
        QTest::addRow("two constraints win over one")
            << QStringLiteral("/items?limit=3&cursor=a%3Db") << QByteArray("cursor") << false;
        QTest::addRow("other value: generic") << QStringLiteral("/items?limit=4") << QByteArray("generic") << false;
        QTest::addRow("exact query refuses extras") << QStringLiteral("/exact?a=1&b=2") << QByteArray() << true;
        QTest::addRow("exact query matches") << QStringLiteral("/exact?a=1") << QByteArray("exact") << false;
        QTest::addRow("percent-decoded path") << QStringLiteral("/with%20space") << QByteArray("space") << false;
        QTest::addRow("unknown path is 404") << QStringLiteral("/nope") << QByteArray() << true;
    }
    void route_matching()
    {
        QFETCH(QString, target);
        QFETCH(QByteArray, expectedBody);
        QFETCH(bool, expectProblem);
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", QStringLiteral("/items")).reply(ReplayResponse::text(200, "generic"));
        server.on("GET", QStringLiteral("/items"))
            .withQuery(QStringLiteral("limit"), QStringLiteral("3"))
            .reply(ReplayResponse::text(200, "limit3"));
        server.on("GET", QStringLiteral("/items"))
            .withQuery(QStringLiteral("limit"), QStringLiteral("3"))
            .withQuery(QStringLiteral("cursor"), QStringLiteral("a=b"))
            .reply(ReplayResponse::text(200, "cursor"));
        server.on("GET", QStringLiteral("/exact"))
            .withQuery(QStringLiteral("a"), QStringLiteral("1"))
            .withExactQuery()
            .reply(ReplayResponse::text(200, "exact"));
        server.on("GET", QStringLiteral("/with space")).reply(ReplayResponse::text(200, "space"));

        std::unique_ptr<QNetworkReply> reply(get(QUrl(server.baseUrl().toString() + target, QUrl::StrictMode)));
        QVERIFY(reply->isFinished());
        QCOMPARE(server.requestCount(), 1);
        QCOMPARE(server.problems().isEmpty(), !expectProblem);
        QCOMPARE(server.requests().at(0).matched, !expectProblem);
        if (expectProblem) {
            QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 404);
            QVERIFY2(server.problems().at(0).contains(QStringLiteral("unexpected request: GET ")),
                qPrintable(server.problems().at(0)));
        } else {
            QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
            QCOMPARE(reply->readAll(), expectedBody);
        }
    }

    void request_recordsMethodPathQueryHeadersBody()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("POST", QStringLiteral("/api/things")).reply(201, "{\"id\":7}");
        QNetworkRequest request(server.url(QStringLiteral("/api/things?dryRun=true&name=a%20b")));
        request.setTransferTimeout(10000);
        request.setRawHeader("Authorization", "Bearer abc");
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
        std::unique_ptr<QNetworkReply> reply(waitFor(m_nam.post(request, QByteArray("{\"name\":\"x\"}"))));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 201);
        QCOMPARE(reply->readAll(), QByteArray("{\"id\":7}"));
        QCOMPARE(reply->header(QNetworkRequest::ContentTypeHeader).toByteArray(),
            QByteArray("application/json; charset=utf-8"));
        QCOMPARE(server.requestCount(), 1);
        const RecordedRequest r = server.requests().at(0);
        QCOMPARE(r.method, QByteArray("POST"));
        QCOMPARE(r.path, QStringLiteral("/api/things"));
        QCOMPARE(r.queryValue(QStringLiteral("dryRun")), QStringLiteral("true"));
        QCOMPARE(r.queryValue(QStringLiteral("name")), QStringLiteral("a b"));
        QCOMPARE(r.header("authorization"), QByteArray("Bearer abc"));
        QCOMPARE(r.header("Content-Type"), QByteArray("application/json"));
        QCOMPARE(r.body, QByteArray("{\"name\":\"x\"}"));
        QVERIFY(!r.hasHeader("X-Not-Sent"));
        QCOMPARE(server.requests("POST", QStringLiteral("/api/things")).size(), 1);
        QVERIFY(server.problems().isEmpty());
    }

    void sequence_answersInOrderThenRepeatsTheLast()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        ReplayRoute& route = server.on("GET", QStringLiteral("/r"))
                                 .reply(ReplayResponse::json(429, "{}").withHeader("Retry-After", "1"))
                                 .reply(ReplayResponse::text(200, "one"))
                                 .reply(ReplayResponse::text(200, "two"));
        QList<int> statuses;
        QByteArrayList bodies;
        for (int i = 0; i < 4; ++i) {
            std::unique_ptr<QNetworkReply> reply(get(server.url(QStringLiteral("/r"))));
            statuses << reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            bodies << reply->readAll();
            if (i == 0)
                QCOMPARE(reply->rawHeader("Retry-After"), QByteArray("1"));
        }
        QCOMPARE(statuses, (QList<int> { 429, 200, 200, 200 }));
        QCOMPARE(bodies, (QByteArrayList { "{}", "one", "two", "two" }));
        QCOMPARE(route.hits(), 4);
    }

    void maxRequests_overrunAnswers500AndIsFlagged()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.setMaxRequests(2);
        server.on("GET", QStringLiteral("/loop")).reply(ReplayResponse::text(200, "ok"));
        QList<int> statuses;
        for (int i = 0; i < 3; ++i) {
            std::unique_ptr<QNetworkReply> reply(get(server.url(QStringLiteral("/loop"))));
            statuses << reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        }
        QCOMPARE(statuses, (QList<int> { 200, 200, 500 }));
        QVERIFY(server.overrun());
        QCOMPARE(server.problems().size(), 1);
        QVERIFY(server.problems().at(0).contains(QStringLiteral("more than 2 requests")));
        QCOMPARE(server.requestCount(), 3);
    }

    void missingFixture_answers500AndIsAProblem()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", QStringLiteral("/f")).reply(ReplayResponse::fixture(QStringLiteral("nowhere/missing.json")));
        std::unique_ptr<QNetworkReply> reply(get(server.url(QStringLiteral("/f"))));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 500);
        QCOMPARE(server.problems().size(), 1);
        QVERIFY(server.problems().at(0).contains(QStringLiteral("nowhere/missing.json")));
    }

    void fixture_servesFileWithContentTypeAndRecordedHeadersChunked()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", QStringLiteral("/api/catalog/entities/by-query"))
            .reply(ReplayResponse::fixture(QStringLiteral("backstage/by-query-page1.json"))
                       .withHeadersFromFixture(QStringLiteral("backstage/by-query.headers")));
        std::unique_ptr<QNetworkReply> reply(get(server.url(QStringLiteral("/api/catalog/entities/by-query?limit=3"))));
        QCOMPARE(reply->error(), QNetworkReply::NoError);
        bool ok = false;
        const QByteArray expected = ReplayServer::readFixture(QStringLiteral("backstage/by-query-page1.json"), &ok);
        QVERIFY(ok);
        QVERIFY(expected.size() > 1024); // so the body really goes out in several chunks
        QCOMPARE(reply->readAll(), expected);
        QCOMPARE(reply->rawHeader("Transfer-Encoding"), QByteArray("chunked"));
        QCOMPARE(reply->rawHeader("X-Frame-Options"), QByteArray("SAMEORIGIN"));
        QCOMPARE(reply->rawHeader("Content-Type"), QByteArray("application/json; charset=utf-8"));
        QVERIFY(!reply->hasRawHeader("Content-Length"));
        QVERIFY(server.problems().isEmpty());
    }

    void keepAlive_servesTwoRequestsOnOneConnection()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", QStringLiteral("/a")).reply(ReplayResponse::text(200, "A"));
        server.on("GET", QStringLiteral("/b")).reply(ReplayResponse::text(200, "B"));
        RawClient client(server.port());
        // Both requests in one write: the server must frame them apart (pipelining).
        client.socket.write("GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n");
        QTRY_COMPARE_WITH_TIMEOUT(client.responses(), 2, 10000);
        QVERIFY(client.received.contains("Connection: keep-alive"));
        QVERIFY(client.received.indexOf("\r\n\r\nA") < client.received.indexOf("\r\n\r\nB"));
        QCOMPARE(server.requestCount(), 2);
        QCOMPARE(server.requests().at(0).connection, server.requests().at(1).connection);
        QCOMPARE(server.connectionCount(), 1);
        QVERIFY(!client.disconnected);
    }

    void connectionClose_closesAfterTheAnswer()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", QStringLiteral("/a")).reply(ReplayResponse::text(200, "A"));
        RawClient client(server.port());
        client.socket.write("GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        QTRY_VERIFY_WITH_TIMEOUT(client.disconnected, 10000);
        QVERIFY(client.received.startsWith("HTTP/1.1 200 OK\r\n"));
        QVERIFY(client.received.contains("Connection: close"));
        QVERIFY(client.received.endsWith("\r\n\r\nA"));
    }

    void requestBody_framings_data()
    {
        QTest::addColumn<QByteArray>("raw");
        QTest::addColumn<QByteArray>("expectedBody");
        QTest::addRow("content-length") << QByteArray("POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello")
                                        << QByteArray("hello");
        QTest::addRow("chunked with extension and trailer")
            << QByteArray("POST /p HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                          "5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n")
            << QByteArray("hello, world");
        QTest::addRow("empty chunked") << QByteArray(
            "POST /p HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
                                       << QByteArray();
        QTest::addRow("no body") << QByteArray("POST /p HTTP/1.1\r\nHost: x\r\n\r\n") << QByteArray();
    }
    void requestBody_framings()
    {
        QFETCH(QByteArray, raw);
        QFETCH(QByteArray, expectedBody);
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("POST", QStringLiteral("/p")).reply(ReplayResponse::empty(204));
        RawClient client(server.port());
        // Byte by byte: the parser must wait for the whole request however it arrives.
        QTRY_COMPARE_WITH_TIMEOUT(client.socket.state(), QAbstractSocket::ConnectedState, 10000);
        for (char byte : raw) {
            client.socket.write(&byte, 1);
            client.socket.flush();
        }
        QTRY_COMPARE_WITH_TIMEOUT(client.responses(), 1, 10000);
        QVERIFY(client.received.startsWith("HTTP/1.1 204 No Content\r\n"));
        QCOMPARE(server.requestCount(), 1);
        QCOMPARE(server.requests().at(0).body, expectedBody);
        QVERIFY(server.problems().isEmpty());
    }

    void expectContinue_isAnsweredBeforeTheBody()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("PUT", QStringLiteral("/p")).reply(ReplayResponse::empty(204));
        RawClient client(server.port());
        client.socket.write("PUT /p HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n");
        QTRY_VERIFY_WITH_TIMEOUT(client.received.startsWith("HTTP/1.1 100 Continue\r\n\r\n"), 10000);
        QCOMPARE(server.requestCount(), 0);
        client.socket.write("abc");
        QTRY_COMPARE_WITH_TIMEOUT(client.responses(), 1, 10000);
        QCOMPARE(server.requests().at(0).body, QByteArray("abc"));
    }

    void malformedRequest_answers400AndIsAProblem_data()
    {
        QTest::addColumn<QByteArray>("raw");
        QTest::addColumn<QString>("problem");
        QTest::addRow("tls client hello")
            << QByteArray("\x16\x03\x01\x02\x00\x01") << QStringLiteral("TLS handshake received");
        QTest::addRow("not a request line")
            << QByteArray("HELLO\r\n\r\n") << QStringLiteral("malformed request line 'HELLO'");
        QTest::addRow("bad content-length")
            << QByteArray("POST /p HTTP/1.1\r\nContent-Length: x\r\n\r\n") << QStringLiteral("bad Content-Length 'x'");
        QTest::addRow("bad chunk") << QByteArray("POST /p HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
                                   << QStringLiteral("bad chunk size 'zz'");
    }
    void malformedRequest_answers400AndIsAProblem()
    {
        QFETCH(QByteArray, raw);
        QFETCH(QString, problem);
        ReplayServer server;
        QVERIFY(server.listen());
        RawClient client(server.port());
        client.socket.write(raw);
        QTRY_VERIFY_WITH_TIMEOUT(client.disconnected, 10000);
        QVERIFY(client.received.startsWith("HTTP/1.1 400 Bad Request\r\n"));
        QCOMPARE(server.problems().size(), 1);
        QVERIFY2(server.problems().at(0).contains(problem), qPrintable(server.problems().at(0)));
    }

    void delay_answersLaterAndHoldsBackTheNextRequest()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", QStringLiteral("/slow")).reply(ReplayResponse::text(200, "slow").withDelay(200));
        server.on("GET", QStringLiteral("/fast")).reply(ReplayResponse::text(200, "fast"));
        RawClient client(server.port());
        client.socket.write("GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /fast HTTP/1.1\r\nHost: x\r\n\r\n");
        QTRY_COMPARE_WITH_TIMEOUT(client.responses(), 2, 10000);
        // HTTP/1.1 answers in request order on one connection, delayed or not.
        QVERIFY(client.received.indexOf("slow") < client.received.indexOf("fast"));
    }

    void drop_closesTheConnectionWithoutAnswer()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", QStringLiteral("/drop")).reply(ReplayResponse::drop());
        RawClient client(server.port());
        client.socket.write("GET /drop HTTP/1.1\r\nHost: x\r\n\r\n");
        QTRY_VERIFY_WITH_TIMEOUT(client.disconnected, 10000);
        QVERIFY(client.received.isEmpty());
        QCOMPARE(server.requestCount(), 1);
        QVERIFY(server.problems().isEmpty());
    }

    void hang_neverAnswersUntilClosed()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", QStringLiteral("/hang")).reply(ReplayResponse::hang());
        RawClient client(server.port());
        client.socket.write("GET /hang HTTP/1.1\r\nHost: x\r\n\r\n");
        QTRY_COMPARE_WITH_TIMEOUT(server.requestCount(), 1, 10000);
        // A second request on the same connection is not answered either.
        client.socket.write("GET /hang HTTP/1.1\r\nHost: x\r\n\r\n");
        QTest::qWait(200);
        QVERIFY(client.received.isEmpty());
        QVERIFY(!client.disconnected);
        server.closeConnections();
        QTRY_VERIFY_WITH_TIMEOUT(client.disconnected, 10000);
        QVERIFY(client.received.isEmpty());
    }

    void reset_forgetsRoutesAndRecords()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", QStringLiteral("/a")).reply(ReplayResponse::text(200, "A"));
        std::unique_ptr<QNetworkReply> first(get(server.url(QStringLiteral("/a"))));
        QCOMPARE(server.requestCount(), 1);
        server.reset();
        QCOMPARE(server.requestCount(), 0);
        std::unique_ptr<QNetworkReply> second(get(server.url(QStringLiteral("/a"))));
        QCOMPARE(second->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 404);
        QCOMPARE(server.problems().size(), 1);
    }

    void requestReceived_isSignalled()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", QStringLiteral("/a")).reply(ReplayResponse::text(200, "A"));
        QSignalSpy spy(&server, &ReplayServer::requestReceived);
        std::unique_ptr<QNetworkReply> reply(get(server.url(QStringLiteral("/a?x=1"))));
        QCOMPARE(spy.size(), 1);
        const auto recorded = spy.at(0).at(0).value<RecordedRequest>();
        QCOMPARE(recorded.toString(), QStringLiteral("GET /a?x=1"));
    }
};

QTEST_GUILESS_MAIN(tst_ReplayServer)
#include "tst_replayserver.moc"
