// SPDX-License-Identifier: Apache-2.0
#include "cli.h"

#include <QLoggingCategory>
#include <QTextStream>

#include <cstring>

namespace Flightdeck::Cli {

int runCatalog(const QStringList& arguments);
int runScaffold(const QStringList& arguments);
int runAudit(const QStringList& arguments);
int runDeploy(const QStringList& arguments);
int runPromote(const QStringList& arguments);
int runRollback(const QStringList& arguments);
int runDeployHistory(const QStringList& arguments);
int runDeployVersions(const QStringList& arguments);
int runDemoService(const QStringList& arguments);

namespace {

const char* const commands[] = { "catalog", "scaffold", "audit", "deploy", "promote", "rollback", "history", "versions", "demo-service",
    "help", "--help", "-h", "--version" };

} // namespace

bool isSubcommand(int argc, char** argv)
{
    if (argc < 2)
        return false;
    for (const char* command : commands)
        if (std::strcmp(argv[1], command) == 0)
            return true;
    return false;
}

static void printUsage(QTextStream& out)
{
    out << "Usage: flightdeck [COMMAND] [OPTIONS]\n"
           "\n"
           "Without a command, opens the desktop portal.\n"
           "\n"
           "Commands:\n"
           "  catalog validate [--format text|json] [--strict] SOURCE...\n"
           "  catalog list     [--format table|json] [--kind K] [--owner O] [--query Q] SOURCE...\n"
           "  catalog show     REF SOURCE...\n"
           "  catalog relations REF [--depth N] [--direction in|out|both] SOURCE...\n"
           "  scaffold list    [--workspace FILE] [SOURCE...]\n"
           "  scaffold run     TEMPLATE --values FILE --output DIR [--dry-run] [--push URL]\n"
           "  deploy           SERVICE --env ENV --version V [--strategy S] [--yes]\n"
           "  promote          SERVICE --to ENV [--yes]\n"
           "  rollback         SERVICE --env ENV [--to VERSION] [--yes]\n"
           "  history          SERVICE [--env ENV] [--format table|json]\n"
           "  versions         SERVICE [--env ENV] [--format table|json]\n"
           "  audit verify     [--database FILE]\n"
           "\n"
           "SOURCE is a file, a directory, a git URL (https://host/x.git, file:///path/x.git, git@host:path)\n"
           "or a Backstage backend (backstage+http(s)://host:port). With --workspace FILE the workspace's\n"
           "sources are used. deploy, promote, rollback, history and versions use the workspace's spec.deploy\n"
           "(--workspace FILE; without it, your workspace or the demo).\n";
}

int run(const QStringList& arguments)
{
    // A command's output is its result: the services' debug logging (every HTTP exchange) stays
    // off unless asked for with QT_LOGGING_RULES, and so does its information (a refused connection
    // while a health check waits for a service to start): failures are reported as results.
    if (qEnvironmentVariableIsEmpty("QT_LOGGING_RULES"))
        QLoggingCategory::setFilterRules(QStringLiteral("flightdeck.*.debug=false\nflightdeck.*.info=false"));
    QTextStream out(stdout);
    const QString command = arguments.value(1);
    if (command == QLatin1String("--version")) {
        out << "flightdeck 0.1.0\n";
        return Success;
    }
    if (command == QLatin1String("help") || command == QLatin1String("--help") || command == QLatin1String("-h")) {
        printUsage(out);
        return Success;
    }
    if (command == QLatin1String("catalog"))
        return runCatalog(arguments.mid(2));
    if (command == QLatin1String("scaffold"))
        return runScaffold(arguments.mid(2));
    if (command == QLatin1String("audit"))
        return runAudit(arguments.mid(2));
    if (command == QLatin1String("deploy"))
        return runDeploy(arguments.mid(2));
    if (command == QLatin1String("promote"))
        return runPromote(arguments.mid(2));
    if (command == QLatin1String("rollback"))
        return runRollback(arguments.mid(2));
    if (command == QLatin1String("history"))
        return runDeployHistory(arguments.mid(2));
    if (command == QLatin1String("versions"))
        return runDeployVersions(arguments.mid(2));
    if (command == QLatin1String("demo-service"))
        return runDemoService(arguments.mid(2));
    QTextStream err(stderr);
    err << "flightdeck: unknown command " << command << "\n";
    printUsage(err);
    return UsageError;
}

} // namespace Flightdeck::Cli
