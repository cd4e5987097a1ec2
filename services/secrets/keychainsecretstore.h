// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "secretstore.h"

namespace Flightdeck::Secrets {

// The OS keychain through QtKeychain: the Secret Service (gnome-keyring, KWallet 5.97+, KeePassXC)
// or KWallet on Linux, the Keychain on macOS, the Credential Store on Windows. Entries are stored
// under service "flightdeck" with the credential name as key. Never falls back to a plain file.
class KeychainSecretStore final : public SecretStore
{
    Q_OBJECT
public:
    explicit KeychainSecretStore(QObject* parent = nullptr);
    ~KeychainSecretStore() override;

    // How a QtKeychain outcome (its QKeychain::Error value and errorString()) reads for people.
    static SecretResult mapResult(
        SecretOperation op, const QString& key, int keychainError, const QString& errorString);

protected:
    void startRead(const QString& key, Completion done) override;
    void startWrite(const QString& key, const QString& value, Completion done) override;
    void startRemove(const QString& key, Completion done) override;
};

} // namespace Flightdeck::Secrets
