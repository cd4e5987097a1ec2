// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "scaffolder/taskrunner.h"

#include <QFutureWatcher>
#include <QWidget>

#include <memory>

class QLabel;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QTabWidget;
class QTreeWidget;
class QVBoxLayout;

namespace Flightdeck::Scaffolder {
class WorkspaceRegistrar;
}

namespace Flightdeck::Views {

struct AppContext;
class CodeView;

// One run of a template, dry or real: each step's status as it runs, the live log, the files the
// run wrote (with their contents), each step's resolved input and, for a dry-run, what each
// publish or register step would have done. A failed run offers to resume from the failed step
// and to clean up what it created. The runner works on a worker thread; this view follows it
// through queued signals and reads the final state once the worker is done.
class RunView : public QWidget
{
    Q_OBJECT
public:
    explicit RunView(AppContext& context, QWidget* parent = nullptr);
    ~RunView() override;

    // Starts a run in workspace (created when missing). publishRemoteUrl: see TaskOptions (tests and
    // "publish to this remote" runs); empty for the template's own publish steps.
    void start(const Scaffolder::Template& tmpl, const QJsonObject& values, bool dryRun, const QString& workspace,
               const QString& publishRemoteUrl = {});

    bool isRunning() const; // also while the keychain is being read before a run
    const Scaffolder::TaskState& state() const { return m_state; }
    QString workspace() const { return m_workspace; }

    // For tests.
    QListWidget* stepList() const { return m_steps; }
    QPlainTextEdit* logView() const { return m_log; }
    QTreeWidget* fileTree() const { return m_files; }
    CodeView* fileView() const { return m_fileView; }
    QPushButton* cancelButton() const { return m_cancel; }
    QPushButton* resumeButton() const { return m_resume; }
    QPushButton* cleanupButton() const { return m_cleanup; }
    QPushButton* runForRealButton() const { return m_runForReal; }
    QWidget* linksArea() const { return m_links; }
    QLabel* summary() const { return m_summary; }

Q_SIGNALS:
    void runFinished(bool ok);
    // After a dry-run: the user wants the same values run for real.
    void runForRealRequested(const Flightdeck::Scaffolder::Template& templ, const QJsonObject& values);

private:
    void launch(bool resume);
    void startWorker(bool resume, const QJsonObject& secrets);
    void onFinished();
    void setStepStatus(int index, Scaffolder::StepStatus status);
    void showFiles();
    void showInputs();
    void showLinks();
    void openFile(const QString& relativePath);

    AppContext& m_context;
    Scaffolder::Template m_template;
    QJsonObject m_values;
    bool m_dryRun = false;
    QString m_workspace;
    QString m_remote;
    std::shared_ptr<Scaffolder::TaskRunner> m_runner;
    bool m_launching = false; // reading the keychain before the worker starts
    // The worker runs, or its end is not handled yet: the watcher stops "running" before its
    // finished() is delivered, and until then state() is the previous run's.
    bool m_running = false;
    int m_launch = 0; // drops a keychain answer for an earlier launch
    QFutureWatcher<bool>* m_watcher = nullptr;
    Scaffolder::TaskState m_state;

    QLabel* m_title = nullptr;
    QLabel* m_summary = nullptr;
    QListWidget* m_steps = nullptr;
    QWidget* m_links = nullptr;
    QVBoxLayout* m_linksLayout = nullptr;
    QTabWidget* m_tabs = nullptr;
    QPlainTextEdit* m_log = nullptr;
    QTreeWidget* m_files = nullptr;
    CodeView* m_fileView = nullptr;
    QPlainTextEdit* m_inputs = nullptr;
    QPushButton* m_cancel = nullptr;
    QPushButton* m_resume = nullptr;
    QPushButton* m_cleanup = nullptr;
    QPushButton* m_runForReal = nullptr;
};

} // namespace Flightdeck::Views
