// SPDX-License-Identifier: Apache-2.0
#include "fastyaml.h"

#include "yamltreebuilder.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <string_view>

// The rules below mirror libyaml 0.2.5 (scanner.c and parser.c), which is the reference: where
// the YAML specification and libyaml differ, the reader does what libyaml does, and where a rule is
// subtle (simple keys longer than 1024 characters, tabs, ':' in flow scalars) it declines.

namespace Flightdeck::Catalog::Detail {

namespace {

enum LineKind : std::uint8_t { Blank, Comment, Content };

// Deeper nesting goes to libyaml; the tree builder applies the configured limit either way.
constexpr int kMaxDepth = 200;
// libyaml forgets a simple key once the ':' is more than 1024 characters after its start; a
// byte count below that is safely below it in characters too.
constexpr std::ptrdiff_t kMaxKeyBytes = 1000;

// Byte classes of the line splitter.
enum ByteClass : std::uint8_t { Ordinary, Newline, Return, Refused, Utf8 };

constexpr auto kByteClasses = [] {
    std::array<std::uint8_t, 256> t {};
    for (int c = 0; c < 256; ++c) {
        if (c == '\n')
            t[c] = Newline;
        else if (c == '\r')
            t[c] = Return;
        else if (c == '\t' || (c >= 0x20 && c < 0x7f))
            t[c] = Ordinary;
        else if (c >= 0x80)
            t[c] = Utf8;
        else
            t[c] = Refused; // control characters, which libyaml rejects
    }
    return t;
}();

// Characters a plain scalar cannot start with (libyaml's list), plus the blanks.
constexpr auto kPlainStartRefused = [] {
    std::array<bool, 256> t {};
    for (unsigned char c : std::string_view("-?:,[]{}#&*!|>'\"%@` \t"))
        t[c] = true;
    return t;
}();

// Characters that need a look inside a plain scalar: block context, flow context.
constexpr auto kPlainSpecialBlock = [] {
    std::array<bool, 256> t {};
    for (unsigned char c : std::string_view(": \t"))
        t[c] = true;
    return t;
}();
constexpr auto kPlainSpecialFlow = [] {
    std::array<bool, 256> t {};
    for (unsigned char c : std::string_view(": \t,[]{}"))
        t[c] = true;
    return t;
}();

// Length of the UTF-8 sequence at p, or 0 when libyaml would reject it or it is a character the
// reader leaves to libyaml: C1 controls (NEL is a line break to libyaml), LS and PS (line breaks),
// the byte order mark (skipped at line starts) and the non-characters U+FFFE and U+FFFF.
std::size_t utf8Length(const unsigned char* p, std::size_t avail)
{
    const unsigned char c = p[0];
    const auto cont = [&](std::size_t i) { return i < avail && (p[i] & 0xC0) == 0x80; };
    if (c < 0xC2)
        return 0;
    if (c < 0xE0) {
        if (!cont(1))
            return 0;
        const unsigned v = ((c & 0x1Fu) << 6) | (p[1] & 0x3Fu);
        return v >= 0xA0 ? 2 : 0;
    }
    if (c < 0xF0) {
        if (!cont(1) || !cont(2))
            return 0;
        const unsigned v = ((c & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
        if (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF) || v == 0x2028 || v == 0x2029 || v == 0xFEFF || v >= 0xFFFE)
            return 0;
        return 3;
    }
    if (c < 0xF5) {
        if (!cont(1) || !cont(2) || !cont(3))
            return 0;
        const unsigned v = ((c & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12) | ((p[2] & 0x3Fu) << 6) | (p[3] & 0x3Fu);
        return v >= 0x10000 && v <= 0x10FFFF ? 4 : 0;
    }
    return 0;
}

void appendUtf8(std::string& out, std::uint32_t v)
{
    if (v < 0x80) {
        out += char(v);
    } else if (v < 0x800) {
        out += char(0xC0 | (v >> 6));
        out += char(0x80 | (v & 0x3F));
    } else if (v < 0x10000) {
        out += char(0xE0 | (v >> 12));
        out += char(0x80 | ((v >> 6) & 0x3F));
        out += char(0x80 | (v & 0x3F));
    } else {
        out += char(0xF0 | (v >> 18));
        out += char(0x80 | ((v >> 12) & 0x3F));
        out += char(0x80 | ((v >> 6) & 0x3F));
        out += char(0x80 | (v & 0x3F));
    }
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool isBlankOrEnd(const char* p, const char* end) { return p == end || *p == ' ' || *p == '\t'; }

// Word-at-a-time byte tests, the first byte in the lowest bits. Each sets the high bit of the bytes it is about; the
// lowest set bit is always exact, which is all the callers use (bits above it may be spurious).
constexpr std::uint64_t kOnes = 0x0101010101010101ull;
constexpr std::uint64_t kHighs = 0x8080808080808080ull;

std::uint64_t load8(const void* p)
{
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    if constexpr (std::endian::native == std::endian::big)
        w = __builtin_bswap64(w);
    return w;
}

std::uint64_t zeroBytes(std::uint64_t w) { return (w - kOnes) & ~w & kHighs; }

// Bytes outside printable ASCII: controls (tab and line breaks included), DEL, and non-ASCII.
std::uint64_t unusualBytes(std::uint64_t w)
{
    return (w & kHighs) | ((w - kOnes * 0x20) & ~w & kHighs) | zeroBytes(w ^ (kOnes * 0x7f));
}


} // namespace

// ---- lines ------------------------------------------------------------------------------------

bool FastYamlReader::splitLines()
{
    m_lines.clear();
    const auto* d = reinterpret_cast<const unsigned char*>(m_data);
    const std::size_t n = m_size;
    std::size_t i = 0;
    while (i < n) {
        Line line;
        line.begin = std::uint32_t(i);
        std::size_t k = i;
        while (n - k >= 8) {
            const std::uint64_t other = load8(d + k) ^ (kOnes * ' ');
            if (other) {
                k += std::size_t(__builtin_ctzll(other) >> 3);
                break;
            }
            k += 8;
        }
        while (k < n && d[k] == ' ')
            ++k;
        line.indent = std::uint32_t(k - i);
        for (;;) {
            // Eight bytes at a time to the first one that is not printable ASCII: the common case.
            while (n - k >= 8) {
                const std::uint64_t mask = unusualBytes(load8(d + k));
                if (mask) {
                    k += std::size_t(__builtin_ctzll(mask) >> 3);
                    break;
                }
                k += 8;
            }
            if (k == n) {
                line.end = std::uint32_t(k);
                break;
            }
            const unsigned char c = d[k];
            switch (kByteClasses[c]) {
            case Ordinary:
                line.tabs |= c == '\t';
                ++k;
                continue;
            case Newline:
                line.end = std::uint32_t(k);
                line.newline = true;
                ++k;
                break;
            case Return:
                // A lone carriage return is a line break to libyaml; leave such files to it.
                if (k + 1 < n && d[k + 1] == '\n') {
                    line.end = std::uint32_t(k);
                    line.newline = true;
                    k += 2;
                    break;
                }
                return false;
            case Refused: return false;
            case Utf8: {
                const std::size_t len = utf8Length(d + k, n - k);
                if (!len)
                    return false;
                line.ascii = false;
                k += len;
                continue;
            }
            }
            break;
        }
        const std::size_t length = line.end - line.begin;
        if (line.indent == length)
            line.kind = Blank;
        else
            line.kind = d[line.begin + line.indent] == '#' ? Comment : Content;
        if (length > 0) {
            const unsigned char c0 = d[line.begin];
            // Directives, document markers and what could be taken for them are libyaml's.
            if (c0 == '%')
                return false;
            if (length >= 3 && (c0 == '-' || c0 == '.') && d[line.begin + 1] == c0 && d[line.begin + 2] == c0
                && !(c0 == '-' && m_lines.empty()))
                return false;
        }
        m_lines.push_back(line);
        i = k;
    }
    return true;
}

std::uint32_t FastYamlReader::nextContent(std::uint32_t li) const
{
    const auto n = std::uint32_t(m_lines.size());
    while (li < n && m_lines[li].kind != Content)
        ++li;
    return li;
}

int FastYamlReader::column(std::uint32_t li, const char* p) const
{
    const Line& line = m_lines[li];
    const char* b = m_data + line.begin;
    if (line.ascii)
        return int(p - b);
    int c = 0;
    for (const char* q = b; q < p; ++q)
        c += (static_cast<unsigned char>(*q) & 0xC0) != 0x80;
    return c;
}

bool FastYamlReader::isEntryAt(std::uint32_t li, const char* p) const
{
    const char* e = lineEnd(li);
    return p < e && *p == '-' && (p + 1 == e || p[1] == ' ');
}

// True when only spaces and perhaps a comment follow p on its line.
bool FastYamlReader::restIsComment(std::uint32_t li, const char* p) const
{
    const char* e = lineEnd(li);
    while (p < e && *p == ' ')
        ++p;
    return p == e || *p == '#';
}

// ---- events -----------------------------------------------------------------------------------

void FastYamlReader::emitScalar(std::uint32_t li, const Token& t)
{
    Event e;
    e.kind = Event::Scalar;
    e.plain = t.plain;
    e.scratch = t.scratch;
    e.line = m_firstLine + int(li);
    e.column = column(li, t.start) + 1;
    e.offset = t.offset;
    e.length = t.length;
    m_events.push_back(e);
}

// An empty plain scalar: libyaml gives it the position of the mark it is implied at.
void FastYamlReader::emitEmpty(int line, int column)
{
    Event e;
    e.kind = Event::Scalar;
    e.plain = true;
    e.line = line;
    e.column = column;
    m_events.push_back(e);
}

void FastYamlReader::emitStart(Event::Kind kind, std::uint32_t li, const char* p)
{
    Event e;
    e.kind = kind;
    e.line = m_firstLine + int(li);
    e.column = column(li, p) + 1;
    m_events.push_back(e);
}

void FastYamlReader::emitEnd()
{
    Event e;
    e.kind = Event::End;
    m_events.push_back(e);
}

// ---- scalars ----------------------------------------------------------------------------------

bool FastYamlReader::scanScalar(std::uint32_t li, const char* p, bool flow, Token& t)
{
    const char* e = lineEnd(li);
    const char c = *p;
    if (c == '\'')
        return scanSingleQuoted(p, e, t);
    if (c == '"')
        return scanDoubleQuoted(p, e, t);
    if (kPlainStartRefused[static_cast<unsigned char>(c)]) {
        // "-x" is a plain scalar; "- x" is a sequence entry, which callers recognise first.
        if (c != '-' || isBlankOrEnd(p + 1, e))
            return false;
    }
    if (!flow && !m_lines[li].tabs)
        return scanPlainSimple(p, e, t);
    return scanPlain(p, e, flow, t);
}

// scanPlain for block context on a line without tabs: only ':' and '#' can end the scalar, so
// the search skips spaces too; trailing spaces are trimmed afterwards.
bool FastYamlReader::scanPlainSimple(const char* p, const char* e, Token& t)
{
    const char* q = p;
    const char* bufferEnd = m_data + m_size;
    for (;;) {
        while (q < e && bufferEnd - q >= 8) {
            const std::uint64_t w = load8(q);
            const std::uint64_t mask = zeroBytes(w ^ (kOnes * ':')) | zeroBytes(w ^ (kOnes * '#'));
            if (mask) {
                q += __builtin_ctzll(mask) >> 3;
                break;
            }
            q += 8;
        }
        while (q < e && *q != ':' && *q != '#')
            ++q;
        if (q >= e) {
            q = e;
            break;
        }
        if (*q == '#') {
            if (q[-1] == ' ') { // p never starts with '#', so q > p
                --q;
                break;
            }
        } else if (q + 1 == e || q[1] == ' ') {
            break;
        }
        ++q;
    }
    const char* last = q;
    while (last > p && last[-1] == ' ')
        --last;
    t.start = p;
    t.end = q;
    t.offset = std::uint32_t(p - m_data);
    t.length = std::uint32_t(last - p);
    t.scratch = false;
    t.plain = true;
    return true;
}

// A plain scalar that ends on its line. Whether the next line continues it is the caller's
// question (a deeper line after a complete node is declined).
bool FastYamlReader::scanPlain(const char* p, const char* e, bool flow, Token& t)
{
    const auto& special = flow ? kPlainSpecialFlow : kPlainSpecialBlock;
    const char* q = p;
    const char* last = p;
    while (q < e) {
        const char c = *q;
        if (!special[static_cast<unsigned char>(c)]) {
            last = ++q;
            continue;
        }
        if (c == ' ') {
            if (q + 1 < e && q[1] == '#')
                break;
            ++q;
            continue;
        }
        if (c == '\t')
            return false;
        if (c == ':') {
            if (isBlankOrEnd(q + 1, e))
                break;
            // libyaml 0.2.5 rejects ':' before a flow indicator or '?' inside a flow collection.
            if (flow && std::strchr(",?[]{}", q[1]))
                return false;
            last = ++q;
            continue;
        }
        break; // , [ ] { } in a flow collection
    }
    t.start = p;
    t.end = q;
    t.offset = std::uint32_t(p - m_data);
    t.length = std::uint32_t(last - p);
    t.scratch = false;
    t.plain = true;
    return true;
}

bool FastYamlReader::scanSingleQuoted(const char* p, const char* e, Token& t)
{
    const char* q = p + 1;
    const char* run = q;
    bool escaped = false;
    std::size_t start = 0;
    for (;;) {
        const void* hit = std::memchr(q, '\'', std::size_t(e - q));
        if (!hit)
            return false; // continues on the next line
        q = static_cast<const char*>(hit);
        if (q + 1 < e && q[1] == '\'') {
            if (!escaped) {
                escaped = true;
                start = m_scratch.size();
            }
            m_scratch.append(run, q + 1);
            q += 2;
            run = q;
            continue;
        }
        break;
    }
    t.start = p;
    t.end = q + 1;
    t.plain = false;
    if (escaped) {
        m_scratch.append(run, q);
        t.scratch = true;
        t.offset = std::uint32_t(start);
        t.length = std::uint32_t(m_scratch.size() - start);
    } else {
        t.scratch = false;
        t.offset = std::uint32_t(p + 1 - m_data);
        t.length = std::uint32_t(q - (p + 1));
    }
    return true;
}

bool FastYamlReader::scanDoubleQuoted(const char* p, const char* e, Token& t)
{
    const char* q = p + 1;
    const char* run = q;
    bool escaped = false;
    std::size_t start = 0;
    for (;;) {
        while (q < e && *q != '"' && *q != '\\')
            ++q;
        if (q == e)
            return false; // continues on the next line
        if (*q == '"')
            break;
        if (!escaped) {
            escaped = true;
            start = m_scratch.size();
        }
        m_scratch.append(run, q);
        if (q + 1 == e)
            return false; // an escaped line break
        const char x = q[1];
        q += 2;
        int digits = 0;
        switch (x) {
        case '0': m_scratch += '\0'; break;
        case 'a': m_scratch += '\x07'; break;
        case 'b': m_scratch += '\x08'; break;
        case 't':
        case '\t': m_scratch += '\x09'; break;
        case 'n': m_scratch += '\x0A'; break;
        case 'v': m_scratch += '\x0B'; break;
        case 'f': m_scratch += '\x0C'; break;
        case 'r': m_scratch += '\x0D'; break;
        case 'e': m_scratch += '\x1B'; break;
        case ' ': m_scratch += ' '; break;
        case '"': m_scratch += '"'; break;
        case '/': m_scratch += '/'; break;
        case '\\': m_scratch += '\\'; break;
        case 'N': m_scratch += "\xC2\x85"; break;
        case '_': m_scratch += "\xC2\xA0"; break;
        case 'L': m_scratch += "\xE2\x80\xA8"; break;
        case 'P': m_scratch += "\xE2\x80\xA9"; break;
        case 'x': digits = 2; break;
        case 'u': digits = 4; break;
        case 'U': digits = 8; break;
        default: return false; // libyaml: unknown escape character
        }
        if (digits) {
            if (e - q < digits)
                return false;
            std::uint32_t v = 0;
            for (int i = 0; i < digits; ++i) {
                const int h = hexValue(q[i]);
                if (h < 0)
                    return false;
                v = (v << 4) | std::uint32_t(h);
            }
            if ((v >= 0xD800 && v <= 0xDFFF) || v > 0x10FFFF)
                return false;
            appendUtf8(m_scratch, v);
            q += digits;
        }
        run = q;
    }
    t.start = p;
    t.end = q + 1;
    t.plain = false;
    if (escaped) {
        m_scratch.append(run, q);
        t.scratch = true;
        t.offset = std::uint32_t(start);
        t.length = std::uint32_t(m_scratch.size() - start);
    } else {
        t.scratch = false;
        t.offset = std::uint32_t(p + 1 - m_data);
        t.length = std::uint32_t(q - (p + 1));
    }
    return true;
}

// A literal (|) or folded (>) scalar, as libyaml's yaml_parser_scan_block_scalar reads it.
// parentIndent is libyaml's current indentation: the innermost block collection's column.
bool FastYamlReader::parseBlockScalar(std::uint32_t li, const char* p, int parentIndent)
{
    const char* e = lineEnd(li);
    const bool literal = *p == '|';
    const char* q = p + 1;
    int chomp = 0; // -1 strip, 0 clip, +1 keep
    if (q < e && (*q == '+' || *q == '-')) {
        chomp = *q == '+' ? 1 : -1;
        ++q;
    }
    if (q < e && *q >= '0' && *q <= '9')
        return false; // indentation indicators are libyaml's
    if (!restIsComment(li, q))
        return false;

    Token t;
    t.start = p;
    t.plain = false;
    t.scratch = true;
    t.offset = std::uint32_t(m_scratch.size());
    std::string& out = m_scratch;
    const auto n = std::uint32_t(m_lines.size());
    std::uint32_t k = li + 1;
    int indent = 0;
    int maxIndent = 0;
    std::size_t trailing = 0;  // empty lines since the last content line
    bool leadingBreak = false; // the last content line ended with a line break
    bool leadingBlank = false; // the last content line started with a blank
    // Eats empty lines; stops at a line with content at the column libyaml stops at.
    const auto breaks = [&]() -> bool {
        while (k < n) {
            const Line& line = m_lines[k];
            const int s = int(line.indent);
            const int col = indent == 0 ? s : std::min(s, indent);
            maxIndent = std::max(maxIndent, col);
            const char* c = m_data + line.begin + col;
            if (c != m_data + line.end) {
                // A tab where indentation is expected is an error to libyaml.
                return !((indent == 0 || col < indent) && *c == '\t');
            }
            if (!line.newline) {
                k = n; // spaces at the end of the stream
                return true;
            }
            ++trailing;
            ++k;
        }
        return true;
    };
    if (!breaks())
        return false;
    if (indent == 0)
        indent = std::max({maxIndent, parentIndent + 1, 1});
    while (k < n && int(m_lines[k].indent) >= indent) {
        const Line& line = m_lines[k];
        const char* c = m_data + line.begin + indent;
        const bool trailingBlank = *c == ' ' || *c == '\t';
        if (!literal && leadingBreak && !leadingBlank && !trailingBlank) {
            if (trailing == 0)
                out += ' ';
        } else if (leadingBreak) {
            out += '\n';
        }
        out.append(trailing, '\n');
        trailing = 0;
        leadingBlank = trailingBlank;
        out.append(c, m_data + line.end);
        ++k;
        leadingBreak = line.newline;
        if (!line.newline) {
            k = n;
            break;
        }
        if (!breaks())
            return false;
    }
    if (chomp != -1 && leadingBreak)
        out += '\n';
    if (chomp == 1)
        out.append(trailing, '\n');
    t.length = std::uint32_t(out.size() - t.offset);
    emitScalar(li, t);
    m_next = nextContent(k);
    return true;
}

// ---- collections ------------------------------------------------------------------------------

// A flow collection that opens and closes on line li. end: just after its closing bracket.
bool FastYamlReader::parseFlow(std::uint32_t li, const char* p, const char*& end, int depth)
{
    if (depth > kMaxDepth)
        return false;
    const char* e = lineEnd(li);
    const bool mapping = *p == '{';
    const char close = mapping ? '}' : ']';
    emitStart(mapping ? Event::MappingStart : Event::SequenceStart, li, p);
    const char* q = p + 1;
    const auto skipSpaces = [&] {
        while (q < e && *q == ' ')
            ++q;
        return q < e; // false: the collection goes on past the line (or a tab follows)
    };
    // One entry, a key or a value: a scalar, or (outside keys) a nested collection.
    const auto node = [&](bool key) -> bool {
        if (*q == '[' || *q == '{') {
            if (key)
                return false;
            return parseFlow(li, q, q, depth + 1);
        }
        Token t;
        if (!scanScalar(li, q, true, t))
            return false;
        emitScalar(li, t);
        q = t.end;
        return true;
    };
    for (;;) {
        if (!skipSpaces())
            return false;
        if (*q == close) {
            ++q;
            break;
        }
        const char* entry = q;
        if (!node(mapping) || !skipSpaces())
            return false;
        if (mapping) {
            if (*q == ':') {
                if (q - entry > kMaxKeyBytes)
                    return false;
                ++q;
                if (!skipSpaces())
                    return false;
                if (*q == ',' || *q == '}') {
                    emitEmpty(m_firstLine + int(li), column(li, q) + 1);
                } else if (!node(false) || !skipSpaces()) {
                    return false;
                }
            } else if (*q == ',' || *q == '}') {
                emitEmpty(m_firstLine + int(li), column(li, q) + 1); // {a, b}: keys without values
            } else {
                return false;
            }
        }
        if (*q == ',') {
            ++q;
            continue;
        }
        if (*q == close) {
            ++q;
            break;
        }
        return false; // [a: b] (a single-pair mapping), or a syntax error
    }
    emitEnd();
    end = q;
    return true;
}

// A node that starts at p on line li: at the line's first character, or after "- " (compact).
// parentIndent: libyaml's indentation around it (the enclosing block collection's column).
bool FastYamlReader::parseNode(std::uint32_t li, const char* p, int parentIndent, int depth)
{
    if (depth > kMaxDepth)
        return false;
    const char* e = lineEnd(li);
    const char c = *p;
    if (c == '-' && isBlankOrEnd(p + 1, e)) {
        if (p + 1 < e && p[1] == '\t')
            return false;
        return parseSequence(li, p, false, depth);
    }
    if (c == '|' || c == '>')
        return parseBlockScalar(li, p, parentIndent);
    if (c == '[' || c == '{') {
        const char* end = nullptr;
        if (!parseFlow(li, p, end, depth) || !restIsComment(li, end))
            return false;
        m_next = nextContent(li + 1);
        return true;
    }
    Token t;
    if (!scanScalar(li, p, false, t))
        return false;
    const char* q = t.end;
    while (q < e && *q == ' ')
        ++q;
    if (q < e && *q == ':' && isBlankOrEnd(q + 1, e))
        return parseMapping(li, t, q, depth);
    if (!restIsComment(li, q))
        return false;
    emitScalar(li, t);
    m_next = nextContent(li + 1);
    return true;
}

// The value after "key: " on the same line.
bool FastYamlReader::parseValue(std::uint32_t li, const char* p, int indent, int depth)
{
    const char c = *p;
    if (c == '|' || c == '>')
        return parseBlockScalar(li, p, indent);
    if (c == '[' || c == '{') {
        const char* end = nullptr;
        if (!parseFlow(li, p, end, depth) || !restIsComment(li, end))
            return false;
    } else {
        Token t;
        if (!scanScalar(li, p, false, t) || !restIsComment(li, t.end))
            return false;
        emitScalar(li, t);
    }
    m_next = nextContent(li + 1);
    return true;
}

// A block mapping whose first key (already scanned) starts line li's content or follows "- ".
bool FastYamlReader::parseMapping(std::uint32_t li, const Token& firstKey, const char* colon, int depth)
{
    const auto n = std::uint32_t(m_lines.size());
    const int indent = int(firstKey.start - lineBegin(li)); // only spaces and "- " precede it
    emitStart(Event::MappingStart, li, firstKey.start);
    Token key = firstKey;
    for (;;) {
        if (colon - key.start > kMaxKeyBytes)
            return false;
        emitScalar(li, key);
        const char* e = lineEnd(li);
        const char* v = colon + 1;
        while (v < e && *v == ' ')
            ++v;
        if (v < e && *v == '\t')
            return false;
        if (v == e || *v == '#') {
            const std::uint32_t next = nextContent(li + 1);
            if (next < n && int(m_lines[next].indent) > indent) {
                if (!parseNode(next, lineBegin(next) + m_lines[next].indent, indent, depth + 1))
                    return false;
            } else if (next < n && int(m_lines[next].indent) == indent && isEntryAt(next, lineBegin(next) + indent)) {
                // key:\n- item: a sequence at the key's own indentation
                if (!parseSequence(next, lineBegin(next) + indent, true, depth + 1))
                    return false;
            } else {
                emitEmpty(m_firstLine + int(li), column(li, colon) + 2);
                m_next = next;
            }
        } else if (!parseValue(li, v, indent, depth + 1)) {
            return false;
        }
        const std::uint32_t next = m_next;
        if (next >= n || int(m_lines[next].indent) < indent)
            break;
        if (int(m_lines[next].indent) > indent)
            return false; // a continuation line or bad indentation
        li = next;
        const char* p = lineBegin(li) + indent;
        if (!scanScalar(li, p, false, key))
            return false;
        const char* c = key.end;
        e = lineEnd(li);
        while (c < e && *c == ' ')
            ++c;
        if (!(c < e && *c == ':' && isBlankOrEnd(c + 1, e)))
            return false;
        colon = c;
    }
    emitEnd();
    return true;
}

// A block sequence whose first "-" is at dash. indentless: the value of a mapping key at the
// key's own column, which libyaml ends at the first line there that is not an entry.
bool FastYamlReader::parseSequence(std::uint32_t li, const char* dash, bool indentless, int depth)
{
    const auto n = std::uint32_t(m_lines.size());
    const int indent = int(dash - lineBegin(li));
    emitStart(Event::SequenceStart, li, dash);
    for (;;) {
        const char* e = lineEnd(li);
        const char* v = dash + 1;
        while (v < e && *v == ' ')
            ++v;
        if (v < e && *v == '\t')
            return false;
        if (v == e || *v == '#') {
            const std::uint32_t next = nextContent(li + 1);
            if (next < n && int(m_lines[next].indent) > indent) {
                if (!parseNode(next, lineBegin(next) + m_lines[next].indent, indent, depth + 1))
                    return false;
            } else {
                emitEmpty(m_firstLine + int(li), column(li, dash) + 2);
                m_next = next;
            }
        } else if (!parseNode(li, v, indent, depth + 1)) {
            return false;
        }
        const std::uint32_t next = m_next;
        if (next >= n || int(m_lines[next].indent) < indent)
            break;
        if (int(m_lines[next].indent) > indent)
            return false;
        const char* p = lineBegin(next) + indent;
        if (!isEntryAt(next, p)) {
            if (indentless)
                break;
            return false;
        }
        li = next;
        dash = p;
    }
    emitEnd();
    return true;
}

// ---- documents --------------------------------------------------------------------------------

FastYamlResult FastYamlReader::read(const char* data, std::size_t size, int firstLine, YamlTreeBuilder& builder)
{
    if (size > 0x7fffffffu)
        return FastYamlResult::Declined;
    m_data = data;
    m_size = size;
    m_firstLine = firstLine;
    m_events.clear();
    m_scratch.clear();
    // Catalog files have a line every 20 bytes or so and an event every 10.
    m_lines.reserve(size / 16 + 16);
    m_events.reserve(size / 8 + 16);
    if (!splitLines())
        return FastYamlResult::Declined;
    const auto n = std::uint32_t(m_lines.size());
    std::uint32_t li = 0;
    bool explicitStart = false;
    if (n > 0 && m_lines[0].end >= 3 && data[0] == '-' && data[1] == '-' && data[2] == '-') {
        // "---", perhaps with a comment; "--- value" is libyaml's.
        if ((m_lines[0].end > 3 && data[3] != ' ') || !restIsComment(0, data + 3))
            return FastYamlResult::Declined;
        explicitStart = true;
        li = 1;
    }
    const std::uint32_t first = nextContent(li);
    int documentLine = firstLine;
    if (first == n) {
        if (!explicitStart)
            return FastYamlResult::NoDocument;
        // An empty document: a null at the mark after the last line, where libyaml's next token is.
        emitEmpty(firstLine + int(n), 1);
    } else {
        if (!explicitStart)
            documentLine = firstLine + int(first);
        if (!parseNode(first, lineBegin(first) + m_lines[first].indent, -1, 0) || m_next != n)
            return FastYamlResult::Declined;
    }

    builder.startDocument(documentLine);
    for (const Event& e : m_events) {
        switch (e.kind) {
        case Event::Scalar: {
            const char* base = e.scratch ? m_scratch.data() : m_data;
            builder.scalar(std::string_view(base + e.offset, e.length), TextPosition {e.line, e.column}, e.plain);
            break;
        }
        case Event::SequenceStart:
            builder.startCollection(YamlType::Sequence, TextPosition {e.line, e.column});
            break;
        case Event::MappingStart:
            builder.startCollection(YamlType::Mapping, TextPosition {e.line, e.column});
            break;
        case Event::End: builder.endCollection(); break;
        }
        if (builder.failed())
            return FastYamlResult::Document; // as libyaml's reading stops at the builder's failure
    }
    builder.endDocument();
    return FastYamlResult::Document;
}

FastYamlResult fastParseYamlDocument(const char* data, std::size_t size, int firstLine, YamlTreeBuilder& builder)
{
    FastYamlReader reader;
    return reader.read(data, size, firstLine, builder);
}

} // namespace Flightdeck::Catalog::Detail
