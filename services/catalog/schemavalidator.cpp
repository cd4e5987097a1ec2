// SPDX-License-Identifier: Apache-2.0
#include "schemavalidator.h"

#include <QRegularExpression>

#include <algorithm>
#include <cmath>
#include <deque>
#include <unordered_map>

#ifdef FLIGHTDECK_EMBEDDED_SCHEMAS
#include "catalog/embeddedschemas.h"
#endif

namespace Flightdeck::Catalog::Schema {

namespace {

std::uint8_t typeBit(const QString& name)
{
    if (name == u"null")
        return Node::NullType;
    if (name == u"boolean")
        return Node::BooleanType;
    if (name == u"integer")
        return Node::IntegerType;
    if (name == u"number")
        return Node::NumberType | Node::IntegerType;
    if (name == u"string")
        return Node::StringType;
    if (name == u"array")
        return Node::ArrayType;
    if (name == u"object")
        return Node::ObjectType;
    return 0;
}

std::uint8_t dataTypeBit(const YamlDocument& doc, YamlDocument::Index i)
{
    const YamlDocument::Node& n = doc.node(i);
    switch (n.type) {
    case YamlType::Null:
        return Node::NullType;
    case YamlType::Bool:
        return Node::BooleanType;
    case YamlType::Int:
        return Node::IntegerType | Node::NumberType;
    case YamlType::Float:
        return std::isfinite(n.number.real) && n.number.real == std::floor(n.number.real)
            ? std::uint8_t(Node::IntegerType | Node::NumberType)
            : std::uint8_t(Node::NumberType);
    case YamlType::String:
        return Node::StringType;
    case YamlType::Sequence:
        return Node::ArrayType;
    case YamlType::Mapping:
        return Node::ObjectType;
    }
    return 0;
}

Literal literalFrom(YamlValue v)
{
    Literal l;
    switch (v.type()) {
    case YamlType::Null:
        l.kind = Literal::Kind::Null;
        break;
    case YamlType::Bool:
        l.kind = Literal::Kind::Bool;
        l.boolean = v.toBool();
        l.text = l.boolean ? "true" : "false";
        break;
    case YamlType::Int:
    case YamlType::Float:
        l.kind = Literal::Kind::Number;
        l.number = v.type() == YamlType::Int ? double(v.document()->node(v.index()).number.integer)
                                             : v.document()->node(v.index()).number.real;
        l.text = v.scalarAsString();
        break;
    case YamlType::String:
        l.kind = Literal::Kind::String;
        l.text = std::string(v.text());
        break;
    default:
        l.kind = Literal::Kind::Other;
        l.text = "[object Object]";
        break;
    }
    return l;
}

bool literalEquals(const Literal& l, const YamlDocument& doc, YamlDocument::Index i)
{
    const YamlDocument::Node& n = doc.node(i);
    switch (l.kind) {
    case Literal::Kind::Null:
        return n.type == YamlType::Null;
    case Literal::Kind::Bool:
        return n.type == YamlType::Bool && n.number.boolean == l.boolean;
    case Literal::Kind::Number:
        if (n.type == YamlType::Int)
            return double(n.number.integer) == l.number;
        return n.type == YamlType::Float && n.number.real == l.number;
    case Literal::Kind::String:
        return n.type == YamlType::String && doc.text(i) == l.text;
    case Literal::Kind::Other:
        return false;
    }
    return false;
}

// Array.prototype.toString of the literals, as Backstage prints ajv's allowedValues.
std::string joinLiterals(const std::vector<Literal>& values)
{
    std::string s;
    for (size_t k = 0; k < values.size(); ++k) {
        if (k)
            s += ',';
        if (values[k].kind != Literal::Kind::Null)
            s += values[k].text;
    }
    return s;
}

// ajv counts characters as Unicode code points.
size_t codePoints(std::string_view utf8)
{
    size_t n = 0;
    for (char c : utf8)
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80)
            ++n;
    return n;
}

std::string keyString(const YamlDocument& doc, YamlDocument::Index key)
{
    const YamlType t = doc.type(key);
    if (t == YamlType::String)
        return std::string(doc.text(key));
    if (t == YamlType::Null)
        return std::string();
    return doc.scalarAsString(key);
}

QString qsv(std::string_view v)
{
    return QString::fromUtf8(v.data(), qsizetype(v.size()));
}

bool keyEquals(const YamlDocument& doc, YamlDocument::Index key, std::string_view name)
{
    if (doc.type(key) == YamlType::String)
        return doc.text(key) == name;
    return keyString(doc, key) == name;
}

} // namespace

// ---- Node, Pattern, Error -------------------------------------------------------------------

bool Pattern::matches(std::string_view s) const
{
    switch (kind) {
    case Kind::None:
        return true;
    case Kind::AnyLine:
        // /^.+$/: JavaScript's '.' matches anything but line terminators
        if (s.empty())
            return false;
        for (size_t i = 0; i < s.size(); ++i) {
            const char c = s[i];
            if (c == '\n' || c == '\r')
                return false;
            if (static_cast<unsigned char>(c) == 0xE2 && i + 2 < s.size()
                && static_cast<unsigned char>(s[i + 1]) == 0x80
                && (static_cast<unsigned char>(s[i + 2]) == 0xA8 || static_cast<unsigned char>(s[i + 2]) == 0xA9))
                return false;
        }
        return true;
    case Kind::Word:
        // /^\w+$/
        if (s.empty())
            return false;
        for (char c : s)
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
                return false;
        return true;
    case Kind::Regex:
        return regex && regex->match(QString::fromUtf8(s.data(), qsizetype(s.size()))).hasMatch();
    }
    return true;
}

const Node* Node::property(std::string_view name) const
{
    for (const Property& p : properties)
        if (p.name == name)
            return p.schema;
    return nullptr;
}

const Node* Node::findProperty(std::string_view name) const
{
    if (const Node* p = property(name))
        return p;
    if (ref)
        if (const Node* p = ref->findProperty(name))
            return p;
    for (const Node* sub : allOf)
        if (const Node* p = sub->findProperty(name))
            return p;
    return nullptr;
}

bool Node::hasTypeRules(std::uint8_t bit) const
{
    if (bit & StringType)
        return minLength >= 0 || maxLength >= 0 || pattern.kind != Pattern::Kind::None;
    if (bit & ArrayType)
        return items || minItems >= 0 || maxItems >= 0;
    if (bit & ObjectType)
        return !required.empty() || !properties.empty() || !patternProperties.empty()
            || additional != Additional::Allowed;
    return false;
}

QString Error::ajvText(bool withParams) const
{
    std::string s = pointer.empty() ? std::string("<root>") : pointer;
    s += ' ';
    s += message;
    if (withParams && hasParams) {
        s += " - ";
        s += params;
    }
    return QString::fromStdString(s);
}

void appendPointerSegment(std::string& pointer, std::string_view segment)
{
    pointer += '/';
    for (char c : segment) {
        if (c == '~')
            pointer += "~0";
        else if (c == '/')
            pointer += "~1";
        else
            pointer += c;
    }
}

// ---- Registry -------------------------------------------------------------------------------

struct Registry::Private
{
    std::deque<Node> nodes;
    std::unordered_map<std::string, const Node*> byId;
    std::vector<std::pair<Node*, std::string>> pendingRefs;
    std::vector<std::pair<QString, QByteArray>> files;
    std::vector<std::unique_ptr<YamlDocument>> documents;
    QStringList* problems = nullptr;
    QString currentFile;

    // The schemas are read with the YAML reader (JSON is YAML) because it keeps the order of keys,
    // and ajv reports errors in the order a schema lists its properties.
    const Node* compile(YamlValue value, const std::string& base)
    {
        nodes.emplace_back();
        Node* n = &nodes.back();
        if (value.type() == YamlType::Bool) {
            // true accepts anything; false (accept nothing) is not needed by Backstage's schemas
            if (!value.toBool())
                problems->append(QStringLiteral("%1: boolean schema false is not supported").arg(currentFile));
            return n;
        }
        if (!value.isMapping()) {
            problems->append(QStringLiteral("%1: a schema is neither an object nor a boolean").arg(currentFile));
            return n;
        }
        std::string myBase = base;
        if (const YamlValue id = value["$id"]; id.isString()) {
            n->id = std::string(id.text());
            if (!n->id.empty() && n->id[0] == '#') {
                byId[base + n->id] = n;
            } else {
                myBase = n->id;
                byId[n->id] = n;
            }
        }
        auto strings = [](YamlValue list) {
            QStringList out;
            for (std::uint32_t i = 0; i < list.size(); ++i)
                if (list.at(i).isString())
                    out << list.at(i).toString();
            return out;
        };
        for (std::uint32_t i = 0; i < value.size(); ++i) {
            const std::string_view key = value.keyAt(i).text();
            const YamlValue v = value.valueAt(i);
            if (key == "$schema" || key == "$id" || key == "$comment" || key == "title" || key == "default"
                || key == "readOnly" || key == "writeOnly") {
                continue;
            } else if (key == "description") {
                n->description = v.toString();
            } else if (key == "examples") {
                n->examples = strings(v);
            } else if (key == "deprecated") {
                n->deprecated = v.toBool();
            } else if (key == "type") {
                QStringList names;
                if (v.isSequence()) {
                    n->unionType = true;
                    names = strings(v);
                } else {
                    names << v.toString();
                }
                for (const QString& t : names) {
                    const std::uint8_t bit = typeBit(t);
                    if (!bit)
                        problems->append(QStringLiteral("%1: unknown type %2").arg(currentFile, t));
                    n->types |= bit;
                }
                n->typeText = names.join(QLatin1Char(',')).toStdString();
            } else if (key == "enum") {
                n->hasEnum = true;
                for (std::uint32_t k = 0; k < v.size(); ++k)
                    n->enumValues.push_back(literalFrom(v.at(k)));
            } else if (key == "const") {
                n->hasConst = true;
                n->constValue = literalFrom(v);
            } else if (key == "required") {
                for (const QString& r : strings(v))
                    n->required.push_back(r.toStdString());
            } else if (key == "properties") {
                for (std::uint32_t k = 0; k < v.size(); ++k)
                    n->properties.push_back({ std::string(v.keyAt(k).text()), compile(v.valueAt(k), myBase) });
            } else if (key == "patternProperties") {
                for (std::uint32_t k = 0; k < v.size(); ++k)
                    n->patternProperties.push_back(
                        { makePattern(v.keyAt(k).toString()), compile(v.valueAt(k), myBase) });
            } else if (key == "additionalProperties") {
                if (v.type() == YamlType::Bool) {
                    n->additional = v.toBool() ? Node::Additional::Allowed : Node::Additional::Forbidden;
                } else {
                    n->additional = Node::Additional::Schema;
                    n->additionalSchema = compile(v, myBase);
                }
            } else if (key == "items") {
                if (v.isSequence())
                    problems->append(QStringLiteral("%1: tuple \"items\" is not supported").arg(currentFile));
                else
                    n->items = compile(v, myBase);
            } else if (key == "minLength" || key == "maxLength" || key == "minItems" || key == "maxItems") {
                const int limit = v.type() == YamlType::Int ? int(v.document()->node(v.index()).number.integer) : -1;
                if (limit < 0)
                    problems->append(QStringLiteral("%1: %2 is not a whole number").arg(currentFile, qsv(key)));
                (key == "minLength"          ? n->minLength
                        : key == "maxLength" ? n->maxLength
                        : key == "minItems"  ? n->minItems
                                             : n->maxItems)
                    = limit;
            } else if (key == "pattern") {
                n->pattern = makePattern(v.toString());
            } else if (key == "allOf" || key == "anyOf" || key == "oneOf") {
                auto& list = key == "allOf" ? n->allOf : key == "anyOf" ? n->anyOf : n->oneOf;
                for (std::uint32_t k = 0; k < v.size(); ++k)
                    list.push_back(compile(v.at(k), myBase));
            } else if (key == "$ref") {
                std::string ref(v.text());
                n->refText = ref;
                if (!ref.empty() && ref[0] == '#')
                    ref = myBase + ref;
                pendingRefs.emplace_back(n, ref);
            } else if (key == "definitions") {
                for (std::uint32_t k = 0; k < v.size(); ++k)
                    compile(v.valueAt(k), myBase);
            } else {
                problems->append(QStringLiteral("%1: unsupported keyword \"%2\"").arg(currentFile, qsv(key)));
            }
        }
        // ajv checks a type up front when it is a union or has no keywords of its own; otherwise in
        // the type's keyword group, after the keywords that apply to any type.
        n->typeUpfront = n->unionType || !n->hasTypeRules(n->types);
        return n;
    }

    Pattern makePattern(const QString& source)
    {
        Pattern p;
        p.source = source.toStdString();
        if (source == u"^.+$") {
            p.kind = Pattern::Kind::AnyLine;
        } else if (source == u"^\\w+$") {
            p.kind = Pattern::Kind::Word;
        } else {
            p.kind = Pattern::Kind::Regex;
            p.regex = std::make_shared<QRegularExpression>(source);
            if (!p.regex->isValid())
                problems->append(QStringLiteral("%1: invalid pattern %2").arg(currentFile, source));
        }
        return p;
    }
};

Registry::Registry()
    : d(std::make_unique<Private>())
{
    d->problems = &m_problems;
#ifdef FLIGHTDECK_EMBEDDED_SCHEMAS
    for (const EmbeddedSchemas::File& f : EmbeddedSchemas::files) {
        const QByteArray bytes(reinterpret_cast<const char*>(f.data), qsizetype(f.size));
        const QString name = QString::fromLatin1(f.name);
        d->files.emplace_back(name, bytes);
        std::vector<YamlStreamDocument> docs = parseYamlStream(bytes);
        if (docs.size() != 1 || docs[0].error || docs[0].document.isEmpty()) {
            m_problems.append(QStringLiteral("%1: %2").arg(name,
                docs.size() == 1 && docs[0].error ? docs[0].error->message : QStringLiteral("not one JSON document")));
            continue;
        }
        d->documents.push_back(std::make_unique<YamlDocument>(std::move(docs[0].document)));
        const YamlDocument& doc = *d->documents.back();
        d->currentFile = name;
        d->compile(YamlValue(&doc, doc.root()), std::string());
    }
#else
    m_problems.append(QStringLiteral("the Backstage schemas are not built into this program: include "
                                     "services/catalog/schemas/schemas.cmake from services/CMakeLists.txt"));
#endif
    for (auto& [node, ref] : d->pendingRefs) {
        auto it = d->byId.find(ref);
        if (it == d->byId.end())
            m_problems.append(QStringLiteral("unresolved $ref %1").arg(QString::fromStdString(ref)));
        else
            node->ref = it->second;
    }
    d->pendingRefs.clear();
}

Registry::~Registry() = default;

const Registry& Registry::instance()
{
    static const Registry registry;
    return registry;
}

const Node* Registry::schema(std::string_view id) const
{
    auto it = d->byId.find(std::string(id));
    return it == d->byId.end() ? nullptr : it->second;
}

std::vector<std::pair<QString, QByteArray>> Registry::files() const
{
    return d->files;
}

// ---- validation -----------------------------------------------------------------------------

namespace {

constexpr int kMaxDepth = 64; // the schemas nest a handful of levels; data below them is not visited

// Trivial on purpose: a walker's path array is left uninitialised until used.
struct Segment
{
    YamlDocument::Index key; // a mapping entry's key, or npos for a list item
    std::uint32_t index;
};

class Walker
{
public:
    Walker(const YamlDocument& doc, std::vector<Error>* out, const Node* assumeValid = nullptr)
        : m_doc(doc)
        , m_out(out)
        , m_assumeValid(assumeValid)
    { }

    bool check(const Node* s, YamlDocument::Index v, YamlDocument::Index keyNode);

private:
    bool collecting() const { return m_out != nullptr; }

    Error& record(Keyword keyword, const Node* s, YamlDocument::Index v, YamlDocument::Index keyNode)
    {
        Error e;
        e.keyword = keyword;
        e.schema = s;
        e.node = v;
        e.keyNode = keyNode;
        for (int k = 0; k < m_depth; ++k) {
            const Segment& seg = m_path[k];
            const std::string part
                = seg.key == YamlDocument::npos ? std::to_string(seg.index) : keyString(m_doc, seg.key);
            appendPointerSegment(e.pointer, part);
            if (k)
                e.path += QLatin1Char('.');
            e.path += QString::fromStdString(part);
        }
        m_out->push_back(std::move(e));
        return m_out->back();
    }

    bool push(Segment s)
    {
        if (m_depth >= kMaxDepth)
            return false;
        m_path[m_depth++] = s;
        return true;
    }
    void pop() { --m_depth; }

    bool checkChoice(const Node* s, const std::vector<const Node*>& branches, bool exactlyOne, YamlDocument::Index v,
        YamlDocument::Index keyNode);
    std::string firstErrorOf(const Node* branch, YamlDocument::Index v, YamlDocument::Index keyNode);

    const YamlDocument& m_doc;
    std::vector<Error>* m_out;
    const Node* m_assumeValid;
    Segment m_path[kMaxDepth];
    int m_depth = 0;
};

std::string Walker::firstErrorOf(const Node* branch, YamlDocument::Index v, YamlDocument::Index keyNode)
{
    std::vector<Error> errors;
    Walker sub(m_doc, &errors, m_assumeValid);
    std::copy(m_path, m_path + m_depth, sub.m_path);
    sub.m_depth = m_depth;
    sub.check(branch, v, keyNode);
    return errors.empty() ? std::string() : errors.front().ajvText(true).toStdString();
}

bool Walker::checkChoice(const Node* s, const std::vector<const Node*>& branches, bool exactlyOne,
    YamlDocument::Index v, YamlDocument::Index keyNode)
{
    std::string passing;
    int passCount = 0;
    for (size_t b = 0; b < branches.size(); ++b) {
        Walker probe(m_doc, nullptr, m_assumeValid);
        if (probe.check(branches[b], v, keyNode)) {
            ++passCount;
            if (!passing.empty())
                passing += ',';
            passing += std::to_string(b);
        }
    }
    if (exactlyOne ? passCount == 1 : passCount >= 1)
        return true;
    if (!collecting())
        return false;
    const Keyword keyword = exactlyOne ? Keyword::OneOf : Keyword::AnyOf;
    if (passCount == 0) {
        // When the value's type selects exactly one branch, that branch's own errors say what is
        // wrong; "matches none of the alternatives" would hide it.
        const std::uint8_t bit = dataTypeBit(m_doc, v);
        int candidate = -1;
        int candidates = 0;
        for (size_t b = 0; b < branches.size(); ++b)
            if (!branches[b]->types || (branches[b]->types & bit)) {
                candidate = int(b);
                ++candidates;
            }
        const std::string backstageFirst = branches.empty() ? std::string() : firstErrorOf(branches[0], v, keyNode);
        if (candidates == 1) {
            const size_t before = m_out->size();
            check(branches[size_t(candidate)], v, keyNode);
            if (candidate != 0 && m_out->size() > before)
                (*m_out)[before].firstBranchError = backstageFirst; // ajv lists branch 0's errors first
            return false;
        }
        Error& e = record(keyword, s, v, keyNode);
        e.message = exactlyOne ? "must match exactly one schema in oneOf" : "must match a schema in anyOf";
        e.params = exactlyOne ? "passingSchemas: null" : "";
        e.firstBranchError = backstageFirst;
        return false;
    }
    Error& e = record(keyword, s, v, keyNode);
    e.message = "must match exactly one schema in oneOf";
    e.params = "passingSchemas: " + passing;
    return false;
}

bool Walker::check(const Node* s, YamlDocument::Index v, YamlDocument::Index keyNode)
{
    if (s == m_assumeValid)
        return true;
    bool ok = true;
    const std::uint8_t bit = dataTypeBit(m_doc, v);
    const bool typeOk = !s->types || (s->types & bit);
    const bool typeUpfront = s->typeUpfront;
    auto typeError = [&] {
        ok = false;
        if (!collecting())
            return;
        Error& e = record(Keyword::Type, s, v, keyNode);
        e.message = "must be " + s->typeText;
        e.params = "type: " + s->typeText;
    };
    if (!typeOk && typeUpfront) {
        typeError();
        if (!collecting())
            return false;
    }
    if (s->ref && !check(s->ref, v, keyNode)) {
        ok = false;
        if (!collecting())
            return false;
    }
    if (s->hasConst && !literalEquals(s->constValue, m_doc, v)) {
        ok = false;
        if (!collecting())
            return false;
        Error& e = record(Keyword::Const, s, v, keyNode);
        e.message = "must be equal to constant";
        e.params = "allowedValue: " + s->constValue.text;
    }
    if (s->hasEnum) {
        bool found = false;
        for (const Literal& l : s->enumValues)
            if (literalEquals(l, m_doc, v)) {
                found = true;
                break;
            }
        if (!found) {
            ok = false;
            if (!collecting())
                return false;
            Error& e = record(Keyword::Enum, s, v, keyNode);
            e.message = "must be equal to one of the allowed values";
            e.params = "allowedValues: " + joinLiterals(s->enumValues);
        }
    }
    if (!s->anyOf.empty() && !checkChoice(s, s->anyOf, false, v, keyNode)) {
        ok = false;
        if (!collecting())
            return false;
    }
    if (!s->oneOf.empty() && !checkChoice(s, s->oneOf, true, v, keyNode)) {
        ok = false;
        if (!collecting())
            return false;
    }
    for (const Node* sub : s->allOf) {
        if (!check(sub, v, keyNode)) {
            ok = false;
            if (!collecting())
                return false;
        }
    }
    if (!typeOk && !typeUpfront) {
        typeError();
        if (!collecting())
            return false;
    }

    const YamlDocument::Node& n = m_doc.node(v);
    switch (n.type) {
    case YamlType::String: {
        const std::string_view text = m_doc.text(v);
        // Counting code points means reading the whole text (an inlined API definition can be
        // large); the byte length settles most limits without it.
        const bool countMin = s->minLength > 1 || (s->minLength == 1 && text.empty());
        const bool countMax = s->maxLength >= 0 && text.size() > size_t(s->maxLength);
        if (countMin || countMax) {
            const size_t length = codePoints(text);
            if (s->minLength >= 0 && length < size_t(s->minLength)) {
                ok = false;
                if (!collecting())
                    return false;
                Error& e = record(Keyword::MinLength, s, v, keyNode);
                e.message = "must NOT have fewer than " + std::to_string(s->minLength) + " characters";
                e.params = "limit: " + std::to_string(s->minLength);
            }
            if (s->maxLength >= 0 && length > size_t(s->maxLength)) {
                ok = false;
                if (!collecting())
                    return false;
                Error& e = record(Keyword::MaxLength, s, v, keyNode);
                e.message = "must NOT have more than " + std::to_string(s->maxLength) + " characters";
                e.params = "limit: " + std::to_string(s->maxLength);
            }
        }
        if (s->pattern.kind != Pattern::Kind::None && !s->pattern.matches(text)) {
            ok = false;
            if (!collecting())
                return false;
            Error& e = record(Keyword::Pattern, s, v, keyNode);
            e.message = "must match pattern \"" + s->pattern.source + "\"";
            e.params = "pattern: " + s->pattern.source;
        }
        break;
    }
    case YamlType::Sequence: {
        const std::uint32_t count = n.size;
        if (s->minItems >= 0 && count < std::uint32_t(s->minItems)) {
            ok = false;
            if (!collecting())
                return false;
            Error& e = record(Keyword::MinItems, s, v, keyNode);
            e.message = "must NOT have fewer than " + std::to_string(s->minItems) + " items";
            e.params = "limit: " + std::to_string(s->minItems);
        }
        if (s->maxItems >= 0 && count > std::uint32_t(s->maxItems)) {
            ok = false;
            if (!collecting())
                return false;
            Error& e = record(Keyword::MaxItems, s, v, keyNode);
            e.message = "must NOT have more than " + std::to_string(s->maxItems) + " items";
            e.params = "limit: " + std::to_string(s->maxItems);
        }
        if (s->items) {
            for (std::uint32_t k = 0; k < count; ++k) {
                if (!push({ YamlDocument::npos, k }))
                    break;
                const bool itemOk = check(s->items, m_doc.item(v, k), YamlDocument::npos);
                pop();
                if (!itemOk) {
                    ok = false;
                    if (!collecting())
                        return false;
                }
            }
        }
        break;
    }
    case YamlType::Mapping: {
        const std::uint32_t count = n.size;
        for (const std::string& name : s->required) {
            bool present = false;
            for (std::uint32_t k = 0; k < count && !present; ++k)
                present = keyEquals(m_doc, m_doc.key(v, k), name);
            if (!present) {
                ok = false;
                if (!collecting())
                    return false;
                Error& e = record(Keyword::Required, s, v, keyNode);
                e.property = name;
                e.message = "must have required property '" + name + "'";
                e.params = "missingProperty: " + name;
            }
        }
        // One pass over the entries finds the declared properties and judges the others
        // (additionalProperties); the declared ones are then checked in the schema's order, as ajv does.
        constexpr size_t kMaxProperties = 64;
        const size_t declared = std::min(s->properties.size(), kMaxProperties);
        std::uint32_t entryOf[kMaxProperties];
        std::fill(entryOf, entryOf + declared, std::uint32_t(-1));
        for (std::uint32_t k = 0; k < count; ++k) {
            const YamlDocument::Index key = m_doc.key(v, k);
            std::string converted;
            std::string_view name;
            if (m_doc.type(key) == YamlType::String) {
                name = m_doc.text(key);
            } else {
                converted = keyString(m_doc, key);
                name = converted;
            }
            bool known = false;
            for (size_t p = 0; p < declared; ++p) {
                if (s->properties[p].name == name) {
                    if (entryOf[p] == std::uint32_t(-1))
                        entryOf[p] = k;
                    known = true;
                    break;
                }
            }
            if (known || s->additional == Node::Additional::Allowed)
                continue;
            for (size_t p = 0; p < s->patternProperties.size() && !known; ++p)
                known = s->patternProperties[p].pattern.matches(name);
            if (known)
                continue;
            if (s->additional == Node::Additional::Forbidden) {
                ok = false;
                if (!collecting())
                    return false;
                Error& e = record(Keyword::AdditionalProperties, s, v, keyNode);
                e.property = std::string(name);
                e.propertyKeyNode = key;
                e.message = "must NOT have additional properties";
                e.params = "additionalProperty: " + e.property;
            } else if (push({ key, 0 })) {
                const bool valueOk = check(s->additionalSchema, m_doc.value(v, k), key);
                pop();
                if (!valueOk) {
                    ok = false;
                    if (!collecting())
                        return false;
                }
            }
        }
        for (size_t p = 0; p < declared; ++p) {
            const std::uint32_t k = entryOf[p];
            if (k == std::uint32_t(-1))
                continue;
            const YamlDocument::Index key = m_doc.key(v, k);
            if (!push({ key, 0 }))
                continue;
            const bool valueOk = check(s->properties[p].schema, m_doc.value(v, k), key);
            pop();
            if (!valueOk) {
                ok = false;
                if (!collecting())
                    return false;
            }
        }
        for (const PatternProperty& pp : s->patternProperties) {
            for (std::uint32_t k = 0; k < count; ++k) {
                const YamlDocument::Index key = m_doc.key(v, k);
                const bool match = m_doc.type(key) == YamlType::String ? pp.pattern.matches(m_doc.text(key))
                                                                       : pp.pattern.matches(keyString(m_doc, key));
                if (!match || !push({ key, 0 }))
                    continue;
                const bool valueOk = check(pp.schema, m_doc.value(v, k), key);
                pop();
                if (!valueOk) {
                    ok = false;
                    if (!collecting())
                        return false;
                }
            }
        }
        break;
    }
    default:
        break;
    }
    return ok;
}

} // namespace

bool validate(const Node* schema, YamlValue value, std::vector<Error>& errors, const Node* assumeValid)
{
    if (!schema || !value.isValid())
        return true;
    Walker w(*value.document(), &errors, assumeValid);
    return w.check(schema, value.index(), YamlDocument::npos);
}

bool isValid(const Node* schema, YamlValue value)
{
    if (!schema || !value.isValid())
        return true;
    Walker w(*value.document(), nullptr);
    return w.check(schema, value.index(), YamlDocument::npos);
}

} // namespace Flightdeck::Catalog::Schema
