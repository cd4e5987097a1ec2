// SPDX-License-Identifier: Apache-2.0
#include "gitopsbackend.h"

#include "core/workers.h"
#include "git/githolders.h"
#include "git/gitrepository.h"
#include "git/gitresult.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QLockFile>
#include <QPromise>
#include <QRegularExpression>
#include <QSaveFile>
#include <QtConcurrent/QtConcurrentRun>

#include <yaml-cpp/yaml.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <variant>

namespace Flightdeck::Deploy {

namespace {

using BlobPtr = std::unique_ptr<git_blob, Git::Libgit2Deleter<git_blob_free>>;
using TreeEntryPtr = std::unique_ptr<git_tree_entry, Git::Libgit2Deleter<git_tree_entry_free>>;

const QString kOperation = QStringLiteral("Flightdeck-Operation");
const QString kService = QStringLiteral("Flightdeck-Service");
const QString kEnvironment = QStringLiteral("Flightdeck-Environment");
const QString kVersion = QStringLiteral("Flightdeck-Version");
const QString kPreviousVersion = QStringLiteral("Flightdeck-Previous-Version");

QString tr(const char* text)
{
    return GitOpsBackend::tr(text);
}

QString trn(const char* text, qsizetype n)
{
    return GitOpsBackend::tr(text, nullptr, int(n));
}

// ---------------------------------------------------------------------------------------------
// The tag in the file: where it is and how it is written.

enum class Format
{
    Kustomize,
    Helm
};

struct FileSpec
{
    QString path; // relative to the repository root
    Format format = Format::Kustomize;
    QString image; // kustomize
    QString valuesKey; // helm
};

struct TagSpan
{
    qsizetype start = 0; // byte offset of the value's text (after any anchor or tag property)
    qsizetype length = 0;
    char quote = 0; // '"', '\'' or 0 for a plain scalar
    bool flow = false; // inside a flow collection ({…} or […])
    QString value;
    int line = 0; // 1-based
};

struct Located
{
    std::optional<TagSpan> span;
    QString message; // when span is empty: what is wrong, naming the file and line
    QString hint;
};

Located problem(QString message, QString hint)
{
    Located located;
    located.message = std::move(message);
    located.hint = std::move(hint);
    return located;
}

QString fromStd(const std::string& text)
{
    return QString::fromUtf8(text.data(), qsizetype(text.size()));
}

QString where(const QString& path, const YAML::Mark& mark)
{
    if (mark.is_null() || mark.line < 0)
        return path;
    return QStringLiteral("%1:%2").arg(path).arg(mark.line + 1);
}

bool isBlank(char c)
{
    return c == ' ' || c == '\t';
}

// The key/value pair named `key` in a mapping (the first one, as yaml-cpp reads duplicates).
bool findPair(const YAML::Node& map, const std::string& key, YAML::Node* keyNode, YAML::Node* valueNode)
{
    for (auto it = map.begin(); it != map.end(); ++it) {
        if (it->first.IsScalar() && it->first.Scalar() == key) {
            *keyNode = it->first;
            *valueNode = it->second;
            return true;
        }
    }
    return false;
}

QString scalarOr(const YAML::Node& map, const char* key)
{
    if (!map.IsMap())
        return {};
    YAML::Node k;
    YAML::Node v;
    if (!findPair(map, key, &k, &v) || !v.IsScalar())
        return {};
    return fromStd(v.Scalar());
}

// Finds the characters of `value` (the value of `key`) in the file's bytes and checks that they
// read back as the parsed value, so that replacing them changes nothing else.
Located spanOf(const QByteArray& text, qsizetype bom, const QString& path, const QString& keyName,
    const YAML::Node& key, const YAML::Node& value, bool flow)
{
    const YAML::Mark keyMark = key.Mark();
    const YAML::Mark valueMark = value.Mark();
    const QString at = where(path, keyMark);
    const QString writeItHint
        = tr("Write the tag itself on the line of %1 (for example %1: \"1.4.1\"), commit that, then deploy again.")
              .arg(keyName);
    if (!value.IsScalar() && !value.IsNull())
        return problem(
            tr("%1: %2 is a %3, not an image tag").arg(at, keyName, value.IsMap() ? tr("mapping") : tr("list")),
            tr("Point the setting at the tag's own key (valuesKey for a Helm values file)."));
    if (valueMark.is_null() || keyMark.is_null() || valueMark.pos <= keyMark.pos)
        return problem(tr("%1: %2 is an alias of a value written elsewhere in the file, which cannot be changed "
                          "here without changing the other places")
                           .arg(at, keyName),
            writeItHint);

    qsizetype pos = qsizetype(valueMark.pos) + bom;
    const qsizetype size = text.size();
    // Skip node properties: an anchor (&name) or a tag (!!str, !local, !<uri>).
    while (pos < size && (text[pos] == '&' || text[pos] == '!')) {
        while (pos < size && !isBlank(text[pos]) && text[pos] != '\n' && text[pos] != '\r')
            ++pos;
        while (pos < size && isBlank(text[pos]))
            ++pos;
    }
    const std::string expected = value.IsScalar() ? value.Scalar() : std::string();
    TagSpan span;
    span.start = pos;
    span.flow = flow;
    span.line = valueMark.line + 1;
    span.value = fromStd(expected);
    const char first = pos < size ? text[pos] : '\n';

    if (first == '|' || first == '>')
        return problem(tr("%1: %2 is a block scalar (%3), which this editor does not rewrite")
                           .arg(at, keyName, QString(QLatin1Char(first))),
            writeItHint);
    if (first == '"' || first == '\'') {
        qsizetype end = pos + 1;
        QByteArray content;
        bool closed = false;
        while (end < size && text[end] != '\n' && text[end] != '\r') {
            const char c = text[end];
            if (first == '"' && c == '\\') {
                content.clear();
                break; // escapes: refused below
            }
            if (c == first) {
                if (first == '\'' && end + 1 < size && text[end + 1] == '\'') {
                    content.append('\'');
                    end += 2;
                    continue;
                }
                closed = true;
                break;
            }
            content.append(c);
            ++end;
        }
        if (!closed || content != QByteArray::fromStdString(expected))
            return problem(tr("%1: the quoted value of %2 spans lines or holds escapes, which this editor does "
                              "not rewrite")
                               .arg(at, keyName),
                writeItHint);
        span.quote = first;
        span.length = end + 1 - pos;
        return Located { span, {}, {} };
    }

    qsizetype end = pos;
    while (end < size && text[end] != '\n' && text[end] != '\r') {
        const char c = text[end];
        if (c == '#' && end > pos && isBlank(text[end - 1]))
            break;
        if (flow && (c == ',' || c == ']' || c == '}'))
            break;
        ++end;
    }
    while (end > pos && isBlank(text[end - 1]))
        --end;
    const QByteArray written = text.mid(pos, end - pos);
    if (value.IsNull()) {
        static const QList<QByteArray> nulls { "~", "null", "Null", "NULL" };
        if (!nulls.contains(written) || valueMark.line != keyMark.line)
            return problem(tr("%1: %2 has no value").arg(at, keyName), writeItHint);
        span.value.clear();
    } else if (written != QByteArray::fromStdString(expected)) {
        return problem(
            tr("%1: the value of %2 spans more than one line, which this editor does not rewrite").arg(at, keyName),
            writeItHint);
    }
    span.length = end - pos;
    return Located { span, {}, {} };
}

Located locateKustomize(const QByteArray& text, qsizetype bom, const YAML::Node& root, const FileSpec& spec)
{
    const QString example = tr("For example:\nimages:\n  - name: registry.example/checkout\n    newTag: \"1.4.1\"");
    if (!root.IsMap())
        return problem(tr("%1: not a Kustomization (expected a mapping with an images: list)").arg(spec.path),
            tr("Check the path setting, or add an images: list to the file. %1").arg(example));
    YAML::Node imagesKey;
    YAML::Node images;
    if (!findPair(root, "images", &imagesKey, &images) || images.IsNull())
        return problem(tr("%1: the Kustomization has no images: list").arg(spec.path),
            tr("Add an images: entry for the service's image to the file, commit it, then deploy again. %1")
                .arg(example));
    if (!images.IsSequence())
        return problem(tr("%1: images is not a list").arg(where(spec.path, imagesKey.Mark())), example);

    QStringList names;
    QList<YAML::Node> entries;
    for (const YAML::Node& entry : images) {
        entries.append(entry);
        names.append(scalarOr(entry, "name"));
    }
    const QString listed = names.isEmpty() ? tr("none") : names.join(QStringLiteral(", "));
    int chosen = -1;
    if (spec.image.isEmpty()) {
        if (entries.size() != 1)
            return problem(tr("%1: images has %2 entries (%3) and the image setting does not say which one to change")
                               .arg(where(spec.path, imagesKey.Mark()))
                               .arg(entries.size())
                               .arg(listed),
                tr("Set the backend's image setting to the name of the service's entry."));
        chosen = 0;
    } else {
        chosen = int(names.indexOf(spec.image));
        if (chosen < 0) {
            for (int i = 0; i < entries.size() && chosen < 0; ++i) {
                if (scalarOr(entries[i], "newName") == spec.image)
                    chosen = i;
            }
        }
        if (chosen < 0)
            return problem(tr("%1: no entry of images is named %2 (the entries are: %3)")
                               .arg(where(spec.path, imagesKey.Mark()), spec.image, listed),
                tr("Set the image setting to one of those names, or add an entry for %1 to the file, e.g.\n"
                   "  - name: %1\n    newTag: \"1.4.1\"")
                    .arg(spec.image));
    }
    const YAML::Node& entry = entries[chosen];
    const QString name = names[chosen];
    if (!entry.IsMap())
        return problem(tr("%1: the images entry is not a mapping").arg(where(spec.path, entry.Mark())), example);
    YAML::Node key;
    YAML::Node value;
    if (!findPair(entry, "newTag", &key, &value))
        return problem(tr("%1: the images entry %2 has no newTag").arg(where(spec.path, entry.Mark()), name),
            tr("Add newTag: with the version running now to that entry, commit it, then deploy again."));
    return spanOf(
        text, bom, spec.path, QStringLiteral("newTag"), key, value, entry.Style() == YAML::EmitterStyle::Flow);
}

Located locateHelm(const QByteArray& text, qsizetype bom, const YAML::Node& root, const FileSpec& spec)
{
    const QStringList segments = spec.valuesKey.split(QLatin1Char('.'));
    const QString hint = tr("Set the valuesKey setting to the dotted path of the image tag in this file (default "
                            "image.tag), or add the key to the file.");
    YAML::Node node = root;
    YAML::Node key;
    YAML::Node parentKey;
    bool flow = false;
    for (int i = 0; i < segments.size(); ++i) {
        const QString walked = segments.mid(0, i).join(QLatin1Char('.'));
        if (!node.IsMap()) {
            const QString at = i == 0 ? spec.path : where(spec.path, parentKey.Mark());
            return problem(i == 0 ? tr("%1: not a values file (expected a mapping at the top)").arg(at)
                                  : tr("%1: %2 is not a mapping, so it has no %3").arg(at, walked, segments[i]),
                hint);
        }
        YAML::Node value;
        if (segments[i].isEmpty() || !findPair(node, segments[i].toStdString(), &key, &value)) {
            const QString at = i == 0 ? spec.path : where(spec.path, parentKey.Mark());
            return problem(i == 0
                    ? tr("%1: there is no %2 key (valuesKey is %3)").arg(at, segments[i], spec.valuesKey)
                    : tr("%1: %2 has no %3 key (valuesKey is %4)").arg(at, walked, segments[i], spec.valuesKey),
                hint);
        }
        flow = node.Style() == YAML::EmitterStyle::Flow;
        parentKey = key;
        node = value;
    }
    return spanOf(text, bom, spec.path, spec.valuesKey, key, node, flow);
}

// Where the tag is in the file's bytes.
Located locateTag(const QByteArray& text, const FileSpec& spec)
{
    const qsizetype bom = text.startsWith("\xEF\xBB\xBF") ? 3 : 0;
    try {
        const YAML::Node root = YAML::Load(std::string(text.constData(), size_t(text.size())));
        return spec.format == Format::Kustomize ? locateKustomize(text, bom, root, spec)
                                                : locateHelm(text, bom, root, spec);
    } catch (const YAML::Exception& e) {
        return problem(tr("%1: not valid YAML: %2").arg(where(spec.path, e.mark), fromStd(e.msg)),
            tr("Fix the file in the repository (a YAML linter shows the spot), commit it, then deploy again."));
    } catch (const std::exception& e) {
        return problem(tr("%1: cannot be read: %2").arg(spec.path, QString::fromLocal8Bit(e.what())),
            tr("Fix the file in the repository, then deploy again."));
    }
}

// True when YAML would read the plain scalar as something else than a string.
bool needsQuotes(const QString& value, bool flow)
{
    static const QRegularExpression number(QStringLiteral(
        "^[-+]?([0-9][0-9_]*(\\.[0-9_]*)?|\\.[0-9]+)([eE][-+]?[0-9]+)?$|^0x[0-9a-fA-F_]+$|^0o[0-7]+$|^0b[01_]+$"
        "|^[-+]?\\.(inf|Inf|INF|nan|NaN|NAN)$"));
    static const QStringList words { QStringLiteral("y"), QStringLiteral("Y"), QStringLiteral("yes"),
        QStringLiteral("Yes"), QStringLiteral("YES"), QStringLiteral("n"), QStringLiteral("N"), QStringLiteral("no"),
        QStringLiteral("No"), QStringLiteral("NO"), QStringLiteral("true"), QStringLiteral("True"),
        QStringLiteral("TRUE"), QStringLiteral("false"), QStringLiteral("False"), QStringLiteral("FALSE"),
        QStringLiteral("on"), QStringLiteral("On"), QStringLiteral("ON"), QStringLiteral("off"), QStringLiteral("Off"),
        QStringLiteral("OFF"), QStringLiteral("null"), QStringLiteral("Null"), QStringLiteral("NULL"),
        QStringLiteral("~") };
    if (value.isEmpty() || words.contains(value) || number.match(value).hasMatch())
        return true;
    static const QString indicators = QStringLiteral("-?:,[]{}#&*!|>'\"%@`");
    if (indicators.contains(value.front()))
        return true;
    if (value.contains(QLatin1String(": ")) || value.contains(QLatin1String(" #")) || value.endsWith(QLatin1Char(':')))
        return true;
    return flow
        && (value.contains(QLatin1Char(',')) || value.contains(QLatin1Char('[')) || value.contains(QLatin1Char(']'))
            || value.contains(QLatin1Char('{')) || value.contains(QLatin1Char('}')));
}

QByteArray render(const QString& version, const TagSpan& span)
{
    const QByteArray bytes = version.toUtf8();
    if (span.quote == '\'')
        return '\'' + QByteArray(bytes).replace('\'', "''") + '\'';
    if (span.quote == '"' || needsQuotes(version, span.flow))
        return '"' + QByteArray(bytes).replace('\\', "\\\\").replace('"', "\\\"") + '"';
    return bytes;
}

// The file with only the tag's characters replaced, or an error when the result would not read back
// as the new tag.
std::optional<QByteArray> edited(
    const QByteArray& text, const TagSpan& span, const QString& version, const FileSpec& spec)
{
    QByteArray out = text;
    out.replace(span.start, span.length, render(version, span));
    const Located check = locateTag(out, spec);
    if (!check.span || check.span->value != version)
        return std::nullopt;
    return out;
}

// ---------------------------------------------------------------------------------------------
// Settings

struct Config
{
    QString url; // without a password
    QString displayUrl; // for people
    QString branch;
    FileSpec file;
    Git::RemoteOptions remote; // credentials and timeouts; the job sets the cancel flag
    QString clonePath;
    int historyLimit = 200;
    int lockTimeoutMs = 600000;
};

QString cloneDirectory(const QString& dataDirectory, const QString& url, const QString& branch)
{
    const QByteArray key = (url + QLatin1Char('\n') + branch).toUtf8();
    const QString hash
        = QString::fromLatin1(QCryptographicHash::hash(key, QCryptographicHash::Sha256).toHex().left(16));
    QString name = url.section(QLatin1Char('/'), -1).section(QLatin1Char(':'), -1);
    if (name.endsWith(QLatin1String(".git")))
        name.chop(4);
    static const QRegularExpression unsafe(QStringLiteral("[^A-Za-z0-9._-]"));
    name.replace(unsafe, QStringLiteral("_"));
    if (name.isEmpty() || name.startsWith(QLatin1Char('.')))
        name.prepend(QStringLiteral("repository"));
    return QDir(dataDirectory).filePath(QStringLiteral("gitops/%1-%2").arg(name.left(40), hash));
}

int intSetting(const DeployTarget& target, const QString& key, int fallback, QString* error)
{
    const QString text = target.setting(key).trimmed();
    if (text.isEmpty())
        return fallback;
    bool ok = false;
    const int value = text.toInt(&ok);
    if (!ok || value <= 0)
        *error = tr("The setting %1 must be a positive number (it is %2).").arg(key, text);
    return ok && value > 0 ? value : fallback;
}

// The target's settings, or a message saying which one is wrong.
std::optional<Config> readConfig(
    const DeployTarget& target, const QString& dataDirectory, QString* error, QString* hint)
{
    Config config;
    config.remote.credentials.username = target.setting(QStringLiteral("username")).trimmed();
    config.remote.credentials.secret = target.secret.toUtf8();
    const QString given = target.setting(QStringLiteral("repository")).trimmed();
    if (given.isEmpty()) {
        *error
            = tr("The GitOps backend has no repository setting for %1 in %2.").arg(target.service, target.environment);
        *hint = tr("Set repository to the environment repository's URL (https://…, ssh://… or file://…).");
        return std::nullopt;
    }
    config.url = Git::takeUrlPassword(given, &config.remote.credentials);
    config.displayUrl = Git::redactUrl(given);
    config.branch = target.setting(QStringLiteral("branch"), QStringLiteral("main")).trimmed();
    if (config.branch.isEmpty())
        config.branch = QStringLiteral("main");

    const QString path = target.setting(QStringLiteral("path")).trimmed();
    if (path.isEmpty()) {
        *error = tr("The GitOps backend has no path setting for %1 in %2.").arg(target.service, target.environment);
        *hint = tr("Set path to the file holding the image tag, relative to the repository root, e.g. "
                   "apps/{service}/overlays/{environment}/kustomization.yaml.");
        return std::nullopt;
    }
    const QString clean = QDir::cleanPath(path);
    if (QDir::isAbsolutePath(clean) || clean == QLatin1String("..") || clean.startsWith(QLatin1String("../"))
        || clean == QLatin1String(".")) {
        *error = tr("The path setting %1 is not a file inside the repository.").arg(path);
        *hint = tr("Write path relative to the repository root, without ..");
        return std::nullopt;
    }
    config.file.path = clean;

    const QString format = target.setting(QStringLiteral("format")).trimmed().toLower();
    const QString fileName = QFileInfo(clean).fileName();
    if (format.isEmpty())
        config.file.format
            = fileName == QLatin1String("kustomization.yaml") || fileName == QLatin1String("kustomization.yml")
            ? Format::Kustomize
            : Format::Helm;
    else if (format == QLatin1String("kustomize"))
        config.file.format = Format::Kustomize;
    else if (format == QLatin1String("helm"))
        config.file.format = Format::Helm;
    else {
        *error = tr("The format setting is %1; it must be kustomize or helm.").arg(format);
        *hint = tr("Use format: kustomize for a kustomization.yaml, helm for a values file.");
        return std::nullopt;
    }
    config.file.image = target.setting(QStringLiteral("image")).trimmed();
    config.file.valuesKey = target.setting(QStringLiteral("valuesKey"), QStringLiteral("image.tag")).trimmed();
    if (config.file.valuesKey.isEmpty())
        config.file.valuesKey = QStringLiteral("image.tag");

    QString wrong;
    const int timeout = intSetting(target, QStringLiteral("timeoutMs"), 0, &wrong);
    if (timeout > 0) {
        config.remote.timeouts.connectMs = timeout;
        config.remote.timeouts.idleMs = timeout;
    }
    config.historyLimit = intSetting(target, QStringLiteral("historyLimit"), 200, &wrong);
    config.lockTimeoutMs = intSetting(target, QStringLiteral("lockTimeoutMs"), 600000, &wrong);
    if (!wrong.isEmpty()) {
        *error = wrong;
        *hint = tr("Fix the setting in the workspace's deploy backends.");
        return std::nullopt;
    }
    if (dataDirectory.isEmpty()) {
        *error = tr("The GitOps backend has no data directory for its working clones.");
        *hint = tr("This is a configuration error of the application; please report it.");
        return std::nullopt;
    }
    config.clonePath = cloneDirectory(dataDirectory, config.url, config.branch);
    return config;
}

bool validVersion(const QString& version)
{
    static const QRegularExpression tag(QStringLiteral("^[A-Za-z0-9_][A-Za-z0-9_.+-]{0,127}$"));
    return tag.match(version).hasMatch();
}

QString invalidVersionMessage(const QString& version)
{
    return tr("'%1' is not an image tag: use letters, digits, '_', '.', '-' and '+' (at most 128 characters, not "
              "starting with '.', '-' or '+').")
        .arg(version);
}

std::optional<Git::Signature> parseActor(const QString& actor)
{
    static const QRegularExpression pattern(QStringLiteral("^\\s*(.*?)\\s*<([^<>\\s]+@[^<>\\s]+)>\\s*$"));
    const QRegularExpressionMatch m = pattern.match(actor);
    if (!m.hasMatch() || m.captured(1).isEmpty())
        return std::nullopt;
    return Git::Signature { m.captured(1), m.captured(2) };
}

// ---------------------------------------------------------------------------------------------
// Working clones: one operation at a time per clone in this process (the mutex) and across
// processes (a lock file beside the clone).

std::shared_ptr<std::timed_mutex> cloneMutex(const QString& clonePath)
{
    static std::mutex guard;
    static std::map<QString, std::shared_ptr<std::timed_mutex>> mutexes;
    const std::lock_guard lock(guard);
    std::shared_ptr<std::timed_mutex>& mutex = mutexes[clonePath];
    if (!mutex)
        mutex = std::make_shared<std::timed_mutex>();
    return mutex;
}

// ---------------------------------------------------------------------------------------------
// Reading the repository (libgit2 directly: a file at a commit, the commits that changed it).

QString oidString(const git_oid* oid)
{
    char buffer[GIT_OID_HEXSZ + 1] = {};
    git_oid_tostr(buffer, sizeof(buffer), oid);
    return QString::fromLatin1(buffer);
}

QString fromUtf8(const char* text)
{
    return text ? QString::fromUtf8(text) : QString();
}

// The blob id of `path` in the commit's tree; false when the file is not there.
bool blobAt(const git_commit* commit, const QByteArray& path, git_oid* out)
{
    git_tree* rawTree = nullptr;
    if (git_commit_tree(&rawTree, commit) < 0) {
        git_error_clear();
        return false;
    }
    Git::TreePtr tree(rawTree);
    git_tree_entry* rawEntry = nullptr;
    if (git_tree_entry_bypath(&rawEntry, tree.get(), path.constData()) < 0) {
        git_error_clear();
        return false;
    }
    TreeEntryPtr entry(rawEntry);
    if (git_tree_entry_type(entry.get()) != GIT_OBJECT_BLOB)
        return false;
    git_oid_cpy(out, git_tree_entry_id(entry.get()));
    return true;
}

std::optional<QByteArray> blobContent(git_repository* repo, const git_oid* oid)
{
    git_blob* raw = nullptr;
    if (git_blob_lookup(&raw, repo, oid) < 0) {
        git_error_clear();
        return std::nullopt;
    }
    BlobPtr blob(raw);
    return QByteArray(
        static_cast<const char*>(git_blob_rawcontent(blob.get())), qsizetype(git_blob_rawsize(blob.get())));
}

QHash<QString, QString> trailers(const char* message)
{
    QHash<QString, QString> out;
    git_message_trailer_array array {};
    if (git_message_trailers(&array, message) < 0) {
        git_error_clear();
        return out;
    }
    for (size_t i = 0; i < array.count; ++i)
        out.insert(fromUtf8(array.trailers[i].key), fromUtf8(array.trailers[i].value).trimmed());
    git_message_trailer_array_free(&array);
    return out;
}

struct FileAtHead
{
    bool exists = false;
    QByteArray content;
    Located located;
};

struct HistoryScan
{
    QList<HistoryEntry> entries;
    int examined = 0;
    bool cancelled = false;
};

// The commits on the first-parent line from `head` that changed the version in the file, newest
// first. A commit that touched the file without changing the version is not a deployment; a
// commit whose file does not parse is skipped.
HistoryScan scanHistory(git_repository* repo, const git_oid* head, const FileSpec& spec, int maxEntries, int maxCommits,
    const std::atomic<bool>* cancel)
{
    HistoryScan scan;
    git_revwalk* rawWalk = nullptr;
    if (git_revwalk_new(&rawWalk, repo) < 0) {
        git_error_clear();
        return scan;
    }
    Git::RevwalkPtr walk(rawWalk);
    git_revwalk_simplify_first_parent(walk.get());
    if (git_revwalk_push(walk.get(), head) < 0) {
        git_error_clear();
        return scan;
    }
    const QByteArray path = spec.path.toUtf8();
    std::map<QString, std::optional<QString>> versions; // blob id → version (none when unreadable)
    auto versionOf = [&](const git_oid* blob) -> std::optional<QString> {
        const QString key = oidString(blob);
        const auto found = versions.find(key);
        if (found != versions.end())
            return found->second;
        std::optional<QString> version;
        if (const std::optional<QByteArray> content = blobContent(repo, blob)) {
            const Located located = locateTag(*content, spec);
            if (located.span)
                version = located.span->value;
        }
        versions.emplace(key, version);
        return version;
    };

    git_oid oid;
    while (scan.entries.size() < maxEntries && scan.examined < maxCommits && git_revwalk_next(&oid, walk.get()) == 0) {
        ++scan.examined;
        if (cancel && cancel->load()) {
            scan.cancelled = true;
            break;
        }
        git_commit* rawCommit = nullptr;
        if (git_commit_lookup(&rawCommit, repo, &oid) < 0) {
            git_error_clear();
            continue;
        }
        Git::CommitPtr commit(rawCommit);
        git_oid blob;
        if (!blobAt(commit.get(), path, &blob))
            continue;
        git_oid parentBlob;
        bool parentHas = false;
        if (git_commit_parentcount(commit.get()) > 0) {
            git_commit* rawParent = nullptr;
            if (git_commit_parent(&rawParent, commit.get(), 0) == 0) {
                Git::CommitPtr parent(rawParent);
                parentHas = blobAt(parent.get(), path, &parentBlob);
            } else {
                git_error_clear();
            }
        }
        if (parentHas && git_oid_equal(&blob, &parentBlob))
            continue;
        const std::optional<QString> version = versionOf(&blob);
        if (!version)
            continue;
        const QHash<QString, QString> fields = trailers(git_commit_message(commit.get()));
        std::optional<QString> previous;
        if (parentHas)
            previous = versionOf(&parentBlob);
        if (previous && *previous == *version)
            continue;

        HistoryEntry entry;
        entry.id = oidString(&oid);
        entry.version = *version;
        entry.previousVersion = previous ? *previous : fields.value(kPreviousVersion);
        entry.operation = fields.value(kOperation, QStringLiteral("deploy"));
        if (const git_signature* author = git_commit_author(commit.get()))
            entry.actor = QStringLiteral("%1 <%2>").arg(fromUtf8(author->name), fromUtf8(author->email));
        if (const git_signature* committer = git_commit_committer(commit.get()))
            entry.at = QDateTime::fromSecsSinceEpoch(committer->when.time, Qt::UTC);
        entry.result = QStringLiteral("succeeded");
        entry.detail = fromUtf8(git_commit_summary(commit.get())).trimmed();
        scan.entries.append(entry);
    }
    git_error_clear();
    return scan;
}

// ---------------------------------------------------------------------------------------------
// One operation, on a worker thread.

struct Event
{
    enum class Kind
    {
        Step,
        Log,
        Changed,
        Done
    };
    Kind kind = Kind::Log;
    QString first;
    QString second;
    DeployResult result;
};

struct Operation
{
    Action action = Action::Status;
    QString operation; // deploy, promote, rollback
    DeployRequest request;
    Config config;
    Git::Signature author;
    GitOpsBackend::BeforePushHook beforePush;
    std::shared_ptr<std::atomic<bool>> cancel;
};

class Worker
{
public:
    Worker(QPromise<Event>& promise, const Operation& op)
        : m_promise(promise)
        , m_op(op)
        , m_config(op.config)
        , m_stepUpdate(QStringLiteral("update %1").arg(op.config.file.path))
    {
        m_config.remote.cancel = op.cancel.get();
    }

    void run()
    {
        DeployResult result;
        try {
            result = execute();
        } catch (const std::exception& e) {
            result = DeployResult::failure(
                tr("The GitOps backend failed unexpectedly: %1").arg(QString::fromLocal8Bit(e.what())),
                tr("Try again; if it keeps failing, remove the working clone %1.").arg(m_config.clonePath));
        }
        Event done;
        done.kind = Event::Kind::Done;
        done.result = result;
        m_promise.addResult(done);
    }

private:
    QPromise<Event>& m_promise;
    const Operation& m_op;
    Config m_config;
    const QString m_stepUpdate; // "update <path>"
    QString m_openStep; // the step running now, closed as failed or skipped when the operation stops
    QString m_head; // the remote branch's head after the last fetch
    QString m_targetVersion;

    void emitEvent(Event::Kind kind, const QString& first, const QString& second = {})
    {
        Event event;
        event.kind = kind;
        event.first = first;
        event.second = second;
        m_promise.addResult(event);
    }
    void step(const QString& name, const QString& state)
    {
        const QString copy = name; // name may be m_openStep itself
        m_openStep = state == QLatin1String("running") ? copy : QString();
        emitEvent(Event::Kind::Step, copy, state);
    }
    void log(const QString& line) { emitEvent(Event::Kind::Log, line); }
    bool cancelled() const { return m_op.cancel->load(); }

    // Closes the running step as failed and returns the failure.
    DeployResult fail(const QString& message, const QString& hint)
    {
        if (!m_openStep.isEmpty())
            step(m_openStep, QStringLiteral("failed"));
        log(message);
        return DeployResult::failure(message, hint);
    }
    DeployResult cancelledResult()
    {
        if (!m_openStep.isEmpty())
            step(m_openStep, QStringLiteral("skipped"));
        DeployResult result;
        result.outcome = Outcome::Cancelled;
        result.message = tr("Cancelled before anything changed.");
        return result;
    }
    // The failure for a git error. `what` says what was being done ("Could not commit in the working
    // clone"); network errors already say it themselves ("could not fetch <url>: …").
    DeployResult gitFailure(const Git::Error& error, const QString& what, const Git::Repository* repo = nullptr)
    {
        if (error.kind == Git::ErrorKind::Cancelled || cancelled())
            return cancelledResult();
        const auto sentence = [](QString text) {
            text = text.trimmed();
            if (!text.isEmpty() && !text.endsWith(QLatin1Char('.')) && !text.endsWith(QLatin1Char(')')))
                text += QLatin1Char('.');
            return text;
        };
        QString hint = sentence(error.hint);
        const auto also = [&](const QString& more) { hint = hint.isEmpty() ? more : hint + QLatin1Char(' ') + more; };
        switch (error.kind) {
        case Git::ErrorKind::AuthRequired:
        case Git::ErrorKind::AuthFailed:
            hint = tr("Check the token in Settings → Credentials (and the username setting): it needs read and "
                      "write access to the repository.");
            break;
        case Git::ErrorKind::NotARepository:
        case Git::ErrorKind::HostNotFound:
        case Git::ErrorKind::ConnectionRefused:
            also(tr("Check the backend's repository setting (%1).").arg(m_config.displayUrl));
            break;
        case Git::ErrorKind::BranchNotFound: {
            const Git::Result<QStringList> branches
                = repo ? repo->remoteBranches() : Git::Result<QStringList>(QStringList());
            const QStringList names = branches ? branches.value() : QStringList();
            hint = names.isEmpty() ? tr("Check the branch setting (%1).").arg(m_config.branch)
                                   : tr("Set the branch setting to one of the repository's branches: %1.")
                                         .arg(names.join(QStringLiteral(", ")));
            break;
        }
        case Git::ErrorKind::Timeout:
        case Git::ErrorKind::Network:
            also(tr("Try again later."));
            break;
        default:
            break;
        }
        QString message = error.message;
        if (message.startsWith(QLatin1String("could not ")))
            message[0] = message[0].toUpper();
        else
            message = tr("%1: %2").arg(what, message);
        return fail(sentence(message), hint);
    }

    DeployResult execute()
    {
        // Hold the working clone: first within this process, then across processes.
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(m_config.lockTimeoutMs);
        const std::shared_ptr<std::timed_mutex> mutex = cloneMutex(m_config.clonePath);
        std::unique_lock lock(*mutex, std::defer_lock);
        bool told = false;
        while (!lock.try_lock_for(std::chrono::milliseconds(50))) {
            if (cancelled())
                return cancelledResult();
            if (std::chrono::steady_clock::now() > deadline)
                return fail(
                    tr("Another operation kept the working clone of %1 busy for too long.").arg(m_config.displayUrl),
                    tr("Try again when it has finished (lockTimeoutMs sets how long to wait)."));
            if (!told)
                log(tr("Waiting for another operation on the working clone of %1…").arg(m_config.displayUrl));
            told = true;
        }
        const QFileInfo clone(m_config.clonePath);
        if (!QDir().mkpath(clone.absolutePath()))
            return fail(tr("Cannot create the directory %1.").arg(clone.absolutePath()),
                tr("Check that it is writable and the disk has space."));
        QLockFile fileLock(m_config.clonePath + QLatin1String(".lock"));
        fileLock.setStaleLockTime(0); // stale only when the process that holds it is gone
        told = false;
        while (!fileLock.tryLock(50)) {
            if (fileLock.error() != QLockFile::LockFailedError)
                return fail(tr("Cannot create the lock file %1.").arg(fileLock.fileName()),
                    tr("Check that the directory is writable and the disk has space."));
            if (cancelled())
                return cancelledResult();
            if (std::chrono::steady_clock::now() > deadline)
                return fail(
                    tr("Another Flightdeck kept the working clone of %1 busy for too long.").arg(m_config.displayUrl),
                    tr("Try again when it has finished, or remove %1 if no other Flightdeck runs.")
                        .arg(fileLock.fileName()));
            if (!told)
                log(tr("Waiting for another Flightdeck using the working clone of %1…").arg(m_config.displayUrl));
            told = true;
        }

        if (cancelled())
            return cancelledResult();
        Git::Repository repo;
        std::optional<DeployResult> failed = sync(repo, QStringLiteral("fetch"));
        if (failed)
            return *failed;
        switch (m_op.action) {
        case Action::Status:
        case Action::History:
        case Action::Versions:
            return read(repo);
        default:
            return write(repo);
        }
    }

    // Clones or fetches, then makes the working tree a clean copy of the remote branch.
    std::optional<DeployResult> sync(Git::Repository& repo, const QString& stepName)
    {
        step(stepName, QStringLiteral("running"));
        if (!repo.isValid() && QFileInfo::exists(m_config.clonePath)) {
            Git::Result<Git::Repository> opened = Git::Repository::open(m_config.clonePath);
            if (opened && opened->remoteUrl() == m_config.url && !opened->isBare()) {
                repo = std::move(opened.value());
            } else {
                log(tr("The working clone %1 is not usable; cloning again.").arg(m_config.clonePath));
                if (!QDir(m_config.clonePath).removeRecursively())
                    return fail(tr("Cannot remove the unusable working clone %1.").arg(m_config.clonePath),
                        tr("Remove it by hand, then try again."));
            }
        }
        if (repo.isValid()) {
            // Only this operation uses the clone now: an index lock is a crashed run's leftover.
            QFile::remove(QDir(repo.gitDir()).filePath(QStringLiteral("index.lock")));
            log(tr("Fetching %1…").arg(m_config.displayUrl));
            const Git::Result<Git::RemoteInfo> fetched = repo.fetch(m_config.remote);
            if (!fetched)
                return gitFailure(fetched.error(), tr("Could not fetch %1").arg(m_config.displayUrl));
        } else {
            log(tr("Cloning %1…").arg(m_config.displayUrl));
            Git::Result<Git::Repository> cloned
                = Git::Repository::clone(m_config.url, m_config.clonePath, m_config.remote);
            if (!cloned)
                return gitFailure(cloned.error(), tr("Could not clone %1").arg(m_config.displayUrl));
            repo = std::move(cloned.value());
        }
        if (cancelled())
            return cancelledResult();
        const Git::Result<Git::CommitInfo> head = repo.checkoutBranch(m_config.branch);
        if (!head)
            return gitFailure(head.error(), tr("Could not check out %1").arg(m_config.branch), &repo);
        log(tr("%1 is at %2: %3").arg(m_config.branch, head->shortSha(), head->summary));
        m_head = head->sha;
        step(stepName, QStringLiteral("succeeded"));
        return std::nullopt;
    }

    QString missingFileHint(const Git::Repository& repo) const
    {
        const QDir dir(QFileInfo(QDir(repo.path()).filePath(m_config.file.path)).absolutePath());
        if (dir.exists()) {
            const QStringList files = dir.entryList(QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
            if (!files.isEmpty())
                return tr("Check the path setting (relative to the repository root); %1 holds: %2.")
                    .arg(QFileInfo(m_config.file.path).path(), files.join(QStringLiteral(", ")));
        }
        return tr("Check the path setting: it is relative to the repository root, and the file must exist on %1.")
            .arg(m_config.branch);
    }

    // The file at the working tree (the branch's head after sync()).
    std::optional<DeployResult> readFile(const Git::Repository& repo, QByteArray* content, TagSpan* span)
    {
        QFile file(QDir(repo.path()).filePath(m_config.file.path));
        if (!file.exists())
            return fail(
                tr("%1 does not exist on %2 of %3.").arg(m_config.file.path, m_config.branch, m_config.displayUrl),
                missingFileHint(repo));
        if (!file.open(QIODevice::ReadOnly))
            return fail(tr("Cannot read %1: %2").arg(file.fileName(), file.errorString()),
                tr("Check the working clone's permissions."));
        *content = file.readAll();
        const Located located = locateTag(*content, m_config.file);
        if (!located.span)
            return fail(located.message, located.hint);
        *span = *located.span;
        return std::nullopt;
    }

    HistoryScan history(const Git::Repository& repo)
    {
        git_oid head;
        if (git_oid_fromstr(&head, m_head.toLatin1().constData()) < 0)
            return {};
        return scanHistory(
            repo.handle(), &head, m_config.file, m_config.historyLimit, m_config.historyLimit * 50, m_op.cancel.get());
    }

    DeployResult read(const Git::Repository& repo)
    {
        step(QStringLiteral("read history"), QStringLiteral("running"));
        QByteArray content;
        TagSpan span;
        if (std::optional<DeployResult> failed = readFile(repo, &content, &span))
            return *failed;
        const HistoryScan scan = history(repo);
        if (scan.cancelled)
            return cancelledResult();
        log(trn("%1 holds %2; %n deployment(s) found in %3 commit(s) of %4.", scan.entries.size())
                .arg(m_config.file.path, span.value.isEmpty() ? tr("no version") : span.value)
                .arg(scan.examined)
                .arg(m_config.branch));
        step(QStringLiteral("read history"), QStringLiteral("succeeded"));

        DeployResult result;
        result.outcome = Outcome::Succeeded;
        result.version = span.value;
        result.reference = m_head;
        DeploymentState& state = result.state;
        state.version = span.value;
        state.status = QStringLiteral("Committed");
        state.health = QStringLiteral("Unknown");
        if (!scan.entries.isEmpty() && scan.entries.first().version == span.value) {
            const HistoryEntry& newest = scan.entries.first();
            state.revision = newest.id;
            state.deployedBy = newest.actor;
            state.deployedAt = newest.at;
        } else {
            state.revision = m_head;
        }
        state.message = tr("Desired state in %1 on %2 (%3); git does not know what runs.")
                            .arg(m_config.file.path, m_config.branch, m_head.left(8));
        if (!m_op.request.reference.isEmpty()) {
            const bool landed = isOnBranch(repo, m_op.request.reference);
            state.message += QLatin1Char(' ')
                + (landed ? tr("The commit %1 is on %2.") : tr("The commit %1 is not on %2."))
                      .arg(m_op.request.reference.left(8), m_config.branch);
        }
        result.history = scan.entries;
        for (const HistoryEntry& entry : scan.entries) {
            if (!entry.version.isEmpty() && !result.versions.contains(entry.version))
                result.versions.append(entry.version);
        }
        if (!scan.entries.isEmpty()) {
            const QString oldest = scan.entries.last().previousVersion;
            if (!oldest.isEmpty() && !result.versions.contains(oldest))
                result.versions.append(oldest);
        }
        if (!span.value.isEmpty() && !result.versions.contains(span.value))
            result.versions.prepend(span.value);
        switch (m_op.action) {
        case Action::History:
            result.message = trn("%n deployment(s) of %1 in %2.", scan.entries.size())
                                 .arg(m_op.request.target.service, m_op.request.target.environment);
            break;
        case Action::Versions:
            result.message
                = trn("%n version(s) of %1 in the history.", result.versions.size()).arg(m_op.request.target.service);
            break;
        default:
            result.message = tr("%1 in %2: %3 (committed to %4).")
                                 .arg(m_op.request.target.service, m_op.request.target.environment,
                                     span.value.isEmpty() ? tr("no version") : span.value, m_config.branch);
            break;
        }
        return result;
    }

    bool isOnBranch(const Git::Repository& repo, const QString& reference) const
    {
        const Git::Result<Git::CommitInfo> commit = repo.commit(reference);
        if (!commit || m_head.isEmpty())
            return false;
        if (commit->sha == m_head)
            return true;
        git_oid head;
        git_oid ancestor;
        if (git_oid_fromstr(&head, m_head.toLatin1().constData()) < 0
            || git_oid_fromstr(&ancestor, commit->sha.toLatin1().constData()) < 0)
            return false;
        const int rc = git_graph_descendant_of(repo.handle(), &head, &ancestor);
        git_error_clear();
        return rc == 1;
    }

    // The version a rollback goes to, or a failure.
    std::variant<QString, DeployResult> rollbackTarget(const Git::Repository& repo, const QString& current)
    {
        if (!m_op.request.version.isEmpty())
            return m_op.request.version;
        const HistoryScan scan = history(repo);
        if (scan.cancelled)
            return cancelledResult();
        const QString historyId = m_op.request.historyId.trimmed();
        if (!historyId.isEmpty()) {
            for (const HistoryEntry& entry : scan.entries) {
                if (historyId.size() >= 4 && entry.id.startsWith(historyId, Qt::CaseInsensitive)) {
                    if (entry.previousVersion.isEmpty())
                        return fail(tr("The commit %1 set the first version of %2 (%3); there is nothing before it to "
                                       "roll back to.")
                                        .arg(entry.id.left(8), m_config.file.path, entry.version),
                            tr("Choose a later history entry, or deploy a version explicitly."));
                    log(tr("Rolling back %1 (%2 → %3): back to %2.")
                            .arg(entry.id.left(8), entry.previousVersion, entry.version));
                    return entry.previousVersion;
                }
            }
            return fail(trn("No deployment %1 in the history of %2 on %3 (the newest %n deployment(s) were read).",
                            scan.entries.size())
                            .arg(historyId, m_config.file.path, m_config.branch),
                tr("Pick an entry from the history, or give the version to roll back to."));
        }
        for (const HistoryEntry& entry : scan.entries) {
            if (!entry.version.isEmpty() && entry.version != current)
                return entry.version;
        }
        if (!scan.entries.isEmpty() && !scan.entries.first().previousVersion.isEmpty()
            && scan.entries.first().previousVersion != current)
            return scan.entries.first().previousVersion;
        return fail(tr("There is no earlier version of %1 in the history of %2 to roll back to.")
                        .arg(m_op.request.target.service, m_config.file.path),
            tr("Give the version to roll back to."));
    }

    QString commitMessage(const QString& target, const QString& previous) const
    {
        const DeployTarget& t = m_op.request.target;
        QString subject;
        if (m_op.operation == QLatin1String("rollback"))
            subject = previous.isEmpty()
                ? QStringLiteral("rollback %1 to %2 in %3").arg(t.service, target, t.environment)
                : QStringLiteral("rollback %1 to %2 in %3 (was %4)").arg(t.service, target, t.environment, previous);
        else
            subject = QStringLiteral("%1 %2 %3 to %4").arg(m_op.operation, t.service, target, t.environment);
        QStringList lines { subject, QString(), QStringLiteral("%1: %2").arg(kOperation, m_op.operation),
            QStringLiteral("%1: %2").arg(kService, t.service),
            QStringLiteral("%1: %2").arg(kEnvironment, t.environment), QStringLiteral("%1: %2").arg(kVersion, target) };
        if (!previous.isEmpty())
            lines.append(QStringLiteral("%1: %2").arg(kPreviousVersion, previous));
        return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
    }

    // Writes the target version into the working tree's file (closing the update step) and commits it.
    // On the retry after a rejected push the push step stays open and no other step is reported.
    std::variant<Git::CommitInfo, DeployResult> applyAndCommit(
        Git::Repository& repo, const QByteArray& content, const TagSpan& span, const QString& target, bool retry)
    {
        const std::optional<QByteArray> out = edited(content, span, target, m_config.file);
        if (!out)
            return fail(tr("%1:%2: writing %3 there would not read back as that tag; nothing was changed.")
                            .arg(m_config.file.path)
                            .arg(span.line)
                            .arg(target),
                tr("Write the tag on one line in the file (for example newTag: \"1.4.1\"), then deploy again."));
        QSaveFile file(QDir(repo.path()).filePath(m_config.file.path));
        if (!file.open(QIODevice::WriteOnly) || file.write(*out) != out->size() || !file.commit())
            return fail(tr("Cannot write %1: %2").arg(file.fileName(), file.errorString()),
                tr("Check the working clone's permissions and the free disk space."));
        log(tr("%1:%2: %3 → %4")
                .arg(m_config.file.path)
                .arg(span.line)
                .arg(span.value.isEmpty() ? tr("(empty)") : span.value, target));
        if (!retry)
            step(m_stepUpdate, QStringLiteral("succeeded"));
        if (cancelled())
            return cancelledResult();
        if (!retry)
            step(QStringLiteral("commit"), QStringLiteral("running"));
        const Git::Result<Git::CommitInfo> commit = repo.commitAll(commitMessage(target, span.value), m_op.author);
        if (!commit)
            return gitFailure(commit.error(), tr("Could not commit in the working clone"));
        log(tr("Committed %1: %2").arg(commit->shortSha(), commit->summary));
        if (!retry)
            step(QStringLiteral("commit"), QStringLiteral("succeeded"));
        return commit.value();
    }

    DeployResult nothingToChange(const QString& message)
    {
        DeployResult result;
        result.outcome = Outcome::Succeeded;
        result.changed = false;
        result.version = m_targetVersion;
        result.reference = m_head;
        result.message = message;
        log(message);
        return result;
    }

    DeployResult write(Git::Repository& repo)
    {
        if (cancelled())
            return cancelledResult();
        step(m_stepUpdate, QStringLiteral("running"));
        QByteArray content;
        TagSpan span;
        if (std::optional<DeployResult> failed = readFile(repo, &content, &span))
            return *failed;
        QString target = m_op.request.version;
        if (m_op.action == Action::Rollback) {
            std::variant<QString, DeployResult> resolved = rollbackTarget(repo, span.value);
            if (std::holds_alternative<DeployResult>(resolved))
                return std::get<DeployResult>(resolved);
            target = std::get<QString>(resolved);
            if (!validVersion(target))
                return fail(invalidVersionMessage(target), tr("Choose another version to roll back to."));
        }
        m_targetVersion = target;
        if (!m_op.request.fromVersion.isEmpty() && m_op.request.fromVersion != span.value)
            log(tr("%1 holds %2, not %3 as expected; going on from %2.")
                    .arg(m_config.file.path, span.value.isEmpty() ? tr("no version") : span.value,
                        m_op.request.fromVersion));
        if (span.value == target) {
            step(m_stepUpdate, QStringLiteral("succeeded"));
            step(QStringLiteral("commit"), QStringLiteral("skipped"));
            step(QStringLiteral("push"), QStringLiteral("skipped"));
            return nothingToChange(
                tr("Nothing to change: %1 already holds %2 for %3 in %4.")
                    .arg(m_config.file.path, target, m_op.request.target.service, m_op.request.target.environment));
        }
        std::variant<Git::CommitInfo, DeployResult> committed = applyAndCommit(repo, content, span, target, false);
        if (std::holds_alternative<DeployResult>(committed))
            return std::get<DeployResult>(committed);
        Git::CommitInfo commit = std::get<Git::CommitInfo>(committed);
        QString previous = span.value;

        const QString refspec = QStringLiteral("refs/heads/%1:refs/heads/%1").arg(m_config.branch);
        for (int attempt = 1;; ++attempt) {
            if (m_op.beforePush)
                m_op.beforePush(attempt);
            if (cancelled())
                return cancelledResult();
            if (attempt == 1)
                step(QStringLiteral("push"), QStringLiteral("running"));
            log(tr("Pushing %1 to %2 of %3…").arg(commit.shortSha(), m_config.branch, m_config.displayUrl));
            const Git::Status pushed = repo.push(m_config.remote, { refspec });
            if (pushed.ok() || landed(repo, commit.sha, pushed.error())) {
                m_promise.addResult(Event { Event::Kind::Changed, commit.sha, {}, {} });
                step(QStringLiteral("push"), QStringLiteral("succeeded"));
                DeployResult result;
                result.outcome = Outcome::Succeeded;
                result.changed = true;
                result.reference = commit.sha;
                result.version = target;
                const DeployTarget& t = m_op.request.target;
                result.message = m_op.operation == QLatin1String("rollback")
                    ? tr("Rolled back %1 in %2 to %3 (was %4): pushed %5 to %6.")
                          .arg(t.service, t.environment, target, previous, commit.shortSha(), m_config.branch)
                    : tr("%1 %2 %3 to %4: pushed %5 to %6.")
                          .arg(m_op.operation == QLatin1String("promote") ? tr("Promoted") : tr("Deployed"), t.service,
                              target, t.environment, commit.shortSha(), m_config.branch);
                log(result.message);
                return result;
            }
            const Git::Error error = pushed.error();
            if (error.kind != Git::ErrorKind::PushRejected)
                return gitFailure(error, tr("Could not push to %1").arg(m_config.displayUrl));
            if (attempt >= 2)
                return fail(tr("The remote refused the push again: %1 of %2 moved once more while the change was "
                               "being made. Nothing was pushed.")
                                .arg(m_config.branch, m_config.displayUrl),
                    tr("Someone else keeps pushing to %1; try again in a moment.").arg(m_config.branch));

            log(tr("The remote refused the push (%1): someone pushed to %2 meanwhile. Fetching it and making the "
                   "change again.")
                    .arg(error.message, m_config.branch));
            log(tr("Fetching %1…").arg(m_config.displayUrl));
            const Git::Result<Git::RemoteInfo> fetched = repo.fetch(m_config.remote);
            if (!fetched)
                return gitFailure(fetched.error(), tr("Could not fetch %1").arg(m_config.displayUrl));
            const Git::Result<Git::CommitInfo> head = repo.checkoutBranch(m_config.branch);
            if (!head)
                return gitFailure(head.error(), tr("Could not check out %1").arg(m_config.branch));
            m_head = head->sha;
            log(tr("%1 is at %2: %3").arg(m_config.branch, head->shortSha(), head->summary));
            if (cancelled())
                return cancelledResult();
            if (std::optional<DeployResult> failed = readFile(repo, &content, &span))
                return *failed;
            if (span.value == target) {
                step(QStringLiteral("push"), QStringLiteral("skipped"));
                return nothingToChange(tr("Nothing to change: %1 already holds %2 on %3 (someone pushed it "
                                          "meanwhile).")
                                           .arg(m_config.file.path, target, m_config.branch));
            }
            committed = applyAndCommit(repo, content, span, target, true);
            if (std::holds_alternative<DeployResult>(committed))
                return std::get<DeployResult>(committed);
            commit = std::get<Git::CommitInfo>(committed);
            previous = span.value;
        }
    }

    // After a push that failed in transit (cancelled, timed out, connection lost), whether the remote
    // took the commit anyway.
    bool landed(Git::Repository& repo, const QString& sha, const Git::Error& error)
    {
        using Kind = Git::ErrorKind;
        if (error.kind != Kind::Cancelled && error.kind != Kind::Timeout && error.kind != Kind::Network
            && error.kind != Kind::Other)
            return false;
        Git::RemoteOptions check = m_config.remote;
        check.cancel = nullptr;
        check.progress = nullptr;
        check.timeouts.connectMs = std::min(check.timeouts.connectMs, 10000);
        check.timeouts.idleMs = std::min(check.timeouts.idleMs, 15000);
        if (!repo.fetch(check))
            return false;
        const Git::Result<Git::CommitInfo> remote
            = repo.commit(QStringLiteral("refs/remotes/origin/%1").arg(m_config.branch));
        return remote && remote->sha == sha;
    }
};

// ---------------------------------------------------------------------------------------------

class GitOpsJob final : public DeployJob
{
public:
    GitOpsJob(QObject* parent, const Operation& op, const QByteArray& secret)
        : DeployJob(parent)
        , m_cancel(op.cancel)
        , m_secret(secret)
    {
        auto* watcher = new QFutureWatcher<Event>(this);
        connect(watcher, &QFutureWatcher<Event>::resultsReadyAt, this, [this, watcher](int begin, int end) {
            for (int i = begin; i < end && !isFinished(); ++i)
                handle(watcher->resultAt(i));
        });
        connect(watcher, &QFutureWatcher<Event>::finished, this, [this] {
            finish(DeployResult::failure(
                tr("The GitOps operation ended without a result."), tr("Try again; if it keeps failing, report it.")));
        });
        watcher->setFuture(QtConcurrent::run(workers(), [op](QPromise<Event>& promise) { Worker(promise, op).run(); }));
    }

    ~GitOpsJob() override { m_cancel->store(true); }

    void cancel() override
    {
        if (!isFinished())
            m_cancel->store(true); // the worker stops at the next step and finishes with what happened
    }

private:
    std::shared_ptr<std::atomic<bool>> m_cancel;
    QByteArray m_secret;

    QString clean(const QString& text) const { return Git::redactSecrets(text, m_secret); }

    void handle(const Event& event)
    {
        switch (event.kind) {
        case Event::Kind::Step:
            Q_EMIT step(event.first, event.second);
            break;
        case Event::Kind::Log:
            Q_EMIT log(clean(event.first));
            break;
        case Event::Kind::Changed:
            Q_EMIT changed(event.first);
            break;
        case Event::Kind::Done: {
            DeployResult result = event.result;
            result.message = clean(result.message);
            result.hint = clean(result.hint);
            result.state.message = clean(result.state.message);
            finish(result);
            break;
        }
        }
    }
};

} // namespace

GitOpsBackend::GitOpsBackend(const BackendContext& context, QObject* parent)
    : DeployBackend(context, parent)
{ }

GitOpsBackend::~GitOpsBackend() = default;

QString GitOpsBackend::type() const
{
    return QStringLiteral("gitops");
}

Capabilities GitOpsBackend::capabilities() const
{
    return Capability::Deploy | Capability::Rollback | Capability::Status | Capability::History
        | Capability::LiveProgress | Capability::Versions;
}

QString GitOpsBackend::workingClonePath(const QString& repository, const QString& branch) const
{
    Git::Credentials ignored;
    return cloneDirectory(context().dataDirectory, Git::takeUrlPassword(repository.trimmed(), &ignored),
        branch.isEmpty() ? QStringLiteral("main") : branch);
}

void GitOpsBackend::setBeforePushHook(BeforePushHook hook)
{
    m_beforePush = std::move(hook);
}

DeployJob* GitOpsBackend::start(const DeployRequest& request)
{
    switch (request.action) {
    case Action::Status:
    case Action::History:
    case Action::Versions:
    case Action::Deploy:
    case Action::Rollback:
        break;
    default:
        return unsupportedJob(request.action);
    }
    QString error;
    QString hint;
    const std::optional<Config> config = readConfig(request.target, context().dataDirectory, &error, &hint);
    if (!config)
        return failedJob(error, hint);

    Operation op;
    op.action = request.action;
    op.request = request;
    op.config = *config;
    op.beforePush = m_beforePush;
    op.cancel = std::make_shared<std::atomic<bool>>(false);
    if (request.action == Action::Deploy) {
        op.operation = request.operation.trimmed().toLower();
        if (op.operation.isEmpty())
            op.operation = QStringLiteral("deploy");
        if (op.operation != QLatin1String("deploy") && op.operation != QLatin1String("promote"))
            return failedJob(tr("The GitOps backend deploys or promotes; \"%1\" is neither.").arg(request.operation),
                tr("Use the operation deploy or promote, or the rollback action."));
        if (request.version.trimmed().isEmpty())
            return failedJob(
                tr("No version to deploy for %1 in %2.").arg(request.target.service, request.target.environment),
                tr("Choose the version to deploy."));
        op.request.version = request.version.trimmed();
    } else if (request.action == Action::Rollback) {
        op.operation = QStringLiteral("rollback");
        op.request.version = request.version.trimmed();
    }
    if (request.action == Action::Deploy || request.action == Action::Rollback) {
        if (!op.request.version.isEmpty() && !validVersion(op.request.version))
            return failedJob(invalidVersionMessage(op.request.version), tr("Choose a version that is an image tag."));
        const std::optional<Git::Signature> author = parseActor(request.actor);
        if (!author)
            return failedJob(tr("A %1 is a commit, and it needs an author: \"%2\" is not \"Name <e-mail>\".")
                                 .arg(op.operation, request.actor),
                tr("Set your name and e-mail in Settings."));
        op.author = *author;
    }
    return new GitOpsJob(this, op, request.target.secret.toUtf8());
}

} // namespace Flightdeck::Deploy
