// SPDX-License-Identifier: Apache-2.0
#include "glob.h"

namespace Flightdeck::Sources {

namespace {
QList<QStringView> splitPath(QStringView path)
{
    QList<QStringView> parts;
    qsizetype start = 0;
    for (qsizetype i = 0; i <= path.size(); ++i) {
        if (i == path.size() || path[i] == QLatin1Char('/')) {
            if (i > start)
                parts.push_back(path.mid(start, i - start));
            start = i + 1;
        }
    }
    return parts;
}
} // namespace

namespace {
// The first top-level {a,b,...} group of a pattern: its bounds and its options.
bool firstGroup(const QString& pattern, qsizetype& open, qsizetype& close, QStringList& options)
{
    int depth = 0;
    for (qsizetype i = 0; i < pattern.size(); ++i) {
        const QChar c = pattern[i];
        if (c == QLatin1Char('\\')) {
            ++i;
            continue;
        }
        if (c == QLatin1Char('{')) {
            if (depth++ == 0)
                open = i;
        } else if (c == QLatin1Char('}') && depth > 0 && --depth == 0) {
            options.clear();
            int d = 0;
            qsizetype from = open + 1;
            for (qsizetype j = open + 1; j < i; ++j) {
                if (pattern[j] == QLatin1Char('{'))
                    ++d;
                else if (pattern[j] == QLatin1Char('}'))
                    --d;
                else if (pattern[j] == QLatin1Char(',') && d == 0) {
                    options << pattern.mid(from, j - from);
                    from = j + 1;
                }
            }
            options << pattern.mid(from, i - from);
            if (options.size() >= 2) {
                close = i;
                return true;
            }
            // "{x}" is literal; look further on
        }
    }
    return false;
}
} // namespace

QStringList expandBraces(const QString& pattern)
{
    // Breadth-first over a bounded work list: a hostile pattern like "{a,b}" x 30 must not
    // take exponential time or memory.
    constexpr qsizetype maxPatterns = 256;
    QStringList done;
    QStringList work {pattern};
    while (!work.isEmpty() && done.size() < maxPatterns) {
        const QString p = work.takeFirst();
        qsizetype open = -1, close = -1;
        QStringList options;
        if (!firstGroup(p, open, close, options)) {
            if (!done.contains(p))
                done << p;
            continue;
        }
        const QString head = p.left(open);
        const QString tail = p.mid(close + 1);
        for (const QString& o : std::as_const(options)) {
            if (done.size() + work.size() >= maxPatterns)
                break;
            work << head + o + tail;
        }
    }
    return done;
}

bool GlobPattern::hasWildcards(QStringView s)
{
    for (QChar c : s)
        if (c == QLatin1Char('*') || c == QLatin1Char('?') || c == QLatin1Char('[') || c == QLatin1Char('{'))
            return true;
    return false;
}

void GlobPattern::splitBase(const QString& pattern, QString& base, QString& rest)
{
    const QList<QStringView> parts = splitPath(pattern);
    QStringList baseParts;
    qsizetype i = 0;
    for (; i < parts.size(); ++i) {
        if (hasWildcards(parts[i]))
            break;
        baseParts << parts[i].toString();
    }
    QStringList restParts;
    for (; i < parts.size(); ++i)
        restParts << parts[i].toString();
    base = (pattern.startsWith(QLatin1Char('/')) ? QStringLiteral("/") : QString()) + baseParts.join(QLatin1Char('/'));
    rest = restParts.join(QLatin1Char('/'));
}

GlobPattern::GlobPattern(const QString& pattern)
{
    for (const QString& p : expandBraces(pattern)) {
        Alternative a;
        for (QStringView s : splitPath(p)) {
            if (s == QLatin1String("."))
                continue;
            a.segments << s.toString();
            if (hasWildcards(s))
                m_literal = false;
        }
        m_alternatives << a;
    }
    if (m_alternatives.size() > 1)
        m_literal = false;
}

bool GlobPattern::matchSegment(QStringView p, QStringView n)
{
    // Wildcards never match a leading dot.
    if (!n.isEmpty() && n[0] == QLatin1Char('.') && !p.isEmpty() && p[0] != QLatin1Char('.'))
        return false;
    // Iterative matcher with backtracking on the last '*'.
    qsizetype pi = 0, ni = 0, starP = -1, starN = 0;
    while (ni < n.size()) {
        if (pi < p.size()) {
            const QChar c = p[pi];
            if (c == QLatin1Char('*')) {
                starP = pi++;
                starN = ni;
                continue;
            }
            if (c == QLatin1Char('?')) {
                ++pi;
                ++ni;
                continue;
            }
            if (c == QLatin1Char('[')) {
                qsizetype j = pi + 1;
                bool negate = false;
                if (j < p.size() && (p[j] == QLatin1Char('!') || p[j] == QLatin1Char('^'))) {
                    negate = true;
                    ++j;
                }
                bool matched = false;
                bool first = true;
                while (j < p.size() && (first || p[j] != QLatin1Char(']'))) {
                    first = false;
                    QChar lo = p[j], hi = p[j];
                    if (j + 2 < p.size() && p[j + 1] == QLatin1Char('-') && p[j + 2] != QLatin1Char(']')) {
                        hi = p[j + 2];
                        j += 2;
                    }
                    if (n[ni] >= lo && n[ni] <= hi)
                        matched = true;
                    ++j;
                }
                if (j < p.size() && matched != negate) {
                    pi = j + 1;
                    ++ni;
                    continue;
                }
            } else {
                if (c == QLatin1Char('\\') && pi + 1 < p.size()) {
                    if (p[pi + 1] == n[ni]) {
                        pi += 2;
                        ++ni;
                        continue;
                    }
                } else if (c == n[ni]) {
                    ++pi;
                    ++ni;
                    continue;
                }
            }
        }
        if (starP < 0)
            return false;
        pi = starP + 1;
        ni = ++starN;
    }
    while (pi < p.size() && p[pi] == QLatin1Char('*'))
        ++pi;
    return pi == p.size();
}

bool GlobPattern::matchSegments(const QStringList& pattern, int pi, const QList<QStringView>& path, int si)
{
    while (pi < pattern.size()) {
        if (pattern[pi] == QLatin1String("**")) {
            // Collapse consecutive '**'.
            while (pi + 1 < pattern.size() && pattern[pi + 1] == QLatin1String("**"))
                ++pi;
            if (pi + 1 == pattern.size()) {
                for (int k = si; k < path.size(); ++k)
                    if (path[k].startsWith(QLatin1Char('.')))
                        return false;
                return true;
            }
            for (int k = si; k <= path.size(); ++k) {
                if (matchSegments(pattern, pi + 1, path, k))
                    return true;
                if (k < path.size() && path[k].startsWith(QLatin1Char('.')))
                    return false; // '**' does not descend into dot directories
            }
            return false;
        }
        if (si >= path.size() || !matchSegment(pattern[pi], path[si]))
            return false;
        ++pi;
        ++si;
    }
    return si == path.size();
}

bool GlobPattern::prefixPossible(const QStringList& pattern, int pi, const QList<QStringView>& path, int si)
{
    if (si == path.size())
        return true;
    if (pi >= pattern.size())
        return false;
    if (pattern[pi] == QLatin1String("**")) {
        if (path[si].startsWith(QLatin1Char('.')))
            return prefixPossible(pattern, pi + 1, path, si);
        return true;
    }
    if (!matchSegment(pattern[pi], path[si]))
        return false;
    return prefixPossible(pattern, pi + 1, path, si + 1);
}

bool GlobPattern::matches(QStringView relativePath) const
{
    const QList<QStringView> path = splitPath(relativePath);
    for (const Alternative& a : m_alternatives)
        if (matchSegments(a.segments, 0, path, 0))
            return true;
    return false;
}

bool GlobPattern::mayContain(QStringView relativeDir) const
{
    const QList<QStringView> path = splitPath(relativeDir);
    for (const Alternative& a : m_alternatives)
        if (prefixPossible(a.segments, 0, path, 0))
            return true;
    return false;
}

} // namespace Flightdeck::Sources
