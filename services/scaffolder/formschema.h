// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "template.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>
#include <QVariantMap>

#include <functional>
#include <optional>
#include <vector>

namespace Flightdeck::Scaffolder {

// What a parameter page (a JSON Schema draft-07 object with rjsf `ui:*` keys, SPEC B2) asks for,
// in a form a wizard can draw without knowing JSON Schema, and the rules the answers must meet.

enum class FieldType
{
    String,
    Number,
    Integer,
    Boolean,
    Array,
    Object,
    Null,
    Unknown
};

// ui:widget. Other is a widget name Flightdeck does not know (kept in FormField::widgetName).
enum class Widget
{
    Default,
    Text,
    TextArea,
    Password,
    Radio,
    Select,
    Checkboxes,
    Hidden,
    Email,
    Uri,
    UpDown,
    Range,
    Date,
    DateTime,
    Time,
    Color,
    File,
    Other
};

// ui:field: Backstage's built-in field extensions. Other is an installation's own extension.
enum class CustomField
{
    None,
    EntityPicker,
    OwnerPicker,
    OwnedEntityPicker,
    MultiEntityPicker,
    MyGroupsPicker,
    EntityNamePicker,
    EntityTagsPicker,
    RepoUrlPicker,
    RepoBranchPicker,
    RepoOwnerPicker,
    Secret,
    AccordionField,
    Other
};

QString fieldTypeName(FieldType t); // "string"
QString widgetName(Widget w); // "textarea"; "" for Default
QString customFieldName(CustomField f); // "EntityPicker"; "" for None

// Where a field came from: the page's own properties, or a conditional branch.
enum class FieldOrigin
{
    Properties,
    Dependency,
    Then,
    Else
};

struct FormField
{
    QString name; // property name
    QString path; // dotted path from the page root: "advanced_section.replicas"
    QString title; // schema title (or ui:title), may be empty
    QString description; // schema description (or ui:description)
    FieldType type = FieldType::Unknown;
    QString typeName; // as written ("string"); empty when the schema has no type
    QJsonArray enumValues; // enum, or the consts of oneOf/anyOf [{const, title}]
    QStringList enumNames; // enumNames / ui:enumNames, or the titles of oneOf choices
    QJsonValue defaultValue; // Undefined when the schema has no default
    QJsonValue constValue; // Undefined when no const
    bool required = false;
    QString pattern;
    QString format;
    std::optional<qint64> minLength;
    std::optional<qint64> maxLength;
    std::optional<double> minimum;
    std::optional<double> maximum;
    std::optional<double> exclusiveMinimum;
    std::optional<double> exclusiveMaximum;
    std::optional<double> multipleOf;
    std::optional<qint64> minItems;
    std::optional<qint64> maxItems;
    bool uniqueItems = false;
    std::vector<FormField> items; // arrays: the item schema (0 or 1 entry)
    std::vector<FormField> properties; // objects: nested fields, ordered, conditions applied
    Widget widget = Widget::Default;
    QString widgetName; // as written
    CustomField field = CustomField::None;
    QString fieldName; // as written
    QString help;
    QString placeholder;
    bool autofocus = false;
    bool disabled = false;
    bool readonly = false;
    QString featureFlag; // backstage:featureFlag or ui:backstage.featureFlag
    QJsonObject uiOptions; // ui:options as written (catalogFilter, allowedHosts, rows …)
    QJsonObject uiBackstage; // ui:backstage (review options)
    QJsonObject schema; // the property's schema as written
    FieldOrigin origin = FieldOrigin::Properties;
    TextPosition position; // of the property's key, when read from a template file

    QString label() const { return title.isEmpty() ? name : title; }
    bool isHidden() const { return widget == Widget::Hidden; }
    // An array of strings whose items have an enum: a multi-select (checkboxes or a list).
    bool isMultiSelect() const;
    // The picker's accepted kinds: ui:options.allowedKinds, else catalogFilter's kind values, else
    // OwnerPicker's default [Group, User].
    QStringList allowedKinds() const;
    // ui:options.catalogFilter normalised to a list of filter objects (a single object becomes one).
    QJsonArray catalogFilter() const;
    QStringList stringListOption(const QString& key) const; // ui:options.<key> as strings
    // The label enumNames gives a value ("Light" for "light"), or the value itself.
    QString enumLabel(const QJsonValue& value) const;
};

struct FormPage
{
    QString title; // displayTitle() of the parameter page
    QString description;
    QString condition; // page-level `if`, as written
    QString featureFlag;
    QJsonObject schema; // the page schema
    YamlRef node; // the page in the template, for positions (may be invalid)
    std::vector<FormField> fields; // the page as it starts: conditions resolved against no values
};

// Options of the environment the form runs in.
struct FormContext
{
    QStringList featureFlags; // active flags; fields and pages behind other flags are hidden
    QHash<QString, QString> hostTypes; // SCM host -> "github", "gitlab", "bitbucketCloud", "bitbucketServer",
                                       // "azure", "gitea", "gerrit" (otherwise guessed from the host name)
    // Evaluates a page-level `if` expression ("${{ parameters.x === 'y' }}") against the values.
    // Unset: a built-in evaluator for the simple forms real templates use (see evaluatePageCondition).
    std::function<std::optional<bool>(const QString& expression, const QJsonObject& values)> evaluate;
};

FormPage formPage(const ParameterPage& page);
QList<FormPage> formPages(const Template& t);

// The fields of the page given the current values: `dependencies` (property and schema dependencies,
// oneOf branches chosen by their const/enum discriminator), `if`/`then`/`else` and `allOf` resolved as
// rjsf does, ordered by ui:order ('*' for the rest), nested objects resolved with their own values.
// activeFields keeps ui:widget hidden fields (they carry values); visibleFields drops them and
// fields behind an inactive feature flag.
std::vector<FormField> activeFields(const FormPage& page, const QJsonObject& values, const FormContext& context = {});
std::vector<FormField> visibleFields(const FormPage& page, const QJsonObject& values, const FormContext& context = {});
std::vector<FormField> visibleFields(const FormPage& page, const QVariantMap& values, const FormContext& context = {});
QStringList visibleFieldNames(const FormPage& page, const QJsonObject& values, const FormContext& context = {});

// Whether a page is shown now: its feature flag is active and its `if` (when any) is true. An `if`
// the evaluator cannot decide shows the page.
bool isPageVisible(const FormPage& page, const QJsonObject& values, const FormContext& context = {});
// The built-in evaluator: `${{ parameters.x }}`, `${{ !parameters.x }}`, `${{ parameters.x === 'v' }}`
// (also ==, !==, != against strings, numbers, booleans and null), `true`/`false`, joined by && or ||.
std::optional<bool> evaluatePageCondition(const QString& expression, const QJsonObject& values);

// The values rjsf starts a page with (getDefaultFormState, v5 defaults): `default`s, `const`s, []
// for arrays, nested objects that have a default inside or are required; then the given values on top.
QJsonObject withDefaults(const FormPage& page, const QJsonObject& values = {});

struct FieldError
{
    QString path; // dotted field path, "" for the page itself
    QString rule; // "required", "pattern", "minLength", "EntityNamePicker", "RepoUrlPicker.owner" …
    QString message; // for people: "is required", "must match ^[a-z0-9-]+$", "at least 3 characters"
    friend bool operator==(const FieldError&, const FieldError&) = default;
};

// Validates the values of one page against its active fields, as the wizard does while the user
// types: JSON Schema keywords plus the client rules of the custom fields.
QList<FieldError> validatePage(const FormPage& page, const QJsonObject& values, const FormContext& context = {});
QList<FieldError> validatePage(const FormPage& page, const QVariantMap& values, const FormContext& context = {});
// Every visible page against the merged values.
QList<FieldError> validateForm(
    const QList<FormPage>& pages, const QJsonObject& values, const FormContext& context = {});

// What EntityPicker, OwnerPicker and OwnedEntityPicker store for typed text: the full lowercase
// ref, parsed with ui:options defaultKind (or the only allowed kind) and defaultNamespace; text that
// does not parse is kept as typed.
QString entityPickerValue(const FormField& field, const QString& text);

// The ObjectName rule EntityNamePicker checks, and its message.
QString entityNamePickerMessage();

// A RepoUrlPicker value: "github.com?owner=o&repo=r".
struct RepoUrl
{
    QString host;
    QString owner;
    QString repo;
    QString organization;
    QString workspace;
    QString project;
    bool valid = false;
};
RepoUrl parseRepoUrlValue(const QString& value);
QString repoUrlHostType(const QString& host, const FormContext& context = {});

// Problems in a page's schema that would break or mislead the form (unknown types, bad patterns,
// required names no property has, enumNames of the wrong length, ui:order gaps, unknown widgets).
// Appended to out with the file, line and column of the offending key.
void checkFormSchema(const ParameterPage& page, const QString& file, const QString& entity, Diagnostics& out);

} // namespace Flightdeck::Scaffolder
