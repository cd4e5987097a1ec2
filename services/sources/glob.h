// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QString>
#include <QStringList>

namespace Flightdeck::Sources {

// Glob patterns as Backstage's file reader (node-glob) understands them: `*`, `?`, `[a-z]`, `[!x]`,
// `**` for any number of directories, `{a,b}` alternatives. Like node-glob without `dot`, wildcards
// do not match names starting with '.'.
class GlobPattern
{
public:
    explicit GlobPattern(const QString& pattern);

    bool isLiteral() const { return m_literal; }
    // Matches a path relative to the pattern's base, with '/' separators.
    bool matches(QStringView relativePath) const;
    // Whether a directory at this relative path could contain matches (prunes the walk).
    bool mayContain(QStringView relativeDir) const;

    static bool hasWildcards(QStringView s);
    // Splits "/abs/dir/**/x.yaml" into the literal leading directory and the rest.
    static void splitBase(const QString& pattern, QString& base, QString& rest);

private:
    struct Alternative
    {
        QStringList segments;
    };
    static bool matchSegment(QStringView pattern, QStringView name);
    static bool matchSegments(const QStringList& pattern, int pi, const QList<QStringView>& path, int si);
    static bool prefixPossible(const QStringList& pattern, int pi, const QList<QStringView>& path, int si);

    QList<Alternative> m_alternatives;
    bool m_literal = true;
};

QStringList expandBraces(const QString& pattern);

} // namespace Flightdeck::Sources
