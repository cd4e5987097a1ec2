// SPDX-License-Identifier: Apache-2.0
#include "entity.h"

#include <array>

namespace Flightdeck::Catalog {

namespace {
struct RelationInfo
{
    const char* name;
    const char* label;
    RelationType reverse;
};
constexpr std::array<RelationInfo, RelationTypeCount> relationInfo {{
    {"ownedBy", "owned by", RelationType::OwnerOf},
    {"ownerOf", "owner of", RelationType::OwnedBy},
    {"partOf", "part of", RelationType::HasPart},
    {"hasPart", "has part", RelationType::PartOf},
    {"providesApi", "provides API", RelationType::ApiProvidedBy},
    {"apiProvidedBy", "API provided by", RelationType::ProvidesApi},
    {"consumesApi", "consumes API", RelationType::ApiConsumedBy},
    {"apiConsumedBy", "API consumed by", RelationType::ConsumesApi},
    {"dependsOn", "depends on", RelationType::DependencyOf},
    {"dependencyOf", "dependency of", RelationType::DependsOn},
    {"parentOf", "parent of", RelationType::ChildOf},
    {"childOf", "child of", RelationType::ParentOf},
    {"memberOf", "member of", RelationType::HasMember},
    {"hasMember", "has member", RelationType::MemberOf},
}};
} // namespace

QString relationTypeName(RelationType t)
{
    return QString::fromLatin1(relationInfo[size_t(t)].name);
}

QString relationTypeLabel(RelationType t)
{
    return QString::fromLatin1(relationInfo[size_t(t)].label);
}

std::optional<RelationType> relationTypeFromName(QStringView name)
{
    for (size_t i = 0; i < relationInfo.size(); ++i)
        if (name == QLatin1String(relationInfo[i].name))
            return RelationType(i);
    return std::nullopt;
}

RelationType reverseRelation(RelationType t)
{
    return relationInfo[size_t(t)].reverse;
}

namespace {
constexpr std::array<const char*, 13> relationFieldNames {"owner",        "system",       "subcomponentOf", "providesApis",
                                                          "consumesApis", "dependsOn",    "dependencyOf",   "domain",
                                                          "subdomainOf",  "parent",       "children",       "members",
                                                          "memberOf"};
} // namespace

QString relationFieldName(RelationField f)
{
    return QString::fromLatin1(relationFieldNames[size_t(f)]);
}

std::optional<RelationField> relationFieldFromName(QStringView name)
{
    for (size_t i = 0; i < relationFieldNames.size(); ++i)
        if (name == QLatin1String(relationFieldNames[i]))
            return RelationField(i);
    return std::nullopt;
}

QString DeclaredRelation::fieldPath() const
{
    QString path = QStringLiteral("spec.") + relationFieldName(field);
    if (index >= 0)
        path += QLatin1Char('.') + QString::number(index);
    return path;
}

DeclaredRelation DeclaredRelation::make(RelationType type, const QString& targetKey, QStringView fieldPath, int line,
                                        int column)
{
    DeclaredRelation r;
    r.type = type;
    r.target = targetKey;
    r.line = line;
    r.column = column;
    const QList<QStringView> parts = fieldPath.split(QLatin1Char('.'));
    if (parts.size() >= 2)
        r.field = relationFieldFromName(parts[1]).value_or(RelationField::Owner);
    if (parts.size() >= 3)
        r.index = qint16(parts[2].toInt());
    return r;
}

QString Entity::annotation(QStringView key) const
{
    for (const auto& a : annotations)
        if (a.first == key)
            return a.second;
    return {};
}

QDataStream& operator<<(QDataStream& s, const EntityRef& r)
{
    return s << r.kind << r.ns << r.name;
}

QDataStream& operator>>(QDataStream& s, EntityRef& r)
{
    return s >> r.kind >> r.ns >> r.name;
}

QDataStream& operator<<(QDataStream& s, const Entity& e)
{
    s << e.apiVersion << e.ref << e.key << e.title << e.description << e.type << e.lifecycle << e.owner << e.system
      << e.tags << e.annotations << e.labels;
    s << quint32(e.links.size());
    for (const auto& l : e.links)
        s << l.url << l.title << l.icon << l.type;
    s << quint32(e.declared.size());
    for (const auto& d : e.declared)
        s << quint8(d.type) << quint8(d.field) << qint16(d.index) << qint32(d.line) << qint32(d.column) << d.target;
    s << e.document;
    s << e.location.source << e.location.file << qint32(e.location.line) << qint32(e.location.column)
      << qint32(e.location.document);
    return s;
}

QDataStream& operator>>(QDataStream& s, Entity& e)
{
    s >> e.apiVersion >> e.ref >> e.key >> e.title >> e.description >> e.type >> e.lifecycle >> e.owner >> e.system
        >> e.tags >> e.annotations >> e.labels;
    quint32 n = 0;
    s >> n;
    e.links.clear();
    for (quint32 i = 0; i < n && s.status() == QDataStream::Ok; ++i) {
        EntityLink l;
        s >> l.url >> l.title >> l.icon >> l.type;
        e.links.push_back(std::move(l));
    }
    s >> n;
    e.declared.clear();
    for (quint32 i = 0; i < n && s.status() == QDataStream::Ok; ++i) {
        DeclaredRelation d;
        quint8 type = 0, field = 0;
        qint16 index = -1;
        qint32 line = 0, column = 0;
        s >> type >> field >> index >> line >> column >> d.target;
        if (type >= RelationTypeCount || field > quint8(RelationField::MemberOf)) {
            s.setStatus(QDataStream::ReadCorruptData);
            break;
        }
        d.type = RelationType(type);
        d.field = RelationField(field);
        d.index = index;
        d.line = line;
        d.column = column;
        e.declared.push_back(std::move(d));
    }
    s >> e.document;
    qint32 line = 0, column = 0, doc = 0;
    s >> e.location.source >> e.location.file >> line >> column >> doc;
    e.location.line = line;
    e.location.column = column;
    e.location.document = doc;
    return s;
}

} // namespace Flightdeck::Catalog
