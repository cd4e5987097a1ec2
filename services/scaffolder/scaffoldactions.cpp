// SPDX-License-Identifier: Apache-2.0
#include "scaffoldactions.h"

#include "catalog/yamldocument.h"
#include "catalog/yamlwriter.h"
#include "confinedpath.h"
#include "git/githolders.h"
#include "git/gitrepository.h"
#include "git/gitresult.h"
#include "net/httpclient.h"
#include "nunjucksrenderer.h"

#include <QDir>
#include <QDirIterator>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>
#include <QRegularExpression>
#include <QSet>
#include <QStringDecoder>
#include <QTimer>
#include <QUrl>
#include <QUrlQuery>

#include <git2.h>

#include <algorithm>

namespace Flightdeck::Scaffolder {

using Nunjucks::Renderer;
using Nunjucks::RenderOptions;
using Nunjucks::Value;

namespace {

const QLatin1String kStateFileName(".flightdeck-task.json");

QString str(const ActionContext& ctx, const char* key, const QString& fallback = {})
{
    const QJsonValue v = ctx.input.value(QLatin1String(key));
    if (v.isString())
        return v.toString();
    if (v.isDouble())
        return QString::number(v.toDouble());
    return fallback;
}

bool flag(const ActionContext& ctx, const char* key, bool fallback = false)
{
    const QJsonValue v = ctx.input.value(QLatin1String(key));
    return v.isBool() ? v.toBool() : fallback;
}

QString relativeTo(const QString& root, const QString& path)
{
    return QDir(root).relativeFilePath(path);
}

// Records a path the action created, unless an ancestor it created already covers it.
struct CreatedPaths
{
    ActionContext& ctx;
    void add(const QString& absolute)
    {
        const QString rel = relativeTo(ctx.workspace, absolute);
        for (const QString& c : std::as_const(ctx.created))
            if (rel == c || rel.startsWith(c + QLatin1Char('/')))
                return;
        ctx.created << rel;
    }
};

// mkpath, recording the topmost folder it had to create.
bool makeDirs(ActionContext& ctx, const QString& absolute)
{
    QString topMissing;
    for (QString p = absolute; !QFileInfo::exists(p) && p.size() > ctx.workspace.size(); p = QFileInfo(p).path())
        topMissing = p;
    if (!QDir().mkpath(absolute))
        return false;
    if (!topMissing.isEmpty())
        CreatedPaths { ctx }.add(topMissing);
    return true;
}

// True when `path` is the template folder `templateDir` or below it. Qt resources (":/…") hold no
// symbolic links, so a textual check after cleaning suffices there; a local path is compared after
// resolving symbolic links, so a `skeleton -> /home/u` link next to template.yaml does not escape.
bool insideTemplateDir(const QString& templateDir, const QString& path)
{
    const bool resourceRoot = templateDir.startsWith(QLatin1Char(':'));
    if (resourceRoot != path.startsWith(QLatin1Char(':')))
        return false;
    if (resourceRoot) {
        const QString root = QDir::cleanPath(templateDir);
        const QString clean = QDir::cleanPath(path);
        return clean == root || clean.startsWith(root.endsWith(QLatin1Char('/')) ? root : root + QLatin1Char('/'));
    }
    return isInside(templateDir, path);
}

// The local folder or file a fetch `url` names (SPEC B7 "Fetch"): relative to the template's
// folder, or a file:// URL, and in both cases inside the template's folder once symbolic links are
// resolved. Remote URLs are refused for now.
QString resolveFetchUrl(const ActionContext& ctx, const QString& url, QString* error)
{
    if (url.isEmpty()) {
        *error = QStringLiteral("input url is required");
        return {};
    }
    const QUrl parsed(url);
    if (!parsed.isLocalFile() && parsed.isValid() && parsed.scheme().size() > 1) {
        *error = QStringLiteral("remote URL %1 is not supported: fetch only reads folders next to the template "
                                "(relative URLs such as ./skeleton) or file:// URLs inside the template's folder")
                     .arg(Git::redactUrl(url));
        return {};
    }
    if (ctx.templateDir.isEmpty()) {
        *error = QStringLiteral("the template location could not be determined, so the URL %1 cannot be checked "
                                "against the template's folder")
                     .arg(url);
        return {};
    }
    QString resolved;
    if (parsed.isLocalFile()) {
        resolved = QDir::cleanPath(parsed.toLocalFile());
        if (!insideTemplateDir(ctx.templateDir, resolved)) {
            *error = QStringLiteral("file URL %1 is outside the template's folder %2; fetch only reads files inside "
                                    "the template's folder")
                         .arg(url, ctx.templateDir);
            return {};
        }
        return resolved;
    }
    int depth = 0;
    for (const QString& part : url.split(QLatin1Char('/'))) {
        depth += part == QLatin1String("..") ? -1 : (part.isEmpty() || part == QLatin1String(".")) ? 0 : 1;
        if (depth < 0 || url.startsWith(QLatin1Char('/'))) {
            *error = QStringLiteral("url %1 leads outside the template's folder").arg(url);
            return {};
        }
    }
    resolved = QDir::cleanPath(ctx.templateDir + QLatin1Char('/') + url);
    if (!insideTemplateDir(ctx.templateDir, resolved)) {
        *error = QStringLiteral("url %1 leads outside the template's folder through a symbolic link").arg(url);
        return {};
    }
    return resolved;
}

QString targetDir(ActionContext& ctx, QString* error)
{
    const QString target = str(ctx, "targetPath", QStringLiteral("./"));
    return confinedPath(ctx.workspace, target, error);
}

struct Entry
{
    QString rel;
    bool dir = false;
    bool link = false;
};

QList<Entry> listTree(const QString& root)
{
    QList<Entry> out;
    QDirIterator it(
        root, QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        const QFileInfo info = it.fileInfo();
        out.append({ relativeTo(root, info.filePath()), info.isDir() && !info.isSymLink(), info.isSymLink() });
    }
    std::sort(out.begin(), out.end(), [](const Entry& a, const Entry& b) { return a.rel < b.rel; });
    return out;
}

bool writeBytes(const QString& path, const QByteArray& bytes, QFileDevice::Permissions permissions, QString* error)
{
    QFile f(path);
    if (QFileInfo(path).isSymLink())
        QFile::remove(path); // replace the link itself, never write through it
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(bytes) != bytes.size()) {
        *error = QStringLiteral("could not write %1: %2").arg(path, f.errorString());
        return false;
    }
    f.close();
    if (permissions)
        QFile::setPermissions(path, permissions | QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    return true;
}

// The permissions to give a copy: the source's for local files (so scripts stay executable),
// the default for resources (":/" files are read-only).
QFileDevice::Permissions copyPermissions(const QString& source)
{
    return source.startsWith(QLatin1Char(':')) ? QFileDevice::Permissions() : QFile::permissions(source);
}

// Copies a symbolic link as a link, but only when what it points to stays inside the workspace.
bool copyLink(ActionContext& ctx, const QString& source, const QString& dest, QString* error)
{
    const QString target = QFileInfo(source).symLinkTarget();
    const QString relTarget = QDir(QFileInfo(source).path()).relativeFilePath(target);
    const QString resolved = QDir::cleanPath(QFileInfo(dest).path() + QLatin1Char('/') + relTarget);
    if (QDir::isAbsolutePath(relTarget) || !isInside(ctx.workspace, resolved)
        || !QString(resolved + QLatin1Char('/')).startsWith(QString(ctx.workspace + QLatin1Char('/')))) {
        *error = QStringLiteral("symbolic link %1 points outside the workspace").arg(relativeTo(ctx.workspace, dest));
        return false;
    }
    QFile::remove(dest);
    if (!QFile::link(relTarget, dest)) {
        *error = QStringLiteral("could not create the link %1").arg(dest);
        return false;
    }
    return true;
}

QStringList stringList(const QJsonValue& v)
{
    QStringList out;
    for (const QJsonValue& item : v.toArray())
        if (item.isString())
            out << item.toString();
    return out;
}

// copyWithoutTemplating semantics: a path matches when a positive pattern matches and no later
// negative (`!`) pattern excludes it.
bool matchesAny(const QStringList& patterns, const QString& rel)
{
    bool matched = false;
    for (const QString& p : patterns) {
        if (p.startsWith(QLatin1Char('!'))) {
            if (matched && Detail::globMatches(p.mid(1), rel))
                matched = false;
        } else if (!matched && Detail::globMatches(p, rel)) {
            matched = true;
        }
    }
    return matched;
}

QString renderError(const QString& what, const Nunjucks::RenderError& e)
{
    return QStringLiteral("%1 line %2, column %3: %4 in %5")
        .arg(what)
        .arg(e.line)
        .arg(e.column)
        .arg(e.message, e.expression);
}

// A dry run goes on past a fetch it cannot do here (a remote URL): it says what a real run would
// fetch and that it would stop there.
bool remoteFetchInDryRun(ActionContext& ctx, const QString& url)
{
    const QUrl parsed(url);
    if (!ctx.dryRun || parsed.isLocalFile() || !parsed.isValid() || parsed.scheme().size() <= 1)
        return false;
    ctx.wouldDo << QStringLiteral("fetch %1 into %2 — remote fetches are not available in Flightdeck yet, so a real run "
                                  "stops here")
                       .arg(url, str(ctx, "targetPath", QStringLiteral(".")));
    return true;
}

// fetch:template and fetch:template:file (SPEC B7).
QString fetchTemplate(ActionContext& ctx, bool singleFile)
{
    QString error;
    const QString url = str(ctx, "url");
    if (remoteFetchInDryRun(ctx, url))
        return {};
    const QString source = resolveFetchUrl(ctx, url, &error);
    if (source.isEmpty())
        return error;
    const bool cookiecutter = flag(ctx, "cookiecutterCompat");
    const QJsonValue extValue = ctx.input.value(QStringLiteral("templateFileExtension"));
    QString extension;
    if (extValue.isBool() && extValue.toBool())
        extension = QStringLiteral(".njk");
    else if (extValue.isString() && !extValue.toString().isEmpty())
        extension = extValue.toString().startsWith(QLatin1Char('.')) ? extValue.toString()
                                                                     : QLatin1Char('.') + extValue.toString();
    const QJsonValue withoutTemplating = ctx.input.value(QStringLiteral("copyWithoutTemplating"));
    const QJsonValue withoutRender = ctx.input.value(QStringLiteral("copyWithoutRender"));
    if (!extension.isEmpty() && (ctx.input.contains(QStringLiteral("copyWithoutTemplating")) || cookiecutter))
        return QStringLiteral(
            "input templateFileExtension cannot be used with copyWithoutTemplating or cookiecutterCompat");
    if (!withoutTemplating.isUndefined() && !withoutTemplating.isArray())
        return QStringLiteral("input copyWithoutTemplating must be an array");
    if (!withoutRender.isUndefined() && !withoutRender.isArray())
        return QStringLiteral("input copyWithoutRender must be an array");
    if (withoutTemplating.isArray() && withoutRender.isArray())
        return QStringLiteral("copyWithoutRender and copyWithoutTemplating cannot be used together");
    const QStringList noTemplating = stringList(withoutTemplating);
    // Legacy copyWithoutRender: neither the contents nor the path of matching entries is rendered.
    const QStringList noRender = stringList(withoutRender);
    const bool replace = flag(ctx, "replace");

    RenderOptions options;
    options.cookiecutterCompat = cookiecutter;
    options.trimBlocks = flag(ctx, "trimBlocks");
    options.lstripBlocks = flag(ctx, "lstripBlocks");
    const Renderer renderer(options);
    QJsonObject root;
    root.insert(cookiecutter ? QStringLiteral("cookiecutter") : QStringLiteral("values"),
        ctx.input.value(QStringLiteral("values")).toObject());
    const Value context = Value::fromJson(root);

    if (singleFile) {
        const QString target = str(ctx, "targetPath");
        if (target.isEmpty())
            return QStringLiteral("input targetPath is required");
        const QString dest = confinedPath(ctx.workspace, target, &error);
        if (dest.isEmpty())
            return error;
        QFile in(source);
        if (!in.open(QIODevice::ReadOnly))
            return QStringLiteral("could not read %1").arg(url);
        if (QFileInfo::exists(dest) && !replace) {
            ctx.info(QStringLiteral("File %1 already exists in workspace, not replacing").arg(target));
            return {};
        }
        const QByteArray bytes = in.readAll();
        QByteArray outBytes = bytes;
        if (!Detail::looksBinary(bytes)) {
            const auto r = renderer.renderString(QString::fromUtf8(bytes), context);
            if (r.error)
                return renderError(QStringLiteral("file %1").arg(url), *r.error);
            outBytes = r.text.toUtf8();
        }
        if (!makeDirs(ctx, QFileInfo(dest).path()))
            return QStringLiteral("could not create the folder of %1").arg(target);
        const bool existed = QFileInfo::exists(dest);
        if (!writeBytes(dest, outBytes, copyPermissions(source), &error))
            return error;
        if (!existed)
            CreatedPaths { ctx }.add(dest);
        return {};
    }

    if (!QFileInfo(source).isDir())
        return QStringLiteral("%1 is not a folder").arg(url);
    const QString target = targetDir(ctx, &error);
    if (target.isEmpty())
        return error;
    if (isInside(source, target) && !source.startsWith(QLatin1Char(':')))
        return QStringLiteral("targetPath must not be within template path");
    if (!makeDirs(ctx, target))
        return QStringLiteral("could not create %1").arg(target);
    ctx.info(QStringLiteral("Fetching template content from %1").arg(url));
    int written = 0;
    for (const Entry& entry : listTree(source)) {
        if (ctx.cancelled())
            return QStringLiteral("cancelled");
        const QString sourcePath = source + QLatin1Char('/') + entry.rel;
        QString renderedPath = entry.rel;
        bool renderContents = true;
        if (!extension.isEmpty()) {
            renderContents = !entry.dir && entry.rel.endsWith(extension);
        } else {
            renderContents = !matchesAny(noTemplating, entry.rel) && !matchesAny(noRender, entry.rel);
        }
        if (!matchesAny(noRender, entry.rel)) {
            const auto r = renderer.renderString(entry.rel, context);
            if (r.error)
                return renderError(QStringLiteral("the name of %1").arg(entry.rel), *r.error);
            renderedPath = r.text;
        }
        if (renderContents && !extension.isEmpty())
            renderedPath.chop(extension.size());
        // SPEC B7: an empty name, or one that starts with "/" or contains "//" (a folder rendered
        // to nothing), is skipped: the idiom for optional files.
        if (renderedPath.isEmpty() || renderedPath.startsWith(QLatin1Char('/'))
            || renderedPath.contains(QLatin1String("//"))) {
            ctx.info(QStringLiteral("Skipping %1: its name rendered to \"%2\"").arg(entry.rel, renderedPath));
            continue;
        }
        const QString dest = confinedPath(target, renderedPath, &error);
        if (dest.isEmpty() || !isInside(ctx.workspace, dest))
            return QStringLiteral("%1 (rendered from %2)")
                .arg(error.isEmpty() ? QStringLiteral("path outside the workspace") : error, entry.rel);
        if (entry.dir) {
            if (!makeDirs(ctx, dest))
                return QStringLiteral("could not create the folder %1").arg(renderedPath);
            continue;
        }
        if (!makeDirs(ctx, QFileInfo(dest).path()))
            return QStringLiteral("could not create the folder of %1").arg(renderedPath);
        if ((QFileInfo::exists(dest) || QFileInfo(dest).isSymLink()) && !replace) {
            ctx.info(QStringLiteral("File %1 already exists in workspace, not replacing").arg(renderedPath));
            continue;
        }
        const bool existed = QFileInfo::exists(dest);
        if (entry.link) {
            if (!copyLink(ctx, sourcePath, dest, &error))
                return error;
        } else {
            QFile in(sourcePath);
            if (!in.open(QIODevice::ReadOnly))
                return QStringLiteral("could not read %1").arg(entry.rel);
            const QByteArray bytes = in.readAll();
            QByteArray outBytes = bytes;
            if (renderContents && !Detail::looksBinary(bytes)) {
                const auto r = renderer.renderString(QString::fromUtf8(bytes), context);
                if (r.error)
                    return renderError(QStringLiteral("file %1").arg(entry.rel), *r.error);
                outBytes = r.text.toUtf8();
            }
            if (!writeBytes(dest, outBytes, copyPermissions(sourcePath), &error))
                return error;
        }
        if (!existed)
            CreatedPaths { ctx }.add(dest);
        ++written;
    }
    ctx.info(QStringLiteral("Wrote %1 files into %2").arg(written).arg(relativeTo(ctx.workspace, target)));
    return {};
}

QString fetchPlain(ActionContext& ctx, bool singleFile)
{
    QString error;
    const QString url = str(ctx, "url");
    if (remoteFetchInDryRun(ctx, url))
        return {};
    const QString source = resolveFetchUrl(ctx, url, &error);
    if (source.isEmpty())
        return error;
    if (singleFile) {
        const QString target = str(ctx, "targetPath");
        if (target.isEmpty())
            return QStringLiteral("input targetPath is required");
        const QString dest = confinedPath(ctx.workspace, target, &error);
        if (dest.isEmpty())
            return error;
        QFile in(source);
        if (!in.open(QIODevice::ReadOnly))
            return QStringLiteral("could not read %1").arg(url);
        if (!makeDirs(ctx, QFileInfo(dest).path()))
            return QStringLiteral("could not create the folder of %1").arg(target);
        const bool existed = QFileInfo::exists(dest);
        if (!writeBytes(dest, in.readAll(), copyPermissions(source), &error))
            return error;
        if (!existed)
            CreatedPaths { ctx }.add(dest);
        return {};
    }
    if (!QFileInfo(source).isDir())
        return QStringLiteral("%1 is not a folder").arg(url);
    const QString target = targetDir(ctx, &error);
    if (target.isEmpty())
        return error;
    if (!makeDirs(ctx, target))
        return QStringLiteral("could not create %1").arg(target);
    for (const Entry& entry : listTree(source)) {
        if (ctx.cancelled())
            return QStringLiteral("cancelled");
        const QString dest = confinedPath(target, entry.rel, &error);
        if (dest.isEmpty())
            return error;
        const QString sourcePath = source + QLatin1Char('/') + entry.rel;
        if (entry.dir) {
            if (!makeDirs(ctx, dest))
                return QStringLiteral("could not create %1").arg(entry.rel);
            continue;
        }
        const bool existed = QFileInfo::exists(dest);
        if (entry.link) {
            if (!copyLink(ctx, sourcePath, dest, &error))
                return error;
        } else {
            QFile in(sourcePath);
            if (!in.open(QIODevice::ReadOnly) || !writeBytes(dest, in.readAll(), copyPermissions(sourcePath), &error))
                return error.isEmpty() ? QStringLiteral("could not read %1").arg(entry.rel) : error;
        }
        if (!existed)
            CreatedPaths { ctx }.add(dest);
    }
    return {};
}

QString fsRename(ActionContext& ctx)
{
    const QJsonValue files = ctx.input.value(QStringLiteral("files"));
    if (!files.isArray())
        return QStringLiteral("input files must be an array of {from, to}");
    for (const QJsonValue& v : files.toArray()) {
        const QJsonObject o = v.toObject();
        const QString from = o.value(QStringLiteral("from")).toString();
        const QString to = o.value(QStringLiteral("to")).toString();
        if (from.isEmpty() || to.isEmpty())
            return QStringLiteral("each entry of files needs both from and to");
        QString error;
        const QString src = confinedPath(ctx.workspace, from, &error);
        if (src.isEmpty())
            return error;
        const QString dest = confinedPath(ctx.workspace, to, &error);
        if (dest.isEmpty())
            return error;
        if (!QFileInfo::exists(src) && !QFileInfo(src).isSymLink())
            return QStringLiteral("cannot rename %1: it does not exist").arg(from);
        if (QFileInfo::exists(dest)) {
            if (!o.value(QStringLiteral("overwrite")).toBool())
                return QStringLiteral("cannot rename %1 to %2: the destination exists (set overwrite: true)")
                    .arg(from, to);
            if (QFileInfo(dest).isDir() && !QFileInfo(dest).isSymLink())
                QDir(dest).removeRecursively();
            else
                QFile::remove(dest);
        }
        if (!makeDirs(ctx, QFileInfo(dest).path()) || !QDir().rename(src, dest))
            return QStringLiteral("could not rename %1 to %2").arg(from, to);
        CreatedPaths { ctx }.add(dest);
        ctx.info(QStringLiteral("Renamed %1 to %2").arg(from, to));
    }
    return {};
}

QString fsDelete(ActionContext& ctx)
{
    const QJsonValue files = ctx.input.value(QStringLiteral("files"));
    if (!files.isArray())
        return QStringLiteral("input files must be an array of paths or globs");
    const QStringList patterns = stringList(files);
    for (const QString& p : patterns) {
        QString error;
        // The literal part must stay inside the workspace like any other path.
        if (confinedPath(ctx.workspace, p.startsWith(QLatin1Char('!')) ? p.mid(1) : p, &error).isEmpty())
            return error;
    }
    QStringList doomed;
    QDirIterator it(ctx.workspace, QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System,
        QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        const QString rel = relativeTo(ctx.workspace, it.filePath());
        if (rel == kStateFileName)
            continue;
        QString clean;
        for (const QString& p : patterns) {
            const QString cp = QDir::cleanPath(p);
            if (Detail::globMatches(cp, rel))
                clean = rel;
        }
        if (!clean.isEmpty())
            doomed << it.filePath();
    }
    // Deepest first, and a folder takes its contents with it.
    std::sort(doomed.begin(), doomed.end(), [](const QString& a, const QString& b) { return a.size() > b.size(); });
    for (const QString& path : std::as_const(doomed)) {
        const QFileInfo info(path);
        if (!info.exists() && !info.isSymLink())
            continue;
        const bool ok = info.isDir() && !info.isSymLink() ? QDir(path).removeRecursively() : QFile::remove(path);
        if (!ok)
            return QStringLiteral("could not delete %1").arg(relativeTo(ctx.workspace, path));
        ctx.info(QStringLiteral("Deleted %1").arg(relativeTo(ctx.workspace, path)));
    }
    return {};
}

QString debugLog(ActionContext& ctx)
{
    if (ctx.input.contains(QStringLiteral("message")))
        ctx.info(ctx.input.value(QStringLiteral("message")).toVariant().toString());
    const QJsonValue list = ctx.input.value(QStringLiteral("listWorkspace"));
    if ((list.isBool() && list.toBool()) || list.isString()) {
        const bool contents = list.toString() == QLatin1String("with-contents");
        QDirIterator it(ctx.workspace, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
        QStringList files;
        while (it.hasNext())
            files << relativeTo(ctx.workspace, it.next());
        files.removeAll(kStateFileName);
        files.erase(std::remove_if(files.begin(), files.end(),
                        [](const QString& f) { return f.startsWith(QLatin1String(".git/")); }),
            files.end());
        std::sort(files.begin(), files.end());
        for (const QString& f : std::as_const(files)) {
            if (contents) {
                const QString path = ctx.workspace + QLatin1Char('/') + f;
                // Never follow a symbolic link out of the workspace: its target is not the task's.
                if (!isInside(ctx.workspace, path)) {
                    ctx.info(QStringLiteral("%1: (a symbolic link leading outside the workspace; not shown)").arg(f));
                    continue;
                }
                QFile in(path);
                if (!in.open(QIODevice::ReadOnly)) {
                    ctx.info(QStringLiteral("%1: (could not be read)").arg(f));
                    continue;
                }
                ctx.info(QStringLiteral("%1:\n%2").arg(f, QString::fromUtf8(in.read(64 * 1024))));
            } else {
                ctx.info(f);
            }
        }
    }
    return {};
}

QString catalogWrite(ActionContext& ctx)
{
    const QString filePath = str(ctx, "filePath", QStringLiteral("catalog-info.yaml"));
    QString error;
    const QString dest = confinedPath(ctx.workspace, filePath, &error);
    if (dest.isEmpty())
        return error;
    if (!ctx.input.value(QStringLiteral("entity")).isObject())
        return QStringLiteral("input entity must be an object");
    QJsonObject entity = ctx.input.value(QStringLiteral("entity")).toObject();
    QJsonObject metadata = entity.value(QStringLiteral("metadata")).toObject();
    QJsonObject annotations = metadata.value(QStringLiteral("annotations")).toObject();
    if (!ctx.templateRef.isEmpty())
        annotations.insert(QStringLiteral("backstage.io/source-template"), ctx.templateRef);
    metadata.insert(QStringLiteral("annotations"), annotations);
    entity.insert(QStringLiteral("metadata"), metadata);
    if (!makeDirs(ctx, QFileInfo(dest).path()))
        return QStringLiteral("could not create the folder of %1").arg(filePath);
    const bool existed = QFileInfo::exists(dest);
    if (!writeBytes(dest, Catalog::toYaml(entity), {}, &error))
        return error;
    if (!existed)
        CreatedPaths { ctx }.add(dest);
    ctx.info(QStringLiteral("Wrote %1").arg(filePath));
    return {};
}

QString catalogRegister(ActionContext& ctx)
{
    QString url = str(ctx, "catalogInfoUrl");
    QString infoPath;
    if (url.isEmpty()) {
        const QString contents = str(ctx, "repoContentsUrl");
        if (contents.isEmpty())
            return QStringLiteral("input catalogInfoUrl or repoContentsUrl is required");
        infoPath = str(ctx, "catalogInfoPath", QStringLiteral("/catalog-info.yaml"));
        QString base = contents;
        while (base.endsWith(QLatin1Char('/')))
            base.chop(1);
        QString rel = infoPath;
        while (rel.startsWith(QLatin1Char('/')))
            rel.remove(0, 1);
        url = base + QLatin1Char('/') + rel;
    }
    RegisterRequest request;
    request.catalogInfoUrl = url;
    request.optional = flag(ctx, "optional");
    if (!infoPath.isEmpty()) {
        QString rel = infoPath;
        while (rel.startsWith(QLatin1Char('/')))
            rel.remove(0, 1);
        QString ignored;
        const QString local = confinedPath(ctx.workspace, rel, &ignored);
        if (!local.isEmpty() && QFileInfo(local).isFile())
            request.localFile = local;
    }
    QString entityRef;
    if (!request.localFile.isEmpty()) {
        QFile f(request.localFile);
        if (f.open(QIODevice::ReadOnly))
            entityRef = Detail::entityRefOfCatalogFile(f.readAll());
    }
    ctx.setOutput(QStringLiteral("catalogInfoUrl"), url);
    if (ctx.dryRun) {
        ctx.wouldDo << QStringLiteral("register %1 in the catalog%2")
                           .arg(url, entityRef.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(entityRef));
        if (!entityRef.isEmpty())
            ctx.setOutput(QStringLiteral("entityRef"), entityRef);
        return {};
    }
    if (!ctx.registrar) {
        ctx.info(QStringLiteral("No catalog is attached to this run: %1 was not registered").arg(url));
        if (!entityRef.isEmpty())
            ctx.setOutput(QStringLiteral("entityRef"), entityRef);
        return {};
    }
    const RegisterResult r = ctx.registrar->registerLocation(request);
    if (!r.ok) {
        if (request.optional) {
            ctx.info(QStringLiteral("Registration failed but is optional: %1").arg(r.error));
            return {};
        }
        return r.error.isEmpty() ? QStringLiteral("the catalog refused %1").arg(url) : r.error;
    }
    const QString ref = r.entityRef.isEmpty() ? entityRef : r.entityRef;
    if (!ref.isEmpty())
        ctx.setOutput(QStringLiteral("entityRef"), ref);
    ctx.info(QStringLiteral("Registered %1%2").arg(url, ref.isEmpty() ? QString() : QStringLiteral(" as %1").arg(ref)));
    return {};
}

Git::Status localStatus(int code, const QString& what)
{
    if (code >= 0)
        return {};
    const git_error* e = git_error_last();
    return Git::Error::make(Git::ErrorKind::Other,
        QStringLiteral("%1: %2").arg(
            what, e && e->message ? QString::fromUtf8(e->message) : QStringLiteral("libgit2 error %1").arg(code)));
}

// git init (or open) `dir`, commit every file and push `branch` to remoteUrl with the given
// credentials. Sets *commitHash. Returns an empty string or the error.
QString commitAndPush(ActionContext& ctx, const QString& dir, const QString& sourcePath, QString remoteUrl,
    Git::Credentials credentials, const QString& branch, QString* commitHash)
{
    const QString message = str(ctx, "gitCommitMessage", QStringLiteral("initial commit"));
    const Git::Signature author { str(ctx, "gitAuthorName", QStringLiteral("Scaffolder")),
        str(ctx, "gitAuthorEmail", QStringLiteral("scaffolder@backstage.io")) };
    const QString shownUrl = Git::redactUrl(remoteUrl);
    Git::RemoteOptions options;
    options.cancel = ctx.cancel;
    options.credentials = std::move(credentials);
    remoteUrl = Git::takeUrlPassword(remoteUrl, &options.credentials);

    const bool existed = QFileInfo::exists(dir + QStringLiteral("/.git"));
    Git::Result<Git::Repository> repo
        = existed ? Git::Repository::open(dir) : Git::Repository::init(dir, false, branch);
    if (!repo)
        return repo.error().toString();
    if (!existed)
        CreatedPaths { ctx }.add(dir + QStringLiteral("/.git"));
    // The task's own state is never published.
    {
        QDir().mkpath(dir + QStringLiteral("/.git/info"));
        QFile exclude(dir + QStringLiteral("/.git/info/exclude"));
        if (exclude.open(QIODevice::Append))
            exclude.write("\n/.flightdeck-task.json\n");
    }
    ctx.info(QStringLiteral("Committing the files of %1").arg(sourcePath));
    Git::Result<Git::CommitInfo> commit = repo.value().commitAll(message, author);
    if (commit) {
        *commitHash = commit->sha;
    } else if (commit.error().kind == Git::ErrorKind::NothingToCommit) {
        const auto head = repo.value().headCommit(); // a resumed run: already committed
        if (!head)
            return commit.error().toString();
        *commitHash = head->sha;
    } else {
        return commit.error().toString();
    }
    {
        git_repository* handle = repo.value().handle();
        git_remote* raw = nullptr;
        const QByteArray urlBytes = remoteUrl.toUtf8();
        if (git_remote_lookup(&raw, handle, "origin") == 0) {
            Git::RemotePtr holder(raw);
            if (const Git::Status s = localStatus(git_remote_set_url(handle, "origin", urlBytes.constData()),
                    QStringLiteral("could not set the remote"));
                !s)
                return s.error().toString();
        } else {
            if (const Git::Status s = localStatus(git_remote_create(&raw, handle, "origin", urlBytes.constData()),
                    QStringLiteral("could not add the remote"));
                !s)
                return s.error().toString();
            Git::RemotePtr holder(raw);
        }
    }
    ctx.info(QStringLiteral("Pushing %1 to %2").arg(branch, shownUrl));
    const QString refspec = QStringLiteral("refs/heads/%1:refs/heads/%1").arg(branch);
    const Git::Status pushed = repo.value().push(options, { refspec });
    if (!pushed)
        return pushed.error().toString();
    ctx.created << QStringLiteral("remote:%1#%2").arg(shownUrl, branch);
    ctx.info(QStringLiteral("Pushed commit %1").arg(commitHash->left(8)));
    return {};
}

QString publishGit(ActionContext& ctx)
{
    const QString remoteUrl = str(ctx, "remoteUrl");
    if (remoteUrl.isEmpty())
        return QStringLiteral("input remoteUrl is required");
    const QString branch = str(ctx, "defaultBranch", QStringLiteral("main"));
    QString error;
    const QString sourcePath = str(ctx, "sourcePath", QStringLiteral("."));
    const QString dir = confinedPath(ctx.workspace, sourcePath, &error);
    if (dir.isEmpty())
        return error;
    const QString shownUrl = Git::redactUrl(remoteUrl);
    ctx.setOutput(QStringLiteral("remoteUrl"), shownUrl);
    ctx.setOutput(QStringLiteral("repoContentsUrl"), shownUrl);
    if (ctx.dryRun) {
        ctx.wouldDo << QStringLiteral(
            "git init %1, commit every file as \"%2 <%3>\" with message \"%4\" on %5, push to %6")
                           .arg(relativeTo(ctx.workspace, dir),
                               str(ctx, "gitAuthorName", QStringLiteral("Scaffolder")),
                               str(ctx, "gitAuthorEmail", QStringLiteral("scaffolder@backstage.io")),
                               str(ctx, "gitCommitMessage", QStringLiteral("initial commit")), branch, shownUrl);
        ctx.setOutput(QStringLiteral("commitHash"), QString());
        return {};
    }
    if (!QFileInfo(dir).isDir())
        return QStringLiteral("sourcePath %1 is not a folder of the workspace").arg(sourcePath);
    Git::Credentials credentials;
    const QString token = str(ctx, "token", ctx.secrets.value(QStringLiteral("gitToken")).toString());
    if (!token.isEmpty())
        credentials.secret = token.toUtf8();
    QString commitHash;
    error = commitAndPush(ctx, dir, sourcePath, remoteUrl, std::move(credentials), branch, &commitHash);
    if (!error.isEmpty())
        return error;
    ctx.setOutput(QStringLiteral("commitHash"), commitHash);
    return {};
}

// One REST exchange on the runner's thread: HttpClient is signal-driven, so a local event loop
// waits for it (and lets the step's cancel flag abort it).
Net::HttpResponse sendAndWait(Net::HttpClient& client, const Net::HttpRequest& request, const std::atomic<bool>* cancel)
{
    Net::HttpResponse result;
    QEventLoop loop;
    QPointer<Net::HttpReply> reply = client.send(request);
    QObject::connect(reply, &Net::HttpReply::finished, &loop, [&](const Net::HttpResponse& response) {
        result = response;
        loop.quit();
    });
    QTimer poll;
    poll.setInterval(100);
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (cancel && cancel->load() && reply)
            reply->cancel();
    });
    poll.start();
    loop.exec();
    return result;
}

struct HostedRepo
{
    QString host;
    QString owner;
    QString repo;
};

// What GitHub or GitLab said about a failed request, for people: the status, the server's message
// (GitHub's errors[].message too) and what to do.
QString hostedError(const QString& vendor, const HostedRepo& target, const QString& what,
    const Net::HttpResponse& response, const QString& tokenSecret)
{
    const Net::HttpError& e = response.error;
    QString server = e.serverMessage;
    const QJsonObject body = QJsonDocument::fromJson(e.body).object();
    QStringList details;
    const QJsonValue errors = body.value(QStringLiteral("errors"));
    for (const QJsonValue& item : errors.toArray()) {
        const QString m = item.isObject() ? item.toObject().value(QStringLiteral("message")).toString() : item.toString();
        if (!m.isEmpty() && !details.contains(m))
            details << m;
    }
    // GitLab: {"message": {"name": ["has already been taken"], …}}
    const QJsonObject messages = body.value(QStringLiteral("message")).toObject();
    for (auto it = messages.begin(); it != messages.end(); ++it)
        for (const QJsonValue& m : it.value().toArray())
            details << QStringLiteral("%1 %2").arg(it.key(), m.toString());
    if (!details.isEmpty())
        server = server.isEmpty() ? details.join(QStringLiteral("; "))
                                  : QStringLiteral("%1: %2").arg(server, details.join(QStringLiteral("; ")));
    const QString full = QStringLiteral("%1/%2").arg(target.owner, target.repo);
    QString text;
    if (e.status > 0)
        text = QStringLiteral("%1 (%2) answered HTTP %3 to %4").arg(vendor, target.host).arg(e.status).arg(what);
    else
        text = QStringLiteral("could not reach %1 (%2) to %3: %4").arg(vendor, target.host, what, e.message);
    if (!server.isEmpty())
        text += QStringLiteral(": \"%1\"").arg(server);
    QString hint;
    switch (e.status) {
    case 401:
        hint = QStringLiteral("The token was rejected: store a valid %1 token in the keychain (secret %2) or pass the "
                              "step's token input.")
                   .arg(vendor, tokenSecret);
        break;
    case 403:
        hint = QStringLiteral("The token may not create repositories under %1 (GitHub: the repo scope or "
                              "Administration write; GitLab: the api scope and at least Developer in the group), or "
                              "a rate limit was hit.")
                   .arg(target.owner);
        break;
    case 404:
        hint = QStringLiteral("%1 does not exist on %2 or the token cannot see it: check the owner in repoUrl.")
                   .arg(target.owner, target.host);
        break;
    case 409:
    case 422:
        hint = QStringLiteral("A repository %1 may already exist: choose another name or delete the existing one.")
                   .arg(full);
        break;
    default:
        if (e.status == 0)
            hint = QStringLiteral("Check the network, or the API base URL configured for %1.").arg(target.host);
        else if (!e.hint.isEmpty())
            hint = e.hint;
        break;
    }
    if (!hint.isEmpty())
        text += QStringLiteral(". ") + hint;
    return text + QStringLiteral(" Nothing was pushed.");
}

QString apiBaseFor(const ActionContext& ctx, const QString& host, bool gitlab)
{
    QString base = ctx.apiBaseUrls.value(host);
    if (base.isEmpty()) {
        if (gitlab)
            base = QStringLiteral("https://%1/api/v4").arg(host);
        else if (host == QLatin1String("github.com"))
            base = QStringLiteral("https://api.github.com");
        else
            base = QStringLiteral("https://%1/api/v3").arg(host);
    }
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    return base;
}

QString pathSegment(const QString& s)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(s));
}

QString publishHosted(ActionContext& ctx, bool gitlab)
{
    const QString repoUrl = str(ctx, "repoUrl");
    const int q = repoUrl.indexOf(QLatin1Char('?'));
    if (repoUrl.isEmpty() || q < 0)
        return QStringLiteral("input repoUrl must look like host?owner=o&repo=r, not \"%1\"").arg(repoUrl);
    HostedRepo target;
    target.host = repoUrl.left(q);
    const QUrlQuery query(repoUrl.mid(q + 1));
    target.owner = query.queryItemValue(QStringLiteral("owner"), QUrl::FullyDecoded);
    target.repo = query.queryItemValue(QStringLiteral("repo"), QUrl::FullyDecoded);
    if (target.owner.isEmpty() || target.repo.isEmpty())
        return QStringLiteral("input repoUrl %1 lacks owner or repo").arg(repoUrl);
    const QString vendor = gitlab ? QStringLiteral("GitLab") : QStringLiteral("GitHub");
    const QString branch = str(ctx, "defaultBranch", QStringLiteral("master"));
    const QString visibility = str(ctx, "repoVisibility", QStringLiteral("private"));
    const QString html = QStringLiteral("https://%1/%2/%3").arg(target.host, target.owner, target.repo);
    QString error;
    const QString sourcePath = str(ctx, "sourcePath", QStringLiteral("."));
    const QString dir = confinedPath(ctx.workspace, sourcePath, &error);
    if (dir.isEmpty())
        return error;
    if (ctx.dryRun) {
        ctx.wouldDo << QStringLiteral(
            "create the %1 %2 repository %3/%4 on %5 through its REST API, then push %6 to its %7 branch")
                           .arg(visibility, vendor, target.owner, target.repo, target.host,
                               str(ctx, "sourcePath", QStringLiteral("the workspace")), branch);
        ctx.setOutput(QStringLiteral("remoteUrl"), QString(html + QStringLiteral(".git")));
        ctx.setOutput(QStringLiteral("repoContentsUrl"),
            QString(html + (gitlab ? QStringLiteral("/-/blob/") : QStringLiteral("/blob/")) + branch));
        ctx.setOutput(QStringLiteral("commitHash"), QString());
        if (gitlab)
            ctx.setOutput(QStringLiteral("created"), true);
        return {};
    }
    if (!QFileInfo(dir).isDir())
        return QStringLiteral("sourcePath %1 is not a folder of the workspace").arg(sourcePath);

    const QString tokenSecret = gitlab ? QStringLiteral("gitlabToken") : QStringLiteral("githubToken");
    const bool inputToken = !str(ctx, "token").isEmpty();
    const QString token = inputToken ? str(ctx, "token") : ctx.secrets.value(tokenSecret).toString();
    if (token.isEmpty())
        return QStringLiteral("no %1 token for %2: store one in the keychain (secret %3), pass the step's token input, "
                              "or publish to another git remote instead (flightdeck scaffold run … --push URL)")
            .arg(vendor, target.host, tokenSecret);

    const QString base = apiBaseFor(ctx, target.host, gitlab);
    Net::HttpClient client;
    auto prepare = [&](Net::HttpRequest request) {
        request.retry = Net::RetryPolicy::none();
        if (gitlab) {
            // As Backstage: a token from the step is an OAuth token, the integration's a PAT.
            request.credential = inputToken ? Net::Credential::bearer(token)
                                            : Net::Credential::header("PRIVATE-TOKEN", token);
            request.setHeader("Accept", "application/json");
        } else {
            request.credential = Net::Credential::bearer(token);
            request.setHeader("Accept", "application/vnd.github+json");
            request.setHeader("X-GitHub-Api-Version", "2022-11-28");
        }
        return request;
    };
    auto url = [&](const QString& path) { return QUrl(base + path); };

    QString cloneUrl;
    QString remoteUrl;
    QString repoContentsUrl;
    QJsonValue projectId;
    Git::Credentials credentials;
    credentials.secret = token.toUtf8();
    const QString full = QStringLiteral("%1/%2").arg(target.owner, target.repo);
    if (!gitlab) {
        ctx.info(QStringLiteral("Looking up %1 on %2").arg(target.owner, base));
        const Net::HttpResponse user
            = sendAndWait(client, prepare(Net::HttpRequest::get(url(QStringLiteral("/users/") + pathSegment(target.owner)))),
                ctx.cancel);
        if (ctx.cancelled())
            return QStringLiteral("cancelled");
        if (!user.ok())
            return hostedError(vendor, target, QStringLiteral("the lookup of owner %1").arg(target.owner), user, tokenSecret);
        const bool organization
            = user.json().object().value(QStringLiteral("type")).toString() == QLatin1String("Organization");
        QJsonObject body { { QStringLiteral("name"), target.repo },
            { QStringLiteral("private"), visibility == QLatin1String("private") },
            { QStringLiteral("delete_branch_on_merge"), flag(ctx, "deleteBranchOnMerge", false) },
            { QStringLiteral("allow_merge_commit"), flag(ctx, "allowMergeCommit", true) },
            { QStringLiteral("allow_squash_merge"), flag(ctx, "allowSquashMerge", true) },
            { QStringLiteral("allow_rebase_merge"), flag(ctx, "allowRebaseMerge", true) },
            { QStringLiteral("allow_auto_merge"), flag(ctx, "allowAutoMerge", false) },
            { QStringLiteral("allow_update_branch"), flag(ctx, "allowUpdateBranch", false) } };
        if (organization)
            body.insert(QStringLiteral("visibility"), visibility);
        for (const char* key : { "description", "homepage" })
            if (!str(ctx, key).isEmpty())
                body.insert(QLatin1String(key), str(ctx, key));
        static const char* const kRepoFlags[][2]
            = { { "hasProjects", "has_projects" }, { "hasWiki", "has_wiki" }, { "hasIssues", "has_issues" } };
        for (const auto& f : kRepoFlags)
            if (ctx.input.value(QLatin1String(f[0])).isBool())
                body.insert(QLatin1String(f[1]), flag(ctx, f[0]));
        const QString path = organization ? QStringLiteral("/orgs/%1/repos").arg(pathSegment(target.owner))
                                          : QStringLiteral("/user/repos");
        ctx.info(QStringLiteral("Creating the %1 repository %2 (%3)")
                     .arg(organization ? QStringLiteral("organization") : QStringLiteral("user"), full, visibility));
        const Net::HttpResponse created
            = sendAndWait(client, prepare(Net::HttpRequest::postJson(url(path), QJsonDocument(body))), ctx.cancel);
        if (ctx.cancelled())
            return QStringLiteral("cancelled");
        if (!created.ok())
            return hostedError(vendor, target, QStringLiteral("creating %1").arg(full), created, tokenSecret);
        const QJsonObject repo = created.json().object();
        cloneUrl = repo.value(QStringLiteral("clone_url")).toString();
        if (cloneUrl.isEmpty())
            return QStringLiteral("%1 (%2) created %3 but its answer has no clone_url; nothing was pushed")
                .arg(vendor, target.host, full);
        remoteUrl = cloneUrl;
        repoContentsUrl = QStringLiteral("%1/blob/%2").arg(repo.value(QStringLiteral("html_url")).toString(), branch);
        credentials.username = QStringLiteral("x-access-token");
        for (const char* unsupported : { "collaborators", "topics", "repoVariables", "secrets", "access" })
            if (ctx.input.contains(QLatin1String(unsupported)))
                ctx.info(QStringLiteral("Input %1 is not applied by Flightdeck's publish:github").arg(QLatin1String(unsupported)));
    } else {
        ctx.info(QStringLiteral("Looking up namespace %1 on %2").arg(target.owner, base));
        const Net::HttpResponse ns = sendAndWait(client,
            prepare(Net::HttpRequest::get(url(QStringLiteral("/namespaces/") + pathSegment(target.owner)))), ctx.cancel);
        if (ctx.cancelled())
            return QStringLiteral("cancelled");
        if (!ns.ok())
            return hostedError(vendor, target, QStringLiteral("the lookup of namespace %1").arg(target.owner), ns, tokenSecret);
        const QJsonValue namespaceId = ns.json().object().value(QStringLiteral("id"));
        if (!namespaceId.isDouble())
            return QStringLiteral("%1 (%2) answered the lookup of namespace %3 without an id; nothing was pushed")
                .arg(vendor, target.host, target.owner);
        const QJsonObject settings = ctx.input.value(QStringLiteral("settings")).toObject();
        QJsonObject body { { QStringLiteral("name"), target.repo }, { QStringLiteral("path"), target.repo },
            { QStringLiteral("namespace_id"), namespaceId }, { QStringLiteral("visibility"), visibility } };
        if (!str(ctx, "description").isEmpty())
            body.insert(QStringLiteral("description"), str(ctx, "description"));
        for (auto it = settings.begin(); it != settings.end(); ++it)
            body.insert(it.key(), it.value());
        ctx.info(QStringLiteral("Creating the project %1 (%2)").arg(full, body.value(QStringLiteral("visibility")).toString()));
        const Net::HttpResponse created = sendAndWait(
            client, prepare(Net::HttpRequest::postJson(url(QStringLiteral("/projects")), QJsonDocument(body))), ctx.cancel);
        if (ctx.cancelled())
            return QStringLiteral("cancelled");
        if (!created.ok())
            return hostedError(vendor, target, QStringLiteral("creating %1").arg(full), created, tokenSecret);
        const QJsonObject project = created.json().object();
        cloneUrl = project.value(QStringLiteral("http_url_to_repo")).toString();
        if (cloneUrl.isEmpty())
            return QStringLiteral("%1 (%2) created %3 but its answer has no http_url_to_repo; nothing was pushed")
                .arg(vendor, target.host, full);
        projectId = project.value(QStringLiteral("id"));
        remoteUrl = cloneUrl;
        if (remoteUrl.endsWith(QLatin1String(".git")))
            remoteUrl.chop(4);
        repoContentsUrl = QStringLiteral("%1/-/blob/%2").arg(remoteUrl, branch);
        credentials.username = QStringLiteral("oauth2");
    }
    ctx.created << QStringLiteral("remote:%1").arg(Git::redactUrl(remoteUrl));
    QString commitHash;
    error = commitAndPush(ctx, dir, sourcePath, cloneUrl, std::move(credentials), branch, &commitHash);
    if (!error.isEmpty())
        return QStringLiteral("%1 created %2 but the push failed: %3").arg(vendor, full, error);
    ctx.setOutput(QStringLiteral("remoteUrl"), Git::redactUrl(remoteUrl));
    ctx.setOutput(QStringLiteral("repoContentsUrl"), repoContentsUrl);
    ctx.setOutput(QStringLiteral("commitHash"), commitHash);
    if (gitlab) {
        ctx.setOutput(QStringLiteral("projectId"), projectId);
        ctx.setOutput(QStringLiteral("created"), true);
    }
    return {};
}

} // namespace

QStringList ActionRegistry::ids() const
{
    QStringList out = m_actions.keys();
    out.sort();
    return out;
}

ActionRegistry ActionRegistry::builtIns()
{
    ActionRegistry r;
    r.add({ QStringLiteral("fetch:template"), QStringLiteral("Renders a folder of the template into the workspace"),
        [](ActionContext& c) { return fetchTemplate(c, false); } });
    r.add({ QStringLiteral("fetch:template:file"), QStringLiteral("Renders one file into the workspace"),
        [](ActionContext& c) { return fetchTemplate(c, true); } });
    r.add({ QStringLiteral("fetch:plain"), QStringLiteral("Copies a folder into the workspace as is"),
        [](ActionContext& c) { return fetchPlain(c, false); } });
    r.add({ QStringLiteral("fetch:plain:file"), QStringLiteral("Copies one file into the workspace as is"),
        [](ActionContext& c) { return fetchPlain(c, true); } });
    r.add({ QStringLiteral("fs:rename"), QStringLiteral("Renames files of the workspace"), fsRename });
    r.add({ QStringLiteral("fs:delete"), QStringLiteral("Deletes files of the workspace"), fsDelete });
    r.add({ QStringLiteral("debug:log"), QStringLiteral("Writes a message and the workspace's files to the log"),
        debugLog });
    r.add({ QStringLiteral("catalog:write"), QStringLiteral("Writes catalog-info.yaml from an entity"), catalogWrite });
    r.add({ QStringLiteral("catalog:register"), QStringLiteral("Registers a catalog-info.yaml with the catalog"),
        catalogRegister });
    r.add({ QStringLiteral("publish:git"), QStringLiteral("Commits the workspace and pushes it to any git remote"),
        publishGit });
    r.add({ QStringLiteral("publish:github"), QStringLiteral("Creates a GitHub repository through the REST API and pushes the workspace"),
        [](ActionContext& c) { return publishHosted(c, false); } });
    r.add({ QStringLiteral("publish:gitlab"), QStringLiteral("Creates a GitLab project through the REST API and pushes the workspace"),
        [](ActionContext& c) { return publishHosted(c, true); } });
    return r;
}

namespace Detail {

bool globMatches(const QString& pattern, const QString& relativePath)
{
    QString rx;
    int braces = 0;
    for (int i = 0; i < pattern.size(); ++i) {
        const QChar c = pattern.at(i);
        if (c == QLatin1Char('*')) {
            if (i + 1 < pattern.size() && pattern.at(i + 1) == QLatin1Char('*')) {
                ++i;
                if (i + 1 < pattern.size() && pattern.at(i + 1) == QLatin1Char('/')) {
                    ++i;
                    rx += QLatin1String("(?:.*/)?");
                } else {
                    rx += QLatin1String(".*");
                }
            } else {
                rx += QLatin1String("[^/]*");
            }
        } else if (c == QLatin1Char('?')) {
            rx += QLatin1String("[^/]");
        } else if (c == QLatin1Char('{')) {
            ++braces;
            rx += QLatin1String("(?:");
        } else if (c == QLatin1Char('}') && braces > 0) {
            --braces;
            rx += QLatin1Char(')');
        } else if (c == QLatin1Char(',') && braces > 0) {
            rx += QLatin1Char('|');
        } else if (c == QLatin1Char('[')) {
            const int end = pattern.indexOf(QLatin1Char(']'), i + 1);
            if (end < 0) {
                rx += QLatin1String("\\[");
            } else {
                QString cls = pattern.mid(i + 1, end - i - 1);
                if (cls.startsWith(QLatin1Char('!')))
                    cls[0] = QLatin1Char('^');
                rx += QLatin1Char('[') + cls.replace(QLatin1Char('\\'), QLatin1String("\\\\")) + QLatin1Char(']');
                i = end;
            }
        } else {
            rx += QRegularExpression::escape(QString(c));
        }
    }
    QString path = relativePath;
    if (path.startsWith(QLatin1String("./")))
        path.remove(0, 2);
    QString p = rx;
    if (p.startsWith(QLatin1String("\\.\\/")))
        p.remove(0, 4);
    const QRegularExpression re(QRegularExpression::anchoredPattern(p));
    return re.isValid() && re.match(path).hasMatch();
}

bool looksBinary(const QByteArray& bytes)
{
    if (bytes.left(8000).contains('\0'))
        return true;
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString decoded = decoder(bytes);
    Q_UNUSED(decoded)
    return decoder.hasError();
}

QString entityRefOfCatalogFile(const QByteArray& bytes)
{
    struct Ref
    {
        QString kind, ns, name;
    };
    QList<Ref> refs;
    for (const Catalog::YamlStreamDocument& doc : Catalog::parseYamlStream(bytes)) {
        if (doc.error || doc.document.root() == Catalog::YamlDocument::npos)
            continue;
        const Catalog::YamlValue root(&doc.document, doc.document.root());
        const QString kind = root["kind"].toString();
        const QString name = root["metadata"]["name"].toString();
        QString ns = root["metadata"]["namespace"].toString();
        if (kind.isEmpty() || name.isEmpty())
            continue;
        refs.append({ kind.toLower(), ns.isEmpty() ? QStringLiteral("default") : ns, name });
    }
    auto format = [](const Ref& r) { return QStringLiteral("%1:%2/%3").arg(r.kind, r.ns, r.name); };
    for (const Ref& r : std::as_const(refs))
        if (r.kind == QLatin1String("component") && !r.name.startsWith(QLatin1String("generated-")))
            return format(r);
    for (const Ref& r : std::as_const(refs))
        if (!r.name.startsWith(QLatin1String("generated-")))
            return format(r);
    return refs.isEmpty() ? QString() : format(refs.first());
}

} // namespace Detail

} // namespace Flightdeck::Scaffolder
