// SPDX-License-Identifier: Apache-2.0
#include "argocdbackend.h"

#include "backendsupport.h"

#include "net/httpclient.h"
#include "net/redact.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QSet>
#include <QTimer>

#include <functional>
#include <memory>

namespace Flightdeck::Deploy {

namespace {

using namespace Support;

constexpr int DefaultPollIntervalMs = 2000;
constexpr int DefaultTimeoutSeconds = 600;
constexpr int DefaultRequestTimeoutMs = 30000;

// The tag of `reference` ("registry.example/checkout:1.4.2", optionally "@sha256:…") when its
// repository is `image`; empty otherwise.
QString tagOf(const QString& reference, const QString& image)
{
    QString ref = reference.trimmed();
    const qsizetype at = ref.indexOf(QLatin1Char('@'));
    if (at >= 0)
        ref.truncate(at);
    const qsizetype colon = ref.lastIndexOf(QLatin1Char(':'));
    if (colon < 0 || colon < ref.lastIndexOf(QLatin1Char('/')))
        return {};
    return ref.left(colon) == image ? ref.mid(colon + 1) : QString();
}

// The revision of a history entry or sync result: `revision`, or the first of `revisions` (multi-source).
QString revisionOf(const QJsonObject& o)
{
    const QString revision = stringAt(o, "revision");
    if (!revision.isEmpty())
        return revision;
    return o.value(QLatin1String("revisions")).toArray().at(0).toString();
}

QString actorOf(const QJsonObject& initiatedBy)
{
    const QString username = stringAt(initiatedBy, "username");
    if (!username.isEmpty())
        return username;
    return initiatedBy.value(QLatin1String("automated")).toBool() ? QStringLiteral("automated sync") : QString();
}

bool autoSyncOf(const QJsonObject& app)
{
    return objectAt(objectAt(app, "spec"), "syncPolicy").value(QLatin1String("automated")).isObject();
}

QJsonArray historyOf(const QJsonObject& app)
{
    return objectAt(app, "status").value(QLatin1String("history")).toArray();
}

// "Kind/name: status (message)" of one resource of a sync result.
QString resourceResultLine(const QJsonObject& r)
{
    QString line = QStringLiteral("%1/%2: %3").arg(stringAt(r, "kind"), stringAt(r, "name"), stringAt(r, "status"));
    const QString hook = stringAt(r, "hookType");
    if (!hook.isEmpty())
        line += QStringLiteral(" [%1 hook %2]").arg(hook, stringAt(r, "hookPhase"));
    const QString message = stringAt(r, "message");
    if (!message.isEmpty())
        line += QStringLiteral(" (%1)").arg(message);
    return line;
}

// A resource result as a step state.
QString resourceStepState(const QJsonObject& r)
{
    const QString status = stringAt(r, "status");
    const QString hookPhase = stringAt(r, "hookPhase");
    if (status == QLatin1String("SyncFailed") || hookPhase == QLatin1String("Failed")
        || hookPhase == QLatin1String("Error"))
        return QStringLiteral("failed");
    if (status == QLatin1String("PruneSkipped"))
        return QStringLiteral("skipped");
    if (!stringAt(r, "hookType").isEmpty() && hookPhase != QLatin1String("Succeeded"))
        return QStringLiteral("running");
    return status.isEmpty() ? QStringLiteral("running") : QStringLiteral("succeeded");
}

// One call against one Argo CD application. All network work is signal-driven; polling uses a
// single-shot timer. A job is owned by its backend and deletes itself after finished().
class ArgoCdJob final : public RestJob
{
public:
    ArgoCdJob(ArgoCdBackend* backend, DeployRequest request)
        : RestJob(backend, [this] { poll(); })
        , m_backend(backend)
        , m_request(std::move(request))
    {
        const DeployTarget& t = m_request.target;
        m_url = withoutTrailingSlash(t.setting(QStringLiteral("url")));
        m_app = t.setting(QStringLiteral("application")).trimmed();
        m_username = t.setting(QStringLiteral("username")).trimmed();
        m_image = t.setting(QStringLiteral("image")).trimmed();
        m_pollIntervalMs = intSetting(t, QStringLiteral("pollIntervalMs"), DefaultPollIntervalMs, 1, 3600 * 1000);
        m_timeoutMs
            = qint64(intSetting(t, QStringLiteral("timeoutSeconds"), DefaultTimeoutSeconds, 1, 7 * 24 * 3600)) * 1000;
        m_requestTimeoutMs = intSetting(t, QStringLiteral("requestTimeoutMs"), DefaultRequestTimeoutMs, 1, 3600 * 1000);
    }

    void begin()
    {
        switch (m_request.action) {
        case Action::Status:
            readApplication([this](const QJsonObject& app) { onStatus(app); });
            break;
        case Action::History:
            readApplication([this](const QJsonObject& app) { onHistory(app); });
            break;
        case Action::Versions:
            readApplication([this](const QJsonObject& app) { onVersions(app); });
            break;
        case Action::Deploy:
            startSync();
            break;
        case Action::Rollback:
            readApplication([this](const QJsonObject& app) { onRollbackTarget(app); });
            break;
        case Action::Abort:
            startAbort();
            break;
        default:
            done(DeployResult::failure(
                QStringLiteral("The argocd backend cannot %1.").arg(actionName(m_request.action))));
            break;
        }
    }

    void cancel() override
    {
        if (isFinished() || m_cancelling)
            return;
        if (stopBeforeChange(QStringLiteral("Argo CD"), QStringLiteral("the application %1 in Argo CD").arg(m_app)))
            return;
        // The operation runs on the server: stop it there too.
        Q_EMIT log(QStringLiteral("Asking Argo CD to terminate the operation on %1").arg(m_app));
        Q_EMIT step(QStringLiteral("terminate"), QStringLiteral("running"));
        send(
            "DELETE", operationPath(), {}, QStringLiteral("terminate the operation on %1").arg(m_app),
            [this](const Net::HttpResponse&) {
                Q_EMIT step(QStringLiteral("terminate"), QStringLiteral("succeeded"));
                DeployResult r = resultSoFar(Outcome::Cancelled);
                r.message = QStringLiteral("Cancelled: Argo CD is terminating the operation on %1.").arg(m_app);
                done(r);
            },
            [this](const Net::HttpResponse& response) {
                Q_EMIT step(QStringLiteral("terminate"), QStringLiteral("failed"));
                DeployResult r = resultSoFar(Outcome::Cancelled);
                const DeployResult why = describe(response);
                r.message = QStringLiteral("Stopped following the operation on %1, but terminating it failed: %2")
                                .arg(m_app, why.message);
                r.hint = why.hint;
                done(r);
                return true;
            },
            true);
    }

private:
    using OkHandler = std::function<void(const Net::HttpResponse&)>;
    // Returns true when it handled the error (the job goes on or has finished).
    using ErrorHandler = std::function<bool(const Net::HttpResponse&)>;

    struct Call
    {
        QByteArray method;
        QString path;
        QByteArray body;
        QString what;
        OkHandler onOk;
        ErrorHandler onError;
        bool mutating = false;
        bool freshToken = false; // the token was obtained for this very call
    };

    bool sessionMode() const { return !m_username.isEmpty(); }
    QString applicationPath() const { return QStringLiteral("/api/v1/applications/") + pathSegment(m_app); }
    QString operationPath() const { return applicationPath() + QStringLiteral("/operation"); }

    QByteArrayList secrets() const
    {
        QByteArrayList s;
        if (!m_request.target.secret.isEmpty())
            s << m_request.target.secret.toUtf8();
        if (!m_token.isEmpty())
            s << m_token.toUtf8();
        return s;
    }

    // Text from the server or the network layer, with any secret it might echo replaced. Flightdeck's
    // own sentences never contain one (and a password may well be a word of them).
    QString foreign(const QString& text) const { return Net::scrubbed(text, secrets()); }

    void emitLog(const QString& line) { Q_EMIT log(line); }

    Net::HttpRequest prepare(const QByteArray& method, const QString& path, const QByteArray& body) const
    {
        Net::HttpRequest r;
        r.method = method;
        r.url = QUrl(m_url + path);
        r.body = body;
        r.timeoutMs = m_requestTimeoutMs;
        r.setHeader("Accept", "application/json");
        // The API server refuses any other content type on non-GET requests (415).
        if (method != "GET")
            r.setHeader("Content-Type", "application/json");
        // Reads are retried by the client (5xx, timeouts, Retry-After); changes are sent once.
        if (method != "GET")
            r.retry = Net::RetryPolicy::none();
        return r;
    }

    void send(const QByteArray& method, const QString& path, const QJsonDocument& body, const QString& what,
        OkHandler onOk, ErrorHandler onError = {}, bool mutating = false)
    {
        auto call = std::make_shared<Call>();
        call->method = method;
        call->path = path;
        call->body = body.isNull() ? QByteArray() : body.toJson(QJsonDocument::Compact);
        call->what = what;
        call->onOk = std::move(onOk);
        call->onError = std::move(onError);
        call->mutating = mutating;
        send(call);
    }

    void send(const std::shared_ptr<Call>& call)
    {
        if (isFinished())
            return;
        if (sessionMode()) {
            if (m_token.isEmpty() && m_backend)
                m_token = m_backend->sessionToken(m_url, m_username);
            if (m_token.isEmpty()) {
                call->freshToken = true;
                login([this, call] { send(call); });
                return;
            }
        } else {
            m_token = m_request.target.secret;
        }
        Net::HttpRequest r = prepare(call->method, call->path, call->body);
        r.credential = Net::Credential::bearer(m_token);
        m_what = call->what;
        m_mutationInFlight = call->mutating;
        m_reply = m_backend->context().http->send(r, this, [this, call](const Net::HttpResponse& response) {
            m_reply.clear();
            m_mutationInFlight = false;
            if (isFinished())
                return;
            if (response.status == 401 && sessionMode() && !call->freshToken && !m_relogged) {
                // The cached session expired or was revoked: log in again, once.
                m_relogged = true;
                call->freshToken = true;
                if (m_backend)
                    m_backend->forgetSessionToken(m_url, m_username);
                m_token.clear();
                emitLog(QStringLiteral("Argo CD refused the session of %1; logging in again").arg(m_username));
                login([this, call] { send(call); });
                return;
            }
            if (!response.ok()) {
                if (call->onError && call->onError(response))
                    return;
                done(describe(response, call->mutating));
                return;
            }
            call->onOk(response);
        });
    }

    void login(std::function<void()> then)
    {
        QJsonObject body;
        body.insert(QStringLiteral("username"), m_username);
        body.insert(QStringLiteral("password"), m_request.target.secret);
        Net::HttpRequest r
            = prepare("POST", QStringLiteral("/api/v1/session"), QJsonDocument(body).toJson(QJsonDocument::Compact));
        m_what = QStringLiteral("log in as %1").arg(m_username);
        m_mutationInFlight = false;
        emitLog(QStringLiteral("Logging in to %1 as %2").arg(Net::redactedUrl(QUrl(m_url)), m_username));
        m_reply = m_backend->context().http->send(r, this, [this, then](const Net::HttpResponse& response) {
            m_reply.clear();
            if (isFinished())
                return;
            if (!response.ok()) {
                DeployResult failure = describe(response);
                if (response.status == 401) {
                    failure.message
                        = QStringLiteral("Argo CD (%1) refused the login of %2 (HTTP 401)").arg(host(), m_username)
                        + serverPart(response) + QLatin1Char('.');
                    failure.hint = QStringLiteral(
                        "Check the password of %1 in Settings → Credentials, or leave the setting username empty "
                        "and store an Argo CD API token instead.")
                                       .arg(m_username);
                }
                done(failure);
                return;
            }
            const QString token = response.json().object().value(QLatin1String("token")).toString();
            if (token.isEmpty()) {
                done(DeployResult::failure(
                    QStringLiteral("Argo CD (%1) answered the login of %2 without a session token.")
                        .arg(host(), m_username),
                    QStringLiteral("Check that the setting url points at the Argo CD API server.")));
                return;
            }
            m_token = token;
            if (m_backend)
                m_backend->setSessionToken(m_url, m_username, token);
            then();
        });
    }

    QString host() const
    {
        const QUrl u(m_url);
        return u.port() > 0 ? QStringLiteral("%1:%2").arg(u.host()).arg(u.port()) : u.host();
    }

    QString serverPart(const Net::HttpResponse& response) const
    {
        const QString server = foreign(response.error.serverMessage);
        return server.isEmpty() ? QString() : QStringLiteral(": \"%1\"").arg(server);
    }

    // A failed exchange, for people: what was asked, the status, Argo CD's own message and what to do.
    DeployResult describe(const Net::HttpResponse& response, bool mutating = false) const
    {
        const Net::HttpError& e = response.error;
        const int status = e.status > 0 ? e.status : response.status;
        QString message;
        QString hint;
        if (status >= 400) {
            message
                = QStringLiteral("Argo CD (%1) answered HTTP %2 when asked to %3").arg(host()).arg(status).arg(m_what)
                + serverPart(response) + QLatin1Char('.');
            if (status == 401) {
                hint = sessionMode()
                    ? QStringLiteral("Check the password of %1 in Settings → Credentials.").arg(m_username)
                    : QStringLiteral("Check the Argo CD token in Settings → Credentials: it may be wrong, expired or "
                                     "revoked, or meant for another server.");
            } else if (status == 403) {
                hint = QStringLiteral(
                    "The account lacks permission for the application %1 (Argo CD RBAC: the applications resource "
                    "in its project). Argo CD also answers 403 for an application it does not show to the account: "
                    "check the setting application.")
                           .arg(m_app);
            } else if (status == 404) {
                hint = QStringLiteral("Argo CD at %1 has no application %2: check the setting application (and the "
                                      "setting url).")
                           .arg(Net::redactedUrl(QUrl(m_url)), m_app);
            } else if (status == 409) {
                hint = QStringLiteral("Argo CD's message says what conflicts; an operation may already be running on "
                                      "%1: wait for it or abort it, then try again.")
                           .arg(m_app);
            } else if (status == 429) {
                const auto wait = Net::parseRetryAfterMs(response.header("Retry-After"));
                hint = wait ? QStringLiteral("Argo CD asks to wait %1 s (Retry-After) before trying again.")
                                  .arg((*wait + 999) / 1000)
                            : QStringLiteral("Argo CD limits the request rate: wait a moment and try again.");
            } else if (status >= 500) {
                hint = QStringLiteral("The problem is on the Argo CD server: try again later, and check the "
                                      "argocd-server logs if it persists.");
            } else {
                hint = QStringLiteral("Argo CD's message says what it did not accept.");
            }
        } else {
            const Support::Failure f = Support::transportFailure(e, QStringLiteral("Argo CD"), host(), m_what, m_requestTimeoutMs,
                [this](const QString& text) { return foreign(text); });
            message = f.message;
            hint = f.hint;
            if (mutating)
                hint += QStringLiteral(" Argo CD may have received the request: look at the application %1 before "
                                       "trying again.")
                            .arg(m_app);
        }
        return DeployResult::failure(message, hint);
    }

    // ---- reading --------------------------------------------------------------------------------

    void readApplication(std::function<void(const QJsonObject&)> then)
    {
        send("GET", applicationPath(), {}, QStringLiteral("read the application %1").arg(m_app),
            [this, then](const Net::HttpResponse& response) {
                Net::HttpError error;
                const QJsonDocument doc = response.json(&error);
                if (!doc.isObject()) {
                    done(DeployResult::failure(
                        QStringLiteral("Argo CD (%1) did not answer with an application for %2.").arg(host(), m_app),
                        QStringLiteral("Check that the setting url points at the Argo CD API server.")));
                    return;
                }
                then(doc.object());
            });
    }

    DeploymentState stateOf(const QJsonObject& app) const
    {
        DeploymentState s;
        const QJsonObject status = objectAt(app, "status");
        const QJsonObject sync = objectAt(status, "sync");
        const QJsonObject operationState = objectAt(status, "operationState");
        s.status = stringAt(sync, "status");
        s.health = stringAt(objectAt(status, "health"), "status");
        s.autoSync = autoSyncOf(app);
        const QJsonArray history = historyOf(app);
        if (!history.isEmpty()) {
            const QJsonObject last = history.last().toObject();
            s.revision = revisionOf(last);
            s.deployedAt = timeOf(last.value(QLatin1String("deployedAt")));
            s.deployedBy = actorOf(objectAt(last, "initiatedBy"));
            // History entries carry the initiator only in newer versions; the operation that wrote the
            // entry (it finished when the entry was deployed) names it too.
            if (s.deployedBy.isEmpty() && s.deployedAt.isValid()
                && timeOf(operationState.value(QLatin1String("finishedAt"))) == s.deployedAt)
                s.deployedBy = actorOf(objectAt(objectAt(operationState, "operation"), "initiatedBy"));
        }
        const QString syncRevision = revisionOf(sync);
        if (s.revision.isEmpty())
            s.revision = syncRevision;
        if (!m_image.isEmpty()) {
            for (const QJsonValue& image : objectAt(status, "summary").value(QLatin1String("images")).toArray()) {
                const QString tag = tagOf(image.toString(), m_image);
                if (!tag.isEmpty()) {
                    s.version = tag;
                    break;
                }
            }
        }
        if (s.version.isEmpty())
            s.version = syncRevision;
        const QString phase = stringAt(operationState, "phase");
        const QString message = stringAt(operationState, "message");
        if (!phase.isEmpty())
            s.message = message.isEmpty() ? phase : QStringLiteral("%1: %2").arg(phase, message);
        s.url = m_url + QStringLiteral("/applications/") + pathSegment(m_app);
        return s;
    }

    // The top-level resources of the tree with their health, and their sync status from the application.
    static QStringList resourcesOf(const QJsonObject& tree, const QJsonObject& app)
    {
        QHash<QString, QString> syncOf;
        for (const QJsonValue& v : objectAt(app, "status").value(QLatin1String("resources")).toArray()) {
            const QJsonObject r = v.toObject();
            const QString key = QStringList { stringAt(r, "group"), stringAt(r, "kind"), stringAt(r, "namespace"),
                stringAt(r, "name") }
                                    .join(QLatin1Char('/'));
            syncOf.insert(key, stringAt(r, "status"));
        }
        QStringList resources;
        for (const QJsonValue& v : tree.value(QLatin1String("nodes")).toArray()) {
            const QJsonObject node = v.toObject();
            if (!node.value(QLatin1String("parentRefs")).toArray().isEmpty())
                continue;
            const QString health = stringAt(objectAt(node, "health"), "status");
            if (health.isEmpty())
                continue;
            QString line = QStringLiteral("%1/%2: %3").arg(stringAt(node, "kind"), stringAt(node, "name"), health);
            const QString key = QStringList { stringAt(node, "group"), stringAt(node, "kind"),
                stringAt(node, "namespace"), stringAt(node, "name") }
                                    .join(QLatin1Char('/'));
            const QString sync = syncOf.value(key);
            if (!sync.isEmpty())
                line += QStringLiteral(" (%1)").arg(sync);
            resources << line;
        }
        return resources;
    }

    void onStatus(const QJsonObject& app)
    {
        DeployResult result;
        result.outcome = Outcome::Succeeded;
        result.state = stateOf(app);
        result.version = result.state.version;
        result.message = QStringLiteral("%1: %2, %3").arg(m_app, result.state.status, result.state.health);
        const QString path = applicationPath() + QStringLiteral("/resource-tree");
        send(
            "GET", path, {}, QStringLiteral("read the resource tree of %1").arg(m_app),
            [this, result, app](const Net::HttpResponse& response) mutable {
                result.state.resources = resourcesOf(response.json().object(), app);
                done(result);
            },
            [this, result](const Net::HttpResponse& response) mutable {
                // The application's own status is known; the tree is a detail.
                const DeployResult why = describe(response);
                emitLog(why.message);
                result.message += QStringLiteral(" (resources unknown: %1)").arg(why.message);
                done(result);
                return true;
            });
    }

    void onHistory(const QJsonObject& app)
    {
        const QJsonArray history = historyOf(app);
        DeployResult result;
        result.outcome = Outcome::Succeeded;
        result.state = stateOf(app);
        for (qsizetype i = history.size() - 1; i >= 0; --i) {
            const QJsonObject h = history.at(i).toObject();
            HistoryEntry e;
            e.id = QString::number(h.value(QLatin1String("id")).toInteger());
            e.version = revisionOf(h);
            if (i > 0)
                e.previousVersion = revisionOf(history.at(i - 1).toObject());
            e.operation = QStringLiteral("sync");
            e.actor = actorOf(objectAt(h, "initiatedBy"));
            e.at = timeOf(h.value(QLatin1String("deployedAt")));
            e.result = QStringLiteral("succeeded");
            QStringList detail;
            const QDateTime started = timeOf(h.value(QLatin1String("deployStartedAt")));
            if (started.isValid())
                detail << QStringLiteral("started %1").arg(started.toString(Qt::ISODate));
            const QJsonObject source = objectAt(h, "source");
            if (!source.isEmpty())
                detail << QStringLiteral("from %1 %2")
                              .arg(stringAt(source, "repoURL"),
                                  stringAt(source, "path").isEmpty() ? stringAt(source, "chart")
                                                                     : stringAt(source, "path"))
                              .trimmed();
            e.detail = detail.join(QStringLiteral(", "));
            result.history << e;
        }
        result.message = QStringLiteral("%1 history entries of %2").arg(result.history.size()).arg(m_app);
        done(result);
    }

    void onVersions(const QJsonObject& app)
    {
        const QJsonArray history = historyOf(app);
        DeployResult result;
        result.outcome = Outcome::Succeeded;
        for (qsizetype i = history.size() - 1; i >= 0; --i) {
            const QString revision = revisionOf(history.at(i).toObject());
            if (!revision.isEmpty() && !result.versions.contains(revision))
                result.versions << revision;
        }
        result.message = QStringLiteral("%1 revisions in the history of %2").arg(result.versions.size()).arg(m_app);
        done(result);
    }

    // ---- changing -------------------------------------------------------------------------------

    void startSync()
    {
        // The body of the documented sync call ({"name": …}), with the revision to sync to.
        QJsonObject body;
        body.insert(QStringLiteral("name"), m_app);
        body.insert(QStringLiteral("revision"), m_request.version);
        body.insert(QStringLiteral("prune"), false);
        body.insert(QStringLiteral("dryRun"), false);
        m_targetRevision = m_request.version;
        m_operationName = QStringLiteral("sync");
        Q_EMIT step(QStringLiteral("sync"), QStringLiteral("running"));
        emitLog(QStringLiteral("Syncing %1 to %2").arg(m_app, m_request.version));
        send(
            "POST", applicationPath() + QStringLiteral("/sync"), QJsonDocument(body),
            QStringLiteral("sync %1 to %2").arg(m_app, m_request.version),
            [this](const Net::HttpResponse& response) { onAccepted(response); },
            [this](const Net::HttpResponse& response) {
                Q_EMIT step(QStringLiteral("sync"), QStringLiteral("failed"));
                done(describe(response, true));
                return true;
            },
            true);
    }

    void onRollbackTarget(const QJsonObject& app)
    {
        const DeploymentState state = stateOf(app);
        if (state.autoSync) {
            // Argo CD refuses ("rollback cannot be initiated when auto-sync is enabled"): a rollback
            // would be undone at the next sync from git. The environment repository is where it belongs.
            DeployResult r = DeployResult::failure({});
            r.changed = false;
            r.state = state;
            const QString gitops = m_request.target.setting(QStringLiteral("gitopsBackend")).trimmed();
            const QString why = QStringLiteral(
                "Argo CD refuses to roll back %1 because automated sync is on: it would sync the application "
                "straight back to what the environment repository says.")
                                    .arg(m_app);
            if (gitops.isEmpty()) {
                r.message = why
                    + QStringLiteral(" The rollback has to be committed to the environment repository instead, and no "
                                     "GitOps backend is configured for that.");
                r.hint
                    = QStringLiteral("Set gitopsBackend in the settings of the Argo CD backend to the GitOps backend "
                                     "that manages the environment repository of %1, or turn off automated sync.")
                          .arg(m_app);
            } else {
                r.redirectTo = gitops;
                r.message = why
                    + QStringLiteral(" The rollback is committed to the environment repository through %1 instead, "
                                     "and auto-sync applies it.")
                          .arg(gitops);
                r.hint = QStringLiteral("Roll back through the GitOps backend %1.").arg(gitops);
            }
            emitLog(r.message);
            done(r);
            return;
        }

        const QJsonArray history = historyOf(app);
        QJsonObject entry;
        auto findEntry = [&](const std::function<bool(const QJsonObject&)>& match, qsizetype from) {
            for (qsizetype i = from; i >= 0; --i)
                if (match(history.at(i).toObject()))
                    return history.at(i).toObject();
            return QJsonObject();
        };
        if (!m_request.historyId.isEmpty()) {
            entry = findEntry(
                [&](const QJsonObject& h) {
                    return QString::number(h.value(QLatin1String("id")).toInteger()) == m_request.historyId;
                },
                history.size() - 1);
            if (entry.isEmpty()) {
                done(
                    DeployResult::failure(QStringLiteral("%1 has no history entry %2.").arg(m_app, m_request.historyId),
                        QStringLiteral("Pick an entry from the history of %1.").arg(m_app)));
                return;
            }
        } else if (!m_request.version.isEmpty()) {
            entry = findEntry(
                [&](const QJsonObject& h) { return revisionOf(h) == m_request.version; }, history.size() - 2);
            if (entry.isEmpty()) {
                done(DeployResult::failure(
                    QStringLiteral("No earlier history entry of %1 has the revision %2.").arg(m_app, m_request.version),
                    QStringLiteral("Pick an entry from the history of %1 (its id).").arg(m_app)));
                return;
            }
        } else {
            // As `argocd app rollback` without an id: the entry before the current one.
            if (history.size() < 2) {
                done(DeployResult::failure(
                    QStringLiteral("%1 has no earlier deployment to roll back to (%2 history entries).")
                        .arg(m_app)
                        .arg(history.size()),
                    QStringLiteral("Deploy the version you want instead.")));
                return;
            }
            entry = history.at(history.size() - 2).toObject();
        }

        const qint64 id = entry.value(QLatin1String("id")).toInteger();
        m_targetRevision = revisionOf(entry);
        m_operationName = QStringLiteral("rollback");
        QJsonObject body;
        body.insert(QStringLiteral("id"), id);
        body.insert(QStringLiteral("prune"), false);
        Q_EMIT step(QStringLiteral("rollback"), QStringLiteral("running"));
        emitLog(QStringLiteral("Rolling back %1 to history entry %2 (revision %3)")
                    .arg(m_app)
                    .arg(id)
                    .arg(m_targetRevision));
        send(
            "POST", applicationPath() + QStringLiteral("/rollback"), QJsonDocument(body),
            QStringLiteral("roll back %1 to history entry %2").arg(m_app).arg(id),
            [this](const Net::HttpResponse& response) { onAccepted(response); },
            [this](const Net::HttpResponse& response) {
                Q_EMIT step(QStringLiteral("rollback"), QStringLiteral("failed"));
                done(describe(response, true));
                return true;
            },
            true);
    }

    void startAbort()
    {
        Q_EMIT step(QStringLiteral("terminate"), QStringLiteral("running"));
        send(
            "DELETE", operationPath(), {}, QStringLiteral("terminate the operation on %1").arg(m_app),
            [this](const Net::HttpResponse&) {
                m_changed = true;
                Q_EMIT changed(m_app);
                Q_EMIT step(QStringLiteral("terminate"), QStringLiteral("succeeded"));
                DeployResult r;
                r.outcome = Outcome::Succeeded;
                r.changed = true;
                r.reference = m_app;
                r.message = QStringLiteral("Argo CD is terminating the running operation on %1.").arg(m_app);
                done(r);
            },
            [this](const Net::HttpResponse& response) {
                Q_EMIT step(QStringLiteral("terminate"), QStringLiteral("failed"));
                done(describe(response, true));
                return true;
            },
            true);
    }

    // The sync or rollback was accepted: the point of no return. Its answer is the application with
    // `.operation` set and the previous operationState still in place.
    void onAccepted(const Net::HttpResponse& response)
    {
        const QJsonObject app = response.json().object();
        m_previousStartedAt = stringAt(objectAt(objectAt(app, "status"), "operationState"), "startedAt");
        m_changed = true;
        m_reference = QStringLiteral("%1@%2").arg(m_app, m_targetRevision);
        Q_EMIT changed(m_reference);
        emitLog(QStringLiteral("Argo CD accepted the %1 of %2").arg(m_operationName, m_app));
        m_clock.start();
        m_pollTimer->start(m_pollIntervalMs);
    }

    DeployResult resultSoFar(Outcome outcome) const
    {
        DeployResult r;
        r.outcome = outcome;
        r.changed = m_changed;
        r.reference = m_reference;
        r.version = m_targetRevision;
        if (!m_lastApp.isEmpty())
            r.state = stateOf(m_lastApp);
        return r;
    }

    void poll()
    {
        if (isFinished() || m_cancelling)
            return;
        send(
            "GET", applicationPath(), {}, QStringLiteral("read the progress of %1").arg(m_app),
            [this](const Net::HttpResponse& response) { onProgress(response.json().object()); },
            [this](const Net::HttpResponse& response) {
                const DeployResult why = describe(response);
                DeployResult r = resultSoFar(Outcome::Unknown);
                r.message = QStringLiteral("Argo CD accepted the %1 of %2, but following it failed: %3")
                                .arg(m_operationName, m_app, why.message);
                r.hint = why.hint + QStringLiteral(" Look at the application in Argo CD for the outcome.");
                done(r);
                return true;
            });
    }

    void scheduleOrGiveUp(const QString& waitingFor)
    {
        if (m_clock.elapsed() + m_pollIntervalMs > m_timeoutMs) {
            DeployResult r = resultSoFar(Outcome::Unknown);
            r.message = QStringLiteral("%1 still %2 after %3 s; Flightdeck stopped following it (setting "
                                       "timeoutSeconds), Argo CD carries on.")
                            .arg(m_app, waitingFor)
                            .arg(m_timeoutMs / 1000);
            r.hint = QStringLiteral("Look at the application in Argo CD for the outcome.");
            done(r);
            return;
        }
        m_pollTimer->start(m_pollIntervalMs);
    }

    void onProgress(const QJsonObject& app)
    {
        m_lastApp = app;
        const QJsonObject status = objectAt(app, "status");
        const QJsonObject operationState = objectAt(status, "operationState");
        const QString startedAt = stringAt(operationState, "startedAt");
        // Until the controller starts the operation, operationState is the previous one.
        const bool ours
            = !operationState.isEmpty() && (m_previousStartedAt.isEmpty() || startedAt != m_previousStartedAt);
        if (!ours) {
            if (!m_announcedQueue) {
                m_announcedQueue = true;
                emitLog(QStringLiteral("Waiting for Argo CD to start the %1").arg(m_operationName));
            }
            scheduleOrGiveUp(QStringLiteral("waiting for the %1 to start").arg(m_operationName));
            return;
        }

        const QString phase = stringAt(operationState, "phase");
        const QString message = foreign(stringAt(operationState, "message"));
        const QString phaseLine = message.isEmpty() ? QStringLiteral("Operation %1").arg(phase)
                                                    : QStringLiteral("Operation %1: %2").arg(phase, message);
        if (phaseLine != m_lastPhaseLine) {
            m_lastPhaseLine = phaseLine;
            emitLog(phaseLine);
        }
        for (const QJsonValue& v : objectAt(operationState, "syncResult").value(QLatin1String("resources")).toArray()) {
            const QJsonObject r = v.toObject();
            const QString line = foreign(resourceResultLine(r));
            if (m_seenResults.contains(line))
                continue;
            m_seenResults.insert(line);
            emitLog(line);
            const QString name = QStringLiteral("%1/%2").arg(stringAt(r, "kind"), stringAt(r, "name"));
            const QString state = resourceStepState(r);
            if (m_resourceSteps.value(name) != state) {
                m_resourceSteps.insert(name, state);
                Q_EMIT step(name, state);
            }
        }

        if (phase == QLatin1String("Failed") || phase == QLatin1String("Error")) {
            Q_EMIT step(m_operationName, QStringLiteral("failed"));
            DeployResult r = resultSoFar(Outcome::Failed);
            QStringList failed;
            for (const QJsonValue& v :
                objectAt(operationState, "syncResult").value(QLatin1String("resources")).toArray()) {
                const QJsonObject res = v.toObject();
                if (resourceStepState(res) == QLatin1String("failed"))
                    failed << foreign(resourceResultLine(res));
            }
            r.message
                = QStringLiteral("The %1 of %2 to %3 ended %4").arg(m_operationName, m_app, m_targetRevision, phase)
                + (message.isEmpty() ? QString() : QStringLiteral(": %1").arg(message))
                + (failed.isEmpty() ? QString() : QStringLiteral(" — %1").arg(failed.join(QStringLiteral("; "))));
            r.hint = QStringLiteral("Argo CD's message says what failed; fix it and deploy again, or roll back.");
            done(r);
            return;
        }
        if (phase != QLatin1String("Succeeded")) {
            scheduleOrGiveUp(phase.isEmpty() ? QStringLiteral("without a phase") : phase);
            return;
        }

        if (!m_synced) {
            m_synced = true;
            Q_EMIT step(m_operationName, QStringLiteral("succeeded"));
        }
        const QString health = stringAt(objectAt(status, "health"), "status");
        if (!m_healthStepStarted) {
            m_healthStepStarted = true;
            Q_EMIT step(QStringLiteral("health"), QStringLiteral("running"));
        }
        if (health == QLatin1String("Healthy") || health == QLatin1String("Degraded")) {
            const bool healthy = health == QLatin1String("Healthy");
            Q_EMIT step(QStringLiteral("health"), healthy ? QStringLiteral("succeeded") : QStringLiteral("failed"));
            DeployResult r = resultSoFar(healthy ? Outcome::Succeeded : Outcome::Failed);
            if (!r.state.version.isEmpty() && !m_image.isEmpty())
                r.version = r.state.version;
            r.message = healthy
                ? QStringLiteral("%1 synced to %2 and Healthy.").arg(m_app, m_targetRevision)
                : QStringLiteral("%1 synced to %2, but its health is Degraded.").arg(m_app, m_targetRevision);
            if (!healthy)
                r.hint = QStringLiteral("Look at the resources of %1 in Argo CD; roll back if the new version is at "
                                        "fault.")
                             .arg(m_app);
            done(r);
            return;
        }
        if (health != m_lastHealth) {
            m_lastHealth = health;
            emitLog(QStringLiteral("Health: %1").arg(health.isEmpty() ? QStringLiteral("unknown") : health));
        }
        scheduleOrGiveUp(
            QStringLiteral("synced but %1").arg(health.isEmpty() ? QStringLiteral("of unknown health") : health));
    }

    QPointer<ArgoCdBackend> m_backend;
    DeployRequest m_request;
    QElapsedTimer m_clock;
    QString m_url;
    QString m_app;
    QString m_username;
    QString m_image;
    QString m_token;
    QString m_operationName;
    QString m_targetRevision;
    QString m_reference;
    QString m_previousStartedAt;
    QString m_lastPhaseLine;
    QString m_lastHealth;
    QSet<QString> m_seenResults;
    QHash<QString, QString> m_resourceSteps;
    QJsonObject m_lastApp;
    qint64 m_timeoutMs = 0;
    int m_pollIntervalMs = DefaultPollIntervalMs;
    int m_requestTimeoutMs = DefaultRequestTimeoutMs;
    bool m_relogged = false;
    bool m_synced = false;
    bool m_healthStepStarted = false;
    bool m_announcedQueue = false;
};

QString sessionKey(const QString& url, const QString& username)
{
    return withoutTrailingSlash(url) + QLatin1Char('\n') + username;
}

} // namespace

ArgoCdBackend::ArgoCdBackend(const BackendContext& context, QObject* parent)
    : DeployBackend(context, parent)
{ }

ArgoCdBackend::~ArgoCdBackend() = default;

Capabilities ArgoCdBackend::capabilities() const
{
    return Capability::Deploy | Capability::Rollback | Capability::Abort | Capability::Status | Capability::History
        | Capability::LiveProgress | Capability::Versions;
}

QString ArgoCdBackend::sessionToken(const QString& url, const QString& username) const
{
    return m_sessionTokens.value(sessionKey(url, username));
}

void ArgoCdBackend::setSessionToken(const QString& url, const QString& username, const QString& token)
{
    m_sessionTokens.insert(sessionKey(url, username), token);
}

void ArgoCdBackend::forgetSessionToken(const QString& url, const QString& username)
{
    m_sessionTokens.remove(sessionKey(url, username));
}

DeployJob* ArgoCdBackend::start(const DeployRequest& request)
{
    if (!can(requiredCapability(request.action)))
        return unsupportedJob(request.action);
    const DeployTarget& t = request.target;
    const QUrl url(withoutTrailingSlash(t.setting(QStringLiteral("url"))));
    if (!url.isValid() || url.host().isEmpty()
        || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")))
        return failedJob(QStringLiteral("The Argo CD backend %1 has no usable url ('%2').")
                             .arg(context().name, Net::redactedUrl(url)),
            QStringLiteral("Set the setting url to the Argo CD server, e.g. https://argocd.example.com."));
    if (!context().http)
        return failedJob(QStringLiteral("The Argo CD backend %1 has no HTTP client.").arg(context().name));
    if (t.setting(QStringLiteral("application")).trimmed().isEmpty())
        return failedJob(
            QStringLiteral("No Argo CD application is configured for %1 in %2.").arg(t.service, t.environment),
            QStringLiteral("Set the setting application (e.g. {service}-{environment})."));
    if (t.secret.isEmpty()) {
        const QString username = t.setting(QStringLiteral("username")).trimmed();
        return failedJob(username.isEmpty() ? QStringLiteral("No Argo CD token for the backend %1.").arg(context().name)
                                            : QStringLiteral("No password for the Argo CD user %1.").arg(username),
            QStringLiteral("Store it in Settings → Credentials."));
    }
    if (request.action == Action::Deploy && request.version.trimmed().isEmpty())
        return failedJob(QStringLiteral("No version to deploy to %1 was given.").arg(t.environment),
            QStringLiteral("Choose the version (a revision Argo CD can sync to)."));

    auto* job = new ArgoCdJob(this, request);
    // Started from the event loop, so the caller can connect to it first.
    QMetaObject::invokeMethod(
        job, [job] { job->begin(); }, Qt::QueuedConnection);
    return job;
}

} // namespace Flightdeck::Deploy
