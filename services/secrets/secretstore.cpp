// SPDX-License-Identifier: Apache-2.0
#include "secretstore.h"

#include <QMetaObject>

namespace Flightdeck::Secrets {

bool isValidCredentialName(const QString& name)
{
    if (name.isEmpty() || name.size() > 128)
        return false;
    for (qsizetype i = 0; i < name.size(); ++i) {
        const QChar c = name.at(i);
        const bool alnum = (c >= QLatin1Char('a') && c <= QLatin1Char('z'))
            || (c >= QLatin1Char('A') && c <= QLatin1Char('Z')) || (c >= QLatin1Char('0') && c <= QLatin1Char('9'));
        if (alnum)
            continue;
        if (i > 0
            && (c == QLatin1Char('.') || c == QLatin1Char('_') || c == QLatin1Char('-') || c == QLatin1Char('/')
                || c == QLatin1Char('@') || c == QLatin1Char(':')))
            continue;
        return false;
    }
    return true;
}

QString credentialNameRule()
{
    return QStringLiteral("a credential name has 1 to 128 characters: letters, digits and . _ - / @ :, "
                          "starting with a letter or digit (for example github-token)");
}

QString operationName(SecretOperation op)
{
    switch (op) {
    case SecretOperation::Read:
        return QStringLiteral("read");
    case SecretOperation::Write:
        return QStringLiteral("write");
    case SecretOperation::Remove:
        return QStringLiteral("remove");
    }
    return {};
}

QString errorName(SecretError e)
{
    switch (e) {
    case SecretError::None:
        return QStringLiteral("none");
    case SecretError::NotFound:
        return QStringLiteral("not-found");
    case SecretError::NoBackend:
        return QStringLiteral("no-backend");
    case SecretError::AccessDenied:
        return QStringLiteral("access-denied");
    case SecretError::InvalidName:
        return QStringLiteral("invalid-name");
    case SecretError::Other:
        return QStringLiteral("other");
    }
    return {};
}

SecretResult failure(SecretOperation op, const QString& key, SecretError error, const QString& detail)
{
    SecretResult r;
    r.operation = op;
    r.key = key;
    r.ok = false;
    r.error = error;
    r.detail = detail;
    const QString verb = op == SecretOperation::Read ? QStringLiteral("read")
        : op == SecretOperation::Write               ? QStringLiteral("store")
                                                     : QStringLiteral("remove");
    switch (error) {
    case SecretError::None:
        r.ok = true;
        break;
    case SecretError::NotFound:
        r.message = QStringLiteral("no credential named %1 in the keychain").arg(key);
        r.hint = op == SecretOperation::Remove
            ? QStringLiteral("nothing to remove: it is already gone")
            : QStringLiteral("add it in Settings > Credentials; it is kept in the OS keychain under the service \"%1\"")
                  .arg(serviceName());
        break;
    case SecretError::NoBackend:
        r.message = QStringLiteral("could not %1 credential %2: no keyring is running").arg(verb, key);
        r.hint = QStringLiteral("start gnome-keyring or KWallet (any Secret Service provider) in your desktop session, "
                                "then try again");
        break;
    case SecretError::AccessDenied:
        r.message = QStringLiteral("could not %1 credential %2: access to the keyring was denied").arg(verb, key);
        r.hint = QStringLiteral("unlock the keyring when it asks (or with Seahorse or KWalletManager) and allow "
                                "Flightdeck to use it");
        break;
    case SecretError::InvalidName:
        r.message = QStringLiteral("\"%1\" is not a valid credential name").arg(key);
        r.hint = credentialNameRule();
        break;
    case SecretError::Other:
        r.message = QStringLiteral("the keyring failed to %1 credential %2").arg(verb, key);
        r.hint = detail.isEmpty()
            ? QStringLiteral("check that the keyring service is running and unlocked, then try again")
            : QStringLiteral("check that the keyring service is running and unlocked, then try again (the keyring "
                             "said: %1)")
                  .arg(detail);
        break;
    }
    return r;
}

SecretStore::SecretStore(QObject* parent)
    : QObject(parent)
{ }

SecretStore::~SecretStore() = default;

void SecretStore::read(const QString& key, QObject* context, Callback callback)
{
    start(SecretOperation::Read, key, {}, context, std::move(callback));
}

void SecretStore::write(const QString& key, const QString& value, QObject* context, Callback callback)
{
    start(SecretOperation::Write, key, value, context, std::move(callback));
}

void SecretStore::remove(const QString& key, QObject* context, Callback callback)
{
    start(SecretOperation::Remove, key, {}, context, std::move(callback));
}

void SecretStore::start(
    SecretOperation op, const QString& key, const QString& value, QObject* context, Callback callback)
{
    ++m_pending;
    const QPointer<QObject> guard(context);
    const bool hadContext = context != nullptr;
    if (!isValidCredentialName(key)) {
        // Delivered later all the same, so callers see one behaviour whatever the outcome.
        const SecretResult r = failure(op, key, SecretError::InvalidName);
        QMetaObject::invokeMethod(
            this, [this, r, guard, hadContext, callback]() { deliver(r, guard, hadContext, callback); },
            Qt::QueuedConnection);
        return;
    }
    Completion done = [this, guard, hadContext, callback = std::move(callback)](
                          const SecretResult& r) { deliver(r, guard, hadContext, callback); };
    switch (op) {
    case SecretOperation::Read:
        startRead(key, std::move(done));
        break;
    case SecretOperation::Write:
        startWrite(key, value, std::move(done));
        break;
    case SecretOperation::Remove:
        startRemove(key, std::move(done));
        break;
    }
}

void SecretStore::deliver(
    const SecretResult& result, const QPointer<QObject>& context, bool hadContext, const Callback& callback)
{
    --m_pending;
    if (callback && (!hadContext || context))
        callback(result);
    Q_EMIT finished(result);
}

QDebug operator<<(QDebug debug, const SecretResult& r)
{
    const QDebugStateSaver saver(debug);
    debug.nospace() << "SecretResult(" << operationName(r.operation) << ' ' << r.key << ", ok=" << r.ok;
    if (r.operation == SecretOperation::Read && r.ok)
        debug << ", value=<redacted " << r.value.size() << " chars>";
    if (!r.ok)
        debug << ", error=" << errorName(r.error) << ", " << r.message;
    debug << ')';
    return debug;
}

} // namespace Flightdeck::Secrets
