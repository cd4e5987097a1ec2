// SPDX-License-Identifier: Apache-2.0
#pragma once

// One network operation's libgit2 callbacks and error reporting (internal to services/git).

#include "gitnetwork.h"
#include "gitresult.h"
#include "gittypes.h"

#include <git2.h>

#include <string>

namespace Flightdeck::Git::Detail {

// Lives on the worker's stack for the duration of one clone, fetch, push or probe. Its address is
// the payload of all the callbacks, so it must not move while libgit2 may call them.
class RemoteSession
{
public:
    RemoteSession(const RemoteOptions& options, const QString& url);
    RemoteSession(const RemoteSession&) = delete;
    RemoteSession& operator=(const RemoteSession&) = delete;

    // Installs every callback with this session as payload.
    void fill(git_remote_callbacks& callbacks);

    // The error for a failed libgit2 call: reads libgit2's thread-local last error, so call it on
    // the worker right after the call that failed. `action` reads like "could not clone".
    Error errorFrom(int code, const QString& action) const;
    // An error of ours, phrased like errorFrom's.
    Error error(ErrorKind kind, const QString& action, const QString& detail, const QString& hint = {}) const;

    bool cancelRequested() const;
    QStringList rejectedReferences() const { return m_rejected; }
    void report(TransferProgress::Phase phase, bool force = false);
    TransferProgress& progress() { return m_progress; }
    NetworkScope& network() { return m_network; }
    QString displayUrl() const;

private:
    static int credentials(
        git_credential** out, const char* url, const char* usernameFromUrl, unsigned int allowedTypes, void* payload);
    static int certificateCheck(git_cert* cert, int valid, const char* host, void* payload);
    static int transferProgress(const git_indexer_progress* stats, void* payload);
    static int sidebandProgress(const char* text, int length, void* payload);
    static int packProgress(int stage, uint32_t current, uint32_t total, void* payload);
    static int pushTransferProgress(unsigned int current, unsigned int total, size_t bytes, void* payload);
    static int pushUpdateReference(const char* refname, const char* status, void* payload);

    int activity(); // records activity; returns non-zero when the caller cancelled

    const RemoteOptions& m_options;
    QString m_url;
    NetworkScope m_network;
    std::string m_username;
    std::string m_secret;
    int m_attempts = 0;
    bool m_gaveUp = false;
    bool m_offeredSecret = false;
    bool m_offeredAgent = false;
    bool m_askedForUserpass = false;
    QString m_untrustedHostKey;
    QString m_certificateHost;
    bool m_tlsCertificateInvalid = false;
    QStringList m_rejected;
    QString m_lastRemoteMessage;
    TransferProgress m_progress;
    TransferProgress::Phase m_reportedPhase = TransferProgress::Phase::Connecting;
    qint64 m_lastReportMs = 0;
};

// The error for a failed local libgit2 call (open, checkout, commit…).
Error localError(int code, const QString& action);

QString fromUtf8(const char* text);

} // namespace Flightdeck::Git::Detail
