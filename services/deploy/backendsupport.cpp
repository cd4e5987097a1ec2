// SPDX-License-Identifier: Apache-2.0
#include "backendsupport.h"

#include <QUrl>

#include <algorithm>

namespace Flightdeck::Deploy::Support {

int intSetting(const DeployTarget& target, const QString& key, int fallback, int minimum, int maximum)
{
    bool ok = false;
    const int value = target.setting(key).trimmed().toInt(&ok);
    return ok ? std::clamp(value, minimum, maximum) : fallback;
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

} // namespace Flightdeck::Deploy::Support
