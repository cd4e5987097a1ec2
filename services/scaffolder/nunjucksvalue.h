// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QHash>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>
#include <QVariant>

#include <memory>

namespace Flightdeck::Scaffolder::Nunjucks {

// A JavaScript value as nunjucks sees it. Backstage renders templates with nunjucks, so the
// renderer needs JS semantics exactly where they show in the output: undefined vs null, number
// formatting (0.1 + 0.2, 1e+21), truthiness ([] is true, "" is false), loose equality, string
// concatenation with `+`. Arrays and objects are shared (cheap copies, identity for ===), and are
// never mutated once built.
class Value
{
public:
    enum class Type : quint8
    {
        Undefined,
        Null,
        Bool,
        Number,
        String,
        Array,
        Object,
        Function,
        Regex,
        SafeString
    };
    using List = QList<Value>;
    struct Object; // insertion-ordered, as JS objects are for non-integer keys

    Value() = default; // undefined
    explicit Value(bool b)
        : m_type(Type::Bool)
        , m_bool(b)
    { }
    explicit Value(double d)
        : m_type(Type::Number)
        , m_number(d)
    { }
    explicit Value(int i)
        : m_type(Type::Number)
        , m_number(i)
    { }
    explicit Value(qint64 i)
        : m_type(Type::Number)
        , m_number(double(i))
    { }
    explicit Value(const QString& s)
        : m_type(Type::String)
        , m_string(s)
    { }
    static Value null();
    static Value array(List items);
    static Value object(Object object);
    // A bound method of a JS intrinsic (`name.toUpperCase`) or a global (`range`).
    static Value function(const QString& name);
    static Value function(const QString& name, const Value& receiver);
    static Value regex(const QString& body, const QString& flags);
    // nunjucks' SafeString (from safe, escape and macros): an OBJECT wrapping a string. It prints
    // as the string, but is always truthy, is never === anything, dumps as {"val": …, "length": …}
    // and has no index properties.
    static Value safeString(const QString& s);

    static Value fromJson(const QJsonValue& json);
    static Value fromVariant(const QVariant& variant);
    // JSON.parse(JSON.stringify(v)): undefined stays undefined at the top level (as
    // QJsonValue::Undefined), NaN and Infinity become null, functions are dropped.
    QJsonValue toJson() const;
    // The same JSON round trip, keeping the key order (QJsonObject would sort the keys).
    Value jsonNormalized() const;

    Type type() const { return m_type; }
    bool isUndefined() const { return m_type == Type::Undefined; }
    bool isNull() const { return m_type == Type::Null; }
    bool isNullish() const { return m_type == Type::Undefined || m_type == Type::Null; }
    bool isString() const { return m_type == Type::String; }
    bool isNumber() const { return m_type == Type::Number; }
    bool isBool() const { return m_type == Type::Bool; }
    bool isArray() const { return m_type == Type::Array; }
    bool isObject() const { return m_type == Type::Object; }
    bool isFunction() const { return m_type == Type::Function; }
    bool isRegex() const { return m_type == Type::Regex; }
    bool isSafeString() const { return m_type == Type::SafeString; }
    // A string primitive or a SafeString (what String.prototype methods accept).
    bool isStringLike() const { return m_type == Type::String || m_type == Type::SafeString; }

    bool boolValue() const { return m_bool; }
    double number() const { return m_number; }
    const QString& string() const { return m_string; }
    // {val, length} for a SafeString, itself otherwise.
    Value safeStringObject() const; // String, and the name of a Function / body of a Regex
    const QString& regexFlags() const { return m_aux; }
    const List& list() const; // empty unless Array
    const Object& object() const; // empty unless Object
    Value receiver() const; // Function only
    // How deeply arrays and objects nest inside this value (0 for a scalar).
    int nesting() const { return m_nesting; }

    // JS semantics.
    bool truthy() const;
    QString toJsString() const; // String(v)
    double toJsNumber() const; // Number(v)
    bool sameIdentity(const Value& other) const; // === for arrays/objects

private:
    Type m_type = Type::Undefined;
    bool m_bool = false;
    int m_nesting = 0;
    double m_number = 0;
    QString m_string;
    QString m_aux;
    std::shared_ptr<const List> m_list;
    std::shared_ptr<const Object> m_object;
};

struct Value::Object
{
    QStringList keys;
    QHash<QString, Value> values;
    void insert(const QString& key, const Value& value);
    Value value(const QString& key) const; // undefined when absent
    bool contains(const QString& key) const { return values.contains(key); }
};

// Number.prototype.toString(): shortest round-trip digits, exponent outside [1e-7, 1e21).
QString jsNumberToString(double d);
// JSON.stringify(v, null, indent); returns a null QString for undefined (and functions).
QString jsonStringify(const Value& v, const QString& indent = {});
bool jsStrictEquals(const Value& a, const Value& b);
bool jsLooseEquals(const Value& a, const Value& b);
// Abstract relational comparison a < b (undefined results, NaN, are false).
bool jsLessThan(const Value& a, const Value& b);
// JS `\s` (WhiteSpace and LineTerminator code points).
bool isJsSpace(QChar c);

} // namespace Flightdeck::Scaffolder::Nunjucks
