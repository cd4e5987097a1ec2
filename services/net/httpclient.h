// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "etagcache.h"
#include "httptypes.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QPointer>

class QNetworkAccessManager;
class QNetworkCookieJar;
class QNetworkReply;
class QTimer;

namespace Flightdeck::Net {

class HttpClient;

// One request in flight, retries included. Emits finished() exactly once (also after cancel(), with
// HttpErrorKind::Cancelled), then deletes itself: hold it in a QPointer if you keep it. Destroying the
// HttpClient aborts its replies without a finished().
class HttpReply final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpReply)

public:
    ~HttpReply() override;

    const HttpRequest& request() const { return m_request; }
    bool isFinished() const { return m_finished; }
    int attempts() const { return m_attempt; }
    // Aborts the transfer or the wait before a retry. finished() follows from the event loop.
    void cancel();

Q_SIGNALS:
    void finished(const Flightdeck::Net::HttpResponse& response);
    // Emitted before each retry: the attempt that failed, its error, and how long until the next.
    void retrying(int failedAttempt, const Flightdeck::Net::HttpError& error, int delayMs);

private:
    friend class HttpClient;
    HttpReply(HttpClient* client, HttpRequest request);
    void startAttempt();
    void sendCurrent();
    // Follows a redirect of a request that is not idempotent, which Qt leaves to us; false when the
    // response is no redirect, or one not to follow (then response has the error).
    bool followRedirect(HttpResponse& response);
    void releaseManager();
    void onReplyFinished();
    void complete(HttpResponse response);
    void completeLater(HttpResponse response);
    int backoffDelayMs() const;

    static constexpr int MaxRedirects = 10;

    QPointer<HttpClient> m_client;
    HttpRequest m_request;
    HttpRequest m_current; // what goes on the wire: m_request, or where its redirects led
    QPointer<QNetworkReply> m_reply;
    QPointer<QNetworkAccessManager> m_ownManager; // of a request that is not idempotent
    QTimer* m_retryTimer = nullptr;
    QElapsedTimer m_clock;
    QByteArray m_cacheKey;
    int m_attempt = 0;
    int m_redirects = 0;
    bool m_finished = false;
    bool m_cancelled = false;
    bool m_tooLarge = false;
};

// The one HTTP entry point of the services: timeouts, retries with backoff and jitter, Retry-After,
// credential injection, an ETag cache, secret-free logging. Signal-driven, never blocks; use it from
// the thread that created it.
//
// A request that is not idempotent (POST, PATCH, any method but GET, HEAD, PUT, DELETE, OPTIONS)
// reaches the server at most once: it goes out on a connection of its own, Qt may not send it again
// when that connection drops before the answer (which it otherwise does on its own), and it is never
// retried. A drop is an error (HttpErrorKind::ConnectionClosed) whose hint says that the server may
// have acted on it. Its redirects are followed here, by the same rules as Qt's for the others.
class HttpClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpClient)

public:
    explicit HttpClient(QObject* parent = nullptr);
    ~HttpClient() override;

    // Starts the request. The reply is a child of this client.
    HttpReply* send(const HttpRequest& request);
    // Same, delivering the response to onFinished(const HttpResponse&) in context's thread; nothing
    // is delivered once context is gone.
    template <typename Functor>
    HttpReply* send(const HttpRequest& request, const QObject* context, Functor&& onFinished)
    {
        HttpReply* reply = send(request);
        connect(reply, &HttpReply::finished, context, std::forward<Functor>(onFinished));
        return reply;
    }

    EtagCache& etagCache() { return m_etagCache; }
    void setUserAgent(const QByteArray& userAgent) { m_userAgent = userAgent; }
    QByteArray userAgent() const { return m_userAgent; }
    QNetworkAccessManager* networkAccessManager() const { return m_nam; }

private:
    friend class HttpReply;
    // Qt keeps an https connection with the TLS configuration of the request that opened it and reuses
    // it for the same host and port, so requests with their own trust (caCertificates,
    // insecureSkipTlsVerify) go through an access manager per distinct trust.
    QNetworkAccessManager* managerFor(const HttpRequest& request);
    // An access manager of this client (child, sharing the cookie jar) with no connections yet.
    QNetworkAccessManager* newManager();

    QNetworkCookieJar* m_cookies;
    QNetworkAccessManager* m_nam = nullptr;
    QHash<QByteArray, QNetworkAccessManager*> m_tlsManagers;
    EtagCache m_etagCache;
    QByteArray m_userAgent;
};

} // namespace Flightdeck::Net
