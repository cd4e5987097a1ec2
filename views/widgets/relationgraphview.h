// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "graphscene.h"

#include <QHash>
#include <QPixmap>
#include <QWidget>

#include <memory>

namespace Flightdeck::Views {

// Draws a laid-out relation graph (GraphScene) and lets people explore it: drag or scroll to pan,
// Ctrl+wheel, pinch or +/- to zoom, 0 to fit, hover a node to highlight its relations, click to
// select, double-click or Enter to open, arrows and Tab to move between nodes, Home for the
// centre entity. Painting is custom with levels of detail (plain boxes and straight lines when
// zoomed far out) and culling, so thousands of nodes stay smooth.
class RelationGraphView : public QWidget
{
    Q_OBJECT
public:
    explicit RelationGraphView(QWidget* parent = nullptr);
    ~RelationGraphView() override;

    // Shows a new graph: fitted when it is readable that way, else the centre entity at a
    // readable zoom. The centre entity becomes the current node.
    void setScene(GraphScene scene);
    const GraphScene& scene() const { return *m_scene; }
    void clear();

    // Shown instead of a graph when there is none ("Select an entity").
    void setPlaceholderText(const QString& text);
    // Shown over the graph while a new one is computed; empty: none.
    void setBusyText(const QString& text);
    QString busyText() const { return m_busyText; }

    int currentNode() const { return m_current; }
    QString currentKey() const;
    void setCurrentNode(int node, bool ensureVisible = true);
    int hoveredNode() const { return m_hover; }

    qreal zoom() const { return m_zoom; }
    qreal fitZoom() const;
    QPointF mapToScene(const QPointF& widgetPos) const;
    QPointF mapFromScene(const QPointF& scenePos) const;
    QPointF viewCenter() const { return m_center; }

    QSize sizeHint() const override { return {800, 600}; }
    QSize minimumSizeHint() const override { return {200, 150}; }

public Q_SLOTS:
    void zoomIn();
    void zoomOut();
    void fitToView();
    void resetZoom(); // 100 %
    void setZoom(qreal zoom);
    void centerOnNode(int node);

Q_SIGNALS:
    void nodeActivated(const QString& key); // double-click or Enter
    void currentNodeChanged(const QString& key);
    void zoomChanged(qreal zoom);

protected:
    bool event(QEvent* event) override;
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void showEvent(QShowEvent* event) override;
    void changeEvent(QEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void leaveEvent(QEvent* event) override;
    void focusInEvent(QFocusEvent* event) override;
    void focusOutEvent(QFocusEvent* event) override;

private:
    struct Colors
    {
        bool dark = false;
        QColor background, grid, edge, edgeDimmed, edgeHighlight, text, muted, labelBackground, focus, missing;
    };
    enum class Detail { Far, Boxes, Full };

    void zoomAt(qreal zoom, const QPointF& widgetAnchor);
    qreal minZoom() const;
    void applyInitialView();
    void ensureNodeVisible(int node);
    int nodeInDirection(int from, Qt::Key key) const;
    bool moveInReadingOrder(bool forward);
    void updateColors();
    QColor accent(const QString& kind) const;
    const QPixmap& kindIcon(const QString& kind, bool missing, int devicePixels);
    QRectF visibleSceneRect() const;
    void paintNode(QPainter& p, int index, Detail detail, bool dimmed);
    void paintEdges(QPainter& p, const QRectF& visible, Detail detail);
    void paintLabels(QPainter& p, const QRectF& visible, const QList<int>& edges);

    std::unique_ptr<GraphScene> m_scene;
    std::unique_ptr<GraphNodeMetrics> m_metrics;
    QString m_placeholder;
    QString m_busyText;
    qreal m_zoom = 1;
    QPointF m_center;          // scene point at the middle of the widget
    bool m_viewPending = false; // initial view waits for a size
    int m_current = -1;
    int m_hover = -1;
    // Pan by dragging
    QPoint m_pressPos;
    QPointF m_pressCenter;
    bool m_pressed = false;
    bool m_dragging = false;
    qreal m_pinchStart = 1;
    Colors m_colors;
    QHash<QString, QColor> m_accents;
    QHash<QString, QPixmap> m_iconCache;
    QHash<QString, qreal> m_labelWidths;
    std::vector<char> m_highlighted; // per edge, while painting
};

} // namespace Flightdeck::Views
