// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "httptypes.h"

#include <QHash>

namespace Flightdeck::Net {

// In-memory cache of responses that carried an ETag, keyed by method, URL and credential
// fingerprint (two credentials may see different content at one URL). Bounded: the least recently
// used entry goes first. Not thread-safe; it belongs to one HttpClient.
class EtagCache
{
public:
    struct Entry
    {
        QByteArray etag;
        int status = 200;
        QByteArray reason;
        HttpHeaders headers;
        QByteArray body;
    };

    explicit EtagCache(int maxEntries = 256, qint64 maxBytes = 64 * 1024 * 1024);

    static QByteArray keyFor(const HttpRequest& request);

    const Entry* find(const QByteArray& key);
    void insert(const QByteArray& key, Entry entry);
    void remove(const QByteArray& key);
    void clear();
    int size() const { return int(m_entries.size()); }

private:
    void evict();

    int m_maxEntries;
    qint64 m_maxBytes;
    qint64 m_bytes = 0;
    quint64 m_clock = 0;
    struct Slot
    {
        Entry entry;
        quint64 lastUse = 0;
    };
    QHash<QByteArray, Slot> m_entries;
};

} // namespace Flightdeck::Net
