// SPDX-License-Identifier: Apache-2.0
// Reading API definitions for the API tab: OpenAPI 2 and 3, AsyncAPI 2 and 3, GraphQL SDL and
// protobuf, with the line of every operation; broken definitions give a clear error and no crash.
#include "catalog/apidefinition.h"
#include "catalog/catalog.h"
#include "sources/sourceload.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Flightdeck::Catalog;

namespace {

QString dataPath(const char* relative)
{
    return QStringLiteral(FLIGHTDECK_TEST_DATA "/entitytabs/") + QLatin1String(relative);
}

QByteArray readData(const char* relative)
{
    QFile f(dataPath(relative));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read test data %s", relative);
    return f.readAll();
}

// The text of a 1-based line.
QString lineText(const QByteArray& text, int line)
{
    const QList<QByteArray> lines = text.split('\n');
    return line >= 1 && line <= lines.size() ? QString::fromUtf8(lines[line - 1]) : QString();
}

const ApiOperation* findOperation(const ApiDefinition& d, const QString& method, const QString& path)
{
    for (const ApiOperation& o : d.operations)
        if (o.method == method && o.path == path)
            return &o;
    return nullptr;
}

const ApiType* findType(const ApiDefinition& d, const QString& name)
{
    for (const ApiType& t : d.types)
        if (t.name == name)
            return &t;
    return nullptr;
}

QStringList operationKeys(const ApiDefinition& d)
{
    QStringList out;
    for (const ApiOperation& o : d.operations)
        out << o.method + QLatin1Char(' ') + o.path;
    return out;
}

} // namespace

class tst_ApiDefinition : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void openApi3_paymentsFile_listsOperationsAtTheirLines_data()
    {
        QTest::addColumn<QString>("method");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("operationId");
        QTest::addColumn<QString>("group");
        QTest::addColumn<bool>("deprecated");
        QTest::addRow("list") << "GET" << "/payments" << "listPayments" << "payments" << false;
        QTest::addRow("create") << "POST" << "/payments" << "createPayment" << "payments" << false;
        QTest::addRow("get") << "GET" << "/payments/{paymentId}" << "getPayment" << "payments" << false;
        QTest::addRow("void") << "DELETE" << "/payments/{paymentId}" << "voidPayment" << "payments" << false;
        QTest::addRow("capture") << "POST" << "/payments/{paymentId}/capture" << "capturePayment" << "payments"
                                 << false;
        QTest::addRow("refunds") << "GET" << "/payments/{paymentId}/refunds" << "listRefunds" << "refunds" << false;
        QTest::addRow("refund") << "POST" << "/payments/{paymentId}/refunds" << "createRefund" << "refunds" << false;
        QTest::addRow("charge") << "POST" << "/charges" << "createCharge" << "payments" << true;
        QTest::addRow("put") << "PUT" << "/webhooks/subscriptions" << "replaceSubscriptions" << "webhooks" << false;
        QTest::addRow("patch") << "PATCH" << "/webhooks/subscriptions" << "updateSubscription" << "webhooks" << false;
        QTest::addRow("head untagged") << "HEAD" << "/health" << "health" << "" << false;
    }
    void openApi3_paymentsFile_listsOperationsAtTheirLines()
    {
        QFETCH(QString, method);
        QFETCH(QString, path);
        QFETCH(QString, operationId);
        QFETCH(QString, group);
        QFETCH(bool, deprecated);
        const QByteArray text = readData("apis/payments/openapi.yaml");
        const ApiDefinition d = parseApiDefinition(QStringLiteral("openapi"), text);
        QVERIFY2(d.ok(), qPrintable(d.error));
        const ApiOperation* op = findOperation(d, method, path);
        QVERIFY2(op, qPrintable(operationKeys(d).join(QStringLiteral(", "))));
        QCOMPARE(op->operationId, operationId);
        QCOMPARE(op->group, group);
        QCOMPARE(op->deprecated, deprecated);
        QVERIFY(!op->summary.isEmpty());
        // The line is the method's key, under its path.
        QCOMPARE(lineText(text, op->line).trimmed(), method.toLower() + QLatin1Char(':'));
        int pathLine = op->line;
        while (pathLine > 0 && !lineText(text, pathLine).startsWith(QStringLiteral("  /")))
            --pathLine;
        QCOMPARE(lineText(text, pathLine).trimmed(), path + QLatin1Char(':'));
    }

    void openApi3_paymentsFile_readsHeaderSchemasAndOrder()
    {
        const QByteArray text = readData("apis/payments/openapi.yaml");
        const ApiDefinition d = parseApiDefinition(QStringLiteral("openapi"), text);
        QVERIFY(d.ok());
        QCOMPARE(d.format, ApiFormat::OpenApi3);
        QCOMPARE(d.syntax, ApiSyntax::Yaml);
        QCOMPARE(d.formatName, QStringLiteral("OpenAPI 3.0.3"));
        QCOMPARE(d.title, QStringLiteral("Payments API"));
        QCOMPARE(d.version, QStringLiteral("2.4.0"));
        QVERIFY(d.description.startsWith(QStringLiteral("Authorises")));
        QCOMPARE(d.servers.size(), 2);
        QCOMPARE(d.servers[0].url, QStringLiteral("https://api.acme.example/payments/v2"));
        QCOMPARE(d.servers[1].description, QStringLiteral("Staging"));
        QCOMPARE(d.operations.size(), 12);
        // Document order, lines increasing.
        for (qsizetype i = 1; i < d.operations.size(); ++i)
            QVERIFY(d.operations[i - 1].line < d.operations[i].line);
        QCOMPARE(findOperation(d, QStringLiteral("DELETE"), QStringLiteral("/payments/{paymentId}"))->summary,
                 QStringLiteral("Void an authorised payment"));
        const ApiType* money = findType(d, QStringLiteral("Money"));
        QVERIFY(money);
        QCOMPARE(money->kind, QStringLiteral("schema"));
        QCOMPARE(money->description, QStringLiteral("An amount in the currency's minor unit"));
        QCOMPARE(lineText(text, money->line).trimmed(), QStringLiteral("Money:"));
        QCOMPARE(d.types.size(), 8);
        QVERIFY(d.warnings.isEmpty());
    }

    void openApi2_swaggerJson_listsOperationsAndServers()
    {
        const QByteArray text = readData("apis/legacy-billing/swagger.json");
        const ApiDefinition d = parseApiDefinition(QStringLiteral("openapi"), text);
        QVERIFY2(d.ok(), qPrintable(d.error));
        QCOMPARE(d.format, ApiFormat::OpenApi2);
        QCOMPARE(d.syntax, ApiSyntax::Json);
        QCOMPARE(d.formatName, QStringLiteral("Swagger 2.0"));
        QCOMPARE(d.title, QStringLiteral("Legacy Billing"));
        QCOMPARE(d.version, QStringLiteral("1.9.3"));
        QCOMPARE(d.servers.size(), 1);
        QCOMPARE(d.servers[0].url, QStringLiteral("https://billing.acme.example/api/v1"));
        QCOMPARE(operationKeys(d),
                 QStringList({QStringLiteral("GET /invoices"), QStringLiteral("GET /invoices/{invoiceId}"),
                              QStringLiteral("DELETE /invoices/{invoiceId}"), QStringLiteral("POST /credit-notes")}));
        for (const ApiOperation& o : d.operations)
            QVERIFY2(lineText(text, o.line).trimmed().startsWith(QLatin1Char('"') + o.method.toLower() + QStringLiteral("\":")),
                     qPrintable(lineText(text, o.line)));
        QVERIFY(findOperation(d, QStringLiteral("DELETE"), QStringLiteral("/invoices/{invoiceId}"))->deprecated);
        QCOMPARE(findOperation(d, QStringLiteral("POST"), QStringLiteral("/credit-notes"))->group,
                 QStringLiteral("credit-notes"));
        QVERIFY(findType(d, QStringLiteral("InvoicePage")));
        QCOMPARE(findType(d, QStringLiteral("Invoice"))->description, QStringLiteral("An invoice sent to a customer"));
    }

    void openApi31_webhooks_areListedAsWebhooks()
    {
        const QByteArray text = "openapi: 3.1.0\ninfo:\n  title: Hooks\n  version: '1'\nwebhooks:\n  newPet:\n"
                                "    post:\n      summary: A pet was added\n      responses: {}\n";
        const ApiDefinition d = parseApiDefinition(QStringLiteral("openapi"), text);
        QVERIFY(d.ok());
        QCOMPARE(d.operations.size(), 1);
        QCOMPARE(d.operations[0].method, QStringLiteral("POST"));
        QCOMPARE(d.operations[0].path, QStringLiteral("newPet"));
        QCOMPARE(d.operations[0].group, QStringLiteral("Webhooks"));
        QCOMPARE(d.operations[0].line, 7);
        QCOMPARE(d.version, QStringLiteral("1"));
    }

    void openApi_conformanceExamples_readWithoutErrors()
    {
        // Backstage's own example (inline definition in a catalog file).
        const QString dir = QStringLiteral(FLIGHTDECK_TEST_DATA "/conformance/examples/catalog-model/apis/");
        QFile f(dir + QStringLiteral("petstore-webhook.oas.yaml"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const ApiDefinition d = parseApiDefinition(QStringLiteral("openapi"), f.readAll());
        QVERIFY2(d.ok(), qPrintable(d.error));
        QCOMPARE(d.formatName, QStringLiteral("OpenAPI 3.1.0"));
        QCOMPARE(operationKeys(d), QStringList {QStringLiteral("POST newPet")});
        QVERIFY(findType(d, QStringLiteral("Pet")));
    }

    void asyncApi2_channels_givePublishAndSubscribeOperations()
    {
        const QByteArray text = readData("apis/order-events/asyncapi.yaml");
        const ApiDefinition d = parseApiDefinition(QStringLiteral("asyncapi"), text);
        QVERIFY2(d.ok(), qPrintable(d.error));
        QCOMPARE(d.format, ApiFormat::AsyncApi2);
        QCOMPARE(d.formatName, QStringLiteral("AsyncAPI 2.6.0"));
        QCOMPARE(d.title, QStringLiteral("Order Events"));
        QCOMPARE(d.servers.size(), 2);
        QCOMPARE(d.servers[0].name, QStringLiteral("production"));
        QCOMPARE(d.servers[0].protocol, QStringLiteral("kafka"));
        QCOMPARE(d.servers[0].url, QStringLiteral("kafka.acme.example:9092"));
        QCOMPARE(operationKeys(d),
                 QStringList({QStringLiteral("SUBSCRIBE orders.created"), QStringLiteral("SUBSCRIBE orders.paid"),
                              QStringLiteral("PUBLISH orders.commands.cancel"),
                              QStringLiteral("SUBSCRIBE shipments.dispatched")}));
        for (const ApiOperation& o : d.operations)
            QCOMPARE(lineText(text, o.line).trimmed(),
                     o.method.toLower() + QLatin1Char(':'));
        const ApiOperation* cancel = findOperation(d, QStringLiteral("PUBLISH"), QStringLiteral("orders.commands.cancel"));
        QCOMPARE(cancel->operationId, QStringLiteral("cancelOrder"));
        QCOMPARE(cancel->tags, QStringList {QStringLiteral("commands")});
        QCOMPARE(cancel->group, QStringLiteral("commands"));
        const ApiType* channel = findType(d, QStringLiteral("orders.created"));
        QVERIFY(channel);
        QCOMPARE(channel->kind, QStringLiteral("channel"));
        QCOMPARE(channel->description, QStringLiteral("A customer placed an order"));
        QCOMPARE(findType(d, QStringLiteral("OrderCreated"))->kind, QStringLiteral("message"));
        QCOMPARE(findType(d, QStringLiteral("Order"))->kind, QStringLiteral("schema"));
    }

    void asyncApi3_operations_resolveTheirChannels()
    {
        const QByteArray text = readData("definitions/asyncapi3.yaml");
        const ApiDefinition d = parseApiDefinition(QStringLiteral("asyncapi"), text);
        QVERIFY2(d.ok(), qPrintable(d.error));
        QCOMPARE(d.format, ApiFormat::AsyncApi3);
        QCOMPARE(d.servers.size(), 1);
        QCOMPARE(d.servers[0].url, QStringLiteral("amqp://broker.acme.example:5672/vhost"));
        QCOMPARE(operationKeys(d),
                 QStringList({QStringLiteral("SEND user/signedup"), QStringLiteral("RECEIVE user/deleted")}));
        QCOMPARE(d.operations[0].operationId, QStringLiteral("sendUserSignedup"));
        QCOMPARE(d.operations[0].summary, QStringLiteral("Tell the others a user signed up"));
        QCOMPARE(d.operations[1].summary, QStringLiteral("React to deleted users"));
        QCOMPARE(lineText(text, d.operations[1].line).trimmed(), QStringLiteral("onUserDeleted:"));
        QVERIFY(findType(d, QStringLiteral("userSignedup (user/signedup)")));
        QVERIFY(findType(d, QStringLiteral("UserSignedUp")));
    }

    void graphQl_schema_listsRootFieldsAndTypes()
    {
        const QByteArray text = readData("apis/catalog-graph/schema.graphql");
        const ApiDefinition d = parseApiDefinition(QStringLiteral("graphql"), text);
        QVERIFY2(d.ok(), qPrintable(d.error));
        QCOMPARE(d.format, ApiFormat::GraphQl);
        QCOMPARE(d.syntax, ApiSyntax::GraphQl);
        QCOMPARE(operationKeys(d),
                 QStringList({QStringLiteral("QUERY product"), QStringLiteral("QUERY products"),
                              QStringLiteral("QUERY search"), QStringLiteral("QUERY categories"),
                              QStringLiteral("MUTATION setPrice"), QStringLiteral("MUTATION archiveProduct"),
                              QStringLiteral("SUBSCRIPTION priceChanged"), QStringLiteral("QUERY node")}));
        for (const ApiOperation& o : d.operations)
            QVERIFY2(lineText(text, o.line).trimmed().startsWith(o.path + QLatin1Char('('))
                         || lineText(text, o.line).trimmed().startsWith(o.path + QLatin1Char(':')),
                     qPrintable(lineText(text, o.line)));
        const ApiOperation* product = findOperation(d, QStringLiteral("QUERY"), QStringLiteral("product"));
        QCOMPARE(product->signature, QStringLiteral("(id: ID!): Product"));
        QCOMPARE(product->summary, QStringLiteral("Fetch one product by id"));
        QCOMPARE(product->group, QStringLiteral("Query"));
        QCOMPARE(findOperation(d, QStringLiteral("QUERY"), QStringLiteral("products"))->signature,
                 QStringLiteral("(filter: ProductFilter, first: Int = 20, after: String): ProductConnection!"));
        QVERIFY(findOperation(d, QStringLiteral("QUERY"), QStringLiteral("categories"))->deprecated);
        QVERIFY(!findOperation(d, QStringLiteral("QUERY"), QStringLiteral("search"))->deprecated);
        QStringList types;
        for (const ApiType& t : d.types)
            types << t.kind + QLatin1Char(' ') + t.name;
        QCOMPARE(types,
                 QStringList({QStringLiteral("type Product"), QStringLiteral("interface Node"),
                              QStringLiteral("type Category"), QStringLiteral("type ProductConnection"),
                              QStringLiteral("scalar Money"), QStringLiteral("enum SortOrder"),
                              QStringLiteral("input ProductFilter"), QStringLiteral("union SearchResult")}));
        QCOMPARE(findType(d, QStringLiteral("Product"))->description, QStringLiteral("A product a customer can buy."));
        QCOMPARE(lineText(text, findType(d, QStringLiteral("Product"))->line).left(12), QStringLiteral("type Product"));
    }

    void graphQl_customRootTypes_followTheSchemaBlock()
    {
        const QByteArray text = "type Q { a: Int }\ntype Query { notRoot: Int }\nschema { query: Q }\n";
        const ApiDefinition d = parseApiDefinition(QStringLiteral("graphql"), text);
        QVERIFY(d.ok());
        QCOMPARE(operationKeys(d), QStringList {QStringLiteral("QUERY a")});
        QVERIFY(findType(d, QStringLiteral("Query")));
    }

    void protobuf_services_listMethodsWithStreamingAndComments()
    {
        const QByteArray text = readData("definitions/greeter.proto");
        const ApiDefinition d = parseApiDefinition(QStringLiteral("grpc"), text);
        QVERIFY2(d.ok(), qPrintable(d.error));
        QCOMPARE(d.format, ApiFormat::Grpc);
        QCOMPARE(d.syntax, ApiSyntax::Protobuf);
        QCOMPARE(d.formatName, QStringLiteral("Protocol Buffers (proto3)"));
        QCOMPARE(d.title, QStringLiteral("routeguide"));
        QCOMPARE(operationKeys(d),
                 QStringList({QStringLiteral("RPC RouteGuide/GetFeature"), QStringLiteral("STREAM RouteGuide/ListFeatures"),
                              QStringLiteral("STREAM RouteGuide/RecordRoute"), QStringLiteral("STREAM RouteGuide/RouteChat"),
                              QStringLiteral("RPC RouteGuide/LegacyLookup")}));
        const ApiOperation& get = d.operations[0];
        QCOMPARE(get.operationId, QStringLiteral("/routeguide.RouteGuide/GetFeature"));
        QCOMPARE(get.summary, QStringLiteral("Obtains the feature at a given position."));
        QCOMPARE(get.signature, QStringLiteral("(Point) returns (Feature)"));
        QCOMPARE(get.group, QStringLiteral("RouteGuide"));
        QCOMPARE(d.operations[3].signature, QStringLiteral("(stream RouteNote) returns (stream RouteNote)"));
        QCOMPARE(d.operations[4].summary, QStringLiteral("Replaced by GetFeature."));
        QVERIFY(d.operations[4].deprecated);
        QVERIFY(!d.operations[0].deprecated);
        for (const ApiOperation& o : d.operations)
            QVERIFY(lineText(text, o.line).contains(QStringLiteral("rpc ") + o.path.section(QLatin1Char('/'), 1)));
        QStringList types;
        for (const ApiType& t : d.types)
            types << t.kind + QLatin1Char(' ') + t.name;
        QCOMPARE(types,
                 QStringList({QStringLiteral("service RouteGuide"), QStringLiteral("message Point"),
                              QStringLiteral("message Rectangle"), QStringLiteral("message Feature"),
                              QStringLiteral("enum Feature.Status"), QStringLiteral("message RouteNote"),
                              QStringLiteral("message RouteSummary")}));
        QCOMPARE(findType(d, QStringLiteral("Point"))->description,
                 QStringLiteral("Points are represented as latitude-longitude pairs in the E7 representation."));
    }

    void brokenInput_givesErrorWithLine_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("message");
        QTest::addColumn<int>("line");
        QTest::addRow("invalid yaml") << "openapi"
                                      << QByteArray("openapi: 3.0.0\npaths:\n  /a:\n    get:\n      summary: x\n"
                                                    "     responses: {}\n")
                                      << "not valid YAML" << 6;
        QTest::addRow("invalid json") << "openapi" << QByteArray("{\n  \"openapi\": \"3.0.0\",\n  \"paths\": {\n}\n")
                                      << "not valid JSON" << 5;
        QTest::addRow("sequence") << "openapi" << QByteArray("- a\n- b\n") << "is an array, not an object" << 1;
        QTest::addRow("scalar") << "openapi" << QByteArray("just: text: here\n") << "not valid YAML" << 1;
        QTest::addRow("not openapi") << "openapi" << QByteArray("title: x\nversion: 1\n")
                                     << "neither an openapi nor a swagger field" << 1;
        QTest::addRow("not asyncapi") << "asyncapi" << QByteArray("channels: {}\n") << "no asyncapi field" << 1;
        QTest::addRow("unknown yaml") << "custom" << QByteArray("foo: bar\n") << "not in a format" << 1;
        QTest::addRow("empty") << "openapi" << QByteArray("\n# nothing\n") << "empty" << 0;
        QTest::addRow("plain") << "trpc" << QByteArray("export const router = 1;\n") << "cannot list" << 0;
        QTest::addRow("graphql unclosed") << "graphql" << QByteArray("type A {\n  a: Int\n\n") << "expected" << 4;
        QTest::addRow("graphql operation") << "graphql" << QByteArray("type A { a: Int }\nquery { a }\n")
                                           << "not operations" << 2;
        QTest::addRow("graphql block string") << "graphql" << QByteArray("\"\"\"\nnever closed\ntype A { a: Int }\n")
                                              << "not closed" << 1;
        QTest::addRow("graphql garbage") << "graphql" << QByteArray("type A { a: Int }\n\nfoo bar\n")
                                         << "does not start a definition" << 3;
        QTest::addRow("proto no returns") << "grpc"
                                          << QByteArray("syntax = \"proto3\";\nservice S {\n  rpc M(A) (B);\n}\n")
                                          << "expected 'returns'" << 3;
        QTest::addRow("proto unclosed comment") << "grpc" << QByteArray("syntax = \"proto3\";\n/* open\nmessage A {}\n")
                                                << "not closed" << 2;
        QTest::addRow("proto unbalanced") << "grpc" << QByteArray("message A {\n  string a = 1;\n") << "expected '}'" << 3;
    }
    void brokenInput_givesErrorWithLine()
    {
        QFETCH(QString, type);
        QFETCH(QByteArray, text);
        QFETCH(QString, message);
        QFETCH(int, line);
        const ApiDefinition d = parseApiDefinition(type, text);
        QVERIFY(!d.ok());
        QVERIFY2(d.error.contains(message), qPrintable(d.error));
        QCOMPARE(d.errorLine, line);
        QVERIFY(!d.hint.isEmpty());
    }

    void brokenInput_keepsWhatWasReadBeforeTheProblem()
    {
        const QByteArray text = "type Query {\n  a: Int\n}\ntype B {\n  b: Int\n\n";
        const ApiDefinition d = parseApiDefinition(QStringLiteral("graphql"), text);
        QVERIFY(!d.ok());
        QCOMPARE(operationKeys(d), QStringList {QStringLiteral("QUERY a")});
    }

    void truncatedDefinitions_neverCrashOrHang_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("file");
        QTest::addRow("openapi") << "openapi" << "apis/payments/openapi.yaml";
        QTest::addRow("swagger") << "openapi" << "apis/legacy-billing/swagger.json";
        QTest::addRow("asyncapi") << "asyncapi" << "apis/order-events/asyncapi.yaml";
        QTest::addRow("asyncapi3") << "asyncapi" << "definitions/asyncapi3.yaml";
        QTest::addRow("graphql") << "graphql" << "apis/catalog-graph/schema.graphql";
        QTest::addRow("proto") << "grpc" << "definitions/greeter.proto";
    }
    void truncatedDefinitions_neverCrashOrHang()
    {
        QFETCH(QString, type);
        QFETCH(QString, file);
        const QByteArray text = readData(file.toUtf8().constData());
        // Every prefix at 150 cut points, and the text with a byte damaged at each of them.
        int failures = 0;
        for (int k = 1; k <= 150; ++k) {
            const qsizetype cut = text.size() * k / 151;
            const ApiDefinition d = parseApiDefinition(type, text.left(cut));
            if (!d.ok()) {
                ++failures;
                QVERIFY(!d.hint.isEmpty());
            }
            for (const ApiOperation& o : d.operations)
                QVERIFY(o.line >= 1 && o.line <= text.left(cut).count('\n') + 1);
            QByteArray damaged = text;
            damaged[cut] = '{';
            parseApiDefinition(type, damaged);
        }
        QVERIFY(failures > 0); // cutting a definition short breaks it somewhere
    }

    void guessSyntax_fromTypeAndText_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<int>("syntax");
        QTest::addRow("openapi yaml") << "openapi" << QByteArray("openapi: 3.0.0\n") << int(ApiSyntax::Yaml);
        QTest::addRow("openapi json") << "openapi" << QByteArray("  \n{\"openapi\": \"3.0.0\"}") << int(ApiSyntax::Json);
        QTest::addRow("graphql") << "graphql" << QByteArray("type A { a: Int }") << int(ApiSyntax::GraphQl);
        QTest::addRow("grpc") << "grpc" << QByteArray("syntax = \"proto3\";") << int(ApiSyntax::Protobuf);
        QTest::addRow("unknown yaml") << "custom" << QByteArray("# c\nkey: value\n") << int(ApiSyntax::Yaml);
        QTest::addRow("typescript") << "trpc" << QByteArray("import { z } from 'zod';\n") << int(ApiSyntax::Plain);
    }
    void guessSyntax_fromTypeAndText()
    {
        QFETCH(QString, type);
        QFETCH(QByteArray, text);
        QFETCH(int, syntax);
        QCOMPARE(int(guessApiSyntax(type, text)), syntax);
    }

    void definitionOf_catalogEntities_givesTheTextTheLoaderSubstituted()
    {
        Flightdeck::Sources::CatalogSourceSpec spec;
        spec.name = QStringLiteral("tabs");
        spec.type = Flightdeck::Sources::CatalogSourceSpec::Type::Directory;
        spec.path = dataPath("");
        const Flightdeck::Sources::SourceLoad load = Flightdeck::Sources::loadLocalSource(spec, {});
        Catalog::BuildInput input;
        input.files = load.files;
        const CatalogPtr catalog = Catalog::build(input);

        const int payments = catalog->indexOf(u"api:default/payments-api");
        QVERIFY(payments >= 0);
        const EntityDefinitionText fromFile = definitionOf(catalog->entity(payments));
        QVERIFY(fromFile.ok);
        QCOMPARE(fromFile.type, QStringLiteral("openapi"));
        QCOMPARE(fromFile.text, readData("apis/payments/openapi.yaml"));

        const int greeter = catalog->indexOf(u"api:default/greeter");
        const EntityDefinitionText inlineText = definitionOf(catalog->entity(greeter));
        QVERIFY(inlineText.ok);
        const ApiDefinition d = parseApiDefinition(inlineText.type, inlineText.text);
        QVERIFY2(d.ok(), qPrintable(d.error));
        QCOMPARE(operationKeys(d), QStringList {QStringLiteral("RPC Greeter/SayHello")});
        // Lines count within the definition text, as the tab shows it.
        QCOMPARE(lineText(inlineText.text, d.operations[0].line).trimmed().left(13), QStringLiteral("rpc SayHello "));

        const int broken = catalog->indexOf(u"api:default/broken-api");
        const ApiDefinition b = parseApiDefinition(QStringLiteral("openapi"), definitionOf(catalog->entity(broken)).text);
        QVERIFY(!b.ok());
        QCOMPARE(b.errorLine, 9);

        Entity none;
        none.document = "{\"spec\":{\"type\":\"openapi\"}}";
        QVERIFY(!definitionOf(none).ok);
        QVERIFY(definitionOf(none).problem.contains(QStringLiteral("no spec.definition")));
        Entity object;
        object.document = "{\"spec\":{\"type\":\"openapi\",\"definition\":{\"openapi\":\"3.0.0\",\"paths\":{}}}}";
        const EntityDefinitionText asYaml = definitionOf(object);
        QVERIFY(asYaml.ok);
        QVERIFY(asYaml.text.contains("openapi: 3.0.0"));
        QVERIFY(!asYaml.problem.isEmpty());
    }
};

QTEST_GUILESS_MAIN(tst_ApiDefinition)
#include "tst_apidefinition.moc"
