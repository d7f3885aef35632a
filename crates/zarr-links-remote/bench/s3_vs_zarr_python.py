"""The S3 benchmark's driver (run it through s3_vs_zarr_python.sh).

Generates a non-consolidated Zarr v3 store (groups of 100 arrays, each array
with four links, a root index), uploads it to a moto server started on
127.0.0.1, then times, best of ROUNDS:

- zarr-links: `zarr-links validate s3://bench/store` (everything: listing,
  reading, parsing, validating), default concurrency;
- zarr-python: `zarr.open_group` on an FsspecStore (s3fs) and
  `list(group.members(max_depth=None))`, which lists every group and reads
  every member's `zarr.json`.

Requests are counted in moto's request log, for one run of each.
"""

import argparse
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time

UUID = "9500acb2-598d-48c1-ac4c-96f069e8299b"
PER_GROUP = 100
BUCKET = "bench"


def array_path(i):
    return f"/g{i // PER_GROUP:05}/a{i % PER_GROUP:03}"


def generate(arrays):
    """The store's files: {key: bytes}."""
    files = {}
    groups = (arrays + PER_GROUP - 1) // PER_GROUP
    index = [array_path(i) for i in range(0, arrays, PER_GROUP)]
    files["zarr.json"] = {
        "zarr_format": 3,
        "node_type": "group",
        "attributes": {
            "zarr_conventions": [{"uuid": UUID, "name": "links:"}],
            "links:index": {"first": index},
        },
    }
    for g in range(groups):
        files[f"g{g:05}/zarr.json"] = {
            "zarr_format": 3,
            "node_type": "group",
            "attributes": {"description": f"group {g}"},
        }
    for i in range(arrays):
        in_group, base = i % PER_GROUP, i - i % PER_GROUP
        size = min(PER_GROUP, arrays - base)
        links = [
            {"target": array_path(base + (in_group + 1) % size), "type": "same_as"},
            {"target": f"https://example.org/products/{i}.html", "type": "describedby"},
        ]
        if in_group > 0:
            links.append({"target": array_path(i - 1), "type": "derived_from"})
            links.append({"target": array_path(base), "type": "quality_for"})
        files[array_path(i)[1:] + "/zarr.json"] = {
            "zarr_format": 3,
            "node_type": "array",
            "shape": [100],
            "data_type": "float32",
            "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [100]}},
            "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}},
            "fill_value": 0.0,
            "codecs": [{"name": "bytes", "configuration": {"endian": "little"}}],
            "attributes": {
                "zarr_conventions": [{"uuid": UUID, "name": "links:"}],
                "links:relationships": links,
            },
        }
    return {k: json.dumps(v, indent=2).encode() for k, v in files.items()}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port, method, path, body=b""):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    c.request(method, path, body=body)
    r = c.getresponse()
    r.read()
    c.close()
    return r.status


def upload(port, files):
    assert request(port, "PUT", f"/{BUCKET}") == 200
    items = list(files.items())
    lock = threading.Lock()

    def work():
        while True:
            with lock:
                if not items:
                    return
                key, body = items.pop()
            status = request(port, "PUT", f"/{BUCKET}/store/{key}", body)
            assert status == 200, (key, status)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


REQUEST_LINE = re.compile(r'"(GET|HEAD|PUT|POST|DELETE) ')


def count_requests(log_path, start):
    with open(log_path, encoding="utf-8", errors="replace") as f:
        f.seek(start)
        return sum(1 for line in f if REQUEST_LINE.search(line))


def log_size(log_path):
    return os.path.getsize(log_path)


def best(rounds, run):
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        run()
        times.append(time.perf_counter() - t)
    return min(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--arrays", type=int, default=10000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--zarr-links", required=True)
    ap.add_argument("--moto", required=True)
    a = ap.parse_args()

    import zarr
    from zarr.storage import FsspecStore

    files = generate(a.arrays)
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        log_path = os.path.join(tmp, "moto.log")
        with open(log_path, "wb") as log:
            moto = subprocess.Popen(
                [a.moto, "-H", "127.0.0.1", "-p", str(port)],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            )
        try:
            for _ in range(600):
                try:
                    request(port, "GET", "/moto-api/")
                    break
                except OSError:
                    time.sleep(0.1)
            t = time.perf_counter()
            upload(port, files)
            print(f"store: {a.arrays} arrays, {len(files)} documents, "
                  f"uploaded in {time.perf_counter() - t:.1f} s")

            env = dict(os.environ, AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench",
                       AWS_REGION="us-east-1")
            env.pop("AWS_PROFILE", None)
            cmd = [a.zarr_links, "validate", "--endpoint-url", endpoint, f"s3://{BUCKET}/store"]

            def zarr_links():
                out = subprocess.run(cmd, env=env, capture_output=True, text=True)
                if out.returncode != 0:
                    sys.exit(f"zarr-links failed ({out.returncode}):\n{out.stdout}\n{out.stderr}")
                return out.stdout

            def zarr_python():
                store = FsspecStore.from_url(
                    f"s3://{BUCKET}/store",
                    storage_options={
                        "endpoint_url": endpoint, "key": "bench", "secret": "bench",
                        "client_kwargs": {"region_name": "us-east-1"},
                    },
                    read_only=True,
                )
                group = zarr.open_group(store=store, mode="r", zarr_format=3)
                return list(group.members(max_depth=None))

            start = log_size(log_path)
            summary = zarr_links().strip().splitlines()[-1]
            zl_requests = count_requests(log_path, start)
            start = log_size(log_path)
            members = zarr_python()
            zp_requests = count_requests(log_path, start)
            zl = best(a.rounds, zarr_links)
            zp = best(a.rounds, zarr_python)
        finally:
            moto.terminate()
            moto.wait()

    groups = (a.arrays + PER_GROUP - 1) // PER_GROUP
    nodes = 1 + groups + a.arrays
    print(f"zarr-links validate:  {zl:7.2f} s  {zl_requests:6} requests  ({summary})")
    print(f"zarr-python members:  {zp:7.2f} s  {zp_requests:6} requests  "
          f"({len(members)} members, zarr {zarr.__version__}, "
          f"async.concurrency {zarr.config.get('async.concurrency')})")
    print(f"ratio (zarr-python / zarr-links): {zp / zl:.1f}x")
    print(f"nodes {nodes}, groups listed {1 + groups}: "
          f"nodes + listings = {nodes + 1 + groups}")


if __name__ == "__main__":
    main()
