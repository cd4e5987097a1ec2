// SPDX-License-Identifier: Apache-2.0
#include "formschema.h"
#include "template.h"

#include "catalog/entityref.h"
#include "catalog/validator.h"

#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>
#include <QUrl>
#include <QUrlQuery>

#include <algorithm>
#include <cmath>

namespace Flightdeck::Scaffolder {

using Catalog::Severity;
using Catalog::YamlType;
using Catalog::YamlValue;

namespace {

// Conditional schemas nest; a hostile template could nest them without end.
constexpr int maxDepth = 32;

QJsonValue toJson(YamlValue v) { return Detail::yamlToJson(v); }
QString str(YamlValue v) { return Detail::yamlText(v); }

std::optional<double> number(YamlValue v)
{
    if (!v.isNumber())
        return std::nullopt;
    return toJson(v).toDouble();
}

std::optional<qint64> count(YamlValue v)
{
    if (!v.isNumber())
        return std::nullopt;
    return qint64(toJson(v).toDouble());
}

QString jsNumber(double d)
{
    if (d == std::floor(d) && std::abs(d) < 1e15)
        return QString::number(qint64(d));
    return QString::number(d, 'g', 17);
}

QString display(const QJsonValue& v)
{
    switch (v.type()) {
    case QJsonValue::String:
        return v.toString();
    case QJsonValue::Double:
        return jsNumber(v.toDouble());
    case QJsonValue::Bool:
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Array:
        return QString::fromUtf8(QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact));
    case QJsonValue::Object:
        return QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("undefined");
}

FieldType parseType(const QString& t)
{
    if (t == QLatin1String("string"))
        return FieldType::String;
    if (t == QLatin1String("number"))
        return FieldType::Number;
    if (t == QLatin1String("integer"))
        return FieldType::Integer;
    if (t == QLatin1String("boolean"))
        return FieldType::Boolean;
    if (t == QLatin1String("array"))
        return FieldType::Array;
    if (t == QLatin1String("object"))
        return FieldType::Object;
    if (t == QLatin1String("null"))
        return FieldType::Null;
    return FieldType::Unknown;
}

struct WidgetName
{
    const char* name;
    Widget widget;
};
constexpr WidgetName widgetNames[] = {
    { "text", Widget::Text },
    { "textarea", Widget::TextArea },
    { "password", Widget::Password },
    { "radio", Widget::Radio },
    { "select", Widget::Select },
    { "checkboxes", Widget::Checkboxes },
    { "hidden", Widget::Hidden },
    { "email", Widget::Email },
    { "uri", Widget::Uri },
    { "updown", Widget::UpDown },
    { "range", Widget::Range },
    { "date", Widget::Date },
    { "datetime", Widget::DateTime },
    { "alt-datetime", Widget::DateTime },
    { "alt-date", Widget::Date },
    { "time", Widget::Time },
    { "color", Widget::Color },
    { "file", Widget::File },
    { "checkbox", Widget::Checkboxes },
};

struct CustomFieldName
{
    const char* name;
    CustomField field;
};
constexpr CustomFieldName customFieldNames[] = {
    { "EntityPicker", CustomField::EntityPicker },
    { "OwnerPicker", CustomField::OwnerPicker },
    { "OwnedEntityPicker", CustomField::OwnedEntityPicker },
    { "MultiEntityPicker", CustomField::MultiEntityPicker },
    { "MyGroupsPicker", CustomField::MyGroupsPicker },
    { "EntityNamePicker", CustomField::EntityNamePicker },
    { "EntityTagsPicker", CustomField::EntityTagsPicker },
    { "RepoUrlPicker", CustomField::RepoUrlPicker },
    { "RepoBranchPicker", CustomField::RepoBranchPicker },
    { "RepoOwnerPicker", CustomField::RepoOwnerPicker },
    { "Secret", CustomField::Secret },
    { "AccordionField", CustomField::AccordionField },
};

Widget parseWidget(const QString& name)
{
    if (name.isEmpty())
        return Widget::Default;
    for (const WidgetName& w : widgetNames)
        if (name == QLatin1String(w.name))
            return w.widget;
    return Widget::Other;
}

CustomField parseCustomField(const QString& name)
{
    if (name.isEmpty())
        return CustomField::None;
    for (const CustomFieldName& f : customFieldNames)
        if (name == QLatin1String(f.name))
            return f.field;
    return CustomField::Other;
}

// The schema of one property may come in parts: the page's own `properties` and those of the
// conditional branches that apply. rjsf merges them; later parts add to and override earlier ones.
struct Parts
{
    std::vector<YamlValue> schemas;
    YamlValue key; // the first declaration's key node, for positions
    FieldOrigin origin = FieldOrigin::Properties;

    YamlValue get(std::string_view k) const
    {
        for (auto it = schemas.rbegin(); it != schemas.rend(); ++it)
            if (const YamlValue v = (*it)[k]; v.isValid())
                return v;
        return YamlValue();
    }
};

// An object schema with its conditions applied to some data: properties in order, required names,
// and the ui:order that applies.
struct Collected
{
    std::vector<std::pair<QString, Parts>> properties;
    QSet<QString> required;
    YamlValue order;

    Parts& part(const QString& name, YamlValue key, FieldOrigin origin)
    {
        for (auto& [n, p] : properties)
            if (n == name)
                return p;
        properties.emplace_back(name, Parts {});
        properties.back().second.key = key;
        properties.back().second.origin = origin;
        return properties.back().second;
    }
};

bool isMissing(const QJsonValue& v)
{
    // rjsf turns an emptied input into undefined, so "" counts as not given.
    return v.isUndefined() || v.isNull() || (v.isString() && v.toString().isEmpty());
}

void collect(YamlValue schema, const QJsonObject& data, Collected& c, FieldOrigin origin, int depth,
    QStringView skipProperty = {});

FormField makeField(const QString& name, const QString& parentPath, const Parts& parts, bool required,
    const QJsonValue& data, int depth);
void checkValue(const FormField& f, const QJsonValue& v, const QString& path, const FormContext* context,
    QList<FieldError>& errors);

// JSON Schema validation of data against a condition schema (`if`, a oneOf branch's
// discriminator): the same keyword checks the form uses, so both agree on what matches.
bool matches(YamlValue schema, const QJsonValue& data, int depth)
{
    if (!schema.isValid())
        return true;
    if (schema.type() == YamlType::Bool)
        return schema.toBool();
    if (!schema.isMapping() || depth > maxDepth)
        return true;
    Parts self;
    self.schemas.push_back(schema);
    const FormField f = makeField(QString(), QString(), self, false, data, depth + 1);
    QList<FieldError> errors;
    if (!data.isUndefined())
        checkValue(f, data, QString(), nullptr, errors);
    if (!errors.isEmpty())
        return false;
    if (data.isObject()) {
        const QJsonObject o = data.toObject();
        const YamlValue req = schema["required"];
        for (std::uint32_t i = 0; req.isSequence() && i < req.size(); ++i)
            if (!o.contains(req.at(i).toString()) || o.value(req.at(i).toString()).isUndefined())
                return false;
        const YamlValue props = schema["properties"];
        for (std::uint32_t i = 0; props.isMapping() && i < props.size(); ++i) {
            const QString key = props.keyAt(i).toString();
            if (o.contains(key) && !matches(props.valueAt(i), o.value(key), depth + 1))
                return false;
        }
    }
    if (const YamlValue n = schema["not"]; n.isValid() && matches(n, data, depth + 1))
        return false;
    if (const YamlValue all = schema["allOf"]; all.isSequence())
        for (std::uint32_t i = 0; i < all.size(); ++i)
            if (!matches(all.at(i), data, depth + 1))
                return false;
    if (const YamlValue any = schema["anyOf"]; any.isSequence()) {
        bool ok = false;
        for (std::uint32_t i = 0; i < any.size() && !ok; ++i)
            ok = matches(any.at(i), data, depth + 1);
        if (!ok)
            return false;
    }
    if (const YamlValue one = schema["oneOf"]; one.isSequence()) {
        int n = 0;
        for (std::uint32_t i = 0; i < one.size(); ++i)
            n += matches(one.at(i), data, depth + 1) ? 1 : 0;
        if (n != 1)
            return false;
    }
    return true;
}

void collectBranch(YamlValue branch, const QJsonObject& data, Collected& c, FieldOrigin origin, int depth,
    QStringView skipProperty = {})
{
    if (branch.isMapping())
        collect(branch, data, c, origin, depth + 1, skipProperty);
}

void collect(
    YamlValue schema, const QJsonObject& data, Collected& c, FieldOrigin origin, int depth, QStringView skipProperty)
{
    if (!schema.isMapping() || depth > maxDepth)
        return;
    const YamlValue props = schema["properties"];
    for (std::uint32_t i = 0; props.isMapping() && i < props.size(); ++i) {
        const QString name = props.keyAt(i).toString();
        if (name == skipProperty)
            continue;
        c.part(name, props.keyAt(i), origin).schemas.push_back(props.valueAt(i));
    }
    const YamlValue req = schema["required"];
    for (std::uint32_t i = 0; req.isSequence() && i < req.size(); ++i)
        c.required.insert(req.at(i).toString());
    if (const YamlValue order = schema["ui:order"]; order.isSequence())
        c.order = order;

    // dependencies: { trigger: [names] } makes names required once trigger has a value;
    // { trigger: schema } adds the schema, and with oneOf the branch whose discriminator
    // (properties.trigger: const / enum) matches the trigger's value (rjsf resolveDependencies).
    const YamlValue deps = schema["dependencies"];
    for (std::uint32_t i = 0; deps.isMapping() && i < deps.size(); ++i) {
        const QString trigger = deps.keyAt(i).toString();
        if (isMissing(data.value(trigger)))
            continue;
        const YamlValue dep = deps.valueAt(i);
        if (dep.isSequence()) {
            for (std::uint32_t n = 0; n < dep.size(); ++n)
                c.required.insert(dep.at(n).toString());
            continue;
        }
        if (!dep.isMapping())
            continue;
        collect(dep, data, c, FieldOrigin::Dependency, depth + 1);
        const YamlValue oneOf = dep["oneOf"];
        for (std::uint32_t n = 0; oneOf.isSequence() && n < oneOf.size(); ++n) {
            const YamlValue branch = oneOf.at(n);
            const YamlValue discriminator = branch["properties"][std::string_view(trigger.toStdString())];
            if (!discriminator.isValid())
                continue;
            if (matches(discriminator, data.value(trigger), depth + 1)) {
                collectBranch(branch, data, c, FieldOrigin::Dependency, depth, trigger);
                break;
            }
        }
    }

    if (const YamlValue cond = schema["if"]; cond.isMapping() || cond.type() == YamlType::Bool) {
        if (matches(cond, data, depth + 1))
            collectBranch(schema["then"], data, c, FieldOrigin::Then, depth);
        else
            collectBranch(schema["else"], data, c, FieldOrigin::Else, depth);
    }
    const YamlValue all = schema["allOf"];
    for (std::uint32_t i = 0; all.isSequence() && i < all.size(); ++i)
        collectBranch(all.at(i), data, c, origin, depth);
}

// rjsf's orderProperties: the names in ui:order, '*' standing for every other property in
// declaration order; names that are no property are ignored.
std::vector<std::pair<QString, Parts>> ordered(const Collected& c)
{
    if (!c.order.isSequence())
        return c.properties;
    QStringList order;
    for (std::uint32_t i = 0; i < c.order.size(); ++i)
        order << c.order.at(i).toString();
    auto find = [&](const QString& n) {
        return std::find_if(c.properties.begin(), c.properties.end(), [&](const auto& p) { return p.first == n; });
    };
    std::vector<std::pair<QString, Parts>> head;
    std::vector<std::pair<QString, Parts>> tail;
    std::vector<std::pair<QString, Parts>>* into = &head;
    for (const QString& n : order) {
        if (n == QLatin1String("*")) {
            into = &tail;
            continue;
        }
        if (auto it = find(n); it != c.properties.end())
            into->push_back(*it);
    }
    std::vector<std::pair<QString, Parts>> rest;
    for (const auto& p : c.properties)
        if (!order.contains(p.first))
            rest.push_back(p);
    // Without '*', rjsf refuses the form; showing the unlisted properties last is the useful reading.
    std::vector<std::pair<QString, Parts>> out = head;
    out.insert(out.end(), rest.begin(), rest.end());
    out.insert(out.end(), tail.begin(), tail.end());
    return out;
}

std::vector<FormField> fieldsOf(const Collected& c, const QString& path, const QJsonObject& data, int depth)
{
    std::vector<FormField> out;
    for (const auto& [name, parts] : ordered(c))
        out.push_back(makeField(name, path, parts, c.required.contains(name), data.value(name), depth));
    return out;
}

FormField makeField(const QString& name, const QString& parentPath, const Parts& parts, bool required,
    const QJsonValue& data, int depth)
{
    FormField f;
    f.name = name;
    f.path = parentPath.isEmpty() ? name : parentPath + QLatin1Char('.') + name;
    f.required = required;
    f.origin = parts.origin;
    f.position = parts.key.position();
    for (const YamlValue& s : parts.schemas) {
        const QJsonObject o = toJson(s).toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            f.schema.insert(it.key(), it.value());
    }
    auto get = [&](std::string_view k) { return parts.get(k); };
    f.title = str(get("ui:title"));
    if (f.title.isEmpty())
        f.title = str(get("title"));
    f.description = str(get("ui:description"));
    if (f.description.isEmpty())
        f.description = str(get("description"));
    const YamlValue type = get("type");
    if (type.isSequence()) {
        // ["string", "null"]: the first non-null type is what the form edits.
        for (std::uint32_t i = 0; i < type.size(); ++i)
            if (type.at(i).toString() != QLatin1String("null") || f.typeName.isEmpty())
                f.typeName = type.at(i).toString();
    } else {
        f.typeName = str(type);
    }
    f.type = parseType(f.typeName);
    if (f.typeName.isEmpty()) {
        // rjsf guesses the type of an untyped schema from what it has (getSchemaType).
        if (get("properties").isValid())
            f.type = FieldType::Object;
        else if (get("items").isValid())
            f.type = FieldType::Array;
        else if (const YamlValue c = get("const"); c.isValid())
            f.type = c.isString()            ? FieldType::String
                : c.isNumber()               ? FieldType::Number
                : c.type() == YamlType::Bool ? FieldType::Boolean
                                             : FieldType::Unknown;
        else if (get("enum").isSequence() && get("enum").size() > 0 && get("enum").at(0).isString())
            f.type = FieldType::String;
    }
    f.enumValues = toJson(get("enum")).toArray();
    const YamlValue names = get("ui:enumNames").isValid() ? get("ui:enumNames") : get("enumNames");
    for (std::uint32_t i = 0; names.isSequence() && i < names.size(); ++i)
        f.enumNames << str(names.at(i));
    if (f.enumValues.isEmpty()) {
        // oneOf/anyOf: [{const: x, title: X}] is rjsf's labelled enum.
        const YamlValue choices = get("oneOf").isSequence() ? get("oneOf") : get("anyOf");
        bool allConst = choices.isSequence() && choices.size() > 0;
        for (std::uint32_t i = 0; allConst && i < choices.size(); ++i)
            allConst = choices.at(i)["const"].isValid();
        for (std::uint32_t i = 0; allConst && i < choices.size(); ++i) {
            f.enumValues.append(toJson(choices.at(i)["const"]));
            const QString title = str(choices.at(i)["title"]);
            f.enumNames << (title.isEmpty() ? display(toJson(choices.at(i)["const"])) : title);
        }
    }
    f.defaultValue = toJson(get("default"));
    f.constValue = toJson(get("const"));
    f.pattern = str(get("pattern"));
    f.format = str(get("format"));
    f.minLength = count(get("minLength"));
    f.maxLength = count(get("maxLength"));
    f.minimum = number(get("minimum"));
    f.maximum = number(get("maximum"));
    f.exclusiveMinimum = number(get("exclusiveMinimum"));
    f.exclusiveMaximum = number(get("exclusiveMaximum"));
    f.multipleOf = number(get("multipleOf"));
    f.minItems = count(get("minItems"));
    f.maxItems = count(get("maxItems"));
    f.uniqueItems = get("uniqueItems").toBool();
    f.widgetName = str(get("ui:widget"));
    f.widget = parseWidget(f.widgetName);
    f.fieldName = str(get("ui:field"));
    f.field = parseCustomField(f.fieldName);
    f.help = str(get("ui:help"));
    f.placeholder = str(get("ui:placeholder"));
    f.autofocus = get("ui:autofocus").toBool();
    f.disabled = get("ui:disabled").toBool();
    f.readonly = get("ui:readonly").toBool() || get("readOnly").toBool();
    f.uiOptions = toJson(get("ui:options")).toObject();
    f.uiBackstage = toJson(get("ui:backstage")).toObject();
    f.featureFlag = str(get("backstage:featureFlag"));
    if (f.featureFlag.isEmpty())
        f.featureFlag = f.uiBackstage.value(QLatin1String("featureFlag")).toString();

    if (depth > maxDepth)
        return f;
    if (const YamlValue items = get("items"); items.isMapping()) {
        Parts itemParts;
        itemParts.schemas.push_back(items);
        itemParts.key = items;
        f.items.push_back(makeField(QString(), QString(), itemParts, false, QJsonValue(), depth + 1));
    }
    if (f.type == FieldType::Object) {
        Collected nested;
        const QJsonObject values = data.toObject();
        for (const YamlValue& s : parts.schemas)
            collect(s, values, nested, FieldOrigin::Properties, depth + 1);
        f.properties = fieldsOf(nested, f.path, values, depth + 1);
    }
    return f;
}

const char* typeWord(FieldType t)
{
    switch (t) {
    case FieldType::String:
        return "a string";
    case FieldType::Number:
        return "a number";
    case FieldType::Integer:
        return "an integer";
    case FieldType::Boolean:
        return "true or false";
    case FieldType::Array:
        return "a list";
    case FieldType::Object:
        return "an object";
    case FieldType::Null:
        return "null";
    case FieldType::Unknown:
        break;
    }
    return "a value";
}

bool typeMatches(FieldType t, const QJsonValue& v)
{
    switch (t) {
    case FieldType::String:
        return v.isString();
    case FieldType::Number:
        return v.isDouble();
    case FieldType::Integer:
        return v.isDouble() && v.toDouble() == std::floor(v.toDouble()) && std::isfinite(v.toDouble());
    case FieldType::Boolean:
        return v.isBool();
    case FieldType::Array:
        return v.isArray();
    case FieldType::Object:
        return v.isObject();
    case FieldType::Null:
        return v.isNull();
    case FieldType::Unknown:
        break;
    }
    return true;
}

// JavaScript's String.length counts UTF-16 units, but ajv's minLength/maxLength count code
// points (ucs2length), so "é" and "😀" are one character each.
qint64 codePoints(const QString& s)
{
    return s.toUcs4().size();
}

QString entityNameMessage()
{
    return QStringLiteral("Must start and end with an alphanumeric character, and contain only alphanumeric "
                          "characters, hyphens, underscores, and periods. Maximum length is 63 characters.");
}

void checkRepoUrl(const FormField& f, const QString& value, const QString& path, const FormContext* context,
    QList<FieldError>& errors)
{
    const RepoUrl r = parseRepoUrlValue(value);
    auto add = [&](const char* rule, const QString& message) {
        errors << FieldError { path, QStringLiteral("RepoUrlPicker.") + QLatin1String(rule), message };
    };
    if (!r.valid) {
        add("parse", QStringLiteral("Unable to parse the Repository URL"));
        return;
    }
    if (r.host.isEmpty()) {
        add("host", QStringLiteral("Incomplete repository location provided, host not provided"));
        return;
    }
    const QString type = repoUrlHostType(r.host, context ? *context : FormContext {});
    auto need = [&](const QString& v, const char* what) {
        if (v.isEmpty())
            add(what,
                QStringLiteral("Incomplete repository location provided, %1 not provided").arg(QLatin1String(what)));
    };
    if (type == QLatin1String("bitbucketCloud")) {
        need(r.workspace, "workspace");
        need(r.project, "project");
    } else if (type == QLatin1String("bitbucketServer") || type == QLatin1String("azure")) {
        need(r.project, "project");
    } else if (type == QLatin1String("gitlab")) {
        if (r.project.isEmpty())
            need(r.owner, "owner");
    } else if (type != QLatin1String("gerrit") && type != QLatin1String("gitea")) {
        need(r.owner, "owner");
    }
    need(r.repo, "repo");
    // The picker offers only the allowed choices; a value typed or stored elsewhere must keep to them.
    auto allowed = [&](const char* option, const QString& v, const char* what) {
        const QStringList list = f.stringListOption(QLatin1String(option));
        if (!list.isEmpty() && !v.isEmpty() && !list.contains(v))
            add(what,
                QStringLiteral("%1 \"%2\" is not allowed; use %3")
                    .arg(QLatin1String(what), v, list.join(QStringLiteral(", "))));
    };
    allowed("allowedHosts", r.host, "host");
    allowed("allowedOwners", r.owner, "owner");
    allowed("allowedOrganizations", r.organization, "organization");
    allowed("allowedProjects", r.project, "project");
    allowed("allowedRepos", r.repo, "repo");
}

Catalog::EntityRef::Defaults refDefaults(const FormField& f)
{
    Catalog::EntityRef::Defaults d;
    d.kind = f.uiOptions.value(QLatin1String("defaultKind")).toString();
    if (d.kind.isEmpty() && f.allowedKinds().size() == 1)
        d.kind = f.allowedKinds().front();
    d.ns = f.uiOptions.value(QLatin1String("defaultNamespace")).toString();
    return d;
}

void checkCustom(
    const FormField& f, const QJsonValue& v, const QString& path, const FormContext* context, QList<FieldError>& errors)
{
    switch (f.field) {
    case CustomField::EntityNamePicker:
        if (v.isString() && !Catalog::FieldFormat::isValidEntityName(QStringView(v.toString())))
            errors << FieldError { path, QStringLiteral("EntityNamePicker"), entityNameMessage() };
        break;
    case CustomField::RepoUrlPicker:
        if (v.isString())
            checkRepoUrl(f, v.toString(), path, context, errors);
        break;
    case CustomField::EntityTagsPicker: {
        const QJsonArray tags = v.toArray();
        for (qsizetype i = 0; i < tags.size(); ++i)
            if (!Catalog::FieldFormat::isValidTag(QStringView(tags.at(i).toString())))
                errors << FieldError { path + QLatin1Char('.') + QString::number(i), QStringLiteral("EntityTagsPicker"),
                    QStringLiteral("\"%1\" is not a valid tag: use lowercase letters, digits and "
                                   "+ # :, separated by single dashes, at most 63 characters")
                        .arg(tags.at(i).toString()) };
        break;
    }
    case CustomField::EntityPicker:
    case CustomField::OwnerPicker:
    case CustomField::OwnedEntityPicker: {
        // Free text is fine by default (Backstage keeps what does not parse as typed). With
        // allowArbitraryValues: false only catalog entries can be chosen, so the value must be a
        // reference of an accepted kind; whether that entity exists is for the catalog to say.
        if (!v.isString() || f.uiOptions.value(QLatin1String("allowArbitraryValues")).toBool(true))
            break;
        const Catalog::EntityRefParseResult r = Catalog::EntityRef::parse(QStringView(v.toString()), refDefaults(f));
        if (!r.ref) {
            errors << FieldError { path, f.fieldName, r.error };
            break;
        }
        const QStringList kinds = f.allowedKinds();
        const bool kindOk = kinds.isEmpty() || std::any_of(kinds.begin(), kinds.end(), [&](const QString& k) {
            return k.compare(r.ref->kind, Qt::CaseInsensitive) == 0;
        });
        if (!kindOk)
            errors << FieldError { path, f.fieldName,
                QStringLiteral("must be a %1, not a %2").arg(kinds.join(QStringLiteral(" or ")), r.ref->kind) };
        break;
    }
    default:
        break;
    }
}

void checkValue(
    const FormField& f, const QJsonValue& v, const QString& path, const FormContext* context, QList<FieldError>& errors)
{
    auto add = [&](const char* rule, const QString& message) {
        errors << FieldError { path, QLatin1String(rule), message };
    };
    if (f.type != FieldType::Unknown && !typeMatches(f.type, v)) {
        add("type", QStringLiteral("must be %1").arg(QLatin1String(typeWord(f.type))));
        return;
    }
    if (!f.constValue.isUndefined() && v != f.constValue)
        add("const", QStringLiteral("must be %1").arg(display(f.constValue)));
    if (!f.enumValues.isEmpty() && !f.enumValues.contains(v)) {
        QStringList choices;
        for (const QJsonValue& e : f.enumValues)
            choices << display(e);
        add("enum", QStringLiteral("must be one of: %1").arg(choices.join(QStringLiteral(", "))));
    }
    if (v.isString()) {
        const QString s = v.toString();
        const qint64 n = codePoints(s);
        if (f.minLength && n < *f.minLength)
            add("minLength",
                *f.minLength == 1 ? QStringLiteral("at least 1 character")
                                  : QStringLiteral("at least %1 characters").arg(*f.minLength));
        if (f.maxLength && n > *f.maxLength)
            add("maxLength",
                *f.maxLength == 1 ? QStringLiteral("at most 1 character")
                                  : QStringLiteral("at most %1 characters").arg(*f.maxLength));
        if (!f.pattern.isEmpty()) {
            // ajv compiles patterns with the "u" flag and searches (no implicit anchors).
            const QRegularExpression re(f.pattern, QRegularExpression::UseUnicodePropertiesOption);
            if (re.isValid() && !re.match(s).hasMatch())
                add("pattern", QStringLiteral("must match %1").arg(f.pattern));
        }
        if (f.format == QLatin1String("email")) {
            static const QRegularExpression email(QStringLiteral("^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$"));
            if (!email.match(s).hasMatch())
                add("format", QStringLiteral("must be an email address"));
        } else if (f.format == QLatin1String("uri") || f.format == QLatin1String("url")) {
            if (!Catalog::FieldFormat::isValidUrl(QStringView(s)))
                add("format", QStringLiteral("must be an absolute URL such as https://example.com"));
        }
    }
    if (v.isDouble()) {
        const double d = v.toDouble();
        if (f.minimum && d < *f.minimum)
            add("minimum", QStringLiteral("must be at least %1").arg(jsNumber(*f.minimum)));
        if (f.maximum && d > *f.maximum)
            add("maximum", QStringLiteral("must be at most %1").arg(jsNumber(*f.maximum)));
        if (f.exclusiveMinimum && d <= *f.exclusiveMinimum)
            add("exclusiveMinimum", QStringLiteral("must be greater than %1").arg(jsNumber(*f.exclusiveMinimum)));
        if (f.exclusiveMaximum && d >= *f.exclusiveMaximum)
            add("exclusiveMaximum", QStringLiteral("must be less than %1").arg(jsNumber(*f.exclusiveMaximum)));
        if (f.multipleOf && *f.multipleOf > 0) {
            const double q = d / *f.multipleOf;
            if (std::abs(q - std::round(q)) > 1e-9)
                add("multipleOf", QStringLiteral("must be a multiple of %1").arg(jsNumber(*f.multipleOf)));
        }
    }
    if (v.isArray()) {
        const QJsonArray a = v.toArray();
        if (f.minItems && a.size() < *f.minItems)
            add("minItems",
                *f.minItems == 1 ? QStringLiteral("at least 1 item")
                                 : QStringLiteral("at least %1 items").arg(*f.minItems));
        if (f.maxItems && a.size() > *f.maxItems)
            add("maxItems",
                *f.maxItems == 1 ? QStringLiteral("at most 1 item")
                                 : QStringLiteral("at most %1 items").arg(*f.maxItems));
        if (f.uniqueItems) {
            for (qsizetype i = 1; i < a.size(); ++i)
                if (std::find(a.begin(), a.begin() + i, a.at(i)) != a.begin() + i) {
                    add("uniqueItems",
                        QStringLiteral("items must be unique (\"%1\" is there twice)").arg(display(a.at(i))));
                    break;
                }
        }
        if (!f.items.empty())
            for (qsizetype i = 0; i < a.size(); ++i)
                checkValue(f.items.front(), a.at(i), path + QLatin1Char('.') + QString::number(i), context, errors);
    }
    checkCustom(f, v, path, context, errors);
}

void validateFields(const std::vector<FormField>& fields, const QJsonObject& values, const FormContext& context,
    QList<FieldError>& errors)
{
    for (const FormField& f : fields) {
        const QJsonValue v = values.value(f.name);
        if (isMissing(v)) {
            if (f.required)
                errors << FieldError { f.path, QStringLiteral("required"), QStringLiteral("is required") };
            continue;
        }
        checkValue(f, v, f.path, &context, errors);
        if (f.type == FieldType::Object && v.isObject())
            validateFields(f.properties, v.toObject(), context, errors);
    }
}

QJsonObject toJsonObject(const QVariantMap& values)
{
    return QJsonObject::fromVariantMap(values);
}

// rjsf's mergeDefaultsWithFormData: the data wins, objects merge key by key.
QJsonValue mergeDefaults(const QJsonValue& defaults, const QJsonValue& data)
{
    if (data.isUndefined())
        return defaults;
    if (defaults.isObject() && data.isObject()) {
        QJsonObject out = defaults.toObject();
        const QJsonObject d = data.toObject();
        for (auto it = d.begin(); it != d.end(); ++it)
            out.insert(it.key(), mergeDefaults(out.value(it.key()), it.value()));
        return out;
    }
    return data;
}

QJsonObject objectDefaults(const std::vector<FormField>& fields, const QJsonObject& data);

QJsonValue fieldDefault(const FormField& f, const QJsonValue& data)
{
    if (!f.constValue.isUndefined())
        return f.constValue;
    QJsonValue d = f.defaultValue;
    if (f.type == FieldType::Object) {
        const QJsonObject nested = objectDefaults(f.properties, data.toObject());
        return d.isObject() ? mergeDefaults(nested, d) : QJsonValue(nested);
    }
    if (f.type == FieldType::Array && d.isUndefined())
        return QJsonArray();
    return d;
}

QJsonObject objectDefaults(const std::vector<FormField>& fields, const QJsonObject& data)
{
    QJsonObject out;
    for (const FormField& f : fields) {
        const QJsonValue d = fieldDefault(f, data.value(f.name));
        if (d.isUndefined())
            continue;
        // An object with nothing inside is added only when required (rjsf populateAllDefaults).
        if (d.isObject() && d.toObject().isEmpty() && !f.required && f.defaultValue.isUndefined())
            continue;
        out.insert(f.name, d);
    }
    return out;
}

std::vector<FormField> resolve(const FormPage& page, const QJsonObject& values)
{
    Collected c;
    collect(page.node.value(), values, c, FieldOrigin::Properties, 0);
    return fieldsOf(c, QString(), values, 0);
}

bool flagActive(const QString& flag, const FormContext& context)
{
    return flag.isEmpty() || context.featureFlags.contains(flag);
}

void dropInvisible(std::vector<FormField>& fields, const FormContext& context)
{
    fields.erase(std::remove_if(fields.begin(), fields.end(),
                     [&](const FormField& f) { return f.isHidden() || !flagActive(f.featureFlag, context); }),
        fields.end());
    for (FormField& f : fields)
        dropInvisible(f.properties, context);
}

// --- the page-level `if` evaluator -------------------------------------------------------------

struct Operand
{
    QJsonValue value;
    bool ok = false;
};

Operand operand(QString t, const QJsonObject& values)
{
    t = t.trimmed();
    if (t.size() >= 2 && (t.front() == QLatin1Char('\'') || t.front() == QLatin1Char('"')) && t.back() == t.front())
        return { t.mid(1, t.size() - 2), true };
    if (t == QLatin1String("true") || t == QLatin1String("false"))
        return { t == QLatin1String("true"), true };
    if (t == QLatin1String("null"))
        return { QJsonValue(QJsonValue::Null), true };
    if (t == QLatin1String("undefined"))
        return { QJsonValue(QJsonValue::Undefined), true };
    bool isNumber = false;
    const double d = t.toDouble(&isNumber);
    if (isNumber)
        return { d, true };
    static const QRegularExpression path(
        QStringLiteral("^parameters((?:\\.[A-Za-z_$][A-Za-z0-9_$]*|\\[\\s*(?:'[^']*'|\"[^\"]*\")\\s*\\])+)$"));
    const QRegularExpressionMatch m = path.match(t);
    if (!m.hasMatch())
        return {};
    static const QRegularExpression part(
        QStringLiteral("\\.([A-Za-z_$][A-Za-z0-9_$]*)|\\[\\s*(?:'([^']*)'|\"([^\"]*)\")\\s*\\]"));
    QJsonValue v = values;
    auto it = part.globalMatch(m.captured(1));
    while (it.hasNext()) {
        const QRegularExpressionMatch p = it.next();
        QString key = p.captured(1);
        if (key.isEmpty())
            key = p.captured(2).isEmpty() ? p.captured(3) : p.captured(2);
        v = v.isObject() ? v.toObject().value(key) : QJsonValue(QJsonValue::Undefined);
    }
    return { v, true };
}

bool truthy(const QJsonValue& v)
{
    switch (v.type()) {
    case QJsonValue::Bool:
        return v.toBool();
    case QJsonValue::Double:
        return v.toDouble() != 0 && !std::isnan(v.toDouble());
    case QJsonValue::String:
        return !v.toString().isEmpty();
    case QJsonValue::Array:
    case QJsonValue::Object:
        return true;
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        break;
    }
    return false;
}

std::optional<bool> term(QString t, const QJsonObject& values)
{
    t = t.trimmed();
    static const QRegularExpression cmp(QStringLiteral("^(.*?)\\s*(===|!==|==|!=)\\s*(.*)$"));
    const QRegularExpressionMatch m = cmp.match(t);
    if (m.hasMatch()) {
        const Operand a = operand(m.captured(1), values);
        const Operand b = operand(m.captured(3), values);
        if (!a.ok || !b.ok)
            return std::nullopt;
        const QString op = m.captured(2);
        bool equal = a.value == b.value;
        // Loose equality (== and !=): null and undefined are equal to each other.
        auto nullish = [](const QJsonValue& v) { return v.isNull() || v.isUndefined(); };
        if (op.size() == 2 && nullish(a.value) && nullish(b.value))
            equal = true;
        return op.startsWith(QLatin1Char('!')) ? !equal : equal;
    }
    bool negate = false;
    while (t.startsWith(QLatin1Char('!'))) {
        negate = !negate;
        t = t.mid(1).trimmed();
    }
    const Operand a = operand(t, values);
    if (!a.ok)
        return std::nullopt;
    return negate ? !truthy(a.value) : truthy(a.value);
}

} // namespace

QString fieldTypeName(FieldType t)
{
    switch (t) {
    case FieldType::String:
        return QStringLiteral("string");
    case FieldType::Number:
        return QStringLiteral("number");
    case FieldType::Integer:
        return QStringLiteral("integer");
    case FieldType::Boolean:
        return QStringLiteral("boolean");
    case FieldType::Array:
        return QStringLiteral("array");
    case FieldType::Object:
        return QStringLiteral("object");
    case FieldType::Null:
        return QStringLiteral("null");
    case FieldType::Unknown:
        break;
    }
    return QString();
}

QString widgetName(Widget w)
{
    for (const WidgetName& n : widgetNames)
        if (n.widget == w)
            return QLatin1String(n.name);
    return QString();
}

QString customFieldName(CustomField f)
{
    for (const CustomFieldName& n : customFieldNames)
        if (n.field == f)
            return QLatin1String(n.name);
    return QString();
}

bool FormField::isMultiSelect() const
{
    return type == FieldType::Array && !items.empty() && !items.front().enumValues.isEmpty();
}

QStringList FormField::stringListOption(const QString& key) const
{
    QStringList out;
    const QJsonValue v = uiOptions.value(key);
    if (v.isString())
        out << v.toString();
    for (const QJsonValue& e : v.toArray())
        out << e.toString();
    return out;
}

QJsonArray FormField::catalogFilter() const
{
    const QJsonValue v = uiOptions.value(QLatin1String("catalogFilter"));
    if (v.isArray())
        return v.toArray();
    if (v.isObject())
        return QJsonArray { v };
    return QJsonArray();
}

QStringList FormField::allowedKinds() const
{
    QStringList kinds = stringListOption(QStringLiteral("allowedKinds"));
    if (!kinds.isEmpty())
        return kinds;
    for (const QJsonValue& filter : catalogFilter()) {
        const QJsonValue k = filter.toObject().value(QLatin1String("kind"));
        if (k.isString())
            kinds << k.toString();
        for (const QJsonValue& e : k.toArray())
            kinds << e.toString();
    }
    if (kinds.isEmpty() && field == CustomField::OwnerPicker)
        kinds << QStringLiteral("Group") << QStringLiteral("User");
    return kinds;
}

QString FormField::enumLabel(const QJsonValue& value) const
{
    const qsizetype i = enumValues.toVariantList().indexOf(value.toVariant());
    if (i >= 0 && i < enumNames.size())
        return enumNames.at(i);
    return display(value);
}

FormPage formPage(const ParameterPage& page)
{
    FormPage p;
    p.title = page.displayTitle();
    p.description = page.description;
    p.condition = page.condition;
    p.featureFlag = page.featureFlag;
    p.schema = page.schema;
    p.node = page.node;
    p.fields = resolve(p, withDefaults(p));
    return p;
}

QList<FormPage> formPages(const Template& t)
{
    QList<FormPage> out;
    for (const ParameterPage& p : t.pages)
        out << formPage(p);
    return out;
}

std::vector<FormField> activeFields(const FormPage& page, const QJsonObject& values, const FormContext&)
{
    return resolve(page, values);
}

std::vector<FormField> visibleFields(const FormPage& page, const QJsonObject& values, const FormContext& context)
{
    std::vector<FormField> fields = resolve(page, values);
    dropInvisible(fields, context);
    return fields;
}

std::vector<FormField> visibleFields(const FormPage& page, const QVariantMap& values, const FormContext& context)
{
    return visibleFields(page, toJsonObject(values), context);
}

QStringList visibleFieldNames(const FormPage& page, const QJsonObject& values, const FormContext& context)
{
    QStringList out;
    for (const FormField& f : visibleFields(page, values, context))
        out << f.name;
    return out;
}

std::optional<bool> evaluatePageCondition(const QString& expression, const QJsonObject& values)
{
    QString e = expression.trimmed();
    if (e.startsWith(QLatin1String("${{")) && e.endsWith(QLatin1String("}}")))
        e = e.mid(3, e.size() - 5).trimmed();
    if (e.isEmpty())
        return std::nullopt;
    // No parentheses: && binds tighter than ||, as in JavaScript.
    bool any = false;
    for (const QString& alternative : e.split(QStringLiteral("||"))) {
        bool all = true;
        for (const QString& t : alternative.split(QStringLiteral("&&"))) {
            const std::optional<bool> r = term(t, values);
            if (!r)
                return std::nullopt;
            all = all && *r;
        }
        any = any || all;
    }
    return any;
}

bool isPageVisible(const FormPage& page, const QJsonObject& values, const FormContext& context)
{
    if (!flagActive(page.featureFlag, context))
        return false;
    if (page.condition.isEmpty())
        return true;
    const std::optional<bool> r
        = context.evaluate ? context.evaluate(page.condition, values) : evaluatePageCondition(page.condition, values);
    return r.value_or(true);
}

QJsonObject withDefaults(const FormPage& page, const QJsonObject& values)
{
    // Dependencies are resolved on the defaults merged with the data (rjsf computeDefaults), so a
    // default that triggers a branch brings that branch's defaults too.
    const QJsonObject first = mergeDefaults(objectDefaults(resolve(page, values), values), values).toObject();
    return mergeDefaults(objectDefaults(resolve(page, first), first), values).toObject();
}

QList<FieldError> validatePage(const FormPage& page, const QJsonObject& values, const FormContext& context)
{
    QList<FieldError> errors;
    std::vector<FormField> fields = resolve(page, values);
    // Fields behind an inactive feature flag cannot be filled, so they cannot be wrong.
    fields.erase(std::remove_if(fields.begin(), fields.end(),
                     [&](const FormField& f) { return !flagActive(f.featureFlag, context); }),
        fields.end());
    validateFields(fields, values, context, errors);
    return errors;
}

QList<FieldError> validatePage(const FormPage& page, const QVariantMap& values, const FormContext& context)
{
    return validatePage(page, toJsonObject(values), context);
}

QList<FieldError> validateForm(const QList<FormPage>& pages, const QJsonObject& values, const FormContext& context)
{
    QList<FieldError> errors;
    for (const FormPage& p : pages)
        if (isPageVisible(p, values, context))
            errors += validatePage(p, values, context);
    return errors;
}

QString entityPickerValue(const FormField& field, const QString& text)
{
    const Catalog::EntityRefParseResult r = Catalog::EntityRef::parse(QStringView(text), refDefaults(field));
    return r.ref ? r.ref->key() : text;
}

QString entityNamePickerMessage()
{
    return entityNameMessage();
}

RepoUrl parseRepoUrlValue(const QString& value)
{
    RepoUrl r;
    const QUrl url(QStringLiteral("https://") + value, QUrl::StrictMode);
    if (!url.isValid())
        return r;
    r.valid = true;
    r.host = url.host();
    const QUrlQuery q(url);
    r.owner = q.queryItemValue(QStringLiteral("owner"), QUrl::FullyDecoded);
    r.repo = q.queryItemValue(QStringLiteral("repo"), QUrl::FullyDecoded);
    r.organization = q.queryItemValue(QStringLiteral("organization"), QUrl::FullyDecoded);
    r.workspace = q.queryItemValue(QStringLiteral("workspace"), QUrl::FullyDecoded);
    r.project = q.queryItemValue(QStringLiteral("project"), QUrl::FullyDecoded);
    return r;
}

QString repoUrlHostType(const QString& host, const FormContext& context)
{
    if (const auto it = context.hostTypes.constFind(host); it != context.hostTypes.constEnd())
        return it.value();
    const QString h = host.toLower();
    if (h == QLatin1String("bitbucket.org"))
        return QStringLiteral("bitbucketCloud");
    if (h.contains(QLatin1String("bitbucket")))
        return QStringLiteral("bitbucketServer");
    if (h.contains(QLatin1String("gitlab")))
        return QStringLiteral("gitlab");
    if (h == QLatin1String("dev.azure.com") || h.endsWith(QLatin1String(".visualstudio.com")))
        return QStringLiteral("azure");
    if (h.contains(QLatin1String("gitea")))
        return QStringLiteral("gitea");
    if (h.contains(QLatin1String("gerrit")))
        return QStringLiteral("gerrit");
    return QStringLiteral("github");
}

// --- schema checks ------------------------------------------------------------------------------

namespace {

struct SchemaChecker
{
    QString file;
    QString entity;
    Diagnostics& out;

    void add(Severity severity, const char* code, YamlValue at, const QString& field, const QString& message,
        const QString& hint)
    {
        Diagnostic d;
        d.severity = severity;
        d.file = file;
        d.line = at.position().line;
        d.column = at.position().column;
        d.entity = entity;
        d.field = field;
        d.message = message;
        d.hint = hint;
        d.code = QLatin1String(code);
        out << d;
    }

    // Every property name the object schema can show, in any branch.
    static void allProperties(YamlValue s, QSet<QString>& names, int depth)
    {
        if (!s.isMapping() || depth > maxDepth)
            return;
        const YamlValue props = s["properties"];
        for (std::uint32_t i = 0; props.isMapping() && i < props.size(); ++i)
            names.insert(props.keyAt(i).toString());
        const YamlValue deps = s["dependencies"];
        for (std::uint32_t i = 0; deps.isMapping() && i < deps.size(); ++i) {
            allProperties(deps.valueAt(i), names, depth + 1);
            const YamlValue oneOf = deps.valueAt(i)["oneOf"];
            for (std::uint32_t n = 0; oneOf.isSequence() && n < oneOf.size(); ++n)
                allProperties(oneOf.at(n), names, depth + 1);
        }
        allProperties(s["then"], names, depth + 1);
        allProperties(s["else"], names, depth + 1);
        for (const char* k : { "allOf", "anyOf", "oneOf" }) {
            const YamlValue list = s[k];
            for (std::uint32_t i = 0; list.isSequence() && i < list.size(); ++i)
                allProperties(list.at(i), names, depth + 1);
        }
    }

    void object(YamlValue s, const QString& field, int depth)
    {
        if (!s.isMapping() || depth > maxDepth)
            return;
        const YamlValue props = s["properties"];
        if (props.isValid() && !props.isMapping() && !props.isNull()) {
            add(Severity::Error, "form-schema", props, field + QStringLiteral(".properties"),
                QStringLiteral("properties is a %1, not an object").arg(QLatin1String(props.jsonTypeName())),
                QStringLiteral("List the fields as a mapping: properties: {name: {type: string, title: Name}}."));
        }
        for (std::uint32_t i = 0; props.isMapping() && i < props.size(); ++i)
            property(props.keyAt(i), props.valueAt(i),
                field + QStringLiteral(".properties.") + props.keyAt(i).toString(), depth + 1);
        QSet<QString> names;
        allProperties(s, names, depth);
        const YamlValue req = s["required"];
        if (req.isValid() && !req.isSequence()) {
            add(Severity::Error, "form-required", req, field + QStringLiteral(".required"),
                QStringLiteral("required is a %1, not a list of property names").arg(QLatin1String(req.jsonTypeName())),
                QStringLiteral("Write required: [name, owner] on the object that has the properties (a property "
                               "cannot say required: true in JSON Schema)."));
        }
        for (std::uint32_t i = 0; req.isSequence() && i < req.size(); ++i) {
            const QString name = req.at(i).toString();
            if (!names.contains(name)) {
                // The server validates the values against the page: a required property the form never
                // shows makes every run fail with a 400.
                add(Severity::Error, "form-required", req.at(i), field + QStringLiteral(".required.%1").arg(i),
                    QStringLiteral("\"%1\" is required but there is no such property").arg(name),
                    QStringLiteral("Add a property %1 under properties, or remove it from required.").arg(name));
            }
        }
        if (const YamlValue order = s["ui:order"]; order.isSequence()) {
            QStringList listed;
            bool star = false;
            for (std::uint32_t i = 0; i < order.size(); ++i) {
                const QString n = order.at(i).toString();
                star = star || n == QLatin1String("*");
                listed << n;
                if (n != QLatin1String("*") && !names.contains(n))
                    add(Severity::Warning, "form-order", order.at(i), field + QStringLiteral(".ui:order.%1").arg(i),
                        QStringLiteral("ui:order names \"%1\", which is no property").arg(n),
                        QStringLiteral("Remove it from ui:order or fix its spelling."));
            }
            QStringList missing;
            for (std::uint32_t i = 0; props.isMapping() && i < props.size(); ++i)
                if (!listed.contains(props.keyAt(i).toString()))
                    missing << props.keyAt(i).toString();
            if (!star && !missing.isEmpty())
                add(Severity::Error, "form-order", order, field + QStringLiteral(".ui:order"),
                    QStringLiteral("ui:order does not list %1 and has no '*'").arg(missing.join(QStringLiteral(", "))),
                    QStringLiteral("Backstage's form refuses to render such a page: add the missing names, or '*' "
                                   "where the remaining fields go."));
        }
        const YamlValue deps = s["dependencies"];
        for (std::uint32_t i = 0; deps.isMapping() && i < deps.size(); ++i) {
            const QString trigger = deps.keyAt(i).toString();
            const QString depField = field + QStringLiteral(".dependencies.") + trigger;
            if (!names.contains(trigger))
                add(Severity::Warning, "form-dependencies", deps.keyAt(i), depField,
                    QStringLiteral("dependencies names \"%1\", which is no property").arg(trigger),
                    QStringLiteral("A dependency applies once its property has a value; name an existing property."));
            const YamlValue dep = deps.valueAt(i);
            object(dep, depField, depth + 1);
            const YamlValue oneOf = dep["oneOf"];
            for (std::uint32_t n = 0; oneOf.isSequence() && n < oneOf.size(); ++n) {
                const QString branchField = depField + QStringLiteral(".oneOf.%1").arg(n);
                if (!oneOf.at(n)["properties"][std::string_view(trigger.toStdString())].isValid())
                    add(Severity::Warning, "form-dependencies", oneOf.at(n), branchField,
                        QStringLiteral("This oneOf branch does not say which value of \"%1\" selects it").arg(trigger),
                        QStringLiteral("Add properties: {%1: {const: <value>}} (or enum: [...]) to the branch; without "
                                       "it the branch is never shown.")
                            .arg(trigger));
                object(oneOf.at(n), branchField, depth + 1);
            }
        }
        object(s["then"], field + QStringLiteral(".then"), depth + 1);
        object(s["else"], field + QStringLiteral(".else"), depth + 1);
        const YamlValue all = s["allOf"];
        for (std::uint32_t i = 0; all.isSequence() && i < all.size(); ++i)
            object(all.at(i), field + QStringLiteral(".allOf.%1").arg(i), depth + 1);
        if (s["$ref"].isValid())
            add(Severity::Warning, "form-ref", s["$ref"], field + QStringLiteral(".$ref"),
                QStringLiteral("$ref is not resolved by Flightdeck's form"),
                QStringLiteral("Write the referenced schema inline."));
    }

    void property(YamlValue key, YamlValue s, const QString& field, int depth)
    {
        if (!s.isMapping()) {
            add(Severity::Error, "form-schema", s.isValid() ? s : key, field,
                QStringLiteral("The schema of property \"%1\" is a %2, not an object")
                    .arg(key.toString(), QLatin1String(s.jsonTypeName())),
                QStringLiteral("Describe the property as a mapping, e.g. %1: {type: string, title: %1}.")
                    .arg(key.toString()));
            return;
        }
        const YamlValue type = s["type"];
        QStringList types;
        if (type.isSequence())
            for (std::uint32_t i = 0; i < type.size(); ++i)
                types << type.at(i).toString();
        else if (type.isValid())
            types << (type.isString() ? type.toString() : QString::fromStdString(type.scalarAsString()));
        for (const QString& t : types)
            if (parseType(t) == FieldType::Unknown)
                add(Severity::Error, "form-type", type, field + QStringLiteral(".type"),
                    QStringLiteral("\"%1\" is not a JSON Schema type").arg(t),
                    QStringLiteral("Use one of string, number, integer, boolean, array, object, null."));
        const FieldType ft = types.isEmpty() ? FieldType::Unknown : parseType(types.front());
        if (const YamlValue p = s["pattern"]; p.isValid()) {
            const QRegularExpression re(p.toString());
            if (!p.isString() || !re.isValid())
                add(Severity::Error, "form-pattern", p, field + QStringLiteral(".pattern"),
                    QStringLiteral("pattern %1 is not a valid regular expression%2")
                        .arg(QString::fromStdString(p.scalarAsString()),
                            re.isValid() ? QString() : QStringLiteral(": ") + re.errorString()),
                    QStringLiteral("Write a JavaScript regular expression as a string, e.g. pattern: '^[a-z0-9-]+$' "
                                   "(quote it so YAML keeps it as written)."));
        }
        auto pair = [&](const char* lo, const char* hi) {
            const YamlValue a = s[lo];
            const YamlValue b = s[hi];
            if (a.isNumber() && b.isNumber() && toJson(a).toDouble() > toJson(b).toDouble())
                add(Severity::Error, "form-range", a, field + QLatin1Char('.') + QLatin1String(lo),
                    QStringLiteral("%1 (%2) is larger than %3 (%4): no value can be valid")
                        .arg(QLatin1String(lo), display(toJson(a)), QLatin1String(hi), display(toJson(b))),
                    QStringLiteral("Swap or correct the bounds."));
        };
        pair("minLength", "maxLength");
        pair("minimum", "maximum");
        pair("minItems", "maxItems");
        const YamlValue en = s["enum"];
        const YamlValue names = s["enumNames"];
        if (en.isSequence() && names.isSequence() && en.size() != names.size())
            add(Severity::Warning, "form-enum", names, field + QStringLiteral(".enumNames"),
                QStringLiteral("enumNames has %1 labels for %2 enum values").arg(names.size()).arg(en.size()),
                QStringLiteral("Give one label per value, in the same order."));
        if (const YamlValue d = s["default"]; d.isValid() && !d.isNull()) {
            Parts parts;
            parts.schemas.push_back(s);
            FormField f = makeField(key.toString(), QString(), parts, false, QJsonValue(), depth + 1);
            f.field = CustomField::None; // a default need not pass the picker's own checks
            QList<FieldError> errors;
            checkValue(f, toJson(d), QString(), nullptr, errors);
            if (!errors.isEmpty())
                add(Severity::Warning, "form-default", d, field + QStringLiteral(".default"),
                    QStringLiteral("The default %1 %2").arg(display(toJson(d)), errors.front().message),
                    QStringLiteral("Change the default so that the form starts valid."));
        }
        const YamlValue widget = s["ui:widget"];
        if (widget.isValid() && parseWidget(widget.toString()) == Widget::Other)
            add(Severity::Warning, "form-widget", widget, field + QStringLiteral(".ui:widget"),
                QStringLiteral("ui:widget \"%1\" is not a widget Backstage's form knows").arg(widget.toString()),
                QStringLiteral("Use text, textarea, password, radio, select, checkboxes, hidden, email, uri, updown, "
                               "range, date or color; Flightdeck shows a text box."));
        const YamlValue uiField = s["ui:field"];
        if (uiField.isValid() && parseCustomField(uiField.toString()) == CustomField::Other)
            add(Severity::Warning, "form-field", uiField, field + QStringLiteral(".ui:field"),
                QStringLiteral("ui:field \"%1\" is not one of Backstage's built-in field extensions")
                    .arg(uiField.toString()),
                QStringLiteral("It must be installed in the Backstage app that runs this template; Flightdeck shows "
                               "a plain input for it."));
        const YamlValue filter = s["ui:options"]["catalogFilter"];
        if (filter.isValid() && !filter.isMapping() && !filter.isSequence())
            add(Severity::Error, "form-options", filter, field + QStringLiteral(".ui:options.catalogFilter"),
                QStringLiteral("catalogFilter is a %1; it must be an object or a list of objects")
                    .arg(QLatin1String(filter.jsonTypeName())),
                QStringLiteral("Write catalogFilter: {kind: [Group, User]} or a list of such filters."));
        if (ft == FieldType::Object || s["properties"].isValid())
            object(s, field, depth + 1);
        if (const YamlValue items = s["items"]; items.isMapping()) {
            if (items["properties"].isValid())
                object(items, field + QStringLiteral(".items"), depth + 1);
            else
                property(key, items, field + QStringLiteral(".items"), depth + 1);
        }
    }
};

} // namespace

void checkFormSchema(const ParameterPage& page, const QString& file, const QString& entity, Diagnostics& out)
{
    SchemaChecker checker { file, entity, out };
    checker.object(page.node.value(), page.field, 0);
}

} // namespace Flightdeck::Scaffolder
