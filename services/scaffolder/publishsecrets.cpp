// SPDX-License-Identifier: Apache-2.0
#include "publishsecrets.h"

#include "secrets/secretstore.h"

#include <memory>

namespace Flightdeck::Scaffolder {

QStringList publishSecretKeys()
{
    return {QStringLiteral("githubToken"), QStringLiteral("github-token"), QStringLiteral("gitlabToken"),
            QStringLiteral("gitlab-token")};
}

void readPublishSecrets(Secrets::SecretStore* store, QObject* context, std::function<void(const QJsonObject&)> done)
{
    struct Pending
    {
        int left = 0;
        QJsonObject found;
        std::function<void(const QJsonObject&)> done;
    };
    auto pending = std::make_shared<Pending>();
    pending->done = std::move(done);
    const QStringList keys = publishSecretKeys();
    if (!store) {
        pending->done({});
        return;
    }
    pending->left = int(keys.size());
    for (const QString& key : keys) {
        store->read(key, context, [pending, key](const Secrets::SecretResult& r) {
            if (r.ok && !r.value.isEmpty()) {
                // The camel-case entry wins over the credential-style name.
                const QString name = key.startsWith(QLatin1String("github")) ? QStringLiteral("githubToken") : QStringLiteral("gitlabToken");
                if (!pending->found.contains(name) || key == name)
                    pending->found.insert(name, r.value);
            }
            if (--pending->left == 0)
                pending->done(pending->found);
        });
    }
}

} // namespace Flightdeck::Scaffolder
