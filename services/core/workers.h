// SPDX-License-Identifier: Apache-2.0
// The thread pool for Flightdeck's own background work (parsing, relating, indexing, the store,
// git). Qt's global pool stays free for Qt itself: the raster paint engine and image scaling split
// their work over it and the UI thread waits for them, so a global pool busy with a catalog load
// freezes every repaint. Pass workers() to every QtConcurrent call.
#pragma once

class QThreadPool;

namespace Flightdeck {

QThreadPool* workers();

} // namespace Flightdeck
