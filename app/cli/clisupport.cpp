// SPDX-License-Identifier: Apache-2.0
#include "clisupport.h"

#include "cli.h"
#include "secrets/keychainsecretstore.h"
#include "workspace/demoworkspace.h"
#include "workspace/workspace.h"

#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QFileInfo>

#include <unistd.h>

namespace Flightdeck::Cli {

void addSourceOptions(QCommandLineParser& parser)
{
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    parser.addOption({QStringLiteral("workspace"), QStringLiteral("Read the sources of this workspace file"),
                      QStringLiteral("FILE")});
    parser.addHelpOption();
}

int usageError(const QString& message, const char* usage)
{
    QTextStream err(stderr);
    err << "flightdeck: " << message << "\nUsage: " << usage << "\n";
    return UsageError;
}

bool parseArguments(QCommandLineParser& parser, const QStringList& args, const char* usage)
{
    QStringList withProgram = args;
    withProgram.prepend(QStringLiteral("flightdeck"));
    if (!parser.parse(withProgram)) {
        usageError(parser.errorText(), usage);
        return false;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        QTextStream(stdout) << "Usage: " << usage << "\n\n" << parser.helpText().section(QLatin1Char('\n'), 2);
        ::exit(Success);
    }
    return true;
}

int loadCatalog(const QCommandLineParser& parser, const QStringList& sourceArguments, const char* usage,
                LoadedCatalog& out, bool quiet)
{
    QList<Sources::CatalogSourceSpec> specs;
    Catalog::LoadOptions loadOptions;
    QTextStream err(stderr);
    if (parser.isSet(QStringLiteral("workspace"))) {
        Catalog::Diagnostics problems;
        const auto workspace = Workspace::Workspace::load(parser.value(QStringLiteral("workspace")), problems);
        for (const Catalog::Diagnostic& d : std::as_const(problems))
            err << d.toText() << "\n";
        if (!workspace) {
            err << "flightdeck: the workspace file could not be read\n";
            return UsageError;
        }
        specs = workspace->sources();
        loadOptions.maxFileSize = workspace->catalogSettings().maxFileSize;
    }
    for (const QString& arg : sourceArguments) {
        Sources::CatalogSourceSpec spec;
        QString error;
        if (!Sources::parseSourceArgument(arg, spec, error))
            return usageError(error, usage);
        specs << spec;
    }
    if (specs.isEmpty() && !parser.isSet(QStringLiteral("workspace"))) {
        // No SOURCE and no --workspace: the user's workspace when there is one, else the demo.
        QString path = Workspace::Workspace::defaultPath();
        if (!QFileInfo::exists(path)) {
            const Workspace::DemoResult demo = Workspace::DemoWorkspace::ensure();
            if (!demo.ok) {
                err << "flightdeck: no SOURCE given, no --workspace, and the demo workspace could not be built: "
                    << demo.error << "\n    " << demo.hint << "\n";
                return Failure;
            }
            path = demo.workspacePath;
        }
        if (!quiet && ::isatty(STDERR_FILENO))
            err << "flightdeck: no SOURCE given; reading the workspace " << QDir::toNativeSeparators(path) << "\n";
        Catalog::Diagnostics problems;
        const auto workspace = Workspace::Workspace::load(path, problems);
        for (const Catalog::Diagnostic& d : std::as_const(problems))
            err << d.toText() << "\n";
        if (!workspace) {
            err << "flightdeck: the workspace file " << QDir::toNativeSeparators(path) << " could not be read\n";
            return UsageError;
        }
        specs = workspace->sources();
        loadOptions.maxFileSize = workspace->catalogSettings().maxFileSize;
    }
    if (specs.isEmpty())
        return usageError(QStringLiteral("no SOURCE given, and no --workspace"), usage);

    std::unique_ptr<Secrets::SecretStore> secrets;
    for (const auto& s : std::as_const(specs))
        if (!s.credential.isEmpty() && !secrets)
            secrets = std::make_unique<Secrets::KeychainSecretStore>();

    Sources::RefreshOptions options;
    options.local.load = loadOptions;
    options.buildSearchIndex = false; // built on first use: validate never needs it
    Sources::CatalogRefresh refresh(specs, options, secrets.get());
    QEventLoop loop;
    const bool tty = !quiet && ::isatty(STDERR_FILENO);
    QObject::connect(&refresh, &Sources::CatalogRefresh::progress, &loop, [&](const QString& message, int done, int total) {
        if (tty)
            err << "\r\033[K" << message << " " << done << "/" << total << Qt::flush;
    });
    QObject::connect(&refresh, &Sources::CatalogRefresh::finished, &loop, [&](const Sources::RefreshResult& r) {
        out.catalog = r.catalog;
        out.sources = r.sources;
        loop.quit();
    });
    refresh.start();
    loop.exec();
    if (tty)
        err << "\r\033[K" << Qt::flush;
    if (!out.catalog)
        out.catalog = Catalog::Catalog::empty();
    return Success;
}

QString shortRef(const QString& key)
{
    if (key.isEmpty())
        return key;
    const qsizetype colon = key.indexOf(QLatin1Char(':'));
    if (key.mid(colon + 1).startsWith(QLatin1String("default/")))
        return key.left(colon + 1) + key.mid(colon + 1 + 8);
    return key;
}

void printTable(QTextStream& out, const QList<QStringList>& rows)
{
    QList<qsizetype> widths;
    for (const QStringList& row : rows)
        for (qsizetype i = 0; i < row.size(); ++i) {
            if (widths.size() <= i)
                widths << 0;
            widths[i] = std::max(widths[i], std::min<qsizetype>(row[i].size(), 60));
        }
    for (const QStringList& row : rows) {
        QString line;
        for (qsizetype i = 0; i < row.size(); ++i) {
            QString cell = row[i];
            if (cell.size() > 60)
                cell = cell.left(59) + QChar(0x2026);
            line += i + 1 == row.size() ? cell : cell.leftJustified(widths[i] + 2);
        }
        out << line.trimmed() << "\n";
    }
}

} // namespace Flightdeck::Cli
