#!/usr/bin/env node
// Parses each file given with Mermaid's parser (mermaid.parse, in Node with a
// jsdom window) and exits 1 if any fails or is not a flowchart.
//
//   npm ci --prefix .ci/mermaid
//   node .ci/mermaid/check.mjs FILE.mmd...
import { JSDOM } from "jsdom";
import { readFileSync } from "node:fs";

const dom = new JSDOM("<!doctype html><html><body></body></html>", { pretendToBeVisual: true });
globalThis.window = dom.window;
globalThis.document = dom.window.document;
for (const k of ["Element", "HTMLElement", "Node", "DOMParser", "navigator", "DocumentFragment", "SVGElement"]) {
  if (!(k in globalThis)) {
    try {
      globalThis[k] = dom.window[k];
    } catch {
      // a read-only global of Node
    }
  }
}
const { default: mermaid } = await import("mermaid");
mermaid.initialize({ startOnLoad: false });
let failed = 0;
for (const file of process.argv.slice(2)) {
  try {
    const r = await mermaid.parse(readFileSync(file, "utf8"));
    if (!String(r.diagramType).startsWith("flowchart")) throw new Error(`not a flowchart: ${r.diagramType}`);
    console.log(`ok   ${file} (${r.diagramType})`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${file}: ${String(e.message || e).split("\n").slice(0, 3).join(" | ")}`);
  }
}
process.exit(failed ? 1 : 0);
