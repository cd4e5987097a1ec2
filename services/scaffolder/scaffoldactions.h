// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QHash>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <QStringList>

#include <atomic>
#include <functional>

namespace Flightdeck::Scaffolder {

// What catalog:register asks the application to do. The scaffolder engine has no catalog of its
// own: the app (or a test) supplies one, so that a registered entity shows up in Flightdeck's
// catalog at once.
struct RegisterRequest
{
    QString catalogInfoUrl; // repoContentsUrl + catalogInfoPath, or the catalogInfoUrl input
    QString localFile; // the same file inside the task's workspace when it is there, else empty
    bool optional = false;
};

struct RegisterResult
{
    bool ok = false;
    QString error; // why not, for people
    QString entityRef; // the entity the location produced (SPEC B8's choice), when known
};

class CatalogRegistrar
{
public:
    virtual ~CatalogRegistrar() = default;
    // Called on the runner's thread; must block until done.
    virtual RegisterResult registerLocation(const RegisterRequest& request) = 0;
};

// Everything one action invocation sees (SPEC B4 step 6). Actions run on the runner's thread.
struct ActionContext
{
    QString stepId;
    QString stepName;
    QString action;
    QJsonObject input; // rendered: no "${{" left in it
    QString workspace; // absolute; every write must stay below it (confinedpath.h)
    // The folder of the template.yaml (a local path or a ":/" resource path) that relative fetch
    // URLs resolve against; empty when the template came from a remote URL.
    QString templateDir;
    QString templateRef;
    bool dryRun = false;
    QJsonObject secrets;
    QJsonObject user;
    const std::atomic<bool>* cancel = nullptr;
    CatalogRegistrar* registrar = nullptr;
    // REST API base URL per host for publish:github / publish:gitlab (e.g. "github.example.com" →
    // "http://127.0.0.1:8080/api/v3"). Hosts not listed use https://api.github.com for github.com,
    // https://HOST/api/v3 for other GitHub hosts and https://HOST/api/v4 for GitLab.
    QHash<QString, QString> apiBaseUrls;
    std::function<void(const QString&)> log;
    // Files, folders and repositories this step created (workspace-relative paths, or
    // "remote:<url>" for something outside), so that an aborted run can be cleaned up.
    QStringList created;
    QJsonObject output;
    // What a side-effect action would have done in a dry-run (shown instead of doing it).
    QStringList wouldDo;

    bool cancelled() const { return cancel && cancel->load(); }
    void setOutput(const QString& name, const QJsonValue& value) { output.insert(name, value); }
    void info(const QString& line) const
    {
        if (log)
            log(line);
    }
};

// An action returns an empty string on success, else the error message.
using ActionHandler = std::function<QString(ActionContext&)>;

struct ActionDefinition
{
    QString id;
    QString description;
    ActionHandler handler;
};

// The actions a runner knows. builtIns() has (SPEC B7/B8 semantics unless noted):
//   fetch:template, fetch:template:file, fetch:plain, fetch:plain:file, fs:rename, fs:delete,
//   debug:log, catalog:write, catalog:register, and
//   publish:git  - Flightdeck's own: `git init` the workspace (or input.sourcePath), commit every
//                  file as gitAuthorName <gitAuthorEmail> with gitCommitMessage on defaultBranch
//                  (default "main"), add input.remoteUrl as origin and push with libgit2. Any URL
//                  libgit2 can push to works (https with a token in secrets.gitToken or input.token,
//                  ssh, file:// bare repositories). Outputs remoteUrl, repoContentsUrl (= remoteUrl)
//                  and commitHash.
//   publish:github - Backstage's: GET /users/{owner} tells a User from an Organization, then
//                  POST /orgs/{owner}/repos or POST /user/repos creates the repository (name,
//                  description, homepage, private/visibility, merge options); the workspace is then
//                  committed and pushed with libgit2 to its clone_url as x-access-token:<token>.
//                  Outputs remoteUrl (clone_url), repoContentsUrl (html_url/blob/<defaultBranch>),
//                  commitHash. Branch protection, collaborators, topics, variables and secrets are
//                  not applied (logged when asked for).
//   publish:gitlab - GET /api/v4/namespaces/{owner} for the namespace id, POST /api/v4/projects
//                  {name, path, namespace_id, visibility, description}, then the push to
//                  http_url_to_repo as oauth2:<token>. Outputs remoteUrl (http_url_to_repo without
//                  .git), repoContentsUrl (remoteUrl/-/blob/<defaultBranch>), projectId, commitHash,
//                  created.
//                  The token is input.token, else secrets.githubToken / secrets.gitlabToken. An API
//                  error (401, 403, 404, 409, 422, network) fails the step naming the host, the
//                  status and the server's message, and nothing is pushed.
// With the task's publishRemoteUrl every publish:* step becomes a publish:git push there instead.
// In a dry-run they, like catalog:register and publish:git, only record what they would do and
// synthesise their outputs.
class ActionRegistry
{
public:
    static ActionRegistry builtIns();
    void add(ActionDefinition definition) { m_actions.insert(definition.id, std::move(definition)); }
    const ActionDefinition* find(const QString& id) const
    {
        const auto it = m_actions.constFind(id);
        return it == m_actions.constEnd() ? nullptr : &it.value();
    }
    QStringList ids() const;

private:
    QHash<QString, ActionDefinition> m_actions;
};

namespace Detail {
// globby-style matching (dot: true): `*` and `?` stay within one path segment, `**` spans
// segments, `{a,b}` alternates, `[abc]` is a class. Used by copyWithoutTemplating and fs:delete.
bool globMatches(const QString& pattern, const QString& relativePath);
// True when the bytes look binary (a NUL byte, or not valid UTF-8): copied as they are.
bool looksBinary(const QByteArray& bytes);
// "kind:namespace/name" of the first entity of a catalog-info.yaml (per SPEC B8: the first
// Component not named generated-*, else the first other entity); empty when none.
QString entityRefOfCatalogFile(const QByteArray& bytes);
} // namespace Detail

} // namespace Flightdeck::Scaffolder
