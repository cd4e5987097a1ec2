// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "page.h"

#include "catalog/catalog.h"
#include "create/templatecards.h"
#include "scaffolder/template.h"

#include <QJsonObject>

#include <optional>

class QComboBox;
class QLabel;
class QLineEdit;
class QListView;
class QStackedWidget;

namespace Flightdeck::Views {

class RunView;

namespace Create {
class TemplateCardDelegate;
class TemplateWizard;
} // namespace Create

// Create: the templates as cards (the catalog's Template entities and the ones bundled with
// Flightdeck), searched on every keystroke and filtered by tag and owner; a card opens the
// template's wizard. Locations: "create" (the cards) and "create:<entity ref or bundled name>".
// The page runs nothing: runRequested() carries the template and the values to the task runner.
class CreatePage : public Page
{
    Q_OBJECT
public:
    explicit CreatePage(AppContext& context, QWidget* parent = nullptr);

    QString id() const override { return QStringLiteral("create"); }
    QString title() const override { return tr("Create"); }
    QIcon icon() const override;
    void open(const QString& argument) override;
    QString windowTitle() const override;
    QWidget* initialFocus() override;

    // Reads the template a card names: a bundled name ("cpp-service") or a Template entity's ref.
    std::optional<Scaffolder::Template> loadTemplate(const QString& key, QString* error = nullptr) const;

    // For tests.
    QLineEdit* searchField() const { return m_search; }
    QComboBox* tagFilter() const { return m_tag; }
    QComboBox* ownerFilter() const { return m_owner; }
    QListView* cardView() const { return m_view; }
    Create::TemplateCardModel* cardModel() const { return m_model; }
    Create::TemplateFilterModel* filterModel() const { return m_filter; }
    Create::TemplateWizard* wizard() const { return m_wizard; }
    bool isWizardShown() const;
    RunView* runView() const { return m_run; }
    bool isRunShown() const;
    // Where a run of this template works: a new folder under the app's data folder.
    static QString newTaskWorkspace(const Scaffolder::Template& templ, bool dryRun);
    QString openTemplateKey() const { return m_openKey; }

Q_SIGNALS:
    // The user finished the wizard: run the template with these values, or only dry-run it.
    void runRequested(const Flightdeck::Scaffolder::Template& templ, const QJsonObject& values, bool dryRun);

private:
    void setCatalog(const Catalog::CatalogPtr& catalog);
    void rebuildCards();
    void rebuildFilters();
    void applyFilter();
    void openIndex(const QModelIndex& index);
    void showGallery(const QString& notice = {});
    void startRun(const Scaffolder::Template& templ, const QJsonObject& values, bool dryRun);
    bool showWizard(const QString& key);
    void updateGrid();
    bool eventFilter(QObject* watched, QEvent* event) override;

    Catalog::CatalogPtr m_catalog;
    QList<Create::TemplateCard> m_bundled;
    QString m_pendingKey;
    QString m_openKey;
    QString m_openTitle;

    QStackedWidget* m_stack = nullptr;
    QLineEdit* m_search = nullptr;
    QComboBox* m_tag = nullptr;
    QComboBox* m_owner = nullptr;
    QLabel* m_summary = nullptr;
    QLabel* m_notice = nullptr;
    QListView* m_view = nullptr;
    Create::TemplateCardModel* m_model = nullptr;
    Create::TemplateFilterModel* m_filter = nullptr;
    Create::TemplateCardDelegate* m_delegate = nullptr;

    QLabel* m_wizardTitle = nullptr;
    QLabel* m_wizardDescription = nullptr;
    QLabel* m_wizardNotice = nullptr;
    Create::TemplateWizard* m_wizard = nullptr;
    RunView* m_run = nullptr;
    QWidget* m_runPage = nullptr;
};

} // namespace Flightdeck::Views
