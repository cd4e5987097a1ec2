// SPDX-License-Identifier: Apache-2.0
#include "scaffolder/nunjucksrenderer.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <QtConcurrent/QtConcurrentRun>

using namespace Flightdeck::Scaffolder::Nunjucks;

// The golden files under tests/data/scaffolder/golden/ were produced by real nunjucks 3.2.4
// configured as Backstage configures it (scripts/golden/gen.js). Every case is replayed here and
// must match byte for byte: every step input and output of every scaffolder.backstage.io/v1beta3
// template.yaml in the shared Backstage data, every skeleton file and file name, and hand-written
// edge cases (scripts/golden/cases.js).
class tst_TemplateRenderer : public QObject
{
    Q_OBJECT

private:
    static QString goldenDir() { return QStringLiteral(FLIGHTDECK_TEST_DATA "/scaffolder/golden"); }

    static Value contextOf(const QJsonObject& golden, const QString& name)
    {
        return Value::fromJson(golden.value(QStringLiteral("contexts")).toObject().value(name));
    }

    static RenderResult render(const QString& text, const Value& context, const RenderOptions& options, bool typed)
    {
        const Renderer renderer(options);
        return typed ? renderer.renderValue(text, context) : renderer.renderString(text, context);
    }

private Q_SLOTS:
    void golden_data()
    {
        QTest::addColumn<QString>("templateText");
        QTest::addColumn<QJsonValue>("context");
        QTest::addColumn<bool>("typed");
        QTest::addColumn<bool>("cookiecutter");
        QTest::addColumn<bool>("trimBlocks");
        QTest::addColumn<bool>("lstripBlocks");
        QTest::addColumn<QJsonObject>("expected");

        const QStringList files = QDir(goldenDir()).entryList({ QStringLiteral("*.json") }, QDir::Files, QDir::Name);
        QVERIFY2(files.size() >= 15, qPrintable(goldenDir()));
        int cases = 0;
        for (const QString& file : files) {
            QFile f(goldenDir() + QLatin1Char('/') + file);
            QVERIFY(f.open(QIODevice::ReadOnly));
            QJsonParseError error;
            const QJsonObject golden = QJsonDocument::fromJson(f.readAll(), &error).object();
            QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(file + error.errorString()));
            const QJsonObject contexts = golden.value(QStringLiteral("contexts")).toObject();
            for (const QJsonValue& cv : golden.value(QStringLiteral("cases")).toArray()) {
                const QJsonObject c = cv.toObject();
                const QJsonObject options = c.value(QStringLiteral("options")).toObject();
                const QString tag = file + QStringLiteral(": ") + c.value(QStringLiteral("name")).toString();
                QTest::newRow(qPrintable(tag)) << c.value(QStringLiteral("template")).toString()
                                               << contexts.value(c.value(QStringLiteral("context")).toString())
                                               << (c.value(QStringLiteral("mode")).toString() == QLatin1String("value"))
                                               << options.value(QStringLiteral("cookiecutterCompat")).toBool()
                                               << options.value(QStringLiteral("trimBlocks")).toBool()
                                               << options.value(QStringLiteral("lstripBlocks")).toBool()
                                               << c.value(QStringLiteral("expected")).toObject();
                ++cases;
            }
        }
        QVERIFY(cases > 500);
    }

    void golden()
    {
        QFETCH(QString, templateText);
        QFETCH(QJsonValue, context);
        QFETCH(bool, typed);
        QFETCH(bool, cookiecutter);
        QFETCH(bool, trimBlocks);
        QFETCH(bool, lstripBlocks);
        QFETCH(QJsonObject, expected);

        RenderOptions options;
        options.cookiecutterCompat = cookiecutter;
        options.trimBlocks = trimBlocks;
        options.lstripBlocks = lstripBlocks;
        const RenderResult r = render(templateText, Value::fromJson(context), options, typed);

        if (expected.contains(QStringLiteral("error"))) {
            // nunjucks failed; so must we, with a position and a message (wording differs).
            QVERIFY2(!r.ok(),
                qPrintable(QStringLiteral("nunjucks failed with \"%1\" but we rendered \"%2\"")
                               .arg(expected.value(QStringLiteral("error")).toString(), r.text)));
            QVERIFY(r.error->line >= 1);
            QVERIFY(r.error->column >= 1);
            QVERIFY(!r.error->message.isEmpty());
            return;
        }
        QVERIFY2(r.ok(), qPrintable(r.error ? r.error->toString() : QString()));
        if (expected.contains(QStringLiteral("text"))) {
            QVERIFY(r.value.isString());
            const QByteArray want = expected.value(QStringLiteral("text")).toString().toUtf8();
            const QByteArray got = r.text.toUtf8();
            if (got != want) {
                qsizetype i = 0;
                while (i < got.size() && i < want.size() && got.at(i) == want.at(i))
                    ++i;
                QFAIL(qPrintable(QStringLiteral("differs at byte %1:\n--- got\n%2\n--- nunjucks\n%3")
                                     .arg(i)
                                     .arg(QString::fromUtf8(got), QString::fromUtf8(want))));
            }
        } else if (expected.contains(QStringLiteral("undefined"))) {
            QVERIFY2(r.value.isUndefined(), qPrintable(r.text));
        } else {
            const QJsonValue want = expected.value(QStringLiteral("json"));
            const QJsonValue got = r.value.toJson();
            QVERIFY2(got == want,
                qPrintable(
                    QStringLiteral("got %1, nunjucks %2")
                        .arg(QString::fromUtf8(QJsonDocument(QJsonArray { got }).toJson(QJsonDocument::Compact)),
                            QString::fromUtf8(QJsonDocument(QJsonArray { want }).toJson(QJsonDocument::Compact)))));
        }
    }

    // Every prefix of every golden template (unclosed tags, strings, comments, raw blocks) either
    // renders or fails with a position; nothing crashes or hangs.
    void truncatedTemplates()
    {
        const QStringList files = QDir(goldenDir()).entryList({ QStringLiteral("*.json") }, QDir::Files, QDir::Name);
        int renders = 0;
        for (const QString& file : files) {
            if (file == QLatin1String("random.json") || file == QLatin1String("truncations.json"))
                continue; // already broken on purpose
            QFile f(goldenDir() + QLatin1Char('/') + file);
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QJsonObject golden = QJsonDocument::fromJson(f.readAll()).object();
            for (const QJsonValue& cv : golden.value(QStringLiteral("cases")).toArray()) {
                const QJsonObject c = cv.toObject();
                const QString text = c.value(QStringLiteral("template")).toString();
                RenderOptions options;
                options.cookiecutterCompat = c.value(QStringLiteral("options"))
                                                 .toObject()
                                                 .value(QStringLiteral("cookiecutterCompat"))
                                                 .toBool();
                const Renderer renderer(options);
                const Value context = contextOf(golden, c.value(QStringLiteral("context")).toString());
                const qsizetype stride = std::max<qsizetype>(1, text.size() / 24);
                for (qsizetype cut = 0; cut < text.size(); cut += stride) {
                    const RenderResult r = renderer.renderValue(text.left(cut), context);
                    if (!r.ok())
                        QVERIFY(r.error->line >= 1 && r.error->column >= 1 && !r.error->message.isEmpty());
                    ++renders;
                }
            }
        }
        QVERIFY(renders > 5000);
    }

    // Errors name the line and column in the template text and the tag's source.
    void errorPositions_data()
    {
        QTest::addColumn<QString>("templateText");
        QTest::addColumn<int>("line");
        QTest::addColumn<int>("column");
        QTest::addColumn<QString>("expression");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown tag") << QStringLiteral("a\n{% frobnicate %}") << 2 << 4
                                     << QStringLiteral("{% frobnicate %}")
                                     << QStringLiteral("unknown block tag: frobnicate");
        QTest::newRow("unknown filter") << QStringLiteral("x\ny: ${{ v | nosuch }}") << 2 << 12
                                        << QStringLiteral("${{ v | nosuch }}")
                                        << QStringLiteral("filter not found: nosuch");
        QTest::newRow("runtime error") << QStringLiteral("one\n  two ${{ values.name() }} three") << 2 << 11
                                       << QStringLiteral("${{ values.name() }}")
                                       << QStringLiteral("which is not a function");
        QTest::newRow("bad repo url") << QStringLiteral("${{ 'example.org?repo=x' | parseRepoUrl }}") << 1 << 28
                                      << QStringLiteral("${{ 'example.org?repo=x' | parseRepoUrl }}")
                                      << QStringLiteral("No matching integration configuration for host example.org");
        QTest::newRow("unknown filter, later tags")
            << QStringLiteral("${{ a }}\n{% if x | nosuch %}y{% endif %}${{ b }}") << 2 << 11
            << QStringLiteral("{% if x | nosuch %}") << QStringLiteral("filter not found: nosuch");
        QTest::newRow("unclosed variable")
            << QStringLiteral("line1\n  ${{ values.name ") << 2 << 19 << QStringLiteral("${{ values.name ")
            << QStringLiteral("expected variable end");
        QTest::newRow("in inside if") << QStringLiteral("{% if true %}\n{% if 'a' in 5 %}x{% endif %}{% endif %}") << 2
                                      << 7 << QStringLiteral("{% if 'a' in 5 %}") << QStringLiteral("\"in\" operator");
    }

    void errorPositions()
    {
        QFETCH(QString, templateText);
        QFETCH(int, line);
        QFETCH(int, column);
        QFETCH(QString, expression);
        QFETCH(QString, message);
        Value::Object values;
        values.insert(QStringLiteral("name"), Value(QStringLiteral("svc")));
        Value::Object ctx;
        ctx.insert(QStringLiteral("values"), Value::object(values));
        const RenderResult r = Renderer().renderString(templateText, Value::object(ctx));
        QVERIFY(!r.ok());
        QCOMPARE(r.error->line, line);
        QCOMPARE(r.error->column, column);
        QCOMPARE(r.error->expression, expression);
        QVERIFY2(r.error->message.contains(message), qPrintable(r.error->message));
        QVERIFY(r.error->toString().contains(expression));
    }

    // Nothing hangs or exhausts memory: loops, nesting and output are bounded.
    void limits_data()
    {
        QTest::addColumn<QString>("templateText");
        // What the error message names: the bound that was hit (maxSteps 5,000,000, maxOutputChars
        // 1 MiB as limits() sets it, maxDepth 256 for expressions, twice that for values).
        QTest::addColumn<QString>("limit");
        QTest::newRow("huge range") << QStringLiteral("{% for i in range(1000000000) %}x{% endfor %}")
            << QStringLiteral("too many steps (more than 5000000)");
        QTest::newRow("nested loops") << QStringLiteral(
            "{% for a in range(10000) %}{% for b in range(10000) %}{% endfor %}{% endfor %}")
            << QStringLiteral("too many steps (more than 5000000)");
        QTest::newRow("deep parens") << QString(QStringLiteral("${{ ") + QString(5000, QLatin1Char('('))
            + QStringLiteral("1") + QString(5000, QLatin1Char(')')) + QStringLiteral(" }}"))
            << QStringLiteral("expression nested too deeply");
        QTest::newRow("deep not") << QString(
            QStringLiteral("${{ ") + QStringLiteral("not ").repeated(5000) + QStringLiteral("x }}"))
            << QStringLiteral("expression nested too deeply");
        QTest::newRow("deep ifs") << QString(
            QStringLiteral("{% if true %}").repeated(3000) + QStringLiteral("{% endif %}").repeated(3000))
            << QStringLiteral("expression nested too deeply");
        QTest::newRow("big output") << QStringLiteral("{% for i in range(100000) %}${{ s }}{% endfor %}")
            << QStringLiteral("output larger than 1048576 characters");
        QTest::newRow("repeat") << QStringLiteral("${{ s.repeat(1000000000) }}")
            << QStringLiteral("Invalid count value: 1000000000");
        QTest::newRow("long chain") << QString(
            QStringLiteral("${{ 1") + QStringLiteral(" + 1").repeated(100000) + QStringLiteral(" }}"))
            << QStringLiteral("expression too long (more than 256 operators");
        QTest::newRow("doubling") << QStringLiteral(
            "{% set x = s %}{% for i in range(40) %}{% set x = x ~ x %}{% endfor %}${{ x | length }}")
            << QStringLiteral("a string larger than 1048576 characters");
        QTest::newRow("replace empty") << QStringLiteral(
            "{% set x = s %}{% for i in range(12) %}{% set x = x | replace('', x) %}{% endfor %}")
            << QStringLiteral("replacement result larger than 1048576 characters");
        QTest::newRow("join") << QStringLiteral(
            "{% set x = s %}{% for i in range(30) %}{% set x = [x, x, x] | join(x) %}{% endfor %}")
            << QStringLiteral("a string larger than 1048576 characters");
        QTest::newRow("batch fill") << QStringLiteral("${{ [1] | batch(1000000000, s) | length }}")
            << QStringLiteral("too many steps (more than 5000000)");
        QTest::newRow("member chain") << QString(
            QStringLiteral("${{ s") + QStringLiteral(".b").repeated(100000) + QStringLiteral(" }}"))
            << QStringLiteral("expression too long (more than 256 levels)");
        QTest::newRow("filter chain") << QString(
            QStringLiteral("${{ s") + QStringLiteral(" | lower").repeated(100000) + QStringLiteral(" }}"))
            << QStringLiteral("expression too long (more than 256 levels)");
        QTest::newRow("call chain") << QString(
            QStringLiteral("${{ s") + QStringLiteral("()").repeated(100000) + QStringLiteral(" }}"))
            << QStringLiteral("expression too long (more than 256 levels)");
        QTest::newRow("deep value") << QStringLiteral(
            "{% set a = [] %}{% for i in range(200000) %}{% set a = [a] %}{% endfor %}${{ a == 'x' }}")
            << QStringLiteral("value nested too deeply (more than 512 levels)");
        QTest::newRow("deep value batch") << QStringLiteral(
            "{% set a = [1] %}{% for i in range(200000) %}{% set a = a | batch(1) %}{% endfor %}${{ a | dump }}")
            << QStringLiteral("value nested too deeply (more than 512 levels)");
        QTest::newRow("deep statements") << QString(QStringLiteral("{% for x in [1] %}").repeated(100000))
            << QStringLiteral("expression nested too deeply");
        QTest::newRow("array text") << QStringLiteral(
            "{% set a = [s] %}{% for i in range(40) %}{% set a = [a, a] %}{% endfor %}${{ a }}")
            << QStringLiteral("a string larger than 1048576 characters");
    }

    void limits()
    {
        QFETCH(QString, templateText);
        QFETCH(QString, limit);
        // A hang guard, not a timing (how fast the limits hit is for bench/): rendering runs on a
        // worker, which owns everything it uses, so that a renderer that never ends fails this row
        // instead of hanging the whole test.
        QFuture<RenderResult> f = QtConcurrent::run([templateText] {
            RenderOptions options;
            options.maxOutputChars = 1024 * 1024;
            Value::Object ctx;
            ctx.insert(QStringLiteral("s"), Value(QString(100, QLatin1Char('x'))));
            return Renderer(options).renderString(templateText, Value::object(ctx));
        });
        QVERIFY(QTest::qWaitFor([&] { return f.isFinished(); }, 120000));
        const RenderResult r = f.result();
        QVERIFY2(!r.ok(), qPrintable(r.text.left(100)));
        QVERIFY(!r.error->message.isEmpty());
        // The message names the bound that stopped the rendering.
        QVERIFY2(r.error->message.contains(limit), qPrintable(r.error->message));
    }

    // `${{` that survives rendering (from {% raw %} or from a value) is reported, never silent.
    void unrendered()
    {
        Value::Object ctx;
        ctx.insert(QStringLiteral("v"), Value(QStringLiteral("${{ secrets.x }}")));
        const Renderer renderer;
        RenderResult r
            = renderer.renderString(QStringLiteral("a\n  {% raw %}${{ github.sha }}{% endraw %}"), Value::object(ctx));
        QVERIFY(r.ok());
        QCOMPARE(r.text, QStringLiteral("a\n  ${{ github.sha }}"));
        QCOMPARE(r.unrenderedLine, 2);
        QCOMPARE(r.unrenderedColumn, 3);
        r = renderer.renderValue(QStringLiteral("${{ v }}"), Value::object(ctx));
        QVERIFY(r.ok());
        QCOMPARE(r.unrenderedLine, 1);
        r = renderer.renderString(QStringLiteral("plain ${{ 'text' }}"), Value::object(ctx));
        QCOMPARE(r.unrenderedLine, 0);
    }

    // A sole expression keeps its type, and objects keep their key order (which `dump` shows).
    void typedValues()
    {
        const Renderer renderer;
        Value::Object params;
        params.insert(QStringLiteral("repoUrl"), Value(QStringLiteral("github.com?repo=r&owner=o")));
        Value::Object ctx;
        ctx.insert(QStringLiteral("parameters"), Value::object(params));
        const Value context = Value::object(ctx);
        RenderResult r = renderer.renderValue(QStringLiteral("${{ {b: 1, a: [2, parameters.nothing]} }}"), context);
        QVERIFY(r.ok());
        QVERIFY(r.value.isObject());
        QCOMPARE(r.value.object().keys, (QStringList { QStringLiteral("b"), QStringLiteral("a") }));
        QCOMPARE(jsonStringify(r.value), QStringLiteral("{\"b\":1,\"a\":[2,null]}"));
        r = renderer.renderValue(QStringLiteral("${{ parameters.repoUrl | parseRepoUrl }}"), context);
        QCOMPARE(r.value.object().keys,
            (QStringList { QStringLiteral("host"), QStringLiteral("owner"), QStringLiteral("repo") }));
        r = renderer.renderValue(QStringLiteral("${{ parameters.missing }}"), context);
        QVERIFY(r.ok());
        QVERIFY(r.value.isUndefined());
        r = renderer.renderValue(QStringLiteral("${{ 0 / 0 }}"), context);
        QVERIFY(r.value.isNull()); // NaN does not survive JSON
        r = renderer.renderString(QStringLiteral("${{ 3 }}"), context);
        QVERIFY(r.value.isString());
    }

    // Installation-specific filters and globals (Backstage's createTemplateFilter/Global, the
    // runner's always()/failure()).
    void customFiltersAndGlobals()
    {
        RenderOptions options;
        options.filters.insert(QStringLiteral("shout"), [](const QList<Value>& args) {
            return Value(args.value(0).toJsString().toUpper() + args.value(1).toJsString());
        });
        options.globals.insert(QStringLiteral("failure"), [](const QList<Value>&) { return Value(false); });
        const Renderer renderer(options);
        RenderResult r
            = renderer.renderString(QStringLiteral("${{ 'hi' | shout('!') }} ${{ failure() }}"), Value::object({}));
        QVERIFY2(r.ok(), qPrintable(r.error ? r.error->toString() : QString()));
        QCOMPARE(r.text, QStringLiteral("HI! false"));
        r = renderer.renderValue(QStringLiteral("${{ not failure() }}"), Value::object({}));
        QVERIFY(r.value.isBool() && r.value.boolValue());
        // Without them, both are unknown.
        r = Renderer().renderString(QStringLiteral("${{ 'hi' | shout }}"), Value::object({}));
        QVERIFY(!r.ok());
        r = Renderer().renderString(QStringLiteral("${{ failure() }}"), Value::object({}));
        QVERIFY(!r.ok());
        QVERIFY(r.error->message.contains(QStringLiteral("undefined")));
    }

    void numberFormatting_data()
    {
        QTest::addColumn<double>("number");
        QTest::addColumn<QString>("js");
        QTest::newRow("int") << 42.0 << QStringLiteral("42");
        QTest::newRow("neg zero") << -0.0 << QStringLiteral("0");
        QTest::newRow("fraction") << 0.1 << QStringLiteral("0.1");
        QTest::newRow("sum") << (0.1 + 0.2) << QStringLiteral("0.30000000000000004");
        QTest::newRow("1e21") << 1e21 << QStringLiteral("1e+21");
        QTest::newRow("below 1e21") << 123456789012345680000.0 << QStringLiteral("123456789012345680000");
        QTest::newRow("1e-7") << 1e-7 << QStringLiteral("1e-7");
        QTest::newRow("1e-6") << 1e-6 << QStringLiteral("0.000001");
        QTest::newRow("negative exp") << -1.5e-9 << QStringLiteral("-1.5e-9");
        QTest::newRow("max") << 1.7976931348623157e308 << QStringLiteral("1.7976931348623157e+308");
    }

    void numberFormatting()
    {
        QFETCH(double, number);
        QFETCH(QString, js);
        QCOMPARE(jsNumberToString(number), js);
    }
};

QTEST_GUILESS_MAIN(tst_TemplateRenderer)
#include "tst_templaterenderer.moc"
