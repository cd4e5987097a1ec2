// SPDX-License-Identifier: Apache-2.0
#include "catalog/fuzzy.h"
#include "catalog/searchindex.h"
#include "catalog/yamldocument.h"
#include "cataloggenerator.h"

#include <QRegularExpression>
#include <QSet>
#include <QTest>

#include <algorithm>
#include <atomic>
#include <map>
#include <thread>

using namespace Flightdeck::Catalog;
using Flightdeck::Bench::CatalogOptions;
using Flightdeck::Bench::generateCatalog;
using Flightdeck::Bench::generateCatalogEntities;
using Flightdeck::Bench::Random;

using FacetFilters = QHash<Facet, QStringList>;
Q_DECLARE_METATYPE(FacetFilters)

namespace {

QString s(const char* utf8)
{
    return QString::fromUtf8(utf8);
}

struct Spec
{
    const char* kind = "";
    const char* ns = "default";
    const char* name = "";
    const char* title = "";
    const char* description = "";
    const char* type = "";
    const char* lifecycle = "";
    const char* owner = "";
    const char* system = "";
    QStringList tags;
    QList<QPair<QString, QString>> annotations;
};

Entity entity(const Spec& spec)
{
    Entity e;
    e.apiVersion = s("backstage.io/v1alpha1");
    e.ref = { s(spec.kind), s(spec.ns), s(spec.name) };
    e.key = e.ref.key();
    e.title = s(spec.title);
    e.description = s(spec.description);
    e.type = s(spec.type);
    e.lifecycle = s(spec.lifecycle);
    e.owner = s(spec.owner);
    e.system = s(spec.system);
    e.tags = spec.tags;
    e.annotations = spec.annotations;
    return e;
}

// A small catalog whose every match can be worked out by hand.
QList<Entity> fixture()
{
    const char* teamA = "group:default/team-a";
    const char* teamB = "group:default/team-b";
    return {
        entity({ .kind = "Component",
            .name = "payments-api",
            .title = "Payments API",
            .description = "Takes card payments for the shop.",
            .type = "service",
            .lifecycle = "production",
            .owner = teamA,
            .system = "system:default/payments",
            .tags = { s("java"), s("pci") },
            .annotations = { { s("github.com/project-slug"), s("acme/payments-api") },
                { s("backstage.io/managed-by-location"), s("file:/home/alice/catalog/payments.yaml") } } }),
        entity({ .kind = "Component",
            .name = "payments-gateway",
            .description = "Routes requests to card processors.",
            .type = "service",
            .lifecycle = "experimental",
            .owner = teamB,
            .system = "system:default/payments",
            .tags = { s("go") } }),
        entity({ .kind = "Component",
            .name = "legacy-payments",
            .description = "Old batch settlement.",
            .type = "service",
            .lifecycle = "deprecated",
            .owner = "user:default/jane.doe",
            .system = "system:default/billing",
            .tags = { s("java"), s("cobol") } }),
        entity({ .kind = "API",
            .name = "payments-api",
            .title = "Payments",
            .description = "OpenAPI for card payments.",
            .type = "openapi",
            .lifecycle = "production",
            .owner = teamA,
            .system = "system:default/payments",
            .tags = { s("rest") } }),
        entity({ .kind = "API",
            .name = "checkout-events",
            .description = "Checkout lifecycle events.",
            .type = "asyncapi",
            .lifecycle = "production",
            .owner = teamB,
            .system = "system:default/checkout",
            .tags = { s("events") } }),
        entity({ .kind = "Resource",
            .name = "ledger-db",
            .description = "Ledger database.",
            .type = "database",
            .owner = teamA,
            .system = "system:default/payments" }),
        entity({ .kind = "System",
            .name = "payments",
            .title = "Payments Platform",
            .owner = teamA,
            .system = "domain:default/commerce" }),
        entity({ .kind = "System", .name = "checkout", .owner = teamB, .system = "domain:default/commerce" }),
        entity(
            { .kind = "Group", .name = "team-a", .title = "Team A", .description = "Owns payments.", .type = "team" }),
        entity({ .kind = "Group", .name = "team-b", .type = "team" }),
        entity({ .kind = "User", .name = "jane.doe", .title = "Jane Doe" }),
        entity({ .kind = "Component",
            .ns = "shop",
            .name = "checkout-web",
            .title = "Checkout Web",
            .description = "Where customers pay for their cart.",
            .type = "website",
            .lifecycle = "production",
            .owner = teamB,
            .system = "system:shop/checkout",
            .tags = { s("react"), s("typescript") } }),
        entity({ .kind = "Component",
            .name = "zahlungen",
            .title = "Überweisungen Dienst",
            .description = "支付服务 für Kunden",
            .type = "service",
            .lifecycle = "experimental",
            .owner = teamA,
            .tags = { s("java") } }),
        entity({ .kind = "Domain", .name = "commerce", .title = "Commerce", .owner = teamA }),
        entity({ .kind = "Location", .name = "root" }),
        entity({ .kind = "Component",
            .name = "webhooks-relay",
            .type = "service",
            .lifecycle = "production",
            .owner = teamB }),
    };
}

QStringList keysOf(const QList<Entity>& entities, const QList<int>& indices)
{
    QStringList out;
    for (const int i : indices)
        out.append(entities.at(i).key);
    return out;
}

QStringList sorted(QStringList list)
{
    list.sort();
    return list;
}

std::map<QString, int> countMap(const QList<FacetCount>& counts, bool lower = false)
{
    std::map<QString, int> out;
    for (const FacetCount& c : counts)
        if (c.count > 0)
            out[lower ? c.value.toLower() : c.value] = c.count;
    return out;
}

QString describe(const std::map<QString, int>& m)
{
    QStringList parts;
    for (const auto& [k, v] : m)
        parts.append(k + QLatin1Char('=') + QString::number(v));
    return parts.join(QLatin1String(", "));
}

// ---------------------------------------------------------------------------------------------
// A brute-force reference: every entity's words, every query word checked against all of them.

int referenceDistance(const QString& a, const QString& b)
{
    // Full optimal string alignment table, no shortcuts.
    const qsizetype n = a.size(), m = b.size();
    std::vector<std::vector<int>> d(size_t(n + 1), std::vector<int>(size_t(m + 1)));
    for (qsizetype i = 0; i <= n; ++i)
        d[size_t(i)][0] = int(i);
    for (qsizetype j = 0; j <= m; ++j)
        d[0][size_t(j)] = int(j);
    for (qsizetype i = 1; i <= n; ++i)
        for (qsizetype j = 1; j <= m; ++j) {
            const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
            int v = std::min({ d[size_t(i - 1)][size_t(j)] + 1, d[size_t(i)][size_t(j - 1)] + 1,
                d[size_t(i - 1)][size_t(j - 1)] + cost });
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                v = std::min(v, d[size_t(i - 2)][size_t(j - 2)] + 1);
            d[size_t(i)][size_t(j)] = v;
        }
    return d[size_t(n)][size_t(m)];
}

bool digitsOnly(const QString& w)
{
    return std::all_of(w.begin(), w.end(), [](QChar c) { return c >= QLatin1Char('0') && c <= QLatin1Char('9'); });
}

class Reference
{
public:
    explicit Reference(const QList<Entity>& entities)
        : m_entities(entities)
    {
        static const QRegularExpression separators(QStringLiteral("[^\\p{L}\\p{N}]+"));
        static const QSet<QString> readerAnnotations { s("backstage.io/managed-by-location"),
            s("backstage.io/managed-by-origin-location"), s("backstage.io/view-url"), s("backstage.io/edit-url"),
            s("backstage.io/source-location") };
        for (const Entity& e : entities) {
            QSet<QString> words;
            const auto add = [&](const QString& text, bool typoField) {
                for (const QString& w : text.toLower().split(separators, Qt::SkipEmptyParts)) {
                    words.insert(w);
                    if (typoField)
                        m_typoWords.insert(w);
                }
            };
            add(e.ref.name, true);
            add(e.title, true);
            for (const QString& t : e.tags)
                add(t, true);
            for (const QString& ref : { e.owner, e.system }) {
                const EntityRef r = EntityRef::fromString(ref);
                add(r.name, true);
                add(r.kind, true);
                add(r.ns, true);
            }
            add(e.type, true);
            add(e.ref.kind, true);
            add(e.lifecycle, true);
            add(e.ref.ns, true);
            add(e.description, true);
            for (const auto& [k, v] : e.annotations) {
                if (readerAnnotations.contains(k))
                    continue;
                add(k, false);
                add(v, false);
            }
            m_words.append(QStringList(words.begin(), words.end()));
            m_vocabulary.unite(words);
        }
    }

    // Every word of the catalog the query word matches: as a prefix, or within its typos.
    QSet<QString> matchingWords(const QString& word, bool typos) const
    {
        const int k = word.size() >= 8 ? 2 : word.size() >= 4 ? 1 : 0;
        const bool tryTypos = typos && k > 0 && word.size() <= 32 && !digitsOnly(word);
        QSet<QString> out;
        for (const QString& w : m_vocabulary) {
            if (w.startsWith(word))
                out.insert(w);
            else if (tryTypos && m_typoWords.contains(w) && !digitsOnly(w) && std::abs(w.size() - word.size()) <= k
                && referenceDistance(word, w) <= k)
                out.insert(w);
            // A word being typed with a typo: a longer word with the same first two characters
            // whose prefix of the word's length, or one more, is one edit away.
            else if (tryTypos && m_typoWords.contains(w) && !digitsOnly(w) && w.size() > word.size()
                     && w.left(2) == word.left(2)) {
                for (qsizetype len = word.size(); len <= word.size() + 1 && len <= w.size(); ++len)
                    if (referenceDistance(word, w.left(len)) <= 1) {
                        out.insert(w);
                        break;
                    }
            }
        }
        return out;
    }

    static QStringList values(const Entity& e, Facet f)
    {
        switch (f) {
        case Facet::Kind:
            return { e.ref.kind.toLower() };
        case Facet::Type:
            return e.type.isEmpty() ? QStringList() : QStringList { e.type.toLower() };
        case Facet::Lifecycle:
            return e.lifecycle.isEmpty() ? QStringList() : QStringList { e.lifecycle.toLower() };
        case Facet::Owner:
            return e.owner.isEmpty() ? QStringList() : QStringList { e.owner.toLower() };
        case Facet::System:
            return e.system.isEmpty() ? QStringList() : QStringList { e.system.toLower() };
        case Facet::Namespace:
            return { e.ref.ns.toLower() };
        case Facet::Tag: {
            QStringList tags;
            for (const QString& t : e.tags)
                if (!tags.contains(t.toLower()))
                    tags.append(t.toLower());
            return tags;
        }
        }
        return {};
    }

    static bool passes(const Entity& e, Facet f, const QStringList& selected)
    {
        for (const QString& v : values(e, f))
            for (const QString& sel : selected)
                if (v == sel.toLower())
                    return true;
        return false;
    }

    struct Answer
    {
        QList<int> matches; // by index
        std::map<Facet, std::map<QString, int>> facets;
    };

    Answer search(const QStringList& words, const FacetFilters& filters, bool typos) const
    {
        Answer a;
        QList<QSet<QString>> matching;
        for (const QString& w : words)
            matching.append(matchingWords(w, typos));
        for (int i = 0; i < m_entities.size(); ++i) {
            const Entity& e = m_entities.at(i);
            bool text = true;
            for (const QSet<QString>& m : std::as_const(matching))
                if (std::none_of(
                        m_words.at(i).begin(), m_words.at(i).end(), [&](const QString& w) { return m.contains(w); })) {
                    text = false;
                    break;
                }
            if (!text)
                continue;
            for (int f = 0; f < NumFacets; ++f) {
                bool others = true;
                for (auto it = filters.cbegin(); it != filters.cend(); ++it)
                    if (int(it.key()) != f && !it.value().isEmpty() && !passes(e, it.key(), it.value()))
                        others = false;
                if (!others)
                    continue;
                for (const QString& v : values(e, Facet(f)))
                    ++a.facets[Facet(f)][v];
            }
            bool all = true;
            for (auto it = filters.cbegin(); it != filters.cend(); ++it)
                if (!it.value().isEmpty() && !passes(e, it.key(), it.value()))
                    all = false;
            if (all)
                a.matches.append(i);
        }
        return a;
    }

    const QStringList& words(int entity) const { return m_words.at(entity); }

private:
    const QList<Entity>& m_entities;
    QList<QStringList> m_words;
    QSet<QString> m_vocabulary;
    QSet<QString> m_typoWords;
};

bool kindNameLess(const Entity& a, const Entity& b)
{
    const int k = a.ref.kind.toLower().compare(b.ref.kind.toLower());
    if (k != 0)
        return k < 0;
    return a.ref.name.toLower() < b.ref.name.toLower();
}

} // namespace

class tst_SearchIndex : public QObject
{
    Q_OBJECT

private:
    QList<Entity> m_fixture = fixture();
    SearchIndex m_index = SearchIndex::build(m_fixture);

    SearchResult run(const QString& text, const FacetFilters& filters = {}, bool typos = true) const
    {
        SearchQuery q;
        q.text = text;
        q.filters = filters;
        q.typoTolerance = typos;
        return m_index.search(q);
    }

private Q_SLOTS:
    // --- matching ---------------------------------------------------------------------------

    void search_words_matchExactPrefixAndTypos_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("typos");
        QTest::addColumn<QStringList>("expected");
        const QStringList payments { s("component:default/payments-api"), s("component:default/payments-gateway"),
            s("component:default/legacy-payments"), s("api:default/payments-api"), s("resource:default/ledger-db"),
            s("system:default/payments"), s("group:default/team-a") };
        QTest::addRow("exact word") << s("ledger") << true << QStringList { s("resource:default/ledger-db") };
        QTest::addRow("prefix") << s("ledg") << true << QStringList { s("resource:default/ledger-db") };
        QTest::addRow("prefix being typed with a typo")
            << s("ledgr") << true << QStringList { s("resource:default/ledger-db") };
        QTest::addRow("one letter prefix")
            << s("l") << true
            << QStringList { s("resource:default/ledger-db"), s("component:default/legacy-payments"),
                   s("api:default/checkout-events"), s("location:default/root") };
        QTest::addRow("transposition") << s("ledgre") << true << QStringList { s("resource:default/ledger-db") };
        QTest::addRow("two typos in a long word") << s("paymnetz") << true << payments;
        QTest::addRow("typos off") << s("paymnets") << false << QStringList();
        QTest::addRow("short words allow no typo") << s("lgd") << true << QStringList();
        QTest::addRow("word in name, system or description") << s("payments") << true << payments;
        QTest::addRow("case folded") << s("PAYMENTS") << true << payments;
        QTest::addRow("and across words")
            << s("card payments") << true
            << QStringList { s("component:default/payments-api"), s("component:default/payments-gateway"),
                   s("api:default/payments-api") };
        QTest::addRow("and with a word nothing has") << s("card zzzz") << true << QStringList();
        QTest::addRow("name with separators")
            << s("checkout-web") << true << QStringList { s("component:shop/checkout-web") };
        QTest::addRow("tag") << s("cobol") << true << QStringList { s("component:default/legacy-payments") };
        QTest::addRow("annotation value") << s("acme") << true << QStringList { s("component:default/payments-api") };
        QTest::addRow("annotation key") << s("github") << true << QStringList { s("component:default/payments-api") };
        QTest::addRow("reader's location annotations are not indexed") << s("alice") << true << QStringList();
        QTest::addRow("owner name") << s(
            "jane") << true << QStringList { s("user:default/jane.doe"), s("component:default/legacy-payments") };
        QTest::addRow("namespace") << s(
            "shop") << true << QStringList { s("component:shop/checkout-web"), s("component:default/payments-api") };
        QTest::addRow("unicode title") << s("ÜBERWEISUNGEN") << true
                                       << QStringList { s("component:default/zahlungen") };
        QTest::addRow("unicode prefix") << s("支付") << true << QStringList { s("component:default/zahlungen") };
        QTest::addRow("unicode typo") << s("überweisngen") << true << QStringList { s("component:default/zahlungen") };
        QTest::addRow("digits take no typo") << s("404") << true << QStringList();
    }
    void search_words_matchExactPrefixAndTypos()
    {
        QFETCH(QString, text);
        QFETCH(bool, typos);
        QFETCH(QStringList, expected);
        const SearchResult r = run(text, {}, typos);
        QCOMPARE(sorted(keysOf(m_fixture, r.entities)), sorted(expected));
        QCOMPARE(r.total, expected.size());
        QCOMPARE(r.scores.size(), r.entities.size());
    }

    // --- ranking ----------------------------------------------------------------------------

    void search_ranking_putsBestFirst_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("first");
        // The whole name wins; same score: API before Component (kind order).
        QTest::addRow("full name") << s(
            "payments-api") << QStringList { s("api:default/payments-api"), s("component:default/payments-api") };
        QTest::addRow("full name with spaces")
            << s("payments api") << QStringList { s("api:default/payments-api"), s("component:default/payments-api") };
        QTest::addRow("exact whole name before names containing it")
            << s("checkout")
            << QStringList { s("system:default/checkout"), s("component:shop/checkout-web"),
                   s("api:default/checkout-events") };
        QTest::addRow("exact word before prefix")
            << s("web") << QStringList { s("component:shop/checkout-web"), s("component:default/webhooks-relay") };
        QTest::addRow("names starting with the prefix first")
            << s("pay")
            << QStringList { s("system:default/payments"), s("api:default/payments-api"),
                   s("component:default/payments-api"), s("component:default/payments-gateway"),
                   s("component:default/legacy-payments") };
        QTest::addRow("exact before typo")
            << s("card")
            << QStringList { s("api:default/payments-api"), s("component:default/payments-api"),
                   s("component:default/payments-gateway"), s("component:shop/checkout-web") };
        QTest::addRow("words from name and title together")
            << s("payments platform") << QStringList { s("system:default/payments") };
    }
    void search_ranking_putsBestFirst()
    {
        QFETCH(QString, text);
        QFETCH(QStringList, first);
        const SearchResult r = run(text);
        QVERIFY2(r.entities.size() >= first.size(), qPrintable(keysOf(m_fixture, r.entities).join(QLatin1Char(' '))));
        QCOMPARE(keysOf(m_fixture, r.entities.mid(0, first.size())), first);
        for (qsizetype i = 1; i < r.scores.size(); ++i)
            QVERIFY(r.scores.at(i - 1) >= r.scores.at(i));
    }

    void search_ranking_fieldWeightsOrderMatches()
    {
        // "team" is in a Group's name and title, and only in the owner of the others.
        const SearchResult r = run(s("team"));
        QCOMPARE(keysOf(m_fixture, r.entities.mid(0, 2)),
            (QStringList { s("group:default/team-a"), s("group:default/team-b") }));
        QCOMPARE(r.total, 13); // the Groups and what they own
    }

    // --- qualifiers and facets --------------------------------------------------------------

    void search_qualifiers_filterLikeFacets_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("expected");
        QTest::addRow("kind") << s("payments kind:api") << QStringList { s("api:default/payments-api") };
        QTest::addRow("kind case-insensitive")
            << s("kind:API") << QStringList { s("api:default/payments-api"), s("api:default/checkout-events") };
        QTest::addRow("kind list") << s("kind:api,resource")
                                   << QStringList { s("api:default/payments-api"), s("api:default/checkout-events"),
                                          s("resource:default/ledger-db") };
        QTest::addRow("type") << s("type:website") << QStringList { s("component:shop/checkout-web") };
        QTest::addRow("lifecycle") << s("lifecycle:deprecated")
                                   << QStringList { s("component:default/legacy-payments") };
        const QStringList teamA { s("component:default/payments-api"), s("api:default/payments-api"),
            s("resource:default/ledger-db"), s("system:default/payments"), s("component:default/zahlungen"),
            s("domain:default/commerce") };
        QTest::addRow("owner name") << s("owner:team-a") << teamA;
        QTest::addRow("owner key") << s("owner:group:default/team-a") << teamA;
        QTest::addRow("owner kind and name") << s("owner:group:team-a") << teamA;
        QTest::addRow("owner user") << s("owner:user:jane.doe")
                                    << QStringList { s("component:default/legacy-payments") };
        QTest::addRow("system") << s("system:payments")
                                << QStringList { s("component:default/payments-api"),
                                       s("component:default/payments-gateway"), s("api:default/payments-api"),
                                       s("resource:default/ledger-db") };
        QTest::addRow("system of systems is the domain")
            << s("system:commerce") << QStringList { s("system:default/payments"), s("system:default/checkout") };
        QTest::addRow("tag") << s("tag:java")
                             << QStringList { s("component:default/payments-api"),
                                    s("component:default/legacy-payments"), s("component:default/zahlungen") };
        QTest::addRow("tags alias, or within")
            << s("tags:go,react")
            << QStringList { s("component:default/payments-gateway"), s("component:shop/checkout-web") };
        QTest::addRow("namespace") << s("namespace:shop") << QStringList { s("component:shop/checkout-web") };
        QTest::addRow("ns alias") << s("ns:SHOP") << QStringList { s("component:shop/checkout-web") };
        QTest::addRow("and across qualifiers")
            << s("kind:component lifecycle:production owner:team-b")
            << QStringList { s("component:shop/checkout-web"), s("component:default/webhooks-relay") };
        QTest::addRow("unknown value") << s("kind:nothing") << QStringList();
        QTest::addRow("empty qualifier while typing is ignored")
            << s("ledger kind:") << QStringList { s("resource:default/ledger-db") };
        QTest::addRow("unknown field is text") << s("foo:ledger") << QStringList();
        QTest::addRow("text and qualifier")
            << s("card tag:go") << QStringList { s("component:default/payments-gateway") };
    }
    void search_qualifiers_filterLikeFacets()
    {
        QFETCH(QString, text);
        QFETCH(QStringList, expected);
        const SearchResult r = run(text);
        QCOMPARE(sorted(keysOf(m_fixture, r.entities)), sorted(expected));
    }

    void search_filterOnly_ordersByKindThenName()
    {
        const SearchResult r = run(QString(), { { Facet::Kind, { s("Component"), s("API") } } });
        QCOMPARE(keysOf(m_fixture, r.entities),
            (QStringList { s("api:default/checkout-events"), s("api:default/payments-api"),
                s("component:shop/checkout-web"), s("component:default/legacy-payments"),
                s("component:default/payments-api"), s("component:default/payments-gateway"),
                s("component:default/webhooks-relay"), s("component:default/zahlungen") }));
        for (const float score : r.scores)
            QCOMPARE(score, 0.f);
    }

    void facets_noSelection_countTheWholeCatalog_data()
    {
        QTest::addColumn<int>("facet");
        QTest::addColumn<QStringList>("expected"); // "value=count" in output order
        QTest::addRow("kind") << int(Facet::Kind)
                              << QStringList { s("Component=6"), s("API=2"), s("Group=2"), s("System=2"), s("Domain=1"),
                                     s("Location=1"), s("Resource=1"), s("User=1") };
        QTest::addRow("type") << int(Facet::Type)
                              << QStringList { s("service=5"), s("team=2"), s("asyncapi=1"), s("database=1"),
                                     s("openapi=1"), s("website=1") };
        QTest::addRow("lifecycle") << int(Facet::Lifecycle)
                                   << QStringList { s("production=5"), s("experimental=2"), s("deprecated=1") };
        QTest::addRow("owner") << int(Facet::Owner)
                               << QStringList { s("group:default/team-a=6"), s("group:default/team-b=5"),
                                      s("user:default/jane.doe=1") };
        QTest::addRow("system") << int(Facet::System)
                                << QStringList { s("system:default/payments=4"), s("domain:default/commerce=2"),
                                       s("system:default/billing=1"), s("system:default/checkout=1"),
                                       s("system:shop/checkout=1") };
        QTest::addRow("namespace") << int(Facet::Namespace) << QStringList { s("default=15"), s("shop=1") };
        QTest::addRow("tag") << int(Facet::Tag)
                             << QStringList { s("java=3"), s("cobol=1"), s("events=1"), s("go=1"), s("pci=1"),
                                    s("react=1"), s("rest=1"), s("typescript=1") };
    }
    void facets_noSelection_countTheWholeCatalog()
    {
        QFETCH(int, facet);
        QFETCH(QStringList, expected);
        const auto render = [](const QList<FacetCount>& counts) {
            QStringList out;
            for (const FacetCount& c : counts)
                out.append(c.value + QLatin1Char('=') + QString::number(c.count));
            return out;
        };
        QCOMPARE(render(run(QString()).facets.value(Facet(facet))), expected);
        QCOMPARE(render(m_index.facetValues(Facet(facet))), expected);
        // Any text matching everything gives the same counts.
        QCOMPARE(render(run(s("!!!")).facets.value(Facet(facet))), expected);
    }

    void facets_selection_isDisjunctive()
    {
        const SearchResult r = run(QString(), { { Facet::Kind, { s("Component") } } });
        QCOMPARE(r.total, 6);
        // The kind facet ignores its own selection, so the other kinds stay visible.
        QCOMPARE(describe(countMap(r.facets.value(Facet::Kind))),
            s("API=2, Component=6, Domain=1, Group=2, Location=1, Resource=1, System=2, User=1"));
        for (const FacetCount& c : r.facets.value(Facet::Kind))
            QCOMPARE(c.selected, c.value == QLatin1String("Component"));
        // The others count the selected kind only.
        QCOMPARE(describe(countMap(r.facets.value(Facet::Lifecycle))), s("deprecated=1, experimental=2, production=3"));
        QCOMPARE(
            describe(countMap(r.facets.value(Facet::Tag))), s("cobol=1, go=1, java=3, pci=1, react=1, typescript=1"));
    }

    void facets_combinedFilters_orWithinAndAcross()
    {
        const SearchResult r = run(
            QString(), { { Facet::Kind, { s("Component"), s("api") } }, { Facet::Lifecycle, { s("production") } } });
        QCOMPARE(sorted(keysOf(m_fixture, r.entities)),
            sorted(
                { s("component:default/payments-api"), s("api:default/payments-api"), s("api:default/checkout-events"),
                    s("component:shop/checkout-web"), s("component:default/webhooks-relay") }));
        // Kinds among production entities; lifecycles among Components and APIs.
        QCOMPARE(describe(countMap(r.facets.value(Facet::Kind))), s("API=2, Component=3"));
        QCOMPARE(describe(countMap(r.facets.value(Facet::Lifecycle))), s("deprecated=1, experimental=2, production=5"));
        QCOMPARE(describe(countMap(r.facets.value(Facet::Owner))), s("group:default/team-a=2, group:default/team-b=3"));
    }

    void facets_selectedValueWithoutMatches_isStillListed()
    {
        const SearchResult r = run(s("ledger"), { { Facet::Kind, { s("Component") } } });
        QCOMPARE(r.total, 0);
        QVERIFY(r.entities.isEmpty());
        const QList<FacetCount> kinds = r.facets.value(Facet::Kind);
        QCOMPARE(kinds.size(), 2);
        QCOMPARE(kinds.at(0), (FacetCount { s("Resource"), 1, false }));
        QCOMPARE(kinds.at(1), (FacetCount { s("Component"), 0, true }));
    }

    void facets_limit_keepsMostFrequentAndSelected()
    {
        SearchQuery q;
        q.filters = { { Facet::Tag, { s("typescript") } } };
        q.facetLimit = 2;
        const SearchResult r = m_index.search(q);
        const QList<FacetCount> tags = r.facets.value(Facet::Tag);
        QCOMPARE(tags.size(), 3);
        QCOMPARE(tags.at(0).value, s("java"));
        QCOMPARE(tags.at(1).value, s("cobol"));
        QCOMPARE(tags.at(2), (FacetCount { s("typescript"), 1, true }));
        QCOMPARE(r.facetValueCount.value(Facet::Tag), 8);
        QCOMPARE(r.facets.value(Facet::Kind).size(), 1); // only Component has the tag
    }

    void search_limit_cutsEntitiesNotTotal()
    {
        SearchQuery q;
        q.text = s("payments");
        q.limit = 2;
        const SearchResult r = m_index.search(q);
        QCOMPARE(r.entities.size(), 2);
        QCOMPARE(r.scores.size(), 2);
        QCOMPARE(r.total, 7);
        QCOMPARE(m_fixture.at(r.entities.at(0)).key, s("system:default/payments"));
        q.limit = 0;
        QCOMPARE(m_index.search(q).entities.size(), 0);
        q.text.clear();
        q.limit = 3;
        const SearchResult all = m_index.search(q);
        QCOMPARE(all.entities.size(), 3);
        QCOMPARE(all.total, int(m_fixture.size()));
    }

    void search_withoutFacets_returnsNone()
    {
        SearchQuery q;
        q.text = s("payments");
        q.withFacets = false;
        const SearchResult r = m_index.search(q);
        QCOMPARE(r.total, 7);
        QVERIFY(r.facets.isEmpty());
    }

    // --- odd input --------------------------------------------------------------------------

    void search_oddInput_givesSensibleResults_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("total");
        QTest::addRow("empty") << QString() << 16;
        QTest::addRow("spaces") << s("   \t  \n ") << 16;
        QTest::addRow("punctuation only") << s("!!! --- ::: ,,, ///") << 16;
        QTest::addRow("colon first is a word") << s(":ledger") << 1;
        QTest::addRow("10,000 letters") << QString(10000, QLatin1Char('a')) << 0;
        QTest::addRow("10,000 characters of one word repeated")
            << QString(s("payments ")).repeated(1112).left(10000) << 7;
        QString many;
        for (int i = 0; many.size() < 10000; ++i)
            many += QString::number(i * 7919 % 10007, 36) + QLatin1Char(' ');
        QTest::addRow("10,000 characters of distinct words") << many << 0;
        QTest::addRow("lone surrogate") << QString(QChar(0xd800)) + s("ledger") << 1;
        QTest::addRow("emoji between words") << s("ledger😀db") << 1;
        QTest::addRow("nul character") << s("ledger") + QChar(0) << 1;
        QTest::addRow("right-to-left text") << s("مدفوعات") << 0;
        QTest::addRow("qualifier with many commas") << s("kind:,,,,api,,,") << 2;
    }
    void search_oddInput_givesSensibleResults()
    {
        QFETCH(QString, text);
        QFETCH(int, total);
        const SearchResult r = run(text);
        QCOMPARE(r.total, total);
        QCOMPARE(r.entities.size(), total);
    }

    void search_emptyIndex_findsNothing()
    {
        const SearchIndex empty;
        QCOMPARE(empty.entityCount(), 0);
        SearchQuery q;
        q.text = s("payments");
        QCOMPARE(empty.search(q).total, 0);
        q.text.clear();
        q.filters = { { Facet::Kind, { s("Component") } } };
        const SearchResult r = empty.search(q);
        QCOMPARE(r.total, 0);
        QVERIFY(r.facets.value(Facet::Kind).isEmpty());
        const SearchIndex built = SearchIndex::build({});
        QCOMPARE(built.search({}).total, 0);
    }

    void search_copies_shareTheSameAnswers()
    {
        const SearchIndex copy = m_index;
        SearchIndex assigned;
        assigned = copy;
        QCOMPARE(assigned.search({ s("card"), {} }).entities, m_index.search({ s("card"), {} }).entities);
    }

    // --- query text and helpers -------------------------------------------------------------

    void parseQueryText_splitsWordsAndQualifiers_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("words");
        QTest::addColumn<QString>("phrase");
        QTest::addColumn<QStringList>("qualifiers"); // "facet=value"
        QTest::addRow("words") << s("Payments-API  gateway") << QStringList { s("payments"), s("api"), s("gateway") }
                               << s("payments api gateway") << QStringList();
        QTest::addRow("duplicates once") << s("pay pay PAY") << QStringList { s("pay") } << s("pay pay pay")
                                         << QStringList();
        QTest::addRow("qualifiers") << s("kind:api owner:group:default/team-a x") << QStringList { s("x") } << s("x")
                                    << QStringList { s("kind=api"), s("owner=group:default/team-a") };
        QTest::addRow("aliases and lists")
            << s("NS:shop,default tags:java") << QStringList() << QString()
            << QStringList { s("namespace=shop"), s("namespace=default"), s("tag=java") };
        QTest::addRow("empty value") << s("kind:") << QStringList() << QString() << QStringList();
        QTest::addRow("unknown field") << s("foo:bar") << QStringList { s("foo"), s("bar") } << s("foo bar")
                                       << QStringList();
    }
    void parseQueryText_splitsWordsAndQualifiers()
    {
        QFETCH(QString, text);
        QFETCH(QStringList, words);
        QFETCH(QString, phrase);
        QFETCH(QStringList, qualifiers);
        const QueryText q = parseQueryText(text);
        QCOMPARE(q.words, words);
        QCOMPARE(q.phrase, phrase);
        QStringList got;
        for (int f = 0; f < NumFacets; ++f)
            for (const QString& v : q.qualifiers.value(Facet(f)))
                got.append(facetName(Facet(f)) + QLatin1Char('=') + v);
        QCOMPARE(sorted(got), sorted(qualifiers));
    }

    void facetName_roundTrips()
    {
        for (int f = 0; f < NumFacets; ++f) {
            QVERIFY(facetFromName(facetName(Facet(f))) == Facet(f));
            QVERIFY(facetFromName(facetName(Facet(f)).toUpper()) == Facet(f));
        }
        QVERIFY(facetFromName(u"ns") == Facet::Namespace);
        QVERIFY(facetFromName(u"tags") == Facet::Tag);
        QVERIFY(!facetFromName(u"color"));
        QVERIFY(!facetFromName(u""));
    }

    void fuzzy_boundedDistance_matchesFullTable_data()
    {
        QTest::addColumn<QString>("a");
        QTest::addColumn<QString>("b");
        QTest::addRow("equal") << s("payments") << s("payments");
        QTest::addRow("transposition") << s("paymnets") << s("payments");
        QTest::addRow("two transpositions") << s("apymnets") << s("payments");
        QTest::addRow("insertion") << s("paymentss") << s("payments");
        QTest::addRow("deletion") << s("pyments") << s("payments");
        QTest::addRow("far") << s("ledger") << s("payments");
        QTest::addRow("empty") << QString() << s("abc");
        QTest::addRow("osa is not full damerau") << s("ca") << s("abc");
    }
    void fuzzy_boundedDistance_matchesFullTable()
    {
        QFETCH(QString, a);
        QFETCH(QString, b);
        const int full = referenceDistance(a, b);
        for (int max = 0; max <= 4; ++max)
            QCOMPARE(Fuzzy::boundedDistance(a, b, max), std::min(full, max + 1));
    }

    void fuzzy_deletionHashes_shareOneWithinDistance()
    {
        Random r(7);
        const QString letters = s("abcdefghij");
        for (int i = 0; i < 2000; ++i) {
            QString a, b;
            const int la = r.between(4, 12);
            for (int k = 0; k < la; ++k)
                a += letters.at(qsizetype(r.below(quint32(letters.size()))));
            b = a;
            for (int e = r.between(0, 2); e > 0 && b.size() > 1; --e) {
                const auto at = qsizetype(r.below(quint32(b.size() - 1)));
                switch (r.below(4)) {
                case 0:
                    std::swap(b[at], b[at + 1]);
                    break;
                case 1:
                    b.remove(at, 1);
                    break;
                case 2:
                    b.insert(at, letters.at(qsizetype(r.below(10))));
                    break;
                default:
                    b[at] = letters.at(qsizetype(r.below(10)));
                    break;
                }
            }
            const int d = referenceDistance(a, b);
            if (d > 2)
                continue;
            const auto ha = Fuzzy::deletionHashes(a, d);
            const auto hb = Fuzzy::deletionHashes(b, d);
            std::vector<quint64> common;
            std::set_intersection(ha.begin(), ha.end(), hb.begin(), hb.end(), std::back_inserter(common));
            QVERIFY2(!common.empty(), qPrintable(a + QLatin1Char(' ') + b));
        }
    }

    // --- against a brute-force reference ----------------------------------------------------

    void search_randomQueries_matchBruteForce()
    {
        const QList<Entity> entities = generateCatalogEntities(3000, 1234);
        const SearchIndex index = SearchIndex::build(entities);
        const Reference reference(entities);
        Random r(99);
        const QStringList separators { s(" "), s("  "), s("-"), s(", "), s("/") };
        std::array<QStringList, NumFacets> values;
        for (const Entity& e : entities)
            for (int f = 0; f < NumFacets; ++f)
                for (const QString& v : Reference::values(e, Facet(f)))
                    if (!values[f].contains(v))
                        values[f].append(v);

        int nonEmpty = 0;
        for (int round = 0; round < 400; ++round) {
            // One to three words from random entities: whole, cut to a prefix, or with a typo.
            QStringList words;
            const int wordCount = round % 5 == 0 ? 0 : r.between(1, 3);
            for (int w = 0; w < wordCount; ++w) {
                const QStringList& pool = reference.words(int(r.below(quint32(entities.size()))));
                QString word = r.pick(pool);
                const int mode = int(r.below(3));
                if (mode == 1)
                    word = word.left(r.between(1, int(word.size())));
                else if (mode == 2 && word.size() >= 4)
                    word[r.between(1, int(word.size()) - 1)] = QLatin1Char('q');
                words.append(word);
            }
            FacetFilters filters;
            for (int k = int(r.below(3)); k > 0; --k) {
                const Facet f = Facet(r.below(NumFacets));
                for (int v = r.between(1, 2); v > 0; --v)
                    filters[f].append(r.pick(values[int(f)]));
            }
            const bool typos = round % 3 != 0;
            QString text;
            for (const QString& w : words)
                text += (text.isEmpty() ? QString() : r.pick(separators)) + (r.chance(30) ? w.toUpper() : w);

            SearchQuery q;
            q.text = text;
            q.filters = filters;
            q.typoTolerance = typos;
            const SearchResult got = index.search(q);
            QStringList uniqueWords;
            for (const QString& w : words)
                if (!uniqueWords.contains(w.toLower()))
                    uniqueWords.append(w.toLower());
            const Reference::Answer want = reference.search(uniqueWords, filters, typos);

            const QString context = QStringLiteral("round %1: \"%2\" typos=%3").arg(round).arg(text).arg(typos);
            QList<int> gotSorted = got.entities;
            std::sort(gotSorted.begin(), gotSorted.end());
            QVERIFY2(gotSorted == want.matches,
                qPrintable(
                    context + QStringLiteral(": %1 results, expected %2").arg(got.total).arg(want.matches.size())));
            QCOMPARE(got.total, int(want.matches.size()));
            nonEmpty += got.total > 0 ? 1 : 0;
            for (int f = 0; f < NumFacets; ++f) {
                const auto gotCounts = countMap(got.facets.value(Facet(f)), true);
                const auto wantCounts
                    = want.facets.count(Facet(f)) ? want.facets.at(Facet(f)) : std::map<QString, int>();
                QVERIFY2(gotCounts == wantCounts,
                    qPrintable(context + QLatin1String(": facet ") + facetName(Facet(f)) + QLatin1String(": ")
                        + describe(gotCounts) + QLatin1String(" != ") + describe(wantCounts)));
            }
            // Order: best score first, ties and filter-only results by kind, then name.
            for (qsizetype i = 1; i < got.entities.size(); ++i) {
                const float a = got.scores.at(i - 1), b = got.scores.at(i);
                QVERIFY2(a >= b, qPrintable(context));
                if (a == b)
                    QVERIFY2(!kindNameLess(entities.at(got.entities.at(i)), entities.at(got.entities.at(i - 1))),
                        qPrintable(context));
            }
        }
        QVERIFY2(nonEmpty > 200, "the random queries should mostly find something");
    }

    void search_concurrentThreads_giveTheSameAnswers()
    {
        const QList<Entity> entities = generateCatalogEntities(2000, 77);
        const SearchIndex index = SearchIndex::build(entities);
        QList<SearchQuery> queries;
        const QStringList texts { s("pay"), s("payments kind:component"), s("web"), s("tag:java"), QString(),
            s("paymnets"), s("s"), s("owner:payments-team") };
        for (const QString& t : texts) {
            SearchQuery q;
            q.text = t;
            queries.append(q);
            q.filters = { { Facet::Lifecycle, { s("production") } } };
            queries.append(q);
        }
        QList<SearchResult> expected;
        for (const SearchQuery& q : queries)
            expected.append(index.search(q));
        std::atomic<int> mismatches { 0 };
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&, t] {
                for (int round = 0; round < 20; ++round)
                    for (qsizetype i = 0; i < queries.size(); ++i) {
                        const qsizetype k = (i + t * 3) % queries.size();
                        const SearchResult r = index.search(queries.at(k));
                        if (r.entities != expected.at(k).entities || r.facets != expected.at(k).facets)
                            ++mismatches;
                    }
            });
        for (std::thread& t : threads)
            t.join();
        QCOMPARE(mismatches.load(), 0);
    }

    // --- the catalog generator the benchmarks and these tests use ---------------------------

    void generator_count_isExact_data()
    {
        QTest::addColumn<int>("count");
        QTest::addRow("smallest") << 20;
        QTest::addRow("odd") << 137;
        QTest::addRow("thousand") << 1000;
    }
    void generator_count_isExact()
    {
        QFETCH(int, count);
        const QList<Entity> entities = generateCatalogEntities(count);
        QCOMPARE(entities.size(), count);
        QSet<QString> kinds;
        for (const Entity& e : entities)
            kinds.insert(e.ref.kind);
        QCOMPARE(kinds,
            (QSet<QString> { s("Location"), s("Domain"), s("Group"), s("User"), s("System"), s("API"), s("Resource"),
                s("Component") }));
    }

    void generator_sameSeed_sameCatalog()
    {
        CatalogOptions options;
        options.entities = 600;
        options.documents = true;
        const auto a = generateCatalog(options);
        const auto b = generateCatalog(options);
        QCOMPARE(a.entities, b.entities);
        QCOMPARE(a.files.size(), b.files.size());
        for (qsizetype i = 0; i < a.files.size(); ++i) {
            QCOMPARE(a.files.at(i).path, b.files.at(i).path);
            QCOMPARE(a.files.at(i).content, b.files.at(i).content);
        }
        options.seed += 1;
        QVERIFY(generateCatalog(options).entities != a.entities);
    }

    void generator_entities_followBackstageRules()
    {
        const QList<Entity> entities = generateCatalogEntities(5000);
        static const QRegularExpression name(QStringLiteral("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$"));
        static const QRegularExpression tag(QStringLiteral("^[a-z0-9:+#]+(\\-[a-z0-9:+#]+)*$"));
        static const QRegularExpression dns(QStringLiteral("^[a-z0-9]+(?:\\-+[a-z0-9]+)*$"));
        QSet<QString> keys;
        for (const Entity& e : entities) {
            QVERIFY2(name.match(e.ref.name).hasMatch() && e.ref.name.size() <= 63, qPrintable(e.key));
            QVERIFY2(dns.match(e.ref.ns).hasMatch(), qPrintable(e.key));
            for (const QString& t : e.tags)
                QVERIFY2(tag.match(t).hasMatch() && t.size() <= 63, qPrintable(e.key + QLatin1Char(' ') + t));
            QCOMPARE(e.key, e.ref.key());
            QVERIFY2(!keys.contains(e.key), qPrintable(e.key));
            keys.insert(e.key);
            const QString kind = e.ref.kind;
            if (kind == QLatin1String("Component") || kind == QLatin1String("API"))
                QVERIFY2(!e.type.isEmpty() && !e.lifecycle.isEmpty() && !e.owner.isEmpty(), qPrintable(e.key));
            if (kind == QLatin1String("Resource") || kind == QLatin1String("System") || kind == QLatin1String("Domain"))
                QVERIFY2(!e.owner.isEmpty(), qPrintable(e.key));
            if (kind == QLatin1String("Group"))
                QVERIFY2(!e.type.isEmpty(), qPrintable(e.key));
            for (const EntityLink& l : e.links)
                QVERIFY(l.url.startsWith(QLatin1String("https://")));
        }
        int relations = 0;
        for (const Entity& e : entities) {
            std::map<RelationType, int> perType;
            for (const DeclaredRelation& d : e.declared) {
                QVERIFY2(keys.contains(d.target), qPrintable(e.key + QLatin1String(" -> ") + d.target));
                ++perType[d.type];
                ++relations;
            }
            if (e.ref.kind == QLatin1String("Component")) {
                QVERIFY2(
                    perType[RelationType::DependsOn] >= 1 && perType[RelationType::DependsOn] <= 3, qPrintable(e.key));
                QVERIFY2(perType[RelationType::ConsumesApi] <= 2, qPrintable(e.key));
                QCOMPARE(perType[RelationType::OwnedBy], 1);
                QCOMPARE(perType[RelationType::PartOf], 1);
            }
            if (e.ref.kind == QLatin1String("User")) {
                QVERIFY2(
                    perType[RelationType::MemberOf] >= 1 && perType[RelationType::MemberOf] <= 2, qPrintable(e.key));
            }
            if (!e.owner.isEmpty())
                QVERIFY2(keys.contains(e.owner), qPrintable(e.key));
            if (!e.system.isEmpty())
                QVERIFY2(keys.contains(e.system), qPrintable(e.key));
        }
        QVERIFY(relations > entities.size() * 2);
    }

    void generator_files_declareTheEntities()
    {
        CatalogOptions options;
        options.entities = 800;
        const auto catalog = generateCatalog(options);
        qsizetype next = 0;
        QStringList paths;
        for (const auto& file : catalog.files) {
            paths.append(file.path);
            const auto docs = parseYamlStream(file.content);
            QCOMPARE(qsizetype(docs.size()), qsizetype(file.documents));
            for (const YamlStreamDocument& doc : docs) {
                if (doc.error)
                    QFAIL(qPrintable(file.path + QLatin1String(": ") + doc.error->message));
                const Entity& e = catalog.entities.at(next++);
                const YamlValue root(&doc.document, doc.document.root());
                QCOMPARE(e.location.file, file.path);
                QCOMPARE(e.location.document, doc.index);
                QCOMPARE(e.location.line, root.position().line);
                QCOMPARE(e.location.column, root.position().column);
                QCOMPARE(root["kind"].toString(), e.ref.kind);
                QCOMPARE(root["metadata"]["name"].toString(), e.ref.name);
                QCOMPARE(
                    root["metadata"]["namespace"] ? root["metadata"]["namespace"].toString() : s("default"), e.ref.ns);
                QCOMPARE(root["metadata"]["title"].toString(), e.title);
                QCOMPARE(root["metadata"]["description"].toString(), e.description);
                QCOMPARE(root["spec"]["type"].toString(), e.type);
                QCOMPARE(root["metadata"]["tags"].size(), quint32(e.tags.size()));
                for (const DeclaredRelation& d : e.declared) {
                    const QStringList path = d.fieldPath().split(QLatin1Char('.'));
                    YamlValue v = root["spec"][path.at(1).toStdString()];
                    if (path.size() == 3)
                        v = v.at(path.at(2).toUInt());
                    QCOMPARE(v.position().line, d.line);
                    QCOMPARE(v.position().column, d.column);
                    QVERIFY(v.isString());
                }
                if (e.ref.kind == QLatin1String("API"))
                    QVERIFY(root["spec"]["definition"].toString().size() > 20);
            }
        }
        QCOMPARE(next, catalog.entities.size());
        QCOMPARE(paths.first(), s("catalog-info.yaml"));
        QVERIFY(paths.contains(s("domains.yaml")));
        QVERIFY(std::any_of(
            paths.begin(), paths.end(), [](const QString& p) { return p.startsWith(QLatin1String("org/")); }));
        QVERIFY(std::any_of(
            paths.begin(), paths.end(), [](const QString& p) { return p.startsWith(QLatin1String("systems/")); }));
        const auto root = parseYamlStream(catalog.files.first().content);
        const YamlValue location(&root.at(0).document, root.at(0).document.root());
        QCOMPARE(location["kind"].toString(), s("Location"));
        QCOMPARE(location["spec"]["targets"].size(), 3u);
        QCOMPARE(location["spec"]["targets"].at(0).toString(), s("./systems/*.yaml"));
    }
};

QTEST_GUILESS_MAIN(tst_SearchIndex)
#include "tst_searchindex.moc"
