// SPDX-License-Identifier: Apache-2.0
// The deployments of one service, driven through the real widgets on the offscreen platform over a
// real DeployService and a real script backend (/bin/sh writing what it deploys to a file): the
// cards show the environments in promotion order with the versions the journal recorded, the
// history lists those deployments, the deploy dialog refuses a production plan until the service
// name is typed and then really runs it, an impossible plan shows why inline, and the Deployments
// page says how to set deploying up when the workspace has no spec.deploy.
#include "appcontext.h"
#include "deploy/deploydialog.h"
#include "deploy/deploymentsview.h"
#include "deploy/deployprogress.h"
#include "deploymentspage.h"
#include "widgets/codeviewparts.h"

#include "deploy/deployservice.h"
#include "workspace/workspace.h"

#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Flightdeck;
using namespace Flightdeck::Views;

class tst_DeploymentsView : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Deploy::DeployService> m_service;
    AppContext m_context;

    QString deployedLog() const { return m_dir.filePath(QStringLiteral("deployed.log")); }

    QString readDeployed() const
    {
        QFile f(deployedLog());
        return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
    }

    // dev → staging → production, all through one script that appends "<environment> <version>"
    // to a file and reports a step; production asks for the service name.
    Workspace::DeploySettings settings() const
    {
        Workspace::DeploySettings d;
        Workspace::DeployBackendSpec script;
        script.name = QStringLiteral("local");
        script.type = QStringLiteral("script");
        script.settings.insert(QStringLiteral("command"),
            QStringLiteral("echo '::step::Install'; echo \"installing $SERVICE $VERSION\"; "
                           "printf '%s %s\\n' \"$ENVIRONMENT\" \"$VERSION\" >> '%1'")
                .arg(deployedLog()));
        d.backends << script;
        d.environments << Workspace::DeployEnvironmentSpec {QStringLiteral("dev"), script.name, false, {}, {}}
                       << Workspace::DeployEnvironmentSpec {QStringLiteral("staging"), script.name, false, {}, {}}
                       << Workspace::DeployEnvironmentSpec {QStringLiteral("production"), script.name, true, {}, {}};
        Workspace::DeployServiceSpec checkout;
        checkout.name = QStringLiteral("checkout");
        d.services << checkout;
        return d;
    }

    // A real operation through the service, outside the view (what an earlier session did).
    void deploy(const QString& environment, const QString& version)
    {
        Deploy::OperationRequest request;
        request.service = QStringLiteral("checkout");
        request.environment = environment;
        request.version = version;
        Deploy::DeployOperation* op = m_service->prepare(request);
        QSignalSpy planned(op, &Deploy::DeployOperation::planned);
        QVERIFY(planned.wait(10000));
        QVERIFY2(op->plan().ok, qPrintable(op->plan().error));
        QSignalSpy finished(m_service.get(), &Deploy::DeployService::operationFinished);
        op->execute();
        QVERIFY(finished.wait(20000));
        QVERIFY(finished.first().at(2).value<Deploy::DeployResult>().ok());
    }

    static QStringList column(QTableWidget* table, int c)
    {
        QStringList out;
        for (int r = 0; r < table->rowCount(); ++r)
            out << (table->item(r, c) ? table->item(r, c)->text() : QString());
        return out;
    }

    // A view of checkout, shown and loaded.
    std::unique_ptr<DeploymentsView> loadedView()
    {
        auto view = std::make_unique<DeploymentsView>(m_context);
        view->resize(1200, 800);
        view->setService(QStringLiteral("checkout"), QStringLiteral("Checkout"));
        QSignalSpy loaded(view.get(), &DeploymentsView::loaded);
        view->show();
        if (!loaded.wait(20000))
            return nullptr;
        return view;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QStandardPaths::setTestModeEnabled(true);
        qRegisterMetaType<Flightdeck::Deploy::DeployResult>();
        Deploy::DeployService::Options options;
        options.workspaceDirectory = m_dir.path();
        options.databasePath = m_dir.filePath(QStringLiteral("store.sqlite"));
        options.dataDirectory = m_dir.filePath(QStringLiteral("data"));
        options.actor = QStringLiteral("Rita Release <rita@example.com>");
        m_service = std::make_unique<Deploy::DeployService>(settings(), options);
        m_context.deploy = m_service.get();
        deploy(QStringLiteral("dev"), QStringLiteral("1.0.0"));
        deploy(QStringLiteral("dev"), QStringLiteral("1.1.0"));
        deploy(QStringLiteral("staging"), QStringLiteral("1.0.0"));
        QCOMPARE(readDeployed(), QStringLiteral("dev 1.0.0\ndev 1.1.0\nstaging 1.0.0\n"));
    }

    void view_loaded_showsEnvironmentsVersionsAndHistory()
    {
        const auto view = loadedView();
        QVERIFY(view);
        QStringList environments;
        for (EnvironmentCard* c : view->cards())
            environments << c->environment();
        QCOMPARE(environments, (QStringList {QStringLiteral("dev"), QStringLiteral("staging"), QStringLiteral("production")}));

        EnvironmentCard* dev = view->card(QStringLiteral("dev"));
        EnvironmentCard* staging = view->card(QStringLiteral("staging"));
        EnvironmentCard* production = view->card(QStringLiteral("production"));
        QVERIFY(!dev->isLoading() && !dev->hasError());
        QCOMPARE(dev->version(), QStringLiteral("1.1.0"));
        QCOMPARE(dev->versionLabel()->text(), QStringLiteral("1.1.0"));
        QVERIFY2(dev->deployedLabel()->text().contains(QStringLiteral("Rita Release")), qPrintable(dev->deployedLabel()->text()));
        QVERIFY(dev->deployedLabel()->toolTip().contains(QStringLiteral(" UTC")));
        QCOMPARE(staging->version(), QStringLiteral("1.0.0"));
        QCOMPARE(production->version(), QString());
        QCOMPARE(production->versionLabel()->text(), QStringLiteral("—"));

        // Promote takes the version of the environment before; the first has none.
        QVERIFY(!dev->promoteButton()->isEnabled());
        QVERIFY(staging->promoteButton()->isEnabled());
        QVERIFY2(staging->promoteButton()->toolTip().contains(QStringLiteral("1.1.0"))
                && staging->promoteButton()->toolTip().contains(QStringLiteral("dev")),
            qPrintable(staging->promoteButton()->toolTip()));

        // The history, newest first, merged over the environments, then one environment.
        QTableWidget* history = view->historyTable();
        QCOMPARE(history->rowCount(), 3);
        QCOMPARE(column(history, DeploymentsView::Version),
            (QStringList {QStringLiteral("1.0.0"), QStringLiteral("1.1.0"), QStringLiteral("1.0.0")}));
        QCOMPARE(column(history, DeploymentsView::Environment),
            (QStringList {QStringLiteral("staging"), QStringLiteral("dev"), QStringLiteral("dev")}));
        QCOMPARE(column(history, DeploymentsView::Result).count(QStringLiteral("succeeded")), 3);
        QCOMPARE(column(history, DeploymentsView::By).count(QStringLiteral("Rita Release")), 3);
        QCOMPARE(history->item(1, DeploymentsView::From)->text(), QStringLiteral("1.0.0"));
        view->historyFilter()->setCurrentIndex(view->historyFilter()->findData(QStringLiteral("dev")));
        QCOMPARE(column(history, DeploymentsView::Environment), (QStringList {QStringLiteral("dev"), QStringLiteral("dev")}));
        QVERIFY(!view->rollbackToButton()->isEnabled()); // nothing selected
        history->selectRow(1);
        QVERIFY(view->rollbackToButton()->isEnabled());
        QVERIFY(view->rollbackToButton()->toolTip().contains(QStringLiteral("1.0.0")));
    }

    void dialog_production_runsOnlyOnceTheServiceNameIsTyped()
    {
        const auto view = loadedView();
        QVERIFY(view);
        DeployDialog* dialog = view->openDialog(DeployDialog::Mode::Deploy, QStringLiteral("production"), QStringLiteral("1.1.0"));
        QVERIFY(dialog);
        QSignalSpy planned(dialog, &DeployDialog::planReady);
        QVERIFY(planned.wait(10000));
        const Deploy::DeployPlan plan = dialog->plan();
        QVERIFY2(plan.ok, qPrintable(plan.error));
        QVERIFY(plan.confirm);
        QCOMPARE(plan.environment, QStringLiteral("production"));
        QCOMPARE(plan.toVersion, QStringLiteral("1.1.0"));
        QVERIFY(dialog->summaryLabel()->text().contains(QStringLiteral("production")));
        QVERIFY(dialog->confirmField()->isVisible());

        // Not without the name: neither the button nor Enter nor accept() runs anything.
        QVERIFY(!dialog->actionButton()->isEnabled());
        QTest::keyClick(dialog->confirmField(), Qt::Key_Return);
        dialog->accept();
        QVERIFY(dialog->result() != QDialog::Accepted);
        QVERIFY(!dialog->takeOperation());
        QTest::keyClicks(dialog->confirmField(), QStringLiteral("checkou"));
        QVERIFY(!dialog->actionButton()->isEnabled());
        QTest::keyClicks(dialog->confirmField(), QStringLiteral("tt"));
        QVERIFY(!dialog->actionButton()->isEnabled());
        QTest::keyClick(dialog->confirmField(), Qt::Key_Backspace);
        QVERIFY(dialog->actionButton()->isEnabled());
        QVERIFY(!readDeployed().contains(QStringLiteral("production")));

        // Typed: it runs, the progress follows it, and the card shows the new version.
        QSignalSpy finished(view->progress(), &DeployProgress::operationFinished);
        QSignalSpy reloaded(view.get(), &DeploymentsView::loaded);
        QTest::mouseClick(dialog->actionButton(), Qt::LeftButton);
        QVERIFY(view->progress()->isVisible());
        QVERIFY(finished.wait(20000));
        const auto result = finished.first().at(1).value<Deploy::DeployResult>();
        QVERIFY2(result.ok(), qPrintable(result.message));
        QVERIFY(readDeployed().endsWith(QStringLiteral("production 1.1.0\n")));
        QVERIFY(view->progress()->logView()->toPlainText().contains(QStringLiteral("installing checkout 1.1.0")));
        QStringList steps;
        for (int i = 0; i < view->progress()->stepList()->count(); ++i)
            steps << view->progress()->stepList()->item(i)->text();
        QVERIFY2(steps.contains(QStringLiteral("Install")), qPrintable(steps.join(QLatin1Char(','))));
        QVERIFY(!view->progress()->abortButton()->isVisible());
        QVERIFY(reloaded.wait(20000));
        QCOMPARE(view->card(QStringLiteral("production"))->version(), QStringLiteral("1.1.0"));
        QCOMPARE(view->historyTable()->item(0, DeploymentsView::Environment)->text(), QStringLiteral("production"));
    }

    void dialog_impossiblePlan_saysWhyAndRunsNothing()
    {
        const auto view = loadedView();
        QVERIFY(view);
        const QString before = readDeployed();
        // Staging has only ever run 1.0.0: there is nothing earlier to go back to.
        DeployDialog* dialog = view->openDialog(DeployDialog::Mode::Rollback, QStringLiteral("staging"));
        QVERIFY(dialog);
        QSignalSpy planned(dialog, &DeployDialog::planReady);
        QVERIFY(planned.wait(10000));
        QVERIFY(!dialog->plan().ok);
        QVERIFY(dialog->errorBar()->isVisible());
        QVERIFY(dialog->errorBar()->message().contains(QStringLiteral("staging")));
        QVERIFY(!dialog->actionButton()->isEnabled());
        dialog->accept();
        QVERIFY(!dialog->takeOperation());
        // Whatever is typed as a version is planned, never a crash.
        dialog->versionBox()->setEditText(QStringLiteral("../../\"; rm -rf / #"));
        QVERIFY(planned.wait(10000));
        dialog->reject();
        QCOMPARE(readDeployed(), before);
    }

    void page_withoutDeploySettings_saysHowToAddThem()
    {
        AppContext context; // no spec.deploy: no deploy service
        DeploymentsPage page(context);
        page.resize(1000, 700);
        page.show();
        QVERIFY(page.isPlaceholderShown());
        QVERIFY(page.placeholder()->text().contains(QStringLiteral("spec.deploy")));
        QVERIFY(!page.isBusy());
    }
};

QTEST_MAIN(tst_DeploymentsView)
#include "tst_deploymentsview.moc"
