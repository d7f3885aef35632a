"""Write metadata-only Zarr directory stores (v2 and v3) from one neutral tree.

Used by generate_use_cases.py and generate_cases.py. Standard library only.
Output is deterministic: the same tree always gives byte-identical files.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from typing import Any

LINKS_UUID = "9500acb2-598d-48c1-ac4c-96f069e8299b"
PROJ_UUID = "f17cb550-5864-4468-aeb7-f3180cfb622f"

#: The short declaration used on most nodes.
LINKS_CMO = {"uuid": LINKS_UUID, "name": "links:"}
#: The declaration with every recommended field.
LINKS_CMO_FULL = {
    "uuid": LINKS_UUID,
    "name": "links:",
    "schema_url": "https://zarr-links.github.io/zarr-links/v0.1.0/schema/links-attributes.schema.json",
    "spec_url": "https://zarr-links.github.io/zarr-links/v0.1.0/",
    "description": "Typed links between Zarr arrays and groups",
}
PROJ_CMO = {
    "uuid": PROJ_UUID,
    "name": "proj:",
    "description": "Coordinate reference system information for geospatial data",
}

V2_DTYPES = {
    "bool": "|b1",
    "uint8": "|u1",
    "int8": "|i1",
    "uint16": "<u2",
    "int16": "<i2",
    "uint32": "<u4",
    "int32": "<i4",
    "int64": "<i8",
    "float32": "<f4",
    "float64": "<f8",
}
ONE_BYTE = {"bool", "uint8", "int8"}


@dataclass
class Array:
    shape: list[int]
    dtype: str
    dims: list[str]
    chunks: list[int] | None = None
    fill_value: Any = 0
    attrs: dict = field(default_factory=dict)

    kind = "array"

    def chunk_shape(self) -> list[int]:
        return list(self.chunks if self.chunks is not None else self.shape)


@dataclass
class Group:
    attrs: dict = field(default_factory=dict)

    kind = "group"


def dumps(doc: Any) -> str:
    """Pretty JSON, 2-space indent, non-ASCII kept as is, trailing newline.

    Short arrays of numbers and short strings stay on one line, so that
    `shape`, `chunk_shape` and `dimension_names` read as they do in the Zarr
    specification.
    """
    return _fmt(doc, 0) + "\n"


def _inline_ok(value: Any) -> bool:
    return (
        isinstance(value, list)
        and all(isinstance(v, (int, float, str)) and not isinstance(v, bool) for v in value)
        and len(json.dumps(value, ensure_ascii=False)) <= 60
    )


def _fmt(value: Any, level: int) -> str:
    pad = "  " * (level + 1)
    end = "  " * level
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{pad}{json.dumps(k, ensure_ascii=False)}: {_fmt(v, level + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + end + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        if _inline_ok(value):
            return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
        items = [pad + _fmt(v, level + 1) for v in value]
        return "[\n" + ",\n".join(items) + "\n" + end + "]"
    return json.dumps(value, ensure_ascii=False)


def v3_doc(node: Array | Group) -> dict:
    if isinstance(node, Group):
        return {"zarr_format": 3, "node_type": "group", "attributes": node.attrs}
    codecs: list[dict] = []
    if node.dtype in ONE_BYTE:
        codecs.append({"name": "bytes"})
    else:
        codecs.append({"name": "bytes", "configuration": {"endian": "little"}})
    codecs.append({"name": "zstd", "configuration": {"level": 3, "checksum": False}})
    return {
        "zarr_format": 3,
        "node_type": "array",
        "shape": node.shape,
        "data_type": node.dtype,
        "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": node.chunk_shape()}},
        "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}},
        "fill_value": node.fill_value,
        "codecs": codecs,
        "attributes": node.attrs,
        "dimension_names": node.dims,
    }


def v2_docs(node: Array | Group) -> dict[str, dict]:
    """The v2 documents of one node: file name -> document."""
    if isinstance(node, Group):
        out = {".zgroup": {"zarr_format": 2}}
        if node.attrs:
            out[".zattrs"] = node.attrs
        return out
    zarray = {
        "zarr_format": 2,
        "shape": node.shape,
        "chunks": node.chunk_shape(),
        "dtype": V2_DTYPES[node.dtype],
        "compressor": {"id": "zstd", "level": 3, "checksum": False},
        "fill_value": node.fill_value,
        "order": "C",
        "filters": None,
        "dimension_separator": "/",
    }
    attrs = {"_ARRAY_DIMENSIONS": node.dims}
    attrs.update(node.attrs)
    return {".zarray": zarray, ".zattrs": attrs}


def _key_dir(path: str) -> str:
    """Node path `/a/b` -> relative directory `a/b` ('' for the root)."""
    assert path.startswith("/")
    return path.strip("/")


def _write(root: str, rel: str, text: str) -> None:
    full = os.path.join(root, rel) if rel else root
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def write_store(
    store_dir: str,
    tree: dict[str, Array | Group],
    zarr_format: int,
    consolidated: bool = False,
) -> None:
    """Write `tree` (node path -> node, including "/") as a directory store.

    With `consolidated`, v2 gets a `.zmetadata` and v3 an inline
    `consolidated_metadata` member in the root `zarr.json`, both matching the
    per-node documents exactly.
    """
    if os.path.exists(store_dir):
        shutil.rmtree(store_dir)
    os.makedirs(store_dir)
    paths = sorted(tree)
    assert paths[0] == "/", "the tree needs a root"
    if zarr_format == 3:
        docs = {p: v3_doc(tree[p]) for p in paths}
        if consolidated:
            root = dict(docs["/"])
            root["consolidated_metadata"] = {
                "kind": "inline",
                "must_understand": False,
                "metadata": {_key_dir(p): docs[p] for p in paths if p != "/"},
            }
            docs["/"] = root
        for p in paths:
            d = _key_dir(p)
            _write(store_dir, os.path.join(d, "zarr.json") if d else "zarr.json", dumps(docs[p]))
    elif zarr_format == 2:
        listing: dict[str, dict] = {}
        for p in paths:
            d = _key_dir(p)
            for name, doc in v2_docs(tree[p]).items():
                key = f"{d}/{name}" if d else name
                listing[key] = doc
                _write(store_dir, key, dumps(doc))
        if consolidated:
            meta = {"metadata": {k: listing[k] for k in sorted(listing)}, "zarr_consolidated_format": 1}
            _write(store_dir, ".zmetadata", dumps(meta))
    else:
        raise ValueError(zarr_format)


def write_case(case_dir: str, description: str, zarr_format: int, valid: bool, rules: list[str], level: str) -> None:
    os.makedirs(case_dir, exist_ok=True)
    case = {
        "description": description,
        "zarr_format": zarr_format,
        "valid": valid,
        "rules": rules,
        "level": level,
    }
    _write(case_dir, "case.json", dumps(case))


def uses(*cmos: dict) -> dict:
    """A `zarr_conventions` attribute listing these CMOs."""
    return {"zarr_conventions": [dict(c) for c in cmos]}


def link(target: str, type_: str, **extra: str) -> dict:
    out = {"target": target, "type": type_}
    out.update(extra)
    return out
