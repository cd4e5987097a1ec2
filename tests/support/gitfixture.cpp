// SPDX-License-Identifier: Apache-2.0
#include "gitfixture.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QUrl>

namespace Flightdeck::Testing {

GitRun runGit(const QStringList& arguments, const QString& workingDirectory)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("GIT_CONFIG_NOSYSTEM"), QStringLiteral("1"));
    env.insert(QStringLiteral("GIT_CONFIG_GLOBAL"), QStringLiteral("/dev/null"));
    env.insert(QStringLiteral("GIT_TERMINAL_PROMPT"), QStringLiteral("0"));
    env.insert(QStringLiteral("GIT_AUTHOR_NAME"), QStringLiteral("Fixture Author"));
    env.insert(QStringLiteral("GIT_AUTHOR_EMAIL"), QStringLiteral("fixture@example.com"));
    env.insert(QStringLiteral("GIT_COMMITTER_NAME"), QStringLiteral("Fixture Author"));
    env.insert(QStringLiteral("GIT_COMMITTER_EMAIL"), QStringLiteral("fixture@example.com"));
    process.setProcessEnvironment(env);
    if (!workingDirectory.isEmpty())
        process.setWorkingDirectory(workingDirectory);
    QStringList all { QStringLiteral("-c"), QStringLiteral("init.defaultBranch=main"), QStringLiteral("-c"),
        QStringLiteral("protocol.file.allow=always"), QStringLiteral("-c"),
        QStringLiteral("advice.detachedHead=false") };
    all += arguments;
    process.start(QStringLiteral("git"), all);
    GitRun run;
    if (!process.waitForStarted(10000)) {
        run.error = QStringLiteral("git did not start: %1").arg(process.errorString());
        return run;
    }
    if (!process.waitForFinished(30000)) {
        process.kill();
        process.waitForFinished(5000);
        run.error = QStringLiteral("git %1 did not finish within 30 s").arg(arguments.join(QLatin1Char(' ')));
        return run;
    }
    run.output = process.readAllStandardOutput();
    run.error = QString::fromUtf8(process.readAllStandardError());
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    return run;
}

namespace {

QString writeFiles(const QString& root, const QMap<QString, QByteArray>& files)
{
    for (auto it = files.cbegin(); it != files.cend(); ++it) {
        const QString path = QDir(root).filePath(it.key());
        if (it.value().isNull()) {
            QFile::remove(path);
            continue;
        }
        QDir().mkpath(QFileInfo(path).absolutePath());
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(it.value()) != it.value().size())
            return QStringLiteral("cannot write %1").arg(path);
    }
    return {};
}

QString failed(const QString& what, const GitRun& run)
{
    return QStringLiteral("%1 failed (%2): %3").arg(what).arg(run.exitCode).arg(run.error.trimmed());
}

} // namespace

QString createRemote(const QString& barePath, const QMap<QString, QByteArray>& files, const QString& branch)
{
    GitRun run = runGit({ QStringLiteral("init"), QStringLiteral("--bare"), QStringLiteral("--quiet"),
        QStringLiteral("--initial-branch=%1").arg(branch), barePath });
    if (!run.ok())
        return failed(QStringLiteral("git init --bare"), run);
    QString error;
    if (commitToRemote(barePath, branch, files, QStringLiteral("Initial catalog"), &error).isEmpty())
        return error;
    return {};
}

QString commitToRemote(const QString& barePath, const QString& branch, const QMap<QString, QByteArray>& files,
    const QString& message, QString* error)
{
    QString ignored;
    QString& err = error ? *error : ignored;
    QTemporaryDir scratch;
    if (!scratch.isValid()) {
        err = QStringLiteral("no temporary directory");
        return {};
    }
    const QString work = scratch.filePath(QStringLiteral("work"));
    GitRun run = runGit({ QStringLiteral("clone"), QStringLiteral("--quiet"), fileUrl(barePath), work });
    if (!run.ok()) {
        err = failed(QStringLiteral("git clone"), run);
        return {};
    }
    const bool exists = runGit({ QStringLiteral("rev-parse"), QStringLiteral("--verify"), QStringLiteral("--quiet"),
                                   QStringLiteral("refs/remotes/origin/%1").arg(branch) },
        work)
                            .ok();
    QStringList checkout { QStringLiteral("checkout"), QStringLiteral("--quiet"), QStringLiteral("-B"), branch };
    if (exists)
        checkout.append(QStringLiteral("origin/%1").arg(branch));
    run = runGit(checkout, work);
    if (!run.ok()) {
        err = failed(QStringLiteral("git checkout"), run);
        return {};
    }
    if (err = writeFiles(work, files); !err.isEmpty())
        return {};
    run = runGit({ QStringLiteral("add"), QStringLiteral("-A") }, work);
    if (run.ok())
        run = runGit({ QStringLiteral("commit"), QStringLiteral("--quiet"), QStringLiteral("--allow-empty"),
                         QStringLiteral("-m"), message },
            work);
    if (!run.ok()) {
        err = failed(QStringLiteral("git commit"), run);
        return {};
    }
    run = runGit({ QStringLiteral("push"), QStringLiteral("--quiet"), QStringLiteral("origin"),
                     QStringLiteral("HEAD:refs/heads/%1").arg(branch) },
        work);
    if (!run.ok()) {
        err = failed(QStringLiteral("git push"), run);
        return {};
    }
    return revParse(work, QStringLiteral("HEAD"));
}

QString revParse(const QString& repository, const QString& rev)
{
    const GitRun run = runGit(
        { QStringLiteral("rev-parse"), QStringLiteral("--verify"), QStringLiteral("--quiet"), rev }, repository);
    return run.ok() ? QString::fromUtf8(run.output).trimmed() : QString();
}

QString fileUrl(const QString& path)
{
    return QUrl::fromLocalFile(QFileInfo(path).absoluteFilePath()).toString();
}

} // namespace Flightdeck::Testing
