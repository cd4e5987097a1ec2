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

GraphScene buildGraphScene(const Catalog::Catalog& catalog, const RelationGraph& graph, const QFont& font,
                           const std::function<bool()>& cancelled)
{
    QElapsedTimer timer;
    timer.start();
    GraphScene scene;
    const GraphNodeMetrics m(font);
    const QFontMetricsF nameMetrics(m.nameFont), subtitleMetrics(m.subtitleFont);
    const qreal textMax = m.maxWidth - m.textLeft() - m.padding;

    // Texts and sizes.
    QList<QSizeF> sizes;
    sizes.reserve(graph.nodes.size());
    scene.nodes.reserve(graph.nodes.size());
    for (const RelationGraphNode& n : graph.nodes) {
        GraphSceneNode node;
        node.key = n.key;
        node.distance = n.distance;
        node.missing = n.isMissing();
        QString name, subtitle;
        if (n.isMissing()) {
            node.kind = kindOfKey(n.key);
            name = Models::nameOfRef(n.key);
            subtitle = QObject::tr("%1 · not in the catalog").arg(node.kind);
            node.toolTip = QObject::tr("<b>%1</b><br>Not in the catalog: a relation names it, but no source defines it.")
                               .arg(n.key.toHtmlEscaped());
        } else {
            const Entity& e = catalog.entity(n.entity);
            node.kind = e.ref.kind;
            name = e.title.isEmpty() ? Models::nameOfRef(e.key) : e.title;
            subtitle = e.type.isEmpty() ? e.ref.kind : e.ref.kind + QStringLiteral(" · ") + e.type;
            QString tip = QStringLiteral("<b>%1</b><br>%2").arg(e.displayName().toHtmlEscaped(), e.key.toHtmlEscaped());
            if (!e.description.isEmpty())
                tip += QStringLiteral("<br>") + truncated(e.description, 240).toHtmlEscaped();
            node.toolTip = tip;
        }
        const qreal nameWidth = nameMetrics.horizontalAdvance(name);
        const qreal subtitleWidth = subtitleMetrics.horizontalAdvance(subtitle);
        node.name = nameWidth > textMax ? nameMetrics.elidedText(name, Qt::ElideMiddle, textMax) : name;
        node.subtitle = subtitleWidth > textMax ? subtitleMetrics.elidedText(subtitle, Qt::ElideRight, textMax) : subtitle;
        const qreal width = std::clamp(m.textLeft() + std::max(nameWidth, subtitleWidth) + m.padding, m.minWidth, m.maxWidth);
        sizes.push_back(QSizeF(std::ceil(width), m.height));
        scene.nodes.push_back(std::move(node));
    }
    if (graph.center >= 0 && graph.center < scene.nodes.size())
        scene.nodes[graph.center].center = true;
    scene.center = graph.center;

    QList<LayoutEdge> edges;
    edges.reserve(graph.edges.size());
    for (const RelationGraphEdge& e : graph.edges)
        edges.push_back({e.from, e.to});
    LayoutOptions options;
    options.cancelled = cancelled;
    const GraphLayout layout = layoutGraph(sizes, edges, options);
    if (layout.cancelled) {
        scene.cancelled = true;
        return scene;
    }
    for (qsizetype i = 0; i < scene.nodes.size(); ++i)
        scene.nodes[i].rect = layout.nodes[i];

    // Paths: straight runs within a layer's column, curves with horizontal tangents across the
    // gaps, so edges leave and enter nodes level and never cut through a node.
    scene.edges.reserve(graph.edges.size());
    scene.edgesOfNode.resize(scene.nodes.size());
    for (qsizetype i = 0; i < graph.edges.size(); ++i) {
        const RelationGraphEdge& e = graph.edges[i];
        const EdgeRoute& route = layout.edges[i];
        GraphSceneEdge edge;
        edge.from = e.from;
        edge.to = e.to;
        edge.label = relationTypeName(e.type);
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
        scene.edgesOfNode[e.from].push_back(int(i));
        if (e.to != e.from)
            scene.edgesOfNode[e.to].push_back(int(i));
        scene.edges.push_back(std::move(edge));
    }
    scene.readingOrder.reserve(scene.nodes.size());
    for (qsizetype i = 0; i < scene.nodes.size(); ++i)
        scene.readingOrder.push_back(int(i));
    std::sort(scene.readingOrder.begin(), scene.readingOrder.end(), [&](int a, int b) {
        const QRectF& ra = scene.nodes[a].rect;
        const QRectF& rb = scene.nodes[b].rect;
        if (layout.layers[a] != layout.layers[b])
            return layout.layers[a] < layout.layers[b];
        return ra.top() < rb.top();
    });
    scene.bounds = layout.bounds;
    scene.layers = layout.layerCount;
    scene.crossings = layout.crossings;
    scene.layoutMs = timer.elapsed();
    return scene;
}

} // namespace Flightdeck::Views
