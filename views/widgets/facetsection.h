// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QWidget>

class QListView;
class QToolButton;

namespace Flightdeck::Models {
class FacetModel;
}

namespace Flightdeck::Views {

// One facet in the catalog's filter panel: a collapsible title, the values with checkboxes and
// counts, "show all" when there are many, and a clear button when something is selected.
class FacetSection : public QWidget
{
    Q_OBJECT
public:
    FacetSection(const QString& title, Models::FacetModel* model, QWidget* parent = nullptr);

    QListView* list() const { return m_list; }
    void updateHeight();

private:
    Models::FacetModel* m_model;
    QToolButton* m_header = nullptr;
    QToolButton* m_clear = nullptr;
    QToolButton* m_more = nullptr;
    QListView* m_list = nullptr;
    bool m_expanded = true;
    bool m_showAll = false;
};

} // namespace Flightdeck::Views
