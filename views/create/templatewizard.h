// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "catalog/catalog.h"
#include "scaffolder/formschema.h"
#include "scaffolder/template.h"

#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QSet>
#include <QWidget>

class QLabel;
class QListWidget;
class QPushButton;
class QScrollArea;

namespace Flightdeck::Views::Create {

class FieldRow;

// The form of a template, generated from its parameter pages (formschema.h): one step per visible
// page, then a review of every value. Validation runs as the user types: a field's failed rule
// shows under it once the field was touched, and Next stays disabled while the page has errors.
// The wizard runs nothing: it ends with submitted(), which the task runner's view connects to.
class TemplateWizard : public QWidget
{
    Q_OBJECT
public:
    explicit TemplateWizard(QWidget* parent = nullptr);

    // Starts over with this template. The catalog feeds the entity pickers.
    void setTemplate(const Scaffolder::Template& templ, const Catalog::CatalogPtr& catalog,
        const Scaffolder::FormContext& context = {});
    const Scaffolder::Template& templ() const { return m_template; }

    // The values as they would be submitted: every visible page's active fields, nothing else.
    QJsonObject values() const;
    // Every value entered so far, including fields that conditions hide now.
    QJsonObject rawValues() const { return m_values; }

    // Steps are the visible parameter pages, then the review.
    int stepCount() const;
    int currentStep() const { return m_step; }
    bool isReview() const;
    QStringList stepTitles() const;
    // The rows of the page shown now (nested object fields included).
    QList<FieldRow*> rows() const { return m_rows; }
    FieldRow* row(const QString& path) const;
    QList<Scaffolder::FieldError> pageErrors() const { return m_errors; }

    QListWidget* stepList() const { return m_steps; }
    QPushButton* nextButton() const { return m_next; }
    QPushButton* backButton() const { return m_back; }
    QPushButton* dryRunButton() const { return m_dryRun; }
    QPushButton* runButton() const { return m_run; }
    QWidget* reviewWidget() const { return m_review; }

public Q_SLOTS:
    bool next();
    void back();
    // Moves to a step; going forward stops at the first page with errors.
    void goToStep(int step);

Q_SIGNALS:
    // The user asked for a dry-run (dryRun) or a real run, from the review page.
    void submitted(const Flightdeck::Scaffolder::Template& templ, const QJsonObject& values, bool dryRun);
    void cancelled();
    void stepChanged(int step);

protected:
    void keyPressEvent(QKeyEvent* event) override;

private:
    QList<int> visiblePages() const;
    void showStep(int step);
    void buildPage(const QString& focusPath = {});
    void buildReview();
    void chainButtonsAfter(QWidget* holder);
    void collect();
    void onEdited(const QString& path);
    void validate();
    void updateSteps();
    QString signature() const;

    Scaffolder::Template m_template;
    Catalog::CatalogPtr m_catalog;
    Scaffolder::FormContext m_context;
    QList<Scaffolder::FormPage> m_pages;
    QJsonObject m_values;
    int m_step = 0;
    int m_page = -1; // index into m_pages, -1 on the review
    QList<FieldRow*> m_topRows;
    QList<FieldRow*> m_rows;
    QList<Scaffolder::FieldError> m_errors;
    QSet<QString> m_touched;
    QString m_signature;

    QListWidget* m_steps = nullptr;
    QLabel* m_title = nullptr;
    QLabel* m_description = nullptr;
    QScrollArea* m_scroll = nullptr;
    QWidget* m_review = nullptr;
    QLabel* m_summary = nullptr;
    QPushButton* m_cancel = nullptr;
    QPushButton* m_back = nullptr;
    QPushButton* m_next = nullptr;
    QPushButton* m_dryRun = nullptr;
    QPushButton* m_run = nullptr;
};

// How the review shows a value: enum labels, Yes/No, lists joined, objects as key: value.
QString reviewText(const Scaffolder::FormField& field, const QJsonValue& value);

} // namespace Flightdeck::Views::Create

