// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "catalog/graphlayout.h"

#include <QFont>
#include <QList>
#include <QPainterPath>
#include <QPointF>
#include <QRectF>
#include <QString>

#include <functional>

namespace Flightdeck::Views {

// What the relation graph view draws: the laid-out graph with its texts measured and its edge
// paths built, so painting does no layout work. A value, built on a worker.
struct GraphSceneNode
{
    QString key;       // canonical entity key
    QString kind;      // "Component"; for missing targets the kind of the reference
    QString name;      // elided to fit
    QString subtitle;  // "Component · service", elided
    QString toolTip;
    QRectF rect;
    int distance = 0;  // hops from the centre
    bool missing = false;
    bool center = false;
};

struct GraphSceneEdge
{
    int from = 0;
    int to = 0;
    QString label;        // forward relation type, e.g. "ownedBy"
    QPainterPath path;    // smooth route
    QPolygonF polyline;   // the same route as straight segments, for far zoom levels
    QRectF bounds;        // of the path, for culling
    QPointF labelPos;
    QPointF arrowTip;     // where the route meets the target node
    QPointF arrowDirection; // unit vector pointing into the target
};

struct GraphScene
{
    QList<GraphSceneNode> nodes;
    QList<GraphSceneEdge> edges;
    QList<QList<int>> edgesOfNode; // edge indexes touching each node
    QList<int> readingOrder;       // node indexes by column, then top to bottom: Tab order
    QRectF bounds;
    int center = -1;
    int layers = 0;
    qint64 crossings = 0;
    qint64 layoutMs = 0; // graph building, measuring and layout, on the worker
    bool cancelled = false;

    bool isEmpty() const { return nodes.isEmpty(); }
    int nodeAt(const QPointF& scenePos) const; // -1: none
    int indexOf(const QString& key) const;
};

// Metrics of a node box: shared by the scene builder (sizes) and the view (painting).
struct GraphNodeMetrics
{
    explicit GraphNodeMetrics(const QFont& base);
    QFont nameFont;
    QFont subtitleFont;
    qreal height = 48;
    qreal padding = 12;
    qreal iconSize = 18;
    qreal iconGap = 10;
    qreal minWidth = 150;
    qreal maxWidth = 300;
    qreal textLeft() const { return padding + iconSize + iconGap; }
};

// Builds the graph around graph.center: measures every node with the font, lays the graph out
// left to right and builds the edge paths. Call on a worker; cancelled is polled.
GraphScene buildGraphScene(const Catalog::Catalog& catalog, const Catalog::RelationGraph& graph, const QFont& font,
                           const std::function<bool()>& cancelled = {});

// The steps of buildGraphScene, for graphs that do not come from a catalog: elides the node's
// texts and sets its size (rect at the origin)...
void measureGraphNode(GraphSceneNode& node, const GraphNodeMetrics& metrics);
// ...then lays out the nodes (with their sizes) and edges (from, to, label), fills in positions
// and paths. Returns false when cancelled.
bool layoutGraphScene(GraphScene& scene, const std::function<bool()>& cancelled = {});

} // namespace Flightdeck::Views
