// SPDX-License-Identifier: Apache-2.0
// The catalog snapshot: relations in both directions for every field of SPEC A6, deduplication,
// dangling references, conflicts, reference resolution and transitive queries.
#include "catalog/catalog.h"
#include "sources/sourceload.h"

#include <QTest>

using namespace Flightdeck::Catalog;
using namespace Flightdeck::Sources;

class tst_Catalog : public QObject
{
    Q_OBJECT

private:
    CatalogPtr m_catalog;

    static CatalogPtr load(const QString& dir)
    {
        CatalogSourceSpec spec;
        spec.name = QStringLiteral("test");
        spec.type = CatalogSourceSpec::Type::Directory;
        spec.path = dir;
        const SourceLoad s = loadLocalSource(spec, {});
        Catalog::BuildInput in;
        in.files = s.files;
        in.extraDiagnostics = s.diagnostics;
        return Catalog::build(in);
    }

    bool hasRelation(const QString& from, RelationType type, const QString& to) const
    {
        const int i = m_catalog->indexOf(from);
        if (i < 0)
            return false;
        for (const Edge& e : m_catalog->relations(i))
            if (e.type == type && m_catalog->targetKey(e) == to)
                return true;
        return false;
    }

    QStringList keys(const QList<int>& indexes) const
    {
        QStringList out;
        for (int i : indexes)
            out << m_catalog->entity(i).key;
        out.sort();
        return out;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_catalog = load(QStringLiteral(FLIGHTDECK_TEST_DATA "/catalog/relations"));
        QVERIFY(m_catalog);
        for (const Diagnostic& d : m_catalog->diagnostics())
            if (d.isError())
                qWarning() << d.toText();
        QCOMPARE(m_catalog->errorCount(), 0);
        QCOMPARE(m_catalog->size(), 15);
    }

    void relations_everyFieldEmitsBothDirections_data()
    {
        QTest::addColumn<QString>("from");
        QTest::addColumn<int>("type");
        QTest::addColumn<QString>("to");
        const auto row = [](const char* name, const char* from, RelationType t, const char* to) {
            QTest::newRow(name) << QString::fromLatin1(from) << int(t) << QString::fromLatin1(to);
        };
        row("component owner", "component:default/checkout", RelationType::OwnedBy, "group:default/team-a");
        row("owner reverse", "group:default/team-a", RelationType::OwnerOf, "component:default/checkout");
        row("user owner", "component:default/checkout-worker", RelationType::OwnedBy, "user:default/jdoe");
        row("component system", "component:default/checkout", RelationType::PartOf, "system:default/payments");
        row("system hasPart", "system:default/payments", RelationType::HasPart, "component:default/checkout");
        row("api system", "api:default/checkout-api", RelationType::PartOf, "system:default/payments");
        row("resource system", "resource:default/checkout-db", RelationType::PartOf, "system:default/payments");
        row("subcomponentOf", "component:default/checkout-worker", RelationType::PartOf, "component:default/checkout");
        row("subcomponent reverse", "component:default/checkout", RelationType::HasPart, "component:default/checkout-worker");
        row("system domain", "system:default/payments", RelationType::PartOf, "domain:default/payments-domain");
        row("domain hasPart", "domain:default/payments-domain", RelationType::HasPart, "system:default/payments");
        row("subdomainOf", "domain:default/payments-domain", RelationType::PartOf, "domain:default/commerce");
        row("providesApis", "component:default/checkout", RelationType::ProvidesApi, "api:default/checkout-api");
        row("apiProvidedBy", "api:default/checkout-api", RelationType::ApiProvidedBy, "component:default/checkout");
        row("consumesApis", "component:default/checkout", RelationType::ConsumesApi, "api:default/ledger-api");
        row("apiConsumedBy", "api:default/ledger-api", RelationType::ApiConsumedBy, "component:default/checkout");
        row("dependsOn", "component:default/checkout", RelationType::DependsOn, "resource:default/checkout-db");
        row("dependencyOf reverse", "resource:default/checkout-db", RelationType::DependencyOf, "component:default/checkout");
        row("component dependencyOf", "component:default/checkout-worker", RelationType::DependencyOf, "component:default/checkout");
        row("component dependencyOf reverse", "component:default/checkout", RelationType::DependsOn, "component:default/checkout-worker");
        row("resource dependencyOf", "resource:default/checkout-db", RelationType::DependencyOf, "component:default/ledger");
        row("resource dependsOn", "resource:default/ledger-db", RelationType::DependsOn, "resource:default/checkout-db");
        row("group parent", "group:default/team-b", RelationType::ChildOf, "group:default/engineering");
        row("group parent reverse", "group:default/engineering", RelationType::ParentOf, "group:default/team-b");
        row("group children", "group:default/engineering", RelationType::ParentOf, "group:default/team-a");
        row("group children reverse", "group:default/team-a", RelationType::ChildOf, "group:default/engineering");
        row("group members", "group:default/team-a", RelationType::HasMember, "user:default/jdoe");
        row("user memberOf", "user:default/jdoe", RelationType::MemberOf, "group:default/team-a");
        row("user memberOf reverse", "group:default/team-b", RelationType::HasMember, "user:default/asmith");
        row("domain owner default kind", "domain:default/commerce", RelationType::OwnedBy, "group:default/engineering");
    }
    void relations_everyFieldEmitsBothDirections()
    {
        QFETCH(QString, from);
        QFETCH(int, type);
        QFETCH(QString, to);
        QVERIFY2(hasRelation(from, RelationType(type), to),
                 qPrintable(from + QLatin1Char(' ') + relationTypeName(RelationType(type)) + QLatin1Char(' ') + to));
    }

    void relations_declaredFromBothSides_areNotDuplicated()
    {
        const int jdoe = m_catalog->indexOf(QStringLiteral("user:default/jdoe"));
        int memberOf = 0;
        for (const Edge& e : m_catalog->relations(jdoe))
            if (e.type == RelationType::MemberOf)
                ++memberOf;
        QCOMPARE(memberOf, 1);
    }

    void relations_danglingTarget_isWarningAtTheField()
    {
        QVERIFY(hasRelation(QStringLiteral("user:default/asmith"), RelationType::MemberOf, QStringLiteral("group:default/teem-b")));
        const int asmith = m_catalog->indexOf(QStringLiteral("user:default/asmith"));
        bool found = false;
        for (int d : m_catalog->diagnosticsOf(asmith)) {
            const Diagnostic& diag = m_catalog->diagnostics()[d];
            if (diag.code != QLatin1String("dangling-relation"))
                continue;
            found = true;
            QCOMPARE(diag.severity, Severity::Warning);
            QCOMPARE(diag.field, QStringLiteral("spec.memberOf.1"));
            QCOMPARE(diag.line, 141);
            QVERIFY(diag.column > 0);
            QVERIFY(diag.message.contains(QLatin1String("group:default/teem-b")));
            QVERIFY(diag.file.endsWith(QLatin1String("relations/catalog-info.yaml")));
            QVERIFY2(diag.hint.contains(QLatin1String("group:default/team-b")), qPrintable(diag.hint)); // suggests the near name
        }
        QVERIFY(found);
        QCOMPARE(m_catalog->warningCount(), 1);
    }

    void transitive_dependenciesAndDependents()
    {
        const int checkout = m_catalog->indexOf(QStringLiteral("component:default/checkout"));
        QCOMPARE(keys(m_catalog->dependencies(checkout)),
                 (QStringList {QStringLiteral("component:default/checkout-worker"), QStringLiteral("component:default/ledger"),
                               QStringLiteral("resource:default/checkout-db"), QStringLiteral("resource:default/ledger-db")}));
        const int db = m_catalog->indexOf(QStringLiteral("resource:default/checkout-db"));
        QCOMPARE(keys(m_catalog->dependents(db)),
                 (QStringList {QStringLiteral("component:default/checkout"), QStringLiteral("component:default/ledger"),
                               QStringLiteral("resource:default/ledger-db")}));
        QCOMPARE(keys(m_catalog->transitive(checkout, {RelationType::DependsOn}, 1)),
                 (QStringList {QStringLiteral("component:default/checkout-worker"), QStringLiteral("component:default/ledger"),
                               QStringLiteral("resource:default/checkout-db")}));
    }

    void transitive_ownershipThroughSubGroups()
    {
        const int engineering = m_catalog->indexOf(QStringLiteral("group:default/engineering"));
        const QStringList owned = keys(m_catalog->ownedTransitively(engineering));
        QVERIFY(owned.contains(QStringLiteral("domain:default/commerce")));         // directly
        QVERIFY(owned.contains(QStringLiteral("component:default/checkout")));      // through team-a (children)
        QVERIFY(owned.contains(QStringLiteral("component:default/ledger")));        // through team-b (parent)
        QVERIFY(!owned.contains(QStringLiteral("component:default/checkout-worker"))); // owned by a user
        QCOMPARE(keys(m_catalog->descendantGroups(engineering)),
                 (QStringList {QStringLiteral("group:default/team-a"), QStringLiteral("group:default/team-b")}));
    }

    void resolve_acceptsWhatPeopleType_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("name") << "checkout" << "component:default/checkout";
        QTest::newRow("kind:name") << "component:checkout" << "component:default/checkout";
        QTest::newRow("full, any case") << "Component:Default/CHECKOUT" << "component:default/checkout";
        QTest::newRow("spaces") << "  ledger-api " << "api:default/ledger-api";
        QTest::newRow("missing") << "nope" << "";
        QTest::newRow("wrong kind") << "api:checkout" << "";
    }
    void resolve_acceptsWhatPeopleType()
    {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        const QList<int> found = m_catalog->resolve(text);
        if (expected.isEmpty()) {
            QVERIFY(found.isEmpty());
            return;
        }
        QCOMPARE(found.size(), 1);
        QCOMPARE(m_catalog->entity(found.first()).key, expected);
    }

    void entity_extractedFields()
    {
        const Entity& e = m_catalog->entity(m_catalog->indexOf(QStringLiteral("component:default/checkout")));
        QCOMPARE(e.ref.kind, QStringLiteral("Component"));
        QCOMPARE(e.ref.ns, QStringLiteral("default"));
        QCOMPARE(e.title, QStringLiteral("Checkout Service"));
        QCOMPARE(e.type, QStringLiteral("service"));
        QCOMPARE(e.lifecycle, QStringLiteral("production"));
        QCOMPARE(e.owner, QStringLiteral("group:default/team-a"));
        QCOMPARE(e.system, QStringLiteral("system:default/payments"));
        QCOMPARE(e.tags, (QStringList {QStringLiteral("java"), QStringLiteral("payments")}));
        QCOMPARE(e.location.line, 25);
        // Backstage's read-side additions: namespace filled in, managed-by annotations.
        QVERIFY(e.document.contains("\"namespace\":\"default\""));
        QVERIFY(e.annotation(u"backstage.io/managed-by-location").startsWith(QLatin1String("file:")));
        QVERIFY(e.annotation(u"backstage.io/managed-by-location").endsWith(QLatin1String("relations/catalog-info.yaml")));
    }

    void conflict_secondDefinitionIsReportedWithBothLocations()
    {
        FileLoad a, b;
        Entity e;
        e.ref = {QStringLiteral("Component"), QStringLiteral("default"), QStringLiteral("dup")};
        e.key = e.ref.key();
        e.location = {QStringLiteral("s"), QStringLiteral("/a.yaml"), 3, 1, 0};
        a.file = QStringLiteral("/a.yaml");
        a.entities << e;
        e.ref.name = QStringLiteral("DUP"); // identity is case-insensitive
        e.location = {QStringLiteral("s"), QStringLiteral("/b.yaml"), 7, 1, 0};
        b.file = QStringLiteral("/b.yaml");
        b.entities << e;
        Catalog::BuildInput in;
        in.files = {a, b};
        const CatalogPtr c = Catalog::build(in);
        QCOMPARE(c->size(), 1);
        QCOMPARE(c->entity(0).location.file, QStringLiteral("/a.yaml")); // the first claimant wins
        QCOMPARE(c->errorCount(), 1);
        const Diagnostic& d = c->diagnostics().first();
        QCOMPARE(d.code, QStringLiteral("conflict"));
        QCOMPARE(d.file, QStringLiteral("/b.yaml"));
        QCOMPARE(d.line, 7);
        QVERIFY(d.message.contains(QLatin1String("/a.yaml:3")));
    }
};

QTEST_GUILESS_MAIN(tst_Catalog)
#include "tst_catalog.moc"
