// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "catalog/entity.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace Flightdeck::Bench {

// splitmix64-seeded xoshiro256**: the same sequence on every platform and standard library
// (std:: distributions are not), so a seed always means the same catalog.
class Random
{
public:
    explicit Random(quint64 seed);
    quint64 next();
    quint32 below(quint32 n); // [0, n); n > 0
    int between(int low, int high); // [low, high]
    bool chance(int percent);
    template <typename List> const auto& pick(const List& list) { return list[qsizetype(below(quint32(list.size())))]; }

private:
    quint64 m_s[4];
};

inline constexpr quint64 defaultCatalogSeed = 0x5eed2024f11947ull;

struct CatalogOptions
{
    int entities = 1000; // exactly this many, the root Location included; at least 20
    quint64 seed = defaultCatalogSeed;
    QString organization = QStringLiteral("acme");
    bool documents = false; // fill Entity::document (compact JSON); costs memory
    bool files = true; // keep the YAML files
};

struct CatalogFile
{
    QString path; // relative to the catalog root, '/'-separated: "systems/payments-core.yaml"
    QByteArray content;
    int documents = 0;
};

// A realistic Backstage catalog of one fictional organisation:
//   about 2% Groups (organization > departments > teams, parent/children/members),
//   10% Users (memberOf 1-2 teams, profile), 0.5% Domains, 3% Systems (owner, domain),
//   15% APIs (openapi, asyncapi, graphql with a small inline definition), 5% Resources
//   (databases, queues, buckets; dependsOn), the rest Components (service, website, library;
//   owner a team or a person, system, lifecycle, tags, providesApis, consumesApis, dependsOn,
//   annotations, links), and one Location.
// Files: catalog-info.yaml (the Location, targets ./systems/*.yaml, ./org/*.yaml,
// ./domains.yaml), domains.yaml, org/<group>.yaml (a department, its teams and their people),
// systems/<system>.yaml (the System, its APIs, Components and Resources). Every entity is valid
// under Backstage's rules.
//
// The entities come in file order, filled as the catalog loader fills them, except for what
// the reader adds: no location annotations, and location.file is the relative path.
struct GeneratedCatalog
{
    QList<Catalog::Entity> entities;
    QList<CatalogFile> files;
};

GeneratedCatalog generateCatalog(const CatalogOptions& options);
QList<Catalog::Entity> generateCatalogEntities(int count, quint64 seed = defaultCatalogSeed);

// Writes the files under dir (created when missing). Returns an error message, or empty.
QString writeCatalogFiles(const QString& dir, const QList<CatalogFile>& files);

} // namespace Flightdeck::Bench
