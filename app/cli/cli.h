// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QStringList>

namespace Flightdeck::Cli {

// Exit codes every subcommand uses.
enum ExitCode { Success = 0, Failure = 1, UsageError = 2 };

bool isSubcommand(int argc, char** argv);
// Runs a subcommand; arguments include the program name. Needs a QCoreApplication.
int run(const QStringList& arguments);

} // namespace Flightdeck::Cli
