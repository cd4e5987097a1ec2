// SPDX-License-Identifier: Apache-2.0
#include "docstab.h"

#include "appcontext.h"
#include "catalog/catalogservice.h"
#include "icons.h"
#include "sources/catalogrefresh.h"
#include "widgets/codeviewparts.h"

#include "core/workers.h"

#include <QAbstractTextDocumentLayout>
#include <QDesktopServices>
#include <QDir>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QScrollBar>
#include <QSplitter>
#include <QStackedWidget>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>
#include <QTextFrame>
#include <QTextTable>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace Flightdeck::Views {

using namespace Flightdeck::Catalog;

namespace {

constexpr int kCodeMarker = QTextFormat::UserProperty + 1;
constexpr int kPageRole = Qt::UserRole + 1;
constexpr int kUrlRole = Qt::UserRole + 2;
constexpr int kMaxImageWidth = 1800;

QColor blend(const QColor& a, const QColor& b, qreal t)
{
    return QColor::fromRgbF(float(a.redF() * (1 - t) + b.redF() * t), float(a.greenF() * (1 - t) + b.greenF() * t),
                            float(a.blueF() * (1 - t) + b.blueF() * t));
}

bool isCodeBlock(const QTextBlock& block)
{
    return block.blockFormat().hasProperty(QTextFormat::BlockCodeLanguage)
        || block.blockFormat().hasProperty(QTextFormat::BlockCodeFence);
}

void collectTables(QTextFrame* frame, QList<QTextTable*>& out)
{
    for (QTextFrame* child : frame->childFrames()) {
        if (auto* table = qobject_cast<QTextTable*>(child))
            out << table;
        collectTables(child, out);
    }
}

} // namespace

// --- DocsBrowser -----------------------------------------------------------------------------------

DocsBrowser::DocsBrowser(QWidget* parent)
    : QTextBrowser(parent)
{
    setOpenLinks(false);
    setOpenExternalLinks(false);
    setFrameShape(QFrame::NoFrame);
    document()->setDocumentMargin(28);
    setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
}

void DocsBrowser::showMarkdown(const QString& markdown, const QHash<QString, QImage>& images)
{
    m_markdown = markdown;
    m_images = images;
    style();
    verticalScrollBar()->setValue(0);
}

QVariant DocsBrowser::loadResource(int type, const QUrl& name)
{
    // Never read the disk here: images were read (inside the source) on a worker.
    if (type == QTextDocument::ImageResource) {
        for (const QString& key : {name.toString(), name.toString(QUrl::FullyDecoded), name.toString(QUrl::FullyEncoded)}) {
            const auto it = m_images.constFind(key);
            if (it != m_images.constEnd())
                return *it;
        }
    }
    return {};
}

void DocsBrowser::resizeEvent(QResizeEvent* event)
{
    QTextBrowser::resizeEvent(event);
    updateColumn();
}

void DocsBrowser::changeEvent(QEvent* event)
{
    QTextBrowser::changeEvent(event);
    if ((event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange) && !m_styling
        && !m_markdown.isEmpty()) {
        const int scroll = verticalScrollBar()->value();
        style();
        verticalScrollBar()->setValue(scroll);
    }
}

void DocsBrowser::updateColumn()
{
    QTextFrame* root = document()->rootFrame();
    QTextFrameFormat format = root->frameFormat();
    const qreal margin = document()->documentMargin();
    const qreal extra = std::max<qreal>(0, (viewport()->width() - 2 * margin - kColumnWidth) / 2);
    if (qAbs(format.leftMargin() - extra) < 1)
        return;
    format.setLeftMargin(extra);
    format.setRightMargin(extra);
    root->setFrameFormat(format);
}

void DocsBrowser::style()
{
    m_styling = true;
    QTextDocument* doc = document();
    const QPalette pal = palette();
    const bool dark = isDarkPalette(pal);
    const QColor base = pal.color(QPalette::Base);
    const QColor text = pal.color(QPalette::Text);
    const QColor muted = mutedTextColor(pal);
    const QColor codeBackground = blend(base, text, dark ? 0.09 : 0.045);
    const QColor border = blend(base, text, dark ? 0.22 : 0.16);
    QColor link = pal.color(QPalette::Link);
    if (dark && link.lightness() < 150)
        link = QColor(0x58, 0xa6, 0xff);

    QFont body = font();
    body.setPointSizeF(std::max(body.pointSizeF() * 1.08, 10.5));
    doc->setDefaultFont(body);
    QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    mono.setPointSizeF(body.pointSizeF() * 0.9);

    doc->setMarkdown(m_markdown, QTextDocument::MarkdownDialectGitHub);

    // Code blocks become one-cell tables: a padded box with a subtle background.
    QList<QPair<int, int>> runs; // first and last block number of each run of code lines
    for (QTextBlock b = doc->begin(); b.isValid(); b = b.next()) {
        if (!isCodeBlock(b))
            continue;
        if (!runs.isEmpty() && runs.last().second == b.blockNumber() - 1
            && b.blockFormat().property(QTextFormat::BlockCodeFence) == doc->findBlockByNumber(runs.last().second).blockFormat().property(QTextFormat::BlockCodeFence))
            runs.last().second = b.blockNumber();
        else
            runs.append({b.blockNumber(), b.blockNumber()});
    }
    for (qsizetype r = runs.size() - 1; r >= 0; --r) {
        const QTextBlock first = doc->findBlockByNumber(runs[r].first);
        const QTextBlock last = doc->findBlockByNumber(runs[r].second);
        QStringList lines;
        for (QTextBlock b = first; b.isValid() && b.blockNumber() <= last.blockNumber(); b = b.next())
            lines << b.text();
        while (!lines.isEmpty() && lines.last().trimmed().isEmpty())
            lines.removeLast();
        QTextCursor c(doc);
        c.setPosition(first.position());
        c.setPosition(last.position() + last.length() - 1, QTextCursor::KeepAnchor);
        c.removeSelectedText();
        c.setBlockFormat(QTextBlockFormat());
        c.setBlockCharFormat(QTextCharFormat());
        QTextTableFormat tf;
        tf.setBorder(1);
        tf.setBorderBrush(border);
        tf.setBorderStyle(QTextFrameFormat::BorderStyle_Solid);
        tf.setCellPadding(10);
        tf.setCellSpacing(0);
        tf.setBackground(codeBackground);
        tf.setWidth(QTextLength(QTextLength::PercentageLength, 100));
        tf.setTopMargin(2);
        tf.setBottomMargin(12);
        tf.setProperty(kCodeMarker, true);
        QTextTable* table = c.insertTable(1, 1, tf);
        QTextCursor cell = table->cellAt(0, 0).firstCursorPosition();
        QTextBlockFormat bf;
        bf.setNonBreakableLines(true);
        bf.setProperty(kCodeMarker, true);
        QTextCharFormat cf;
        cf.setFont(mono);
        cf.setForeground(text);
        cell.setBlockFormat(bf);
        cell.setBlockCharFormat(cf);
        cell.insertText(lines.join(QLatin1Char('\n')), cf);
    }

    // Headings, paragraphs and quotes.
    static const qreal headingScale[7] = {1, 1.85, 1.5, 1.25, 1.1, 1.0, 0.95};
    m_anchors.clear();
    for (QTextBlock b = doc->begin(); b.isValid(); b = b.next()) {
        QTextBlockFormat bf = b.blockFormat();
        if (bf.property(kCodeMarker).toBool())
            continue;
        QTextCursor c(b);
        const int level = bf.headingLevel();
        if (level > 0 && level <= 6) {
            bf.setTopMargin(b.blockNumber() == 0 ? 0 : (level <= 2 ? 26 : 20));
            bf.setBottomMargin(level <= 2 ? 12 : 8);
            if (level <= 2)
                bf.setProperty(QTextFormat::BlockTrailingHorizontalRulerWidth, QTextLength(QTextLength::PercentageLength, 100));
            c.setBlockFormat(bf);
            for (auto it = b.begin(); !it.atEnd(); ++it) {
                const QTextFragment f = it.fragment();
                QTextCharFormat cf = f.charFormat();
                cf.clearProperty(QTextFormat::FontSizeAdjustment);
                cf.setFontPointSize(body.pointSizeF() * headingScale[level]);
                cf.setFontWeight(level <= 3 ? QFont::DemiBold : QFont::Bold);
                QTextCursor fc(doc);
                fc.setPosition(f.position());
                fc.setPosition(f.position() + f.length(), QTextCursor::KeepAnchor);
                fc.setCharFormat(cf);
            }
            QString anchor = headingAnchor(b.text());
            if (m_anchors.contains(anchor)) {
                int n = 1;
                while (m_anchors.contains(anchor + QLatin1Char('_') + QString::number(n)))
                    ++n;
                anchor += QLatin1Char('_') + QString::number(n);
            }
            m_anchors.insert(anchor, b.blockNumber());
            continue;
        }
        bf.setLineHeight(145, QTextBlockFormat::ProportionalHeight);
        if (!b.textList())
            bf.setBottomMargin(std::max<qreal>(bf.bottomMargin(), 10));
        if (bf.hasProperty(QTextFormat::BlockQuoteLevel)) {
            bf.setBackground(blend(base, link, dark ? 0.12 : 0.06));
            bf.setLeftMargin(std::max<qreal>(bf.leftMargin(), 18));
            bf.setTopMargin(0);
            bf.setBottomMargin(0);
        }
        c.setBlockFormat(bf);
    }

    // Inline code, links and images.
    for (QTextBlock b = doc->begin(); b.isValid(); b = b.next()) {
        if (b.blockFormat().property(kCodeMarker).toBool())
            continue;
        for (auto it = b.begin(); !it.atEnd(); ++it) {
            const QTextFragment f = it.fragment();
            QTextCharFormat cf = f.charFormat();
            bool changed = false;
            if (cf.isImageFormat()) {
                QTextImageFormat image = cf.toImageFormat();
                const QImage img = qvariant_cast<QImage>(loadResource(QTextDocument::ImageResource, QUrl(image.name())));
                if (!img.isNull()) {
                    const qreal scale = img.devicePixelRatio();
                    const qreal w = img.width() / scale;
                    const qreal h = img.height() / scale;
                    const qreal shown = std::min<qreal>(w, kColumnWidth);
                    image.setWidth(shown);
                    image.setHeight(h * shown / w);
                    cf = image;
                    changed = true;
                }
            } else if (cf.isAnchor()) {
                cf.setForeground(link);
                cf.setFontUnderline(false);
                changed = true;
            } else if (cf.fontFixedPitch()) {
                cf.setFont(mono);
                cf.setFontFixedPitch(true);
                cf.setBackground(codeBackground);
                changed = true;
            }
            if (changed) {
                QTextCursor fc(doc);
                fc.setPosition(f.position());
                fc.setPosition(f.position() + f.length(), QTextCursor::KeepAnchor);
                fc.setCharFormat(cf);
            }
        }
    }

    // Tables: collapsed thin borders, padded cells, a tinted header row.
    QList<QTextTable*> tables;
    collectTables(doc->rootFrame(), tables);
    for (QTextTable* table : std::as_const(tables)) {
        QTextTableFormat tf = table->format();
        if (tf.property(kCodeMarker).toBool())
            continue;
        tf.setBorder(1);
        tf.setBorderBrush(border);
        tf.setBorderStyle(QTextFrameFormat::BorderStyle_Solid);
        tf.setBorderCollapse(true);
        tf.setCellPadding(7);
        tf.setCellSpacing(0);
        tf.setTopMargin(4);
        tf.setBottomMargin(14);
        table->setFormat(tf);
        for (int col = 0; col < table->columns(); ++col) {
            QTextTableCell cell = table->cellAt(0, col);
            QTextCharFormat cf = cell.format();
            cf.setBackground(codeBackground);
            cell.setFormat(cf);
            QTextCursor cc = cell.firstCursorPosition();
            cc.setPosition(cell.lastCursorPosition().position(), QTextCursor::KeepAnchor);
            QTextCharFormat bold;
            bold.setFontWeight(QFont::DemiBold);
            cc.mergeCharFormat(bold);
        }
    }
    Q_UNUSED(muted)
    updateColumn();
    m_styling = false;
}

bool DocsBrowser::scrollToHeading(const QString& anchor)
{
    const auto it = m_anchors.constFind(anchor);
    if (it == m_anchors.constEnd())
        return false;
    const QTextBlock block = document()->findBlockByNumber(*it);
    const QRectF r = document()->documentLayout()->blockBoundingRect(block);
    verticalScrollBar()->setValue(int(r.top()) - 8);
    return true;
}

// --- DocsTab ---------------------------------------------------------------------------------------

DocsTab::DocsTab(AppContext& context, QWidget* parent)
    : EntityTab(context, parent)
    , m_stack(new QStackedWidget(this))
    , m_placeholder(new Placeholder(this))
    , m_splitter(new QSplitter(Qt::Horizontal, this))
    , m_navPanel(new QWidget(this))
    , m_siteName(new QLabel(this))
    , m_nav(new QTreeWidget(this))
    , m_crumbs(new QLabel(this))
    , m_back(new QToolButton(this))
    , m_forward(new QToolButton(this))
    , m_edit(new QToolButton(this))
    , m_notice(new NoticeBar(this))
    , m_browser(new DocsBrowser(this))
{
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(m_stack);
    m_stack->addWidget(m_placeholder);

    auto* navLayout = new QVBoxLayout(m_navPanel);
    navLayout->setContentsMargins(14, 16, 6, 12);
    navLayout->setSpacing(10);
    QFont siteFont = m_siteName->font();
    siteFont.setPointSizeF(siteFont.pointSizeF() * 1.12);
    siteFont.setWeight(QFont::DemiBold);
    m_siteName->setFont(siteFont);
    m_siteName->setWordWrap(true);
    navLayout->addWidget(m_siteName);
    m_nav->setHeaderHidden(true);
    m_nav->setFrameShape(QFrame::NoFrame);
    m_nav->setIndentation(14);
    m_nav->setRootIsDecorated(false);
    m_nav->setItemsExpandable(false);
    m_nav->setUniformRowHeights(true);
    m_nav->setStyleSheet(QStringLiteral("QTreeWidget { background: transparent; } QTreeWidget::item { padding: 4px 2px; }"));
    navLayout->addWidget(m_nav, 1);

    auto* right = new QWidget(this);
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->setSpacing(0);
    auto* bar = new QWidget(right);
    auto* barLayout = new QHBoxLayout(bar);
    barLayout->setContentsMargins(12, 6, 12, 6);
    barLayout->setSpacing(4);
    for (QToolButton* b : {m_back, m_forward, m_edit}) {
        b->setAutoRaise(true);
        b->setIconSize(QSize(16, 16));
    }
    m_back->setIcon(Icons::get(QStringLiteral("arrow-left")));
    m_back->setToolTip(tr("Back"));
    m_forward->setIcon(Icons::get(QStringLiteral("arrow-right")));
    m_forward->setToolTip(tr("Forward"));
    m_edit->setIcon(Icons::get(QStringLiteral("square-pen")));
    m_edit->setText(tr("Open in editor"));
    m_edit->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    barLayout->addWidget(m_back);
    barLayout->addWidget(m_forward);
    barLayout->addSpacing(6);
    m_crumbs->setTextFormat(Qt::PlainText);
    barLayout->addWidget(m_crumbs, 1);
    barLayout->addWidget(m_edit);
    rightLayout->addWidget(bar);
    auto* line = new QFrame(right);
    line->setFrameShape(QFrame::HLine);
    line->setFrameShadow(QFrame::Plain);
    line->setProperty("separator", true);
    rightLayout->addWidget(line);
    auto* noticeHolder = new QWidget(right);
    auto* noticeLayout = new QVBoxLayout(noticeHolder);
    noticeLayout->setContentsMargins(16, 10, 16, 0);
    noticeLayout->addWidget(m_notice);
    rightLayout->addWidget(noticeHolder);
    m_notice->setVisible(false);
    rightLayout->addWidget(m_browser, 1);

    m_splitter->addWidget(m_navPanel);
    m_splitter->addWidget(right);
    m_splitter->setStretchFactor(0, 0);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setSizes({250, 1000});
    m_splitter->setChildrenCollapsible(false);
    m_stack->addWidget(m_splitter);

    connect(m_browser, &QTextBrowser::anchorClicked, this, &DocsTab::followLink);
    connect(m_back, &QToolButton::clicked, this, &DocsTab::back);
    connect(m_forward, &QToolButton::clicked, this, &DocsTab::forward);
    connect(m_edit, &QToolButton::clicked, this, [this] {
        if (!m_page.path.isEmpty())
            QDesktopServices::openUrl(QUrl::fromLocalFile(m_page.path));
    });
    connect(m_nav, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem* item) {
        if (item && !item->data(0, kPageRole).toString().isEmpty())
            openPage(item->data(0, kPageRole).toString());
    });
    connect(m_nav, &QTreeWidget::itemClicked, this, [](QTreeWidgetItem* item) {
        const QString url = item ? item->data(0, kUrlRole).toString() : QString();
        if (!url.isEmpty())
            QDesktopServices::openUrl(QUrl(url));
    });
    updateColors();
}

DocsTab::~DocsTab() { ++m_generation; }

bool DocsTab::appliesTo(const Catalog::Catalog& catalog, int entity) const
{
    return entity >= 0 && entity < catalog.size() && hasDocsAnnotation(catalog.entity(entity));
}

DocsTab::PageLoad DocsTab::readPage(const DocsSite& site, const QString& path)
{
    PageLoad load;
    load.page = readDocsPage(site, path);
    for (const DocsImage& image : std::as_const(load.page.images)) {
        if (image.bytes.isEmpty())
            continue;
        QImage decoded = QImage::fromData(image.bytes);
        if (decoded.isNull())
            continue;
        if (decoded.width() > kMaxImageWidth)
            decoded = decoded.scaledToWidth(kMaxImageWidth, Qt::SmoothTransformation);
        load.images.insert(image.reference, decoded);
        load.images.insert(QUrl(image.reference).toString(), decoded);
    }
    return load;
}

void DocsTab::setEntity(const Catalog::CatalogPtr& catalog, int entity)
{
    if (!catalog || entity < 0 || entity >= catalog->size()) {
        ++m_generation;
        m_loading = false;
        m_catalog = catalog;
        m_entity = -1;
        m_entityKey.clear();
        m_placeholder->set(QStringLiteral("book-open"), tr("No entity selected"));
        m_stack->setCurrentWidget(m_placeholder);
        return;
    }
    const bool sameEntity = catalog->entity(entity).key == m_entityKey && !m_page.path.isEmpty();
    m_catalog = catalog;
    m_entity = entity;
    m_entityKey = catalog->entity(entity).key;

    // techdocs-entity: the docs of another entity (followed a few steps, never in a circle).
    int owner = entity;
    QString problem;
    m_notePrefix.clear();
    for (int hop = 0; hop < 5; ++hop) {
        const DocsReference ref = docsReferenceOf(catalog->entity(owner));
        if (ref.type != DocsReference::Type::Entity)
            break;
        const QList<int> found = catalog->resolve(ref.value);
        if (found.isEmpty()) {
            problem = tr("backstage.io/techdocs-entity names %1, which is not in the catalog").arg(ref.value);
            break;
        }
        if (found.first() == owner || found.first() == entity) {
            problem = tr("backstage.io/techdocs-entity of %1 leads back to itself").arg(catalog->entity(owner).key);
            break;
        }
        owner = found.first();
    }
    if (problem.isEmpty() && owner != entity)
        m_notePrefix = tr("These are the docs of %1, which %2 shares (backstage.io/techdocs-entity)")
                           .arg(catalog->entity(owner).displayName(), catalog->entity(entity).displayName());
    m_docsOwner = catalog->entity(owner).key;

    const int generation = ++m_generation;
    m_loading = true;
    if (!problem.isEmpty()) {
        m_loading = false;
        m_site = DocsSite();
        m_placeholder->set(QStringLiteral("book-open"), problem,
                           tr("Point the annotation at an entity of the catalog, as kind:namespace/name."));
        m_stack->setCurrentWidget(m_placeholder);
        Q_EMIT noDocs();
        return;
    }
    if (!sameEntity) {
        m_placeholder->set(QStringLiteral("book-open"), tr("Reading the docs…"));
        m_stack->setCurrentWidget(m_placeholder);
        m_history.clear();
        m_historyIndex = -1;
        m_page = DocsPage();
    }

    QList<Sources::CatalogSourceSpec> sources;
    if (context().catalog)
        sources = context().catalog->workspace().sources();
    const QString cacheDir = m_gitCacheDir.isEmpty() ? Sources::defaultGitCacheDir() : m_gitCacheDir;
    // Which page to read first: the one asked for, the one shown before a refresh, or the home page.
    QString argument = m_pendingArgument;
    m_pendingArgument.clear();
    QString fragment;
    const qsizetype hash = argument.indexOf(QLatin1Char('#'));
    if (hash >= 0) {
        fragment = argument.mid(hash + 1);
        argument.truncate(hash);
    }
    const QString previousPage = sameEntity ? m_page.path : QString();
    const int previousScroll = sameEntity ? m_browser->verticalScrollBar()->value() : 0;

    delete m_siteWatcher;
    m_siteWatcher = new QFutureWatcher<SiteLoad>(this);
    connect(m_siteWatcher, &QFutureWatcher<SiteLoad>::finished, this,
            [this, generation, fragment, previousPage, previousScroll, watcher = m_siteWatcher] {
                if (generation != m_generation)
                    return;
                m_loading = false;
                showSite(watcher->result());
                if (!fragment.isEmpty())
                    m_browser->scrollToHeading(fragment);
                else if (!previousPage.isEmpty() && m_page.path == previousPage)
                    m_browser->verticalScrollBar()->setValue(previousScroll);
            });
    m_siteWatcher->setFuture(QtConcurrent::run(workers(), [catalog, owner, sources, cacheDir, argument, previousPage]() {
        SiteLoad load;
        load.file = locateEntityFile(*catalog, owner, sources, cacheDir);
        if (!load.file.hasFile()) {
            load.site.message = load.file.problem.isEmpty()
                ? tr("This entity has no local catalog file, so its docs cannot be read")
                : load.file.problem;
            load.site.hint = load.file.remote
                ? tr("Docs are read from the entity's repository; add it as a folder or git source to see them.")
                : QString();
            return load;
        }
        load.site = discoverDocs(load.file.path, load.file.root, docsReferenceOf(catalog->entity(owner)));
        if (!load.site.found())
            return load;
        QString page = load.site.homePage;
        if (!argument.isEmpty())
            page = QDir::cleanPath(load.site.docsDir + QLatin1Char('/') + argument);
        else if (!previousPage.isEmpty() && isPathInside(load.site.root, previousPage))
            page = previousPage;
        load.home = readPage(load.site, page);
        if (!load.home.page.ok() && page != load.site.homePage)
            load.home = readPage(load.site, load.site.homePage);
        return load;
    }));
}

void DocsTab::setArgument(const QString& argument)
{
    const QString a = argument.trimmed();
    if (a.isEmpty())
        return;
    if (m_loading || !m_site.found()) {
        m_pendingArgument = a;
        return;
    }
    const qsizetype hash = a.indexOf(QLatin1Char('#'));
    const QString path = hash >= 0 ? a.left(hash) : a;
    const QString fragment = hash >= 0 ? a.mid(hash + 1) : QString();
    if (path.isEmpty()) {
        m_browser->scrollToHeading(fragment);
        return;
    }
    openPage(QDir::cleanPath(m_site.docsDir + QLatin1Char('/') + path), fragment);
}

void DocsTab::showSite(const SiteLoad& load)
{
    m_site = load.site;
    if (!m_site.found()) {
        m_placeholder->set(QStringLiteral("book-open"),
                           m_site.message.isEmpty() ? tr("No documentation found") : m_site.message, m_site.hint);
        m_stack->setCurrentWidget(m_placeholder);
        Q_EMIT noDocs();
        return;
    }
    if (!load.home.page.ok()) {
        m_placeholder->set(QStringLiteral("book-open"), tr("The docs cannot be read"), load.home.page.error);
        m_stack->setCurrentWidget(m_placeholder);
        Q_EMIT noDocs();
        return;
    }
    m_stack->setCurrentWidget(m_splitter);
    QString name = m_site.siteName;
    if (name.isEmpty() && m_catalog) {
        const int owner = m_catalog->indexOf(m_docsOwner);
        name = owner >= 0 ? m_catalog->entity(owner).displayName() : QString();
    }
    m_siteName->setText(name);
    buildNavigation();
    int pages = 0;
    bool sections = false;
    for (const DocsNavItem& item : std::as_const(m_site.nav)) {
        pages += item.page.isEmpty() ? 0 : 1;
        sections = sections || (item.page.isEmpty() && item.url.isEmpty());
    }
    m_navPanel->setVisible(pages > 1 || sections);
    const bool record = m_history.isEmpty() || m_history[m_historyIndex].path != load.home.page.path;
    showPage(load.home, QString(), record);
}

void DocsTab::buildNavigation()
{
    const QSignalBlocker blocker(m_nav);
    m_nav->clear();
    QList<QTreeWidgetItem*> parents;
    QFont sectionFont = m_nav->font();
    sectionFont.setWeight(QFont::DemiBold);
    for (const DocsNavItem& item : std::as_const(m_site.nav)) {
        while (parents.size() > item.level)
            parents.removeLast();
        auto* node = parents.isEmpty() ? new QTreeWidgetItem(m_nav) : new QTreeWidgetItem(parents.last());
        node->setText(0, item.title);
        if (!item.page.isEmpty()) {
            node->setData(0, kPageRole, item.page);
            node->setToolTip(0, QDir(m_site.docsDir).relativeFilePath(item.page));
            if (item.missing) {
                node->setFlags(Qt::NoItemFlags);
                node->setToolTip(0, tr("%1 is not in the docs folder").arg(QDir(m_site.docsDir).relativeFilePath(item.page)));
            }
        } else if (!item.url.isEmpty()) {
            node->setData(0, kUrlRole, item.url);
            node->setIcon(0, Icons::get(QStringLiteral("external-link")));
            node->setToolTip(0, item.url);
            node->setFlags(Qt::ItemIsEnabled);
        } else {
            node->setFont(0, sectionFont);
            node->setFlags(Qt::ItemIsEnabled);
            parents << node;
        }
    }
    m_nav->expandAll();
}

void DocsTab::selectInNavigation(const QString& path)
{
    const QSignalBlocker blocker(m_nav);
    for (QTreeWidgetItemIterator it(m_nav); *it; ++it) {
        if ((*it)->data(0, kPageRole).toString() == path) {
            m_nav->setCurrentItem(*it);
            return;
        }
    }
    m_nav->setCurrentItem(nullptr);
    m_nav->clearSelection();
}

void DocsTab::openPage(const QString& path, const QString& fragment)
{
    if (QDir::cleanPath(path) == m_page.path) {
        if (fragment.isEmpty())
            m_browser->verticalScrollBar()->setValue(0);
        else
            m_browser->scrollToHeading(fragment);
        return;
    }
    loadPage(QDir::cleanPath(path), fragment, true);
}

void DocsTab::loadPage(const QString& path, const QString& fragment, bool record)
{
    const int generation = ++m_generation;
    m_loading = true;
    delete m_pageWatcher;
    m_pageWatcher = new QFutureWatcher<PageLoad>(this);
    connect(m_pageWatcher, &QFutureWatcher<PageLoad>::finished, this,
            [this, generation, fragment, record, watcher = m_pageWatcher] {
                if (generation != m_generation)
                    return;
                m_loading = false;
                showPage(watcher->result(), fragment, record);
            });
    const DocsSite site = m_site;
    m_pageWatcher->setFuture(QtConcurrent::run(workers(), [site, path]() { return readPage(site, path); }));
}

void DocsTab::showPage(const PageLoad& load, const QString& fragment, bool record)
{
    if (!load.page.ok()) {
        m_notice->showNotice(NoticeBar::Kind::Error, load.page.error,
                             tr("The link leads to a page that cannot be read; the page you were on is still shown."));
        selectInNavigation(m_page.path);
        Q_EMIT pageShown(m_page.path);
        return;
    }
    m_page = load.page;
    m_browser->showMarkdown(prepareMarkdown(m_page.markdown), load.images);
    if (!fragment.isEmpty())
        m_browser->scrollToHeading(fragment);
    if (record) {
        m_history = m_history.mid(0, m_historyIndex + 1);
        m_history.append({m_page.path, fragment});
        m_historyIndex = m_history.size() - 1;
    }
    selectInNavigation(m_page.path);

    QStringList imageProblems;
    for (const DocsImage& image : load.page.images)
        if (!image.error.isEmpty())
            imageProblems << image.error;
    if (m_page.truncated)
        m_notice->showNotice(NoticeBar::Kind::Warning,
                             tr("Only the first %1 KB of this %2 KB page are shown")
                                 .arg(m_page.markdown.toUtf8().size() / 1024)
                                 .arg(m_page.size / 1024),
                             tr("Open it in an editor to read all of it."));
    else if (!imageProblems.isEmpty())
        m_notice->showNotice(NoticeBar::Kind::Warning, tr("%n image(s) of this page are not shown", nullptr, int(imageProblems.size())),
                             imageProblems.join(QLatin1Char('\n')));
    else if (!m_site.warnings.isEmpty())
        m_notice->showNotice(NoticeBar::Kind::Warning, m_site.warnings.first(),
                             m_site.warnings.size() > 1 ? tr("%n more problem(s) with the docs configuration.", nullptr,
                                                             int(m_site.warnings.size() - 1))
                                                        : QString());
    else if (!m_notePrefix.isEmpty())
        m_notice->showNotice(NoticeBar::Kind::Info, m_notePrefix);
    else
        m_notice->hide();
    m_notice->parentWidget()->setVisible(m_notice->isVisibleTo(m_notice->parentWidget()));
    updateHeader();
    Q_EMIT pageShown(m_page.path);
}

void DocsTab::followLink(const QUrl& url)
{
    const DocsLink link = resolveDocsLink(m_site, m_page.path, url.toString());
    switch (link.kind) {
    case DocsLink::Kind::Anchor:
        if (link.fragment.isEmpty())
            m_browser->verticalScrollBar()->setValue(0);
        else
            m_browser->scrollToHeading(link.fragment);
        break;
    case DocsLink::Kind::External:
        QDesktopServices::openUrl(QUrl(link.url));
        break;
    case DocsLink::Kind::Page:
        openPage(link.path, link.fragment);
        break;
    case DocsLink::Kind::File:
        QDesktopServices::openUrl(QUrl::fromLocalFile(link.path));
        break;
    case DocsLink::Kind::Refused:
    case DocsLink::Kind::Invalid:
        m_notice->showNotice(NoticeBar::Kind::Warning, link.problem,
                             tr("Links in docs may lead to pages of the same source, or to web sites."));
        m_notice->parentWidget()->setVisible(true);
        break;
    }
}

void DocsTab::back()
{
    if (m_historyIndex <= 0)
        return;
    --m_historyIndex;
    loadPage(m_history[m_historyIndex].path, m_history[m_historyIndex].fragment, false);
}

void DocsTab::forward()
{
    if (m_historyIndex + 1 >= m_history.size())
        return;
    ++m_historyIndex;
    loadPage(m_history[m_historyIndex].path, m_history[m_historyIndex].fragment, false);
}

void DocsTab::updateHeader()
{
    QStringList crumbs;
    QTreeWidgetItem* item = m_nav->currentItem();
    for (QTreeWidgetItem* i = item; i; i = i->parent())
        crumbs.prepend(i->text(0));
    if (crumbs.isEmpty())
        crumbs << m_page.title;
    m_crumbs->setText(crumbs.join(QStringLiteral("  ›  ")));
    m_crumbs->setToolTip(m_page.relative);
    m_back->setEnabled(m_historyIndex > 0);
    m_forward->setEnabled(m_historyIndex + 1 < m_history.size());
    m_edit->setToolTip(tr("Open %1 in the application your system uses for it").arg(m_page.relative));
}

void DocsTab::updateColors()
{
    QPalette muted = m_crumbs->palette();
    muted.setColor(QPalette::WindowText, mutedTextColor(palette()));
    m_crumbs->setPalette(muted);
}

void DocsTab::changeEvent(QEvent* event)
{
    EntityTab::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        updateColors();
}

} // namespace Flightdeck::Views
