// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QString>
#include <QStringList>

namespace Flightdeck::Sources {

// One catalog source of a workspace, or one SOURCE argument of the command line.
struct CatalogSourceSpec
{
    enum class Type { File, Directory, Git, Backstage };

    QString name;        // unique within the workspace; shown in the UI and diagnostics
    Type type = Type::Directory;
    QString path;        // File, Directory: local path
    QString url;         // Git: clone URL (https://, file://, ssh://, git@host:path); Backstage: base URL
    QString branch;      // Git: branch to follow; empty = the remote's default branch
    QString credential;  // name of a credential in the OS keychain; empty = none
    QStringList globs;   // Directory/Git: files to read; empty = **/catalog-info.yaml
    int refreshMinutes = 0; // automatic refresh interval; 0 = manual only

    friend bool operator==(const CatalogSourceSpec&, const CatalogSourceSpec&) = default;
};

QString typeName(CatalogSourceSpec::Type t);

// Classifies a command-line SOURCE: an existing file or directory, a git URL (https://…/x.git,
// file:///…/x.git, ssh://…, git@host:path), or backstage+http(s)://host:port. Returns false and sets
// error for anything else.
bool parseSourceArgument(const QString& argument, CatalogSourceSpec& spec, QString& error);

} // namespace Flightdeck::Sources
