// SPDX-License-Identifier: Apache-2.0
#pragma once

// The versions a service's own git repository offers for a deploy: its release tags and its recent
// commits.
//
// Where the repository is, first found wins:
//   1. the settings `sourceRepository` (a clone URL or a local path) and `sourcePath` (the service's
//      folder in a monorepo), from spec.deploy or the annotations flightdeck.dev/deploy-sourceRepository…;
//   2. the catalog's git source the service's catalog-info.yaml was read from (the folder of that
//      file is the service's path; the source's credential is used);
//   3. the annotation backstage.io/source-location (url:https://host/org/repo/tree/<ref>/<path>);
//   4. the annotation github.com/project-slug (https://github.com/<slug>.git).
//
// Settings (merged like every deploy setting: backend < environment < service < annotations):
//   sourceRepository      clone URL or local path                       (from the catalog, above)
//   sourcePath            folder of the service in the repository       (whole repository)
//   sourceBranch          branch whose commits are listed               (the remote's default branch)
//   sourceCredential      keychain credential for the clone             (the catalog source's)
//   sourceUsername        HTTPS user name for that credential           ("git")
//   tagPattern            regular expression with one capture group, the version, matched against
//                         whole tag names          (tags "<service>/V", "<service>-vV", "<service>@V",
//                                                    else "vV" and "V", V starting with a digit)
//   sourceCommits         how many recent commits to list, 0 for none   (20)
//   commitVersionLength   characters of a commit's SHA used as its version, 7..40   (7)
//   sourceFetchSeconds    a clone of our own fetched less than this long ago is not fetched again (60)
//
// How it is read: a repository the catalog already keeps (its git cache) is read as the catalog
// last fetched it, without network; a local repository is read in place; any other URL is kept as
// a bare clone under the deploy folder and fetched when read (at most once a minute; an earlier
// clone is read, with a warning, when the fetch fails).

#include "deployservice.h"
#include "git/gittypes.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QString>

#include <atomic>

namespace Flightdeck::Deploy {

struct SourceRepository
{
    QString url; // clone URL or local path; empty when none is known
    QString path; // the service's folder in it; empty: the whole repository
    QString branch; // empty: the remote's default branch
    QString credential; // keychain name; empty: none
    QString username;
    QString origin; // how it was found, for people: "the catalog source travel-search", …

    bool isKnown() const { return !url.isEmpty(); }
};

struct SourceVersion
{
    enum class Kind { Tag, Commit };
    Kind kind = Kind::Tag;
    QString version; // what a deploy would be given
    QString tag; // Tag: the tag's name
    QString sha; // the commit (full)
    QString summary; // commit summary, or the annotated tag's first line
    QString author; // commit author or tagger
    QDateTime date;

    // "tag flight-search/2.4.1 · 3 Nov 2026 · Faster fare search", for lists and tooltips.
    QString describe() const;
};

struct SourceVersionOptions
{
    QString service; // for the default tag pattern
    QString tagPattern; // empty: the default (see above)
    int maxCommits = 20;
    int maxTags = 50;
    int commitVersionLength = 7;
    // A clone of our own fetched less than this long ago is read without fetching again (the page,
    // the tab and the dialog each ask); 0 fetches every time.
    int fetchAfterSeconds = 60;
};

struct SourceVersions
{
    SourceRepository repository;
    QList<SourceVersion> versions; // tags newest first, then commits newest first
    int tagCount = 0;
    int commitCount = 0;
    QString readFrom; // "the catalog's clone (fetched 22 Nov 2026 10:15)", "a clone fetched just now", …
    QString warning; // read from an earlier clone because the fetch failed: why
    QString error; // nothing could be read: what and why
    QString hint; // what to do about the error or the warning

    bool ok() const { return error.isEmpty(); }
    QStringList versionNames() const;
};

// Whether version a is newer than b: dotted numbers compare as numbers ("2.10.0" after "2.9.1"), a
// pre-release ("2.0.0-rc.1") comes before its release, anything else compares as text.
bool isNewerVersion(const QString& a, const QString& b);
// Whether a version looks like a release number (starts with a digit and has a dot: "1.4.2").
bool isReleaseNumber(const QString& version);
// The tag of the newest release (no pre-release) among the versions; null when there is none.
const SourceVersion* newestRelease(const SourceVersions& versions);

// Where the service's repository is, from its merged deploy settings and its catalog data.
SourceRepository sourceRepositoryOf(const ServiceInfo& service, const QHash<QString, QString>& settings);

// The options the settings ask for (defaults where a setting is absent or invalid, see above).
SourceVersionOptions sourceVersionOptions(const QString& service, const QHash<QString, QString>& settings);

// The version a tag names under the pattern (empty when the tag does not match). A pattern that
// does not compile matches nothing; check it with checkTagPattern().
QString versionOfTag(const QString& tag, const SourceVersionOptions& options);
// Empty when the pattern compiles and has a capture group; else what is wrong.
QString checkTagPattern(const QString& pattern);

// https://github.com/org/repo/tree/main/services/x → (https://github.com/org/repo, services/x); also
// GitLab's /-/tree/, /blob/ and plain clone URLs. The leading "url:" of a Backstage location is
// accepted. Returns false when the location names no repository.
bool parseSourceLocation(const QString& location, QString* url, QString* path);

// Reads the versions. `catalogCacheRoot`: the catalog's git cache (may be empty); `cacheRoot`: where
// this keeps its own bare clones. BLOCKS (git, maybe network): call on a worker.
SourceVersions readSourceVersions(const SourceRepository& repository, const SourceVersionOptions& options,
    const QString& catalogCacheRoot, const QString& cacheRoot, const Git::RemoteOptions& remote);

} // namespace Flightdeck::Deploy
