// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QColor>
#include <QIcon>
#include <QString>

namespace Flightdeck::Views::Icons {

// A line icon from resources/icons (Lucide), drawn in the palette's text colour (or the given
// colour), sharp at any device pixel ratio. Cached per name, colour and size.
QIcon get(const QString& name, const QColor& color = QColor());
// The icon of an entity kind: box for Component, plug for API, …
QIcon forKind(const QString& kind, const QColor& color = QColor());
QString nameForKind(const QString& kind);
// Call after the application palette changes, so icons are drawn in the new colours.
void clearCache();

} // namespace Flightdeck::Views::Icons
