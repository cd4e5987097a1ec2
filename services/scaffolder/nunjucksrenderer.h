// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "nunjucksvalue.h"

#include <QHash>
#include <QString>

#include <functional>
#include <optional>

namespace Flightdeck::Scaffolder::Nunjucks {

// How Backstage configures nunjucks for one rendering (SPEC B5, B7).
struct RenderOptions
{
    // fetch:template's cookiecutterCompat: `{{ }}` instead of `${{ }}`, `jsonify` = `dump`.
    bool cookiecutterCompat = false;
    bool trimBlocks = false;
    bool lstripBlocks = false;
    // parseRepoUrl / projectSlug look the host up here (Backstage's integrations config). Empty:
    // the hosts ScmIntegrations knows without configuration.
    QHash<QString, QString> integrationsByHost;
    // Bounds, so that no template can hang or exhaust memory. The renderer runs no code, but
    // `{% for %}` over range(1e9) or deeply nested expressions must still end.
    qsizetype maxOutputChars = 64 * 1024 * 1024;
    int maxDepth = 256;
    qint64 maxSteps = 5'000'000;
    // Installation-specific additions (Backstage's createTemplateFilter / createTemplateGlobal,
    // and the runner's always()/failure()). They receive plain values and must not throw.
    using Function = std::function<Value(const QList<Value>& args)>;
    QHash<QString, Function> filters; // `x | name(a, b)` calls filters[name]({x, a, b})
    QHash<QString, Function> globals; // `name(a, b)` calls globals[name]({a, b})
};

struct RenderError
{
    int line = 0; // 1-based, in the template text
    int column = 0; // 1-based
    QString expression; // the tag's source text, e.g. "${{ parameters.x | foo }}"
    QString message;
    QString toString() const; // "line 3, column 5: <message> in ${{ … }}"
};

struct RenderResult
{
    Value value; // renderValue: the native value; renderString: the text as a String
    QString text; // the rendered text (for a native value: its String() form)
    std::optional<RenderError> error;
    // Where the output still contains "${{" (e.g. from {% raw %} or from a value): 1-based line
    // and column in the OUTPUT, or 0. A step input must never pass such text on silently.
    int unrenderedLine = 0;
    int unrenderedColumn = 0;
    bool ok() const { return !error.has_value(); }
};

// Renders Backstage software-template text as nunjucks 3.2.4 does (autoescape off, variable tags
// `${{ }}`, block/comment tags `{% %}`/`{# #}`), without running any code: templates are parsed
// to a tree and interpreted over Value. Thread-safe (no mutable state).
//
// Verified byte for byte against real nunjucks by tests/services/tst_templaterenderer.cpp (goldens
// from scripts/golden/gen.js). Supported: output with filters, literals, member/index access, all
// operators with nunjucks' JavaScript precedence quirks, `in`, `is` tests, inline if, if/elif/else,
// for (loop.*, else, k/v and destructuring), set (and block set), macro, filter blocks, switch,
// raw/verbatim, comments, whitespace control, trimBlocks/lstripBlocks, cookiecutterCompat (with
// installJinjaCompat's slices, True/False/None and non-mutating Python methods), range(), the
// nunjucks filters except random/urlize, Backstage's parseRepoUrl/parseEntityRef/pick/projectSlug,
// and a subset of JavaScript String/Array methods (split, replace, slice, includes, …).
// Known differences from nunjucks:
// - include/import/extends/block/call tags are refused when parsed (nunjucks, with no loader,
//   fails only when such a tag runs); the filters random and urlize and the globals cycler and
//   joiner do not exist.
// - safe/escape return plain strings (nunjucks' SafeString objects differ only under `dump`).
// - JavaScript puts integer-like object keys first; Value keeps insertion order (groupby excepted).
// - Object prototype members (constructor, hasOwnProperty, …) are not visible; other JavaScript
//   methods than the supported subset are undefined.
// - Regular expressions (`r/…/`) run on PCRE2; exotic JavaScript-only syntax may differ.
// - `x is t(a, b)` and `x is f | g(a)` are refused when parsed: nunjucks emits their arguments
//   without commas, which is a syntax error or, rarely, compiles to nonsense.
// - Error wording is ours; every error has a position and the tag's text.
// - Nesting deeper than maxDepth and more than maxSteps evaluation steps fail instead of running.
class Renderer
{
public:
    explicit Renderer(RenderOptions options = {});

    // A file's content or a file name: always text.
    RenderResult renderString(const QString& templateText, const Value& context) const;
    // A step input leaf (SPEC B5): a string that is exactly one `${{ expr }}` yields the native
    // value of expr after a JSON round trip, as Backstage's `| dump` + JSON.parse (undefined when
    // it is undefined: the key is then dropped; NaN becomes null; a SafeString an object);
    // anything else yields the rendered text, "" included (nunjitsu; scaffolder-backend <= 4.0.2
    // turned "" into undefined, which a caller can still do).
    RenderResult renderValue(const QString& templateText, const Value& context) const;

    const RenderOptions& options() const { return m_options; }

private:
    RenderOptions m_options;
};

} // namespace Flightdeck::Scaffolder::Nunjucks
