"""One measured step of bench_import_memory, run in its own process so its peak resident set is its own.

python -m bench.import_child raw FILE                 the raw python-calamine read (no Django)
python -m bench.import_child ours FILE COMMUNE [keep] our complete import; rolled back unless `keep`

Prints one JSON line: seconds spent in the step (start-up excluded), the process's own peak
resident set (bench/peak_memory.py) and, for ours, the counts.
"""

from __future__ import annotations

import json
import os
import sys
import time

from bench.peak_memory import own_peak_rss_mb


def _raw(path: str) -> dict:
    from python_calamine import CalamineWorkbook

    started = time.perf_counter()
    rows = CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()
    return {"seconds": time.perf_counter() - started, "rows": len(rows)}


def _ours(path: str, commune_code: str, keep: bool) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vinhtuong_program.settings")
    import django

    django.setup()
    from django.db import transaction

    from students.importing import import_file
    from students.models import Commune

    commune = Commune.objects.get(code=commune_code)
    started = time.perf_counter()
    with transaction.atomic(), open(path, "rb") as handle:
        outcome = import_file(handle, os.path.basename(path), commune)
        if not keep:
            transaction.set_rollback(True)
    seconds = time.perf_counter() - started
    saved = outcome.saved
    return {
        "seconds": seconds,
        "ok": outcome.ok,
        "file_error": outcome.read.file_error,
        "errors": len(outcome.read.errors),
        "created": saved.created if saved else 0,
        "updated": saved.updated if saved else 0,
        "unchanged": saved.unchanged if saved else 0,
        "held": saved.held if saved else 0,
    }


def main(argv: list[str]) -> None:
    mode, path = argv[0], argv[1]
    result = _raw(path) if mode == "raw" else _ours(path, argv[2], keep=len(argv) > 3 and argv[3] == "keep")
    print(json.dumps({**result, "peak_rss_mb": own_peak_rss_mb()}))


if __name__ == "__main__":
    main(sys.argv[1:])
