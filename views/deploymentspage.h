// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "page.h"

#include "catalog/catalog.h"

#include <QHash>
#include <QPointer>
#include <QQueue>
#include <QSet>

class QLabel;
class QPushButton;
class QSplitter;
class QStackedWidget;
class QTableWidget;

namespace Flightdeck::Deploy {
class DeployService;
struct DeployResult;
}

namespace Flightdeck::Views {

class DeploymentsView;
class Placeholder;

// Deployments: every deployable service with the version running in each environment (coloured by
// health), read asynchronously for the rows on screen, and below it the deployments of the chosen
// service (DeploymentsView: its environments, history, actions and live progress). Locations:
// "deployments", "deployments:<service>", and
// "deployments:<service>/<deploy|promote|rollback>:<env>[=<version>]", which opens that action's dialog (nothing runs before the user confirms there).
class DeploymentsPage final : public Page
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeploymentsPage)

public:
    explicit DeploymentsPage(AppContext& context, QWidget* parent = nullptr);

    QString id() const override { return QStringLiteral("deployments"); }
    QString title() const override { return tr("Deployments"); }
    QIcon icon() const override;
    void open(const QString& argument) override;
    QString windowTitle() const override;
    bool isBusy() const override;

    // The deploy service's services changed (a new catalog, or new deploy settings): list them again.
    void reload();
    // Reads what runs everywhere again (the services on screen and the one shown below).
    void refresh();

    // For tests.
    QTableWidget* serviceTable() const { return m_table; }
    DeploymentsView* view() const { return m_view; }
    Placeholder* placeholder() const { return m_placeholder; }
    bool isPlaceholderShown() const;
    QString selectedService() const;

protected:
    void showEvent(QShowEvent* event) override;

private:
    struct Cell
    {
        QString service;
        QString environment;
    };
    void attach();
    void rebuild();
    void selectService(const QString& service);
    void showSelected(const QString& service);
    void loadVisible();
    void loadRow(const QString& service, bool force);
    void pump();
    void showCell(const QString& service, const QString& environment, const Deploy::DeployResult& result);
    void applyPendingAction();

    QPointer<Deploy::DeployService> m_deploy;
    QStringList m_services;
    QStringList m_environments;
    QString m_selected; // the service the view shows
    QString m_wanted; // asked for by a location, shown once listed
    bool m_quiet = false; // selecting for a location, not the user
    QString m_pendingAction; // "deploy:env" etc., for when the service is listed
    bool m_dirty = true;
    int m_generation = 0;
    QSet<QString> m_requested; // "service\nenv" asked (or answered) in this generation
    QQueue<Cell> m_queue;
    int m_inFlight = 0;

    QLabel* m_subtitle = nullptr;
    QPushButton* m_refresh = nullptr;
    QStackedWidget* m_states = nullptr;
    QSplitter* m_split = nullptr;
    QTableWidget* m_table = nullptr;
    DeploymentsView* m_view = nullptr;
    Placeholder* m_placeholder = nullptr;
};

} // namespace Flightdeck::Views
