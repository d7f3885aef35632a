"""Shared fixtures: the repository, the conformance cases, the command line.

The tests run against the installed package (the wheel), never against the
sources: run pytest from anywhere, with the wheel installed in the venv.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import zarr
from zarr.core.buffer import default_buffer_prototype

REPO = Path(__file__).resolve().parents[3]
CONFORMANCE = REPO / "conformance"
USE_CASES = CONFORMANCE / "valid" / "use-cases"
SENTINEL2_V3 = USE_CASES / "sentinel2-l2a-v3" / "store"
SENTINEL2_V2 = USE_CASES / "sentinel2-l2a-v2" / "store"


def conformance_cases() -> list[Path]:
    """Every case folder (one with a case.json) under conformance/valid and invalid."""
    cases = sorted(p.parent for p in CONFORMANCE.glob("*/**/case.json"))
    assert len(cases) >= 100, f"only {len(cases)} conformance cases found under {CONFORMANCE}"
    return cases


def case_id(case: Path) -> str:
    return case.relative_to(CONFORMANCE).as_posix()


def cli_command() -> list[str]:
    """The command line to compare with: $ZARR_LINKS_CLI (e.g. the native
    target/debug/zarr-links), else the `zarr-links` script of this venv."""
    given = os.environ.get("ZARR_LINKS_CLI")
    if given:
        return [given]
    script = Path(sys.executable).parent / "zarr-links"
    assert script.exists(), f"no zarr-links script beside {sys.executable}"
    return [str(script)]


def run_cli(*args: str, check_codes: tuple[int, ...] = (0, 1)) -> subprocess.CompletedProcess:
    out = subprocess.run([*cli_command(), *args], capture_output=True, text=True)
    assert out.returncode in check_codes, (args, out.returncode, out.stderr)
    return out


def cli_json(*args: str) -> object:
    return json.loads(run_cli(*args).stdout)


@pytest.fixture
def s2_copy(tmp_path: Path) -> Path:
    """A writable copy of the Sentinel-2 v3 use-case store."""
    dest = tmp_path / "s2.zarr"
    shutil.copytree(SENTINEL2_V3, dest)
    return dest


def drop_root_index(store: Path) -> None:
    """Removes `links:index` from the root's attributes and from the copy of
    them in consolidated metadata, as a producer's store before indexing."""
    zarr_json = store / "zarr.json"
    if zarr_json.exists():
        doc = json.loads(zarr_json.read_text())
        del doc["attributes"]["links:index"]
        zarr_json.write_text(json.dumps(doc, indent=2) + "\n")
        return
    zattrs = store / ".zattrs"
    attrs = json.loads(zattrs.read_text())
    del attrs["links:index"]
    zattrs.write_text(json.dumps(attrs, indent=2) + "\n")
    zmetadata = store / ".zmetadata"
    if zmetadata.exists():
        doc = json.loads(zmetadata.read_text())
        doc["metadata"][".zattrs"] = attrs
        zmetadata.write_text(json.dumps(doc, indent=2) + "\n")


def memory_copy(root: Path) -> zarr.storage.MemoryStore:
    """A MemoryStore with every file of the directory `root`, byte for byte."""
    buffer = default_buffer_prototype().buffer
    contents = {}
    for directory, _, files in os.walk(root):
        for name in files:
            path = Path(directory) / name
            key = path.relative_to(root).as_posix()
            contents[key] = buffer.from_bytes(path.read_bytes())
    return zarr.storage.MemoryStore(contents)
