// SPDX-License-Identifier: Apache-2.0
#include "net/httpclient.h"
#include "net/pagination.h"
#include "net/redact.h"
#include "replayserver.h"
#include "tlsserver.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QLocale>
#include <QMutex>
#include <QPointer>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSslSocket>
#include <QTcpServer>
#include <QTest>

using namespace Flightdeck::Net;
using namespace Flightdeck::Test;

namespace {

// Log capture for the redaction tests. The message handler is process-wide, so it appends under a lock.
QMutex g_logMutex;
QStringList g_log;
QtMessageHandler g_previousHandler = nullptr;
QLoggingCategory::CategoryFilter g_previousFilter = nullptr;

void captureMessage(QtMsgType type, const QMessageLogContext& context, const QString& message)
{
    {
        QMutexLocker lock(&g_logMutex);
        g_log.append(
            QString::fromLatin1(context.category ? context.category : "default") + QLatin1String(": ") + message);
    }
    if (g_previousHandler)
        g_previousHandler(type, context, message);
}

// CTest runs tests with QT_LOGGING_RULES="*.debug=false", which beats setFilterRules(); a category
// filter is the supported way to switch flightdeck.net's debug output on regardless.
void enableNetDebug(QLoggingCategory* category)
{
    if (g_previousFilter)
        g_previousFilter(category);
    if (qstrcmp(category->categoryName(), "flightdeck.net") == 0)
        category->setEnabled(QtDebugMsg, true);
}

RetryPolicy fastRetry(int attempts)
{
    return RetryPolicy { attempts, 10, 40, 5000 };
}

} // namespace

class tst_HttpClient : public QObject
{
    Q_OBJECT

private:
    // Sends and waits (spinning the event loop) for the single finished() of the reply.
    static HttpResponse run(HttpClient& client, const HttpRequest& request, int timeoutMs = 20000)
    {
        HttpReply* reply = client.send(request);
        QSignalSpy spy(reply, &HttpReply::finished);
        if (!spy.wait(timeoutMs))
            return HttpResponse { .error
                = { HttpErrorKind::Network, 0, QStringLiteral("test: no finished() in time"), {}, {} } };
        if (spy.size() != 1)
            return HttpResponse { .error
                = { HttpErrorKind::Network, 0, QStringLiteral("test: finished() more than once"), {}, {} } };
        return spy.at(0).at(0).value<HttpResponse>();
    }

private Q_SLOTS:
    void initTestCase()
    {
        g_previousFilter = QLoggingCategory::installFilter(enableNetDebug);
        QVERIFY(lcNet().isDebugEnabled());
    }

    void get_sendsMethodHeadersAndUserAgent()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", QStringLiteral("/api/items")).reply(200, "{\"items\":[1,2]}");
        HttpClient client;
        HttpRequest request = HttpRequest::get(server.url(QStringLiteral("/api/items?limit=2")));
        request.setHeader("Accept", "application/json").setHeader("X-Trace", "t-1");
        const HttpResponse response = run(client, request);
        QVERIFY2(response.ok(), qPrintable(response.error.toText()));
        QCOMPARE(response.status, 200);
        QCOMPARE(response.attempts, 1);
        QCOMPARE(response.header("content-type"), QByteArray("application/json; charset=utf-8"));
        HttpError jsonError;
        const QJsonDocument json = response.json(&jsonError);
        QVERIFY(!jsonError.isError());
        QCOMPARE(json.object().value(QLatin1String("items")).toArray().size(), 2);

        QCOMPARE(server.requestCount(), 1);
        const RecordedRequest& sent = server.requests().at(0);
        QCOMPARE(sent.method, QByteArray("GET"));
        QCOMPARE(sent.path, QStringLiteral("/api/items"));
        QCOMPARE(sent.queryValue(QStringLiteral("limit")), QStringLiteral("2"));
        QCOMPARE(sent.header("Accept"), QByteArray("application/json"));
        QCOMPARE(sent.header("X-Trace"), QByteArray("t-1"));
        QCOMPARE(sent.header("User-Agent"), QByteArray("Flightdeck/0.1"));
        QVERIFY(!sent.hasHeader("Authorization"));
        QVERIFY(server.problems().isEmpty());
    }

    void credential_isInjected_data()
    {
        QTest::addColumn<Credential>("credential");
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<QByteArray>("value");
        QTest::addRow("bearer") << Credential::bearer(QStringLiteral("tok-123")) << QByteArray("Authorization")
                                << QByteArray("Bearer tok-123");
        QTest::addRow("basic") << Credential::basic(QStringLiteral("jenkins"), QStringLiteral("api:tok"))
                               << QByteArray("Authorization")
                               << QByteArray("Basic " + QByteArray("jenkins:api:tok").toBase64());
        QTest::addRow("custom header") << Credential::header("PRIVATE-TOKEN", QStringLiteral("glpat-xyz"))
                                       << QByteArray("PRIVATE-TOKEN") << QByteArray("glpat-xyz");
    }
    void credential_isInjected()
    {
        QFETCH(Credential, credential);
        QFETCH(QByteArray, header);
        QFETCH(QByteArray, value);
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", QStringLiteral("/me")).reply(200, "{}");
        HttpClient client;
        HttpRequest request = HttpRequest::get(server.url(QStringLiteral("/me")));
        request.credential = credential;
        QVERIFY(run(client, request).ok());
        QCOMPARE(server.requests().at(0).header(header), value);
    }

    void post_sendsBodyAndContentType()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("POST", QStringLiteral("/api/things")).reply(201, "{\"id\":\"a1\"}");
        HttpClient client;
        QJsonObject payload { { QStringLiteral("name"), QStringLiteral("x") } };
        const HttpResponse response
            = run(client, HttpRequest::postJson(server.url(QStringLiteral("/api/things")), QJsonDocument(payload)));
        QVERIFY(response.ok());
        QCOMPARE(response.status, 201);
        const RecordedRequest& sent = server.requests().at(0);
        QCOMPARE(sent.body, QByteArray("{\"name\":\"x\"}"));
        QCOMPARE(sent.header("Content-Type"), QByteArray("application/json"));
    }

    void customMethod_isSent()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("PATCH", QStringLiteral("/x")).reply(200, "{}");
        server.on("DELETE", QStringLiteral("/x")).reply(ReplayResponse::empty(204));
        HttpClient client;
        HttpRequest patch
            = HttpRequest::post(server.url(QStringLiteral("/x")), "{\"a\":1}", "application/merge-patch+json");
        patch.method = "PATCH";
        QVERIFY(run(client, patch).ok());
        HttpRequest del = HttpRequest::get(server.url(QStringLiteral("/x")));
        del.method = "delete";
        const HttpResponse deleted = run(client, del);
        QVERIFY(deleted.ok());
        QCOMPARE(deleted.status, 204);
        QCOMPARE(server.requests().at(0).body, QByteArray("{\"a\":1}"));
        QCOMPARE(server.requests().at(1).method, QByteArray("DELETE"));
    }

    void retry_503ThenSuccess()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", QStringLiteral("/flaky"))
            .reply(ReplayResponse::json(503, "{}"))
            .reply(ReplayResponse::json(503, "{}"))
            .reply(200, "{\"ok\":true}");
        HttpClient client;
        HttpRequest request = HttpRequest::get(server.url(QStringLiteral("/flaky")));
        request.retry = fastRetry(3);
        HttpReply* reply = client.send(request);
        QSignalSpy retrying(reply, &HttpReply::retrying);
        QSignalSpy finished(reply, &HttpReply::finished);
        QVERIFY(finished.wait(20000));
        const auto response = finished.at(0).at(0).value<HttpResponse>();
        QVERIFY2(response.ok(), qPrintable(response.error.toText()));
        QCOMPARE(response.body, QByteArray("{\"ok\":true}"));
        QCOMPARE(response.attempts, 3);
        QCOMPARE(retrying.size(), 2);
        QCOMPARE(retrying.at(0).at(0).toInt(), 1);
        QCOMPARE(retrying.at(0).at(1).value<HttpError>().status, 503);
        // Backoff with jitter: between half and all of the step (10 ms, then 20 ms).
        QVERIFY(retrying.at(0).at(2).toInt() >= 5 && retrying.at(0).at(2).toInt() <= 10);
        QVERIFY(retrying.at(1).at(2).toInt() >= 10 && retrying.at(1).at(2).toInt() <= 20);
        QCOMPARE(server.requestCount(), 3);
    }

    void retry_isBounded_thenServerError()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", QStringLiteral("/down")).reply(ReplayResponse::json(502, "{\"message\":\"upstream gone\"}"));
        HttpClient client;
        HttpRequest request = HttpRequest::get(server.url(QStringLiteral("/down")));
        request.retry = fastRetry(4);
        const HttpResponse response = run(client, request);
        QCOMPARE(response.error.kind, HttpErrorKind::ServerError);
        QCOMPARE(response.error.status, 502);
        QCOMPARE(response.attempts, 4);
        QCOMPARE(response.error.serverMessage, QStringLiteral("upstream gone"));
        QVERIFY2(
            response.error.message.contains(QStringLiteral("after 4 attempts")), qPrintable(response.error.message));
        QVERIFY(response.error.message.contains(server.url(QStringLiteral("/down")).toString()));
        QVERIFY(!response.error.hint.isEmpty());
        QCOMPARE(server.requestCount(), 4);
    }

    void retry_notForPost()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("POST", QStringLiteral("/create")).reply(ReplayResponse::json(503, "{}")).reply(201, "{}");
        HttpClient client;
        HttpRequest request = HttpRequest::post(server.url(QStringLiteral("/create")), "{}", "application/json");
        request.retry = fastRetry(3);
        const HttpResponse response = run(client, request);
        QCOMPARE(response.error.kind, HttpErrorKind::ServerError);
        QCOMPARE(server.requestCount(), 1);
    }

    void retry_notForClientErrors()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", QStringLiteral("/bad")).reply(ReplayResponse::json(400, "{}"));
        HttpClient client;
        HttpRequest request = HttpRequest::get(server.url(QStringLiteral("/bad")));
        request.retry = fastRetry(3);
        QCOMPARE(run(client, request).error.kind, HttpErrorKind::ClientError);
        QCOMPARE(server.requestCount(), 1);
    }

    void retryAfter_secondsIsHonoured()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", QStringLiteral("/limited"))
            .reply(ReplayResponse::json(429, "{\"message\":\"slow down\"}").withHeader("Retry-After", "1"))
            .reply(200, "{}");
        HttpClient client;
        HttpRequest request = HttpRequest::get(server.url(QStringLiteral("/limited")));
        // A backoff of a minute: if Retry-After were ignored the delay below would show it.
        request.retry = RetryPolicy { 3, 60000, 60000, 5000 };
        HttpReply* reply = client.send(request);
        QSignalSpy retrying(reply, &HttpReply::retrying);
        QSignalSpy finished(reply, &HttpReply::finished);
        QVERIFY(finished.wait(20000));
        QVERIFY(finished.at(0).at(0).value<HttpResponse>().ok());
        QCOMPARE(retrying.size(), 1);
        QCOMPARE(retrying.at(0).at(1).value<HttpError>().kind, HttpErrorKind::RateLimited);
        QCOMPARE(retrying.at(0).at(2).toInt(), 1000);
        QCOMPARE(server.requestCount(), 2);
    }

    void retryAfter_httpDateIsHonoured()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        const QByteArray date = QLocale::c()
                                    .toString(QDateTime::currentDateTimeUtc().addSecs(3),
                                        QStringLiteral("ddd, dd MMM yyyy hh:mm:ss 'GMT'"))
                                    .toLatin1();
        server.on("GET", QStringLiteral("/busy"))
            .reply(ReplayResponse::json(503, "{}").withHeader("Retry-After", date))
            .reply(200, "{}");
        HttpClient client;
        HttpRequest request = HttpRequest::get(server.url(QStringLiteral("/busy")));
        request.retry = RetryPolicy { 2, 60000, 60000, 5000 };
        HttpReply* reply = client.send(request);
        QSignalSpy retrying(reply, &HttpReply::retrying);
        QSignalSpy finished(reply, &HttpReply::finished);
        QVERIFY(finished.wait(20000));
        QVERIFY(finished.at(0).at(0).value<HttpResponse>().ok());
        QCOMPARE(retrying.size(), 1);
        const int delay = retrying.at(0).at(2).toInt();
        QVERIFY2(delay > 0 && delay <= 3000, qPrintable(QString::number(delay)));
    }

    void retryAfter_overTheCap_failsAtOnceWithHint()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", QStringLiteral("/limited"))
            .reply(ReplayResponse::json(429, "{}").withHeader("Retry-After", "120"))
            .reply(200, "{}");
        HttpClient client;
        HttpRequest request = HttpRequest::get(server.url(QStringLiteral("/limited")));
        request.retry = RetryPolicy { 3, 10, 10, 1000 };
        const HttpResponse response = run(client, request);
        QCOMPARE(response.error.kind, HttpErrorKind::RateLimited);
        QCOMPARE(server.requestCount(), 1);
        QVERIFY2(response.error.hint.contains(QStringLiteral("120 s")), qPrintable(response.error.hint));
    }

    void parseRetryAfter_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<qint64>("expected"); // -1: not parsed
        QTest::addRow("seconds") << QByteArray("5") << qint64(5000);
        QTest::addRow("zero") << QByteArray("0") << qint64(0);
        QTest::addRow("spaces") << QByteArray(" 7 ") << qint64(7000);
        QTest::addRow("negative") << QByteArray("-1") << qint64(-1);
        QTest::addRow("garbage") << QByteArray("soon") << qint64(-1);
        QTest::addRow("empty") << QByteArray() << qint64(-1);
        QTest::addRow("http date") << QByteArray("Sun, 22 Nov 2026 02:06:03 GMT") << qint64(10000);
        QTest::addRow("http date in the past") << QByteArray("Sun, 22 Nov 2026 02:05:00 GMT") << qint64(0);
    }
    void parseRetryAfter()
    {
        QFETCH(QByteArray, value);
        QFETCH(qint64, expected);
        const QDateTime now(QDate(2026, 11, 22), QTime(2, 5, 53), Qt::UTC);
        const std::optional<qint64> parsed = parseRetryAfterMs(value, now);
        QCOMPARE(parsed.value_or(-1), expected);
    }

    void timeout_serverNeverAnswers()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", QStringLiteral("/silent")).reply(ReplayResponse::hang());
        // Qt closes the reply it abandons: reading it then would only complain.
        QTest::failOnWarning(QRegularExpression(QStringLiteral("device not open")));
        HttpClient client;
        HttpRequest request = HttpRequest::get(server.url(QStringLiteral("/silent")));
        request.timeoutMs = 300;
        request.retry = fastRetry(2);
        const HttpResponse response = run(client, request);
        QCOMPARE(response.error.kind, HttpErrorKind::Timeout);
        QCOMPARE(response.attempts, 2);
        QCOMPARE(server.requestCount(), 2);
        QVERIFY2(response.error.message.contains(QStringLiteral("within 0.3 s")), qPrintable(response.error.message));
        QVERIFY(response.error.message.contains(QStringLiteral("127.0.0.1:%1").arg(server.port())));
        QVERIFY(!response.error.hint.isEmpty());
    }

    void droppedConnection_isConnectionClosed()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", QStringLiteral("/drop")).reply(ReplayResponse::drop());
        HttpClient client;
        HttpRequest request = HttpRequest::get(server.url(QStringLiteral("/drop")));
        request.retry = RetryPolicy::none();
        const HttpResponse response = run(client, request);
        QCOMPARE(response.error.kind, HttpErrorKind::ConnectionClosed);
        QVERIFY(response.error.message.contains(QStringLiteral("closed the connection")));
        // Qt itself re-sends a request once or twice when a connection closes before any answer.
        QVERIFY(server.requestCount() >= 1 && server.requestCount() <= 3);
    }

    void droppedConnection_thenRetrySucceeds()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", QStringLiteral("/once"))
            .reply(ReplayResponse::drop())
            .reply(ReplayResponse::drop())
            .reply(ReplayResponse::drop())
            .reply(200, "{\"v\":1}");
        HttpClient client;
        HttpRequest request = HttpRequest::get(server.url(QStringLiteral("/once")));
        request.retry = fastRetry(4);
        const HttpResponse response = run(client, request);
        QVERIFY2(response.ok(), qPrintable(response.error.toText()));
        QCOMPARE(response.body, QByteArray("{\"v\":1}"));
    }

    // A request that is not idempotent (a deploy trigger: Jenkins' buildWithParameters, GitHub's
    // workflow_dispatch) whose connection drops before any answer reaches the server once and only
    // once: Qt on its own would send it again on a new connection, and neither do the retries. The
    // caller learns about the drop, and that the server may have acted on it.
    void droppedConnection_nonIdempotentIsSentOnce_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<bool>("afterGet");
        QTest::newRow("POST with a body") << QByteArray("POST") << QByteArray("{\"ref\":\"v1.4.2\"}") << false;
        QTest::newRow("POST without a body") << QByteArray("POST") << QByteArray() << false;
        QTest::newRow("POST after a GET to the same server") << QByteArray("POST") << QByteArray("a=1") << true;
        QTest::newRow("PATCH") << QByteArray("PATCH") << QByteArray("{\"a\":1}") << false;
        QTest::newRow("custom method") << QByteArray("TRIGGER") << QByteArray("x") << false;
    }

    void droppedConnection_nonIdempotentIsSentOnce()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, body);
        QFETCH(bool, afterGet);
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", QStringLiteral("/warm")).reply(200, "{}");
        server.on(method, QStringLiteral("/trigger")).reply(ReplayResponse::drop()).reply(201, "{}");
        HttpClient client;
        if (afterGet)
            QVERIFY(run(client, HttpRequest::get(server.url(QStringLiteral("/warm")))).ok());
        HttpRequest request = HttpRequest::post(server.url(QStringLiteral("/trigger")), body, "application/json");
        request.method = method;
        request.retry = fastRetry(3);
        const HttpResponse response = run(client, request);
        QCOMPARE(response.error.kind, HttpErrorKind::ConnectionClosed);
        QVERIFY2(response.error.message.contains(QStringLiteral("closed the connection")),
            qPrintable(response.error.message));
        QVERIFY2(response.error.hint.contains(QStringLiteral("before trying again")), qPrintable(response.error.hint));
        QCOMPARE(response.attempts, 1);
        const QList<RecordedRequest> sent = server.requests(method, QStringLiteral("/trigger"));
        QCOMPARE(sent.size(), 1);
        QCOMPARE(sent.at(0).body, body);
        // On a connection of its own: one kept alive since an earlier request may be closing (the
        // server's idle timeout) just as the request goes out, and then it could not be sent again.
        QCOMPARE(sent.at(0).connection, afterGet ? 2 : 1);
        QVERIFY2(server.problems().isEmpty(), qPrintable(server.problems().join(QLatin1Char('\n'))));
    }

    // The connection of its own still carries the cookies of the session: a Jenkins crumb is only
    // good together with the session cookie of the request that fetched it.
    void nonIdempotent_carriesTheSessionCookie()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", QStringLiteral("/crumbIssuer/api/json"))
            .reply(ReplayResponse::json(200, "{\"crumb\":\"c1\"}").withHeader("Set-Cookie", "JSESSIONID=s42; Path=/"));
        server.on("POST", QStringLiteral("/job/deploy/buildWithParameters")).reply(ReplayResponse::empty(201));
        HttpClient client;
        QVERIFY(run(client, HttpRequest::get(server.url(QStringLiteral("/crumbIssuer/api/json")))).ok());
        const HttpResponse queued = run(client,
            HttpRequest::post(server.url(QStringLiteral("/job/deploy/buildWithParameters")), "VERSION=1.4.2",
                "application/x-www-form-urlencoded"));
        QVERIFY2(queued.ok(), qPrintable(queued.error.toText()));
        const QList<RecordedRequest> sent = server.requests("POST", QStringLiteral("/job/deploy/buildWithParameters"));
        QCOMPARE(sent.size(), 1);
        QCOMPARE(sent.at(0).header("Cookie"), QByteArray("JSESSIONID=s42"));
    }

    // Sent once does not mean crippled: an answered POST, one redirected with 307 (the body goes
    // again, to where the server said) and one redirected with 303 (then a GET) work as before.
    void nonIdempotent_answeredAndRedirected()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("POST", QStringLiteral("/old"))
            .reply(ReplayResponse::empty(307).withHeader("Location", server.url(QStringLiteral("/new")).toEncoded()));
        server.on("POST", QStringLiteral("/new")).reply(201, "{\"id\":1}");
        server.on("POST", QStringLiteral("/queue"))
            .reply(
                ReplayResponse::empty(303).withHeader("Location", server.url(QStringLiteral("/item/7")).toEncoded()));
        server.on("GET", QStringLiteral("/item/7")).reply(200, "{\"id\":7}");
        HttpClient client;
        const HttpResponse moved
            = run(client, HttpRequest::post(server.url(QStringLiteral("/old")), "{\"a\":1}", "application/json"));
        QVERIFY2(moved.ok(), qPrintable(moved.error.toText()));
        QCOMPARE(moved.status, 201);
        QCOMPARE(server.requests("POST", QStringLiteral("/new")).value(0).body, QByteArray("{\"a\":1}"));
        const HttpResponse queued = run(client,
            HttpRequest::post(server.url(QStringLiteral("/queue")), "b=2", "application/x-www-form-urlencoded"));
        QVERIFY2(queued.ok(), qPrintable(queued.error.toText()));
        QCOMPARE(queued.body, QByteArray("{\"id\":7}"));
        QCOMPARE(server.requests("POST", QStringLiteral("/queue")).value(0).body, QByteArray("b=2"));
        QVERIFY2(server.problems().isEmpty(), qPrintable(server.problems().join(QLatin1Char('\n'))));
    }

    // The redirects of a request that is not idempotent follow the rules of the others: a credential
    // stays on its origin, and a redirect that goes somewhere else is an error naming both places.
    void nonIdempotent_redirectKeepsTheCredentialOnItsOrigin()
    {
        ReplayServer server, elsewhere;
        QVERIFY(server.listen() && elsewhere.listen());
        server.on("POST", QStringLiteral("/dispatch"))
            .reply(ReplayResponse::empty(307).withHeader("Location", "/renamed/dispatch"));
        server.on("POST", QStringLiteral("/renamed/dispatch")).reply(ReplayResponse::empty(204));
        server.on("POST", QStringLiteral("/away"))
            .reply(ReplayResponse::empty(308).withHeader("Location", elsewhere.url(QStringLiteral("/x")).toEncoded()));
        elsewhere.on("POST", QStringLiteral("/x")).reply(ReplayResponse::empty(204));
        HttpClient client;
        HttpRequest dispatch = HttpRequest::post(server.url(QStringLiteral("/dispatch")), "{}", "application/json");
        dispatch.credential = Credential::bearer(QStringLiteral("t0ken"));
        const HttpResponse moved = run(client, dispatch);
        QVERIFY2(moved.ok(), qPrintable(moved.error.toText()));
        QCOMPARE(moved.status, 204);
        QCOMPARE(moved.url, server.url(QStringLiteral("/renamed/dispatch")));
        const QList<RecordedRequest> second = server.requests("POST", QStringLiteral("/renamed/dispatch"));
        QCOMPARE(second.size(), 1);
        QCOMPARE(second.at(0).header("Authorization"), QByteArray("Bearer t0ken"));
        QCOMPARE(second.at(0).body, QByteArray("{}"));

        HttpRequest away = HttpRequest::post(server.url(QStringLiteral("/away")), "{}", "application/json");
        away.credential = Credential::bearer(QStringLiteral("t0ken"));
        const HttpResponse refused = run(client, away);
        QCOMPARE(refused.error.kind, HttpErrorKind::InvalidResponse);
        QCOMPARE(refused.error.status, 308);
        QVERIFY2(refused.error.message.contains(elsewhere.url(QStringLiteral("/x")).toString()),
            qPrintable(refused.error.message));
        QVERIFY2(refused.error.message.contains(QStringLiteral("credential")), qPrintable(refused.error.message));
        QCOMPARE(elsewhere.requestCount(), 0);

        away.credential = {};
        const HttpResponse followed = run(client, away); // without a credential, another origin is fine
        QVERIFY2(followed.ok(), qPrintable(followed.error.toText()));
        QCOMPARE(elsewhere.requestCount(), 1);
    }

    void connectionRefused_isReported()
    {
        // A port that was free a moment ago: nothing listens there now.
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const quint16 port = probe.serverPort();
        probe.close();
        HttpClient client;
        HttpRequest request = HttpRequest::get(QUrl(QStringLiteral("http://127.0.0.1:%1/api").arg(port)));
        request.retry = RetryPolicy::none();
        const HttpResponse response = run(client, request);
        QCOMPARE(response.error.kind, HttpErrorKind::ConnectionRefused);
        QVERIFY2(response.error.message.contains(QStringLiteral("Connection refused by 127.0.0.1:%1").arg(port)),
            qPrintable(response.error.message));
        QVERIFY(response.error.hint.contains(QStringLiteral("running")));
    }

    void hostNotFound_isReported()
    {
        HttpClient client;
        // .invalid never resolves (RFC 6761).
        HttpRequest request = HttpRequest::get(QUrl(QStringLiteral("http://flightdeck-test.invalid/api")));
        request.retry = RetryPolicy::none();
        const HttpResponse response = run(client, request, 60000);
        QCOMPARE(response.error.kind, HttpErrorKind::HostNotFound);
        QVERIFY(response.error.message.contains(QStringLiteral("flightdeck-test.invalid")));
        QVERIFY(response.error.hint.contains(QStringLiteral("host name")));
    }

    void tlsFailure_isReported()
    {
        if (!QSslSocket::supportsSsl())
            QSKIP("no TLS backend in this Qt installation");
        ReplayServer server; // speaks plain HTTP: a TLS handshake with it must fail
        QVERIFY(server.listen());
        HttpClient client;
        HttpRequest request = HttpRequest::get(QUrl(QStringLiteral("https://127.0.0.1:%1/api").arg(server.port())));
        request.retry = RetryPolicy::none();
        request.timeoutMs = 10000;
        const HttpResponse response = run(client, request);
        QVERIFY2(response.error.kind == HttpErrorKind::Tls,
            qPrintable(errorKindName(response.error.kind) + QLatin1Char(' ') + response.error.message));
        QVERIFY2(response.error.message.startsWith(QStringLiteral("TLS with 127.0.0.1:%1 failed: ").arg(server.port())),
            qPrintable(response.error.message));
        QVERIFY(response.error.hint.contains(QStringLiteral("certificate")));
        QCOMPARE(server.requestCount(), 0);
        QCOMPARE(server.problems().size(), 1);
    }

    void tls_trustIsPerRequest()
    {
        TlsServer server;
        if (!server.listen())
            QSKIP("no TLS backend in this Qt installation");
        server.setResponse(200, "{\"tls\":true}");
        HttpClient client;
        HttpRequest request = HttpRequest::get(server.url(QStringLiteral("/api")));
        request.retry = RetryPolicy::none();
        request.timeoutMs = 10000;

        // The test CA is in no system store.
        HttpResponse response = run(client, request);
        QCOMPARE(response.error.kind, HttpErrorKind::Tls);

        // Trusted through caCertificates, on the same client, host and port.
        request.caCertificates = TlsServer::caCertificates();
        QCOMPARE(request.caCertificates.size(), 1);
        response = run(client, request);
        QVERIFY2(response.ok(), qPrintable(response.error.toText()));
        QCOMPARE(response.body, QByteArray("{\"tls\":true}"));

        request.caCertificates.clear();
        request.insecureSkipTlsVerify = true;
        response = run(client, request);
        QVERIFY2(response.ok(), qPrintable(response.error.toText()));

        // A request without either is verified again: the trust of earlier requests does not carry over.
        request.insecureSkipTlsVerify = false;
        response = run(client, request);
        QCOMPARE(response.error.kind, HttpErrorKind::Tls);
        QCOMPARE(server.requestLines(), QStringList({ QStringLiteral("GET /api"), QStringLiteral("GET /api") }));
        QCOMPARE(server.handshakeFailures(), 2);
    }

    void httpErrors_haveMessageAndHint_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<bool>("withCredential");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<HttpErrorKind>("kind");
        QTest::addColumn<QString>("inMessage");
        QTest::addColumn<QString>("inHint");
        QTest::addColumn<QString>("serverMessage");
        const QByteArray backstage401 = ReplayServer::readFixture(QStringLiteral("backstage/bad-token.json"));
        QTest::addRow("401 with a token")
            << 401 << true << backstage401 << HttpErrorKind::Unauthorized << QStringLiteral("refused the credential")
            << QStringLiteral("token")
            << QStringLiteral("Could not resolve credentials; caused by AuthenticationError: Illegal token");
        QTest::addRow("401 without a token")
            << 401 << false << QByteArray("{}") << HttpErrorKind::Unauthorized
            << QStringLiteral("requires a credential") << QStringLiteral("Configure a token") << QString();
        QTest::addRow("403") << 403 << true << QByteArray("{\"message\":\"Resource not accessible by integration\"}")
                             << HttpErrorKind::Forbidden << QStringLiteral("access denied")
                             << QStringLiteral("permission")
                             << QStringLiteral("Resource not accessible by integration");
        QTest::addRow("404 names the URL")
            << 404 << false << ReplayServer::readFixture(QStringLiteral("backstage/by-name-404.json"))
            << HttpErrorKind::NotFound << QStringLiteral("nothing at GET http://127.0.0.1:")
            << QStringLiteral("Check the URL")
            << QStringLiteral("No entity named 'does-not-exist' found, with kind 'component' in namespace 'default'");
        QTest::addRow("400 carries the server's reason")
            << 400 << false << QByteArray("{\"error\":\"invalid_grant\"}") << HttpErrorKind::ClientError
            << QStringLiteral("HTTP 400 Bad Request") << QStringLiteral("server's message")
            << QStringLiteral("invalid_grant");
        QTest::addRow("html error page") << 500 << false << QByteArray("<html><body>oops</body></html>")
                                         << HttpErrorKind::ServerError << QStringLiteral("the server failed")
                                         << QStringLiteral("server's logs") << QString();
    }
    void httpErrors_haveMessageAndHint()
    {
        QFETCH(int, status);
        QFETCH(bool, withCredential);
        QFETCH(QByteArray, body);
        QFETCH(HttpErrorKind, kind);
        QFETCH(QString, inMessage);
        QFETCH(QString, inHint);
        QFETCH(QString, serverMessage);
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", QStringLiteral("/api/thing")).reply(ReplayResponse::json(status, body));
        HttpClient client;
        HttpRequest request = HttpRequest::get(server.url(QStringLiteral("/api/thing")));
        request.retry = RetryPolicy::none();
        if (withCredential)
            request.credential = Credential::bearer(QStringLiteral("a-token-value"));
        const HttpResponse response = run(client, request);
        QCOMPARE(response.status, status);
        QCOMPARE(response.body, body);
        QCOMPARE(response.error.kind, kind);
        QCOMPARE(response.error.status, status);
        QVERIFY2(response.error.message.contains(inMessage), qPrintable(response.error.message));
        QVERIFY(response.error.message.contains(server.url(QStringLiteral("/api/thing")).toString()));
        QVERIFY2(response.error.hint.contains(inHint), qPrintable(response.error.hint));
        QCOMPARE(response.error.serverMessage, serverMessage);
        QVERIFY(!response.error.toText().contains(QStringLiteral("a-token-value")));
    }

    void invalidUrl_isRejected()
    {
        HttpClient client;
        const HttpResponse response = run(client, HttpRequest::get(QUrl(QStringLiteral("ftp://example.org/x"))));
        QCOMPARE(response.error.kind, HttpErrorKind::InvalidRequest);
        QCOMPARE(response.attempts, 0);
    }

    void tooLarge_isAborted()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", QStringLiteral("/big")).reply(ReplayResponse::text(200, QByteArray(4096, 'x')));
        HttpClient client;
        HttpRequest request = HttpRequest::get(server.url(QStringLiteral("/big")));
        request.maxResponseBytes = 100;
        const HttpResponse response = run(client, request);
        QCOMPARE(response.error.kind, HttpErrorKind::TooLarge);
        QVERIFY(response.body.isEmpty());
    }

    void etag_304ReusesTheCachedResponse()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", QStringLiteral("/runs"))
            .reply(ReplayResponse::json(200, "{\"runs\":[1]}").withHeader("ETag", "W/\"v1\""))
            .reply(ReplayResponse::empty(304).withHeader("ETag", "W/\"v1\""));
        HttpClient client;
        HttpRequest request = HttpRequest::get(server.url(QStringLiteral("/runs")));
        request.useEtagCache = true;
        request.credential = Credential::bearer(QStringLiteral("first-token"));

        const HttpResponse first = run(client, request);
        QVERIFY(first.ok());
        QVERIFY(!first.fromCache);
        QCOMPARE(client.etagCache().size(), 1);
        const HttpResponse second = run(client, request);
        QVERIFY2(second.ok(), qPrintable(second.error.toText()));
        QVERIFY(second.fromCache);
        QCOMPARE(second.status, 200);
        QCOMPARE(second.body, QByteArray("{\"runs\":[1]}"));
        QCOMPARE(second.header("Content-Type"), QByteArray("application/json; charset=utf-8"));

        QCOMPARE(server.requestCount(), 2);
        QVERIFY(!server.requests().at(0).hasHeader("If-None-Match"));
        QCOMPARE(server.requests().at(1).header("If-None-Match"), QByteArray("W/\"v1\""));

        // Another credential may see other content: no validator is sent on its behalf.
        request.credential = Credential::bearer(QStringLiteral("second-token"));
        run(client, request);
        QCOMPARE(server.requestCount(), 3);
        QVERIFY(!server.requests().at(2).hasHeader("If-None-Match"));
    }

    void etag_offByDefault()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", QStringLiteral("/runs")).reply(ReplayResponse::json(200, "{}").withHeader("ETag", "\"v1\""));
        HttpClient client;
        run(client, HttpRequest::get(server.url(QStringLiteral("/runs"))));
        run(client, HttpRequest::get(server.url(QStringLiteral("/runs"))));
        QCOMPARE(client.etagCache().size(), 0);
        QVERIFY(!server.requests().at(1).hasHeader("If-None-Match"));
    }

    void linkHeader_parsing_data()
    {
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<QString>("expected");
        QTest::addRow("github") << QByteArray(
            "<https://api.github.com/repositories/1/actions/runs?page=2>; rel=\"next\", "
            "<https://api.github.com/repositories/1/actions/runs?page=5>; rel=\"last\"")
                                << QStringLiteral("https://api.github.com/repositories/1/actions/runs?page=2");
        QTest::addRow("next not first") << QByteArray(
            "<https://h/x?page=1>; rel=\"prev\", <https://h/x?page=3>; rel=\"next\"")
                                        << QStringLiteral("https://h/x?page=3");
        QTest::addRow("relative, unquoted")
            << QByteArray("</x?page=4>; rel=next") << QStringLiteral("https://h/x?page=4");
        QTest::addRow("several rels") << QByteArray("<https://h/x?page=4>; rel=\"next last\"")
                                      << QStringLiteral("https://h/x?page=4");
        QTest::addRow("no next") << QByteArray("<https://h/x?page=1>; rel=\"prev\"") << QString();
        QTest::addRow("nextish is not next") << QByteArray("<https://h/x?page=9>; rel=\"nextpage\"") << QString();
        QTest::addRow("empty") << QByteArray() << QString();
    }
    void linkHeader_parsing()
    {
        QFETCH(QByteArray, header);
        QFETCH(QString, expected);
        QCOMPARE(
            Pagination::nextFromLinkHeader(header, QUrl(QStringLiteral("https://h/x?page=2"))).toString(), expected);
    }

    void pager_followsLinkHeadersToTheLastPage()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        const QByteArray base = server.baseUrl().toEncoded();
        for (int page = 1; page <= 3; ++page) {
            ReplayResponse r = ReplayResponse::json(200, "[" + QByteArray::number(page) + "]");
            if (page < 3)
                r.withHeader("Link", "<" + base + "/runs?page=" + QByteArray::number(page + 1) + ">; rel=\"next\"");
            server.on("GET", QStringLiteral("/runs")).withQuery(QStringLiteral("page"), QString::number(page)).reply(r);
        }
        HttpClient client;
        HttpRequest first = HttpRequest::get(server.url(QStringLiteral("/runs?page=1")));
        first.credential = Credential::bearer(QStringLiteral("tok"));
        HttpPager pager(&client, first, Pagination::linkHeader(), 10);
        QByteArrayList bodies;
        connect(&pager, &HttpPager::pageReceived, this, [&](const HttpResponse& page, int) { bodies << page.body; });
        QSignalSpy finished(&pager, &HttpPager::finished);
        pager.start();
        QVERIFY(finished.wait(20000));
        QVERIFY(!finished.at(0).at(0).value<HttpError>().isError());
        QCOMPARE(finished.at(0).at(1).toInt(), 3);
        QCOMPARE(bodies, (QByteArrayList { "[1]", "[2]", "[3]" }));
        for (const RecordedRequest& r : server.requests())
            QCOMPARE(r.header("Authorization"), QByteArray("Bearer tok"));
        QVERIFY(server.problems().isEmpty());
    }

    void pager_stopsAtThePageLimitWithAnError()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        // A server that always offers one more page.
        for (int page = 1; page <= 20; ++page)
            server.on("GET", QStringLiteral("/endless"))
                .withQuery(QStringLiteral("page"), QString::number(page))
                .reply(ReplayResponse::json(200, "[]").withHeader(
                    "Link", "</endless?page=" + QByteArray::number(page + 1) + ">; rel=\"next\""));
        HttpClient client;
        HttpPager pager(
            &client, HttpRequest::get(server.url(QStringLiteral("/endless?page=1"))), Pagination::linkHeader(), 3);
        QSignalSpy pages(&pager, &HttpPager::pageReceived);
        QSignalSpy finished(&pager, &HttpPager::finished);
        pager.start();
        QVERIFY(finished.wait(20000));
        const auto error = finished.at(0).at(0).value<HttpError>();
        QCOMPARE(error.kind, HttpErrorKind::PageLimit);
        QVERIFY2(error.message.contains(QStringLiteral("Stopped after 3 pages")), qPrintable(error.message));
        QCOMPARE(pages.size(), 3);
        QCOMPARE(server.requestCount(), 3);
    }

    void pager_jsonCursorKeepsOnlyTheNamedParameters()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", QStringLiteral("/q"))
            .withQuery(QStringLiteral("filter"), QStringLiteral("kind=component"))
            .reply(200, "{\"page\":{\"next\":\"c+1/=\"}}");
        server.on("GET", QStringLiteral("/q"))
            .withQuery(QStringLiteral("cursor"), QStringLiteral("c+1/="))
            .reply(200, "{\"page\":{}}");
        HttpClient client;
        HttpPager pager(&client, HttpRequest::get(server.url(QStringLiteral("/q?filter=kind%3Dcomponent&limit=5"))),
            Pagination::jsonCursor({ QStringLiteral("page"), QStringLiteral("next") }, QStringLiteral("cursor"),
                { QStringLiteral("limit") }),
            5);
        QSignalSpy finished(&pager, &HttpPager::finished);
        pager.start();
        QVERIFY(finished.wait(20000));
        QVERIFY2(!finished.at(0).at(0).value<HttpError>().isError(),
            qPrintable(finished.at(0).at(0).value<HttpError>().message));
        QCOMPARE(server.requestCount(), 2);
        const RecordedRequest& second = server.requests().at(1);
        QCOMPARE(second.queryValue(QStringLiteral("cursor")), QStringLiteral("c+1/="));
        QCOMPARE(second.queryValue(QStringLiteral("limit")), QStringLiteral("5"));
        QVERIFY(!second.query.hasQueryItem(QStringLiteral("filter")));
        QVERIFY(server.problems().isEmpty());
    }

    void pager_detectsALoop()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", QStringLiteral("/loop"))
            .reply(ReplayResponse::json(200, "[]").withHeader("Link", "</loop>; rel=\"next\""));
        HttpClient client;
        HttpPager pager(&client, HttpRequest::get(server.url(QStringLiteral("/loop"))), Pagination::linkHeader(), 50);
        QSignalSpy finished(&pager, &HttpPager::finished);
        pager.start();
        QVERIFY(finished.wait(20000));
        QCOMPARE(finished.at(0).at(0).value<HttpError>().kind, HttpErrorKind::InvalidResponse);
        QCOMPARE(server.requestCount(), 1);
    }

    void pager_reportsAFailingPage()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", QStringLiteral("/p"))
            .withQuery(QStringLiteral("page"), QStringLiteral("1"))
            .reply(ReplayResponse::json(200, "[]").withHeader("Link", "</p?page=2>; rel=\"next\""));
        server.on("GET", QStringLiteral("/p"))
            .withQuery(QStringLiteral("page"), QStringLiteral("2"))
            .reply(ReplayResponse::json(401, "{}"));
        HttpClient client;
        HttpRequest first = HttpRequest::get(server.url(QStringLiteral("/p?page=1")));
        first.retry = RetryPolicy::none();
        HttpPager pager(&client, first, Pagination::linkHeader(), 50);
        QSignalSpy finished(&pager, &HttpPager::finished);
        pager.start();
        QVERIFY(finished.wait(20000));
        QCOMPARE(finished.at(0).at(0).value<HttpError>().kind, HttpErrorKind::Unauthorized);
        QCOMPARE(finished.at(0).at(1).toInt(), 1);
    }

    void redactedUrl_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("expected");
        QTest::addRow("userinfo") << QStringLiteral("https://user:pa55@git.example.com/x.git")
                                  << QStringLiteral("https://REDACTED@git.example.com/x.git");
        QTest::addRow("token only userinfo")
            << QStringLiteral("https://ghp_abc@github.com/o/r") << QStringLiteral("https://REDACTED@github.com/o/r");
        QTest::addRow("query secrets")
            << QStringLiteral("https://h/api?private_token=glpat-1&page=2&access_token=xyz&api_key=k")
            << QStringLiteral("https://h/api?private_token=REDACTED&page=2&access_token=REDACTED&api_key=REDACTED");
        QTest::addRow("signed url") << QStringLiteral("https://s3/b/o?X-Amz-Signature=abc&X-Amz-Credential=AK%2F1&x=1")
                                    << QStringLiteral(
                                           "https://s3/b/o?X-Amz-Signature=REDACTED&X-Amz-Credential=REDACTED&x=1");
        QTest::addRow("harmless") << QStringLiteral(
            "http://127.0.0.1:7007/api/catalog/entities/by-query?limit=500&cursor=abc")
                                  << QStringLiteral(
                                         "http://127.0.0.1:7007/api/catalog/entities/by-query?limit=500&cursor=abc");
    }
    void redactedUrl()
    {
        QFETCH(QString, url);
        QFETCH(QString, expected);
        QCOMPARE(Flightdeck::Net::redactedUrl(QUrl(url)), expected);
    }

    void redactedHeaders_data()
    {
        QTest::addColumn<QByteArray>("name");
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<QByteArray>("expected");
        QTest::addRow("bearer keeps scheme") << QByteArray("Authorization") << QByteArray("Bearer abc.def")
                                             << QByteArray("Authorization: Bearer REDACTED");
        QTest::addRow("basic keeps scheme") << QByteArray("authorization") << QByteArray("Basic dXNlcjpwYXNz")
                                            << QByteArray("authorization: Basic REDACTED");
        QTest::addRow("cookie") << QByteArray("Cookie") << QByteArray("session=1") << QByteArray("Cookie: REDACTED");
        QTest::addRow("set-cookie") << QByteArray("Set-Cookie") << QByteArray("sid=2; HttpOnly")
                                    << QByteArray("Set-Cookie: REDACTED");
        QTest::addRow("gitlab") << QByteArray("PRIVATE-TOKEN") << QByteArray("glpat-1")
                                << QByteArray("PRIVATE-TOKEN: REDACTED");
        QTest::addRow("api key") << QByteArray("X-API-Key") << QByteArray("k") << QByteArray("X-API-Key: REDACTED");
        QTest::addRow("harmless") << QByteArray("Accept") << QByteArray("application/json")
                                  << QByteArray("Accept: application/json");
    }
    void redactedHeaders()
    {
        QFETCH(QByteArray, name);
        QFETCH(QByteArray, value);
        QFETCH(QByteArray, expected);
        QCOMPARE(redactedHeaderLine(name, value), expected);
    }

    void logs_neverContainSecrets()
    {
        const QString token = QStringLiteral("tok-SECRET-bearer-4711");
        const QString queryToken = QStringLiteral("qry-SECRET-0815");
        const QString password = QStringLiteral("pw-SECRET-1234");
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", QStringLiteral("/api/secret"))
            .reply(ReplayResponse::json(503, "{}").withHeader("Set-Cookie", "sid=cookie-SECRET-99"))
            .reply(ReplayResponse::json(401, "{\"message\":\"bad\"}"));
        QUrl url = server.url(QStringLiteral("/api/secret?access_token=") + queryToken + QStringLiteral("&page=1"));
        url.setUserName(QStringLiteral("ci-bot"));
        url.setPassword(password);

        {
            QMutexLocker lock(&g_logMutex);
            g_log.clear();
        }
        g_previousHandler = qInstallMessageHandler(captureMessage);
        HttpClient client;
        HttpRequest request = HttpRequest::get(url);
        request.credential = Credential::bearer(token);
        request.setHeader("Cookie", "sid=cookie-SECRET-77");
        request.retry = fastRetry(2);
        const HttpResponse response = run(client, request);
        qInstallMessageHandler(g_previousHandler);
        g_previousHandler = nullptr;

        QCOMPARE(response.error.kind, HttpErrorKind::Unauthorized);
        QCOMPARE(server.requestCount(), 2);
        QCOMPARE(server.requests().at(0).header("Authorization"), QByteArray("Bearer " + token.toUtf8()));

        QMutexLocker lock(&g_logMutex);
        const QString log = g_log.join(QLatin1Char('\n'));
        // The log is really there: the request, its headers, the retry and the failure.
        QVERIFY2(log.contains(QStringLiteral("flightdeck.net: ->")), qPrintable(log));
        QVERIFY2(log.contains(QStringLiteral("Authorization: Bearer REDACTED")), qPrintable(log));
        QVERIFY2(log.contains(QStringLiteral("access_token=REDACTED")), qPrintable(log));
        QVERIFY2(log.contains(QStringLiteral("retrying GET")), qPrintable(log));
        QVERIFY2(log.contains(QStringLiteral("failed:")), qPrintable(log));
        for (const QString& secret : { token, queryToken, password, QStringLiteral("cookie-SECRET") }) {
            QVERIFY2(!log.contains(secret), qPrintable(secret + QStringLiteral(" leaked into:\n") + log));
            QVERIFY2(!response.error.toText().contains(secret), qPrintable(response.error.toText()));
        }
    }

    void cancel_inFlight_reportsCancelledOnce()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", QStringLiteral("/hang")).reply(ReplayResponse::hang());
        HttpClient client;
        HttpReply* reply = client.send(HttpRequest::get(server.url(QStringLiteral("/hang"))));
        QPointer<HttpReply> guard(reply);
        QSignalSpy finished(reply, &HttpReply::finished);
        QTRY_COMPARE_WITH_TIMEOUT(server.requestCount(), 1, 10000);
        reply->cancel();
        reply->cancel();
        QVERIFY(finished.isEmpty()); // delivered from the event loop, not from inside cancel()
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 10000);
        QCOMPARE(finished.at(0).at(0).value<HttpResponse>().error.kind, HttpErrorKind::Cancelled);
        QTRY_VERIFY_WITH_TIMEOUT(guard.isNull(), 10000); // the reply deletes itself
    }

    void cancel_duringRetryWait_stopsRetrying()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", QStringLiteral("/busy"))
            .reply(ReplayResponse::json(503, "{}").withHeader("Retry-After", "30"));
        HttpClient client;
        HttpRequest request = HttpRequest::get(server.url(QStringLiteral("/busy")));
        request.retry = RetryPolicy { 3, 10, 10, 60000 };
        HttpReply* reply = client.send(request);
        QSignalSpy retrying(reply, &HttpReply::retrying);
        QSignalSpy finished(reply, &HttpReply::finished);
        QVERIFY(retrying.wait(10000));
        QCOMPARE(retrying.at(0).at(2).toInt(), 30000);
        reply->cancel();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 10000);
        QCOMPARE(finished.at(0).at(0).value<HttpResponse>().error.kind, HttpErrorKind::Cancelled);
        QCOMPARE(server.requestCount(), 1);
    }

    void callback_isNotCalledAfterItsContextIsGone()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", QStringLiteral("/slow")).reply(ReplayResponse::json(200, "{}").withDelay(100));
        HttpClient client;
        int calls = 0;
        auto context = std::make_unique<QObject>();
        QPointer<HttpReply> reply = client.send(HttpRequest::get(server.url(QStringLiteral("/slow"))), context.get(),
            [&calls](const HttpResponse&) { ++calls; });
        context.reset();
        QTRY_VERIFY_WITH_TIMEOUT(reply.isNull(), 10000);
        QCOMPARE(calls, 0);

        auto alive = std::make_unique<QObject>();
        client.send(
            HttpRequest::get(server.url(QStringLiteral("/slow"))), alive.get(), [&calls](const HttpResponse& r) {
                if (r.ok())
                    ++calls;
            });
        QTRY_COMPARE_WITH_TIMEOUT(calls, 1, 10000);
    }

    void clientDestroyed_withRequestsInFlight_isSafe()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", QStringLiteral("/hang")).reply(ReplayResponse::hang());
        auto client = std::make_unique<HttpClient>();
        QPointer<HttpReply> reply = client->send(HttpRequest::get(server.url(QStringLiteral("/hang"))));
        QTRY_COMPARE_WITH_TIMEOUT(server.requestCount(), 1, 10000);
        client.reset();
        QVERIFY(reply.isNull());
        QTest::qWait(50); // let deferred deletions run; nothing may crash
    }
};

QTEST_GUILESS_MAIN(tst_HttpClient)
#include "tst_httpclient.moc"
