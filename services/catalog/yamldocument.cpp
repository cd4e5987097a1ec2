// SPDX-License-Identifier: Apache-2.0
#include "yamldocument.h"

#include <yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <unordered_map>

namespace Flightdeck::Catalog {

namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isHex(char c) { return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

bool allOf(std::string_view s, bool (*pred)(char))
{
    if (s.empty())
        return false;
    for (char c : s)
        if (!pred(c))
            return false;
    return true;
}

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?  with at least a '.' or an exponent
bool isCoreFloat(std::string_view s)
{
    size_t i = 0;
    if (i < s.size() && (s[i] == '-' || s[i] == '+'))
        ++i;
    size_t intDigits = 0;
    while (i < s.size() && isDigit(s[i]))
        ++i, ++intDigits;
    bool dot = false;
    size_t fracDigits = 0;
    if (i < s.size() && s[i] == '.') {
        dot = true;
        ++i;
        while (i < s.size() && isDigit(s[i]))
            ++i, ++fracDigits;
    }
    if (intDigits == 0 && fracDigits == 0)
        return false;
    if (intDigits == 0 && !dot)
        return false;
    bool exp = false;
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        exp = true;
        ++i;
        if (i < s.size() && (s[i] == '-' || s[i] == '+'))
            ++i;
        size_t expDigits = 0;
        while (i < s.size() && isDigit(s[i]))
            ++i, ++expDigits;
        if (expDigits == 0)
            return false;
    }
    return i == s.size() && (dot || exp);
}

double parseDouble(std::string_view s)
{
    std::string tmp(s);
    if (!tmp.empty() && tmp[0] == '+')
        tmp.erase(0, 1);
    if (!tmp.empty() && tmp[0] == '.')
        tmp.insert(0, "0");
    if (tmp.size() > 1 && tmp[0] == '-' && tmp[1] == '.')
        tmp.insert(1, "0");
    double v = 0;
    auto res = std::from_chars(tmp.data(), tmp.data() + tmp.size(), v);
    if (res.ec == std::errc::result_out_of_range) {
        // from_chars leaves v alone on overflow; JavaScript gives Infinity or 0.
        v = std::strtod(tmp.c_str(), nullptr);
    }
    return v;
}

// Number.prototype.toString for finite doubles, close enough for every value a catalog holds.
void appendJsNumber(double d, std::string& out)
{
    if (!std::isfinite(d)) {
        out += "null"; // JSON.stringify(Infinity) === "null"
        return;
    }
    if (d == 0) {
        out += '0';
        return;
    }
    if (std::fabs(d) < 1e21 && d == std::floor(d) && std::fabs(d) < 9007199254740992.0) {
        char buf[32];
        auto r = std::to_chars(buf, buf + sizeof buf, static_cast<std::int64_t>(d));
        out.append(buf, r.ptr);
        return;
    }
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, d);
    std::string s(buf, r.ptr);
    auto e = s.find('e');
    if (e != std::string::npos) {
        // C++ writes 1e-07 / 1e+21; JavaScript writes 1e-7 / 1e+21.
        std::string mant = s.substr(0, e);
        std::string exp = s.substr(e + 1);
        bool neg = !exp.empty() && exp[0] == '-';
        if (!exp.empty() && (exp[0] == '-' || exp[0] == '+'))
            exp.erase(0, 1);
        while (exp.size() > 1 && exp[0] == '0')
            exp.erase(0, 1);
        int expValue = std::stoi(exp);
        if (neg && expValue <= 6) {
            // JavaScript switches to exponent notation only below 1e-6.
            char fixed[64];
            auto f = std::to_chars(fixed, fixed + sizeof fixed, d, std::chars_format::fixed);
            out.append(fixed, f.ptr);
            return;
        }
        out += mant;
        out += 'e';
        out += neg ? '-' : '+';
        out += exp;
        return;
    }
    out += s;
}

void appendJsonString(std::string_view s, std::string& out)
{
    out += '"';
    for (unsigned char c : s) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (c < 0x20) {
                static const char hex[] = "0123456789abcdef";
                out += "\\u00";
                out += hex[c >> 4];
                out += hex[c & 15];
            } else {
                out += char(c);
            }
        }
    }
    out += '"';
}

// JavaScript orders an object's integer-like keys ("0", "17") first, ascending.
bool isArrayIndexKey(std::string_view s)
{
    if (s.empty() || s.size() > 10 || !allOf(s, isDigit))
        return false;
    if (s.size() > 1 && s[0] == '0')
        return false;
    return std::stoull(std::string(s)) < 4294967295ull;
}

} // namespace

ResolvedScalar resolvePlainScalar(std::string_view s)
{
    ResolvedScalar r;
    switch (s.size()) {
    case 0:
        r.type = YamlType::Null;
        return r;
    case 1:
        if (s[0] == '~') {
            r.type = YamlType::Null;
            return r;
        }
        break;
    case 4:
        if (s == "null" || s == "Null" || s == "NULL") {
            r.type = YamlType::Null;
            return r;
        }
        if (s == "true" || s == "True" || s == "TRUE") {
            r.type = YamlType::Bool;
            r.boolean = true;
            return r;
        }
        if (s == ".nan" || s == ".NaN" || s == ".NAN") {
            r.type = YamlType::Float;
            r.real = std::numeric_limits<double>::quiet_NaN();
            return r;
        }
        if (s == ".inf" || s == ".Inf" || s == ".INF") {
            r.type = YamlType::Float;
            r.real = std::numeric_limits<double>::infinity();
            return r;
        }
        break;
    case 5:
        if (s == "false" || s == "False" || s == "FALSE") {
            r.type = YamlType::Bool;
            return r;
        }
        if (s == "+.inf" || s == "+.Inf" || s == "+.INF" || s == "-.inf" || s == "-.Inf" || s == "-.INF") {
            r.type = YamlType::Float;
            r.real = s[0] == '-' ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
            return r;
        }
        break;
    default:
        break;
    }
    const char c0 = s[0];
    if (!(isDigit(c0) || c0 == '-' || c0 == '+' || c0 == '.'))
        return r; // the common case: a word
    // [-+]?[0-9]+
    {
        std::string_view digits = s;
        bool neg = false;
        if (digits[0] == '-' || digits[0] == '+') {
            neg = digits[0] == '-';
            digits.remove_prefix(1);
        }
        if (allOf(digits, isDigit)) {
            std::uint64_t v = 0;
            auto res = std::from_chars(digits.data(), digits.data() + digits.size(), v);
            if (res.ec == std::errc() && v <= std::uint64_t(std::numeric_limits<std::int64_t>::max())) {
                r.type = YamlType::Int;
                r.integer = neg ? -std::int64_t(v) : std::int64_t(v);
            } else {
                r.type = YamlType::Float; // JavaScript numbers are doubles
                r.real = parseDouble(s);
            }
            return r;
        }
    }
    if (s.size() > 2 && s[0] == '0' && s[1] == 'o') {
        std::string_view d = s.substr(2);
        if (allOf(d, [](char c) { return c >= '0' && c <= '7'; })) {
            std::uint64_t v = 0;
            auto res = std::from_chars(d.data(), d.data() + d.size(), v, 8);
            r.type = res.ec == std::errc() && v <= std::uint64_t(std::numeric_limits<std::int64_t>::max())
                ? YamlType::Int
                : YamlType::Float;
            r.integer = std::int64_t(v);
            r.real = double(v);
            return r;
        }
    }
    if (s.size() > 2 && s[0] == '0' && s[1] == 'x') {
        std::string_view d = s.substr(2);
        if (allOf(d, isHex)) {
            std::uint64_t v = 0;
            auto res = std::from_chars(d.data(), d.data() + d.size(), v, 16);
            r.type = res.ec == std::errc() && v <= std::uint64_t(std::numeric_limits<std::int64_t>::max())
                ? YamlType::Int
                : YamlType::Float;
            r.integer = std::int64_t(v);
            r.real = double(v);
            return r;
        }
    }
    if (isCoreFloat(s)) {
        r.type = YamlType::Float;
        r.real = parseDouble(s);
        return r;
    }
    return r;
}

// ---- YamlDocument -------------------------------------------------------------------------

std::string_view YamlDocument::text(Index i) const
{
    const Node& n = m_nodes[i];
    if (n.type == YamlType::Sequence || n.type == YamlType::Mapping)
        return {};
    return std::string_view(m_text.data() + n.first, n.size);
}

std::string YamlDocument::scalarAsString(Index i) const
{
    const Node& n = m_nodes[i];
    switch (n.type) {
    case YamlType::Null: return "null";
    case YamlType::Bool: return n.number.boolean ? "true" : "false";
    case YamlType::Int: return std::to_string(n.number.integer);
    case YamlType::Float: {
        if (std::isnan(n.number.real))
            return "NaN";
        if (std::isinf(n.number.real))
            return n.number.real > 0 ? "Infinity" : "-Infinity";
        std::string s;
        appendJsNumber(n.number.real, s);
        return s;
    }
    case YamlType::String: return std::string(text(i));
    case YamlType::Sequence: return "[array]";
    case YamlType::Mapping: return "[object Object]";
    }
    return {};
}

YamlDocument::Index YamlDocument::find(Index map, std::string_view key) const
{
    const Node& m = m_nodes[map];
    if (m.type != YamlType::Mapping)
        return npos;
    for (std::uint32_t n = 0; n < m.size; ++n) {
        Index k = m_children[m.first + 2 * n];
        const Node& kn = m_nodes[k];
        if (kn.type == YamlType::String && kn.size == key.size()
            && std::memcmp(m_text.data() + kn.first, key.data(), key.size()) == 0)
            return m_children[m.first + 2 * n + 1];
    }
    return npos;
}

YamlDocument::Index YamlDocument::findKey(Index map, std::string_view key) const
{
    const Node& m = m_nodes[map];
    if (m.type != YamlType::Mapping)
        return npos;
    for (std::uint32_t n = 0; n < m.size; ++n) {
        Index k = m_children[m.first + 2 * n];
        if (m_nodes[k].type == YamlType::String && text(k) == key)
            return k;
    }
    return npos;
}

void YamlDocument::writeJson(Index i, std::string& out) const
{
    const Node& n = m_nodes[i];
    switch (n.type) {
    case YamlType::Null: out += "null"; return;
    case YamlType::Bool: out += n.number.boolean ? "true" : "false"; return;
    case YamlType::Int: out += std::to_string(n.number.integer); return;
    case YamlType::Float: appendJsNumber(n.number.real, out); return;
    case YamlType::String: appendJsonString(text(i), out); return;
    case YamlType::Sequence:
        out += '[';
        for (std::uint32_t k = 0; k < n.size; ++k) {
            if (k)
                out += ',';
            writeJson(m_children[n.first + k], out);
        }
        out += ']';
        return;
    case YamlType::Mapping: {
        out += '{';
        bool firstOut = true;
        auto writeEntry = [&](std::uint32_t k) {
            if (!firstOut)
                out += ',';
            firstOut = false;
            Index key = m_children[n.first + 2 * k];
            const Node& kn = m_nodes[key];
            appendJsonString(kn.type == YamlType::Null ? std::string() : scalarAsString(key), out);
            out += ':';
            writeJson(m_children[n.first + 2 * k + 1], out);
        };
        // Integer-like keys first, ascending, as JavaScript objects order them.
        std::vector<std::pair<std::uint64_t, std::uint32_t>> indexKeys;
        for (std::uint32_t k = 0; k < n.size; ++k) {
            Index key = m_children[n.first + 2 * k];
            std::string s = m_nodes[key].type == YamlType::Null ? std::string() : scalarAsString(key);
            if (isArrayIndexKey(s))
                indexKeys.emplace_back(std::stoull(s), k);
        }
        std::sort(indexKeys.begin(), indexKeys.end());
        for (auto& [v, k] : indexKeys)
            writeEntry(k);
        for (std::uint32_t k = 0; k < n.size; ++k) {
            if (!indexKeys.empty()
                && std::any_of(indexKeys.begin(), indexKeys.end(), [k](auto& p) { return p.second == k; }))
                continue;
            writeEntry(k);
        }
        out += '}';
        return;
    }
    }
}

QByteArray YamlDocument::toJson(Index i) const
{
    std::string out;
    writeJson(i, out);
    return QByteArray(out.data(), qsizetype(out.size()));
}

YamlDocument::Index YamlDocument::addNode(const Node& n)
{
    m_nodes.push_back(n);
    return Index(m_nodes.size() - 1);
}

YamlDocument::Index YamlDocument::addScalar(YamlType type, std::string_view text, TextPosition pos, bool quoted)
{
    Node n;
    n.type = type;
    n.quoted = quoted;
    n.line = pos.line;
    n.column = pos.column;
    n.first = std::uint32_t(m_text.size());
    n.size = std::uint32_t(text.size());
    m_text.append(text);
    if (type == YamlType::Int || type == YamlType::Float || type == YamlType::Bool) {
        ResolvedScalar r = resolvePlainScalar(text);
        n.number.integer = r.integer;
        if (type == YamlType::Float)
            n.number.real = r.type == YamlType::Int ? double(r.integer) : r.real;
        if (type == YamlType::Bool)
            n.number.boolean = r.boolean;
    }
    return addNode(n);
}

YamlDocument::Index YamlDocument::addContainer(YamlType type, TextPosition pos, const Index* children,
                                               std::uint32_t count)
{
    Node n;
    n.type = type;
    n.line = pos.line;
    n.column = pos.column;
    n.first = std::uint32_t(m_children.size());
    n.size = type == YamlType::Mapping ? count / 2 : count;
    std::uint64_t expanded = 1;
    for (std::uint32_t k = 0; k < count; ++k) {
        m_children.push_back(children[k]);
        expanded += m_nodes[children[k]].expanded;
        if (expanded > (std::uint64_t(1) << 62))
            expanded = std::uint64_t(1) << 62;
    }
    n.expanded = expanded;
    return addNode(n);
}

YamlDocument::Index YamlDocument::import(const YamlDocument& other, Index i, TextPosition pos)
{
    const Node& src = other.m_nodes[i];
    if (src.type == YamlType::Sequence || src.type == YamlType::Mapping) {
        const std::uint32_t count = src.type == YamlType::Mapping ? src.size * 2 : src.size;
        std::vector<Index> kids;
        kids.reserve(count);
        for (std::uint32_t k = 0; k < count; ++k)
            kids.push_back(import(other, other.m_children[src.first + k], pos));
        return addContainer(src.type, pos, kids.data(), count);
    }
    Node n = src;
    n.line = pos.line;
    n.column = pos.column;
    n.first = std::uint32_t(m_text.size());
    m_text.append(other.text(i));
    return addNode(n);
}

void YamlDocument::setValue(Index map, std::uint32_t n, Index newValue)
{
    m_children[m_nodes[map].first + 2 * n + 1] = newValue;
}

void YamlDocument::setItem(Index seq, std::uint32_t n, Index newValue)
{
    m_children[m_nodes[seq].first + n] = newValue;
}

const char* YamlValue::jsonTypeName() const
{
    switch (type()) {
    case YamlType::Null: return "null";
    case YamlType::Bool: return "boolean";
    case YamlType::Int:
    case YamlType::Float: return "number";
    case YamlType::String: return "string";
    case YamlType::Sequence: return "array";
    case YamlType::Mapping: return "object";
    }
    return "null";
}

// ---- parsing --------------------------------------------------------------------------------

namespace {

struct Chunk
{
    size_t begin = 0;
    size_t end = 0;
    int firstLine = 1; // line number of the chunk's first byte
};

bool lineStartsMarker(const char* p, const char* end, char c)
{
    if (end - p < 3 || p[0] != c || p[1] != c || p[2] != c)
        return false;
    if (end - p == 3)
        return true;
    const char n = p[3];
    return n == ' ' || n == '\t' || n == '\n' || n == '\r';
}

bool isIgnorableLine(const char* p, const char* end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
        ++p;
    return p == end || *p == '#' || *p == '%' || *p == '\n';
}

// Cuts the stream before every `---` line and after every `...` line. A document can neither
// contain such a line in a scalar (YAML forbids it) nor span it, so each part parses alone and a
// syntax error costs only its own document.
std::vector<Chunk> splitStream(const char* data, size_t size)
{
    std::vector<Chunk> chunks;
    Chunk current;
    bool currentHasContent = false;
    int line = 1;
    size_t pos = 0;
    while (pos < size) {
        const char* lineBegin = data + pos;
        const char* nl = static_cast<const char*>(std::memchr(lineBegin, '\n', size - pos));
        const size_t lineEnd = nl ? size_t(nl - data) + 1 : size;
        const char* lineEndPtr = data + (nl ? size_t(nl - data) : size);
        if (lineStartsMarker(lineBegin, lineEndPtr, '-') && pos != current.begin) {
            if (currentHasContent) {
                current.end = pos;
                chunks.push_back(current);
                current = Chunk {pos, pos, line};
                currentHasContent = false;
            }
            // else: only comments or directives so far; they belong to this document
        }
        if (!isIgnorableLine(lineBegin, lineEndPtr))
            currentHasContent = true;
        pos = lineEnd;
        ++line;
        if (lineStartsMarker(lineBegin, lineEndPtr, '.')) {
            current.end = pos;
            chunks.push_back(current);
            current = Chunk {pos, pos, line};
            currentHasContent = false;
        }
    }
    current.end = size;
    if (current.end > current.begin)
        chunks.push_back(current);
    return chunks;
}

QString describeYamlProblem(const char* problem, const char* context)
{
    QString p = QString::fromUtf8(problem ? problem : "syntax error");
    QString c = context ? QString::fromUtf8(context) : QString();
    return c.isEmpty() ? p : p + QStringLiteral(" (") + c + QLatin1Char(')');
}

QString hintForYamlProblem(const QString& problem)
{
    if (problem.contains(QLatin1String("mapping values are not allowed")))
        return QStringLiteral("A value contains ': ' or the indentation is off. Quote the value, or align the key "
                              "with its siblings.");
    if (problem.contains(QLatin1String("did not find expected key")))
        return QStringLiteral("Check the indentation on this line and the one before it: keys of one mapping must "
                              "start in the same column.");
    if (problem.contains(QLatin1String("UTF-8")) || problem.contains(QLatin1String("control characters")))
        return QStringLiteral("Save the file as UTF-8 text; YAML files cannot hold binary data.");
    if (problem.contains(QLatin1String("found character that cannot start any token")))
        return QStringLiteral("Tabs cannot indent YAML, and '@' and '`' cannot start a plain value: use spaces, or "
                              "quote the value.");
    if (problem.contains(QLatin1String("while scanning a quoted scalar")) || problem.contains(QLatin1String("quoted")))
        return QStringLiteral("Close the quote that starts here, or escape the quotes inside the value.");
    return QStringLiteral("Fix the YAML syntax at this position; a YAML linter shows the same spot.");
}

// Builds YamlDocuments from libyaml events.
class TreeBuilder
{
public:
    TreeBuilder(const YamlLimits& limits, int lineOffset)
        : m_limits(limits)
        , m_lineOffset(lineOffset)
    {
    }

    void startDocument(int line)
    {
        m_current = YamlStreamDocument();
        m_current.startLine = line;
        m_current.document.setStartLine(line);
        m_stack.clear();
        m_pending.clear();
        m_anchors.clear();
        m_failed = false;
    }

    YamlStreamDocument takeDocument() { return std::move(m_current); }
    bool failed() const { return m_failed; }
    void fail(TextPosition pos, QString message, QString hint)
    {
        if (m_failed)
            return;
        m_failed = true;
        m_current.error = YamlProblem {pos, std::move(message), std::move(hint)};
        m_current.document = YamlDocument();
    }
    YamlStreamDocument& current() { return m_current; }

    TextPosition pos(const yaml_mark_t& m) const { return {int(m.line) + m_lineOffset, int(m.column) + 1}; }

    void scalar(const yaml_event_t& ev)
    {
        if (m_failed)
            return;
        const auto& s = ev.data.scalar;
        std::string_view text(reinterpret_cast<const char*>(s.value), s.length);
        const TextPosition p = pos(ev.start_mark);
        YamlType type = YamlType::String;
        bool quoted = s.style != YAML_PLAIN_SCALAR_STYLE;
        const char* tag = reinterpret_cast<const char*>(s.tag);
        if (tag && std::strcmp(tag, "!") != 0) {
            type = typeForTag(tag, text, p);
            quoted = true;
        } else if (!quoted) {
            type = resolvePlainScalar(text).type;
        }
        YamlDocument& doc = m_current.document;
        YamlDocument::Index idx = doc.addScalar(type, text, p, quoted);
        if (s.anchor)
            m_anchors[reinterpret_cast<const char*>(s.anchor)] = idx;
        push(idx, p);
    }

    void alias(const yaml_event_t& ev)
    {
        if (m_failed)
            return;
        const TextPosition p = pos(ev.start_mark);
        const std::string name(reinterpret_cast<const char*>(ev.data.alias.anchor));
        auto it = m_anchors.find(name);
        if (it == m_anchors.end()) {
            fail(p, QStringLiteral("alias *%1 refers to an anchor &%1 that is not defined before it").arg(QString::fromStdString(name)),
                 QStringLiteral("Define the anchor (&%1) earlier in the same document, or replace the alias with the value.")
                     .arg(QString::fromStdString(name)));
            return;
        }
        if (it->second == YamlDocument::npos) {
            fail(p, QStringLiteral("alias *%1 refers to the collection that contains it").arg(QString::fromStdString(name)),
                 QStringLiteral("A collection cannot contain itself; replace the alias with a value."));
            return;
        }
        push(it->second, p);
    }

    void startCollection(const yaml_event_t& ev, YamlType type)
    {
        if (m_failed)
            return;
        const TextPosition p = pos(ev.start_mark);
        if (int(m_stack.size()) >= m_limits.maxDepth) {
            fail(p, QStringLiteral("nesting is deeper than %1 levels").arg(m_limits.maxDepth),
                 QStringLiteral("Catalog files are shallow; this looks like generated or hostile input. Flatten it."));
            return;
        }
        const yaml_char_t* anchor
            = type == YamlType::Mapping ? ev.data.mapping_start.anchor : ev.data.sequence_start.anchor;
        Frame f;
        f.type = type;
        f.pos = p;
        f.pendingBegin = m_pending.size();
        if (anchor) {
            f.anchor = reinterpret_cast<const char*>(anchor);
            m_anchors[f.anchor] = YamlDocument::npos; // in progress: an alias to it now is recursive
        }
        m_stack.push_back(std::move(f));
    }

    void endCollection()
    {
        if (m_failed)
            return;
        Frame f = std::move(m_stack.back());
        m_stack.pop_back();
        const std::uint32_t count = std::uint32_t(m_pending.size() - f.pendingBegin);
        YamlDocument& doc = m_current.document;
        if (f.type == YamlType::Mapping && !checkKeys(f, count))
            return;
        YamlDocument::Index idx = doc.addContainer(f.type, f.pos, m_pending.data() + f.pendingBegin, count);
        m_pending.resize(f.pendingBegin);
        if (doc.node(idx).expanded > m_limits.maxExpandedNodes) {
            fail(f.pos,
                 QStringLiteral("aliases in this document expand to more than %1 values").arg(m_limits.maxExpandedNodes),
                 QStringLiteral("This is the shape of a \"billion laughs\" attack. Write the values out, or use fewer "
                                "nested aliases."));
            return;
        }
        if (!f.anchor.empty())
            m_anchors[f.anchor] = idx;
        push(idx, f.pos);
    }

    void endDocument()
    {
        if (!m_failed && m_rootSet)
            m_current.document.setRoot(m_root);
        m_rootSet = false;
    }

private:
    struct Frame
    {
        YamlType type = YamlType::Mapping;
        TextPosition pos;
        size_t pendingBegin = 0;
        std::string anchor;
    };

    YamlType typeForTag(const char* tag, std::string_view text, TextPosition p)
    {
        static constexpr std::string_view core = "tag:yaml.org,2002:";
        std::string_view t(tag);
        if (t.substr(0, core.size()) == core) {
            std::string_view name = t.substr(core.size());
            const ResolvedScalar r = resolvePlainScalar(text);
            if (name == "str" || name == "binary" || name == "timestamp")
                return YamlType::String;
            if (name == "null" && r.type == YamlType::Null)
                return YamlType::Null;
            if (name == "bool" && r.type == YamlType::Bool)
                return YamlType::Bool;
            if (name == "int" && r.type == YamlType::Int)
                return YamlType::Int;
            if (name == "float" && (r.type == YamlType::Float || r.type == YamlType::Int))
                return YamlType::Float;
        }
        m_current.warnings.push_back(
            {p, QStringLiteral("the tag %1 does not apply to this value; it is read as a string").arg(QString::fromUtf8(tag)),
             QStringLiteral("Backstage ignores custom tags too. Remove the tag.")});
        return YamlType::String;
    }

    bool checkKeys(const Frame& f, std::uint32_t count)
    {
        const YamlDocument& doc = m_current.document;
        const YamlDocument::Index* kids = m_pending.data() + f.pendingBegin;
        const std::uint32_t entries = count / 2;
        for (std::uint32_t i = 0; i < entries; ++i) {
            const YamlDocument::Index k = kids[2 * i];
            const YamlType kt = doc.type(k);
            if (kt == YamlType::Sequence || kt == YamlType::Mapping) {
                fail(doc.position(k), QStringLiteral("a mapping key is itself a list or a mapping"),
                     QStringLiteral("Use plain text keys; Backstage reads entities as JSON objects."));
                return false;
            }
            if (doc.type(k) == YamlType::String && doc.text(k) == "<<" && !doc.node(k).quoted) {
                m_current.warnings.push_back(
                    {doc.position(k),
                     QStringLiteral("'<<' is kept as an ordinary key; Backstage does not merge YAML merge keys"),
                     QStringLiteral("Write the merged keys out in full.")});
            }
        }
        // Keys are equal when their values are, as in the JavaScript reader: `a` and 'a' clash, 1 and "1" do not.
        auto sameKey = [&](YamlDocument::Index a, YamlDocument::Index b) {
            const auto& na = doc.node(a);
            const auto& nb = doc.node(b);
            if (na.type != nb.type)
                return false;
            switch (na.type) {
            case YamlType::Null: return true;
            case YamlType::Bool: return na.number.boolean == nb.number.boolean;
            case YamlType::Int: return na.number.integer == nb.number.integer;
            case YamlType::Float: return na.number.real == nb.number.real;
            default: return doc.text(a) == doc.text(b);
            }
        };
        auto report = [&](std::uint32_t first, std::uint32_t dup) {
            const YamlDocument::Index k = kids[2 * dup];
            const TextPosition firstPos = doc.position(kids[2 * first]);
            fail(doc.position(k),
                 QStringLiteral("duplicate key \"%1\" (first defined on line %2)")
                     .arg(QString::fromStdString(doc.scalarAsString(k)))
                     .arg(firstPos.line),
                 QStringLiteral("Keep one of the two; Backstage rejects the whole document when a key repeats."));
        };
        if (entries <= 24) {
            for (std::uint32_t i = 1; i < entries; ++i)
                for (std::uint32_t j = 0; j < i; ++j)
                    if (sameKey(kids[2 * j], kids[2 * i])) {
                        report(j, i);
                        return false;
                    }
            return true;
        }
        std::unordered_map<std::string, std::uint32_t> seen;
        seen.reserve(entries);
        for (std::uint32_t i = 0; i < entries; ++i) {
            const YamlDocument::Index k = kids[2 * i];
            std::string id = std::to_string(int(doc.type(k))) + ':' + doc.scalarAsString(k);
            auto [it, inserted] = seen.emplace(std::move(id), i);
            if (!inserted) {
                report(it->second, i);
                return false;
            }
        }
        return true;
    }

    void push(YamlDocument::Index idx, TextPosition)
    {
        if (m_stack.empty()) {
            m_root = idx;
            m_rootSet = true;
        } else {
            m_pending.push_back(idx);
        }
    }

    const YamlLimits& m_limits;
    int m_lineOffset;
    YamlStreamDocument m_current;
    std::vector<Frame> m_stack;
    std::vector<YamlDocument::Index> m_pending;
    std::unordered_map<std::string, YamlDocument::Index> m_anchors;
    YamlDocument::Index m_root = YamlDocument::npos;
    bool m_rootSet = false;
    bool m_failed = false;
};

TextPosition positionOfOffset(const char* data, size_t offset, int firstLine)
{
    int line = firstLine;
    size_t lineStart = 0;
    for (size_t i = 0; i < offset; ++i)
        if (data[i] == '\n') {
            ++line;
            lineStart = i + 1;
        }
    return {line, int(offset - lineStart) + 1};
}

void parseChunk(const char* data, size_t size, int firstLine, const YamlLimits& limits, int& docCounter,
                std::vector<YamlStreamDocument>& out)
{
    yaml_parser_t parser;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(data), size);
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
    TreeBuilder builder(limits, firstLine);
    bool inDocument = false;
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            TextPosition p;
            if (parser.error == YAML_READER_ERROR)
                p = positionOfOffset(data, std::min(parser.problem_offset, size), firstLine);
            else
                p = builder.pos(parser.problem_mark);
            const QString problem = describeYamlProblem(parser.problem, parser.context);
            if (!inDocument) {
                builder.startDocument(p.line);
                builder.current().index = docCounter++;
            }
            builder.fail(p, QStringLiteral("YAML syntax error: ") + problem, hintForYamlProblem(problem));
            out.push_back(builder.takeDocument());
            break;
        }
        bool done = false;
        switch (ev.type) {
        case YAML_DOCUMENT_START_EVENT:
            builder.startDocument(int(ev.start_mark.line) + firstLine);
            builder.current().index = docCounter++;
            inDocument = true;
            break;
        case YAML_DOCUMENT_END_EVENT:
            builder.endDocument();
            out.push_back(builder.takeDocument());
            inDocument = false;
            break;
        case YAML_SCALAR_EVENT: builder.scalar(ev); break;
        case YAML_ALIAS_EVENT: builder.alias(ev); break;
        case YAML_SEQUENCE_START_EVENT: builder.startCollection(ev, YamlType::Sequence); break;
        case YAML_MAPPING_START_EVENT: builder.startCollection(ev, YamlType::Mapping); break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT: builder.endCollection(); break;
        case YAML_STREAM_END_EVENT: done = true; break;
        default: break;
        }
        yaml_event_delete(&ev);
        if (done)
            break;
        if (builder.failed()) {
            // Stop at once: reading on through hostile input (100,000 nested brackets) is where
            // the time goes, and the chunk normally holds only this document.
            out.push_back(builder.takeDocument());
            break;
        }
    }
    yaml_parser_delete(&parser);
}

} // namespace

std::vector<YamlStreamDocument> parseYamlStream(const QByteArray& input, const YamlLimits& limits)
{
    QByteArray bytes = input;
    // UTF-16 and UTF-32 with a byte order mark are legal YAML; work in UTF-8 throughout.
    if (bytes.startsWith("\xFF\xFE") || bytes.startsWith("\xFE\xFF")) {
        const bool le = bytes.startsWith("\xFF\xFE");
        QString s;
        s.resize((bytes.size() - 2) / 2);
        for (qsizetype i = 0; i < s.size(); ++i) {
            const auto b0 = uchar(bytes[2 + 2 * i]), b1 = uchar(bytes[3 + 2 * i]);
            s[i] = QChar(le ? ushort(b0 | (b1 << 8)) : ushort((b0 << 8) | b1));
        }
        bytes = s.toUtf8();
    } else if (bytes.startsWith("\xEF\xBB\xBF")) {
        bytes.remove(0, 3);
    }
    std::vector<YamlStreamDocument> out;
    int docCounter = 0;
    for (const Chunk& c : splitStream(bytes.constData(), size_t(bytes.size())))
        parseChunk(bytes.constData() + c.begin, c.end - c.begin, c.firstLine, limits, docCounter, out);
    return out;
}

} // namespace Flightdeck::Catalog
