// SPDX-License-Identifier: Apache-2.0
// flightdeck scaffold list | run
#include "cli.h"
#include "clisupport.h"

#include "catalog/catalog.h"
#include "catalog/yamldocument.h"
#include "secrets/keychainsecretstore.h"
#include "scaffolder/formschema.h"
#include "scaffolder/publishsecrets.h"
#include "scaffolder/taskrunner.h"
#include "scaffolder/template.h"

#include <QCommandLineParser>
#include <QDir>
#include <QDirIterator>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QTextStream>
#include <QTimer>

namespace Flightdeck::Cli {

using namespace Flightdeck::Scaffolder;

namespace {

const char* const listUsage = "flightdeck scaffold list [--workspace FILE] [SOURCE...]";
const char* const runUsage = "flightdeck scaffold run TEMPLATE --values FILE --output DIR [--dry-run] [--push URL] "
                             "[--workspace FILE] [SOURCE...]";

struct Candidate
{
    QString ref;
    QString title;
    QString origin; // "bundled" or the catalog entity's file
    QString file; // the template.yaml (":/templates/…" for bundled ones); empty for catalog-only
    int entity = -1;
};

QList<Candidate> bundledTemplates()
{
    QList<Candidate> out;
    QDirIterator it(QStringLiteral(":/templates"), QDir::Dirs | QDir::NoDotAndDotDot);
    QStringList dirs;
    while (it.hasNext())
        dirs << it.next();
    dirs.sort();
    for (const QString& dir : std::as_const(dirs)) {
        const QString file = dir + QStringLiteral("/template.yaml");
        if (!QFileInfo::exists(file))
            continue;
        const TemplateLoad load = loadTemplateFile(file);
        out.append({ load.value.entityRef(), load.value.displayTitle(), QStringLiteral("bundled"), file, -1 });
    }
    return out;
}

bool hasSources(const QCommandLineParser& p, const QStringList& positional)
{
    return p.isSet(QStringLiteral("workspace")) || !positional.isEmpty();
}

QList<Candidate> catalogTemplates(const Catalog::Catalog& c)
{
    QList<Candidate> out;
    for (int i = 0; i < int(c.size()); ++i) {
        const Catalog::Entity& e = c.entity(i);
        if (e.ref.kind.compare(QLatin1String("Template"), Qt::CaseInsensitive) != 0)
            continue;
        out.append({ e.key, e.title.isEmpty() ? e.ref.name : e.title, QStringLiteral("catalog"), QString(), i });
    }
    return out;
}

int listTemplates(const QStringList& args)
{
    QCommandLineParser p;
    addSourceOptions(p);
    if (!parseArguments(p, args, listUsage))
        return UsageError;
    QList<Candidate> all = bundledTemplates();
    LoadedCatalog loaded;
    if (hasSources(p, p.positionalArguments())) {
        if (const int rc = loadCatalog(p, p.positionalArguments(), listUsage, loaded, true); rc != Success)
            return rc;
        all << catalogTemplates(*loaded.catalog);
    }
    QList<QStringList> rows { { QStringLiteral("REF"), QStringLiteral("TITLE"), QStringLiteral("FROM") } };
    for (const Candidate& c : std::as_const(all))
        rows << QStringList { shortRef(c.ref), c.title, c.origin };
    QTextStream out(stdout);
    printTable(out, rows);
    return Success;
}

// JSON or YAML (the first document), as an object.
bool readValues(const QString& path, QJsonObject& values, QString& error)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        error = QStringLiteral("cannot read the values file %1").arg(path);
        return false;
    }
    const QByteArray bytes = f.readAll();
    QJsonParseError pe;
    const QJsonDocument d = QJsonDocument::fromJson(bytes, &pe);
    if (pe.error == QJsonParseError::NoError && d.isObject()) {
        values = d.object();
        return true;
    }
    const std::vector<Catalog::YamlStreamDocument> docs = Catalog::parseYamlStream(bytes);
    if (docs.empty() || docs.front().error || docs.front().document.root() == Catalog::YamlDocument::npos) {
        error = QStringLiteral("the values file %1 is neither a JSON nor a YAML object%2")
                    .arg(path,
                        !docs.empty() && docs.front().error ? QStringLiteral(": ") + docs.front().error->message
                                                            : QString());
        return false;
    }
    const QJsonValue v = Detail::yamlToJson(Catalog::YamlValue(&docs.front().document, docs.front().document.root()));
    if (!v.isObject()) {
        error = QStringLiteral("the values file %1 must hold an object").arg(path);
        return false;
    }
    values = v.toObject();
    return true;
}

class PrintingRegistrar : public CatalogRegistrar
{
public:
    RegisterResult registerLocation(const RegisterRequest& request) override
    {
        // The command line has no catalog to add to: report what would be registered.
        RegisterResult r;
        r.ok = true;
        QTextStream(stdout) << "catalog:register: " << request.catalogInfoUrl
                            << " (no catalog service on the command line; register it from the app)\n";
        return r;
    }
};

int runTemplate(const QStringList& args)
{
    QCommandLineParser p;
    p.addOption({ QStringLiteral("values"), QStringLiteral("Form values (YAML or JSON)"), QStringLiteral("file") });
    p.addOption({ QStringLiteral("output"), QStringLiteral("Folder that receives the rendered workspace"),
        QStringLiteral("dir") });
    p.addOption({ QStringLiteral("dry-run"), QStringLiteral("Render only; no publish or register side effect") });
    p.addOption({ QStringLiteral("push"), QStringLiteral("Run publish steps as a git push to this URL"),
        QStringLiteral("url") });
    addSourceOptions(p);
    if (!parseArguments(p, args, runUsage))
        return UsageError;
    QStringList positional = p.positionalArguments();
    if (positional.isEmpty())
        return usageError(
            QStringLiteral("scaffold run needs a TEMPLATE (a template.yaml or a template ref)"), runUsage);
    if (!p.isSet(QStringLiteral("values")))
        return usageError(QStringLiteral("scaffold run needs --values FILE"), runUsage);
    if (!p.isSet(QStringLiteral("output")))
        return usageError(QStringLiteral("scaffold run needs --output DIR"), runUsage);
    const QString templateArg = positional.takeFirst();
    QTextStream err(stderr);
    QTextStream out(stdout);

    QJsonObject values;
    QString error;
    if (!readValues(p.value(QStringLiteral("values")), values, error))
        return usageError(error, runUsage);

    // TEMPLATE: a file, else a ref among the bundled templates, else among the catalog's.
    TemplateLoad load;
    if (QFileInfo(templateArg).isFile()) {
        load = loadTemplateFile(QFileInfo(templateArg).absoluteFilePath());
    } else {
        const QString wanted = templateArg.section(QLatin1Char('/'), -1).section(QLatin1Char(':'), -1).toLower();
        const QString wantedNs = templateArg.contains(QLatin1Char('/'))
            ? templateArg.section(QLatin1Char('/'), 0, 0).section(QLatin1Char(':'), -1).toLower()
            : QStringLiteral("default");
        bool found = false;
        if (hasSources(p, positional)) {
            LoadedCatalog loaded;
            if (const int rc = loadCatalog(p, positional, runUsage, loaded, true); rc != Success)
                return rc;
            for (const Candidate& c : catalogTemplates(*loaded.catalog)) {
                const Catalog::Entity& e = loaded.catalog->entity(c.entity);
                if (e.ref.name.toLower() == wanted && e.ref.ns.toLower() == wantedNs) {
                    load = loadTemplate(e);
                    found = true;
                    break;
                }
            }
        }
        if (!found) {
            for (const Candidate& c : bundledTemplates()) {
                if (c.ref.toLower() == QStringLiteral("template:%1/%2").arg(wantedNs, wanted)) {
                    load = loadTemplateFile(c.file);
                    found = true;
                    break;
                }
            }
        }
        if (!found)
            return usageError(QStringLiteral("no template file or template ref \"%1\" (see flightdeck scaffold list)")
                                  .arg(templateArg),
                runUsage);
    }
    if (!load.ok) {
        err << "flightdeck: the template " << templateArg << " has errors:\n";
        for (const Diagnostic& d : std::as_const(load.diagnostics))
            if (d.severity == Catalog::Severity::Error)
                err << "  " << d.file << ":" << d.line << ":" << d.column << ": " << d.message << "\n";
        return Failure;
    }

    // The wizard's defaults and validation, so a headless run sees the values a form would give.
    const QList<FormPage> pages = formPages(load.value);
    // withDefaults merges the given data over the page's defaults as rjsf does (nested objects and
    // array items included), so a partly given object still gets its missing defaults.
    for (const FormPage& page : pages)
        values = withDefaults(page, values);
    const QList<FieldError> invalid = validateForm(pages, values);
    if (!invalid.isEmpty()) {
        err << "flightdeck: the values do not fit the template's form:\n";
        for (const FieldError& e : invalid)
            err << "  " << (e.path.isEmpty() ? QStringLiteral("(form)") : e.path) << ": " << e.message << " [" << e.rule
                << "]\n";
        return UsageError;
    }

    const QString outputDir = QFileInfo(p.value(QStringLiteral("output"))).absoluteFilePath();
    if (QFileInfo(outputDir).exists() && !QDir(outputDir).isEmpty())
        return usageError(QStringLiteral("--output %1 exists and is not empty").arg(outputDir), runUsage);

    TaskOptions options;
    options.workspace = outputDir;
    options.dryRun = p.isSet(QStringLiteral("dry-run"));
    options.publishRemoteUrl = p.value(QStringLiteral("push"));
    // publish:github / publish:gitlab take their token from the keychain when the step gives none;
    // the keychain is only asked when such a step will really run.
    const bool hostedPublish = std::any_of(load.value.steps.cbegin(), load.value.steps.cend(), [](const TemplateStep& s) {
        return s.action == QLatin1String("publish:github") || s.action == QLatin1String("publish:gitlab");
    });
    if (hostedPublish && !options.dryRun && options.publishRemoteUrl.isEmpty()) {
        Secrets::KeychainSecretStore keychain;
        QEventLoop loop;
        bool done = false;
        readPublishSecrets(&keychain, &loop, [&](const QJsonObject& found) {
            options.secrets = found;
            done = true;
            loop.quit();
        });
        QTimer::singleShot(10000, &loop, &QEventLoop::quit); // a keychain that never answers
        if (!done)
            loop.exec();
    }
    PrintingRegistrar registrar;
    options.registrar = &registrar;
    options.onLog = [&out](const QString& stepId, const QString& line) {
        out << "[" << (stepId.isEmpty() ? QStringLiteral("task") : stepId) << "] " << line << "\n";
        out.flush();
    };
    TaskRunner runner(load.value, options);
    QObject::connect(
        &runner, &TaskRunner::stepFinished, &runner, [&out](int, const QString& id, const QString& status) {
            out << "step " << id << ": " << status << "\n";
            out.flush();
        });
    const bool ok = runner.run(values);
    if (!ok) {
        err << "flightdeck: " << runner.state().error << "\n";
        err << "The task state is in " << runner.stateFile() << "\n";
        return Failure;
    }
    const QJsonArray links = runner.state().output.value(QStringLiteral("links")).toArray();
    for (const QJsonValue& l : links) {
        const QJsonObject o = l.toObject();
        out << "link: " << o.value(QStringLiteral("title")).toString() << " "
            << (o.contains(QStringLiteral("url")) ? o.value(QStringLiteral("url")).toString()
                                                  : o.value(QStringLiteral("entityRef")).toString())
            << "\n";
    }
    out << (options.dryRun ? "dry-run complete: " : "run complete: ") << outputDir << "\n";
    return Success;
}

} // namespace

int runScaffold(const QStringList& arguments)
{
    const QString sub = arguments.value(0);
    if (sub == QLatin1String("list"))
        return listTemplates(arguments.mid(1));
    if (sub == QLatin1String("run"))
        return runTemplate(arguments.mid(1));
    QTextStream err(stderr);
    err << "flightdeck: scaffold needs a subcommand: list or run\n"
        << "Usage: " << listUsage << "\n       " << runUsage << "\n";
    return UsageError;
}

} // namespace Flightdeck::Cli
