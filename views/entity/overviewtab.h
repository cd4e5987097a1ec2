// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "entitytab.h"

class QTextBrowser;

namespace Flightdeck::Views {

// Description, metadata, annotations, links and a summary of every relation, each related entity
// a link.
class OverviewTab : public EntityTab
{
    Q_OBJECT
public:
    explicit OverviewTab(AppContext& context, QWidget* parent = nullptr);
    QString title() const override { return tr("Overview"); }
    QString iconName() const override { return QStringLiteral("info"); }
    void setEntity(const Catalog::CatalogPtr& catalog, int entity) override;

    QTextBrowser* browser() const { return m_browser; }
    // The HTML for an entity, for tests.
    static QString html(const Catalog::Catalog& catalog, int entity, const QPalette& palette);

protected:
    void changeEvent(QEvent* event) override;

private:
    QTextBrowser* m_browser = nullptr;
    Catalog::CatalogPtr m_catalog;
    int m_entity = -1;
};

} // namespace Flightdeck::Views
