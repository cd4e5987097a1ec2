// SPDX-License-Identifier: Apache-2.0
#include "settingspage.h"

#include "appcontext.h"
#include "icons.h"

#include "catalog/catalogservice.h"
#include "secrets/secretstore.h"
#include "sources/connectiontest.h"
#include "workspace/workspace.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

namespace Flightdeck::Views {

using Sources::CatalogSourceSpec;

namespace {

QString typeLabel(CatalogSourceSpec::Type t)
{
    switch (t) {
    case CatalogSourceSpec::Type::Directory: return SettingsPage::tr("Folder");
    case CatalogSourceSpec::Type::File: return SettingsPage::tr("File");
    case CatalogSourceSpec::Type::Git: return SettingsPage::tr("Git repository");
    case CatalogSourceSpec::Type::Backstage: return SettingsPage::tr("Backstage");
    }
    return {};
}

QString locationOf(const CatalogSourceSpec& s)
{
    if (s.type == CatalogSourceSpec::Type::Git)
        return s.branch.isEmpty() ? s.url : s.url + QStringLiteral(" (") + s.branch + QLatin1Char(')');
    return s.type == CatalogSourceSpec::Type::Backstage ? s.url : s.path;
}

} // namespace

// ---- SourceDialog -------------------------------------------------------------------------

SourceDialog::SourceDialog(AppContext& context, const Workspace::Workspace& workspace, const CatalogSourceSpec& source,
                           bool adding, QWidget* parent)
    : QDialog(parent)
    , m_context(context)
    , m_workspace(workspace)
    , m_originalName(source.name)
    , m_adding(adding)
{
    setWindowTitle(adding ? tr("Add a catalog source") : tr("Edit %1").arg(source.name));
    setMinimumWidth(560);
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_type = new QComboBox(this);
    for (auto t : {CatalogSourceSpec::Type::Directory, CatalogSourceSpec::Type::Git, CatalogSourceSpec::Type::Backstage,
                   CatalogSourceSpec::Type::File})
        m_type->addItem(typeLabel(t), int(t));
    m_type->setCurrentIndex(m_type->findData(int(source.type)));
    m_name = new QLineEdit(source.name, this);
    m_name->setPlaceholderText(tr("e.g. payments-repo"));
    m_location = new QLineEdit(this);
    m_location->setText(source.type == CatalogSourceSpec::Type::Directory || source.type == CatalogSourceSpec::Type::File
                            ? source.path
                            : source.url);
    m_browse = new QPushButton(tr("Browse…"), this);
    auto* locationRow = new QHBoxLayout;
    locationRow->addWidget(m_location, 1);
    locationRow->addWidget(m_browse);
    m_branch = new QLineEdit(source.branch, this);
    m_branch->setPlaceholderText(tr("the repository's default branch"));
    m_globs = new QLineEdit(source.globs.join(QStringLiteral(", ")), this);
    m_globs->setPlaceholderText(QStringLiteral("**/catalog-info.yaml"));
    m_credential = new QLineEdit(source.credential, this);
    m_credential->setPlaceholderText(tr("none; e.g. github-token"));
    m_secret = new QLineEdit(this);
    m_secret->setEchoMode(QLineEdit::Password);
    m_secret->setPlaceholderText(tr("leave empty to keep the stored value"));
    m_refresh = new QSpinBox(this);
    m_refresh->setRange(0, 24 * 60);
    m_refresh->setSuffix(tr(" min"));
    m_refresh->setSpecialValueText(tr("workspace default"));
    m_refresh->setValue(source.refreshMinutes);
    m_locationLabel = new QLabel(tr("Folder"), this);
    form->addRow(tr("Type"), m_type);
    form->addRow(tr("Name"), m_name);
    form->addRow(m_locationLabel, locationRow);
    form->addRow(tr("Branch"), m_branch);
    form->addRow(tr("Files"), m_globs);
    form->addRow(tr("Credential"), m_credential);
    form->addRow(tr("Secret"), m_secret);
    form->addRow(tr("Refresh every"), m_refresh);
    layout->addLayout(form);
    auto* note = new QLabel(tr("The secret is stored in the system keychain under the credential's name, never in the "
                               "workspace file."),
                            this);
    note->setWordWrap(true);
    note->setEnabled(false);
    layout->addWidget(note);
    auto* testRow = new QHBoxLayout;
    m_test = new QPushButton(Icons::get(QStringLiteral("activity")), tr("Test connection"), this);
    m_result = new QLabel(this);
    m_result->setWordWrap(true);
    testRow->addWidget(m_test);
    testRow->addWidget(m_result, 1);
    layout->addLayout(testRow);
    m_error = new QLabel(this);
    m_error->setWordWrap(true);
    QPalette errorPalette = m_error->palette();
    errorPalette.setColor(QPalette::WindowText, QColor(0xd0, 0x30, 0x30));
    m_error->setPalette(errorPalette);
    m_error->hide();
    layout->addWidget(m_error);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(adding ? tr("Add") : tr("Save"));
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &SourceDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_type, &QComboBox::currentIndexChanged, this, &SourceDialog::updateFields);
    connect(m_test, &QPushButton::clicked, this, &SourceDialog::testConnection);
    connect(m_browse, &QPushButton::clicked, this, [this] {
        const bool folder = CatalogSourceSpec::Type(m_type->currentData().toInt()) == CatalogSourceSpec::Type::Directory;
        const QString path = folder ? QFileDialog::getExistingDirectory(this, tr("Catalog folder"), m_location->text())
                                    : QFileDialog::getOpenFileName(this, tr("Catalog file"), m_location->text(),
                                                                   tr("YAML files (*.yaml *.yml)"));
        if (!path.isEmpty())
            m_location->setText(path);
    });
    updateFields();
}

void SourceDialog::updateFields()
{
    const auto t = CatalogSourceSpec::Type(m_type->currentData().toInt());
    const bool local = t == CatalogSourceSpec::Type::Directory || t == CatalogSourceSpec::Type::File;
    m_locationLabel->setText(local ? (t == CatalogSourceSpec::Type::File ? tr("File") : tr("Folder")) : tr("URL"));
    m_location->setPlaceholderText(t == CatalogSourceSpec::Type::Git         ? QStringLiteral("https://github.com/acme/catalog.git")
                                   : t == CatalogSourceSpec::Type::Backstage ? QStringLiteral("https://backstage.example.com")
                                                                             : tr("a folder with catalog-info.yaml files"));
    m_browse->setVisible(local);
    m_branch->setEnabled(t == CatalogSourceSpec::Type::Git);
    m_globs->setEnabled(t == CatalogSourceSpec::Type::Directory || t == CatalogSourceSpec::Type::Git);
    m_credential->setEnabled(!local);
    m_secret->setEnabled(!local);
}

CatalogSourceSpec SourceDialog::source() const
{
    CatalogSourceSpec s;
    s.type = CatalogSourceSpec::Type(m_type->currentData().toInt());
    s.name = m_name->text().trimmed();
    if (s.type == CatalogSourceSpec::Type::Directory || s.type == CatalogSourceSpec::Type::File)
        s.path = m_location->text().trimmed();
    else
        s.url = m_location->text().trimmed();
    if (s.type == CatalogSourceSpec::Type::Git)
        s.branch = m_branch->text().trimmed();
    for (const QString& g : m_globs->text().split(QLatin1Char(','), Qt::SkipEmptyParts))
        if (m_globs->isEnabled())
            s.globs << g.trimmed();
    if (m_credential->isEnabled())
        s.credential = m_credential->text().trimmed();
    s.refreshMinutes = m_refresh->value();
    return s;
}

QString SourceDialog::secret() const
{
    return m_secret->isEnabled() ? m_secret->text() : QString();
}

bool SourceDialog::validate()
{
    const Workspace::WorkspaceEdit check = m_workspace.checkSource(source(), m_adding ? QString() : m_originalName);
    if (!check) {
        m_error->setText(check.message + (check.hint.isEmpty() ? QString() : QStringLiteral(" ") + check.hint));
        m_error->show();
        return false;
    }
    if (!source().credential.isEmpty() && !Secrets::isValidCredentialName(source().credential)) {
        m_error->setText(Secrets::credentialNameRule());
        m_error->show();
        return false;
    }
    m_error->hide();
    return true;
}

void SourceDialog::accept()
{
    if (validate())
        QDialog::accept();
}

void SourceDialog::testConnection()
{
    if (!validate())
        return;
    m_test->setEnabled(false);
    m_result->setText(tr("Testing…"));
    const CatalogSourceSpec spec = source();
    auto run = [this, spec](const QString& secret) {
        auto* test = new Sources::ConnectionTest(this);
        connect(test, &Sources::ConnectionTest::finished, this, [this, test](const Sources::ConnectionTestResult& r) {
            test->deleteLater();
            m_test->setEnabled(true);
            m_result->setText((r.ok ? QStringLiteral("✓ ") : QStringLiteral("✗ ")) + r.message
                              + (r.hint.isEmpty() ? QString() : QStringLiteral(" — ") + r.hint));
        });
        test->start(spec, secret);
    };
    // A secret typed now is tested as typed; otherwise the stored one is used.
    if (!secret().isEmpty() || spec.credential.isEmpty() || !m_context.secrets) {
        run(secret());
        return;
    }
    m_context.secrets->read(spec.credential, this, [run](const Secrets::SecretResult& r) { run(r.ok ? r.value : QString()); });
}

// ---- SettingsPage -------------------------------------------------------------------------

SettingsPage::SettingsPage(AppContext& context, QWidget* parent)
    : Page(context, parent)
{
    setObjectName(QStringLiteral("SettingsPage"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 14, 16, 12);
    layout->setSpacing(10);
    auto* heading = new QLabel(tr("Catalog sources"), this);
    QFont f = heading->font();
    f.setPointSizeF(f.pointSizeF() * 1.3);
    f.setBold(true);
    heading->setFont(f);
    layout->addWidget(heading);
    m_workspacePath = new QLabel(this);
    m_workspacePath->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_workspacePath->setWordWrap(true);
    layout->addWidget(m_workspacePath);

    m_sources = new QTableWidget(0, 6, this);
    m_sources->setObjectName(QStringLiteral("SourcesTable"));
    m_sources->setHorizontalHeaderLabels({tr("Name"), tr("Type"), tr("Location"), tr("Credential"), tr("Entities"), tr("Status")});
    m_sources->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_sources->setSelectionMode(QAbstractItemView::SingleSelection);
    m_sources->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_sources->verticalHeader()->hide();
    m_sources->setShowGrid(false);
    m_sources->setAlternatingRowColors(true);
    // One line a source: long locations are elided in the middle (the full text is the tooltip),
    // and the location takes the room the other columns leave.
    m_sources->setWordWrap(false);
    m_sources->setTextElideMode(Qt::ElideMiddle);
    m_sources->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_sources->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 12);
    m_sources->horizontalHeader()->setStretchLastSection(false);
    m_sources->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Stretch);
    m_sources->setColumnWidth(0, 190);
    m_sources->setColumnWidth(1, 130);
    m_sources->setColumnWidth(3, 130);
    m_sources->setColumnWidth(4, 80);
    m_sources->setColumnWidth(5, 260);
    layout->addWidget(m_sources, 1);

    auto* buttons = new QHBoxLayout;
    auto* add = new QPushButton(Icons::get(QStringLiteral("plus")), tr("Add source…"), this);
    m_edit = new QPushButton(Icons::get(QStringLiteral("pencil")), tr("Edit…"), this);
    m_remove = new QPushButton(Icons::get(QStringLiteral("trash-2")), tr("Remove"), this);
    m_test = new QPushButton(Icons::get(QStringLiteral("activity")), tr("Test connection"), this);
    auto* refresh = new QPushButton(Icons::get(QStringLiteral("refresh-cw")), tr("Refresh now"), this);
    for (QPushButton* b : {add, m_edit, m_remove, m_test})
        buttons->addWidget(b);
    buttons->addStretch(1);
    buttons->addWidget(refresh);
    layout->addLayout(buttons);
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    layout->addWidget(m_status);

    auto* refreshBox = new QGroupBox(tr("Automatic refresh"), this);
    auto* refreshForm = new QFormLayout(refreshBox);
    m_interval = new QSpinBox(refreshBox);
    m_interval->setRange(0, 24 * 60);
    m_interval->setSuffix(tr(" min"));
    m_interval->setSpecialValueText(tr("off"));
    m_interval->setMinimumWidth(120);
    auto* intervalRow = new QHBoxLayout;
    intervalRow->addWidget(m_interval);
    intervalRow->addStretch(1);
    refreshForm->addRow(tr("Read every source every"), intervalRow);
    layout->addWidget(refreshBox);

    connect(add, &QPushButton::clicked, this, &SettingsPage::addSource);
    connect(m_edit, &QPushButton::clicked, this, &SettingsPage::editSource);
    connect(m_remove, &QPushButton::clicked, this, &SettingsPage::removeSource);
    connect(m_test, &QPushButton::clicked, this, &SettingsPage::testSource);
    connect(refresh, &QPushButton::clicked, context.catalog, &Catalog::CatalogService::refresh);
    connect(m_sources, &QTableWidget::itemSelectionChanged, this, [this] {
        const bool any = !selectedName().isEmpty();
        m_edit->setEnabled(any);
        m_remove->setEnabled(any);
        m_test->setEnabled(any);
    });
    connect(m_sources, &QTableWidget::cellDoubleClicked, this, &SettingsPage::editSource);
    connect(m_interval, &QSpinBox::editingFinished, this, [this] {
        Workspace::Workspace w = this->context().catalog->workspace();
        Workspace::CatalogSettings s = w.catalogSettings();
        if (s.refreshMinutes == m_interval->value())
            return;
        s.refreshMinutes = m_interval->value();
        w.setCatalogSettings(s);
        QString error;
        if (!this->context().catalog->updateWorkspace(w, &error))
            m_status->setText(tr("Could not save the workspace: %1").arg(error));
    });
    connect(context.catalog, &Catalog::CatalogService::sourcesChanged, this, &SettingsPage::fill);
    connect(context.catalog, &Catalog::CatalogService::refreshProgress, this, [this](const QString& message, int done, int total) {
        m_status->setText(total > 0 ? tr("%1: %2 of %3").arg(message).arg(done).arg(total) : message);
    });
    connect(context.catalog, &Catalog::CatalogService::refreshFinished, this, [this](bool cancelled, const QString& summary) {
        m_status->setText(cancelled ? tr("Refresh cancelled") : tr("Refreshed: %1").arg(summary));
    });
    fill();
}

QIcon SettingsPage::icon() const
{
    return Icons::get(QStringLiteral("settings"));
}

QString SettingsPage::selectedName() const
{
    const auto rows = m_sources->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : m_sources->item(rows.first().row(), 0)->text();
}

void SettingsPage::fill()
{
    const QString keep = selectedName();
    const Catalog::CatalogService* service = context().catalog;
    m_workspacePath->setText(tr("Workspace %1 — %2").arg(service->workspace().name(), service->workspace().filePath()));
    m_interval->setValue(service->workspace().catalogSettings().refreshMinutes);
    const QList<Catalog::SourceStatus> sources = service->sources();
    m_sources->setRowCount(int(sources.size()));
    for (int r = 0; r < sources.size(); ++r) {
        const Catalog::SourceStatus& s = sources[r];
        const auto set = [&](int c, const QString& text, const QString& tip = {}) {
            auto* item = new QTableWidgetItem(text);
            item->setToolTip(tip.isEmpty() ? text : tip);
            m_sources->setItem(r, c, item);
        };
        set(0, s.spec.name);
        set(1, typeLabel(s.spec.type));
        set(2, locationOf(s.spec));
        set(3, s.spec.credential.isEmpty() ? QStringLiteral("—") : s.spec.credential);
        set(4, QLocale().toString(s.entities));
        QString status;
        if (!s.problem.isEmpty())
            status = (s.stale ? tr("Showing stored data: ") : QString()) + s.problem;
        else if (s.readAt.isValid())
            status = tr("Read %1").arg(QLocale().toString(s.readAt.toLocalTime(), QLocale::ShortFormat))
                + (s.errors + s.warnings ? tr(" · %1 errors, %2 warnings").arg(s.errors).arg(s.warnings) : QString());
        else
            status = tr("Not read yet");
        set(5, status);
        m_sources->item(r, 0)->setIcon(Icons::get(!s.problem.isEmpty() ? QStringLiteral("triangle-alert")
                                                                        : (s.readAt.isValid() ? QStringLiteral("circle-check")
                                                                                              : QStringLiteral("clock"))));
        if (s.spec.name == keep)
            m_sources->selectRow(r);
    }
    const bool any = !selectedName().isEmpty();
    m_edit->setEnabled(any);
    m_remove->setEnabled(any);
    m_test->setEnabled(any);
}

bool SettingsPage::applySource(const CatalogSourceSpec& source, const QString& secret, const QString& replacing)
{
    Workspace::Workspace w = context().catalog->workspace();
    const Workspace::WorkspaceEdit edit = replacing.isEmpty() ? w.addSource(source) : w.updateSource(replacing, source);
    if (!edit) {
        m_status->setText(edit.message + QLatin1Char(' ') + edit.hint);
        return false;
    }
    const auto save = [this, w] {
        QString error;
        if (!context().catalog->updateWorkspace(w, &error))
            m_status->setText(tr("Could not save the workspace: %1").arg(error));
    };
    if (secret.isEmpty() || source.credential.isEmpty() || !context().secrets) {
        save();
        return true;
    }
    // The secret goes to the keychain first; the workspace names it.
    const QString name = source.credential;
    context().secrets->write(name, secret, this, [this, save, name](const Secrets::SecretResult& r) {
        Q_EMIT secretStored(name, r.ok, r.message);
        if (!r.ok)
            m_status->setText(tr("The credential was not stored: %1 %2").arg(r.message, r.hint));
        save();
    });
    return true;
}

void SettingsPage::addSource()
{
    CatalogSourceSpec blank;
    blank.type = CatalogSourceSpec::Type::Directory;
    SourceDialog dialog(context(), context().catalog->workspace(), blank, true, this);
    if (dialog.exec() == QDialog::Accepted)
        applySource(dialog.source(), dialog.secret(), QString());
}

void SettingsPage::editSource()
{
    const QString name = selectedName();
    const auto source = context().catalog->workspace().source(name);
    if (!source)
        return;
    SourceDialog dialog(context(), context().catalog->workspace(), *source, false, this);
    if (dialog.exec() == QDialog::Accepted)
        applySource(dialog.source(), dialog.secret(), name);
}

void SettingsPage::removeSource()
{
    const QString name = selectedName();
    if (name.isEmpty())
        return;
    if (QMessageBox::question(this, tr("Remove source"),
                              tr("Remove the source %1 from the workspace? Its entities leave the catalog; the files and "
                                 "the keychain are not touched.")
                                  .arg(name))
        != QMessageBox::Yes)
        return;
    Workspace::Workspace w = context().catalog->workspace();
    const Workspace::WorkspaceEdit edit = w.removeSource(name);
    QString error;
    if (!edit)
        m_status->setText(edit.message);
    else if (!context().catalog->updateWorkspace(w, &error))
        m_status->setText(tr("Could not save the workspace: %1").arg(error));
}

void SettingsPage::testSource()
{
    const auto source = context().catalog->workspace().source(selectedName());
    if (!source)
        return;
    m_status->setText(tr("Testing %1…").arg(source->name));
    const auto run = [this, spec = *source](const QString& secret) {
        auto* test = new Sources::ConnectionTest(this);
        connect(test, &Sources::ConnectionTest::finished, this, [this, test, name = spec.name](const Sources::ConnectionTestResult& r) {
            test->deleteLater();
            m_status->setText(QStringLiteral("%1: %2 %3").arg(name, r.ok ? QStringLiteral("✓") : QStringLiteral("✗"), r.message)
                              + (r.hint.isEmpty() ? QString() : QStringLiteral(" — ") + r.hint));
        });
        test->start(spec, secret);
    };
    if (source->credential.isEmpty() || !context().secrets) {
        run(QString());
        return;
    }
    context().secrets->read(source->credential, this, [run](const Secrets::SecretResult& r) { run(r.ok ? r.value : QString()); });
}

} // namespace Flightdeck::Views
