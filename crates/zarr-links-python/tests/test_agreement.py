"""The Python API reports exactly what `zarr-links validate --format json`
reports, on every conformance case: through a path, through zarr-python's
LocalStore and through a MemoryStore holding the same bytes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import zarr
from conftest import CONFORMANCE, case_id, cli_json, conformance_cases, memory_copy

import zarr_links

CASES = conformance_cases()


def _has_symlink(directory: Path) -> bool:
    """Whether the tree holds a symbolic link (found without following any)."""
    for entry in os.scandir(directory):
        if entry.is_symlink():
            return True
        if entry.is_dir(follow_symlinks=False) and _has_symlink(Path(entry.path)):
            return True
    return False


# zarr-python's stores follow symbolic links (and have no notion of one: a
# fan-out of links would make them list without end), so the stores built
# from symbolic links are only compared through a path, where the Rust local
# backend reports them (links.store.layout).
SYMLINK_CASES = {case_id(c) for c in CASES if _has_symlink(c / "store")}
assert len(SYMLINK_CASES) >= 3, SYMLINK_CASES


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_path_report_equals_cli_json(case: Path) -> None:
    store = str(case / "store")
    expected = cli_json("validate", store, "--format", "json")
    report = zarr_links.validate(store)
    assert report.to_dict() == expected
    assert report.valid == expected["valid"]
    assert report.store == store
    assert [f.to_dict() for f in report.findings] == expected["findings"]
    assert (report.errors, report.warnings, report.nodes) == (
        expected["errors"],
        expected["warnings"],
        expected["nodes"],
    )


def test_pathlike_and_file_url_read_the_same_store() -> None:
    case = CASES[0] / "store"
    by_str = zarr_links.validate(str(case)).to_dict()
    assert zarr_links.validate(case).to_dict() == by_str
    assert zarr_links.validate(case.as_uri()).to_dict() == by_str


ZARR_CASES = [c for c in CASES if case_id(c) not in SYMLINK_CASES]


@pytest.mark.parametrize("case", ZARR_CASES, ids=case_id)
def test_zarr_local_store_report_equals_cli_json(case: Path) -> None:
    root = str((case / "store").resolve())
    expected = cli_json("validate", root, "--format", "json")
    store = zarr.storage.LocalStore(root, read_only=True)
    assert zarr_links.validate(store).to_dict() == expected


@pytest.mark.parametrize("case", ZARR_CASES, ids=case_id)
def test_memory_store_report_equals_cli_json(case: Path) -> None:
    expected = cli_json("validate", str(case / "store"), "--format", "json")
    store = memory_copy(case / "store")
    got = zarr_links.validate(store).to_dict()
    # The store is named as zarr-python names it; everything else is equal.
    assert got.pop("store") == str(store)
    expected.pop("store")
    assert got == expected


@pytest.mark.parametrize("name", sorted(SYMLINK_CASES))
def test_symlink_cases_are_reported_through_a_path(name: str) -> None:
    case = CONFORMANCE / name
    expected_rules = set(json.loads((case / "case.json").read_text())["rules"])
    report = zarr_links.validate(str(case / "store"))
    assert not report.valid
    assert {f.rule for f in report.findings if f.severity == "error"} == expected_rules
