#!/usr/bin/env bash
# The book's "Validate a store" page (issue 14): the validator compiled to
# WebAssembly, then its two tests. .ci/run calls it (section wasm-page) after
# `test` has built target/debug/zarr-links; it also runs on its own:
#
#   bash .ci/wasm.sh
#
# 1. Installs only what is missing: the wasm32 target and wasm-bindgen-cli at
#    the Cargo.lock version (both by `cargo xtask wasm`), Debian's chromium,
#    puppeteer-core from .ci/browser/package-lock.json.
# 2. `cargo xtask wasm`: builds it once into spec/validate/pkg/ and prints its
#    size, raw and gzipped (it fails over 1.5 MB gzipped); `mdbook build`.
# 3. Verdict agreement in Node: every conformance case through the WebAssembly
#    build gives the CLI's report (crates/zarr-links-wasm/tests/node/).
# 4. The browser test: headless Chromium opens the built book from a loopback
#    server (.ci/browser/); screenshots go to target/browser-screenshots/.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_install() {
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq && $sudo apt-get install -y -qq "$@" >/dev/null
}

export CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] || apt_install chromium
command -v npm >/dev/null 2>&1 || apt_install nodejs npm
[ -d .ci/browser/node_modules/puppeteer-core ] ||
  npm ci --prefix .ci/browser --no-audit --no-fund --loglevel=error

# The tests compare with the CLI built from this tree (a no-op after `test`).
cargo build --package zarr-links-cli
export ZARR_LINKS_CLI=${CARGO_TARGET_DIR:-target}/debug/zarr-links

cargo xtask wasm
out=$(mdbook build 2>&1) || { echo "$out"; exit 1; }
test -f book/validate.html
test -f book/validate/pkg/zarr_links_bg.wasm

node --test crates/zarr-links-wasm/tests/node/
node --test .ci/browser/
echo "screenshots: $(ls target/browser-screenshots/*.png | wc -l) in target/browser-screenshots/"
