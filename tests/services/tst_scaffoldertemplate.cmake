# SPDX-License-Identifier: Apache-2.0
# The real Backstage templates of the shared reference data, when the checkout has it beside it
# (../shared/reference/backstage/data); the test skips that case otherwise. Copies of their
# template.yaml files are under tests/data/scaffolder/templates/backstage and always run.
get_filename_component(FLIGHTDECK_BACKSTAGE_DATA "${PROJECT_SOURCE_DIR}/../shared/reference/backstage/data" ABSOLUTE)
target_compile_definitions(tst_scaffoldertemplate PRIVATE FLIGHTDECK_BACKSTAGE_DATA="${FLIGHTDECK_BACKSTAGE_DATA}")
