// SPDX-License-Identifier: Apache-2.0
#pragma once

// The GitOps deploy backend: the environment repository holds the desired state, and a deploy is a
// commit pushed to it (Argo CD, Flux or any other reconciler takes it from there).
//
// Per service and environment, one file names the image tag: a Kustomize overlay's
// `images[].newTag` or a Helm values file's tag. Deploy and promote commit the new tag with the
// actor as author and trailers (Flightdeck-Operation, -Service, -Environment, -Version,
// -Previous-Version); rollback is a NEW commit restoring an earlier tag, so it works with auto-sync
// (nothing is reverted or force-pushed). History, status and versions are read from git.
//
// Settings (target.settings; {service}, {environment} are substituted by the caller):
//   repository   URL of the environment repository: https://, ssh://, git@host:path or file://.
//                Required.
//   branch       branch holding the desired state. Default: main.
//   path         the file, relative to the repository root, e.g.
//                apps/{service}/overlays/{environment}/kustomization.yaml. Required.
//   format       kustomize | helm. Default: kustomize when the file is named kustomization.yaml or
//                kustomization.yml, else helm.
//   image        kustomize: the images[].name to change (an entry whose newName equals it also
//                matches). Default: the only entry when there is exactly one.
//   valuesKey    helm: dotted path of the tag in the values file. Default: image.tag.
//   username     https user name. Default: the URL's user, else "git".
//   timeoutMs    network: connect timeout and the longest silence on an open connection.
//                Default: 15000 to connect, 60000 idle.
//   historyLimit the most deployments History reads (newest first). Default: 200. At most 50 times
//                as many commits are examined.
// target.secret is the https token or password; ssh uses the keys held by ssh-agent.
//
// Only the tag's characters change in the file: the rest stays byte for byte, comments and quoting
// included. A plain tag that YAML would read as a number, boolean or null (1.10, 42, on) is written
// in double quotes, so that the value stays a string. A file that cannot be parsed, a missing image
// entry or key, or a tag this editor cannot rewrite safely (a block scalar, an alias, an empty value,
// a value spread over lines) fails with the file, the line and what to change; nothing is committed.
//
// The backend keeps one working clone per repository and branch under context().dataDirectory. Each
// operation fetches and resets it to the remote branch first, so whatever an earlier run left behind
// (a cancelled run's commit, a crash) is discarded. Operations on one clone run one at a time, also
// across Flightdeck processes (a lock file beside the clone). When the push is rejected because the
// remote moved, the edit is made again on the new head and pushed once more; a second rejection is
// reported and nothing of ours is left on the remote.
//
// Status: the version in the file at the remote branch's head, status "Committed" and health
// "Unknown" (git holds the desired state, not what runs); deployedBy and deployedAt come from the
// newest commit that changed the version. History: the commits on the branch's first-parent line
// that changed the version in the file, with manual commits (without trailers) included.

#include "deploybackend.h"

#include <functional>

namespace Flightdeck::Deploy {

class GitOpsBackend : public DeployBackend
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GitOpsBackend)

public:
    explicit GitOpsBackend(const BackendContext& context, QObject* parent = nullptr);
    ~GitOpsBackend() override;

    QString type() const override;
    Capabilities capabilities() const override;
    // Deploy (request.operation "promote" for a promotion), Rollback, Status, History, Versions.
    DeployJob* start(const DeployRequest& request) override;

    // Where the working clone of a repository's branch lives.
    QString workingClonePath(const QString& repository, const QString& branch = QStringLiteral("main")) const;

    // Test seam: called on the worker thread right before each push attempt (1, then 2 after a
    // rejection), while the clone is held. Tests use it to move the remote between the fetch and the
    // push, or to cancel the job; the cancel flag is looked at right after it returns. Jobs started
    // afterwards use the hook set at their start.
    using BeforePushHook = std::function<void(int attempt)>;
    void setBeforePushHook(BeforePushHook hook);

private:
    BeforePushHook m_beforePush;
};

} // namespace Flightdeck::Deploy
