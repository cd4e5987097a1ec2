// SPDX-License-Identifier: Apache-2.0
#include "fieldeditors.h"

#include "icons.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QFrame>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QRadioButton>
#include <QSet>
#include <QSpinBox>
#include <QToolButton>
#include <QUrlQuery>
#include <QVBoxLayout>

#include <cmath>
#include <limits>

namespace Flightdeck::Views::Create {

using Scaffolder::CustomField;
using Scaffolder::FieldType;
using Scaffolder::FormField;
using Scaffolder::Widget;

// ---------------------------------------------------------------------------------------------
// Catalog helpers

namespace {

QJsonValue walk(const QJsonObject& root, const QString& dotted)
{
    QJsonValue v = root;
    for (const QString& part : dotted.split(QLatin1Char('.'))) {
        if (!v.isObject())
            return QJsonValue(QJsonValue::Undefined);
        v = v.toObject().value(part);
    }
    return v;
}

QStringList actualValues(const Catalog::Entity& e, const QString& key, bool& present)
{
    present = true;
    const QString k = key.toLower();
    if (k == QLatin1String("kind"))
        return { e.ref.kind };
    if (k == QLatin1String("metadata.name"))
        return { e.ref.name };
    if (k == QLatin1String("metadata.namespace"))
        return { e.ref.ns };
    if (k == QLatin1String("spec.type")) {
        present = !e.type.isEmpty();
        return { e.type };
    }
    if (k == QLatin1String("spec.lifecycle")) {
        present = !e.lifecycle.isEmpty();
        return { e.lifecycle };
    }
    if (k == QLatin1String("metadata.tags")) {
        present = !e.tags.isEmpty();
        return e.tags;
    }
    for (const auto& [prefix, list] : { std::pair { QStringLiteral("metadata.annotations."), &e.annotations },
             std::pair { QStringLiteral("metadata.labels."), &e.labels } }) {
        if (key.startsWith(prefix)) {
            const QString name = key.mid(prefix.size());
            for (const auto& [n, v] : *list)
                if (n == name)
                    return { v };
            present = false;
            return {};
        }
    }
    const QJsonValue v = walk(QJsonDocument::fromJson(e.document).object(), key);
    present = !v.isUndefined() && !v.isNull();
    QStringList out;
    if (v.isArray()) {
        for (const QJsonValue& item : v.toArray())
            out << item.toVariant().toString();
    } else if (present) {
        out << v.toVariant().toString();
    }
    return out;
}

} // namespace

bool matchesCatalogFilter(const Catalog::Entity& entity, const QJsonObject& filter)
{
    for (auto it = filter.begin(); it != filter.end(); ++it) {
        bool present = false;
        const QStringList actual = actualValues(entity, it.key(), present);
        const QJsonValue want = it.value();
        if (want.isObject() && want.toObject().contains(QLatin1String("exists"))) {
            if (present != want.toObject().value(QLatin1String("exists")).toBool())
                return false;
            continue;
        }
        QStringList wanted;
        if (want.isArray()) {
            for (const QJsonValue& w : want.toArray())
                wanted << w.toVariant().toString();
        } else {
            wanted << want.toVariant().toString();
        }
        bool any = false;
        for (const QString& a : actual)
            for (const QString& w : std::as_const(wanted))
                any = any || a.compare(w, Qt::CaseInsensitive) == 0;
        if (!any)
            return false;
    }
    return true;
}

QList<QPair<QString, QString>> pickerEntities(const Catalog::CatalogPtr& catalog, const FormField& field)
{
    QList<QPair<QString, QString>> out;
    if (!catalog)
        return out;
    const QJsonArray filters = field.catalogFilter();
    const QStringList kinds = field.allowedKinds();
    for (const Catalog::Entity& e : catalog->entities()) {
        if (!kinds.isEmpty() && !kinds.contains(e.ref.kind, Qt::CaseInsensitive))
            continue;
        bool ok = filters.isEmpty();
        for (const QJsonValue& f : filters)
            ok = ok || matchesCatalogFilter(e, f.toObject());
        if (ok)
            out.push_back({ e.key, e.displayName() });
    }
    std::sort(out.begin(), out.end());
    return out;
}

QStringList catalogTags(const Catalog::CatalogPtr& catalog, const QStringList& kinds)
{
    QSet<QString> tags;
    if (catalog)
        for (const Catalog::Entity& e : catalog->entities())
            if (kinds.isEmpty() || kinds.contains(e.ref.kind, Qt::CaseInsensitive))
                for (const QString& t : e.tags)
                    tags.insert(t);
    QStringList out(tags.begin(), tags.end());
    out.sort();
    return out;
}

QColor mutedColor(const QWidget* w)
{
    return w->palette().color(QPalette::PlaceholderText);
}

QColor errorColor(const QWidget* w)
{
    return w->palette().color(QPalette::Window).lightness() < 128 ? QColor(0xff, 0x7b, 0x72) : QColor(0xc6, 0x28, 0x28);
}

// ---------------------------------------------------------------------------------------------
// Editors

FieldEditor::FieldEditor(const FormField& field, QWidget* parent)
    : QWidget(parent)
    , m_field(field)
{
    setObjectName(QStringLiteral("field:") + field.path);
}

namespace {

QString labelText(const FormField& f)
{
    return f.required ? f.label() + QStringLiteral(" *") : f.label();
}

QString jsonText(const QJsonValue& v)
{
    if (v.isString())
        return v.toString();
    if (v.isDouble() || v.isBool())
        return v.toVariant().toString();
    return {};
}

qsizetype indexIn(const QJsonArray& a, const QJsonValue& v)
{
    for (qsizetype i = 0; i < a.size(); ++i)
        if (a.at(i) == v)
            return i;
    return -1;
}

QVBoxLayout* bare(QWidget* w)
{
    auto* l = new QVBoxLayout(w);
    l->setContentsMargins(0, 0, 0, 0);
    l->setSpacing(4);
    return l;
}

class LineEditor : public FieldEditor
{
public:
    LineEditor(const FormField& f, QWidget* parent)
        : FieldEditor(f, parent)
    {
        m_edit = new QLineEdit(this);
        m_edit->setPlaceholderText(f.placeholder);
        m_edit->setAccessibleName(f.label());
        if (f.widget == Widget::Password || f.field == CustomField::Secret)
            m_edit->setEchoMode(QLineEdit::Password);
        m_edit->setReadOnly(f.readonly || f.disabled);
        if (f.maxLength && *f.maxLength > 0 && *f.maxLength < 32767)
            m_edit->setMaxLength(int(*f.maxLength) + 1); // one more, so the rule can be seen failing
        bare(this)->addWidget(m_edit);
        connect(m_edit, &QLineEdit::textEdited, this, [this] { notify(); });
    }
    QJsonValue value() const override
    {
        return m_edit->text().isEmpty() ? QJsonValue(QJsonValue::Undefined) : QJsonValue(m_edit->text());
    }
    void setValue(const QJsonValue& v) override { m_edit->setText(jsonText(v)); }
    QWidget* focusTarget() const override { return m_edit; }

private:
    QLineEdit* m_edit;
};

class TextEditor : public FieldEditor
{
public:
    TextEditor(const FormField& f, QWidget* parent)
        : FieldEditor(f, parent)
    {
        m_edit = new QPlainTextEdit(this);
        m_edit->setPlaceholderText(f.placeholder);
        m_edit->setTabChangesFocus(true);
        m_edit->setAccessibleName(f.label());
        const int rows = qBound(2, f.uiOptions.value(QLatin1String("rows")).toInt(4), 20);
        m_edit->setFixedHeight(m_edit->fontMetrics().lineSpacing() * rows + 14);
        bare(this)->addWidget(m_edit);
        connect(m_edit, &QPlainTextEdit::textChanged, this, [this] {
            if (!m_setting)
                notify();
        });
    }
    QJsonValue value() const override
    {
        const QString t = m_edit->toPlainText();
        return t.isEmpty() ? QJsonValue(QJsonValue::Undefined) : QJsonValue(t);
    }
    void setValue(const QJsonValue& v) override
    {
        m_setting = true;
        m_edit->setPlainText(jsonText(v));
        m_setting = false;
    }
    QWidget* focusTarget() const override { return m_edit; }

private:
    QPlainTextEdit* m_edit;
    bool m_setting = false;
};

// Numbers: a spin box whose lowest position (shown empty) means "no value".
class NumberEditor : public FieldEditor
{
public:
    NumberEditor(const FormField& f, QWidget* parent)
        : FieldEditor(f, parent)
        , m_integer(f.type == FieldType::Integer)
    {
        const double big = m_integer ? double(std::numeric_limits<int>::max() - 1) : 1e12;
        double lo = f.minimum ? *f.minimum : (f.exclusiveMinimum ? *f.exclusiveMinimum : -big);
        double hi = f.maximum ? *f.maximum : (f.exclusiveMaximum ? *f.exclusiveMaximum : big);
        const double step = f.multipleOf && *f.multipleOf > 0 ? *f.multipleOf : 1.0;
        m_unset = lo - step;
        if (m_integer) {
            auto* s = new QSpinBox(this);
            s->setRange(int(std::max(m_unset, -big - 1)), int(std::min(hi, big)));
            s->setSingleStep(int(std::max(1.0, step)));
            m_unset = s->minimum();
            m_box = s;
            connect(s, &QSpinBox::valueChanged, this, [this] {
                if (!m_setting)
                    notify();
            });
        } else {
            auto* s = new QDoubleSpinBox(this);
            int decimals = 2;
            if (f.multipleOf && *f.multipleOf > 0 && *f.multipleOf < 1)
                decimals = qBound(1, int(std::ceil(-std::log10(*f.multipleOf))), 6);
            s->setDecimals(decimals);
            s->setRange(m_unset, hi);
            s->setSingleStep(step);
            m_unset = s->minimum();
            m_box = s;
            connect(s, &QDoubleSpinBox::valueChanged, this, [this] {
                if (!m_setting)
                    notify();
            });
        }
        m_box->setSpecialValueText(QStringLiteral(" "));
        m_box->setAccessibleName(f.label());
        m_box->setMinimumWidth(160);
        m_box->setReadOnly(f.readonly || f.disabled);
        auto* l = new QHBoxLayout(this);
        l->setContentsMargins(0, 0, 0, 0);
        l->addWidget(m_box);
        l->addStretch(1);
        setValue(QJsonValue(QJsonValue::Undefined));
    }
    QJsonValue value() const override
    {
        if (m_integer) {
            const int v = static_cast<QSpinBox*>(m_box)->value();
            return v == int(m_unset) ? QJsonValue(QJsonValue::Undefined) : QJsonValue(v);
        }
        const double v = static_cast<QDoubleSpinBox*>(m_box)->value();
        return v <= m_unset ? QJsonValue(QJsonValue::Undefined) : QJsonValue(v);
    }
    void setValue(const QJsonValue& v) override
    {
        m_setting = true;
        const double d = v.isDouble() ? v.toDouble() : m_unset;
        if (m_integer)
            static_cast<QSpinBox*>(m_box)->setValue(int(d));
        else
            static_cast<QDoubleSpinBox*>(m_box)->setValue(d);
        m_setting = false;
    }
    QWidget* focusTarget() const override { return m_box; }

private:
    bool m_integer;
    double m_unset = 0;
    QAbstractSpinBox* m_box = nullptr;
    bool m_setting = false;
};

class CheckEditor : public FieldEditor
{
public:
    CheckEditor(const FormField& f, QWidget* parent)
        : FieldEditor(f, parent)
    {
        m_box = new QCheckBox(f.label(), this);
        m_box->setEnabled(!f.readonly && !f.disabled);
        bare(this)->addWidget(m_box);
        connect(m_box, &QCheckBox::toggled, this, [this] {
            m_set = true;
            if (!m_setting)
                notify();
        });
    }
    QJsonValue value() const override
    {
        return m_set ? QJsonValue(m_box->isChecked()) : QJsonValue(QJsonValue::Undefined);
    }
    void setValue(const QJsonValue& v) override
    {
        m_setting = true;
        m_box->setChecked(v.toBool());
        m_set = v.isBool();
        m_setting = false;
    }
    QWidget* focusTarget() const override { return m_box; }
    bool ownsLabel() const override { return true; }

private:
    QCheckBox* m_box;
    bool m_set = false;
    bool m_setting = false;
};

class ComboEditor : public FieldEditor
{
public:
    ComboEditor(const FormField& f, QWidget* parent)
        : FieldEditor(f, parent)
    {
        m_combo = new QComboBox(this);
        m_combo->setAccessibleName(f.label());
        m_combo->addItem(f.placeholder.isEmpty() ? tr("Choose…") : f.placeholder);
        for (const QJsonValue& v : f.enumValues)
            m_combo->addItem(f.enumLabel(v), v.toVariant());
        m_combo->setMinimumWidth(220);
        m_combo->setEnabled(!f.readonly && !f.disabled);
        auto* l = new QHBoxLayout(this);
        l->setContentsMargins(0, 0, 0, 0);
        l->addWidget(m_combo);
        l->addStretch(1);
        connect(m_combo, &QComboBox::currentIndexChanged, this, [this] {
            if (!m_setting)
                notify();
        });
    }
    QJsonValue value() const override
    {
        const int i = m_combo->currentIndex();
        return i <= 0 ? QJsonValue(QJsonValue::Undefined) : field().enumValues.at(i - 1);
    }
    void setValue(const QJsonValue& v) override
    {
        const qsizetype i = indexIn(field().enumValues, v);
        m_setting = true;
        m_combo->setCurrentIndex(i < 0 ? 0 : int(i) + 1);
        m_setting = false;
    }
    QWidget* focusTarget() const override { return m_combo; }

private:
    QComboBox* m_combo;
    bool m_setting = false;
};

class RadioEditor : public FieldEditor
{
public:
    RadioEditor(const FormField& f, QWidget* parent)
        : FieldEditor(f, parent)
    {
        m_group = new QButtonGroup(this);
        auto* l = new QHBoxLayout(this);
        l->setContentsMargins(0, 0, 0, 0);
        l->setSpacing(16);
        for (qsizetype i = 0; i < f.enumValues.size(); ++i) {
            auto* b = new QRadioButton(f.enumLabel(f.enumValues.at(i)), this);
            b->setEnabled(!f.readonly && !f.disabled);
            m_group->addButton(b, int(i));
            l->addWidget(b);
        }
        l->addStretch(1);
        connect(m_group, &QButtonGroup::idClicked, this, [this] { notify(); });
    }
    QJsonValue value() const override
    {
        const int i = m_group->checkedId();
        return i < 0 ? QJsonValue(QJsonValue::Undefined) : field().enumValues.at(i);
    }
    void setValue(const QJsonValue& v) override
    {
        const qsizetype i = indexIn(field().enumValues, v);
        if (i >= 0) {
            m_group->button(int(i))->setChecked(true);
        } else if (m_group->checkedButton()) {
            m_group->setExclusive(false);
            m_group->checkedButton()->setChecked(false);
            m_group->setExclusive(true);
        }
    }
    QWidget* focusTarget() const override
    {
        return m_group->checkedButton() ? m_group->checkedButton()
                                        : (m_group->buttons().isEmpty() ? nullptr : m_group->buttons().first());
    }

private:
    QButtonGroup* m_group;
};

// An array whose items have an enum: one check box per choice.
class ChecksEditor : public FieldEditor
{
public:
    ChecksEditor(const FormField& f, QWidget* parent)
        : FieldEditor(f, parent)
    {
        const FormField& item = f.items.front();
        const bool inline_ = f.uiOptions.value(QLatin1String("inline")).toBool();
        QBoxLayout* l = inline_ ? static_cast<QBoxLayout*>(new QHBoxLayout(this)) : new QVBoxLayout(this);
        l->setContentsMargins(0, 0, 0, 0);
        l->setSpacing(inline_ ? 16 : 2);
        for (const QJsonValue& v : item.enumValues) {
            auto* b = new QCheckBox(item.enumLabel(v), this);
            b->setEnabled(!f.readonly && !f.disabled);
            m_boxes << b;
            l->addWidget(b);
            connect(b, &QCheckBox::toggled, this, [this] {
                if (!m_setting)
                    notify();
            });
        }
        if (inline_)
            l->addStretch(1);
    }
    QJsonValue value() const override
    {
        QJsonArray a;
        const QJsonArray choices = field().items.front().enumValues;
        for (qsizetype i = 0; i < m_boxes.size(); ++i)
            if (m_boxes[i]->isChecked())
                a.append(choices.at(i));
        return a;
    }
    void setValue(const QJsonValue& v) override
    {
        m_setting = true;
        const QJsonArray values = v.toArray();
        const QJsonArray choices = field().items.front().enumValues;
        for (qsizetype i = 0; i < m_boxes.size(); ++i)
            m_boxes[i]->setChecked(values.contains(choices.at(i)));
        m_setting = false;
    }
    QWidget* focusTarget() const override { return m_boxes.isEmpty() ? nullptr : m_boxes.first(); }

private:
    QList<QCheckBox*> m_boxes;
    bool m_setting = false;
};

// An array of strings: one line per item, with add and remove buttons.
class StringListEditor : public FieldEditor
{
public:
    StringListEditor(const FormField& f, QWidget* parent)
        : FieldEditor(f, parent)
    {
        auto* l = bare(this);
        m_lines = new QVBoxLayout;
        m_lines->setContentsMargins(0, 0, 0, 0);
        m_lines->setSpacing(4);
        l->addLayout(m_lines);
        m_add = new QToolButton(this);
        m_add->setObjectName(QStringLiteral("AddItem"));
        m_add->setText(tr("Add item"));
        m_add->setIcon(Icons::get(QStringLiteral("plus")));
        m_add->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
        m_add->setAutoRaise(true);
        auto* row = new QHBoxLayout;
        row->addWidget(m_add);
        row->addStretch(1);
        l->addLayout(row);
        connect(m_add, &QToolButton::clicked, this, [this] {
            QLineEdit* e = addLine(QString());
            e->setFocus();
            notify();
        });
    }
    QJsonValue value() const override
    {
        QJsonArray a;
        const bool numbers = !field().items.empty()
            && (field().items.front().type == FieldType::Number || field().items.front().type == FieldType::Integer);
        for (QLineEdit* e : m_edits) {
            bool ok = false;
            const double d = e->text().toDouble(&ok);
            a.append(numbers && ok ? QJsonValue(d) : QJsonValue(e->text()));
        }
        return a;
    }
    void setValue(const QJsonValue& v) override
    {
        while (!m_edits.isEmpty())
            removeLine(m_edits.first());
        for (const QJsonValue& item : v.toArray())
            addLine(jsonText(item));
    }
    QWidget* focusTarget() const override { return m_edits.isEmpty() ? static_cast<QWidget*>(m_add) : m_edits.first(); }

private:
    QLineEdit* addLine(const QString& text)
    {
        auto* row = new QWidget(this);
        auto* h = new QHBoxLayout(row);
        h->setContentsMargins(0, 0, 0, 0);
        auto* e = new QLineEdit(text, row);
        e->setAccessibleName(field().label());
        const FormField* item = field().items.empty() ? nullptr : &field().items.front();
        if (item)
            e->setPlaceholderText(item->placeholder);
        auto* remove = new QToolButton(row);
        remove->setIcon(Icons::get(QStringLiteral("x")));
        remove->setToolTip(tr("Remove this item"));
        remove->setAutoRaise(true);
        h->addWidget(e, 1);
        h->addWidget(remove);
        m_lines->addWidget(row);
        m_edits << e;
        connect(e, &QLineEdit::textEdited, this, [this] { notify(); });
        connect(remove, &QToolButton::clicked, this, [this, e] {
            removeLine(e);
            notify();
        });
        return e;
    }
    void removeLine(QLineEdit* e)
    {
        m_edits.removeOne(e);
        e->parentWidget()->deleteLater();
        e->parentWidget()->hide();
    }

    QVBoxLayout* m_lines;
    QToolButton* m_add;
    QList<QLineEdit*> m_edits;
};

// Tags and entity lists: type, Enter or comma adds the token; tokens show as removable chips.
class TokenEditor : public FieldEditor
{
public:
    TokenEditor(const FormField& f, const QStringList& suggestions, bool entities, QWidget* parent)
        : FieldEditor(f, parent)
        , m_entities(entities)
    {
        auto* l = bare(this);
        m_chips = new QHBoxLayout;
        m_chips->setContentsMargins(0, 0, 0, 0);
        m_chips->setSpacing(4);
        m_chips->addStretch(1);
        l->addLayout(m_chips);
        m_edit = new QLineEdit(this);
        m_edit->setAccessibleName(f.label());
        m_edit->setPlaceholderText(f.placeholder.isEmpty()
                ? (entities ? tr("Type an entity reference and press Enter") : tr("Type a tag and press Enter"))
                : f.placeholder);
        if (!suggestions.isEmpty()) {
            auto* c = new QCompleter(suggestions, m_edit);
            c->setCaseSensitivity(Qt::CaseInsensitive);
            c->setFilterMode(Qt::MatchContains);
            m_edit->setCompleter(c);
        }
        l->addWidget(m_edit);
        m_edit->installEventFilter(this);
        connect(m_edit, &QLineEdit::textEdited, this, [this](const QString& t) {
            if (t.endsWith(QLatin1Char(','))) {
                m_edit->setText(t.chopped(1));
                commit();
            }
        });
        connect(m_edit, &QLineEdit::editingFinished, this, [this] { commit(); });
    }
    QJsonValue value() const override
    {
        QJsonArray a;
        for (const QString& t : m_tokens)
            a.append(t);
        return a;
    }
    void setValue(const QJsonValue& v) override
    {
        m_tokens.clear();
        for (const QJsonValue& t : v.toArray())
            m_tokens << t.toString();
        rebuild();
    }
    QWidget* focusTarget() const override { return m_edit; }
    QLineEdit* lineEdit() const { return m_edit; }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (watched == m_edit && event->type() == QEvent::KeyPress) {
            auto* k = static_cast<QKeyEvent*>(event);
            if ((k->key() == Qt::Key_Return || k->key() == Qt::Key_Enter) && !m_edit->text().trimmed().isEmpty()) {
                commit();
                return true; // Enter added a token: it does not also go to the next page
            }
            if (k->key() == Qt::Key_Backspace && m_edit->text().isEmpty() && !m_tokens.isEmpty()) {
                m_tokens.removeLast();
                rebuild();
                notify();
                return true;
            }
        }
        return FieldEditor::eventFilter(watched, event);
    }

private:
    void commit()
    {
        QString t = m_edit->text().trimmed();
        if (t.isEmpty())
            return;
        if (m_entities)
            t = Scaffolder::entityPickerValue(field(), t);
        m_edit->clear();
        if (!m_tokens.contains(t))
            m_tokens << t;
        rebuild();
        notify();
    }
    void rebuild()
    {
        while (m_chips->count() > 1) {
            QLayoutItem* item = m_chips->takeAt(0);
            delete item->widget();
            delete item;
        }
        for (qsizetype i = 0; i < m_tokens.size(); ++i) {
            auto* chip = new QToolButton(this);
            chip->setObjectName(QStringLiteral("Token"));
            chip->setText(m_tokens[i]);
            chip->setIcon(Icons::get(QStringLiteral("x")));
            chip->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
            chip->setLayoutDirection(Qt::RightToLeft); // the cross after the text
            chip->setToolTip(tr("Remove %1").arg(m_tokens[i]));
            const QString token = m_tokens[i];
            connect(chip, &QToolButton::clicked, this, [this, token] {
                m_tokens.removeOne(token);
                rebuild();
                notify();
            });
            m_chips->insertWidget(int(i), chip);
        }
    }

    bool m_entities;
    QLineEdit* m_edit;
    QHBoxLayout* m_chips;
    QStringList m_tokens;
};

// EntityPicker, OwnerPicker, OwnedEntityPicker: an editable combo over the catalog's entities.
class EntityPickerEditor : public FieldEditor
{
public:
    EntityPickerEditor(const FormField& f, const EditorContext& context, QWidget* parent)
        : FieldEditor(f, parent)
    {
        m_combo = new QComboBox(this);
        m_combo->setEditable(true);
        m_combo->setInsertPolicy(QComboBox::NoInsert);
        m_combo->setAccessibleName(f.label());
        m_combo->addItem(QString());
        // A very large catalog: the first few thousand are offered, any other can be typed.
        for (const auto& [key, name] : pickerEntities(context.catalog, f).mid(0, 5000)) {
            m_combo->addItem(key, key);
            m_combo->setItemData(m_combo->count() - 1, name, Qt::ToolTipRole);
        }
        m_combo->lineEdit()->setPlaceholderText(f.placeholder.isEmpty()
                ? tr("Choose or type a reference, e.g. %1")
                      .arg(f.allowedKinds().value(0, QStringLiteral("group")).toLower()
                          + QStringLiteral(":default/name"))
                : f.placeholder);
        m_combo->completer()->setCompletionMode(QCompleter::PopupCompletion);
        m_combo->completer()->setFilterMode(Qt::MatchContains);
        m_combo->completer()->setCaseSensitivity(Qt::CaseInsensitive);
        m_combo->setMinimumWidth(320);
        m_combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        auto* l = new QHBoxLayout(this);
        l->setContentsMargins(0, 0, 0, 0);
        l->addWidget(m_combo, 1);
        connect(m_combo, &QComboBox::currentTextChanged, this, [this] {
            if (!m_setting)
                notify();
        });
    }
    QJsonValue value() const override
    {
        const QString t = m_combo->currentText().trimmed();
        return t.isEmpty() ? QJsonValue(QJsonValue::Undefined) : QJsonValue(Scaffolder::entityPickerValue(field(), t));
    }
    void setValue(const QJsonValue& v) override
    {
        m_setting = true;
        m_combo->setEditText(v.toString());
        m_setting = false;
    }
    QWidget* focusTarget() const override { return m_combo; }

private:
    QComboBox* m_combo;
    bool m_setting = false;
};

// RepoUrlPicker: host, owner and repository, composed as "host?owner=o&repo=r".
class RepoUrlEditor : public FieldEditor
{
public:
    RepoUrlEditor(const FormField& f, QWidget* parent)
        : FieldEditor(f, parent)
    {
        auto* l = new QHBoxLayout(this);
        l->setContentsMargins(0, 0, 0, 0);
        l->setSpacing(6);
        m_host = new QComboBox(this);
        m_host->setObjectName(QStringLiteral("RepoHost"));
        m_host->setAccessibleName(tr("Host"));
        QStringList hosts = f.stringListOption(QStringLiteral("allowedHosts"));
        m_host->setEditable(hosts.isEmpty());
        if (hosts.isEmpty())
            hosts << QStringLiteral("github.com");
        m_host->addItems(hosts);
        m_owner = new QComboBox(this);
        m_owner->setObjectName(QStringLiteral("RepoOwner"));
        m_owner->setAccessibleName(tr("Owner"));
        const QStringList owners = f.stringListOption(QStringLiteral("allowedOwners"));
        m_owner->setEditable(owners.isEmpty());
        if (!owners.isEmpty())
            m_owner->addItems(owners);
        else
            m_owner->lineEdit()->setPlaceholderText(tr("owner or organisation"));
        m_repo = new QLineEdit(this);
        m_repo->setObjectName(QStringLiteral("RepoName"));
        m_repo->setAccessibleName(tr("Repository"));
        m_repo->setPlaceholderText(tr("repository"));
        auto* slash = new QLabel(QStringLiteral("/"), this);
        auto* at = new QLabel(QStringLiteral(":"), this);
        m_host->setMinimumWidth(170);
        m_owner->setMinimumWidth(170);
        m_repo->setMinimumWidth(200);
        l->addWidget(m_host);
        l->addWidget(at);
        l->addWidget(m_owner);
        l->addWidget(slash);
        l->addWidget(m_repo, 1);
        auto changed = [this] {
            if (!m_setting)
                notify();
        };
        connect(m_host, &QComboBox::currentTextChanged, this, changed);
        connect(m_owner, &QComboBox::currentTextChanged, this, changed);
        connect(m_repo, &QLineEdit::textEdited, this, changed);
        setTabOrder(m_host, m_owner);
        setTabOrder(m_owner, m_repo);
    }
    QJsonValue value() const override
    {
        const QString owner = m_owner->currentText().trimmed(), repo = m_repo->text().trimmed();
        if (owner.isEmpty() && repo.isEmpty())
            return QJsonValue(QJsonValue::Undefined);
        QUrlQuery q;
        if (!owner.isEmpty())
            q.addQueryItem(QStringLiteral("owner"), owner);
        if (!repo.isEmpty())
            q.addQueryItem(QStringLiteral("repo"), repo);
        return QJsonValue(QString(m_host->currentText().trimmed() + QLatin1Char('?') + q.toString(QUrl::FullyEncoded)));
    }
    void setValue(const QJsonValue& v) override
    {
        m_setting = true;
        const Scaffolder::RepoUrl r = Scaffolder::parseRepoUrlValue(v.toString());
        if (!r.host.isEmpty()) {
            const int i = m_host->findText(r.host);
            if (i >= 0)
                m_host->setCurrentIndex(i);
            else if (m_host->isEditable())
                m_host->setEditText(r.host);
        }
        if (m_owner->isEditable())
            m_owner->setEditText(r.owner);
        else if (m_owner->findText(r.owner) >= 0)
            m_owner->setCurrentIndex(m_owner->findText(r.owner));
        m_repo->setText(r.repo);
        m_setting = false;
    }
    QWidget* focusTarget() const override { return m_host; }

private:
    QComboBox* m_host;
    QComboBox* m_owner;
    QLineEdit* m_repo;
    bool m_setting = false;
};

} // namespace

FieldEditor* createEditor(const FormField& f, const EditorContext& context, QWidget* parent)
{
    switch (f.field) {
    case CustomField::EntityPicker:
    case CustomField::OwnerPicker:
    case CustomField::OwnedEntityPicker:
    case CustomField::MyGroupsPicker:
        if (f.type != FieldType::Array)
            return new EntityPickerEditor(f, context, parent);
        [[fallthrough]];
    case CustomField::MultiEntityPicker: {
        QStringList keys;
        for (const auto& e : pickerEntities(context.catalog, f))
            keys << e.first;
        return new TokenEditor(f, keys, true, parent);
    }
    case CustomField::EntityTagsPicker:
        return new TokenEditor(
            f, catalogTags(context.catalog, f.stringListOption(QStringLiteral("kinds"))), false, parent);
    case CustomField::RepoUrlPicker:
        return new RepoUrlEditor(f, parent);
    default:
        break;
    }
    switch (f.type) {
    case FieldType::Boolean:
        return new CheckEditor(f, parent);
    case FieldType::Array:
        if (f.isMultiSelect())
            return new ChecksEditor(f, parent);
        return new StringListEditor(f, parent);
    case FieldType::Integer:
    case FieldType::Number:
        if (!f.enumValues.isEmpty())
            break;
        return new NumberEditor(f, parent);
    default:
        break;
    }
    if (!f.enumValues.isEmpty())
        return f.widget == Widget::Radio ? static_cast<FieldEditor*>(new RadioEditor(f, parent))
                                         : new ComboEditor(f, parent);
    if (f.widget == Widget::TextArea)
        return new TextEditor(f, parent);
    return new LineEditor(f, parent);
}

// ---------------------------------------------------------------------------------------------
// Rows and objects

FieldRow::FieldRow(FieldEditor* editor, QWidget* parent)
    : QWidget(parent)
    , m_editor(editor)
{
    setObjectName(QStringLiteral("row:") + editor->field().path);
    const FormField& f = editor->field();
    auto* l = new QVBoxLayout(this);
    l->setContentsMargins(0, 0, 0, 0);
    l->setSpacing(4);
    QPalette muted = palette();
    muted.setColor(QPalette::WindowText, mutedColor(this));
    if (!editor->ownsLabel()) {
        auto* label = new QLabel(labelText(f), this);
        QFont bold = label->font();
        bold.setWeight(QFont::DemiBold);
        label->setFont(bold);
        label->setBuddy(editor->focusTarget());
        l->addWidget(label);
    }
    if (!f.description.isEmpty() && f.type != FieldType::Object) {
        auto* d = new QLabel(f.description, this);
        d->setWordWrap(true);
        d->setPalette(muted);
        l->addWidget(d);
    }
    editor->setParent(this);
    l->addWidget(editor);
    if (!f.help.isEmpty()) {
        auto* h = new QLabel(f.help, this);
        h->setObjectName(QStringLiteral("Help"));
        h->setWordWrap(true);
        h->setPalette(muted);
        QFont small = h->font();
        small.setPointSizeF(small.pointSizeF() * 0.92);
        h->setFont(small);
        l->addWidget(h);
    }
    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("Error"));
    m_error->setWordWrap(true);
    QPalette red = palette();
    red.setColor(QPalette::WindowText, errorColor(this));
    m_error->setPalette(red);
    m_error->hide();
    l->addWidget(m_error);
}

void FieldRow::setErrors(const QStringList& messages)
{
    // The first rule that failed: one clear message rather than every consequence of one mistake.
    const QString text = messages.value(0);
    if (text == m_error->text() && m_error->isHidden() == text.isEmpty())
        return;
    m_error->setText(text);
    m_error->setVisible(!text.isEmpty());
    m_error->setAccessibleName(text);
}

QString FieldRow::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

FieldRow* createRow(const FormField& field, const EditorContext& context, QWidget* parent)
{
    FieldEditor* editor = field.type == FieldType::Object ? static_cast<FieldEditor*>(new ObjectEditor(field, context))
                                                          : createEditor(field, context, nullptr);
    return new FieldRow(editor, parent);
}

ObjectEditor::ObjectEditor(const FormField& field, const EditorContext& context, QWidget* parent)
    : FieldEditor(field, parent)
{
    // A bold title like every other field's label, then the nested fields in a frame.
    auto* outer = bare(this);
    auto* title = new QLabel(labelText(field), this);
    QFont bold = title->font();
    bold.setWeight(QFont::DemiBold);
    title->setFont(bold);
    outer->addWidget(title);
    auto* content = new QFrame(this);
    content->setObjectName(QStringLiteral("ObjectFields"));
    content->setFrameShape(QFrame::StyledPanel);
    outer->addWidget(content);
    auto* l = new QVBoxLayout(content);
    l->setContentsMargins(14, 10, 14, 12);
    l->setSpacing(12);
    if (!field.description.isEmpty()) {
        auto* d = new QLabel(field.description, content);
        d->setWordWrap(true);
        QPalette muted = d->palette();
        muted.setColor(QPalette::WindowText, mutedColor(this));
        d->setPalette(muted);
        l->addWidget(d);
    }
    for (const FormField& child : field.properties) {
        if (child.isHidden()) {
            m_hiddenNames << child.name;
            continue;
        }
        FieldRow* row = createRow(child, context, content);
        l->addWidget(row);
        m_rows << row;
        connect(row->editor(), &FieldEditor::edited, this, &FieldEditor::edited);
    }
}

QJsonValue ObjectEditor::value() const
{
    QJsonObject o;
    for (const QString& name : m_hiddenNames)
        if (m_last.contains(name))
            o.insert(name, m_last.value(name));
    for (FieldRow* r : m_rows) {
        const QJsonValue v = r->editor()->value();
        if (!v.isUndefined())
            o.insert(r->editor()->field().name, v);
    }
    return o;
}

void ObjectEditor::setValue(const QJsonValue& value)
{
    const QJsonObject o = value.toObject();
    m_last = o;
    for (FieldRow* r : m_rows)
        r->editor()->setValue(o.value(r->editor()->field().name));
}

QWidget* ObjectEditor::focusTarget() const
{
    return m_rows.isEmpty() ? nullptr : m_rows.first()->editor()->focusTarget();
}

QList<FieldRow*> ObjectEditor::rows() const
{
    QList<FieldRow*> out;
    for (FieldRow* r : m_rows) {
        out << r;
        if (auto* o = qobject_cast<ObjectEditor*>(r->editor()))
            out += o->rows();
    }
    return out;
}

} // namespace Flightdeck::Views::Create
