"""The figures guard: read every place a figure is shown and check that they cannot disagree.

`places()` reads the figures as each page or document gets them: the report (whose JSON, screen,
XLSX, DOCX and PDF all render `build_progress_report()`), the report as of today, the public page
(`public_figures()`), the telecom page (`telecom.selectors.connectivity_figures`), the staff home's
and the commune pages' pupil counts (`students.selectors`), the staff dashboard's pledges waiting,
and the allocation summary of a dry run (the run page and `allocate --dry-run`).
`violations(places())` lists every invariant broken, in words; empty means all is well.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.management import call_command
from django.utils import timezone

from allocation import proposals
from donations.confirmation import awaiting_confirmation
from donations.models import PledgeLine
from reports.public import public_figures
from reports.snapshot import Snapshot
from students import selectors as student_selectors
from students.models import Commune, Student
from telecom import selectors as telecom_selectors

# "A commune with imported pupils has its list received": the command-line import records its
# upload only once issue 15 items 1 (branch i15a) is merged. The lead turns this on after the merge.
CHECK_LIST_RECEIVED = True

# Keys whose value is a date, a time or a label, not a count.
NOT_COUNTS = {"as_of", "generated_at", "last_run_at", "code", "name", "kind", "level", "starts", "due", "done_at"}
STUDENT_KEYS = ("in_need", "verified", "supported", "supported_device", "supported_connectivity", "unsupported")
DONATION_KEYS = (
    "cash_pledged_vnd",
    "cash_received_vnd",
    "cash_spent_vnd",
    "devices_pledged",
    "devices_received",
    "devices_allocated",
    "connectivity_capacity",
    "connectivity_used",
    "connectivity_proposed",
    "pledges",
    "donors",
    "pledges_awaiting_confirmation",
)


@dataclass
class Places:
    report: dict
    report_json: dict | None
    as_of_today: dict
    public: dict
    telecom: dict
    staff_home: dict[str, dict]
    commune_pages: dict[str, dict]
    summary: dict
    pledges_waiting: int
    lines: list[dict]


def places(*, with_json: bool = False) -> Places:
    from reports.progress import build_progress_report

    report = build_progress_report()
    report_json = None
    if with_json:
        out = _Capture()
        call_command("progress_report", "--format", "json", stdout=out)
        report_json = json.loads(out.text)
    communes = list(Commune.objects.order_by("code"))
    return Places(
        report=report,
        report_json=report_json,
        as_of_today=build_progress_report(Snapshot(timezone.localdate())),
        public=public_figures(),
        telecom=telecom_selectors.connectivity_figures(),
        staff_home={
            c.code: {"in_need": c.in_need, "verified": c.verified}
            for c in student_selectors.communes_with_need(Commune.objects.all())
        },
        commune_pages={c.code: student_selectors.commune_totals(c) for c in communes},
        summary=proposals.compute().summary(),
        pledges_waiting=awaiting_confirmation().count(),
        lines=list(
            PledgeLine.objects.filter(cancelled=False)
            .with_received()
            .values("pk", "kind", "amount_vnd", "quantity", "received_vnd", "received_devices")
        ),
    )


class _Capture:
    def __init__(self):
        self.text = ""

    def write(self, text: str) -> None:
        self.text += text

    def flush(self) -> None:
        pass


def _numbers(value, path: str = "") -> Iterator[tuple[str, float]]:
    if isinstance(value, bool):
        return
    if isinstance(value, int | float):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in NOT_COUNTS:
                yield from _numbers(item, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for n, item in enumerate(value):
            yield from _numbers(item, f"{path}[{n}]")


def _comparable(report: dict) -> dict:
    return {key: report[key] for key in ("students", "by_commune", "by_level", "gap", "donations", "infrastructure")}


def violations(p: Places) -> list[str]:  # noqa: C901 — one list of rules, read top to bottom
    found: list[str] = []

    def check(condition: bool, message: str) -> None:
        if not condition:
            found.append(message)

    # Every count ≥ 0, wherever it is shown.
    for name, figures in (("report", p.report), ("public", p.public), ("summary", p.summary), ("telecom", p.telecom)):
        for path, value in _numbers(figures):
            check(value >= 0, f"{name}{path} is negative: {value}")

    students = p.report["students"]
    groups = [("district", students), *((f"commune {r['code']}", r) for r in p.report["by_commune"])]
    groups += [(f"level {level}", figures) for level, figures in p.report["by_level"].items()]
    for name, figures in groups:
        check(figures["verified"] <= figures["in_need"], f"{name}: verified > in need")
        check(figures["supported"] <= figures["in_need"], f"{name}: supported > in need")
        check(figures["unsupported"] == figures["in_need"] - figures["supported"], f"{name}: unsupported")

    # The communes add up to the district.
    for key in STUDENT_KEYS:
        total = sum(row[key] for row in p.report["by_commune"])
        check(total == students[key], f"communes' {key} {total} ≠ district's {students[key]}")
        by_level = sum(figures[key] for figures in p.report["by_level"].values())
        check(by_level == students[key], f"levels' {key} {by_level} ≠ district's {students[key]}")
    gap = p.report["gap"]
    check(sum(gap["by_reason"].values()) == students["unsupported"], "gap by reason ≠ unsupported")
    for reason, n in gap["by_reason"].items():
        check(sum(row[reason] for row in gap["by_commune"]) == n, f"communes' gap {reason} ≠ district's")

    # The allocation summary: every row adds up, and says what the report says.
    report_rows = {row["code"]: row for row in p.report["by_commune"]}
    gap_rows = {row["code"]: row for row in gap["by_commune"]}
    for row in p.summary["by_commune"]:
        code = row["code"]
        parts = row["supported"] + row["awaiting_approval"] + row["not_eligible"] + row["eligible"]
        check(row["in_need"] == parts, f"summary {code}: in need ≠ its parts")
        check(row["eligible"] == row["proposed"] + row["left_out"], f"summary {code}: eligible ≠ proposed + left out")
        check(row["eligible"] <= row["in_need"], f"summary {code}: eligible > in need")
        check(row["in_need"] == report_rows[code]["in_need"], f"summary {code}: in need ≠ report's")
        check(row["supported"] == report_rows[code]["supported"], f"summary {code}: supported ≠ report's")
        for key in ("awaiting_approval", "withdrawn", "not_verified", "duplicate_pending"):
            check(row[key] == gap_rows[code][key], f"summary {code}: {key} ≠ report's gap")
    summary_need = sum(row["in_need"] for row in p.summary["by_commune"])
    check(summary_need == students["in_need"], "summary's communes ≠ report's in need")

    # The staff home and the commune pages count pupils as the report does.
    for code, row in report_rows.items():
        home, page = p.staff_home[code], p.commune_pages[code]
        check(home["in_need"] == row["in_need"], f"staff home {code}: in need {home['in_need']} ≠ {row['in_need']}")
        check(home["verified"] == row["verified"], f"staff home {code}: verified ≠ report's")
        check(page["in_need"] == row["in_need"], f"commune page {code}: in need {page['in_need']} ≠ {row['in_need']}")
        check(page["verified"] == row["verified"], f"commune page {code}: verified ≠ report's")
        check(page["lacks_device"] == row["lacks_device"], f"commune page {code}: lacks device ≠ report's")
        check(page["lacks_internet"] == row["lacks_internet"], f"commune page {code}: lacks Internet ≠ report's")
        if CHECK_LIST_RECEIVED and row["in_need"]:
            check(row["list_received"], f"commune {code} has pupils but no list received")

    # Places: used and proposed apart, within capacity, the same on every page.
    donations = p.report["donations"]
    taken = donations["connectivity_used"] + donations["connectivity_proposed"]
    check(taken <= donations["connectivity_capacity"], "places used + proposed > capacity")
    for row in donations["connectivity_by_provider"]:
        check(row["used"] + row["proposed"] <= row["capacity"], f"provider {row['code']}: places > capacity")
    for key in ("connectivity_capacity", "connectivity_used", "connectivity_proposed"):
        check(p.telecom[key] == donations[key], f"telecom page {key} {p.telecom[key]} ≠ report's {donations[key]}")
    check(donations["pledges_awaiting_confirmation"] == p.pledges_waiting, "pledges waiting ≠ staff home's")

    # Received ≤ pledged, line by line.
    for line in p.lines:
        if line["kind"] in PledgeLine.MONEY_KINDS:
            check(line["received_vnd"] <= (line["amount_vnd"] or 0), f"line {line['pk']}: money received > pledged")
        elif line["kind"] == PledgeLine.Kind.DEVICE:
            check(line["received_devices"] <= (line["quantity"] or 0), f"line {line['pk']}: devices > pledged")

    # The public page shows the report's figures; the report as of today is the live report.
    for key in STUDENT_KEYS:
        check(p.public["students"][key] == students[key], f"public page students.{key} ≠ report's")
    for key in DONATION_KEYS:
        check(p.public["donations"][key] == donations[key], f"public page donations.{key} ≠ report's")
    public_rows = {row["code"]: row for row in p.public["by_commune"]}
    for code, row in report_rows.items():
        check(public_rows[code]["supported"] == row["supported"], f"public page {code}: supported ≠ report's")
        check(public_rows[code]["in_need"] == row["in_need"], f"public page {code}: in need ≠ report's")
    check(p.public["donors"]["count"] == donations["donors"], "public page donors ≠ report's")
    check(_comparable(p.as_of_today) == _comparable(p.report), "report as of today ≠ live report")
    if p.report_json is not None:
        check(_comparable(p.report_json) == json.loads(json.dumps(_comparable(p.report))), "JSON ≠ report")
    check(Student.objects.filter(status__in=Student.IN_NEED_STATUSES).count() == students["in_need"], "in need")
    return found
