// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QCache>
#include <QStaticText>
#include <QStyledItemDelegate>

namespace Flightdeck::Views {

// A delegate for large, single-line tables: draws the style's item panel (selection, hover,
// focus) and then the icon and the elided text itself, keeping each cell's shaped text
// (QStaticText) in a bounded cache. The style's own item painting lays the text out anew on every
// paint, which dominates the cost of a keystroke in a 100,000-row table.
class FastTextDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    explicit FastTextDelegate(QObject* parent = nullptr);

    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;

private:
    const QStaticText& shaped(const QString& text, const QFont& font, int width) const;

    mutable QCache<QString, QStaticText> m_cache;
};

} // namespace Flightdeck::Views
