// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "page.h"

#include "catalog/catalog.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QStackedWidget;
class QTableView;

namespace Flightdeck::Models {
class DiagnosticsModel;
}

namespace Flightdeck::Views {

class Placeholder;

// Every diagnostic of the workspace, filterable by text, severity and kind of problem; opening one
// shows its file at its line.
class ProblemsPage : public Page
{
    Q_OBJECT
public:
    explicit ProblemsPage(AppContext& context, QWidget* parent = nullptr);

    QString id() const override { return QStringLiteral("problems"); }
    QString title() const override { return tr("Problems"); }
    QIcon icon() const override;
    QWidget* initialFocus() override;

    QLineEdit* filterField() const { return m_filter; }
    QComboBox* severityBox() const { return m_severity; }
    QTableView* table() const { return m_table; }
    int shownCount() const;
    // Where opening a row goes: "entity:<ref>/source:<line>", or "file:<path>:<line>".
    QString locationFor(int proxyRow) const;

private:
    void setCatalog(const Catalog::CatalogPtr& catalog);
    void updateFilter();

    Catalog::CatalogPtr m_catalog;
    QLineEdit* m_filter = nullptr;
    QComboBox* m_severity = nullptr;
    QComboBox* m_code = nullptr;
    QLabel* m_summary = nullptr;
    QTableView* m_table = nullptr;
    QStackedWidget* m_stack = nullptr;
    Placeholder* m_empty = nullptr;
    Models::DiagnosticsModel* m_model = nullptr;
    QSortFilterProxyModel* m_proxy = nullptr;
};

} // namespace Flightdeck::Views
