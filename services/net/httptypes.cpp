// SPDX-License-Identifier: Apache-2.0
#include "httptypes.h"

#include "redact.h"

#include <QCryptographicHash>
#include <QJsonObject>
#include <QLocale>
#include <QNetworkReply>
#include <QRegularExpression>

namespace Flightdeck::Net {

Credential Credential::bearer(const QString& token)
{
    return Credential { Scheme::Bearer, {}, token.toUtf8(), {} };
}

Credential Credential::basic(const QString& user, const QString& password)
{
    return Credential { Scheme::Basic, user, password.toUtf8(), {} };
}

Credential Credential::header(const QByteArray& name, const QString& value)
{
    return Credential { Scheme::Header, {}, value.toUtf8(), name };
}

HttpHeader Credential::toHeader() const
{
    switch (isEmpty() ? Scheme::None : scheme) {
    case Scheme::None:
        return {};
    case Scheme::Bearer:
        return { "Authorization", "Bearer " + secret };
    case Scheme::Basic:
        return { "Authorization", "Basic " + QByteArray(user.toUtf8() + ':' + secret).toBase64() };
    case Scheme::Header:
        return { headerName, secret };
    }
    return {};
}

QByteArray Credential::fingerprint() const
{
    if (isEmpty())
        return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(QByteArray(QByteArray::number(int(scheme)) + '\0' + user.toUtf8() + '\0' + headerName + '\0'));
    hash.addData(secret);
    return hash.result().toHex().left(32);
}

HttpRequest HttpRequest::get(const QUrl& url)
{
    HttpRequest r;
    r.url = url;
    return r;
}

HttpRequest HttpRequest::post(const QUrl& url, const QByteArray& body, const QByteArray& contentType)
{
    HttpRequest r;
    r.method = "POST";
    r.url = url;
    r.body = body;
    r.setHeader("Content-Type", contentType);
    return r;
}

HttpRequest HttpRequest::postJson(const QUrl& url, const QJsonDocument& json)
{
    HttpRequest r = post(url, json.toJson(QJsonDocument::Compact), "application/json");
    r.setHeader("Accept", "application/json");
    return r;
}

HttpRequest& HttpRequest::setHeader(const QByteArray& name, const QByteArray& value)
{
    headers.removeIf([&](const HttpHeader& h) { return h.first.compare(name, Qt::CaseInsensitive) == 0; });
    headers.append({ name, value });
    return *this;
}

QByteArray HttpRequest::header(QByteArrayView name) const
{
    for (const HttpHeader& h : headers)
        if (QByteArrayView(h.first).compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    return {};
}

bool HttpRequest::isIdempotent() const
{
    const QByteArray m = method.toUpper();
    return m == "GET" || m == "HEAD" || m == "PUT" || m == "DELETE" || m == "OPTIONS";
}

QString errorKindName(HttpErrorKind kind)
{
    switch (kind) {
    case HttpErrorKind::None:
        return QStringLiteral("none");
    case HttpErrorKind::InvalidRequest:
        return QStringLiteral("invalid-request");
    case HttpErrorKind::Cancelled:
        return QStringLiteral("cancelled");
    case HttpErrorKind::Timeout:
        return QStringLiteral("timeout");
    case HttpErrorKind::ConnectionRefused:
        return QStringLiteral("connection-refused");
    case HttpErrorKind::HostNotFound:
        return QStringLiteral("host-not-found");
    case HttpErrorKind::ConnectionClosed:
        return QStringLiteral("connection-closed");
    case HttpErrorKind::Tls:
        return QStringLiteral("tls");
    case HttpErrorKind::Network:
        return QStringLiteral("network");
    case HttpErrorKind::Unauthorized:
        return QStringLiteral("unauthorized");
    case HttpErrorKind::Forbidden:
        return QStringLiteral("forbidden");
    case HttpErrorKind::NotFound:
        return QStringLiteral("not-found");
    case HttpErrorKind::RateLimited:
        return QStringLiteral("rate-limited");
    case HttpErrorKind::ClientError:
        return QStringLiteral("client-error");
    case HttpErrorKind::ServerError:
        return QStringLiteral("server-error");
    case HttpErrorKind::TooLarge:
        return QStringLiteral("too-large");
    case HttpErrorKind::InvalidResponse:
        return QStringLiteral("invalid-response");
    case HttpErrorKind::PageLimit:
        return QStringLiteral("page-limit");
    }
    return {};
}

QString HttpError::toText() const
{
    QString text = message;
    if (!serverMessage.isEmpty())
        text += QStringLiteral(" (server: %1)").arg(serverMessage);
    if (!hint.isEmpty())
        text += QStringLiteral("\n    ") + hint;
    return text;
}

QByteArray HttpResponse::header(QByteArrayView name) const
{
    for (const HttpHeader& h : headers)
        if (QByteArrayView(h.first).compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    return {};
}

QJsonDocument HttpResponse::json(HttpError* error) const
{
    QJsonParseError parseError;
    QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error == QJsonParseError::NoError)
        return doc;
    if (error) {
        error->kind = HttpErrorKind::InvalidResponse;
        error->status = status;
        const QByteArray type = header("Content-Type");
        error->message
            = QStringLiteral("%1 did not return JSON (%2 at byte %3%4)")
                  .arg(redactedUrl(url), parseError.errorString())
                  .arg(parseError.offset)
                  .arg(type.isEmpty() ? QString() : QStringLiteral(", Content-Type ") + QString::fromLatin1(type));
        error->hint = QStringLiteral(
            "Check that the URL points at the API itself and not at a web page or a proxy's login page.");
    }
    return {};
}

std::optional<qint64> parseRetryAfterMs(const QByteArray& value, const QDateTime& now)
{
    const QByteArray trimmed = value.trimmed();
    if (trimmed.isEmpty())
        return std::nullopt;
    bool isNumber = false;
    const qint64 seconds = trimmed.toLongLong(&isNumber);
    if (isNumber)
        return seconds < 0 ? std::nullopt : std::optional<qint64>(seconds * 1000);
    // HTTP-date, the IMF-fixdate form "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 9110); Qt's RFC 2822
    // parser of 6.4 rejects the "GMT" zone name, so it is read field by field.
    static const QRegularExpression fixdate(
        QStringLiteral("^[A-Za-z]{3}, (\\d{1,2}) ([A-Za-z]{3}) (\\d{4}) (\\d{2}):(\\d{2}):(\\d{2}) GMT$"));
    const auto m = fixdate.match(QString::fromLatin1(trimmed));
    QDateTime when;
    if (m.hasMatch()) {
        static const QStringList months { QStringLiteral("Jan"), QStringLiteral("Feb"), QStringLiteral("Mar"),
            QStringLiteral("Apr"), QStringLiteral("May"), QStringLiteral("Jun"), QStringLiteral("Jul"),
            QStringLiteral("Aug"), QStringLiteral("Sep"), QStringLiteral("Oct"), QStringLiteral("Nov"),
            QStringLiteral("Dec") };
        const int month = int(months.indexOf(m.captured(2))) + 1;
        when = QDateTime(QDate(m.captured(3).toInt(), month, m.captured(1).toInt()),
            QTime(m.captured(4).toInt(), m.captured(5).toInt(), m.captured(6).toInt()), Qt::UTC);
    } else {
        when = QDateTime::fromString(QString::fromLatin1(trimmed), Qt::RFC2822Date);
    }
    if (!when.isValid())
        return std::nullopt;
    return std::max<qint64>(0, now.msecsTo(when));
}

QString serverMessageFromBody(const QByteArray& body)
{
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    if (!doc.isObject())
        return {};
    const QJsonObject o = doc.object();
    QString message;
    if (o.value(QLatin1String("error")).isObject())
        message = o.value(QLatin1String("error")).toObject().value(QLatin1String("message")).toString();
    if (message.isEmpty())
        message = o.value(QLatin1String("message")).toString();
    if (message.isEmpty())
        message = o.value(QLatin1String("error_description")).toString();
    if (message.isEmpty())
        message = o.value(QLatin1String("error")).toString();
    message = message.simplified();
    if (message.size() > 400)
        message = message.left(400) + QStringLiteral("…");
    return message;
}

namespace {

QString hostAndPort(const QUrl& url)
{
    const int port = url.port(url.scheme() == QLatin1String("https") ? 443 : 80);
    return QStringLiteral("%1:%2").arg(url.host()).arg(port);
}

QString statusText(int status, const QByteArray& reason)
{
    return reason.isEmpty() ? QStringLiteral("HTTP %1").arg(status)
                            : QStringLiteral("HTTP %1 %2").arg(status).arg(QString::fromLatin1(reason));
}

QString attemptsText(int attempts)
{
    return attempts > 1 ? QStringLiteral(" after %1 attempts").arg(attempts) : QString();
}

QByteArrayList secretsOf(const HttpRequest& request)
{
    QByteArrayList secrets;
    if (!request.credential.isEmpty()) {
        secrets << request.credential.secret;
        if (request.credential.scheme == Credential::Scheme::Basic)
            secrets << request.credential.toHeader().second.mid(6);
    }
    if (!request.url.password().isEmpty())
        secrets << request.url.password().toUtf8();
    return secrets;
}

} // namespace

HttpError makeHttpError(const HttpRequest& request, int status, const QByteArray& reason, const QByteArray& body,
    int transportError, const QString& qtErrorString, int attempts)
{
    HttpError e;
    e.status = status;
    const QString url = redactedUrl(request.url);
    const QByteArrayList secrets = secretsOf(request);
    if (status >= 400) {
        e.serverMessage = scrubbed(serverMessageFromBody(body), secrets);
        e.body = body.left(64 * 1024);
        const QString what
            = QStringLiteral("%1 from %2 %3%4")
                  .arg(statusText(status, reason), QString::fromLatin1(request.method), url, attemptsText(attempts));
        e.message = what;
        if (status == 401) {
            e.kind = HttpErrorKind::Unauthorized;
            if (request.credential.isEmpty() && request.header("Authorization").isEmpty()) {
                e.message = what + QStringLiteral(": the server requires a credential");
                e.hint = QStringLiteral("Configure a token for this server and try again.");
            } else {
                e.message = what + QStringLiteral(": the server refused the credential");
                e.hint = QStringLiteral(
                    "Check the credential: the token may be wrong, expired or revoked, or meant for another server.");
            }
        } else if (status == 403) {
            e.kind = HttpErrorKind::Forbidden;
            e.message = what + QStringLiteral(": access denied");
            e.hint = QStringLiteral(
                "The credential was accepted but lacks permission for this resource (check its scopes or "
                "roles), or the server applies a rate limit.");
        } else if (status == 404) {
            e.kind = HttpErrorKind::NotFound;
            e.message = QStringLiteral("%1: nothing at %2 %3")
                            .arg(statusText(status, reason), QString::fromLatin1(request.method), url);
            e.hint = QStringLiteral(
                "Check the URL (and the configured base URL); the resource may not exist or the credential "
                "may not be allowed to see it.");
        } else if (status == 429) {
            e.kind = HttpErrorKind::RateLimited;
            e.message = what + QStringLiteral(": rate limited");
            e.hint = QStringLiteral("The server limits the request rate; wait a while and try again.");
        } else if (status >= 500) {
            e.kind = HttpErrorKind::ServerError;
            e.message = what + QStringLiteral(": the server failed");
            e.hint = QStringLiteral("The problem is on the server side; try again later or check the server's logs.");
        } else {
            e.kind = HttpErrorKind::ClientError;
            e.message = what + QStringLiteral(": the server rejected the request");
            e.hint = QStringLiteral("The server's message says what it did not accept.");
        }
        return e;
    }

    const QString host = hostAndPort(request.url);
    switch (QNetworkReply::NetworkError(transportError)) {
    case QNetworkReply::NoError:
        return e;
    case QNetworkReply::ConnectionRefusedError:
        e.kind = HttpErrorKind::ConnectionRefused;
        e.message = QStringLiteral("Connection refused by %1 (%2%3)").arg(host, url, attemptsText(attempts));
        e.hint = QStringLiteral(
            "Nothing accepts connections there: check that the server is running and that the host and port "
            "are right.");
        break;
    case QNetworkReply::HostNotFoundError:
        e.kind = HttpErrorKind::HostNotFound;
        e.message = QStringLiteral("Host not found: %1 (%2)").arg(request.url.host(), url);
        e.hint = QStringLiteral("Check the host name for typos, and your network connection, DNS or VPN.");
        break;
    case QNetworkReply::TimeoutError:
    case QNetworkReply::OperationCanceledError:
        e.kind = HttpErrorKind::Timeout;
        e.message = QStringLiteral("No response from %1 within %2 s (%3 %4%5)")
                        .arg(host)
                        .arg(request.timeoutMs / 1000.0)
                        .arg(QString::fromLatin1(request.method), url, attemptsText(attempts));
        e.hint = QStringLiteral("Check that the server is up and reachable; on a slow link raise the timeout.");
        break;
    case QNetworkReply::RemoteHostClosedError:
    // HttpClient sends a request that is not idempotent at most once: when its connection closes
    // before the answer, Qt cannot send the body again and says so with this error.
    case QNetworkReply::ContentReSendError:
        e.kind = HttpErrorKind::ConnectionClosed;
        e.message = QStringLiteral("%1 closed the connection without answering (%2 %3%4)")
                        .arg(host, QString::fromLatin1(request.method), url, attemptsText(attempts));
        e.hint = request.isIdempotent()
            ? QStringLiteral(
                "The server or a proxy dropped the request; try again, and check the server's logs if it persists.")
            : QStringLiteral("The server or a proxy dropped the request, which was not sent again: the server may "
                             "have acted on it. Check whether it took effect before trying again.");
        break;
    case QNetworkReply::SslHandshakeFailedError:
    case QNetworkReply::InsecureRedirectError:
        e.kind = HttpErrorKind::Tls;
        e.message = QStringLiteral("TLS with %1 failed: %2").arg(host, scrubbed(qtErrorString, secrets));
        e.hint = QStringLiteral(
            "Check the server's certificate: it must be valid for the host name and issued by a CA this "
            "system trusts (install an internal CA into the system store).");
        break;
    default:
        e.kind = HttpErrorKind::Network;
        e.message = QStringLiteral("Request %1 %2 failed: %3%4")
                        .arg(QString::fromLatin1(request.method), url, scrubbed(qtErrorString, secrets),
                            attemptsText(attempts));
        e.hint = QStringLiteral("Check your network connection and the server address.");
        break;
    }
    return e;
}

} // namespace Flightdeck::Net
