// SPDX-License-Identifier: Apache-2.0
#include "deployprogress.h"

#include "deployformat.h"
#include "icons.h"
#include "widgets/codeviewparts.h"

#include <QApplication>
#include <QEvent>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMainWindow>
#include <QPainter>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSplitter>
#include <QStatusBar>
#include <QSystemTrayIcon>
#include <QToolButton>
#include <QVBoxLayout>

namespace Flightdeck::Views {

using namespace Deploy;

namespace {

QString stepIcon(const QString& state)
{
    if (state == QLatin1String("running"))
        return QStringLiteral("loader-circle");
    if (state == QLatin1String("succeeded"))
        return QStringLiteral("circle-check");
    if (state == QLatin1String("failed"))
        return QStringLiteral("circle-x");
    if (state == QLatin1String("skipped"))
        return QStringLiteral("ban");
    if (state == QLatin1String("cancelled"))
        return QStringLiteral("circle-stop");
    if (state == QLatin1String("unknown"))
        return QStringLiteral("circle-help");
    return QStringLiteral("clock");
}

QString ongoingTitle(const DeployPlan& plan)
{
    if (plan.operation == QLatin1String("promote"))
        return DeployProgress::tr("Promoting %1 %2 to %3").arg(plan.service, plan.toVersion, plan.environment);
    if (plan.operation == QLatin1String("rollback"))
        return DeployProgress::tr("Rolling back %1 in %2 to %3").arg(plan.service, plan.environment, plan.toVersion);
    return DeployProgress::tr("Deploying %1 %2 to %3").arg(plan.service, plan.toVersion, plan.environment);
}

QString endedTitle(const DeployPlan& plan, Outcome outcome)
{
    const QString what = DeployFormat::operationTitle(plan.operation);
    switch (outcome) {
    case Outcome::Succeeded:
        if (plan.operation == QLatin1String("rollback"))
            return DeployProgress::tr("Rolled back %1 in %2 to %3").arg(plan.service, plan.environment, plan.toVersion);
        if (plan.operation == QLatin1String("promote"))
            return DeployProgress::tr("Promoted %1 %2 to %3").arg(plan.service, plan.toVersion, plan.environment);
        return DeployProgress::tr("Deployed %1 %2 to %3").arg(plan.service, plan.toVersion, plan.environment);
    case Outcome::Failed: return DeployProgress::tr("%1 of %2 to %3 failed").arg(what, plan.service, plan.environment);
    case Outcome::Cancelled: return DeployProgress::tr("%1 of %2 to %3 stopped").arg(what, plan.service, plan.environment);
    case Outcome::Unknown: return DeployProgress::tr("%1 of %2 to %3: outcome unknown").arg(what, plan.service, plan.environment);
    }
    return {};
}

} // namespace

DeployProgress::DeployProgress(QWidget* parent)
    : QFrame(parent)
{
    setObjectName(QStringLiteral("DeployProgress"));
    setFrameShape(QFrame::StyledPanel);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(12, 10, 12, 10);
    layout->setSpacing(8);

    auto* head = new QHBoxLayout;
    head->setSpacing(8);
    m_icon = new QLabel(this);
    m_icon->setFixedSize(20, 20);
    head->addWidget(m_icon, 0, Qt::AlignTop);
    auto* titles = new QVBoxLayout;
    titles->setSpacing(1);
    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("DeployProgressTitle"));
    QFont big = m_title->font();
    big.setPointSizeF(big.pointSizeF() * 1.12);
    big.setWeight(QFont::DemiBold);
    m_title->setFont(big);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    titles->addWidget(m_title);
    m_subtitle = new QLabel(this);
    m_subtitle->setWordWrap(true);
    m_subtitle->setTextInteractionFlags(Qt::TextSelectableByMouse);
    titles->addWidget(m_subtitle);
    head->addLayout(titles, 1);
    m_abort = new QPushButton(Icons::get(QStringLiteral("circle-stop")), tr("Abort"), this);
    m_abort->setObjectName(QStringLiteral("DeployAbort"));
    head->addWidget(m_abort, 0, Qt::AlignTop);
    m_close = new QToolButton(this);
    m_close->setObjectName(QStringLiteral("DeployProgressClose"));
    m_close->setIcon(Icons::get(QStringLiteral("x")));
    m_close->setAutoRaise(true);
    m_close->setToolTip(tr("Close"));
    head->addWidget(m_close, 0, Qt::AlignTop);
    layout->addLayout(head);

    m_resultRow = new QWidget(this);
    auto* result = new QHBoxLayout(m_resultRow);
    result->setContentsMargins(0, 0, 0, 0);
    result->setSpacing(8);
    m_resultIcon = new QLabel(m_resultRow);
    m_resultIcon->setFixedSize(18, 18);
    result->addWidget(m_resultIcon, 0, Qt::AlignTop);
    auto* resultTexts = new QVBoxLayout;
    resultTexts->setSpacing(2);
    m_resultMessage = new QLabel(m_resultRow);
    m_resultMessage->setObjectName(QStringLiteral("DeployResultMessage"));
    m_resultMessage->setWordWrap(true);
    m_resultMessage->setTextInteractionFlags(Qt::TextSelectableByMouse);
    resultTexts->addWidget(m_resultMessage);
    m_resultHint = new QLabel(m_resultRow);
    m_resultHint->setWordWrap(true);
    m_resultHint->setTextInteractionFlags(Qt::TextSelectableByMouse);
    resultTexts->addWidget(m_resultHint);
    result->addLayout(resultTexts, 1);
    m_resultRow->hide();
    layout->addWidget(m_resultRow);

    auto* split = new QSplitter(Qt::Horizontal, this);
    split->setChildrenCollapsible(false);
    m_steps = new QListWidget(split);
    m_steps->setObjectName(QStringLiteral("DeploySteps"));
    m_steps->setIconSize(QSize(16, 16));
    m_steps->setMinimumWidth(180);
    m_steps->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_steps->setTextElideMode(Qt::ElideRight);
    m_steps->setSelectionMode(QAbstractItemView::NoSelection);
    m_steps->setFocusPolicy(Qt::NoFocus);
    m_log = new QPlainTextEdit(split);
    m_log->setObjectName(QStringLiteral("DeployLog"));
    m_log->setReadOnly(true);
    m_log->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_log->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_log->setMaximumBlockCount(20000);
    m_log->setPlaceholderText(tr("The backend's output appears here."));
    split->addWidget(m_steps);
    split->addWidget(m_log);
    split->setStretchFactor(1, 1);
    split->setSizes({250, 700});
    layout->addWidget(split, 1);

    connect(m_abort, &QPushButton::clicked, this, [this] {
        if (!m_operation || !m_running)
            return;
        m_stopRequested = true;
        m_abort->setEnabled(false);
        appendLog(m_abort->text() == tr("Abort") ? tr("Abort requested.") : tr("Stopped waiting for the backend."));
        m_operation->cancel();
    });
    connect(m_close, &QToolButton::clicked, this, &DeployProgress::closeRequested);
    m_close->setEnabled(false);
}

void DeployProgress::follow(DeployOperation* operation, bool backendCanAbort)
{
    if (m_operation)
        disconnect(m_operation, nullptr, this, nullptr);
    m_operation = operation;
    m_plan = operation ? operation->plan() : DeployPlan();
    m_result = DeployResult();
    m_running = operation != nullptr;
    m_finished = false;
    m_stopRequested = false;
    m_backendCanAbort = backendCanAbort;
    m_steps->clear();
    m_log->clear();
    m_resultRow->hide();
    m_title->setText(ongoingTitle(m_plan));
    m_subtitle->setText(m_plan.summary);
    m_subtitle->setVisible(!m_plan.summary.isEmpty());
    m_close->setEnabled(false);
    m_close->setToolTip(tr("Close (when it has ended)"));
    updateTitleIcon();
    updateAbort();
    if (!operation)
        return;
    connect(operation, &DeployOperation::step, this, &DeployProgress::setStep);
    connect(operation, &DeployOperation::log, this, &DeployProgress::appendLog);
    connect(operation, &DeployOperation::finished, this, &DeployProgress::finish);
    // Gone without finishing (its service was deleted): nothing more will come.
    connect(operation, &QObject::destroyed, this, [this] {
        if (m_running && !m_finished)
            finish(DeployResult::failure(tr("The operation ended without a result."),
                tr("Look at the history: the audit journal records what happened.")));
    });
}

void DeployProgress::setStep(const QString& name, const QString& state)
{
    QListWidgetItem* item = nullptr;
    for (int i = 0; i < m_steps->count(); ++i)
        if (m_steps->item(i)->data(Qt::UserRole).toString() == name)
            item = m_steps->item(i);
    if (!item) {
        item = new QListWidgetItem(m_steps);
        item->setData(Qt::UserRole, name);
    }
    item->setText(name);
    item->setData(Qt::UserRole + 1, state);
    const QColor color = state == QLatin1String("running") ? QColor() : DeployFormat::healthColor(state, palette());
    item->setIcon(Icons::get(stepIcon(state), state == QLatin1String("skipped") ? mutedTextColor(palette()) : color));
    item->setToolTip(QStringLiteral("%1: %2").arg(name, state));
    item->setData(Qt::AccessibleTextRole, QStringLiteral("%1: %2").arg(name, state));
    m_steps->scrollToItem(item);
    updateAbort();
}

void DeployProgress::appendLog(const QString& line)
{
    // Follow the end unless the user scrolled up to read.
    QScrollBar* bar = m_log->verticalScrollBar();
    const bool atEnd = bar->value() >= bar->maximum() - 2;
    const int keep = bar->value();
    m_log->appendPlainText(line);
    if (atEnd)
        bar->setValue(bar->maximum());
    else
        bar->setValue(keep);
    updateAbort();
}

void DeployProgress::finish(const DeployResult& result)
{
    if (m_finished)
        return;
    m_finished = true;
    m_running = false;
    m_result = result;
    // Steps still marked running did not get to say how they ended.
    for (int i = 0; i < m_steps->count(); ++i) {
        QListWidgetItem* item = m_steps->item(i);
        if (item->data(Qt::UserRole + 1).toString() == QLatin1String("running"))
            setStep(item->data(Qt::UserRole).toString(), outcomeName(result.outcome));
    }
    m_title->setText(endedTitle(m_plan, result.outcome));
    QString message = result.message;
    if (message.isEmpty())
        message = result.ok() ? tr("Done.") : tr("The backend gave no reason.");
    // An unknown outcome cannot say what changed.
    if (!result.ok() && result.outcome != Outcome::Unknown && !result.changed)
        message += tr(" Nothing was changed.");
    if (!result.reference.isEmpty() && !message.contains(result.reference.left(7)))
        message += QStringLiteral(" (%1)").arg(result.reference);
    m_resultMessage->setText(message);
    m_resultHint->setText(result.hint);
    m_resultHint->setVisible(!result.hint.isEmpty());
    m_resultRow->show();
    m_close->setEnabled(true);
    m_close->setToolTip(tr("Close"));
    updateTitleIcon();
    updateAbort();
    notifyDesktop();
    Q_EMIT operationFinished(m_plan, result);
}

void DeployProgress::updateAbort()
{
    const bool canAbort = (m_operation && m_operation->canAbort()) || m_backendCanAbort;
    if (!m_stopRequested)
        m_abort->setText(canAbort ? tr("Abort") : tr("Stop waiting"));
    m_abort->setToolTip(canAbort ? tr("Ask the backend to stop the operation")
                                 : tr("The backend cannot abort: stop following the operation (it may still complete)"));
    m_abort->setEnabled(m_running && !m_stopRequested);
    m_abort->setVisible(!m_finished);
}

void DeployProgress::updateTitleIcon()
{
    QString icon = QStringLiteral("loader-circle");
    QColor color = palette().color(QPalette::Highlight);
    if (m_finished) {
        icon = stepIcon(outcomeName(m_result.outcome));
        if (m_result.outcome == Outcome::Unknown)
            icon = QStringLiteral("circle-help");
        color = DeployFormat::healthColor(outcomeName(m_result.outcome), palette());
    }
    m_icon->setPixmap(Icons::get(icon, color).pixmap(QSize(20, 20), devicePixelRatioF()));
    m_resultIcon->setPixmap(Icons::get(icon, color).pixmap(QSize(18, 18), devicePixelRatioF()));
    QPalette p = m_resultMessage->palette();
    p.setColor(QPalette::WindowText, m_finished && !m_result.ok() ? color : palette().color(QPalette::WindowText));
    m_resultMessage->setPalette(p);
    QPalette hint = m_resultHint->palette();
    hint.setColor(QPalette::WindowText, mutedTextColor(palette()));
    m_resultHint->setPalette(hint);
    QPalette sub = m_subtitle->palette();
    sub.setColor(QPalette::WindowText, mutedTextColor(palette()));
    m_subtitle->setPalette(sub);
}

void DeployProgress::changeEvent(QEvent* event)
{
    QFrame::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        updateTitleIcon();
}

void DeployProgress::notifyDesktop()
{
    QString text = m_resultMessage->text();
    if (!m_result.hint.isEmpty())
        text += QLatin1Char(' ') + m_result.hint;
    Views::notifyDesktop(this, m_title->text(), text, m_result.ok());
}

void notifyDesktop(QWidget* from, const QString& title, const QString& message, bool ok)
{
    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        // One tray icon for the application, shown while notifications are given.
        static QPointer<QSystemTrayIcon> tray;
        if (!tray) {
            tray = new QSystemTrayIcon(QApplication::windowIcon(), qApp);
            tray->setToolTip(QApplication::applicationDisplayName());
        }
        tray->show();
        tray->showMessage(title, message, ok ? QSystemTrayIcon::Information : QSystemTrayIcon::Warning, 10000);
        return;
    }
    QWidget* window = from ? from->window() : nullptr;
    if (window)
        QApplication::alert(window);
    QWidget* w = from;
    while (w && !qobject_cast<QMainWindow*>(w))
        w = w->parentWidget();
    if (auto* main = qobject_cast<QMainWindow*>(w))
        main->statusBar()->showMessage(title + QStringLiteral(": ") + message, 20000);
}

} // namespace Flightdeck::Views
