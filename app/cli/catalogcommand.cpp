// SPDX-License-Identifier: Apache-2.0
#include "cli.h"

#include <QTextStream>

namespace Flightdeck::Cli {

int runCatalog(const QStringList& arguments)
{
    QTextStream err(stderr);
    err << "flightdeck catalog: not available yet (" << arguments.join(QLatin1Char(' ')) << ")\n";
    return UsageError;
}

} // namespace Flightdeck::Cli
