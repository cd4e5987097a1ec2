// SPDX-License-Identifier: Apache-2.0
#include "catalog/yamldocument.h"

#include <QTest>

using namespace Flightdeck::Catalog;

class tst_YamlDocument : public QObject
{
    Q_OBJECT

private:
    static std::vector<YamlStreamDocument> parse(const char* text) { return parseYamlStream(QByteArray(text)); }
    static QByteArray json(const char* text)
    {
        auto docs = parse(text);
        if (docs.size() != 1 || docs[0].error || docs[0].document.isEmpty())
            return "<" + (docs.empty() ? QByteArray("none") : docs[0].error ? docs[0].error->message.toUtf8() : "empty") + ">";
        return docs[0].document.toJson(docs[0].document.root());
    }

private Q_SLOTS:
    void coreSchemaTyping_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QByteArray>("expected");
        // YAML 1.2 core schema, as Backstage's reader types plain scalars
        QTest::addRow("int") << QByteArray("a: 1") << QByteArray("{\"a\":1}");
        QTest::addRow("leading zeros are decimal") << QByteArray("a: 007") << QByteArray("{\"a\":7}");
        QTest::addRow("octal") << QByteArray("a: 0o17") << QByteArray("{\"a\":15}");
        QTest::addRow("hex") << QByteArray("a: 0x1F") << QByteArray("{\"a\":31}");
        QTest::addRow("float") << QByteArray("a: 1.10") << QByteArray("{\"a\":1.1}");
        QTest::addRow("exp") << QByteArray("a: 1e3") << QByteArray("{\"a\":1000}");
        QTest::addRow("true") << QByteArray("a: true") << QByteArray("{\"a\":true}");
        QTest::addRow("yes is a string in 1.2") << QByteArray("a: yes") << QByteArray("{\"a\":\"yes\"}");
        QTest::addRow("on is a string in 1.2") << QByteArray("a: on") << QByteArray("{\"a\":\"on\"}");
        QTest::addRow("tilde") << QByteArray("a: ~") << QByteArray("{\"a\":null}");
        QTest::addRow("empty") << QByteArray("a:") << QByteArray("{\"a\":null}");
        QTest::addRow("quoted stays string") << QByteArray("a: '1'\nb: \"true\"") << QByteArray("{\"a\":\"1\",\"b\":\"true\"}");
        QTest::addRow("str tag") << QByteArray("a: !!str 5") << QByteArray("{\"a\":\"5\"}");
        QTest::addRow("version-like") << QByteArray("a: 1.2.3") << QByteArray("{\"a\":\"1.2.3\"}");
        QTest::addRow("dash word") << QByteArray("a: -x") << QByteArray("{\"a\":\"-x\"}");
        QTest::addRow("inf") << QByteArray("a: .inf") << QByteArray("{\"a\":null}");
        QTest::addRow("merge key is literal") << QByteArray("x: &x {b: 1}\n<<: *x") << QByteArray("{\"x\":{\"b\":1},\"<<\":{\"b\":1}}");
        QTest::addRow("integer keys first") << QByteArray("b: 1\n2: x\na: 3") << QByteArray("{\"2\":\"x\",\"b\":1,\"a\":3}");
        QTest::addRow("crlf") << QByteArray("a: 1\r\nb: x\r\n") << QByteArray("{\"a\":1,\"b\":\"x\"}");
        QTest::addRow("bom") << QByteArray("\xEF\xBB\xBF" "a: 1") << QByteArray("{\"a\":1}");
        QTest::addRow("escapes") << QByteArray("a: \"q\\\"\\n\\t\"") << QByteArray("{\"a\":\"q\\\"\\n\\t\"}");
        QTest::addRow("json input") << QByteArray("{\"a\": [1, \"x\", null, false]}") << QByteArray("{\"a\":[1,\"x\",null,false]}");
    }
    void coreSchemaTyping()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(QByteArray, expected);
        QCOMPARE(json(yaml.constData()), expected);
    }

    void duplicateKey_isErrorWithBothLines()
    {
        auto docs = parse("a: 1\nb: 2\na: 3\n");
        QCOMPARE(docs.size(), size_t(1));
        QVERIFY(docs[0].error);
        QCOMPARE(docs[0].error->position.line, 3);
        QCOMPARE(docs[0].error->position.column, 1);
        QVERIFY2(docs[0].error->message.contains(QLatin1String("line 1")), qPrintable(docs[0].error->message));
    }

    void duplicateKey_quotedAndPlainClash_numberAndStringDoNot()
    {
        QVERIFY(parse("a: 1\n'a': 2\n")[0].error);
        QVERIFY(!parse("1: x\n'1': y\n")[0].error);
    }

    void multiDocument_errorInOneKeepsOthers()
    {
        auto docs = parse("a: 1\n---\nb: [unclosed\n---\nc: 3\n");
        QCOMPARE(docs.size(), size_t(3));
        QVERIFY(!docs[0].error);
        QVERIFY(docs[1].error);
        QCOMPARE(docs[1].error->position.line, 4);
        QVERIFY(!docs[2].error);
        QCOMPARE(docs[2].document.toJson(docs[2].document.root()), QByteArray("{\"c\":3}"));
        QCOMPARE(docs[2].startLine, 4);
        QCOMPARE(docs[2].index, 2);
    }

    void positions_areOneBased()
    {
        auto docs = parse("---\nmetadata:\n  name: x\n");
        const YamlDocument& d = docs[0].document;
        YamlValue root(&d, d.root());
        YamlValue name = root["metadata"]["name"];
        QCOMPARE(name.toString(), QStringLiteral("x"));
        QCOMPARE(name.position(), (TextPosition {3, 9}));
        QCOMPARE(root["metadata"].keyNode("name").position(), (TextPosition {3, 3}));
    }

    void emptyDocuments_areEmpty()
    {
        auto docs = parse("---\n# only a comment\n---\n---\na: 1\n");
        int nonEmpty = 0;
        for (auto& d : docs)
            if (!d.document.isEmpty() && d.document.type(d.document.root()) != YamlType::Null)
                ++nonEmpty;
        QCOMPARE(nonEmpty, 1);
    }

    void aliasBomb_isRefused()
    {
        QByteArray bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
        char prev = 'a';
        for (char c = 'b'; c <= 'j'; ++c) {
            bomb += QByteArray(1, c) + ": &" + QByteArray(1, c) + " [";
            for (int i = 0; i < 10; ++i)
                bomb += QByteArray(i ? ", *" : "*") + QByteArray(1, prev);
            bomb += "]\n";
            prev = c;
        }
        auto docs = parseYamlStream(bomb);
        QCOMPARE(docs.size(), size_t(1));
        QVERIFY(docs[0].error);
        QVERIFY2(docs[0].error->message.contains(QLatin1String("aliases")), qPrintable(docs[0].error->message));
    }

    void deepNesting_isRefused()
    {
        QByteArray deep(100000, '[');
        deep += QByteArray(100000, ']');
        auto docs = parseYamlStream(deep);
        QCOMPARE(docs.size(), size_t(1));
        QVERIFY(docs[0].error);
        QVERIFY(docs[0].error->message.contains(QLatin1String("deeper")));
    }

    void invalidUtf8_isErrorWithPosition()
    {
        auto docs = parseYamlStream(QByteArray("a: 1\nb: \xC3\x28\n"));
        QCOMPARE(docs.size(), size_t(1));
        QVERIFY(docs[0].error);
        QCOMPARE(docs[0].error->position.line, 2);
    }

    void undefinedAlias_isError()
    {
        auto docs = parse("a: *nope\n");
        QVERIFY(docs[0].error);
        QVERIFY(docs[0].error->message.contains(QLatin1String("nope")));
    }

    void utf16WithBom_isRead()
    {
        const QString text = QStringLiteral("a: \u00e9t\u00e9\n");
        QByteArray bytes("\xFF\xFE", 2);
        for (QChar c : text) {
            bytes += char(c.unicode() & 0xff);
            bytes += char(c.unicode() >> 8);
        }
        auto docs = parseYamlStream(bytes);
        QCOMPARE(docs.size(), size_t(1));
        QVERIFY(!docs[0].error);
        QCOMPARE(docs[0].document.toJson(docs[0].document.root()), QStringLiteral("{\"a\":\"été\"}").toUtf8());
    }
};

QTEST_GUILESS_MAIN(tst_YamlDocument)
#include "tst_yamldocument.moc"
