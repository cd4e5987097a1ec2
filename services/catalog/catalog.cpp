// SPDX-License-Identifier: Apache-2.0
#include "catalog.h"

#include "core/workers.h"

#include <QSet>
#include <QThread>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentMap>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <deque>

namespace Flightdeck::Catalog {

bool isOutgoing(RelationType t)
{
    switch (t) {
    case RelationType::OwnedBy:
    case RelationType::PartOf:
    case RelationType::ProvidesApi:
    case RelationType::ConsumesApi:
    case RelationType::DependsOn:
    case RelationType::ChildOf:
    case RelationType::MemberOf: return true;
    default: return false;
    }
}

namespace {

int editDistance(QStringView a, QStringView b, int limit)
{
    if (std::abs(int(a.size()) - int(b.size())) > limit)
        return limit + 1;
    std::vector<int> prev(size_t(b.size()) + 1), cur(size_t(b.size()) + 1);
    for (qsizetype j = 0; j <= b.size(); ++j)
        prev[size_t(j)] = int(j);
    for (qsizetype i = 1; i <= a.size(); ++i) {
        cur[0] = int(i);
        int best = cur[0];
        for (qsizetype j = 1; j <= b.size(); ++j) {
            const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
            cur[size_t(j)] = std::min({prev[size_t(j)] + 1, cur[size_t(j - 1)] + 1, prev[size_t(j - 1)] + cost});
            best = std::min(best, cur[size_t(j)]);
        }
        if (best > limit)
            return limit + 1;
        std::swap(prev, cur);
    }
    return prev[size_t(b.size())];
}

} // namespace

Catalog::~Catalog() = default;

std::shared_ptr<const Catalog> Catalog::empty()
{
    static const std::shared_ptr<const Catalog> e(new Catalog());
    return e;
}

std::shared_ptr<const Catalog> Catalog::build(BuildInput input)
{
    std::shared_ptr<Catalog> c(new Catalog());
    c->m_asOf = input.asOf.isValid() ? input.asOf : QDateTime::currentDateTimeUtc();
    c->m_files = std::move(input.files);
    qsizetype total = 0;
    for (const FileLoad& f : std::as_const(c->m_files))
        total += f.entities.size();
    c->m_entities.reserve(total);
    c->m_index.reserve(total);
    for (const FileLoad& f : std::as_const(c->m_files)) {
        c->m_diagnostics += f.diagnostics;
        for (const Entity& e : f.entities) {
            const auto it = c->m_index.constFind(e.key);
            if (it != c->m_index.constEnd()) {
                // The same entity from two files: the first claimant wins and the second is
                // reported with both locations, as Backstage's location-key conflict does.
                const Entity& first = c->m_entities[*it];
                Diagnostic d;
                d.file = e.location.file;
                d.line = e.location.line;
                d.column = e.location.column;
                d.entity = e.key;
                d.field = QStringLiteral("metadata.name");
                d.message = QStringLiteral("%1 is already defined in %2:%3; this definition is ignored")
                                .arg(e.key, first.location.file)
                                .arg(first.location.line);
                d.hint = QStringLiteral("Keep one definition: remove this one, or give it another name or namespace.");
                d.code = QStringLiteral("conflict");
                d.backstage = QStringLiteral("Detected conflicting entityRef %1 already referenced by %2:%3 and now also %2:%4")
                                  .arg(e.key, QStringLiteral("file"), first.location.file, e.location.file);
                c->m_diagnostics.push_back(std::move(d));
                continue;
            }
            c->m_index.insert(e.key, int(c->m_entities.size()));
            c->m_entities.push_back(e);
        }
    }
    c->m_diagnostics += input.extraDiagnostics;
    // The index and the relation graph read the same entities: build them side by side.
    QFuture<void> index;
    if (input.buildSearchIndex)
        index = QtConcurrent::run(workers(), [c] { c->searchIndex(); });
    c->buildRelations();
    if (input.buildSearchIndex)
        index.waitForFinished();
    for (qsizetype i = 0; i < c->m_diagnostics.size(); ++i) {
        const Diagnostic& d = c->m_diagnostics[i];
        if (d.isError())
            ++c->m_errors;
        else
            ++c->m_warnings;
        if (!d.entity.isEmpty())
            c->m_diagnosticsByEntity[d.entity].push_back(int(i));
    }
    return c;
}

void Catalog::buildRelations()
{
    const qsizetype n = m_entities.size();
    struct Raw
    {
        qint32 source;
        qint32 target; // >= 0: entity; < 0: -(k+1) for the chunk's k-th dangling declaration
        RelationType type;
    };
    struct Chunk
    {
        qsizetype begin = 0, end = 0;
        std::vector<Raw> raw;
        QList<const DeclaredRelation*> danglingDecl;
        QList<int> danglingOwner;
    };
    // Resolving close to a million references is hash lookups on a read-only index: split it
    // over the cores, then merge in entity order so the result does not depend on timing.
    const int parts = std::max(1, std::min(QThread::idealThreadCount(), int(n / 20000) + 1));
    std::vector<Chunk> chunks(static_cast<size_t>(parts));
    for (int c = 0; c < parts; ++c) {
        chunks[size_t(c)].begin = n * c / parts;
        chunks[size_t(c)].end = n * (c + 1) / parts;
    }
    const auto resolve = [this](Chunk& chunk) {
        chunk.raw.reserve(size_t(chunk.end - chunk.begin) * 10);
        for (qsizetype i = chunk.begin; i < chunk.end; ++i) {
            // Read through a const Entity: the non-const list would detach (deep-copy) every
            // entity's relations, which it shares with the file loads.
            for (const DeclaredRelation& r : std::as_const(m_entities)[i].declared) {
                const auto it = m_index.constFind(r.target);
                if (it != m_index.constEnd()) {
                    chunk.raw.push_back({qint32(i), qint32(*it), r.type});
                    chunk.raw.push_back({qint32(*it), qint32(i), reverseRelation(r.type)});
                } else {
                    chunk.raw.push_back({qint32(i), -qint32(chunk.danglingDecl.size() + 1), r.type});
                    chunk.danglingDecl.push_back(&r);
                    chunk.danglingOwner.push_back(int(i));
                }
            }
        }
    };
    if (parts == 1)
        resolve(chunks[0]);
    else
        QtConcurrent::blockingMap(workers(), chunks, resolve);

    // Number the dangling targets in entity order, one number per distinct key.
    QHash<QString, int> dangling;
    QList<const DeclaredRelation*> danglingDecl;
    QList<int> danglingOwner;
    std::vector<Raw> raw;
    size_t total = 0;
    for (const Chunk& c : chunks)
        total += c.raw.size();
    raw.reserve(total);
    for (Chunk& c : chunks) {
        std::vector<qint32> numbers(size_t(c.danglingDecl.size()));
        for (qsizetype k = 0; k < c.danglingDecl.size(); ++k) {
            const QString& key = c.danglingDecl[k]->target;
            auto d = dangling.constFind(key);
            if (d == dangling.constEnd()) {
                d = dangling.insert(key, int(m_danglingKeys.size()));
                m_danglingKeys.push_back(key);
            }
            numbers[size_t(k)] = qint32(*d);
        }
        for (Raw r : c.raw) {
            if (r.target < 0)
                r.target = -(numbers[size_t(-r.target - 1)] + 1);
            raw.push_back(r);
        }
        danglingDecl += c.danglingDecl;
        danglingOwner += c.danglingOwner;
        c.raw = {};
    }
    // Counting sort by source, then sort and deduplicate each entity's edges: the same pair may be
    // declared from both sides (User.memberOf and Group.members).
    m_offsets.assign(size_t(n) + 1, 0);
    for (const Raw& r : raw)
        ++m_offsets[size_t(r.source) + 1];
    for (qsizetype i = 0; i < n; ++i)
        m_offsets[size_t(i) + 1] += m_offsets[size_t(i)];
    std::vector<Edge> edges(raw.size());
    std::vector<quint32> fill(m_offsets.begin(), m_offsets.end() - 1);
    for (const Raw& r : raw)
        edges[fill[size_t(r.source)]++] = Edge {r.type, r.target};
    m_edges.clear();
    m_edges.reserve(edges.size());
    std::vector<quint32> offsets(size_t(n) + 1, 0);
    for (qsizetype i = 0; i < n; ++i) {
        auto first = edges.begin() + m_offsets[size_t(i)];
        auto last = edges.begin() + m_offsets[size_t(i) + 1];
        std::sort(first, last, [](const Edge& a, const Edge& b) {
            return a.type != b.type ? a.type < b.type : a.target < b.target;
        });
        last = std::unique(first, last, [](const Edge& a, const Edge& b) { return a.type == b.type && a.target == b.target; });
        offsets[size_t(i)] = quint32(m_edges.size());
        m_edges.insert(m_edges.end(), first, last);
    }
    offsets[size_t(n)] = quint32(m_edges.size());
    m_offsets = std::move(offsets);

    // A relation to an entity that is not in the catalog is allowed but almost always a mistake.
    QHash<QString, QList<int>> byKind;
    for (qsizetype i = 0; i < danglingDecl.size(); ++i) {
        const DeclaredRelation& r = *danglingDecl[i];
        const Entity& e = m_entities[danglingOwner[i]];
        const QString& key = r.target;
        Diagnostic d;
        d.severity = Severity::Warning;
        d.file = e.location.file;
        d.line = r.line;
        d.column = r.column;
        d.entity = e.key;
        d.field = r.fieldPath();
        d.code = QStringLiteral("dangling-relation");
        d.message = QStringLiteral("%1 refers to %2, which is not in the catalog").arg(d.field, key);
        // Suggest the closest name of the same kind, when there is one.
        QString suggestion;
        if (i < 500) {
            const QString kind = key.section(QLatin1Char(':'), 0, 0);
            auto& candidates = byKind[kind];
            if (candidates.isEmpty() && !byKind.contains(kind + QLatin1String("#done"))) {
                for (int j = 0; j < m_entities.size(); ++j)
                    if (m_entities[j].ref.kind.compare(kind, Qt::CaseInsensitive) == 0)
                        candidates.push_back(j);
                byKind.insert(kind + QLatin1String("#done"), {});
            }
            int best = 3;
            const QString name = key.section(QLatin1Char('/'), 1);
            for (int j : std::as_const(candidates)) {
                if (candidates.size() > 50000)
                    break;
                const int dist = editDistance(name, m_entities[j].ref.name.toLower(), best - 1);
                if (dist < best) {
                    best = dist;
                    suggestion = m_entities[j].key;
                }
            }
        }
        d.hint = suggestion.isEmpty()
            ? QStringLiteral("Check the spelling and the kind, add the missing entity, or add the source that defines it.")
            : QStringLiteral("Did you mean %1?").arg(suggestion);
        m_diagnostics.push_back(std::move(d));
    }
}

const SearchIndex& Catalog::searchIndex() const
{
    std::call_once(m_searchOnce, [this] {
        m_search = SearchIndex::build(m_entities);
        m_searchBuilt.store(true);
    });
    return m_search;
}

int Catalog::indexOf(QStringView canonicalKey) const
{
    const auto it = m_index.constFind(canonicalKey.toString());
    return it == m_index.constEnd() ? -1 : *it;
}

QList<int> Catalog::resolve(QStringView text) const
{
    const QString t = text.trimmed().toString();
    if (t.isEmpty())
        return {};
    // A full reference first.
    const EntityRefParseResult full = EntityRef::parse(t);
    if (full.ref) {
        const int i = indexOf(full.ref->key());
        if (i >= 0)
            return {i};
    }
    // Otherwise match the parts that were given, case-insensitively.
    QString kind, ns, name = t;
    const qsizetype colon = t.indexOf(QLatin1Char(':'));
    const qsizetype slash = t.indexOf(QLatin1Char('/'));
    if (colon >= 0 && (slash < 0 || colon < slash)) {
        kind = t.left(colon);
        name = t.mid(colon + 1);
    }
    const qsizetype s = name.indexOf(QLatin1Char('/'));
    if (s >= 0) {
        ns = name.left(s);
        name = name.mid(s + 1);
    }
    QList<int> inDefault, elsewhere;
    for (int i = 0; i < m_entities.size(); ++i) {
        const Entity& e = m_entities[i];
        if (e.ref.name.compare(name, Qt::CaseInsensitive) != 0)
            continue;
        if (!kind.isEmpty() && e.ref.kind.compare(kind, Qt::CaseInsensitive) != 0)
            continue;
        if (!ns.isEmpty() && e.ref.ns.compare(ns, Qt::CaseInsensitive) != 0)
            continue;
        (e.ref.ns.compare(QLatin1String("default"), Qt::CaseInsensitive) == 0 || !ns.isEmpty() ? inDefault : elsewhere)
            .push_back(i);
    }
    return inDefault.isEmpty() ? elsewhere : inDefault;
}

QList<int> Catalog::diagnosticsOf(int entity) const
{
    return m_diagnosticsByEntity.value(m_entities[entity].key);
}

std::span<const Edge> Catalog::relations(int entity) const
{
    if (entity < 0 || size_t(entity) + 1 >= m_offsets.size())
        return {};
    return std::span<const Edge>(m_edges.data() + m_offsets[size_t(entity)],
                                 m_offsets[size_t(entity) + 1] - m_offsets[size_t(entity)]);
}

QString Catalog::targetKey(const Edge& e) const
{
    return e.isDangling() ? m_danglingKeys.value(-e.target - 1) : m_entities[e.target].key;
}

QList<int> Catalog::transitive(int start, std::initializer_list<RelationType> follow, int maxDepth) const
{
    QList<int> out;
    if (start < 0 || start >= m_entities.size())
        return out;
    std::vector<char> seen(size_t(m_entities.size()), 0);
    seen[size_t(start)] = 1;
    std::deque<std::pair<int, int>> queue {{start, 0}};
    while (!queue.empty()) {
        const auto [current, depth] = queue.front();
        queue.pop_front();
        if (maxDepth >= 0 && depth >= maxDepth)
            continue;
        for (const Edge& e : relations(current)) {
            if (e.isDangling() || seen[size_t(e.target)])
                continue;
            if (std::find(follow.begin(), follow.end(), e.type) == follow.end())
                continue;
            seen[size_t(e.target)] = 1;
            out.push_back(e.target);
            queue.emplace_back(e.target, depth + 1);
        }
    }
    return out;
}

QList<int> Catalog::ownedTransitively(int owner) const
{
    QList<int> owners {owner};
    if (owner >= 0 && m_entities[owner].ref.kind.compare(QLatin1String("Group"), Qt::CaseInsensitive) == 0)
        owners += descendantGroups(owner);
    QList<int> out;
    QSet<int> seen;
    for (int o : std::as_const(owners))
        for (const Edge& e : relations(o))
            if (e.type == RelationType::OwnerOf && !e.isDangling() && !seen.contains(e.target)) {
                seen.insert(e.target);
                out.push_back(e.target);
            }
    return out;
}

void retire(CatalogPtr snapshot)
{
    if (snapshot && snapshot->size() > 0)
        workers()->start([s = std::move(snapshot)]() mutable { s.reset(); });
}

} // namespace Flightdeck::Catalog
