// SPDX-License-Identifier: Apache-2.0
#include "codeviewparts.h"

#include "codehighlighter.h"
#include "icons.h"

#include <QEvent>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QPainter>
#include <QToolButton>
#include <QVBoxLayout>

namespace Flightdeck::Views {

namespace {

QColor blend(const QColor& a, const QColor& b, qreal t)
{
    return QColor::fromRgbF(float(a.redF() * (1 - t) + b.redF() * t), float(a.greenF() * (1 - t) + b.greenF() * t),
                            float(a.blueF() * (1 - t) + b.blueF() * t));
}

} // namespace

bool isDarkPalette(const QPalette& palette) { return palette.color(QPalette::Base).lightness() < 128; }

QColor mutedTextColor(const QPalette& palette)
{
    return blend(palette.color(QPalette::Text), palette.color(QPalette::Base), isDarkPalette(palette) ? 0.38 : 0.42);
}

// --- NoticeBar -------------------------------------------------------------------------------------

NoticeBar::NoticeBar(QWidget* parent)
    : QFrame(parent)
    , m_icon(new QLabel(this))
    , m_message(new QLabel(this))
    , m_hint(new QLabel(this))
{
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(12, 8, 12, 8);
    layout->setSpacing(10);
    m_icon->setFixedSize(18, 18);
    layout->addWidget(m_icon, 0, Qt::AlignTop);
    auto* texts = new QVBoxLayout;
    texts->setSpacing(2);
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont bold = m_message->font();
    bold.setWeight(QFont::DemiBold);
    m_message->setFont(bold);
    m_hint->setWordWrap(true);
    m_hint->setTextInteractionFlags(Qt::TextSelectableByMouse);
    texts->addWidget(m_message);
    texts->addWidget(m_hint);
    layout->addLayout(texts, 1);
    setVisible(false);
}

void NoticeBar::showNotice(Kind kind, const QString& message, const QString& hint)
{
    m_kind = kind;
    QString m = message;
    if (!m.isEmpty())
        m[0] = m[0].toUpper();
    m_message->setText(m);
    m_hint->setText(hint);
    m_hint->setVisible(!hint.isEmpty());
    updateIcon();
    setVisible(true);
    update();
}

QString NoticeBar::message() const { return m_message->text(); }
QString NoticeBar::hint() const { return m_hint->text(); }

void NoticeBar::updateIcon()
{
    const CodeColors colors = CodeColors::forPalette(palette());
    QColor color = palette().color(QPalette::Highlight);
    QString icon = QStringLiteral("info");
    if (m_kind == Kind::Error) {
        color = colors.error;
        icon = QStringLiteral("circle-x");
    } else if (m_kind == Kind::Warning) {
        color = colors.warning;
        icon = QStringLiteral("triangle-alert");
    }
    m_icon->setPixmap(Icons::get(icon, color).pixmap(QSize(18, 18), devicePixelRatioF()));
}

void NoticeBar::paintEvent(QPaintEvent* event)
{
    Q_UNUSED(event)
    const CodeColors colors = CodeColors::forPalette(palette());
    QColor color = palette().color(QPalette::Highlight);
    if (m_kind == Kind::Error)
        color = colors.error;
    else if (m_kind == Kind::Warning)
        color = colors.warning;
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QColor base = palette().color(QPalette::Base);
    p.setPen(QPen(blend(base, color, colors.dark ? 0.55 : 0.45), 1));
    p.setBrush(blend(base, color, colors.dark ? 0.16 : 0.08));
    p.drawRoundedRect(QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6);
}

void NoticeBar::changeEvent(QEvent* event)
{
    QFrame::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        updateIcon();
}

// --- Chip ------------------------------------------------------------------------------------------

Chip::Chip(const QString& text, QWidget* parent)
    : QLabel(text, parent)
{
    setContentsMargins(8, 2, 8, 2);
    setTextInteractionFlags(Qt::TextSelectableByMouse);
    setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
}

void Chip::setAccent(const QColor& color)
{
    m_accent = color;
    update();
}

void Chip::setMonospace(bool on)
{
    QFont f = on ? QFontDatabase::systemFont(QFontDatabase::FixedFont) : QFont();
    f.setPointSizeF(font().pointSizeF() * (on ? 0.95 : 1.0));
    setFont(f);
}

QSize Chip::sizeHint() const
{
    const QFontMetrics fm(font());
    const QMargins m = contentsMargins();
    return QSize(fm.horizontalAdvance(text()) + m.left() + m.right() + 2, fm.height() + m.top() + m.bottom() + 2);
}

void Chip::paintEvent(QPaintEvent* event)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QColor base = palette().color(QPalette::Base);
    const bool dark = isDarkPalette(palette());
    const QColor accent = m_accent.isValid() ? m_accent : palette().color(QPalette::Text);
    p.setPen(QPen(blend(base, accent, m_accent.isValid() ? 0.5 : (dark ? 0.28 : 0.2)), 1));
    p.setBrush(blend(base, accent, m_accent.isValid() ? (dark ? 0.22 : 0.1) : (dark ? 0.1 : 0.05)));
    const QRectF r = QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5);
    p.drawRoundedRect(r, r.height() / 2, r.height() / 2);
    p.end();
    QLabel::paintEvent(event);
}

// --- Placeholder -----------------------------------------------------------------------------------

Placeholder::Placeholder(QWidget* parent)
    : QWidget(parent)
    , m_icon(new QLabel(this))
    , m_title(new QLabel(this))
    , m_text(new QLabel(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->addStretch(2);
    layout->addWidget(m_icon, 0, Qt::AlignHCenter);
    layout->addSpacing(8);
    QFont big = m_title->font();
    big.setPointSizeF(big.pointSizeF() * 1.35);
    big.setWeight(QFont::DemiBold);
    m_title->setFont(big);
    m_title->setAlignment(Qt::AlignHCenter);
    m_title->setWordWrap(true);
    // The texts wrap in a column of at most 560 px, centred: a word-wrapped label placed with an
    // alignment gets only its one-line size hint and is cut off.
    auto* column = new QWidget(this);
    column->setMaximumWidth(560);
    auto* columnLayout = new QVBoxLayout(column);
    columnLayout->setContentsMargins(0, 0, 0, 0);
    columnLayout->addWidget(m_title);
    m_text->setAlignment(Qt::AlignHCenter);
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    columnLayout->addWidget(m_text);
    auto* row = new QHBoxLayout;
    row->addStretch(1);
    row->addWidget(column, 100);
    row->addStretch(1);
    layout->addLayout(row);
    layout->addStretch(3);
}

void Placeholder::set(const QString& iconName, const QString& title, const QString& text)
{
    m_iconName = iconName;
    m_title->setText(title);
    m_text->setText(text);
    m_text->setVisible(!text.isEmpty());
    QPalette muted = m_text->palette();
    muted.setColor(QPalette::WindowText, mutedTextColor(palette()));
    m_text->setPalette(muted);
    m_icon->setPixmap(Icons::get(iconName, mutedTextColor(palette())).pixmap(QSize(48, 48), devicePixelRatioF()));
}

void Placeholder::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && !m_iconName.isEmpty())
        set(m_iconName, m_title->text(), m_text->text());
}

QToolButton* makeEntityButton(const QString& kind, const QString& text, QWidget* parent)
{
    auto* b = new QToolButton(parent);
    b->setText(text);
    b->setIcon(Icons::forKind(kind));
    b->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    b->setAutoRaise(true);
    b->setCursor(Qt::PointingHandCursor);
    return b;
}

} // namespace Flightdeck::Views
