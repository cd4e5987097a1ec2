// SPDX-License-Identifier: Apache-2.0
#include "backstagesource.h"

#include "net/httpclient.h"
#include "net/pagination.h"
#include "net/redact.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QUrlQuery>

namespace Flightdeck::Sources {

using namespace Flightdeck::Net;

namespace {

const QLatin1String ManagedByLocation("backstage.io/managed-by-location");

// "AuthenticationError: Could not resolve credentials; …" from Backstage's error body
// {"error":{"name","message"},"request":{…},"response":{"statusCode"}}.
QString backstageErrorOf(const QByteArray& body)
{
    const QJsonObject error = QJsonDocument::fromJson(body).object().value(QLatin1String("error")).toObject();
    const QString message = error.value(QLatin1String("message")).toString();
    if (message.isEmpty())
        return {};
    const QString name = error.value(QLatin1String("name")).toString();
    return name.isEmpty() ? message : name + QLatin1String(": ") + message;
}

QString describeBody(const HttpResponse& page)
{
    const QByteArray type = page.header("Content-Type");
    const QByteArray start = page.body.left(256).trimmed().toLower();
    if (type.contains("html") || start.startsWith("<!doctype html") || start.startsWith("<html"))
        return QStringLiteral("an HTML page");
    if (page.body.trimmed().isEmpty())
        return QStringLiteral("an empty body");
    return type.isEmpty() ? QStringLiteral("something that is not Backstage's JSON")
                          : QStringLiteral("%1 that is not Backstage's JSON").arg(QString::fromLatin1(type));
}

} // namespace

QUrl backstageQueryUrl(const QString& baseUrl)
{
    QString base = baseUrl.trimmed();
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    if (!base.endsWith(QLatin1String("/api/catalog")))
        base += QLatin1String("/api/catalog");
    return QUrl(base + QLatin1String("/entities/by-query"), QUrl::StrictMode);
}

BackstageCatalogReader::BackstageCatalogReader(QObject* parent)
    : BackstageCatalogReader(new HttpClient(), parent)
{
    m_client->setParent(this);
}

BackstageCatalogReader::BackstageCatalogReader(HttpClient* client, QObject* parent)
    : QObject(parent)
    , m_client(client)
{
    qRegisterMetaType<Flightdeck::Sources::BackstageReadResult>();
    m_retry.maxAttempts = 3;
}

BackstageCatalogReader::~BackstageCatalogReader()
{
    if (m_pager) {
        m_pager->disconnect(this);
        delete m_pager;
    }
}

void BackstageCatalogReader::start(const CatalogSourceSpec& spec, const QString& token)
{
    if (m_pager)
        cancel();
    m_spec = spec;
    m_withToken = !token.isEmpty();
    m_nextCursor.clear();
    m_failed = false;
    m_result = BackstageReadResult();
    m_result.sourceName = spec.name;
    m_queryUrl = backstageQueryUrl(spec.url);
    m_result.baseUrl = QUrl(spec.url.trimmed());

    QUrl first = m_queryUrl;
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("limit"), QString::number(m_pageSize));
    first.setQuery(query);

    HttpRequest request = HttpRequest::get(first);
    request.setHeader("Accept", "application/json");
    request.timeoutMs = m_timeoutMs;
    request.retry = m_retry;
    if (m_withToken)
        request.credential = Credential::bearer(token);

    const NextPageFunction next = [this](const HttpResponse&, QString*) -> std::optional<QUrl> {
        // onPage() has already read this page and kept its cursor.
        if (m_nextCursor.isEmpty())
            return std::nullopt;
        QUrl url = m_queryUrl;
        QUrlQuery q;
        q.addQueryItem(QStringLiteral("cursor"), QString::fromLatin1(QUrl::toPercentEncoding(m_nextCursor)));
        q.addQueryItem(QStringLiteral("limit"), QString::number(m_pageSize));
        url.setQuery(q.query(QUrl::FullyEncoded), QUrl::StrictMode);
        return url;
    };
    m_pager = new HttpPager(m_client, request, next, m_maxPages, this);
    connect(m_pager, &HttpPager::pageReceived, this, [this](const HttpResponse& page, int) { onPage(page); });
    connect(m_pager, &HttpPager::finished, this, &BackstageCatalogReader::onPagerFinished);

    if (spec.type != CatalogSourceSpec::Type::Backstage || !first.isValid() || first.host().isEmpty()
        || (first.scheme() != QLatin1String("http") && first.scheme() != QLatin1String("https"))) {
        fail(HttpErrorKind::InvalidRequest, 0,
            QStringLiteral("Source '%1' has no usable Backstage URL ('%2')")
                .arg(spec.name, redactedUrl(QUrl(spec.url))),
            QStringLiteral("Give the backend's base URL, e.g. http://backstage.example.com:7007."));
        // The pager never started: report from the event loop, as every other outcome.
        QMetaObject::invokeMethod(
            this, [this] { finish(); }, Qt::QueuedConnection);
        return;
    }
    m_pager->start();
}

void BackstageCatalogReader::cancel()
{
    if (!m_pager)
        return;
    HttpPager* pager = m_pager;
    pager->disconnect(this);
    pager->cancel();
    pager->deleteLater();
    m_pager.clear();
    m_result.ok = false;
    m_result.cancelled = true;
    m_result.errorKind = HttpErrorKind::Cancelled;
    m_result.error = QStringLiteral("Reading the catalog of %1 was cancelled").arg(redactedUrl(m_result.baseUrl));
    const BackstageReadResult result = m_result;
    QMetaObject::invokeMethod(
        this, [this, result] { Q_EMIT finished(result); }, Qt::QueuedConnection);
}

void BackstageCatalogReader::onPage(const HttpResponse& page)
{
    if (m_failed)
        return;
    HttpError parseError;
    const QJsonDocument doc = page.json(&parseError);
    const QJsonObject root = doc.object();
    const QJsonValue items = root.value(QLatin1String("items"));
    if (!doc.isObject() || !items.isArray()) {
        fail(HttpErrorKind::InvalidResponse, page.status,
            QStringLiteral("%1 does not look like a Backstage backend: GET %2 answered %3")
                .arg(redactedUrl(m_result.baseUrl), redactedUrl(page.url), describeBody(page)),
            QStringLiteral("Use the base URL of the Backstage backend (the one serving /api/catalog, often port 7007), "
                           "not the frontend's or a proxy's login page."));
        m_pager->cancel();
        return;
    }

    const QJsonValue total = root.value(QLatin1String("totalItems"));
    if (total.isDouble())
        m_result.totalItems = total.toInt();
    m_nextCursor = root.value(QLatin1String("pageInfo")).toObject().value(QLatin1String("nextCursor")).toString();

    const QJsonArray array = items.toArray();
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QJsonValue item = array.at(i);
        if (!item.isObject()) {
            m_result.warnings.append(
                QStringLiteral("page %1, item %2: not an entity object; skipped").arg(m_result.pages + 1).arg(i));
            continue;
        }
        QJsonObject entity = item.toObject();
        const QJsonObject metadata = entity.value(QLatin1String("metadata")).toObject();
        const QString kind = entity.value(QLatin1String("kind")).toString();
        const QString name = metadata.value(QLatin1String("name")).toString();
        QString ns = metadata.value(QLatin1String("namespace")).toString();
        if (ns.isEmpty())
            ns = QStringLiteral("default");
        if (kind.isEmpty() || name.isEmpty()) {
            m_result.warnings.append(
                QStringLiteral("page %1, item %2: no kind or metadata.name; skipped").arg(m_result.pages + 1).arg(i));
            continue;
        }
        entity.remove(QLatin1String("relations"));
        entity.remove(QLatin1String("status"));
        BackstageEntity out;
        out.ref = kind + QLatin1Char(':') + ns + QLatin1Char('/') + name;
        out.location = metadata.value(QLatin1String("annotations")).toObject().value(ManagedByLocation).toString();
        out.json = QJsonDocument(entity).toJson(QJsonDocument::Compact);
        m_result.entities.append(std::move(out));
    }
    ++m_result.pages;
    Q_EMIT progress(int(m_result.entities.size()), m_result.totalItems);
}

void BackstageCatalogReader::onPagerFinished(const HttpError& error, int pages)
{
    Q_UNUSED(pages);
    if (!m_failed && error.isError())
        describeHttpError(error);
    if (!m_failed) {
        // Entities that changed between pages can show up twice; the later copy is the newer one.
        QSet<QString> seen;
        QList<BackstageEntity> unique;
        for (auto it = m_result.entities.crbegin(); it != m_result.entities.crend(); ++it) {
            if (seen.contains(it->ref.toLower())) {
                m_result.warnings.append(
                    QStringLiteral("%1 was served twice while paging; kept the later copy").arg(it->ref));
                continue;
            }
            seen.insert(it->ref.toLower());
            unique.prepend(*it);
        }
        m_result.entities = unique;
        m_result.ok = true;
    }
    finish();
}

void BackstageCatalogReader::fail(
    HttpErrorKind kind, int status, const QString& error, const QString& hint, const QString& backstageError)
{
    m_failed = true;
    m_result.ok = false;
    m_result.cancelled = kind == HttpErrorKind::Cancelled;
    m_result.errorKind = kind;
    m_result.httpStatus = status;
    m_result.error = error;
    m_result.hint = hint;
    m_result.backstageError = backstageError;
}

void BackstageCatalogReader::describeHttpError(const HttpError& error)
{
    const QString base = redactedUrl(m_result.baseUrl);
    const QString backstage = backstageErrorOf(error.body);
    const QString credential = m_spec.credential.isEmpty() ? QStringLiteral("the token")
                                                           : QStringLiteral("credential '%1'").arg(m_spec.credential);
    switch (error.kind) {
    case HttpErrorKind::Unauthorized:
        if (m_withToken)
            fail(error.kind, error.status,
                QStringLiteral("Backstage at %1 refused the token (HTTP 401)%2")
                    .arg(base, backstage.isEmpty() ? QString() : QStringLiteral(": ") + backstage),
                QStringLiteral("Check %1: it must be a static token listed under backend.auth.externalAccess in the "
                               "backend's app-config, or a valid user or service token.")
                    .arg(credential),
                backstage);
        else
            fail(error.kind, error.status, QStringLiteral("Backstage at %1 requires a token (HTTP 401)").arg(base),
                QStringLiteral("Give the source a credential holding a token the backend accepts (a static token from "
                               "backend.auth.externalAccess)."),
                backstage);
        return;
    case HttpErrorKind::Forbidden:
        fail(error.kind, error.status,
            QStringLiteral("Backstage at %1 denied reading the catalog (HTTP 403)%2")
                .arg(base, backstage.isEmpty() ? QString() : QStringLiteral(": ") + backstage),
            QStringLiteral(
                "The token is valid but the backend's permission policy does not allow catalog.entity.read for it."),
            backstage);
        return;
    case HttpErrorKind::NotFound:
        fail(error.kind, error.status,
            QStringLiteral("%1 does not look like a Backstage backend: GET %2 answered 404")
                .arg(base, redactedUrl(m_queryUrl)),
            QStringLiteral(
                "Use the base URL of the Backstage backend (the one serving /api/catalog, often port 7007), and "
                "check that the catalog plugin is installed."),
            backstage);
        return;
    case HttpErrorKind::ConnectionRefused:
    case HttpErrorKind::HostNotFound:
    case HttpErrorKind::Timeout:
    case HttpErrorKind::Tls:
    case HttpErrorKind::ConnectionClosed:
    case HttpErrorKind::Network:
        fail(error.kind, error.status, QStringLiteral("Cannot reach Backstage at %1: %2").arg(base, error.message),
            error.hint);
        return;
    default:
        fail(error.kind, error.status,
            QStringLiteral("Reading the catalog of %1 failed: %2%3")
                .arg(base, error.message, backstage.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(backstage)),
            error.hint, backstage);
        return;
    }
}

void BackstageCatalogReader::finish()
{
    if (m_pager) {
        m_pager->disconnect(this);
        m_pager->deleteLater();
        m_pager.clear();
    }
    Q_EMIT finished(m_result);
}

} // namespace Flightdeck::Sources
