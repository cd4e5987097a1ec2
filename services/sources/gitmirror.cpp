// SPDX-License-Identifier: Apache-2.0
#include "gitmirror.h"

#include "git/gitrepository.h"

#include <QCryptographicHash>
#include <QDeadlineTimer>
#include <QDir>
#include <QFileInfo>
#include <QLockFile>

#include <optional>

namespace Flightdeck::Sources {

using Git::Error;
using Git::ErrorKind;

namespace {

constexpr int lockWaitMs = 10 * 60 * 1000;

QString normalizedUrl(const QString& url)
{
    QString normalized = Git::takeUrlPassword(url.trimmed(), nullptr);
    while (normalized.endsWith(QLatin1Char('/')))
        normalized.chop(1);
    return normalized;
}

GitMirrorResult failure(Error error)
{
    GitMirrorResult result;
    result.error = std::move(error);
    return result;
}

bool cancelled(const std::atomic<bool>* cancel)
{
    return cancel && cancel->load();
}

// Clones that a crash interrupted are named .<key>.partial-XXXXXX (see Repository::clone).
void removeInterruptedClones(const QString& cacheRoot, const QString& key)
{
    QDir root(cacheRoot);
    const QStringList leftovers = root.entryList(
        { QStringLiteral(".%1.partial-*").arg(key) }, QDir::Dirs | QDir::Hidden | QDir::NoDotAndDotDot);
    for (const QString& name : leftovers)
        QDir(root.filePath(name)).removeRecursively();
}

GitMirrorResult checkedOut(Git::Repository& repository, const QString& branch, const QString& worktree)
{
    const Git::Result<Git::CommitInfo> commit = repository.checkoutBranch(branch);
    if (!commit)
        return failure(commit.error());
    GitMirrorResult result;
    result.worktree = worktree;
    result.commit = commit->sha;
    result.commitTime = commit->commitTime;
    result.branch = branch;
    return result;
}

// The fetch failed: show the last checkout rather than nothing.
GitMirrorResult offlineFallback(
    Git::Repository& repository, const QString& requestedBranch, const QString& worktree, const Error& reason)
{
    QString branch = requestedBranch;
    if (branch.isEmpty()) {
        const Git::Result<QString> remoteDefault = repository.remoteDefaultBranch();
        const Git::Result<QString> current = repository.currentBranch();
        branch = remoteDefault ? remoteDefault.value() : current ? current.value() : QString();
    }
    if (branch.isEmpty())
        return failure(reason);
    GitMirrorResult result = checkedOut(repository, branch, worktree);
    if (!result.ok())
        return failure(reason);
    result.offline = true;
    result.offlineReason = reason;
    result.warning = QStringLiteral("offline: showing the catalog as of %1 (%2)")
                         .arg(result.commit.left(8), result.commitTime.toString(QStringLiteral("yyyy-MM-dd HH:mm")));
    return result;
}

} // namespace

QString GitMirror::cacheKey(const QString& url)
{
    return QString::fromLatin1(
        QCryptographicHash::hash(normalizedUrl(url).toUtf8(), QCryptographicHash::Sha256).toHex().left(24));
}

QString GitMirror::cacheDirectory(const QString& cacheRoot, const QString& url)
{
    return QDir(cacheRoot).filePath(cacheKey(url));
}

GitMirrorResult GitMirror::sync(const CatalogSourceSpec& spec, const QString& cacheRoot,
    const Git::Credentials& credentials, const Git::ProgressCallback& progress, const std::atomic<bool>* cancel,
    const Git::NetworkTimeouts& timeouts)
{
    Git::RemoteOptions options;
    options.credentials = credentials;
    options.progress = progress;
    options.cancel = cancel;
    options.timeouts = timeouts;
    return sync(spec, cacheRoot, options);
}

GitMirrorResult GitMirror::sync(
    const CatalogSourceSpec& spec, const QString& cacheRoot, const Git::RemoteOptions& givenOptions)
{
    Git::RemoteOptions options = givenOptions;
    const QString url = Git::takeUrlPassword(spec.url.trimmed(), &options.credentials);
    if (spec.type != CatalogSourceSpec::Type::Git || url.isEmpty())
        return failure(
            Error::make(ErrorKind::InvalidArgument, QStringLiteral("the source '%1' has no git URL").arg(spec.name),
                QStringLiteral("Enter the repository's URL (https://…, ssh://…, git@host:path or file:///…)")));
    if (cacheRoot.isEmpty() || !QDir().mkpath(cacheRoot))
        return failure(Error::make(ErrorKind::Filesystem,
            QStringLiteral("cannot create the git cache directory '%1'").arg(cacheRoot),
            QStringLiteral("Check that the directory is writable and the disk has space")));

    const QString key = cacheKey(url);
    const QString worktree = QDir(cacheRoot).filePath(key);

    QLockFile lock(QDir(cacheRoot).filePath(key + QLatin1String(".lock")));
    lock.setStaleLockTime(0); // a clone may take long; only a dead owner makes the lock stale
    const QDeadlineTimer lockDeadline(lockWaitMs);
    while (!lock.tryLock(100)) {
        if (cancelled(options.cancel))
            return failure(Error::make(ErrorKind::Cancelled, QStringLiteral("cancelled")));
        if (lock.error() != QLockFile::LockFailedError || lockDeadline.hasExpired())
            return failure(Error::make(ErrorKind::Filesystem,
                QStringLiteral("cannot lock the git cache of %1").arg(Git::redactUrl(url)),
                QStringLiteral("Another sync of this source is still running, or '%1' is not writable")
                    .arg(cacheRoot)));
    }
    removeInterruptedClones(cacheRoot, key);

    std::optional<Git::Repository> repository;
    QString defaultBranch;
    if (QFileInfo::exists(worktree)) {
        Git::Result<Git::Repository> opened = Git::Repository::open(worktree);
        if (opened && normalizedUrl(opened->remoteUrl()) == normalizedUrl(url)) {
            repository = std::move(opened.value());
            const Git::Result<Git::RemoteInfo> fetched = repository->fetch(options);
            if (!fetched) {
                if (fetched.error().kind == ErrorKind::Cancelled)
                    return failure(fetched.error());
                return offlineFallback(*repository, spec.branch, worktree, fetched.error());
            }
            defaultBranch = fetched->defaultBranch;
        } else {
            // Not a clone of this URL (damaged, or made by something else): start again.
            repository.reset();
            if (!QDir(worktree).removeRecursively())
                return failure(Error::make(ErrorKind::Filesystem,
                    QStringLiteral("cannot remove the damaged git cache '%1'").arg(worktree),
                    QStringLiteral("Remove it by hand")));
        }
    }
    if (!repository) {
        Git::CloneOptions cloneOptions;
        cloneOptions.checkout = false; // checkoutBranch below reports a missing branch with the list
        Git::Result<Git::Repository> cloned = Git::Repository::clone(url, worktree, options, cloneOptions);
        if (!cloned)
            return failure(cloned.error());
        repository = std::move(cloned.value());
        const Git::Result<QString> remoteDefault = repository->remoteDefaultBranch();
        defaultBranch = remoteDefault ? remoteDefault.value() : QString();
    }

    const QString branch = spec.branch.isEmpty() ? defaultBranch : spec.branch;
    if (branch.isEmpty())
        return failure(Error::make(ErrorKind::NotFound,
            QStringLiteral("%1 has no default branch: the repository is empty").arg(Git::redactUrl(url)),
            QStringLiteral("Push a first commit with a catalog-info.yaml, or name a branch in the source settings")));
    if (cancelled(options.cancel))
        return failure(Error::make(ErrorKind::Cancelled, QStringLiteral("cancelled")));
    return checkedOut(*repository, branch, worktree);
}

} // namespace Flightdeck::Sources
