// SPDX-License-Identifier: Apache-2.0
#include "deploymentsview.h"

#include "appcontext.h"
#include "deployformat.h"
#include "deployprogress.h"
#include "deploy/sourceversions.h"
#include "icons.h"
#include "widgets/codeviewparts.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDesktopServices>
#include <QEvent>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QPainter>
#include <QPushButton>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableWidget>
#include <QUrl>
#include <QVBoxLayout>

#include <algorithm>

namespace Flightdeck::Views {

using namespace Deploy;

namespace {

QColor blend(const QColor& a, const QColor& b, qreal t)
{
    return QColor::fromRgbF(float(a.redF() * (1 - t) + b.redF() * t), float(a.greenF() * (1 - t) + b.greenF() * t),
        float(a.blueF() * (1 - t) + b.blueF() * t));
}

QColor errorColor(const QPalette& palette)
{
    return DeployFormat::healthColor(QStringLiteral("failed"), palette);
}

QString shortId(const QString& id)
{
    // Commit hashes and other long ids: the first 12 characters say enough (the tooltip has all).
    return id.size() > 16 ? id.left(12) : id;
}

QFont monoFont(qreal scale = 1.0)
{
    QFont f = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    if (scale != 1.0)
        f.setPointSizeF(f.pointSizeF() * scale);
    return f;
}

} // namespace

// ---------------------------------------------------------------------------------------------------------------------
// EnvironmentCard

EnvironmentCard::EnvironmentCard(const QString& environment, QWidget* parent)
    : QFrame(parent)
    , m_environment(environment)
{
    setObjectName(QStringLiteral("EnvironmentCard-") + environment);
    setMinimumWidth(250);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 12, 14, 12);
    layout->setSpacing(4);

    auto* head = new QHBoxLayout;
    head->setSpacing(6);
    m_name = new QLabel(environment, this);
    QFont nameFont = m_name->font();
    nameFont.setWeight(QFont::DemiBold);
    nameFont.setPointSizeF(nameFont.pointSizeF() * 1.1);
    m_name->setFont(nameFont);
    head->addWidget(m_name);
    m_shield = new QLabel(this);
    m_shield->setFixedSize(16, 16);
    m_shield->setToolTip(tr("Protected: changing it asks for the service name"));
    m_shield->hide();
    head->addWidget(m_shield);
    head->addStretch(1);
    m_link = new QLabel(this);
    m_link->setTextFormat(Qt::RichText);
    m_link->setTextInteractionFlags(Qt::TextBrowserInteraction);
    m_link->hide();
    connect(m_link, &QLabel::linkActivated, this, [](const QString& url) { QDesktopServices::openUrl(QUrl(url)); });
    head->addWidget(m_link);
    layout->addLayout(head);
    m_backend = new QLabel(this);
    m_backend->setObjectName(QStringLiteral("CardBackend"));
    layout->addWidget(m_backend);
    layout->addSpacing(6);

    m_versionLabel = new QLabel(this);
    m_versionLabel->setObjectName(QStringLiteral("CardVersion"));
    m_versionLabel->setFont(monoFont(1.45));
    m_versionLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_versionLabel);
    m_statusLabel = new QLabel(this);
    m_statusLabel->setObjectName(QStringLiteral("CardStatus"));
    m_statusLabel->setTextFormat(Qt::RichText);
    layout->addWidget(m_statusLabel);
    m_deployedLabel = new QLabel(this);
    m_deployedLabel->setObjectName(QStringLiteral("CardDeployed"));
    m_deployedLabel->setWordWrap(true);
    layout->addWidget(m_deployedLabel);
    m_message = new QLabel(this);
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->hide();
    layout->addWidget(m_message);
    m_newer = new QLabel(this);
    m_newer->setObjectName(QStringLiteral("CardNewer"));
    m_newer->setTextFormat(Qt::RichText);
    m_newer->setTextInteractionFlags(Qt::LinksAccessibleByMouse | Qt::LinksAccessibleByKeyboard);
    m_newer->hide();
    connect(m_newer, &QLabel::linkActivated, this, [this] { Q_EMIT deployVersionRequested(m_environment, m_newestRelease); });
    layout->addWidget(m_newer);
    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("CardError"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->hide();
    layout->addWidget(m_error);
    layout->addStretch(1);
    layout->addSpacing(6);

    auto* buttons = new QHBoxLayout;
    buttons->setSpacing(6);
    m_deploy = new QPushButton(Icons::get(QStringLiteral("rocket")), tr("Deploy…"), this);
    m_deploy->setObjectName(QStringLiteral("CardDeploy"));
    m_promote = new QPushButton(Icons::get(QStringLiteral("chevrons-right")), tr("Promote"), this);
    m_promote->setObjectName(QStringLiteral("CardPromote"));
    m_rollback = new QPushButton(Icons::get(QStringLiteral("undo-2")), tr("Roll back…"), this);
    m_rollback->setObjectName(QStringLiteral("CardRollback"));
    for (QPushButton* b : {m_deploy, m_promote, m_rollback}) {
        b->setAutoDefault(false);
        buttons->addWidget(b);
    }
    buttons->addStretch(1);
    layout->addLayout(buttons);
    connect(m_deploy, &QPushButton::clicked, this, [this] { Q_EMIT deployRequested(m_environment); });
    connect(m_promote, &QPushButton::clicked, this, [this] { Q_EMIT promoteRequested(m_environment); });
    connect(m_rollback, &QPushButton::clicked, this, [this] { Q_EMIT rollbackRequested(m_environment); });
    setLoading();
}

void EnvironmentCard::setBackend(const QString& name, const QString& type, bool confirm)
{
    m_backend->setText(type.isEmpty() ? name : tr("%1 · %2").arg(name, type));
    m_backend->setToolTip(tr("Deployed through the backend %1 (%2)").arg(name, type));
    m_shield->setVisible(confirm);
    applyColors();
}

void EnvironmentCard::setLoading()
{
    m_loading = true;
    m_hasError = false;
    m_version.clear();
    m_health.clear();
    m_versionLabel->setText(tr("Loading…"));
    m_versionLabel->setFont(font());
    m_statusLabel->clear();
    m_deployedLabel->clear();
    m_deployedLabel->setToolTip(QString());
    m_message->hide();
    m_error->hide();
    m_link->hide();
    m_newer->hide();
    applyColors();
    update();
}

void EnvironmentCard::setNewestRelease(const QString& version, const QString& detail)
{
    m_newestRelease = version;
    m_newestDetail = detail;
    updateNewer();
}

// "Newer release: 2.4.1" under a release number that an newer tag of the repository follows.
void EnvironmentCard::updateNewer()
{
    const bool show = !m_loading && !m_hasError && !m_newestRelease.isEmpty() && Deploy::isReleaseNumber(m_version)
        && Deploy::isNewerVersion(m_newestRelease, m_version);
    if (show) {
        m_newer->setText(tr("Newer release: <a href=\"deploy\">%1</a>").arg(m_newestRelease.toHtmlEscaped()));
        m_newer->setToolTip(tr("Deploy %1 to %2…\n%3").arg(m_newestRelease, m_environment, m_newestDetail));
    }
    m_newer->setVisible(show);
}

void EnvironmentCard::setStatus(const DeployResult& status)
{
    m_loading = false;
    m_versionLabel->setFont(monoFont(1.45));
    if (!status.ok()) {
        m_hasError = true;
        m_version.clear();
        m_health.clear();
        m_versionLabel->setText(QStringLiteral("?"));
        m_statusLabel->setText(tr("Status unknown"));
        m_deployedLabel->clear();
        m_error->setText(status.message + (status.hint.isEmpty() ? QString() : QLatin1Char(' ') + status.hint));
        m_error->setToolTip(m_error->text());
        m_error->show();
        m_message->hide();
        m_link->hide();
        updateNewer();
        applyColors();
        update();
        return;
    }
    m_hasError = false;
    m_error->hide();
    const DeploymentState& s = status.state;
    m_version = s.version;
    m_health = s.health;
    m_versionLabel->setText(s.version.isEmpty() ? QStringLiteral("—") : s.version);
    m_versionLabel->setToolTip(s.revision.isEmpty() ? QString() : tr("Revision %1").arg(s.revision));
    QStringList words;
    if (!s.health.isEmpty())
        words << s.health;
    if (!s.status.isEmpty() && s.status.compare(s.health, Qt::CaseInsensitive) != 0)
        words << s.status;
    if (s.version.isEmpty() && words.isEmpty())
        words << tr("Nothing deployed");
    const QColor color = DeployFormat::healthColor(s.health.isEmpty() ? s.status : s.health, palette());
    QString statusHtml = QStringLiteral("<span style=\"color:%1\">●</span>&nbsp;%2")
                             .arg(color.name(), words.join(QStringLiteral(" · ")).toHtmlEscaped());
    if (s.steps > 0 && s.step >= 0)
        statusHtml += tr(" · step %1 of %2").arg(s.step + 1).arg(s.steps);
    if (s.canaryWeight >= 0)
        statusHtml += tr(" · %1% canary").arg(s.canaryWeight);
    m_statusLabel->setText(statusHtml);
    m_statusLabel->setToolTip(s.resources.join(QLatin1Char('\n')));
    QStringList deployed;
    if (!s.deployedBy.isEmpty())
        deployed << tr("by %1").arg(DeployFormat::personName(s.deployedBy));
    if (s.deployedAt.isValid())
        deployed << DeployFormat::relativeTime(s.deployedAt);
    m_deployedLabel->setText(deployed.isEmpty() ? QString() : tr("Deployed %1").arg(deployed.join(QStringLiteral(" · "))));
    QStringList tip;
    if (s.deployedAt.isValid())
        tip << DeployFormat::exactUtc(s.deployedAt);
    if (!s.deployedBy.isEmpty())
        tip << s.deployedBy;
    m_deployedLabel->setToolTip(tip.join(QLatin1Char('\n')));
    QStringList message;
    if (!s.message.isEmpty())
        message << s.message;
    if (!s.analysis.isEmpty())
        message << tr("Analysis: %1").arg(s.analysis.join(QStringLiteral(", ")));
    if (s.autoSync)
        message << tr("Automated sync is on.");
    m_message->setText(message.join(QLatin1Char('\n')));
    m_message->setVisible(!message.isEmpty());
    m_url = s.url;
    if (!s.url.isEmpty()) {
        m_link->setText(QStringLiteral("<a href=\"%1\">%2</a>").arg(s.url.toHtmlEscaped(), tr("Open")));
        m_link->setToolTip(s.url);
    }
    m_link->setVisible(!s.url.isEmpty());
    applyColors();
    update();
    updateNewer();
}

void EnvironmentCard::applyColors()
{
    const QPalette pal = palette();
    const QColor muted = mutedTextColor(pal);
    for (QLabel* l : {m_backend, m_deployedLabel, m_message}) {
        QPalette p = l->palette();
        p.setColor(QPalette::WindowText, muted);
        l->setPalette(p);
    }
    QPalette v = m_versionLabel->palette();
    v.setColor(QPalette::WindowText, m_loading ? muted : pal.color(QPalette::WindowText));
    m_versionLabel->setPalette(v);
    QPalette e = m_error->palette();
    e.setColor(QPalette::WindowText, errorColor(pal));
    m_error->setPalette(e);
    m_shield->setPixmap(Icons::get(QStringLiteral("shield-check"), muted).pixmap(QSize(16, 16), devicePixelRatioF()));
}

void EnvironmentCard::changeEvent(QEvent* event)
{
    QFrame::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        applyColors();
}

void EnvironmentCard::paintEvent(QPaintEvent* event)
{
    Q_UNUSED(event)
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QPalette pal = palette();
    const bool dark = isDarkPalette(pal);
    const QColor base = pal.color(QPalette::Base);
    const QColor text = pal.color(QPalette::Text);
    const QRectF r = QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5);
    p.setPen(QPen(blend(base, text, dark ? 0.22 : 0.16), 1));
    p.setBrush(base);
    p.drawRoundedRect(r, 8, 8);
    // A strip in the colour of the health on the left edge.
    QColor accent = m_hasError ? errorColor(pal) : DeployFormat::healthColor(m_health, pal);
    if (m_loading || (!m_hasError && m_health.isEmpty()))
        accent = blend(base, text, 0.25);
    p.setPen(Qt::NoPen);
    p.setBrush(accent);
    p.setClipRect(QRectF(r.left(), r.top(), 5, r.height()));
    p.drawRoundedRect(r, 8, 8);
}

// ---------------------------------------------------------------------------------------------------------------------
// DeploymentsView

DeploymentsView::DeploymentsView(AppContext& context, QWidget* parent)
    : QWidget(parent)
    , m_context(context)
{
    setObjectName(QStringLiteral("DeploymentsView"));
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    m_states = new QStackedWidget(this);
    outer->addWidget(m_states);

    auto* content = new QWidget(m_states);
    auto* layout = new QVBoxLayout(content);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(10);

    m_header = new QWidget(content);
    auto* head = new QHBoxLayout(m_header);
    head->setContentsMargins(0, 0, 0, 0);
    head->setSpacing(10);
    auto* titles = new QVBoxLayout;
    titles->setSpacing(1);
    m_heading = new QLabel(m_header);
    m_heading->setObjectName(QStringLiteral("DeploymentsHeading"));
    QFont big = m_heading->font();
    big.setPointSizeF(big.pointSizeF() * 1.25);
    big.setWeight(QFont::DemiBold);
    m_heading->setFont(big);
    m_heading->setTextInteractionFlags(Qt::TextSelectableByMouse);
    titles->addWidget(m_heading);
    m_subheading = new QLabel(m_header);
    titles->addWidget(m_subheading);
    head->addLayout(titles, 1);
    m_refresh = new QPushButton(Icons::get(QStringLiteral("refresh-cw")), tr("Refresh"), m_header);
    m_refresh->setObjectName(QStringLiteral("DeploymentsRefresh"));
    m_refresh->setToolTip(tr("Read the status and history of every environment again"));
    head->addWidget(m_refresh, 0, Qt::AlignBottom);
    layout->addWidget(m_header);

    auto* cards = new QWidget(content);
    m_cardsLayout = new QHBoxLayout(cards);
    m_cardsLayout->setContentsMargins(0, 0, 0, 0);
    m_cardsLayout->setSpacing(12);
    layout->addWidget(cards);

    m_split = new QSplitter(Qt::Vertical, content);
    m_split->setChildrenCollapsible(false);
    m_progress = new DeployProgress(m_split);
    m_progress->setMinimumHeight(200);
    m_progress->hide();
    m_split->addWidget(m_progress);

    auto* historyBox = new QWidget(m_split);
    auto* history = new QVBoxLayout(historyBox);
    history->setContentsMargins(0, 4, 0, 0);
    history->setSpacing(6);
    auto* historyHead = new QHBoxLayout;
    historyHead->setSpacing(8);
    m_historyHead = historyHead;
    auto* historyTitle = new QLabel(tr("History"), historyBox);
    QFont section = historyTitle->font();
    section.setWeight(QFont::DemiBold);
    section.setPointSizeF(section.pointSizeF() * 1.08);
    historyTitle->setFont(section);
    historyHead->addWidget(historyTitle);
    m_filter = new QComboBox(historyBox);
    m_filter->setObjectName(QStringLiteral("HistoryFilter"));
    m_filter->setAccessibleName(tr("Environment"));
    m_filter->setMinimumWidth(170);
    historyHead->addWidget(m_filter);
    m_historyStatus = new QLabel(historyBox);
    m_historyStatus->setObjectName(QStringLiteral("HistoryStatus"));
    m_historyStatus->setWordWrap(true);
    historyHead->addWidget(m_historyStatus, 1);
    m_rollbackTo = new QPushButton(Icons::get(QStringLiteral("undo-2")), tr("Roll back to this…"), historyBox);
    m_rollbackTo->setObjectName(QStringLiteral("HistoryRollback"));
    m_rollbackTo->setAutoDefault(false);
    historyHead->addWidget(m_rollbackTo);
    history->addLayout(historyHead);

    m_history = new QTableWidget(0, HistoryColumnCount, historyBox);
    m_history->setObjectName(QStringLiteral("HistoryTable"));
    m_history->setHorizontalHeaderLabels(
        {tr("When"), tr("Environment"), tr("Operation"), tr("Version"), tr("From"), tr("Result"), tr("By"), tr("Id")});
    m_history->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_history->setSelectionMode(QAbstractItemView::SingleSelection);
    m_history->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_history->setContextMenuPolicy(Qt::CustomContextMenu);
    m_history->verticalHeader()->hide();
    m_history->setShowGrid(false);
    m_history->setAlternatingRowColors(true);
    m_history->setWordWrap(false);
    m_history->setTextElideMode(Qt::ElideRight);
    m_history->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_history->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 10);
    m_history->horizontalHeader()->setStretchLastSection(true);
    m_history->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    m_history->setColumnWidth(When, 120);
    m_history->setColumnWidth(Environment, 110);
    m_history->setColumnWidth(Operation, 95);
    m_history->setColumnWidth(Version, 110);
    m_history->setColumnWidth(From, 110);
    m_history->setColumnWidth(Result, 110);
    m_history->setColumnWidth(By, 150);
    history->addWidget(m_history, 1);
    m_split->addWidget(historyBox);
    m_split->setStretchFactor(0, 2);
    m_split->setStretchFactor(1, 3);
    layout->addWidget(m_split, 1);

    m_placeholder = new Placeholder(m_states);
    m_states->addWidget(content);
    m_states->addWidget(m_placeholder);

    connect(m_refresh, &QPushButton::clicked, this, &DeploymentsView::refresh);
    connect(m_filter, &QComboBox::currentIndexChanged, this, &DeploymentsView::rebuildHistory);
    connect(m_history, &QTableWidget::itemSelectionChanged, this, &DeploymentsView::updateActions);
    connect(m_rollbackTo, &QPushButton::clicked, this, &DeploymentsView::rollbackToSelected);
    connect(m_history, &QTableWidget::customContextMenuRequested, this, [this](const QPoint& pos) {
        const QModelIndex index = m_history->indexAt(pos);
        if (!index.isValid())
            return;
        m_history->selectRow(index.row());
        const Row* row = selectedRow();
        if (!row)
            return;
        QMenu menu(this);
        QAction* rollback = menu.addAction(Icons::get(QStringLiteral("undo-2")), tr("Roll back to this…"));
        rollback->setEnabled(m_rollbackTo->isEnabled());
        rollback->setToolTip(m_rollbackTo->toolTip());
        QAction* copy = menu.addAction(Icons::get(QStringLiteral("copy")), tr("Copy id"));
        copy->setEnabled(!row->entry.id.isEmpty());
        QAction* chosen = menu.exec(m_history->viewport()->mapToGlobal(pos));
        if (chosen == rollback)
            rollbackToSelected();
        else if (chosen == copy)
            QApplication::clipboard()->setText(row->entry.id);
    });
    connect(m_progress, &DeployProgress::closeRequested, m_progress, &QWidget::hide);
    connect(m_progress, &DeployProgress::operationFinished, this, [this](const DeployPlan& plan, const DeployResult& result) {
        updateActions();
        Q_EMIT operationFinished(plan.service, plan.environment, result);
    });

    m_placeholder->set(QStringLiteral("rocket"), tr("No service chosen"), tr("Choose a service to see its deployments."));
    m_states->setCurrentWidget(m_placeholder);
}

void DeploymentsView::setHeaderVisible(bool visible)
{
    m_header->setVisible(visible);
    // Without the heading, Refresh moves next to the history's controls.
    if (!visible && m_refresh->parentWidget() == m_header) {
        m_refresh->setParent(m_rollbackTo->parentWidget());
        m_historyHead->addWidget(m_refresh);
        m_refresh->show();
    }
}

void DeploymentsView::setService(const QString& service, const QString& title)
{
    if (service == m_service && title == m_title && m_deploy == m_context.deploy && !m_dirty)
        return;
    m_service = service;
    m_title = title;
    m_dirty = true;
    m_status.clear();
    m_historyByEnvironment.clear();
    m_historyErrors.clear();
    ++m_generation; // answers for the previous service are dropped
    m_pending = 0;
    if (isVisible())
        refresh();
}

void DeploymentsView::invalidate()
{
    m_dirty = true;
    if (isVisible())
        refresh();
}

bool DeploymentsView::isOperationRunning() const
{
    return m_progress->isRunning();
}

void DeploymentsView::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (m_dirty || m_deploy != m_context.deploy)
        refresh();
}

EnvironmentCard* DeploymentsView::card(const QString& environment) const
{
    for (EnvironmentCard* c : m_cards)
        if (c->environment() == environment)
            return c;
    return nullptr;
}

void DeploymentsView::attach()
{
    if (m_deploy == m_context.deploy)
        return;
    if (m_deploy)
        disconnect(m_deploy, nullptr, this, nullptr);
    m_deploy = m_context.deploy;
    if (m_deploy)
        connect(m_deploy, &DeployService::operationFinished, this, [this](const QString& service) {
            // Any operation of this service, started here or elsewhere, changes what runs.
            if (service == m_service)
                invalidate();
        });
}

void DeploymentsView::rebuildCards()
{
    const QStringList environments = m_deploy ? m_deploy->environmentNames() : QStringList();
    if (environments != m_environments) {
        for (EnvironmentCard* c : std::as_const(m_cards))
            delete c;
        m_cards.clear();
        while (QLayoutItem* item = m_cardsLayout->takeAt(0))
            delete item;
        m_environments = environments;
        for (const QString& env : environments) {
            auto* c = new EnvironmentCard(env, m_cardsLayout->parentWidget());
            connect(c, &EnvironmentCard::deployRequested, this, [this](const QString& e) { openDialog(DeployDialog::Mode::Deploy, e); });
            connect(c, &EnvironmentCard::promoteRequested, this, [this](const QString& e) { openDialog(DeployDialog::Mode::Promote, e); });
            connect(c, &EnvironmentCard::rollbackRequested, this, [this](const QString& e) { openDialog(DeployDialog::Mode::Rollback, e); });
            connect(c, &EnvironmentCard::deployVersionRequested, this,
                [this](const QString& e, const QString& version) { openDialog(DeployDialog::Mode::Deploy, e, version); });
            m_cardsLayout->addWidget(c, 1);
            m_cards << c;
        }
        const QSignalBlocker block(m_filter);
        const QString keep = m_filter->currentData().toString();
        m_filter->clear();
        m_filter->addItem(tr("All environments"), QString());
        for (const QString& env : environments)
            m_filter->addItem(env, env);
        m_filter->setCurrentIndex(qMax(0, m_filter->findData(keep)));
    }
    for (EnvironmentCard* c : std::as_const(m_cards)) {
        const auto* spec = m_deploy ? m_deploy->environment(c->environment()) : nullptr;
        const auto* backend = spec ? m_deploy->settings().backend(spec->backend) : nullptr;
        c->setBackend(spec ? spec->backend : QString(), backend ? backend->type : QString(), spec && spec->confirm);
    }
}

void DeploymentsView::refresh()
{
    attach();
    m_dirty = false;
    const int generation = ++m_generation;
    m_pending = 0;
    if (!m_deploy) {
        m_placeholder->set(QStringLiteral("rocket"), tr("Deploying is not set up"),
            tr("The workspace has no spec.deploy section: add backends, environments and services to it to deploy from "
               "here."));
        m_states->setCurrentWidget(m_placeholder);
        return;
    }
    if (m_service.isEmpty()) {
        m_placeholder->set(QStringLiteral("rocket"), tr("No service chosen"), tr("Choose a service to see its deployments."));
        m_states->setCurrentWidget(m_placeholder);
        return;
    }
    rebuildCards();
    if (m_environments.isEmpty()) {
        m_placeholder->set(QStringLiteral("server"), tr("No environments"),
            tr("spec.deploy in the workspace lists no environments. Add them under spec.deploy.environments, in promotion "
               "order (e.g. dev, staging, production), each naming its backend."));
        m_states->setCurrentWidget(m_placeholder);
        return;
    }
    m_states->setCurrentIndex(0);
    m_heading->setText(m_title.isEmpty() || m_title == m_service ? m_service : tr("%1 (%2)").arg(m_title, m_service));
    const QString order = m_environments.join(QStringLiteral(" → "));
    m_subheading->setText(tr("Environments in promotion order: %1").arg(order));
    QPalette muted = m_subheading->palette();
    muted.setColor(QPalette::WindowText, mutedTextColor(palette()));
    m_subheading->setPalette(muted);

    m_status.clear();
    m_historyByEnvironment.clear();
    m_historyErrors.clear();
    rebuildHistory();
    m_refresh->setEnabled(false);
    // The newest release of the service's repository, offered on the cards it is newer than.
    ++m_pending;
    m_deploy->sourceVersions(m_service, m_environments.first(), this, [this, generation](const SourceVersions& v) {
        if (generation != m_generation)
            return;
        const SourceVersion* newest = v.ok() ? newestRelease(v) : nullptr;
        m_newestRelease = newest ? newest->version : QString();
        m_newestDetail = newest ? newest->describe() : QString();
        for (EnvironmentCard* c : std::as_const(m_cards))
            c->setNewestRelease(m_newestRelease, m_newestDetail);
        --m_pending;
        settle();
    });
    for (EnvironmentCard* c : std::as_const(m_cards)) {
        c->setLoading();
        const QString env = c->environment();
        m_pending += 2;
        m_deploy->query(Action::Status, m_service, env, this, [this, generation, env](const DeployResult& r) {
            if (generation != m_generation)
                return;
            m_status.insert(env, r);
            showStatus(env);
            --m_pending;
            updateActions();
            settle();
        });
        m_deploy->query(Action::History, m_service, env, this, [this, generation, env](const DeployResult& r) {
            if (generation != m_generation)
                return;
            if (r.ok())
                m_historyByEnvironment.insert(env, r.history);
            else
                m_historyErrors.insert(env, r.message + (r.hint.isEmpty() ? QString() : QLatin1Char(' ') + r.hint));
            if (m_status.contains(env))
                showStatus(env);
            --m_pending;
            rebuildHistory();
            settle();
        });
    }
    updateActions();
}

void DeploymentsView::showStatus(const QString& environment)
{
    EnvironmentCard* c = card(environment);
    if (!c)
        return;
    DeployResult r = m_status.value(environment);
    DeploymentState& s = r.state;
    // A backend that knows what runs but not who put it there (a health URL): the newest
    // successful history entry of that version says who and when.
    if (r.ok() && !s.version.isEmpty() && (s.deployedBy.isEmpty() || !s.deployedAt.isValid())) {
        const HistoryEntry* best = nullptr;
        for (const HistoryEntry& h : m_historyByEnvironment.value(environment))
            if (h.version == s.version && h.result == QLatin1String("succeeded") && (!best || h.at > best->at))
                best = &h;
        if (best) {
            if (s.deployedBy.isEmpty())
                s.deployedBy = best->actor;
            if (!s.deployedAt.isValid())
                s.deployedAt = best->at;
        }
    }
    c->setStatus(r);
}

void DeploymentsView::settle()
{
    if (m_pending > 0)
        return;
    m_refresh->setEnabled(true);
    updateActions();
    Q_EMIT loaded();
}

void DeploymentsView::rebuildHistory()
{
    QString keepId, keepEnv;
    if (const Row* r = selectedRow()) {
        keepId = r->entry.id;
        keepEnv = r->environment;
    }
    const QString only = m_filter->currentData().toString();
    m_rows.clear();
    for (const QString& env : std::as_const(m_environments)) {
        if (!only.isEmpty() && env != only)
            continue;
        for (const HistoryEntry& h : m_historyByEnvironment.value(env))
            m_rows << Row {env, h};
    }
    // Newest first; entries without a time keep their backend's order, after the dated ones.
    std::stable_sort(m_rows.begin(), m_rows.end(), [](const Row& a, const Row& b) {
        if (a.entry.at.isValid() != b.entry.at.isValid())
            return a.entry.at.isValid();
        return a.entry.at > b.entry.at;
    });

    const QPalette pal = palette();
    const QFont mono = monoFont();
    m_history->setSortingEnabled(false);
    m_history->clearContents();
    m_history->setRowCount(int(m_rows.size()));
    int select = -1;
    for (int r = 0; r < m_rows.size(); ++r) {
        const Row& row = m_rows[r];
        const HistoryEntry& h = row.entry;
        const auto set = [&](int column, const QString& text, const QString& tip = {}, bool monospace = false) {
            auto* item = new QTableWidgetItem(text);
            item->setToolTip(tip.isEmpty() ? (h.detail.isEmpty() ? text : text + QLatin1Char('\n') + h.detail) : tip);
            if (monospace)
                item->setFont(mono);
            m_history->setItem(r, column, item);
            return item;
        };
        set(When, h.at.isValid() ? DeployFormat::relativeTime(h.at) : tr("unknown"), DeployFormat::exactUtc(h.at));
        set(Environment, row.environment);
        set(Operation, DeployFormat::operationTitle(h.operation.isEmpty() ? QStringLiteral("deploy") : h.operation));
        set(Version, DeployFormat::versionOrDash(h.version), {}, true);
        set(From, DeployFormat::versionOrDash(h.previousVersion), {}, true);
        QTableWidgetItem* result = set(Result, h.result.isEmpty() ? tr("unknown") : h.result);
        const QColor color = DeployFormat::healthColor(h.result, pal);
        result->setIcon(DeployFormat::dot(color));
        result->setForeground(color);
        set(By, DeployFormat::personName(h.actor), h.actor);
        set(Id, shortId(h.id), h.detail.isEmpty() ? h.id : h.id + QLatin1Char('\n') + h.detail, true);
        if (!keepId.isEmpty() && h.id == keepId && row.environment == keepEnv)
            select = r;
    }
    if (select >= 0)
        m_history->selectRow(select);

    // What the history says about itself: how many, still loading, or what could not be read.
    QStringList problems;
    for (const QString& env : std::as_const(m_environments))
        if (m_historyErrors.contains(env) && (only.isEmpty() || env == only))
            problems << tr("%1: %2").arg(env, m_historyErrors.value(env));
    QPalette status = m_historyStatus->palette();
    if (!problems.isEmpty()) {
        m_historyStatus->setText(tr("Could not read the history of %1").arg(problems.join(QStringLiteral("; "))));
        status.setColor(QPalette::WindowText, errorColor(pal));
    } else {
        status.setColor(QPalette::WindowText, mutedTextColor(pal));
        if (m_pending > 0 && m_rows.isEmpty())
            m_historyStatus->setText(tr("Loading…"));
        else if (m_rows.isEmpty())
            m_historyStatus->setText(only.isEmpty() ? tr("No deployments recorded yet.") : tr("No deployments to %1 recorded yet.").arg(only));
        else
            m_historyStatus->setText(m_rows.size() == 1 ? tr("1 entry") : tr("%1 entries, newest first").arg(m_rows.size()));
    }
    m_historyStatus->setPalette(status);
    m_historyStatus->setToolTip(m_historyStatus->text());
    updateActions();
}

const DeploymentsView::Row* DeploymentsView::selectedRow() const
{
    const auto rows = m_history->selectionModel() ? m_history->selectionModel()->selectedRows() : QModelIndexList();
    if (rows.isEmpty())
        return nullptr;
    const int r = rows.first().row();
    return r >= 0 && r < m_rows.size() ? &m_rows[r] : nullptr;
}

void DeploymentsView::updateActions()
{
    const bool running = m_progress->isRunning();
    const QString busy = tr("An operation is running: wait for it to end, or stop it.");
    for (EnvironmentCard* c : std::as_const(m_cards)) {
        const QString env = c->environment();
        QString error;
        DeployBackend* backend = m_deploy ? m_deploy->backendFor(env, &error) : nullptr;
        const bool canDeploy = backend && backend->can(Capability::Deploy);
        const bool canRollback = backend && (backend->can(Capability::Rollback) || canDeploy);
        c->deployButton()->setEnabled(canDeploy && !running);
        c->deployButton()->setToolTip(running ? busy
                : !backend                    ? error
                : canDeploy                   ? tr("Deploy a version of %1 to %2").arg(m_service, env)
                                              : tr("The %1 backend cannot deploy.").arg(backend->type()));
        c->rollbackButton()->setEnabled(canRollback && !running);
        c->rollbackButton()->setToolTip(running ? busy
                : !backend                      ? error
                : canRollback                   ? tr("Go back to an earlier version of %1 in %2").arg(m_service, env)
                                                : tr("The %1 backend cannot roll back.").arg(backend->type()));
        const QString previous = m_deploy ? m_deploy->previousEnvironment(env) : QString();
        const bool previousLoaded = m_status.contains(previous);
        const DeployResult source = m_status.value(previous);
        QString promoteTip;
        bool promote = canDeploy && !previous.isEmpty() && !running;
        if (previous.isEmpty()) {
            promoteTip = tr("%1 is the first environment: there is nothing to promote from.").arg(env);
        } else if (previousLoaded && source.ok() && source.state.version.isEmpty()) {
            promote = false;
            promoteTip = tr("Nothing of %1 runs in %2 to promote.").arg(m_service, previous);
        } else if (previousLoaded && source.ok()) {
            const QString now = m_status.value(env).state.version;
            promoteTip = now == source.state.version
                ? tr("Promote %1 from %2 to %3 (it already runs there)").arg(source.state.version, previous, env)
                : tr("Promote %1 from %2 to %3").arg(source.state.version, previous, env);
        } else {
            promoteTip = tr("Promote the version running in %1 to %2").arg(previous, env);
        }
        if (running)
            promoteTip = busy;
        else if (!canDeploy && backend)
            promoteTip = tr("The %1 backend cannot deploy.").arg(backend->type());
        c->promoteButton()->setEnabled(promote);
        c->promoteButton()->setToolTip(promoteTip);
    }
    const Row* row = selectedRow();
    bool rollbackTo = row && !row->entry.version.isEmpty() && !running;
    QString tip;
    if (!row) {
        tip = tr("Select a history entry to go back to its version.");
    } else if (row->entry.version.isEmpty()) {
        tip = tr("This entry names no version.");
    } else if (running) {
        tip = busy;
    } else {
        DeployBackend* backend = m_deploy ? m_deploy->backendFor(row->environment) : nullptr;
        rollbackTo = backend && (backend->can(Capability::Rollback) || backend->can(Capability::Deploy));
        tip = rollbackTo ? tr("Roll %1 in %2 back to %3").arg(m_service, row->environment, row->entry.version)
                         : tr("The backend of %1 cannot roll back.").arg(row->environment);
    }
    m_rollbackTo->setEnabled(rollbackTo);
    m_rollbackTo->setToolTip(tip);
}

QStringList DeploymentsView::knownVersions() const
{
    QStringList out;
    for (const QString& env : m_environments) {
        const QString v = m_status.value(env).state.version;
        if (!v.isEmpty() && !out.contains(v))
            out << v;
    }
    QList<HistoryEntry> all;
    for (const auto& list : m_historyByEnvironment)
        all += list;
    std::stable_sort(all.begin(), all.end(), [](const HistoryEntry& a, const HistoryEntry& b) { return a.at > b.at; });
    for (const HistoryEntry& h : std::as_const(all))
        for (const QString& v : {h.version, h.previousVersion})
            if (!v.isEmpty() && !out.contains(v))
                out << v;
    return out;
}

void DeploymentsView::rollbackToSelected()
{
    const Row* row = selectedRow();
    if (!row || !m_rollbackTo->isEnabled())
        return;
    openDialog(DeployDialog::Mode::Rollback, row->environment, row->entry.version, row->entry.id);
}

DeployDialog* DeploymentsView::openDialog(DeployDialog::Mode mode, const QString& environment, const QString& version,
    const QString& historyId)
{
    attach();
    if (!m_deploy || m_service.isEmpty())
        return nullptr;
    DeployDialog::Setup setup;
    setup.mode = mode;
    setup.service = m_service;
    setup.environment = environment;
    setup.version = version;
    setup.historyId = historyId;
    setup.knownVersions = knownVersions();
    auto* dialog = new DeployDialog(m_deploy, setup, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        if (DeployOperation* operation = dialog->takeOperation())
            startOperation(operation);
    });
    dialog->open();
    return dialog;
}

void DeploymentsView::startOperation(DeployOperation* operation)
{
    if (m_progress->isRunning()) {
        // One operation at a time here; the dialog's buttons are off while one runs, so this is a race.
        operation->cancel();
        return;
    }
    const DeployPlan& plan = operation->plan();
    DeployBackend* backend = m_deploy ? m_deploy->backendNamed(plan.backend) : nullptr;
    m_progress->follow(operation, backend && backend->can(Capability::Abort));
    m_progress->show();
    if (m_split->sizes().value(0) < 200)
        m_split->setSizes({260, qMax(200, m_split->height() - 260)});
    updateActions();
    operation->execute();
}

} // namespace Flightdeck::Views
