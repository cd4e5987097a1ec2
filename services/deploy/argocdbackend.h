// SPDX-License-Identifier: Apache-2.0
#pragma once

// Argo CD through its REST API (the API server's grpc-gateway): application status with the
// resource tree, history, sync to a revision, rollback to a history entry, and terminating the
// running operation.
//
// Settings (target.settings):
//   url              the Argo CD server, e.g. https://argocd.example.com (required)
//   application      the Application's name (required; the workspace default is "{service}-{environment}")
//   username         when set, log in with POST /api/v1/session as this user with target.secret as the
//                    password, and use the session token; when empty, target.secret is an API token
//   image            the image whose tag is the version, e.g. "registry.example/checkout"; without it the
//                    version is the synced revision
//   gitopsBackend    the GitOps backend that commits a rollback when automated sync is on (Argo CD refuses
//                    to roll back such an application)
//   pollIntervalMs   how often a running operation is polled (default 2000)
//   timeoutSeconds   how long an operation is followed, health included (default 600)
//   requestTimeoutMs how long one request may go without progress (default 30000)

#include "deploybackend.h"

#include <QHash>

namespace Flightdeck::Deploy {

class ArgoCdBackend final : public DeployBackend
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ArgoCdBackend)

public:
    explicit ArgoCdBackend(const BackendContext& context, QObject* parent = nullptr);
    ~ArgoCdBackend() override;

    QString type() const override { return QStringLiteral("argocd"); }
    Capabilities capabilities() const override;
    DeployJob* start(const DeployRequest& request) override;

    // Session tokens from POST /api/v1/session, per server URL and user name. Held in memory only.
    QString sessionToken(const QString& url, const QString& username) const;
    void setSessionToken(const QString& url, const QString& username, const QString& token);
    void forgetSessionToken(const QString& url, const QString& username);

private:
    QHash<QString, QString> m_sessionTokens;
};

} // namespace Flightdeck::Deploy
