// SPDX-License-Identifier: Apache-2.0
// flightdeck demo-service start | serve | stop
//
// The demo workspace's services, for real on this machine: the demo's script backend runs
// `flightdeck demo-service start`, which replaces the running instance of SERVICE in ENVIRONMENT
// (from the environment the script backend sets) by `flightdeck demo-service serve`, a small HTTP
// server on a loopback port that answers /health with the version it runs.
#include "cli.h"
#include "clisupport.h"
#include "workspace/demoworkspace.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSaveFile>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTextStream>
#include <QThread>
#include <QTimer>

#include <csignal>
#include <sys/types.h>

namespace Flightdeck::Cli {

namespace {

const char* const demoUsage = "flightdeck demo-service start|stop [--state DIR] [--port PORT]  |  serve --port PORT --service S --version V";

QString pidFile(const QString& state, const QString& service, const QString& environment)
{
    return QDir(state).filePath(QStringLiteral("%1-%2.pid").arg(service, environment));
}

// True when pid is a demo-service process (and not some other process that reused the number).
bool isDemoProcess(qint64 pid)
{
    QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(pid));
    if (!cmdline.open(QIODevice::ReadOnly))
        return false;
    return cmdline.readAll().contains("demo-service");
}

void stopPid(const QString& file, QTextStream& out)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly))
        return;
    const qint64 pid = f.readAll().trimmed().toLongLong();
    f.close();
    if (pid > 0 && isDemoProcess(pid)) {
        ::kill(pid_t(pid), SIGTERM);
        for (int i = 0; i < 50 && isDemoProcess(pid); ++i)
            QThread::msleep(20);
        out << "stopped the previous instance (pid " << pid << ")\n";
    }
    QFile::remove(file);
}

int serve(const QCommandLineParser& p)
{
    QTextStream err(stderr);
    const quint16 port = quint16(p.value(QStringLiteral("port")).toUInt());
    QTcpServer server;
    if (port == 0 || !server.listen(QHostAddress::LocalHost, port)) {
        err << "flightdeck demo-service: cannot listen on 127.0.0.1:" << p.value(QStringLiteral("port")) << ": " << server.errorString() << "\n";
        return Failure;
    }
    const QJsonObject info { { QStringLiteral("service"), p.value(QStringLiteral("service")) },
        { QStringLiteral("environment"), p.value(QStringLiteral("environment")) },
        { QStringLiteral("version"), p.value(QStringLiteral("version")) }, { QStringLiteral("status"), QStringLiteral("ok") },
        { QStringLiteral("startedAt"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate) } };
    const QByteArray body = QJsonDocument(info).toJson(QJsonDocument::Compact);
    QObject::connect(&server, &QTcpServer::newConnection, &server, [&server, body] {
        while (QTcpSocket* socket = server.nextPendingConnection()) {
            QObject::connect(socket, &QTcpSocket::readyRead, socket, [socket, body] {
                if (!socket->canReadLine() && socket->bytesAvailable() < 8192)
                    return;
                socket->readAll();
                socket->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: "
                    + QByteArray::number(body.size()) + "\r\n\r\n" + body);
                socket->disconnectFromHost();
            });
            QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            QTimer::singleShot(10000, socket, &QObject::deleteLater); // a client that never asks
        }
    });
    return QCoreApplication::exec();
}

} // namespace

int runDemoService(const QStringList& arguments)
{
    QCommandLineParser p;
    p.addOption({ QStringLiteral("state"), QStringLiteral("Folder for pid files."), QStringLiteral("DIR") });
    p.addOption({ QStringLiteral("port"), QStringLiteral("Loopback port."), QStringLiteral("PORT") });
    p.addOption({ QStringLiteral("service"), QStringLiteral("Service name (serve)."), QStringLiteral("S") });
    p.addOption({ QStringLiteral("environment"), QStringLiteral("Environment (serve)."), QStringLiteral("E") });
    p.addOption({ QStringLiteral("version"), QStringLiteral("Version (serve)."), QStringLiteral("V") });
    p.addHelpOption();
    if (!parseArguments(p, arguments, demoUsage))
        return UsageError;
    const QString action = p.positionalArguments().value(0);
    QTextStream out(stdout);
    if (action == QLatin1String("serve"))
        return serve(p);
    // The demo's own folder unless told otherwise.
    const QString state = p.isSet(QStringLiteral("state"))
        ? p.value(QStringLiteral("state"))
        : QFileInfo(Workspace::DemoWorkspace::workspacePath()).dir().filePath(QStringLiteral("run"));
    if (action == QLatin1String("stop")) {
        for (const QString& f : QDir(state).entryList({ QStringLiteral("*.pid") }, QDir::Files))
            stopPid(QDir(state).filePath(f), out);
        return Success;
    }
    if (action != QLatin1String("start"))
        return usageError(QStringLiteral("start, serve or stop"), demoUsage);

    const QString service = qEnvironmentVariable("SERVICE");
    const QString environment = qEnvironmentVariable("ENVIRONMENT");
    const QString version = qEnvironmentVariable("VERSION");
    if (service.isEmpty() || environment.isEmpty() || version.isEmpty()) {
        QTextStream(stderr) << "flightdeck demo-service: SERVICE, ENVIRONMENT and VERSION must be set\n";
        return UsageError;
    }
    if (!QDir().mkpath(state)) {
        QTextStream(stderr) << "flightdeck demo-service: cannot create " << state << "\n";
        return Failure;
    }
    out << "::step::stop " << service << "\n" << Qt::flush;
    stopPid(pidFile(state, service, environment), out);
    out << "::step::start " << service << " " << version << "\n" << Qt::flush;
    qint64 pid = 0;
    const QStringList args { QStringLiteral("demo-service"), QStringLiteral("serve"), QStringLiteral("--port"), p.value(QStringLiteral("port")),
        QStringLiteral("--service"), service, QStringLiteral("--environment"), environment, QStringLiteral("--version"), version };
    QProcess process;
    process.setProgram(QCoreApplication::applicationFilePath());
    process.setArguments(args);
    process.setStandardOutputFile(QDir(state).filePath(QStringLiteral("%1-%2.log").arg(service, environment)));
    process.setStandardErrorFile(QDir(state).filePath(QStringLiteral("%1-%2.log").arg(service, environment)), QIODevice::Append);
    if (!process.startDetached(&pid)) {
        QTextStream(stderr) << "flightdeck demo-service: cannot start " << process.program() << "\n";
        return Failure;
    }
    QSaveFile f(pidFile(state, service, environment));
    if (f.open(QIODevice::WriteOnly)) {
        f.write(QByteArray::number(pid) + '\n');
        f.commit();
    }
    out << "started " << service << " " << version << " in " << environment << " as pid " << pid << " on 127.0.0.1:" << p.value(QStringLiteral("port")) << "\n";
    return Success;
}

} // namespace Flightdeck::Cli
