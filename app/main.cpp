// SPDX-License-Identifier: Apache-2.0
// The flightdeck executable: a headless command line when the first argument is a subcommand,
// the desktop app otherwise.
#include "cli/cli.h"
#include "mainwindow.h"

#include <QApplication>
#include <QCoreApplication>

#include <git2.h>

#include <memory>

int main(int argc, char* argv[])
{
    git_libgit2_init();
    int rc = 0;
    if (Flightdeck::Cli::isSubcommand(argc, argv)) {
        QCoreApplication app(argc, argv);
        QCoreApplication::setApplicationName(QStringLiteral("flightdeck"));
        QCoreApplication::setOrganizationName(QStringLiteral("flightdeck"));
        rc = Flightdeck::Cli::run(app.arguments());
    } else {
        QApplication app(argc, argv);
        QCoreApplication::setApplicationName(QStringLiteral("flightdeck"));
        QCoreApplication::setOrganizationName(QStringLiteral("flightdeck"));
        Flightdeck::Views::MainWindow window;
        window.show();
        rc = app.exec();
    }
    git_libgit2_shutdown();
    return rc;
}
