// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "git/gitresult.h"
#include "git/gittypes.h"
#include "sources/sourcespec.h"

#include <atomic>

namespace Flightdeck::Sources {

struct GitMirrorResult
{
    QString worktree; // clean checkout of the branch; the catalog files are read from here
    QString commit; // full SHA of the checked-out commit
    QString branch;
    QDateTime commitTime;
    Git::Error error; // kind None on success (offline included)

    // The remote could not be reached but an earlier checkout exists: worktree/commit/branch
    // describe that checkout, warning says so for the UI, offlineReason says why.
    bool offline = false;
    QString warning;
    Git::Error offlineReason;

    bool ok() const { return !error.isError(); }
};

// The git catalog source: keeps one clone per URL under a cache directory and checks out the
// requested branch as a clean working tree.
class GitMirror
{
public:
    // Clones spec.url into cacheRoot/<cacheKey(url)>, or fetches when that clone exists, then checks
    // out spec.branch (empty: the remote's default branch) by force. When the fetch fails (network
    // down, server gone, credential refused) and an earlier checkout exists, returns that checkout
    // with offline = true. Concurrent syncs of the same URL wait for each other (a lock file).
    // BLOCKS: call on a worker thread. The credentials are read from the keychain beforehand.
    static GitMirrorResult sync(const CatalogSourceSpec& spec, const QString& cacheRoot,
        const Git::Credentials& credentials, const Git::ProgressCallback& progress, const std::atomic<bool>* cancel,
        const Git::NetworkTimeouts& timeouts = {});
    // Same, with every remote option (trusted SSH host keys, authentication attempts).
    static GitMirrorResult sync(
        const CatalogSourceSpec& spec, const QString& cacheRoot, const Git::RemoteOptions& options);

    // Stable directory name for a URL: a hash of the URL without its password.
    static QString cacheKey(const QString& url);
    static QString cacheDirectory(const QString& cacheRoot, const QString& url);
};

} // namespace Flightdeck::Sources
