// SPDX-License-Identifier: Apache-2.0
#include "cataloggenerator.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

#include <algorithm>
#include <cmath>
#include <functional>

namespace Flightdeck::Bench {

using Catalog::DeclaredRelation;
using Catalog::Entity;
using Catalog::EntityLink;
using Catalog::EntityRef;
using Catalog::RelationType;

// ---------------------------------------------------------------------------------------------
// Random

namespace {
quint64 splitmix64(quint64& x)
{
    quint64 z = (x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

inline quint64 rotl(quint64 x, int k)
{
    return (x << k) | (x >> (64 - k));
}
} // namespace

Random::Random(quint64 seed)
{
    quint64 x = seed;
    for (quint64& s : m_s)
        s = splitmix64(x);
}

quint64 Random::next()
{
    const quint64 result = rotl(m_s[1] * 5, 7) * 9;
    const quint64 t = m_s[1] << 17;
    m_s[2] ^= m_s[0];
    m_s[3] ^= m_s[1];
    m_s[1] ^= m_s[2];
    m_s[0] ^= m_s[3];
    m_s[2] ^= t;
    m_s[3] = rotl(m_s[3], 45);
    return result;
}

quint32 Random::below(quint32 n)
{
    // Lemire's multiply-shift: integer-only, so identical everywhere.
    return quint32(((next() >> 32) * quint64(n)) >> 32);
}

int Random::between(int low, int high)
{
    return low + int(below(quint32(high - low + 1)));
}

bool Random::chance(int percent)
{
    return int(below(100)) < percent;
}

// ---------------------------------------------------------------------------------------------
// Vocabulary

namespace {

QStringList words(std::initializer_list<const char*> list)
{
    QStringList out;
    for (const char* w : list)
        out.append(QString::fromLatin1(w));
    return out;
}

const QStringList& areas()
{
    static const QStringList w = words({ "commerce", "payments", "identity", "logistics", "marketing", "analytics",
        "platform", "customer", "finance", "media", "search", "messaging", "security", "inventory", "fulfillment",
        "risk", "growth", "content", "data", "infrastructure", "mobile", "partner", "retail", "travel", "health",
        "insurance", "lending", "trading", "advertising", "learning", "gaming", "energy", "mobility", "hospitality",
        "procurement", "legal", "people", "support", "devices", "billing" });
    return w;
}

const QStringList& regions()
{
    static const QStringList w
        = words({ "core", "emea", "apac", "americas", "europe", "nordics", "latam", "global", "b2b", "b2c",
            "enterprise", "consumer", "internal", "labs", "next", "legacy", "shared", "edge", "north", "south" });
    return w;
}

const QStringList& prefixes()
{
    static const QStringList w = words({ "payments", "checkout", "ledger", "billing", "invoicing", "cart", "catalog",
        "pricing", "orders", "shipping", "returns", "loyalty", "rewards", "accounts", "auth", "profile", "onboarding",
        "kyc", "fraud", "risk", "search", "recommendations", "reviews", "notifications", "email", "sms", "push", "chat",
        "support", "tickets", "warehouse", "stock", "procurement", "suppliers", "tax", "payroll", "expenses",
        "reporting", "metrics", "telemetry", "logging", "tracing", "alerts", "scheduler", "workflow", "documents",
        "media", "images", "video", "streaming", "ads", "campaigns", "coupons", "subscriptions", "plans", "quotes",
        "contracts", "partners", "merchants", "stores", "delivery", "routing", "fleet", "maps", "geo", "booking",
        "reservations", "calendar", "feedback", "surveys", "experiments", "flags", "config", "secrets", "sessions",
        "tokens", "consent", "privacy", "audit", "compliance" });
    return w;
}

const QStringList& systemNouns()
{
    static const QStringList w = words({ "core", "platform", "hub", "engine", "suite", "services", "portal", "pipeline",
        "center", "manager", "studio", "network", "cloud", "exchange", "mesh", "lake", "vault", "registry", "tracker",
        "bridge", "console", "desk", "works", "forge", "stack", "grid", "ops", "labs", "system", "backbone" });
    return w;
}

const QStringList& nouns()
{
    static const QStringList w = words({ "invoice", "cart", "order", "payment", "refund", "account", "user", "session",
        "token", "price", "quote", "tax", "shipment", "parcel", "label", "route", "driver", "vehicle", "stock", "item",
        "product", "sku", "review", "rating", "message", "email", "template", "report", "metric", "event", "log",
        "trace", "alert", "job", "task", "batch", "file", "image", "asset", "document", "contract", "customer",
        "merchant", "store", "coupon", "offer", "plan", "subscription", "balance", "transfer", "card", "wallet",
        "ticket", "booking", "slot", "address", "consent", "audit", "policy", "rule" });
    return w;
}

const QStringList& serviceRoles()
{
    static const QStringList w = words({ "service", "api", "worker", "processor", "scheduler", "gateway", "proxy",
        "adapter", "sync", "consumer", "producer", "indexer", "resolver", "router", "backend", "manager", "engine",
        "collector", "exporter", "importer" });
    return w;
}

const QStringList& websiteRoles()
{
    static const QStringList w
        = words({ "web", "ui", "portal", "dashboard", "frontend", "app", "admin", "console", "site", "studio" });
    return w;
}

const QStringList& libraryRoles()
{
    static const QStringList w
        = words({ "lib", "sdk", "client", "utils", "common", "models", "schema", "kit", "protos", "helpers" });
    return w;
}

const QStringList& firstNames()
{
    static const QStringList w = words({ "ada", "alan", "amara", "ana", "arjun", "ben", "bo", "carla", "chen", "chloe",
        "dan", "dana", "david", "diego", "elena", "emma", "eric", "fatima", "felix", "grace", "hana", "hugo", "ian",
        "ines", "ivan", "jamal", "jane", "ji-ho", "john", "julia", "kai", "kenji", "lara", "leo", "lina", "lucas",
        "maria", "marco", "maya", "mei", "mila", "nadia", "nina", "noah", "olga", "omar", "priya", "rafael", "ravi",
        "rosa", "sam", "sara", "sofia", "tariq", "tom", "uma", "victor", "wei", "yara", "zoe" });
    return w;
}

const QStringList& lastNames()
{
    static const QStringList w = words({ "adams", "ahmed", "alvarez", "andersen", "bauer", "becker", "brown", "chen",
        "costa", "cruz", "davies", "dubois", "evans", "fischer", "garcia", "gomez", "gupta", "hall", "hansen",
        "hoffmann", "ito", "jensen", "johnson", "kim", "kowalski", "kumar", "lee", "lopez", "martin", "meyer", "miller",
        "moreau", "murphy", "nakamura", "nguyen", "novak", "okafor", "olsen", "park", "patel", "perez", "petrov",
        "rossi", "santos", "schmidt", "schneider", "silva", "singh", "smith", "sato", "tanaka", "taylor", "thomas",
        "walker", "wang", "weber", "white", "wilson", "wong", "yilmaz", "young", "zhang", "ziegler", "moretti",
        "lindqvist", "haddad", "mensah", "osei", "reyes", "ortiz", "kaur", "mishra", "ferreira", "jovanovic", "horvat",
        "dimitrov", "larsen", "berg", "nilsson", "virtanen" });
    return w;
}

const QStringList& departmentNames()
{
    static const QStringList w
        = words({ "engineering", "product", "data", "operations", "sales", "marketing", "finance", "security", "design",
            "support", "infrastructure", "research", "legal", "people", "mobile", "platform" });
    return w;
}

const QStringList& serviceTags()
{
    static const QStringList w = words({ "java", "kotlin", "go", "python", "node", "rust", "scala", "c#", "c++",
        "spring", "grpc", "kafka", "postgres", "redis", "graphql", "aws", "gcp", "kubernetes", "terraform", "pci",
        "gdpr", "sox", "tier-1", "tier-2", "tier-3", "rest", "batch", "ml" });
    return w;
}

const QStringList& websiteTags()
{
    static const QStringList w = words({ "react", "typescript", "vue", "angular", "nextjs", "css", "accessibility",
        "i18n", "tier-1", "tier-2", "public", "internal" });
    return w;
}

const QStringList& libraryTags()
{
    static const QStringList w = words({ "java", "go", "python", "typescript", "rust", "kotlin", "c++", "protobuf",
        "openapi", "shared", "deprecated-api" });
    return w;
}

const QStringList& apiTags()
{
    static const QStringList w
        = words({ "rest", "grpc", "events", "public", "internal", "partner", "v1", "v2", "beta", "pci", "gdpr" });
    return w;
}

const QStringList& verbs()
{
    static const QStringList w = words({ "Handles", "Processes", "Serves", "Manages", "Stores", "Validates",
        "Schedules", "Publishes", "Aggregates", "Exposes", "Reconciles", "Tracks" });
    return w;
}

const QStringList& namespaces()
{
    static const QStringList w = words({ "payments", "platform", "data", "mobile", "internal" });
    return w;
}

QString capitalized(const QString& w)
{
    return w.isEmpty() ? w : w.left(1).toUpper() + w.mid(1);
}

// "payments-invoice-api" -> "Payments Invoice API"
QString titleOf(const QString& name)
{
    QStringList out;
    for (const QString& part : name.split(QLatin1Char('-'), Qt::SkipEmptyParts)) {
        if (part == QLatin1String("api") || part == QLatin1String("ui") || part == QLatin1String("sdk")
            || part == QLatin1String("db"))
            out.append(part.toUpper());
        else
            out.append(capitalized(part));
    }
    return out.join(QLatin1Char(' '));
}

QString plural(const QString& noun)
{
    if (noun.endsWith(QLatin1Char('s')) || noun.endsWith(QLatin1Char('x')) || noun.endsWith(QLatin1String("ch"))
        || noun.endsWith(QLatin1String("sh")))
        return noun + QLatin1String("es");
    if (noun.endsWith(QLatin1Char('y')) && !noun.endsWith(QLatin1String("ay")))
        return noun.chopped(1) + QLatin1String("ies");
    return noun + QLatin1Char('s');
}

// ---------------------------------------------------------------------------------------------
// The model: entities before they become YAML and Entity values

struct SpecField
{
    enum Shape
    {
        Scalar,
        List,
        Block,
        Profile
    };
    QString key;
    Shape shape = Scalar;
    QString scalar; // Scalar, Block
    QStringList list; // List; Profile: displayName, email
    bool relation = false;
    RelationType type = RelationType::OwnedBy;
    QString defaultKind; // empty: the ref names its kind
};

struct Node
{
    QString kind;
    QString ns = QStringLiteral("default");
    QString name;
    QString title;
    QString description;
    QStringList tags;
    QList<QPair<QString, QString>> annotations;
    QList<EntityLink> links;
    QList<SpecField> spec;

    const SpecField* field(const QString& key) const
    {
        for (const SpecField& f : spec)
            if (f.key == key)
                return &f;
        return nullptr;
    }
    void scalar(const QString& key, const QString& value) { spec.append({ key, SpecField::Scalar, value, {} }); }
    void ref(const QString& key, const QString& value, RelationType type, const QString& defaultKind)
    {
        spec.append({ key, SpecField::Scalar, value, {}, true, type, defaultKind });
    }
    void refs(const QString& key, const QStringList& values, RelationType type, const QString& defaultKind)
    {
        spec.append({ key, SpecField::List, {}, values, true, type, defaultKind });
    }
};

struct Team
{
    int node = 0; // index into nodes
    int department = 0; // index into departments
    QStringList members;
};

struct SystemInfo
{
    int node = 0;
    QString prefix;
    QString ns;
    QString ownerTeam;
    QList<int> components;
    QList<int> apis;
    QList<int> resources;
};

// A reference from an entity in namespace `from` to `name` in namespace `to`, with the kind
// written only when the field has no default for it.
QString refText(const QString& kind, const QString& to, const QString& name, const QString& from, bool writeKind)
{
    QString s;
    if (writeKind)
        s += kind + QLatin1Char(':');
    if (to != from)
        s += to + QLatin1Char('/');
    return s + name;
}

class Generator
{
public:
    Generator(const CatalogOptions& options)
        : m_options(options)
        , m_random(options.seed)
        , m_org(options.organization)
    { }

    QList<Node> nodes;
    QList<QPair<QString, QList<int>>> files; // relative path -> nodes in document order

    void run();

private:
    QString unique(const std::function<QString()>& make);
    int add(Node node)
    {
        nodes.append(std::move(node));
        return int(nodes.size() - 1);
    }
    QStringList pickTags(const QStringList& vocabulary, int low, int high);
    QString lifecycle();
    void addCodeAnnotations(Node& node, bool kubernetes);

    CatalogOptions m_options;
    Random m_random;
    QString m_org;
    QSet<QString> m_used;
};

QString Generator::unique(const std::function<QString()>& make)
{
    for (int attempt = 0; attempt < 12; ++attempt) {
        const QString name = make();
        if (!m_used.contains(name)) {
            m_used.insert(name);
            return name;
        }
    }
    const QString base = make();
    for (int n = 2;; ++n) {
        const QString name = base + QLatin1Char('-') + QString::number(n);
        if (!m_used.contains(name)) {
            m_used.insert(name);
            return name;
        }
    }
}

QStringList Generator::pickTags(const QStringList& vocabulary, int low, int high)
{
    QStringList tags;
    const int count = m_random.between(low, high);
    for (int i = 0; i < count; ++i) {
        const QString& tag = m_random.pick(vocabulary);
        if (!tags.contains(tag))
            tags.append(tag);
    }
    return tags;
}

QString Generator::lifecycle()
{
    const int r = int(m_random.below(100));
    return r < 60 ? QStringLiteral("production")
        : r < 85  ? QStringLiteral("experimental")
                  : QStringLiteral("deprecated");
}

void Generator::addCodeAnnotations(Node& node, bool kubernetes)
{
    const QString repo = m_org + QLatin1Char('/') + node.name;
    node.annotations.append({ QStringLiteral("github.com/project-slug"), repo });
    if (m_random.chance(70))
        node.annotations.append({ QStringLiteral("backstage.io/techdocs-ref"), QStringLiteral("dir:.") });
    if (kubernetes)
        node.annotations.append({ QStringLiteral("backstage.io/kubernetes-id"), node.name });
    if (kubernetes && m_random.chance(30)) {
        static const QString alphabet = QStringLiteral("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789");
        QString id = QStringLiteral("P");
        for (int i = 0; i < 6; ++i)
            id += alphabet.at(qsizetype(m_random.below(quint32(alphabet.size()))));
        node.annotations.append({ QStringLiteral("pagerduty.com/service-id"), id });
    }
    if (m_random.chance(20))
        node.annotations.append({ QStringLiteral("sonarqube.org/project-key"), m_org + QLatin1Char('_') + node.name });
    node.links.append(
        { QStringLiteral("https://github.com/") + repo, QStringLiteral("Repository"), QStringLiteral("github"), {} });
    if (kubernetes)
        node.links.append({ QStringLiteral("https://grafana.%1.example/d/%2").arg(m_org, node.name),
            QStringLiteral("Dashboard"), QStringLiteral("dashboard"), {} });
    if (m_random.chance(40))
        node.links.append({ QStringLiteral("https://wiki.%1.example/runbooks/%2").arg(m_org, node.name),
            QStringLiteral("Runbook"), QStringLiteral("docs"), QStringLiteral("runbook") });
}

void Generator::run()
{
    const int n = std::max(m_options.entities, 20);
    const auto share = [&](double fraction, int minimum) { return std::max(minimum, int(std::lround(n * fraction))); };
    const int groupCount = share(0.02, 3);
    const int userCount = share(0.10, 1);
    const int domainCount = share(0.005, 1);
    const int systemCount = share(0.03, 1);
    const int apiCount = share(0.15, 1);
    const int resourceCount = share(0.05, 1);
    const int componentCount = n - 1 - groupCount - userCount - domainCount - systemCount - apiCount - resourceCount;
    const QString def = QStringLiteral("default");

    // Groups: one organization, departments, teams.
    const int departmentCount = std::max(1, (groupCount - 1) / 10);
    const int teamCount = groupCount - 1 - departmentCount;
    m_used.insert(m_org);
    Node org;
    org.kind = QStringLiteral("Group");
    org.name = m_org;
    org.title = capitalized(m_org) + QStringLiteral(" Corp");
    org.description = QStringLiteral("The whole of %1.").arg(org.title);
    const int orgNode = add(org);
    QList<int> departments;
    for (int i = 0; i < departmentCount; ++i) {
        Node g;
        g.kind = QStringLiteral("Group");
        g.name = unique([&]() -> QString {
            return i < departmentNames().size()
                ? departmentNames().at(i)
                : m_random.pick(departmentNames()) + QLatin1Char('-') + m_random.pick(regions());
        });
        g.description = QStringLiteral("The %1 department.").arg(titleOf(g.name));
        departments.append(add(g));
    }
    QList<Team> teams;
    for (int i = 0; i < teamCount; ++i) {
        Node g;
        g.kind = QStringLiteral("Group");
        g.name = unique([&]() -> QString {
            if (m_random.chance(50))
                return m_random.pick(prefixes()) + QStringLiteral("-team");
            return m_random.pick(prefixes()) + QLatin1Char('-') + m_random.pick(nouns()) + QStringLiteral("-team");
        });
        g.description = QStringLiteral("%1 builds and runs %2.")
                            .arg(titleOf(g.name), titleOf(g.name.section(QLatin1Char('-'), 0, 0)));
        Team t;
        t.department = int(m_random.below(quint32(departments.size())));
        t.node = add(g);
        teams.append(t);
    }

    // Users, each in one or two teams.
    QList<int> users;
    QList<QList<int>> userTeams;
    for (int i = 0; i < userCount; ++i) {
        Node u;
        u.kind = QStringLiteral("User");
        QString first, last, middle;
        u.name = unique([&]() -> QString {
            first = m_random.pick(firstNames());
            last = m_random.pick(lastNames());
            middle.clear();
            if (m_random.chance(40)) {
                middle = QChar(QLatin1Char(char('a' + m_random.below(26))));
                return first + QLatin1Char('.') + middle + QLatin1Char('.') + last;
            }
            return first + QLatin1Char('.') + last;
        });
        QString display = capitalized(first) + QLatin1Char(' ');
        if (!middle.isEmpty())
            display += middle.toUpper() + QStringLiteral(". ");
        display += capitalized(last);
        u.spec.append({ QStringLiteral("profile"), SpecField::Profile, {},
            { display, u.name + QLatin1Char('@') + m_org + QStringLiteral(".example") } });
        QList<int> memberOf;
        const int t1 = int(m_random.below(quint32(teams.size())));
        memberOf.append(t1);
        if (teams.size() > 1 && m_random.chance(25)) {
            const int t2 = int(m_random.below(quint32(teams.size())));
            if (t2 != t1)
                memberOf.append(t2);
        }
        for (const int t : memberOf)
            teams[t].members.append(u.name);
        users.append(add(u));
        userTeams.append(memberOf);
    }
    for (int i = 0; i < users.size(); ++i) {
        QStringList refs;
        for (const int t : userTeams.at(i))
            refs.append(nodes.at(teams.at(t).node).name);
        nodes[users.at(i)].refs(QStringLiteral("memberOf"), refs, RelationType::MemberOf, QStringLiteral("Group"));
    }
    // Group specs: type, profile, parent, children, members.
    {
        Node& o = nodes[orgNode];
        o.scalar(QStringLiteral("type"), QStringLiteral("organization"));
        o.spec.append({ QStringLiteral("profile"), SpecField::Profile, {},
            { o.title, QStringLiteral("info@") + m_org + QStringLiteral(".example") } });
        QStringList children;
        for (const int d : departments)
            children.append(nodes.at(d).name);
        o.refs(QStringLiteral("children"), children, RelationType::ParentOf, QStringLiteral("Group"));
    }
    for (int di = 0; di < departments.size(); ++di) {
        Node& d = nodes[departments.at(di)];
        d.scalar(QStringLiteral("type"), QStringLiteral("department"));
        d.spec.append({ QStringLiteral("profile"), SpecField::Profile, {},
            { titleOf(d.name), d.name + QLatin1Char('@') + m_org + QStringLiteral(".example") } });
        d.ref(QStringLiteral("parent"), m_org, RelationType::ChildOf, QStringLiteral("Group"));
        QStringList children;
        for (const Team& t : std::as_const(teams))
            if (t.department == di)
                children.append(nodes.at(t.node).name);
        d.refs(QStringLiteral("children"), children, RelationType::ParentOf, QStringLiteral("Group"));
    }
    for (const Team& t : std::as_const(teams)) {
        Node& g = nodes[t.node];
        g.scalar(QStringLiteral("type"), QStringLiteral("team"));
        g.spec.append({ QStringLiteral("profile"), SpecField::Profile, {},
            { titleOf(g.name), g.name + QLatin1Char('@') + m_org + QStringLiteral(".example") } });
        g.ref(QStringLiteral("parent"), nodes.at(departments.at(t.department)).name, RelationType::ChildOf,
            QStringLiteral("Group"));
        g.refs(QStringLiteral("children"), {}, RelationType::ParentOf, QStringLiteral("Group"));
        if (!t.members.isEmpty())
            g.refs(QStringLiteral("members"), t.members, RelationType::HasMember, QStringLiteral("User"));
    }

    const auto teamName = [&](int t) { return nodes.at(teams.at(t).node).name; };
    const auto groupRef = [&](const QString& name, const QString& from) {
        return refText(QStringLiteral("group"), def, name, from, from != def);
    };

    // Domains.
    QList<int> domains;
    for (int i = 0; i < domainCount; ++i) {
        Node dm;
        dm.kind = QStringLiteral("Domain");
        dm.name = unique([&]() -> QString {
            return i < areas().size() ? areas().at(i)
                                      : m_random.pick(areas()) + QLatin1Char('-') + m_random.pick(regions());
        });
        dm.title = titleOf(dm.name);
        dm.description = QStringLiteral("Everything %1 at %2.").arg(dm.title.toLower(), capitalized(m_org));
        const QString owner = m_random.chance(50)
            ? nodes.at(departments.at(int(m_random.below(quint32(departments.size()))))).name
            : teamName(int(m_random.below(quint32(teams.size()))));
        dm.ref(QStringLiteral("owner"), owner, RelationType::OwnedBy, QStringLiteral("Group"));
        domains.append(add(dm));
    }

    // Systems.
    QList<SystemInfo> systems;
    for (int i = 0; i < systemCount; ++i) {
        SystemInfo info;
        Node s;
        s.kind = QStringLiteral("System");
        QString prefix;
        s.name = unique([&]() -> QString {
            prefix = m_random.pick(prefixes());
            return prefix + QLatin1Char('-') + m_random.pick(systemNouns());
        });
        info.prefix = s.name.section(QLatin1Char('-'), 0, 0);
        info.ns = m_random.chance(10) ? m_random.pick(namespaces()) : def;
        s.ns = info.ns;
        s.title = titleOf(s.name);
        s.description
            = QStringLiteral("Everything that runs %1 for %2 customers.").arg(info.prefix, capitalized(m_org));
        s.tags = pickTags(apiTags(), 0, 2);
        info.ownerTeam = teamName(int(m_random.below(quint32(teams.size()))));
        s.ref(QStringLiteral("owner"), groupRef(info.ownerTeam, s.ns), RelationType::OwnedBy, QStringLiteral("Group"));
        const QString domain = nodes.at(m_random.pick(domains)).name;
        s.ref(QStringLiteral("domain"), refText(QStringLiteral("domain"), def, domain, s.ns, false),
            RelationType::PartOf, QStringLiteral("Domain"));
        info.node = add(s);
        systems.append(info);
    }

    // Resources.
    QList<int> resources;
    for (int i = 0; i < resourceCount; ++i) {
        const int si = int(m_random.below(quint32(systems.size())));
        SystemInfo& sys = systems[si];
        Node r;
        r.kind = QStringLiteral("Resource");
        r.ns = sys.ns;
        const int kind = int(m_random.below(4));
        static const QStringList types = words({ "database", "database", "queue", "bucket" });
        static const QList<QStringList> suffixes { words({ "db", "store" }), words({ "db", "cache" }),
            words({ "queue", "topic" }), words({ "bucket", "storage" }) };
        r.name = unique([&]() -> QString {
            return sys.prefix + QLatin1Char('-') + m_random.pick(nouns()) + QLatin1Char('-')
                + m_random.pick(suffixes.at(kind));
        });
        r.description
            = QStringLiteral("%1 %2 for the %3 system.")
                  .arg(capitalized(types.at(kind)),
                      kind == 2 ? QStringLiteral("carrying %1 events").arg(r.name.section(QLatin1Char('-'), 1, 1))
                                : QStringLiteral("holding %1 data").arg(r.name.section(QLatin1Char('-'), 1, 1)),
                      nodes.at(sys.node).title);
        r.tags = pickTags(words({ "postgres", "mysql", "redis", "kafka", "s3", "gcs", "pci", "gdpr", "backup" }), 0, 2);
        r.scalar(QStringLiteral("type"), types.at(kind));
        r.ref(QStringLiteral("owner"), groupRef(sys.ownerTeam, r.ns), RelationType::OwnedBy, QStringLiteral("Group"));
        r.ref(QStringLiteral("system"), nodes.at(sys.node).name, RelationType::PartOf, QStringLiteral("System"));
        if (!sys.resources.isEmpty() && m_random.chance(30)) {
            const Node& other = nodes.at(m_random.pick(sys.resources));
            r.refs(QStringLiteral("dependsOn"),
                { refText(QStringLiteral("resource"), other.ns, other.name, r.ns, true) }, RelationType::DependsOn, {});
        }
        const int node = add(r);
        sys.resources.append(node);
        resources.append(node);
    }

    // Components.
    QList<int> components;
    QList<int> componentSystem;
    for (int i = 0; i < componentCount; ++i) {
        const int si = int(m_random.below(quint32(systems.size())));
        SystemInfo& sys = systems[si];
        Node c;
        c.kind = QStringLiteral("Component");
        c.ns = sys.ns;
        const int t = int(m_random.below(10));
        const QString type = t < 6 ? QStringLiteral("service")
            : t < 8                ? QStringLiteral("website")
                                   : QStringLiteral("library");
        const QStringList& roles = t < 6 ? serviceRoles() : t < 8 ? websiteRoles() : libraryRoles();
        QString noun;
        c.name = unique([&]() -> QString {
            const QString prefix = m_random.chance(70) ? sys.prefix : m_random.pick(prefixes());
            noun = m_random.pick(nouns());
            if (m_random.chance(25))
                return prefix + QLatin1Char('-') + m_random.pick(roles);
            return prefix + QLatin1Char('-') + noun + QLatin1Char('-') + m_random.pick(roles);
        });
        if (m_random.chance(40))
            c.title = titleOf(c.name);
        const QString system = nodes.at(sys.node).title;
        if (type == QLatin1String("service"))
            c.description
                = QStringLiteral("%1 %2 for the %3 system.").arg(m_random.pick(verbs()), plural(noun), system);
        else if (type == QLatin1String("website"))
            c.description = m_random.chance(50)
                ? QStringLiteral("Web front end where customers manage their %1.").arg(plural(noun))
                : QStringLiteral("Internal dashboard for %1 operations in %2.").arg(noun, system);
        else
            c.description = QStringLiteral("Shared library with %1 models and clients for %2.").arg(noun, system);
        c.tags = pickTags(t < 6 ? serviceTags() : t < 8 ? websiteTags() : libraryTags(), 1, 4);
        addCodeAnnotations(c, type == QLatin1String("service"));
        c.scalar(QStringLiteral("type"), type);
        c.scalar(QStringLiteral("lifecycle"), lifecycle());
        QString owner;
        if (m_random.chance(85)) {
            owner = groupRef(
                m_random.chance(60) ? sys.ownerTeam : teamName(int(m_random.below(quint32(teams.size())))), c.ns);
        } else {
            owner = refText(QStringLiteral("user"), def, nodes.at(m_random.pick(users)).name, c.ns, true);
        }
        c.ref(QStringLiteral("owner"), owner, RelationType::OwnedBy, QStringLiteral("Group"));
        c.ref(QStringLiteral("system"), nodes.at(sys.node).name, RelationType::PartOf, QStringLiteral("System"));
        const int node = add(c);
        sys.components.append(node);
        components.append(node);
        componentSystem.append(si);
    }

    // APIs, each provided by a component of its system when it has one.
    QList<int> apis;
    QHash<int, QStringList> provides;
    for (int i = 0; i < apiCount; ++i) {
        const int si = int(m_random.below(quint32(systems.size())));
        SystemInfo& sys = systems[si];
        Node a;
        a.kind = QStringLiteral("API");
        a.ns = sys.ns;
        const int t = int(m_random.below(20));
        const QString type = t < 12 ? QStringLiteral("openapi")
            : t < 17                ? QStringLiteral("asyncapi")
                                    : QStringLiteral("graphql");
        QString noun;
        a.name = unique([&]() -> QString {
            noun = m_random.pick(nouns());
            const QString base = sys.prefix + QLatin1Char('-') + noun;
            return type == QLatin1String("openapi") ? base + QStringLiteral("-api")
                : type == QLatin1String("asyncapi") ? base + QStringLiteral("-events")
                                                    : base + QStringLiteral("-graphql");
        });
        if (m_random.chance(50))
            a.title = titleOf(a.name);
        const QString systemTitle = nodes.at(sys.node).title;
        a.description = type == QLatin1String("asyncapi")
            ? QStringLiteral("Events published when %1 change in %2.").arg(plural(noun), systemTitle)
            : QStringLiteral("%1 API of the %2 system.").arg(capitalized(noun), systemTitle);
        a.tags = pickTags(apiTags(), 0, 3);
        a.scalar(QStringLiteral("type"), type);
        a.scalar(QStringLiteral("lifecycle"), lifecycle());
        int provider = -1;
        if (!sys.components.isEmpty())
            provider = m_random.pick(sys.components);
        QString owner = groupRef(sys.ownerTeam, a.ns);
        if (provider >= 0) {
            const SpecField* o = nodes[provider].field(QStringLiteral("owner"));
            owner = o->scalar;
        }
        a.ref(QStringLiteral("owner"), owner, RelationType::OwnedBy, QStringLiteral("Group"));
        a.ref(QStringLiteral("system"), nodes.at(sys.node).name, RelationType::PartOf, QStringLiteral("System"));
        const QString plural_ = plural(noun);
        QString definition;
        if (type == QLatin1String("openapi")) {
            definition = QStringLiteral("openapi: 3.0.3\ninfo:\n  title: %1\n  version: 1.%2.0\npaths:\n  /%3:\n"
                                        "    get:\n      summary: List %3\n      responses:\n        \"200\":\n"
                                        "          description: OK\n  /%3/{id}:\n    get:\n      summary: Get one %4\n"
                                        "      responses:\n        \"200\":\n          description: OK\n")
                             .arg(titleOf(a.name), QString::number(m_random.below(10)), plural_, noun);
        } else if (type == QLatin1String("asyncapi")) {
            definition = QStringLiteral("asyncapi: 2.6.0\ninfo:\n  title: %1\n  version: 1.0.0\nchannels:\n"
                                        "  %2.updated:\n    subscribe:\n      message:\n        name: %3Updated\n")
                             .arg(titleOf(a.name), noun, capitalized(noun));
        } else {
            definition = QStringLiteral("type %1 {\n  id: ID!\n  name: String\n}\n\ntype Query {\n  %2: [%1]\n  "
                                        "%3(id: ID!): %1\n}\n")
                             .arg(capitalized(noun), plural_, noun);
        }
        a.spec.append({ QStringLiteral("definition"), SpecField::Block, definition, {} });
        const int node = add(a);
        sys.apis.append(node);
        apis.append(node);
        if (provider >= 0)
            provides[provider].append(refText(QStringLiteral("api"), a.ns, a.name, nodes.at(provider).ns, false));
    }

    // Component relations: providesApis, consumesApis, dependsOn.
    for (int ci = 0; ci < components.size(); ++ci) {
        const int node = components.at(ci);
        const QString ns = nodes.at(node).ns;
        const SystemInfo* sys = &systems.at(componentSystem.at(ci));
        if (provides.contains(node))
            nodes[node].refs(
                QStringLiteral("providesApis"), provides.value(node), RelationType::ProvidesApi, QStringLiteral("API"));
        if (!apis.isEmpty()) {
            QStringList consumes;
            const int count = m_random.between(0, 2);
            for (int k = 0; k < count; ++k) {
                const Node& api = nodes.at(m_random.pick(apis));
                const QString r = refText(QStringLiteral("api"), api.ns, api.name, ns, false);
                if (!consumes.contains(r) && !provides.value(node).contains(r))
                    consumes.append(r);
            }
            if (!consumes.isEmpty())
                nodes[node].refs(
                    QStringLiteral("consumesApis"), consumes, RelationType::ConsumesApi, QStringLiteral("API"));
        }
        QStringList depends;
        const int count = m_random.between(1, 3);
        for (int attempt = 0; depends.size() < count && attempt < 12; ++attempt) {
            int target = -1;
            if (m_random.chance(50)) {
                if (sys && sys->components.size() > 1 && m_random.chance(70))
                    target = m_random.pick(sys->components);
                else
                    target = m_random.pick(components);
                if (target == node)
                    continue;
            } else {
                if (sys && !sys->resources.isEmpty() && m_random.chance(80))
                    target = m_random.pick(sys->resources);
                else if (!resources.isEmpty())
                    target = m_random.pick(resources);
            }
            if (target < 0 || target == node)
                continue;
            const Node& t = nodes.at(target);
            const QString r = refText(t.kind.toLower(), t.ns, t.name, ns, true);
            if (!depends.contains(r))
                depends.append(r);
        }
        if (!depends.isEmpty())
            nodes[node].refs(QStringLiteral("dependsOn"), depends, RelationType::DependsOn, {});
    }

    // The root Location.
    Node location;
    location.kind = QStringLiteral("Location");
    location.name = unique([&]() -> QString { return m_org + QStringLiteral("-catalog"); });
    location.description = QStringLiteral("Every system, group and domain of %1.").arg(capitalized(m_org));
    location.spec.append({ QStringLiteral("targets"), SpecField::List, {},
        words({ "./systems/*.yaml", "./org/*.yaml", "./domains.yaml" }) });
    const int locationNode = add(location);

    // Files, in the order a reader meets them.
    files.append({ QStringLiteral("catalog-info.yaml"), { locationNode } });
    files.append({ QStringLiteral("domains.yaml"), domains });
    files.append({ QStringLiteral("org/%1.yaml").arg(m_org), { orgNode } });
    for (int di = 0; di < departments.size(); ++di) {
        QList<int> docs { departments.at(di) };
        QList<int> people;
        for (int ti = 0; ti < teams.size(); ++ti) {
            if (teams.at(ti).department != di)
                continue;
            docs.append(teams.at(ti).node);
        }
        for (int ui = 0; ui < users.size(); ++ui)
            if (teams.at(userTeams.at(ui).first()).department == di)
                people.append(users.at(ui));
        files.append({ QStringLiteral("org/%1.yaml").arg(nodes.at(departments.at(di)).name), docs + people });
    }
    for (const SystemInfo& sys : std::as_const(systems)) {
        QList<int> docs { sys.node };
        docs += sys.apis;
        docs += sys.components;
        docs += sys.resources;
        const Node& s = nodes.at(sys.node);
        const QString file = sys.ns == def ? s.name : s.ns + QLatin1Char('-') + s.name;
        files.append({ QStringLiteral("systems/%1.yaml").arg(file), docs });
    }
}

// ---------------------------------------------------------------------------------------------
// YAML and Entity output

bool isPlainSafe(const QString& v)
{
    if (v.isEmpty() || v.size() > 200)
        return false;
    const QChar first = v.at(0);
    if (!first.isLetterOrNumber() && first != QLatin1Char('.') && first != QLatin1Char('/'))
        return false;
    if (v.endsWith(QLatin1Char(':')) || v.endsWith(QLatin1Char(' ')) || v.contains(QLatin1String(": "))
        || v.contains(QLatin1String(" #")))
        return false;
    bool numberLike = true;
    for (const QChar c : v) {
        if (c == QLatin1Char('\n') || c == QLatin1Char('"') || c == QLatin1Char('\\') || c == QLatin1Char('{')
            || c == QLatin1Char('}') || c == QLatin1Char('[') || c == QLatin1Char(']') || c == QLatin1Char('\t'))
            return false;
        if (!c.isDigit() && c != QLatin1Char('.') && c != QLatin1Char('-') && c != QLatin1Char('+')
            && c != QLatin1Char('e') && c != QLatin1Char('_') && c != QLatin1Char(':'))
            numberLike = false;
    }
    if (numberLike)
        return false;
    static const QSet<QString> special { QStringLiteral("true"), QStringLiteral("false"), QStringLiteral("yes"),
        QStringLiteral("no"), QStringLiteral("on"), QStringLiteral("off"), QStringLiteral("null"), QStringLiteral("y"),
        QStringLiteral("n") };
    return !special.contains(v.toLower());
}

QString yamlScalar(const QString& v)
{
    if (isPlainSafe(v))
        return v;
    QString out = QStringLiteral("\"");
    for (const QChar c : v) {
        if (c == QLatin1Char('"') || c == QLatin1Char('\\'))
            out += QLatin1Char('\\');
        if (c == QLatin1Char('\n')) {
            out += QStringLiteral("\\n");
            continue;
        }
        out += c;
    }
    return out + QLatin1Char('"');
}

// Writes YAML line by line, knowing the 1-based line and column of what it wrote.
class YamlWriter
{
public:
    int line = 1;
    QString text;

    // Returns the column of the value.
    int keyValue(int indent, const QString& key, const QString& value)
    {
        const QString prefix = QString(indent, QLatin1Char(' ')) + key + QStringLiteral(": ");
        text += prefix + yamlScalar(value) + QLatin1Char('\n');
        ++line;
        return int(prefix.size()) + 1;
    }
    void key(int indent, const QString& key)
    {
        text += QString(indent, QLatin1Char(' ')) + key + QStringLiteral(":\n");
        ++line;
    }
    int item(int indent, const QString& value)
    {
        text += QString(indent, QLatin1Char(' ')) + QStringLiteral("- ") + yamlScalar(value) + QLatin1Char('\n');
        ++line;
        return indent + 3;
    }
    void raw(const QString& s)
    {
        text += s + QLatin1Char('\n');
        ++line;
    }
};

QJsonObject jsonOf(const Node& node)
{
    QJsonObject metadata;
    metadata.insert(QStringLiteral("name"), node.name);
    metadata.insert(QStringLiteral("namespace"), node.ns);
    if (!node.title.isEmpty())
        metadata.insert(QStringLiteral("title"), node.title);
    if (!node.description.isEmpty())
        metadata.insert(QStringLiteral("description"), node.description);
    if (!node.tags.isEmpty())
        metadata.insert(QStringLiteral("tags"), QJsonArray::fromStringList(node.tags));
    if (!node.annotations.isEmpty()) {
        QJsonObject a;
        for (const auto& [k, v] : node.annotations)
            a.insert(k, v);
        metadata.insert(QStringLiteral("annotations"), a);
    }
    if (!node.links.isEmpty()) {
        QJsonArray links;
        for (const EntityLink& l : node.links) {
            QJsonObject o;
            o.insert(QStringLiteral("url"), l.url);
            if (!l.title.isEmpty())
                o.insert(QStringLiteral("title"), l.title);
            if (!l.icon.isEmpty())
                o.insert(QStringLiteral("icon"), l.icon);
            if (!l.type.isEmpty())
                o.insert(QStringLiteral("type"), l.type);
            links.append(o);
        }
        metadata.insert(QStringLiteral("links"), links);
    }
    QJsonObject spec;
    for (const SpecField& f : node.spec) {
        switch (f.shape) {
        case SpecField::Scalar:
        case SpecField::Block:
            spec.insert(f.key, f.scalar);
            break;
        case SpecField::List:
            spec.insert(f.key, QJsonArray::fromStringList(f.list));
            break;
        case SpecField::Profile: {
            QJsonObject p;
            p.insert(QStringLiteral("displayName"), f.list.value(0));
            p.insert(QStringLiteral("email"), f.list.value(1));
            spec.insert(f.key, p);
            break;
        }
        }
    }
    QJsonObject root;
    root.insert(QStringLiteral("apiVersion"), QStringLiteral("backstage.io/v1alpha1"));
    root.insert(QStringLiteral("kind"), node.kind);
    root.insert(QStringLiteral("metadata"), metadata);
    root.insert(QStringLiteral("spec"), spec);
    return root;
}

// Hands out one shared copy of each equal string: kinds, namespaces, owners, annotation keys and
// relation fields repeat across thousands of entities, and a catalog of 100,000 entities is a
// quarter smaller when they share their characters.
class StringPool
{
public:
    QString operator()(const QString& s)
    {
        const auto it = m_strings.constFind(s);
        if (it != m_strings.cend())
            return *it;
        m_strings.insert(s);
        return s;
    }

private:
    QSet<QString> m_strings;
};

void share(Entity& e, StringPool& pool)
{
    e.apiVersion = pool(e.apiVersion);
    e.ref.kind = pool(e.ref.kind);
    e.ref.ns = pool(e.ref.ns);
    e.ref.name = pool(e.ref.name);
    e.type = pool(e.type);
    e.lifecycle = pool(e.lifecycle);
    e.owner = pool(e.owner);
    e.system = pool(e.system);
    for (QString& t : e.tags)
        t = pool(t);
    for (auto& [k, v] : e.annotations) {
        k = pool(k);
        if (v.size() < 8)
            v = pool(v);
    }
    for (EntityLink& l : e.links) {
        l.title = pool(l.title);
        l.icon = pool(l.icon);
        l.type = pool(l.type);
    }
    for (DeclaredRelation& d : e.declared)
        d.target = pool(d.target);
    e.location.file = pool(e.location.file);
}

// Writes one document and returns the entity it declares.
Entity emitDocument(const Node& node, YamlWriter& w, const QString& file, int document, bool withDocument)
{
    Entity e;
    e.apiVersion = QStringLiteral("backstage.io/v1alpha1");
    e.ref = { node.kind, node.ns, node.name };
    e.key = e.ref.key();
    e.title = node.title;
    e.description = node.description;
    e.tags = node.tags;
    e.annotations = node.annotations;
    e.links = node.links;
    e.location.file = file;
    e.location.document = document;

    w.raw(QStringLiteral("---"));
    e.location.line = w.line;
    e.location.column = 1;
    w.keyValue(0, QStringLiteral("apiVersion"), e.apiVersion);
    w.keyValue(0, QStringLiteral("kind"), node.kind);
    w.key(0, QStringLiteral("metadata"));
    w.keyValue(2, QStringLiteral("name"), node.name);
    if (node.ns != QLatin1String("default"))
        w.keyValue(2, QStringLiteral("namespace"), node.ns);
    if (!node.title.isEmpty())
        w.keyValue(2, QStringLiteral("title"), node.title);
    if (!node.description.isEmpty())
        w.keyValue(2, QStringLiteral("description"), node.description);
    if (!node.tags.isEmpty()) {
        w.key(2, QStringLiteral("tags"));
        for (const QString& t : node.tags)
            w.item(4, t);
    }
    if (!node.annotations.isEmpty()) {
        w.key(2, QStringLiteral("annotations"));
        for (const auto& [k, v] : node.annotations)
            w.keyValue(4, k, v);
    }
    if (!node.links.isEmpty()) {
        w.key(2, QStringLiteral("links"));
        for (const EntityLink& l : node.links) {
            w.raw(QStringLiteral("    - url: ") + yamlScalar(l.url));
            if (!l.title.isEmpty())
                w.keyValue(6, QStringLiteral("title"), l.title);
            if (!l.icon.isEmpty())
                w.keyValue(6, QStringLiteral("icon"), l.icon);
            if (!l.type.isEmpty())
                w.keyValue(6, QStringLiteral("type"), l.type);
        }
    }
    if (node.spec.isEmpty()) {
        w.raw(QStringLiteral("spec: {}"));
    } else {
        w.key(0, QStringLiteral("spec"));
    }
    for (const SpecField& f : node.spec) {
        const QString path = QStringLiteral("spec.") + f.key;
        const auto relate = [&](const QString& text, const QString& fieldPath, int line, int column) {
            EntityRef::Defaults defaults;
            defaults.kind = f.defaultKind;
            defaults.ns = node.ns;
            const EntityRef target = EntityRef::fromString(text, defaults);
            e.declared.append(DeclaredRelation::make(f.type, target.key(), fieldPath, line, column));
            if (f.key == QLatin1String("owner"))
                e.owner = target.key();
            else if (f.key == QLatin1String("system"))
                e.system = target.key();
        };
        switch (f.shape) {
        case SpecField::Scalar: {
            const int line = w.line;
            const int column = w.keyValue(2, f.key, f.scalar);
            if (f.relation)
                relate(f.scalar, path, line, column);
            if (f.key == QLatin1String("type"))
                e.type = f.scalar;
            else if (f.key == QLatin1String("lifecycle"))
                e.lifecycle = f.scalar;
            break;
        }
        case SpecField::List:
            if (f.list.isEmpty()) {
                w.raw(QStringLiteral("  ") + f.key + QStringLiteral(": []"));
                break;
            }
            w.key(2, f.key);
            for (qsizetype i = 0; i < f.list.size(); ++i) {
                const int line = w.line;
                const int column = w.item(4, f.list.at(i));
                if (f.relation)
                    relate(f.list.at(i), path + QLatin1Char('.') + QString::number(i), line, column);
            }
            break;
        case SpecField::Block:
            w.raw(QStringLiteral("  ") + f.key + QStringLiteral(": |"));
            for (const QString& l : f.scalar.split(QLatin1Char('\n'))) {
                if (l.isEmpty())
                    w.raw(QString());
                else
                    w.raw(QStringLiteral("    ") + l);
            }
            // The block ends with the scalar's own final newline; drop the extra empty line.
            w.text.chop(1);
            --w.line;
            break;
        case SpecField::Profile:
            w.key(2, f.key);
            w.keyValue(4, QStringLiteral("displayName"), f.list.value(0));
            w.keyValue(4, QStringLiteral("email"), f.list.value(1));
            break;
        }
    }
    if (withDocument)
        e.document = QJsonDocument(jsonOf(node)).toJson(QJsonDocument::Compact);
    return e;
}

} // namespace

GeneratedCatalog generateCatalog(const CatalogOptions& options)
{
    Generator g(options);
    g.run();
    GeneratedCatalog out;
    out.entities.reserve(g.nodes.size());
    StringPool pool;
    for (const auto& [path, docs] : std::as_const(g.files)) {
        YamlWriter w;
        for (qsizetype i = 0; i < docs.size(); ++i) {
            Entity e = emitDocument(g.nodes.at(docs.at(i)), w, path, int(i), options.documents);
            share(e, pool);
            out.entities.append(std::move(e));
        }
        if (options.files)
            out.files.append({ path, w.text.toUtf8(), int(docs.size()) });
    }
    return out;
}

QList<Entity> generateCatalogEntities(int count, quint64 seed)
{
    CatalogOptions options;
    options.entities = count;
    options.seed = seed;
    options.files = false;
    return generateCatalog(options).entities;
}

QString writeCatalogFiles(const QString& dir, const QList<CatalogFile>& files)
{
    const QDir root(dir);
    for (const CatalogFile& f : files) {
        const QString path = root.filePath(f.path);
        if (!QDir().mkpath(QFileInfo(path).absolutePath()))
            return QStringLiteral("Cannot create the directory of %1").arg(path);
        QFile out(path);
        if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return QStringLiteral("Cannot write %1: %2").arg(path, out.errorString());
        if (out.write(f.content) != f.content.size())
            return QStringLiteral("Cannot write %1: %2").arg(path, out.errorString());
    }
    return {};
}

} // namespace Flightdeck::Bench
