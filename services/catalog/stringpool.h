// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QString>

#include <string>
#include <string_view>
#include <unordered_map>

namespace Flightdeck::Catalog {

// Hands out one shared QString per distinct UTF-8 text. A catalog repeats the same few values
// endlessly (kinds, apiVersions, owners, systems, tags, annotation keys, relation targets):
// sharing them saves both the allocations while reading and the memory afterwards.
class StringPool
{
public:
    const QString& get(std::string_view utf8)
    {
        auto it = m_strings.find(utf8);
        if (it == m_strings.end())
            it = m_strings.emplace(std::string(utf8), QString::fromUtf8(utf8.data(), qsizetype(utf8.size()))).first;
        return it->second;
    }
    void clear() { m_strings.clear(); }

private:
    struct Hash
    {
        using is_transparent = void;
        size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>()(s); }
    };
    struct Equal
    {
        using is_transparent = void;
        bool operator()(std::string_view a, std::string_view b) const noexcept { return a == b; }
    };
    std::unordered_map<std::string, QString, Hash, Equal> m_strings;
};

} // namespace Flightdeck::Catalog
