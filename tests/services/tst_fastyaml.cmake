# SPDX-License-Identifier: Apache-2.0
# The fast YAML reader is checked against catalogs from the benchmarks' generator, built into the
# test itself so that it runs without FLIGHTDECK_BENCH.
target_sources(tst_fastyaml PRIVATE ${PROJECT_SOURCE_DIR}/bench/support/cataloggenerator.cpp)
target_include_directories(tst_fastyaml PRIVATE ${PROJECT_SOURCE_DIR}/bench/support)
