// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "deploy/deployservice.h"
#include "deploy/sourceversions.h"

#include <QDialog>
#include <QPointer>
#include <QStringList>

class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QTimer;

namespace Flightdeck::Views {

class NoticeBar;

// Deploy, promote or roll back one service: the user picks the environment, the version (deploy;
// rollback optionally) and, where the backend has them, a strategy. Every change is planned at once
// through DeployService::prepare(), and the dialog states exactly what will change (from → to, the
// environment, the backend, the plan's notes). A plan that cannot run shows why, inline, and the
// action stays disabled; a protected environment (plan.confirm) also wants the service name typed.
// Nothing runs here: after accept(), takeOperation() hands the planned operation to the caller,
// which executes it and follows its progress.
class DeployDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeployDialog)

public:
    enum class Mode
    {
        Deploy,
        Promote,
        Rollback,
    };

    struct Setup
    {
        Mode mode = Mode::Deploy;
        QString service;
        QString environment;
        QString version; // deploy: preselected; rollback: the version to go back to (empty: the one before)
        QString historyId; // rollback: to this history entry
        QStringList knownVersions; // running elsewhere or found in history, newest first
    };

    DeployDialog(Deploy::DeployService* service, const Setup& setup, QWidget* parent = nullptr);
    ~DeployDialog() override; // drops an operation nobody took

    Mode mode() const { return m_setup.mode; }
    // After accepted(): the planned operation, ready for execute(). Null when there is none.
    Deploy::DeployOperation* takeOperation();

    bool isPlanned() const { return m_planned; }
    // Still working out the plan or reading the backend's versions.
    bool isBusy() const;
    const Deploy::DeployPlan& plan() const { return m_plan; }

    // For tests.
    QComboBox* environmentBox() const { return m_environment; }
    QComboBox* versionBox() const { return m_version; }
    QLabel* versionNote() const { return m_versionNote; }
    QComboBox* strategyBox() const { return m_strategy; }
    QLineEdit* confirmField() const { return m_confirm; }
    QPushButton* actionButton() const { return m_action; }
    QLabel* summaryLabel() const { return m_summary; }
    NoticeBar* errorBar() const { return m_error; }

    void accept() override;

Q_SIGNALS:
    // A plan for the current choices arrived (ok or not).
    void planReady(const Flightdeck::Deploy::DeployPlan& plan);

private:
    void environmentChanged();
    void loadVersions();
    void schedulePlan();
    void startPlan();
    void showPlan(const Deploy::DeployPlan& plan);
    void updateAction();
    void growToFit();
    void dropOperation();
    QString actionText() const;

    QPointer<Deploy::DeployService> m_service;
    Setup m_setup;
    QPointer<Deploy::DeployOperation> m_operation;
    Deploy::DeployPlan m_plan;
    bool m_planned = false;
    int m_versionsGeneration = 0;
    // The versions offered: the backend's, then the service repository's tags and commits.
    bool m_backendVersionsLoading = false;
    bool m_sourceVersionsLoading = false;
    Deploy::DeployResult m_backendVersions;
    Deploy::SourceVersions m_sourceVersions;
    void showVersions();

    QFormLayout* m_form = nullptr;
    QComboBox* m_environment = nullptr;
    QComboBox* m_version = nullptr;
    QLabel* m_versionNote = nullptr;
    QLabel* m_promoteVersion = nullptr;
    QComboBox* m_strategy = nullptr;
    QLabel* m_summary = nullptr;
    QLabel* m_details = nullptr;
    QLabel* m_notes = nullptr;
    QLabel* m_planning = nullptr;
    NoticeBar* m_error = nullptr;
    QWidget* m_confirmRow = nullptr;
    QLabel* m_confirmLabel = nullptr;
    QLineEdit* m_confirm = nullptr;
    QPushButton* m_action = nullptr;
    QTimer* m_planTimer = nullptr;
};

} // namespace Flightdeck::Views
