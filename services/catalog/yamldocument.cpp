// SPDX-License-Identifier: Apache-2.0
#include "yamldocument.h"

#include "fastyaml.h"
#include "yamltreebuilder.h"

#include <yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <functional>
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
    size_t run = 0; // start of the pending run of characters that need no escape
    for (size_t i = 0; i < s.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        out.append(s.data() + run, i - run);
        run = i + 1;
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default: {
            static const char hex[] = "0123456789abcdef";
            out += "\\u00";
            out += hex[c >> 4];
            out += hex[c & 15];
        }
        }
    }
    out.append(s.data() + run, s.size() - run);
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
        // JavaScript puts integer-like keys ("0", "17") first, ascending; almost no entity has any.
        const auto keyText = [this](Index key) -> std::string {
            const Node& kn = m_nodes[key];
            return kn.type == YamlType::Null ? std::string() : scalarAsString(key);
        };
        const auto indexLike = [&](Index key) {
            const Node& kn = m_nodes[key];
            if (kn.type == YamlType::String)
                return isArrayIndexKey(text(key));
            return kn.type == YamlType::Int && kn.number.integer >= 0;
        };
        std::vector<std::pair<std::uint64_t, std::uint32_t>> indexKeys;
        for (std::uint32_t k = 0; k < n.size; ++k) {
            const Index key = m_children[n.first + 2 * k];
            if (indexLike(key)) {
                const std::string t = keyText(key);
                if (isArrayIndexKey(t))
                    indexKeys.emplace_back(std::stoull(t), k);
            }
        }
        std::sort(indexKeys.begin(), indexKeys.end());
        bool firstOut = true;
        const auto writeEntry = [&](std::uint32_t k) {
            if (!firstOut)
                out += ',';
            firstOut = false;
            const Index key = m_children[n.first + 2 * k];
            if (m_nodes[key].type == YamlType::String)
                appendJsonString(text(key), out);
            else
                appendJsonString(keyText(key), out);
            out += ':';
            writeJson(m_children[n.first + 2 * k + 1], out);
        };
        for (const auto& entry : indexKeys)
            writeEntry(entry.second);
        for (std::uint32_t k = 0; k < n.size; ++k) {
            if (!indexKeys.empty()
                && std::any_of(indexKeys.begin(), indexKeys.end(), [k](const auto& p) { return p.second == k; }))
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
    out.reserve(m_text.size() + m_nodes.size() * 4);
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

bool lineStartsMarker(const char* p, const char* end, char c)
{
    if (end - p < 3 || p[0] != c || p[1] != c || p[2] != c)
        return false;
    if (end - p == 3)
        return true;
    const char n = p[3];
    return n == ' ' || n == '\t' || n == '\n' || n == '\r';
}

// A line that starts a document: `---` at column 0. No scalar may contain such a line (YAML
// forbids it), so parsing can always start afresh there.
struct DocumentStart
{
    int line = 1;
    size_t offset = 0;
};

std::vector<DocumentStart> documentStarts(const char* data, size_t size)
{
    std::vector<DocumentStart> starts;
    int line = 1;
    size_t pos = 0;
    while (pos < size) {
        const char* lineBegin = data + pos;
        const char* nl = static_cast<const char*>(std::memchr(lineBegin, '\n', size - pos));
        const char* lineEnd = nl ? nl : data + size;
        if (lineStartsMarker(lineBegin, lineEnd, '-'))
            starts.push_back({line, pos});
        pos = nl ? size_t(nl - data) + 1 : size;
        ++line;
    }
    return starts;
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

// Parses documents from data until the end or the first failure. Returns 0 when the stream was
// read to its end, or the line where a document failed (its failure was reported). With stopLine,
// reading ends before a document that starts on that line or later.
int parseFrom(const char* data, size_t size, int firstLine, const YamlLimits& limits, int& docCounter,
              YamlStreamDocument& current, const std::function<void(YamlStreamDocument&)>& visit, int stopLine = 0)
{
    yaml_parser_t parser;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(data), size);
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
    Detail::YamlTreeBuilder builder(limits, current);
    const auto pos = [firstLine](const yaml_mark_t& m) { return TextPosition {int(m.line) + firstLine, int(m.column) + 1}; };
    bool inDocument = false;
    int failedAt = 0;
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            TextPosition p;
            if (parser.error == YAML_READER_ERROR)
                p = positionOfOffset(data, std::min(parser.problem_offset, size), firstLine);
            else
                p = pos(parser.problem_mark);
            const QString problem = describeYamlProblem(parser.problem, parser.context);
            if (!inDocument) {
                builder.startDocument(p.line);
                current.index = docCounter++;
            }
            builder.fail(p, QStringLiteral("YAML syntax error: ") + problem, hintForYamlProblem(problem));
            visit(current);
            failedAt = std::max(p.line, 1);
            break;
        }
        if (stopLine && ev.type == YAML_DOCUMENT_START_EVENT && int(ev.start_mark.line) + firstLine >= stopLine) {
            yaml_event_delete(&ev);
            break;
        }
        bool done = false;
        switch (ev.type) {
        case YAML_DOCUMENT_START_EVENT:
            builder.startDocument(int(ev.start_mark.line) + firstLine);
            current.index = docCounter++;
            inDocument = true;
            break;
        case YAML_DOCUMENT_END_EVENT:
            builder.endDocument();
            visit(current);
            inDocument = false;
            break;
        case YAML_SCALAR_EVENT: {
            const auto& sc = ev.data.scalar;
            builder.scalar(std::string_view(reinterpret_cast<const char*>(sc.value), sc.length), pos(ev.start_mark),
                           sc.style == YAML_PLAIN_SCALAR_STYLE, reinterpret_cast<const char*>(sc.tag),
                           reinterpret_cast<const char*>(sc.anchor));
            break;
        }
        case YAML_ALIAS_EVENT:
            builder.alias(reinterpret_cast<const char*>(ev.data.alias.anchor), pos(ev.start_mark));
            break;
        case YAML_SEQUENCE_START_EVENT:
            builder.startCollection(YamlType::Sequence, pos(ev.start_mark),
                                    reinterpret_cast<const char*>(ev.data.sequence_start.anchor));
            break;
        case YAML_MAPPING_START_EVENT:
            builder.startCollection(YamlType::Mapping, pos(ev.start_mark),
                                    reinterpret_cast<const char*>(ev.data.mapping_start.anchor));
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT: builder.endCollection(); break;
        case YAML_STREAM_END_EVENT: done = true; break;
        default: break;
        }
        const int eventLine = int(ev.start_mark.line) + firstLine;
        yaml_event_delete(&ev);
        if (done)
            break;
        if (builder.failed()) {
            // Stop at once: reading on through hostile input (100,000 nested brackets) is where
            // the time goes; the caller resumes at the next document.
            visit(current);
            failedAt = std::max(eventLine, current.error ? current.error->position.line : 1);
            break;
        }
    }
    yaml_parser_delete(&parser);
    return failedAt;
}

} // namespace

void YamlDocument::clear()
{
    m_nodes.clear();
    m_children.clear();
    m_text.clear();
    m_root = npos;
    m_placeholderCandidates = false;
}

namespace {

// Line breaks other than LF and CRLF: a lone CR, NEL, LS and PS, which libyaml counts as lines.
bool hasUnusualLineBreaks(const char* data, size_t size)
{
    const char* end = data + size;
    for (const char* p = data; (p = static_cast<const char*>(std::memchr(p, '\r', size_t(end - p)))); ++p)
        if (p + 1 == end || p[1] != '\n')
            return true;
    for (const char* p = data; (p = static_cast<const char*>(std::memchr(p, '\xC2', size_t(end - p)))); ++p)
        if (p + 1 < end && p[1] == '\x85')
            return true;
    for (const char* p = data; (p = static_cast<const char*>(std::memchr(p, '\xE2', size_t(end - p)))); ++p)
        if (p + 2 < end && p[1] == '\x80' && (p[2] == '\xA8' || p[2] == '\xA9'))
            return true;
    return false;
}

// Whether some line starts with '%': a directive belongs to the document after the next `---`.
bool hasDirectiveLine(const char* data, size_t size)
{
    for (size_t i = 0; i < size;) {
        if (data[i] == '%')
            return true;
        const void* nl = std::memchr(data + i, '\n', size - i);
        if (!nl)
            break;
        i = size_t(static_cast<const char*>(nl) - data) + 1;
    }
    return false;
}

// One parser reads the whole stream. When a document fails, parsing resumes at the next `---`
// line, so a syntax error costs only its own document, as in Backstage.
void readStreamWithLibyaml(const char* data, size_t size, const YamlLimits& limits,
                           const std::function<void(YamlStreamDocument&)>& visit)
{
    std::vector<DocumentStart> starts;
    YamlStreamDocument current;
    int docCounter = 0;
    size_t offset = 0;
    int line = 1;
    while (offset < size) {
        const int failedAt = parseFrom(data + offset, size - offset, line, limits, docCounter, current, visit);
        if (failedAt == 0)
            break;
        if (starts.empty())
            starts = documentStarts(data, size);
        const int documentLine = current.startLine;
        const auto next = std::find_if(starts.begin(), starts.end(), [&](const DocumentStart& d) {
            return d.offset > offset && d.line >= failedAt && d.line > documentLine;
        });
        if (next == starts.end())
            break;
        offset = next->offset;
        line = next->line;
    }
}

// The stream cut at its `---` lines, each range read by the fast reader or, when it declines, by
// libyaml. A syntax error costs only its own document, as in Backstage.
void readRanges(const char* data, size_t size, bool fast, const YamlLimits& limits,
                const std::function<void(YamlStreamDocument&)>& visit)
{
    std::vector<DocumentStart> ranges = documentStarts(data, size);
    if (ranges.empty() || ranges.front().offset != 0)
        ranges.insert(ranges.begin(), DocumentStart {1, 0});
    const auto rangeEnd = [&](size_t i) { return i + 1 < ranges.size() ? ranges[i + 1].offset : size; };
    YamlStreamDocument current;
    Detail::YamlTreeBuilder builder(limits, current);
    Detail::FastYamlReader reader;
    int docCounter = 0;
    size_t i = 0;
    while (i < ranges.size()) {
        const size_t begin = ranges[i].offset;
        if (fast) {
            switch (reader.read(data + begin, rangeEnd(i) - begin, ranges[i].line, builder)) {
            case Detail::FastYamlResult::Document:
                current.index = docCounter++;
                visit(current);
                ++i;
                continue;
            case Detail::FastYamlResult::NoDocument: ++i; continue;
            case Detail::FastYamlResult::Declined: break;
            }
        }
        // libyaml reads this range, and the next ones while a directive line announces a document
        // that starts in the next range. It also sees the next range's `---`, so that a scalar or
        // collection left open meets what it meets when the whole stream is read, and stops there.
        size_t last = i;
        while (last + 1 < ranges.size() && hasDirectiveLine(data + ranges[last].offset, rangeEnd(last) - ranges[last].offset))
            ++last;
        const bool more = last + 1 < ranges.size();
        const size_t inputEnd = more ? rangeEnd(last) + 3 : size;
        const int failedAt = parseFrom(data + begin, inputEnd - begin, ranges[i].line, limits, docCounter, current,
                                       visit, more ? ranges[last + 1].line : 0);
        if (failedAt == 0) {
            i = last + 1;
            continue;
        }
        const int documentLine = current.startLine;
        size_t next = i + 1;
        while (next < ranges.size() && !(ranges[next].line >= failedAt && ranges[next].line > documentLine))
            ++next;
        i = next;
    }
}

} // namespace

void Detail::forEachYamlDocumentWith(YamlReaderMode mode, const QByteArray& input, const YamlLimits& limits,
                                     const std::function<void(YamlStreamDocument&)>& visit)
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
    const char* data = bytes.constData();
    const size_t size = size_t(bytes.size());
    // Ranges are cut at `---` lines counted by LF; libyaml counts lines at other breaks too.
    if (mode == YamlReaderMode::LibyamlStream || hasUnusualLineBreaks(data, size))
        readStreamWithLibyaml(data, size, limits, visit);
    else
        readRanges(data, size, mode == YamlReaderMode::Fast, limits, visit);
}

void forEachYamlDocument(const QByteArray& input, const YamlLimits& limits,
                         const std::function<void(YamlStreamDocument&)>& visit)
{
    Detail::forEachYamlDocumentWith(Detail::YamlReaderMode::Fast, input, limits, visit);
}

std::vector<YamlStreamDocument> parseYamlStream(const QByteArray& input, const YamlLimits& limits)
{
    std::vector<YamlStreamDocument> out;
    forEachYamlDocument(input, limits, [&](YamlStreamDocument& d) { out.push_back(d); });
    return out;
}

} // namespace Flightdeck::Catalog
