"""Benchmarks: `python -m bench [NAME ...]` (or `make bench NAME=...`).

Each `bench/bench_<name>.py` defines `run(figures: Figures) -> None` and
records what it measured; the runner gives it a fresh, migrated throwaway
database (SQLite unless DATABASE_URL says otherwise) and prints the figures.
Benchmarks assert nothing about time: they are for reading and comparing. Those that
also check behaviour (the load benches: no error, no pledge lost) set `figures.failed`,
and the runner then exits 1 after printing everything.
"""
