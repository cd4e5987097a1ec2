// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "entitytab.h"

#include "catalog/graphlayout.h"

#include <QFutureWatcher>

class QComboBox;
class QLabel;
class QMenu;
class QTimer;
class QToolButton;

namespace Flightdeck::Views {

class RelationGraphView;
struct GraphScene;

// The relation graph around the entity: depth (1, 2, 3, all), direction (outgoing, incoming,
// both) and the relation types to follow. The graph is built and laid out on a worker; a newer
// request drops the result of an older one. Double-click or Enter on a node opens that entity's
// Relations tab.
class RelationsTab : public EntityTab
{
    Q_OBJECT
public:
    explicit RelationsTab(AppContext& context, QWidget* parent = nullptr);
    ~RelationsTab() override;

    QString title() const override { return tr("Relations"); }
    QString iconName() const override { return QStringLiteral("share-2"); }
    void setEntity(const Catalog::CatalogPtr& catalog, int entity) override;
    // "graph:<ref>" or "<ref>": centre on that entity; "depth=3", "direction=in|out|both" (comma-
    // separated) change the controls.
    void setArgument(const QString& argument) override;

    // The query the controls describe (start is the shown entity).
    Catalog::RelationGraphQuery query() const;
    void setDepth(int depth);          // < 0: all; the user's choice from then on
    // Above this many entities at depth 2, the graph opens at depth 1 (until a depth is chosen).
    static constexpr int autoDepthLimit = 40;
    static constexpr int defaultDepth = 2;
    void setDirection(Catalog::Direction direction);
    void setRelationTypes(Catalog::RelationTypeSet types);

    RelationGraphView* graphView() const { return m_view; }
    int nodeCount() const;             // of the graph shown; -1 while none
    int edgeCount() const;
    bool isLayingOut() const; // a layout was asked for and is not shown yet

Q_SIGNALS:
    void graphShown(int nodes, int edges); // a layout result was shown

protected:
    void showEvent(QShowEvent* event) override;

private:
    struct Result;
    void relayout();
    void showResult();
    void updateCountLabel();
    void updateFilterButton();

    Catalog::CatalogPtr m_catalog;
    int m_entity = -1;
    Catalog::RelationGraphQuery m_shownQuery;
    bool m_dirty = false; // the graph waits until the tab is shown
    quint64 m_generation = 0;
    QFutureWatcher<std::shared_ptr<Result>>* m_watcher = nullptr;
    QTimer* m_busyDelay = nullptr;
    QString m_progressText;
    bool m_hasGraph = false;
    bool m_pending = false; // a layout was asked for and not shown yet
    // Until the user picks a depth, a busy neighbourhood opens at depth 1 instead of 2.
    bool m_depthChosen = false;

    QComboBox* m_depth = nullptr;
    QComboBox* m_direction = nullptr;
    QToolButton* m_filter = nullptr;
    QMenu* m_filterMenu = nullptr;
    QLabel* m_count = nullptr;
    RelationGraphView* m_view = nullptr;
    Catalog::RelationTypeSet m_types = Catalog::allRelationTypes;
};

} // namespace Flightdeck::Views
