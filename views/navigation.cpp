// SPDX-License-Identifier: Apache-2.0
#include "navigation.h"

namespace Flightdeck::Views {

Location Location::parse(const QString& text)
{
    const QString t = text.trimmed();
    const qsizetype colon = t.indexOf(QLatin1Char(':'));
    if (colon < 0)
        return {t, QString()};
    return {t.left(colon), t.mid(colon + 1)};
}

QString Location::toString() const
{
    return argument.isEmpty() ? page : page + QLatin1Char(':') + argument;
}

Navigator::Navigator(QObject* parent)
    : QObject(parent)
{
}

void Navigator::go(const Location& location)
{
    if (!location.isValid() || (m_index >= 0 && m_history[m_index] == location))
        return;
    // Going somewhere new drops the forward history.
    m_history.resize(m_index + 1);
    m_history.push_back(location);
    // Bounded: a long session does not grow without end.
    if (m_history.size() > 200)
        m_history.removeFirst();
    m_index = m_history.size() - 1;
    Q_EMIT locationChanged(location);
    Q_EMIT historyChanged();
}

void Navigator::back()
{
    if (!canGoBack())
        return;
    --m_index;
    Q_EMIT locationChanged(m_history[m_index]);
    Q_EMIT historyChanged();
}

void Navigator::forward()
{
    if (!canGoForward())
        return;
    ++m_index;
    Q_EMIT locationChanged(m_history[m_index]);
    Q_EMIT historyChanged();
}

} // namespace Flightdeck::Views
