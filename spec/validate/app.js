// The "Validate a store" page. It loads the validator (the Rust crate
// zarr-links-wasm, built by `cargo xtask wasm` into ./pkg/), feeds it the
// store's documents through driver.js, and shows the report. Every finding,
// rule ID and verdict comes from the WebAssembly module; this file only
// reads bytes and renders.

import { drive, folderReader, storeRoot, urlReader, Unreachable } from './driver.js';

const $ = (id) => document.getElementById(id);
const root = $('zl-validate');
const inPrint = /\/print\.html$/.test(location.pathname);

let wasm = null; // the module's exports
let rules = new Map(); // rule id -> {chapter, summary, severity}
let current = null; // the StoreCheck whose graph is shown

/** Creates an element with attributes and children. */
function el(tag, attrs = {}, ...children) {
  const svg = ['svg', 'g', 'rect', 'path', 'text', 'title', 'defs', 'marker', 'line', 'tspan'].includes(tag);
  const e = svg ? document.createElementNS('http://www.w3.org/2000/svg', tag) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function setState(state, mode) {
  root.dataset.state = state;
  if (mode) root.dataset.mode = mode;
}

function status(text) {
  $('zl-status').textContent = text;
}

function controls(enabled) {
  for (const id of ['zl-url', 'zl-url-go', 'zl-folder', 'zl-paste', 'zl-path', 'zl-kind', 'zl-paste-go']) {
    $(id).disabled = !enabled;
  }
}

/** Clears the result area. */
function clear() {
  for (const id of ['zl-message', 'zl-header', 'zl-coverage', 'zl-summary', 'zl-graph-part', 'zl-json-part']) {
    $(id).hidden = true;
  }
  $('zl-message').replaceChildren();
  $('zl-findings').replaceChildren();
  $('zl-graph').replaceChildren();
  $('zl-related').replaceChildren();
  $('zl-legend').replaceChildren();
  $('zl-node').replaceChildren();
  $('report-json').textContent = '';
  delete root.dataset.valid;
  if (current) {
    current.free();
    current = null;
  }
}

/** Shows a message that stops the check (never a blank page). */
function fail(kind, title, ...details) {
  const box = $('zl-message');
  box.className = 'zl-message zl-bad';
  box.dataset.kind = kind;
  box.replaceChildren(el('p', {}, el('strong', { text: title })), ...details.map((d) => (d instanceof Node ? d : el('p', { text: d }))));
  box.hidden = false;
  setState('error');
  status(title);
}

function plural(n, one, many) {
  return `${n} ${n === 1 ? one : many}`;
}

function location_(f) {
  if (f.file && f.pointer) return `${f.file}#${f.pointer}`;
  return f.file ?? f.pointer;
}

/** The link of a rule ID to the paragraph that states it. */
function ruleLink(id) {
  const info = rules.get(id);
  if (!info) return el('code', { text: id });
  return el('a', { class: 'zl-rule', href: `${info.chapter}#r-${id}`, title: info.summary }, el('code', { text: id }));
}

/** The findings, grouped by node as the command line prints them. */
function renderFindings(findings) {
  const out = $('zl-findings');
  let list = null;
  let node = null;
  for (const f of findings) {
    if (f.node !== node) {
      node = f.node;
      out.append(el('h4', { class: 'zl-node' }, el('code', { text: f.node })));
      list = el('ul', { class: 'zl-list' });
      out.append(list);
    }
    const item = el(
      'li',
      { class: `zl-finding zl-${f.severity}`, 'data-rule': f.rule, 'data-node': f.node, 'data-file': f.file ?? '', 'data-pointer': f.pointer },
      el('span', { class: `zl-badge zl-badge-${f.severity}`, text: f.severity }),
      ' ',
      ruleLink(f.rule),
      ' ',
      el('code', { class: 'zl-where', text: location_(f) }),
      el('p', { class: 'zl-text', text: f.message }),
      f.hint ? el('p', { class: 'zl-hint' }, el('span', { class: 'zl-hint-label', text: 'hint:' }), ' ', f.hint) : null,
    );
    list.append(item);
  }
}

/** The report: header, findings, coverage, summary, JSON, graph. */
function renderReport(report, check) {
  const header = $('zl-header');
  header.textContent = `checking ${report.store} (Zarr v${report.zarr_format}${report.consolidated ? ', consolidated metadata' : ''}, ${plural(report.nodes, 'node', 'nodes')})`;
  header.hidden = false;
  renderFindings(report.findings);
  const notes = [];
  if (!report.convention_used) notes.push('The convention is not in use: no node carries a links: attribute.');
  if (report.coverage === 'consolidated') {
    notes.push('The nodes and attributes come from the consolidated metadata; the per-node documents were not read (a local check of the folder also compares them).');
  } else if (report.coverage === 'reached') {
    notes.push(
      `Partial check: the store cannot be listed over HTTP and has no consolidated metadata, so only the ${plural(report.nodes, 'node', 'nodes')} reached from the root (through links:index entries, link targets and their parent groups) were checked. Other nodes may exist and were not seen. Pick the folder, or add consolidated metadata, for a complete check.`,
    );
  }
  const coverage = $('zl-coverage');
  coverage.textContent = notes.join(' ');
  coverage.hidden = notes.length === 0;
  coverage.dataset.coverage = report.coverage;
  const verdict = report.valid ? (report.coverage === 'reached' ? 'valid for the nodes reached' : 'valid') : 'invalid';
  const summary = $('zl-summary');
  summary.replaceChildren(
    el('strong', { class: report.valid ? 'zl-good' : 'zl-error-text', text: verdict }),
    `: ${plural(report.errors, 'error', 'errors')}, ${plural(report.warnings, 'warning', 'warnings')} in ${plural(report.nodes, 'node', 'nodes')}`,
  );
  summary.hidden = false;
  root.dataset.valid = String(report.valid);
  renderGraph(check);
}

// ---------------------------------------------------------------- graph

const TYPE_STYLE = {
  derived_from: { cls: 'zl-e-derived', dash: '' },
  quality_for: { cls: 'zl-e-quality', dash: '6 3' },
  same_as: { cls: 'zl-e-same', dash: '2 3' },
  part_of: { cls: 'zl-e-part', dash: '10 3 2 3' },
  contains: { cls: 'zl-e-contains', dash: '10 3 2 3' },
};
const OTHER_STYLE = { cls: 'zl-e-other', dash: '1 4' };
const MAX_DRAWN = 400;

function lastSegment(name) {
  if (name === '/') return '/';
  if (name.includes('#/')) return name.slice(name.indexOf('#/') + 1);
  if (/^[a-z][a-z0-9+.-]*:/i.test(name)) return name;
  return name.slice(name.lastIndexOf('/') + 1);
}

function shorten(text, max) {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Keeps the end of a path, which tells boxes and nodes apart. */
function shortenStart(text, max) {
  return text.length > max ? `…${text.slice(text.length - max + 1)}` : text;
}

/**
 * Lays the nodes out in one box per parent group, and the boxes in columns
 * as Graphviz ranks them left to right: a box whose nodes state links stands
 * left of the boxes its links point to, so most arrows point right. Within a
 * column, boxes are ordered by where their links lead (fewer crossings).
 */
function layout(graph, edges) {
  const boxes = new Map();
  const boxOf = new Map();
  for (const n of graph.nodes) {
    let box;
    if (n.class === 'external') box = n.id.includes('#/') ? `another store: ${n.id.slice(0, n.id.indexOf('#/'))}` : 'outside the store';
    else box = n.parent ?? 'the root';
    if (!boxes.has(box)) boxes.set(box, []);
    boxes.get(box).push(n);
    boxOf.set(n.id, box);
  }
  // Box-level links, and each box's rank: 0 for a box whose links lead
  // nowhere else, else one more than the boxes its links lead to.
  const out = new Map([...boxes.keys()].map((b) => [b, new Set()]));
  for (const e of edges) {
    const [a, b] = [boxOf.get(e.source), boxOf.get(e.target)];
    if (a && b && a !== b) out.get(a).add(b);
  }
  const rank = new Map();
  const visiting = new Set();
  const rankOf = (b) => {
    if (rank.has(b)) return rank.get(b);
    if (visiting.has(b)) return 0; // a cycle between boxes: cut it here
    visiting.add(b);
    let r = 0;
    for (const t of out.get(b)) r = Math.max(r, rankOf(t) + 1);
    visiting.delete(b);
    rank.set(b, r);
    return r;
  };
  const names = [...boxes.keys()].sort();
  names.forEach(rankOf);
  const top = Math.max(0, ...rank.values());
  const W = 180;
  const GAP = 70;
  const ROW = 26;
  const HEAD = 26;
  const pos = new Map();
  const placed = [];
  let height = 0;
  // Place the rightmost column (rank 0) first, in path order; each column
  // to its left is sorted by the mean height of what its links lead to.
  for (let r = 0; r <= top; r += 1) {
    const column = names.filter((b) => rank.get(b) === r);
    const aim = new Map(
      column.map((b) => {
        const ys = [];
        for (const n of boxes.get(b)) for (const e of edges) if (e.source === n.id && pos.has(e.target)) ys.push(pos.get(e.target).y);
        return [b, ys.length ? ys.reduce((x, y) => x + y, 0) / ys.length : Infinity];
      }),
    );
    column.sort((a, b) => aim.get(a) - aim.get(b) || a.localeCompare(b));
    const x = 10 + (top - r) * (W + GAP);
    let y = 10;
    for (const name of column) {
      const members = boxes.get(name).sort((a, b) => a.id.localeCompare(b.id));
      const h = HEAD + members.length * ROW + 6;
      placed.push({ name, x, y, w: W, h, members });
      members.forEach((n, i) => pos.set(n.id, { x: x + 8, y: y + HEAD + i * ROW, w: W - 16, h: ROW - 6, node: n }));
      y += h + 20;
    }
    height = Math.max(height, y);
  }
  return { boxes: placed, pos, width: 20 + (top + 1) * W + top * GAP, height: height + 10 };
}

function renderGraph(check) {
  const graph = JSON.parse(check.graph());
  const select = $('zl-node');
  const nodes = graph.nodes.slice().sort((a, b) => a.id.localeCompare(b.id));
  select.replaceChildren(el('option', { value: '', text: nodes.length ? 'choose a node…' : 'no node takes part in a link' }), ...nodes.map((n) => el('option', { value: n.id, text: `${n.id} (${n.class})` })));
  select.onchange = () => select.value && showRelated(select.value, { from: 'list' });
  $('zl-graph-part').hidden = false;
  const declared = graph.edges.filter((e) => !e.derived);
  if (nodes.length === 0) {
    $('zl-graph').append(el('p', { text: 'No node of this store takes part in a link or an index entry.' }));
    return;
  }
  if (nodes.length > MAX_DRAWN) {
    $('zl-graph').append(el('p', { text: `${nodes.length} nodes take part in links: too many to draw here. Choose a node from the list to see its links.` }));
    return;
  }
  const types = [...new Set(declared.map((e) => e.type))].sort();
  $('zl-legend').replaceChildren(
    el('span', { class: 'zl-legend-title', text: 'Links:' }),
    ...types.map((t) => {
      const s = TYPE_STYLE[t] ?? OTHER_STYLE;
      return el(
        'span',
        { class: 'zl-legend-item' },
        el('svg', { width: 34, height: 10, 'aria-hidden': 'true' }, el('line', { x1: 0, y1: 5, x2: 34, y2: 5, class: `zl-edge ${s.cls}`, 'stroke-dasharray': s.dash || null })),
        ' ',
        t.length > 40 ? shorten(t, 40) : t,
      );
    }),
  );
  const L = layout({ nodes }, declared);
  const svg = el('svg', {
    viewBox: `0 0 ${L.width} ${L.height}`,
    width: L.width,
    class: 'zl-svg',
    role: 'group',
    'aria-label': `Link graph: ${plural(nodes.length, 'node', 'nodes')}, ${plural(declared.length, 'declared link', 'declared links')}`,
  });
  svg.append(
    el(
      'defs',
      {},
      ...['derived', 'quality', 'same', 'part', 'contains', 'other'].map((k) =>
        el('marker', { id: `zl-arrow-${k}`, viewBox: '0 0 10 10', refX: 9, refY: 5, markerUnits: 'userSpaceOnUse', markerWidth: 10, markerHeight: 10, orient: 'auto-start-reverse' }, el('path', { d: 'M0,0 L10,5 L0,10 z', class: `zl-arrow zl-e-${k}` })),
      ),
    ),
  );
  for (const b of L.boxes) {
    svg.append(
      el('g', { class: 'zl-box' }, el('rect', { x: b.x, y: b.y, width: b.w, height: b.h, rx: 6 }), el('text', { x: b.x + 8, y: b.y + 17, class: 'zl-box-label' }, shortenStart(b.name, 25), el('title', { text: b.name }))),
    );
  }
  const edges = el('g', { class: 'zl-edges' });
  svg.append(edges);
  for (const e of declared) {
    const a = L.pos.get(e.source);
    const b = L.pos.get(e.target);
    if (!a || !b) continue;
    const s = TYPE_STYLE[e.type] ?? OTHER_STYLE;
    const ay = a.y + a.h / 2;
    const by = b.y + b.h / 2;
    let d;
    if (a === b) {
      d = `M${a.x + a.w},${ay - 4} C${a.x + a.w + 30},${ay - 20} ${a.x + a.w + 30},${ay + 20} ${a.x + a.w},${ay + 4}`;
    } else if (Math.abs(a.x - b.x) < 1) {
      const bend = 30 + Math.min(60, Math.abs(ay - by) / 6);
      d = `M${a.x},${ay} C${a.x - bend},${ay} ${b.x - bend},${by} ${b.x},${by}`;
    } else {
      const [x1, x2] = a.x < b.x ? [a.x + a.w, b.x] : [a.x, b.x + b.w];
      const mid = (x1 + x2) / 2;
      d = `M${x1},${ay} C${mid},${ay} ${mid},${by} ${x2},${by}`;
    }
    edges.append(
      el('path', {
        d,
        class: `zl-edge ${s.cls}`,
        'stroke-dasharray': s.dash || null,
        'marker-end': `url(#zl-arrow-${s.cls.slice(5)})`,
        'data-source': e.source,
        'data-target': e.target,
      }, el('title', { text: `${e.source} ${e.type} ${e.target}` })),
    );
  }
  for (const [id, p] of L.pos) {
    const n = p.node;
    const g = el(
      'g',
      {
        class: `zl-gnode zl-c-${n.class}`,
        tabindex: 0,
        role: 'button',
        'data-node': id,
        'aria-label': `${id} (${n.class}): show its links`,
        onclick: () => showRelated(id, { from: 'graph' }),
        onkeydown: (ev) => {
          if (ev.key === 'Enter' || ev.key === ' ') {
            ev.preventDefault();
            showRelated(id, { from: 'graph' });
          }
        },
      },
      el('rect', { x: p.x, y: p.y, width: p.w, height: p.h, rx: n.class === 'group' ? 2 : 9 }),
      el('text', { x: p.x + 8, y: p.y + p.h / 2 + 4 }, shortenStart(lastSegment(id), 21)),
      el('title', { text: `${id} (${n.class})` }),
    );
    svg.append(g);
  }
  $('zl-graph').append(svg);
}

/** The `related` view of one node, as `zarr-links related STORE NODE` lists it. */
function showRelated(node, { from } = {}) {
  if (!current) return;
  let view;
  try {
    view = JSON.parse(current.related(node));
  } catch (e) {
    $('zl-related').replaceChildren(el('p', { class: 'zl-bad', text: String(e.message ?? e) }));
    return;
  }
  $('zl-node').value = node;
  for (const g of document.querySelectorAll('.zl-gnode')) g.classList.toggle('zl-selected', g.dataset.node === node);
  const svg = document.querySelector('.zl-svg');
  if (svg) {
    svg.classList.add('zl-focus');
    for (const p of svg.querySelectorAll('.zl-edge')) p.classList.toggle('zl-on', p.dataset.source === node || p.dataset.target === node);
  }
  const rows = view.rows;
  const box = $('zl-related');
  const title = rows.length ? `${view.node} (${view.class}): ${plural(rows.length, 'link', 'links')} from and to it` : `${view.node} (${view.class}): no links from or to it`;
  const table = rows.length
    ? el(
        'table',
        { class: 'zl-table' },
        el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'dir' }), el('th', { scope: 'col', text: 'type' }), el('th', { scope: 'col', text: 'node' }), el('th', { scope: 'col', text: 'note' }))),
        el(
          'tbody',
          {},
          rows.map((r) => {
            const notes = [];
            if (r.other_class === 'external') notes.push('external');
            if (r.other_class === 'missing') notes.push('missing: no such node in the store');
            if (r.derived) notes.push(`derived inverse of the link declared on ${r.declared_on}`);
            if (r.via) notes.push(`via the enclosing group ${r.via}`);
            const other = ['group', 'array', 'missing', 'external'].includes(r.other_class)
              ? el('button', { type: 'button', class: 'zl-linkish', onclick: () => showRelated(r.other, { from: 'related' }) }, el('code', { text: r.other }))
              : el('code', { text: r.other });
            return el('tr', {}, el('td', { class: 'zl-nowrap', text: r.direction }), el('td', { class: 'zl-nowrap' }, el('code', { text: r.type })), el('td', {}, other), el('td', { text: notes.join('; ') }));
          }),
        ),
      )
    : null;
  box.replaceChildren(
    el('h4', { id: 'zl-related-title', tabindex: -1, text: title }),
    table,
    rows.length ? el('p', { class: 'zl-small', text: `out: "${view.node} <type> node"; in: "node <type> ${view.node}".` }) : null,
  );
  if (from === 'graph') box.scrollIntoView({ block: 'nearest' });
  if (from !== 'list') $('zl-related-title').focus({ preventScroll: true });
}

// ---------------------------------------------------------------- runs

async function run(mode, body) {
  clear();
  controls(false);
  setState('running', mode);
  try {
    await body();
  } catch (e) {
    console.error(e);
    fail('internal', 'The check stopped on an unexpected error.', `${e && e.name ? e.name : 'Error'}: ${e && e.message ? e.message : e}`, 'Please report it, with the store if you can.');
  } finally {
    controls(true);
    // Bring the result into view, and keyboard and screen-reader users to it.
    $('zl-output').focus();
  }
}

function finishCheck(check, extraOnNoMetadata) {
  const error = check.openError();
  if (error !== undefined) {
    fail('open', 'This is not a Zarr store the validator can open.', error, ...(extraOnNoMetadata ? [extraOnNoMetadata] : []));
    check.free();
    return;
  }
  const json = check.report();
  const report = JSON.parse(json);
  current = check;
  $('report-json').textContent = json;
  $('zl-json-part').hidden = false;
  renderReport(report, check);
  setState('done');
  status(`Done: ${report.valid ? 'valid' : 'invalid'}, ${plural(report.errors, 'error', 'errors')}, ${plural(report.warnings, 'warning', 'warnings')} in ${plural(report.nodes, 'node', 'nodes')}.`);
}

async function validateUrl(text) {
  let rootUrl;
  try {
    rootUrl = storeRoot(text);
    if (!/^https?:$/.test(rootUrl.protocol)) throw new Error(`${rootUrl.protocol} is not http: or https:`);
  } catch (e) {
    fail('input', 'That is not an http(s) URL.', `"${text}": ${e.message}. Give the URL of the store's root, e.g. https://example.org/data/product.zarr/`);
    return;
  }
  const params = new URLSearchParams(location.search);
  params.set('url', text.trim());
  history.replaceState(null, '', `?${params}${location.hash}`);
  status(`Reading ${rootUrl.href} …`);
  const check = wasm.StoreCheck.forUrl(rootUrl.href);
  const reader = urlReader(rootUrl);
  try {
    await drive(check, reader.read, { onRead: (n) => status(`Reading ${rootUrl.href} … ${plural(n, 'document', 'documents')} read`) });
  } catch (e) {
    check.free();
    if (e instanceof Unreachable) {
      fail(
        'unreachable',
        'The store could not be reached: the server did not answer, or it does not allow this page to read it (no CORS header).',
        `Reading ${e.url} failed: ${e.detail}.`,
        'A store on another site must be served with the CORS header Access-Control-Allow-Origin (for example "*"), or the browser hides it from this page. Browsers do not tell a page whether the server is down or only sends no such header; your browser\'s console says which. Check the address, or download the store and pick its folder on this page instead.',
      );
      return;
    }
    throw e;
  }
  const statuses = [...reader.state.statuses].map(([k, s]) => `${k}: HTTP ${s}`).join(', ');
  finishCheck(check, statuses ? `The server answered ${statuses}. Is the URL the store's root?` : null);
}

async function validateFolder(fileList) {
  const files = [...fileList];
  history.replaceState(null, '', location.pathname + location.hash);
  if (files.length === 0) {
    fail('empty', 'The folder is empty: the browser gave the page no file.', 'Pick the store\'s root folder, the one that holds zarr.json (Zarr v3) or .zgroup (Zarr v2).');
    return;
  }
  const entries = files.map((f) => ({ path: f.webkitRelativePath || f.name, size: f.size, read: async () => new Uint8Array(await f.arrayBuffer()) }));
  const name = entries[0].path.split('/')[0];
  const check = wasm.StoreCheck.forFolder(name);
  const folder = folderReader(check, entries);
  status(`Reading the folder ${name} (${plural(folder.files, 'file', 'files')}) …`);
  await drive(check, folder.read, { onRead: (n) => status(`Reading the folder ${name} … ${plural(n, 'document', 'documents')} read`) });
  // A store one level down (the picked folder holds the store's folder).
  const inner = [...new Set(entries.map((e) => e.path.split('/')).filter((p) => p.length === 3 && ['zarr.json', '.zgroup', '.zarray'].includes(p[2])).map((p) => p[1]))];
  const hint = inner.length
    ? `The folder ${name} holds ${inner.length === 1 ? 'a store' : 'stores'} one level down: pick ${inner.map((s) => `${name}/${s}`).join(' or ')} instead.`
    : 'Pick the store\'s root folder, the one that holds zarr.json (Zarr v3) or .zgroup (Zarr v2).';
  finishCheck(check, hint);
}

function validatePasted(text, kind, path) {
  history.replaceState(null, '', location.pathname + location.hash);
  if (!text.trim()) {
    fail('paste', 'Nothing to check: the text box is empty.', 'Paste one node\'s zarr.json, or its attributes object.');
    return;
  }
  const json = wasm.checkDocument(text, kind, path);
  const result = JSON.parse(json);
  $('report-json').textContent = JSON.stringify(result, null, 2);
  $('zl-json-part').hidden = false;
  if (result.refused) {
    fail('paste', 'The pasted text cannot be checked.', result.refused);
    return;
  }
  const header = $('zl-header');
  header.textContent = `checking the pasted document on its own, read as ${result.file}${result.kind ? ` (${result.kind === 'array' ? 'an array' : 'a group'})` : ''}: the schema-level rules only`;
  header.hidden = false;
  renderFindings(result.findings);
  const summary = $('zl-summary');
  summary.replaceChildren(
    el('strong', { class: result.valid ? 'zl-good' : 'zl-error-text', text: result.valid ? 'valid' : 'invalid' }),
    `: ${plural(result.errors, 'error', 'errors')}, ${plural(result.warnings, 'warning', 'warnings')} in the pasted document (schema-level checks; the whole store is needed for the others)`,
  );
  summary.hidden = false;
  root.dataset.valid = String(result.valid);
  setState('done');
  status(`Done: the pasted document is ${result.valid ? 'valid' : 'invalid'} at schema level, ${plural(result.errors, 'error', 'errors')}, ${plural(result.warnings, 'warning', 'warnings')}.`);
}

// ---------------------------------------------------------------- start

async function start() {
  if (!root) return;
  if (inPrint) {
    status('The validator runs on its own page, validate.html.');
    setState('print');
    return;
  }
  let mod;
  try {
    mod = await import('./pkg/zarr_links.js');
    await mod.default();
  } catch (e) {
    console.error(e);
    setState('unavailable');
    status('The validator is not available in this build of the book.');
    fail(
      'unavailable',
      'The validator is not available in this build of the book.',
      `Its WebAssembly files (validate/pkg/) could not be loaded: ${e && e.message ? e.message : e}.`,
      el('p', {}, 'They are built by ', el('code', { text: 'cargo xtask wasm' }), ' before ', el('code', { text: 'mdbook build' }), '. The page must also be served over http(s): browsers do not run WebAssembly modules from file:// pages. Meanwhile, the command line checks the same: ', el('code', { text: 'zarr-links validate STORE' }), '.'),
    );
    setState('unavailable');
    return;
  }
  wasm = mod;
  rules = new Map(JSON.parse(mod.rules()).map((r) => [r.id, r]));
  controls(true);
  setState('ready');
  status(`The validator (zarr-links ${mod.version()}) is ready. Give it a store.`);

  $('zl-url-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    run('url', () => validateUrl($('zl-url').value));
  });
  $('zl-folder').addEventListener('change', (ev) => {
    const files = ev.target.files;
    run('folder', () => validateFolder(files));
  });
  $('zl-paste-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    run('paste', async () => validatePasted($('zl-paste').value, $('zl-kind').value, $('zl-path').value));
  });

  const shared = new URLSearchParams(location.search).get('url');
  if (shared) {
    $('zl-url').value = shared;
    await run('url', () => validateUrl(shared));
  }
}

start();
