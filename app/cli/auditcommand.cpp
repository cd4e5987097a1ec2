// SPDX-License-Identifier: Apache-2.0
// flightdeck audit verify [--database FILE] [--workspace FILE]
#include "cli.h"
#include "clisupport.h"

#include "deploy/auditjournal.h"
#include "store/database.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QTextStream>

namespace Flightdeck::Cli {

namespace {

const char* auditUsage = "flightdeck audit verify [--database FILE] [--workspace FILE]";

} // namespace

int runAudit(const QStringList& arguments)
{
    if (arguments.value(0) != QLatin1String("verify"))
        return usageError(arguments.isEmpty() ? QStringLiteral("audit needs a subcommand")
                                              : QStringLiteral("unknown audit subcommand %1").arg(arguments.value(0)),
                          auditUsage);
    QCommandLineParser p;
    p.addOption({QStringLiteral("database"), QStringLiteral("The store holding the journal."), QStringLiteral("FILE")});
    // The journal lives in this machine's store, whatever the workspace; accepted so that scripts
    // can pass the same --workspace to every deploy command.
    p.addOption({QStringLiteral("workspace"), QStringLiteral("The workspace (unused by verify)."), QStringLiteral("FILE")});
    if (!p.parse(QStringList {QStringLiteral("flightdeck-audit")} + arguments.mid(1)))
        return usageError(p.errorText(), auditUsage);
    if (!p.positionalArguments().isEmpty())
        return usageError(QStringLiteral("unexpected argument %1").arg(p.positionalArguments().first()), auditUsage);

    QTextStream out(stdout);
    QTextStream err(stderr);
    const QString path
        = p.isSet(QStringLiteral("database")) ? p.value(QStringLiteral("database")) : Store::Database::defaultPath();
    // Opening a store creates a missing file: verifying that fresh, empty journal would report a
    // mistyped --database as intact. There is nothing to verify, so say so and fail.
    if (!p.isSet(QStringLiteral("database")) && !QFileInfo::exists(path)) {
        // This machine's store does not exist yet: nothing was ever deployed from here.
        out << "audit journal intact: no records (nothing has been deployed from this machine)\n";
        return Success;
    }
    if (!QFileInfo(path).isFile()) {
        err << "flightdeck: no database at " << QDir::toNativeSeparators(QFileInfo(path).absoluteFilePath())
            << (QFileInfo::exists(path) ? " (it is not a file)" : "") << "\n";
        return Failure;
    }
    Store::Database db(path);
    if (!db.open()) {
        err << "flightdeck: " << db.errorString() << "\n";
        if (!db.errorHint().isEmpty())
            err << "    " << db.errorHint() << "\n";
        return Failure;
    }
    const Deploy::AuditVerification v = Deploy::AuditJournal(db).verify();
    if (!v.ok && v.firstBroken <= 0) {
        // Nothing was checked: a journal that cannot be read is not evidence of tampering.
        err << "flightdeck: could not read the audit journal in " << db.path() << ": " << v.reason << "\n";
        return Failure;
    }
    if (!v.ok) {
        err << "flightdeck: the audit journal in " << db.path() << " was altered: " << v.reason << "\n";
        if (v.firstBroken > 0)
            err << "    first broken record: " << v.firstBroken << "\n";
        return Failure;
    }
    out << "audit journal intact: " << v.records << (v.records == 1 ? " record" : " records") << " in " << db.path() << "\n";
    return Success;
}

} // namespace Flightdeck::Cli
