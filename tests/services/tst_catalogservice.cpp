// SPDX-License-Identifier: Apache-2.0
// CatalogService: opening another workspace while a refresh of the first one runs never publishes
// (or stores) the first workspace's catalog afterwards.
#include "catalog/catalogservice.h"
#include "secrets/memorysecretstore.h"
#include "workspace/workspace.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <memory>

using namespace Flightdeck;

namespace {

bool writeFile(const QString& path, const QByteArray& bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

std::optional<Workspace::Workspace> workspaceOf(const QString& dir, const QString& name, const QByteArray& yaml)
{
    if (!writeFile(dir + QStringLiteral("/catalog/catalog-info.yaml"), yaml))
        return std::nullopt;
    const QByteArray ws = "apiVersion: flightdeck.dev/v1\nkind: Workspace\nmetadata:\n  name: " + name.toUtf8()
        + "\nspec:\n  catalog:\n    sources:\n      - name: main\n        type: directory\n        path: " + dir.toUtf8()
        + "/catalog\n";
    if (!writeFile(dir + QStringLiteral("/workspace.yaml"), ws))
        return std::nullopt;
    Catalog::Diagnostics problems;
    return Workspace::Workspace::load(dir + QStringLiteral("/workspace.yaml"), problems);
}

} // namespace

class tst_CatalogService : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void openingAnotherWorkspace_dropsTheOldRefresh()
    {
        QTemporaryDir a, b;
        QByteArray big;
        for (int i = 0; i < 20000; ++i)
            big += "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: old-" + QByteArray::number(i)
                + "\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n---\n";
        const auto first = workspaceOf(a.path(), QStringLiteral("first"), big);
        const auto second = workspaceOf(b.path(), QStringLiteral("second"),
                                        "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-b\nspec:\n  type: team\n  children: []\n");
        QVERIFY(first && second);
        Secrets::MemorySecretStore secrets;
        Catalog::CatalogService service(&secrets);
        // Switch workspaces while the first one's catalog is being built on a worker: the moment
        // the refresh says so.
        std::unique_ptr<QSignalSpy> published;
        bool switched = false;
        connect(&service, &Catalog::CatalogService::refreshProgress, this, [&](const QString& message) {
            if (switched || !message.startsWith(QLatin1String("Building")))
                return;
            switched = true;
            // Right after this turn of the event loop: the build has just gone to a worker.
            QTimer::singleShot(0, this, [&] {
                published = std::make_unique<QSignalSpy>(&service, &Catalog::CatalogService::catalogChanged);
                service.open(*second, b.filePath(QStringLiteral("store.sqlite")));
            });
        });
        service.open(*first, a.filePath(QStringLiteral("store.sqlite")));
        QVERIFY(QTest::qWaitFor([&] { return published != nullptr; }, 60000));
        QVERIFY(QTest::qWaitFor([&] {
            return !service.isLoading() && !service.isRefreshing() && service.catalog()->indexOf(QStringLiteral("group:default/team-b")) >= 0;
        }, 60000));
        QTest::qWait(3000); // the old refresh, had it survived, would have finished by now
        QVERIFY(published);
        for (const QList<QVariant>& args : std::as_const(*published)) {
            const auto c = args.at(0).value<Catalog::CatalogPtr>();
            QVERIFY(c);
            QCOMPARE(c->indexOf(QStringLiteral("component:default/old-1")), -1);
        }
        QCOMPARE(service.catalog()->size(), 1);
        QCOMPARE(service.sources().size(), 1);
    }
};

QTEST_GUILESS_MAIN(tst_CatalogService)
#include "tst_catalogservice.moc"
