// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "codehighlighter.h"

#include <QHash>
#include <QList>
#include <QPlainTextEdit>
#include <QPointer>

namespace Flightdeck::Views {

// A finding shown on a line of code.
struct CodeMarker
{
    int line = 0;       // 1-based
    bool error = true;  // false: a warning
    QString message;
};

// A read-only code viewer: line numbers, syntax highlighting, markers for findings (a dot in the
// gutter, a tinted line with a wavy underline, the message after the line and on hover), and a
// highlighted target line. Colours follow the palette, light or dark.
class CodeView : public QPlainTextEdit
{
    Q_OBJECT
public:
    explicit CodeView(QWidget* parent = nullptr);

    void setCode(const QString& text, CodeLanguage language);
    CodeLanguage language() const { return m_language; }
    CodeHighlighter* highlighter() const { return m_highlighter; }

    void setMarkers(const QList<CodeMarker>& markers);
    const QList<CodeMarker>& markers() const { return m_markers; }
    // The messages of the markers on a line, one per line of text; empty when there are none.
    QString markerText(int line) const;
    // Draw marker messages after the end of their line (on by default).
    void setInlineMessages(bool on);

    // Lines (1-based, inclusive) drawn with an accent bar in the gutter: the entity's document.
    void setFocusRange(int first, int last);

    // Scrolls so that the line is near the top, moves the cursor there and highlights the line.
    void goToLine(int line);
    // Scrolls so that the line is the first visible after `context` lines, marking nothing.
    void scrollToLine(int line, int context = 3);
    int targetLine() const { return m_targetLine; }
    int cursorLine() const { return textCursor().blockNumber() + 1; }
    int firstVisibleLine() const;
    int lineCount() const { return blockCount(); }
    int gutterWidth() const;
    QWidget* gutter() const { return m_gutter; }
    CodeColors colors() const { return m_colors; }

protected:
    void resizeEvent(QResizeEvent* event) override;
    void paintEvent(QPaintEvent* event) override;
    void changeEvent(QEvent* event) override;
    bool viewportEvent(QEvent* event) override;

private:
    friend class CodeGutter;
    void paintGutter(QPaintEvent* event);
    void updateGutter(const QRect& rect, int dy);
    void updateExtraSelections();
    void applyPalette();

    QWidget* m_gutter = nullptr;
    QPointer<CodeHighlighter> m_highlighter;
    CodeLanguage m_language = CodeLanguage::Plain;
    CodeColors m_colors;
    QList<CodeMarker> m_markers;
    QHash<int, QList<int>> m_markersByLine; // line -> indexes into m_markers
    int m_targetLine = 0;
    int m_focusFirst = 0;
    int m_focusLast = 0;
    bool m_inlineMessages = true;
    bool m_applyingPalette = false;
};

} // namespace Flightdeck::Views
