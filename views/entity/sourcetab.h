// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "catalog/entitysource.h"
#include "entitytab.h"

#include <QFutureWatcher>

class QLabel;
class QListWidget;
class QPushButton;
class QSplitter;
class QStackedWidget;

namespace Flightdeck::Views {

class CodeView;
class NoticeBar;
class Placeholder;

// The Source tab: the catalog file an entity came from, with line numbers and YAML highlighting,
// scrolled to the entity's document, its problems marked on their lines and listed beside it.
// Entities read from a Backstage backend have no file: their document is shown as YAML.
class SourceTab : public EntityTab
{
    Q_OBJECT
public:
    explicit SourceTab(AppContext& context, QWidget* parent = nullptr);
    ~SourceTab() override;

    QString title() const override { return tr("Source"); }
    QString iconName() const override { return QStringLiteral("file-code"); }
    void setEntity(const Catalog::CatalogPtr& catalog, int entity) override;
    // A line number: jumps there (once the file is shown).
    void setArgument(const QString& argument) override;

    bool isLoading() const { return m_loading; }
    // The local file shown; empty for entities without one.
    QString filePath() const { return m_file.path; }
    CodeView* codeView() const { return m_code; }
    QListWidget* problemList() const { return m_problems; }
    QPushButton* openButton() const { return m_open; }
    QPushButton* copyButton() const { return m_copy; }
    NoticeBar* notice() const { return m_notice; }

    // Where git sources are cloned; by default the XDG cache, as the catalog refresh uses.
    void setGitCacheDir(const QString& dir) { m_gitCacheDir = dir; }

Q_SIGNALS:
    void sourceShown();

protected:
    void changeEvent(QEvent* event) override;

private:
    struct Loaded
    {
        Catalog::EntityFile file;
        Catalog::TextFile text;
        QByteArray documentYaml; // when there is no file to show
        int documentEnd = 0;
        Catalog::Diagnostics diagnostics; // of the file, by line
    };
    void showLoaded(const Loaded& loaded);
    void applyArgument();
    void updateColors();

    Catalog::CatalogPtr m_catalog;
    int m_entity = -1;
    QString m_entityKey;
    int m_generation = 0;
    bool m_loading = false;
    int m_pendingLine = 0;
    Catalog::EntityFile m_file;
    Catalog::Diagnostics m_diagnostics;
    QString m_gitCacheDir;
    QFutureWatcher<Loaded>* m_watcher = nullptr;

    QStackedWidget* m_stack;
    Placeholder* m_placeholder;
    QLabel* m_fileIcon;
    QLabel* m_path;
    QLabel* m_location;
    QPushButton* m_open;
    QPushButton* m_copy;
    NoticeBar* m_notice;
    QSplitter* m_splitter;
    CodeView* m_code;
    QLabel* m_problemsTitle;
    QListWidget* m_problems;
    QLabel* m_noProblems;
};

} // namespace Flightdeck::Views
