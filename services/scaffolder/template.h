// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "catalog/diagnostic.h"
#include "catalog/entity.h"
#include "catalog/yamldocument.h"

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QMetaType>
#include <QPair>
#include <QString>
#include <QStringList>

#include <memory>

namespace Flightdeck::Scaffolder {

using Catalog::Diagnostic;
using Catalog::Diagnostics;
using Catalog::TextPosition;

// A value of the template's YAML, kept as written: the document is shared, so a step input keeps
// its types (a YAML 8080 stays a number, `true` a boolean) and every node's line and column, which
// the renderer needs to say where an expression came from. An invalid ref stands for "absent".
class YamlRef
{
public:
    YamlRef() = default;
    YamlRef(std::shared_ptr<const Catalog::YamlDocument> document, Catalog::YamlDocument::Index index)
        : m_document(std::move(document))
        , m_index(index)
    { }

    bool isValid() const { return m_document && m_index != Catalog::YamlDocument::npos; }
    Catalog::YamlValue value() const { return Catalog::YamlValue(m_document.get(), m_index); }
    Catalog::YamlType type() const { return value().type(); }
    TextPosition position() const { return value().position(); }
    const std::shared_ptr<const Catalog::YamlDocument>& document() const { return m_document; }
    Catalog::YamlDocument::Index index() const { return m_index; }
    // The same node one level down (an invalid ref when there is none).
    YamlRef operator[](std::string_view key) const;
    YamlRef at(std::uint32_t n) const;
    // The value as Backstage's JSON would carry it (absent -> undefined QJsonValue).
    QJsonValue toJson() const;

private:
    std::shared_ptr<const Catalog::YamlDocument> m_document;
    Catalog::YamlDocument::Index m_index = Catalog::YamlDocument::npos;
};

// One entry of spec.steps (SPEC B4), with the defaults the backend applies (B3): a missing id is
// "step-<n>" (1-based), a missing name is the action.
struct TemplateStep
{
    QString id;
    bool idGiven = false;
    QString name;
    QString action;
    YamlRef input; // the input mapping as written, or invalid
    YamlRef condition; // `if`: a boolean or a string expression, or invalid when absent
    YamlRef each; // `each`, or invalid
    YamlRef node; // the whole step mapping
    TextPosition position;
    QString field; // "spec.steps.2"

    QJsonObject inputJson() const;
};

struct TemplateOutputLink
{
    QString url;
    QString entityRef;
    QString title;
    QString icon;
    YamlRef condition;
    TextPosition position;
};

struct TemplateOutputText
{
    QString title;
    QString icon;
    QString content;
    YamlRef condition;
    TextPosition position;
};

// spec.output: links, text, and any other key (legacy remoteUrl, entityRef …) kept raw.
struct TemplateOutput
{
    QList<TemplateOutputLink> links;
    QList<TemplateOutputText> text;
    QList<QPair<QString, YamlRef>> other;
};

// One page of spec.parameters (a single object is one page, SPEC B1). The schema is kept both as
// YAML (positions) and as the JSON object Backstage's frontend receives.
struct ParameterPage
{
    QString title; // as written; may be empty
    QString description;
    QString condition; // page-level `if` (newer Backstage), as written; empty when always shown
    QString featureFlag; // backstage:featureFlag
    QJsonObject schema; // the page, ui:* keys included
    YamlRef node;
    QString field; // "spec.parameters.1"

    // The title the wizard shows: Backstage's fallback when the page has none.
    QString displayTitle() const;
};

struct Template
{
    QString apiVersion;
    QString name;
    QString nameSpace = QStringLiteral("default");
    QString title;
    QString description;
    QStringList tags;
    QString owner;
    QString type;
    QString lifecycle;
    QJsonObject presentation;
    QJsonObject uiOptions; // metadata["ui:options"]
    QJsonObject secretsSchema; // spec.secrets.schema
    QList<ParameterPage> pages;
    QList<TemplateStep> steps;
    TemplateOutput output;
    QString file; // where it was read (path or URL), for diagnostics
    QString baseUrl; // directory relative fetches (./skeleton) resolve against, with a trailing '/'
    YamlRef root;

    QString entityRef() const; // "template:default/name"
    QString displayTitle() const { return title.isEmpty() ? name : title; }
    const TemplateStep* step(QStringView id) const;
};

struct TemplateLoad
{
    Template value;
    bool ok = false; // false when an error diagnostic was found (value is still filled as far as possible)
    Diagnostics diagnostics; // errors and warnings, in file order per kind of check
};

// Reads a template.yaml (the first Template document of the stream; other kinds are ignored). The
// catalog's own checks run first (envelope, Template schema, field formats), then the scaffolder's:
// step ids, parameter pages and their forms (see formschema.h). `file` names the source in
// diagnostics and gives the base URL.
TemplateLoad loadTemplate(const QByteArray& bytes, const QString& file);
TemplateLoad loadTemplateFile(const QString& path);

// A Template entity from the catalog. When the entity came from a readable local file, that
// document is read again so that positions are exact; otherwise its JSON is used.
TemplateLoad loadTemplate(const Catalog::Entity& entity);

// Builds a Template from a document already parsed (used by both of the above).
TemplateLoad templateFromYaml(std::shared_ptr<const Catalog::YamlDocument> document, const QString& file);

namespace Detail {
// A YAML value as JSON, printed as Backstage prints it (numbers, YAML booleans, nulls).
QJsonValue yamlToJson(Catalog::YamlValue v);
// A scalar's text; empty for null and for collections.
QString yamlText(Catalog::YamlValue v);
} // namespace Detail

} // namespace Flightdeck::Scaffolder

// Templates travel in queued signals (wizard -> page -> run view).
Q_DECLARE_METATYPE(Flightdeck::Scaffolder::Template)
