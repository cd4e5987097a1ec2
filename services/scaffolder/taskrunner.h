// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "scaffoldactions.h"
#include "template.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>

#include <atomic>
#include <functional>
#include <optional>

namespace Flightdeck::Scaffolder {

enum class StepStatus
{
    Pending,
    Running,
    Completed,
    Skipped,
    Failed,
    Cancelled
};
QString stepStatusName(StepStatus status);
StepStatus stepStatusFromName(const QString& name);

struct StepState
{
    QString id;
    QString name;
    QString action;
    StepStatus status = StepStatus::Pending;
    QJsonValue input; // the rendered input (an array of them for `each`), secrets masked
    QJsonObject output;
    QStringList log;
    QString error; // names the step, the input field, the template.yaml position and expression
    QStringList wouldDo; // dry-run only: what a side-effect action would have done
};

// Everything a run knows, persisted as JSON (stateFile) after every step so that a failed or
// aborted run can be resumed from the failed step and cleaned up.
struct TaskState
{
    QString templateFile;
    QString templateRef;
    QJsonObject values;
    bool dryRun = false;
    QString status = QStringLiteral("pending"); // pending, running, completed, failed, cancelled
    QList<StepState> steps;
    // Workspace-relative paths the run created (files, folders, .git) and "remote:<url>" entries
    // for what it pushed elsewhere, in creation order.
    QStringList created;
    QJsonObject output; // the rendered spec.output: {links:[…], text:[…], other keys}
    QString error; // the first failure

    QJsonObject toJson() const;
    static TaskState fromJson(const QJsonObject& json);
};

struct TaskOptions
{
    QString workspace; // required; created when missing
    bool dryRun = false;
    QString userRef = QStringLiteral("user:default/guest");
    QJsonObject userEntity;
    QJsonObject secrets; // read from the keychain by the caller; masked as *** in logs and state
    // When set, every publish:* step (publish:github, publish:gitlab, …) runs as publish:git pushing
    // to this URL (the CLI's --push, and tests with a local bare remote).
    QString publishRemoteUrl;
    // REST API base URL per host for publish:github / publish:gitlab (GitHub Enterprise, GitLab
    // self-managed, tests on 127.0.0.1): host → e.g. "https://ghe.example.com/api/v3".
    QHash<QString, QString> scmApiBaseUrls;
    CatalogRegistrar* registrar = nullptr; // catalog:register; null: the step reports only
    // Where the state is kept; default <workspace>/.flightdeck-task.json (never published: the
    // git publisher excludes it).
    QString stateFile;
    // Called on the runner's thread for each log line (in addition to the logLine signal).
    std::function<void(const QString& stepId, const QString& line)> onLog;
};

// Runs a template's steps (SPEC B3/B4): `if`, `each`, input rendering that keeps native types,
// the action, the step's outputs, then spec.output. Blocking: call run()/resume() on a worker
// thread (QtConcurrent::run) or from the command line; cancel() may be called from any thread.
// Signals are emitted on the runner's thread, so connections to GUI objects are queued.
//
// A rendering error never lets raw text through: the step fails with a message like
//   step "fetch" input "values.name" (template.yaml line 12, column 17): unknown filter foo in ${{ … }}
class TaskRunner : public QObject
{
    Q_OBJECT

public:
    TaskRunner(Template tmpl, TaskOptions options, ActionRegistry actions = ActionRegistry::builtIns(),
        QObject* parent = nullptr);
    ~TaskRunner() override;

    // Starts from scratch (any earlier state in the workspace is replaced). True on success.
    bool run(const QJsonObject& values);
    // Continues the run recorded in the state file: completed and skipped steps keep their outputs,
    // the first step that did not complete and every step after it run again. False with an error
    // in state() when there is nothing to resume or the template's steps differ.
    bool resume();
    void cancel() { m_cancel.store(true); }
    bool isCancelled() const { return m_cancel.load(); }

    const TaskState& state() const { return m_state; }
    QString workspace() const { return m_options.workspace; }
    QString stateFile() const;

    // Removes what the recorded run created in the workspace (in reverse order). Returns what could
    // not be removed automatically (e.g. "remote:<url>" repositories), to offer to the user.
    QStringList cleanup();

    static std::optional<TaskState> loadState(const QString& stateFile, QString* error = nullptr);

Q_SIGNALS:
    void stepStarted(int index, const QString& stepId);
    void stepFinished(int index, const QString& stepId, const QString& status);
    void logLine(const QString& stepId, const QString& line);
    void finished(bool ok);

private:
    bool execute(int firstStep);
    bool runStep(int index, bool taskFailed);
    void log(int index, const QString& line);
    void saveState() const;

    struct Private;
    Template m_template;
    TaskOptions m_options;
    ActionRegistry m_actions;
    TaskState m_state;
    std::atomic<bool> m_cancel { false };
    QStringList m_stepMasks; // the running step's own secrets (its `token` input), masked in its log
};

// The input of a step rendered against a context (exposed for tests and for the wizard's review
// page). `context` is the full JSON context: parameters, steps, user, secrets, each.
struct RenderedInput
{
    QJsonObject input;
    QString error; // empty on success
};
RenderedInput renderStepInput(const Template& tmpl, const TemplateStep& step, const QJsonObject& context);

// Where a template's relative fetch URLs resolve: its folder as a local or ":/" path; empty for a
// remote template.
QString templateDirectory(const Template& tmpl);

} // namespace Flightdeck::Scaffolder
