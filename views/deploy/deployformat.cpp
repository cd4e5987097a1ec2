// SPDX-License-Identifier: Apache-2.0
#include "deployformat.h"

#include "widgets/codeviewparts.h"

#include <QCoreApplication>
#include <QHash>
#include <QLocale>
#include <QPainter>
#include <QPixmap>

namespace Flightdeck::Views::DeployFormat {

namespace {

QString tr(const char* text, const char* comment = nullptr, int n = -1)
{
    return QCoreApplication::translate("DeployFormat", text, comment, n);
}

} // namespace

QColor healthColor(const QString& health, const QPalette& palette)
{
    const bool dark = isDarkPalette(palette);
    const QString h = health.toLower();
    if (h == QLatin1String("healthy") || h == QLatin1String("succeeded") || h == QLatin1String("synced")
        || h == QLatin1String("running") || h == QLatin1String("deployed"))
        return dark ? QColor(0x3f, 0xb9, 0x50) : QColor(0x1a, 0x7f, 0x37);
    if (h == QLatin1String("progressing") || h == QLatin1String("pending"))
        return dark ? QColor(0x58, 0xa6, 0xff) : QColor(0x09, 0x69, 0xda);
    if (h == QLatin1String("suspended") || h == QLatin1String("paused") || h == QLatin1String("outofsync")
        || h == QLatin1String("cancelled"))
        return dark ? QColor(0xd2, 0x99, 0x22) : QColor(0x9a, 0x67, 0x00);
    if (h == QLatin1String("degraded") || h == QLatin1String("failed") || h == QLatin1String("missing")
        || h == QLatin1String("error") || h == QLatin1String("stopped"))
        return dark ? QColor(0xf8, 0x51, 0x49) : QColor(0xcf, 0x22, 0x2e);
    return mutedTextColor(palette);
}

QIcon dot(const QColor& color)
{
    static QHash<QRgb, QIcon> cache;
    const auto it = cache.constFind(color.rgba());
    if (it != cache.constEnd())
        return *it;
    QIcon icon;
    for (const int size : {12, 16, 24, 32}) {
        QPixmap pm(size, size);
        pm.fill(Qt::transparent);
        QPainter p(&pm);
        p.setRenderHint(QPainter::Antialiasing);
        p.setPen(Qt::NoPen);
        p.setBrush(color);
        const qreal d = size * 0.55;
        p.drawEllipse(QRectF((size - d) / 2, (size - d) / 2, d, d));
        p.end();
        icon.addPixmap(pm);
    }
    cache.insert(color.rgba(), icon);
    return icon;
}

QString relativeTime(const QDateTime& when)
{
    if (!when.isValid())
        return {};
    const qint64 secs = when.secsTo(QDateTime::currentDateTimeUtc());
    if (secs < 0)
        return QLocale().toString(when.toLocalTime(), QLocale::ShortFormat);
    if (secs < 60)
        return tr("just now");
    if (secs < 3600)
        return tr("%n min ago", nullptr, int(secs / 60));
    if (secs < 86400)
        return tr("%n h ago", nullptr, int(secs / 3600));
    if (secs < 14 * 86400)
        return secs < 2 * 86400 ? tr("1 day ago") : tr("%1 days ago").arg(secs / 86400);
    return QLocale().toString(when.toLocalTime().date(), QLocale::ShortFormat);
}

QString exactUtc(const QDateTime& when)
{
    return when.isValid() ? when.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) + QStringLiteral(" UTC") : QString();
}

QString personName(const QString& actor)
{
    const qsizetype lt = actor.indexOf(QLatin1Char('<'));
    const QString name = (lt > 0 ? actor.left(lt) : actor).trimmed();
    return name.isEmpty() ? actor.trimmed() : name;
}

QString operationTitle(const QString& operation)
{
    if (operation == QLatin1String("promote"))
        return tr("Promote");
    if (operation == QLatin1String("rollback"))
        return tr("Roll back");
    if (operation == QLatin1String("deploy"))
        return tr("Deploy");
    QString o = operation;
    if (!o.isEmpty())
        o[0] = o[0].toUpper();
    return o;
}

QString versionOrDash(const QString& version)
{
    return version.isEmpty() ? QStringLiteral("—") : version;
}

} // namespace Flightdeck::Views::DeployFormat
