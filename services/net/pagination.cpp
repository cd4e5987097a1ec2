// SPDX-License-Identifier: Apache-2.0
#include "pagination.h"

#include "httpclient.h"
#include "redact.h"

#include <QJsonObject>
#include <QRegularExpression>
#include <QUrlQuery>

namespace Flightdeck::Net {

namespace Pagination {

QUrl nextFromLinkHeader(const QByteArray& linkHeader, const QUrl& base)
{
    // Link: <https://api/x?page=2>; rel="next", <https://api/x?page=9>; rel="last"
    static const QRegularExpression entry(QStringLiteral("<([^>]*)>([^,<]*)"));
    static const QRegularExpression relNext(
        QStringLiteral("(^|;)\\s*rel\\s*=\\s*\"?([^\";]*\\s)?next(\\s[^\";]*)?\"?\\s*(;|$)"),
        QRegularExpression::CaseInsensitiveOption);
    auto it = entry.globalMatch(QString::fromLatin1(linkHeader));
    while (it.hasNext()) {
        const auto m = it.next();
        if (relNext.match(m.captured(2)).hasMatch())
            return base.resolved(QUrl(m.captured(1)));
    }
    return {};
}

NextPageFunction linkHeader()
{
    return [](const HttpResponse& page, QString*) -> std::optional<QUrl> {
        const QUrl next = nextFromLinkHeader(page.header("Link"), page.url);
        if (next.isEmpty())
            return std::nullopt;
        return next;
    };
}

NextPageFunction jsonCursor(const QStringList& path, const QString& parameter, const QStringList& keepParameters)
{
    return [path, parameter, keepParameters](const HttpResponse& page, QString* error) -> std::optional<QUrl> {
        HttpError parseError;
        const QJsonDocument doc = page.json(&parseError);
        if (!doc.isObject()) {
            if (error)
                *error = parseError.isError()
                    ? parseError.message
                    : QStringLiteral("%1 did not return a JSON object").arg(redactedUrl(page.url));
            return std::nullopt;
        }
        QJsonValue value = doc.object();
        for (const QString& key : path) {
            if (!value.isObject())
                return std::nullopt;
            value = value.toObject().value(key);
        }
        if (value.isUndefined() || value.isNull() || (value.isString() && value.toString().isEmpty()))
            return std::nullopt;
        if (!value.isString()) {
            if (error)
                *error
                    = QStringLiteral("%1: %2 is not a string").arg(redactedUrl(page.url), path.join(QLatin1Char('.')));
            return std::nullopt;
        }
        QUrl next = page.url;
        const QUrlQuery original(page.url);
        QUrlQuery query;
        for (const auto& item : original.queryItems(QUrl::FullyEncoded)) {
            if (item.first == parameter)
                continue;
            if (keepParameters.isEmpty() || keepParameters.contains(item.first))
                query.addQueryItem(item.first, item.second);
        }
        query.addQueryItem(parameter, QString::fromLatin1(QUrl::toPercentEncoding(value.toString())));
        next.setQuery(query.query(QUrl::FullyEncoded), QUrl::StrictMode);
        return next;
    };
}

} // namespace Pagination

HttpPager::HttpPager(HttpClient* client, HttpRequest firstPage, NextPageFunction next, int maxPages, QObject* parent)
    : QObject(parent)
    , m_client(client)
    , m_first(std::move(firstPage))
    , m_next(std::move(next))
    , m_maxPages(std::max(1, maxPages))
{ }

HttpPager::~HttpPager()
{
    if (m_reply)
        m_reply->cancel();
}

void HttpPager::start()
{
    if (m_running)
        return;
    m_running = true;
    m_cancelled = false;
    m_pages = 0;
    m_seen.clear();
    request(m_first.url);
}

void HttpPager::cancel()
{
    if (!m_running || m_cancelled)
        return;
    m_cancelled = true;
    if (m_reply) {
        // The reply reports Cancelled through onPage, which finishes the walk.
        m_reply->cancel();
        return;
    }
    HttpError error;
    error.kind = HttpErrorKind::Cancelled;
    error.message = QStringLiteral("Cancelled after %1 pages of %2").arg(m_pages).arg(redactedUrl(m_first.url));
    QMetaObject::invokeMethod(
        this, [this, error] { finish(error); }, Qt::QueuedConnection);
}

void HttpPager::request(const QUrl& url)
{
    if (!m_client) {
        finish({ HttpErrorKind::Cancelled, 0, QStringLiteral("The HTTP client is gone"), {}, {} });
        return;
    }
    m_seen.insert(url);
    HttpRequest r = m_first;
    r.url = url;
    m_reply = m_client->send(r, this, [this](const HttpResponse& response) { onPage(response); });
}

void HttpPager::onPage(const HttpResponse& response)
{
    m_reply.clear();
    if (!m_running)
        return;
    if (!response.ok()) {
        HttpError error = response.error;
        if (m_cancelled && error.kind == HttpErrorKind::Cancelled)
            error.message = QStringLiteral("Cancelled after %1 pages of %2").arg(m_pages).arg(redactedUrl(m_first.url));
        finish(error);
        return;
    }
    const int index = m_pages++;
    Q_EMIT pageReceived(response, index);
    if (m_cancelled) {
        finish({ HttpErrorKind::Cancelled, 0,
            QStringLiteral("Cancelled after %1 pages of %2").arg(m_pages).arg(redactedUrl(m_first.url)), {}, {} });
        return;
    }
    QString nextError;
    const std::optional<QUrl> next = m_next(response, &nextError);
    if (!nextError.isEmpty()) {
        finish({ HttpErrorKind::InvalidResponse, response.status, nextError,
            QStringLiteral("Check that the URL points at the expected API."), {} });
        return;
    }
    if (!next) {
        finish({});
        return;
    }
    if (m_seen.contains(*next)) {
        finish({ HttpErrorKind::InvalidResponse, response.status,
            QStringLiteral("Pagination of %1 loops: page %2 points back to %3")
                .arg(redactedUrl(m_first.url))
                .arg(m_pages)
                .arg(redactedUrl(*next)),
            QStringLiteral("The server's paging is inconsistent; try again, or report it to the server's operators."),
            {} });
        return;
    }
    if (m_pages >= m_maxPages) {
        finish({ HttpErrorKind::PageLimit, response.status,
            QStringLiteral("Stopped after %1 pages of %2: the server offers more")
                .arg(m_pages)
                .arg(redactedUrl(m_first.url)),
            QStringLiteral("Narrow the query or use larger pages; the page limit guards against endless paging."),
            {} });
        return;
    }
    request(*next);
}

void HttpPager::finish(const HttpError& error)
{
    if (!m_running)
        return;
    m_running = false;
    Q_EMIT finished(error, m_pages);
}

} // namespace Flightdeck::Net
