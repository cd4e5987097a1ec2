// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QString>

namespace Flightdeck::Scaffolder {

// Every file a scaffolder action writes, moves or deletes must stay inside the task's workspace.
// Names come from templates and from form values (a file named `${{ values.name }}` with name
// "../../.bashrc"), so they are checked after rendering, on every use:
// - absolute paths (and Windows drive paths) are refused;
// - `..` may not climb above the root (a/../b is fine, ../b is not);
// - no existing component below the root may be a symbolic link that resolves outside it.
// Returns the absolute, cleaned path; on refusal returns a null QString and sets *error.
QString confinedPath(const QString& root, const QString& relative, QString* error);

// True when `path` (absolute) is `root` or below it, after resolving symbolic links of the part
// that exists.
bool isInside(const QString& root, const QString& path);

} // namespace Flightdeck::Scaffolder
