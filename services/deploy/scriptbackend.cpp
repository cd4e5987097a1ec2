// SPDX-License-Identifier: Apache-2.0
#include "scriptbackend.h"

#include "backendsupport.h"
#include "net/httpclient.h"
#include "net/redact.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTimer>

#include <algorithm>
#include <climits>
#include <functional>
#include <utility>

#include <cerrno>
#include <signal.h>
#include <unistd.h>

namespace Flightdeck::Deploy {

namespace {

using Net::HttpErrorKind;
using Net::HttpRequest;
using Net::HttpResponse;

constexpr int TailLines = 10;
constexpr qsizetype MaxLineBytes = 64 * 1024;
const QString StepPrefix = QStringLiteral("::step::");

QString tr(const char* text)
{
    return ScriptBackend::tr(text);
}

struct ScriptSettings
{
    QString command;
    QString workingDirectory;
    qint64 timeoutMs = 900 * 1000;
    int graceMs = 5000;
    QUrl healthUrl;
    qint64 healthTimeoutMs = 60 * 1000;
    int healthIntervalMs = 500;
    int healthRequestTimeoutMs = 2000;
    QUrl statusUrl;
    QString secretVariable;
    QString secret;
};

using Support::readNumber;

bool readUrl(const DeployTarget& target, const QString& key, QUrl* out, QString* error)
{
    const QString text = target.setting(key).trimmed();
    if (text.isEmpty())
        return true;
    const QUrl url(text);
    if (!url.isValid() || url.host().isEmpty()
        || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))) {
        *error = tr("The setting %1 must be an http(s) URL, not '%2'.").arg(key, Net::redactedUrl(url));
        return false;
    }
    *out = url;
    return true;
}

// The settings every action reads; the command is checked by the actions that run it.
QString readSettings(const DeployTarget& target, ScriptSettings* s)
{
    QString error;
    double value = 0;
    s->workingDirectory = target.setting(QStringLiteral("workingDirectory")).trimmed();
    if (!readNumber(target, QStringLiteral("timeoutSeconds"), 900, 0.01, 7 * 24 * 3600, &value, &error))
        return error;
    s->timeoutMs = qint64(value * 1000);
    if (!readNumber(target, QStringLiteral("terminateGraceMs"), 5000, 0, 600000, &value, &error))
        return error;
    s->graceMs = int(value);
    if (!readUrl(target, QStringLiteral("healthUrl"), &s->healthUrl, &error))
        return error;
    if (!readNumber(target, QStringLiteral("healthTimeoutSeconds"), 60, 0.01, 24 * 3600, &value, &error))
        return error;
    s->healthTimeoutMs = qint64(value * 1000);
    if (!readNumber(target, QStringLiteral("healthIntervalMs"), 500, 1, 600000, &value, &error))
        return error;
    s->healthIntervalMs = int(value);
    if (!readNumber(target, QStringLiteral("healthRequestTimeoutMs"), 2000, 1, 600000, &value, &error))
        return error;
    s->healthRequestTimeoutMs = int(value);
    if (!readUrl(target, QStringLiteral("statusUrl"), &s->statusUrl, &error))
        return error;
    if (s->statusUrl.isEmpty())
        s->statusUrl = s->healthUrl;
    s->secretVariable = target.setting(QStringLiteral("secretVariable")).trimmed();
    static const QRegularExpression variable(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$"));
    if (!s->secretVariable.isEmpty() && !variable.match(s->secretVariable).hasMatch())
        return tr("The setting secretVariable must be an environment variable name, not '%1'.").arg(s->secretVariable);
    s->secret = target.secret;
    return {};
}

QString operationOf(const DeployRequest& request)
{
    const QString operation = request.operation.trimmed().toLower();
    if (operation == QLatin1String("deploy") || operation == QLatin1String("promote")
        || operation == QLatin1String("rollback"))
        return operation;
    return request.action == Action::Rollback ? QStringLiteral("rollback") : QStringLiteral("deploy");
}

// Sends sig to the process group led by pid; the group outlives its leader while members remain.
void signalGroup(qint64 pid, int sig)
{
    if (pid > 0)
        ::kill(-pid_t(pid), sig);
}

// Whether a member of the group still runs. Zombies (dead, not yet reaped by their new parent) do
// not count: they hold nothing and go away on their own.
bool groupAlive(qint64 pid)
{
    if (pid <= 0 || (::kill(-pid_t(pid), 0) != 0 && errno == ESRCH))
        return false;
#ifdef Q_OS_LINUX
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString& entry : entries) {
        bool numeric = false;
        entry.toLongLong(&numeric);
        if (!numeric)
            continue;
        QFile stat(QStringLiteral("/proc/") + entry + QStringLiteral("/stat"));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        // "pid (comm) state ppid pgrp …"; comm may contain spaces and parentheses.
        const QByteArray text = stat.readAll();
        const qsizetype paren = text.lastIndexOf(')');
        const QList<QByteArray> fields = text.mid(paren + 2).split(' ');
        if (paren > 0 && fields.size() > 2 && fields.at(2).toLongLong() == pid && fields.at(0) != "Z"
            && fields.at(0) != "X")
            return true;
    }
    return false;
#else
    return true;
#endif
}

class ScriptJob final : public DeployJob
{
public:
    ScriptJob(ScriptBackend* backend, ScriptSettings settings, DeployRequest request, QString command)
        : DeployJob(backend)
        , m_http(backend->context().http)
        , m_s(std::move(settings))
        , m_request(std::move(request))
        , m_command(std::move(command))
        , m_timer(new QTimer(this))
        , m_graceTimer(new QTimer(this))
        , m_reapTimer(new QTimer(this))
    {
        m_reapTimer->setInterval(50);
        connect(m_reapTimer, &QTimer::timeout, this, [this] { onReapCheck(); });
        m_timer->setSingleShot(true);
        m_graceTimer->setSingleShot(true);
        connect(m_timer, &QTimer::timeout, this, [this] {
            if (auto next = std::exchange(m_next, nullptr))
                next();
        });
        connect(m_graceTimer, &QTimer::timeout, this, [this] { onGraceOver(); });
    }

    ~ScriptJob() override
    {
        if (m_process && m_process->state() != QProcess::NotRunning) {
            disconnect(m_process, nullptr, this, nullptr);
            signalGroup(m_pid, SIGKILL);
        }
    }

    void begin();
    void cancel() override;
    qint64 pid() const { return m_pid; }

private:
    enum class Stop
    {
        None,
        Cancel,
        Timeout,
    };
    enum class Phase
    {
        Waiting, // begin() not run yet
        Running,
        Health,
        Reading, // status
    };

    void stopWaiting();
    void done(DeployResult result);
    void later(std::function<void()> next, int ms);
    DeployResult changedFailure(const QString& message, const QString& hint = {}) const;

    void startCommand();
    void onOutput();
    void emitLine(QByteArray bytes);
    void endStep(const QString& state);
    void stopGroup(Stop why);
    void onGraceOver();
    void onReapCheck();
    void onFinished(int exitCode, QProcess::ExitStatus status);
    void conclude();
    QString tailText() const;

    void pollHealth();
    void onHealth(const HttpResponse& r);
    void readStatus();

    Net::HttpClient* m_http;
    ScriptSettings m_s;
    DeployRequest m_request;
    QString m_command;
    QString m_operation;
    QTimer* m_timer;
    QTimer* m_graceTimer;
    QTimer* m_reapTimer;
    std::function<void()> m_next;
    QPointer<Net::HttpReply> m_reply;
    QProcess* m_process = nullptr;
    qint64 m_pid = 0;
    Phase m_phase = Phase::Waiting;
    Stop m_stop = Stop::None;
    bool m_exited = false;
    int m_exitCode = 0;
    QProcess::ExitStatus m_exitStatus = QProcess::NormalExit;

    Support::LineSplitter m_lines { MaxLineBytes };
    QStringList m_tail;
    QString m_step;

    QElapsedTimer m_healthClock;
    QString m_lastHealth;
    QString m_runningVersion;
};

void ScriptJob::stopWaiting()
{
    m_timer->stop();
    m_next = nullptr;
    if (Net::HttpReply* reply = m_reply) {
        m_reply.clear();
        disconnect(reply, nullptr, this, nullptr);
        reply->cancel();
    }
}

void ScriptJob::done(DeployResult result)
{
    stopWaiting();
    finish(std::move(result));
}

void ScriptJob::later(std::function<void()> next, int ms)
{
    m_next = std::move(next);
    m_timer->start(ms);
}

DeployResult ScriptJob::changedFailure(const QString& message, const QString& hint) const
{
    DeployResult result = DeployResult::failure(message, hint);
    result.changed = true;
    result.reference = QStringLiteral("pid %1").arg(m_pid);
    return result;
}

void ScriptJob::begin()
{
    if (isFinished())
        return;
    if (m_request.action == Action::Status) {
        m_phase = Phase::Reading;
        readStatus();
        return;
    }
    startCommand();
}

void ScriptJob::startCommand()
{
    m_phase = Phase::Running;
    m_operation = operationOf(m_request);
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("SERVICE"), m_request.target.service);
    environment.insert(QStringLiteral("ENVIRONMENT"), m_request.target.environment);
    environment.insert(QStringLiteral("VERSION"), m_request.version);
    environment.insert(QStringLiteral("PREVIOUS_VERSION"), m_request.fromVersion);
    environment.insert(QStringLiteral("OPERATION"), m_operation);
    environment.insert(QStringLiteral("FLIGHTDECK_ACTOR"), m_request.actor);
    if (!m_s.secretVariable.isEmpty())
        environment.insert(m_s.secretVariable, m_s.secret);

    m_process = new QProcess(this);
    m_process->setProcessEnvironment(environment);
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    m_process->setStandardInputFile(QProcess::nullDevice());
    if (!m_s.workingDirectory.isEmpty())
        m_process->setWorkingDirectory(m_s.workingDirectory);
    // A group of its own, so that stopping reaches everything the command started.
    m_process->setChildProcessModifier([] { ::setpgid(0, 0); });
    connect(m_process, &QProcess::readyReadStandardOutput, this, [this] { onOutput(); });
    connect(m_process, &QProcess::started, this, [this] {
        m_pid = m_process->processId();
        Q_EMIT changed(QStringLiteral("pid %1").arg(m_pid));
        m_timer->stop();
        m_next = nullptr;
        later([this] { stopGroup(Stop::Timeout); }, int(std::min<qint64>(m_s.timeoutMs, INT_MAX)));
        if (m_stop == Stop::Cancel)
            stopGroup(Stop::Cancel);
    });
    connect(m_process, &QProcess::finished, this,
        [this](int exitCode, QProcess::ExitStatus status) { onFinished(exitCode, status); });
    connect(m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error != QProcess::FailedToStart)
            return;
        DeployResult result = DeployResult::failure(
            tr("Could not start the %1 command (/bin/sh -c …): %2").arg(m_operation, m_process->errorString()),
            tr("Check that /bin/sh exists and that workingDirectory (%1) is a directory you may enter.")
                .arg(m_s.workingDirectory.isEmpty() ? QDir::currentPath() : m_s.workingDirectory));
        if (m_stop == Stop::Cancel) {
            result.outcome = Outcome::Cancelled;
            result.message = tr("Cancelled before anything changed.");
        }
        done(result);
    });
    m_process->start(QStringLiteral("/bin/sh"), { QStringLiteral("-c"), m_command });
}

void ScriptJob::cancel()
{
    if (isFinished() || m_stop == Stop::Cancel)
        return;
    switch (m_phase) {
    case Phase::Waiting:
    case Phase::Reading: {
        m_stop = Stop::Cancel;
        stopWaiting();
        DeployResult cancelled;
        cancelled.outcome = Outcome::Cancelled;
        cancelled.message = tr("Cancelled before anything changed.");
        finishLater(cancelled);
        return;
    }
    case Phase::Running:
        if (m_stop == Stop::Timeout) {
            m_stop = Stop::Cancel; // already stopping: report the cancel
            return;
        }
        stopGroup(Stop::Cancel);
        return;
    case Phase::Health: {
        m_stop = Stop::Cancel;
        DeployResult cancelled;
        cancelled.outcome = Outcome::Cancelled;
        cancelled.changed = true;
        cancelled.reference = QStringLiteral("pid %1").arg(m_pid);
        cancelled.message = tr("Cancelled during the health check; the %1 command had completed.").arg(m_operation);
        stopWaiting();
        Q_EMIT step(tr("Health check"), QStringLiteral("failed"));
        finishLater(cancelled);
        return;
    }
    }
}

void ScriptJob::stopGroup(Stop why)
{
    m_stop = why;
    m_timer->stop();
    m_next = nullptr;
    if (m_pid <= 0)
        return; // still starting: started() stops it as soon as it runs (setpgid is done by then)
    if (why == Stop::Timeout)
        Q_EMIT log(tr("The %1 command did not finish within %2 s: stopping it.")
                       .arg(m_operation)
                       .arg(double(m_s.timeoutMs) / 1000.0));
    signalGroup(m_pid, SIGTERM);
    m_graceTimer->start(m_s.graceMs);
}

void ScriptJob::onReapCheck()
{
    if (!groupAlive(m_pid))
        conclude();
}

void ScriptJob::onGraceOver()
{
    m_reapTimer->stop();
    signalGroup(m_pid, SIGKILL);
    if (m_exited)
        conclude();
    // Otherwise finished() follows: SIGKILL cannot be ignored.
}

void ScriptJob::onOutput()
{
    m_lines.feed(m_process->readAllStandardOutput(), [this](QByteArray line) { emitLine(std::move(line)); });
}

void ScriptJob::emitLine(QByteArray bytes)
{
    const QString line = Net::scrubbed(QString::fromUtf8(bytes), { m_s.secret.toUtf8() });
    if (line.startsWith(StepPrefix)) {
        const QString name = line.mid(StepPrefix.size()).trimmed();
        endStep(QStringLiteral("succeeded"));
        if (!name.isEmpty()) {
            m_step = name;
            Q_EMIT step(name, QStringLiteral("running"));
        }
        return;
    }
    m_tail.append(line);
    if (m_tail.size() > TailLines)
        m_tail.removeFirst();
    Q_EMIT log(line);
}

void ScriptJob::endStep(const QString& state)
{
    if (m_step.isEmpty())
        return;
    Q_EMIT step(std::exchange(m_step, {}), state);
}

void ScriptJob::onFinished(int exitCode, QProcess::ExitStatus status)
{
    onOutput();
    m_lines.flush([this](QByteArray line) { emitLine(std::move(line)); });
    m_exited = true;
    m_exitCode = exitCode;
    m_exitStatus = status;
    m_timer->stop();
    m_next = nullptr;
    // When stopping, the shell may go first while members of its group still hold on: they are
    // looked at again shortly, and get SIGKILL when the grace period is over.
    if (m_stop != Stop::None && m_graceTimer->isActive() && groupAlive(m_pid)) {
        m_reapTimer->start();
        return;
    }
    conclude();
}

QString ScriptJob::tailText() const
{
    if (m_tail.isEmpty())
        return tr("It printed nothing.");
    return tr("Last lines of its output:") + QStringLiteral("\n  ") + m_tail.join(QStringLiteral("\n  "));
}

void ScriptJob::conclude()
{
    if (isFinished())
        return;
    m_graceTimer->stop();
    m_reapTimer->stop();
    if (m_stop == Stop::Cancel) {
        endStep(QStringLiteral("failed"));
        DeployResult cancelled;
        cancelled.outcome = Outcome::Cancelled;
        cancelled.changed = true;
        cancelled.reference = QStringLiteral("pid %1").arg(m_pid);
        cancelled.message = tr("Cancelled: the %1 command (pid %2) and the processes it started were stopped.")
                                .arg(m_operation)
                                .arg(m_pid);
        done(cancelled);
        return;
    }
    if (m_stop == Stop::Timeout) {
        endStep(QStringLiteral("failed"));
        done(changedFailure(tr("The %1 command did not finish within %2 s and was stopped.\n%3")
                                .arg(m_operation)
                                .arg(double(m_s.timeoutMs) / 1000.0)
                                .arg(tailText()),
            tr("Find out why it hangs (run it by hand), or raise timeoutSeconds.")));
        return;
    }
    if (m_exitStatus == QProcess::CrashExit) {
        endStep(QStringLiteral("failed"));
        done(changedFailure(tr("The %1 command was killed by a signal.\n%2").arg(m_operation, tailText()),
            tr("Something outside Flightdeck stopped it; run it again when that is sorted out.")));
        return;
    }
    if (m_exitCode != 0) {
        endStep(QStringLiteral("failed"));
        done(changedFailure(
            tr("The %1 command exited with code %2.\n%3").arg(m_operation).arg(m_exitCode).arg(tailText()),
            tr("Its output says what went wrong; fix that and try again.")));
        return;
    }
    endStep(QStringLiteral("succeeded"));
    if (m_s.healthUrl.isEmpty()) {
        DeployResult result;
        result.outcome = Outcome::Succeeded;
        result.changed = true;
        result.reference = QStringLiteral("pid %1").arg(m_pid);
        result.version = m_request.version;
        result.message
            = tr("The %1 command for %2 %3 in %4 completed.")
                  .arg(m_operation, m_request.target.service, m_request.version, m_request.target.environment);
        done(result);
        return;
    }
    m_phase = Phase::Health;
    m_healthClock.start();
    Q_EMIT step(tr("Health check"), QStringLiteral("running"));
    pollHealth();
}

void ScriptJob::pollHealth()
{
    HttpRequest request = HttpRequest::get(m_s.healthUrl);
    request.retry = Net::RetryPolicy::none();
    const qint64 left = m_s.healthTimeoutMs - m_healthClock.elapsed();
    request.timeoutMs = int(std::clamp<qint64>(left, 1, m_s.healthRequestTimeoutMs));
    request.setHeader("Accept", "application/json");
    m_reply = m_http->send(request, this, [this](const HttpResponse& r) {
        m_reply.clear();
        if (!isFinished())
            onHealth(r);
    });
}

void ScriptJob::onHealth(const HttpResponse& r)
{
    const QString url = Net::redactedUrl(m_s.healthUrl);
    if (r.ok() && r.status >= 200 && r.status < 300) {
        const QJsonDocument doc = QJsonDocument::fromJson(r.body);
        const QJsonValue version = doc.isObject() ? doc.object().value(QLatin1String("version")) : QJsonValue();
        const QString running = version.isString() ? version.toString() : QString();
        if (running.isEmpty() || m_request.version.isEmpty() || running == m_request.version) {
            Q_EMIT step(tr("Health check"), QStringLiteral("succeeded"));
            Q_EMIT log(tr("%1 answers HTTP %2%3.")
                           .arg(url)
                           .arg(r.status)
                           .arg(running.isEmpty() ? QString() : tr(" with version %1").arg(running)));
            DeployResult result;
            result.outcome = Outcome::Succeeded;
            result.changed = true;
            result.reference = QStringLiteral("pid %1").arg(m_pid);
            result.version = running.isEmpty() ? m_request.version : running;
            result.state.version = result.version;
            result.state.health = QStringLiteral("Healthy");
            result.state.status = QStringLiteral("Running");
            result.state.url = m_s.healthUrl.toString(QUrl::RemoveUserInfo);
            result.message = tr("%1 %2 runs in %3 and answers at %4.")
                                 .arg(m_request.target.service, result.version, m_request.target.environment, url);
            done(result);
            return;
        }
        m_runningVersion = running;
        m_lastHealth = tr("reports version %1, not %2").arg(running, m_request.version);
    } else if (r.status > 0) {
        m_lastHealth = tr("answers HTTP %1").arg(r.status);
    } else {
        m_lastHealth = r.error.kind == HttpErrorKind::ConnectionRefused ? tr("refuses connections (not running)")
            : r.error.kind == HttpErrorKind::Timeout                    ? tr("does not answer")
                                                                        : r.error.message;
    }
    if (m_healthClock.elapsed() + m_s.healthIntervalMs > m_s.healthTimeoutMs) {
        Q_EMIT step(tr("Health check"), QStringLiteral("failed"));
        DeployResult result = changedFailure(tr("The %1 command completed, but after %2 s the service at %3 %4.")
                                                 .arg(m_operation)
                                                 .arg(double(m_s.healthTimeoutMs) / 1000.0)
                                                 .arg(url, m_lastHealth),
            m_runningVersion.isEmpty()
                ? tr("Look at the service's own log to see why it does not come up; raise healthTimeoutSeconds if it "
                     "only needs longer.")
                : tr("The new version did not take over: check that the old process was stopped and that the new one "
                     "started (its log), then deploy again."));
        result.version = m_runningVersion;
        result.state.version = m_runningVersion;
        done(result);
        return;
    }
    later([this] { pollHealth(); }, m_s.healthIntervalMs);
}

void ScriptJob::readStatus()
{
    if (m_s.statusUrl.isEmpty()) {
        DeployResult result;
        result.outcome = Outcome::Succeeded;
        result.state.health = QStringLiteral("Unknown");
        result.message = tr("No statusUrl or healthUrl is configured, so the script backend cannot tell what runs.");
        result.state.message = result.message;
        finishLater(result);
        return;
    }
    HttpRequest request = HttpRequest::get(m_s.statusUrl);
    request.retry = Net::RetryPolicy::none();
    request.timeoutMs = m_s.healthRequestTimeoutMs;
    request.setHeader("Accept", "application/json");
    m_reply = m_http->send(request, this, [this](const HttpResponse& r) {
        m_reply.clear();
        if (isFinished())
            return;
        const QString url = Net::redactedUrl(m_s.statusUrl);
        DeployResult result;
        result.outcome = Outcome::Succeeded;
        DeploymentState& state = result.state;
        state.url = m_s.statusUrl.toString(QUrl::RemoveUserInfo);
        if (r.ok() && r.status >= 200 && r.status < 300) {
            const QJsonDocument doc = QJsonDocument::fromJson(r.body);
            const QJsonValue version = doc.isObject() ? doc.object().value(QLatin1String("version")) : QJsonValue();
            state.version = version.isString() ? version.toString() : QString();
            state.status = QStringLiteral("Running");
            state.health = QStringLiteral("Healthy");
            state.message = state.version.isEmpty()
                ? tr("%1 answers HTTP %2.").arg(url).arg(r.status)
                : tr("%1 answers HTTP %2 with version %3.").arg(url).arg(r.status).arg(state.version);
        } else if (r.error.kind == HttpErrorKind::ConnectionRefused) {
            state.status = QStringLiteral("Not running");
            state.health = QStringLiteral("Missing");
            state.message = tr("Nothing answers at %1: not running.").arg(url);
        } else if (r.status > 0) {
            state.status = QStringLiteral("HTTP %1").arg(r.status);
            state.health = QStringLiteral("Degraded");
            state.message = tr("%1 answers HTTP %2.").arg(url).arg(r.status);
        } else {
            state.status = QStringLiteral("Not answering");
            state.health = QStringLiteral("Unknown");
            state.message = r.error.message;
        }
        result.version = state.version;
        result.message = state.message;
        done(result);
    });
}

// Abort: stops the command running for the same service and environment, and reports how that went.
class AbortJob final : public DeployJob
{
public:
    AbortJob(QObject* parent, DeployJob* running, qint64 pid)
        : DeployJob(parent)
    {
        connect(running, &DeployJob::finished, this, [this, pid](const DeployResult& ended) {
            DeployResult result;
            result.changed = ended.outcome == Outcome::Cancelled && ended.changed;
            result.reference = QStringLiteral("pid %1").arg(pid);
            if (ended.outcome == Outcome::Cancelled) {
                result.outcome = Outcome::Succeeded;
                result.message = tr("Stopped the running command (pid %1).").arg(pid);
            } else {
                result.outcome = Outcome::Failed;
                result.message = tr("The running command ended before it could be stopped: %1").arg(ended.message);
            }
            finish(result);
        });
        QMetaObject::invokeMethod(
            running, [running] { running->cancel(); }, Qt::QueuedConnection);
    }
    void cancel() override
    {
        DeployResult cancelled;
        cancelled.outcome = Outcome::Cancelled;
        cancelled.message = tr("Stopped waiting for the abort.");
        finishLater(cancelled);
    }
};

QString runningKey(const DeployTarget& target)
{
    return target.service + QChar(0) + target.environment;
}

} // namespace

ScriptBackend::ScriptBackend(const BackendContext& context, QObject* parent)
    : DeployBackend(context, parent)
{ }

ScriptBackend::~ScriptBackend() = default;

Capabilities ScriptBackend::capabilities() const
{
    return Capability::Deploy | Capability::Rollback | Capability::Abort | Capability::Status
        | Capability::LiveProgress;
}

DeployJob* ScriptBackend::start(const DeployRequest& request)
{
    if (!can(requiredCapability(request.action)))
        return unsupportedJob(request.action);
    const QString fix = tr("Fix the settings of the deploy backend '%1' in the workspace.").arg(context().name);
    ScriptSettings settings;
    const QString problem = readSettings(request.target, &settings);
    if (!problem.isEmpty())
        return failedJob(problem, fix);
    const QUrl& polled = request.action == Action::Status ? settings.statusUrl : settings.healthUrl;
    if (!polled.isEmpty() && !context().http)
        return failedJob(tr("The script backend '%1' has no HTTP client for its health checks.").arg(context().name));

    const QString key = runningKey(request.target);
    if (request.action == Action::Abort) {
        // Only ScriptJobs are registered.
        auto* running = static_cast<ScriptJob*>(m_running.value(key).data());
        if (!running || running->isFinished())
            return failedJob(tr("No %1 command is running for %2 in %3 here; nothing to abort.")
                                 .arg(type(), request.target.service, request.target.environment));
        return new AbortJob(this, running, running->pid());
    }
    if (request.action == Action::Status) {
        auto* job = new ScriptJob(this, std::move(settings), request, {});
        QMetaObject::invokeMethod(job, &ScriptJob::begin, Qt::QueuedConnection);
        return job;
    }

    QString command = request.target.setting(QStringLiteral("command")).trimmed();
    if (request.action == Action::Rollback) {
        const QString rollback = request.target.setting(QStringLiteral("rollbackCommand")).trimmed();
        if (!rollback.isEmpty())
            command = rollback;
        else if (request.version.trimmed().isEmpty())
            return failedJob(tr("Rolling back with the script backend needs the version to go back to."),
                tr("Choose the version, or configure a rollbackCommand that knows it."));
    } else if (request.version.trimmed().isEmpty()) {
        return failedJob(tr("No version to deploy."), tr("Choose the version to deploy."));
    }
    if (command.isEmpty())
        return failedJob(tr("The setting command (the shell command that deploys) is empty."), fix);
    if (!settings.workingDirectory.isEmpty()) {
        if (!QDir::isAbsolutePath(settings.workingDirectory))
            return failedJob(
                tr("The setting workingDirectory must be an absolute path, not '%1'.").arg(settings.workingDirectory),
                fix);
        if (!QFileInfo(settings.workingDirectory).isDir())
            return failedJob(
                tr("The setting workingDirectory names '%1', which is not a directory.").arg(settings.workingDirectory),
                fix);
    }
    auto* job = new ScriptJob(this, std::move(settings), request, command);
    m_running.insert(key, job);
    connect(job, &DeployJob::finished, this, [this, key, job] {
        if (m_running.value(key) == job)
            m_running.remove(key);
    });
    QMetaObject::invokeMethod(job, &ScriptJob::begin, Qt::QueuedConnection);
    return job;
}

} // namespace Flightdeck::Deploy
