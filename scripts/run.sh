#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs what is missing, builds Flightdeck and starts it. Arguments are passed on, e.g.
#   scripts/run.sh catalog validate ./catalog
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh build
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)"
exec build/release/app/flightdeck "$@"
