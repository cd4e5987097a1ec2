// SPDX-License-Identifier: Apache-2.0
#include "confinedpath.h"

#include <QDir>
#include <QFileInfo>

namespace Flightdeck::Scaffolder {

namespace {

bool under(const QString& root, const QString& path)
{
    return path == root || path.startsWith(root.endsWith(QLatin1Char('/')) ? root : root + QLatin1Char('/'));
}

// The canonical form of `path`: the deepest existing ancestor is resolved (symlinks included) and
// the missing rest appended, so a link anywhere along an existing prefix is followed.
QString resolvedPath(const QString& path)
{
    QString existing = path;
    QString rest;
    while (!existing.isEmpty() && !QFileInfo::exists(existing)) {
        // A dangling symlink does not "exist" but must still be followed: refuse it outright.
        if (QFileInfo(existing).isSymLink())
            return QString();
        const int slash = existing.lastIndexOf(QLatin1Char('/'));
        if (slash <= 0)
            return path;
        rest = existing.mid(slash) + rest;
        existing = existing.left(slash);
    }
    const QString canonical = QFileInfo(existing).canonicalFilePath();
    if (canonical.isEmpty())
        return QString();
    return canonical + rest;
}

} // namespace

bool isInside(const QString& root, const QString& path)
{
    const QString canonicalRoot = QFileInfo(root).canonicalFilePath();
    if (canonicalRoot.isEmpty())
        return false;
    const QString resolved = resolvedPath(QDir::cleanPath(path));
    return !resolved.isEmpty() && under(canonicalRoot, resolved);
}

QString confinedPath(const QString& root, const QString& relative, QString* error)
{
    auto refuse = [&](const QString& why) {
        if (error)
            *error = QStringLiteral("path \"%1\" %2").arg(relative, why);
        return QString();
    };
    if (relative.contains(QChar(0)))
        return refuse(QStringLiteral("contains a NUL character"));
    if (relative.startsWith(QLatin1Char('/')) || relative.startsWith(QLatin1Char('\\'))
        || (relative.size() >= 2 && relative.at(1) == QLatin1Char(':') && relative.at(0).isLetter()))
        return refuse(QStringLiteral("is absolute; only paths inside the workspace are allowed"));
    // Walk the components so that a/../../b is caught even though cleanPath would hide nothing.
    int depth = 0;
    const QStringList parts = QString(relative).replace(QLatin1Char('\\'), QLatin1Char('/')).split(QLatin1Char('/'));
    for (const QString& part : parts) {
        if (part == QLatin1String(".."))
            --depth;
        else if (!part.isEmpty() && part != QLatin1String("."))
            ++depth;
        if (depth < 0)
            return refuse(QStringLiteral("climbs out of the workspace with \"..\""));
    }
    const QString cleanRoot = QDir::cleanPath(QFileInfo(root).absoluteFilePath());
    const QString full = QDir::cleanPath(cleanRoot + QLatin1Char('/') + relative);
    if (!under(cleanRoot, full))
        return refuse(QStringLiteral("is outside the workspace"));
    if (!isInside(cleanRoot, full))
        return refuse(QStringLiteral("goes through a symbolic link that leads outside the workspace"));
    return full;
}

} // namespace Flightdeck::Scaffolder
