// SPDX-License-Identifier: Apache-2.0
#include "githubactionsbackend.h"

#include "backendsupport.h"

#include "net/httpclient.h"
#include "net/redact.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QRegularExpression>
#include <QTimer>
#include <QUrlQuery>

#include <functional>
#include <memory>

namespace Flightdeck::Deploy {

namespace {

using namespace Support;

constexpr int DefaultPollIntervalMs = 2000;
constexpr int DefaultTimeoutSeconds = 600;
constexpr int DefaultRequestTimeoutMs = 30000;
constexpr int DefaultHistoryLimit = 10;
constexpr int DefaultRunLookupAttempts = 15;

QString idAt(const QJsonObject& o, const char* key)
{
    const QJsonValue v = o.value(QLatin1String(key));
    return v.isString() ? v.toString() : QString::number(v.toInteger());
}

// A deployment's payload is an object or a string holding JSON.
QJsonObject payloadOf(const QJsonObject& deployment)
{
    const QJsonValue payload = deployment.value(QLatin1String("payload"));
    if (payload.isObject())
        return payload.toObject();
    return QJsonDocument::fromJson(payload.toString().toUtf8()).object();
}

QString deploymentVersion(const QJsonObject& deployment)
{
    const QJsonValue version = payloadOf(deployment).value(QLatin1String("version"));
    if (version.isString() && !version.toString().isEmpty())
        return version.toString();
    if (version.isDouble())
        return QString::number(version.toDouble());
    return stringAt(deployment, "ref");
}

// The newest of a deployment's statuses (GitHub lists them newest first; the id decides anyway).
QJsonObject newestStatus(const QJsonArray& statuses)
{
    QJsonObject newest;
    for (const QJsonValue& v : statuses) {
        const QJsonObject s = v.toObject();
        if (newest.isEmpty()
            || s.value(QLatin1String("id")).toInteger() > newest.value(QLatin1String("id")).toInteger())
            newest = s;
    }
    return newest;
}

// A deployment status state as a history result. `inactive` is what GitHub sets on an earlier
// successful deployment when a newer one succeeds.
QString resultOfState(const QString& state)
{
    if (state == QLatin1String("success") || state == QLatin1String("inactive"))
        return QStringLiteral("succeeded");
    if (state == QLatin1String("failure") || state == QLatin1String("error"))
        return QStringLiteral("failed");
    if (state == QLatin1String("in_progress") || state == QLatin1String("queued") || state == QLatin1String("pending"))
        return QStringLiteral("running");
    return QStringLiteral("unknown");
}

// A job's or step's status and conclusion as a step state; empty while it waits to start.
QString stepStateOf(const QString& status, const QString& conclusion)
{
    if (status == QLatin1String("in_progress"))
        return QStringLiteral("running");
    if (status != QLatin1String("completed"))
        return {};
    if (conclusion == QLatin1String("success") || conclusion == QLatin1String("neutral"))
        return QStringLiteral("succeeded");
    if (conclusion == QLatin1String("skipped"))
        return QStringLiteral("skipped");
    return QStringLiteral("failed");
}

// The run id in a run's URL (…/actions/runs/123) or a bare id.
qint64 runIdOf(const QString& reference)
{
    static const QRegularExpression pattern(QStringLiteral("(?:^|/runs/)(\\d+)(?:$|[/?#])"));
    const auto m = pattern.match(reference.trimmed());
    return m.hasMatch() ? m.captured(1).toLongLong() : 0;
}

// "message: detail; detail" from GitHub's error body, errors[] included (validation errors carry
// either a message or resource, field and code).
QString githubMessage(const QByteArray& body, const QString& fallback)
{
    const QJsonObject o = QJsonDocument::fromJson(body).object();
    QString message = stringAt(o, "message");
    if (message.isEmpty())
        message = fallback;
    QStringList details;
    for (const QJsonValue& v : o.value(QLatin1String("errors")).toArray()) {
        if (v.isString()) {
            details << v.toString();
            continue;
        }
        const QJsonObject e = v.toObject();
        QString d = stringAt(e, "message");
        if (d.isEmpty()) {
            const QString where = QStringList { stringAt(e, "resource"), stringAt(e, "field") }.join(QLatin1Char('.'));
            d = QStringLiteral("%1 %2").arg(where, stringAt(e, "code")).trimmed();
        }
        if (!d.isEmpty() && !details.contains(d))
            details << d;
    }
    if (details.isEmpty())
        return message;
    return message.isEmpty() ? details.join(QStringLiteral("; "))
                             : QStringLiteral("%1 (%2)").arg(message, details.join(QStringLiteral("; ")));
}

class GitHubJob final : public RestJob
{
public:
    GitHubJob(GitHubActionsBackend* backend, DeployRequest request)
        : RestJob(backend, [this] { pollRun(); })
        , m_backend(backend)
        , m_request(std::move(request))
    {
        const DeployTarget& t = m_request.target;
        m_api = withoutTrailingSlash(t.setting(QStringLiteral("url"), QStringLiteral("https://api.github.com")));
        if (m_api.isEmpty())
            m_api = QStringLiteral("https://api.github.com");
        m_repository = t.setting(QStringLiteral("repository")).trimmed();
        m_workflow = t.setting(QStringLiteral("workflow")).trimmed();
        m_ref = t.setting(QStringLiteral("ref")).trimmed();
        if (m_ref.isEmpty())
            m_ref = QStringLiteral("main");
        m_environmentName = t.setting(QStringLiteral("environmentName")).trimmed();
        if (m_environmentName.isEmpty())
            m_environmentName = t.environment;
        m_pollIntervalMs = intSetting(t, QStringLiteral("pollIntervalMs"), DefaultPollIntervalMs, 1, 3600 * 1000);
        m_timeoutMs
            = qint64(intSetting(t, QStringLiteral("timeoutSeconds"), DefaultTimeoutSeconds, 1, 7 * 24 * 3600)) * 1000;
        m_requestTimeoutMs = intSetting(t, QStringLiteral("requestTimeoutMs"), DefaultRequestTimeoutMs, 1, 3600 * 1000);
        m_historyLimit = intSetting(t, QStringLiteral("historyLimit"), DefaultHistoryLimit, 1, 100);
        m_runLookupAttempts = intSetting(t, QStringLiteral("runLookupAttempts"), DefaultRunLookupAttempts, 1, 1000);
    }

    void begin()
    {
        switch (m_request.action) {
        case Action::Status:
            readStatus();
            break;
        case Action::History:
            readHistory();
            break;
        case Action::Deploy:
            dispatch(m_request.version, QStringLiteral("deploy"));
            break;
        case Action::Rollback:
            if (!m_request.version.trimmed().isEmpty())
                dispatch(m_request.version.trimmed(), QStringLiteral("rollback"));
            else
                findPreviousVersion();
            break;
        case Action::Abort:
            startAbort();
            break;
        default:
            done(DeployResult::failure(
                QStringLiteral("The github-actions backend cannot %1.").arg(actionName(m_request.action))));
            break;
        }
    }

    void cancel() override
    {
        if (isFinished() || m_cancelling)
            return;
        if (stopBeforeChange(QStringLiteral("GitHub"), QStringLiteral("the runs of %1 in %2").arg(m_workflow, m_repository)))
            return;
        if (m_runId == 0) {
            DeployResult r = resultSoFar(Outcome::Cancelled);
            r.message
                = QStringLiteral("Stopped waiting; the workflow %1 was dispatched, but its run was not found yet, "
                                 "so it could not be cancelled.")
                      .arg(m_workflow);
            r.hint = QStringLiteral("Cancel the run in GitHub if it must not go on.");
            done(r);
            return;
        }
        cancelRun(/*forJob*/ true);
    }

private:
    using OkHandler = std::function<void(const Net::HttpResponse&)>;
    using ErrorHandler = std::function<bool(const Net::HttpResponse&)>; // true: handled

    QString repoPath() const { return QStringLiteral("/repos/") + m_repository; }
    QString workflowPath() const
    {
        return repoPath() + QStringLiteral("/actions/workflows/") + pathSegment(m_workflow);
    }
    QString runPath(qint64 id) const { return repoPath() + QStringLiteral("/actions/runs/%1").arg(id); }

    // Where people look: https://github.com for api.github.com, the server itself for Enterprise Server.
    QString webBase() const
    {
        const QUrl api(m_api);
        if (api.host() == QLatin1String("api.github.com"))
            return QStringLiteral("https://github.com");
        QString base = m_api;
        if (base.endsWith(QLatin1String("/api/v3")))
            base.chop(7);
        return base;
    }

    QString host() const
    {
        const QUrl u(m_api);
        return u.port() > 0 ? QStringLiteral("%1:%2").arg(u.host()).arg(u.port()) : u.host();
    }

    // Text from the server or the network layer, with the token replaced should it be echoed.
    QString foreign(const QString& text) const { return Net::scrubbed(text, { m_request.target.secret.toUtf8() }); }

    void emitLog(const QString& line) { Q_EMIT log(line); }

    void send(const QByteArray& method, const QString& pathAndQuery, const QJsonDocument& body, const QString& what,
        OkHandler onOk, ErrorHandler onError = {}, bool mutating = false)
    {
        if (isFinished())
            return;
        Net::HttpRequest r;
        r.method = method;
        r.url = QUrl(m_api + pathAndQuery);
        if (!body.isNull())
            r.body = body.toJson(QJsonDocument::Compact);
        r.timeoutMs = m_requestTimeoutMs;
        r.credential = Net::Credential::bearer(m_request.target.secret);
        r.setHeader("Accept", "application/vnd.github+json");
        r.setHeader("X-GitHub-Api-Version", "2022-11-28");
        if (!r.body.isEmpty())
            r.setHeader("Content-Type", "application/json");
        // Reads are retried by the client (5xx, timeouts, Retry-After); changes are sent once.
        if (method != "GET")
            r.retry = Net::RetryPolicy::none();
        m_what = what;
        m_mutationInFlight = mutating;
        m_reply = m_backend->context().http->send(
            r, this, [this, onOk, onError, mutating](const Net::HttpResponse& response) {
                m_reply.clear();
                m_mutationInFlight = false;
                if (isFinished())
                    return;
                if (!response.ok()) {
                    if (onError && onError(response))
                        return;
                    done(describe(response, mutating));
                    return;
                }
                onOk(response);
            });
    }

    DeployResult describe(const Net::HttpResponse& response, bool mutating = false) const
    {
        const Net::HttpError& e = response.error;
        const int status = e.status > 0 ? e.status : response.status;
        QString message;
        QString hint;
        if (status >= 400) {
            const QString server = foreign(githubMessage(e.body, e.serverMessage));
            message
                = QStringLiteral("GitHub (%1) answered HTTP %2 when asked to %3").arg(host()).arg(status).arg(m_what)
                + (server.isEmpty() ? QString() : QStringLiteral(": \"%1\"").arg(server)) + QLatin1Char('.');
            const bool rateLimited = response.header("x-ratelimit-remaining") == "0"
                || server.contains(QLatin1String("rate limit"), Qt::CaseInsensitive);
            const auto retryAfter = Net::parseRetryAfterMs(response.header("Retry-After"));
            if (status == 401) {
                hint = QStringLiteral("Check the GitHub token in Settings → Credentials: it may be wrong, expired or "
                                      "revoked.");
            } else if ((status == 403 || status == 429) && (rateLimited || retryAfter)) {
                if (retryAfter) {
                    hint = QStringLiteral("GitHub asks to wait %1 s (Retry-After) before trying again.")
                               .arg((*retryAfter + 999) / 1000);
                } else {
                    bool ok = false;
                    const qint64 reset = response.header("x-ratelimit-reset").toLongLong(&ok);
                    hint = ok ? QStringLiteral("GitHub's rate limit is used up until %1 (x-ratelimit-reset); try again "
                                               "after that.")
                                    .arg(QDateTime::fromSecsSinceEpoch(reset, Qt::UTC).toString(Qt::ISODate))
                              : QStringLiteral("GitHub's rate limit is used up: wait a minute and try again.");
                }
            } else if (status == 403) {
                hint = QStringLiteral(
                    "The token lacks permission on %1: dispatching and cancelling runs needs Actions: write "
                    "(fine-grained token) or the repo and workflow scopes (classic token); reading deployments "
                    "needs Deployments: read.")
                           .arg(m_repository);
            } else if (status == 404) {
                hint = QStringLiteral("GitHub shows nothing there: check the settings repository (%1) and workflow "
                                      "(%2), and that the token can see the repository (a private repository answers "
                                      "404 to a token without access).")
                           .arg(m_repository, m_workflow.isEmpty() ? QStringLiteral("not set") : m_workflow);
            } else if (status == 422) {
                hint = QStringLiteral(
                    "GitHub did not accept it: the workflow %1 needs a workflow_dispatch trigger declaring the inputs "
                    "%2, %3 and %4 (settings inputService, inputEnvironment, inputVersion), and the ref %5 must "
                    "exist (setting ref).")
                           .arg(m_workflow, input("inputService", "service"), input("inputEnvironment", "environment"),
                               input("inputVersion", "version"), m_ref);
            } else if (status == 409) {
                hint = QStringLiteral("GitHub's message says what conflicts.");
            } else if (status == 429) {
                hint = QStringLiteral("GitHub limits the request rate: wait a moment and try again.");
            } else if (status >= 500) {
                hint = QStringLiteral(
                    "The problem is on GitHub's side: try again later (https://www.githubstatus.com).");
            } else {
                hint = QStringLiteral("GitHub's message says what it did not accept.");
            }
        } else {
            const Support::Failure f = Support::transportFailure(e, QStringLiteral("GitHub"), host(), m_what, m_requestTimeoutMs,
                [this](const QString& text) { return foreign(text); });
            message = f.message;
            hint = f.hint;
            if (mutating)
                hint += QStringLiteral(" GitHub may have received the request: look at the runs of %1 before trying "
                                       "again.")
                            .arg(m_workflow);
        }
        return DeployResult::failure(message, hint);
    }

    QString input(const char* key, const char* fallback) const
    {
        const QString name = m_request.target.setting(QLatin1String(key)).trimmed();
        return name.isEmpty() ? QLatin1String(fallback) : name;
    }

    DeployResult resultSoFar(Outcome outcome) const
    {
        DeployResult r;
        r.outcome = outcome;
        r.changed = m_changed;
        r.reference = m_reference;
        r.version = m_version;
        return r;
    }

    // ---- status and history (Deployments API) ---------------------------------------------------

    QString deploymentsQuery(int perPage) const
    {
        QUrlQuery q;
        q.addQueryItem(QStringLiteral("environment"), pathSegment(m_environmentName));
        q.addQueryItem(QStringLiteral("per_page"), QString::number(perPage));
        return repoPath() + QStringLiteral("/deployments?") + q.query(QUrl::FullyEncoded);
    }

    void listDeployments(int perPage, std::function<void(const QJsonArray&)> then)
    {
        send("GET", deploymentsQuery(perPage), {},
            QStringLiteral("list the deployments to %1 of %2").arg(m_environmentName, m_repository),
            [this, then](const Net::HttpResponse& response) {
                const QJsonDocument doc = response.json();
                if (!doc.isArray()) {
                    done(DeployResult::failure(
                        QStringLiteral("GitHub (%1) did not answer with a list of deployments.").arg(host()),
                        QStringLiteral("Check that the setting url points at the GitHub REST API.")));
                    return;
                }
                then(doc.array());
            });
    }

    void readStatuses(const QJsonObject& deployment, std::function<void(const QJsonObject&)> then)
    {
        const QString id = idAt(deployment, "id");
        send("GET", repoPath() + QStringLiteral("/deployments/%1/statuses").arg(id), {},
            QStringLiteral("read the statuses of deployment %1").arg(id),
            [then](const Net::HttpResponse& response) { then(newestStatus(response.json().array())); });
    }

    DeploymentState stateOf(const QJsonObject& deployment, const QJsonObject& status) const
    {
        DeploymentState s;
        s.version = deploymentVersion(deployment);
        s.revision = stringAt(deployment, "sha");
        s.status = stringAt(status, "state");
        s.deployedBy = stringAt(objectAt(deployment, "creator"), "login");
        s.deployedAt = timeOf(deployment.value(QLatin1String("created_at")));
        s.message = stringAt(status, "description");
        s.url = stringAt(status, "log_url");
        if (s.url.isEmpty())
            s.url = stringAt(status, "target_url");
        if (s.url.isEmpty())
            s.url = webBase() + QLatin1Char('/') + m_repository + QStringLiteral("/deployments");
        return s;
    }

    void readStatus()
    {
        listDeployments(1, [this](const QJsonArray& deployments) {
            if (deployments.isEmpty()) {
                DeployResult r;
                r.outcome = Outcome::Succeeded;
                r.message = QStringLiteral("Nothing was deployed to the GitHub environment %1 of %2 yet.")
                                .arg(m_environmentName, m_repository);
                done(r);
                return;
            }
            const QJsonObject deployment = deployments.first().toObject();
            readStatuses(deployment, [this, deployment](const QJsonObject& status) {
                DeployResult r;
                r.outcome = Outcome::Succeeded;
                r.state = stateOf(deployment, status);
                r.version = r.state.version;
                r.message = QStringLiteral("%1 in %2: %3")
                                .arg(r.state.version, m_environmentName,
                                    r.state.status.isEmpty() ? QStringLiteral("no status yet") : r.state.status);
                done(r);
            });
        });
    }

    void readHistory()
    {
        listDeployments(m_historyLimit, [this](const QJsonArray& deployments) {
            m_deployments = deployments;
            m_history.clear();
            nextHistoryEntry();
        });
    }

    void nextHistoryEntry()
    {
        const qsizetype i = m_history.size();
        if (i >= m_deployments.size()) {
            DeployResult r;
            r.outcome = Outcome::Succeeded;
            r.history = m_history;
            r.message = QStringLiteral("%1 deployments to %2").arg(m_history.size()).arg(m_environmentName);
            done(r);
            return;
        }
        const QJsonObject deployment = m_deployments.at(i).toObject();
        readStatuses(deployment, [this, deployment, i](const QJsonObject& status) {
            HistoryEntry e;
            e.id = idAt(deployment, "id");
            e.version = deploymentVersion(deployment);
            if (i + 1 < m_deployments.size())
                e.previousVersion = deploymentVersion(m_deployments.at(i + 1).toObject());
            const QString operation = payloadOf(deployment).value(QLatin1String("operation")).toString();
            e.operation = operation.isEmpty() ? stringAt(deployment, "task") : operation;
            e.actor = stringAt(objectAt(deployment, "creator"), "login");
            e.at = timeOf(deployment.value(QLatin1String("created_at")));
            const QString state = stringAt(status, "state");
            e.result = resultOfState(state);
            QStringList detail;
            if (!state.isEmpty())
                detail << state;
            const QString description = stringAt(status, "description");
            if (!description.isEmpty())
                detail << description;
            const QString url
                = stringAt(status, "log_url").isEmpty() ? stringAt(status, "target_url") : stringAt(status, "log_url");
            if (!url.isEmpty())
                detail << url;
            e.detail = detail.join(QStringLiteral(" — "));
            m_history << e;
            nextHistoryEntry();
        });
    }

    // Rollback without a version: the version of the newest successful deployment before the current one.
    void findPreviousVersion()
    {
        emitLog(QStringLiteral("Looking for the previous successful deployment to %1").arg(m_environmentName));
        listDeployments(m_historyLimit, [this](const QJsonArray& deployments) {
            if (deployments.isEmpty()) {
                done(DeployResult::failure(
                    QStringLiteral("Nothing was deployed to the GitHub environment %1 of %2, so there is nothing to "
                                   "roll back to.")
                        .arg(m_environmentName, m_repository),
                    QStringLiteral("Deploy the version you want instead (check the setting environmentName).")));
                return;
            }
            m_deployments = deployments;
            m_currentVersion = deploymentVersion(deployments.first().toObject());
            checkCandidate(1);
        });
    }

    void checkCandidate(qsizetype i)
    {
        while (i < m_deployments.size() && deploymentVersion(m_deployments.at(i).toObject()) == m_currentVersion)
            ++i;
        if (i >= m_deployments.size()) {
            done(DeployResult::failure(
                QStringLiteral("No earlier successful deployment of another version than %1 is among the last %2 "
                               "deployments to %3.")
                    .arg(m_currentVersion)
                    .arg(m_deployments.size())
                    .arg(m_environmentName),
                QStringLiteral("Choose the version to roll back to.")));
            return;
        }
        const QJsonObject deployment = m_deployments.at(i).toObject();
        readStatuses(deployment, [this, deployment, i](const QJsonObject& status) {
            if (resultOfState(stringAt(status, "state")) != QLatin1String("succeeded")) {
                checkCandidate(i + 1);
                return;
            }
            const QString version = deploymentVersion(deployment);
            emitLog(QStringLiteral("Rolling back %1 from %2 to %3 (deployment %4)")
                        .arg(m_environmentName, m_currentVersion, version, idAt(deployment, "id")));
            dispatch(version, QStringLiteral("rollback"));
        });
    }

    // ---- dispatch and follow --------------------------------------------------------------------

    void dispatch(const QString& version, const QString& operation)
    {
        m_version = version;
        m_operation = operation;
        QJsonObject inputs;
        inputs.insert(input("inputService", "service"), m_request.target.service);
        inputs.insert(input("inputEnvironment", "environment"), m_request.target.environment);
        inputs.insert(input("inputVersion", "version"), version);
        QJsonObject body;
        body.insert(QStringLiteral("ref"), m_ref);
        body.insert(QStringLiteral("inputs"), inputs);
        body.insert(QStringLiteral("return_run_details"), true);
        // The created filter of the run lookup: whole seconds, never after the run's creation.
        m_dispatchedAt = QDateTime::currentDateTimeUtc();
        m_dispatchedAt.setTime(
            QTime(m_dispatchedAt.time().hour(), m_dispatchedAt.time().minute(), m_dispatchedAt.time().second()));
        m_clock.start();
        Q_EMIT step(QStringLiteral("dispatch"), QStringLiteral("running"));
        emitLog(QStringLiteral("Dispatching %1 on %2 of %3 with %4 %5")
                    .arg(m_workflow, m_ref, m_repository, operation, version));
        send(
            "POST", workflowPath() + QStringLiteral("/dispatches"), QJsonDocument(body),
            QStringLiteral("dispatch the workflow %1 (%2 %3)").arg(m_workflow, operation, version),
            [this](const Net::HttpResponse& response) {
                m_changed = true;
                Q_EMIT step(QStringLiteral("dispatch"), QStringLiteral("succeeded"));
                const QJsonObject details = response.json().object();
                const qint64 runId = details.value(QLatin1String("workflow_run_id")).toInteger();
                if (runId > 0) {
                    startFollowing(runId, stringAt(details, "html_url"));
                    return;
                }
                // Older servers answer 204 without the run: find it among the runs dispatched since.
                emitLog(QStringLiteral("GitHub accepted the dispatch; looking for the run it started"));
                lookForRun();
            },
            [this](const Net::HttpResponse& response) {
                Q_EMIT step(QStringLiteral("dispatch"), QStringLiteral("failed"));
                done(describe(response, true));
                return true;
            },
            true);
    }

    void lookForRun()
    {
        if (isFinished() || m_cancelling)
            return;
        ++m_lookups;
        QUrlQuery q;
        q.addQueryItem(QStringLiteral("event"), QStringLiteral("workflow_dispatch"));
        q.addQueryItem(QStringLiteral("branch"), pathSegment(m_ref));
        q.addQueryItem(
            QStringLiteral("created"), pathSegment(QStringLiteral(">=") + m_dispatchedAt.toString(Qt::ISODate)));
        send(
            "GET", workflowPath() + QStringLiteral("/runs?") + q.query(QUrl::FullyEncoded), {},
            QStringLiteral("find the run of %1 just dispatched").arg(m_workflow),
            [this](const Net::HttpResponse& response) {
                QJsonObject newest;
                for (const QJsonValue& v : response.json().object().value(QLatin1String("workflow_runs")).toArray()) {
                    const QJsonObject run = v.toObject();
                    if (newest.isEmpty()
                        || run.value(QLatin1String("id")).toInteger() > newest.value(QLatin1String("id")).toInteger())
                        newest = run;
                }
                if (!newest.isEmpty()) {
                    startFollowing(newest.value(QLatin1String("id")).toInteger(), stringAt(newest, "html_url"));
                    return;
                }
                if (m_lookups >= m_runLookupAttempts || m_clock.elapsed() + m_pollIntervalMs > m_timeoutMs) {
                    runNotFound(
                        QStringLiteral("no run of %1 appeared after %2 lookups").arg(m_workflow).arg(m_lookups));
                    return;
                }
                QTimer::singleShot(m_pollIntervalMs, this, [this] { lookForRun(); });
            },
            [this](const Net::HttpResponse& response) {
                runNotFound(describe(response).message);
                return true;
            });
    }

    void runNotFound(const QString& why)
    {
        m_reference = QStringLiteral("%1/%2/actions/workflows/%3").arg(webBase(), m_repository, m_workflow);
        Q_EMIT changed(m_reference);
        DeployResult r = resultSoFar(Outcome::Unknown);
        r.message = QStringLiteral("GitHub accepted the dispatch of %1 (%2 %3), but Flightdeck could not find the run "
                                   "it started: %4")
                        .arg(m_workflow, m_operation, m_version, why);
        r.hint = QStringLiteral("Look at the runs of the workflow on GitHub for the outcome.");
        done(r);
    }

    void startFollowing(qint64 runId, const QString& htmlUrl)
    {
        m_runId = runId;
        m_reference = htmlUrl.isEmpty()
            ? QStringLiteral("%1/%2/actions/runs/%3").arg(webBase(), m_repository).arg(runId)
            : htmlUrl;
        Q_EMIT changed(m_reference);
        emitLog(QStringLiteral("Following run %1: %2").arg(runId).arg(m_reference));
        pollRun();
    }

    // Following stops once cancel() was called, except for the last look after a refused cancel.
    bool following() const { return !isFinished() && (!m_cancelling || m_finalCheck); }

    void pollRun()
    {
        if (!following())
            return;
        send(
            "GET", runPath(m_runId), {}, QStringLiteral("read run %1").arg(m_runId),
            [this](const Net::HttpResponse& response) { onRun(response.json().object()); },
            [this](const Net::HttpResponse& response) {
                const DeployResult why = describe(response);
                DeployResult r = resultSoFar(Outcome::Unknown);
                r.message = QStringLiteral("GitHub started run %1, but following it failed: %2")
                                .arg(m_runId)
                                .arg(why.message);
                r.hint = why.hint + QStringLiteral(" Look at the run on GitHub for the outcome: %1").arg(m_reference);
                done(r);
                return true;
            });
    }

    void onRun(const QJsonObject& run)
    {
        const QString status = stringAt(run, "status");
        const QString conclusion = stringAt(run, "conclusion");
        const int number = run.value(QLatin1String("run_number")).toInt();
        m_runName = number > 0 ? QStringLiteral("run #%1").arg(number) : QStringLiteral("run %1").arg(m_runId);
        const QString line = status == QLatin1String("completed")
            ? QStringLiteral("%1 %2: %3").arg(m_runName, status, conclusion)
            : QStringLiteral("%1 %2").arg(m_runName, status);
        if (line != m_lastRunLine) {
            m_lastRunLine = line;
            emitLog(line
                + (status == QLatin1String("waiting")
                        ? QStringLiteral(" (an environment protection rule waits for approval)")
                        : QString()));
        }
        send(
            "GET", runPath(m_runId) + QStringLiteral("/jobs"), {},
            QStringLiteral("read the jobs of run %1").arg(m_runId),
            [this, run](const Net::HttpResponse& response) {
                onJobs(response.json().object().value(QLatin1String("jobs")).toArray());
                afterPoll(run);
            },
            [this, run](const Net::HttpResponse& response) {
                // The run's own state decides; the jobs are detail.
                if (!m_jobsUnavailableLogged) {
                    m_jobsUnavailableLogged = true;
                    emitLog(describe(response).message);
                }
                afterPoll(run);
                return true;
            });
    }

    void onJobs(const QJsonArray& jobs)
    {
        m_failedSteps.clear();
        for (const QJsonValue& jv : jobs) {
            const QJsonObject job = jv.toObject();
            const QString jobName = stringAt(job, "name");
            const QString jobState = stepStateOf(stringAt(job, "status"), stringAt(job, "conclusion"));
            bool failedStepFound = false;
            for (const QJsonValue& sv : job.value(QLatin1String("steps")).toArray()) {
                const QJsonObject s = sv.toObject();
                const QString name = QStringLiteral("%1 / %2").arg(jobName, stringAt(s, "name"));
                const QString state = stepStateOf(stringAt(s, "status"), stringAt(s, "conclusion"));
                if (state == QLatin1String("failed")) {
                    failedStepFound = true;
                    m_failedSteps << QStringLiteral("job %1, step \"%2\" (%3)")
                                         .arg(jobName, stringAt(s, "name"), stringAt(s, "conclusion"));
                }
                report(name, state);
            }
            if (jobState == QLatin1String("failed") && !failedStepFound)
                m_failedSteps << QStringLiteral("job %1 (%2)").arg(jobName, stringAt(job, "conclusion"));
            // A job's end comes after its steps' ends.
            report(jobName, jobState);
        }
    }

    void report(const QString& name, const QString& state)
    {
        if (state.isEmpty() || m_stepStates.value(name) == state)
            return;
        if (state != QLatin1String("running") && !m_stepStates.contains(name))
            Q_EMIT step(name, QStringLiteral("running"));
        m_stepStates.insert(name, state);
        Q_EMIT step(name, state);
        emitLog(QStringLiteral("%1: %2").arg(name, state));
    }

    void afterPoll(const QJsonObject& run)
    {
        if (!following())
            return;
        if (stringAt(run, "status") != QLatin1String("completed") && m_finalCheck) {
            DeployResult r = resultSoFar(Outcome::Cancelled);
            r.message = QStringLiteral("Stopped following %1; GitHub refused to cancel it and it is still %2: %3")
                            .arg(m_runName, stringAt(run, "status"), m_reference);
            r.hint = QStringLiteral("Cancel the run on GitHub if it must not go on.");
            done(r);
            return;
        }
        if (stringAt(run, "status") != QLatin1String("completed")) {
            if (m_clock.elapsed() + m_pollIntervalMs > m_timeoutMs) {
                DeployResult r = resultSoFar(Outcome::Unknown);
                r.message = QStringLiteral("%1 of %2 is still %3 after %4 s; Flightdeck stopped following it (setting "
                                           "timeoutSeconds), GitHub carries on.")
                                .arg(m_runName, m_workflow, stringAt(run, "status"))
                                .arg(m_timeoutMs / 1000);
                r.hint = QStringLiteral("Look at the run on GitHub for the outcome: %1").arg(m_reference);
                done(r);
                return;
            }
            m_pollTimer->start(m_pollIntervalMs);
            return;
        }
        done(completedResult(run));
    }

    DeployResult completedResult(const QJsonObject& run) const
    {
        const QString conclusion = stringAt(run, "conclusion");
        const QString what = QStringLiteral("%1 of %2 (%3 %4)").arg(m_runName, m_workflow, m_operation, m_version);
        DeployResult r = resultSoFar(Outcome::Unknown);
        if (conclusion == QLatin1String("success")) {
            r.outcome = Outcome::Succeeded;
            r.message = QStringLiteral("%1 succeeded: %2").arg(what, m_reference);
        } else if (conclusion == QLatin1String("cancelled")) {
            r.outcome = Outcome::Cancelled;
            r.message = QStringLiteral("%1 was cancelled: %2").arg(what, m_reference);
        } else if (conclusion == QLatin1String("neutral")) {
            r.outcome = Outcome::Unknown;
            r.message = QStringLiteral("%1 ended neutral (neither success nor failure): %2").arg(what, m_reference);
            r.hint = QStringLiteral("Look at the run on GitHub to see what it did.");
        } else {
            r.outcome = Outcome::Failed;
            r.message = QStringLiteral("%1 ended %2")
                            .arg(what, conclusion.isEmpty() ? QStringLiteral("without a conclusion") : conclusion)
                + (m_failedSteps.isEmpty() ? QString()
                                           : QStringLiteral(": %1").arg(m_failedSteps.join(QStringLiteral("; "))))
                + QStringLiteral(". %1").arg(m_reference);
            r.hint = conclusion == QLatin1String("skipped")
                ? QStringLiteral("The workflow skipped its jobs: check its conditions for the inputs it was given.")
                : QStringLiteral("The run's log on GitHub says why; fix it and deploy again, or roll back.");
        }
        return r;
    }

    // ---- cancel and abort -----------------------------------------------------------------------

    void cancelRun(bool forJob)
    {
        Q_EMIT step(QStringLiteral("cancel"), QStringLiteral("running"));
        emitLog(QStringLiteral("Asking GitHub to cancel run %1").arg(m_runId));
        send(
            "POST", runPath(m_runId) + QStringLiteral("/cancel"), QJsonDocument(),
            QStringLiteral("cancel run %1").arg(m_runId),
            [this, forJob](const Net::HttpResponse&) {
                Q_EMIT step(QStringLiteral("cancel"), QStringLiteral("succeeded"));
                if (!forJob) {
                    m_changed = true;
                    Q_EMIT changed(m_reference);
                }
                DeployResult r = resultSoFar(forJob ? Outcome::Cancelled : Outcome::Succeeded);
                r.changed = true;
                r.message = QStringLiteral("GitHub is cancelling run %1: %2").arg(m_runId).arg(m_reference);
                done(r);
            },
            [this, forJob](const Net::HttpResponse& response) {
                Q_EMIT step(QStringLiteral("cancel"), QStringLiteral("failed"));
                const DeployResult why = describe(response, !forJob);
                if (forJob && response.error.status == 409) {
                    // The run completed meanwhile: report how it ended.
                    m_finalCheck = true;
                    emitLog(QStringLiteral("Run %1 could not be cancelled any more: %2").arg(m_runId).arg(why.message));
                    pollRun();
                    return true;
                }
                if (!forJob) {
                    done(why);
                    return true;
                }
                DeployResult r = resultSoFar(Outcome::Cancelled);
                r.message = QStringLiteral("Stopped following run %1, but cancelling it failed: %2")
                                .arg(m_runId)
                                .arg(why.message);
                r.hint = why.hint;
                done(r);
                return true;
            },
            true);
    }

    void startAbort()
    {
        m_runId = runIdOf(m_request.reference);
        if (m_runId == 0)
            m_runId = runIdOf(m_request.historyId);
        if (m_runId > 0) {
            m_reference = QStringLiteral("%1/%2/actions/runs/%3").arg(webBase(), m_repository).arg(m_runId);
            cancelRun(false);
            return;
        }
        // No run named: the newest run of the workflow that is in progress.
        QUrlQuery q;
        q.addQueryItem(QStringLiteral("status"), QStringLiteral("in_progress"));
        send("GET", workflowPath() + QStringLiteral("/runs?") + q.query(QUrl::FullyEncoded), {},
            QStringLiteral("find the running run of %1").arg(m_workflow), [this](const Net::HttpResponse& response) {
                QJsonObject newest;
                for (const QJsonValue& v : response.json().object().value(QLatin1String("workflow_runs")).toArray()) {
                    const QJsonObject run = v.toObject();
                    if (newest.isEmpty()
                        || run.value(QLatin1String("id")).toInteger() > newest.value(QLatin1String("id")).toInteger())
                        newest = run;
                }
                if (newest.isEmpty()) {
                    done(DeployResult::failure(
                        QStringLiteral("No run of %1 in %2 is in progress: there is nothing to abort.")
                            .arg(m_workflow, m_repository)));
                    return;
                }
                m_runId = newest.value(QLatin1String("id")).toInteger();
                m_reference = stringAt(newest, "html_url");
                cancelRun(false);
            });
    }

    QPointer<GitHubActionsBackend> m_backend;
    DeployRequest m_request;
    QElapsedTimer m_clock;
    QDateTime m_dispatchedAt;
    QString m_api;
    QString m_repository;
    QString m_workflow;
    QString m_ref;
    QString m_environmentName;
    QString m_version;
    QString m_operation;
    QString m_currentVersion;
    QString m_reference;
    QString m_runName;
    QString m_lastRunLine;
    QStringList m_failedSteps;
    QHash<QString, QString> m_stepStates;
    QJsonArray m_deployments;
    QList<HistoryEntry> m_history;
    qint64 m_runId = 0;
    qint64 m_timeoutMs = 0;
    int m_pollIntervalMs = DefaultPollIntervalMs;
    int m_requestTimeoutMs = DefaultRequestTimeoutMs;
    int m_historyLimit = DefaultHistoryLimit;
    int m_runLookupAttempts = DefaultRunLookupAttempts;
    int m_lookups = 0;
    bool m_jobsUnavailableLogged = false;
    bool m_finalCheck = false;
};

} // namespace

GitHubActionsBackend::GitHubActionsBackend(const BackendContext& context, QObject* parent)
    : DeployBackend(context, parent)
{ }

GitHubActionsBackend::~GitHubActionsBackend() = default;

Capabilities GitHubActionsBackend::capabilities() const
{
    return Capability::Deploy | Capability::Rollback | Capability::Abort | Capability::Status | Capability::History
        | Capability::LiveProgress;
}

DeployJob* GitHubActionsBackend::start(const DeployRequest& request)
{
    if (!can(requiredCapability(request.action)))
        return unsupportedJob(request.action);
    const DeployTarget& t = request.target;
    const QUrl url(withoutTrailingSlash(t.setting(QStringLiteral("url"), QStringLiteral("https://api.github.com"))));
    if (!url.isValid() || url.host().isEmpty()
        || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")))
        return failedJob(QStringLiteral("The GitHub Actions backend %1 has no usable url ('%2').")
                             .arg(context().name, Net::redactedUrl(url)),
            QStringLiteral("Set the setting url to the REST API base, e.g. https://api.github.com."));
    if (!context().http)
        return failedJob(QStringLiteral("The GitHub Actions backend %1 has no HTTP client.").arg(context().name));
    static const QRegularExpression ownerRepo(QStringLiteral("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$"));
    const QString repository = t.setting(QStringLiteral("repository")).trimmed();
    if (!ownerRepo.match(repository).hasMatch())
        return failedJob(repository.isEmpty()
                ? QStringLiteral("No GitHub repository is configured for %1 in %2.").arg(t.service, t.environment)
                : QStringLiteral("The setting repository ('%1') is not owner/repo.").arg(repository),
            QStringLiteral("Set the setting repository to owner/repo."));
    const bool needsWorkflow = request.action == Action::Deploy || request.action == Action::Rollback
        || (request.action == Action::Abort && runIdOf(request.reference) == 0 && runIdOf(request.historyId) == 0);
    if (needsWorkflow && t.setting(QStringLiteral("workflow")).trimmed().isEmpty())
        return failedJob(QStringLiteral("No deploy workflow is configured for %1 in %2.").arg(t.service, t.environment),
            QStringLiteral("Set the setting workflow to the workflow's file name (e.g. deploy.yml) or id."));
    if (t.secret.isEmpty())
        return failedJob(QStringLiteral("No GitHub token for the backend %1.").arg(context().name),
            QStringLiteral("Store one in Settings → Credentials."));
    if (request.action == Action::Deploy && request.version.trimmed().isEmpty())
        return failedJob(QStringLiteral("No version to deploy to %1 was given.").arg(t.environment),
            QStringLiteral("Choose the version to deploy."));

    auto* job = new GitHubJob(this, request);
    // Started from the event loop, so the caller can connect to it first.
    QMetaObject::invokeMethod(
        job, [job] { job->begin(); }, Qt::QueuedConnection);
    return job;
}

} // namespace Flightdeck::Deploy
