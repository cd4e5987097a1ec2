// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QColor>
#include <QDateTime>
#include <QIcon>
#include <QPalette>
#include <QString>

class QWidget;

namespace Flightdeck::Views::DeployFormat {

// The colour of a health or result word (Healthy, Degraded, succeeded, failed…), readable on the
// palette's base and window colours, light or dark. Unknown words are muted.
QColor healthColor(const QString& health, const QPalette& palette);
// A filled dot of that colour, for tables and cards.
QIcon dot(const QColor& color);
// "just now", "5 min ago", "3 h ago", "2 days ago", "12 Mar 2025"; empty for an invalid time.
QString relativeTime(const QDateTime& when);
// "2025-03-12 14:03:22 UTC"; empty for an invalid time.
QString exactUtc(const QDateTime& when);
// "Jane Doe <jane@example.com>" → "Jane Doe".
QString personName(const QString& actor);
// The verb a user reads for an operation: Deploy, Promote, Roll back.
QString operationTitle(const QString& operation);
// What to call a version that is not there: "—".
QString versionOrDash(const QString& version);

} // namespace Flightdeck::Views::DeployFormat
