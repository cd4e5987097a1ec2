# SPDX-License-Identifier: Apache-2.0
# Also runs `flightdeck audit verify`.
add_dependencies(tst_auditjournal flightdeck)
target_compile_definitions(tst_auditjournal PRIVATE FLIGHTDECK_EXECUTABLE="$<TARGET_FILE:flightdeck>")
