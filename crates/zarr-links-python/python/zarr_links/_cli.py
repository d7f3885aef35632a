"""The ``zarr-links`` console script: the command line of the Rust crate
``zarr-links-cli``, compiled into this package."""

from __future__ import annotations

import signal
import sys

from . import _core


def main() -> int:
    """Run ``zarr-links`` with ``sys.argv`` and return its exit status
    (0 valid or done, 1 invalid, 2 unreadable store or usage error)."""
    # Ctrl-C stops the run at once, as it stops the native binary; Python's
    # own handler would only set a flag that nobody looks at until the Rust
    # code returns.
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
    except ValueError:  # not the main thread: leave signals alone
        pass
    sys.stdout.flush()
    sys.stderr.flush()
    return _core.run_cli(["zarr-links", *sys.argv[1:]])


if __name__ == "__main__":
    sys.exit(main())
