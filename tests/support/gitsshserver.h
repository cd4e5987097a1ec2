// SPDX-License-Identifier: Apache-2.0
#pragma once

// A real OpenSSH server and agent for git-over-SSH tests, on 127.0.0.1 only, as the current user,
// with temporary host and user keys. The server accepts exactly the user key (public key only, no
// password) and runs whatever command the client asks for, so git-upload-pack/git-receive-pack work
// on any repository the user can read. Both processes are children of the test and die with it.

#include <QProcess>
#include <QString>

#include <memory>

namespace Flightdeck::Testing {

class SshAgent
{
public:
    SshAgent() = default;
    ~SshAgent();
    SshAgent(const SshAgent&) = delete;
    SshAgent& operator=(const SshAgent&) = delete;

    // Starts ssh-agent in the foreground with its socket in `directory`.
    bool start(const QString& directory, QString* error);
    bool add(const QString& privateKeyPath, QString* error);
    QString socketPath() const { return m_socket; }

private:
    QProcess m_process;
    QString m_socket;
};

class SshServer
{
public:
    SshServer() = default;
    ~SshServer();
    SshServer(const SshServer&) = delete;
    SshServer& operator=(const SshServer&) = delete;

    // Generates keys and configuration in `directory`, starts sshd and an agent holding the user
    // key. On failure returns false and says why (missing package, sshd refusing to run…).
    bool start(const QString& directory, QString* whyNot);

    quint16 port() const { return m_port; }
    QString user() const { return m_user; }
    // "SHA256:…" as ssh-keygen -l prints it.
    QString hostKeyFingerprint() const { return m_fingerprint; }
    QString userKeyPath() const { return m_userKey; }
    SshAgent& agent() { return m_agent; }
    // ssh://user@127.0.0.1:port/<absolute path>
    QString url(const QString& absolutePath) const;
    QString log() const;

private:
    QProcess m_sshd;
    SshAgent m_agent;
    quint16 m_port = 0;
    QString m_user;
    QString m_fingerprint;
    QString m_userKey;
};

} // namespace Flightdeck::Testing
