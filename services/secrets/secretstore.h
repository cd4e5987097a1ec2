// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QDebug>
#include <QObject>
#include <QPointer>
#include <QString>

#include <functional>

namespace Flightdeck::Secrets {

// Credentials live in the OS keychain under this service; the workspace refers to them by name.
inline QString serviceName()
{
    return QStringLiteral("flightdeck");
}

// A credential name as the workspace writes it: 1 to 128 characters, letters, digits and . _ - / @ :
// starting with a letter or digit. Names are not secret and may appear in files and logs.
bool isValidCredentialName(const QString& name);
QString credentialNameRule();

enum class SecretOperation
{
    Read,
    Write,
    Remove
};

enum class SecretError
{
    None,
    NotFound, // no credential with that name
    NoBackend, // no keyring service is running or reachable
    AccessDenied, // the keyring is locked or the user refused access
    InvalidName, // the name breaks isValidCredentialName
    Other,
};

// The outcome of one operation. `value` is filled only by a successful read and must never be logged:
// the QDebug operator below redacts it.
struct SecretResult
{
    SecretOperation operation = SecretOperation::Read;
    QString key;
    bool ok = false;
    QString value;
    SecretError error = SecretError::None;
    QString message; // what is wrong, for people
    QString hint; // what to do about it
    QString detail; // the backend's own error text, for bug reports
};

QString operationName(SecretOperation op);
QString errorName(SecretError e);

// Builds the result for a failure with the message and hint people see. Backends call it so every
// backend words the same failure the same way.
SecretResult failure(SecretOperation op, const QString& key, SecretError error, const QString& detail = {});

// Asynchronous access to named credentials. Each call returns at once; the outcome arrives later on
// the store's thread, never inside the call itself: first the callback (skipped when `context` was
// given and has been destroyed), then the finished() signal.
class SecretStore : public QObject
{
    Q_OBJECT
public:
    using Callback = std::function<void(const Flightdeck::Secrets::SecretResult&)>;

    explicit SecretStore(QObject* parent = nullptr);
    ~SecretStore() override;

    void read(const QString& key, QObject* context = nullptr, Callback callback = {});
    // Creates or overwrites.
    void write(const QString& key, const QString& value, QObject* context = nullptr, Callback callback = {});
    // Removing a credential that does not exist succeeds.
    void remove(const QString& key, QObject* context = nullptr, Callback callback = {});

    // Operations started and not yet finished.
    int pendingCount() const { return m_pending; }

Q_SIGNALS:
    void finished(const Flightdeck::Secrets::SecretResult& result);

protected:
    using Completion = std::function<void(const Flightdeck::Secrets::SecretResult&)>;
    // Implementations start the operation and call `done` exactly once, later, on this object's thread.
    virtual void startRead(const QString& key, Completion done) = 0;
    virtual void startWrite(const QString& key, const QString& value, Completion done) = 0;
    virtual void startRemove(const QString& key, Completion done) = 0;

private:
    void start(SecretOperation op, const QString& key, const QString& value, QObject* context, Callback callback);
    void deliver(
        const SecretResult& result, const QPointer<QObject>& context, bool hadContext, const Callback& callback);

    int m_pending = 0;
};

// Prints everything but the value.
QDebug operator<<(QDebug debug, const SecretResult& result);

} // namespace Flightdeck::Secrets

Q_DECLARE_METATYPE(Flightdeck::Secrets::SecretResult)
