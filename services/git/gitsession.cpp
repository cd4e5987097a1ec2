// SPDX-License-Identifier: Apache-2.0
#include "gitsession.h"

#include <QDateTime>

namespace Flightdeck::Git::Detail {

namespace {

constexpr qint64 reportIntervalMs = 100;

bool isNetworkClass(int klass)
{
    return klass == GIT_ERROR_NET || klass == GIT_ERROR_SSH || klass == GIT_ERROR_HTTP || klass == GIT_ERROR_SSL;
}

struct LastError
{
    int klass = 0;
    QString message;
};

LastError lastError(int code)
{
    const git_error* error = git_error_last();
    if (!error || !error->message)
        return { 0, QStringLiteral("libgit2 error %1").arg(code) };
    return { error->klass, QString::fromUtf8(error->message).trimmed() };
}

bool looksLikeMissingRepository(int code, const LastError& error)
{
    const QString text = error.message.toLower();
    if (error.klass == GIT_ERROR_REPOSITORY && code == GIT_ENOTFOUND)
        return true;
    return text.contains(QLatin1String("status code: 404")) || text.contains(QLatin1String("repository not found"))
        || text.contains(QLatin1String("does not appear to be a git repository"))
        || text.contains(QLatin1String("not a git repository"))
        || text.contains(QLatin1String("could not find repository"))
        || text.contains(QLatin1String("failed to resolve path"));
}

} // namespace

QString fromUtf8(const char* text)
{
    return text ? QString::fromUtf8(text) : QString();
}

RemoteSession::RemoteSession(const RemoteOptions& options, const QString& url)
    : m_options(options)
    , m_url(url)
    , m_network(options.timeouts, options.cancel)
    , m_username(options.credentials.username.toStdString())
    , m_secret(options.credentials.secret.toStdString())
{ }

QString RemoteSession::displayUrl() const
{
    return redactSecrets(m_url, m_options.credentials.secret);
}

void RemoteSession::fill(git_remote_callbacks& callbacks)
{
    callbacks.credentials = &RemoteSession::credentials;
    callbacks.certificate_check = &RemoteSession::certificateCheck;
    callbacks.transfer_progress = &RemoteSession::transferProgress;
    callbacks.sideband_progress = &RemoteSession::sidebandProgress;
    callbacks.pack_progress = &RemoteSession::packProgress;
    callbacks.push_transfer_progress = &RemoteSession::pushTransferProgress;
    callbacks.push_update_reference = &RemoteSession::pushUpdateReference;
    callbacks.payload = this;
}

bool RemoteSession::cancelRequested() const
{
    return m_network.cancelRequested();
}

int RemoteSession::activity()
{
    m_network.touch();
    return cancelRequested() ? GIT_EUSER : 0;
}

void RemoteSession::report(TransferProgress::Phase phase, bool force)
{
    if (!m_options.progress)
        return;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (!force && phase == m_reportedPhase && now - m_lastReportMs < reportIntervalMs)
        return;
    m_progress.phase = phase;
    m_reportedPhase = phase;
    m_lastReportMs = now;
    m_options.progress(m_progress);
}

int RemoteSession::credentials(
    git_credential** out, const char* url, const char* usernameFromUrl, unsigned int allowedTypes, void* payload)
{
    Q_UNUSED(url);
    auto* self = static_cast<RemoteSession*>(payload);
    if (self->activity())
        return GIT_EUSER;
    // libgit2 calls this again after every refusal; a wrong credential must not loop forever.
    if (++self->m_attempts > self->m_options.maxAuthAttempts) {
        self->m_gaveUp = true;
        git_error_set_str(GIT_ERROR_NET, "the credential was refused");
        return GIT_EAUTH;
    }
    const std::string urlUser = usernameFromUrl ? usernameFromUrl : "";
    const std::string sshUser = !urlUser.empty() ? urlUser : !self->m_username.empty() ? self->m_username : "git";
    const std::string httpUser = !self->m_username.empty() ? self->m_username : !urlUser.empty() ? urlUser : "git";

    if (allowedTypes & GIT_CREDENTIAL_USERNAME)
        return git_credential_username_new(out, sshUser.c_str());
    if ((allowedTypes & GIT_CREDENTIAL_SSH_KEY) && self->m_options.credentials.useSshAgent) {
        self->m_offeredAgent = true;
        return git_credential_ssh_key_from_agent(out, sshUser.c_str());
    }
    if (allowedTypes & GIT_CREDENTIAL_USERPASS_PLAINTEXT) {
        self->m_askedForUserpass = true;
        if (!self->m_secret.empty()) {
            self->m_offeredSecret = true;
            return git_credential_userpass_plaintext_new(out, httpUser.c_str(), self->m_secret.c_str());
        }
    }
    return GIT_PASSTHROUGH;
}

int RemoteSession::certificateCheck(git_cert* cert, int valid, const char* host, void* payload)
{
    auto* self = static_cast<RemoteSession*>(payload);
    if (self->activity())
        return GIT_EUSER;
    self->m_certificateHost = fromUtf8(host);
    if (cert->cert_type == GIT_CERT_HOSTKEY_LIBSSH2) {
        const auto* key = reinterpret_cast<const git_cert_hostkey*>(cert);
        QString fingerprint;
        if (key->type & GIT_CERT_SSH_SHA256) {
            const QByteArray hash(reinterpret_cast<const char*>(key->hash_sha256), sizeof(key->hash_sha256));
            fingerprint = QStringLiteral("SHA256:")
                + QString::fromLatin1(hash.toBase64(QByteArray::Base64Encoding | QByteArray::OmitTrailingEquals));
        }
        if (valid)
            return 0;
        if (!fingerprint.isEmpty() && self->m_options.trustedHostKeys.contains(fingerprint))
            return 0;
        self->m_untrustedHostKey = fingerprint.isEmpty() ? QStringLiteral("unknown fingerprint") : fingerprint;
        git_error_set_str(GIT_ERROR_SSH, "the SSH host key is not trusted");
        return GIT_ECERTIFICATE;
    }
    if (!valid)
        self->m_tlsCertificateInvalid = true;
    return GIT_PASSTHROUGH;
}

int RemoteSession::transferProgress(const git_indexer_progress* stats, void* payload)
{
    auto* self = static_cast<RemoteSession*>(payload);
    if (self->activity())
        return GIT_EUSER;
    TransferProgress& p = self->m_progress;
    p.totalObjects = stats->total_objects;
    p.receivedObjects = stats->received_objects;
    p.indexedObjects = stats->indexed_objects;
    p.totalDeltas = stats->total_deltas;
    p.indexedDeltas = stats->indexed_deltas;
    p.bytes = stats->received_bytes;
    const bool receiving = stats->received_objects < stats->total_objects;
    const bool resolving = !receiving && stats->total_deltas > 0 && stats->indexed_deltas < stats->total_deltas;
    self->report(resolving ? TransferProgress::Phase::Resolving : TransferProgress::Phase::Receiving);
    return 0;
}

int RemoteSession::sidebandProgress(const char* text, int length, void* payload)
{
    auto* self = static_cast<RemoteSession*>(payload);
    if (text && length > 0) {
        const QString message = QString::fromUtf8(text, length).trimmed();
        if (!message.isEmpty())
            self->m_lastRemoteMessage = message.section(QLatin1Char('\r'), -1).section(QLatin1Char('\n'), -1);
    }
    return self->activity();
}

int RemoteSession::packProgress(int stage, uint32_t current, uint32_t total, void* payload)
{
    Q_UNUSED(stage);
    Q_UNUSED(current);
    Q_UNUSED(total);
    return static_cast<RemoteSession*>(payload)->activity();
}

int RemoteSession::pushTransferProgress(unsigned int current, unsigned int total, size_t bytes, void* payload)
{
    auto* self = static_cast<RemoteSession*>(payload);
    if (self->activity())
        return GIT_EUSER;
    self->m_progress.totalObjects = total;
    self->m_progress.receivedObjects = current;
    self->m_progress.bytes = bytes;
    self->report(TransferProgress::Phase::Pushing);
    return 0;
}

int RemoteSession::pushUpdateReference(const char* refname, const char* status, void* payload)
{
    auto* self = static_cast<RemoteSession*>(payload);
    self->m_network.touch();
    // git_remote_push can return 0 while the server refused a reference: the status is the only sign.
    if (status)
        self->m_rejected.append(QStringLiteral("%1 (%2)").arg(fromUtf8(refname), fromUtf8(status)));
    return 0;
}

Error RemoteSession::error(ErrorKind kind, const QString& action, const QString& detail, const QString& hint) const
{
    Error e;
    e.kind = kind;
    e.message
        = redactSecrets(QStringLiteral("%1 %2: %3").arg(action, displayUrl(), detail), m_options.credentials.secret);
    e.hint = hint;
    return e;
}

Error RemoteSession::errorFrom(int code, const QString& action) const
{
    const LastError last = lastError(code);
    const QString detail = redactSecrets(last.message, m_options.credentials.secret);
    const Error network = m_network.failure();

    auto make = [&](ErrorKind kind, const QString& what, const QString& hint) {
        Error e = error(kind, action, what, hint);
        e.libgit2Code = code;
        return e;
    };

    if (cancelRequested() || network.kind == ErrorKind::Cancelled)
        return make(ErrorKind::Cancelled, QStringLiteral("cancelled"), {});
    if (network.isError())
        return make(network.kind, network.message, network.hint);

    if (!m_untrustedHostKey.isEmpty())
        return make(ErrorKind::Certificate,
            QStringLiteral("the SSH host key of %1 (%2) is not trusted").arg(m_certificateHost, m_untrustedHostKey),
            QStringLiteral("Connect once with ssh to check the key and add it to ~/.ssh/known_hosts, or add the "
                           "fingerprint to the trusted host keys in Settings"));
    if (code == GIT_ECERTIFICATE || m_tlsCertificateInvalid)
        return make(ErrorKind::Certificate,
            QStringLiteral("the TLS certificate of %1 is not valid (%2)").arg(m_certificateHost, detail),
            QStringLiteral("Check the URL; for a company certificate authority, install it in the system's "
                           "certificate store"));

    const bool authFailure = code == GIT_EAUTH || m_gaveUp
        || (m_offeredAgent && last.klass == GIT_ERROR_SSH && detail.contains(QLatin1String("authenticat")));
    if (authFailure) {
        if (m_offeredAgent) {
            const bool agentRunning = !qEnvironmentVariableIsEmpty("SSH_AUTH_SOCK");
            return make(ErrorKind::AuthFailed,
                agentRunning
                    ? QStringLiteral("no key held by ssh-agent was accepted (%1)").arg(detail)
                    : QStringLiteral("SSH authentication needs ssh-agent, which is not running (%1)").arg(detail),
                agentRunning ? QStringLiteral("Add the key registered with the server to the agent (ssh-add) and "
                                              "check the user name in the URL")
                             : QStringLiteral("Start ssh-agent (SSH_AUTH_SOCK is not set) and add your key with "
                                              "ssh-add"));
        }
        if (m_offeredSecret)
            return make(ErrorKind::AuthFailed, QStringLiteral("the credential was refused"),
                QStringLiteral("The credential was refused: check it in Settings/keychain (user name, token, "
                               "expiry, scopes)"));
        return make(ErrorKind::AuthRequired, QStringLiteral("the server requires authentication"),
            QStringLiteral("Add a credential (user name and token) for this source in Settings"));
    }

    if (code == GIT_ENONFASTFORWARD)
        return make(ErrorKind::PushRejected, QStringLiteral("the remote has commits that are not present locally"),
            QStringLiteral("Someone pushed first: fetch, merge or rebase, then push again"));
    if (last.klass == GIT_ERROR_REFERENCE && code == GIT_ENOTFOUND)
        return make(ErrorKind::BranchNotFound, detail, QStringLiteral("Check the branch name"));
    if (looksLikeMissingRepository(code, last)) {
        const QString remoteSaid = m_lastRemoteMessage.isEmpty() ? detail : m_lastRemoteMessage;
        return make(ErrorKind::NotARepository, QStringLiteral("there is no git repository there (%1)").arg(remoteSaid),
            QStringLiteral("Check the URL. Some hosts answer \"not found\" for a private repository when no "
                           "credential is given"));
    }
    if (isNetworkClass(last.klass))
        return make(ErrorKind::Network, detail, QStringLiteral("Check your network connection and the URL"));
    return make(ErrorKind::Other, detail, {});
}

Error localError(int code, const QString& action)
{
    const LastError last = lastError(code);
    Error e;
    e.libgit2Code = code;
    e.message = redactSecrets(QStringLiteral("%1: %2").arg(action, last.message));
    if (code == GIT_ENOTFOUND
        && (last.klass == GIT_ERROR_REPOSITORY || last.message.contains(QLatin1String("could not find repository")))) {
        e.kind = ErrorKind::NotARepository;
        e.hint = QStringLiteral("Check the path: it must be a git working tree or a bare repository");
    } else if (code == GIT_EUNBORNBRANCH) {
        e.kind = ErrorKind::NotFound;
        e.hint = QStringLiteral("The repository has no commit yet");
    } else if (code == GIT_ENOTFOUND) {
        e.kind = ErrorKind::NotFound;
    } else if (last.klass == GIT_ERROR_OS || last.klass == GIT_ERROR_FILESYSTEM) {
        e.kind = ErrorKind::Filesystem;
        e.hint = QStringLiteral("Check that the directory is writable and the disk has space");
    } else {
        e.kind = ErrorKind::Other;
    }
    return e;
}

} // namespace Flightdeck::Git::Detail
