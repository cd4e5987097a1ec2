// SPDX-License-Identifier: Apache-2.0
// The Create page and the template wizard, driven through their real widgets on the offscreen
// platform with a real CatalogService: cards from the catalog and the bundled templates, search
// and filters, the widgets each field gets, inline validation, conditional fields, the review and
// the values the wizard hands to the task runner.
#include "appcontext.h"
#include "catalogpage.h"
#include "create/fieldeditors.h"
#include "create/runview.h"
#include "gitfixture.h"
#include "create/templatecards.h"
#include "create/templatewizard.h"
#include "createpage.h"
#include "mainwindow.h"
#include "navigation.h"
#include "widgets/codeview.h"

#include "catalog/catalogservice.h"
#include "secrets/memorysecretstore.h"
#include "workspace/workspace.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDirIterator>
#include <QDoubleSpinBox>
#include <QFile>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <QTreeWidget>

#include <git2.h>

using namespace Flightdeck;
using namespace Flightdeck::Views;
using Create::FieldRow;
using Create::TemplateWizard;

class tst_CreatePage : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Secrets::MemorySecretStore> m_secrets;
    std::unique_ptr<Navigator> m_navigator;
    std::unique_ptr<Catalog::CatalogService> m_service;
    std::unique_ptr<AppContext> m_context;
    std::unique_ptr<MainWindow> m_window;
    CreatePage* m_page = nullptr;

    static bool writeFile(const QString& path, const QByteArray& bytes)
    {
        QDir().mkpath(QFileInfo(path).absolutePath());
        QFile f(path);
        return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
    }
    static QByteArray readFile(const QString& path)
    {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

    TemplateWizard* wizard() const { return m_page->wizard(); }
    FieldRow* row(const QString& path) const { return wizard()->row(path); }
    template <typename T> T* in(const QString& path) const
    {
        FieldRow* r = row(path);
        return r ? r->findChild<T*>() : nullptr;
    }
    QStringList rowPaths() const
    {
        QStringList out;
        for (FieldRow* r : wizard()->rows())
            out << r->path();
        return out;
    }
    // With FLIGHTDECK_SCREENSHOT_DIR set, saves the window for a person to look at.
    void shoot(const QString& name) const
    {
        const QString dir = qEnvironmentVariable("FLIGHTDECK_SCREENSHOT_DIR");
        if (dir.isEmpty())
            return;
        QTest::qWait(100); // layouts settle
        m_window->grab().save(QDir(dir).filePath(name + QStringLiteral(".png")));
    }
    // Conditional fields are rebuilt on the next turn of the event loop.
    static void settle() { QTest::qWait(20); }

    void openFormCases()
    {
        m_navigator->goTo(QStringLiteral("create"));
        m_navigator->goTo(QStringLiteral("create:template:default/form-cases"));
        QVERIFY(m_page->isWizardShown());
        QCOMPARE(wizard()->templ().name, QStringLiteral("form-cases"));
    }

    // Fills the first page validly and moves on with Enter.
    void fillBasics()
    {
        QLineEdit* name = in<QLineEdit>(QStringLiteral("name"));
        QVERIFY(name);
        name->setFocus();
        QTest::keyClicks(name, QStringLiteral("my-svc"));
        QComboBox* owner = in<QComboBox>(QStringLiteral("owner"));
        QVERIFY(owner && owner->isEditable());
        QTest::keyClicks(owner->lineEdit(), QStringLiteral("team-a"));
        QVERIFY2(wizard()->nextButton()->isEnabled(),
            qPrintable(wizard()->findChild<QLabel*>(QStringLiteral("WizardSummary"))->text()));
        QTest::keyClick(name, Qt::Key_Return);
        QCOMPARE(wizard()->currentStep(), 1);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QStandardPaths::setTestModeEnabled(true);
        git_libgit2_init(); // main() does it in the app: the runs push with libgit2
        if (qEnvironmentVariable("FLIGHTDECK_SCREENSHOT_SCHEME") == QLatin1String("dark")) {
            QPalette p = QApplication::palette();
            p.setColor(QPalette::Window, QColor(0x26, 0x28, 0x2c));
            p.setColor(QPalette::Base, QColor(0x1d, 0x1f, 0x22));
            p.setColor(QPalette::Button, QColor(0x2e, 0x31, 0x36));
            for (auto role : { QPalette::WindowText, QPalette::Text, QPalette::ButtonText })
                p.setColor(role, QColor(0xe6, 0xe6, 0xe6));
            p.setColor(QPalette::PlaceholderText, QColor(0x9a, 0x9d, 0xa3));
            QApplication::setPalette(p);
        }
        // A catalog source with a Template entity (Flightdeck's own form cases).
        const QByteArray forms = readFile(QStringLiteral(FLIGHTDECK_TEST_DATA "/scaffolder/templates/own/forms.yaml"));
        QVERIFY(!forms.isEmpty());
        QVERIFY(writeFile(m_dir.filePath(QStringLiteral("templates/form-cases/catalog-info.yaml")), forms));
        const QByteArray workspace
            = "apiVersion: flightdeck.dev/v1\nkind: Workspace\nmetadata:\n  name: test-org\nspec:\n"
              "  catalog:\n    sources:\n      - name: relations\n        type: directory\n        path: "
            + QByteArray(FLIGHTDECK_TEST_DATA "/catalog/relations")
            + "\n      - name: templates\n        type: directory\n        path: "
            + m_dir.filePath(QStringLiteral("templates")).toUtf8() + "\n";
        QVERIFY(writeFile(m_dir.filePath(QStringLiteral("workspace.yaml")), workspace));
        Catalog::Diagnostics problems;
        auto ws = Workspace::Workspace::load(m_dir.filePath(QStringLiteral("workspace.yaml")), problems);
        QVERIFY2(ws, problems.isEmpty() ? "" : qPrintable(problems.first().toText()));

        m_secrets = std::make_unique<Secrets::MemorySecretStore>();
        m_navigator = std::make_unique<Navigator>();
        m_service = std::make_unique<Catalog::CatalogService>(m_secrets.get());
        m_context = std::make_unique<AppContext>(AppContext { m_service.get(), m_secrets.get(), m_navigator.get() });
        m_window = std::make_unique<MainWindow>(*m_context);
        m_window->addPage(new CatalogPage(*m_context));
        m_page = new CreatePage(*m_context);
        m_window->addPage(m_page);
        m_window->resize(1280, 800);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        QApplication::setActiveWindow(m_window.get());
        m_service->open(*ws, m_dir.filePath(QStringLiteral("store.sqlite")));
        m_navigator->goTo(QStringLiteral("create"));
        QVERIFY(QTest::qWaitFor(
            [&] { return !m_service->isLoading() && !m_service->isRefreshing() && m_service->catalog()->size() > 10; },
            30000));
        new QAbstractItemModelTester(m_page->cardModel(), QAbstractItemModelTester::FailureReportingMode::QtTest, this);
        new QAbstractItemModelTester(
            m_page->filterModel(), QAbstractItemModelTester::FailureReportingMode::QtTest, this);
    }

    void cleanup()
    {
        // A run a test started ends before the next test (one run at a time).
        QVERIFY(QTest::qWaitFor([&] { return !m_page->runView()->isRunning(); }, 60000));
        m_navigator->goTo(QStringLiteral("create"));
        m_page->searchField()->clear();
        m_page->tagFilter()->setCurrentIndex(0);
        m_page->ownerFilter()->setCurrentIndex(0);
    }

    void cardsListBundledAndCatalogTemplates()
    {
        QVERIFY(QTest::qWaitFor(
            [&] { return m_page->cardModel()->card(QStringLiteral("template:default/form-cases")); }, 10000));
        QStringList keys;
        for (const auto& c : m_page->cardModel()->cards())
            keys << c.key;
        for (const char* bundled : { "cpp-service", "go-service", "node-service" })
            QVERIFY2(keys.contains(QLatin1String(bundled)), qPrintable(keys.join(QLatin1Char(' '))));
        const Create::TemplateCard* formCases
            = m_page->cardModel()->card(QStringLiteral("template:default/form-cases"));
        QCOMPARE(formCases->title, QStringLiteral("Form cases"));
        QCOMPARE(formCases->owner, QStringLiteral("group:default/platform"));
        QCOMPARE(formCases->type, QStringLiteral("service"));
        QCOMPARE(formCases->tags, QStringList({ QStringLiteral("test"), QStringLiteral("forms") }));
        QVERIFY(!formCases->bundled);
        QVERIFY(m_page->cardModel()->card(QStringLiteral("cpp-service"))->bundled);
        QCOMPARE(m_page->filterModel()->rowCount(), m_page->cardModel()->rowCount());
        QCOMPARE(m_window->currentPage(), m_page);
        QVERIFY(!m_page->isWizardShown());
        QVERIFY(m_page->cardView()->isVisible());
    }

    void searchFiltersOnEveryKeystroke()
    {
        QLineEdit* search = m_page->searchField();
        search->setFocus();
        QTest::keyClicks(search, QStringLiteral("form"));
        QCOMPARE(m_page->filterModel()->rowCount(), 1);
        QCOMPARE(m_page->filterModel()->index(0, 0).data(Create::TemplateCardModel::KeyRole).toString(),
            QStringLiteral("template:default/form-cases"));
        search->clear();
        QTest::keyClicks(search, QStringLiteral("cmake"));
        QCOMPARE(m_page->filterModel()->rowCount(), 1);
        QCOMPARE(m_page->filterModel()->index(0, 0).data(Create::TemplateCardModel::KeyRole).toString(),
            QStringLiteral("cpp-service"));
        QTest::keyClicks(search, QStringLiteral(" nothing-like-this"));
        QCOMPARE(m_page->filterModel()->rowCount(), 0);
        search->clear();
        QCOMPARE(m_page->filterModel()->rowCount(), m_page->cardModel()->rowCount());

        // Tag and owner filters.
        const int forms = m_page->tagFilter()->findData(QStringLiteral("forms"));
        QVERIFY(forms > 0);
        m_page->tagFilter()->setCurrentIndex(forms);
        QCOMPARE(m_page->filterModel()->rowCount(), 1);
        m_page->tagFilter()->setCurrentIndex(0);
        const int platform = m_page->ownerFilter()->findData(QStringLiteral("group:default/platform"));
        QVERIFY(platform > 0);
        m_page->ownerFilter()->setCurrentIndex(platform);
        QCOMPARE(m_page->filterModel()->rowCount(), 1);
        m_page->ownerFilter()->setCurrentIndex(0);

        // Enter on a single result opens it.
        QTest::keyClicks(search, QStringLiteral("form cases"));
        QTest::keyClick(search, Qt::Key_Return);
        QCOMPARE(m_navigator->current().toString(), QStringLiteral("create:template:default/form-cases"));
        QVERIFY(m_page->isWizardShown());
    }

    void wizardBuildsTheFieldWidgets()
    {
        openFormCases();
        // The Location page is behind a feature flag that is not active.
        QCOMPARE(wizard()->stepTitles(),
            QStringList({ QStringLiteral("Basics"), QStringLiteral("Language"), QStringLiteral("Review") }));
        QCOMPARE(wizard()->stepList()->count(), 3);
        QCOMPARE(wizard()->currentStep(), 0);
        // ui:order [owner, '*', notes]; the hidden field has no row.
        const QStringList paths = rowPaths();
        QCOMPARE(paths.first(), QStringLiteral("owner"));
        QCOMPARE(paths.last(), QStringLiteral("notes"));
        QVERIFY(!paths.contains(QStringLiteral("internalId")));

        QLineEdit* name = in<QLineEdit>(QStringLiteral("name"));
        QVERIFY(name);
        QCOMPARE(name->placeholderText(), QStringLiteral("my-service"));
        QCOMPARE(QApplication::focusWidget(), name); // ui:autofocus
        QVERIFY(row(QStringLiteral("name"))->findChild<QLabel*>(QStringLiteral("Help")));
        QCOMPARE(row(QStringLiteral("name"))->findChild<QLabel*>(QStringLiteral("Help"))->text(),
            QStringLiteral("Lowercase letters, digits and dashes"));
        QComboBox* owner = in<QComboBox>(QStringLiteral("owner"));
        QVERIFY(owner && owner->isEditable());
        // OwnerPicker with catalogFilter kind Group, spec.type team: the teams, not the department.
        QVERIFY(owner->findText(QStringLiteral("group:default/team-a")) > 0);
        QVERIFY(owner->findText(QStringLiteral("group:default/team-b")) > 0);
        QCOMPARE(owner->findText(QStringLiteral("group:default/engineering")), -1);
        QVERIFY(in<QPlainTextEdit>(QStringLiteral("notes")));
        QCOMPARE(in<QLineEdit>(QStringLiteral("token"))->echoMode(), QLineEdit::Password);
        QSpinBox* replicas = in<QSpinBox>(QStringLiteral("replicas"));
        QVERIFY(replicas);
        QCOMPARE(replicas->value(), 2);
        QCOMPARE(replicas->maximum(), 10);
        QVERIFY(in<QDoubleSpinBox>(QStringLiteral("ratio")));
        QVERIFY(in<QCheckBox>(QStringLiteral("public")));
        QVERIFY(!wizard()->nextButton()->isEnabled()); // name and owner are required

        fillBasics();
        QCOMPARE(QApplication::focusWidget()->parentWidget()->parentWidget()->objectName(),
            QStringLiteral("row:language")); // first field
        QCOMPARE(row(QStringLiteral("language"))->findChildren<QRadioButton*>().size(), 3);
        QVERIFY(in<QComboBox>(QStringLiteral("ci")));
        QCOMPARE(row(QStringLiteral("features"))->findChildren<QCheckBox*>().size(), 3);
        QVERIFY(row(QStringLiteral("aliases"))->findChild<QToolButton*>(QStringLiteral("AddItem")));
        QVERIFY(in<QLineEdit>(QStringLiteral("tags")));
        QVERIFY(row(QStringLiteral("database")));
        QVERIFY(in<QComboBox>(QStringLiteral("database.engine")));
        QVERIFY(in<QLineEdit>(QStringLiteral("database.size")));
        QCOMPARE(in<QLineEdit>(QStringLiteral("database.size"))->text(), QStringLiteral("small"));
    }

    void invalidNameShowsThePatternAndBlocksNext()
    {
        openFormCases();
        QComboBox* owner = in<QComboBox>(QStringLiteral("owner"));
        QTest::keyClicks(owner->lineEdit(), QStringLiteral("team-a"));
        QLineEdit* name = in<QLineEdit>(QStringLiteral("name"));
        name->setFocus();
        QTest::keyClicks(name, QStringLiteral("Bad Name"));
        const QString error = row(QStringLiteral("name"))->errorText();
        QVERIFY2(error.contains(QStringLiteral("must match ^[a-z0-9-]+$")), qPrintable(error));
        QVERIFY(row(QStringLiteral("name"))->errorLabel()->isVisible());
        QVERIFY(!wizard()->nextButton()->isEnabled());
        shoot(QStringLiteral("wizard-error"));
        QTest::keyClick(name, Qt::Key_Return);
        QCOMPARE(wizard()->currentStep(), 0); // Enter does not pass an invalid page
        // Too short: the minLength rule.
        name->selectAll();
        QTest::keyClicks(name, QStringLiteral("ab"));
        QVERIFY2(row(QStringLiteral("name"))->errorText().contains(QStringLiteral("at least 3 characters")),
            qPrintable(row(QStringLiteral("name"))->errorText()));
        QTest::keyClicks(name, QStringLiteral("c"));
        QCOMPARE(row(QStringLiteral("name"))->errorText(), QString());
        QVERIFY(wizard()->nextButton()->isEnabled());
        // Untouched fields do not show errors; the summary names them.
        QCOMPARE(row(QStringLiteral("replicas"))->errorText(), QString());
    }

    void conditionalFieldsFollowTheValues()
    {
        openFormCases();
        fillBasics();
        // language defaults to go: goVersion shows, packageManager does not.
        QVERIFY(row(QStringLiteral("goVersion")));
        QVERIFY(!row(QStringLiteral("packageManager")));
        QCOMPARE(in<QLineEdit>(QStringLiteral("goVersion"))->text(), QStringLiteral("1.22"));
        QRadioButton* python = nullptr;
        for (QRadioButton* b : row(QStringLiteral("language"))->findChildren<QRadioButton*>())
            if (b->text() == QLatin1String("Python"))
                python = b;
        QVERIFY(python);
        python->click();
        settle();
        QVERIFY(!row(QStringLiteral("goVersion")));
        QVERIFY(row(QStringLiteral("packageManager")));
        QVERIFY(in<QComboBox>(QStringLiteral("packageManager")));
        // if/then/else: no CI gives the workflow file; GitLab asks for the runner tag.
        QVERIFY(row(QStringLiteral("workflowName")));
        QVERIFY(!row(QStringLiteral("gitlabRunner")));
        QComboBox* ci = in<QComboBox>(QStringLiteral("ci"));
        ci->setCurrentIndex(ci->findText(QStringLiteral("GitLab CI")));
        settle();
        QVERIFY(row(QStringLiteral("gitlabRunner")));
        QVERIFY(!row(QStringLiteral("workflowName")));
        // A nested object's oneOf: mysql brings charset with its default.
        QVERIFY(!row(QStringLiteral("database.charset")));
        QComboBox* engine = in<QComboBox>(QStringLiteral("database.engine"));
        engine->setCurrentIndex(engine->findText(QStringLiteral("mysql")));
        settle();
        QVERIFY(row(QStringLiteral("database.charset")));
        QCOMPARE(in<QLineEdit>(QStringLiteral("database.charset"))->text(), QStringLiteral("utf8mb4"));
        shoot(QStringLiteral("wizard-language"));
    }

    void reviewShowsValuesAndTheSignalCarriesThem()
    {
        openFormCases();
        in<QCheckBox>(QStringLiteral("public"))->click();
        QSpinBox* replicas = in<QSpinBox>(QStringLiteral("replicas"));
        replicas->setValue(3);
        fillBasics();
        QVERIFY(!wizard()->nextButton()->isEnabled()); // features needs one item, database an engine
        for (QRadioButton* b : row(QStringLiteral("language"))->findChildren<QRadioButton*>())
            if (b->text() == QLatin1String("Node.js"))
                b->click();
        settle();
        QComboBox* pm = in<QComboBox>(QStringLiteral("packageManager"));
        pm->setCurrentIndex(pm->findText(QStringLiteral("yarn")));
        for (QCheckBox* b : row(QStringLiteral("features"))->findChildren<QCheckBox*>())
            if (b->text() != QLatin1String("tracing"))
                b->click();
        QLineEdit* tags = in<QLineEdit>(QStringLiteral("tags"));
        tags->setFocus();
        QTest::keyClicks(tags, QStringLiteral("alpha"));
        QTest::keyClick(tags, Qt::Key_Return); // adds the tag, stays on the page
        QCOMPARE(wizard()->currentStep(), 1);
        QTest::keyClicks(tags, QStringLiteral("beta,"));
        row(QStringLiteral("aliases"))->findChild<QToolButton*>(QStringLiteral("AddItem"))->click();
        QTest::keyClicks(in<QLineEdit>(QStringLiteral("aliases")), QStringLiteral("foo"));
        QComboBox* engine = in<QComboBox>(QStringLiteral("database.engine"));
        engine->setCurrentIndex(engine->findText(QStringLiteral("postgres")));
        settle();
        QVERIFY2(wizard()->nextButton()->isEnabled(),
            qPrintable(wizard()->findChild<QLabel*>(QStringLiteral("WizardSummary"))->text()));
        QTest::mouseClick(wizard()->nextButton(), Qt::LeftButton);
        QVERIFY(wizard()->isReview());
        QCOMPARE(wizard()->stepList()->currentRow(), 2);

        auto review = [&](const QString& path) {
            auto* l = wizard()->reviewWidget()->findChild<QLabel*>(QStringLiteral("review:") + path);
            return l ? l->text() : QStringLiteral("<none>");
        };
        QCOMPARE(review(QStringLiteral("name")), QStringLiteral("my-svc"));
        QCOMPARE(review(QStringLiteral("owner")), QStringLiteral("group:default/team-a"));
        QCOMPARE(review(QStringLiteral("replicas")), QStringLiteral("3"));
        QCOMPARE(review(QStringLiteral("public")), QStringLiteral("Yes"));
        QCOMPARE(review(QStringLiteral("language")), QStringLiteral("Node.js"));
        QCOMPARE(review(QStringLiteral("features")), QStringLiteral("metrics, docs"));
        QCOMPARE(review(QStringLiteral("tags")), QStringLiteral("alpha, beta"));
        QCOMPARE(review(QStringLiteral("database.engine")), QStringLiteral("postgres"));
        QCOMPARE(review(QStringLiteral("token")), QStringLiteral("—"));

        shoot(QStringLiteral("wizard-review"));
        QSignalSpy spy(m_page, &CreatePage::runRequested);
        QVERIFY(wizard()->dryRunButton()->isVisible());
        QTest::mouseClick(wizard()->dryRunButton(), Qt::LeftButton);
        QCOMPARE(spy.size(), 1);
        const auto t = spy.at(0).at(0).value<Scaffolder::Template>();
        QCOMPARE(t.name, QStringLiteral("form-cases"));
        QCOMPARE(spy.at(0).at(2).toBool(), true);
        const QJsonObject v = spy.at(0).at(1).toJsonObject();
        QCOMPARE(v.value(QStringLiteral("name")), QJsonValue(QStringLiteral("my-svc")));
        QCOMPARE(v.value(QStringLiteral("owner")), QJsonValue(QStringLiteral("group:default/team-a")));
        QVERIFY(v.value(QStringLiteral("replicas")).isDouble());
        QCOMPARE(v.value(QStringLiteral("replicas")).toInt(), 3);
        QCOMPARE(v.value(QStringLiteral("public")), QJsonValue(true));
        QCOMPARE(v.value(QStringLiteral("internalId")), QJsonValue(QStringLiteral("generated"))); // hidden, still sent
        QCOMPARE(v.value(QStringLiteral("language")), QJsonValue(QStringLiteral("node")));
        QCOMPARE(v.value(QStringLiteral("packageManager")), QJsonValue(QStringLiteral("yarn")));
        QVERIFY(!v.contains(QStringLiteral("goVersion"))); // its branch is not active
        QVERIFY(!v.contains(QStringLiteral("ratio"))); // never given
        QCOMPARE(v.value(QStringLiteral("features")).toArray(),
            QJsonArray({ QStringLiteral("metrics"), QStringLiteral("docs") }));
        QCOMPARE(
            v.value(QStringLiteral("tags")).toArray(), QJsonArray({ QStringLiteral("alpha"), QStringLiteral("beta") }));
        QCOMPARE(v.value(QStringLiteral("aliases")).toArray(), QJsonArray({ QStringLiteral("foo") }));
        QCOMPARE(v.value(QStringLiteral("workflowName")), QJsonValue(QStringLiteral("ci.yml")));
        const QJsonObject db = v.value(QStringLiteral("database")).toObject();
        QCOMPARE(db.value(QStringLiteral("engine")), QJsonValue(QStringLiteral("postgres")));
        QCOMPARE(db.value(QStringLiteral("size")), QJsonValue(QStringLiteral("small")));

        QTest::mouseClick(wizard()->runButton(), Qt::LeftButton);
        QCOMPARE(spy.size(), 2);
        QCOMPARE(spy.at(1).at(2).toBool(), false);
        QCOMPARE(spy.at(1).at(1).toJsonObject(), v);

        // The step list: back to any step, forward as far as the pages are valid.
        wizard()->goToStep(0);
        QCOMPARE(wizard()->currentStep(), 0);
        QCOMPARE(in<QLineEdit>(QStringLiteral("name"))->text(), QStringLiteral("my-svc"));
        wizard()->goToStep(2);
        QVERIFY(wizard()->isReview());
        // Back from the review keeps the values.
        QTest::mouseClick(wizard()->backButton(), Qt::LeftButton);
        QCOMPARE(wizard()->currentStep(), 1);
        QCOMPARE(in<QComboBox>(QStringLiteral("packageManager"))->currentText(), QStringLiteral("yarn"));
    }

    void bundledTemplateWithRepoUrlPicker()
    {
        m_navigator->goTo(QStringLiteral("create:cpp-service"));
        QVERIFY(m_page->isWizardShown());
        QCOMPARE(wizard()->stepTitles().size(), 3);
        QCOMPARE(
            in<QComboBox>(QStringLiteral("system"))->findText(QStringLiteral("system:default/payments")) > 0, true);
        QCOMPARE(row(QStringLiteral("lifecycle"))->findChildren<QRadioButton*>().size(), 2);
        QCOMPARE(in<QSpinBox>(QStringLiteral("port"))->value(), 8080);
        QTest::keyClicks(in<QLineEdit>(QStringLiteral("name")), QStringLiteral("orders"));
        QTest::keyClicks(
            row(QStringLiteral("description"))->findChild<QLineEdit*>(), QStringLiteral("Takes the orders."));
        QTest::keyClicks(in<QComboBox>(QStringLiteral("owner"))->lineEdit(), QStringLiteral("team-b"));
        QTest::keyClicks(in<QComboBox>(QStringLiteral("system"))->lineEdit(), QStringLiteral("payments"));
        QVERIFY2(wizard()->next(), qPrintable(wizard()->findChild<QLabel*>(QStringLiteral("WizardSummary"))->text()));
        FieldRow* repo = row(QStringLiteral("repoUrl"));
        QVERIFY(repo);
        QCOMPARE(repo->findChild<QComboBox*>(QStringLiteral("RepoHost"))->currentText(), QStringLiteral("github.com"));
        QTest::keyClicks(repo->findChild<QComboBox*>(QStringLiteral("RepoOwner"))->lineEdit(), QStringLiteral("acme"));
        QVERIFY(!wizard()->nextButton()->isEnabled());
        QVERIFY(repo->errorText().contains(QStringLiteral("repo not provided")));
        QTest::keyClicks(repo->findChild<QLineEdit*>(QStringLiteral("RepoName")), QStringLiteral("orders"));
        QVERIFY(wizard()->next());
        QSignalSpy spy(m_page, &CreatePage::runRequested);
        wizard()->runButton()->click();
        QCOMPARE(spy.size(), 1);
        const QJsonObject v = spy.at(0).at(1).toJsonObject();
        QCOMPARE(v.value(QStringLiteral("repoUrl")), QJsonValue(QStringLiteral("github.com?owner=acme&repo=orders")));
        QCOMPARE(v.value(QStringLiteral("system")), QJsonValue(QStringLiteral("system:default/payments")));
        QCOMPARE(v.value(QStringLiteral("owner")), QJsonValue(QStringLiteral("group:default/team-b")));
        QCOMPARE(v.value(QStringLiteral("port")), QJsonValue(8080));
        QCOMPARE(v.value(QStringLiteral("lifecycle")), QJsonValue(QStringLiteral("experimental")));
        QCOMPARE(v.value(QStringLiteral("repoVisibility")), QJsonValue(QStringLiteral("private")));
        // The run really started, and with no GitHub token in the keychain it stops at publishing
        // and says what is missing.
        QVERIFY(m_page->isRunShown());
        QVERIFY(QTest::qWaitFor([&] { return !m_page->runView()->isRunning(); }, 60000));
        QVERIFY2(m_page->runView()->state().error.contains(QStringLiteral("githubToken")),
                 qPrintable(m_page->runView()->state().error));
    }

    // Dry run from the wizard: the run view shows every step done, the files it wrote with their
    // contents, what publish and register would have done, and offers to create for real.
    void bundledTemplate_dryRunShowsTheFilesAndWhatWouldHappen()
    {
        m_navigator->goTo(QStringLiteral("create:cpp-service"));
        QVERIFY(m_page->isWizardShown());
        QTest::keyClicks(in<QLineEdit>(QStringLiteral("name")), QStringLiteral("fare-rules"));
        QTest::keyClicks(row(QStringLiteral("description"))->findChild<QLineEdit*>(), QStringLiteral("Fare rules."));
        QTest::keyClicks(in<QComboBox>(QStringLiteral("owner"))->lineEdit(), QStringLiteral("team-b"));
        QTest::keyClicks(in<QComboBox>(QStringLiteral("system"))->lineEdit(), QStringLiteral("payments"));
        QVERIFY(wizard()->next());
        FieldRow* repo = row(QStringLiteral("repoUrl"));
        QTest::keyClicks(repo->findChild<QComboBox*>(QStringLiteral("RepoOwner"))->lineEdit(), QStringLiteral("acme"));
        QTest::keyClicks(repo->findChild<QLineEdit*>(QStringLiteral("RepoName")), QStringLiteral("fare-rules"));
        QVERIFY(wizard()->next());
        RunView* run = m_page->runView();
        QSignalSpy finished(run, &RunView::runFinished);
        wizard()->dryRunButton()->click();
        QVERIFY(m_page->isRunShown());
        QVERIFY(QTest::qWaitFor([&] { return finished.size() == 1; }, 60000));
        QCOMPARE(finished.at(0).at(0).toBool(), true);
        QCOMPARE(run->stepList()->count(), 3);
        for (int i = 0; i < 3; ++i)
            QVERIFY2(run->stepList()->item(i)->text().endsWith(QStringLiteral("done")), qPrintable(run->stepList()->item(i)->text()));
        QVERIFY(run->workspace().contains(QLatin1String("-dry-run")));
        // The files, and one opened.
        const QList<QTreeWidgetItem*> info = run->fileTree()->findItems(QStringLiteral("catalog-info.yaml"), Qt::MatchExactly);
        QCOMPARE(info.size(), 1);
        run->fileTree()->setCurrentItem(info.first());
        QVERIFY2(run->fileView()->toPlainText().contains(QStringLiteral("name: \"fare-rules\"")), qPrintable(run->fileView()->toPlainText()));
        QVERIFY(!run->fileView()->toPlainText().contains(QStringLiteral("${{")));
        // What publish and register would have done, and no repository.
        QVERIFY(run->state().steps[1].wouldDo.join(QLatin1Char(' ')).contains(QStringLiteral("acme/fare-rules")));
        QVERIFY(!QFileInfo::exists(run->workspace() + QStringLiteral("/.git")));
        QVERIFY(run->runForRealButton()->isVisible());
        QVERIFY(!run->resumeButton()->isVisible());
        // Its links lead nowhere yet.
        const QList<QPushButton*> links = run->linksArea()->findChildren<QPushButton*>();
        QVERIFY(!links.isEmpty());
        for (QPushButton* b : links)
            QVERIFY(!b->isEnabled());
        shoot(QStringLiteral("create-dry-run"));
        m_page->findChild<QToolButton*>(QStringLiteral("BackToWizard"))->click();
        QVERIFY(m_page->isWizardShown());
    }

    // Every stored template (real Backstage ones included): each page builds, every visible field
    // has an editor, and the review lists them.
    void everyStoredTemplateBuilds_data()
    {
        QTest::addColumn<QString>("file");
        QDirIterator it(QStringLiteral(FLIGHTDECK_TEST_DATA "/scaffolder/templates"), { QStringLiteral("*.yaml") },
            QDir::Files, QDirIterator::Subdirectories);
        int n = 0;
        while (it.hasNext()) {
            const QString f = it.next();
            QTest::newRow(qPrintable(QDir(QStringLiteral(FLIGHTDECK_TEST_DATA)).relativeFilePath(f))) << f;
            ++n;
        }
        QVERIFY(n >= 10);
    }
    void everyStoredTemplateBuilds()
    {
        QFETCH(QString, file);
        const Scaffolder::TemplateLoad load = Scaffolder::loadTemplateFile(file);
        // The files that are broken on purpose (tst_scaffoldertemplate checks their diagnostics):
        // they must not load, and there is nothing for the wizard to build. Every other file must
        // load, so that a loader that broke every template fails here instead of skipping.
        static const QHash<QString, QString> meantToFail {
            {QStringLiteral("own/syntax-error.yaml"), QStringLiteral("a YAML syntax error: no template to build")},
            {QStringLiteral("own/wrong-group.yaml"), QStringLiteral("not a scaffolder Template: no template to build")},
        };
        const QString name = QDir(QStringLiteral(FLIGHTDECK_TEST_DATA "/scaffolder/templates")).relativeFilePath(file);
        if (meantToFail.contains(name)) {
            QVERIFY(!load.ok);
            QSKIP(qPrintable(meantToFail.value(name)));
        }
        // bad-forms.yaml is broken on purpose too, but only in its forms: the wizard must still
        // build every page of it.
        if (name == QLatin1String("own/bad-forms.yaml"))
            QVERIFY(!load.ok);
        else
            QVERIFY2(load.ok, qPrintable(load.diagnostics.isEmpty() ? QString() : load.diagnostics.first().toText()));
        if (load.value.pages.isEmpty())
            QSKIP("no parameter pages");
        TemplateWizard w;
        w.resize(1000, 700);
        for (qsizetype p = 0; p < load.value.pages.size(); ++p) {
            Scaffolder::Template one = load.value;
            one.pages = { load.value.pages[p] };
            one.pages[0].condition.clear();
            one.pages[0].featureFlag.clear();
            w.setTemplate(one, m_service->catalog());
            const Scaffolder::FormPage page = Scaffolder::formPages(one).value(0);
            QStringList missing;
            for (const Scaffolder::FormField& f : Scaffolder::visibleFields(page, w.rawValues()))
                if (!w.row(f.path))
                    missing << f.path;
            QVERIFY2(missing.isEmpty(), qPrintable(missing.join(QLatin1Char(' '))));
            w.goToStep(1); // to the review when the page has no errors
            if (w.isReview())
                QVERIFY(w.reviewWidget());
        }
    }

    void demoTemplateEndToEnd()
    {
        const Scaffolder::TemplateLoad load = Scaffolder::loadTemplateFile(QStringLiteral(FLIGHTDECK_TEST_DATA
            "/scaffolder/templates/backstage/github.com/backstage/demo/demo-template/template/template.yaml"));
        QVERIFY(!load.value.pages.isEmpty());
        TemplateWizard w;
        w.resize(1000, 700);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QApplication::setActiveWindow(&w);
        w.setTemplate(load.value, m_service->catalog());
        QCOMPARE(w.stepTitles().size(), 3);
        QLineEdit* name = w.row(QStringLiteral("name"))->findChild<QLineEdit*>();
        QTRY_COMPARE(QApplication::focusWidget(), name);
        QTest::keyClicks(name, QStringLiteral("Ada"));
        const auto radios = w.row(QStringLiteral("mode"))->findChildren<QRadioButton*>();
        QCOMPARE(radios.size(), 2);
        QCOMPARE(radios.at(1)->text(), QStringLiteral("Dark"));
        radios.at(1)->click();
        const auto topics = w.row(QStringLiteral("topics"))->findChildren<QCheckBox*>();
        QCOMPARE(topics.size(), 6);
        QCOMPARE(topics.at(0)->text(), QStringLiteral("Writing Templates"));
        // rjsf starts arrays as [], which satisfies `required`: Next is already enabled.
        QVERIFY(w.nextButton()->isEnabled());
        topics.at(2)->click();
        QVERIFY(w.nextButton()->isEnabled());
        QTest::keyClick(name, Qt::Key_Enter);
        QCOMPARE(w.currentStep(), 1);
        FieldRow* repo = w.row(QStringLiteral("repoUrl"));
        QTest::keyClicks(repo->findChild<QComboBox*>(QStringLiteral("RepoOwner"))->lineEdit(), QStringLiteral("ada"));
        QTest::keyClicks(repo->findChild<QLineEdit*>(QStringLiteral("RepoName")), QStringLiteral("hello"));
        QTest::keyClick(repo->findChild<QLineEdit*>(QStringLiteral("RepoName")), Qt::Key_Return);
        QVERIFY(w.isReview());
        QCOMPARE(w.reviewWidget()->findChild<QLabel*>(QStringLiteral("review:mode"))->text(), QStringLiteral("Dark"));
        QCOMPARE(w.reviewWidget()->findChild<QLabel*>(QStringLiteral("review:topics"))->text(),
            QStringLiteral("Builtin Actions"));
        QCOMPARE(w.reviewWidget()->findChild<QLabel*>(QStringLiteral("review:repoUrl"))->text(),
            QStringLiteral("github.com/ada/hello"));
        QSignalSpy spy(&w, &TemplateWizard::submitted);
        QCOMPARE(QApplication::focusWidget(), w.dryRunButton()); // Enter on the review is the harmless choice
        QTest::keyClick(w.dryRunButton(), Qt::Key_Return);
        QCOMPARE(spy.size(), 1);
        const QJsonObject expected { { QStringLiteral("name"), QStringLiteral("Ada") },
            { QStringLiteral("mode"), QStringLiteral("dark") },
            { QStringLiteral("topics"), QJsonArray { QStringLiteral("builtin-actions") } },
            { QStringLiteral("repoUrl"), QStringLiteral("github.com?owner=ada&repo=hello") } };
        QCOMPARE(spy.at(0).at(1).toJsonObject(), expected);
        QCOMPARE(spy.at(0).at(2).toBool(), true);
    }

    void unknownTemplateStaysOnTheCards()
    {
        m_navigator->goTo(QStringLiteral("create:no-such-template"));
        QVERIFY(!m_page->isWizardShown());
        QVERIFY(m_page->findChild<QLabel*>(QStringLiteral("CreateNotice"))
                    ->text()
                    .contains(QStringLiteral("no-such-template")));
    }
    // A run that fails offers to resume from the failed step and to clean up; resuming after the
    // cause is fixed completes it, cleaning up removes what it wrote.
    void failedRun_resumeAndCleanUp()
    {
        QTemporaryDir dir;
        QVERIFY(writeFile(dir.filePath(QStringLiteral("t/skeleton/README.md")), "# ${{ values.name }}\n"));
        QVERIFY(writeFile(dir.filePath(QStringLiteral("t/template.yaml")),
            "apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: flaky\nspec:\n  owner: group:default/team-a\n"
            "  type: service\n  parameters:\n    - properties:\n        name: {type: string}\n  steps:\n"
            "    - id: fetch\n      name: Generate\n      action: fetch:template\n      input: {url: ./skeleton, values: {name: '${{ parameters.name }}'}}\n"
            "    - id: rename\n      name: Rename the notes\n      action: fs:rename\n      input: {files: [{from: NOTES.md, to: docs/NOTES.md}]}\n"));
        const Scaffolder::TemplateLoad load = Scaffolder::loadTemplateFile(dir.filePath(QStringLiteral("t/template.yaml")));
        QVERIFY(load.ok);
        const QString ws = dir.filePath(QStringLiteral("task"));
        RunView run(*m_context);
        QSignalSpy finished(&run, &RunView::runFinished);
        run.start(load.value, {{QStringLiteral("name"), QStringLiteral("notes")}}, false, ws);
        QVERIFY(QTest::qWaitFor([&] { return finished.size() == 1; }, 30000));
        QCOMPARE(finished.at(0).at(0).toBool(), false);
        QVERIFY(run.stepList()->item(0)->text().endsWith(QStringLiteral("done")));
        QVERIFY(run.stepList()->item(1)->text().endsWith(QStringLiteral("failed")));
        QVERIFY2(run.summary()->text().contains(QStringLiteral("rename")), qPrintable(run.summary()->text()));
        QVERIFY(!run.resumeButton()->isHidden());
        QVERIFY(!run.cleanupButton()->isHidden());
        QVERIFY(QFile::exists(ws + QStringLiteral("/README.md")));

        // Fix the cause and resume: the fetch step is not run again, the rename is. README.md is
        // changed first: a fetch that ran again would write it back from the skeleton.
        QVERIFY(writeFile(ws + QStringLiteral("/NOTES.md"), "notes\n"));
        const QByteArray changedReadme = "# changed after the failure\n";
        QVERIFY(writeFile(ws + QStringLiteral("/README.md"), changedReadme));
        run.resumeButton()->click();
        QVERIFY(QTest::qWaitFor([&] { return finished.size() == 2; }, 30000));
        QVERIFY2(finished.at(1).at(0).toBool(), qPrintable(run.state().error));
        {
            QFile readme(ws + QStringLiteral("/README.md"));
            QVERIFY(readme.open(QIODevice::ReadOnly));
            QCOMPARE(readme.readAll(), changedReadme);
        }
        QVERIFY(QFile::exists(ws + QStringLiteral("/docs/NOTES.md")));
        QVERIFY(run.resumeButton()->isHidden());

        // A second failing run in a fresh folder, then cleaned up.
        const QString ws2 = dir.filePath(QStringLiteral("task2"));
        run.start(load.value, {{QStringLiteral("name"), QStringLiteral("notes")}}, false, ws2);
        QVERIFY(QTest::qWaitFor([&] { return finished.size() == 3; }, 30000));
        QCOMPARE(finished.at(2).at(0).toBool(), false);
        QVERIFY(QFile::exists(ws2 + QStringLiteral("/README.md")));
        run.cleanupButton()->click();
        QVERIFY(!QFile::exists(ws2 + QStringLiteral("/README.md")));
        QVERIFY2(run.summary()->text().startsWith(QStringLiteral("Cleaned up")), qPrintable(run.summary()->text()));
        QVERIFY(run.cleanupButton()->isHidden());
    }

    // A real run (last: it adds a source to the workspace): publishing to a local bare remote,
    // registering, and the new entity is in the catalog; the run's link opens it.
    void realRun_pushesRegistersAndLinksToTheNewEntity()
    {
        QTemporaryDir remotes, taskWs;
        const QString bare = remotes.filePath(QStringLiteral("orders-api.git"));
        QVERIFY(Testing::runGit({QStringLiteral("init"), QStringLiteral("--bare"), bare}).ok());
        const auto templ = m_page->loadTemplate(QStringLiteral("go-service"));
        QVERIFY(templ.has_value());
        const QJsonObject values {{QStringLiteral("name"), QStringLiteral("orders-api")},
                                  {QStringLiteral("description"), QStringLiteral("Takes orders.")},
                                  {QStringLiteral("owner"), QStringLiteral("group:default/team-a")},
                                  {QStringLiteral("system"), QStringLiteral("system:default/payments")},
                                  {QStringLiteral("lifecycle"), QStringLiteral("experimental")},
                                  {QStringLiteral("port"), 8080},
                                  {QStringLiteral("repoUrl"), QStringLiteral("github.com?owner=acme&repo=orders-api")},
                                  {QStringLiteral("repoVisibility"), QStringLiteral("private")}};
        RunView run(*m_context);
        run.resize(1100, 700);
        run.show();
        QSignalSpy finished(&run, &RunView::runFinished);
        run.start(*templ, values, false, taskWs.filePath(QStringLiteral("task")), Testing::fileUrl(bare));
        QVERIFY(run.isRunning());
        QVERIFY(run.cancelButton()->isVisible());
        QVERIFY(QTest::qWaitFor([&] { return finished.size() == 1; }, 120000));
        QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(run.state().error));
        QVERIFY(!Testing::revParse(bare, QStringLiteral("main")).isEmpty()); // really pushed
        QVERIFY(QTest::qWaitFor([&] {
            return !m_service->isRefreshing() && m_service->catalog()->indexOf(QStringLiteral("component:default/orders-api")) >= 0;
        }, 60000));
        QPushButton* open = nullptr;
        for (QPushButton* b : run.linksArea()->findChildren<QPushButton*>())
            if (b->toolTip() == QLatin1String("component:default/orders-api"))
                open = b;
        QVERIFY(open && open->isEnabled());
        open->click();
        QCOMPARE(m_navigator->current().toString(), QStringLiteral("entity:component:default/orders-api"));
    }
};

QTEST_MAIN(tst_CreatePage)
#include "tst_createpage.moc"
