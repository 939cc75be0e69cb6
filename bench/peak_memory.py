"""A process's own peak resident set, for the benchmarks' children.

Not getrusage's ru_maxrss, nor wait4's: Linux keeps in it the peak of the process image that
exec replaced, so a child started by a large parent reported the parent's memory. The import
bench's parent had just written a million pupils: its children "used" 865 MB, /usr/bin/time
measured about 410 MB. VmHWM belongs to the process's own memory map, which exec replaces.
"""

from __future__ import annotations

import resource


def own_peak_rss_mb() -> float:
    """This process's peak resident set in MB since it started (its exec)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # where /proc is missing
