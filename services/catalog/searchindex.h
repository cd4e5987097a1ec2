// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "entity.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

namespace Flightdeck::Catalog {

// The dimensions a catalog search can be narrowed by, each with value counts.
enum class Facet : quint8
{
    Kind,
    Type,
    Lifecycle,
    Owner,
    System,
    Namespace,
    Tag
};
inline constexpr int NumFacets = 7;

inline size_t qHash(Facet f, size_t seed = 0) noexcept
{
    return ::qHash(int(f), seed);
}

// "kind", "type", "lifecycle", "owner", "system", "namespace", "tag": the qualifier names.
QString facetName(Facet f);
// Case-insensitive; also accepts "ns" and "tags".
std::optional<Facet> facetFromName(QStringView name);

// A search: free text (words and field qualifiers such as "kind:api owner:team-a"), facet
// selections (OR within a facet, AND across facets; qualifiers in the text add to them), and
// an optional cap on the number of entities returned.
struct SearchQuery
{
    QString text;
    QHash<Facet, QStringList> filters;
    int limit = -1; // -1: all matches
    bool typoTolerance = true; // words of 4+ characters may contain 1 typo, of 8+ characters 2
    bool withFacets = true; // compute facet counts
    int facetLimit = -1; // at most this many values per facet, the most frequent; -1: all
};

struct FacetCount
{
    QString value; // kind as authored ("Component"), owner and system as canonical keys
    int count = 0;
    bool selected = false;
    friend bool operator==(const FacetCount&, const FacetCount&) = default;
};

struct SearchResult
{
    QList<int> entities; // indices into the list the index was built from, best first
    QList<float> scores; // parallel to entities; 0 for filter-only queries
    int total = 0; // matches before the limit
    // Per facet: the values with a count over the matches of the text and of the selections of
    // all OTHER facets (disjunctive faceting), most frequent first, selected values always
    // included (beyond the facet limit too). Empty when the query asked for no facets.
    QHash<Facet, QList<FacetCount>> facets;
    QHash<Facet, int> facetValueCount; // values with a count or a selection, before the facet limit
};

// What the text of a query says, as the index reads it.
struct QueryText
{
    QStringList words; // lowercased, split on non-alphanumerics, unique
    QString phrase; // the non-qualifier text normalised: "payments api"
    QHash<Facet, QStringList> qualifiers; // "kind:api,system" -> Kind: ["api", "system"]
};
QueryText parseQueryText(QStringView text);

// An immutable full-text and facet index over one catalog snapshot. Built once (on a worker:
// build() takes about a second per 100,000 entities), then searched from any number of threads
// at once; copies are cheap and share the data.
//
// Indexed text: name (also as a whole, so the full name ranks first), title, tags, owner and
// system (name parts; the kind and namespace parts of their refs weakly), type, kind,
// lifecycle, namespace, description, annotation keys and values (except the location
// annotations the catalog reader adds). Every query word (the first 32) must match a word of
// the entity exactly, as a prefix, or within Fuzzy::allowedTypos() edits (not for words of
// digits only, nor for words that appear only in annotations). A text without letters or
// digits matches everything. Ranking: field weight, then exact > prefix > typo, a whole-name
// match first; ties by kind, then name. Qualifier values match facet values case-insensitively;
// owner and system also by name alone ("team-a") or with the field's default kind
// ("group:team-a").
class SearchIndex
{
public:
    SearchIndex();
    static SearchIndex build(const QList<Entity>& entities);

    int entityCount() const;
    int termCount() const;
    // Approximate heap bytes held by the index.
    qsizetype memoryUsage() const;

    SearchResult search(const SearchQuery& query) const;
    // Every value of a facet with its count over the whole catalog, most frequent first.
    QList<FacetCount> facetValues(Facet facet) const;

private:
    struct Data;
    std::shared_ptr<const Data> d;
};

} // namespace Flightdeck::Catalog
