// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "net/httptypes.h"
#include "net/pagination.h"
#include "sourcespec.h"

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace Flightdeck::Net {
class HttpClient;
} // namespace Flightdeck::Net

namespace Flightdeck::Sources {

// One entity as a Backstage backend serves it.
struct BackstageEntity
{
    // The entity as compact JSON without the server-computed "relations" and "status": we derive
    // relations ourselves, and our validator rejects authored relations/status as Backstage does.
    QByteArray json;
    QString ref; // kind:namespace/name as the server spells it, e.g. "Component:default/payments-service"
    QString location; // backstage.io/managed-by-location, e.g. "file:/srv/catalog/x.yaml" or "url:https://…"

    friend bool operator==(const BackstageEntity&, const BackstageEntity&) = default;
};

struct BackstageReadResult
{
    QString sourceName;
    QUrl baseUrl; // the backend, e.g. http://127.0.0.1:7007
    QList<BackstageEntity> entities; // in the server's order
    int totalItems = -1; // as the server reported it; -1 when it did not
    int pages = 0;

    bool ok = false;
    bool cancelled = false;
    Net::HttpErrorKind errorKind = Net::HttpErrorKind::None;
    int httpStatus = 0;
    QString error; // what went wrong, naming the backend
    QString hint; // what to do about it
    QString backstageError; // Backstage's own error, e.g. "AuthenticationError: Could not resolve credentials; …"
    QStringList warnings; // entities that were skipped, and why
};

// The URL of the catalog's cursor-paged query endpoint for a backend base URL. Accepts the base
// with or without a trailing "/api/catalog".
QUrl backstageQueryUrl(const QString& baseUrl);

// Reads a whole catalog from a Backstage backend over REST:
//     GET {base}/api/catalog/entities/by-query?limit=<page>
//     GET {base}/api/catalog/entities/by-query?cursor=<pageInfo.nextCursor>&limit=<page>   until no nextCursor
// with "Authorization: Bearer <token>" when a token is given. Signal-driven; emits progress() per
// page and finished() exactly once (also after cancel()).
class BackstageCatalogReader final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BackstageCatalogReader)

public:
    explicit BackstageCatalogReader(QObject* parent = nullptr);
    // Shares a client (and its connections) with other readers; the client must outlive reads.
    explicit BackstageCatalogReader(Net::HttpClient* client, QObject* parent = nullptr);
    ~BackstageCatalogReader() override;

    void setPageSize(int entities) { m_pageSize = std::max(1, entities); }
    int pageSize() const { return m_pageSize; }
    // Hard bound on the walk; hitting it with pages left is an error, never a silent truncation.
    void setMaxPages(int pages) { m_maxPages = std::max(1, pages); }
    int maxPages() const { return m_maxPages; }
    void setTimeoutMs(int ms) { m_timeoutMs = std::max(1, ms); }
    void setRetryPolicy(const Net::RetryPolicy& policy) { m_retry = policy; }

    // spec.type must be Backstage and spec.url the backend's base URL. An empty token reads
    // anonymously. A read already running is cancelled first (it reports finished() as cancelled).
    void start(const CatalogSourceSpec& spec, const QString& token);
    void cancel();
    bool isRunning() const { return m_pager != nullptr; }

Q_SIGNALS:
    void progress(int received, int total); // total is -1 until the server reports totalItems
    void finished(const Flightdeck::Sources::BackstageReadResult& result);

private:
    void onPage(const Net::HttpResponse& page);
    void onPagerFinished(const Net::HttpError& error, int pages);
    void fail(Net::HttpErrorKind kind, int status, const QString& error, const QString& hint,
        const QString& backstageError = {});
    void describeHttpError(const Net::HttpError& error);
    void finish();

    Net::HttpClient* m_client;
    QPointer<Net::HttpPager> m_pager;
    CatalogSourceSpec m_spec;
    bool m_withToken = false;
    QUrl m_queryUrl;
    QString m_nextCursor;
    BackstageReadResult m_result;
    bool m_failed = false;
    int m_pageSize = 500;
    int m_maxPages = 1000;
    int m_timeoutMs = 60000;
    Net::RetryPolicy m_retry;
};

} // namespace Flightdeck::Sources

Q_DECLARE_METATYPE(Flightdeck::Sources::BackstageReadResult)
