// SPDX-License-Identifier: Apache-2.0
#pragma once

// What the Kubernetes-API deploy backends (kubernetes, argo-rollouts) share: the connection to the API
// server (bearer token, the cluster's CA), requests, errors explained from the API server's Status
// object, label selectors, images and pod templates, and a job base class that sequences requests and
// polls with a deadline.
//
// Connection settings, read by both backends (DeployTarget::settings, defaults in brackets):
//   url                    the API server, e.g. https://127.0.0.1:6443 (required)
//   caCertificate          path of a PEM file with the cluster's CA. When set, the server's certificate
//                          must chain to it and only to it (as kubectl does with certificate-authority)
//                          [the system's CA store]
//   insecureSkipTlsVerify  "true" skips the certificate check; any other value keeps it ["false"]
//   namespace              ["default"]
//   requestTimeoutMs       time without progress before a request is abandoned [30000]
//   pollIntervalMs         between two status reads while an operation is followed [2000]; failed reads
//                          are retried (3 attempts in all) starting after a quarter of it (10 to 500 ms)
//   timeoutSeconds         how long an operation is followed before the job gives up [600]
// The token is DeployTarget::secret, sent as "Authorization: Bearer …" and never logged or shown.

#include "deploybackend.h"
#include "net/httptypes.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QPointer>
#include <QSslCertificate>
#include <QUrlQuery>

#include <functional>

class QTimer;

namespace Flightdeck::Net {
class HttpReply;
}

namespace Flightdeck::Deploy::Kube {

inline constexpr char StrategicMergePatch[] = "application/strategic-merge-patch+json";
inline constexpr char MergePatch[] = "application/merge-patch+json";
inline constexpr char JsonPatch[] = "application/json-patch+json";

struct Cluster
{
    QUrl url; // the API server, without a trailing slash
    QString ns;
    QString token;
    QList<QSslCertificate> caCertificates;
    bool insecureSkipTlsVerify = false;
    int requestTimeoutMs = 30000;
    int pollIntervalMs = 2000;
    int timeoutSeconds = 600;

    // Reads the connection settings. On a problem returns false with *message and *hint naming the
    // setting (no url, an unreadable CA file, a value that is not a number).
    static bool fromTarget(const DeployTarget& target, Cluster* cluster, QString* message, QString* hint);

    // A request to path (e.g. "/apis/apps/v1/namespaces/default/deployments/web") with the token, the
    // CA, the timeout and, for GET, retries.
    Net::HttpRequest request(const QByteArray& method, const QString& path, const QUrlQuery& query = {}) const;
    Net::HttpRequest get(const QString& path, const QUrlQuery& query = {}) const;
    Net::HttpRequest patch(const QString& path, const QByteArray& contentType, const QByteArray& body) const;
    Net::HttpRequest put(const QString& path, const QJsonObject& object) const;

    // "/apis/<groupVersion>/namespaces/<ns>/<resource>[/<name>[/<subresource>]]"
    QString path(const QString& groupVersion, const QString& resource, const QString& name = {},
        const QString& subresource = {}) const;
};

// A lowercase RFC 1123 subdomain, as Kubernetes requires of object names.
bool isValidName(const QString& name);

// The API server's explanation of a failed request: its Status object, when the body is one.
struct ApiStatus
{
    QString message;
    QString reason; // NotFound, Forbidden, Conflict, Invalid, TooManyRequests…
    QString kind; // details.kind, e.g. "deployments"
    QString name; // details.name: the object the request named
    QStringList causes; // details.causes[].message (field: message)
    int code = 0;

    bool isValid() const { return !message.isEmpty() || !reason.isEmpty(); }
    static ApiStatus fromBody(const QByteArray& body);
};

// What a request was about, for error messages.
struct Subject
{
    QString action; // "Reading Deployment \"web\" in namespace \"default\""
    QString nameSetting; // the setting that named the object, e.g. "deployment"
    QString nameValue;
    QString missingApiHint; // 404 without an object name: e.g. "Is Argo Rollouts installed?"
};

struct Failure
{
    QString message;
    QString hint;
};

// The failure for people: what was attempted, the HTTP status, the Status object's reason and
// message, and what to do (by status, naming the setting to check).
Failure describeFailure(const Net::HttpResponse& response, const Subject& subject, const Cluster& cluster);

// "k=v,k2 in (a,b),!k3", keys sorted, as metav1.LabelSelectorAsSelector prints it. Empty for none.
QString labelSelector(const QJsonObject& selector);
// Whether ownerReferences holds a controller reference to kind/name (and uid, when both have one).
bool isControlledBy(const QJsonObject& object, const QString& kind, const QString& name, const QString& uid);
// metadata.annotations[key] as an integer revision: 0 when absent, -1 when not a number.
qint64 revisionOf(const QJsonObject& object, const QString& annotation);
QString annotation(const QJsonObject& object, const QString& key);
QDateTime timestamp(const QJsonValue& value); // RFC 3339 → UTC; invalid when absent
// status.conditions[type=…]; empty when absent (also when conditions is not a list).
QJsonObject condition(const QJsonObject& object, const QString& type);

// "registry:5000/app:1.2@sha256:…" → tag "1.2"; no tag → the digest, else "latest".
QString imageTag(const QString& image);
// The image without tag and digest: "registry:5000/app".
QString imageRepository(const QString& image);

QString metadataName(const QJsonObject& object); // metadata.name
QJsonObject podTemplate(const QJsonObject& workload); // spec.template
// The image of the named container of a pod template (the first container when name is empty).
QString containerImage(const QJsonObject& podTemplate, const QString& container);

// The container of a pod template to deploy: `wanted` by name, else the only one. On a problem
// returns -1 with *problem and *hint (naming the setting "container").
qsizetype pickContainer(const QJsonObject& podTemplate, const QString& wanted, const QString& owner,
    QJsonObject* container, QString* problem, QString* hint);
QStringList containerNames(const QJsonObject& podTemplate);

// Pod templates compared as kubectl does for rollback, without the hash label: equal (Semantic
// DeepEqual, empty and absent alike), or `current` derives from `candidate` (DeepDerivative: every
// field set in current has the same value in candidate, which may hold more, e.g. defaults).
bool templatesEqual(QJsonObject a, QJsonObject b, const QString& ignoredLabel);
bool templateDerivesFrom(QJsonObject current, QJsonObject candidate, const QString& ignoredLabel);
QJsonObject withoutLabel(QJsonObject podTemplate, const QString& label);

// The ReplicaSet a rollback goes to, from `sets` sorted newest revision first: the revision named by
// historyId, else the newest one that is not current and runs `version` (in `container`), else the
// second newest, as kubectl picks it for --to-revision=0. Empty, with *failure, when there is none;
// `described` names the workload, `noHistory` is the message when nothing is older.
QJsonObject rollbackTarget(const QList<QJsonObject>& sets, const QString& revisionAnnotation, const QString& historyId,
    const QString& version, const QString& container, const QString& described,
    const std::function<bool(const QJsonObject&)>& isCurrent, const QString& noHistory, Failure* failure);

// Checks what a job on a workload needs before it starts: the setting `nameSetting` ("deployment",
// "rollout") names a Kubernetes object (`kind` in messages), and a deploy has an image tag. The
// name in *name; false with *failure otherwise.
bool checkWorkloadRequest(const DeployRequest& request, const QString& nameSetting, const QString& kind, QString* name,
    Failure* failure);

// The body of a JSON answer that must be an object.
bool jsonObject(const Net::HttpResponse& response, QJsonObject* object, QString* problem);

// A job that talks to the API server: requests in sequence, a poll timer, a deadline. cancel() stops
// waiting; a change the server already accepted stays (the result says so with changed = true).
class KubeJob : public DeployJob
{
    Q_OBJECT

public:
    ~KubeJob() override;
    void cancel() override;

protected:
    KubeJob(Net::HttpClient* http, Cluster cluster, QObject* parent);

    const Cluster& cluster() const { return m_cluster; }
    using JsonHandler = std::function<void(const QJsonObject& object)>;
    // Returns true when it handled the failure (e.g. a 404 that has a fallback, a 409 to retry).
    using ErrorHandler = std::function<bool(const Net::HttpResponse& response)>;
    // Sends; hands the JSON object of a 2xx answer to onOk, else finishes the job with the failure
    // described for subject (unless onError handles it). `mutation`: the request changes something,
    // so a cancel while it is in flight cannot say that nothing changed.
    void send(const Net::HttpRequest& request, const Subject& subject, JsonHandler onOk, ErrorHandler onError = {},
        bool mutation = false);

    // Finishes Failed with the last known state, changed and reference as far as they got.
    void fail(const QString& message, const QString& hint = {});
    void fail(const Failure& failure) { fail(failure.message, failure.hint); }
    // Finishes Succeeded; fills changed, reference and state (unless the result has a state).
    void succeed(DeployResult result);
    // The point of no return: the API server accepted a change.
    void markChanged(const QString& reference);
    bool hasChanged() const { return m_changed; }

    // Following: the deadline starts at the first call; later() runs next after pollIntervalMs.
    void startFollowing();
    bool pastDeadline() const;
    qint64 followedSeconds() const;
    void later(std::function<void()> next);
    // A log line, unless it repeats the previous one (polls that see no change say nothing).
    void logChange(const QString& line);

    // The ReplicaSets a workload (a Deployment or a Rollout, by its spec.selector and metadata.uid)
    // controls, newest revision first: its revision history. `described` names it for messages.
    void listReplicaSets(const QJsonObject& workload, const QString& kind, const QString& name,
        const QString& revisionAnnotation, const QString& described, std::function<void(const QList<QJsonObject>&)> next);

    DeploymentState m_state; // the last state read

private:
    Net::HttpClient* m_http;
    Cluster m_cluster;
    QPointer<Net::HttpReply> m_reply;
    QTimer* m_timer;
    QElapsedTimer m_followClock;
    QString m_reference;
    QString m_lastLog;
    bool m_changed = false;
    bool m_mutationInFlight = false;
    bool m_cancelled = false;
};

} // namespace Flightdeck::Deploy::Kube
