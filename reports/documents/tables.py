"""The report's tables, from the report's figures: the .xlsx sheets and the documents' annexes.

A `Table` keeps raw values (ints, percentages as in the report, dates), so the spreadsheet
writes real numbers with number formats and the documents format them in Vietnamese.
Every text from the database (names of communes, schools, providers, milestones) is
cleaned of control characters here, once, for every format.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.text import clean_text
from reports import labels
from students.lists import refused_wording

# Kinds of values, for number formats in the spreadsheet and words in the documents.
TEXT, COUNT, PERCENT, MONEY, DAY, MOMENT = "text", "count", "percent", "money", "day", "moment"


@dataclass(frozen=True)
class Column:
    heading: str
    kind: str = COUNT
    width: float = 1.0  # relative, within a table


@dataclass(frozen=True)
class Table:
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple, ...]
    total: tuple | None = None  # a "Total" row, from the report's own totals (never re-summed)


def label(words: dict, code: str) -> str:
    """The word for a code, first letter capitalised; an unknown code is shown as it is."""
    text = str(words.get(code, code))
    return text[:1].upper() + text[1:]


def name(value) -> str:
    return clean_text(value)


def local_moment(value: str | None) -> datetime | None:
    """The report's "YYYY-MM-DDTHH:MM+07:00" as the local wall-clock time (what people read)."""
    return datetime.fromisoformat(value).replace(tzinfo=None) if value else None


def as_of_day(report: dict) -> date:
    return date.fromisoformat(report["as_of"])


def _numbered(rows: Iterable[tuple]) -> tuple[tuple, ...]:
    return tuple((index, *row) for index, row in enumerate(rows, start=1))


def _number_column() -> Column:
    return Column(_("No."), COUNT, 0.7)


# --- pupils --------------------------------------------------------------------------------------

PUPIL_FIGURES: tuple[tuple[str, object, str], ...] = (
    ("in_need", gettext_lazy("In need"), COUNT),
    ("lacks_device", gettext_lazy("Lack a device"), COUNT),
    ("lacks_internet", gettext_lazy("Lack Internet"), COUNT),
    ("lacks_both", gettext_lazy("Lack both"), COUNT),
    ("verified", gettext_lazy("Verified"), COUNT),
    ("supported", gettext_lazy("Supported"), COUNT),
    ("supported_device", gettext_lazy("Given a device"), COUNT),
    ("supported_connectivity", gettext_lazy("Given connectivity"), COUNT),
    ("fully_supported", gettext_lazy("Needs fully met"), COUNT),
    ("unsupported", gettext_lazy("Not supported yet"), COUNT),
    ("supported_pct", gettext_lazy("Supported (%)"), PERCENT),
)


def _pupil_columns(keys: Sequence[str] | None = None) -> tuple[Column, ...]:
    return tuple(Column(str(heading), kind) for key, heading, kind in PUPIL_FIGURES if keys is None or key in keys)


def _pupil_values(figures: dict, keys: Sequence[str] | None = None) -> tuple:
    return tuple(figures.get(key, 0) for key, _heading, _kind in PUPIL_FIGURES if keys is None or key in keys)


# The commune annex of the documents: what fits a landscape page.
COMMUNE_DOCUMENT_KEYS = (
    "in_need",
    "lacks_device",
    "lacks_internet",
    "verified",
    "supported",
    "supported_device",
    "supported_connectivity",
    "unsupported",
    "supported_pct",
)


def commune_table(report: dict, *, keys: Sequence[str] | None = None, with_lists: bool = True) -> Table:
    columns = (_number_column(), Column(_("Commune, township"), TEXT, 2.6), *_pupil_columns(keys))
    if with_lists:
        columns += (Column(_("List sent"), TEXT, 1.1),)
    rows = []
    for row in report["by_commune"]:
        values = (name(row["name"]), *_pupil_values(row, keys))
        if with_lists:
            values += (_list_state(row),)
        rows.append(values)
    total = ("", _("Total"), *_pupil_values(report["students"], keys), *(("",) if with_lists else ()))
    return Table(_("Pupils in need and supported, by commune and township"), columns, _numbered(rows), total)


def commune_column(key: str) -> int:
    """Where a figure stands (0-based) in the full commune table: after the number and the name."""
    return 2 + [figure for figure, _heading, _kind in PUPIL_FIGURES].index(key)


def _list_state(row: dict) -> str:
    if row.get("list_has_errors"):
        return _("has errors")
    if row.get("list_received") and row.get("list_refused_on"):
        return f"{_('sent')}; {refused_wording(row['list_refused_on'])}"
    return _("sent") if row.get("list_received") else _("not yet")


def refused_uploads(communes: list[dict]) -> dict | None:
    """{"items": "Xã A: lần gửi ngày … bị từ chối; …"} for the communes whose later file was refused."""
    items = [
        f"{name(r['name'])}: {refused_wording(r['list_refused_on'])}" for r in communes if r.get("list_refused_on")
    ]
    return {"items": "; ".join(items)} if items else None


def school_table(report: dict) -> Table:
    columns = (
        _number_column(),
        Column(_("School"), TEXT, 3),
        Column(_("Level"), TEXT, 1.2),
        Column(_("Commune, township"), TEXT, 2),
        *_pupil_columns(),
    )
    rows = (
        (name(row["name"]), label(labels.LEVELS, row["level"]), name(row["commune_name"]), *_pupil_values(row))
        for row in report["by_school"]
    )
    return Table(_("Pupils in need and supported, by school"), columns, _numbered(rows))


def level_table(report: dict) -> Table:
    keys = [key for key, _heading, _kind in PUPIL_FIGURES]
    keys.insert(keys.index("verified") + 1, "duplicates_pending")
    columns = [Column(_("Level"), TEXT, 2)]
    for key in keys:
        if key == "duplicates_pending":
            columns.append(Column(_("Possible duplicate pairs pending"), COUNT))
        else:
            columns.extend(_pupil_columns([key]))
    rows = tuple(
        (label(labels.LEVELS, level), *(figures.get(key, 0) for key in keys))
        for level, figures in report["by_level"].items()
    )
    total = (_("Total"), *(report["students"].get(key, 0) for key in keys))
    return Table(_("Pupils in need and supported, by school level"), tuple(columns), rows, total)


def need_table(report: dict) -> Table:
    keys = ("in_need", "verified", "supported", "fully_supported", "unsupported", "supported_pct")
    columns = (Column(_("Need"), TEXT, 3), *_pupil_columns(keys))
    rows = tuple(
        (label(labels.NEEDS, need), *_pupil_values(figures, keys)) for need, figures in report["by_need"].items()
    )
    return Table(
        _("Pupils in need and supported, by need"),
        columns,
        rows,
        (_("Total"), *_pupil_values(report["students"], keys)),
    )


def hardship_table(report: dict) -> Table:
    keys = ("in_need", "supported", "unsupported", "supported_pct")
    columns = (Column(_("Circumstance"), TEXT, 3), *_pupil_columns(keys))
    rows = tuple(
        (label(labels.HARDSHIPS, code), *_pupil_values(figures, keys))
        for code, figures in report["by_hardship"].items()
    )
    return Table(_("Pupils in need and supported, by circumstance (a pupil may have several)"), columns, rows)


def gap_table(report: dict) -> Table:
    reasons = list(report["gap"]["by_reason"])
    columns = (
        _number_column(),
        Column(_("Commune, township"), TEXT, 2.2),
        *(Column(label(labels.GAP_REASONS, reason), COUNT) for reason in reasons),
        Column(_("Not supported yet"), COUNT),
    )
    rows = (
        (name(row["name"]), *(row.get(reason, 0) for reason in reasons), sum(row.get(r, 0) for r in reasons))
        for row in report["gap"]["by_commune"]
    )
    by_reason = report["gap"]["by_reason"]
    total = ("", _("Total"), *(by_reason[reason] for reason in reasons), report["gap"]["total"])
    return Table(_("Pupils not supported yet, by commune and reason"), columns, _numbered(rows), total)


# --- supply --------------------------------------------------------------------------------------


def money_table(report: dict) -> Table:
    donations = report["donations"]
    pledged, received = donations["money_pledged_by_kind"], donations["money_received_by_kind"]
    columns = (Column(_("Source"), TEXT, 3), Column(_("Pledged"), MONEY), Column(_("Received"), MONEY))
    rows = tuple((label(labels.MONEY_KINDS, kind), pledged.get(kind, 0), received.get(kind, 0)) for kind in pledged)
    total = (_("Total"), donations["cash_pledged_vnd"], donations["cash_received_vnd"])
    return Table(_("Money pledged and received (VND)"), columns, rows, total)


def spending_table(report: dict) -> Table:
    donations = report["donations"]
    columns = (Column(_("Spent for"), TEXT, 3), Column(_("Amount"), MONEY))
    rows = tuple((label(labels.SPENDING, code), amount) for code, amount in donations["spent_by_category"].items())
    rows += ((_("Balance"), donations["cash_balance_vnd"]),)
    return Table(_("Money spent (VND)"), columns, rows, (_("Total spent"), donations["cash_spent_vnd"]))


def device_table(report: dict) -> Table:
    donations = report["donations"]
    kinds = ("devices_pledged", "devices_received", "devices_allocated")
    columns = (
        Column(_("Device type"), TEXT, 3),
        Column(_("Pledged")),
        Column(_("Received")),
        Column(_("Given to pupils")),
    )
    rows = tuple(
        (label(labels.DEVICE_TYPES, device_type), *(donations[kind].get(device_type, 0) for kind in kinds))
        for device_type in donations["devices_pledged"]
    )
    total = (_("Total"), *(sum(donations[kind].values()) for kind in kinds))
    return Table(_("Devices"), columns, rows, total)


def device_status_table(report: dict) -> Table:
    by_status = report["donations"]["devices_by_status"]
    rows = tuple((label(labels.DEVICE_STATUSES, status), n) for status, n in by_status.items())
    columns = (Column(_("Status"), TEXT, 3), Column(_("Devices")))
    return Table(_("Devices received, by status"), columns, rows, (_("Total"), sum(by_status.values())))


def connectivity_table(report: dict) -> Table:
    donations = report["donations"]
    columns = (
        Column(_("Provider"), TEXT, 3),
        Column(_("Offers")),
        Column(_("Places offered")),
        Column(_("Places taken")),
        Column(_("Proposed, not approved")),
    )
    providers = donations["connectivity_by_provider"]
    rows = tuple((name(row["name"]), row["offers"], row["capacity"], row["used"], row["proposed"]) for row in providers)
    total = (
        _("Total"),
        sum(row["offers"] for row in providers),
        donations["connectivity_capacity"],
        donations["connectivity_used"],
        donations["connectivity_proposed"],
    )
    return Table(_("Connectivity offered by telecom companies"), columns, rows, total)


def _technology_columns() -> tuple[Column, ...]:
    return (Column(_("With 3G")), Column(_("With 4G")), Column(_("With fibre")))


def infrastructure_commune_table(report: dict) -> Table:
    infrastructure = report["infrastructure"]
    columns = (
        _number_column(),
        Column(_("Commune, township"), TEXT, 2.6),
        Column(_("Hamlets")),
        *_technology_columns(),
        Column(_("Covered by a provider")),
        Column(_("Not covered")),
    )
    keys = ("hamlets", "with_mobile_3g", "with_mobile_4g", "with_fibre", "covered")
    rows = (
        (name(row["name"]), *(row[key] for key in keys), row["hamlets"] - row["covered"])
        for row in infrastructure["by_commune"]
    )
    total = ("", _("Total"), *(infrastructure[key] for key in keys), infrastructure["uncovered"])
    return Table(_("Hamlets covered, by commune and township"), columns, _numbered(rows), total)


def infrastructure_provider_table(report: dict) -> Table:
    columns = (Column(_("Provider"), TEXT, 3), *_technology_columns())
    rows = tuple(
        (name(row["name"]), row["with_mobile_3g"], row["with_mobile_4g"], row["with_fibre"])
        for row in report["infrastructure"]["by_provider"]
    )
    return Table(_("Hamlets covered, by provider"), columns, rows)


# --- milestones, allocation, feedback ------------------------------------------------------------


def milestone_table(report: dict) -> Table:
    columns = (
        _number_column(),
        Column(_("Milestone"), TEXT, 5),
        Column(_("Deadline"), MOMENT, 1.6),
        Column(_("Status"), TEXT, 1.3),
        Column(_("Done on"), MOMENT, 1.6),
        Column(_("Progress: done"), COUNT),
        Column(_("Progress: out of"), COUNT),
    )
    rows = (
        (
            name(row["name"]),
            local_moment(row["due"]),
            label(labels.MILESTONE_STATUSES, row["status"]),
            local_moment(row.get("done_at")),
            (row.get("progress") or {}).get("done"),
            (row.get("progress") or {}).get("total"),
        )
        for row in report["milestones"]
    )
    return Table(_("Milestones of the plan"), columns, _numbered(rows))


def support_status_table(report: dict) -> Table:
    by_status = report["allocation"]["supports_by_status"]
    columns = (Column(_("Status"), TEXT, 3), Column(_("Number of supports")))
    rows = tuple((label(labels.SUPPORT_STATUSES, status), n) for status, n in by_status.items())
    return Table(_("Supports, by status"), columns, rows)


FEEDBACK_BREAKDOWNS = {"by_status": gettext_lazy("By status"), "by_kind": gettext_lazy("By kind")}


def feedback_table(report: dict) -> Table | None:
    """The public's reports of missed pupils, when the report has them (`feedback`): the total, then
    each breakdown (a dict of code → count) in the words of `labels.FEEDBACK`. None without them."""
    feedback = report.get("feedback")
    if not isinstance(feedback, dict):
        return None
    rows: list[tuple] = []
    if isinstance(feedback.get("total"), int):
        rows.append(("", _("Reports received"), feedback["total"]))
    for key, breakdown in feedback.items():
        if isinstance(breakdown, dict) and all(isinstance(n, int) for n in breakdown.values()):
            group = label(FEEDBACK_BREAKDOWNS, key)
            rows.extend((group, label(labels.FEEDBACK.get(key, {}), code), n) for code, n in breakdown.items())
    columns = (Column(_("Breakdown"), TEXT, 2), Column(_("Item"), TEXT, 4), Column(_("Number of reports")))
    return Table(_("Reports from the public of pupils missed"), columns, tuple(rows))


@dataclass(frozen=True)
class Figure:
    label: str
    value: int | float
    kind: str = COUNT


def key_figures(report: dict) -> list[tuple[str, list[Figure]]]:
    """The summary's figures by group: what the leadership reads first."""
    students, donations, infrastructure = report["students"], report["donations"], report["infrastructure"]
    return [
        (
            _("Pupils"),
            [
                Figure(_("Pupils in need"), students["in_need"]),
                Figure(_("of whom lack a device"), students["lacks_device"]),
                Figure(_("of whom lack Internet"), students["lacks_internet"]),
                Figure(_("of whom lack both"), students["lacks_both"]),
                Figure(_("Verified"), students["verified"]),
                Figure(_("Possible duplicate pairs pending"), students["duplicates_pending"]),
            ],
        ),
        (
            _("Support given"),
            [
                Figure(_("Pupils supported"), students["supported"]),
                Figure(_("Given a device"), students["supported_device"]),
                Figure(_("Given connectivity"), students["supported_connectivity"]),
                Figure(_("Needs fully met"), students.get("fully_supported", 0)),
                Figure(_("Not supported yet"), students["unsupported"]),
                Figure(_("Supported (%)"), students["supported_pct"], PERCENT),
            ],
        ),
        (
            _("Money (VND)"),
            [
                Figure(_("Pledged"), donations["cash_pledged_vnd"], MONEY),
                Figure(_("Received"), donations["cash_received_vnd"], MONEY),
                Figure(_("Spent"), donations["cash_spent_vnd"], MONEY),
                Figure(_("Balance"), donations.get("cash_balance_vnd", 0), MONEY),
            ],
        ),
        (
            _("Devices"),
            [
                Figure(_("Pledged"), sum(donations["devices_pledged"].values())),
                Figure(_("Received"), sum(donations["devices_received"].values())),
                Figure(_("Given to pupils"), sum(donations["devices_allocated"].values())),
            ],
        ),
        (
            _("Connectivity"),
            [
                Figure(_("Pupils pledged by telecom companies"), donations.get("telecom_pupils_pledged", 0)),
                Figure(_("Places offered"), donations["connectivity_capacity"]),
                Figure(_("Places taken"), donations["connectivity_used"]),
                Figure(_("Places proposed, not approved"), donations["connectivity_proposed"]),
            ],
        ),
        (
            _("Coverage"),
            [
                Figure(_("Hamlets"), infrastructure["hamlets"]),
                Figure(_("With 3G"), infrastructure.get("with_mobile_3g", 0)),
                Figure(_("With 4G"), infrastructure["with_mobile_4g"]),
                Figure(_("With fibre"), infrastructure["with_fibre"]),
                Figure(_("Covered by a provider"), infrastructure.get("covered", 0)),
                Figure(_("Not covered"), infrastructure.get("uncovered", 0)),
            ],
        ),
    ]
