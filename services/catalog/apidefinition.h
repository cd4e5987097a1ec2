// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace Flightdeck::Catalog {

struct Entity;

// What a definition is written in, for highlighting.
enum class ApiSyntax { Plain, Yaml, Json, GraphQl, Protobuf };

enum class ApiFormat { Unknown, OpenApi2, OpenApi3, AsyncApi2, AsyncApi3, GraphQl, Grpc };

// One thing a client can call: an OpenAPI operation or webhook, an AsyncAPI operation on a
// channel, a GraphQL root field, a gRPC method.
struct ApiOperation
{
    QString method;      // "GET", "POST"… ; "PUBLISH", "SUBSCRIBE", "SEND", "RECEIVE"; "QUERY", "MUTATION",
                         // "SUBSCRIPTION"; "RPC" (gRPC, "STREAM" when either side streams)
    QString path;        // URL path, webhook name, channel, GraphQL field, "Service/Method"
    QString summary;
    QString operationId;
    QStringList tags;
    QString group;       // where a list puts it: the first tag, "Webhooks", the GraphQL root type, the gRPC service
    QString signature;   // GraphQL "(id: ID!): Order", gRPC "(OrderRequest) → (stream Order)"
    bool deprecated = false;
    int line = 0;        // 1-based line of its definition in the text; 0 when unknown
    friend bool operator==(const ApiOperation&, const ApiOperation&) = default;
};

// A named type the definition declares: an OpenAPI/AsyncAPI schema or message, a GraphQL type,
// a protobuf message or enum.
struct ApiType
{
    QString kind;        // "schema", "message", "channel", "type", "input", "enum", "interface", "union", "scalar",
                         // "service"
    QString name;
    QString description;
    int line = 0;
    friend bool operator==(const ApiType&, const ApiType&) = default;
};

struct ApiServer
{
    QString url;
    QString name;        // AsyncAPI server name, when it has one
    QString protocol;
    QString description;
    friend bool operator==(const ApiServer&, const ApiServer&) = default;
};

// What a reader sees of an API definition. Parsing never fails outright: a definition that cannot
// be read has an error (with the line where it is known) and keeps whatever could be read.
struct ApiDefinition
{
    ApiFormat format = ApiFormat::Unknown;
    ApiSyntax syntax = ApiSyntax::Plain;
    QString formatName;   // "OpenAPI 3.0.3", "Swagger 2.0", "AsyncAPI 2.6.0", "GraphQL SDL", "Protocol Buffers (proto3)"
    QString title;
    QString version;
    QString description;
    QList<ApiServer> servers;
    QList<ApiOperation> operations; // in document order
    QList<ApiType> types;           // in document order
    QString error;        // what is wrong; empty when the definition could be read
    QString hint;         // what to do about it
    int errorLine = 0;
    QStringList warnings;

    bool ok() const { return error.isEmpty(); }
};

// Reads a definition. apiType is the entity's spec.type ("openapi", "asyncapi", "graphql", "grpc", or
// anything else); a YAML or JSON document naming itself openapi/swagger/asyncapi is read as such
// whatever the type says. Pure; about 50 ms per megabyte, so call it on a worker for big definitions.
ApiDefinition parseApiDefinition(const QString& apiType, const QByteArray& text);

// The syntax a definition is written in, from the type and a look at the text.
ApiSyntax guessApiSyntax(const QString& apiType, const QByteArray& text);

// The definition of an API entity as shown to people: spec.definition when it is a string; an
// object (not allowed by Backstage, but seen) is written back as YAML. ok false when it is absent.
struct EntityDefinitionText
{
    QByteArray text;
    QString type;          // spec.type
    bool ok = false;
    QString problem;       // why there is no text
};
EntityDefinitionText definitionOf(const Entity& entity);

} // namespace Flightdeck::Catalog
