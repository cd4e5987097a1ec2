// SPDX-License-Identifier: Apache-2.0
#include "templatewizard.h"

#include "fieldeditors.h"
#include "icons.h"

#include <QAbstractButton>
#include <QApplication>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QVBoxLayout>

namespace Flightdeck::Views::Create {

using Scaffolder::FieldType;
using Scaffolder::FormField;
using Scaffolder::FormPage;

namespace {

QString fieldsSignature(const std::vector<FormField>& fields)
{
    QString s;
    for (const FormField& f : fields) {
        s += f.path + QLatin1Char(':') + f.typeName + QLatin1Char(':') + f.widgetName + QLatin1Char(':') + f.fieldName
            + QLatin1Char(':') + QString::number(f.enumValues.size())
            + (f.required ? QLatin1Char('!') : QLatin1Char('?'));
        if (!f.properties.empty())
            s += QLatin1Char('{') + fieldsSignature(f.properties) + QLatin1Char('}');
        s += QLatin1Char(';');
    }
    return s;
}

// Keeps the values the fields ask for (conditions applied), recursively for objects.
QJsonObject pruned(const std::vector<FormField>& fields, const QJsonObject& values)
{
    QJsonObject out;
    for (const FormField& f : fields) {
        if (!values.contains(f.name))
            continue;
        QJsonValue v = values.value(f.name);
        if (f.type == FieldType::Object && v.isObject() && !f.properties.empty())
            v = pruned(f.properties, v.toObject());
        out.insert(f.name, v);
    }
    return out;
}

QLabel* mutedLabel(const QString& text, QWidget* parent)
{
    auto* l = new QLabel(text, parent);
    l->setWordWrap(true);
    QPalette p = l->palette();
    p.setColor(QPalette::WindowText, mutedColor(parent));
    l->setPalette(p);
    return l;
}

} // namespace

QString reviewText(const FormField& field, const QJsonValue& value)
{
    if (value.isUndefined() || value.isNull())
        return QString();
    const QString mask
        = field.uiBackstage.value(QLatin1String("review")).toObject().value(QLatin1String("mask")).toString();
    if (!mask.isEmpty())
        return mask;
    if (field.widget == Scaffolder::Widget::Password || field.field == Scaffolder::CustomField::Secret)
        return QStringLiteral("••••••••");
    if (value.isBool())
        return value.toBool() ? QObject::tr("Yes") : QObject::tr("No");
    if (value.isArray()) {
        QStringList parts;
        const FormField* item = field.items.empty() ? nullptr : &field.items.front();
        for (const QJsonValue& v : value.toArray())
            parts << (item ? reviewText(*item, v) : v.toVariant().toString());
        return parts.join(QStringLiteral(", "));
    }
    if (value.isObject()) {
        QStringList parts;
        const QJsonObject o = value.toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            parts << it.key() + QStringLiteral(": ") + it.value().toVariant().toString();
        return parts.join(QStringLiteral(", "));
    }
    if (!field.enumValues.isEmpty())
        return field.enumLabel(value);
    if (field.field == Scaffolder::CustomField::RepoUrlPicker) {
        const Scaffolder::RepoUrl r = Scaffolder::parseRepoUrlValue(value.toString());
        if (r.valid && !r.owner.isEmpty())
            return r.host + QLatin1Char('/') + r.owner + QLatin1Char('/') + r.repo;
    }
    return value.toVariant().toString();
}

TemplateWizard::TemplateWizard(QWidget* parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("TemplateWizard"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(16);

    m_steps = new QListWidget(this);
    m_steps->setObjectName(QStringLiteral("WizardSteps"));
    m_steps->setAccessibleName(tr("Steps"));
    m_steps->setFixedWidth(230);
    m_steps->setFrameShape(QFrame::NoFrame);
    m_steps->setFocusPolicy(Qt::NoFocus);
    m_steps->setIconSize(QSize(16, 16));
    m_steps->setSpacing(2);
    m_steps->setStyleSheet(QStringLiteral("QListWidget { background: transparent; }"));
    layout->addWidget(m_steps);

    auto* right = new QVBoxLayout;
    right->setSpacing(8);
    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("WizardPageTitle"));
    QFont big = m_title->font();
    big.setPointSizeF(big.pointSizeF() * 1.3);
    big.setWeight(QFont::DemiBold);
    m_title->setFont(big);
    right->addWidget(m_title);
    m_description = mutedLabel(QString(), this);
    right->addWidget(m_description);

    m_scroll = new QScrollArea(this);
    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::NoFrame);
    m_scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    right->addWidget(m_scroll, 1);

    auto* bar = new QHBoxLayout;
    bar->setSpacing(8);
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("WizardSummary"));
    m_summary->setWordWrap(true);
    bar->addWidget(m_summary, 1);
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_back = new QPushButton(Icons::get(QStringLiteral("arrow-left")), tr("Back"), this);
    m_back->setObjectName(QStringLiteral("WizardBack"));
    m_next = new QPushButton(tr("Next"), this);
    m_next->setObjectName(QStringLiteral("WizardNext"));
    m_next->setIcon(Icons::get(QStringLiteral("arrow-right")));
    m_next->setLayoutDirection(Qt::RightToLeft);
    m_next->setToolTip(tr("Next step (Enter)"));
    m_dryRun = new QPushButton(Icons::get(QStringLiteral("eye")), tr("Dry run"), this);
    m_dryRun->setObjectName(QStringLiteral("WizardDryRun"));
    m_dryRun->setToolTip(tr("Render into a scratch workspace: nothing is published or registered"));
    m_run = new QPushButton(Icons::get(QStringLiteral("check")), tr("Create"), this);
    m_run->setObjectName(QStringLiteral("WizardRun"));
    m_run->setToolTip(tr("Run the template's steps"));
    for (QPushButton* b : { m_cancel, m_back, m_next, m_dryRun, m_run }) {
        b->setMinimumWidth(96);
        b->setAutoDefault(false);
        bar->addWidget(b);
    }
    right->addLayout(bar);
    layout->addLayout(right, 1);

    connect(m_cancel, &QPushButton::clicked, this, &TemplateWizard::cancelled);
    connect(m_back, &QPushButton::clicked, this, &TemplateWizard::back);
    connect(m_next, &QPushButton::clicked, this, &TemplateWizard::next);
    connect(m_dryRun, &QPushButton::clicked, this, [this] { Q_EMIT submitted(m_template, values(), true); });
    connect(m_run, &QPushButton::clicked, this, [this] { Q_EMIT submitted(m_template, values(), false); });
    connect(m_steps, &QListWidget::itemClicked, this, [this](QListWidgetItem* item) { goToStep(m_steps->row(item)); });
}

void TemplateWizard::setTemplate(
    const Scaffolder::Template& templ, const Catalog::CatalogPtr& catalog, const Scaffolder::FormContext& context)
{
    m_template = templ;
    m_catalog = catalog;
    m_context = context;
    m_pages = Scaffolder::formPages(templ);
    m_values = QJsonObject();
    for (const FormPage& p : std::as_const(m_pages))
        m_values = Scaffolder::withDefaults(p, m_values);
    m_touched.clear();
    m_step = -1;
    showStep(0);
}

QList<int> TemplateWizard::visiblePages() const
{
    QList<int> out;
    for (int i = 0; i < m_pages.size(); ++i)
        if (Scaffolder::isPageVisible(m_pages[i], m_values, m_context))
            out << i;
    return out;
}

int TemplateWizard::stepCount() const
{
    return int(visiblePages().size()) + 1;
}

bool TemplateWizard::isReview() const
{
    return m_page < 0;
}

QStringList TemplateWizard::stepTitles() const
{
    QStringList out;
    for (int i : visiblePages())
        out << m_pages[i].title;
    out << tr("Review");
    return out;
}

FieldRow* TemplateWizard::row(const QString& path) const
{
    for (FieldRow* r : m_rows)
        if (r->path() == path)
            return r;
    return nullptr;
}

QJsonObject TemplateWizard::values() const
{
    QJsonObject out;
    for (int i : visiblePages()) {
        const QJsonObject part = pruned(Scaffolder::activeFields(m_pages[i], m_values, m_context), m_values);
        for (auto it = part.begin(); it != part.end(); ++it)
            out.insert(it.key(), it.value());
    }
    return out;
}

void TemplateWizard::showStep(int step)
{
    const QList<int> pages = visiblePages();
    step = qBound(0, step, int(pages.size()));
    m_step = step;
    m_page = step < pages.size() ? pages[step] : -1;
    if (m_page >= 0) {
        const FormPage& p = m_pages[m_page];
        m_title->setText(p.title);
        m_description->setText(p.description);
        m_description->setVisible(!p.description.isEmpty());
        m_values = Scaffolder::withDefaults(p, m_values);
        buildPage();
    } else {
        m_title->setText(tr("Review"));
        m_description->setText(
            tr("Check the values below. A dry run renders the result without publishing or registering anything."));
        m_description->show();
        buildReview();
    }
    const bool review = m_page < 0;
    m_next->setVisible(!review);
    m_dryRun->setVisible(review);
    m_run->setVisible(review);
    m_back->setEnabled(step > 0);
    validate();
    updateSteps();
    Q_EMIT stepChanged(step);
}

void TemplateWizard::buildPage(const QString& focusPath)
{
    const FormPage& page = m_pages[m_page];
    const int scroll = m_scroll->verticalScrollBar()->value();
    m_rows.clear();
    m_topRows.clear();
    m_review = nullptr;

    auto* holder = new QWidget;
    auto* outer = new QHBoxLayout(holder);
    outer->setContentsMargins(0, 4, 12, 12);
    auto* form = new QWidget(holder);
    form->setObjectName(QStringLiteral("WizardForm"));
    form->setMaximumWidth(760);
    auto* l = new QVBoxLayout(form);
    l->setContentsMargins(0, 0, 0, 0);
    l->setSpacing(18);
    outer->addWidget(form, 1);
    outer->addStretch(0);

    EditorContext ectx { m_catalog };
    const std::vector<FormField> fields = Scaffolder::visibleFields(page, m_values, m_context);
    m_signature = fieldsSignature(fields);
    QWidget* autofocus = nullptr;
    QWidget* focusAgain = nullptr;
    for (const FormField& f : fields) {
        FieldRow* row = createRow(f, ectx, form);
        row->editor()->setValue(m_values.value(f.name));
        l->addWidget(row);
        m_topRows << row;
        m_rows << row;
        if (auto* o = qobject_cast<ObjectEditor*>(row->editor()))
            m_rows += o->rows();
        connect(row->editor(), &FieldEditor::edited, this, &TemplateWizard::onEdited);
        if (f.autofocus && !autofocus)
            autofocus = row->editor()->focusTarget();
    }
    if (!focusPath.isEmpty())
        for (FieldRow* r : std::as_const(m_rows))
            if (r->path() == focusPath)
                focusAgain = r->editor()->focusTarget();
    if (fields.empty())
        l->addWidget(mutedLabel(tr("This step has no fields."), form));
    l->addStretch(1);

    // The old form goes after the new one is in, so the focus never falls out of the window.
    QWidget* old = m_scroll->takeWidget();
    m_scroll->setWidget(holder);
    if (focusAgain) {
        focusAgain->setFocus(Qt::OtherFocusReason);
        m_scroll->verticalScrollBar()->setValue(scroll);
    } else {
        QWidget* first = autofocus;
        if (!first && !m_topRows.isEmpty())
            first = m_topRows.first()->editor()->focusTarget();
        if (first)
            first->setFocus(Qt::TabFocusReason);
    }
    if (old)
        old->deleteLater();
    chainButtonsAfter(holder);
}

// Tab from the last field reaches the buttons, in the order they are drawn.
void TemplateWizard::chainButtonsAfter(QWidget* holder)
{
    QWidget* last = nullptr;
    QWidget* w = holder;
    for (int guard = 0; guard < 10000; ++guard) {
        w = w->nextInFocusChain();
        if (w == holder)
            break;
        if (holder->isAncestorOf(w))
            last = w;
    }
    QWidget* previous = last;
    for (QPushButton* b : { m_cancel, m_back, m_next, m_dryRun, m_run }) {
        if (previous)
            setTabOrder(previous, b);
        previous = b;
    }
}

void TemplateWizard::buildReview()
{
    m_rows.clear();
    m_topRows.clear();
    auto* holder = new QWidget;
    auto* outer = new QHBoxLayout(holder);
    outer->setContentsMargins(0, 4, 12, 12);
    m_review = new QWidget(holder);
    m_review->setObjectName(QStringLiteral("Review"));
    m_review->setMaximumWidth(860);
    auto* l = new QVBoxLayout(m_review);
    l->setContentsMargins(0, 0, 0, 0);
    l->setSpacing(10);
    outer->addWidget(m_review, 1);

    const QJsonObject submitted = values();
    const QList<int> pages = visiblePages();
    QList<QLabel*> names; // one label column across the sections
    for (qsizetype n = 0; n < pages.size(); ++n) {
        const FormPage& page = m_pages[pages[n]];
        auto* head = new QHBoxLayout;
        auto* title = new QLabel(page.title, m_review);
        QFont bold = title->font();
        bold.setWeight(QFont::DemiBold);
        bold.setPointSizeF(bold.pointSizeF() * 1.1);
        title->setFont(bold);
        head->addWidget(title);
        auto* edit = new QPushButton(Icons::get(QStringLiteral("pencil")), tr("Edit"), m_review);
        edit->setFlat(true);
        edit->setAutoDefault(false);
        edit->setToolTip(tr("Change the values of %1").arg(page.title));
        const int step = int(n);
        connect(edit, &QPushButton::clicked, this, [this, step] { showStep(step); });
        head->addWidget(edit);
        head->addStretch(1);
        l->addLayout(head);

        auto* box = new QFrame(m_review);
        box->setFrameShape(QFrame::StyledPanel);
        auto* form = new QFormLayout(box);
        form->setContentsMargins(14, 10, 14, 10);
        form->setHorizontalSpacing(24);
        form->setVerticalSpacing(8);
        form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
        form->setLabelAlignment(Qt::AlignLeft | Qt::AlignTop);
        const std::vector<FormField> fields = Scaffolder::visibleFields(page, submitted, m_context);
        int shown = 0;
        for (const FormField& f : fields) {
            if (f.uiBackstage.value(QLatin1String("review")).toObject().value(QLatin1String("show")).toBool(true)
                == false)
                continue;
            auto addRow = [&](const FormField& field, const QJsonValue& v, const QString& label) {
                const QString text = reviewText(field, v);
                auto* value = new QLabel(text.isEmpty() ? tr("—") : text, box);
                value->setObjectName(QStringLiteral("review:") + field.path);
                value->setWordWrap(true);
                value->setTextInteractionFlags(Qt::TextSelectableByMouse);
                if (text.isEmpty()) {
                    QPalette p = value->palette();
                    p.setColor(QPalette::WindowText, mutedColor(this));
                    value->setPalette(p);
                }
                auto* name = mutedLabel(label, box);
                name->setWordWrap(false);
                names << name;
                form->addRow(name, value);
                ++shown;
            };
            if (f.type == FieldType::Object && !f.properties.empty()) {
                const QJsonObject o = submitted.value(f.name).toObject();
                for (const FormField& child : f.properties)
                    if (!child.isHidden())
                        addRow(child, o.value(child.name), f.label() + QStringLiteral(" › ") + child.label());
            } else {
                addRow(f, submitted.value(f.name), f.label());
            }
        }
        if (shown == 0)
            form->addRow(mutedLabel(tr("No values on this step."), box));
        l->addWidget(box);
        l->addSpacing(6);
    }
    l->addStretch(1);
    int labelWidth = 0;
    for (QLabel* n : std::as_const(names))
        labelWidth = qMax(labelWidth, n->sizeHint().width());
    for (QLabel* n : std::as_const(names))
        n->setMinimumWidth(labelWidth);
    QWidget* old = m_scroll->takeWidget();
    m_scroll->setWidget(holder);
    if (old)
        old->deleteLater();
    chainButtonsAfter(holder);
    // The safe choice has the focus: Enter renders without publishing anything.
    m_dryRun->setFocus(Qt::OtherFocusReason);
}

void TemplateWizard::collect()
{
    for (FieldRow* r : std::as_const(m_topRows)) {
        const QJsonValue v = r->editor()->value();
        if (v.isUndefined())
            m_values.remove(r->editor()->field().name);
        else
            m_values.insert(r->editor()->field().name, v);
    }
}

void TemplateWizard::onEdited(const QString& path)
{
    if (m_page < 0)
        return;
    m_touched.insert(path);
    collect();
    const FormPage& page = m_pages[m_page];
    const QString sig = fieldsSignature(Scaffolder::visibleFields(page, m_values, m_context));
    if (sig != m_signature) {
        // A condition changed which fields the page has: new fields bring their defaults.
        m_values = Scaffolder::withDefaults(page, m_values);
        const QString focusPath = path;
        // Rebuild after the editor that changed has returned from its signal.
        QMetaObject::invokeMethod(
            this,
            [this, focusPath] {
                if (m_page < 0)
                    return;
                buildPage(focusPath);
                validate();
            },
            Qt::QueuedConnection);
        m_signature = sig;
    }
    validate();
    updateSteps();
}

void TemplateWizard::validate()
{
    if (m_page < 0) {
        const QList<Scaffolder::FieldError> all = Scaffolder::validateForm(m_pages, m_values, m_context);
        m_errors = all;
        m_summary->setText(all.isEmpty()
                ? QString()
                : (all.size() == 1 ? tr("A value still has a problem; go back to fix it.")
                                   : tr("%1 values still have problems; go back to fix them.").arg(all.size())));
        m_dryRun->setEnabled(all.isEmpty());
        m_run->setEnabled(all.isEmpty());
        return;
    }
    m_errors = Scaffolder::validatePage(m_pages[m_page], m_values, m_context);
    QHash<FieldRow*, QStringList> byRow;
    QStringList pending;
    QStringList pageLevel;
    for (const Scaffolder::FieldError& e : std::as_const(m_errors)) {
        FieldRow* best = nullptr;
        for (FieldRow* r : std::as_const(m_rows))
            if ((e.path == r->path() || e.path.startsWith(r->path() + QLatin1Char('.')))
                && (!best || r->path().size() > best->path().size()))
                best = r;
        if (!best) {
            pageLevel << (e.path.isEmpty() ? e.message : e.path + QLatin1Char(' ') + e.message);
            continue;
        }
        byRow[best] << (e.rule == QLatin1String("required") && e.path != best->path()
                ? e.path.mid(best->path().size() + 1) + QLatin1Char(' ') + e.message
                : e.message);
    }
    for (FieldRow* r : std::as_const(m_rows)) {
        bool touched = false;
        for (const QString& t : std::as_const(m_touched))
            touched = touched || t == r->path() || t.startsWith(r->path() + QLatin1Char('.'));
        const QStringList messages = byRow.value(r);
        r->setErrors(touched ? messages : QStringList());
        if (!touched && !messages.isEmpty() && !qobject_cast<ObjectEditor*>(r->editor()))
            pending << r->editor()->field().label();
    }
    QString summary;
    if (!pending.isEmpty())
        summary = tr("Still to fill in: %1").arg(pending.join(QStringLiteral(", ")));
    if (!pageLevel.isEmpty())
        summary += (summary.isEmpty() ? QString() : QStringLiteral(" · ")) + pageLevel.join(QStringLiteral("; "));
    QPalette p = m_summary->palette();
    p.setColor(QPalette::WindowText, mutedColor(this));
    m_summary->setPalette(p);
    m_summary->setText(summary);
    m_next->setEnabled(m_errors.isEmpty());
}

void TemplateWizard::updateSteps()
{
    const QStringList titles = stepTitles();
    const bool rebuild = m_steps->count() != titles.size();
    if (rebuild)
        m_steps->clear();
    for (int i = 0; i < titles.size(); ++i) {
        QListWidgetItem* item = rebuild ? new QListWidgetItem(m_steps) : m_steps->item(i);
        item->setText(QStringLiteral("%1.  %2").arg(i + 1).arg(titles[i]));
        item->setSizeHint(QSize(0, 34));
        QFont f = m_steps->font();
        f.setWeight(i == m_step ? QFont::DemiBold : QFont::Normal);
        item->setFont(f);
        if (i < m_step)
            item->setIcon(Icons::get(QStringLiteral("circle-check")));
        else if (i == m_step)
            item->setIcon(Icons::get(QStringLiteral("chevron-right")));
        else
            item->setIcon(Icons::get(QStringLiteral("clock"), mutedColor(this)));
        item->setForeground(i > m_step ? QBrush(mutedColor(this)) : QBrush());
    }
    m_steps->setCurrentRow(m_step);
}

bool TemplateWizard::next()
{
    if (m_page < 0 || !m_errors.isEmpty())
        return false;
    // Leaving a page marks its fields as seen, so coming back shows every problem.
    for (FieldRow* r : std::as_const(m_rows))
        m_touched.insert(r->path());
    showStep(m_step + 1);
    return true;
}

void TemplateWizard::back()
{
    if (m_step > 0)
        showStep(m_step - 1);
}

void TemplateWizard::goToStep(int step)
{
    if (step <= m_step) {
        showStep(step);
        return;
    }
    const QList<int> pages = visiblePages();
    int target = m_step;
    while (target < step) {
        if (target < pages.size() && !Scaffolder::validatePage(m_pages[pages[target]], m_values, m_context).isEmpty())
            break;
        ++target;
    }
    showStep(target);
}

void TemplateWizard::keyPressEvent(QKeyEvent* event)
{
    if ((event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter) && event->modifiers() == Qt::NoModifier) {
        if (auto* b = qobject_cast<QAbstractButton*>(QApplication::focusWidget());
            b && isAncestorOf(b) && (b->inherits("QPushButton") || b->inherits("QToolButton"))) {
            b->click();
            event->accept();
            return;
        }
        if (m_page >= 0) {
            next();
            event->accept();
            return;
        }
    }
    QWidget::keyPressEvent(event);
}

} // namespace Flightdeck::Views::Create
