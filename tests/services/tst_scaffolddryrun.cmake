# SPDX-License-Identifier: Apache-2.0
# The bundled golden paths, and the real Backstage templates of the shared reference data when the
# checkout has it beside it (../shared/reference/backstage/data).
get_filename_component(FLIGHTDECK_BACKSTAGE_DATA "${PROJECT_SOURCE_DIR}/../shared/reference/backstage/data" ABSOLUTE)
target_compile_definitions(tst_scaffolddryrun PRIVATE FLIGHTDECK_BACKSTAGE_DATA="${FLIGHTDECK_BACKSTAGE_DATA}"
    FLIGHTDECK_TEMPLATES_DIR="${PROJECT_SOURCE_DIR}/resources/templates")
