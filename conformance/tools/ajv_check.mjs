#!/usr/bin/env node
// Schema-level verdicts of every node document in the suite, by ajv (draft-07).
//
//   npm ci --prefix conformance/tools
//   node conformance/tools/ajv_check.mjs           # compare with conformance/schema-verdicts.json
//   node conformance/tools/ajv_check.mjs --print   # print ajv's verdicts as JSON
//
// The documents and schemas are chosen exactly as schema_check.py describes
// (zarr.json -> schema/links.schema.json, .zattrs -> schema/links-attributes.schema.json,
// entries of inline consolidated metadata and of .zmetadata, symlinks skipped,
// files that are not strict UTF-8 JSON or nest 128 or more levels deep left out).
//
// ajv settings: `strict: true` with no option relaxed (unknown keywords,
// unknown formats, ignored keywords, union types, missing types and
// properties required but not defined are compile errors), and any warning
// ajv logs fails the check. The schemas use no `format`. Regular
// expressions are ajv's default, ECMAScript with the `u` flag.

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Ajv from "ajv";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CONFORMANCE = path.dirname(HERE);
const ROOT = path.dirname(CONFORMANCE);
const VERDICTS = path.join(CONFORMANCE, "schema-verdicts.json");

const warnings = [];
const logger = { log: console.log, warn: (...m) => warnings.push(m.join(" ")), error: console.error };
const ajv = new Ajv({ strict: true, allErrors: false, logger });
const load = (p) => JSON.parse(fs.readFileSync(p, "utf8"));
const validators = {
  node: ajv.compile(load(path.join(ROOT, "schema", "links.schema.json"))),
  attrs: ajv.compile(load(path.join(ROOT, "schema", "links-attributes.schema.json"))),
};
if (warnings.length) {
  console.error(`ajv warned while compiling the schemas in strict mode:\n  ${warnings.join("\n  ")}`);
  process.exit(1);
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

const MAX_DEPTH = 128;

// Levels of array/object nesting: 0 for a scalar, 1 for [] or {}.
function depth(doc) {
  let best = 0;
  const stack = [[doc, 1]];
  while (stack.length) {
    const [v, d] = stack.pop();
    if (v !== null && typeof v === "object") {
      best = Math.max(best, d);
      for (const c of Array.isArray(v) ? v : Object.values(v)) stack.push([c, d + 1]);
    }
  }
  return best;
}

function loadStrict(file) {
  const raw = fs.readFileSync(file);
  if (raw.length >= 3 && raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf) return undefined;
  let doc;
  try {
    doc = JSON.parse(utf8.decode(raw));
  } catch {
    return undefined;
  }
  return depth(doc) >= MAX_DEPTH ? undefined : { doc };
}

function findCases() {
  const out = [];
  const walk = (dir) => {
    const entries = fs.readdirSync(dir, { withFileTypes: true });
    if (entries.some((e) => e.isFile() && e.name === "case.json")) {
      out.push(path.relative(CONFORMANCE, dir).split(path.sep).join("/"));
      return;
    }
    for (const e of entries) if (e.isDirectory()) walk(path.join(dir, e.name));
  };
  for (const top of ["valid", "invalid"]) {
    const base = path.join(CONFORMANCE, top);
    if (fs.existsSync(base)) walk(base);
  }
  return out.sort();
}

const isObj = (x) => x !== null && typeof x === "object" && !Array.isArray(x);

function documents(caseDir) {
  const out = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isSymbolicLink()) continue;
      if (e.isDirectory()) {
        walk(full);
        continue;
      }
      if (!e.isFile() || ![".zattrs", "zarr.json", ".zmetadata"].includes(e.name)) continue;
      const parsed = loadStrict(full);
      if (parsed === undefined) continue;
      const rel = path.relative(caseDir, full).split(path.sep).join("/");
      const doc = parsed.doc;
      if (e.name === "zarr.json") {
        out.push([rel, "node", doc]);
        const meta = isObj(doc) && isObj(doc.consolidated_metadata) ? doc.consolidated_metadata.metadata : undefined;
        if (isObj(meta)) for (const [k, v] of Object.entries(meta)) out.push([`${rel}#${k}`, "node", v]);
      } else if (e.name === ".zattrs") {
        out.push([rel, "attrs", doc]);
      } else {
        const meta = isObj(doc) ? doc.metadata : undefined;
        if (isObj(meta))
          for (const [k, v] of Object.entries(meta))
            if (k === ".zattrs" || k.endsWith("/.zattrs")) out.push([`${rel}#${k}`, "attrs", v]);
      }
    }
  };
  const store = path.join(caseDir, "store");
  if (fs.existsSync(store)) walk(store);
  return out;
}

function compute() {
  const out = {};
  for (const c of findCases()) {
    out[c] = {};
    for (const [id, kind, doc] of documents(path.join(CONFORMANCE, c))) out[c][id] = validators[kind](doc);
  }
  return out;
}

const verdicts = compute();
if (process.argv.includes("--print")) {
  console.log(JSON.stringify(verdicts, null, 2));
  process.exit(0);
}

const committed = load(VERDICTS);
const word = (x) => (x === true ? "accept" : x === false ? "reject" : "(no document)");
const problems = [];
for (const c of [...new Set([...Object.keys(verdicts), ...Object.keys(committed)])].sort()) {
  const a = verdicts[c];
  const b = committed[c];
  if (!a) { problems.push(`${c}: in schema-verdicts.json but not in the suite`); continue; }
  if (!b) { problems.push(`${c}: not in schema-verdicts.json`); continue; }
  for (const d of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort())
    if (a[d] !== b[d]) problems.push(`${c} ${d}: ajv says ${word(a[d])}, schema-verdicts.json says ${word(b[d])}`);
  const desc = load(path.join(CONFORMANCE, c, "case.json"));
  const rejected = Object.keys(a).filter((d) => !a[d]).sort();
  if (desc.valid === false && desc.level === "schema") {
    if (rejected.length === 0) problems.push(`${c}: level 'schema' but the schemas accept every document`);
  } else if (rejected.length > 0) {
    problems.push(`${c}: the schemas reject ${rejected.join(", ")} but the case is not a schema-level invalid case`);
  }
}
const n = Object.values(verdicts).reduce((s, d) => s + Object.keys(d).length, 0);
for (const p of problems) console.error(`DISAGREE ${p}`);
if (problems.length) {
  console.error(`ajv: ${problems.length} disagreement(s) over ${n} documents`);
  process.exit(1);
}
console.log(`ajv: ${n} documents in ${Object.keys(verdicts).length} cases agree with schema-verdicts.json and the case levels`);
