// SPDX-License-Identifier: Apache-2.0
#include "redact.h"

#include <QUrlQuery>

namespace Flightdeck::Net {

Q_LOGGING_CATEGORY(lcNet, "flightdeck.net")

namespace {

bool mentionsSecret(QByteArrayView lowerName)
{
    for (const char* word :
        { "token", "secret", "password", "passwd", "api-key", "apikey", "api_key", "signature", "session" })
        if (lowerName.contains(QByteArrayView(word)))
            return true;
    return false;
}

} // namespace

bool isSensitiveHeader(QByteArrayView name, const QByteArrayList& extraSensitive)
{
    const QByteArray lower = name.toByteArray().toLower();
    for (const char* exact : { "authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "x-auth" })
        if (lower == exact)
            return true;
    for (const QByteArray& extra : extraSensitive)
        if (lower == extra.toLower())
            return true;
    return mentionsSecret(lower);
}

QByteArray redactedHeaderLine(QByteArrayView name, QByteArrayView value, const QByteArrayList& extraSensitive)
{
    QByteArray line = name.toByteArray() + ": ";
    if (!isSensitiveHeader(name, extraSensitive))
        return line + value.toByteArray();
    const QByteArray lower = name.toByteArray().toLower();
    if (lower == "authorization" || lower == "proxy-authorization") {
        const qsizetype space = value.indexOf(' ');
        if (space > 0 && space < 16)
            return line + value.first(space + 1).toByteArray() + QByteArray(RedactedText.data(), RedactedText.size());
    }
    return line + QByteArray(RedactedText.data(), RedactedText.size());
}

bool isSensitiveQueryKey(QStringView key)
{
    const QString lower = key.toString().toLower();
    for (const char* exact : { "key", "code", "sig", "auth", "jwt", "pass", "x-amz-credential", "x-goog-credential" })
        if (lower == QLatin1String(exact))
            return true;
    return mentionsSecret(lower.toUtf8());
}

QString redactedUrl(const QUrl& url)
{
    QUrl copy = url;
    if (!copy.userInfo().isEmpty())
        copy.setUserInfo(RedactedText);
    if (copy.hasQuery()) {
        QUrlQuery query(copy);
        auto items = query.queryItems(QUrl::FullyEncoded);
        bool changed = false;
        for (auto& item : items) {
            if (isSensitiveQueryKey(QUrl::fromPercentEncoding(item.first.toUtf8()))) {
                item.second = RedactedText;
                changed = true;
            }
        }
        if (changed) {
            QUrlQuery redacted;
            redacted.setQueryItems(items);
            copy.setQuery(redacted.query(QUrl::FullyEncoded), QUrl::StrictMode);
        }
    }
    if (copy.hasFragment() && isSensitiveQueryKey(copy.fragment().section(QLatin1Char('='), 0, 0)))
        copy.setFragment(RedactedText);
    return copy.toString();
}

QString scrubbed(QString text, const QByteArrayList& secrets)
{
    for (const QByteArray& secret : secrets) {
        // Short values would blank out ordinary words; real tokens and passwords are longer.
        if (secret.size() < 4)
            continue;
        text.replace(QString::fromUtf8(secret), RedactedText);
        text.replace(QString::fromLatin1(QUrl::toPercentEncoding(QString::fromUtf8(secret))), RedactedText);
    }
    return text;
}

} // namespace Flightdeck::Net
