// SPDX-License-Identifier: Apache-2.0
#pragma once

namespace Flightdeck::App {

// Runs the desktop app (or renders a page with --screenshot); returns the exit code.
int runGui(int argc, char** argv);

} // namespace Flightdeck::App
