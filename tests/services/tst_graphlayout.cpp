// SPDX-License-Identifier: Apache-2.0
// The relation graph around an entity (depth, direction, type filter, one edge per related pair
// and forward type, missing targets) and its layered layout: every edge routed between its own
// nodes, layers following edge direction, no overlaps, routes clear of other nodes, fewer
// crossings than the first order, determinism and the corner cases.
#include "catalog/graphlayout.h"
#include "sources/sourceload.h"

#include <QTest>

#include <random>

using namespace Flightdeck::Catalog;
using namespace Flightdeck::Sources;

namespace {

struct TestGraph
{
    QList<QSizeF> sizes;
    QList<LayoutEdge> edges;
};

// Deterministic random graph (std::mt19937 is specified exactly by the standard; the
// distributions are not, so only raw draws are used).
TestGraph randomGraph(int nodes, int edges, quint32 seed, bool allowLoops = false)
{
    std::mt19937 rng(seed);
    TestGraph g;
    for (int i = 0; i < nodes; ++i)
        g.sizes.push_back(QSizeF(80 + rng() % 120, 30 + rng() % 20));
    while (g.edges.size() < edges && nodes > 0) {
        const int a = int(rng() % quint32(nodes));
        const int b = int(rng() % quint32(nodes));
        if (a == b && !allowLoops)
            continue;
        g.edges.push_back({a, b});
    }
    return g;
}

bool onBorder(const QRectF& r, const QPointF& p)
{
    constexpr qreal eps = 0.01;
    const bool insideX = p.x() >= r.left() - eps && p.x() <= r.right() + eps;
    const bool insideY = p.y() >= r.top() - eps && p.y() <= r.bottom() + eps;
    if (!insideX || !insideY)
        return false;
    return std::abs(p.x() - r.left()) < eps || std::abs(p.x() - r.right()) < eps || std::abs(p.y() - r.top()) < eps
        || std::abs(p.y() - r.bottom()) < eps;
}

// Does the open segment a-b pass through the interior of r?
bool segmentHitsInterior(QPointF a, QPointF b, QRectF r)
{
    r.adjust(0.5, 0.5, -0.5, -0.5);
    if (r.isEmpty())
        return false;
    // Liang–Barsky clipping.
    qreal t0 = 0, t1 = 1;
    const qreal dx = b.x() - a.x(), dy = b.y() - a.y();
    const qreal p[4] = {-dx, dx, -dy, dy};
    const qreal q[4] = {a.x() - r.left(), r.right() - a.x(), a.y() - r.top(), r.bottom() - a.y()};
    for (int i = 0; i < 4; ++i) {
        if (p[i] == 0) {
            if (q[i] < 0)
                return false;
            continue;
        }
        const qreal t = q[i] / p[i];
        if (p[i] < 0)
            t0 = std::max(t0, t);
        else
            t1 = std::min(t1, t);
        if (t0 > t1)
            return false;
    }
    return true;
}

// Crossings between edges that join adjacent layers, counted from the drawn end points.
qint64 geometricCrossings(const GraphLayout& layout, const QList<LayoutEdge>& edges, bool leftToRight)
{
    struct Seg
    {
        int lowerLayer;
        qreal a, b;
    };
    QList<Seg> segs;
    for (qsizetype i = 0; i < edges.size(); ++i) {
        const EdgeRoute& r = layout.edges[i];
        if (r.selfLoop || r.points.size() < 2)
            continue;
        const int la = layout.layers[edges[i].from], lb = layout.layers[edges[i].to];
        if (std::abs(la - lb) != 1)
            continue;
        QPointF first = r.points.first(), last = r.points.last();
        if (la > lb)
            std::swap(first, last);
        const qreal a = leftToRight ? first.y() : first.x();
        const qreal b = leftToRight ? last.y() : last.x();
        segs.push_back({std::min(la, lb), a, b});
    }
    qint64 crossings = 0;
    for (qsizetype i = 0; i < segs.size(); ++i)
        for (qsizetype j = i + 1; j < segs.size(); ++j)
            if (segs[i].lowerLayer == segs[j].lowerLayer && (segs[i].a - segs[j].a) * (segs[i].b - segs[j].b) < 0)
                ++crossings;
    return crossings;
}

void verifyLayout(const GraphLayout& layout, const TestGraph& g, LayoutOrientation orientation)
{
    const bool leftToRight = orientation == LayoutOrientation::LeftToRight;
    QCOMPARE(layout.nodes.size(), g.sizes.size());
    QCOMPARE(layout.edges.size(), g.edges.size());
    QVERIFY(!layout.cancelled);
    // Sizes as given, inside the bounds.
    for (qsizetype v = 0; v < g.sizes.size(); ++v) {
        QCOMPARE(layout.nodes[v].size(), g.sizes[v]);
        QVERIFY2(layout.bounds.adjusted(-0.01, -0.01, 0.01, 0.01).contains(layout.nodes[v]), qPrintable(QString::number(v)));
    }
    // No two nodes overlap.
    for (qsizetype a = 0; a < layout.nodes.size(); ++a)
        for (qsizetype b = a + 1; b < layout.nodes.size(); ++b)
            QVERIFY2(!layout.nodes[a].adjusted(0.01, 0.01, -0.01, -0.01).intersects(layout.nodes[b]),
                     qPrintable(QStringLiteral("nodes %1 and %2 overlap").arg(a).arg(b)));
    // Every edge: a route from its own source to its own target, layers in edge direction unless
    // the edge was reversed to break a cycle.
    for (qsizetype i = 0; i < g.edges.size(); ++i) {
        const LayoutEdge& e = g.edges[i];
        const EdgeRoute& r = layout.edges[i];
        const QString what = QStringLiteral("edge %1 (%2 -> %3)").arg(i).arg(e.from).arg(e.to);
        QVERIFY2(r.points.size() >= 2, qPrintable(what));
        QVERIFY2(onBorder(layout.nodes[e.from], r.points.first()), qPrintable(what + QStringLiteral(" start")));
        QVERIFY2(onBorder(layout.nodes[e.to], r.points.last()), qPrintable(what + QStringLiteral(" end")));
        if (e.from == e.to) {
            QVERIFY(r.selfLoop);
            continue;
        }
        QVERIFY(!r.selfLoop);
        const int lf = layout.layers[e.from], lt = layout.layers[e.to];
        if (r.reversed)
            QVERIFY2(lf > lt, qPrintable(what));
        else
            QVERIFY2(lf < lt, qPrintable(what));
        // Straight runs stay clear of every node but the edge's own two.
        for (qsizetype k = 1; k < r.points.size(); ++k) {
            const QPointF a = r.points[k - 1], b = r.points[k];
            const bool straight = leftToRight ? qFuzzyCompare(a.y(), b.y()) : qFuzzyCompare(a.x(), b.x());
            for (qsizetype v = 0; v < layout.nodes.size(); ++v) {
                if (v == e.from || v == e.to)
                    continue;
                if (straight) {
                    QVERIFY2(!segmentHitsInterior(a, b, layout.nodes[v]), qPrintable(what + QStringLiteral(" runs through node %1").arg(v)));
                } else {
                    // A curve between two layers stays in the gap: no node reaches into it.
                    const qreal lo = leftToRight ? std::min(a.x(), b.x()) : std::min(a.y(), b.y());
                    const qreal hi = leftToRight ? std::max(a.x(), b.x()) : std::max(a.y(), b.y());
                    const QRectF& n = layout.nodes[v];
                    const qreal nlo = leftToRight ? n.left() : n.top();
                    const qreal nhi = leftToRight ? n.right() : n.bottom();
                    QVERIFY2(nhi <= lo + 0.01 || nlo >= hi - 0.01, qPrintable(what + QStringLiteral(" curves through node %1").arg(v)));
                }
            }
        }
    }
}

} // namespace

class tst_GraphLayout : public QObject
{
    Q_OBJECT

private:
    CatalogPtr m_catalog;

    static CatalogPtr load(const QString& dir)
    {
        CatalogSourceSpec spec;
        spec.name = QStringLiteral("test");
        spec.type = CatalogSourceSpec::Type::Directory;
        spec.path = dir;
        const SourceLoad s = loadLocalSource(spec, {});
        Catalog::BuildInput in;
        in.files = s.files;
        in.extraDiagnostics = s.diagnostics;
        return Catalog::build(in);
    }

    RelationGraph graphOf(const char* key, int depth, Direction direction, RelationTypeSet types = allRelationTypes) const
    {
        RelationGraphQuery q;
        q.start = m_catalog->indexOf(QString::fromLatin1(key));
        q.depth = depth;
        q.direction = direction;
        q.types = types;
        return RelationGraph::build(*m_catalog, q);
    }

    static QStringList nodeKeys(const RelationGraph& g)
    {
        QStringList keys;
        for (const RelationGraphNode& n : g.nodes)
            keys << n.key;
        keys.sort();
        return keys;
    }

    static QStringList edgeTexts(const RelationGraph& g)
    {
        QStringList out;
        for (const RelationGraphEdge& e : g.edges)
            out << g.nodes[e.from].key + QLatin1Char(' ') + relationTypeName(e.type) + QLatin1Char(' ') + g.nodes[e.to].key;
        out.sort();
        return out;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_catalog = load(QStringLiteral(FLIGHTDECK_TEST_DATA "/catalog/relations"));
        QVERIFY(m_catalog);
        QCOMPARE(m_catalog->size(), 15);
    }

    // ----- the relation graph -----

    void relationGraph_depthAndDirection_selectNeighbourhood_data()
    {
        QTest::addColumn<QString>("start");
        QTest::addColumn<int>("depth");
        QTest::addColumn<int>("direction");
        QTest::addColumn<int>("types");
        QTest::addColumn<int>("nodes");
        QTest::addColumn<int>("edges");
        const int all = int(allRelationTypes);
        const int parts = int(relationTypeBit(RelationType::PartOf));
        const QString payments = QStringLiteral("system:default/payments");
        // payments: ownedBy team-a, partOf payments-domain; hasPart checkout, ledger, checkout-api, checkout-db.
        QTest::newRow("depth 0") << payments << 0 << int(Direction::Both) << all << 1 << 0;
        // 13 edges: the six of payments, checkout ownedBy/providesApi/dependsOn×2, checkout-api and
        // checkout-db ownedBy team-a, ledger dependsOn checkout-db.
        QTest::newRow("depth 1 both") << payments << 1 << int(Direction::Both) << all << 7 << 13;
        QTest::newRow("depth 1 out") << payments << 1 << int(Direction::Out) << all << 3 << 2;
        QTest::newRow("depth 1 in") << payments << 1 << int(Direction::In) << all << 5 << 8;
        // + engineering, jdoe, commerce, checkout-worker, ledger-api, team-b, ledger-db: 29 relations
        // declared among them (counted by hand from the YAML); depth 3 adds asmith memberOf team-b.
        QTest::newRow("depth 2 both") << payments << 2 << int(Direction::Both) << all << 14 << 29;
        QTest::newRow("depth 3 both") << payments << 3 << int(Direction::Both) << all << 15 << 30;
        // Everything, and the missing group asmith names.
        QTest::newRow("all both") << payments << -1 << int(Direction::Both) << all << 16 << 31;
        // Out: team-a, payments-domain; then engineering (team-a childOf, domain ownedBy), commerce.
        QTest::newRow("all out") << payments << -1 << int(Direction::Out) << all << 5 << 6;
        // partOf/hasPart only: the four parts, payments-domain, commerce, checkout-worker.
        QTest::newRow("parts only") << payments << 2 << int(Direction::Both) << parts << 8 << 7;
        QTest::newRow("missing target") << QStringLiteral("user:default/asmith") << 1 << int(Direction::Both) << all << 3 << 2;
    }

    void relationGraph_depthAndDirection_selectNeighbourhood()
    {
        QFETCH(QString, start);
        QFETCH(int, depth);
        QFETCH(int, direction);
        QFETCH(int, types);
        QFETCH(int, nodes);
        QFETCH(int, edges);
        const RelationGraph g = graphOf(start.toLatin1().constData(), depth, Direction(direction), RelationTypeSet(types));
        QCOMPARE(g.center, 0);
        QCOMPARE(g.nodes.first().key, start);
        QVERIFY2(g.nodes.size() == nodes, qPrintable(nodeKeys(g).join(QLatin1Char('\n'))));
        QVERIFY2(g.edges.size() == edges, qPrintable(edgeTexts(g).join(QLatin1Char('\n'))));
        // Distances grow along the breadth-first order and stay within the depth.
        for (qsizetype i = 1; i < g.nodes.size(); ++i) {
            QVERIFY(g.nodes[i].distance >= g.nodes[i - 1].distance);
            QVERIFY(depth < 0 || g.nodes[i].distance <= depth);
        }
    }

    void relationGraph_forwardAndReverse_areOneEdgeWithForwardLabel()
    {
        const RelationGraph g = graphOf("system:default/payments", 1, Direction::Both);
        const QStringList edges = edgeTexts(g);
        QVERIFY(edges.contains(QStringLiteral("component:default/checkout partOf system:default/payments")));
        QVERIFY(edges.contains(QStringLiteral("system:default/payments ownedBy group:default/team-a")));
        QVERIFY(edges.contains(QStringLiteral("component:default/checkout dependsOn component:default/ledger")));
        for (const RelationGraphEdge& e : g.edges)
            QVERIFY2(isOutgoing(e.type), qPrintable(relationTypeName(e.type)));
        QCOMPARE(edges.count(QStringLiteral("component:default/checkout partOf system:default/payments")), 1);
    }

    void relationGraph_everyCatalogRelation_isAnEdge()
    {
        // Depth 2 both ways: every relation the catalog holds between two nodes of the graph is an
        // edge, in its forward form, and no edge is made up.
        const RelationGraph g = graphOf("system:default/payments", 2, Direction::Both);
        QHash<QString, int> nodeOf;
        for (qsizetype i = 0; i < g.nodes.size(); ++i)
            nodeOf.insert(g.nodes[i].key, int(i));
        QSet<QString> expected;
        for (const RelationGraphNode& n : g.nodes) {
            if (n.isMissing())
                continue;
            for (const Edge& e : m_catalog->relations(n.entity)) {
                const QString target = m_catalog->targetKey(e);
                if (!nodeOf.contains(target))
                    continue;
                expected.insert(isOutgoing(e.type)
                                    ? n.key + QLatin1Char(' ') + relationTypeName(e.type) + QLatin1Char(' ') + target
                                    : target + QLatin1Char(' ') + relationTypeName(reverseRelation(e.type)) + QLatin1Char(' ') + n.key);
            }
        }
        const QStringList actual = edgeTexts(g);
        QCOMPARE(QSet<QString>(actual.begin(), actual.end()), expected);
        QCOMPARE(actual.size(), expected.size());
    }

    void relationGraph_danglingTarget_isMissingNode()
    {
        const RelationGraph g = graphOf("user:default/asmith", 1, Direction::Both);
        int missing = -1;
        for (qsizetype i = 0; i < g.nodes.size(); ++i)
            if (g.nodes[i].isMissing())
                missing = int(i);
        QVERIFY(missing > 0);
        QCOMPARE(g.nodes[missing].key, QStringLiteral("group:default/teem-b"));
        QCOMPARE(edgeTexts(g).count(QStringLiteral("user:default/asmith memberOf group:default/teem-b")), 1);
    }

    void relationGraph_badStart_isEmpty()
    {
        RelationGraphQuery q;
        q.start = 999;
        const RelationGraph g = RelationGraph::build(*m_catalog, q);
        QVERIFY(g.nodes.isEmpty());
        QVERIFY(g.edges.isEmpty());
        QCOMPARE(g.center, -1);
    }

    // ----- the layout -----

    void countBilayerCrossings_matchesPairwiseCount_data()
    {
        QTest::addColumn<int>("seed");
        for (int seed = 1; seed <= 6; ++seed)
            QTest::newRow(qPrintable(QStringLiteral("seed %1").arg(seed))) << seed;
    }

    void countBilayerCrossings_matchesPairwiseCount()
    {
        QFETCH(int, seed);
        std::mt19937 rng {quint32(seed)};
        const int north = 1 + int(rng() % 20);
        const int south = 1 + int(rng() % 20);
        const int count = int(rng() % 60);
        QList<QPair<int, int>> segments;
        for (int i = 0; i < count; ++i)
            segments.push_back({int(rng() % quint32(north)), int(rng() % quint32(south))});
        qint64 pairwise = 0;
        for (qsizetype i = 0; i < segments.size(); ++i)
            for (qsizetype j = i + 1; j < segments.size(); ++j)
                if ((segments[i].first - segments[j].first) * (segments[i].second - segments[j].second) < 0)
                    ++pairwise;
        QCOMPARE(countBilayerCrossings(segments, south), pairwise);
    }

    void layout_emptyGraph_isEmpty()
    {
        const GraphLayout layout = layoutGraph({}, {});
        QVERIFY(layout.nodes.isEmpty());
        QVERIFY(layout.edges.isEmpty());
        QCOMPARE(layout.layerCount, 0);
        QVERIFY(layout.bounds.isEmpty());
    }

    void layout_singleNode_sitsAtOrigin()
    {
        const GraphLayout layout = layoutGraph({QSizeF(100, 40)}, {});
        QCOMPARE(layout.nodes.size(), 1);
        QCOMPARE(layout.nodes[0], QRectF(0, 0, 100, 40));
        QCOMPARE(layout.bounds, QRectF(0, 0, 100, 40));
    }

    void layout_graphs_areValid_data()
    {
        QTest::addColumn<int>("nodes");
        QTest::addColumn<int>("edges");
        QTest::addColumn<int>("seed");
        QTest::addColumn<bool>("loops");
        QTest::addColumn<int>("orientation");
        for (int o = 0; o < 2; ++o) {
            const char* name = o == 0 ? "LR" : "TB";
            QTest::newRow(qPrintable(QStringLiteral("tree %1").arg(QLatin1String(name)))) << 30 << 29 << 1 << false << o;
            QTest::newRow(qPrintable(QStringLiteral("sparse %1").arg(QLatin1String(name)))) << 60 << 70 << 2 << false << o;
            QTest::newRow(qPrintable(QStringLiteral("dense %1").arg(QLatin1String(name)))) << 40 << 160 << 3 << true << o;
            QTest::newRow(qPrintable(QStringLiteral("cyclic %1").arg(QLatin1String(name)))) << 120 << 240 << 4 << true << o;
            QTest::newRow(qPrintable(QStringLiteral("disconnected %1").arg(QLatin1String(name)))) << 50 << 12 << 5 << false << o;
        }
    }

    void layout_graphs_areValid()
    {
        QFETCH(int, nodes);
        QFETCH(int, edges);
        QFETCH(int, seed);
        QFETCH(bool, loops);
        QFETCH(int, orientation);
        TestGraph g = randomGraph(nodes, edges, quint32(seed), loops);
        if (QByteArray(QTest::currentDataTag()).startsWith("tree")) {
            g.edges.clear();
            for (int v = 1; v < nodes; ++v)
                g.edges.push_back({v / 3, v});
        }
        LayoutOptions options;
        options.orientation = LayoutOrientation(orientation);
        const GraphLayout layout = layoutGraph(g.sizes, g.edges, options);
        verifyLayout(layout, g, options.orientation);
        if (QTest::currentTestFailed())
            return;
        QVERIFY(layout.crossings <= layout.initialCrossings);
    }

    void layout_cycle_reversesOneEdge()
    {
        const QList<QSizeF> sizes(3, QSizeF(60, 30));
        const QList<LayoutEdge> edges {{0, 1}, {1, 2}, {2, 0}};
        const GraphLayout layout = layoutGraph(sizes, edges);
        int reversed = 0;
        for (const EdgeRoute& r : layout.edges)
            reversed += r.reversed ? 1 : 0;
        QCOMPARE(reversed, 1);
        QCOMPARE(layout.layerCount, 3);
        verifyLayout(layout, {sizes, edges}, LayoutOrientation::LeftToRight);
    }

    void layout_twoWayPair_keepsBothEdges()
    {
        // a dependsOn b and b partOf a: one edge each way, both drawn.
        const QList<QSizeF> sizes(2, QSizeF(60, 30));
        const QList<LayoutEdge> edges {{0, 1}, {1, 0}};
        const GraphLayout layout = layoutGraph(sizes, edges);
        verifyLayout(layout, {sizes, edges}, LayoutOrientation::LeftToRight);
        QVERIFY(layout.edges[0].reversed != layout.edges[1].reversed);
        QVERIFY(layout.edges[0].points.first() != layout.edges[1].points.last());
    }

    void layout_selfLoops_areDrawnBesideTheirNode()
    {
        const QList<QSizeF> sizes(3, QSizeF(100, 40));
        const QList<LayoutEdge> edges {{0, 0}, {0, 1}, {1, 1}, {1, 1}, {1, 2}};
        const GraphLayout layout = layoutGraph(sizes, edges);
        verifyLayout(layout, {sizes, edges}, LayoutOrientation::LeftToRight);
        QVERIFY(layout.edges[0].selfLoop);
        QVERIFY(layout.edges[2].selfLoop && layout.edges[3].selfLoop);
        QVERIFY(layout.edges[2].points != layout.edges[3].points);
        // The loops lie outside their node.
        for (int i : {0, 2, 3}) {
            const QRectF node = layout.nodes[edges[i].from];
            QVERIFY(!node.contains(layout.edges[i].labelPos));
            QVERIFY(layout.bounds.contains(layout.edges[i].labelPos));
        }
    }

    void layout_multiEdges_getDistinctRoutes()
    {
        // Three relations between the same pair (e.g. dependsOn, consumesApi, partOf), one long.
        const QList<QSizeF> sizes(4, QSizeF(90, 36));
        const QList<LayoutEdge> edges {{0, 1}, {0, 1}, {0, 1}, {0, 2}, {2, 3}, {0, 3}, {0, 3}};
        const GraphLayout layout = layoutGraph(sizes, edges);
        verifyLayout(layout, {sizes, edges}, LayoutOrientation::LeftToRight);
        QVERIFY(layout.edges[0].points != layout.edges[1].points);
        QVERIFY(layout.edges[1].points != layout.edges[2].points);
        QVERIFY(layout.edges[0].points.first() != layout.edges[1].points.first());
        QVERIFY(layout.edges[5].points != layout.edges[6].points);
        QVERIFY(layout.dummyCount >= 2);
    }

    void layout_knownGraphs_fewerCrossingsThanInputOrder_data()
    {
        QTest::addColumn<int>("layerSize");
        QTest::addColumn<QList<int>>("pairs"); // from,to,from,to… between layer 0 (0..k-1) and layer 1 (k..2k-1)
        QTest::addColumn<int>("optimum");
        // Reversed matching: every pair crosses in input order.
        QTest::newRow("reversed matching") << 4 << QList<int> {0, 7, 1, 6, 2, 5, 3, 4} << 0;
        // Two interleaved paths: untangled completely.
        QTest::newRow("interleaved paths") << 4 << QList<int> {0, 5, 0, 7, 1, 4, 1, 6, 2, 5, 3, 4} << 0;
        // K2,2 (one crossing nobody can avoid) and an edge across it.
        QTest::newRow("k22 and a crossing edge") << 3 << QList<int> {0, 5, 1, 3, 1, 4, 2, 3, 2, 4} << 1;
        // A ladder with rungs out of order.
        QTest::newRow("twisted ladder") << 5 << QList<int> {0, 9, 1, 7, 2, 5, 3, 8, 4, 6} << 0;
    }

    void layout_knownGraphs_fewerCrossingsThanInputOrder()
    {
        QFETCH(int, layerSize);
        QFETCH(QList<int>, pairs);
        QFETCH(int, optimum);
        const QList<QSizeF> sizes(2 * layerSize, QSizeF(80, 30));
        QList<LayoutEdge> edges;
        for (qsizetype i = 0; i + 1 < pairs.size(); i += 2)
            edges.push_back({pairs[i], pairs[i + 1]});
        // Right-hand nodes that only receive edges need an anchor on the left to stay in layer 1:
        // every edge already gives them one.
        LayoutOptions plain;
        plain.reduceCrossings = false;
        const GraphLayout before = layoutGraph(sizes, edges, plain);
        const GraphLayout after = layoutGraph(sizes, edges);
        verifyLayout(before, {sizes, edges}, LayoutOrientation::LeftToRight);
        verifyLayout(after, {sizes, edges}, LayoutOrientation::LeftToRight);
        const qint64 drawnBefore = geometricCrossings(before, edges, true);
        const qint64 drawnAfter = geometricCrossings(after, edges, true);
        QCOMPARE(drawnBefore, before.initialCrossings);
        QCOMPARE(drawnAfter, after.crossings);
        QVERIFY2(drawnAfter < drawnBefore, qPrintable(QStringLiteral("%1 -> %2").arg(drawnBefore).arg(drawnAfter)));
        QCOMPARE(drawnAfter, qint64(optimum));
    }

    void layout_sameInput_sameLayout()
    {
        const TestGraph g = randomGraph(400, 900, 7, true);
        const GraphLayout a = layoutGraph(g.sizes, g.edges);
        const GraphLayout b = layoutGraph(g.sizes, g.edges);
        QCOMPARE(a.nodes, b.nodes);
        QCOMPARE(a.layers, b.layers);
        QCOMPARE(a.bounds, b.bounds);
        for (qsizetype i = 0; i < a.edges.size(); ++i) {
            QCOMPARE(a.edges[i].points, b.edges[i].points);
            QCOMPARE(a.edges[i].reversed, b.edges[i].reversed);
        }
    }

    void layout_cancelled_stopsWithEmptyResult()
    {
        const TestGraph g = randomGraph(300, 600, 9);
        LayoutOptions options;
        options.cancelled = [] { return true; };
        const GraphLayout layout = layoutGraph(g.sizes, g.edges, options);
        QVERIFY(layout.cancelled);
    }

    void layout_badEdges_areLeftWithoutRoute()
    {
        const QList<QSizeF> sizes(2, QSizeF(50, 20));
        const GraphLayout layout = layoutGraph(sizes, {{0, 1}, {0, 5}, {-1, 0}});
        QCOMPARE(layout.edges.size(), 3);
        QVERIFY(!layout.edges[0].points.isEmpty());
        QVERIFY(layout.edges[1].points.isEmpty());
        QVERIFY(layout.edges[2].points.isEmpty());
    }

    void layout_fiveThousandRandomNodes_completes()
    {
        const TestGraph g = randomGraph(5000, 10000, 11, true);
        const GraphLayout layout = layoutGraph(g.sizes, g.edges);
        QCOMPARE(layout.nodes.size(), 5000);
        QCOMPARE(layout.edges.size(), 10000);
        QVERIFY(!layout.cancelled);
        for (qsizetype i = 0; i < g.edges.size(); ++i) {
            const EdgeRoute& r = layout.edges[i];
            QVERIFY(r.points.size() >= 2);
            QVERIFY(onBorder(layout.nodes[g.edges[i].from], r.points.first()));
            QVERIFY(onBorder(layout.nodes[g.edges[i].to], r.points.last()));
        }
        // No overlaps, checked per layer (nodes of different layers sit in different columns).
        QHash<int, QList<QRectF>> byLayer;
        for (qsizetype v = 0; v < layout.nodes.size(); ++v)
            byLayer[layout.layers[v]].push_back(layout.nodes[v]);
        for (auto it = byLayer.begin(); it != byLayer.end(); ++it) {
            QList<QRectF>& rects = it.value();
            std::sort(rects.begin(), rects.end(), [](const QRectF& a, const QRectF& b) { return a.top() < b.top(); });
            for (qsizetype k = 1; k < rects.size(); ++k)
                QVERIFY(rects[k - 1].bottom() <= rects[k].top() + 0.01);
        }
        QVERIFY(layout.crossings <= layout.initialCrossings);
    }
};

QTEST_GUILESS_MAIN(tst_GraphLayout)
#include "tst_graphlayout.moc"
