#!/usr/bin/env bash
# Runs the fuzz targets, each for SECONDS, on its committed seeds
# (seeds/<target>) and its own growing corpus (corpus/<target>, not
# committed), and prints how many inputs each ran. Fails when any target
# finds a crash, a hang (over 10 s) or an input using over 2 GiB; the input
# is then in artifacts/<target>/.
#
#   bash fuzz/run.sh [--no-build] SECONDS [TARGET...]
#
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`) and the nightly
# toolchain; without nightly, the stable one is told to accept nightly
# flags (RUSTC_BOOTSTRAP=1). Targets are built once, without a sanitizer
# (the code under test has no unsafe code); --no-build runs what was built
# last.
set -euo pipefail
cd "$(dirname "$0")"

build=1
if [ "${1:-}" = --no-build ]; then
  build=0
  shift
fi
seconds=${1:?usage: fuzz/run.sh [--no-build] SECONDS [TARGET...]}
shift
targets=("$@")
if [ ${#targets[@]} = 0 ]; then
  targets=(document target suggest edit graph load validate)
fi

toolchain=nightly
if ! cargo +nightly -V >/dev/null 2>&1; then
  toolchain=stable
  export RUSTC_BOOTSTRAP=1
fi
if [ $build = 1 ]; then
  cargo +$toolchain fuzz build --sanitizer none
fi
bin=$PWD/target/$(rustc +$toolchain -vV | sed -n 's/^host: //p')/release

status=0
total=0
for t in "${targets[@]}"; do
  dict=()
  case $t in
    document | edit | load | validate) dict=(-dict="$PWD/dict/zarr.dict") ;;
  esac
  mkdir -p "corpus/$t" "artifacts/$t"
  # One job, one worker: libFuzzer then runs the target in one child
  # process and writes its output to fuzz-0.log in the current directory.
  if ! (cd "artifacts/$t" && rm -f fuzz-0.log && "$bin/$t" -jobs=1 -workers=1 \
    "${dict[@]}" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$PWD/" \
    "$PWD/../../corpus/$t" "$PWD/../../seeds/$t" >/dev/null 2>&1); then
    tail -n 40 "artifacts/$t/fuzz-0.log" || true
    echo "fuzz target $t failed: the input is in fuzz/artifacts/$t/" >&2
    status=1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "artifacts/$t/fuzz-0.log" | tail -n 1)
  printf '%-9s %12s executions in %ss\n' "$t" "${runs:-?}" "$seconds"
  total=$((total + ${runs:-0}))
done
printf '%-9s %12s executions\n' total "$total"
exit $status
