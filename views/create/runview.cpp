// SPDX-License-Identifier: Apache-2.0
#include "runview.h"

#include "appcontext.h"
#include "icons.h"
#include "navigation.h"
#include "widgets/codeview.h"

#include "catalog/catalogservice.h"
#include "core/workers.h"
#include "scaffolder/publishsecrets.h"
#include "scaffolder/workspaceregistrar.h"

#include <QDesktopServices>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTreeWidget>
#include <QUrl>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace Flightdeck::Views {

using namespace Scaffolder;

namespace {

QString statusIcon(StepStatus status)
{
    switch (status) {
    case StepStatus::Pending: return QStringLiteral("clock");
    case StepStatus::Running: return QStringLiteral("loader-circle");
    case StepStatus::Completed: return QStringLiteral("circle-check");
    case StepStatus::Skipped: return QStringLiteral("ban");
    case StepStatus::Failed: return QStringLiteral("circle-x");
    case StepStatus::Cancelled: return QStringLiteral("circle-stop");
    }
    return QStringLiteral("clock");
}

QString statusText(StepStatus status)
{
    switch (status) {
    case StepStatus::Pending: return RunView::tr("waiting");
    case StepStatus::Running: return RunView::tr("running");
    case StepStatus::Completed: return RunView::tr("done");
    case StepStatus::Skipped: return RunView::tr("skipped");
    case StepStatus::Failed: return RunView::tr("failed");
    case StepStatus::Cancelled: return RunView::tr("cancelled");
    }
    return {};
}

} // namespace

RunView::RunView(AppContext& context, QWidget* parent)
    : QWidget(parent)
    , m_context(context)
    , m_watcher(new QFutureWatcher<bool>(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(8);
    m_title = new QLabel(this);
    QFont big = m_title->font();
    big.setPointSizeF(big.pointSizeF() * 1.25);
    big.setWeight(QFont::DemiBold);
    m_title->setFont(big);
    layout->addWidget(m_title);
    m_summary = new QLabel(this);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_summary);

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    auto* left = new QWidget(splitter);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    m_steps = new QListWidget(left);
    m_steps->setObjectName(QStringLiteral("RunSteps"));
    m_steps->setIconSize(QSize(16, 16));
    leftLayout->addWidget(m_steps, 1);
    m_links = new QWidget(left);
    m_linksLayout = new QVBoxLayout(m_links);
    m_linksLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_links);
    splitter->addWidget(left);

    m_tabs = new QTabWidget(splitter);
    m_log = new QPlainTextEdit(m_tabs);
    m_log->setReadOnly(true);
    m_log->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_tabs->addTab(m_log, Icons::get(QStringLiteral("list")), tr("Log"));
    auto* filesSplit = new QSplitter(Qt::Horizontal, m_tabs);
    m_files = new QTreeWidget(filesSplit);
    m_files->setObjectName(QStringLiteral("RunFiles"));
    m_files->setHeaderHidden(true);
    m_fileView = new CodeView(filesSplit);
    filesSplit->addWidget(m_files);
    filesSplit->addWidget(m_fileView);
    filesSplit->setStretchFactor(1, 1);
    filesSplit->setSizes({260, 600});
    m_tabs->addTab(filesSplit, Icons::get(QStringLiteral("folder")), tr("Files"));
    m_inputs = new QPlainTextEdit(m_tabs);
    m_inputs->setReadOnly(true);
    m_inputs->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_tabs->addTab(m_inputs, Icons::get(QStringLiteral("code")), tr("Step inputs"));
    splitter->addWidget(m_tabs);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({280, 800});
    layout->addWidget(splitter, 1);

    auto* buttons = new QHBoxLayout;
    m_cancel = new QPushButton(Icons::get(QStringLiteral("circle-stop")), tr("Cancel"), this);
    m_resume = new QPushButton(Icons::get(QStringLiteral("refresh-cw")), tr("Resume from the failed step"), this);
    m_cleanup = new QPushButton(Icons::get(QStringLiteral("trash-2")), tr("Clean up"), this);
    m_runForReal = new QPushButton(Icons::get(QStringLiteral("check")), tr("Create for real"), this);
    buttons->addWidget(m_cancel);
    buttons->addWidget(m_resume);
    buttons->addWidget(m_cleanup);
    buttons->addStretch(1);
    buttons->addWidget(m_runForReal);
    layout->addLayout(buttons);
    for (QPushButton* b : {m_resume, m_cleanup, m_runForReal})
        b->hide();

    connect(m_watcher, &QFutureWatcher<bool>::finished, this, &RunView::onFinished);
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        if (m_runner)
            m_runner->cancel();
        m_cancel->setEnabled(false);
    });
    connect(m_resume, &QPushButton::clicked, this, [this] { launch(true); });
    connect(m_runForReal, &QPushButton::clicked, this, [this] { Q_EMIT runForRealRequested(m_template, m_values); });
    connect(m_cleanup, &QPushButton::clicked, this, [this] {
        if (!m_runner || isRunning())
            return;
        const QStringList left = m_runner->cleanup();
        m_cleanup->hide();
        m_resume->hide();
        m_summary->setText(left.isEmpty() ? tr("Cleaned up: everything the run created in %1 is removed.").arg(m_workspace)
                                          : tr("Cleaned up %1. Remove these by hand: %2")
                                                .arg(m_workspace, left.join(QStringLiteral(", "))));
        showFiles();
    });
    connect(m_files, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem* item) {
        if (item)
            openFile(item->data(0, Qt::UserRole).toString());
    });
}

RunView::~RunView()
{
    // The worker keeps the runner alive until it returns; it only needs to stop early.
    if (m_runner)
        m_runner->cancel();
}

bool RunView::isRunning() const
{
    return m_launching || m_running;
}

void RunView::start(const Template& tmpl, const QJsonObject& values, bool dryRun, const QString& workspace,
                    const QString& publishRemoteUrl)
{
    m_template = tmpl;
    m_values = values;
    m_dryRun = dryRun;
    m_workspace = workspace;
    m_remote = publishRemoteUrl;
    launch(false);
}

void RunView::launch(bool resume)
{
    if (isRunning())
        return;
    const QString name = m_template.title.isEmpty() ? m_template.name : m_template.title;
    m_title->setText(m_dryRun ? tr("Dry run of %1").arg(name) : tr("Creating with %1").arg(name));
    m_summary->setText(m_dryRun ? tr("Nothing is published or registered: the files are written to %1.").arg(m_workspace)
                                : tr("Working in %1").arg(m_workspace));
    for (QPushButton* b : {m_resume, m_cleanup, m_runForReal})
        b->hide();
    m_cancel->show();
    m_cancel->setEnabled(true);
    while (QLayoutItem* item = m_linksLayout->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    if (!resume) {
        m_log->clear();
        m_steps->clear();
        for (const TemplateStep& step : m_template.steps) {
            auto* item = new QListWidgetItem(step.name.isEmpty() ? step.id : step.name, m_steps);
            item->setData(Qt::UserRole, step.id);
            setStepStatus(m_steps->count() - 1, StepStatus::Pending);
        }
    }
    // publish:github / publish:gitlab take their token from the keychain: read it first (the
    // keychain answers asynchronously), then start the worker.
    const bool hostedPublish = std::any_of(m_template.steps.cbegin(), m_template.steps.cend(), [](const TemplateStep& s) {
        return s.action == QLatin1String("publish:github") || s.action == QLatin1String("publish:gitlab");
    });
    if (hostedPublish && !m_dryRun && m_remote.isEmpty() && m_context.secrets) {
        m_cancel->setEnabled(false);
        m_summary->setText(tr("Reading the publishing token from the keychain…"));
        m_launching = true;
        const int launch = ++m_launch;
        readPublishSecrets(m_context.secrets, this, [this, resume, launch](const QJsonObject& secrets) {
            if (launch != m_launch)
                return;
            m_cancel->setEnabled(true);
            m_summary->setText(tr("Working in %1").arg(m_workspace));
            startWorker(resume, secrets);
        });
        return;
    }
    startWorker(resume, {});
}

void RunView::startWorker(bool resume, const QJsonObject& secrets)
{
    m_launching = false;
    m_running = true; // until onFinished has taken the final state
    TaskOptions options;
    options.workspace = m_workspace;
    options.dryRun = m_dryRun;
    options.publishRemoteUrl = m_remote;
    options.secrets = secrets;
    // The registrar lives as long as the worker that uses it (captured below), like the runner.
    std::shared_ptr<WorkspaceRegistrar> registrar;
    if (!m_dryRun && m_context.catalog) {
        registrar = std::make_shared<WorkspaceRegistrar>(m_context.catalog);
        options.registrar = registrar.get();
    }
    if (m_runner)
        disconnect(m_runner.get(), nullptr, this, nullptr);
    // The runner lives as long as the worker that uses it, even when this view goes first.
    m_runner = std::shared_ptr<TaskRunner>(new TaskRunner(m_template, options), [](TaskRunner* r) { r->deleteLater(); });
    // Signals are queued from the worker: one of an earlier run may still arrive; only the
    // current runner's count.
    TaskRunner* current = m_runner.get();
    connect(current, &TaskRunner::stepStarted, this, [this, current](int index) {
        if (current == m_runner.get())
            setStepStatus(index, StepStatus::Running);
    });
    connect(current, &TaskRunner::stepFinished, this, [this, current](int index, const QString&, const QString& status) {
        if (current == m_runner.get())
            setStepStatus(index, stepStatusFromName(status));
    });
    connect(current, &TaskRunner::logLine, this, [this, current](const QString& stepId, const QString& line) {
        if (current == m_runner.get())
            m_log->appendPlainText(QStringLiteral("[%1] %2").arg(stepId, line));
    });
    const std::shared_ptr<TaskRunner> runner = m_runner;
    const QJsonObject values = m_values;
    m_watcher->setFuture(QtConcurrent::run(workers(), [runner, registrar, values, resume] {
        return resume ? runner->resume() : runner->run(values);
    }));
}

void RunView::setStepStatus(int index, StepStatus status)
{
    QListWidgetItem* item = m_steps->item(index);
    if (!item)
        return;
    const QString title = item->data(Qt::UserRole + 1).toString().isEmpty() ? item->text() : item->data(Qt::UserRole + 1).toString();
    item->setData(Qt::UserRole + 1, title);
    item->setText(QStringLiteral("%1 — %2").arg(title, statusText(status)));
    item->setIcon(Icons::get(statusIcon(status)));
    item->setData(Qt::UserRole + 2, int(status));
}

void RunView::onFinished()
{
    if (!m_runner)
        return;
    m_running = false;
    // The worker is done: the state is no longer written to.
    m_state = m_runner->state();
    for (int i = 0; i < m_state.steps.size(); ++i)
        setStepStatus(i, m_state.steps[i].status);
    const bool ok = m_state.status == QLatin1String("completed");
    m_cancel->hide();
    if (ok)
        m_summary->setText(m_dryRun ? tr("Dry run complete: nothing was published or registered. The files are in %1.").arg(m_workspace)
                                    : tr("Done. The files are in %1.").arg(m_workspace));
    else
        m_summary->setText(tr("The run stopped: %1").arg(m_state.error.isEmpty() ? m_state.status : m_state.error));
    m_resume->setVisible(!ok && m_state.status != QLatin1String("cancelled"));
    m_cleanup->setVisible(!ok && !m_state.created.isEmpty());
    m_runForReal->setVisible(ok && m_dryRun);
    showFiles();
    showInputs();
    showLinks();
    if (!ok)
        m_tabs->setCurrentIndex(0);
    Q_EMIT runFinished(ok);
}

void RunView::showFiles()
{
    m_files->clear();
    m_fileView->setCode({}, CodeLanguage::Plain);
    const QDir root(m_workspace);
    QHash<QString, QTreeWidgetItem*> folders;
    QStringList paths;
    QDirIterator it(m_workspace, QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString rel = root.relativeFilePath(it.next());
        if (rel.startsWith(QLatin1String(".git/")) || rel == QLatin1String(".flightdeck-task.json"))
            continue;
        paths << rel;
    }
    std::sort(paths.begin(), paths.end());
    for (const QString& rel : std::as_const(paths)) {
        QTreeWidgetItem* parent = nullptr;
        const QStringList parts = rel.split(QLatin1Char('/'));
        QString prefix;
        for (qsizetype i = 0; i + 1 < parts.size(); ++i) {
            prefix += (prefix.isEmpty() ? QString() : QStringLiteral("/")) + parts[i];
            QTreeWidgetItem*& folder = folders[prefix];
            if (!folder) {
                folder = parent ? new QTreeWidgetItem(parent) : new QTreeWidgetItem(m_files);
                folder->setText(0, parts[i]);
                folder->setIcon(0, Icons::get(QStringLiteral("folder")));
            }
            parent = folder;
        }
        auto* file = parent ? new QTreeWidgetItem(parent) : new QTreeWidgetItem(m_files);
        file->setText(0, parts.last());
        file->setIcon(0, Icons::get(QStringLiteral("file-text")));
        file->setData(0, Qt::UserRole, rel);
    }
    m_files->expandAll();
    m_tabs->setTabText(1, tr("Files (%1)").arg(paths.size()));
}

void RunView::openFile(const QString& relativePath)
{
    if (relativePath.isEmpty())
        return;
    QFile f(QDir(m_workspace).filePath(relativePath));
    if (!f.open(QIODevice::ReadOnly)) {
        m_fileView->setCode(tr("Cannot read %1: %2").arg(relativePath, f.errorString()), CodeLanguage::Plain);
        return;
    }
    const QByteArray bytes = f.read(2 * 1024 * 1024);
    if (bytes.contains('\0')) {
        m_fileView->setCode(tr("%1 is a binary file (%2 bytes).").arg(relativePath).arg(f.size()), CodeLanguage::Plain);
        return;
    }
    const QString lower = relativePath.toLower();
    const CodeLanguage language = lower.endsWith(QLatin1String(".yaml")) || lower.endsWith(QLatin1String(".yml")) ? CodeLanguage::Yaml
        : lower.endsWith(QLatin1String(".json"))                                                               ? CodeLanguage::Json
                                                                                                               : CodeLanguage::Plain;
    m_fileView->setCode(QString::fromUtf8(bytes), language);
}

void RunView::showInputs()
{
    QString text;
    for (const StepState& step : std::as_const(m_state.steps)) {
        text += QStringLiteral("# %1 (%2): %3\n").arg(step.id, step.action, stepStatusName(step.status));
        if (!step.input.isUndefined() && !step.input.isNull())
            text += QString::fromUtf8(QJsonDocument::fromVariant(step.input.toVariant()).toJson(QJsonDocument::Indented));
        for (const QString& would : step.wouldDo)
            text += tr("would: %1").arg(would) + QLatin1Char('\n');
        if (!step.error.isEmpty())
            text += tr("error: %1").arg(step.error) + QLatin1Char('\n');
        text += QLatin1Char('\n');
    }
    m_inputs->setPlainText(text);
}

void RunView::showLinks()
{
    const QJsonArray links = m_state.output.value(QStringLiteral("links")).toArray();
    for (const QJsonValue& v : links) {
        const QJsonObject link = v.toObject();
        const QString title = link.value(QStringLiteral("title")).toString();
        const QString url = link.value(QStringLiteral("url")).toString();
        const QString entityRef = link.value(QStringLiteral("entityRef")).toString();
        if (url.isEmpty() && entityRef.isEmpty())
            continue;
        auto* button = new QPushButton(Icons::get(entityRef.isEmpty() ? QStringLiteral("external-link") : QStringLiteral("box")),
                                       title.isEmpty() ? (url.isEmpty() ? entityRef : url) : title, m_links);
        button->setToolTip(url.isEmpty() ? entityRef : url);
        // A dry run created nothing to open.
        button->setEnabled(!m_dryRun);
        connect(button, &QPushButton::clicked, this, [this, url, entityRef] {
            if (!entityRef.isEmpty() && m_context.navigator)
                m_context.navigator->goTo(QStringLiteral("entity:") + entityRef);
            else
                QDesktopServices::openUrl(QUrl(url));
        });
        m_linksLayout->addWidget(button);
    }
    const QJsonArray texts = m_state.output.value(QStringLiteral("text")).toArray();
    for (const QJsonValue& v : texts) {
        auto* label = new QLabel(v.toObject().value(QStringLiteral("content")).toString(), m_links);
        label->setWordWrap(true);
        m_linksLayout->addWidget(label);
    }
}

} // namespace Flightdeck::Views
