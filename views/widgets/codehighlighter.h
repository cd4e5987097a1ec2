// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QColor>
#include <QPalette>
#include <QSyntaxHighlighter>
#include <QTextCharFormat>

#include <memory>

namespace Flightdeck::Views {

enum class CodeLanguage { Plain, Yaml, Json, GraphQl, Protobuf };

// The colours of code, chosen for the palette's background: GitHub's light and dark schemes,
// which keep every token readable on both.
struct CodeColors
{
    bool dark = false;
    QColor text;
    QColor key;
    QColor string;
    QColor number;   // numbers, booleans, null
    QColor keyword;
    QColor comment;
    QColor type;
    QColor special;  // anchors, aliases, directives, variables
    QColor punctuation;
    QColor error;
    QColor warning;

    static CodeColors forPalette(const QPalette& palette);
};

// The base of the highlighters: colours and the formats built from them.
class CodeHighlighter : public QSyntaxHighlighter
{
    Q_OBJECT
public:
    explicit CodeHighlighter(QTextDocument* document);
    // Re-colours the whole document (after a palette change).
    void setColors(const CodeColors& colors);
    const CodeColors& colors() const { return m_colors; }

protected:
    QTextCharFormat format(const QColor& color, bool italic = false, bool bold = false) const;
    void color(int start, int length, const QColor& c, bool italic = false, bool bold = false)
    {
        if (length > 0)
            setFormat(start, length, format(c, italic, bold));
    }

    CodeColors m_colors;
};

class YamlHighlighter final : public CodeHighlighter
{
    Q_OBJECT
public:
    using CodeHighlighter::CodeHighlighter;

protected:
    void highlightBlock(const QString& text) override;

private:
    void value(const QString& text, int start, int end);
};

class JsonHighlighter final : public CodeHighlighter
{
    Q_OBJECT
public:
    using CodeHighlighter::CodeHighlighter;

protected:
    void highlightBlock(const QString& text) override;
};

class GraphQlHighlighter final : public CodeHighlighter
{
    Q_OBJECT
public:
    using CodeHighlighter::CodeHighlighter;

protected:
    void highlightBlock(const QString& text) override;
};

class ProtobufHighlighter final : public CodeHighlighter
{
    Q_OBJECT
public:
    using CodeHighlighter::CodeHighlighter;

protected:
    void highlightBlock(const QString& text) override;
};

// The highlighter for a language in the given colours, attached to (and owned by) document;
// nullptr for Plain.
CodeHighlighter* createHighlighter(CodeLanguage language, const CodeColors& colors, QTextDocument* document);

} // namespace Flightdeck::Views
