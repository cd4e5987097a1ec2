// SPDX-License-Identifier: Apache-2.0
#include "entitysource.h"

#include "sources/gitmirror.h"
#include "yamlwriter.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace Flightdeck::Catalog {

namespace {

QString clean(const QString& path) { return path.isEmpty() ? QString() : QDir::cleanPath(path); }

bool looksLikeUrl(const QString& s)
{
    const qsizetype colon = s.indexOf(QStringLiteral("://"));
    return colon > 1;
}

// The nearest existing ancestor (or the path itself), resolved through symbolic links.
QString canonicalOfExisting(const QString& path)
{
    QString p = path;
    QString rest;
    while (!p.isEmpty()) {
        const QFileInfo info(p);
        if (info.exists() || info.isSymLink()) {
            const QString canonical = info.canonicalFilePath();
            if (canonical.isEmpty())
                return {}; // a dangling link: where it points is unknown
            return rest.isEmpty() ? canonical : QDir::cleanPath(canonical + QLatin1Char('/') + rest);
        }
        const qsizetype slash = p.lastIndexOf(QLatin1Char('/'));
        if (slash <= 0)
            break;
        rest = rest.isEmpty() ? p.mid(slash + 1) : p.mid(slash + 1) + QLatin1Char('/') + rest;
        p = p.left(slash);
    }
    return path;
}

} // namespace

bool isPathInside(const QString& root, const QString& path)
{
    if (root.isEmpty() || path.isEmpty())
        return false;
    const QString r = QDir::cleanPath(root);
    const QString p = QDir::cleanPath(path);
    if (p == r)
        return true;
    if (r == QStringLiteral("/"))
        return p.startsWith(QLatin1Char('/'));
    return p.startsWith(r + QLatin1Char('/'));
}

QString confinePath(const QString& root, const QString& baseDir, const QString& relative, QString* problem)
{
    auto refuse = [&](const QString& why) {
        if (problem)
            *problem = why;
        return QString();
    };
    if (root.isEmpty())
        return refuse(QStringLiteral("the source folder is not known, so nothing is read"));
    const QString candidate = QDir::isAbsolutePath(relative)
        ? QDir::cleanPath(relative)
        : QDir::cleanPath(baseDir + QLatin1Char('/') + relative);
    if (!isPathInside(root, candidate))
        return refuse(QStringLiteral("%1 is outside the source folder %2").arg(relative, QDir::cleanPath(root)));
    const QString canonicalRoot = canonicalOfExisting(QDir::cleanPath(root));
    const QString canonical = canonicalOfExisting(candidate);
    if (canonical.isEmpty())
        return refuse(QStringLiteral("%1 is a symbolic link that points nowhere").arg(relative));
    if (!isPathInside(canonicalRoot, canonical))
        return refuse(QStringLiteral("%1 leads outside the source folder %2 through a symbolic link")
                          .arg(relative, QDir::cleanPath(root)));
    if (problem)
        problem->clear();
    return candidate;
}

EntityFile locateEntityFile(const Catalog& catalog, int entity, const QList<Sources::CatalogSourceSpec>& sources,
                            const QString& gitCacheRoot)
{
    EntityFile out;
    if (entity < 0 || entity >= catalog.size())
        return out;
    const Entity& e = catalog.entity(entity);
    out.display = e.location.file;

    const Sources::CatalogSourceSpec* spec = nullptr;
    for (const Sources::CatalogSourceSpec& s : sources)
        if (s.name == e.location.source)
            spec = &s;
    using Type = Sources::CatalogSourceSpec::Type;

    if ((spec && spec->type == Type::Backstage) || out.display.startsWith(QStringLiteral("backstage+"))) {
        out.remote = true;
        out.problem = QStringLiteral("this entity was read from a Backstage backend; it has no local file");
        return out;
    }

    QString localPath;
    for (const FileLoad& f : catalog.files()) {
        if (f.file == out.display) {
            localPath = f.path;
            break;
        }
    }

    // A git source names its files "<url>#<path in repository>".
    QString url, inRepo;
    if (spec && spec->type == Type::Git && out.display.startsWith(spec->url + QLatin1Char('#'))) {
        url = spec->url;
        inRepo = out.display.mid(spec->url.size() + 1);
    } else if (looksLikeUrl(out.display) && out.display.contains(QLatin1Char('#'))) {
        const qsizetype hash = out.display.indexOf(QLatin1Char('#'));
        url = out.display.left(hash);
        inRepo = out.display.mid(hash + 1);
    }

    if (!url.isEmpty()) {
        QString worktree;
        if (!localPath.isEmpty()) {
            const QString p = clean(localPath);
            const QString suffix = QLatin1Char('/') + QDir::cleanPath(inRepo);
            if (p.endsWith(suffix))
                worktree = p.left(p.size() - suffix.size());
        }
        if (worktree.isEmpty() && !gitCacheRoot.isEmpty())
            worktree = Sources::GitMirror::cacheDirectory(gitCacheRoot, url);
        if (worktree.isEmpty()) {
            out.problem = QStringLiteral("the git cache folder is not known, so the clone of %1 cannot be found").arg(url);
            return out;
        }
        out.root = clean(worktree);
        const QString path = localPath.isEmpty() ? QDir::cleanPath(out.root + QLatin1Char('/') + inRepo) : clean(localPath);
        if (!isPathInside(out.root, path)) {
            out.problem = QStringLiteral("%1 is outside the clone of %2").arg(inRepo, url);
            return out;
        }
        out.path = path;
        return out;
    }

    if (localPath.isEmpty() && QDir::isAbsolutePath(out.display) && !looksLikeUrl(out.display))
        localPath = out.display;
    if (localPath.isEmpty()) {
        out.problem = looksLikeUrl(out.display)
            ? QStringLiteral("%1 is not a local file").arg(out.display)
            : QStringLiteral("the file of this entity is not known");
        out.remote = looksLikeUrl(out.display);
        return out;
    }
    out.path = clean(localPath);
    if (spec && spec->type == Type::Directory && !spec->path.isEmpty())
        out.root = clean(spec->path);
    else if (spec && spec->type == Type::File && !spec->path.isEmpty())
        out.root = QFileInfo(spec->path).absolutePath();
    if (out.root.isEmpty() || !isPathInside(out.root, out.path))
        out.root = QFileInfo(out.path).absolutePath();
    return out;
}

TextFile readTextFile(const QString& path, const QString& root, qint64 maxBytes)
{
    TextFile out;
    out.path = path;
    QString problem;
    if (confinePath(root, root, path, &problem).isEmpty()) {
        out.error = QStringLiteral("not read: %1").arg(problem);
        return out;
    }
    const QFileInfo info(path);
    if (!info.exists()) {
        out.error = QStringLiteral("%1 does not exist").arg(path);
        return out;
    }
    if (info.isDir()) {
        out.error = QStringLiteral("%1 is a folder, not a file").arg(path);
        return out;
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        out.error = QStringLiteral("%1 cannot be read: %2").arg(path, file.errorString());
        return out;
    }
    out.size = file.size();
    const qint64 want = maxBytes > 0 ? std::min(out.size, maxBytes) : out.size;
    out.bytes = file.read(want);
    if (out.bytes.size() < want && file.error() != QFileDevice::NoError) {
        out.error = QStringLiteral("%1 cannot be read: %2").arg(path, file.errorString());
        out.bytes.clear();
        return out;
    }
    if (out.bytes.left(8192).contains('\0')) {
        out.error = QStringLiteral("%1 is not a text file").arg(path);
        out.bytes.clear();
        return out;
    }
    if (maxBytes > 0 && out.size > maxBytes) {
        out.truncated = true;
        const qsizetype nl = out.bytes.lastIndexOf('\n');
        if (nl > 0)
            out.bytes.truncate(nl + 1);
    }
    return out;
}

QList<int> diagnosticsOfFile(const Catalog& catalog, const QString& file)
{
    QList<int> out;
    const Diagnostics& all = catalog.diagnostics();
    for (qsizetype i = 0; i < all.size(); ++i)
        if (all[i].file == file)
            out << int(i);
    std::stable_sort(out.begin(), out.end(), [&](int a, int b) {
        const Diagnostic& x = all[a];
        const Diagnostic& y = all[b];
        return std::pair(x.line, x.column) < std::pair(y.line, y.column);
    });
    return out;
}

int documentEndLine(const QByteArray& text, int startLine)
{
    int line = 1;
    qsizetype start = 0;
    int last = 1;
    while (start < text.size()) {
        qsizetype end = text.indexOf('\n', start);
        if (end < 0)
            end = text.size();
        if (line > startLine) {
            const QByteArray content = text.mid(start, end - start);
            const bool marker = (content.startsWith("---") || content.startsWith("..."))
                && (content.size() == 3 || content[3] == ' ' || content[3] == '\t' || content[3] == '\r');
            if (marker)
                return std::max(startLine, line - 1);
        }
        last = line;
        start = end + 1;
        ++line;
    }
    return std::max(startLine, last);
}

QByteArray entityDocumentYaml(const Entity& entity)
{
    const QJsonDocument doc = QJsonDocument::fromJson(entity.document);
    if (doc.isObject())
        return toYaml(doc.object());
    return entity.document;
}

} // namespace Flightdeck::Catalog
