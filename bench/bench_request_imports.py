"""The lists imported while the browser waits, at their worst, on PostgreSQL (issue 16).

Hamlet, SIM and donation lists are imported in the request, bounded by
REQUEST_IMPORT_MAX_ROWS (10,000) rows, REQUEST_IMPORT_MAX_DEVICES (20,000) devices
received, and a time budget REQUEST_IMPORT_SECONDS (60 s; gunicorn's timeout is
120 s, deploy/gunicorn.conf.py). Each file here is as large as the page accepts (9,999 rows under a header),
all valid (everything saved, with history) and all invalid (every row wrong):
  hamlets   10,000 new hamlets over the 28 communes / 10,000 unknown communes;
  SIMs      10,000 places of one offer that already hold SIM numbers, every number
            moved to another place (each row cleared, then set: two saves with history)
            / 10,000 malformed SIM numbers;
  donations 10,000 new donors, every pledge received: half cash (receipts, under the
            ledger's lock), half devices (20,000 inventory rows) / every row wrong in
            five columns.
Each run is its own process (bench/request_import_child.py), rolled back; its peak
resident set is its own VmHWM (bench/peak_memory.py). Figures are the median of BENCH_RUNS (3).
"""

from __future__ import annotations

import io
import os
import statistics
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection

from bench.bench_import_memory import ROOT, run_child
from bench.bench_pupil_import import _list_file, _schools
from donations.tests.donation_files import HEADERS as DONATION_HEADERS
from students.models import Commune, Student

ROWS = settings.REQUEST_IMPORT_MAX_ROWS - 1  # the header is one of the sheet's rows


def _xlsx(path: Path, rows) -> str:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Danh sách")
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return str(path)


def _hamlet_files(folder: Path) -> tuple[str, str]:
    names = [c.name for c in Commune.objects.order_by("code")]
    header = [["Xã/Thị trấn", "Thôn/Xóm"]]
    valid = header + [[names[n % len(names)], f"Thôn Mới Số {n}"] for n in range(ROWS)]
    invalid = header + [["Xã Không Có", f"Thôn {n}"] for n in range(ROWS)]
    return _xlsx(folder / "thon.xlsx", valid), _xlsx(folder / "thon-sai.xlsx", invalid)


def _sim_files(folder: Path) -> tuple[int, str, str]:
    """An offer of ROWS places already holding SIMs; the files move every SIM to the next place."""
    from students.importing import import_file
    from telecom.models import ConnectivityOffer, Provider, SimAssignment

    commune = Commune.objects.order_by("code")[0]
    with open(_list_file(ROWS, _schools()), "rb") as handle:
        outcome = import_file(handle, "ds.xlsx", commune)
    assert outcome.ok, outcome.read.errors[:3]
    offer = ConnectivityOffer.objects.create(
        provider=Provider.objects.order_by("pk")[0],
        name="SIM bench",
        kind=ConnectivityOffer.Kind.MOBILE_SIM,
        allowance="4 GB/ngày",
        months=3,
        capacity=ROWS + 10,
    )
    pupils = list(Student.objects.filter(commune=commune).order_by("pk").values_list("pk", flat=True)[:ROWS])
    SimAssignment.objects.bulk_create(
        SimAssignment(offer=offer, student_id=pk, sim_number=f"096{n:07d}") for n, pk in enumerate(pupils)
    )
    places = list(SimAssignment.objects.filter(offer=offer).order_by("pk").values_list("pk", flat=True))
    header = [["Mã suất", "Số thuê bao SIM", "Đã kích hoạt", "Ngày kích hoạt"]]
    moved = [[pk, f"096{(n + 1) % len(places):07d}", "có", "25/09/2021"] for n, pk in enumerate(places)]
    wrong = [[pk, "12345", "có", "25/09/2021"] for pk in places]
    return offer.pk, _xlsx(folder / "sim.xlsx", header + moved), _xlsx(folder / "sim-sai.xlsx", header + wrong)


def _donation_files(folder: Path) -> tuple[str, str]:
    devices_per_row = settings.REQUEST_IMPORT_MAX_DEVICES // ((ROWS + 1) // 2)
    valid: list[list] = [DONATION_HEADERS]
    invalid: list[list] = [DONATION_HEADERS]
    for n in range(ROWS):
        row = dict.fromkeys(DONATION_HEADERS)
        row.update({"Đơn vị/Cá nhân ủng hộ": f"Nhà hảo tâm số {n}", "Loại đơn vị": "cá nhân"})
        row.update({"Điện thoại": f"09{n:08d}", "Đã nhận": "x", "Ngày nhận": "23/09/2021"})
        if n % 2:
            row.update({"Hình thức": "tiền", "Số tiền": "5.000.000 đ"})
        else:
            row.update({"Hình thức": "thiết bị", "Loại thiết bị": "máy tính bảng", "Tình trạng": "mới"})
            row["Số lượng"] = devices_per_row
        valid.append([row[h] for h in DONATION_HEADERS])
        wrong = {**row, "Loại đơn vị": "không rõ", "Điện thoại": "12", "Hình thức": "tiền", "Số tiền": "-1"}
        wrong["Ngày nhận"] = "31/02/2021"
        invalid.append([wrong[h] for h in DONATION_HEADERS])
    return _xlsx(folder / "ung-ho.xlsx", valid), _xlsx(folder / "ung-ho-sai.xlsx", invalid)


def _child(*args: str) -> tuple[dict, float]:
    return run_child("bench.request_import_child", *args)


def _gunicorn_timeout() -> int:
    conf = (ROOT / "deploy" / "gunicorn.conf.py").read_text()
    return int(next(line for line in conf.splitlines() if line.startswith("timeout")).split("=")[1])


def _measure(figures, label: str, runs: int, expect_ok: bool, *args: str) -> float:
    """Median and slowest of `runs`; fails on a run past gunicorn's timeout or an outcome not expected."""
    seconds, rss, outcomes = [], [], []
    for _ in range(runs):
        last, peak = _child(*args)
        seconds.append(last["seconds"])
        rss.append(peak)
        outcomes.append(last)
    stopped = sum("giây nên đã dừng lại" in str(o["first"]) for o in outcomes)
    time_s, rss_mb = statistics.median(seconds), statistics.median(rss)
    figures.add(f"{label}: time (median of {runs})", time_s, "s")
    figures.add(f"{label}: time (slowest)", max(seconds), "s")
    figures.add(f"{label}: peak RSS (median of {runs})", rss_mb, "MB")
    figures.add(f"{label}: runs stopped by the time budget", stopped)
    figures.add(f"{label}: saved (last run)", outcomes[-1]["saved"])
    figures.add(f"{label}: errors (last run)", outcomes[-1]["errors"])
    print(f"  {label}: {time_s:.2f} s, {rss_mb:.0f} MB (runs {[f'{s:.1f}' for s in seconds]} s, "
          f"ok {[o['ok'] for o in outcomes]}; load {os.getloadavg()[0]:.1f}); "
          f"first: {str(outcomes[-1]['first'])[:100]}", flush=True)  # fmt: skip
    unexpected = [o for o in outcomes if o["ok"] != expect_ok and "giây nên đã dừng lại" not in str(o["first"])]
    if unexpected or max(seconds) >= _gunicorn_timeout():
        figures.failed = True
        figures.text([f"  FAILED {label}: {len(unexpected)} unexpected outcome(s), slowest {max(seconds):.1f} s"])
    return max(seconds)


def run(figures) -> None:
    if connection.vendor != "postgresql":
        figures.text(["PostgreSQL only (set DATABASE_URL): the children connect to the same database."])
        return
    runs = int(os.environ.get("BENCH_RUNS", "3"))
    call_command("load_reference_data", stdout=io.StringIO())
    budget = settings.REQUEST_IMPORT_SECONDS
    figures.text([f"  budget: {budget} s per import; {ROWS} rows; load average at start {os.getloadavg()}"])
    with tempfile.TemporaryDirectory() as folder:
        hamlets_valid, hamlets_invalid = _hamlet_files(Path(folder))
        offer, sims_valid, sims_invalid = _sim_files(Path(folder))
        donations_valid, donations_invalid = _donation_files(Path(folder))
        worst = max(
            _measure(figures, "hamlets, all valid", runs, True, "hamlets", hamlets_valid),
            _measure(figures, "hamlets, all invalid", runs, False, "hamlets", hamlets_invalid),
            _measure(figures, "SIMs, all valid", runs, True, "sims", sims_valid, str(offer)),
            _measure(figures, "SIMs, all invalid", runs, False, "sims", sims_invalid, str(offer)),
            _measure(figures, "donations, all valid", runs, True, "donations", donations_valid),
            _measure(figures, "donations, all invalid", runs, False, "donations", donations_invalid),
        )
    figures.text([
        f"  slowest run: {worst:.1f} s; budget {budget} s, gunicorn's timeout {_gunicorn_timeout()} s; "
        f"load {os.getloadavg()}"
    ])  # fmt: skip
