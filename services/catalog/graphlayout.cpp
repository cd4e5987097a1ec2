// SPDX-License-Identifier: Apache-2.0
#include "graphlayout.h"

#include <QSet>
#include <QElapsedTimer>
#include <cstdio>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <queue>
#include <unordered_set>
#include <vector>

namespace Flightdeck::Catalog {

// ---------------------------------------------------------------------------------------------
// RelationGraph
// ---------------------------------------------------------------------------------------------

RelationGraph RelationGraph::build(const Catalog& catalog, const RelationGraphQuery& query)
{
    RelationGraph g;
    if (query.start < 0 || query.start >= catalog.size())
        return g;
    const auto allowedType = [&](RelationType t) {
        return (query.types & (relationTypeBit(t) | relationTypeBit(reverseRelation(t)))) != 0;
    };
    const auto follows = [&](RelationType t) {
        switch (query.direction) {
        case Direction::Out: return isOutgoing(t);
        case Direction::In: return !isOutgoing(t);
        case Direction::Both: break;
        }
        return true;
    };

    std::vector<int> nodeOfEntity(size_t(catalog.size()), -1);
    QHash<qint32, int> nodeOfDangling; // lookups only, never iterated: order stays deterministic
    const auto addNode = [&](const Edge& e, int distance) -> int {
        if (!e.isDangling()) {
            int& n = nodeOfEntity[size_t(e.target)];
            if (n < 0) {
                n = int(g.nodes.size());
                g.nodes.push_back({e.target, catalog.entity(e.target).key, distance});
            }
            return n;
        }
        auto it = nodeOfDangling.constFind(e.target);
        if (it != nodeOfDangling.constEnd())
            return *it;
        const int n = int(g.nodes.size());
        g.nodes.push_back({-1, catalog.targetKey(e), distance});
        nodeOfDangling.insert(e.target, n);
        return n;
    };

    nodeOfEntity[size_t(query.start)] = 0;
    g.nodes.push_back({query.start, catalog.entity(query.start).key, 0});
    g.center = 0;
    // Breadth-first: nodes are appended in discovery order, so the list is the queue.
    for (qsizetype head = 0; head < g.nodes.size(); ++head) {
        const RelationGraphNode node = g.nodes[head];
        if (node.isMissing() || (query.depth >= 0 && node.distance >= query.depth))
            continue;
        for (const Edge& e : catalog.relations(node.entity))
            if (allowedType(e.type) && follows(e.type))
                addNode(e, node.distance + 1);
    }

    // Every relation of an allowed type between two nodes, once per pair and forward type.
    QSet<quint64> seen;
    const auto edgeKey = [](int from, int to, RelationType t) {
        return (quint64(quint32(from)) << 36) | (quint64(quint32(to)) << 4) | quint64(t);
    };
    for (qsizetype i = 0; i < g.nodes.size(); ++i) {
        const RelationGraphNode& node = g.nodes[i];
        if (node.isMissing())
            continue;
        for (const Edge& e : catalog.relations(node.entity)) {
            if (!allowedType(e.type))
                continue;
            int other = -1;
            if (e.isDangling()) {
                auto it = nodeOfDangling.constFind(e.target);
                other = it == nodeOfDangling.constEnd() ? -1 : *it;
            } else {
                other = nodeOfEntity[size_t(e.target)];
            }
            if (other < 0)
                continue;
            RelationGraphEdge edge {int(i), other, e.type};
            if (!isOutgoing(e.type))
                edge = {other, int(i), reverseRelation(e.type)};
            const quint64 key = edgeKey(edge.from, edge.to, edge.type);
            if (seen.contains(key))
                continue;
            seen.insert(key);
            g.edges.push_back(edge);
        }
    }
    return g;
}

// ---------------------------------------------------------------------------------------------
// Layout
// ---------------------------------------------------------------------------------------------

qint64 countBilayerCrossings(QList<QPair<int, int>> segments, int southLayerSize)
{
    if (segments.size() < 2 || southLayerSize < 2)
        return 0;
    std::sort(segments.begin(), segments.end());
    int firstIndex = 1;
    while (firstIndex < southLayerSize)
        firstIndex *= 2;
    std::vector<qint64> tree(size_t(2 * firstIndex - 1), 0);
    --firstIndex;
    qint64 crossings = 0;
    for (const auto& s : std::as_const(segments)) {
        int index = s.second + firstIndex;
        ++tree[size_t(index)];
        while (index > 0) {
            if (index % 2)
                crossings += tree[size_t(index + 1)];
            index = (index - 1) / 2;
            ++tree[size_t(index)];
        }
    }
    return crossings;
}

namespace {

// Compressed adjacency: the neighbours of v are items[offsets[v] .. offsets[v + 1]).
struct Csr
{
    std::vector<int> offsets;
    std::vector<int> items;
    const int* begin(int v) const { return items.data() + offsets[size_t(v)]; }
    const int* end(int v) const { return items.data() + offsets[size_t(v) + 1]; }
    int count(int v) const { return offsets[size_t(v) + 1] - offsets[size_t(v)]; }

    static Csr build(int n, const std::vector<std::pair<int, int>>& pairs)
    {
        Csr c;
        c.offsets.assign(size_t(n) + 1, 0);
        for (const auto& p : pairs)
            ++c.offsets[size_t(p.first) + 1];
        for (int i = 0; i < n; ++i)
            c.offsets[size_t(i) + 1] += c.offsets[size_t(i)];
        c.items.resize(pairs.size());
        std::vector<int> fill(c.offsets.begin(), c.offsets.end() - 1);
        for (const auto& p : pairs)
            c.items[size_t(fill[size_t(p.first)]++)] = p.second;
        return c;
    }
};

// Eades, Lin & Smyth's greedy heuristic: a vertex sequence in which few edges point backwards.
// Sinks go to the end, sources to the front, otherwise the vertex with the largest
// out-degree minus in-degree goes next. Ties go to the lower index, so the result is stable.
std::vector<int> greedyAcyclicOrder(int n, const std::vector<std::pair<int, int>>& edges)
{
    std::vector<std::pair<int, int>> reversed;
    reversed.reserve(edges.size());
    for (const auto& e : edges)
        reversed.push_back({e.second, e.first});
    const Csr out = Csr::build(n, edges);
    const Csr in = Csr::build(n, reversed);
    std::vector<int> outDeg(static_cast<size_t>(n)), inDeg(static_cast<size_t>(n));
    for (int v = 0; v < n; ++v) {
        outDeg[size_t(v)] = out.count(v);
        inDeg[size_t(v)] = in.count(v);
    }
    std::vector<char> removed(size_t(n), 0);
    std::vector<int> sinks, sources;
    std::priority_queue<std::pair<int, int>> best; // (out - in, -v), lazily updated
    for (int v = 0; v < n; ++v) {
        if (outDeg[size_t(v)] == 0)
            sinks.push_back(v);
        else if (inDeg[size_t(v)] == 0)
            sources.push_back(v);
        best.push({outDeg[size_t(v)] - inDeg[size_t(v)], -v});
    }
    size_t sinkHead = 0, sourceHead = 0;
    std::vector<int> front, back;
    front.reserve(size_t(n));
    const auto remove = [&](int v) {
        removed[size_t(v)] = 1;
        for (const int* w = out.begin(v); w != out.end(v); ++w) {
            if (removed[size_t(*w)])
                continue;
            if (--inDeg[size_t(*w)] == 0)
                sources.push_back(*w);
            best.push({outDeg[size_t(*w)] - inDeg[size_t(*w)], -*w});
        }
        for (const int* u = in.begin(v); u != in.end(v); ++u) {
            if (removed[size_t(*u)])
                continue;
            if (--outDeg[size_t(*u)] == 0)
                sinks.push_back(*u);
            best.push({outDeg[size_t(*u)] - inDeg[size_t(*u)], -*u});
        }
    };
    int remaining = n;
    while (remaining > 0) {
        if (sinkHead < sinks.size()) {
            const int v = sinks[sinkHead++];
            if (!removed[size_t(v)]) {
                back.push_back(v);
                remove(v);
                --remaining;
            }
            continue;
        }
        if (sourceHead < sources.size()) {
            const int v = sources[sourceHead++];
            if (!removed[size_t(v)]) {
                front.push_back(v);
                remove(v);
                --remaining;
            }
            continue;
        }
        while (!best.empty()) {
            const auto [delta, negV] = best.top();
            best.pop();
            const int v = -negV;
            if (removed[size_t(v)] || delta != outDeg[size_t(v)] - inDeg[size_t(v)])
                continue;
            front.push_back(v);
            remove(v);
            --remaining;
            break;
        }
    }
    front.insert(front.end(), back.rbegin(), back.rend());
    return front;
}

struct Layered
{
    int real = 0;                  // nodes 0..real-1 are the caller's; the rest are dummies
    int total = 0;
    int layerCount = 0;
    std::vector<int> layer;        // per node
    std::vector<qreal> orderSize;  // extent along the order axis
    std::vector<int> dummyEdge;    // for dummies: the layered edge they belong to; -1 for real nodes
    std::vector<int> order;        // nodes by layer, then by position
    std::vector<int> layerStart;   // order[layerStart[L] .. layerStart[L + 1])
    std::vector<int> pos;          // position of a node within its layer
    Csr up, down;                  // neighbours in the previous and in the next layer
    qint64 segments = 0;

    bool isDummy(int v) const { return dummyEdge[size_t(v)] >= 0; }
    int layerSize(int l) const { return layerStart[size_t(l) + 1] - layerStart[size_t(l)]; }
    int* layerBegin(int l) { return order.data() + layerStart[size_t(l)]; }
    int* layerEnd(int l) { return order.data() + layerStart[size_t(l) + 1]; }
    void updatePositions(int l)
    {
        int i = 0;
        for (int* v = layerBegin(l); v != layerEnd(l); ++v)
            pos[size_t(*v)] = i++;
    }

    // Renumbers the nodes in the current order, so that passes over layers and their neighbours
    // walk memory in order (with hundreds of thousands of dummies, cache misses dominate).
    // ids lists node ids held elsewhere; they are renumbered too.
    void renumber(std::initializer_list<std::vector<int>*> ids)
    {
        std::vector<int> newId(static_cast<size_t>(total));
        for (int i = 0; i < total; ++i)
            newId[size_t(order[size_t(i)])] = i;
        const auto permute = [&](auto& values) {
            std::remove_reference_t<decltype(values)> moved(values.size());
            for (int v = 0; v < total; ++v)
                moved[size_t(newId[size_t(v)])] = values[size_t(v)];
            values = std::move(moved);
        };
        permute(layer);
        permute(orderSize);
        permute(dummyEdge);
        permute(pos);
        const auto remap = [&](Csr& c) {
            Csr moved;
            moved.offsets.resize(c.offsets.size());
            moved.items.resize(c.items.size());
            moved.offsets[0] = 0;
            for (int i = 0; i < total; ++i) {
                const int old = order[size_t(i)];
                int* out = moved.items.data() + moved.offsets[size_t(i)];
                for (const int* w = c.begin(old); w != c.end(old); ++w)
                    *out++ = newId[size_t(*w)];
                moved.offsets[size_t(i) + 1] = moved.offsets[size_t(i)] + c.count(old);
            }
            c = std::move(moved);
        };
        remap(up);
        remap(down);
        for (std::vector<int>* list : ids)
            for (int& v : *list)
                v = newId[size_t(v)];
        for (int i = 0; i < total; ++i)
            order[size_t(i)] = i;
    }
};

qint64 totalCrossings(const Layered& g)
{
    qint64 total = 0;
    std::vector<int> south;
    std::vector<int> tree;
    for (int l = 0; l + 1 < g.layerCount; ++l) {
        const int southSize = g.layerSize(l + 1);
        if (southSize < 2)
            continue;
        south.clear();
        for (int i = g.layerStart[size_t(l)]; i < g.layerStart[size_t(l) + 1]; ++i) {
            const int v = g.order[size_t(i)];
            const int count = g.down.count(v);
            if (count == 1) { // most nodes: dummies
                south.push_back(g.pos[size_t(*g.down.begin(v))]);
                continue;
            }
            const size_t first = south.size();
            for (const int* w = g.down.begin(v); w != g.down.end(v); ++w)
                south.push_back(g.pos[size_t(*w)]);
            std::sort(south.begin() + qsizetype(first), south.end());
        }
        if (south.size() < 2)
            continue;
        int firstIndex = 1;
        while (firstIndex < southSize)
            firstIndex *= 2;
        tree.assign(size_t(2 * firstIndex - 1), 0);
        --firstIndex;
        for (const int p : south) {
            int index = p + firstIndex;
            ++tree[size_t(index)];
            while (index > 0) {
                if (index % 2)
                    total += tree[size_t(index + 1)];
                index = (index - 1) / 2;
                ++tree[size_t(index)];
            }
        }
    }
    return total;
}

// Reorders layer l by the barycenter of each node's neighbours in the fixed adjacent layer.
// Nodes without such neighbours keep their position. Sort keys are packed into integers (the
// bit pattern of a non-negative float orders like the float), which sorts several times faster.
void sortLayer(Layered& g, int l, const Csr& adjacency, bool biasRight, std::vector<quint64>& keys,
               std::vector<int>& scratch)
{
    keys.clear();
    std::vector<std::pair<int, int>> fixed; // (index, node)
    int* begin = g.layerBegin(l);
    const int size = g.layerSize(l);
    scratch.assign(begin, begin + size);
    for (int index = 0; index < size; ++index) {
        const int v = begin[index];
        const int count = adjacency.count(v);
        if (count == 0) {
            fixed.push_back({index, v});
            continue;
        }
        qint64 sum = 0;
        for (const int* w = adjacency.begin(v); w != adjacency.end(v); ++w)
            sum += g.pos[size_t(*w)];
        const float barycenter = float(double(sum) / count);
        quint32 bits;
        std::memcpy(&bits, &barycenter, sizeof bits);
        const quint32 tie = biasRight ? quint32(size - 1 - index) : quint32(index);
        keys.push_back((quint64(bits) << 32) | tie);
    }
    std::sort(keys.begin(), keys.end());
    int position = 0;
    size_t f = 0;
    const auto takeFixed = [&] {
        while (f < fixed.size() && fixed[f].first <= position)
            begin[position++] = fixed[f++].second;
    };
    takeFixed();
    for (const quint64 key : keys) {
        const quint32 tie = quint32(key & 0xffffffffu);
        const int index = biasRight ? size - 1 - int(tie) : int(tie);
        begin[position++] = scratch[size_t(index)];
        takeFixed();
    }
    while (f < fixed.size())
        begin[position++] = fixed[f++].second;
    g.updatePositions(l);
}

using Layering = std::vector<std::vector<int>>;

quint64 pairKey(int a, int b)
{
    if (a > b)
        std::swap(a, b);
    return (quint64(quint32(a)) << 32) | quint32(b);
}

// Brandes & Köpf, "Fast and Simple Horizontal Coordinate Assignment" (2001), as refined by
// dagre: four alignments (up/down × left/right), each compacted, then balanced.
class CoordinateAssignment
{
public:
    CoordinateAssignment(const Layered& g, const LayoutOptions& options)
        : m_g(g)
        , m_options(options)
    {
    }

    qreal separation(int a, int b) const
    {
        const bool da = m_g.isDummy(a), db = m_g.isDummy(b);
        const qreal gap = da && db ? m_options.edgeSpacing
            : (da || db)           ? (m_options.edgeSpacing + m_options.nodeSpacing) / 2
                                   : m_options.nodeSpacing;
        return (m_g.orderSize[size_t(a)] + m_g.orderSize[size_t(b)]) / 2 + gap;
    }

    std::vector<qreal> run()
    {
        const int total = m_g.total;
        Layering base(size_t(m_g.layerCount));
        for (int l = 0; l < m_g.layerCount; ++l)
            base[size_t(l)].assign(m_g.order.begin() + m_g.layerStart[size_t(l)],
                                   m_g.order.begin() + m_g.layerStart[size_t(l) + 1]);
        QElapsedTimer T; T.start();
        const bool trace = qEnvironmentVariableIsSet("TRACE");
        findType1Conflicts(base);
        if (trace) fprintf(stderr, "  conflicts %zu %.1f\n", m_conflicts.size(), T.nsecsElapsed()/1e6);

        std::vector<qreal> xs[4];
        for (int variant = 0; variant < 4; ++variant) {
            const bool upward = variant < 2;
            const bool right = variant % 2 == 1;
            Layering layering = base;
            if (!upward)
                std::reverse(layering.begin(), layering.end());
            if (right)
                for (auto& layer : layering)
                    std::reverse(layer.begin(), layer.end());
            std::vector<int> root, align;
            if (trace) fprintf(stderr, "  copy %.1f\n", T.nsecsElapsed()/1e6);
            verticalAlignment(layering, upward ? m_g.up : m_g.down, root, align);
            if (trace) fprintf(stderr, "  align %.1f\n", T.nsecsElapsed()/1e6);
            xs[variant] = horizontalCompaction(layering, root);
            if (trace) fprintf(stderr, "  compact %.1f\n", T.nsecsElapsed()/1e6);
            if (right)
                for (qreal& x : xs[variant])
                    x = -x;
        }

        // Align every layout to the narrowest one, then take the average median per node.
        int narrowest = 0;
        qreal narrowestWidth = std::numeric_limits<qreal>::max();
        qreal minOf[4], maxOf[4];
        for (int variant = 0; variant < 4; ++variant) {
            qreal lo = std::numeric_limits<qreal>::max(), hi = std::numeric_limits<qreal>::lowest();
            for (int v = 0; v < total; ++v) {
                lo = std::min(lo, xs[variant][size_t(v)] - m_g.orderSize[size_t(v)] / 2);
                hi = std::max(hi, xs[variant][size_t(v)] + m_g.orderSize[size_t(v)] / 2);
            }
            minOf[variant] = lo;
            maxOf[variant] = hi;
            if (hi - lo < narrowestWidth) {
                narrowestWidth = hi - lo;
                narrowest = variant;
            }
        }
        for (int variant = 0; variant < 4; ++variant) {
            if (variant == narrowest)
                continue;
            const qreal delta = variant % 2 == 0 ? minOf[narrowest] - minOf[variant] : maxOf[narrowest] - maxOf[variant];
            for (qreal& x : xs[variant])
                x += delta;
        }
        if (trace) fprintf(stderr, "  shift %.1f\n", T.nsecsElapsed()/1e6);
        std::vector<qreal> result(static_cast<size_t>(total));
        for (int v = 0; v < total; ++v) {
            qreal values[4] = {xs[0][size_t(v)], xs[1][size_t(v)], xs[2][size_t(v)], xs[3][size_t(v)]};
            std::sort(values, values + 4);
            result[size_t(v)] = (values[1] + values[2]) / 2;
        }
        return result;
    }

private:
    // The dummy above a dummy: the two form an inner segment of a long edge.
    int innerSegmentAbove(int v) const
    {
        if (!m_g.isDummy(v))
            return -1;
        for (const int* u = m_g.up.begin(v); u != m_g.up.end(v); ++u)
            if (m_g.isDummy(*u))
                return *u;
        return -1;
    }

    // A segment that crosses an inner segment loses: long edges stay straight.
    void findType1Conflicts(const Layering& layering)
    {
        m_hasConflict.assign(size_t(m_g.total), 0);
        for (size_t l = 1; l < layering.size(); ++l) {
            const auto& previous = layering[l - 1];
            const auto& layer = layering[l];
            int k0 = 0;
            size_t scan = 0;
            for (size_t i = 0; i < layer.size(); ++i) {
                const int v = layer[i];
                const int w = innerSegmentAbove(v);
                const int k1 = w >= 0 ? m_g.pos[size_t(w)] : int(previous.size());
                if (w < 0 && i + 1 != layer.size())
                    continue;
                for (; scan <= i; ++scan) {
                    const int s = layer[scan];
                    for (const int* u = m_g.up.begin(s); u != m_g.up.end(s); ++u) {
                        const int p = m_g.pos[size_t(*u)];
                        if ((p < k0 || k1 < p) && !(m_g.isDummy(*u) && m_g.isDummy(s))) {
                            m_conflicts.insert(pairKey(*u, s));
                            m_hasConflict[size_t(*u)] = m_hasConflict[size_t(s)] = 1;
                        }
                    }
                }
                k0 = k1;
            }
        }
    }

    void verticalAlignment(const Layering& layering, const Csr& neighbours, std::vector<int>& root,
                           std::vector<int>& align) const
    {
        const int total = m_g.total;
        root.resize(size_t(total));
        align.resize(size_t(total));
        std::vector<int> position(static_cast<size_t>(total));
        for (int v = 0; v < total; ++v)
            root[size_t(v)] = align[size_t(v)] = v;
        for (const auto& layer : layering)
            for (size_t i = 0; i < layer.size(); ++i)
                position[size_t(layer[i])] = int(i);
        std::vector<int> ws;
        for (const auto& layer : layering) {
            int previous = -1;
            for (const int v : layer) {
                const int count = neighbours.count(v);
                if (count == 0)
                    continue;
                const int* candidates = neighbours.begin(v);
                if (count > 1) {
                    ws.assign(neighbours.begin(v), neighbours.end(v));
                    std::sort(ws.begin(), ws.end(), [&](int a, int b) { return position[size_t(a)] < position[size_t(b)]; });
                    candidates = ws.data();
                }
                const int lo = (count - 1) / 2, hi = count / 2;
                for (int i = lo; i <= hi; ++i) {
                    const int w = candidates[i];
                    if (align[size_t(v)] == v && previous < position[size_t(w)]
                        && !(m_hasConflict[size_t(v)] && m_hasConflict[size_t(w)]
                             && m_conflicts.contains(pairKey(v, w)))) {
                        align[size_t(w)] = v;
                        align[size_t(v)] = root[size_t(v)] = root[size_t(w)];
                        previous = position[size_t(w)];
                    }
                }
            }
        }
    }

    std::vector<qreal> horizontalCompaction(const Layering& layering, const std::vector<int>& root) const
    {
        const int total = m_g.total;
        struct BlockEdge
        {
            int from, to;
            qreal weight;
        };
        // Block edges between neighbours of a layer, bucketed by their left block (parallel
        // duplicates are harmless: both passes take the extreme over all of them).
        std::vector<int> outStart(static_cast<size_t>(total) + 1, 0);
        for (const auto& layer : layering)
            for (size_t i = 1; i < layer.size(); ++i)
                ++outStart[size_t(root[size_t(layer[i - 1])]) + 1];
        for (int v = 0; v < total; ++v)
            outStart[size_t(v) + 1] += outStart[size_t(v)];
        std::vector<BlockEdge> edges(size_t(outStart.back()));
        std::vector<int> inDegree(static_cast<size_t>(total), 0);
        {
            std::vector<int> fill(outStart.begin(), outStart.end() - 1);
            for (const auto& layer : layering)
                for (size_t i = 1; i < layer.size(); ++i) {
                    const int from = root[size_t(layer[i - 1])], to = root[size_t(layer[i])];
                    edges[size_t(fill[size_t(from)]++)] = {from, to, separation(layer[i - 1], layer[i])};
                    ++inDegree[size_t(to)];
                }
        }
        std::vector<int> topo;
        topo.reserve(size_t(total));
        for (int v = 0; v < total; ++v)
            if (root[size_t(v)] == v && inDegree[size_t(v)] == 0)
                topo.push_back(v);
        for (size_t head = 0; head < topo.size(); ++head) {
            const int v = topo[head];
            for (int k = outStart[size_t(v)]; k < outStart[size_t(v) + 1]; ++k)
                if (--inDegree[size_t(edges[size_t(k)].to)] == 0)
                    topo.push_back(edges[size_t(k)].to);
        }
        // A cycle cannot happen with consistent alignments; should one appear, the blocks left
        // over are placed after the others and the final separation pass keeps nodes apart.
        for (int v = 0; v < total; ++v)
            if (root[size_t(v)] == v && inDegree[size_t(v)] > 0)
                topo.push_back(v);

        std::vector<qreal> xs(size_t(total), 0);
        // Smallest coordinates first, then pull every block towards its right neighbour.
        std::vector<qreal> incoming(size_t(total), 0);
        for (const int v : topo) {
            xs[size_t(v)] = incoming[size_t(v)];
            for (int k = outStart[size_t(v)]; k < outStart[size_t(v) + 1]; ++k) {
                const BlockEdge& e = edges[size_t(k)];
                incoming[size_t(e.to)] = std::max(incoming[size_t(e.to)], xs[size_t(v)] + e.weight);
            }
        }
        for (auto it = topo.rbegin(); it != topo.rend(); ++it) {
            const int v = *it;
            qreal limit = std::numeric_limits<qreal>::max();
            for (int k = outStart[size_t(v)]; k < outStart[size_t(v) + 1]; ++k) {
                const BlockEdge& e = edges[size_t(k)];
                limit = std::min(limit, xs[size_t(e.to)] - e.weight);
            }
            if (limit != std::numeric_limits<qreal>::max())
                xs[size_t(v)] = std::max(xs[size_t(v)], limit);
        }
        for (int v = 0; v < total; ++v)
            xs[size_t(v)] = xs[size_t(root[size_t(v)])];
        return xs;
    }

    const Layered& m_g;
    const LayoutOptions& m_options;
    std::unordered_set<quint64> m_conflicts;
    std::vector<char> m_hasConflict; // either end of some conflict: most lookups end here
};

} // namespace

GraphLayout layoutGraph(const QList<QSizeF>& nodeSizes, const QList<LayoutEdge>& edges, const LayoutOptions& options)
{
    GraphLayout out;
    const int n = int(nodeSizes.size());
    const bool leftToRight = options.orientation == LayoutOrientation::LeftToRight;
    QElapsedTimer T; T.start();
    const bool trace = qEnvironmentVariableIsSet("TRACE");
    const auto mark = [&](const char* what) { if (trace) fprintf(stderr, "%-12s %6.1f ms\n", what, T.nsecsElapsed() / 1e6); };
    const auto isCancelled = [&] { return options.cancelled && options.cancelled(); };
    out.nodes.resize(n);
    out.layers.resize(n);
    out.edges.resize(edges.size());
    if (n == 0)
        return out;

    // Sizes along the rank axis (across layers) and the order axis (within a layer).
    std::vector<qreal> rankSize(static_cast<size_t>(n)), orderSize(static_cast<size_t>(n));
    for (int v = 0; v < n; ++v) {
        const QSizeF s = nodeSizes[v].expandedTo(QSizeF(1, 1));
        rankSize[size_t(v)] = leftToRight ? s.width() : s.height();
        orderSize[size_t(v)] = leftToRight ? s.height() : s.width();
    }

    // Self-loops are drawn beside their node; edges naming no node are left without a route.
    std::vector<std::pair<int, int>> proper; // (from, to)
    std::vector<int> properEdge;             // input edge of each proper edge
    std::vector<int> loopCount(size_t(n), 0);
    for (qsizetype i = 0; i < edges.size(); ++i) {
        const LayoutEdge& e = edges[i];
        if (e.from < 0 || e.from >= n || e.to < 0 || e.to >= n)
            continue;
        if (e.from == e.to) {
            ++loopCount[size_t(e.from)];
            continue;
        }
        proper.push_back({e.from, e.to});
        properEdge.push_back(int(i));
    }

    // 1. Cycle removal: edges pointing backwards in a good vertex sequence are reversed.
    const std::vector<int> sequence = greedyAcyclicOrder(n, proper);
    std::vector<int> rank(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i)
        rank[size_t(sequence[size_t(i)])] = i;
    std::vector<std::pair<int, int>> layeredEdges(proper.size()); // (lower, upper)
    std::vector<char> reversed(proper.size(), 0);
    for (size_t i = 0; i < proper.size(); ++i) {
        const auto [a, b] = proper[i];
        reversed[i] = rank[size_t(a)] > rank[size_t(b)];
        layeredEdges[i] = reversed[i] ? std::pair {b, a} : std::pair {a, b};
    }

    // 2. Layers: longest path, then nodes move within their slack towards the side with more
    // edges (a cheap stand-in for network simplex that shortens edges and saves bend points).
    std::vector<std::pair<int, int>> backwards;
    backwards.reserve(layeredEdges.size());
    for (const auto& e : layeredEdges)
        backwards.push_back({e.second, e.first});
    const Csr succ = Csr::build(n, layeredEdges);
    const Csr pred = Csr::build(n, backwards);
    std::vector<int> layer(size_t(n), 0);
    for (const int v : sequence)
        for (const int* u = pred.begin(v); u != pred.end(v); ++u)
            layer[size_t(v)] = std::max(layer[size_t(v)], layer[size_t(*u)] + 1);
    const auto spanSum = [&] { qint64 t = 0; for (auto& e : layeredEdges) t += layer[size_t(e.second)] - layer[size_t(e.first)]; return t; };
    if (trace) fprintf(stderr, "span before %lld\n", spanSum());
    mark("longest");
    for (int pass = 0; pass < 8; ++pass) {
        bool changed = false;
        for (int i = 0; i < n; ++i) {
            const int v = sequence[size_t(pass % 2 == 0 ? n - 1 - i : i)];
            const int np = pred.count(v), ns = succ.count(v);
            if (np == ns)
                continue;
            int target = 0;
            if (ns > np) {
                target = std::numeric_limits<int>::max();
                for (const int* w = succ.begin(v); w != succ.end(v); ++w)
                    target = std::min(target, layer[size_t(*w)] - 1);
            } else {
                for (const int* u = pred.begin(v); u != pred.end(v); ++u)
                    target = std::max(target, layer[size_t(*u)] + 1);
            }
            if (target != layer[size_t(v)]) {
                layer[size_t(v)] = target;
                changed = true;
            }
        }
        if (!changed)
            break;
    }
    if (trace) fprintf(stderr, "span after %lld\n", spanSum());
    mark("balance");
    // Drop layers without a node of the caller's: the edges through them get shorter.
    {
        int maxLayer = 0;
        for (const int l : layer)
            maxLayer = std::max(maxLayer, l);
        std::vector<int> used(size_t(maxLayer) + 1, 0);
        for (const int l : layer)
            used[size_t(l)] = 1;
        std::vector<int> remap(size_t(maxLayer) + 1, 0);
        int next = 0;
        for (int l = 0; l <= maxLayer; ++l)
            if (used[size_t(l)])
                remap[size_t(l)] = next++;
        for (int& l : layer)
            l = remap[size_t(l)];
    }
    if (isCancelled()) {
        out.cancelled = true;
        return out;
    }

    // 3. Dummy nodes: a chain per edge, one node in every layer it crosses.
    Layered g;
    g.real = n;
    std::vector<int> chainStart(layeredEdges.size() + 1, 0);
    for (size_t i = 0; i < layeredEdges.size(); ++i)
        chainStart[i + 1] = chainStart[i] + (layer[size_t(layeredEdges[i].second)] - layer[size_t(layeredEdges[i].first)] + 1);
    const int dummies = chainStart.back() - 2 * int(layeredEdges.size());
    g.total = n + dummies;
    g.layer.assign(layer.begin(), layer.end());
    g.layer.resize(size_t(g.total));
    g.orderSize.assign(orderSize.begin(), orderSize.end());
    g.orderSize.resize(size_t(g.total), 0);
    g.dummyEdge.assign(size_t(g.total), -1);
    std::vector<int> chain(size_t(chainStart.back()));
    std::vector<std::pair<int, int>> downPairs, upPairs;
    downPairs.reserve(size_t(chainStart.back()));
    upPairs.reserve(size_t(chainStart.back()));
    {
        int nextDummy = n;
        for (size_t i = 0; i < layeredEdges.size(); ++i) {
            const auto [lower, upper] = layeredEdges[i];
            int* c = chain.data() + chainStart[i];
            const int span = layer[size_t(upper)] - layer[size_t(lower)];
            c[0] = lower;
            for (int k = 1; k < span; ++k) {
                const int d = nextDummy++;
                g.layer[size_t(d)] = layer[size_t(lower)] + k;
                g.dummyEdge[size_t(d)] = int(i);
                c[k] = d;
            }
            c[span] = upper;
            for (int k = 0; k < span; ++k) {
                downPairs.push_back({c[k], c[k + 1]});
                upPairs.push_back({c[k + 1], c[k]});
            }
        }
    }
    // Self-loops need room on the side before their node.
    std::vector<qreal> loopRoom(size_t(n), 0);
    for (int v = 0; v < n; ++v)
        if (loopCount[size_t(v)] > 0) {
            loopRoom[size_t(v)] = 14 + 6 * (loopCount[size_t(v)] - 1);
            g.orderSize[size_t(v)] += 2 * loopRoom[size_t(v)];
        }
    g.segments = qint64(downPairs.size());
    g.down = Csr::build(g.total, downPairs);
    g.up = Csr::build(g.total, upPairs);
    downPairs = {};
    upPairs = {};
    g.layerCount = 0;
    for (const int l : g.layer)
        g.layerCount = std::max(g.layerCount, l + 1);
    g.layerStart.assign(size_t(g.layerCount) + 1, 0);
    for (const int l : g.layer)
        ++g.layerStart[size_t(l) + 1];
    for (int l = 0; l < g.layerCount; ++l)
        g.layerStart[size_t(l) + 1] += g.layerStart[size_t(l)];
    g.order.resize(size_t(g.total));
    g.pos.resize(size_t(g.total));

    // 4. Initial order. Without crossing reduction: input order, then dummies by edge. With it:
    // depth-first from the nodes of the first layers, so neighbours start close together.
    {
        std::vector<int> fill(g.layerStart.begin(), g.layerStart.end() - 1);
        const auto place = [&](int v) {
            g.pos[size_t(v)] = fill[size_t(g.layer[size_t(v)])] - g.layerStart[size_t(g.layer[size_t(v)])];
            g.order[size_t(fill[size_t(g.layer[size_t(v)])]++)] = v;
        };
        if (!options.reduceCrossings) {
            for (int v = 0; v < g.total; ++v)
                place(v);
        } else {
            std::vector<int> starts(static_cast<size_t>(n));
            for (int v = 0; v < n; ++v)
                starts[size_t(v)] = v;
            std::stable_sort(starts.begin(), starts.end(),
                             [&](int a, int b) { return g.layer[size_t(a)] < g.layer[size_t(b)]; });
            std::vector<char> visited(size_t(g.total), 0);
            std::vector<int> stack;
            for (const int s : starts) {
                if (visited[size_t(s)])
                    continue;
                stack.push_back(s);
                while (!stack.empty()) {
                    const int v = stack.back();
                    stack.pop_back();
                    if (visited[size_t(v)])
                        continue;
                    visited[size_t(v)] = 1;
                    place(v);
                    // Pushed in reverse, so the first successor is visited first.
                    for (const int* w = g.down.end(v); w != g.down.begin(v);) {
                        --w;
                        if (!visited[size_t(*w)])
                            stack.push_back(*w);
                    }
                }
            }
        }
    }
    // idOf: where each node of the caller's is now.
    std::vector<int> idOf(static_cast<size_t>(n));
    for (int v = 0; v < n; ++v)
        idOf[size_t(v)] = v;
    g.renumber({&chain, &idOf});
    mark("dummies+init");
    out.initialCrossings = totalCrossings(g);
    mark("count");
    out.crossings = out.initialCrossings;

    // 5. Crossing reduction: alternating barycenter sweeps, keeping the best order seen.
    if (options.reduceCrossings && out.crossings > 0) {
        const qint64 perSweep = 2 * (qint64(g.total) + g.segments) + 1;
        const int allowed = int(std::clamp<qint64>(options.sweepBudget / perSweep, 2, std::max(2, options.maxSweeps)));
        std::vector<int> bestOrder = g.order;
        qint64 best = out.crossings;
        int sinceBest = 0;
        std::vector<quint64> keys;
        std::vector<int> scratch;
        for (int i = 0; i < allowed && sinceBest < 4 && best > 0; ++i) {
            if (isCancelled()) {
                out.cancelled = true;
                return out;
            }
            const bool downward = i % 2 == 0;
            const bool biasRight = i % 4 >= 2;
            if (downward)
                for (int l = 1; l < g.layerCount; ++l)
                    sortLayer(g, l, g.up, biasRight, keys, scratch);
            else
                for (int l = g.layerCount - 2; l >= 0; --l)
                    sortLayer(g, l, g.down, biasRight, keys, scratch);
            ++out.sweeps;
            const qint64 c = totalCrossings(g);
            if (c < best) {
                best = c;
                bestOrder = g.order;
                sinceBest = 0;
            } else {
                ++sinceBest;
            }
        }
        g.order = std::move(bestOrder);
        for (int l = 0; l < g.layerCount; ++l)
            g.updatePositions(l);
        out.crossings = best;
    }
    if (isCancelled()) {
        out.cancelled = true;
        return out;
    }

    g.renumber({&chain, &idOf});
    mark("sweeps");
    // 6. Coordinates along the order axis (Brandes–Köpf), then a pass that guarantees separation.
    CoordinateAssignment assignment(g, options);
    std::vector<qreal> coord = assignment.run();
    for (int l = 0; l < g.layerCount; ++l) {
        const int* begin = g.layerBegin(l);
        const int* end = g.layerEnd(l);
        for (const int* v = begin + 1; v < end; ++v)
            coord[size_t(*v)] = std::max(coord[size_t(*v)], coord[size_t(v[-1])] + assignment.separation(v[-1], *v));
    }
    // Nodes with loops were enlarged on both sides; their box sits in the middle.

    mark("bk");
    // Layer columns along the rank axis.
    std::vector<qreal> columnStart(static_cast<size_t>(g.layerCount)), columnSize(size_t(g.layerCount), 0);
    for (int v = 0; v < n; ++v)
        columnSize[size_t(layer[size_t(v)])] = std::max(columnSize[size_t(layer[size_t(v)])], rankSize[size_t(v)]);
    qreal r = 0;
    for (int l = 0; l < g.layerCount; ++l) {
        columnStart[size_t(l)] = r;
        r += columnSize[size_t(l)] + options.rankSpacing;
    }
    const auto toPoint = [leftToRight](qreal rank, qreal order) {
        return leftToRight ? QPointF(rank, order) : QPointF(order, rank);
    };
    std::vector<qreal> rankStart(static_cast<size_t>(n));
    for (int v = 0; v < n; ++v) {
        const int l = layer[size_t(v)];
        rankStart[size_t(v)] = columnStart[size_t(l)] + (columnSize[size_t(l)] - rankSize[size_t(v)]) / 2;
        const qreal o = coord[size_t(idOf[size_t(v)])] - orderSize[size_t(v)] / 2;
        out.nodes[v] = leftToRight ? QRectF(rankStart[size_t(v)], o, rankSize[size_t(v)], orderSize[size_t(v)])
                                   : QRectF(o, rankStart[size_t(v)], orderSize[size_t(v)], rankSize[size_t(v)]);
        out.layers[v] = l;
    }

    // 7. Ports: the edges leaving one side of a node are spread along it in the order of their
    // other ends, so they do not start on top of each other.
    const size_t properCount = layeredEdges.size();
    std::vector<qreal> lowerPort(properCount, 0), upperPort(properCount, 0);
    {
        std::vector<std::vector<int>> after(static_cast<size_t>(n)), before(static_cast<size_t>(n));
        for (size_t i = 0; i < properCount; ++i) {
            after[size_t(layeredEdges[i].first)].push_back(int(i));
            before[size_t(layeredEdges[i].second)].push_back(int(i));
        }
        const auto spread = [&](int v, std::vector<int>& list, bool lowerEnd) {
            if (list.size() < 2)
                return;
            const auto neighbourCoord = [&](int e) {
                const int* c = chain.data() + chainStart[size_t(e)];
                const int len = chainStart[size_t(e) + 1] - chainStart[size_t(e)];
                return coord[size_t(lowerEnd ? c[1] : c[len - 2])];
            };
            std::stable_sort(list.begin(), list.end(), [&](int a, int b) { return neighbourCoord(a) < neighbourCoord(b); });
            const qreal usable = orderSize[size_t(v)] * 0.6;
            const qreal step = std::min<qreal>(8, usable / qreal(list.size() - 1));
            for (size_t k = 0; k < list.size(); ++k) {
                const qreal offset = (qreal(k) - qreal(list.size() - 1) / 2) * step;
                (lowerEnd ? lowerPort : upperPort)[size_t(list[k])] = offset;
            }
        };
        for (int v = 0; v < n; ++v) {
            spread(v, after[size_t(v)], true);
            spread(v, before[size_t(v)], false);
        }
    }

    // 8. Routes through the dummies: straight within a layer's column, across the gaps between.
    for (size_t i = 0; i < properCount; ++i) {
        const int* c = chain.data() + chainStart[i];
        const int len = chainStart[i + 1] - chainStart[i];
        const int lower = c[0], upper = c[len - 1];               // current ids
        const auto [lowerNode, upperNode] = layeredEdges[i];      // the caller's ids
        QList<QPointF> points;
        points.reserve(2 * len);
        int gaps = 0;
        std::vector<int> gapAt; // index in points where each gap starts
        const auto add = [&](qreal rr, qreal o) {
            const QPointF p = toPoint(rr, o);
            if (points.isEmpty() || points.constLast() != p)
                points.push_back(p);
        };
        const qreal startOrder = coord[size_t(lower)] + lowerPort[i];
        add(rankStart[size_t(lowerNode)] + rankSize[size_t(lowerNode)], startOrder);
        const int lowerLayer = g.layer[size_t(lower)];
        add(columnStart[size_t(lowerLayer)] + columnSize[size_t(lowerLayer)], startOrder);
        for (int k = 1; k < len - 1; ++k) {
            const int l = g.layer[size_t(c[k])];
            gapAt.push_back(int(points.size()) - 1);
            ++gaps;
            add(columnStart[size_t(l)], coord[size_t(c[k])]);
            add(columnStart[size_t(l)] + columnSize[size_t(l)], coord[size_t(c[k])]);
        }
        const qreal endOrder = coord[size_t(upper)] + upperPort[i];
        gapAt.push_back(int(points.size()) - 1);
        ++gaps;
        add(columnStart[size_t(g.layer[size_t(upper)])], endOrder);
        add(rankStart[size_t(upperNode)], endOrder);
        const int middle = gapAt[size_t(gaps / 2)];
        const QPointF a = points[middle];
        const QPointF b = points[std::min<qsizetype>(middle + 1, points.size() - 1)];
        EdgeRoute& route = out.edges[properEdge[i]];
        route.labelPos = (a + b) / 2;
        route.reversed = reversed[i];
        if (route.reversed)
            std::reverse(points.begin(), points.end());
        route.points = std::move(points);
    }

    // Self-loops: nested arcs on the side before the node.
    std::vector<int> loopsDone(size_t(n), 0);
    for (qsizetype i = 0; i < edges.size(); ++i) {
        const LayoutEdge& e = edges[i];
        if (e.from < 0 || e.from >= n || e.from != e.to)
            continue;
        const int v = e.from;
        const int k = loopsDone[size_t(v)]++;
        const qreal orderTop = coord[size_t(idOf[size_t(v)])] - orderSize[size_t(v)] / 2;
        const qreal rc = rankStart[size_t(v)] + rankSize[size_t(v)] / 2;
        const qreal ra = rc + rankSize[size_t(v)] * 0.05 - 6 * k;
        const qreal rb = rc + rankSize[size_t(v)] * 0.35 + 6 * k;
        const qreal h = 12 + 6 * k;
        EdgeRoute& route = out.edges[i];
        route.selfLoop = true;
        route.points = {toPoint(ra, orderTop), toPoint(ra, orderTop - h), toPoint(rb, orderTop - h),
                        toPoint(rb, orderTop)};
        route.labelPos = toPoint((ra + rb) / 2, orderTop - h);
    }

    // Bounds, then move everything so they start at the origin.
    QRectF bounds;
    for (const QRectF& rect : std::as_const(out.nodes))
        bounds = bounds.isNull() ? rect : bounds.united(rect);
    for (const EdgeRoute& route : std::as_const(out.edges))
        for (const QPointF& p : route.points) {
            bounds.setLeft(std::min(bounds.left(), p.x()));
            bounds.setTop(std::min(bounds.top(), p.y()));
            bounds.setRight(std::max(bounds.right(), p.x()));
            bounds.setBottom(std::max(bounds.bottom(), p.y()));
        }
    const QPointF shift = -bounds.topLeft();
    for (QRectF& rect : out.nodes)
        rect.translate(shift);
    for (EdgeRoute& route : out.edges) {
        for (QPointF& p : route.points)
            p += shift;
        route.labelPos += shift;
    }
    out.bounds = bounds.translated(shift);
    mark("routes");
    out.layerCount = g.layerCount;
    out.dummyCount = dummies;
    return out;
}

} // namespace Flightdeck::Catalog
