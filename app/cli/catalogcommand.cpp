// SPDX-License-Identifier: Apache-2.0
// flightdeck catalog validate | list | show | relations
#include "cli.h"
#include "clisupport.h"

#include "catalog/catalog.h"
#include "catalog/searchindex.h"
#include "catalog/yamlwriter.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTextStream>

#include <algorithm>

namespace Flightdeck::Cli {

using namespace Flightdeck::Catalog;

namespace {

const char* const validateUsage = "flightdeck catalog validate [--format text|json] [--strict] [--workspace FILE] SOURCE...";
const char* const listUsage
    = "flightdeck catalog list [--format table|json] [--kind K] [--owner O] [--query Q] [--workspace FILE] SOURCE...";
const char* const showUsage = "flightdeck catalog show REF [--format yaml|json] [--workspace FILE] SOURCE...";
const char* const relationsUsage
    = "flightdeck catalog relations REF [--depth N] [--direction in|out|both] [--format text|json] [--workspace FILE] SOURCE...";

QJsonObject entityJson(const Catalog::Catalog& c, int index)
{
    const Entity& e = c.entity(index);
    QJsonObject o = QJsonDocument::fromJson(e.document).object();
    QJsonArray relations;
    for (const Edge& edge : c.relations(index)) {
        QJsonObject r;
        r.insert(QStringLiteral("type"), relationTypeName(edge.type));
        r.insert(QStringLiteral("targetRef"), c.targetKey(edge));
        relations.push_back(r);
    }
    o.insert(QStringLiteral("relations"), relations);
    return o;
}

// Finds exactly one entity for a reference a person typed, or explains why not.
int resolveOne(const Catalog::Catalog& c, const QString& ref, QTextStream& err)
{
    const QList<int> found = c.resolve(ref);
    if (found.size() == 1)
        return found.first();
    if (found.isEmpty()) {
        err << "flightdeck: no entity \"" << ref << "\" in the catalog";
        // Offer the closest names, from the search index's typo-tolerant matching.
        SearchQuery q;
        q.text = ref.section(QLatin1Char(':'), -1).section(QLatin1Char('/'), -1);
        q.limit = 5;
        q.withFacets = false;
        const SearchResult r = c.searchIndex().search(q);
        if (!r.entities.isEmpty()) {
            err << "; did you mean:";
            for (int i : r.entities)
                err << "\n  " << c.entity(i).key;
        }
        err << "\n";
        return -1;
    }
    err << "flightdeck: \"" << ref << "\" matches " << found.size() << " entities; give the kind or namespace:";
    for (int i : found)
        err << "\n  " << c.entity(i).key;
    err << "\n";
    return -1;
}

// The REF argument, the catalog, and the one entity the REF names. Returns Success or the exit code.
int loadAndResolve(const QCommandLineParser& p, const char* usage, const QString& what, LoadedCatalog& loaded, int& index)
{
    QStringList positional = p.positionalArguments();
    if (positional.isEmpty())
        return usageError(QStringLiteral("%1 needs the REF of an entity").arg(what), usage);
    const QString ref = positional.takeFirst();
    if (const int rc = loadCatalog(p, positional, usage, loaded, true); rc != Success)
        return rc;
    QTextStream err(stderr);
    index = resolveOne(*loaded.catalog, ref, err);
    return index < 0 ? Failure : Success;
}

int validate(const QStringList& args)
{
    QCommandLineParser p;
    p.addOption({QStringLiteral("format"), QStringLiteral("text or json"), QStringLiteral("format"), QStringLiteral("text")});
    p.addOption({QStringLiteral("strict"), QStringLiteral("Fail on warnings too")});
    addSourceOptions(p);
    if (!parseArguments(p, args, validateUsage))
        return UsageError;
    const QString format = p.value(QStringLiteral("format"));
    if (format != QLatin1String("text") && format != QLatin1String("json"))
        return usageError(QStringLiteral("--format must be text or json, not \"%1\"").arg(format), validateUsage);
    LoadedCatalog loaded;
    if (const int rc = loadCatalog(p, p.positionalArguments(), validateUsage, loaded, /*quiet=*/format == QLatin1String("json")); rc != Success)
        return rc;
    const Catalog::Catalog& c = *loaded.catalog;
    QTextStream out(stdout);
    // Sorted by file and position, so the output reads like a compiler's.
    QList<Diagnostic> diagnostics = c.diagnostics();
    std::stable_sort(diagnostics.begin(), diagnostics.end(), [](const Diagnostic& a, const Diagnostic& b) {
        if (a.file != b.file)
            return a.file < b.file;
        if (a.line != b.line)
            return a.line < b.line;
        return a.column < b.column;
    });
    if (format == QLatin1String("json")) {
        for (const Diagnostic& d : std::as_const(diagnostics))
            out << QJsonDocument(d.toJson()).toJson(QJsonDocument::Compact) << "\n";
        QJsonObject summary;
        summary.insert(QStringLiteral("entities"), int(c.size()));
        summary.insert(QStringLiteral("errors"), c.errorCount());
        summary.insert(QStringLiteral("warnings"), c.warningCount());
        out << QJsonDocument(QJsonObject {{QStringLiteral("summary"), summary}}).toJson(QJsonDocument::Compact) << "\n";
    } else {
        for (const Diagnostic& d : std::as_const(diagnostics))
            out << d.toText() << "\n";
        out << c.size() << (c.size() == 1 ? " entity, " : " entities, ") << c.errorCount()
            << (c.errorCount() == 1 ? " error, " : " errors, ") << c.warningCount()
            << (c.warningCount() == 1 ? " warning\n" : " warnings\n");
    }
    out.flush();
    if (c.errorCount() > 0)
        return Failure;
    if (p.isSet(QStringLiteral("strict")) && c.warningCount() > 0)
        return Failure;
    return Success;
}

int list(const QStringList& args)
{
    QCommandLineParser p;
    p.addOption({QStringLiteral("format"), QStringLiteral("table or json"), QStringLiteral("format"), QStringLiteral("table")});
    p.addOption({QStringLiteral("kind"), QStringLiteral("Only this kind (repeatable)"), QStringLiteral("kind")});
    p.addOption({QStringLiteral("owner"), QStringLiteral("Only entities owned by O (repeatable)"), QStringLiteral("owner")});
    p.addOption({QStringLiteral("query"), QStringLiteral("Search text"), QStringLiteral("query")});
    addSourceOptions(p);
    if (!parseArguments(p, args, listUsage))
        return UsageError;
    const QString format = p.value(QStringLiteral("format"));
    if (format != QLatin1String("table") && format != QLatin1String("json"))
        return usageError(QStringLiteral("--format must be table or json, not \"%1\"").arg(format), listUsage);
    LoadedCatalog loaded;
    if (const int rc = loadCatalog(p, p.positionalArguments(), listUsage, loaded, true); rc != Success)
        return rc;
    const Catalog::Catalog& c = *loaded.catalog;

    SearchQuery q;
    q.text = p.value(QStringLiteral("query"));
    q.withFacets = false;
    QStringList kinds;
    for (const QString& k : p.values(QStringLiteral("kind")))
        kinds += k.split(QLatin1Char(','), Qt::SkipEmptyParts);
    if (!kinds.isEmpty())
        q.filters.insert(Facet::Kind, kinds);
    QStringList owners;
    for (const QString& o : p.values(QStringLiteral("owner")))
        for (const QString& part : o.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            // "team-a", "group:team-a" and "group:default/team-a" all name the same owner.
            const EntityRefParseResult r = EntityRef::parse(part.trimmed(), {QStringLiteral("Group"), QString()});
            owners << (r.ref ? r.ref->key() : part.trimmed().toLower());
        }
    if (!owners.isEmpty())
        q.filters.insert(Facet::Owner, owners);
    const SearchResult result = c.searchIndex().search(q);

    QTextStream out(stdout);
    if (format == QLatin1String("json")) {
        QJsonArray array;
        for (int i : result.entities)
            array.push_back(entityJson(c, i));
        out << QJsonDocument(array).toJson(QJsonDocument::Indented);
        return Success;
    }
    QList<QStringList> rows;
    rows << QStringList {QStringLiteral("KIND"), QStringLiteral("NAME"), QStringLiteral("TYPE"), QStringLiteral("LIFECYCLE"),
                         QStringLiteral("OWNER"), QStringLiteral("SYSTEM"), QStringLiteral("TITLE")};
    for (int i : result.entities) {
        const Entity& e = c.entity(i);
        const QString name = e.ref.ns.compare(QLatin1String("default"), Qt::CaseInsensitive) == 0
            ? e.ref.name
            : e.ref.ns + QLatin1Char('/') + e.ref.name;
        rows << QStringList {e.ref.kind, name, e.type, e.lifecycle, shortRef(e.owner), shortRef(e.system), e.title};
    }
    printTable(out, rows);
    if (result.entities.isEmpty())
        QTextStream(stderr) << "no entities match\n";
    return Success;
}

int show(const QStringList& args)
{
    QCommandLineParser p;
    p.addOption({QStringLiteral("format"), QStringLiteral("yaml or json"), QStringLiteral("format"), QStringLiteral("yaml")});
    addSourceOptions(p);
    if (!parseArguments(p, args, showUsage))
        return UsageError;
    const QString format = p.value(QStringLiteral("format"));
    if (format != QLatin1String("yaml") && format != QLatin1String("json"))
        return usageError(QStringLiteral("--format must be yaml or json, not \"%1\"").arg(format), showUsage);
    LoadedCatalog loaded;
    int index = -1;
    if (const int rc = loadAndResolve(p, showUsage, QStringLiteral("show"), loaded, index); rc != Success)
        return rc;
    const Catalog::Catalog& c = *loaded.catalog;
    const Entity& e = c.entity(index);
    QTextStream out(stdout);
    if (format == QLatin1String("json")) {
        out << QJsonDocument(entityJson(c, index)).toJson(QJsonDocument::Indented);
        return Success;
    }
    out << "# " << e.key << "\n# defined in " << e.location.file << ":" << e.location.line << "\n";
    const QList<int> problems = c.diagnosticsOf(index);
    for (int d : problems)
        out << "# " << severityName(c.diagnostics()[d].severity) << ": " << c.diagnostics()[d].field << ": "
            << c.diagnostics()[d].message << "\n";
    out << QString::fromUtf8(toYaml(entityJson(c, index)));
    return Success;
}

struct TreeNode
{
    RelationType type;
    QString key;
    int index; // -1 when dangling
};

void printTree(QTextStream& out, const Catalog::Catalog& c, int index, Direction direction, int depth, int maxDepth,
               const QString& prefix, QSet<int>& path)
{
    if (depth >= maxDepth)
        return;
    QList<TreeNode> children;
    for (const Edge& e : c.relations(index)) {
        const bool outgoing = isOutgoing(e.type);
        if ((direction == Direction::Out && !outgoing) || (direction == Direction::In && outgoing))
            continue;
        children.push_back({e.type, c.targetKey(e), e.isDangling() ? -1 : e.target});
    }
    std::stable_sort(children.begin(), children.end(), [](const TreeNode& a, const TreeNode& b) {
        return a.type != b.type ? a.type < b.type : a.key < b.key;
    });
    for (qsizetype i = 0; i < children.size(); ++i) {
        const TreeNode& n = children[i];
        const bool last = i + 1 == children.size();
        out << prefix << (last ? "└─ " : "├─ ") << relationTypeName(n.type) << " " << n.key;
        if (n.index < 0)
            out << "  (not in the catalog)";
        else if (path.contains(n.index))
            out << "  (cycle)";
        out << "\n";
        if (n.index >= 0 && !path.contains(n.index)) {
            path.insert(n.index);
            printTree(out, c, n.index, direction, depth + 1, maxDepth, prefix + (last ? QStringLiteral("   ") : QStringLiteral("│  ")), path);
            path.remove(n.index);
        }
    }
}

QJsonArray treeJson(const Catalog::Catalog& c, int index, Direction direction, int depth, int maxDepth, QSet<int>& path)
{
    QJsonArray out;
    if (depth >= maxDepth)
        return out;
    for (const Edge& e : c.relations(index)) {
        const bool outgoing = isOutgoing(e.type);
        if ((direction == Direction::Out && !outgoing) || (direction == Direction::In && outgoing))
            continue;
        QJsonObject o;
        o.insert(QStringLiteral("type"), relationTypeName(e.type));
        o.insert(QStringLiteral("targetRef"), c.targetKey(e));
        o.insert(QStringLiteral("inCatalog"), !e.isDangling());
        if (!e.isDangling() && !path.contains(e.target)) {
            path.insert(e.target);
            const QJsonArray sub = treeJson(c, e.target, direction, depth + 1, maxDepth, path);
            path.remove(e.target);
            if (!sub.isEmpty())
                o.insert(QStringLiteral("relations"), sub);
        }
        out.push_back(o);
    }
    return out;
}

int relations(const QStringList& args)
{
    QCommandLineParser p;
    p.addOption({QStringLiteral("depth"), QStringLiteral("Levels to follow (default 1)"), QStringLiteral("N"), QStringLiteral("1")});
    p.addOption({QStringLiteral("direction"), QStringLiteral("in, out or both (default both)"), QStringLiteral("direction"),
                 QStringLiteral("both")});
    p.addOption({QStringLiteral("format"), QStringLiteral("text or json"), QStringLiteral("format"), QStringLiteral("text")});
    addSourceOptions(p);
    if (!parseArguments(p, args, relationsUsage))
        return UsageError;
    bool ok = false;
    const int depth = p.value(QStringLiteral("depth")).toInt(&ok);
    if (!ok || depth < 1 || depth > 100)
        return usageError(QStringLiteral("--depth must be a number from 1 to 100, not \"%1\"").arg(p.value(QStringLiteral("depth"))),
                          relationsUsage);
    const QString dir = p.value(QStringLiteral("direction"));
    Direction direction;
    if (dir == QLatin1String("in"))
        direction = Direction::In;
    else if (dir == QLatin1String("out"))
        direction = Direction::Out;
    else if (dir == QLatin1String("both"))
        direction = Direction::Both;
    else
        return usageError(QStringLiteral("--direction must be in, out or both, not \"%1\"").arg(dir), relationsUsage);
    const QString format = p.value(QStringLiteral("format"));
    if (format != QLatin1String("text") && format != QLatin1String("json"))
        return usageError(QStringLiteral("--format must be text or json, not \"%1\"").arg(format), relationsUsage);
    LoadedCatalog loaded;
    int index = -1;
    if (const int rc = loadAndResolve(p, relationsUsage, QStringLiteral("relations"), loaded, index); rc != Success)
        return rc;
    const Catalog::Catalog& c = *loaded.catalog;
    QTextStream out(stdout);
    QSet<int> path {index};
    if (format == QLatin1String("json")) {
        QJsonObject root;
        root.insert(QStringLiteral("entityRef"), c.entity(index).key);
        root.insert(QStringLiteral("relations"), treeJson(c, index, direction, 0, depth, path));
        out << QJsonDocument(root).toJson(QJsonDocument::Indented);
        return Success;
    }
    out << c.entity(index).key << "\n";
    printTree(out, c, index, direction, 0, depth, QString(), path);
    return Success;
}

} // namespace

int runCatalog(const QStringList& arguments)
{
    const QString sub = arguments.value(0);
    const QStringList rest = arguments.mid(1);
    if (sub == QLatin1String("validate"))
        return validate(rest);
    if (sub == QLatin1String("list"))
        return list(rest);
    if (sub == QLatin1String("show"))
        return show(rest);
    if (sub == QLatin1String("relations"))
        return relations(rest);
    QTextStream err(stderr);
    err << (sub.isEmpty() ? QStringLiteral("flightdeck catalog: a subcommand is missing\n")
                          : QStringLiteral("flightdeck catalog: unknown subcommand \"%1\"\n").arg(sub))
        << "Usage:\n  " << validateUsage << "\n  " << listUsage << "\n  " << showUsage << "\n  " << relationsUsage << "\n";
    return UsageError;
}

} // namespace Flightdeck::Cli
