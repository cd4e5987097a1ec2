# SPDX-License-Identifier: Apache-2.0
# A real Backstage backend (node + npm, PostgreSQL or better-sqlite3): label "live" so it can be
# selected or left out (ctest -L live / -LE live). The first run includes npm ci, hence the timeouts;
# QTEST_FUNCTION_TIMEOUT lifts Qt Test's own 5-minute limit for initTestCase.
set_property(TEST tst_backstagelive APPEND PROPERTY LABELS live)
set_property(TEST tst_backstagelive APPEND PROPERTY ENVIRONMENT QTEST_FUNCTION_TIMEOUT=1800000)
set_tests_properties(tst_backstagelive PROPERTIES TIMEOUT 2400)
