// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "etagcache.h"
#include "httptypes.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QPointer>

class QNetworkAccessManager;
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
    void onReplyFinished();
    void complete(HttpResponse response);
    void completeLater(HttpResponse response);
    int backoffDelayMs() const;

    QPointer<HttpClient> m_client;
    HttpRequest m_request;
    QPointer<QNetworkReply> m_reply;
    QTimer* m_retryTimer = nullptr;
    QElapsedTimer m_clock;
    QByteArray m_cacheKey;
    int m_attempt = 0;
    bool m_finished = false;
    bool m_cancelled = false;
    bool m_tooLarge = false;
};

// The one HTTP entry point of the services: timeouts, retries with backoff and jitter, Retry-After,
// credential injection, an ETag cache, secret-free logging. Signal-driven, never blocks; use it from
// the thread that created it.
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

    QNetworkAccessManager* m_nam;
    QHash<QByteArray, QNetworkAccessManager*> m_tlsManagers;
    EtagCache m_etagCache;
    QByteArray m_userAgent;
};

} // namespace Flightdeck::Net
