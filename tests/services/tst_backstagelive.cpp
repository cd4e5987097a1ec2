// SPDX-License-Identifier: Apache-2.0
// Reads the catalog of a real Backstage backend (tests/backstage-backend: @backstage/plugin-catalog-backend
// from npm) through BackstageCatalogReader. The backend runs on 127.0.0.1 only, on a port chosen here,
// with the small catalog in tests/backstage-backend/catalog; it is stopped in cleanupTestCase, and a
// watchdog started with it stops it should this process die first.
#include "net/httpclient.h"
#include "sources/backstagesource.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTest>

using namespace Flightdeck::Net;
using namespace Flightdeck::Sources;

namespace {

const QString ScriptDir = QStringLiteral(FLIGHTDECK_SOURCE_DIR "/tests/backstage-backend");
const QString StateDir = QStringLiteral(FLIGHTDECK_BINARY_DIR "/backstage-live");
// npm ci on a cold cache (and the optional better-sqlite3 build) takes minutes; later runs seconds.
constexpr int StartTimeoutMs = 25 * 60 * 1000;
constexpr int ReadyTimeoutMs = 180 * 1000;
constexpr int EntitiesTimeoutMs = 180 * 1000;

// The entities of tests/backstage-backend/catalog/catalog-info.yaml, as the catalog names them.
const QStringList ExpectedRefs { QStringLiteral("API:default/booking-api"),
    QStringLiteral("Component:default/booking-service"), QStringLiteral("Component:default/seat-map"),
    QStringLiteral("Group:default/flight-ops"), QStringLiteral("System:default/booking"),
    QStringLiteral("User:default/ada") };

quint16 freePort()
{
    QTcpServer probe;
    return probe.listen(QHostAddress::LocalHost, 0) ? probe.serverPort() : 0;
}

QString tail(const QString& path, int lines = 40)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("(no %1)").arg(path);
    QString text = QString::fromUtf8(file.readAll());
    text.remove(QRegularExpression(QStringLiteral("\x1b\\[[0-9;]*m"))); // the backend logs in colour
    return text.split(QLatin1Char('\n'))
        .mid(std::max<qsizetype>(0, text.count(QLatin1Char('\n')) - lines))
        .join(QLatin1Char('\n'));
}

} // namespace

class tst_BackstageLive : public QObject
{
    Q_OBJECT

public:
    ~tst_BackstageLive() override { stopBackend(); }

private:
    quint16 m_port = 0;
    QString m_token;
    bool m_started = false;

    QUrl baseUrl() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_port)); }

    CatalogSourceSpec spec(const QString& path = {}) const
    {
        CatalogSourceSpec s;
        s.name = QStringLiteral("live-backstage");
        s.type = CatalogSourceSpec::Type::Backstage;
        s.url = baseUrl().toString() + path;
        s.credential = QStringLiteral("live-token");
        return s;
    }

    static BackstageReadResult read(const CatalogSourceSpec& s, const QString& token, int pageSize = 500)
    {
        BackstageCatalogReader reader;
        reader.setPageSize(pageSize);
        reader.setTimeoutMs(30000);
        QSignalSpy finished(&reader, &BackstageCatalogReader::finished);
        reader.start(s, token);
        BackstageReadResult result;
        if (!finished.wait(60000))
            result.error = QStringLiteral("test: no result within 60 s");
        else
            result = finished.at(0).at(0).value<BackstageReadResult>();
        return result;
    }

    QString diagnostics() const
    {
        return QStringLiteral("\n--- start/stop output and backend log (%1/logs) ---\n%2\n%3")
            .arg(StateDir, tail(StateDir + QStringLiteral("/logs/start.log")),
                tail(StateDir + QStringLiteral("/logs/backend.log")));
    }

    bool backendAlive() const
    {
        QFile pidFile(StateDir + QStringLiteral("/run/backend.pid"));
        if (!pidFile.open(QIODevice::ReadOnly))
            return false;
        const QByteArray pid = pidFile.readAll().trimmed();
        return !pid.isEmpty() && QFile::exists(QStringLiteral("/proc/") + QString::fromLatin1(pid));
    }

    void stopBackend()
    {
        if (!m_started)
            return;
        m_started = false;
        QProcess stop;
        stop.setProcessChannelMode(QProcess::MergedChannels);
        stop.start(QStringLiteral("bash"), { ScriptDir + QStringLiteral("/stop.sh"), StateDir });
        if (!stop.waitForFinished(90000))
            qWarning("stop.sh did not finish in 90 s");
        qInfo().noquote() << QString::fromUtf8(stop.readAll()).trimmed();
    }

private Q_SLOTS:
    void initTestCase()
    {
        for (const char* tool : { "node", "npm", "bash", "flock" }) {
            if (QStandardPaths::findExecutable(QString::fromLatin1(tool)).isEmpty())
                QFAIL(
                    qPrintable(QStringLiteral("%1 is not installed; the live Backstage test needs the Debian packages "
                                              "nodejs, npm and postgresql (scripts/deps.sh test installs them)")
                                   .arg(QString::fromLatin1(tool))));
        }
        m_port = freePort();
        const quint16 pgPort = freePort();
        QVERIFY(m_port != 0 && pgPort != 0 && m_port != pgPort);
        m_token = QStringLiteral("flightdeck-live-%1")
                      .arg(QRandomGenerator::global()->generate64(), 16, 16, QLatin1Char('0'));
        QVERIFY(QDir().mkpath(StateDir + QStringLiteral("/logs")));

        QProcess start;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("FLIGHTDECK_BS_PORT"), QString::number(m_port));
        env.insert(QStringLiteral("FLIGHTDECK_BS_PG_PORT"), QString::number(pgPort));
        env.insert(QStringLiteral("FLIGHTDECK_BS_TOKEN"), m_token);
        env.insert(QStringLiteral("FLIGHTDECK_BS_OWNER_PID"), QString::number(QCoreApplication::applicationPid()));
        start.setProcessEnvironment(env);
        start.setProcessChannelMode(QProcess::MergedChannels);
        start.setStandardOutputFile(StateDir + QStringLiteral("/logs/start.log"));
        QSignalSpy startFinished(&start, &QProcess::finished);
        start.start(QStringLiteral("bash"), { ScriptDir + QStringLiteral("/start.sh"), StateDir });
        QVERIFY2(start.waitForStarted(10000), qPrintable(start.errorString()));
        m_started = true; // from here on cleanupTestCase stops whatever did start
        QVERIFY2(
            startFinished.wait(StartTimeoutMs), qPrintable(QStringLiteral("start.sh still running") + diagnostics()));
        QVERIFY2(start.exitStatus() == QProcess::NormalExit && start.exitCode() == 0,
            qPrintable(QStringLiteral("start.sh failed") + diagnostics()));
        qInfo().noquote() << tail(StateDir + QStringLiteral("/logs/start.log"), 10);

        // Ready: the health endpoint answers 200.
        HttpClient client;
        QDeadlineTimer ready(ReadyTimeoutMs);
        for (;;) {
            QVERIFY2(backendAlive(), qPrintable(QStringLiteral("the backend exited") + diagnostics()));
            HttpRequest health
                = HttpRequest::get(QUrl(baseUrl().toString() + QStringLiteral("/.backstage/health/v1/readiness")));
            health.retry = RetryPolicy::none();
            health.timeoutMs = 5000;
            QSignalSpy answered(client.send(health), &HttpReply::finished);
            QVERIFY(answered.wait(10000));
            if (answered.at(0).at(0).value<HttpResponse>().status == 200)
                break;
            QVERIFY2(!ready.hasExpired(), qPrintable(QStringLiteral("not ready in time") + diagnostics()));
            QTest::qWait(1000);
        }

        // Readiness comes before the catalog has ingested its location: wait for our entities.
        QDeadlineTimer ingested(EntitiesTimeoutMs);
        for (;;) {
            const BackstageReadResult result = read(spec(), QString());
            QSet<QString> refs;
            for (const BackstageEntity& e : result.entities)
                refs.insert(e.ref);
            if (result.ok && refs.contains(QSet<QString>(ExpectedRefs.begin(), ExpectedRefs.end())))
                break;
            QVERIFY2(!ingested.hasExpired(),
                qPrintable(QStringLiteral("entities did not appear in time; last read: %1 entities, %2")
                               .arg(result.entities.size())
                               .arg(result.error)
                    + diagnostics()));
            QTest::qWait(1000);
        }
    }

    void cleanupTestCase() { stopBackend(); }

    void read_withStaticToken_returnsOurCatalogAcrossPages()
    {
        // Pages of two: the 6 entities and the generated Location take four cursor pages.
        const BackstageReadResult result = read(spec(), m_token, 2);
        QVERIFY2(result.ok, qPrintable(result.error + QLatin1Char('\n') + result.hint));
        QCOMPARE(result.totalItems, 7);
        QCOMPARE(result.pages, 4);
        QVERIFY(result.warnings.isEmpty());
        QStringList refs;
        QStringList locations;
        for (const BackstageEntity& e : result.entities) {
            if (e.ref.startsWith(QLatin1String("Location:default/generated-")))
                continue;
            refs << e.ref;
            const QJsonObject entity = QJsonDocument::fromJson(e.json).object();
            QVERIFY2(!entity.contains(QLatin1String("relations")), e.json.constData());
            QVERIFY(!entity.contains(QLatin1String("status")));
            QVERIFY(entity.value(QLatin1String("metadata")).toObject().contains(QLatin1String("uid")));
            QCOMPARE(e.location,
                QStringLiteral("file:" FLIGHTDECK_SOURCE_DIR "/tests/backstage-backend/catalog/catalog-info.yaml"));
        }
        refs.sort();
        QCOMPARE(refs, ExpectedRefs);
        QCOMPARE(result.entities.size(), 7);

        const auto service = std::find_if(result.entities.begin(), result.entities.end(),
            [](const BackstageEntity& e) { return e.ref == QLatin1String("Component:default/booking-service"); });
        const QJsonObject spec
            = QJsonDocument::fromJson(service->json).object().value(QLatin1String("spec")).toObject();
        QCOMPARE(spec.value(QLatin1String("owner")).toString(), QStringLiteral("group:flight-ops"));
        QCOMPARE(
            spec.value(QLatin1String("dependsOn")).toArray().first().toString(), QStringLiteral("component:seat-map"));
    }

    void read_withoutToken_isAllowedByThisBackend()
    {
        // app-config.yaml sets dangerouslyDisableDefaultAuthPolicy, so anonymous reads work.
        const BackstageReadResult result = read(spec(), QString());
        QVERIFY2(result.ok, qPrintable(result.error));
        QCOMPARE(result.entities.size(), 7);
        QCOMPARE(result.pages, 1);
    }

    void read_wrongToken_isRefusedWithBackstagesMessage()
    {
        const BackstageReadResult result = read(spec(), QStringLiteral("not-the-token-1234"));
        QVERIFY(!result.ok);
        QCOMPARE(result.errorKind, HttpErrorKind::Unauthorized);
        QCOMPARE(result.httpStatus, 401);
        QVERIFY2(result.error.contains(QStringLiteral("refused the token (HTTP 401)")), qPrintable(result.error));
        QVERIFY2(result.backstageError.startsWith(QStringLiteral("AuthenticationError: ")),
            qPrintable(result.backstageError));
        QVERIFY(result.hint.contains(QStringLiteral("credential 'live-token'")));
        QVERIFY(!result.error.contains(QStringLiteral("not-the-token-1234")));
        QVERIFY(result.entities.isEmpty());
    }

    void read_wrongPath_isNotABackstageBackend()
    {
        const BackstageReadResult result = read(spec(QStringLiteral("/not-backstage")), QString());
        QVERIFY(!result.ok);
        QCOMPARE(result.errorKind, HttpErrorKind::NotFound);
        QVERIFY2(
            result.error.contains(QStringLiteral("does not look like a Backstage backend")), qPrintable(result.error));
    }
};

QTEST_GUILESS_MAIN(tst_BackstageLive)
#include "tst_backstagelive.moc"
