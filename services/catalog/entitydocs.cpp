// SPDX-License-Identifier: Apache-2.0
#include "entitydocs.h"

#include "entity.h"
#include "entitysource.h"
#include "yamldocument.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSet>
#include <QUrl>

#include <algorithm>

namespace Flightdeck::Catalog {

namespace {

const QString kTechdocsRef = QStringLiteral("backstage.io/techdocs-ref");
const QString kTechdocsEntity = QStringLiteral("backstage.io/techdocs-entity");

bool isMarkdownName(const QString& name)
{
    return name.endsWith(QStringLiteral(".md"), Qt::CaseInsensitive)
        || name.endsWith(QStringLiteral(".markdown"), Qt::CaseInsensitive);
}

bool isIndexName(const QString& name)
{
    return name.compare(QStringLiteral("index.md"), Qt::CaseInsensitive) == 0
        || name.compare(QStringLiteral("README.md"), Qt::CaseInsensitive) == 0;
}

bool hasScheme(const QString& s)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z][A-Za-z0-9+.-]+:"));
    return re.match(s).hasMatch();
}

// "getting-started.md" -> "Getting started"
QString titleFromFileName(const QString& path)
{
    QString base = QFileInfo(path).completeBaseName();
    if (isIndexName(QFileInfo(path).fileName())) {
        const QString dir = QFileInfo(QFileInfo(path).absolutePath()).fileName();
        base = dir.isEmpty() ? QStringLiteral("Home") : dir;
    }
    base.replace(QLatin1Char('-'), QLatin1Char(' ')).replace(QLatin1Char('_'), QLatin1Char(' '));
    base = base.trimmed();
    if (!base.isEmpty())
        base[0] = base[0].toUpper();
    return base;
}

// Removes a leading "---" YAML front matter block; returns its title: field, if any.
QString stripFrontMatter(QString& markdown)
{
    if (!markdown.startsWith(QStringLiteral("---")))
        return {};
    const qsizetype firstEnd = markdown.indexOf(QLatin1Char('\n'));
    if (firstEnd < 0 || markdown.left(firstEnd).trimmed() != QStringLiteral("---"))
        return {};
    static const QRegularExpression close(QStringLiteral("\\n(---|\\.\\.\\.)[ \\t]*(\\r?\\n|$)"));
    const QRegularExpressionMatch m = close.match(markdown, firstEnd);
    if (!m.hasMatch())
        return {};
    const QString front = markdown.mid(firstEnd + 1, m.capturedStart() - firstEnd - 1);
    markdown.remove(0, m.capturedEnd());
    static const QRegularExpression title(QStringLiteral("^title:\\s*[\"']?(.*?)[\"']?\\s*$"),
                                          QRegularExpression::MultilineOption);
    const QRegularExpressionMatch t = title.match(front);
    return t.hasMatch() ? t.captured(1) : QString();
}

QString firstHeading(const QString& markdown)
{
    bool fenced = false;
    qsizetype start = 0;
    while (start < markdown.size()) {
        qsizetype end = markdown.indexOf(QLatin1Char('\n'), start);
        if (end < 0)
            end = markdown.size();
        const QString line = markdown.mid(start, end - start).trimmed();
        start = end + 1;
        if (line.startsWith(QStringLiteral("```")) || line.startsWith(QStringLiteral("~~~"))) {
            fenced = !fenced;
            continue;
        }
        if (fenced || !line.startsWith(QLatin1Char('#')))
            continue;
        qsizetype hashes = 0;
        while (hashes < line.size() && line[hashes] == QLatin1Char('#'))
            ++hashes;
        if (hashes > 6 || (hashes < line.size() && line[hashes] != QLatin1Char(' ')))
            continue;
        QString text = line.mid(hashes).trimmed();
        while (text.endsWith(QLatin1Char('#')))
            text.chop(1);
        text = text.trimmed();
        // Headings may carry attribute lists ("{#id}") in MkDocs.
        static const QRegularExpression attrs(QStringLiteral("\\s*\\{[^}]*\\}\\s*$"));
        text.remove(attrs);
        if (!text.isEmpty())
            return text;
    }
    return {};
}

// The title of a page from its first lines.
QString pageTitle(const QString& path, const QString& root)
{
    const TextFile f = readTextFile(path, root, 8192);
    if (!f.ok())
        return titleFromFileName(path);
    QString text = QString::fromUtf8(f.bytes);
    QString title = stripFrontMatter(text);
    if (title.isEmpty())
        title = firstHeading(text);
    return title.isEmpty() ? titleFromFileName(path) : title;
}

QString findFile(const QString& root, const QString& dir, const QStringList& names)
{
    for (const QString& name : names) {
        const QString p = confinePath(root, dir, name);
        if (!p.isEmpty() && QFileInfo(p).isFile())
            return p;
    }
    return {};
}

// Every Markdown page under docsDir, in MkDocs' order (index first, then by name), with a section
// for each folder.
QList<DocsNavItem> listPages(const QString& docsDir, const QString& root, int maxPages, QStringList& warnings)
{
    QStringList files;
    QDirIterator it(docsDir, QDir::Files | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    bool capped = false;
    while (it.hasNext()) {
        const QString path = it.next();
        const QString rel = QDir(docsDir).relativeFilePath(path);
        if (!isMarkdownName(path) || rel.startsWith(QLatin1Char('.')) || rel.contains(QStringLiteral("/.")))
            continue;
        if (files.size() >= maxPages) {
            capped = true;
            break;
        }
        files << rel;
    }
    if (capped)
        warnings << QStringLiteral("%1 has more than %2 pages; only the first %2 are listed")
                        .arg(QDir::cleanPath(docsDir))
                        .arg(maxPages);
    auto key = [](const QString& rel) {
        QStringList parts = rel.split(QLatin1Char('/'));
        // Index pages sort before their siblings; folders after the files next to them.
        for (qsizetype i = 0; i < parts.size(); ++i) {
            const bool last = i + 1 == parts.size();
            const QString prefix = last ? (isIndexName(parts[i]) ? QStringLiteral("0") : QStringLiteral("1"))
                                        : QStringLiteral("2");
            parts[i] = prefix + parts[i].toLower();
        }
        return parts.join(QLatin1Char('/'));
    };
    std::sort(files.begin(), files.end(), [&](const QString& a, const QString& b) { return key(a) < key(b); });

    QList<DocsNavItem> out;
    QStringList openSections;
    for (const QString& rel : std::as_const(files)) {
        QStringList dirs = rel.split(QLatin1Char('/'));
        const QString fileName = dirs.takeLast();
        qsizetype common = 0;
        while (common < dirs.size() && common < openSections.size() && dirs[common] == openSections[common])
            ++common;
        openSections = openSections.mid(0, common);
        for (qsizetype d = common; d < dirs.size(); ++d) {
            DocsNavItem section;
            QString title = dirs[d];
            title.replace(QLatin1Char('-'), QLatin1Char(' ')).replace(QLatin1Char('_'), QLatin1Char(' '));
            if (!title.isEmpty())
                title[0] = title[0].toUpper();
            section.title = title;
            section.level = int(d);
            out << section;
            openSections << dirs[d];
        }
        DocsNavItem page;
        page.page = QDir::cleanPath(docsDir + QLatin1Char('/') + rel);
        page.title = pageTitle(page.page, root);
        page.level = int(dirs.size());
        Q_UNUSED(fileName)
        out << page;
    }
    return out;
}

struct NavContext
{
    QString root;
    QString docsDir;
    QString configName;
    QStringList* warnings = nullptr;
    int count = 0;
};

DocsNavItem navPage(const QString& title, const YamlValue& value, int level, NavContext& ctx)
{
    DocsNavItem item;
    item.level = level;
    const QString target = value.toString();
    if (hasScheme(target)) {
        item.url = target;
        item.title = title.isEmpty() ? target : title;
        return item;
    }
    QString problem;
    const QString path = confinePath(ctx.root, ctx.docsDir, target, &problem);
    if (path.isEmpty()) {
        *ctx.warnings << QStringLiteral("%1 line %2: nav entry %3 is not shown: %4")
                             .arg(ctx.configName)
                             .arg(value.position().line)
                             .arg(target, problem);
        item.title.clear();
        return item;
    }
    item.page = path;
    if (!QFileInfo(path).isFile()) {
        item.missing = true;
        *ctx.warnings << QStringLiteral("%1 line %2: nav names %3, which is not in %4")
                             .arg(ctx.configName)
                             .arg(value.position().line)
                             .arg(target, QDir::cleanPath(ctx.docsDir));
    }
    item.title = !title.isEmpty() ? title : (item.missing ? titleFromFileName(path) : pageTitle(path, ctx.root));
    return item;
}

void readNav(const YamlValue& nav, int level, NavContext& ctx, QList<DocsNavItem>& out)
{
    for (std::uint32_t i = 0; i < nav.size() && nav.isSequence() && ctx.count < 5000; ++i) {
        ++ctx.count;
        const YamlValue entry = nav.at(i);
        if (entry.isString()) {
            const DocsNavItem item = navPage(QString(), entry, level, ctx);
            if (!item.title.isEmpty())
                out << item;
            continue;
        }
        if (entry.isMapping() && entry.size() == 1) {
            const QString title = entry.keyAt(0).toString();
            const YamlValue value = entry.valueAt(0);
            if (value.isSequence()) {
                DocsNavItem section;
                section.title = title;
                section.level = level;
                out << section;
                readNav(value, level + 1, ctx, out);
                continue;
            }
            if (value.isString()) {
                const DocsNavItem item = navPage(title, value, level, ctx);
                if (!item.title.isEmpty())
                    out << item;
                continue;
            }
        }
        *ctx.warnings << QStringLiteral("%1 line %2: a nav entry is a page path, \"Title: page.md\" or \"Section: "
                                        "[…]\"; this one is skipped")
                             .arg(ctx.configName)
                             .arg(entry.position().line);
    }
}

QString decodeReference(QString ref)
{
    const qsizetype cut = ref.indexOf(QRegularExpression(QStringLiteral("[?#]")));
    if (cut >= 0)
        ref.truncate(cut);
    return QUrl::fromPercentEncoding(ref.toUtf8());
}

} // namespace

bool hasDocsAnnotation(const Entity& entity)
{
    return !entity.annotation(kTechdocsRef).isEmpty() || !entity.annotation(kTechdocsEntity).isEmpty();
}

DocsReference docsReferenceOf(const Entity& entity)
{
    DocsReference out;
    const QString other = entity.annotation(kTechdocsEntity).trimmed();
    if (!other.isEmpty()) {
        out.type = DocsReference::Type::Entity;
        out.value = other;
        return out;
    }
    const QString ref = entity.annotation(kTechdocsRef).trimmed();
    if (ref.isEmpty())
        return out;
    if (ref.startsWith(QStringLiteral("dir:"))) {
        out.type = DocsReference::Type::Dir;
        out.value = ref.mid(4).trimmed();
        if (out.value.isEmpty())
            out.value = QStringLiteral(".");
    } else if (ref.startsWith(QStringLiteral("url:"))) {
        out.type = DocsReference::Type::Url;
        out.value = ref.mid(4).trimmed();
    } else {
        out.type = DocsReference::Type::Invalid;
        out.value = ref;
        out.problem = QStringLiteral("%1 is \"%2\"; it must start with dir: or url:").arg(kTechdocsRef, ref);
    }
    return out;
}

DocsSite discoverDocs(const QString& catalogFile, const QString& root, const DocsReference& reference,
                      const DocsOptions& options)
{
    DocsSite site;
    site.root = QDir::cleanPath(root);
    const QString catalogDir = QFileInfo(catalogFile).absolutePath();
    const QString howTo = QStringLiteral("Add the annotation backstage.io/techdocs-ref: dir:. to the entity, then an "
                                         "mkdocs.yml (site_name, nav) and a docs/index.md next to its catalog file, "
                                         "or simply a README.md.");
    switch (reference.type) {
    case DocsReference::Type::Url:
        site.message = QStringLiteral("The docs are built from %1, which is not a local folder").arg(reference.value);
        site.hint = QStringLiteral("Flightdeck shows docs from the entity's own repository: use "
                                   "backstage.io/techdocs-ref: dir:. when the docs live next to the catalog file.");
        return site;
    case DocsReference::Type::Invalid:
        site.message = reference.problem;
        site.hint = QStringLiteral("Write backstage.io/techdocs-ref: dir:<folder>, relative to the catalog file.");
        return site;
    case DocsReference::Type::Entity:
        site.message = QStringLiteral("The docs belong to %1").arg(reference.value);
        site.hint = QStringLiteral("Open that entity to read them.");
        return site;
    case DocsReference::Type::None:
    case DocsReference::Type::Dir:
        break;
    }
    if (catalogFile.isEmpty() || root.isEmpty()) {
        site.message = QStringLiteral("This entity has no local catalog file, so its docs cannot be read");
        site.hint = howTo;
        return site;
    }

    const QString dirValue = reference.type == DocsReference::Type::Dir ? reference.value : QStringLiteral(".");
    QString problem;
    site.baseDir = confinePath(site.root, catalogDir, dirValue, &problem);
    if (site.baseDir.isEmpty()) {
        site.message = QStringLiteral("techdocs-ref dir:%1 is not read: %2").arg(dirValue, problem);
        site.hint = QStringLiteral("The docs folder must be inside the catalog source; use a path such as dir:. or "
                                   "dir:./docs-site.");
        return site;
    }
    if (!QFileInfo(site.baseDir).isDir()) {
        site.message = QStringLiteral("techdocs-ref dir:%1 names %2, which is not a folder").arg(dirValue, site.baseDir);
        site.hint = howTo;
        return site;
    }

    // 1. mkdocs.yml
    site.configFile = findFile(site.root, site.baseDir, {QStringLiteral("mkdocs.yml"), QStringLiteral("mkdocs.yaml")});
    if (!site.configFile.isEmpty()) {
        site.kind = DocsSite::Kind::MkDocs;
        const QString configName = QFileInfo(site.configFile).fileName();
        QString docsDirValue = QStringLiteral("docs");
        const TextFile config = readTextFile(site.configFile, site.root, 1024 * 1024);
        std::vector<YamlStreamDocument> docs;
        YamlValue nav;
        if (!config.ok()) {
            site.warnings << config.error;
        } else {
            docs = parseYamlStream(config.bytes);
            if (!docs.empty() && docs.front().error) {
                site.warnings << QStringLiteral("%1 line %2: %3; its nav is not used")
                                     .arg(configName)
                                     .arg(docs.front().error->position.line)
                                     .arg(docs.front().error->message);
            } else if (!docs.empty()) {
                const YamlValue cfg(&docs.front().document, docs.front().document.root());
                site.siteName = cfg["site_name"].toString();
                if (cfg["docs_dir"].isString())
                    docsDirValue = cfg["docs_dir"].toString();
                nav = cfg["nav"];
                if (nav.isValid() && !nav.isSequence() && !nav.isNull())
                    site.warnings << QStringLiteral("%1 line %2: nav is a %3, not a list; pages are listed by name")
                                         .arg(configName)
                                         .arg(nav.position().line)
                                         .arg(QString::fromLatin1(nav.jsonTypeName()));
            }
        }
        site.docsDir = confinePath(site.root, site.baseDir, docsDirValue, &problem);
        if (site.docsDir.isEmpty()) {
            site.warnings << QStringLiteral("%1: docs_dir %2 is not read: %3").arg(configName, docsDirValue, problem);
            site.docsDir = confinePath(site.root, site.baseDir, QStringLiteral("docs"));
        }
        if (!site.docsDir.isEmpty() && QFileInfo(site.docsDir).isDir()) {
            if (nav.isSequence()) {
                NavContext ctx {site.root, site.docsDir, configName, &site.warnings, 0};
                readNav(nav, 0, ctx, site.nav);
            } else {
                site.nav = listPages(site.docsDir, site.root, options.maxPages, site.warnings);
            }
        } else {
            site.warnings << QStringLiteral("%1: the docs folder %2 does not exist").arg(configName, docsDirValue);
        }
    } else {
        // 2. docs/index.md
        const QString docsDir = confinePath(site.root, site.baseDir, QStringLiteral("docs"));
        if (!docsDir.isEmpty()
            && !findFile(site.root, docsDir, {QStringLiteral("index.md"), QStringLiteral("README.md")}).isEmpty()) {
            site.kind = DocsSite::Kind::DocsFolder;
            site.docsDir = docsDir;
            site.nav = listPages(docsDir, site.root, options.maxPages, site.warnings);
        } else {
            // 3. README.md in the docs folder's place, or next to the catalog file.
            QStringList dirs {site.baseDir};
            if (QDir::cleanPath(catalogDir) != site.baseDir && isPathInside(site.root, catalogDir))
                dirs << QDir::cleanPath(catalogDir);
            for (const QString& dir : std::as_const(dirs)) {
                const QString readme
                    = findFile(site.root, dir, {QStringLiteral("README.md"), QStringLiteral("readme.md"),
                                                QStringLiteral("Readme.md"), QStringLiteral("index.md")});
                if (!readme.isEmpty()) {
                    site.kind = DocsSite::Kind::Readme;
                    site.docsDir = dir;
                    site.nav << DocsNavItem {pageTitle(readme, site.root), readme, QString(), 0, false};
                    break;
                }
            }
        }
    }

    for (const DocsNavItem& item : std::as_const(site.nav)) {
        if (!item.page.isEmpty() && !item.missing) {
            site.homePage = item.page;
            break;
        }
    }
    if (site.homePage.isEmpty() && !site.docsDir.isEmpty())
        site.homePage = findFile(site.root, site.docsDir, {QStringLiteral("index.md"), QStringLiteral("README.md")});
    if (site.homePage.isEmpty()) {
        site.message = site.kind == DocsSite::Kind::MkDocs
            ? QStringLiteral("%1 was found, but the docs folder has no pages").arg(site.configFile)
            : QStringLiteral("No documentation was found in %1").arg(site.baseDir);
        site.hint = site.kind == DocsSite::Kind::MkDocs
            ? QStringLiteral("Add an index.md to the docs folder (docs_dir in mkdocs.yml, \"docs\" by default).")
            : howTo;
        site.kind = DocsSite::Kind::None;
    }
    return site;
}

DocsPage readDocsPage(const DocsSite& site, const QString& path, const DocsOptions& options)
{
    DocsPage page;
    QString candidate = QDir::cleanPath(path);
    QString problem;
    if (confinePath(site.root, site.root, candidate, &problem).isEmpty()) {
        page.path = candidate;
        page.error = QStringLiteral("not read: %1").arg(problem);
        return page;
    }
    const QFileInfo info(candidate);
    if (info.isDir()) {
        const QString index = findFile(site.root, candidate, {QStringLiteral("index.md"), QStringLiteral("README.md")});
        if (!index.isEmpty())
            candidate = index;
    } else if (!info.exists() && !isMarkdownName(candidate)) {
        // MkDocs writes links to pages as folders: "../setup/" is setup.md or setup/index.md.
        const QString md = candidate + QStringLiteral(".md");
        const QString index = findFile(site.root, candidate, {QStringLiteral("index.md"), QStringLiteral("README.md")});
        if (!confinePath(site.root, site.root, md).isEmpty() && QFileInfo(md).isFile())
            candidate = md;
        else if (!index.isEmpty())
            candidate = index;
    }
    page.path = candidate;
    page.relative = site.docsDir.isEmpty() ? QFileInfo(candidate).fileName()
                                           : QDir(site.docsDir).relativeFilePath(candidate);
    const TextFile file = readTextFile(candidate, site.root, options.maxPageBytes);
    if (!file.ok()) {
        page.error = file.error;
        return page;
    }
    page.size = file.size;
    page.truncated = file.truncated;
    page.markdown = QString::fromUtf8(file.bytes);
    page.title = stripFrontMatter(page.markdown);
    if (page.title.isEmpty())
        page.title = firstHeading(page.markdown);
    if (page.title.isEmpty())
        page.title = titleFromFileName(candidate);

    const QString pageDir = QFileInfo(candidate).absolutePath();
    qint64 total = 0;
    const QStringList refs = imageReferences(page.markdown);
    for (const QString& ref : refs) {
        DocsImage image;
        image.reference = ref;
        const QString target = decodeReference(ref);
        const QString base = target.startsWith(QLatin1Char('/')) ? site.docsDir : pageDir;
        image.path = confinePath(site.root, base, target.startsWith(QLatin1Char('/')) ? target.mid(1) : target, &problem);
        if (image.path.isEmpty()) {
            image.error = problem;
        } else {
            QFile f(image.path);
            if (!f.open(QIODevice::ReadOnly)) {
                image.error = QStringLiteral("%1 cannot be read: %2").arg(target, f.errorString());
            } else if (f.size() > options.maxImageBytes) {
                image.error = QStringLiteral("%1 is larger than %2 MB and is not shown")
                                  .arg(target)
                                  .arg(options.maxImageBytes / (1024 * 1024));
            } else if (total + f.size() > options.maxImagesBytes) {
                image.error = QStringLiteral("%1 is not shown: the page's images exceed %2 MB")
                                  .arg(target)
                                  .arg(options.maxImagesBytes / (1024 * 1024));
            } else {
                image.bytes = f.readAll();
                total += image.bytes.size();
            }
        }
        page.images << image;
    }
    return page;
}

DocsLink resolveDocsLink(const DocsSite& site, const QString& fromPage, const QString& href)
{
    DocsLink link;
    const QString h = href.trimmed();
    if (h.isEmpty()) {
        link.problem = QStringLiteral("the link is empty");
        return link;
    }
    if (h.startsWith(QLatin1Char('#'))) {
        link.kind = DocsLink::Kind::Anchor;
        link.fragment = h.mid(1);
        return link;
    }
    if (hasScheme(h)) {
        const QString scheme = h.section(QLatin1Char(':'), 0, 0).toLower();
        if (scheme == QStringLiteral("http") || scheme == QStringLiteral("https") || scheme == QStringLiteral("mailto")) {
            link.kind = DocsLink::Kind::External;
            link.url = h;
        } else {
            link.kind = DocsLink::Kind::Refused;
            link.problem = QStringLiteral("links with the scheme %1: are not opened").arg(scheme);
        }
        return link;
    }
    QString target = h;
    const qsizetype hash = target.indexOf(QLatin1Char('#'));
    if (hash >= 0) {
        link.fragment = target.mid(hash + 1);
        target.truncate(hash);
    }
    const qsizetype query = target.indexOf(QLatin1Char('?'));
    if (query >= 0)
        target.truncate(query);
    target = QUrl::fromPercentEncoding(target.toUtf8());
    if (target.isEmpty()) {
        link.kind = DocsLink::Kind::Anchor;
        return link;
    }
    const QString docsDir = site.docsDir.isEmpty() ? site.baseDir : site.docsDir;
    const QString base = target.startsWith(QLatin1Char('/')) || fromPage.isEmpty() ? docsDir
                                                                                   : QFileInfo(fromPage).absolutePath();
    const QString path = QDir::cleanPath(base + QLatin1Char('/') + (target.startsWith(QLatin1Char('/')) ? target.mid(1) : target));
    if (!isPathInside(site.root, path)) {
        link.kind = DocsLink::Kind::Refused;
        link.path = path;
        link.problem = QStringLiteral("%1 leads outside the source folder, so it is not opened").arg(href);
        return link;
    }
    link.path = path;
    const QString suffix = QFileInfo(path).suffix();
    link.kind = (suffix.isEmpty() || target.endsWith(QLatin1Char('/')) || isMarkdownName(path)) ? DocsLink::Kind::Page
                                                                                                : DocsLink::Kind::File;
    return link;
}

QString headingAnchor(const QString& heading)
{
    // Python-Markdown's toc slugify: ASCII only, drop punctuation, lower case, runs of spaces and
    // hyphens become one hyphen.
    const QString normalized = heading.normalized(QString::NormalizationForm_KD);
    QString kept;
    for (const QChar c : normalized) {
        if (c.unicode() > 127)
            continue;
        if (c.isLetterOrNumber() || c == QLatin1Char('_') || c == QLatin1Char('-') || c.isSpace())
            kept += c;
    }
    kept = kept.trimmed().toLower();
    static const QRegularExpression runs(QStringLiteral("[-\\s]+"));
    kept.replace(runs, QStringLiteral("-"));
    return kept;
}

QString prepareMarkdown(const QString& markdown)
{
    static const QRegularExpression admonition(
        QStringLiteral("^(\\s*)(!!!|\\?\\?\\?\\+?)\\s+([\\w-]+)(?:\\s+\"([^\"]*)\")?\\s*$"));
    const QStringList lines = markdown.split(QLatin1Char('\n'));
    QStringList out;
    bool fenced = false;
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QString& line = lines[i];
        const QString trimmed = line.trimmed();
        if (trimmed.startsWith(QStringLiteral("```")) || trimmed.startsWith(QStringLiteral("~~~")))
            fenced = !fenced;
        if (fenced) {
            out << line;
            continue;
        }
        if (trimmed == QStringLiteral("[TOC]"))
            continue;
        const QRegularExpressionMatch m = admonition.match(line);
        if (!m.hasMatch()) {
            out << line;
            continue;
        }
        const QString indent = m.captured(1);
        QString type = m.captured(3);
        type[0] = type[0].toUpper();
        const QString title = m.capturedLength(4) > 0 || m.captured(0).contains(QLatin1Char('"')) ? m.captured(4) : type;
        if (!out.isEmpty() && !out.last().trimmed().isEmpty())
            out << QString();
        if (!title.isEmpty())
            out << indent + QStringLiteral("> **") + title + QStringLiteral("**") << indent + QStringLiteral(">");
        // The body: following lines indented by four more spaces (blank lines inside are kept).
        const QString bodyIndent = indent + QStringLiteral("    ");
        qsizetype j = i + 1;
        for (; j < lines.size(); ++j) {
            const QString& body = lines[j];
            if (body.trimmed().isEmpty()) {
                qsizetype k = j + 1;
                while (k < lines.size() && lines[k].trimmed().isEmpty())
                    ++k;
                if (k < lines.size() && lines[k].startsWith(bodyIndent)) {
                    out << indent + QStringLiteral(">");
                    continue;
                }
                break;
            }
            if (!body.startsWith(bodyIndent))
                break;
            out << indent + QStringLiteral("> ") + body.mid(bodyIndent.size());
        }
        out << QString();
        i = j - 1;
    }
    return out.join(QLatin1Char('\n'));
}

QStringList imageReferences(const QString& markdown)
{
    QStringList out;
    QSet<QString> seen;
    auto add = [&](const QString& ref) {
        const QString r = ref.trimmed();
        if (r.isEmpty() || hasScheme(r) || r.startsWith(QStringLiteral("//")) || seen.contains(r))
            return;
        seen.insert(r);
        out << r;
    };
    static const QRegularExpression inlineImage(
        QStringLiteral("!\\[[^\\]]*\\]\\(\\s*(<[^>]+>|[^)\\s]+)(?:\\s+(?:\"[^\"]*\"|'[^']*'|\\([^)]*\\)))?\\s*\\)"));
    for (auto it = inlineImage.globalMatch(markdown); it.hasNext();) {
        QString ref = it.next().captured(1);
        if (ref.startsWith(QLatin1Char('<')))
            ref = ref.mid(1, ref.size() - 2);
        add(ref);
    }
    static const QRegularExpression htmlImage(QStringLiteral("<img\\b[^>]*?\\ssrc\\s*=\\s*[\"']([^\"']+)[\"']"),
                                              QRegularExpression::CaseInsensitiveOption);
    for (auto it = htmlImage.globalMatch(markdown); it.hasNext();)
        add(it.next().captured(1));
    static const QRegularExpression refImage(QStringLiteral("!\\[[^\\]]*\\]\\[([^\\]]*)\\]"));
    QSet<QString> labels;
    for (auto it = refImage.globalMatch(markdown); it.hasNext();)
        labels.insert(it.next().captured(1).toLower());
    if (!labels.isEmpty()) {
        static const QRegularExpression definition(QStringLiteral("^\\s{0,3}\\[([^\\]]+)\\]:\\s*<?([^\\s>]+)>?"),
                                                   QRegularExpression::MultilineOption);
        for (auto it = definition.globalMatch(markdown); it.hasNext();) {
            const QRegularExpressionMatch m = it.next();
            if (labels.contains(m.captured(1).toLower()))
                add(m.captured(2));
        }
    }
    return out;
}

} // namespace Flightdeck::Catalog
