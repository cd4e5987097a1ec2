// SPDX-License-Identifier: Apache-2.0
#include "deploymentspage.h"

#include "appcontext.h"
#include "deploy/deployformat.h"
#include "deploy/deploymentsview.h"
#include "icons.h"
#include "navigation.h"
#include "widgets/codeviewparts.h"

#include "catalog/catalogservice.h"
#include "deploy/deployservice.h"

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QScrollBar>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableWidget>
#include <QTimer>

#include <algorithm>
#include <QVBoxLayout>

namespace Flightdeck::Views {

using namespace Deploy;

namespace {

// Status reads in flight at once for the table: enough to fill a screen quickly, few enough not
// to flood one backend (a GitOps repository, an Argo CD server) with parallel requests.
constexpr int MaxInFlight = 4;

QString cellKey(const QString& service, const QString& environment)
{
    return service + QLatin1Char('\n') + environment;
}

} // namespace

DeploymentsPage::DeploymentsPage(AppContext& context, QWidget* parent)
    : Page(context, parent)
{
    setObjectName(QStringLiteral("DeploymentsPage"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 14, 16, 12);
    layout->setSpacing(10);

    auto* head = new QHBoxLayout;
    head->setSpacing(10);
    auto* titles = new QVBoxLayout;
    titles->setSpacing(2);
    auto* heading = new QLabel(tr("Deployments"), this);
    QFont f = heading->font();
    f.setPointSizeF(f.pointSizeF() * 1.3);
    f.setBold(true);
    heading->setFont(f);
    titles->addWidget(heading);
    m_subtitle = new QLabel(this);
    m_subtitle->setObjectName(QStringLiteral("DeploymentsSubtitle"));
    m_subtitle->setWordWrap(true);
    titles->addWidget(m_subtitle);
    head->addLayout(titles, 1);
    m_refresh = new QPushButton(Icons::get(QStringLiteral("refresh-cw")), tr("Refresh all"), this);
    m_refresh->setObjectName(QStringLiteral("DeploymentsRefreshAll"));
    m_refresh->setToolTip(tr("Read what runs in every environment again"));
    head->addWidget(m_refresh, 0, Qt::AlignBottom);
    layout->addLayout(head);

    m_states = new QStackedWidget(this);
    layout->addWidget(m_states, 1);

    m_split = new QSplitter(Qt::Vertical, m_states);
    m_split->setObjectName(QStringLiteral("DeploymentsSplitter"));
    m_split->setChildrenCollapsible(false);
    m_table = new QTableWidget(0, 1, m_split);
    m_table->setObjectName(QStringLiteral("DeployableServices"));
    m_table->setAccessibleName(tr("Deployable services"));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->setShowGrid(false);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 12);
    m_table->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setMinimumHeight(90);
    m_split->addWidget(m_table);

    auto* viewBox = new QWidget(m_split);
    auto* viewLayout = new QVBoxLayout(viewBox);
    viewLayout->setContentsMargins(0, 10, 0, 0);
    m_view = new DeploymentsView(context, viewBox);
    viewLayout->addWidget(m_view);
    m_split->addWidget(viewBox);
    m_split->setStretchFactor(0, 1);
    m_split->setStretchFactor(1, 4);
    m_states->addWidget(m_split);

    m_placeholder = new Placeholder(m_states);
    m_placeholder->setObjectName(QStringLiteral("DeploymentsPlaceholder"));
    m_states->addWidget(m_placeholder);

    connect(m_refresh, &QPushButton::clicked, this, &DeploymentsPage::refresh);
    connect(m_table, &QTableWidget::itemSelectionChanged, this, [this] {
        const auto rows = m_table->selectionModel()->selectedRows();
        if (rows.isEmpty())
            return;
        const int r = rows.first().row();
        if (r < 0 || r >= m_services.size() || m_services[r] == m_view->service())
            return;
        selectService(m_services[r]);
        // A service the user picks is a place to come back to.
        Navigator* navigator = this->context().navigator;
        const QString location = QStringLiteral("deployments:") + m_selected;
        if (!m_quiet && navigator && navigator->current().page == id() && navigator->current().toString() != location)
            navigator->goTo(location);
    });
    connect(m_table->verticalScrollBar(), &QScrollBar::valueChanged, this, &DeploymentsPage::loadVisible);
    connect(m_view, &DeploymentsView::operationFinished, this, [this](const QString& service) { loadRow(service, true); });
    if (context.catalog)
        connect(context.catalog, &Catalog::CatalogService::catalogChanged, this, [this] {
            // The catalog decides which annotated components are deployable; the composition
            // root passes them to the deploy service and calls reload(). Until then the list
            // from the settings stands.
            if (m_deploy != this->context().deploy)
                reload();
        });
    rebuild();
}

QIcon DeploymentsPage::icon() const
{
    return Icons::get(QStringLiteral("rocket"));
}

QString DeploymentsPage::windowTitle() const
{
    return m_selected.isEmpty() ? QString() : tr("Deployments · %1").arg(m_selected);
}

bool DeploymentsPage::isBusy() const
{
    if (m_inFlight > 0 || !m_queue.isEmpty() || m_view->isLoading())
        return true;
    const auto dialogs = m_view->findChildren<DeployDialog*>();
    return std::any_of(dialogs.cbegin(), dialogs.cend(), [](const DeployDialog* d) { return d->isVisible() && d->isBusy(); });
}

bool DeploymentsPage::isPlaceholderShown() const
{
    return m_states->currentWidget() == m_placeholder;
}

QString DeploymentsPage::selectedService() const
{
    return m_selected;
}

void DeploymentsPage::showEvent(QShowEvent* event)
{
    Page::showEvent(event);
    if (m_dirty || m_deploy != context().deploy)
        rebuild();
    QTimer::singleShot(0, this, &DeploymentsPage::loadVisible);
}

void DeploymentsPage::reload()
{
    m_dirty = true;
    if (isVisible())
        rebuild();
}

void DeploymentsPage::refresh()
{
    m_requested.clear();
    m_queue.clear();
    ++m_generation;
    m_inFlight = 0;
    for (int r = 0; r < m_table->rowCount(); ++r)
        for (int c = 1; c < m_table->columnCount(); ++c)
            if (QTableWidgetItem* item = m_table->item(r, c))
                item->setText(QStringLiteral("…"));
    loadVisible();
    m_view->invalidate();
}

void DeploymentsPage::attach()
{
    if (m_deploy == context().deploy)
        return;
    if (m_deploy)
        disconnect(m_deploy, nullptr, this, nullptr);
    m_deploy = context().deploy;
    if (m_deploy)
        connect(m_deploy, &DeployService::operationFinished, this, [this](const QString& service) { loadRow(service, true); });
    // Answers from the service before belong to nothing shown now.
    ++m_generation;
    m_requested.clear();
    m_queue.clear();
    m_inFlight = 0;
}

void DeploymentsPage::rebuild()
{
    attach();
    m_dirty = false;
    const QPalette pal = palette();
    QPalette muted = m_subtitle->palette();
    muted.setColor(QPalette::WindowText, mutedTextColor(pal));
    m_subtitle->setPalette(muted);
    const QString file = context().catalog ? context().catalog->workspace().filePath() : QString();
    if (!m_deploy) {
        m_subtitle->setText(tr("Deploy, promote and roll back services through the workspace's deploy backends."));
        m_placeholder->set(QStringLiteral("rocket"), tr("Deployments are not set up"),
            tr("Add a spec.deploy section to the workspace file%1: its backends (how to deploy: gitops, argocd, "
               "argo-rollouts, github-actions, jenkins, kubernetes or script), its environments in promotion order, "
               "each naming its backend, and the services to deploy (or annotate components with "
               "flightdeck.dev/deploy-<setting>). The demo workspace has an example.")
                .arg(file.isEmpty() ? QString() : QStringLiteral(" (") + file + QLatin1Char(')')));
        m_states->setCurrentWidget(m_placeholder);
        m_refresh->hide();
        m_services.clear();
        m_table->setRowCount(0);
        m_view->setService({});
        return;
    }
    m_environments = m_deploy->environmentNames();
    const QStringList services = m_deploy->deployableServices();
    QStringList backends;
    for (const auto& b : m_deploy->settings().backends)
        backends << QStringLiteral("%1 (%2)").arg(b.name, b.type);
    m_subtitle->setText((services.size() == 1 ? tr("1 deployable service") : tr("%1 deployable services").arg(services.size()))
        + (m_environments.isEmpty() ? QString() : QStringLiteral(" · ") + m_environments.join(QStringLiteral(" → ")))
        + (backends.isEmpty() ? QString() : QStringLiteral(" · ") + tr("through %1").arg(backends.join(QStringLiteral(", ")))));
    if (services.isEmpty() || m_environments.isEmpty()) {
        m_placeholder->set(QStringLiteral("rocket"), m_environments.isEmpty() ? tr("No environments") : tr("No deployable services"),
            m_environments.isEmpty()
                ? tr("spec.deploy in the workspace lists no environments. Add them under spec.deploy.environments, in "
                     "promotion order (e.g. dev, staging, production), each naming its backend.")
                : tr("List services under spec.deploy.services in the workspace, or annotate components in the catalog "
                     "(flightdeck.dev/image, flightdeck.dev/deploy-<setting>, argocd/app-name, …)."));
        m_states->setCurrentWidget(m_placeholder);
        m_refresh->hide();
        m_services.clear();
        m_table->setRowCount(0);
        m_view->setService({});
        return;
    }
    m_states->setCurrentWidget(m_split);
    m_refresh->show();

    const bool changed = services != m_services || m_table->columnCount() != m_environments.size() + 1;
    m_services = services;
    if (changed) {
        const QSignalBlocker block(m_table);
        m_table->clear();
        m_table->setColumnCount(int(m_environments.size()) + 1);
        QStringList headers {tr("Service")};
        headers += m_environments;
        m_table->setHorizontalHeaderLabels(headers);
        m_table->setRowCount(int(services.size()));
        const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
        const QHash<QString, ServiceInfo>& infos = m_deploy->services();
        for (int r = 0; r < services.size(); ++r) {
            const ServiceInfo info = infos.value(services[r]);
            auto* name = new QTableWidgetItem(Icons::get(QStringLiteral("box")), services[r]);
            QStringList tip {info.title.isEmpty() ? services[r] : info.title};
            if (!info.owner.isEmpty())
                tip << tr("Owner: %1").arg(info.owner);
            name->setToolTip(tip.join(QLatin1Char('\n')));
            m_table->setItem(r, 0, name);
            for (int c = 0; c < m_environments.size(); ++c) {
                auto* item = new QTableWidgetItem(QStringLiteral("…"));
                item->setFont(mono);
                item->setToolTip(tr("Not read yet"));
                m_table->setItem(r, c + 1, item);
            }
        }
        m_table->setColumnWidth(0, 240);
        for (int c = 1; c < m_table->columnCount(); ++c)
            m_table->setColumnWidth(c, 170);
        m_requested.clear();
        m_queue.clear();
        ++m_generation;
        m_inFlight = 0;
        // The table takes the room of its rows (up to a third of the page); the service below the rest.
        const int rows = int(qMin<qsizetype>(services.size(), 8));
        const int tableHeight = m_table->horizontalHeader()->sizeHint().height() + rows * m_table->verticalHeader()->defaultSectionSize()
            + 2 * m_table->frameWidth() + 4;
        // At least three rows stay visible however small the window.
        const int rowHeight = m_table->verticalHeader()->defaultSectionSize();
        m_table->setMinimumHeight(m_table->horizontalHeader()->sizeHint().height() + int(qMin<qsizetype>(services.size(), 3)) * rowHeight
            + 2 * m_table->frameWidth() + 2);
        const int total = qMax(m_split->height(), 600);
        m_split->setSizes({qMin(tableHeight, total / 3), total - qMin(tableHeight, total / 3)});
    }
    QString want = m_services.contains(m_wanted) ? m_wanted : m_selected;
    if (!m_services.contains(want))
        want = m_services.value(0);
    if (m_services.contains(m_wanted))
        m_wanted.clear();
    showSelected(want);
    QTimer::singleShot(0, this, &DeploymentsPage::loadVisible);
    applyPendingAction();
}

void DeploymentsPage::selectService(const QString& service)
{
    m_selected = service;
    const ServiceInfo info = m_deploy ? m_deploy->services().value(service) : ServiceInfo();
    m_view->setService(service, info.title);
    Q_EMIT windowTitleChanged();
}

void DeploymentsPage::showSelected(const QString& service)
{
    const int row = int(m_services.indexOf(service));
    if (row < 0)
        return;
    m_quiet = true;
    m_table->selectRow(row);
    m_quiet = false;
    if (m_view->service() != service)
        selectService(service);
}

void DeploymentsPage::open(const QString& argument)
{
    // "<service>[/<action>:<environment>]"
    QString service = argument, action;
    const qsizetype slash = argument.indexOf(QLatin1Char('/'));
    if (slash >= 0) {
        service = argument.left(slash);
        action = argument.mid(slash + 1);
    }
    m_pendingAction = action;
    if (!service.isEmpty())
        m_wanted = service; // also when not listed yet: the catalog may still be loading
    if (m_dirty || m_deploy != context().deploy) {
        rebuild();
        return;
    }
    if (m_services.contains(m_wanted)) {
        showSelected(m_wanted);
        m_wanted.clear();
    }
    applyPendingAction();
}

void DeploymentsPage::applyPendingAction()
{
    // Only once the service the location names is the one shown.
    if (m_pendingAction.isEmpty() || !m_wanted.isEmpty() || m_selected.isEmpty() || !m_services.contains(m_selected) || !m_deploy)
        return;
    const QString action = std::exchange(m_pendingAction, QString());
    const qsizetype colon = action.indexOf(QLatin1Char(':'));
    const QString verb = colon < 0 ? action : action.left(colon);
    QString environment = colon < 0 ? QString() : action.mid(colon + 1);
    QString version;
    if (const qsizetype eq = environment.indexOf(QLatin1Char('=')); eq >= 0) {
        version = environment.mid(eq + 1);
        environment = environment.left(eq);
    }
    DeployDialog::Mode mode = DeployDialog::Mode::Deploy;
    if (verb == QLatin1String("promote"))
        mode = DeployDialog::Mode::Promote;
    else if (verb == QLatin1String("rollback"))
        mode = DeployDialog::Mode::Rollback;
    else if (verb != QLatin1String("deploy"))
        return;
    if (!m_view->isOperationRunning())
        m_view->openDialog(mode, environment, version);
}

void DeploymentsPage::loadVisible()
{
    if (!m_deploy || m_services.isEmpty() || !isVisible())
        return;
    int first = m_table->rowAt(0);
    int last = m_table->rowAt(m_table->viewport()->height() - 1);
    if (first < 0)
        first = 0;
    if (last < 0)
        last = int(m_services.size()) - 1;
    for (int r = first; r <= last && r < m_services.size(); ++r)
        loadRow(m_services[r], false);
}

void DeploymentsPage::loadRow(const QString& service, bool force)
{
    if (!m_deploy || !m_services.contains(service))
        return;
    for (const QString& env : std::as_const(m_environments)) {
        const QString key = cellKey(service, env);
        if (m_requested.contains(key) && !force)
            continue;
        m_requested.insert(key);
        m_queue.enqueue(Cell {service, env});
    }
    pump();
}

void DeploymentsPage::pump()
{
    while (m_inFlight < MaxInFlight && !m_queue.isEmpty() && m_deploy) {
        const Cell cell = m_queue.dequeue();
        ++m_inFlight;
        const int generation = m_generation;
        m_deploy->query(Action::Status, cell.service, cell.environment, this, [this, generation, cell](const DeployResult& r) {
            if (generation != m_generation)
                return;
            --m_inFlight;
            showCell(cell.service, cell.environment, r);
            pump();
        });
    }
}

void DeploymentsPage::showCell(const QString& service, const QString& environment, const DeployResult& result)
{
    const int row = int(m_services.indexOf(service));
    const int column = int(m_environments.indexOf(environment)) + 1;
    QTableWidgetItem* item = row >= 0 && column > 0 ? m_table->item(row, column) : nullptr;
    if (!item)
        return;
    const QPalette pal = palette();
    if (!result.ok()) {
        item->setText(QStringLiteral("?"));
        const QColor color = DeployFormat::healthColor(QStringLiteral("failed"), pal);
        item->setForeground(color);
        item->setIcon(Icons::get(QStringLiteral("triangle-alert"), color));
        item->setToolTip(result.message + (result.hint.isEmpty() ? QString() : QLatin1Char('\n') + result.hint));
        return;
    }
    const DeploymentState& s = result.state;
    const QString word = s.health.isEmpty() ? s.status : s.health;
    const QColor color = DeployFormat::healthColor(word, pal);
    item->setText(DeployFormat::versionOrDash(s.version));
    item->setForeground(s.version.isEmpty() ? mutedTextColor(pal) : color);
    item->setIcon(s.version.isEmpty() ? QIcon() : DeployFormat::dot(color));
    QStringList tip;
    tip << (s.version.isEmpty() ? tr("Nothing deployed in %1").arg(environment) : tr("%1 in %2").arg(s.version, environment));
    QStringList words;
    if (!s.health.isEmpty())
        words << s.health;
    if (!s.status.isEmpty() && s.status != s.health)
        words << s.status;
    if (!words.isEmpty())
        tip << words.join(QStringLiteral(" · "));
    if (!s.deployedBy.isEmpty() || s.deployedAt.isValid())
        tip << tr("Deployed %1 %2").arg(s.deployedBy.isEmpty() ? QString() : tr("by %1").arg(s.deployedBy), DeployFormat::exactUtc(s.deployedAt));
    if (!s.message.isEmpty())
        tip << s.message;
    item->setToolTip(tip.join(QLatin1Char('\n')));
}

} // namespace Flightdeck::Views
