# SPDX-License-Identifier: Apache-2.0
# Runs the real flightdeck executable against the demo workspace: real processes on loopback,
# real commits to the demo's environments repository.
add_dependencies(tst_deploycli flightdeck)
target_compile_definitions(tst_deploycli PRIVATE FLIGHTDECK_EXECUTABLE="$<TARGET_FILE:flightdeck>")
