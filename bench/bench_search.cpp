// SPDX-License-Identifier: Apache-2.0
// bench_search [ENTITIES] [SEED]: builds the catalog search index over a generated catalog
// (100,000 entities by default) and times a realistic mix of queries.
#include "cataloggenerator.h"

#include "catalog/searchindex.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QRegularExpression>
#include <QSet>
#include <QTextStream>
#include <QThread>

#include <malloc.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <map>

using namespace Flightdeck;
using Catalog::Facet;
using Catalog::SearchIndex;
using Catalog::SearchQuery;

namespace {

// Resident and peak memory in kB, from /proc/self/status.
qint64 statusKb(const char* field)
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray key = QByteArray(field) + ':';
    for (const QByteArray& line : f.readAll().split('\n'))
        if (line.startsWith(key))
            return line.mid(key.size()).trimmed().split(' ').value(0).toLongLong();
    return -1;
}

// Bytes the allocator has handed out and not got back: unlike RSS, not fooled by freed memory
// that is reused.
qint64 heapInUse()
{
    const struct mallinfo2 info = mallinfo2();
    return qint64(info.uordblks + info.hblkhd);
}

// CPU time of this thread: what a query costs without the waits of a busy machine.
double threadCpuMs()
{
    timespec ts {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

QString loadAverage()
{
    QFile f(QStringLiteral("/proc/loadavg"));
    if (!f.open(QIODevice::ReadOnly))
        return QStringLiteral("?");
    return QString::fromLatin1(f.readAll().split(' ').mid(0, 3).join(' '));
}

struct Case
{
    QString category;
    SearchQuery query;
};

QString describe(const SearchQuery& q)
{
    QString s = QLatin1Char('"') + q.text + QLatin1Char('"');
    for (auto it = q.filters.cbegin(); it != q.filters.cend(); ++it)
        s += QLatin1Char(' ') + Catalog::facetName(it.key()) + QLatin1Char('=') + it.value().join(QLatin1Char('|'));
    return s;
}

// One typo: a transposition, deletion, insertion or substitution somewhere inside the word.
QString typo(const QString& word, Bench::Random& r)
{
    QString w = word;
    const int at = 1 + int(r.below(quint32(std::max<qsizetype>(1, w.size() - 2))));
    switch (r.below(4)) {
    case 0:
        if (at + 1 < w.size())
            std::swap(w[at], w[at + 1]);
        break;
    case 1:
        w.remove(at, 1);
        break;
    case 2:
        w.insert(at, QLatin1Char(char('a' + r.below(26))));
        break;
    default:
        w[at] = QLatin1Char(char('a' + r.below(26)));
        break;
    }
    return w;
}

QList<Case> queryMix(const QList<Catalog::Entity>& entities, const SearchIndex& index, quint64 seed)
{
    Bench::Random r(seed ^ 0xbe4c4ull);
    QList<Case> cases;
    const auto add = [&](const QString& category, const QString& text, QHash<Facet, QStringList> filters = {}) {
        SearchQuery q;
        q.text = text;
        q.filters = std::move(filters);
        cases.append({ category, q });
    };
    const auto entity
        = [&]() -> const Catalog::Entity& { return entities.at(qsizetype(r.below(quint32(entities.size())))); };
    const auto nameWord = [&]() {
        const QStringList parts
            = entity().ref.name.split(QRegularExpression(QStringLiteral("[^A-Za-z0-9]+")), Qt::SkipEmptyParts);
        return parts.isEmpty() ? QStringLiteral("payments") : r.pick(parts);
    };
    const QList<Catalog::FacetCount> kinds = index.facetValues(Facet::Kind);
    const QList<Catalog::FacetCount> types = index.facetValues(Facet::Type);
    const QList<Catalog::FacetCount> tags = index.facetValues(Facet::Tag);
    const QList<Catalog::FacetCount> owners = index.facetValues(Facet::Owner);
    const QList<Catalog::FacetCount> systems = index.facetValues(Facet::System);
    const QList<Catalog::FacetCount> lifecycles = index.facetValues(Facet::Lifecycle);
    const auto value = [&](const QList<Catalog::FacetCount>& values, int top) {
        return values.at(qsizetype(r.below(quint32(std::min<qsizetype>(top, values.size()))))).value;
    };

    // Single words, as people search for a thing they know.
    for (int i = 0; i < 150; ++i) {
        const QStringList tags = entity().tags;
        add(QStringLiteral("single word"), i % 3 == 0 && !tags.isEmpty() ? r.pick(tags) : nameWord());
    }
    // Typing a name, one keystroke at a time: "p", "pa", "pay", ... "payments-invoice-worker".
    for (int i = 0; cases.size() < 150 + 300; ++i) {
        const QString target = i % 2 == 0 ? entity().ref.name : nameWord() + QLatin1Char(' ') + nameWord();
        for (qsizetype k = 1; k <= target.size() && cases.size() < 150 + 300; ++k)
            add(QStringLiteral("typing"), target.left(k));
    }
    // Typos in a word people meant.
    for (int i = 0; i < 150; ++i) {
        QString w;
        do
            w = nameWord();
        while (w.size() < 5);
        QString t = typo(w, r);
        if (w.size() >= 9 && r.chance(40))
            t = typo(t, r);
        add(QStringLiteral("typo"), t);
    }
    // Two words.
    for (int i = 0; i < 150; ++i) {
        const Catalog::Entity& e = entity();
        const QStringList parts = QString(e.ref.name + QLatin1Char(' ') + e.description)
                                      .split(QRegularExpression(QStringLiteral("[^A-Za-z0-9]+")), Qt::SkipEmptyParts);
        add(QStringLiteral("two words"),
            parts.isEmpty() ? QStringLiteral("payments worker")
                            : r.pick(parts).toLower() + QLatin1Char(' ') + r.pick(parts).toLower());
    }
    // Qualifiers in the text.
    for (int i = 0; i < 150; ++i) {
        QString text;
        switch (i % 6) {
        case 0:
            text = QStringLiteral("kind:%1 %2").arg(value(kinds, 8).toLower(), nameWord());
            break;
        case 1:
            text = QStringLiteral("type:%1 owner:%2")
                       .arg(value(types, 6), value(owners, 200).section(QLatin1Char('/'), 1));
            break;
        case 2:
            text = QStringLiteral("tag:%1 %2").arg(value(tags, 30), nameWord());
            break;
        case 3:
            text = QStringLiteral("lifecycle:%1 kind:component").arg(value(lifecycles, 3));
            break;
        case 4:
            text = QStringLiteral("system:%1").arg(value(systems, 500).section(QLatin1Char('/'), 1));
            break;
        default:
            text = QStringLiteral("ns:%1 kind:api,component %2")
                       .arg(r.chance(50) ? QStringLiteral("default") : QStringLiteral("payments"), nameWord().left(3));
            break;
        }
        add(QStringLiteral("qualifiers"), text);
    }
    // Facet filters alone, as clicking through the sidebar.
    for (int i = 0; i < 150; ++i) {
        QHash<Facet, QStringList> f;
        switch (i % 5) {
        case 0:
            f[Facet::Kind] = { value(kinds, 8) };
            break;
        case 1:
            f[Facet::Kind] = { QStringLiteral("Component"), QStringLiteral("API") };
            f[Facet::Lifecycle] = { value(lifecycles, 3) };
            break;
        case 2:
            f[Facet::Tag] = { value(tags, 30), value(tags, 30) };
            f[Facet::Kind] = { QStringLiteral("Component") };
            break;
        case 3:
            f[Facet::Owner] = { value(owners, 300) };
            break;
        default:
            f[Facet::System] = { value(systems, 800) };
            f[Facet::Type] = { value(types, 6) };
            f[Facet::Lifecycle] = { QStringLiteral("production"), QStringLiteral("experimental") };
            break;
        }
        add(QStringLiteral("filters only"), QString(), f);
    }
    // Text and filters together.
    for (int i = 0; i < 150; ++i) {
        QHash<Facet, QStringList> f;
        f[Facet::Kind] = { i % 2 ? QStringLiteral("Component") : QStringLiteral("API") };
        if (i % 3 == 0)
            f[Facet::Tag] = { value(tags, 20) };
        if (i % 4 == 0)
            f[Facet::Lifecycle] = { QStringLiteral("production") };
        const QString w = nameWord();
        add(QStringLiteral("combined"),
            i % 5 == 0       ? typo(w.size() >= 5 ? w : QStringLiteral("payments"), r)
                : i % 5 == 1 ? w.left(2)
                             : w,
            f);
    }
    // Whole names, pasted.
    for (int i = 0; i < 50; ++i)
        add(QStringLiteral("full name"), entity().ref.name);
    // The empty query: the catalog page as it opens.
    add(QStringLiteral("empty"), QString());
    return cases;
}

struct Stats
{
    std::vector<double> ms;
    std::vector<double> cpu;
    qint64 results = 0;
};

double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    const size_t i = std::min(v.size() - 1, size_t(std::ceil(p / 100.0 * double(v.size()))) - (p > 0 ? 1 : 0));
    return v[i];
}

void printTable(QTextStream& out, const QString& title, const QList<Case>& cases, const std::vector<double>& ms,
    const std::vector<double>& cpu, const std::vector<int>& totals)
{
    std::map<QString, Stats> byCategory;
    QStringList order;
    Stats all;
    for (qsizetype i = 0; i < cases.size(); ++i) {
        if (!byCategory.count(cases.at(i).category))
            order.append(cases.at(i).category);
        for (Stats* s : { &byCategory[cases.at(i).category], &all }) {
            s->ms.push_back(ms[size_t(i)]);
            s->cpu.push_back(cpu[size_t(i)]);
            s->results += totals[size_t(i)];
        }
    }
    out << "\n" << title << " (wall-clock ms; cpu = this thread's CPU time)\n";
    out << QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8 %9\n")
               .arg(QStringLiteral("category"), -14)
               .arg(QStringLiteral("queries"), 7)
               .arg(QStringLiteral("p50"), 7)
               .arg(QStringLiteral("p90"), 7)
               .arg(QStringLiteral("p99"), 7)
               .arg(QStringLiteral("max"), 7)
               .arg(QStringLiteral("cpu p50"), 8)
               .arg(QStringLiteral("cpu p99"), 8)
               .arg(QStringLiteral("avg hits"), 9);
    const auto row = [&](const QString& name, const Stats& s) {
        out << QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8 %9\n")
                   .arg(name, -14)
                   .arg(qulonglong(s.ms.size()), 7)
                   .arg(percentile(s.ms, 50), 7, 'f', 3)
                   .arg(percentile(s.ms, 90), 7, 'f', 3)
                   .arg(percentile(s.ms, 99), 7, 'f', 3)
                   .arg(*std::max_element(s.ms.begin(), s.ms.end()), 7, 'f', 3)
                   .arg(percentile(s.cpu, 50), 8, 'f', 3)
                   .arg(percentile(s.cpu, 99), 8, 'f', 3)
                   .arg(double(s.results) / double(s.ms.size()), 9, 'f', 0);
    };
    for (const QString& c : order)
        row(c, byCategory[c]);
    row(QStringLiteral("ALL"), all);
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    const QStringList args = app.arguments();
    const int count = args.size() > 1 ? args.at(1).toInt() : 100000;
    const quint64 seed = args.size() > 2 ? args.at(2).toULongLong(nullptr, 0) : Bench::defaultCatalogSeed;
    if (count < 20) {
        QTextStream(stderr) << "usage: bench_search [ENTITIES>=20] [SEED]\n";
        return 2;
    }

    QElapsedTimer timer;
    const qint64 rssStart = statusKb("VmRSS");
    const qint64 heapStart = heapInUse();
    timer.start();
    const QList<Catalog::Entity> entities = Bench::generateCatalogEntities(count, seed);
    const qint64 generateMs = timer.elapsed();
    malloc_trim(0);
    const qint64 rssEntities = statusKb("VmRSS");
    const qint64 heapEntities = heapInUse();

    timer.restart();
    const SearchIndex index = SearchIndex::build(entities);
    const qint64 buildMs = timer.elapsed();
    const qint64 peakBuild = statusKb("VmHWM");
    malloc_trim(0);
    const qint64 rssIndex = statusKb("VmRSS");
    const qint64 heapIndex = heapInUse();

    out << "Catalog search benchmark: " << entities.size() << " generated entities (seed " << seed << "), "
        << QThread::idealThreadCount() << " cores\n";
    out << QStringLiteral("  generate entities   %1 ms; the entity list: heap +%2 MB, RSS +%3 MB\n")
               .arg(generateMs)
               .arg(double(heapEntities - heapStart) / 1048576.0, 0, 'f', 1)
               .arg(double(rssEntities - rssStart) / 1024.0, 0, 'f', 1);
    out << QStringLiteral("  build index         %1 ms; the index: heap +%2 MB, RSS +%3 MB, its own estimate %4 MB "
                          "(%5 terms); peak RSS during the build %6 MB\n")
               .arg(buildMs)
               .arg(double(heapIndex - heapEntities) / 1048576.0, 0, 'f', 1)
               .arg(double(rssIndex - rssEntities) / 1024.0, 0, 'f', 1)
               .arg(double(index.memoryUsage()) / 1048576.0, 0, 'f', 1)
               .arg(index.termCount())
               .arg(double(peakBuild) / 1024.0, 0, 'f', 1);

    const QList<Case> cases = queryMix(entities, index, seed);
    std::vector<double> ms(size_t(cases.size()));
    std::vector<double> cpu(size_t(cases.size()));
    std::vector<int> totals(size_t(cases.size()));
    const auto runAll = [&](int limit, bool facets, int facetLimit) {
        for (qsizetype i = 0; i < cases.size(); ++i) {
            SearchQuery q = cases.at(i).query;
            q.limit = limit;
            q.withFacets = facets;
            q.facetLimit = facetLimit;
            QElapsedTimer t;
            const double c0 = threadCpuMs();
            t.start();
            const auto result = index.search(q);
            ms[size_t(i)] = double(t.nsecsElapsed()) / 1e6;
            cpu[size_t(i)] = threadCpuMs() - c0;
            totals[size_t(i)] = result.total;
        }
    };
    out << "  load average before the queries: " << loadAverage() << "\n";
    runAll(-1, true, -1); // warm up: page in the index once
    runAll(-1, true, -1);
    printTable(
        out, QStringLiteral("All results, every facet value (%1 queries)").arg(cases.size()), cases, ms, cpu, totals);
    {
        // The slowest queries, to know where the time goes.
        std::vector<qsizetype> idx(size_t(cases.size()));
        for (qsizetype i = 0; i < cases.size(); ++i)
            idx[size_t(i)] = i;
        std::sort(idx.begin(), idx.end(), [&](qsizetype a, qsizetype b) { return ms[size_t(a)] > ms[size_t(b)]; });
        out << "  slowest:";
        for (size_t i = 0; i < 5 && i < idx.size(); ++i)
            out << QStringLiteral(" %1 (%2 ms, %3 hits);")
                       .arg(describe(cases.at(idx[i]).query))
                       .arg(ms[size_t(idx[i])], 0, 'f', 2)
                       .arg(totals[size_t(idx[i])]);
        out << "\n";
    }
    runAll(-1, true, 20);
    printTable(out, QStringLiteral("All results, top 20 values per facet"), cases, ms, cpu, totals);
    runAll(50, false, -1);
    printTable(out, QStringLiteral("First 50 results, no facets (quick search)"), cases, ms, cpu, totals);

    // Two threads searching the same index at once, as the UI and a worker might.
    {
        std::vector<double> ms2(size_t(cases.size()));
        QElapsedTimer wall;
        wall.start();
        QThread* other = QThread::create([&] {
            for (qsizetype i = 0; i < cases.size(); ++i)
                index.search(cases.at(cases.size() - 1 - i).query);
        });
        other->start();
        for (qsizetype i = 0; i < cases.size(); ++i) {
            QElapsedTimer t;
            t.start();
            index.search(cases.at(i).query);
            ms2[size_t(i)] = double(t.nsecsElapsed()) / 1e6;
        }
        other->wait();
        delete other;
        out << QStringLiteral("\nTwo threads at once: %1 queries in %2 ms; this thread's p50 %3 ms, p99 %4 ms\n")
                   .arg(cases.size() * 2)
                   .arg(wall.elapsed())
                   .arg(percentile(ms2, 50), 0, 'f', 3)
                   .arg(percentile(ms2, 99), 0, 'f', 3);
    }
    out << "Load average after: " << loadAverage() << "\n";
    out << QStringLiteral("Peak RSS %1 MB, current RSS %2 MB\n")
               .arg(double(statusKb("VmHWM")) / 1024.0, 0, 'f', 1)
               .arg(double(statusKb("VmRSS")) / 1024.0, 0, 'f', 1);
    return 0;
}
