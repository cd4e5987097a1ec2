// SPDX-License-Identifier: Apache-2.0
#include "problemspage.h"
#include "widgets/codeviewparts.h"

#include "appcontext.h"
#include "icons.h"
#include "navigation.h"

#include "catalog/catalogservice.h"
#include "diagnosticsmodel.h"
#include "modelroles.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSet>
#include <QSortFilterProxyModel>
#include <QStackedWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace Flightdeck::Views {

namespace {

// Filters on the text of every column, the severity and the problem's code.
class ProblemsFilter : public QSortFilterProxyModel
{
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    QString text;
    int severity = -1; // -1: all
    QString code;
    void refresh() { invalidateFilter(); }

protected:
    bool filterAcceptsRow(int row, const QModelIndex& parent) const override
    {
        const QModelIndex i = sourceModel()->index(row, 0, parent);
        if (severity >= 0 && i.data(Models::SeverityRole).toInt() != severity)
            return false;
        if (!code.isEmpty() && i.data(Models::CodeRole).toString() != code)
            return false;
        if (text.isEmpty())
            return true;
        const QString hay = i.data(Models::FilterRole).toString();
        for (const QString& word : text.split(QLatin1Char(' '), Qt::SkipEmptyParts))
            if (!hay.contains(word, Qt::CaseInsensitive))
                return false;
        return true;
    }
};

} // namespace

ProblemsPage::ProblemsPage(AppContext& context, QWidget* parent)
    : Page(context, parent)
    , m_catalog(Catalog::Catalog::empty())
{
    setObjectName(QStringLiteral("ProblemsPage"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(12, 12, 12, 6);
    layout->setSpacing(8);
    auto* bar = new QHBoxLayout;
    m_filter = new QLineEdit(this);
    m_filter->setPlaceholderText(tr("Filter by message, file, entity or field…"));
    m_filter->setClearButtonEnabled(true);
    m_filter->addAction(Icons::get(QStringLiteral("filter")), QLineEdit::LeadingPosition);
    m_severity = new QComboBox(this);
    m_severity->addItem(tr("Errors and warnings"), -1);
    m_severity->addItem(Icons::get(QStringLiteral("circle-x")), tr("Errors"), int(Catalog::Severity::Error));
    m_severity->addItem(Icons::get(QStringLiteral("triangle-alert")), tr("Warnings"), int(Catalog::Severity::Warning));
    m_code = new QComboBox(this);
    m_code->setMinimumContentsLength(16);
    bar->addWidget(m_filter, 1);
    bar->addWidget(m_severity);
    bar->addWidget(m_code);
    layout->addLayout(bar);
    m_summary = new QLabel(this);
    layout->addWidget(m_summary);

    m_model = new Models::DiagnosticsModel(this);
    m_model->setIconProvider([](Catalog::Severity s) {
        return Icons::get(s == Catalog::Severity::Error ? QStringLiteral("circle-x") : QStringLiteral("triangle-alert"));
    });
    auto* proxy = new ProblemsFilter(this);
    proxy->setSourceModel(m_model);
    m_proxy = proxy;
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("ProblemsTable"));
    m_table->setModel(m_proxy);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setShowGrid(false);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 10);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setColumnWidth(Models::DiagnosticsModel::Severity, 100);
    m_table->setColumnWidth(Models::DiagnosticsModel::Location, 220);
    m_table->setColumnWidth(Models::DiagnosticsModel::Entity, 260);
    m_table->setColumnWidth(Models::DiagnosticsModel::Field, 170);
    // With nothing to list, a clear statement instead of an empty grid.
    m_empty = new Placeholder(this);
    m_stack = new QStackedWidget(this);
    m_stack->addWidget(m_table);
    m_stack->addWidget(m_empty);
    layout->addWidget(m_stack, 1);

    connect(m_filter, &QLineEdit::textChanged, this, &ProblemsPage::updateFilter);
    connect(m_severity, &QComboBox::currentIndexChanged, this, &ProblemsPage::updateFilter);
    connect(m_code, &QComboBox::currentIndexChanged, this, &ProblemsPage::updateFilter);
    connect(m_table, &QTableView::activated, this, [this](const QModelIndex& index) {
        const QString location = locationFor(index.row());
        if (!location.isEmpty())
            this->context().navigator->goTo(location);
    });
    connect(context.catalog, &Catalog::CatalogService::catalogChanged, this, &ProblemsPage::setCatalog);
    setCatalog(context.catalog->catalog());
}

QIcon ProblemsPage::icon() const
{
    return Icons::get(QStringLiteral("triangle-alert"));
}

QWidget* ProblemsPage::initialFocus()
{
    return m_filter;
}

int ProblemsPage::shownCount() const
{
    return m_proxy->rowCount();
}

QString ProblemsPage::locationFor(int proxyRow) const
{
    const QModelIndex i = m_proxy->index(proxyRow, 0);
    if (!i.isValid())
        return {};
    const QString entity = i.data(Models::EntityKeyRole).toString();
    const int line = i.data(Models::LineRole).toInt();
    // An accepted entity opens at its file's line; a file that yielded no entity opens by path.
    if (!entity.isEmpty() && m_catalog->indexOf(entity) >= 0)
        return QStringLiteral("entity:%1/source:%2").arg(entity).arg(line);
    const QString file = i.data(Models::FilePathRole).toString();
    return file.isEmpty() ? QString() : QStringLiteral("file:%1:%2").arg(file).arg(line);
}

void ProblemsPage::setCatalog(const Catalog::CatalogPtr& catalog)
{
    m_catalog = catalog;
    m_model->setDiagnostics(catalog->diagnostics());
    // The kinds of problem present, for the code filter.
    const QString current = m_code->currentData().toString();
    QSet<QString> codes;
    for (const Catalog::Diagnostic& d : catalog->diagnostics())
        codes.insert(d.code);
    QStringList sorted(codes.begin(), codes.end());
    sorted.sort();
    m_code->blockSignals(true);
    m_code->clear();
    m_code->addItem(tr("All kinds"), QString());
    for (const QString& c : std::as_const(sorted))
        m_code->addItem(c, c);
    m_code->setCurrentIndex(qMax(0, m_code->findData(current)));
    m_code->blockSignals(false);
    updateFilter();
}

void ProblemsPage::updateFilter()
{
    auto* proxy = static_cast<ProblemsFilter*>(m_proxy);
    proxy->text = m_filter->text().trimmed();
    proxy->severity = m_severity->currentData().toInt();
    proxy->code = m_code->currentData().toString();
    proxy->refresh();
    const int total = m_model->rowCount();
    if (total == 0)
        m_empty->set(QStringLiteral("circle-check"), tr("No problems"),
                     tr("Every catalog file reads cleanly: no errors, no warnings."));
    else if (m_proxy->rowCount() == 0)
        m_empty->set(QStringLiteral("filter"), tr("Nothing matches the filter"),
                     tr("%n problems are hidden by the filter. Clear it to see them.", nullptr, total));
    m_stack->setCurrentWidget(m_proxy->rowCount() == 0 ? static_cast<QWidget*>(m_empty) : m_table);
    m_filter->setEnabled(total > 0 || !m_filter->text().isEmpty());
    m_summary->setVisible(total > 0); // the placeholder says it
    if (total == 0)
        m_summary->setText(tr("No problems: every catalog file reads cleanly."));
    else
        m_summary->setText(tr("%1 of %2 problems (%3 errors, %4 warnings)")
                               .arg(m_proxy->rowCount())
                               .arg(total)
                               .arg(m_catalog->errorCount())
                               .arg(m_catalog->warningCount()));
}

} // namespace Flightdeck::Views
