// SPDX-License-Identifier: Apache-2.0
#pragma once

// Builds real git repositories for tests with the git command line, independently of the code
// under test. Every call is bounded (30 s per git process).

#include <QByteArray>
#include <QMap>
#include <QString>
#include <QStringList>

namespace Flightdeck::Testing {

struct GitRun
{
    int exitCode = -1;
    QByteArray output; // stdout
    QString error; // stderr, or why the process did not run
    bool ok() const { return exitCode == 0; }
};

// Runs git with a fixed identity and without the user's or the system's configuration.
GitRun runGit(const QStringList& arguments, const QString& workingDirectory = {});

// Creates a bare repository at barePath whose `branch` holds one commit with `files`
// (relative path → content). Returns an empty string or what went wrong.
QString createRemote(
    const QString& barePath, const QMap<QString, QByteArray>& files, const QString& branch = QStringLiteral("main"));

// Commits `files` on `branch` of the bare repository (creating the branch from the default branch
// when it does not exist yet) and pushes. A null QByteArray deletes the file. Returns the new
// commit's SHA, or an empty string and sets *error.
QString commitToRemote(const QString& barePath, const QString& branch, const QMap<QString, QByteArray>& files,
    const QString& message, QString* error = nullptr);

// The full SHA of rev in the repository (bare or not); empty if it does not resolve.
QString revParse(const QString& repository, const QString& rev);

// file:// URL of a local path.
QString fileUrl(const QString& path);

} // namespace Flightdeck::Testing
