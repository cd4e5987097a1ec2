// SPDX-License-Identifier: Apache-2.0
#include "entitypage.h"

#include "appcontext.h"
#include "entitytab.h"
#include "icons.h"
#include "navigation.h"
#include "overviewtab.h"
#include "ownershiptab.h"
#include "problemstab.h"
#include "tabregistry.h"

#include "catalog/catalogservice.h"
#include "refs.h"

#include <QApplication>
#include <QClipboard>
#include <QDesktopServices>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QStackedWidget>
#include <QTabWidget>
#include <QToolButton>
#include <QUrl>
#include <QVBoxLayout>

namespace Flightdeck::Views {

EntityPage::EntityPage(AppContext& context, QWidget* parent)
    : Page(context, parent)
    , m_catalog(Catalog::Catalog::empty())
{
    setObjectName(QStringLiteral("EntityPage"));
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    m_states = new QStackedWidget(this);
    outer->addWidget(m_states);

    auto* content = new QWidget(m_states);
    auto* layout = new QVBoxLayout(content);
    layout->setContentsMargins(16, 14, 16, 8);
    layout->setSpacing(8);

    // Header: icon, title and ref, then the facts line and links.
    auto* head = new QHBoxLayout;
    head->setSpacing(12);
    m_kindIcon = new QLabel(content);
    m_kindIcon->setFixedSize(40, 40);
    m_kindIcon->setAlignment(Qt::AlignCenter);
    head->addWidget(m_kindIcon, 0, Qt::AlignTop);
    auto* names = new QVBoxLayout;
    names->setSpacing(2);
    m_title = new QLabel(content);
    m_title->setObjectName(QStringLiteral("EntityTitle"));
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.55);
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* refLine = new QHBoxLayout;
    refLine->setSpacing(4);
    m_ref = new QLabel(content);
    m_ref->setObjectName(QStringLiteral("EntityRef"));
    m_ref->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    m_ref->setFont(mono);
    auto* copy = new QToolButton(content);
    copy->setIcon(Icons::get(QStringLiteral("link")));
    copy->setAutoRaise(true);
    copy->setToolTip(tr("Copy the entity reference"));
    connect(copy, &QToolButton::clicked, this, [this] { QApplication::clipboard()->setText(m_key); });
    refLine->addWidget(m_ref);
    refLine->addWidget(copy);
    refLine->addStretch(1);
    names->addWidget(m_title);
    names->addLayout(refLine);
    head->addLayout(names, 1);
    layout->addLayout(head);

    m_facts = new QLabel(content);
    m_facts->setObjectName(QStringLiteral("EntityFacts"));
    m_facts->setTextFormat(Qt::RichText);
    m_facts->setWordWrap(true);
    m_facts->setTextInteractionFlags(Qt::TextBrowserInteraction);
    connect(m_facts, &QLabel::linkActivated, this, [this](const QString& link) { this->context().navigator->goTo(link); });
    layout->addWidget(m_facts);
    m_links = new QHBoxLayout;
    m_links->setSpacing(4);
    layout->addLayout(m_links);

    m_tabs = new QTabWidget(content);
    m_tabs->setObjectName(QStringLiteral("EntityTabs"));
    m_tabs->setDocumentMode(true);
    layout->addWidget(m_tabs, 1);

    m_notFound = new QLabel(m_states);
    m_notFound->setAlignment(Qt::AlignCenter);
    m_notFound->setWordWrap(true);
    m_notFound->setTextFormat(Qt::RichText);
    m_notFound->setMargin(40);
    connect(m_notFound, &QLabel::linkActivated, this, [this](const QString& link) { this->context().navigator->goTo(link); });
    m_states->addWidget(content);
    m_states->addWidget(m_notFound);

    addTab(new OverviewTab(context, m_tabs), QStringLiteral("overview"));
    for (const auto& [id, factory] : entityTabFactories())
        addTab(factory(context, m_tabs), id);
    addTab(new OwnershipTab(context, m_tabs), QStringLiteral("ownership"));
    addTab(new ProblemsTab(context, m_tabs), QStringLiteral("problems"));

    connect(m_tabs, &QTabWidget::currentChanged, this, [this](int index) {
        if (m_switching || index < 0 || m_key.isEmpty())
            return;
        for (const auto& [id, tab] : std::as_const(m_allTabs))
            if (tab == m_tabs->widget(index)) {
                m_tab = id;
                this->context().navigator->goTo(QStringLiteral("entity:") + m_key + QLatin1Char('/') + id);
            }
    });
    connect(context.catalog, &Catalog::CatalogService::catalogChanged, this, &EntityPage::setCatalog);
    m_catalog = context.catalog->catalog();
}

QIcon EntityPage::icon() const
{
    return Icons::get(QStringLiteral("box"));
}

void EntityPage::addTab(EntityTab* tab, const QString& id)
{
    tab->setObjectName(QStringLiteral("EntityTab-") + id);
    m_allTabs.push_back({id, tab});
}

QString EntityPage::currentTab() const
{
    for (const auto& [id, tab] : m_allTabs)
        if (tab == m_tabs->currentWidget())
            return id;
    return {};
}

void EntityPage::open(const QString& argument)
{
    // "<kind>:<namespace>/<name>[/<tab>[:<tab argument>]]": a ref has exactly one '/'.
    QString key = argument, tab, tabArgument;
    const qsizetype first = argument.indexOf(QLatin1Char('/'));
    const qsizetype second = first < 0 ? -1 : argument.indexOf(QLatin1Char('/'), first + 1);
    if (second > 0) {
        key = argument.left(second);
        tab = argument.mid(second + 1);
        const qsizetype colon = tab.indexOf(QLatin1Char(':'));
        if (colon > 0) {
            tabArgument = tab.mid(colon + 1);
            tab = tab.left(colon);
        }
    }
    const Catalog::EntityRefParseResult parsed = Catalog::EntityRef::parse(key);
    m_key = parsed.ref ? parsed.ref->key() : key.toLower();
    m_tab = tab;
    m_tabArgument = tabArgument;
    show();
}

void EntityPage::setCatalog(const Catalog::CatalogPtr& catalog)
{
    m_catalog = catalog;
    if (!m_key.isEmpty() && isVisible())
        show();
}

bool EntityPage::isBusy() const
{
    const auto* tab = qobject_cast<const EntityTab*>(m_tabs->currentWidget());
    return tab && tab->isBusy();
}

QString EntityPage::windowTitle() const
{
    const int i = m_catalog->indexOf(m_key);
    return i >= 0 ? m_catalog->entity(i).displayName() : m_key;
}

void EntityPage::show()
{
    const int index = m_catalog->indexOf(m_key);
    if (index < 0) {
        const bool loading = context().catalog->isLoading() || context().catalog->isRefreshing();
        m_notFound->setText(loading ? tr("<h3>Loading the catalog…</h3>")
                                    : tr("<h3>No entity %1</h3><p>It is not in the catalog: it may have been renamed or "
                                         "removed, or its source has a problem.</p><p><a href=\"catalog:%2\">Search the "
                                         "catalog for it</a> · <a href=\"problems\">Show problems</a></p>")
                                          .arg(m_key.toHtmlEscaped(), Models::nameOfRef(m_key).toHtmlEscaped()));
        m_states->setCurrentWidget(m_notFound);
        Q_EMIT windowTitleChanged();
        return;
    }
    m_states->setCurrentIndex(0);
    const Catalog::Entity& e = m_catalog->entity(index);
    showHeader(e);

    // Rebuild the tab bar with the tabs that apply, keeping their order.
    m_switching = true;
    m_tabs->clear();
    EntityTab* wanted = nullptr;
    for (const auto& [id, tab] : std::as_const(m_allTabs)) {
        // QTabWidget::clear() leaves removed pages visible as loose children: hide them.
        tab->hide();
        if (!tab->appliesTo(*m_catalog, index))
            continue;
        tab->setEntity(m_catalog, index);
        m_tabs->addTab(tab, Icons::get(tab->iconName()), tab->title());
        if (id == m_tab)
            wanted = tab;
    }
    if (wanted) {
        m_tabs->setCurrentWidget(wanted);
        if (!m_tabArgument.isEmpty())
            wanted->setArgument(m_tabArgument);
    } else {
        m_tabs->setCurrentIndex(0);
    }
    m_switching = false;
    Q_EMIT windowTitleChanged();
}

void EntityPage::showHeader(const Catalog::Entity& e)
{
    m_kindIcon->setPixmap(Icons::forKind(e.ref.kind).pixmap(QSize(32, 32), devicePixelRatioF()));
    m_title->setText(e.displayName());
    m_ref->setText(e.key);
    const auto link = [](const QString& key) {
        return QStringLiteral("<a href=\"entity:%1\">%2</a>").arg(key.toHtmlEscaped(), Models::nameOfRef(key).toHtmlEscaped());
    };
    QStringList facts;
    QString kind = e.ref.kind;
    if (!e.type.isEmpty())
        kind += QStringLiteral(" · ") + e.type;
    facts << QStringLiteral("<b>%1</b>").arg(kind.toHtmlEscaped());
    if (!e.lifecycle.isEmpty())
        facts << tr("Lifecycle: %1").arg(e.lifecycle.toHtmlEscaped());
    if (!e.owner.isEmpty())
        facts << tr("Owner: %1").arg(link(e.owner));
    if (!e.system.isEmpty())
        facts << tr("System: %1").arg(link(e.system));
    QString html = facts.join(QStringLiteral(" &nbsp;&nbsp;·&nbsp;&nbsp; "));
    if (!e.tags.isEmpty()) {
        QStringList tags;
        for (const QString& t : e.tags)
            tags << QStringLiteral("<a href=\"catalog:tag:%1\">#%1</a>").arg(t.toHtmlEscaped());
        html += QStringLiteral(" &nbsp;&nbsp;·&nbsp;&nbsp; ") + tags.join(QLatin1Char(' '));
    }
    m_facts->setText(html);

    while (QLayoutItem* item = m_links->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    for (const Catalog::EntityLink& l : e.links) {
        auto* b = new QToolButton(this);
        b->setText(l.title.isEmpty() ? QUrl(l.url).host() : l.title);
        b->setIcon(Icons::get(QStringLiteral("external-link")));
        b->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
        b->setToolTip(l.url);
        b->setAutoRaise(true);
        connect(b, &QToolButton::clicked, this, [url = l.url] { QDesktopServices::openUrl(QUrl(url)); });
        m_links->addWidget(b);
    }
    m_links->addStretch(1);
}

} // namespace Flightdeck::Views
