// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "diagnostic.h"
#include "entity.h"
#include "loader.h"
#include "searchindex.h"

#include <QDateTime>
#include <QHash>
#include <QList>

#include <atomic>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

namespace Flightdeck::Catalog {

// One relation of an entity, seen from that entity (as Backstage's entity.relations lists it).
struct Edge
{
    RelationType type = RelationType::OwnedBy;
    qint32 target = 0; // index of the related entity; negative: -(n+1) for dangling target n
    bool isDangling() const { return target < 0; }
};

enum class Direction { Out, In, Both };

// Forward relations point from the declaring side (a component is ownedBy, partOf, dependsOn…); their
// reverses (ownerOf, hasPart, dependencyOf…) point back. Out follows the first set, In the second.
bool isOutgoing(RelationType t);

// An immutable snapshot of the whole catalog: accepted entities in precedence order, every
// diagnostic, the relation graph in both directions, and the search index. Built on a worker,
// shared read-only across threads.
class Catalog
{
public:
    struct BuildInput
    {
        QList<FileLoad> files;        // in precedence order: the first claimant of a ref wins
        Diagnostics extraDiagnostics; // source-level problems (unreachable sources, missing targets)
        QDateTime asOf;
        bool buildSearchIndex = true; // false: built on first use
    };
    static std::shared_ptr<const Catalog> build(BuildInput input);
    static std::shared_ptr<const Catalog> empty();

    ~Catalog();

    const QList<Entity>& entities() const { return m_entities; }
    qsizetype size() const { return m_entities.size(); }
    const Entity& entity(int index) const { return m_entities[index]; }
    int indexOf(QStringView canonicalKey) const;
    // Entities a person's reference can mean: "checkout", "component:checkout", "Component:default/Checkout".
    // Without a kind, every kind is tried; without a namespace, "default" first, then any namespace.
    QList<int> resolve(QStringView text) const;

    const Diagnostics& diagnostics() const { return m_diagnostics; }
    int errorCount() const { return m_errors; }
    int warningCount() const { return m_warnings; }
    QList<int> diagnosticsOf(int entity) const; // indexes into diagnostics()

    std::span<const Edge> relations(int entity) const;
    QString targetKey(const Edge& e) const;
    qsizetype relationCount() const { return qsizetype(m_edges.size()); }

    // Breadth-first closure over the given relation types, without the start; maxDepth < 0: unlimited.
    QList<int> transitive(int start, std::initializer_list<RelationType> follow, int maxDepth = -1) const;
    QList<int> dependencies(int entity) const { return transitive(entity, {RelationType::DependsOn}); }
    QList<int> dependents(int entity) const { return transitive(entity, {RelationType::DependencyOf}); }
    // Sub-groups at any depth.
    QList<int> descendantGroups(int group) const { return transitive(group, {RelationType::ParentOf}); }
    // Everything a group owns directly or through its sub-groups, or a user directly.
    QList<int> ownedTransitively(int owner) const;

    // Built on first use when the snapshot was built without it (thread-safe; about a second per
    // 100,000 entities, so call it on a worker first when a UI thread will need it).
    const SearchIndex& searchIndex() const;
    bool hasSearchIndex() const { return m_searchBuilt.load(); }
    const QList<FileLoad>& files() const { return m_files; }
    QDateTime asOf() const { return m_asOf; }

private:
    Catalog() = default;
    void buildRelations();

    QList<Entity> m_entities;
    QList<FileLoad> m_files;
    QHash<QString, int> m_index;
    Diagnostics m_diagnostics;
    QHash<QString, QList<int>> m_diagnosticsByEntity;
    int m_errors = 0;
    int m_warnings = 0;
    std::vector<quint32> m_offsets; // CSR: relations of entity i are m_edges[m_offsets[i] .. m_offsets[i+1])
    std::vector<Edge> m_edges;
    QStringList m_danglingKeys;
    mutable std::once_flag m_searchOnce;
    mutable SearchIndex m_search;
    mutable std::atomic<bool> m_searchBuilt {false};
    QDateTime m_asOf;
};

using CatalogPtr = std::shared_ptr<const Catalog>;

// Drops a snapshot reference on a worker thread: freeing 100,000 entities takes tens of
// milliseconds, which the UI thread must not spend. Holders on the UI thread hand the snapshot
// they replace to retire(); whichever reference goes last then goes on a worker.
void retire(CatalogPtr snapshot);

} // namespace Flightdeck::Catalog
