// SPDX-License-Identifier: Apache-2.0
#include "graphscene.h"

#include "refs.h"

#include <QElapsedTimer>
#include <QFontMetricsF>

#include <algorithm>
#include <cmath>

namespace Flightdeck::Views {

using namespace Catalog;

GraphNodeMetrics::GraphNodeMetrics(const QFont& base)
    : nameFont(base)
    , subtitleFont(base)
{
    nameFont.setWeight(QFont::DemiBold);
    if (base.pointSizeF() > 0)
        subtitleFont.setPointSizeF(base.pointSizeF() * 0.85);
    else
        subtitleFont.setPixelSize(std::max(8, int(base.pixelSize() * 0.85)));
    const QFontMetricsF name(nameFont), sub(subtitleFont);
    height = std::ceil(name.height() + sub.height() + 2 * 8 + 2);
    iconSize = std::round(name.height() * 1.15);
}

int GraphScene::nodeAt(const QPointF& scenePos) const
{
    for (qsizetype i = nodes.size() - 1; i >= 0; --i)
        if (nodes[i].rect.contains(scenePos))
            return int(i);
    return -1;
}

int GraphScene::indexOf(const QString& key) const
{
    for (qsizetype i = 0; i < nodes.size(); ++i)
        if (nodes[i].key == key)
            return int(i);
    return -1;
}

namespace {

QString kindOfKey(const QString& key)
{
    const QString kind = key.section(QLatin1Char(':'), 0, 0);
    if (kind.compare(QLatin1String("api"), Qt::CaseInsensitive) == 0)
        return QStringLiteral("API");
    return kind.isEmpty() ? kind : kind.left(1).toUpper() + kind.mid(1);
}

QString truncated(const QString& text, qsizetype length)
{
    return text.size() <= length ? text : text.left(length - 1) + QChar(0x2026);
}

} // namespace

void measureGraphNode(GraphSceneNode& node, const GraphNodeMetrics& m)
{
    const QFontMetricsF nameMetrics(m.nameFont), subtitleMetrics(m.subtitleFont);
    const qreal textMax = m.maxWidth - m.textLeft() - m.padding;
    const qreal nameWidth = nameMetrics.horizontalAdvance(node.name);
    const qreal subtitleWidth = subtitleMetrics.horizontalAdvance(node.subtitle);
    if (nameWidth > textMax)
        node.name = nameMetrics.elidedText(node.name, Qt::ElideMiddle, textMax);
    if (subtitleWidth > textMax)
        node.subtitle = subtitleMetrics.elidedText(node.subtitle, Qt::ElideRight, textMax);
    const qreal width = std::clamp(m.textLeft() + std::max(nameWidth, subtitleWidth) + m.padding, m.minWidth, m.maxWidth);
    node.rect = QRectF(0, 0, std::ceil(width), m.height);
}

GraphScene buildGraphScene(const Catalog::Catalog& catalog, const RelationGraph& graph, const QFont& font,
                           const std::function<bool()>& cancelled)
{
    QElapsedTimer timer;
    timer.start();
    GraphScene scene;
    const GraphNodeMetrics metrics(font);
    scene.nodes.reserve(graph.nodes.size());
    for (const RelationGraphNode& n : graph.nodes) {
        GraphSceneNode node;
        node.key = n.key;
        node.distance = n.distance;
        node.missing = n.isMissing();
        if (n.isMissing()) {
            node.kind = kindOfKey(n.key);
            node.name = Models::nameOfRef(n.key);
            node.subtitle = QObject::tr("%1 · not in the catalog").arg(node.kind);
            node.toolTip = QObject::tr("<b>%1</b><br>Not in the catalog: a relation names it, but no source defines it.")
                               .arg(n.key.toHtmlEscaped());
        } else {
            const Entity& e = catalog.entity(n.entity);
            node.kind = e.ref.kind;
            node.name = e.title.isEmpty() ? Models::nameOfRef(e.key) : e.title;
            node.subtitle = e.type.isEmpty() ? e.ref.kind : e.ref.kind + QStringLiteral(" · ") + e.type;
            QString tip = QStringLiteral("<b>%1</b><br>%2").arg(e.displayName().toHtmlEscaped(), e.key.toHtmlEscaped());
            if (!e.description.isEmpty())
                tip += QStringLiteral("<br>") + truncated(e.description, 240).toHtmlEscaped();
            node.toolTip = tip;
        }
        measureGraphNode(node, metrics);
        scene.nodes.push_back(std::move(node));
    }
    if (graph.center >= 0 && graph.center < scene.nodes.size())
        scene.nodes[graph.center].center = true;
    scene.center = graph.center;
    scene.edges.reserve(graph.edges.size());
    for (const RelationGraphEdge& e : graph.edges) {
        GraphSceneEdge edge;
        edge.from = e.from;
        edge.to = e.to;
        edge.label = relationTypeName(e.type);
        scene.edges.push_back(std::move(edge));
    }
    if (!layoutGraphScene(scene, cancelled))
        scene.cancelled = true;
    scene.layoutMs = timer.elapsed();
    return scene;
}

bool layoutGraphScene(GraphScene& scene, const std::function<bool()>& cancelled)
{
    QList<QSizeF> sizes;
    sizes.reserve(scene.nodes.size());
    for (const GraphSceneNode& n : std::as_const(scene.nodes))
        sizes.push_back(n.rect.size());
    QList<LayoutEdge> edges;
    edges.reserve(scene.edges.size());
    for (const GraphSceneEdge& e : std::as_const(scene.edges))
        edges.push_back({e.from, e.to});
    LayoutOptions options;
    options.rankSpacing = 64;
    options.nodeSpacing = 16;
    options.cancelled = cancelled;
    const GraphLayout layout = layoutGraph(sizes, edges, options);
    if (layout.cancelled)
        return false;
    for (qsizetype i = 0; i < scene.nodes.size(); ++i)
        scene.nodes[i].rect = layout.nodes[i];

    // Paths: straight runs within a layer's column, curves with horizontal tangents across the
    // gaps, so edges leave and enter nodes level and never cut through a node.
    scene.edgesOfNode = QList<QList<int>>(scene.nodes.size());
    for (qsizetype i = 0; i < scene.edges.size(); ++i) {
        GraphSceneEdge& edge = scene.edges[i];
        const EdgeRoute& route = layout.edges[i];
        edge.labelPos = route.labelPos;
        edge.polyline = QPolygonF(route.points);
        const QList<QPointF>& p = route.points;
        if (p.size() >= 2) {
            QPainterPath path(p.first());
            if (route.selfLoop && p.size() == 4) {
                path.cubicTo(p[1], p[2], p[3]);
            } else {
                for (qsizetype k = 1; k < p.size(); ++k) {
                    const QPointF a = p[k - 1], b = p[k];
                    if (qFuzzyCompare(a.y(), b.y())) {
                        path.lineTo(b);
                    } else {
                        const qreal mx = (a.x() + b.x()) / 2;
                        path.cubicTo(QPointF(mx, a.y()), QPointF(mx, b.y()), b);
                    }
                }
            }
            edge.path = path;
            edge.bounds = path.controlPointRect();
            edge.arrowTip = p.last();
            const QPointF before = p[p.size() - 2];
            QPointF d;
            if (route.selfLoop || qFuzzyCompare(before.y(), p.last().y()))
                d = p.last() - before;
            else
                d = QPointF(p.last().x() > before.x() ? 1 : -1, 0);
            const qreal len = std::hypot(d.x(), d.y());
            edge.arrowDirection = len > 0 ? d / len : QPointF(1, 0);
        }
        if (edge.from >= 0 && edge.from < scene.nodes.size())
            scene.edgesOfNode[edge.from].push_back(int(i));
        if (edge.to != edge.from && edge.to >= 0 && edge.to < scene.nodes.size())
            scene.edgesOfNode[edge.to].push_back(int(i));
    }
    scene.readingOrder.clear();
    scene.readingOrder.reserve(scene.nodes.size());
    for (qsizetype i = 0; i < scene.nodes.size(); ++i)
        scene.readingOrder.push_back(int(i));
    std::sort(scene.readingOrder.begin(), scene.readingOrder.end(), [&](int a, int b) {
        if (layout.layers[a] != layout.layers[b])
            return layout.layers[a] < layout.layers[b];
        return scene.nodes[a].rect.top() < scene.nodes[b].rect.top();
    });
    scene.bounds = layout.bounds;
    scene.layers = layout.layerCount;
    scene.crossings = layout.crossings;
    return true;
}

} // namespace Flightdeck::Views
