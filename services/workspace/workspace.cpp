// SPDX-License-Identifier: Apache-2.0
#include "workspace.h"

#include "secrets/secretstore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QSet>
#include <QStandardPaths>
#include <QUrl>

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <functional>
#include <limits>

namespace Flightdeck::Workspace {

using Catalog::Diagnostic;
using Catalog::Diagnostics;
using Catalog::Severity;
using Catalog::YamlDocument;
using Catalog::YamlType;
using Catalog::YamlValue;
using Type = CatalogSourceSpec::Type;

namespace {

constexpr qint64 MaxWorkspaceFileSize = 4 * 1024 * 1024;

const QLatin1String KeyApiVersion("apiVersion");
const QLatin1String KeyKind("kind");
const QLatin1String KeyMetadata("metadata");
const QLatin1String KeySpec("spec");
const QLatin1String KeyName("name");
const QLatin1String KeyCatalog("catalog");
const QLatin1String KeyCredentials("credentials");
const QLatin1String KeyTemplates("templates");
const QLatin1String KeyDeploy("deploy");

const QStringList& sourceKeys()
{
    static const QStringList keys { QStringLiteral("name"), QStringLiteral("type"), QStringLiteral("path"),
        QStringLiteral("url"), QStringLiteral("branch"), QStringLiteral("credential"), QStringLiteral("globs"),
        QStringLiteral("refreshMinutes") };
    return keys;
}
const QStringList& catalogKeys()
{
    static const QStringList keys { QStringLiteral("refreshMinutes"), QStringLiteral("maxFileSize"),
        QStringLiteral("sources") };
    return keys;
}
const QStringList& credentialKeys()
{
    static const QStringList keys { QStringLiteral("name"), QStringLiteral("description") };
    return keys;
}

// Keys that would hold a secret value where the workspace only allows a credential's name.
bool isSecretKey(const QString& key)
{
    static const QStringList keys { QStringLiteral("token"), QStringLiteral("password"), QStringLiteral("passwd"),
        QStringLiteral("secret"), QStringLiteral("apikey"), QStringLiteral("api-key"), QStringLiteral("api_key"),
        QStringLiteral("accesstoken"), QStringLiteral("access_token"), QStringLiteral("access-token"),
        QStringLiteral("privatekey"), QStringLiteral("private_key"), QStringLiteral("private-key"),
        QStringLiteral("value"), QStringLiteral("pat"), QStringLiteral("auth"), QStringLiteral("authorization") };
    return keys.contains(key.toLower());
}

QString typeList()
{
    return QStringLiteral("directory, file, git, backstage");
}

std::optional<Type> typeFromName(const QString& name)
{
    if (name == QLatin1String("directory"))
        return Type::Directory;
    if (name == QLatin1String("file"))
        return Type::File;
    if (name == QLatin1String("git"))
        return Type::Git;
    if (name == QLatin1String("backstage"))
        return Type::Backstage;
    return std::nullopt;
}

int editDistance(const QString& a, const QString& b)
{
    QList<int> prev(b.size() + 1), cur(b.size() + 1);
    for (qsizetype j = 0; j <= b.size(); ++j)
        prev[j] = int(j);
    for (qsizetype i = 1; i <= a.size(); ++i) {
        cur[0] = int(i);
        for (qsizetype j = 1; j <= b.size(); ++j) {
            const int cost = a.at(i - 1).toLower() == b.at(j - 1).toLower() ? 0 : 1;
            cur[j] = std::min({ prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost });
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

QString validKeysHint(const QString& key, const QStringList& valid)
{
    QString best;
    int bestDistance = 3;
    for (const QString& v : valid) {
        const int d = editDistance(key, v);
        if (d < bestDistance) {
            bestDistance = d;
            best = v;
        }
    }
    const QString list = QStringLiteral("valid keys: ") + valid.join(QStringLiteral(", "));
    return best.isEmpty() ? list : QStringLiteral("did you mean %1? (%2)").arg(best, list);
}

bool isAlnumOrTokenChar(QChar c)
{
    return c.isLetterOrNumber() || c == QLatin1Char('_') || c == QLatin1Char('-');
}

// Counts token characters from `from`.
qsizetype tokenRun(const QString& text, qsizetype from)
{
    qsizetype n = 0;
    while (from + n < text.size() && isAlnumOrTokenChar(text.at(from + n)))
        ++n;
    return n;
}

// What kind of secret text contains, or an empty string.
QString inlineSecretKind(const QString& text)
{
    struct Prefix
    {
        const char* prefix;
        int minBody;
        const char* kind;
    };
    static const Prefix prefixes[] = {
        { "ghp_", 20, "a GitHub token" },
        { "gho_", 20, "a GitHub token" },
        { "ghu_", 20, "a GitHub token" },
        { "ghs_", 20, "a GitHub token" },
        { "ghr_", 20, "a GitHub token" },
        { "github_pat_", 20, "a GitHub token" },
        { "glpat-", 16, "a GitLab token" },
        { "gldt-", 16, "a GitLab token" },
        { "glptt-", 16, "a GitLab token" },
        { "xoxb-", 10, "a Slack token" },
        { "xoxp-", 10, "a Slack token" },
        { "xapp-", 10, "a Slack token" },
        { "npm_", 30, "an npm token" },
        { "AKIA", 16, "an AWS access key" },
        { "ASIA", 16, "an AWS access key" },
        { "sk-", 32, "an API secret key" },
    };
    if (text.contains(QLatin1String("-----BEGIN")) && text.contains(QLatin1String("PRIVATE KEY")))
        return QStringLiteral("a private key");
    for (const Prefix& p : prefixes) {
        const QLatin1String prefix(p.prefix);
        qsizetype at = text.indexOf(prefix);
        while (at >= 0) {
            const bool boundary = at == 0 || !isAlnumOrTokenChar(text.at(at - 1));
            if (boundary && tokenRun(text, at + prefix.size()) >= p.minBody)
                return QString::fromLatin1(p.kind);
            at = text.indexOf(prefix, at + 1);
        }
    }
    if (text.contains(QLatin1String("://"))) {
        const QUrl url(text, QUrl::StrictMode);
        if (url.isValid() && !url.password().isEmpty())
            return QStringLiteral("a password in the URL");
    }
    return {};
}

QString inlineSecretHint()
{
    return QStringLiteral("a workspace file must not hold secrets: store the value in the keychain (Settings > "
                          "Credentials) under a name such as github-token, and write credential: github-token here");
}

bool isGitUrl(const QString& url)
{
    if (url.startsWith(QLatin1String("https://")) || url.startsWith(QLatin1String("http://"))
        || url.startsWith(QLatin1String("ssh://")) || url.startsWith(QLatin1String("git://"))) {
        const QUrl u(url);
        return u.isValid() && !u.host().isEmpty();
    }
    if (url.startsWith(QLatin1String("file://")))
        return url.size() > 7;
    // scp-like: user@host:path
    const qsizetype at = url.indexOf(QLatin1Char('@'));
    const qsizetype colon = url.indexOf(QLatin1Char(':'));
    return at > 0 && colon > at + 1 && colon + 1 < url.size() && !url.contains(QLatin1Char(' '));
}

bool isHttpUrl(const QString& url)
{
    if (!url.startsWith(QLatin1String("https://")) && !url.startsWith(QLatin1String("http://")))
        return false;
    const QUrl u(url);
    return u.isValid() && !u.host().isEmpty();
}

bool hasControlCharacters(const QString& s)
{
    return std::any_of(s.cbegin(), s.cend(), [](QChar c) { return c.category() == QChar::Other_Control; });
}

struct Problem
{
    QString field;
    QString message;
    QString hint;
};

// What is wrong with a source, field by field. Shared by the reader and the editing functions so
// a form and the file give the same answers.
QList<Problem> sourceProblems(const CatalogSourceSpec& s, bool scanSecrets)
{
    QList<Problem> out;
    const QString type = Sources::typeName(s.type);
    if (s.name.trimmed().isEmpty())
        out.push_back({ QStringLiteral("name"), QStringLiteral("a source needs a name"),
            QStringLiteral("give it a short unique name, for example platform-catalog") });
    else if (s.name.trimmed() != s.name || hasControlCharacters(s.name) || s.name.size() > 100)
        out.push_back({ QStringLiteral("name"), QStringLiteral("source name \"%1\" is not usable").arg(s.name),
            QStringLiteral("use up to 100 characters without leading or trailing spaces or line breaks") });

    const auto notUsed = [&](const QString& field, const QString& what) {
        out.push_back({ field, QStringLiteral("%1 is not used by %2 sources").arg(field, type), what });
    };
    switch (s.type) {
    case Type::Directory:
    case Type::File:
        if (s.path.isEmpty())
            out.push_back({ QStringLiteral("path"), QStringLiteral("a %1 source needs a path").arg(type),
                s.type == Type::Directory
                    ? QStringLiteral("set path to the folder to scan; a relative path is resolved against "
                                     "the workspace file's folder")
                    : QStringLiteral("set path to the catalog file; a relative path is resolved against "
                                     "the workspace file's folder") });
        if (!s.url.isEmpty())
            notUsed(QStringLiteral("url"), QStringLiteral("remove it, or change type to git or backstage"));
        if (!s.branch.isEmpty())
            notUsed(QStringLiteral("branch"), QStringLiteral("remove it, or change type to git"));
        if (!s.credential.isEmpty())
            notUsed(QStringLiteral("credential"), QStringLiteral("remove it: local files need no credential"));
        if (s.type == Type::File && !s.globs.isEmpty())
            notUsed(QStringLiteral("globs"), QStringLiteral("remove them, or change type to directory"));
        break;
    case Type::Git:
        if (s.url.isEmpty())
            out.push_back({ QStringLiteral("url"), QStringLiteral("a git source needs a url"),
                QStringLiteral("set url to the clone URL, for example https://github.com/acme/catalog.git "
                               "or git@github.com:acme/catalog.git") });
        else if (!isGitUrl(s.url))
            out.push_back({ QStringLiteral("url"), QStringLiteral("%1 is not a git URL").arg(s.url),
                QStringLiteral("write https://host/owner/repo.git, ssh://host/path, git@host:owner/repo.git "
                               "or file:///path/to/repo.git") });
        if (!s.path.isEmpty())
            notUsed(QStringLiteral("path"),
                QStringLiteral("select files inside the repository with globs, for "
                               "example globs: [\"services/**/catalog-info.yaml\"]"));
        break;
    case Type::Backstage:
        if (s.url.isEmpty())
            out.push_back({ QStringLiteral("url"), QStringLiteral("a backstage source needs a url"),
                QStringLiteral("set url to the Backstage backend, for example https://backstage.example.com") });
        else if (!isHttpUrl(s.url))
            out.push_back({ QStringLiteral("url"), QStringLiteral("%1 is not an http(s) URL").arg(s.url),
                QStringLiteral("set url to the Backstage backend, for example https://backstage.example.com") });
        if (!s.path.isEmpty())
            notUsed(QStringLiteral("path"), QStringLiteral("remove it; the catalog comes from the Backstage API"));
        if (!s.branch.isEmpty())
            notUsed(QStringLiteral("branch"), QStringLiteral("remove it, or change type to git"));
        if (!s.globs.isEmpty())
            notUsed(QStringLiteral("globs"), QStringLiteral("remove them; the catalog comes from the Backstage API"));
        break;
    }
    if (!s.credential.isEmpty() && !Secrets::isValidCredentialName(s.credential))
        out.push_back(
            { QStringLiteral("credential"), QStringLiteral("\"%1\" is not a valid credential name").arg(s.credential),
                Secrets::credentialNameRule() + QStringLiteral("; the value itself belongs in the keychain") });
    for (const QString& g : s.globs)
        if (g.trimmed().isEmpty()) {
            out.push_back({ QStringLiteral("globs"), QStringLiteral("a glob is empty"),
                QStringLiteral("remove it, or write a pattern such as **/catalog-info.yaml") });
            break;
        }
    if (s.refreshMinutes < 0)
        out.push_back({ QStringLiteral("refreshMinutes"), QStringLiteral("refreshMinutes cannot be negative"),
            QStringLiteral("use 0 for manual refresh, or a number of minutes") });
    if (scanSecrets) {
        const std::pair<const char*, const QString*> fields[] = { { "name", &s.name }, { "url", &s.url },
            { "branch", &s.branch }, { "path", &s.path }, { "credential", &s.credential } };
        for (const auto& [field, value] : fields) {
            const QString kind = inlineSecretKind(*value);
            if (!kind.isEmpty())
                out.push_back({ QString::fromLatin1(field),
                    QStringLiteral("%1 holds what looks like %2").arg(QString::fromLatin1(field), kind),
                    inlineSecretHint() });
        }
    }
    return out;
}

// ---- writing ---------------------------------------------------------------------------------

// Strings that YAML 1.1 readers (yaml-cpp, PyYAML) take for booleans; quoted so every tool agrees.
bool isYaml11Boolean(const QString& s)
{
    static const QStringList words { QStringLiteral("y"), QStringLiteral("n"), QStringLiteral("yes"),
        QStringLiteral("no"), QStringLiteral("on"), QStringLiteral("off") };
    return s.size() <= 3 && words.contains(s.toLower());
}

void emitString(YAML::Emitter& out, const QString& s)
{
    const std::string u = s.toStdString();
    if (s.contains(QLatin1Char('\n')))
        out << YAML::Literal << u;
    else if (u.empty() || Catalog::resolvePlainScalar(u).type != YamlType::String || isYaml11Boolean(s))
        out << YAML::DoubleQuoted << u; // keeps "30", "true", "null" strings from being read back as other types
    else
        out << u;
}

void emitNode(YAML::Emitter& out, const YamlDocument& doc, YamlDocument::Index i)
{
    const YamlDocument::Node& n = doc.node(i);
    switch (n.type) {
    case YamlType::Mapping:
        if (n.size == 0)
            out << YAML::Flow;
        out << YAML::BeginMap;
        for (std::uint32_t k = 0; k < n.size; ++k) {
            out << YAML::Key;
            emitNode(out, doc, doc.key(i, k));
            out << YAML::Value;
            emitNode(out, doc, doc.value(i, k));
        }
        out << YAML::EndMap;
        break;
    case YamlType::Sequence:
        if (n.size == 0)
            out << YAML::Flow;
        out << YAML::BeginSeq;
        for (std::uint32_t k = 0; k < n.size; ++k)
            emitNode(out, doc, doc.item(i, k));
        out << YAML::EndSeq;
        break;
    case YamlType::String:
        emitString(out, doc.string(i));
        break;
    case YamlType::Null:
        out << YAML::Null;
        break;
    case YamlType::Bool:
        out << n.number.boolean;
        break;
    case YamlType::Int:
    case YamlType::Float:
        // The number as written (0x1F, 1.10, 1e3): it is a valid plain scalar and reads back the same.
        out << std::string(doc.text(i));
        break;
    }
}

} // namespace

bool looksLikeInlineSecret(const QString& text)
{
    return !inlineSecretKind(text).isEmpty();
}

QString workspaceApiVersion()
{
    return QStringLiteral("flightdeck.dev/v1");
}

// ---- reading ---------------------------------------------------------------------------------

class WorkspaceReader
{
public:
    WorkspaceReader(Workspace& ws, const QString& file, Diagnostics& diagnostics)
        : m_ws(ws)
        , m_file(file)
        , m_diagnostics(diagnostics)
    { }

    void read(const std::shared_ptr<const YamlDocument>& doc);
    bool failed() const { return m_errors > 0; }

    void add(Severity severity, Catalog::TextPosition at, const QString& field, const QString& code,
        const QString& message, const QString& hint)
    {
        Diagnostic d;
        d.severity = severity;
        d.file = m_file;
        d.line = at.line;
        d.column = at.column;
        d.field = field;
        d.code = code;
        d.message = message;
        d.hint = hint;
        m_diagnostics.push_back(d);
        if (severity == Severity::Error)
            ++m_errors;
    }
    void error(
        const YamlValue& at, const QString& field, const QString& code, const QString& message, const QString& hint)
    {
        add(Severity::Error, at.position(), field, code, message, hint);
    }

private:
    void readMetadata(const YamlValue& v);
    void readSpec(const YamlValue& v);
    void readCatalog(const YamlValue& v);
    void readTemplates(const YamlValue& v);
    void readSources(const YamlValue& value, const QString& field, bool templates);
    void readSource(const YamlValue& v, const QString& field, QHash<QString, int>& names, bool templates);
    void readCredentials(const YamlValue& v);
    void readDeploy(const YamlValue& v);
    bool readSettings(const YamlValue& mapping, const QString& field, const QStringList& reserved,
        QMap<QString, QString>& out, const std::function<void(const QString&, const YamlValue&)>& onReserved);
    bool readString(const YamlValue& v, const QString& field, QString& out);
    bool readCount(
        const YamlValue& v, const QString& field, qint64 min, qint64 max, const QString& unitHint, qint64& out);
    void secretKey(const YamlValue& key, const YamlValue& value, const QString& field, const QString& hint);
    void scanForSecrets(YamlDocument::Index i, const QString& field);

    Workspace& m_ws;
    QString m_file;
    Diagnostics& m_diagnostics;
    const YamlDocument* m_doc = nullptr;
    int m_errors = 0;
    QHash<QString, int> m_sourceNames;
    QSet<YamlDocument::Index> m_reported; // nodes already reported as secrets
    QSet<YamlDocument::Index> m_scanned;
};

bool WorkspaceReader::readString(const YamlValue& v, const QString& field, QString& out)
{
    if (v.isString()) {
        out = v.toString();
        return true;
    }
    if (v.isNull()) {
        out.clear();
        return true;
    }
    const QString shown = v.isScalar() ? QString::fromStdString(v.scalarAsString()) : QString();
    error(v, field, QStringLiteral("workspace-field"),
        QStringLiteral("%1 must be a string, not %2").arg(field, QString::fromLatin1(v.jsonTypeName())),
        shown.isEmpty() ? QStringLiteral("write a single text value")
                        : QStringLiteral("put it in quotes: \"%1\"").arg(shown));
    return false;
}

bool WorkspaceReader::readCount(
    const YamlValue& v, const QString& field, qint64 min, qint64 max, const QString& unitHint, qint64& out)
{
    if (v.type() != YamlType::Int) {
        error(v, field, QStringLiteral("workspace-field"),
            QStringLiteral("%1 must be a whole number, not %2").arg(field, QString::fromLatin1(v.jsonTypeName())),
            unitHint);
        return false;
    }
    const std::int64_t n = v.document()->node(v.index()).number.integer;
    if (n < min || n > max) {
        error(v, field, QStringLiteral("workspace-field"),
            QStringLiteral("%1 is %2, outside %3 to %4").arg(field).arg(n).arg(min).arg(max), unitHint);
        return false;
    }
    out = n;
    return true;
}

void WorkspaceReader::secretKey(const YamlValue& key, const YamlValue& value, const QString& field, const QString& hint)
{
    error(key, field, QStringLiteral("workspace-inline-secret"),
        QStringLiteral("\"%1:\" would keep a secret in the workspace file").arg(key.toString()), hint);
    if (value.isValid())
        m_reported.insert(value.index());
}

void WorkspaceReader::read(const std::shared_ptr<const YamlDocument>& doc)
{
    m_doc = doc.get();
    m_ws.m_document = doc;
    m_ws.m_topKeys.clear();
    m_ws.m_metadataKeys.clear();
    m_ws.m_specKeys.clear();
    const YamlValue root(doc.get(), doc->root());
    const QString envelopeHint = QStringLiteral("a workspace file starts with apiVersion: %1, kind: Workspace and "
                                                "metadata: {name: ...}")
                                     .arg(workspaceApiVersion());
    if (!root.isMapping()) {
        error(root, {}, QStringLiteral("workspace-envelope"),
            QStringLiteral("the workspace is a %1, not a mapping").arg(QString::fromLatin1(root.jsonTypeName())),
            envelopeHint);
        return;
    }
    bool sawApiVersion = false, sawKind = false, sawMetadata = false;
    for (std::uint32_t i = 0; i < root.size(); ++i) {
        const YamlValue key = root.keyAt(i);
        const YamlValue value = root.valueAt(i);
        const QString k = QString::fromStdString(key.scalarAsString());
        if (k == KeyApiVersion) {
            sawApiVersion = true;
            m_ws.m_topKeys.push_back({ k });
            const QString v = value.isString() ? value.toString() : QString::fromStdString(value.scalarAsString());
            if (v == workspaceApiVersion())
                continue;
            if (v.startsWith(QLatin1String("flightdeck.dev/")))
                error(value, k, QStringLiteral("workspace-envelope"),
                    QStringLiteral("this workspace is written for apiVersion %1, which this version of Flightdeck "
                                   "does not read")
                        .arg(v),
                    QStringLiteral("update Flightdeck, or use a workspace file with apiVersion: %1")
                        .arg(workspaceApiVersion()));
            else
                error(value, k, QStringLiteral("workspace-envelope"),
                    QStringLiteral("apiVersion is \"%1\"; a workspace has apiVersion %2").arg(v, workspaceApiVersion()),
                    QStringLiteral("write apiVersion: %1").arg(workspaceApiVersion()));
        } else if (k == KeyKind) {
            sawKind = true;
            m_ws.m_topKeys.push_back({ k });
            const QString v = value.isString() ? value.toString() : QString::fromStdString(value.scalarAsString());
            if (v != QLatin1String("Workspace"))
                error(value, k, QStringLiteral("workspace-envelope"),
                    QStringLiteral("kind is \"%1\"; this file must have kind: Workspace").arg(v),
                    v.compare(QLatin1String("Workspace"), Qt::CaseInsensitive) == 0
                        ? QStringLiteral("write Workspace with a capital W")
                        : QStringLiteral("write kind: Workspace (catalog entities go in catalog-info.yaml files "
                                         "that a catalog source reads)"));
        } else if (k == KeyMetadata) {
            sawMetadata = true;
            m_ws.m_topKeys.push_back({ k });
            readMetadata(value);
        } else if (k == KeySpec) {
            m_ws.m_topKeys.push_back({ k });
            readSpec(value);
        } else {
            m_ws.m_topKeys.push_back({ k, value.index() });
        }
    }
    if (!sawApiVersion)
        error(root, KeyApiVersion, QStringLiteral("workspace-envelope"), QStringLiteral("apiVersion is missing"),
            QStringLiteral("add apiVersion: %1 as the first line").arg(workspaceApiVersion()));
    if (!sawKind)
        error(root, KeyKind, QStringLiteral("workspace-envelope"), QStringLiteral("kind is missing"),
            QStringLiteral("add kind: Workspace"));
    if (!sawMetadata)
        error(root, QStringLiteral("metadata.name"), QStringLiteral("workspace-envelope"),
            QStringLiteral("metadata.name is missing"), QStringLiteral("add metadata: {name: my-team}"));
    if (!m_ws.m_topKeys.contains(Workspace::Preserved { KeySpec }))
        m_ws.m_topKeys.push_back({ KeySpec });

    // Undeclared credentials work (the keychain is asked by name) but Settings cannot describe them.
    for (const auto& entry : std::as_const(m_ws.m_sources)) {
        const QString& c = entry.spec.credential;
        if (c.isEmpty() || !Secrets::isValidCredentialName(c) || looksLikeInlineSecret(c)
            || std::any_of(m_ws.m_credentials.cbegin(), m_ws.m_credentials.cend(),
                [&c](const CredentialSpec& d) { return d.name == c; }))
            continue;
        add(Severity::Warning, {}, QStringLiteral("spec.credentials"), QStringLiteral("workspace-credential"),
            QStringLiteral("source %1 uses credential %2, which spec.credentials does not declare")
                .arg(entry.spec.name, c),
            QStringLiteral("add it under spec.credentials with a description: - {name: %1, description: ...}").arg(c));
    }

    // A secret pasted anywhere, known section or not, is an error: the file is not the place for it.
    scanForSecrets(doc->root(), {});
}

void WorkspaceReader::scanForSecrets(YamlDocument::Index i, const QString& field)
{
    if (m_scanned.contains(i))
        return;
    m_scanned.insert(i);
    const YamlDocument::Node& n = m_doc->node(i);
    if (n.type == YamlType::Mapping) {
        for (std::uint32_t k = 0; k < n.size; ++k) {
            const QString key = QString::fromStdString(m_doc->scalarAsString(m_doc->key(i, k)));
            scanForSecrets(m_doc->value(i, k), field.isEmpty() ? key : field + QLatin1Char('.') + key);
        }
    } else if (n.type == YamlType::Sequence) {
        for (std::uint32_t k = 0; k < n.size; ++k)
            scanForSecrets(m_doc->item(i, k), field + QLatin1Char('.') + QString::number(k));
    } else if (n.type == YamlType::String && !m_reported.contains(i)) {
        const QString kind = inlineSecretKind(m_doc->string(i));
        if (!kind.isEmpty()) {
            m_reported.insert(i);
            add(Severity::Error, m_doc->position(i), field, QStringLiteral("workspace-inline-secret"),
                QStringLiteral("%1 holds what looks like %2").arg(field, kind), inlineSecretHint());
        }
    }
}

void WorkspaceReader::readMetadata(const YamlValue& v)
{
    if (!v.isMapping()) {
        error(v, KeyMetadata, QStringLiteral("workspace-envelope"),
            QStringLiteral("metadata must be a mapping, not %1").arg(QString::fromLatin1(v.jsonTypeName())),
            QStringLiteral("write metadata: {name: my-team}"));
        return;
    }
    bool sawName = false;
    for (std::uint32_t i = 0; i < v.size(); ++i) {
        const QString k = QString::fromStdString(v.keyAt(i).scalarAsString());
        if (k == KeyName) {
            sawName = true;
            m_ws.m_metadataKeys.push_back({ k });
            QString name;
            if (readString(v.valueAt(i), QStringLiteral("metadata.name"), name)) {
                if (name.trimmed().isEmpty())
                    error(v.valueAt(i), QStringLiteral("metadata.name"), QStringLiteral("workspace-envelope"),
                        QStringLiteral("metadata.name is empty"),
                        QStringLiteral("name the workspace, for example my-team"));
                m_ws.m_name = name;
            }
        } else {
            m_ws.m_metadataKeys.push_back({ k, v.valueAt(i).index() });
        }
    }
    if (!sawName)
        error(v, QStringLiteral("metadata.name"), QStringLiteral("workspace-envelope"),
            QStringLiteral("metadata.name is missing"),
            QStringLiteral("name the workspace: metadata: {name: my-team}"));
}

void WorkspaceReader::readSpec(const YamlValue& v)
{
    if (v.isNull())
        return;
    if (!v.isMapping()) {
        error(v, KeySpec, QStringLiteral("workspace-envelope"),
            QStringLiteral("spec must be a mapping, not %1").arg(QString::fromLatin1(v.jsonTypeName())),
            QStringLiteral("write spec: followed by indented sections such as catalog: and credentials:"));
        return;
    }
    // Sections this version reads are parsed here; a later one (templates, pipelines, deploy,
    // metrics) adds its branch and its writer, and until then it is preserved untouched.
    for (std::uint32_t i = 0; i < v.size(); ++i) {
        const QString k = QString::fromStdString(v.keyAt(i).scalarAsString());
        if (k == KeyCatalog) {
            m_ws.m_specKeys.push_back({ k });
            readCatalog(v.valueAt(i));
        } else if (k == KeyCredentials) {
            m_ws.m_specKeys.push_back({ k });
            readCredentials(v.valueAt(i));
        } else if (k == KeyTemplates) {
            m_ws.m_specKeys.push_back({ k });
            readTemplates(v.valueAt(i));
        } else if (k == KeyDeploy) {
            // Read, and written back as it was unless edited through setDeploySettings().
            m_ws.m_specKeys.push_back({ k, v.valueAt(i).index() });
            readDeploy(v.valueAt(i));
        } else {
            m_ws.m_specKeys.push_back({ k, v.valueAt(i).index() });
        }
    }
}

void WorkspaceReader::readCatalog(const YamlValue& v)
{
    if (v.isNull())
        return;
    if (!v.isMapping()) {
        error(v, QStringLiteral("spec.catalog"), QStringLiteral("workspace-field"),
            QStringLiteral("spec.catalog must be a mapping, not %1").arg(QString::fromLatin1(v.jsonTypeName())),
            QStringLiteral("write catalog: with sources: and optional refreshMinutes: and maxFileSize:"));
        return;
    }
    for (std::uint32_t i = 0; i < v.size(); ++i) {
        const YamlValue key = v.keyAt(i);
        const YamlValue value = v.valueAt(i);
        const QString k = QString::fromStdString(key.scalarAsString());
        const QString field = QStringLiteral("spec.catalog.") + k;
        qint64 n = 0;
        if (k == QLatin1String("refreshMinutes")) {
            if (readCount(
                    value, field, 0, 7 * 24 * 60, QStringLiteral("write a number of minutes, 0 for manual refresh"), n))
                m_ws.m_catalog.refreshMinutes = int(n);
        } else if (k == QLatin1String("maxFileSize")) {
            if (readCount(value, field, 1, std::numeric_limits<qint64>::max(),
                    QStringLiteral("write a size in bytes, for example 33554432 for 32 MiB"), n))
                m_ws.m_catalog.maxFileSize = n;
        } else if (k == QLatin1String("sources")) {
            readSources(value, field, false);
        } else if (isSecretKey(k)) {
            secretKey(key, value, field, inlineSecretHint());
        } else {
            error(key, field, QStringLiteral("workspace-unknown-key"),
                QStringLiteral("unknown key %1 in spec.catalog").arg(k), validKeysHint(k, catalogKeys()));
        }
    }
}

void WorkspaceReader::readTemplates(const YamlValue& v)
{
    if (v.isNull())
        return;
    if (!v.isMapping()) {
        error(v, QStringLiteral("spec.templates"), QStringLiteral("workspace-field"),
            QStringLiteral("spec.templates must be a mapping, not %1").arg(QString::fromLatin1(v.jsonTypeName())),
            QStringLiteral("write templates: with sources: (folders or git repositories of template.yaml files)"));
        return;
    }
    for (std::uint32_t i = 0; i < v.size(); ++i) {
        const YamlValue key = v.keyAt(i);
        const QString k = QString::fromStdString(key.scalarAsString());
        const QString field = QStringLiteral("spec.templates.") + k;
        if (k == QLatin1String("sources"))
            readSources(v.valueAt(i), field, true);
        else if (isSecretKey(k))
            secretKey(key, v.valueAt(i), field, inlineSecretHint());
        else
            error(key, field, QStringLiteral("workspace-unknown-key"), QStringLiteral("unknown key %1 in spec.templates").arg(k),
                QStringLiteral("spec.templates has one key: sources"));
    }
}

bool WorkspaceReader::readSettings(const YamlValue& v, const QString& field, const QStringList& reserved,
    QMap<QString, QString>& out, const std::function<void(const QString&, const YamlValue&)>& onReserved)
{
    if (!v.isMapping()) {
        error(v, field, QStringLiteral("workspace-field"),
            QStringLiteral("%1 must be a mapping, not %2").arg(field, QString::fromLatin1(v.jsonTypeName())),
            QStringLiteral("write name: and the settings as key: value lines"));
        return false;
    }
    for (std::uint32_t i = 0; i < v.size(); ++i) {
        const YamlValue key = v.keyAt(i);
        const YamlValue value = v.valueAt(i);
        const QString k = QString::fromStdString(key.scalarAsString());
        const QString f = field + QLatin1Char('.') + k;
        if (reserved.contains(k)) {
            onReserved(k, value);
        } else if (isSecretKey(k)) {
            secretKey(key, value, f,
                QStringLiteral("name a credential instead (credential: my-token) and store its value in Settings → "
                               "Credentials; it is kept in the system keychain"));
        } else if (value.isScalar() && !value.isNull()) {
            out.insert(k, value.isString() ? value.toString() : QString::fromStdString(value.scalarAsString()));
        } else if (value.isNull()) {
            out.insert(k, QString());
        } else {
            error(value, f, QStringLiteral("workspace-field"),
                QStringLiteral("%1 must be a single value, not %2").arg(f, QString::fromLatin1(value.jsonTypeName())),
                QStringLiteral("settings are text, numbers or true/false"));
        }
    }
    return true;
}

void WorkspaceReader::readDeploy(const YamlValue& v)
{
    if (v.isNull())
        return;
    if (!v.isMapping()) {
        error(v, QStringLiteral("spec.deploy"), QStringLiteral("workspace-field"),
            QStringLiteral("spec.deploy must be a mapping, not %1").arg(QString::fromLatin1(v.jsonTypeName())),
            QStringLiteral("write deploy: with backends:, environments: and optional services:"));
        return;
    }
    DeploySettings& d = m_ws.m_deploy;
    const auto requireName = [this](const YamlValue& at, const QString& field, const QString& name, QSet<QString>& seen,
                                 const QString& what) {
        if (name.trimmed().isEmpty()) {
            error(at, field + QStringLiteral(".name"), QStringLiteral("workspace-field"),
                QStringLiteral("%1 has no name").arg(field), QStringLiteral("give every %1 a name:").arg(what));
            return false;
        }
        if (seen.contains(name)) {
            error(at, field + QStringLiteral(".name"), QStringLiteral("workspace-duplicate"),
                QStringLiteral("%1 \"%2\" is listed twice").arg(what, name),
                QStringLiteral("names must be unique; remove or rename one"));
            return false;
        }
        seen.insert(name);
        return true;
    };
    const auto sequence = [this](const YamlValue& value, const QString& field) {
        if (value.isNull())
            return false;
        if (!value.isSequence()) {
            error(value, field, QStringLiteral("workspace-field"),
                QStringLiteral("%1 must be a list, not %2").arg(field, QString::fromLatin1(value.jsonTypeName())),
                QStringLiteral("write one \"- name: …\" item per line"));
            return false;
        }
        return true;
    };
    QList<std::pair<YamlValue, QString>> environmentBackends; // checked once every backend is known
    for (std::uint32_t i = 0; i < v.size(); ++i) {
        const YamlValue key = v.keyAt(i);
        const YamlValue value = v.valueAt(i);
        const QString k = QString::fromStdString(key.scalarAsString());
        const QString field = QStringLiteral("spec.deploy.") + k;
        if (k == QLatin1String("backends")) {
            if (!sequence(value, field))
                continue;
            QSet<QString> seen;
            for (std::uint32_t n = 0; n < value.size(); ++n) {
                const YamlValue item = value.at(n);
                const QString f = field + QLatin1Char('.') + QString::number(n);
                DeployBackendSpec b;
                YamlValue typeAt = item;
                const bool ok = readSettings(item, f,
                    { QStringLiteral("name"), QStringLiteral("type"), QStringLiteral("credential") }, b.settings,
                    [&](const QString& rk, const YamlValue& rv) {
                        QString text;
                        readString(rv, f + QLatin1Char('.') + rk, text);
                        if (rk == QLatin1String("name"))
                            b.name = text;
                        else if (rk == QLatin1String("type")) {
                            b.type = text;
                            typeAt = rv;
                        } else
                            b.credential = text;
                    });
                if (!ok || !requireName(item, f, b.name, seen, QStringLiteral("backend")))
                    continue;
                if (!deployBackendTypes().contains(b.type)) {
                    error(typeAt, f + QStringLiteral(".type"), QStringLiteral("workspace-field"),
                        b.type.isEmpty() ? QStringLiteral("backend %1 has no type").arg(b.name)
                                         : QStringLiteral("backend %1 has the unknown type \"%2\"").arg(b.name, b.type),
                        validKeysHint(b.type, deployBackendTypes()).replace(QStringLiteral("valid keys"), QStringLiteral("types")));
                    continue;
                }
                d.backends.push_back(b);
            }
        } else if (k == QLatin1String("environments")) {
            if (!sequence(value, field))
                continue;
            QSet<QString> seen;
            for (std::uint32_t n = 0; n < value.size(); ++n) {
                const YamlValue item = value.at(n);
                const QString f = field + QLatin1Char('.') + QString::number(n);
                DeployEnvironmentSpec e;
                bool confirmSet = false;
                YamlValue backendAt = item;
                const bool ok = readSettings(item, f,
                    { QStringLiteral("name"), QStringLiteral("backend"), QStringLiteral("confirm"),
                        QStringLiteral("promotesFrom") },
                    e.settings, [&](const QString& rk, const YamlValue& rv) {
                        if (rk == QLatin1String("confirm")) {
                            if (rv.type() != YamlType::Bool)
                                error(rv, f + QStringLiteral(".confirm"), QStringLiteral("workspace-field"),
                                    QStringLiteral("confirm must be true or false"),
                                    QStringLiteral("write confirm: true to make people type the service name"));
                            else {
                                e.confirm = rv.document()->node(rv.index()).number.boolean;
                                confirmSet = true;
                            }
                            return;
                        }
                        QString text;
                        readString(rv, f + QLatin1Char('.') + rk, text);
                        if (rk == QLatin1String("name"))
                            e.name = text;
                        else if (rk == QLatin1String("backend")) {
                            e.backend = text;
                            backendAt = rv;
                        } else
                            e.promotesFrom = text;
                    });
                if (!ok || !requireName(item, f, e.name, seen, QStringLiteral("environment")))
                    continue;
                if (!confirmSet)
                    e.confirm = e.name.compare(QLatin1String("production"), Qt::CaseInsensitive) == 0
                        || e.name.compare(QLatin1String("prod"), Qt::CaseInsensitive) == 0;
                environmentBackends.push_back({ backendAt, f + QStringLiteral(".backend") });
                d.environments.push_back(e);
            }
        } else if (k == QLatin1String("services")) {
            if (!sequence(value, field))
                continue;
            QSet<QString> seen;
            for (std::uint32_t n = 0; n < value.size(); ++n) {
                const YamlValue item = value.at(n);
                const QString f = field + QLatin1Char('.') + QString::number(n);
                DeployServiceSpec sv;
                const bool ok = readSettings(item, f, { QStringLiteral("name"), QStringLiteral("environments") },
                    sv.settings, [&](const QString& rk, const YamlValue& rv) {
                        if (rk == QLatin1String("name")) {
                            readString(rv, f + QStringLiteral(".name"), sv.name);
                            return;
                        }
                        if (rv.isNull())
                            return;
                        if (!rv.isMapping()) {
                            error(rv, f + QStringLiteral(".environments"), QStringLiteral("workspace-field"),
                                QStringLiteral("environments must be a mapping of environment names to settings"),
                                QStringLiteral("write environments: {production: {application: checkout}}"));
                            return;
                        }
                        for (std::uint32_t m = 0; m < rv.size(); ++m) {
                            const QString env = QString::fromStdString(rv.keyAt(m).scalarAsString());
                            QMap<QString, QString> settings;
                            if (rv.valueAt(m).isNull() || readSettings(rv.valueAt(m), f + QStringLiteral(".environments.") + env, {},
                                    settings, [](const QString&, const YamlValue&) { }))
                                sv.environments.insert(env, settings);
                        }
                    });
                if (!ok || !requireName(item, f, sv.name, seen, QStringLiteral("service")))
                    continue;
                d.services.push_back(sv);
            }
        } else if (isSecretKey(k)) {
            secretKey(key, value, field, inlineSecretHint());
        } else {
            error(key, field, QStringLiteral("workspace-unknown-key"), QStringLiteral("unknown key %1 in spec.deploy").arg(k),
                validKeysHint(k, { QStringLiteral("backends"), QStringLiteral("environments"), QStringLiteral("services") }));
        }
    }
    for (qsizetype n = 0; n < d.environments.size(); ++n) {
        const DeployEnvironmentSpec& e = d.environments[n];
        const auto& [at, f] = environmentBackends[n];
        if (e.backend.isEmpty())
            error(at, f, QStringLiteral("workspace-field"), QStringLiteral("environment %1 names no backend").arg(e.name),
                QStringLiteral("write backend: and the name of one of spec.deploy.backends"));
        else if (!d.backend(e.backend)) {
            QStringList names;
            for (const DeployBackendSpec& b : std::as_const(d.backends))
                names << b.name;
            error(at, f, QStringLiteral("workspace-field"),
                QStringLiteral("environment %1 uses the backend \"%2\", which spec.deploy.backends does not list").arg(e.name, e.backend),
                names.isEmpty() ? QStringLiteral("add the backend under spec.deploy.backends")
                                : validKeysHint(e.backend, names).replace(QStringLiteral("valid keys"), QStringLiteral("backends")));
        }
        if (!e.promotesFrom.isEmpty() && !d.environment(e.promotesFrom))
            error(at, f.chopped(8) + QStringLiteral(".promotesFrom"), QStringLiteral("workspace-field"),
                QStringLiteral("environment %1 promotes from \"%2\", which is not an environment").arg(e.name, e.promotesFrom),
                QStringLiteral("name one of the environments listed under spec.deploy.environments"));
    }
}

void WorkspaceReader::readSources(const YamlValue& value, const QString& field, bool templates)
{
    if (value.isNull())
        return;
    if (!value.isSequence()) {
        error(value, field, QStringLiteral("workspace-field"),
            QStringLiteral("%1 must be a list, not %2").arg(field, QString::fromLatin1(value.jsonTypeName())),
            QStringLiteral("write each source as a list item starting with \"- name:\""));
        return;
    }
    // One name space for catalog and template sources: a name picks one source everywhere.
    for (std::uint32_t s = 0; s < value.size(); ++s)
        readSource(value.at(s), field + QLatin1Char('.') + QString::number(s), m_sourceNames, templates);
}

void WorkspaceReader::readSource(const YamlValue& v, const QString& field, QHash<QString, int>& names, bool templates)
{
    if (!v.isMapping()) {
        error(v, field, QStringLiteral("workspace-field"),
            QStringLiteral("a source must be a mapping, not %1").arg(QString::fromLatin1(v.jsonTypeName())),
            QStringLiteral("write a source as name:, type: and the fields its type needs (path, or url)"));
        return;
    }
    const int errorsBefore = m_errors;
    CatalogSourceSpec spec;
    QString writtenPath;
    bool hasType = false;
    for (std::uint32_t i = 0; i < v.size(); ++i) {
        const YamlValue key = v.keyAt(i);
        const YamlValue value = v.valueAt(i);
        const QString k = QString::fromStdString(key.scalarAsString());
        const QString f = field + QLatin1Char('.') + k;
        if (k == QLatin1String("name")) {
            readString(value, f, spec.name);
        } else if (k == QLatin1String("type")) {
            QString t;
            if (readString(value, f, t)) {
                hasType = true;
                if (const auto type = typeFromName(t))
                    spec.type = *type;
                else
                    error(value, f, QStringLiteral("workspace-source-type"),
                        QStringLiteral("unknown source type \"%1\"").arg(t),
                        QStringLiteral("use one of: %1").arg(typeList()));
            }
        } else if (k == QLatin1String("path")) {
            if (readString(value, f, writtenPath) && !writtenPath.isEmpty())
                spec.path = m_ws.resolvePath(writtenPath);
        } else if (k == QLatin1String("url")) {
            readString(value, f, spec.url);
        } else if (k == QLatin1String("branch")) {
            readString(value, f, spec.branch);
        } else if (k == QLatin1String("credential")) {
            readString(value, f, spec.credential);
        } else if (k == QLatin1String("globs")) {
            if (value.isString()) {
                error(value, f, QStringLiteral("workspace-field"), QStringLiteral("globs must be a list"),
                    QStringLiteral("write globs: [\"%1\"]").arg(value.toString()));
            } else if (value.isSequence()) {
                for (std::uint32_t g = 0; g < value.size(); ++g) {
                    QString glob;
                    if (readString(value.at(g), f + QLatin1Char('.') + QString::number(g), glob))
                        spec.globs.push_back(glob);
                }
            } else if (!value.isNull()) {
                error(value, f, QStringLiteral("workspace-field"),
                    QStringLiteral("globs must be a list, not %1").arg(QString::fromLatin1(value.jsonTypeName())),
                    QStringLiteral("write globs: [\"**/catalog-info.yaml\"]"));
            }
        } else if (k == QLatin1String("refreshMinutes")) {
            qint64 n = 0;
            if (readCount(value, f, 0, 7 * 24 * 60,
                    QStringLiteral("write a number of minutes, 0 to use the catalog default"), n))
                spec.refreshMinutes = int(n);
        } else if (isSecretKey(k)) {
            secretKey(key, value, f,
                QStringLiteral("store the value in the keychain (Settings > Credentials) and reference it by "
                               "name here: credential: github-token"));
        } else {
            error(key, f, QStringLiteral("workspace-unknown-key"),
                QStringLiteral("unknown key %1 in a catalog source").arg(k), validKeysHint(k, sourceKeys()));
        }
    }
    const YamlValue nameNode = v[std::string_view("name")];
    if (!hasType && !v.keyNode("type"))
        error(v, field + QStringLiteral(".type"), QStringLiteral("workspace-source-type"),
            spec.name.isEmpty() ? QStringLiteral("a source has no type")
                                : QStringLiteral("source %1 has no type").arg(spec.name),
            QStringLiteral("add type: with one of: %1").arg(typeList()));
    if (!spec.name.isEmpty()) {
        const QString folded = spec.name.toCaseFolded();
        if (names.contains(folded))
            error(nameNode, field + QStringLiteral(".name"), QStringLiteral("workspace-duplicate"),
                QStringLiteral("a source named %1 is already defined on line %2")
                    .arg(spec.name)
                    .arg(names.value(folded)),
                QStringLiteral("give each source a unique name"));
        else
            names.insert(folded, nameNode.position().line);
    }
    // Field rules shared with the editor, reported where the field is (or at the source when missing).
    if (hasType && m_errors == errorsBefore) {
        for (const Problem& p : sourceProblems(spec, false)) {
            const std::string key = p.field.toStdString();
            const YamlValue at = v.keyNode(key) ? v.keyNode(key) : v;
            error(at, field + QLatin1Char('.') + p.field, QStringLiteral("workspace-field"), p.message, p.hint);
        }
    }
    Workspace::SourceEntry entry;
    entry.spec = spec;
    entry.pathAsWritten = writtenPath;
    entry.templates = templates;
    m_ws.m_sources.push_back(entry);
}

void WorkspaceReader::readCredentials(const YamlValue& v)
{
    if (v.isNull())
        return;
    const QString hint = QStringLiteral("the value goes in the keychain (Settings > Credentials); the workspace keeps "
                                        "only a name and a description");
    if (!v.isSequence()) {
        error(v, QStringLiteral("spec.credentials"), QStringLiteral("workspace-field"),
            QStringLiteral("spec.credentials must be a list, not %1").arg(QString::fromLatin1(v.jsonTypeName())),
            QStringLiteral("write each credential as \"- name: github-token\" with an optional description:"));
        return;
    }
    QHash<QString, int> names;
    for (std::uint32_t i = 0; i < v.size(); ++i) {
        const YamlValue item = v.at(i);
        const QString field = QStringLiteral("spec.credentials.") + QString::number(i);
        if (!item.isMapping()) {
            error(item, field, QStringLiteral("workspace-field"),
                QStringLiteral("a credential must be a mapping, not %1").arg(QString::fromLatin1(item.jsonTypeName())),
                QStringLiteral("write - {name: github-token, description: GitHub token with repo read access}"));
            continue;
        }
        CredentialSpec c;
        bool sawName = false;
        for (std::uint32_t k = 0; k < item.size(); ++k) {
            const YamlValue key = item.keyAt(k);
            const YamlValue value = item.valueAt(k);
            const QString name = QString::fromStdString(key.scalarAsString());
            const QString f = field + QLatin1Char('.') + name;
            if (name == QLatin1String("name")) {
                sawName = true;
                if (readString(value, f, c.name) && !Secrets::isValidCredentialName(c.name)
                    && !looksLikeInlineSecret(c.name))
                    error(value, f, QStringLiteral("workspace-field"),
                        QStringLiteral("\"%1\" is not a valid credential name").arg(c.name),
                        Secrets::credentialNameRule());
            } else if (name == QLatin1String("description")) {
                readString(value, f, c.description);
            } else if (isSecretKey(name)) {
                secretKey(key, value, f, hint);
            } else {
                error(key, f, QStringLiteral("workspace-unknown-key"),
                    QStringLiteral("unknown key %1 in a credential").arg(name),
                    validKeysHint(name, credentialKeys()) + QLatin1String("; ") + hint);
            }
        }
        if (!sawName) {
            error(item, field + QStringLiteral(".name"), QStringLiteral("workspace-field"),
                QStringLiteral("a credential has no name"),
                QStringLiteral("add name: (the key it has in the keychain)"));
            continue;
        }
        if (!c.name.isEmpty()) {
            const YamlValue nameNode = item[std::string_view("name")];
            if (names.contains(c.name))
                error(nameNode, field + QStringLiteral(".name"), QStringLiteral("workspace-duplicate"),
                    QStringLiteral("credential %1 is already declared on line %2").arg(c.name).arg(names.value(c.name)),
                    QStringLiteral("declare each credential once"));
            else
                names.insert(c.name, nameNode.position().line);
        }
        m_ws.m_credentials.push_back(c);
    }
}

// ---- Workspace -------------------------------------------------------------------------------

Workspace::Workspace(const QString& name)
    : m_name(name)
{
    m_topKeys = { { KeyApiVersion }, { KeyKind }, { KeyMetadata }, { KeySpec } };
    m_metadataKeys = { { KeyName } };
    m_specKeys = { { KeyCatalog } };
}

QString Workspace::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation)
        + QStringLiteral("/flightdeck/workspace.yaml");
}

std::optional<Workspace> Workspace::load(const QString& path, Diagnostics& diagnostics)
{
    const QString absolute = path.isEmpty() ? path : QDir::cleanPath(QFileInfo(path).absoluteFilePath());
    const auto fail = [&](const QString& message, const QString& hint) {
        Diagnostic d;
        d.file = absolute;
        d.code = QStringLiteral("workspace-read");
        d.message = message;
        d.hint = hint;
        diagnostics.push_back(d);
        return std::nullopt;
    };
    const QFileInfo info(absolute);
    if (!info.exists())
        return fail(QStringLiteral("the workspace file %1 does not exist").arg(absolute),
            QStringLiteral("create a workspace in Settings, or give the path of an existing workspace file"));
    if (info.isDir())
        return fail(QStringLiteral("%1 is a folder, not a workspace file").arg(absolute),
            QStringLiteral("give the path of the workspace YAML file inside it"));
    if (info.size() > MaxWorkspaceFileSize)
        return fail(QStringLiteral("the workspace file %1 is %2 bytes; a workspace file is small")
                        .arg(absolute)
                        .arg(info.size()),
            QStringLiteral("check that this is the workspace file and not a catalog or data file"));
    QFile f(absolute);
    if (!f.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("cannot read the workspace file %1: %2").arg(absolute, f.errorString()),
            QStringLiteral("check the file's permissions"));
    return parse(f.readAll(), absolute, diagnostics);
}

std::optional<Workspace> Workspace::parse(const QByteArray& yaml, const QString& path, Diagnostics& diagnostics)
{
    Workspace ws;
    ws.m_path = path.isEmpty() ? path : QDir::cleanPath(QFileInfo(path).absoluteFilePath());
    WorkspaceReader reader(ws, ws.m_path, diagnostics);
    std::vector<Catalog::YamlStreamDocument> docs = Catalog::parseYamlStream(yaml);
    std::erase_if(docs, [](const Catalog::YamlStreamDocument& d) { return !d.error && d.document.isEmpty(); });
    if (docs.empty()) {
        reader.add(Severity::Error, { 1, 1 }, {}, QStringLiteral("workspace-envelope"),
            QStringLiteral("the workspace file is empty"),
            QStringLiteral("start it with apiVersion: %1, kind: Workspace and metadata: {name: ...}")
                .arg(workspaceApiVersion()));
        return std::nullopt;
    }
    if (docs.size() > 1) {
        reader.add(Severity::Error, { docs[1].startLine, 1 }, {}, QStringLiteral("workspace-envelope"),
            QStringLiteral("a workspace file holds one YAML document; this one has %1").arg(docs.size()),
            QStringLiteral("remove the --- separator and merge the documents into one"));
        return std::nullopt;
    }
    Catalog::YamlStreamDocument& d = docs.front();
    for (const Catalog::YamlProblem& w : d.warnings)
        reader.add(Severity::Warning, w.position, {}, QStringLiteral("workspace-yaml"), w.message, w.hint);
    if (d.error) {
        reader.add(
            Severity::Error, d.error->position, {}, QStringLiteral("workspace-yaml"), d.error->message, d.error->hint);
        return std::nullopt;
    }
    reader.read(std::make_shared<const YamlDocument>(std::move(d.document)));
    if (reader.failed())
        return std::nullopt;
    return ws;
}

QString Workspace::directory() const
{
    return m_path.isEmpty() ? QDir::currentPath() : QFileInfo(m_path).absolutePath();
}

QString Workspace::resolvePath(const QString& written) const
{
    if (written == QLatin1String("~"))
        return QDir::homePath();
    if (written.startsWith(QLatin1String("~/")))
        return QDir::cleanPath(QDir::homePath() + written.mid(1));
    if (QDir::isAbsolutePath(written))
        return QDir::cleanPath(written);
    return QDir::cleanPath(QDir(directory()).absoluteFilePath(written));
}

QString Workspace::writtenFormOf(const QString& absolute) const
{
    const QString dir = directory();
    if (!m_path.isEmpty() && (absolute == dir || absolute.startsWith(dir + QLatin1Char('/'))))
        return QDir(dir).relativeFilePath(absolute);
    return absolute;
}

bool Workspace::save(QString* error)
{
    if (m_path.isEmpty()) {
        if (error)
            *error = QStringLiteral("the workspace has no file yet: save it with a path");
        return false;
    }
    return saveAs(m_path, error);
}

bool Workspace::saveAs(const QString& path, QString* error)
{
    const QString absolute = QDir::cleanPath(QFileInfo(path).absoluteFilePath());
    if (absolute != m_path) {
        // Relative paths stay relative to the file: rebase them on the new folder.
        m_path = absolute;
        for (SourceEntry& e : m_sources) {
            if (!e.pathAsWritten.isEmpty() && !QDir::isAbsolutePath(e.pathAsWritten)
                && !e.pathAsWritten.startsWith(QLatin1Char('~')))
                e.pathAsWritten = writtenFormOf(e.spec.path);
        }
    }
    const QByteArray bytes = toYaml();
    if (bytes.isEmpty()) {
        if (error)
            *error = QStringLiteral("could not write the workspace as YAML");
        return false;
    }
    const QString dir = QFileInfo(absolute).absolutePath();
    if (!QDir().mkpath(dir)) {
        if (error)
            *error = QStringLiteral("cannot create the folder %1").arg(dir);
        return false;
    }
    QSaveFile file(absolute);
    if (!file.open(QIODevice::WriteOnly)) {
        if (error)
            *error = QStringLiteral("cannot write %1: %2").arg(absolute, file.errorString());
        return false;
    }
    file.write(bytes);
    if (!file.commit()) {
        if (error)
            *error = QStringLiteral("cannot write %1: %2").arg(absolute, file.errorString());
        return false;
    }
    return true;
}

QByteArray Workspace::toYaml() const
{
    YAML::Emitter out;
    out.SetIndent(2);
    out << YAML::BeginMap;
    for (const Preserved& top : m_topKeys) {
        out << YAML::Key;
        emitString(out, top.key);
        out << YAML::Value;
        if (top.node != YamlDocument::npos) {
            emitNode(out, *m_document, top.node);
        } else if (top.key == KeyApiVersion) {
            out << workspaceApiVersion().toStdString();
        } else if (top.key == KeyKind) {
            out << "Workspace";
        } else if (top.key == KeyMetadata) {
            out << YAML::BeginMap;
            for (const Preserved& m : m_metadataKeys) {
                out << YAML::Key;
                emitString(out, m.key);
                out << YAML::Value;
                if (m.node != YamlDocument::npos)
                    emitNode(out, *m_document, m.node);
                else
                    emitString(out, m_name);
            }
            out << YAML::EndMap;
        } else if (top.key == KeySpec) {
            QList<Preserved> specKeys = m_specKeys;
            if (!m_credentials.isEmpty() && !specKeys.contains(Preserved { KeyCredentials }))
                specKeys.push_back({ KeyCredentials });
            if (!specKeys.contains(Preserved { KeyCatalog }))
                specKeys.push_front({ KeyCatalog });
            const bool anyTemplates = std::any_of(m_sources.cbegin(), m_sources.cend(), [](const SourceEntry& e) { return e.templates; });
            if (anyTemplates && !specKeys.contains(Preserved { KeyTemplates }))
                specKeys.push_back({ KeyTemplates });
            const bool hasDeploy = std::any_of(specKeys.cbegin(), specKeys.cend(), [](const Preserved& p) { return p.key == KeyDeploy; });
            if (m_deployEdited && !m_deploy.isEmpty() && !hasDeploy)
                specKeys.push_back({ KeyDeploy });
            const auto emitSources = [&](bool templates) {
                const bool none = std::none_of(m_sources.cbegin(), m_sources.cend(),
                    [templates](const SourceEntry& e) { return e.templates == templates; });
                if (none)
                    out << YAML::Flow;
                out << YAML::BeginSeq;
                for (const SourceEntry& e : m_sources) {
                    if (e.templates != templates)
                        continue;
                    const CatalogSourceSpec& src = e.spec;
                    out << YAML::BeginMap;
                    out << YAML::Key << "name" << YAML::Value;
                    emitString(out, src.name);
                    out << YAML::Key << "type" << YAML::Value << Sources::typeName(src.type).toStdString();
                    if (!src.path.isEmpty()) {
                        out << YAML::Key << "path" << YAML::Value;
                        emitString(out, e.pathAsWritten.isEmpty() ? writtenFormOf(src.path) : e.pathAsWritten);
                    }
                    const std::pair<const char*, const QString*> strings[]
                        = { { "url", &src.url }, { "branch", &src.branch }, { "credential", &src.credential } };
                    for (const auto& [key, value] : strings) {
                        if (value->isEmpty())
                            continue;
                        out << YAML::Key << key << YAML::Value;
                        emitString(out, *value);
                    }
                    if (!src.globs.isEmpty()) {
                        out << YAML::Key << "globs" << YAML::Value << YAML::BeginSeq;
                        for (const QString& g : src.globs)
                            emitString(out, g);
                        out << YAML::EndSeq;
                    }
                    if (src.refreshMinutes != 0)
                        out << YAML::Key << "refreshMinutes" << YAML::Value << src.refreshMinutes;
                    out << YAML::EndMap;
                }
                out << YAML::EndSeq;
            };
            out << YAML::BeginMap;
            const auto emitSettings = [&](const QMap<QString, QString>& settings) {
                for (auto it = settings.cbegin(); it != settings.cend(); ++it) {
                    out << YAML::Key;
                    emitString(out, it.key());
                    out << YAML::Value;
                    emitString(out, it.value());
                }
            };
            for (const Preserved& s : specKeys) {
                if (s.key == KeyDeploy && m_deployEdited && m_deploy.isEmpty())
                    continue;
                out << YAML::Key;
                emitString(out, s.key);
                out << YAML::Value;
                if (s.key == KeyDeploy && m_deployEdited) {
                    out << YAML::BeginMap;
                    out << YAML::Key << "backends" << YAML::Value << YAML::BeginSeq;
                    for (const DeployBackendSpec& b : m_deploy.backends) {
                        out << YAML::BeginMap << YAML::Key << "name" << YAML::Value;
                        emitString(out, b.name);
                        out << YAML::Key << "type" << YAML::Value;
                        emitString(out, b.type);
                        if (!b.credential.isEmpty()) {
                            out << YAML::Key << "credential" << YAML::Value;
                            emitString(out, b.credential);
                        }
                        emitSettings(b.settings);
                        out << YAML::EndMap;
                    }
                    out << YAML::EndSeq;
                    out << YAML::Key << "environments" << YAML::Value << YAML::BeginSeq;
                    for (const DeployEnvironmentSpec& e : m_deploy.environments) {
                        out << YAML::BeginMap << YAML::Key << "name" << YAML::Value;
                        emitString(out, e.name);
                        out << YAML::Key << "backend" << YAML::Value;
                        emitString(out, e.backend);
                        out << YAML::Key << "confirm" << YAML::Value << e.confirm;
                        if (!e.promotesFrom.isEmpty()) {
                            out << YAML::Key << "promotesFrom" << YAML::Value;
                            emitString(out, e.promotesFrom);
                        }
                        emitSettings(e.settings);
                        out << YAML::EndMap;
                    }
                    out << YAML::EndSeq;
                    if (!m_deploy.services.isEmpty()) {
                        out << YAML::Key << "services" << YAML::Value << YAML::BeginSeq;
                        for (const DeployServiceSpec& sv : m_deploy.services) {
                            out << YAML::BeginMap << YAML::Key << "name" << YAML::Value;
                            emitString(out, sv.name);
                            emitSettings(sv.settings);
                            if (!sv.environments.isEmpty()) {
                                out << YAML::Key << "environments" << YAML::Value << YAML::BeginMap;
                                for (auto it = sv.environments.cbegin(); it != sv.environments.cend(); ++it) {
                                    out << YAML::Key;
                                    emitString(out, it.key());
                                    out << YAML::Value << YAML::BeginMap;
                                    emitSettings(it.value());
                                    out << YAML::EndMap;
                                }
                                out << YAML::EndMap;
                            }
                            out << YAML::EndMap;
                        }
                        out << YAML::EndSeq;
                    }
                    out << YAML::EndMap;
                } else if (s.node != YamlDocument::npos) {
                    emitNode(out, *m_document, s.node);
                } else if (s.key == KeyCatalog) {
                    out << YAML::BeginMap;
                    const CatalogSettings defaults;
                    if (m_catalog.refreshMinutes != defaults.refreshMinutes)
                        out << YAML::Key << "refreshMinutes" << YAML::Value << m_catalog.refreshMinutes;
                    if (m_catalog.maxFileSize != defaults.maxFileSize)
                        out << YAML::Key << "maxFileSize" << YAML::Value
                            << static_cast<long long>(m_catalog.maxFileSize);
                    out << YAML::Key << "sources" << YAML::Value;
                    emitSources(false);
                    out << YAML::EndMap;
                } else if (s.key == KeyTemplates) {
                    out << YAML::BeginMap << YAML::Key << "sources" << YAML::Value;
                    emitSources(true);
                    out << YAML::EndMap;
                } else if (s.key == KeyCredentials) {
                    if (m_credentials.isEmpty())
                        out << YAML::Flow;
                    out << YAML::BeginSeq;
                    for (const CredentialSpec& c : m_credentials) {
                        out << YAML::BeginMap << YAML::Key << "name" << YAML::Value;
                        emitString(out, c.name);
                        if (!c.description.isEmpty()) {
                            out << YAML::Key << "description" << YAML::Value;
                            emitString(out, c.description);
                        }
                        out << YAML::EndMap;
                    }
                    out << YAML::EndSeq;
                }
            }
            out << YAML::EndMap;
        }
    }
    out << YAML::EndMap;
    if (!out.good())
        return {};
    QByteArray bytes(out.c_str(), qsizetype(out.size()));
    bytes.append('\n');
    return bytes;
}

const DeployBackendSpec* DeploySettings::backend(const QString& name) const
{
    for (const DeployBackendSpec& b : backends)
        if (b.name == name)
            return &b;
    return nullptr;
}

const DeployEnvironmentSpec* DeploySettings::environment(const QString& name) const
{
    for (const DeployEnvironmentSpec& e : environments)
        if (e.name == name)
            return &e;
    return nullptr;
}

const DeployServiceSpec* DeploySettings::service(const QString& name) const
{
    for (const DeployServiceSpec& s : services)
        if (s.name == name)
            return &s;
    return nullptr;
}

QStringList deployBackendTypes()
{
    return { QStringLiteral("gitops"), QStringLiteral("argocd"), QStringLiteral("argo-rollouts"),
        QStringLiteral("github-actions"), QStringLiteral("jenkins"), QStringLiteral("kubernetes"),
        QStringLiteral("script") };
}

WorkspaceEdit Workspace::checkDeploySettings(const DeploySettings& settings)
{
    QSet<QString> names;
    for (const DeployBackendSpec& b : settings.backends) {
        if (b.name.trimmed().isEmpty() || names.contains(b.name))
            return WorkspaceEdit::failure(QStringLiteral("backends"),
                QStringLiteral("backend names must be present and unique (\"%1\")").arg(b.name),
                QStringLiteral("rename the backend"));
        names.insert(b.name);
        if (!deployBackendTypes().contains(b.type))
            return WorkspaceEdit::failure(QStringLiteral("type"),
                QStringLiteral("backend %1 has the unknown type \"%2\"").arg(b.name, b.type),
                QStringLiteral("types: ") + deployBackendTypes().join(QStringLiteral(", ")));
        for (auto it = b.settings.cbegin(); it != b.settings.cend(); ++it)
            if (isSecretKey(it.key()) || looksLikeInlineSecret(it.value()))
                return WorkspaceEdit::failure(it.key(),
                    QStringLiteral("backend %1 would keep a secret in the workspace file (%2)").arg(b.name, it.key()),
                    QStringLiteral("name a credential instead; its value is kept in the system keychain"));
    }
    names.clear();
    for (const DeployEnvironmentSpec& e : settings.environments) {
        if (e.name.trimmed().isEmpty() || names.contains(e.name))
            return WorkspaceEdit::failure(QStringLiteral("environments"),
                QStringLiteral("environment names must be present and unique (\"%1\")").arg(e.name),
                QStringLiteral("rename the environment"));
        names.insert(e.name);
        if (!settings.backend(e.backend))
            return WorkspaceEdit::failure(QStringLiteral("backend"),
                QStringLiteral("environment %1 uses the backend \"%2\", which is not listed").arg(e.name, e.backend),
                QStringLiteral("add the backend first"));
    }
    return {};
}

WorkspaceEdit Workspace::setDeploySettings(const DeploySettings& settings)
{
    if (WorkspaceEdit edit = checkDeploySettings(settings); !edit)
        return edit;
    m_deploy = settings;
    m_deployEdited = true;
    for (const DeployBackendSpec& b : settings.backends)
        if (!b.credential.isEmpty())
            declareCredential(b.credential);
    return {};
}

WorkspaceEdit Workspace::setCatalogSettings(const CatalogSettings& settings)
{
    if (settings.refreshMinutes < 0)
        return WorkspaceEdit::failure(QStringLiteral("refreshMinutes"),
            QStringLiteral("refreshMinutes cannot be negative"),
            QStringLiteral("use 0 for manual refresh, or a number of minutes"));
    if (settings.maxFileSize <= 0)
        return WorkspaceEdit::failure(QStringLiteral("maxFileSize"), QStringLiteral("maxFileSize must be positive"),
            QStringLiteral("give a size in bytes, for example 33554432 for 32 MiB"));
    m_catalog = settings;
    return {};
}

int Workspace::effectiveRefreshMinutes(const CatalogSourceSpec& source) const
{
    return source.refreshMinutes > 0 ? source.refreshMinutes : m_catalog.refreshMinutes;
}

QList<CatalogSourceSpec> Workspace::sources() const
{
    QList<CatalogSourceSpec> out;
    out.reserve(m_sources.size());
    for (const bool templates : {false, true})
        for (const SourceEntry& e : m_sources) {
            if (e.templates != templates)
                continue;
            out.push_back(e.spec);
            if (e.templates && e.spec.globs.isEmpty())
                out.back().globs = QStringList {defaultTemplateGlob()};
        }
    return out;
}

bool Workspace::isTemplateSource(const QString& name) const
{
    for (const SourceEntry& e : m_sources)
        if (e.spec.name == name)
            return e.templates;
    return false;
}

std::optional<CatalogSourceSpec> Workspace::source(const QString& name) const
{
    for (const SourceEntry& e : m_sources) {
        if (e.spec.name != name)
            continue;
        CatalogSourceSpec spec = e.spec;
        if (e.templates && spec.globs.isEmpty())
            spec.globs = QStringList {defaultTemplateGlob()};
        return spec;
    }
    return std::nullopt;
}

WorkspaceEdit Workspace::checkSource(const CatalogSourceSpec& source, const QString& replacing) const
{
    const QList<Problem> problems = sourceProblems(source, true);
    if (!problems.isEmpty())
        return WorkspaceEdit::failure(problems.front().field, problems.front().message, problems.front().hint);
    for (const SourceEntry& e : m_sources) {
        if (!replacing.isEmpty() && e.spec.name == replacing)
            continue;
        if (e.spec.name.compare(source.name, Qt::CaseInsensitive) == 0)
            return WorkspaceEdit::failure(QStringLiteral("name"),
                QStringLiteral("a source named %1 already exists").arg(e.spec.name),
                QStringLiteral("give each source a unique name"));
    }
    return {};
}

void Workspace::declareCredential(const QString& name)
{
    if (name.isEmpty())
        return;
    for (const CredentialSpec& c : std::as_const(m_credentials))
        if (c.name == name)
            return;
    m_credentials.push_back({ name, {} });
}

WorkspaceEdit Workspace::addSource(const CatalogSourceSpec& source)
{
    SourceEntry e;
    e.spec = source;
    if (!source.path.isEmpty()) {
        e.spec.path = resolvePath(source.path);
        e.pathAsWritten = QDir::isAbsolutePath(source.path) ? writtenFormOf(e.spec.path) : source.path;
    }
    if (const WorkspaceEdit check = checkSource(e.spec); !check)
        return check;
    m_sources.push_back(e);
    declareCredential(e.spec.credential);
    return {};
}

WorkspaceEdit Workspace::updateSource(const QString& name, const CatalogSourceSpec& source)
{
    const auto it = std::find_if(
        m_sources.begin(), m_sources.end(), [&name](const SourceEntry& e) { return e.spec.name == name; });
    if (it == m_sources.end())
        return WorkspaceEdit::failure(QStringLiteral("name"), QStringLiteral("there is no source named %1").arg(name),
            QStringLiteral("reload the workspace: it may have changed on disk"));
    SourceEntry e;
    e.spec = source;
    if (!source.path.isEmpty()) {
        e.spec.path = resolvePath(source.path);
        if (e.spec.path == it->spec.path)
            e.pathAsWritten = it->pathAsWritten;
        else
            e.pathAsWritten = QDir::isAbsolutePath(source.path) ? writtenFormOf(e.spec.path) : source.path;
    }
    if (const WorkspaceEdit check = checkSource(e.spec, name); !check)
        return check;
    e.templates = it->templates;
    *it = e;
    declareCredential(e.spec.credential);
    return {};
}

WorkspaceEdit Workspace::removeSource(const QString& name)
{
    const auto removed = m_sources.removeIf([&name](const SourceEntry& e) { return e.spec.name == name; });
    if (removed == 0)
        return WorkspaceEdit::failure(QStringLiteral("name"), QStringLiteral("there is no source named %1").arg(name),
            QStringLiteral("reload the workspace: it may have changed on disk"));
    return {};
}

QStringList Workspace::sourcesUsingCredential(const QString& name) const
{
    QStringList out;
    for (const SourceEntry& e : m_sources)
        if (e.spec.credential == name)
            out.push_back(e.spec.name);
    return out;
}

WorkspaceEdit Workspace::addCredential(const CredentialSpec& credential)
{
    if (!Secrets::isValidCredentialName(credential.name))
        return WorkspaceEdit::failure(QStringLiteral("name"),
            QStringLiteral("\"%1\" is not a valid credential name").arg(credential.name),
            Secrets::credentialNameRule());
    if (looksLikeInlineSecret(credential.description) || looksLikeInlineSecret(credential.name))
        return WorkspaceEdit::failure(QStringLiteral("description"),
            QStringLiteral("the description looks like it holds %1").arg(inlineSecretKind(credential.description)),
            QStringLiteral("describe what the credential is for; its value goes in the keychain"));
    for (const CredentialSpec& c : std::as_const(m_credentials))
        if (c.name == credential.name)
            return WorkspaceEdit::failure(QStringLiteral("name"),
                QStringLiteral("credential %1 is already declared").arg(credential.name),
                QStringLiteral("edit the existing one, or choose another name"));
    m_credentials.push_back(credential);
    return {};
}

WorkspaceEdit Workspace::updateCredential(const QString& name, const CredentialSpec& credential)
{
    const auto it = std::find_if(
        m_credentials.begin(), m_credentials.end(), [&name](const CredentialSpec& c) { return c.name == name; });
    if (it == m_credentials.end())
        return WorkspaceEdit::failure(QStringLiteral("name"),
            QStringLiteral("there is no credential named %1").arg(name),
            QStringLiteral("reload the workspace: it may have changed on disk"));
    if (!Secrets::isValidCredentialName(credential.name))
        return WorkspaceEdit::failure(QStringLiteral("name"),
            QStringLiteral("\"%1\" is not a valid credential name").arg(credential.name),
            Secrets::credentialNameRule());
    if (looksLikeInlineSecret(credential.description))
        return WorkspaceEdit::failure(QStringLiteral("description"),
            QStringLiteral("the description looks like it holds %1").arg(inlineSecretKind(credential.description)),
            QStringLiteral("describe what the credential is for; its value goes in the keychain"));
    if (credential.name != name)
        for (const CredentialSpec& c : std::as_const(m_credentials))
            if (c.name == credential.name)
                return WorkspaceEdit::failure(QStringLiteral("name"),
                    QStringLiteral("credential %1 is already declared").arg(credential.name),
                    QStringLiteral("choose another name"));
    // A rename follows through to the sources; moving the keychain entry is the caller's job.
    for (SourceEntry& e : m_sources)
        if (e.spec.credential == name)
            e.spec.credential = credential.name;
    *it = credential;
    return {};
}

WorkspaceEdit Workspace::removeCredential(const QString& name)
{
    const QStringList users = sourcesUsingCredential(name);
    if (!users.isEmpty())
        return WorkspaceEdit::failure(QStringLiteral("name"),
            QStringLiteral("credential %1 is used by %2").arg(name, users.join(QStringLiteral(", "))),
            QStringLiteral("change or remove those sources first"));
    if (m_credentials.removeIf([&name](const CredentialSpec& c) { return c.name == name; }) == 0)
        return WorkspaceEdit::failure(QStringLiteral("name"),
            QStringLiteral("there is no credential named %1").arg(name),
            QStringLiteral("reload the workspace: it may have changed on disk"));
    return {};
}

QStringList Workspace::preservedSpecSections() const
{
    QStringList out;
    for (const Preserved& p : m_specKeys)
        if (p.node != YamlDocument::npos)
            out.push_back(p.key);
    return out;
}

} // namespace Flightdeck::Workspace
