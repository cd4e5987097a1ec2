// SPDX-License-Identifier: Apache-2.0
// The schema, one migration per change. Never edit a released migration: append a new one.
#include "database.h"

namespace Flightdeck::Store {

const QList<Migration>& schemaMigrations()
{
    static const QList<Migration> migrations {
        { 1, QStringLiteral("catalog cache"),
            {
                // One row per workspace source: what the cached files were read from, and when.
                QStringLiteral("CREATE TABLE catalog_source ("
                               " id INTEGER PRIMARY KEY,"
                               " name TEXT NOT NULL UNIQUE,"
                               " fingerprint TEXT NOT NULL DEFAULT '',"
                               " revision TEXT NOT NULL DEFAULT '',"
                               " refreshed_at INTEGER," // ms since the epoch, UTC; NULL = never read
                               " last_error TEXT NOT NULL DEFAULT '',"
                               " last_error_at INTEGER)"),
                // What each catalog file yielded, as a versioned blob (CatalogStore::encode).
                QStringLiteral("CREATE TABLE catalog_file ("
                               " source_id INTEGER NOT NULL REFERENCES catalog_source(id) ON DELETE CASCADE,"
                               " file TEXT NOT NULL,"
                               " format INTEGER NOT NULL,"
                               " entity_count INTEGER NOT NULL DEFAULT 0,"
                               " data BLOB NOT NULL,"
                               " PRIMARY KEY (source_id, file))"),
            } },
        { 2, QStringLiteral("catalog file order"),
            {
                // The order files were discovered in decides which claimant of an entity wins
                // (the first); a restart must not change it.
                QStringLiteral("ALTER TABLE catalog_file ADD COLUMN ordinal INTEGER NOT NULL DEFAULT 0"),
            } },
        { 3, QStringLiteral("catalog file order index"),
            {
                // A restart reads the files in discovery order; without this index SQLite sorts the
                // blobs themselves in a temporary B-tree that spills to disk.
                QStringLiteral("CREATE INDEX catalog_file_order ON catalog_file (source_id, ordinal, file)"),
            } },
        { 4, QStringLiteral("deploy audit journal"),
            {
                // Deploy, promote and rollback, as intent and as result, each record chained to the
                // one before by SHA-256 (Deploy::AuditJournal).
                QStringLiteral("CREATE TABLE audit_record ("
                               " seq INTEGER PRIMARY KEY,"
                               " kind TEXT NOT NULL,"
                               " intent_seq INTEGER NOT NULL DEFAULT 0,"
                               " operation TEXT NOT NULL,"
                               " service TEXT NOT NULL,"
                               " environment TEXT NOT NULL,"
                               " from_version TEXT NOT NULL DEFAULT '',"
                               " to_version TEXT NOT NULL DEFAULT '',"
                               " backend TEXT NOT NULL DEFAULT '',"
                               " actor TEXT NOT NULL DEFAULT '',"
                               " started_at INTEGER NOT NULL DEFAULT 0,"
                               " ended_at INTEGER NOT NULL DEFAULT 0,"
                               " result TEXT NOT NULL DEFAULT '',"
                               " detail TEXT NOT NULL DEFAULT '',"
                               " prev_hash TEXT NOT NULL DEFAULT '',"
                               " hash TEXT NOT NULL)"),
            } },
        { 5, QStringLiteral("deploy leases"),
            {
                // One operation at a time per service and environment, across instances
                // (Deploy::DeployLease).
                QStringLiteral("CREATE TABLE deploy_lease ("
                               " service TEXT NOT NULL,"
                               " environment TEXT NOT NULL,"
                               " holder TEXT NOT NULL,"
                               " acquired_at INTEGER NOT NULL,"
                               " expires_at INTEGER NOT NULL,"
                               " PRIMARY KEY (service, environment))"),
            } },
        { 6, QStringLiteral("deploy lease holders' processes"),
            {
                // The process holding a lease, so that a lease of a process that has ended on this
                // host is free at once. Leases from before name no process ('' and 0): they run out.
                QStringLiteral("ALTER TABLE deploy_lease ADD COLUMN host TEXT NOT NULL DEFAULT ''"),
                QStringLiteral("ALTER TABLE deploy_lease ADD COLUMN pid INTEGER NOT NULL DEFAULT 0"),
                // Tells the process from a later one with the same PID (Linux: boot id/start time).
                QStringLiteral("ALTER TABLE deploy_lease ADD COLUMN process_identity TEXT NOT NULL DEFAULT ''"),
                // The PID namespace the PID belongs to (Linux): a container's PIDs are not this host's.
                QStringLiteral("ALTER TABLE deploy_lease ADD COLUMN pid_namespace TEXT NOT NULL DEFAULT ''"),
            } },
    };
    return migrations;
}

} // namespace Flightdeck::Store
