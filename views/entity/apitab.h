// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "catalog/apidefinition.h"
#include "entitytab.h"

#include <QFutureWatcher>
#include <QSortFilterProxyModel>

class QLabel;
class QLineEdit;
class QSplitter;
class QStackedWidget;
class QStandardItemModel;
class QTreeView;
class QHBoxLayout;
class QToolButton;

namespace Flightdeck::Views {

class CodeView;
class NoticeBar;
class Placeholder;

// Filters the operation list: every word typed must appear in an item (method, path, summary,
// operationId, tags); a group whose title matches keeps all its items.
class ApiOperationFilter : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    void setWords(const QString& text);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    QStringList m_words;
};

// The API tab of an API entity: its definition with highlighting and line numbers, the list of
// operations (OpenAPI, AsyncAPI), root fields (GraphQL) or methods (gRPC) that jumps to their
// line, the info block (title, version, servers) and the components that provide or consume it.
class ApiTab : public EntityTab
{
    Q_OBJECT
public:
    // Roles of the operation model.
    enum Role {
        KindRole = Qt::UserRole + 1, // ItemKind
        MethodRole,
        PathRole,
        SummaryRole,
        OperationIdRole,
        TagsRole,
        DeprecatedRole,
        LineRole,
        SignatureRole,
        SearchRole,
        CountRole,
    };
    enum ItemKind { GroupItem, OperationItem, TypeItem };

    explicit ApiTab(AppContext& context, QWidget* parent = nullptr);
    ~ApiTab() override;

    QString title() const override { return tr("API"); }
    QString iconName() const override { return QStringLiteral("plug"); }
    bool appliesTo(const Catalog::Catalog& catalog, int entity) const override;
    void setEntity(const Catalog::CatalogPtr& catalog, int entity) override;
    // An operationId, "METHOD /path", or a line number: selects it once the definition is shown.
    void setArgument(const QString& argument) override;

    bool isLoading() const { return m_loading; }
    const Catalog::ApiDefinition& definition() const { return m_definition; }
    CodeView* codeView() const { return m_code; }
    QLineEdit* filterEdit() const { return m_filter; }
    QTreeView* operationView() const { return m_operations; }
    QAbstractItemModel* operationModel() const;
    QAbstractItemModel* filteredModel() const { return m_proxy; }
    NoticeBar* notice() const { return m_notice; }
    QList<QToolButton*> relationButtons() const { return m_relationButtons; }

Q_SIGNALS:
    // The definition of the current entity is shown (after a worker read it).
    void definitionShown();

protected:
    void changeEvent(QEvent* event) override;

private:
    struct Loaded
    {
        Catalog::EntityDefinitionText text;
        Catalog::ApiDefinition definition;
    };
    void showLoaded(const Loaded& loaded);
    void showRelations();
    void buildModel();
    void applyArgument();
    void operationActivated(const QModelIndex& proxyIndex);
    void updateHeaderColors();

    Catalog::CatalogPtr m_catalog;
    int m_entity = -1;
    QString m_entityKey;
    int m_generation = 0;
    bool m_loading = false;
    QString m_argument;
    Catalog::ApiDefinition m_definition;
    QFutureWatcher<Loaded>* m_watcher = nullptr;

    QStackedWidget* m_stack;
    Placeholder* m_placeholder;
    QLabel* m_title;
    QLabel* m_description;
    QHBoxLayout* m_chips;
    QWidget* m_serversRow;
    QHBoxLayout* m_servers;
    QWidget* m_relationsRow;
    QHBoxLayout* m_relations;
    QList<QToolButton*> m_relationButtons;
    NoticeBar* m_notice;
    QSplitter* m_splitter;
    QLineEdit* m_filter;
    QTreeView* m_operations;
    QStandardItemModel* m_model;
    ApiOperationFilter* m_proxy;
    QLabel* m_listEmpty;
    CodeView* m_code;
};

} // namespace Flightdeck::Views
