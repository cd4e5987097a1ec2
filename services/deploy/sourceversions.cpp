// SPDX-License-Identifier: Apache-2.0
#include "sourceversions.h"

#include "git/gitrepository.h"
#include "sources/gitmirror.h"

#include <QDir>
#include <QFileInfo>
#include <QLocale>
#include <QLockFile>
#include <QRegularExpression>
#include <QUrl>

#include <algorithm>

namespace Flightdeck::Deploy {

namespace {

QString setting(const QHash<QString, QString>& s, const char* key)
{
    return s.value(QLatin1String(key)).trimmed();
}

int intSetting(const QHash<QString, QString>& s, const char* key, int fallback, int low, int high)
{
    bool ok = false;
    const int v = setting(s, key).toInt(&ok);
    return ok && v >= low && v <= high ? v : fallback;
}

bool isLocalPath(const QString& url)
{
    return QDir::isAbsolutePath(url) && !url.contains(QLatin1String("://"));
}

// A repository named by its path is read in place; URLs (file:// too) are cloned as git would.
QString localRepositoryPath(const QString& url)
{
    return isLocalPath(url) ? url : QString();
}

QString dateText(const QDateTime& date)
{
    return QLocale().toString(date.toLocalTime(), QStringLiteral("d MMM yyyy HH:mm"));
}

// The version in a tag of the service's own ("<service>/1.2.0", "<service>-v1.2.0", "<service>@1.2.0").
QString ownTagVersion(const QString& tag, const QString& service)
{
    if (service.isEmpty())
        return {};
    const QRegularExpression own(
        QStringLiteral("^%1(?:/|@|-)v?(\\d[\\w.+-]*)$").arg(QRegularExpression::escape(service)));
    const auto m = own.match(tag);
    return m.hasMatch() ? m.captured(1) : QString();
}

struct Reader
{
    const SourceVersionOptions& options;
    const Git::Repository& repository;
    QString revision;

    void read(SourceVersions& out) const
    {
        if (const auto tags = repository.tags(); tags) {
            // Where the service has tags of its own ("<service>/1.2.0"), the plain ones ("v1.2.0")
            // belong to something else in the repository.
            bool ownTags = false;
            if (options.tagPattern.isEmpty())
                for (const Git::TagInfo& t : tags.value())
                    ownTags = ownTags || !ownTagVersion(t.name, options.service).isEmpty();
            QList<SourceVersion> found;
            for (const Git::TagInfo& t : tags.value()) {
                const QString version = versionOfTag(t.name, options);
                if (version.isEmpty() || t.commitSha.isEmpty())
                    continue;
                if (ownTags && ownTagVersion(t.name, options.service).isEmpty())
                    continue;
                SourceVersion v;
                v.kind = SourceVersion::Kind::Tag;
                v.version = version;
                v.tag = t.name;
                v.sha = t.commitSha;
                v.author = t.taggerName;
                v.date = t.date;
                v.summary = t.annotated ? t.message.section(QLatin1Char('\n'), 0, 0).trimmed() : QString();
                found << v;
            }
            // Newest version first; two tags naming one version keep the newer tag.
            std::stable_sort(found.begin(), found.end(), [](const SourceVersion& a, const SourceVersion& b) {
                if (a.version != b.version)
                    return isNewerVersion(a.version, b.version);
                return a.date > b.date;
            });
            QStringList seen;
            for (const SourceVersion& v : std::as_const(found)) {
                if (seen.contains(v.version) || out.tagCount >= options.maxTags)
                    continue;
                seen << v.version;
                SourceVersion kept = v;
                // Only for the tags kept: a lightweight tag says nothing itself, its commit does.
                if (kept.summary.isEmpty() || kept.author.isEmpty()) {
                    if (const auto c = repository.commit(kept.sha); c) {
                        if (kept.summary.isEmpty())
                            kept.summary = c->summary;
                        if (kept.author.isEmpty())
                            kept.author = c->authorName;
                    }
                }
                out.versions << kept;
                ++out.tagCount;
            }
        } else {
            out.warning = QStringLiteral("the tags could not be read: %1").arg(tags.error().message);
        }
        if (options.maxCommits <= 0)
            return;
        const auto commits = repository.recentCommitsTouching(options.maxCommits, revision, out.repository.path);
        if (!commits) {
            out.error = QStringLiteral("the commits of %1 could not be read: %2").arg(revision, commits.error().message);
            return;
        }
        for (const Git::CommitInfo& c : commits.value()) {
            SourceVersion v;
            v.kind = SourceVersion::Kind::Commit;
            v.version = c.sha.left(options.commitVersionLength);
            v.sha = c.sha;
            v.summary = c.summary;
            v.author = c.authorName;
            v.date = c.commitTime;
            out.versions << v;
            ++out.commitCount;
        }
    }
};

// The branch to list: the configured one (remote-tracking first), else the remote's default
// branch, else HEAD.
QString revisionToList(const Git::Repository& repository, const QString& branch)
{
    QStringList candidates;
    if (!branch.isEmpty())
        candidates << QStringLiteral("refs/remotes/origin/") + branch << QStringLiteral("refs/heads/") + branch;
    else
        candidates << QStringLiteral("refs/remotes/origin/HEAD");
    for (const QString& c : std::as_const(candidates))
        if (repository.hasRevision(c))
            return c;
    return branch.isEmpty() ? QStringLiteral("HEAD") : QStringLiteral("refs/heads/") + branch;
}

} // namespace

bool isNewerVersion(const QString& a, const QString& b)
{
    static const QRegularExpression split(QStringLiteral("[.\\-+]"));
    const QStringList pa = a.split(split), pb = b.split(split);
    for (qsizetype i = 0; i < qMin(pa.size(), pb.size()); ++i) {
        bool oka = false, okb = false;
        const qlonglong na = pa[i].toLongLong(&oka), nb = pb[i].toLongLong(&okb);
        if (oka && okb && na != nb)
            return na > nb;
        if ((!oka || !okb) && pa[i] != pb[i])
            return pa[i] > pb[i];
    }
    return pa.size() < pb.size(); // "2.0.0" is newer than "2.0.0-rc.1"
}

bool isReleaseNumber(const QString& version)
{
    static const QRegularExpression release(QStringLiteral("^\\d+(\\.\\d+)+([-+][\\w.+-]*)?$"));
    return release.match(version).hasMatch();
}

const SourceVersion* newestRelease(const SourceVersions& versions)
{
    const SourceVersion* best = nullptr;
    for (const SourceVersion& v : versions.versions)
        if (v.kind == SourceVersion::Kind::Tag && isReleaseNumber(v.version) && !v.version.contains(QLatin1Char('-'))
            && (!best || isNewerVersion(v.version, best->version)))
            best = &v;
    return best;
}

QString SourceVersion::describe() const
{
    QStringList parts;
    parts << (kind == Kind::Tag ? QStringLiteral("tag %1").arg(tag) : QStringLiteral("commit %1").arg(sha.left(12)));
    if (date.isValid())
        parts << dateText(date);
    if (!author.isEmpty())
        parts << author;
    if (!summary.isEmpty())
        parts << summary;
    return parts.join(QStringLiteral(" · "));
}

QStringList SourceVersions::versionNames() const
{
    QStringList out;
    for (const SourceVersion& v : versions)
        if (!out.contains(v.version))
            out << v.version;
    return out;
}

bool parseSourceLocation(const QString& location, QString* url, QString* path)
{
    QString l = location.trimmed();
    if (l.startsWith(QLatin1String("url:")))
        l = l.mid(4).trimmed();
    if (l.isEmpty() || l.startsWith(QLatin1String("dir:")) || (l.startsWith(QLatin1String("file:")) && !l.startsWith(QLatin1String("file://"))))
        return false;
    if (isLocalPath(l)) {
        *url = l;
        path->clear();
        return true;
    }
    static const QRegularExpression web(
        QStringLiteral("^(https?://[^/]+/.+?)(?:\\.git)?/(?:-/)?(?:tree|blob|src)/[^/]+/?(.*)$"));
    if (const auto m = web.match(l); m.hasMatch()) {
        *url = m.captured(1);
        *path = m.captured(2);
        while (path->endsWith(QLatin1Char('/')))
            path->chop(1);
        // A catalog-info.yaml named as the location: its folder is the service's.
        if (path->endsWith(QLatin1String(".yaml")) || path->endsWith(QLatin1String(".yml")))
            *path = path->contains(QLatin1Char('/')) ? path->section(QLatin1Char('/'), 0, -2) : QString();
        return true;
    }
    static const QRegularExpression plain(QStringLiteral("^(?:https?|ssh|git|file)://[^/]+/?.+$|^[\\w.-]+@[\\w.-]+:.+$"));
    if (plain.match(l).hasMatch()) {
        QString u = l;
        while (u.endsWith(QLatin1Char('/')))
            u.chop(1);
        *url = u;
        path->clear();
        return true;
    }
    return false;
}

SourceRepository sourceRepositoryOf(const ServiceInfo& service, const QHash<QString, QString>& settings)
{
    SourceRepository r;
    r.branch = setting(settings, "sourceBranch");
    r.username = setting(settings, "sourceUsername");
    const QString credential = setting(settings, "sourceCredential");
    if (const QString url = setting(settings, "sourceRepository"); !url.isEmpty()) {
        r.url = url;
        r.path = setting(settings, "sourcePath");
        r.credential = credential;
        r.origin = QStringLiteral("the setting sourceRepository");
        return r;
    }
    if (!service.sourceUrl.isEmpty()) {
        r.url = service.sourceUrl;
        r.path = settings.contains(QStringLiteral("sourcePath")) ? setting(settings, "sourcePath") : service.sourcePath;
        r.credential = credential.isEmpty() ? service.sourceCredential : credential;
        r.origin = QStringLiteral("the catalog source %1").arg(service.sourceName);
        return r;
    }
    const QString location = service.annotations.value(QStringLiteral("backstage.io/source-location"));
    QString url, path;
    if (!location.isEmpty() && parseSourceLocation(location, &url, &path)) {
        r.url = url;
        r.path = settings.contains(QStringLiteral("sourcePath")) ? setting(settings, "sourcePath") : path;
        r.credential = credential;
        r.origin = QStringLiteral("the annotation backstage.io/source-location");
        return r;
    }
    const QString slug = service.annotations.value(QStringLiteral("github.com/project-slug")).trimmed();
    static const QRegularExpression slugShape(QStringLiteral("^[\\w.-]+/[\\w.-]+$"));
    if (slugShape.match(slug).hasMatch()) {
        r.url = QStringLiteral("https://github.com/%1.git").arg(slug);
        r.path = setting(settings, "sourcePath");
        r.credential = credential;
        r.origin = QStringLiteral("the annotation github.com/project-slug");
    }
    return r;
}

SourceVersionOptions sourceVersionOptions(const QString& service, const QHash<QString, QString>& settings)
{
    SourceVersionOptions o;
    o.service = service;
    o.tagPattern = setting(settings, "tagPattern");
    o.maxCommits = intSetting(settings, "sourceCommits", 20, 0, 500);
    o.commitVersionLength = intSetting(settings, "commitVersionLength", 7, 7, 40);
    o.fetchAfterSeconds = intSetting(settings, "sourceFetchSeconds", 60, 0, 24 * 3600);
    return o;
}

QString checkTagPattern(const QString& pattern)
{
    const QRegularExpression re(pattern);
    if (!re.isValid())
        return QStringLiteral("the tagPattern \"%1\" is not a valid regular expression: %2 (at character %3)")
            .arg(pattern, re.errorString())
            .arg(re.patternErrorOffset());
    if (re.captureCount() < 1)
        return QStringLiteral("the tagPattern \"%1\" has no capture group: put the version in parentheses, e.g. ^v(.+)$")
            .arg(pattern);
    return {};
}

QString versionOfTag(const QString& tag, const SourceVersionOptions& options)
{
    if (!options.tagPattern.isEmpty()) {
        const QRegularExpression re(QRegularExpression::anchoredPattern(options.tagPattern));
        if (!re.isValid() || re.captureCount() < 1)
            return {};
        const auto m = re.match(tag);
        return m.hasMatch() ? m.captured(1) : QString();
    }
    // The service's own tags in a repository of several services.
    if (const QString own = ownTagVersion(tag, options.service); !own.isEmpty())
        return own;
    if (tag.contains(QLatin1Char('/')) || tag.contains(QLatin1Char('@')))
        return {}; // another service's tag
    static const QRegularExpression plain(QStringLiteral("^v?(\\d[\\w.+-]*)$"));
    if (const auto m = plain.match(tag); m.hasMatch())
        return m.captured(1);
    return {};
}

SourceVersions readSourceVersions(const SourceRepository& repository, const SourceVersionOptions& options,
    const QString& catalogCacheRoot, const QString& cacheRoot, const Git::RemoteOptions& remote)
{
    SourceVersions out;
    out.repository = repository;
    if (!repository.isKnown()) {
        out.error = QStringLiteral("the repository of %1 is not known").arg(options.service);
        out.hint = QStringLiteral("Read the service from a git catalog source, annotate it with "
                                  "backstage.io/source-location, or set sourceRepository in spec.deploy.");
        return out;
    }
    if (!options.tagPattern.isEmpty()) {
        if (const QString problem = checkTagPattern(options.tagPattern); !problem.isEmpty()) {
            out.error = problem;
            out.hint = QStringLiteral("Correct tagPattern in the workspace's spec.deploy.");
            return out;
        }
    }

    // The tags of a service written only for another service are never offered; the default
    // pattern hides the other services' prefixed tags, so a monorepo lists only this one's.
    const auto readFrom = [&](const Git::Repository& repo, const QString& from) {
        out.readFrom = from;
        const Reader reader { options, repo, revisionToList(repo, repository.branch) };
        reader.read(out);
        return out;
    };

    // 1. The catalog's clone of the same URL, as the catalog last fetched it.
    if (!catalogCacheRoot.isEmpty()) {
        const QString clone = Sources::GitMirror::cacheDirectory(catalogCacheRoot, repository.url);
        if (QFileInfo(clone + QStringLiteral("/.git")).exists()) {
            if (auto opened = Git::Repository::open(clone); opened) {
                const QFileInfo fetched(clone + QStringLiteral("/.git/FETCH_HEAD"));
                return readFrom(opened.value(), fetched.exists()
                        ? QStringLiteral("the catalog's clone, fetched %1").arg(dateText(fetched.lastModified()))
                        : QStringLiteral("the catalog's clone"));
            }
        }
    }

    // 2. A repository on this machine, read in place.
    if (const QString local = localRepositoryPath(repository.url); !local.isEmpty()) {
        auto opened = Git::Repository::open(local);
        if (!opened) {
            out.error = QStringLiteral("%1 is not a git repository: %2").arg(QDir::toNativeSeparators(local), opened.error().message);
            out.hint = QStringLiteral("Check %1 (from %2).").arg(repository.url, repository.origin);
            return out;
        }
        return readFrom(opened.value(), QStringLiteral("the repository on this machine"));
    }

    // 3. A bare clone of our own, fetched now (or read as fetched a moment ago). One reader at a
    // time per clone, also across processes: two fetches into one repository fight over its refs.
    if (cacheRoot.isEmpty() || !QDir().mkpath(cacheRoot)) {
        out.error = QStringLiteral("there is no folder to clone %1 into").arg(repository.url);
        out.hint = QStringLiteral("Make the application data folder writable.");
        return out;
    }
    const QString clone = Sources::GitMirror::cacheDirectory(cacheRoot, repository.url);
    QLockFile lock(clone + QStringLiteral(".lock"));
    lock.setStaleLockTime(0); // a clone may take long; only a dead owner makes the lock stale
    if (!lock.tryLock(120 * 1000)) {
        out.error = QStringLiteral("the clone of %1 is busy (another read has not finished in two minutes)").arg(repository.url);
        out.hint = QStringLiteral("Try again in a moment.");
        return out;
    }
    if (QFileInfo(clone + QStringLiteral("/HEAD")).exists()) {
        auto opened = Git::Repository::open(clone);
        if (opened && opened->isBare()) {
            const QFileInfo lastFetch(clone + QStringLiteral("/FETCH_HEAD"));
            if (options.fetchAfterSeconds > 0 && lastFetch.exists()
                && lastFetch.lastModified().secsTo(QDateTime::currentDateTime()) < options.fetchAfterSeconds)
                return readFrom(opened.value(), QStringLiteral("a clone fetched %1").arg(dateText(lastFetch.lastModified())));
            const auto fetched = opened.value().fetch(remote);
            if (!fetched) {
                out.warning = QStringLiteral("%1 could not be fetched (%2); these are the versions of the last fetch")
                                  .arg(repository.url, fetched.error().message);
                out.hint = fetched.error().hint;
                return readFrom(opened.value(), QStringLiteral("an earlier clone"));
            }
            return readFrom(opened.value(), QStringLiteral("a clone fetched just now"));
        }
        QDir(clone).removeRecursively(); // damaged: start again
    }
    Git::CloneOptions bare;
    bare.bare = true;
    bare.checkout = false;
    auto cloned = Git::Repository::clone(repository.url, clone, remote, bare);
    if (!cloned) {
        out.error = QStringLiteral("%1 could not be cloned: %2").arg(repository.url, cloned.error().message);
        out.hint = cloned.error().hint.isEmpty()
            ? QStringLiteral("Check the URL (from %1) and the credential.").arg(repository.origin)
            : cloned.error().hint;
        return out;
    }
    return readFrom(cloned.value(), QStringLiteral("a clone made just now"));
}

} // namespace Flightdeck::Deploy
