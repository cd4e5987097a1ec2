// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <atomic>
#include <functional>

namespace Flightdeck::Git {

// Bounds for network operations. libgit2 1.5 has no timeout of its own; these are enforced by the
// socket stream in gitnetwork.cpp.
struct NetworkTimeouts
{
    int resolveMs = 15000; // host name lookup
    int connectMs = 15000; // TCP connect, per address
    int idleMs = 60000; // nothing received or sent for this long on an open connection
};

// What the credential callback may offer. The secret is read from the keychain by the caller
// before the worker starts; it is never logged nor put into an error message.
struct Credentials
{
    QString username; // HTTPS user; empty = the URL's user, else "git"
    QByteArray secret; // HTTPS token or password; empty = none
    bool useSshAgent = true; // offer the keys held by ssh-agent (SSH_AUTH_SOCK) for ssh:// URLs
};

struct TransferProgress
{
    enum class Phase
    {
        Connecting,
        Receiving,
        Resolving,
        CheckingOut,
        Pushing,
        Done
    };
    Phase phase = Phase::Connecting;
    quint64 totalObjects = 0;
    quint64 receivedObjects = 0;
    quint64 indexedObjects = 0;
    quint64 totalDeltas = 0;
    quint64 indexedDeltas = 0;
    quint64 bytes = 0; // received (fetch, clone) or sent (push)
    quint64 checkoutCompleted = 0;
    quint64 checkoutTotal = 0;
};

QString phaseName(TransferProgress::Phase phase);

// Called on the worker thread, at most about ten times a second plus once per phase change.
using ProgressCallback = std::function<void(const TransferProgress&)>;

// Everything a network operation (clone, fetch, push, probe) needs besides its own arguments.
struct RemoteOptions
{
    Credentials credentials;
    // SSH host keys accepted in addition to ~/.ssh/known_hosts, as OpenSSH prints them
    // ("SHA256:" + unpadded base64, see `ssh-keygen -l -E sha256`).
    QStringList trustedHostKeys;
    NetworkTimeouts timeouts;
    ProgressCallback progress;
    const std::atomic<bool>* cancel = nullptr; // set from any thread to stop the operation
    int maxAuthAttempts = 3; // credential callback calls before giving up
};

struct Signature
{
    QString name;
    QString email;
};

struct CommitInfo
{
    QString sha;
    QString summary; // first line of the message
    QString message;
    QString authorName;
    QString authorEmail;
    QDateTime authorTime;
    QDateTime commitTime;
    QStringList parents;

    QString shortSha() const { return sha.left(8); }
};

struct TagInfo
{
    QString name; // without refs/tags/
    QString commitSha; // the commit the tag points to (peeled)
    bool annotated = false;
    QString message; // annotated tags only
    QString taggerName;
    QDateTime date; // tagger date for annotated tags, else the commit's date
};

// What a fetch or a probe learned about the remote.
struct RemoteInfo
{
    QString defaultBranch; // the remote HEAD's branch, without refs/heads/; empty if the remote has none
    QStringList branches; // without refs/heads/, sorted
    QStringList tags; // without refs/tags/, sorted
};

} // namespace Flightdeck::Git
