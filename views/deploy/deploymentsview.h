// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "deploy/deployservice.h"
#include "deploydialog.h"

#include <QFrame>
#include <QHash>
#include <QPointer>

class QComboBox;
class QHBoxLayout;
class QLabel;
class QPushButton;
class QSplitter;
class QStackedWidget;
class QTableWidget;
class QToolButton;

namespace Flightdeck::Views {

struct AppContext;
class DeployProgress;
class Placeholder;

// One environment of a service: the version running there, its status and health, who deployed it
// and when, the backend, and the actions (Deploy…, Promote, Roll back…). While its status loads it
// says so; a status that cannot be read shows the backend's message in the card.
class EnvironmentCard final : public QFrame
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EnvironmentCard)

public:
    EnvironmentCard(const QString& environment, QWidget* parent = nullptr);

    QString environment() const { return m_environment; }
    void setBackend(const QString& name, const QString& type, bool confirm);
    void setLoading();
    void setStatus(const Deploy::DeployResult& status);
    // The newest release of the service's repository; the card offers it when it is newer than
    // what runs. Empty: none known.
    void setNewestRelease(const QString& version, const QString& detail);
    bool isLoading() const { return m_loading; }
    bool hasError() const { return m_hasError; }
    // What the card shows: the version running ("" when none or not loaded).
    QString version() const { return m_version; }
    QString health() const { return m_health; }

    QLabel* versionLabel() const { return m_versionLabel; }
    QLabel* statusLabel() const { return m_statusLabel; }
    QLabel* deployedLabel() const { return m_deployedLabel; }
    QLabel* errorLabel() const { return m_error; }
    QPushButton* deployButton() const { return m_deploy; }
    QPushButton* promoteButton() const { return m_promote; }
    QPushButton* rollbackButton() const { return m_rollback; }
    QLabel* newerLabel() const { return m_newer; }

Q_SIGNALS:
    void deployRequested(const QString& environment);
    void promoteRequested(const QString& environment);
    void rollbackRequested(const QString& environment);
    void deployVersionRequested(const QString& environment, const QString& version);

protected:
    void paintEvent(QPaintEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void applyColors();
    void updateNewer();

    QString m_environment;
    QString m_version;
    QString m_health;
    QString m_url;
    QString m_newestRelease;
    QString m_newestDetail;
    bool m_loading = false;
    bool m_hasError = false;
    QLabel* m_name = nullptr;
    QLabel* m_shield = nullptr;
    QLabel* m_newer = nullptr;
    QLabel* m_backend = nullptr;
    QLabel* m_versionLabel = nullptr;
    QLabel* m_statusLabel = nullptr;
    QLabel* m_deployedLabel = nullptr;
    QLabel* m_message = nullptr;
    QLabel* m_error = nullptr;
    QLabel* m_link = nullptr;
    QPushButton* m_deploy = nullptr;
    QPushButton* m_promote = nullptr;
    QPushButton* m_rollback = nullptr;
};

// The deployments of ONE service: a card per environment in promotion order, the history below
// (all environments merged, or one), and the live progress of an operation started here. Status
// and history are read asynchronously through DeployService::query() when the view is shown (and
// again after every operation of the service and on Refresh); nothing blocks and nothing is modal
// on load. Used by the Deployments page and the entity page's Deployments tab.
class DeploymentsView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeploymentsView)

public:
    explicit DeploymentsView(AppContext& context, QWidget* parent = nullptr);

    // The catalog name of the service to show; loads when the view is (or becomes) visible.
    void setService(const QString& service, const QString& title = {});
    QString service() const { return m_service; }
    // The heading with the service's name (off where the page around already names it).
    void setHeaderVisible(bool visible);
    // Reads status and history again.
    void refresh();
    // Reads them again now when shown, else when next shown.
    void invalidate();
    bool isLoading() const { return m_pending > 0; }
    bool isOperationRunning() const;

    // Opens the dialog of an action; nothing runs before the user confirms there.
    DeployDialog* openDialog(DeployDialog::Mode mode, const QString& environment, const QString& version = {},
        const QString& historyId = {});

    // For tests.
    QList<EnvironmentCard*> cards() const { return m_cards; }
    EnvironmentCard* card(const QString& environment) const;
    QTableWidget* historyTable() const { return m_history; }
    QComboBox* historyFilter() const { return m_filter; }
    QPushButton* rollbackToButton() const { return m_rollbackTo; }
    QPushButton* refreshButton() const { return m_refresh; }
    DeployProgress* progress() const { return m_progress; }

    enum HistoryColumn
    {
        When,
        Environment,
        Operation,
        Version,
        From,
        Result,
        By,
        Id,
        HistoryColumnCount
    };

Q_SIGNALS:
    // Status and history of every environment arrived (or failed).
    void loaded();
    void operationFinished(const QString& service, const QString& environment, const Flightdeck::Deploy::DeployResult& result);

protected:
    void showEvent(QShowEvent* event) override;

private:
    struct Row
    {
        QString environment;
        Deploy::HistoryEntry entry;
    };
    void attach();
    void rebuildCards();
    void rebuildHistory();
    void updateActions();
    void settle();
    void showStatus(const QString& environment);
    void rollbackToSelected();
    void startOperation(Deploy::DeployOperation* operation);
    QStringList knownVersions() const;
    const Row* selectedRow() const;

    AppContext& m_context;
    QPointer<Deploy::DeployService> m_deploy;
    QString m_service;
    QString m_title;
    bool m_dirty = true;
    int m_generation = 0;
    int m_pending = 0;
    QHash<QString, Deploy::DeployResult> m_status; // by environment, as loaded
    QString m_newestRelease; // of the service's repository; empty when none is known
    QString m_newestDetail;
    QHash<QString, QList<Deploy::HistoryEntry>> m_historyByEnvironment;
    QHash<QString, QString> m_historyErrors;
    QList<Row> m_rows; // the history table's rows, in order
    QStringList m_environments; // the cards' environments, in order

    QStackedWidget* m_states = nullptr;
    Placeholder* m_placeholder = nullptr;
    QWidget* m_header = nullptr;
    QLabel* m_heading = nullptr;
    QLabel* m_subheading = nullptr;
    QPushButton* m_refresh = nullptr;
    QHBoxLayout* m_cardsLayout = nullptr;
    QList<EnvironmentCard*> m_cards;
    QSplitter* m_split = nullptr;
    DeployProgress* m_progress = nullptr;
    QHBoxLayout* m_historyHead = nullptr;
    QComboBox* m_filter = nullptr;
    QLabel* m_historyStatus = nullptr;
    QPushButton* m_rollbackTo = nullptr;
    QTableWidget* m_history = nullptr;
};

} // namespace Flightdeck::Views
