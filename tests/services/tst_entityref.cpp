// SPDX-License-Identifier: Apache-2.0
#include "catalog/entityref.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTest>

using namespace Flightdeck::Catalog;

// entity-refs.tsv: verdicts of parseEntityRef from @backstage/catalog-model 1.10.1.
class tst_EntityRef : public QObject
{
    Q_OBJECT

private:
    static QJsonValue parseJsonValue(const QString& text)
    {
        // QJsonDocument reads only arrays and objects at the top level.
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(QByteArray("[") + text.toUtf8() + "]", &error);
        if (error.error != QJsonParseError::NoError)
            return QJsonValue(QJsonValue::Undefined);
        return doc.array().at(0);
    }

private Q_SLOTS:
    void conformance_data()
    {
        QTest::addColumn<QString>("ref");
        QTest::addColumn<QString>("defaultKind");
        QTest::addColumn<QString>("defaultNamespace");
        QTest::addColumn<QString>("expected");
        QFile f(QStringLiteral(FLIGHTDECK_TEST_DATA "/conformance/entity-refs.tsv"));
        QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(f.fileName()));
        const QStringList lines = QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QVERIFY(lines.size() > 10);
        QCOMPARE(lines.first(), QStringLiteral("ref\tcontext_json\texpected_json_or_error"));
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QStringList cols = lines[i].split(QLatin1Char('\t'));
            QCOMPARE(cols.size(), qsizetype(3));
            const QJsonValue ref = parseJsonValue(cols[0]);
            QVERIFY2(ref.isString(), qPrintable(cols[0]));
            const QJsonObject context = QJsonDocument::fromJson(cols[1].toUtf8()).object();
            QTest::addRow("%d %s", int(i), qPrintable(cols[0]))
                << ref.toString() << context.value(QLatin1String("defaultKind")).toString()
                << context.value(QLatin1String("defaultNamespace")).toString() << cols[2];
        }
    }
    void conformance()
    {
        QFETCH(QString, ref);
        QFETCH(QString, defaultKind);
        QFETCH(QString, defaultNamespace);
        QFETCH(QString, expected);
        const EntityRefParseResult result = EntityRef::parse(ref, { defaultKind, defaultNamespace });
        if (expected.startsWith(QLatin1String("ERROR: "))) {
            QVERIFY2(!result.ref, qPrintable(result.ref ? result.ref->key() : QString()));
            QCOMPARE(result.error, expected.mid(7));
            return;
        }
        QVERIFY2(result.ref, qPrintable(result.error));
        const QJsonObject want = QJsonDocument::fromJson(expected.toUtf8()).object();
        QCOMPARE(result.ref->kind, want.value(QLatin1String("kind")).toString());
        QCOMPARE(result.ref->ns, want.value(QLatin1String("namespace")).toString());
        QCOMPARE(result.ref->name, want.value(QLatin1String("name")).toString());
        QVERIFY(result.error.isEmpty());
    }

    void key_isLowercasedKindNamespaceName()
    {
        const auto r = EntityRef::parse(u"Component:Default/Foo");
        QVERIFY(r.ref);
        QCOMPARE(r.ref->key(), QStringLiteral("component:default/foo"));
        QCOMPARE(r.ref->kind, QStringLiteral("Component")); // authored case is kept
        QCOMPARE(canonicalKey(QStringLiteral("API"), QStringLiteral("Prod"), QStringLiteral("Petstore")),
            QStringLiteral("api:prod/petstore"));
    }

    void equality_ignoresCase_hashAgrees()
    {
        const EntityRef a = EntityRef::fromString(u"Component:Default/Foo");
        const EntityRef b = EntityRef::fromString(u"component:default/foo");
        const EntityRef c = EntityRef::fromString(u"component:default/bar");
        QVERIFY(a.isValid() && b.isValid() && c.isValid());
        QVERIFY(a == b);
        QVERIFY(!(a == c));
        QCOMPARE(qHash(a), qHash(b));
        QSet<EntityRef> set { a, b, c };
        QCOMPARE(set.size(), 2);
    }

    void defaults_fillMissingParts_authoredPartsWin()
    {
        const EntityRef r = EntityRef::fromString(u"team-a", { QStringLiteral("Group"), QStringLiteral("ns1") });
        QCOMPARE(r.key(), QStringLiteral("group:ns1/team-a"));
        const EntityRef u
            = EntityRef::fromString(u"user:other/jdoe", { QStringLiteral("Group"), QStringLiteral("ns1") });
        QCOMPARE(u.key(), QStringLiteral("user:other/jdoe"));
        QVERIFY(!EntityRef::fromString(u"foo").isValid()); // no kind and no default kind
    }
};

QTEST_GUILESS_MAIN(tst_EntityRef)
#include "tst_entityref.moc"
