# SPDX-License-Identifier: Apache-2.0
# Generates each golden path and builds and tests it with its own toolchain (minutes, not seconds).
target_compile_definitions(tst_goldenpaths PRIVATE FLIGHTDECK_TEMPLATES_DIR="${PROJECT_SOURCE_DIR}/resources/templates")
set_tests_properties(tst_goldenpaths PROPERTIES TIMEOUT 1800 LABELS "services;goldenpaths")
