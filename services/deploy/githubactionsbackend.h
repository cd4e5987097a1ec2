// SPDX-License-Identifier: Apache-2.0
#pragma once

// GitHub Actions through the REST API: a deploy (and a rollback, which deploys the previous version)
// dispatches a workflow with the inputs service, environment and version and follows the run it
// started, job by job and step by step; status and history come from the Deployments API of the
// GitHub environment; abort cancels the run.
//
// Settings (target.settings):
//   url               the REST API base (default https://api.github.com; GitHub Enterprise Server:
//                     https://HOST/api/v3)
//   repository        owner/repo (required)
//   workflow          the workflow's file name (deploy.yml) or id (required for deploy, rollback, abort)
//   ref               the branch or tag the workflow runs on (default main)
//   inputService      the name of the workflow input that receives the service (default service)
//   inputEnvironment  … the environment (default environment)
//   inputVersion      … the version (default version)
//   environmentName   the GitHub deployment environment (default the Flightdeck environment)
//   historyLimit      how many deployments History reads (default 10, at most 100)
//   runLookupAttempts how often to look for the started run when GitHub does not name it (default 15)
//   pollIntervalMs    how often a run is polled (default 2000)
//   timeoutSeconds    how long a run is followed (default 600)
//   requestTimeoutMs  how long one request may go without progress (default 30000)
// target.secret is the token (sent as a bearer token).

#include "deploybackend.h"

namespace Flightdeck::Deploy {

class GitHubActionsBackend final : public DeployBackend
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GitHubActionsBackend)

public:
    explicit GitHubActionsBackend(const BackendContext& context, QObject* parent = nullptr);
    ~GitHubActionsBackend() override;

    QString type() const override { return QStringLiteral("github-actions"); }
    Capabilities capabilities() const override;
    DeployJob* start(const DeployRequest& request) override;
};

} // namespace Flightdeck::Deploy
