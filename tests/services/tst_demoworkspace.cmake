# SPDX-License-Identifier: Apache-2.0
# The demo is read from the resources compiled into the executable (":/demo/…"), and the
# command-line cases run the real flightdeck executable.
target_link_libraries(tst_demoworkspace PRIVATE flightdeck_resources)
if(TARGET flightdeck)
    add_dependencies(tst_demoworkspace flightdeck)
endif()
