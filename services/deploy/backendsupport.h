// SPDX-License-Identifier: Apache-2.0
#pragma once

// Small helpers the REST backends share: reading numeric settings, building URLs, reading JSON.

#include "deploybackend.h"

#include <QDateTime>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>

namespace Flightdeck::Deploy::Support {

// The setting as a whole number clamped to [minimum, maximum]; fallback when absent or not a number.
int intSetting(const DeployTarget& target, const QString& key, int fallback, int minimum, int maximum);
// The URL trimmed, without trailing slashes.
QString withoutTrailingSlash(QString url);
// s percent-encoded for one path segment.
QString pathSegment(const QString& s);
// An ISO 8601 time as UTC; invalid when the value is not one.
QDateTime timeOf(const QJsonValue& value);
QJsonObject objectAt(const QJsonObject& o, const char* key);
QString stringAt(const QJsonObject& o, const char* key);

} // namespace Flightdeck::Deploy::Support
