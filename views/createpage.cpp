// SPDX-License-Identifier: Apache-2.0
#include "createpage.h"
#include "create/runview.h"

#include "appcontext.h"
#include "create/fieldeditors.h"
#include "create/templatewizard.h"
#include "icons.h"
#include "navigation.h"
#include "refs.h"

#include "catalog/catalogservice.h"

#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QEvent>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMetaMethod>
#include <QScrollBar>
#include <QSet>
#include <QShortcut>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>

namespace Flightdeck::Views {

using Create::TemplateCard;

namespace {

QString bundledPath(const QString& name)
{
    return QStringLiteral(":/templates/") + name + QStringLiteral("/template.yaml");
}

QList<TemplateCard> readBundled()
{
    QList<TemplateCard> out;
    const QStringList names
        = QDir(QStringLiteral(":/templates")).entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    for (const QString& name : names) {
        const Scaffolder::TemplateLoad load = Scaffolder::loadTemplateFile(bundledPath(name));
        if (load.value.name.isEmpty())
            continue;
        TemplateCard c;
        c.key = name;
        c.name = load.value.name;
        c.title = load.value.title;
        c.description = load.value.description;
        c.tags = load.value.tags;
        c.owner = load.value.owner;
        c.type = load.value.type;
        c.origin = QObject::tr("Bundled");
        c.bundled = true;
        c.file = bundledPath(name);
        out << c;
    }
    return out;
}

QPalette mutedPalette(const QWidget* w)
{
    QPalette p = w->palette();
    p.setColor(QPalette::WindowText, Create::mutedColor(w));
    return p;
}

} // namespace

CreatePage::CreatePage(AppContext& context, QWidget* parent)
    : Page(context, parent)
    , m_catalog(Catalog::Catalog::empty())
{
    setObjectName(QStringLiteral("CreatePage"));
    qRegisterMetaType<Flightdeck::Scaffolder::Template>();
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_stack = new QStackedWidget(this);
    layout->addWidget(m_stack);

    // The cards.
    auto* gallery = new QWidget(m_stack);
    auto* g = new QVBoxLayout(gallery);
    g->setContentsMargins(12, 12, 12, 6);
    g->setSpacing(8);
    auto* top = new QHBoxLayout;
    top->setSpacing(8);
    m_search = new QLineEdit(gallery);
    m_search->setObjectName(QStringLiteral("CreateSearch"));
    m_search->setPlaceholderText(tr("Search templates by name, description, tag, owner or type…"));
    m_search->setClearButtonEnabled(true);
    m_search->addAction(Icons::get(QStringLiteral("search")), QLineEdit::LeadingPosition);
    m_search->setAccessibleName(tr("Search templates"));
    m_search->setMinimumHeight(30);
    top->addWidget(m_search, 1);
    m_tag = new QComboBox(gallery);
    m_tag->setObjectName(QStringLiteral("CreateTagFilter"));
    m_tag->setAccessibleName(tr("Tag"));
    m_tag->setMinimumWidth(150);
    m_tag->setMinimumHeight(30);
    top->addWidget(m_tag);
    m_owner = new QComboBox(gallery);
    m_owner->setObjectName(QStringLiteral("CreateOwnerFilter"));
    m_owner->setAccessibleName(tr("Owner"));
    m_owner->setMinimumWidth(190);
    m_owner->setMinimumHeight(30);
    top->addWidget(m_owner);
    g->addLayout(top);
    m_summary = new QLabel(gallery);
    m_summary->setObjectName(QStringLiteral("CreateSummary"));
    g->addWidget(m_summary);
    m_notice = new QLabel(gallery);
    m_notice->setObjectName(QStringLiteral("CreateNotice"));
    m_notice->setWordWrap(true);
    m_notice->hide();
    g->addWidget(m_notice);

    m_model = new Create::TemplateCardModel(this);
    m_filter = new Create::TemplateFilterModel(this);
    m_filter->setSourceModel(m_model);
    m_filter->sort(0);
    m_delegate = new Create::TemplateCardDelegate(this);
    m_view = new QListView(gallery);
    m_view->setObjectName(QStringLiteral("TemplateCards"));
    m_view->setAccessibleName(tr("Templates"));
    m_view->setModel(m_filter);
    m_view->setItemDelegate(m_delegate);
    m_view->setViewMode(QListView::IconMode);
    m_view->setFlow(QListView::LeftToRight);
    m_view->setWrapping(true);
    m_view->setResizeMode(QListView::Adjust);
    m_view->setMovement(QListView::Static);
    m_view->setUniformItemSizes(true);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setFrameShape(QFrame::NoFrame);
    m_view->setMouseTracking(true);
    m_view->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_view->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_view->verticalScrollBar()->setSingleStep(24);
    // The cards sit on the window colour, like the rest of the page.
    QPalette viewPalette = m_view->palette();
    viewPalette.setColor(QPalette::Base, viewPalette.color(QPalette::Window));
    m_view->setPalette(viewPalette);
    m_view->viewport()->installEventFilter(this);
    g->addWidget(m_view, 1);
    m_stack->addWidget(gallery);

    // The wizard.
    auto* wizardPage = new QWidget(m_stack);
    auto* w = new QVBoxLayout(wizardPage);
    w->setContentsMargins(12, 10, 12, 10);
    w->setSpacing(6);
    auto* head = new QHBoxLayout;
    head->setSpacing(10);
    auto* all = new QToolButton(wizardPage);
    all->setObjectName(QStringLiteral("AllTemplates"));
    all->setText(tr("All templates"));
    all->setIcon(Icons::get(QStringLiteral("arrow-left")));
    all->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    all->setAutoRaise(true);
    head->addWidget(all);
    m_wizardTitle = new QLabel(wizardPage);
    m_wizardTitle->setObjectName(QStringLiteral("CreateTemplateTitle"));
    QFont big = m_wizardTitle->font();
    big.setPointSizeF(big.pointSizeF() * 1.5);
    big.setWeight(QFont::DemiBold);
    m_wizardTitle->setFont(big);
    head->addWidget(m_wizardTitle, 1);
    w->addLayout(head);
    m_wizardDescription = new QLabel(wizardPage);
    m_wizardDescription->setWordWrap(true);
    m_wizardDescription->setPalette(mutedPalette(this));
    m_wizardDescription->setContentsMargins(4, 0, 0, 0);
    w->addWidget(m_wizardDescription);
    m_wizardNotice = new QLabel(wizardPage);
    m_wizardNotice->setObjectName(QStringLiteral("CreateWizardNotice"));
    m_wizardNotice->setWordWrap(true);
    m_wizardNotice->hide();
    w->addWidget(m_wizardNotice);
    auto* line = new QFrame(wizardPage);
    line->setFrameShape(QFrame::HLine);
    line->setFrameShadow(QFrame::Sunken);
    w->addWidget(line);
    w->addSpacing(6);
    m_wizard = new Create::TemplateWizard(wizardPage);
    w->addWidget(m_wizard, 1);
    m_stack->addWidget(wizardPage);

    connect(m_search, &QLineEdit::textChanged, this, &CreatePage::applyFilter);
    connect(m_tag, &QComboBox::currentIndexChanged, this, &CreatePage::applyFilter);
    connect(m_owner, &QComboBox::currentIndexChanged, this, &CreatePage::applyFilter);
    connect(m_view, &QListView::clicked, this, &CreatePage::openIndex);
    connect(m_view, &QListView::activated, this, &CreatePage::openIndex);
    auto* toCards = new QShortcut(QKeySequence(Qt::Key_Down), m_search, nullptr, nullptr, Qt::WidgetShortcut);
    connect(toCards, &QShortcut::activated, this, [this] {
        m_view->setFocus();
        if (m_filter->rowCount() > 0)
            m_view->setCurrentIndex(m_filter->index(0, 0));
    });
    connect(m_search, &QLineEdit::returnPressed, this, [this] {
        if (m_filter->rowCount() == 1)
            openIndex(m_filter->index(0, 0));
    });
    auto backToCards = [this] { this->context().navigator->goTo(QStringLiteral("create")); };
    connect(all, &QToolButton::clicked, this, backToCards);
    connect(m_wizard, &Create::TemplateWizard::cancelled, this, backToCards);
    connect(m_wizard, &Create::TemplateWizard::submitted, this,
        [this](const Scaffolder::Template& t, const QJsonObject& values, bool dryRun) {
            Q_EMIT runRequested(t, values, dryRun);
            startRun(t, values, dryRun);
        });

    // A run: its steps, log, files and links; back to the wizard keeps the values.
    m_runPage = new QWidget(m_stack);
    auto* r = new QVBoxLayout(m_runPage);
    r->setContentsMargins(12, 10, 12, 10);
    auto* runHead = new QHBoxLayout;
    auto* backToWizard = new QToolButton(m_runPage);
    backToWizard->setObjectName(QStringLiteral("BackToWizard"));
    backToWizard->setText(tr("Back to the form"));
    backToWizard->setIcon(Icons::get(QStringLiteral("arrow-left")));
    backToWizard->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    backToWizard->setAutoRaise(true);
    runHead->addWidget(backToWizard);
    runHead->addStretch(1);
    r->addLayout(runHead);
    m_run = new RunView(context, m_runPage);
    r->addWidget(m_run, 1);
    m_stack->addWidget(m_runPage);
    connect(backToWizard, &QToolButton::clicked, this, [this] { m_stack->setCurrentWidget(m_wizard->parentWidget()); });
    // The very template the dry run used, not whatever the key names by now.
    connect(m_run, &RunView::runForRealRequested, this,
            [this](const Scaffolder::Template& t, const QJsonObject& values) { startRun(t, values, false); });
    connect(m_wizard, &Create::TemplateWizard::stepChanged, m_wizardNotice, &QLabel::hide);

    m_bundled = readBundled();
    Catalog::CatalogService* service = context.catalog;
    if (service) {
        connect(service, &Catalog::CatalogService::catalogChanged, this, &CreatePage::setCatalog);
        m_catalog = service->catalog();
    }
    rebuildCards();
}

QIcon CreatePage::icon() const
{
    return Icons::get(QStringLiteral("square-plus"));
}

QString CreatePage::windowTitle() const
{
    return isWizardShown() && !m_openTitle.isEmpty() ? tr("Create · %1").arg(m_openTitle) : QString();
}

QWidget* CreatePage::initialFocus()
{
    return isWizardShown() ? nullptr : m_search;
}

bool CreatePage::isWizardShown() const
{
    return m_stack->currentWidget() == m_wizard->parentWidget();
}

void CreatePage::setCatalog(const Catalog::CatalogPtr& catalog)
{
    Catalog::retire(std::exchange(m_catalog, catalog));
    rebuildCards();
    if (!m_pendingKey.isEmpty() && m_model->card(m_pendingKey)) {
        const QString key = std::exchange(m_pendingKey, QString());
        showWizard(key);
    }
}

void CreatePage::rebuildCards()
{
    QList<TemplateCard> cards = m_bundled;
    for (const Catalog::Entity& e : m_catalog->entities()) {
        if (e.ref.kind.compare(QLatin1String("Template"), Qt::CaseInsensitive) != 0)
            continue;
        TemplateCard c;
        c.key = e.key;
        c.name = e.ref.name;
        c.title = e.title;
        c.description = e.description;
        c.tags = e.tags;
        c.owner = e.owner;
        c.type = e.type;
        c.origin = e.location.source;
        cards << c;
    }
    m_model->setCards(cards);
    rebuildFilters();
    applyFilter();
}

void CreatePage::rebuildFilters()
{
    const QString tag = m_tag->currentData().toString(), owner = m_owner->currentData().toString();
    QSet<QString> tags, owners;
    for (const TemplateCard& c : m_model->cards()) {
        for (const QString& t : c.tags)
            tags.insert(t);
        if (!c.owner.isEmpty())
            owners.insert(c.owner);
    }
    QStringList tagList(tags.begin(), tags.end()), ownerList(owners.begin(), owners.end());
    tagList.sort();
    ownerList.sort();
    const QSignalBlocker b1(m_tag), b2(m_owner);
    m_tag->clear();
    m_tag->addItem(Icons::get(QStringLiteral("tag")), tr("All tags"), QString());
    for (const QString& t : std::as_const(tagList))
        m_tag->addItem(t, t);
    m_owner->clear();
    m_owner->addItem(Icons::get(QStringLiteral("users")), tr("All owners"), QString());
    for (const QString& o : std::as_const(ownerList))
        m_owner->addItem(Models::nameOfRef(o), o);
    m_tag->setCurrentIndex(qMax(0, m_tag->findData(tag)));
    m_owner->setCurrentIndex(qMax(0, m_owner->findData(owner)));
}

void CreatePage::applyFilter()
{
    m_filter->setFilter(m_search->text(), m_tag->currentData().toString(), m_owner->currentData().toString());
    const int shown = m_filter->rowCount(), total = m_model->rowCount();
    const QString templates = total == 1 ? tr("1 template") : tr("%1 templates").arg(total);
    m_summary->setText(shown == total ? templates : tr("%1 of %2").arg(shown).arg(templates));
    m_summary->setPalette(mutedPalette(this));
    updateGrid();
}

void CreatePage::openIndex(const QModelIndex& index)
{
    if (!index.isValid())
        return;
    const QString location = QStringLiteral("create:") + index.data(Create::TemplateCardModel::KeyRole).toString();
    if (context().navigator->current().toString() != location)
        context().navigator->goTo(location);
}

void CreatePage::open(const QString& argument)
{
    if (argument.isEmpty()) {
        showGallery();
        return;
    }
    if (isWizardShown() && argument.compare(m_openKey, Qt::CaseInsensitive) == 0)
        return; // back to the wizard in progress
    if (!showWizard(argument)) {
        const bool loading = context().catalog && (context().catalog->isLoading() || context().catalog->isRefreshing());
        if (loading && !m_model->card(argument)) {
            m_pendingKey = argument;
            showGallery(tr("Waiting for the catalog to open %1…").arg(argument));
        }
    }
}

std::optional<Scaffolder::Template> CreatePage::loadTemplate(const QString& key, QString* error) const
{
    const TemplateCard* card = m_model->card(key);
    if (!card) {
        // A ref the person typed ("template:cpp-service", "cpp-service") may still name a catalog entity.
        for (int i : m_catalog->resolve(key))
            if (m_catalog->entity(i).ref.kind.compare(QLatin1String("Template"), Qt::CaseInsensitive) == 0)
                card = m_model->card(m_catalog->entity(i).key);
    }
    if (!card) {
        if (error)
            *error = tr("There is no template %1.").arg(key);
        return std::nullopt;
    }
    Scaffolder::TemplateLoad load;
    if (card->bundled) {
        load = Scaffolder::loadTemplateFile(card->file);
    } else {
        const int i = m_catalog->indexOf(card->key);
        if (i < 0) {
            if (error)
                *error = tr("%1 is no longer in the catalog.").arg(card->key);
            return std::nullopt;
        }
        load = Scaffolder::loadTemplate(m_catalog->entity(i));
    }
    if (load.value.pages.isEmpty() && !load.ok) {
        if (error)
            *error = load.diagnostics.isEmpty() ? tr("%1 cannot be read.").arg(key) : load.diagnostics.first().toText();
        return std::nullopt;
    }
    return load.value;
}

bool CreatePage::showWizard(const QString& key)
{
    QString error;
    const std::optional<Scaffolder::Template> t = loadTemplate(key, &error);
    if (!t) {
        showGallery(error);
        return false;
    }
    m_openKey = key;
    m_openTitle = t->displayTitle();
    m_wizardTitle->setText(m_openTitle);
    m_wizardDescription->setText(t->description);
    m_wizardDescription->setVisible(!t->description.isEmpty());
    m_wizardNotice->hide();
    m_stack->setCurrentWidget(m_wizard->parentWidget());
    m_wizard->setTemplate(*t, m_catalog);
    Q_EMIT windowTitleChanged();
    return true;
}

void CreatePage::showGallery(const QString& notice)
{
    m_notice->setText(notice);
    m_notice->setVisible(!notice.isEmpty());
    const bool was = isWizardShown();
    m_stack->setCurrentIndex(0);
    m_openKey.clear();
    if (was)
        Q_EMIT windowTitleChanged();
    updateGrid();
}

void CreatePage::updateGrid()
{
    // As many cards per row as fit at 320 px or more, sharing the width.
    // A little slack: the icon-mode layout wraps a row that fills the viewport to the last pixel.
    const int width
        = m_view->viewport()->width() - m_view->style()->pixelMetric(QStyle::PM_ScrollBarExtent, nullptr, m_view) - 6;
    const int columns = qMax(1, width / 330);
    const int cardWidth = qMax(260, width / columns);
    if (m_view->gridSize().width() == cardWidth)
        return;
    m_delegate->setCardWidth(cardWidth);
    m_view->setGridSize(QSize(cardWidth, Create::TemplateCardDelegate::CardHeight));
}

bool CreatePage::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_view->viewport() && event->type() == QEvent::Resize)
        updateGrid();
    return Page::eventFilter(watched, event);
}

bool CreatePage::isRunShown() const
{
    return m_stack->currentWidget() == m_runPage;
}

QString CreatePage::newTaskWorkspace(const Scaffolder::Template& templ, bool dryRun)
{
    const QString base = QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) + QStringLiteral("/tasks/");
    const QString stem = QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss-")) + templ.name
        + (dryRun ? QStringLiteral("-dry-run") : QString());
    QString path = base + stem;
    for (int n = 2; QFileInfo::exists(path); ++n)
        path = base + stem + QLatin1Char('-') + QString::number(n);
    return path;
}

void CreatePage::startRun(const Scaffolder::Template& templ, const QJsonObject& values, bool dryRun)
{
    if (m_run->isRunning()) { // one run at a time: show the one under way
        m_stack->setCurrentWidget(m_runPage);
        return;
    }
    m_run->start(templ, values, dryRun, newTaskWorkspace(templ, dryRun));
    m_stack->setCurrentWidget(m_runPage);
}

} // namespace Flightdeck::Views
