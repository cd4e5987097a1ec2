// SPDX-License-Identifier: Apache-2.0
#include "page.h"

namespace Flightdeck::Views {

Page::Page(AppContext& context, QWidget* parent)
    : QWidget(parent)
    , m_context(context)
{
}

} // namespace Flightdeck::Views
