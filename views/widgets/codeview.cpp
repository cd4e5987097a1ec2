// SPDX-License-Identifier: Apache-2.0
#include "codeview.h"

#include <QFontDatabase>
#include <QHelpEvent>
#include <QPainter>
#include <QScrollBar>
#include <QTextBlock>
#include <QToolTip>

namespace Flightdeck::Views {

namespace {

constexpr int kMarkerSpace = 16; // left part of the gutter, for marker dots
constexpr int kNumberPadding = 12;

QColor withAlpha(QColor c, int alpha)
{
    c.setAlpha(alpha);
    return c;
}

QColor mix(const QColor& a, const QColor& b, qreal t)
{
    return QColor::fromRgbF(float(a.redF() * (1 - t) + b.redF() * t), float(a.greenF() * (1 - t) + b.greenF() * t),
                            float(a.blueF() * (1 - t) + b.blueF() * t));
}

} // namespace

class CodeGutter : public QWidget
{
public:
    explicit CodeGutter(CodeView* view)
        : QWidget(view)
        , m_view(view)
    {
        setMouseTracking(true);
    }
    QSize sizeHint() const override { return QSize(m_view->gutterWidth(), 0); }

protected:
    void paintEvent(QPaintEvent* event) override { m_view->paintGutter(event); }
    bool event(QEvent* event) override
    {
        if (event->type() == QEvent::ToolTip) {
            auto* help = static_cast<QHelpEvent*>(event);
            const QPoint inViewport(0, help->pos().y());
            const int line = m_view->cursorForPosition(inViewport).blockNumber() + 1;
            const QString text = m_view->markerText(line);
            if (text.isEmpty())
                QToolTip::hideText();
            else
                QToolTip::showText(help->globalPos(), text, this);
            return true;
        }
        return QWidget::event(event);
    }

private:
    CodeView* m_view;
};

CodeView::CodeView(QWidget* parent)
    : QPlainTextEdit(parent)
{
    setReadOnly(true);
    setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    setLineWrapMode(QPlainTextEdit::NoWrap);
    setFrameShape(QFrame::NoFrame);
    QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    mono.setPointSizeF(std::max(font().pointSizeF(), 9.0));
    setFont(mono);
    document()->setDocumentMargin(6);
    setTabStopDistance(QFontMetricsF(mono).horizontalAdvance(QLatin1Char(' ')) * 4);
    m_gutter = new CodeGutter(this);
    connect(this, &QPlainTextEdit::blockCountChanged, this, [this] { setViewportMargins(gutterWidth(), 0, 0, 0); });
    connect(this, &QPlainTextEdit::updateRequest, this, &CodeView::updateGutter);
    setViewportMargins(gutterWidth(), 0, 0, 0);
    applyPalette();
}

void CodeView::setCode(const QString& text, CodeLanguage language)
{
    // Detach the old highlighter first so the new text is highlighted once, by the new one.
    delete m_highlighter;
    m_markers.clear();
    m_markersByLine.clear();
    m_targetLine = 0;
    m_focusFirst = m_focusLast = 0;
    setPlainText(text);
    m_language = language;
    m_highlighter = createHighlighter(language, m_colors, document());
    updateExtraSelections();
    m_gutter->update();
}

void CodeView::setMarkers(const QList<CodeMarker>& markers)
{
    m_markers = markers;
    m_markersByLine.clear();
    for (qsizetype i = 0; i < m_markers.size(); ++i)
        m_markersByLine[m_markers[i].line] << int(i);
    updateExtraSelections();
    m_gutter->update();
    viewport()->update();
}

QString CodeView::markerText(int line) const
{
    QStringList lines;
    for (int i : m_markersByLine.value(line))
        lines << (m_markers[i].error ? tr("Error: ") : tr("Warning: ")) + m_markers[i].message;
    return lines.join(QLatin1Char('\n'));
}

void CodeView::setInlineMessages(bool on)
{
    m_inlineMessages = on;
    viewport()->update();
}

void CodeView::setFocusRange(int first, int last)
{
    m_focusFirst = first;
    m_focusLast = last;
    m_gutter->update();
}

void CodeView::goToLine(int line)
{
    if (blockCount() == 0)
        return;
    line = std::clamp(line, 1, blockCount());
    m_targetLine = line;
    QTextCursor cursor(document()->findBlockByNumber(line - 1));
    setTextCursor(cursor);
    scrollToLine(line);
    updateExtraSelections();
    m_gutter->update();
}

void CodeView::scrollToLine(int line, int context)
{
    // Without wrapping the vertical scroll bar counts lines.
    verticalScrollBar()->setValue(std::max(0, line - 1 - context));
    horizontalScrollBar()->setValue(0);
}

int CodeView::firstVisibleLine() const { return firstVisibleBlock().blockNumber() + 1; }

int CodeView::gutterWidth() const
{
    int digits = 1;
    for (int n = std::max(1, blockCount()); n >= 10; n /= 10)
        ++digits;
    digits = std::max(digits, 3);
    return kMarkerSpace + fontMetrics().horizontalAdvance(QLatin1Char('9')) * digits + kNumberPadding;
}

void CodeView::resizeEvent(QResizeEvent* event)
{
    QPlainTextEdit::resizeEvent(event);
    const QRect cr = contentsRect();
    m_gutter->setGeometry(QRect(cr.left(), cr.top(), gutterWidth(), cr.height()));
}

void CodeView::updateGutter(const QRect& rect, int dy)
{
    if (dy)
        m_gutter->scroll(0, dy);
    else
        m_gutter->update(0, rect.y(), m_gutter->width(), rect.height());
}

void CodeView::paintGutter(QPaintEvent* event)
{
    QPainter p(m_gutter);
    const QPalette pal = palette();
    const QColor base = pal.color(QPalette::Base);
    const QColor background = m_colors.dark ? mix(base, QColor(Qt::white), 0.03) : mix(base, QColor(Qt::black), 0.025);
    p.fillRect(event->rect(), background);
    p.setPen(withAlpha(pal.color(QPalette::Text), m_colors.dark ? 40 : 30));
    p.drawLine(m_gutter->width() - 1, event->rect().top(), m_gutter->width() - 1, event->rect().bottom());

    const QColor number = mix(pal.color(QPalette::Text), base, m_colors.dark ? 0.55 : 0.5);
    const QColor accent = pal.color(QPalette::Highlight);
    QFont bold = font();
    bold.setBold(true);
    QTextBlock block = firstVisibleBlock();
    int top = qRound(blockBoundingGeometry(block).translated(contentOffset()).top());
    int bottom = top + qRound(blockBoundingRect(block).height());
    const int lineHeight = fontMetrics().height();
    p.setRenderHint(QPainter::Antialiasing);
    while (block.isValid() && top <= event->rect().bottom()) {
        if (block.isVisible() && bottom >= event->rect().top()) {
            const int line = block.blockNumber() + 1;
            if (m_focusFirst > 0 && line >= m_focusFirst && line <= m_focusLast)
                p.fillRect(QRect(m_gutter->width() - 4, top, 3, bottom - top), withAlpha(accent, 170));
            const bool target = line == m_targetLine;
            p.setFont(target ? bold : font());
            p.setPen(target ? pal.color(QPalette::Text) : number);
            p.drawText(QRect(kMarkerSpace, top, m_gutter->width() - kMarkerSpace - kNumberPadding + 4, lineHeight),
                       Qt::AlignRight | Qt::AlignVCenter, QString::number(line));
            const QList<int> markers = m_markersByLine.value(line);
            if (!markers.isEmpty()) {
                bool error = false;
                for (int i : markers)
                    error = error || m_markers[i].error;
                const qreal d = 8;
                const QRectF dot(4, top + (lineHeight - d) / 2.0, d, d);
                p.setPen(Qt::NoPen);
                p.setBrush(error ? m_colors.error : m_colors.warning);
                p.drawEllipse(dot);
            }
        }
        block = block.next();
        top = bottom;
        bottom = top + qRound(blockBoundingRect(block).height());
    }
}

void CodeView::updateExtraSelections()
{
    QList<QTextEdit::ExtraSelection> selections;
    const bool dark = m_colors.dark;
    if (m_targetLine > 0 && m_targetLine <= blockCount()) {
        QTextEdit::ExtraSelection s;
        s.format.setBackground(withAlpha(palette().color(QPalette::Highlight), dark ? 70 : 40));
        s.format.setProperty(QTextFormat::FullWidthSelection, true);
        s.cursor = QTextCursor(document()->findBlockByNumber(m_targetLine - 1));
        selections << s;
    }
    for (auto it = m_markersByLine.cbegin(); it != m_markersByLine.cend(); ++it) {
        const int line = it.key();
        if (line < 1 || line > blockCount())
            continue;
        bool error = false;
        for (int i : it.value())
            error = error || m_markers[i].error;
        const QColor color = error ? m_colors.error : m_colors.warning;
        const QTextBlock block = document()->findBlockByNumber(line - 1);
        QTextEdit::ExtraSelection tint;
        tint.format.setBackground(withAlpha(color, dark ? 38 : 26));
        tint.format.setProperty(QTextFormat::FullWidthSelection, true);
        tint.cursor = QTextCursor(block);
        selections << tint;

        const QString text = block.text();
        int first = 0;
        while (first < text.size() && text[first].isSpace())
            ++first;
        if (first < text.size()) {
            QTextEdit::ExtraSelection underline;
            underline.format.setUnderlineStyle(QTextCharFormat::WaveUnderline);
            underline.format.setUnderlineColor(color);
            underline.cursor = QTextCursor(block);
            underline.cursor.setPosition(block.position() + first);
            underline.cursor.setPosition(block.position() + int(text.size()), QTextCursor::KeepAnchor);
            selections << underline;
        }
    }
    setExtraSelections(selections);
}

void CodeView::paintEvent(QPaintEvent* event)
{
    QPlainTextEdit::paintEvent(event);
    if (!m_inlineMessages || m_markersByLine.isEmpty())
        return;
    QPainter p(viewport());
    QFont small = font();
    small.setItalic(true);
    p.setFont(small);
    const QFontMetrics fm(small);
    QTextBlock block = firstVisibleBlock();
    const QPointF offset = contentOffset();
    const int right = viewport()->width() - 8;
    while (block.isValid()) {
        const QRectF r = blockBoundingGeometry(block).translated(offset);
        if (r.top() > event->rect().bottom())
            break;
        const QList<int> markers = m_markersByLine.value(block.blockNumber() + 1);
        if (!markers.isEmpty() && block.layout() && block.layout()->lineCount() > 0) {
            const qreal textEnd = offset.x() + document()->documentMargin() + block.layout()->lineAt(0).naturalTextWidth();
            const int x = int(textEnd) + 24;
            if (right - x > 60) {
                bool error = false;
                for (int i : markers)
                    error = error || m_markers[i].error;
                QString message = m_markers[markers.first()].message;
                if (markers.size() > 1)
                    message += tr("  (+%n more)", nullptr, int(markers.size() - 1));
                p.setPen(withAlpha(error ? m_colors.error : m_colors.warning, 230));
                const QRect box(x, int(r.top()), right - x, int(r.height()));
                p.drawText(box, Qt::AlignLeft | Qt::AlignVCenter, fm.elidedText(message, Qt::ElideRight, box.width()));
            }
        }
        block = block.next();
    }
}

bool CodeView::viewportEvent(QEvent* event)
{
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const int line = cursorForPosition(help->pos()).blockNumber() + 1;
        const QString text = markerText(line);
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, viewport());
        return true;
    }
    return QPlainTextEdit::viewportEvent(event);
}

void CodeView::changeEvent(QEvent* event)
{
    QPlainTextEdit::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange)
        applyPalette();
    else if (event->type() == QEvent::FontChange)
        setViewportMargins(gutterWidth(), 0, 0, 0);
}

void CodeView::applyPalette()
{
    if (m_applyingPalette)
        return;
    m_applyingPalette = true;
    const CodeColors colors = CodeColors::forPalette(palette());
    const bool changed = colors.dark != m_colors.dark || colors.text != m_colors.text || !m_colors.key.isValid();
    m_colors = colors;
    if (changed && m_highlighter)
        m_highlighter->setColors(m_colors);
    updateExtraSelections();
    m_gutter->update();
    m_applyingPalette = false;
}

} // namespace Flightdeck::Views
