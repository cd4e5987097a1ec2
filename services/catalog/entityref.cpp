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

void lowercaseUtf8(std::string& text)
{
    bool ascii = true;
    for (char& c : text) {
        if (static_cast<unsigned char>(c) >= 0x80) {
            ascii = false;
            break;
        }
        if (c >= 'A' && c <= 'Z')
            c = char(c + 32);
    }
    if (!ascii)
        text = QString::fromUtf8(text.data(), qsizetype(text.size())).toLower().toStdString();
}

bool parseEntityRefKey(std::string_view text, std::string_view defaultKind, std::string_view defaultNamespace,
                       std::string& key)
{
    // The same steps as EntityRef::parse; ':' and '/' are ASCII, so byte positions match.
    if (text.empty())
        return false;
    qsizetype colon = qsizetype(text.find(':'));
    const qsizetype slash = qsizetype(text.find('/'));
    if (size_t(colon) == std::string_view::npos)
        colon = -1;
    const qsizetype slashPos = size_t(slash) == std::string_view::npos ? -1 : slash;
    if (slashPos != -1 && slashPos < colon)
        colon = -1;
    const qsizetype nameStart = std::max(colon + 1, slashPos + 1);
    const std::string_view kindPart = colon == -1 ? std::string_view() : text.substr(0, size_t(colon));
    const std::string_view nsPart
        = slashPos == -1 ? std::string_view() : text.substr(size_t(colon + 1), size_t(slashPos - colon - 1));
    const std::string_view namePart = text.substr(size_t(nameStart));
    if ((colon != -1 && kindPart.empty()) || (slashPos != -1 && nsPart.empty()) || namePart.empty())
        return false;
    const std::string_view kind = colon == -1 ? defaultKind : kindPart;
    if (kind.empty())
        return false;
    const std::string_view ns = slashPos == -1 ? (defaultNamespace.empty() ? std::string_view("default") : defaultNamespace) : nsPart;
    key.clear();
    key.reserve(kind.size() + ns.size() + namePart.size() + 2);
    key.append(kind);
    key += ':';
    key.append(ns);
    key += '/';
    key.append(namePart);
    lowercaseUtf8(key);
    return true;
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
