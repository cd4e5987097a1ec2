// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "deploy/deployservice.h"

#include <QFrame>
#include <QPointer>

class QLabel;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QToolButton;

namespace Flightdeck::Views {

// Follows one deploy, promote or rollback while it runs: each step with its state, every log line
// (monospace; it follows the end unless the user scrolled up to read), an Abort button ("Stop
// waiting" when the backend cannot abort, i.e. only Flightdeck stops following), and the result
// with the backend's message and hint. When the operation ends, a desktop notification says so.
class DeployProgress final : public QFrame
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeployProgress)

public:
    explicit DeployProgress(QWidget* parent = nullptr);

    // Follows a planned operation; the caller calls execute() afterwards. backendCanAbort: the
    // plan's backend has the Abort capability (until the operation itself can tell).
    void follow(Deploy::DeployOperation* operation, bool backendCanAbort);
    bool isRunning() const { return m_running; }
    const Deploy::DeployPlan& plan() const { return m_plan; }
    const Deploy::DeployResult& result() const { return m_result; }

    // For tests.
    QListWidget* stepList() const { return m_steps; }
    QPlainTextEdit* logView() const { return m_log; }
    QPushButton* abortButton() const { return m_abort; }
    QLabel* resultLabel() const { return m_resultMessage; }
    QLabel* titleLabel() const { return m_title; }

Q_SIGNALS:
    void operationFinished(const Flightdeck::Deploy::DeployPlan& plan, const Flightdeck::Deploy::DeployResult& result);
    void closeRequested();

protected:
    void changeEvent(QEvent* event) override;

private:
    void setStep(const QString& name, const QString& state);
    void appendLog(const QString& line);
    void finish(const Deploy::DeployResult& result);
    void updateAbort();
    void updateTitleIcon();
    void notifyDesktop();

    QPointer<Deploy::DeployOperation> m_operation;
    Deploy::DeployPlan m_plan;
    Deploy::DeployResult m_result;
    bool m_running = false;
    bool m_finished = false;
    bool m_backendCanAbort = false;
    bool m_stopRequested = false;

    QLabel* m_icon = nullptr;
    QLabel* m_title = nullptr;
    QLabel* m_subtitle = nullptr;
    QToolButton* m_close = nullptr;
    QListWidget* m_steps = nullptr;
    QPlainTextEdit* m_log = nullptr;
    QWidget* m_resultRow = nullptr;
    QLabel* m_resultIcon = nullptr;
    QLabel* m_resultMessage = nullptr;
    QLabel* m_resultHint = nullptr;
    QPushButton* m_abort = nullptr;
};

// Tells the desktop that something ended: a tray notification where the desktop has a tray,
// else the window asks for attention and the main window's status bar says it.
void notifyDesktop(QWidget* from, const QString& title, const QString& message, bool ok);

} // namespace Flightdeck::Views
