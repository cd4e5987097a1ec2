// SPDX-License-Identifier: Apache-2.0
#include "nunjucksvalue.h"

#include <QJsonArray>
#include <QJsonObject>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>

namespace Flightdeck::Scaffolder::Nunjucks {

namespace {
const Value::List& emptyList()
{
    static const Value::List list;
    return list;
}
const Value::Object& emptyObject()
{
    static const Value::Object object;
    return object;
}
} // namespace

void Value::Object::insert(const QString& key, const Value& value)
{
    if (!values.contains(key))
        keys.append(key);
    values.insert(key, value);
}

Value Value::Object::value(const QString& key) const
{
    const auto it = values.constFind(key);
    return it == values.constEnd() ? Value() : it.value();
}

Value Value::null()
{
    Value v;
    v.m_type = Type::Null;
    return v;
}

Value Value::array(List items)
{
    Value v;
    v.m_type = Type::Array;
    for (const Value& item : items)
        v.m_nesting = std::max(v.m_nesting, item.m_nesting);
    ++v.m_nesting;
    v.m_list = std::make_shared<const List>(std::move(items));
    return v;
}

Value Value::object(Object object)
{
    Value v;
    v.m_type = Type::Object;
    for (const Value& item : std::as_const(object.values))
        v.m_nesting = std::max(v.m_nesting, item.m_nesting);
    ++v.m_nesting;
    v.m_object = std::make_shared<const Object>(std::move(object));
    return v;
}

Value Value::function(const QString& name)
{
    return function(name, Value());
}

Value Value::function(const QString& name, const Value& receiver)
{
    Value v;
    v.m_type = Type::Function;
    v.m_string = name;
    v.m_nesting = receiver.m_nesting + 1;
    v.m_list = std::make_shared<const List>(List { receiver });
    return v;
}

Value Value::regex(const QString& body, const QString& flags)
{
    Value v;
    v.m_type = Type::Regex;
    v.m_string = body;
    v.m_aux = flags;
    return v;
}

Value Value::safeString(const QString& s)
{
    Value v;
    v.m_type = Type::SafeString;
    v.m_string = s;
    return v;
}

Value Value::safeStringObject() const
{
    if (m_type != Type::SafeString)
        return *this;
    Object o;
    o.insert(QStringLiteral("val"), Value(m_string));
    o.insert(QStringLiteral("length"), Value(double(m_string.size())));
    return object(std::move(o));
}

const Value::List& Value::list() const
{
    return m_type == Type::Array && m_list ? *m_list : emptyList();
}

const Value::Object& Value::object() const
{
    return m_type == Type::Object && m_object ? *m_object : emptyObject();
}

Value Value::receiver() const
{
    return m_type == Type::Function && m_list && !m_list->isEmpty() ? m_list->first() : Value();
}

Value Value::fromJson(const QJsonValue& json)
{
    switch (json.type()) {
    case QJsonValue::Null:
        return null();
    case QJsonValue::Bool:
        return Value(json.toBool());
    case QJsonValue::Double:
        return Value(json.toDouble());
    case QJsonValue::String:
        return Value(json.toString());
    case QJsonValue::Array: {
        const QJsonArray a = json.toArray();
        List items;
        items.reserve(a.size());
        for (const QJsonValue& item : a)
            items.append(fromJson(item));
        return array(std::move(items));
    }
    case QJsonValue::Object: {
        const QJsonObject o = json.toObject();
        Object obj;
        for (auto it = o.begin(); it != o.end(); ++it)
            obj.insert(it.key(), fromJson(it.value()));
        return object(std::move(obj));
    }
    case QJsonValue::Undefined:
        break;
    }
    return {};
}

Value Value::fromVariant(const QVariant& variant)
{
    if (!variant.isValid())
        return {};
    return fromJson(QJsonValue::fromVariant(variant));
}

QJsonValue Value::toJson() const
{
    switch (m_type) {
    case Type::SafeString:
        return safeStringObject().toJson();
    case Type::Undefined:
    case Type::Function:
        return QJsonValue(QJsonValue::Undefined);
    case Type::Null:
        return QJsonValue(QJsonValue::Null);
    case Type::Bool:
        return QJsonValue(m_bool);
    case Type::Number:
        return std::isfinite(m_number) ? QJsonValue(m_number) : QJsonValue(QJsonValue::Null);
    case Type::String:
        return QJsonValue(m_string);
    case Type::Regex:
        return QJsonObject();
    case Type::Array: {
        QJsonArray a;
        for (const Value& item : list()) {
            const QJsonValue j = item.toJson();
            a.append(j.isUndefined() ? QJsonValue(QJsonValue::Null) : j);
        }
        return a;
    }
    case Type::Object: {
        QJsonObject o;
        const Object& obj = object();
        for (const QString& key : obj.keys) {
            const QJsonValue j = obj.values.value(key).toJson();
            if (!j.isUndefined())
                o.insert(key, j);
        }
        return o;
    }
    }
    return {};
}

Value Value::jsonNormalized() const
{
    switch (m_type) {
    case Type::SafeString:
        return safeStringObject();
    case Type::Undefined:
    case Type::Function:
        return {};
    case Type::Number:
        return std::isfinite(m_number) ? *this : null();
    case Type::Regex:
        return object(Object());
    case Type::Array: {
        List items;
        for (const Value& item : list()) {
            const Value v = item.jsonNormalized();
            items.append(v.isUndefined() ? null() : v);
        }
        return array(std::move(items));
    }
    case Type::Object: {
        Object obj;
        const Object& src = object();
        for (const QString& key : src.keys) {
            const Value v = src.values.value(key).jsonNormalized();
            if (!v.isUndefined())
                obj.insert(key, v);
        }
        return object(std::move(obj));
    }
    default:
        return *this;
    }
}

bool Value::truthy() const
{
    switch (m_type) {
    case Type::Undefined:
    case Type::Null:
        return false;
    case Type::Bool:
        return m_bool;
    case Type::Number:
        return m_number != 0 && !std::isnan(m_number);
    case Type::String:
        return !m_string.isEmpty();
    default:
        return true;
    }
}

QString Value::toJsString() const
{
    switch (m_type) {
    case Type::SafeString:
        return m_string;
    case Type::Undefined:
        return QStringLiteral("undefined");
    case Type::Null:
        return QStringLiteral("null");
    case Type::Bool:
        return m_bool ? QStringLiteral("true") : QStringLiteral("false");
    case Type::Number:
        return jsNumberToString(m_number);
    case Type::String:
        return m_string;
    case Type::Array: {
        // Array.prototype.join(','): null and undefined elements are empty.
        QString out;
        const List& items = list();
        for (qsizetype i = 0; i < items.size(); ++i) {
            if (i > 0)
                out += QLatin1Char(',');
            if (!items.at(i).isNullish())
                out += items.at(i).toJsString();
        }
        return out;
    }
    case Type::Object:
        return QStringLiteral("[object Object]");
    case Type::Function:
        return QStringLiteral("function () { [native code] }");
    case Type::Regex:
        return QLatin1Char('/') + m_string + QLatin1Char('/') + m_aux;
    }
    return {};
}

bool isJsSpace(QChar c)
{
    const char16_t u = c.unicode();
    switch (u) {
    case 0x09:
    case 0x0A:
    case 0x0B:
    case 0x0C:
    case 0x0D:
    case 0x20:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
    case 0xFEFF:
        return true;
    default:
        return u >= 0x2000 && u <= 0x200A;
    }
}

namespace {
double stringToNumber(const QString& text)
{
    qsizetype b = 0;
    qsizetype e = text.size();
    while (b < e && isJsSpace(text.at(b)))
        ++b;
    while (e > b && isJsSpace(text.at(e - 1)))
        --e;
    const QString s = text.mid(b, e - b);
    if (s.isEmpty())
        return 0;
    if (s == QLatin1String("Infinity") || s == QLatin1String("+Infinity"))
        return INFINITY;
    if (s == QLatin1String("-Infinity"))
        return -INFINITY;
    if (s.size() > 2 && s.at(0) == QLatin1Char('0')) {
        const QChar p = s.at(1).toLower();
        const int base = p == QLatin1Char('x') ? 16 : p == QLatin1Char('o') ? 8 : p == QLatin1Char('b') ? 2 : 0;
        if (base) {
            double v = 0;
            for (qsizetype i = 2; i < s.size(); ++i) {
                const int d = s.at(i).isDigit() ? s.at(i).digitValue()
                    : (s.at(i).toLower() >= QLatin1Char('a') && s.at(i).toLower() <= QLatin1Char('f'))
                    ? 10 + s.at(i).toLower().unicode() - 'a'
                    : 99;
                if (d >= base)
                    return NAN;
                v = v * base + d;
            }
            return v;
        }
    }
    // StrDecimalLiteral: [+-] (digits [. digits] | . digits) [e [+-] digits]
    qsizetype i = 0;
    if (s.at(i) == QLatin1Char('+') || s.at(i) == QLatin1Char('-'))
        ++i;
    qsizetype digits = 0;
    while (i < s.size() && s.at(i) >= QLatin1Char('0') && s.at(i) <= QLatin1Char('9'))
        ++i, ++digits;
    if (i < s.size() && s.at(i) == QLatin1Char('.')) {
        ++i;
        while (i < s.size() && s.at(i) >= QLatin1Char('0') && s.at(i) <= QLatin1Char('9'))
            ++i, ++digits;
    }
    if (!digits)
        return NAN;
    if (i < s.size() && (s.at(i) == QLatin1Char('e') || s.at(i) == QLatin1Char('E'))) {
        ++i;
        if (i < s.size() && (s.at(i) == QLatin1Char('+') || s.at(i) == QLatin1Char('-')))
            ++i;
        qsizetype exp = 0;
        while (i < s.size() && s.at(i) >= QLatin1Char('0') && s.at(i) <= QLatin1Char('9'))
            ++i, ++exp;
        if (!exp)
            return NAN;
    }
    if (i != s.size())
        return NAN;
    const QByteArray latin = s.toLatin1();
    return std::strtod(latin.constData(), nullptr);
}
} // namespace

double Value::toJsNumber() const
{
    switch (m_type) {
    case Type::Undefined:
        return NAN;
    case Type::Null:
        return 0;
    case Type::Bool:
        return m_bool ? 1 : 0;
    case Type::Number:
        return m_number;
    case Type::String:
        return stringToNumber(m_string);
    case Type::Array:
    case Type::SafeString:
        return stringToNumber(toJsString());
    default:
        return NAN;
    }
}

bool Value::sameIdentity(const Value& other) const
{
    if (m_type != other.m_type)
        return false;
    if (m_type == Type::Array || m_type == Type::Function)
        return m_list == other.m_list;
    if (m_type == Type::Object)
        return m_object == other.m_object;
    return false;
}

QString jsNumberToString(double d)
{
    if (std::isnan(d))
        return QStringLiteral("NaN");
    if (std::isinf(d))
        return d > 0 ? QStringLiteral("Infinity") : QStringLiteral("-Infinity");
    if (d == 0)
        return QStringLiteral("0");
    // Shortest round-trip digits, as ECMAScript's Number::toString requires.
    char buf[64];
    const auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
    const std::string sci(buf, res.ptr);
    const bool negative = sci.front() == '-';
    const std::size_t ePos = sci.find('e');
    std::string digits;
    for (std::size_t i = negative ? 1 : 0; i < ePos; ++i)
        if (sci[i] != '.')
            digits += sci[i];
    const int exponent = std::atoi(sci.c_str() + ePos + 1);
    const int k = int(digits.size());
    const int n = exponent + 1;
    std::string out = negative ? "-" : "";
    if (k <= n && n <= 21) {
        out += digits + std::string(std::size_t(n - k), '0');
    } else if (0 < n && n <= 21) {
        out += digits.substr(0, std::size_t(n)) + '.' + digits.substr(std::size_t(n));
    } else if (-6 < n && n <= 0) {
        out += "0." + std::string(std::size_t(-n), '0') + digits;
    } else {
        out += digits.substr(0, 1);
        if (k > 1)
            out += '.' + digits.substr(1);
        out += 'e';
        out += n - 1 >= 0 ? '+' : '-';
        out += std::to_string(std::abs(n - 1));
    }
    return QString::fromLatin1(out.c_str());
}

namespace {
void quoteJson(const QString& s, QString& out)
{
    out += QLatin1Char('"');
    for (qsizetype i = 0; i < s.size(); ++i) {
        const QChar c = s.at(i);
        const char16_t u = c.unicode();
        switch (u) {
        case '"':
            out += QLatin1String("\\\"");
            break;
        case '\\':
            out += QLatin1String("\\\\");
            break;
        case '\b':
            out += QLatin1String("\\b");
            break;
        case '\f':
            out += QLatin1String("\\f");
            break;
        case '\n':
            out += QLatin1String("\\n");
            break;
        case '\r':
            out += QLatin1String("\\r");
            break;
        case '\t':
            out += QLatin1String("\\t");
            break;
        default:
            if (u < 0x20) {
                out += QStringLiteral("\\u%1").arg(uint(u), 4, 16, QLatin1Char('0'));
            } else if (c.isHighSurrogate() && i + 1 < s.size() && s.at(i + 1).isLowSurrogate()) {
                out += c;
                out += s.at(++i);
            } else if (c.isSurrogate()) {
                // Well-formed JSON.stringify escapes lone surrogates.
                out += QStringLiteral("\\u%1").arg(uint(u), 4, 16, QLatin1Char('0'));
            } else {
                out += c;
            }
        }
    }
    out += QLatin1Char('"');
}

bool stringify(const Value& v, const QString& indent, const QString& current, QString& out)
{
    switch (v.type()) {
    case Value::Type::SafeString:
        return stringify(v.safeStringObject(), indent, current, out);
    case Value::Type::Undefined:
    case Value::Type::Function:
        return false;
    case Value::Type::Null:
        out += QLatin1String("null");
        return true;
    case Value::Type::Bool:
        out += v.boolValue() ? QLatin1String("true") : QLatin1String("false");
        return true;
    case Value::Type::Number:
        out += std::isfinite(v.number()) ? jsNumberToString(v.number()) : QStringLiteral("null");
        return true;
    case Value::Type::String:
        quoteJson(v.string(), out);
        return true;
    case Value::Type::Regex:
        out += QLatin1String("{}");
        return true;
    case Value::Type::Array: {
        const Value::List& items = v.list();
        if (items.isEmpty()) {
            out += QLatin1String("[]");
            return true;
        }
        const QString inner = current + indent;
        out += QLatin1Char('[');
        for (qsizetype i = 0; i < items.size(); ++i) {
            if (i > 0)
                out += QLatin1Char(',');
            if (!indent.isEmpty())
                out += QLatin1Char('\n') + inner;
            if (!stringify(items.at(i), indent, inner, out))
                out += QLatin1String("null");
        }
        if (!indent.isEmpty())
            out += QLatin1Char('\n') + current;
        out += QLatin1Char(']');
        return true;
    }
    case Value::Type::Object: {
        const Value::Object& obj = v.object();
        const QString inner = current + indent;
        out += QLatin1Char('{');
        bool any = false;
        for (const QString& key : obj.keys) {
            const Value item = obj.values.value(key);
            if (item.isUndefined() || item.isFunction())
                continue;
            if (any)
                out += QLatin1Char(',');
            any = true;
            if (!indent.isEmpty())
                out += QLatin1Char('\n') + inner;
            quoteJson(key, out);
            out += indent.isEmpty() ? QLatin1String(":") : QLatin1String(": ");
            stringify(item, indent, inner, out);
        }
        if (any && !indent.isEmpty())
            out += QLatin1Char('\n') + current;
        out += QLatin1Char('}');
        return true;
    }
    }
    return false;
}
} // namespace

QString jsonStringify(const Value& v, const QString& indent)
{
    QString out;
    if (!stringify(v, indent, QString(), out))
        return QString();
    return out;
}

bool jsStrictEquals(const Value& a, const Value& b)
{
    if (a.type() != b.type())
        return false;
    switch (a.type()) {
    case Value::Type::Undefined:
    case Value::Type::Null:
        return true;
    case Value::Type::Bool:
        return a.boolValue() == b.boolValue();
    case Value::Type::Number:
        return a.number() == b.number();
    case Value::Type::String:
        return a.string() == b.string();
    default:
        return a.sameIdentity(b);
    }
}

bool jsLooseEquals(const Value& a, const Value& b)
{
    if (a.type() == b.type())
        return jsStrictEquals(a, b);
    if (a.isNullish() || b.isNullish())
        return a.isNullish() && b.isNullish();
    const auto primitive = [](const Value& v) {
        return v.isArray() || v.isObject() || v.isFunction() || v.isRegex() || v.isSafeString() ? Value(v.toJsString())
                                                                                                : v;
    };
    const Value pa = primitive(a);
    const Value pb = primitive(b);
    if (pa.isString() && pb.isString())
        return pa.string() == pb.string();
    return pa.toJsNumber() == pb.toJsNumber();
}

bool jsLessThan(const Value& a, const Value& b)
{
    const auto primitive = [](const Value& v) {
        return v.isArray() || v.isObject() || v.isFunction() || v.isRegex() || v.isSafeString() ? Value(v.toJsString())
                                                                                                : v;
    };
    const Value pa = primitive(a);
    const Value pb = primitive(b);
    if (pa.isString() && pb.isString())
        return pa.string() < pb.string(); // UTF-16 code units, as JS compares
    return pa.toJsNumber() < pb.toJsNumber();
}

} // namespace Flightdeck::Scaffolder::Nunjucks
