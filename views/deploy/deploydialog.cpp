// SPDX-License-Identifier: Apache-2.0
#include "deploydialog.h"

#include "deployformat.h"
#include "icons.h"
#include "widgets/codeviewparts.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QPushButton>
#include <QStyledItemDelegate>
#include <QTimer>
#include <QUrl>
#include <QVBoxLayout>

namespace Flightdeck::Views {

using namespace Deploy;

namespace {

// Where a listed version comes from ("tag flight-search/2.4.1 · 3 Nov 2026 · …").
constexpr int VersionDetailRole = Qt::UserRole + 1;

// Shows each version of the list with where it comes from, after it, in the muted colour.
class VersionDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override
    {
        QSize size = QStyledItemDelegate::sizeHint(option, index);
        size.setHeight(size.height() + 8); // room between rows of a long list
        return size;
    }

    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override
    {
        QStyleOptionViewItem opt = option;
        initStyleOption(&opt, index);
        const QString detail = index.data(VersionDetailRole).toString();
        opt.text.clear();
        const QWidget* widget = option.widget;
        QStyle* style = widget ? widget->style() : QApplication::style();
        style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);
        const QRect text = style->subElementRect(QStyle::SE_ItemViewItemText, &opt, widget).adjusted(4, 0, -4, 0);
        const bool selected = opt.state & QStyle::State_Selected;
        const QString version = index.data(Qt::DisplayRole).toString();
        painter->save();
        painter->setFont(opt.font);
        painter->setPen(opt.palette.color(selected ? QPalette::HighlightedText : QPalette::Text));
        const int versionWidth = opt.fontMetrics.horizontalAdvance(version);
        painter->drawText(text, Qt::AlignLeft | Qt::AlignVCenter, version);
        if (!detail.isEmpty() && text.width() > versionWidth + 24) {
            QFont small = QApplication::font();
            painter->setFont(small);
            if (!selected)
                painter->setPen(mutedTextColor(opt.palette));
            const QRect rest = text.adjusted(versionWidth + 16, 0, 0, 0);
            painter->drawText(rest, Qt::AlignLeft | Qt::AlignVCenter, QFontMetrics(small).elidedText(detail, Qt::ElideRight, rest.width()));
        }
        painter->restore();
    }
};

QString operationOf(DeployDialog::Mode mode)
{
    switch (mode) {
    case DeployDialog::Mode::Deploy: return QStringLiteral("deploy");
    case DeployDialog::Mode::Promote: return QStringLiteral("promote");
    case DeployDialog::Mode::Rollback: return QStringLiteral("rollback");
    }
    return QStringLiteral("deploy");
}

QPalette muted(const QWidget* w)
{
    QPalette p = w->palette();
    p.setColor(QPalette::WindowText, mutedTextColor(p));
    return p;
}

} // namespace

DeployDialog::DeployDialog(DeployService* service, const Setup& setup, QWidget* parent)
    : QDialog(parent)
    , m_service(service)
    , m_setup(setup)
{
    setObjectName(QStringLiteral("DeployDialog"));
    const QString title = DeployFormat::operationTitle(operationOf(setup.mode));
    setWindowTitle(tr("%1 %2").arg(title, setup.service));
    setMinimumWidth(600);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(18, 16, 18, 14);
    layout->setSpacing(12);

    auto* heading = new QLabel(this);
    QFont big = heading->font();
    big.setPointSizeF(big.pointSizeF() * 1.3);
    big.setWeight(QFont::DemiBold);
    heading->setFont(big);
    heading->setText(setup.mode == Mode::Deploy ? tr("Deploy %1").arg(setup.service)
            : setup.mode == Mode::Promote      ? tr("Promote %1").arg(setup.service)
                                               : tr("Roll back %1").arg(setup.service));
    layout->addWidget(heading);
    auto* intro = new QLabel(this);
    intro->setWordWrap(true);
    intro->setPalette(muted(this));
    intro->setText(setup.mode == Mode::Deploy ? tr("Choose where and which version. Nothing changes until you confirm below.")
            : setup.mode == Mode::Promote
            ? tr("Promote deploys the version running in the environment before. Nothing changes until you confirm below.")
            : tr("Go back to an earlier version: the one before the current (default) or one you name. Nothing changes "
                 "until you confirm below."));
    layout->addWidget(intro);

    m_form = new QFormLayout;
    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_form->setHorizontalSpacing(14);
    m_form->setVerticalSpacing(8);
    m_environment = new QComboBox(this);
    m_environment->setObjectName(QStringLiteral("DeployEnvironment"));
    m_environment->setAccessibleName(tr("Environment"));
    if (m_service) {
        for (const QString& env : m_service->environmentNames()) {
            // Promote needs an environment to take the version from.
            if (setup.mode == Mode::Promote && m_service->previousEnvironment(env).isEmpty())
                continue;
            const auto* spec = m_service->environment(env);
            m_environment->addItem(Icons::get(spec && spec->confirm ? QStringLiteral("shield-check") : QStringLiteral("server")),
                env, env);
        }
    }
    m_environment->setCurrentIndex(qMax(0, m_environment->findData(setup.environment)));
    m_form->addRow(setup.mode == Mode::Promote ? tr("Promote to") : tr("Environment"), m_environment);

    m_version = new QComboBox(this);
    m_version->setObjectName(QStringLiteral("DeployVersion"));
    m_version->setAccessibleName(tr("Version"));
    m_version->setEditable(true);
    m_version->setInsertPolicy(QComboBox::NoInsert);
    m_version->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_version->lineEdit()->setPlaceholderText(setup.mode == Mode::Rollback ? tr("the version before the current one")
                                                                           : tr("e.g. 1.4.2"));
    m_version->lineEdit()->setMaxLength(200);
    m_version->setItemDelegate(new VersionDelegate(m_version));
    m_version->view()->setMinimumWidth(560);
    auto* versionColumn = new QVBoxLayout;
    versionColumn->setSpacing(2);
    versionColumn->addWidget(m_version);
    m_versionNote = new QLabel(this);
    m_versionNote->setPalette(muted(this));
    m_versionNote->setWordWrap(true);
    versionColumn->addWidget(m_versionNote);
    m_promoteVersion = new QLabel(this);
    m_promoteVersion->setObjectName(QStringLiteral("PromoteVersion"));
    m_promoteVersion->setTextInteractionFlags(Qt::TextSelectableByMouse);
    if (setup.mode == Mode::Promote) {
        m_version->hide();
        m_versionNote->hide();
        m_form->addRow(tr("Version"), m_promoteVersion);
    } else {
        m_promoteVersion->hide();
        m_form->addRow(setup.mode == Mode::Rollback ? tr("Back to") : tr("Version"), versionColumn);
    }
    m_strategy = new QComboBox(this);
    m_strategy->setObjectName(QStringLiteral("DeployStrategy"));
    m_strategy->setAccessibleName(tr("Strategy"));
    m_form->addRow(tr("Strategy"), m_strategy);
    layout->addLayout(m_form);

    // The plan: what will change.
    auto* planBox = new QFrame(this);
    planBox->setObjectName(QStringLiteral("DeployPlanBox"));
    planBox->setFrameShape(QFrame::StyledPanel);
    auto* plan = new QVBoxLayout(planBox);
    plan->setContentsMargins(14, 12, 14, 12);
    plan->setSpacing(6);
    m_planning = new QLabel(planBox);
    m_planning->setPalette(muted(this));
    plan->addWidget(m_planning);
    m_summary = new QLabel(planBox);
    m_summary->setObjectName(QStringLiteral("DeployPlanSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont bold = m_summary->font();
    bold.setWeight(QFont::DemiBold);
    m_summary->setFont(bold);
    plan->addWidget(m_summary);
    m_details = new QLabel(planBox);
    m_details->setObjectName(QStringLiteral("DeployPlanDetails"));
    m_details->setTextFormat(Qt::RichText);
    m_details->setWordWrap(true);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    plan->addWidget(m_details);
    m_notes = new QLabel(planBox);
    m_notes->setObjectName(QStringLiteral("DeployPlanNotes"));
    m_notes->setTextFormat(Qt::RichText);
    m_notes->setWordWrap(true);
    m_notes->setTextInteractionFlags(Qt::TextSelectableByMouse);
    plan->addWidget(m_notes);
    m_error = new NoticeBar(planBox);
    m_error->setObjectName(QStringLiteral("DeployPlanError"));
    plan->addWidget(m_error);
    layout->addWidget(planBox);

    // A protected environment wants the service name typed.
    m_confirmRow = new QWidget(this);
    auto* confirmLayout = new QVBoxLayout(m_confirmRow);
    confirmLayout->setContentsMargins(0, 0, 0, 0);
    confirmLayout->setSpacing(4);
    m_confirmLabel = new QLabel(m_confirmRow);
    m_confirmLabel->setWordWrap(true);
    m_confirmLabel->setTextFormat(Qt::RichText);
    confirmLayout->addWidget(m_confirmLabel);
    m_confirm = new QLineEdit(m_confirmRow);
    m_confirm->setObjectName(QStringLiteral("DeployConfirm"));
    m_confirm->setAccessibleName(tr("Service name to confirm"));
    m_confirm->setPlaceholderText(setup.service);
    m_confirm->setMaxLength(300);
    m_confirm->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    confirmLayout->addWidget(m_confirm);
    m_confirmRow->hide();
    layout->addWidget(m_confirmRow);
    layout->addStretch(1);

    auto* buttons = new QDialogButtonBox(this);
    m_action = buttons->addButton(actionText(), QDialogButtonBox::AcceptRole);
    m_action->setObjectName(QStringLiteral("DeployAction"));
    m_action->setIcon(Icons::get(setup.mode == Mode::Rollback ? QStringLiteral("undo-2")
            : setup.mode == Mode::Promote                     ? QStringLiteral("chevrons-right")
                                                              : QStringLiteral("rocket")));
    m_action->setEnabled(false);
    m_action->setDefault(false);
    m_action->setAutoDefault(false);
    auto* cancel = buttons->addButton(QDialogButtonBox::Cancel);
    cancel->setAutoDefault(false);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &DeployDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    m_planTimer = new QTimer(this);
    m_planTimer->setSingleShot(true);
    m_planTimer->setInterval(300);
    connect(m_planTimer, &QTimer::timeout, this, &DeployDialog::startPlan);
    connect(m_environment, &QComboBox::currentIndexChanged, this, &DeployDialog::environmentChanged);
    connect(m_version, &QComboBox::editTextChanged, this, [this] {
        m_planned = false;
        updateAction();
        schedulePlan();
    });
    connect(m_strategy, &QComboBox::currentIndexChanged, this, &DeployDialog::schedulePlan);
    connect(m_confirm, &QLineEdit::textChanged, this, &DeployDialog::updateAction);
    // Enter in the confirmation runs the action only when it is allowed.
    connect(m_confirm, &QLineEdit::returnPressed, this, [this] {
        if (m_action->isEnabled())
            accept();
    });

    environmentChanged();
    if (!setup.version.isEmpty())
        m_version->setEditText(setup.version);
    m_planTimer->stop();
    startPlan();
}

DeployDialog::~DeployDialog()
{
    dropOperation();
}

QString DeployDialog::actionText() const
{
    const QString env = m_environment ? m_environment->currentData().toString() : QString();
    switch (m_setup.mode) {
    case Mode::Deploy: return env.isEmpty() ? tr("Deploy") : tr("Deploy to %1").arg(env);
    case Mode::Promote: return env.isEmpty() ? tr("Promote") : tr("Promote to %1").arg(env);
    case Mode::Rollback: return env.isEmpty() ? tr("Roll back") : tr("Roll back %1").arg(env);
    }
    return {};
}

void DeployDialog::environmentChanged()
{
    m_action->setText(actionText());
    const QString env = m_environment->currentData().toString();
    // The backend's strategies, where it has any.
    QStringList strategies;
    QString error;
    if (m_service && !env.isEmpty())
        if (DeployBackend* backend = m_service->backendFor(env, &error))
            strategies = backend->strategies();
    {
        const QSignalBlocker block(m_strategy);
        const QString keep = m_strategy->currentData().toString();
        m_strategy->clear();
        m_strategy->addItem(tr("The backend's default"), QString());
        for (const QString& s : std::as_const(strategies))
            m_strategy->addItem(s, s);
        m_strategy->setCurrentIndex(qMax(0, m_strategy->findData(keep)));
    }
    const bool showStrategy = !strategies.isEmpty() && m_setup.mode == Mode::Deploy;
    m_strategy->setVisible(showStrategy);
    if (QWidget* label = m_form->labelForField(m_strategy))
        label->setVisible(showStrategy);
    loadVersions();
    m_planned = false;
    updateAction();
    schedulePlan();
}

void DeployDialog::loadVersions()
{
    if (m_setup.mode == Mode::Promote || !m_service)
        return;
    const QString env = m_environment->currentData().toString();
    const int generation = ++m_versionsGeneration;
    m_backendVersions = {};
    m_sourceVersions = {};
    m_backendVersionsLoading = !env.isEmpty();
    m_sourceVersionsLoading = !env.isEmpty();
    showVersions();
    if (env.isEmpty())
        return;
    m_service->query(Action::Versions, m_setup.service, env, this, [this, generation](const DeployResult& r) {
        if (generation != m_versionsGeneration)
            return;
        m_backendVersionsLoading = false;
        m_backendVersions = r;
        showVersions();
    });
    m_service->sourceVersions(m_setup.service, env, this, [this, generation](const SourceVersions& v) {
        if (generation != m_versionsGeneration)
            return;
        m_sourceVersionsLoading = false;
        m_sourceVersions = v;
        showVersions();
    });
}

// The list: the backend's versions, the repository's tags and commits, then the versions running
// elsewhere or found in the history; each with where it comes from, in the list and its tooltip.
void DeployDialog::showVersions()
{
    const QString env = m_environment->currentData().toString();
    const QString typed = m_version->currentText();
    QStringList seen;
    const QSignalBlocker block(m_version);
    m_version->clear();
    const auto add = [&](const QString& version, const QString& detail) {
        if (version.isEmpty() || seen.contains(version))
            return;
        seen << version;
        m_version->addItem(version);
        const int row = m_version->count() - 1;
        m_version->setItemData(row, detail, Qt::ToolTipRole);
        m_version->setItemData(row, detail, VersionDetailRole);
    };
    if (!m_backendVersionsLoading && m_backendVersions.ok())
        for (const QString& v : std::as_const(m_backendVersions.versions))
            add(v, tr("offered by the backend of %1").arg(env));
    if (!m_sourceVersionsLoading && m_sourceVersions.ok())
        for (const SourceVersion& v : std::as_const(m_sourceVersions.versions))
            add(v.version, v.describe());
    for (const QString& v : std::as_const(m_setup.knownVersions))
        add(v, tr("running in another environment or found in the history"));
    m_version->setEditText(typed);

    QStringList notes;
    if (m_backendVersionsLoading || m_sourceVersionsLoading)
        notes << tr("Reading the versions %1 offers…").arg(env);
    if (!m_backendVersionsLoading && !env.isEmpty()) {
        if (!m_backendVersions.ok())
            notes << tr("The backend's versions could not be read: %1").arg(m_backendVersions.message);
        else if (const qsizetype n = m_backendVersions.versions.size(); n > 0)
            notes << (n == 1 ? tr("1 version from the backend.") : tr("%1 versions from the backend, newest first.").arg(n));
    }
    if (!m_sourceVersionsLoading && !env.isEmpty()) {
        const SourceVersions& s = m_sourceVersions;
        // The repository by its name; the whole URL is in the tooltip.
        QString name = s.repository.url;
        if (const QUrl url(name); url.isValid() && !url.scheme().isEmpty() && !url.fileName().isEmpty())
            name = url.scheme() == QLatin1String("file") ? url.fileName() : url.host() + url.path();
        else if (QDir::isAbsolutePath(name))
            name = QFileInfo(name).fileName();
        if (name.endsWith(QLatin1String(".git")))
            name.chop(4);
        const QString repo = s.repository.path.isEmpty() ? name : tr("%1 · %2").arg(name, s.repository.path);
        m_versionNote->setToolTip(s.repository.isKnown() ? tr("Repository: %1\nFound through %2").arg(s.repository.url, s.repository.origin) : QString());
        if (!s.ok()) {
            // A service whose repository nobody named is not a problem worth more than a word.
            if (s.repository.isKnown())
                notes << tr("The repository's versions could not be read: %1").arg(s.error);
        } else if (s.tagCount + s.commitCount > 0) {
            notes << tr("%1 and %2 of %3 (%4).")
                         .arg(s.tagCount == 1 ? tr("1 tag") : tr("%1 tags").arg(s.tagCount),
                             s.commitCount == 1 ? tr("1 recent commit") : tr("%1 recent commits").arg(s.commitCount), repo, s.readFrom);
        } else {
            notes << tr("%1 has no release tags or commits to offer.").arg(repo);
        }
        if (!s.warning.isEmpty())
            notes << tr("Note: %1.").arg(s.warning);
    }
    if (!m_backendVersionsLoading && !m_sourceVersionsLoading && !env.isEmpty()) {
        if (m_version->count() == 0)
            notes << tr("Nothing lists versions for %1: type the one to deploy.").arg(env);
        else
            notes << tr("Pick one or type another.");
    }
    m_versionNote->setText(notes.join(QLatin1Char(' ')));
    growToFit();
}

bool DeployDialog::isBusy() const
{
    return m_backendVersionsLoading || m_sourceVersionsLoading || m_planTimer->isActive() || (m_operation && !m_planned);
}

void DeployDialog::schedulePlan()
{
    m_planTimer->start();
}

void DeployDialog::dropOperation()
{
    if (m_operation && !m_operation->isRunning())
        m_operation->cancel(); // forgets it (deletes it later)
    m_operation = nullptr;
}

void DeployDialog::startPlan()
{
    dropOperation();
    m_planned = false;
    m_plan = DeployPlan();
    m_summary->clear();
    m_details->clear();
    m_notes->clear();
    m_error->hide();
    m_confirmRow->hide();
    updateAction();
    if (!m_service) {
        m_planning->setText(QString());
        m_error->showNotice(NoticeBar::Kind::Error, tr("Deploying is not available: the workspace has no deploy settings."));
        return;
    }
    const QString env = m_environment->currentData().toString();
    if (env.isEmpty()) {
        m_planning->setText(QString());
        m_error->showNotice(NoticeBar::Kind::Error,
            m_setup.mode == Mode::Promote ? tr("There is no environment to promote to.") : tr("There is no environment to deploy to."),
            tr("Add environments under spec.deploy.environments in the workspace file."));
        return;
    }
    OperationRequest request;
    request.operation = operationOf(m_setup.mode);
    request.service = m_setup.service;
    request.environment = env;
    const QString version = m_version->currentText().trimmed();
    if (m_setup.mode == Mode::Deploy) {
        if (version.isEmpty()) {
            m_planning->setText(tr("Choose or type the version to deploy."));
            updateAction();
            return;
        }
        request.version = version;
        request.strategy = m_strategy->isVisible() ? m_strategy->currentData().toString() : QString();
    } else if (m_setup.mode == Mode::Rollback) {
        request.version = version;
        // A history entry stands for its version only while that version and its environment are
        // the ones asked for.
        if (!m_setup.historyId.isEmpty() && version == m_setup.version && env == m_setup.environment)
            request.historyId = m_setup.historyId;
    }
    m_planning->setText(tr("Working out what will change in %1…").arg(env));
    updateAction();
    DeployOperation* operation = m_service->prepare(request);
    m_operation = operation;
    connect(operation, &DeployOperation::planned, this, [this, operation](const DeployPlan& plan) {
        if (operation != m_operation)
            return; // a plan for earlier choices
        showPlan(plan);
    });
}

void DeployDialog::showPlan(const DeployPlan& plan)
{
    m_plan = plan;
    m_planned = true;
    m_planning->clear();
    if (!plan.ok) {
        m_summary->clear();
        m_details->clear();
        m_notes->clear();
        m_error->showNotice(NoticeBar::Kind::Error, plan.error, plan.hint);
        m_confirmRow->hide();
        updateAction();
        growToFit();
        Q_EMIT planReady(plan);
        return;
    }
    m_error->hide();
    m_summary->setText(plan.summary);
    const auto esc = [](const QString& s) { return s.toHtmlEscaped(); };
    const QString mono = QStringLiteral("<span style=\"font-family:monospace\">%1</span>");
    QStringList rows;
    const auto row = [&rows](const QString& label, const QString& value) {
        rows << QStringLiteral("<tr><td style=\"padding-right:14px\">%1</td><td>%2</td></tr>").arg(label, value);
    };
    row(tr("Version"),
        QStringLiteral("%1 &nbsp;→&nbsp; <b>%2</b>")
            .arg(mono.arg(esc(plan.fromVersion.isEmpty() ? tr("(nothing or unknown)") : plan.fromVersion)), mono.arg(esc(plan.toVersion))));
    row(tr("Environment"), esc(plan.environment) + (plan.confirm ? tr(" (protected)") : QString()));
    if (!plan.sourceEnvironment.isEmpty())
        row(tr("From"), tr("the version running in %1").arg(esc(plan.sourceEnvironment)));
    row(tr("Backend"), QStringLiteral("%1 (%2)").arg(esc(plan.backend), esc(plan.backendType)));
    if (!plan.strategy.isEmpty())
        row(tr("Strategy"), esc(plan.strategy));
    if (!plan.historyId.isEmpty())
        row(tr("History entry"), mono.arg(esc(plan.historyId)));
    m_details->setText(QStringLiteral("<table cellspacing=\"0\" cellpadding=\"1\">%1</table>").arg(rows.join(QString())));
    QStringList notes = plan.notes;
    if (notes.isEmpty())
        m_notes->clear();
    else {
        QStringList items;
        for (const QString& n : std::as_const(notes))
            items << QStringLiteral("• ") + esc(n);
        m_notes->setText(items.join(QStringLiteral("<br>")));
    }
    m_notes->setVisible(!notes.isEmpty());
    if (m_setup.mode == Mode::Promote)
        m_promoteVersion->setText(tr("<b>%1</b>, running in %2").arg(esc(plan.toVersion), esc(plan.sourceEnvironment)));
    if (plan.confirm) {
        m_confirmLabel->setText(tr("%1 is protected. Type <b>%2</b> to confirm:").arg(esc(plan.environment), esc(plan.service)));
        m_confirmRow->show();
    } else {
        m_confirmRow->hide();
    }
    updateAction();
    growToFit();
    Q_EMIT planReady(plan);
}

void DeployDialog::growToFit()
{
    // The plan arrives after the dialog is shown: grow (never shrink) so nothing is cut off.
    QTimer::singleShot(0, this, [this] {
        if (QLayout* l = layout())
            l->activate();
        const int h = hasHeightForWidth() ? heightForWidth(width()) : sizeHint().height();
        if (h > height())
            resize(width(), h);
    });
}

void DeployDialog::updateAction()
{
    bool ok = m_planned && m_plan.ok && m_operation && !m_operation->isRunning();
    if (ok && m_plan.confirm)
        ok = m_confirm->text().trimmed() == m_plan.service;
    m_action->setEnabled(ok);
    if (m_planned && m_plan.ok && m_plan.confirm && !ok)
        m_action->setToolTip(tr("Type %1 above to confirm.").arg(m_plan.service));
    else
        m_action->setToolTip(m_planned && m_plan.ok ? m_plan.summary : QString());
    m_planning->setVisible(!m_planned && !m_planning->text().isEmpty());
}

void DeployDialog::accept()
{
    // The same checks as the button: Enter, a shortcut or a test cannot get around them.
    updateAction();
    if (!m_action->isEnabled())
        return;
    QDialog::accept();
}

DeployOperation* DeployDialog::takeOperation()
{
    if (result() != QDialog::Accepted || !m_operation || !m_planned || !m_plan.ok)
        return nullptr;
    DeployOperation* op = m_operation;
    m_operation = nullptr;
    return op;
}

} // namespace Flightdeck::Views
