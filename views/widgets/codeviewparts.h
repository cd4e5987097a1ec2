// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QFrame>
#include <QLabel>

class QToolButton;

namespace Flightdeck::Views {

// A one-message bar above a code or document view: an error, a warning or a note, with what to do.
class NoticeBar : public QFrame
{
    Q_OBJECT
public:
    enum class Kind { Info, Warning, Error };
    explicit NoticeBar(QWidget* parent = nullptr);

    void showNotice(Kind kind, const QString& message, const QString& hint = {});
    Kind kind() const { return m_kind; }
    QString message() const;
    QString hint() const;

protected:
    void paintEvent(QPaintEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void updateIcon();
    Kind m_kind = Kind::Info;
    QLabel* m_icon;
    QLabel* m_message;
    QLabel* m_hint;
};

// A small rounded label: a version, a format, a server.
class Chip : public QLabel
{
    Q_OBJECT
public:
    explicit Chip(const QString& text, QWidget* parent = nullptr);
    // An accent colour: the chip is tinted with it (invalid: neutral).
    void setAccent(const QColor& color);
    void setMonospace(bool on);

protected:
    void paintEvent(QPaintEvent* event) override;
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override { return sizeHint(); }

private:
    QColor m_accent;
};

// What a view shows when it has nothing to show: an icon, a title and how to get something.
class Placeholder : public QWidget
{
    Q_OBJECT
public:
    explicit Placeholder(QWidget* parent = nullptr);
    void set(const QString& iconName, const QString& title, const QString& text = {});
    QString title() const { return m_title->text(); }
    QString text() const { return m_text->text(); }

protected:
    void changeEvent(QEvent* event) override;

private:
    QString m_iconName;
    QLabel* m_icon;
    QLabel* m_title;
    QLabel* m_text;
};

// A flat button that leads to an entity: its kind's icon and its name.
QToolButton* makeEntityButton(const QString& kind, const QString& text, QWidget* parent);

// Colours derived from the palette, shared by the entity tabs.
QColor mutedTextColor(const QPalette& palette);
bool isDarkPalette(const QPalette& palette);

} // namespace Flightdeck::Views
