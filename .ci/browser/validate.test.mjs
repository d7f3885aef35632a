// The book's "Validate a store" page in a real browser: headless Debian
// Chromium, driven by puppeteer-core, opens the built book from a local
// HTTP server and checks stores by URL, by folder and by pasted text. The
// findings the page shows must equal `zarr-links validate --format json`.
// Each step saves a screenshot under target/browser-screenshots/.
//
//   cargo xtask wasm && mdbook build && cargo build -p zarr-links-cli
//   npm ci --prefix .ci/browser && node --test .ci/browser/
//
// Every server listens on 127.0.0.1 only: the book; a store server that
// sends CORS headers; the same stores without them; the book without its
// WebAssembly files. CHROMIUM names the browser (default /usr/bin/chromium),
// ZARR_LINKS_CLI the command line (default target/debug/zarr-links).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const BOOK = join(ROOT, 'book');
const SHOTS = join(ROOT, 'target/browser-screenshots');
const CLI = process.env.ZARR_LINKS_CLI ?? join(process.env.CARGO_TARGET_DIR ?? join(ROOT, 'target'), 'debug/zarr-links');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const TIMEOUT = 60_000;

for (const [what, path, how] of [
  ['the built book', join(BOOK, 'validate.html'), '`cargo xtask wasm && mdbook build`'],
  ["the book's WebAssembly", join(BOOK, 'validate/pkg/zarr_links_bg.wasm'), '`cargo xtask wasm && mdbook build`'],
  ['the command line', CLI, '`cargo build -p zarr-links-cli`'],
  ['Chromium', CHROMIUM, '`apt-get install chromium`'],
]) {
  if (!existsSync(path)) throw new Error(`${what} is missing (${path}): run ${how}`);
}

// ------------------------------------------------------------ servers

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
};

/** A static file server on 127.0.0.1; `mounts` maps URL prefixes to folders. */
function serve(mounts, { cors = false, refuse = null } = {}) {
  const server = createServer((req, res) => {
    const headers = cors ? { 'Access-Control-Allow-Origin': '*' } : {};
    let path;
    try {
      path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      res.writeHead(400, headers).end();
      return;
    }
    if (refuse && refuse.test(path)) {
      res.writeHead(404, headers).end('not here');
      return;
    }
    for (const [prefix, dir] of mounts) {
      if (!path.startsWith(prefix)) continue;
      let file = resolve(dir, `.${sep}${path.slice(prefix.length)}`);
      if (file !== dir && !file.startsWith(dir + sep)) break;
      if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
      if (!existsSync(file) || !statSync(file).isFile()) break;
      res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
      createReadStream(file).pipe(res);
      return;
    }
    res.writeHead(404, headers).end('not found');
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok({ server, url: `http://127.0.0.1:${server.address().port}` })));
}

/** A loopback port with nothing listening on it. */
async function closedPort() {
  const { server, url } = await serve([]);
  await new Promise((ok) => server.close(ok));
  return url;
}

// ------------------------------------------------------------ helpers

function cli(...args) {
  try {
    return JSON.parse(execFileSync(CLI, [...args, '--format', 'json'], { encoding: 'utf8' }));
  } catch (e) {
    if (e.status === 1) return JSON.parse(e.stdout);
    throw new Error(`zarr-links ${args.join(' ')}: exit ${e.status}: ${e.stderr}`);
  }
}

const shown = (f) => ({ rule: f.rule, severity: f.severity, node: f.node, file: f.file, pointer: f.pointer, message: f.message, hint: f.hint });

/** The findings the page shows, read back from the page. */
function pageFindings(page) {
  return page.$$eval('#zl-findings li.zl-finding', (items) =>
    items.map((li) => ({
      rule: li.dataset.rule,
      severity: li.querySelector('.zl-badge').textContent,
      node: li.dataset.node,
      file: li.dataset.file || null,
      pointer: li.dataset.pointer,
      message: li.querySelector('.zl-text').textContent,
      hint: li.querySelector('.zl-hint') ? li.querySelector('.zl-hint').textContent.replace(/^hint: /, '') : null,
      href: li.querySelector('a.zl-rule')?.getAttribute('href'),
      shownRule: li.querySelector('a.zl-rule')?.textContent,
    })),
  );
}

async function settled(page) {
  await page.waitForFunction(() => ['done', 'error', 'unavailable'].includes(document.getElementById('zl-validate')?.dataset.state), { timeout: TIMEOUT });
  return page.$eval('#zl-validate', (e) => ({ ...e.dataset }));
}

/** Marks the page so that `settled` waits for the run about to start. */
async function pending(page) {
  await page.$eval('#zl-validate', (e) => {
    e.dataset.state = 'test-pending';
  });
}

async function shot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  // From the top: the book's sticky bar would otherwise stand mid-picture.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

async function message(page) {
  return page.$eval('#zl-message', (m) => ({ hidden: m.hidden, kind: m.dataset.kind, text: m.innerText }));
}

async function reportJson(page) {
  return JSON.parse(await page.$eval('#report-json', (e) => e.textContent));
}

/** The page still answers: every control is enabled again. */
async function responsive(page) {
  const disabled = await page.$$eval('#zl-validate input, #zl-validate button, #zl-validate textarea, #zl-validate select', (els) => els.filter((e) => e.disabled).map((e) => e.id));
  assert.deepEqual(disabled, [], 'no control is left disabled');
}

/** A copy of a consolidated Sentinel-2 store with one link target broken, in the documents and in the consolidated metadata. */
function brokenCopy(store, into) {
  cpSync(store, into, { recursive: true });
  const node = 'quality/mask/r10m/b04';
  const [from, to] = ['/measurements/reflectance/r10m/b04', '/measurements/reflectance/r10m/b05'];
  const edit = (links) => {
    const link = links.find((l) => l.target === from);
    assert.ok(link, `${node} links to ${from}`);
    link.target = to;
  };
  if (existsSync(join(into, '.zmetadata'))) {
    const attrs = JSON.parse(readFileSync(join(into, node, '.zattrs'), 'utf8'));
    edit(attrs['links:relationships']);
    writeFileSync(join(into, node, '.zattrs'), JSON.stringify(attrs, null, 2));
    const meta = JSON.parse(readFileSync(join(into, '.zmetadata'), 'utf8'));
    edit(meta.metadata[`${node}/.zattrs`]['links:relationships']);
    writeFileSync(join(into, '.zmetadata'), JSON.stringify(meta, null, 2));
  } else {
    const doc = JSON.parse(readFileSync(join(into, node, 'zarr.json'), 'utf8'));
    edit(doc.attributes['links:relationships']);
    writeFileSync(join(into, node, 'zarr.json'), JSON.stringify(doc, null, 2));
    const root = JSON.parse(readFileSync(join(into, 'zarr.json'), 'utf8'));
    edit(root.consolidated_metadata.metadata[node].attributes['links:relationships']);
    writeFileSync(join(into, 'zarr.json'), JSON.stringify(root, null, 2));
  }
}

function consolidated(store) {
  if (existsSync(join(store, '.zmetadata'))) return true;
  const root = join(store, 'zarr.json');
  return existsSync(root) && 'consolidated_metadata' in JSON.parse(readFileSync(root, 'utf8'));
}

// ------------------------------------------------------------ setup

const USE_CASES = 'conformance/valid/use-cases';
const SENTINEL = ['sentinel2-l2a-v3', 'sentinel2-l2a-v2'].filter((s) => consolidated(join(ROOT, USE_CASES, s, 'store')));
let book, stores, noCors, bare, unreachable, browser, page, tmp;
const errors = [];

before(async () => {
  assert.ok(SENTINEL.length > 0, 'a Sentinel-2 use-case store has consolidated metadata');
  tmp = mkdtempSync(join(tmpdir(), 'zl-browser-'));
  book = await serve([['/', BOOK]]);
  const mounts = [
    ['/conformance/', join(ROOT, 'conformance')],
    ['/tmp/', tmp],
  ];
  stores = await serve(mounts, { cors: true });
  noCors = await serve(mounts);
  bare = await serve([['/', BOOK]], { refuse: /^\/validate\/pkg\// });
  unreachable = await closedPort();
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  page = await browser.newPage();
  await page.setViewport({ width: 1200, height: 900 });
  page.setDefaultTimeout(TIMEOUT);
  page.on('pageerror', (e) => errors.push(String(e)));
});

after(async () => {
  await browser?.close();
  for (const s of [book, stores, noCors, bare]) s?.server.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const validateHtml = (query = '') => `${book.url}/validate.html${query}`;
const storeUrl = (rel, server = stores) => `${server.url}/${rel.split('/').map(encodeURIComponent).join('/')}/`;

// ------------------------------------------------------------ tests

for (const s of SENTINEL) {
  test(`${s} by URL (?url=): valid, every node, the CLI's findings; a clicked node shows its related view`, async () => {
    const rel = `${USE_CASES}/${s}/store`;
    await page.goto(validateHtml(`?url=${encodeURIComponent(storeUrl(rel))}`));
    const state = await settled(page);
    assert.equal(state.state, 'done', (await message(page)).text);
    const report = await reportJson(page);
    const expected = cli('validate', join(ROOT, rel));
    assert.equal(report.valid, true);
    assert.equal(report.coverage, 'consolidated');
    assert.equal(report.nodes, expected.nodes);
    assert.deepEqual(report.findings, expected.findings);
    assert.deepEqual((await pageFindings(page)).map(shown), expected.findings.map(shown));
    const summary = await page.$eval('#zl-summary', (e) => e.textContent);
    assert.equal(summary, `valid: ${expected.errors} errors, ${expected.warnings} warnings in ${expected.nodes} nodes`.replace('1 errors', '1 error').replace('1 warnings', '1 warning'));
    assert.deepEqual(errors, []);
    await shot(page, `url-valid-${s}`);

    // The link graph: click B04, compare with `zarr-links related`.
    const b04 = '/measurements/reflectance/r10m/b04';
    await page.click(`.zl-gnode[data-node="${b04}"]`);
    await page.waitForSelector('#zl-related table');
    const rows = await page.$$eval('#zl-related tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
    const related = cli('related', join(ROOT, rel), b04);
    assert.ok(related.length >= 5, 'B04 has masks, quicklook, NDVI and a 20 m copy linked to it');
    assert.deepEqual(
      rows.map((r) => r.slice(0, 3)),
      related.map((r) => [r.direction, r.type, r.direction === 'out' ? r.target : r.source]),
    );
    const selected = await page.$$eval('.zl-gnode.zl-selected', (g) => g.map((e) => e.dataset.node));
    assert.deepEqual(selected, [b04]);
    const lit = await page.$$eval('.zl-edge.zl-on', (p) => p.length);
    assert.ok(lit >= 5, `the links of B04 are highlighted (${lit})`);
    await (await page.$('#zl-graph-part')).screenshot({ path: join(SHOTS, `graph-related-${s}.png`) });

    // The keyboard reaches the same view: a focused node and Enter.
    const ndvi = '/indices/ndvi';
    await page.$eval(`.zl-gnode[data-node="${ndvi}"]`, (g) => g.focus());
    await page.keyboard.press('Enter');
    await page.waitForFunction((n) => document.querySelector('#zl-related h4')?.textContent.startsWith(n), {}, ndvi);
    const ndviRows = await page.$$eval('#zl-related tbody tr', (trs) => trs.length);
    assert.equal(ndviRows, cli('related', join(ROOT, rel), ndvi).length);
  });
}

test('an invalid store by URL (no consolidated metadata): the CLI\'s findings, and a plain partial notice', async () => {
  const rel = 'conformance/invalid/targets/target_not_found/store';
  await page.goto(validateHtml());
  await page.waitForFunction(() => document.getElementById('zl-validate').dataset.state === 'ready');
  await page.type('#zl-url', storeUrl(rel));
  await pending(page);
  await page.click('#zl-url-go');
  const state = await settled(page);
  assert.equal(state.state, 'done');
  assert.equal(state.valid, 'false');
  const report = await reportJson(page);
  const expected = cli('validate', join(ROOT, rel));
  assert.equal(report.coverage, 'reached');
  assert.deepEqual(report.findings, expected.findings);
  const shownFindings = await pageFindings(page);
  assert.deepEqual(shownFindings.map(shown), expected.findings.map(shown));
  assert.ok(shownFindings.length > 0);
  for (const f of shownFindings) {
    assert.equal(f.shownRule, f.rule);
    // The rule links to the paragraph that states it, and that anchor exists.
    const [chapter, anchor] = f.href.split('#');
    assert.equal(anchor, `r-${f.rule}`);
    const html = readFileSync(join(BOOK, chapter), 'utf8');
    assert.ok(html.includes(`id="${anchor}"`), `${chapter} has #${anchor}`);
  }
  const notice = await page.$eval('#zl-coverage', (e) => ({ hidden: e.hidden, text: e.textContent }));
  assert.equal(notice.hidden, false);
  assert.match(notice.text, /^Partial check: /);
  const summary = await page.$eval('#zl-summary', (e) => e.textContent);
  assert.equal(summary, `invalid: 1 error, 0 warnings in ${report.nodes} nodes`);
  // The address now holds ?url= for sharing.
  assert.equal(new URL(page.url()).searchParams.get('url'), storeUrl(rel));
  await shot(page, 'url-invalid-target-not-found');
});

test('a broken copy of the Sentinel-2 store by URL shows the same finding, word for word, as zarr-links validate', async () => {
  const s = SENTINEL[0];
  brokenCopy(join(ROOT, USE_CASES, s, 'store'), join(tmp, 'broken'));
  const expected = cli('validate', join(tmp, 'broken'));
  assert.equal(expected.errors, 1);
  await page.goto(validateHtml(`?url=${encodeURIComponent(`${stores.url}/tmp/broken/`)}`));
  await settled(page);
  assert.deepEqual((await pageFindings(page)).map(shown), expected.findings.map(shown));
  const text = await page.$eval('#zl-findings li.zl-finding', (li) => li.innerText);
  const f = expected.findings[0];
  for (const part of [f.rule, `${f.file}#${f.pointer}`, f.message, f.hint ?? '']) assert.ok(text.includes(part), `${JSON.stringify(part)} is shown in ${JSON.stringify(text)}`);
  await shot(page, 'url-broken-sentinel2');
});

test('a store picked as a folder: valid, every node, the whole report equals the CLI\'s', async () => {
  for (const s of ['sentinel2-l2a-v3', 'sentinel2-l2a-v2']) {
    const dir = join(ROOT, USE_CASES, s, 'store');
    await page.goto(validateHtml());
    await page.waitForFunction(() => document.getElementById('zl-validate').dataset.state === 'ready');
    await pending(page);
    await (await page.$('#zl-folder')).uploadFile(dir);
    const state = await settled(page);
    assert.equal(state.state, 'done', (await message(page)).text);
    const report = await reportJson(page);
    const expected = cli('validate', dir);
    assert.equal(report.store, 'store', 'the folder\'s name');
    assert.equal(report.coverage, 'complete');
    assert.deepEqual({ ...report, store: dir }, expected);
    assert.deepEqual((await pageFindings(page)).map(shown), expected.findings.map(shown));
    if (s === 'sentinel2-l2a-v2') await shot(page, `folder-valid-${s}`);
  }
});

test('an invalid v2 store picked as a folder (dot files and consolidated metadata): the CLI\'s report', async () => {
  const dir = join(ROOT, 'conformance/invalid/stores/consolidated_disagrees_v2/store');
  await page.goto(validateHtml());
  await page.waitForFunction(() => document.getElementById('zl-validate').dataset.state === 'ready');
  await pending(page);
  await (await page.$('#zl-folder')).uploadFile(dir);
  await settled(page);
  const report = await reportJson(page);
  const expected = cli('validate', dir);
  assert.equal(expected.valid, false);
  assert.deepEqual({ ...report, store: dir }, expected);
  assert.deepEqual((await pageFindings(page)).map(shown), expected.findings.map(shown));
  await shot(page, 'folder-invalid-consolidated-disagrees');
});

test('a pasted broken document: the CLI\'s findings for that document', async () => {
  const rel = 'conformance/invalid/targets/relative_path/store';
  const expected = cli('validate', join(ROOT, rel));
  assert.equal(expected.findings.length, 1);
  assert.ok(expected.findings[0].hint.includes('read from'), 'the hint reads the relative target from the node');
  const file = expected.findings[0].file;
  const text = readFileSync(join(ROOT, rel, file), 'utf8');
  await page.goto(validateHtml());
  await page.waitForFunction(() => document.getElementById('zl-validate').dataset.state === 'ready');
  await page.$eval('#zl-paste', (t, v) => {
    t.value = v;
  }, text);
  await page.type('#zl-path', expected.findings[0].node);
  await pending(page);
  await page.click('#zl-paste-go');
  const state = await settled(page);
  assert.equal(state.state, 'done');
  assert.equal(state.valid, 'false');
  // With its node's path, the pasted document gives the CLI's finding,
  // node, file, pointer, message and hint.
  assert.deepEqual((await pageFindings(page)).map(shown), expected.findings.map(shown));
  await shot(page, 'paste-broken-document');
});

// ------------------------------------------------------------ failure paths

test('an unreachable URL: a clear message, and the page still answers', async () => {
  await page.goto(validateHtml(`?url=${encodeURIComponent(`${unreachable}/store/`)}`));
  const state = await settled(page);
  assert.equal(state.state, 'error');
  const m = await message(page);
  assert.equal(m.hidden, false);
  assert.equal(m.kind, 'unreachable');
  assert.match(m.text, /could not be reached/);
  assert.match(m.text, /Access-Control-Allow-Origin/);
  assert.ok(m.text.includes(`${unreachable}/store/zarr.json`), m.text);
  await responsive(page);
  await shot(page, 'fail-unreachable-url');
});

test('a server without CORS headers: the page says so plainly', async () => {
  const rel = `${USE_CASES}/${SENTINEL[0]}/store`;
  await page.goto(validateHtml(`?url=${encodeURIComponent(storeUrl(rel, noCors))}`));
  const state = await settled(page);
  assert.equal(state.state, 'error');
  const m = await message(page);
  assert.equal(m.kind, 'unreachable');
  assert.match(m.text, /no CORS header/);
  assert.match(m.text, /Access-Control-Allow-Origin/);
  await responsive(page);
  await shot(page, 'fail-no-cors');
  // The same store with the header is fine: it was the header.
  await pending(page);
  await page.$eval('#zl-url', (i) => {
    i.value = '';
  });
  await page.type('#zl-url', storeUrl(rel));
  await page.click('#zl-url-go');
  assert.equal((await settled(page)).state, 'done');
});

test('a folder that is not a Zarr store: a clear message naming the store inside it', async () => {
  // A case folder holds case.json and the store one level down.
  const dir = join(ROOT, 'conformance/valid/discovery/root_index');
  await page.goto(validateHtml());
  await page.waitForFunction(() => document.getElementById('zl-validate').dataset.state === 'ready');
  await pending(page);
  await (await page.$('#zl-folder')).uploadFile(dir);
  const state = await settled(page);
  assert.equal(state.state, 'error');
  const m = await message(page);
  assert.equal(m.kind, 'open');
  assert.match(m.text, /no Zarr metadata at the root/);
  assert.match(m.text, /pick root_index\/store instead/);
  await responsive(page);
  await shot(page, 'fail-folder-not-a-store');
});

test('pasted text that is not JSON: a clear message', async () => {
  await page.goto(validateHtml());
  await page.waitForFunction(() => document.getElementById('zl-validate').dataset.state === 'ready');
  await page.type('#zl-paste', 'links:relationships = [b04]');
  await pending(page);
  await page.click('#zl-paste-go');
  const state = await settled(page);
  assert.equal(state.state, 'error');
  const m = await message(page);
  assert.equal(m.kind, 'paste');
  assert.match(m.text, /cannot be checked/);
  assert.match(m.text, /not valid JSON/);
  await responsive(page);
  await shot(page, 'fail-paste-not-json');
});

test('a book built without the WebAssembly files says so, and the rest of the page stays', async () => {
  await page.goto(`${bare.url}/validate.html`);
  const state = await settled(page);
  assert.equal(state.state, 'unavailable');
  const m = await message(page);
  assert.match(m.text, /not available in this build of the book/);
  assert.match(m.text, /cargo xtask wasm/);
  await shot(page, 'fail-missing-wasm');
});

test('a narrow screen: no horizontal overflow of the page, the findings wrap', async () => {
  await page.setViewport({ width: 390, height: 844 });
  try {
    const rel = 'conformance/invalid/targets/target_not_found/store';
    await page.goto(validateHtml(`?url=${encodeURIComponent(storeUrl(rel))}`));
    assert.equal((await settled(page)).state, 'done');
    const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, view: window.innerWidth }));
    assert.ok(widths.page <= widths.view, `page ${widths.page}px wide in a ${widths.view}px window`);
    await shot(page, 'narrow-invalid');
    await (await page.$('#zl-output')).screenshot({ path: join(SHOTS, 'narrow-invalid-result.png') });
  } finally {
    await page.setViewport({ width: 1200, height: 900 });
  }
});

test('readable contrast in a light and a dark theme (WCAG AA, 4.5:1 for text)', async (t) => {
  const rel = 'conformance/invalid/targets/target_not_found/store';
  for (const theme of ['light', 'navy']) {
    await page.goto(validateHtml());
    await page.evaluate((t) => localStorage.setItem('mdbook-theme', t), theme);
    await page.goto(validateHtml(`?url=${encodeURIComponent(storeUrl(rel))}`));
    assert.equal((await settled(page)).state, 'done');
    assert.equal(await page.evaluate(() => document.documentElement.classList.contains(localStorage.getItem('mdbook-theme'))), true);
    const ratios = await page.evaluate(() => {
      const rgb = (c) => (c.match(/[\d.]+/g) ?? []).map(Number);
      const lum = ([r, g, b]) => {
        const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
      };
      const background = (e) => {
        for (; e; e = e.parentElement) {
          const c = rgb(getComputedStyle(e).backgroundColor);
          if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c.slice(0, 3);
        }
        return [255, 255, 255];
      };
      const out = {};
      for (const sel of ['.zl-text', '.zl-badge-error', 'a.zl-rule', 'a.zl-rule code', '.zl-where', '.zl-summary', '.zl-summary strong', '.zl-notice', '#zl-message', '.zl-header', '.zl-legend-item', 'label[for="zl-url"]', '#zl-url', '#zl-url-go']) {
        const e = document.querySelector(sel);
        if (!e || e.hidden) continue;
        const [a, b] = [lum(rgb(getComputedStyle(e).color)), lum(background(e))];
        out[sel] = Math.round(((Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)) * 10) / 10;
      }
      return out;
    });
    t.diagnostic(`${theme}: ${Object.entries(ratios).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    assert.ok(Object.keys(ratios).length >= 10, JSON.stringify(ratios));
    for (const [sel, ratio] of Object.entries(ratios)) assert.ok(ratio >= 4.5, `${theme}: ${sel} has contrast ${ratio}:1`);
    await shot(page, `theme-${theme}`);
  }
  await page.evaluate(() => localStorage.removeItem('mdbook-theme'));
});
