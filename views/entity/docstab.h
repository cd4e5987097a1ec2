// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "catalog/entitydocs.h"
#include "catalog/entitysource.h"
#include "entitytab.h"

#include <QFutureWatcher>
#include <QHash>
#include <QImage>
#include <QTextBrowser>

class QLabel;
class QSplitter;
class QStackedWidget;
class QToolButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace Flightdeck::Views {

class NoticeBar;
class Placeholder;

// Renders one Markdown page: a centred text column of readable width, images from memory only
// (read beforehand on a worker), and typography for headings, code, tables and quotes.
class DocsBrowser : public QTextBrowser
{
    Q_OBJECT
public:
    explicit DocsBrowser(QWidget* parent = nullptr);

    // Shows Markdown; images are looked up by the reference the page writes.
    void showMarkdown(const QString& markdown, const QHash<QString, QImage>& images);
    // Scrolls to the heading with this MkDocs anchor; false when there is none.
    bool scrollToHeading(const QString& anchor);
    QStringList headingAnchors() const { return m_anchors.keys(); }
    static constexpr int kColumnWidth = 860;

protected:
    QVariant loadResource(int type, const QUrl& name) override;
    void resizeEvent(QResizeEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void style();
    void updateColumn();

    QString m_markdown;
    QHash<QString, QImage> m_images;
    QHash<QString, int> m_anchors; // anchor -> block number
    bool m_styling = false;
};

// The Docs tab: an entity's TechDocs (mkdocs nav, docs/ or README), rendered from local files,
// with the nav beside it; links between pages stay in the tab, external ones open in the browser.
class DocsTab : public EntityTab
{
    Q_OBJECT
public:
    explicit DocsTab(AppContext& context, QWidget* parent = nullptr);
    ~DocsTab() override;

    QString title() const override { return tr("Docs"); }
    QString iconName() const override { return QStringLiteral("book-open"); }
    bool appliesTo(const Catalog::Catalog& catalog, int entity) const override;
    void setEntity(const Catalog::CatalogPtr& catalog, int entity) override;
    // A page relative to the docs folder, with an optional anchor: "runbooks/deploy.md#rolling-out".
    void setArgument(const QString& argument) override;

    // Opens a page of the current site (absolute path; a folder or extension-less path finds its page).
    void openPage(const QString& path, const QString& fragment = {});
    // Follows a link as if it was clicked in the current page.
    void followLink(const QUrl& url);
    void back();
    void forward();

    bool isLoading() const { return m_loading; }
    const Catalog::DocsSite& site() const { return m_site; }
    QString currentPage() const { return m_page.path; }
    QString currentTitle() const { return m_page.title; }
    DocsBrowser* browser() const { return m_browser; }
    QTreeWidget* navigation() const { return m_nav; }
    NoticeBar* notice() const { return m_notice; }
    Placeholder* placeholder() const { return m_placeholder; }
    void setGitCacheDir(const QString& dir) { m_gitCacheDir = dir; }

Q_SIGNALS:
    // A page is shown (after its file was read on a worker), or the tab says why there are none.
    void pageShown(const QString& path);
    void noDocs();

protected:
    void changeEvent(QEvent* event) override;

private:
    struct PageLoad
    {
        Catalog::DocsPage page;
        QHash<QString, QImage> images;
    };
    struct SiteLoad
    {
        Catalog::EntityFile file;
        Catalog::DocsSite site;
        PageLoad home;
    };
    struct HistoryEntry
    {
        QString path;
        QString fragment;
    };
    void showSite(const SiteLoad& load);
    void showPage(const PageLoad& load, const QString& fragment, bool record);
    void loadPage(const QString& path, const QString& fragment, bool record);
    void buildNavigation();
    void selectInNavigation(const QString& path);
    void updateHeader();
    void updateColors();
    static PageLoad readPage(const Catalog::DocsSite& site, const QString& path);

    Catalog::CatalogPtr m_catalog;
    int m_entity = -1;
    QString m_entityKey;
    QString m_docsOwner; // the entity whose docs are shown (techdocs-entity may name another)
    QString m_gitCacheDir;
    int m_generation = 0;
    bool m_loading = false;
    QString m_pendingArgument;
    Catalog::DocsSite m_site;
    Catalog::DocsPage m_page;
    QList<HistoryEntry> m_history;
    qsizetype m_historyIndex = -1;
    QFutureWatcher<SiteLoad>* m_siteWatcher = nullptr;
    QFutureWatcher<PageLoad>* m_pageWatcher = nullptr;
    QString m_notePrefix;

    QStackedWidget* m_stack;
    Placeholder* m_placeholder;
    QSplitter* m_splitter;
    QWidget* m_navPanel;
    QLabel* m_siteName;
    QTreeWidget* m_nav;
    QLabel* m_crumbs;
    QToolButton* m_back;
    QToolButton* m_forward;
    QToolButton* m_edit;
    NoticeBar* m_notice;
    DocsBrowser* m_browser;
};

} // namespace Flightdeck::Views
