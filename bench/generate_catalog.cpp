// SPDX-License-Identifier: Apache-2.0
// generate_catalog N DIR [SEED]: writes a realistic Backstage catalog of N entities under DIR.
#include "cataloggenerator.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTextStream>

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    QTextStream err(stderr);
    QTextStream out(stdout);
    bool ok = args.size() == 3 || args.size() == 4;
    const int count = ok ? args.at(1).toInt(&ok) : 0;
    if (!ok || count < 1) {
        err << "usage: generate_catalog N DIR [SEED]\n"
               "  Writes a catalog of N entities (at least 20): DIR/catalog-info.yaml, DIR/domains.yaml,\n"
               "  DIR/org/*.yaml and DIR/systems/*.yaml. The same N and SEED always give the same files.\n";
        return 2;
    }
    Flightdeck::Bench::CatalogOptions options;
    options.entities = count;
    if (count < 20)
        err << "generate_catalog: " << count << " raised to 20, the smallest catalog with every kind\n";
    if (args.size() == 4) {
        options.seed = args.at(3).toULongLong(&ok, 0);
        if (!ok) {
            err << "generate_catalog: SEED must be an unsigned integer, not \"" << args.at(3) << "\"\n";
            return 2;
        }
    }
    QElapsedTimer timer;
    timer.start();
    const auto catalog = Flightdeck::Bench::generateCatalog(options);
    const QString error = Flightdeck::Bench::writeCatalogFiles(args.at(2), catalog.files);
    if (!error.isEmpty()) {
        err << "generate_catalog: " << error << "\n";
        return 1;
    }
    out << "Wrote " << catalog.entities.size() << " entities in " << catalog.files.size() << " files to " << args.at(2)
        << " (seed " << options.seed << ", " << timer.elapsed() << " ms)\n";
    return 0;
}
