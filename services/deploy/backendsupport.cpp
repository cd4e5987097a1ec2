// SPDX-License-Identifier: Apache-2.0
#include "backendsupport.h"

#include "net/httpclient.h"

#include <QTimer>
#include <QUrl>

#include <algorithm>
#include <utility>

namespace Flightdeck::Deploy::Support {

int intSetting(const DeployTarget& target, const QString& key, int fallback, int minimum, int maximum)
{
    bool ok = false;
    const int value = target.setting(key).trimmed().toInt(&ok);
    return ok ? std::clamp(value, minimum, maximum) : fallback;
}

bool readNumber(const DeployTarget& target, const QString& key, double fallback, double min, double max, double* out,
    QString* error)
{
    const QString text = target.setting(key).trimmed();
    if (text.isEmpty()) {
        *out = fallback;
        return true;
    }
    bool ok = false;
    const double value = text.toDouble(&ok);
    if (!ok || value < min || value > max) {
        *error = QStringLiteral("The setting %1 must be a number from %2 to %3, not '%4'.").arg(key).arg(min).arg(max).arg(text);
        return false;
    }
    *out = value;
    return true;
}

QString withoutTrailingSlash(QString url)
{
    url = url.trimmed();
    while (url.endsWith(QLatin1Char('/')))
        url.chop(1);
    return url;
}

QString pathSegment(const QString& s)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(s));
}

QDateTime timeOf(const QJsonValue& value)
{
    QDateTime t = QDateTime::fromString(value.toString(), Qt::ISODate);
    return t.isValid() ? t.toUTC() : QDateTime();
}

QJsonObject objectAt(const QJsonObject& o, const char* key)
{
    return o.value(QLatin1String(key)).toObject();
}

QString stringAt(const QJsonObject& o, const char* key)
{
    return o.value(QLatin1String(key)).toString();
}

Failure transportFailure(const Net::HttpError& e, const QString& vendor, const QString& host, const QString& doing,
    int timeoutMs, const std::function<QString(const QString&)>& scrub)
{
    switch (e.kind) {
    case Net::HttpErrorKind::Timeout:
        return { QStringLiteral("%1 (%2) did not answer within %3 s when asked to %4.").arg(vendor, host).arg(timeoutMs / 1000.0).arg(doing),
            QStringLiteral("Try again later; if %1 is just slow, raise the setting requestTimeoutMs.").arg(vendor) };
    case Net::HttpErrorKind::ConnectionClosed:
        return { QStringLiteral("%1 (%2) closed the connection without answering when asked to %3.").arg(vendor, host, doing),
            QStringLiteral("%1 or a proxy in front of it dropped the request: try again later.").arg(vendor) };
    default:
        return { QStringLiteral("Could not reach %1 to %2: %3").arg(vendor, doing, scrub(e.message)),
            e.hint.isEmpty() ? QStringLiteral("Check the setting url and the network.") : scrub(e.hint) + QStringLiteral(" (setting url)") };
    }
}

void LineSplitter::feed(const QByteArray& bytes, const std::function<void(QByteArray)>& line)
{
    m_partial += bytes;
    qsizetype start = 0;
    for (;;) {
        const qsizetype newline = m_partial.indexOf('\n', start);
        if (newline < 0)
            break;
        QByteArray one = m_partial.mid(start, newline - start);
        if (one.endsWith('\r'))
            one.chop(1);
        line(std::move(one));
        start = newline + 1;
    }
    m_partial.remove(0, start);
    if (m_partial.size() > m_maxBytes)
        flush(line);
}

void LineSplitter::flush(const std::function<void(QByteArray)>& line)
{
    if (m_partial.isEmpty())
        return;
    QByteArray rest = std::exchange(m_partial, {});
    if (rest.endsWith('\r'))
        rest.chop(1);
    line(std::move(rest));
}

RestJob::RestJob(QObject* parent, std::function<void()> poll)
    : DeployJob(parent)
    , m_pollTimer(new QTimer(this))
{
    m_pollTimer->setSingleShot(true);
    connect(m_pollTimer, &QTimer::timeout, this, std::move(poll));
}

void RestJob::done(DeployResult result)
{
    if (isFinished())
        return;
    m_pollTimer->stop();
    dropReply();
    finish(std::move(result));
}

void RestJob::dropReply()
{
    if (m_reply) {
        Net::HttpReply* reply = m_reply;
        m_reply.clear();
        reply->disconnect(this);
        reply->cancel();
    }
}

bool RestJob::stopBeforeChange(const QString& vendor, const QString& lookAt)
{
    m_cancelling = true;
    m_pollTimer->stop();
    const bool mutationInFlight = m_mutationInFlight && m_reply;
    dropReply();
    if (m_changed)
        return false;
    DeployResult result;
    result.outcome = Outcome::Cancelled;
    if (mutationInFlight) {
        result.message = QStringLiteral("Cancelled while the request to %1 was on its way; %2 may have received it.").arg(m_what, vendor);
        result.hint = QStringLiteral("Look at %1 before trying again.").arg(lookAt);
    } else {
        result.message = QStringLiteral("Cancelled before anything changed.");
    }
    finishLater(result);
    return true;
}

} // namespace Flightdeck::Deploy::Support
