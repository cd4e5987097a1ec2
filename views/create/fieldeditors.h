// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "catalog/catalog.h"
#include "scaffolder/formschema.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QPair>
#include <QWidget>

class QLabel;
class QLineEdit;
class QVBoxLayout;

namespace Flightdeck::Views::Create {

// Catalog entities a picker offers: (canonical key, display name), filtered by the field's
// ui:options.catalogFilter (any of its objects) and allowedKinds.
QList<QPair<QString, QString>> pickerEntities(const Catalog::CatalogPtr& catalog, const Scaffolder::FormField& field);
// Whether an entity matches one catalogFilter object (kind, metadata.*, spec.*, {exists: bool}).
bool matchesCatalogFilter(const Catalog::Entity& entity, const QJsonObject& filter);
// Every tag in the catalog, sorted (EntityTagsPicker's suggestions), limited to ui:options.kinds.
QStringList catalogTags(const Catalog::CatalogPtr& catalog, const QStringList& kinds);

// Text colours the form uses for help and errors, readable in light and dark palettes.
QColor mutedColor(const QWidget* w);
QColor errorColor(const QWidget* w);

// Edits the value of one form field. value() is undefined while the field has no value (an empty
// text, no choice), as rjsf leaves it undefined.
class FieldEditor : public QWidget
{
    Q_OBJECT
public:
    FieldEditor(const Scaffolder::FormField& field, QWidget* parent = nullptr);

    const Scaffolder::FormField& field() const { return m_field; }
    virtual QJsonValue value() const = 0;
    virtual void setValue(const QJsonValue& value) = 0;
    // The widget that takes the keyboard focus for this field.
    virtual QWidget* focusTarget() const = 0;
    // Whether the field draws its own label (a check box, an object's group box).
    virtual bool ownsLabel() const { return false; }

Q_SIGNALS:
    // The user changed the value; path is the field that changed (a nested field for objects).
    void edited(const QString& path);

protected:
    void notify() { Q_EMIT edited(m_field.path); }

private:
    Scaffolder::FormField m_field;
};

// A field with its label, description, help line and the error line under it.
class FieldRow : public QWidget
{
    Q_OBJECT
public:
    FieldRow(FieldEditor* editor, QWidget* parent = nullptr);

    FieldEditor* editor() const { return m_editor; }
    QString path() const { return m_editor->field().path; }
    void setErrors(const QStringList& messages);
    QString errorText() const;
    QLabel* errorLabel() const { return m_error; }

private:
    FieldEditor* m_editor;
    QLabel* m_error = nullptr;
};

// What the editors need from outside: the catalog for pickers.
struct EditorContext
{
    Catalog::CatalogPtr catalog;
};

// Builds the editor for a field (not for objects: see ObjectEditor).
FieldEditor* createEditor(const Scaffolder::FormField& field, const EditorContext& context, QWidget* parent);

// An object field: its nested fields in a group, each in a FieldRow.
class ObjectEditor : public FieldEditor
{
    Q_OBJECT
public:
    ObjectEditor(const Scaffolder::FormField& field, const EditorContext& context, QWidget* parent = nullptr);

    QJsonValue value() const override;
    void setValue(const QJsonValue& value) override;
    QWidget* focusTarget() const override;
    bool ownsLabel() const override { return true; }
    // Rows at any depth, for errors by path.
    QList<FieldRow*> rows() const;

private:
    QList<FieldRow*> m_rows;
    QStringList m_hiddenNames; // ui:widget hidden: not shown, value kept
    QJsonObject m_last;
};

// Creates the row (with an ObjectEditor for objects) and connects nothing.
FieldRow* createRow(const Scaffolder::FormField& field, const EditorContext& context, QWidget* parent);

} // namespace Flightdeck::Views::Create
