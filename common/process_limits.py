"""A ceiling on a process's address space, so a runaway reader fails with MemoryError, not the machine."""

from __future__ import annotations

import resource


def limit_memory(megabytes: int) -> None:
    """Cap this process's address space (RLIMIT_AS) at `megabytes`; 0 leaves it as it is."""
    if megabytes <= 0:
        return
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = megabytes * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
