// SPDX-License-Identifier: Apache-2.0
// Internal to the YAML reader: builds YamlDocument trees from parse events, whichever parser
// produces them, and applies every check that does not depend on syntax (duplicate keys,
// nesting and alias limits, tags, placeholder candidates).
#pragma once

#include "yamldocument.h"

#include <QString>

#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace Flightdeck::Catalog::Detail {

class YamlTreeBuilder
{
public:
    YamlTreeBuilder(const YamlLimits& limits, YamlStreamDocument& current)
        : m_limits(limits)
        , m_current(current)
    {
    }

    // Reuses the document's arena: clearing keeps the capacity, so a file of a thousand
    // documents allocates about as much as its largest one.
    void startDocument(int line)
    {
        m_current.startLine = line;
        m_current.error.reset();
        m_current.warnings.clear();
        m_current.document.clear();
        m_current.document.setStartLine(line);
        m_root = YamlDocument::npos;
        m_rootSet = false;
        m_stack.clear();
        m_pending.clear();
        m_anchors.clear();
        m_failed = false;
    }

    bool failed() const { return m_failed; }
    void fail(TextPosition pos, QString message, QString hint)
    {
        if (m_failed)
            return;
        m_failed = true;
        m_current.error = YamlProblem {pos, std::move(message), std::move(hint)};
        m_current.document.clear();
    }
    YamlStreamDocument& current() { return m_current; }

    // plain: written without quotes and not as a block scalar, so the core schema types it.
    // tag: nullptr, "!" (non-specific: a string), or a full tag such as "tag:yaml.org,2002:str".
    void scalar(std::string_view text, TextPosition p, bool plain, const char* tag = nullptr, const char* anchor = nullptr)
    {
        if (m_failed)
            return;
        YamlType type = YamlType::String;
        bool quoted = !plain;
        if (tag && std::strcmp(tag, "!") != 0) {
            type = typeForTag(tag, text, p);
            quoted = true;
        } else if (!quoted) {
            type = resolvePlainScalar(text).type;
        }
        YamlDocument& doc = m_current.document;
        YamlDocument::Index idx = doc.addScalar(type, text, p, quoted);
        if (anchor)
            m_anchors[anchor] = idx;
        push(idx, p);
    }

    void alias(std::string_view anchor, TextPosition p)
    {
        if (m_failed)
            return;
        const std::string name(anchor);
        auto it = m_anchors.find(name);
        if (it == m_anchors.end()) {
            fail(p, QStringLiteral("alias *%1 refers to an anchor &%1 that is not defined before it").arg(QString::fromStdString(name)),
                 QStringLiteral("Define the anchor (&%1) earlier in the same document, or replace the alias with the value.")
                     .arg(QString::fromStdString(name)));
            return;
        }
        if (it->second == YamlDocument::npos) {
            fail(p, QStringLiteral("alias *%1 refers to the collection that contains it").arg(QString::fromStdString(name)),
                 QStringLiteral("A collection cannot contain itself; replace the alias with a value."));
            return;
        }
        push(it->second, p);
    }

    void startCollection(YamlType type, TextPosition p, const char* anchor = nullptr)
    {
        if (m_failed)
            return;
        if (int(m_stack.size()) >= m_limits.maxDepth) {
            fail(p, QStringLiteral("nesting is deeper than %1 levels").arg(m_limits.maxDepth),
                 QStringLiteral("Catalog files are shallow; this looks like generated or hostile input. Flatten it."));
            return;
        }
        Frame f;
        f.type = type;
        f.pos = p;
        f.pendingBegin = m_pending.size();
        if (anchor) {
            f.anchor = anchor;
            m_anchors[f.anchor] = YamlDocument::npos; // in progress: an alias to it now is recursive
        }
        m_stack.push_back(std::move(f));
    }

    void endCollection()
    {
        if (m_failed)
            return;
        Frame f = std::move(m_stack.back());
        m_stack.pop_back();
        const std::uint32_t count = std::uint32_t(m_pending.size() - f.pendingBegin);
        YamlDocument& doc = m_current.document;
        if (f.type == YamlType::Mapping && !checkKeys(f, count))
            return;
        if (f.type == YamlType::Mapping && count == 2 && doc.type(m_pending[f.pendingBegin]) == YamlType::String) {
            const std::string_view key = doc.text(m_pending[f.pendingBegin]);
            if (!key.empty() && key[0] == '$')
                doc.setMayHavePlaceholders(true);
        }
        YamlDocument::Index idx = doc.addContainer(f.type, f.pos, m_pending.data() + f.pendingBegin, count);
        m_pending.resize(f.pendingBegin);
        if (doc.node(idx).expanded > m_limits.maxExpandedNodes) {
            fail(f.pos,
                 QStringLiteral("aliases in this document expand to more than %1 values").arg(m_limits.maxExpandedNodes),
                 QStringLiteral("This is the shape of a \"billion laughs\" attack. Write the values out, or use fewer "
                                "nested aliases."));
            return;
        }
        if (!f.anchor.empty())
            m_anchors[f.anchor] = idx;
        push(idx, f.pos);
    }

    void endDocument()
    {
        if (!m_failed && m_rootSet)
            m_current.document.setRoot(m_root);
        m_rootSet = false;
    }

private:
    struct Frame
    {
        YamlType type = YamlType::Mapping;
        TextPosition pos;
        size_t pendingBegin = 0;
        std::string anchor;
    };

    YamlType typeForTag(const char* tag, std::string_view text, TextPosition p)
    {
        static constexpr std::string_view core = "tag:yaml.org,2002:";
        std::string_view t(tag);
        if (t.substr(0, core.size()) == core) {
            std::string_view name = t.substr(core.size());
            const ResolvedScalar r = resolvePlainScalar(text);
            if (name == "str" || name == "binary" || name == "timestamp")
                return YamlType::String;
            if (name == "null" && r.type == YamlType::Null)
                return YamlType::Null;
            if (name == "bool" && r.type == YamlType::Bool)
                return YamlType::Bool;
            if (name == "int" && r.type == YamlType::Int)
                return YamlType::Int;
            if (name == "float" && (r.type == YamlType::Float || r.type == YamlType::Int))
                return YamlType::Float;
        }
        m_current.warnings.push_back(
            {p, QStringLiteral("the tag %1 does not apply to this value; it is read as a string").arg(QString::fromUtf8(tag)),
             QStringLiteral("Backstage ignores custom tags too. Remove the tag.")});
        return YamlType::String;
    }

    bool checkKeys(const Frame& f, std::uint32_t count)
    {
        const YamlDocument& doc = m_current.document;
        const YamlDocument::Index* kids = m_pending.data() + f.pendingBegin;
        const std::uint32_t entries = count / 2;
        for (std::uint32_t i = 0; i < entries; ++i) {
            const YamlDocument::Index k = kids[2 * i];
            const YamlType kt = doc.type(k);
            if (kt == YamlType::Sequence || kt == YamlType::Mapping) {
                fail(doc.position(k), QStringLiteral("a mapping key is itself a list or a mapping"),
                     QStringLiteral("Use plain text keys; Backstage reads entities as JSON objects."));
                return false;
            }
            if (doc.type(k) == YamlType::String && doc.text(k) == "<<" && !doc.node(k).quoted) {
                m_current.warnings.push_back(
                    {doc.position(k),
                     QStringLiteral("'<<' is kept as an ordinary key; Backstage does not merge YAML merge keys"),
                     QStringLiteral("Write the merged keys out in full.")});
            }
        }
        // Keys are equal when their values are, as in the JavaScript reader: `a` and 'a' clash, 1 and "1" do not.
        auto sameKey = [&](YamlDocument::Index a, YamlDocument::Index b) {
            const auto& na = doc.node(a);
            const auto& nb = doc.node(b);
            if (na.type != nb.type)
                return false;
            switch (na.type) {
            case YamlType::Null: return true;
            case YamlType::Bool: return na.number.boolean == nb.number.boolean;
            case YamlType::Int: return na.number.integer == nb.number.integer;
            case YamlType::Float: return na.number.real == nb.number.real;
            default: return doc.text(a) == doc.text(b);
            }
        };
        auto report = [&](std::uint32_t first, std::uint32_t dup) {
            const YamlDocument::Index k = kids[2 * dup];
            const TextPosition firstPos = doc.position(kids[2 * first]);
            fail(doc.position(k),
                 QStringLiteral("duplicate key \"%1\" (first defined on line %2)")
                     .arg(QString::fromStdString(doc.scalarAsString(k)))
                     .arg(firstPos.line),
                 QStringLiteral("Keep one of the two; Backstage rejects the whole document when a key repeats."));
        };
        if (entries <= 24) {
            for (std::uint32_t i = 1; i < entries; ++i)
                for (std::uint32_t j = 0; j < i; ++j)
                    if (sameKey(kids[2 * j], kids[2 * i])) {
                        report(j, i);
                        return false;
                    }
            return true;
        }
        std::unordered_map<std::string, std::uint32_t> seen;
        seen.reserve(entries);
        for (std::uint32_t i = 0; i < entries; ++i) {
            const YamlDocument::Index k = kids[2 * i];
            std::string id = std::to_string(int(doc.type(k))) + ':' + doc.scalarAsString(k);
            auto [it, inserted] = seen.emplace(std::move(id), i);
            if (!inserted) {
                report(it->second, i);
                return false;
            }
        }
        return true;
    }

    void push(YamlDocument::Index idx, TextPosition)
    {
        if (m_stack.empty()) {
            m_root = idx;
            m_rootSet = true;
        } else {
            m_pending.push_back(idx);
        }
    }

    const YamlLimits& m_limits;
    YamlStreamDocument& m_current;
    std::vector<Frame> m_stack;
    std::vector<YamlDocument::Index> m_pending;
    std::unordered_map<std::string, YamlDocument::Index> m_anchors;
    YamlDocument::Index m_root = YamlDocument::npos;
    bool m_rootSet = false;
    bool m_failed = false;
};


} // namespace Flightdeck::Catalog::Detail
