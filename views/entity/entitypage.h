// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "page.h"

#include "catalog/catalog.h"

class QLabel;
class QTabWidget;
class QToolButton;
class QHBoxLayout;
class QStackedWidget;

namespace Flightdeck::Views {

class EntityTab;

// One entity: a header (kind, title, ref, owner, system, lifecycle, tags, links) and tabs for
// Overview, Relations, API, Docs, Source, Problems, and for groups and people their members and
// what they own. The location argument is "<ref>[/<tab>[:<tab argument>]]", e.g.
// "component:default/checkout/source:42".
class EntityPage : public Page
{
    Q_OBJECT
public:
    explicit EntityPage(AppContext& context, QWidget* parent = nullptr);

    QString id() const override { return QStringLiteral("entity"); }
    QString title() const override { return tr("Entity"); }
    QIcon icon() const override;
    bool inSidebar() const override { return false; }
    void open(const QString& argument) override;
    QString windowTitle() const override;
    bool isBusy() const override;

    QString currentKey() const { return m_key; }
    QTabWidget* tabs() const { return m_tabs; }
    QString currentTab() const;

private:
    void setCatalog(const Catalog::CatalogPtr& catalog);
    void show();
    void showHeader(const Catalog::Entity& e);
    void addTab(EntityTab* tab, const QString& id);

    Catalog::CatalogPtr m_catalog;
    QString m_key;
    QString m_tab;
    QString m_tabArgument;
    QStackedWidget* m_states = nullptr; // the entity, or "not found"
    QLabel* m_notFound = nullptr;
    QLabel* m_kindIcon = nullptr;
    QLabel* m_title = nullptr;
    QLabel* m_ref = nullptr;
    QLabel* m_facts = nullptr;
    QHBoxLayout* m_links = nullptr;
    QTabWidget* m_tabs = nullptr;
    QList<QPair<QString, EntityTab*>> m_allTabs; // id, tab (also when hidden)
    bool m_switching = false;
};

} // namespace Flightdeck::Views
