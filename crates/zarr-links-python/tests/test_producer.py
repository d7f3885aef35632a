"""The producer's workflow with real zarr-python 3 and xarray: write a small
Sentinel-2-like product (Zarr v2 and v3, consolidated metadata), add links
with add_link, index, validate, break a target, read the finding."""

from __future__ import annotations

import json
import runpy
import shutil
import warnings
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
import zarr

import zarr_links
from conftest import REPO
from zarr_links import ZarrLinksError

CMO = {"uuid": "9500acb2-598d-48c1-ac4c-96f069e8299b", "name": "links:"}

BANDS_10M = ["b02", "b03", "b04", "b08"]
R10M = "/measurements/reflectance/r10m"

# What the links of add_links() index as (the categories are the graph
# crate's; see `zarr-links index --help`).
EXPECTED_INDEX = {
    "quality": ["/quality/mask/r10m/b04"],
    "derived": ["/indices/ndvi", "/measurements/reflectance/r20m/b04", "/quicklook/r10m/tci"],
    "sources": [f"{R10M}/{band}" for band in BANDS_10M],
}


@pytest.fixture(autouse=True)
def quiet_v3_consolidation():
    # zarr-python warns that v3 consolidated metadata is not in the v3 spec.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Consolidated metadata is currently not part")
        yield


def build_product(path: Path, zarr_format: int) -> None:
    """A small Sentinel-2 L2A-like product, consolidated, without links."""
    root = zarr.open_group(path, mode="w", zarr_format=zarr_format)
    r10m = root.create_group("measurements/reflectance/r10m")
    for band in BANDS_10M:
        r10m.create_array(band, shape=(4, 4), dtype="uint16", chunks=(4, 4))[:] = 1000
    root.create_group("measurements/reflectance/r20m").create_array(
        "b04", shape=(2, 2), dtype="uint16", chunks=(2, 2)
    )
    root.create_group("quality/mask/r10m").create_array(
        "b04", shape=(4, 4), dtype="uint8", chunks=(4, 4)
    )
    root.create_group("quicklook/r10m").create_array(
        "tci", shape=(4, 4, 3), dtype="uint8", chunks=(4, 4, 3)
    )
    root.create_group("indices").create_array("ndvi", shape=(4, 4), dtype="float32", chunks=(4, 4))
    zarr.consolidate_metadata(path)


def add_links(root: zarr.Group) -> None:
    mask = root["quality/mask/r10m/b04"]
    assert zarr_links.add_link(mask, f"{R10M}/b04", "quality_for", "Cloud mask for B04")
    tci = root["quicklook/r10m/tci"]
    for band in ("b02", "b03", "b04"):
        assert zarr_links.add_link(tci, f"{R10M}/{band}", "derived_from")
    ndvi = root["indices/ndvi"]
    assert zarr_links.add_link(ndvi, f"{R10M}/b04", "derived_from")
    assert zarr_links.add_link(ndvi, f"{R10M}/b08", "derived_from")
    b04_20m = root["measurements/reflectance/r20m/b04"]
    assert zarr_links.add_link(b04_20m, f"{R10M}/b04", "derived_from", "Resampled to 20 m")


def error_findings(report: zarr_links.Report) -> list[dict]:
    return [f.to_dict() for f in report.findings if f.severity == "error"]


@pytest.mark.parametrize("zarr_format", [2, 3])
def test_producer_workflow(tmp_path: Path, zarr_format: int) -> None:
    path = tmp_path / f"S2_L2A_v{zarr_format}.zarr"
    build_product(path, zarr_format)
    root = zarr.open_group(path, mode="r+")
    add_links(root)

    ndvi = zarr.open_group(path, mode="r", use_consolidated=False)["indices/ndvi"]
    assert ndvi.attrs["zarr_conventions"][0]["uuid"] == CMO["uuid"]
    assert ndvi.attrs["zarr_conventions"][0]["name"] == CMO["name"]
    assert ndvi.attrs["links:relationships"] == [
        {"target": f"{R10M}/b04", "type": "derived_from"},
        {"target": f"{R10M}/b08", "type": "derived_from"},
    ]
    # The consolidated metadata was kept in step: readers that open the
    # product through it see the links too.
    consolidated = zarr.open_group(path, mode="r", use_consolidated=True)
    assert consolidated.metadata.consolidated_metadata is not None
    assert consolidated["indices/ndvi"].attrs["links:relationships"] == ndvi.attrs[
        "links:relationships"
    ]

    report = zarr_links.validate(path)
    assert report.valid and report.errors == 0
    # Only the missing root index is left, as a warning.
    assert [f.rule for f in report.findings] == ["links.index.root"]
    assert report.consolidated and report.zarr_format == zarr_format
    assert report.nodes == 19

    written = zarr_links.write_index(zarr.open_group(path, mode="r+"))
    assert written == zarr_links.index(path)
    assert written == EXPECTED_INDEX
    report = zarr_links.validate(path)
    assert report.valid and report.findings == [], str(report)
    assert repr(report) == "<Report valid: 0 errors, 0 warnings in 19 nodes>"

    # The same store through zarr-python gives the same report.
    via_zarr = zarr_links.validate(zarr.open_group(path, mode="r"))
    assert via_zarr.to_dict() == report.to_dict()

    # Break a target: B08 is removed, and NDVI still says it derives from it.
    root = zarr.open_group(path, mode="r+")
    del root["measurements/reflectance/r10m/b08"]
    zarr.consolidate_metadata(path)
    report = zarr_links.validate(path)
    assert not report.valid
    broken = [f for f in error_findings(report) if f["rule"] == "links.target.resolves"]
    if zarr_format == 2:
        file, pointer = ".zmetadata", "/metadata/indices~1ndvi~1.zattrs/links:relationships/1/target"
    else:
        file = "zarr.json"
        pointer = "/consolidated_metadata/metadata/indices~1ndvi/attributes/links:relationships/1/target"
    assert broken == [
        {
            "rule": "links.target.resolves",
            "severity": "error",
            "node": "/indices/ndvi",
            "file": file,
            "pointer": pointer,
            "message": f'target "{R10M}/b08" does not name a node in the store; expected an '
            f'existing array or group (did you mean "{R10M}/b02"?)',
            "hint": None,
        }
    ]
    # The index written above names B08 too.
    assert {f["rule"] for f in error_findings(report)} - {"links.target.resolves"}


@pytest.mark.parametrize(
    ("case", "array"),
    [
        ("valid/use-cases/sentinel2-l2a-v2", "indices/ndvi"),
        ("valid/stores/consolidated_v2", "bands/b04"),
        ("valid/stores/consolidated_v3", "bands/b04"),
    ],
)
def test_add_link_changes_only_the_node_in_consolidated_metadata(
    tmp_path: Path, case: str, array: str
) -> None:
    """A store another tool wrote (the conformance generator), consolidated:
    add_link leaves it exactly as valid as it was, and readers that go through
    the consolidated metadata see the new link."""
    path = tmp_path / "store"
    shutil.copytree(REPO / "conformance" / case / "store", path)
    before = zarr_links.validate(str(path)).to_dict()
    assert before["consolidated"] and before["valid"]
    files_before = {p: p.read_bytes() for p in path.rglob("*") if p.is_file()}

    node = zarr.open_group(path, mode="r+")[array]
    assert zarr_links.add_link(node, "https://example.org/about-this-array", "describedby")

    after = zarr_links.validate(str(path)).to_dict()
    assert after == before, "add_link changed what the validator says"
    # Only the node's documents (zarr-python writes a v2 array's .zarray
    # again with its .zattrs) and the consolidated document were written.
    changed = {
        p.relative_to(path).as_posix()
        for p in path.rglob("*")
        if p.is_file() and files_before.get(p) != p.read_bytes()
    }
    if (path / "zarr.json").exists():
        assert changed == {f"{array}/zarr.json", "zarr.json"}
    else:
        assert changed == {f"{array}/.zarray", f"{array}/.zattrs", ".zmetadata"}
    relationships = zarr.open_group(path, mode="r", use_consolidated=True)[array].attrs[
        "links:relationships"
    ]
    assert relationships[-1] == {"target": "https://example.org/about-this-array", "type": "describedby"}


@pytest.mark.parametrize("zarr_format", [2, 3])
def test_add_link_checks_type_and_target(tmp_path: Path, zarr_format: int) -> None:
    path = tmp_path / "p.zarr"
    build_product(path, zarr_format)
    root = zarr.open_group(path, mode="r+")
    mask = root["quality/mask/r10m/b04"]

    with pytest.raises(ZarrLinksError, match=r'unknown relation type "quality-for" \(did you mean "quality_for"\?\)'):
        zarr_links.add_link(mask, f"{R10M}/b04", "quality-for")
    with pytest.raises(ZarrLinksError, match=r"'/measurements/reflectance/r10m/b05' does not name a group or array"):
        zarr_links.add_link(mask, f"{R10M}/b05", "quality_for")
    with pytest.raises(ZarrLinksError, match="relative path"):
        zarr_links.add_link(mask, "measurements/reflectance/r10m/b04", "quality_for")
    with pytest.raises(ZarrLinksError, match="trailing"):
        zarr_links.add_link(mask, f"{R10M}/b04/", "quality_for")
    with pytest.raises(ZarrLinksError, match="Group or Array"):
        zarr_links.add_link(str(path), f"{R10M}/b04", "quality_for")
    # Nothing was written by the refused calls.
    assert "links:relationships" not in zarr.open_group(path, mode="r", use_consolidated=False)[
        "quality/mask/r10m/b04"
    ].attrs

    read_only = zarr.open_group(path, mode="r")["quality/mask/r10m/b04"]
    with pytest.raises(ZarrLinksError, match="cannot write the attributes of /quality/mask/r10m/b04"):
        zarr_links.add_link(read_only, f"{R10M}/b04", "quality_for")

    # An absolute URI is not looked up; an IANA type is accepted.
    assert zarr_links.add_link(mask, "https://example.org/s2-l2a-atbd.pdf", "describedby")
    # The same link twice: nothing to do.
    assert zarr_links.add_link(mask, f"{R10M}/b04", "quality_for")
    assert not zarr_links.add_link(mask, f"{R10M}/b04", "quality_for")
    links = zarr.open_group(path, mode="r")["quality/mask/r10m/b04"].attrs["links:relationships"]
    assert [(l["target"], l["type"]) for l in links] == [
        ("https://example.org/s2-l2a-atbd.pdf", "describedby"),
        (f"{R10M}/b04", "quality_for"),
    ]
    # The group itself can carry links, e.g. to its root.
    assert zarr_links.add_link(root["quality"], "/", "part_of")


def test_add_link_keeps_other_conventions(tmp_path: Path) -> None:
    path = tmp_path / "p.zarr"
    build_product(path, 3)
    root = zarr.open_group(path, mode="r+")
    ndvi = root["indices/ndvi"]
    other = {"uuid": "d35379db-88df-4056-af3a-620245f8e347", "name": "proj:"}
    ndvi.attrs.update({"zarr_conventions": [other], "units": "1"})
    zarr_links.add_link(ndvi, f"{R10M}/b04", "derived_from")
    attrs = zarr.open_group(path, mode="r", use_consolidated=False)["indices/ndvi"].attrs
    assert attrs["units"] == "1"
    assert attrs["zarr_conventions"][0] == other
    assert {k: attrs["zarr_conventions"][1][k] for k in CMO} == CMO
    # A legacy uuid string is turned into the object form.
    ndvi.attrs["zarr_conventions"] = [CMO["uuid"]]
    zarr_links.add_link(ndvi, f"{R10M}/b08", "derived_from")
    attrs = zarr.open_group(path, mode="r", use_consolidated=False)["indices/ndvi"].attrs
    assert [c["uuid"] for c in attrs["zarr_conventions"]] == [CMO["uuid"]]
    assert isinstance(attrs["zarr_conventions"][0], dict)


def test_memory_store_workflow() -> None:
    store = zarr.storage.MemoryStore()
    root = zarr.open_group(store, mode="w", zarr_format=3)
    bands = root.create_group("bands")
    bands.create_array("b04", shape=(2, 2), dtype="uint16")
    mask = root.create_array("cloud_mask", shape=(2, 2), dtype="uint8")
    assert zarr_links.add_link(mask, "/bands/b04", "quality_for")

    for target in (store, root):
        report = zarr_links.validate(target)
        assert report.valid and [f.rule for f in report.findings] == ["links.index.root"]
        assert report.store == str(store)
    assert zarr_links.related(store, "/bands/b04", direction="in") == [
        {
            "source": "/cloud_mask",
            "target": "/bands/b04",
            "type": "quality_for",
            "direction": "in",
            "declared_on": "/cloud_mask",
            "derived": False,
        }
    ]
    assert zarr_links.related(store, mask) == zarr_links.related(store, "/cloud_mask")
    index = zarr_links.write_index(store)
    assert index == {"quality": ["/cloud_mask"], "sources": ["/bands/b04"]}
    root_doc = json.loads(store._store_dict["zarr.json"].to_bytes())
    assert root_doc["attributes"]["links:index"] == index
    assert {k: root_doc["attributes"]["zarr_conventions"][0][k] for k in CMO} == CMO
    report = zarr_links.validate(store)
    assert report.valid and report.findings == []


@pytest.mark.parametrize("zarr_format", [2, 3])
def test_xarray_to_zarr_workflow(tmp_path: Path, zarr_format: int) -> None:
    path = tmp_path / f"scene_v{zarr_format}.zarr"
    y, x = np.arange(4), np.arange(5)
    data = {
        band: (("y", "x"), np.full((4, 5), 1000, dtype="uint16"), {"long_name": band})
        for band in ("b02", "b04", "b08")
    }
    data["cloud_mask"] = (("y", "x"), np.zeros((4, 5), dtype="uint8"))
    data["ndvi"] = (("y", "x"), np.zeros((4, 5), dtype="float32"), {"units": "1"})
    ds = xr.Dataset(data, coords={"y": y, "x": x}, attrs={"title": "scene"})
    ds.to_zarr(path, zarr_format=zarr_format, consolidated=True, mode="w")

    root = zarr.open_group(path, mode="r+")
    zarr_links.add_link(root["cloud_mask"], "/b04", "quality_for")
    zarr_links.add_link(root["ndvi"], "/b04", "derived_from")
    zarr_links.add_link(root["ndvi"], "/b08", "derived_from")
    zarr_links.write_index(zarr.open_group(path, mode="r+"))

    report = zarr_links.validate(path)
    assert report.valid and report.findings == [], str(report)
    assert report.consolidated

    # xarray reads the links back (through the consolidated metadata), and
    # keeps its own attributes.
    back = xr.open_zarr(path, zarr_format=zarr_format)
    assert [l["target"] for l in back["ndvi"].attrs["links:relationships"]] == ["/b04", "/b08"]
    assert back["ndvi"].attrs["units"] == "1"
    assert back.attrs["title"] == "scene"
    assert back.attrs["links:index"] == zarr_links.index(path)

    # Break a target and read the finding.
    del zarr.open_group(path, mode="r+")["b08"]
    zarr.consolidate_metadata(path)
    report = zarr_links.validate(path)
    broken = [f for f in report.findings if f.rule == "links.target.resolves"]
    assert [(f.node, f.pointer.rsplit("/", 3)[1:]) for f in broken] == [
        ("/ndvi", ["links:relationships", "1", "target"])
    ]
    assert broken[0].severity == "error" and "/b08" in broken[0].message


@pytest.mark.parametrize("zarr_format", [2, 3])
def test_book_quick_start(tmp_path: Path, zarr_format: int, monkeypatch, capsys) -> None:
    """The Python quick start that the book includes runs as printed."""
    build_product(tmp_path / "S2_L2A.zarr", zarr_format)
    monkeypatch.chdir(tmp_path)
    script = REPO / "crates" / "zarr-links-python" / "examples" / "quickstart.py"
    runpy.run_path(str(script), run_name="__main__")
    out = capsys.readouterr().out
    assert out.rstrip().endswith("valid: 0 errors, 0 warnings in 19 nodes")
    ndvi = zarr.open_group(tmp_path / "S2_L2A.zarr", mode="r")["indices/ndvi"]
    assert len(ndvi.attrs["links:relationships"]) == 2
