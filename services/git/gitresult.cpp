// SPDX-License-Identifier: Apache-2.0
#include "gitresult.h"
#include "gittypes.h"

#include <QRegularExpression>
#include <QUrl>

namespace Flightdeck::Git {

QString errorKindName(ErrorKind kind)
{
    switch (kind) {
    case ErrorKind::None:
        return QStringLiteral("none");
    case ErrorKind::Cancelled:
        return QStringLiteral("cancelled");
    case ErrorKind::Timeout:
        return QStringLiteral("timeout");
    case ErrorKind::HostNotFound:
        return QStringLiteral("host-not-found");
    case ErrorKind::ConnectionRefused:
        return QStringLiteral("connection-refused");
    case ErrorKind::Network:
        return QStringLiteral("network");
    case ErrorKind::AuthRequired:
        return QStringLiteral("auth-required");
    case ErrorKind::AuthFailed:
        return QStringLiteral("auth-failed");
    case ErrorKind::Certificate:
        return QStringLiteral("certificate");
    case ErrorKind::NotARepository:
        return QStringLiteral("not-a-repository");
    case ErrorKind::BranchNotFound:
        return QStringLiteral("branch-not-found");
    case ErrorKind::NotFound:
        return QStringLiteral("not-found");
    case ErrorKind::PushRejected:
        return QStringLiteral("push-rejected");
    case ErrorKind::NothingToCommit:
        return QStringLiteral("nothing-to-commit");
    case ErrorKind::InvalidArgument:
        return QStringLiteral("invalid-argument");
    case ErrorKind::Filesystem:
        return QStringLiteral("filesystem");
    case ErrorKind::Other:
        return QStringLiteral("other");
    }
    return QStringLiteral("other");
}

QString Error::toString() const
{
    if (hint.isEmpty())
        return message;
    return QStringLiteral("%1 (%2)").arg(message, hint);
}

QString redactSecrets(const QString& text, const QByteArray& secret)
{
    // scheme://user:password@host → scheme://user:***@host
    static const QRegularExpression userInfo(QStringLiteral("([A-Za-z][A-Za-z0-9+.-]*://[^/@:\\s]*):[^/@\\s]*@"));
    // scheme://ghp_0123456789abcdef0123@host: a token used as the user name (GitHub, GitLab accept it)
    static const QRegularExpression tokenUser(QStringLiteral("([A-Za-z][A-Za-z0-9+.-]*://)[A-Za-z0-9_\\-.]{20,}@"));
    QString result = text;
    result.replace(userInfo, QStringLiteral("\\1:***@"));
    result.replace(tokenUser, QStringLiteral("\\1***@"));
    // A secret short enough to occur by chance is still removed: leaking it is worse than an odd message.
    if (!secret.isEmpty()) {
        result.replace(QString::fromUtf8(secret), QStringLiteral("***"));
        const QString percent = QString::fromLatin1(secret.toPercentEncoding());
        if (percent != QString::fromUtf8(secret))
            result.replace(percent, QStringLiteral("***"));
    }
    return result;
}

QString redactUrl(const QString& url)
{
    return redactSecrets(url);
}

QString takeUrlPassword(const QString& url, Credentials* credentials)
{
    if (!url.startsWith(QLatin1String("http://"), Qt::CaseInsensitive)
        && !url.startsWith(QLatin1String("https://"), Qt::CaseInsensitive))
        return url;
    QUrl parsed(url);
    if (!parsed.isValid() || parsed.password().isEmpty())
        return url;
    if (credentials && credentials->secret.isEmpty()) {
        credentials->secret = parsed.password(QUrl::FullyDecoded).toUtf8();
        if (credentials->username.isEmpty())
            credentials->username = parsed.userName(QUrl::FullyDecoded);
    }
    parsed.setPassword(QString());
    return parsed.toString(QUrl::FullyEncoded);
}

QString phaseName(TransferProgress::Phase phase)
{
    switch (phase) {
    case TransferProgress::Phase::Connecting:
        return QStringLiteral("connecting");
    case TransferProgress::Phase::Receiving:
        return QStringLiteral("receiving objects");
    case TransferProgress::Phase::Resolving:
        return QStringLiteral("resolving deltas");
    case TransferProgress::Phase::CheckingOut:
        return QStringLiteral("checking out files");
    case TransferProgress::Phase::Pushing:
        return QStringLiteral("pushing");
    case TransferProgress::Phase::Done:
        return QStringLiteral("done");
    }
    return {};
}

} // namespace Flightdeck::Git
