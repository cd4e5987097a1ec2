// SPDX-License-Identifier: Apache-2.0
// A nunjucks 3.2.4 work-alike for Backstage software templates. The lexer and parser follow
// nunjucks' own lexer.js and parser.js step by step (including their quirks: `}}` always ends a
// variable tag, `#}` outside a comment is an error, `{% raw %}` is found by a regex), because
// golden files produced by real nunjucks are the specification. The tree is interpreted, never
// compiled to code, and every loop, recursion and output is bounded.
#include "nunjucksrenderer.h"

#include <QRegularExpression>
#include <QUrl>

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>

namespace Flightdeck::Scaffolder::Nunjucks {

namespace {

// Internal control flow for errors: the renderer's API never throws.
struct Failure
{
    qsizetype pos = -1;
    QString message;
};

[[noreturn]] void fail(qsizetype pos, const QString& message)
{
    throw Failure { pos, message };
}

// ---- lexer (nunjucks lexer.js) --------------------------------------------------------------

enum class Tok
{
    String,
    Whitespace,
    Data,
    BlockStart,
    BlockEnd,
    VariableStart,
    VariableEnd,
    Comment,
    LeftParen,
    RightParen,
    LeftBracket,
    RightBracket,
    LeftCurly,
    RightCurly,
    Operator,
    Comma,
    Colon,
    Tilde,
    Pipe,
    Int,
    Float,
    Boolean,
    None,
    Symbol,
    Regex
};

struct Token
{
    Tok type = Tok::Data;
    QString value;
    QString flags; // regex flags
    qsizetype pos = 0;
};

const QString kWhitespaceChars = QStringLiteral(" \n\t\r\u00A0");
const QString kDelimChars = QStringLiteral("()[]{}%*-+~/#,:|.<>=!");

struct Tags
{
    QString blockStart = QStringLiteral("{%");
    QString blockEnd = QStringLiteral("%}");
    QString variableStart = QStringLiteral("${{");
    QString variableEnd = QStringLiteral("}}");
    QString commentStart = QStringLiteral("{#");
    QString commentEnd = QStringLiteral("#}");
};

class Lexer
{
public:
    Lexer(const QString& str, const Tags& tags, bool trimBlocks, bool lstripBlocks)
        : m_str(str)
        , m_tags(tags)
        , m_trimBlocks(trimBlocks)
        , m_lstripBlocks(lstripBlocks)
    { }

    const Tags& tags() const { return m_tags; }
    qsizetype index() const { return m_index; }
    void setIndex(qsizetype i) { m_index = i; }
    const QString& str() const { return m_str; }

    std::optional<Token> nextToken()
    {
        const qsizetype start = m_index;
        if (m_inCode) {
            if (isFinished())
                return std::nullopt;
            const QChar cur = current();
            if (cur == QLatin1Char('"') || cur == QLatin1Char('\''))
                return Token { Tok::String, parseString(cur), {}, start };
            QString tok = extractMatching(false, kWhitespaceChars);
            if (!tok.isEmpty())
                return Token { Tok::Whitespace, tok, {}, start };
            if (extractString(m_tags.blockEnd, tok) || extractString(QLatin1Char('-') + m_tags.blockEnd, tok)) {
                m_inCode = false;
                if (m_trimBlocks && !isFinished()) {
                    if (current() == QLatin1Char('\n')) {
                        ++m_index;
                    } else if (current() == QLatin1Char('\r')) {
                        ++m_index;
                        if (!isFinished() && current() == QLatin1Char('\n'))
                            ++m_index;
                        else
                            --m_index;
                    }
                }
                return Token { Tok::BlockEnd, tok, {}, start };
            }
            if (extractString(m_tags.variableEnd, tok) || extractString(QLatin1Char('-') + m_tags.variableEnd, tok)) {
                m_inCode = false;
                return Token { Tok::VariableEnd, tok, {}, start };
            }
            if (cur == QLatin1Char('r') && m_index + 1 < m_str.size() && m_str.at(m_index + 1) == QLatin1Char('/')) {
                m_index += 2;
                QString body;
                while (!isFinished()) {
                    if (current() == QLatin1Char('/') && m_str.at(m_index - 1) != QLatin1Char('\\')) {
                        ++m_index;
                        break;
                    }
                    body += current();
                    ++m_index;
                }
                QString flags;
                while (!isFinished() && QStringLiteral("gimy").contains(current())) {
                    flags += current();
                    ++m_index;
                }
                return Token { Tok::Regex, body, flags, start };
            }
            if (kDelimChars.contains(cur)) {
                ++m_index;
                QString op(cur);
                static const QStringList complexOps
                    = { QStringLiteral("=="), QStringLiteral("==="), QStringLiteral("!="), QStringLiteral("!=="),
                          QStringLiteral("<="), QStringLiteral(">="), QStringLiteral("//"), QStringLiteral("**") };
                if (!isFinished()) {
                    const QString curComplex = op + current();
                    if (complexOps.contains(curComplex)) {
                        ++m_index;
                        op = curComplex;
                        if (!isFinished() && complexOps.contains(curComplex + current())) {
                            op = curComplex + current();
                            ++m_index;
                        }
                    }
                }
                Tok type = Tok::Operator;
                switch (op.size() == 1 ? op.at(0).unicode() : 0) {
                case '(':
                    type = Tok::LeftParen;
                    break;
                case ')':
                    type = Tok::RightParen;
                    break;
                case '[':
                    type = Tok::LeftBracket;
                    break;
                case ']':
                    type = Tok::RightBracket;
                    break;
                case '{':
                    type = Tok::LeftCurly;
                    break;
                case '}':
                    type = Tok::RightCurly;
                    break;
                case ',':
                    type = Tok::Comma;
                    break;
                case ':':
                    type = Tok::Colon;
                    break;
                case '~':
                    type = Tok::Tilde;
                    break;
                case '|':
                    type = Tok::Pipe;
                    break;
                default:
                    break;
                }
                return Token { type, op, {}, start };
            }
            tok = extractMatching(true, kWhitespaceChars + kDelimChars);
            static const QRegularExpression intRe(QStringLiteral("^[-+]?[0-9]+$"));
            if (intRe.match(tok).hasMatch()) {
                if (!isFinished() && current() == QLatin1Char('.')) {
                    ++m_index;
                    const QString dec = extractMatching(false, QStringLiteral("0123456789"));
                    return Token { Tok::Float, tok + QLatin1Char('.') + dec, {}, start };
                }
                return Token { Tok::Int, tok, {}, start };
            }
            if (tok == QLatin1String("true") || tok == QLatin1String("false"))
                return Token { Tok::Boolean, tok, {}, start };
            if (tok == QLatin1String("none") || tok == QLatin1String("null"))
                return Token { Tok::None, tok, {}, start };
            if (!tok.isEmpty())
                return Token { Tok::Symbol, tok, {}, start };
            fail(start, QStringLiteral("unexpected value while parsing"));
        }

        // Data mode.
        const QString beginChars = QString(m_tags.blockStart.at(0)) + m_tags.variableStart.at(0)
            + m_tags.commentStart.at(0) + m_tags.commentEnd.at(0);
        if (isFinished())
            return std::nullopt;
        QString tok;
        if (extractString(m_tags.blockStart + QLatin1Char('-'), tok) || extractString(m_tags.blockStart, tok)) {
            m_inCode = true;
            return Token { Tok::BlockStart, tok, {}, start };
        }
        if (extractString(m_tags.variableStart + QLatin1Char('-'), tok) || extractString(m_tags.variableStart, tok)) {
            m_inCode = true;
            return Token { Tok::VariableStart, tok, {}, start };
        }
        Tok type = Tok::Data;
        bool inComment = false;
        if (matches(m_tags.commentStart)) {
            inComment = true;
            type = Tok::Comment;
        }
        bool finished = false;
        while (true) {
            if (isFinished()) {
                finished = true;
                break;
            }
            tok += extractMatching(true, beginChars);
            if (isFinished()) {
                finished = true;
                break;
            }
            if ((matches(m_tags.blockStart) || matches(m_tags.variableStart) || matches(m_tags.commentStart))
                && !inComment) {
                if (m_lstripBlocks && matches(m_tags.blockStart)) {
                    const qsizetype col = column();
                    if (col > 0 && col <= tok.size()) {
                        const QString lastLine = tok.right(col);
                        if (std::all_of(lastLine.begin(), lastLine.end(), isJsSpace)) {
                            tok.chop(col);
                            if (tok.isEmpty())
                                return nextToken();
                        }
                    }
                }
                break;
            }
            if (matches(m_tags.commentEnd)) {
                if (!inComment)
                    fail(m_index, QStringLiteral("unexpected end of comment"));
                tok += m_tags.commentEnd;
                m_index += m_tags.commentEnd.size();
                break;
            }
            tok += current();
            ++m_index;
        }
        if (finished && inComment)
            fail(start, QStringLiteral("expected end of comment, got end of file"));
        return Token { type, tok, {}, start };
    }

private:
    bool isFinished() const { return m_index >= m_str.size(); }
    QChar current() const { return m_str.at(m_index); }
    bool matches(const QString& s) const { return QStringView(m_str).mid(m_index, s.size()) == s; }
    bool extractString(const QString& s, QString& out)
    {
        if (!matches(s))
            return false;
        m_index += s.size();
        out = s;
        return true;
    }
    // nunjucks' _extractMatching: breakOnMatch=true stops at a char of chars.
    QString extractMatching(bool breakOnMatch, const QString& chars)
    {
        const qsizetype begin = m_index;
        while (!isFinished() && chars.contains(current()) != breakOnMatch)
            ++m_index;
        return m_str.mid(begin, m_index - begin);
    }
    QString parseString(QChar delimiter)
    {
        ++m_index;
        QString s;
        while (!isFinished() && current() != delimiter) {
            if (current() == QLatin1Char('\\')) {
                ++m_index;
                if (isFinished())
                    break;
                switch (current().unicode()) {
                case 'n':
                    s += QLatin1Char('\n');
                    break;
                case 't':
                    s += QLatin1Char('\t');
                    break;
                case 'r':
                    s += QLatin1Char('\r');
                    break;
                default:
                    s += current();
                }
                ++m_index;
            } else {
                s += current();
                ++m_index;
            }
        }
        ++m_index;
        return s;
    }
    qsizetype column() const
    {
        const qsizetype nl = m_index > 0 ? m_str.lastIndexOf(QLatin1Char('\n'), m_index - 1) : -1;
        return m_index - nl - 1;
    }

    const QString& m_str;
    Tags m_tags;
    bool m_trimBlocks;
    bool m_lstripBlocks;
    qsizetype m_index = 0;
    bool m_inCode = false;
};

// ---- tree -----------------------------------------------------------------------------------

enum class Kind
{
    // expressions
    Literal,
    Symbol,
    LookupVal,
    SliceLookup,
    FunCall,
    Filter,
    ArrayLit,
    DictLit,
    Group,
    InlineIf,
    Or,
    And,
    Not,
    In,
    Is,
    Compare,
    Concat,
    Add,
    Sub,
    Mul,
    Div,
    FloorDiv,
    Mod,
    Pow,
    Neg,
    Pos,
    // statements
    NodeList,
    TemplateData,
    Output,
    If,
    For,
    Set,
    Macro,
    Switch,
    Capture
};

struct Node;
using NodePtr = std::shared_ptr<Node>;

struct Node
{
    Kind kind = Kind::Literal;
    qsizetype pos = 0;
    Value value; // Literal value; Symbol / Filter / FunCall name; TemplateData text
    QList<NodePtr> children;
    QStringList ops; // Compare operators; For/Set target names
    QList<QPair<QString, NodePtr>> kwargs; // FunCall / Filter keyword arguments
    NodePtr cond, body, elseBody; // If, For (cond = iterable), InlineIf, Set (cond = value)
    int depth = 1; // expression height, bounded so that no recursion over it overflows
    qsizetype tagStart = -1; // statements: the source span of the tag, for error messages
    qsizetype tagEnd = -1;
    bool multipleNames = false; // For with `k, v`
    QString compileError; // what nunjucks' compiler rejects (see validate())
    const Node* boundMacro = nullptr; // Symbol: the macro it names at compile time (see validate())
};

NodePtr makeNode(Kind kind, qsizetype pos)
{
    auto n = std::make_shared<Node>();
    n->kind = kind;
    n->pos = pos;
    return n;
}

// ---- parser (nunjucks parser.js) ------------------------------------------------------------

bool isKnownFilter(const QString& name, bool cookiecutter);

class Parser
{
public:
    Parser(Lexer& lexer, const RenderOptions& options)
        : m_lexer(lexer)
        , m_options(options)
        , m_cookiecutter(options.cookiecutterCompat)
        , m_maxDepth(options.maxDepth)
    { }

    NodePtr parseRoot()
    {
        auto root = makeNode(Kind::NodeList, 0);
        root->children = parseNodes();
        return root;
    }

    qsizetype currentTagStart() const { return m_tagStart; }

private:
    struct DepthGuard
    {
        Parser& p;
        explicit DepthGuard(Parser& parser, qsizetype pos)
            : p(parser)
        {
            if (++p.m_depth > p.m_maxDepth)
                fail(pos, QStringLiteral("expression nested too deeply"));
        }
        ~DepthGuard() { --p.m_depth; }
    };

    std::optional<Token> nextToken(bool withWhitespace = false)
    {
        std::optional<Token> tok;
        if (!m_peeked.isEmpty()) {
            tok = m_peeked.takeLast();
            if (!withWhitespace && tok->type == Tok::Whitespace)
                tok.reset();
            else
                return tok;
        }
        tok = m_lexer.nextToken();
        if (!withWhitespace)
            while (tok && tok->type == Tok::Whitespace)
                tok = m_lexer.nextToken();
        return tok;
    }
    std::optional<Token> peekToken()
    {
        auto tok = nextToken();
        if (tok)
            m_peeked.append(*tok);
        return tok;
    }
    void pushToken(const std::optional<Token>& tok)
    {
        if (tok)
            m_peeked.append(*tok);
    }
    qsizetype here()
    {
        const auto tok = peekToken();
        return tok ? tok->pos : m_lexer.str().size();
    }
    [[noreturn]] void failHere(const QString& message) { fail(here(), message); }

    bool skip(Tok type)
    {
        auto tok = nextToken();
        if (!tok || tok->type != type) {
            pushToken(tok);
            return false;
        }
        return true;
    }
    bool skipValue(Tok type, const QString& value)
    {
        auto tok = nextToken();
        if (!tok || tok->type != type || tok->value != value) {
            pushToken(tok);
            return false;
        }
        return true;
    }
    bool skipSymbol(const QString& value) { return skipValue(Tok::Symbol, value); }
    Token expect(Tok type, const QString& what)
    {
        auto tok = nextToken();
        if (!tok)
            fail(m_lexer.str().size(), QStringLiteral("expected %1, got end of file").arg(what));
        if (tok->type != type)
            fail(tok->pos, QStringLiteral("expected %1, got %2").arg(what, tok->value));
        return *tok;
    }

    Token advanceAfterBlockEnd(const QString& name = {})
    {
        QString tagName = name;
        if (tagName.isEmpty()) {
            const auto tok = peekToken();
            if (!tok)
                fail(m_lexer.str().size(), QStringLiteral("unexpected end of file"));
            if (tok->type != Tok::Symbol)
                fail(tok->pos, QStringLiteral("expected symbol token or explicitly pass a tag name"));
            tagName = nextToken()->value;
        }
        const auto tok = nextToken();
        if (tok && tok->type == Tok::BlockEnd) {
            if (tok->value.at(0) == QLatin1Char('-'))
                m_dropLeadingWhitespace = true;
            m_tagEnd = tok->pos + tok->value.size();
            return *tok;
        }
        fail(tok ? tok->pos : m_lexer.str().size(), QStringLiteral("expected block end in %1 statement").arg(tagName));
    }
    void advanceAfterVariableEnd()
    {
        const auto tok = nextToken();
        if (tok && tok->type == Tok::VariableEnd) {
            m_dropLeadingWhitespace = tok->value.size() > m_lexer.tags().variableEnd.size();
            m_tagEnd = tok->pos + tok->value.size();
            return;
        }
        fail(tok ? tok->pos : m_lexer.str().size(), QStringLiteral("expected variable end"));
    }

    static QString trimLeft(const QString& s)
    {
        qsizetype i = 0;
        while (i < s.size() && isJsSpace(s.at(i)))
            ++i;
        return s.mid(i);
    }
    static QString trimRight(const QString& s)
    {
        qsizetype e = s.size();
        while (e > 0 && isJsSpace(s.at(e - 1)))
            --e;
        return s.left(e);
    }

    QList<NodePtr> parseNodes()
    {
        QList<NodePtr> buf;
        while (auto tok = nextToken()) {
            if (tok->type == Tok::Data) {
                QString data = tok->value;
                const auto next = peekToken();
                if (m_dropLeadingWhitespace) {
                    data = trimLeft(data);
                    m_dropLeadingWhitespace = false;
                }
                if (next
                    && ((next->type == Tok::BlockStart && next->value.endsWith(QLatin1Char('-')))
                        || (next->type == Tok::VariableStart
                            && next->value.size() > m_lexer.tags().variableStart.size())
                        || (next->type == Tok::Comment && next->value.size() > m_lexer.tags().commentStart.size()
                            && next->value.at(m_lexer.tags().commentStart.size()) == QLatin1Char('-'))))
                    data = trimRight(data);
                auto out = makeNode(Kind::Output, tok->pos);
                auto td = makeNode(Kind::TemplateData, tok->pos);
                td->value = Value(data);
                out->children.append(td);
                buf.append(out);
            } else if (tok->type == Tok::BlockStart) {
                m_dropLeadingWhitespace = false;
                m_tagStart = tok->pos;
                NodePtr n = parseStatement();
                if (!n)
                    break;
                buf.append(n);
            } else if (tok->type == Tok::VariableStart) {
                m_tagStart = tok->pos;
                auto out = makeNode(Kind::Output, tok->pos);
                out->children.append(parseExpression());
                m_dropLeadingWhitespace = false;
                advanceAfterVariableEnd();
                out->tagStart = tok->pos;
                out->tagEnd = m_tagEnd;
                buf.append(out);
            } else if (tok->type == Tok::Comment) {
                const QString& v = tok->value;
                const qsizetype at = v.size() - m_lexer.tags().commentEnd.size() - 1;
                m_dropLeadingWhitespace = at >= 0 && v.at(at) == QLatin1Char('-');
            } else {
                fail(tok->pos, QStringLiteral("unexpected token at top-level: %1").arg(tok->value));
            }
        }
        return buf;
    }

    NodePtr parseUntilBlocks(const QStringList& names)
    {
        const QStringList prev = m_breakOnBlocks;
        m_breakOnBlocks = names;
        auto list = makeNode(Kind::NodeList, here());
        list->children = parseNodes();
        m_breakOnBlocks = prev;
        return list;
    }

    NodePtr parseStatement()
    {
        const auto tok = peekToken();
        if (!tok || tok->type != Tok::Symbol)
            fail(tok ? tok->pos : m_lexer.str().size(), QStringLiteral("tag name expected"));
        if (m_breakOnBlocks.contains(tok->value))
            return nullptr;
        DepthGuard guard(*this, tok->pos);
        const qsizetype tagStart = m_tagStart;
        NodePtr n;
        if (tok->value == QLatin1String("raw") || tok->value == QLatin1String("verbatim"))
            n = parseRaw(tok->value);
        else if (tok->value == QLatin1String("if"))
            n = parseIf();
        else if (tok->value == QLatin1String("for"))
            n = parseFor();
        else if (tok->value == QLatin1String("set"))
            n = parseSet();
        else if (tok->value == QLatin1String("macro"))
            n = parseMacro();
        else if (tok->value == QLatin1String("switch"))
            n = parseSwitch();
        else if (tok->value == QLatin1String("filter"))
            n = parseFilterStatement();
        else
            fail(tok->pos, QStringLiteral("unknown block tag: %1").arg(tok->value));
        if (n->tagStart < 0) {
            n->tagStart = tagStart;
            n->tagEnd = n->tagEnd < 0 ? tagStart : n->tagEnd;
        }
        return n;
    }

    NodePtr parseRaw(const QString& tagName)
    {
        const QString endTagName = QStringLiteral("end") + tagName;
        const Token begun = advanceAfterBlockEnd();
        // nunjucks: /([\s\S]*?){%\s*(raw|endraw)\s*(?=%})%}/ applied repeatedly from the lexer's
        // position; the block delimiters are hard-coded there.
        const QString& s = m_lexer.str();
        const auto findNext = [&](qsizetype from, qsizetype& matchEnd, bool& isEnd) -> qsizetype {
            for (qsizetype i = s.indexOf(QLatin1String("{%"), from); i >= 0;
                 i = s.indexOf(QLatin1String("{%"), i + 1)) {
                qsizetype j = i + 2;
                while (j < s.size() && isJsSpace(s.at(j)))
                    ++j;
                for (const QString& name : { tagName, endTagName }) {
                    if (QStringView(s).mid(j, name.size()) != name)
                        continue;
                    qsizetype k = j + name.size();
                    while (k < s.size() && isJsSpace(s.at(k)))
                        ++k;
                    if (QStringView(s).mid(k, 2) == QLatin1String("%}")) {
                        matchEnd = k + 2;
                        isEnd = name == endTagName;
                        return i;
                    }
                }
            }
            return -1;
        };
        int level = 1;
        QString str;
        while (true) {
            const qsizetype from = m_lexer.index();
            qsizetype matchEnd = 0;
            bool isEnd = false;
            const qsizetype at = findNext(from, matchEnd, isEnd);
            if (at < 0)
                break;
            m_lexer.setIndex(matchEnd); // the regex consumed the match
            if (level <= 0)
                break;
            level += isEnd ? -1 : 1;
            if (level == 0) {
                str += s.mid(from, at - from);
                m_lexer.setIndex(at);
            } else {
                str += s.mid(from, matchEnd - from);
            }
        }
        auto out = makeNode(Kind::Output, begun.pos);
        auto td = makeNode(Kind::TemplateData, begun.pos);
        td->value = Value(str);
        out->children.append(td);
        return out;
    }

    NodePtr parseIf()
    {
        const auto tag = peekToken();
        if (!(skipSymbol(QStringLiteral("if")) || skipSymbol(QStringLiteral("elif"))
                || skipSymbol(QStringLiteral("elseif"))))
            fail(tag->pos, QStringLiteral("parseIf: expected if, elif, or elseif"));
        auto node = makeNode(Kind::If, tag->pos);
        node->tagStart = m_tagStart;
        node->cond = parseExpression();
        advanceAfterBlockEnd(tag->value);
        node->tagEnd = m_tagEnd;
        node->body = parseUntilBlocks(
            { QStringLiteral("elif"), QStringLiteral("elseif"), QStringLiteral("else"), QStringLiteral("endif") });
        const auto tok = peekToken();
        const QString v = tok ? tok->value : QString();
        if (v == QLatin1String("elseif") || v == QLatin1String("elif")) {
            m_tagStart = tok->pos;
            node->elseBody = parseIf();
        } else if (v == QLatin1String("else")) {
            advanceAfterBlockEnd();
            node->elseBody = parseUntilBlocks({ QStringLiteral("endif") });
            advanceAfterBlockEnd();
        } else if (v == QLatin1String("endif")) {
            advanceAfterBlockEnd();
        } else {
            fail(node->tagStart, QStringLiteral("parseIf: expected elif, else, or endif, got end of file"));
        }
        return node;
    }

    NodePtr parseFor()
    {
        const auto forTok = peekToken();
        skipSymbol(QStringLiteral("for"));
        auto node = makeNode(Kind::For, forTok->pos);
        node->tagStart = m_tagStart;
        NodePtr name = parsePrimary();
        if (name->kind != Kind::Symbol)
            fail(name->pos, QStringLiteral("parseFor: variable name expected for loop"));
        node->ops.append(name->value.string());
        const auto peek = peekToken();
        if (peek && peek->type == Tok::Comma) {
            node->multipleNames = true;
            while (skip(Tok::Comma)) {
                NodePtr prim = parsePrimary();
                if (prim->kind != Kind::Symbol)
                    fail(prim->pos, QStringLiteral("parseFor: variable name expected for loop"));
                node->ops.append(prim->value.string());
            }
        }
        if (!skipSymbol(QStringLiteral("in")))
            fail(forTok->pos, QStringLiteral("parseFor: expected \"in\" keyword for loop"));
        node->cond = parseExpression();
        advanceAfterBlockEnd(forTok->value);
        node->tagEnd = m_tagEnd;
        node->body = parseUntilBlocks({ QStringLiteral("endfor"), QStringLiteral("else") });
        if (skipSymbol(QStringLiteral("else"))) {
            advanceAfterBlockEnd(QStringLiteral("else"));
            node->elseBody = parseUntilBlocks({ QStringLiteral("endfor") });
        }
        if (!peekToken())
            fail(node->tagStart, QStringLiteral("parseFor: expected endfor, got end of file"));
        advanceAfterBlockEnd();
        return node;
    }

    // {% macro name(a, b=default) %}…{% endmacro %}: ops = positional names, kwargs = defaults.
    NodePtr parseMacro()
    {
        const auto tag = nextToken();
        auto node = makeNode(Kind::Macro, tag->pos);
        node->tagStart = m_tagStart;
        NodePtr name = parsePrimary(true);
        if (name->kind != Kind::Symbol)
            fail(name->pos, QStringLiteral("macro name expected"));
        node->value = name->value;
        const auto paren = peekToken();
        if (!paren || paren->type != Tok::LeftParen)
            fail(paren ? paren->pos : m_lexer.str().size(), QStringLiteral("expected arguments"));
        auto signature = makeNode(Kind::FunCall, paren->pos);
        parseSignature(signature);
        for (const NodePtr& arg : signature->children) {
            if (arg->kind != Kind::Symbol)
                fail(arg->pos, QStringLiteral("macro arguments must be names"));
            node->ops.append(arg->value.string());
        }
        node->kwargs = signature->kwargs;
        advanceAfterBlockEnd(tag->value);
        node->tagEnd = m_tagEnd;
        node->body = parseUntilBlocks({ QStringLiteral("endmacro") });
        if (!peekToken())
            fail(node->tagStart, QStringLiteral("expected endmacro, got end of file"));
        advanceAfterBlockEnd();
        return node;
    }

    // nunjucks parseSwitch, quirks included (text before the first case is dropped).
    NodePtr parseSwitch()
    {
        const auto tag = nextToken();
        auto node = makeNode(Kind::Switch, tag->pos);
        node->tagStart = m_tagStart;
        node->cond = parseExpression();
        advanceAfterBlockEnd(QStringLiteral("switch"));
        node->tagEnd = m_tagEnd;
        const QStringList stops = { QStringLiteral("case"), QStringLiteral("default"), QStringLiteral("endswitch") };
        parseUntilBlocks(stops);
        auto tok = peekToken();
        do {
            skipSymbol(QStringLiteral("case"));
            node->children.append(parseExpression());
            advanceAfterBlockEnd(QStringLiteral("switch"));
            node->children.append(parseUntilBlocks(stops));
            tok = peekToken();
        } while (tok && tok->value == QLatin1String("case"));
        const QString v = tok ? tok->value : QString();
        if (v == QLatin1String("default")) {
            advanceAfterBlockEnd();
            node->elseBody = parseUntilBlocks({ QStringLiteral("endswitch") });
            if (!peekToken())
                fail(node->tagStart, QStringLiteral("parseSwitch: expected endswitch, got end of file"));
            advanceAfterBlockEnd();
        } else if (v == QLatin1String("endswitch")) {
            advanceAfterBlockEnd();
        } else {
            fail(node->tagStart,
                QStringLiteral("parseSwitch: expected \"case,\" \"default\" or \"endswitch,\" got EOF."));
        }
        return node;
    }

    // {% filter name(args) %}…{% endfilter %} = Output(Filter(Capture(body), args)).
    NodePtr parseFilterStatement()
    {
        const auto tag = nextToken();
        const qsizetype tagStart = m_tagStart;
        const qsizetype pos = here();
        const QString name = parseFilterName();
        auto f = makeNode(Kind::Filter, pos);
        f->value = Value(name);
        if (!isKnownFilter(name, m_cookiecutter) && !m_options.filters.contains(name))
            f->compileError = QStringLiteral("filter not found: %1").arg(name);
        const auto peek = peekToken();
        if (peek && peek->type == Tok::LeftParen)
            parseSignature(f);
        advanceAfterBlockEnd(tag->value);
        const qsizetype tagEnd = m_tagEnd;
        auto capture = makeNode(Kind::Capture, pos);
        capture->body = parseUntilBlocks({ QStringLiteral("endfilter") });
        if (!peekToken())
            fail(tagStart, QStringLiteral("expected endfilter, got end of file"));
        advanceAfterBlockEnd();
        f->children.prepend(capture);
        auto out = makeNode(Kind::Output, tag->pos);
        out->children.append(f);
        out->tagStart = tagStart;
        out->tagEnd = tagEnd;
        return out;
    }

    NodePtr parseSet()
    {
        const auto tag = peekToken();
        skipSymbol(QStringLiteral("set"));
        auto node = makeNode(Kind::Set, tag->pos);
        node->tagStart = m_tagStart;
        while (true) {
            NodePtr target = parsePrimary();
            if (target->kind != Kind::Symbol)
                fail(target->pos, QStringLiteral("parseSet: expected a variable name"));
            node->ops.append(target->value.string());
            if (!skip(Tok::Comma))
                break;
        }
        if (!skipValue(Tok::Operator, QStringLiteral("="))) {
            if (!skip(Tok::BlockEnd))
                fail(tag->pos, QStringLiteral("parseSet: expected = or block end in set tag"));
            node->tagEnd = here();
            node->body = parseUntilBlocks({ QStringLiteral("endset") });
            if (!peekToken())
                fail(node->tagStart, QStringLiteral("parseSet: expected endset, got end of file"));
            advanceAfterBlockEnd();
        } else {
            node->cond = parseExpression();
            advanceAfterBlockEnd(tag->value);
            node->tagEnd = m_tagEnd;
        }
        return node;
    }

    // -- expressions --
    NodePtr parseExpression()
    {
        DepthGuard guard(*this, here());
        return parseInlineIf();
    }
    NodePtr parseInlineIf()
    {
        NodePtr node = parseOr();
        if (skipSymbol(QStringLiteral("if"))) {
            auto n = makeNode(Kind::InlineIf, node->pos);
            n->cond = parseOr();
            n->body = node;
            if (skipSymbol(QStringLiteral("else")))
                n->elseBody = parseOr();
            node = n;
        }
        return node;
    }
    NodePtr binary(Kind kind, NodePtr left, NodePtr right)
    {
        auto n = makeNode(kind, left->pos);
        n->depth = std::max(left->depth, right->depth) + 1;
        if (n->depth > m_maxDepth)
            fail(right->pos, QStringLiteral("expression too long (more than %1 operators in a chain)").arg(m_maxDepth));
        n->children = { std::move(left), std::move(right) };
        return n;
    }
    NodePtr parseOr()
    {
        NodePtr node = parseAnd();
        while (skipSymbol(QStringLiteral("or")))
            node = binary(Kind::Or, node, parseAnd());
        return node;
    }
    NodePtr parseAnd()
    {
        NodePtr node = parseNot();
        while (skipSymbol(QStringLiteral("and")))
            node = binary(Kind::And, node, parseNot());
        return node;
    }
    NodePtr parseNot()
    {
        const qsizetype pos = here();
        if (skipSymbol(QStringLiteral("not"))) {
            DepthGuard guard(*this, pos);
            auto n = makeNode(Kind::Not, pos);
            n->children.append(parseNot());
            return n;
        }
        return parseIn();
    }
    NodePtr parseIn()
    {
        NodePtr node = parseIs();
        while (true) {
            const auto tok = nextToken();
            if (!tok)
                break;
            const bool invert = tok->type == Tok::Symbol && tok->value == QLatin1String("not");
            if (!invert)
                pushToken(tok);
            if (skipSymbol(QStringLiteral("in"))) {
                node = binary(Kind::In, node, parseIs());
                if (invert) {
                    auto n = makeNode(Kind::Not, node->pos);
                    n->children.append(node);
                    node = n;
                }
            } else {
                if (invert)
                    pushToken(tok);
                break;
            }
        }
        return node;
    }
    NodePtr parseIs()
    {
        NodePtr node = parseCompare();
        if (skipSymbol(QStringLiteral("is"))) {
            const bool negate = skipSymbol(QStringLiteral("not"));
            NodePtr right = parseCompare();
            // nunjucks emits a test call's arguments without commas: more than one (a filter's
            // input counts) does not compile.
            if ((right->kind == Kind::FunCall || right->kind == Kind::Filter)
                && (right->children.size() > 1 || !right->kwargs.isEmpty()))
                fail(right->pos,
                    QStringLiteral("a test takes at most one argument (nunjucks cannot compile this `is`)"));
            node = binary(Kind::Is, node, right);
            if (negate) {
                auto n = makeNode(Kind::Not, node->pos);
                n->children.append(node);
                node = n;
            }
        }
        return node;
    }
    NodePtr parseCompare()
    {
        static const QStringList compareOps
            = { QStringLiteral("=="), QStringLiteral("==="), QStringLiteral("!="), QStringLiteral("!=="),
                  QStringLiteral("<"), QStringLiteral(">"), QStringLiteral("<="), QStringLiteral(">=") };
        NodePtr expr = parseConcat();
        NodePtr cmp;
        while (true) {
            const auto tok = nextToken();
            if (!tok)
                break;
            if (tok->type == Tok::Operator && compareOps.contains(tok->value)) {
                if (!cmp) {
                    cmp = makeNode(Kind::Compare, tok->pos);
                    cmp->children.append(expr);
                }
                cmp->ops.append(tok->value);
                cmp->children.append(parseConcat());
            } else {
                pushToken(tok);
                break;
            }
        }
        return cmp ? cmp : expr;
    }
    NodePtr parseConcat()
    {
        NodePtr node = parseAdd();
        while (skipValue(Tok::Tilde, QStringLiteral("~")))
            node = binary(Kind::Concat, node, parseAdd());
        return node;
    }
    NodePtr parseAdd()
    {
        NodePtr node = parseSub();
        while (skipValue(Tok::Operator, QStringLiteral("+")))
            node = binary(Kind::Add, node, parseSub());
        return node;
    }
    NodePtr parseSub()
    {
        NodePtr node = parseMul();
        while (skipValue(Tok::Operator, QStringLiteral("-")))
            node = binary(Kind::Sub, node, parseMul());
        return node;
    }
    NodePtr parseMul()
    {
        NodePtr node = parseDiv();
        while (skipValue(Tok::Operator, QStringLiteral("*")))
            node = binary(Kind::Mul, node, parseDiv());
        return node;
    }
    NodePtr parseDiv()
    {
        NodePtr node = parseFloorDiv();
        while (skipValue(Tok::Operator, QStringLiteral("/")))
            node = binary(Kind::Div, node, parseFloorDiv());
        return node;
    }
    NodePtr parseFloorDiv()
    {
        NodePtr node = parseMod();
        while (skipValue(Tok::Operator, QStringLiteral("//")))
            node = binary(Kind::FloorDiv, node, parseMod());
        return node;
    }
    NodePtr parseMod()
    {
        NodePtr node = parsePow();
        while (skipValue(Tok::Operator, QStringLiteral("%")))
            node = binary(Kind::Mod, node, parsePow());
        return node;
    }
    NodePtr parsePow()
    {
        NodePtr node = parseUnary(false);
        while (skipValue(Tok::Operator, QStringLiteral("**")))
            node = binary(Kind::Pow, node, parseUnary(false));
        return node;
    }
    NodePtr parseUnary(bool noFilters)
    {
        const qsizetype pos = here();
        DepthGuard guard(*this, pos);
        NodePtr node;
        if (skipValue(Tok::Operator, QStringLiteral("-"))) {
            node = makeNode(Kind::Neg, pos);
            node->children.append(parseUnary(true));
        } else if (skipValue(Tok::Operator, QStringLiteral("+"))) {
            node = makeNode(Kind::Pos, pos);
            node->children.append(parseUnary(true));
        } else {
            node = parsePrimary();
        }
        if (!noFilters)
            node = parseFilter(node);
        return node;
    }
    NodePtr parsePrimary(bool noPostfix = false)
    {
        const auto tok = nextToken();
        if (!tok)
            fail(m_lexer.str().size(), QStringLiteral("expected expression, got end of file"));
        NodePtr node;
        switch (tok->type) {
        case Tok::String:
            node = makeNode(Kind::Literal, tok->pos);
            node->value = Value(tok->value);
            break;
        case Tok::Int: {
            node = makeNode(Kind::Literal, tok->pos);
            node->value = Value(Value(tok->value).toJsNumber());
            break;
        }
        case Tok::Float: {
            node = makeNode(Kind::Literal, tok->pos);
            // parseFloat("1.") is 1, Number("1.") too.
            node->value = Value(Value(tok->value).toJsNumber());
            break;
        }
        case Tok::Boolean:
            node = makeNode(Kind::Literal, tok->pos);
            node->value = Value(tok->value == QLatin1String("true"));
            break;
        case Tok::None:
            node = makeNode(Kind::Literal, tok->pos);
            node->value = Value::null();
            break;
        case Tok::Regex:
            node = makeNode(Kind::Literal, tok->pos);
            node->value = Value::regex(tok->value, tok->flags);
            break;
        case Tok::Symbol:
            node = makeNode(Kind::Symbol, tok->pos);
            node->value = Value(tok->value);
            break;
        default:
            pushToken(tok);
            node = parseAggregate();
            break;
        }
        if (!noPostfix && node)
            node = parsePostfix(node);
        if (!node)
            fail(tok->pos, QStringLiteral("unexpected token: %1").arg(tok->value));
        return node;
    }
    QString parseFilterName()
    {
        QString name = expect(Tok::Symbol, QStringLiteral("a filter name")).value;
        while (skipValue(Tok::Operator, QStringLiteral(".")))
            name += QLatin1Char('.') + expect(Tok::Symbol, QStringLiteral("a filter name")).value;
        return name;
    }
    NodePtr parseFilter(NodePtr node)
    {
        while (true) {
            const auto pipe = peekToken();
            if (!pipe || pipe->type != Tok::Pipe)
                break;
            nextToken();
            const qsizetype pos = here();
            const QString name = parseFilterName();
            // nunjucks looks filters up when it compiles, so an unknown one fails even in a
            // branch that never runs.
            auto f = makeNode(Kind::Filter, pos);
            f->value = Value(name);
            if (!isKnownFilter(name, m_cookiecutter) && !m_options.filters.contains(name))
                f->compileError = QStringLiteral("filter not found: %1").arg(name);
            f->children.append(node);
            const auto peek = peekToken();
            if (peek && peek->type == Tok::LeftParen)
                parseSignature(f);
            node = deeper(f, node);
        }
        return node;
    }
    NodePtr parseAggregate()
    {
        const auto tok = nextToken();
        if (!tok)
            return nullptr;
        Kind kind;
        switch (tok->type) {
        case Tok::LeftParen:
            kind = Kind::Group;
            break;
        case Tok::LeftBracket:
            kind = Kind::ArrayLit;
            break;
        case Tok::LeftCurly:
            kind = Kind::DictLit;
            break;
        default:
            return nullptr;
        }
        DepthGuard guard(*this, tok->pos);
        auto node = makeNode(kind, tok->pos);
        while (true) {
            const auto peek = peekToken();
            if (!peek)
                fail(m_lexer.str().size(), QStringLiteral("unexpected end of file in a literal"));
            if (peek->type == Tok::RightParen || peek->type == Tok::RightBracket || peek->type == Tok::RightCurly) {
                nextToken();
                break;
            }
            if (!node->children.isEmpty() && !skip(Tok::Comma))
                fail(tok->pos, QStringLiteral("parseAggregate: expected comma after expression"));
            if (kind == Kind::DictLit) {
                NodePtr key = parsePrimary();
                if (!skip(Tok::Colon))
                    fail(tok->pos, QStringLiteral("parseAggregate: expected colon after dict key"));
                if (key->kind == Kind::Symbol) {
                    key->kind = Kind::Literal;
                } else if (!(key->kind == Kind::Literal && key->value.isString())) {
                    key->compileError = QStringLiteral("compilePair: Dict keys must be strings or names");
                }
                node->children.append(key);
                node->children.append(parseExpression());
            } else {
                node->children.append(parseExpression());
            }
        }
        return node;
    }
    void parseSignature(const NodePtr& call)
    {
        nextToken(); // (
        bool checkComma = false;
        while (true) {
            const auto tok = peekToken();
            if (!tok)
                fail(m_lexer.str().size(), QStringLiteral("expected ) to close the argument list, got end of file"));
            if (tok->type == Tok::RightParen) {
                nextToken();
                break;
            }
            if (checkComma && !skip(Tok::Comma))
                fail(tok->pos, QStringLiteral("parseSignature: expected comma after expression"));
            NodePtr arg = parseExpression();
            if (skipValue(Tok::Operator, QStringLiteral("="))) {
                if (arg->kind != Kind::Symbol)
                    fail(arg->pos, QStringLiteral("keyword argument name expected"));
                call->kwargs.append({ arg->value.string(), parseExpression() });
            } else {
                call->children.append(arg);
            }
            checkComma = true;
        }
    }
    // installJinjaCompat (cookiecutterCompat): `x[start:stop:step]` slices besides `x[i]`.
    NodePtr parseCompatIndex(const NodePtr& target, const Token& open)
    {
        nextToken(); // [
        NodePtr fields[3];
        bool isSlice = false;
        int count = 0;
        for (int i = 0; i <= 3; ++i) {
            if (skip(Tok::RightBracket))
                break;
            if (i == 3) {
                if (isSlice)
                    fail(open.pos, QStringLiteral("parseSlice: too many slice components"));
                fail(open.pos, QStringLiteral("parseAggregate: expected comma after expression"));
            }
            if (skip(Tok::Colon)) {
                isSlice = true;
            } else {
                fields[i] = parseExpression();
                ++count;
                isSlice = skip(Tok::Colon) || isSlice;
            }
        }
        if (!isSlice) {
            if (count == 0) {
                fields[0] = makeNode(Kind::Literal, open.pos);
                fields[0]->compileError = QStringLiteral("an index is missing in []");
            }
            if (count > 1)
                fail(open.pos, QStringLiteral("parseAggregate: expected comma after expression"));
            auto n = makeNode(Kind::LookupVal, open.pos);
            n->children = { target, fields[0] };
            return n;
        }
        const auto literal = [&](const Value& v) {
            auto l = makeNode(Kind::Literal, open.pos);
            l->value = v;
            return l;
        };
        auto n = makeNode(Kind::SliceLookup, open.pos);
        n->children = { target, fields[0] ? fields[0] : literal(Value::null()),
            fields[1] ? fields[1] : literal(Value::null()), fields[2] ? fields[2] : literal(Value(1)) };
        return n;
    }

    // Postfix and filter chains grow the tree without recursion in the parser; bound their height
    // so that evaluating and destroying the tree never recurses too deep.
    NodePtr deeper(NodePtr n, const NodePtr& from)
    {
        n->depth = from->depth + 1;
        if (n->depth > m_maxDepth)
            fail(n->pos, QStringLiteral("expression too long (more than %1 levels)").arg(m_maxDepth));
        return n;
    }

    NodePtr parsePostfix(NodePtr node)
    {
        while (true) {
            node->depth = std::max(node->depth, 1);
            const auto tok = peekToken();
            if (!tok)
                break;
            if (tok->type == Tok::LeftParen) {
                auto call = makeNode(Kind::FunCall, tok->pos);
                call->body = node;
                parseSignature(call);
                node = deeper(call, node);
            } else if (tok->type == Tok::LeftBracket && m_cookiecutter) {
                node = deeper(parseCompatIndex(node, *tok), node);
            } else if (tok->type == Tok::LeftBracket) {
                NodePtr lookup = parseAggregate();
                if (lookup->children.size() > 1)
                    fail(tok->pos, QStringLiteral("invalid index"));
                // `x[]` compiles to memberLookup(x, ) in nunjucks: the key is undefined.
                NodePtr key = lookup->children.isEmpty() ? makeNode(Kind::Literal, tok->pos) : lookup->children.first();
                if (lookup->children.isEmpty())
                    key->compileError = QStringLiteral("an index is missing in []");
                auto n = makeNode(Kind::LookupVal, tok->pos);
                n->children = { node, key };
                node = deeper(n, node);
            } else if (tok->type == Tok::Operator && tok->value == QLatin1String(".")) {
                nextToken();
                const auto val = nextToken();
                if (!val || val->type != Tok::Symbol)
                    fail(val ? val->pos : m_lexer.str().size(),
                        QStringLiteral("expected name as lookup value, got %1")
                            .arg(val ? val->value : QStringLiteral("end of file")));
                auto lit = makeNode(Kind::Literal, val->pos);
                lit->value = Value(val->value);
                auto n = makeNode(Kind::LookupVal, tok->pos);
                n->children = { node, lit };
                node = deeper(n, node);
            } else {
                break;
            }
        }
        return node;
    }

    Lexer& m_lexer;
    const RenderOptions& m_options;
    bool m_cookiecutter;
    int m_maxDepth;
    int m_depth = 0;
    QList<Token> m_peeked;
    QStringList m_breakOnBlocks;
    bool m_dropLeadingWhitespace = false;
    qsizetype m_tagStart = 0;
    qsizetype m_tagEnd = 0;
};

// ---- evaluation -----------------------------------------------------------------------------

struct Frame
{
    QHash<QString, Value> vars;
    Frame* parent = nullptr;

    Value lookup(const QString& name) const
    {
        for (const Frame* f = this; f; f = f->parent) {
            const auto it = f->vars.constFind(name);
            if (it != f->vars.constEnd() && !it->isUndefined())
                return *it;
        }
        return {};
    }
    // nunjucks Frame.set(name, val, resolveUp=true): the frame that already holds it, else this.
    void assign(const QString& name, const Value& v)
    {
        for (Frame* f = this; f; f = f->parent) {
            const auto it = f->vars.constFind(name);
            if (it != f->vars.constEnd() && !it->isUndefined()) {
                f->vars.insert(name, v);
                return;
            }
        }
        vars.insert(name, v);
    }
};

using Args = QList<Value>;

QString escapeHtml(const QString& s)
{
    QString out;
    out.reserve(s.size());
    for (const QChar c : s) {
        switch (c.unicode()) {
        case '&':
            out += QLatin1String("&amp;");
            break;
        case '"':
            out += QLatin1String("&quot;");
            break;
        case '\'':
            out += QLatin1String("&#39;");
            break;
        case '<':
            out += QLatin1String("&lt;");
            break;
        case '>':
            out += QLatin1String("&gt;");
            break;
        default:
            out += c;
        }
    }
    return out;
}

QString typeName(const Value& v)
{
    switch (v.type()) {
    case Value::Type::SafeString:
        return QStringLiteral("a SafeString");
    case Value::Type::Undefined:
        return QStringLiteral("undefined");
    case Value::Type::Null:
        return QStringLiteral("null");
    case Value::Type::Bool:
        return QStringLiteral("a boolean");
    case Value::Type::Number:
        return QStringLiteral("a number");
    case Value::Type::String:
        return QStringLiteral("a string");
    case Value::Type::Array:
        return QStringLiteral("an array");
    case Value::Type::Object:
        return QStringLiteral("an object");
    case Value::Type::Function:
        return QStringLiteral("a function");
    case Value::Type::Regex:
        return QStringLiteral("a regular expression");
    }
    return {};
}

// JS RegExp → QRegularExpression. Backstage templates use simple patterns; the syntax of the two
// engines agrees on those.
QRegularExpression toRegex(const Value& re)
{
    QRegularExpression::PatternOptions opts;
    if (re.regexFlags().contains(QLatin1Char('i')))
        opts |= QRegularExpression::CaseInsensitiveOption;
    if (re.regexFlags().contains(QLatin1Char('m')))
        opts |= QRegularExpression::MultilineOption;
    QRegularExpression rx(re.string(), opts);
    if (!rx.isValid())
        fail(-1, QStringLiteral("invalid regular expression /%1/: %2").arg(re.string(), rx.errorString()));
    return rx;
}

// String.prototype.replace's replacement patterns ($$, $&, $1..$99).
QString expandReplacement(const QString& repl, const QRegularExpressionMatch& m)
{
    QString out;
    for (qsizetype i = 0; i < repl.size(); ++i) {
        const QChar c = repl.at(i);
        if (c == QLatin1Char('$') && i + 1 < repl.size()) {
            const QChar n = repl.at(i + 1);
            if (n == QLatin1Char('$')) {
                out += QLatin1Char('$');
                ++i;
                continue;
            }
            if (n == QLatin1Char('&')) {
                out += m.captured(0);
                ++i;
                continue;
            }
            if (n.isDigit()) {
                int group = n.digitValue();
                qsizetype used = 1;
                if (i + 2 < repl.size() && repl.at(i + 2).isDigit()
                    && group * 10 + repl.at(i + 2).digitValue() <= m.lastCapturedIndex()) {
                    group = group * 10 + repl.at(i + 2).digitValue();
                    used = 2;
                }
                if (group >= 1 && group <= m.lastCapturedIndex()) {
                    out += m.captured(group);
                    i += used;
                    continue;
                }
            }
        }
        out += c;
    }
    return out;
}

QString regexReplace(const QString& str, const Value& re, const QString& repl, qsizetype limit)
{
    const QRegularExpression rx = toRegex(re);
    const bool global = re.regexFlags().contains(QLatin1Char('g'));
    QString out;
    qsizetype last = 0;
    auto it = rx.globalMatch(str);
    while (it.hasNext()) {
        const QRegularExpressionMatch m = it.next();
        out += QStringView(str).mid(last, m.capturedStart() - last);
        out += expandReplacement(repl, m);
        if (out.size() > limit)
            fail(-1, QStringLiteral("replacement result larger than %1 characters").arg(limit));
        last = m.capturedEnd();
        if (!global)
            break;
    }
    out += QStringView(str).mid(last);
    return out;
}

QString encodeUriComponent(const QString& s)
{
    static const QByteArray unreserved("-_.!~*'()");
    const QByteArray utf8 = s.toUtf8();
    QString out;
    for (const char ch : utf8) {
        const auto c = static_cast<unsigned char>(ch);
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || unreserved.contains(char(c)))
            out += QLatin1Char(char(c));
        else
            out += QLatin1Char('%') + QStringLiteral("%1").arg(uint(c), 2, 16, QLatin1Char('0')).toUpper();
    }
    return out;
}

// parseInt(String(v), base)
double jsParseInt(const QString& text, int base)
{
    qsizetype i = 0;
    while (i < text.size() && isJsSpace(text.at(i)))
        ++i;
    double sign = 1;
    if (i < text.size() && (text.at(i) == QLatin1Char('+') || text.at(i) == QLatin1Char('-'))) {
        if (text.at(i) == QLatin1Char('-'))
            sign = -1;
        ++i;
    }
    if ((base == 16 || base == 0) && i + 1 < text.size() && text.at(i) == QLatin1Char('0')
        && text.at(i + 1).toLower() == QLatin1Char('x')) {
        i += 2;
        base = 16;
    }
    if (base == 0)
        base = 10;
    if (base < 2 || base > 36)
        return NAN;
    double v = 0;
    qsizetype digits = 0;
    for (; i < text.size(); ++i) {
        const QChar c = text.at(i).toLower();
        int d = 99;
        if (c >= QLatin1Char('0') && c <= QLatin1Char('9'))
            d = c.unicode() - '0';
        else if (c >= QLatin1Char('a') && c <= QLatin1Char('z'))
            d = c.unicode() - 'a' + 10;
        if (d >= base)
            break;
        v = v * base + d;
        ++digits;
    }
    return digits ? sign * v : NAN;
}

// parseFloat(String(v))
double jsParseFloat(const QString& text)
{
    qsizetype i = 0;
    while (i < text.size() && isJsSpace(text.at(i)))
        ++i;
    static const QRegularExpression re(QStringLiteral("^[+-]?(Infinity|(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?)"));
    const auto m = re.match(QStringView(text).mid(i).toString());
    if (!m.hasMatch())
        return NAN;
    return Value(m.captured(0)).toJsNumber();
}

// Math.pow: unlike C's pow, pow(1, NaN) and pow(±1, ±Infinity) are NaN.
double jsPow(double a, double b)
{
    if (std::isnan(b) || (std::fabs(a) == 1 && std::isinf(b)))
        return NAN;
    return std::pow(a, b);
}

double jsRound(double x)
{
    if (!std::isfinite(x))
        return x;
    const double r = std::floor(x);
    return x - r >= 0.5 ? r + 1 : r;
}

// lodash.get's path syntax: a.b[0]["c"]
QStringList lodashPath(const QString& path)
{
    QStringList parts;
    static const QRegularExpression re(QStringLiteral("[^.[\\]]+|\\[(?:(-?\\d+(?:\\.\\d+)?)|([\"'])((?:(?!\\2)[^\\\\]|"
                                                      "\\\\.)*?)\\2)\\]|(?=(?:\\.|\\[\\])(?:\\.|\\[\\]|$))"));
    if (path.startsWith(QLatin1Char('.')))
        parts.append(QString());
    auto it = re.globalMatch(path);
    while (it.hasNext()) {
        const auto m = it.next();
        if (m.capturedLength(0) == 0 && m.capturedStart(0) >= path.size())
            break;
        if (m.capturedStart(2) >= 0)
            parts.append(m.captured(3));
        else if (m.capturedStart(1) >= 0)
            parts.append(m.captured(1));
        else
            parts.append(m.captured(0));
    }
    return parts;
}

const QStringList& knownFilters()
{
    static const QStringList names = {
        QStringLiteral("abs"),
        QStringLiteral("batch"),
        QStringLiteral("capitalize"),
        QStringLiteral("center"),
        QStringLiteral("default"),
        QStringLiteral("d"),
        QStringLiteral("dictsort"),
        QStringLiteral("dump"),
        QStringLiteral("escape"),
        QStringLiteral("e"),
        QStringLiteral("safe"),
        QStringLiteral("first"),
        QStringLiteral("forceescape"),
        QStringLiteral("indent"),
        QStringLiteral("join"),
        QStringLiteral("last"),
        QStringLiteral("length"),
        QStringLiteral("list"),
        QStringLiteral("lower"),
        QStringLiteral("nl2br"),
        QStringLiteral("reject"),
        QStringLiteral("rejectattr"),
        QStringLiteral("select"),
        QStringLiteral("selectattr"),
        QStringLiteral("replace"),
        QStringLiteral("reverse"),
        QStringLiteral("round"),
        QStringLiteral("slice"),
        QStringLiteral("sum"),
        QStringLiteral("sort"),
        QStringLiteral("string"),
        QStringLiteral("striptags"),
        QStringLiteral("title"),
        QStringLiteral("trim"),
        QStringLiteral("truncate"),
        QStringLiteral("upper"),
        QStringLiteral("urlencode"),
        QStringLiteral("wordcount"),
        QStringLiteral("float"),
        QStringLiteral("int"),
        QStringLiteral("groupby"),
        // Backstage (SPEC B6)
        QStringLiteral("parseRepoUrl"),
        QStringLiteral("parseEntityRef"),
        QStringLiteral("pick"),
        QStringLiteral("projectSlug"),
    };
    return names;
}

bool isKnownFilter(const QString& name, bool cookiecutter)
{
    return knownFilters().contains(name) || (cookiecutter && name == QLatin1String("jsonify"));
}

class Evaluator
{
public:
    Evaluator(const RenderOptions& options, const Value& context)
        : m_options(options)
        , m_context(context)
    { }

    void renderList(const NodePtr& list, Frame& frame, QString& out)
    {
        for (const NodePtr& n : list->children)
            renderNode(n, frame, out);
    }

    Value evalTop(const NodePtr& expr, Frame& frame) { return eval(expr, frame); }

    // The statement being rendered, for error messages.
    qsizetype tagStart = -1;
    qsizetype tagEnd = -1;

private:
    struct Depth
    {
        Evaluator& e;
        Depth(Evaluator& ev, qsizetype pos)
            : e(ev)
        {
            if (++e.m_depth > e.m_options.maxDepth)
                fail(
                    pos, QStringLiteral("templates nested too deeply (more than %1 levels)").arg(e.m_options.maxDepth));
        }
        ~Depth() { --e.m_depth; }
    };
    void step(qsizetype pos)
    {
        if (++m_steps > m_options.maxSteps)
            fail(pos,
                QStringLiteral("rendering takes too many steps (more than %1): is a loop unbounded?")
                    .arg(m_options.maxSteps));
    }
    void append(QString& out, const QString& text, qsizetype pos)
    {
        out += text;
        if (out.size() > m_options.maxOutputChars)
            fail(pos, QStringLiteral("output larger than %1 characters").arg(m_options.maxOutputChars));
    }
    void setTag(const NodePtr& n)
    {
        if (n->tagStart >= 0) {
            tagStart = n->tagStart;
            tagEnd = n->tagEnd;
        }
    }

    void renderNode(const NodePtr& n, Frame& frame, QString& out)
    {
        Depth depth(*this, n->pos);
        step(n->pos);
        switch (n->kind) {
        case Kind::Output:
            setTag(n);
            for (const NodePtr& c : n->children) {
                if (c->kind == Kind::TemplateData) {
                    append(out, c->value.string(), c->pos);
                    continue;
                }
                const Value v = eval(c, frame);
                if (v.isNullish())
                    continue;
                if (v.isFunction())
                    fail(c->pos, QStringLiteral("cannot output the function %1; call it with ()").arg(v.string()));
                append(out, text(v), c->pos);
            }
            return;
        case Kind::If: {
            setTag(n);
            if (eval(n->cond, frame).truthy())
                renderList(n->body, frame, out);
            else if (n->elseBody) {
                if (n->elseBody->kind == Kind::If)
                    renderNode(n->elseBody, frame, out);
                else
                    renderList(n->elseBody, frame, out);
            }
            return;
        }
        case Kind::For:
            renderFor(n, frame, out);
            return;
        case Kind::Set: {
            setTag(n);
            Value v;
            if (n->cond) {
                v = eval(n->cond, frame);
            } else {
                QString captured;
                renderList(n->body, frame, captured);
                v = Value(captured);
            }
            // Values can only grow across iterations through set: bound their nesting, so that
            // printing, comparing or freeing them never recurses too deep.
            if (v.nesting() > 2 * m_options.maxDepth)
                fail(n->pos,
                    QStringLiteral("value nested too deeply (more than %1 levels)").arg(2 * m_options.maxDepth));
            for (const QString& name : n->ops) {
                frame.assign(name, v);
                if (!frame.parent)
                    m_contextVars.insert(name, v);
            }
            return;
        }
        case Kind::NodeList:
            renderList(n, frame, out);
            return;
        case Kind::Macro: {
            m_macros.append(n);
            const Value fn = Value::function(QStringLiteral("macro:%1").arg(m_macros.size() - 1));
            m_macroValues.insert(n.get(), fn);
            if (frame.parent)
                frame.vars.insert(n->value.string(), fn);
            else
                m_contextVars.insert(n->value.string(), fn);
            return;
        }
        case Kind::Switch: {
            // A JavaScript switch: ===, and an empty case body falls through to the next one.
            setTag(n);
            const Value v = eval(n->cond, frame);
            qsizetype matched = -1;
            for (qsizetype i = 0; i + 1 < n->children.size(); i += 2) {
                if (jsStrictEquals(eval(n->children.at(i), frame), v)) {
                    matched = i;
                    break;
                }
            }
            if (matched >= 0) {
                for (qsizetype i = matched; i + 1 < n->children.size(); i += 2) {
                    const NodePtr& body = n->children.at(i + 1);
                    renderList(body, frame, out);
                    if (!body->children.isEmpty())
                        return;
                }
            }
            if (n->elseBody)
                renderList(n->elseBody, frame, out);
            return;
        }
        default:
            fail(n->pos, QStringLiteral("unexpected node"));
        }
    }

    void renderFor(const NodePtr& n, Frame& parent, QString& out)
    {
        setTag(n);
        Frame frame;
        frame.parent = &parent;
        Value arr = eval(n->cond, frame);
        bool iterated = false;
        const auto loopVars = [](qsizetype i, qsizetype len) {
            Value::Object loop;
            loop.insert(QStringLiteral("index"), Value(double(i + 1)));
            loop.insert(QStringLiteral("index0"), Value(double(i)));
            loop.insert(QStringLiteral("revindex"), Value(double(len - i)));
            loop.insert(QStringLiteral("revindex0"), Value(double(len - i - 1)));
            loop.insert(QStringLiteral("first"), Value(i == 0));
            loop.insert(QStringLiteral("last"), Value(i == len - 1));
            loop.insert(QStringLiteral("length"), Value(double(len)));
            return Value::object(std::move(loop));
        };
        if (arr.truthy()) {
            if (n->multipleNames && arr.isObject()) {
                const Value::Object& obj = arr.object();
                const qsizetype len = obj.keys.size();
                for (qsizetype i = 0; i < len; ++i) {
                    step(n->pos);
                    frame.vars.insert(n->ops.at(0), Value(obj.keys.at(i)));
                    frame.vars.insert(n->ops.value(1), obj.values.value(obj.keys.at(i)));
                    frame.vars.insert(QStringLiteral("loop"), loopVars(i, len));
                    renderList(n->body, frame, out);
                    setTag(n);
                }
                iterated = len > 0;
            } else if (n->multipleNames) {
                if (!arr.isArray())
                    fail(n->cond->pos,
                        QStringLiteral("cannot unpack %1 into %2")
                            .arg(typeName(arr), n->ops.join(QStringLiteral(", "))));
                const Value::List& items = arr.list();
                for (qsizetype i = 0; i < items.size(); ++i) {
                    step(n->pos);
                    const Value item = items.at(i);
                    for (qsizetype u = 0; u < n->ops.size(); ++u) {
                        if (item.isNullish())
                            fail(n->cond->pos, QStringLiteral("cannot unpack %1 (item %2)").arg(typeName(item)).arg(i));
                        frame.vars.insert(n->ops.at(u), member(item, Value(double(u))));
                    }
                    frame.vars.insert(QStringLiteral("loop"), loopVars(i, items.size()));
                    renderList(n->body, frame, out);
                    setTag(n);
                }
                iterated = !items.isEmpty();
            } else if (arr.isSafeString()) {
                // runtime.fromIterator: Array.from over its string iterator (code points).
                Value::List chars;
                const QString& str = arr.string();
                for (qsizetype i = 0; i < str.size(); ++i) {
                    if (str.at(i).isHighSurrogate() && i + 1 < str.size() && str.at(i + 1).isLowSurrogate()) {
                        chars.append(Value(str.mid(i, 2)));
                        ++i;
                    } else {
                        chars.append(Value(QString(str.at(i))));
                    }
                }
                for (qsizetype i = 0; i < chars.size(); ++i) {
                    step(n->pos);
                    frame.vars.insert(n->ops.at(0), chars.at(i));
                    frame.vars.insert(QStringLiteral("loop"), loopVars(i, chars.size()));
                    renderList(n->body, frame, out);
                    setTag(n);
                }
                iterated = !chars.isEmpty();
            } else if (arr.isArray() || arr.isString()) {
                const qsizetype len = arr.isArray() ? arr.list().size() : arr.string().size();
                for (qsizetype i = 0; i < len; ++i) {
                    step(n->pos);
                    frame.vars.insert(
                        n->ops.at(0), arr.isArray() ? arr.list().at(i) : Value(QString(arr.string().at(i))));
                    frame.vars.insert(QStringLiteral("loop"), loopVars(i, len));
                    renderList(n->body, frame, out);
                    setTag(n);
                }
                iterated = len > 0;
            }
            // A single name over an object or a number: `arr.length` is undefined, no iteration.
        }
        if (!iterated && n->elseBody)
            renderList(n->elseBody, frame, out);
    }

    Value lookupSymbol(const QString& name, const Frame& frame) const
    {
        Value v = frame.lookup(name);
        if (!v.isUndefined())
            return v;
        const auto it = m_contextVars.constFind(name);
        if (it != m_contextVars.constEnd())
            return *it;
        if (m_context.object().contains(name))
            return m_context.object().value(name);
        if (name == QLatin1String("range"))
            return Value::function(name);
        if (m_options.globals.contains(name))
            return Value::function(QStringLiteral("global:") + name);
        if (m_options.cookiecutterCompat) { // installJinjaCompat
            if (name == QLatin1String("True"))
                return Value(true);
            if (name == QLatin1String("False"))
                return Value(false);
            if (name == QLatin1String("None"))
                return Value::null();
        }
        return {};
    }

    // installJinjaCompat's Python methods on arrays and objects (they win over own keys). The
    // mutating ones (append, pop, update, …) are refused: templates render from values only.
    Value compatMember(const Value& obj, const Value& key) const
    {
        static const QStringList arrayMembers
            = { QStringLiteral("count"), QStringLiteral("index"), QStringLiteral("find"), QStringLiteral("pop"),
                  QStringLiteral("append"), QStringLiteral("remove"), QStringLiteral("insert") };
        static const QStringList objectMembers = { QStringLiteral("items"), QStringLiteral("values"),
            QStringLiteral("keys"), QStringLiteral("get"), QStringLiteral("has_key"), QStringLiteral("iteritems"),
            QStringLiteral("itervalues"), QStringLiteral("iterkeys"), QStringLiteral("pop"), QStringLiteral("popitem"),
            QStringLiteral("setdefault"), QStringLiteral("update") };
        if (m_options.cookiecutterCompat && key.isString()) {
            if (obj.isArray() && arrayMembers.contains(key.string()))
                return Value::function(QStringLiteral("py:") + key.string(), obj);
            if (obj.isObject() && objectMembers.contains(key.string()))
                return Value::function(QStringLiteral("py:") + key.string(), obj);
        }
        return member(obj, key);
    }

    static Value member(const Value& obj, const Value& key)
    {
        if (obj.isNullish())
            return {};
        const QString k = key.isNumber() ? jsNumberToString(key.number()) : key.toJsString();
        if (obj.isSafeString()) {
            // Own properties val and length; String.prototype methods; no index properties.
            if (k == QLatin1String("val") || k == QLatin1String("length"))
                return obj.safeStringObject().object().value(k);
            const Value method = member(Value(obj.string()), key);
            return method.isFunction() ? method : Value();
        }
        if (obj.isArray() || obj.isString()) {
            const qsizetype len = obj.isArray() ? obj.list().size() : obj.string().size();
            if (k == QLatin1String("length"))
                return Value(double(len));
            bool ok = false;
            const qsizetype idx = k.toLongLong(&ok);
            if (ok && idx >= 0 && QString::number(idx) == k)
                return idx < len ? (obj.isArray() ? obj.list().at(idx) : Value(QString(obj.string().at(idx))))
                                 : Value();
            static const QStringList stringMethods = { QStringLiteral("toUpperCase"), QStringLiteral("toLowerCase"),
                QStringLiteral("trim"), QStringLiteral("trimStart"), QStringLiteral("trimEnd"), QStringLiteral("split"),
                QStringLiteral("replace"), QStringLiteral("replaceAll"), QStringLiteral("startsWith"),
                QStringLiteral("endsWith"), QStringLiteral("includes"), QStringLiteral("indexOf"),
                QStringLiteral("lastIndexOf"), QStringLiteral("substring"), QStringLiteral("substr"),
                QStringLiteral("slice"), QStringLiteral("charAt"), QStringLiteral("concat"), QStringLiteral("padStart"),
                QStringLiteral("padEnd"), QStringLiteral("repeat"), QStringLiteral("toString"), QStringLiteral("at") };
            static const QStringList arrayMethods = { QStringLiteral("join"), QStringLiteral("includes"),
                QStringLiteral("indexOf"), QStringLiteral("lastIndexOf"), QStringLiteral("slice"),
                QStringLiteral("concat"), QStringLiteral("toString"), QStringLiteral("at") };
            if ((obj.isString() ? stringMethods : arrayMethods).contains(k))
                return Value::function(k, obj);
            return {};
        }
        if (obj.isObject())
            return obj.object().value(k);
        if (obj.isNumber() && k == QLatin1String("toString"))
            return Value::function(k, obj);
        return {};
    }

    // Where an expression starts in the source (a member access is positioned at its `.`).
    static qsizetype startOf(const NodePtr& n)
    {
        switch (n->kind) {
        case Kind::FunCall:
            return startOf(n->body);
        case Kind::LookupVal:
        case Kind::SliceLookup:
        case Kind::Filter:
        case Kind::Compare:
        case Kind::Concat:
        case Kind::Add:
        case Kind::Sub:
        case Kind::Mul:
        case Kind::Div:
        case Kind::FloorDiv:
        case Kind::Mod:
        case Kind::Pow:
        case Kind::And:
        case Kind::Or:
        case Kind::In:
        case Kind::Is:
            return startOf(n->children.at(0));
        case Kind::InlineIf:
            return startOf(n->body);
        default:
            return n->pos;
        }
    }

    static QString describe(const NodePtr& n)
    {
        switch (n->kind) {
        case Kind::Symbol:
            return n->value.string();
        case Kind::LookupVal: {
            const NodePtr& key = n->children.at(1);
            const QString base = describe(n->children.at(0));
            if (key->kind == Kind::Literal && key->value.isString())
                return base + QLatin1Char('.') + key->value.string();
            return base + QStringLiteral("[…]");
        }
        case Kind::FunCall:
            return describe(n->body) + QStringLiteral("()");
        default:
            return QStringLiteral("expression");
        }
    }

    // nunjucks compiles operators to JavaScript text WITHOUT parentheses (`a + "" + b` for `~`,
    // `!x` for `not`), so JavaScript's precedence re-associates the parsed tree: `'a' ~ 1 + 2` is
    // "a12" and `not a == b` is `(!a) == b`. The operator chain is flattened to the emitted
    // token sequence and evaluated with JavaScript's precedence, operands staying nunjucks nodes.
    struct JsTok
    {
        enum Type
        {
            Operand,
            Binary,
            Prefix
        } type;
        NodePtr node;
        QString op;
    };
    static bool isJsOperatorNode(Kind k)
    {
        switch (k) {
        case Kind::Add:
        case Kind::Sub:
        case Kind::Mul:
        case Kind::Div:
        case Kind::Mod:
        case Kind::Concat:
        case Kind::Compare:
        case Kind::And:
        case Kind::Or:
        case Kind::Not:
        case Kind::Neg:
        case Kind::Pos:
            return true;
        default:
            return false;
        }
    }
    static void flatten(const NodePtr& n, QList<JsTok>& out)
    {
        const auto bin = [&](const QString& op) {
            flatten(n->children.at(0), out);
            out.append({ JsTok::Binary, nullptr, op });
            flatten(n->children.at(1), out);
        };
        switch (n->kind) {
        case Kind::Add:
            bin(QStringLiteral("+"));
            return;
        case Kind::Sub:
            bin(QStringLiteral("-"));
            return;
        case Kind::Mul:
            bin(QStringLiteral("*"));
            return;
        case Kind::Div:
            bin(QStringLiteral("/"));
            return;
        case Kind::Mod:
            bin(QStringLiteral("%"));
            return;
        case Kind::And:
            bin(QStringLiteral("&&"));
            return;
        case Kind::Or:
            bin(QStringLiteral("||"));
            return;
        case Kind::Concat: {
            flatten(n->children.at(0), out);
            out.append({ JsTok::Binary, nullptr, QStringLiteral("+") });
            auto empty = makeNode(Kind::Literal, n->pos);
            empty->value = Value(QString());
            out.append({ JsTok::Operand, empty, {} });
            out.append({ JsTok::Binary, nullptr, QStringLiteral("+") });
            flatten(n->children.at(1), out);
            return;
        }
        case Kind::Compare:
            flatten(n->children.at(0), out);
            for (qsizetype i = 0; i < n->ops.size(); ++i) {
                out.append({ JsTok::Binary, nullptr, n->ops.at(i) });
                flatten(n->children.at(i + 1), out);
            }
            return;
        case Kind::Not:
            out.append({ JsTok::Prefix, nullptr, QStringLiteral("!") });
            flatten(n->children.at(0), out);
            return;
        case Kind::Neg:
            out.append({ JsTok::Prefix, nullptr, QStringLiteral("-") });
            flatten(n->children.at(0), out);
            return;
        case Kind::Pos:
            out.append({ JsTok::Prefix, nullptr, QStringLiteral("+") });
            flatten(n->children.at(0), out);
            return;
        default:
            out.append({ JsTok::Operand, n, {} });
        }
    }
    static int jsPrecedence(const QString& op)
    {
        if (op == QLatin1String("||"))
            return 1;
        if (op == QLatin1String("&&"))
            return 2;
        if (op == QLatin1String("==") || op == QLatin1String("!=") || op == QLatin1String("===")
            || op == QLatin1String("!=="))
            return 3;
        if (op == QLatin1String("<") || op == QLatin1String(">") || op == QLatin1String("<=")
            || op == QLatin1String(">="))
            return 4;
        if (op == QLatin1String("+") || op == QLatin1String("-"))
            return 5;
        return 6; // * / %
    }
    // A lazily evaluated JS expression over the token list: [begin, end) with precedence climbing.
    struct JsExpr
    {
        QString op; // empty: operand; "u!", "u-", "u+": prefix
        NodePtr node; // operand
        std::shared_ptr<JsExpr> left, right;
    };
    std::shared_ptr<JsExpr> parseJs(const QList<JsTok>& toks, qsizetype& i, int minPrec)
    {
        std::shared_ptr<JsExpr> left = parseJsUnary(toks, i);
        while (i < toks.size() && toks.at(i).type == JsTok::Binary && jsPrecedence(toks.at(i).op) >= minPrec) {
            const QString op = toks.at(i).op;
            ++i;
            auto right = parseJs(toks, i, jsPrecedence(op) + 1);
            auto e = std::make_shared<JsExpr>();
            e->op = op;
            e->left = left;
            e->right = right;
            left = e;
        }
        return left;
    }
    std::shared_ptr<JsExpr> parseJsUnary(const QList<JsTok>& toks, qsizetype& i)
    {
        if (i >= toks.size())
            fail(-1, QStringLiteral("incomplete expression"));
        const JsTok& t = toks.at(i);
        ++i;
        auto e = std::make_shared<JsExpr>();
        if (t.type == JsTok::Prefix) {
            if (i < toks.size() && toks.at(i).type == JsTok::Prefix && toks.at(i).op == t.op
                && t.op != QLatin1String("!"))
                fail(-1,
                    QStringLiteral("`%1%1` is not valid JavaScript: nunjucks cannot compile this expression")
                        .arg(t.op));
            Depth depth(*this, -1);
            e->op = QLatin1Char('u') + t.op;
            e->left = parseJsUnary(toks, i);
            return e;
        }
        if (t.type != JsTok::Operand)
            fail(-1, QStringLiteral("unexpected operator %1").arg(t.op));
        e->node = t.node;
        return e;
    }
    Value evalJsExpr(const std::shared_ptr<JsExpr>& e, Frame& frame)
    {
        Depth depth(*this, -1);
        if (e->op.isEmpty())
            return eval(e->node, frame);
        const QString& op = e->op;
        if (op == QLatin1String("u!"))
            return Value(!evalJsExpr(e->left, frame).truthy());
        if (op == QLatin1String("u-"))
            return Value(-evalJsExpr(e->left, frame).toJsNumber());
        if (op == QLatin1String("u+"))
            return Value(evalJsExpr(e->left, frame).toJsNumber());
        const Value a = evalJsExpr(e->left, frame);
        if (op == QLatin1String("&&"))
            return !a.truthy() ? a : evalJsExpr(e->right, frame);
        if (op == QLatin1String("||"))
            return a.truthy() ? a : evalJsExpr(e->right, frame);
        const Value b = evalJsExpr(e->right, frame);
        if (op == QLatin1String("+"))
            return add(a, b);
        if (op == QLatin1String("-"))
            return Value(a.toJsNumber() - b.toJsNumber());
        if (op == QLatin1String("*"))
            return Value(a.toJsNumber() * b.toJsNumber());
        if (op == QLatin1String("/"))
            return Value(a.toJsNumber() / b.toJsNumber());
        if (op == QLatin1String("%"))
            return Value(std::fmod(a.toJsNumber(), b.toJsNumber()));
        if (op == QLatin1String("=="))
            return Value(jsLooseEquals(a, b));
        if (op == QLatin1String("==="))
            return Value(jsStrictEquals(a, b));
        if (op == QLatin1String("!="))
            return Value(!jsLooseEquals(a, b));
        if (op == QLatin1String("!=="))
            return Value(!jsStrictEquals(a, b));
        if (op == QLatin1String("<"))
            return Value(jsLessThan(a, b));
        if (op == QLatin1String(">"))
            return Value(jsLessThan(b, a));
        if (op == QLatin1String("<="))
            return Value(lessOrEqual(a, b));
        return Value(lessOrEqual(b, a)); // >=
    }
    Value evalJsChain(const NodePtr& n, Frame& frame)
    {
        QList<JsTok> toks;
        flatten(n, toks);
        qsizetype i = 0;
        const auto tree = parseJs(toks, i, 1);
        return evalJsExpr(tree, frame);
    }

    Value eval(const NodePtr& n, Frame& frame)
    {
        Depth depth(*this, n->pos);
        step(n->pos);
        if (isJsOperatorNode(n->kind))
            return evalJsChain(n, frame);
        switch (n->kind) {
        case Kind::Literal:
            return n->value;
        case Kind::Capture: {
            QString captured;
            renderList(n->body, frame, captured);
            return Value(captured);
        }
        case Kind::Symbol:
            if (n->boundMacro) // the macro's compiled variable (undefined until its definition ran)
                return m_macroValues.value(n->boundMacro);
            return lookupSymbol(n->value.string(), frame);
        case Kind::LookupVal:
            return compatMember(eval(n->children.at(0), frame), eval(n->children.at(1), frame));
        case Kind::SliceLookup: {
            // jinja-compat sliceLookup; the result is always an array.
            const Value obj = eval(n->children.at(0), frame);
            Value start = eval(n->children.at(1), frame);
            Value stop = eval(n->children.at(2), frame);
            const double stepBy = eval(n->children.at(3), frame).toJsNumber();
            const Value len = member(obj.truthy() ? obj : Value::array({}), Value(QStringLiteral("length")));
            const double length = len.toJsNumber();
            double b = start.isNull() ? (stepBy < 0 ? length - 1 : 0) : start.toJsNumber();
            double e = stop.isNull() ? (stepBy < 0 ? -1 : length) : stop.toJsNumber();
            if (!stop.isNull() && e < 0)
                e += length;
            if (b < 0)
                b += length;
            Value::List out;
            for (double i = b;; i += stepBy) {
                step(n->pos);
                if (i < 0 || i > length || std::isnan(i))
                    break;
                if (stepBy > 0 && i >= e)
                    break;
                if (stepBy < 0 && i <= e)
                    break;
                out.append(member(obj, Value(i)));
            }
            return Value::array(std::move(out));
        }
        case Kind::Group: {
            Value last;
            for (const NodePtr& c : n->children)
                last = eval(c, frame);
            return last;
        }
        case Kind::ArrayLit: {
            Value::List items;
            for (const NodePtr& c : n->children)
                items.append(eval(c, frame));
            return Value::array(std::move(items));
        }
        case Kind::DictLit: {
            Value::Object obj;
            for (qsizetype i = 0; i + 1 < n->children.size(); i += 2)
                obj.insert(n->children.at(i)->value.string(), eval(n->children.at(i + 1), frame));
            return Value::object(std::move(obj));
        }
        case Kind::InlineIf:
            if (eval(n->cond, frame).truthy())
                return eval(n->body, frame);
            return n->elseBody ? eval(n->elseBody, frame) : Value(QString());
        case Kind::In: {
            const Value key = eval(n->children.at(0), frame);
            const Value container = eval(n->children.at(1), frame);
            if (container.isArray()) {
                for (const Value& item : container.list())
                    if (jsStrictEquals(item, key))
                        return Value(true);
                return Value(false);
            }
            if (container.isSafeString()) { // `key in object`: own properties and String.prototype
                const QString k = key.toJsString();
                return Value(
                    k == QLatin1String("val") || k == QLatin1String("length") || member(container, key).isFunction());
            }
            if (container.isString())
                return Value(container.string().contains(key.toJsString()));
            if (container.isObject())
                return Value(container.object().contains(key.toJsString()));
            fail(n->pos,
                QStringLiteral("Cannot use \"in\" operator to search for \"%1\" in unexpected types.")
                    .arg(key.toJsString()));
        }
        case Kind::Is:
            return evalIs(n, frame);
        case Kind::FloorDiv:
            return Value(
                std::floor(eval(n->children.at(0), frame).toJsNumber() / eval(n->children.at(1), frame).toJsNumber()));
        case Kind::Pow:
            return Value(
                jsPow(eval(n->children.at(0), frame).toJsNumber(), eval(n->children.at(1), frame).toJsNumber()));
        case Kind::FunCall: {
            const Value callee = eval(n->body, frame);
            Args args;
            for (const NodePtr& c : n->children)
                args.append(eval(c, frame));
            if (callee.isFunction() && callee.string().startsWith(QLatin1String("macro:"))) {
                QList<QPair<QString, Value>> kwargs;
                for (const auto& kw : n->kwargs)
                    kwargs.append({ kw.first, eval(kw.second, frame) });
                return callMacro(callee, args, kwargs, n->pos);
            }
            if (!n->kwargs.isEmpty())
                fail(n->pos,
                    QStringLiteral("keyword arguments are not supported in calls of %1").arg(describe(n->body)));
            if (!callee.truthy())
                fail(startOf(n),
                    QStringLiteral("Unable to call `%1`, which is undefined or falsey").arg(describe(n->body)));
            if (!callee.isFunction())
                fail(startOf(n), QStringLiteral("Unable to call `%1`, which is not a function").arg(describe(n->body)));
            return callFunction(callee, args, n->pos);
        }
        case Kind::Filter: {
            Args args;
            for (const NodePtr& c : n->children)
                args.append(eval(c, frame));
            QList<QPair<QString, Value>> kwargs;
            for (const auto& kw : n->kwargs)
                kwargs.append({ kw.first, eval(kw.second, frame) });
            return callFilter(n->value.string(), args, kwargs, n->pos);
        }
        default:
            fail(n->pos, QStringLiteral("unexpected node in an expression"));
        }
    }

    static bool lessOrEqual(const Value& a, const Value& b)
    {
        // JS a <= b is !(b < a) unless a comparison involves NaN.
        const auto primitive = [](const Value& v) {
            return v.isArray() || v.isObject() || v.isFunction() || v.isRegex() || v.isSafeString()
                ? Value(v.toJsString())
                : v;
        };
        const Value pa = primitive(a);
        const Value pb = primitive(b);
        if (pa.isString() && pb.isString())
            return pa.string() <= pb.string();
        return pa.toJsNumber() <= pb.toJsNumber();
    }

    Value add(const Value& a, const Value& b)
    {
        const auto primitive = [this](const Value& v) {
            return v.isArray() || v.isObject() || v.isFunction() || v.isRegex() || v.isSafeString() ? Value(text(v))
                                                                                                    : v;
        };
        const Value pa = primitive(a);
        const Value pb = primitive(b);
        if (pa.isString() || pb.isString()) {
            const QString sa = pa.toJsString();
            const QString sb = pb.toJsString();
            if (sa.size() + sb.size() > m_options.maxOutputChars)
                fail(-1, QStringLiteral("a string larger than %1 characters").arg(m_options.maxOutputChars));
            return Value(sa + sb);
        }
        return Value(pa.toJsNumber() + pb.toJsNumber());
    }

    Value evalIs(const NodePtr& n, Frame& frame)
    {
        const Value left = eval(n->children.at(0), frame);
        const NodePtr& right = n->children.at(1);
        QString name;
        Args args { left };
        // nunjucks compileIs: the test is `right.name.value` (a call's callee, a filter's name) or
        // else `right.value`, stringified into the generated code; anything else names the test
        // "undefined". Arguments come from `right.args` (a call's, or a filter's input and args).
        if (right->kind == Kind::Symbol) {
            name = right->value.string();
        } else if (right->kind == Kind::FunCall || right->kind == Kind::Filter) {
            if (right->kind == Kind::Filter)
                name = right->value.string();
            else
                name = right->body->kind == Kind::Symbol ? right->body->value.string() : QStringLiteral("undefined");
            for (const NodePtr& c : right->children)
                args.append(eval(c, frame));
        } else if (right->kind == Kind::Literal && !right->value.isRegex()) {
            name = right->value.toJsString();
        } else {
            name = QStringLiteral("undefined");
        }
        return Value(runTest(name, args, right->pos));
    }

    bool runTest(const QString& name, const Args& args, qsizetype pos)
    {
        const Value v = args.value(0);
        const Value two = args.value(1);
        if (name == QLatin1String("defined"))
            return !v.isUndefined();
        if (name == QLatin1String("undefined"))
            return v.isUndefined();
        if (name == QLatin1String("null"))
            return v.isNull();
        if (name == QLatin1String("number"))
            return v.isNumber();
        if (name == QLatin1String("string"))
            return v.isString();
        if (name == QLatin1String("truthy"))
            return v.truthy();
        if (name == QLatin1String("falsy"))
            return !v.truthy();
        if (name == QLatin1String("odd"))
            return std::fmod(v.toJsNumber(), 2) == 1;
        if (name == QLatin1String("even"))
            return std::fmod(v.toJsNumber(), 2) == 0;
        if (name == QLatin1String("divisibleby"))
            return std::fmod(v.toJsNumber(), two.toJsNumber()) == 0;
        if (name == QLatin1String("equalto") || name == QLatin1String("eq") || name == QLatin1String("sameas"))
            return jsStrictEquals(v, two);
        if (name == QLatin1String("ne"))
            return !jsStrictEquals(v, two);
        if (name == QLatin1String("lt") || name == QLatin1String("lessthan"))
            return jsLessThan(v, two);
        if (name == QLatin1String("gt") || name == QLatin1String("greaterthan"))
            return jsLessThan(two, v);
        if (name == QLatin1String("le"))
            return lessOrEqual(v, two);
        if (name == QLatin1String("ge"))
            return lessOrEqual(two, v);
        if (name == QLatin1String("callable"))
            return v.isFunction();
        if (name == QLatin1String("escaped"))
            return false;
        if (name == QLatin1String("iterable"))
            return v.isArray() || v.isString();
        if (name == QLatin1String("mapping"))
            return v.isObject();
        if (name == QLatin1String("lower") || name == QLatin1String("upper")) {
            if (!v.isString())
                fail(pos, QStringLiteral("the %1 test needs a string, got %2").arg(name, typeName(v)));
            return name == QLatin1String("lower") ? v.string().toLower() == v.string()
                                                  : v.string().toUpper() == v.string();
        }
        fail(pos, QStringLiteral("test not found: %1").arg(name));
    }

    Value callFunction(const Value& fn, const Args& args, qsizetype pos)
    {
        const QString& name = fn.string();
        const Value self = fn.receiver();
        const auto arg = [&](int i) { return args.value(i); };
        const auto intArg = [&](int i, double dflt) {
            const double d = args.size() > i && !args.at(i).isUndefined() ? args.at(i).toJsNumber() : dflt;
            return std::isnan(d) ? 0.0 : std::trunc(d);
        };
        if (name == QLatin1String("range") && self.isUndefined()) {
            double start = 0, stop = 0, stepBy = 1;
            if (args.size() <= 1) {
                stop = arg(0).toJsNumber();
            } else {
                start = arg(0).toJsNumber();
                stop = arg(1).toJsNumber();
                if (args.size() > 2)
                    stepBy = arg(2).toJsNumber();
            }
            Value::List items;
            if (stepBy > 0) {
                for (double i = start; i < stop; i += stepBy) {
                    step(pos);
                    items.append(Value(i));
                }
            } else if (stepBy < 0) {
                for (double i = start; i > stop; i += stepBy) {
                    step(pos);
                    items.append(Value(i));
                }
            }
            return Value::array(std::move(items));
        }
        if (name == QLatin1String("toString"))
            return Value(self.toJsString());
        if (name.startsWith(QLatin1String("global:")))
            return m_options.globals.value(name.mid(7))(args);
        if (name.startsWith(QLatin1String("py:")))
            return callCompat(name.mid(3), self, args, pos);
        if (self.isArray()) {
            const Value::List& items = self.list();
            if (name == QLatin1String("join"))
                return Value(arrayJoin(items, arg(0).isUndefined() ? QStringLiteral(",") : arg(0).toJsString()));
            if (name == QLatin1String("includes") || name == QLatin1String("indexOf")
                || name == QLatin1String("lastIndexOf")) {
                qsizetype found = -1;
                for (qsizetype i = 0; i < items.size(); ++i) {
                    const bool eq = name == QLatin1String("includes") ? (jsStrictEquals(items.at(i), arg(0))
                                        || (items.at(i).isNumber() && arg(0).isNumber()
                                            && std::isnan(items.at(i).number()) && std::isnan(arg(0).number())))
                                                                      : jsStrictEquals(items.at(i), arg(0));
                    if (eq) {
                        found = i;
                        if (name != QLatin1String("lastIndexOf"))
                            break;
                    }
                }
                return name == QLatin1String("includes") ? Value(found >= 0) : Value(double(found));
            }
            if (name == QLatin1String("slice")) {
                const auto [b, e] = sliceBounds(items.size(), args);
                return Value::array(items.mid(b, std::max<qsizetype>(0, e - b)));
            }
            if (name == QLatin1String("at")) {
                qsizetype i = qsizetype(intArg(0, 0));
                if (i < 0)
                    i += items.size();
                return i >= 0 && i < items.size() ? items.at(i) : Value();
            }
            if (name == QLatin1String("concat")) {
                Value::List out = items;
                for (const Value& a : args) {
                    if (a.isArray())
                        out.append(a.list());
                    else
                        out.append(a);
                }
                return Value::array(std::move(out));
            }
        }
        if (self.isString()) {
            const QString& s = self.string();
            if (name == QLatin1String("toUpperCase"))
                return Value(s.toUpper());
            if (name == QLatin1String("toLowerCase"))
                return Value(s.toLower());
            if (name == QLatin1String("trim"))
                return Value(trimJs(s, true, true));
            if (name == QLatin1String("trimStart"))
                return Value(trimJs(s, true, false));
            if (name == QLatin1String("trimEnd"))
                return Value(trimJs(s, false, true));
            if (name == QLatin1String("startsWith"))
                return Value(
                    s.mid(qsizetype(std::clamp(intArg(1, 0), 0.0, double(s.size())))).startsWith(arg(0).toJsString()));
            if (name == QLatin1String("endsWith"))
                return Value(s.left(qsizetype(std::clamp(intArg(1, double(s.size())), 0.0, double(s.size()))))
                                 .endsWith(arg(0).toJsString()));
            if (name == QLatin1String("includes"))
                return Value(
                    s.indexOf(arg(0).toJsString(), qsizetype(std::clamp(intArg(1, 0), 0.0, double(s.size())))) >= 0);
            if (name == QLatin1String("indexOf"))
                return Value(
                    double(s.indexOf(arg(0).toJsString(), qsizetype(std::clamp(intArg(1, 0), 0.0, double(s.size()))))));
            if (name == QLatin1String("lastIndexOf"))
                return Value(double(s.lastIndexOf(arg(0).toJsString())));
            if (name == QLatin1String("charAt")) {
                const double i = intArg(0, 0);
                return Value(i >= 0 && i < s.size() ? QString(s.at(qsizetype(i))) : QString());
            }
            if (name == QLatin1String("at")) {
                qsizetype i = qsizetype(intArg(0, 0));
                if (i < 0)
                    i += s.size();
                return i >= 0 && i < s.size() ? Value(QString(s.at(i))) : Value();
            }
            if (name == QLatin1String("substring")) {
                qsizetype b = qsizetype(std::clamp(intArg(0, 0), 0.0, double(s.size())));
                qsizetype e = qsizetype(std::clamp(intArg(1, double(s.size())), 0.0, double(s.size())));
                if (b > e)
                    std::swap(b, e);
                return Value(s.mid(b, e - b));
            }
            if (name == QLatin1String("substr")) {
                qsizetype b = qsizetype(intArg(0, 0));
                if (b < 0)
                    b = std::max<qsizetype>(0, s.size() + b);
                const qsizetype len = qsizetype(std::clamp(intArg(1, double(s.size())), 0.0, double(s.size())));
                return Value(s.mid(b, len));
            }
            if (name == QLatin1String("slice")) {
                const auto [b, e] = sliceBounds(s.size(), args);
                return Value(s.mid(b, std::max<qsizetype>(0, e - b)));
            }
            if (name == QLatin1String("concat")) {
                QString out = s;
                for (const Value& a : args)
                    out += a.toJsString();
                return Value(out);
            }
            if (name == QLatin1String("repeat")) {
                const double count = intArg(0, 0);
                if (count < 0 || count * double(s.size()) > double(m_options.maxOutputChars))
                    fail(pos, QStringLiteral("Invalid count value: %1").arg(jsNumberToString(count)));
                return Value(s.repeated(qsizetype(count)));
            }
            if (name == QLatin1String("padStart") || name == QLatin1String("padEnd")) {
                const double target = intArg(0, 0);
                if (target > double(m_options.maxOutputChars))
                    fail(pos, QStringLiteral("padding too long"));
                const QString fill = arg(1).isUndefined() ? QStringLiteral(" ") : arg(1).toJsString();
                if (target <= s.size() || fill.isEmpty())
                    return Value(s);
                QString pad;
                while (pad.size() < qsizetype(target) - s.size())
                    pad += fill;
                pad.truncate(qsizetype(target) - s.size());
                return Value(name == QLatin1String("padStart") ? pad + s : s + pad);
            }
            if (name == QLatin1String("split")) {
                Value::List parts;
                const double limit = arg(1).isUndefined() ? 4294967295.0 : intArg(1, 0);
                if (arg(0).isUndefined()) {
                    parts.append(Value(s));
                } else if (arg(0).isRegex()) {
                    const QStringList pieces = s.split(toRegex(arg(0)));
                    for (const QString& p : pieces)
                        parts.append(Value(p));
                } else {
                    const QString sep = arg(0).toJsString();
                    if (sep.isEmpty()) {
                        for (const QChar c : s) {
                            step(pos);
                            parts.append(Value(QString(c)));
                        }
                    } else {
                        for (const QString& p : s.split(sep))
                            parts.append(Value(p));
                    }
                }
                if (double(parts.size()) > limit)
                    parts = parts.mid(0, qsizetype(limit));
                return Value::array(std::move(parts));
            }
            if (name == QLatin1String("replace") || name == QLatin1String("replaceAll")) {
                const QString repl = arg(1).toJsString();
                if (arg(0).isRegex())
                    return Value(regexReplace(s, arg(0), repl, m_options.maxOutputChars));
                const QString needle = arg(0).toJsString();
                const QRegularExpression literal(QRegularExpression::escape(needle));
                const Value re = Value::regex(
                    literal.pattern(), name == QLatin1String("replaceAll") ? QStringLiteral("g") : QString());
                return Value(regexReplace(s, re, repl, m_options.maxOutputChars));
            }
        }
        fail(pos, QStringLiteral("%1 is not a function on %2").arg(name, typeName(self)));
    }

    // runtime.makeMacro: surplus positional arguments fill the keyword parameters in order, missing
    // positional ones are taken from keyword arguments by name. The body sees only its arguments
    // and the context (a fresh frame).
    Value callMacro(const Value& fn, Args args, const QList<QPair<QString, Value>>& kwargsIn, qsizetype pos)
    {
        const NodePtr& m = m_macros.at(fn.string().mid(6).toInt());
        QHash<QString, Value> kwargs;
        for (const auto& kw : kwargsIn)
            kwargs.insert(kw.first, kw.second);
        const QStringList& argNames = m->ops;
        if (args.size() > argNames.size()) {
            for (qsizetype i = argNames.size(); i < args.size(); ++i)
                if (i - argNames.size() < m->kwargs.size())
                    kwargs.insert(m->kwargs.at(i - argNames.size()).first, args.at(i));
            args = args.mid(0, argNames.size());
        } else {
            for (qsizetype i = args.size(); i < argNames.size(); ++i)
                args.append(kwargs.take(argNames.at(i)));
        }
        Frame frame;
        for (qsizetype i = 0; i < argNames.size(); ++i)
            frame.vars.insert(argNames.at(i), args.value(i));
        if (kwargs.contains(QStringLiteral("caller")))
            frame.vars.insert(QStringLiteral("caller"), kwargs.value(QStringLiteral("caller")));
        for (const auto& kw : m->kwargs)
            frame.vars.insert(kw.first, kwargs.contains(kw.first) ? kwargs.value(kw.first) : eval(kw.second, frame));
        const qsizetype savedStart = tagStart;
        const qsizetype savedEnd = tagEnd;
        QString out;
        Depth depth(*this, pos);
        renderList(m->body, frame, out);
        tagStart = savedStart;
        tagEnd = savedEnd;
        return Value::safeString(out); // macros return a SafeString
    }

    Value callCompat(const QString& name, const Value& self, const Args& args, qsizetype pos)
    {
        const Value a0 = args.value(0);
        if (self.isArray()) {
            const Value::List& items = self.list();
            qsizetype found = -1;
            qsizetype count = 0;
            for (qsizetype i = 0; i < items.size(); ++i) {
                if (jsStrictEquals(items.at(i), a0)) {
                    if (found < 0)
                        found = i;
                    ++count;
                }
            }
            if (name == QLatin1String("count"))
                return Value(double(count));
            if (name == QLatin1String("find"))
                return Value(double(found));
            if (name == QLatin1String("index")) {
                if (found < 0)
                    fail(pos, QStringLiteral("ValueError"));
                return Value(double(found));
            }
        } else if (self.isObject()) {
            const Value::Object& obj = self.object();
            if (name == QLatin1String("items") || name == QLatin1String("iteritems")) {
                Value::List out;
                for (const QString& k : obj.keys)
                    out.append(Value::array({ Value(k), obj.value(k) }));
                return Value::array(std::move(out));
            }
            if (name == QLatin1String("values") || name == QLatin1String("itervalues")) {
                Value::List out;
                for (const QString& k : obj.keys)
                    out.append(obj.value(k));
                return Value::array(std::move(out));
            }
            if (name == QLatin1String("keys") || name == QLatin1String("iterkeys")) {
                Value::List out;
                for (const QString& k : obj.keys)
                    out.append(Value(k));
                return Value::array(std::move(out));
            }
            if (name == QLatin1String("get")) {
                const Value v = member(self, a0);
                return v.isUndefined() ? args.value(1) : v;
            }
            if (name == QLatin1String("has_key"))
                return Value(obj.contains(a0.toJsString()));
        }
        fail(pos, QStringLiteral("%1() changes a value, which a template cannot do").arg(name));
    }

    static std::pair<qsizetype, qsizetype> sliceBounds(qsizetype len, const Args& args)
    {
        const auto rel = [len](const Value& v, qsizetype dflt) -> qsizetype {
            if (v.isUndefined())
                return dflt;
            double d = v.toJsNumber();
            if (std::isnan(d))
                d = 0;
            d = std::trunc(d);
            if (d < 0)
                return qsizetype(std::max(0.0, double(len) + d));
            return qsizetype(std::min(d, double(len)));
        };
        return { rel(args.value(0), 0), rel(args.value(1), len) };
    }

    static QString trimJs(const QString& s, bool start, bool end)
    {
        qsizetype b = 0;
        qsizetype e = s.size();
        if (start)
            while (b < e && isJsSpace(s.at(b)))
                ++b;
        if (end)
            while (e > b && isJsSpace(s.at(e - 1)))
                --e;
        return s.mid(b, e - b);
    }

    QString arrayJoin(const Value::List& items, const QString& sep)
    {
        QString out;
        for (qsizetype i = 0; i < items.size(); ++i) {
            if (i > 0)
                out += sep;
            if (!items.at(i).isNullish())
                out += text(items.at(i));
            guardSize(out);
        }
        return out;
    }

    void guardSize(const QString& s)
    {
        if (s.size() > m_options.maxOutputChars)
            fail(-1, QStringLiteral("a string larger than %1 characters").arg(m_options.maxOutputChars));
    }

    // String(v), bounded: an array's text joins its elements.
    QString text(const Value& v)
    {
        if (v.isArray()) {
            Depth depth(*this, -1);
            return arrayJoin(v.list(), QStringLiteral(","));
        }
        return v.toJsString();
    }

    // lib.map(obj, v => v): arrays copy, strings split, others are array-likes of their length.
    Value::List toList(const Value& v)
    {
        if (v.isArray())
            return v.list();
        Value::List out;
        if (v.isString()) {
            for (const QChar c : v.string()) {
                step(-1);
                out.append(Value(QString(c)));
            }
        }
        return out;
    }

    // nunjucks' normalize(value, ''): null, undefined and false become ''.
    static Value normalize(const Value& v)
    {
        if (v.isNullish() || (v.isBool() && !v.boolValue()))
            return Value(QString());
        return v;
    }

    [[noreturn]] static void typeError(qsizetype pos, const QString& filter, const Value& v, const QString& need)
    {
        fail(pos, QStringLiteral("the %1 filter needs %2, got %3").arg(filter, need, typeName(v)));
    }

    QString needString(const QString& filter, const Value& v, qsizetype pos)
    {
        if (!v.isString())
            typeError(pos, filter, v, QStringLiteral("a string"));
        return v.string();
    }

    // A SafeString is an object: filters built on String.prototype methods see its text (and
    // copySafeness keeps the result safe), filters that inspect objects see {val, length}, and
    // array-like ones see `length` holes.
    Value callFilter(const QString& name, Args args, const QList<QPair<QString, Value>>& kwargs, qsizetype pos)
    {
        const Value v = args.value(0);
        if (!v.isSafeString())
            return callFilterImpl(name, args, kwargs, pos);
        static const QStringList copySafeness = { QStringLiteral("capitalize"), QStringLiteral("center"),
            QStringLiteral("indent"), QStringLiteral("nl2br"), QStringLiteral("replace"), QStringLiteral("string"),
            QStringLiteral("striptags"), QStringLiteral("title"), QStringLiteral("trim"), QStringLiteral("truncate") };
        static const QStringList asText = { QStringLiteral("lower"), QStringLiteral("upper"),
            QStringLiteral("wordcount"), QStringLiteral("int"), QStringLiteral("float"), QStringLiteral("length"),
            QStringLiteral("parseRepoUrl"), QStringLiteral("projectSlug") };
        static const QStringList asObject
            = { QStringLiteral("list"), QStringLiteral("urlencode"), QStringLiteral("dictsort") };
        static const QStringList asArrayLike = { QStringLiteral("reverse"), QStringLiteral("sort"),
            QStringLiteral("batch"), QStringLiteral("slice"), QStringLiteral("groupby") };
        if (name == QLatin1String("escape") || name == QLatin1String("e") || name == QLatin1String("safe"))
            return v;
        if (name == QLatin1String("forceescape"))
            return Value::safeString(escapeHtml(v.string()));
        if (name == QLatin1String("select") || name == QLatin1String("reject"))
            return Value::array({}); // Array.prototype.filter skips the holes
        if (copySafeness.contains(name)) {
            args[0] = Value(v.string());
            const Value r = callFilterImpl(name, args, kwargs, pos);
            if (name == QLatin1String("replace") && args.value(1).isRegex())
                return r; // str.replace(regex) returns a primitive
            return r.isString() ? Value::safeString(r.string()) : r;
        }
        if (asText.contains(name))
            args[0] = Value(v.string());
        else if (asObject.contains(name))
            args[0] = v.safeStringObject();
        else if (asArrayLike.contains(name))
            args[0] = Value::array(Value::List(v.string().size()));
        return callFilterImpl(name, args, kwargs, pos);
    }

    Value callFilterImpl(const QString& name, Args args, const QList<QPair<QString, Value>>& kwargs, qsizetype pos)
    {
        // Keyword arguments: only the makeMacro filters (sort, int) take them by name; others
        // receive one trailing object, as nunjucks passes them.
        if (!kwargs.isEmpty()) {
            QStringList params;
            if (name == QLatin1String("sort"))
                params = { QStringLiteral("value"), QStringLiteral("reverse"), QStringLiteral("case_sensitive"),
                    QStringLiteral("attribute") };
            else if (name == QLatin1String("int"))
                params = { QStringLiteral("value"), QStringLiteral("default"), QStringLiteral("base") };
            if (params.isEmpty()) {
                Value::Object kw;
                for (const auto& p : kwargs)
                    kw.insert(p.first, p.second);
                args.append(Value::object(std::move(kw)));
            } else {
                for (const auto& p : kwargs) {
                    const qsizetype i = params.indexOf(p.first);
                    if (i < 0)
                        fail(pos, QStringLiteral("the %1 filter has no argument %2").arg(name, p.first));
                    while (args.size() <= i)
                        args.append(Value());
                    args[i] = p.second;
                }
            }
        }
        const Value v = args.value(0);
        const auto arg = [&](int i) { return args.value(i); };

        if (name == QLatin1String("default") || name == QLatin1String("d")) {
            if (arg(2).truthy())
                return v.truthy() ? v : arg(1);
            return !v.isUndefined() ? v : arg(1);
        }
        if (name == QLatin1String("lower") || name == QLatin1String("upper")) {
            const Value s = normalize(v);
            if (!s.isString())
                typeError(pos, name, v, QStringLiteral("a string"));
            return Value(name == QLatin1String("lower") ? s.string().toLower() : s.string().toUpper());
        }
        if (name == QLatin1String("capitalize"))
            return Value(capitalize(needString(name, normalize(v), pos)));
        if (name == QLatin1String("title")) {
            const QStringList words = needString(name, normalize(v), pos).split(QLatin1Char(' '));
            QStringList out;
            for (const QString& w : words)
                out.append(capitalize(w));
            return Value(out.join(QLatin1Char(' ')));
        }
        if (name == QLatin1String("trim"))
            return Value(trimJs(needString(name, v, pos), true, true));
        if (name == QLatin1String("replace"))
            return filterReplace(v, arg(1), arg(2), arg(3), pos);
        if (name == QLatin1String("join")) {
            const QString sep = arg(1).truthy() ? arg(1).toJsString() : QString();
            if (!v.isArray())
                typeError(pos, name, v, QStringLiteral("an array"));
            Value::List items = v.list();
            if (arg(2).truthy())
                for (Value& item : items)
                    item = member(item, arg(2));
            return Value(arrayJoin(items, sep));
        }
        if (name == QLatin1String("length")) {
            const Value n = normalize(v);
            if (n.isObject())
                return Value(double(n.object().keys.size()));
            if (n.isArray())
                return Value(double(n.list().size()));
            if (n.isString())
                return Value(double(n.string().size()));
            return {};
        }
        if (name == QLatin1String("first") || name == QLatin1String("last")) {
            if (v.isNullish())
                fail(pos, QStringLiteral("the %1 filter got %2").arg(name, typeName(v)));
            if (name == QLatin1String("first"))
                return member(v, Value(0));
            const Value len = member(v, Value(QStringLiteral("length")));
            return member(v, Value(len.toJsNumber() - 1));
        }
        if (name == QLatin1String("dump") || name == QLatin1String("jsonify")) {
            QString indent;
            const Value sp = arg(1);
            if (sp.isNumber()) {
                const double n = std::min(10.0, std::trunc(sp.number()));
                if (n >= 1)
                    indent = QString(qsizetype(n), QLatin1Char(' '));
            } else if (sp.isString()) {
                indent = sp.string().left(10);
            }
            const QString json = jsonStringify(v, indent);
            return json.isNull() ? Value() : Value(json);
        }
        if (name == QLatin1String("string")) {
            if (v.isNullish())
                fail(pos, QStringLiteral("the string filter got %1").arg(typeName(v)));
            return Value(v.toJsString());
        }
        if (name == QLatin1String("int")) {
            const double base = arg(2).isUndefined() ? 10 : arg(2).toJsNumber();
            const double r = jsParseInt(v.toJsString(), int(base));
            return std::isnan(r) ? arg(1) : Value(r);
        }
        if (name == QLatin1String("float")) {
            const double r = jsParseFloat(v.toJsString());
            return std::isnan(r) ? arg(1) : Value(r);
        }
        if (name == QLatin1String("list")) {
            if (v.isString())
                return Value::array(toList(v));
            if (v.isObject()) {
                Value::List out;
                for (const QString& k : v.object().keys) {
                    Value::Object pair;
                    pair.insert(QStringLiteral("key"), Value(k));
                    pair.insert(QStringLiteral("value"), v.object().value(k));
                    out.append(Value::object(std::move(pair)));
                }
                return Value::array(std::move(out));
            }
            if (v.isArray())
                return v;
            fail(pos, QStringLiteral("list filter: type not iterable"));
        }
        if (name == QLatin1String("safe"))
            return Value::safeString(v.isNullish() ? QString() : text(v));
        if (name == QLatin1String("escape") || name == QLatin1String("e") || name == QLatin1String("forceescape"))
            return Value::safeString(escapeHtml(v.isNullish() ? QString() : text(v)));
        if (name == QLatin1String("indent")) {
            const Value s = normalize(v);
            if (s.isString() && s.string().isEmpty())
                return Value(QString());
            const QString str = needString(name, s, pos);
            double width = arg(1).truthy() ? arg(1).toJsNumber() : 4;
            if (width > 1000)
                fail(pos, QStringLiteral("indent width too large"));
            const QString sp(qsizetype(std::max(0.0, std::ceil(width))), QLatin1Char(' '));
            const QStringList lines = str.split(QLatin1Char('\n'));
            if (double(str.size()) + double(lines.size()) * double(sp.size()) > double(m_options.maxOutputChars))
                fail(pos, QStringLiteral("indented text larger than %1 characters").arg(m_options.maxOutputChars));
            QString out;
            for (qsizetype i = 0; i < lines.size(); ++i) {
                if (i > 0)
                    out += QLatin1Char('\n');
                out += (i == 0 && !arg(2).truthy()) ? lines.at(i) : sp + lines.at(i);
            }
            return Value(out);
        }
        if (name == QLatin1String("truncate")) {
            const Value in = normalize(v);
            const double length = arg(1).truthy() ? arg(1).toJsNumber() : 255;
            if (lessOrEqual(member(in, Value(QStringLiteral("length"))), Value(length)))
                return in;
            const QString s = needString(name, in, pos);
            QString out;
            const qsizetype len = qsizetype(std::max(0.0, length));
            if (arg(2).truthy()) {
                out = s.left(len);
            } else {
                qsizetype idx = s.lastIndexOf(QLatin1Char(' '), len);
                if (idx == -1)
                    idx = len;
                out = s.left(idx);
            }
            out += arg(3).isNullish() ? QStringLiteral("...") : arg(3).toJsString();
            return Value(out);
        }
        if (name == QLatin1String("urlencode")) {
            if (v.isString())
                return Value(encodeUriComponent(v.string()));
            QStringList pairs;
            if (v.isArray()) {
                for (const Value& kv : v.list()) {
                    if (kv.isNullish()) // destructuring [k, v] of undefined
                        fail(pos,
                            QStringLiteral("the urlencode filter needs [key, value] pairs, got %1").arg(typeName(kv)));
                    pairs.append(encodeUriComponent(member(kv, Value(0)).toJsString()) + QLatin1Char('=')
                        + encodeUriComponent(member(kv, Value(1)).toJsString()));
                }
            } else if (v.isObject()) {
                for (const QString& k : v.object().keys)
                    pairs.append(encodeUriComponent(k) + QLatin1Char('=')
                        + encodeUriComponent(v.object().value(k).toJsString()));
            }
            return Value(pairs.join(QLatin1Char('&')));
        }
        if (name == QLatin1String("sort")) {
            Value::List items = toList(v);
            const bool reversed = arg(1).truthy();
            const bool caseSensitive = arg(2).truthy();
            const Value attr = arg(3);
            const QStringList attrPath = attr.truthy() ? attr.toJsString().split(QLatin1Char('.')) : QStringList();
            const auto key = [&](const Value& item) {
                Value x = item;
                for (const QString& p : attrPath)
                    x = member(x, Value(p));
                return x;
            };
            std::stable_sort(items.begin(), items.end(), [&](const Value& a, const Value& b) {
                Value x = attr.truthy() ? key(a) : a;
                Value y = attr.truthy() ? key(b) : b;
                if (!caseSensitive && x.isString() && y.isString()) {
                    x = Value(x.string().toLower());
                    y = Value(y.string().toLower());
                }
                return reversed ? jsLessThan(y, x) : jsLessThan(x, y);
            });
            return Value::array(std::move(items));
        }
        if (name == QLatin1String("reverse")) {
            Value::List items = toList(v);
            std::reverse(items.begin(), items.end());
            if (v.isString())
                return Value(arrayJoin(items, QString()));
            return Value::array(std::move(items));
        }
        if (name == QLatin1String("wordcount")) {
            const Value s = normalize(v);
            if (!s.truthy())
                return Value::null();
            const QString str = needString(name, s, pos);
            static const QRegularExpression word(QStringLiteral("[A-Za-z0-9_]+"));
            qsizetype count = 0;
            for (auto it = word.globalMatch(str); it.hasNext(); it.next())
                ++count;
            return count ? Value(double(count)) : Value::null();
        }
        if (name == QLatin1String("striptags")) {
            const QString str = needString(name, normalize(v), pos);
            static const QRegularExpression tags(QStringLiteral("<\\/?([a-z][a-z0-9]*)\\b[^>]*>|<!--[\\s\\S]*?-->"),
                QRegularExpression::CaseInsensitiveOption);
            QString trimmed = trimJs(QString(str).remove(tags), true, true);
            if (arg(1).truthy()) {
                static const QRegularExpression edgeSpaces(
                    QStringLiteral("^ +| +$"), QRegularExpression::MultilineOption);
                static const QRegularExpression spaces(QStringLiteral(" +"));
                static const QRegularExpression breaks(QStringLiteral("\\n\\n\\n+"));
                trimmed.remove(edgeSpaces)
                    .replace(spaces, QStringLiteral(" "))
                    .replace(QStringLiteral("\r\n"), QStringLiteral("\n"))
                    .replace(breaks, QStringLiteral("\n\n"));
                return Value(trimmed);
            }
            QString out;
            bool inSpace = false;
            for (const QChar c : trimmed) {
                if (isJsSpace(c)) {
                    if (!inSpace)
                        out += QLatin1Char(' ');
                    inSpace = true;
                } else {
                    out += c;
                    inSpace = false;
                }
            }
            return Value(out);
        }
        if ((name == QLatin1String("batch") || name == QLatin1String("slice") || name == QLatin1String("groupby"))
            && v.isNullish()) // arr.length
            fail(pos, QStringLiteral("the %1 filter got %2").arg(name, typeName(v)));
        if (name == QLatin1String("batch")) {
            const Value::List items = toList(v);
            const double count = arg(1).toJsNumber();
            if (!(count >= 1))
                fail(pos, QStringLiteral("the batch filter needs a positive size"));
            Value::List res;
            Value::List tmp;
            for (qsizetype i = 0; i < items.size(); ++i) {
                if (std::fmod(double(i), count) == 0 && !tmp.isEmpty()) {
                    res.append(Value::array(tmp));
                    tmp.clear();
                }
                tmp.append(items.at(i));
            }
            if (!tmp.isEmpty()) {
                if (arg(2).truthy()) {
                    for (qsizetype i = tmp.size(); i < count; ++i) {
                        step(pos);
                        tmp.append(arg(2));
                    }
                }
                res.append(Value::array(tmp));
            }
            return Value::array(std::move(res));
        }
        if (name == QLatin1String("abs"))
            return Value(std::fabs(v.toJsNumber()));
        if (name == QLatin1String("round")) {
            const double factor = jsPow(10.0, arg(1).truthy() ? arg(1).toJsNumber() : 0.0);
            const QString method = arg(2).toJsString();
            const double x = v.toJsNumber() * factor;
            const double r = method == QLatin1String("ceil") ? std::ceil(x)
                : method == QLatin1String("floor")           ? std::floor(x)
                                                             : jsRound(x);
            return Value(r / factor);
        }
        if (name == QLatin1String("sum")) {
            // Without an attribute nunjucks calls arr.reduce, which only arrays have.
            if (!arg(1).truthy() && !v.isArray())
                typeError(pos, name, v, QStringLiteral("an array"));
            Value::List items = toList(v);
            if (arg(1).truthy())
                for (Value& item : items)
                    item = member(item, arg(1));
            Value acc(0);
            for (const Value& item : items)
                acc = add(acc, item);
            return add(arg(2).isUndefined() ? Value(0) : arg(2), acc);
        }
        if (name == QLatin1String("center")) {
            // Generic JavaScript: `str.length >= width`, then spaces + str + spaces (so arrays
            // and numbers work too).
            const Value s = normalize(v);
            const Value lengthValue = member(s, Value(QStringLiteral("length")));
            const double width = arg(1).truthy() ? arg(1).toJsNumber() : 80;
            if (lessOrEqual(Value(width), lengthValue))
                return s;
            if (width > 100000)
                fail(pos, QStringLiteral("center width too large"));
            const double spaces = width - lengthValue.toJsNumber();
            const auto repeat = [](double n) {
                return std::isnan(n) ? QString() : QString(qsizetype(std::max(0.0, std::ceil(n))), QLatin1Char(' '));
            };
            return Value(repeat(spaces / 2 - std::fmod(spaces, 2)) + text(s) + repeat(spaces / 2));
        }
        if (name == QLatin1String("nl2br")) {
            if (v.isNullish())
                return Value(QString());
            QString s = needString(name, v, pos);
            static const QRegularExpression nl(QStringLiteral("\\r\\n|\\n"));
            return Value(s.replace(nl, QStringLiteral("<br />\n")));
        }
        if (name == QLatin1String("select") || name == QLatin1String("reject")) {
            const QString test = arg(1).isUndefined() ? QStringLiteral("truthy") : arg(1).toJsString();
            const bool expected = name == QLatin1String("select");
            if (v.isNullish())
                fail(pos, QStringLiteral("the %1 filter got %2").arg(name, typeName(v)));
            Value::List out;
            for (const Value& item : toList(v))
                if (runTest(test, { item, arg(2) }, pos) == expected)
                    out.append(item);
            return Value::array(std::move(out));
        }
        if (name == QLatin1String("selectattr") || name == QLatin1String("rejectattr")) {
            if (!v.isArray())
                typeError(pos, name, v, QStringLiteral("an array"));
            const bool expected = name == QLatin1String("selectattr");
            Value::List out;
            for (const Value& item : v.list()) {
                if (item.isNullish())
                    fail(pos, QStringLiteral("the %1 filter met %2 in the array").arg(name, typeName(item)));
                if (member(item, arg(1)).truthy() == expected)
                    out.append(item);
            }
            return Value::array(std::move(out));
        }
        if (name == QLatin1String("dictsort")) {
            if (!v.isObject())
                fail(pos, QStringLiteral("dictsort filter: val must be an object"));
            const QString by = arg(2).isUndefined() ? QStringLiteral("key") : arg(2).toJsString();
            if (by != QLatin1String("key") && by != QLatin1String("value"))
                fail(pos, QStringLiteral("dictsort filter: You can only sort by either key or value"));
            const int si = by == QLatin1String("key") ? 0 : 1;
            Value::List pairs;
            for (const QString& k : v.object().keys)
                pairs.append(Value::array({ Value(k), v.object().value(k) }));
            const bool caseSensitive = arg(1).truthy();
            std::stable_sort(pairs.begin(), pairs.end(), [&](const Value& t1, const Value& t2) {
                Value a = t1.list().at(si);
                Value b = t2.list().at(si);
                if (!caseSensitive) {
                    if (a.isString())
                        a = Value(a.string().toUpper());
                    if (b.isString())
                        b = Value(b.string().toUpper());
                }
                // nunjucks: a > b ? 1 : a === b ? 0 : -1
                return !jsLessThan(b, a) && !jsStrictEquals(a, b);
            });
            return Value::array(std::move(pairs));
        }
        if (name == QLatin1String("slice")) {
            const Value::List items = toList(v);
            const double slices = arg(1).toJsNumber();
            if (!(slices >= 1) || slices > 100000)
                fail(pos, QStringLiteral("the slice filter needs a positive count"));
            const qsizetype n = qsizetype(slices);
            const qsizetype sliceLength = items.size() / n;
            const qsizetype extra = items.size() % n;
            Value::List res;
            qsizetype offset = 0;
            for (qsizetype i = 0; i < n; ++i) {
                const qsizetype start = offset + i * sliceLength;
                if (i < extra)
                    ++offset;
                const qsizetype end = offset + (i + 1) * sliceLength;
                Value::List cur = items.mid(start, std::max<qsizetype>(0, end - start));
                if (arg(2).truthy() && i >= extra)
                    cur.append(arg(2));
                res.append(Value::array(std::move(cur)));
            }
            return Value::array(std::move(res));
        }
        if (name == QLatin1String("parseRepoUrl"))
            return parseRepoUrl(v, pos);
        if (name == QLatin1String("projectSlug")) {
            const Value parsed = parseRepoUrl(v, pos);
            return Value(parsed.object().value(QStringLiteral("owner")).toJsString() + QLatin1Char('/')
                + parsed.object().value(QStringLiteral("repo")).toJsString());
        }
        if (name == QLatin1String("parseEntityRef"))
            return parseEntityRef(v, arg(1), pos);
        if (name == QLatin1String("pick")) {
            Value cur = v;
            for (const QString& part : lodashPath(arg(1).toJsString())) {
                if (cur.isNullish())
                    return {};
                cur = member(cur, Value(part));
            }
            return cur.isFunction() ? Value() : cur;
        }
        if (name == QLatin1String("groupby")) {
            // lib.groupBy: keys are String(attribute value); integer-like keys come first, as in
            // any JavaScript object.
            Value::Object groups;
            const QStringList parts = arg(1).toJsString().split(QLatin1Char('.'));
            for (const Value& item : toList(v)) {
                Value key = item;
                for (const QString& part : parts) {
                    if (key.isObject() ? !key.object().contains(part) : member(key, Value(part)).isUndefined()) {
                        key = Value();
                        break;
                    }
                    key = member(key, Value(part));
                }
                const QString k = text(key);
                Value::List list = groups.value(k).list();
                list.append(item);
                groups.insert(k, Value::array(std::move(list)));
            }
            QStringList indexKeys;
            QStringList otherKeys;
            for (const QString& k : groups.keys) {
                bool ok = false;
                const uint idx = k.toUInt(&ok);
                (ok && QString::number(idx) == k && idx != 4294967295u ? indexKeys : otherKeys).append(k);
            }
            std::sort(indexKeys.begin(), indexKeys.end(),
                [](const QString& a, const QString& b) { return a.toUInt() < b.toUInt(); });
            groups.keys = indexKeys + otherKeys;
            return Value::object(std::move(groups));
        }
        if (m_options.filters.contains(name))
            return m_options.filters.value(name)(args);
        fail(pos, QStringLiteral("filter not found: %1").arg(name));
    }

    static QString capitalize(const QString& s)
    {
        const QString lower = s.toLower();
        if (lower.isEmpty())
            return lower;
        return lower.left(1).toUpper() + lower.mid(1);
    }

    Value filterReplace(const Value& str, const Value& old, const Value& repl, const Value& maxCountArg, qsizetype pos)
    {
        if (old.isRegex()) {
            if (!str.isString())
                fail(pos, QStringLiteral("the replace filter needs a string, got %1").arg(typeName(str)));
            return Value(regexReplace(str.string(), old, repl.toJsString(), m_options.maxOutputChars));
        }
        double maxCount = maxCountArg.isUndefined() ? -1 : maxCountArg.toJsNumber();
        QString needle;
        if (old.isNumber())
            needle = jsNumberToString(old.number());
        else if (old.isString())
            needle = old.string();
        else
            return str;
        QString s;
        if (str.isNumber())
            s = jsNumberToString(str.number());
        else if (str.isString())
            s = str.string();
        else
            return str;
        const QString with = repl.toJsString();
        if (needle.isEmpty()) {
            if (double(s.size() + 1) * double(with.size()) + double(s.size()) > double(m_options.maxOutputChars))
                fail(pos, QStringLiteral("replacement result larger than %1 characters").arg(m_options.maxOutputChars));
            QString res = with;
            for (qsizetype i = 0; i < s.size(); ++i) {
                if (i > 0)
                    res += with;
                res += s.at(i);
            }
            return Value(res + with);
        }
        qsizetype next = s.indexOf(needle);
        if (maxCount == 0 || next == -1)
            return Value(s);
        QString res;
        qsizetype at = 0;
        double count = 0;
        while (next > -1 && (maxCount == -1 || count < maxCount)) {
            res += QStringView(s).mid(at, next - at);
            res += with;
            guardSize(res);
            at = next + needle.size();
            ++count;
            next = s.indexOf(needle, at);
        }
        if (at < s.size())
            res += QStringView(s).mid(at);
        return Value(res);
    }

    Value parseRepoUrl(const Value& v, qsizetype pos) const
    {
        const QString url = v.toJsString();
        const QString full = QStringLiteral("https://") + url;
        // WHATWG URL, as far as host and query go.
        qsizetype end = url.size();
        for (const QChar c : { QLatin1Char('/'), QLatin1Char('?'), QLatin1Char('#'), QLatin1Char('\\') }) {
            const qsizetype i = url.indexOf(c);
            if (i >= 0 && i < end)
                end = i;
        }
        QString authority = url.left(end);
        const qsizetype at = authority.lastIndexOf(QLatin1Char('@'));
        if (at >= 0)
            authority = authority.mid(at + 1);
        QString host = authority.toLower();
        if (host.endsWith(QLatin1String(":443")))
            host.chop(4);
        static const QRegularExpression validHost(QStringLiteral("^[^\\s#%/:<>?@\\[\\\\\\]^|]+(:\\d*)?$"));
        if (host.isEmpty() || !validHost.match(host).hasMatch())
            fail(pos, QStringLiteral("Invalid repo URL passed to publisher, got %1, TypeError: Invalid URL").arg(url));
        if (host.endsWith(QLatin1Char(':')))
            host.chop(1);
        QHash<QString, QString> integrations = m_options.integrationsByHost;
        if (integrations.isEmpty()) {
            integrations.insert(QStringLiteral("github.com"), QStringLiteral("github"));
            integrations.insert(QStringLiteral("gitlab.com"), QStringLiteral("gitlab"));
            integrations.insert(QStringLiteral("bitbucket.org"), QStringLiteral("bitbucketCloud"));
            integrations.insert(QStringLiteral("dev.azure.com"), QStringLiteral("azure"));
        }
        const QString type = integrations.value(host);
        if (type.isEmpty())
            fail(pos,
                QStringLiteral(
                    "No matching integration configuration for host %1, please check your integrations config")
                    .arg(host));
        QHash<QString, QString> params;
        const qsizetype q = url.indexOf(QLatin1Char('?'), end);
        if (q >= 0) {
            QString query = url.mid(q + 1);
            const qsizetype hash = query.indexOf(QLatin1Char('#'));
            if (hash >= 0)
                query.truncate(hash);
            for (const QString& pair : query.split(QLatin1Char('&'), Qt::SkipEmptyParts)) {
                const qsizetype eq = pair.indexOf(QLatin1Char('='));
                const auto decode = [](QString s) {
                    s.replace(QLatin1Char('+'), QLatin1Char(' '));
                    return QUrl::fromPercentEncoding(s.toUtf8());
                };
                const QString key = decode(eq < 0 ? pair : pair.left(eq));
                if (!params.contains(key))
                    params.insert(key, decode(eq < 0 ? QString() : pair.mid(eq + 1)));
            }
        }
        const auto param = [&](const QString& k) -> Value {
            if (!params.contains(k))
                return {};
            QString s = params.value(k);
            while (s.startsWith(QLatin1Char('/')))
                s.remove(0, 1);
            while (s.endsWith(QLatin1Char('/')))
                s.chop(1);
            return Value(s);
        };
        const auto need = [&](const QStringList& names) {
            for (const QString& n : names)
                if (!param(n).truthy())
                    fail(pos,
                        QStringLiteral("Invalid repo URL passed to publisher: %1, missing %2").arg(full.mid(8), n));
        };
        if (type == QLatin1String("bitbucketCloud"))
            need({ QStringLiteral("workspace"), QStringLiteral("project"), QStringLiteral("repo") });
        else if (type == QLatin1String("bitbucketServer") || type == QLatin1String("azure"))
            need({ QStringLiteral("project"), QStringLiteral("repo") });
        else if (type == QLatin1String("gitlab")) {
            if (!param(QStringLiteral("project")).truthy())
                need({ QStringLiteral("owner"), QStringLiteral("repo") });
        } else if (type == QLatin1String("gitea") || type == QLatin1String("gerrit"))
            need({ QStringLiteral("repo") });
        else
            need({ QStringLiteral("repo"), QStringLiteral("owner") });
        Value::Object out;
        out.insert(QStringLiteral("host"), Value(host));
        for (const QString& k : { QStringLiteral("owner"), QStringLiteral("repo"), QStringLiteral("organization"),
                 QStringLiteral("workspace"), QStringLiteral("project") }) {
            const Value p = param(k);
            if (!p.isUndefined())
                out.insert(k, p);
        }
        return Value::object(std::move(out));
    }

    static Value parseEntityRef(const Value& ref, const Value& context, qsizetype pos)
    {
        if (!ref.truthy())
            fail(pos, QStringLiteral("Entity reference must not be empty"));
        const Value defaultKind = member(context, Value(QStringLiteral("defaultKind")));
        const Value ctxNamespace = member(context, Value(QStringLiteral("defaultNamespace")));
        const Value defaultNamespace = ctxNamespace.truthy() ? ctxNamespace : Value(QStringLiteral("default"));
        Value kind, ns, name;
        if (ref.isString()) {
            const QString& s = ref.string();
            qsizetype colon = s.indexOf(QLatin1Char(':'));
            const qsizetype slash = s.indexOf(QLatin1Char('/'));
            if (slash != -1 && slash < colon)
                colon = -1;
            const Value k = colon == -1 ? Value() : Value(s.left(colon));
            const Value n = slash == -1 ? Value() : Value(s.mid(colon + 1, slash - colon - 1));
            const QString nm = s.mid(std::max(colon + 1, slash + 1));
            if ((k.isString() && k.string().isEmpty()) || (n.isString() && n.string().isEmpty()) || nm.isEmpty())
                fail(pos,
                    QStringLiteral("Entity reference \"%1\" was not on the form [<kind>:][<namespace>/]<name>").arg(s));
            kind = k.isUndefined() ? defaultKind : k;
            ns = n.isUndefined() ? defaultNamespace : n;
            name = Value(nm);
        } else {
            const Value k = member(ref, Value(QStringLiteral("kind")));
            const Value n = member(ref, Value(QStringLiteral("namespace")));
            kind = k.isNullish() ? defaultKind : k;
            ns = n.isNullish() ? defaultNamespace : n;
            name = member(ref, Value(QStringLiteral("name")));
        }
        const QString textual = jsonStringify(ref);
        if (!kind.truthy())
            fail(pos,
                QStringLiteral(
                    "Entity reference %1 had missing or empty kind (e.g. did not start with \"component:\" or similar)")
                    .arg(textual));
        if (!ns.truthy())
            fail(pos, QStringLiteral("Entity reference %1 had missing or empty namespace").arg(textual));
        if (!name.truthy())
            fail(pos, QStringLiteral("Entity reference %1 had missing or empty name").arg(textual));
        Value::Object out;
        out.insert(QStringLiteral("kind"), kind);
        out.insert(QStringLiteral("namespace"), ns);
        out.insert(QStringLiteral("name"), name);
        return Value::object(std::move(out)).jsonNormalized(); // crosses the sandbox as JSON
    }

    const RenderOptions& m_options;
    Value m_context;
    QHash<QString, Value> m_contextVars;
    QList<NodePtr> m_macros;
    QHash<const Node*, Value> m_macroValues;
    int m_depth = 0;
    qint64 m_steps = 0;
};

void lineColumn(const QString& text, qsizetype pos, int& line, int& column)
{
    pos = std::clamp<qsizetype>(pos, 0, text.size());
    line = 1;
    qsizetype lineStart = 0;
    for (qsizetype i = 0; i < pos; ++i) {
        if (text.at(i) == QLatin1Char('\n')) {
            ++line;
            lineStart = i + 1;
        }
    }
    column = int(pos - lineStart) + 1;
}

QString snippet(const QString& text, qsizetype start, qsizetype end)
{
    if (start < 0)
        return {};
    if (end <= start) {
        // Up to the end of the tag's line.
        end = text.indexOf(QLatin1Char('\n'), start);
        if (end < 0)
            end = text.size();
    }
    QString s = text.mid(start, std::min<qsizetype>(end - start, 200));
    if (end - start > 200)
        s += QStringLiteral("…");
    return s;
}

// nunjucks compiles the whole tree before rendering, so some errors (unknown filters, bad dict
// keys, `x[]`) fail a template even in branches that never run; but the right side of `is` is
// only read for its name (and a call's arguments), never compiled.
//
// It also binds macro names as its compiler does: after `{% macro m %}`, a later `m` in the same
// compile frame (the template or macro body, and for loops in it) is that macro's variable,
// whatever the context's `m` becomes (a macro defined inside a macro body sets the context's).
struct CompileScope
{
    QHash<QString, const Node*> names; // nullptr: a loop variable or argument that shadows
    const CompileScope* parent = nullptr;
};

void validate(const NodePtr& n, CompileScope& scope)
{
    if (!n)
        return;
    if (!n->compileError.isEmpty())
        fail(n->pos, n->compileError);
    switch (n->kind) {
    case Kind::Is: {
        validate(n->children.at(0), scope);
        const NodePtr& right = n->children.at(1);
        if (right->kind == Kind::FunCall || right->kind == Kind::Filter)
            for (const NodePtr& c : right->children)
                validate(c, scope);
        return;
    }
    case Kind::Symbol:
        for (const CompileScope* s = &scope; s; s = s->parent) {
            const auto it = s->names.constFind(n->value.string());
            if (it != s->names.constEnd()) {
                n->boundMacro = it.value();
                break;
            }
        }
        return;
    case Kind::For: {
        CompileScope inner;
        inner.parent = &scope;
        validate(n->cond, inner);
        for (const QString& name : n->ops)
            inner.names.insert(name, nullptr);
        validate(n->body, inner);
        validate(n->elseBody, inner);
        return;
    }
    case Kind::Macro: {
        CompileScope body;
        for (const QString& arg : n->ops)
            body.names.insert(arg, nullptr);
        for (const auto& kw : n->kwargs)
            validate(kw.second, body);
        validate(n->body, body);
        scope.names.insert(n->value.string(), n.get());
        return;
    }
    default:
        break;
    }
    for (const NodePtr& c : n->children)
        validate(c, scope);
    for (const auto& kw : n->kwargs)
        validate(kw.second, scope);
    validate(n->cond, scope);
    validate(n->body, scope);
    validate(n->elseBody, scope);
}

struct Parsed
{
    NodePtr root;
    std::optional<RenderError> error;
};

Parsed parse(const QString& text, const RenderOptions& options)
{
    Tags tags;
    if (options.cookiecutterCompat)
        tags.variableStart = QStringLiteral("{{");
    Lexer lexer(text, tags, options.trimBlocks, options.lstripBlocks);
    Parser parser(lexer, options);
    try {
        NodePtr root = parser.parseRoot();
        CompileScope scope;
        validate(root, scope);
        return { root, std::nullopt };
    } catch (const Failure& f) {
        RenderError e;
        const qsizetype pos = f.pos < 0 ? parser.currentTagStart() : f.pos;
        lineColumn(text, pos, e.line, e.column);
        e.message = f.message;
        // The tag around the error: from the last opening delimiter up to the next closing one.
        const qsizetype open
            = std::max(text.lastIndexOf(tags.blockStart, pos), text.lastIndexOf(tags.variableStart, pos));
        const qsizetype closedBefore
            = std::max(text.lastIndexOf(tags.blockEnd, pos - 1), text.lastIndexOf(tags.variableEnd, pos - 1));
        if (open >= 0 && closedBefore < open) {
            qsizetype endBlock = text.indexOf(tags.blockEnd, pos);
            qsizetype endVar = text.indexOf(tags.variableEnd, pos);
            qsizetype end = endBlock < 0 ? endVar : endVar < 0 ? endBlock : std::min(endBlock, endVar);
            e.expression = snippet(text, open, end < 0 ? -1 : end + 2);
        } else {
            e.expression = snippet(text, pos, -1);
        }
        return { nullptr, e };
    }
}

void findUnrendered(RenderResult& r, const RenderOptions& options)
{
    const QString marker = options.cookiecutterCompat ? QStringLiteral("{{") : QStringLiteral("${{");
    const qsizetype at = r.text.indexOf(marker);
    if (at >= 0)
        lineColumn(r.text, at, r.unrenderedLine, r.unrenderedColumn);
}

} // namespace

QString RenderError::toString() const
{
    QString s = QStringLiteral("line %1, column %2: %3").arg(line).arg(column).arg(message);
    if (!expression.isEmpty())
        s += QStringLiteral(" in %1").arg(expression);
    return s;
}

Renderer::Renderer(RenderOptions options)
    : m_options(std::move(options))
{ }

namespace {
RenderResult run(const QString& text, const Value& context, const RenderOptions& options, bool typed)
{
    RenderResult result;
    Parsed parsed = parse(text, options);
    if (parsed.error) {
        result.error = parsed.error;
        return result;
    }
    Evaluator evaluator(options, context);
    Frame root;
    try {
        const QList<NodePtr>& nodes = parsed.root->children;
        // A sole output expression: not text, and not a `{% filter %}` block (an Output around a
        // Capture).
        const bool single = nodes.size() == 1 && nodes.first()->kind == Kind::Output
            && nodes.first()->children.size() == 1 && nodes.first()->children.first()->kind != Kind::TemplateData
            && !(nodes.first()->children.first()->kind == Kind::Filter
                && nodes.first()->children.first()->children.first()->kind == Kind::Capture);
        if (typed && single) {
            evaluator.tagStart = nodes.first()->tagStart;
            evaluator.tagEnd = nodes.first()->tagEnd;
            const Value v = evaluator.evalTop(nodes.first()->children.first(), root);
            // Backstage: `${{ (expr) | dump }}` then JSON.parse.
            result.value = v.jsonNormalized();
            result.text = result.value.isString() ? result.value.string() : jsonStringify(result.value);
        } else {
            QString out;
            evaluator.renderList(parsed.root, root, out);
            result.text = out;
            result.value = Value(out);
        }
    } catch (const Failure& f) {
        RenderError e;
        lineColumn(text, f.pos < 0 ? std::max<qsizetype>(0, evaluator.tagStart) : f.pos, e.line, e.column);
        e.message = f.message;
        e.expression = snippet(text, evaluator.tagStart, evaluator.tagEnd);
        result.error = e;
        result.text.clear();
        result.value = Value();
        return result;
    }
    findUnrendered(result, options);
    return result;
}
} // namespace

RenderResult Renderer::renderString(const QString& templateText, const Value& context) const
{
    return run(templateText, context, m_options, false);
}

RenderResult Renderer::renderValue(const QString& templateText, const Value& context) const
{
    return run(templateText, context, m_options, true);
}

} // namespace Flightdeck::Scaffolder::Nunjucks
