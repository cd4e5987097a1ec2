// SPDX-License-Identifier: Apache-2.0
#pragma once

// An Argo Rollouts Rollout (argoproj.io/v1alpha1), driven through the Kubernetes API with the requests
// the `kubectl argo rollouts` plugin sends (all merge patches unless said otherwise; "/status" is the
// status subresource, tried first and, when the API server answers 404, replaced by the plugin's
// fallback on the main resource):
//   deploy       set image: GET the Rollout (or its spec.workloadRef Deployment), set the container's
//                image to image + ":" + version in containers, initContainers and ephemeralContainers of
//                that name, and PUT the object back; a 409 Conflict re-reads and tries again, 5 attempts
//                in all. Not sent when the container already runs the image.
//   rollback     undo [--to-revision]: the ReplicaSets the Rollout controls by their
//                rollout.argoproj.io/revision; the target is request.historyId (a revision), else the
//                newest earlier revision whose image tag is request.version, else the previous revision.
//                JSON patch [{"op":"replace","path":"/spec/template","value":<its pod template without the
//                rollouts-pod-template-hash label>}] to the Rollout, or to its workloadRef Deployment,
//                ReplicaSet or PodTemplate. Skipped (nothing changed) when the template already matches.
//   promote      {"spec":{"paused":false}} when spec.paused; on /status {"status":{"pauseConditions":null}}
//                when paused by conditions; {"status":{"pauseConditions":null, "controllerPause":false,
//                "currentStepIndex":N+1}} when a step's analysis was Inconclusive; a canary without pause
//                conditions {"status":{"pauseConditions":null, "currentStepIndex":N+1}}. Fallback without
//                /status: {"spec":{"paused":false},"status":{"pauseConditions":null[, "currentStepIndex":N+1]}}.
//   promote-full {"spec":{"paused":false}} when paused; on /status {"status":{"promoteFull":true}} unless
//                the stable ReplicaSet already is the current one; fallback
//                {"spec":{"paused":false},"status":{"promoteFull":true}}.
//   abort        /status {"status":{"abort":true}}        retry   /status {"status":{"abort":false}}
//   pause        {"spec":{"paused":true}}                   resume  {"spec":{"paused":false}} (a pause
//                step or a blue-green pause is continued with promote, as the plugin does)
//   status       phase and message as the plugin computes them (status.phase when the controller set
//                it, else the client-side rules), step index / number of canary steps, canary weight
//                (status.canary.weights, else the setWeight in force at the current step; 0 when
//                aborted), pause reasons, and the analysis runs of the current pod hash that the Rollout
//                owns ("name: phase", from GET …/analysisruns?labelSelector=rollouts-pod-template-hash=…,
//                plus the runs the Rollout's status names). health: Healthy, Progressing, Suspended
//                (Paused), Degraded.
//   history      one entry per ReplicaSet revision, newest first.
//
// Deploy, rollback and retry follow the rollout (phase, step, weight, analysis) as steps and log lines:
//   - Healthy: outcome Succeeded.
//   - Paused for a person (a pause step without duration, a blue-green pause without auto-promotion, an
//     inconclusive analysis, a manual pause): outcome Succeeded with the message "… paused at step N/M
//     (<reason>), waiting for promotion": the change is in place and the next move is a promote. Timed
//     pauses are waited through.
//   - Degraded (aborted, failed analysis, progress deadline, invalid spec): outcome Failed with the
//     Rollout's message.
//   - Still progressing after timeoutSeconds: outcome Failed, saying it goes on in the cluster.
// Promote, promote-full, abort, pause and resume finish when the API server accepts the patch.
// cancel() stops following; it never aborts the rollout (that is Abort).
//
// Settings (and the connection settings of kubernetesclient.h: url, caCertificate,
// insecureSkipTlsVerify, namespace, requestTimeoutMs, pollIntervalMs, timeoutSeconds):
//   rollout    the Rollout's name (required)
//   container  the container whose image is the version [the only container; required when several]
//   image      the image repository, e.g. registry.example/checkout; deploy sets image + ":" + version
//              [the repository of the container's current image]

#include "deploybackend.h"

namespace Flightdeck::Deploy {

class ArgoRolloutsBackend final : public DeployBackend
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ArgoRolloutsBackend)

public:
    explicit ArgoRolloutsBackend(const BackendContext& context, QObject* parent = nullptr);
    ~ArgoRolloutsBackend() override;

    QString type() const override { return QStringLiteral("argo-rollouts"); }
    Capabilities capabilities() const override;
    DeployJob* start(const DeployRequest& request) override;
};

} // namespace Flightdeck::Deploy
