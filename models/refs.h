// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QString>

namespace Flightdeck::Models {

// "group:default/team-a" -> "group:team-a"; refs in another namespace are kept whole.
QString shortRef(const QString& key);
// "system:default/payments" -> "payments"; "system:ops/payments" -> "ops/payments".
QString nameOfRef(const QString& key);

} // namespace Flightdeck::Models
