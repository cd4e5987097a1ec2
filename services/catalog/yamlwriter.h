// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QJsonValue>

namespace Flightdeck::Catalog {

// Block-style YAML for a JSON value, as a person would write a catalog file. Strings that a YAML
// 1.2 reader would take for a number, boolean or null are quoted, so the output reads back as
// the same value; multi-line strings become literal blocks.
QByteArray toYaml(const QJsonValue& value);

} // namespace Flightdeck::Catalog
