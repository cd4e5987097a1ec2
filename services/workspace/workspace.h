// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "catalog/diagnostic.h"
#include "catalog/yamldocument.h"
#include "sources/sourcespec.h"

#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

namespace Flightdeck::Workspace {

using Sources::CatalogSourceSpec;

QString workspaceApiVersion(); // "flightdeck.dev/v1"

// A credential the workspace uses, by name. The value lives only in the OS keychain (Secrets).
struct CredentialSpec
{
    QString name;
    QString description;
    friend bool operator==(const CredentialSpec&, const CredentialSpec&) = default;
};

struct CatalogSettings
{
    int refreshMinutes = 0; // default interval for sources that set none; 0 = manual
    qint64 maxFileSize = 32 * 1024 * 1024; // bytes; larger catalog files are reported, not read
    friend bool operator==(const CatalogSettings&, const CatalogSettings&) = default;
};

// spec.deploy: where services are deployed, and how. Every key of a backend, an environment or a
// service besides the ones named here is a setting handed to the backend (see the backends' headers
// in services/deploy); values are text, with {service}, {environment} and other settings
// substituted when a deploy target is resolved.
//
//   deploy:
//     backends:     [{name, type, credential, <settings>…}]
//     environments: [{name, backend, confirm, promotesFrom, <settings>…}]   in promotion order
//     services:     [{name, environments: {<env>: {<settings>…}}, <settings>…}]
struct DeployBackendSpec
{
    QString name;
    QString type; // gitops, argocd, argo-rollouts, github-actions, jenkins, kubernetes, script
    QString credential; // a keychain credential name; empty = none
    QMap<QString, QString> settings;
    friend bool operator==(const DeployBackendSpec&, const DeployBackendSpec&) = default;
};

struct DeployEnvironmentSpec
{
    QString name;
    QString backend;
    // Ask the user to type the service name before changing it (default: on for production/prod).
    bool confirm = false;
    QString promotesFrom; // the environment promote takes the version from; empty: the one listed before
    QMap<QString, QString> settings;
    friend bool operator==(const DeployEnvironmentSpec&, const DeployEnvironmentSpec&) = default;
};

struct DeployServiceSpec
{
    QString name; // catalog entity name
    QMap<QString, QString> settings;
    QMap<QString, QMap<QString, QString>> environments; // per-environment settings
    friend bool operator==(const DeployServiceSpec&, const DeployServiceSpec&) = default;
};

struct DeploySettings
{
    QList<DeployBackendSpec> backends;
    QList<DeployEnvironmentSpec> environments;
    QList<DeployServiceSpec> services;
    bool isEmpty() const { return backends.isEmpty() && environments.isEmpty() && services.isEmpty(); }
    const DeployBackendSpec* backend(const QString& name) const;
    const DeployEnvironmentSpec* environment(const QString& name) const;
    const DeployServiceSpec* service(const QString& name) const;
    friend bool operator==(const DeploySettings&, const DeploySettings&) = default;
};

QStringList deployBackendTypes();

// The outcome of an edit: ok, or what is wrong with which field and what to do.
struct WorkspaceEdit
{
    bool ok = true;
    QString field; // e.g. "url"; empty when about the whole item
    QString message;
    QString hint;
    explicit operator bool() const { return ok; }
    static WorkspaceEdit failure(const QString& field, const QString& message, const QString& hint)
    {
        return { false, field, message, hint };
    }
};

// True when text contains something that looks like a credential value: a well-known token format
// (ghp_…, github_pat_…, glpat-…, xoxb-…, AKIA…, a PEM private key) or a URL with a password.
bool looksLikeInlineSecret(const QString& text);

// The workspace file: one YAML document
//
//   apiVersion: flightdeck.dev/v1
//   kind: Workspace
//   metadata: {name: acme}
//   spec:
//     catalog: {refreshMinutes, maxFileSize, sources: [{name, type, path, url, branch, credential, globs,
//     refreshMinutes}]} credentials: [{name, description}]
//     templates: {sources: [{name, type, path, url, branch, credential, globs}]}
//     deploy: {backends, environments, services} (see DeploySettings)
//
// Sections this version does not know (spec.pipelines, …, and any other top-level,
// metadata or spec key) are kept exactly as read and written back in their place, so an older
// Flightdeck never loses what a newer one wrote. Comments are not kept.
class Workspace
{
public:
    // A new workspace with no sources and no file yet.
    explicit Workspace(const QString& name = QStringLiteral("workspace"));

    // $XDG_CONFIG_HOME/flightdeck/workspace.yaml (QStandardPaths::GenericConfigLocation).
    static QString defaultPath();

    // Reads and checks a workspace file. Blocking (one small file). Returns nothing when there is an
    // error; warnings may accompany a workspace. Every diagnostic names file, line and column.
    static std::optional<Workspace> load(const QString& path, Catalog::Diagnostics& diagnostics);
    static std::optional<Workspace> parse(
        const QByteArray& yaml, const QString& path, Catalog::Diagnostics& diagnostics);

    // Writes atomically (QSaveFile) to filePath() or to a new path; creates the directory.
    bool save(QString* error = nullptr);
    bool saveAs(const QString& path, QString* error = nullptr);
    QByteArray toYaml() const;

    QString filePath() const { return m_path; }
    // Relative source paths are resolved against this directory.
    QString directory() const;

    QString name() const { return m_name; }
    void setName(const QString& name) { m_name = name; }

    CatalogSettings catalogSettings() const { return m_catalog; }
    WorkspaceEdit setCatalogSettings(const CatalogSettings& settings);
    // The source's own interval, or the catalog default when it sets none.
    int effectiveRefreshMinutes(const CatalogSourceSpec& source) const;

    // Sources in file order, spec.catalog.sources then spec.templates.sources; paths are absolute.
    // Template sources are folders or git repositories of software templates: they are read like
    // catalog sources (their Template entities join the catalog, so the Create page and the
    // scaffold command find them), with the files `**/template.yaml` unless globs say otherwise.
    QList<CatalogSourceSpec> sources() const;
    bool isTemplateSource(const QString& name) const;
    static QString defaultTemplateGlob() { return QStringLiteral("**/template.yaml"); }
    std::optional<CatalogSourceSpec> source(const QString& name) const;
    // Checks a source as the editor would store it (unique name, fields its type needs, no secrets).
    // `replacing` names the source being edited, which may keep its own name.
    WorkspaceEdit checkSource(const CatalogSourceSpec& source, const QString& replacing = {}) const;
    // A relative path is resolved against directory(). A credential name not yet declared is added
    // to credentials() with an empty description.
    WorkspaceEdit addSource(const CatalogSourceSpec& source);
    WorkspaceEdit updateSource(const QString& name, const CatalogSourceSpec& source);
    WorkspaceEdit removeSource(const QString& name);

    const DeploySettings& deploySettings() const { return m_deploy; }
    // Checks and replaces spec.deploy (written back in full on save).
    WorkspaceEdit setDeploySettings(const DeploySettings& settings);
    static WorkspaceEdit checkDeploySettings(const DeploySettings& settings);

    const QList<CredentialSpec>& credentials() const { return m_credentials; }
    WorkspaceEdit addCredential(const CredentialSpec& credential);
    WorkspaceEdit updateCredential(const QString& name, const CredentialSpec& credential);
    // Refused while a source still uses it.
    WorkspaceEdit removeCredential(const QString& name);
    QStringList sourcesUsingCredential(const QString& name) const;

    // Keys of spec this version keeps without reading, in file order.
    QStringList preservedSpecSections() const;

private:
    struct SourceEntry
    {
        CatalogSourceSpec spec; // path absolute
        QString pathAsWritten; // what the file says, so saving keeps relative paths relative
        bool templates = false; // listed under spec.templates.sources
    };
    struct Preserved
    {
        QString key;
        Catalog::YamlDocument::Index node = Catalog::YamlDocument::npos;
        friend bool operator==(const Preserved&, const Preserved&) = default;
    };
    friend class WorkspaceReader;

    QString resolvePath(const QString& written) const;
    QString writtenFormOf(const QString& absolute) const;
    void declareCredential(const QString& name);

    QString m_path;
    QString m_name;
    CatalogSettings m_catalog;
    QList<SourceEntry> m_sources;
    QList<CredentialSpec> m_credentials;
    DeploySettings m_deploy;
    bool m_deployEdited = false; // written from m_deploy instead of the node as read

    // Round trip: the parsed document the preserved nodes live in, and the keys of the top level,
    // metadata and spec in file order. An entry without a node is a key this class reads and writes.
    std::shared_ptr<const Catalog::YamlDocument> m_document;
    QList<Preserved> m_topKeys;
    QList<Preserved> m_metadataKeys;
    QList<Preserved> m_specKeys;
};

} // namespace Flightdeck::Workspace
