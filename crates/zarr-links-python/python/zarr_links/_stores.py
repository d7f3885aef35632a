"""Reading and writing zarr-python stores for the Rust core.

The core's store loader decides which keys to read and which prefixes to
list; :class:`ZarrStoreReader` answers its requests through zarr-python's
own store API (``Store.get``, ``Store.list_dir``, ``Store.set``), so that
what zarr-python sees is what gets checked. Each batch of requests is
answered concurrently on zarr-python's event loop, at most
``zarr.config["async.concurrency"]`` at a time.
"""

from __future__ import annotations

import asyncio
from typing import Any


class ZarrStoreReader:
    """A zarr-python store, as the core reads and writes it.

    ``describe`` names the store in reports. ``answer`` takes a list of
    requests, ``("get", key)`` or ``("list", prefix)``, and returns one
    result per request: the bytes of the key or None when it does not
    exist; the names directly under the prefix; or the exception that
    reading raised, which the core reports as a finding about that key.
    ``put`` writes one document. ``listing`` tells whether the store can
    list (``Store.supports_listing``); one that cannot is read from its root
    as a reader discovers it (coverage ``"reached"``).
    """

    def __init__(self, store: Any, describe: str) -> None:
        self.store = store
        self.describe = describe
        self.listing = bool(getattr(store, "supports_listing", True))

    def answer(self, requests: list[tuple[str, str]]) -> list[Any]:
        from zarr.core.sync import sync

        return sync(self._answer(requests))

    async def _answer(self, requests: list[tuple[str, str]]) -> list[Any]:
        import zarr
        from zarr.core.buffer import default_buffer_prototype

        prototype = default_buffer_prototype()
        limit = asyncio.Semaphore(max(1, int(zarr.config.get("async.concurrency") or 10)))

        async def one(kind: str, key: str) -> Any:
            async with limit:
                if kind == "get":
                    buffer = await self.store.get(key, prototype=prototype)
                    return None if buffer is None else buffer.to_bytes()
                return [name async for name in self.store.list_dir(key)]

        results = await asyncio.gather(
            *(one(kind, key) for kind, key in requests), return_exceptions=True
        )
        # Only failures of single reads are findings; a cancelled run is not.
        for r in results:
            if isinstance(r, BaseException) and not isinstance(r, Exception):
                raise r
        return list(results)

    def put(self, key: str, data: bytes) -> None:
        from zarr.core.buffer import default_buffer_prototype
        from zarr.core.sync import sync

        buffer = default_buffer_prototype().buffer.from_bytes(data)
        sync(self.store.set(key, buffer))


def describe(store: Any) -> str:
    """How a zarr-python store is named in reports: a local store by its
    root directory (as a path given to ``validate``), any other store as
    zarr-python prints it (``memory://...``)."""
    from zarr.storage import LocalStore

    if isinstance(store, LocalStore):
        return str(store.root)
    return str(store)
