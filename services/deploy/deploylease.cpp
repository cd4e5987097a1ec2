// SPDX-License-Identifier: Apache-2.0
#include "deploylease.h"

#include "store/database.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace Flightdeck::Deploy {

DeployLease::DeployLease(Store::Database& database, QString service, QString environment)
    : m_database(database)
    , m_service(std::move(service))
    , m_environment(std::move(environment))
{
}

DeployLease::~DeployLease()
{
    release();
}

bool DeployLease::acquire(const QString& holder, int ttlSeconds, QString* error)
{
    QSqlDatabase db = m_database.connection();
    if (!db.isValid()) {
        if (error)
            *error = m_database.errorString();
        return false;
    }
    Store::Transaction tx(db); // BEGIN IMMEDIATE: check and take in one step
    if (!tx.isActive()) {
        if (error)
            *error = tx.errorString();
        return false;
    }
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT holder, expires_at FROM deploy_lease WHERE service = ? AND environment = ?"));
    q.addBindValue(Store::sqlText(m_service));
    q.addBindValue(Store::sqlText(m_environment));
    if (!q.exec()) {
        if (error)
            *error = q.lastError().text();
        return false;
    }
    if (q.next() && q.value(1).toLongLong() > now && q.value(0).toString() != holder) {
        if (error) // held by someone else, and not expired
            *error = QStringLiteral("%1 in %2 is busy: %3 until %4")
                         .arg(m_service, m_environment, q.value(0).toString(),
                              QDateTime::fromMSecsSinceEpoch(q.value(1).toLongLong(), Qt::UTC).toString(Qt::ISODate));
        return false;
    }
    q.finish();
    QSqlQuery put(db);
    put.prepare(QStringLiteral("INSERT OR REPLACE INTO deploy_lease (service, environment, holder, acquired_at, expires_at) "
                               "VALUES (?, ?, ?, ?, ?)"));
    put.addBindValue(Store::sqlText(m_service));
    put.addBindValue(Store::sqlText(m_environment));
    put.addBindValue(Store::sqlText(holder));
    put.addBindValue(now);
    put.addBindValue(now + qint64(ttlSeconds) * 1000);
    if (!put.exec() || !tx.commit()) {
        if (error)
            *error = put.lastError().isValid() ? put.lastError().text() : tx.errorString();
        return false;
    }
    m_holder = holder;
    m_held = true;
    return true;
}

bool DeployLease::renew(int ttlSeconds, QString* error)
{
    if (!m_held) {
        if (error)
            *error = QStringLiteral("the lease is not held");
        return false;
    }
    return acquire(m_holder, ttlSeconds, error);
}

void DeployLease::release()
{
    if (!m_held)
        return;
    m_held = false;
    QSqlQuery q(m_database.connection());
    q.prepare(QStringLiteral("DELETE FROM deploy_lease WHERE service = ? AND environment = ? AND holder = ?"));
    q.addBindValue(Store::sqlText(m_service));
    q.addBindValue(Store::sqlText(m_environment));
    q.addBindValue(Store::sqlText(m_holder));
    q.exec();
}

DeployLease::Holder DeployLease::current() const
{
    Holder h;
    QSqlQuery q(m_database.connection());
    q.prepare(QStringLiteral("SELECT holder, acquired_at, expires_at FROM deploy_lease WHERE service = ? AND environment = ?"));
    q.addBindValue(Store::sqlText(m_service));
    q.addBindValue(Store::sqlText(m_environment));
    if (q.exec() && q.next()) {
        h.id = q.value(0).toString();
        h.acquiredAt = QDateTime::fromMSecsSinceEpoch(q.value(1).toLongLong(), Qt::UTC);
        h.expiresAt = QDateTime::fromMSecsSinceEpoch(q.value(2).toLongLong(), Qt::UTC);
    }
    return h;
}

} // namespace Flightdeck::Deploy
