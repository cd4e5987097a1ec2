// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "page.h"

#include "sources/sourcespec.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace Flightdeck::Workspace {
class Workspace;
}

namespace Flightdeck::Views {

// Adds or edits one catalog source: its type and location, a credential kept in the OS keychain
// (entered once, stored by name), globs, and a connection test.
class SourceDialog : public QDialog
{
    Q_OBJECT
public:
    SourceDialog(AppContext& context, const Workspace::Workspace& workspace, const Sources::CatalogSourceSpec& source,
                 bool adding, QWidget* parent = nullptr);

    Sources::CatalogSourceSpec source() const;
    // The secret typed for the credential (empty: keep the stored one).
    QString secret() const;

    QComboBox* typeBox() const { return m_type; }
    QLineEdit* nameEdit() const { return m_name; }
    QLineEdit* locationEdit() const { return m_location; }
    QLineEdit* branchEdit() const { return m_branch; }
    QLineEdit* credentialEdit() const { return m_credential; }
    QLineEdit* secretEdit() const { return m_secret; }
    QPushButton* testButton() const { return m_test; }
    QLabel* testResult() const { return m_result; }

public Q_SLOTS:
    void accept() override;
    void testConnection();

private:
    void updateFields();
    bool validate();

    AppContext& m_context;
    const Workspace::Workspace& m_workspace;
    QString m_originalName;
    bool m_adding;
    QComboBox* m_type = nullptr;
    QLineEdit* m_name = nullptr;
    QLineEdit* m_location = nullptr;
    QPushButton* m_browse = nullptr;
    QLineEdit* m_branch = nullptr;
    QLineEdit* m_globs = nullptr;
    QLineEdit* m_credential = nullptr;
    QLineEdit* m_secret = nullptr;
    QSpinBox* m_refresh = nullptr;
    QPushButton* m_test = nullptr;
    QLabel* m_result = nullptr;
    QLabel* m_error = nullptr;
    QLabel* m_locationLabel = nullptr;
};

// The workspace's catalog sources with their status, add/edit/remove, connection tests, refresh
// now, and the automatic refresh interval.
class SettingsPage : public Page
{
    Q_OBJECT
public:
    explicit SettingsPage(AppContext& context, QWidget* parent = nullptr);

    QString id() const override { return QStringLiteral("settings"); }
    QString title() const override { return tr("Settings"); }
    QIcon icon() const override;

    QTableWidget* sourcesTable() const { return m_sources; }
    // Stores a source edited in a dialog: the workspace file, then the secret in the keychain.
    bool applySource(const Sources::CatalogSourceSpec& source, const QString& secret, const QString& replacing);

public Q_SLOTS:
    void addSource();
    void editSource();
    void removeSource();
    void testSource();

Q_SIGNALS:
    void secretStored(const QString& name, bool ok, const QString& message);

private:
    void fill();
    QString selectedName() const;

    QTableWidget* m_sources = nullptr;
    QLabel* m_workspacePath = nullptr;
    QLabel* m_status = nullptr;
    QSpinBox* m_interval = nullptr;
    QPushButton* m_edit = nullptr;
    QPushButton* m_remove = nullptr;
    QPushButton* m_test = nullptr;
};

} // namespace Flightdeck::Views
