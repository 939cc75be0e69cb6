from __future__ import annotations

import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Figures:
    """What one benchmark measured, printed as a table by the runner."""

    name: str
    rows: list[tuple[str, str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # A benchmark that also checks behaviour (no error, nothing lost) sets this; the runner then exits 1.
    failed: bool = False

    def add(self, label: str, value: float | int, unit: str = "") -> None:
        shown = f"{value:,.0f}" if isinstance(value, int) or value >= 100 else f"{value:,.3f}"
        self.rows.append((label, shown, unit))

    @contextmanager
    def measure(self, label: str, *, rows: int | None = None, memory: bool = True) -> Iterator[None]:
        """Time, database queries and (unless memory=False) peak Python memory of the block.

        tracemalloc slows Python code several times over: pass memory=False
        where the time or the throughput is the figure that matters.
        """
        from django.db import connection

        # Counted, not captured: a per-row import issues hundreds of thousands.
        queries = 0

        def count(execute, sql, params, many, context):
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        if memory:
            tracemalloc.start()
        started = time.perf_counter()
        with connection.execute_wrapper(count):
            yield
        elapsed = time.perf_counter() - started
        self.add(f"{label}: time", elapsed * 1000, "ms")
        self.add(f"{label}: queries", queries, "")
        if memory:
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            self.add(f"{label}: peak memory", peak / 1024 / 1024, "MiB")
        if rows:
            self.add(f"{label}: throughput", rows / elapsed if elapsed else 0.0, "rows/s")

    def text(self, lines: list[str]) -> None:
        """Lines printed as they are after the figures (a comparison table, a verdict)."""
        self.notes += lines

    def render(self) -> str:
        width = max((len(label) for label, _, _ in self.rows), default=10)
        lines = [f"== {self.name}"]
        lines += [f"  {label:<{width}}  {value:>12} {unit}".rstrip() for label, value, unit in self.rows]
        if self.notes:
            lines += ["", *self.notes]
        return "\n".join(lines)
