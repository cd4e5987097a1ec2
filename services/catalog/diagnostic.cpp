// SPDX-License-Identifier: Apache-2.0
#include "diagnostic.h"

namespace Flightdeck::Catalog {

QString severityName(Severity s)
{
    return s == Severity::Error ? QStringLiteral("error") : QStringLiteral("warning");
}

QJsonObject Diagnostic::toJson() const
{
    QJsonObject o;
    o.insert(QStringLiteral("file"), file);
    o.insert(QStringLiteral("line"), line);
    o.insert(QStringLiteral("column"), column);
    o.insert(QStringLiteral("entity"), entity.isEmpty() ? QJsonValue() : QJsonValue(entity));
    o.insert(QStringLiteral("severity"), severityName(severity));
    o.insert(QStringLiteral("field"), field.isEmpty() ? QJsonValue() : QJsonValue(field));
    o.insert(QStringLiteral("message"), message);
    o.insert(QStringLiteral("hint"), hint);
    o.insert(QStringLiteral("code"), code);
    if (!backstage.isEmpty())
        o.insert(QStringLiteral("backstage"), backstage);
    return o;
}

QString Diagnostic::toText() const
{
    QString where = file;
    if (line > 0) {
        where += QLatin1Char(':') + QString::number(line);
        if (column > 0)
            where += QLatin1Char(':') + QString::number(column);
    }
    QString s = where + QStringLiteral(": ") + severityName(severity) + QStringLiteral(": ") + message;
    QStringList about;
    if (!entity.isEmpty())
        about << entity;
    if (!field.isEmpty())
        about << field;
    if (!about.isEmpty())
        s += QStringLiteral(" [") + about.join(QStringLiteral(", ")) + QLatin1Char(']');
    if (!hint.isEmpty())
        s += QStringLiteral("\n    ") + hint;
    return s;
}

} // namespace Flightdeck::Catalog
