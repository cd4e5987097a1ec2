// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QDateTime>
#include <QString>

namespace Flightdeck::Store {
class Database;
}

namespace Flightdeck::Deploy {

// One deploy, promote or rollback at a time per service and environment, also across two running
// Flightdeck instances: a lease row in the store, taken in one write transaction. A lease runs out
// (a crashed instance does not block forever); the holder renews it while it works. Blocking.
class DeployLease
{
public:
    struct Holder
    {
        QString id; // who holds it: instance id and operation, e.g. "pid 4242: deploy 1.4.2"
        QDateTime acquiredAt;
        QDateTime expiresAt;
    };

    DeployLease(Store::Database& database, QString service, QString environment);
    ~DeployLease(); // releases when held

    // Takes the lease for `holder` for `ttlSeconds`; false when someone else holds an unexpired
    // one (then current() says who, and until when) or the store fails (error).
    bool acquire(const QString& holder, int ttlSeconds, QString* error = nullptr);
    bool renew(int ttlSeconds, QString* error = nullptr);
    void release();
    bool isHeld() const { return m_held; }
    // The lease as stored now (any holder); empty id when free.
    Holder current() const;

private:
    Store::Database& m_database;
    QString m_service;
    QString m_environment;
    QString m_holder;
    bool m_held = false;
};

} // namespace Flightdeck::Deploy
