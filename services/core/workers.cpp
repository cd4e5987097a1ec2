// SPDX-License-Identifier: Apache-2.0
#include "workers.h"

#include <QThread>
#include <algorithm>
#include <QThreadPool>

namespace Flightdeck {

QThreadPool* workers()
{
    static QThreadPool* pool = [] {
        auto* p = new QThreadPool; // lives for the whole process, like Qt's global pool
        p->setObjectName(QStringLiteral("flightdeck-workers"));
        p->setMaxThreadCount(std::max(2, QThread::idealThreadCount()));
        return p;
    }();
    return pool;
}

} // namespace Flightdeck
