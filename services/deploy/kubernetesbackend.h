// SPDX-License-Identifier: Apache-2.0
#pragma once

// A plain Kubernetes Deployment, driven through the API server the way kubectl drives it:
//   deploy    kubectl set image: a strategic-merge PATCH of the container's image
//             ({"spec":{"template":{"spec":{"containers":[{"name":…,"image":…}]}}}}), then the rollout
//             followed as `kubectl rollout status` decides it (spec update observed, progress deadline,
//             updated, old and available replicas), one log line per change, until done, failed or
//             timeoutSeconds. A Deployment that already runs the image is not patched, only followed.
//             A paused Deployment is refused: the new image would wait for a resume.
//   rollback  kubectl rollout undo [--to-revision]: the ReplicaSets the Deployment controls (label
//             selector + controller reference) by their deployment.kubernetes.io/revision; the target
//             is request.historyId (a revision), else the newest earlier revision whose image tag is
//             request.version, else the previous revision. Refused when paused; skipped (nothing
//             changed) when the template already matches. Sent as kubectl sends it: a JSON patch
//             replacing /spec/template (without the pod-template-hash label) and /metadata/annotations
//             (the Deployment's own revision, revision-history, desired/max-replicas, last-applied and
//             rollback-to annotations, plus the ReplicaSet's others). Then followed like deploy.
//   pause, resume   kubectl rollout pause/resume: strategic-merge PATCH {"spec":{"paused":true|false}};
//             nothing is sent when it already is.
//   status    version = the container image's tag; health as Argo CD judges a Deployment: Suspended
//             when paused, Degraded after ProgressDeadlineExceeded, Progressing until rolled out,
//             else Healthy. status is Paused, Failed, Progressing or Complete; message is kubectl's
//             rollout status line.
//   history   one entry per revision (newest first): image tag, creation time, the ReplicaSet.
// There is no abort: a Deployment has none (pause stops a rollout where it is, rollback reverts it).
// cancel() stops following; a patch already accepted stays.
//
// Settings (and the connection settings of kubernetesclient.h: url, caCertificate,
// insecureSkipTlsVerify, namespace, requestTimeoutMs, pollIntervalMs, timeoutSeconds):
//   deployment  the Deployment's name (required)
//   container   the container whose image is the version [the only container; required when several]
//   image       the image repository, e.g. registry.example/checkout; deploy sets image + ":" + version
//               [the repository of the container's current image]

#include "deploybackend.h"

namespace Flightdeck::Deploy {

class KubernetesBackend final : public DeployBackend
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KubernetesBackend)

public:
    explicit KubernetesBackend(const BackendContext& context, QObject* parent = nullptr);
    ~KubernetesBackend() override;

    QString type() const override { return QStringLiteral("kubernetes"); }
    Capabilities capabilities() const override;
    DeployJob* start(const DeployRequest& request) override;
};

} // namespace Flightdeck::Deploy
