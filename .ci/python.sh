#!/usr/bin/env bash
# The Python package (crates/zarr-links-python): build the wheel once, as a
# release abi3 wheel with maturin, install it into a venv, and run the pytest
# suite against the installed wheel (never against the sources).
#
#   bash .ci/python.sh
#
# The venv (target/ci-venv-py) is made when missing and reused. The
# agreement tests compare the Python API with the native `zarr-links` binary
# (a debug build, already there after `.ci/run`'s test section).
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=target/ci-venv-py
TARGET=${CARGO_TARGET_DIR:-target}
WHEELS=target/wheels

if [ ! -x "$VENV/bin/python" ] && ! python3 -m venv "$VENV" 2>/dev/null; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq && $sudo apt-get install -y -qq python3-venv >/dev/null
  python3 -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
  -r crates/zarr-links-python/requirements-test.txt

rm -f "$WHEELS"/zarr_links-*.whl
start=$SECONDS
"$VENV/bin/maturin" build --release --locked -o "$WHEELS"
echo "wheel built in $((SECONDS - start))s"
wheel=$(ls "$WHEELS"/zarr_links-*.whl)
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
  --force-reinstall --no-deps "$wheel"

cargo build --quiet -p zarr-links-cli
ZARR_LINKS_CLI=$(cd "$TARGET/debug" && pwd)/zarr-links
export ZARR_LINKS_CLI
# From the tests' folder, so that nothing but the installed wheel can be
# imported as zarr_links.
(cd crates/zarr-links-python/tests && "../../../$VENV/bin/python" -m pytest -q -p no:cacheprovider)

# The stub says what the extension module has; the sources type-check.
(cd crates/zarr-links-python/tests && "../../../$VENV/bin/python" -m mypy.stubtest zarr_links._core)
"$VENV/bin/python" -m mypy --strict --no-incremental crates/zarr-links-python/python/zarr_links

printf 'wheel: %s, %s bytes\n' "$(basename "$wheel")" "$(wc -c < "$wheel" | tr -d ' ')"
