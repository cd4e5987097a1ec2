// SPDX-License-Identifier: Apache-2.0
// The flightdeck executable: a headless command line when the first argument is a subcommand,
// the desktop app otherwise.
#include "cli/cli.h"
#include "gui.h"

#include <QCoreApplication>

#include <git2.h>

#include <cstdio>
#include <memory>

#include <unistd.h>

int main(int argc, char* argv[])
{
    git_libgit2_init();
    int rc = 0;
    if (Flightdeck::Cli::isSubcommand(argc, argv)) {
        QCoreApplication app(argc, argv);
        QCoreApplication::setApplicationName(QStringLiteral("flightdeck"));
        QCoreApplication::setOrganizationName(QStringLiteral("flightdeck"));
        rc = Flightdeck::Cli::run(app.arguments());
        // A command line is done once its output is written: skip tearing down a catalog of
        // 100,000 entities piece by piece.
        fflush(stdout);
        fflush(stderr);
        _exit(rc);
    } else {
        rc = Flightdeck::App::runGui(argc, argv);
    }
    git_libgit2_shutdown();
    return rc;
}
