// SPDX-License-Identifier: Apache-2.0
#include "keychainsecretstore.h"

#include <qt6keychain/keychain.h>

namespace Flightdeck::Secrets {

namespace {
// Without a session bus there is no keyring to talk to, whatever the backend reports the failure as.
bool meansNoBus(const QString& errorString)
{
    return errorString.contains(QLatin1String("D-Bus"), Qt::CaseInsensitive)
        || errorString.contains(QLatin1String("DBus"), Qt::CaseInsensitive)
        || errorString.contains(QLatin1String("org.freedesktop.secrets"))
        || errorString.contains(QLatin1String("ServiceUnknown"))
        || errorString.contains(QLatin1String("Could not connect"), Qt::CaseInsensitive);
}
} // namespace

KeychainSecretStore::KeychainSecretStore(QObject* parent)
    : SecretStore(parent)
{ }

KeychainSecretStore::~KeychainSecretStore() = default;

SecretResult KeychainSecretStore::mapResult(
    SecretOperation op, const QString& key, int keychainError, const QString& errorString)
{
    switch (QKeychain::Error(keychainError)) {
    case QKeychain::NoError: {
        SecretResult r;
        r.operation = op;
        r.key = key;
        r.ok = true;
        return r;
    }
    case QKeychain::EntryNotFound:
        return failure(op, key, SecretError::NotFound, errorString);
    case QKeychain::AccessDeniedByUser:
    case QKeychain::AccessDenied:
        return failure(op, key, SecretError::AccessDenied, errorString);
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
        return failure(op, key, SecretError::NoBackend, errorString);
    case QKeychain::CouldNotDeleteEntry:
    case QKeychain::OtherError:
        break;
    }
    if (meansNoBus(errorString))
        return failure(op, key, SecretError::NoBackend, errorString);
    return failure(op, key, SecretError::Other, errorString);
}

void KeychainSecretStore::startRead(const QString& key, Completion done)
{
    // Jobs delete themselves after finished() (autoDelete); parenting them to the store stops a
    // late finished() from reaching a destroyed store.
    auto* job = new QKeychain::ReadPasswordJob(serviceName(), this);
    job->setKey(key);
    job->setInsecureFallback(false);
    connect(job, &QKeychain::Job::finished, this, [key, done = std::move(done)](QKeychain::Job* j) {
        SecretResult r = mapResult(SecretOperation::Read, key, j->error(), j->errorString());
        if (r.ok)
            r.value = static_cast<QKeychain::ReadPasswordJob*>(j)->textData();
        done(r);
    });
    job->start();
}

void KeychainSecretStore::startWrite(const QString& key, const QString& value, Completion done)
{
    auto* job = new QKeychain::WritePasswordJob(serviceName(), this);
    job->setKey(key);
    job->setInsecureFallback(false);
    job->setTextData(value);
    connect(job, &QKeychain::Job::finished, this, [key, done = std::move(done)](QKeychain::Job* j) {
        done(mapResult(SecretOperation::Write, key, j->error(), j->errorString()));
    });
    job->start();
}

void KeychainSecretStore::startRemove(const QString& key, Completion done)
{
    auto* job = new QKeychain::DeletePasswordJob(serviceName(), this);
    job->setKey(key);
    job->setInsecureFallback(false);
    connect(job, &QKeychain::Job::finished, this, [key, done = std::move(done)](QKeychain::Job* j) {
        done(mapResult(SecretOperation::Remove, key, j->error(), j->errorString()));
    });
    job->start();
}

} // namespace Flightdeck::Secrets
