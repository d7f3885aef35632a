"""Validate and navigate the links of GeoZarr Linked Datasets.

The reference validator of the GeoZarr Linked Datasets convention (the
``links:`` attributes of Zarr groups and arrays), its link graph, and
helpers for producers, compiled from the same Rust code as the
``zarr-links`` command (which this package installs too)::

    import zarr_links

    report = zarr_links.validate("product.zarr")
    print(report)                 # the text report of `zarr-links validate`
    for f in report.findings:
        print(f.rule, f.node, f.pointer, f.message)

A *store* is any of:

- a local path (``str`` or ``os.PathLike``, or a ``file://`` URL) to the
  root directory of a Zarr v2 or v3 store, consolidated or not, read as
  ``zarr-links validate`` reads it;
- a zarr-python ``Group`` or ``Array`` (its whole store is read, from the
  store's root), or a zarr-python store object such as
  ``zarr.storage.LocalStore`` or ``zarr.storage.MemoryStore``. The metadata
  is then read through zarr-python's own store API, so what zarr-python
  sees is what gets checked.

- the URL of a remote store's root as a ``str`` (``https://``, ``s3://``,
  ``gs://``, ``az://``), read as ``zarr-links validate URL`` reads it:
  consolidated metadata first, credentials from the usual environment
  variables; a plain HTTP server without consolidated metadata gives a
  partial check (``report.coverage == "reached"``). Writing
  (``write_index``) refuses a URL.

Every failure to read or write a store, every store object of a kind the
package does not read, and every argument it cannot use raises
:class:`ZarrLinksError`, with a message that says what to do.
"""

from __future__ import annotations

import json
import os
import re
import sys
from typing import TYPE_CHECKING, Any, Literal, Union

from . import _core
from ._core import Finding, Report, ZarrLinksError, __version__

if TYPE_CHECKING:
    import zarr

__all__ = [
    "Finding",
    "Report",
    "ZarrLinksError",
    "__version__",
    "add_link",
    "graph",
    "index",
    "related",
    "validate",
    "write_index",
]

#: What the functions accept as a store: a local path, a ``file://`` URL, a
#: zarr-python ``Group`` or ``Array``, or a zarr-python store object.
StoreLike = Union[str, "os.PathLike[str]", Any]

_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")

_ACCEPTED = (
    "pass the path of a store's root directory (str or os.PathLike), a zarr-python "
    "Group or Array, or a zarr-python store such as zarr.storage.LocalStore or "
    "zarr.storage.MemoryStore"
)


def _type_name(value: Any) -> str:
    kind = value.__class__
    return f"{kind.__module__}.{kind.__qualname__}"


def _file_url_path(url: str) -> str:
    from urllib.parse import unquote, urlsplit
    from urllib.request import url2pathname

    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        raise ZarrLinksError(
            f"{url}: a file:// URL on another host ({parts.netloc}) cannot be read; "
            "pass a local path"
        )
    return url2pathname(unquote(parts.path))


def _source(store: StoreLike) -> Any:
    """What the core reads: a path as ``str``, or a reader of a zarr-python store."""
    if isinstance(store, (str, bytes, os.PathLike)):
        path = os.fsdecode(os.fspath(store))
        url = _URL.match(path)
        if url is None:
            return path
        if url.group(1).lower() == "file":
            return _file_url_path(path)
        # A remote store: the core reads it as the command line does.
        return path
    zarr = sys.modules.get("zarr")
    if zarr is not None:
        from zarr.abc.store import Store

        if isinstance(store, (zarr.Group, zarr.Array)):
            store = store.store
        if isinstance(store, Store):
            from ._stores import ZarrStoreReader, describe

            return ZarrStoreReader(store, describe(store))
    raise ZarrLinksError(f"cannot read a store from a {_type_name(store)} object; " + _ACCEPTED)


def validate(store: StoreLike) -> Report:
    """Check a whole store against the convention.

    Checks the schemas, the targets, the node kinds, the inverses, the cycles
    and the index, as ``zarr-links validate`` does: the same findings, with
    the same rule IDs. Reads only metadata (never chunks), never writes,
    never fetches external targets.

    Returns a :class:`Report`: ``report.valid`` is True when there is no
    error (warnings are allowed); ``report.findings`` lists every finding
    with its rule, severity, node, file, JSON pointer, message and hint;
    ``report.to_dict()`` is the JSON of ``zarr-links validate --format json``.

    A zarr-python store that cannot list its keys is checked from its root,
    as a reader discovers it (index entries, link targets and their parent
    groups): ``report.coverage`` is then ``"reached"``. zarr-python's
    ``LocalStore`` follows symbolic links; pass the path to have them
    checked (``links.store.layout``).

    Raises :class:`ZarrLinksError` when the store cannot be read at all (no
    such directory, a file, a directory inside a store, no Zarr metadata at
    the root) or is not something the package reads. Problems inside the
    store's documents are findings, not exceptions.

    >>> zarr_links.validate("conformance/valid/use-cases/sentinel2-l2a-v3/store")
    <Report valid: 0 errors, 0 warnings in 164 nodes>
    """
    return _core.validate(_source(store))


def _node_path(node: Any) -> str:
    zarr = sys.modules.get("zarr")
    if zarr is not None and isinstance(node, (zarr.Group, zarr.Array)):
        return "/" + str(node.path).strip("/")
    if not isinstance(node, str):
        raise ZarrLinksError(
            f"node must be an absolute path such as '/measurements/b04', or a zarr-python "
            f"Group or Array, not a {_type_name(node)}"
        )
    return str(node)


def related(
    store: StoreLike,
    node: Union[str, "zarr.Group", "zarr.Array[Any]"],
    type: str | None = None,
    direction: Literal["out", "in", "both"] = "out",
) -> list[dict[str, Any]]:
    """The links from (and to) one node, as ``zarr-links related --format json``.

    ``node`` is an absolute path from the store root (``/`` is the root
    group), an external target's URI, or a zarr-python Group or Array of
    the store. ``type`` keeps only links of one relationship type (a core
    type, an IANA link relation, or an extension URI). ``direction`` is
    ``"out"`` (links "node <type> other", declared on the node or derived
    inverses), ``"in"`` ("other <type> node") or ``"both"``.

    Returns one dict per link, with ``source``, ``target``, ``type``,
    ``direction`` (``"out"`` or ``"in"``, relative to the node),
    ``declared_on`` (the node whose metadata states it) and ``derived``
    (True for an inverse derived from the other side).

    Raises :class:`ZarrLinksError` when the store cannot be read, the node
    does not exist (similar paths are suggested) or the type is unknown.
    """
    return _core.related(_source(store), _node_path(node), type, direction)


def graph(
    store: StoreLike,
    format: Literal["json", "dot", "mermaid"] = "json",
    title: str | None = None,
) -> Any:
    """The whole link graph of a store, as ``zarr-links graph``.

    ``format="json"`` returns a dict with ``nodes``, ``edges`` (declared and
    derived, marked), ``index`` (every ``links:index`` category) and
    ``skipped`` (link entries that could not be read). ``"dot"`` (Graphviz)
    and ``"mermaid"`` return the drawing as a string, titled ``title``
    (default: the store).
    """
    return _core.graph(_source(store), format, title)


def index(store: StoreLike) -> dict[str, list[str]]:
    """The root ``links:index`` computed from the declared links.

    The same object ``zarr-links index`` prints: the computed categories,
    merged into the root's current index (categories the computation does
    not produce are kept in their place). Nothing is written; see
    :func:`write_index`.
    """
    return _core.index(_source(store))


def write_index(store: StoreLike) -> dict[str, list[str]]:
    """Compute the root ``links:index`` (as :func:`index`) and store it.

    As ``zarr-links index --write``: only ``links:index`` changes in the root
    group's attributes, plus ``zarr_conventions`` when the convention's
    declaration is missing. Every other attribute keeps its value, order and
    formatting. Consolidated metadata is kept in step: the root's entry in a
    Zarr v2 ``.zmetadata`` is updated the same way (a Zarr v3 root's inline
    consolidated metadata lists only its children, which do not change).

    A path is written as the command line writes it (each file replaced
    atomically). A zarr-python store is written through its own store API
    (``Store.set``); groups and arrays opened before keep their old
    attributes in memory, so open them again to see the index.

    Returns the index written; an empty dict means there was nothing to
    index, and nothing was written. Raises :class:`ZarrLinksError` when the
    store cannot be read or written, or its root is an array.
    """
    return _core.write_index(_source(store))


def _exists(store: Any, path: str, zarr_format: int) -> bool:
    """Whether the in-store ``path`` names a node of ``store``, by the
    convention's rule: its ``zarr.json`` (v3), or ``.zgroup``/``.zarray`` (v2)."""
    from zarr.core.sync import sync

    prefix = path.strip("/")
    names = ["zarr.json"] if zarr_format == 3 else [".zgroup", ".zarray"]
    keys = [f"{prefix}/{n}" if prefix else n for n in names]
    return any(sync(store.exists(k)) for k in keys)


def add_link(
    node: Union["zarr.Group", "zarr.Array[Any]"],
    target: str,
    type: str,
    description: str | None = None,
) -> bool:
    """Add a link to a zarr-python group or array: "node <type> target".

    ``target`` is an absolute path from the store root, such as
    ``"/measurements/reflectance/r10m/b04"``, which must name an existing
    group or array of the same store, or an absolute URI (``scheme:...``),
    which is not checked further. ``type`` is a core type (``derived_from``,
    ``quality_for``, ``same_as``, ``part_of``, ``contains``), a link relation
    registered with IANA (such as ``describedby``) or an extension type URI;
    it is checked as the validator checks it, with a did-you-mean hint.

    The link is appended to the node's ``links:relationships`` through
    zarr-python's attribute API. When the node does not declare the
    convention yet, its ``zarr_conventions`` gets the convention's
    declaration object (``{"uuid": "9500acb2-598d-48c1-ac4c-96f069e8299b",
    "name": "links:", ...}``). When the store has consolidated metadata
    (Zarr v2 ``.zmetadata``, or a v3 root's inline ``consolidated_metadata``),
    the node's entry there is then made equal to the node's document again,
    so that readers who open the store through it see the link; no other
    entry changes. (``zarr.consolidate_metadata`` would rewrite every entry
    in zarr-python's normal form, which no longer agrees with documents that
    another tool wrote.)

    Returns True when the link was added, False when the node already had
    a link with the same target and type (nothing is written). Raises
    :class:`ZarrLinksError` for an unknown type, a malformed or missing
    target, a node that is not a zarr-python Group or Array, or a store that
    cannot be written (opened read-only, say).

    >>> mask = root["quality/mask/r10m/b04"]
    >>> zarr_links.add_link(mask, "/measurements/reflectance/r10m/b04", "quality_for")
    True
    """
    zarr = sys.modules.get("zarr")
    if zarr is None or not isinstance(node, (zarr.Group, zarr.Array)):
        kind = _type_name(node)
        raise ZarrLinksError(
            f"add_link takes a zarr-python Group or Array (e.g. zarr.open_group(path)[name]), "
            f"not a {kind}"
        )
    if not isinstance(target, str) or not isinstance(type, str):
        raise ZarrLinksError("target and type must be strings")
    attributes = node.attrs
    current = {
        k: attributes[k] for k in ("zarr_conventions", "links:relationships") if k in attributes
    }
    zarr_format = node.metadata.zarr_format
    changes, in_store = _core.plan_link(
        json.dumps(current), target, type, description, zarr_format
    )
    store = node.store
    if in_store is not None and not _exists(store, in_store, zarr_format):
        from ._stores import describe

        raise ZarrLinksError(
            f"target {target!r} does not name a group or array in the store {describe(store)}; "
            "create it first, or link to an absolute URI (scheme:...)"
        )
    if changes is None:
        return False
    try:
        node.attrs.update(json.loads(changes))
    except Exception as e:
        raise ZarrLinksError(
            f"cannot write the attributes of {_node_path(node)} through zarr-python: {e}"
        ) from e
    from ._stores import ZarrStoreReader, describe

    _core.consolidate_node(ZarrStoreReader(store, describe(store)), _node_path(node), zarr_format)
    return True
