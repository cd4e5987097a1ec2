// SPDX-License-Identifier: Apache-2.0
#include "gitsshserver.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

namespace Flightdeck::Testing {

namespace {

const QStringList systemBinDirs { QStringLiteral("/usr/sbin"), QStringLiteral("/usr/local/sbin"),
    QStringLiteral("/sbin"), QStringLiteral("/usr/bin"), QStringLiteral("/bin") };

QString findTool(const QString& name)
{
    QString path = QStandardPaths::findExecutable(name);
    if (path.isEmpty())
        path = QStandardPaths::findExecutable(name, systemBinDirs);
    return path;
}

bool runTool(const QString& program, const QStringList& arguments, QString* output,
    const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment())
{
    QProcess process;
    process.setProcessEnvironment(env);
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(program, arguments);
    if (!process.waitForStarted(5000) || !process.waitForFinished(20000)) {
        process.kill();
        process.waitForFinished(2000);
        if (output)
            *output = QStringLiteral("%1 did not run: %2").arg(program, process.errorString());
        return false;
    }
    if (output)
        *output = QString::fromUtf8(process.readAll()).trimmed();
    return process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0;
}

void stop(QProcess& process)
{
    if (process.state() == QProcess::NotRunning)
        return;
    process.terminate();
    if (!process.waitForFinished(3000)) {
        process.kill();
        process.waitForFinished(3000);
    }
}

} // namespace

SshAgent::~SshAgent()
{
    stop(m_process);
}

bool SshAgent::start(const QString& directory, QString* error)
{
    const QString agent = findTool(QStringLiteral("ssh-agent"));
    if (agent.isEmpty()) {
        *error = QStringLiteral("ssh-agent is not installed (Debian package openssh-client)");
        return false;
    }
    if (!QDir().mkpath(directory)) {
        *error = QStringLiteral("cannot create %1").arg(directory);
        return false;
    }
    m_socket = QDir(directory).filePath(QStringLiteral("agent.sock"));
    QFile::remove(m_socket);
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    m_process.start(agent, { QStringLiteral("-D"), QStringLiteral("-a"), m_socket });
    if (!m_process.waitForStarted(5000)) {
        *error = QStringLiteral("ssh-agent did not start: %1").arg(m_process.errorString());
        return false;
    }
    const QDeadlineTimer deadline(10000);
    while (!QFileInfo::exists(m_socket)) {
        if (deadline.hasExpired() || m_process.state() == QProcess::NotRunning) {
            *error
                = QStringLiteral("ssh-agent did not create its socket: %1").arg(QString::fromUtf8(m_process.readAll()));
            return false;
        }
        QThread::msleep(20);
    }
    return true;
}

bool SshAgent::add(const QString& privateKeyPath, QString* error)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("SSH_AUTH_SOCK"), m_socket);
    QString output;
    if (!runTool(findTool(QStringLiteral("ssh-add")), { QStringLiteral("-q"), privateKeyPath }, &output, env)) {
        *error = QStringLiteral("ssh-add failed: %1").arg(output);
        return false;
    }
    return true;
}

SshServer::~SshServer()
{
    stop(m_sshd);
}

bool SshServer::start(const QString& directory, QString* whyNot)
{
    const QString sshd = findTool(QStringLiteral("sshd"));
    const QString keygen = findTool(QStringLiteral("ssh-keygen"));
    if (sshd.isEmpty() || keygen.isEmpty()) {
        *whyNot
            = QStringLiteral("sshd or ssh-keygen is not installed (Debian packages openssh-server, openssh-client)");
        return false;
    }
    if (const passwd* entry = ::getpwuid(::geteuid()))
        m_user = QString::fromLocal8Bit(entry->pw_name);
    if (m_user.isEmpty()) {
        *whyNot = QStringLiteral("the current user has no name in the password database");
        return false;
    }
    // As root, sshd separates privileges and needs its (normally boot-created) empty directory.
    if (::geteuid() == 0 && !QFileInfo::exists(QStringLiteral("/run/sshd"))) {
        if (::mkdir("/run/sshd", 0755) != 0) {
            *whyNot = QStringLiteral("sshd runs as root here and /run/sshd cannot be created");
            return false;
        }
    }

    const QDir dir(directory);
    const QString hostKey = dir.filePath(QStringLiteral("host_ed25519"));
    m_userKey = dir.filePath(QStringLiteral("user_ed25519"));
    QString output;
    for (const QString& key : { hostKey, m_userKey }) {
        if (!runTool(keygen,
                { QStringLiteral("-q"), QStringLiteral("-t"), QStringLiteral("ed25519"), QStringLiteral("-N"),
                    QString(), QStringLiteral("-C"), QStringLiteral("flightdeck-test"), QStringLiteral("-f"), key },
                &output)) {
            *whyNot = QStringLiteral("ssh-keygen failed: %1").arg(output);
            return false;
        }
    }
    if (!runTool(keygen,
            { QStringLiteral("-l"), QStringLiteral("-E"), QStringLiteral("sha256"), QStringLiteral("-f"),
                hostKey + QLatin1String(".pub") },
            &output)) {
        *whyNot = QStringLiteral("ssh-keygen -l failed: %1").arg(output);
        return false;
    }
    m_fingerprint = output.section(QLatin1Char(' '), 1, 1);

    const QString authorizedKeys = dir.filePath(QStringLiteral("authorized_keys"));
    QFile::remove(authorizedKeys);
    if (!QFile::copy(m_userKey + QLatin1String(".pub"), authorizedKeys)) {
        *whyNot = QStringLiteral("cannot write %1").arg(authorizedKeys);
        return false;
    }

    // Ask the kernel for a free port, then hand it to sshd (a small race, retried below).
    for (int attempt = 0; attempt < 3; ++attempt) {
        {
            QTcpServer probe;
            if (!probe.listen(QHostAddress::LocalHost, 0)) {
                *whyNot = QStringLiteral("no free port on 127.0.0.1");
                return false;
            }
            m_port = probe.serverPort();
        }
        const QString config = dir.filePath(QStringLiteral("sshd_config"));
        QFile file(config);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
            *whyNot = QStringLiteral("cannot write %1").arg(config);
            return false;
        }
        const QString text = QStringLiteral(
            "Port %1\nListenAddress 127.0.0.1\nHostKey %2\nPidFile none\nAuthorizedKeysFile %3\n"
            "PubkeyAuthentication yes\nPasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\n"
            "StrictModes no\nPermitRootLogin prohibit-password\nAllowUsers %4\nLogLevel VERBOSE\n")
                                 .arg(m_port)
                                 .arg(hostKey, authorizedKeys, m_user);
        file.write(text.toUtf8());
        file.close();

        if (!runTool(sshd, { QStringLiteral("-t"), QStringLiteral("-f"), config }, &output)) {
            *whyNot = QStringLiteral("sshd rejects the test configuration: %1").arg(output);
            return false;
        }
        m_sshd.setProcessChannelMode(QProcess::MergedChannels);
        m_sshd.start(sshd, { QStringLiteral("-D"), QStringLiteral("-e"), QStringLiteral("-f"), config });
        if (!m_sshd.waitForStarted(5000)) {
            *whyNot = QStringLiteral("sshd did not start: %1").arg(m_sshd.errorString());
            return false;
        }
        // Ready when it greets with its version banner.
        const QDeadlineTimer deadline(10000);
        bool ready = false;
        while (!ready && !deadline.hasExpired() && m_sshd.state() == QProcess::Running) {
            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, m_port);
            if (socket.waitForConnected(500) && socket.waitForReadyRead(2000))
                ready = socket.readAll().startsWith("SSH-");
            if (!ready)
                QThread::msleep(50);
        }
        if (ready)
            break;
        const QString log = QString::fromUtf8(m_sshd.readAll());
        stop(m_sshd);
        if (attempt == 2 || !log.contains(QLatin1String("Address already in use"))) {
            *whyNot = QStringLiteral("sshd did not come up on 127.0.0.1:%1: %2").arg(m_port).arg(log.trimmed());
            return false;
        }
    }

    if (!m_agent.start(directory, whyNot) || !m_agent.add(m_userKey, whyNot))
        return false;
    return true;
}

QString SshServer::url(const QString& absolutePath) const
{
    return QStringLiteral("ssh://%1@127.0.0.1:%2%3").arg(m_user).arg(m_port).arg(absolutePath);
}

QString SshServer::log() const
{
    return QString::fromUtf8(const_cast<QProcess&>(m_sshd).readAll());
}

} // namespace Flightdeck::Testing
