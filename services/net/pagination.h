// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "httptypes.h"

#include <QObject>
#include <QPointer>
#include <QSet>
#include <QStringList>

#include <functional>

namespace Flightdeck::Net {

class HttpClient;
class HttpReply;

// Given a page, the URL of the next one; std::nullopt when this was the last. On a malformed page
// set *error and return std::nullopt.
using NextPageFunction = std::function<std::optional<QUrl>(const HttpResponse& page, QString* error)>;

namespace Pagination {

// RFC 8288 Link header, rel="next" (GitHub, GitLab, Gitea).
NextPageFunction linkHeader();
// A cursor in the JSON body at path (e.g. {"pageInfo", "nextCursor"} for Backstage, {"metadata",
// "continue"} for Kubernetes), sent back as query parameter `parameter` on the first request's URL.
// keepParameters limits which of the first URL's query parameters are repeated (Backstage accepts
// only cursor, limit and fields next to a cursor); empty keeps them all.
NextPageFunction jsonCursor(const QStringList& path, const QString& parameter, const QStringList& keepParameters = {});
// The URL of the next page from a Link header value, or an empty URL.
QUrl nextFromLinkHeader(const QByteArray& linkHeader, const QUrl& base);

} // namespace Pagination

// Walks a paginated collection one page at a time, up to a hard page limit. Every page reuses the
// first request's method, headers, credential, timeout and retry policy. Emits pageReceived() per
// page, before the next-page function sees that page, and finished() once; cancel() inside
// pageReceived() stops the walk. Hitting the page limit
// while the server still offers a next page is an error (PageLimit), never a silent truncation.
class HttpPager final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpPager)

public:
    HttpPager(
        HttpClient* client, HttpRequest firstPage, NextPageFunction next, int maxPages, QObject* parent = nullptr);
    ~HttpPager() override;

    void start();
    void cancel();
    int pagesReceived() const { return m_pages; }
    bool isRunning() const { return m_running; }

Q_SIGNALS:
    void pageReceived(const Flightdeck::Net::HttpResponse& page, int index);
    // error.kind is None when every page arrived.
    void finished(const Flightdeck::Net::HttpError& error, int pages);

private:
    void request(const QUrl& url);
    void onPage(const HttpResponse& response);
    void finish(const HttpError& error);

    QPointer<HttpClient> m_client;
    HttpRequest m_first;
    NextPageFunction m_next;
    int m_maxPages;
    int m_pages = 0;
    bool m_running = false;
    bool m_cancelled = false;
    QPointer<HttpReply> m_reply;
    QSet<QUrl> m_seen;
};

} // namespace Flightdeck::Net
