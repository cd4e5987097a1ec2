// SPDX-License-Identifier: Apache-2.0
#pragma once

// Deploys through a parameterised Jenkins job: POST buildWithParameters (with a CSRF crumb when the
// server issues one), follow the queue item to its build, stream the build's console log, read
// the result; pipeline stages (Pipeline Stage View's wfapi) become steps where the plugin answers.
// Rollback runs the same job with the previous version; status and history are read from the
// job's builds and their parameters.
//
// Settings (target.settings):
//   url                   Jenkins' base URL, e.g. https://ci.example/jenkins (required)
//   job                   the job's full name, folders separated by '/': "deploy/checkout" is
//                         /job/deploy/job/checkout (required)
//   username              the Jenkins user for HTTP Basic auth; target.secret is that user's API
//                         token (both empty: anonymous)
//   parameterService      build parameter that receives the service (default SERVICE)
//   parameterEnvironment  build parameter that receives the environment (default ENVIRONMENT);
//                         history and status only count builds whose parameter equals the target's
//                         environment, when the builds carry it
//   parameterVersion      build parameter that receives the version (default VERSION)
//                         An empty parameter name leaves that parameter out.
//   pollIntervalMs        wait between polls of the queue item, the log and the result (default 2000)
//   timeoutSeconds        bound of one operation from the trigger to the result (default 3600,
//                         fractions allowed). A build still queued then is cancelled; a build still
//                         running is left running and reported as unknown.
//   requestTimeoutMs      time without progress after which one request fails (default 30000)
//   historyLimit          newest builds read for history and rollback (default 50)
//   maxLogLines           console lines forwarded as log lines; the rest is skipped (default 20000)
//
// Deploy, promote and rollback reference the queue item when Jenkins accepts the build
// (changed(queue item URL)), then the build itself once it starts (changed(build URL)).
// cancel() takes a queued build out of the queue, or stops a running one (POST …/stop) and follows
// it to its end. Rollback without a version deploys the newest version, among the environment's
// successful builds, other than the one running (request.fromVersion, else the newest); with a
// historyId (build number) the version of that build. Abort stops the build named by historyId or
// by request.reference (a build or queue item URL), else the job's last build when it is running
// for the target's environment.

#include "deploybackend.h"

namespace Flightdeck::Deploy {

class JenkinsBackend final : public DeployBackend
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(JenkinsBackend)

public:
    explicit JenkinsBackend(const BackendContext& context, QObject* parent = nullptr);
    ~JenkinsBackend() override;

    QString type() const override { return QStringLiteral("jenkins"); }
    Capabilities capabilities() const override;
    DeployJob* start(const DeployRequest& request) override;
};

} // namespace Flightdeck::Deploy
