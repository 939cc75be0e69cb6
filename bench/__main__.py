from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from pathlib import Path


def available() -> list[str]:
    folder = Path(__file__).parent
    return sorted(
        info.name.removeprefix("bench_")
        for info in pkgutil.iter_modules([str(folder)])
        if info.name.startswith("bench_")
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description="Run benchmarks and print their figures.")
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    args = parser.parse_args(argv)
    names = available()
    if args.list:
        print("\n".join(names))
        return 0
    unknown = sorted(set(args.names) - set(names))
    if unknown:
        print(f"Unknown benchmark(s): {', '.join(unknown)}. Available: {', '.join(names)}", file=sys.stderr)
        return 2

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vinhtuong_program.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    from bench.harness import Figures

    setup_test_environment()
    # The throwaway database is built from the models, not by running every migration: that took
    # 10 s of each run, the most of a tiny run (tests/test_bench_runner.py). The migrations' data
    # steps only convert rows a new database does not have; tests/test_migrations.py holds the
    # models and the migrations in step.
    connection.settings_dict.setdefault("TEST", {})["MIGRATE"] = False
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    print(f"database: {connection.vendor} (throwaway)")
    failed = []
    try:
        for name in args.names or names:
            figures = Figures(name)
            importlib.import_module(f"bench.bench_{name}").run(figures)
            print(figures.render(), flush=True)
            if figures.failed:
                failed.append(name)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
    if failed:
        print(f"Failed checks in: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
