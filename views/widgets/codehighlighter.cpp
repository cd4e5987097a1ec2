// SPDX-License-Identifier: Apache-2.0
#include "codehighlighter.h"

#include <QRegularExpression>
#include <QSet>
#include <QTextDocument>

namespace Flightdeck::Views {

namespace {

bool isNumberLike(QStringView s)
{
    static const QRegularExpression re(
        QStringLiteral("^[-+]?(\\d[\\d_]*(\\.\\d*)?([eE][-+]?\\d+)?|\\.\\d+([eE][-+]?\\d+)?|0x[0-9a-fA-F]+|0o[0-7]+|"
                       "\\.inf|\\.Inf|\\.INF|\\.nan|\\.NaN|\\.NAN)$"));
    return re.match(s.toString()).hasMatch();
}

bool isYamlConstant(QStringView s)
{
    static const QSet<QString> words {QStringLiteral("true"),  QStringLiteral("false"), QStringLiteral("True"),
                                      QStringLiteral("False"), QStringLiteral("TRUE"),  QStringLiteral("FALSE"),
                                      QStringLiteral("null"),  QStringLiteral("Null"),  QStringLiteral("NULL"),
                                      QStringLiteral("~")};
    return words.contains(s.toString()) || isNumberLike(s);
}

bool isIdentStart(QChar c) { return c.isLetter() || c == QLatin1Char('_'); }
bool isIdentChar(QChar c) { return c.isLetterOrNumber() || c == QLatin1Char('_'); }

// The end of a quoted string that starts at i (the quote), or n when it is not closed on the line.
int stringEnd(const QString& text, int i)
{
    const QChar quote = text[i];
    const int n = int(text.size());
    for (int j = i + 1; j < n; ++j) {
        if (quote == QLatin1Char('"') && text[j] == QLatin1Char('\\')) {
            ++j;
            continue;
        }
        if (text[j] == quote) {
            if (quote == QLatin1Char('\'') && j + 1 < n && text[j + 1] == QLatin1Char('\'')) {
                ++j; // '' is an escaped quote in YAML
                continue;
            }
            return j + 1;
        }
    }
    return n;
}

} // namespace

CodeColors CodeColors::forPalette(const QPalette& palette)
{
    CodeColors c;
    c.dark = palette.color(QPalette::Base).lightness() < 128;
    c.text = palette.color(QPalette::Text);
    if (c.dark) {
        c.key = QColor(0x7e, 0xe7, 0x87);
        c.string = QColor(0xa5, 0xd6, 0xff);
        c.number = QColor(0x79, 0xc0, 0xff);
        c.keyword = QColor(0xff, 0x7b, 0x72);
        c.comment = QColor(0x8b, 0x94, 0x9e);
        c.type = QColor(0xff, 0xa6, 0x57);
        c.special = QColor(0xd2, 0xa8, 0xff);
        c.error = QColor(0xf8, 0x51, 0x49);
        c.warning = QColor(0xd2, 0x99, 0x22);
    } else {
        c.key = QColor(0x11, 0x63, 0x29);
        c.string = QColor(0x0a, 0x30, 0x69);
        c.number = QColor(0x05, 0x50, 0xae);
        c.keyword = QColor(0xcf, 0x22, 0x2e);
        c.comment = QColor(0x6e, 0x77, 0x81);
        c.type = QColor(0x95, 0x38, 0x00);
        c.special = QColor(0x82, 0x50, 0xdf);
        c.error = QColor(0xd1, 0x24, 0x2f);
        c.warning = QColor(0x9a, 0x67, 0x00);
    }
    c.punctuation = c.dark ? QColor(0xc9, 0xd1, 0xd9) : QColor(0x57, 0x60, 0x6a);
    return c;
}

CodeHighlighter::CodeHighlighter(QTextDocument* document)
    : QSyntaxHighlighter(document)
{
}

void CodeHighlighter::setColors(const CodeColors& colors)
{
    m_colors = colors;
    rehighlight();
}

QTextCharFormat CodeHighlighter::format(const QColor& color, bool italic, bool bold) const
{
    QTextCharFormat f;
    f.setForeground(color);
    if (italic)
        f.setFontItalic(true);
    if (bold)
        f.setFontWeight(QFont::DemiBold);
    return f;
}

// --- YAML ------------------------------------------------------------------------------------------

// Block state: 0 normal; n > 0 inside a block scalar (| or >) whose parent starts in column n - 1.
void YamlHighlighter::highlightBlock(const QString& text)
{
    const int n = int(text.size());
    int indent = 0;
    while (indent < n && text[indent] == QLatin1Char(' '))
        ++indent;
    const int previous = previousBlockState();
    if (previous > 0 && (indent >= n || indent > previous - 1)) {
        color(0, n, m_colors.string);
        setCurrentBlockState(previous);
        return;
    }
    setCurrentBlockState(0);
    if (n == 0)
        return;
    if (text.startsWith(QLatin1Char('%'))) {
        color(0, n, m_colors.keyword);
        return;
    }

    // Where a comment starts: '#' at the start or after a blank, outside quotes.
    int end = n;
    for (int i = 0; i < n; ++i) {
        const QChar c = text[i];
        if ((c == QLatin1Char('"') || c == QLatin1Char('\'')) && (i == 0 || !text[i - 1].isLetterOrNumber())) {
            i = stringEnd(text, i) - 1;
            continue;
        }
        if (c == QLatin1Char('#') && (i == 0 || text[i - 1] == QLatin1Char(' ') || text[i - 1] == QLatin1Char('\t'))) {
            end = i;
            color(i, n - i, m_colors.comment, true);
            break;
        }
    }

    int pos = indent;
    if ((text.startsWith(QStringLiteral("---")) || text.startsWith(QStringLiteral("...")))
        && (end == 3 || (end > 3 && text[3] == QLatin1Char(' ')))) {
        color(0, 3, m_colors.keyword, false, true);
        pos = 3;
    }
    int parentColumn = indent;
    while (pos < end && text[pos] == QLatin1Char('-') && (pos + 1 == end || text[pos + 1] == QLatin1Char(' '))) {
        color(pos, 1, m_colors.punctuation, false, true);
        parentColumn = pos;
        ++pos;
        while (pos < end && text[pos] == QLatin1Char(' '))
            ++pos;
    }
    // A key: quoted, or plain up to ": " (or ':' at the end).
    if (pos < end) {
        int keyEnd = -1;
        const QChar c = text[pos];
        if (c == QLatin1Char('"') || c == QLatin1Char('\'')) {
            int q = stringEnd(text, pos);
            int k = q;
            while (k < end && text[k] == QLatin1Char(' '))
                ++k;
            if (k < end && text[k] == QLatin1Char(':') && (k + 1 == end || text[k + 1] == QLatin1Char(' ')))
                keyEnd = k;
        } else if (c != QLatin1Char('[') && c != QLatin1Char('{') && c != QLatin1Char('|') && c != QLatin1Char('>')
                   && c != QLatin1Char('&') && c != QLatin1Char('*') && c != QLatin1Char('!')) {
            for (int k = pos; k < end; ++k) {
                if (text[k] == QLatin1Char(':') && (k + 1 == end || text[k + 1] == QLatin1Char(' ')
                                                    || text[k + 1] == QLatin1Char('\t'))) {
                    keyEnd = k;
                    break;
                }
            }
        }
        if (keyEnd >= 0) {
            int keyLength = keyEnd - pos;
            while (keyLength > 0 && text[pos + keyLength - 1] == QLatin1Char(' '))
                --keyLength;
            color(pos, keyLength, m_colors.key);
            color(keyEnd, 1, m_colors.punctuation);
            parentColumn = pos;
            pos = keyEnd + 1;
        }
    }
    // A block scalar indicator starts a literal or folded block.
    const QString rest = text.mid(pos, end - pos).trimmed();
    static const QRegularExpression blockIndicator(QStringLiteral("^[|>][-+0-9]*$"));
    if (blockIndicator.match(rest).hasMatch()) {
        color(int(text.indexOf(rest, pos)), int(rest.size()), m_colors.special, false, true);
        setCurrentBlockState(parentColumn + 1);
        return;
    }
    value(text, pos, end);
}

void YamlHighlighter::value(const QString& text, int start, int end)
{
    int i = start;
    while (i < end && text[i] == QLatin1Char(' '))
        ++i;
    // Anchors, aliases and tags before the value.
    while (i < end && (text[i] == QLatin1Char('&') || text[i] == QLatin1Char('*') || text[i] == QLatin1Char('!'))) {
        int j = i + 1;
        while (j < end && text[j] != QLatin1Char(' '))
            ++j;
        color(i, j - i, text[i] == QLatin1Char('!') ? m_colors.type : m_colors.special);
        i = j;
        while (i < end && text[i] == QLatin1Char(' '))
            ++i;
    }
    if (i >= end)
        return;
    const QChar c = text[i];
    if (c == QLatin1Char('"') || c == QLatin1Char('\'')) {
        color(i, std::min(stringEnd(text, i), end) - i, m_colors.string);
        return;
    }
    if (c == QLatin1Char('[') || c == QLatin1Char('{')) {
        // Flow collection: punctuation, strings, constants and plain words.
        int j = i;
        while (j < end) {
            const QChar d = text[j];
            if (QStringLiteral("[]{},:").contains(d)) {
                color(j, 1, m_colors.punctuation);
                ++j;
            } else if (d == QLatin1Char('"') || d == QLatin1Char('\'')) {
                const int e = std::min(stringEnd(text, j), end);
                color(j, e - j, m_colors.string);
                j = e;
            } else if (d == QLatin1Char(' ')) {
                ++j;
            } else {
                int e = j;
                while (e < end && !QStringLiteral("[]{},").contains(text[e])
                       && !(text[e] == QLatin1Char(':') && (e + 1 == end || text[e + 1] == QLatin1Char(' '))))
                    ++e;
                const QString word = text.mid(j, e - j).trimmed();
                const bool isKey = e < end && text[e] == QLatin1Char(':');
                color(j, e - j, isKey ? m_colors.key : isYamlConstant(word) ? m_colors.number : m_colors.string);
                j = e;
            }
        }
        return;
    }
    int e = end;
    while (e > i && text[e - 1] == QLatin1Char(' '))
        --e;
    color(i, e - i, isYamlConstant(QStringView(text).mid(i, e - i)) ? m_colors.number : m_colors.string);
}

// --- JSON ------------------------------------------------------------------------------------------

void JsonHighlighter::highlightBlock(const QString& text)
{
    const int n = int(text.size());
    int i = 0;
    while (i < n) {
        const QChar c = text[i];
        if (c == QLatin1Char('"')) {
            const int e = stringEnd(text, i);
            int k = e;
            while (k < n && text[k].isSpace())
                ++k;
            color(i, e - i, k < n && text[k] == QLatin1Char(':') ? m_colors.key : m_colors.string);
            i = e;
        } else if (c.isDigit() || c == QLatin1Char('-')) {
            int e = i + 1;
            while (e < n && (text[e].isLetterOrNumber() || text[e] == QLatin1Char('.') || text[e] == QLatin1Char('+')
                             || text[e] == QLatin1Char('-')))
                ++e;
            color(i, e - i, m_colors.number);
            i = e;
        } else if (c.isLetter()) {
            int e = i;
            while (e < n && text[e].isLetter())
                ++e;
            const QStringView word = QStringView(text).mid(i, e - i);
            if (word == u"true" || word == u"false" || word == u"null")
                color(i, e - i, m_colors.number);
            else
                color(i, e - i, m_colors.error);
            i = e;
        } else if (QStringLiteral("{}[],:").contains(c)) {
            color(i, 1, m_colors.punctuation);
            ++i;
        } else {
            ++i;
        }
    }
}

// --- GraphQL ---------------------------------------------------------------------------------------

// Block state 1: inside a """ block string.
void GraphQlHighlighter::highlightBlock(const QString& text)
{
    static const QSet<QString> keywords {
        QStringLiteral("type"),       QStringLiteral("interface"),    QStringLiteral("input"),
        QStringLiteral("enum"),       QStringLiteral("union"),        QStringLiteral("scalar"),
        QStringLiteral("schema"),     QStringLiteral("extend"),       QStringLiteral("implements"),
        QStringLiteral("directive"),  QStringLiteral("fragment"),     QStringLiteral("query"),
        QStringLiteral("mutation"),   QStringLiteral("subscription"), QStringLiteral("on"),
        QStringLiteral("repeatable")};
    static const QSet<QString> scalars {QStringLiteral("ID"), QStringLiteral("String"), QStringLiteral("Int"),
                                        QStringLiteral("Float"), QStringLiteral("Boolean")};
    const int n = int(text.size());
    int i = 0;
    setCurrentBlockState(0);
    if (previousBlockState() == 1) {
        const int close = int(text.indexOf(QStringLiteral("\"\"\"")));
        if (close < 0) {
            color(0, n, m_colors.comment, true);
            setCurrentBlockState(1);
            return;
        }
        color(0, close + 3, m_colors.comment, true);
        i = close + 3;
    }
    while (i < n) {
        const QChar c = text[i];
        if (c == QLatin1Char('#')) {
            color(i, n - i, m_colors.comment, true);
            return;
        }
        if (c == QLatin1Char('"')) {
            if (text.mid(i, 3) == QStringLiteral("\"\"\"")) {
                const int close = int(text.indexOf(QStringLiteral("\"\"\""), i + 3));
                if (close < 0) {
                    color(i, n - i, m_colors.comment, true);
                    setCurrentBlockState(1);
                    return;
                }
                color(i, close + 3 - i, m_colors.comment, true);
                i = close + 3;
            } else {
                const int e = stringEnd(text, i);
                color(i, e - i, m_colors.string);
                i = e;
            }
            continue;
        }
        if (isIdentStart(c) || c == QLatin1Char('@') || c == QLatin1Char('$')) {
            int e = i + 1;
            while (e < n && isIdentChar(text[e]))
                ++e;
            const QString word = text.mid(i, e - i);
            int k = e;
            while (k < n && text[k] == QLatin1Char(' '))
                ++k;
            const bool field = k < n && (text[k] == QLatin1Char(':') || text[k] == QLatin1Char('('));
            if (c == QLatin1Char('@') || c == QLatin1Char('$'))
                color(i, e - i, m_colors.special);
            else if (keywords.contains(word) && !field)
                color(i, e - i, m_colors.keyword);
            else if (word == QStringLiteral("true") || word == QStringLiteral("false") || word == QStringLiteral("null"))
                color(i, e - i, m_colors.number);
            else if (field)
                color(i, e - i, m_colors.key);
            else if (scalars.contains(word) || word.at(0).isUpper())
                color(i, e - i, m_colors.type);
            i = e;
            continue;
        }
        if (c.isDigit() || (c == QLatin1Char('-') && i + 1 < n && text[i + 1].isDigit())) {
            int e = i + 1;
            while (e < n && (text[e].isLetterOrNumber() || text[e] == QLatin1Char('.')))
                ++e;
            color(i, e - i, m_colors.number);
            i = e;
            continue;
        }
        if (QStringLiteral("{}()[]:!=|&").contains(c))
            color(i, 1, m_colors.punctuation);
        ++i;
    }
}

// --- Protocol Buffers ------------------------------------------------------------------------------

// Block state 1: inside a /* comment.
void ProtobufHighlighter::highlightBlock(const QString& text)
{
    static const QSet<QString> keywords {
        QStringLiteral("syntax"),   QStringLiteral("edition"),    QStringLiteral("package"),
        QStringLiteral("import"),   QStringLiteral("option"),     QStringLiteral("message"),
        QStringLiteral("enum"),     QStringLiteral("service"),    QStringLiteral("rpc"),
        QStringLiteral("returns"),  QStringLiteral("stream"),     QStringLiteral("repeated"),
        QStringLiteral("optional"), QStringLiteral("required"),   QStringLiteral("oneof"),
        QStringLiteral("map"),      QStringLiteral("reserved"),   QStringLiteral("extensions"),
        QStringLiteral("extend"),   QStringLiteral("to"),         QStringLiteral("max"),
        QStringLiteral("weak"),     QStringLiteral("public"),     QStringLiteral("group")};
    static const QSet<QString> scalars {
        QStringLiteral("double"),  QStringLiteral("float"),    QStringLiteral("int32"),    QStringLiteral("int64"),
        QStringLiteral("uint32"),  QStringLiteral("uint64"),   QStringLiteral("sint32"),   QStringLiteral("sint64"),
        QStringLiteral("fixed32"), QStringLiteral("fixed64"),  QStringLiteral("sfixed32"), QStringLiteral("sfixed64"),
        QStringLiteral("bool"),    QStringLiteral("string"),   QStringLiteral("bytes")};
    const int n = int(text.size());
    int i = 0;
    setCurrentBlockState(0);
    if (previousBlockState() == 1) {
        const int close = int(text.indexOf(QStringLiteral("*/")));
        if (close < 0) {
            color(0, n, m_colors.comment, true);
            setCurrentBlockState(1);
            return;
        }
        color(0, close + 2, m_colors.comment, true);
        i = close + 2;
    }
    while (i < n) {
        const QChar c = text[i];
        if (c == QLatin1Char('/') && i + 1 < n && text[i + 1] == QLatin1Char('/')) {
            color(i, n - i, m_colors.comment, true);
            return;
        }
        if (c == QLatin1Char('/') && i + 1 < n && text[i + 1] == QLatin1Char('*')) {
            const int close = int(text.indexOf(QStringLiteral("*/"), i + 2));
            if (close < 0) {
                color(i, n - i, m_colors.comment, true);
                setCurrentBlockState(1);
                return;
            }
            color(i, close + 2 - i, m_colors.comment, true);
            i = close + 2;
            continue;
        }
        if (c == QLatin1Char('"') || c == QLatin1Char('\'')) {
            const int e = stringEnd(text, i);
            color(i, e - i, m_colors.string);
            i = e;
            continue;
        }
        if (isIdentStart(c)) {
            int e = i + 1;
            while (e < n && (isIdentChar(text[e]) || text[e] == QLatin1Char('.')))
                ++e;
            const QString word = text.mid(i, e - i);
            if (keywords.contains(word))
                color(i, e - i, m_colors.keyword);
            else if (scalars.contains(word) || word.section(QLatin1Char('.'), -1).at(0).isUpper())
                color(i, e - i, m_colors.type);
            else if (word == QStringLiteral("true") || word == QStringLiteral("false"))
                color(i, e - i, m_colors.number);
            i = e;
            continue;
        }
        if (c.isDigit() || (c == QLatin1Char('-') && i + 1 < n && text[i + 1].isDigit())) {
            int e = i + 1;
            while (e < n && (text[e].isLetterOrNumber() || text[e] == QLatin1Char('.')))
                ++e;
            color(i, e - i, m_colors.number);
            i = e;
            continue;
        }
        if (QStringLiteral("{}()[]<>;=,").contains(c))
            color(i, 1, m_colors.punctuation);
        ++i;
    }
}

CodeHighlighter* createHighlighter(CodeLanguage language, const CodeColors& colors, QTextDocument* document)
{
    CodeHighlighter* h = nullptr;
    switch (language) {
    case CodeLanguage::Yaml:
        h = new YamlHighlighter(nullptr);
        break;
    case CodeLanguage::Json:
        h = new JsonHighlighter(nullptr);
        break;
    case CodeLanguage::GraphQl:
        h = new GraphQlHighlighter(nullptr);
        break;
    case CodeLanguage::Protobuf:
        h = new ProtobufHighlighter(nullptr);
        break;
    case CodeLanguage::Plain:
        return nullptr;
    }
    // Colours first, so the document is highlighted once, in the right ones.
    h->setColors(colors);
    h->setParent(document);
    h->setDocument(document);
    return h;
}

} // namespace Flightdeck::Views
