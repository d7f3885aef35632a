#!/usr/bin/env python3
"""Tests of run.py and the example adapter.

    python3 conformance/tools/test_run.py

Needs `jsonschema` (requirements.txt) for the example adapter.
"""

import io
import json
import os
import subprocess
import sys
import unittest
from contextlib import redirect_stderr, redirect_stdout

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run  # noqa: E402

PY = sys.executable
ADAPTERS = os.path.join(HERE, "adapters")


def run_suite(*args):
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = run.main(list(args))
    return code, out.getvalue(), err.getvalue()


def cases_where(pred):
    out = set()
    for c in run.find_cases():
        with open(os.path.join(run.CONFORMANCE, c, "case.json"), encoding="utf-8") as f:
            if pred(c, json.load(f)):
                out.add(c)
    return out


def all_documents_parse(case):
    store = os.path.join(run.CONFORMANCE, case, "store")
    for dirpath, _, files in os.walk(store):
        for name in files:
            if name in ("zarr.json", ".zattrs", ".zgroup", ".zarray", ".zmetadata"):
                with open(os.path.join(dirpath, name), "rb") as f:
                    raw = f.read()
                try:
                    assert not raw.startswith(b"\xef\xbb\xbf")
                    json.loads(raw.decode("utf-8"))
                except (AssertionError, ValueError):
                    return False
    return True


def wrong_cases(stdout):
    return {line.split()[0] for line in stdout.splitlines() if line.rstrip().endswith("WRONG")}


class RunnerTests(unittest.TestCase):
    def test_always_valid_adapter_fails_and_names_every_invalid_case(self):
        code, out, _ = run_suite("--adapter", f"{PY} {os.path.join(ADAPTERS, 'always_valid.py')}")
        self.assertEqual(code, 1)
        invalid = cases_where(lambda c, d: not d["valid"])
        self.assertTrue(invalid)
        self.assertEqual(wrong_cases(out), invalid)
        for c in invalid:
            self.assertIn(f"  {c}: expected invalid, got valid", out)

    def test_example_adapter_misses_exactly_the_hierarchy_level_cases(self):
        code, out, _ = run_suite("--adapter", f"{PY} {os.path.join(ADAPTERS, 'example_adapter.py')}")
        self.assertEqual(code, 1)
        expected = cases_where(lambda c, d: not d["valid"] and d["level"] == "hierarchy" and all_documents_parse(c))
        self.assertEqual(wrong_cases(out), expected)

    def test_example_adapter_exit_codes(self):
        v = os.path.join(run.CONFORMANCE, "valid", "declaration", "minimal_cmo", "store")
        i = os.path.join(run.CONFORMANCE, "invalid", "targets", "relative_path", "store")
        a = os.path.join(ADAPTERS, "example_adapter.py")
        self.assertEqual(subprocess.run([PY, a, v], capture_output=True).returncode, 0)
        self.assertEqual(subprocess.run([PY, a, i], capture_output=True).returncode, 1)
        self.assertEqual(subprocess.run([PY, a, HERE], capture_output=True).returncode, 2)

    def test_other_exit_codes_are_errors(self):
        code, out, _ = run_suite("--adapter", f"{PY} -c 'import sys; sys.exit(3)' {{store}}",
                                 "--filter", "valid/declaration/minimal_cmo")
        self.assertEqual(code, 1)
        self.assertIn("error (exit 3)", out)

    def test_store_placeholder_and_appending(self):
        self.assertEqual(run.build_command("tool check {store} --json", "/s"), ["tool", "check", "/s", "--json"])
        self.assertEqual(run.build_command("tool 'a b'", "/s"), ["tool", "a b", "/s"])

    def test_adapter_from_environment(self):
        os.environ[run.ENV] = f"{PY} {os.path.join(ADAPTERS, 'always_valid.py')}"
        try:
            code, out, _ = run_suite("--filter", "valid/no-convention/")
        finally:
            del os.environ[run.ENV]
        self.assertEqual(code, 0, out)
        self.assertIn("0 disagree", out)

    def test_missing_adapter_is_a_usage_error(self):
        os.environ.pop(run.ENV, None)
        code, _, err = run_suite()
        self.assertEqual(code, 2)
        self.assertIn("--adapter", err)


if __name__ == "__main__":
    unittest.main()
