// SPDX-License-Identifier: Apache-2.0
#include "argocdbackend.h"
#include "argorolloutsbackend.h"
#include "deployservice.h"
#include "githubactionsbackend.h"
#include "gitopsbackend.h"
#include "jenkinsbackend.h"
#include "kubernetesbackend.h"
#include "scriptbackend.h"

namespace Flightdeck::Deploy {

DeployBackend* createDeployBackend(const Workspace::DeployBackendSpec& spec, const BackendContext& context, QObject* parent)
{
    const QString& t = spec.type;
    if (t == QLatin1String("gitops"))
        return new GitOpsBackend(context, parent);
    if (t == QLatin1String("argocd"))
        return new ArgoCdBackend(context, parent);
    if (t == QLatin1String("argo-rollouts"))
        return new ArgoRolloutsBackend(context, parent);
    if (t == QLatin1String("github-actions"))
        return new GitHubActionsBackend(context, parent);
    if (t == QLatin1String("jenkins"))
        return new JenkinsBackend(context, parent);
    if (t == QLatin1String("kubernetes"))
        return new KubernetesBackend(context, parent);
    if (t == QLatin1String("script"))
        return new ScriptBackend(context, parent);
    return nullptr;
}

} // namespace Flightdeck::Deploy
