// SPDX-License-Identifier: Apache-2.0
#include "relationgraphview.h"

#include "icons.h"

#include <QApplication>
#include <QFontMetricsF>
#include <QGestureEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QNativeGestureEvent>
#include <QPainter>
#include <QPinchGesture>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace Flightdeck::Views {

namespace {

constexpr qreal maxZoom = 4.0;
constexpr qreal fitMargin = 24;       // widget pixels around a fitted graph
constexpr qreal farZoom = 0.22;       // below: plain boxes and straight lines
constexpr qreal textZoom = 0.45;      // from here: icons and text
constexpr qreal allLabelsZoom = 0.8;  // from here: every visible edge is labelled (when not too many)
constexpr int maxLabels = 300;

QColor mix(const QColor& a, const QColor& b, qreal t)
{
    return QColor::fromRgbF(float(a.redF() + (b.redF() - a.redF()) * t), float(a.greenF() + (b.greenF() - a.greenF()) * t),
                            float(a.blueF() + (b.blueF() - a.blueF()) * t), float(a.alphaF() + (b.alphaF() - a.alphaF()) * t));
}

} // namespace

RelationGraphView::RelationGraphView(QWidget* parent)
    : QWidget(parent)
    , m_scene(std::make_unique<GraphScene>())
    , m_metrics(std::make_unique<GraphNodeMetrics>(font()))
{
    setObjectName(QStringLiteral("relationGraphView"));
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(true);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setAccessibleName(tr("Relation graph"));
    grabGesture(Qt::PinchGesture);
    updateColors();
}

RelationGraphView::~RelationGraphView() = default;

void RelationGraphView::setScene(GraphScene scene)
{
    *m_scene = std::move(scene);
    m_metrics = std::make_unique<GraphNodeMetrics>(font());
    m_hover = -1;
    m_current = m_scene->center;
    m_busyText.clear();
    m_highlighted.assign(size_t(m_scene->edges.size()), 0);
    m_viewPending = true;
    applyInitialView();
    update();
    Q_EMIT currentNodeChanged(currentKey());
}

void RelationGraphView::clear()
{
    setScene(GraphScene());
}

void RelationGraphView::setPlaceholderText(const QString& text)
{
    m_placeholder = text;
    update();
}

void RelationGraphView::setBusyText(const QString& text)
{
    if (m_busyText == text)
        return;
    m_busyText = text;
    update();
}

QString RelationGraphView::currentKey() const
{
    return m_current >= 0 && m_current < m_scene->nodes.size() ? m_scene->nodes[m_current].key : QString();
}

void RelationGraphView::setCurrentNode(int node, bool ensureVisible)
{
    if (node < -1 || node >= m_scene->nodes.size())
        return;
    if (node >= 0 && ensureVisible)
        ensureNodeVisible(node);
    if (node == m_current)
        return;
    m_current = node;
    if (node >= 0)
        setAccessibleDescription(m_scene->nodes[node].name + QStringLiteral(", ") + m_scene->nodes[node].subtitle);
    update();
    Q_EMIT currentNodeChanged(currentKey());
}

// ----- geometry -----

QPointF RelationGraphView::mapToScene(const QPointF& widgetPos) const
{
    return m_center + (widgetPos - QPointF(width() / 2.0, height() / 2.0)) / m_zoom;
}

QPointF RelationGraphView::mapFromScene(const QPointF& scenePos) const
{
    return (scenePos - m_center) * m_zoom + QPointF(width() / 2.0, height() / 2.0);
}

QRectF RelationGraphView::visibleSceneRect() const
{
    return QRectF(mapToScene(QPointF(0, 0)), mapToScene(QPointF(width(), height())));
}

qreal RelationGraphView::fitZoom() const
{
    const QRectF b = m_scene->bounds;
    if (b.isEmpty() || width() <= 2 * fitMargin || height() <= 2 * fitMargin)
        return 1;
    return std::min({(width() - 2 * fitMargin) / b.width(), (height() - 2 * fitMargin) / b.height(), 1.0});
}

qreal RelationGraphView::minZoom() const
{
    return std::min(0.1, fitZoom() * 0.8);
}

void RelationGraphView::zoomAt(qreal zoom, const QPointF& widgetAnchor)
{
    zoom = std::clamp(zoom, minZoom(), maxZoom);
    if (qFuzzyCompare(zoom, m_zoom))
        return;
    const QPointF anchor = mapToScene(widgetAnchor);
    m_zoom = zoom;
    m_center = anchor - (widgetAnchor - QPointF(width() / 2.0, height() / 2.0)) / m_zoom;
    update();
    Q_EMIT zoomChanged(m_zoom);
}

void RelationGraphView::setZoom(qreal zoom)
{
    zoomAt(zoom, QPointF(width() / 2.0, height() / 2.0));
}

void RelationGraphView::zoomIn()
{
    setZoom(m_zoom * 1.25);
}

void RelationGraphView::zoomOut()
{
    setZoom(m_zoom / 1.25);
}

void RelationGraphView::resetZoom()
{
    setZoom(1.0);
}

void RelationGraphView::fitToView()
{
    m_viewPending = false;
    m_center = m_scene->bounds.center();
    const qreal z = fitZoom();
    if (!qFuzzyCompare(z, m_zoom)) {
        m_zoom = z;
        Q_EMIT zoomChanged(m_zoom);
    }
    update();
}

void RelationGraphView::centerOnNode(int node)
{
    if (node < 0 || node >= m_scene->nodes.size())
        return;
    m_center = m_scene->nodes[node].rect.center();
    update();
}

void RelationGraphView::applyInitialView()
{
    if (!m_viewPending || width() <= 0 || height() <= 0 || !isVisible())
        return;
    m_viewPending = false;
    // A graph that is readable whole is fitted; a big one opens on its centre entity.
    if (fitZoom() >= 0.55 || m_scene->center < 0) {
        fitToView();
        return;
    }
    m_zoom = 0.8;
    centerOnNode(m_scene->center);
    Q_EMIT zoomChanged(m_zoom);
}

void RelationGraphView::ensureNodeVisible(int node)
{
    const QRectF r = m_scene->nodes[node].rect;
    const QRectF area = QRectF(rect()).adjusted(fitMargin, fitMargin, -fitMargin, -fitMargin);
    const QRectF mapped(mapFromScene(r.topLeft()), mapFromScene(r.bottomRight()));
    if (area.contains(mapped))
        return;
    QPointF shift;
    if (mapped.width() > area.width() || mapped.left() < area.left())
        shift.setX(mapped.left() - area.left());
    else if (mapped.right() > area.right())
        shift.setX(mapped.right() - area.right());
    if (mapped.height() > area.height() || mapped.top() < area.top())
        shift.setY(mapped.top() - area.top());
    else if (mapped.bottom() > area.bottom())
        shift.setY(mapped.bottom() - area.bottom());
    m_center += shift / m_zoom;
    update();
}

// ----- keyboard -----

int RelationGraphView::nodeInDirection(int from, Qt::Key key) const
{
    if (from < 0)
        return m_scene->center;
    const QPointF c = m_scene->nodes[from].rect.center();
    int best = -1;
    qreal bestScore = std::numeric_limits<qreal>::max();
    for (qsizetype i = 0; i < m_scene->nodes.size(); ++i) {
        if (i == from)
            continue;
        const QPointF d = m_scene->nodes[i].rect.center() - c;
        qreal along = 0, across = 0;
        switch (key) {
        case Qt::Key_Right: along = d.x(); across = d.y(); break;
        case Qt::Key_Left: along = -d.x(); across = d.y(); break;
        case Qt::Key_Down: along = d.y(); across = d.x(); break;
        case Qt::Key_Up: along = -d.y(); across = d.x(); break;
        default: return from;
        }
        if (along <= 1)
            continue;
        const qreal score = along + 3 * std::abs(across);
        if (score < bestScore) {
            bestScore = score;
            best = int(i);
        }
    }
    return best;
}

bool RelationGraphView::moveInReadingOrder(bool forward)
{
    const QList<int>& order = m_scene->readingOrder;
    if (order.isEmpty())
        return false;
    const qsizetype at = order.indexOf(m_current);
    qsizetype next = at < 0 ? (forward ? 0 : order.size() - 1) : at + (forward ? 1 : -1);
    if (next < 0 || next >= order.size())
        return false; // leave the graph: focus moves on
    setCurrentNode(order[next]);
    return true;
}

bool RelationGraphView::event(QEvent* event)
{
    switch (event->type()) {
    case QEvent::KeyPress: {
        // Tab walks the nodes before focus leaves the graph.
        auto* key = static_cast<QKeyEvent*>(event);
        if ((key->key() == Qt::Key_Tab || key->key() == Qt::Key_Backtab) && !(key->modifiers() & Qt::ControlModifier)) {
            const bool forward = key->key() == Qt::Key_Tab && !(key->modifiers() & Qt::ShiftModifier);
            if (moveInReadingOrder(forward)) {
                event->accept();
                return true;
            }
        }
        break;
    }
    case QEvent::ToolTip: {
        auto* help = static_cast<QHelpEvent*>(event);
        const int node = m_scene->nodeAt(mapToScene(help->pos()));
        if (node >= 0)
            QToolTip::showText(help->globalPos(), m_scene->nodes[node].toolTip, this);
        else
            QToolTip::hideText();
        return true;
    }
    case QEvent::NativeGesture: {
        auto* gesture = static_cast<QNativeGestureEvent*>(event);
        if (gesture->gestureType() == Qt::ZoomNativeGesture) {
            zoomAt(m_zoom * (1 + gesture->value()), gesture->position());
            return true;
        }
        break;
    }
    case QEvent::Gesture: {
        auto* gestures = static_cast<QGestureEvent*>(event);
        if (auto* pinch = static_cast<QPinchGesture*>(gestures->gesture(Qt::PinchGesture))) {
            if (pinch->state() == Qt::GestureStarted)
                m_pinchStart = m_zoom;
            zoomAt(m_pinchStart * pinch->totalScaleFactor(), mapFromGlobal(pinch->centerPoint().toPoint()));
            gestures->accept(pinch);
            return true;
        }
        break;
    }
    default: break;
    }
    return QWidget::event(event);
}

void RelationGraphView::keyPressEvent(QKeyEvent* event)
{
    switch (event->key()) {
    case Qt::Key_Left:
    case Qt::Key_Right:
    case Qt::Key_Up:
    case Qt::Key_Down: {
        if (m_scene->isEmpty())
            break;
        if (event->modifiers() & Qt::ControlModifier) {
            // Ctrl+arrows pan.
            const qreal step = 80 / m_zoom;
            const QPointF d = event->key() == Qt::Key_Left ? QPointF(-step, 0)
                : event->key() == Qt::Key_Right            ? QPointF(step, 0)
                : event->key() == Qt::Key_Up               ? QPointF(0, -step)
                                                           : QPointF(0, step);
            m_center += d;
            update();
            return;
        }
        const int next = nodeInDirection(m_current, Qt::Key(event->key()));
        if (next >= 0)
            setCurrentNode(next);
        return;
    }
    case Qt::Key_Home:
        if (m_scene->center >= 0) {
            setCurrentNode(m_scene->center);
            return;
        }
        break;
    case Qt::Key_Return:
    case Qt::Key_Enter:
        if (m_current >= 0) {
            Q_EMIT nodeActivated(currentKey());
            return;
        }
        break;
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        zoomIn();
        return;
    case Qt::Key_Minus:
        zoomOut();
        return;
    case Qt::Key_0:
        fitToView();
        return;
    case Qt::Key_1:
        resetZoom();
        return;
    default: break;
    }
    QWidget::keyPressEvent(event);
}

// ----- mouse -----

void RelationGraphView::mousePressEvent(QMouseEvent* event)
{
    if (event->button() == Qt::LeftButton || event->button() == Qt::MiddleButton) {
        m_pressed = true;
        m_dragging = false;
        m_pressPos = event->position().toPoint();
        m_pressCenter = m_center;
        event->accept();
        return;
    }
    QWidget::mousePressEvent(event);
}

void RelationGraphView::mouseMoveEvent(QMouseEvent* event)
{
    const QPoint pos = event->position().toPoint();
    if (m_pressed) {
        if (!m_dragging && (pos - m_pressPos).manhattanLength() >= QApplication::startDragDistance()) {
            m_dragging = true;
            setCursor(Qt::ClosedHandCursor);
        }
        if (m_dragging) {
            m_center = m_pressCenter - QPointF(pos - m_pressPos) / m_zoom;
            update();
        }
        return;
    }
    const int node = m_scene->nodeAt(mapToScene(event->position()));
    if (node != m_hover) {
        m_hover = node;
        setCursor(node >= 0 ? Qt::PointingHandCursor : Qt::ArrowCursor);
        update();
    }
}

void RelationGraphView::mouseReleaseEvent(QMouseEvent* event)
{
    if (!m_pressed) {
        QWidget::mouseReleaseEvent(event);
        return;
    }
    m_pressed = false;
    if (m_dragging) {
        m_dragging = false;
        const int node = m_scene->nodeAt(mapToScene(event->position()));
        setCursor(node >= 0 ? Qt::PointingHandCursor : Qt::ArrowCursor);
        return;
    }
    const int node = m_scene->nodeAt(mapToScene(event->position()));
    if (node >= 0 && event->button() == Qt::LeftButton)
        setCurrentNode(node, false);
}

void RelationGraphView::mouseDoubleClickEvent(QMouseEvent* event)
{
    const int node = m_scene->nodeAt(mapToScene(event->position()));
    if (node >= 0 && event->button() == Qt::LeftButton) {
        setCurrentNode(node, false);
        Q_EMIT nodeActivated(currentKey());
        return;
    }
    QWidget::mouseDoubleClickEvent(event);
}

void RelationGraphView::wheelEvent(QWheelEvent* event)
{
    if (event->modifiers() & Qt::ControlModifier) {
        const qreal steps = event->angleDelta().y() / 120.0;
        zoomAt(m_zoom * std::pow(1.2, steps), event->position());
        event->accept();
        return;
    }
    // Touchpads give pixels; wheels give angles (one notch: 40 pixels).
    QPointF delta = !event->pixelDelta().isNull() ? QPointF(event->pixelDelta()) : QPointF(event->angleDelta()) / 3.0;
    if ((event->modifiers() & Qt::ShiftModifier) && qFuzzyIsNull(delta.x()))
        delta = QPointF(delta.y(), 0);
    m_center -= delta / m_zoom;
    update();
    event->accept();
}

void RelationGraphView::leaveEvent(QEvent* event)
{
    if (m_hover >= 0) {
        m_hover = -1;
        update();
    }
    QWidget::leaveEvent(event);
}

void RelationGraphView::focusInEvent(QFocusEvent* event)
{
    update();
    QWidget::focusInEvent(event);
}

void RelationGraphView::focusOutEvent(QFocusEvent* event)
{
    update();
    QWidget::focusOutEvent(event);
}

void RelationGraphView::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    applyInitialView();
}

void RelationGraphView::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    applyInitialView();
}

void RelationGraphView::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange) {
        updateColors();
        update();
    } else if (event->type() == QEvent::FontChange) {
        m_metrics = std::make_unique<GraphNodeMetrics>(font());
        m_labelWidths.clear();
    }
    QWidget::changeEvent(event);
}

// ----- colours -----

void RelationGraphView::updateColors()
{
    const QPalette pal = palette();
    Colors c;
    c.background = pal.color(QPalette::Base);
    c.text = pal.color(QPalette::Text);
    c.dark = c.background.lightnessF() < 0.5;
    c.grid = mix(c.background, c.text, c.dark ? 0.12 : 0.10);
    c.edge = mix(c.background, c.text, c.dark ? 0.42 : 0.38);
    c.edgeDimmed = mix(c.background, c.text, c.dark ? 0.18 : 0.14);
    c.edgeHighlight = pal.color(QPalette::Highlight);
    if (c.dark)
        c.edgeHighlight = c.edgeHighlight.lighter(130);
    c.muted = mix(c.text, c.background, 0.4);
    c.labelBackground = c.background;
    c.labelBackground.setAlphaF(0.92f);
    c.focus = pal.color(QPalette::Highlight);
    c.missing = mix(c.background, c.text, 0.45);
    m_colors = c;
    m_accents.clear();
    m_iconCache.clear();
}

QColor RelationGraphView::accent(const QString& kind) const
{
    auto it = m_accents.constFind(kind);
    if (it != m_accents.constEnd())
        return *it;
    // One hue per kind; lighter on dark backgrounds so text and lines stay readable.
    const QString k = kind.toLower();
    QColor color;
    if (k == QLatin1String("component"))
        color = QColor(0x25, 0x63, 0xeb);
    else if (k == QLatin1String("api"))
        color = QColor(0x7c, 0x3a, 0xed);
    else if (k == QLatin1String("resource"))
        color = QColor(0xd9, 0x77, 0x06);
    else if (k == QLatin1String("system"))
        color = QColor(0x0d, 0x94, 0x88);
    else if (k == QLatin1String("domain"))
        color = QColor(0xdb, 0x27, 0x77);
    else if (k == QLatin1String("group"))
        color = QColor(0x16, 0xa3, 0x4a);
    else if (k == QLatin1String("user"))
        color = QColor(0x08, 0x91, 0xb2);
    else if (k == QLatin1String("template"))
        color = QColor(0xca, 0x8a, 0x04);
    else
        color = QColor(0x64, 0x74, 0x8b);
    if (m_colors.dark)
        color = mix(color, QColor(Qt::white), 0.3);
    const_cast<RelationGraphView*>(this)->m_accents.insert(kind, color);
    return color;
}

const QPixmap& RelationGraphView::kindIcon(const QString& kind, bool missing, int devicePixels)
{
    const QString key = kind + QLatin1Char('|') + QString::number(devicePixels) + (missing ? QStringLiteral("|m") : QString());
    auto it = m_iconCache.constFind(key);
    if (it != m_iconCache.constEnd())
        return *it;
    if (m_iconCache.size() > 400) // zooming through many sizes
        m_iconCache.clear();
    const QColor color = missing ? m_colors.missing : accent(kind);
    const QIcon icon = missing ? Icons::get(QStringLiteral("circle-help"), color) : Icons::forKind(kind, color);
    return *m_iconCache.insert(key, icon.pixmap(QSize(devicePixels, devicePixels)));
}

// ----- painting -----

void RelationGraphView::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.fillRect(rect(), m_colors.background);
    if (m_scene->isEmpty()) {
        p.setPen(m_colors.muted);
        p.drawText(rect().adjusted(24, 24, -24, -24), Qt::AlignCenter | Qt::TextWordWrap,
                   m_busyText.isEmpty() ? m_placeholder : m_busyText);
        return;
    }
    const Detail detail = m_zoom < farZoom ? Detail::Far : m_zoom < textZoom ? Detail::Boxes : Detail::Full;
    const QRectF visible = visibleSceneRect().adjusted(-8, -8, 8, 8);

    // A quiet dot grid gives panning a sense of motion.
    if (detail == Detail::Full) {
        const qreal step = 24;
        const qreal spacing = step * m_zoom;
        if (spacing >= 10) {
            QPolygonF dots;
            const qreal x0 = std::floor(visible.left() / step) * step;
            const qreal y0 = std::floor(visible.top() / step) * step;
            for (qreal y = y0; y <= visible.bottom(); y += step)
                for (qreal x = x0; x <= visible.right(); x += step)
                    dots << mapFromScene(QPointF(x, y));
            p.setPen(QPen(m_colors.grid, 1.5));
            p.drawPoints(dots);
        }
    }

    p.translate(width() / 2.0, height() / 2.0);
    p.scale(m_zoom, m_zoom);
    p.translate(-m_center);

    // Which edges light up: those of the hovered node, else of the current one.
    const int focusNode = m_hover >= 0 ? m_hover : m_current;
    std::fill(m_highlighted.begin(), m_highlighted.end(), 0);
    QList<int> highlightedEdges;
    std::vector<char> neighbour;
    if (focusNode >= 0) {
        neighbour.assign(size_t(m_scene->nodes.size()), 0);
        neighbour[size_t(focusNode)] = 1;
        for (const int e : m_scene->edgesOfNode[focusNode]) {
            m_highlighted[size_t(e)] = 1;
            highlightedEdges.push_back(e);
            neighbour[size_t(m_scene->edges[e].from)] = 1;
            neighbour[size_t(m_scene->edges[e].to)] = 1;
        }
    }
    paintEdges(p, visible, detail);

    const bool dimOthers = m_hover >= 0;
    if (detail == Detail::Far) {
        // Thousands of nodes: flat boxes, batched by colour.
        p.setRenderHint(QPainter::Antialiasing, false);
        QHash<QString, QList<QRectF>> byKind;
        for (const GraphSceneNode& n : std::as_const(m_scene->nodes))
            if (n.rect.intersects(visible))
                byKind[n.missing ? QString() : n.kind].push_back(n.rect);
        for (auto it = byKind.cbegin(); it != byKind.cend(); ++it) {
            const QColor a = it.key().isEmpty() ? m_colors.missing : accent(it.key());
            p.setPen(Qt::NoPen);
            p.setBrush(mix(m_colors.background, a, m_colors.dark ? 0.55 : 0.45));
            p.drawRects(it.value().constData(), int(it.value().size()));
        }
        // The centre and the current node stay findable.
        for (const int i : {m_scene->center, m_current, m_hover}) {
            if (i < 0)
                continue;
            const QRectF r = m_scene->nodes[i].rect;
            p.setBrush(i == m_scene->center ? accent(m_scene->nodes[i].kind) : QColor(Qt::transparent));
            p.setPen(QPen(m_colors.focus, 2.5 / m_zoom));
            p.drawRect(r.adjusted(-6 / m_zoom, -6 / m_zoom, 6 / m_zoom, 6 / m_zoom));
        }
    } else {
        p.setRenderHint(QPainter::Antialiasing, true);
        for (qsizetype i = 0; i < m_scene->nodes.size(); ++i)
            if (m_scene->nodes[i].rect.intersects(visible))
                paintNode(p, int(i), detail, dimOthers && !neighbour[size_t(i)]);
    }

    if (detail == Detail::Full)
        paintLabels(p, visible, highlightedEdges);

    if (!m_busyText.isEmpty()) {
        p.resetTransform();
        QColor veil = m_colors.background;
        veil.setAlphaF(0.7f);
        p.fillRect(rect(), veil);
        p.setPen(m_colors.text);
        p.drawText(rect(), Qt::AlignCenter, m_busyText);
    }
}

namespace {

// The part of an edge's route that can show. A long edge crosses the whole graph, and the
// rasterizer strokes a path in full before clipping: at 100 % zoom on a 5,000-node graph, stroking
// every route that touches the screen takes seconds, the on-screen segments milliseconds. The
// curves stay within the box of their end points (the control points share their x and y), so a
// segment whose box misses the screen cannot show.
QPainterPath visibleRoute(const GraphSceneEdge& e, const QRectF& visible)
{
    const QPolygonF& points = e.polyline;
    if (e.from == e.to || points.size() < 2)
        return e.path;
    QPainterPath path;
    bool open = false;
    for (qsizetype k = 1; k < points.size(); ++k) {
        const QPointF a = points[k - 1], b = points[k];
        const QRectF box = QRectF(a, b).normalized().adjusted(-1, -1, 1, 1);
        if (!box.intersects(visible)) {
            open = false;
            continue;
        }
        if (!open) {
            path.moveTo(a);
            open = true;
        }
        if (qFuzzyCompare(a.y(), b.y())) {
            path.lineTo(b);
        } else {
            const qreal mx = (a.x() + b.x()) / 2;
            path.cubicTo(QPointF(mx, a.y()), QPointF(mx, b.y()), b);
        }
    }
    return path;
}

} // namespace

void RelationGraphView::paintEdges(QPainter& p, const QRectF& visible, Detail detail)
{
    const auto& edges = m_scene->edges;
    const bool dimOthers = m_hover >= 0;
    if (detail == Detail::Far) {
        p.setRenderHint(QPainter::Antialiasing, false);
        QPen pen(m_colors.edgeDimmed, 0); // cosmetic hairline
        p.setPen(pen);
        for (qsizetype i = 0; i < edges.size(); ++i)
            if (!m_highlighted[size_t(i)] && edges[i].bounds.intersects(visible))
                p.drawPolyline(edges[i].polyline);
        p.setPen(QPen(m_colors.edgeHighlight, 2));
        for (qsizetype i = 0; i < edges.size(); ++i)
            if (m_highlighted[size_t(i)])
                p.drawPolyline(edges[i].polyline);
        return;
    }
    p.setRenderHint(QPainter::Antialiasing, true);
    const qreal arrow = 7;
    QPolygonF head(3);
    const auto drawArrow = [&](const GraphSceneEdge& e, const QColor& color) {
        const QPointF d = e.arrowDirection;
        const QPointF n(-d.y(), d.x());
        head[0] = e.arrowTip;
        head[1] = e.arrowTip - d * arrow * 1.4 + n * arrow * 0.6;
        head[2] = e.arrowTip - d * arrow * 1.4 - n * arrow * 0.6;
        p.setPen(Qt::NoPen);
        p.setBrush(color);
        p.drawPolygon(head);
    };
    const QColor normal = dimOthers ? m_colors.edgeDimmed : m_colors.edge;
    QPen pen(normal, 1.3);
    pen.setCosmetic(true);
    for (qsizetype i = 0; i < edges.size(); ++i) {
        const GraphSceneEdge& e = edges[i];
        if (m_highlighted[size_t(i)] || !e.bounds.intersects(visible))
            continue;
        p.setPen(pen);
        p.setBrush(Qt::NoBrush);
        p.drawPath(visibleRoute(e, visible));
        if (detail == Detail::Full && visible.contains(e.arrowTip))
            drawArrow(e, normal);
    }
    QPen strong(m_colors.edgeHighlight, 2.2);
    strong.setCosmetic(true);
    for (qsizetype i = 0; i < edges.size(); ++i) {
        const GraphSceneEdge& e = edges[i];
        if (!m_highlighted[size_t(i)] || !e.bounds.intersects(visible))
            continue;
        p.setPen(strong);
        p.setBrush(Qt::NoBrush);
        p.drawPath(visibleRoute(e, visible));
        if (visible.contains(e.arrowTip))
            drawArrow(e, m_colors.edgeHighlight);
    }
}

void RelationGraphView::paintLabels(QPainter& p, const QRectF& visible, const QList<int>& highlighted)
{
    QList<int> labelled;
    if (m_zoom >= allLabelsZoom) {
        for (qsizetype i = 0; i < m_scene->edges.size() && labelled.size() <= maxLabels; ++i)
            if (visible.contains(m_scene->edges[i].labelPos) && !m_highlighted[size_t(i)])
                labelled.push_back(int(i));
        if (labelled.size() > maxLabels)
            labelled.clear();
    }
    if (labelled.isEmpty() && highlighted.isEmpty())
        return;
    // Labels keep their size on screen, so they stay readable when zoomed out.
    p.save();
    p.resetTransform();
    p.setFont(m_metrics->subtitleFont);
    const QFontMetricsF fm(m_metrics->subtitleFont);
    QList<QRectF> placed;
    const auto draw = [&](int i, bool strong) {
        const GraphSceneEdge& e = m_scene->edges[i];
        auto w = m_labelWidths.constFind(e.label);
        if (w == m_labelWidths.constEnd())
            w = m_labelWidths.insert(e.label, fm.horizontalAdvance(e.label));
        const QPointF at = mapFromScene(e.labelPos);
        QRectF box(at.x() - *w / 2 - 6, at.y() - fm.height() / 2 - 1, *w + 12, fm.height() + 2);
        const auto clashes = [&](const QRectF& b) {
            return std::any_of(placed.cbegin(), placed.cend(), [&](const QRectF& r) { return r.intersects(b); });
        };
        if (!strong) {
            // A plain label shows only where it has room: a stack of "consumesApi" over a bundle
            // of edges says nothing, and a label must never hide a node. Hovering a node labels
            // all of its edges.
            if (clashes(box))
                return;
            const QRectF inScene(mapToScene(box.topLeft()), mapToScene(box.bottomRight()));
            for (const GraphSceneNode& n : std::as_const(m_scene->nodes))
                if (n.rect.intersects(inScene))
                    return;
            placed.push_back(box);
            p.setPen(QPen(m_colors.edgeDimmed, 1));
            p.setBrush(m_colors.labelBackground);
            p.drawRoundedRect(box, box.height() / 2, box.height() / 2);
            p.setPen(m_colors.muted);
            p.drawText(box, Qt::AlignCenter, e.label);
            return;
        }
        // Labels of highlighted edges that share a gap would cover each other: nudge them apart.
        for (int attempt = 0; attempt < 6; ++attempt) {
            const auto clash = std::find_if(placed.cbegin(), placed.cend(), [&](const QRectF& r) { return r.intersects(box); });
            if (clash == placed.cend())
                break;
            const qreal step = box.height() + 1;
            box.moveTop(box.center().y() <= clash->center().y() ? clash->top() - step : clash->bottom() + 1);
        }
        placed.push_back(box);
        p.setPen(strong ? QPen(m_colors.edgeHighlight, 1) : QPen(m_colors.edgeDimmed, 1));
        p.setBrush(m_colors.labelBackground);
        p.drawRoundedRect(box, box.height() / 2, box.height() / 2);
        p.setPen(strong ? m_colors.text : m_colors.muted);
        p.drawText(box, Qt::AlignCenter, e.label);
    };
    for (const int i : highlighted)
        if (visible.contains(m_scene->edges[i].labelPos))
            draw(i, true);
    for (const int i : std::as_const(labelled))
        draw(i, false);
    p.restore();
}

void RelationGraphView::paintNode(QPainter& p, int index, Detail detail, bool dimmed)
{
    const GraphSceneNode& n = m_scene->nodes[index];
    const GraphNodeMetrics& m = *m_metrics;
    const QRectF r = n.rect;
    const QColor a = n.missing ? m_colors.missing : accent(n.kind);
    const bool hovered = index == m_hover;
    const bool current = index == m_current;
    const qreal radius = 8;
    if (dimmed)
        p.setOpacity(0.45);

    // The centre entity: a soft halo in its colour.
    if (n.center) {
        QColor halo = a;
        halo.setAlphaF(m_colors.dark ? 0.35f : 0.22f);
        p.setPen(Qt::NoPen);
        p.setBrush(halo);
        p.drawRoundedRect(r.adjusted(-5, -5, 5, 5), radius + 5, radius + 5);
    }
    QColor fill = n.missing ? m_colors.background : mix(m_colors.background, a, m_colors.dark ? 0.16 : 0.07);
    if (n.center)
        fill = mix(m_colors.background, a, m_colors.dark ? 0.28 : 0.14);
    QPen border(n.center || hovered ? a : mix(m_colors.background, a, m_colors.dark ? 0.6 : 0.5), n.center ? 2.5 : hovered ? 1.8 : 1.2);
    if (n.missing)
        border.setStyle(Qt::DashLine);
    p.setPen(border);
    p.setBrush(fill);
    p.drawRoundedRect(r.adjusted(0.5, 0.5, -0.5, -0.5), radius, radius);

    if (current) {
        QPen ring(m_colors.focus, hasFocus() ? 2.2 : 1.6);
        if (!hasFocus())
            ring.setStyle(Qt::DotLine);
        p.setPen(ring);
        p.setBrush(Qt::NoBrush);
        p.drawRoundedRect(r.adjusted(-3.5, -3.5, 3.5, 3.5), radius + 3, radius + 3);
    }

    // Kind badge: the icon on a tinted square.
    const QRectF badge(r.left() + m.padding - 4, r.center().y() - m.iconSize / 2 - 4, m.iconSize + 8, m.iconSize + 8);
    QColor badgeFill = a;
    badgeFill.setAlphaF(m_colors.dark ? 0.28f : 0.16f);
    p.setPen(Qt::NoPen);
    p.setBrush(badgeFill);
    p.drawRoundedRect(badge, 5, 5);
    if (detail == Detail::Full) {
        const QRectF iconRect(badge.left() + 4, badge.top() + 4, m.iconSize, m.iconSize);
        const int devicePixels = std::max(4, int(std::lround(m.iconSize * m_zoom * devicePixelRatioF())));
        p.save();
        p.setRenderHint(QPainter::SmoothPixmapTransform, true);
        const QPixmap& icon = kindIcon(n.kind, n.missing, devicePixels);
        p.drawPixmap(iconRect, icon, QRectF(icon.rect()));
        p.restore();

        const qreal x = r.left() + m.textLeft() + 2;
        const QFontMetricsF nameMetrics(m.nameFont), subMetrics(m.subtitleFont);
        const qreal textHeight = nameMetrics.height() + subMetrics.height();
        const qreal top = r.center().y() - textHeight / 2;
        p.setFont(m.nameFont);
        p.setPen(n.missing ? m_colors.muted : m_colors.text);
        p.drawText(QPointF(x, top + nameMetrics.ascent()), n.name);
        p.setFont(m.subtitleFont);
        p.setPen(m_colors.muted);
        p.drawText(QPointF(x, top + nameMetrics.height() + subMetrics.ascent()), n.subtitle);
    }
    if (dimmed)
        p.setOpacity(1.0);
}

} // namespace Flightdeck::Views
