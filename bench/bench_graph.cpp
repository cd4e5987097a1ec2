// SPDX-License-Identifier: Apache-2.0
// The relation graph at scale: neighbourhoods of a system in a generated catalog (depth 2, 3 and
// everything reachable, which is the whole catalog) and a random graph, each built, laid out and,
// when the bench is built with the views library (FLIGHTDECK_BENCH_VIEWS), measured for text,
// turned into paths and painted as full 1920x1080 frames into a QImage: fitted (the far level of
// detail) and at 100 % (boxes, text, curves). Prints numbers; never fails on time.
//
//   bench_graph [ENTITIES=5000] [RANDOM_NODES=5000 RANDOM_EDGES=10000]
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

#include <functional>
#include <limits>
#include <random>

using namespace Flightdeck;

namespace {

QString ms(qint64 us)
{
    return us < 0 ? QStringLiteral("-") : QString::number(double(us) / 1000.0, 'f', 1) + QStringLiteral(" ms");
}

// The best of several runs: the machine is shared and the first run warms caches.
qint64 bestOf(int runs, const std::function<void()>& f)
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

struct Case
{
    QString name;
    QList<QSizeF> sizes;
    QList<Catalog::LayoutEdge> edges;
    qint64 graphUs = -1; // building the graph from the catalog
#ifdef FLIGHTDECK_BENCH_VIEWS
    std::function<Views::GraphScene()> scene; // measured texts, laid out, paths built
#endif
};

void run(QTextStream& out, const Case& c)
{
    Catalog::GraphLayout layout;
    const qint64 layoutUs = bestOf(3, [&] { layout = Catalog::layoutGraph(c.sizes, c.edges); });
    out << c.name << ": " << c.sizes.size() << " nodes, " << c.edges.size() << " edges, " << layout.layerCount
        << " layers, " << layout.dummyCount << " bend points, crossings " << layout.initialCrossings << " -> "
        << layout.crossings << " (" << layout.sweeps << " sweeps)\n";
    if (c.graphUs >= 0)
        out << "  graph from the catalog         " << ms(c.graphUs) << "\n";
    out << "  layout                         " << ms(layoutUs) << "\n";
    qint64 total = std::max<qint64>(0, c.graphUs);
#ifdef FLIGHTDECK_BENCH_VIEWS
    Views::GraphScene scene;
    const qint64 sceneUs = bestOf(3, [&] { scene = c.scene(); });
    out << "  scene (measure, layout, paths) " << ms(sceneUs) << "\n";
    Views::RelationGraphView view;
    view.resize(1920, 1080);
    view.show();
    view.setScene(std::move(scene));
    QImage image(1920, 1080, QImage::Format_ARGB32_Premultiplied);
    const auto paint = [&] {
        QPainter p(&image);
        view.render(&p);
    };
    view.fitToView();
    const qint64 fitUs = bestOf(3, paint);
    out << "  paint 1920x1080, fitted        " << ms(fitUs) << "   (zoom " << QString::number(view.zoom(), 'f', 3) << ")\n";
    view.resetZoom();
    view.centerOnNode(view.scene().center >= 0 ? view.scene().center : 0);
    const qint64 fullUs = bestOf(3, paint);
    out << "  paint 1920x1080, 100 %         " << ms(fullUs) << "\n";
    total += sceneUs + std::max(fitUs, fullUs);
    out << "  graph + scene + paint          " << ms(total) << "   (target <= 1000 ms)\n";
#else
    total += layoutUs;
    out << "  graph + layout                 " << ms(total) << "   (painting: build with FLIGHTDECK_BENCH_VIEWS)\n";
#endif
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

    // A generated catalog, and the neighbourhood of its first system.
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
    int start = -1;
    for (int i = 0; i < catalog->size() && start < 0; ++i)
        if (catalog->entity(i).ref.kind == QLatin1String("System"))
            start = i;
    out << "catalog: " << catalog->size() << " entities, " << catalog->relationCount() << " relations; start "
        << catalog->entity(start).key << "\n";
    for (const int depth : {2, 3, -1}) {
        Catalog::RelationGraphQuery query;
        query.start = start;
        query.depth = depth;
        Catalog::RelationGraph graph;
        Case c;
        c.name = depth < 0 ? QStringLiteral("depth all") : QStringLiteral("depth %1").arg(depth);
        c.graphUs = bestOf(3, [&] { graph = Catalog::RelationGraph::build(*catalog, query); });
        // Sizes as the view measures them: about 8 pixels per character, 150 to 300 wide.
        for (const auto& node : std::as_const(graph.nodes))
            c.sizes.push_back(QSizeF(std::clamp<qreal>(60 + 8 * node.key.section(QLatin1Char('/'), 1).size(), 150, 300), 48));
        for (const auto& e : std::as_const(graph.edges))
            c.edges.push_back({e.from, e.to});
#ifdef FLIGHTDECK_BENCH_VIEWS
        const QFont font = QApplication::font();
        c.scene = [&catalog, graph, font] { return Views::buildGraphScene(*catalog, graph, font); };
#endif
        run(out, c);
    }

    // A random graph: the worst case for layering (long edges, many cycles).
    {
        std::mt19937 rng(20240611u);
        Case c;
        c.name = QStringLiteral("random graph");
        for (int i = 0; i < randomNodes; ++i)
            c.sizes.push_back(QSizeF(150 + rng() % 150, 48));
        while (c.edges.size() < randomEdges) {
            const int a = int(rng() % quint32(randomNodes)), b = int(rng() % quint32(randomNodes));
            c.edges.push_back({a, b});
        }
#ifdef FLIGHTDECK_BENCH_VIEWS
        const QList<Catalog::LayoutEdge> edges = c.edges;
        const int nodes = randomNodes;
        c.scene = [edges, nodes] {
            static const QString kinds[] = {QStringLiteral("Component"), QStringLiteral("API"), QStringLiteral("Resource"),
                                            QStringLiteral("System"), QStringLiteral("Group")};
            const Views::GraphNodeMetrics metrics(QApplication::font());
            Views::GraphScene scene;
            for (int i = 0; i < nodes; ++i) {
                Views::GraphSceneNode n;
                n.kind = kinds[i % 5];
                n.key = n.kind.toLower() + QStringLiteral(":default/node-") + QString::number(i);
                n.name = QStringLiteral("node-%1").arg(i);
                n.subtitle = n.kind;
                Views::measureGraphNode(n, metrics);
                scene.nodes.push_back(n);
            }
            scene.center = 0;
            scene.nodes[0].center = true;
            for (const auto& e : edges) {
                Views::GraphSceneEdge edge;
                edge.from = e.from;
                edge.to = e.to;
                edge.label = QStringLiteral("dependsOn");
                scene.edges.push_back(edge);
            }
            Views::layoutGraphScene(scene);
            return scene;
        };
#endif
        run(out, c);
    }
    return 0;
}
