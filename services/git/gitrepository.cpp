// SPDX-License-Identifier: Apache-2.0
#include "gitrepository.h"

#include "githolders.h"
#include "gitsession.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QTemporaryDir>

#include <algorithm>
#include <limits>
#include <vector>

namespace Flightdeck::Git {

using Detail::fromUtf8;
using Detail::localError;
using Detail::RemoteSession;

namespace {

const QString headsPrefix = QStringLiteral("refs/heads/");
const QString tagsPrefix = QStringLiteral("refs/tags/");

QString oidString(const git_oid* oid)
{
    char buffer[GIT_OID_HEXSZ + 1] = {};
    git_oid_tostr(buffer, sizeof(buffer), oid);
    return QString::fromLatin1(buffer);
}

QDateTime toDateTime(const git_time& time)
{
    return QDateTime::fromSecsSinceEpoch(time.time, Qt::OffsetFromUTC, time.offset * 60);
}

CommitInfo commitInfo(const git_commit* commit)
{
    CommitInfo info;
    info.sha = oidString(git_commit_id(commit));
    info.summary = fromUtf8(git_commit_summary(const_cast<git_commit*>(commit)));
    info.message = fromUtf8(git_commit_message(commit));
    if (const git_signature* author = git_commit_author(commit)) {
        info.authorName = fromUtf8(author->name);
        info.authorEmail = fromUtf8(author->email);
        info.authorTime = toDateTime(author->when);
    }
    if (const git_signature* committer = git_commit_committer(commit))
        info.commitTime = toDateTime(committer->when);
    const unsigned int parents = git_commit_parentcount(commit);
    for (unsigned int i = 0; i < parents; ++i)
        info.parents.append(oidString(git_commit_parent_id(commit, i)));
    return info;
}

Result<CommitInfo> commitInfo(git_repository* repo, const git_oid* oid)
{
    git_commit* raw = nullptr;
    if (const int rc = git_commit_lookup(&raw, repo, oid); rc < 0)
        return localError(rc, QStringLiteral("cannot read commit %1").arg(oidString(oid)));
    CommitPtr commit(raw);
    return commitInfo(commit.get());
}

RemoteInfo remoteInfo(git_remote* remote)
{
    RemoteInfo info;
    const git_remote_head** heads = nullptr;
    size_t count = 0;
    if (git_remote_ls(&heads, &count, remote) == 0) {
        for (size_t i = 0; i < count; ++i) {
            const QString name = fromUtf8(heads[i]->name);
            if (name.startsWith(headsPrefix))
                info.branches.append(name.mid(headsPrefix.size()));
            else if (name.startsWith(tagsPrefix) && !name.endsWith(QLatin1String("^{}")))
                info.tags.append(name.mid(tagsPrefix.size()));
        }
    }
    Buffer branch;
    if (git_remote_default_branch(branch.out(), remote) == 0) {
        const QString name = QString::fromUtf8(branch.data(), qsizetype(branch.size()));
        if (name.startsWith(headsPrefix))
            info.defaultBranch = name.mid(headsPrefix.size());
    }
    git_error_clear();
    info.branches.sort();
    info.tags.sort();
    return info;
}

void checkoutProgress(const char* path, size_t completed, size_t total, void* payload)
{
    Q_UNUSED(path);
    auto* session = static_cast<RemoteSession*>(payload);
    session->network().touch();
    session->progress().checkoutCompleted = completed;
    session->progress().checkoutTotal = total;
    session->report(TransferProgress::Phase::CheckingOut, completed == total);
}

// Keeps the byte arrays alive for a git_strarray.
struct StringArray
{
    explicit StringArray(const QStringList& strings)
    {
        for (const QString& s : strings)
            storage.push_back(s.toUtf8());
        for (QByteArray& s : storage)
            pointers.push_back(s.data());
        array = { pointers.data(), pointers.size() };
    }
    std::vector<QByteArray> storage;
    std::vector<char*> pointers;
    git_strarray array {};
};

bool isEmptyDirectory(const QString& path)
{
    return QDir(path).isEmpty(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
}

} // namespace

void Repository::Deleter::operator()(git_repository* repository) const
{
    git_repository_free(repository);
}

Repository::Repository() = default;
Repository::~Repository() = default;
Repository::Repository(Repository&& other) noexcept = default;
Repository& Repository::operator=(Repository&& other) noexcept = default;
Repository::Repository(git_repository* repository)
    : m_repo(repository)
{ }

Result<Repository> Repository::open(const QString& path)
{
    git_repository* raw = nullptr;
    const int rc
        = git_repository_open_ext(&raw, QFile::encodeName(path).constData(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr);
    if (rc < 0) {
        Error e = localError(rc, QStringLiteral("cannot open the git repository %1").arg(path));
        if (rc == GIT_ENOTFOUND)
            e.kind = ErrorKind::NotARepository;
        return e;
    }
    return Repository(raw);
}

Result<Repository> Repository::init(const QString& path, bool bare, const QString& initialBranch)
{
    git_repository_init_options options = GIT_REPOSITORY_INIT_OPTIONS_INIT;
    options.flags = GIT_REPOSITORY_INIT_MKPATH | (bare ? GIT_REPOSITORY_INIT_BARE : 0);
    const QByteArray head = initialBranch.toUtf8();
    if (!head.isEmpty())
        options.initial_head = head.constData();
    git_repository* raw = nullptr;
    if (const int rc = git_repository_init_ext(&raw, QFile::encodeName(path).constData(), &options); rc < 0)
        return localError(rc, QStringLiteral("cannot create a git repository in %1").arg(path));
    return Repository(raw);
}

Result<Repository> Repository::clone(
    const QString& givenUrl, const QString& path, const RemoteOptions& givenOptions, const CloneOptions& cloneOptions)
{
    RemoteOptions options = givenOptions;
    const QString url = takeUrlPassword(givenUrl.trimmed(), &options.credentials);
    if (url.isEmpty())
        return Error::make(ErrorKind::InvalidArgument, QStringLiteral("no URL to clone"),
            QStringLiteral("Enter the repository's URL (https://…, ssh://…, git@host:path or file:///…)"));
    const QFileInfo target(path);
    if (target.exists() && (!target.isDir() || !isEmptyDirectory(path)))
        return Error::make(ErrorKind::Filesystem,
            QStringLiteral("cannot clone into %1: it already exists and is not an empty directory").arg(path),
            QStringLiteral("Choose another directory or remove this one"));
    const QString parent = target.absolutePath();
    if (!QDir().mkpath(parent))
        return Error::make(ErrorKind::Filesystem, QStringLiteral("cannot create the directory %1").arg(parent),
            QStringLiteral("Check that the directory is writable and the disk has space"));

    // Cloned beside the target and renamed on success: a failed or cancelled clone leaves nothing.
    QTemporaryDir temporary(QDir(parent).filePath(QStringLiteral(".%1.partial-XXXXXX").arg(target.fileName())));
    if (!temporary.isValid())
        return Error::make(ErrorKind::Filesystem,
            QStringLiteral("cannot create a temporary directory in %1: %2").arg(parent, temporary.errorString()),
            QStringLiteral("Check that the directory is writable and the disk has space"));

    RemoteSession session(options, url);
    git_clone_options clone = GIT_CLONE_OPTIONS_INIT;
    session.fill(clone.fetch_opts.callbacks);
    clone.fetch_opts.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_ALL;
    clone.bare = cloneOptions.bare ? 1 : 0;
    const QByteArray branch = cloneOptions.branch.toUtf8();
    if (!branch.isEmpty())
        clone.checkout_branch = branch.constData();
    clone.checkout_opts.checkout_strategy = cloneOptions.checkout ? GIT_CHECKOUT_SAFE : GIT_CHECKOUT_NONE;
    clone.checkout_opts.progress_cb = checkoutProgress;
    clone.checkout_opts.progress_payload = &session;

    session.report(TransferProgress::Phase::Connecting, true);
    git_repository* raw = nullptr;
    const QByteArray urlBytes = url.toUtf8();
    const int rc = git_clone(&raw, urlBytes.constData(), QFile::encodeName(temporary.path()).constData(), &clone);
    if (rc < 0)
        return session.errorFrom(rc, QStringLiteral("could not clone"));
    git_repository_free(raw);
    if (session.cancelRequested())
        return session.error(ErrorKind::Cancelled, QStringLiteral("could not clone"), QStringLiteral("cancelled"));

    if (target.exists())
        QDir(parent).rmdir(target.fileName());
    if (!QDir().rename(temporary.path(), path))
        return Error::make(ErrorKind::Filesystem, QStringLiteral("cannot move the clone into %1").arg(path),
            QStringLiteral("Check that the directory is writable and nothing else created it meanwhile"));
    temporary.setAutoRemove(false);
    session.report(TransferProgress::Phase::Done, true);
    return open(path);
}

Result<RemoteInfo> Repository::probe(const QString& givenUrl, const RemoteOptions& givenOptions)
{
    RemoteOptions options = givenOptions;
    const QString url = takeUrlPassword(givenUrl.trimmed(), &options.credentials);
    git_remote* raw = nullptr;
    const QByteArray urlBytes = url.toUtf8();
    if (const int rc = git_remote_create_detached(&raw, urlBytes.constData()); rc < 0) {
        Error e = localError(rc, QStringLiteral("%1 is not a valid git URL").arg(redactUrl(url)));
        e.kind = ErrorKind::InvalidArgument;
        return e;
    }
    RemotePtr remote(raw);
    RemoteSession session(options, url);
    git_remote_callbacks callbacks = GIT_REMOTE_CALLBACKS_INIT;
    session.fill(callbacks);
    session.report(TransferProgress::Phase::Connecting, true);
    if (const int rc = git_remote_connect(remote.get(), GIT_DIRECTION_FETCH, &callbacks, nullptr, nullptr); rc < 0)
        return session.errorFrom(rc, QStringLiteral("could not connect to"));
    RemoteInfo info = remoteInfo(remote.get());
    git_remote_disconnect(remote.get());
    session.report(TransferProgress::Phase::Done, true);
    return info;
}

bool Repository::isBare() const
{
    return m_repo && git_repository_is_bare(m_repo.get());
}

QString Repository::path() const
{
    if (!m_repo)
        return {};
    const char* workdir = git_repository_workdir(m_repo.get());
    return QDir::cleanPath(QFile::decodeName(workdir ? workdir : git_repository_path(m_repo.get())));
}

QString Repository::gitDir() const
{
    return m_repo ? QDir::cleanPath(QFile::decodeName(git_repository_path(m_repo.get()))) : QString();
}

QString Repository::remoteUrl(const QString& remote) const
{
    git_remote* raw = nullptr;
    if (!m_repo || git_remote_lookup(&raw, m_repo.get(), remote.toUtf8().constData()) < 0) {
        git_error_clear();
        return {};
    }
    RemotePtr holder(raw);
    return fromUtf8(git_remote_url(holder.get()));
}

Result<RemoteInfo> Repository::fetch(const RemoteOptions& options, const QString& remoteName)
{
    git_remote* raw = nullptr;
    if (const int rc = git_remote_lookup(&raw, m_repo.get(), remoteName.toUtf8().constData()); rc < 0)
        return localError(rc, QStringLiteral("the repository %1 has no remote '%2'").arg(path(), remoteName));
    RemotePtr remote(raw);
    RemoteSession session(options, fromUtf8(git_remote_url(remote.get())));
    git_fetch_options fetch = GIT_FETCH_OPTIONS_INIT;
    session.fill(fetch.callbacks);
    fetch.prune = GIT_FETCH_PRUNE;
    fetch.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_ALL;

    session.report(TransferProgress::Phase::Connecting, true);
    if (const int rc = git_remote_fetch(remote.get(), nullptr, &fetch, "fetch"); rc < 0)
        return session.errorFrom(rc, QStringLiteral("could not fetch"));

    // The advertised references stay readable after git_remote_fetch disconnects.
    RemoteInfo info = remoteInfo(remote.get());
    if (!info.defaultBranch.isEmpty()) {
        const QString target = QStringLiteral("refs/remotes/%1/%2").arg(remoteName, info.defaultBranch);
        const QString head = QStringLiteral("refs/remotes/%1/HEAD").arg(remoteName);
        git_reference* ref = nullptr;
        if (git_reference_symbolic_create(
                &ref, m_repo.get(), head.toUtf8().constData(), target.toUtf8().constData(), 1, "fetch: remote HEAD")
            == 0)
            git_reference_free(ref);
        git_error_clear();
    }
    session.report(TransferProgress::Phase::Done, true);
    return info;
}

Status Repository::push(const RemoteOptions& options, const QStringList& refspecs, const QString& remoteName)
{
    QStringList specs = refspecs;
    if (specs.isEmpty()) {
        const Result<QString> branch = currentBranch();
        if (!branch)
            return branch.error();
        if (branch->isEmpty())
            return Error::make(ErrorKind::InvalidArgument, QStringLiteral("cannot push: HEAD is detached"),
                QStringLiteral("Check out a branch first, or name the refspec to push"));
        specs.append(QStringLiteral("refs/heads/%1:refs/heads/%1").arg(*branch));
    }
    git_remote* raw = nullptr;
    if (const int rc = git_remote_lookup(&raw, m_repo.get(), remoteName.toUtf8().constData()); rc < 0)
        return localError(rc, QStringLiteral("the repository %1 has no remote '%2'").arg(path(), remoteName));
    RemotePtr remote(raw);
    RemoteSession session(options, fromUtf8(git_remote_url(remote.get())));
    git_push_options push = GIT_PUSH_OPTIONS_INIT;
    session.fill(push.callbacks);
    StringArray array(specs);

    session.report(TransferProgress::Phase::Connecting, true);
    if (const int rc = git_remote_push(remote.get(), &array.array, &push); rc < 0)
        return session.errorFrom(rc, QStringLiteral("could not push to"));
    if (const QStringList rejected = session.rejectedReferences(); !rejected.isEmpty())
        return session.error(ErrorKind::PushRejected, QStringLiteral("could not push to"),
            QStringLiteral("the remote refused %1").arg(rejected.join(QLatin1String(", "))),
            QStringLiteral("The remote refused the update (a hook, a protected branch, or someone pushed first): "
                           "fetch, merge or rebase, then push again"));
    session.report(TransferProgress::Phase::Done, true);
    return {};
}

Result<QString> Repository::remoteDefaultBranch(const QString& remote) const
{
    git_reference* raw = nullptr;
    const QString head = QStringLiteral("refs/remotes/%1/HEAD").arg(remote);
    if (const int rc = git_reference_lookup(&raw, m_repo.get(), head.toUtf8().constData()); rc < 0) {
        Error e = localError(rc, QStringLiteral("the default branch of '%1' is not known").arg(remote));
        e.hint = QStringLiteral("Fetch from the remote first");
        return e;
    }
    ReferencePtr ref(raw);
    const QString target = fromUtf8(git_reference_symbolic_target(ref.get()));
    const QString prefix = QStringLiteral("refs/remotes/%1/").arg(remote);
    if (!target.startsWith(prefix))
        return Error::make(ErrorKind::NotFound, QStringLiteral("%1 does not name a branch").arg(head));
    return target.mid(prefix.size());
}

namespace {

Result<QStringList> branches(git_repository* repo, git_branch_t type, const QString& prefix)
{
    git_branch_iterator* rawIterator = nullptr;
    if (const int rc = git_branch_iterator_new(&rawIterator, repo, type); rc < 0)
        return localError(rc, QStringLiteral("cannot list branches"));
    BranchIteratorPtr iterator(rawIterator);
    QStringList names;
    git_reference* raw = nullptr;
    git_branch_t found;
    while (git_branch_next(&raw, &found, iterator.get()) == 0) {
        ReferencePtr ref(raw);
        const char* name = nullptr;
        if (git_branch_name(&name, ref.get()) < 0 || git_reference_type(ref.get()) == GIT_REFERENCE_SYMBOLIC)
            continue;
        const QString branch = fromUtf8(name);
        if (branch.startsWith(prefix))
            names.append(branch.mid(prefix.size()));
    }
    git_error_clear();
    names.sort();
    return names;
}

} // namespace

Result<QStringList> Repository::remoteBranches(const QString& remote) const
{
    return branches(m_repo.get(), GIT_BRANCH_REMOTE, remote + QLatin1Char('/'));
}

Result<QStringList> Repository::localBranches() const
{
    return branches(m_repo.get(), GIT_BRANCH_LOCAL, {});
}

Result<QString> Repository::currentBranch() const
{
    git_reference* raw = nullptr;
    if (const int rc = git_reference_lookup(&raw, m_repo.get(), "HEAD"); rc < 0)
        return localError(rc, QStringLiteral("cannot read HEAD of %1").arg(path()));
    ReferencePtr head(raw);
    if (git_reference_type(head.get()) != GIT_REFERENCE_SYMBOLIC)
        return QString();
    const QString target = fromUtf8(git_reference_symbolic_target(head.get()));
    return target.startsWith(headsPrefix) ? target.mid(headsPrefix.size()) : QString();
}

Result<CommitInfo> Repository::checkoutBranch(const QString& branch, const QString& remote)
{
    if (branch.trimmed().isEmpty())
        return Error::make(ErrorKind::InvalidArgument, QStringLiteral("no branch to check out"));
    const QString source
        = remote.isEmpty() ? headsPrefix + branch : QStringLiteral("refs/remotes/%1/%2").arg(remote, branch);
    git_object* rawCommit = nullptr;
    int rc = git_revparse_single(&rawCommit, m_repo.get(), (source + QLatin1String("^{commit}")).toUtf8().constData());
    if (rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC) {
        const Result<QStringList> existing = remote.isEmpty() ? localBranches() : remoteBranches(remote);
        const QString where = remote.isEmpty() ? path() : redactUrl(remoteUrl(remote));
        const QStringList names = existing ? existing.value() : QStringList();
        return Error::make(ErrorKind::BranchNotFound,
            QStringLiteral("the branch '%1' does not exist in %2").arg(branch, where),
            names.isEmpty() ? QStringLiteral("The repository has no branches yet")
                            : QStringLiteral("Existing branches: %1. Pick one in the source settings, or leave "
                                             "the branch empty to follow the default branch")
                                  .arg(names.join(QLatin1String(", "))));
    }
    if (rc < 0)
        return localError(rc, QStringLiteral("cannot resolve %1").arg(source));
    ObjectPtr commit(rawCommit);

    git_checkout_options checkout = GIT_CHECKOUT_OPTIONS_INIT;
    checkout.checkout_strategy = GIT_CHECKOUT_FORCE | GIT_CHECKOUT_REMOVE_UNTRACKED | GIT_CHECKOUT_REMOVE_IGNORED;
    if (!isBare()) {
        if ((rc = git_checkout_tree(m_repo.get(), commit.get(), &checkout)) < 0)
            return localError(rc, QStringLiteral("cannot check out %1 in %2").arg(source, path()));
    }
    const git_oid* oid = git_object_id(commit.get());
    const QString local = headsPrefix + branch;
    git_reference* rawRef = nullptr;
    const QByteArray logMessage = QStringLiteral("checkout: reset to %1").arg(source).toUtf8();
    if ((rc = git_reference_create(&rawRef, m_repo.get(), local.toUtf8().constData(), oid, 1, logMessage.constData()))
        < 0)
        return localError(rc, QStringLiteral("cannot update the branch %1").arg(branch));
    ReferencePtr ref(rawRef);
    if (!remote.isEmpty()) {
        const QByteArray upstream = QStringLiteral("%1/%2").arg(remote, branch).toUtf8();
        if (git_branch_set_upstream(ref.get(), upstream.constData()) < 0)
            git_error_clear(); // only a convenience for later pushes
    }
    if ((rc = git_repository_set_head(m_repo.get(), local.toUtf8().constData())) < 0)
        return localError(rc, QStringLiteral("cannot switch HEAD to %1").arg(branch));
    return commitInfo(m_repo.get(), oid);
}

Result<CommitInfo> Repository::headCommit() const
{
    return commit(QStringLiteral("HEAD"));
}

Result<CommitInfo> Repository::commit(const QString& revision) const
{
    git_object* raw = nullptr;
    const int rc
        = git_revparse_single(&raw, m_repo.get(), (revision + QLatin1String("^{commit}")).toUtf8().constData());
    if (rc < 0)
        return localError(rc, QStringLiteral("no commit '%1' in %2").arg(revision, path()));
    ObjectPtr object(raw);
    return commitInfo(reinterpret_cast<const git_commit*>(object.get()));
}

Result<QList<TagInfo>> Repository::tags() const
{
    std::vector<std::pair<QString, git_oid>> refs;
    auto collect = [](const char* name, git_oid* oid, void* payload) -> int {
        static_cast<std::vector<std::pair<QString, git_oid>>*>(payload)->emplace_back(fromUtf8(name), *oid);
        return 0;
    };
    if (const int rc = git_tag_foreach(m_repo.get(), collect, &refs); rc < 0)
        return localError(rc, QStringLiteral("cannot list the tags of %1").arg(path()));

    QList<TagInfo> tags;
    for (const auto& [name, oid] : refs) {
        git_object* raw = nullptr;
        if (git_object_lookup(&raw, m_repo.get(), &oid, GIT_OBJECT_ANY) < 0) {
            git_error_clear();
            continue;
        }
        ObjectPtr object(raw);
        TagInfo tag;
        tag.name = name.startsWith(tagsPrefix) ? name.mid(tagsPrefix.size()) : name;
        if (git_object_type(object.get()) == GIT_OBJECT_TAG) {
            const auto* annotated = reinterpret_cast<const git_tag*>(object.get());
            tag.annotated = true;
            tag.message = fromUtf8(git_tag_message(annotated)).trimmed();
            if (const git_signature* tagger = git_tag_tagger(annotated)) {
                tag.taggerName = fromUtf8(tagger->name);
                tag.date = toDateTime(tagger->when);
            }
        }
        git_object* peeled = nullptr;
        if (git_object_peel(&peeled, object.get(), GIT_OBJECT_COMMIT) == 0) {
            ObjectPtr commit(peeled);
            tag.commitSha = oidString(git_object_id(commit.get()));
            if (!tag.date.isValid())
                tag.date = toDateTime(git_commit_committer(reinterpret_cast<const git_commit*>(commit.get()))->when);
        } else {
            git_error_clear();
        }
        tags.append(tag);
    }
    std::sort(tags.begin(), tags.end(), [](const TagInfo& a, const TagInfo& b) {
        if (a.date != b.date)
            return a.date > b.date;
        return a.name < b.name;
    });
    return tags;
}

Result<QList<CommitInfo>> Repository::recentCommits(int max, const QString& revision) const
{
    return recentCommitsTouching(max, revision, QString(), std::numeric_limits<int>::max());
}

namespace {

// The id of what `path` names in the commit's tree; the null id when the path is absent.
git_oid entryAt(git_commit* commit, const QByteArray& path)
{
    const git_oid none {};
    git_tree* rawTree = nullptr;
    if (git_commit_tree(&rawTree, commit) < 0) {
        git_error_clear();
        return none;
    }
    TreePtr tree(rawTree);
    git_tree_entry* entry = nullptr;
    if (git_tree_entry_bypath(&entry, tree.get(), path.constData()) < 0) {
        git_error_clear();
        return none;
    }
    const git_oid id = *git_tree_entry_id(entry);
    git_tree_entry_free(entry);
    return id;
}

// Whether the commit changed what `path` names, compared with its first parent (a root commit:
// whether it has the path).
bool touches(git_repository* repo, const git_oid* oid, const QByteArray& path)
{
    git_commit* rawCommit = nullptr;
    if (git_commit_lookup(&rawCommit, repo, oid) < 0) {
        git_error_clear();
        return false;
    }
    CommitPtr commit(rawCommit);
    const git_oid here = entryAt(commit.get(), path);
    git_commit* rawParent = nullptr;
    if (git_commit_parentcount(commit.get()) == 0 || git_commit_parent(&rawParent, commit.get(), 0) < 0) {
        git_error_clear();
        return !git_oid_is_zero(&here);
    }
    CommitPtr parent(rawParent);
    const git_oid before = entryAt(parent.get(), path);
    return git_oid_cmp(&here, &before) != 0;
}

} // namespace

Result<QList<CommitInfo>> Repository::recentCommitsTouching(
    int max, const QString& revision, const QString& path, int maxWalk) const
{
    QString clean = path.isEmpty() ? QString() : QDir::cleanPath(path).remove(QRegularExpression(QStringLiteral("^(\\./?|/)+")));
    if (clean == QLatin1String("."))
        clean.clear();
    const QByteArray pathBytes = clean.toUtf8();
    git_object* raw = nullptr;
    int rc = git_revparse_single(&raw, m_repo.get(), (revision + QLatin1String("^{commit}")).toUtf8().constData());
    if (rc < 0)
        return localError(rc, QStringLiteral("no commit '%1' in %2").arg(revision, this->path()));
    ObjectPtr start(raw);
    git_revwalk* rawWalk = nullptr;
    if ((rc = git_revwalk_new(&rawWalk, m_repo.get())) < 0)
        return localError(rc, QStringLiteral("cannot walk the history of %1").arg(this->path()));
    RevwalkPtr walk(rawWalk);
    git_revwalk_sorting(walk.get(), GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME); // children first, also within one second
    if ((rc = git_revwalk_push(walk.get(), git_object_id(start.get()))) < 0)
        return localError(rc, QStringLiteral("cannot walk the history of %1").arg(this->path()));
    QList<CommitInfo> commits;
    git_oid oid;
    for (int walked = 0; commits.size() < max && walked < maxWalk && git_revwalk_next(&oid, walk.get()) == 0; ++walked) {
        if (!pathBytes.isEmpty() && !touches(m_repo.get(), &oid, pathBytes))
            continue;
        Result<CommitInfo> info = commitInfo(m_repo.get(), &oid);
        if (!info)
            return info.error();
        commits.append(info.value());
    }
    git_error_clear();
    return commits;
}

bool Repository::hasRevision(const QString& revision) const
{
    git_object* raw = nullptr;
    if (git_revparse_single(&raw, m_repo.get(), revision.toUtf8().constData()) < 0) {
        git_error_clear();
        return false;
    }
    git_object_free(raw);
    return true;
}

Result<CommitInfo> Repository::commitAll(const QString& message, const Signature& signature)
{
    if (signature.name.trimmed().isEmpty() || signature.email.trimmed().isEmpty())
        return Error::make(ErrorKind::InvalidArgument, QStringLiteral("a commit needs an author name and e-mail"),
            QStringLiteral("Set your name and e-mail in Settings"));
    if (message.trimmed().isEmpty())
        return Error::make(ErrorKind::InvalidArgument, QStringLiteral("a commit needs a message"));
    if (isBare())
        return Error::make(
            ErrorKind::InvalidArgument, QStringLiteral("cannot commit in %1: it is a bare repository").arg(path()));

    git_index* rawIndex = nullptr;
    int rc = git_repository_index(&rawIndex, m_repo.get());
    if (rc < 0)
        return localError(rc, QStringLiteral("cannot read the index of %1").arg(path()));
    IndexPtr index(rawIndex);
    if ((rc = git_index_add_all(index.get(), nullptr, GIT_INDEX_ADD_DEFAULT, nullptr, nullptr)) < 0
        || (rc = git_index_update_all(index.get(), nullptr, nullptr, nullptr)) < 0
        || (rc = git_index_write(index.get())) < 0)
        return localError(rc, QStringLiteral("cannot stage the changes in %1").arg(path()));
    git_oid treeId;
    if ((rc = git_index_write_tree(&treeId, index.get())) < 0)
        return localError(rc, QStringLiteral("cannot write the tree of %1").arg(path()));
    git_tree* rawTree = nullptr;
    if ((rc = git_tree_lookup(&rawTree, m_repo.get(), &treeId)) < 0)
        return localError(rc, QStringLiteral("cannot read the tree of %1").arg(path()));
    TreePtr tree(rawTree);

    CommitPtr parent;
    git_oid headId;
    rc = git_reference_name_to_id(&headId, m_repo.get(), "HEAD");
    if (rc == 0) {
        git_commit* rawParent = nullptr;
        if ((rc = git_commit_lookup(&rawParent, m_repo.get(), &headId)) < 0)
            return localError(rc, QStringLiteral("cannot read HEAD of %1").arg(path()));
        parent.reset(rawParent);
        if (git_oid_equal(git_commit_tree_id(parent.get()), &treeId))
            return Error::make(ErrorKind::NothingToCommit,
                QStringLiteral("nothing to commit in %1: the files match the last commit").arg(path()));
    } else if (rc != GIT_ENOTFOUND && rc != GIT_EUNBORNBRANCH) {
        return localError(rc, QStringLiteral("cannot read HEAD of %1").arg(path()));
    }
    git_error_clear();

    git_signature* rawSignature = nullptr;
    if ((rc = git_signature_now(
             &rawSignature, signature.name.toUtf8().constData(), signature.email.toUtf8().constData()))
        < 0) {
        Error e = localError(rc, QStringLiteral("invalid author"));
        e.kind = ErrorKind::InvalidArgument;
        return e;
    }
    SignaturePtr author(rawSignature);
    const git_commit* parents[] = { parent.get() };
    git_oid commitId;
    const QByteArray text = message.toUtf8();
    if ((rc = git_commit_create(&commitId, m_repo.get(), "HEAD", author.get(), author.get(), nullptr, text.constData(),
             tree.get(), parent ? 1 : 0, parents))
        < 0)
        return localError(rc, QStringLiteral("cannot commit in %1").arg(path()));
    return commitInfo(m_repo.get(), &commitId);
}

} // namespace Flightdeck::Git
