"""Errors raise the package's ZarrLinksError with a clear message; the
`zarr-links` command works from the venv, as a script and as
`python -m zarr_links`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import zarr
from conftest import REPO, SENTINEL2_V3

import zarr_links
from zarr_links import ZarrLinksError


def test_missing_path(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.zarr"
    with pytest.raises(ZarrLinksError, match=r"nowhere\.zarr: no such directory; pass the root directory of a Zarr store"):
        zarr_links.validate(missing)


def test_a_file_instead_of_a_store(tmp_path: Path) -> None:
    f = tmp_path / "product.nc"
    f.write_bytes(b"CDF\x01")
    with pytest.raises(ZarrLinksError, match=r"product\.nc: is a file, not a directory"):
        zarr_links.validate(str(f))


def test_a_directory_inside_a_store() -> None:
    inner = SENTINEL2_V3 / "measurements"
    with pytest.raises(ZarrLinksError, match="is inside the store rooted at .*; pass the root"):
        zarr_links.validate(str(inner))


def test_a_directory_without_zarr_metadata(tmp_path: Path) -> None:
    with pytest.raises(ZarrLinksError, match="no Zarr metadata at the root"):
        zarr_links.validate(str(tmp_path))
    with pytest.raises(ZarrLinksError, match="no Zarr metadata at the root"):
        zarr_links.validate(zarr.storage.MemoryStore())


@pytest.mark.parametrize(
    "thing",
    [{"zarr.json": b"{}"}, 42, None, object(), [str(SENTINEL2_V3)]],
    ids=["dict", "int", "None", "object", "list"],
)
def test_unsupported_store_objects(thing: object) -> None:
    with pytest.raises(ZarrLinksError, match=r"cannot read a store from a .* object; pass the path of a store's root directory .*zarr\.storage\.MemoryStore") as e:
        zarr_links.validate(thing)
    assert type(thing).__name__ in str(e.value)


def test_index_of_a_store_whose_root_is_an_array(tmp_path: Path) -> None:
    zarr.create_array(tmp_path / "a.zarr", shape=(2,), dtype="uint8")
    assert zarr_links.validate(str(tmp_path / "a.zarr")).valid
    for call in (zarr_links.index, zarr_links.write_index):
        with pytest.raises(ZarrLinksError, match="the root is an array; `links:index` goes on a group"):
            call(str(tmp_path / "a.zarr"))


def test_writing_refuses_remote_urls() -> None:
    for url in ("s3://bucket/product.zarr", "https://example.org/product.zarr"):
        with pytest.raises(ZarrLinksError, match="not supported for remote stores"):
            zarr_links.write_index(url)


def test_every_function_raises_the_package_error() -> None:
    for call in (
        lambda: zarr_links.related("/nowhere", "/"),
        lambda: zarr_links.graph("/nowhere"),
        lambda: zarr_links.index("/nowhere"),
        lambda: zarr_links.write_index("/nowhere"),
    ):
        with pytest.raises(ZarrLinksError, match="no such directory"):
            call()
    assert issubclass(ZarrLinksError, Exception)
    assert ZarrLinksError.__module__ == "zarr_links"


def script(name: str) -> str:
    path = Path(sys.executable).parent / name
    assert path.exists(), f"{name} is not installed beside {sys.executable}"
    return str(path)


def test_console_script_validate() -> None:
    out = subprocess.run([script("zarr-links"), "validate", str(SENTINEL2_V3)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.rstrip().endswith("valid: 0 errors, 0 warnings in 164 nodes")
    out = subprocess.run(
        [script("zarr-links"), "validate", str(SENTINEL2_V3), "--format", "json"], capture_output=True, text=True
    )
    assert json.loads(out.stdout) == zarr_links.validate(str(SENTINEL2_V3)).to_dict()


def test_console_script_exit_codes(tmp_path: Path) -> None:
    zl = script("zarr-links")
    invalid = REPO / "conformance" / "invalid" / "targets" / "target_not_found" / "store"
    assert subprocess.run([zl, "validate", str(invalid)], capture_output=True).returncode == 1
    missing = subprocess.run([zl, "validate", str(tmp_path / "nowhere")], capture_output=True, text=True)
    assert missing.returncode == 2
    assert "no such directory" in missing.stderr
    usage = subprocess.run([zl, "frobnicate"], capture_output=True, text=True)
    assert usage.returncode == 2 and "Usage: zarr-links" in usage.stderr
    help_ = subprocess.run([zl, "--help"], capture_output=True, text=True)
    assert help_.returncode == 0 and "validate" in help_.stdout
    version = subprocess.run([zl, "--version"], capture_output=True, text=True)
    assert version.stdout.strip() == f"zarr-links {zarr_links.__version__}"


def test_python_dash_m() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "zarr_links", "related", str(SENTINEL2_V3), "/indices/ndvi", "--format", "json"],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == zarr_links.related(str(SENTINEL2_V3), "/indices/ndvi", direction="both")


def test_output_order_with_python_prints() -> None:
    # Text printed by Python before the command keeps its place.
    code = (
        "import sys; from zarr_links._cli import main; print('before', flush=False); "
        f"sys.argv = ['zarr-links', 'validate', {str(SENTINEL2_V3)!r}]; rc = main(); print('after'); sys.exit(rc)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0
    lines = out.stdout.splitlines()
    assert lines[0] == "before" and lines[-1] == "after" and "valid: 0 errors" in lines[-2]
