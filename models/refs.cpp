// SPDX-License-Identifier: Apache-2.0
#include "refs.h"

namespace Flightdeck::Models {

QString shortRef(const QString& key)
{
    const qsizetype colon = key.indexOf(QLatin1Char(':'));
    if (colon < 0)
        return key;
    if (QStringView(key).mid(colon + 1).startsWith(QLatin1String("default/")))
        return key.left(colon + 1) + key.mid(colon + 1 + 8);
    return key;
}

QString nameOfRef(const QString& key)
{
    const qsizetype colon = key.indexOf(QLatin1Char(':'));
    QString rest = colon < 0 ? key : key.mid(colon + 1);
    if (rest.startsWith(QLatin1String("default/")))
        rest = rest.mid(8);
    return rest;
}

} // namespace Flightdeck::Models
