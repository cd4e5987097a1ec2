// SPDX-License-Identifier: Apache-2.0
// Produces tests/data/scaffolder/golden/*.json with REAL nunjucks 3.2.4 configured as Backstage's
// SecureTemplater configures it (autoescape off, `${{ }}` variable tags, the four Backstage
// filters; cookiecutterCompat: `{{ }}` tags + installJinjaCompat + jsonify). The C++ test
// (tests/services/tst_templaterenderer.cpp) replays every case without node.
//
//   cd scripts/golden && npm ci && node gen.js
//
// Each golden file is self-contained: contexts, template text, options and nunjucks' result.
'use strict';
const fs = require('fs');
const path = require('path');
const nunjucks = require('nunjucks');
const YAML = require('yaml');

const ROOT = path.resolve(__dirname, '../..');
const DATA = path.resolve(ROOT, '../shared/reference/backstage/data');
const OUT = path.join(ROOT, 'tests/data/scaffolder/golden');

// ---- Backstage filters (SPEC B6), as plugin-scaffolder-backend defines them -----------------
// Integrations known without configuration (ScmIntegrations defaults).
const INTEGRATIONS = {
  'github.com': 'github',
  'gitlab.com': 'gitlab',
  'bitbucket.org': 'bitbucketCloud',
  'dev.azure.com': 'azure',
};
function trimSlashes(s) {
  return s.replace(/^\/+/, '').replace(/\/+$/, '');
}
function parseRepoUrl(repoUrl) {
  let parsed;
  try {
    parsed = new URL(`https://${repoUrl}`);
  } catch (error) {
    throw new Error(`Invalid repo URL passed to publisher, got ${repoUrl}, ${error}`);
  }
  const host = parsed.host;
  const type = INTEGRATIONS[host];
  if (!type) {
    throw new Error(`No matching integration configuration for host ${host}, please check your integrations config`);
  }
  const p = {};
  for (const k of ['owner', 'organization', 'workspace', 'project', 'repo'])
    p[k] = parsed.searchParams.has(k) ? trimSlashes(parsed.searchParams.get(k)) : undefined;
  const need = (...names) => {
    for (const n of names)
      if (!p[n]) throw new Error(`Invalid repo URL passed to publisher: ${repoUrl}, missing ${n}`);
  };
  if (type === 'bitbucketCloud') need('workspace', 'project', 'repo');
  else if (type === 'azure') need('project', 'repo');
  else if (type === 'gitlab') { if (!p.project) need('owner', 'repo'); }
  else need('repo', 'owner');
  return { host, owner: p.owner, repo: p.repo, organization: p.organization, workspace: p.workspace, project: p.project };
}
function parseRefString(ref) {
  let colonI = ref.indexOf(':');
  const slashI = ref.indexOf('/');
  if (slashI !== -1 && slashI < colonI) colonI = -1;
  const kind = colonI === -1 ? undefined : ref.slice(0, colonI);
  const namespace = slashI === -1 ? undefined : ref.slice(colonI + 1, slashI);
  const name = ref.slice(Math.max(colonI + 1, slashI + 1));
  if (kind === '' || namespace === '' || name === '')
    throw new TypeError(`Entity reference "${ref}" was not on the form [<kind>:][<namespace>/]<name>`);
  return { kind, namespace, name };
}
function parseEntityRef(ref, context) {
  if (!ref) throw new Error(`Entity reference must not be empty`);
  const defaultKind = context && context.defaultKind;
  const defaultNamespace = (context && context.defaultNamespace) || 'default';
  let kind, namespace, name;
  if (typeof ref === 'string') {
    const parsed = parseRefString(ref);
    kind = parsed.kind ?? defaultKind;
    namespace = parsed.namespace ?? defaultNamespace;
    name = parsed.name;
  } else {
    kind = ref.kind ?? defaultKind;
    namespace = ref.namespace ?? defaultNamespace;
    name = ref.name;
  }
  if (!kind) throw new Error(`Entity reference ${JSON.stringify(ref)} had missing or empty kind (e.g. did not start with "component:" or similar)`);
  if (!namespace) throw new Error(`Entity reference ${JSON.stringify(ref)} had missing or empty namespace`);
  if (!name) throw new Error(`Entity reference ${JSON.stringify(ref)} had missing or empty name`);
  return { kind, namespace, name };
}
// lodash.get
function pick(obj, p) {
  const parts = [];
  String(p).replace(/[^.[\]]+|\[(?:(-?\d+(?:\.\d+)?)|(["'])((?:(?!\2)[^\\]|\\.)*?)\2)\]|(?=(?:\.|\[\])(?:\.|\[\]|$))/g,
    (m, num, q, str) => { parts.push(q ? str : num !== undefined ? num : m); });
  let cur = obj;
  for (const k of parts) {
    if (cur === null || cur === undefined) return undefined;
    cur = cur[k];
  }
  return cur;
}
function projectSlug(repoUrl) {
  const { owner, repo } = parseRepoUrl(repoUrl);
  return `${owner}/${repo}`;
}
// Results cross the sandbox boundary as JSON in Backstage.
const jsonish = (f) => (...args) => {
  const r = f(...args);
  return r === undefined ? undefined : JSON.parse(JSON.stringify(r));
};

function makeEnv(opts) {
  const cookie = !!opts.cookiecutterCompat;
  const env = new nunjucks.Environment(null, {
    autoescape: false,
    trimBlocks: !!opts.trimBlocks,
    lstripBlocks: !!opts.lstripBlocks,
    tags: cookie ? { variableStart: '{{', variableEnd: '}}' } : { variableStart: '${{', variableEnd: '}}' },
  });
  if (cookie) env.addFilter('jsonify', env.getFilter('dump'));
  env.addFilter('parseRepoUrl', jsonish(parseRepoUrl));
  env.addFilter('parseEntityRef', jsonish(parseEntityRef));
  env.addFilter('pick', jsonish(pick));
  env.addFilter('projectSlug', jsonish(projectSlug));
  return env;
}

// A sole `${{ expr }}` keeps its type (SPEC B5 (a)): Backstage renders `${{ (expr) | dump }}` and
// JSON.parses it; an empty result is undefined. Everything else is a string.
function isSingleExpression(template, opts) {
  const tags = opts.cookiecutterCompat ? { variableStart: '{{', variableEnd: '}}' } : { variableStart: '${{', variableEnd: '}}' };
  const root = nunjucks.parser.parse(template, [], { autoescape: false, tags });
  const n = nunjucks.nodes;
  if (!(root.children.length === 1 && root.children[0] instanceof n.Output && root.children[0].children.length === 1))
    return false;
  const e = root.children[0].children[0];
  // Not text, and not a `{% filter %}` block (an Output node too, around a Capture).
  return !(e instanceof n.TemplateData) && !(e instanceof n.Filter && e.args.children[0] instanceof n.Capture);
}

function runCase(c, contexts) {
  const opts = c.options || {};
  const env = makeEnv(opts);
  const ctx = contexts[c.context];
  // SecureTemplater installs the Jinja compatibility layer (it patches nunjucks globally) only
  // while it renders in cookiecutter mode, and uninstalls it before a normal rendering.
  const uninstall = opts.cookiecutterCompat ? nunjucks.installJinjaCompat() : null;
  try {
    if (c.mode === 'value' && isSingleExpression(c.template, opts)) {
      // The template's only output is that expression: capture the value nunjucks hands to its
      // output (runtime.suppressValue) instead of its text, then JSON round-trip it as Backstage
      // does (`| dump` + JSON.parse): undefined stays undefined, NaN becomes null.
      const runtime = nunjucks.runtime;
      const orig = runtime.suppressValue;
      let captured;
      let calls = 0;
      runtime.suppressValue = function (v, autoescape) {
        calls++;
        captured = v;
        return orig.call(this, v, autoescape);
      };
      try {
        env.renderString(c.template, JSON.parse(JSON.stringify(ctx)));
      } finally {
        runtime.suppressValue = orig;
      }
      if (calls !== 1) throw new Error(`expected one output, got ${calls}`);
      const json = JSON.stringify(captured);
      return json === undefined ? { undefined: true } : { json: JSON.parse(json) };
    }
    return { text: env.renderString(c.template, JSON.parse(JSON.stringify(ctx))) };
  } catch (e) {
    return { error: String(e.message || e).split('\n').map((l) => l.trim()).join(' ') };
  } finally {
    if (uninstall) uninstall();
  }
}

// JS object key order = insertion order; Qt's QJsonObject sorts keys. Sort them here so that the
// `dump` of a context object is the same on both sides.
function sortKeys(v) {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const o = {};
    for (const k of Object.keys(v).sort()) o[k] = sortKeys(v[k]);
    return o;
  }
  return v;
}

function writeGolden(name, golden, opts) {
  fs.mkdirSync(OUT, { recursive: true });
  for (const c of golden.cases) c.expected = runCase(c, golden.contexts);
  fs.writeFileSync(path.join(OUT, name + '.json'), JSON.stringify(golden, null, opts && opts.compact ? 0 : 1) + '\n');
  const errors = golden.cases.filter((c) => c.expected.error).length;
  console.log(`${name}: ${golden.cases.length} cases (${errors} nunjucks errors)`);
}

// ---- sample form values for a template's parameters ----------------------------------------
function sampleFor(name, prop) {
  if (!prop || typeof prop !== 'object') return 'sample';
  if (prop.default !== undefined) return prop.default;
  if (Array.isArray(prop.enum) && prop.enum.length) return prop.enum[0];
  const field = prop['ui:field'];
  if (field === 'RepoUrlPicker') return `github.com?owner=acme&repo=${name === 'repoUrl' ? 'my-service' : name}`;
  if (field === 'OwnerPicker') return 'group:default/team-a';
  if (field === 'EntityPicker') return 'system:default/audio';
  if (field === 'MultiEntityPicker') return ['component:default/a', 'component:default/b'];
  if (field === 'EntityTagsPicker') return ['java', 'web'];
  switch (prop.type) {
    case 'boolean': return true;
    case 'number': case 'integer': return 3;
    case 'array': return ['alpha', 'beta'];
    case 'object': {
      const o = {};
      for (const [k, v] of Object.entries(prop.properties || {})) o[k] = sampleFor(k, v);
      return o;
    }
    default: return `sample-${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  }
}
function collectParameters(spec) {
  const values = {};
  const pages = [spec.parameters || []].flat();
  const visit = (schema) => {
    if (!schema || typeof schema !== 'object') return;
    for (const [k, v] of Object.entries(schema.properties || {})) if (!(k in values)) values[k] = sampleFor(k, v);
    for (const key of ['allOf', 'oneOf', 'anyOf']) for (const s of schema[key] || []) visit(s);
    for (const d of Object.values(schema.dependencies || {})) if (!Array.isArray(d)) visit(d);
  };
  pages.forEach(visit);
  return values;
}

function stepContext(spec, parameters) {
  const steps = {};
  (spec.steps || []).forEach((s, i) => {
    const id = s.id || `step-${i + 1}`;
    steps[id] = {
      output: {
        remoteUrl: 'https://github.com/acme/my-service.git',
        repoContentsUrl: 'https://github.com/acme/my-service/blob/main',
        entityRef: 'component:default/my-service',
        catalogInfoUrl: 'https://github.com/acme/my-service/blob/main/catalog-info.yaml',
        mergeRequestUrl: 'https://gitlab.com/acme/my-service/-/merge_requests/1',
        pullRequestUrl: 'https://github.com/acme/my-service/pull/1',
        projectId: 42,
        result: 'done',
        waited: 5,
      },
    };
  });
  return sortKeys({
    parameters,
    steps,
    user: { ref: 'user:default/jdoe', entity: { metadata: { name: 'jdoe' }, spec: { profile: { displayName: 'Jane Doe', email: 'jdoe@example.com' } } } },
    secrets: { USER_OAUTH_TOKEN: 'tok-123', backstageToken: 'bt' },
    context: { task: { id: 'task-1' } },
    environment: { parameters: { region: 'eu' }, secrets: {} },
  });
}

function stringLeaves(value, at, out) {
  if (typeof value === 'string') out.push([at, value]);
  else if (Array.isArray(value)) value.forEach((v, i) => stringLeaves(v, `${at}[${i}]`, out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) stringLeaves(v, `${at}.${k}`, out);
  return out;
}

function walk(dir, rel = '') {
  const out = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...walk(dir, r));
    else out.push(r);
  }
  return out;
}
function isText(buf) {
  if (buf.includes(0)) return false;
  return Buffer.from(buf.toString('utf8'), 'utf8').equals(buf);
}

const coveredDirs = new Set();

function templateGolden(file) {
  const rel = path.relative(DATA, file);
  const doc = YAML.parse(fs.readFileSync(file, 'utf8'));
  if (!doc || doc.apiVersion !== 'scaffolder.backstage.io/v1beta3') return null;
  const spec = doc.spec || {};
  const parameters = collectParameters(spec);
  const contexts = { step: stepContext(spec, parameters) };
  const cases = [];
  const leaves = [];
  (spec.steps || []).forEach((s, i) => {
    for (const key of ['if', 'each', 'input']) if (s[key] !== undefined) stringLeaves(s[key], `steps[${i}].${key}`, leaves);
  });
  if (spec.output) stringLeaves(spec.output, 'output', leaves);
  for (const [at, template] of leaves) cases.push({ name: at, template, context: 'step', mode: 'value' });

  // Skeletons of fetch:template steps: contents and paths render with `values` only.
  (spec.steps || []).forEach((s, i) => {
    if (s.action !== 'fetch:template' || !s.input || typeof s.input.url !== 'string') return;
    const dir = path.resolve(path.dirname(file), s.input.url);
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) return;
    coveredDirs.add(dir);
    const cookie = !!s.input.cookiecutterCompat;
    const rendered = {};
    for (const [k, v] of Object.entries(s.input.values || {})) {
      const r = runCase({ template: v, context: 'step', mode: 'value' }, contexts);
      if (r.json !== undefined) rendered[k] = r.json;
      else if (r.text !== undefined) rendered[k] = r.text;
    }
    const key = `skeleton${i}`;
    contexts[key] = sortKeys({ [cookie ? 'cookiecutter' : 'values']: rendered });
    const options = cookie ? { cookiecutterCompat: true } : undefined;
    for (const f of walk(dir)) {
      const relName = path.relative(path.dirname(file), path.join(dir, f));
      cases.push({ name: `path:${relName}`, template: f, context: key, mode: 'string', options });
      const buf = fs.readFileSync(path.join(dir, f));
      if (!isText(buf)) continue;
      cases.push({ name: `file:${relName}`, template: buf.toString('utf8'), context: key, mode: 'string', options });
    }
  });
  return { source: rel, contexts, cases };
}

function main() {
  const templates = [];
  const find = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) find(p);
      else if (e.name === 'template.yaml') templates.push(p);
    }
  };
  find(DATA);
  templates.sort();
  const used = new Set();
  for (const t of templates) {
    const g = templateGolden(t);
    if (!g) { console.log(`skipped (not scaffolder.backstage.io/v1beta3): ${path.relative(DATA, t)}`); continue; }
    let name = path.relative(DATA, path.dirname(t)).split(path.sep).filter((p) => !['github.com', 'backstage', 'scaffolder-templates', 'templates', 'examples', 'template', 'plugins', 'npm', '@backstage'].includes(p)).join('-') || 'root';
    while (used.has(name)) name += '-2';
    used.add(name);
    writeGolden('template-' + name, g);
  }
  // Skeleton folders no v1beta3 template points at (those of legacy v1alpha1/v1beta2 templates and
  // stray ones): render their nunjucks files with a generic `values` (or `cookiecutter`) context.
  const orphans = [];
  const findSkeletons = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (!e.isDirectory()) continue;
      if (['skeleton', 'content', 'template'].includes(e.name) && !coveredDirs.has(p) && !fs.existsSync(path.join(p, 'template.yaml'))) orphans.push(p);
      else findSkeletons(p);
    }
  };
  findSkeletons(DATA);
  orphans.sort();
  const generic = {
    component_id: 'my-service', name: 'my-service', description: 'A "generic" service', owner: 'group:default/team-a',
    destination: { host: 'github.com', owner: 'acme', repo: 'my-service' }, artifact_id: 'my-service',
    java_package_name: 'myservice', http_port: 8080, system: 'system:default/audio',
  };
  const orphanCases = [];
  for (const dir of orphans) {
    for (const f of walk(dir)) {
      const buf = fs.readFileSync(path.join(dir, f));
      if (!isText(buf)) continue;
      const text = buf.toString('utf8');
      if (!/\$\{\{|\{%|\{#|\{\{/.test(text) && !/\$\{\{|\{\{/.test(f)) continue; // plain files hold no templating
      const rel = path.relative(DATA, path.join(dir, f));
      const cookie = /cookiecutter\./.test(text);
      const options = cookie ? { cookiecutterCompat: true } : undefined;
      const context = cookie ? 'cookiecutter' : 'values';
      if (/\$\{\{|\{\{/.test(f)) orphanCases.push({ name: `path:${rel}`, template: f, context, mode: 'string', options });
      orphanCases.push({ name: `file:${rel}`, template: text, context, mode: 'string', options });
    }
  }
  writeGolden('orphan-skeletons', { source: 'skeleton folders without a v1beta3 template', contexts: sortKeys({ values: { values: generic }, cookiecutter: { cookiecutter: generic } }), cases: orphanCases });

  const edge = require('./cases.js');
  writeGolden('edge-cases', edge);

  // Broken templates: prefixes of the edge cases (unclosed tags, strings, comments and blocks).
  // nunjucks either renders them or fails; the renderer must agree on which, and on the text.
  const cuts = [];
  for (const c of edge.cases) {
    const t = c.template;
    const points = new Set([Math.floor(t.length / 4), Math.floor(t.length / 2), Math.floor((3 * t.length) / 4), t.length - 1, t.length - 2]);
    for (const p of [...points].filter((x) => x > 0 && x < t.length).sort((a, b) => a - b))
      cuts.push(Object.assign({}, c, { name: `${c.name} [:${p}]`, template: t.slice(0, p), expected: undefined }));
  }
  writeGolden('truncations', { source: 'prefixes of scripts/golden/cases.js', contexts: edge.contexts, cases: cuts });

  // Random templates (a fixed seed, so the file is reproducible).
  writeGolden('random', require('./random.js')(55, 1500), { compact: true });
}
main();
