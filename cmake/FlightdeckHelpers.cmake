# SPDX-License-Identifier: Apache-2.0
# flightdeck_add_test(<source> LINK <libs...> [LABELS <labels...>] [ENVIRONMENT <k=v...>] [TIMEOUT <s>])
# One Qt Test executable per source file; the test name is the file name without extension.
function(flightdeck_add_test source)
    cmake_parse_arguments(ARG "" "TIMEOUT;WRAPPER" "LINK;LABELS;ENVIRONMENT" ${ARGN})
    get_filename_component(name ${source} NAME_WE)
    add_executable(${name} ${source})
    target_link_libraries(${name} PRIVATE Qt6::Test ${ARG_LINK})
    target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests/support)
    target_compile_definitions(${name} PRIVATE
        FLIGHTDECK_TEST_DATA="${PROJECT_SOURCE_DIR}/tests/data"
        FLIGHTDECK_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
        FLIGHTDECK_BINARY_DIR="${PROJECT_BINARY_DIR}")
    if(ARG_WRAPPER)
        add_test(NAME ${name} COMMAND ${ARG_WRAPPER} $<TARGET_FILE:${name}>)
    else()
        add_test(NAME ${name} COMMAND ${name})
    endif()
    set(env "QT_QPA_PLATFORM=offscreen" "QT_LOGGING_RULES=*.debug=false" ${ARG_ENVIRONMENT})
    set_tests_properties(${name} PROPERTIES ENVIRONMENT "${env}" LABELS "${ARG_LABELS}")
    if(ARG_TIMEOUT)
        set_tests_properties(${name} PROPERTIES TIMEOUT ${ARG_TIMEOUT})
    else()
        set_tests_properties(${name} PROPERTIES TIMEOUT 300)
    endif()
endfunction()
