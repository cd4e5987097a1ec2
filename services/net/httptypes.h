// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QJsonDocument>
#include <QList>
#include <QMetaType>
#include <QPair>
#include <QSslCertificate>
#include <QString>
#include <QUrl>

#include <optional>

namespace Flightdeck::Net {

using HttpHeader = QPair<QByteArray, QByteArray>;
using HttpHeaders = QList<HttpHeader>;

// A credential resolved from the secret store just before the request. The secret is never logged,
// never put into an error message and never written anywhere by this layer.
struct Credential
{
    enum class Scheme
    {
        None,
        Bearer,
        Basic,
        Header
    };

    Scheme scheme = Scheme::None;
    QString user; // Basic: the user name
    QByteArray secret; // Bearer: the token; Basic: the password or API token; Header: the value
    QByteArray headerName; // Header: e.g. "PRIVATE-TOKEN" (GitLab)

    static Credential bearer(const QString& token);
    static Credential basic(const QString& user, const QString& password);
    static Credential header(const QByteArray& name, const QString& value);

    bool isEmpty() const { return scheme == Scheme::None || secret.isEmpty(); }
    // The header to send, e.g. {"Authorization", "Bearer …"}; empty when isEmpty().
    HttpHeader toHeader() const;
    // A one-way digest that tells credentials apart (cache keys) without holding the secret.
    QByteArray fingerprint() const;
};

// Retries apply to idempotent methods (GET, HEAD, PUT, DELETE, OPTIONS) after network errors,
// timeouts, HTTP 429 and 5xx; other requests are sent at most once (HttpClient). The delay doubles
// from initialDelayMs up to maxDelayMs with random jitter (half to all of the step); a Retry-After
// header replaces it. A Retry-After longer than maxRetryAfterMs is not waited for: the request
// fails at once and the hint says how long the server asked to wait.
struct RetryPolicy
{
    int maxAttempts = 3; // including the first; 1 = never retry
    int initialDelayMs = 500;
    int maxDelayMs = 8000;
    int maxRetryAfterMs = 30000;

    static RetryPolicy none() { return RetryPolicy { 1, 0, 0, 0 }; }
};

struct HttpRequest
{
    QByteArray method = "GET";
    QUrl url;
    HttpHeaders headers;
    QByteArray body;
    // Time without progress after which the transfer is abandoned (QNetworkRequest's transfer
    // timeout, which Qt leaves off unless set). Always positive here.
    int timeoutMs = 30000;
    RetryPolicy retry;
    Credential credential;
    // Send If-None-Match with the ETag of the last response to the same URL and credential, and
    // reuse that response on 304 (HttpResponse::fromCache).
    bool useEtagCache = false;
    qint64 maxResponseBytes = 256 * 1024 * 1024;
    // TLS trust for https. Empty: the system's CA store. Otherwise the server's certificate must chain
    // to one of these and only these (what kubectl does with a cluster's certificate-authority), e.g.
    // a private cluster CA that is not in the system store.
    QList<QSslCertificate> caCertificates;
    // Skips the server certificate's verification entirely. Only ever from a setting a user set
    // explicitly (e.g. a lab cluster's insecureSkipTlsVerify), never a default. HttpClient keeps
    // connections of different trust apart.
    bool insecureSkipTlsVerify = false;

    static HttpRequest get(const QUrl& url);
    static HttpRequest post(const QUrl& url, const QByteArray& body, const QByteArray& contentType);
    static HttpRequest postJson(const QUrl& url, const QJsonDocument& json);

    // Replaces a header of the same name (case-insensitive).
    HttpRequest& setHeader(const QByteArray& name, const QByteArray& value);
    QByteArray header(QByteArrayView name) const;
    bool isIdempotent() const;
};

enum class HttpErrorKind
{
    None,
    InvalidRequest, // e.g. a URL that is not http(s)
    Cancelled,
    Timeout,
    ConnectionRefused,
    HostNotFound,
    ConnectionClosed, // the server or a proxy closed the connection without an answer
    Tls,
    Network, // any other transport failure
    Unauthorized, // 401
    Forbidden, // 403
    NotFound, // 404
    RateLimited, // 429
    ClientError, // other 4xx
    ServerError, // 5xx
    TooLarge, // body over HttpRequest::maxResponseBytes
    InvalidResponse, // e.g. not the JSON the caller expected
    PageLimit, // pagination stopped at its hard limit with pages left
};

QString errorKindName(HttpErrorKind kind); // "timeout", "unauthorized", …

struct HttpError
{
    HttpErrorKind kind = HttpErrorKind::None;
    int status = 0; // HTTP status when the server answered
    QString message; // what went wrong, naming the (redacted) URL
    QString hint; // what to do about it
    QString serverMessage; // the server's own explanation from a JSON error body, when it gave one
    QByteArray body; // the error response's body (at most 64 KiB), for vendor-specific error formats

    bool isError() const { return kind != HttpErrorKind::None; }
    // "message (server: …)\n    hint"
    QString toText() const;
};

struct HttpResponse
{
    int status = 0;
    QByteArray reason;
    HttpHeaders headers;
    QByteArray body;
    QUrl url; // after redirects
    bool fromCache = false; // the server answered 304 and this is the cached response
    int attempts = 0;
    HttpError error;

    bool ok() const { return !error.isError(); }
    QByteArray header(QByteArrayView name) const; // case-insensitive; empty when absent
    // The body as JSON. On a parse error returns a null document and fills *error (InvalidResponse).
    QJsonDocument json(HttpError* error = nullptr) const;
};

// Retry-After: delta-seconds or an HTTP-date (relative to now). Empty when it is neither.
std::optional<qint64> parseRetryAfterMs(
    const QByteArray& value, const QDateTime& now = QDateTime::currentDateTimeUtc());

// The explanation a server put into a JSON error body: Backstage {"error":{"message"}}, GitHub and
// GitLab {"message"}, OAuth {"error_description"} or {"error": "…"}. Empty when there is none.
QString serverMessageFromBody(const QByteArray& body);

// The error for a finished exchange: HTTP status (>= 400) first, else the transport error.
// transportError is a QNetworkReply::NetworkError value; qtErrorString is scrubbed of secrets.
HttpError makeHttpError(const HttpRequest& request, int status, const QByteArray& reason, const QByteArray& body,
    int transportError, const QString& qtErrorString, int attempts);

} // namespace Flightdeck::Net

Q_DECLARE_METATYPE(Flightdeck::Net::Credential)
Q_DECLARE_METATYPE(Flightdeck::Net::HttpErrorKind)
Q_DECLARE_METATYPE(Flightdeck::Net::HttpResponse)
Q_DECLARE_METATYPE(Flightdeck::Net::HttpError)
