// Drives the validator's loader (a `StoreCheck` of the WebAssembly module)
// from JavaScript: the loader says which keys it needs, a reader reads them
// (the browser's `fetch` for a URL, `File` reads for a picked folder, or the
// file system in the Node tests), and the answers go back to the loader.
// No rule is decided here: this file only moves bytes.
//
// Used by the "Validate a store" page (app.js) and by the tests
// (crates/zarr-links-wasm/tests/node/, .ci/browser/).

/** The answer of a reader for one key. */
export const absent = Object.freeze({ absent: true });

/**
 * Runs a check to its end: asks `check.next`, reads the keys with
 * `read(key)` (at most `concurrency` at a time) and feeds the answers.
 *
 * `read(key)` resolves to `{bytes: Uint8Array}`, `absent`, or `{error:
 * message}`; it may also reject, which stops the check with that error.
 * `onRead(count)` is called after each answer.
 */
export async function drive(check, read, { concurrency = 8, onRead } = {}) {
  const inflight = new Set();
  let failure = null;
  let answered = 0;
  for (;;) {
    if (failure) {
      await Promise.allSettled(inflight);
      throw failure;
    }
    const free = concurrency - inflight.size;
    const step = free > 0 ? JSON.parse(check.next(free)) : { wait: true };
    if (step.done) {
      return;
    }
    if (step.read) {
      for (const key of step.read) {
        const task = (async () => {
          let answer;
          try {
            answer = await read(key);
          } catch (e) {
            failure ??= e;
            return;
          }
          if (failure) return;
          if (answer.bytes) check.got(key, answer.bytes);
          else if (answer.absent) check.got(key, undefined);
          else check.failed(key, String(answer.error));
          answered += 1;
          if (onRead) onRead(answered);
        })();
        inflight.add(task);
        task.finally(() => inflight.delete(task));
      }
      continue;
    }
    if (inflight.size === 0) {
      throw new Error('the loader waits for answers but none is outstanding');
    }
    await Promise.race(inflight);
  }
}

/**
 * A folder's files, keyed relative to the store root. `entries` is a list
 * of `{path, size, read}` where `path` is relative to the folder that was
 * picked *including* that folder's own name (as `webkitRelativePath`
 * gives it), and `read()` resolves to the bytes. Returns the store's name
 * and a reader, after adding every file to `check`.
 */
export function folderReader(check, entries) {
  const files = new Map();
  let name = null;
  for (const entry of entries) {
    const parts = entry.path.split('/');
    name ??= parts[0];
    const key = parts.slice(1).join('/');
    if (!key) continue;
    files.set(key, entry);
    check.addFile(key, entry.size);
  }
  const read = async (key) => {
    const entry = files.get(key);
    if (!entry) return absent;
    try {
      return { bytes: await entry.read() };
    } catch (e) {
      return { error: `the file could not be read: ${e && e.message ? e.message : e}` };
    }
  };
  return { name, files: files.size, read };
}

/** A store key as a relative URL: each segment percent-encoded. */
export function keyUrl(key) {
  return key.split('/').map(encodeURIComponent).join('/');
}

/** The store's root URL, ending in `/` (a URL of its `zarr.json` or `.zmetadata` gives the root). */
export function storeRoot(text) {
  const url = new URL(text.trim());
  url.hash = '';
  url.search = '';
  url.pathname = url.pathname.replace(/\/(zarr\.json|\.zmetadata|\.zgroup|\.zattrs)$/, '/');
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}

/** Raised when the store cannot be reached at all (network error, CORS). */
export class Unreachable extends Error {
  constructor(url, cause) {
    super(`could not read ${url}: ${cause}`);
    this.name = 'Unreachable';
    this.url = url;
    this.detail = String(cause);
  }
}

/**
 * A reader over HTTP(S) with `fetch`. 404, 410 and 403 (which object
 * stores answer for a missing key when listing is not allowed) mean
 * "absent"; other statuses are read errors. A network error before any
 * successful read means the store cannot be reached (or the server sends
 * no CORS headers: the browser does not tell the two apart) and stops the
 * check with `Unreachable`; after one, it is a read error.
 */
export function urlReader(root, { fetch: fetchFn = globalThis.fetch, timeoutMs = 30000 } = {}) {
  const state = { ok: 0, statuses: new Map() };
  const read = async (key) => {
    const url = new URL(keyUrl(key), root);
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    let response;
    try {
      response = await fetchFn(url, { mode: 'cors', credentials: 'omit', signal: abort.signal });
      state.statuses.set(key, response.status);
      if (response.ok) {
        const bytes = new Uint8Array(await response.arrayBuffer());
        state.ok += 1;
        return { bytes };
      }
    } catch (e) {
      const why = abort.signal.aborted
        ? `no answer within ${timeoutMs / 1000} s`
        : `${e && e.name ? e.name : 'Error'}: ${e && e.message ? e.message : e}`;
      if (state.ok === 0) throw new Unreachable(url.href, why);
      return { error: `network error: ${why}` };
    } finally {
      clearTimeout(timer);
    }
    state.ok += 1;
    if ([403, 404, 410].includes(response.status)) return absent;
    return { error: `HTTP ${response.status}${response.statusText ? ' ' + response.statusText : ''}` };
  };
  return { read, state };
}
