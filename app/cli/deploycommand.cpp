// SPDX-License-Identifier: Apache-2.0
// flightdeck deploy | promote | rollback | history | versions
#include "cli.h"
#include "clisupport.h"

#include "deploy/auditjournal.h"
#include "deploy/deployservice.h"
#include "deploy/sourceversions.h"
#include "secrets/keychainsecretstore.h"
#include "sources/catalogrefresh.h"
#include "workspace/demoworkspace.h"
#include "workspace/workspace.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include <cstdio>
#include <unistd.h>

namespace Flightdeck::Cli {

namespace {

const char* const deployUsage = "flightdeck deploy SERVICE --env ENV --version V [--strategy S] [--workspace FILE] [--yes]";
const char* const promoteUsage = "flightdeck promote SERVICE --to ENV [--workspace FILE] [--yes]";
const char* const rollbackUsage = "flightdeck rollback SERVICE --env ENV [--to VERSION] [--workspace FILE] [--yes]";
const char* const historyUsage = "flightdeck history SERVICE [--env ENV] [--format table|json] [--workspace FILE]";
const char* const versionsUsage = "flightdeck versions SERVICE [--env ENV] [--format table|json] [--workspace FILE]";

// The workspace the command works on: --workspace, else the user's, else the demo (built by
// loadCatalog when needed).
QString workspacePath(const QCommandLineParser& p)
{
    if (p.isSet(QStringLiteral("workspace")))
        return p.value(QStringLiteral("workspace"));
    if (QFileInfo::exists(Workspace::Workspace::defaultPath()))
        return Workspace::Workspace::defaultPath();
    return Workspace::DemoWorkspace::workspacePath();
}

struct Context
{
    std::optional<Workspace::Workspace> workspace;
    std::unique_ptr<Secrets::KeychainSecretStore> secrets;
    std::unique_ptr<Deploy::DeployService> service;
};

// Loads the workspace and its catalog and makes the deploy service. Returns Success or an exit code.
int setUp(const QCommandLineParser& p, const char* usage, Context& c)
{
    QTextStream err(stderr);
    LoadedCatalog loaded;
    if (const int code = loadCatalog(p, {}, usage, loaded, true); code != Success)
        return code;
    const QString path = workspacePath(p);
    Catalog::Diagnostics problems;
    c.workspace = Workspace::Workspace::load(path, problems);
    if (!c.workspace) {
        for (const Catalog::Diagnostic& d : std::as_const(problems))
            err << d.toText() << "\n";
        err << "flightdeck: the workspace file " << QDir::toNativeSeparators(path) << " could not be read\n";
        return UsageError;
    }
    if (c.workspace->deploySettings().environments.isEmpty()) {
        err << "flightdeck: the workspace " << QDir::toNativeSeparators(path)
            << " configures no deploy environments\n    add spec.deploy with backends: and environments: to it\n";
        return UsageError;
    }
    bool needsSecrets = false;
    for (const auto& b : c.workspace->deploySettings().backends)
        needsSecrets = needsSecrets || !b.credential.isEmpty();
    if (needsSecrets)
        c.secrets = std::make_unique<Secrets::KeychainSecretStore>();
    Deploy::DeployService::Options options;
    options.workspaceDirectory = c.workspace->directory();
    options.secrets = c.secrets.get();
    options.extraValues.insert(QStringLiteral("flightdeck"), QCoreApplication::applicationFilePath());
    options.gitCacheDirectory = Sources::defaultGitCacheDir();
    c.service = std::make_unique<Deploy::DeployService>(c.workspace->deploySettings(), options);
    c.service->setServices(Deploy::servicesOf(*loaded.catalog, c.workspace->sources()));
    return Success;
}

// Finishes operations an earlier run left without a result, and says so.
void reconcile(Deploy::DeployService& service)
{
    QEventLoop loop;
    QTextStream err(stderr);
    service.reconcile(&loop, [&](const QStringList& lines) {
        for (const QString& l : lines)
            err << "flightdeck: reconciled an interrupted operation: " << l << "\n";
        loop.quit();
    });
    loop.exec();
}

bool confirmOnTerminal(const Deploy::DeployPlan& plan)
{
    QTextStream out(stdout);
    QTextStream in(stdin);
    if (plan.confirm) {
        out << plan.environment << " is protected. Type the service name (" << plan.service << ") to go ahead: " << Qt::flush;
        return in.readLine().trimmed() == plan.service;
    }
    out << "Go ahead? [y/N] " << Qt::flush;
    const QString answer = in.readLine().trimmed().toLower();
    return answer == QLatin1String("y") || answer == QLatin1String("yes");
}

int runOperation(const QStringList& arguments, const QString& operation, const char* usage)
{
    QCommandLineParser p;
    addSourceOptions(p);
    p.addOption({ QStringLiteral("env"), QStringLiteral("The environment."), QStringLiteral("ENV") });
    p.addOption({ QStringLiteral("version"), QStringLiteral("The version to deploy."), QStringLiteral("V") });
    p.addOption({ QStringLiteral("to"), operation == QLatin1String("promote") ? QStringLiteral("The environment to promote to.")
                                                                             : QStringLiteral("The version to go back to."),
        operation == QLatin1String("promote") ? QStringLiteral("ENV") : QStringLiteral("VERSION") });
    p.addOption({ QStringLiteral("strategy"), QStringLiteral("The backend's deploy strategy."), QStringLiteral("S") });
    p.addOption({ QStringLiteral("yes"), QStringLiteral("Do not ask for confirmation.") });
    if (!parseArguments(p, arguments, usage))
        return UsageError;
    const QStringList positional = p.positionalArguments();
    if (positional.size() != 1)
        return usageError(positional.isEmpty() ? QStringLiteral("name the service") : QStringLiteral("one service at a time"), usage);

    Deploy::OperationRequest request;
    request.operation = operation;
    request.service = positional.first();
    if (operation == QLatin1String("promote")) {
        if (!p.isSet(QStringLiteral("to")))
            return usageError(QStringLiteral("--to ENV is required"), usage);
        if (p.isSet(QStringLiteral("env")) || p.isSet(QStringLiteral("version")))
            return usageError(QStringLiteral("promote takes the version running in the environment before --to"), usage);
        request.environment = p.value(QStringLiteral("to"));
    } else {
        if (!p.isSet(QStringLiteral("env")))
            return usageError(QStringLiteral("--env ENV is required"), usage);
        request.environment = p.value(QStringLiteral("env"));
        if (operation == QLatin1String("deploy")) {
            if (!p.isSet(QStringLiteral("version")) || p.value(QStringLiteral("version")).trimmed().isEmpty())
                return usageError(QStringLiteral("--version V is required"), usage);
            if (p.isSet(QStringLiteral("to")))
                return usageError(QStringLiteral("deploy takes --version, not --to"), usage);
            request.version = p.value(QStringLiteral("version")).trimmed();
        } else {
            if (p.isSet(QStringLiteral("version")))
                return usageError(QStringLiteral("rollback takes --to VERSION"), usage);
            request.version = p.value(QStringLiteral("to")).trimmed();
        }
    }
    request.strategy = p.value(QStringLiteral("strategy"));
    const bool yes = p.isSet(QStringLiteral("yes"));
    const bool interactive = ::isatty(STDIN_FILENO);
    if (!yes && !interactive)
        return usageError(QStringLiteral("not asking for confirmation on a non-interactive input; add --yes"), usage);

    Context c;
    if (const int code = setUp(p, usage, c); code != Success)
        return code;
    QTextStream out(stdout);
    QTextStream err(stderr);
    if (!c.service->environment(request.environment)) {
        err << "flightdeck: there is no environment \"" << request.environment << "\"; the environments are "
            << c.service->environmentNames().join(QStringLiteral(", ")) << "\n";
        return UsageError;
    }
    reconcile(*c.service);

    QEventLoop loop;
    int exitCode = Failure;
    Deploy::DeployOperation* op = c.service->prepare(request);
    QObject::connect(op, &Deploy::DeployOperation::planned, &loop, [&](const Deploy::DeployPlan& plan) {
        if (!plan.ok) {
            err << "flightdeck: " << plan.error << "\n";
            if (!plan.hint.isEmpty())
                err << "    " << plan.hint << "\n";
            op->cancel();
            loop.quit();
            return;
        }
        out << plan.summary << "\n";
        for (const QString& n : plan.notes)
            out << "  note: " << n << "\n";
        out << Qt::flush;
        if (!yes && !confirmOnTerminal(plan)) {
            err << "flightdeck: not confirmed; nothing was changed\n";
            op->cancel();
            loop.quit();
            return;
        }
        op->execute();
    });
    QObject::connect(op, &Deploy::DeployOperation::step, &loop, [&](const QString& name, const QString& state) {
        out << "▸ " << name << ": " << state << "\n" << Qt::flush;
    });
    QObject::connect(op, &Deploy::DeployOperation::log, &loop, [&](const QString& line) { out << "  " << line << "\n" << Qt::flush; });
    QObject::connect(op, &Deploy::DeployOperation::finished, &loop, [&](const Deploy::DeployResult& r) {
        if (r.ok()) {
            out << Deploy::outcomeName(r.outcome) << ": " << (r.message.isEmpty() ? QStringLiteral("done") : r.message) << "\n";
            exitCode = Success;
        } else {
            err << "flightdeck: " << operation << " " << Deploy::outcomeName(r.outcome) << ": " << r.message << "\n";
            if (!r.hint.isEmpty())
                err << "    " << r.hint << "\n";
            if (r.changed)
                err << "    the backend had already accepted the change (" << r.reference << ")\n";
            exitCode = Failure;
        }
        loop.quit();
    });
    loop.exec();
    return exitCode;
}

// "SERVICE [--env ENV] [--format table|json]": parses, then sets up the deploy service.
int setUpServiceQuery(QCommandLineParser& p, const QStringList& arguments, const char* usage, const QString& envHelp, QString& service,
    QString& format, Context& c)
{
    addSourceOptions(p);
    p.addOption({ QStringLiteral("env"), envHelp, QStringLiteral("ENV") });
    p.addOption({ QStringLiteral("format"), QStringLiteral("table or json."), QStringLiteral("FORMAT"), QStringLiteral("table") });
    if (!parseArguments(p, arguments, usage))
        return UsageError;
    format = p.value(QStringLiteral("format"));
    if (format != QLatin1String("table") && format != QLatin1String("json"))
        return usageError(QStringLiteral("--format is table or json, not %1").arg(format), usage);
    if (p.positionalArguments().size() != 1)
        return usageError(QStringLiteral("name one service"), usage);
    service = p.positionalArguments().first();
    if (const int code = setUp(p, usage, c); code != Success)
        return code;
    if (!c.service->services().isEmpty() && !c.service->services().contains(service) && !c.service->settings().service(service)) {
        QTextStream(stderr) << "flightdeck: there is no service \"" << service << "\" in the catalog\n";
        return Failure;
    }
    return Success;
}

int runHistory(const QStringList& arguments)
{
    QCommandLineParser p;
    QString service, format;
    Context c;
    if (const int code = setUpServiceQuery(p, arguments, historyUsage, QStringLiteral("Only this environment."), service, format, c); code != Success)
        return code;
    QTextStream out(stdout);
    QTextStream err(stderr);
    QStringList environments = c.service->environmentNames();
    if (p.isSet(QStringLiteral("env"))) {
        const QString env = p.value(QStringLiteral("env"));
        if (!environments.contains(env)) {
            err << "flightdeck: there is no environment \"" << env << "\"; the environments are " << environments.join(QStringLiteral(", ")) << "\n";
            return UsageError;
        }
        environments = { env };
    }
    QEventLoop loop;
    QHash<QString, Deploy::DeployResult> results;
    int left = int(environments.size());
    for (const QString& env : std::as_const(environments))
        c.service->query(Deploy::Action::History, service, env, &loop, [&, env](const Deploy::DeployResult& r) {
            results.insert(env, r);
            if (--left == 0)
                loop.quit();
        });
    if (left > 0)
        loop.exec();
    int exitCode = Success;
    QJsonArray json;
    QList<QStringList> rows { { QStringLiteral("WHEN (UTC)"), QStringLiteral("ENV"), QStringLiteral("OPERATION"), QStringLiteral("VERSION"),
        QStringLiteral("FROM"), QStringLiteral("RESULT"), QStringLiteral("BY"), QStringLiteral("ID") } };
    for (const QString& env : std::as_const(environments)) {
        const Deploy::DeployResult& r = results[env];
        if (!r.ok()) {
            err << "flightdeck: the history of " << service << " in " << env << " could not be read: " << r.message << "\n";
            exitCode = Failure;
            continue;
        }
        for (const Deploy::HistoryEntry& h : r.history) {
            QJsonObject o;
            o.insert(QStringLiteral("environment"), env);
            o.insert(QStringLiteral("id"), h.id);
            o.insert(QStringLiteral("version"), h.version);
            o.insert(QStringLiteral("previousVersion"), h.previousVersion);
            o.insert(QStringLiteral("operation"), h.operation);
            o.insert(QStringLiteral("actor"), h.actor);
            o.insert(QStringLiteral("at"), h.at.toUTC().toString(Qt::ISODate));
            o.insert(QStringLiteral("result"), h.result);
            o.insert(QStringLiteral("detail"), h.detail);
            json.append(o);
            rows << QStringList { h.at.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm")), env, h.operation, h.version, h.previousVersion,
                h.result, h.actor.section(QLatin1String(" <"), 0, 0), h.id.left(12) };
        }
    }
    if (format == QLatin1String("json"))
        out << QJsonDocument(json).toJson(QJsonDocument::Indented);
    else if (rows.size() == 1)
        out << "no deployments of " << service << " recorded\n";
    else
        printTable(out, rows);
    return exitCode;
}

// The versions a deploy to ENV can take: the backend's, then the tags and recent commits of the
// service's repository.
int runVersions(const QStringList& arguments)
{
    QCommandLineParser p;
    QString service, format;
    Context c;
    if (const int code = setUpServiceQuery(p, arguments, versionsUsage, QStringLiteral("The environment (default: the first)."), service, format, c);
        code != Success)
        return code;
    QTextStream out(stdout);
    QTextStream err(stderr);
    const QStringList environments = c.service->environmentNames();
    const QString env = p.isSet(QStringLiteral("env")) ? p.value(QStringLiteral("env")) : environments.value(0);
    if (!environments.contains(env)) {
        err << "flightdeck: there is no environment \"" << env << "\"; the environments are " << environments.join(QStringLiteral(", ")) << "\n";
        return UsageError;
    }
    QEventLoop loop;
    int left = 2;
    Deploy::DeployResult backend;
    Deploy::SourceVersions source;
    const auto one = [&] {
        if (--left == 0)
            loop.quit();
    };
    c.service->query(Deploy::Action::Versions, service, env, &loop, [&](const Deploy::DeployResult& r) {
        backend = r;
        one();
    });
    c.service->sourceVersions(service, env, &loop, [&](const Deploy::SourceVersions& v) {
        source = v;
        one();
    });
    loop.exec();

    QJsonArray json;
    QList<QStringList> rows { { QStringLiteral("VERSION"), QStringLiteral("FROM"), QStringLiteral("DATE (UTC)"), QStringLiteral("DETAIL") } };
    const auto add = [&](const QString& version, const QString& from, const QDateTime& date, const QString& ref, const QString& detail) {
        QJsonObject o;
        o.insert(QStringLiteral("version"), version);
        o.insert(QStringLiteral("from"), from);
        if (date.isValid())
            o.insert(QStringLiteral("date"), date.toUTC().toString(Qt::ISODate));
        if (!ref.isEmpty())
            o.insert(QStringLiteral("ref"), ref);
        if (!detail.isEmpty())
            o.insert(QStringLiteral("detail"), detail);
        json.append(o);
        rows << QStringList { version, from, date.isValid() ? date.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm")) : QString(), detail };
    };
    if (!backend.ok())
        err << "flightdeck: the versions of the backend of " << env << " could not be read: " << backend.message << "\n";
    for (const QString& v : std::as_const(backend.versions))
        add(v, QStringLiteral("backend"), {}, {}, {});
    if (!source.ok() && source.repository.isKnown())
        err << "flightdeck: the versions of " << source.repository.url << " could not be read: " << source.error
            << (source.hint.isEmpty() ? QString() : QStringLiteral("\n    ") + source.hint) << "\n";
    if (!source.warning.isEmpty())
        err << "flightdeck: " << source.warning << "\n";
    for (const Deploy::SourceVersion& v : std::as_const(source.versions)) {
        const bool tag = v.kind == Deploy::SourceVersion::Kind::Tag;
        add(v.version, tag ? QStringLiteral("tag") : QStringLiteral("commit"), v.date, tag ? v.tag : v.sha, v.summary);
    }
    if (format == QLatin1String("json"))
        out << QJsonDocument(json).toJson(QJsonDocument::Indented);
    else if (rows.size() == 1)
        out << "nothing lists versions of " << service << " for " << env << "\n";
    else
        printTable(out, rows);
    if (source.ok() && source.repository.isKnown() && format == QLatin1String("table"))
        err << "flightdeck: tags and commits of " << source.repository.url
            << (source.repository.path.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(source.repository.path)) << ", read from "
            << source.readFrom << "\n";
    // Failed: something that should list versions could not be read.
    return backend.ok() && (source.ok() || !source.repository.isKnown()) ? Success : Failure;
}

} // namespace

int runDeploy(const QStringList& arguments)
{
    return runOperation(arguments, QStringLiteral("deploy"), deployUsage);
}

int runPromote(const QStringList& arguments)
{
    return runOperation(arguments, QStringLiteral("promote"), promoteUsage);
}

int runRollback(const QStringList& arguments)
{
    return runOperation(arguments, QStringLiteral("rollback"), rollbackUsage);
}

int runDeployHistory(const QStringList& arguments)
{
    return runHistory(arguments);
}

int runDeployVersions(const QStringList& arguments)
{
    return runVersions(arguments);
}

} // namespace Flightdeck::Cli
