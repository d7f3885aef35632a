// Verdict agreement: every conformance case, checked by the WebAssembly
// build of the validator (the very files the book ships, driven by the
// page's own driver.js as a picked folder: listed, every document read), gives the
// same report as `zarr-links validate --format json` on the same store.
//
//   cargo xtask wasm && cargo build -p zarr-links-cli
//   node --test crates/zarr-links-wasm/tests/node/
//
// ZARR_LINKS_CLI names the command line (default: target/debug/zarr-links,
// under CARGO_TARGET_DIR when set).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..');
const PKG = join(ROOT, 'spec/validate/pkg');
const CLI =
  process.env.ZARR_LINKS_CLI ??
  join(process.env.CARGO_TARGET_DIR ?? join(ROOT, 'target'), 'debug/zarr-links');

// Cases a folder picked in a browser cannot reproduce. A browser hands the
// page files, never symbolic links: it follows them or leaves them out, so
// a link that leaves the root or loops (`links.store.layout`) cannot reach
// the page as such.
const EXCLUDED = new Map([
  ['invalid/stores/symlink_outside_root', 'a symbolic link leaving the root: a browser folder picker gives files, not links'],
  ['invalid/stores/symlink_loop', 'a loop of symbolic links: a browser folder picker gives files, not links'],
  ['invalid/stores/symlink_alias', 'symbolic links that alias directories: a browser folder picker gives files, not links'],
]);

if (!existsSync(join(PKG, 'zarr_links_bg.wasm'))) {
  throw new Error(`${PKG} has no zarr_links_bg.wasm: run \`cargo xtask wasm\` first`);
}
if (!existsSync(CLI)) {
  throw new Error(`${CLI} does not exist: build it with \`cargo build -p zarr-links-cli\` or set ZARR_LINKS_CLI`);
}

const { initSync, StoreCheck, checkDocument, rules } = await import(join(PKG, 'zarr_links.js'));
const { drive, folderReader, absent } = await import(join(ROOT, 'spec/validate/driver.js'));
initSync({ module: readFileSync(join(PKG, 'zarr_links_bg.wasm')) });
const LEVEL = new Map(JSON.parse(rules()).map((r) => [r.id, r.level]));

/** Every case folder with a store, relative to conformance/. */
function cases() {
  const out = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (!e.isDirectory() || e.name === 'store') continue;
      const sub = join(dir, e.name);
      if (existsSync(join(sub, 'case.json')) && existsSync(join(sub, 'store'))) out.push(sub);
      else walk(sub);
    }
  };
  for (const side of ['valid', 'invalid']) walk(join(ROOT, 'conformance', side));
  return out.map((d) => relative(join(ROOT, 'conformance'), d)).sort();
}

/** The files under `dir` as a picked folder gives them: `store/<key>`. */
function pickedFolder(dir) {
  const out = [];
  const walk = (sub) => {
    for (const e of readdirSync(join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${e.name}` : e.name;
      const full = join(dir, rel);
      if (lstatSync(full).isSymbolicLink()) {
        throw new Error(`${full} is a symbolic link: exclude the case, with the reason`);
      }
      if (e.isDirectory()) walk(rel);
      else out.push({ path: `store/${rel}`, size: lstatSync(full).size, read: async () => new Uint8Array(readFileSync(full)) });
    }
  };
  walk('');
  return out;
}

/** The CLI's report (or its exit-2 message) for a store. */
function cli(store) {
  try {
    return { report: JSON.parse(execFileSync(CLI, ['validate', store, '--format', 'json'], { encoding: 'utf8' })) };
  } catch (e) {
    if (e.status === 1) return { report: JSON.parse(e.stdout) };
    if (e.status === 2) return { error: e.stderr.trim().replace(/^zarr-links validate: /, '') };
    throw e;
  }
}

/** The WebAssembly build's report (or open error) for a store, as a picked folder. */
async function wasm(store) {
  const check = StoreCheck.forFolder(store);
  try {
    const folder = folderReader(check, pickedFolder(store));
    await drive(check, folder.read);
    const error = check.openError();
    if (error !== undefined) return { error };
    return { report: JSON.parse(check.report()) };
  } finally {
    check.free();
  }
}

const all = cases();

test('the suite has its cases', () => {
  // A wrong path would make every test below vacuous.
  assert.ok(all.length >= 100, `found ${all.length} cases`);
  for (const name of EXCLUDED.keys()) assert.ok(all.includes(name), `excluded case ${name} exists`);
});

for (const name of all) {
  const why = EXCLUDED.get(name);
  test(`${name}: the WebAssembly report equals the CLI's`, { skip: why }, async () => {
    const store = join(ROOT, 'conformance', name, 'store');
    const expected = cli(store);
    const got = await wasm(store);
    if (expected.error !== undefined) {
      assert.equal(got.error, expected.error);
      return;
    }
    assert.equal(got.error, undefined, `the WebAssembly build could not open it: ${got.error}`);
    // Both name the store as they were given it: the same path here.
    assert.equal(got.report.store, store);
    assert.deepEqual(got.report, expected.report);
    assert.equal(name.startsWith('valid/'), got.report.valid, 'the verdict matches the folder');
  });
}

// A store given by URL is not listed: consolidated metadata is read first
// and trusted. These drive the same loader with a reader that answers
// single keys only, as an HTTP server does.
for (const name of ['valid/use-cases/sentinel2-l2a-v2', 'valid/use-cases/sentinel2-l2a-v3']) {
  const store = join(ROOT, 'conformance', name, 'store');
  test(`${name} by URL: consolidated metadata alone gives the CLI's findings`, async () => {
    const check = StoreCheck.forUrl(`http://127.0.0.1/${name}/`);
    const keys = [];
    await drive(check, async (key) => {
      keys.push(key);
      const file = join(store, ...key.split('/'));
      return existsSync(file) ? { bytes: new Uint8Array(readFileSync(file)) } : absent;
    });
    const report = JSON.parse(check.report());
    check.free();
    const expected = cli(store).report;
    assert.equal(report.coverage, 'consolidated');
    assert.ok(keys.length <= 2, `at most two reads, got ${keys}`);
    assert.equal(report.nodes, expected.nodes);
    assert.ok(report.nodes > 150, `the whole product, got ${report.nodes} nodes`);
    assert.equal(report.valid, true);
    assert.deepEqual(report.findings, expected.findings);
  });
}

test('a store by URL without consolidated metadata is checked partially, from the root', async () => {
  const store = join(ROOT, 'conformance/valid/discovery/root_index/store');
  const check = StoreCheck.forUrl('http://127.0.0.1/root_index/');
  await drive(check, async (key) => {
    const file = join(store, ...key.split('/'));
    return existsSync(file) ? { bytes: new Uint8Array(readFileSync(file)) } : absent;
  });
  const report = JSON.parse(check.report());
  check.free();
  assert.equal(report.coverage, 'reached');
  assert.ok(report.nodes > 1, 'the index led to more nodes than the root');
});

// Pasted documents: every node document of every case without consolidated
// metadata, pasted on its own with its node's path, gives the CLI's
// findings for that file, word for word and with the same node and file, under
// the rules one document decides: the schema-level rules, and the
// document's own problems (`links.store.metadata`). Documents that are no
// JSON object are refused instead (a separate test below).
test('every pasted node document gives the CLI\'s schema-level findings for that file', (t) => {
  let compared = 0;
  let withFindings = 0;
  for (const name of all) {
    if (EXCLUDED.has(name)) continue;
    const store = join(ROOT, 'conformance', name, 'store');
    const files = pickedFolder(store).map((f) => f.path.slice('store/'.length));
    if (files.includes('.zmetadata') || JSON.parse(readFileSync(join(store, files.includes('zarr.json') ? 'zarr.json' : '.zgroup'), 'utf8')).consolidated_metadata) continue;
    const expected = cli(store).report;
    if (!expected) continue;
    for (const file of files.filter((f) => /(^|\/)(zarr\.json|\.zattrs)$/.test(f))) {
      const text = readFileSync(join(store, ...file.split('/')));
      let parsed;
      try {
        parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(text));
      } catch {
        continue;
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) continue;
      const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/') + 1) : '';
      const kind = files.includes(`${dir}.zarray`) ? 'array' : 'group';
      // As pasted: a byte order mark stays in the text.
      const node = `/${dir.replace(/\/$/, '')}`;
      const got = JSON.parse(checkDocument(new TextDecoder('utf-8', { ignoreBOM: true }).decode(text), kind, node));
      const strip = (f) => ({ rule: f.rule, severity: f.severity, node: f.node, file: f.file, pointer: f.pointer, message: f.message, hint: f.hint });
      const want = expected.findings.filter((f) => f.file === file && (LEVEL.get(f.rule) === 'schema' || f.rule === 'links.store.metadata')).map(strip);
      if (got.refused !== undefined) {
        // A document the validator refuses (nested too deep): the CLI
        // reports it under links.store.metadata, with the same words.
        assert.equal(want.length, 1, `${name}/${file}: ${got.refused}`);
        assert.equal(want[0].rule, 'links.store.metadata');
        assert.ok(got.refused.startsWith(want[0].message), `${name}/${file}: ${got.refused}`);
        compared += 1;
        continue;
      }
      assert.deepEqual(got.findings.map(strip), want, `${name}/${file}`);
      assert.equal(got.file, file);
      compared += 1;
      if (want.length) withFindings += 1;
    }
  }
  t.diagnostic(`compared ${compared} pasted documents, ${withFindings} of them with findings`);
  assert.ok(compared > 300 && withFindings > 20, `compared ${compared} documents, ${withFindings} with findings`);
});

test('pasted text that is not a JSON object is refused with the parser\'s message', () => {
  for (const [text, words] of [
    ['{"zarr_format": 3,', /truncated/],
    ['links:relationships = []', /not valid JSON/],
    ['[1, 2]', /a JSON array; expected a JSON object/],
    ['', /not valid JSON|ends early/],
  ]) {
    const got = JSON.parse(checkDocument(text, 'group', ''));
    assert.match(got.refused ?? '', words, text);
  }
});
