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
//
// The lease also names the process that holds it (host name, PID and, where the system tells, when
// that process started). A lease whose process ran on this host and runs no more (it crashed or was
// killed) is free at once instead of when it runs out. Leases from other hosts, and leases written
// before the store knew the process, only run out.
class DeployLease
{
public:
    // A process that holds a lease.
    struct Owner
    {
        QString host; // QSysInfo::machineHostName(); empty when unknown
        qint64 pid = 0; // 0 when unknown
        // Tells a process from a later one that got the same PID (Linux: the boot and the start time);
        // empty where the system does not tell.
        QString startIdentity;
        // The PID namespace the PID belongs to (Linux); a process in another one (a container or a
        // sandbox with the same host name) cannot be checked. Empty where the system does not tell.
        QString pidNamespace;

        static Owner thisProcess();
        // The process pid of this host as it runs now (no startIdentity when it does not run).
        static Owner process(qint64 pid);
        // It was a process of this host that does not run any more: it ended, it is a zombie, or its
        // PID belongs to another process now. False when that cannot be known (another host or PID
        // namespace, no PID).
        bool hasEnded() const;
        QString toString() const; // "pid 4242 on build-01"
    };

    struct Holder
    {
        QString id; // who holds it: instance id and operation, e.g. "pid 4242: deploy 1.4.2"
        QDateTime acquiredAt;
        QDateTime expiresAt;
        Owner owner;
        // The holder's process has ended (Owner::hasEnded()): the lease is free though not run out.
        bool ownerEnded = false;

        // Nobody holds it: no lease, run out, or its process has ended.
        bool isFree(const QDateTime& now = QDateTime::currentDateTimeUtc()) const
        {
            return id.isEmpty() || expiresAt <= now || ownerEnded;
        }
    };

    DeployLease(Store::Database& database, QString service, QString environment);
    ~DeployLease(); // releases when held

    // Who the lease names as its holder's process: this process unless set (a test standing in for
    // another process).
    void setOwner(const Owner& owner) { m_owner = owner; }

    // Takes the lease for `holder` for `ttlSeconds`; false when someone else holds it (then current()
    // says who, and until when) or the store fails (error). A lease whose process has ended is taken
    // over; takenOver() then says from whom.
    bool acquire(const QString& holder, int ttlSeconds, QString* error = nullptr);
    bool renew(int ttlSeconds, QString* error = nullptr);
    void release();
    // Stops holding without releasing: the lease stays until it runs out (an operation whose outcome
    // is unknown may still be changing the environment).
    void abandon() { m_held = false; }
    bool isHeld() const { return m_held; }
    // What the last acquire() took over from a holder whose process had ended; empty when nothing.
    Holder takenOver() const { return m_takenOver; }
    // The lease as stored now (any holder); empty id when free.
    Holder current() const;
    // Deletes the lease when its holder's process has ended, and returns what it was (empty id when
    // the lease was not such a one).
    Holder releaseIfOwnerEnded(QString* error = nullptr);

private:
    Store::Database& m_database;
    QString m_service;
    QString m_environment;
    QString m_holder;
    Owner m_owner = Owner::thisProcess();
    Holder m_takenOver;
    bool m_held = false;
};

} // namespace Flightdeck::Deploy
