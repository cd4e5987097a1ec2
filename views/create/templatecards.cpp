// SPDX-License-Identifier: Apache-2.0
#include "templatecards.h"

#include "refs.h"

#include "icons.h"

#include <QApplication>
#include <QPainter>
#include <QPainterPath>
#include <QTextLayout>

namespace Flightdeck::Views::Create {

TemplateCardModel::TemplateCardModel(QObject* parent)
    : QAbstractListModel(parent)
{ }

void TemplateCardModel::setCards(QList<TemplateCard> cards)
{
    beginResetModel();
    m_cards = std::move(cards);
    endResetModel();
}

const TemplateCard* TemplateCardModel::card(const QString& key) const
{
    for (const TemplateCard& c : m_cards)
        if (c.key.compare(key, Qt::CaseInsensitive) == 0)
            return &c;
    return nullptr;
}

int TemplateCardModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_cards.size());
}

QVariant TemplateCardModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const TemplateCard& c = m_cards[index.row()];
    switch (role) {
    case Qt::DisplayRole:
        return c.displayTitle();
    case Qt::ToolTipRole:
        return c.description.isEmpty() ? c.displayTitle() : c.displayTitle() + QStringLiteral("\n\n") + c.description;
    case Qt::AccessibleTextRole:
        return c.displayTitle();
    case Qt::AccessibleDescriptionRole:
        return c.description;
    case KeyRole:
        return c.key;
    case DescriptionRole:
        return c.description;
    case TagsRole:
        return c.tags;
    case OwnerRole:
        return c.owner;
    case TypeRole:
        return c.type;
    case OriginRole:
        return c.origin;
    case BundledRole:
        return c.bundled;
    default:
        return {};
    }
}

QHash<int, QByteArray> TemplateCardModel::roleNames() const
{
    QHash<int, QByteArray> r = QAbstractListModel::roleNames();
    r.insert(KeyRole, "key");
    r.insert(DescriptionRole, "description");
    r.insert(TagsRole, "tags");
    r.insert(OwnerRole, "owner");
    r.insert(TypeRole, "type");
    r.insert(OriginRole, "origin");
    r.insert(BundledRole, "bundled");
    return r;
}

TemplateFilterModel::TemplateFilterModel(QObject* parent)
    : QSortFilterProxyModel(parent)
{
    setDynamicSortFilter(true);
}

void TemplateFilterModel::setFilter(const QString& text, const QString& tag, const QString& owner)
{
    QStringList words = text.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    if (words == m_words && tag == m_tag && owner == m_owner)
        return;
    m_words = words;
    m_tag = tag;
    m_owner = owner;
    invalidateFilter();
}

bool TemplateFilterModel::filterAcceptsRow(int row, const QModelIndex& parent) const
{
    const QModelIndex i = sourceModel()->index(row, 0, parent);
    const QStringList tags = i.data(TemplateCardModel::TagsRole).toStringList();
    const QString owner = i.data(TemplateCardModel::OwnerRole).toString();
    if (!m_tag.isEmpty() && !tags.contains(m_tag, Qt::CaseInsensitive))
        return false;
    if (!m_owner.isEmpty() && owner.compare(m_owner, Qt::CaseInsensitive) != 0)
        return false;
    if (m_words.isEmpty())
        return true;
    const QString haystack
        = QStringList { i.data(Qt::DisplayRole).toString(), i.data(TemplateCardModel::KeyRole).toString(),
              i.data(TemplateCardModel::DescriptionRole).toString(), tags.join(QLatin1Char(' ')), owner,
              i.data(TemplateCardModel::TypeRole).toString(), i.data(TemplateCardModel::OriginRole).toString() }
              .join(QLatin1Char('\n'));
    for (const QString& w : m_words)
        if (!haystack.contains(w, Qt::CaseInsensitive))
            return false;
    return true;
}

bool TemplateFilterModel::lessThan(const QModelIndex& left, const QModelIndex& right) const
{
    return QString::localeAwareCompare(left.data().toString(), right.data().toString()) < 0;
}

// ---------------------------------------------------------------------------------------------

namespace {

// Word-wraps text into at most maxLines lines, eliding the last.
QStringList wrapped(const QString& text, const QFont& font, int width, int maxLines)
{
    QStringList lines;
    QTextLayout layout(text, font);
    layout.beginLayout();
    const QFontMetrics fm(font);
    while (lines.size() < maxLines) {
        QTextLine line = layout.createLine();
        if (!line.isValid())
            break;
        line.setLineWidth(width);
        QString part = text.mid(line.textStart(), line.textLength()).trimmed();
        if (lines.size() == maxLines - 1 && line.textStart() + line.textLength() < text.size())
            part = fm.elidedText(text.mid(line.textStart()).simplified(), Qt::ElideRight, width);
        lines << part;
    }
    layout.endLayout();
    return lines;
}

QString shortOwner(const QString& owner)
{
    return Models::nameOfRef(owner); // "group:default/team-a" -> "team-a"
}

} // namespace

QSize TemplateCardDelegate::sizeHint(const QStyleOptionViewItem&, const QModelIndex&) const
{
    return QSize(m_width, CardHeight);
}

void TemplateCardDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    // The application's palette: the view itself is drawn in the window colour, the cards in the base colour.
    const QPalette pal = QApplication::palette();
    const bool dark = pal.color(QPalette::Window).lightness() < 128;
    const bool selected = option.state & QStyle::State_Selected;
    const bool hover = option.state & QStyle::State_MouseOver;
    const bool focus = option.state & QStyle::State_HasFocus;
    const QRectF card = QRectF(option.rect).adjusted(6.5, 6.5, -6.5, -6.5);

    QPainterPath path;
    path.addRoundedRect(card, 8, 8);
    QColor fill = pal.color(QPalette::Base);
    if (hover)
        fill = dark ? fill.lighter(125) : pal.color(QPalette::AlternateBase);
    painter->fillPath(path, fill);
    QColor border = dark ? pal.color(QPalette::Light) : pal.color(QPalette::Mid);
    if (selected || focus)
        border = pal.color(QPalette::Highlight);
    painter->setPen(QPen(border, selected ? 2.0 : 1.0));
    painter->drawPath(path);

    const QRect inner = card.toRect().adjusted(16, 14, -16, -12);
    const QColor text = pal.color(QPalette::Text);
    const QColor muted = pal.color(QPalette::PlaceholderText);

    // Icon and title, type at the right.
    const bool bundled = index.data(TemplateCardModel::BundledRole).toBool();
    Icons::get(QStringLiteral("layout-template"), pal.color(QPalette::Highlight))
        .paint(painter, QRect(inner.left(), inner.top() + 1, 20, 20));
    QFont titleFont = option.font;
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.12);
    titleFont.setWeight(QFont::DemiBold);
    const QFontMetrics tfm(titleFont);
    QFont small = option.font;
    small.setPointSizeF(small.pointSizeF() * 0.9);
    const QFontMetrics sfm(small);

    const QString type = index.data(TemplateCardModel::TypeRole).toString();
    int titleRight = inner.right();
    if (!type.isEmpty()) {
        const int w = sfm.horizontalAdvance(type) + 14;
        const QRectF chip(inner.right() - w, inner.top() + 1, w, sfm.height() + 4);
        QColor chipFill = pal.color(QPalette::Highlight);
        chipFill.setAlpha(dark ? 70 : 30);
        painter->setPen(Qt::NoPen);
        painter->setBrush(chipFill);
        painter->drawRoundedRect(chip, chip.height() / 2, chip.height() / 2);
        painter->setFont(small);
        painter->setPen(dark ? pal.color(QPalette::Text) : pal.color(QPalette::Highlight).darker(130));
        painter->drawText(chip, Qt::AlignCenter, type);
        titleRight = int(chip.left()) - 8;
    }
    painter->setFont(titleFont);
    painter->setPen(text);
    const QRect titleRect(inner.left() + 28, inner.top(), titleRight - inner.left() - 28, tfm.height() + 2);
    painter->drawText(titleRect, Qt::AlignLeft | Qt::AlignVCenter,
        tfm.elidedText(index.data().toString(), Qt::ElideRight, titleRect.width()));

    QFont small2 = small;
    const int chipH = sfm.height() + 4;
    const int footerY = inner.bottom() - chipH;
    const QStringList tags = index.data(TemplateCardModel::TagsRole).toStringList();
    const int tagsY = footerY - chipH - 6;

    // Description, as many lines (up to three) as leave room for the tags.
    painter->setFont(option.font);
    const QFontMetrics fm(option.font);
    int y = titleRect.bottom() + 8;
    const int descBottom = tags.isEmpty() ? footerY - 4 : tagsY - 4;
    const int maxLines = qBound(1, (descBottom - y) / fm.lineSpacing(), 3);
    const QString description = index.data(TemplateCardModel::DescriptionRole).toString().simplified();
    painter->setPen(description.isEmpty() ? muted : text);
    for (const QString& line :
        wrapped(description.isEmpty() ? tr("No description") : description, option.font, inner.width(), maxLines)) {
        painter->drawText(QRect(inner.left(), y, inner.width(), fm.height()), Qt::AlignLeft | Qt::AlignVCenter, line);
        y += fm.lineSpacing();
    }

    // Tags, left to right, as many as fit.
    painter->setFont(small2);
    int x = inner.left();
    for (const QString& tag : tags) {
        const int w = sfm.horizontalAdvance(tag) + 14;
        if (x + w > inner.right())
            break;
        const QRectF chip(x, tagsY, w, chipH);
        painter->setPen(QPen(dark ? pal.color(QPalette::Light) : pal.color(QPalette::Mid), 1));
        painter->setBrush(Qt::NoBrush);
        painter->drawRoundedRect(chip.adjusted(0.5, 0.5, -0.5, -0.5), 4, 4);
        painter->setPen(text);
        painter->drawText(chip, Qt::AlignCenter, tag);
        x += w + 6;
    }

    // Footer: owner and where the template comes from.
    const QString owner = shortOwner(index.data(TemplateCardModel::OwnerRole).toString());
    const QString origin
        = bundled ? tr("Bundled with Flightdeck") : index.data(TemplateCardModel::OriginRole).toString();
    const QString ownerText
        = owner.isEmpty() ? origin : (origin.isEmpty() ? owner : owner + QStringLiteral("  ·  ") + origin);
    if (!ownerText.isEmpty()) {
        Icons::get(QStringLiteral("users"), muted)
            .paint(painter, QRect(inner.left(), footerY + (chipH - 14) / 2, 14, 14));
        painter->setPen(muted);
        painter->drawText(QRect(inner.left() + 20, footerY, inner.width() - 20, chipH),
            Qt::AlignLeft | Qt::AlignVCenter, sfm.elidedText(ownerText, Qt::ElideRight, inner.width() - 20));
    }
    painter->restore();
}

} // namespace Flightdeck::Views::Create
