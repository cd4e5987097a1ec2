// SPDX-License-Identifier: Apache-2.0
#include "icons.h"

#include <QApplication>
#include <QFile>
#include <QHash>
#include <QIconEngine>
#include <QPainter>
#include <QPalette>
#include <QSvgRenderer>

namespace Flightdeck::Views::Icons {

namespace {

QByteArray svgSource(const QString& name)
{
    static QHash<QString, QByteArray> cache;
    auto it = cache.constFind(name);
    if (it != cache.constEnd())
        return *it;
    QFile f(QStringLiteral(":/icons/") + name + QStringLiteral(".svg"));
    QByteArray data = f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    cache.insert(name, data);
    return data;
}

// Renders the SVG at the exact pixel size asked for, in the colour of the mode (disabled icons
// are drawn in the palette's disabled text colour), so icons stay crisp at fractional scales.
class LineIconEngine : public QIconEngine
{
public:
    LineIconEngine(QString name, QColor color)
        : m_name(std::move(name))
        , m_color(color)
    {
    }
    QIconEngine* clone() const override { return new LineIconEngine(m_name, m_color); }
    void paint(QPainter* painter, const QRect& rect, QIcon::Mode mode, QIcon::State) override
    {
        QColor color = m_color;
        if (!color.isValid())
            color = QApplication::palette().color(QPalette::WindowText);
        if (mode == QIcon::Disabled)
            color = QApplication::palette().color(QPalette::Disabled, QPalette::WindowText);
        else if (mode == QIcon::Selected && !m_color.isValid())
            color = QApplication::palette().color(QPalette::HighlightedText);
        QByteArray svg = svgSource(m_name);
        svg.replace("currentColor", color.name(QColor::HexRgb).toLatin1());
        QSvgRenderer renderer(svg);
        renderer.render(painter, rect);
    }
    QPixmap pixmap(const QSize& size, QIcon::Mode mode, QIcon::State state) override
    {
        QPixmap pm(size);
        pm.fill(Qt::transparent);
        QPainter p(&pm);
        p.setRenderHint(QPainter::Antialiasing);
        paint(&p, QRect(QPoint(0, 0), size), mode, state);
        return pm;
    }
    QPixmap scaledPixmap(const QSize& size, QIcon::Mode mode, QIcon::State state, qreal scale) override
    {
        QPixmap pm = pixmap(size * scale, mode, state);
        pm.setDevicePixelRatio(scale);
        return pm;
    }

private:
    QString m_name;
    QColor m_color;
};

QHash<QString, QIcon>& iconCache()
{
    static QHash<QString, QIcon> cache;
    return cache;
}

} // namespace

QIcon get(const QString& name, const QColor& color)
{
    const QString key = name + QLatin1Char('|') + (color.isValid() ? color.name(QColor::HexArgb) : QString());
    auto& cache = iconCache();
    auto it = cache.constFind(key);
    if (it != cache.constEnd())
        return *it;
    QIcon icon(new LineIconEngine(name, color));
    cache.insert(key, icon);
    return icon;
}

QString nameForKind(const QString& kind)
{
    const QString k = kind.toLower();
    if (k == QLatin1String("component"))
        return QStringLiteral("box");
    if (k == QLatin1String("api"))
        return QStringLiteral("plug");
    if (k == QLatin1String("resource"))
        return QStringLiteral("database");
    if (k == QLatin1String("system"))
        return QStringLiteral("layers");
    if (k == QLatin1String("domain"))
        return QStringLiteral("landmark");
    if (k == QLatin1String("group"))
        return QStringLiteral("users");
    if (k == QLatin1String("user"))
        return QStringLiteral("user");
    if (k == QLatin1String("location"))
        return QStringLiteral("map-pin");
    if (k == QLatin1String("template"))
        return QStringLiteral("layout-template");
    return QStringLiteral("circle-help");
}

QIcon forKind(const QString& kind, const QColor& color)
{
    return get(nameForKind(kind), color);
}

void clearCache()
{
    iconCache().clear();
}

} // namespace Flightdeck::Views::Icons
