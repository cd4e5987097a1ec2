// SPDX-License-Identifier: Apache-2.0
#include "demoworkspace.h"

#include "git/githolders.h"
#include "git/gitrepository.h"
#include "workspace.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QLockFile>
#include <QMutex>
#include <QSaveFile>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QUrl>

#include <optional>

namespace Flightdeck::Workspace {

namespace {

// Bumped when what ensure() writes changes shape (folders, workspace fields), so that an older
// layout is rewritten even when the bundle is byte for byte the same.
constexpr int kLayoutVersion = 2; // 2: the environments repository and spec.deploy

const QString& branch()
{
    static const QString name = QStringLiteral("main");
    return name;
}

Git::Signature demoAuthor()
{
    return { QStringLiteral("Fernhollow Demo"), QStringLiteral("demo@fernhollow.example") };
}

QString bundleOrDefault(const QString& bundle)
{
    QString root = bundle.isEmpty() ? DemoWorkspace::bundledDemo() : bundle;
    while (root.size() > 2 && root.endsWith(QLatin1Char('/')))
        root.chop(1);
    return root;
}

QString demoDirectory(const QString& dataDir)
{
    return QDir(dataDir).filePath(QStringLiteral("demo"));
}

QString fileUrl(const QString& path)
{
    return QUrl::fromLocalFile(QDir::cleanPath(QFileInfo(path).absoluteFilePath())).toString();
}

// Files below root as paths relative to it, sorted; any .git folder is skipped. Works for
// resource paths (":/demo/…") as well as for folders on disk.
QStringList filesUnder(const QString& root)
{
    QStringList out;
    QDirIterator it(root, QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    const qsizetype prefix = root.size() + 1;
    while (it.hasNext()) {
        const QString relative = it.next().mid(prefix);
        if (relative == QLatin1String(".git") || relative.startsWith(QLatin1String(".git/"))
            || relative.contains(QLatin1String("/.git/")))
            continue;
        out << relative;
    }
    out.sort();
    return out;
}

struct Failure
{
    QString error;
    QString hint;
};

QString writableHint(const QString& dataDir)
{
    return QStringLiteral("Check that %1 is writable and that the disk has free space, or point XDG_DATA_HOME "
                          "at a folder that is; delete %2 to have the demo built again from scratch.")
        .arg(QDir::toNativeSeparators(dataDir), QDir::toNativeSeparators(demoDirectory(dataDir)));
}

bool hasBranch(const Git::Repository& repository)
{
    git_oid oid;
    const QByteArray ref = (QStringLiteral("refs/heads/") + branch()).toUtf8();
    const bool found = git_reference_name_to_id(&oid, repository.handle(), ref.constData()) == 0;
    git_error_clear();
    return found;
}

bool removeAllButGit(const QString& tree, QString* error)
{
    const QDir dir(tree);
    const QFileInfoList entries
        = dir.entryInfoList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
    for (const QFileInfo& entry : entries) {
        if (entry.fileName() == QLatin1String(".git"))
            continue;
        const bool removed = entry.isDir() && !entry.isSymLink() ? QDir(entry.filePath()).removeRecursively()
                                                                 : QFile::remove(entry.filePath());
        if (!removed) {
            *error = QStringLiteral("cannot remove %1").arg(QDir::toNativeSeparators(entry.filePath()));
            return false;
        }
    }
    return true;
}

// Copies by reading and writing rather than QFile::copy, which keeps the read-only permissions of
// resource files.
bool copyTree(const QString& from, const QString& to, QString* error)
{
    for (const QString& relative : filesUnder(from)) {
        const QString target = QDir(to).filePath(relative);
        if (!QDir().mkpath(QFileInfo(target).absolutePath())) {
            *error = QStringLiteral("cannot create the folder %1")
                         .arg(QDir::toNativeSeparators(QFileInfo(target).absolutePath()));
            return false;
        }
        QFile in(QDir(from).filePath(relative));
        if (!in.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("cannot read %1: %2").arg(in.fileName(), in.errorString());
            return false;
        }
        const QByteArray bytes = in.readAll();
        QFile out(target);
        if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate) || out.write(bytes) != bytes.size() || !out.flush()) {
            *error = QStringLiteral("cannot write %1: %2").arg(QDir::toNativeSeparators(target), out.errorString());
            return false;
        }
    }
    return true;
}

bool writeFile(const QString& path, const QByteArray& bytes, QString* error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        *error = QStringLiteral("cannot write %1: %2").arg(QDir::toNativeSeparators(path), file.errorString());
        return false;
    }
    return true;
}

QByteArray readFile(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

bool remoteInPlace(const QString& remote)
{
    if (!QFileInfo(remote).isDir())
        return false;
    const Git::Result<Git::Repository> opened = Git::Repository::open(remote);
    return opened && opened->isBare() && hasBranch(*opened);
}

struct RepositorySync
{
    bool committed = false;
    std::optional<Failure> failure;
};

// Makes the bare repository `remote` hold the files of `source` on its main branch: a new
// repository gets one initial commit, an existing one a commit on top when the files differ.
RepositorySync syncRepository(
    const QString& source, const QString& remote, const QString& name, const QString& version, const QString& dataDir)
{
    RepositorySync out;
    auto fail = [&](const QString& what, const Git::Error& error = {}) {
        QString message = QStringLiteral("cannot build the demo repository %1: %2").arg(name, what);
        if (error.isError())
            message += QStringLiteral(" (%1)").arg(error.message);
        out.failure = Failure { message, writableHint(dataDir) };
        return out;
    };

    bool remoteHasHistory = false;
    {
        const Git::Result<Git::Repository> opened
            = QFileInfo::exists(remote) ? Git::Repository::open(remote) : Git::Result<Git::Repository>(Git::Error {});
        if (opened && opened->isBare()) {
            remoteHasHistory = hasBranch(*opened);
        } else {
            // Missing, or something that is not a bare repository: start this one again.
            if (QFileInfo::exists(remote) && !QDir(remote).removeRecursively())
                return fail(
                    QStringLiteral("%1 is damaged and cannot be removed").arg(QDir::toNativeSeparators(remote)));
            const Git::Result<Git::Repository> created = Git::Repository::init(remote, true, branch());
            if (!created)
                return fail(QStringLiteral("cannot create %1").arg(QDir::toNativeSeparators(remote)), created.error());
        }
    }

    // The working tree is temporary: the bare repository is the demo's state.
    QTemporaryDir scratch(QDir(demoDirectory(dataDir)).filePath(QStringLiteral(".work-XXXXXX")));
    if (!scratch.isValid())
        return fail(QStringLiteral("cannot create a working folder in %1: %2")
                        .arg(QDir::toNativeSeparators(demoDirectory(dataDir)), scratch.errorString()));
    const QString tree = scratch.filePath(name);
    const QString url = fileUrl(remote);
    Git::Repository repository;
    if (remoteHasHistory) {
        Git::CloneOptions clone;
        clone.branch = branch();
        Git::Result<Git::Repository> cloned = Git::Repository::clone(url, tree, Git::RemoteOptions {}, clone);
        if (!cloned)
            return fail(QStringLiteral("cannot read %1").arg(QDir::toNativeSeparators(remote)), cloned.error());
        repository = std::move(cloned.value());
    } else {
        Git::Result<Git::Repository> created = Git::Repository::init(tree, false, branch());
        if (!created)
            return fail(QStringLiteral("cannot create a working tree"), created.error());
        repository = std::move(created.value());
        git_remote* raw = nullptr;
        const QByteArray urlBytes = url.toUtf8();
        if (git_remote_create(&raw, repository.handle(), "origin", urlBytes.constData()) < 0) {
            const git_error* e = git_error_last();
            const QString why = e && e->message ? QString::fromUtf8(e->message) : QString();
            git_error_clear();
            return fail(QStringLiteral("cannot add the remote %1: %2").arg(url, why));
        }
        Git::RemotePtr remoteHolder(raw);
    }

    QString error;
    if (!removeAllButGit(tree, &error) || !copyTree(source, tree, &error))
        return fail(error);

    const QString message = remoteHasHistory
        ? QStringLiteral("Update %1 to demo version %2").arg(name, version)
        : QStringLiteral("Import %1\n\nThe %1 repository of Fernhollow Travel, a fictional company that "
                         "Flightdeck's demo workspace describes (demo version %2).")
              .arg(name, version);
    const Git::Result<Git::CommitInfo> commit = repository.commitAll(message, demoAuthor());
    if (!commit) {
        if (commit.error().kind == Git::ErrorKind::NothingToCommit)
            return out;
        return fail(QStringLiteral("cannot commit"), commit.error());
    }
    const QString refspec = QStringLiteral("refs/heads/%1:refs/heads/%1").arg(branch());
    if (const Git::Status pushed = repository.push(Git::RemoteOptions {}, { refspec }); !pushed)
        return fail(QStringLiteral("cannot push to %1").arg(QDir::toNativeSeparators(remote)), pushed.error());
    out.committed = true;
    return out;
}

// Makes the release tags the bundle's deploy/releases.txt names for this repository ("<repository>
// <tag> <message>" lines), on the newest commit of its main branch; tags already there are kept.
std::optional<Failure> tagReleases(const QString& bundle, const QString& remote, const QString& name, const QString& dataDir)
{
    const QByteArray text = readFile(bundle + QStringLiteral("/deploy/releases.txt"));
    struct Release
    {
        QString tag, message;
    };
    QList<Release> releases;
    for (const QByteArray& raw : text.split('\n')) {
        const QString line = QString::fromUtf8(raw).trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
            continue;
        const QStringList parts = line.split(QLatin1Char(' '), Qt::SkipEmptyParts);
        if (parts.size() >= 3 && parts[0] == name)
            releases << Release { parts[1], parts.mid(2).join(QLatin1Char(' ')) };
    }
    if (releases.isEmpty())
        return std::nullopt;
    const auto fail = [&](const QString& what) {
        const git_error* e = git_error_last();
        const QString why = e && e->message ? QString::fromUtf8(e->message) : QString();
        git_error_clear();
        return Failure { QStringLiteral("cannot tag the releases of the demo repository %1: %2%3")
                             .arg(name, what, why.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(why)),
            writableHint(dataDir) };
    };
    const Git::Result<Git::Repository> opened = Git::Repository::open(remote);
    if (!opened)
        return Failure { QStringLiteral("cannot open the demo repository %1: %2").arg(name, opened.error().message), writableHint(dataDir) };
    git_repository* repo = opened->handle();
    git_object* rawTarget = nullptr;
    if (git_revparse_single(&rawTarget, repo, QStringLiteral("refs/heads/%1^{commit}").arg(branch()).toUtf8().constData()) < 0)
        return fail(QStringLiteral("its %1 branch has no commit").arg(branch()));
    Git::ObjectPtr target(rawTarget);
    const Git::Signature author = demoAuthor();
    git_signature* rawSignature = nullptr;
    if (git_signature_now(&rawSignature, author.name.toUtf8().constData(), author.email.toUtf8().constData()) < 0)
        return fail(QStringLiteral("no signature"));
    Git::SignaturePtr signature(rawSignature);
    for (const Release& r : std::as_const(releases)) {
        const QByteArray ref = QStringLiteral("refs/tags/%1").arg(r.tag).toUtf8();
        git_reference* existing = nullptr;
        if (git_reference_lookup(&existing, repo, ref.constData()) == 0) {
            git_reference_free(existing);
            continue;
        }
        git_error_clear();
        git_oid id;
        const QByteArray message = (r.message + QLatin1Char('\n')).toUtf8();
        if (git_tag_create(&id, repo, r.tag.toUtf8().constData(), target.get(), signature.get(), message.constData(), 0) < 0)
            return fail(QStringLiteral("cannot create the tag %1").arg(r.tag));
    }
    return std::nullopt;
}

// Writes the demo workspace: one git source per repository. A workspace file already there is
// updated rather than replaced, so sources and sections a user added survive a newer demo.
// The demo's deploy set-up: dev runs each service as a real local process (the script backend
// runs `flightdeck demo-service start`, which serves /health on a loopback port), staging and
// production are GitOps commits to the environments repository. Only written when the workspace
// has no spec.deploy of its own.
DeploySettings demoDeploySettings(const QString& dataDir)
{
    DeploySettings d;
    DeployBackendSpec gitops;
    gitops.name = QStringLiteral("environments");
    gitops.type = QStringLiteral("gitops");
    gitops.settings.insert(QStringLiteral("repository"), fileUrl(DemoWorkspace::remotePath(dataDir, QStringLiteral("environments"))));
    gitops.settings.insert(QStringLiteral("branch"), branch());
    gitops.settings.insert(QStringLiteral("path"), QStringLiteral("apps/{service}/{environment}/kustomization.yaml"));
    DeployBackendSpec local;
    local.name = QStringLiteral("local-processes");
    local.type = QStringLiteral("script");
    const QString run = QDir(demoDirectory(dataDir)).filePath(QStringLiteral("run"));
    local.settings.insert(QStringLiteral("command"),
        QStringLiteral("\"{flightdeck}\" demo-service start --state \"%1\" --port {port}").arg(run));
    local.settings.insert(QStringLiteral("healthUrl"), QStringLiteral("http://127.0.0.1:{port}/health"));
    local.settings.insert(QStringLiteral("healthTimeoutSeconds"), QStringLiteral("20"));
    d.backends = { gitops, local };
    DeployEnvironmentSpec dev { QStringLiteral("dev"), local.name, false, {}, {} };
    DeployEnvironmentSpec staging { QStringLiteral("staging"), gitops.name, false, {}, {} };
    DeployEnvironmentSpec production { QStringLiteral("production"), gitops.name, true, {}, {} };
    d.environments = { dev, staging, production };
    const std::pair<const char*, const char*> services[]
        = { { "booking-service", "47812" }, { "flight-search", "47811" }, { "search-gateway", "47813" } };
    for (const auto& [name, port] : services) {
        DeployServiceSpec s;
        s.name = QLatin1String(name);
        s.settings.insert(QStringLiteral("port"), QLatin1String(port));
        d.services << s;
    }
    return d;
}

bool writeWorkspace(const QString& dataDir, const QStringList& repositories, const QString& path, QString* error)
{
    Catalog::Diagnostics problems;
    std::optional<Workspace> existing;
    if (QFileInfo::exists(path))
        existing = Workspace::load(path, problems); // unreadable: written anew
    Workspace workspace = existing ? std::move(*existing) : Workspace(QStringLiteral("fernhollow-demo"));

    const QString remotesPrefix
        = fileUrl(QDir(demoDirectory(dataDir)).filePath(QStringLiteral("remotes"))) + QLatin1Char('/');
    for (const CatalogSourceSpec& s : workspace.sources()) {
        if (s.type != CatalogSourceSpec::Type::Git || !s.url.startsWith(remotesPrefix))
            continue;
        QString repository = s.url.mid(remotesPrefix.size());
        if (repository.endsWith(QLatin1String(".git")))
            repository.chop(4);
        if (!repositories.contains(repository))
            workspace.removeSource(s.name); // a repository the demo no longer has
    }
    for (const QString& name : repositories) {
        CatalogSourceSpec spec;
        spec.name = name;
        spec.type = CatalogSourceSpec::Type::Git;
        spec.url = fileUrl(DemoWorkspace::remotePath(dataDir, name));
        spec.branch = branch();
        // Each repository registers its root file; its Location entities lead to the rest.
        spec.globs = QStringList { QStringLiteral("catalog-info.yaml") };
        const WorkspaceEdit edit
            = workspace.source(name) ? workspace.updateSource(name, spec) : workspace.addSource(spec);
        if (!edit) {
            *error = QStringLiteral("cannot add the source %1 to the demo workspace: %2").arg(name, edit.message);
            return false;
        }
    }
    if (workspace.deploySettings().isEmpty()) {
        const WorkspaceEdit edit = workspace.setDeploySettings(demoDeploySettings(dataDir));
        if (!edit) {
            *error = QStringLiteral("cannot add the deploy settings to the demo workspace: %1").arg(edit.message);
            return false;
        }
    }
    return workspace.saveAs(path, error);
}

} // namespace

QString DemoWorkspace::bundledDemo()
{
    return QStringLiteral(":/demo");
}

QString DemoWorkspace::defaultDataDir()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
}

QString DemoWorkspace::workspacePath(const QString& dataDir)
{
    return QDir(demoDirectory(dataDir.isEmpty() ? defaultDataDir() : dataDir))
        .filePath(QStringLiteral("workspace.yaml"));
}

QString DemoWorkspace::remotePath(const QString& dataDir, const QString& repository)
{
    return QDir(demoDirectory(dataDir)).filePath(QStringLiteral("remotes/%1.git").arg(repository));
}

QStringList DemoWorkspace::repositories(const QString& bundle)
{
    QStringList names = QDir(bundleOrDefault(bundle) + QStringLiteral("/repos"))
                            .entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    names.sort();
    return names;
}

QString DemoWorkspace::version(const QString& bundle)
{
    const QString root = bundleOrDefault(bundle);
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(QByteArray::number(kLayoutVersion));
    for (const QString& relative : filesUnder(root)) {
        const QByteArray bytes = readFile(root + QLatin1Char('/') + relative);
        hash.addData(relative.toUtf8());
        hash.addData(QByteArray(1, '\0'));
        hash.addData(QByteArray::number(bytes.size()));
        hash.addData(QByteArray(1, '\0'));
        hash.addData(bytes);
    }
    return QStringLiteral("%1-%2").arg(kLayoutVersion).arg(QString::fromLatin1(hash.result().toHex().left(16)));
}

DemoResult DemoWorkspace::ensure(const QString& givenDataDir, const DemoOptions& options)
{
    DemoResult result;
    auto fail = [&result](QString error, QString hint) {
        result.ok = false;
        result.error = std::move(error);
        result.hint = std::move(hint);
        return result;
    };

    const QString dataDir = givenDataDir.isEmpty() ? defaultDataDir() : givenDataDir;
    if (dataDir.isEmpty())
        return fail(QStringLiteral("there is no folder for application data to build the demo workspace in"),
            QStringLiteral("Set XDG_DATA_HOME (or HOME) to a writable folder, or open a workspace of your own."));
    const QString bundle = bundleOrDefault(options.bundle);
    const QStringList names = repositories(bundle);
    if (names.isEmpty())
        return fail(QStringLiteral("the demo %1 holds no repositories (no folders under %1/repos)").arg(bundle),
            options.bundle.isEmpty() ? QStringLiteral(
                "This build of Flightdeck lacks its demo; reinstall it, or open a workspace of your own.")
                                     : QStringLiteral("Point the bundle at a folder with repos/<name>/ sub-folders."));

    const QString demo = demoDirectory(dataDir);
    result.workspacePath = workspacePath(dataDir);
    if (!QDir().mkpath(QDir(demo).filePath(QStringLiteral("remotes"))))
        return fail(
            QStringLiteral("cannot create the folder %1 for the demo workspace").arg(QDir::toNativeSeparators(demo)),
            writableHint(dataDir));

    // Threads of this process wait on the mutex, other processes on the lock file.
    static QMutex mutex;
    const QMutexLocker locker(&mutex);
    QLockFile lock(QDir(demo).filePath(QStringLiteral(".lock")));
    lock.setStaleLockTime(5 * 60 * 1000);
    if (!lock.tryLock(5 * 60 * 1000)) {
        if (lock.error() == QLockFile::LockFailedError)
            return fail(QStringLiteral("another Flightdeck is building the demo workspace in %1 and has not finished")
                            .arg(QDir::toNativeSeparators(demo)),
                QStringLiteral("Wait for it to finish. If no other Flightdeck is running, delete %1 and try again.")
                    .arg(QDir::toNativeSeparators(lock.fileName())));
        return fail(QStringLiteral("cannot create the lock file %1").arg(QDir::toNativeSeparators(lock.fileName())),
            writableHint(dataDir));
    }

    const QString version = options.version.isEmpty() ? DemoWorkspace::version(bundle) : options.version;
    const QString versionFile = QDir(demo).filePath(QStringLiteral("version"));
    bool complete
        = QString::fromUtf8(readFile(versionFile)).trimmed() == version && QFileInfo::exists(result.workspacePath);
    for (qsizetype i = 0; complete && i < names.size(); ++i)
        complete = remoteInPlace(remotePath(dataDir, names[i]));
    const QString environments = bundle + QStringLiteral("/deploy/environments");
    const bool hasEnvironments = QFileInfo(environments).isDir();
    if (hasEnvironments)
        complete = complete && remoteInPlace(remotePath(dataDir, QStringLiteral("environments")));
    if (complete) {
        result.ok = true;
        return result;
    }

    for (qsizetype i = 0; i < names.size(); ++i) {
        if (options.cancel && options.cancel->load())
            return fail(QStringLiteral("building the demo workspace was cancelled"),
                QStringLiteral("It continues where it stopped the next time the demo is opened."));
        if (options.progress)
            options.progress(names[i], int(i), int(names.size()));
        const RepositorySync sync = syncRepository(
            bundle + QStringLiteral("/repos/") + names[i], remotePath(dataDir, names[i]), names[i], version, dataDir);
        if (sync.failure)
            return fail(sync.failure->error, sync.failure->hint);
        if (sync.committed)
            result.committed << names[i];
        if (const auto tagged = tagReleases(bundle, remotePath(dataDir, names[i]), names[i], dataDir))
            return fail(tagged->error, tagged->hint);
    }
    // The environments repository is the demo's deploy state: made once, never reset by a newer
    // demo (that would undo what was deployed).
    if (hasEnvironments && !remoteInPlace(remotePath(dataDir, QStringLiteral("environments")))) {
        const RepositorySync sync = syncRepository(
            environments, remotePath(dataDir, QStringLiteral("environments")), QStringLiteral("environments"), version, dataDir);
        if (sync.failure)
            return fail(sync.failure->error, sync.failure->hint);
        if (sync.committed)
            result.committed << QStringLiteral("environments");
    }
    if (options.progress)
        options.progress(QString(), int(names.size()), int(names.size()));

    QString error;
    if (!writeWorkspace(dataDir, names, result.workspacePath, &error))
        return fail(QStringLiteral("cannot write the demo workspace: %1").arg(error), writableHint(dataDir));
    // Written last: an interrupted build is finished the next time.
    if (!writeFile(versionFile, version.toUtf8() + '\n', &error))
        return fail(error, writableHint(dataDir));
    result.changed = true;
    result.ok = true;
    return result;
}

} // namespace Flightdeck::Workspace
