// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QDateTime>
#include <QList>
#include <QString>

namespace Flightdeck::Store {
class Database;
}

namespace Flightdeck::Deploy {

// One line of the audit journal. Every deploy, promote and rollback is written twice: as intent
// before anything is changed, and as result afterwards (pointing back at its intent).
struct AuditRecord
{
    enum class Kind { Intent, Result };

    qint64 sequence = 0; // assigned by the journal: 1, 2, 3, …
    Kind kind = Kind::Intent;
    qint64 intent = 0; // a result: the sequence of its intent
    QString operation; // deploy, promote, rollback
    QString service;
    QString environment;
    QString fromVersion;
    QString toVersion;
    QString backend; // gitops, argocd, script, …
    QString actor; // who asked
    QDateTime startedAt; // UTC
    QDateTime endedAt; // results only
    QString result; // results: succeeded, failed, cancelled, unknown
    QString detail; // the backend's reason, a commit, a run URL…
    QString previousHash; // SHA-256 (hex) of the record before; empty for the first
    QString hash; // SHA-256 (hex) of this record's canonical form, previousHash included

    // The bytes the hash covers: every field above but `hash`, in a fixed order, as JSON.
    QByteArray canonical() const;
};

struct AuditVerification
{
    bool ok = false;
    qint64 records = 0;
    qint64 firstBroken = 0; // the sequence of the first record that does not check out; 0 when ok
    QString reason; // what is wrong with it, for people
};

// The tamper-evident journal in the store (SQLite): each record carries the SHA-256 of the one
// before it, so editing, deleting or reordering any record breaks the chain from there on, and
// verify() names the first record that no longer checks out. Appends happen in one write
// transaction (BEGIN IMMEDIATE), so two Flightdeck instances appending at once still build one
// chain. Blocking: call on a worker or from the command line.
class AuditJournal
{
public:
    explicit AuditJournal(Store::Database& database);

    // Appends and returns the record as stored (sequence, hashes); sequence 0 and an error on failure.
    AuditRecord append(AuditRecord record, QString* error = nullptr);
    QList<AuditRecord> records(QString* error = nullptr) const;
    AuditVerification verify() const;

private:
    Store::Database& m_database;
};

QString kindName(AuditRecord::Kind kind);

} // namespace Flightdeck::Deploy
