// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QHash>
#include <QString>

#include <optional>
#include <string>
#include <string_view>

namespace Flightdeck::Catalog {

struct EntityRefParseResult;

// [<kind>:][<namespace>/]<name>, parsed exactly as @backstage/catalog-model's parseEntityRef.
// Parts keep their authored case; identity (key(), ==, qHash) is case-insensitive.
struct EntityRef
{
    QString kind;
    QString ns;
    QString name;

    struct Defaults
    {
        QString kind;      // empty: the reference must name its kind
        QString ns;        // empty: "default"
    };
    static EntityRefParseResult parse(QStringView text, const Defaults& defaults = {});
    // Convenience for trusted input: an empty ref when text does not parse.
    static EntityRef fromString(QStringView text, const Defaults& defaults = {});

    bool isValid() const { return !kind.isEmpty() && !ns.isEmpty() && !name.isEmpty(); }
    // kind:namespace/name lowercased: the canonical identity, as stringifyEntityRef produces it.
    QString key() const;
    // kind:namespace/name in authored case, namespace omitted when "default".
    QString toDisplayString() const;

    friend bool operator==(const EntityRef& a, const EntityRef& b)
    {
        return a.kind.compare(b.kind, Qt::CaseInsensitive) == 0 && a.ns.compare(b.ns, Qt::CaseInsensitive) == 0
            && a.name.compare(b.name, Qt::CaseInsensitive) == 0;
    }
};

struct EntityRefParseResult
{
    std::optional<EntityRef> ref;
    QString error; // Backstage's own message when ref is empty
};

inline size_t qHash(const EntityRef& r, size_t seed = 0)
{
    return qHash(r.key(), seed);
}

// Lowercases as the catalog does for identity (locale-independent).
QString canonicalKey(const QString& kind, const QString& ns, const QString& name);

// EntityRef::parse on UTF-8 text, straight to the canonical key ("kind:namespace/name", lowercase),
// without building QStrings: the reader resolves close to a million references this way. Returns
// false exactly when EntityRef::parse fails (use it for the message).
bool parseEntityRefKey(std::string_view text, std::string_view defaultKind, std::string_view defaultNamespace,
                       std::string& key);
// Lowercases UTF-8 text in place as QString::toLower does.
void lowercaseUtf8(std::string& text);

} // namespace Flightdeck::Catalog
