// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QString>
#include <QStringList>

#include <atomic>
#include <functional>

namespace Flightdeck::Workspace {

struct DemoOptions
{
    // The folder holding repos/<name>/…; empty: the demo compiled into the executable (":/demo").
    QString bundle;
    // What the demo on disk is compared with; empty: DemoWorkspace::version(bundle).
    QString version;
    // Called before each repository is written: (repository, done, total).
    std::function<void(const QString& repository, int done, int total)> progress;
    const std::atomic<bool>* cancel = nullptr;
};

struct DemoResult
{
    bool ok = false;
    QString workspacePath; // <dataDir>/demo/workspace.yaml
    bool changed = false; // something was created or updated this time
    QStringList committed; // repositories that got a new commit this time
    QString error; // what went wrong, naming the path
    QString hint; // what to do about it
};

// The bundled demo: Fernhollow Travel, a fictional company whose catalog lives in several git
// repositories. ensure() turns the bundle into real repositories on disk:
//
//   <dataDir>/demo/remotes/<name>.git   bare repositories, one per bundled repos/<name>/ folder
//   <dataDir>/demo/workspace.yaml       a workspace whose git sources are file:// URLs to them
//   <dataDir>/demo/version              the bundle version the repositories were built from
//
// Adding a folder under resources/demo/repos adds a repository; nothing here needs changing.
class DemoWorkspace
{
public:
    // ":/demo", the demo compiled into the executable.
    static QString bundledDemo();
    // QStandardPaths::AppDataLocation.
    static QString defaultDataDir();
    // <dataDir>/demo/workspace.yaml (dataDir empty: defaultDataDir()). It exists once ensure() succeeded.
    static QString workspacePath(const QString& dataDir = {});
    // <dataDir>/demo/remotes/<repository>.git
    static QString remotePath(const QString& dataDir, const QString& repository);

    // The repositories of a bundle (its repos/ sub-folders), sorted.
    static QStringList repositories(const QString& bundle = {});
    // A digest of every file of the bundle and of the on-disk layout: a bundle that differs in any
    // byte has another version. Reads the whole bundle (about a megabyte).
    static QString version(const QString& bundle = {});

    // Makes <dataDir>/demo match the bundle and returns the workspace file. Idempotent: when the
    // recorded version matches and every repository is in place it only checks and returns. A
    // newer bundle is committed on top of each repository's history (repositories whose files did
    // not change get no commit), and the workspace file keeps sources and sections a user added.
    // Nothing outside <dataDir>/demo is touched. Processes and threads calling it at once wait for
    // each other (a lock file). BLOCKS (file copies and libgit2): call on a worker thread.
    static DemoResult ensure(const QString& dataDir = {}, const DemoOptions& options = {});
};

} // namespace Flightdeck::Workspace
