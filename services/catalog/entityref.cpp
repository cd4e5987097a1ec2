// SPDX-License-Identifier: Apache-2.0
#include "entityref.h"

namespace Flightdeck::Catalog {

EntityRefParseResult EntityRef::parse(QStringView text, const Defaults& defaults)
{
    EntityRefParseResult result;
    if (text.isEmpty()) {
        result.error = QStringLiteral("Entity reference must not be empty");
        return result;
    }
    qsizetype colon = text.indexOf(QLatin1Char(':'));
    const qsizetype slash = text.indexOf(QLatin1Char('/'));
    if (slash != -1 && slash < colon)
        colon = -1; // "ns/kind:name": the colon belongs to the name
    const qsizetype nameStart = std::max(colon + 1, slash + 1);
    const QStringView kindPart = colon == -1 ? QStringView() : text.left(colon);
    const QStringView nsPart = slash == -1 ? QStringView() : text.mid(colon + 1, slash - colon - 1);
    const QStringView namePart = text.mid(nameStart);
    const auto malformed = [&] {
        result.error = QStringLiteral("Entity reference \"%1\" was not on the form [<kind>:][<namespace>/]<name>")
                           .arg(text.toString());
        return result;
    };
    if ((colon != -1 && kindPart.isEmpty()) || (slash != -1 && nsPart.isEmpty()) || namePart.isEmpty())
        return malformed();
    EntityRef ref;
    ref.kind = colon == -1 ? defaults.kind : kindPart.toString();
    if (ref.kind.isEmpty()) {
        result.error = QStringLiteral("Entity reference \"%1\" had missing or empty kind (e.g. did not start with "
                                      "\"component:\" or similar)")
                           .arg(text.toString());
        return result;
    }
    ref.ns = slash == -1 ? (defaults.ns.isEmpty() ? QStringLiteral("default") : defaults.ns) : nsPart.toString();
    ref.name = namePart.toString();
    result.ref = std::move(ref);
    return result;
}

EntityRef EntityRef::fromString(QStringView text, const Defaults& defaults)
{
    auto r = parse(text, defaults);
    return r.ref ? *r.ref : EntityRef();
}

QString canonicalKey(const QString& kind, const QString& ns, const QString& name)
{
    QString s;
    s.reserve(kind.size() + ns.size() + name.size() + 2);
    s += kind;
    s += QLatin1Char(':');
    s += ns;
    s += QLatin1Char('/');
    s += name;
    return s.toLower();
}

QString EntityRef::key() const
{
    return canonicalKey(kind, ns, name);
}

QString EntityRef::toDisplayString() const
{
    if (ns.compare(QLatin1String("default"), Qt::CaseInsensitive) == 0)
        return kind.toLower() + QLatin1Char(':') + name;
    return kind.toLower() + QLatin1Char(':') + ns + QLatin1Char('/') + name;
}

} // namespace Flightdeck::Catalog
