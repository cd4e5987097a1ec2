// SPDX-License-Identifier: Apache-2.0
// Internal to the YAML reader: a fast reader for the block-style YAML that catalog files are
// written in, with libyaml as the reader of everything else.
//
// A stream is cut into ranges at the lines that start with `---` (YAML forbids such a line inside
// any node), so a range holds at most one document plus comments. FastYamlReader reads one range
// and either drives the tree builder with exactly the events libyaml would produce for it (same
// nodes, scalar text, plain or quoted, order, and 1-based line and column of every node, columns
// counted in characters), or declines without having emitted anything. It declines whatever it is
// not certain about (anchors, aliases, tags, directives, multi-line plain or quoted scalars,
// multi-line flow collections, tabs outside scalars, unusual characters) and every syntax error,
// so that libyaml reads that range and reports the error in its own words.
#pragma once

#include "yamldocument.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace Flightdeck::Catalog::Detail {

class YamlTreeBuilder;

enum class FastYamlResult : std::uint8_t {
    Declined,   // nothing was emitted: read the range with libyaml
    NoDocument, // only blank lines and comments, as libyaml sees it too
    Document,   // the builder saw startDocument .. endDocument, or stopped where it failed
};

class FastYamlReader
{
public:
    // Reads one range: data starts at the beginning of a line (a `---` line, or the stream's
    // start) and holds no other `---` line; firstLine is the 1-based line of data[0]. The reader
    // keeps its buffers between calls, so one reader serves a whole file.
    FastYamlResult read(const char* data, std::size_t size, int firstLine, YamlTreeBuilder& builder);

    struct Line
    {
        std::uint32_t begin = 0;  // offset of the line's first byte
        std::uint32_t end = 0;    // offset after its last byte, before "\n" or "\r\n"
        std::uint32_t indent = 0; // leading spaces
        std::uint8_t kind = 0;    // blank, comment or content
        bool newline = false;     // ends with a line break (the last line may not)
        bool ascii = true;        // columns equal byte offsets
        bool tabs = false;        // holds a tab
    };

    struct Event
    {
        enum Kind : std::uint8_t { Scalar, SequenceStart, MappingStart, End };
        Kind kind = Scalar;
        bool plain = false;
        bool scratch = false; // text lives in the scratch buffer, not in the input
        int line = 0;
        int column = 0;
        std::uint32_t offset = 0;
        std::uint32_t length = 0;
    };

private:
    struct Token
    {
        const char* start = nullptr; // the scalar's first character, or its quote
        const char* end = nullptr;   // where scanning stopped: after the closing quote, or at the
                                     // first character that is not part of a plain scalar
        std::uint32_t offset = 0;
        std::uint32_t length = 0;
        bool scratch = false;
        bool plain = false;
    };

    bool splitLines();
    std::uint32_t nextContent(std::uint32_t li) const;
    int column(std::uint32_t li, const char* p) const;
    const char* lineBegin(std::uint32_t li) const { return m_data + m_lines[li].begin; }
    const char* lineEnd(std::uint32_t li) const { return m_data + m_lines[li].end; }
    bool isEntryAt(std::uint32_t li, const char* p) const;

    bool parseNode(std::uint32_t li, const char* p, int parentIndent, int depth);
    bool parseMapping(std::uint32_t li, const Token& firstKey, const char* colon, int depth);
    bool parseSequence(std::uint32_t li, const char* dash, bool indentless, int depth);
    bool parseValue(std::uint32_t li, const char* p, int indent, int depth);
    bool parseBlockScalar(std::uint32_t li, const char* p, int parentIndent);
    bool parseFlow(std::uint32_t li, const char* p, const char*& end, int depth);
    bool scanScalar(std::uint32_t li, const char* p, bool flow, Token& t);
    bool scanPlain(const char* p, const char* end, bool flow, Token& t);
    bool scanPlainSimple(const char* p, const char* end, Token& t);
    bool scanSingleQuoted(const char* p, const char* end, Token& t);
    bool scanDoubleQuoted(const char* p, const char* end, Token& t);
    bool restIsComment(std::uint32_t li, const char* p) const;

    void emitScalar(std::uint32_t li, const Token& t);
    void emitEmpty(int line, int column);
    void emitStart(Event::Kind kind, std::uint32_t li, const char* p);
    void emitEnd();

    const char* m_data = nullptr;
    std::size_t m_size = 0;
    int m_firstLine = 1;
    std::uint32_t m_next = 0; // after a node: the next line with content
    std::vector<Line> m_lines;
    std::vector<Event> m_events;
    std::string m_scratch;
};

// One-shot form of FastYamlReader::read.
FastYamlResult fastParseYamlDocument(const char* data, std::size_t size, int firstLine, YamlTreeBuilder& builder);

// How forEachYamlDocument reads a stream (defined in yamldocument.cpp). Fast is what it does: the
// fast reader for each range, libyaml for the ranges it declines. The others are for tests and
// the differential fuzzer: LibyamlRanges reads every range with libyaml in the same way, and
// LibyamlStream reads the whole stream with one libyaml parser, resuming after a failed document
// at the next `---` line (what forEachYamlDocument does for a stream with line breaks other than
// LF and CRLF, whose line numbers libyaml counts differently).
enum class YamlReaderMode : std::uint8_t { Fast, LibyamlRanges, LibyamlStream };
void forEachYamlDocumentWith(YamlReaderMode mode, const QByteArray& bytes, const YamlLimits& limits,
                             const std::function<void(YamlStreamDocument&)>& visit);

} // namespace Flightdeck::Catalog::Detail
