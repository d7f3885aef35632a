#!/usr/bin/env python3
"""A deliberately wrong adapter: says every store is valid.

Pointing run.py at it must fail and name every invalid case; the suite's own
tests (test_run.py) check that it does.
"""
import sys

sys.exit(0)
