// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "catalog/catalog.h"
#include "sources/catalogrefresh.h"

#include <QCommandLineParser>
#include <QList>
#include <QStringList>
#include <QTextStream>

namespace Flightdeck::Cli {

struct LoadedCatalog
{
    Catalog::CatalogPtr catalog;
    QList<Sources::SourceLoad> sources;
};

void addSourceOptions(QCommandLineParser& parser);
// Parses args (without the program and subcommand names). Prints the problem and usage on failure.
bool parseArguments(QCommandLineParser& parser, const QStringList& args, const char* usage);
int usageError(const QString& message, const char* usage);

// Reads the sources named on the command line and/or by --workspace into a catalog, running an
// event loop until done. Returns Success, or UsageError after printing why.
int loadCatalog(const QCommandLineParser& parser, const QStringList& sourceArguments, const char* usage,
                LoadedCatalog& out, bool quiet);

// "group:default/team-a" -> "group:team-a"; keys in another namespace are kept whole.
QString shortRef(const QString& key);
// Aligned columns; the first row is the header.
void printTable(QTextStream& out, const QList<QStringList>& rows);

} // namespace Flightdeck::Cli
