// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "page.h"

class QLabel;
class QPlainTextEdit;

namespace Flightdeck::Views {

// A catalog file at a line, for problems that belong to no entity (a YAML syntax error, an
// unreadable file): "file:<path>:<line>".
class FilePage : public Page
{
    Q_OBJECT
public:
    explicit FilePage(AppContext& context, QWidget* parent = nullptr);

    QString id() const override { return QStringLiteral("file"); }
    QString title() const override { return tr("File"); }
    QIcon icon() const override;
    bool inSidebar() const override { return false; }
    void open(const QString& argument) override;
    QString windowTitle() const override { return m_path; }

    QPlainTextEdit* editor() const { return m_text; }
    int currentLine() const;

private:
    QString m_path;
    QLabel* m_header = nullptr;
    QPlainTextEdit* m_text = nullptr;
    int m_generation = 0;
};

} // namespace Flightdeck::Views
