// SPDX-License-Identifier: Apache-2.0
#include "jenkinsbackend.h"

#include "backendsupport.h"
#include "net/httpclient.h"
#include "net/redact.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QPointer>
#include <QRegularExpression>
#include <QSet>
#include <QTimer>
#include <QUrlQuery>

#include <functional>
#include <optional>
#include <utility>

namespace Flightdeck::Deploy {

namespace {

using Net::HttpErrorKind;
using Net::HttpRequest;
using Net::HttpResponse;

constexpr int TailLines = 8;
constexpr qsizetype MaxLineBytes = 64 * 1024;

QString tr(const char* text)
{
    return JenkinsBackend::tr(text);
}

struct JenkinsSettings
{
    QUrl base;
    QString job;
    QStringList jobSegments;
    QString user;
    QString secret;
    QString parameterService;
    QString parameterEnvironment;
    QString parameterVersion;
    int pollIntervalMs = 2000;
    qint64 timeoutMs = 3600 * 1000;
    int requestTimeoutMs = 30000;
    int historyLimit = 50;
    int maxLogLines = 20000;

    // A URL under Jenkins' root; `path` is decoded (spaces and the like are encoded here).
    QUrl url(const QString& path, const QUrlQuery& query = {}) const
    {
        QUrl u = base;
        QString root = base.path();
        while (root.endsWith(QLatin1Char('/')))
            root.chop(1);
        u.setPath(root + path);
        u.setQuery(query);
        u.setFragment({});
        return u;
    }
    QString jobPath() const { return QStringLiteral("/job/") + jobSegments.join(QStringLiteral("/job/")); }
    QUrl jobUrl(const QString& rest = {}, const QUrlQuery& query = {}) const { return url(jobPath() + rest, query); }
    QUrl buildUrl(int number, const QString& rest = {}, const QUrlQuery& query = {}) const
    {
        return url(jobPath() + QLatin1Char('/') + QString::number(number) + rest, query);
    }
    QUrl queueUrl(qint64 id, const QString& rest = {}) const
    {
        return url(QStringLiteral("/queue/item/%1/").arg(id) + rest);
    }
};

using Support::readNumber;

QString readSettings(const DeployTarget& target, JenkinsSettings* s)
{
    const QString url = target.setting(QStringLiteral("url")).trimmed();
    if (url.isEmpty())
        return tr("The setting url (Jenkins' base URL) is empty.");
    s->base = QUrl(url);
    if (!s->base.isValid() || s->base.host().isEmpty()
        || (s->base.scheme() != QLatin1String("http") && s->base.scheme() != QLatin1String("https")))
        return tr("The setting url must be Jenkins' http(s) base URL, not '%1'.").arg(Net::redactedUrl(QUrl(url)));
    if (!s->base.userInfo().isEmpty())
        return tr("The setting url must not contain a user name or password: set username, and store the API token "
                  "in Settings → Credentials.");
    s->job = target.setting(QStringLiteral("job")).trimmed();
    s->jobSegments = s->job.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    if (s->jobSegments.isEmpty())
        return tr("The setting job (the job's full name, e.g. deploy/checkout) is empty.");
    s->user = target.setting(QStringLiteral("username")).trimmed();
    s->secret = target.secret;
    if (s->user.isEmpty() && !s->secret.isEmpty())
        return tr("The setting username is empty: a Jenkins API token is used together with the user it belongs to.");
    s->parameterService = target.setting(QStringLiteral("parameterService"), QStringLiteral("SERVICE")).trimmed();
    s->parameterEnvironment
        = target.setting(QStringLiteral("parameterEnvironment"), QStringLiteral("ENVIRONMENT")).trimmed();
    s->parameterVersion = target.setting(QStringLiteral("parameterVersion"), QStringLiteral("VERSION")).trimmed();

    QString error;
    double value = 0;
    if (!readNumber(target, QStringLiteral("pollIntervalMs"), 2000, 1, 600000, &value, &error))
        return error;
    s->pollIntervalMs = int(value);
    if (!readNumber(target, QStringLiteral("timeoutSeconds"), 3600, 0.01, 7 * 24 * 3600, &value, &error))
        return error;
    s->timeoutMs = qint64(value * 1000);
    if (!readNumber(target, QStringLiteral("requestTimeoutMs"), 30000, 1, 3600000, &value, &error))
        return error;
    s->requestTimeoutMs = int(value);
    if (!readNumber(target, QStringLiteral("historyLimit"), 50, 1, 1000, &value, &error))
        return error;
    s->historyLimit = int(value);
    if (!readNumber(target, QStringLiteral("maxLogLines"), 20000, 0, 10000000, &value, &error))
        return error;
    s->maxLogLines = int(value);
    return {};
}

// Jenkins answers errors with HTML or plain text pages (Stapler, Jetty), rarely JSON: the readable
// text of the page, shortened.
QString jenkinsReason(const QByteArray& body)
{
    if (body.isEmpty())
        return {};
    QString message = Net::serverMessageFromBody(body);
    if (!message.isEmpty())
        return message;
    QString text = QString::fromUtf8(body.left(64 * 1024));
    static const QRegularExpression hidden(QStringLiteral("<(head|script|style)[^>]*>.*?</\\1>"),
        QRegularExpression::DotMatchesEverythingOption | QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression tags(QStringLiteral("<[^>]*>"));
    text.remove(hidden);
    text.replace(tags, QStringLiteral(" "));
    text.replace(QLatin1String("&lt;"), QLatin1String("<"))
        .replace(QLatin1String("&gt;"), QLatin1String(">"))
        .replace(QLatin1String("&quot;"), QLatin1String("\""))
        .replace(QLatin1String("&#39;"), QLatin1String("'"))
        .replace(QLatin1String("&amp;"), QLatin1String("&"));
    text = text.simplified();
    if (text.size() > 300)
        text = text.left(300) + QStringLiteral("…");
    return text;
}

std::optional<QJsonObject> jsonObject(const HttpResponse& response)
{
    const QJsonDocument doc = response.json();
    if (!doc.isObject())
        return std::nullopt;
    return doc.object();
}

QString valueText(const QJsonValue& value)
{
    if (value.isString())
        return value.toString();
    if (value.isBool())
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    if (value.isDouble())
        return QString::number(value.toDouble());
    return {};
}

// The build parameters from actions[].parameters[{name, value}].
QHash<QString, QString> buildParameters(const QJsonObject& build)
{
    QHash<QString, QString> parameters;
    const QJsonArray actions = build.value(QLatin1String("actions")).toArray();
    for (const QJsonValue& action : actions) {
        const QJsonArray list = action.toObject().value(QLatin1String("parameters")).toArray();
        for (const QJsonValue& p : list) {
            const QJsonObject o = p.toObject();
            const QString name = o.value(QLatin1String("name")).toString();
            if (!name.isEmpty())
                parameters.insert(name, valueText(o.value(QLatin1String("value"))));
        }
    }
    return parameters;
}

// Who started a build: actions[].causes[] userName, else userId, else the cause's description.
QString buildActor(const QJsonObject& build)
{
    const QJsonArray actions = build.value(QLatin1String("actions")).toArray();
    for (const QJsonValue& action : actions) {
        const QJsonArray causes = action.toObject().value(QLatin1String("causes")).toArray();
        for (const QJsonValue& c : causes) {
            const QJsonObject o = c.toObject();
            for (const char* key : { "userName", "userId", "shortDescription" }) {
                const QString value = o.value(QLatin1String(key)).toString();
                if (!value.isEmpty())
                    return value;
            }
        }
    }
    return {};
}

bool isBuilding(const QJsonObject& build)
{
    return build.value(QLatin1String("building")).toBool()
        || (build.contains(QLatin1String("result")) && build.value(QLatin1String("result")).isNull()
            && build.value(QLatin1String("number")).toInt() > 0);
}

QString historyResult(const QJsonObject& build)
{
    if (isBuilding(build))
        return QStringLiteral("running");
    const QString result = build.value(QLatin1String("result")).toString();
    if (result == QLatin1String("SUCCESS"))
        return QStringLiteral("succeeded");
    if (result == QLatin1String("FAILURE") || result == QLatin1String("UNSTABLE"))
        return QStringLiteral("failed");
    if (result == QLatin1String("ABORTED"))
        return QStringLiteral("cancelled");
    return QStringLiteral("unknown");
}

QString stageState(const QString& status)
{
    if (status == QLatin1String("SUCCESS"))
        return QStringLiteral("succeeded");
    if (status == QLatin1String("FAILED") || status == QLatin1String("UNSTABLE") || status == QLatin1String("ABORTED"))
        return QStringLiteral("failed");
    if (status == QLatin1String("NOT_EXECUTED") || status == QLatin1String("NOT_BUILT"))
        return QStringLiteral("skipped");
    return QStringLiteral("running"); // IN_PROGRESS, PAUSED_PENDING_INPUT
}

qint64 queueIdFrom(const QString& url)
{
    static const QRegularExpression item(QStringLiteral("/queue/item/(\\d+)"));
    const auto m = item.match(url);
    return m.hasMatch() ? m.captured(1).toLongLong() : -1;
}

// "key=value&…" with everything but unreserved characters percent-encoded (so a '+' in a version
// stays a '+', not a space).
QByteArray formEncoded(const QList<QPair<QString, QString>>& fields)
{
    QByteArray body;
    for (const auto& [name, value] : fields) {
        if (!body.isEmpty())
            body += '&';
        body += QUrl::toPercentEncoding(name) + '=' + QUrl::toPercentEncoding(value);
    }
    return body;
}

class JenkinsJob final : public DeployJob
{
public:
    JenkinsJob(JenkinsBackend* backend, JenkinsSettings settings, DeployRequest request)
        : DeployJob(backend)
        , m_http(backend->context().http)
        , m_s(std::move(settings))
        , m_request(std::move(request))
        , m_timer(new QTimer(this))
    {
        m_timer->setSingleShot(true);
        connect(m_timer, &QTimer::timeout, this, [this] {
            if (auto next = std::exchange(m_next, nullptr))
                next();
        });
    }

    void begin();
    void cancel() override;

private:
    void stopOperation();
    using Handler = std::function<void(const HttpResponse&)>;
    enum class Phase
    {
        Preparing, // nothing sent that changes anything
        Triggering, // buildWithParameters in flight
        Queued,
        Building,
        Reading, // status, history, abort
    };

    // Requests
    HttpRequest prepared(HttpRequest request, bool json) const;
    HttpRequest getJson(const QUrl& url) const { return prepared(HttpRequest::get(url), true); }
    HttpRequest post(const QUrl& url, const QByteArray& body = {}) const;
    void send(const HttpRequest& request, Handler handler);
    void later(std::function<void()> next);
    void stopWaiting();
    bool pastDeadline() const { return m_clock.elapsed() > m_s.timeoutMs; }
    QString timeoutText() const { return QString::number(double(m_s.timeoutMs) / 1000.0); }

    void done(DeployResult result);
    DeployResult failure(const QString& message, const QString& hint = {}) const;
    DeployResult httpFailure(const HttpResponse& r, const QString& doing, const QString& missing = {}) const;
    QString buildStep() const { return tr("Build #%1").arg(m_build); }

    // Deploy, promote, rollback
    void withCrumb(std::function<void()> next);
    void resolveRollbackVersion();
    void trigger();
    void onTriggered(const HttpResponse& r);
    void pollQueue();
    void onQueue(const HttpResponse& r);
    void cancelQueueItem(DeployResult result);
    void buildStarted(int number);
    void stopBuild();
    void pollLog();
    void onLog(const HttpResponse& r);
    void appendLog(const QByteArray& bytes);
    void emitLine(QByteArray line);
    void pollStages(std::function<void()> next);
    void pollResult();
    void onResult(const HttpResponse& r);

    // Status, history, abort
    void readBuilds(std::function<void(const QList<QJsonObject>&)> next);
    bool forEnvironment(const QJsonObject& build) const;
    QString versionOf(const QJsonObject& build) const;
    void readStatus();
    DeploymentState stateFrom(const QList<QJsonObject>& builds) const;
    void readHistory();
    void abort();
    void abortBuild(int number);
    void followStop(int number);

    Net::HttpClient* m_http;
    JenkinsSettings m_s;
    DeployRequest m_request;
    QTimer* m_timer;
    std::function<void()> m_next;
    QPointer<Net::HttpReply> m_reply;
    QElapsedTimer m_clock;
    Phase m_phase = Phase::Preparing;
    bool m_cancelling = false; // cancel() was called
    bool m_stopRequested = false; // stopOperation() ran: the flow stops what it reaches next
    bool m_changed = false;
    QString m_reference;
    QString m_version;

    bool m_crumbKnown = false;
    QByteArray m_crumbField;
    QByteArray m_crumb;

    qint64 m_queueId = -1;
    QString m_lastWhy;
    bool m_cancelItemSent = false;
    int m_build = -1;
    bool m_stopSent = false;

    qint64 m_logOffset = 0;
    Support::LineSplitter m_lines { MaxLineBytes };
    int m_logLines = 0;
    bool m_logTruncated = false;
    QStringList m_tail;

    bool m_wfapi = true;
    QHash<QString, QString> m_stageStates;
    QSet<QString> m_inputNoticed;
};

HttpRequest JenkinsJob::prepared(HttpRequest request, bool json) const
{
    request.timeoutMs = m_s.requestTimeoutMs;
    if (!m_s.secret.isEmpty())
        request.credential = Net::Credential::basic(m_s.user, m_s.secret);
    if (json)
        request.setHeader("Accept", "application/json");
    return request;
}

HttpRequest JenkinsJob::post(const QUrl& url, const QByteArray& body) const
{
    HttpRequest request = prepared(HttpRequest::post(url, body, "application/x-www-form-urlencoded"), false);
    if (!m_crumbField.isEmpty())
        request.setHeader(m_crumbField, m_crumb);
    return request;
}

void JenkinsJob::send(const HttpRequest& request, Handler handler)
{
    m_reply = m_http->send(request, this, [this, handler = std::move(handler)](const HttpResponse& response) {
        m_reply.clear();
        if (!isFinished())
            handler(response);
    });
}

void JenkinsJob::later(std::function<void()> next)
{
    m_next = std::move(next);
    m_timer->start(m_s.pollIntervalMs);
}

void JenkinsJob::stopWaiting()
{
    m_timer->stop();
    m_next = nullptr;
    if (Net::HttpReply* reply = m_reply) {
        m_reply.clear();
        disconnect(reply, nullptr, this, nullptr);
        reply->cancel();
    }
}

void JenkinsJob::done(DeployResult result)
{
    stopWaiting();
    finish(std::move(result));
}

DeployResult JenkinsJob::failure(const QString& message, const QString& hint) const
{
    DeployResult result = DeployResult::failure(message, hint);
    result.changed = m_changed;
    result.reference = m_reference;
    // Once Jenkins accepted the build, losing track of it says nothing about how it ends.
    if (m_changed)
        result.outcome = Outcome::Unknown;
    return result;
}

DeployResult JenkinsJob::httpFailure(const HttpResponse& r, const QString& doing, const QString& missing) const
{
    const Net::HttpError& e = r.error;
    const QString reason = jenkinsReason(e.body);
    const QString where = Net::redactedUrl(r.url);
    const QString withReason = reason.isEmpty() ? QString() : QStringLiteral(": ") + reason;
    const bool anonymous = m_s.secret.isEmpty();
    QString message;
    QString hint;
    switch (e.kind) {
    case HttpErrorKind::Unauthorized:
        if (anonymous) {
            message = tr("Jenkins requires a login to %1 (HTTP 401).").arg(doing);
            hint = tr("Set the username setting and store that user's API token in Settings → Credentials.");
        } else {
            message
                = tr("Jenkins refused the API token of user '%1' (HTTP 401) when trying to %2.").arg(m_s.user, doing);
            hint = tr("Check the token in Settings → Credentials and the username setting: a Jenkins API token only "
                      "works together with the user it belongs to.");
        }
        break;
    case HttpErrorKind::Forbidden:
        if (reason.contains(QLatin1String("crumb"), Qt::CaseInsensitive)) {
            message = tr("Jenkins rejected the CSRF crumb when trying to %1 (HTTP 403%2).").arg(doing, withReason);
            hint = tr("Authenticate with an API token (requests made with one need no crumb), or check that no proxy "
                      "drops the session cookie between the crumb and the request.");
        } else {
            message = anonymous
                ? tr("Jenkins does not allow anonymous users to %1 (HTTP 403%2).").arg(doing, withReason)
                : tr("Jenkins user '%1' is not allowed to %2 (HTTP 403%3).").arg(m_s.user, doing, withReason);
            hint = tr("Ask a Jenkins administrator for the Job/Read and Job/Build permissions (Job/Cancel to abort) "
                      "on '%1'.")
                       .arg(m_s.job);
        }
        break;
    case HttpErrorKind::NotFound:
        if (!missing.isEmpty()) {
            message = tr("%1 (HTTP 404 from %2).").arg(missing, where);
            hint = tr("Look at the job in Jenkins: %1").arg(Net::redactedUrl(m_s.jobUrl(QStringLiteral("/"))));
        } else {
            message = tr("Jenkins has no job '%1' (HTTP 404 from %2) when trying to %3.").arg(m_s.job, where, doing);
            hint = tr("Check the job setting: the job's full name with folders separated by '/' (e.g. "
                      "'deploy/checkout' for …/job/deploy/job/checkout), and the url setting (%1). Jenkins also "
                      "answers 404 when the user may not see the job.")
                       .arg(Net::redactedUrl(m_s.base));
        }
        break;
    case HttpErrorKind::RateLimited: {
        message = tr("Jenkins (or a proxy in front of it) limits the request rate and refused to %1 (HTTP 429%2).")
                      .arg(doing, withReason);
        const auto wait = Net::parseRetryAfterMs(r.header("Retry-After"));
        hint = wait ? tr("It asks to wait %1 s (Retry-After) before trying again.").arg((*wait + 999) / 1000)
                    : tr("Wait a while and try again.");
        break;
    }
    case HttpErrorKind::ClientError:
        message = tr("Jenkins refused to %1 (HTTP %2%3).").arg(doing).arg(e.status).arg(withReason);
        if (reason.contains(QLatin1String("not parameterized"), Qt::CaseInsensitive))
            hint = tr("Give the job the string parameters %1, or set parameterService, parameterEnvironment and "
                      "parameterVersion to the parameters it has.")
                       .arg(QStringList { m_s.parameterService, m_s.parameterEnvironment, m_s.parameterVersion }.join(
                           QStringLiteral(", ")));
        else if (e.status == 409)
            hint = tr("The job may be disabled or otherwise not buildable: enable it in Jenkins, or wait until the "
                      "conflicting operation is over.");
        else
            hint = tr("Jenkins' message says what it did not accept.");
        break;
    case HttpErrorKind::ServerError:
        message = tr("Jenkins failed when trying to %1 (HTTP %2%3).").arg(doing).arg(e.status).arg(withReason);
        hint = tr("The problem is on the Jenkins side (or a proxy in front of it): try again later, and check "
                  "Jenkins' system log if it persists.");
        break;
    case HttpErrorKind::Timeout:
        message = tr("Jenkins did not answer within %1 s when trying to %2 (%3).")
                      .arg(double(m_s.requestTimeoutMs) / 1000.0)
                      .arg(doing, where);
        hint = tr("Try again later; if Jenkins is just slow, raise requestTimeoutMs.");
        break;
    case HttpErrorKind::ConnectionClosed:
        message = tr("Jenkins closed the connection without answering when trying to %1 (%2).").arg(doing, where);
        hint = tr("Jenkins or a proxy in front of it dropped the request: try again later.");
        break;
    case HttpErrorKind::InvalidResponse:
        message = tr("Jenkins' answer when trying to %1 is not what was expected: %2").arg(doing, e.message);
        hint = e.hint;
        break;
    default:
        message = tr("Could not %1: %2").arg(doing, e.message);
        hint = e.hint.isEmpty() ? tr("Try again later.") : e.hint + QLatin1Char(' ') + tr("Try again later.");
        break;
    }
    const QByteArrayList secrets { m_s.secret.toUtf8() };
    return failure(Net::scrubbed(message, secrets), Net::scrubbed(hint, secrets));
}

void JenkinsJob::begin()
{
    if (isFinished() || m_cancelling)
        return;
    m_clock.start();
    switch (m_request.action) {
    case Action::Deploy:
    case Action::Rollback:
        if (m_request.action == Action::Rollback && m_request.version.isEmpty()) {
            m_phase = Phase::Reading;
            resolveRollbackVersion();
            return;
        }
        m_version = m_request.version;
        withCrumb([this] { trigger(); });
        return;
    case Action::Status:
        m_phase = Phase::Reading;
        readStatus();
        return;
    case Action::History:
        m_phase = Phase::Reading;
        readHistory();
        return;
    case Action::Abort:
        m_phase = Phase::Reading;
        abort();
        return;
    default:
        done(failure(tr("The jenkins backend cannot %1.").arg(actionName(m_request.action))));
        return;
    }
}

void JenkinsJob::cancel()
{
    if (isFinished() || m_cancelling)
        return;
    m_cancelling = true;
    // cancel() may come from a slot of log() or step(), in the middle of a handler: act once that
    // handler is done, when at most one request or one timer is pending.
    QMetaObject::invokeMethod(
        this, [this] { stopOperation(); }, Qt::QueuedConnection);
}

void JenkinsJob::stopOperation()
{
    if (isFinished())
        return;
    m_stopRequested = true;
    DeployResult cancelled;
    cancelled.outcome = Outcome::Cancelled;
    cancelled.changed = m_changed;
    cancelled.reference = m_reference;
    switch (m_phase) {
    case Phase::Preparing:
    case Phase::Reading:
        cancelled.message = tr("Cancelled before anything changed.");
        done(cancelled);
        return;
    case Phase::Triggering:
        // Whether Jenkins queues the build is decided by the answer in flight: onTriggered() takes
        // the queue item back out when it did.
        return;
    case Phase::Queued:
        stopWaiting();
        cancelled.message = tr("Cancelled: queue item %1 was taken out of the Jenkins queue before the build started; "
                               "nothing ran.")
                                .arg(m_queueId);
        cancelQueueItem(cancelled);
        return;
    case Phase::Building:
        stopWaiting();
        stopBuild();
        return;
    }
}

void JenkinsJob::withCrumb(std::function<void()> next)
{
    if (m_crumbKnown) {
        next();
        return;
    }
    send(getJson(m_s.url(QStringLiteral("/crumbIssuer/api/json"))), [this, next](const HttpResponse& r) {
        if (r.status == 404) {
            // No crumb issuer: CSRF protection is off (or the crumb is not needed).
            m_crumbKnown = true;
            next();
            return;
        }
        if (!r.ok()) {
            done(httpFailure(r, tr("read its CSRF crumb"), tr("Jenkins has no crumb issuer")));
            return;
        }
        const auto o = jsonObject(r);
        const QString field = o ? o->value(QLatin1String("crumbRequestField")).toString() : QString();
        const QString crumb = o ? o->value(QLatin1String("crumb")).toString() : QString();
        if (field.isEmpty() || crumb.isEmpty()) {
            done(failure(tr("Jenkins' crumb issuer (%1) did not answer with crumbRequestField and crumb.")
                             .arg(Net::redactedUrl(r.url)),
                tr("Check that the url setting points at Jenkins itself, not at a proxy's login page.")));
            return;
        }
        m_crumbField = field.toUtf8();
        m_crumb = crumb.toUtf8();
        m_crumbKnown = true;
        next();
    });
}

void JenkinsJob::readBuilds(std::function<void(const QList<QJsonObject>&)> next)
{
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("tree"),
        QStringLiteral("builds[number,result,building,timestamp,duration,url,"
                       "actions[parameters[name,value],causes[userId,userName]]]{0,%1}")
            .arg(m_s.historyLimit));
    send(getJson(m_s.jobUrl(QStringLiteral("/api/json"), query)), [this, next](const HttpResponse& r) {
        if (!r.ok()) {
            done(httpFailure(r, tr("read the builds of job '%1'").arg(m_s.job)));
            return;
        }
        const auto o = jsonObject(r);
        if (!o) {
            done(failure(tr("Jenkins answered the list of builds of job '%1' with something that is not a JSON object.")
                             .arg(m_s.job),
                tr("Check that the url setting points at Jenkins itself, not at a proxy's login page.")));
            return;
        }
        QList<QJsonObject> builds;
        const QJsonArray list = o->value(QLatin1String("builds")).toArray();
        for (const QJsonValue& b : list)
            if (forEnvironment(b.toObject()))
                builds.append(b.toObject());
        next(builds);
    });
}

bool JenkinsJob::forEnvironment(const QJsonObject& build) const
{
    if (m_s.parameterEnvironment.isEmpty())
        return true;
    const QHash<QString, QString> parameters = buildParameters(build);
    const auto it = parameters.constFind(m_s.parameterEnvironment);
    return it == parameters.cend() || *it == m_request.target.environment;
}

QString JenkinsJob::versionOf(const QJsonObject& build) const
{
    return m_s.parameterVersion.isEmpty() ? QString() : buildParameters(build).value(m_s.parameterVersion);
}

void JenkinsJob::resolveRollbackVersion()
{
    readBuilds([this](const QList<QJsonObject>& builds) {
        const int wanted = m_request.historyId.toInt();
        QString current = m_request.fromVersion;
        QString target;
        int from = -1;
        for (const QJsonObject& b : builds) {
            const int number = b.value(QLatin1String("number")).toInt();
            const QString version = versionOf(b);
            if (wanted > 0) {
                if (number == wanted) {
                    target = version;
                    from = number;
                    break;
                }
                continue;
            }
            if (b.value(QLatin1String("result")).toString() != QLatin1String("SUCCESS") || version.isEmpty())
                continue;
            if (current.isEmpty()) {
                current = version; // the newest successful deploy runs now
                continue;
            }
            if (version != current) {
                target = version;
                from = number;
                break;
            }
        }
        if (target.isEmpty()) {
            const QString why = wanted > 0
                ? tr("Build #%1 of job '%2' is not among its %3 newest builds for %4, or has no %5 parameter.")
                      .arg(wanted)
                      .arg(m_s.job)
                      .arg(m_s.historyLimit)
                      .arg(m_request.target.environment, m_s.parameterVersion)
                : tr("Found no earlier successful build of job '%1' for %2 with a version other than %3 to roll back "
                     "to (among its %4 newest builds).")
                      .arg(m_s.job, m_request.target.environment, current.isEmpty() ? tr("the current one") : current)
                      .arg(m_s.historyLimit);
            done(failure(why, tr("Choose the version to roll back to explicitly.")));
            return;
        }
        m_version = target;
        Q_EMIT log(tr("Rolling back %1 in %2 to %3 (the version of build #%4).")
                       .arg(m_request.target.service, m_request.target.environment, target)
                       .arg(from));
        m_phase = Phase::Preparing;
        if (m_cancelling)
            return;
        withCrumb([this] { trigger(); });
    });
}

void JenkinsJob::trigger()
{
    QList<QPair<QString, QString>> fields;
    if (!m_s.parameterService.isEmpty())
        fields.append({ m_s.parameterService, m_request.target.service });
    if (!m_s.parameterEnvironment.isEmpty())
        fields.append({ m_s.parameterEnvironment, m_request.target.environment });
    if (!m_s.parameterVersion.isEmpty())
        fields.append({ m_s.parameterVersion, m_version });
    m_phase = Phase::Triggering;
    Q_EMIT step(tr("Queue"), QStringLiteral("running"));
    send(post(m_s.jobUrl(QStringLiteral("/buildWithParameters")), formEncoded(fields)),
        [this](const HttpResponse& r) { onTriggered(r); });
}

void JenkinsJob::onTriggered(const HttpResponse& r)
{
    if (!r.ok()) {
        Q_EMIT step(tr("Queue"), QStringLiteral("failed"));
        const HttpErrorKind kind = r.error.kind;
        DeployResult result = httpFailure(r, tr("queue a build of job '%1'").arg(m_s.job));
        if (kind == HttpErrorKind::Timeout || kind == HttpErrorKind::ConnectionClosed
            || kind == HttpErrorKind::Network) {
            // The request may have arrived: Jenkins may have queued the build or not.
            result.outcome = Outcome::Unknown;
            result.message += QLatin1Char(' ') + tr("Jenkins may or may not have queued the build.");
            result.hint = tr("Look at the job's queue and builds in Jenkins before trying again: %1")
                              .arg(Net::redactedUrl(m_s.jobUrl(QStringLiteral("/"))));
        }
        if (m_cancelling && result.outcome != Outcome::Unknown) {
            result.outcome = Outcome::Cancelled;
            result.message = tr("Cancelled before anything changed.");
            result.hint.clear();
        }
        done(result);
        return;
    }
    qint64 id = queueIdFrom(QString::fromUtf8(r.header("Location")));
    if (id < 0)
        id = queueIdFrom(r.url.path()); // a 303 to an item already queued, followed
    m_changed = true;
    if (id < 0) {
        m_reference = m_s.jobUrl(QStringLiteral("/")).toString();
        Q_EMIT changed(m_reference);
        done(failure(tr("Jenkins accepted the build of job '%1' (HTTP %2) but named no queue item to follow.")
                         .arg(m_s.job)
                         .arg(r.status),
            tr("Look at the job's builds in Jenkins: %1").arg(Net::redactedUrl(m_s.jobUrl(QStringLiteral("/"))))));
        return;
    }
    m_queueId = id;
    m_phase = Phase::Queued;
    m_reference = m_s.queueUrl(id).toString();
    Q_EMIT changed(m_reference);
    Q_EMIT log(tr("Jenkins queued %1 %2 for %3 as queue item %4.")
                   .arg(m_request.target.service, m_version, m_request.target.environment)
                   .arg(id));
    if (m_stopRequested) {
        DeployResult cancelled;
        cancelled.outcome = Outcome::Cancelled;
        cancelled.changed = true;
        cancelled.reference = m_reference;
        cancelled.message = tr("Cancelled: queue item %1 was taken out of the Jenkins queue before the build "
                               "started; nothing ran.")
                                .arg(id);
        cancelQueueItem(cancelled);
        return;
    }
    pollQueue();
}

void JenkinsJob::pollQueue()
{
    send(getJson(m_s.queueUrl(m_queueId, QStringLiteral("api/json"))), [this](const HttpResponse& r) { onQueue(r); });
}

void JenkinsJob::onQueue(const HttpResponse& r)
{
    if (!r.ok()) {
        done(httpFailure(r, tr("follow queue item %1").arg(m_queueId),
            tr("Jenkins no longer knows queue item %1 (it forgets finished queue items after 5 minutes)")
                .arg(m_queueId)));
        return;
    }
    const auto o = jsonObject(r);
    if (!o) {
        done(failure(tr("Jenkins answered queue item %1 with something that is not a JSON object.").arg(m_queueId)));
        return;
    }
    if (o->value(QLatin1String("cancelled")).toBool()) {
        Q_EMIT step(tr("Queue"), QStringLiteral("failed"));
        DeployResult result;
        result.outcome = Outcome::Cancelled;
        result.changed = true;
        result.reference = m_reference;
        result.message = m_cancelItemSent
            ? tr("Cancelled: queue item %1 was taken out of the Jenkins queue before the build started; nothing ran.")
                  .arg(m_queueId)
            : tr("Queue item %1 was cancelled in Jenkins before the build started; nothing ran.").arg(m_queueId);
        done(result);
        return;
    }
    const int number = o->value(QLatin1String("executable")).toObject().value(QLatin1String("number")).toInt();
    if (number > 0) {
        buildStarted(number);
        return;
    }
    if (m_cancelItemSent) {
        done(failure(tr("Asked Jenkins to cancel queue item %1, but it still lists it as waiting.").arg(m_queueId),
            tr("Cancel it in Jenkins' build queue: %1").arg(Net::redactedUrl(m_s.url(QStringLiteral("/"))))));
        return;
    }
    const QString why = o->value(QLatin1String("why")).toString();
    if (!why.isEmpty() && why != m_lastWhy) {
        m_lastWhy = why;
        Q_EMIT log(tr("Waiting in the Jenkins queue: %1").arg(why));
    }
    if (pastDeadline()) {
        Q_EMIT step(tr("Queue"), QStringLiteral("failed"));
        DeployResult result = failure(
            tr("The build was still waiting in the Jenkins queue after %1 s (%2); queue item %3 was cancelled so that "
               "it does not run later.")
                .arg(timeoutText(), m_lastWhy.isEmpty() ? tr("no reason given") : m_lastWhy)
                .arg(m_queueId),
            tr("Check Jenkins' executors and the job's queue, then try again; raise timeoutSeconds for long queues."));
        result.outcome = Outcome::Failed;
        cancelQueueItem(result);
        return;
    }
    later([this] { pollQueue(); });
}

void JenkinsJob::cancelQueueItem(DeployResult result)
{
    withCrumb([this, result] {
        QUrlQuery query;
        query.addQueryItem(QStringLiteral("id"), QString::number(m_queueId));
        send(post(m_s.url(QStringLiteral("/queue/cancelItem"), query)), [this, result](const HttpResponse& r) {
            if (!r.ok()) {
                DeployResult failed = httpFailure(r, tr("cancel queue item %1").arg(m_queueId));
                if (result.outcome != Outcome::Cancelled) {
                    failed.message = result.message + QLatin1Char(' ') + failed.message;
                    failed.outcome = result.outcome;
                }
                failed.hint = tr("Cancel it in Jenkins' build queue, or it may still run: %1")
                                  .arg(Net::redactedUrl(m_s.url(QStringLiteral("/"))));
                done(failed);
                return;
            }
            m_cancelItemSent = true;
            if (result.outcome != Outcome::Cancelled) {
                done(result);
                return;
            }
            // The build may have started meanwhile: look once more (a started build is stopped).
            pollQueue();
        });
    });
}

void JenkinsJob::buildStarted(int number)
{
    m_build = number;
    m_phase = Phase::Building;
    m_reference = m_s.buildUrl(number, QStringLiteral("/")).toString();
    Q_EMIT changed(m_reference);
    Q_EMIT step(tr("Queue"), QStringLiteral("succeeded"));
    Q_EMIT step(buildStep(), QStringLiteral("running"));
    Q_EMIT log(tr("Jenkins build #%1 started: %2").arg(number).arg(Net::redactedUrl(QUrl(m_reference))));
    if (m_stopRequested) {
        stopBuild();
        return;
    }
    pollLog();
}

void JenkinsJob::stopBuild()
{
    withCrumb([this] {
        send(post(m_s.buildUrl(m_build, QStringLiteral("/stop"))), [this](const HttpResponse& r) {
            if (!r.ok()) {
                DeployResult result = httpFailure(r, tr("stop build #%1").arg(m_build));
                result.message += QLatin1Char(' ') + tr("The build goes on in Jenkins.");
                done(result);
                return;
            }
            m_stopSent = true;
            Q_EMIT log(tr("Asked Jenkins to stop build #%1.").arg(m_build));
            // Follow the build to its end: it ends ABORTED, or with its own result when it was done.
            pollLog();
        });
    });
}

void JenkinsJob::pollLog()
{
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("start"), QString::number(m_logOffset));
    HttpRequest request
        = prepared(HttpRequest::get(m_s.buildUrl(m_build, QStringLiteral("/logText/progressiveText"), query)), false);
    send(request, [this](const HttpResponse& r) { onLog(r); });
}

void JenkinsJob::onLog(const HttpResponse& r)
{
    if (!r.ok()) {
        done(httpFailure(r, tr("read the console log of build #%1").arg(m_build),
            tr("Jenkins has no console log for build #%1 of job '%2'").arg(m_build).arg(m_s.job)));
        return;
    }
    appendLog(r.body);
    bool sized = false;
    const qint64 next = r.header("X-Text-Size").trimmed().toLongLong(&sized);
    m_logOffset = sized ? next : m_logOffset + r.body.size();
    const bool more = r.header("X-More-Data").trimmed().compare("true", Qt::CaseInsensitive) == 0;
    auto after = [this, more] {
        if (!more) {
            m_lines.flush([this](QByteArray line) { emitLine(std::move(line)); });
            pollResult();
            return;
        }
        if (pastDeadline()) {
            done(failure(tr("Build #%1 was still running after %2 s; Flightdeck stopped following it, the build goes "
                            "on in Jenkins.")
                             .arg(m_build)
                             .arg(timeoutText()),
                tr("Watch it in Jenkins: %1 (raise timeoutSeconds for long deploys).")
                    .arg(Net::redactedUrl(QUrl(m_reference)))));
            return;
        }
        later([this] { pollLog(); });
    };
    if (m_wfapi)
        pollStages(after);
    else
        after();
}

void JenkinsJob::appendLog(const QByteArray& bytes)
{
    m_lines.feed(bytes, [this](QByteArray line) { emitLine(std::move(line)); });
}

void JenkinsJob::emitLine(QByteArray bytes)
{
    QString line = QString::fromUtf8(bytes);
    // Console notes (hyperlinks and the like) and colours are markup, not text.
    static const QRegularExpression note(QStringLiteral("\\x1B\\[8mha:[^\\x1B]*\\x1B\\[0m"));
    static const QRegularExpression colour(QStringLiteral("\\x1B\\[[0-9;]*m"));
    if (line.contains(QChar(0x1B)))
        line.remove(note).remove(colour);
    line = Net::scrubbed(line, { m_s.secret.toUtf8() });
    m_tail.append(line);
    if (m_tail.size() > TailLines)
        m_tail.removeFirst();
    if (m_logLines < m_s.maxLogLines) {
        ++m_logLines;
        Q_EMIT log(line);
    } else if (!m_logTruncated) {
        m_logTruncated = true;
        Q_EMIT log(tr("… more console output than maxLogLines (%1) is not shown here; the whole log is at %2")
                       .arg(m_s.maxLogLines)
                       .arg(Net::redactedUrl(m_s.buildUrl(m_build, QStringLiteral("/console")))));
    }
}

void JenkinsJob::pollStages(std::function<void()> next)
{
    HttpRequest request = getJson(m_s.buildUrl(m_build, QStringLiteral("/wfapi/describe")));
    request.retry = Net::RetryPolicy::none();
    send(request, [this, next](const HttpResponse& r) {
        const auto o = r.ok() ? jsonObject(r) : std::nullopt;
        if (!o) {
            // Not a pipeline, or no Pipeline Stage View plugin: the build is followed without stages.
            m_wfapi = false;
            next();
            return;
        }
        const QJsonArray stages = o->value(QLatin1String("stages")).toArray();
        for (const QJsonValue& value : stages) {
            const QJsonObject stage = value.toObject();
            const QString name = stage.value(QLatin1String("name")).toString();
            const QString status = stage.value(QLatin1String("status")).toString();
            if (name.isEmpty())
                continue;
            const QString state = stageState(status);
            if (m_stageStates.value(name) != state) {
                m_stageStates.insert(name, state);
                Q_EMIT step(name, state);
            }
            if (status == QLatin1String("PAUSED_PENDING_INPUT") && !m_inputNoticed.contains(name)) {
                m_inputNoticed.insert(name);
                Q_EMIT log(tr("Stage '%1' waits for input in Jenkins: %2")
                               .arg(name, Net::redactedUrl(m_s.buildUrl(m_build, QStringLiteral("/input/")))));
            }
        }
        next();
    });
}

void JenkinsJob::pollResult()
{
    send(getJson(m_s.buildUrl(m_build, QStringLiteral("/api/json"))), [this](const HttpResponse& r) { onResult(r); });
}

void JenkinsJob::onResult(const HttpResponse& r)
{
    if (!r.ok()) {
        done(httpFailure(r, tr("read the result of build #%1").arg(m_build),
            tr("Jenkins has no build #%1 of job '%2'").arg(m_build).arg(m_s.job)));
        return;
    }
    const auto o = jsonObject(r);
    if (!o) {
        done(failure(tr("Jenkins answered build #%1 with something that is not a JSON object.").arg(m_build)));
        return;
    }
    const QString result = o->value(QLatin1String("result")).toString();
    if (result.isEmpty() || o->value(QLatin1String("building")).toBool()) {
        // The log is complete but the build is still finishing (post-build steps).
        if (pastDeadline()) {
            done(failure(tr("Build #%1 had no result after %2 s.").arg(m_build).arg(timeoutText()),
                tr("Watch it in Jenkins: %1").arg(Net::redactedUrl(QUrl(m_reference)))));
            return;
        }
        later([this] { pollResult(); });
        return;
    }

    DeployResult out;
    out.changed = true;
    out.reference = m_reference;
    out.state.revision = QString::number(m_build);
    out.state.status = result;
    out.state.url = m_reference;
    out.state.deployedBy = buildActor(*o);
    const qint64 timestamp = qint64(o->value(QLatin1String("timestamp")).toDouble());
    if (timestamp > 0)
        out.state.deployedAt = QDateTime::fromMSecsSinceEpoch(timestamp, Qt::UTC);
    const QString tail = m_tail.isEmpty() ? QString()
                                          : QLatin1Char('\n') + tr("Last lines of the console log:")
            + QStringLiteral("\n  ") + m_tail.join(QStringLiteral("\n  "));
    const QString console = tr("See the console log in Jenkins: %1")
                                .arg(Net::redactedUrl(m_s.buildUrl(m_build, QStringLiteral("/console"))));
    if (result == QLatin1String("SUCCESS")) {
        out.outcome = Outcome::Succeeded;
        out.version = m_version;
        out.state.version = m_version;
        out.state.health = QStringLiteral("Healthy");
        out.message = tr("Jenkins build #%1 of '%2' deployed %3 %4 to %5.")
                          .arg(m_build)
                          .arg(m_s.job, m_request.target.service, m_version, m_request.target.environment);
    } else if (result == QLatin1String("ABORTED")) {
        out.outcome = Outcome::Cancelled;
        out.state.health = QStringLiteral("Unknown");
        out.message = m_stopSent ? tr("Cancelled: Jenkins build #%1 was stopped (ABORTED).").arg(m_build)
                                 : tr("Jenkins build #%1 was aborted in Jenkins.").arg(m_build);
        out.hint = console;
    } else {
        out.outcome = Outcome::Failed;
        out.state.health = QStringLiteral("Degraded");
        out.message = result == QLatin1String("UNSTABLE")
            ? tr("Jenkins build #%1 of '%2' ended UNSTABLE, which counts as failed.").arg(m_build).arg(m_s.job)
            : tr("Jenkins build #%1 of '%2' failed (%3).").arg(m_build).arg(m_s.job, result);
        out.message += tail;
        out.hint = console;
    }
    Q_EMIT step(
        buildStep(), out.outcome == Outcome::Succeeded ? QStringLiteral("succeeded") : QStringLiteral("failed"));
    done(out);
}

DeploymentState JenkinsJob::stateFrom(const QList<QJsonObject>& builds) const
{
    DeploymentState state;
    if (builds.isEmpty()) {
        state.status = QStringLiteral("Never built");
        state.health = QStringLiteral("Missing");
        state.message = tr("Job '%1' has no build for %2.").arg(m_s.job, m_request.target.environment);
        state.url = m_s.jobUrl(QStringLiteral("/")).toString();
        return state;
    }
    const QJsonObject& latest = builds.first();
    const QJsonObject* good = nullptr;
    for (const QJsonObject& b : builds)
        if (!isBuilding(b) && b.value(QLatin1String("result")).toString() == QLatin1String("SUCCESS")) {
            good = &b;
            break;
        }
    const int latestNumber = latest.value(QLatin1String("number")).toInt();
    const QString latestResult = latest.value(QLatin1String("result")).toString();
    state.revision = QString::number(latestNumber);
    state.url = m_s.buildUrl(latestNumber, QStringLiteral("/")).toString();
    if (isBuilding(latest)) {
        state.status = QStringLiteral("Running");
        state.health = QStringLiteral("Progressing");
    } else {
        state.status = latestResult;
        if (latestResult == QLatin1String("SUCCESS"))
            state.health = QStringLiteral("Healthy");
        else if (latestResult == QLatin1String("FAILURE") || latestResult == QLatin1String("UNSTABLE"))
            state.health = QStringLiteral("Degraded");
        else
            state.health = QStringLiteral("Unknown");
    }
    if (good) {
        state.version = versionOf(*good);
        state.deployedBy = buildActor(*good);
        const qint64 timestamp = qint64(good->value(QLatin1String("timestamp")).toDouble());
        if (timestamp > 0)
            state.deployedAt = QDateTime::fromMSecsSinceEpoch(timestamp, Qt::UTC);
    }
    if (good != &latest) {
        const QString what = isBuilding(latest) ? tr("is running") : tr("ended %1").arg(latestResult);
        const QString latestVersion = versionOf(latest);
        state.message = good
            ? tr("Build #%1 (%2) %3; the last successful deploy is build #%4 (%5).")
                  .arg(latestNumber)
                  .arg(latestVersion.isEmpty() ? tr("no version") : latestVersion, what)
                  .arg(good->value(QLatin1String("number")).toInt())
                  .arg(state.version.isEmpty() ? tr("no version") : state.version)
            : tr("Build #%1 (%2) %3; no build for %4 succeeded.")
                  .arg(latestNumber)
                  .arg(latestVersion.isEmpty() ? tr("no version") : latestVersion, what, m_request.target.environment);
    }
    return state;
}

void JenkinsJob::readStatus()
{
    send(getJson(m_s.jobUrl(QStringLiteral("/lastBuild/api/json"))), [this](const HttpResponse& r) {
        if (r.status == 404) {
            // No build at all, or no such job: the list of builds tells which.
            readBuilds([this](const QList<QJsonObject>& builds) {
                DeployResult out;
                out.outcome = Outcome::Succeeded;
                out.state = stateFrom(builds);
                out.version = out.state.version;
                out.message = out.state.message;
                done(out);
            });
            return;
        }
        if (!r.ok()) {
            done(httpFailure(r, tr("read the last build of job '%1'").arg(m_s.job)));
            return;
        }
        const auto last = jsonObject(r);
        if (!last) {
            done(failure(tr("Jenkins answered the last build of job '%1' with something that is not a JSON object.")
                             .arg(m_s.job)));
            return;
        }
        auto finishWith = [this](const QList<QJsonObject>& builds) {
            DeployResult out;
            out.outcome = Outcome::Succeeded;
            out.state = stateFrom(builds);
            out.version = out.state.version;
            out.message = out.state.message.isEmpty()
                ? tr("%1 runs %2 in %3 (Jenkins build #%4).")
                      .arg(m_request.target.service,
                          out.state.version.isEmpty() ? tr("an unknown version") : out.state.version,
                          m_request.target.environment, out.state.revision)
                : out.state.message;
            done(out);
        };
        // The last build says what runs when it is a finished, successful deploy to this environment;
        // otherwise the newer builds for this environment are needed.
        if (forEnvironment(*last) && !isBuilding(*last)
            && last->value(QLatin1String("result")).toString() == QLatin1String("SUCCESS")) {
            finishWith({ *last });
            return;
        }
        readBuilds(finishWith);
    });
}

void JenkinsJob::readHistory()
{
    readBuilds([this](const QList<QJsonObject>& builds) {
        DeployResult out;
        out.outcome = Outcome::Succeeded;
        for (const QJsonObject& b : builds) {
            HistoryEntry e;
            e.id = QString::number(b.value(QLatin1String("number")).toInt());
            e.version = versionOf(b);
            e.operation = QStringLiteral("deploy");
            e.actor = buildActor(b);
            const qint64 timestamp = qint64(b.value(QLatin1String("timestamp")).toDouble());
            if (timestamp > 0)
                e.at = QDateTime::fromMSecsSinceEpoch(timestamp, Qt::UTC);
            e.result = historyResult(b);
            e.detail = b.value(QLatin1String("url")).toString();
            if (e.detail.isEmpty())
                e.detail = m_s.buildUrl(e.id.toInt(), QStringLiteral("/")).toString();
            out.history.append(e);
        }
        // What ran before each entry: the version of the next older successful build.
        for (qsizetype i = 0; i < out.history.size(); ++i)
            for (qsizetype j = i + 1; j < out.history.size(); ++j)
                if (out.history[j].result == QLatin1String("succeeded")) {
                    out.history[i].previousVersion = out.history[j].version;
                    break;
                }
        out.message
            = tr("%1 builds of '%2' for %3.").arg(out.history.size()).arg(m_s.job, m_request.target.environment);
        done(out);
    });
}

void JenkinsJob::abort()
{
    bool numbered = false;
    int number = m_request.historyId.toInt(&numbered);
    if (!numbered || number <= 0) {
        number = -1;
        // The reference a deploy reported: its build URL (…/job/x/14/).
        static const QRegularExpression build(QStringLiteral("/(\\d+)/?$"));
        const QString path = QUrl(m_request.reference).path();
        const auto m = build.match(path);
        if (m.hasMatch() && path.contains(m_s.jobPath()))
            number = m.captured(1).toInt();
    }
    if (number > 0) {
        abortBuild(number);
        return;
    }
    const qint64 queued = queueIdFrom(QUrl(m_request.reference).path());
    if (queued >= 0) {
        // Still in the queue, or started meanwhile.
        m_queueId = queued;
        send(getJson(m_s.queueUrl(queued, QStringLiteral("api/json"))), [this](const HttpResponse& r) {
            if (!r.ok()) {
                done(httpFailure(r, tr("read queue item %1").arg(m_queueId),
                    tr("Jenkins no longer knows queue item %1").arg(m_queueId)));
                return;
            }
            const auto o = jsonObject(r);
            const int started
                = o ? o->value(QLatin1String("executable")).toObject().value(QLatin1String("number")).toInt() : 0;
            if (started > 0) {
                abortBuild(started);
                return;
            }
            if (!o || o->value(QLatin1String("cancelled")).toBool()) {
                done(failure(tr("Queue item %1 was already cancelled; nothing to abort.").arg(m_queueId)));
                return;
            }
            DeployResult result;
            result.outcome = Outcome::Succeeded;
            result.changed = true;
            result.reference = m_s.queueUrl(m_queueId).toString();
            result.message = tr("Took queue item %1 out of the Jenkins queue.").arg(m_queueId);
            cancelQueueItem(result);
        });
        return;
    }
    // Nothing named: the job's last build, when it runs for this environment.
    send(getJson(m_s.jobUrl(QStringLiteral("/lastBuild/api/json"))), [this](const HttpResponse& r) {
        if (r.status == 404) {
            done(failure(tr("Job '%1' has no build to abort.").arg(m_s.job)));
            return;
        }
        if (!r.ok()) {
            done(httpFailure(r, tr("read the last build of job '%1'").arg(m_s.job)));
            return;
        }
        const auto o = jsonObject(r);
        const int number = o ? o->value(QLatin1String("number")).toInt() : 0;
        if (!o || number <= 0 || !isBuilding(*o)) {
            done(failure(tr("No build of job '%1' is running; nothing to abort.").arg(m_s.job)));
            return;
        }
        if (!forEnvironment(*o)) {
            done(failure(
                tr("The running build #%1 of job '%2' deploys to %3, not to %4; it was left alone.")
                    .arg(number)
                    .arg(m_s.job, buildParameters(*o).value(m_s.parameterEnvironment), m_request.target.environment)));
            return;
        }
        abortBuild(number);
    });
}

void JenkinsJob::abortBuild(int number)
{
    m_build = number;
    send(getJson(m_s.buildUrl(number, QStringLiteral("/api/json"))), [this](const HttpResponse& r) {
        if (!r.ok()) {
            done(httpFailure(r, tr("read build #%1").arg(m_build),
                tr("Jenkins has no build #%1 of job '%2'").arg(m_build).arg(m_s.job)));
            return;
        }
        const auto o = jsonObject(r);
        if (!o || !isBuilding(*o)) {
            done(failure(tr("Build #%1 of job '%2' is not running (%3); nothing to abort.")
                             .arg(m_build)
                             .arg(m_s.job, o ? o->value(QLatin1String("result")).toString() : tr("no answer"))));
            return;
        }
        withCrumb([this] {
            send(post(m_s.buildUrl(m_build, QStringLiteral("/stop"))), [this](const HttpResponse& r) {
                if (!r.ok()) {
                    done(httpFailure(r, tr("stop build #%1").arg(m_build)));
                    return;
                }
                m_changed = true;
                m_reference = m_s.buildUrl(m_build, QStringLiteral("/")).toString();
                Q_EMIT changed(m_reference);
                Q_EMIT log(tr("Asked Jenkins to stop build #%1.").arg(m_build));
                followStop(m_build);
            });
        });
    });
}

void JenkinsJob::followStop(int number)
{
    send(getJson(m_s.buildUrl(number, QStringLiteral("/api/json"))), [this, number](const HttpResponse& r) {
        if (!r.ok()) {
            done(httpFailure(r, tr("read build #%1 after stopping it").arg(number)));
            return;
        }
        const auto o = jsonObject(r);
        if (o && isBuilding(*o)) {
            if (pastDeadline()) {
                done(failure(tr("Build #%1 was still running %2 s after Jenkins was asked to stop it.")
                                 .arg(number)
                                 .arg(timeoutText()),
                    tr("Stop it in Jenkins: %1").arg(Net::redactedUrl(QUrl(m_reference)))));
                return;
            }
            later([this, number] { followStop(number); });
            return;
        }
        const QString result = o ? o->value(QLatin1String("result")).toString() : QString();
        DeployResult out;
        out.changed = true;
        out.reference = m_reference;
        out.state.revision = QString::number(number);
        out.state.status = result;
        out.state.url = m_reference;
        if (result == QLatin1String("ABORTED")) {
            out.outcome = Outcome::Succeeded;
            out.message = tr("Stopped Jenkins build #%1 of '%2' (ABORTED).").arg(number).arg(m_s.job);
        } else {
            out.outcome = Outcome::Failed;
            out.message = tr("Jenkins build #%1 of '%2' ended %3 before the stop took effect.")
                              .arg(number)
                              .arg(m_s.job, result.isEmpty() ? tr("without a result") : result);
        }
        done(out);
    });
}

} // namespace

JenkinsBackend::JenkinsBackend(const BackendContext& context, QObject* parent)
    : DeployBackend(context, parent)
{ }

JenkinsBackend::~JenkinsBackend() = default;

Capabilities JenkinsBackend::capabilities() const
{
    return Capability::Deploy | Capability::Rollback | Capability::Abort | Capability::Status | Capability::History
        | Capability::LiveProgress;
}

DeployJob* JenkinsBackend::start(const DeployRequest& request)
{
    if (!can(requiredCapability(request.action)))
        return unsupportedJob(request.action);
    if (!context().http)
        return failedJob(tr("The jenkins backend '%1' has no HTTP client.").arg(context().name));
    JenkinsSettings settings;
    const QString problem = readSettings(request.target, &settings);
    if (!problem.isEmpty())
        return failedJob(
            problem, tr("Fix the settings of the deploy backend '%1' in the workspace.").arg(context().name));
    if (request.action == Action::Deploy && request.version.trimmed().isEmpty())
        return failedJob(tr("No version to deploy."), tr("Choose the version to deploy."));
    auto* job = new JenkinsJob(this, std::move(settings), request);
    QMetaObject::invokeMethod(job, &JenkinsJob::begin, Qt::QueuedConnection);
    return job;
}

} // namespace Flightdeck::Deploy
