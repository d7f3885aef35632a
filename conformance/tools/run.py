#!/usr/bin/env python3
"""Run the zarr-links conformance suite against any validator.

    python3 conformance/tools/run.py --adapter "python3 my_adapter.py"
    ZARR_LINKS_ADAPTER="zarr-links validate" python3 conformance/tools/run.py

The adapter is a command. It is called once per case, with the absolute path
of the case's store directory appended as its last argument (or substituted
for `{store}` if the command contains it). It must exit with

    0   the store is valid (warnings are allowed)
    1   the store is invalid (at least one MUST / MUST NOT is broken)

Any other exit code, or a timeout, counts as an error. The runner compares
each exit code with the case's expected verdict (case.json `valid`), prints a
table, and exits 1 if any case disagrees, 0 if all agree, 2 on a usage error.

Options: --filter SUBSTRING (repeatable), --only-failures, --jobs N,
--timeout SECONDS, --json FILE (write the results), --list.
Standard library only; Python 3.8+.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
CONFORMANCE = os.path.dirname(HERE)
ENV = "ZARR_LINKS_ADAPTER"


def find_cases(root: str = CONFORMANCE) -> list[str]:
    """Case folders relative to `root`, '/'-separated, sorted."""
    out = []
    for top in ("valid", "invalid"):
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
            if "case.json" in filenames:
                out.append(os.path.relpath(dirpath, root).replace(os.sep, "/"))
                dirnames[:] = []
            dirnames.sort()
    return sorted(out)


def load_case(root: str, case: str) -> dict:
    with open(os.path.join(root, case, "case.json"), encoding="utf-8") as f:
        desc = json.load(f)
    expected_by_folder = case.split("/", 1)[0] == "valid"
    if desc.get("valid") is not expected_by_folder:
        raise SystemExit(f"{case}/case.json: 'valid' is {desc.get('valid')!r} but the case is under "
                         f"{case.split('/', 1)[0]}/")
    return desc


def build_command(adapter: str, store: str) -> list[str]:
    argv = shlex.split(adapter)
    if not argv:
        raise SystemExit("the adapter command is empty")
    if any("{store}" in a for a in argv):
        return [a.replace("{store}", store) for a in argv]
    return argv + [store]


def run_one(adapter: str, root: str, case: str, timeout: float) -> dict:
    desc = load_case(root, case)
    store = os.path.join(root, case, "store")
    cmd = build_command(adapter, store)
    start = time.monotonic()
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout)
        code = p.returncode
        detail = (p.stderr or p.stdout or b"").decode("utf-8", "replace").strip().splitlines()
        detail = detail[-1] if detail else ""
    except subprocess.TimeoutExpired:
        code, detail = None, f"timed out after {timeout:g} s"
    except OSError as e:
        code, detail = None, f"could not run {cmd[0]!r}: {e}"
    got = {0: "valid", 1: "invalid"}.get(code, "error" if code is None else f"error (exit {code})")
    expected = "valid" if desc["valid"] else "invalid"
    return {
        "case": case,
        "expected": expected,
        "got": got,
        "ok": got == expected,
        "exit_code": code,
        "seconds": round(time.monotonic() - start, 3),
        "detail": "" if got == expected else detail,
        "rules": desc.get("rules", []),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--adapter", help=f"the command to run per case (default: ${ENV})")
    ap.add_argument("--suite", default=CONFORMANCE, help="the conformance/ directory (default: this one)")
    ap.add_argument("--filter", action="append", default=[], help="only cases whose path contains this")
    ap.add_argument("--only-failures", action="store_true", help="print only the cases that disagree")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="cases run in parallel")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per case")
    ap.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    ap.add_argument("--list", action="store_true", help="list the cases and exit")
    args = ap.parse_args(argv)

    root = os.path.abspath(args.suite)
    cases = [c for c in find_cases(root) if not args.filter or any(f in c for f in args.filter)]
    if args.list:
        for c in cases:
            print(c)
        return 0
    adapter = args.adapter or os.environ.get(ENV)
    if not adapter:
        print(f"error: name your validator with --adapter \"CMD\" or ${ENV}", file=sys.stderr)
        return 2
    if not cases:
        print("error: no cases matched", file=sys.stderr)
        return 2

    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(lambda c: run_one(adapter, root, c, args.timeout), cases))

    wrong = [r for r in results if not r["ok"]]
    shown = wrong if args.only_failures else results
    width = max([len(r["case"]) for r in shown] + [4])
    if shown:
        print(f"{'case':<{width}}  {'expected':<8}  {'got':<16}  result")
        print(f"{'-' * width}  {'-' * 8}  {'-' * 16}  ------")
    for r in shown:
        mark = "ok" if r["ok"] else "WRONG"
        line = f"{r['case']:<{width}}  {r['expected']:<8}  {r['got']:<16}  {mark}"
        if r["detail"]:
            line += f"  ({r['detail'][:120]})"
        print(line)
    print()
    print(f"adapter: {adapter}")
    print(f"{len(results)} cases: {len(results) - len(wrong)} agree, {len(wrong)} disagree")
    if wrong:
        print("disagreeing cases:")
        for r in wrong:
            print(f"  {r['case']}: expected {r['expected']}, got {r['got']}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"adapter": adapter, "results": results}, f, indent=2)
            f.write("\n")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
