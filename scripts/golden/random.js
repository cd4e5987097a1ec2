// SPDX-License-Identifier: Apache-2.0
// Random templates from a small grammar (expressions, filters, if/for/set/macro/switch/filter/raw,
// whitespace control, trimBlocks/lstripBlocks), rendered by nunjucks in gen.js: they find the
// corners where a re-implementation drifts (JavaScript precedence, coercions, SafeString, …).
'use strict';
const edge = require('./cases.js');
let seed = 1;
const rnd = () => { seed = (seed + 0x6D2B79F5) >>> 0; let t = seed; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
const pick = (a) => a[Math.floor(rnd() * a.length)];
const atoms = ["parameters.name.split(' ')", "parameters.name.toLowerCase()", "parameters.list.join('-')", "parameters.name.slice(1, 3)", "parameters.name | safe", "parameters.html | escape", "parameters.repoUrl | parseRepoUrl", "parameters.owner | parseEntityRef", "parameters.obj | list", 'parameters.n', 'parameters.f', 'parameters.zero', 'parameters.flag', 'parameters.yes', 'parameters.nil', 'parameters.empty',
  'parameters.list', 'parameters.nums', 'parameters.obj', 'parameters.name', 'parameters.missing', 'parameters.users', 'parameters.obj.x',
  'parameters.list[0]', 'parameters.nested.a.b', "parameters['with-dash']", '0', '1', '2', '-1', '3.5', '0.1', "'a'", "'B c'", "''", "'3'", "'10'",
  'true', 'false', 'none', '[]', '[1, 2]', "['x', 'y']", '{}', "{a: 1}", 'values.tags', 'values.name', 'loop.index', 'x', 'range(3)'];
const binops = ['+', '-', '*', '/', '%', '//', '**', '~', '==', '===', '!=', '!==', '<', '>', '<=', '>=', 'and', 'or', 'in', 'not in'];
const filters = ['lower', 'upper', 'length', 'first', 'last', 'dump', 'string', 'int', 'float', 'trim', 'capitalize', 'title', 'reverse', 'sort',
  "join(',')", "default('d')", "default('d', true)", "replace('a', 'b')", 'list', 'abs', 'round', 'wordcount', 'escape', 'safe', 'urlencode',
  'truncate(3)', 'indent(2)', 'batch(2) | dump', 'sum', 'center(5)', "select('odd')", 'striptags', 'nl2br', 'float(1)', 'int(7)'];
function expr(d) {
  const r = rnd();
  if (d > 3 || r < 0.3) return pick(atoms);
  if (r < 0.55) return `${expr(d + 1)} ${pick(binops)} ${expr(d + 1)}`;
  if (r < 0.7) return `${expr(d + 1)} | ${pick(filters)}`;
  if (r < 0.77) return `not ${expr(d + 1)}`;
  if (r < 0.84) return `(${expr(d + 1)})`;
  if (r < 0.9) return `${expr(d + 1)} if ${expr(d + 1)} else ${expr(d + 1)}`;
  if (r < 0.95) return `[${expr(d + 1)}, ${expr(d + 1)}]`;
  return `${expr(d + 1)} is ${pick(['defined', 'undefined', 'odd', 'even', 'number', 'string', 'none', 'truthy'])}`;
}
const texts = ['a', ' ', '\n', '  \n  ', 'x y', '\t', '$', '{', '}', '#'];
function body(d) {
  let out = '';
  const n = 1 + Math.floor(rnd() * 4);
  for (let i = 0; i < n; i++) {
    const r = rnd();
    const ws = () => (rnd() < 0.2 ? '-' : '');
    if (r < 0.3) out += pick(texts);
    else if (r < 0.6 || d > 2) out += `\${{${ws()} ${expr(0)} ${ws()}}}`;
    else if (r < 0.72) out += `{%${ws()} if ${expr(0)} ${ws()}%}${body(d + 1)}{%${ws()} else ${ws()}%}${body(d + 1)}{%${ws()} endif ${ws()}%}`;
    else if (r < 0.84) out += `{%${ws()} for x in ${expr(0)} ${ws()}%}${body(d + 1)}{% else %}E{%${ws()} endfor ${ws()}%}`;
    else if (r < 0.86) out += `{% set x = ${expr(0)} %}`;
    else if (r < 0.88) out += `{%${ws()} raw ${ws()}%}\${{ y }}{% if %}{%${ws()} endraw ${ws()}%}`;
    else if (r < 0.9) out += `{% macro m(a, b=${expr(1)}) %}[\${{ a }}|\${{ b }}]${body(d + 1)}{% endmacro %}\${{ m(${expr(1)}) }}\${{ m(1, b=2) | length }}`;
    else if (r < 0.92) out += `{% switch ${expr(1)} %}{% case 1 %}one{% case 'a' %}{% case none %}${body(d + 1)}{% default %}D{% endswitch %}`;
    else if (r < 0.94) out += `{% filter ${pick(['upper', 'trim', "replace('a', 'X')", 'title', 'indent(2)'])} %}${body(d + 1)}{% endfilter %}`;
    else if (r < 0.96) out += `{% set y %}${body(d + 1)}{% endset %}\${{ y | length }}`;
    else out += `{#${ws()} c ${ws()}#}`;
  }
  return out;
}
function generate(firstSeed, count) {
seed = firstSeed >>> 0;
const cases = [];
for (let i = 0; i < count; i++) {
  const t = body(0);
  const o = rnd();
  const options = o < 0.1 ? { trimBlocks: true } : o < 0.2 ? { lstripBlocks: true } : o < 0.3 ? { trimBlocks: true, lstripBlocks: true } : undefined;
  cases.push({ name: `random ${i}`, template: t, context: 'base', mode: rnd() < 0.3 ? 'value' : 'string', options });
}
return { source: `scripts/golden/random.js, seed ${firstSeed}`, contexts: edge.contexts, cases };
}
module.exports = generate;
