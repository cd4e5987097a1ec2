// SPDX-License-Identifier: Apache-2.0
#include "ownershiptab.h"

#include "appcontext.h"
#include "icons.h"
#include "navigation.h"

#include "catalogtablemodel.h"
#include "modelroles.h"
#include "refs.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QTableView>
#include <QVBoxLayout>

namespace Flightdeck::Views {

namespace {
bool isKind(const Catalog::Entity& e, const char* kind)
{
    return e.ref.kind.compare(QLatin1String(kind), Qt::CaseInsensitive) == 0;
}
} // namespace

OwnershipTab::OwnershipTab(AppContext& context, QWidget* parent)
    : EntityTab(context, parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 12, 4, 0);
    layout->setSpacing(10);
    m_hierarchy = new QLabel(this);
    m_hierarchy->setTextFormat(Qt::RichText);
    m_hierarchy->setWordWrap(true);
    m_hierarchy->setTextInteractionFlags(Qt::TextBrowserInteraction);
    connect(m_hierarchy, &QLabel::linkActivated, this, [this](const QString& link) { this->context().navigator->goTo(link); });
    layout->addWidget(m_hierarchy);
    auto* bar = new QHBoxLayout;
    m_ownedTitle = new QLabel(this);
    QFont bold = m_ownedTitle->font();
    bold.setBold(true);
    m_ownedTitle->setFont(bold);
    m_subGroups = new QCheckBox(tr("Include what sub-groups own"), this);
    m_subGroups->setChecked(true);
    bar->addWidget(m_ownedTitle);
    bar->addStretch(1);
    bar->addWidget(m_subGroups);
    layout->addLayout(bar);
    m_model = new Models::CatalogTableModel(this);
    m_model->setIconProvider([](const QString& kind) { return Icons::forKind(kind); });
    m_table = new QTableView(this);
    m_table->setModel(m_model);
    // The indicator first: enabling sorting sorts at once by the current indicator.
    m_table->horizontalHeader()->setSortIndicator(Models::CatalogTableModel::Name, Qt::AscendingOrder);
    m_table->setSortingEnabled(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setShowGrid(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 10);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setColumnWidth(Models::CatalogTableModel::Name, 240);
    layout->addWidget(m_table, 1);
    connect(m_subGroups, &QCheckBox::toggled, this, &OwnershipTab::fill);
    connect(m_table, &QTableView::activated, this, [this](const QModelIndex& index) {
        this->context().navigator->goTo(QStringLiteral("entity:") + index.data(Models::EntityKeyRole).toString());
    });
}

QString OwnershipTab::title() const
{
    if (m_catalog && m_entity >= 0 && isKind(m_catalog->entity(m_entity), "User"))
        return tr("Memberships");
    return tr("Members and ownership");
}

bool OwnershipTab::appliesTo(const Catalog::Catalog& catalog, int entity) const
{
    const Catalog::Entity& e = catalog.entity(entity);
    return isKind(e, "Group") || isKind(e, "User");
}

void OwnershipTab::setEntity(const Catalog::CatalogPtr& catalog, int entity)
{
    m_catalog = catalog;
    m_entity = entity;
    fill();
}

void OwnershipTab::fill()
{
    if (!m_catalog || m_entity < 0)
        return;
    const Catalog::Catalog& c = *m_catalog;
    const Catalog::Entity& e = c.entity(m_entity);
    const bool group = isKind(e, "Group");
    const auto link = [&](int i) {
        return QStringLiteral("<a href=\"entity:%1\">%2</a>").arg(c.entity(i).key.toHtmlEscaped(), c.entity(i).displayName().toHtmlEscaped());
    };
    const auto related = [&](int i, Catalog::RelationType type) {
        QList<int> out;
        for (const Catalog::Edge& edge : c.relations(i))
            if (edge.type == type && !edge.isDangling())
                out << edge.target;
        return out;
    };
    const auto links = [&](const QList<int>& list) {
        QStringList l;
        for (int i : list)
            l << link(i);
        return l.isEmpty() ? tr("none") : l.join(QStringLiteral(", "));
    };
    QString html;
    if (group) {
        // The chain of parents up to the root, a cycle stops it.
        QStringList chain;
        QList<int> seen {m_entity};
        for (int cur = m_entity;;) {
            const QList<int> parents = related(cur, Catalog::RelationType::ChildOf);
            if (parents.isEmpty() || seen.contains(parents.first()))
                break;
            cur = parents.first();
            seen << cur;
            chain.prepend(link(cur));
        }
        chain << QStringLiteral("<b>%1</b>").arg(e.displayName().toHtmlEscaped());
        html += tr("<p><b>Hierarchy</b>: %1</p>").arg(chain.join(QStringLiteral(" › ")));
        html += tr("<p><b>Sub-groups</b>: %1</p>").arg(links(related(m_entity, Catalog::RelationType::ParentOf)));
        const QList<int> members = related(m_entity, Catalog::RelationType::HasMember);
        html += tr("<p><b>Members</b> (%1): %2</p>").arg(members.size()).arg(links(members));
    } else {
        html += tr("<p><b>Member of</b>: %1</p>").arg(links(related(m_entity, Catalog::RelationType::MemberOf)));
    }
    m_hierarchy->setText(html);
    m_subGroups->setVisible(group);
    const QList<int> owned = group && m_subGroups->isChecked() ? c.ownedTransitively(m_entity)
                                                               : related(m_entity, Catalog::RelationType::OwnerOf);
    m_ownedTitle->setText(tr("Owns %n entities", nullptr, int(owned.size())));
    m_model->setCatalog(m_catalog);
    m_model->setRows(owned, false);
}

} // namespace Flightdeck::Views
