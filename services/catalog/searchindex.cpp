// SPDX-License-Identifier: Apache-2.0
#include "searchindex.h"

#include "fuzzy.h"

#include <QChar>
#include <QSet>

#include <algorithm>
#include <array>
#include <bit>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace Flightdeck::Catalog {

namespace {

using U16View = std::u16string_view;

// Where a word was found. The order is the weight order: a posting keeps the best field only.
enum Field : quint8
{
    FieldName,
    FieldTitle,
    FieldTag,
    FieldOwner,
    FieldSystem,
    FieldType,
    FieldKind,
    FieldLifecycle,
    FieldNamespace,
    FieldDescription,
    FieldAnnotationKey,
    FieldAnnotationValue,
    FieldRefPart, // kind and namespace of the owner and system refs
    FieldTotal
};
constexpr std::array<float, FieldTotal> fieldWeight { 10.f, 8.f, 6.f, 4.f, 4.f, 3.f, 3.f, 2.f, 2.f, 1.5f, 1.f, 1.f,
    0.5f };
constexpr int fieldBits = 4;
static_assert(FieldTotal <= (1 << fieldBits));

// A word matching a term exactly scores the field weight; as a prefix between prefixBase and
// prefixBase + prefixCoverage (more for longer prefixes); with typos typoFactor[edits]. The
// ranges do not overlap, so within one field exact > prefix > typo.
constexpr float prefixBase = 0.5f;
constexpr float prefixCoverage = 0.3f;
constexpr std::array<float, 3> typoFactor { 1.f, 0.4f, 0.25f };
// The whole query equal to an entity's whole name outranks any sum of word scores (at most
// maxQueryWords * 10); a query the name starts with gets a smaller push, so "pay" lists
// payments-api before legacy-payments.
constexpr float wholeNameBonus = 1000.f;
constexpr float namePrefixBase = 2.f;
constexpr float namePrefixCoverage = 3.f;

// Longer queries are cut: the words beyond these add no precision and only cost time.
constexpr int maxQueryWords = 32;
constexpr qsizetype maxTypoWordLength = 32;

constexpr int singleFacetCount = NumFacets - 1; // all but Tag have at most one value per entity
constexpr int tagFacet = int(Facet::Tag);

inline U16View u16(QStringView s)
{
    return U16View(s.utf16(), size_t(s.size()));
}

inline QStringView qview(U16View s)
{
    return QStringView(s.data(), qsizetype(s.size()));
}

// Calls f for each maximal run of letters and digits of s (code points, so letters outside the
// Basic Multilingual Plane stay whole).
template <typename F> void forEachWord(QStringView s, F&& f)
{
    const qsizetype n = s.size();
    qsizetype start = -1;
    qsizetype i = 0;
    while (i < n) {
        char32_t c = s[i].unicode();
        qsizetype width = 1;
        if (QChar::isHighSurrogate(c) && i + 1 < n && s[i + 1].isLowSurrogate()) {
            c = QChar::surrogateToUcs4(s[i], s[i + 1]);
            width = 2;
        }
        if (QChar::isLetterOrNumber(c)) {
            if (start < 0)
                start = i;
        } else if (start >= 0) {
            f(s.mid(start, i - start));
            start = -1;
        }
        i += width;
    }
    if (start >= 0)
        f(s.mid(start));
}

// Lowercased words joined by single spaces: "Payments_API" and "payments api" read alike.
QString normalizedPhrase(QStringView text)
{
    const QString lower = text.toString().toLower();
    QString out;
    out.reserve(lower.size());
    forEachWord(lower, [&](QStringView w) {
        if (!out.isEmpty())
            out += QLatin1Char(' ');
        out += w;
    });
    return out;
}

bool allDigits(U16View w)
{
    return std::all_of(w.begin(), w.end(), [](char16_t c) { return c >= u'0' && c <= u'9'; });
}

// Annotations the catalog reader adds to every entity: indexing their paths and URLs would make
// words like "catalog" or "yaml" match everything.
bool isLocationAnnotation(const QString& key)
{
    static const QSet<QString> keys {
        QStringLiteral("backstage.io/managed-by-location"),
        QStringLiteral("backstage.io/managed-by-origin-location"),
        QStringLiteral("backstage.io/view-url"),
        QStringLiteral("backstage.io/edit-url"),
        QStringLiteral("backstage.io/source-location"),
    };
    return keys.contains(key);
}

// Interns terms into one character buffer; ids are dense in order of first appearance.
class TermInterner
{
public:
    TermInterner() { m_table.assign(1 << 12, 0); }

    quint32 intern(U16View w)
    {
        if ((size_t(m_count) + 1) * 2 > m_table.size())
            grow();
        const size_t mask = m_table.size() - 1;
        size_t slot = std::hash<U16View> {}(w)&mask;
        for (;;) {
            const quint32 entry = m_table[slot];
            if (entry == 0) {
                const quint32 id = m_count++;
                m_chars.append(w);
                m_start.push_back(quint32(m_chars.size()));
                m_table[slot] = id + 1;
                return id;
            }
            if (term(entry - 1) == w)
                return entry - 1;
            slot = (slot + 1) & mask;
        }
    }
    U16View term(quint32 id) const { return U16View(m_chars).substr(m_start[id], m_start[id + 1] - m_start[id]); }
    quint32 count() const { return m_count; }
    std::u16string takeChars() { return std::move(m_chars); }
    std::vector<quint32> takeStarts() { return std::move(m_start); }

private:
    void grow()
    {
        std::vector<quint32> table(m_table.size() * 2, 0);
        const size_t mask = table.size() - 1;
        for (quint32 id = 0; id < m_count; ++id) {
            size_t slot = std::hash<U16View> {}(term(id)) & mask;
            while (table[slot] != 0)
                slot = (slot + 1) & mask;
            table[slot] = id + 1;
        }
        m_table = std::move(table);
    }

    std::u16string m_chars;
    std::vector<quint32> m_start { 0 };
    std::vector<quint32> m_table;
    quint32 m_count = 0;
};

template <typename T> qsizetype vectorBytes(const std::vector<T>& v)
{
    return qsizetype(v.capacity() * sizeof(T));
}

qsizetype stringBytes(const QString& s)
{
    return qsizetype(s.capacity() * 2 + 32);
}

} // namespace

// Inside the index an entity is known by its document id: its position in kind, name order.
// Postings, facet rows and whole names are stored by document id, so filter-only results come
// out in order by scanning, and ties in score break by comparing ids.
struct SearchIndex::Data
{
    struct FacetValues
    {
        QStringList values; // display form, by value id
        QHash<QString, int> byKey; // lowercased value -> id
        QHash<QString, QList<int>> byName; // owner and system: lowercased name part -> ids
        std::vector<quint32> order; // value id -> alphabetical position
        std::vector<quint32> byOrder; // alphabetical position -> value id
        std::vector<int> totals; // slot (value id + 1) -> entities in the whole catalog
    };

    // Each document's facet values as slots: value id + 1, 0 for none. Two documents to a cache
    // line keep counting and filtering cheap.
    struct FacetRow
    {
        std::array<quint32, singleFacetCount> slot {};
        quint32 tagBegin = 0; // into tagSlots
        quint32 tagCount = 0;
    };

    int entityCount = 0;

    // Term dictionary: term ids in order of first appearance, sortedTerms in code unit order so
    // that the terms with a given prefix are one range.
    std::u16string termChars;
    std::vector<quint32> termStart; // term id -> offset into termChars; one extra at the end
    std::vector<quint32> sortedTerms;
    // Term id -> 1 when it occurs outside annotations; only those may match with typos.
    std::vector<char> typoEligible;
    std::vector<quint32> postingStart; // term id -> offset into postings; one extra at the end
    std::vector<quint32> postings; // doc << fieldBits | best field, ascending by doc (2^28 docs at most)

    // Typo candidates: hashes of the deletion neighbourhood of every term people type
    // (Fuzzy::deletionHashes), sorted, with the term each came from.
    std::vector<quint64> deletionHash;
    std::vector<quint32> deletionTerm;

    // Whole names, normalised (normalizedPhrase), for the whole-name ranking.
    std::u16string nameChars;
    std::vector<quint32> nameStart; // doc -> offset into nameChars; one extra at the end
    std::vector<quint32> namesSorted; // docs by normalised name

    std::vector<quint32> entityOf; // doc -> index in the entity list

    std::array<FacetValues, NumFacets> facets;
    std::vector<FacetRow> rows; // by doc
    std::vector<quint32> tagSlots;

    U16View term(quint32 id) const
    {
        return U16View(termChars).substr(termStart[id], termStart[id + 1] - termStart[id]);
    }
    U16View name(quint32 doc) const
    {
        return U16View(nameChars).substr(nameStart[doc], nameStart[doc + 1] - nameStart[doc]);
    }

    struct TermMatch
    {
        quint32 term;
        float factor;
    };
    struct WordMatch
    {
        std::vector<TermMatch> terms;
        quint64 cost = 0; // postings to visit
    };

    WordMatch matchWord(U16View word, bool typos) const;
    void matchText(
        const QueryText& query, bool typos, std::vector<quint32>& candidates, std::vector<float>& score) const;
    QList<int> resolve(Facet facet, const QString& value) const;
    bool passes(int facet, const FacetRow& row, const std::vector<char>& selected) const
    {
        if (facet != tagFacet)
            return selected[row.slot[size_t(facet)]];
        for (quint32 i = row.tagBegin; i < row.tagBegin + row.tagCount; ++i)
            if (selected[tagSlots[i]])
                return true;
        return false;
    }
    void count(int facet, const FacetRow& row, std::vector<int>& counts) const
    {
        if (facet != tagFacet) {
            ++counts[row.slot[size_t(facet)]];
            return;
        }
        for (quint32 i = row.tagBegin; i < row.tagBegin + row.tagCount; ++i)
            ++counts[tagSlots[i]];
    }
    void countAll(const FacetRow& row, std::array<std::vector<int>, NumFacets>& counts) const
    {
        for (size_t f = 0; f < singleFacetCount; ++f)
            ++counts[f][row.slot[f]];
        for (quint32 i = row.tagBegin; i < row.tagBegin + row.tagCount; ++i)
            ++counts[tagFacet][tagSlots[i]];
    }
    QList<FacetCount> facetList(int facet, const std::vector<int>& counts, const std::vector<char>& selected,
        bool active, int limit = -1, int* valueCount = nullptr) const;
};

// ---------------------------------------------------------------------------------------------
// Facet names and query text

QString facetName(Facet f)
{
    switch (f) {
    case Facet::Kind:
        return QStringLiteral("kind");
    case Facet::Type:
        return QStringLiteral("type");
    case Facet::Lifecycle:
        return QStringLiteral("lifecycle");
    case Facet::Owner:
        return QStringLiteral("owner");
    case Facet::System:
        return QStringLiteral("system");
    case Facet::Namespace:
        return QStringLiteral("namespace");
    case Facet::Tag:
        return QStringLiteral("tag");
    }
    return {};
}

std::optional<Facet> facetFromName(QStringView name)
{
    for (int i = 0; i < NumFacets; ++i)
        if (name.compare(facetName(Facet(i)), Qt::CaseInsensitive) == 0)
            return Facet(i);
    if (name.compare(QLatin1String("ns"), Qt::CaseInsensitive) == 0)
        return Facet::Namespace;
    if (name.compare(QLatin1String("tags"), Qt::CaseInsensitive) == 0)
        return Facet::Tag;
    return std::nullopt;
}

QueryText parseQueryText(QStringView text)
{
    QueryText q;
    QSet<QString> seen;
    QString phrase;
    const qsizetype n = text.size();
    qsizetype i = 0;
    while (i < n) {
        while (i < n && text[i].isSpace())
            ++i;
        const qsizetype start = i;
        while (i < n && !text[i].isSpace())
            ++i;
        if (i == start)
            break;
        const QStringView token = text.mid(start, i - start);
        const qsizetype colon = token.indexOf(QLatin1Char(':'));
        if (colon > 0) {
            if (const auto facet = facetFromName(token.left(colon))) {
                // "kind:" while typing selects nothing yet.
                const auto values = token.mid(colon + 1).split(QLatin1Char(','), Qt::SkipEmptyParts);
                for (const QStringView v : values)
                    q.qualifiers[*facet].append(v.toString());
                continue;
            }
        }
        const QString lower = token.toString().toLower();
        forEachWord(lower, [&](QStringView w) {
            if (!phrase.isEmpty())
                phrase += QLatin1Char(' ');
            phrase += w;
            QString word = w.toString();
            if (!seen.contains(word)) {
                seen.insert(word);
                q.words.append(std::move(word));
            }
        });
    }
    q.phrase = phrase;
    return q;
}

// ---------------------------------------------------------------------------------------------
// Building

SearchIndex::SearchIndex()
    : d(std::make_shared<Data>())
{ }

SearchIndex SearchIndex::build(const QList<Entity>& entities)
{
    auto data = std::make_shared<Data>();
    Data& x = *data;
    const auto n = quint32(entities.size());
    x.entityCount = int(n);

    // 1. Document ids: kind, then name, case-insensitively.
    {
        std::vector<QString> kindKey(n), nameKey(n);
        for (quint32 e = 0; e < n; ++e) {
            kindKey[e] = entities.at(e).ref.kind.toLower();
            nameKey[e] = entities.at(e).ref.name.toLower();
        }
        x.entityOf.resize(n);
        for (quint32 e = 0; e < n; ++e)
            x.entityOf[e] = e;
        std::sort(x.entityOf.begin(), x.entityOf.end(), [&](quint32 a, quint32 b) {
            if (int c = kindKey[a].compare(kindKey[b]); c != 0)
                return c < 0;
            if (int c = nameKey[a].compare(nameKey[b]); c != 0)
                return c < 0;
            const Entity& ea = entities.at(a);
            const Entity& eb = entities.at(b);
            if (int c = ea.ref.ns.compare(eb.ref.ns, Qt::CaseInsensitive); c != 0)
                return c < 0;
            if (int c = ea.ref.name.compare(eb.ref.name); c != 0)
                return c < 0;
            return a < b;
        });
    }

    // 2. Words of every document, each with the best field it occurs in.
    TermInterner interner;
    std::vector<quint32> docStart;
    docStart.reserve(n + 1);
    docStart.push_back(0);
    std::vector<quint32> docTerms; // term << fieldBits | field
    docTerms.reserve(size_t(n) * 40);
    std::vector<char> typoTerm; // term id -> occurs outside annotations
    std::vector<quint32> tokens;

    const auto addWords = [&](const QString& text, Field field) {
        if (text.isEmpty())
            return;
        const QString lower = text.toLower();
        forEachWord(lower, [&](QStringView w) { tokens.push_back(interner.intern(u16(w)) << fieldBits | field); });
    };
    const auto addRef = [&](const QString& key, Field field) {
        if (key.isEmpty())
            return;
        const EntityRef ref = EntityRef::fromString(key);
        if (!ref.isValid()) {
            addWords(key, field);
            return;
        }
        addWords(ref.name, field);
        addWords(ref.kind, FieldRefPart);
        addWords(ref.ns, FieldRefPart);
    };

    for (quint32 doc = 0; doc < n; ++doc) {
        const Entity& entity = entities.at(x.entityOf[doc]);
        tokens.clear();
        addWords(entity.ref.name, FieldName);
        addWords(entity.title, FieldTitle);
        for (const QString& tag : entity.tags)
            addWords(tag, FieldTag);
        addRef(entity.owner, FieldOwner);
        addRef(entity.system, FieldSystem);
        addWords(entity.type, FieldType);
        addWords(entity.ref.kind, FieldKind);
        addWords(entity.lifecycle, FieldLifecycle);
        addWords(entity.ref.ns, FieldNamespace);
        addWords(entity.description, FieldDescription);
        for (const auto& [key, value] : entity.annotations) {
            if (isLocationAnnotation(key))
                continue;
            addWords(key, FieldAnnotationKey);
            addWords(value, FieldAnnotationValue);
        }
        for (const quint32 t : tokens) {
            const quint32 field = t & ((1u << fieldBits) - 1);
            if (field != FieldAnnotationKey && field != FieldAnnotationValue) {
                if (typoTerm.size() <= t >> fieldBits)
                    typoTerm.resize(size_t(interner.count()), 0);
                typoTerm[t >> fieldBits] = 1;
            }
        }
        // Sorting by (term, field) leaves each term's best field first.
        std::sort(tokens.begin(), tokens.end());
        quint32 last = ~0u;
        for (const quint32 t : tokens) {
            const quint32 term = t >> fieldBits;
            if (term == last)
                continue;
            last = term;
            docTerms.push_back(t);
        }
        docStart.push_back(quint32(docTerms.size()));
    }

    const quint32 termCount = interner.count();
    typoTerm.resize(termCount, 0);
    x.typoEligible = typoTerm;

    // 3. Postings per term, in document order.
    x.postingStart.assign(termCount + 1, 0);
    for (const quint32 t : docTerms)
        ++x.postingStart[(t >> fieldBits) + 1];
    for (quint32 t = 0; t < termCount; ++t)
        x.postingStart[t + 1] += x.postingStart[t];
    x.postings.resize(docTerms.size());
    {
        std::vector<quint32> cursor(x.postingStart.begin(), x.postingStart.end() - 1);
        for (quint32 doc = 0; doc < n; ++doc)
            for (quint32 i = docStart[doc]; i < docStart[doc + 1]; ++i) {
                const quint32 t = docTerms[i];
                x.postings[cursor[t >> fieldBits]++] = doc << fieldBits | (t & ((1u << fieldBits) - 1));
            }
    }
    std::vector<quint32>().swap(docTerms);

    // 4. The dictionary in code unit order, for prefix ranges.
    x.sortedTerms.resize(termCount);
    for (quint32 t = 0; t < termCount; ++t)
        x.sortedTerms[t] = t;
    std::sort(x.sortedTerms.begin(), x.sortedTerms.end(),
        [&](quint32 a, quint32 b) { return interner.term(a) < interner.term(b); });

    // 5. Deletion neighbourhoods for typo tolerance. A term can be within k edits of a query word
    // only if its length is at least the shortest such word minus k: 4 - 1 and 8 - 2.
    {
        std::vector<std::pair<quint64, quint32>> pairs;
        for (quint32 t = 0; t < termCount; ++t) {
            const U16View w = interner.term(t);
            if (!typoTerm[t] || w.size() < 3 || w.size() > size_t(maxTypoWordLength + 2) || allDigits(w))
                continue;
            for (const quint64 h : Fuzzy::deletionHashes(qview(w), w.size() >= 6 ? 2 : 1))
                pairs.emplace_back(h, t);
        }
        std::sort(pairs.begin(), pairs.end());
        x.deletionHash.reserve(pairs.size());
        x.deletionTerm.reserve(pairs.size());
        for (const auto& [h, t] : pairs) {
            x.deletionHash.push_back(h);
            x.deletionTerm.push_back(t);
        }
    }
    x.termChars = interner.takeChars();
    x.termStart = interner.takeStarts();

    // 6. Whole names.
    x.nameStart.reserve(n + 1);
    x.nameStart.push_back(0);
    for (quint32 doc = 0; doc < n; ++doc) {
        x.nameChars.append(u16(normalizedPhrase(entities.at(x.entityOf[doc]).ref.name)));
        x.nameStart.push_back(quint32(x.nameChars.size()));
    }
    x.namesSorted.resize(n);
    for (quint32 doc = 0; doc < n; ++doc)
        x.namesSorted[doc] = doc;
    std::stable_sort(
        x.namesSorted.begin(), x.namesSorted.end(), [&](quint32 a, quint32 b) { return x.name(a) < x.name(b); });

    // 7. Facet values and rows.
    const auto intern = [&](int facet, const QString& display, const QString& key) -> quint32 {
        if (key.isEmpty())
            return 0;
        Data::FacetValues& fv = x.facets[facet];
        const auto it = fv.byKey.constFind(key);
        if (it != fv.byKey.cend())
            return quint32(*it) + 1;
        const int id = int(fv.values.size());
        fv.values.append(display);
        fv.byKey.insert(key, id);
        if (facet == int(Facet::Owner) || facet == int(Facet::System)) {
            const EntityRef ref = EntityRef::fromString(key);
            fv.byName[ref.isValid() ? ref.name.toLower() : key].append(id);
        }
        return quint32(id) + 1;
    };
    x.rows.resize(n);
    for (quint32 doc = 0; doc < n; ++doc) {
        const Entity& entity = entities.at(x.entityOf[doc]);
        Data::FacetRow& row = x.rows[doc];
        row.slot[size_t(Facet::Kind)] = intern(int(Facet::Kind), entity.ref.kind, entity.ref.kind.toLower());
        row.slot[size_t(Facet::Type)] = intern(int(Facet::Type), entity.type, entity.type.toLower());
        row.slot[size_t(Facet::Lifecycle)]
            = intern(int(Facet::Lifecycle), entity.lifecycle, entity.lifecycle.toLower());
        const QString owner = entity.owner.toLower();
        row.slot[size_t(Facet::Owner)] = intern(int(Facet::Owner), owner, owner);
        const QString system = entity.system.toLower();
        row.slot[size_t(Facet::System)] = intern(int(Facet::System), system, system);
        const QString ns = entity.ref.ns.toLower();
        row.slot[size_t(Facet::Namespace)] = intern(int(Facet::Namespace), ns, ns);
        row.tagBegin = quint32(x.tagSlots.size());
        for (const QString& tag : entity.tags) {
            const QString t = tag.toLower();
            const quint32 slot = intern(tagFacet, t, t);
            const auto begin = x.tagSlots.begin() + qsizetype(row.tagBegin);
            if (slot != 0 && std::find(begin, x.tagSlots.end(), slot) == x.tagSlots.end())
                x.tagSlots.push_back(slot);
        }
        row.tagCount = quint32(x.tagSlots.size()) - row.tagBegin;
    }
    for (int f = 0; f < NumFacets; ++f) {
        Data::FacetValues& fv = x.facets[f];
        const auto count = quint32(fv.values.size());
        fv.byOrder.resize(count);
        for (quint32 v = 0; v < count; ++v)
            fv.byOrder[v] = v;
        std::sort(fv.byOrder.begin(), fv.byOrder.end(), [&](quint32 a, quint32 b) {
            const int c = fv.values.at(a).compare(fv.values.at(b), Qt::CaseInsensitive);
            return c != 0 ? c < 0 : fv.values.at(a) < fv.values.at(b);
        });
        fv.order.resize(count);
        for (quint32 i = 0; i < count; ++i)
            fv.order[fv.byOrder[i]] = i;
        fv.totals.assign(count + 1, 0);
        for (const Data::FacetRow& row : x.rows)
            x.count(f, row, fv.totals);
        // Fresh copies, allocated one after the other, for facetList().
        for (QString& v : fv.values)
            v = QString(v.constData(), v.size());
    }

    SearchIndex index;
    index.d = std::move(data);
    return index;
}

int SearchIndex::entityCount() const
{
    return d->entityCount;
}

int SearchIndex::termCount() const
{
    return int(d->sortedTerms.size());
}

qsizetype SearchIndex::memoryUsage() const
{
    const Data& x = *d;
    qsizetype bytes = sizeof(Data);
    bytes += qsizetype(x.termChars.capacity() * 2) + vectorBytes(x.termStart) + vectorBytes(x.sortedTerms);
    bytes += vectorBytes(x.postingStart) + vectorBytes(x.postings);
    bytes += vectorBytes(x.deletionHash) + vectorBytes(x.deletionTerm);
    bytes += qsizetype(x.nameChars.capacity() * 2) + vectorBytes(x.nameStart) + vectorBytes(x.namesSorted);
    bytes += vectorBytes(x.entityOf) + vectorBytes(x.rows) + vectorBytes(x.tagSlots);
    for (const auto& fv : x.facets) {
        for (const QString& s : fv.values)
            bytes += stringBytes(s) * 2 + 16; // display and key, plus the hash node
        bytes += vectorBytes(fv.order) + vectorBytes(fv.byOrder) + vectorBytes(fv.totals);
        bytes += fv.byName.size() * 64;
    }
    return bytes;
}

// ---------------------------------------------------------------------------------------------
// Searching

SearchIndex::Data::WordMatch SearchIndex::Data::matchWord(U16View word, bool typos) const
{
    WordMatch m;
    const auto lo = std::lower_bound(
        sortedTerms.begin(), sortedTerms.end(), word, [&](quint32 t, U16View w) { return term(t) < w; });
    for (auto it = lo; it != sortedTerms.end(); ++it) {
        const U16View t = term(*it);
        if (!t.starts_with(word))
            break;
        const float factor
            = t.size() == word.size() ? 1.f : prefixBase + prefixCoverage * float(word.size()) / float(t.size());
        m.terms.push_back({ *it, factor });
        m.cost += postingStart[*it + 1] - postingStart[*it];
    }
    const int k = Fuzzy::allowedTypos(qsizetype(word.size()));
    if (!typos || k == 0 || word.size() > size_t(maxTypoWordLength) || allDigits(word))
        return m;
    std::vector<quint32> candidates;
    for (const quint64 h : Fuzzy::deletionHashes(qview(word), k)) {
        const auto range = std::equal_range(deletionHash.begin(), deletionHash.end(), h);
        for (auto it = range.first; it != range.second; ++it)
            candidates.push_back(deletionTerm[size_t(it - deletionHash.begin())]);
    }
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    for (const quint32 c : candidates) {
        const U16View t = term(c);
        if (t.starts_with(word))
            continue; // already matched as a prefix, which ranks higher
        const int distance = Fuzzy::boundedDistance(qview(word), qview(t), k);
        if (distance > k || distance == 0)
            continue;
        m.terms.push_back({ c, typoFactor[size_t(distance)] });
        m.cost += postingStart[c + 1] - postingStart[c];
    }
    // A word still being typed may hold a typo too: "chekou" should find "checkout". Terms that
    // begin like the word (same first two characters, so the scan stays short) match when their
    // prefix of the word's length, or one longer, is one edit from the word.
    if (word.size() >= 4) {
        std::sort(candidates.begin(), candidates.end());
        const U16View head = word.substr(0, 2);
        const auto first = std::lower_bound(
            sortedTerms.begin(), sortedTerms.end(), head, [&](quint32 t, U16View w) { return term(t) < w; });
        std::vector<quint32> matched;
        for (const auto& tm : m.terms)
            matched.push_back(tm.term);
        std::sort(matched.begin(), matched.end());
        int scanned = 0;
        for (auto it = first; it != sortedTerms.end() && scanned < 20000; ++it, ++scanned) {
            const U16View t = term(*it);
            if (!t.starts_with(head))
                break;
            if (t.size() <= word.size() || !typoEligible[*it] || allDigits(t)
                || std::binary_search(matched.begin(), matched.end(), *it))
                continue;
            bool near = false;
            for (size_t len = word.size(); len <= word.size() + 1 && len <= t.size() && !near; ++len)
                near = Fuzzy::boundedDistance(qview(word), qview(t.substr(0, len)), 1) <= 1;
            if (!near)
                continue;
            const float prefix = prefixBase + prefixCoverage * float(word.size()) / float(t.size());
            m.terms.push_back({ *it, typoFactor[1] * prefix });
            m.cost += postingStart[*it + 1] - postingStart[*it];
        }
    }
    return m;
}

void SearchIndex::Data::matchText(
    const QueryText& query, bool typos, std::vector<quint32>& candidates, std::vector<float>& score) const
{
    std::vector<WordMatch> words;
    const qsizetype wordCount = std::min<qsizetype>(query.words.size(), maxQueryWords);
    for (qsizetype i = 0; i < wordCount; ++i) {
        WordMatch m = matchWord(u16(query.words.at(i)), typos);
        if (m.terms.empty())
            return; // a word nothing matches: no results
        words.push_back(std::move(m));
    }
    // The most selective word first: later words then only visit entities still in the running.
    std::stable_sort(
        words.begin(), words.end(), [](const WordMatch& a, const WordMatch& b) { return a.cost < b.cost; });

    score.assign(size_t(entityCount), 0.f);
    for (const TermMatch& tm : words.front().terms) {
        std::array<float, 1 << fieldBits> weight {};
        for (size_t f = 0; f < FieldTotal; ++f)
            weight[f] = fieldWeight[f] * tm.factor;
        for (quint32 i = postingStart[tm.term]; i < postingStart[tm.term + 1]; ++i) {
            float& s = score[postings[i] >> fieldBits];
            s = std::max(s, weight[postings[i] & ((1u << fieldBits) - 1)]);
        }
    }
    // Collected by a scan rather than in the loop above: branch-free there, and in document order.
    for (quint32 doc = 0; doc < quint32(entityCount); ++doc)
        if (score[doc] > 0.f)
            candidates.push_back(doc);

    std::vector<float> best;
    for (size_t w = 1; w < words.size() && !candidates.empty(); ++w) {
        best.assign(size_t(entityCount), 0.f);
        for (const TermMatch& tm : words[w].terms) {
            std::array<float, 1 << fieldBits> weight {};
            for (size_t f = 0; f < FieldTotal; ++f)
                weight[f] = fieldWeight[f] * tm.factor;
            for (quint32 i = postingStart[tm.term]; i < postingStart[tm.term + 1]; ++i) {
                float& s = best[postings[i] >> fieldBits];
                s = std::max(s, weight[postings[i] & ((1u << fieldBits) - 1)]);
            }
        }
        size_t kept = 0;
        for (const quint32 e : candidates) {
            if (best[e] > 0.f) {
                score[e] += best[e];
                candidates[kept++] = e;
            } else {
                score[e] = 0.f;
            }
        }
        candidates.resize(kept);
    }
    if (candidates.empty() || query.phrase.isEmpty())
        return;

    const U16View phrase = u16(query.phrase);
    auto it = std::lower_bound(
        namesSorted.begin(), namesSorted.end(), phrase, [&](quint32 e, U16View p) { return name(e) < p; });
    for (; it != namesSorted.end(); ++it) {
        const U16View nm = name(*it);
        if (!nm.starts_with(phrase))
            break;
        if (score[*it] == 0.f)
            continue;
        score[*it] += nm.size() == phrase.size()
            ? wholeNameBonus
            : namePrefixBase + namePrefixCoverage * float(phrase.size()) / float(nm.size());
    }
}

QList<int> SearchIndex::Data::resolve(Facet facet, const QString& value) const
{
    const FacetValues& fv = facets[int(facet)];
    const QString key = value.trimmed().toLower();
    if (key.isEmpty())
        return {};
    if (const auto it = fv.byKey.constFind(key); it != fv.byKey.cend())
        return { *it };
    if (facet != Facet::Owner && facet != Facet::System)
        return {};
    // "group:team-a" or "default/team-a": a ref with the field's default kind.
    if (key.contains(QLatin1Char(':')) || key.contains(QLatin1Char('/'))) {
        EntityRef::Defaults defaults;
        defaults.kind = facet == Facet::Owner ? QStringLiteral("group") : QStringLiteral("system");
        const EntityRef ref = EntityRef::fromString(key, defaults);
        if (ref.isValid()) {
            if (const auto it = fv.byKey.constFind(ref.key()); it != fv.byKey.cend())
                return { *it };
        }
        return {};
    }
    // "team-a": every owner of that name, whatever its kind or namespace.
    return fv.byName.value(key);
}

namespace {

// Sorts ascending: a least-significant-digit radix sort over bytes, skipping the bytes all keys
// share. Keys already in order of their low `sortedBytes` bytes are only sorted by the rest.
// Sorting every match of a one-letter query this way costs a fraction of std::sort.
void sortKeys(std::vector<quint64>& keys, int sortedBytes)
{
    if (keys.size() < 2048) {
        std::sort(keys.begin(), keys.end());
        return;
    }
    std::array<std::array<quint32, 256>, 8> histogram {};
    for (const quint64 k : keys)
        for (int b = sortedBytes; b < 8; ++b)
            ++histogram[size_t(b)][(k >> (8 * b)) & 0xff];
    std::vector<quint64> buffer(keys.size());
    quint64* from = keys.data();
    quint64* to = buffer.data();
    for (int b = sortedBytes; b < 8; ++b) {
        auto& h = histogram[size_t(b)];
        if (std::find(h.begin(), h.end(), quint32(keys.size())) != h.end())
            continue;
        quint32 offset = 0;
        for (quint32& c : h) {
            const quint32 count = c;
            c = offset;
            offset += count;
        }
        for (size_t i = 0; i < keys.size(); ++i)
            to[h[(from[i] >> (8 * b)) & 0xff]++] = from[i];
        std::swap(from, to);
    }
    if (from != keys.data())
        std::copy(from, from + keys.size(), keys.data());
}

} // namespace

QList<FacetCount> SearchIndex::Data::facetList(int facet, const std::vector<int>& counts,
    const std::vector<char>& selected, bool active, int limit, int* valueCount) const
{
    const FacetValues& fv = facets[facet];
    // Most frequent first, then alphabetical: one integer key per value.
    std::vector<quint64> keys;
    const auto values = quint32(fv.values.size());
    for (quint32 id = 0; id < values; ++id) {
        const int c = counts[id + 1];
        if (c > 0 || (active && selected[id + 1]))
            keys.push_back(quint64(0xffffffffu - quint32(c)) << 32 | fv.order[id]);
    }
    if (valueCount)
        *valueCount = int(keys.size());
    size_t take = keys.size();
    if (limit >= 0 && size_t(limit) < keys.size()) {
        take = size_t(limit);
        std::partial_sort(keys.begin(), keys.begin() + qsizetype(take), keys.end());
        // Selected values beyond the limit stay, so that they can be seen and cleared.
        if (active) {
            const auto kept = std::stable_partition(keys.begin() + qsizetype(take), keys.end(),
                [&](quint64 k) { return selected[fv.byOrder[k & 0xffffffffu] + 1] != 0; });
            std::sort(keys.begin() + qsizetype(take), kept);
            take = size_t(kept - keys.begin());
        }
    } else {
        sortKeys(keys, 0);
    }
    // Filled in value id order: the value strings were allocated in that order (see build()), so
    // copying them walks memory forwards instead of missing the cache once per value.
    std::vector<qint32> position(values, -1);
    for (size_t i = 0; i < take; ++i)
        position[fv.byOrder[keys[i] & 0xffffffffu]] = qint32(i);
    QList<FacetCount> out(static_cast<qsizetype>(take));
    FacetCount* slots = out.data();
    for (quint32 id = 0; id < values; ++id) {
        const qint32 i = position[id];
        if (i < 0)
            continue;
        slots[i].value = fv.values.at(id);
        slots[i].count = counts[id + 1];
        slots[i].selected = active && selected[id + 1] != 0;
    }
    return out;
}

SearchResult SearchIndex::search(const SearchQuery& query) const
{
    const Data& x = *d;
    SearchResult result;
    const QueryText text = parseQueryText(query.text);

    // Selections by slot (value id + 1; slot 0, no value, is never selected).
    std::array<std::vector<char>, NumFacets> selected;
    std::array<bool, NumFacets> active {};
    for (int f = 0; f < NumFacets; ++f)
        selected[f].assign(size_t(x.facets[f].values.size()) + 1, 0);
    const auto select = [&](const QHash<Facet, QStringList>& selections) {
        for (auto it = selections.cbegin(); it != selections.cend(); ++it) {
            if (it.value().isEmpty())
                continue;
            const int f = int(it.key());
            active[f] = true;
            for (const QString& v : it.value())
                for (const int id : x.resolve(it.key(), v))
                    selected[f][size_t(id) + 1] = 1;
        }
    };
    select(query.filters);
    select(text.qualifiers);
    std::vector<int> activeFacets;
    for (int f = 0; f < NumFacets; ++f)
        if (active[f])
            activeFacets.push_back(f);

    const bool ranked = !text.words.isEmpty();
    const int n = x.entityCount;
    if (!ranked && activeFacets.empty()) {
        // Everything, in kind, name order; the counts are the catalog's.
        result.total = n;
        const int take = query.limit < 0 ? n : std::min(query.limit, n);
        result.entities.reserve(take);
        for (int doc = 0; doc < take; ++doc)
            result.entities.append(int(x.entityOf[size_t(doc)]));
        result.scores.fill(0.f, take);
        if (query.withFacets)
            for (int f = 0; f < NumFacets; ++f)
                result.facets.insert(Facet(f),
                    x.facetList(f, x.facets[f].totals, selected[f], false, query.facetLimit,
                        &result.facetValueCount[Facet(f)]));
        return result;
    }

    std::vector<quint32> candidates;
    std::vector<float> score;
    if (ranked)
        x.matchText(text, query.typoTolerance, candidates, score);

    std::array<std::vector<int>, NumFacets> counts;
    if (query.withFacets)
        for (int f = 0; f < NumFacets; ++f)
            counts[f].assign(size_t(x.facets[f].values.size()) + 1, 0);
    std::vector<quint32> matches;
    const auto consider = [&](quint32 doc) {
        const Data::FacetRow& row = x.rows[doc];
        int fails = 0;
        int failed = -1;
        for (const int f : activeFacets) {
            if (!x.passes(f, row, selected[f])) {
                failed = f;
                if (++fails > 1)
                    return;
            }
        }
        if (fails == 0) {
            matches.push_back(doc);
            if (query.withFacets)
                x.countAll(row, counts);
        } else if (query.withFacets) {
            // Excluded by exactly one facet: it still counts for that facet's other values.
            x.count(failed, row, counts[failed]);
        }
    };
    if (ranked && activeFacets.empty() && candidates.size() * 2 > size_t(n)) {
        // Text alone matching most of the catalog (one or two letters typed): the counts are the
        // catalog's minus those of the fewer documents that do not match.
        matches.reserve(candidates.size());
        if (query.withFacets) {
            for (int f = 0; f < NumFacets; ++f)
                counts[f] = x.facets[f].totals;
        }
        for (quint32 doc = 0; doc < quint32(n); ++doc) {
            if (score[doc] > 0.f) {
                matches.push_back(doc);
            } else if (query.withFacets) {
                const Data::FacetRow& row = x.rows[doc];
                for (size_t f = 0; f < singleFacetCount; ++f)
                    --counts[f][row.slot[f]];
                for (quint32 i = row.tagBegin; i < row.tagBegin + row.tagCount; ++i)
                    --counts[tagFacet][x.tagSlots[i]];
            }
        }
    } else if (ranked) {
        // Candidates come in document order, scattered over the rows: fetch ahead, or every row
        // is a cache miss.
        constexpr size_t ahead = 16;
        const size_t count = candidates.size();
        for (size_t i = 0; i < count; ++i) {
            if (i + ahead < count)
                __builtin_prefetch(&x.rows[candidates[i + ahead]]);
            consider(candidates[i]);
        }
    } else {
        for (quint32 doc = 0; doc < quint32(n); ++doc)
            consider(doc);
    }

    result.total = int(matches.size());
    const size_t take = query.limit < 0 ? matches.size() : std::min(matches.size(), size_t(query.limit));
    if (ranked) {
        // Best score first, then document order: positive floats order like their bit patterns.
        std::vector<quint64> keys;
        keys.reserve(matches.size());
        for (const quint32 doc : matches)
            keys.push_back(quint64(~std::bit_cast<quint32>(score[doc])) << 32 | doc);
        if (take * 8 < keys.size()) {
            std::partial_sort(keys.begin(), keys.begin() + qsizetype(take), keys.end());
        } else {
            sortKeys(keys, 4);
        }
        result.entities.resize(qsizetype(take));
        result.scores.resize(qsizetype(take));
        int* entities = result.entities.data();
        float* scores = result.scores.data();
        for (size_t i = 0; i < take; ++i) {
            const auto doc = quint32(keys[i] & 0xffffffffu);
            entities[i] = int(x.entityOf[doc]);
            scores[i] = score[doc];
        }
    } else {
        result.entities.resize(qsizetype(take));
        int* entities = result.entities.data();
        for (size_t i = 0; i < take; ++i)
            entities[i] = int(x.entityOf[matches[i]]);
        result.scores.fill(0.f, qsizetype(take));
    }
    if (query.withFacets)
        for (int f = 0; f < NumFacets; ++f)
            result.facets.insert(Facet(f),
                x.facetList(f, counts[f], selected[f], active[f], query.facetLimit, &result.facetValueCount[Facet(f)]));
    return result;
}

QList<FacetCount> SearchIndex::facetValues(Facet facet) const
{
    const int f = int(facet);
    return d->facetList(f, d->facets[f].totals, std::vector<char>(d->facets[f].totals.size(), 0), false);
}

} // namespace Flightdeck::Catalog
