// SPDX-License-Identifier: Apache-2.0
// Dry-run works for every stored template: each real Backstage v1beta3 template of the shared
// reference data (with its skeletons) and each bundled golden path is dry-run with values a user
// could give (the form's defaults, then a plausible value for every required field left), and
// must complete without a leftover `${{` in what it wrote. Actions Flightdeck does not have are
// reported, as Backstage reports actions without dry-run support.
#include "scaffolder/formschema.h"
#include "scaffolder/taskrunner.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Flightdeck;
using namespace Flightdeck::Scaffolder;

namespace {

QJsonValue sample(const FormField& f)
{
    switch (f.field) {
    case CustomField::RepoUrlPicker: return QStringLiteral("github.com?owner=acme&repo=demo-service");
    case CustomField::OwnerPicker:
    case CustomField::MyGroupsPicker: return QStringLiteral("group:default/team-a");
    case CustomField::EntityPicker:
    case CustomField::OwnedEntityPicker: return QStringLiteral("component:default/demo");
    case CustomField::MultiEntityPicker: return QJsonArray {QStringLiteral("component:default/demo")};
    case CustomField::EntityTagsPicker: return QJsonArray {QStringLiteral("demo")};
    case CustomField::RepoBranchPicker: return QStringLiteral("main");
    default: break;
    }
    if (!f.enumValues.isEmpty())
        return f.type == FieldType::Array ? QJsonValue(QJsonArray {f.enumValues.first()}) : f.enumValues.first();
    switch (f.type) {
    case FieldType::Number:
    case FieldType::Integer: return f.minimum ? *f.minimum : 1;
    case FieldType::Boolean: return true;
    case FieldType::Array: return QJsonArray {QStringLiteral("demo")};
    case FieldType::Object: return QJsonObject {};
    default: return QStringLiteral("demo-service");
    }
}

QJsonObject valuesFor(const Template& t)
{
    QJsonObject values;
    for (const FormPage& page : formPages(t)) {
        values = withDefaults(page, values);
        for (const FormField& f : activeFields(page, values))
            if (f.required && !values.contains(f.name))
                values.insert(f.name, sample(f));
        values = withDefaults(page, values);
    }
    return values;
}

} // namespace

class tst_ScaffoldDryRun : public QObject
{
    Q_OBJECT

    // The v1beta3 template.yaml files under root (v1beta2 and older are not runnable: the catalog
    // says why), each added as a row when addAsRows. Returns how many there are.
    static int addRows(const QString& root, bool addAsRows)
    {
        int rows = 0;
        QDirIterator it(root, {QStringLiteral("template.yaml")}, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString file = it.next();
            QFile f(file);
            if (!f.open(QIODevice::ReadOnly) || !f.readAll().contains("scaffolder.backstage.io/v1beta3"))
                continue;
            if (addAsRows)
                QTest::newRow(qPrintable(QDir(root).relativeFilePath(file))) << file;
            ++rows;
        }
        return rows;
    }

private Q_SLOTS:
    // Whether the shared reference data is there is a row of its own, so that a checkout without
    // it shows a skip instead of quietly running the bundled templates only.
    void sharedBackstageTemplatesPresent()
    {
        if (!QDir(QStringLiteral(FLIGHTDECK_BACKSTAGE_DATA)).exists())
            QSKIP("shared Backstage reference data not beside this checkout");
        QVERIFY(addRows(QStringLiteral(FLIGHTDECK_BACKSTAGE_DATA), false) >= 18);
    }

    void dryRun_everyStoredTemplate_data()
    {
        QTest::addColumn<QString>("file");
        const int bundledRows = addRows(QStringLiteral(FLIGHTDECK_TEMPLATES_DIR), true);
        QVERIFY(bundledRows >= 4);
        int sharedRows = 0;
        if (QDir(QStringLiteral(FLIGHTDECK_BACKSTAGE_DATA)).exists()) {
            sharedRows = addRows(QStringLiteral(FLIGHTDECK_BACKSTAGE_DATA), true);
            QVERIFY(sharedRows >= 18); // the folder is there: its templates must be found, not none
        }
        const int rows = bundledRows + sharedRows;
        QVERIFY(rows >= 4);
    }

    void dryRun_everyStoredTemplate()
    {
        QFETCH(QString, file);
        const TemplateLoad load = loadTemplateFile(file);
        QVERIFY2(load.ok, qPrintable(load.diagnostics.isEmpty() ? QString() : load.diagnostics.first().toText()));
        QTemporaryDir dir;
        TaskOptions options;
        options.workspace = dir.filePath(QStringLiteral("ws"));
        options.dryRun = true;
        TaskRunner runner(load.value, options);
        QVERIFY2(runner.run(valuesFor(load.value)), qPrintable(runner.state().error));
        QCOMPARE(runner.state().status, QStringLiteral("completed"));
        // An action Flightdeck does not have is named in what a real run would do.
        const QStringList known = ActionRegistry::builtIns().ids();
        for (const StepState& step : runner.state().steps)
            if (step.status == StepStatus::Completed && !known.contains(step.action))
                QVERIFY2(step.wouldDo.join(QLatin1Char(' ')).contains(QStringLiteral("no such action")), qPrintable(step.id));
        QDirIterator files(options.workspace, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (files.hasNext()) {
            const QString path = files.next();
            if (path.contains(QLatin1String("/.github/")) || path.endsWith(QLatin1String(".flightdeck-task.json")))
                continue; // workflows keep GitHub's own ${{ }} (copyWithoutTemplating)
            QFile f(path);
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QByteArray bytes = f.readAll();
            QVERIFY2(!bytes.contains("${{"), qPrintable(path));
        }
    }
};

QTEST_GUILESS_MAIN(tst_ScaffoldDryRun)
#include "tst_scaffolddryrun.moc"
