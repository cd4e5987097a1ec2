// SPDX-License-Identifier: Apache-2.0
#include "kubernetesclient.h"

#include "net/httpclient.h"
#include "net/redact.h"

#include <QFile>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTimer>
#include <QUrlQuery>

#include <algorithm>

namespace Flightdeck::Deploy::Kube {

namespace {

bool positiveSetting(const DeployTarget& target, const QString& key, int* value, QString* message, QString* hint)
{
    const QString text = target.setting(key).trimmed();
    if (text.isEmpty())
        return true;
    bool ok = false;
    const int parsed = text.toInt(&ok);
    if (!ok || parsed <= 0) {
        *message = QObject::tr("The setting '%1' is \"%2\", not a positive whole number.").arg(key, text);
        *hint = QObject::tr("Set '%1' to a number such as %2, or remove it to use the default.").arg(key).arg(*value);
        return false;
    }
    *value = parsed;
    return true;
}

QString joinedCauses(const QStringList& causes, const QString& message)
{
    QStringList fresh;
    for (const QString& cause : causes)
        if (!message.contains(cause))
            fresh << cause;
    return fresh.join(QStringLiteral("; "));
}

QJsonValue withoutEmpty(const QJsonValue& value)
{
    if (value.isObject()) {
        QJsonObject out;
        const QJsonObject in = value.toObject();
        for (auto it = in.begin(); it != in.end(); ++it) {
            const QJsonValue v = withoutEmpty(it.value());
            if (!v.isUndefined())
                out.insert(it.key(), v);
        }
        return out.isEmpty() ? QJsonValue(QJsonValue::Undefined) : QJsonValue(out);
    }
    if (value.isArray()) {
        QJsonArray out;
        for (const QJsonValue& item : value.toArray()) {
            const QJsonValue v = withoutEmpty(item);
            out.append(v.isUndefined() ? QJsonValue(QJsonObject()) : v);
        }
        return out.isEmpty() ? QJsonValue(QJsonValue::Undefined) : QJsonValue(out);
    }
    if (value.isNull() || (value.isString() && value.toString().isEmpty()))
        return QJsonValue(QJsonValue::Undefined);
    return value;
}

// DeepDerivative over JSON: unset (null, empty) values in a match anything; objects and arrays match
// when each of a's members does; scalars must be equal (a zero scalar matches an absent one).
bool derives(const QJsonValue& a, const QJsonValue& b)
{
    if (a.isUndefined() || a.isNull())
        return true;
    if (a.isObject()) {
        const QJsonObject o = a.toObject();
        if (o.isEmpty())
            return true;
        if (!b.isObject())
            return false;
        const QJsonObject p = b.toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            if (!derives(it.value(), p.value(it.key())))
                return false;
        return true;
    }
    if (a.isArray()) {
        const QJsonArray x = a.toArray();
        if (x.isEmpty())
            return true;
        if (!b.isArray() || b.toArray().size() < x.size())
            return false;
        const QJsonArray y = b.toArray();
        for (qsizetype i = 0; i < x.size(); ++i)
            if (!derives(x.at(i), y.at(i)))
                return false;
        return true;
    }
    if (a.isString())
        return a.toString().isEmpty() || (b.isString() && b.toString() == a.toString());
    if (b.isUndefined() || b.isNull())
        return a.isBool() ? !a.toBool() : a.toDouble() == 0;
    return a == b;
}

} // namespace

bool Cluster::fromTarget(const DeployTarget& target, Cluster* cluster, QString* message, QString* hint)
{
    Cluster c;
    const QString url = target.setting(QStringLiteral("url")).trimmed();
    if (url.isEmpty()) {
        *message = QObject::tr("The setting 'url' is empty.");
        *hint = QObject::tr("Set 'url' to the Kubernetes API server, e.g. https://127.0.0.1:6443 (the server: of your "
                            "kubeconfig's cluster).");
        return false;
    }
    c.url = QUrl(url, QUrl::StrictMode);
    if (!c.url.isValid() || c.url.host().isEmpty()
        || (c.url.scheme() != QLatin1String("https") && c.url.scheme() != QLatin1String("http"))) {
        *message = QObject::tr("The setting 'url' (\"%1\") is not an http(s) URL.").arg(Net::redactedUrl(c.url));
        *hint = QObject::tr("Set 'url' to the Kubernetes API server, e.g. https://127.0.0.1:6443.");
        return false;
    }
    QString path = c.url.path();
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    c.url.setPath(path);
    c.url.setQuery(QString());
    c.url.setFragment(QString());

    c.ns = target.setting(QStringLiteral("namespace")).trimmed();
    if (c.ns.isEmpty())
        c.ns = QStringLiteral("default");
    if (!isValidName(c.ns) || c.ns.contains(QLatin1Char('.'))) {
        *message = QObject::tr("The setting 'namespace' (\"%1\") is not a Kubernetes namespace name.").arg(c.ns);
        *hint = QObject::tr("Use lowercase letters, digits and '-' only, e.g. \"payments-staging\".");
        return false;
    }
    c.token = target.secret;

    const QString caPath = target.setting(QStringLiteral("caCertificate")).trimmed();
    if (!caPath.isEmpty()) {
        QFile file(caPath);
        if (!file.open(QIODevice::ReadOnly)) {
            *message = QObject::tr("The setting 'caCertificate' names %1, which cannot be read: %2.")
                           .arg(caPath, file.errorString());
            *hint = QObject::tr("Point 'caCertificate' at the cluster's CA certificate (a PEM file; in a kubeconfig, "
                                "the cluster's certificate-authority).");
            return false;
        }
        c.caCertificates = QSslCertificate::fromData(file.readAll(), QSsl::Pem);
        if (c.caCertificates.isEmpty()) {
            *message = QObject::tr("The setting 'caCertificate' names %1, which holds no PEM certificate.").arg(caPath);
            *hint = QObject::tr("The file must contain \"-----BEGIN CERTIFICATE-----\" blocks. A kubeconfig's "
                                "certificate-authority-data is the same, base64-encoded: decode it into a file.");
            return false;
        }
    }
    c.insecureSkipTlsVerify = target.setting(QStringLiteral("insecureSkipTlsVerify"))
                                  .trimmed()
                                  .compare(QLatin1String("true"), Qt::CaseInsensitive)
        == 0;

    if (!positiveSetting(target, QStringLiteral("requestTimeoutMs"), &c.requestTimeoutMs, message, hint)
        || !positiveSetting(target, QStringLiteral("pollIntervalMs"), &c.pollIntervalMs, message, hint)
        || !positiveSetting(target, QStringLiteral("timeoutSeconds"), &c.timeoutSeconds, message, hint))
        return false;
    *cluster = c;
    return true;
}

Net::HttpRequest Cluster::request(const QByteArray& method, const QString& resourcePath, const QUrlQuery& query) const
{
    Net::HttpRequest r;
    r.method = method;
    QUrl u = url;
    u.setPath(url.path() + resourcePath);
    if (!query.isEmpty())
        u.setQuery(query);
    r.url = u;
    r.timeoutMs = requestTimeoutMs;
    r.credential = Net::Credential::bearer(token);
    r.caCertificates = caCertificates;
    r.insecureSkipTlsVerify = insecureSkipTlsVerify;
    r.setHeader("Accept", "application/json");
    // Reads are safe to repeat; a change is sent once and its failure reported as it is.
    if (method == "GET")
        r.retry = Net::RetryPolicy { 3, std::clamp(pollIntervalMs / 4, 10, 500), 8000, 30000 };
    else
        r.retry = Net::RetryPolicy::none();
    return r;
}

Net::HttpRequest Cluster::get(const QString& resourcePath, const QUrlQuery& query) const
{
    return request("GET", resourcePath, query);
}

Net::HttpRequest Cluster::patch(
    const QString& resourcePath, const QByteArray& contentType, const QByteArray& body) const
{
    Net::HttpRequest r = request("PATCH", resourcePath);
    r.body = body;
    r.setHeader("Content-Type", contentType);
    return r;
}

Net::HttpRequest Cluster::put(const QString& resourcePath, const QJsonObject& object) const
{
    Net::HttpRequest r = request("PUT", resourcePath);
    r.body = QJsonDocument(object).toJson(QJsonDocument::Compact);
    r.setHeader("Content-Type", "application/json");
    return r;
}

QString Cluster::path(
    const QString& groupVersion, const QString& resource, const QString& name, const QString& subresource) const
{
    QString p = (groupVersion == QLatin1String("v1") ? QStringLiteral("/api/") : QStringLiteral("/apis/"))
        + groupVersion + QStringLiteral("/namespaces/") + ns + QLatin1Char('/') + resource;
    if (!name.isEmpty())
        p += QLatin1Char('/') + name;
    if (!subresource.isEmpty())
        p += QLatin1Char('/') + subresource;
    return p;
}

bool isValidName(const QString& name)
{
    static const QRegularExpression subdomain(
        QStringLiteral("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"));
    return !name.isEmpty() && name.size() <= 253 && subdomain.match(name).hasMatch();
}

ApiStatus ApiStatus::fromBody(const QByteArray& body)
{
    ApiStatus s;
    const QJsonObject o = QJsonDocument::fromJson(body).object();
    if (o.value(QLatin1String("kind")).toString() != QLatin1String("Status")
        && o.value(QLatin1String("status")).toString() != QLatin1String("Failure"))
        return s;
    s.message = o.value(QLatin1String("message")).toString().simplified();
    s.reason = o.value(QLatin1String("reason")).toString();
    s.code = o.value(QLatin1String("code")).toInt();
    const QJsonObject details = o.value(QLatin1String("details")).toObject();
    s.kind = details.value(QLatin1String("kind")).toString();
    s.name = details.value(QLatin1String("name")).toString();
    for (const QJsonValue& cause : details.value(QLatin1String("causes")).toArray()) {
        const QJsonObject c = cause.toObject();
        const QString field = c.value(QLatin1String("field")).toString();
        const QString text = c.value(QLatin1String("message")).toString();
        if (!text.isEmpty())
            s.causes << (field.isEmpty() ? text : QStringLiteral("%1: %2").arg(field, text));
    }
    return s;
}

Failure describeFailure(const Net::HttpResponse& response, const Subject& subject, const Cluster& cluster)
{
    const Net::HttpError& e = response.error;
    const QString server = Net::redactedUrl(cluster.url);
    Failure f;
    const int status = e.status ? e.status : response.status;
    if (status >= 400) {
        const ApiStatus api = ApiStatus::fromBody(e.body.isEmpty() ? response.body : e.body);
        const QString reason = api.reason.isEmpty() ? QString::fromLatin1(response.reason) : api.reason;
        const QString detail = api.message.isEmpty() ? e.serverMessage : api.message;
        f.message = QObject::tr("%1 failed: HTTP %2").arg(subject.action).arg(status);
        if (!reason.isEmpty())
            f.message += QLatin1Char(' ') + reason;
        if (!detail.isEmpty())
            f.message += QStringLiteral(": ") + detail;
        const QString causes = joinedCauses(api.causes, detail);
        if (!causes.isEmpty())
            f.message += QStringLiteral(" (%1)").arg(causes);
        if (status == 401) {
            f.hint = QObject::tr("The API server at %1 did not accept the token (wrong, expired, revoked, or for "
                                 "another cluster): check the token in Settings → Credentials.")
                         .arg(server);
        } else if (status == 403) {
            f.hint = QObject::tr("The token was accepted but may not do this: grant its user or service account the "
                                 "RBAC permission the message names (verb, resource, namespace \"%1\").")
                         .arg(cluster.ns);
        } else if (status == 404) {
            if (!api.name.isEmpty() && !subject.nameSetting.isEmpty())
                f.hint = QObject::tr("Check the setting '%1' (now \"%2\") and 'namespace' (now \"%3\"): there is no "
                                     "such object there, or the token may not see it.")
                             .arg(subject.nameSetting, subject.nameValue, cluster.ns);
            else
                f.hint
                    = QObject::tr("The API server at %1 does not serve %2: check the setting 'url'.%3")
                          .arg(server,
                              response.url.path().isEmpty() ? QStringLiteral("this path") : response.url.path(),
                              subject.missingApiHint.isEmpty() ? QString() : QLatin1Char(' ') + subject.missingApiHint);
        } else if (status == 409) {
            f.hint = QObject::tr("Someone changed the object at the same time. Nothing was changed by this request: "
                                 "look at the current state and try again.");
        } else if (status == 422 || status == 400) {
            f.hint = QObject::tr("The API server rejected the change as invalid: fix what its message names (e.g. the "
                                 "settings 'image' or 'container') and try again. Nothing was changed.");
        } else if (status == 429) {
            const auto wait = Net::parseRetryAfterMs(response.header("Retry-After"));
            f.hint = wait
                ? QObject::tr("The API server is throttling requests and asks to wait %1 s (Retry-After); try "
                              "again after that.")
                      .arg((*wait + 999) / 1000)
                : QObject::tr("The API server is throttling requests; wait a moment and try again.");
        } else if (status >= 500) {
            f.hint = QObject::tr("The API server failed or is overloaded; try again later. If it persists, check the "
                                 "cluster's control plane.");
        } else {
            f.hint = QObject::tr("The API server's message says what it did not accept.");
        }
        return f;
    }

    f.message = QObject::tr("%1 failed: %2").arg(subject.action, e.message);
    switch (e.kind) {
    case Net::HttpErrorKind::Timeout:
        f.hint = QObject::tr("No answer from the API server at %1 within %2 ms (setting 'requestTimeoutMs'). Check "
                             "that it is reachable and try again later, or raise 'requestTimeoutMs'.")
                     .arg(server)
                     .arg(cluster.requestTimeoutMs);
        break;
    case Net::HttpErrorKind::ConnectionClosed:
        f.hint = QObject::tr("The connection to the API server dropped before it answered; try again later. If it "
                             "persists, check the API server and any proxy in between.");
        break;
    case Net::HttpErrorKind::ConnectionRefused:
    case Net::HttpErrorKind::HostNotFound:
        f.hint = QObject::tr("Check the setting 'url' (now %1) and that the cluster is running and reachable.")
                     .arg(server);
        break;
    case Net::HttpErrorKind::Tls:
        f.hint = QObject::tr("The API server's certificate was not accepted. Set 'caCertificate' to the cluster's CA "
                             "(a PEM file; the certificate-authority of your kubeconfig), and check that 'url' uses a "
                             "host name the certificate was issued for.");
        break;
    case Net::HttpErrorKind::InvalidResponse:
        f.hint = QObject::tr("Check that 'url' points at the Kubernetes API server itself, not at a dashboard or a "
                             "proxy's login page.");
        break;
    default:
        f.hint = e.hint.isEmpty() ? QObject::tr("Try again later.") : e.hint;
        break;
    }
    return f;
}

QString labelSelector(const QJsonObject& selector)
{
    QList<QPair<QString, QString>> requirements;
    const QJsonObject labels = selector.value(QLatin1String("matchLabels")).toObject();
    for (auto it = labels.begin(); it != labels.end(); ++it)
        requirements.append({ it.key(), it.key() + QLatin1Char('=') + it.value().toString() });
    for (const QJsonValue& item : selector.value(QLatin1String("matchExpressions")).toArray()) {
        const QJsonObject e = item.toObject();
        const QString key = e.value(QLatin1String("key")).toString();
        const QString op = e.value(QLatin1String("operator")).toString();
        QStringList values;
        for (const QJsonValue& v : e.value(QLatin1String("values")).toArray())
            values << v.toString();
        values.sort();
        const QString list = QStringLiteral(" (%1)").arg(values.join(QLatin1Char(',')));
        if (op == QLatin1String("In"))
            requirements.append({ key, key + QStringLiteral(" in") + list });
        else if (op == QLatin1String("NotIn"))
            requirements.append({ key, key + QStringLiteral(" notin") + list });
        else if (op == QLatin1String("Exists"))
            requirements.append({ key, key });
        else if (op == QLatin1String("DoesNotExist"))
            requirements.append({ key, QLatin1Char('!') + key });
    }
    std::stable_sort(
        requirements.begin(), requirements.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    QStringList parts;
    for (const auto& r : std::as_const(requirements))
        parts << r.second;
    return parts.join(QLatin1Char(','));
}

bool isControlledBy(const QJsonObject& object, const QString& kind, const QString& name, const QString& uid)
{
    const QJsonArray owners
        = object.value(QLatin1String("metadata")).toObject().value(QLatin1String("ownerReferences")).toArray();
    for (const QJsonValue& value : owners) {
        const QJsonObject owner = value.toObject();
        if (!owner.value(QLatin1String("controller")).toBool())
            continue;
        const QString ownerUid = owner.value(QLatin1String("uid")).toString();
        if (!uid.isEmpty() && !ownerUid.isEmpty())
            return ownerUid == uid;
        return owner.value(QLatin1String("kind")).toString() == kind
            && owner.value(QLatin1String("name")).toString() == name;
    }
    return false;
}

QString annotation(const QJsonObject& object, const QString& key)
{
    return object.value(QLatin1String("metadata"))
        .toObject()
        .value(QLatin1String("annotations"))
        .toObject()
        .value(key)
        .toString();
}

qint64 revisionOf(const QJsonObject& object, const QString& key)
{
    const QJsonValue v
        = object.value(QLatin1String("metadata")).toObject().value(QLatin1String("annotations")).toObject().value(key);
    if (v.isUndefined() || v.isNull())
        return 0;
    bool ok = false;
    const qint64 n = v.toString().toLongLong(&ok);
    return ok ? n : -1;
}

QDateTime timestamp(const QJsonValue& value)
{
    QDateTime t = QDateTime::fromString(value.toString(), Qt::ISODate);
    return t.isValid() ? t.toUTC() : QDateTime();
}

QJsonObject condition(const QJsonObject& object, const QString& type)
{
    const QJsonValue conditions = object.value(QLatin1String("status")).toObject().value(QLatin1String("conditions"));
    for (const QJsonValue& c : conditions.toArray())
        if (c.toObject().value(QLatin1String("type")).toString() == type)
            return c.toObject();
    return {};
}

QString imageTag(const QString& image)
{
    if (image.isEmpty())
        return {};
    QString ref = image;
    QString digest;
    const qsizetype at = ref.indexOf(QLatin1Char('@'));
    if (at >= 0) {
        digest = ref.mid(at + 1);
        ref.truncate(at);
    }
    const qsizetype slash = ref.lastIndexOf(QLatin1Char('/'));
    const qsizetype colon = ref.lastIndexOf(QLatin1Char(':'));
    if (colon > slash)
        return ref.mid(colon + 1);
    return digest.isEmpty() ? QStringLiteral("latest") : digest;
}

QString imageRepository(const QString& image)
{
    QString ref = image;
    const qsizetype at = ref.indexOf(QLatin1Char('@'));
    if (at >= 0)
        ref.truncate(at);
    const qsizetype slash = ref.lastIndexOf(QLatin1Char('/'));
    const qsizetype colon = ref.lastIndexOf(QLatin1Char(':'));
    if (colon > slash)
        ref.truncate(colon);
    return ref;
}

QString metadataName(const QJsonObject& object)
{
    return object.value(QLatin1String("metadata")).toObject().value(QLatin1String("name")).toString();
}

QJsonObject podTemplate(const QJsonObject& workload)
{
    return workload.value(QLatin1String("spec")).toObject().value(QLatin1String("template")).toObject();
}

QString containerImage(const QJsonObject& podTemplate, const QString& container)
{
    const QJsonArray containers
        = podTemplate.value(QLatin1String("spec")).toObject().value(QLatin1String("containers")).toArray();
    for (const QJsonValue& c : containers)
        if (container.isEmpty() || c.toObject().value(QLatin1String("name")).toString() == container)
            return c.toObject().value(QLatin1String("image")).toString();
    return {};
}

QStringList containerNames(const QJsonObject& podTemplate)
{
    QStringList names;
    const QJsonArray containers
        = podTemplate.value(QLatin1String("spec")).toObject().value(QLatin1String("containers")).toArray();
    for (const QJsonValue& c : containers)
        names << c.toObject().value(QLatin1String("name")).toString();
    return names;
}

qsizetype pickContainer(const QJsonObject& podTemplate, const QString& wanted, const QString& owner,
    QJsonObject* container, QString* problem, QString* hint)
{
    const QJsonArray containers
        = podTemplate.value(QLatin1String("spec")).toObject().value(QLatin1String("containers")).toArray();
    const QStringList names = containerNames(podTemplate);
    if (!wanted.isEmpty()) {
        const qsizetype i = names.indexOf(wanted);
        if (i >= 0) {
            *container = containers.at(i).toObject();
            return i;
        }
        *problem = QObject::tr("%1 has no container named \"%2\" (it has: %3).")
                       .arg(owner, wanted, names.isEmpty() ? QObject::tr("none") : names.join(QStringLiteral(", ")));
        *hint = QObject::tr("Set 'container' to one of the container names.");
        return -1;
    }
    if (containers.size() == 1) {
        *container = containers.at(0).toObject();
        return 0;
    }
    if (containers.isEmpty()) {
        *problem = QObject::tr("%1 has no containers in its pod template.").arg(owner);
        *hint = QObject::tr("Check the settings that name it; its pod template may be defined elsewhere.");
        return -1;
    }
    *problem = QObject::tr("%1 has %2 containers (%3); which one runs the version is not clear.")
                   .arg(owner)
                   .arg(containers.size())
                   .arg(names.join(QStringLiteral(", ")));
    *hint = QObject::tr("Set 'container' to the container whose image is the version.");
    return -1;
}

QJsonObject withoutLabel(QJsonObject podTemplate, const QString& label)
{
    QJsonObject metadata = podTemplate.value(QLatin1String("metadata")).toObject();
    QJsonObject labels = metadata.value(QLatin1String("labels")).toObject();
    if (!labels.contains(label))
        return podTemplate;
    labels.remove(label);
    if (labels.isEmpty())
        metadata.remove(QLatin1String("labels"));
    else
        metadata.insert(QLatin1String("labels"), labels);
    podTemplate.insert(QLatin1String("metadata"), metadata);
    return podTemplate;
}

bool templatesEqual(QJsonObject a, QJsonObject b, const QString& ignoredLabel)
{
    return withoutEmpty(withoutLabel(std::move(a), ignoredLabel))
        == withoutEmpty(withoutLabel(std::move(b), ignoredLabel));
}

bool templateDerivesFrom(QJsonObject current, QJsonObject candidate, const QString& ignoredLabel)
{
    if (current.isEmpty())
        return false;
    return derives(withoutLabel(std::move(current), ignoredLabel), withoutLabel(std::move(candidate), ignoredLabel));
}

bool jsonObject(const Net::HttpResponse& response, QJsonObject* object, QString* problem)
{
    Net::HttpError error;
    const QJsonDocument doc = response.json(&error);
    if (error.isError()) {
        *problem = error.message;
        return false;
    }
    if (!doc.isObject()) {
        *problem = QObject::tr("%1 answered with JSON that is not an object").arg(Net::redactedUrl(response.url));
        return false;
    }
    *object = doc.object();
    return true;
}

KubeJob::KubeJob(Net::HttpClient* http, Cluster cluster, QObject* parent)
    : DeployJob(parent)
    , m_http(http)
    , m_cluster(std::move(cluster))
    , m_timer(new QTimer(this))
{
    m_timer->setSingleShot(true);
}

KubeJob::~KubeJob()
{
    if (m_reply) {
        disconnect(m_reply, nullptr, this, nullptr);
        m_reply->cancel();
    }
}

void KubeJob::send(
    const Net::HttpRequest& request, const Subject& subject, JsonHandler onOk, ErrorHandler onError, bool mutation)
{
    m_mutationInFlight = mutation;
    m_reply = m_http->send(request, this,
        [this, subject, mutation, onOk = std::move(onOk), onError = std::move(onError)](
            const Net::HttpResponse& response) {
            m_reply.clear();
            m_mutationInFlight = false;
            if (isFinished() || m_cancelled)
                return;
            if (!response.ok()) {
                if (onError && onError(response))
                    return;
                Failure failure = describeFailure(response, subject, m_cluster);
                if (mutation && response.error.status == 0
                    && response.error.kind != Net::HttpErrorKind::ConnectionRefused
                    && response.error.kind != Net::HttpErrorKind::HostNotFound
                    && response.error.kind != Net::HttpErrorKind::Tls)
                    failure.hint += QLatin1Char(' ')
                        + tr("The change was sent before the connection failed, so the API server may have applied "
                             "it: look at the status before trying again.");
                fail(failure);
                return;
            }
            QJsonObject object;
            QString problem;
            if (!jsonObject(response, &object, &problem)) {
                fail(tr("%1 failed: %2").arg(subject.action, problem),
                    tr("Check that 'url' points at the Kubernetes API server itself."));
                return;
            }
            onOk(object);
        });
}

void KubeJob::fail(const QString& message, const QString& hint)
{
    DeployResult result = DeployResult::failure(message, hint);
    result.changed = m_changed;
    result.reference = m_reference;
    result.state = m_state;
    result.version = m_state.version;
    finish(std::move(result));
}

void KubeJob::succeed(DeployResult result)
{
    result.outcome = Outcome::Succeeded;
    result.changed = m_changed;
    if (result.reference.isEmpty())
        result.reference = m_reference;
    result.state = m_state;
    if (result.version.isEmpty())
        result.version = m_state.version;
    finish(std::move(result));
}

void KubeJob::markChanged(const QString& reference)
{
    m_changed = true;
    m_reference = reference;
    Q_EMIT changed(reference);
}

void KubeJob::startFollowing()
{
    if (!m_followClock.isValid())
        m_followClock.start();
}

bool KubeJob::pastDeadline() const
{
    return m_followClock.isValid() && m_followClock.elapsed() >= qint64(m_cluster.timeoutSeconds) * 1000;
}

qint64 KubeJob::followedSeconds() const
{
    return m_followClock.isValid() ? m_followClock.elapsed() / 1000 : 0;
}

void KubeJob::later(std::function<void()> next)
{
    disconnect(m_timer, &QTimer::timeout, this, nullptr);
    connect(m_timer, &QTimer::timeout, this, [this, next = std::move(next)] {
        if (!isFinished() && !m_cancelled)
            next();
    });
    m_timer->start(m_cluster.pollIntervalMs);
}

void KubeJob::logChange(const QString& line)
{
    if (line.isEmpty() || line == m_lastLog)
        return;
    m_lastLog = line;
    Q_EMIT log(line);
}

void KubeJob::cancel()
{
    if (isFinished() || m_cancelled)
        return;
    m_cancelled = true;
    m_timer->stop();
    if (m_reply) {
        Net::HttpReply* reply = m_reply;
        m_reply.clear();
        disconnect(reply, nullptr, this, nullptr);
        reply->cancel();
    }
    DeployResult result;
    result.outcome = Outcome::Cancelled;
    result.state = m_state;
    result.version = m_state.version;
    if (m_changed) {
        result.changed = true;
        result.reference = m_reference;
        result.message
            = tr("Stopped following. The change (%1) was applied and goes on in the cluster.").arg(m_reference);
    } else if (m_mutationInFlight) {
        result.changed = true;
        result.message = tr("Cancelled while the change was being sent: the API server may have applied it. Look at "
                            "the status before trying again.");
    } else {
        result.message = tr("Cancelled before anything changed.");
    }
    finishLater(std::move(result));
}

void KubeJob::listReplicaSets(const QJsonObject& workload, const QString& kind, const QString& name,
    const QString& revisionAnnotation, const QString& described, std::function<void(const QList<QJsonObject>&)> next)
{
    QUrlQuery query;
    const QString selector = labelSelector(workload.value(QLatin1String("spec")).toObject().value(QLatin1String("selector")).toObject());
    if (!selector.isEmpty())
        query.addQueryItem(QStringLiteral("labelSelector"), selector);
    const QString uid = workload.value(QLatin1String("metadata")).toObject().value(QLatin1String("uid")).toString();
    send(cluster().get(cluster().path(QStringLiteral("apps/v1"), QStringLiteral("replicasets")), query),
        Subject { tr("Listing the ReplicaSets of %1").arg(described), {}, {}, {} },
        [kind, name, uid, revisionAnnotation, next = std::move(next)](const QJsonObject& list) {
            QList<QJsonObject> owned;
            for (const QJsonValue& item : list.value(QLatin1String("items")).toArray())
                if (isControlledBy(item.toObject(), kind, name, uid))
                    owned << item.toObject();
            std::stable_sort(owned.begin(), owned.end(), [&revisionAnnotation](const QJsonObject& a, const QJsonObject& b) {
                return revisionOf(a, revisionAnnotation) > revisionOf(b, revisionAnnotation);
            });
            next(owned);
        });
}

bool checkWorkloadRequest(const DeployRequest& request, const QString& nameSetting, const QString& kind, QString* name,
    Failure* failure)
{
    *name = request.target.setting(nameSetting).trimmed();
    if (name->isEmpty()) {
        *failure = { QStringLiteral("The setting '%1' is empty for %2 in %3.").arg(nameSetting, request.target.service, request.target.environment),
            QStringLiteral("Set '%1' to the name of the %2 that runs the service.").arg(nameSetting, kind) };
        return false;
    }
    if (!isValidName(*name)) {
        *failure = { QStringLiteral("The setting '%1' (\"%2\") is not a Kubernetes object name.").arg(nameSetting, *name),
            QStringLiteral("Names are lowercase letters, digits, '-' and '.', e.g. \"checkout\".") };
        return false;
    }
    if (request.action == Action::Deploy) {
        if (request.version.trimmed().isEmpty()) {
            *failure = { QStringLiteral("No version to deploy."), QStringLiteral("Choose the version (the image tag) to deploy.") };
            return false;
        }
        if (request.version.contains(QLatin1Char(' ')) || request.version.contains(QLatin1Char('/'))) {
            *failure = { QStringLiteral("\"%1\" is not an image tag.").arg(request.version),
                QStringLiteral("A tag is letters, digits, '_', '.' and '-', e.g. 1.4.2.") };
            return false;
        }
    }
    return true;
}

QJsonObject rollbackTarget(const QList<QJsonObject>& sets, const QString& revisionAnnotation, const QString& historyId,
    const QString& version, const QString& container, const QString& described,
    const std::function<bool(const QJsonObject&)>& isCurrent, const QString& noHistory, Failure* failure)
{
    qint64 toRevision = 0;
    if (!historyId.isEmpty()) {
        bool ok = false;
        toRevision = historyId.toLongLong(&ok);
        if (!ok || toRevision < 0) {
            *failure = { QStringLiteral("\"%1\" is not a revision number of %2.").arg(historyId, described),
                QStringLiteral("Choose an entry of the history: its id is the revision.") };
            return {};
        }
    }
    if (toRevision > 0) {
        for (const QJsonObject& rs : sets)
            if (revisionOf(rs, revisionAnnotation) == toRevision)
                return rs;
        *failure = { QStringLiteral("unable to find specified revision %1 in history of %2").arg(toRevision).arg(described),
            QStringLiteral("Old ReplicaSets are deleted beyond spec.revisionHistoryLimit; choose a revision the history lists.") };
        return {};
    }
    if (!version.isEmpty()) {
        QStringList seen;
        for (const QJsonObject& rs : sets) {
            const QString v = imageTag(containerImage(podTemplate(rs), container));
            seen << QStringLiteral("%1 (revision %2)").arg(v).arg(revisionOf(rs, revisionAnnotation));
            if (!isCurrent(rs) && v == version)
                return rs;
        }
        *failure = { QStringLiteral("No earlier revision of %1 runs version %2.").arg(described, version),
            seen.isEmpty() ? QStringLiteral("It has no rollout history.")
                           : QStringLiteral("Its history has: %1.").arg(seen.join(QStringLiteral(", "))) };
        return {};
    }
    if (sets.size() >= 2 && revisionOf(sets.at(1), revisionAnnotation) >= 0)
        return sets.at(1);
    *failure = { noHistory, QStringLiteral("There is no earlier revision to go back to; deploy the version you want instead.") };
    return {};
}

} // namespace Flightdeck::Deploy::Kube
