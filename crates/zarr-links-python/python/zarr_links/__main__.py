"""``python -m zarr_links``: the ``zarr-links`` command line."""

import sys

from ._cli import main

sys.exit(main())
