// SPDX-License-Identifier: Apache-2.0
#include "validator.h"

#include "entityref.h"
#include "schemavalidator.h"

#include <QStringList>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>

namespace Flightdeck::Catalog {

namespace {

using Schema::Error;
using Schema::Keyword;
using Index = YamlDocument::Index;
constexpr Index npos = YamlDocument::npos;

const QString kAdrLink
    = QStringLiteral("To learn more about catalog file format, visit: "
                     "https://github.com/backstage/backstage/blob/master/docs/architecture-decisions/"
                     "adr002-default-catalog-file-format.md");

// ---- knowledge ------------------------------------------------------------------------------

struct KindInfo
{
    std::string_view kind;
    std::string_view schemaId;
};

constexpr std::array<KindInfo, 9> kKinds { {
    { "API", "ApiV1alpha1" },
    { "Component", "ComponentV1alpha1" },
    { "Domain", "DomainV1alpha1" },
    { "Group", "GroupV1alpha1" },
    { "Location", "LocationV1alpha1" },
    { "Resource", "ResourceV1alpha1" },
    { "System", "SystemV1alpha1" },
    { "Template", "TemplateV1beta3" },
    { "User", "UserV1alpha1" },
} };

const QString kKindList
    = QStringLiteral("API, Component, Domain, Group, Location, Resource, System, Template and User");

// Kinds that exist in Backstage but only with an optional module installed.
constexpr std::array<std::string_view, 3> kAlphaKinds { { "AiResource", "Environment", "Capability" } };

// SPEC A10: well-known annotations. Any other key is fine; a near miss of one of these is a typo.
constexpr std::array<std::string_view, 46> kWellKnownAnnotations { {
    "backstage.io/managed-by-location",
    "backstage.io/managed-by-origin-location",
    "backstage.io/orphan",
    "backstage.io/source-location",
    "backstage.io/view-url",
    "backstage.io/edit-url",
    "backstage.io/techdocs-ref",
    "backstage.io/techdocs-entity",
    "backstage.io/source-template",
    "backstage.io/definition-at-location",
    "backstage.io/code-coverage",
    "backstage.io/ldap-rdn",
    "backstage.io/ldap-uuid",
    "backstage.io/ldap-dn",
    "backstage.io/kubernetes-id",
    "backstage.io/kubernetes-namespace",
    "backstage.io/kubernetes-label-selector",
    "backstage.io/github-actions-id",
    "graph.microsoft.com/tenant-id",
    "graph.microsoft.com/group-id",
    "graph.microsoft.com/user-id",
    "github.com/project-slug",
    "github.com/team-slug",
    "github.com/user-login",
    "gitlab.com/project-slug",
    "gitlab.com/project-id",
    "gitlab.com/instance",
    "argocd/app-name",
    "argocd/app-selector",
    "argocd/instance-name",
    "jenkins.io/job-full-name",
    "jenkins.io/github-folder",
    "sonarqube.org/project-key",
    "sentry.io/project-slug",
    "rollbar.com/project-slug",
    "circleci.com/project-slug",
    "gocd.org/pipelines",
    "periskop.io/service-name",
    "vault.io/secrets-path",
    "lighthouse.com/website-url",
    "pagerduty.com/integration-key",
    "pagerduty.com/service-id",
    "dev.azure.com/project-repo",
    "kubernetes.io/api-server",
    "kubernetes.io/api-server-certificate-authority",
    "kubernetes.io/auth-provider",
} };

struct Deprecation
{
    std::string_view key;
    const char* replacement;
    const char* how;
};

constexpr std::array<Deprecation, 3> kDeprecatedAnnotations { {
    { "backstage.io/definition-at-location", "a $text placeholder in spec.definition",
        "Write the API definition as spec.definition: {$text: <url or path>} and remove the annotation." },
    { "backstage.io/github-actions-id", "github.com/project-slug",
        "Rename the key to github.com/project-slug; the value keeps the form <org>/<repo>." },
    { "jenkins.io/github-folder", "jenkins.io/job-full-name",
        "Rename the key to jenkins.io/job-full-name; the value is the job's full name, e.g. folder/job." },
} };

// Spec fields that older catalog-model versions knew and the current schemas no longer list.
struct RemovedField
{
    std::string_view kind;
    std::string_view field;
    const char* replacement;
};

constexpr std::array<RemovedField, 1> kRemovedSpecFields { {
    { "Component", "implementsApis", "providesApis" },
} };

// Fields the catalog server sets; a value in a file is ignored, rejected or overwritten.
constexpr std::array<std::string_view, 3> kServerSetMetadata { { "uid", "etag", "generation" } };
constexpr std::array<std::string_view, 2> kServerSetAnnotations { { "backstage.io/managed-by-location",
    "backstage.io/managed-by-origin-location" } };

constexpr std::array<std::string_view, 4> kRootFields { { "apiVersion", "kind", "metadata", "spec" } };

// Spec fields the processor reads although the schemas do not list them (SPEC A6).
struct ExtraSpecField
{
    std::string_view kind;
    std::string_view field;
};
constexpr std::array<ExtraSpecField, 2> kExtraSpecFields { { { "Component", "dependencyOf" },
    { "Resource", "dependencyOf" } } };

template <size_t N> bool contains(const std::array<std::string_view, N>& list, std::string_view v)
{
    return std::find(list.begin(), list.end(), v) != list.end();
}

// ---- small text helpers ---------------------------------------------------------------------

QString qs(std::string_view v)
{
    return QString::fromUtf8(v.data(), qsizetype(v.size()));
}

QString quoted(std::string_view v)
{
    QString s = qs(v);
    if (s.size() > 80)
        s = s.left(77) + QStringLiteral("...");
    s.replace(QLatin1Char('\n'), QStringLiteral("\\n"));
    return QLatin1Char('"') + s + QLatin1Char('"');
}

char lowerAscii(char c)
{
    return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c;
}

bool equalsIgnoreCase(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (lowerAscii(a[i]) != lowerAscii(b[i]))
            return false;
    return true;
}

// Optimal string alignment distance (an adjacent transposition costs 1), case-insensitive, giving
// up above maxDistance. Only a band of maxDistance cells around the diagonal can stay within the
// limit, so only those are computed. Keys are short; longer input is never a near miss.
int editDistance(std::string_view a, std::string_view b, int maxDistance)
{
    constexpr int kMax = 128;
    const int la = int(a.size());
    const int lb = int(b.size());
    const int over = maxDistance + 1;
    if (std::abs(la - lb) > maxDistance || la > kMax || lb > kMax)
        return over;
    int rows[3][kMax + 2];
    int* prev2 = rows[0];
    int* prev = rows[1];
    int* cur = rows[2];
    for (int j = 0; j <= lb + 1; ++j)
        prev[j] = prev2[j] = cur[j] = j <= maxDistance ? j : over;
    for (int i = 1; i <= la; ++i) {
        const int lo = std::max(1, i - maxDistance);
        const int hi = std::min(lb, i + maxDistance);
        cur[0] = i <= maxDistance ? i : over;
        cur[lo - 1] = lo - 1 == 0 ? cur[0] : over;
        int rowMin = lo == 1 ? cur[0] : over; // column 0 is inside the band while i <= maxDistance
        const char ca = lowerAscii(a[size_t(i - 1)]);
        for (int j = lo; j <= hi; ++j) {
            const char cb = lowerAscii(b[size_t(j - 1)]);
            int d = std::min({ prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca == cb ? 0 : 1) });
            if (i > 1 && j > 1 && ca == lowerAscii(b[size_t(j - 2)]) && lowerAscii(a[size_t(i - 2)]) == cb)
                d = std::min(d, prev2[j - 2] + 1);
            cur[j] = std::min(d, over);
            rowMin = std::min(rowMin, cur[j]);
        }
        if (hi + 1 <= lb)
            cur[hi + 1] = over;
        if (rowMin > maxDistance)
            return over;
        int* t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    const int d = prev[lb];
    if (d == 0 && a != b)
        return 1; // differs only in case
    return d;
}

size_t commonPrefix(std::string_view a, std::string_view b)
{
    size_t n = 0;
    while (n < a.size() && n < b.size() && lowerAscii(a[n]) == lowerAscii(b[n]))
        ++n;
    return n;
}

// The closest candidate within a distance that suits its length, or empty. Ties go to the
// candidate that starts like the word ("tag" is "tags", not "etag").
template <typename Range> std::string_view nearMiss(std::string_view word, const Range& candidates)
{
    std::string_view best;
    int bestDistance = 100;
    if (word.size() < 3)
        return {};
    for (std::string_view c : candidates) {
        if (c == word)
            return {};
        const int limit = c.size() <= 4 ? 1 : 2;
        const int d = editDistance(word, c, limit);
        if (d > limit)
            continue;
        if (d < bestDistance || (d == bestDistance && commonPrefix(word, c) > commonPrefix(word, best))) {
            best = c;
            bestDistance = d;
        }
    }
    return best;
}

QString typeWords(const std::string& typeText)
{
    QStringList words;
    for (const QString& t : QString::fromStdString(typeText).split(QLatin1Char(','))) {
        if (t == u"string")
            words << QStringLiteral("text (a string)");
        else if (t == u"array")
            words << QStringLiteral("a list");
        else if (t == u"object")
            words << QStringLiteral("a mapping of keys to values");
        else if (t == u"boolean")
            words << QStringLiteral("true or false");
        else if (t == u"number")
            words << QStringLiteral("a number");
        else if (t == u"integer")
            words << QStringLiteral("a whole number");
        else if (t == u"null")
            words << QStringLiteral("null");
        else
            words << t;
    }
    return words.join(QStringLiteral(" or "));
}

// The single $text / $json / $yaml key of an unsubstituted placeholder, or empty.
std::string_view placeholderKey(YamlValue v)
{
    if (!v.isMapping() || v.size() != 1 || !v.keyAt(0).isString())
        return {};
    const std::string_view k = v.keyAt(0).text();
    return k == "$text" || k == "$json" || k == "$yaml" ? k : std::string_view();
}

QString describeValue(YamlValue v)
{
    switch (v.type()) {
    case YamlType::String:
        return QStringLiteral("the text ") + quoted(v.text());
    case YamlType::Int:
    case YamlType::Float:
        return QStringLiteral("the number ") + QString::fromStdString(v.scalarAsString());
    case YamlType::Bool:
        return QStringLiteral("the boolean ") + QString::fromStdString(v.scalarAsString());
    case YamlType::Null:
        return QStringLiteral("empty");
    case YamlType::Sequence:
        return QStringLiteral("a list");
    case YamlType::Mapping: {
        const std::string_view p = placeholderKey(v);
        if (!p.empty())
            return QStringLiteral("a %1 placeholder that was not substituted").arg(qs(p));
        return QStringLiteral("a mapping");
    }
    }
    return QString();
}

// JavaScript's String(value), as Backstage's messages print values.
QString jsString(YamlValue v)
{
    if (v.isString())
        return v.toString();
    if (v.isMapping())
        return QStringLiteral("[object Object]");
    if (v.isSequence()) {
        QStringList parts;
        for (std::uint32_t i = 0; i < v.size(); ++i)
            parts << (v.at(i).isNull() ? QString() : jsString(v.at(i)));
        return parts.join(QLatin1Char(','));
    }
    return QString::fromStdString(v.scalarAsString());
}

QString keyText(const YamlDocument& doc, Index key)
{
    if (key == npos)
        return QString();
    if (doc.type(key) == YamlType::String)
        return qs(doc.text(key));
    return doc.type(key) == YamlType::Null ? QString() : QString::fromStdString(doc.scalarAsString(key));
}

QString joinPath(const QString& parent, const QString& child)
{
    return parent.isEmpty() ? child : parent + QLatin1Char('.') + child;
}

QString examplesText(const Schema::Node* s, int max = 3)
{
    if (!s || s->examples.isEmpty())
        return QString();
    QStringList e = s->examples.mid(0, max);
    if (e.size() == 1)
        return e.first();
    const QString last = e.takeLast();
    return e.join(QStringLiteral(", ")) + QStringLiteral(" or ") + last;
}

// ---- field format explanations and suggestions -----------------------------------------------

enum class Rule
{
    ApiVersion,
    Kind,
    EntityName,
    Namespace,
    LabelKey,
    LabelValue,
    AnnotationKey,
    AnnotationValue,
    Tag,
    Url,
    NonEmpty
};

// The expectation Backstage's FieldFormatEntityPolicy names for each validator function.
QString expectation(Rule r)
{
    switch (r) {
    case Rule::EntityName:
    case Rule::LabelValue:
        return QStringLiteral("a string that is sequences of [a-zA-Z0-9] separated by any of [-_.], at most 63 "
                              "characters in total");
    case Rule::ApiVersion:
    case Rule::LabelKey:
    case Rule::AnnotationKey:
        return QStringLiteral("a valid prefix and/or suffix");
    case Rule::Namespace:
        return QStringLiteral(
            "a string that is sequences of [a-z0-9] separated by [-], at most 63 characters in total");
    case Rule::Tag:
        return QStringLiteral("a string that is sequences of [a-z0-9+#] separated by [-], at most 63 characters in "
                              "total");
    case Rule::AnnotationValue:
        return QStringLiteral("a string");
    case Rule::Kind:
        return QStringLiteral("a string that is a sequence of [a-zA-Z][a-z0-9A-Z], at most 63 characters in total");
    case Rule::Url:
        return QStringLiteral("a string that is a valid url");
    case Rule::NonEmpty:
        return QStringLiteral("a non empty string");
    }
    return QString();
}

QString ruleInWords(Rule r)
{
    switch (r) {
    case Rule::EntityName:
        return QStringLiteral("names are 1-63 letters and digits, optionally separated by '-', '_' or '.'");
    case Rule::LabelValue:
        return QStringLiteral("label values are empty, or 1-63 letters and digits optionally separated by '-', '_' "
                              "or '.'");
    case Rule::Namespace:
        return QStringLiteral("namespaces are 1-63 lower-case letters and digits, optionally separated by '-'");
    case Rule::Kind:
        return QStringLiteral("kinds are 1-63 letters and digits, starting with a letter");
    case Rule::ApiVersion:
        return QStringLiteral("an apiVersion is <group>/<version>, such as backstage.io/v1alpha1");
    case Rule::LabelKey:
    case Rule::AnnotationKey:
        return QStringLiteral("keys are an optional lower-case DNS prefix and '/', then a name of 1-63 letters and "
                              "digits optionally separated by '-', '_' or '.', such as example.com/my-key");
    case Rule::Tag:
        return QStringLiteral("tags are 1-63 lower-case letters, digits, '+', '#' and ':', in words joined by "
                              "single '-'");
    case Rule::Url:
        return QStringLiteral("a link needs an absolute URL, such as https://example.com/dashboard");
    case Rule::AnnotationValue:
        return QStringLiteral("annotation values are text");
    case Rule::NonEmpty:
        return QStringLiteral("it must contain more than white space");
    }
    return QString();
}

bool isAsciiAlnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

QString describeChar(std::string_view v, size_t i)
{
    const auto c = static_cast<unsigned char>(v[i]);
    if (c == ' ')
        return QStringLiteral("a space");
    if (c == '\t')
        return QStringLiteral("a tab");
    if (c < 0x20)
        return QStringLiteral("a control character");
    if (c >= 0x80) {
        size_t len = 1;
        while (i + len < v.size() && (static_cast<unsigned char>(v[i + len]) & 0xC0) == 0x80)
            ++len;
        return QStringLiteral("\"%1\", which is not an ASCII letter or digit").arg(qs(v.substr(i, len)));
    }
    return QStringLiteral("\"%1\"").arg(QChar(char16_t(c)));
}

struct Charset
{
    bool upper; // A-Z allowed
    const char* also; // further characters allowed inside
    bool noDoubleDash;
    size_t maxLength;
    bool edgeAlnumOnly; // first and last character must be a letter or digit
};

// Why v breaks a character-class rule, in a few words.
QString explainCharset(std::string_view v, const Charset& cs)
{
    if (v.empty())
        return QStringLiteral("it is empty");
    for (size_t i = 0; i < v.size(); ++i) {
        const auto c = static_cast<unsigned char>(v[i]);
        const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (cs.upper && c >= 'A' && c <= 'Z')
            || (c < 0x80 && c != 0 && std::strchr(cs.also, c));
        if (!ok) {
            if (c >= 'A' && c <= 'Z')
                return QStringLiteral("it contains upper-case letters");
            return QStringLiteral("it contains ") + describeChar(v, i);
        }
    }
    if (v.size() > cs.maxLength)
        return QStringLiteral("it is %1 characters long, more than %2").arg(v.size()).arg(cs.maxLength);
    const auto first = static_cast<unsigned char>(v.front());
    const auto last = static_cast<unsigned char>(v.back());
    const bool firstOk = cs.edgeAlnumOnly ? isAsciiAlnum(first) : first != '-';
    const bool lastOk = cs.edgeAlnumOnly ? isAsciiAlnum(last) : last != '-';
    if (!firstOk)
        return QStringLiteral("it starts with \"%1\"").arg(QChar(char16_t(first)));
    if (!lastOk)
        return QStringLiteral("it ends with \"%1\"").arg(QChar(char16_t(last)));
    if (cs.noDoubleDash && v.find("--") != std::string_view::npos)
        return QStringLiteral("it contains \"--\"; words are joined by a single '-'");
    return QStringLiteral("it does not follow the rule");
}

constexpr Charset kObjectName { true, "-_.", false, 63, true };
constexpr Charset kDnsLabel { false, "-", false, 63, false };
constexpr Charset kTag { false, "-:+#", true, 63, false };
constexpr Charset kKindChars { true, "", false, 63, true };
constexpr Charset kVersionChars { true, "", false, 63, true };

QString explainDnsSubdomain(std::string_view v)
{
    if (v.empty())
        return QStringLiteral("the prefix is empty");
    if (v.size() > 253)
        return QStringLiteral("the prefix is %1 characters long, more than 253").arg(v.size());
    size_t start = 0;
    for (;;) {
        const size_t dot = v.find('.', start);
        const std::string_view label
            = v.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
        if (!FieldFormat::isValidDnsLabel(label)) {
            if (label.empty())
                return QStringLiteral("the prefix %1 has an empty part between dots").arg(quoted(v));
            if (label.size() == v.size())
                return QStringLiteral("the prefix %1 is not a lower-case DNS name: %2")
                    .arg(quoted(v), explainCharset(label, kDnsLabel));
            return QStringLiteral("the prefix %1 is not a lower-case DNS name: its part %2 is wrong, as %3")
                .arg(quoted(v), quoted(label), explainCharset(label, kDnsLabel));
        }
        if (dot == std::string_view::npos)
            break;
        start = dot + 1;
    }
    return QStringLiteral("the prefix %1 is not a DNS name").arg(quoted(v));
}

QString explainPrefixed(std::string_view v, bool apiVersion)
{
    if (v.empty())
        return QStringLiteral("it is empty");
    const size_t slashes = size_t(std::count(v.begin(), v.end(), '/'));
    if (slashes > 1)
        return QStringLiteral("it contains %1 '/'; at most one is allowed, between prefix and name").arg(slashes);
    const size_t slash = v.find('/');
    const std::string_view prefix = slash == std::string_view::npos ? std::string_view() : v.substr(0, slash);
    const std::string_view name = slash == std::string_view::npos ? v : v.substr(slash + 1);
    if (slash != std::string_view::npos && prefix.empty())
        return QStringLiteral("the part before '/' is empty");
    if (name.empty())
        return QStringLiteral("the part after '/' is empty");
    if (slash != std::string_view::npos && !FieldFormat::isValidDnsSubdomain(prefix))
        return explainDnsSubdomain(prefix);
    const QString why = explainCharset(name, apiVersion ? kVersionChars : kObjectName);
    if (slash == std::string_view::npos)
        return why;
    return QStringLiteral("the part after '/': ") + why;
}

QString explainUrl(std::string_view v)
{
    const QString s = qs(v).trimmed();
    if (s.isEmpty())
        return QStringLiteral("it is empty");
    const qsizetype colon = s.indexOf(QLatin1Char(':'));
    bool schemeOk = colon > 0 && s[0].isLetter() && s[0].unicode() < 0x80;
    for (qsizetype i = 1; schemeOk && i < colon; ++i) {
        const QChar c = s[i];
        schemeOk = c.unicode() < 0x80 && (c.isLetterOrNumber() || c == u'+' || c == u'-' || c == u'.');
    }
    if (!schemeOk) {
        if (s.startsWith(QLatin1Char('/')) || s.startsWith(QLatin1Char('.')))
            return QStringLiteral("it is a relative path, not an absolute URL");
        return QStringLiteral("it has no scheme such as https://");
    }
    if (s.contains(QLatin1Char(' ')))
        return QStringLiteral("it contains a space");
    return QStringLiteral("it is not a URL a browser could open (check the host name and port)");
}

QString explain(Rule r, std::string_view v)
{
    switch (r) {
    case Rule::EntityName:
    case Rule::LabelValue:
        return explainCharset(v, kObjectName);
    case Rule::Namespace:
        return explainCharset(v, kDnsLabel);
    case Rule::Tag:
        return explainCharset(v, kTag);
    case Rule::Kind:
        if (!v.empty() && !((v[0] >= 'a' && v[0] <= 'z') || (v[0] >= 'A' && v[0] <= 'Z')))
            return QStringLiteral("it starts with \"%1\", not a letter").arg(qs(v.substr(0, 1)));
        return explainCharset(v, kKindChars);
    case Rule::ApiVersion:
        return explainPrefixed(v, true);
    case Rule::LabelKey:
    case Rule::AnnotationKey:
        return explainPrefixed(v, false);
    case Rule::Url:
        return explainUrl(v);
    case Rule::NonEmpty:
        return v.empty() ? QStringLiteral("it is empty") : QStringLiteral("it is only white space");
    case Rule::AnnotationValue:
        return QStringLiteral("it is not text");
    }
    return QString();
}

// Keeps letters, digits and the allowed characters; a run of anything else becomes one '-'.
// Accents are dropped first ("Åsa" -> "Asa"); separators are trimmed from both ends.
QString sanitize(QStringView input, bool keepUpper, QStringView wordChars, QStringView separators, bool collapseRuns,
    int maxLength = 63)
{
    const QString decomposed = input.toString().normalized(QString::NormalizationForm_KD);
    QString out;
    bool gap = false;
    for (QChar c : decomposed) {
        if (c.category() == QChar::Mark_NonSpacing)
            continue;
        const QChar ch = keepUpper ? c : c.toLower();
        const bool word = (ch.unicode() < 0x80 && ch.isLetterOrNumber()) || wordChars.contains(ch);
        const bool separator = separators.contains(ch);
        if (word) {
            if (gap && !out.isEmpty() && !separators.contains(out.back()))
                out += QLatin1Char('-');
            gap = false;
            out += ch;
        } else if (separator) {
            if (!out.isEmpty() && !(collapseRuns && separators.contains(out.back())))
                out += ch;
            gap = false;
        } else {
            gap = true;
        }
    }
    auto trim = [&] {
        while (!out.isEmpty() && separators.contains(out.front()))
            out.remove(0, 1);
        while (!out.isEmpty() && separators.contains(out.back()))
            out.chop(1);
    };
    trim();
    if (out.size() > maxLength)
        out.truncate(maxLength);
    trim();
    return out;
}

QString suggestName(std::string_view v)
{
    return sanitize(qs(v), true, u"", u"-_.", false);
}

QString suggestPrefixed(std::string_view v)
{
    QStringList parts = qs(v).split(QLatin1Char('/'));
    QString name = parts.takeLast();
    QString prefix = parts.join(QLatin1Char('.'));
    name = sanitize(name, true, u"", u"-_.", false);
    if (!prefix.isEmpty()) {
        QStringList labels;
        for (const QString& label : prefix.split(QLatin1Char('.'))) {
            const QString l = sanitize(label, false, u"", u"-", true);
            if (!l.isEmpty())
                labels << l;
        }
        prefix = labels.join(QLatin1Char('.'));
    }
    if (name.isEmpty())
        return QString();
    return prefix.isEmpty() ? name : prefix + QLatin1Char('/') + name;
}

QString suggest(Rule r, std::string_view v)
{
    switch (r) {
    case Rule::EntityName:
    case Rule::LabelValue:
        return suggestName(v);
    case Rule::Namespace:
        return sanitize(qs(v), false, u"", u"-", true);
    case Rule::Tag:
        return sanitize(qs(v), false, u":+#", u"-", true);
    case Rule::Kind: {
        for (const KindInfo& k : kKinds)
            if (equalsIgnoreCase(v, k.kind))
                return qs(k.kind);
        QString s;
        for (QChar c : qs(v))
            if (c.unicode() < 0x80 && c.isLetterOrNumber() && (!s.isEmpty() || c.isLetter()))
                s += c;
        return s.left(63);
    }
    case Rule::ApiVersion:
        if (equalsIgnoreCase(v, "backstage.io/v1alpha1"))
            return QStringLiteral("backstage.io/v1alpha1");
        if (equalsIgnoreCase(v, "scaffolder.backstage.io/v1beta3"))
            return QStringLiteral("scaffolder.backstage.io/v1beta3");
        return QStringLiteral("backstage.io/v1alpha1");
    case Rule::LabelKey:
    case Rule::AnnotationKey:
        return suggestPrefixed(v);
    case Rule::Url: {
        const QString s = qs(v).trimmed();
        if (!s.contains(QLatin1Char(' ')) && !s.contains(QLatin1Char(':')) && s.contains(QLatin1Char('.'))
            && !s.startsWith(QLatin1Char('.')) && !s.startsWith(QLatin1Char('/')))
            return QStringLiteral("https://") + s;
        return QString();
    }
    case Rule::NonEmpty:
    case Rule::AnnotationValue:
        return QString();
    }
    return QString();
}

// ---- compiled schemas -----------------------------------------------------------------------

struct KindSchema
{
    std::string_view kind;
    const Schema::Node* schema = nullptr;
    std::vector<std::string> apiVersions; // the apiVersion enum of the kind schema
    const Schema::Node* spec = nullptr; // the kind's own spec schema
    std::vector<std::string_view> specFields; // spec fields the catalog reads, for near misses
};

struct Schemas
{
    const Schema::Node* envelope = nullptr;
    const Schema::Node* entity = nullptr;
    const Schema::Node* meta = nullptr;
    std::vector<KindSchema> kinds;
    std::vector<std::string_view> metadataFields; // authored metadata fields, for near misses
    QStringList problems;

    static const Schemas& get()
    {
        static const Schemas s;
        return s;
    }

    const KindSchema* kind(std::string_view name) const
    {
        for (const KindSchema& k : kinds)
            if (k.kind == name)
                return &k;
        return nullptr;
    }

private:
    Schemas()
    {
        const Schema::Registry& r = Schema::Registry::instance();
        problems = r.problems();
        envelope = r.schema("EntityEnvelope");
        entity = r.schema("Entity");
        meta = r.schema("EntityMeta");
        if (!envelope || !entity || !meta)
            problems << QStringLiteral("the Entity, EntityEnvelope or EntityMeta schema is missing");
        if (meta)
            for (const Schema::Property& p : meta->properties)
                if (!contains(kServerSetMetadata, p.name))
                    metadataFields.push_back(p.name);
        for (const KindInfo& info : kKinds) {
            KindSchema k;
            k.kind = info.kind;
            k.schema = r.schema(info.schemaId);
            if (!k.schema) {
                problems << QStringLiteral("the schema %1 is missing").arg(qs(info.schemaId));
                continue;
            }
            for (const Schema::Node* part : k.schema->allOf) {
                if (const Schema::Node* a = part->property("apiVersion"); a && a->hasEnum)
                    for (const Schema::Literal& l : a->enumValues)
                        k.apiVersions.push_back(l.text);
                if (const Schema::Node* spec = part->property("spec"))
                    k.spec = spec;
            }
            if (k.spec)
                for (const Schema::Property& p : k.spec->properties)
                    k.specFields.push_back(p.name);
            for (const ExtraSpecField& x : kExtraSpecFields)
                if (x.kind == k.kind)
                    k.specFields.push_back(x.field);
            kinds.push_back(std::move(k));
        }
    }
};

// ---- the checks -----------------------------------------------------------------------------

enum class Stage
{
    Envelope,
    Policy,
    Kind
};

// A field-format field, named only when a problem is reported: the happy path builds no strings.
struct FieldName
{
    const char* section; // Backstage's own start: "apiVersion", "metadata.name", "labels", "tags", ...
    Index key = npos; // labels and annotations: the entry's key
    int index = -1; // tags and links: the item
    const char* suffix = nullptr; // links: "url", "title" or "icon"
    bool underMetadata = false; // Backstage says "tags.0" where the path is "metadata.tags.0"

    QString backstage(const YamlDocument& doc) const;
    QString path(const YamlDocument& doc) const;
};

class Checker
{
public:
    Checker(YamlValue root, const QString& file, const QString& entity, Diagnostics& out)
        : m_doc(*root.document())
        , m_root(root)
        , m_file(file)
        , m_entity(entity)
        , m_out(out)
    { }

    bool failed() const { return m_failed; }

    void add(Severity severity, const QString& code, Index at, const QString& field, const QString& message,
        const QString& hint, const QString& backstage = QString())
    {
        Diagnostic d;
        d.severity = severity;
        d.file = m_file;
        const TextPosition p = at == npos ? m_doc.position(m_root.index()) : m_doc.position(at);
        d.line = p.line;
        d.column = p.column;
        d.entity = m_entity;
        d.field = field;
        d.message = message;
        d.hint = hint;
        d.code = code;
        d.backstage = backstage;
        if (severity == Severity::Error)
            m_failed = true;
        m_out.append(std::move(d));
    }

    void reportSchemaErrors(const std::vector<Error>& errors, Stage stage, const KindSchema* kind);
    void checkForeignRootFields();
    void checkFieldFormats();
    void checkKind();
    void checkWarnings();

private:
    bool isFlagged(Index node) const { return std::find(m_flagged.begin(), m_flagged.end(), node) != m_flagged.end(); }
    void reportSchemaError(const Error& e, Stage stage, const KindSchema* kind);
    bool requireFormat(Rule rule, const FieldName& name, YamlValue value, Index at, bool optional);
    void reportFormat(Rule rule, const FieldName& name, YamlValue value, Index at);
    QString requiredHint(const Error& e, const KindSchema* kind) const;
    static bool isRequired(const Error& e, const KindSchema* kind);
    QString typeHint(const Error& e, YamlValue value, const QString& key) const;
    void unknownKind(const KindSchema* known, YamlValue kindValue, YamlValue apiVersionValue);

    const YamlDocument& m_doc;
    YamlValue m_root;
    const QString& m_file;
    const QString& m_entity;
    Diagnostics& m_out;
    bool m_failed = false;
    std::vector<Index> m_flagged; // values that already have an error of their own
    std::vector<std::string> m_reported; // schema errors already reported, by pointer, keyword and property
};

QString Checker::requiredHint(const Error& e, const KindSchema* kind) const
{
    const QString parent = e.path.isEmpty() ? QString() : e.path.section(QLatin1Char('.'), -1);
    const QString where
        = e.path.isEmpty() ? QStringLiteral("at the top level") : QStringLiteral("under %1:").arg(parent);
    const std::string& p = e.property;
    const bool inSpec = e.pointer == "/spec";
    const QString kindName = kind ? qs(kind->kind) : QString();
    if (e.pointer.empty()) {
        if (p == "apiVersion")
            return QStringLiteral("Add apiVersion: backstage.io/v1alpha1 at the top (Templates use "
                                  "scaffolder.backstage.io/v1beta3).");
        if (p == "kind")
            return QStringLiteral("Add kind: with the kind of entity: one of %1.").arg(kKindList);
        if (p == "metadata")
            return QStringLiteral("Add a metadata: mapping with at least a name, e.g. metadata: {name: my-service}.");
        if (p == "spec" && kind && kind->spec) {
            QStringList fields;
            for (const std::string& r : kind->spec->required) {
                const Schema::Node* ps = kind->spec->property(r);
                QString example;
                if (r == "owner")
                    example = QStringLiteral("team-a");
                else if (r == "lifecycle")
                    example = QStringLiteral("production");
                else if (r == "definition")
                    example = QStringLiteral("{$text: ./openapi.yaml}");
                else if (ps && (ps->types & Schema::Node::ArrayType))
                    example = QStringLiteral("[]");
                else if (ps && !ps->examples.isEmpty())
                    example = ps->examples.first();
                else
                    example = QStringLiteral("...");
                fields << QStringLiteral("%1: %2").arg(QString::fromStdString(r), example);
            }
            if (fields.isEmpty())
                return QStringLiteral("Add a spec: mapping; for a %1 it may be empty: spec: {}.").arg(kindName);
            QStringList names;
            for (const std::string& r : kind->spec->required)
                names << QString::fromStdString(r);
            const QString last = names.takeLast();
            const QString needs
                = names.isEmpty() ? last : names.join(QStringLiteral(", ")) + QStringLiteral(" and ") + last;
            return QStringLiteral("Add a spec: mapping; a %1 needs %2, e.g. spec: {%3}.")
                .arg(kindName, needs, fields.join(QStringLiteral(", ")));
        }
    }
    if (e.pointer == "/metadata" && p == "name")
        return QStringLiteral("Add name: under metadata:, e.g. name: my-service (1-63 letters and digits, separated "
                              "by '-', '_' or '.').");
    if (inSpec && p == "owner")
        return QStringLiteral("Add owner: under spec: with a reference to the group or user that owns this %1, "
                              "e.g. owner: team-a or owner: user:jdoe.")
            .arg(kindName);
    if (inSpec && p == "lifecycle")
        return QStringLiteral("Add lifecycle: under spec:. The usual values are experimental, production and "
                              "deprecated; any non-empty text is accepted.");
    if (inSpec && p == "definition") {
        QString hint = QStringLiteral("Add definition: under spec: with the API definition; it is usually read from a "
                                      "file: definition: {$text: ./openapi.yaml}.");
        if (m_root["spec"]["type"].isString() && m_root["spec"]["type"].text() == "mcp-server")
            hint += QStringLiteral(" APIs of type mcp-server may omit it only with Backstage's new (alpha) catalog "
                                   "model, which validates spec.remotes instead; the stock catalog requires it.");
        return hint;
    }
    if (inSpec && p == "children")
        return QStringLiteral("Add children: [] under spec: when the group has no child groups; otherwise list their "
                              "references, e.g. children: [team-b].");
    if (inSpec && p == "memberOf")
        return QStringLiteral("Add memberOf: [] under spec: when the user belongs to no group; otherwise list the "
                              "groups, e.g. memberOf: [team-a].");
    if (inSpec && p == "steps" && kindName == u"Template")
        return QStringLiteral("Add steps: under spec: with the actions to run, e.g. steps: [{id: fetch, action: "
                              "fetch:template, input: {url: ./skeleton}}]; steps: [] is accepted too.");
    if (p == "action" && e.pointer.rfind("/spec/steps/", 0) == 0)
        return QStringLiteral("Add action: to this step, naming the action it runs, e.g. action: fetch:template, "
                              "publish:github or catalog:register.");
    if (p == "url" && e.pointer.rfind("/metadata/links/", 0) == 0)
        return QStringLiteral("Add url: to this link, an absolute URL such as https://example.com/dashboard, or "
                              "remove the link.");
    // From the schema: its description and examples.
    const Schema::Node* ps = e.schema ? e.schema->findProperty(p) : nullptr;
    QString hint = QStringLiteral("Add %1: %2").arg(QString::fromStdString(p), where);
    const QString examples = examplesText(ps);
    if (ps && (ps->types & Schema::Node::ArrayType) && examples.isEmpty())
        hint += QStringLiteral(" (a list; %1: [] when empty)").arg(QString::fromStdString(p));
    else if (!examples.isEmpty())
        hint += QStringLiteral(", e.g. %1").arg(examples);
    hint += QLatin1Char('.');
    // Short schema descriptions say what the field is for ("The type of resource.").
    if (ps && !ps->description.isEmpty() && ps->description.size() <= 100)
        hint += QLatin1Char(' ') + ps->description;
    return hint;
}

// Whether the value's own key is required where it stands (spec.owner is; metadata.title is not).
bool Checker::isRequired(const Error& e, const KindSchema* kind)
{
    const size_t slash = e.pointer.rfind('/');
    if (slash == std::string::npos)
        return false;
    const std::string parent = e.pointer.substr(0, slash);
    const std::string name = e.pointer.substr(slash + 1);
    const Schema::Node* container = nullptr;
    if (parent == "/spec" && kind)
        container = kind->spec;
    else if (parent == "/metadata")
        container = Schemas::get().meta;
    else if (parent.empty())
        return name == "apiVersion" || name == "kind" || name == "metadata";
    if (!container)
        return false;
    return std::find(container->required.begin(), container->required.end(), name) != container->required.end();
}

QString Checker::typeHint(const Error& e, YamlValue value, const QString& key) const
{
    const std::string& t = e.schema->typeText;
    const QString k = key.isEmpty() ? QStringLiteral("the value") : key;
    const std::string_view placeholder = placeholderKey(value);
    if (!placeholder.empty())
        return QStringLiteral("The %1 placeholder was not replaced by the file's content: check that it names a "
                              "file or URL that exists, relative to this file, e.g. %2: {%1: ./openapi.yaml}.")
            .arg(qs(placeholder), k);
    if (t == "string") {
        if (value.isNumber() || value.type() == YamlType::Bool)
            return QStringLiteral("Quote the value so YAML reads it as text: %1: \"%2\".")
                .arg(k, QString::fromStdString(value.scalarAsString()));
        if (value.isNull())
            return key.isEmpty() ? QStringLiteral("Write a value for this entry, or remove it.")
                                 : QStringLiteral("Write a value after %1:, or remove the line.").arg(k);
        if (value.isSequence() && value.size() == 1 && value.at(0).isString())
            return QStringLiteral("It takes one value, not a list: %1: %2.").arg(k, value.at(0).toString());
        if (key == u"definition")
            return QStringLiteral("Write the definition as text: definition: | followed by the indented document, or "
                                  "read it from a file with definition: {$text: ./openapi.yaml}.");
        return QStringLiteral("Write %1 as a single text value.").arg(k);
    }
    if (t == "array") {
        if (value.isString())
            return QStringLiteral("Make it a list: %1: [%2], or one \"- item\" line per entry.")
                .arg(k, value.toString());
        if (value.isNull())
            return QStringLiteral("Write %1: [] for an empty list, or put \"- item\" lines under it.").arg(k);
        if (value.isMapping())
            return QStringLiteral("List entries start with \"- \": write them as \"- item\" lines under %1:.").arg(k);
        return QStringLiteral("Write %1 as a list: %1: [a, b] or \"- item\" lines.").arg(k);
    }
    if (t == "object") {
        if (key.isEmpty() && (value.isNull() || value.isSequence()))
            return QStringLiteral("Write this entry as key: value pairs (- key: value).");
        if (value.isNull())
            return QStringLiteral("%1: has nothing under it: indent its fields under it, or write %1: {} if it is "
                                  "meant to be empty.")
                .arg(k);
        if (value.isSequence())
            return QStringLiteral("Write key: value lines under %1:, without \"- \" in front.").arg(k);
        if (e.pointer.rfind("/metadata/links/", 0) == 0 && value.isString())
            return QStringLiteral("Write the link as a mapping: - url: %1, with optional title:, icon: and type:.")
                .arg(value.toString());
        if (key.isEmpty())
            return QStringLiteral("Write this entry as key: value pairs (- key: value), not as a single value.");
        return QStringLiteral("%1 holds key: value pairs indented under it, not a single value.").arg(key);
    }
    if (t == "string,boolean")
        return QStringLiteral("Use true, false, or a ${{ }} expression.");
    return QStringLiteral("Change %1 to %2.").arg(k, typeWords(t));
}

void Checker::reportSchemaError(const Error& e, Stage stage, const KindSchema* kind)
{
    const YamlValue value(&m_doc, e.node);
    const QString key = keyText(m_doc, e.keyNode);
    const QString subject = e.path.isEmpty() ? QStringLiteral("the entity") : e.path;
    QString field = e.path;
    QString message;
    QString hint;
    Index at = e.node;
    if (value.isNull() && e.keyNode != npos)
        at = e.keyNode;
    switch (e.keyword) {
    case Keyword::Type:
        message = QStringLiteral("%1 must be %2, but it is %3")
                      .arg(subject, typeWords(e.schema->typeText), describeValue(value));
        hint = typeHint(e, value, key);
        break;
    case Keyword::Required:
        field = joinPath(e.path, QString::fromStdString(e.property));
        at = e.keyNode != npos ? e.keyNode : e.node;
        message
            = QStringLiteral("%1 has no \"%2\", which is required").arg(subject, QString::fromStdString(e.property));
        hint = requiredHint(e, kind);
        break;
    case Keyword::AdditionalProperties: {
        field = joinPath(e.path, QString::fromStdString(e.property));
        at = e.propertyKeyNode;
        const QString name = QString::fromStdString(e.property);
        if (e.pointer.empty()) {
            message = QStringLiteral("\"%1\" is not a top-level field of an entity").arg(name);
            const std::string_view near = nearMiss(e.property, kRootFields);
            const KindSchema* ks = kind;
            if (!ks && m_root["kind"].isString())
                ks = Schemas::get().kind(m_root["kind"].text());
            if (!near.empty())
                hint = QStringLiteral("Did you mean %1? Field names are case-sensitive.").arg(qs(near));
            else if (ks && ks->spec && ks->spec->property(e.property))
                hint = QStringLiteral("%1 belongs to the spec: indent it under spec:.").arg(name);
            else if (Schemas::get().meta && Schemas::get().meta->property(e.property))
                hint = QStringLiteral("%1 belongs to the metadata: indent it under metadata:.").arg(name);
            else
                hint = QStringLiteral("An entity has only apiVersion, kind, metadata and spec at the top level. Move "
                                      "%1 under spec: (or into metadata.annotations), or remove it.")
                           .arg(name);
        } else {
            QStringList allowed;
            for (const Schema::Property& p : e.schema->properties)
                allowed << QString::fromStdString(p.name);
            message = QStringLiteral("%1 does not allow the field \"%2\"").arg(subject, name);
            hint = QStringLiteral("Remove %1; %2 may contain only %3.")
                       .arg(name, subject, allowed.join(QStringLiteral(", ")));
        }
        break;
    }
    case Keyword::MinLength:
        message = e.schema->minLength == 1
            ? QStringLiteral("%1 is empty").arg(subject)
            : QStringLiteral("%1 is shorter than %2 characters").arg(subject).arg(e.schema->minLength);
        if (e.pointer == "/metadata/title")
            hint = QStringLiteral("Give the title some text, or remove the title: line; the name is shown instead.");
        else {
            const QString ex = examplesText(e.schema);
            const QString it = key.isEmpty() ? QStringLiteral("it") : key;
            QString h = ex.isEmpty() ? QStringLiteral("Give %1 a value").arg(it)
                                     : QStringLiteral("Give %1 a value, e.g. %2").arg(it, ex);
            h += isRequired(e, kind) ? QStringLiteral(".") : QStringLiteral(", or remove the line.");
            hint = h;
        }
        break;
    case Keyword::MaxLength:
        message = QStringLiteral("%1 is longer than %2 characters").arg(subject).arg(e.schema->maxLength);
        hint = QStringLiteral("Shorten it to at most %1 characters.").arg(e.schema->maxLength);
        break;
    case Keyword::Enum:
    case Keyword::Const: {
        QStringList allowed;
        std::vector<std::string> names;
        if (e.keyword == Keyword::Enum) {
            for (const Schema::Literal& l : e.schema->enumValues) {
                allowed << QString::fromStdString(l.text);
                names.push_back(l.text);
            }
        } else {
            allowed << QString::fromStdString(e.schema->constValue.text);
            names.push_back(e.schema->constValue.text);
        }
        message = QStringLiteral("%1 is %2, which is not one of the allowed values (%3)")
                      .arg(subject, describeValue(value), allowed.join(QStringLiteral(", ")));
        std::vector<std::string_view> views(names.begin(), names.end());
        const std::string_view near = value.isString() ? nearMiss(value.text(), views) : std::string_view();
        hint = near.empty()
            ? QStringLiteral("Use one of: %1.").arg(allowed.join(QStringLiteral(", ")))
            : QStringLiteral("Did you mean %1? Allowed: %2.").arg(qs(near), allowed.join(QStringLiteral(", ")));
        break;
    }
    case Keyword::Pattern:
        message = QStringLiteral("%1 is %2, which does not match the pattern %3")
                      .arg(subject, describeValue(value), QString::fromStdString(e.schema->pattern.source));
        hint = QStringLiteral("Change it to match %1.").arg(QString::fromStdString(e.schema->pattern.source));
        break;
    case Keyword::MinItems:
        message = QStringLiteral("%1 has fewer than %2 entries").arg(subject).arg(e.schema->minItems);
        hint = QStringLiteral("List at least %1 entries.").arg(e.schema->minItems);
        break;
    case Keyword::MaxItems:
        message = QStringLiteral("%1 has more than %2 entries").arg(subject).arg(e.schema->maxItems);
        hint = QStringLiteral("List at most %1 entries.").arg(e.schema->maxItems);
        break;
    case Keyword::OneOf:
    case Keyword::AnyOf: {
        const auto& branches = e.keyword == Keyword::OneOf ? e.schema->oneOf : e.schema->anyOf;
        QStringList forms;
        for (const Schema::Node* b : branches)
            if (!b->typeText.empty())
                forms << typeWords(b->typeText);
        forms.removeDuplicates();
        if (e.params.rfind("passingSchemas: null", 0) == 0 || e.keyword == Keyword::AnyOf) {
            message
                = QStringLiteral("%1 must be %2, but it is %3")
                      .arg(subject,
                          forms.isEmpty() ? QStringLiteral("one of several forms") : forms.join(QStringLiteral(" or ")),
                          describeValue(value));
            hint = QStringLiteral("Write %1 as %2.")
                       .arg(key.isEmpty() ? QStringLiteral("it") : key, forms.join(QStringLiteral(" or ")));
        } else {
            message = QStringLiteral("%1 matches more than one of its allowed forms").arg(subject);
            hint = QStringLiteral("Make it match exactly one form.");
        }
        break;
    }
    }

    QString backstage;
    switch (stage) {
    case Stage::Envelope:
        backstage = e.ajvText(true);
        break;
    case Stage::Policy:
        backstage = QStringLiteral("Malformed envelope, ") + e.ajvText(false);
        break;
    case Stage::Kind:
        backstage = e.firstBranchError.empty() ? e.ajvText(true) : QString::fromStdString(e.firstBranchError);
        break;
    }
    const QString code = stage == Stage::Envelope ? QStringLiteral("envelope")
        : stage == Stage::Policy                  ? QStringLiteral("schema")
                                                  : QStringLiteral("kind-schema");
    add(Severity::Error, code, at, field, message, hint, backstage);
}

void Checker::reportSchemaErrors(const std::vector<Error>& errors, Stage stage, const KindSchema* kind)
{
    for (const Error& e : errors) {
        // relations and status get one error each from the foreign-root-field check.
        if (stage == Stage::Policy && (e.pointer.rfind("/relations", 0) == 0 || e.pointer.rfind("/status", 0) == 0))
            continue;
        const bool containerKeyword = e.keyword == Keyword::Required || e.keyword == Keyword::AdditionalProperties;
        if (!containerKeyword && isFlagged(e.node))
            continue; // one error per value: a wrong type makes its enum or length moot
        std::string id = e.pointer;
        id += '\x1f';
        id += char('a' + int(e.keyword));
        id += e.property;
        if (std::find(m_reported.begin(), m_reported.end(), id) != m_reported.end())
            continue;
        m_reported.push_back(std::move(id));
        if (!containerKeyword)
            m_flagged.push_back(e.node);
        else if (e.keyword == Keyword::AdditionalProperties)
            m_flagged.push_back(e.propertyKeyNode);
        reportSchemaError(e, stage, kind);
    }
}

void Checker::checkForeignRootFields()
{
    for (std::uint32_t i = 0; i < m_root.size(); ++i) {
        const YamlValue key = m_root.keyAt(i);
        if (!key.isString() || (key.text() != "relations" && key.text() != "status"))
            continue;
        const QString name = key.toString();
        add(Severity::Error, QStringLiteral("foreign-root-field"), key.index(), name,
            QStringLiteral("\"%1\" is computed by the catalog and may not be written in a catalog file").arg(name),
            name == u"relations"
                ? QStringLiteral("Remove relations:. The catalog derives relations from spec fields such as owner, "
                                 "system, dependsOn and providesApis; files exported from a catalog must be stripped "
                                 "of relations and status.")
                : QStringLiteral("Remove status:. The catalog records processing status itself; files exported from "
                                 "a catalog must be stripped of relations and status."),
            QStringLiteral("Unknown field ") + name);
    }
}

QString FieldName::backstage(const YamlDocument& doc) const
{
    QString s = QLatin1String(section);
    if (key != npos)
        s += QLatin1Char('.') + keyText(doc, key);
    if (index >= 0)
        s += QLatin1Char('.') + QString::number(index);
    if (suffix)
        s += QLatin1Char('.') + QLatin1String(suffix);
    return s;
}

QString FieldName::path(const YamlDocument& doc) const
{
    return underMetadata ? QStringLiteral("metadata.") + backstage(doc) : backstage(doc);
}

bool Checker::requireFormat(Rule rule, const FieldName& name, YamlValue value, Index at, bool optional)
{
    if (!value.isValid() && optional)
        return true;
    if (value.isValid() && isFlagged(value.index()))
        return true;
    if (!value.isValid() || value.isNull()) {
        const QString field = name.path(m_doc);
        add(Severity::Error, QStringLiteral("field-format"), at, field, QStringLiteral("%1 has no value").arg(field),
            QStringLiteral("Give %1 a value, or remove the line.").arg(field),
            name.backstage(m_doc) + QStringLiteral(" must have a value"));
        return false;
    }
    bool valid = false;
    switch (rule) {
    case Rule::ApiVersion:
        valid = FieldFormat::isValidApiVersion(value);
        break;
    case Rule::Kind:
        valid = FieldFormat::isValidKind(value);
        break;
    case Rule::EntityName:
        valid = FieldFormat::isValidEntityName(value);
        break;
    case Rule::Namespace:
        valid = FieldFormat::isValidNamespace(value);
        break;
    case Rule::LabelKey:
        valid = FieldFormat::isValidLabelKey(value);
        break;
    case Rule::LabelValue:
        valid = FieldFormat::isValidLabelValue(value);
        break;
    case Rule::AnnotationKey:
        valid = FieldFormat::isValidAnnotationKey(value);
        break;
    case Rule::AnnotationValue:
        valid = FieldFormat::isValidAnnotationValue(value);
        break;
    case Rule::Tag:
        valid = FieldFormat::isValidTag(value);
        break;
    case Rule::Url:
        valid = FieldFormat::isValidUrl(value);
        break;
    case Rule::NonEmpty:
        valid = FieldFormat::isNonEmptyString(value);
        break;
    }
    if (valid)
        return true;
    reportFormat(rule, name, value, at);
    return false;
}

void Checker::reportFormat(Rule rule, const FieldName& name, YamlValue value, Index at)
{
    m_flagged.push_back(value.index());
    const QString field = name.path(m_doc);
    const bool isKey = rule == Rule::LabelKey || rule == Rule::AnnotationKey;
    // A number or boolean key is text to JavaScript, so it is judged as text.
    const std::string text = value.isString() ? std::string(value.text())
        : value.isNull()                      ? std::string()
                                              : value.scalarAsString();
    const bool judgedAsText = value.isString() || isKey;
    const QString backstage = QStringLiteral("\"%1\" is not valid; expected %2 but found \"%3\". ")
                                  .arg(name.backstage(m_doc), expectation(rule), isKey ? qs(text) : jsString(value))
        + kAdrLink;
    const QString what = isKey
        ? QStringLiteral("the key %1 of metadata.%2").arg(quoted(text), QLatin1String(name.section))
        : QStringLiteral("%1 %2").arg(field, value.isString() ? quoted(text) : describeValue(value));
    QString message;
    if (!judgedAsText)
        message = QStringLiteral("%1 must be text").arg(field);
    else
        message = QStringLiteral("%1 is not valid: %2 (%3)").arg(what, explain(rule, text), ruleInWords(rule));
    QString hint;
    const QString suggestion = judgedAsText ? suggest(rule, text) : QString();
    if (rule == Rule::NonEmpty)
        hint = QStringLiteral("Give it some text, or remove the line.");
    else if (rule == Rule::Url && suggestion.isEmpty())
        hint = QStringLiteral("Write the full address including the scheme, e.g. https://example.com/docs; relative "
                              "paths are not allowed in links.");
    else if (!judgedAsText)
        hint = QStringLiteral("Quote the value: \"%1\".").arg(jsString(value));
    else if (suggestion.isEmpty() || suggestion == qs(text))
        hint = QStringLiteral("Change it so that %1.").arg(ruleInWords(rule));
    else if (rule == Rule::EntityName)
        hint = QStringLiteral("Rename it, e.g. to \"%1\"; references to this entity must use the new name too.")
                   .arg(suggestion);
    else if (isKey)
        hint = QStringLiteral("Use a key such as \"%1\".").arg(suggestion);
    else
        hint = QStringLiteral("Use \"%1\" instead.").arg(suggestion);
    add(Severity::Error, QStringLiteral("field-format"), at, field, message, hint, backstage);
}

void Checker::checkFieldFormats()
{
    // FieldFormatEntityPolicy, in its order.
    const YamlValue apiVersion = m_root["apiVersion"];
    const YamlValue kind = m_root["kind"];
    requireFormat(Rule::ApiVersion, { "apiVersion" }, apiVersion, apiVersion.index(), false);
    requireFormat(Rule::Kind, { "kind" }, kind, kind.index(), false);
    const YamlValue metadata = m_root["metadata"];
    const YamlValue name = metadata["name"];
    requireFormat(Rule::EntityName, { "metadata.name" }, name, name.index(), false);
    const YamlValue ns = metadata["namespace"];
    requireFormat(Rule::Namespace, { "metadata.namespace" }, ns, ns.index(), true);
    for (const char* section : { "labels", "annotations" }) {
        const YamlValue map = metadata[section];
        if (!map.isMapping() || isFlagged(map.index()))
            continue;
        const bool labels = section[0] == 'l';
        for (std::uint32_t i = 0; i < map.size(); ++i) {
            const YamlValue key = map.keyAt(i);
            const YamlValue value = map.valueAt(i);
            const FieldName field { section, key.index(), -1, nullptr, true };
            const Rule keyRule = labels ? Rule::LabelKey : Rule::AnnotationKey;
            if (key.isString()) {
                requireFormat(keyRule, field, key, key.index(), false);
            } else if (!isFlagged(key.index())) {
                const std::string text = key.isNull() ? std::string() : key.scalarAsString();
                if (!(labels ? FieldFormat::isValidLabelKey(std::string_view(text))
                             : FieldFormat::isValidAnnotationKey(std::string_view(text))))
                    reportFormat(keyRule, field, key, key.index());
            }
            requireFormat(labels ? Rule::LabelValue : Rule::AnnotationValue, field, value, value.index(), false);
        }
    }
    const YamlValue tags = metadata["tags"];
    if (tags.isSequence() && !isFlagged(tags.index()))
        for (std::uint32_t i = 0; i < tags.size(); ++i)
            requireFormat(Rule::Tag, { "tags", npos, int(i), nullptr, true }, tags.at(i), tags.at(i).index(), false);
    const YamlValue links = metadata["links"];
    if (links.isSequence() && !isFlagged(links.index())) {
        for (std::uint32_t i = 0; i < links.size(); ++i) {
            const YamlValue link = links.at(i);
            if (!link.isMapping() || isFlagged(link.index()))
                continue;
            const YamlValue url = link["url"];
            if (url.isValid())
                requireFormat(Rule::Url, { "links", npos, int(i), "url", true }, url, url.index(), false);
            for (const char* optionalField : { "title", "icon" }) {
                const YamlValue v = link[optionalField];
                requireFormat(Rule::NonEmpty, { "links", npos, int(i), optionalField, true }, v, v.index(), true);
            }
        }
    }
}

void Checker::unknownKind(const KindSchema* known, YamlValue kindValue, YamlValue apiVersionValue)
{
    const std::string_view kind = kindValue.text();
    const std::string_view apiVersion = apiVersionValue.text();
    const QString backstage = QStringLiteral("No processor recognized the entity %1 as valid, possibly caused by a "
                                             "foreign kind or apiVersion")
                                  .arg(m_entity);
    const QString code = QStringLiteral("unknown-kind");
    if (known) {
        // The kind is right; its apiVersion is not one the kind's schema accepts.
        QString message = QStringLiteral("apiVersion %1 is not one a %2 accepts").arg(quoted(apiVersion), qs(kind));
        QString hint;
        const QString accepted
            = QString::fromStdString(known->apiVersions.empty() ? std::string() : known->apiVersions.front());
        if (kind == "Template") {
            if (apiVersion == "backstage.io/v1beta2") {
                message = QStringLiteral("apiVersion backstage.io/v1beta2 Templates are no longer supported");
                hint
                    = QStringLiteral("Support for v1beta2 templates was removed from Backstage. Migrate to apiVersion: "
                                     "scaffolder.backstage.io/v1beta3: write expressions as ${{ parameters.name }} "
                                     "instead of {{ parameters.name }}, and read step outputs as ${{ "
                                     "steps['id'].output.x }}. See https://backstage.io/docs/features/"
                                     "software-templates/migrating-from-v1beta2-to-v1beta3");
            } else if (apiVersion == "backstage.io/v1alpha1") {
                message = QStringLiteral("apiVersion backstage.io/v1alpha1 Templates (the cookiecutter \"templater\" "
                                         "format) are no longer supported");
                hint = QStringLiteral("Rewrite the template as apiVersion: scaffolder.backstage.io/v1beta3 with steps, "
                                      "e.g. a fetch:template (or fetch:cookiecutter) step followed by publish and "
                                      "catalog:register steps.");
            } else if (apiVersion.size() > 8 && apiVersion.substr(apiVersion.size() - 8) == "/v1beta3") {
                hint = QStringLiteral("Templates belong to the scaffolder API group: use apiVersion: "
                                      "scaffolder.backstage.io/v1beta3.");
            } else {
                hint = QStringLiteral("Templates use apiVersion: scaffolder.backstage.io/v1beta3.");
            }
        } else if (apiVersion.rfind("scaffolder.backstage.io/", 0) == 0) {
            hint = QStringLiteral("Only Templates use the scaffolder.backstage.io group; a %1 uses apiVersion: %2.")
                       .arg(qs(kind), accepted);
        } else {
            QStringList all;
            for (const std::string& v : known->apiVersions)
                all << QString::fromStdString(v);
            hint = QStringLiteral("Use apiVersion: %1 (accepted: %2).").arg(accepted, all.join(QStringLiteral(", ")));
        }
        add(Severity::Error, code, apiVersionValue.index(), QStringLiteral("apiVersion"), message, hint, backstage);
        return;
    }
    QString message = QStringLiteral("kind %1 is not one of the built-in kinds").arg(quoted(kind));
    QString hint;
    const KindInfo* sameLetters = nullptr;
    for (const KindInfo& k : kKinds)
        if (equalsIgnoreCase(k.kind, kind))
            sameLetters = &k;
    std::array<std::string_view, kKinds.size()> names;
    for (size_t i = 0; i < kKinds.size(); ++i)
        names[i] = kKinds[i].kind;
    const bool alpha = std::find(kAlphaKinds.begin(), kAlphaKinds.end(), kind) != kAlphaKinds.end();
    if (sameLetters) {
        message = QStringLiteral("kind %1 is not a kind the catalog knows: kinds are case-sensitive").arg(quoted(kind));
        hint = QStringLiteral("Kinds are case-sensitive: use %1.").arg(qs(sameLetters->kind));
    } else if (alpha) {
        hint = QStringLiteral("%1 is an alpha kind: Backstage accepts it only when the backend module that provides it "
                              "is installed. The built-in kinds are %2.")
                   .arg(qs(kind), kKindList);
    } else if (const std::string_view near = nearMiss(kind, names); !near.empty()) {
        hint = QStringLiteral("Did you mean %1? The built-in kinds are %2.").arg(qs(near), kKindList);
    } else {
        hint = QStringLiteral("Use one of the built-in kinds (%1). A custom kind needs a catalog processor in your "
                              "Backstage backend that validates it.")
                   .arg(kKindList);
    }
    add(Severity::Error, code, kindValue.index(), QStringLiteral("kind"), message, hint, backstage);
}

void Checker::checkKind()
{
    const Schemas& schemas = Schemas::get();
    const YamlValue kindValue = m_root["kind"];
    const YamlValue apiVersionValue = m_root["apiVersion"];
    const KindSchema* kind = schemas.kind(kindValue.text());
    if (!kind) {
        unknownKind(nullptr, kindValue, apiVersionValue);
        return;
    }
    const std::string_view apiVersion = apiVersionValue.text();
    if (std::find(kind->apiVersions.begin(), kind->apiVersions.end(), apiVersion) == kind->apiVersions.end()) {
        unknownKind(kind, kindValue, apiVersionValue);
        return;
    }
    // The kind schemas include the Entity schema, which the policy stage has checked already.
    std::vector<Error> errors;
    if (!Schema::validate(kind->schema, m_root, errors, Schemas::get().entity))
        reportSchemaErrors(errors, Stage::Kind, kind);
}

enum class AnnotationClass : std::uint8_t
{
    Custom,
    WellKnown,
    Deprecated,
    ServerSet
};

AnnotationClass classifyAnnotation(std::string_view k)
{
    static const auto table = [] {
        std::unordered_map<std::string_view, AnnotationClass> t;
        for (std::string_view w : kWellKnownAnnotations)
            t[w] = AnnotationClass::WellKnown;
        for (const Deprecation& d : kDeprecatedAnnotations)
            t[d.key] = AnnotationClass::Deprecated;
        for (std::string_view w : kServerSetAnnotations)
            t[w] = AnnotationClass::ServerSet;
        return t;
    }();
    const auto it = table.find(k);
    return it == table.end() ? AnnotationClass::Custom : it->second;
}

// What a custom annotation key is a near miss of, per thread: a catalog repeats the same few custom
// keys on thousands of entities, and each costs dozens of edit distances the first time.
struct AnnotationVerdict
{
    std::string_view suggestion; // a well-known key, or a well-known prefix when prefixOnly
    bool prefixOnly = false;
};

struct StringHash
{
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
};

AnnotationVerdict judgeAnnotationKey(std::string_view k)
{
    thread_local std::unordered_map<std::string, AnnotationVerdict, StringHash, std::equal_to<>> cache;
    if (auto it = cache.find(k); it != cache.end())
        return it->second;
    AnnotationVerdict verdict;
    verdict.suggestion = nearMiss(k, kWellKnownAnnotations);
    const size_t slash = k.find('/');
    if (verdict.suggestion.empty() && slash != std::string_view::npos) {
        const std::string_view prefix = k.substr(0, slash);
        bool knownPrefix = false;
        int best = 100;
        for (std::string_view w : kWellKnownAnnotations) {
            const std::string_view wp = w.substr(0, w.find('/'));
            if (wp == prefix) {
                knownPrefix = true;
                break;
            }
            const int limit = wp.size() < 8 ? 1 : 2;
            const int d = editDistance(prefix, wp, limit);
            if (d <= limit && d < best) {
                best = d;
                verdict.suggestion = wp;
                verdict.prefixOnly = true;
            }
        }
        if (knownPrefix)
            verdict = {};
    }
    if (cache.size() >= 4096)
        cache.clear(); // bounded: a pathological catalog costs time, not memory
    cache.emplace(std::string(k), verdict);
    return verdict;
}

void Checker::checkWarnings()
{
    const YamlValue metadata = m_root["metadata"];
    const Schemas& schemas = Schemas::get();
    const QString deprecatedCode = QStringLiteral("deprecated");
    const QString serverSet = QStringLiteral("server-set-field");
    const QString typo = QStringLiteral("field-typo");

    if (metadata.isMapping()) {
        for (std::uint32_t i = 0; i < metadata.size(); ++i) {
            const YamlValue key = metadata.keyAt(i);
            if (!key.isString())
                continue;
            const std::string_view k = key.text();
            if (contains(kServerSetMetadata, k)) {
                add(Severity::Warning, serverSet, key.index(), QStringLiteral("metadata.") + qs(k),
                    QStringLiteral("metadata.%1 is assigned by the catalog server, not written in a file").arg(qs(k)),
                    QStringLiteral("Remove %1:. Files exported from a running catalog carry uid, etag and relations; "
                                   "strip them before committing.")
                        .arg(qs(k)));
                continue;
            }
            if (schemas.meta && !schemas.meta->property(k)) {
                const std::string_view near = nearMiss(k, schemas.metadataFields);
                if (!near.empty())
                    add(Severity::Warning, typo, key.index(), QStringLiteral("metadata.") + qs(k),
                        QStringLiteral("metadata.%1 is not a metadata field Backstage knows, so it is ignored")
                            .arg(qs(k)),
                        QStringLiteral("Did you mean %1? Field names are case-sensitive.").arg(qs(near)));
            }
        }
    }

    const YamlValue annotations = metadata["annotations"];
    if (annotations.isMapping()) {
        for (std::uint32_t i = 0; i < annotations.size(); ++i) {
            const YamlValue key = annotations.keyAt(i);
            if (!key.isString())
                continue;
            const std::string_view k = key.text();
            auto field = [&]() -> QString { return QStringLiteral("metadata.annotations.") + qs(k); };
            const AnnotationClass category = classifyAnnotation(k);
            if (category == AnnotationClass::WellKnown)
                continue;
            if (category == AnnotationClass::ServerSet) {
                add(Severity::Warning, serverSet, key.index(), field(),
                    QStringLiteral("%1 is set by the catalog when it reads this file; the value written here is "
                                   "overwritten")
                        .arg(qs(k)),
                    QStringLiteral("Remove the %1 annotation.").arg(qs(k)));
                continue;
            }
            bool deprecated = false;
            for (const Deprecation& d : kDeprecatedAnnotations) {
                if (d.key != k)
                    continue;
                deprecated = true;
                QString how = QString::fromUtf8(d.how);
                const YamlValue value = annotations.valueAt(i);
                if (k == "backstage.io/definition-at-location" && value.isString()) {
                    std::string_view target = value.text();
                    if (target.rfind("url:", 0) == 0)
                        target.remove_prefix(4);
                    how = QStringLiteral("Write spec.definition: {$text: %1} and remove the annotation.")
                              .arg(qs(target));
                }
                add(Severity::Warning, deprecatedCode, key.index(), field(),
                    QStringLiteral("the annotation %1 is deprecated; use %2")
                        .arg(qs(k), QString::fromUtf8(d.replacement)),
                    how);
            }
            if (deprecated || !FieldFormat::isValidAnnotationKey(k))
                continue;
            const AnnotationVerdict verdict = judgeAnnotationKey(k);
            if (verdict.suggestion.empty())
                continue;
            if (!verdict.prefixOnly) {
                add(Severity::Warning, QStringLiteral("annotation-typo"), key.index(), field(),
                    QStringLiteral("the annotation %1 is not a well-known annotation; no plugin will read it")
                        .arg(qs(k)),
                    QStringLiteral("Did you mean %1?").arg(qs(verdict.suggestion)));
            } else {
                const size_t slash = k.find('/');
                add(Severity::Warning, QStringLiteral("annotation-typo"), key.index(), field(),
                    QStringLiteral("the annotation prefix %1 looks like a misspelling of %2")
                        .arg(quoted(k.substr(0, slash)), qs(verdict.suggestion)),
                    QStringLiteral("Did you mean %1%2?").arg(qs(verdict.suggestion), qs(k.substr(slash))));
            }
        }
    }

    // Spec fields: deprecated in the schema, removed from the model, or near misses of known ones.
    const YamlValue spec = m_root["spec"];
    const KindSchema* kind = schemas.kind(m_root["kind"].text());
    if (!spec.isMapping() || !kind || !kind->spec)
        return;
    for (std::uint32_t i = 0; i < spec.size(); ++i) {
        const YamlValue key = spec.keyAt(i);
        if (!key.isString())
            continue;
        const std::string_view k = key.text();
        if (const Schema::Node* p = kind->spec->property(k)) {
            if (p->deprecated)
                add(Severity::Warning, deprecatedCode, key.index(), QStringLiteral("spec.") + qs(k),
                    QStringLiteral("spec.%1 is deprecated").arg(qs(k)),
                    p->description.isEmpty() ? QStringLiteral("Remove it.") : p->description);
            continue;
        }
        if (std::find(kind->specFields.begin(), kind->specFields.end(), k) != kind->specFields.end())
            continue;
        bool removed = false;
        for (const RemovedField& r : kRemovedSpecFields) {
            if (r.kind == kind->kind && r.field == k) {
                removed = true;
                add(Severity::Warning, deprecatedCode, key.index(), QStringLiteral("spec.") + qs(k),
                    QStringLiteral("spec.%1 was renamed to spec.%2; Backstage ignores the old name")
                        .arg(qs(k), QString::fromUtf8(r.replacement)),
                    QStringLiteral("Rename %1: to %2:.").arg(qs(k), QString::fromUtf8(r.replacement)));
            }
        }
        if (removed)
            continue;
        const std::string_view near = nearMiss(k, kind->specFields);
        if (!near.empty())
            add(Severity::Warning, typo, key.index(), QStringLiteral("spec.") + qs(k),
                QStringLiteral("spec.%1 is not a field a %2 has, so Backstage ignores it").arg(qs(k), qs(kind->kind)),
                QStringLiteral("Did you mean %1? Field names are case-sensitive.").arg(qs(near)));
    }
}

QString entityKeyOf(YamlValue root)
{
    const YamlValue kind = root["kind"];
    const YamlValue name = root["metadata"]["name"];
    const YamlValue ns = root["metadata"]["namespace"];
    if (!kind.isString() || !name.isString() || kind.text().empty() || name.text().empty())
        return QString();
    return canonicalKey(kind.toString(),
        ns.isString() && !ns.text().empty() ? ns.toString() : QStringLiteral("default"), name.toString());
}

// The EntityEnvelope schema, written out: validateEntity's precondition, checked on every call.
bool envelopeHolds(YamlValue root)
{
    auto nonEmptyString = [](YamlValue v) { return v.isString() && !v.text().empty(); };
    if (!root.isMapping() || !nonEmptyString(root["apiVersion"]) || !nonEmptyString(root["kind"]))
        return false;
    const YamlValue metadata = root["metadata"];
    if (!metadata.isMapping() || !nonEmptyString(metadata["name"]))
        return false;
    const YamlValue ns = metadata["namespace"];
    return !ns.isValid() || nonEmptyString(ns);
}

const char* jsTypeof(YamlValue v)
{
    switch (v.type()) {
    case YamlType::String:
        return "string";
    case YamlType::Int:
    case YamlType::Float:
        return "number";
    case YamlType::Bool:
        return "boolean";
    default:
        return "object";
    }
}

bool reportInternalProblems(YamlValue root, const QString& file, const QString& entity, Diagnostics& out)
{
    const Schemas& schemas = Schemas::get();
    if (schemas.problems.isEmpty())
        return false;
    Checker c(root, file, entity, out);
    c.add(Severity::Error, QStringLiteral("internal"), npos, QString(),
        QStringLiteral("entities cannot be validated: %1").arg(schemas.problems.join(QStringLiteral("; "))),
        QStringLiteral("This is a build problem of Flightdeck; please report it."));
    return true;
}

} // namespace

bool validateEnvelope(YamlValue root, const QString& file, Diagnostics& out)
{
    if (!root.isValid() || root.isNull())
        return false; // an empty document: Backstage skips it without a word
    if (!root.isMapping()) {
        Checker c(root, file, QString(), out);
        const QString backstage = QStringLiteral("Expected object at root, got %1").arg(QLatin1String(jsTypeof(root)));
        if (root.isSequence())
            c.add(Severity::Error, QStringLiteral("envelope"), root.index(), QString(),
                QStringLiteral("the document is a list, but each YAML document must be one entity (a mapping with "
                               "apiVersion, kind, metadata and spec)"),
                QStringLiteral("Write each entity as its own document, separated by lines of ---, instead of as "
                               "list items."),
                backstage);
        else
            c.add(Severity::Error, QStringLiteral("envelope"), root.index(), QString(),
                QStringLiteral("the document is %1, not an entity").arg(describeValue(root)),
                QStringLiteral("Start the document with apiVersion:, kind:, metadata: and spec: lines. If the text "
                               "is a comment, put # in front of it."),
                backstage);
        return false;
    }
    if (reportInternalProblems(root, file, QString(), out))
        return false;
    std::vector<Error> errors;
    if (Schema::validate(Schemas::get().envelope, root, errors))
        return true;
    const QString entity = entityKeyOf(root);
    Checker c(root, file, entity, out);
    c.reportSchemaErrors(errors, Stage::Envelope, nullptr);
    return false;
}

bool validateEntity(YamlValue root, const QString& file, const QString& entityKey, Diagnostics& out)
{
    if (!root.isMapping())
        return false;
    if (reportInternalProblems(root, file, entityKey, out))
        return false;
    const Schemas& schemas = Schemas::get();
    if (!envelopeHolds(root))
        return false;
    Checker c(root, file, entityKey, out);
    // SchemaValidEntityPolicy: the full Entity schema.
    std::vector<Error> errors;
    if (!Schema::validate(schemas.entity, root, errors))
        c.reportSchemaErrors(errors, Stage::Policy, nullptr);
    // NoForeignRootFieldsEntityPolicy, FieldFormatEntityPolicy, then the kind's own schema.
    c.checkForeignRootFields();
    c.checkFieldFormats();
    c.checkKind();
    c.checkWarnings();
    return !c.failed();
}

} // namespace Flightdeck::Catalog
