// SPDX-License-Identifier: Apache-2.0
#include "fuzzy.h"

#include <algorithm>
#include <array>

namespace Flightdeck::Catalog::Fuzzy {

namespace {

constexpr quint64 fnvOffset = 14695981039346656037ull;
constexpr quint64 fnvPrime = 1099511628211ull;
constexpr qsizetype maxDeletionWordLength = 64;

inline quint64 mix(quint64 h, char16_t c)
{
    h ^= quint64(c & 0xff);
    h *= fnvPrime;
    h ^= quint64(c >> 8);
    h *= fnvPrime;
    return h;
}

// The hash of word with the characters at skip1 and skip2 left out (-1: none).
quint64 hashWithout(QStringView word, qsizetype skip1, qsizetype skip2)
{
    quint64 h = fnvOffset;
    const char16_t* p = word.utf16();
    for (qsizetype i = 0; i < word.size(); ++i)
        if (i != skip1 && i != skip2)
            h = mix(h, p[i]);
    // The length takes part so that deletions of different counts never look alike by accident.
    return mix(h, char16_t(word.size() - (skip1 >= 0) - (skip2 >= 0)));
}

} // namespace

int allowedTypos(qsizetype length)
{
    if (length >= 8)
        return 2;
    if (length >= 4)
        return 1;
    return 0;
}

quint64 wordHash(QStringView word)
{
    return hashWithout(word, -1, -1);
}

std::vector<quint64> deletionHashes(QStringView word, int maxDeletions)
{
    std::vector<quint64> out;
    out.push_back(wordHash(word));
    if (word.size() > maxDeletionWordLength)
        return out;
    const qsizetype n = word.size();
    if (maxDeletions >= 1) {
        for (qsizetype i = 0; i < n; ++i)
            out.push_back(hashWithout(word, i, -1));
    }
    if (maxDeletions >= 2) {
        for (qsizetype i = 0; i < n; ++i)
            for (qsizetype j = i + 1; j < n; ++j)
                out.push_back(hashWithout(word, i, j));
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

int boundedDistance(QStringView a, QStringView b, int max)
{
    if (max < 0)
        return 0;
    const qsizetype n = a.size();
    const qsizetype m = b.size();
    if (std::abs(n - m) > max)
        return max + 1;
    if (n == 0 || m == 0)
        return int(std::max(n, m));
    // Three rolling rows of the OSA matrix; long inputs fall back to heap rows.
    std::vector<int> storage(size_t(3 * (m + 1)));
    int* prev2 = storage.data();
    int* prev = prev2 + (m + 1);
    int* cur = prev + (m + 1);
    for (qsizetype j = 0; j <= m; ++j)
        prev[j] = int(j);
    const char16_t* pa = a.utf16();
    const char16_t* pb = b.utf16();
    for (qsizetype i = 1; i <= n; ++i) {
        cur[0] = int(i);
        int rowMin = cur[0];
        for (qsizetype j = 1; j <= m; ++j) {
            const int cost = pa[i - 1] == pb[j - 1] ? 0 : 1;
            int v = std::min({ prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost });
            if (i > 1 && j > 1 && pa[i - 1] == pb[j - 2] && pa[i - 2] == pb[j - 1])
                v = std::min(v, prev2[j - 2] + 1);
            cur[j] = v;
            rowMin = std::min(rowMin, v);
        }
        if (rowMin > max)
            return max + 1;
        std::swap(prev2, prev);
        std::swap(prev, cur);
    }
    return std::min(prev[m], max + 1);
}

} // namespace Flightdeck::Catalog::Fuzzy
