"""The rest of the API against the command line: the text report, related,
graph, index and write_index give what the matching command gives."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import zarr
from conftest import REPO, SENTINEL2_V2, SENTINEL2_V3, cli_json, drop_root_index, memory_copy, run_cli

import zarr_links

B04 = "/measurements/reflectance/r10m/b04"
BROKEN = REPO / "conformance" / "invalid" / "targets" / "target_not_found" / "store"


def test_readme_example() -> None:
    report = zarr_links.validate(str(SENTINEL2_V3))
    assert repr(report) == "<Report valid: 0 errors, 0 warnings in 163 nodes>"
    assert report.valid and report.findings == [] and report.nodes == 163


@pytest.mark.parametrize("store", [SENTINEL2_V3, BROKEN], ids=["valid", "invalid"])
def test_str_is_the_text_report(store: Path) -> None:
    report = zarr_links.validate(str(store))
    out = run_cli("validate", str(store))
    assert str(report) == out.stdout
    assert out.returncode == (0 if report.valid else 1)


def test_findings_and_repr_of_an_invalid_store() -> None:
    report = zarr_links.validate(str(BROKEN))
    assert repr(report) == "<Report invalid: 1 error, 0 warnings in 6 nodes>"
    (f,) = report.findings
    assert (f.rule, f.severity, f.node, f.file, f.pointer) == (
        "links.target.resolves",
        "error",
        "/quality/cloud_mask",
        "quality/cloud_mask/zarr.json",
        "/attributes/links:relationships/0/target",
    )
    assert 'did you mean "/bands/b04"' in f.message and f.hint is None
    assert f == report.findings[0]
    assert str(f).startswith("error[links.target.resolves] quality/cloud_mask/zarr.json#/attributes/")
    assert repr(f).startswith("<Finding error[links.target.resolves] /quality/cloud_mask ")


@pytest.mark.parametrize(
    ("node", "kwargs", "args"),
    [
        (B04, {"direction": "in"}, ["--direction", "in"]),
        (B04, {"direction": "both"}, ["--direction", "both"]),
        ("/indices/ndvi", {}, ["--direction", "out"]),
        ("/indices/ndvi", {"type": "derived_from", "direction": "both"}, ["--type", "derived_from"]),
    ],
)
def test_related_equals_cli(node: str, kwargs: dict, args: list[str]) -> None:
    for store in (SENTINEL2_V3, SENTINEL2_V2):
        got = zarr_links.related(str(store), node, **kwargs)
        assert got, "the Sentinel-2 nodes have links"
        assert got == cli_json("related", str(store), node, "--format", "json", *args)


def test_related_accepts_a_zarr_node_and_explains_unknown_nodes() -> None:
    root = zarr.open_group(SENTINEL2_V3, mode="r")
    assert zarr_links.related(root, root["indices/ndvi"]) == zarr_links.related(
        str(SENTINEL2_V3), "/indices/ndvi"
    )
    with pytest.raises(zarr_links.ZarrLinksError, match=r'has no node "/indices/ndwi"; did you mean /indices/ndvi\?'):
        zarr_links.related(str(SENTINEL2_V3), "/indices/ndwi")
    with pytest.raises(zarr_links.ZarrLinksError, match="absolute"):
        zarr_links.related(str(SENTINEL2_V3), "indices/ndvi")
    with pytest.raises(zarr_links.ZarrLinksError, match='did you mean "quality_for"'):
        zarr_links.related(str(SENTINEL2_V3), B04, type="quality-for")
    with pytest.raises(zarr_links.ZarrLinksError, match="direction must be"):
        zarr_links.related(str(SENTINEL2_V3), B04, direction="inward")  # type: ignore[arg-type]


@pytest.mark.parametrize("format", ["json", "dot", "mermaid"])
def test_graph_equals_cli(format: str) -> None:
    store = str(SENTINEL2_V3)
    got = zarr_links.graph(store, format=format)
    if format == "json":
        assert got == cli_json("graph", store, "--format", "json")
        assert got["edges"]
    else:
        assert got == run_cli("graph", store, "--format", format).stdout
    with pytest.raises(zarr_links.ZarrLinksError, match="format must be"):
        zarr_links.graph(store, format="svg")  # type: ignore[arg-type]


def test_graph_title() -> None:
    got = zarr_links.graph(str(SENTINEL2_V3), format="dot", title="Sentinel-2 L2A")
    assert got == run_cli("graph", str(SENTINEL2_V3), "--format", "dot", "--title", "Sentinel-2 L2A").stdout


def test_index_equals_cli() -> None:
    for store in (SENTINEL2_V3, SENTINEL2_V2, BROKEN):
        assert zarr_links.index(str(store)) == cli_json("index", str(store))


@pytest.mark.parametrize("source", [SENTINEL2_V3, SENTINEL2_V2], ids=["v3", "v2"])
def test_write_index_on_a_path_writes_what_the_cli_writes(tmp_path: Path, source: Path) -> None:
    # Start from the use case without its root index (and, for v2, with a
    # consolidated copy to keep in step, when the store has one).
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    shutil.copytree(source, ours)
    drop_root_index(ours)
    shutil.copytree(ours, theirs)
    assert [f.rule for f in zarr_links.validate(str(ours)).findings] == ["links.index.root"]

    written = zarr_links.write_index(str(ours))
    run_cli("index", str(theirs), "--write", check_codes=(0,))
    files = sorted(p.relative_to(ours) for p in ours.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(theirs) for p in theirs.rglob("*") if p.is_file())
    for f in files:
        assert (ours / f).read_bytes() == (theirs / f).read_bytes(), f
    assert written == zarr_links.index(str(ours))
    assert zarr_links.validate(str(ours)).findings == []


def test_write_index_through_a_zarr_store_keeps_v2_consolidated_metadata(tmp_path: Path) -> None:
    path = tmp_path / "s2.zarr"
    shutil.copytree(SENTINEL2_V2, path)
    drop_root_index(path)
    store = zarr.storage.LocalStore(path)
    assert zarr_links.validate(store).consolidated
    expected = zarr_links.index(store)
    assert expected == cli_json("index", str(path)) and expected
    written = zarr_links.write_index(store)
    assert written == expected
    report = zarr_links.validate(str(path))
    assert report.consolidated and report.findings == [], str(report)
    # zarr-python, reading through .zmetadata, sees the index too.
    assert zarr.open_group(path, mode="r").attrs["links:index"] == written


def test_write_index_refuses_a_read_only_store(tmp_path: Path) -> None:
    path = tmp_path / "s2.zarr"
    shutil.copytree(SENTINEL2_V3, path)
    drop_root_index(path)
    before = (path / "zarr.json").read_bytes()
    with pytest.raises(zarr_links.ZarrLinksError, match="cannot write zarr.json"):
        zarr_links.write_index(zarr.storage.LocalStore(path, read_only=True))
    assert (path / "zarr.json").read_bytes() == before


def test_a_panic_is_a_zarr_links_error() -> None:
    with pytest.raises(zarr_links.ZarrLinksError, match="internal error .*a deliberate panic.*bug"):
        zarr_links._core._panic_for_tests()
    # The interpreter and the package still work.
    assert zarr_links.validate(str(SENTINEL2_V3)).valid


class NoListingStore(zarr.storage.MemoryStore):
    """A store that cannot list its keys, as a plain HTTP server."""

    supports_listing = False


def test_a_store_that_cannot_list_is_checked_from_its_root() -> None:
    complete = zarr_links.validate(str(SENTINEL2_V3))
    store = NoListingStore(memory_copy(SENTINEL2_V3)._store_dict)
    report = zarr_links.validate(store)
    assert report.coverage == "reached" and complete.coverage == "complete"
    assert report.valid
    assert repr(report).startswith("<Report valid for the nodes reached: 0 errors, 0 warnings in ")
    assert 0 < report.nodes <= complete.nodes
    assert "partial check" in str(report)

    broken = NoListingStore(memory_copy(BROKEN)._store_dict)
    assert [f.rule for f in zarr_links.validate(broken).findings] == ["links.target.resolves"]
