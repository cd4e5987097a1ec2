// SPDX-License-Identifier: Apache-2.0
#include "httpclient.h"

#include "redact.h"

#include <QCryptographicHash>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRandomGenerator>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTimer>

namespace Flightdeck::Net {

HttpClient::HttpClient(QObject* parent)
    : QObject(parent)
    , m_nam(new QNetworkAccessManager(this))
    , m_userAgent("Flightdeck/0.1")
{
    qRegisterMetaType<Flightdeck::Net::HttpResponse>();
    qRegisterMetaType<Flightdeck::Net::HttpError>();
}

HttpClient::~HttpClient()
{
    // Replies first: their destructors abort transfers that still belong to the access manager.
    const auto replies = findChildren<HttpReply*>(Qt::FindDirectChildrenOnly);
    for (HttpReply* reply : replies)
        delete reply;
}

QNetworkAccessManager* HttpClient::managerFor(const HttpRequest& request)
{
    if (request.url.scheme() != QLatin1String("https")
        || (request.caCertificates.isEmpty() && !request.insecureSkipTlsVerify))
        return m_nam;
    QCryptographicHash trust(QCryptographicHash::Sha256);
    trust.addData(request.insecureSkipTlsVerify ? QByteArrayView("insecure") : QByteArrayView("verify"));
    for (const QSslCertificate& certificate : request.caCertificates)
        trust.addData(certificate.toDer());
    const QByteArray key = trust.result();
    QNetworkAccessManager*& nam = m_tlsManagers[key];
    if (!nam)
        nam = new QNetworkAccessManager(this);
    return nam;
}

HttpReply* HttpClient::send(const HttpRequest& request)
{
    auto* reply = new HttpReply(this, request);
    reply->startAttempt();
    return reply;
}

HttpReply::HttpReply(HttpClient* client, HttpRequest request)
    : QObject(client)
    , m_client(client)
    , m_request(std::move(request))
    , m_retryTimer(new QTimer(this))
{
    m_retryTimer->setSingleShot(true);
    connect(m_retryTimer, &QTimer::timeout, this, &HttpReply::startAttempt);
    if (m_request.timeoutMs <= 0)
        m_request.timeoutMs = 30000;
    if (m_request.retry.maxAttempts < 1)
        m_request.retry.maxAttempts = 1;
    m_request.method = m_request.method.toUpper();
    m_clock.start();
}

HttpReply::~HttpReply()
{
    if (m_reply) {
        disconnect(m_reply, nullptr, this, nullptr);
        m_reply->abort();
        m_reply->deleteLater();
    }
}

void HttpReply::startAttempt()
{
    if (m_finished || m_cancelled)
        return;
    const QUrl& url = m_request.url;
    if (!url.isValid() || url.host().isEmpty()
        || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))) {
        HttpResponse response;
        response.url = url;
        response.error.kind = HttpErrorKind::InvalidRequest;
        response.error.message = QStringLiteral("Not an http(s) URL: '%1'").arg(redactedUrl(url));
        response.error.hint = QStringLiteral("Check the configured URL; it must look like https://host[:port]/path.");
        completeLater(response);
        return;
    }
    if (!m_client) {
        completeLater(
            HttpResponse { .url = url, .error = { HttpErrorKind::Cancelled, 0, QStringLiteral("Cancelled"), {}, {} } });
        return;
    }
    ++m_attempt;
    m_tooLarge = false;

    QNetworkRequest req(url);
    // Qt 6.4 leaves the transfer timeout off unless set: a silent server would hang the request forever.
    req.setTransferTimeout(m_request.timeoutMs);
    // Credentials must not follow a redirect to another origin.
    req.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
        m_request.credential.isEmpty() ? QNetworkRequest::NoLessSafeRedirectPolicy
                                       : QNetworkRequest::SameOriginRedirectPolicy);
    req.setMaximumRedirectsAllowed(10);
    req.setHeader(QNetworkRequest::UserAgentHeader, m_client->userAgent());
    if (url.scheme() == QLatin1String("https")
        && (!m_request.caCertificates.isEmpty() || m_request.insecureSkipTlsVerify)) {
        QSslConfiguration tls = req.sslConfiguration();
        if (!m_request.caCertificates.isEmpty())
            tls.setCaCertificates(m_request.caCertificates);
        if (m_request.insecureSkipTlsVerify)
            tls.setPeerVerifyMode(QSslSocket::VerifyNone);
        req.setSslConfiguration(tls);
    }
    for (const HttpHeader& h : std::as_const(m_request.headers))
        req.setRawHeader(h.first, h.second);
    const HttpHeader auth = m_request.credential.toHeader();
    if (!auth.first.isEmpty())
        req.setRawHeader(auth.first, auth.second);

    const bool cacheable = m_request.useEtagCache && m_request.method == "GET";
    if (cacheable) {
        m_cacheKey = EtagCache::keyFor(m_request);
        if (const EtagCache::Entry* entry = m_client->etagCache().find(m_cacheKey))
            req.setRawHeader("If-None-Match", entry->etag);
    }

    if (lcNet().isDebugEnabled()) {
        qCDebug(lcNet).noquote() << "->" << m_request.method << redactedUrl(url)
                                 << QStringLiteral("(attempt %1/%2, timeout %3 ms)")
                                        .arg(m_attempt)
                                        .arg(m_request.retry.maxAttempts)
                                        .arg(m_request.timeoutMs);
        const QByteArrayList extra { m_request.credential.headerName };
        for (const QByteArray& name : req.rawHeaderList())
            qCDebug(lcNet).noquote() << "   "
                                     << QString::fromLatin1(redactedHeaderLine(name, req.rawHeader(name), extra));
    }

    QNetworkAccessManager* nam = m_client->managerFor(m_request);
    QNetworkReply* reply = nullptr;
    if (m_request.method == "GET")
        reply = nam->get(req);
    else if (m_request.method == "HEAD")
        reply = nam->head(req);
    else if (m_request.method == "POST")
        reply = nam->post(req, m_request.body);
    else if (m_request.method == "PUT")
        reply = nam->put(req, m_request.body);
    else
        reply = nam->sendCustomRequest(req, m_request.method, m_request.body);
    m_reply = reply;
    connect(reply, &QNetworkReply::finished, this, &HttpReply::onReplyFinished);
    connect(reply, &QNetworkReply::downloadProgress, this, [this](qint64 received, qint64 total) {
        if (m_reply && (received > m_request.maxResponseBytes || total > m_request.maxResponseBytes)) {
            m_tooLarge = true;
            m_reply->abort();
        }
    });
}

int HttpReply::backoffDelayMs() const
{
    const RetryPolicy& p = m_request.retry;
    qint64 step = qint64(std::max(0, p.initialDelayMs)) << std::min(m_attempt - 1, 20);
    step = std::min<qint64>(step, std::max(0, p.maxDelayMs));
    // Jitter spreads the retries of many clients that failed together.
    const qint64 half = step / 2;
    return int(half + QRandomGenerator::global()->bounded(half + 1));
}

void HttpReply::onReplyFinished()
{
    QNetworkReply* reply = m_reply;
    if (!reply)
        return;
    m_reply.clear();
    reply->deleteLater();
    if (m_cancelled || m_finished)
        return;

    HttpResponse response;
    response.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    response.reason = reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toByteArray();
    response.headers = reply->rawHeaderPairs();
    response.url = reply->url();
    response.attempts = m_attempt;
    const QNetworkReply::NetworkError transportError = reply->error();

    if (m_tooLarge) {
        response.error.kind = HttpErrorKind::TooLarge;
        response.error.status = response.status;
        response.error.message = QStringLiteral("The response from %1 exceeds %2 MiB")
                                     .arg(redactedUrl(m_request.url))
                                     .arg(double(m_request.maxResponseBytes) / (1024 * 1024), 0, 'f', 1);
        response.error.hint = QStringLiteral("Narrow the query (smaller pages, a filter) so the answer is smaller.");
        complete(response);
        return;
    }
    response.body = reply->readAll();
    if (lcNet().isDebugEnabled()) {
        qCDebug(lcNet).noquote() << "<-" << response.status << QString::fromLatin1(response.reason)
                                 << redactedUrl(response.url);
        for (const HttpHeader& h : std::as_const(response.headers))
            qCDebug(lcNet).noquote() << "   " << QString::fromLatin1(redactedHeaderLine(h.first, h.second));
    }

    if (response.status == 304 && !m_cacheKey.isEmpty() && m_client) {
        if (const EtagCache::Entry* entry = m_client->etagCache().find(m_cacheKey)) {
            response.status = entry->status;
            response.reason = entry->reason;
            response.headers = entry->headers;
            response.body = entry->body;
            response.fromCache = true;
            complete(response);
            return;
        }
    }
    if (response.status >= 200 && response.status < 300 && !m_cacheKey.isEmpty() && m_client) {
        const QByteArray etag = response.header("ETag");
        if (!etag.isEmpty())
            m_client->etagCache().insert(
                m_cacheKey, { etag, response.status, response.reason, response.headers, response.body });
    }

    if (response.status >= 400 || (response.status == 0 && transportError != QNetworkReply::NoError))
        response.error = makeHttpError(m_request, response.status, response.reason, response.body, int(transportError),
            reply->errorString(), m_attempt);
    else if (response.status == 0)
        response.status = 200; // non-HTTP schemes never get here; keep the invariant "answered => status"

    if (!response.error.isError()) {
        complete(response);
        return;
    }

    const HttpErrorKind kind = response.error.kind;
    const bool transient = kind == HttpErrorKind::Timeout || kind == HttpErrorKind::ConnectionRefused
        || kind == HttpErrorKind::ConnectionClosed || kind == HttpErrorKind::Network
        || kind == HttpErrorKind::RateLimited || kind == HttpErrorKind::ServerError;
    std::optional<qint64> retryAfter;
    if (response.status == 429 || response.status == 503)
        retryAfter = parseRetryAfterMs(response.header("Retry-After"));
    if (retryAfter && *retryAfter > m_request.retry.maxRetryAfterMs) {
        response.error.hint = QStringLiteral("The server asks to wait %1 s before trying again (Retry-After).")
                                  .arg((*retryAfter + 999) / 1000);
        complete(response);
        return;
    }
    if (!transient || !m_request.isIdempotent() || m_attempt >= m_request.retry.maxAttempts) {
        complete(response);
        return;
    }
    const int delay = retryAfter ? int(*retryAfter) : backoffDelayMs();
    qCInfo(lcNet).noquote() << QStringLiteral("retrying %1 %2 in %3 ms after %4 (attempt %5 of %6 failed)")
                                   .arg(QString::fromLatin1(m_request.method), redactedUrl(m_request.url))
                                   .arg(delay)
                                   .arg(response.status ? QStringLiteral("HTTP %1").arg(response.status)
                                                        : errorKindName(kind))
                                   .arg(m_attempt)
                                   .arg(m_request.retry.maxAttempts);
    Q_EMIT retrying(m_attempt, response.error, delay);
    if (!m_finished && !m_cancelled)
        m_retryTimer->start(delay);
}

void HttpReply::complete(HttpResponse response)
{
    if (m_finished)
        return;
    m_finished = true;
    m_retryTimer->stop();
    if (response.attempts == 0)
        response.attempts = m_attempt;
    if (response.error.isError())
        qCInfo(lcNet).noquote() << "failed:" << response.error.message;
    else
        qCDebug(lcNet).noquote() << "<-" << response.status
                                 << redactedUrl(response.url.isEmpty() ? m_request.url : response.url)
                                 << QStringLiteral("(%1 bytes%2, %3 ms, attempt %4)")
                                        .arg(response.body.size())
                                        .arg(response.fromCache ? QStringLiteral(", from the ETag cache") : QString())
                                        .arg(m_clock.elapsed())
                                        .arg(response.attempts);
    Q_EMIT finished(response);
    deleteLater();
}

void HttpReply::completeLater(HttpResponse response)
{
    QMetaObject::invokeMethod(
        this, [this, response] { complete(response); }, Qt::QueuedConnection);
}

void HttpReply::cancel()
{
    if (m_finished || m_cancelled)
        return;
    m_cancelled = true;
    m_retryTimer->stop();
    if (m_reply) {
        QNetworkReply* reply = m_reply;
        m_reply.clear();
        disconnect(reply, nullptr, this, nullptr);
        reply->abort();
        reply->deleteLater();
    }
    HttpResponse response;
    response.url = m_request.url;
    response.attempts = m_attempt;
    response.error.kind = HttpErrorKind::Cancelled;
    response.error.message
        = QStringLiteral("Cancelled: %1 %2").arg(QString::fromLatin1(m_request.method), redactedUrl(m_request.url));
    completeLater(response);
}

} // namespace Flightdeck::Net
