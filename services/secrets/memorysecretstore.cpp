// SPDX-License-Identifier: Apache-2.0
#include "memorysecretstore.h"

#include <QMetaObject>

namespace Flightdeck::Secrets {

MemorySecretStore::MemorySecretStore(QObject* parent)
    : SecretStore(parent)
{ }

MemorySecretStore::~MemorySecretStore() = default;

void MemorySecretStore::setFailure(SecretError error, const QString& detail)
{
    m_failure = error;
    m_failureDetail = detail;
}

void MemorySecretStore::later(Completion done, SecretResult result)
{
    QMetaObject::invokeMethod(
        this, [done = std::move(done), result = std::move(result)]() { done(result); }, Qt::QueuedConnection);
}

void MemorySecretStore::startRead(const QString& key, Completion done)
{
    if (m_failure != SecretError::None)
        return later(std::move(done), failure(SecretOperation::Read, key, m_failure, m_failureDetail));
    const auto it = m_values.constFind(key);
    if (it == m_values.cend())
        return later(std::move(done), failure(SecretOperation::Read, key, SecretError::NotFound));
    SecretResult r;
    r.operation = SecretOperation::Read;
    r.key = key;
    r.ok = true;
    r.value = *it;
    later(std::move(done), std::move(r));
}

void MemorySecretStore::startWrite(const QString& key, const QString& value, Completion done)
{
    if (m_failure != SecretError::None)
        return later(std::move(done), failure(SecretOperation::Write, key, m_failure, m_failureDetail));
    m_values.insert(key, value);
    SecretResult r;
    r.operation = SecretOperation::Write;
    r.key = key;
    r.ok = true;
    later(std::move(done), std::move(r));
}

void MemorySecretStore::startRemove(const QString& key, Completion done)
{
    if (m_failure != SecretError::None)
        return later(std::move(done), failure(SecretOperation::Remove, key, m_failure, m_failureDetail));
    // Removing a missing credential succeeds, as it does in the Secret Service.
    m_values.remove(key);
    SecretResult r;
    r.operation = SecretOperation::Remove;
    r.key = key;
    r.ok = true;
    later(std::move(done), std::move(r));
}

} // namespace Flightdeck::Secrets
