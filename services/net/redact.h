// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QByteArrayList>
#include <QLoggingCategory>
#include <QString>
#include <QUrl>

namespace Flightdeck::Net {

// flightdeck.net: requests, responses and retries, with secrets redacted. Enable with
// QT_LOGGING_RULES="flightdeck.net.debug=true".
Q_DECLARE_LOGGING_CATEGORY(lcNet)

inline constexpr QLatin1StringView RedactedText { "REDACTED" };

// The URL for logs and messages: userinfo replaced by REDACTED, and the values of query parameters
// that carry secrets (token, access_token, private_token, api_key, password, signature, …) too.
QString redactedUrl(const QUrl& url);

// Authorization, Proxy-Authorization, Cookie, Set-Cookie, PRIVATE-TOKEN, X-API-Key and any header
// whose name mentions a token, secret, password or key; extraSensitive adds names (case-insensitive).
bool isSensitiveHeader(QByteArrayView name, const QByteArrayList& extraSensitive = {});
// "Name: value" for logs, with the value replaced when the header is sensitive. For Authorization
// the scheme stays visible ("Bearer REDACTED") because it helps diagnose the wrong kind of credential.
QByteArray redactedHeaderLine(QByteArrayView name, QByteArrayView value, const QByteArrayList& extraSensitive = {});
// A query parameter whose value is a secret.
bool isSensitiveQueryKey(QStringView key);

// Replaces every occurrence of each secret in text by REDACTED: a last guard for error strings from
// lower layers that may echo a URL or a header.
QString scrubbed(QString text, const QByteArrayList& secrets);

} // namespace Flightdeck::Net
