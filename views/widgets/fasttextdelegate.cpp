// SPDX-License-Identifier: Apache-2.0
#include "fasttextdelegate.h"

#include <QApplication>
#include <QPainter>
#include <QStyle>

namespace Flightdeck::Views {

FastTextDelegate::FastTextDelegate(QObject* parent)
    : QStyledItemDelegate(parent)
    , m_cache(6000) // a few screens of cells
{
}

const QStaticText& FastTextDelegate::shaped(const QString& text, const QFont& font, int width) const
{
    QString key = font.key();
    key += QChar(0x1f);
    key += QString::number(width);
    key += QChar(0x1f);
    key += text;
    if (QStaticText* hit = m_cache.object(key))
        return *hit;
    const QFontMetrics fm(font);
    auto* st = new QStaticText(fm.elidedText(text, Qt::ElideRight, width));
    st->setTextFormat(Qt::PlainText);
    st->setPerformanceHint(QStaticText::AggressiveCaching);
    st->prepare(QTransform(), font);
    m_cache.insert(key, st);
    return *m_cache.object(key);
}

void FastTextDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QWidget* widget = opt.widget;
    QStyle* style = widget ? widget->style() : QApplication::style();

    // The panel: background, selection, hover and focus, with neither text nor icon to lay out.
    const QString text = opt.text;
    const QIcon icon = opt.icon;
    const bool hasIcon = opt.features.testFlag(QStyleOptionViewItem::HasDecoration) && !icon.isNull();
    opt.text.clear();
    opt.icon = QIcon();
    opt.features &= ~(QStyleOptionViewItem::HasDisplay | QStyleOptionViewItem::HasDecoration);
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);

    const int margin = style->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, widget) + 1;
    QRect rect = opt.rect.adjusted(margin, 0, -margin, 0);
    const QIcon::Mode mode = !(opt.state & QStyle::State_Enabled) ? QIcon::Disabled
        : (opt.state & QStyle::State_Selected)                    ? QIcon::Selected
                                                                  : QIcon::Normal;
    if (hasIcon) {
        const QSize size = opt.decorationSize;
        const QRect iconRect(rect.left(), rect.top() + (rect.height() - size.height()) / 2, size.width(), size.height());
        icon.paint(painter, iconRect, opt.decorationAlignment, mode, QIcon::Off);
        rect.setLeft(iconRect.right() + 1 + margin * 2);
    }
    if (text.isEmpty() || rect.width() <= 0)
        return;
    const QStaticText& st = shaped(text, opt.font, rect.width());
    const QPalette::ColorGroup group = !(opt.state & QStyle::State_Enabled) ? QPalette::Disabled
        : (opt.state & QStyle::State_Active)                                ? QPalette::Active
                                                                            : QPalette::Inactive;
    painter->save();
    painter->setFont(opt.font);
    painter->setPen(opt.palette.color(group, (opt.state & QStyle::State_Selected) ? QPalette::HighlightedText : QPalette::Text));
    const QSizeF size = st.size();
    const qreal x = (opt.displayAlignment & Qt::AlignRight) ? rect.right() + 1 - size.width() : rect.left();
    painter->drawStaticText(QPointF(x, rect.top() + (rect.height() - size.height()) / 2), st);
    painter->restore();
}

} // namespace Flightdeck::Views
