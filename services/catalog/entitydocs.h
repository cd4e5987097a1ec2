// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace Flightdeck::Catalog {

struct Entity;

// What an entity's annotations say about its documentation.
struct DocsReference
{
    enum class Type {
        None,   // no TechDocs annotation
        Dir,    // backstage.io/techdocs-ref: dir:<path>, relative to the catalog file
        Url,    // backstage.io/techdocs-ref: url:<location> (published elsewhere; not read)
        Entity, // backstage.io/techdocs-entity: <ref>: show that entity's docs
        Invalid,
    };
    Type type = Type::None;
    QString value;   // the path, URL or entity reference
    QString problem; // Invalid: what is wrong
};
DocsReference docsReferenceOf(const Entity& entity);
bool hasDocsAnnotation(const Entity& entity);

// One entry of the navigation: a page, a section heading (no page), or an external link.
struct DocsNavItem
{
    QString title;
    QString page;    // absolute path of the Markdown file; empty for a section or a link
    QString url;     // external link (http…) from the nav
    int level = 0;   // nesting depth, from 0
    bool missing = false; // the nav names a page that does not exist
    friend bool operator==(const DocsNavItem&, const DocsNavItem&) = default;
};

// The documentation found for an entity, found the way TechDocs finds it.
struct DocsSite
{
    enum class Kind { None, MkDocs, DocsFolder, Readme };
    Kind kind = Kind::None;
    QString root;       // nothing is read outside this folder (the source's root)
    QString baseDir;    // the folder techdocs-ref names
    QString docsDir;    // the folder the pages live in
    QString configFile; // mkdocs.yml, when there is one
    QString siteName;
    QList<DocsNavItem> nav;
    QString homePage;   // absolute path of the first page
    QString message;    // Kind None: why no docs were found; otherwise empty
    QString hint;       // Kind None: how to add docs
    QStringList warnings; // problems that do not stop the docs from showing (bad nav entries, unreadable mkdocs.yml)

    bool found() const { return kind != Kind::None && !homePage.isEmpty(); }
};

struct DocsOptions
{
    int maxPages = 500;                      // pages listed when there is no nav
    qint64 maxPageBytes = 2 * 1024 * 1024;   // larger pages are cut, with a message
    qint64 maxImageBytes = 10 * 1024 * 1024; // per image
    qint64 maxImagesBytes = 48 * 1024 * 1024; // per page
};

// Finds an entity's docs: techdocs-ref dir:<path> relative to the catalog file's folder; there an
// mkdocs.yml (docs_dir, default "docs"; nav for order and titles), else docs/index.md, else a
// README.md there or next to the catalog file. Nothing outside root is read (".." and symbolic links
// out are refused). BLOCKS: reads the disk; call on a worker.
DocsSite discoverDocs(const QString& catalogFile, const QString& root, const DocsReference& reference,
                      const DocsOptions& options = {});

struct DocsImage
{
    QString reference; // as the page writes it
    QString path;
    QByteArray bytes;
    QString error;
};

struct DocsPage
{
    QString path;       // absolute path of the Markdown file that was read
    QString relative;   // path relative to the docs folder, for display
    QString markdown;
    QString title;      // first heading, or the file name
    bool truncated = false;
    qint64 size = 0;
    QList<DocsImage> images; // local images the page shows, read (remote images are not fetched)
    QString error;

    bool ok() const { return error.isEmpty(); }
};

// Reads one page (a folder or an extension-less link finds index.md, README.md or <name>.md) and the
// local images it shows. BLOCKS: call on a worker.
DocsPage readDocsPage(const DocsSite& site, const QString& path, const DocsOptions& options = {});

// Where a link in a page leads.
struct DocsLink
{
    enum class Kind { Invalid, Anchor, External, Page, File, Refused };
    Kind kind = Kind::Invalid;
    QString path;      // Page, File: absolute path (a Page may be a folder or lack ".md"; readDocsPage resolves it)
    QString fragment;  // "#section" without '#'
    QString url;       // External
    QString problem;   // Refused, Invalid
};
// Resolves href, written in the page at fromPage. Lexical only (no disk access): readDocsPage
// checks symbolic links when it reads.
DocsLink resolveDocsLink(const DocsSite& site, const QString& fromPage, const QString& href);

// The anchor MkDocs gives a heading ("Set up: the CLI" -> "set-up-the-cli").
QString headingAnchor(const QString& heading);

// MkDocs Markdown made readable by a CommonMark renderer: admonitions ("!!! note \"Title\"" with an
// indented body, "???" collapsibles) become quotes with a bold title; "[TOC]" markers go.
QString prepareMarkdown(const QString& markdown);

// The local images a Markdown text shows: ![alt](src) and <img src="…">, remote ones left out.
QStringList imageReferences(const QString& markdown);

} // namespace Flightdeck::Catalog
