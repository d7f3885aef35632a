#!/usr/bin/env python3
"""Schema-level verdicts of every node document in the suite, by Python `jsonschema`.

    python3 conformance/tools/schema_check.py            # compare with conformance/schema-verdicts.json
    python3 conformance/tools/schema_check.py --write    # rewrite that file from this validator
    python3 conformance/tools/schema_check.py --print    # print this validator's verdicts as JSON

The committed `conformance/schema-verdicts.json` holds one verdict (true =
accepted) per node document. Three validators must reproduce it exactly:
this script (Python `jsonschema`, Draft7Validator), `ajv_check.mjs` (ajv 8,
draft-07) and the Rust test `schema_verdicts` in crates/zarr-links-conformance
(Rust `jsonschema`). Since all three are compared with the same file, any
disagreement between them fails at least one of the three checks.

The file is also checked against each case's expectation: a case with
`"valid": false, "level": "schema"` has at least one rejected document; every
other case has none.

Which documents, and against which schema (the same rules in all three tools):

- every regular file named `zarr.json` under `store/` -> schema/links.schema.json
- every regular file named `.zattrs` under `store/`   -> schema/links-attributes.schema.json
- the entries of an inline `consolidated_metadata.metadata` object in a
  `zarr.json` -> schema/links.schema.json, id `<file>#<key>`
- the entries of a `.zmetadata` `metadata` object whose key is `.zattrs` or
  ends in `/.zattrs` -> schema/links-attributes.schema.json, id `<file>#<key>`
- symbolic links are skipped, never followed
- a file that is not strict UTF-8 JSON (a BOM, invalid UTF-8, a syntax
  error, NaN/Infinity) is no schema document and is left out, and so is a
  document nested 128 or more levels deep (arrays and objects), which the
  reference validator refuses (serde_json's recursion limit)

Requires: `pip install -r conformance/tools/requirements.txt`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CONFORMANCE = os.path.dirname(HERE)
ROOT = os.path.dirname(CONFORMANCE)
VERDICTS = os.path.join(CONFORMANCE, "schema-verdicts.json")
NODE_SCHEMA = os.path.join(ROOT, "schema", "links.schema.json")
ATTR_SCHEMA = os.path.join(ROOT, "schema", "links-attributes.schema.json")


MAX_DEPTH = 128


def depth(doc) -> int:
    """Levels of array/object nesting: 0 for a scalar, 1 for [] or {}."""
    best, stack = 0, [(doc, 1)]
    while stack:
        v, d = stack.pop()
        if isinstance(v, (list, dict)):
            best = max(best, d)
            stack.extend((c, d + 1) for c in (v.values() if isinstance(v, dict) else v))
    return best


def _reject_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def load_strict(path: str):
    """Parse a file as strict JSON, or return None when it is not."""
    with open(path, "rb") as f:
        raw = f.read()
    if raw.startswith(b"\xef\xbb\xbf"):
        return None
    try:
        text = raw.decode("utf-8", errors="strict")
        doc = json.loads(text, parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    return None if depth(doc) >= MAX_DEPTH else (doc,)


def find_cases() -> list[str]:
    """Case directories (relative to conformance/, '/'-separated), sorted."""
    out = []
    for top in ("valid", "invalid"):
        base = os.path.join(CONFORMANCE, top)
        for dirpath, dirnames, filenames in os.walk(base):
            if "case.json" in filenames:
                out.append(os.path.relpath(dirpath, CONFORMANCE).replace(os.sep, "/"))
                dirnames[:] = []  # the store below is not a case
            dirnames.sort()
    return sorted(out)


def documents(case_dir: str):
    """Yield (doc_id, schema_kind, document) for one case; kind is 'node' or 'attrs'."""
    store = os.path.join(case_dir, "store")
    for dirpath, dirnames, filenames in os.walk(store, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not os.path.islink(os.path.join(dirpath, d)))
        for name in sorted(filenames):
            full = os.path.join(dirpath, name)
            if os.path.islink(full) or not os.path.isfile(full):
                continue
            rel = os.path.relpath(full, case_dir).replace(os.sep, "/")
            if name not in ("zarr.json", ".zattrs", ".zmetadata"):
                continue
            parsed = load_strict(full)
            if parsed is None:
                continue
            doc = parsed[0]
            if name == "zarr.json":
                yield rel, "node", doc
                cm = doc.get("consolidated_metadata") if isinstance(doc, dict) else None
                meta = cm.get("metadata") if isinstance(cm, dict) else None
                if isinstance(meta, dict):
                    for key, sub in meta.items():
                        yield f"{rel}#{key}", "node", sub
            elif name == ".zattrs":
                yield rel, "attrs", doc
            else:
                meta = doc.get("metadata") if isinstance(doc, dict) else None
                if isinstance(meta, dict):
                    for key, sub in meta.items():
                        if key == ".zattrs" or key.endswith("/.zattrs"):
                            yield f"{rel}#{key}", "attrs", sub


def compute() -> dict[str, dict[str, bool]]:
    from jsonschema import Draft7Validator

    validators = {}
    for kind, path in (("node", NODE_SCHEMA), ("attrs", ATTR_SCHEMA)):
        with open(path, encoding="utf-8") as f:
            schema = json.load(f)
        Draft7Validator.check_schema(schema)
        validators[kind] = Draft7Validator(schema)
    out: dict[str, dict[str, bool]] = {}
    for case in find_cases():
        out[case] = {
            doc_id: validators[kind].is_valid(doc)
            for doc_id, kind, doc in documents(os.path.join(CONFORMANCE, case))
        }
    return out


def expectation_problems(verdicts: dict[str, dict[str, bool]]) -> list[str]:
    problems = []
    for case, docs in verdicts.items():
        with open(os.path.join(CONFORMANCE, case, "case.json"), encoding="utf-8") as f:
            desc = json.load(f)
        rejected = sorted(d for d, ok in docs.items() if not ok)
        if desc.get("valid") is False and desc.get("level") == "schema":
            if not rejected:
                problems.append(f"{case}: level 'schema' but the schemas accept every document")
        elif rejected:
            problems.append(f"{case}: the schemas reject {', '.join(rejected)} but the case is not a schema-level invalid case")
    return problems


def compare(name: str, mine: dict, committed: dict) -> list[str]:
    out = []
    for case in sorted(set(mine) | set(committed)):
        a, b = mine.get(case), committed.get(case)
        if a is None:
            out.append(f"{case}: in schema-verdicts.json but not in the suite")
            continue
        if b is None:
            out.append(f"{case}: not in schema-verdicts.json")
            continue
        for doc in sorted(set(a) | set(b)):
            if a.get(doc) != b.get(doc):
                out.append(f"{case} {doc}: {name} says {_v(a.get(doc))}, schema-verdicts.json says {_v(b.get(doc))}")
    return out


def _v(x) -> str:
    return {True: "accept", False: "reject", None: "(no document)"}[x]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--write", action="store_true", help="rewrite schema-verdicts.json from Python jsonschema")
    ap.add_argument("--print", action="store_true", help="print the verdicts and exit")
    args = ap.parse_args()
    verdicts = compute()
    if args.print:
        print(json.dumps(verdicts, indent=2, ensure_ascii=False))
        return 0
    problems = expectation_problems(verdicts)
    if args.write:
        with open(VERDICTS, "w", encoding="utf-8", newline="\n") as f:
            f.write(json.dumps(verdicts, indent=2, ensure_ascii=False) + "\n")
        print(f"wrote {os.path.relpath(VERDICTS, ROOT)}: {sum(map(len, verdicts.values()))} documents in {len(verdicts)} cases")
    else:
        with open(VERDICTS, encoding="utf-8") as f:
            committed = json.load(f)
        problems = compare("python-jsonschema", verdicts, committed) + problems
    for p in problems:
        print("DISAGREE " + p, file=sys.stderr)
    n = sum(map(len, verdicts.values()))
    if problems:
        print(f"python-jsonschema: {len(problems)} disagreement(s) over {n} documents", file=sys.stderr)
        return 1
    print(f"python-jsonschema: {n} documents in {len(verdicts)} cases agree with schema-verdicts.json and the case levels")
    return 0


if __name__ == "__main__":
    sys.exit(main())
