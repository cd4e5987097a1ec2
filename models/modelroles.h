// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <Qt>

namespace Flightdeck::Models {

// Every custom role of every model, in one place. Unscoped so the values feed Qt's int-based
// model/view API without casts.
enum Roles {
    EntityKeyRole = Qt::UserRole + 1, // canonical ref of the entity a row shows
    SortRole,                         // value to sort by when it differs from DisplayRole
    FilterRole,                       // text a row matches in a filter box
    KindRole,
    SeverityRole,
    FilePathRole,
    LineRole,
    CountRole,                        // facet value counts
    ValueRole,                        // the raw value behind a label
    ColumnRole,
    CodeRole,                         // a diagnostic's code
    EntityIndexRole,                  // index of the entity in the snapshot
};

} // namespace Flightdeck::Models
