// SPDX-License-Identifier: Apache-2.0
#include "commandpalette.h"

#include "appcontext.h"
#include "icons.h"
#include "mainwindow.h"
#include "navigation.h"
#include "page.h"

#include "catalog/catalogservice.h"
#include "catalog/searchindex.h"

#include <QApplication>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QVBoxLayout>

namespace Flightdeck::Views {

int fuzzyScore(QStringView query, QStringView text)
{
    if (query.isEmpty())
        return 0;
    int score = 0, run = 0;
    qsizetype t = 0;
    for (qsizetype q = 0; q < query.size(); ++q) {
        const QChar qc = query[q].toLower();
        bool found = false;
        while (t < text.size()) {
            const QChar tc = text[t].toLower();
            const bool wordStart = t == 0 || !text[t - 1].isLetterOrNumber();
            ++t;
            if (tc == qc) {
                run = run > 0 ? run + 1 : 1;
                score += 1 + run * 2 + (wordStart ? 8 : 0);
                found = true;
                break;
            }
            run = 0;
        }
        if (!found)
            return -1;
    }
    return score - int(text.size() / 8);
}

namespace {
struct Action
{
    QString id;
    QString title;
    QString icon;
};

QList<Action> paletteActions()
{
    return {{QStringLiteral("refresh"), CommandPalette::tr("Refresh the catalog"), QStringLiteral("refresh-cw")},
            {QStringLiteral("back"), CommandPalette::tr("Go back"), QStringLiteral("arrow-left")},
            {QStringLiteral("forward"), CommandPalette::tr("Go forward"), QStringLiteral("arrow-right")}};
}
} // namespace

CommandPalette::CommandPalette(AppContext& context, MainWindow* window)
    : QFrame(window, Qt::Popup)
    , m_context(context)
    , m_window(window)
{
    setObjectName(QStringLiteral("CommandPalette"));
    setFrameShape(QFrame::StyledPanel);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->setSpacing(6);
    m_input = new QLineEdit(this);
    m_input->setPlaceholderText(tr("Jump to an entity, a page or an action…"));
    m_input->setClearButtonEnabled(true);
    m_input->addAction(Icons::get(QStringLiteral("search")), QLineEdit::LeadingPosition);
    m_input->installEventFilter(this);
    m_list = new QListWidget(this);
    m_list->setIconSize(QSize(16, 16));
    m_list->setUniformItemSizes(true);
    m_hint = new QLabel(tr("↑↓ to choose · Enter to open · Esc to close"), this);
    m_hint->setEnabled(false);
    layout->addWidget(m_input);
    layout->addWidget(m_list, 1);
    layout->addWidget(m_hint);
    connect(m_input, &QLineEdit::textChanged, this, &CommandPalette::update);
    connect(m_list, &QListWidget::itemActivated, this, [this](QListWidgetItem* item) { activate(m_list->row(item)); });
}

void CommandPalette::popup()
{
    const QSize size(qMin(640, m_window->width() - 80), qMin(420, m_window->height() - 120));
    resize(size);
    const QPoint topLeft = m_window->mapToGlobal(QPoint((m_window->width() - size.width()) / 2, 60));
    move(topLeft);
    m_input->clear();
    update(QString());
    show();
    m_input->setFocus();
}

QStringList CommandPalette::candidates(const QString& text) const
{
    struct Scored
    {
        int score;
        QString id;
    };
    QList<Scored> scored;
    const QString t = text.trimmed();
    for (Page* p : m_window->pages())
        if (p->inSidebar()) {
            const int s = fuzzyScore(t, p->title());
            if (s >= 0)
                scored.push_back({s + 30, QStringLiteral("page:") + p->id()});
        }
    for (const Action& a : paletteActions()) {
        const int s = fuzzyScore(t, a.title);
        if (s >= 0)
            scored.push_back({s + 20, QStringLiteral("action:") + a.id});
    }
    std::stable_sort(scored.begin(), scored.end(), [](const Scored& a, const Scored& b) { return a.score > b.score; });
    QStringList out;
    for (const Scored& s : scored)
        out << s.id;
    const Catalog::CatalogPtr catalog = m_context.catalog->catalog();
    if (!t.isEmpty() && catalog->hasSearchIndex()) {
        Catalog::SearchQuery q;
        q.text = t;
        q.limit = 40;
        q.withFacets = false;
        const Catalog::SearchResult r = catalog->searchIndex().search(q);
        QStringList entities;
        for (int i : r.entities)
            entities << QStringLiteral("entity:") + catalog->entity(i).key;
        // Pages and actions that match well come first; entities then, by relevance.
        out = out.mid(0, 3) + entities + out.mid(3);
    }
    return out;
}

void CommandPalette::update(const QString& text)
{
    m_list->clear();
    const Catalog::CatalogPtr catalog = m_context.catalog->catalog();
    for (const QString& c : candidates(text)) {
        auto* item = new QListWidgetItem(m_list);
        item->setData(Qt::UserRole, c);
        if (c.startsWith(QLatin1String("page:"))) {
            if (Page* p = m_window->page(c.mid(5))) {
                item->setText(tr("Go to %1").arg(p->title()));
                item->setIcon(p->icon());
            }
        } else if (c.startsWith(QLatin1String("action:"))) {
            for (const Action& a : paletteActions())
                if (QStringLiteral("action:") + a.id == c) {
                    item->setText(a.title);
                    item->setIcon(Icons::get(a.icon));
                }
        } else {
            const int i = catalog->indexOf(c.mid(7));
            if (i >= 0) {
                const Catalog::Entity& e = catalog->entity(i);
                item->setText(e.displayName() + QStringLiteral("   ") + e.key);
                item->setIcon(Icons::forKind(e.ref.kind));
                item->setToolTip(e.description);
            }
        }
    }
    if (!text.trimmed().isEmpty() && !catalog->hasSearchIndex() && catalog->size() > 0) {
        auto* item = new QListWidgetItem(tr("Indexing the catalog… entities appear in a moment"), m_list);
        item->setFlags(Qt::NoItemFlags);
    }
    m_list->setCurrentRow(0);
}

void CommandPalette::activate(int row)
{
    if (row < 0 || row >= m_list->count())
        return;
    const QString c = m_list->item(row)->data(Qt::UserRole).toString();
    if (c.isEmpty())
        return;
    hide();
    if (c.startsWith(QLatin1String("page:")))
        m_context.navigator->go({c.mid(5), {}});
    else if (c == QLatin1String("action:refresh"))
        m_context.catalog->refresh();
    else if (c == QLatin1String("action:back"))
        m_context.navigator->back();
    else if (c == QLatin1String("action:forward"))
        m_context.navigator->forward();
    else if (c.startsWith(QLatin1String("entity:")))
        m_context.navigator->goTo(c);
}

bool CommandPalette::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_input && event->type() == QEvent::KeyPress) {
        const auto* key = static_cast<QKeyEvent*>(event);
        switch (key->key()) {
        case Qt::Key_Down:
            m_list->setCurrentRow(qMin(m_list->currentRow() + 1, m_list->count() - 1));
            return true;
        case Qt::Key_Up:
            m_list->setCurrentRow(qMax(m_list->currentRow() - 1, 0));
            return true;
        case Qt::Key_Return:
        case Qt::Key_Enter:
            activate(m_list->currentRow());
            return true;
        case Qt::Key_Escape:
            hide();
            return true;
        default: break;
        }
    }
    return QFrame::eventFilter(watched, event);
}

} // namespace Flightdeck::Views
