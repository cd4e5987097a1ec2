// SPDX-License-Identifier: Apache-2.0
// Software templates: reading template.yaml (entity, steps, output, diagnostics) and turning
// spec.parameters into forms with conditions, defaults and validation.
#include "catalog/loader.h"
#include "scaffolder/formschema.h"
#include "scaffolder/template.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Flightdeck::Scaffolder;
using Flightdeck::Catalog::Diagnostic;
using Flightdeck::Catalog::YamlType;

namespace {

QString own(const char* name)
{
    return QStringLiteral(FLIGHTDECK_TEST_DATA "/scaffolder/templates/own/") + QLatin1String(name);
}

QString copies()
{
    return QStringLiteral(FLIGHTDECK_TEST_DATA "/scaffolder/templates/backstage");
}

QJsonObject json(const char* text)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(text), &error);
    if (error.error != QJsonParseError::NoError)
        qFatal("bad test JSON: %s", text);
    return doc.object();
}

// What PyYAML read from each real template: per page, the properties (nested objects flattened as
// a.b) as name[*]:type[/ui:field or ui:widget], '*' for required; and the number of steps.
struct Expected
{
    QString file;
    int steps;
    QStringList pages;
};
const QList<Expected>& expectations()
{
    static const QList<Expected> list {
        { QStringLiteral("github.com/backstage/backstage/examples/test-recovery/template.yaml"), 5,
            QStringList { QStringLiteral("testName:string delaySeconds:number") } },
        { QStringLiteral("github.com/backstage/backstage/plugins/scaffolder-backend/sample-templates/accordion-demo/"
                         "template.yaml"),
            1,
            QStringList { QStringLiteral(
                "serviceName*:string advanced_section:object/AccordionField advanced_section.replicas*:integer "
                "advanced_section.memoryLimit*:string advanced_section.enableMetrics*:boolean "
                "advanced_section.nested_section:object/AccordionField advanced_section.nested_section.port*:integer "
                "advanced_section.nested_section.ingressEnabled*:boolean") } },
        { QStringLiteral("github.com/backstage/backstage/plugins/scaffolder-backend/sample-templates/"
                         "conditional-output-demo/template.yaml"),
            1, QStringList { QStringLiteral("name*:string enableCI:string showDetails:boolean") } },
        { QStringLiteral("github.com/backstage/backstage/plugins/scaffolder-backend/sample-templates/"
                         "conditional-parameters-demo/template.yaml"),
            1,
            QStringList { QStringLiteral("name*:string cloudProvider*:string"),
                QStringLiteral("awsRegion*:string awsAccountId:string"),
                QStringLiteral("gcpProjectId*:string gcpRegion:string"),
                QStringLiteral("azureSubscriptionId*:string azureRegion:string"),
                QStringLiteral("enableMonitoring:boolean"),
                QStringLiteral("alertEmail:string alertThreshold:integer") } },
        { QStringLiteral("github.com/backstage/backstage/plugins/scaffolder-backend/sample-templates/longrunning-demo/"
                         "wait-action.yaml"),
            2, QStringList { QStringLiteral("name*:string") } },
        { QStringLiteral("github.com/backstage/backstage/plugins/scaffolder-backend/sample-templates/"
                         "notifications-demo/template.yaml"),
            1,
            QStringList { QStringLiteral("recipients*:string entityRefs:array/MultiEntityPicker title*:string "
                                         "description:string link:string severity:string scope:string") } },
        { QStringLiteral("github.com/backstage/backstage/plugins/scaffolder-backend/sample-templates/template.yaml"), 0,
            QStringList { QStringLiteral("myKey:string/Secret") } },
        { QStringLiteral("github.com/backstage/demo/demo-template/template/template.yaml"), 6,
            QStringList { QStringLiteral("name*:string mode*:string/radio topics*:array/checkboxes"),
                QStringLiteral("repoUrl*:string/RepoUrlPicker") } },
        { QStringLiteral(
              "github.com/backstage/software-templates/scaffolder-templates/clean-architecture-app/template.yaml"),
            3,
            QStringList { QStringLiteral("name*:string package*:string projectType*:string coverage*:string "
                                         "lombok:boolean metrics:boolean owner*:string/OwnerPicker"),
                QStringLiteral("repoUrl*:string/RepoUrlPicker") } },
        { QStringLiteral("github.com/backstage/software-templates/scaffolder-templates/create-react-app/template.yaml"),
            3,
            QStringList {
                QStringLiteral("component_id*:string/EntityNamePicker description:string owner*:string/OwnerPicker"),
                QStringLiteral("repoUrl*:string/RepoUrlPicker") } },
        { QStringLiteral(
              "github.com/backstage/software-templates/scaffolder-templates/docs-template-cookiecutter/template.yaml"),
            3,
            QStringList { QStringLiteral("name*:string description*:string owner:string/OwnerPicker"),
                QStringLiteral("repoUrl*:string/RepoUrlPicker") } },
        { QStringLiteral("github.com/backstage/software-templates/scaffolder-templates/docs-template/template.yaml"), 3,
            QStringList { QStringLiteral("name*:string/EntityNamePicker description*:string owner:string/OwnerPicker"),
                QStringLiteral("repoUrl*:string/RepoUrlPicker") } },
        { QStringLiteral(
              "github.com/backstage/software-templates/scaffolder-templates/gitlab-merge-request/template.yaml"),
            2,
            QStringList {
                QStringLiteral("name*:string description:string targetPath:string branchName:string assignee:string"),
                QStringLiteral("repoUrl*:string/RepoUrlPicker") } },
        { QStringLiteral("github.com/backstage/software-templates/scaffolder-templates/pull-request/template.yaml"), 3,
            QStringList { QStringLiteral("name*:string/EntityNamePicker description:string targetPath:string"),
                QStringLiteral("repoUrl*:string/RepoUrlPicker") } },
        { QStringLiteral("github.com/backstage/software-templates/scaffolder-templates/rails-demo/template.yaml"), 5,
            QStringList {
                QStringLiteral("name*:string/EntityNamePicker owner*:string/OwnerPicker system:string/EntityPicker"),
                QStringLiteral("repoUrl*:string/RepoUrlPicker dryRun*:boolean railsArguments:object "
                               "railsArguments.minimal:boolean railsArguments.skipBundle:boolean "
                               "railsArguments.skipWebpackInstall:boolean railsArguments.api:boolean "
                               "railsArguments.template:string railsArguments.webpacker:string "
                               "railsArguments.database:string railsArguments.railsVersion:string") } },
        { QStringLiteral(
              "github.com/backstage/software-templates/scaffolder-templates/react-ssr-template/template.yaml"),
            3,
            QStringList {
                QStringLiteral("component_id*:string/EntityNamePicker description:string owner*:string/OwnerPicker"),
                QStringLiteral("repoUrl*:string/RepoUrlPicker") } },
        { QStringLiteral(
              "github.com/backstage/software-templates/scaffolder-templates/springboot-grpc-template/template.yaml"),
            3,
            QStringList { QStringLiteral("component_id*:string/EntityNamePicker java_package_name*:string "
                                         "description:string owner*:string/OwnerPicker"),
                QStringLiteral("repoUrl*:string/RepoUrlPicker") } },
        { QStringLiteral("npm/@backstage/create-app@0.9.2/templates/default-app/examples/template/template.yaml"), 4,
            QStringList {
                QStringLiteral("name*:string/EntityNamePicker"), QStringLiteral("repoUrl*:string/RepoUrlPicker") } },
        { QStringLiteral("npm/@backstage/create-app@0.9.2/templates/legacy-app/examples/template/template.yaml"), 4,
            QStringList {
                QStringLiteral("name*:string/EntityNamePicker"), QStringLiteral("repoUrl*:string/RepoUrlPicker") } },
    };
    return list;
}

void summarise(const std::vector<FormField>& fields, QStringList& out)
{
    for (const FormField& f : fields) {
        QString s = f.path + (f.required ? QStringLiteral("*") : QString()) + QLatin1Char(':') + f.typeName;
        if (!f.fieldName.isEmpty())
            s += QLatin1Char('/') + f.fieldName;
        else if (!f.widgetName.isEmpty())
            s += QLatin1Char('/') + f.widgetName;
        out << s;
        if (f.type == FieldType::Object)
            summarise(f.properties, out);
    }
}

QString summary(const FormPage& page)
{
    QStringList out;
    summarise(page.fields, out);
    return out.join(QLatin1Char(' '));
}

const FormField* field(const std::vector<FormField>& fields, QStringView name)
{
    for (const FormField& f : fields)
        if (f.name == name)
            return &f;
    return nullptr;
}

QStringList names(const std::vector<FormField>& fields)
{
    QStringList out;
    for (const FormField& f : fields)
        out << f.name;
    return out;
}

QStringList errorText(const QList<FieldError>& errors)
{
    QStringList out;
    for (const FieldError& e : errors)
        out << e.path + QStringLiteral(" [") + e.rule + QStringLiteral("] ") + e.message;
    return out;
}

const Diagnostic* find(const QList<Diagnostic>& list, QStringView code, QStringView field)
{
    for (const Diagnostic& d : list)
        if (d.code == code && d.field == field)
            return &d;
    return nullptr;
}

QString dump(const QList<Diagnostic>& list)
{
    QStringList out;
    for (const Diagnostic& d : list)
        out << d.toText();
    return out.join(QLatin1Char('\n'));
}

// Checks one real template against what PyYAML read from it; returns "" or what differs.
QString checkReal(const QString& path, const Expected& e)
{
    const TemplateLoad load = loadTemplateFile(path);
    if (!load.ok)
        return QStringLiteral("not ok: ") + dump(load.diagnostics);
    for (const Diagnostic& d : load.diagnostics)
        if (d.code.startsWith(QLatin1String("form-")) || d.code.startsWith(QLatin1String("template-")))
            return QStringLiteral("unexpected finding: ") + d.toText();
    if (load.value.steps.size() != e.steps)
        return QStringLiteral("steps: %1 != %2").arg(load.value.steps.size()).arg(e.steps);
    const QList<FormPage> pages = formPages(load.value);
    QStringList got;
    for (const FormPage& p : pages)
        got << summary(p);
    if (got != e.pages)
        return QStringLiteral("pages:\n  got      %1\n  expected %2")
            .arg(got.join(QStringLiteral(" | ")), e.pages.join(QStringLiteral(" | ")));
    // Every type, widget and custom field is one the wizard knows.
    for (const FormPage& p : pages) {
        std::vector<const FormField*> stack;
        for (const FormField& f : p.fields)
            stack.push_back(&f);
        while (!stack.empty()) {
            const FormField* f = stack.back();
            stack.pop_back();
            if (f->type == FieldType::Unknown || f->widget == Widget::Other || f->field == CustomField::Other)
                return QStringLiteral("not understood: ") + f->path;
            for (const FormField& c : f->properties)
                stack.push_back(&c);
        }
    }
    return QString();
}

} // namespace

class tst_ScaffolderTemplate : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void realTemplates_copies_formsMatchAnIndependentReading()
    {
        QCOMPARE(expectations().size(), 19);
        for (const Expected& e : expectations()) {
            const QString problem = checkReal(copies() + QLatin1Char('/') + e.file, e);
            QVERIFY2(problem.isEmpty(), qPrintable(e.file + QStringLiteral(": ") + problem));
        }
    }

    void realTemplates_sharedData_everyV1beta3TemplateIsUnderstood()
    {
        const QString root = QStringLiteral(FLIGHTDECK_BACKSTAGE_DATA);
        if (!QFileInfo(root).isDir())
            QSKIP("the shared Backstage reference data is not beside this checkout");
        int found = 0;
        QDirIterator it(
            root, { QStringLiteral("*.yaml"), QStringLiteral("*.yml") }, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            QFile f(path);
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QByteArray bytes = f.readAll();
            if (!bytes.contains("apiVersion: scaffolder.backstage.io/v1beta3") || !bytes.contains("kind: Template"))
                continue;
            ++found;
            const QString rel = QDir(root).relativeFilePath(path);
            const auto e = std::find_if(
                expectations().begin(), expectations().end(), [&](const Expected& x) { return x.file == rel; });
            QVERIFY2(e != expectations().end(), qPrintable(QStringLiteral("no expectation for ") + rel));
            const QString problem = checkReal(path, *e);
            QVERIFY2(problem.isEmpty(), qPrintable(rel + QStringLiteral(": ") + problem));
        }
        QCOMPARE(found, expectations().size());
    }

    void realTemplates_demoTemplate_exactForm()
    {
        const TemplateLoad load = loadTemplateFile(
            copies() + QStringLiteral("/github.com/backstage/demo/demo-template/template/template.yaml"));
        QVERIFY2(load.ok, qPrintable(dump(load.diagnostics)));
        const Template& t = load.value;
        QCOMPARE(t.name, QStringLiteral("demo-template"));
        QCOMPARE(t.title, QStringLiteral("Demo Template"));
        QCOMPARE(t.owner, QStringLiteral("backstage/maintainers"));
        QCOMPARE(t.type, QStringLiteral("website"));
        QCOMPARE(t.entityRef(), QStringLiteral("template:default/demo-template"));
        QVERIFY(t.baseUrl.startsWith(QLatin1String("file:///")));
        QVERIFY(t.baseUrl.endsWith(QLatin1String("/demo-template/template/")));
        QCOMPARE(t.pages.size(), 2);
        QCOMPARE(t.pages.at(0).title, QStringLiteral("Answer some questions"));

        const QList<FormPage> pages = formPages(t);
        const FormField* mode = field(pages.at(0).fields, u"mode");
        QVERIFY(mode);
        QCOMPARE(mode->widget, Widget::Radio);
        QCOMPARE(mode->enumValues, (QJsonArray { QStringLiteral("light"), QStringLiteral("dark") }));
        QCOMPARE(mode->enumNames, (QStringList { QStringLiteral("Light"), QStringLiteral("Dark") }));
        QCOMPARE(mode->enumLabel(QStringLiteral("dark")), QStringLiteral("Dark"));
        QVERIFY(mode->required);
        const FormField* name = field(pages.at(0).fields, u"name");
        QVERIFY(name->autofocus);
        QCOMPARE(name->position.line, 40);
        QCOMPARE(name->position.column, 9);
        const FormField* topics = field(pages.at(0).fields, u"topics");
        QCOMPARE(topics->type, FieldType::Array);
        QCOMPARE(topics->widget, Widget::Checkboxes);
        QVERIFY(topics->uniqueItems);
        QVERIFY(topics->isMultiSelect());
        QCOMPARE(topics->items.front().enumValues.size(), 6);
        QCOMPARE(topics->items.front().enumNames.at(5), QStringLiteral("Adding Your Own Templates"));
        const FormField* repo = field(pages.at(1).fields, u"repoUrl");
        QCOMPARE(repo->field, CustomField::RepoUrlPicker);
        QCOMPARE(repo->stringListOption(QStringLiteral("allowedHosts")), QStringList { QStringLiteral("github.com") });
        QCOMPARE(repo->uiOptions[QStringLiteral("requestUserCredentials")][QStringLiteral("secretsKey")].toString(),
            QStringLiteral("USER_OAUTH_TOKEN"));

        // Defaults as rjsf starts the page: the array gets [], nothing else has a default.
        QCOMPARE(withDefaults(pages.at(0)), json(R"({"topics": []})"));
        // Validation of the real page.
        QCOMPARE(errorText(validatePage(
                     pages.at(0), json(R"({"mode": "grey", "topics": ["input-examples", "input-examples"]})"))),
            (QStringList { QStringLiteral("name [required] is required"),
                QStringLiteral("mode [enum] must be one of: light, dark"),
                QStringLiteral("topics [uniqueItems] items must be unique (\"input-examples\" is there twice)") }));
        QCOMPARE(errorText(validatePage(pages.at(1), json(R"({"repoUrl": "gitlab.com?owner=me"})"))),
            (QStringList {
                QStringLiteral(
                    "repoUrl [RepoUrlPicker.repo] Incomplete repository location provided, repo not provided"),
                QStringLiteral("repoUrl [RepoUrlPicker.host] host \"gitlab.com\" is not allowed; use github.com") }));
        QVERIFY(validatePage(pages.at(1), json(R"({"repoUrl": "github.com?owner=me&repo=site"})")).isEmpty());

        // Steps keep their input as written, with types and positions.
        QCOMPARE(t.steps.size(), 6);
        const TemplateStep* publish = t.step(u"publish");
        QVERIFY(publish);
        QCOMPARE(publish->action, QStringLiteral("publish:github"));
        QCOMPARE(publish->inputJson()[QStringLiteral("repoVisibility")].toString(), QStringLiteral("public"));
        QCOMPARE(publish->input.value()["defaultBranch"].position().line, 134);
        QCOMPARE(t.output.links.size(), 2);
        QCOMPARE(t.output.links.at(1).title, QStringLiteral("Github Action Workflow"));
        QCOMPARE(t.output.text.at(0).title, QStringLiteral("Reminder to Delete Repository"));
    }

    void realTemplates_pickersAndNestedObjects()
    {
        const QString base = copies() + QStringLiteral("/github.com/backstage/");
        {
            const TemplateLoad load = loadTemplateFile(
                base + QStringLiteral("software-templates/scaffolder-templates/rails-demo/template.yaml"));
            const QList<FormPage> pages = formPages(load.value);
            const FormField* owner = field(pages.at(0).fields, u"owner");
            QCOMPARE(owner->field, CustomField::OwnerPicker);
            QCOMPARE(owner->allowedKinds(), QStringList { QStringLiteral("Group") });
            const FormField* system = field(pages.at(0).fields, u"system");
            QCOMPARE(system->field, CustomField::EntityPicker);
            QCOMPARE(system->uiOptions[QStringLiteral("defaultKind")].toString(), QStringLiteral("System"));
            QCOMPARE(field(pages.at(1).fields, u"dryRun")->defaultValue, QJsonValue(false));
            QCOMPARE(names(field(pages.at(1).fields, u"railsArguments")->properties).size(), 8);
            // Steps: a step with if: kept raw as a string expression, the types of inputs preserved.
            const TemplateStep* publish = load.value.step(u"publish");
            QVERIFY(publish);
            QCOMPARE(publish->condition.type(), YamlType::String);
            QCOMPARE(publish->condition.value().toString(), QStringLiteral("${{ parameters.dryRun !== true }}"));
        }
        {
            const TemplateLoad load = loadTemplateFile(base
                + QStringLiteral("backstage/plugins/scaffolder-backend/sample-templates/accordion-demo/template.yaml"));
            const FormPage page = formPage(load.value.pages.at(0));
            const FormField* adv = field(page.fields, u"advanced_section");
            QCOMPARE(adv->field, CustomField::AccordionField);
            QCOMPARE(adv->uiOptions[QStringLiteral("defaultExpanded")].toBool(), false);
            const FormField* nested = field(adv->properties, u"nested_section");
            QCOMPARE(nested->path, QStringLiteral("advanced_section.nested_section"));
            QCOMPARE(
                names(nested->properties), (QStringList { QStringLiteral("port"), QStringLiteral("ingressEnabled") }));
            // Nested required fields are checked where the values are.
            QCOMPARE(errorText(validatePage(
                         page, json(R"({"serviceName": "x", "advanced_section": {"replicas": 2.5, "memoryLimit": "1Gi",
                                                          "enableMetrics": true, "nested_section": {"port": 80}}})"))),
                (QStringList { QStringLiteral("advanced_section.replicas [type] must be an integer"),
                    QStringLiteral("advanced_section.nested_section.ingressEnabled [required] is required") }));
        }
        {
            const TemplateLoad load = loadTemplateFile(base
                + QStringLiteral(
                    "backstage/plugins/scaffolder-backend/sample-templates/notifications-demo/template.yaml"));
            const FormPage page = formPage(load.value.pages.at(0));
            QCOMPARE(field(page.fields, u"entityRefs")->field, CustomField::MultiEntityPicker);
            QCOMPARE(withDefaults(page), json(R"({"recipients": "entity", "severity": "normal", "entityRefs": []})"));
        }
        {
            const TemplateLoad load = loadTemplateFile(
                base + QStringLiteral("backstage/plugins/scaffolder-backend/sample-templates/template.yaml"));
            const FormPage page = formPage(load.value.pages.at(0));
            // ui:options.required is no rjsf rule: only the page's required list makes a field required.
            QCOMPARE(field(page.fields, u"myKey")->field, CustomField::Secret);
            QVERIFY(!field(page.fields, u"myKey")->required);
            QCOMPARE(field(page.fields, u"myKey")->uiOptions[QStringLiteral("required")].toBool(), true);
            QCOMPARE(errorText(validatePage(page, json(R"({"myKey": 5})"))),
                QStringList { QStringLiteral("myKey [type] must be a string") });
        }
        {
            const TemplateLoad load = loadTemplateFile(base
                + QStringLiteral(
                    "backstage/plugins/scaffolder-backend/sample-templates/longrunning-demo/wait-action.yaml"));
            const FormPage page = formPage(load.value.pages.at(0));
            QCOMPARE(field(page.fields, u"name")->uiOptions[QStringLiteral("rows")].toInt(), 5);
            QCOMPARE(withDefaults(page), json(R"({"name": "some value"})"));
        }
    }

    void realTemplates_pageConditions()
    {
        const TemplateLoad load = loadTemplateFile(copies()
            + QStringLiteral("/github.com/backstage/backstage/plugins/scaffolder-backend/sample-templates/"
                             "conditional-parameters-demo/template.yaml"));
        QVERIFY2(load.ok, qPrintable(dump(load.diagnostics)));
        const QList<FormPage> pages = formPages(load.value);
        QCOMPARE(pages.size(), 6);
        auto visible = [&](const QJsonObject& values) {
            QStringList out;
            for (const FormPage& p : pages)
                if (isPageVisible(p, values))
                    out << p.title;
            return out;
        };
        QCOMPARE(visible(json(R"({"cloudProvider": "GCP"})")),
            (QStringList { QStringLiteral("Choose Cloud Provider"), QStringLiteral("GCP Configuration"),
                QStringLiteral("Advanced Options") }));
        QCOMPARE(visible(json(R"({"cloudProvider": "AWS", "enableMonitoring": true})")),
            (QStringList { QStringLiteral("Choose Cloud Provider"), QStringLiteral("AWS Configuration"),
                QStringLiteral("Advanced Options"), QStringLiteral("Monitoring Configuration") }));
        // Validation of the whole form skips hidden pages: the GCP page's required project is not
        // asked for when AWS is chosen.
        QCOMPARE(
            errorText(validateForm(pages, json(R"({"name": "n", "cloudProvider": "AWS", "awsRegion": "mars-1"})"))),
            QStringList {
                QStringLiteral("awsRegion [enum] must be one of: us-east-1, us-west-2, eu-west-1, ap-southeast-1") });
        QCOMPARE(errorText(validateForm(pages,
                     json(R"({"name": "n", "cloudProvider": "GCP", "enableMonitoring": true, "alertThreshold": 20})"))),
            (QStringList { QStringLiteral("gcpProjectId [required] is required"),
                QStringLiteral("alertThreshold [minimum] must be at least 50") }));
    }

    void evaluator_simpleExpressions()
    {
        const QJsonObject v = json(R"({"a": "x", "n": 0, "b": true, "o": {"k": "v"}})");
        QCOMPARE(evaluatePageCondition(QStringLiteral("${{ parameters.a === 'x' }}"), v), std::optional<bool>(true));
        QCOMPARE(evaluatePageCondition(QStringLiteral("${{ parameters.a !== \"x\" }}"), v), std::optional<bool>(false));
        QCOMPARE(evaluatePageCondition(QStringLiteral("${{ parameters.n }}"), v), std::optional<bool>(false));
        QCOMPARE(evaluatePageCondition(QStringLiteral("${{ !parameters.missing }}"), v), std::optional<bool>(true));
        QCOMPARE(evaluatePageCondition(QStringLiteral("${{ parameters.o.k == 'v' && parameters.b }}"), v),
            std::optional<bool>(true));
        QCOMPARE(evaluatePageCondition(QStringLiteral("${{ parameters['o']['k'] === 'w' || parameters.n === 0 }}"), v),
            std::optional<bool>(true));
        QCOMPARE(
            evaluatePageCondition(QStringLiteral("${{ parameters.missing == null }}"), v), std::optional<bool>(true));
        QCOMPARE(
            evaluatePageCondition(QStringLiteral("${{ parameters.missing === null }}"), v), std::optional<bool>(false));
        // Beyond the simple forms: undecided, and the page stays visible.
        QCOMPARE(evaluatePageCondition(QStringLiteral("${{ parameters.a | length > 2 }}"), v), std::nullopt);
        FormPage p;
        p.condition = QStringLiteral("${{ parameters.a | length > 2 }}");
        QVERIFY(isPageVisible(p, v));
        FormContext c;
        c.evaluate = [](const QString&, const QJsonObject&) { return std::optional<bool>(false); };
        QVERIFY(!isPageVisible(p, v, c));
    }

    void ownForm_loadsWithoutFindings()
    {
        const TemplateLoad load = loadTemplateFile(own("forms.yaml"));
        QVERIFY2(load.ok, qPrintable(dump(load.diagnostics)));
        QVERIFY2(load.diagnostics.isEmpty(), qPrintable(dump(load.diagnostics)));
        const Template& t = load.value;
        QCOMPARE(t.tags, (QStringList { QStringLiteral("test"), QStringLiteral("forms") }));
        QCOMPARE(t.owner, QStringLiteral("group:default/platform"));
        // Step defaults of the task spec: id step-<n>, name = action.
        QCOMPARE(t.steps.size(), 3);
        QCOMPARE(t.steps.at(1).id, QStringLiteral("step-2"));
        QVERIFY(!t.steps.at(1).idGiven);
        QCOMPARE(t.steps.at(1).name, QStringLiteral("debug:log"));
        QCOMPARE(t.steps.at(2).condition.type(), YamlType::Bool);
        QVERIFY(!t.steps.at(2).condition.value().toBool());
        QVERIFY(!t.steps.at(0).condition.isValid());
        // Input keeps YAML types and positions.
        const Flightdeck::Catalog::YamlValue values = t.steps.at(0).input.value()["values"];
        QCOMPARE(values["port"].type(), YamlType::Int);
        QCOMPARE(values["debug"].type(), YamlType::Bool);
        QCOMPARE(values["ratio"].type(), YamlType::Float);
        QCOMPARE(values["nothing"].type(), YamlType::Null);
        QCOMPARE(values["list"].at(1).type(), YamlType::Int);
        QCOMPARE(values["port"].position().line, 210);
        QCOMPARE(
            t.steps.at(0).inputJson()[QStringLiteral("values")].toObject()[QStringLiteral("port")], QJsonValue(8080));
        // Output.
        QCOMPARE(t.output.links.size(), 2);
        QCOMPARE(t.output.links.at(1).entityRef, QStringLiteral("${{ steps.register.output.entityRef }}"));
        QCOMPARE(t.output.links.at(1).condition.value().toString(), QStringLiteral("${{ parameters.public }}"));
        QCOMPARE(t.output.text.at(0).content, QStringLiteral("Created **${{ parameters.name }}**"));
        QCOMPARE(t.output.other.size(), 1);
        QCOMPARE(t.output.other.at(0).first, QStringLiteral("remoteUrl"));
    }

    void ownForm_widgetsOrderAndOptions()
    {
        const QList<FormPage> pages = formPages(loadTemplateFile(own("forms.yaml")).value);
        QCOMPARE(pages.size(), 3);
        const FormPage& basics = pages.at(0);
        // ui:order [owner, '*', notes]; the hidden field is active but not visible.
        QCOMPARE(names(basics.fields),
            (QStringList { QStringLiteral("owner"), QStringLiteral("name"), QStringLiteral("token"),
                QStringLiteral("internalId"), QStringLiteral("replicas"), QStringLiteral("ratio"),
                QStringLiteral("public"), QStringLiteral("notes") }));
        QCOMPARE(visibleFieldNames(basics, QJsonObject()),
            (QStringList { QStringLiteral("owner"), QStringLiteral("name"), QStringLiteral("token"),
                QStringLiteral("replicas"), QStringLiteral("ratio"), QStringLiteral("public"),
                QStringLiteral("notes") }));
        const FormField* name = field(basics.fields, u"name");
        QCOMPARE(name->field, CustomField::EntityNamePicker);
        QCOMPARE(name->help, QStringLiteral("Lowercase letters, digits and dashes"));
        QCOMPARE(name->placeholder, QStringLiteral("my-service"));
        QVERIFY(name->autofocus);
        QCOMPARE(name->pattern, QStringLiteral("^[a-z0-9-]+$"));
        QCOMPARE(*name->minLength, 3);
        QCOMPARE(*name->maxLength, 20);
        QCOMPARE(field(basics.fields, u"notes")->widget, Widget::TextArea);
        QCOMPARE(field(basics.fields, u"token")->widget, Widget::Password);
        QCOMPARE(field(basics.fields, u"internalId")->widget, Widget::Hidden);
        const FormField* owner = field(basics.fields, u"owner");
        QCOMPARE(owner->allowedKinds(), QStringList { QStringLiteral("Group") });
        QCOMPARE(owner->catalogFilter().size(), 1);
        QCOMPARE(owner->catalogFilter().at(0)[QStringLiteral("spec.type")].toString(), QStringLiteral("team"));
        QCOMPARE(withDefaults(basics), json(R"({"internalId": "generated", "replicas": 2, "public": false})"));

        const FormPage& language = pages.at(1);
        const FormField* lang = field(language.fields, u"language");
        QCOMPARE(lang->widget, Widget::Radio);
        QCOMPARE(lang->enumNames,
            (QStringList { QStringLiteral("Go"), QStringLiteral("Python"), QStringLiteral("Node.js") }));
        const FormField* ci = field(language.fields, u"ci");
        QCOMPARE(ci->enumValues, (QJsonArray { QStringLiteral("github"), QStringLiteral("gitlab") }));
        QCOMPARE(ci->enumNames, (QStringList { QStringLiteral("GitHub Actions"), QStringLiteral("GitLab CI") }));
        QVERIFY(field(language.fields, u"features")->isMultiSelect());
        QVERIFY(!field(language.fields, u"aliases")->isMultiSelect());
        QCOMPARE(field(language.fields, u"tags")->field, CustomField::EntityTagsPicker);

        const FormPage& location = pages.at(2);
        const FormField* system = field(location.fields, u"system");
        QCOMPARE(system->catalogFilter().size(), 2);
        QCOMPARE(system->allowedKinds(), (QStringList { QStringLiteral("System"), QStringLiteral("Domain") }));
        QCOMPARE(system->uiOptions[QStringLiteral("allowArbitraryValues")].toBool(true), false);
        QCOMPARE(field(location.fields, u"consumers")->allowedKinds(), QStringList { QStringLiteral("Component") });
        QCOMPARE(field(location.fields, u"mine")->field, CustomField::OwnedEntityPicker);
        QCOMPARE(field(location.fields, u"mine")->allowedKinds(),
            (QStringList { QStringLiteral("Component"), QStringLiteral("API") }));
    }

    void ownForm_dependenciesAndIfThenElse()
    {
        const FormPage page = formPages(loadTemplateFile(own("forms.yaml")).value).at(1);
        // The page starts with language's default "go": the go branch and the else branch (no ci).
        QCOMPARE(names(page.fields),
            (QStringList { QStringLiteral("language"), QStringLiteral("ci"), QStringLiteral("features"),
                QStringLiteral("aliases"), QStringLiteral("tags"), QStringLiteral("database"),
                QStringLiteral("goVersion"), QStringLiteral("workflowName") }));
        QCOMPARE(field(page.fields, u"goVersion")->origin, FieldOrigin::Dependency);
        QVERIFY(field(page.fields, u"goVersion")->required);
        QCOMPARE(field(page.fields, u"workflowName")->origin, FieldOrigin::Else);
        QCOMPARE(withDefaults(page),
            json(
                R"({"language": "go", "goVersion": "1.22", "workflowName": "ci.yml", "features": [], "aliases": [], "tags": [],
                       "database": {"size": "small"}})"));

        // No language at all: neither branch.
        QVERIFY(!visibleFieldNames(page, json(R"({})")).contains(QStringLiteral("goVersion")));
        QVERIFY(!visibleFieldNames(page, json(R"({"language": ""})")).contains(QStringLiteral("packageManager")));
        // python picks the second branch (enum discriminator).
        const std::vector<FormField> python = visibleFields(page, json(R"({"language": "python", "ci": "gitlab"})"));
        QVERIFY(field(python, u"packageManager"));
        QCOMPARE(field(python, u"packageManager")->widget, Widget::Select);
        QVERIFY(!field(python, u"goVersion"));
        // ci = gitlab: then-branch, whose field is required; ci present makes features required.
        QVERIFY(field(python, u"gitlabRunner"));
        QCOMPARE(field(python, u"gitlabRunner")->origin, FieldOrigin::Then);
        QVERIFY(!field(python, u"workflowName"));
        QVERIFY(field(python, u"features")->required);
        QVERIFY(!field(page.fields, u"features")->required);
        // QVariantMap works the same.
        QVariantMap vm;
        vm.insert(QStringLiteral("language"), QStringLiteral("node"));
        QVERIFY(field(visibleFields(page, vm), u"packageManager"));

        // Nested object with its own dependencies.
        const std::vector<FormField> mysql = visibleFields(page, json(R"({"database": {"engine": "mysql"}})"));
        QCOMPARE(names(field(mysql, u"database")->properties),
            (QStringList { QStringLiteral("engine"), QStringLiteral("size"), QStringLiteral("charset") }));
        const std::vector<FormField> pg = visibleFields(page, json(R"({"database": {"engine": "postgres"}})"));
        QCOMPARE(names(field(pg, u"database")->properties),
            (QStringList { QStringLiteral("engine"), QStringLiteral("size"), QStringLiteral("extensions") }));
        QCOMPARE(withDefaults(
                     page, json(R"({"language": "go", "database": {"engine": "mysql"}})"))[QStringLiteral("database")]
                     .toObject(),
            json(R"({"engine": "mysql", "size": "small", "charset": "utf8mb4"})"));

        QCOMPARE(
            errorText(validatePage(page,
                json(R"({"language": "python", "ci": "gitlab", "database": {"engine": "mysql", "charset": ""}})"))),
            (QStringList { QStringLiteral("features [required] is required"),
                QStringLiteral("database.charset [required] is required"),
                QStringLiteral("gitlabRunner [required] is required") }));
    }

    void ownForm_validationRules_data()
    {
        QTest::addColumn<QByteArray>("values");
        QTest::addColumn<QStringList>("errors");
        QTest::newRow("valid") << QByteArray(
            R"({"name": "my-svc", "owner": "group:default/a", "replicas": 3, "ratio": 1.5})")
                               << QStringList();
        QTest::newRow("required") << QByteArray(R"({"name": ""})")
                                  << QStringList { QStringLiteral("owner [required] is required"),
                                         QStringLiteral("name [required] is required") };
        QTest::newRow("pattern+minLength") << QByteArray(R"({"name": "A", "owner": "x"})")
                                           << QStringList { QStringLiteral("name [minLength] at least 3 characters"),
                                                  QStringLiteral("name [pattern] must match ^[a-z0-9-]+$") };
        QTest::newRow("maxLength") << QByteArray(R"({"name": "abcdefghijklmnopqrstu", "owner": "x"})")
                                   << QStringList { QStringLiteral("name [maxLength] at most 20 characters") };
        QTest::newRow("entityName") << QByteArray(R"({"name": "-abc-", "owner": "x"})")
                                    << QStringList { QStringLiteral("name [EntityNamePicker] ")
                                           + entityNamePickerMessage() };
        QTest::newRow("numbers") << QByteArray(R"({"name": "abc", "owner": "x", "replicas": 11, "ratio": 0.75})")
                                 << QStringList { QStringLiteral("replicas [maximum] must be at most 10"),
                                        QStringLiteral("ratio [multipleOf] must be a multiple of 0.5") };
        QTest::newRow("exclusive+type") << QByteArray(
            R"({"name": "abc", "owner": "x", "replicas": "2", "ratio": 0, "public": "yes"})")
                                        << QStringList { QStringLiteral("replicas [type] must be an integer"),
                                               QStringLiteral("ratio [exclusiveMinimum] must be greater than 0"),
                                               QStringLiteral("public [type] must be true or false") };
        // OwnerPicker allows arbitrary values by default: free text is kept as typed.
        QTest::newRow("owner free text") << QByteArray(R"({"name": "abc", "owner": "anything: at all"})")
                                         << QStringList();
    }

    void ownForm_validationRules()
    {
        QFETCH(QByteArray, values);
        QFETCH(QStringList, errors);
        const FormPage page = formPages(loadTemplateFile(own("forms.yaml")).value).at(0);
        QCOMPARE(errorText(validatePage(page, QJsonDocument::fromJson(values).object())), errors);
    }

    void ownForm_arraysAndTags()
    {
        const FormPage page = formPages(loadTemplateFile(own("forms.yaml")).value).at(1);
        QCOMPARE(
            errorText(validatePage(page, json(R"({"language": "go", "goVersion": "1", "ci": "github", "features": [],
                                                      "aliases": ["ok", "Bad", "x"], "tags": ["fine", "Not Fine"]})"))),
            (QStringList { QStringLiteral("features [minItems] at least 1 item"),
                QStringLiteral("aliases [maxItems] at most 2 items"),
                QStringLiteral("aliases.1 [pattern] must match ^[a-z]+$"),
                QStringLiteral("tags.1 [EntityTagsPicker] \"Not Fine\" is not a valid tag: use lowercase letters, "
                               "digits and + # :, separated by single dashes, at most 63 characters") }));
        QCOMPARE(errorText(
                     validatePage(page, json(R"({"language": "go", "goVersion": "1", "features": ["docs", "logs"]})"))),
            QStringList { QStringLiteral("features.1 [enum] must be one of: metrics, tracing, docs") });
        QCOMPARE(errorText(validatePage(page, json(R"({"language": "rust"})"))),
            QStringList { QStringLiteral("language [enum] must be one of: go, python, node") });
    }

    void ownForm_repoUrlPickerAndFeatureFlags()
    {
        const FormPage page = formPages(loadTemplateFile(own("forms.yaml")).value).at(2);
        // Page behind a feature flag and an if.
        QVERIFY(!isPageVisible(page, json(R"({"public": true, "language": "go"})")));
        FormContext flags;
        flags.featureFlags << QStringLiteral("experimental-location");
        QVERIFY(isPageVisible(page, json(R"({"public": true, "language": "go"})"), flags));
        QVERIFY(!isPageVisible(page, json(R"({"public": true, "language": "node"})"), flags));
        QVERIFY(!isPageVisible(page, json(R"({"public": false})"), flags));

        auto errs = [&](const char* repoUrl, const FormContext& c = {}) {
            QJsonObject v { { QStringLiteral("system"), QStringLiteral("system:default/s") } };
            v.insert(QStringLiteral("repoUrl"), QString::fromUtf8(repoUrl));
            return errorText(validatePage(page, v, c));
        };
        QCOMPARE(errs("github.com?owner=acme&repo=svc"), QStringList());
        QCOMPARE(errs("github.com?repo=svc"),
            QStringList { QStringLiteral(
                "repoUrl [RepoUrlPicker.owner] Incomplete repository location provided, owner not provided") });
        QCOMPARE(errs("github.com?owner=evil&repo=svc"),
            QStringList {
                QStringLiteral("repoUrl [RepoUrlPicker.owner] owner \"evil\" is not allowed; use acme, platform") });
        QCOMPARE(errs("bitbucket.org?repo=svc"),
            (QStringList { QStringLiteral("repoUrl [RepoUrlPicker.workspace] Incomplete repository location provided, "
                                          "workspace not provided"),
                QStringLiteral("repoUrl [RepoUrlPicker.project] Incomplete repository location provided, project not "
                               "provided") }));
        QCOMPARE(errs("bitbucket.org?workspace=w&project=p&repo=svc"), QStringList());
        QCOMPARE(errs("example.org?owner=acme&repo=r"),
            QStringList { QStringLiteral("repoUrl [RepoUrlPicker.host] host \"example.org\" is not allowed; use "
                                         "github.com, gitlab.example.com, bitbucket.org") });
        // GitLab: a project id stands in for the owner.
        QCOMPARE(errs("gitlab.example.com?project=42&repo=r"), QStringList());
        // A configured host type wins over the guess from the name.
        FormContext gerrit;
        gerrit.hostTypes.insert(QStringLiteral("gitlab.example.com"), QStringLiteral("gerrit"));
        QCOMPARE(errs("gitlab.example.com?repo=r", gerrit), QStringList());
        QCOMPARE(errs("gitlab.example.com?repo=r"),
            QStringList { QStringLiteral(
                "repoUrl [RepoUrlPicker.owner] Incomplete repository location provided, owner not provided") });

        // EntityPicker with allowArbitraryValues: false: a reference of an allowed kind.
        auto systemErrors = [&](const char* system) {
            return errorText(validatePage(page,
                QJsonObject { { QStringLiteral("repoUrl"), QStringLiteral("github.com?owner=acme&repo=r") },
                    { QStringLiteral("system"), QString::fromUtf8(system) } }));
        };
        QCOMPARE(systemErrors("payments"), QStringList());
        QCOMPARE(systemErrors("domain:default/money"), QStringList());
        QCOMPARE(systemErrors("component:default/x"),
            QStringList { QStringLiteral("system [EntityPicker] must be a System or Domain, not a component") });
        QCOMPARE(systemErrors("a:b:c").size(), 1);
        const FormField* system = field(page.fields, u"system");
        QCOMPARE(entityPickerValue(*system, QStringLiteral("Payments")), QStringLiteral("system:default/payments"));
        QCOMPARE(entityPickerValue(*field(formPages(loadTemplateFile(own("forms.yaml")).value).at(0).fields, u"owner"),
                     QStringLiteral("platform")),
            QStringLiteral("group:default/platform"));

        const RepoUrl r = parseRepoUrlValue(QStringLiteral("github.com?owner=o&repo=my%20repo&organization=org"));
        QVERIFY(r.valid);
        QCOMPARE(r.host, QStringLiteral("github.com"));
        QCOMPARE(r.repo, QStringLiteral("my repo"));
        QCOMPARE(r.organization, QStringLiteral("org"));
        QCOMPARE(repoUrlHostType(QStringLiteral("dev.azure.com")), QStringLiteral("azure"));
    }

    void badTemplate_preciseDiagnostics()
    {
        const TemplateLoad load = loadTemplateFile(own("bad-forms.yaml"));
        QVERIFY(!load.ok);
        const QList<Diagnostic>& d = load.diagnostics;
        struct Want
        {
            const char* code;
            const char* field;
            int line;
            int column;
            bool error;
            const char* message;
        };
        const Want wants[] = {
            { "form-type", "spec.parameters.0.properties.name.type", 14, 17, true,
                "\"strng\" is not a JSON Schema type" },
            { "form-required", "spec.parameters.0.required.1", 10, 24, true,
                "\"missing\" is required but there is no such property" },
            { "form-order", "spec.parameters.0.ui:order.1", 11, 24, false,
                "ui:order names \"ghost\", which is no property" },
            { "form-order", "spec.parameters.0.ui:order", 11, 17, true,
                "ui:order does not list code, size, look, custom, notAnObject and has no '*'" },
            { "form-range", "spec.parameters.0.properties.code.minLength", 18, 22, true,
                "minLength (5) is larger than maxLength (2): no value can be valid" },
            { "form-enum", "spec.parameters.0.properties.size.enumNames", 23, 22, false,
                "enumNames has 2 labels for 3 enum values" },
            { "form-default", "spec.parameters.0.properties.size.default", 24, 20, false,
                "The default xl must be one of: s, m, l" },
            { "form-widget", "spec.parameters.0.properties.look.ui:widget", 27, 22, false,
                "ui:widget \"fancy\" is not a widget Backstage's form knows" },
            { "form-field", "spec.parameters.0.properties.custom.ui:field", 30, 21, false,
                "ui:field \"MyCompanyPicker\" is not one of Backstage's built-in field extensions" },
            { "form-schema", "spec.parameters.0.properties.notAnObject", 31, 22, true,
                "The schema of property \"notAnObject\" is a string, not an object" },
            { "template-step-id", "spec.steps.1.id", 35, 11, true, "Step id \"one\" is already used by spec.steps.0" },
            { "template-step-id", "spec.steps.2.id", 38, 11, true, "Step id is empty" },
        };
        for (const Want& w : wants) {
            const Diagnostic* got = find(d, QString::fromLatin1(w.code), QString::fromLatin1(w.field));
            QVERIFY2(got,
                qPrintable(QStringLiteral("missing %1 at %2 in:\n%3")
                               .arg(QLatin1String(w.code), QLatin1String(w.field), dump(d))));
            QCOMPARE(got->message, QString::fromUtf8(w.message));
            QCOMPARE(got->line, w.line);
            QCOMPARE(got->column, w.column);
            QCOMPARE(got->isError(), w.error);
            QVERIFY(got->file.endsWith(QLatin1String("own/bad-forms.yaml")));
            QCOMPARE(got->entity, QStringLiteral("template:default/bad-forms"));
            QVERIFY(!got->hint.isEmpty());
        }
        // The bad pattern: position, and the regular expression engine's reason.
        const Diagnostic* pattern = find(d, u"form-pattern", u"spec.parameters.0.properties.code.pattern");
        QVERIFY(pattern);
        QCOMPARE(pattern->line, 17);
        QVERIFY2(pattern->message.startsWith(QLatin1String("pattern ^[a-z(+$ is not a valid regular expression: ")),
            qPrintable(pattern->message));
        // The catalog's own check of the step's input, at the value.
        const auto input = std::find_if(
            d.begin(), d.end(), [](const Diagnostic& x) { return x.field == QLatin1String("spec.steps.1.input"); });
        QVERIFY(input != d.end());
        QCOMPARE(input->line, 37);
        QCOMPARE(input->column, 14);
        QVERIFY(input->isError());
        // Nothing else is reported (each problem once).
        QVERIFY2(d.size() == int(std::size(wants)) + 2, qPrintable(dump(d)));
        // The form still works as far as it can.
        const FormPage page = formPage(load.value.pages.at(0));
        QCOMPARE(field(page.fields, u"name")->type, FieldType::Unknown);
        QCOMPARE(field(page.fields, u"custom")->field, CustomField::Other);
        QCOMPARE(field(page.fields, u"look")->widget, Widget::Other);
    }

    void badTemplate_catalogChecksComeFirst()
    {
        const TemplateLoad wrong = loadTemplateFile(own("wrong-group.yaml"));
        QVERIFY(!wrong.ok);
        QVERIFY(!wrong.diagnostics.isEmpty());
        const Diagnostic& d = wrong.diagnostics.first();
        QCOMPARE(d.code, QStringLiteral("unknown-kind"));
        QCOMPARE(d.field, QStringLiteral("apiVersion"));
        QCOMPARE(d.line, 1);
        QCOMPARE(d.hint,
            QStringLiteral(
                "Templates belong to the scaffolder API group: use apiVersion: scaffolder.backstage.io/v1beta3."));

        const TemplateLoad syntax = loadTemplateFile(own("syntax-error.yaml"));
        QVERIFY(!syntax.ok);
        QCOMPARE(syntax.diagnostics.size(), 1);
        QCOMPARE(syntax.diagnostics.first().code, QStringLiteral("yaml-syntax"));
        QVERIFY(syntax.diagnostics.first().line >= 7);

        // A step without action, and parameters of the wrong shape, as the catalog says.
        const TemplateLoad noAction
            = loadTemplate(QByteArray("apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\n"
                                      "metadata: {name: t}\nspec:\n  type: service\n  parameters: 3\n"
                                      "  steps:\n    - id: a\n"),
                QStringLiteral("inline.yaml"));
        QVERIFY(!noAction.ok);
        QStringList fields;
        for (const Diagnostic& x : noAction.diagnostics)
            fields << x.field;
        QVERIFY2(
            fields.contains(QStringLiteral("spec.steps.0.action")) || fields.contains(QStringLiteral("spec.steps.0")),
            qPrintable(dump(noAction.diagnostics)));
        QVERIFY2(fields.contains(QStringLiteral("spec.parameters")), qPrintable(dump(noAction.diagnostics)));

        const TemplateLoad component
            = loadTemplate(QByteArray("apiVersion: backstage.io/v1alpha1\nkind: Component\n"
                                      "metadata: {name: c}\nspec: {type: service, lifecycle: x, owner: y}\n"),
                QStringLiteral("c.yaml"));
        QVERIFY(!component.ok);
        QCOMPARE(component.diagnostics.last().code, QStringLiteral("template-kind"));

        const TemplateLoad missing = loadTemplateFile(own("does-not-exist.yaml"));
        QVERIFY(!missing.ok);
        QCOMPARE(missing.diagnostics.first().code, QStringLiteral("template-read"));
    }

    void entity_fromCatalog()
    {
        // Through the catalog loader: the entity's file is read again for exact positions.
        Flightdeck::Catalog::LoadContext context;
        context.path = own("forms.yaml");
        context.file = context.path;
        context.root = QFileInfo(context.path).absolutePath();
        const Flightdeck::Catalog::FileLoad file = Flightdeck::Catalog::loadCatalogFile(context);
        QCOMPARE(file.entities.size(), 1);
        const Flightdeck::Catalog::Entity& e = file.entities.first();
        const TemplateLoad fromEntity = loadTemplate(e);
        QVERIFY2(fromEntity.ok, qPrintable(dump(fromEntity.diagnostics)));
        QCOMPARE(fromEntity.value.name, QStringLiteral("form-cases"));
        QCOMPARE(fromEntity.value.pages.size(), 3);
        QCOMPARE(fromEntity.value.steps.at(0).input.value()["values"]["port"].position().line, 210);

        // Without a readable file, its JSON serves (positions fall back to the entity's line).
        Flightdeck::Catalog::Entity remote = e;
        remote.location.file = QStringLiteral("https://example.com/template.yaml");
        const TemplateLoad fromJson = loadTemplate(remote);
        QVERIFY2(fromJson.ok, qPrintable(dump(fromJson.diagnostics)));
        QCOMPARE(fromJson.value.baseUrl, QStringLiteral("https://example.com/"));
        const QList<FormPage> pages = formPages(fromJson.value);
        QCOMPARE(summary(pages.at(0)), summary(formPages(fromEntity.value).at(0)));
        QCOMPARE(fromJson.value.steps.at(0).inputJson(), fromEntity.value.steps.at(0).inputJson());
    }
};

QTEST_GUILESS_MAIN(tst_ScaffolderTemplate)
#include "tst_scaffoldertemplate.moc"
