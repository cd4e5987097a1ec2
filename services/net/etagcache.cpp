// SPDX-License-Identifier: Apache-2.0
#include "etagcache.h"

namespace Flightdeck::Net {

EtagCache::EtagCache(int maxEntries, qint64 maxBytes)
    : m_maxEntries(std::max(1, maxEntries))
    , m_maxBytes(maxBytes)
{ }

QByteArray EtagCache::keyFor(const HttpRequest& request)
{
    return request.method.toUpper() + ' ' + request.url.toEncoded() + ' ' + request.credential.fingerprint();
}

const EtagCache::Entry* EtagCache::find(const QByteArray& key)
{
    auto it = m_entries.find(key);
    if (it == m_entries.end())
        return nullptr;
    it->lastUse = ++m_clock;
    return &it->entry;
}

void EtagCache::insert(const QByteArray& key, Entry entry)
{
    remove(key);
    if (entry.body.size() > m_maxBytes)
        return;
    m_bytes += entry.body.size();
    m_entries.insert(key, Slot { std::move(entry), ++m_clock });
    evict();
}

void EtagCache::remove(const QByteArray& key)
{
    auto it = m_entries.find(key);
    if (it == m_entries.end())
        return;
    m_bytes -= it->entry.body.size();
    m_entries.erase(it);
}

void EtagCache::clear()
{
    m_entries.clear();
    m_bytes = 0;
}

void EtagCache::evict()
{
    while (m_entries.size() > m_maxEntries || m_bytes > m_maxBytes) {
        auto oldest = m_entries.begin();
        for (auto it = m_entries.begin(); it != m_entries.end(); ++it)
            if (it->lastUse < oldest->lastUse)
                oldest = it;
        m_bytes -= oldest->entry.body.size();
        m_entries.erase(oldest);
    }
}

} // namespace Flightdeck::Net
