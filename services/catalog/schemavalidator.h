// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "yamldocument.h"

#include <QString>
#include <QStringList>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

class QRegularExpression;

namespace Flightdeck::Catalog::Schema {

// A small JSON Schema (draft-07) engine for the schemas Backstage validates entities with. It
// reads YAML trees directly and words its errors exactly as ajv 8 does, so a diagnostic can quote
// the message Backstage would give.
//
// Keywords: type, enum, const, required, properties, patternProperties, additionalProperties,
// items (one schema), minLength, maxLength, pattern, minItems, maxItems, allOf, anyOf, oneOf, $ref
// (to a schema $id, or to a "#name" $id inside one). Annotations kept for messages: description,
// examples, deprecated. Any other keyword is reported in Registry::problems().

enum class Keyword : std::uint8_t
{
    Type,
    Enum,
    Const,
    Required,
    AdditionalProperties,
    MinLength,
    MaxLength,
    Pattern,
    MinItems,
    MaxItems,
    AnyOf,
    OneOf,
};

// A JSON literal of an enum or const.
struct Literal
{
    enum class Kind : std::uint8_t { Null, Bool, Number, String, Other } kind = Kind::Null;
    bool boolean = false;
    double number = 0;
    std::string text; // strings; numbers and the rest as JavaScript prints them
};

struct Node;

struct Property
{
    std::string name;
    const Node* schema = nullptr;
};

struct Pattern
{
    enum class Kind : std::uint8_t { None, AnyLine, Word, Regex } kind = Kind::None;
    std::string source;
    std::shared_ptr<QRegularExpression> regex; // Kind::Regex only
    bool matches(std::string_view utf8) const;
};

struct PatternProperty
{
    Pattern pattern;
    const Node* schema = nullptr;
};

// One compiled (sub)schema. Read-only once the registry is built.
struct Node
{
    enum TypeBit : std::uint8_t
    {
        NullType = 1,
        BooleanType = 2,
        IntegerType = 4,
        NumberType = 8,
        StringType = 16,
        ArrayType = 32,
        ObjectType = 64,
    };
    std::uint8_t types = 0; // 0: the schema has no "type"
    bool unionType = false; // "type" is an array
    bool typeUpfront = true; // ajv reports a wrong type before the other keywords
    std::string typeText; // "string", or "string,boolean" for a union
    bool hasEnum = false;
    std::vector<Literal> enumValues;
    bool hasConst = false;
    Literal constValue;
    std::vector<std::string> required;
    std::vector<Property> properties;
    std::vector<PatternProperty> patternProperties;
    enum class Additional : std::uint8_t { Allowed, Forbidden, Schema } additional = Additional::Allowed;
    const Node* additionalSchema = nullptr;
    const Node* items = nullptr;
    int minLength = -1;
    int maxLength = -1;
    int minItems = -1;
    int maxItems = -1;
    Pattern pattern;
    std::vector<const Node*> allOf;
    std::vector<const Node*> anyOf;
    std::vector<const Node*> oneOf;
    const Node* ref = nullptr;
    std::string refText;

    std::string id; // "$id", when the schema declares one
    bool deprecated = false;
    QString description;
    QStringList examples; // string examples only

    const Node* property(std::string_view name) const;
    // Follows $ref and allOf to the property's schema, for messages about a property.
    const Node* findProperty(std::string_view name) const;
    bool hasTypeRules(std::uint8_t typeBit) const;
};

// One failed keyword, with the words ajv uses and the places a diagnostic needs.
struct Error
{
    Keyword keyword = Keyword::Type;
    const Node* schema = nullptr; // the schema whose keyword failed
    YamlDocument::Index node = YamlDocument::npos; // the value the keyword applies to
    YamlDocument::Index keyNode = YamlDocument::npos; // its key in the parent mapping (npos: root or list item)
    YamlDocument::Index propertyKeyNode = YamlDocument::npos; // AdditionalProperties: the extra key
    std::string pointer; // ajv's instancePath: "/spec/owner", "" for the root
    QString path; // the same, dotted: "spec.owner"
    std::string property; // Required: the missing name; AdditionalProperties: the extra name
    std::string message; // ajv's message: "must have required property 'owner'"
    std::string params; // ajv's params as Backstage prints them: "missingProperty: owner"
    bool hasParams = true;
    std::string firstBranchError; // OneOf/AnyOf with no match: ajv's first error inside the first branch

    // "<pointer or <root>> <message>", plus " - <params>" when withParams: Backstage's two formats.
    QString ajvText(bool withParams) const;
};

// The embedded Backstage schemas, compiled once and shared read-only by every thread.
class Registry
{
public:
    static const Registry& instance();

    // By $id: "EntityEnvelope", "Entity", "EntityMeta", "common", "ComponentV1alpha1", "TemplateV1beta3", ...
    const Node* schema(std::string_view id) const;
    // The embedded file texts by file name, e.g. "Entity.schema.json".
    std::vector<std::pair<QString, QByteArray>> files() const;
    // Problems met while compiling: unknown keywords, unresolved $refs, unreadable files. Empty when all is well.
    const QStringList& problems() const { return m_problems; }

    Registry(const Registry&) = delete;
    Registry& operator=(const Registry&) = delete;
    ~Registry();

private:
    Registry();
    struct Private;
    std::unique_ptr<Private> d;
    QStringList m_problems;
};

// Validates value against schema and appends every failure (ajv with allErrors), in ajv's order.
// Returns true when the value is valid. Allocates nothing when the value is valid. A subschema
// equal to assumeValid is taken as passed: a caller that has checked it already saves the work.
bool validate(const Node* schema, YamlValue value, std::vector<Error>& errors, const Node* assumeValid = nullptr);

// True when value is valid; stops at the first failure and records nothing.
bool isValid(const Node* schema, YamlValue value);

// "/a/b~1c" from segments, as JSON Pointer escapes them.
void appendPointerSegment(std::string& pointer, std::string_view segment);

} // namespace Flightdeck::Catalog::Schema
