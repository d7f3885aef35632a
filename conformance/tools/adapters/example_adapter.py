#!/usr/bin/env python3
"""Example adapter: a tiny schema-only validator, wired the way run.py expects.

    python3 conformance/tools/run.py --adapter "python3 conformance/tools/adapters/example_adapter.py"

Copy this file and replace `validate()` with a call into your implementation.
The contract is only the exit code: 0 valid, 1 invalid, 2 cannot read.

What this example checks (and so what it gets right): every `zarr.json` is
validated against schema/links.schema.json and every `.zattrs` against
schema/links-attributes.schema.json, and a metadata file that is not strict
UTF-8 JSON makes the store invalid. It checks nothing across nodes, so it
calls every hierarchy-level invalid case (a missing target, a cycle, ...)
valid; run.py lists exactly those as disagreements. That is the expected
result for a schema-only tool.

Needs: pip install jsonschema
"""

import json
import os
import sys

from jsonschema import Draft7Validator

SCHEMA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "schema")


def schema(name):
    with open(os.path.join(SCHEMA_DIR, name), encoding="utf-8") as f:
        return Draft7Validator(json.load(f))


def validate(store):
    """Return (valid, messages) for the directory store at `store`."""
    node, attrs = schema("links.schema.json"), schema("links-attributes.schema.json")
    problems = []
    for dirpath, dirnames, filenames in os.walk(store):  # os.walk does not follow symlinks
        for name in filenames:
            if name not in ("zarr.json", ".zattrs"):
                continue
            path = os.path.join(dirpath, name)
            with open(path, "rb") as f:
                raw = f.read()
            try:
                if raw.startswith(b"\xef\xbb\xbf"):
                    raise ValueError("byte order mark")
                doc = json.loads(raw.decode("utf-8"), parse_constant=lambda c: 1 / 0)
            except (ValueError, ZeroDivisionError) as e:
                problems.append(f"{path}: not a JSON document ({e})")
                continue
            for err in (node if name == "zarr.json" else attrs).iter_errors(doc):
                problems.append(f"{path}: {err.message[:200]}")
    return not problems, problems


def main():
    if len(sys.argv) != 2:
        print("usage: example_adapter.py STORE", file=sys.stderr)
        return 2
    store = sys.argv[1]
    if not any(os.path.isfile(os.path.join(store, n)) for n in ("zarr.json", ".zgroup", ".zarray")):
        print(f"{store}: no Zarr metadata at the root", file=sys.stderr)
        return 2
    valid, problems = validate(store)
    for p in problems:
        print(p, file=sys.stderr)
    return 0 if valid else 1


if __name__ == "__main__":
    sys.exit(main())
