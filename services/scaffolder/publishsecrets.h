// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QJsonObject>
#include <QStringList>

#include <functional>

class QObject;

namespace Flightdeck::Secrets {
class SecretStore;
}

namespace Flightdeck::Scaffolder {

// The keychain entries publish:github and publish:gitlab use when a step gives no token input:
// the secret `githubToken` (or a credential named github-token) and `gitlabToken` (gitlab-token).
// Returned as the task's secrets object ({"githubToken": …, "gitlabToken": …}); the runner masks
// them in every log and in the saved state.
QStringList publishSecretKeys();

// Reads those entries that exist; `done` gets the secrets found (possibly none) on the store's
// thread, once. Missing entries and a keychain that cannot be reached are not errors here: the
// publish step says what is missing if it needs it.
void readPublishSecrets(Secrets::SecretStore* store, QObject* context, std::function<void(const QJsonObject&)> done);

} // namespace Flightdeck::Scaffolder
