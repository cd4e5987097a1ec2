// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "catalog.h"

#include <QList>
#include <QPointF>
#include <QRectF>
#include <QSizeF>
#include <QString>

#include <functional>

namespace Flightdeck::Catalog {

// ---------------------------------------------------------------------------------------------
// The relation graph around one entity
// ---------------------------------------------------------------------------------------------

// A set of relation types, one bit per RelationType.
using RelationTypeSet = quint32;
constexpr RelationTypeSet relationTypeBit(RelationType t)
{
    return RelationTypeSet(1) << int(t);
}
inline constexpr RelationTypeSet allRelationTypes = (RelationTypeSet(1) << RelationTypeCount) - 1;

struct RelationGraphQuery
{
    int start = -1;                            // entity index in the catalog
    int depth = 2;                             // hops from start; < 0: everything reachable
    Direction direction = Direction::Both;     // Out follows forward relations (ownedBy, dependsOn…)
    RelationTypeSet types = allRelationTypes;  // relations to follow and show (either side's type)
};

struct RelationGraphNode
{
    int entity = -1;   // index in the catalog; -1: a relation target that is not in the catalog
    QString key;       // canonical key, also for missing targets
    int distance = 0;  // hops from the start
    bool isMissing() const { return entity < 0; }
};

// One edge per related pair and forward type: "a ownedBy b" and "b ownerOf a" are the same edge,
// drawn from a to b with the forward label.
struct RelationGraphEdge
{
    int from = 0;  // node indexes
    int to = 0;
    RelationType type = RelationType::OwnedBy; // always a forward type (isOutgoing(type))
};

struct RelationGraph
{
    QList<RelationGraphNode> nodes; // breadth-first order; nodes[0] is the start when there is one
    QList<RelationGraphEdge> edges;
    int center = -1;                // node index of the start, or -1 for an empty graph

    // Breadth-first from query.start up to query.depth hops, along the relations the direction and
    // type set allow; then every relation of an allowed type between two nodes of the graph.
    // Linear in the size of the neighbourhood; a whole large catalog takes tens of milliseconds,
    // so call it on a worker.
    static RelationGraph build(const Catalog& catalog, const RelationGraphQuery& query);
};

// ---------------------------------------------------------------------------------------------
// Layered (Sugiyama) layout of any directed graph
// ---------------------------------------------------------------------------------------------

struct LayoutEdge
{
    int from = 0;
    int to = 0;
};

enum class LayoutOrientation { LeftToRight, TopToBottom };

struct LayoutOptions
{
    LayoutOrientation orientation = LayoutOrientation::LeftToRight;
    qreal rankSpacing = 90;  // between layers
    qreal nodeSpacing = 18;  // between two nodes of a layer
    qreal edgeSpacing = 8;   // between two edges passing through a layer
    bool reduceCrossings = true; // false: nodes keep their input order within a layer
    int maxSweeps = 24;          // barycenter sweeps (down and up count one each)
    // Sweep work is bounded: sweeps stop early when (nodes + dummies + segments) × sweeps
    // would exceed this, so huge neighbourhoods still finish quickly (never losing anything).
    qint64 sweepBudget = 4'000'000;
    std::function<bool()> cancelled; // polled between phases; true stops with an empty result
};

struct EdgeRoute
{
    // From the `from` node's border to the `to` node's border. Consecutive points either share
    // the order coordinate (a straight run through a layer) or cross the gap between two layers
    // (draw those as a curve with tangents along the rank axis).
    QList<QPointF> points;
    QPointF labelPos;      // middle of the route, for the edge's label
    bool reversed = false; // drawn against the layer direction to break a cycle
    bool selfLoop = false;
};

struct GraphLayout
{
    QList<QRectF> nodes;    // one per input node
    QList<int> layers;      // layer of each node
    QList<EdgeRoute> edges; // one per input edge
    QRectF bounds;          // everything, routes included; top-left at (0, 0)
    int layerCount = 0;
    int dummyCount = 0;           // bend points inserted for edges spanning several layers
    qint64 initialCrossings = 0;  // between consecutive layers, in the first order
    qint64 crossings = 0;         // after crossing reduction
    int sweeps = 0;
    bool cancelled = false;
};

// Deterministic: the same input gives the same layout. Call on a worker for large graphs
// (5,000 nodes and 10,000 edges take tens of milliseconds).
GraphLayout layoutGraph(const QList<QSizeF>& nodeSizes, const QList<LayoutEdge>& edges,
                        const LayoutOptions& options = {});

// Crossings between two adjacent layers: each segment joins position first of the north layer to
// position second of the south layer (positions in [0, southLayerSize)). Barth, Jünger & Mutzel's
// accumulator tree: O(E log V).
qint64 countBilayerCrossings(QList<QPair<int, int>> segments, int southLayerSize);

} // namespace Flightdeck::Catalog
