// SPDX-License-Identifier: Apache-2.0
#include "apidefinition.h"

#include "entity.h"
#include "yamldocument.h"
#include "yamlwriter.h"

#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

#include <algorithm>
#include <cctype>
#include <string_view>

namespace Flightdeck::Catalog {

namespace {

QString text(const YamlValue& v)
{
    if (!v.isScalar() || v.isNull())
        return {};
    return v.toString();
}

int lineOf(const YamlValue& v) { return v.position().line; }

// The first line of a description, for a one-line list.
QString firstLine(const QString& s)
{
    const QString t = s.trimmed();
    const qsizetype nl = t.indexOf(QLatin1Char('\n'));
    QString line = (nl < 0 ? t : t.left(nl)).trimmed();
    if (line.size() > 200)
        line = line.left(199) + QChar(0x2026);
    return line;
}

QStringList tagsOf(const YamlValue& tags)
{
    QStringList out;
    for (std::uint32_t i = 0; i < tags.size(); ++i) {
        const YamlValue t = tags.at(i);
        const QString name = t.isMapping() ? text(t["name"]) : text(t);
        if (!name.isEmpty())
            out << name;
    }
    return out;
}

void readInfo(const YamlValue& root, ApiDefinition& out)
{
    const YamlValue info = root["info"];
    out.title = text(info["title"]);
    out.version = text(info["version"]);
    out.description = text(info["description"]);
    if (root.isMapping() && !info.isMapping())
        out.warnings << QStringLiteral("the definition has no info object (title and version)");
}

void readSchemas(const YamlValue& schemas, const QString& kind, ApiDefinition& out)
{
    for (std::uint32_t i = 0; i < schemas.size() && schemas.isMapping(); ++i) {
        ApiType t;
        t.kind = kind;
        t.name = text(schemas.keyAt(i));
        t.description = firstLine(text(schemas.valueAt(i)["description"]));
        if (t.description.isEmpty())
            t.description = firstLine(text(schemas.valueAt(i)["title"]));
        t.line = lineOf(schemas.keyAt(i));
        out.types << t;
    }
}

// --- OpenAPI ---------------------------------------------------------------------------------------

void readPathItems(const YamlValue& paths, bool webhooks, bool v2, ApiDefinition& out)
{
    static const char* const methods[] = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};
    for (std::uint32_t i = 0; i < paths.size() && paths.isMapping(); ++i) {
        const QString path = text(paths.keyAt(i));
        const YamlValue item = paths.valueAt(i);
        if (!item.isMapping())
            continue;
        for (std::uint32_t j = 0; j < item.size(); ++j) {
            const std::string_view key = item.keyAt(j).text();
            bool known = false;
            for (const char* m : methods)
                known = known || key == m;
            if (!known || (v2 && key == "trace"))
                continue;
            const YamlValue op = item.valueAt(j);
            ApiOperation o;
            o.method = QString::fromLatin1(key.data(), qsizetype(key.size())).toUpper();
            o.path = path;
            o.summary = firstLine(text(op["summary"]));
            if (o.summary.isEmpty())
                o.summary = firstLine(text(op["description"]));
            o.operationId = text(op["operationId"]);
            o.tags = tagsOf(op["tags"]);
            o.deprecated = op["deprecated"].toBool();
            o.group = webhooks ? QStringLiteral("Webhooks") : (o.tags.isEmpty() ? QString() : o.tags.first());
            o.line = lineOf(item.keyAt(j));
            out.operations << o;
        }
    }
}

void readOpenApi(const YamlValue& root, bool v2, ApiDefinition& out)
{
    out.format = v2 ? ApiFormat::OpenApi2 : ApiFormat::OpenApi3;
    const QString version = text(v2 ? root["swagger"] : root["openapi"]);
    out.formatName = (v2 ? QStringLiteral("Swagger ") : QStringLiteral("OpenAPI ")) + version;
    readInfo(root, out);
    if (v2) {
        const QString host = text(root["host"]);
        const QString basePath = text(root["basePath"]);
        if (!host.isEmpty() || !basePath.isEmpty()) {
            const QStringList schemes = tagsOf(root["schemes"]);
            const QStringList list = schemes.isEmpty() ? QStringList {QString()} : schemes;
            for (const QString& scheme : list) {
                ApiServer s;
                s.protocol = scheme;
                s.url = (scheme.isEmpty() ? QString() : scheme + QStringLiteral("://")) + host + basePath;
                out.servers << s;
            }
        }
    } else {
        const YamlValue servers = root["servers"];
        for (std::uint32_t i = 0; i < servers.size() && servers.isSequence(); ++i) {
            ApiServer s;
            s.url = text(servers.at(i)["url"]);
            s.description = text(servers.at(i)["description"]);
            if (!s.url.isEmpty())
                out.servers << s;
        }
    }
    const YamlValue paths = root["paths"];
    if (paths.isValid() && !paths.isMapping() && !paths.isNull())
        out.warnings << QStringLiteral("line %1: paths is of type %2, not an object")
                            .arg(lineOf(paths))
                            .arg(QString::fromLatin1(paths.jsonTypeName()));
    readPathItems(paths, false, v2, out);
    if (!v2)
        readPathItems(root["webhooks"], true, false, out);
    if (!paths.isValid() && (v2 || !root["webhooks"].isValid()) && !root["components"].isValid())
        out.warnings << QStringLiteral("the definition has no paths");
    readSchemas(v2 ? root["definitions"] : root["components"]["schemas"], QStringLiteral("schema"), out);
}

// --- AsyncAPI --------------------------------------------------------------------------------------

ApiOperation asyncOperation(const YamlValue& op, const QString& method, const QString& channel, int line)
{
    ApiOperation o;
    o.method = method;
    o.path = channel;
    o.summary = firstLine(text(op["summary"]));
    if (o.summary.isEmpty())
        o.summary = firstLine(text(op["title"]));
    if (o.summary.isEmpty())
        o.summary = firstLine(text(op["description"]));
    o.operationId = text(op["operationId"]);
    o.tags = tagsOf(op["tags"]);
    o.deprecated = op["deprecated"].toBool();
    o.group = o.tags.isEmpty() ? QString() : o.tags.first();
    o.line = line;
    return o;
}

void readAsyncApi(const YamlValue& root, ApiDefinition& out)
{
    const QString version = text(root["asyncapi"]);
    const bool v3 = version.startsWith(QLatin1Char('3'));
    out.format = v3 ? ApiFormat::AsyncApi3 : ApiFormat::AsyncApi2;
    out.formatName = QStringLiteral("AsyncAPI ") + version;
    readInfo(root, out);

    const YamlValue servers = root["servers"];
    for (std::uint32_t i = 0; i < servers.size() && servers.isMapping(); ++i) {
        const YamlValue s = servers.valueAt(i);
        ApiServer server;
        server.name = text(servers.keyAt(i));
        server.protocol = text(s["protocol"]);
        server.description = text(s["description"]);
        if (v3) {
            const QString host = text(s["host"]);
            server.url = (server.protocol.isEmpty() ? QString() : server.protocol + QStringLiteral("://")) + host
                + text(s["pathname"]);
        } else {
            server.url = text(s["url"]);
        }
        out.servers << server;
    }

    const YamlValue channels = root["channels"];
    QHash<QString, QString> addresses; // v3: channel id -> address
    for (std::uint32_t i = 0; i < channels.size() && channels.isMapping(); ++i) {
        const QString name = text(channels.keyAt(i));
        const YamlValue channel = channels.valueAt(i);
        ApiType t;
        t.kind = QStringLiteral("channel");
        t.name = name;
        t.description = firstLine(text(channel["description"]));
        t.line = lineOf(channels.keyAt(i));
        if (v3) {
            const YamlValue address = channel["address"];
            addresses.insert(name, address.isString() ? address.toString() : name);
            if (address.isString() && address.toString() != name)
                t.name = name + QStringLiteral(" (") + address.toString() + QLatin1Char(')');
        } else {
            for (std::uint32_t j = 0; j < channel.size() && channel.isMapping(); ++j) {
                const std::string_view key = channel.keyAt(j).text();
                if (key == "publish" || key == "subscribe")
                    out.operations << asyncOperation(channel.valueAt(j), key == "publish" ? QStringLiteral("PUBLISH")
                                                                                         : QStringLiteral("SUBSCRIBE"),
                                                     name, lineOf(channel.keyAt(j)));
            }
        }
        out.types << t;
    }

    if (v3) {
        const YamlValue operations = root["operations"];
        for (std::uint32_t i = 0; i < operations.size() && operations.isMapping(); ++i) {
            const YamlValue op = operations.valueAt(i);
            const QString action = text(op["action"]);
            QString channel;
            const QString ref = text(op["channel"]["$ref"]);
            if (ref.startsWith(QStringLiteral("#/channels/"))) {
                const QString id = ref.mid(11);
                channel = addresses.value(id, id);
            }
            ApiOperation o = asyncOperation(op, action.toUpper(), channel, lineOf(operations.keyAt(i)));
            if (o.operationId.isEmpty())
                o.operationId = text(operations.keyAt(i));
            if (action != QStringLiteral("send") && action != QStringLiteral("receive"))
                out.warnings << QStringLiteral("line %1: operation %2 has action \"%3\"; AsyncAPI 3 allows send or "
                                               "receive")
                                    .arg(o.line)
                                    .arg(o.operationId, action);
            out.operations << o;
        }
    }
    readSchemas(root["components"]["messages"], QStringLiteral("message"), out);
    readSchemas(root["components"]["schemas"], QStringLiteral("schema"), out);
}

// --- YAML / JSON entry -----------------------------------------------------------------------------

void readStructured(const QString& apiType, const QByteArray& bytes, ApiDefinition& out)
{
    const std::vector<YamlStreamDocument> docs = parseYamlStream(bytes);
    const YamlStreamDocument* first = nullptr;
    int documents = 0;
    for (const YamlStreamDocument& d : docs) {
        if (d.error || !d.document.isEmpty()) {
            ++documents;
            if (!first)
                first = &d;
        }
    }
    const QString what = out.syntax == ApiSyntax::Json ? QStringLiteral("JSON") : QStringLiteral("YAML");
    if (!first) {
        out.error = QStringLiteral("the definition is empty");
        out.hint = QStringLiteral("Write the API's %1 definition in spec.definition, or point to it with $text.")
                       .arg(apiType.isEmpty() ? QStringLiteral("OpenAPI") : apiType);
        return;
    }
    if (first->error) {
        out.error = QStringLiteral("the definition is not valid %1: %2").arg(what, first->error->message);
        out.errorLine = first->error->position.line;
        out.hint = first->error->hint.isEmpty()
            ? QStringLiteral("Fix the %1 at line %2; the text is shown as written below.").arg(what).arg(out.errorLine)
            : first->error->hint;
        return;
    }
    if (documents > 1)
        out.warnings << QStringLiteral("the definition holds %1 YAML documents; only the first is read").arg(documents);
    const YamlValue root(&first->document, first->document.root());
    if (!root.isMapping()) {
        const QString type = QString::fromLatin1(root.jsonTypeName());
        out.error = QStringLiteral("the definition is %1 %2, not an object")
                        .arg(type.startsWith(QLatin1Char('a')) ? QStringLiteral("an") : QStringLiteral("a"), type);
        out.errorLine = lineOf(root);
        out.hint = QStringLiteral("An %1 definition is an object with fields such as openapi, info and paths.")
                       .arg(apiType.isEmpty() ? QStringLiteral("OpenAPI") : apiType);
        return;
    }
    if (root["openapi"].isScalar() && !root["openapi"].isNull()) {
        readOpenApi(root, false, out);
    } else if (root["swagger"].isScalar() && !root["swagger"].isNull()) {
        readOpenApi(root, true, out);
    } else if (root["asyncapi"].isScalar() && !root["asyncapi"].isNull()) {
        readAsyncApi(root, out);
    } else {
        const QString type = apiType.toLower();
        if (type == QStringLiteral("openapi")) {
            out.error = QStringLiteral("the definition has neither an openapi nor a swagger field, so it is not an "
                                       "OpenAPI document");
            out.hint = QStringLiteral("Start the definition with openapi: 3.0.3 (or swagger: \"2.0\" for OpenAPI 2).");
        } else if (type == QStringLiteral("asyncapi")) {
            out.error = QStringLiteral("the definition has no asyncapi field, so it is not an AsyncAPI document");
            out.hint = QStringLiteral("Start the definition with asyncapi: 2.6.0 (or 3.0.0).");
        } else {
            out.error = QStringLiteral("the definition is not in a format Flightdeck reads (OpenAPI, AsyncAPI, GraphQL, "
                                       "gRPC)");
            out.hint = QStringLiteral("It is shown as written.");
        }
        out.errorLine = lineOf(root);
        readInfo(root, out);
        out.warnings.removeAll(QStringLiteral("the definition has no info object (title and version)"));
    }
}

// --- A small tokenizer for GraphQL SDL and protobuf ------------------------------------------------

struct Token
{
    enum Kind { End, Name, String, Number, Punct } kind = End;
    QString text;
    int line = 0;
    QString comment; // protobuf: the comment block right above the token
};

class Lexer
{
public:
    enum class Language { GraphQl, Protobuf };
    Lexer(const QByteArray& bytes, Language language)
        : m_s(QString::fromUtf8(bytes))
        , m_language(language)
    {
    }

    std::vector<Token> tokens(QString& error, int& errorLine)
    {
        std::vector<Token> out;
        QString pendingComment;
        int commentEndLine = -1;
        const qsizetype n = m_s.size();
        qsizetype i = 0;
        int line = 1;
        while (i < n) {
            const QChar c = m_s[i];
            if (c == QLatin1Char('\n')) {
                ++line;
                ++i;
                continue;
            }
            if (c.isSpace() || c == QChar(0xfeff) || (m_language == Language::GraphQl && c == QLatin1Char(','))) {
                ++i;
                continue;
            }
            if (m_language == Language::GraphQl && c == QLatin1Char('#')) {
                while (i < n && m_s[i] != QLatin1Char('\n'))
                    ++i;
                continue;
            }
            if (m_language == Language::Protobuf && c == QLatin1Char('/') && i + 1 < n) {
                if (m_s[i + 1] == QLatin1Char('/')) {
                    const qsizetype start = i + 2;
                    while (i < n && m_s[i] != QLatin1Char('\n'))
                        ++i;
                    const QString body = m_s.mid(start, i - start).trimmed();
                    if (commentEndLine != line - 1)
                        pendingComment.clear();
                    pendingComment += (pendingComment.isEmpty() ? QString() : QStringLiteral("\n")) + body;
                    commentEndLine = line;
                    continue;
                }
                if (m_s[i + 1] == QLatin1Char('*')) {
                    const int startLine = line;
                    const qsizetype start = i + 2;
                    i += 2;
                    while (i + 1 < n && !(m_s[i] == QLatin1Char('*') && m_s[i + 1] == QLatin1Char('/'))) {
                        if (m_s[i] == QLatin1Char('\n'))
                            ++line;
                        ++i;
                    }
                    if (i + 1 >= n) {
                        error = QStringLiteral("a /* comment is not closed");
                        errorLine = startLine;
                        return out;
                    }
                    pendingComment = m_s.mid(start, i - start).trimmed();
                    commentEndLine = line;
                    i += 2;
                    continue;
                }
            }
            Token t;
            t.line = line;
            if (commentEndLine == line - 1 || commentEndLine == line)
                t.comment = pendingComment;
            pendingComment.clear();
            commentEndLine = -1;
            if (c == QLatin1Char('"') || (m_language == Language::Protobuf && c == QLatin1Char('\''))) {
                t.kind = Token::String;
                const bool block = m_language == Language::GraphQl && m_s.mid(i, 3) == QStringLiteral("\"\"\"");
                if (block) {
                    const qsizetype start = i + 3;
                    const qsizetype end = m_s.indexOf(QStringLiteral("\"\"\""), start);
                    if (end < 0) {
                        error = QStringLiteral("a \"\"\" block string is not closed");
                        errorLine = line;
                        return out;
                    }
                    t.text = m_s.mid(start, end - start);
                    line += int(t.text.count(QLatin1Char('\n')));
                    i = end + 3;
                } else {
                    const QChar quote = c;
                    ++i;
                    QString value;
                    while (i < n && m_s[i] != quote && m_s[i] != QLatin1Char('\n')) {
                        if (m_s[i] == QLatin1Char('\\') && i + 1 < n)
                            ++i;
                        value += m_s[i];
                        ++i;
                    }
                    if (i >= n || m_s[i] != quote) {
                        error = QStringLiteral("a string is not closed on its line");
                        errorLine = line;
                        return out;
                    }
                    ++i;
                    t.text = value;
                }
            } else if (c.isLetter() || c == QLatin1Char('_')) {
                t.kind = Token::Name;
                const qsizetype start = i;
                while (i < n
                       && (m_s[i].isLetterOrNumber() || m_s[i] == QLatin1Char('_')
                           || (m_language == Language::Protobuf && m_s[i] == QLatin1Char('.'))))
                    ++i;
                t.text = m_s.mid(start, i - start);
            } else if (c.isDigit() || c == QLatin1Char('-') || c == QLatin1Char('+')) {
                t.kind = Token::Number;
                const qsizetype start = i;
                ++i;
                while (i < n && (m_s[i].isLetterOrNumber() || m_s[i] == QLatin1Char('.')))
                    ++i;
                t.text = m_s.mid(start, i - start);
            } else if (c == QLatin1Char('.') && m_s.mid(i, 3) == QStringLiteral("...")) {
                t.kind = Token::Punct;
                t.text = QStringLiteral("...");
                i += 3;
            } else if (m_language == Language::Protobuf && c == QLatin1Char('.')) {
                // a fully qualified type name: .google.protobuf.Empty
                t.kind = Token::Name;
                const qsizetype start = i;
                ++i;
                while (i < n && (m_s[i].isLetterOrNumber() || m_s[i] == QLatin1Char('_') || m_s[i] == QLatin1Char('.')))
                    ++i;
                t.text = m_s.mid(start, i - start);
            } else {
                t.kind = Token::Punct;
                t.text = QString(c);
                ++i;
            }
            out.push_back(std::move(t));
        }
        Token end;
        end.line = line;
        out.push_back(end);
        return out;
    }

private:
    QString m_s;
    Language m_language;
};

class Parser
{
public:
    explicit Parser(std::vector<Token> tokens)
        : m_tokens(std::move(tokens))
    {
    }

protected:
    const Token& peek(size_t ahead = 0) const
    {
        const size_t i = std::min(m_pos + ahead, m_tokens.size() - 1);
        return m_tokens[i];
    }
    Token take()
    {
        Token t = peek();
        if (m_pos < m_tokens.size() - 1)
            ++m_pos;
        return t;
    }
    bool atEnd() const { return peek().kind == Token::End; }
    bool isPunct(const char* p, size_t ahead = 0) const
    {
        return peek(ahead).kind == Token::Punct && peek(ahead).text == QLatin1String(p);
    }
    bool isName(const char* n = nullptr, size_t ahead = 0) const
    {
        return peek(ahead).kind == Token::Name && (!n || peek(ahead).text == QLatin1String(n));
    }
    bool fail(const QString& message, int line = 0)
    {
        if (m_error.isEmpty()) {
            m_error = message;
            m_errorLine = line ? line : peek().line;
        }
        return false;
    }
    QString describe(const Token& t) const
    {
        switch (t.kind) {
        case Token::End:
            return QStringLiteral("the end of the text");
        case Token::String:
            return QStringLiteral("a string");
        default:
            return QLatin1Char('\'') + t.text + QLatin1Char('\'');
        }
    }
    bool expect(const char* p)
    {
        if (isPunct(p)) {
            take();
            return true;
        }
        return fail(QStringLiteral("expected '%1' but found %2").arg(QLatin1String(p), describe(peek())));
    }
    bool expectName(QString* out = nullptr, int* line = nullptr)
    {
        if (!isName())
            return fail(QStringLiteral("expected a name but found %1").arg(describe(peek())));
        const Token t = take();
        if (out)
            *out = t.text;
        if (line)
            *line = t.line;
        return true;
    }
    // Skips a balanced (…), […] or {…} group starting at the current token.
    bool skipGroup()
    {
        const Token open = peek();
        QList<QChar> stack;
        do {
            const Token t = take();
            if (t.kind == Token::End)
                return fail(QStringLiteral("'%1' opened here is never closed").arg(open.text), open.line);
            if (t.kind != Token::Punct)
                continue;
            const QChar c = t.text.at(0);
            if (c == QLatin1Char('(') || c == QLatin1Char('[') || c == QLatin1Char('{')) {
                stack << c;
            } else if (c == QLatin1Char(')') || c == QLatin1Char(']') || c == QLatin1Char('}')) {
                const QChar want = c == QLatin1Char(')') ? QLatin1Char('(') : c == QLatin1Char(']') ? QLatin1Char('[') : QLatin1Char('{');
                if (stack.isEmpty() || stack.last() != want)
                    return fail(QStringLiteral("'%1' does not close anything").arg(c), t.line);
                stack.removeLast();
            }
        } while (!stack.isEmpty());
        return true;
    }

    std::vector<Token> m_tokens;
    size_t m_pos = 0;
    QString m_error;
    int m_errorLine = 0;
};

// --- GraphQL SDL -----------------------------------------------------------------------------------

class GraphQlParser : public Parser
{
public:
    using Parser::Parser;

    void parse(ApiDefinition& out)
    {
        while (!atEnd() && m_error.isEmpty())
            definition();
        QString roots[3] = {m_query, m_mutation, m_subscription};
        static const char* const methods[3] = {"QUERY", "MUTATION", "SUBSCRIPTION"};
        for (const Field& f : m_fields) {
            int root = -1;
            for (int r = 0; r < 3; ++r)
                if (f.owner == roots[r])
                    root = r;
            if (root < 0)
                continue;
            ApiOperation o;
            o.method = QLatin1String(methods[root]);
            o.path = f.name;
            o.summary = firstLine(f.description);
            o.signature = f.signature;
            o.deprecated = f.deprecated;
            o.group = f.owner;
            o.line = f.line;
            out.operations << o;
        }
        for (const ApiType& t : std::as_const(m_types)) {
            if (t.name != m_query && t.name != m_mutation && t.name != m_subscription)
                out.types << t;
        }
        if (!m_error.isEmpty()) {
            out.error = QStringLiteral("the GraphQL schema cannot be read: line %1: %2").arg(m_errorLine).arg(m_error);
            out.errorLine = m_errorLine;
            out.hint = QStringLiteral("Fix the schema at line %1; what could be read before it is listed.").arg(m_errorLine);
        }
    }

private:
    struct Field
    {
        QString owner;
        QString name;
        QString description;
        QString signature;
        bool deprecated = false;
        int line = 0;
    };

    QString typeRef()
    {
        QString out;
        if (isPunct("[")) {
            take();
            out = QLatin1Char('[') + typeRef();
            if (!expect("]"))
                return out;
            out += QLatin1Char(']');
        } else {
            QString name;
            if (!expectName(&name))
                return out;
            out = name;
        }
        if (isPunct("!")) {
            take();
            out += QLatin1Char('!');
        }
        return out;
    }

    // Directives; returns true when one of them is @deprecated.
    bool directives()
    {
        bool deprecated = false;
        while (isPunct("@") && m_error.isEmpty()) {
            take();
            QString name;
            if (!expectName(&name))
                return deprecated;
            deprecated = deprecated || name == QStringLiteral("deprecated");
            if (isPunct("("))
                skipGroup();
        }
        return deprecated;
    }

    void value()
    {
        if (isPunct("[") || isPunct("{"))
            skipGroup();
        else if (isPunct("$")) {
            take();
            expectName();
        } else if (!atEnd())
            take();
    }

    QString inputValues(const char* close)
    {
        QStringList args;
        while (!isPunct(close) && !atEnd() && m_error.isEmpty()) {
            if (peek().kind == Token::String)
                take();
            QString name;
            if (!expectName(&name) || !expect(":"))
                break;
            QString arg = name + QStringLiteral(": ") + typeRef();
            if (isPunct("=")) {
                take();
                const Token v = peek();
                value();
                if (v.kind != Token::Punct)
                    arg += QStringLiteral(" = ") + (v.kind == Token::String ? QLatin1Char('"') + v.text + QLatin1Char('"') : v.text);
            }
            directives();
            args << arg;
        }
        expect(close);
        return args.join(QStringLiteral(", "));
    }

    void fields(const QString& owner, bool input)
    {
        if (!expect("{"))
            return;
        while (!isPunct("}") && !atEnd() && m_error.isEmpty()) {
            Field f;
            f.owner = owner;
            if (peek().kind == Token::String)
                f.description = take().text;
            if (!expectName(&f.name, &f.line))
                return;
            if (!input && isPunct("(")) {
                take();
                f.signature = QLatin1Char('(') + inputValues(")") + QLatin1Char(')');
            }
            if (!expect(":"))
                return;
            f.signature += QStringLiteral(": ") + typeRef();
            if (input && isPunct("=")) {
                take();
                value();
            }
            f.deprecated = directives();
            m_fields << f;
        }
        expect("}");
    }

    void enumValues()
    {
        if (!expect("{"))
            return;
        while (!isPunct("}") && !atEnd() && m_error.isEmpty()) {
            if (peek().kind == Token::String)
                take();
            if (!expectName())
                return;
            directives();
        }
        expect("}");
    }

    void addType(const QString& kind, const QString& name, const QString& description, int line, bool extend)
    {
        if (extend) {
            for (const ApiType& t : std::as_const(m_types))
                if (t.name == name)
                    return;
        }
        m_types << ApiType {kind, name, firstLine(description), line};
    }

    void definition()
    {
        QString description;
        if (peek().kind == Token::String)
            description = take().text;
        if (isPunct("{")) {
            fail(QStringLiteral("found a query ('{'); a schema holds type definitions, not operations"));
            return;
        }
        if (!isName()) {
            fail(QStringLiteral("expected a definition (type, input, enum, …) but found %1").arg(describe(peek())));
            return;
        }
        bool extend = false;
        if (isName("extend")) {
            take();
            extend = true;
        }
        const Token keyword = take();
        const QString kw = keyword.text;
        if (kw == QStringLiteral("schema")) {
            directives();
            if (!expect("{"))
                return;
            while (!isPunct("}") && !atEnd() && m_error.isEmpty()) {
                QString op, type;
                if (!expectName(&op) || !expect(":") || !expectName(&type))
                    return;
                if (op == QStringLiteral("query"))
                    m_query = type;
                else if (op == QStringLiteral("mutation"))
                    m_mutation = type;
                else if (op == QStringLiteral("subscription"))
                    m_subscription = type;
                else
                    fail(QStringLiteral("'%1' is not an operation type (query, mutation, subscription)").arg(op));
            }
            expect("}");
        } else if (kw == QStringLiteral("type") || kw == QStringLiteral("interface") || kw == QStringLiteral("input")) {
            QString name;
            int line = 0;
            if (!expectName(&name, &line))
                return;
            if (isName("implements")) {
                take();
                if (isPunct("&"))
                    take();
                while (isName() && m_error.isEmpty()) {
                    take();
                    if (!isPunct("&"))
                        break;
                    take();
                }
            }
            directives();
            addType(kw, name, description, line, extend);
            if (isPunct("{"))
                fields(name, kw == QStringLiteral("input"));
        } else if (kw == QStringLiteral("enum")) {
            QString name;
            int line = 0;
            if (!expectName(&name, &line))
                return;
            directives();
            addType(kw, name, description, line, extend);
            if (isPunct("{"))
                enumValues();
        } else if (kw == QStringLiteral("union")) {
            QString name;
            int line = 0;
            if (!expectName(&name, &line))
                return;
            directives();
            addType(kw, name, description, line, extend);
            if (isPunct("=")) {
                take();
                if (isPunct("|"))
                    take();
                while (expectName() && isPunct("|"))
                    take();
            }
        } else if (kw == QStringLiteral("scalar")) {
            QString name;
            int line = 0;
            if (!expectName(&name, &line))
                return;
            directives();
            addType(kw, name, description, line, extend);
        } else if (kw == QStringLiteral("directive")) {
            if (!expect("@") || !expectName())
                return;
            if (isPunct("("))
                skipGroup();
            if (isName("repeatable"))
                take();
            if (!isName("on")) {
                fail(QStringLiteral("expected 'on' and the directive's locations"));
                return;
            }
            take();
            if (isPunct("|"))
                take();
            while (expectName() && isPunct("|"))
                take();
        } else if (kw == QStringLiteral("query") || kw == QStringLiteral("mutation")
                   || kw == QStringLiteral("subscription") || kw == QStringLiteral("fragment")) {
            fail(QStringLiteral("found an operation ('%1'); a schema holds type definitions, not operations").arg(kw),
                 keyword.line);
        } else {
            fail(QStringLiteral("'%1' does not start a definition (type, input, enum, interface, union, scalar, "
                                "schema, directive)")
                     .arg(kw),
                 keyword.line);
        }
    }

    QString m_query = QStringLiteral("Query");
    QString m_mutation = QStringLiteral("Mutation");
    QString m_subscription = QStringLiteral("Subscription");
    QList<Field> m_fields;
    QList<ApiType> m_types;
};

// --- Protocol Buffers ------------------------------------------------------------------------------

class ProtoParser : public Parser
{
public:
    using Parser::Parser;

    void parse(ApiDefinition& out)
    {
        while (!atEnd() && m_error.isEmpty())
            topLevel(out, QString());
        out.title = m_package;
        out.formatName = QStringLiteral("Protocol Buffers");
        if (!m_syntax.isEmpty())
            out.formatName += QStringLiteral(" (") + m_syntax + QLatin1Char(')');
        if (!m_error.isEmpty()) {
            out.error = QStringLiteral("the protobuf definition cannot be read: line %1: %2").arg(m_errorLine).arg(m_error);
            out.errorLine = m_errorLine;
            out.hint = QStringLiteral("Fix the definition at line %1; what could be read before it is listed.")
                           .arg(m_errorLine);
        }
    }

private:
    bool skipStatement()
    {
        while (!atEnd() && !isPunct(";")) {
            if (isPunct("{") || isPunct("(") || isPunct("[")) {
                if (!skipGroup())
                    return false;
                continue;
            }
            take();
        }
        return expect(";");
    }

    void typeBody(ApiDefinition& out, const QString& scope)
    {
        if (!expect("{"))
            return;
        while (!isPunct("}") && !atEnd() && m_error.isEmpty()) {
            if (isName("message") || isName("enum") || isName("service")) {
                topLevel(out, scope);
            } else if (isPunct("{")) {
                skipGroup();
            } else if (isName("oneof") && peek(2).kind == Token::Punct && peek(2).text == QStringLiteral("{")) {
                take();
                take();
                skipGroup();
            } else if (isPunct(";")) {
                take();
            } else {
                // A field, an option, reserved ranges, an enum value: up to ';' or a '{…}' body.
                while (!atEnd() && !isPunct(";") && !isPunct("}") && m_error.isEmpty()) {
                    if (isPunct("{") || isPunct("[") || isPunct("("))
                        skipGroup();
                    else
                        take();
                }
                if (isPunct(";"))
                    take();
            }
        }
        expect("}");
    }

    QString rpcType(bool& stream)
    {
        stream = false;
        QString out;
        if (!expect("("))
            return out;
        if (isName("stream") && peek(1).kind == Token::Name) {
            take();
            stream = true;
        }
        expectName(&out);
        expect(")");
        return (stream ? QStringLiteral("stream ") : QString()) + out;
    }

    void service(ApiDefinition& out, const QString& name)
    {
        if (!expect("{"))
            return;
        while (!isPunct("}") && !atEnd() && m_error.isEmpty()) {
            if (isName("rpc")) {
                const Token rpc = take();
                ApiOperation o;
                QString method;
                if (!expectName(&method, &o.line))
                    return;
                bool streamIn = false, streamOut = false;
                const QString in = rpcType(streamIn);
                if (!isName("returns")) {
                    fail(QStringLiteral("expected 'returns' after the request type of %1").arg(method));
                    return;
                }
                take();
                const QString result = rpcType(streamOut);
                o.method = streamIn || streamOut ? QStringLiteral("STREAM") : QStringLiteral("RPC");
                o.path = name + QLatin1Char('/') + method;
                o.operationId = QLatin1Char('/') + (m_package.isEmpty() ? QString() : m_package + QLatin1Char('.')) + name
                    + QLatin1Char('/') + method;
                o.signature = QLatin1Char('(') + in + QStringLiteral(") returns (") + result + QLatin1Char(')');
                o.summary = firstLine(rpc.comment);
                o.group = name;
                if (isPunct("{")) {
                    // options: deprecated = true
                    const size_t start = m_pos;
                    if (!skipGroup())
                        return;
                    for (size_t k = start; k + 2 < m_pos; ++k)
                        if (m_tokens[k].text == QStringLiteral("deprecated") && m_tokens[k + 2].text == QStringLiteral("true"))
                            o.deprecated = true;
                    if (isPunct(";"))
                        take();
                } else if (!expect(";")) {
                    return;
                }
                out.operations << o;
            } else if (isName("option")) {
                take();
                if (!skipStatement())
                    return;
            } else if (isPunct(";")) {
                take();
            } else {
                fail(QStringLiteral("expected an rpc in service %1 but found %2").arg(name, describe(peek())));
                return;
            }
        }
        expect("}");
    }

    void topLevel(ApiDefinition& out, const QString& scope)
    {
        if (isPunct(";")) {
            take();
            return;
        }
        if (!isName()) {
            fail(QStringLiteral("expected a declaration but found %1").arg(describe(peek())));
            return;
        }
        const Token keyword = take();
        const QString kw = keyword.text;
        if (kw == QStringLiteral("syntax") || kw == QStringLiteral("edition")) {
            if (!expect("="))
                return;
            if (peek().kind == Token::String)
                m_syntax = take().text;
            expect(";");
            if (kw == QStringLiteral("edition"))
                m_syntax = QStringLiteral("edition ") + m_syntax;
        } else if (kw == QStringLiteral("package")) {
            expectName(&m_package);
            expect(";");
        } else if (kw == QStringLiteral("import") || kw == QStringLiteral("option")) {
            skipStatement();
        } else if (kw == QStringLiteral("message") || kw == QStringLiteral("enum") || kw == QStringLiteral("service")) {
            QString name;
            int line = 0;
            if (!expectName(&name, &line))
                return;
            const QString full = scope.isEmpty() ? name : scope + QLatin1Char('.') + name;
            out.types << ApiType {kw, full, firstLine(keyword.comment), line};
            if (kw == QStringLiteral("service"))
                service(out, name);
            else
                typeBody(out, full);
        } else if (kw == QStringLiteral("extend")) {
            expectName();
            if (isPunct("{"))
                skipGroup();
        } else {
            fail(QStringLiteral("'%1' does not start a declaration (syntax, package, import, option, message, enum, "
                                "service)")
                     .arg(kw),
                 keyword.line);
        }
    }

    QString m_package;
    QString m_syntax;
};

void readTokens(Lexer::Language language, const QByteArray& bytes, ApiDefinition& out)
{
    QString error;
    int errorLine = 0;
    Lexer lexer(bytes, language);
    std::vector<Token> tokens = lexer.tokens(error, errorLine);
    if (!error.isEmpty()) {
        // Keep what comes before the problem readable: parse the tokens found so far.
        Token end;
        end.line = errorLine;
        tokens.push_back(end);
    }
    if (language == Lexer::Language::GraphQl) {
        out.format = ApiFormat::GraphQl;
        out.formatName = QStringLiteral("GraphQL SDL");
        GraphQlParser p(std::move(tokens));
        p.parse(out);
    } else {
        out.format = ApiFormat::Grpc;
        ProtoParser p(std::move(tokens));
        p.parse(out);
    }
    if (!error.isEmpty()) {
        out.error = QStringLiteral("line %1: %2").arg(errorLine).arg(error);
        out.errorLine = errorLine;
        out.hint = QStringLiteral("Close it; the text is shown as written below.");
    }
}

bool startsLikeJson(const QByteArray& text)
{
    for (char c : text) {
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
            continue;
        return c == '{' || c == '[';
    }
    return false;
}

bool looksLikeYaml(const QByteArray& text)
{
    // A first meaningful line of the form "key:" or "key: value".
    qsizetype start = 0;
    while (start < text.size()) {
        qsizetype end = text.indexOf('\n', start);
        if (end < 0)
            end = text.size();
        const QByteArray line = text.mid(start, end - start).trimmed();
        start = end + 1;
        if (line.isEmpty() || line.startsWith('#') || line == "---")
            continue;
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            return false;
        for (qsizetype i = 0; i < colon; ++i) {
            const char c = line[i];
            if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' || c == '"'
                  || c == '\'' || c == '$' || c == '/'))
                return false;
        }
        return colon + 1 == line.size() || line[colon + 1] == ' ';
    }
    return false;
}

} // namespace

ApiSyntax guessApiSyntax(const QString& apiType, const QByteArray& text)
{
    const QString type = apiType.toLower();
    if (type == QStringLiteral("graphql"))
        return ApiSyntax::GraphQl;
    if (type == QStringLiteral("grpc") || type == QStringLiteral("protobuf"))
        return ApiSyntax::Protobuf;
    if (startsLikeJson(text))
        return ApiSyntax::Json;
    if (type == QStringLiteral("openapi") || type == QStringLiteral("asyncapi") || looksLikeYaml(text))
        return ApiSyntax::Yaml;
    return ApiSyntax::Plain;
}

ApiDefinition parseApiDefinition(const QString& apiType, const QByteArray& text)
{
    ApiDefinition out;
    out.syntax = guessApiSyntax(apiType, text);
    switch (out.syntax) {
    case ApiSyntax::GraphQl:
        readTokens(Lexer::Language::GraphQl, text, out);
        break;
    case ApiSyntax::Protobuf:
        readTokens(Lexer::Language::Protobuf, text, out);
        break;
    case ApiSyntax::Yaml:
    case ApiSyntax::Json:
        readStructured(apiType, text, out);
        break;
    case ApiSyntax::Plain:
        out.formatName = apiType.isEmpty() ? QStringLiteral("Unknown") : apiType;
        out.error = QStringLiteral("Flightdeck cannot list the contents of a %1 definition")
                        .arg(apiType.isEmpty() ? QStringLiteral("typeless") : apiType);
        out.hint = QStringLiteral("Lists are shown for OpenAPI, AsyncAPI, GraphQL and gRPC; the text is shown as written.");
        break;
    }
    return out;
}

EntityDefinitionText definitionOf(const Entity& entity)
{
    EntityDefinitionText out;
    const QJsonObject spec = QJsonDocument::fromJson(entity.document).object().value(QStringLiteral("spec")).toObject();
    out.type = spec.value(QStringLiteral("type")).toString();
    const QJsonValue definition = spec.value(QStringLiteral("definition"));
    if (definition.isString()) {
        out.text = definition.toString().toUtf8();
        out.ok = true;
    } else if (definition.isObject() || definition.isArray()) {
        out.text = toYaml(definition);
        out.ok = true;
        out.problem = QStringLiteral("spec.definition is an object, not a string; it is shown as YAML");
    } else if (definition.isUndefined() || definition.isNull()) {
        out.problem = QStringLiteral("this API has no spec.definition");
    } else {
        out.problem = QStringLiteral("spec.definition is not a string");
    }
    return out;
}

} // namespace Flightdeck::Catalog
