"""Import a generated 10,000-row donation list (money, devices, budget, telecom; a third received)."""

from donations.importing import import_file
from donations.models import Device, Pledge
from donations.tests.donation_files import generated_rows, xlsx_file

ROWS = 10_000


def _file(prefix: str):
    rows = generated_rows(ROWS)
    for row in rows:
        row["Đơn vị/Cá nhân ủng hộ"] = f"{prefix} {row['Đơn vị/Cá nhân ủng hộ']}"
    return xlsx_file(rows)


def run(figures) -> None:
    first, second = _file("Lượt 1"), _file("Lượt 2")
    figures.add("file size", len(first.getvalue()) / 1024, "KiB")
    with figures.measure(f"import {ROWS:,} rows", rows=ROWS, memory=False):
        result = import_file(first, "ds.xlsx")
    assert result.ok, result.error_dicts()[:5]
    figures.add("pledges", result.pledges)
    figures.add("devices received", result.devices)
    figures.add("receipts", result.receipts)
    # Again with tracemalloc on, for the peak memory (tracemalloc slows Python down, so time is not the figure here).
    with figures.measure(f"import {ROWS:,} rows, memory traced", rows=ROWS):
        result = import_file(second, "ds.xlsx")
    assert result.ok
    figures.add("pledges in the database", Pledge.objects.count())
    figures.add("devices in the database", Device.objects.count())
