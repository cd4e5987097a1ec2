// SPDX-License-Identifier: Apache-2.0
// The relation graph at scale: the neighbourhood of an entity in a generated catalog (depth
// "all", both directions) and a random graph of 5,000 nodes and 10,000 edges, each built, laid
// out and (when the bench is linked with the views library) drawn as a full 1920x1080 frame.
// Prints numbers; never fails on time.
//
//   bench_graph [ENTITIES] [RANDOM_NODES RANDOM_EDGES]
#include "cataloggenerator.h"

#include "catalog/catalog.h"
#include "catalog/graphlayout.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTextStream>

#ifdef FLIGHTDECK_BENCH_VIEWS
#include "widgets/graphscene.h"
#include "widgets/relationgraphview.h"

#include <QApplication>
#include <QImage>
#include <QPainter>
#endif

#include <random>

using namespace Flightdeck;

namespace {

struct Numbers
{
    qint64 buildUs = 0;
    qint64 layoutUs = 0;
    qint64 paintFitUs = -1;
    qint64 paintZoomUs = -1;
};

QString ms(qint64 us)
{
    return us < 0 ? QStringLiteral("-") : QString::number(double(us) / 1000.0, 'f', 1) + QStringLiteral(" ms");
}

// Several runs, the best kept: the machine is shared and the first run warms caches.
template <typename F> qint64 bestOf(int runs, F&& f)
{
    qint64 best = std::numeric_limits<qint64>::max();
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer t;
        t.start();
        f();
        best = std::min(best, t.nsecsElapsed() / 1000);
    }
    return best;
}

void report(QTextStream& out, const QString& name, int nodes, int edges, const Catalog::GraphLayout& layout,
            const Numbers& n)
{
    out << name << ": " << nodes << " nodes, " << edges << " edges, " << layout.layerCount << " layers, "
        << layout.dummyCount << " bend points, crossings " << layout.initialCrossings << " -> " << layout.crossings
        << " in " << layout.sweeps << " sweeps\n";
    if (n.buildUs >= 0)
        out << "  graph from catalog      " << ms(n.buildUs) << "\n";
    out << "  layout                  " << ms(n.layoutUs) << "\n";
    out << "  paint 1920x1080 (fit)   " << ms(n.paintFitUs) << "\n";
    out << "  paint 1920x1080 (100%)  " << ms(n.paintZoomUs) << "\n";
    const qint64 total = n.layoutUs + std::max<qint64>(0, n.paintFitUs) + std::max<qint64>(0, n.buildUs);
    out << "  build + layout + paint  " << ms(total) << "   (target <= 1000 ms)\n";
    out.flush();
}

} // namespace

int main(int argc, char** argv)
{
#ifdef FLIGHTDECK_BENCH_VIEWS
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
#else
    QCoreApplication app(argc, argv);
#endif
    QTextStream out(stdout);
    const QStringList args = app.arguments();
    const int entities = args.size() > 1 ? args[1].toInt() : 5000;
    const int randomNodes = args.size() > 2 ? args[2].toInt() : 5000;
    const int randomEdges = args.size() > 3 ? args[3].toInt() : 10000;
    if (entities < 20 || randomNodes < 1 || randomEdges < 0) {
        QTextStream(stderr) << "usage: bench_graph [ENTITIES>=20] [RANDOM_NODES RANDOM_EDGES]\n";
        return 2;
    }

    const auto drawAndReport = [&](const QString& name, const QList<QSizeF>& sizes, const QList<Catalog::LayoutEdge>& edges,
                                   Numbers numbers, const std::function<void(Catalog::GraphLayout&)>& extra) {
        Catalog::GraphLayout layout;
        numbers.layoutUs = bestOf(3, [&] { layout = Catalog::layoutGraph(sizes, edges); });
        extra(layout);
        report(out, name, int(sizes.size()), int(edges.size()), layout, numbers);
    };

    // A generated catalog: everything connected to one team, the way the Relations tab's "all" shows it.
    {
        Bench::CatalogOptions options;
        options.entities = entities;
        options.files = false;
        Bench::GeneratedCatalog generated = Bench::generateCatalog(options);
        Catalog::FileLoad file;
        file.file = QStringLiteral("generated");
        file.entities = std::move(generated.entities);
        Catalog::Catalog::BuildInput input;
        input.files = {file};
        input.buildSearchIndex = false;
        const Catalog::CatalogPtr catalog = Catalog::Catalog::build(input);
        // The largest system: its neighbourhood, two hops both ways and everything reachable.
        int start = -1;
        for (int i = 0; i < catalog->size() && start < 0; ++i)
            if (catalog->entity(i).ref.kind == QLatin1String("System"))
                start = i;
        for (const int depth : {2, 3, -1}) {
            Catalog::RelationGraphQuery query;
            query.start = start;
            query.depth = depth;
            Catalog::RelationGraph graph;
            Numbers numbers;
            numbers.buildUs = bestOf(3, [&] { graph = Catalog::RelationGraph::build(*catalog, query); });
            QList<QSizeF> sizes;
            for (const auto& node : std::as_const(graph.nodes))
                sizes.push_back(QSizeF(120 + 6 * (node.key.size() % 20), 48));
            QList<Catalog::LayoutEdge> edges;
            for (const auto& e : std::as_const(graph.edges))
                edges.push_back({e.from, e.to});
            drawAndReport(QStringLiteral("catalog of %1, %2 depth %3").arg(catalog->size()).arg(catalog->entity(start).key).arg(depth),
                          sizes, edges, numbers, [](Catalog::GraphLayout&) {});
        }
    }

    // A random graph: the worst case for layering (long edges, many cycles).
    {
        std::mt19937 rng(20240611u);
        QList<QSizeF> sizes;
        for (int i = 0; i < randomNodes; ++i)
            sizes.push_back(QSizeF(120 + rng() % 120, 48));
        QList<Catalog::LayoutEdge> edges;
        while (edges.size() < randomEdges) {
            const int a = int(rng() % quint32(randomNodes)), b = int(rng() % quint32(randomNodes));
            edges.push_back({a, b});
        }
        Numbers numbers;
        numbers.buildUs = -1;
        drawAndReport(QStringLiteral("random graph"), sizes, edges, numbers, [](Catalog::GraphLayout&) {});
    }
    return 0;
}
