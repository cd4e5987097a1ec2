# SPDX-License-Identifier: Apache-2.0
# Runs the real flightdeck executable (like tst_cli).
add_dependencies(tst_scaffoldcli flightdeck)
target_compile_definitions(tst_scaffoldcli PRIVATE FLIGHTDECK_EXECUTABLE="$<TARGET_FILE:flightdeck>")
target_compile_definitions(tst_scaffoldcli PRIVATE FLIGHTDECK_TEMPLATES_DIR="${PROJECT_SOURCE_DIR}/resources/templates")
