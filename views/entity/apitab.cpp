// SPDX-License-Identifier: Apache-2.0
#include "apitab.h"

#include "appcontext.h"
#include "icons.h"
#include "navigation.h"
#include "widgets/codeview.h"
#include "widgets/codeviewparts.h"

#include "core/workers.h"

#include <QAction>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QSplitter>
#include <QStackedWidget>
#include <QStandardItemModel>
#include <QStyledItemDelegate>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace Flightdeck::Views {

using namespace Flightdeck::Catalog;

namespace {

constexpr int kMaxRelationButtons = 6;

QColor methodColor(const QString& method)
{
    static const QHash<QString, QColor> colors {
        {QStringLiteral("GET"), QColor(0x1f, 0x6f, 0xeb)},       {QStringLiteral("POST"), QColor(0x1a, 0x7f, 0x37)},
        {QStringLiteral("PUT"), QColor(0xbc, 0x4c, 0x00)},       {QStringLiteral("PATCH"), QColor(0x0e, 0x74, 0x90)},
        {QStringLiteral("DELETE"), QColor(0xcf, 0x22, 0x2e)},    {QStringLiteral("HEAD"), QColor(0x66, 0x39, 0xba)},
        {QStringLiteral("OPTIONS"), QColor(0x57, 0x60, 0x6a)},   {QStringLiteral("TRACE"), QColor(0x57, 0x60, 0x6a)},
        {QStringLiteral("PUBLISH"), QColor(0x1a, 0x7f, 0x37)},   {QStringLiteral("SEND"), QColor(0x1a, 0x7f, 0x37)},
        {QStringLiteral("SUBSCRIBE"), QColor(0x1f, 0x6f, 0xeb)}, {QStringLiteral("RECEIVE"), QColor(0x1f, 0x6f, 0xeb)},
        {QStringLiteral("QUERY"), QColor(0x1f, 0x6f, 0xeb)},     {QStringLiteral("MUTATION"), QColor(0xbc, 0x4c, 0x00)},
        {QStringLiteral("SUBSCRIPTION"), QColor(0x82, 0x50, 0xdf)}, {QStringLiteral("RPC"), QColor(0x0e, 0x74, 0x90)},
        {QStringLiteral("STREAM"), QColor(0x66, 0x39, 0xba)},
    };
    return colors.value(method, QColor(0x57, 0x60, 0x6a));
}

QString shortMethod(const QString& method)
{
    if (method == QStringLiteral("SUBSCRIPTION"))
        return QStringLiteral("SUBSCR");
    if (method == QStringLiteral("SUBSCRIBE"))
        return QStringLiteral("SUB");
    if (method == QStringLiteral("PUBLISH"))
        return QStringLiteral("PUB");
    if (method == QStringLiteral("MUTATION"))
        return QStringLiteral("MUTATE");
    if (method == QStringLiteral("OPTIONS"))
        return QStringLiteral("OPTS");
    return method;
}

CodeLanguage languageOf(ApiSyntax syntax)
{
    switch (syntax) {
    case ApiSyntax::Yaml:
        return CodeLanguage::Yaml;
    case ApiSyntax::Json:
        return CodeLanguage::Json;
    case ApiSyntax::GraphQl:
        return CodeLanguage::GraphQl;
    case ApiSyntax::Protobuf:
        return CodeLanguage::Protobuf;
    case ApiSyntax::Plain:
        break;
    }
    return CodeLanguage::Plain;
}

QString typeGroupTitle(const QString& kind)
{
    if (kind == QStringLiteral("schema"))
        return ApiTab::tr("Schemas");
    if (kind == QStringLiteral("message"))
        return ApiTab::tr("Messages");
    if (kind == QStringLiteral("channel"))
        return ApiTab::tr("Channels");
    if (kind == QStringLiteral("enum") || kind == QStringLiteral("type") || kind == QStringLiteral("input")
        || kind == QStringLiteral("interface") || kind == QStringLiteral("union") || kind == QStringLiteral("scalar"))
        return ApiTab::tr("Types");
    return kind;
}

QString operationGroupTitle(const ApiDefinition& d, const QString& group, bool onlyGroup)
{
    if (!group.isEmpty()) {
        if (d.format == ApiFormat::GraphQl) {
            if (group == QStringLiteral("Query"))
                return ApiTab::tr("Queries");
            if (group == QStringLiteral("Mutation"))
                return ApiTab::tr("Mutations");
            if (group == QStringLiteral("Subscription"))
                return ApiTab::tr("Subscriptions");
        }
        return group;
    }
    return onlyGroup ? ApiTab::tr("Operations") : ApiTab::tr("Other operations");
}

// Draws the list: group headings, operations with a method badge, and named types.
class OperationDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override
    {
        const QFontMetrics fm(option.font);
        switch (index.data(ApiTab::KindRole).toInt()) {
        case ApiTab::GroupItem:
            return QSize(200, fm.height() + (index.row() > 0 ? 18 : 12));
        case ApiTab::OperationItem:
            return QSize(200, fm.height() * 2 + 14);
        default:
            return QSize(200, fm.height() + 12);
        }
    }

    void paint(QPainter* p, const QStyleOptionViewItem& option, const QModelIndex& index) const override
    {
        QStyleOptionViewItem opt = option;
        initStyleOption(&opt, index);
        const QWidget* widget = opt.widget;
        const int kind = index.data(ApiTab::KindRole).toInt();
        const bool selected = opt.state & QStyle::State_Selected;
        const QPalette& pal = opt.palette;
        const QColor text = selected ? pal.color(QPalette::HighlightedText) : pal.color(QPalette::Text);
        QColor muted = selected ? pal.color(QPalette::HighlightedText) : mutedTextColor(pal);
        if (selected)
            muted.setAlpha(200);
        p->save();
        p->setRenderHint(QPainter::Antialiasing);
        const QFontMetrics fm(opt.font);

        if (kind == ApiTab::GroupItem) {
            QRect r = opt.rect.adjusted(12, 0, -12, -4);
            if (index.row() > 0) {
                QColor line = pal.color(QPalette::Text);
                line.setAlpha(isDarkPalette(pal) ? 45 : 30);
                p->setPen(line);
                p->drawLine(opt.rect.left() + 8, opt.rect.top() + 4, opt.rect.right() - 8, opt.rect.top() + 4);
            }
            QFont bold = opt.font;
            bold.setWeight(QFont::DemiBold);
            bold.setPointSizeF(opt.font.pointSizeF() * 0.92);
            bold.setCapitalization(QFont::AllUppercase);
            bold.setLetterSpacing(QFont::PercentageSpacing, 104);
            p->setFont(bold);
            p->setPen(muted);
            const QString count = QString::number(index.data(ApiTab::CountRole).toInt());
            p->drawText(r, Qt::AlignRight | Qt::AlignBottom, count);
            r.setRight(r.right() - fm.horizontalAdvance(count) - 8);
            p->drawText(r, Qt::AlignLeft | Qt::AlignBottom,
                        QFontMetrics(bold).elidedText(opt.text, Qt::ElideRight, r.width()));
            p->restore();
            return;
        }

        widget->style()->drawPrimitive(QStyle::PE_PanelItemViewItem, &opt, p, widget);
        QFont badgeFont = opt.font;
        badgeFont.setPointSizeF(opt.font.pointSizeF() * 0.78);
        badgeFont.setWeight(QFont::Bold);
        const QFontMetrics bfm(badgeFont);
        QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
        mono.setPointSizeF(opt.font.pointSizeF());
        const QRect r = opt.rect.adjusted(12, 0, -10, 0);
        const int badgeWidth = bfm.horizontalAdvance(QStringLiteral("DELETE")) + 14;
        const int badgeHeight = bfm.height() + 4;

        if (kind == ApiTab::OperationItem) {
            const QString method = index.data(ApiTab::MethodRole).toString();
            const bool deprecated = index.data(ApiTab::DeprecatedRole).toBool();
            const int top = r.top() + 6;
            QRect badge(r.left(), top + (fm.height() - badgeHeight) / 2, badgeWidth, badgeHeight);
            QColor fill = methodColor(method);
            if (deprecated)
                fill.setAlphaF(0.55f);
            p->setPen(Qt::NoPen);
            p->setBrush(fill);
            p->drawRoundedRect(badge, 4, 4);
            p->setFont(badgeFont);
            p->setPen(Qt::white);
            p->drawText(badge, Qt::AlignCenter, shortMethod(method));

            const int x = badge.right() + 10;
            QRect pathRect(x, top, r.right() - x, fm.height());
            QString deprecatedLabel;
            if (deprecated) {
                deprecatedLabel = ApiTab::tr("deprecated");
                QFont small = opt.font;
                small.setPointSizeF(opt.font.pointSizeF() * 0.82);
                p->setFont(small);
                const int w = QFontMetrics(small).horizontalAdvance(deprecatedLabel) + 10;
                const QRect tag(pathRect.right() - w, top + 1, w, fm.height() - 2);
                const CodeColors colors = CodeColors::forPalette(pal);
                p->setPen(QPen(selected ? text : colors.warning, 1));
                p->setBrush(Qt::NoBrush);
                p->drawRoundedRect(QRectF(tag).adjusted(0.5, 0.5, -0.5, -0.5), 3, 3);
                p->drawText(tag, Qt::AlignCenter, deprecatedLabel);
                pathRect.setRight(tag.left() - 6);
            }
            QFont pathFont = mono;
            pathFont.setStrikeOut(deprecated);
            p->setFont(pathFont);
            p->setPen(deprecated ? muted : text);
            const QString path = index.data(ApiTab::PathRole).toString();
            p->drawText(pathRect, Qt::AlignLeft | Qt::AlignVCenter,
                        QFontMetrics(pathFont).elidedText(path, Qt::ElideMiddle, pathRect.width()));

            QString second = index.data(ApiTab::SummaryRole).toString();
            const QString id = index.data(ApiTab::OperationIdRole).toString();
            const QString signature = index.data(ApiTab::SignatureRole).toString();
            if (second.isEmpty())
                second = !signature.isEmpty() ? signature : id;
            p->setFont(opt.font);
            p->setPen(muted);
            const QRect summaryRect(x, top + fm.height() + 2, r.right() - x, fm.height());
            p->drawText(summaryRect, Qt::AlignLeft | Qt::AlignVCenter,
                        fm.elidedText(second, Qt::ElideRight, summaryRect.width()));
            p->restore();
            return;
        }

        // A type: its kind in an outlined badge, its name, its description.
        const QString typeKind = index.data(ApiTab::MethodRole).toString();
        QRect badge(r.left(), r.top() + (r.height() - badgeHeight) / 2, badgeWidth, badgeHeight);
        p->setFont(badgeFont);
        p->setPen(QPen(muted, 1));
        p->setBrush(Qt::NoBrush);
        p->drawRoundedRect(QRectF(badge).adjusted(0.5, 0.5, -0.5, -0.5), 4, 4);
        p->drawText(badge, Qt::AlignCenter, bfm.elidedText(typeKind.toUpper(), Qt::ElideRight, badge.width() - 4));
        const int x = badge.right() + 10;
        p->setFont(mono);
        p->setPen(text);
        const QString name = index.data(ApiTab::PathRole).toString();
        const QFontMetrics mfm(mono);
        const QRect nameRect(x, r.top(), r.right() - x, r.height());
        const QString shown = mfm.elidedText(name, Qt::ElideMiddle, nameRect.width());
        p->drawText(nameRect, Qt::AlignLeft | Qt::AlignVCenter, shown);
        const QString description = index.data(ApiTab::SummaryRole).toString();
        const int dx = x + mfm.horizontalAdvance(shown) + 10;
        if (!description.isEmpty() && r.right() - dx > 40) {
            p->setFont(opt.font);
            p->setPen(muted);
            p->drawText(QRect(dx, r.top(), r.right() - dx, r.height()), Qt::AlignLeft | Qt::AlignVCenter,
                        fm.elidedText(description, Qt::ElideRight, r.right() - dx));
        }
        p->restore();
    }
};

QLabel* mutedCaption(const QString& text, QWidget* parent)
{
    auto* l = new QLabel(text, parent);
    QFont f = l->font();
    f.setWeight(QFont::DemiBold);
    l->setFont(f);
    l->setProperty("muted", true);
    return l;
}

void clearLayout(QLayout* layout)
{
    while (QLayoutItem* item = layout->takeAt(0)) {
        if (QWidget* w = item->widget())
            w->deleteLater();
        delete item;
    }
}

} // namespace

// --- filter ----------------------------------------------------------------------------------------

void ApiOperationFilter::setWords(const QString& text)
{
    m_words = text.simplified().toLower().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    invalidateFilter();
}

bool ApiOperationFilter::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    if (m_words.isEmpty())
        return true;
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    const QString haystack = index.data(ApiTab::SearchRole).toString();
    for (const QString& word : m_words)
        if (!haystack.contains(word))
            return false;
    return true;
}

// --- tab -------------------------------------------------------------------------------------------

ApiTab::ApiTab(AppContext& context, QWidget* parent)
    : EntityTab(context, parent)
    , m_stack(new QStackedWidget(this))
    , m_placeholder(new Placeholder(this))
    , m_title(new QLabel(this))
    , m_description(new QLabel(this))
    , m_notice(new NoticeBar(this))
    , m_splitter(new QSplitter(Qt::Horizontal, this))
    , m_filter(new QLineEdit(this))
    , m_operations(new QTreeView(this))
    , m_model(new QStandardItemModel(this))
    , m_proxy(new ApiOperationFilter(this))
    , m_listEmpty(new QLabel(this))
    , m_code(new CodeView(this))
{
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(m_stack);
    m_stack->addWidget(m_placeholder);

    auto* content = new QWidget(this);
    auto* layout = new QVBoxLayout(content);
    layout->setContentsMargins(16, 14, 16, 12);
    layout->setSpacing(8);

    auto* titleRow = new QHBoxLayout;
    titleRow->setSpacing(10);
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.45);
    titleFont.setWeight(QFont::DemiBold);
    m_title->setFont(titleFont);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    titleRow->addWidget(m_title);
    m_chips = new QHBoxLayout;
    m_chips->setSpacing(6);
    titleRow->addLayout(m_chips);
    titleRow->addStretch(1);
    layout->addLayout(titleRow);

    m_description->setWordWrap(true);
    m_description->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_description->setProperty("muted", true);
    layout->addWidget(m_description);

    m_serversRow = new QWidget(content);
    auto* serversLayout = new QHBoxLayout(m_serversRow);
    serversLayout->setContentsMargins(0, 0, 0, 0);
    serversLayout->setSpacing(6);
    serversLayout->addWidget(mutedCaption(tr("Servers"), m_serversRow));
    serversLayout->addSpacing(4);
    m_servers = new QHBoxLayout;
    m_servers->setSpacing(6);
    serversLayout->addLayout(m_servers);
    serversLayout->addStretch(1);
    layout->addWidget(m_serversRow);

    m_relationsRow = new QWidget(content);
    m_relations = new QHBoxLayout(m_relationsRow);
    m_relations->setContentsMargins(0, 0, 0, 0);
    m_relations->setSpacing(2);
    layout->addWidget(m_relationsRow);

    layout->addWidget(m_notice);

    auto* left = new QWidget(m_splitter);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 8, 0);
    leftLayout->setSpacing(6);
    m_filter->setPlaceholderText(tr("Filter by method, path, summary, tag…"));
    m_filter->setClearButtonEnabled(true);
    m_filter->addAction(Icons::get(QStringLiteral("search")), QLineEdit::LeadingPosition);
    leftLayout->addWidget(m_filter);
    m_proxy->setSourceModel(m_model);
    m_proxy->setRecursiveFilteringEnabled(true);
    m_proxy->setAutoAcceptChildRows(true);
    m_operations->setModel(m_proxy);
    m_operations->setHeaderHidden(true);
    m_operations->setRootIsDecorated(false);
    m_operations->setItemsExpandable(false);
    m_operations->setIndentation(0);
    m_operations->setUniformRowHeights(false);
    m_operations->setItemDelegate(new OperationDelegate(m_operations));
    m_operations->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_operations->setMouseTracking(true);
    m_operations->setSelectionMode(QAbstractItemView::SingleSelection);
    leftLayout->addWidget(m_operations, 1);
    m_listEmpty->setAlignment(Qt::AlignCenter);
    m_listEmpty->setProperty("muted", true);
    m_listEmpty->setVisible(false);
    leftLayout->addWidget(m_listEmpty);

    auto* codeFrame = new QFrame(m_splitter);
    codeFrame->setFrameShape(QFrame::StyledPanel);
    auto* codeLayout = new QVBoxLayout(codeFrame);
    codeLayout->setContentsMargins(1, 1, 1, 1);
    codeLayout->addWidget(m_code);
    m_splitter->addWidget(left);
    m_splitter->addWidget(codeFrame);
    m_splitter->setStretchFactor(0, 0);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setSizes({400, 800});
    m_splitter->setChildrenCollapsible(false);
    layout->addWidget(m_splitter, 1);
    m_stack->addWidget(content);

    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString& text) {
        m_proxy->setWords(text);
        m_operations->expandAll();
        m_listEmpty->setText(tr("Nothing matches “%1”").arg(text.trimmed()));
        m_listEmpty->setVisible(m_proxy->rowCount() == 0);
    });
    connect(m_operations, &QTreeView::clicked, this, &ApiTab::operationActivated);
    connect(m_operations, &QTreeView::activated, this, &ApiTab::operationActivated);
    connect(m_operations->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex& current) { operationActivated(current); });
    updateHeaderColors();
}

ApiTab::~ApiTab()
{
    // A worker may still run; its result is dropped (the watcher is a child and goes with us).
    ++m_generation;
}

QAbstractItemModel* ApiTab::operationModel() const { return m_model; }

bool ApiTab::appliesTo(const Catalog::Catalog& catalog, int entity) const
{
    return entity >= 0 && entity < catalog.size()
        && catalog.entity(entity).ref.kind.compare(QStringLiteral("API"), Qt::CaseInsensitive) == 0;
}

void ApiTab::setEntity(const Catalog::CatalogPtr& catalog, int entity)
{
    const bool sameDocument = catalog && m_catalog && entity >= 0 && m_entity >= 0 && entity < catalog->size()
        && catalog->entity(entity).key == m_entityKey && catalog->entity(entity).document == m_catalog->entity(m_entity).document;
    m_catalog = catalog;
    m_entity = entity;
    if (!catalog || entity < 0 || entity >= catalog->size()) {
        ++m_generation;
        m_loading = false;
        m_entityKey.clear();
        m_placeholder->set(QStringLiteral("plug"), tr("No API selected"));
        m_stack->setCurrentWidget(m_placeholder);
        return;
    }
    m_entityKey = catalog->entity(entity).key;
    // A new snapshot with the same definition keeps what is shown (selection, scroll); only the
    // relations may have changed.
    if (sameDocument && !m_loading) {
        showRelations();
        return;
    }
    const int generation = ++m_generation;
    m_loading = true;
    m_placeholder->set(QStringLiteral("loader-circle"), tr("Reading the definition…"));
    m_stack->setCurrentWidget(m_placeholder);
    delete m_watcher;
    m_watcher = new QFutureWatcher<Loaded>(this);
    connect(m_watcher, &QFutureWatcher<Loaded>::finished, this, [this, generation, watcher = m_watcher] {
        if (generation != m_generation)
            return;
        m_loading = false;
        showLoaded(watcher->result());
    });
    const Entity copy = catalog->entity(entity);
    m_watcher->setFuture(QtConcurrent::run(workers(), [copy]() {
        Loaded loaded;
        loaded.text = definitionOf(copy);
        if (loaded.text.ok)
            loaded.definition = parseApiDefinition(loaded.text.type, loaded.text.text);
        return loaded;
    }));
}

void ApiTab::setArgument(const QString& argument)
{
    m_argument = argument.trimmed();
    if (!m_loading)
        applyArgument();
}

void ApiTab::showLoaded(const Loaded& loaded)
{
    m_definition = loaded.definition;
    const Entity& entity = m_catalog->entity(m_entity);
    if (!loaded.text.ok) {
        m_placeholder->set(QStringLiteral("plug"), tr("This API has no definition"),
                           tr("Add spec.definition to %1, inline or from a file next to it: "
                              "definition: {$text: ./openapi.yaml}.")
                               .arg(entity.ref.name));
        m_stack->setCurrentWidget(m_placeholder);
        Q_EMIT definitionShown();
        return;
    }
    m_stack->setCurrentIndex(1);

    m_title->setText(m_definition.title.isEmpty() ? entity.displayName() : m_definition.title);
    clearLayout(m_chips);
    auto addChip = [this](const QString& text, const QColor& accent = {}) {
        auto* chip = new Chip(text, this);
        chip->setAccent(accent);
        m_chips->addWidget(chip);
    };
    if (!m_definition.formatName.isEmpty())
        addChip(m_definition.formatName, palette().color(QPalette::Highlight));
    else
        addChip(loaded.text.type);
    if (!m_definition.version.isEmpty())
        addChip(m_definition.version.startsWith(QLatin1Char('v')) ? m_definition.version
                                                                  : QStringLiteral("v") + m_definition.version);
    if (!entity.lifecycle.isEmpty())
        addChip(entity.lifecycle, entity.lifecycle == QStringLiteral("deprecated")
                                      ? CodeColors::forPalette(palette()).warning
                                      : QColor());

    QString description = m_definition.description.trimmed();
    if (description.isEmpty())
        description = entity.description;
    const qsizetype paragraph = description.indexOf(QStringLiteral("\n\n"));
    if (paragraph > 0)
        description.truncate(paragraph);
    description.replace(QLatin1Char('\n'), QLatin1Char(' '));
    if (description.size() > 320)
        description = description.left(319) + QChar(0x2026);
    m_description->setText(description);
    m_description->setVisible(!description.isEmpty());

    clearLayout(m_servers);
    for (const ApiServer& server : m_definition.servers) {
        QString text = server.url;
        if (!server.name.isEmpty())
            text = server.name + QStringLiteral(" · ") + text;
        auto* chip = new Chip(text, m_serversRow);
        chip->setMonospace(true);
        QString tip = server.description;
        if (!server.protocol.isEmpty())
            tip += (tip.isEmpty() ? QString() : QStringLiteral(" — ")) + server.protocol;
        chip->setToolTip(tip);
        m_servers->addWidget(chip);
        if (m_servers->count() >= 4)
            break;
    }
    m_serversRow->setVisible(!m_definition.servers.isEmpty());
    showRelations();

    if (!m_definition.ok()) {
        m_notice->showNotice(NoticeBar::Kind::Error,
                             m_definition.errorLine > 0
                                 ? tr("Line %1: %2").arg(m_definition.errorLine).arg(m_definition.error)
                                 : m_definition.error,
                             m_definition.hint);
    } else if (!m_definition.warnings.isEmpty()) {
        QString message = m_definition.warnings.first();
        if (m_definition.warnings.size() > 1)
            message += tr(" (and %n more)", nullptr, int(m_definition.warnings.size() - 1));
        m_notice->showNotice(NoticeBar::Kind::Warning, message, m_definition.warnings.mid(1).join(QLatin1Char('\n')));
    } else if (!loaded.text.problem.isEmpty()) {
        m_notice->showNotice(NoticeBar::Kind::Info, loaded.text.problem,
                             tr("Backstage expects spec.definition to be a string."));
    } else {
        m_notice->hide();
    }

    m_code->setCode(QString::fromUtf8(loaded.text.text), languageOf(m_definition.syntax));
    if (m_definition.errorLine > 0) {
        m_code->setMarkers({CodeMarker {m_definition.errorLine, true, m_definition.error}});
        m_code->goToLine(m_definition.errorLine);
    }
    m_filter->clear();
    buildModel();
    const bool hasList = m_model->rowCount() > 0;
    m_splitter->widget(0)->setVisible(hasList);
    applyArgument();
    Q_EMIT definitionShown();
}

void ApiTab::showRelations()
{
    clearLayout(m_relations);
    m_relationButtons.clear();
    if (!m_catalog || m_entity < 0)
        return;
    QList<qint32> providers, consumers;
    for (const Edge& e : m_catalog->relations(m_entity)) {
        if (e.type == RelationType::ApiProvidedBy)
            providers << e.target;
        else if (e.type == RelationType::ApiConsumedBy)
            consumers << e.target;
    }
    auto addGroup = [this](const QString& caption, const QList<qint32>& targets) {
        if (targets.isEmpty())
            return;
        if (m_relations->count() > 0)
            m_relations->addSpacing(18);
        m_relations->addWidget(mutedCaption(caption, m_relationsRow));
        m_relations->addSpacing(2);
        for (qsizetype i = 0; i < targets.size() && i < kMaxRelationButtons; ++i) {
            const Edge edge {RelationType::ApiProvidedBy, targets[i]};
            const QString key = m_catalog->targetKey(edge);
            QToolButton* button = nullptr;
            if (edge.isDangling()) {
                button = makeEntityButton(key.section(QLatin1Char(':'), 0, 0), key, m_relationsRow);
                button->setEnabled(false);
                button->setToolTip(tr("%1 is not in the catalog").arg(key));
            } else {
                const Entity& e = m_catalog->entity(targets[i]);
                button = makeEntityButton(e.ref.kind, e.displayName(), m_relationsRow);
                button->setToolTip(tr("Open %1").arg(e.key));
                connect(button, &QToolButton::clicked, this, [this, key = e.key] {
                    if (context().navigator)
                        context().navigator->goTo(QStringLiteral("entity:") + key);
                });
            }
            button->setObjectName(QStringLiteral("relation:") + key);
            m_relations->addWidget(button);
            m_relationButtons << button;
        }
        if (targets.size() > kMaxRelationButtons) {
            auto* more = new QToolButton(m_relationsRow);
            more->setAutoRaise(true);
            more->setText(tr("+%1 more").arg(targets.size() - kMaxRelationButtons));
            more->setCursor(Qt::PointingHandCursor);
            connect(more, &QToolButton::clicked, this, [this] {
                if (context().navigator)
                    context().navigator->goTo(QStringLiteral("entity:") + m_entityKey + QStringLiteral("/relations"));
            });
            m_relations->addWidget(more);
        }
    };
    addGroup(tr("Provided by"), providers);
    addGroup(tr("Consumed by"), consumers);
    if (m_relations->count() == 0) {
        auto* none = new QLabel(tr("No component provides or consumes this API yet"), m_relationsRow);
        none->setProperty("muted", true);
        m_relations->addWidget(none);
    }
    m_relations->addStretch(1);
    updateHeaderColors();
}

void ApiTab::buildModel()
{
    m_model->clear();
    QList<QString> groups;
    QHash<QString, QStandardItem*> groupItems;
    for (const ApiOperation& o : std::as_const(m_definition.operations))
        if (!groups.contains(o.group))
            groups << o.group;
    auto groupItem = [&](const QString& key, const QString& title) {
        QStandardItem* item = groupItems.value(key);
        if (!item) {
            item = new QStandardItem(title);
            item->setFlags(Qt::ItemIsEnabled);
            item->setData(GroupItem, KindRole);
            item->setData(title.toLower(), SearchRole);
            m_model->appendRow(item);
            groupItems.insert(key, item);
        }
        return item;
    };
    // Named groups first (tags, services), in order of appearance; untagged operations last.
    std::stable_sort(groups.begin(), groups.end(),
                     [](const QString& a, const QString& b) { return !a.isEmpty() && b.isEmpty(); });
    for (const QString& g : std::as_const(groups))
        groupItem(QStringLiteral("op:") + g, operationGroupTitle(m_definition, g, groups.size() == 1));
    for (const ApiOperation& o : std::as_const(m_definition.operations)) {
        auto* item = new QStandardItem(o.method + QLatin1Char(' ') + o.path);
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
        item->setData(OperationItem, KindRole);
        item->setData(o.method, MethodRole);
        item->setData(o.path, PathRole);
        item->setData(o.summary, SummaryRole);
        item->setData(o.operationId, OperationIdRole);
        item->setData(o.tags, TagsRole);
        item->setData(o.deprecated, DeprecatedRole);
        item->setData(o.line, LineRole);
        item->setData(o.signature, SignatureRole);
        item->setData(QStringList({o.method, o.path, o.summary, o.operationId, o.tags.join(QLatin1Char(' ')),
                                   o.deprecated ? QStringLiteral("deprecated") : QString()})
                          .join(QLatin1Char(' '))
                          .toLower(),
                      SearchRole);
        QString tip = QStringLiteral("<b>%1 %2</b>").arg(o.method, o.path.toHtmlEscaped());
        if (!o.signature.isEmpty())
            tip += QStringLiteral("<br><code>%1</code>").arg(o.signature.toHtmlEscaped());
        if (!o.summary.isEmpty())
            tip += QStringLiteral("<br>") + o.summary.toHtmlEscaped();
        if (!o.operationId.isEmpty())
            tip += QStringLiteral("<br>") + tr("operationId: %1").arg(o.operationId.toHtmlEscaped());
        if (!o.tags.isEmpty())
            tip += QStringLiteral("<br>") + tr("tags: %1").arg(o.tags.join(QStringLiteral(", ")).toHtmlEscaped());
        if (o.deprecated)
            tip += QStringLiteral("<br><i>") + tr("deprecated") + QStringLiteral("</i>");
        item->setToolTip(tip);
        groupItems.value(QStringLiteral("op:") + o.group)->appendRow(item);
    }
    for (const ApiType& t : std::as_const(m_definition.types)) {
        if (t.kind == QStringLiteral("service"))
            continue; // its methods are listed under it already
        const QString title = typeGroupTitle(t.kind);
        QStandardItem* group = groupItem(QStringLiteral("type:") + title, title);
        auto* item = new QStandardItem(t.name);
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
        item->setData(TypeItem, KindRole);
        item->setData(t.kind, MethodRole);
        item->setData(t.name, PathRole);
        item->setData(t.description, SummaryRole);
        item->setData(t.line, LineRole);
        item->setData((t.kind + QLatin1Char(' ') + t.name + QLatin1Char(' ') + t.description).toLower(), SearchRole);
        item->setToolTip(t.description.isEmpty() ? t.name : t.name + QStringLiteral(" — ") + t.description);
        group->appendRow(item);
    }
    for (int i = 0; i < m_model->rowCount(); ++i)
        m_model->item(i)->setData(m_model->item(i)->rowCount(), CountRole);
    m_operations->expandAll();
}

void ApiTab::applyArgument()
{
    if (m_argument.isEmpty() || m_loading)
        return;
    const QString argument = m_argument;
    m_argument.clear();
    bool isNumber = false;
    const int line = argument.toInt(&isNumber);
    if (isNumber) {
        m_code->goToLine(line);
        return;
    }
    for (int g = 0; g < m_model->rowCount(); ++g) {
        QStandardItem* group = m_model->item(g);
        for (int r = 0; r < group->rowCount(); ++r) {
            QStandardItem* item = group->child(r);
            const QString id = item->data(OperationIdRole).toString();
            const QString key = item->data(MethodRole).toString() + QLatin1Char(' ') + item->data(PathRole).toString();
            if ((!id.isEmpty() && id == argument) || key.compare(argument, Qt::CaseInsensitive) == 0
                || (item->data(KindRole).toInt() == TypeItem && item->data(PathRole).toString() == argument)) {
                const QModelIndex proxyIndex = m_proxy->mapFromSource(item->index());
                m_operations->setCurrentIndex(proxyIndex);
                m_operations->scrollTo(proxyIndex);
                operationActivated(proxyIndex);
                return;
            }
        }
    }
}

void ApiTab::operationActivated(const QModelIndex& proxyIndex)
{
    if (!proxyIndex.isValid() || proxyIndex.data(KindRole).toInt() == GroupItem)
        return;
    const int line = proxyIndex.data(LineRole).toInt();
    if (line > 0)
        m_code->goToLine(line);
}

void ApiTab::updateHeaderColors()
{
    const QColor muted = mutedTextColor(palette());
    for (QLabel* label : findChildren<QLabel*>()) {
        if (!label->property("muted").toBool())
            continue;
        QPalette p = label->palette();
        p.setColor(QPalette::WindowText, muted);
        label->setPalette(p);
    }
}

void ApiTab::changeEvent(QEvent* event)
{
    EntityTab::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        updateHeaderColors();
}

} // namespace Flightdeck::Views
