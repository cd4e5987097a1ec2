# SPDX-License-Identifier: Apache-2.0
# Generates each golden path and builds and tests it with its own toolchain (minutes, not seconds).
# QTEST_FUNCTION_TIMEOUT lifts Qt Test's own 5-minute limit per test function (npm ci, go test);
# it is appended, so the environment flightdeck_add_test sets (offscreen, logging) is kept.
target_compile_definitions(tst_goldenpaths PRIVATE FLIGHTDECK_TEMPLATES_DIR="${PROJECT_SOURCE_DIR}/resources/templates")
set_tests_properties(tst_goldenpaths PROPERTIES TIMEOUT 1800 LABELS "services;goldenpaths")
set_property(TEST tst_goldenpaths APPEND PROPERTY ENVIRONMENT QTEST_FUNCTION_TIMEOUT=1700000)
