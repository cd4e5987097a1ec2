// SPDX-License-Identifier: Apache-2.0
#pragma once

// Deploys by running a configured command with /bin/sh -c, streaming its output, then (optionally)
// waiting until the service's health URL answers with the deployed version.
//
// Settings (target.settings):
//   command               the shell command (required), run as /bin/sh -c <command>
//   workingDirectory      absolute directory to run it in (the caller resolves relative paths);
//                         empty: the current directory
//   rollbackCommand       command for rollbacks (default: `command` with OPERATION=rollback)
//   timeoutSeconds        bound of the command (default 900, fractions allowed); then it is stopped
//   terminateGraceMs      after SIGTERM, time until SIGKILL when stopping (default 5000)
//   healthUrl             http(s) URL polled after the command exited 0, until it answers 2xx
//                         (optional). When the answer is a JSON object with a "version" string, it
//                         must equal the deployed version (polling goes on while it does not: the
//                         old process may still answer for a moment)
//   healthTimeoutSeconds  bound of the health check (default 60, fractions allowed)
//   healthIntervalMs      wait between health requests (default 500)
//   healthRequestTimeoutMs  bound of one health or status request (default 2000)
//   statusUrl             what Status reads (default healthUrl): 2xx → Healthy with the JSON
//                         "version"; connection refused → Missing ("not running")
//   secretVariable        name of an environment variable that receives target.secret (optional;
//                         without it the secret is not given to the command at all)
//
// The command's environment: the existing environment plus SERVICE, ENVIRONMENT, VERSION,
// PREVIOUS_VERSION, OPERATION (deploy, promote or rollback) and FLIGHTDECK_ACTOR.
//
// Output (stdout and stderr, merged in order) is streamed line by line as log lines, with the
// secret replaced by REDACTED. One convention: a line
//     ::step::<name>
// starts a step called <name> (the previous step, if any, ends succeeded); "::step::" alone ends
// the current step. The running step ends succeeded on exit 0, failed otherwise. For example:
//     echo "::step::Build"; make; echo "::step::Restart"; systemctl --user restart checkout
//
// The command runs in a process group of its own; cancel, abort and the timeout stop the whole
// group (SIGTERM, then SIGKILL after terminateGraceMs). A command that exits 0 may leave processes
// running (e.g. the service it started); those keep running, and should not write to the
// command's output, which is closed when the command exits.
// changed("pid <n>") is emitted as soon as the command runs: a script may change things at once.

#include "deploybackend.h"

#include <QPointer>

namespace Flightdeck::Deploy {

class ScriptBackend final : public DeployBackend
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ScriptBackend)

public:
    explicit ScriptBackend(const BackendContext& context, QObject* parent = nullptr);
    ~ScriptBackend() override;

    QString type() const override { return QStringLiteral("script"); }
    Capabilities capabilities() const override;
    DeployJob* start(const DeployRequest& request) override;

private:
    // The command running for each service and environment, for Abort (started here only).
    QHash<QString, QPointer<DeployJob>> m_running;
};

} // namespace Flightdeck::Deploy
