// SPDX-License-Identifier: Apache-2.0
// The Relations tab on a known catalog: node and relation counts for depth, direction and
// relation filters, stale layouts dropped, keyboard and mouse selection, Enter and double-click
// navigating, zooming and panning, and painting at every level of detail in light and dark.
#include "appcontext.h"
#include "entity/relationstab.h"
#include "navigation.h"
#include "widgets/relationgraphview.h"

#include "catalog/catalog.h"
#include "sources/sourceload.h"

#include <QAction>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QMenu>
#include <QNativeGestureEvent>
#include <QPointingDevice>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using namespace Flightdeck;
using namespace Flightdeck::Views;

class tst_RelationGraph : public QObject
{
    Q_OBJECT

private:
    Catalog::CatalogPtr m_catalog;
    Navigator* m_navigator = nullptr;
    AppContext m_context;
    RelationsTab* m_tab = nullptr;

    static Catalog::CatalogPtr load(const QString& dir)
    {
        Sources::CatalogSourceSpec spec;
        spec.name = QStringLiteral("test");
        spec.type = Sources::CatalogSourceSpec::Type::Directory;
        spec.path = dir;
        const Sources::SourceLoad s = Sources::loadLocalSource(spec, {});
        Catalog::Catalog::BuildInput in;
        in.files = s.files;
        return Catalog::Catalog::build(in);
    }

    RelationGraphView* view() const { return m_tab->graphView(); }
    QLabel* countLabel() const { return m_tab->findChild<QLabel*>(QStringLiteral("nodeCountLabel")); }

    // Waits for the next layout the tab shows.
    bool waitForGraph(QSignalSpy& spy, int count = 1)
    {
        return QTest::qWaitFor([&] { return spy.count() >= count; }, 10000);
    }

    void show(const char* key)
    {
        QSignalSpy shown(m_tab, &RelationsTab::graphShown);
        m_tab->setEntity(m_catalog, m_catalog->indexOf(QString::fromLatin1(key)));
        QVERIFY(waitForGraph(shown));
    }

    int nodeIndex(const char* key) const { return view()->scene().indexOf(QString::fromLatin1(key)); }

    QPoint widgetPosOf(int node) const { return view()->mapFromScene(view()->scene().nodes[node].rect.center()).toPoint(); }

private Q_SLOTS:
    void initTestCase()
    {
        m_catalog = load(QStringLiteral(FLIGHTDECK_TEST_DATA "/catalog/relations"));
        QCOMPARE(m_catalog->size(), 15);
        m_navigator = new Navigator(this);
        m_context.navigator = m_navigator;
    }

    void init()
    {
        m_tab = new RelationsTab(m_context);
        m_tab->resize(1100, 700);
        m_tab->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_tab));
        show("system:default/payments");
    }

    void cleanup()
    {
        delete m_tab;
        m_tab = nullptr;
    }

    void tab_knownCatalog_showsNeighbourhoodCounts()
    {
        // Depth 2, both ways: the system, its owner, domain and four parts, then their neighbours.
        QCOMPARE(m_tab->nodeCount(), 14);
        QCOMPARE(m_tab->edgeCount(), 29);
        QCOMPARE(countLabel()->text(), QStringLiteral("14 entities · 29 relations"));
        QCOMPARE(view()->currentKey(), QStringLiteral("system:default/payments"));
        QVERIFY(view()->scene().nodes[view()->scene().center].center);
        QCOMPARE(m_tab->title(), QStringLiteral("Relations"));
    }

    // A busy neighbourhood opens at depth 1 (two hops would show dozens of entities); a quiet one
    // at depth 2; once the user picks a depth, it is kept.
    void tab_busyEntity_opensAtDepthOneUntilTheUserChooses()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        // hub <- 30 clients, each owned by its own team: 31 entities at one hop, 61 at two.
        QByteArray yaml = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: hub\nspec:\n"
                          "  type: service\n  lifecycle: production\n  owner: group:team-hub\n";
        for (int i = 0; i < 30; ++i)
            yaml += "---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: client-" + QByteArray::number(i)
                + "\nspec:\n  type: service\n  lifecycle: production\n  owner: group:team-" + QByteArray::number(i)
                + "\n  dependsOn: [component:hub]\n";
        QFile f(dir.filePath(QStringLiteral("catalog-info.yaml")));
        QVERIFY(f.open(QIODevice::WriteOnly) && f.write(yaml) == yaml.size());
        f.close();
        const Catalog::CatalogPtr busy = load(dir.path());
        QCOMPARE(busy->size(), 31);
        auto* depth = m_tab->findChild<QComboBox*>(QStringLiteral("depthCombo"));
        QVERIFY(depth);

        QSignalSpy shown(m_tab, &RelationsTab::graphShown);
        m_tab->setEntity(busy, busy->indexOf(QStringLiteral("component:default/hub")));
        QVERIFY(waitForGraph(shown));
        QCOMPARE(depth->currentData().toInt(), 1);
        QCOMPARE(m_tab->nodeCount(), 32); // hub, its owner (missing) and the 30 clients
        QVERIFY(!m_tab->isLayingOut()); // showing the depth used asked for no second layout

        // A quiet entity of the same catalog opens at depth 2 again.
        QSignalSpy quiet(m_tab, &RelationsTab::graphShown);
        m_tab->setEntity(busy, busy->indexOf(QStringLiteral("component:default/client-3")));
        QVERIFY(waitForGraph(quiet));
        QCOMPARE(depth->currentData().toInt(), 2);
        QCOMPARE(m_tab->nodeCount(), 33); // two hops: the hub and its owner, the other 29 clients, its own owner

        // The user's choice of depth 2 holds, even for the hub.
        QSignalSpy chosen(m_tab, &RelationsTab::graphShown);
        depth->setCurrentIndex(depth->findData(2)); // already 2: an explicit choice all the same
        m_tab->setDepth(2);
        m_tab->setEntity(busy, busy->indexOf(QStringLiteral("component:default/hub")));
        QVERIFY(waitForGraph(chosen));
        QCOMPARE(depth->currentData().toInt(), 2);
        QCOMPARE(m_tab->nodeCount(), 62); // + the 30 owners of the clients
    }

    void tab_controls_changeTheGraph_data()
    {
        QTest::addColumn<int>("depthIndex");
        QTest::addColumn<int>("directionIndex");
        QTest::addColumn<QStringList>("unchecked");
        QTest::addColumn<int>("nodes");
        QTest::addColumn<int>("edges");
        QTest::addColumn<QString>("label");
        QTest::newRow("depth 1") << 0 << 2 << QStringList() << 7 << 13 << QStringLiteral("7 entities · 13 relations");
        QTest::newRow("depth 3") << 2 << 2 << QStringList() << 15 << 30 << QStringLiteral("15 entities · 30 relations");
        QTest::newRow("depth all") << 3 << 2 << QStringList() << 16 << 31
                                   << QStringLiteral("16 entities · 31 relations · 1 missing");
        QTest::newRow("outgoing") << 1 << 0 << QStringList() << 5 << 6 << QStringLiteral("5 entities · 6 relations");
        QTest::newRow("incoming depth 1") << 0 << 1 << QStringList() << 5 << 8 << QStringLiteral("5 entities · 8 relations");
        QTest::newRow("without ownership") << 1 << 2 << QStringList {QStringLiteral("ownedBy")} << 10 << 16
                                           << QStringLiteral("10 entities · 16 relations");
        QTest::newRow("parts only") << 1 << 2
                                    << QStringList {QStringLiteral("ownedBy"), QStringLiteral("providesApi"),
                                                    QStringLiteral("consumesApi"), QStringLiteral("dependsOn"),
                                                    QStringLiteral("childOf"), QStringLiteral("memberOf")}
                                    << 8 << 7 << QStringLiteral("8 entities · 7 relations");
    }

    void tab_controls_changeTheGraph()
    {
        QFETCH(int, depthIndex);
        QFETCH(int, directionIndex);
        QFETCH(QStringList, unchecked);
        QFETCH(int, nodes);
        QFETCH(int, edges);
        QFETCH(QString, label);
        auto* depth = m_tab->findChild<QComboBox*>(QStringLiteral("depthCombo"));
        auto* direction = m_tab->findChild<QComboBox*>(QStringLiteral("directionCombo"));
        auto* filter = m_tab->findChild<QToolButton*>(QStringLiteral("relationFilterButton"));
        QVERIFY(depth && direction && filter && filter->menu());
        QSignalSpy shown(m_tab, &RelationsTab::graphShown);
        int expectedLayouts = 0;
        if (depth->currentIndex() != depthIndex) {
            depth->setCurrentIndex(depthIndex);
            ++expectedLayouts;
        }
        if (direction->currentIndex() != directionIndex) {
            direction->setCurrentIndex(directionIndex);
            ++expectedLayouts;
        }
        for (const QString& type : std::as_const(unchecked)) {
            auto* action = filter->menu()->findChild<QAction*>(QStringLiteral("relationFilter-") + type);
            QVERIFY2(action, qPrintable(type));
            QVERIFY(action->isChecked());
            action->trigger(); // unchecks
            QVERIFY(!action->isChecked());
            ++expectedLayouts;
        }
        QVERIFY(expectedLayouts > 0);
        // The tab is laying out at once and says so; the requests come back-to-back, so only the
        // last result is shown.
        QVERIFY(m_tab->isLayingOut());
        QVERIFY2(countLabel()->text().startsWith(QStringLiteral("Laying out")), qPrintable(countLabel()->text()));
        QVERIFY(waitForGraph(shown));
        QTest::qWait(50);
        QCOMPARE(shown.count(), 1);
        QCOMPARE(m_tab->nodeCount(), nodes);
        QCOMPARE(m_tab->edgeCount(), edges);
        QCOMPARE(shown.first().at(0).toInt(), nodes);
        QCOMPARE(countLabel()->text(), label);
        if (!unchecked.isEmpty())
            QVERIFY2(filter->text().contains(QStringLiteral(" of 7")), qPrintable(filter->text()));

        // "Show all relations" brings every relation back.
        if (!unchecked.isEmpty()) {
            QSignalSpy again(m_tab, &RelationsTab::graphShown);
            filter->menu()->findChild<QAction*>(QStringLiteral("relationFilterAll"))->trigger();
            QVERIFY(waitForGraph(again));
            QCOMPARE(filter->text(), QStringLiteral("All relations"));
            QVERIFY(m_tab->nodeCount() > nodes);
        }
    }

    void tab_graphArgument_centresOnThatEntity()
    {
        QSignalSpy shown(m_tab, &RelationsTab::graphShown);
        m_tab->setArgument(QStringLiteral("graph:user:default/asmith"));
        QVERIFY(waitForGraph(shown));
        // asmith, team-b and the missing teem-b; then engineering and what team-b owns.
        QCOMPARE(view()->currentKey(), QStringLiteral("user:default/asmith"));
        QCOMPARE(m_tab->nodeCount(), 7);
        QCOMPARE(m_tab->edgeCount(), 8);
        QVERIFY2(countLabel()->text().endsWith(QStringLiteral("1 missing")), qPrintable(countLabel()->text()));
        const int missing = nodeIndex("group:default/teem-b");
        QVERIFY(missing >= 0);
        QVERIFY(view()->scene().nodes[missing].missing);

        // Controls through the argument as well.
        QSignalSpy again(m_tab, &RelationsTab::graphShown);
        m_tab->setArgument(QStringLiteral("depth=1,direction=out"));
        QVERIFY(waitForGraph(again));
        QCOMPARE(m_tab->query().depth, 1);
        QCOMPARE(m_tab->query().direction, Catalog::Direction::Out);
        QCOMPARE(m_tab->nodeCount(), 3);
    }

    void view_keyboard_movesSelection()
    {
        view()->setFocus();
        QVERIFY(QTest::qWaitFor([&] { return view()->hasFocus(); }, 2000));
        const GraphScene& scene = view()->scene();
        const int start = view()->currentNode();
        QCOMPARE(start, scene.center);
        const QPointF c0 = scene.nodes[start].rect.center();

        QSignalSpy changed(view(), &RelationGraphView::currentNodeChanged);
        // Right goes to a node further right, Left comes back towards the left.
        QTest::keyClick(view(), Qt::Key_Right);
        const int right = view()->currentNode();
        if (right != start) {
            QVERIFY(scene.nodes[right].rect.center().x() > c0.x());
            QCOMPARE(changed.count(), 1);
            QTest::keyClick(view(), Qt::Key_Left);
            QVERIFY(scene.nodes[view()->currentNode()].rect.center().x() < scene.nodes[right].rect.center().x());
        } else {
            QTest::keyClick(view(), Qt::Key_Left);
            QVERIFY(view()->currentNode() != start);
            QVERIFY(scene.nodes[view()->currentNode()].rect.center().x() < c0.x());
        }
        // Down and Up move within a column.
        QTest::keyClick(view(), Qt::Key_Home);
        QCOMPARE(view()->currentNode(), start);
        int moved = 0;
        for (const Qt::Key key : {Qt::Key_Down, Qt::Key_Up}) {
            QTest::keyClick(view(), key);
            if (view()->currentNode() != start) {
                const qreal dy = scene.nodes[view()->currentNode()].rect.center().y() - c0.y();
                QVERIFY(key == Qt::Key_Down ? dy > 0 : dy < 0);
                ++moved;
                QTest::keyClick(view(), Qt::Key_Home);
            }
        }
        QVERIFY(moved > 0);

        // Tab walks every node in reading order, then focus leaves the graph.
        QTest::keyClick(view(), Qt::Key_Home);
        QList<int> visited {view()->currentNode()};
        const qsizetype position = scene.readingOrder.indexOf(start);
        for (qsizetype i = position + 1; i < scene.readingOrder.size(); ++i) {
            QTest::keyClick(view(), Qt::Key_Tab);
            QCOMPARE(view()->currentNode(), scene.readingOrder[i]);
            visited << view()->currentNode();
        }
        QTest::keyClick(view(), Qt::Key_Home);
        for (qsizetype i = position - 1; i >= 0; --i) {
            QTest::keyClick(view(), Qt::Key_Backtab);
            QCOMPARE(view()->currentNode(), scene.readingOrder[i]);
        }
        QCOMPARE(view()->currentNode(), scene.readingOrder.first());
        // Before the first node, focus leaves the graph.
        QTest::keyClick(view(), Qt::Key_Backtab);
        QCOMPARE(view()->currentNode(), scene.readingOrder.first());
        QVERIFY(!view()->hasFocus());
    }

    void view_enterAndDoubleClick_navigate()
    {
        QSignalSpy location(m_navigator, &Navigator::locationChanged);
        view()->setFocus();
        const int ledger = nodeIndex("component:default/ledger");
        QVERIFY(ledger >= 0);
        view()->setCurrentNode(ledger);
        QTest::keyClick(view(), Qt::Key_Return);
        QCOMPARE(location.count(), 1);
        QCOMPARE(location.last().at(0).value<Location>().toString(),
                 QStringLiteral("entity:component:default/ledger/relations"));

        // Double-click on another node.
        const int team = nodeIndex("group:default/team-a");
        QVERIFY(team >= 0);
        view()->centerOnNode(team);
        const QPoint pos = widgetPosOf(team);
        QCOMPARE(view()->scene().nodeAt(view()->mapToScene(QPointF(pos))), team);
        QTest::mouseDClick(view(), Qt::LeftButton, {}, pos);
        QCOMPARE(location.count(), 2);
        QCOMPARE(location.last().at(0).value<Location>().toString(), QStringLiteral("entity:group:default/team-a/relations"));
        QCOMPARE(view()->currentNode(), team);

        // Double-click on empty space does nothing.
        QTest::mouseDClick(view(), Qt::LeftButton, {}, QPoint(2, 2));
        QCOMPARE(location.count(), 2);
    }

    void view_missingEntity_doesNotNavigate()
    {
        QSignalSpy shown(m_tab, &RelationsTab::graphShown);
        m_tab->setEntity(m_catalog, m_catalog->indexOf(QStringLiteral("user:default/asmith")));
        QVERIFY(waitForGraph(shown));
        QSignalSpy location(m_navigator, &Navigator::locationChanged);
        view()->setCurrentNode(nodeIndex("group:default/teem-b"));
        QTest::keyClick(view(), Qt::Key_Enter);
        QCOMPARE(location.count(), 0);
    }

    void view_mouse_clickSelectsHoverHighlightsDragPans()
    {
        const int team = nodeIndex("group:default/team-a");
        view()->centerOnNode(team);
        const QPoint pos = widgetPosOf(team);
        QMouseEvent hover(QEvent::MouseMove, QPointF(pos), view()->mapToGlobal(QPointF(pos)), Qt::NoButton, Qt::NoButton,
                          Qt::NoModifier);
        QApplication::sendEvent(view(), &hover);
        QCOMPARE(view()->hoveredNode(), team);
        // Its relations light up.
        for (const int e : view()->scene().edgesOfNode[team])
            QVERIFY(view()->scene().edges[e].from == team || view()->scene().edges[e].to == team);
        QVERIFY(!view()->scene().edgesOfNode[team].isEmpty());
        QTest::mouseClick(view(), Qt::LeftButton, {}, pos);
        QCOMPARE(view()->currentNode(), team);

        // Dragging the background pans and selects nothing.
        const QPointF before = view()->viewCenter();
        QTest::mousePress(view(), Qt::LeftButton, {}, QPoint(5, 5));
        QMouseEvent move(QEvent::MouseMove, QPointF(105, 65), view()->mapToGlobal(QPointF(105, 65)), Qt::NoButton,
                         Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(view(), &move);
        QTest::mouseRelease(view(), Qt::LeftButton, {}, QPoint(105, 65));
        const QPointF moved = (before - view()->viewCenter()) * view()->zoom();
        QVERIFY2(std::abs(moved.x() - 100) < 0.01 && std::abs(moved.y() - 60) < 0.01,
                 qPrintable(QStringLiteral("%1, %2").arg(moved.x()).arg(moved.y())));
        QCOMPARE(view()->currentNode(), team);
    }

    void view_zoom_keysWheelPinchAndFit()
    {
        auto* fit = m_tab->findChild<QToolButton*>(QStringLiteral("fitButton"));
        auto* zoomIn = m_tab->findChild<QToolButton*>(QStringLiteral("zoomInButton"));
        auto* zoomOut = m_tab->findChild<QToolButton*>(QStringLiteral("zoomOutButton"));
        QVERIFY(fit && zoomIn && zoomOut);
        fit->click();
        QCOMPARE(view()->zoom(), view()->fitZoom());
        const qreal z0 = view()->zoom();
        zoomIn->click();
        QVERIFY(view()->zoom() > z0);
        zoomOut->click();
        QVERIFY(qFuzzyCompare(view()->zoom(), z0));

        view()->setFocus();
        QTest::keyClick(view(), Qt::Key_Plus);
        QVERIFY(view()->zoom() > z0);
        QTest::keyClick(view(), Qt::Key_Minus);
        QTest::keyClick(view(), Qt::Key_Minus);
        QVERIFY(view()->zoom() < z0);
        QTest::keyClick(view(), Qt::Key_0);
        QCOMPARE(view()->zoom(), view()->fitZoom());

        // Ctrl+wheel zooms around the cursor: the scene point under it stays put.
        const QPointF anchor(300, 200);
        const QPointF sceneBefore = view()->mapToScene(anchor);
        QWheelEvent wheel(anchor, view()->mapToGlobal(anchor), QPoint(), QPoint(0, 240), Qt::NoButton, Qt::ControlModifier,
                          Qt::NoScrollPhase, false);
        QApplication::sendEvent(view(), &wheel);
        QVERIFY(view()->zoom() > z0);
        const QPointF sceneAfter = view()->mapToScene(anchor);
        QVERIFY(std::abs(sceneAfter.x() - sceneBefore.x()) < 0.01 && std::abs(sceneAfter.y() - sceneBefore.y()) < 0.01);

        // A plain wheel scrolls.
        const QPointF center = view()->viewCenter();
        QWheelEvent scroll(anchor, view()->mapToGlobal(anchor), QPoint(), QPoint(0, -120), Qt::NoButton, Qt::NoModifier,
                           Qt::NoScrollPhase, false);
        QApplication::sendEvent(view(), &scroll);
        QVERIFY(view()->viewCenter().y() > center.y());
        QCOMPARE(view()->viewCenter().x(), center.x());

        // A touchpad pinch.
        const qreal z1 = view()->zoom();
        QNativeGestureEvent pinch(Qt::ZoomNativeGesture, QPointingDevice::primaryPointingDevice(), 2, anchor,
                                  anchor, view()->mapToGlobal(anchor), 0.5, QPointF(), 0);
        QApplication::sendEvent(view(), &pinch);
        QVERIFY(qFuzzyCompare(view()->zoom(), std::min(4.0, z1 * 1.5)));
    }

    void view_paints_everyLevelOfDetail_data()
    {
        QTest::addColumn<bool>("dark");
        QTest::addColumn<qreal>("zoom");
        for (const bool dark : {false, true})
            for (const qreal zoom : {0.1, 0.3, 1.0, 2.0})
                QTest::newRow(qPrintable(QStringLiteral("%1 %2").arg(dark ? QStringLiteral("dark") : QStringLiteral("light")).arg(zoom)))
                    << dark << zoom;
    }

    void view_paints_everyLevelOfDetail()
    {
        QFETCH(bool, dark);
        QFETCH(qreal, zoom);
        if (dark) {
            QPalette p;
            p.setColor(QPalette::Window, QColor(0x20, 0x22, 0x25));
            p.setColor(QPalette::Base, QColor(0x17, 0x18, 0x1b));
            p.setColor(QPalette::Text, QColor(0xe6, 0xe6, 0xe6));
            p.setColor(QPalette::WindowText, QColor(0xe6, 0xe6, 0xe6));
            m_tab->setPalette(p);
        }
        const QColor background = view()->palette().color(QPalette::Base);
        view()->setZoom(zoom);
        const int centre = view()->scene().center;
        view()->centerOnNode(centre);
        const QImage image = view()->grab().toImage();
        QCOMPARE(image.size(), view()->size() * image.devicePixelRatio());
        // The centre entity is drawn where the view says it is, in colour.
        const QPoint pos = widgetPosOf(centre);
        QVERIFY(QColor(image.pixel(pos)) != background);
        // Most of the canvas is background: the palette's base colour.
        qint64 plain = 0;
        for (int y = 0; y < image.height(); y += 3)
            for (int x = 0; x < image.width(); x += 3)
                plain += (image.pixel(x, y) & 0xffffff) == (background.rgb() & 0xffffff) ? 1 : 0;
        QVERIFY2(plain * 9 > qint64(image.width()) * image.height() / 4, qPrintable(QString::number(plain)));
    }

    void view_emptyGraph_showsPlaceholder()
    {
        m_tab->setEntity(m_catalog, -1);
        QCOMPARE(m_tab->nodeCount(), -1);
        QVERIFY(view()->scene().isEmpty());
        QTest::keyClick(view(), Qt::Key_Right); // nothing to move to; must not crash
        QTest::keyClick(view(), Qt::Key_Tab);
        const QImage image = view()->grab().toImage();
        QVERIFY(!image.isNull());
    }
};

QTEST_MAIN(tst_RelationGraph)
#include "tst_relationgraph.moc"
