// SPDX-License-Identifier: Apache-2.0
#include "filescanner.h"

#include "glob.h"

#include <QDir>
#include <QFileInfo>
#include <QSet>

#include <filesystem>
#include <system_error>

namespace fs = std::filesystem;

namespace Flightdeck::Sources {

using Catalog::Diagnostic;
using Catalog::Severity;

QStringList defaultCatalogGlobs()
{
    return {QStringLiteral("**/catalog-info.yaml"), QStringLiteral("**/catalog-info.yml")};
}

namespace {

QString toQ(const fs::path& p)
{
    return QString::fromStdString(p.string());
}

Diagnostic scanProblem(Severity severity, const QString& file, QString message, QString hint, const QString& code)
{
    Diagnostic d;
    d.severity = severity;
    d.file = file;
    d.message = std::move(message);
    d.hint = std::move(hint);
    d.code = code;
    return d;
}

class Walker
{
public:
    Walker(const QList<GlobPattern>& globs, const std::atomic<bool>* cancel, const ScanOptions& options,
           ScanResult& result)
        : m_globs(globs)
        , m_cancel(cancel)
        , m_options(options)
        , m_result(result)
    {
    }

    void walk(const fs::path& dir, const QString& rel, int depth)
    {
        if (m_cancel && m_cancel->load()) {
            m_result.cancelled = true;
            return;
        }
        std::error_code ec;
        const fs::path canonical = fs::canonical(dir, ec);
        if (ec) {
            m_result.diagnostics << scanProblem(Severity::Error, toQ(dir),
                                                QStringLiteral("cannot read directory: %1").arg(QString::fromStdString(ec.message())),
                                                QStringLiteral("Check that the directory exists and is readable."),
                                                QStringLiteral("unreadable"));
            return;
        }
        const QString key = toQ(canonical);
        if (m_ancestors.contains(key)) {
            m_result.diagnostics << scanProblem(
                Severity::Warning, toQ(dir),
                QStringLiteral("symbolic link loop: %1 leads back to %2; not followed").arg(toQ(dir), key),
                QStringLiteral("Remove the link or point it outside the tree."), QStringLiteral("symlink-loop"));
            return;
        }
        if (m_visited.contains(key))
            return; // reached again through another link: already read
        if (depth > m_options.maxDepth) {
            m_result.diagnostics << scanProblem(Severity::Warning, toQ(dir),
                                                QStringLiteral("directories nest deeper than %1 levels; not read further").arg(m_options.maxDepth),
                                                QStringLiteral("Point the source at a shallower folder."), QStringLiteral("too-deep"));
            return;
        }
        m_visited.insert(key);
        m_ancestors.insert(key);

        fs::directory_iterator it(dir, fs::directory_options::none, ec);
        if (ec) {
            m_result.diagnostics << scanProblem(Severity::Error, toQ(dir),
                                                QStringLiteral("cannot list directory: %1").arg(QString::fromStdString(ec.message())),
                                                QStringLiteral("Check the directory's permissions."), QStringLiteral("unreadable"));
            m_ancestors.remove(key);
            return;
        }
        std::vector<fs::directory_entry> entries;
        for (; it != fs::directory_iterator(); it.increment(ec)) {
            if (ec)
                break;
            entries.push_back(*it);
        }
        std::sort(entries.begin(), entries.end(),
                  [](const fs::directory_entry& a, const fs::directory_entry& b) { return a.path() < b.path(); });
        for (const fs::directory_entry& entry : entries) {
            if (m_result.files.size() >= m_options.maxFiles)
                break;
            const QString name = QString::fromStdString(entry.path().filename().string());
            const QString childRel = rel.isEmpty() ? name : rel + QLatin1Char('/') + name;
            std::error_code sec;
            const fs::file_status status = entry.status(sec); // follows links
            if (sec || status.type() == fs::file_type::not_found) {
                if (entry.is_symlink(sec) && matches(childRel))
                    m_result.diagnostics << scanProblem(Severity::Warning, toQ(entry.path()),
                                                        QStringLiteral("broken symbolic link; not read"),
                                                        QStringLiteral("Fix or remove the link."), QStringLiteral("broken-link"));
                continue;
            }
            if (status.type() == fs::file_type::directory) {
                if (m_options.skipDirectories.contains(name))
                    continue;
                if (mayContain(childRel))
                    walk(entry.path(), childRel, depth + 1);
                if (m_result.cancelled)
                    break;
            } else if (matches(childRel)) {
                // Non-regular files (FIFOs, devices) are listed: the loader refuses them with a message.
                m_result.files << toQ(entry.path());
            }
        }
        m_ancestors.remove(key);
    }

private:
    bool matches(const QString& rel) const
    {
        for (const GlobPattern& g : m_globs)
            if (g.matches(rel))
                return true;
        return false;
    }
    bool mayContain(const QString& rel) const
    {
        for (const GlobPattern& g : m_globs)
            if (g.mayContain(rel))
                return true;
        return false;
    }

    const QList<GlobPattern>& m_globs;
    const std::atomic<bool>* m_cancel;
    const ScanOptions& m_options;
    ScanResult& m_result;
    QSet<QString> m_visited;
    QSet<QString> m_ancestors;
};

} // namespace

ScanResult scanDirectory(const QString& root, const QStringList& globs, const std::atomic<bool>* cancel,
                         const ScanOptions& options)
{
    ScanResult result;
    QList<GlobPattern> patterns;
    for (const QString& g : globs.isEmpty() ? defaultCatalogGlobs() : globs)
        patterns << GlobPattern(g);
    Walker walker(patterns, cancel, options, result);
    walker.walk(fs::path(root.toStdString()), QString(), 0);
    result.files.sort();
    result.files.removeDuplicates();
    return result;
}

bool isInside(const QString& path, const QString& dir)
{
    const QString canonicalDir = QFileInfo(dir).canonicalFilePath();
    QString canonicalPath = QFileInfo(path).canonicalFilePath();
    if (canonicalPath.isEmpty()) // does not exist (yet): judge the cleaned path
        canonicalPath = QDir::cleanPath(path);
    if (canonicalDir.isEmpty())
        return false;
    return canonicalPath == canonicalDir || canonicalPath.startsWith(canonicalDir + QLatin1Char('/'));
}

ScanResult expandPattern(const QString& absolutePattern, const QString& confine, const std::atomic<bool>* cancel,
                         const ScanOptions& options)
{
    ScanResult result;
    if (!GlobPattern::hasWildcards(absolutePattern)) {
        if (QFileInfo::exists(absolutePattern))
            result.files << QDir::cleanPath(absolutePattern);
        return result;
    }
    QString base, rest;
    GlobPattern::splitBase(absolutePattern, base, rest);
    if (!isInside(base, confine) && !isInside(confine, base))
        return result;
    result = scanDirectory(base, {rest}, cancel, options);
    QStringList inside;
    for (const QString& f : std::as_const(result.files))
        if (isInside(f, confine))
            inside << f;
    result.files = inside;
    return result;
}

} // namespace Flightdeck::Sources
