// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QString>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace Flightdeck::Catalog {

// A position in a source file, 1-based. Zero means unknown.
struct TextPosition
{
    int line = 0;
    int column = 0;
    friend bool operator==(const TextPosition&, const TextPosition&) = default;
};

enum class YamlType : std::uint8_t { Null, Bool, Int, Float, String, Sequence, Mapping };

// Limits that keep hostile input from exhausting memory or time. The defaults are far above what a
// real catalog file needs and far below what hurts.
struct YamlLimits
{
    int maxDepth = 500;                      // nesting of sequences and mappings
    std::uint64_t maxExpandedNodes = 2000000; // nodes after alias expansion, per document
};

// One YAML document as a compact tree. Nodes live in one array and refer to each other by index,
// so a document of thousands of nodes costs a handful of allocations. Aliases share the node they
// point at (the tree is a DAG); expandedSize() bounds what a walk over it would visit.
class YamlDocument
{
public:
    using Index = std::uint32_t;
    static constexpr Index npos = 0xffffffffu;

    struct Node
    {
        YamlType type = YamlType::Null;
        bool quoted = false;   // scalar written with quotes or as a block scalar
        bool isAlias = false;  // this slot was written as *alias (it points at a copy-free node)
        int line = 0;
        int column = 0;
        std::uint32_t first = 0; // scalars: offset into the text pool; containers: offset into children
        std::uint32_t size = 0;  // scalars: byte length; sequences: items; mappings: entries
        std::uint64_t expanded = 1;
        union {
            bool boolean;
            std::int64_t integer;
            double real;
        } number {};
    };

    Index root() const { return m_root; }
    // True when some mapping has exactly one key and it starts with '$' (a $text/$json/$yaml
    // placeholder, perhaps): documents without one need no placeholder pass.
    bool mayHavePlaceholders() const { return m_placeholderCandidates; }
    void setMayHavePlaceholders(bool b) { m_placeholderCandidates = b; }
    bool isEmpty() const { return m_root == npos; }
    int startLine() const { return m_startLine; }

    const Node& node(Index i) const { return m_nodes[i]; }
    YamlType type(Index i) const { return m_nodes[i].type; }
    TextPosition position(Index i) const { return {m_nodes[i].line, m_nodes[i].column}; }
    std::string_view text(Index i) const;
    QString string(Index i) const { return QString::fromUtf8(text(i).data(), qsizetype(text(i).size())); }
    // The scalar as JavaScript's String() would print it (numbers, booleans, null -> "null").
    std::string scalarAsString(Index i) const;

    std::uint32_t size(Index i) const { return m_nodes[i].size; }
    Index item(Index seq, std::uint32_t n) const { return m_children[m_nodes[seq].first + n]; }
    Index key(Index map, std::uint32_t n) const { return m_children[m_nodes[map].first + 2 * n]; }
    Index value(Index map, std::uint32_t n) const { return m_children[m_nodes[map].first + 2 * n + 1]; }
    // The value for a string key in a mapping, or npos.
    Index find(Index map, std::string_view key) const;
    // The key node of an entry, for positions in diagnostics, or npos.
    Index findKey(Index map, std::string_view key) const;

    // Compact JSON of the subtree, as JSON.stringify would write the value Backstage reads.
    void writeJson(Index i, std::string& out) const;
    QByteArray toJson(Index i) const;

    // Building and editing (used by the parser and by placeholder substitution).
    Index addScalar(YamlType type, std::string_view text, TextPosition pos, bool quoted = false);
    Index addString(std::string_view text, TextPosition pos) { return addScalar(YamlType::String, text, pos, true); }
    // Copies a subtree of another document into this one; every copied node gets position pos.
    Index import(const YamlDocument& other, Index i, TextPosition pos);
    void setValue(Index map, std::uint32_t n, Index newValue);
    void setItem(Index seq, std::uint32_t n, Index newValue);
    void setRoot(Index i) { m_root = i; }
    // Empties the document, keeping its memory for the next one.
    void clear();
    void setStartLine(int line) { m_startLine = line; }

    Node& mutableNode(Index i) { return m_nodes[i]; }
    Index addNode(const Node& n);
    // Appends a container whose children are the given indexes (mapping: key, value, key, value...).
    Index addContainer(YamlType type, TextPosition pos, const Index* children, std::uint32_t count);

private:
    std::vector<Node> m_nodes;
    std::vector<Index> m_children;
    std::string m_text;
    Index m_root = npos;
    int m_startLine = 1;
    bool m_placeholderCandidates = false;
};

// A light handle for reading a document: doc[key], size(), at(n). Invalid handles are safe to use.
class YamlValue
{
public:
    YamlValue() = default;
    YamlValue(const YamlDocument* doc, YamlDocument::Index index)
        : m_doc(doc)
        , m_index(index)
    {
    }

    bool isValid() const { return m_doc && m_index != YamlDocument::npos; }
    explicit operator bool() const { return isValid(); }
    YamlType type() const { return isValid() ? m_doc->type(m_index) : YamlType::Null; }
    bool isNull() const { return type() == YamlType::Null; }
    bool isString() const { return isValid() && type() == YamlType::String; }
    bool isMapping() const { return isValid() && type() == YamlType::Mapping; }
    bool isSequence() const { return isValid() && type() == YamlType::Sequence; }
    bool isScalar() const { return isValid() && type() != YamlType::Sequence && type() != YamlType::Mapping; }
    bool isNumber() const { return type() == YamlType::Int || type() == YamlType::Float; }

    YamlValue operator[](std::string_view key) const
    {
        return isMapping() ? YamlValue(m_doc, m_doc->find(m_index, key)) : YamlValue();
    }
    YamlValue keyNode(std::string_view key) const
    {
        return isMapping() ? YamlValue(m_doc, m_doc->findKey(m_index, key)) : YamlValue();
    }
    std::uint32_t size() const { return isValid() && !isScalar() ? m_doc->size(m_index) : 0; }
    YamlValue at(std::uint32_t n) const { return YamlValue(m_doc, m_doc->item(m_index, n)); }
    YamlValue keyAt(std::uint32_t n) const { return YamlValue(m_doc, m_doc->key(m_index, n)); }
    YamlValue valueAt(std::uint32_t n) const { return YamlValue(m_doc, m_doc->value(m_index, n)); }

    std::string_view text() const { return isValid() ? m_doc->text(m_index) : std::string_view(); }
    QString toString() const { return isValid() ? m_doc->string(m_index) : QString(); }
    std::string scalarAsString() const { return isValid() ? m_doc->scalarAsString(m_index) : std::string(); }
    bool toBool() const { return type() == YamlType::Bool && m_doc->node(m_index).number.boolean; }
    TextPosition position() const { return isValid() ? m_doc->position(m_index) : TextPosition {}; }
    // JSON type name as JavaScript's typeof / JSON Schema would call it.
    const char* jsonTypeName() const;

    const YamlDocument* document() const { return m_doc; }
    YamlDocument::Index index() const { return m_index; }

private:
    const YamlDocument* m_doc = nullptr;
    YamlDocument::Index m_index = YamlDocument::npos;
};

struct YamlProblem
{
    TextPosition position;
    QString message; // what is wrong
    QString hint;    // what to do
};

// One `---` document of a stream: a tree, or the error that stopped it, plus warnings.
struct YamlStreamDocument
{
    int index = 0;        // position among the stream's documents, from 0
    int startLine = 1;    // line of the document's first content
    YamlDocument document; // empty when the document was empty or failed
    std::optional<YamlProblem> error;
    std::vector<YamlProblem> warnings;
};

// Reads every document of a YAML stream. A syntax error in one document does not lose the others:
// reading resumes at the next `---` line, which no document can span (the YAML spec forbids it).
// Plain scalars are typed by the YAML 1.2 core schema; duplicate keys are errors; `<<` is an ordinary
// key (not merged), as in Backstage's reader.
std::vector<YamlStreamDocument> parseYamlStream(const QByteArray& bytes, const YamlLimits& limits = {});

// The same, one document at a time: visit sees each document (or its error) as soon as it is
// read, in a YamlStreamDocument whose memory is reused for the next one, so reading a file of
// many documents allocates little. Copy or move out of it what must outlive the call.
void forEachYamlDocument(const QByteArray& bytes, const YamlLimits& limits,
                         const std::function<void(YamlStreamDocument&)>& visit);

// Core-schema resolution of one plain scalar (exposed for tests).
struct ResolvedScalar
{
    YamlType type = YamlType::String;
    bool boolean = false;
    std::int64_t integer = 0;
    double real = 0;
};
ResolvedScalar resolvePlainScalar(std::string_view text);

} // namespace Flightdeck::Catalog
