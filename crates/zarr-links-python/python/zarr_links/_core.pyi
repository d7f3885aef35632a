"""Type stub of the extension module ``zarr_links._core`` (Rust, PyO3).

Use the package ``zarr_links``: its functions take any store (a path, a
zarr-python group, array or store) and pass the core a path or a reader.
"""

from typing import Any, Optional, final

__all__ = [
    "Finding",
    "Report",
    "ZarrLinksError",
    "__version__",
    "_panic_for_tests",
    "consolidate_node",
    "graph",
    "index",
    "plan_link",
    "related",
    "run_cli",
    "validate",
    "write_index",
]
__version__: str

class ZarrLinksError(Exception):
    """A store that cannot be read or written, a store object of a kind the
    package does not read, or an argument it cannot use. The message says
    which and what to do."""

@final
class Finding:
    """One broken requirement at one place in a store, as in
    ``zarr-links validate --format json``."""

    @property
    def rule(self) -> str:
        """The requirement ID, e.g. ``links.target.resolves``."""
    @property
    def severity(self) -> str:
        """``"error"`` or ``"warning"``."""
    @property
    def node(self) -> str:
        """The node's absolute path in the store, e.g. ``/quality/cloud_mask``."""
    @property
    def file(self) -> Optional[str]:
        """The store key of the document the pointer points into, or None."""
    @property
    def pointer(self) -> str:
        """A JSON pointer into ``file``."""
    @property
    def message(self) -> str:
        """What was found and what was expected."""
    @property
    def hint(self) -> Optional[str]:
        """How to fix it, or None."""
    def to_dict(self) -> dict[str, Any]:
        """The finding as a dict, as in the JSON report."""
    def __eq__(self, value: object, /) -> bool: ...

@final
class Report:
    """The outcome of validating one store. ``str(report)`` is the text
    report of ``zarr-links validate``; ``repr(report)`` its summary line."""

    @property
    def valid(self) -> bool:
        """True when there is no error finding (warnings allowed)."""
    @property
    def findings(self) -> list[Finding]:
        """Every finding, sorted by node, file, pointer and rule."""
    @property
    def convention_used(self) -> bool:
        """Whether any node uses or declares the convention."""
    @property
    def store(self) -> str:
        """The store, as given (a path, or a description of the store object)."""
    @property
    def zarr_format(self) -> int:
        """The store's Zarr format: 2 or 3."""
    @property
    def consolidated(self) -> bool:
        """Whether the nodes came from consolidated metadata."""
    @property
    def coverage(self) -> str:
        """``"complete"``, ``"consolidated"`` (consolidated metadata trusted)
        or ``"reached"`` (a store that cannot be listed: only the nodes
        reached from the root were checked)."""
    @property
    def nodes(self) -> int:
        """How many nodes (groups and arrays) were read."""
    @property
    def errors(self) -> int:
        """How many findings are errors."""
    @property
    def warnings(self) -> int:
        """How many findings are warnings."""
    def to_dict(self) -> dict[str, Any]:
        """The same object as ``zarr-links validate --format json`` prints."""

def run_cli(argv: list[str]) -> int:
    """Run the ``zarr-links`` command line (program name first); return its exit status."""

def validate(store: Any) -> Report: ...
def related(
    store: Any, node: str, type: Optional[str] = None, direction: str = "out"
) -> list[dict[str, Any]]: ...
def graph(store: Any, format: str = "json", title: Optional[str] = None) -> Any: ...
def index(store: Any) -> dict[str, list[str]]: ...
def write_index(store: Any) -> dict[str, list[str]]: ...
def plan_link(
    attributes: str,
    target: str,
    type: str,
    description: Optional[str] = None,
    zarr_format: int = 3,
) -> tuple[Optional[str], Optional[str]]: ...
def _panic_for_tests() -> None: ...
def consolidate_node(store: Any, node: str, zarr_format: int) -> Optional[str]: ...
