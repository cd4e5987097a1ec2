// SPDX-License-Identifier: Apache-2.0
#include "catalog/validator.h"

#include <QFile>
#include <QTest>

using namespace Flightdeck::Catalog;

// field-validators.tsv: verdicts of makeValidator() from @backstage/catalog-model 1.10.1.
class tst_FieldFormat : public QObject
{
    Q_OBJECT

private:
    struct Checks
    {
        bool (*yaml)(YamlValue);
        bool (*utf16)(QStringView);
        bool (*utf8)(std::string_view);
    };

    static bool checksFor(const QString& validator, Checks& c)
    {
        using namespace FieldFormat;
        const QString name = validator.section(QLatin1Char('('), 0, 0);
        if (name == u"isValidEntityName")
            c = { isValidEntityName, isValidEntityName, isValidEntityName };
        else if (name == u"isValidNamespace")
            c = { isValidNamespace, isValidNamespace, isValidNamespace };
        else if (name == u"isValidKind")
            c = { isValidKind, isValidKind, isValidKind };
        else if (name == u"isValidApiVersion")
            c = { isValidApiVersion, isValidApiVersion, isValidApiVersion };
        else if (name == u"isValidLabelKey")
            c = { isValidLabelKey, isValidLabelKey, isValidLabelKey };
        else if (name == u"isValidLabelValue")
            c = { isValidLabelValue, isValidLabelValue, isValidLabelValue };
        else if (name == u"isValidAnnotationKey")
            c = { isValidAnnotationKey, isValidAnnotationKey, isValidAnnotationKey };
        else if (name == u"isValidAnnotationValue")
            c = { isValidAnnotationValue, nullptr, nullptr };
        else if (name == u"isValidTag")
            c = { isValidTag, isValidTag, isValidTag };
        else
            return false;
        return true;
    }

private Q_SLOTS:
    void conformance_data()
    {
        QTest::addColumn<QString>("validator");
        QTest::addColumn<QByteArray>("inputJson");
        QTest::addColumn<bool>("expected");
        QFile f(QStringLiteral(FLIGHTDECK_TEST_DATA "/conformance/field-validators.tsv"));
        QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(f.fileName()));
        const QList<QByteArray> lines = f.readAll().split('\n');
        QCOMPARE(lines.first(), QByteArray("validator\tinput_json\texpected"));
        int rows = 0;
        for (qsizetype i = 1; i < lines.size(); ++i) {
            if (lines[i].isEmpty())
                continue;
            const QList<QByteArray> cols = lines[i].split('\t');
            QCOMPARE(cols.size(), qsizetype(3));
            QVERIFY(cols[2] == "true" || cols[2] == "false");
            const QByteArray shown
                = cols[1].size() > 40 ? cols[1].left(20) + "...(" + QByteArray::number(cols[1].size()) + ")" : cols[1];
            QTest::addRow("%d %s %s", int(i), cols[0].constData(), shown.constData())
                << QString::fromUtf8(cols[0]) << cols[1] << (cols[2] == "true");
            ++rows;
        }
        QVERIFY(rows > 100);
    }
    void conformance()
    {
        QFETCH(QString, validator);
        QFETCH(QByteArray, inputJson);
        QFETCH(bool, expected);
        Checks c {};
        QVERIFY2(checksFor(validator, c), qPrintable(validator));
        // JSON is YAML: the value arrives typed exactly as in the catalog (7 is a number, not "7").
        const auto docs = parseYamlStream(inputJson);
        QCOMPARE(docs.size(), size_t(1));
        QVERIFY(!docs[0].error);
        const YamlValue value(&docs[0].document, docs[0].document.root());
        QCOMPARE(c.yaml(value), expected);
        if (value.isString() && c.utf16) {
            QCOMPARE(c.utf16(value.toString()), expected);
            QCOMPARE(c.utf8(value.text()), expected);
        }
    }

    // new URL(value) as the WHATWG URL standard parses it, with no base URL.
    void url_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<bool>("valid");
        QTest::addRow("https") << QStringLiteral("https://example.com/a?b#c") << true;
        QTest::addRow("bare host") << QStringLiteral("https://x") << true;
        QTest::addRow("mailto") << QStringLiteral("mailto:a@b.c") << true;
        QTest::addRow("any scheme") << QStringLiteral("xyz:") << true;
        QTest::addRow("ipv6 and port") << QStringLiteral("http://[::1]:8080/") << true;
        QTest::addRow("ipv4 in ipv6") << QStringLiteral("http://[::ffff:192.168.0.1]/") << true;
        QTest::addRow("special without slashes") << QStringLiteral("https:example.com") << true;
        QTest::addRow("file") << QStringLiteral("file:///tmp/x") << true;
        QTest::addRow("drive-letter-like scheme") << QStringLiteral("c:\\foo") << true;
        QTest::addRow("hex ipv4") << QStringLiteral("http://0x7f.1/") << true;
        QTest::addRow("empty port") << QStringLiteral("http://example.com:/") << true;
        QTest::addRow("surrounding spaces trimmed") << QStringLiteral("  https://x  ") << true;
        QTest::addRow("credentials") << QStringLiteral("https://user:pw@example.com") << true;
        QTest::addRow("idn") << QStringLiteral("https://bücher.example/") << true;
        QTest::addRow("percent in opaque host") << QStringLiteral("xyz://a%20b/") << true;
        QTest::addRow("not a url") << QStringLiteral("not a url") << false;
        QTest::addRow("relative path") << QStringLiteral("/docs/index.html") << false;
        QTest::addRow("dot path") << QStringLiteral("./docs") << false;
        QTest::addRow("host only") << QStringLiteral("example.com") << false;
        QTest::addRow("empty") << QString() << false;
        QTest::addRow("no host") << QStringLiteral("https://") << false;
        QTest::addRow("space in host") << QStringLiteral("http://exa mple.com") << false;
        QTest::addRow("port too big") << QStringLiteral("http://a:99999") << false;
        QTest::addRow("port not a number") << QStringLiteral("http://a:8o/") << false;
        QTest::addRow("ipv4 part too big") << QStringLiteral("http://1.2.3.256") << false;
        QTest::addRow("number too big for ipv4") << QStringLiteral("http://999999999999") << false;
        QTest::addRow("unclosed ipv6") << QStringLiteral("http://[::1") << false;
        QTest::addRow("bad ipv6") << QStringLiteral("http://[1:2:3]/") << false;
        QTest::addRow("credentials without host") << QStringLiteral("https://user@") << false;
        QTest::addRow("port without host") << QStringLiteral("http://:80") << false;
        QTest::addRow("space in opaque host") << QStringLiteral("xyz://a b/") << false;
        QTest::addRow("scheme starts with digit") << QStringLiteral("1http://x") << false;
    }
    void url()
    {
        QFETCH(QString, url);
        QFETCH(bool, valid);
        QCOMPARE(FieldFormat::isValidUrl(QStringView(url)), valid);
        QCOMPARE(FieldFormat::isValidUrl(std::string_view(url.toStdString())), valid);
    }

    void nonEmptyString_data()
    {
        QTest::addColumn<QString>("value");
        QTest::addColumn<bool>("valid");
        QTest::addRow("text") << QStringLiteral("Dashboard") << true;
        QTest::addRow("padded") << QStringLiteral("  x ") << true;
        QTest::addRow("empty") << QString() << false;
        QTest::addRow("space") << QStringLiteral(" ") << false;
        QTest::addRow("tabs and newlines") << QStringLiteral("\t\n\r ") << false;
        QTest::addRow("no-break space") << QString(QChar(0x00A0)) << false;
        QTest::addRow("ideographic space") << QString(QChar(0x3000)) << false;
        QTest::addRow("BOM") << QString(QChar(0xFEFF)) << false;
        QTest::addRow("letter with accent") << QStringLiteral("é") << true;
    }
    void nonEmptyString()
    {
        QFETCH(QString, value);
        QFETCH(bool, valid);
        QCOMPARE(FieldFormat::isNonEmptyString(QStringView(value)), valid);
        QCOMPARE(FieldFormat::isNonEmptyString(std::string_view(value.toStdString())), valid);
    }

    void dnsRules_matchBackstage()
    {
        QVERIFY(FieldFormat::isValidDnsLabel(u"a--b"));
        QVERIFY(!FieldFormat::isValidDnsLabel(u"A"));
        QVERIFY(FieldFormat::isValidDnsSubdomain(u"backstage.io"));
        QVERIFY(!FieldFormat::isValidDnsSubdomain(u"a..b"));
        QVERIFY(!FieldFormat::isValidDnsSubdomain(u".a"));
        QVERIFY(FieldFormat::isValidDnsSubdomain(QString(253, QLatin1Char('a'))
                                                     .replace(63, 1, QLatin1Char('.'))
                                                     .replace(127, 1, QLatin1Char('.'))
                                                     .replace(191, 1, QLatin1Char('.'))));
    }

    void nonStrings_failEveryTypeofCheck()
    {
        const auto docs = parseYamlStream("[7, true, null, [a], {a: b}]");
        const YamlValue list(&docs[0].document, docs[0].document.root());
        for (std::uint32_t i = 0; i < list.size(); ++i) {
            const YamlValue v = list.at(i);
            QVERIFY(!FieldFormat::isValidEntityName(v));
            QVERIFY(!FieldFormat::isValidLabelValue(v));
            QVERIFY(!FieldFormat::isValidAnnotationValue(v));
            QVERIFY(!FieldFormat::isValidTag(v));
            QVERIFY(!FieldFormat::isValidUrl(v));
            QVERIFY(!FieldFormat::isNonEmptyString(v));
        }
    }
};

QTEST_GUILESS_MAIN(tst_FieldFormat)
#include "tst_fieldformat.moc"
