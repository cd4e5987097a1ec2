// SPDX-License-Identifier: Apache-2.0
#include "deploylease.h"

#include "store/database.h"

#include <QCoreApplication>
#include <QFile>
#include <QSqlError>
#include <QSqlQuery>
#include <QSysInfo>
#include <QVariant>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <csignal>
#include <limits>
#include <sys/types.h>
#include <unistd.h>
#endif

namespace Flightdeck::Deploy {

namespace {

struct ProcessFacts
{
    QString startIdentity; // empty when unknown
    bool zombie = false;
};

// What /proc says about a process (Linux); nothing elsewhere, or when it does not run.
ProcessFacts processFacts(qint64 pid)
{
    ProcessFacts facts;
#ifdef Q_OS_LINUX
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return facts;
    const QByteArray text = stat.readAll();
    // "pid (command) state ppid …": the command may hold spaces and parentheses, so count the fields
    // from the last ')'. After it come field 3 (state) … field 22 (the start time, in clock ticks
    // after boot).
    const qsizetype command = text.lastIndexOf(')');
    if (command < 0)
        return facts;
    const QList<QByteArray> fields = text.mid(command + 2).split(' ');
    if (fields.size() < 20)
        return facts;
    facts.zombie = fields[0] == "Z" || fields[0] == "X";
    // The start time counts from boot: with the boot's id it names one process for good.
    static const QByteArray bootId = [] {
        QFile boot(QStringLiteral("/proc/sys/kernel/random/boot_id"));
        return boot.open(QIODevice::ReadOnly) ? boot.readAll().trimmed() : QByteArray();
    }();
    if (!bootId.isEmpty())
        facts.startIdentity = QString::fromLatin1(bootId + '/' + fields[19]);
#else
    Q_UNUSED(pid)
#endif
    return facts;
}

// The PID namespace a process is in (Linux: "pid:[4026531836]"); empty elsewhere or when not told.
QString pidNamespaceOf(const QString& pid)
{
#ifdef Q_OS_LINUX
    char target[128];
    const QByteArray link = QStringLiteral("/proc/%1/ns/pid").arg(pid).toLocal8Bit();
    const ssize_t n = ::readlink(link.constData(), target, sizeof target);
    if (n > 0 && size_t(n) < sizeof target)
        return QString::fromLatin1(target, qsizetype(n));
#else
    Q_UNUSED(pid)
#endif
    return {};
}

const QString& ownPidNamespace()
{
    static const QString ns = pidNamespaceOf(QStringLiteral("self"));
    return ns;
}

DeployLease::Holder holderFrom(const QSqlQuery& q)
{
    // SelectLease: holder, acquired_at, expires_at, host, pid, process_identity, pid_namespace
    DeployLease::Holder h;
    h.id = q.value(0).toString();
    h.acquiredAt = QDateTime::fromMSecsSinceEpoch(q.value(1).toLongLong(), Qt::UTC);
    h.expiresAt = QDateTime::fromMSecsSinceEpoch(q.value(2).toLongLong(), Qt::UTC);
    h.owner.host = q.value(3).toString();
    h.owner.pid = q.value(4).toLongLong();
    h.owner.startIdentity = q.value(5).toString();
    h.owner.pidNamespace = q.value(6).toString();
    h.ownerEnded = h.owner.hasEnded();
    return h;
}

constexpr char SelectLease[] = "SELECT holder, acquired_at, expires_at, host, pid, process_identity, pid_namespace "
                               "FROM deploy_lease WHERE service = ? AND environment = ?";

} // namespace

DeployLease::Owner DeployLease::Owner::thisProcess()
{
    return process(QCoreApplication::applicationPid());
}

DeployLease::Owner DeployLease::Owner::process(qint64 pid)
{
    Owner o;
    o.host = QSysInfo::machineHostName();
    o.pid = pid;
    o.startIdentity = processFacts(pid).startIdentity;
    o.pidNamespace = pidNamespaceOf(QString::number(pid));
    return o;
}

bool DeployLease::Owner::hasEnded() const
{
    if (pid <= 0 || host.isEmpty() || host != QSysInfo::machineHostName())
        return false;
    // A PID means something only in its namespace: another container or sandbox on this host (with
    // this host name) has its own.
    if (pidNamespace != ownPidNamespace())
        return false;
#ifdef Q_OS_LINUX
    if (pidNamespace.isEmpty())
        return false; // no /proc to tell the namespace by: nothing to go by
#endif
#ifdef Q_OS_UNIX
    if (pid > std::numeric_limits<pid_t>::max())
        return false;
    // Signal 0 only asks whether the process exists; EPERM means it does (another user's).
    if (::kill(pid_t(pid), 0) != 0)
        return errno == ESRCH;
    const ProcessFacts now = processFacts(pid);
    if (now.zombie)
        return true; // it has ended; its parent just did not collect it yet
    // Running, but maybe a later process that was given the same PID.
    return !startIdentity.isEmpty() && !now.startIdentity.isEmpty() && now.startIdentity != startIdentity;
#else
    return false;
#endif
}

QString DeployLease::Owner::toString() const
{
    return QStringLiteral("pid %1 on %2").arg(pid).arg(host.isEmpty() ? QStringLiteral("an unknown host") : host);
}

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
    m_takenOver = {};
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
    q.prepare(QLatin1String(SelectLease));
    q.addBindValue(Store::sqlText(m_service));
    q.addBindValue(Store::sqlText(m_environment));
    if (!q.exec()) {
        if (error)
            *error = q.lastError().text();
        return false;
    }
    Holder takenOver;
    if (q.next() && q.value(0).toString() != holder) {
        const Holder current = holderFrom(q);
        if (!current.isFree(QDateTime::fromMSecsSinceEpoch(now, Qt::UTC))) {
            if (error) // held by someone else, not run out, and its process runs (or cannot be checked)
                *error = QStringLiteral("%1 in %2 is busy: %3 until %4")
                             .arg(m_service, m_environment, current.id, current.expiresAt.toString(Qt::ISODate));
            return false;
        }
        if (current.ownerEnded && current.expiresAt.toMSecsSinceEpoch() > now)
            takenOver = current;
    }
    q.finish();
    QSqlQuery put(db);
    put.prepare(QStringLiteral(
        "INSERT OR REPLACE INTO deploy_lease (service, environment, holder, acquired_at, expires_at, host, pid, "
        "process_identity, pid_namespace) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    put.addBindValue(Store::sqlText(m_service));
    put.addBindValue(Store::sqlText(m_environment));
    put.addBindValue(Store::sqlText(holder));
    put.addBindValue(now);
    put.addBindValue(now + qint64(ttlSeconds) * 1000);
    put.addBindValue(Store::sqlText(m_owner.host));
    put.addBindValue(m_owner.pid);
    put.addBindValue(Store::sqlText(m_owner.startIdentity));
    put.addBindValue(Store::sqlText(m_owner.pidNamespace));
    if (!put.exec() || !tx.commit()) {
        if (error)
            *error = put.lastError().isValid() ? put.lastError().text() : tx.errorString();
        return false;
    }
    m_holder = holder;
    m_held = true;
    m_takenOver = takenOver;
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
    QSqlQuery q(m_database.connection());
    q.prepare(QLatin1String(SelectLease));
    q.addBindValue(Store::sqlText(m_service));
    q.addBindValue(Store::sqlText(m_environment));
    if (q.exec() && q.next())
        return holderFrom(q);
    return {};
}

DeployLease::Holder DeployLease::releaseIfOwnerEnded(QString* error)
{
    QSqlDatabase db = m_database.connection();
    if (!db.isValid()) {
        if (error)
            *error = m_database.errorString();
        return {};
    }
    Store::Transaction tx(db); // the same row that was checked is deleted
    if (!tx.isActive()) {
        if (error)
            *error = tx.errorString();
        return {};
    }
    QSqlQuery q(db);
    q.prepare(QLatin1String(SelectLease));
    q.addBindValue(Store::sqlText(m_service));
    q.addBindValue(Store::sqlText(m_environment));
    if (!q.exec()) {
        if (error)
            *error = q.lastError().text();
        return {};
    }
    if (!q.next())
        return {};
    const Holder h = holderFrom(q);
    q.finish();
    if (!h.ownerEnded)
        return {};
    QSqlQuery del(db);
    del.prepare(QStringLiteral("DELETE FROM deploy_lease WHERE service = ? AND environment = ? AND holder = ?"));
    del.addBindValue(Store::sqlText(m_service));
    del.addBindValue(Store::sqlText(m_environment));
    del.addBindValue(Store::sqlText(h.id));
    if (!del.exec() || !tx.commit()) {
        if (error)
            *error = del.lastError().isValid() ? del.lastError().text() : tx.errorString();
        return {};
    }
    return h;
}

} // namespace Flightdeck::Deploy
