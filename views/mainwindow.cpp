// SPDX-License-Identifier: Apache-2.0
#include "mainwindow.h"

#include <QLabel>

namespace Flightdeck::Views {

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
{
    setWindowTitle(QStringLiteral("Flightdeck"));
    setCentralWidget(new QLabel(tr("Flightdeck"), this));
    resize(1200, 800);
}

} // namespace Flightdeck::Views
