// SPDX-License-Identifier: Apache-2.0
#include "filepage.h"

#include "icons.h"

#include "core/workers.h"

#include <QFile>
#include <QFileInfo>
#include <QFontDatabase>
#include <QFutureWatcher>
#include <QLabel>
#include <QPlainTextEdit>
#include <QTextBlock>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace Flightdeck::Views {

namespace {
constexpr qint64 MaxShownBytes = 8 * 1024 * 1024;

struct FileText
{
    QString text;
    QString problem;
};
} // namespace

FilePage::FilePage(AppContext& context, QWidget* parent)
    : Page(context, parent)
{
    setObjectName(QStringLiteral("FilePage"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(12, 12, 12, 6);
    m_header = new QLabel(this);
    m_header->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_header->setWordWrap(true);
    layout->addWidget(m_header);
    m_text = new QPlainTextEdit(this);
    m_text->setReadOnly(true);
    m_text->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    layout->addWidget(m_text, 1);
}

QIcon FilePage::icon() const
{
    return Icons::get(QStringLiteral("file-text"));
}

int FilePage::currentLine() const
{
    return m_text->textCursor().blockNumber() + 1;
}

void FilePage::open(const QString& argument)
{
    // "<path>:<line>"; the path itself may hold ':'.
    QString path = argument;
    int line = 0;
    const qsizetype colon = argument.lastIndexOf(QLatin1Char(':'));
    bool ok = false;
    if (colon > 0) {
        line = argument.mid(colon + 1).toInt(&ok);
        if (ok)
            path = argument.left(colon);
        else
            line = 0;
    }
    m_path = path;
    m_header->setText(line > 0 ? tr("%1, line %2").arg(path).arg(line) : path);
    m_text->setPlainText(tr("Reading…"));
    const int generation = ++m_generation;
    auto* watcher = new QFutureWatcher<FileText>(this);
    connect(watcher, &QFutureWatcher<FileText>::finished, this, [this, watcher, generation, line] {
        watcher->deleteLater();
        if (generation != m_generation)
            return;
        const FileText f = watcher->result();
        if (!f.problem.isEmpty()) {
            m_text->setPlainText(f.problem);
            return;
        }
        m_text->setPlainText(f.text);
        if (line > 0) {
            const QTextBlock block = m_text->document()->findBlockByNumber(line - 1);
            QTextCursor cursor(block);
            m_text->setTextCursor(cursor);
            QTextEdit::ExtraSelection highlight;
            highlight.cursor = cursor;
            highlight.format.setBackground(palette().color(QPalette::Highlight).lighter(170));
            highlight.format.setProperty(QTextFormat::FullWidthSelection, true);
            m_text->setExtraSelections({highlight});
            m_text->centerCursor();
        }
    });
    watcher->setFuture(QtConcurrent::run(workers(), [path] {
        FileText out;
        QFile f(path);
        const QFileInfo info(path);
        if (!info.isFile())
            out.problem = tr("%1 is not a readable file (it may be remote, or gone).").arg(path);
        else if (info.size() > MaxShownBytes)
            out.problem = tr("%1 is %2 MiB; files over 8 MiB are not shown.").arg(path).arg(info.size() / (1024 * 1024));
        else if (!f.open(QIODevice::ReadOnly))
            out.problem = tr("Cannot read %1: %2").arg(path, f.errorString());
        else
            out.text = QString::fromUtf8(f.readAll());
        return out;
    }));
}

} // namespace Flightdeck::Views
