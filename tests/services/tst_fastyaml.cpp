// SPDX-License-Identifier: Apache-2.0
// The fast YAML reader against libyaml: for every range it accepts, the tree (node types, scalar
// text, plain or quoted, order, line and column of every node) must equal the one libyaml's
// events build; what it is not sure of, it must decline.
#include "cataloggenerator.h"

#include "catalog/fastyaml.h"
#include "catalog/yamldocument.h"
#include "catalog/yamltreebuilder.h"

#include <QDirIterator>
#include <QFile>
#include <QTest>

#include <cstring>

using namespace Flightdeck::Catalog;
using Detail::FastYamlResult;
using Detail::YamlReaderMode;

namespace {

QString describe(std::string_view text)
{
    QString out;
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || c == '\\')
            out += QStringLiteral("\\x%1").arg(u, 2, 16, QLatin1Char('0'));
        else
            out += QLatin1Char(c);
    }
    return out;
}

// The first difference between two subtrees, or an empty string.
QString nodeDifference(const YamlDocument& a, YamlDocument::Index ia, const YamlDocument& b, YamlDocument::Index ib,
                       const QString& path)
{
    const YamlDocument::Node& na = a.node(ia);
    const YamlDocument::Node& nb = b.node(ib);
    const QString where = path.isEmpty() ? QStringLiteral("root") : path;
    if (na.type != nb.type)
        return QStringLiteral("%1: type %2 vs %3").arg(where).arg(int(na.type)).arg(int(nb.type));
    if (na.line != nb.line || na.column != nb.column)
        return QStringLiteral("%1: position %2:%3 vs %4:%5").arg(where).arg(na.line).arg(na.column).arg(nb.line).arg(nb.column);
    if (na.quoted != nb.quoted)
        return QStringLiteral("%1: quoted %2 vs %3").arg(where).arg(na.quoted).arg(nb.quoted);
    if (na.isAlias != nb.isAlias)
        return QStringLiteral("%1: alias flag differs").arg(where);
    if (na.size != nb.size)
        return QStringLiteral("%1: size %2 vs %3").arg(where).arg(na.size).arg(nb.size);
    if (na.type == YamlType::Sequence) {
        for (std::uint32_t i = 0; i < na.size; ++i) {
            const QString d = nodeDifference(a, a.item(ia, i), b, b.item(ib, i), QStringLiteral("%1[%2]").arg(path).arg(i));
            if (!d.isEmpty())
                return d;
        }
        return {};
    }
    if (na.type == YamlType::Mapping) {
        for (std::uint32_t i = 0; i < na.size; ++i) {
            const QString keyPath = QStringLiteral("%1{%2}").arg(path).arg(i);
            QString d = nodeDifference(a, a.key(ia, i), b, b.key(ib, i), keyPath + QStringLiteral(".key"));
            if (d.isEmpty())
                d = nodeDifference(a, a.value(ia, i), b, b.value(ib, i), keyPath);
            if (!d.isEmpty())
                return d;
        }
        return {};
    }
    if (a.text(ia) != b.text(ib))
        return QStringLiteral("%1: text '%2' vs '%3'").arg(where, describe(a.text(ia)), describe(b.text(ib)));
    // Only the member the type uses holds a value; the union's other bytes are unspecified.
    const bool sameNumber = na.type == YamlType::Bool ? na.number.boolean == nb.number.boolean
        : na.type == YamlType::Int                    ? na.number.integer == nb.number.integer
        : na.type == YamlType::Float ? std::memcmp(&na.number.real, &nb.number.real, sizeof(double)) == 0
                                     : true;
    if (!sameNumber)
        return QStringLiteral("%1: numeric value differs").arg(where);
    return {};
}

QString problemText(const std::optional<YamlProblem>& p)
{
    if (!p)
        return QStringLiteral("none");
    return QStringLiteral("%1:%2 %3 / %4").arg(p->position.line).arg(p->position.column).arg(p->message, p->hint);
}

QString documentDifference(const YamlStreamDocument& a, const YamlStreamDocument& b, bool compareIndex = true)
{
    if (compareIndex && a.index != b.index)
        return QStringLiteral("index %1 vs %2").arg(a.index).arg(b.index);
    if (a.startLine != b.startLine)
        return QStringLiteral("start line %1 vs %2").arg(a.startLine).arg(b.startLine);
    if (problemText(a.error) != problemText(b.error))
        return QStringLiteral("error %1 vs %2").arg(problemText(a.error), problemText(b.error));
    if (a.warnings.size() != b.warnings.size())
        return QStringLiteral("%1 vs %2 warnings").arg(a.warnings.size()).arg(b.warnings.size());
    for (size_t i = 0; i < a.warnings.size(); ++i) {
        const auto& wa = a.warnings[i];
        const auto& wb = b.warnings[i];
        if (wa.position != wb.position || wa.message != wb.message || wa.hint != wb.hint)
            return QStringLiteral("warning %1 differs: %2 vs %3").arg(i).arg(wa.message, wb.message);
    }
    if (a.document.isEmpty() != b.document.isEmpty())
        return QStringLiteral("empty %1 vs %2").arg(a.document.isEmpty()).arg(b.document.isEmpty());
    if (a.document.mayHavePlaceholders() != b.document.mayHavePlaceholders())
        return QStringLiteral("placeholder flag differs");
    if (a.document.startLine() != b.document.startLine())
        return QStringLiteral("document start line differs");
    if (a.document.isEmpty())
        return {};
    return nodeDifference(a.document, a.document.root(), b.document, b.document.root(), QString());
}

std::vector<YamlStreamDocument> readAll(YamlReaderMode mode, const QByteArray& bytes, const YamlLimits& limits = {})
{
    std::vector<YamlStreamDocument> out;
    Detail::forEachYamlDocumentWith(mode, bytes, limits, [&](YamlStreamDocument& d) { out.push_back(d); });
    return out;
}

QString streamDifference(const std::vector<YamlStreamDocument>& a, const std::vector<YamlStreamDocument>& b)
{
    if (a.size() != b.size())
        return QStringLiteral("%1 vs %2 documents").arg(a.size()).arg(b.size());
    for (size_t i = 0; i < a.size(); ++i) {
        const QString d = documentDifference(a[i], b[i]);
        if (!d.isEmpty())
            return QStringLiteral("document %1: %2").arg(i).arg(d);
    }
    return {};
}

struct Range
{
    int line = 1;
    QByteArray bytes;
};

// The stream cut at lines that start with "---" and a blank or the line's end, as the reader's
// caller cuts it (written out again here, so that the test does not trust the code it checks).
QList<Range> splitRanges(const QByteArray& stream)
{
    QList<Range> ranges;
    qsizetype begin = 0;
    int beginLine = 1;
    int line = 1;
    qsizetype pos = 0;
    while (pos < stream.size()) {
        const qsizetype nl = stream.indexOf('\n', pos);
        const qsizetype lineEnd = nl < 0 ? stream.size() : nl;
        const QByteArray text = stream.mid(pos, lineEnd - pos);
        const bool marker = text.startsWith("---")
            && (text.size() == 3 || text[3] == ' ' || text[3] == '\t' || text[3] == '\r');
        if (marker && pos > 0) {
            ranges.append({beginLine, stream.mid(begin, pos - begin)});
            begin = pos;
            beginLine = line;
        }
        pos = nl < 0 ? stream.size() : nl + 1;
        ++line;
    }
    if (begin < stream.size() || ranges.isEmpty())
        ranges.append({beginLine, stream.mid(begin)});
    return ranges;
}

struct RangeOutcome
{
    FastYamlResult result = FastYamlResult::Declined;
    QString problem; // empty: the reader kept its contract on this range
};

// Reads one range with the fast reader and with libyaml alone, and compares.
RangeOutcome checkRange(const Range& range, const YamlLimits& limits = {})
{
    RangeOutcome out;
    YamlStreamDocument current;
    current.startLine = -7; // untouched unless the reader emitted something
    Detail::YamlTreeBuilder builder(limits, current);
    out.result = Detail::fastParseYamlDocument(range.bytes.constData(), size_t(range.bytes.size()), range.line, builder);
    // libyaml on the same bytes as a stream of their own, positions shifted to the range's line.
    QByteArray shifted(range.line - 1, '\n');
    shifted += range.bytes;
    std::vector<YamlStreamDocument> reference = readAll(YamlReaderMode::LibyamlRanges, shifted, limits);
    switch (out.result) {
    case FastYamlResult::Declined:
        if (current.startLine != -7 || !current.document.isEmpty() || current.error)
            out.problem = QStringLiteral("declined after emitting events");
        break;
    case FastYamlResult::NoDocument:
        if (!reference.empty())
            out.problem = QStringLiteral("no document, but libyaml reads %1").arg(reference.size());
        break;
    case FastYamlResult::Document:
        if (reference.size() != 1)
            out.problem = QStringLiteral("one document, but libyaml reads %1").arg(reference.size());
        else
            out.problem = documentDifference(current, reference[0], false);
        break;
    }
    return out;
}

QByteArray readFile(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QByteArray bytes = f.readAll();
    if (bytes.startsWith("\xEF\xBB\xBF"))
        bytes.remove(0, 3);
    return bytes;
}

QStringList dataFiles(const QString& under)
{
    QStringList files;
    QDirIterator it(QStringLiteral(FLIGHTDECK_TEST_DATA) + under, {QStringLiteral("*.yaml"), QStringLiteral("*.yml"), QStringLiteral("*.json")},
                    QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext())
        files << it.next();
    files.sort();
    return files;
}

QString relativeToData(const QString& path)
{
    return path.mid(QStringLiteral(FLIGHTDECK_TEST_DATA).size() + 1);
}

} // namespace

class tst_FastYaml : public QObject
{
    Q_OBJECT

private:
    // Official examples with a document outside the subset the reader takes, and why.
    static QMap<QString, QString> expectedDeclines()
    {
        return {
            {QStringLiteral("conformance/examples/software-templates/rails-demo/template.yaml"),
             QStringLiteral("a single-quoted description that goes on over two lines")},
        };
    }

private Q_SLOTS:
    void supportedConstruct_matchesLibyaml_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        // block mappings and sequences
        QTest::addRow("flat mapping") << QByteArray("apiVersion: backstage.io/v1alpha1\nkind: Component\n");
        QTest::addRow("nested mappings") << QByteArray("a:\n  b:\n    c: 1\n    d: 2\n  e: 3\nf: 4\n");
        QTest::addRow("deeper then shallower") << QByteArray("a:\n  b:\n    c:\n      d: x\nz: y\n");
        QTest::addRow("sequence of scalars") << QByteArray("tags:\n  - a\n  - b\n");
        QTest::addRow("indentless sequence") << QByteArray("tags:\n- a\n- b\nnext: 1\n");
        QTest::addRow("indentless sequence at end") << QByteArray("a: 1\ntags:\n- a\n- b");
        QTest::addRow("compact mappings") << QByteArray("links:\n  - url: https://x\n    title: X\n  - url: y\n");
        QTest::addRow("compact mapping, indentless") << QByteArray("links:\n- url: a\n  title: b\n- url: c\nz: 1\n");
        QTest::addRow("compact with nested value") << QByteArray("- a:\n    b: 1\n  c:\n  - x\n  d: 2\n- e\n");
        QTest::addRow("nested compact sequences") << QByteArray("- - a\n  - b\n- - - c\n- d\n");
        QTest::addRow("sequence item on next line") << QByteArray("-\n  a: 1\n-\n  - x\n-\n  y\n");
        QTest::addRow("empty sequence items") << QByteArray("- \n-\n- # c\n- x\n-");
        QTest::addRow("root sequence") << QByteArray("- a\n- b: c\n");
        QTest::addRow("root at an indentation") << QByteArray("  a: 1\n  b:\n    - x\n");
        QTest::addRow("sequence value at deeper indent") << QByteArray("a:\n    - x\n    - y\nb: 1\n");
        QTest::addRow("wide items") << QByteArray("-     a: 1\n      b: 2\n-   x\n");
        QTest::addRow("scalar value on next line") << QByteArray("a:\n  b\nc:\n    'q'\nd:\n  [1]\n");
        // empty values
        QTest::addRow("empty value") << QByteArray("a:\nb: 1\nc:");
        QTest::addRow("empty value with comment") << QByteArray("a:   # nothing\nb:\n\n# c\nd: 1\n");
        QTest::addRow("empty nested value") << QByteArray("a:\n  b:\n  c:\nd:\n");
        QTest::addRow("empty compact value") << QByteArray("- a:\n  b:\n- c:\n");
        // plain scalars
        QTest::addRow("colons inside") << QByteArray("url: http://example.com:8080/a\nk:: v\nt: 12:30\nx: a:b\n");
        QTest::addRow("comment rules") << QByteArray("a: b # c\nd: e#f\ng: h  #  i\nj: 'k'#l\n");
        QTest::addRow("spaces") << QByteArray("a  : b   \nc: d e  f \n");
        QTest::addRow("indicators inside") << QByteArray("a: b - c\nd: -1\ne: -x\nf: x? y\ng: '[a]'\nh: a]b}c,d\ni: x|y>z\n");
        QTest::addRow("dash scalars") << QByteArray("- -x\n- --y\n- -\n");
        QTest::addRow("core schema values") << QByteArray("a: 007\nb: true\nc: ~\nd: 1.5\ne: .inf\nf: null\ng: 0x1F\nh: 1e3\n");
        QTest::addRow("keys with spaces") << QByteArray("a b c: d e\n'x y': z\n");
        QTest::addRow("merge key is plain") << QByteArray("<<: x\n");
        QTest::addRow("dollar keys") << QByteArray("spec:\n  definition:\n    $text: ./api.yaml\n");
        // quoted scalars
        QTest::addRow("single quoted") << QByteArray("a: 'it''s'\nb: ''\nc: ' x '\nd: 'a # b'\ne: 'a: b'\nf: '''\'\n");
        QTest::addRow("double quoted escapes")
            << QByteArray("a: \"\\n\\t\\\"\\\\\\/\\0\\a\\b\\e\\f\\r\\v\\N\\_\\L\\P\\ \\\t\"\n"
                          "b: \"\\u00e9\\U0001F600\\x41\\u0000\\xff\\uFFFF\"\n");
        QTest::addRow("double quoted plain") << QByteArray("a: \"x y\"\nb: \"\"\nc: \"a 'b' # c\"\n");
        QTest::addRow("tabs inside quotes") << QByteArray("a: 'x\ty'\nb: \"\tz\t\"\n");
        QTest::addRow("quoted keys") << QByteArray("'a': 1\n\"b\": 2\n'c' : 3\n\"d e\":\n  - f\n");
        QTest::addRow("quoted items") << QByteArray("- 'a'\n- \"b\"\n- 'c': d\n");
        // flow collections
        QTest::addRow("flow sequences") << QByteArray("a: [1, 2, 3]\nb: []\nc: [ x , y ]\nd: [a, b, ]\ne: [[1, 2], [3], []]\n");
        QTest::addRow("flow mappings") << QByteArray("a: {}\nb: {c: d, e: [f, g]}\nh: {i: {j: k}}\nl: {m: n,}\n");
        QTest::addRow("flow empty values") << QByteArray("a: {b: , c: d}\ne: {f, g: h}\ni: {j:k}\nl: {m: }\n");
        QTest::addRow("flow quoted") << QByteArray("a: ['x', \"y\", 'z''s']\nb: {\"c\": 'd', 'e':f}\n");
        QTest::addRow("json object") << QByteArray("{\"a\": 1, \"b\": [true, null, 1.5], \"c\": {\"d\": \"e\"}}\n");
        QTest::addRow("json compact") << QByteArray("{\"a\":1,\"b\":[true,null],\"c\":{}}");
        QTest::addRow("flow plain specials") << QByteArray("a: [http://x, a:b, -1, -x, a b, x?y, 'c']\n");
        QTest::addRow("flow then comment") << QByteArray("a: [1] # c\nb: {c: d}#e\n");
        QTest::addRow("flow items") << QByteArray("- [a, b]\n- {c: d}\n- e: [f]\n");
        QTest::addRow("flow root sequence") << QByteArray("[a, {b: c}, [d]]\n");
        // block scalars
        QTest::addRow("literal") << QByteArray("a: |\n  line 1\n  line 2\nb: 1\n");
        QTest::addRow("literal strip keep") << QByteArray("a: |-\n  x\n\nb: |+\n  y\n\n\nc: |\n  z\n\n\nd: 1\n");
        QTest::addRow("folded") << QByteArray("a: >\n  one\n  two\n\n  three\n    indented\n  four\n\n\n  five\nb: 1\n");
        QTest::addRow("folded strip keep") << QByteArray("a: >-\n  x\n  y\n\nb: >+\n  z\n\n");
        QTest::addRow("folded more indented") << QByteArray("a: >\n x\n  y\n z\n\n  w\n\n v\n");
        QTest::addRow("folded leading blank lines") << QByteArray("a: >\n\n\n  x\n  y\n");
        QTest::addRow("literal leading blank lines") << QByteArray("a: |\n\n  \n  x\n");
        QTest::addRow("literal trailing spaces lines") << QByteArray("a: |\n  x\n    \n  \n   y\n \nb: 1\n");
        QTest::addRow("literal with tabs") << QByteArray("a: |\n  x\ty\n  \tz\nb: >\n  q\n  \tr\n  s\n");
        QTest::addRow("literal comments are text") << QByteArray("a: |\n  # not a comment\n  x # y\n# a comment\nb: 1\n");
        QTest::addRow("literal then comment") << QByteArray("a: |\n    x\n  # comment\nb: 1\n");
        QTest::addRow("empty literal") << QByteArray("a: |\nb: >\n\nc: |+\n\n\nd: |-\ne: 1\n");
        QTest::addRow("literal header comment") << QByteArray("a: | # c\n  x\nb: >- #c\n  y\nc: |#c\n  z\n");
        QTest::addRow("literal at end without newline") << QByteArray("a: |\n  x\n  y");
        QTest::addRow("literal keep at end") << QByteArray("a: |+\n  x\n\n");
        QTest::addRow("literal in sequence") << QByteArray("- |\n  x\n- >-\n  y\n  z\n- a: |\n    w\n");
        QTest::addRow("literal in indentless sequence") << QByteArray("a:\n- |\n x\n- y\n");
        QTest::addRow("literal on its own line") << QByteArray("a:\n  |\n   x\n");
        QTest::addRow("literal deeper content") << QByteArray("a:\n  b: |\n        deep\n          deeper\n        back\nc: 1\n");
        QTest::addRow("root literal") << QByteArray("|\n  x\n   y\n");
        QTest::addRow("openapi definition") << QByteArray(
            "spec:\n  definition: |\n    openapi: 3.0.3\n    info:\n      title: X\n    paths:\n      /a/{id}:\n        get:\n"
            "          responses:\n            \"200\":\n              description: OK\n");
        // comments and blank lines
        QTest::addRow("comments everywhere") << QByteArray(
            "# head\n\na: 1 # x\n  # indented\n# col 0\nb:\n  # before\n  - c # d\n\n  # between\n  - e\n# tail\n");
        QTest::addRow("comment lines with tabs") << QByteArray("# a\tb\na: 1 # c\td\n");
        // documents
        QTest::addRow("explicit start") << QByteArray("---\na: 1\n");
        QTest::addRow("explicit start with comment") << QByteArray("--- # doc\n# c\n\na: 1\n");
        QTest::addRow("explicit empty") << QByteArray("---\n");
        QTest::addRow("explicit empty with comment") << QByteArray("--- # c\n# d\n\n");
        QTest::addRow("explicit empty without newline") << QByteArray("---");
        QTest::addRow("explicit empty, spaces at end") << QByteArray("---\n   ");
        QTest::addRow("leading comments") << QByteArray("# c\n\n\n  # d\nkind: x\n");
        QTest::addRow("root plain") << QByteArray("foo\n");
        QTest::addRow("root quoted") << QByteArray("# c\n'foo' # d\n");
        QTest::addRow("root null") << QByteArray("~\n");
        QTest::addRow("no final newline") << QByteArray("a: b");
        // line ends and text
        QTest::addRow("crlf") << QByteArray("a: 1\r\nb:\r\n  - c\r\n  - 'd'\r\ne: |\r\n  x\r\n\r\n  y\r\nf: >-\r\n  g\r\n  h\r\n");
        QTest::addRow("crlf explicit") << QByteArray("---\r\na: 1\r\n");
        QTest::addRow("unicode values") << QByteArray("name: Zo\xC3\xAB\ntitle: \xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E x\n");
        QTest::addRow("unicode keys and columns")
            << QByteArray("\xC3\xA9t\xC3\xA9: \xC3\xBC\n\xF0\x9F\x98\x80: [\xC3\xB6, '\xC3\xA4', {\xC3\xA9: x}]\n");
        QTest::addRow("unicode compact") << QByteArray("l:\n- \xC3\xA9: x\n  \xC3\xBC: \xC3\xA4 # \xC3\xB6\n  z:\n- \xE2\x82\xAC\n");
        QTest::addRow("unicode in quotes") << QByteArray("a: '\xC3\xA9''\xC3\xA9'\nb: \"\xE2\x82\xAC\\n\xE2\x82\xAC\"\nc: {\xC3\xA9: }\n");
        QTest::addRow("unicode empty value column") << QByteArray("\xC3\xA9\xC3\xA9:\n- \xC3\xA9:\n");
        QTest::addRow("non-breaking space is text") << QByteArray("a: \xC2\xA0x\xC2\xA0\n");
        // what the tree builder rejects is rejected alike
        QTest::addRow("duplicate key") << QByteArray("a: 1\nb: 2\na: 3\n");
        QTest::addRow("duplicate quoted key") << QByteArray("a: 1\n'a': 2\n");
        QTest::addRow("duplicate flow key") << QByteArray("x: {a: 1, a: 2}\n");
        QTest::addRow("long key") << QByteArray(QByteArray(900, 'k') + ": v\n");
        QTest::addRow("long flow key") << QByteArray("{" + QByteArray(900, 'k') + ": v}\n");
        QTest::addRow("long value") << QByteArray("k: " + QByteArray(5000, 'v') + "\n");
    }
    void supportedConstruct_matchesLibyaml()
    {
        QFETCH(QByteArray, yaml);
        for (int firstLine : {1, 17}) {
            const RangeOutcome outcome = checkRange({firstLine, yaml});
            QVERIFY2(outcome.problem.isEmpty(), qPrintable(outcome.problem));
            QVERIFY2(outcome.result != FastYamlResult::Declined, "the reader declined a construct it must read");
        }
        QCOMPARE(streamDifference(readAll(YamlReaderMode::Fast, yaml), readAll(YamlReaderMode::LibyamlStream, yaml)),
                 QString());
    }

    void nothingToRead_isNoDocument_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addRow("empty") << QByteArray();
        QTest::addRow("blank lines") << QByteArray("\n\n  \n");
        QTest::addRow("comments") << QByteArray("# a\n  # b\n\n#c");
        QTest::addRow("crlf comments") << QByteArray("# a\r\n\r\n");
    }
    void nothingToRead_isNoDocument()
    {
        QFETCH(QByteArray, yaml);
        const RangeOutcome outcome = checkRange({1, yaml});
        QVERIFY2(outcome.problem.isEmpty(), qPrintable(outcome.problem));
        QCOMPARE(int(outcome.result), int(FastYamlResult::NoDocument));
    }

    void unsupportedConstruct_isDeclined_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addRow("tab indentation") << QByteArray("a:\n\tb: 1\n");
        QTest::addRow("tab in plain scalar") << QByteArray("a: b\tc\n");
        QTest::addRow("tab after colon") << QByteArray("a:\tb\n");
        QTest::addRow("tab before comment") << QByteArray("a: b\t# c\n");
        QTest::addRow("tab line") << QByteArray("a: 1\n\t\nb: 2\n");
        QTest::addRow("tab after dash") << QByteArray("-\tx\n");
        QTest::addRow("tab in flow") << QByteArray("a: [1,\t2]\n");
        QTest::addRow("tab in block scalar indentation") << QByteArray("a: |\n\tx\n");
        QTest::addRow("anchor") << QByteArray("a: &x 1\n");
        QTest::addRow("alias") << QByteArray("a: 1\nb: *x\n");
        QTest::addRow("anchored mapping") << QByteArray("a: &x\n  b: 1\n");
        QTest::addRow("tag") << QByteArray("a: !!str 1\n");
        QTest::addRow("local tag") << QByteArray("a: !x y\n");
        QTest::addRow("directive") << QByteArray("%YAML 1.2\n---\na: 1\n");
        QTest::addRow("document end") << QByteArray("a: 1\n...\n");
        QTest::addRow("content after ---") << QByteArray("--- a\n");
        QTest::addRow("block scalar after ---") << QByteArray("--- |\n  x\n");
        QTest::addRow("flow after ---") << QByteArray("--- {a: 1}\n");
        QTest::addRow("marker-like line") << QByteArray("---x: 1\n");
        QTest::addRow("dots line") << QByteArray("...x: 1\n");
        QTest::addRow("complex key") << QByteArray("? a\n: b\n");
        QTest::addRow("question mark start") << QByteArray("a: ?x\n");
        QTest::addRow("colon start") << QByteArray("a: :x\n");
        QTest::addRow("empty key") << QByteArray(": x\n");
        QTest::addRow("multi-line plain") << QByteArray("a: b\n  c\n");
        QTest::addRow("multi-line plain after comment") << QByteArray("a: b\n  # c\n  d\n");
        QTest::addRow("multi-line root") << QByteArray("a\nb\n");
        QTest::addRow("multi-line plain item") << QByteArray("- a\n  b\n");
        QTest::addRow("multi-line plain on next line") << QByteArray("a:\n  b\n  c\n");
        QTest::addRow("multi-line single quoted") << QByteArray("a: 'b\n  c'\n");
        QTest::addRow("multi-line double quoted") << QByteArray("a: \"b\n  c\"\n");
        QTest::addRow("escaped line break") << QByteArray("a: \"b\\\n  c\"\n");
        QTest::addRow("multi-line flow sequence") << QByteArray("a: [1,\n  2]\n");
        QTest::addRow("multi-line flow mapping") << QByteArray("{\n  \"a\": 1\n}\n");
        QTest::addRow("comment in flow") << QByteArray("a: [1, # c\n  2]\n");
        QTest::addRow("indentation indicator") << QByteArray("a: |2\n   x\n");
        QTest::addRow("indentation indicator after chomping") << QByteArray("a: >-1\n  x\n");
        QTest::addRow("blank line deeper than the block scalar") << QByteArray("a: |\n     \n  x\n");
        QTest::addRow("invalid utf-8") << QByteArray("a: \xC3\x28\n");
        QTest::addRow("overlong utf-8") << QByteArray("a: \xC0\xAF\n");
        QTest::addRow("surrogate") << QByteArray("a: \xED\xA0\x80\n");
        QTest::addRow("control character") << QByteArray("a: \x01\n");
        QTest::addRow("delete character") << QByteArray("a: \x7F\n");
        QTest::addRow("C1 control") << QByteArray("a: \xC2\x81\n");
        QTest::addRow("byte order mark") << QByteArray("\xEF\xBB\xBF" "a: 1\n");
        QTest::addRow("byte order mark inside") << QByteArray("a: x\xEF\xBB\xBFy\n");
        QTest::addRow("next line") << QByteArray("a: x\xC2\x85y\n");
        QTest::addRow("line separator") << QByteArray("a: x\xE2\x80\xA8y\n");
        QTest::addRow("paragraph separator") << QByteArray("a: 'x\xE2\x80\xA9y'\n");
        QTest::addRow("lone carriage return") << QByteArray("a: 1\rb: 2\n");
        QTest::addRow("nul") << QByteArray("a: 1\n\0", 6);
        // syntax errors: libyaml reports them
        QTest::addRow("mapping in value") << QByteArray("a: b: c\n");
        QTest::addRow("sequence in value") << QByteArray("a: - b\n");
        QTest::addRow("value colon at end") << QByteArray("a: b:\n");
        QTest::addRow("unclosed flow") << QByteArray("a: [1, 2\n");
        QTest::addRow("unclosed quote") << QByteArray("a: 'x\n");
        QTest::addRow("text after quote") << QByteArray("a: 'x'y\n");
        QTest::addRow("text after flow") << QByteArray("a: [x]y\n");
        QTest::addRow("bad indentation") << QByteArray("a:\n    b: 1\n  c: 2\n");
        QTest::addRow("deeper key") << QByteArray("a: 1\n b: 2\n");
        QTest::addRow("sequence after mapping") << QByteArray("a: 1\n- b\n");
        QTest::addRow("mapping after sequence") << QByteArray("- a\nb: 1\n");
        QTest::addRow("key without colon") << QByteArray("a: 1\nb\n");
        QTest::addRow("root dedent") << QByteArray("  a: 1\nb: 2\n");
        QTest::addRow("single-pair flow mapping") << QByteArray("a: [b: c]\n");
        QTest::addRow("flow key") << QByteArray("[a]: b\n");
        QTest::addRow("flow mapping key") << QByteArray("{[a]: b}\n");
        QTest::addRow("colon before flow indicator") << QByteArray("a: {b:[1]}\n");
        QTest::addRow("colon before comma") << QByteArray("a: [b:, c]\n");
        QTest::addRow("double comma") << QByteArray("a: [b,,c]\n");
        QTest::addRow("leading comma") << QByteArray("a: [,]\n");
        QTest::addRow("dash in flow") << QByteArray("a: [- b]\n");
        QTest::addRow("at sign") << QByteArray("a: @x\n");
        QTest::addRow("backquote") << QByteArray("a: `x\n");
        QTest::addRow("percent") << QByteArray("a: %x\n");
        QTest::addRow("unknown escape") << QByteArray("a: \"\\q\"\n");
        QTest::addRow("quote escape") << QByteArray("a: \"\\'\"\n");
        QTest::addRow("short hex escape") << QByteArray("a: \"\\x4\"\n");
        QTest::addRow("surrogate escape") << QByteArray("a: \"\\uD800\"\n");
        QTest::addRow("escape out of range") << QByteArray("a: \"\\U00110000\"\n");
        QTest::addRow("text after block header") << QByteArray("a: |x\n  y\n");
        QTest::addRow("key too long") << QByteArray(QByteArray(1100, 'k') + ": v\n");
        QTest::addRow("flow key too long") << QByteArray("{" + QByteArray(1100, 'k') + ": v}\n");
        QTest::addRow("deep nesting") << QByteArray(QByteArray(300, '[') + QByteArray(300, ']'));
        QTest::addRow("deep block nesting") << [] {
            QByteArray y;
            for (int i = 0; i < 250; ++i)
                y += QByteArray(i, ' ') + "k:\n";
            return y;
        }();
    }
    void unsupportedConstruct_isDeclined()
    {
        QFETCH(QByteArray, yaml);
        const RangeOutcome outcome = checkRange({1, yaml});
        QVERIFY2(outcome.problem.isEmpty(), qPrintable(outcome.problem));
        QCOMPARE(int(outcome.result), int(FastYamlResult::Declined));
        // And the stream reads as libyaml alone reads it.
        QCOMPARE(streamDifference(readAll(YamlReaderMode::Fast, yaml), readAll(YamlReaderMode::LibyamlRanges, yaml)),
                 QString());
    }

    void testData_everyRange_matchesLibyaml()
    {
        const QStringList files = dataFiles(QString());
        QVERIFY(files.size() > 50);
        int accepted = 0;
        int declined = 0;
        const QMap<QString, QString> allowed = expectedDeclines();
        for (const QString& file : files) {
            const QByteArray bytes = readFile(file);
            const QString name = relativeToData(file);
            for (const Range& range : splitRanges(bytes)) {
                const RangeOutcome outcome = checkRange(range);
                QVERIFY2(outcome.problem.isEmpty(), qPrintable(name + QStringLiteral(":%1: ").arg(range.line) + outcome.problem));
                if (outcome.result == FastYamlResult::Declined) {
                    ++declined;
                    // The official examples and the catalog data are the subset the reader is for.
                    const bool mustAccept = name.startsWith(QLatin1String("conformance/examples/")) || name.startsWith(QLatin1String("catalog/"));
                    QVERIFY2(!mustAccept || allowed.contains(name),
                             qPrintable(QStringLiteral("declined %1, line %2").arg(name).arg(range.line)));
                } else {
                    ++accepted;
                }
            }
            QCOMPARE(streamDifference(readAll(YamlReaderMode::Fast, bytes), readAll(YamlReaderMode::LibyamlRanges, bytes)),
                     QString());
        }
        qInfo("%d ranges read by the fast reader, %d declined", accepted, declined);
        QVERIFY(accepted > 100);
    }

    void generatedCatalog_isReadWholly_andMatchesLibyaml()
    {
        Flightdeck::Bench::CatalogOptions options;
        options.entities = 3000;
        const auto catalog = Flightdeck::Bench::generateCatalog(options);
        QVERIFY(catalog.files.size() > 10);
        int ranges = 0;
        for (const auto& file : catalog.files) {
            for (const Range& range : splitRanges(file.content)) {
                const RangeOutcome outcome = checkRange(range);
                QVERIFY2(outcome.problem.isEmpty(), qPrintable(file.path + QStringLiteral(":%1: ").arg(range.line) + outcome.problem));
                QVERIFY2(outcome.result == FastYamlResult::Document,
                         qPrintable(QStringLiteral("not read: %1, line %2").arg(file.path).arg(range.line)));
                ++ranges;
            }
            const auto fast = readAll(YamlReaderMode::Fast, file.content);
            QCOMPARE(streamDifference(fast, readAll(YamlReaderMode::LibyamlStream, file.content)), QString());
            QCOMPARE(int(fast.size()), file.documents);
        }
        QCOMPARE(ranges, 3000);
    }

    void stream_declinedRangeAmongRead_keepsIndexesAndLines()
    {
        const QByteArray yaml("a: 1\n---\nb: &x 2\nc: *x\n---\n# c\nd: 3\n---\n");
        const auto docs = readAll(YamlReaderMode::Fast, yaml);
        QCOMPARE(streamDifference(docs, readAll(YamlReaderMode::LibyamlStream, yaml)), QString());
        QCOMPARE(docs.size(), size_t(4));
        QCOMPARE(docs[1].document.toJson(docs[1].document.root()), QByteArray("{\"b\":2,\"c\":2}"));
        QCOMPARE(docs[2].startLine, 5);
        QCOMPARE(docs[3].index, 3);
        QCOMPARE(docs[3].document.type(docs[3].document.root()), YamlType::Null);
    }

    void stream_syntaxError_costsOnlyItsDocument()
    {
        const QByteArray yaml("a: 1\n---\nb: [1, 2\n---\nc: 'x\n---\nd: 4\n");
        const auto docs = readAll(YamlReaderMode::Fast, yaml);
        QCOMPARE(streamDifference(docs, readAll(YamlReaderMode::LibyamlStream, yaml)), QString());
        QCOMPARE(docs.size(), size_t(4));
        QVERIFY(!docs[0].error);
        QVERIFY(docs[1].error);
        QCOMPARE(docs[1].error->position.line, 4);
        QVERIFY(docs[2].error);
        // The open quote meets the next `---`, as when one parser reads the stream.
        QVERIFY2(docs[2].error->message.contains(QLatin1String("document indicator")), qPrintable(docs[2].error->message));
        QVERIFY(!docs[3].error);
        QCOMPARE(docs[3].index, 3);
    }

    void stream_invalidByte_costsOnlyItsDocument()
    {
        // Each range is read on its own, so a byte libyaml rejects no longer takes the documents
        // before it down (one parser over the stream decodes up to 16 KB ahead and fails early).
        const auto docs = parseYamlStream(QByteArray("a: 1\n---\nb: \xFF\n---\nc: 3\n"));
        QCOMPARE(docs.size(), size_t(3));
        QVERIFY(!docs[0].error);
        QVERIFY(docs[1].error);
        QCOMPARE(docs[1].error->position.line, 3);
        QVERIFY(!docs[2].error);
        QCOMPARE(docs[2].document.toJson(docs[2].document.root()), QByteArray("{\"c\":3}"));
    }

    void stream_directive_belongsToTheNextDocument()
    {
        const QByteArray yaml("a: 1\n%YAML 1.2\n---\nb: 2\n---\nc: 3\n");
        const auto docs = readAll(YamlReaderMode::Fast, yaml);
        QCOMPARE(streamDifference(docs, readAll(YamlReaderMode::LibyamlStream, yaml)), QString());
        QCOMPARE(docs.size(), size_t(3));
        for (const auto& d : docs)
            QVERIFY2(!d.error, qPrintable(d.error ? d.error->message : QString()));
    }

    void stream_unusualLineBreaks_readAsOneStream()
    {
        const QByteArray yaml("a: 1\rb: 2\n---\nc: 3\n");
        QCOMPARE(streamDifference(readAll(YamlReaderMode::Fast, yaml), readAll(YamlReaderMode::LibyamlStream, yaml)),
                 QString());
    }

    void stream_duplicateKey_reportedAsByLibyaml()
    {
        const QByteArray yaml("---\na: 1\na: 2\n---\nb: 1\n");
        const auto docs = readAll(YamlReaderMode::Fast, yaml);
        QCOMPARE(streamDifference(docs, readAll(YamlReaderMode::LibyamlRanges, yaml)), QString());
        QCOMPARE(docs.size(), size_t(2));
        QVERIFY(docs[0].error);
        QCOMPARE(docs[0].error->position, (TextPosition {3, 1}));
    }

    void stream_limits_applyToTheFastReaderToo()
    {
        YamlLimits limits;
        limits.maxDepth = 3;
        const QByteArray yaml("a:\n  b:\n    c:\n      d: 1\n---\ne: [[[[1]]]]\n---\nf: 1\n");
        const auto docs = readAll(YamlReaderMode::Fast, yaml, limits);
        QCOMPARE(streamDifference(docs, readAll(YamlReaderMode::LibyamlRanges, yaml, limits)), QString());
        QCOMPARE(docs.size(), size_t(3));
        QVERIFY(docs[0].error && docs[0].error->message.contains(QLatin1String("deeper")));
        QVERIFY(docs[1].error);
        QVERIFY(!docs[2].error);
    }
};

QTEST_GUILESS_MAIN(tst_FastYaml)
#include "tst_fastyaml.moc"
