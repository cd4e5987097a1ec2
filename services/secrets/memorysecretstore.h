// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "secretstore.h"

#include <QHash>

namespace Flightdeck::Secrets {

// Test double: keeps credentials in memory with the same asynchronous contract as the keychain.
// Used by the tests of components that need credentials; the application never uses it.
class MemorySecretStore final : public SecretStore
{
    Q_OBJECT
public:
    explicit MemorySecretStore(QObject* parent = nullptr);
    ~MemorySecretStore() override;

    // Seeds or inspects the contents directly, synchronously.
    void insert(const QString& key, const QString& value) { m_values.insert(key, value); }
    bool contains(const QString& key) const { return m_values.contains(key); }
    QStringList keys() const { return m_values.keys(); }

    // Makes every following operation fail with this error (None restores normal behaviour), so tests
    // can drive a component through a missing or locked keyring.
    void setFailure(SecretError error, const QString& detail = {});

protected:
    void startRead(const QString& key, Completion done) override;
    void startWrite(const QString& key, const QString& value, Completion done) override;
    void startRemove(const QString& key, Completion done) override;

private:
    void later(Completion done, SecretResult result);

    QHash<QString, QString> m_values;
    SecretError m_failure = SecretError::None;
    QString m_failureDetail;
};

} // namespace Flightdeck::Secrets
