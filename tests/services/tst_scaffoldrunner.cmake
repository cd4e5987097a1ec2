# SPDX-License-Identifier: Apache-2.0
# The golden-path templates shipped in resources/templates, run through the task runner.
target_compile_definitions(tst_scaffoldrunner PRIVATE FLIGHTDECK_TEMPLATES_DIR="${PROJECT_SOURCE_DIR}/resources/templates")
