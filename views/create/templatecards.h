// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QAbstractListModel>
#include <QList>
#include <QSortFilterProxyModel>
#include <QStringList>
#include <QStyledItemDelegate>

namespace Flightdeck::Views::Create {

// What a card shows of a template, from a catalog Template entity or a bundled template.yaml.
struct TemplateCard
{
    QString key; // what "create:<key>" names: the entity ref, or the bundled template's name
    QString name;
    QString title;
    QString description;
    QStringList tags;
    QString owner; // as written or the canonical key
    QString type;
    QString origin; // "Bundled" or the catalog source's name
    bool bundled = false;
    QString file; // bundled: the resource path of its template.yaml

    QString displayTitle() const { return title.isEmpty() ? name : title; }
};

// The templates, one row each.
class TemplateCardModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role
    {
        KeyRole = Qt::UserRole + 1,
        DescriptionRole,
        TagsRole,
        OwnerRole,
        TypeRole,
        OriginRole,
        BundledRole,
    };
    explicit TemplateCardModel(QObject* parent = nullptr);

    void setCards(QList<TemplateCard> cards);
    const QList<TemplateCard>& cards() const { return m_cards; }
    const TemplateCard* card(const QString& key) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

private:
    QList<TemplateCard> m_cards;
};

// Search words (every word must match a title, name, description, tag, owner or type), plus an
// exact tag and owner.
class TemplateFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit TemplateFilterModel(QObject* parent = nullptr);
    void setFilter(const QString& text, const QString& tag, const QString& owner);

protected:
    bool filterAcceptsRow(int row, const QModelIndex& parent) const override;
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;

private:
    QStringList m_words;
    QString m_tag;
    QString m_owner;
};

// Paints a template as a card: icon, title, type, description, tags and owner.
class TemplateCardDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    void setCardWidth(int width) { m_width = width; }
    static constexpr int CardHeight = 168;

private:
    int m_width = 340;
};

} // namespace Flightdeck::Views::Create
