// SPDX-License-Identifier: Apache-2.0
#include "loader.h"

#include "sources/filescanner.h"
#include "stringpool.h"
#include "validator.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <QSet>

#include <cmath>
#include <cstring>

namespace Flightdeck::Catalog {

namespace {

using Index = YamlDocument::Index;

QString formatBytes(qint64 bytes)
{
    if (bytes >= 1024 * 1024)
        return QString::number(double(bytes) / (1024.0 * 1024.0), 'f', 1) + QStringLiteral(" MiB");
    if (bytes >= 1024)
        return QString::number(double(bytes) / 1024.0, 'f', 1) + QStringLiteral(" KiB");
    return QString::number(bytes) + QStringLiteral(" bytes");
}

class DocumentLoader
{
public:
    DocumentLoader(const LoadContext& context, FileLoad& out)
        : m_ctx(context)
        , m_out(out)
    {
    }

    void load(YamlStreamDocument& sd);

private:
    Diagnostic& add(Severity severity, TextPosition pos, const QString& field, QString message, QString hint,
                    const QString& code)
    {
        Diagnostic d;
        d.severity = severity;
        d.file = m_ctx.file;
        d.line = pos.line;
        d.column = pos.column;
        d.entity = m_entityKey;
        d.field = field;
        d.message = std::move(message);
        d.hint = std::move(hint);
        d.code = code;
        m_out.diagnostics.push_back(std::move(d));
        return m_out.diagnostics.back();
    }

    bool substitute(YamlDocument& doc, Index node, const QString& path, int depth);
    std::optional<Index> resolvePlaceholder(YamlDocument& doc, Index placeholder, const QString& field);
    std::optional<Index> importJson(YamlDocument& doc, const QJsonValue& value, TextPosition pos, int depth);
    void fillDefaults(YamlDocument& doc);
    Entity extract(const YamlDocument& doc, const YamlStreamDocument& sd);
    bool declare(Entity& e, YamlValue value, RelationField field, qint16 index, RelationType type,
                 std::string_view defaultKind);
    const QString& pooled(YamlValue v) { return m_pool.get(v.text()); }
    void locationTargets(const Entity& e, YamlValue spec);

    const LoadContext& m_ctx;
    FileLoad& m_out;
    QString m_entityKey;
    bool m_failed = false;
    StringPool m_pool;          // values repeated within the file share one string
    std::string m_keyBuffer;    // reused for relation target keys
    QSet<QString> m_keysInFile; // entities of this file, to report the same one twice
    std::string m_nsUtf8;       // the current entity's namespace, inherited by its references
};

void DocumentLoader::load(YamlStreamDocument& sd)
{
    m_entityKey.clear();
    m_failed = false;
    for (const YamlProblem& w : sd.warnings)
        add(Severity::Warning, w.position, QString(), w.message, w.hint, QStringLiteral("yaml"));
    if (sd.error) {
        Diagnostic& d = add(Severity::Error, sd.error->position, QString(), sd.error->message, sd.error->hint,
                            QStringLiteral("yaml"));
        d.backstage = QStringLiteral("YAML error at %1:%2, %3").arg(m_ctx.locationType, m_ctx.file, sd.error->message);
        return;
    }
    YamlDocument& doc = sd.document;
    if (doc.isEmpty() || doc.type(doc.root()) == YamlType::Null)
        return; // an empty document, or only comments: skipped, as Backstage does
    const YamlValue root(&doc, doc.root());
    if (!validateEnvelope(root, m_ctx.file, m_out.diagnostics))
        return;
    const YamlValue metadata = root["metadata"];
    m_keyBuffer.clear();
    m_keyBuffer.append(root["kind"].text());
    m_keyBuffer += ':';
    m_keyBuffer.append(metadata["namespace"].isString() ? metadata["namespace"].text() : std::string_view("default"));
    m_keyBuffer += '/';
    m_keyBuffer.append(metadata["name"].text());
    lowercaseUtf8(m_keyBuffer);
    m_entityKey = QString::fromStdString(m_keyBuffer);

    // Placeholders are substituted before the policies and kind schemas run (SPEC A2, A9), which is
    // what lets `definition: {$text: ./openapi.yaml}` satisfy "definition must be a string".
    if (doc.mayHavePlaceholders() && (!substitute(doc, doc.root(), QString(), 0) || m_failed))
        return;
    const YamlValue substituted(&doc, doc.root());
    const qsizetype before = m_out.diagnostics.size();
    const bool valid = validateEntity(substituted, m_ctx.file, m_entityKey, m_out.diagnostics);
    for (qsizetype i = before; i < m_out.diagnostics.size(); ++i)
        if (m_out.diagnostics[i].entity.isEmpty())
            m_out.diagnostics[i].entity = m_entityKey;
    if (!valid)
        return;
    fillDefaults(doc);
    Entity entity = extract(doc, sd);
    if (m_failed)
        return;
    if (m_keysInFile.contains(entity.key)) {
        int firstLine = 0;
        for (const Entity& other : std::as_const(m_out.entities))
            if (other.key == entity.key)
                firstLine = other.location.line;
        add(Severity::Error, entity.location.line > 0 ? TextPosition {entity.location.line, entity.location.column} : TextPosition {sd.startLine, 1},
            QStringLiteral("metadata.name"),
            QStringLiteral("%1 is defined twice in this file (first at line %2)").arg(entity.key).arg(firstLine),
            QStringLiteral("Remove one of the two documents, or give them different names or namespaces."),
            QStringLiteral("conflict"));
        return;
    }
    m_keysInFile.insert(entity.key);
    m_out.entities.push_back(std::move(entity));
}

bool DocumentLoader::substitute(YamlDocument& doc, Index node, const QString& path, int depth)
{
    if (depth > 600)
        return true; // the YAML reader already bounds nesting; aliases cannot deepen it further
    const YamlType t = doc.type(node);
    if (t != YamlType::Mapping && t != YamlType::Sequence)
        return true;
    const std::uint32_t n = doc.size(node);
    for (std::uint32_t i = 0; i < n; ++i) {
        const Index child = t == YamlType::Mapping ? doc.value(node, i) : doc.item(node, i);
        const YamlType ct = doc.type(child);
        if (ct != YamlType::Mapping && ct != YamlType::Sequence)
            continue;
        // The field path is built only on the way down, and only into collections.
        const QString childPath = (path.isEmpty() ? QString() : path + QLatin1Char('.'))
            + (t == YamlType::Mapping ? QString::fromStdString(doc.scalarAsString(doc.key(node, i))) : QString::number(i));
        if (ct == YamlType::Mapping && doc.size(child) == 1) {
            const Index key = doc.key(child, 0);
            const std::string_view k = doc.text(key);
            if (doc.type(key) == YamlType::String && (k == "$text" || k == "$json" || k == "$yaml")) {
                const auto replaced = resolvePlaceholder(doc, child, childPath);
                if (!replaced)
                    return false;
                if (t == YamlType::Mapping)
                    doc.setValue(node, i, *replaced);
                else
                    doc.setItem(node, i, *replaced);
                continue;
            }
        }
        if (!substitute(doc, child, childPath, depth + 1))
            return false;
    }
    return true;
}

std::optional<Index> DocumentLoader::resolvePlaceholder(YamlDocument& doc, Index placeholder, const QString& field)
{
    const QString kindName = QString::fromStdString(std::string(doc.text(doc.key(placeholder, 0))));
    const Index refNode = doc.value(placeholder, 0);
    const TextPosition pos = doc.position(refNode);
    const auto fail = [&](QString message, QString hint) -> std::optional<Index> {
        add(Severity::Error, pos, field, std::move(message), std::move(hint), QStringLiteral("placeholder"));
        m_failed = true;
        return std::nullopt;
    };
    if (doc.type(refNode) != YamlType::String)
        return fail(QStringLiteral("%1 needs a file name, but found a %2").arg(kindName, QString::fromLatin1(YamlValue(&doc, refNode).jsonTypeName())),
                    QStringLiteral("Write the path of a file next to this one, e.g. %1: ./openapi.yaml").arg(kindName));
    const QString ref = doc.string(refNode);
    if (ref.isEmpty())
        return fail(QStringLiteral("%1 has an empty file name").arg(kindName),
                    QStringLiteral("Write the path of a file next to this one, e.g. %1: ./openapi.yaml").arg(kindName));
    if (ref.contains(QLatin1String("://")))
        return fail(QStringLiteral("%1 points at the URL %2, which is not read from a local or git source").arg(kindName, ref),
                    QStringLiteral("Placeholders are read from the entity's own source: use a path relative to this file."));
    if (m_ctx.path.isEmpty())
        return fail(QStringLiteral("%1 %2 cannot be resolved for an entity that did not come from a file").arg(kindName, ref),
                    QStringLiteral("Resolve the placeholder where the entity is defined."));
    const QString path = QDir::cleanPath(QFileInfo(m_ctx.path).absoluteDir().filePath(ref));
    if (!m_ctx.root.isEmpty() && !Sources::isInside(path, m_ctx.root))
        return fail(QStringLiteral("%1 %2 lies outside the source %3").arg(kindName, ref, m_ctx.root),
                    QStringLiteral("Placeholders may only read files from the same source (repository or folder) as the entity."));
    m_out.dependencies.push_back(stampFile(path));
    const QFileInfo info(path);
    if (!info.exists())
        return fail(QStringLiteral("%1 file %2 does not exist (looked for %3)").arg(kindName, ref, path),
                    QStringLiteral("Check the path; it is relative to this file's folder."));
    if (!info.isFile())
        return fail(QStringLiteral("%1 %2 is not a regular file").arg(kindName, ref), QStringLiteral("Point it at a file."));
    if (info.size() > m_ctx.options.maxFileSize)
        return fail(QStringLiteral("%1 file %2 is %3, above the %4 limit").arg(kindName, ref, formatBytes(info.size()), formatBytes(m_ctx.options.maxFileSize)),
                    QStringLiteral("Split the file, or raise spec.catalog.maxFileSize in the workspace."));
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("cannot read %1 file %2: %3").arg(kindName, ref, f.errorString()),
                    QStringLiteral("Check the file's permissions."));
    const QByteArray bytes = f.read(m_ctx.options.maxFileSize + 1);
    if (kindName == QLatin1String("$text"))
        return doc.addString(QString::fromUtf8(bytes).toStdString(), pos);
    if (kindName == QLatin1String("$json")) {
        QJsonParseError err;
        const QJsonDocument json = QJsonDocument::fromJson(bytes, &err);
        if (err.error != QJsonParseError::NoError) {
            int line = 1, column = 1;
            for (int i = 0; i < err.offset && i < bytes.size(); ++i) {
                if (bytes[i] == '\n') {
                    ++line;
                    column = 1;
                } else {
                    ++column;
                }
            }
            return fail(QStringLiteral("%1 file %2 is not valid JSON: %3 at line %4, column %5").arg(kindName, ref, err.errorString()).arg(line).arg(column),
                        QStringLiteral("Fix the JSON in %1.").arg(ref));
        }
        const QJsonValue value = json.isArray() ? QJsonValue(json.array()) : QJsonValue(json.object());
        return importJson(doc, value, pos, 0);
    }
    // $yaml: exactly one document
    std::vector<YamlStreamDocument> docs = parseYamlStream(bytes, m_ctx.options.yaml);
    std::vector<YamlStreamDocument*> real;
    for (auto& d : docs)
        if (d.error || (!d.document.isEmpty() && d.document.type(d.document.root()) != YamlType::Null))
            real.push_back(&d);
    if (real.size() == 1 && real[0]->error)
        return fail(QStringLiteral("%1 file %2 has a YAML error at line %3, column %4: %5")
                        .arg(kindName, ref)
                        .arg(real[0]->error->position.line)
                        .arg(real[0]->error->position.column)
                        .arg(real[0]->error->message),
                    real[0]->error->hint);
    if (real.size() != 1)
        return fail(QStringLiteral("%1 file %2 holds %3 YAML documents; expected to find exactly one document").arg(kindName, ref).arg(real.size()),
                    QStringLiteral("Keep one document in %1, or use $text to include it as text.").arg(ref));
    return doc.import(real[0]->document, real[0]->document.root(), pos);
}

std::optional<Index> DocumentLoader::importJson(YamlDocument& doc, const QJsonValue& value, TextPosition pos, int depth)
{
    if (depth > m_ctx.options.yaml.maxDepth) {
        add(Severity::Error, pos, QString(), QStringLiteral("$json content nests deeper than %1 levels").arg(m_ctx.options.yaml.maxDepth),
            QStringLiteral("Flatten the JSON file."), QStringLiteral("placeholder"));
        m_failed = true;
        return std::nullopt;
    }
    switch (value.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined: return doc.addScalar(YamlType::Null, "null", pos);
    case QJsonValue::Bool: return doc.addScalar(YamlType::Bool, value.toBool() ? "true" : "false", pos);
    case QJsonValue::Double: {
        const double d = value.toDouble();
        if (d == std::floor(d) && std::fabs(d) < 9.0e15)
            return doc.addScalar(YamlType::Int, std::to_string(qint64(d)), pos);
        return doc.addScalar(YamlType::Float, QByteArray::number(d, 'g', 17).toStdString(), pos);
    }
    case QJsonValue::String: return doc.addString(value.toString().toStdString(), pos);
    case QJsonValue::Array: {
        std::vector<Index> kids;
        for (const QJsonValue& v : value.toArray()) {
            auto k = importJson(doc, v, pos, depth + 1);
            if (!k)
                return std::nullopt;
            kids.push_back(*k);
        }
        return doc.addContainer(YamlType::Sequence, pos, kids.data(), std::uint32_t(kids.size()));
    }
    case QJsonValue::Object: {
        std::vector<Index> kids;
        const QJsonObject o = value.toObject();
        for (auto it = o.begin(); it != o.end(); ++it) {
            kids.push_back(doc.addString(it.key().toStdString(), pos));
            auto v = importJson(doc, it.value(), pos, depth + 1);
            if (!v)
                return std::nullopt;
            kids.push_back(*v);
        }
        return doc.addContainer(YamlType::Mapping, pos, kids.data(), std::uint32_t(kids.size()));
    }
    }
    return std::nullopt;
}

// Fills in what Backstage adds while processing: metadata.namespace, and the managed-by-location
// annotations (which always overwrite authored values).
void DocumentLoader::fillDefaults(YamlDocument& doc)
{
    const Index root = doc.root();
    const auto metaSlot = [&]() -> std::uint32_t {
        for (std::uint32_t i = 0; i < doc.size(root); ++i)
            if (doc.text(doc.key(root, i)) == "metadata")
                return i;
        return 0;
    }();
    const Index metadata = doc.value(root, metaSlot);
    const TextPosition pos = doc.position(metadata);
    std::vector<Index> entries;
    Index annotations = YamlDocument::npos;
    for (std::uint32_t i = 0; i < doc.size(metadata); ++i) {
        if (doc.text(doc.key(metadata, i)) == "annotations" && doc.type(doc.value(metadata, i)) == YamlType::Mapping) {
            annotations = doc.value(metadata, i);
            continue;
        }
        entries.push_back(doc.key(metadata, i));
        entries.push_back(doc.value(metadata, i));
    }
    if (doc.find(metadata, "namespace") == YamlDocument::npos) {
        entries.push_back(doc.addString("namespace", pos));
        entries.push_back(doc.addString("default", pos));
    }
    const std::string location = QString(m_ctx.locationType + QLatin1Char(':') + m_ctx.file).toStdString();
    const std::string origin
        = m_ctx.origin.isEmpty() ? location : QString(m_ctx.locationType + QLatin1Char(':') + m_ctx.origin).toStdString();
    std::vector<Index> ann;
    if (annotations != YamlDocument::npos) {
        for (std::uint32_t i = 0; i < doc.size(annotations); ++i) {
            const std::string_view k = doc.text(doc.key(annotations, i));
            if (k == "backstage.io/managed-by-location" || k == "backstage.io/managed-by-origin-location")
                continue;
            ann.push_back(doc.key(annotations, i));
            ann.push_back(doc.value(annotations, i));
        }
    }
    ann.push_back(doc.addString("backstage.io/managed-by-location", pos));
    ann.push_back(doc.addString(location, pos));
    ann.push_back(doc.addString("backstage.io/managed-by-origin-location", pos));
    ann.push_back(doc.addString(origin, pos));
    entries.push_back(doc.addString("annotations", pos));
    entries.push_back(doc.addContainer(YamlType::Mapping, pos, ann.data(), std::uint32_t(ann.size())));
    doc.setValue(root, metaSlot, doc.addContainer(YamlType::Mapping, pos, entries.data(), std::uint32_t(entries.size())));
}

bool DocumentLoader::declare(Entity& e, YamlValue value, RelationField field, qint16 index, RelationType type,
                             std::string_view defaultKind)
{
    if (!value.isString())
        return true; // the kind schema already checked types
    DeclaredRelation r;
    r.type = type;
    r.field = field;
    r.index = index;
    r.line = value.position().line;
    r.column = value.position().column;
    if (!parseEntityRefKey(value.text(), defaultKind, m_nsUtf8, m_keyBuffer)) {
        const QString text = value.toString();
        const QString kind = QString::fromUtf8(defaultKind.data(), qsizetype(defaultKind.size()));
        const EntityRefParseResult parsed = EntityRef::parse(text, {kind, e.ref.ns});
        QString hint;
        if (defaultKind.empty())
            hint = QStringLiteral("%1 has no default kind: write the kind too, e.g. component:%2 or resource:%2")
                       .arg(relationFieldName(field), text);
        else
            hint = QStringLiteral("Write a reference like [kind:][namespace/]name, e.g. %1:%2").arg(kind.toLower(), e.ref.name);
        Diagnostic& d = add(Severity::Error, value.position(), r.fieldPath(),
                            QStringLiteral("\"%1\" is not a valid entity reference").arg(text), hint,
                            QStringLiteral("relation-ref"));
        d.backstage = parsed.error;
        m_failed = true;
        return false;
    }
    r.target = m_pool.get(m_keyBuffer);
    e.declared.push_back(std::move(r));
    return true;
}

Entity DocumentLoader::extract(const YamlDocument& doc, const YamlStreamDocument& sd)
{
    const YamlValue root(&doc, doc.root());
    const YamlValue metadata = root["metadata"];
    const YamlValue spec = root["spec"];
    Entity e;
    e.apiVersion = pooled(root["apiVersion"]);
    e.ref.kind = pooled(root["kind"]);
    e.ref.name = metadata["name"].toString();
    e.ref.ns = pooled(metadata["namespace"]);
    m_nsUtf8 = std::string(metadata["namespace"].text());
    e.key = m_entityKey;
    if (metadata["title"].isString())
        e.title = metadata["title"].toString();
    if (metadata["description"].isString())
        e.description = metadata["description"].toString();
    const YamlValue tags = metadata["tags"];
    for (std::uint32_t i = 0; i < tags.size(); ++i)
        if (tags.at(i).isString())
            e.tags << pooled(tags.at(i));
    const auto pairs = [this](YamlValue map, QList<QPair<QString, QString>>& out) {
        out.reserve(map.size());
        for (std::uint32_t i = 0; i < map.size(); ++i) {
            const YamlValue k = map.keyAt(i);
            out.push_back({k.isString() ? pooled(k) : QString::fromStdString(k.scalarAsString()), map.valueAt(i).toString()});
        }
    };
    if (metadata["annotations"].isMapping())
        pairs(metadata["annotations"], e.annotations);
    if (metadata["labels"].isMapping())
        pairs(metadata["labels"], e.labels);
    const YamlValue links = metadata["links"];
    for (std::uint32_t i = 0; i < links.size(); ++i) {
        const YamlValue l = links.at(i);
        e.links.push_back({l["url"].toString(), l["title"].toString(), pooled(l["icon"]), pooled(l["type"])});
    }
    if (spec["type"].isString())
        e.type = pooled(spec["type"]);
    if (spec["lifecycle"].isString())
        e.lifecycle = pooled(spec["lifecycle"]);
    e.location = {m_ctx.sourceName, m_ctx.file, root.position().line, root.position().column, sd.index};
    e.document = doc.toJson(doc.root());

    const QString& kind = e.ref.kind;
    const auto one = [&](const char* name, RelationField field, RelationType type, std::string_view defaultKind) {
        const YamlValue v = spec[name];
        if (v)
            declare(e, v, field, -1, type, defaultKind);
    };
    const auto many = [&](const char* name, RelationField field, RelationType type, std::string_view defaultKind) {
        const YamlValue v = spec[name];
        if (v.isSequence())
            for (std::uint32_t i = 0; i < v.size(); ++i)
                declare(e, v.at(i), field, qint16(std::min<std::uint32_t>(i, 32767)), type, defaultKind);
    };
    // SPEC A6: which field emits which relation, with its default kind; the namespace is always
    // inherited from this entity.
    if (kind == QLatin1String("Component") || kind == QLatin1String("API") || kind == QLatin1String("Resource")
        || kind == QLatin1String("System") || kind == QLatin1String("Domain") || kind == QLatin1String("Template"))
        one("owner", RelationField::Owner, RelationType::OwnedBy, "Group");
    if (kind == QLatin1String("Component") || kind == QLatin1String("API") || kind == QLatin1String("Resource"))
        one("system", RelationField::System, RelationType::PartOf, "System");
    if (kind == QLatin1String("Component")) {
        one("subcomponentOf", RelationField::SubcomponentOf, RelationType::PartOf, "Component");
        many("providesApis", RelationField::ProvidesApis, RelationType::ProvidesApi, "API");
        many("consumesApis", RelationField::ConsumesApis, RelationType::ConsumesApi, "API");
    }
    if (kind == QLatin1String("Component") || kind == QLatin1String("Resource")) {
        many("dependsOn", RelationField::DependsOn, RelationType::DependsOn, {});
        many("dependencyOf", RelationField::DependencyOf, RelationType::DependencyOf, {});
    }
    if (kind == QLatin1String("System"))
        one("domain", RelationField::Domain, RelationType::PartOf, "Domain");
    if (kind == QLatin1String("Domain"))
        one("subdomainOf", RelationField::SubdomainOf, RelationType::PartOf, "Domain");
    if (kind == QLatin1String("Group")) {
        one("parent", RelationField::Parent, RelationType::ChildOf, "Group");
        many("children", RelationField::Children, RelationType::ParentOf, "Group");
        many("members", RelationField::Members, RelationType::HasMember, "User");
    }
    if (kind == QLatin1String("User"))
        many("memberOf", RelationField::MemberOf, RelationType::MemberOf, "Group");

    for (const DeclaredRelation& r : std::as_const(e.declared)) {
        if (r.field == RelationField::Owner && e.owner.isEmpty())
            e.owner = r.target;
        if (r.field == RelationField::System)
            e.system = r.target;
    }
    if (kind == QLatin1String("Location"))
        locationTargets(e, spec);
    return e;
}

void DocumentLoader::locationTargets(const Entity& e, YamlValue spec)
{
    const QString type = spec["type"].isString() ? spec["type"].toString() : m_ctx.locationType;
    const bool optional = spec["presence"].isString() && spec["presence"].toString() == QLatin1String("optional");
    QList<QPair<YamlValue, QString>> targets;
    if (spec["target"].isString())
        targets.push_back({spec["target"], QStringLiteral("spec.target")});
    const YamlValue list = spec["targets"];
    for (std::uint32_t i = 0; i < list.size(); ++i)
        if (list.at(i).isString())
            targets.push_back({list.at(i), QStringLiteral("spec.targets.") + QString::number(i)});
    for (const auto& [value, field] : targets) {
        LocationTarget t;
        t.target = value.toString();
        t.type = type;
        t.optional = optional;
        t.location = e.key;
        t.field = field;
        t.line = value.position().line;
        t.column = value.position().column;
        const bool absoluteUrl = t.target.contains(QLatin1String("://"));
        if (type == QLatin1String("file") && t.target.endsWith(QLatin1Char('/'))) {
            add(Severity::Error, value.position(), field,
                QStringLiteral("the file target %1 names a folder").arg(t.target),
                QStringLiteral("Name files, or use a glob such as %1**/catalog-info.yaml").arg(t.target),
                QStringLiteral("location"))
                .backstage = QStringLiteral("LocationEntityProcessor cannot handle a target ending with a path separator");
            continue;
        }
        if (absoluteUrl || (type != m_ctx.locationType && type != QLatin1String("file") && type != QLatin1String("url"))) {
            add(Severity::Warning, value.position(), field,
                QStringLiteral("the %1 target %2 is not followed: it is not a path in this source").arg(type, t.target),
                QStringLiteral("Add the repository it points to as a git source in the workspace, or use a relative path."),
                QStringLiteral("location"));
            continue;
        }
        if (m_ctx.path.isEmpty())
            continue; // remote entities: their targets were followed by the server
        const QString path = QDir::isAbsolutePath(t.target)
            ? QDir::cleanPath(t.target)
            : QDir::cleanPath(QFileInfo(m_ctx.path).absoluteDir().filePath(t.target));
        if (!m_ctx.root.isEmpty() && !Sources::isInside(path, m_ctx.root) && !Sources::isInside(m_ctx.root, path)) {
            add(Severity::Error, value.position(), field,
                QStringLiteral("the target %1 lies outside the source %2").arg(t.target, m_ctx.root),
                QStringLiteral("Locations may only point inside their own source; add the other folder or repository as a source."),
                QStringLiteral("location"));
            continue;
        }
        t.path = path;
        m_out.targets.push_back(std::move(t));
    }
}

} // namespace

FileLoad loadCatalogFile(const QByteArray& bytes, const LoadContext& context)
{
    FileLoad out;
    out.file = context.file;
    out.path = context.path;
    if (!context.path.isEmpty())
        out.stamp = stampFile(context.path);
    DocumentLoader loader(context, out);
    forEachYamlDocument(bytes, context.options.yaml, [&](YamlStreamDocument& d) { loader.load(d); });
    return out;
}

FileLoad loadCatalogFile(const LoadContext& context)
{
    const auto problem = [&](QString message, QString hint, const QString& code) {
        FileLoad out;
        out.file = context.file;
        out.path = context.path;
        out.stamp = stampFile(context.path);
        Diagnostic d;
        d.file = context.file;
        d.message = std::move(message);
        d.hint = std::move(hint);
        d.code = code;
        out.diagnostics.push_back(std::move(d));
        return out;
    };
    const QFileInfo info(context.path);
    if (!info.exists())
        return problem(info.isSymLink() ? QStringLiteral("broken symbolic link") : QStringLiteral("file does not exist"),
                       QStringLiteral("Check the path."), QStringLiteral("unreadable"));
    if (info.isDir())
        return problem(QStringLiteral("this is a folder, not a file"),
                       QStringLiteral("Point at a YAML file, or add the folder as a folder source."), QStringLiteral("unreadable"));
    if (!info.isFile())
        return problem(QStringLiteral("not a regular file (a pipe, socket or device); not read"),
                       QStringLiteral("Catalog files must be regular files."), QStringLiteral("unreadable"));
    if (info.size() > context.options.maxFileSize)
        return problem(QStringLiteral("file is %1, above the %2 limit for catalog files; not read")
                           .arg(formatBytes(info.size()), formatBytes(context.options.maxFileSize)),
                       QStringLiteral("Split it into several files, or raise spec.catalog.maxFileSize in the workspace."),
                       QStringLiteral("too-large"));
    QFile f(context.path);
    if (!f.open(QIODevice::ReadOnly))
        return problem(QStringLiteral("cannot read the file: %1").arg(f.errorString()),
                       QStringLiteral("Check the file's permissions."), QStringLiteral("unreadable"));
    const QByteArray bytes = f.read(context.options.maxFileSize + 1);
    if (f.error() != QFileDevice::NoError)
        return problem(QStringLiteral("cannot read the file: %1").arg(f.errorString()),
                       QStringLiteral("Check the disk and the file's permissions."), QStringLiteral("unreadable"));
    const bool utf16 = bytes.startsWith("\xFF\xFE") || bytes.startsWith("\xFE\xFF");
    if (!utf16 && std::memchr(bytes.constData(), 0, size_t(bytes.size())) != nullptr)
        return problem(QStringLiteral("binary file (it contains NUL bytes); not read"),
                       QStringLiteral("Catalog files are UTF-8 text. Remove the file from the source or narrow its globs."),
                       QStringLiteral("binary"));
    FileLoad out = loadCatalogFile(bytes, context);
    out.stamp = {context.path, info.size(), info.lastModified().toMSecsSinceEpoch()};
    return out;
}

} // namespace Flightdeck::Catalog
