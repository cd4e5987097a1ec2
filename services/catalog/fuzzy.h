// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QStringView>

#include <vector>

namespace Flightdeck::Catalog::Fuzzy {

// Optimal string alignment distance (Damerau-Levenshtein with adjacent transpositions, each
// substring edited once) over UTF-16 code units. Stops early: returns max + 1 as soon as the
// distance is known to exceed max, so it is cheap for the small bounds typo tolerance uses.
int boundedDistance(QStringView a, QStringView b, int max);

// The typos a word of this length may contain and still match: 0 below 4 characters, 1 from 4,
// 2 from 8.
int allowedTypos(qsizetype length);

// Hashes of every string obtained by deleting up to maxDeletions characters from word, the word
// itself included, sorted and without duplicates. Two words within optimal string alignment
// distance k share at least one such hash when both sides use k deletions (the SymSpell
// property), so an index of these hashes finds typo candidates without scanning a dictionary.
// Words longer than 64 code units yield only their own hash.
std::vector<quint64> deletionHashes(QStringView word, int maxDeletions);

// The hash deletionHashes uses, for a whole word.
quint64 wordHash(QStringView word);

} // namespace Flightdeck::Catalog::Fuzzy
