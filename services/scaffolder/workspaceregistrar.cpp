// SPDX-License-Identifier: Apache-2.0
#include "workspaceregistrar.h"

#include "catalog/catalogservice.h"
#include "workspace/workspace.h"

#include <QFile>
#include <QFileInfo>
#include <QMetaObject>
#include <QThread>
#include <QUrl>

namespace Flightdeck::Scaffolder {

WorkspaceRegistrar::WorkspaceRegistrar(Catalog::CatalogService* service)
    : m_service(service)
{
}

bool WorkspaceRegistrar::sourceFor(const RegisterRequest& request, const QString& sourceName,
                                   Sources::CatalogSourceSpec& spec, QString* error)
{
    spec = {};
    spec.name = sourceName;
    // A file inside a git repository: "<repository>.git/<path in it>".
    const QString url = request.catalogInfoUrl;
    const qsizetype git = url.indexOf(QLatin1String(".git/"));
    if (git > 0) {
        spec.type = Sources::CatalogSourceSpec::Type::Git;
        spec.url = url.left(git + 4);
        const QString inRepo = url.mid(git + 5);
        if (!inRepo.isEmpty() && inRepo != QLatin1String("catalog-info.yaml"))
            spec.globs = QStringList {inRepo};
        return true;
    }
    if (!request.localFile.isEmpty() && QFileInfo(request.localFile).isFile()) {
        const QFileInfo file(request.localFile);
        spec.type = Sources::CatalogSourceSpec::Type::Directory;
        spec.path = file.absolutePath();
        if (file.fileName() != QLatin1String("catalog-info.yaml"))
            spec.globs = QStringList {file.fileName()};
        return true;
    }
    if (error)
        *error = QStringLiteral("%1 cannot be read from here: publish the repository to a git remote (publish:git or "
                                "--push), or keep catalog-info.yaml in the task's workspace")
                     .arg(url);
    return false;
}

RegisterResult WorkspaceRegistrar::registerLocation(const RegisterRequest& request)
{
    RegisterResult result;
    QString entityRef;
    if (!request.localFile.isEmpty()) {
        QFile f(request.localFile);
        if (f.open(QIODevice::ReadOnly))
            entityRef = Detail::entityRefOfCatalogFile(f.readAll());
    }
    const auto edit = [&] {
        Workspace::Workspace workspace = m_service->workspace();
        // One source per registered entity, named after it: "scaffolded-<name>", then -2, -3…
        QString base = QStringLiteral("scaffolded");
        if (!entityRef.isEmpty())
            base += QLatin1Char('-') + entityRef.section(QLatin1Char('/'), -1);
        QString name = base;
        for (int n = 2; workspace.source(name).has_value(); ++n)
            name = base + QLatin1Char('-') + QString::number(n);
        Sources::CatalogSourceSpec spec;
        if (!sourceFor(request, name, spec, &result.error))
            return;
        const Workspace::WorkspaceEdit added = workspace.addSource(spec);
        if (!added) {
            result.error = added.message + (added.hint.isEmpty() ? QString() : QLatin1Char(' ') + added.hint);
            return;
        }
        if (!m_service->updateWorkspace(workspace, &result.error)) // saves, then refreshes
            return;
        result.ok = true;
        result.entityRef = entityRef;
    };
    if (!m_service) {
        result.error = QStringLiteral("the catalog is closed: %1 was not registered").arg(request.catalogInfoUrl);
        return result;
    }
    // The service lives on its own (the UI) thread: the edit runs there, and this worker waits.
    // Nothing on that thread waits for a scaffolder worker, so this cannot deadlock.
    if (QThread::currentThread() == m_service->thread())
        edit();
    else if (!QMetaObject::invokeMethod(m_service, edit, Qt::BlockingQueuedConnection))
        result.error = QStringLiteral("the catalog did not answer: %1 was not registered").arg(request.catalogInfoUrl);
    return result;
}

} // namespace Flightdeck::Scaffolder
