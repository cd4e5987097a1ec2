// SPDX-License-Identifier: Apache-2.0
#include "httpclient.h"

#include "redact.h"

#include <QCryptographicHash>
#include <QNetworkAccessManager>
#include <QNetworkCookieJar>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRandomGenerator>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTimer>

#include <cstring>
#include <tuple>

namespace Flightdeck::Net {

namespace {

// The body of a request that is not idempotent, readable once. When a connection closes before the
// answer, Qt's HTTP backend (QHttpNetworkConnectionChannel) sends the request again on a new
// connection after rewinding the body with reset(); for a body that cannot be rewound it gives up
// with ContentReSendError instead. The server may already have acted on the first copy (queued a
// build, dispatched a workflow), so that is the only safe outcome. Sequential, so that
// QNetworkAccessManager, told not to buffer it (DoNotBufferUploadDataAttribute with a
// Content-Length), does not copy it into a buffer that it can rewind.
class SendOnceBody final : public QIODevice
{
public:
    explicit SendOnceBody(QByteArray data)
        : m_data(std::move(data))
    {
        open(QIODevice::ReadOnly);
    }

    bool isSequential() const override { return true; }
    bool reset() override { return false; }
    bool seek(qint64) override { return false; }
    qint64 bytesAvailable() const override { return m_data.size() - m_read + QIODevice::bytesAvailable(); }

protected:
    qint64 readData(char* data, qint64 maxSize) override
    {
        const qint64 n = std::min(maxSize, qint64(m_data.size()) - m_read);
        if (n <= 0)
            return -1; // the end: a sequential device has no other way to say so
        std::memcpy(data, m_data.constData() + m_read, size_t(n));
        m_read += n;
        return n;
    }
    qint64 writeData(const char*, qint64) override { return -1; }

private:
    QByteArray m_data;
    qint64 m_read = 0;
};

} // namespace

HttpClient::HttpClient(QObject* parent)
    : QObject(parent)
    , m_cookies(new QNetworkCookieJar(this))
    , m_userAgent("Flightdeck/0.1")
{
    qRegisterMetaType<Flightdeck::Net::HttpResponse>();
    qRegisterMetaType<Flightdeck::Net::HttpError>();
    m_nam = newManager();
}

HttpClient::~HttpClient()
{
    // Replies first: their destructors abort transfers that still belong to the access managers.
    const auto replies = findChildren<HttpReply*>(Qt::FindDirectChildrenOnly);
    for (HttpReply* reply : replies)
        delete reply;
    // Then the managers, while the cookie jar they share is still there.
    const auto managers = findChildren<QNetworkAccessManager*>(Qt::FindDirectChildrenOnly);
    for (QNetworkAccessManager* manager : managers)
        delete manager;
}

QNetworkAccessManager* HttpClient::newManager()
{
    auto* nam = new QNetworkAccessManager(this);
    // One cookie jar for all (a Jenkins crumb belongs to the session cookie of the request that
    // fetched it). The manager would adopt the jar: it stays ours.
    nam->setCookieJar(m_cookies);
    m_cookies->setParent(this);
    return nam;
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
        nam = newManager();
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
    releaseManager();
}

void HttpReply::releaseManager()
{
    // After the reply it carries (deleteLater() keeps the order).
    if (m_ownManager)
        m_ownManager->deleteLater();
    m_ownManager.clear();
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
    m_current = m_request;
    m_redirects = 0;
    sendCurrent();
}

void HttpReply::sendCurrent()
{
    m_tooLarge = false;
    const QUrl& url = m_current.url;
    QNetworkRequest req(url);
    // Qt 6.4 leaves the transfer timeout off unless set: a silent server would hang the request forever.
    req.setTransferTimeout(m_current.timeoutMs);
    // Credentials must not follow a redirect to another origin. Requests that are not idempotent
    // follow redirects here (followRedirect()): Qt would have to send their body again.
    if (!m_request.isIdempotent())
        req.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    else
        req.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
            m_current.credential.isEmpty() ? QNetworkRequest::NoLessSafeRedirectPolicy
                                           : QNetworkRequest::SameOriginRedirectPolicy);
    req.setMaximumRedirectsAllowed(MaxRedirects);
    req.setHeader(QNetworkRequest::UserAgentHeader, m_client->userAgent());
    if (url.scheme() == QLatin1String("https")
        && (!m_current.caCertificates.isEmpty() || m_current.insecureSkipTlsVerify)) {
        QSslConfiguration tls = req.sslConfiguration();
        if (!m_current.caCertificates.isEmpty())
            tls.setCaCertificates(m_current.caCertificates);
        if (m_current.insecureSkipTlsVerify)
            tls.setPeerVerifyMode(QSslSocket::VerifyNone);
        req.setSslConfiguration(tls);
    }
    for (const HttpHeader& h : std::as_const(m_current.headers))
        req.setRawHeader(h.first, h.second);
    const HttpHeader auth = m_current.credential.toHeader();
    if (!auth.first.isEmpty())
        req.setRawHeader(auth.first, auth.second);

    const bool cacheable = m_request.useEtagCache && m_request.method == "GET";
    if (cacheable) {
        m_cacheKey = EtagCache::keyFor(m_request);
        if (const EtagCache::Entry* entry = m_client->etagCache().find(m_cacheKey))
            req.setRawHeader("If-None-Match", entry->etag);
    }

    if (lcNet().isDebugEnabled()) {
        qCDebug(lcNet).noquote() << "->" << m_current.method << redactedUrl(url)
                                 << QStringLiteral("(attempt %1/%2, timeout %3 ms)")
                                        .arg(m_attempt)
                                        .arg(m_request.retry.maxAttempts)
                                        .arg(m_current.timeoutMs);
        const QByteArrayList extra { m_current.credential.headerName };
        for (const QByteArray& name : req.rawHeaderList())
            qCDebug(lcNet).noquote() << "   "
                                     << QString::fromLatin1(redactedHeaderLine(name, req.rawHeader(name), extra));
    }

    QNetworkAccessManager* nam = nullptr;
    if (m_request.isIdempotent()) {
        nam = m_client->managerFor(m_current);
    } else {
        // A connection of its own, opened for this request: one kept alive from an earlier request
        // may be closing just as the request goes out, and Qt would send it again on a new one.
        // (An access manager keeps its connections to itself.)
        releaseManager();
        m_ownManager = m_client->newManager();
        nam = m_ownManager;
    }
    QNetworkReply* reply = nullptr;
    if (m_current.method == "GET")
        reply = nam->get(req);
    else if (m_current.method == "HEAD")
        reply = nam->head(req);
    else if (m_current.method == "PUT")
        reply = nam->put(req, m_current.body);
    else if (m_current.isIdempotent())
        reply = nam->sendCustomRequest(req, m_current.method, m_current.body);
    else {
        // At most once (SendOnceBody): a drop before the answer is an error, never a second copy.
        req.setHeader(QNetworkRequest::ContentLengthHeader, m_current.body.size());
        req.setAttribute(QNetworkRequest::DoNotBufferUploadDataAttribute, true);
        auto* body = new SendOnceBody(m_current.body);
        reply = m_current.method == "POST" ? nam->post(req, body) : nam->sendCustomRequest(req, m_current.method, body);
        body->setParent(reply); // read until the reply is finished, gone with it
    }
    m_reply = reply;
    connect(reply, &QNetworkReply::finished, this, &HttpReply::onReplyFinished);
    connect(reply, &QNetworkReply::downloadProgress, this, [this](qint64 received, qint64 total) {
        if (m_reply && (received > m_request.maxResponseBytes || total > m_request.maxResponseBytes)) {
            m_tooLarge = true;
            m_reply->abort();
        }
    });
}

bool HttpReply::followRedirect(HttpResponse& response)
{
    const int status = response.status;
    const QByteArray location = response.header("Location");
    if ((status != 301 && status != 302 && status != 303 && status != 307 && status != 308) || location.isEmpty())
        return false;
    const QUrl from = response.url.isEmpty() ? m_current.url : response.url;
    const QUrl to = from.resolved(QUrl::fromEncoded(location));
    // What Qt's policy for the request would allow (sendCurrent()).
    const auto origin = [](const QUrl& u) {
        return std::make_tuple(u.scheme(), u.host().toLower(), u.port(u.scheme() == QLatin1String("https") ? 443 : 80));
    };
    QString refusal;
    if (!to.isValid() || to.host().isEmpty()
        || (to.scheme() != QLatin1String("http") && to.scheme() != QLatin1String("https")))
        refusal = QStringLiteral("it is not an http(s) URL");
    else if (!m_current.credential.isEmpty() && origin(to) != origin(from))
        refusal = QStringLiteral("the request carries a credential, which must not go to another origin");
    else if (from.scheme() == QLatin1String("https") && to.scheme() == QLatin1String("http"))
        refusal = QStringLiteral("it leads from https to plain http");
    else if (m_redirects >= MaxRedirects)
        refusal = QStringLiteral("it is redirect number %1").arg(m_redirects + 1);
    if (!refusal.isEmpty()) {
        response.error.kind = HttpErrorKind::InvalidResponse;
        response.error.status = status;
        response.error.message = QStringLiteral("%1 %2 was redirected (HTTP %3) to %4, which is not followed: %5")
                                     .arg(QString::fromLatin1(m_current.method), redactedUrl(from))
                                     .arg(status)
                                     .arg(redactedUrl(to), refusal);
        response.error.hint = QStringLiteral("Configure the URL the server redirects to, if it is the right one.");
        return false;
    }
    ++m_redirects;
    qCDebug(lcNet).noquote() << "redirected" << status << "to" << redactedUrl(to);
    m_current.url = to;
    if (status != 307 && status != 308) {
        // As Qt and browsers do: the redirect is fetched with GET, without the body.
        m_current.method = "GET";
        m_current.body.clear();
        m_current.headers.removeIf([](const HttpHeader& h) {
            return h.first.compare("Content-Type", Qt::CaseInsensitive) == 0
                || h.first.compare("Content-Length", Qt::CaseInsensitive) == 0;
        });
    }
    sendCurrent();
    return true;
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
    releaseManager();
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
    // Qt closes a reply that it aborts (the transfer timeout, too): nothing to read then.
    if (reply->isOpen())
        response.body = reply->readAll();
    if (lcNet().isDebugEnabled()) {
        qCDebug(lcNet).noquote() << "<-" << response.status << QString::fromLatin1(response.reason)
                                 << redactedUrl(response.url);
        for (const HttpHeader& h : std::as_const(response.headers))
            qCDebug(lcNet).noquote() << "   " << QString::fromLatin1(redactedHeaderLine(h.first, h.second));
    }

    if (!m_request.isIdempotent() && m_client && followRedirect(response))
        return;
    if (response.error.isError()) {
        complete(response);
        return;
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
        response.error = makeHttpError(m_current, response.status, response.reason, response.body, int(transportError),
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
    releaseManager();
    HttpResponse response;
    response.url = m_request.url;
    response.attempts = m_attempt;
    response.error.kind = HttpErrorKind::Cancelled;
    response.error.message
        = QStringLiteral("Cancelled: %1 %2").arg(QString::fromLatin1(m_request.method), redactedUrl(m_request.url));
    completeLater(response);
}

} // namespace Flightdeck::Net
