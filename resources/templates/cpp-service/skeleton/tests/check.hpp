// A tiny assertion helper so the tests need nothing beyond the standard library.
#pragma once

#include <cstdio>
#include <cstdlib>

inline int g_failures = 0;

#define CHECK(condition)                                                                 \
    do {                                                                                 \
        if (!(condition)) {                                                              \
            std::fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #condition); \
            ++g_failures;                                                                \
        }                                                                                \
    } while (false)

inline int testResult(const char* suite)
{
    if (g_failures == 0)
        std::printf("%s: all checks passed\n", suite);
    else
        std::fprintf(stderr, "%s: %d check(s) failed\n", suite, g_failures);
    return g_failures == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
