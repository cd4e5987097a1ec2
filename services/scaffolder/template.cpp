// SPDX-License-Identifier: Apache-2.0
#include "template.h"

#include "catalog/validator.h"
#include "formschema.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUrl>

#include <algorithm>

namespace Flightdeck::Scaffolder {

using Catalog::Severity;
using Catalog::YamlDocument;
using Catalog::YamlType;
using Catalog::YamlValue;

namespace {

using Detail::yamlToJson;
QString text(YamlValue v) { return Detail::yamlText(v); }

struct Builder
{
    Template& t;
    Diagnostics& out;
    QString entity;

    void add(Severity severity, const QString& code, YamlValue at, const QString& field, const QString& message,
        const QString& hint)
    {
        Diagnostic d;
        d.severity = severity;
        d.file = t.file;
        d.line = at.position().line;
        d.column = at.position().column;
        d.entity = entity;
        d.field = field;
        d.message = message;
        d.hint = hint;
        d.code = code;
        out << d;
    }
};

QString baseUrlOf(const QString& file)
{
    if (file.isEmpty())
        return QString();
    const QUrl url(file);
    if (url.isValid() && !url.scheme().isEmpty() && url.scheme().size() > 1) {
        // A remote template.yaml: relative fetches resolve against its folder.
        return url.resolved(QUrl(QStringLiteral("."))).toString();
    }
    const QString dir = QFileInfo(file).absolutePath();
    return QUrl::fromLocalFile(dir + QLatin1Char('/')).toString();
}

void readSteps(Builder& b, const YamlRef& stepsRef)
{
    const YamlValue steps = stepsRef.value();
    if (!steps.isSequence())
        return; // the catalog's Template schema has said so already
    QHash<QString, QString> seen; // id -> field of its first use
    for (std::uint32_t i = 0; i < steps.size(); ++i) {
        const YamlRef node = stepsRef.at(i);
        const YamlValue s = node.value();
        TemplateStep step;
        step.node = node;
        step.position = s.position();
        step.field = QStringLiteral("spec.steps.%1").arg(i);
        if (!s.isMapping()) {
            b.t.steps << step;
            continue;
        }
        const YamlValue id = s["id"];
        step.idGiven = id.isValid() && !id.isNull();
        step.id = step.idGiven ? text(id) : QStringLiteral("step-%1").arg(i + 1);
        step.action = text(s["action"]);
        const YamlValue name = s["name"];
        step.name = name.isValid() && !name.isNull() ? text(name) : step.action;
        step.input = node["input"];
        step.condition = node["if"];
        step.each = node["each"];
        if (step.idGiven && step.id.isEmpty()) {
            b.add(Severity::Error, QStringLiteral("template-step-id"), id, step.field + QStringLiteral(".id"),
                QStringLiteral("Step id is empty"),
                QStringLiteral("Give the step an id such as \"publish\" (later steps read its output as "
                               "${{ steps.publish.output.remoteUrl }}), or remove id: to get \"step-%1\".")
                    .arg(i + 1));
        } else if (seen.contains(step.id)) {
            // Outputs live in steps[id]: a second step with the same id overwrites the first one's.
            b.add(Severity::Error, QStringLiteral("template-step-id"), id.isValid() ? id : s,
                step.field + QStringLiteral(".id"),
                QStringLiteral("Step id \"%1\" is already used by %2").arg(step.id, seen.value(step.id)),
                QStringLiteral("Give every step its own id: ${{ steps['%1'].output }} can only name one of them.")
                    .arg(step.id));
        } else {
            seen.insert(step.id, step.field);
        }
        // The shape of input and if (object; boolean or string) is the Template schema's business,
        // checked by the catalog validator before this runs.
        b.t.steps << step;
    }
}

void readOutput(Builder& b, const YamlRef& outputRef)
{
    const YamlValue output = outputRef.value();
    if (!output.isMapping())
        return;
    for (std::uint32_t i = 0; i < output.size(); ++i) {
        const QString key = output.keyAt(i).toString();
        const YamlRef value(outputRef.document(), output.valueAt(i).index());
        const QString field = QStringLiteral("spec.output.") + key;
        if (key == QLatin1String("links") || key == QLatin1String("text")) {
            if (!value.value().isSequence()) {
                b.add(Severity::Error, QStringLiteral("template-output"), value.value(), field,
                    QStringLiteral("output.%1 is a %2, not a list")
                        .arg(key, QLatin1String(value.value().jsonTypeName())),
                    key == QLatin1String("links")
                        ? QStringLiteral("Write links as a list: links: [{title: Repository, url: ${{ "
                                         "steps.publish.output.remoteUrl }}}].")
                        : QStringLiteral("Write text as a list: text: [{title: Summary, content: ...}]."));
                continue;
            }
            for (std::uint32_t n = 0; n < value.value().size(); ++n) {
                const YamlRef entry = value.at(n);
                const YamlValue e = entry.value();
                if (!e.isMapping()) {
                    b.add(Severity::Error, QStringLiteral("template-output"), e,
                        field + QLatin1Char('.') + QString::number(n),
                        QStringLiteral("output.%1 entry is a %2, not an object")
                            .arg(key, QLatin1String(e.jsonTypeName())),
                        QStringLiteral("Each entry is a mapping with title and url (links) or content (text)."));
                    continue;
                }
                if (key == QLatin1String("links")) {
                    TemplateOutputLink l;
                    l.url = text(e["url"]);
                    l.entityRef = text(e["entityRef"]);
                    l.title = text(e["title"]);
                    l.icon = text(e["icon"]);
                    l.condition = entry["if"];
                    l.position = e.position();
                    if (l.url.isEmpty() && l.entityRef.isEmpty())
                        b.add(Severity::Warning, QStringLiteral("template-output"), e,
                            field + QLatin1Char('.') + QString::number(n),
                            QStringLiteral("Output link has neither url nor entityRef"),
                            QStringLiteral("Add url: (e.g. ${{ steps.publish.output.remoteUrl }}) or entityRef: "
                                           "(e.g. ${{ steps.register.output.entityRef }})."));
                    b.t.output.links << l;
                } else {
                    TemplateOutputText x;
                    x.title = text(e["title"]);
                    x.icon = text(e["icon"]);
                    x.content = text(e["content"]);
                    x.condition = entry["if"];
                    x.position = e.position();
                    b.t.output.text << x;
                }
            }
        } else {
            b.t.output.other << qMakePair(key, value);
        }
    }
}

void readPages(Builder& b, const YamlRef& parametersRef)
{
    const YamlValue parameters = parametersRef.value();
    if (!parameters.isValid() || parameters.isNull())
        return;
    // [spec.parameters ?? []].flat(): one object is one page.
    QList<QPair<YamlRef, QString>> pages;
    if (parameters.isSequence()) {
        for (std::uint32_t i = 0; i < parameters.size(); ++i)
            pages << qMakePair(parametersRef.at(i), QStringLiteral("spec.parameters.%1").arg(i));
    } else {
        pages << qMakePair(parametersRef, QStringLiteral("spec.parameters"));
    }
    for (const auto& [node, field] : pages) {
        const YamlValue v = node.value();
        if (!v.isMapping())
            continue; // the Template schema has reported it
        ParameterPage page;
        page.node = node;
        page.field = field;
        page.title = text(v["title"]);
        page.description = text(v["description"]);
        page.featureFlag = text(v["backstage:featureFlag"]);
        const YamlValue cond = v["if"];
        if (cond.isScalar() && !cond.isNull()) {
            // Page-level `if` is a template expression (newer Backstage) — but a JSON Schema `if`
            // is an object, which is the draft-07 keyword and handled by the form.
            page.condition = text(cond);
        }
        page.schema = node.toJson().toObject();
        checkFormSchema(page, b.t.file, b.entity, b.out);
        b.t.pages << page;
    }
}

QJsonObject objectAt(YamlValue v)
{
    return v.isMapping() ? yamlToJson(v).toObject() : QJsonObject();
}

} // namespace

YamlRef YamlRef::operator[](std::string_view key) const
{
    const YamlValue v = value()[key];
    return v.isValid() ? YamlRef(m_document, v.index()) : YamlRef();
}

YamlRef YamlRef::at(std::uint32_t n) const
{
    const YamlValue v = value();
    return v.isSequence() && n < v.size() ? YamlRef(m_document, v.at(n).index()) : YamlRef();
}

QJsonValue YamlRef::toJson() const
{
    return yamlToJson(value());
}

QJsonObject TemplateStep::inputJson() const
{
    return input.toJson().toObject();
}

QString ParameterPage::displayTitle() const
{
    return title.isEmpty() ? QStringLiteral("Please enter the following information") : title;
}

QString Template::entityRef() const
{
    return QStringLiteral("template:%1/%2").arg(nameSpace, name);
}

const TemplateStep* Template::step(QStringView id) const
{
    for (const TemplateStep& s : steps)
        if (s.id == id)
            return &s;
    return nullptr;
}

TemplateLoad templateFromYaml(std::shared_ptr<const YamlDocument> document, const QString& file)
{
    TemplateLoad load;
    Template& t = load.value;
    t.file = file;
    t.baseUrl = baseUrlOf(file);
    if (!document || document->isEmpty()) {
        Diagnostic d;
        d.file = file;
        d.code = QStringLiteral("template-missing");
        d.message = QStringLiteral("No Template in this file");
        d.hint = QStringLiteral("A template.yaml starts with apiVersion: scaffolder.backstage.io/v1beta3 and kind: "
                                "Template.");
        load.diagnostics << d;
        return load;
    }
    t.root = YamlRef(document, document->root());
    const YamlValue root = t.root.value();
    const YamlValue metadata = root["metadata"];
    const YamlValue spec = root["spec"];
    t.apiVersion = text(root["apiVersion"]);
    t.name = text(metadata["name"]);
    if (const QString ns = text(metadata["namespace"]); !ns.isEmpty())
        t.nameSpace = ns;
    Builder b { t, load.diagnostics, t.entityRef() };

    // The catalog's checks first: a template is a catalog entity, and Backstage refuses to
    // register one the catalog rejects, so the same file must fail here with the same words.
    if (Catalog::validateEnvelope(root, file, load.diagnostics))
        Catalog::validateEntity(root, file, b.entity, load.diagnostics);
    if (root["kind"].toString() != QLatin1String("Template")) {
        b.add(Severity::Error, QStringLiteral("template-kind"), root["kind"].isValid() ? root["kind"] : root,
            QStringLiteral("kind"), QStringLiteral("kind is \"%1\", not Template").arg(root["kind"].toString()),
            QStringLiteral("Software templates are entities of kind: Template."));
    }
    t.title = text(metadata["title"]);
    t.description = text(metadata["description"]);
    const YamlValue tags = metadata["tags"];
    for (std::uint32_t i = 0; i < tags.size(); ++i)
        if (tags.isSequence())
            t.tags << text(tags.at(i));
    t.uiOptions = objectAt(metadata["ui:options"]);
    t.owner = text(spec["owner"]);
    t.type = text(spec["type"]);
    t.lifecycle = text(spec["lifecycle"]);
    t.presentation = objectAt(spec["presentation"]);
    t.secretsSchema = objectAt(spec["secrets"]["schema"]);

    const YamlRef specRef = t.root["spec"];
    readPages(b, specRef["parameters"]);
    readSteps(b, specRef["steps"]);
    readOutput(b, specRef["output"]);

    load.ok = std::none_of(
        load.diagnostics.cbegin(), load.diagnostics.cend(), [](const Diagnostic& d) { return d.isError(); });
    return load;
}

TemplateLoad loadTemplate(const QByteArray& bytes, const QString& file)
{
    std::vector<Catalog::YamlStreamDocument> docs = Catalog::parseYamlStream(bytes);
    // The first document whose kind is Template; failing that, the first that failed to parse
    // (its syntax error is the reason); failing that, the first document.
    Catalog::YamlStreamDocument* chosen = nullptr;
    for (Catalog::YamlStreamDocument& d : docs) {
        if (!d.error && !d.document.isEmpty()
            && YamlValue(&d.document, d.document.root())["kind"].toString() == QLatin1String("Template")) {
            chosen = &d;
            break;
        }
    }
    if (!chosen)
        for (Catalog::YamlStreamDocument& d : docs)
            if (d.error || !d.document.isEmpty()) {
                chosen = &d;
                break;
            }
    if (chosen && chosen->error) {
        TemplateLoad load;
        load.value.file = file;
        load.value.baseUrl = baseUrlOf(file);
        Diagnostic d;
        d.file = file;
        d.line = chosen->error->position.line;
        d.column = chosen->error->position.column;
        d.code = QStringLiteral("yaml-syntax");
        d.message = chosen->error->message;
        d.hint = chosen->error->hint;
        load.diagnostics << d;
        return load;
    }
    std::shared_ptr<YamlDocument> doc;
    if (chosen)
        doc = std::make_shared<YamlDocument>(std::move(chosen->document));
    return templateFromYaml(std::move(doc), file);
}

TemplateLoad loadTemplateFile(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        TemplateLoad load;
        load.value.file = path;
        Diagnostic d;
        d.file = path;
        d.code = QStringLiteral("template-read");
        d.message = QStringLiteral("Cannot read the template: %1").arg(f.errorString());
        d.hint = QStringLiteral("Check that the file exists and is readable.");
        load.diagnostics << d;
        return load;
    }
    return loadTemplate(f.readAll(), path);
}

TemplateLoad loadTemplate(const Catalog::Entity& entity)
{
    const QString path = entity.location.file;
    if (!path.isEmpty() && QFileInfo(path).isFile()) {
        QFile f(path);
        if (f.open(QIODevice::ReadOnly)) {
            std::vector<Catalog::YamlStreamDocument> docs = Catalog::parseYamlStream(f.readAll());
            for (Catalog::YamlStreamDocument& d : docs) {
                if (d.index != entity.location.document || d.error || d.document.isEmpty())
                    continue;
                // Only when the file still holds this entity: it may have changed since it was read.
                const YamlValue root(&d.document, d.document.root());
                if (root["kind"].toString() == entity.ref.kind
                    && root["metadata"]["name"].toString() == entity.ref.name)
                    return templateFromYaml(std::make_shared<YamlDocument>(std::move(d.document)), path);
            }
        }
    }
    // The entity's JSON is valid YAML; positions then point into it, so drop them.
    std::vector<Catalog::YamlStreamDocument> docs = Catalog::parseYamlStream(entity.document);
    std::shared_ptr<YamlDocument> doc;
    if (!docs.empty() && !docs.front().error)
        doc = std::make_shared<YamlDocument>(std::move(docs.front().document));
    TemplateLoad load = templateFromYaml(std::move(doc), path.isEmpty() ? entity.key : path);
    for (Diagnostic& d : load.diagnostics) {
        d.line = entity.location.line;
        d.column = 0;
    }
    return load;
}

QJsonValue Detail::yamlToJson(YamlValue v)
{
    if (!v.isValid())
        return QJsonValue(QJsonValue::Undefined);
    // The document's own JSON writer knows how Backstage prints every scalar (numbers, YAML
    // booleans, nulls), so go through it rather than guess again here.
    const QByteArray json = v.document()->toJson(v.index());
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray("[") + json + QByteArray("]"));
    return doc.array().isEmpty() ? QJsonValue(QJsonValue::Null) : doc.array().at(0);
}

QString Detail::yamlText(YamlValue v)
{
    return v.isScalar() && !v.isNull() ? QString::fromStdString(v.scalarAsString()) : QString();
}

} // namespace Flightdeck::Scaffolder
