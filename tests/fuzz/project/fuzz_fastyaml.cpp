// SPDX-License-Identifier: Apache-2.0
// Differential fuzzing of the fast YAML reader against libyaml. For every `---` range of the
// input that the fast reader accepts, its tree must equal the one libyaml's events build (node
// types, text, plain or quoted, order, line and column); a declined range must have emitted
// nothing; and the whole stream must read the same with and without the fast reader.
#include "catalog/fastyaml.h"
#include "catalog/yamldocument.h"
#include "catalog/yamltreebuilder.h"

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

using namespace Flightdeck::Catalog;

namespace {

std::string nodeDifference(const YamlDocument& a, YamlDocument::Index ia, const YamlDocument& b, YamlDocument::Index ib,
                           const std::string& path)
{
    const YamlDocument::Node& na = a.node(ia);
    const YamlDocument::Node& nb = b.node(ib);
    const std::string where = path.empty() ? std::string("root") : path;
    if (na.type != nb.type)
        return where + ": type " + std::to_string(int(na.type)) + " vs " + std::to_string(int(nb.type));
    if (na.line != nb.line || na.column != nb.column)
        return where + ": position " + std::to_string(na.line) + ":" + std::to_string(na.column) + " vs "
            + std::to_string(nb.line) + ":" + std::to_string(nb.column);
    if (na.quoted != nb.quoted || na.isAlias != nb.isAlias)
        return where + ": style differs";
    if (na.size != nb.size)
        return where + ": size " + std::to_string(na.size) + " vs " + std::to_string(nb.size);
    if (na.type == YamlType::Sequence) {
        for (std::uint32_t i = 0; i < na.size; ++i) {
            std::string d = nodeDifference(a, a.item(ia, i), b, b.item(ib, i), path + "[" + std::to_string(i) + "]");
            if (!d.empty())
                return d;
        }
        return {};
    }
    if (na.type == YamlType::Mapping) {
        for (std::uint32_t i = 0; i < na.size; ++i) {
            const std::string p = path + "{" + std::to_string(i) + "}";
            std::string d = nodeDifference(a, a.key(ia, i), b, b.key(ib, i), p + ".key");
            if (d.empty())
                d = nodeDifference(a, a.value(ia, i), b, b.value(ib, i), p);
            if (!d.empty())
                return d;
        }
        return {};
    }
    if (a.text(ia) != b.text(ib))
        return where + ": text '" + std::string(a.text(ia)) + "' vs '" + std::string(b.text(ib)) + "'";
    // Only the member the type uses holds a value; the union's other bytes are unspecified.
    const bool sameNumber = na.type == YamlType::Bool ? na.number.boolean == nb.number.boolean
        : na.type == YamlType::Int                    ? na.number.integer == nb.number.integer
        : na.type == YamlType::Float ? std::memcmp(&na.number.real, &nb.number.real, sizeof(double)) == 0
                                     : true;
    if (!sameNumber)
        return where + ": number differs";
    return {};
}

std::string problemText(const std::optional<YamlProblem>& p)
{
    if (!p)
        return "none";
    return std::to_string(p->position.line) + ":" + std::to_string(p->position.column) + " "
        + p->message.toStdString() + " / " + p->hint.toStdString();
}

std::string documentDifference(const YamlStreamDocument& a, const YamlStreamDocument& b, bool compareIndex)
{
    if (compareIndex && a.index != b.index)
        return "index differs";
    if (a.startLine != b.startLine)
        return "start line " + std::to_string(a.startLine) + " vs " + std::to_string(b.startLine);
    if (problemText(a.error) != problemText(b.error))
        return "error " + problemText(a.error) + " vs " + problemText(b.error);
    if (a.warnings.size() != b.warnings.size())
        return "warning count differs";
    for (size_t i = 0; i < a.warnings.size(); ++i)
        if (a.warnings[i].position != b.warnings[i].position || a.warnings[i].message != b.warnings[i].message)
            return "warning differs";
    if (a.document.isEmpty() != b.document.isEmpty())
        return "one document is empty";
    if (a.document.mayHavePlaceholders() != b.document.mayHavePlaceholders())
        return "placeholder flag differs";
    if (a.document.isEmpty())
        return {};
    return nodeDifference(a.document, a.document.root(), b.document, b.document.root(), std::string());
}

std::vector<YamlStreamDocument> readAll(Detail::YamlReaderMode mode, const QByteArray& bytes)
{
    std::vector<YamlStreamDocument> out;
    Detail::forEachYamlDocumentWith(mode, bytes, YamlLimits {}, [&](YamlStreamDocument& d) { out.push_back(d); });
    return out;
}

std::string streamDifference(const std::vector<YamlStreamDocument>& a, const std::vector<YamlStreamDocument>& b)
{
    if (a.size() != b.size())
        return std::to_string(a.size()) + " vs " + std::to_string(b.size()) + " documents";
    for (size_t i = 0; i < a.size(); ++i) {
        std::string d = documentDifference(a[i], b[i], true);
        if (!d.empty())
            return "document " + std::to_string(i) + ": " + d;
    }
    return {};
}

[[noreturn]] void diverged(const char* what, const std::string& detail, const QByteArray& input)
{
    std::fprintf(stderr, "fuzz_fastyaml: %s: %s\ninput (%d bytes):\n%.*s\n", what, detail.c_str(), int(input.size()),
                 int(input.size()), input.constData());
    __builtin_trap();
}

// Inputs that start with '\x01' are not YAML but the choices of a generator of YAML in the
// block style catalog files use (mappings, sequences, every scalar style, comments, blank lines,
// CRLF, Unicode), so that most of what is fuzzed is YAML the fast reader must read, not reject.
class Generator
{
public:
    Generator(const std::uint8_t* data, size_t size)
        : m_data(data)
        , m_size(size)
    {
    }

    QByteArray stream()
    {
        m_crlf = pick(4) == 0;
        const int documents = 1 + pick(3);
        for (int d = 0; d < documents; ++d) {
            if (d > 0 || pick(2))
                line(pick(3) == 0 ? "--- # doc" : "---");
            blankOrComments(0);
            switch (pick(8)) {
            case 0: scalarLine(0); break;
            case 1: sequence(pick(3)); break;
            case 2: line(flow(0)); break;
            default: mapping(pick(4) == 0 ? 2 : 0); break;
            }
            if (pick(4) == 0)
                blankOrComments(0);
        }
        if (pick(3) == 0 && m_out.endsWith(m_crlf ? "\r\n" : "\n"))
            m_out.chop(m_crlf ? 2 : 1); // no final line break
        // A few raw edits, so that near misses of the subset are tried too.
        const int edits = pick(4) == 0 ? 1 + pick(3) : 0;
        for (int i = 0; i < edits && !m_out.isEmpty(); ++i) {
            static const char bytes[] = " \t\n\r-:#'\"[]{},|>!&*?%@`\\x";
            const qsizetype at = qsizetype(pick(int(m_out.size())));
            switch (pick(3)) {
            case 0: m_out.insert(at, bytes[pick(int(sizeof bytes - 1))]); break;
            case 1: m_out.remove(at, 1); break;
            default: m_out[at] = bytes[pick(int(sizeof bytes - 1))]; break;
            }
        }
        return m_out;
    }

private:
    int pick(int n)
    {
        if (n <= 1)
            return 0;
        const int v = m_pos < m_size ? m_data[m_pos] : 0;
        ++m_pos;
        return v % n;
    }
    bool exhausted() const { return m_pos >= m_size; }

    void line(const QByteArray& text)
    {
        m_out += text;
        if (pick(8) == 0)
            m_out += QByteArray(1 + pick(3), ' '); // trailing spaces
        m_out += m_crlf ? "\r\n" : "\n";
    }

    void blankOrComments(int indent)
    {
        const int n = pick(4) == 0 ? 1 + pick(3) : 0;
        for (int i = 0; i < n; ++i) {
            if (pick(2))
                line(QByteArray(pick(2) ? indent : pick(6), ' ') + "# note " + word());
            else
                line(QByteArray(pick(3), ' '));
        }
    }

    QByteArray word()
    {
        static const char* words[] = {"a", "name", "payments-core", "x y", "http://x:80/a", "a:b", "-1", "-x", "007",
                                      "true", "null", "~", "1.5e3", "0x1F", ".inf", "<<", "$text", "k:", "a#b",
                                      "x?y", "a]b", "\xC3\xA9t\xC3\xA9", "\xE2\x82\xAC 5", "\xF0\x9F\x98\x80",
                                      "a - b", "it's", "q\"q", "\xC2\xA0nb", "b,c", "end."};
        return words[pick(int(sizeof words / sizeof *words))];
    }

    QByteArray quoted()
    {
        if (pick(2)) {
            QByteArray w = word();
            w.replace("'", "''");
            return "'" + w + (pick(3) == 0 ? " '' # x" : "") + "'";
        }
        static const char* escapes[] = {"\\n", "\\t", "\\\"", "\\\\", "\\/", "\\0", "\\e", "\\N", "\\_", "\\L",
                                        "\\P", "\\ ", "\\x41", "\\u00e9", "\\U0001F600", "\\\t", "\\b", "\\xff"};
        QByteArray w = word();
        w.replace("\"", "\\\"");
        if (pick(2))
            w += escapes[pick(int(sizeof escapes / sizeof *escapes))];
        return "\"" + w + "\"";
    }

    QByteArray scalar(bool flowContext)
    {
        switch (pick(5)) {
        case 0:
        case 1: return quoted();
        default: {
            QByteArray w = word();
            if (flowContext && pick(2))
                w = "w" + QByteArray::number(pick(100));
            return w;
        }
        }
    }

    QByteArray flow(int depth)
    {
        const bool map = pick(2);
        QByteArray out(map ? "{" : "[");
        const int n = pick(4);
        for (int i = 0; i < n; ++i) {
            if (i)
                out += pick(4) == 0 ? " ," : ", ";
            if (map) {
                out += scalar(true);
                if (pick(5))
                    out += pick(4) == 0 ? ":" : ": ";
                else
                    continue;
            }
            if (depth < 3 && pick(4) == 0)
                out += flow(depth + 1);
            else if (!map || pick(6))
                out += scalar(true);
        }
        if (n && pick(5) == 0)
            out += ",";
        out += map ? "}" : "]";
        return out;
    }

    QByteArray comment() { return pick(5) == 0 ? QByteArray(" # ") + word() : QByteArray(); }

    void blockScalar(const QByteArray& prefix, int indent)
    {
        static const char* headers[] = {"|", "|-", "|+", ">", ">-", ">+", "| # c", ">-  #c"};
        line(prefix + headers[pick(8)]);
        const int base = indent + 1 + pick(3);
        const int n = pick(6);
        for (int i = 0; i < n; ++i) {
            switch (pick(6)) {
            case 0: line(QByteArray()); break;
            case 1: line(QByteArray(base + 1 + pick(3), ' ') + word()); break;
            case 2: line(QByteArray(base + pick(3), ' ')); break;
            case 3: line(QByteArray(base, ' ') + "\t" + word()); break;
            default: line(QByteArray(base, ' ') + word() + (pick(3) == 0 ? " # text" : "")); break;
            }
        }
        if (pick(3) == 0)
            line(QByteArray());
    }

    void scalarLine(int indent) { line(QByteArray(indent, ' ') + scalar(false) + comment()); }

    // The value after "key:" (prefix), for a mapping at indent.
    void value(const QByteArray& prefix, int indent, int depth)
    {
        switch (exhausted() || depth > 6 ? 0 : pick(9)) {
        case 0: line(prefix + " " + scalar(false) + comment()); break;
        case 1: line(prefix + comment()); break; // empty
        case 2: line(prefix + " " + flow(0) + comment()); break;
        case 3: blockScalar(prefix + " ", indent); break;
        case 4:
            line(prefix + comment());
            blankOrComments(indent + 2);
            sequence(indent, depth + 1); // at the key's own indentation
            break;
        case 5:
            line(prefix + comment());
            sequence(indent + 1 + pick(4), depth + 1);
            break;
        case 6:
            line(prefix);
            scalarLine(indent + 1 + pick(3));
            break;
        default:
            line(prefix + comment());
            blankOrComments(indent + 2);
            mapping(indent + 1 + pick(4), depth + 1);
            break;
        }
    }

    QByteArray key()
    {
        switch (pick(6)) {
        case 0: return quoted();
        case 1: return word();
        default: return "k" + QByteArray::number(++m_keys % 50);
        }
    }

    void mapping(int indent, int depth = 0)
    {
        const int n = 1 + pick(4);
        for (int i = 0; i < n; ++i) {
            value(QByteArray(indent, ' ') + key() + (pick(8) == 0 ? " :" : ":"), indent, depth);
            blankOrComments(indent);
        }
    }

    // A sequence at indent; items may be compact mappings or sequences on the dash's line.
    void sequence(int indent, int depth = 0)
    {
        const int n = 1 + pick(4);
        for (int i = 0; i < n; ++i) {
            const QByteArray dash = QByteArray(indent, ' ') + "-" + QByteArray(1 + (pick(4) == 0 ? pick(3) : 0), ' ');
            const int inner = int(dash.size());
            switch (exhausted() || depth > 6 ? 0 : pick(8)) {
            case 0: line(dash + scalar(false) + comment()); break;
            case 1: line(QByteArray(indent, ' ') + "-" + comment()); break;
            case 2: line(dash + flow(0)); break;
            case 3: blockScalar(dash, indent); break;
            case 4: {
                // compact mapping: the first key on the dash's line, the others below it
                const int keys = 1 + pick(3);
                for (int k = 0; k < keys; ++k)
                    value((k == 0 ? dash : QByteArray(inner, ' ')) + key() + ":", inner, depth + 1);
                break;
            }
            case 5:
                line(dash + scalar(false));
                line(QByteArray(inner, ' ') + "- " + scalar(false));
                break;
            case 6:
                line(QByteArray(indent, ' ') + "-");
                mapping(indent + 1 + pick(3), depth + 1);
                break;
            default:
                line(QByteArray(indent, ' ') + "-" + comment());
                sequence(indent + 1 + pick(3), depth + 1);
                break;
            }
            blankOrComments(indent);
        }
    }

    const std::uint8_t* m_data;
    size_t m_size;
    size_t m_pos = 0;
    bool m_crlf = false;
    int m_keys = 0;
    QByteArray m_out;
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size)
{
    const QByteArray stream = size > 0 && data[0] == 1
        ? Generator(data + 1, size - 1).stream()
        : QByteArray(reinterpret_cast<const char*>(data), qsizetype(size));

    // Each range on its own: cut where forEachYamlDocument cuts (a line starting with "---" and a
    // blank or the line's end), written out independently here.
    std::vector<std::pair<qsizetype, qsizetype>> ranges;
    qsizetype begin = 0;
    for (qsizetype pos = 0; pos < stream.size();) {
        const qsizetype nl = stream.indexOf('\n', pos);
        const qsizetype end = nl < 0 ? stream.size() : nl;
        const bool marker = end - pos >= 3 && stream[pos] == '-' && stream[pos + 1] == '-' && stream[pos + 2] == '-'
            && (end - pos == 3 || stream[pos + 3] == ' ' || stream[pos + 3] == '\t' || stream[pos + 3] == '\r');
        if (marker && pos > 0) {
            ranges.emplace_back(begin, pos);
            begin = pos;
        }
        pos = nl < 0 ? stream.size() : nl + 1;
    }
    ranges.emplace_back(begin, stream.size());

    Detail::FastYamlReader reader;
    for (const auto& [from, to] : ranges) {
        const QByteArray range = stream.mid(from, to - from);
        YamlStreamDocument current;
        current.startLine = -7;
        YamlLimits limits;
        Detail::YamlTreeBuilder builder(limits, current);
        const Detail::FastYamlResult result = reader.read(range.constData(), size_t(range.size()), 1, builder);
        if (result == Detail::FastYamlResult::Declined) {
            if (current.startLine != -7 || !current.document.isEmpty() || current.error)
                diverged("declined after emitting events", std::string(), range);
            continue;
        }
        const std::vector<YamlStreamDocument> reference = readAll(Detail::YamlReaderMode::LibyamlRanges, range);
        if (result == Detail::FastYamlResult::NoDocument) {
            if (!reference.empty())
                diverged("no document, but libyaml reads one", std::string(), range);
            continue;
        }
        if (reference.size() != 1)
            diverged("one document, but libyaml reads another count", std::to_string(reference.size()), range);
        const std::string d = documentDifference(current, reference[0], false);
        if (!d.empty())
            diverged("tree differs from libyaml's", d, range);
    }

    // The whole stream, as the loader reads it, against libyaml reading every range.
    const std::vector<YamlStreamDocument> fast = readAll(Detail::YamlReaderMode::Fast, stream);
    std::string d = streamDifference(fast, readAll(Detail::YamlReaderMode::LibyamlRanges, stream));
    if (!d.empty())
        diverged("stream differs from libyaml per range", d, stream);
    // Without errors, one libyaml parser over the whole stream reads the same.
    bool clean = true;
    for (const YamlStreamDocument& doc : fast)
        clean = clean && !doc.error;
    if (clean) {
        d = streamDifference(fast, readAll(Detail::YamlReaderMode::LibyamlStream, stream));
        if (!d.empty())
            diverged("stream differs from one libyaml parser", d, stream);
    }
    return 0;
}
