"""Pausing Python's cycle collector while a bulk job builds hundreds of thousands of long-lived objects."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def without_cycle_collection() -> Iterator[None]:
    """Every full collection walks every object still alive, so building a large set of records
    triggers ever longer collections that find nothing: the allocation's dry run spent a third of
    its time there at 100,000 pupils (bench/bench_allocation.py), a pupil list's import against a
    million pupils a tenth (bench/bench_import_memory.py). What these jobs build forms no cycles that
    need the collector: reference counting frees it. The collector resumes on leaving, as it was.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
