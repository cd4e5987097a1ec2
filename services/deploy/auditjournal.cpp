// SPDX-License-Identifier: Apache-2.0
#include "auditjournal.h"

#include "store/database.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace Flightdeck::Deploy {

namespace {

qint64 msOf(const QDateTime& t)
{
    return t.isValid() ? t.toMSecsSinceEpoch() : 0;
}

QDateTime timeOf(const QVariant& v)
{
    return v.isNull() || v.toLongLong() == 0 ? QDateTime() : QDateTime::fromMSecsSinceEpoch(v.toLongLong(), Qt::UTC);
}

const QString Columns = QStringLiteral(
    "seq, kind, intent_seq, operation, service, environment, from_version, to_version, backend, actor, started_at, "
    "ended_at, result, detail, prev_hash, hash");

AuditRecord fromQuery(const QSqlQuery& q)
{
    AuditRecord r;
    r.sequence = q.value(0).toLongLong();
    r.kind = q.value(1).toString() == QLatin1String("result") ? AuditRecord::Kind::Result : AuditRecord::Kind::Intent;
    r.intent = q.value(2).toLongLong();
    r.operation = q.value(3).toString();
    r.service = q.value(4).toString();
    r.environment = q.value(5).toString();
    r.fromVersion = q.value(6).toString();
    r.toVersion = q.value(7).toString();
    r.backend = q.value(8).toString();
    r.actor = q.value(9).toString();
    r.startedAt = timeOf(q.value(10));
    r.endedAt = timeOf(q.value(11));
    r.result = q.value(12).toString();
    r.detail = q.value(13).toString();
    r.previousHash = q.value(14).toString();
    r.hash = q.value(15).toString();
    return r;
}

QString sha256(const QByteArray& bytes)
{
    return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}

} // namespace

QString kindName(AuditRecord::Kind kind)
{
    return kind == AuditRecord::Kind::Result ? QStringLiteral("result") : QStringLiteral("intent");
}

QByteArray AuditRecord::canonical() const
{
    // An array, not an object: the order is fixed by this code, not by a JSON library.
    const QJsonArray fields {QJsonValue(double(sequence)), kindName(kind), QJsonValue(double(intent)), operation, service,
                             environment, fromVersion, toVersion, backend, actor, QJsonValue(double(msOf(startedAt))),
                             QJsonValue(double(msOf(endedAt))), result, detail, previousHash};
    return QJsonDocument(fields).toJson(QJsonDocument::Compact);
}

AuditJournal::AuditJournal(Store::Database& database)
    : m_database(database)
{
}

AuditRecord AuditJournal::append(AuditRecord record, QString* error)
{
    const auto fail = [&](const QString& message) {
        if (error)
            *error = message;
        return AuditRecord {};
    };
    QSqlDatabase db = m_database.connection();
    if (!db.isValid())
        return fail(QStringLiteral("the store is not open: %1").arg(m_database.errorString()));
    Store::Transaction tx(db); // BEGIN IMMEDIATE: the last record cannot change under us
    if (!tx.isActive())
        return fail(tx.errorString());
    QSqlQuery last(db);
    if (!last.exec(QStringLiteral("SELECT seq, hash FROM audit_record ORDER BY seq DESC LIMIT 1")))
        return fail(last.lastError().text());
    record.sequence = last.next() ? last.value(0).toLongLong() + 1 : 1;
    record.previousHash = record.sequence == 1 ? QString() : last.value(1).toString();
    last.finish();
    record.hash = sha256(record.canonical());
    QSqlQuery insert(db);
    insert.prepare(QStringLiteral("INSERT INTO audit_record (%1) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)").arg(Columns));
    const auto text = &Store::sqlText;
    const QVariantList values {record.sequence, kindName(record.kind), record.intent, text(record.operation), text(record.service),
                               text(record.environment), text(record.fromVersion), text(record.toVersion), text(record.backend),
                               text(record.actor), msOf(record.startedAt), msOf(record.endedAt), text(record.result),
                               text(record.detail), text(record.previousHash), record.hash};
    for (int i = 0; i < values.size(); ++i)
        insert.bindValue(i, values[i]);
    if (!insert.exec())
        return fail(insert.lastError().text());
    if (!tx.commit())
        return fail(tx.errorString());
    return record;
}

QList<AuditRecord> AuditJournal::records(QString* error) const
{
    QList<AuditRecord> out;
    QSqlDatabase db = m_database.connection();
    if (!db.isValid()) {
        if (error)
            *error = QStringLiteral("the store is not open: %1").arg(m_database.errorString());
        return out;
    }
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT %1 FROM audit_record ORDER BY seq").arg(Columns))) {
        if (error)
            *error = q.lastError().text();
        return out;
    }
    while (q.next())
        out.push_back(fromQuery(q));
    return out;
}

AuditVerification AuditJournal::verify() const
{
    AuditVerification v;
    QString error;
    const QList<AuditRecord> all = records(&error);
    if (!error.isEmpty()) {
        v.reason = QStringLiteral("the journal cannot be read: %1").arg(error);
        return v;
    }
    QString previous;
    qint64 expected = 1;
    for (const AuditRecord& r : all) {
        ++v.records;
        const auto broken = [&](const QString& why) {
            v.firstBroken = r.sequence;
            v.reason = why;
            return v;
        };
        if (r.sequence != expected)
            return broken(QStringLiteral("record %1 follows record %2: %3 was removed or the records were renumbered")
                              .arg(r.sequence)
                              .arg(expected - 1)
                              .arg(expected == r.sequence - 1 ? QStringLiteral("record %1").arg(expected) : QStringLiteral("records")));
        if (r.previousHash != previous)
            return broken(QStringLiteral("record %1 does not chain to the record before it: that one was changed or removed")
                              .arg(r.sequence));
        if (sha256(r.canonical()) != r.hash)
            return broken(QStringLiteral("record %1 was changed after it was written (its hash does not match its contents)")
                              .arg(r.sequence));
        if (r.kind == AuditRecord::Kind::Result && (r.intent <= 0 || r.intent >= r.sequence))
            return broken(QStringLiteral("result record %1 points at no earlier intent").arg(r.sequence));
        previous = r.hash;
        ++expected;
    }
    v.ok = true;
    return v;
}

} // namespace Flightdeck::Deploy
