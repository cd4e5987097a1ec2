// SPDX-License-Identifier: Apache-2.0
#include "overviewtab.h"

#include "appcontext.h"
#include "navigation.h"

#include "refs.h"

#include <QDesktopServices>
#include <QEvent>
#include <QMap>
#include <QTextBrowser>
#include <QUrl>
#include <QVBoxLayout>

namespace Flightdeck::Views {

namespace {
QString esc(const QString& s)
{
    return s.toHtmlEscaped();
}
} // namespace

OverviewTab::OverviewTab(AppContext& context, QWidget* parent)
    : EntityTab(context, parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 8, 0, 0);
    m_browser = new QTextBrowser(this);
    m_browser->setOpenLinks(false);
    m_browser->setFrameShape(QFrame::NoFrame);
    m_browser->document()->setDocumentMargin(12);
    layout->addWidget(m_browser);
    connect(m_browser, &QTextBrowser::anchorClicked, this, [this](const QUrl& url) {
        const QString s = url.toString();
        if (s.startsWith(QLatin1String("entity:")) || s.startsWith(QLatin1String("catalog:")))
            this->context().navigator->goTo(s);
        else
            QDesktopServices::openUrl(url);
    });
}

void OverviewTab::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::PaletteChange && m_catalog && m_entity >= 0)
        m_browser->setHtml(html(*m_catalog, m_entity, palette()));
    EntityTab::changeEvent(event);
}

void OverviewTab::setEntity(const Catalog::CatalogPtr& catalog, int entity)
{
    m_catalog = catalog;
    m_entity = entity;
    m_browser->setHtml(entity >= 0 ? html(*catalog, entity, palette()) : QString());
}

QString OverviewTab::html(const Catalog::Catalog& catalog, int index, const QPalette& palette)
{
    const Catalog::Entity& e = catalog.entity(index);
    const QString dim = palette.color(QPalette::PlaceholderText).name();
    const QString rule = palette.color(QPalette::Mid).name();
    const auto link = [](const QString& key, const QString& text) {
        return QStringLiteral("<a href=\"entity:%1\">%2</a>").arg(esc(key), esc(text));
    };
    QString h;
    h += QStringLiteral("<html><body style=\"line-height: 135%;\">");
    h += e.description.isEmpty()
        ? QStringLiteral("<p style=\"color:%1\"><i>%2</i></p>").arg(dim, tr("No description. Add metadata.description to the catalog file."))
        : QStringLiteral("<p>%1</p>").arg(esc(e.description).replace(QLatin1Char('\n'), QStringLiteral("<br>")));

    // About: the facts as a two-column table.
    const auto row = [&](const QString& label, const QString& valueHtml) {
        if (valueHtml.isEmpty())
            return QString();
        return QStringLiteral("<tr><td style=\"color:%1; padding: 3px 18px 3px 0\">%2</td><td style=\"padding: 3px 0\">%3</td></tr>")
            .arg(dim, esc(label), valueHtml);
    };
    h += QStringLiteral("<h3>%1</h3><table cellspacing=\"0\">").arg(tr("About"));
    h += row(tr("Kind"), esc(e.ref.kind));
    h += row(tr("Name"), esc(e.ref.name));
    h += row(tr("Namespace"), esc(e.ref.ns));
    h += row(tr("Title"), esc(e.title));
    h += row(tr("Type"), esc(e.type));
    h += row(tr("Lifecycle"), esc(e.lifecycle));
    h += row(tr("Owner"), e.owner.isEmpty() ? QString() : link(e.owner, Models::shortRef(e.owner)));
    h += row(tr("System"), e.system.isEmpty() ? QString() : link(e.system, Models::nameOfRef(e.system)));
    h += row(tr("API version"), esc(e.apiVersion));
    if (!e.location.file.isEmpty())
        h += row(tr("Defined in"),
                 QStringLiteral("<a href=\"entity:%1/source:%2\">%3:%2</a>").arg(esc(e.key)).arg(e.location.line).arg(esc(e.location.file)));
    if (!e.location.source.isEmpty())
        h += row(tr("Source"), esc(e.location.source));
    h += QStringLiteral("</table>");

    // Relations, grouped by type, each related entity a link.
    QMap<int, QStringList> byType;
    for (const Catalog::Edge& edge : catalog.relations(index)) {
        const QString key = catalog.targetKey(edge);
        QString item;
        if (edge.isDangling())
            item = QStringLiteral("<span style=\"color:%1\" title=\"%2\">%3 (missing)</span>")
                       .arg(dim, esc(tr("Not in the catalog")), esc(Models::shortRef(key)));
        else
            item = link(key, catalog.entity(edge.target).displayName());
        byType[int(edge.type)] << item;
    }
    if (!byType.isEmpty()) {
        h += QStringLiteral("<h3>%1</h3><table cellspacing=\"0\">").arg(tr("Relations"));
        for (auto it = byType.constBegin(); it != byType.constEnd(); ++it) {
            QStringList items = it.value();
            const qsizetype total = items.size();
            if (total > 30) {
                items = items.mid(0, 30);
                items << QStringLiteral("<a href=\"entity:%1/relations\">%2</a>").arg(esc(e.key), esc(tr("and %1 more…").arg(total - 30)));
            }
            h += row(Catalog::relationTypeLabel(Catalog::RelationType(it.key())), items.join(QStringLiteral(", ")));
        }
        h += QStringLiteral("</table>");
    }

    if (!e.links.isEmpty()) {
        h += QStringLiteral("<h3>%1</h3><ul>").arg(tr("Links"));
        for (const Catalog::EntityLink& l : e.links)
            h += QStringLiteral("<li><a href=\"%1\">%2</a> <span style=\"color:%3\">%1</span></li>")
                     .arg(esc(l.url), esc(l.title.isEmpty() ? l.url : l.title), dim);
        h += QStringLiteral("</ul>");
    }
    const auto pairs = [&](const QString& heading, const QList<QPair<QString, QString>>& list) {
        if (list.isEmpty())
            return;
        h += QStringLiteral("<h3>%1</h3><table cellspacing=\"0\" style=\"border-top: 1px solid %2\">").arg(esc(heading), rule);
        for (const auto& p : list)
            h += QStringLiteral("<tr><td style=\"padding: 3px 18px 3px 0; font-family: monospace\">%1</td>"
                                "<td style=\"padding: 3px 0; font-family: monospace\">%2</td></tr>")
                     .arg(esc(p.first), esc(p.second));
        h += QStringLiteral("</table>");
    };
    pairs(tr("Annotations"), e.annotations);
    pairs(tr("Labels"), e.labels);
    h += QStringLiteral("</body></html>");
    return h;
}

} // namespace Flightdeck::Views
