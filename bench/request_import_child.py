"""One import of bench_request_imports, run in its own process so its peak resident set is its own.

python -m bench.request_import_child hamlets|sims|donations FILE [OFFER_ID]

The import runs as the page runs it (row bound, device bound, the time budget) and is rolled
back, so every run starts from the same database. Prints one JSON line: seconds and outcome.
"""

from __future__ import annotations

import json
import os
import sys
import time

from bench.peak_memory import own_peak_rss_mb


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vinhtuong_program.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import transaction

    from common.request_deadline import Deadline

    kind, path = argv[0], argv[1]
    started = time.perf_counter()
    with transaction.atomic(), open(path, "rb") as file:
        outcome = _import(kind, file, os.path.basename(path), argv[2:], Deadline(), settings)
        transaction.set_rollback(True)
    outcome["seconds"] = time.perf_counter() - started
    outcome["peak_rss_mb"] = own_peak_rss_mb()
    print(json.dumps(outcome))


def _import(kind: str, file, name: str, extra: list[str], deadline, settings) -> dict:
    if kind == "hamlets":
        from students.hamlets import hamlets_import
        from students.models import Commune

        hamlets = hamlets_import(file=file, filename=name, communes=Commune.objects.all(), deadline=deadline)
        return {"ok": hamlets.ok, "saved": hamlets.created, "errors": len(hamlets.errors), "first": hamlets.errors[:1]}
    if kind == "sims":
        from telecom.models import ConnectivityOffer
        from telecom.sim_sheets import sim_import

        offer = ConnectivityOffer.objects.get(pk=int(extra[0]))
        sims = sim_import(offer=offer, file=file, filename=name, deadline=deadline)
        return {"ok": sims.ok, "saved": sims.updated, "errors": len(sims.errors), "first": sims.errors[:1]}
    from donations.importing import import_file

    result = import_file(
        file,
        name,
        max_rows=settings.REQUEST_IMPORT_MAX_ROWS,
        max_devices=settings.REQUEST_IMPORT_MAX_DEVICES,
        deadline=deadline,
    )
    return {
        "ok": result.ok,
        "saved": result.pledges,
        "devices": result.devices,
        "receipts": result.receipts,
        "errors": len(result.errors),
        "first": result.file_error or result.error_dicts()[:1],
    }


if __name__ == "__main__":
    main(sys.argv[1:])
