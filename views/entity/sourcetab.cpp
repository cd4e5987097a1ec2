// SPDX-License-Identifier: Apache-2.0
#include "sourcetab.h"

#include "appcontext.h"
#include "catalog/catalogservice.h"
#include "icons.h"
#include "sources/catalogrefresh.h"
#include "widgets/codeview.h"
#include "widgets/codeviewparts.h"

#include "core/workers.h"

#include <QClipboard>
#include <QDesktopServices>
#include <QFileInfo>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPainter>
#include <QPushButton>
#include <QSplitter>
#include <QStackedWidget>
#include <QStyledItemDelegate>
#include <QUrl>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace Flightdeck::Views {

using namespace Flightdeck::Catalog;

namespace {

enum ProblemRole { LineRole = Qt::UserRole + 1, ErrorRole, MessageRole, HintRole, MetaRole };

// A problem as a small card: severity icon, message, what to do, and where.
class ProblemDelegate : public QStyledItemDelegate
{
public:
    explicit ProblemDelegate(QListWidget* view)
        : QStyledItemDelegate(view)
        , m_view(view)
    {
    }

    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override
    {
        const int width = std::max(120, m_view->viewport()->width() - kLeft - kRight);
        const QFontMetrics fm(option.font);
        int h = kTop;
        h += textHeight(boldFont(option.font), index.data(MessageRole).toString(), width);
        const QString hint = index.data(HintRole).toString();
        if (!hint.isEmpty())
            h += 3 + textHeight(option.font, hint, width);
        h += 4 + QFontMetrics(smallFont(option.font)).height() + kBottom;
        Q_UNUSED(fm)
        return QSize(width, h);
    }

    void paint(QPainter* p, const QStyleOptionViewItem& option, const QModelIndex& index) const override
    {
        QStyleOptionViewItem opt = option;
        initStyleOption(&opt, index);
        opt.text.clear();
        opt.icon = QIcon();
        opt.widget->style()->drawPrimitive(QStyle::PE_PanelItemViewItem, &opt, p, opt.widget);
        const bool selected = opt.state & QStyle::State_Selected;
        const QPalette& pal = opt.palette;
        const CodeColors colors = CodeColors::forPalette(pal);
        const bool error = index.data(ErrorRole).toBool();
        const QColor text = selected ? pal.color(QPalette::HighlightedText) : pal.color(QPalette::Text);
        QColor muted = selected ? pal.color(QPalette::HighlightedText) : mutedTextColor(pal);
        if (selected)
            muted.setAlpha(210);
        p->save();
        const QRect r = opt.rect;
        const int width = r.width() - kLeft - kRight;
        const QIcon icon = Icons::get(error ? QStringLiteral("circle-x") : QStringLiteral("triangle-alert"),
                                      selected ? text : (error ? colors.error : colors.warning));
        icon.paint(p, QRect(r.left() + 10, r.top() + kTop + 1, 16, 16));
        int y = r.top() + kTop;
        const QFont bold = boldFont(opt.font);
        p->setFont(bold);
        p->setPen(text);
        const QString message = index.data(MessageRole).toString();
        const int mh = textHeight(bold, message, width);
        p->drawText(QRect(r.left() + kLeft, y, width, mh), Qt::TextWordWrap, message);
        y += mh;
        const QString hint = index.data(HintRole).toString();
        if (!hint.isEmpty()) {
            y += 3;
            const int hh = textHeight(opt.font, hint, width);
            p->setFont(opt.font);
            p->setPen(muted);
            p->drawText(QRect(r.left() + kLeft, y, width, hh), Qt::TextWordWrap, hint);
            y += hh;
        }
        y += 4;
        const QFont small = smallFont(opt.font);
        p->setFont(small);
        p->setPen(muted);
        const QFontMetrics sfm(small);
        p->drawText(QRect(r.left() + kLeft, y, width, sfm.height()), Qt::AlignLeft | Qt::AlignVCenter,
                    sfm.elidedText(index.data(MetaRole).toString(), Qt::ElideRight, width));
        QColor line = pal.color(QPalette::Text);
        line.setAlpha(isDarkPalette(pal) ? 38 : 24);
        p->setPen(line);
        p->drawLine(r.left() + 8, r.bottom(), r.right() - 8, r.bottom());
        p->restore();
    }

private:
    static constexpr int kLeft = 34;
    static constexpr int kRight = 10;
    static constexpr int kTop = 9;
    static constexpr int kBottom = 9;

    static QFont boldFont(QFont f)
    {
        f.setWeight(QFont::DemiBold);
        return f;
    }
    static QFont smallFont(QFont f)
    {
        f.setPointSizeF(f.pointSizeF() * 0.88);
        return f;
    }
    static int textHeight(const QFont& font, const QString& text, int width)
    {
        return QFontMetrics(font).boundingRect(QRect(0, 0, width, 100000), Qt::TextWordWrap, text).height();
    }

    QListWidget* m_view;
};

// A label that shows the end of a long path rather than wrapping it.
class PathLabel : public QLabel
{
public:
    using QLabel::QLabel;
    void setPath(const QString& path)
    {
        m_full = path;
        setToolTip(path);
        elide();
    }
    QString path() const { return m_full; }

protected:
    void resizeEvent(QResizeEvent* event) override
    {
        QLabel::resizeEvent(event);
        elide();
    }
    QSize minimumSizeHint() const override { return QSize(80, QLabel::minimumSizeHint().height()); }

private:
    void elide() { setText(fontMetrics().elidedText(m_full, Qt::ElideMiddle, std::max(40, width()))); }
    QString m_full;
};

} // namespace

SourceTab::SourceTab(AppContext& context, QWidget* parent)
    : EntityTab(context, parent)
    , m_stack(new QStackedWidget(this))
    , m_placeholder(new Placeholder(this))
    , m_fileIcon(new QLabel(this))
    , m_path(new PathLabel(this))
    , m_location(new PathLabel(this))
    , m_open(new QPushButton(Icons::get(QStringLiteral("square-pen")), tr("Open in editor"), this))
    , m_copy(new QPushButton(Icons::get(QStringLiteral("copy")), tr("Copy path"), this))
    , m_notice(new NoticeBar(this))
    , m_splitter(new QSplitter(Qt::Horizontal, this))
    , m_code(new CodeView(this))
    , m_problemsTitle(new QLabel(this))
    , m_problems(new QListWidget(this))
    , m_noProblems(new QLabel(this))
{
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(m_stack);
    m_stack->addWidget(m_placeholder);

    auto* content = new QWidget(this);
    auto* layout = new QVBoxLayout(content);
    layout->setContentsMargins(16, 12, 16, 12);
    layout->setSpacing(8);

    auto* bar = new QHBoxLayout;
    bar->setSpacing(8);
    m_fileIcon->setFixedSize(18, 18);
    bar->addWidget(m_fileIcon);
    auto* texts = new QVBoxLayout;
    texts->setSpacing(0);
    QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    m_path->setFont(mono);
    m_path->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_path->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    texts->addWidget(m_path);
    m_location->setProperty("muted", true);
    texts->addWidget(m_location);
    bar->addLayout(texts, 1);
    m_open->setToolTip(tr("Open the file in the application your system uses for it"));
    m_copy->setToolTip(tr("Copy the file's path to the clipboard"));
    bar->addWidget(m_open);
    bar->addWidget(m_copy);
    layout->addLayout(bar);
    layout->addWidget(m_notice);

    auto* codeFrame = new QFrame(m_splitter);
    codeFrame->setFrameShape(QFrame::StyledPanel);
    auto* codeLayout = new QVBoxLayout(codeFrame);
    codeLayout->setContentsMargins(1, 1, 1, 1);
    codeLayout->addWidget(m_code);

    auto* side = new QWidget(m_splitter);
    auto* sideLayout = new QVBoxLayout(side);
    sideLayout->setContentsMargins(8, 0, 0, 0);
    sideLayout->setSpacing(6);
    QFont titleFont = m_problemsTitle->font();
    titleFont.setWeight(QFont::DemiBold);
    m_problemsTitle->setFont(titleFont);
    sideLayout->addWidget(m_problemsTitle);
    m_problems->setItemDelegate(new ProblemDelegate(m_problems));
    m_problems->setResizeMode(QListView::Adjust);
    m_problems->setUniformItemSizes(false);
    m_problems->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_problems->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_problems->setFrameShape(QFrame::StyledPanel);
    sideLayout->addWidget(m_problems, 1);
    m_noProblems->setWordWrap(true);
    m_noProblems->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_noProblems->setProperty("muted", true);
    sideLayout->addWidget(m_noProblems, 1);

    m_splitter->addWidget(codeFrame);
    m_splitter->addWidget(side);
    m_splitter->setStretchFactor(0, 1);
    m_splitter->setStretchFactor(1, 0);
    m_splitter->setSizes({860, 340});
    m_splitter->setChildrenCollapsible(false);
    layout->addWidget(m_splitter, 1);
    m_stack->addWidget(content);

    connect(m_open, &QPushButton::clicked, this, [this] {
        if (m_file.hasFile())
            QDesktopServices::openUrl(QUrl::fromLocalFile(m_file.path));
    });
    connect(m_copy, &QPushButton::clicked, this, [this] {
        const QString text = m_file.hasFile() ? m_file.path : m_file.display;
        if (!text.isEmpty())
            QGuiApplication::clipboard()->setText(text);
    });
    auto jump = [this](QListWidgetItem* item) {
        if (item && item->data(LineRole).toInt() > 0)
            m_code->goToLine(item->data(LineRole).toInt());
    };
    connect(m_problems, &QListWidget::itemClicked, this, jump);
    connect(m_problems, &QListWidget::itemActivated, this, jump);
    connect(m_problems, &QListWidget::currentItemChanged, this, [jump](QListWidgetItem* current) { jump(current); });
    updateColors();
}

SourceTab::~SourceTab() { ++m_generation; }

void SourceTab::setEntity(const Catalog::CatalogPtr& catalog, int entity)
{
    if (!catalog || entity < 0 || entity >= catalog->size()) {
        ++m_generation;
        m_loading = false;
        m_catalog = catalog;
        m_entity = -1;
        m_entityKey.clear();
        m_placeholder->set(QStringLiteral("file-code"), tr("No entity selected"));
        m_stack->setCurrentWidget(m_placeholder);
        return;
    }
    const bool sameEntity = catalog->entity(entity).key == m_entityKey;
    if (!sameEntity)
        m_pendingLine = 0;
    else if (m_pendingLine == 0 && !m_loading && m_code->lineCount() > 1)
        m_pendingLine = -m_code->firstVisibleLine(); // keep the reader's place across a refresh
    m_catalog = catalog;
    m_entity = entity;
    m_entityKey = catalog->entity(entity).key;
    const int generation = ++m_generation;
    m_loading = true;
    if (!sameEntity) {
        m_placeholder->set(QStringLiteral("file-code"), tr("Reading the file…"));
        m_stack->setCurrentWidget(m_placeholder);
    }

    QList<Sources::CatalogSourceSpec> sources;
    if (context().catalog)
        sources = context().catalog->workspace().sources();
    const QString cacheDir = m_gitCacheDir.isEmpty() ? Sources::defaultGitCacheDir() : m_gitCacheDir;
    delete m_watcher;
    m_watcher = new QFutureWatcher<Loaded>(this);
    connect(m_watcher, &QFutureWatcher<Loaded>::finished, this, [this, generation, watcher = m_watcher] {
        if (generation != m_generation)
            return;
        m_loading = false;
        showLoaded(watcher->result());
    });
    m_watcher->setFuture(QtConcurrent::run(workers(), [catalog, entity, sources, cacheDir]() {
        Loaded loaded;
        const Entity& e = catalog->entity(entity);
        loaded.file = locateEntityFile(*catalog, entity, sources, cacheDir);
        if (loaded.file.hasFile()) {
            loaded.text = readTextFile(loaded.file.path, loaded.file.root);
            if (loaded.text.ok())
                loaded.documentEnd = documentEndLine(loaded.text.bytes, std::max(1, e.location.line));
        }
        if (!loaded.file.hasFile() || !loaded.text.ok())
            loaded.documentYaml = entityDocumentYaml(e);
        for (int i : diagnosticsOfFile(*catalog, e.location.file))
            loaded.diagnostics << catalog->diagnostics()[i];
        return loaded;
    }));
}

void SourceTab::setArgument(const QString& argument)
{
    bool ok = false;
    const int line = argument.trimmed().toInt(&ok);
    if (!ok || line <= 0)
        return;
    m_pendingLine = line;
    if (!m_loading && m_entity >= 0)
        applyArgument();
}

void SourceTab::showLoaded(const Loaded& loaded)
{
    m_file = loaded.file;
    m_diagnostics = loaded.diagnostics;
    const Entity& entity = m_catalog->entity(m_entity);
    m_stack->setCurrentIndex(1);

    const bool showingFile = loaded.file.hasFile() && loaded.text.ok();
    static_cast<PathLabel*>(m_path)->setPath(loaded.file.hasFile() ? loaded.file.path : loaded.file.display);
    QString where;
    if (!entity.location.source.isEmpty())
        where = tr("Source %1").arg(entity.location.source);
    if (loaded.file.hasFile() && loaded.file.display != loaded.file.path)
        where += (where.isEmpty() ? QString() : QStringLiteral(" · ")) + loaded.file.display;
    if (showingFile && entity.location.line > 0)
        where += (where.isEmpty() ? QString() : QStringLiteral(" · "))
            + tr("document %1, lines %2–%3").arg(entity.location.document + 1).arg(entity.location.line).arg(loaded.documentEnd);
    static_cast<PathLabel*>(m_location)->setPath(where);
    m_location->setVisible(!where.isEmpty());
    m_open->setVisible(loaded.file.hasFile());
    m_copy->setVisible(!loaded.file.display.isEmpty() || loaded.file.hasFile());
    m_open->setEnabled(showingFile);

    if (showingFile) {
        if (loaded.text.truncated)
            m_notice->showNotice(NoticeBar::Kind::Warning,
                                 tr("Only the first %1 MB of this %2 MB file are shown")
                                     .arg(loaded.text.bytes.size() / (1024 * 1024))
                                     .arg(double(loaded.text.size) / (1024 * 1024), 0, 'f', 1),
                                 tr("Open it in an editor to see all of it."));
        else
            m_notice->hide();
        m_code->setCode(QString::fromUtf8(loaded.text.bytes), CodeLanguage::Yaml);
        m_code->setFocusRange(entity.location.line, loaded.documentEnd);
    } else {
        if (loaded.file.remote)
            m_notice->showNotice(NoticeBar::Kind::Info, tr("This entity was read from a Backstage backend"),
                                 tr("It has no file on this machine; its document is shown as YAML."));
        else if (loaded.file.hasFile())
            m_notice->showNotice(NoticeBar::Kind::Error, loaded.text.error,
                                 tr("The entity's document as the catalog last read it is shown instead."));
        else
            m_notice->showNotice(NoticeBar::Kind::Warning, loaded.file.problem,
                                 tr("The entity's document as the catalog read it is shown as YAML."));
        m_code->setCode(QString::fromUtf8(loaded.documentYaml), CodeLanguage::Yaml);
    }
    m_fileIcon->setPixmap(Icons::get(showingFile ? QStringLiteral("file-code") : QStringLiteral("server"))
                              .pixmap(QSize(18, 18), devicePixelRatioF()));

    // Problems: markers on their lines (in the file only) and the list beside.
    QList<CodeMarker> markers;
    m_problems->clear();
    int errors = 0, warnings = 0;
    for (const Diagnostic& d : std::as_const(m_diagnostics)) {
        if (d.isError())
            ++errors;
        else
            ++warnings;
        if (showingFile && d.line > 0)
            markers << CodeMarker {d.line, d.isError(), d.message};
        auto* item = new QListWidgetItem(m_problems);
        item->setData(LineRole, showingFile ? d.line : 0);
        item->setData(ErrorRole, d.isError());
        item->setData(MessageRole, d.message.isEmpty() ? d.message : d.message.at(0).toUpper() + d.message.mid(1));
        item->setData(HintRole, d.hint);
        QStringList meta;
        meta << (d.line > 0 ? tr("Line %1").arg(d.line) : tr("Whole file"));
        if (!d.field.isEmpty())
            meta << d.field;
        if (!d.entity.isEmpty() && d.entity != entity.key)
            meta << d.entity;
        if (!d.code.isEmpty())
            meta << d.code;
        item->setData(MetaRole, meta.join(QStringLiteral(" · ")));
        item->setText(d.message);
        item->setToolTip(d.backstage.isEmpty() ? d.toText() : d.toText() + QStringLiteral("\n\nBackstage: ") + d.backstage);
    }
    m_code->setMarkers(markers);
    if (errors + warnings == 0)
        m_problemsTitle->setText(tr("Problems"));
    else if (warnings == 0)
        m_problemsTitle->setText(tr("Problems · %n error(s)", nullptr, errors));
    else if (errors == 0)
        m_problemsTitle->setText(tr("Problems · %n warning(s)", nullptr, warnings));
    else
        m_problemsTitle->setText(tr("Problems · %1, %2")
                                     .arg(tr("%n error(s)", nullptr, errors), tr("%n warning(s)", nullptr, warnings)));
    m_problems->setVisible(errors + warnings > 0);
    m_noProblems->setVisible(errors + warnings == 0);
    m_noProblems->setText(showingFile ? tr("No problems in this file.") : tr("No problems."));

    if (m_pendingLine == 0 && showingFile && entity.location.line > 1) {
        // Show the entity's document near the top, without marking a line.
        m_code->scrollToLine(entity.location.line);
    }
    applyArgument();
    updateColors();
    Q_EMIT sourceShown();
}

void SourceTab::applyArgument()
{
    if (m_pendingLine > 0) {
        m_code->goToLine(m_pendingLine);
        for (int i = 0; i < m_problems->count(); ++i) {
            if (m_problems->item(i)->data(LineRole).toInt() == m_pendingLine) {
                const QSignalBlocker block(m_problems);
                m_problems->setCurrentRow(i);
                break;
            }
        }
    } else if (m_pendingLine < 0) {
        // Restore the first visible line after a refresh.
        m_code->scrollToLine(-m_pendingLine, 0);
    }
    m_pendingLine = 0;
}

void SourceTab::updateColors()
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

void SourceTab::changeEvent(QEvent* event)
{
    EntityTab::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        updateColors();
}

} // namespace Flightdeck::Views
