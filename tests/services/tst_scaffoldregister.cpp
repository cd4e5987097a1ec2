// SPDX-License-Identifier: Apache-2.0
// catalog:register in the app: a template run publishes to a real bare remote, registers the
// new catalog-info.yaml, and the entity is in the open catalog after the refresh that follows;
// the workspace file keeps the new source.
#include "gitfixture.h"
#include "scaffolder/taskrunner.h"
#include "scaffolder/workspaceregistrar.h"

#include "catalog/catalogservice.h"
#include "secrets/memorysecretstore.h"
#include "workspace/workspace.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QtConcurrent/QtConcurrentRun>

#include <git2.h>

using namespace Flightdeck;
using namespace Flightdeck::Scaffolder;

namespace {

bool writeFile(const QString& path, const QByteArray& bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

} // namespace

class tst_ScaffoldRegister : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        git_libgit2_init(); // main() does it in the app
        QStandardPaths::setTestModeEnabled(true);
    }
    void cleanupTestCase() { git_libgit2_shutdown(); }

    void sourceFor_gitFileOrWorkspaceFolder()
    {
        Sources::CatalogSourceSpec spec;
        RegisterRequest git;
        git.catalogInfoUrl = QStringLiteral("file:///srv/remotes/fare-rules.git/catalog-info.yaml");
        QVERIFY(WorkspaceRegistrar::sourceFor(git, QStringLiteral("s"), spec, nullptr));
        QCOMPARE(spec.type, Sources::CatalogSourceSpec::Type::Git);
        QCOMPARE(spec.url, QStringLiteral("file:///srv/remotes/fare-rules.git"));
        QVERIFY(spec.globs.isEmpty());
        git.catalogInfoUrl = QStringLiteral("file:///srv/remotes/mono.git/services/a/catalog-info.yaml");
        QVERIFY(WorkspaceRegistrar::sourceFor(git, QStringLiteral("s"), spec, nullptr));
        QCOMPARE(spec.globs, QStringList {QStringLiteral("services/a/catalog-info.yaml")});

        QTemporaryDir ws;
        QVERIFY(writeFile(ws.filePath(QStringLiteral("catalog-info.yaml")), "kind: Component\n"));
        RegisterRequest local;
        local.catalogInfoUrl = QStringLiteral("https://github.com/acme/x/blob/main/catalog-info.yaml");
        local.localFile = ws.filePath(QStringLiteral("catalog-info.yaml"));
        QVERIFY(WorkspaceRegistrar::sourceFor(local, QStringLiteral("s"), spec, nullptr));
        QCOMPARE(spec.type, Sources::CatalogSourceSpec::Type::Directory);
        QCOMPARE(spec.path, QFileInfo(ws.path()).absoluteFilePath());

        RegisterRequest nowhere;
        nowhere.catalogInfoUrl = QStringLiteral("https://github.com/acme/y/blob/main/catalog-info.yaml");
        QString error;
        QVERIFY(!WorkspaceRegistrar::sourceFor(nowhere, QStringLiteral("s"), spec, &error));
        QVERIFY2(error.contains(QLatin1String("cannot be read from here")), qPrintable(error));
    }

    void run_publishesRegistersAndTheEntityIsInTheCatalog()
    {
        QTemporaryDir dir, remotes, taskWs;
        QVERIFY(dir.isValid() && remotes.isValid() && taskWs.isValid());
        // The open workspace: one folder source with one entity.
        QVERIFY(writeFile(dir.filePath(QStringLiteral("existing/catalog-info.yaml")),
                          "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n"
                          "  children: []\n"));
        QVERIFY(writeFile(dir.filePath(QStringLiteral("workspace.yaml")),
                          "apiVersion: flightdeck.dev/v1\nkind: Workspace\nmetadata:\n  name: t\nspec:\n  catalog:\n    sources:\n"
                          "      - name: existing\n        type: directory\n        path: "
                              + dir.filePath(QStringLiteral("existing")).toUtf8() + "\n"));
        Catalog::Diagnostics problems;
        auto ws = Workspace::Workspace::load(dir.filePath(QStringLiteral("workspace.yaml")), problems);
        QVERIFY(ws);
        Secrets::MemorySecretStore secrets;
        Catalog::CatalogService service(&secrets);
        service.setGitCacheDir(dir.filePath(QStringLiteral("git-cache")));
        service.open(*ws, dir.filePath(QStringLiteral("store.sqlite")));
        QVERIFY(QTest::qWaitFor([&] { return !service.isLoading() && !service.isRefreshing() && service.catalog()->size() == 1; }, 30000));

        // A template that renders a component, pushes it and registers it.
        const QString bare = remotes.filePath(QStringLiteral("fare-rules.git"));
        QVERIFY(Testing::runGit({QStringLiteral("init"), QStringLiteral("--bare"), bare}).ok());
        QVERIFY(writeFile(dir.filePath(QStringLiteral("tmpl/skeleton/catalog-info.yaml")),
                          "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${{ values.name }}\nspec:\n"
                          "  type: service\n  lifecycle: experimental\n  owner: group:team-a\n"));
        QVERIFY(writeFile(dir.filePath(QStringLiteral("tmpl/template.yaml")),
                          "apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: t\nspec:\n"
                          "  owner: group:default/team-a\n  type: service\n  parameters:\n    - properties:\n        name: {type: string}\n"
                          "  steps:\n"
                          "    - id: fetch\n      action: fetch:template\n      input: {url: ./skeleton, values: {name: '${{ parameters.name }}'}}\n"
                          "    - id: publish\n      action: publish:git\n      input:\n        remoteUrl: "
                              + Testing::fileUrl(bare).toUtf8()
                              + "\n        gitAuthorName: Jane Doe\n        gitAuthorEmail: jane@example.com\n"
                                "    - id: register\n      action: catalog:register\n"
                                "      input: {repoContentsUrl: '${{ steps.publish.output.repoContentsUrl }}', catalogInfoPath: /catalog-info.yaml}\n"));
        const TemplateLoad load = loadTemplateFile(dir.filePath(QStringLiteral("tmpl/template.yaml")));
        QVERIFY(load.ok);

        WorkspaceRegistrar registrar(&service);
        TaskOptions options;
        options.workspace = taskWs.path();
        options.registrar = &registrar;
        TaskRunner runner(load.value, options);
        // On a worker, as the app runs it: the registrar edits the workspace on this thread.
        QFuture<bool> done = QtConcurrent::run([&] { return runner.run({{QStringLiteral("name"), QStringLiteral("fare-rules")}}); });
        QVERIFY(QTest::qWaitFor([&] { return done.isFinished(); }, 60000));
        QVERIFY2(done.result(), qPrintable(runner.state().error));

        // The new source is in the workspace file, and the entity in the catalog after the refresh.
        const auto saved = Workspace::Workspace::load(dir.filePath(QStringLiteral("workspace.yaml")), problems);
        QVERIFY(saved);
        const auto added = saved->source(QStringLiteral("scaffolded-fare-rules"));
        QVERIFY(added.has_value());
        QCOMPARE(added->type, Sources::CatalogSourceSpec::Type::Git);
        QCOMPARE(added->url, Testing::fileUrl(bare));
        QVERIFY(QTest::qWaitFor([&] {
            return !service.isRefreshing() && service.catalog()->indexOf(QStringLiteral("component:default/fare-rules")) >= 0;
        }, 60000));
        QCOMPARE(service.catalog()->size(), 2);
        QCOMPARE(service.catalog()->errorCount(), 0);
    }
};

QTEST_GUILESS_MAIN(tst_ScaffoldRegister)
#include "tst_scaffoldregister.moc"
