"""Remote stores by URL: the same reader as `zarr-links validate URL`.

A local HTTP server (127.0.0.1, a free port) serves the conformance suite.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator

import pytest
from conftest import CONFORMANCE, SENTINEL2_V3, cli_json

import zarr_links


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        self.server.requests.append(self.path)  # type: ignore[attr-defined]


@pytest.fixture
def server() -> Iterator[http.server.ThreadingHTTPServer]:
    handler = functools.partial(_Quiet, directory=str(CONFORMANCE))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.requests = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd
    finally:
        httpd.shutdown()
        httpd.server_close()


def _url(httpd: http.server.ThreadingHTTPServer, store: str) -> str:
    return f"http://127.0.0.1:{httpd.server_address[1]}/{store}"


def test_a_url_gives_the_report_of_the_local_store(server) -> None:
    url = _url(server, SENTINEL2_V3.relative_to(CONFORMANCE).as_posix())
    report = zarr_links.validate(url)
    local = cli_json("validate", "--format", "json", str(SENTINEL2_V3))
    assert report.valid and local["valid"]
    assert report.nodes == local["nodes"] == 164
    assert report.coverage == "consolidated"
    assert report.findings == []
    # Consolidated: the root's zarr.json holds everything.
    assert len(server.requests) <= 2, server.requests


def test_related_over_http(server) -> None:
    url = _url(server, SENTINEL2_V3.relative_to(CONFORMANCE).as_posix())
    node = "/measurements/reflectance/r10m/b04"
    rows = zarr_links.related(url, node, direction="in")
    assert rows == zarr_links.related(str(SENTINEL2_V3), node, direction="in")
    assert any(r["type"] == "quality_for" for r in rows)


def test_write_index_refuses_a_url_before_any_request(server) -> None:
    url = _url(server, SENTINEL2_V3.relative_to(CONFORMANCE).as_posix())
    with pytest.raises(zarr_links.ZarrLinksError, match="not supported for remote stores"):
        zarr_links.write_index(url)
    assert server.requests == []


def test_an_unreachable_url_is_a_zarr_links_error() -> None:
    with pytest.raises(zarr_links.ZarrLinksError, match="127.0.0.1:1"):
        zarr_links.validate("http://127.0.0.1:1/store.zarr")
