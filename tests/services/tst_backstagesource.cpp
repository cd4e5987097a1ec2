// SPDX-License-Identifier: Apache-2.0
#include "net/httpclient.h"
#include "replayserver.h"
#include "sources/backstagesource.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

using namespace Flightdeck::Net;
using namespace Flightdeck::Sources;
using namespace Flightdeck::Test;

namespace {

const QString Token = QStringLiteral("local-dev-static-token-123");
const QString QueryPath = QStringLiteral("/api/catalog/entities/by-query");

QJsonObject fixtureObject(const QString& name)
{
    return QJsonDocument::fromJson(ReplayServer::readFixture(QStringLiteral("backstage/") + name)).object();
}

QString page1Cursor()
{
    return fixtureObject(QStringLiteral("by-query-page1.json"))
        .value(QLatin1String("pageInfo"))
        .toObject()
        .value(QLatin1String("nextCursor"))
        .toString();
}

CatalogSourceSpec specFor(const QUrl& base, const QString& credential = {})
{
    CatalogSourceSpec spec;
    spec.name = QStringLiteral("company-backstage");
    spec.type = CatalogSourceSpec::Type::Backstage;
    spec.url = base.toString();
    spec.credential = credential;
    return spec;
}

// The two real pages of a 7-entity catalog, served as the backend serves them (chunked, with its headers).
void serveTwoPages(ReplayServer& server)
{
    server.on("GET", QueryPath)
        .withQuery(QStringLiteral("limit"), QStringLiteral("3"))
        .withExactQuery()
        .reply(ReplayResponse::fixture(QStringLiteral("backstage/by-query-page1.json"))
                   .withHeadersFromFixture(QStringLiteral("backstage/by-query.headers")));
    server.on("GET", QueryPath)
        .withQuery(QStringLiteral("cursor"), page1Cursor())
        .withQuery(QStringLiteral("limit"), QStringLiteral("3"))
        .withExactQuery()
        .reply(ReplayResponse::fixture(QStringLiteral("backstage/by-query-page2.json"))
                   .withHeadersFromFixture(QStringLiteral("backstage/by-query.headers")));
}

} // namespace

class tst_BackstageSource : public QObject
{
    Q_OBJECT

private:
    static BackstageReadResult read(BackstageCatalogReader& reader, const CatalogSourceSpec& spec, const QString& token,
        QList<QPair<int, int>>* progress = nullptr)
    {
        QSignalSpy finished(&reader, &BackstageCatalogReader::finished);
        QSignalSpy progressSpy(&reader, &BackstageCatalogReader::progress);
        reader.start(spec, token);
        if (!finished.wait(30000) || finished.size() != 1) {
            BackstageReadResult timedOut;
            timedOut.error = QStringLiteral("test: finished() did not arrive exactly once");
            return timedOut;
        }
        if (progress)
            for (const auto& args : progressSpy)
                progress->append({ args.at(0).toInt(), args.at(1).toInt() });
        return finished.at(0).at(0).value<BackstageReadResult>();
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(!page1Cursor().isEmpty()); }

    void read_twoPages_followsTheCursorWithBackstagesParameters()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        serveTwoPages(server);
        BackstageCatalogReader reader;
        reader.setPageSize(3);
        QList<QPair<int, int>> progress;
        const BackstageReadResult result
            = read(reader, specFor(server.baseUrl(), QStringLiteral("backstage-token")), Token, &progress);
        QVERIFY2(result.ok, qPrintable(result.error + QLatin1Char('\n') + server.problems().join(QLatin1Char('\n'))));
        QVERIFY(server.problems().isEmpty());

        QCOMPARE(server.requestCount(), 2);
        const RecordedRequest& first = server.requests().at(0);
        QCOMPARE(first.method, QByteArray("GET"));
        QCOMPARE(first.path, QueryPath);
        QCOMPARE(first.query.queryItems(QUrl::FullyDecoded),
            (QList<QPair<QString, QString>> { { QStringLiteral("limit"), QStringLiteral("3") } }));
        const RecordedRequest& second = server.requests().at(1);
        QCOMPARE(second.path, QueryPath);
        QCOMPARE(second.query.queryItems(QUrl::FullyDecoded),
            (QList<QPair<QString, QString>> {
                { QStringLiteral("cursor"), page1Cursor() }, { QStringLiteral("limit"), QStringLiteral("3") } }));
        for (const RecordedRequest& r : server.requests()) {
            QCOMPARE(r.header("Authorization"), QByteArray("Bearer " + Token.toUtf8()));
            QCOMPARE(r.header("Accept"), QByteArray("application/json"));
        }

        QCOMPARE(result.totalItems, 7);
        QCOMPARE(result.pages, 2);
        QCOMPARE(progress, (QList<QPair<int, int>> { { 3, 7 }, { 7, 7 } }));
        QStringList refs;
        for (const BackstageEntity& e : result.entities)
            refs << e.ref;
        QCOMPARE(refs,
            (QStringList { QStringLiteral("User:default/alice"),
                QStringLiteral("Location:default/generated-fe205ed905046903efeaff01ed9a51f5372f19a7"),
                QStringLiteral("Component:default/ledger-service"), QStringLiteral("System:default/payments"),
                QStringLiteral("API:default/payments-api"), QStringLiteral("Component:default/payments-service"),
                QStringLiteral("Group:default/team-a") }));
        for (const BackstageEntity& e : result.entities)
            QCOMPARE(e.location, QStringLiteral("file:/srv/catalog/small/catalog-info.yaml"));
        QVERIFY(result.warnings.isEmpty());
        QCOMPARE(result.sourceName, QStringLiteral("company-backstage"));
    }

    void read_stripsRelationsAndStatusOnly()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        serveTwoPages(server);
        BackstageCatalogReader reader;
        reader.setPageSize(3);
        const BackstageReadResult result = read(reader, specFor(server.baseUrl()), Token);
        QVERIFY2(result.ok, qPrintable(result.error));

        QJsonArray served
            = fixtureObject(QStringLiteral("by-query-page1.json")).value(QLatin1String("items")).toArray();
        for (const QJsonValue& v :
            fixtureObject(QStringLiteral("by-query-page2.json")).value(QLatin1String("items")).toArray())
            served.append(v);
        QCOMPARE(result.entities.size(), served.size());
        for (qsizetype i = 0; i < served.size(); ++i) {
            QJsonParseError error;
            const QJsonDocument doc = QJsonDocument::fromJson(result.entities.at(i).json, &error);
            QCOMPARE(error.error, QJsonParseError::NoError);
            QVERIFY(!result.entities.at(i).json.contains('\n')); // compact
            const QJsonObject entity = doc.object();
            QVERIFY(served.at(i).toObject().contains(QLatin1String("relations")));
            QVERIFY(!entity.contains(QLatin1String("relations")));
            QVERIFY(!entity.contains(QLatin1String("status")));
            // Everything else arrives unchanged.
            QJsonObject expected = served.at(i).toObject();
            expected.remove(QLatin1String("relations"));
            QCOMPARE(entity, expected);
        }
        const QJsonObject ledger = QJsonDocument::fromJson(result.entities.at(2).json).object();
        QCOMPARE(ledger.value(QLatin1String("spec")).toObject().value(QLatin1String("owner")).toString(),
            QStringLiteral("group:default/team-a"));
        QCOMPARE(ledger.value(QLatin1String("metadata")).toObject().value(QLatin1String("uid")).toString(),
            QStringLiteral("94637bf7-3f95-4e09-ab9c-d526ac4b5aa2"));
    }

    void read_withoutToken_sendsNoAuthorization()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        serveTwoPages(server);
        BackstageCatalogReader reader;
        reader.setPageSize(3);
        const BackstageReadResult result = read(reader, specFor(server.baseUrl()), QString());
        QVERIFY2(result.ok, qPrintable(result.error));
        QCOMPARE(result.entities.size(), 7);
        for (const RecordedRequest& r : server.requests())
            QVERIFY(!r.hasHeader("Authorization"));
    }

    void read_defaultPageSize_isSent()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", QueryPath)
            .withQuery(QStringLiteral("limit"), QStringLiteral("500"))
            .withExactQuery()
            .reply(ReplayResponse::json(200, "{\"items\":[],\"totalItems\":0,\"pageInfo\":{}}"));
        BackstageCatalogReader reader;
        QCOMPARE(reader.pageSize(), 500);
        const BackstageReadResult result = read(reader, specFor(server.baseUrl()), QString());
        QVERIFY2(result.ok, qPrintable(result.error));
        QVERIFY(result.entities.isEmpty());
        QCOMPARE(result.totalItems, 0);
        QVERIFY(server.problems().isEmpty());
    }

    void errors_areExplained_data()
    {
        QTest::addColumn<ReplayResponse>("response");
        QTest::addColumn<QString>("token");
        QTest::addColumn<HttpErrorKind>("kind");
        QTest::addColumn<QString>("inError");
        QTest::addColumn<QString>("inHint");
        QTest::addColumn<QString>("backstageError");
        QTest::addRow("wrong token")
            << ReplayResponse::fixture(QStringLiteral("backstage/bad-token.json"), 401) << QStringLiteral("wrong-token")
            << HttpErrorKind::Unauthorized
            << QStringLiteral("refused the token (HTTP 401): AuthenticationError: Could not resolve credentials")
            << QStringLiteral("credential 'backstage-token'")
            << QStringLiteral("AuthenticationError: Could not resolve credentials; caused by "
                              "AuthenticationError: Illegal token");
        QTest::addRow("token required") << ReplayResponse::json(
            401, "{\"error\":{\"name\":\"AuthenticationError\",\"message\":\"Missing credentials\"}}")
                                        << QString() << HttpErrorKind::Unauthorized
                                        << QStringLiteral("requires a token (HTTP 401)")
                                        << QStringLiteral("externalAccess")
                                        << QStringLiteral("AuthenticationError: Missing credentials");
        QTest::addRow("forbidden") << ReplayResponse::json(
            403, "{\"error\":{\"name\":\"NotAllowedError\",\"message\":\"Unauthorized\"}}")
                                   << Token << HttpErrorKind::Forbidden << QStringLiteral("denied reading the catalog")
                                   << QStringLiteral("catalog.entity.read")
                                   << QStringLiteral("NotAllowedError: Unauthorized");
        // A Backstage backend without the catalog plugin, or another server, answers 404 with no body.
        QTest::addRow("404 at the path") << ReplayResponse::empty(404) << QString() << HttpErrorKind::NotFound
                                         << QStringLiteral(
                                                "does not look like a Backstage backend: GET http://127.0.0.1:")
                                         << QStringLiteral("catalog plugin") << QString();
        QTest::addRow("html page") << ReplayResponse::text(
            200, "<!DOCTYPE html><html><body>Sign in</body></html>", "text/html")
                                   << QString() << HttpErrorKind::InvalidResponse
                                   << QStringLiteral("does not look like a Backstage backend")
                                   << QStringLiteral("frontend") << QString();
        QTest::addRow("json without items")
            << ReplayResponse::json(200, "{\"status\":\"ok\"}") << QString() << HttpErrorKind::InvalidResponse
            << QStringLiteral("not Backstage's JSON") << QStringLiteral("base URL") << QString();
        QTest::addRow("server error") << ReplayResponse::json(
            500, "{\"error\":{\"name\":\"Error\",\"message\":\"db down\"}}")
                                      << QString() << HttpErrorKind::ServerError << QStringLiteral("(Error: db down)")
                                      << QStringLiteral("server's logs") << QStringLiteral("Error: db down");
    }
    void errors_areExplained()
    {
        QFETCH(ReplayResponse, response);
        QFETCH(QString, token);
        QFETCH(HttpErrorKind, kind);
        QFETCH(QString, inError);
        QFETCH(QString, inHint);
        QFETCH(QString, backstageError);
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", QueryPath).reply(response);
        BackstageCatalogReader reader;
        reader.setRetryPolicy(RetryPolicy::none());
        const BackstageReadResult result
            = read(reader, specFor(server.baseUrl(), QStringLiteral("backstage-token")), token);
        QVERIFY(!result.ok);
        QVERIFY(!result.cancelled);
        QCOMPARE(result.errorKind, kind);
        QVERIFY2(result.error.contains(inError), qPrintable(result.error));
        QVERIFY2(result.error.contains(server.baseUrl().toString()), qPrintable(result.error));
        QVERIFY2(result.hint.contains(inHint), qPrintable(result.hint));
        QCOMPARE(result.backstageError, backstageError);
        QVERIFY(result.entities.isEmpty());
        QCOMPARE(server.requestCount(), 1);
        if (!token.isEmpty()) {
            QCOMPARE(server.requests().at(0).header("Authorization"), QByteArray("Bearer " + token.toUtf8()));
            QVERIFY(!result.error.contains(token));
        }
    }

    void unreachable_isExplained()
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const quint16 port = probe.serverPort();
        probe.close();
        BackstageCatalogReader reader;
        reader.setRetryPolicy(RetryPolicy::none());
        const BackstageReadResult result
            = read(reader, specFor(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port))), QString());
        QVERIFY(!result.ok);
        QCOMPARE(result.errorKind, HttpErrorKind::ConnectionRefused);
        QVERIFY2(result.error.startsWith(
                     QStringLiteral("Cannot reach Backstage at http://127.0.0.1:%1: Connection refused").arg(port)),
            qPrintable(result.error));
        QVERIFY(!result.hint.isEmpty());
    }

    void transientFailure_isRetried()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", QueryPath)
            .reply(ReplayResponse::json(503, "{}"))
            .reply(ReplayResponse::fixture(QStringLiteral("backstage/by-query-page2.json")));
        BackstageCatalogReader reader;
        reader.setRetryPolicy(RetryPolicy { 3, 10, 20, 1000 });
        const BackstageReadResult result = read(reader, specFor(server.baseUrl()), QString());
        QVERIFY2(result.ok, qPrintable(result.error));
        QCOMPARE(result.entities.size(), 4);
        QCOMPARE(server.requestCount(), 2);
    }

    void pageLimit_isAnError()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        serveTwoPages(server);
        BackstageCatalogReader reader;
        reader.setPageSize(3);
        reader.setMaxPages(1);
        const BackstageReadResult result = read(reader, specFor(server.baseUrl()), QString());
        QVERIFY(!result.ok);
        QCOMPARE(result.errorKind, HttpErrorKind::PageLimit);
        QVERIFY2(result.error.contains(QStringLiteral("Stopped after 1 pages")), qPrintable(result.error));
        QCOMPARE(server.requestCount(), 1);
    }

    void duplicatesAndBadItems_areWarnedAbout()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        const QByteArray a = "{\"apiVersion\":\"backstage.io/"
                             "v1alpha1\",\"kind\":\"Component\",\"metadata\":{\"name\":\"a\"},\"spec\":{\"v\":1}}";
        const QByteArray a2 = "{\"apiVersion\":\"backstage.io/"
                              "v1alpha1\",\"kind\":\"Component\",\"metadata\":{\"name\":\"A\"},\"spec\":{\"v\":2}}";
        const QByteArray b = "{\"apiVersion\":\"backstage.io/"
                             "v1alpha1\",\"kind\":\"API\",\"metadata\":{\"name\":\"b\",\"namespace\":\"ops\"},"
                             "\"status\":{\"items\":[]}}";
        server.on("GET", QueryPath)
            .withQuery(QStringLiteral("limit"), QStringLiteral("2"))
            .withExactQuery()
            .reply(200, "{\"items\":[" + a + ",null],\"totalItems\":3,\"pageInfo\":{\"nextCursor\":\"c2\"}}");
        server.on("GET", QueryPath)
            .withQuery(QStringLiteral("cursor"), QStringLiteral("c2"))
            .reply(200, "{\"items\":[" + a2 + "," + b + ",{\"kind\":\"Component\"}],\"totalItems\":3,\"pageInfo\":{}}");
        BackstageCatalogReader reader;
        reader.setPageSize(2);
        const BackstageReadResult result = read(reader, specFor(server.baseUrl()), QString());
        QVERIFY2(result.ok, qPrintable(result.error));
        QCOMPARE(result.entities.size(), 2);
        QCOMPARE(result.entities.at(0).ref, QStringLiteral("Component:default/A"));
        QVERIFY(result.entities.at(0).json.contains("\"v\":2"));
        QCOMPARE(result.entities.at(1).ref, QStringLiteral("API:ops/b"));
        QVERIFY(!result.entities.at(1).json.contains("status"));
        QVERIFY(result.entities.at(1).location.isEmpty());
        QCOMPARE(result.warnings.size(), 3);
        QVERIFY(result.warnings.filter(QStringLiteral("served twice")).size() == 1);
        QVERIFY(result.warnings.filter(QStringLiteral("not an entity object")).size() == 1);
        QVERIFY(result.warnings.filter(QStringLiteral("no kind or metadata.name")).size() == 1);
    }

    void cancel_reportsCancelledOnce()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", QueryPath).reply(ReplayResponse::hang());
        BackstageCatalogReader reader;
        QSignalSpy finished(&reader, &BackstageCatalogReader::finished);
        reader.start(specFor(server.baseUrl()), Token);
        QVERIFY(reader.isRunning());
        QTRY_COMPARE_WITH_TIMEOUT(server.requestCount(), 1, 10000);
        reader.cancel();
        QVERIFY(!reader.isRunning());
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 10000);
        QTest::qWait(50);
        QCOMPARE(finished.size(), 1);
        const auto result = finished.at(0).at(0).value<BackstageReadResult>();
        QVERIFY(result.cancelled);
        QVERIFY(!result.ok);
        QCOMPARE(result.errorKind, HttpErrorKind::Cancelled);
    }

    void restart_whileRunning_cancelsTheFirstRead()
    {
        ReplayServer server;
        QVERIFY(server.listen());
        server.on("GET", QueryPath)
            .reply(ReplayResponse::hang())
            .reply(ReplayResponse::fixture(QStringLiteral("backstage/by-query-page2.json")));
        BackstageCatalogReader reader;
        QSignalSpy finished(&reader, &BackstageCatalogReader::finished);
        reader.start(specFor(server.baseUrl()), QString());
        QTRY_COMPARE_WITH_TIMEOUT(server.requestCount(), 1, 10000);
        reader.start(specFor(server.baseUrl()), QString());
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 10000);
        QVERIFY(finished.at(0).at(0).value<BackstageReadResult>().cancelled);
        QVERIFY(finished.at(1).at(0).value<BackstageReadResult>().ok);
    }

    void invalidSpec_isRejected_data()
    {
        QTest::addColumn<int>("type");
        QTest::addColumn<QString>("url");
        QTest::addRow("not a backstage source")
            << int(CatalogSourceSpec::Type::Directory) << QStringLiteral("http://127.0.0.1:7007");
        QTest::addRow("empty url") << int(CatalogSourceSpec::Type::Backstage) << QString();
        QTest::addRow("not http") << int(CatalogSourceSpec::Type::Backstage) << QStringLiteral("ftp://host/x");
    }
    void invalidSpec_isRejected()
    {
        QFETCH(int, type);
        QFETCH(QString, url);
        CatalogSourceSpec spec;
        spec.name = QStringLiteral("bad");
        spec.type = CatalogSourceSpec::Type(type);
        spec.url = url;
        BackstageCatalogReader reader;
        const BackstageReadResult result = read(reader, spec, QString());
        QVERIFY(!result.ok);
        QCOMPARE(result.errorKind, HttpErrorKind::InvalidRequest);
        QVERIFY2(result.error.contains(QStringLiteral("no usable Backstage URL")), qPrintable(result.error));
    }

    void queryUrl_fromBaseUrl_data()
    {
        QTest::addColumn<QString>("base");
        QTest::addColumn<QString>("expected");
        QTest::addRow("plain") << QStringLiteral("http://127.0.0.1:7007")
                               << QStringLiteral("http://127.0.0.1:7007/api/catalog/entities/by-query");
        QTest::addRow("trailing slash") << QStringLiteral("http://127.0.0.1:7007/")
                                        << QStringLiteral("http://127.0.0.1:7007/api/catalog/entities/by-query");
        QTest::addRow("with api/catalog") << QStringLiteral("https://bs.example.com/api/catalog/")
                                          << QStringLiteral("https://bs.example.com/api/catalog/entities/by-query");
        QTest::addRow("behind a path prefix")
            << QStringLiteral("https://example.com/backstage")
            << QStringLiteral("https://example.com/backstage/api/catalog/entities/by-query");
    }
    void queryUrl_fromBaseUrl()
    {
        QFETCH(QString, base);
        QFETCH(QString, expected);
        QCOMPARE(backstageQueryUrl(base).toString(), expected);
    }
};

QTEST_GUILESS_MAIN(tst_BackstageSource)
#include "tst_backstagesource.moc"
