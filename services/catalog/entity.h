// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "entityref.h"

#include <QByteArray>
#include <QDataStream>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

#include <optional>

namespace Flightdeck::Catalog {

// The built-in relation types of the catalog model (SPEC A6). Each has a reverse.
enum class RelationType : quint8 {
    OwnedBy,
    OwnerOf,
    PartOf,
    HasPart,
    ProvidesApi,
    ApiProvidedBy,
    ConsumesApi,
    ApiConsumedBy,
    DependsOn,
    DependencyOf,
    ParentOf,
    ChildOf,
    MemberOf,
    HasMember,
};
inline constexpr int RelationTypeCount = 14;

QString relationTypeName(RelationType t);           // "ownedBy"
std::optional<RelationType> relationTypeFromName(QStringView name);
RelationType reverseRelation(RelationType t);
// "owned by", "depends on", … for people.
QString relationTypeLabel(RelationType t);

// The spec fields that declare relations (SPEC A6).
enum class RelationField : quint8 {
    Owner,
    System,
    SubcomponentOf,
    ProvidesApis,
    ConsumesApis,
    DependsOn,
    DependencyOf,
    Domain,
    SubdomainOf,
    Parent,
    Children,
    Members,
    MemberOf,
};
QString relationFieldName(RelationField f); // "owner", "providesApis", …
std::optional<RelationField> relationFieldFromName(QStringView name);

// A relation as one entity's spec declares it. The catalog adds the reverse on the target.
// Compact on purpose: a large catalog holds close to a million of these.
struct DeclaredRelation
{
    RelationType type = RelationType::OwnedBy;
    RelationField field = RelationField::Owner;
    qint16 index = -1;  // position in a list field ("spec.dependsOn.1" -> 1); -1 for a single value
    int line = 0;
    int column = 0;
    QString target;     // canonical key of the target, defaults applied: "group:default/team-a"

    // "spec.owner", "spec.dependsOn.1"
    QString fieldPath() const;
    // Builds one from a field path such as "spec.dependsOn.1" (an unknown path keeps field Owner).
    static DeclaredRelation make(RelationType type, const QString& targetKey, QStringView fieldPath, int line,
                                 int column);
    friend bool operator==(const DeclaredRelation&, const DeclaredRelation&) = default;
};

struct EntityLink
{
    QString url;
    QString title;
    QString icon;
    QString type;
    friend bool operator==(const EntityLink&, const EntityLink&) = default;
};

// Where an entity came from.
struct SourceLocation
{
    QString source;    // name of the workspace source
    QString file;      // absolute path, or URL for remote entities
    int line = 0;      // the document's first line
    int column = 0;
    int document = 0;  // index of the YAML document in the file
    friend bool operator==(const SourceLocation&, const SourceLocation&) = default;
};

// One accepted catalog entity: the fields every view and query needs, extracted once, and the
// full document as compact JSON (placeholders substituted, namespace filled in) for the rest.
struct Entity
{
    QString apiVersion;
    EntityRef ref;      // kind and name as authored; namespace "default" when absent
    QString key;        // ref.key(): the canonical identity
    QString title;
    QString description;
    QString type;       // spec.type
    QString lifecycle;  // spec.lifecycle
    QString owner;      // canonical key of spec.owner, or empty
    QString system;     // canonical key of spec.system (Components, APIs, Resources), or empty
    QStringList tags;
    QList<QPair<QString, QString>> annotations;
    QList<QPair<QString, QString>> labels;
    QList<EntityLink> links;
    QList<DeclaredRelation> declared;
    QByteArray document;
    SourceLocation location;

    QString displayName() const { return title.isEmpty() ? ref.name : title; }
    QString annotation(QStringView key) const;
    friend bool operator==(const Entity&, const Entity&) = default;
};

QDataStream& operator<<(QDataStream& s, const EntityRef& r);
QDataStream& operator>>(QDataStream& s, EntityRef& r);
QDataStream& operator<<(QDataStream& s, const Entity& e);
QDataStream& operator>>(QDataStream& s, Entity& e);

} // namespace Flightdeck::Catalog
