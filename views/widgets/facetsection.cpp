// SPDX-License-Identifier: Apache-2.0
#include "facetsection.h"

#include "facetmodel.h"
#include "icons.h"
#include "modelroles.h"

#include <QApplication>
#include <QHBoxLayout>
#include <QListView>
#include <QPainter>
#include <QStyledItemDelegate>
#include <QToolButton>
#include <QVBoxLayout>

namespace Flightdeck::Views {

namespace {

constexpr int CollapsedRows = 8;

// Draws the value on the left and its count right-aligned, dimmed.
class FacetDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override
    {
        QStyleOptionViewItem opt = option;
        initStyleOption(&opt, index);
        const QString count = QLocale().toString(index.data(Models::CountRole).toInt());
        const int countWidth = opt.fontMetrics.horizontalAdvance(count) + 8;
        QStyleOptionViewItem left = opt;
        left.rect.setRight(opt.rect.right() - countWidth);
        QStyledItemDelegate::paint(painter, left, index);
        painter->save();
        QColor c = opt.palette.color(QPalette::Text);
        c.setAlphaF(0.55);
        painter->setPen(c);
        painter->drawText(opt.rect.adjusted(0, 0, -4, 0), Qt::AlignRight | Qt::AlignVCenter, count);
        painter->restore();
    }
    // A click anywhere on the row toggles it (FacetSection handles clicked()); the checkbox must
    // not toggle it a second time. Keyboard toggling (Space) stays with the default.
    bool editorEvent(QEvent* event, QAbstractItemModel* model, const QStyleOptionViewItem& option,
                     const QModelIndex& index) override
    {
        if (event->type() == QEvent::MouseButtonRelease || event->type() == QEvent::MouseButtonPress
            || event->type() == QEvent::MouseButtonDblClick)
            return false;
        return QStyledItemDelegate::editorEvent(event, model, option, index);
    }
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override
    {
        QSize s = QStyledItemDelegate::sizeHint(option, index);
        s.setHeight(qMax(s.height(), option.fontMetrics.height() + 8));
        return s;
    }
};

} // namespace

FacetSection::FacetSection(const QString& title, Models::FacetModel* model, QWidget* parent)
    : QWidget(parent)
    , m_model(model)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 8);
    layout->setSpacing(2);
    auto* head = new QHBoxLayout;
    head->setSpacing(4);
    m_header = new QToolButton(this);
    m_header->setText(title);
    m_header->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_header->setIcon(Icons::get(QStringLiteral("chevron-down")));
    m_header->setAutoRaise(true);
    QFont bold = m_header->font();
    bold.setBold(true);
    m_header->setFont(bold);
    m_header->setToolTip(tr("Show or hide %1").arg(title));
    m_clear = new QToolButton(this);
    m_clear->setText(tr("Clear"));
    m_clear->setAutoRaise(true);
    m_clear->setToolTip(tr("Clear the %1 filter").arg(title));
    m_clear->hide();
    head->addWidget(m_header);
    head->addStretch(1);
    head->addWidget(m_clear);
    layout->addLayout(head);
    m_list = new QListView(this);
    m_list->setModel(model);
    m_list->setItemDelegate(new FacetDelegate(m_list));
    m_list->setFrameShape(QFrame::NoFrame);
    m_list->setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    m_list->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_list->setUniformItemSizes(true);
    m_list->setTextElideMode(Qt::ElideMiddle);
    m_list->setAccessibleName(title);
    m_list->viewport()->setAutoFillBackground(false);
    layout->addWidget(m_list);
    m_more = new QToolButton(this);
    m_more->setAutoRaise(true);
    m_more->hide();
    layout->addWidget(m_more, 0, Qt::AlignLeft);

    connect(m_header, &QToolButton::clicked, this, [this] {
        m_expanded = !m_expanded;
        m_header->setIcon(Icons::get(m_expanded ? QStringLiteral("chevron-down") : QStringLiteral("chevron-right")));
        updateHeight();
    });
    connect(m_clear, &QToolButton::clicked, model, &Models::FacetModel::clearSelection);
    connect(m_more, &QToolButton::clicked, this, [this] {
        m_showAll = !m_showAll;
        updateHeight();
    });
    // Space or a click on the row toggles the checkbox, not only a click on the box itself.
    connect(m_list, &QListView::clicked, this, [this](const QModelIndex& index) {
        const auto state = index.data(Qt::CheckStateRole).toInt() == Qt::Checked ? Qt::Unchecked : Qt::Checked;
        m_model->setData(index, state, Qt::CheckStateRole);
    });
    connect(model, &QAbstractItemModel::modelReset, this, &FacetSection::updateHeight);
    connect(model, &QAbstractItemModel::rowsInserted, this, &FacetSection::updateHeight);
    connect(model, &Models::FacetModel::selectionChanged, this, &FacetSection::updateHeight);
    updateHeight();
}

void FacetSection::updateHeight()
{
    const int rows = m_model->rowCount();
    const int rowHeight = qMax(m_list->sizeHintForRow(0), fontMetrics().height() + 8);
    const int visible = m_showAll ? qMin(rows, 30) : qMin(rows, CollapsedRows);
    m_list->setVisible(m_expanded && rows > 0);
    m_list->setFixedHeight(visible * rowHeight + 2 * m_list->frameWidth());
    // Collapsed, the list shows its first rows and "Show all"; expanded, it scrolls past 30.
    m_list->setVerticalScrollBarPolicy(m_showAll && rows > 30 ? Qt::ScrollBarAsNeeded : Qt::ScrollBarAlwaysOff);
    if (!m_showAll)
        m_list->scrollToTop();
    m_more->setVisible(m_expanded && rows > CollapsedRows);
    m_more->setText(m_showAll ? tr("Show fewer") : tr("Show all %1").arg(rows));
    m_clear->setVisible(!m_model->selected().isEmpty());
    setVisible(rows > 0 || !m_model->selected().isEmpty());
}

} // namespace Flightdeck::Views
