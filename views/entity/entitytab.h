// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "catalog/catalog.h"

#include <QWidget>

namespace Flightdeck::Views {

struct AppContext;

// One tab of the entity page (Overview, Relations, API, Docs, Source, Problems). The page calls
// setEntity() whenever it shows an entity or the catalog snapshot changes; a tab loads what it
// needs then (on a worker if it reads files) and draws. Tabs that do not apply to an entity say
// so through appliesTo(), and the page hides them.
class EntityTab : public QWidget
{
    Q_OBJECT
public:
    explicit EntityTab(AppContext& context, QWidget* parent = nullptr)
        : QWidget(parent)
        , m_context(context)
    {
    }

    virtual QString title() const = 0;
    virtual QString iconName() const = 0; // a name in resources/icons
    virtual bool appliesTo(const Catalog::Catalog& catalog, int entity) const
    {
        Q_UNUSED(catalog)
        Q_UNUSED(entity)
        return true;
    }
    // entity: index into catalog, or -1 for none.
    virtual void setEntity(const Catalog::CatalogPtr& catalog, int entity) = 0;
    // A tab-specific argument from the location ("source:42" jumps to line 42).
    virtual void setArgument(const QString& argument) { Q_UNUSED(argument) }
    // Still reading what it shows (asynchronously); --screenshot waits for it.
    virtual bool isBusy() const { return false; }

protected:
    AppContext& context() const { return m_context; }

private:
    AppContext& m_context;
};

} // namespace Flightdeck::Views
