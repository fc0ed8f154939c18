"""Pausing Python's cyclic garbage collector while a step builds many long-lived objects.

Every collection of the oldest generation walks every live object, and allocating is what
triggers collections: loading ~3,400 cached plans (~1,000 objects each) set off collections
over an ever larger heap, 3.5–4 s of a 10 s load at national scale. Reference counting still
frees what is dropped meanwhile; only reference cycles wait for the collection at the end.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Collect nothing inside the block (nested blocks too); restore the caller's setting."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
