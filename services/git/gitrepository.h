// SPDX-License-Identifier: Apache-2.0
#pragma once

// Git operations over libgit2.
//
// Every function here BLOCKS: call it on a worker thread (QtConcurrent::run), never on the UI thread.
// libgit2 objects are not thread-safe: open one Repository per job and use it on that job's thread
// only. git_libgit2_init() must have been called (main() does; tests call it in initTestCase()).
// Network operations (clone, fetch, push, probe) honour RemoteOptions: credentials, progress,
// cancel flag and timeouts (see gitnetwork.h for how the timeouts work on libgit2 1.5).

#include "gitresult.h"
#include "gittypes.h"

#include <memory>

struct git_repository;

namespace Flightdeck::Git {

struct CloneOptions
{
    QString branch; // empty = the remote's default branch
    bool bare = false;
    bool checkout = true; // false: fetch everything but leave the working tree empty
};

class Repository
{
public:
    Repository();
    ~Repository();
    Repository(Repository&& other) noexcept;
    Repository& operator=(Repository&& other) noexcept;

    // Opens a working tree, a bare repository or a .git directory.
    static Result<Repository> open(const QString& path);
    // Creates a repository (bare for remotes in tests and the demo) whose HEAD names initialBranch.
    static Result<Repository> init(
        const QString& path, bool bare, const QString& initialBranch = QStringLiteral("main"));
    // Clones url into path, which must not exist or be empty. The clone is made in a sibling
    // temporary directory and renamed into place on success, so a failed or cancelled clone leaves
    // nothing behind.
    static Result<Repository> clone(
        const QString& url, const QString& path, const RemoteOptions& options, const CloneOptions& cloneOptions = {});
    // Connects without downloading (ls-remote): default branch, branches and tags. For "test
    // connection" buttons.
    static Result<RemoteInfo> probe(const QString& url, const RemoteOptions& options);

    bool isValid() const { return bool(m_repo); }
    bool isBare() const;
    // The working tree, or the git directory of a bare repository.
    QString path() const;
    QString gitDir() const;
    QString remoteUrl(const QString& remote = QStringLiteral("origin")) const;

    // Fetches all branches (pruning deleted ones) and tags, and records the remote's default branch
    // as refs/remotes/<remote>/HEAD.
    Result<RemoteInfo> fetch(const RemoteOptions& options, const QString& remote = QStringLiteral("origin"));
    // Pushes refspecs ("refs/heads/main:refs/heads/main"); an empty list pushes the current branch.
    // A reference the remote refuses is an error even when libgit2 itself reports success.
    Status push(const RemoteOptions& options, const QStringList& refspecs = {},
        const QString& remote = QStringLiteral("origin"));

    // The default branch recorded by the last clone or fetch (refs/remotes/<remote>/HEAD).
    Result<QString> remoteDefaultBranch(const QString& remote = QStringLiteral("origin")) const;
    Result<QStringList> remoteBranches(const QString& remote = QStringLiteral("origin")) const;
    Result<QStringList> localBranches() const;
    // Current branch name; empty when HEAD is detached.
    Result<QString> currentBranch() const;

    // Makes the working tree a clean copy of <remote>/<branch> (or of the local branch when remote
    // is empty): resets the local branch to it, checks it out by force and removes untracked and
    // ignored files. A missing branch gives BranchNotFound listing the branches that exist.
    Result<CommitInfo> checkoutBranch(const QString& branch, const QString& remote = QStringLiteral("origin"));

    Result<CommitInfo> headCommit() const;
    Result<CommitInfo> commit(const QString& revision) const;
    // Newest first (by date), then by name.
    Result<QList<TagInfo>> tags() const;
    // Up to `max` commits reachable from revision, newest first.
    Result<QList<CommitInfo>> recentCommits(int max, const QString& revision = QStringLiteral("HEAD")) const;
    // Up to `max` commits reachable from revision that changed something under `path` (a folder or
    // file relative to the repository's root; empty: every commit), newest first. Looks at no more
    // than `maxWalk` commits, so a path that hardly changes costs a bounded walk.
    Result<QList<CommitInfo>> recentCommitsTouching(
        int max, const QString& revision, const QString& path, int maxWalk = 5000) const;
    // Whether revision names something here (a branch, a remote branch, a tag, a SHA).
    bool hasRevision(const QString& revision) const;

    // Stages every change in the working tree (new, modified, deleted files) and commits it on HEAD
    // with the given author and committer. NothingToCommit when the tree did not change.
    Result<CommitInfo> commitAll(const QString& message, const Signature& signature);

    // For other services code that needs libgit2 directly (include githolders.h there).
    git_repository* handle() const { return m_repo.get(); }

private:
    struct Deleter
    {
        void operator()(git_repository* repository) const;
    };
    explicit Repository(git_repository* repository);
    std::unique_ptr<git_repository, Deleter> m_repo;
};

} // namespace Flightdeck::Git
