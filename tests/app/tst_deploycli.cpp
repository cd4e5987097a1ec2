// SPDX-License-Identifier: Apache-2.0
// deploy, promote, rollback, history and audit verify on the demo workspace, run as a user would:
// the real executable, the demo's script backend starting real local processes, its GitOps
// backend committing to the demo's environments repository.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

namespace {

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

// A port nothing listens on right now.
quint16 freePort()
{
    QTcpServer s;
    return s.listen(QHostAddress::LocalHost, 0) ? s.serverPort() : 0;
}

// GET http://127.0.0.1:port/health, the body; empty when nothing answers.
QByteArray health(quint16 port)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(3000))
        return {};
    socket.write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    QByteArray reply;
    for (int i = 0; i < 50 && socket.state() != QAbstractSocket::UnconnectedState; ++i) {
        socket.waitForReadyRead(100);
        reply += socket.readAll();
    }
    reply += socket.readAll();
    return reply.mid(reply.indexOf("\r\n\r\n") + 4);
}

} // namespace

class tst_DeployCli : public QObject
{
    Q_OBJECT

    QTemporaryDir m_home;
    quint16 m_port = 0;

    Run flightdeck(const QStringList& args)
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HOME"), m_home.path());
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("XDG_CACHE_HOME"), m_home.filePath(QStringLiteral("cache")));
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_home.filePath(QStringLiteral("data")));
        env.insert(QStringLiteral("GIT_CONFIG_NOSYSTEM"), QStringLiteral("1"));
        env.insert(QStringLiteral("USER"), QStringLiteral("ada"));
        env.remove(QStringLiteral("QT_LOGGING_RULES")); // as a user runs it
        p.setProcessEnvironment(env);
        p.setStandardInputFile(QProcess::nullDevice()); // not a terminal: confirmation needs --yes
        p.start(QStringLiteral(FLIGHTDECK_EXECUTABLE), args);
        Run r;
        if (!p.waitForFinished(120000)) {
            p.kill();
            p.waitForFinished();
            return r;
        }
        r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
        r.out = QString::fromUtf8(p.readAllStandardOutput());
        r.err = QString::fromUtf8(p.readAllStandardError());
        return r;
    }

    QString demoDir() const { return m_home.filePath(QStringLiteral("data/flightdeck/flightdeck/demo")); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_home.isValid());
        // The first command builds the demo; its dev ports are then moved to a free one so that a
        // demo running on this machine is left alone.
        const Run r = flightdeck({ QStringLiteral("history"), QStringLiteral("flight-search") });
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains(QStringLiteral("staging")) && r.out.contains(QStringLiteral("2.4.0")), qPrintable(r.out));
        QVERIFY2(r.out.contains(QStringLiteral("production")) && r.out.contains(QStringLiteral("2.3.1")), qPrintable(r.out));
        QFile ws(QDir(demoDir()).filePath(QStringLiteral("workspace.yaml")));
        QVERIFY(ws.open(QIODevice::ReadOnly));
        QByteArray text = ws.readAll();
        ws.close();
        QVERIFY(text.contains("47811"));
        m_port = freePort();
        QVERIFY(m_port > 0);
        text.replace("47811", QByteArray::number(m_port));
        QVERIFY(ws.open(QIODevice::WriteOnly | QIODevice::Truncate));
        ws.write(text);
    }

    void cleanupTestCase()
    {
        flightdeck({ QStringLiteral("demo-service"), QStringLiteral("stop") });
        QVERIFY(health(m_port).isEmpty());
    }

    void versions_listTheReleaseTagsAndCommitsOfTheServiceRepository()
    {
        // The demo's travel-search repository holds flight-search's release tags; the catalog's
        // clone of it is read (the command reads the catalog first).
        const Run r = flightdeck({ QStringLiteral("versions"), QStringLiteral("flight-search"), QStringLiteral("--env"), QStringLiteral("staging"),
            QStringLiteral("--format"), QStringLiteral("json") });
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
        const QJsonArray list = QJsonDocument::fromJson(r.out.toUtf8()).array();
        QStringList tags, commits, backend;
        for (const QJsonValue& v : list) {
            const QJsonObject o = v.toObject();
            const QString from = o.value(QStringLiteral("from")).toString();
            (from == QLatin1String("tag") ? tags : from == QLatin1String("commit") ? commits : backend) << o.value(QStringLiteral("version")).toString();
            if (from == QLatin1String("tag"))
                QCOMPARE(o.value(QStringLiteral("ref")).toString(), QStringLiteral("flight-search/") + o.value(QStringLiteral("version")).toString());
        }
        QCOMPARE(tags, (QStringList { QStringLiteral("2.4.1"), QStringLiteral("2.4.0"), QStringLiteral("2.3.1"), QStringLiteral("2.3.0") }));
        QCOMPARE(commits.size(), 1); // the demo repository's one commit, which touches services/flight-search
        QCOMPARE(commits.first().size(), 7);
        QCOMPARE(backend, QStringList { QStringLiteral("2.4.0") }); // what the environments repository holds for staging
        // Usage errors.
        QCOMPARE(flightdeck({ QStringLiteral("versions") }).exitCode, 2);
        QCOMPARE(flightdeck({ QStringLiteral("versions"), QStringLiteral("flight-search"), QStringLiteral("--env"), QStringLiteral("moon") }).exitCode, 2);
    }

    void deploy_startsTheServiceForReal()
    {
        const Run r = flightdeck({ QStringLiteral("deploy"), QStringLiteral("flight-search"), QStringLiteral("--env"), QStringLiteral("dev"),
            QStringLiteral("--version"), QStringLiteral("2.5.0"), QStringLiteral("--yes") });
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
        QVERIFY2(r.out.startsWith(QStringLiteral("Deploy flight-search 2.5.0 to dev")), qPrintable(r.out));
        QVERIFY(!r.err.contains(QStringLiteral("flightdeck.net"))); // no debug chatter
        const QJsonObject h = QJsonDocument::fromJson(health(m_port)).object();
        QCOMPARE(h.value(QStringLiteral("service")).toString(), QStringLiteral("flight-search"));
        QCOMPARE(h.value(QStringLiteral("version")).toString(), QStringLiteral("2.5.0"));
        // Deploying again replaces the running process.
        const Run again = flightdeck({ QStringLiteral("deploy"), QStringLiteral("flight-search"), QStringLiteral("--env"), QStringLiteral("dev"),
            QStringLiteral("--version"), QStringLiteral("2.5.1"), QStringLiteral("--yes") });
        QVERIFY2(again.exitCode == 0, qPrintable(again.out + again.err));
        QVERIFY2(again.out.contains(QStringLiteral("(now 2.5.1)")) == false && again.out.contains(QStringLiteral("(now 2.5.0)")), qPrintable(again.out));
        QCOMPARE(QJsonDocument::fromJson(health(m_port)).object().value(QStringLiteral("version")).toString(), QStringLiteral("2.5.1"));
    }

    void promote_thenRollback_areCommitsToTheEnvironmentsRepository()
    {
        const Run promote = flightdeck({ QStringLiteral("promote"), QStringLiteral("flight-search"), QStringLiteral("--to"), QStringLiteral("staging"), QStringLiteral("--yes") });
        QVERIFY2(promote.exitCode == 0, qPrintable(promote.out + promote.err));
        QVERIFY2(promote.out.contains(QStringLiteral("Promote flight-search 2.5.1 from dev to staging (now 2.4.0)")), qPrintable(promote.out));
        const Run back = flightdeck({ QStringLiteral("rollback"), QStringLiteral("flight-search"), QStringLiteral("--env"), QStringLiteral("staging"), QStringLiteral("--yes") });
        QVERIFY2(back.exitCode == 0, qPrintable(back.out + back.err));
        QVERIFY2(back.out.contains(QStringLiteral("Roll back flight-search in staging from 2.5.1 to 2.4.0")), qPrintable(back.out));

        const Run history = flightdeck({ QStringLiteral("history"), QStringLiteral("flight-search"), QStringLiteral("--env"), QStringLiteral("staging"),
            QStringLiteral("--format"), QStringLiteral("json") });
        QVERIFY2(history.exitCode == 0, qPrintable(history.err));
        const QJsonArray entries = QJsonDocument::fromJson(history.out.toUtf8()).array();
        QVERIFY2(entries.size() >= 3, qPrintable(history.out));
        const QJsonObject newest = entries.at(0).toObject();
        QCOMPARE(newest.value(QStringLiteral("operation")).toString(), QStringLiteral("rollback"));
        QCOMPARE(newest.value(QStringLiteral("version")).toString(), QStringLiteral("2.4.0"));
        QCOMPARE(newest.value(QStringLiteral("previousVersion")).toString(), QStringLiteral("2.5.1"));
        QCOMPARE(entries.at(1).toObject().value(QStringLiteral("operation")).toString(), QStringLiteral("promote"));

        // The bare repository holds both commits, newest first.
        QProcess git;
        git.start(QStringLiteral("git"), { QStringLiteral("--git-dir"), QDir(demoDir()).filePath(QStringLiteral("remotes/environments.git")),
                                             QStringLiteral("log"), QStringLiteral("--format=%s"), QStringLiteral("-2"), QStringLiteral("main") });
        QVERIFY(git.waitForFinished(30000));
        const QString log = QString::fromUtf8(git.readAllStandardOutput());
        QVERIFY2(log.startsWith(QStringLiteral("rollback flight-search to 2.4.0 in staging")), qPrintable(log));
        QVERIFY2(log.contains(QStringLiteral("promote flight-search 2.5.1 to staging")), qPrintable(log));
    }

    void failures_andUsageErrors_haveTheirExitCodes()
    {
        // No overlay for this service in the environments repository: the backend's reason, exit 1.
        const Run missing = flightdeck({ QStringLiteral("deploy"), QStringLiteral("booking-admin"), QStringLiteral("--env"), QStringLiteral("staging"),
            QStringLiteral("--version"), QStringLiteral("1.0.0"), QStringLiteral("--yes") });
        QCOMPARE(missing.exitCode, 1);
        QVERIFY2(missing.err.contains(QStringLiteral("apps/booking-admin/staging/kustomization.yaml")), qPrintable(missing.err));

        const QList<QStringList> usage {
            { QStringLiteral("deploy"), QStringLiteral("flight-search"), QStringLiteral("--env"), QStringLiteral("dev"), QStringLiteral("--yes") },
            { QStringLiteral("deploy"), QStringLiteral("flight-search"), QStringLiteral("--env"), QStringLiteral("qa"), QStringLiteral("--version"), QStringLiteral("1"), QStringLiteral("--yes") },
            { QStringLiteral("deploy"), QStringLiteral("flight-search"), QStringLiteral("--env"), QStringLiteral("dev"), QStringLiteral("--version"), QStringLiteral("1") },
            { QStringLiteral("promote"), QStringLiteral("flight-search"), QStringLiteral("--yes") },
            { QStringLiteral("rollback"), QStringLiteral("--env"), QStringLiteral("dev"), QStringLiteral("--yes") },
            { QStringLiteral("history"), QStringLiteral("flight-search"), QStringLiteral("--format"), QStringLiteral("xml") },
        };
        for (const QStringList& args : usage) {
            const Run r = flightdeck(args);
            QVERIFY2(r.exitCode == 2, qPrintable(args.join(QLatin1Char(' ')) + QLatin1String(": ") + r.err));
            QVERIFY2(r.err.contains(QStringLiteral("Usage:")) || r.err.contains(QStringLiteral("environments are")), qPrintable(r.err));
        }
    }

    void audit_verify_coversEveryOperation()
    {
        const Run r = flightdeck({ QStringLiteral("audit"), QStringLiteral("verify") });
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        // Two deploys, a promote, a rollback and a failed deploy: intent and result each.
        QVERIFY2(r.out.contains(QStringLiteral("intact: 10 records")), qPrintable(r.out));
    }
};

QTEST_GUILESS_MAIN(tst_DeployCli)
#include "tst_deploycli.moc"
