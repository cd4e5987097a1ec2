// SPDX-License-Identifier: Apache-2.0
#include "sourcespec.h"

#include <QDir>
#include <QFileInfo>
#include <QUrl>

namespace Flightdeck::Sources {

QString typeName(CatalogSourceSpec::Type t)
{
    switch (t) {
    case CatalogSourceSpec::Type::File: return QStringLiteral("file");
    case CatalogSourceSpec::Type::Directory: return QStringLiteral("directory");
    case CatalogSourceSpec::Type::Git: return QStringLiteral("git");
    case CatalogSourceSpec::Type::Backstage: return QStringLiteral("backstage");
    }
    return {};
}

bool parseSourceArgument(const QString& argument, CatalogSourceSpec& spec, QString& error)
{
    spec = CatalogSourceSpec();
    spec.name = argument;
    if (argument.startsWith(QLatin1String("backstage+http://")) || argument.startsWith(QLatin1String("backstage+https://"))) {
        const QUrl url(argument.mid(int(qstrlen("backstage+"))));
        if (!url.isValid() || url.host().isEmpty()) {
            error = QStringLiteral("%1 is not a valid Backstage URL; write backstage+http(s)://host:port").arg(argument);
            return false;
        }
        spec.type = CatalogSourceSpec::Type::Backstage;
        spec.url = url.toString(QUrl::StripTrailingSlash);
        return true;
    }
    const bool scpLike = argument.contains(QLatin1Char('@')) && argument.contains(QLatin1Char(':'))
        && !argument.contains(QLatin1String("://"));
    if (argument.startsWith(QLatin1String("https://")) || argument.startsWith(QLatin1String("http://"))
        || argument.startsWith(QLatin1String("file://")) || argument.startsWith(QLatin1String("ssh://"))
        || argument.startsWith(QLatin1String("git://")) || scpLike) {
        spec.type = CatalogSourceSpec::Type::Git;
        spec.url = argument;
        // A branch may follow a '#': https://host/x.git#release
        const qsizetype hash = argument.lastIndexOf(QLatin1Char('#'));
        if (hash > 0) {
            spec.url = argument.left(hash);
            spec.branch = argument.mid(hash + 1);
        }
        return true;
    }
    const QFileInfo info(argument);
    if (!info.exists()) {
        error = QStringLiteral("%1 does not exist. A SOURCE is a file, a directory, a git URL (https://…/x.git, "
                               "file:///…/x.git, git@host:path) or backstage+http(s)://host:port")
                    .arg(argument);
        return false;
    }
    spec.path = QDir::cleanPath(info.absoluteFilePath());
    spec.type = info.isDir() ? CatalogSourceSpec::Type::Directory : CatalogSourceSpec::Type::File;
    return true;
}

} // namespace Flightdeck::Sources
