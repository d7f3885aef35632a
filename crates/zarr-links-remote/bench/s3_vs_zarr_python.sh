#!/usr/bin/env bash
# Benchmark (not a test): `zarr-links validate` of a non-consolidated Zarr v3
# store of 10,000 arrays on a local S3 server (moto), against zarr-python 3
# reading the metadata of the same hierarchy from the same server (open the
# group, walk all members). Prints the times (best of 3), the ratio and the
# requests each client sent, counted in the server's log.
#
#   bash crates/zarr-links-remote/bench/s3_vs_zarr_python.sh [ARRAYS] [ROUNDS]
#
# Installs what is missing: moto into target/ci-venv (as .ci/run does), and
# zarr-python with s3fs into target/bench-venv (bench/requirements.txt);
# builds the release CLI. CARGO_TARGET_DIR is honoured; CARGO may wrap cargo
# (e.g. CARGO="flock /tmp/lock cargo").
set -euo pipefail
cd "$(dirname "$0")/../../.."
ARRAYS=${1:-10000}
ROUNDS=${2:-3}
TARGET=${CARGO_TARGET_DIR:-target}
MOTO_VENV=target/ci-venv
ZARR_VENV=target/bench-venv
BENCH=crates/zarr-links-remote/bench

if [ ! -x "$MOTO_VENV/bin/moto_server" ]; then
  [ -x "$MOTO_VENV/bin/python" ] || python3 -m venv "$MOTO_VENV"
  "$MOTO_VENV/bin/python" -m pip install --quiet --disable-pip-version-check 'moto[server]==5.2.1'
fi
if ! "$ZARR_VENV/bin/python" -c 'import zarr, s3fs' 2>/dev/null; then
  [ -x "$ZARR_VENV/bin/python" ] || python3 -m venv "$ZARR_VENV"
  "$ZARR_VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$BENCH/requirements.txt"
fi
${CARGO:-cargo} build --release -p zarr-links-cli
"$ZARR_VENV/bin/python" "$BENCH/s3_vs_zarr_python.py" \
  --arrays "$ARRAYS" --rounds "$ROUNDS" \
  --zarr-links "$TARGET/release/zarr-links" --moto "$MOTO_VENV/bin/moto_server"
