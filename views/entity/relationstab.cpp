// SPDX-License-Identifier: Apache-2.0
#include "relationstab.h"

#include "appcontext.h"
#include "icons.h"
#include "navigation.h"
#include "widgets/graphscene.h"
#include "widgets/relationgraphview.h"

#include "core/workers.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QPromise>
#include <QShowEvent>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace Flightdeck::Views {

using namespace Catalog;

struct RelationsTab::Result
{
    quint64 generation = 0;
    RelationGraphQuery query;
    GraphScene scene;
    int missing = 0;
};

namespace {

// The relation pairs the filter offers, by their forward type.
constexpr RelationType filterTypes[] = {RelationType::OwnedBy,     RelationType::PartOf,    RelationType::ProvidesApi,
                                        RelationType::ConsumesApi, RelationType::DependsOn, RelationType::ChildOf,
                                        RelationType::MemberOf};

RelationTypeSet pairBits(RelationType t)
{
    return relationTypeBit(t) | relationTypeBit(reverseRelation(t));
}

QToolButton* toolButton(QWidget* parent, const QString& name, const QString& icon, const QString& tip)
{
    auto* b = new QToolButton(parent);
    b->setObjectName(name);
    b->setIcon(Icons::get(icon));
    b->setToolTip(tip);
    b->setAutoRaise(true);
    return b;
}

} // namespace

RelationsTab::RelationsTab(AppContext& context, QWidget* parent)
    : EntityTab(context, parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);

    auto* bar = new QWidget(this);
    bar->setObjectName(QStringLiteral("relationsToolbar"));
    auto* row = new QHBoxLayout(bar);
    row->setContentsMargins(8, 6, 8, 6);
    row->setSpacing(6);

    auto* depthLabel = new QLabel(tr("&Depth"), bar);
    m_depth = new QComboBox(bar);
    m_depth->setObjectName(QStringLiteral("depthCombo"));
    m_depth->addItem(tr("1"), 1);
    m_depth->addItem(tr("2"), 2);
    m_depth->addItem(tr("3"), 3);
    m_depth->addItem(tr("All"), -1);
    m_depth->setCurrentIndex(1);
    m_depth->setToolTip(tr("How many relations away from this entity to go"));
    depthLabel->setBuddy(m_depth);
    row->addWidget(depthLabel);
    row->addWidget(m_depth);
    row->addSpacing(8);

    auto* directionLabel = new QLabel(tr("D&irection"), bar);
    m_direction = new QComboBox(bar);
    m_direction->setObjectName(QStringLiteral("directionCombo"));
    m_direction->addItem(tr("Outgoing"), int(Direction::Out));
    m_direction->addItem(tr("Incoming"), int(Direction::In));
    m_direction->addItem(tr("Both ways"), int(Direction::Both));
    m_direction->setCurrentIndex(2);
    m_direction->setToolTip(tr("Outgoing: what this entity is owned by, part of, depends on…\n"
                               "Incoming: what owns, contains or depends on it"));
    directionLabel->setBuddy(m_direction);
    row->addWidget(directionLabel);
    row->addWidget(m_direction);
    row->addSpacing(8);

    m_filter = new QToolButton(bar);
    m_filter->setObjectName(QStringLiteral("relationFilterButton"));
    m_filter->setIcon(Icons::get(QStringLiteral("filter")));
    m_filter->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_filter->setPopupMode(QToolButton::InstantPopup);
    m_filter->setToolTip(tr("Relation types to follow and show"));
    m_filterMenu = new QMenu(m_filter);
    m_filterMenu->setObjectName(QStringLiteral("relationFilterMenu"));
    QAction* all = m_filterMenu->addAction(tr("Show all relations"));
    all->setObjectName(QStringLiteral("relationFilterAll"));
    connect(all, &QAction::triggered, this, [this] { setRelationTypes(allRelationTypes); });
    m_filterMenu->addSeparator();
    for (const RelationType t : filterTypes) {
        QAction* a = m_filterMenu->addAction(relationTypeName(t) + QStringLiteral(" / ") + relationTypeName(reverseRelation(t)));
        a->setObjectName(QStringLiteral("relationFilter-") + relationTypeName(t));
        a->setCheckable(true);
        a->setChecked(true);
        a->setData(int(t));
        connect(a, &QAction::toggled, this, [this, t](bool on) {
            const RelationTypeSet types = on ? (m_types | pairBits(t)) : (m_types & ~pairBits(t));
            setRelationTypes(types);
        });
    }
    m_filter->setMenu(m_filterMenu);
    row->addWidget(m_filter);
    row->addStretch(1);

    m_count = new QLabel(bar);
    m_count->setObjectName(QStringLiteral("nodeCountLabel"));
    m_count->setForegroundRole(QPalette::PlaceholderText);
    row->addWidget(m_count);
    row->addSpacing(8);

    auto* zoomOut = toolButton(bar, QStringLiteral("zoomOutButton"), QStringLiteral("zoom-out"), tr("Zoom out (-)"));
    auto* zoomIn = toolButton(bar, QStringLiteral("zoomInButton"), QStringLiteral("zoom-in"), tr("Zoom in (+)"));
    auto* fit = toolButton(bar, QStringLiteral("fitButton"), QStringLiteral("maximize"), tr("Fit the graph in view (0)"));
    row->addWidget(zoomOut);
    row->addWidget(zoomIn);
    row->addWidget(fit);
    layout->addWidget(bar);

    auto* line = new QFrame(this);
    line->setFrameShape(QFrame::HLine);
    line->setFrameShadow(QFrame::Plain);
    line->setForegroundRole(QPalette::Mid);
    layout->addWidget(line);

    m_view = new RelationGraphView(this);
    m_view->setPlaceholderText(tr("No entity selected."));
    layout->addWidget(m_view, 1);
    setFocusProxy(m_view);

    connect(zoomIn, &QToolButton::clicked, m_view, &RelationGraphView::zoomIn);
    connect(zoomOut, &QToolButton::clicked, m_view, &RelationGraphView::zoomOut);
    connect(fit, &QToolButton::clicked, m_view, &RelationGraphView::fitToView);
    connect(m_depth, &QComboBox::currentIndexChanged, this, [this] {
        m_depthChosen = true;
        relayout();
    });
    connect(m_direction, &QComboBox::currentIndexChanged, this, [this] { relayout(); });
    connect(m_view, &RelationGraphView::nodeActivated, this, [this](const QString& key) {
        const int node = m_view->scene().indexOf(key);
        if (node < 0 || m_view->scene().nodes[node].missing || !this->context().navigator)
            return;
        this->context().navigator->goTo(QStringLiteral("entity:") + key + QStringLiteral("/relations"));
    });

    m_watcher = new QFutureWatcher<std::shared_ptr<Result>>(this);
    connect(m_watcher, &QFutureWatcher<std::shared_ptr<Result>>::finished, this, &RelationsTab::showResult);
    connect(m_watcher, &QFutureWatcher<std::shared_ptr<Result>>::progressTextChanged, this, [this](const QString& text) {
        m_progressText = text;
        m_count->setText(text);
        if (!m_view->busyText().isEmpty() || !m_hasGraph)
            m_view->setBusyText(text);
    });
    // Quick layouts swap in without a flash; slow ones say what is happening.
    m_busyDelay = new QTimer(this);
    m_busyDelay->setSingleShot(true);
    m_busyDelay->setInterval(200);
    connect(m_busyDelay, &QTimer::timeout, this, [this] {
        if (isLayingOut())
            m_view->setBusyText(m_progressText.isEmpty() ? tr("Laying out…") : m_progressText);
    });
    updateFilterButton();
}

RelationsTab::~RelationsTab()
{
    // The worker holds its own snapshot; it only needs to stop early.
    m_watcher->future().cancel();
}

RelationGraphQuery RelationsTab::query() const
{
    RelationGraphQuery q;
    q.start = m_entity;
    q.depth = m_depth->currentData().toInt();
    q.direction = Direction(m_direction->currentData().toInt());
    q.types = m_types;
    return q;
}

void RelationsTab::setDepth(int depth)
{
    const int index = m_depth->findData(depth < 0 ? -1 : depth);
    if (index >= 0) {
        m_depthChosen = true;
        m_depth->setCurrentIndex(index);
    }
}

void RelationsTab::setDirection(Direction direction)
{
    const int index = m_direction->findData(int(direction));
    if (index >= 0)
        m_direction->setCurrentIndex(index);
}

void RelationsTab::setRelationTypes(RelationTypeSet types)
{
    types &= allRelationTypes;
    if (types == m_types)
        return;
    m_types = types;
    const QSignalBlocker block(m_filterMenu);
    for (QAction* a : m_filterMenu->actions()) {
        if (!a->isCheckable())
            continue;
        const QSignalBlocker blockAction(a);
        a->setChecked((m_types & pairBits(RelationType(a->data().toInt()))) != 0);
    }
    updateFilterButton();
    relayout();
}

void RelationsTab::updateFilterButton()
{
    int on = 0;
    for (const RelationType t : filterTypes)
        on += (m_types & pairBits(t)) ? 1 : 0;
    const int total = int(std::size(filterTypes));
    m_filter->setText(on == total ? tr("All relations") : tr("%1 of %2 relations").arg(on).arg(total));
}

void RelationsTab::setEntity(const CatalogPtr& catalog, int entity)
{
    if (catalog == m_catalog && entity == m_entity && (m_hasGraph || isLayingOut() || m_dirty))
        return;
    m_catalog = catalog;
    m_entity = catalog && entity >= 0 && entity < catalog->size() ? entity : -1;
    relayout();
}

void RelationsTab::setArgument(const QString& argument)
{
    QString rest = argument.trimmed();
    if (rest.startsWith(QLatin1String("graph:")))
        rest = rest.mid(6);
    if (rest.isEmpty())
        return;
    if (rest.contains(QLatin1Char('='))) {
        for (const QString& part : rest.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            const QString name = part.section(QLatin1Char('='), 0, 0).trimmed().toLower();
            const QString value = part.section(QLatin1Char('='), 1).trimmed().toLower();
            if (name == QLatin1String("depth"))
                setDepth(value == QLatin1String("all") ? -1 : value.toInt());
            else if (name == QLatin1String("direction"))
                setDirection(value == QLatin1String("in")    ? Direction::In
                                 : value == QLatin1String("out") ? Direction::Out
                                                                 : Direction::Both);
        }
        return;
    }
    if (!m_catalog)
        return;
    const QList<int> found = m_catalog->resolve(rest);
    if (!found.isEmpty() && found.first() != m_entity) {
        m_entity = found.first();
        relayout();
    }
}

int RelationsTab::nodeCount() const
{
    return m_hasGraph ? int(m_view->scene().nodes.size()) : -1;
}

int RelationsTab::edgeCount() const
{
    return m_hasGraph ? int(m_view->scene().edges.size()) : -1;
}

bool RelationsTab::isLayingOut() const
{
    return m_pending;
}

void RelationsTab::showEvent(QShowEvent* event)
{
    EntityTab::showEvent(event);
    if (m_dirty)
        relayout();
}

void RelationsTab::relayout()
{
    ++m_generation;
    m_watcher->future().cancel();
    m_pending = false;
    // Hidden tabs (the page shows another one) compute nothing until they are shown.
    m_dirty = !isVisible();
    if (m_dirty)
        return;
    if (!m_catalog || m_entity < 0) {
        m_hasGraph = false;
        m_view->clear();
        m_count->clear();
        m_busyDelay->stop();
        return;
    }
    RelationGraphQuery q = query();
    if (!m_depthChosen)
        q.depth = defaultDepth; // the depth box may show the 1 a busy entity fell back to
    const quint64 generation = m_generation;
    const CatalogPtr catalog = m_catalog;
    const QFont font = m_view->font();
    m_progressText.clear();
    m_count->setText(tr("Laying out…"));
    if (!m_hasGraph)
        m_view->setBusyText(tr("Laying out…"));
    m_busyDelay->start();
    m_pending = true;
    m_watcher->setFuture(QtConcurrent::run(workers(), 
        [](QPromise<std::shared_ptr<Result>>& promise, CatalogPtr catalog, RelationGraphQuery q, QFont font,
           quint64 generation, bool autoDepth) {
            RelationGraph graph = RelationGraph::build(*catalog, q);
            // Two hops around a busy service reach dozens of entities; one hop reads at a glance
            // and the depth box says how to go further.
            if (autoDepth && q.depth == 2 && graph.nodes.size() > autoDepthLimit) {
                q.depth = 1;
                graph = RelationGraph::build(*catalog, q);
            }
            if (promise.isCanceled())
                return;
            promise.setProgressRange(0, 2);
            promise.setProgressValueAndText(1, RelationsTab::tr("Laying out %n nodes…", nullptr, int(graph.nodes.size())));
            auto result = std::make_shared<Result>();
            result->generation = generation;
            result->query = q;
            for (const RelationGraphNode& n : graph.nodes)
                result->missing += n.isMissing() ? 1 : 0;
            result->scene = buildGraphScene(*catalog, graph, font, [&promise] { return promise.isCanceled(); });
            if (result->scene.cancelled || promise.isCanceled())
                return;
            promise.addResult(std::move(result));
        },
        catalog, q, font, generation, !m_depthChosen));
}

void RelationsTab::showResult()
{
    const QFuture<std::shared_ptr<Result>> future = m_watcher->future();
    if (future.isCanceled() || future.resultCount() == 0)
        return;
    const std::shared_ptr<Result> result = future.result();
    if (!result || result->generation != m_generation)
        return; // a newer request is on its way
    m_busyDelay->stop();
    m_pending = false;
    m_hasGraph = true;
    m_shownQuery = result->query;
    if (result->query.depth != m_depth->currentData().toInt()) {
        const QSignalBlocker block(m_depth); // shows the depth used; not a choice of the user
        m_depth->setCurrentIndex(m_depth->findData(result->query.depth));
    }
    const int missing = result->missing;
    m_view->setScene(std::move(result->scene));
    updateCountLabel();
    if (missing > 0)
        m_count->setText(m_count->text() + QStringLiteral(" · ") + tr("%n missing", nullptr, missing));
    Q_EMIT graphShown(nodeCount(), edgeCount());
}

void RelationsTab::updateCountLabel()
{
    const GraphScene& s = m_view->scene();
    m_count->setText(tr("%n entities", nullptr, int(s.nodes.size())) + QStringLiteral(" · ")
                     + tr("%n relations", nullptr, int(s.edges.size())));
}

} // namespace Flightdeck::Views
