// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QList>
#include <QPair>
#include <QString>

#include <functional>

class QWidget;

namespace Flightdeck::Views {

struct AppContext;
class EntityTab;

using EntityTabFactory = std::function<EntityTab*(AppContext&, QWidget*)>;

// The content tabs of the entity page between Overview and Ownership/Problems, in display order,
// with the id used in locations ("entity:<ref>/<id>").
QList<QPair<QString, EntityTabFactory>> entityTabFactories();

} // namespace Flightdeck::Views
