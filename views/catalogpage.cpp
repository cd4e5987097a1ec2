// SPDX-License-Identifier: Apache-2.0
#include "catalogpage.h"

#include "appcontext.h"
#include "icons.h"
#include "navigation.h"
#include "widgets/facetsection.h"
#include "widgets/fasttextdelegate.h"

#include "catalog/catalogservice.h"
#include "catalogtablemodel.h"
#include "facetmodel.h"
#include "modelroles.h"
#include "core/workers.h"

#include <QAction>
#include <QFutureWatcher>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QScrollArea>
#include <QSettings>
#include <QShortcut>
#include <QSplitter>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace Flightdeck::Views {

namespace {

struct FacetInfo
{
    Catalog::Facet facet;
    const char* title;
};

constexpr FacetInfo facetOrder[] = {
    {Catalog::Facet::Kind, QT_TRANSLATE_NOOP("CatalogPage", "Kind")},
    {Catalog::Facet::Type, QT_TRANSLATE_NOOP("CatalogPage", "Type")},
    {Catalog::Facet::Lifecycle, QT_TRANSLATE_NOOP("CatalogPage", "Lifecycle")},
    {Catalog::Facet::Owner, QT_TRANSLATE_NOOP("CatalogPage", "Owner")},
    {Catalog::Facet::System, QT_TRANSLATE_NOOP("CatalogPage", "System")},
    {Catalog::Facet::Namespace, QT_TRANSLATE_NOOP("CatalogPage", "Namespace")},
    {Catalog::Facet::Tag, QT_TRANSLATE_NOOP("CatalogPage", "Tags")},
};

} // namespace

CatalogPage::CatalogPage(AppContext& context, QWidget* parent)
    : Page(context, parent)
    , m_catalog(Catalog::Catalog::empty())
{
    setObjectName(QStringLiteral("CatalogPage"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(12, 12, 12, 6);
    layout->setSpacing(8);

    // Search line.
    auto* top = new QHBoxLayout;
    top->setSpacing(8);
    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("CatalogSearch"));
    m_search->setPlaceholderText(tr("Search names, titles, descriptions, tags, owners…   e.g. payments kind:api owner:team-a"));
    m_search->setClearButtonEnabled(true);
    m_search->addAction(Icons::get(QStringLiteral("search")), QLineEdit::LeadingPosition);
    m_search->setAccessibleName(tr("Search the catalog"));
    m_search->setMinimumHeight(30);
    top->addWidget(m_search, 1);
    m_clearFilters = new QToolButton(this);
    m_clearFilters->setText(tr("Clear filters"));
    m_clearFilters->setIcon(Icons::get(QStringLiteral("x")));
    m_clearFilters->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_clearFilters->setAutoRaise(true);
    m_clearFilters->hide();
    top->addWidget(m_clearFilters);
    m_problems = new QToolButton(this);
    m_problems->setObjectName(QStringLiteral("CatalogProblems"));
    m_problems->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_problems->setAutoRaise(true);
    m_problems->setToolTip(tr("Open the diagnostics of the workspace"));
    top->addWidget(m_problems);
    auto* columns = new QToolButton(this);
    columns->setIcon(Icons::get(QStringLiteral("columns-3")));
    columns->setToolTip(tr("Choose columns"));
    columns->setAutoRaise(true);
    top->addWidget(columns);
    layout->addLayout(top);

    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("CatalogSummary"));
    layout->addWidget(m_summary);

    // Facets beside the table.
    auto* splitter = new QSplitter(this);
    splitter->setChildrenCollapsible(false);
    auto* facetScroll = new QScrollArea(splitter);
    facetScroll->setWidgetResizable(true);
    facetScroll->setFrameShape(QFrame::NoFrame);
    facetScroll->setMinimumWidth(190);
    facetScroll->setMaximumWidth(320);
    auto* facetPanel = new QWidget(facetScroll);
    auto* facetLayout = new QVBoxLayout(facetPanel);
    facetLayout->setContentsMargins(0, 0, 8, 0);
    facetLayout->setSpacing(4);
    for (const FacetInfo& f : facetOrder) {
        auto* model = new Models::FacetModel(f.facet, this);
        if (f.facet == Catalog::Facet::Owner || f.facet == Catalog::Facet::System)
            model->setLabelProvider([this](const QString& key) {
                const int i = m_catalog->indexOf(key);
                return i >= 0 ? m_catalog->entity(i).displayName() : QString();
            });
        m_facets.insert(f.facet, model);
        auto* section = new FacetSection(tr(f.title), model, facetPanel);
        section->setObjectName(QStringLiteral("Facet-") + Catalog::facetName(f.facet));
        m_sections.push_back(section);
        facetLayout->addWidget(section);
        connect(model, &Models::FacetModel::selectionChanged, this, &CatalogPage::applyFilter);
    }
    facetLayout->addStretch(1);
    facetScroll->setWidget(facetPanel);

    m_model = new Models::CatalogTableModel(this);
    m_model->setIconProvider([](const QString& kind) { return Icons::forKind(kind); });
    m_table = new QTableView(splitter);
    m_table->setObjectName(QStringLiteral("CatalogTable"));
    m_table->setModel(m_model);
    // The indicator first: enabling sorting sorts at once by the current indicator.
    m_table->horizontalHeader()->setSortIndicator(Models::CatalogTableModel::Name, Qt::AscendingOrder);
    m_table->setSortingEnabled(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setShowGrid(false);
    m_table->setWordWrap(false);
    m_table->setItemDelegate(new FastTextDelegate(m_table));
    m_table->setIconSize(QSize(16, 16));
    m_table->verticalHeader()->hide();
    // Fixed row heights: the view never measures 100,000 rows.
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 10);
    m_table->horizontalHeader()->setHighlightSections(false);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setContextMenuPolicy(Qt::CustomContextMenu);
    m_table->setAccessibleName(tr("Catalog entities"));
    const int widths[] = {260, 90, 100, 150, 140, 100, 170, 300};
    for (int c = 0; c < Models::CatalogTableModel::ColumnCount; ++c)
        m_table->setColumnWidth(c, widths[c]);
    QSettings settings;
    const QByteArray headerState = settings.value(QStringLiteral("catalog/header")).toByteArray();
    if (!headerState.isEmpty())
        m_table->horizontalHeader()->restoreState(headerState);
    splitter->addWidget(facetScroll);
    splitter->addWidget(m_table);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({220, 1000});
    layout->addWidget(splitter, 1);

    connect(m_search, &QLineEdit::textChanged, this, &CatalogPage::applyFilter);
    connect(m_table, &QTableView::activated, this, &CatalogPage::openEntityAt);
    connect(m_table->horizontalHeader(), &QHeaderView::customContextMenuRequested, this, &CatalogPage::showColumnMenu);
    connect(m_table->horizontalHeader(), &QHeaderView::sectionMoved, this, [this] {
        QSettings().setValue(QStringLiteral("catalog/header"), m_table->horizontalHeader()->saveState());
    });
    connect(m_table->horizontalHeader(), &QHeaderView::sectionResized, this, [this] {
        QSettings().setValue(QStringLiteral("catalog/header"), m_table->horizontalHeader()->saveState());
    });
    connect(columns, &QToolButton::clicked, this, [this, columns] {
        showColumnMenu(m_table->horizontalHeader()->mapFromGlobal(columns->mapToGlobal(QPoint(0, columns->height()))));
    });
    connect(m_problems, &QToolButton::clicked, this, [this] { this->context().navigator->goTo(QStringLiteral("problems")); });
    connect(m_clearFilters, &QToolButton::clicked, this, [this] {
        m_applying = true;
        for (Models::FacetModel* m : std::as_const(m_facets))
            m->clearSelection();
        m_search->clear();
        m_applying = false;
        applyFilter();
    });
    // Down arrow from the search field moves into the results.
    auto* toTable = new QShortcut(QKeySequence(Qt::Key_Down), m_search, nullptr, nullptr, Qt::WidgetShortcut);
    connect(toTable, &QShortcut::activated, this, [this] {
        m_table->setFocus();
        if (m_model->rowCount() > 0)
            m_table->selectRow(0);
    });

    Catalog::CatalogService* service = context.catalog;
    connect(service, &Catalog::CatalogService::catalogChanged, this, &CatalogPage::setCatalog);
    connect(service, &Catalog::CatalogService::searchIndexReady, this, [this](const Catalog::CatalogPtr& c) {
        if (c == m_catalog && m_pending)
            applyFilter();
        else if (c == m_catalog)
            applyFilter(); // facet counts become available
    });
    setCatalog(service->catalog());
}

QIcon CatalogPage::icon() const
{
    return Icons::get(QStringLiteral("library"));
}

QWidget* CatalogPage::initialFocus()
{
    return m_search;
}

void CatalogPage::open(const QString& argument)
{
    // "catalog:<query>" opens the catalog filtered.
    if (!argument.isEmpty())
        m_search->setText(argument);
}

int CatalogPage::shownCount() const
{
    return m_model->rowCount();
}

void CatalogPage::setCatalog(const Catalog::CatalogPtr& catalog)
{
    // Sorting 100,000 rows by a column takes a few hundred milliseconds: a worker sorts by the
    // column the table shows, then the snapshot is shown in one step, and the other columns are
    // sorted in the background for when the user clicks their headers. A small catalog is shown
    // at once.
    const int generation = ++m_catalogGeneration;
    auto orders = std::make_shared<Models::SortOrders>(catalog);
    const int column = m_model->sortColumn() >= 0 ? m_model->sortColumn() : int(Models::CatalogTableModel::Name);
    constexpr int SortInline = 5000;
    if (!catalog || catalog->size() <= SortInline) {
        showCatalog(catalog, orders);
        return;
    }
    auto* watcher = new QFutureWatcher<void>(this);
    connect(watcher, &QFutureWatcher<void>::finished, this, [this, watcher, catalog, orders, generation] {
        watcher->deleteLater();
        if (generation != m_catalogGeneration) {
            Catalog::retire(catalog);
            return;
        }
        showCatalog(catalog, orders);
        workers()->start([orders] {
            for (int c = 0; c < Models::SortOrders::Columns; ++c)
                orders->order(c);
        });
    });
    watcher->setFuture(QtConcurrent::run(workers(), [orders, column] { orders->order(column); }));
}

void CatalogPage::showCatalog(const Catalog::CatalogPtr& catalog, std::shared_ptr<Models::SortOrders> orders)
{
    Catalog::retire(std::exchange(m_catalog, catalog));
    const int errors = catalog->errorCount(), warnings = catalog->warningCount();
    m_problems->setText(errors + warnings == 0 ? tr("No problems") : tr("%n problems", nullptr, errors + warnings));
    m_problems->setIcon(Icons::get(errors ? QStringLiteral("circle-x")
                                          : (warnings ? QStringLiteral("triangle-alert") : QStringLiteral("circle-check"))));
    // Keep the selected entity selected across snapshots.
    const QModelIndex current = m_table->currentIndex();
    const QString selectedKey = current.isValid() ? current.data(Models::EntityKeyRole).toString() : QString();
    {
        const Catalog::CatalogPtr shown = m_model->catalog();
        m_model->setCatalog(catalog, std::move(orders));
        Catalog::retire(shown);
    }
    applyFilter();
    if (!selectedKey.isEmpty()) {
        const int row = m_model->rowOf(catalog->indexOf(selectedKey));
        if (row >= 0)
            m_table->selectRow(row);
    }
}

void CatalogPage::applyFilter()
{
    if (m_applying)
        return;
    Catalog::SearchQuery q;
    q.text = m_search->text();
    bool anyFilter = false;
    for (auto it = m_facets.constBegin(); it != m_facets.constEnd(); ++it) {
        const QStringList selected = it.value()->selected();
        if (!selected.isEmpty()) {
            q.filters.insert(it.key(), selected);
            anyFilter = true;
        }
    }
    const bool anything = anyFilter || !q.text.trimmed().isEmpty();
    m_clearFilters->setVisible(anything);
    if (!m_catalog->hasSearchIndex()) {
        // The index is still being built on a worker: show everything meanwhile, and filter as
        // soon as it is ready.
        m_pending = anything;
        if (m_model->rowCount() != m_catalog->size())
            m_model->setRows([this] {
                QList<int> all;
                for (int i = 0; i < m_catalog->size(); ++i)
                    all.push_back(i);
                return all;
            }(), false);
        m_summary->setText(anything ? tr("Indexing %n entities…", nullptr, int(m_catalog->size()))
                                    : tr("%n entities", nullptr, int(m_catalog->size())));
        return;
    }
    m_pending = false;
    const Catalog::SearchResult result = m_catalog->searchIndex().search(q);
    m_model->setRows(result.entities, !q.text.trimmed().isEmpty());
    if (m_model->sortColumn() >= 0)
        m_table->horizontalHeader()->setSortIndicator(m_model->sortColumn(), m_model->sortOrder());
    else
        m_table->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
    for (auto it = m_facets.constBegin(); it != m_facets.constEnd(); ++it)
        it.value()->setCounts(result.facets.value(it.key()));
    updateSummary(result.total);
}

void CatalogPage::updateSummary(int total)
{
    if (m_catalog->size() == 0) {
        m_summary->setText(context().catalog->isLoading() ? tr("Loading the catalog…")
                                                          : tr("The catalog is empty. Add a source in Settings."));
        return;
    }
    if (total == m_catalog->size())
        m_summary->setText(tr("%n entities", nullptr, total));
    else if (total == 0)
        m_summary->setText(tr("Nothing matches. Check the spelling, or clear the filters."));
    else
        m_summary->setText(tr("%1 of %2 entities").arg(QLocale().toString(total), QLocale().toString(m_catalog->size())));
}

void CatalogPage::openEntityAt(const QModelIndex& index)
{
    const QString key = index.data(Models::EntityKeyRole).toString();
    if (!key.isEmpty())
        context().navigator->goTo(QStringLiteral("entity:") + key);
}

void CatalogPage::showColumnMenu(const QPoint& pos)
{
    QMenu menu(this);
    QHeaderView* header = m_table->horizontalHeader();
    for (int c = 0; c < Models::CatalogTableModel::ColumnCount; ++c) {
        QAction* a = menu.addAction(Models::CatalogTableModel::columnName(c));
        a->setCheckable(true);
        a->setChecked(!header->isSectionHidden(c));
        a->setEnabled(c != Models::CatalogTableModel::Name); // the name always shows
        connect(a, &QAction::toggled, this, [this, header, c](bool on) {
            header->setSectionHidden(c, !on);
            QSettings().setValue(QStringLiteral("catalog/header"), header->saveState());
        });
    }
    menu.exec(header->mapToGlobal(pos));
}

} // namespace Flightdeck::Views
