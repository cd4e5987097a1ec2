// SPDX-License-Identifier: Apache-2.0
// The field format rules of @backstage/catalog-model 1.10.1, written out by hand: every rule is a
// simple character class with a length limit, and this runs for every entity of a catalog.
#include "validator.h"

#include <QUrl>

#include <algorithm>
#include <cstdint>
#include <string_view>

namespace Flightdeck::Catalog::FieldFormat {

namespace {

template <typename Ch> using View = std::basic_string_view<Ch>;

template <typename Ch> constexpr bool isLower(Ch c)
{
    return c >= Ch('a') && c <= Ch('z');
}
template <typename Ch> constexpr bool isUpper(Ch c)
{
    return c >= Ch('A') && c <= Ch('Z');
}
template <typename Ch> constexpr bool isDigit(Ch c)
{
    return c >= Ch('0') && c <= Ch('9');
}
template <typename Ch> constexpr bool isAlnum(Ch c)
{
    return isLower(c) || isUpper(c) || isDigit(c);
}

// Non-ASCII code units fail every character class below, so byte length and UTF-16 length agree
// wherever a length limit decides.

// /^[a-z0-9]+(?:\-+[a-z0-9]+)*$/, 1..63
template <typename Ch> bool dnsLabel(View<Ch> v)
{
    if (v.empty() || v.size() > 63 || v.front() == Ch('-') || v.back() == Ch('-'))
        return false;
    for (Ch c : v)
        if (!(isLower(c) || isDigit(c) || c == Ch('-')))
            return false;
    return true;
}

// 1..253, every '.'-separated part a DNS label
template <typename Ch> bool dnsSubdomain(View<Ch> v)
{
    if (v.empty() || v.size() > 253)
        return false;
    size_t start = 0;
    for (;;) {
        const size_t dot = v.find(Ch('.'), start);
        if (!dnsLabel(v.substr(start, dot == View<Ch>::npos ? View<Ch>::npos : dot - start)))
            return false;
        if (dot == View<Ch>::npos)
            return true;
        start = dot + 1;
    }
}

// /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/, 1..63
template <typename Ch> bool objectName(View<Ch> v)
{
    if (v.empty() || v.size() > 63 || !isAlnum(v.front()) || !isAlnum(v.back()))
        return false;
    for (Ch c : v)
        if (!(isAlnum(c) || c == Ch('-') || c == Ch('_') || c == Ch('.')))
            return false;
    return true;
}

// /^[a-zA-Z][a-z0-9A-Z]*$/, 1..63
template <typename Ch> bool kind(View<Ch> v)
{
    if (v.empty() || v.size() > 63 || !(isLower(v.front()) || isUpper(v.front())))
        return false;
    for (Ch c : v)
        if (!isAlnum(c))
            return false;
    return true;
}

// /^[a-z0-9A-Z]+$/, 1..63
template <typename Ch> bool apiVersionSuffix(View<Ch> v)
{
    if (v.empty() || v.size() > 63)
        return false;
    for (Ch c : v)
        if (!isAlnum(c))
            return false;
    return true;
}

// value.split('/') gives one part (the suffix) or two (prefix and suffix)
template <typename Ch, typename Prefix, typename Suffix>
bool prefixAndOrSuffix(View<Ch> v, Prefix prefix, Suffix suffix)
{
    const size_t slash = v.find(Ch('/'));
    if (slash == View<Ch>::npos)
        return suffix(v);
    if (v.find(Ch('/'), slash + 1) != View<Ch>::npos)
        return false;
    return prefix(v.substr(0, slash)) && suffix(v.substr(slash + 1));
}

// /^[a-z0-9:+#]+(\-[a-z0-9:+#]+)*$/, 1..63
template <typename Ch> bool tag(View<Ch> v)
{
    if (v.empty() || v.size() > 63 || v.front() == Ch('-') || v.back() == Ch('-'))
        return false;
    Ch previous = 0;
    for (Ch c : v) {
        if (!(isLower(c) || isDigit(c) || c == Ch(':') || c == Ch('+') || c == Ch('#') || c == Ch('-')))
            return false;
        if (c == Ch('-') && previous == Ch('-'))
            return false;
        previous = c;
    }
    return true;
}

// String.prototype.trim()'s white space and line terminators.
constexpr bool isJsWhitespace(char32_t c)
{
    switch (c) {
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
        return c >= 0x2000 && c <= 0x200A;
    }
}

std::u16string_view u16(QStringView v)
{
    return std::u16string_view(reinterpret_cast<const char16_t*>(v.utf16()), size_t(v.size()));
}

template <typename Ch> bool apiVersion(View<Ch> v)
{
    return prefixAndOrSuffix(v, dnsSubdomain<Ch>, apiVersionSuffix<Ch>);
}
template <typename Ch> bool labelKey(View<Ch> v)
{
    return prefixAndOrSuffix(v, dnsSubdomain<Ch>, objectName<Ch>);
}

// ---- WHATWG URL parsing, only as far as deciding whether `new URL(value)` throws ----------

bool isAsciiAlpha(QChar c)
{
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z');
}
bool isAsciiDigit(QChar c)
{
    return c >= u'0' && c <= u'9';
}
bool isAsciiHex(QChar c)
{
    return isAsciiDigit(c) || (c >= u'a' && c <= u'f') || (c >= u'A' && c <= u'F');
}

bool isForbiddenHostCodePoint(char16_t c)
{
    switch (c) {
    case 0x00:
    case 0x09:
    case 0x0A:
    case 0x0D:
    case u' ':
    case u'#':
    case u'/':
    case u':':
    case u'<':
    case u'>':
    case u'?':
    case u'@':
    case u'[':
    case u'\\':
    case u']':
    case u'^':
    case u'|':
        return true;
    default:
        return false;
    }
}

bool isForbiddenDomainCodePoint(char16_t c)
{
    return isForbiddenHostCodePoint(c) || c <= 0x1F || c == u'%' || c == 0x7F;
}

// The IPv6 parser of the URL standard; true when it does not fail.
bool parseIpv6(QStringView in)
{
    int pieceIndex = 0;
    int compress = -1;
    qsizetype p = 0;
    const qsizetype n = in.size();
    auto at = [&](qsizetype i) -> char16_t { return i < n ? in[i].unicode() : 0; };
    if (at(p) == u':') {
        if (at(p + 1) != u':')
            return false;
        p += 2;
        ++pieceIndex;
        compress = pieceIndex;
    }
    while (p < n) {
        if (pieceIndex == 8)
            return false;
        if (at(p) == u':') {
            if (compress != -1)
                return false;
            ++p;
            ++pieceIndex;
            compress = pieceIndex;
            continue;
        }
        int length = 0;
        while (length < 4 && p < n && isAsciiHex(in[p])) {
            ++p;
            ++length;
        }
        if (at(p) == u'.') {
            if (length == 0)
                return false;
            p -= length;
            if (pieceIndex > 6)
                return false;
            int numbersSeen = 0;
            while (p < n) {
                int ipv4Piece = -1;
                if (numbersSeen > 0) {
                    if (at(p) == u'.' && numbersSeen < 4)
                        ++p;
                    else
                        return false;
                }
                if (p >= n || !isAsciiDigit(in[p]))
                    return false;
                while (p < n && isAsciiDigit(in[p])) {
                    const int number = in[p].unicode() - u'0';
                    if (ipv4Piece == -1)
                        ipv4Piece = number;
                    else if (ipv4Piece == 0)
                        return false;
                    else
                        ipv4Piece = ipv4Piece * 10 + number;
                    if (ipv4Piece > 255)
                        return false;
                    ++p;
                }
                ++numbersSeen;
                if (numbersSeen == 2 || numbersSeen == 4)
                    ++pieceIndex;
            }
            if (numbersSeen != 4)
                return false;
            break;
        }
        if (at(p) == u':') {
            ++p;
            if (p >= n)
                return false;
        } else if (p < n) {
            return false;
        }
        ++pieceIndex;
    }
    if (compress != -1)
        return true; // the pieces after the compression move right; nothing can fail any more
    return pieceIndex == 8;
}

// The IPv4 number parser: decimal, 0x hex, or 0-prefixed octal. Returns false on failure.
bool parseIpv4Number(QStringView s, std::uint64_t& value)
{
    if (s.isEmpty())
        return false;
    int radix = 10;
    if (s.size() >= 2 && s[0] == u'0' && (s[1] == u'x' || s[1] == u'X')) {
        s = s.mid(2);
        radix = 16;
    } else if (s.size() >= 2 && s[0] == u'0') {
        s = s.mid(1);
        radix = 8;
    }
    value = 0;
    for (QChar c : s) {
        int d = -1;
        if (isAsciiDigit(c))
            d = c.unicode() - u'0';
        else if (radix == 16 && isAsciiHex(c))
            d = (c.unicode() | 0x20) - u'a' + 10;
        if (d < 0 || d >= radix)
            return false;
        value = value * std::uint64_t(radix) + std::uint64_t(d);
        if (value > (std::uint64_t(1) << 40))
            value = std::uint64_t(1) << 40; // far beyond any limit below; keeps the arithmetic finite
    }
    return true;
}

bool endsInANumber(QStringView host)
{
    QList<QStringView> parts = host.split(u'.');
    if (parts.last().isEmpty()) {
        if (parts.size() == 1)
            return false;
        parts.removeLast();
    }
    const QStringView last = parts.last();
    if (!last.isEmpty() && std::all_of(last.begin(), last.end(), isAsciiDigit))
        return true;
    std::uint64_t ignored = 0;
    return parseIpv4Number(last, ignored);
}

bool parseIpv4(QStringView host)
{
    QList<QStringView> parts = host.split(u'.');
    if (parts.last().isEmpty() && parts.size() > 1)
        parts.removeLast();
    if (parts.size() > 4)
        return false;
    std::uint64_t numbers[4] = {};
    for (qsizetype i = 0; i < parts.size(); ++i)
        if (!parseIpv4Number(parts[i], numbers[i]))
            return false;
    for (qsizetype i = 0; i + 1 < parts.size(); ++i)
        if (numbers[i] > 255)
            return false;
    return numbers[parts.size() - 1] < (std::uint64_t(1) << (8 * (5 - parts.size())));
}

// Host parsing of a special URL (domain, IPv4 or [IPv6]).
bool parseSpecialHost(QStringView input)
{
    if (input.startsWith(u'[')) {
        if (!input.endsWith(u']'))
            return false;
        return parseIpv6(input.mid(1, input.size() - 2));
    }
    const QString domain = QUrl::fromPercentEncoding(input.toUtf8());
    QString ascii;
    bool allAscii = true;
    for (QChar c : domain)
        if (c.unicode() >= 0x80)
            allAscii = false;
    if (allAscii) {
        ascii = domain.toLower();
    } else {
        ascii = QString::fromLatin1(QUrl::toAce(domain));
        if (ascii.isEmpty())
            return false;
    }
    if (ascii.isEmpty())
        return false;
    for (QChar c : ascii)
        if (isForbiddenDomainCodePoint(c.unicode()))
            return false;
    if (endsInANumber(ascii))
        return parseIpv4(ascii);
    return true;
}

bool parseOpaqueHost(QStringView input)
{
    if (input.startsWith(u'[')) {
        if (!input.endsWith(u']'))
            return false;
        return parseIpv6(input.mid(1, input.size() - 2));
    }
    for (QChar c : input)
        if (isForbiddenHostCodePoint(c.unicode()))
            return false;
    return true;
}

// Everything between "//" and the path: [credentials@]host[:port]
bool checkAuthority(QStringView authority, bool special)
{
    const qsizetype at = authority.lastIndexOf(u'@');
    const bool atSignSeen = at != -1;
    const QStringView hostPort = atSignSeen ? authority.mid(at + 1) : authority;
    if (atSignSeen && hostPort.isEmpty())
        return false;
    QStringView host = hostPort;
    QStringView port;
    bool hasPort = false;
    if (hostPort.startsWith(u'[')) {
        const qsizetype close = hostPort.indexOf(u']');
        const qsizetype colon = close == -1 ? -1 : hostPort.indexOf(u':', close);
        if (colon != -1) {
            host = hostPort.left(colon);
            port = hostPort.mid(colon + 1);
            hasPort = true;
        }
    } else {
        const qsizetype colon = hostPort.indexOf(u':');
        if (colon != -1) {
            host = hostPort.left(colon);
            port = hostPort.mid(colon + 1);
            hasPort = true;
        }
    }
    if (hasPort && host.isEmpty())
        return false;
    if (host.isEmpty())
        return !special;
    for (QChar c : port)
        if (!isAsciiDigit(c))
            return false;
    if (!port.isEmpty()) {
        std::uint64_t value = 0;
        for (QChar c : port) {
            value = value * 10 + std::uint64_t(c.unicode() - u'0');
            if (value > 65535)
                return false;
        }
    }
    return special ? parseSpecialHost(host) : parseOpaqueHost(host);
}

bool checkUrl(QStringView value)
{
    // Leading and trailing C0 controls and spaces go, and so do tabs and newlines anywhere.
    qsizetype begin = 0;
    qsizetype end = value.size();
    while (begin < end && value[begin].unicode() <= 0x20)
        ++begin;
    while (end > begin && value[end - 1].unicode() <= 0x20)
        --end;
    QString s;
    s.reserve(end - begin);
    for (qsizetype i = begin; i < end; ++i) {
        const char16_t c = value[i].unicode();
        if (c != 0x09 && c != 0x0A && c != 0x0D)
            s.append(QChar(c));
    }
    if (s.isEmpty() || !isAsciiAlpha(s[0]))
        return false; // no scheme, and there is no base URL to resolve against
    qsizetype i = 1;
    while (i < s.size() && (isAsciiAlpha(s[i]) || isAsciiDigit(s[i]) || s[i] == u'+' || s[i] == u'-' || s[i] == u'.'))
        ++i;
    if (i >= s.size() || s[i] != u':')
        return false;
    const QString scheme = s.left(i).toLower();
    const QStringView rest = QStringView(s).mid(i + 1);
    const bool special = scheme == u"http" || scheme == u"https" || scheme == u"ws" || scheme == u"wss"
        || scheme == u"ftp" || scheme == u"file";
    auto isSlash = [&](QChar c) { return c == u'/' || (special && c == u'\\'); };
    if (scheme == u"file") {
        if (rest.size() < 2 || !isSlash(rest[0]) || !isSlash(rest[1]))
            return true; // a path
        qsizetype e = 2;
        while (e < rest.size() && !isSlash(rest[e]) && rest[e] != u'?' && rest[e] != u'#')
            ++e;
        const QStringView host = rest.mid(2, e - 2);
        const bool driveLetter = host.size() == 2 && isAsciiAlpha(host[0]) && (host[1] == u':' || host[1] == u'|');
        if (host.isEmpty() || driveLetter)
            return true;
        return parseSpecialHost(host);
    }
    if (special) {
        qsizetype b = 0;
        while (b < rest.size() && isSlash(rest[b]))
            ++b;
        qsizetype e = b;
        while (e < rest.size() && !isSlash(rest[e]) && rest[e] != u'?' && rest[e] != u'#')
            ++e;
        return checkAuthority(rest.mid(b, e - b), true);
    }
    if (rest.startsWith(u"//")) {
        qsizetype e = 2;
        while (e < rest.size() && rest[e] != u'/' && rest[e] != u'?' && rest[e] != u'#')
            ++e;
        return checkAuthority(rest.mid(2, e - 2), false);
    }
    return true; // an opaque path, e.g. mailto:a@b.c
}

// The common case, decided without the full parser: http(s)://host[:port] followed by a path,
// query or fragment (which can never make the parse fail). Returns 1 valid, 0 invalid, -1 undecided.
template <typename Ch> int quickUrlVerdict(View<Ch> v)
{
    size_t i = 0;
    auto lower = [](Ch c) { return c >= Ch('A') && c <= Ch('Z') ? Ch(c - 'A' + 'a') : c; };
    auto startsWith = [&](const char* word) {
        size_t k = 0;
        for (; word[k]; ++k)
            if (k >= v.size() || lower(v[k]) != Ch(word[k]))
                return false;
        i = k;
        return true;
    };
    if (!startsWith("https://") && !startsWith("http://"))
        return -1;
    const size_t hostBegin = i;
    size_t lastLabel = i;
    while (i < v.size() && (isAlnum(v[i]) || v[i] == Ch('-') || v[i] == Ch('.'))) {
        if (v[i] == Ch('.') && i + 1 < v.size() && v[i + 1] != Ch('.'))
            lastLabel = i + 1;
        ++i;
    }
    if (i == hostBegin || lastLabel >= v.size() || !(isLower(v[lastLabel]) || isUpper(v[lastLabel])))
        return -1; // empty host, or one that may be an IPv4 address
    if (i < v.size() && v[i] == Ch(':')) {
        ++i;
        std::uint32_t port = 0;
        while (i < v.size() && isDigit(v[i])) {
            port = port * 10 + std::uint32_t(v[i] - Ch('0'));
            if (port > 65535)
                return 0;
            ++i;
        }
    }
    if (i == v.size() || v[i] == Ch('/') || v[i] == Ch('?') || v[i] == Ch('#') || v[i] == Ch('\\'))
        return 1;
    return -1;
}

bool nonEmptyUtf8(std::string_view v)
{
    size_t i = 0;
    while (i < v.size()) {
        const auto b = static_cast<unsigned char>(v[i]);
        if (b < 0x80) {
            if (!isJsWhitespace(b))
                return true;
            ++i;
            continue;
        }
        const int extra = b >= 0xF0 ? 3 : b >= 0xE0 ? 2 : b >= 0xC0 ? 1 : 0;
        if (extra == 0 || i + size_t(extra) >= v.size())
            return true; // not valid UTF-8, so certainly not white space
        char32_t cp = b & (0x3F >> extra);
        for (int k = 1; k <= extra; ++k)
            cp = (cp << 6) | (static_cast<unsigned char>(v[i + size_t(k)]) & 0x3F);
        if (!isJsWhitespace(cp))
            return true;
        i += size_t(extra) + 1;
    }
    return false;
}

} // namespace

// ---- QStringView ----------------------------------------------------------------------------

bool isValidApiVersion(QStringView value)
{
    return apiVersion(u16(value));
}
bool isValidKind(QStringView value)
{
    return kind(u16(value));
}
bool isValidEntityName(QStringView value)
{
    return objectName(u16(value));
}
bool isValidNamespace(QStringView value)
{
    return dnsLabel(u16(value));
}
bool isValidLabelKey(QStringView value)
{
    return labelKey(u16(value));
}
bool isValidLabelValue(QStringView value)
{
    return value.isEmpty() || objectName(u16(value));
}
bool isValidAnnotationKey(QStringView value)
{
    return labelKey(u16(value));
}
bool isValidTag(QStringView value)
{
    return tag(u16(value));
}
bool isValidUrl(QStringView value)
{
    const int quick = quickUrlVerdict(u16(value));
    return quick >= 0 ? quick == 1 : checkUrl(value);
}
bool isValidDnsLabel(QStringView value)
{
    return dnsLabel(u16(value));
}
bool isValidDnsSubdomain(QStringView value)
{
    return dnsSubdomain(u16(value));
}
bool isNonEmptyString(QStringView value)
{
    for (QChar c : value)
        if (!isJsWhitespace(c.unicode()))
            return true;
    return false;
}

// ---- UTF-8 ----------------------------------------------------------------------------------

bool isValidApiVersion(std::string_view utf8)
{
    return apiVersion(utf8);
}
bool isValidKind(std::string_view utf8)
{
    return kind(utf8);
}
bool isValidEntityName(std::string_view utf8)
{
    return objectName(utf8);
}
bool isValidNamespace(std::string_view utf8)
{
    return dnsLabel(utf8);
}
bool isValidLabelKey(std::string_view utf8)
{
    return labelKey(utf8);
}
bool isValidLabelValue(std::string_view utf8)
{
    return utf8.empty() || objectName(utf8);
}
bool isValidAnnotationKey(std::string_view utf8)
{
    return labelKey(utf8);
}
bool isValidTag(std::string_view utf8)
{
    return tag(utf8);
}
bool isValidUrl(std::string_view utf8)
{
    const int quick = quickUrlVerdict(utf8);
    return quick >= 0 ? quick == 1 : checkUrl(QString::fromUtf8(utf8.data(), qsizetype(utf8.size())));
}
bool isValidDnsLabel(std::string_view utf8)
{
    return dnsLabel(utf8);
}
bool isValidDnsSubdomain(std::string_view utf8)
{
    return dnsSubdomain(utf8);
}
bool isNonEmptyString(std::string_view utf8)
{
    return nonEmptyUtf8(utf8);
}

// ---- YAML values ----------------------------------------------------------------------------

bool isValidApiVersion(YamlValue value)
{
    return value.isString() && isValidApiVersion(value.text());
}
bool isValidKind(YamlValue value)
{
    return value.isString() && isValidKind(value.text());
}
bool isValidEntityName(YamlValue value)
{
    return value.isString() && isValidEntityName(value.text());
}
bool isValidNamespace(YamlValue value)
{
    return value.isString() && isValidNamespace(value.text());
}
bool isValidLabelKey(YamlValue value)
{
    return value.isString() && isValidLabelKey(value.text());
}
bool isValidLabelValue(YamlValue value)
{
    return value.isString() && isValidLabelValue(value.text());
}
bool isValidAnnotationKey(YamlValue value)
{
    return value.isString() && isValidAnnotationKey(value.text());
}
bool isValidAnnotationValue(YamlValue value)
{
    return value.isString();
}
bool isValidTag(YamlValue value)
{
    return value.isString() && isValidTag(value.text());
}
bool isValidUrl(YamlValue value)
{
    return value.isString() && isValidUrl(value.text());
}
bool isNonEmptyString(YamlValue value)
{
    return value.isString() && isNonEmptyString(value.text());
}

} // namespace Flightdeck::Catalog::FieldFormat
