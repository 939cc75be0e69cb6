"""The words of the 30/9 report's documents (.docx and .pdf), built from the report's figures only.

Every sentence states figures of the report dict; a breakdown lists only what is not zero.
English msgids, Vietnamese in locale/vi: `render()` builds the documents inside
`translation.override("vi")`. Numbers are written the Vietnamese way: 1.500.000 đồng, 12,5%,
30/09/2021. The fixed administrative formulas (issuing body, motto, title, signature) are
Vietnamese constants, as in the handover record.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from donations.amount_words import in_words_line
from donations.letters import PLACE, PROGRAMME
from reports import labels
from reports.documents import tables
from reports.documents.tables import Table

# Numbers, dates and cells live in wording.py; the document writers read them from here too.
from reports.documents.wording import aligns as aligns
from reports.documents.wording import cells as cells
from reports.documents.wording import day, deadline, money, number, percent
from reports.models import AT_RISK_BEFORE

NUMBER = "……/BC-PGDĐT"  # the office writes the number in when it registers the report
TITLE = "BÁO CÁO"
SUBJECT = f"Kết quả thực hiện Chương trình {PROGRAMME} trên địa bàn huyện Vĩnh Tường"
RECIPIENT = "Kính gửi: Ủy ban nhân dân huyện Vĩnh Tường."
COPIES_HEADING = "Nơi nhận:"
COPIES = ("- Như trên;", "- Lãnh đạo Phòng GD&ĐT;", "- Lưu: VT.")
SIGNER = "TRƯỞNG PHÒNG"
ANNEX = "Phụ lục"
NUMERALS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")

# What a milestone's progress counts, by milestone code (reports/progress.py's evidence).
PROGRESS_UNITS = {
    "pupil-lists": gettext_lazy("communes and townships have sent their list"),
    "coverage": gettext_lazy("hamlets have service from a provider"),
    "campaign": gettext_lazy("pupils supported"),
}


def _in_words(label: str, amount: int) -> str:
    """'Money received: 2.500.000 đồng (Bằng chữ: Hai triệu năm trăm nghìn đồng).' as accounting documents write it."""
    return f"{label}: {money(amount)} ({in_words_line(amount)})."


def place_and_date(report: dict) -> str:
    """'Vĩnh Tường, ngày 30 tháng 9 năm 2021': a day below 10 and January, February take a 0 (Decree 30/2020)."""
    on = tables.as_of_day(report)
    month = f"{on.month:02d}" if on.month <= 2 else str(on.month)
    return f"{PLACE}, ngày {on.day:02d} tháng {month} năm {on.year}"


def data_note(report: dict) -> str:
    """'số liệu tính đến hết ngày 29/09/2021', or, live, the minute the figures were read."""
    generated = tables.local_moment(report.get("generated_at"))
    if report.get("live") and generated is not None:
        return _("figures as at %(time)s on %(day)s") % {"time": f"{generated:%H:%M}", "day": day(generated)}
    return _("figures up to the end of %(day)s") % {"day": day(tables.as_of_day(report))}


# --- the body ------------------------------------------------------------------------------------

SECTION, HEADING, PARAGRAPH, BULLET = "section", "heading", "paragraph", "bullet"


@dataclass(frozen=True)
class Block:
    kind: str
    text: str


@dataclass(frozen=True)
class Document:
    place_and_date: str
    data_note: str
    body: tuple[Block, ...]
    annexes: tuple[Table, ...]
    annex_note: str


def _items(pairs: Iterable[tuple[str, int]], unit: str = "", formatter=number) -> str:
    """'hộ nghèo 55 em; hộ cận nghèo 57 em': the pairs that are not zero."""
    suffix = f" {unit}" if unit else ""
    return "; ".join(f"{text} {formatter(n)}{suffix}" for text, n in pairs if n)


def _pupils_unit() -> str:
    """What follows a count of pupils in a list ("55 em")."""
    return pgettext("after a count", "pupils")


def _labelled(words: dict, counts: dict) -> list[tuple[str, int]]:
    return [(str(words.get(code, code)), n) for code, n in counts.items()]


def _with_detail(total: str, detail: str) -> str:
    return f"{total} ({detail})" if detail else total


def _names(values: Iterable[str]) -> str:
    return ", ".join(tables.name(value) for value in values)


def _pupils(report: dict) -> list[Block]:
    students = report["students"]
    communes = report["by_commune"]
    blocks = [Block(HEADING, _("1. Review of the pupils who need support"))]
    sent = sum(1 for row in communes if row.get("list_received"))
    blocks.append(
        Block(
            BULLET,
            _("%(sent)s of %(total)s communes and townships have sent their list of pupils who need support.")
            % {"sent": number(sent), "total": number(len(communes))},
        )
    )
    failing = [row["name"] for row in communes if row.get("list_has_errors")]
    if failing:
        blocks.append(
            Block(
                BULLET,
                _("The latest list of %(communes)s has errors still to be fixed.") % {"communes": _names(failing)},
            )
        )
    if refused := tables.refused_uploads(communes):
        blocks.append(Block(BULLET, _("Lists received, a later file refused (the list stands): %(items)s.") % refused))
    blocks.append(
        Block(
            BULLET,
            _(
                "The lists name %(in_need)s pupils who need support: %(lacks_device)s lack a device to study online "
                "and %(lacks_internet)s lack an Internet connection (%(lacks_both)s lack both)."
            )
            % {key: number(students[key]) for key in ("in_need", "lacks_device", "lacks_internet", "lacks_both")},
        )
    )
    by_need = _items(_labelled(labels.NEEDS, {k: v["in_need"] for k, v in report["by_need"].items()}), _pupils_unit())
    if by_need:
        blocks.append(Block(BULLET, _("By need: %(items)s.") % {"items": by_need}))
    by_level = _items(
        _labelled(labels.LEVELS, {k: v["in_need"] for k, v in report["by_level"].items()}), _pupils_unit()
    )
    if by_level:
        blocks.append(Block(BULLET, _("By school level: %(items)s.") % {"items": by_level}))
    hardships = {k: v["in_need"] for k, v in report["by_hardship"].items() if k != "none"}
    by_hardship = _items(_labelled(labels.HARDSHIPS, hardships), _pupils_unit())
    if by_hardship:
        blocks.append(
            Block(BULLET, _("By circumstance (a pupil may have several): %(items)s.") % {"items": by_hardship})
        )
    figures = {"verified": number(students["verified"]), "pairs": number(students["duplicates_pending"])}
    if students["duplicates_pending"]:
        text = _("%(verified)s pupils have been verified; %(pairs)s possible duplicate pairs await a decision.")
    else:
        text = _("%(verified)s pupils have been verified; no possible duplicate awaits a decision.")
    blocks.append(Block(BULLET, text % figures))
    return blocks


def _supports(report: dict) -> list[Block]:
    students, allocation = report["students"], report.get("allocation", {})
    blocks = [Block(HEADING, _("2. Support given to pupils"))]
    blocks.append(
        Block(
            BULLET,
            _(
                "%(supported)s of %(in_need)s pupils in need have been supported (%(pct)s): %(device)s were given "
                "a device and %(connectivity)s an Internet connection; the needs of %(full)s pupils are fully met."
            )
            % {
                "supported": number(students["supported"]),
                "in_need": number(students["in_need"]),
                "pct": percent(students["supported_pct"]),
                "device": number(students["supported_device"]),
                "connectivity": number(students["supported_connectivity"]),
                "full": number(students.get("fully_supported", 0)),
            },
        )
    )
    by_status = _items(_labelled(labels.SUPPORT_STATUSES, allocation.get("supports_by_status", {})))
    if by_status:
        blocks.append(Block(BULLET, _("Supports by status: %(items)s.") % {"items": by_status}))
    last_run = tables.local_moment(allocation.get("last_run_at"))
    if last_run is not None:
        text = _("The allocation was last run at %(time)s on %(day)s.") % {
            "time": f"{last_run:%H:%M}",
            "day": day(last_run),
        }
        blocks.append(Block(BULLET, text))
    gap = report["gap"]
    if gap["total"]:
        reasons = _items(_labelled(labels.GAP_REASONS, gap["by_reason"]), _pupils_unit())
        text = _("%(n)s pupils are not supported yet: %(reasons)s.") % {"n": number(gap["total"]), "reasons": reasons}
    else:
        text = _("Every pupil in need has been supported.")
    blocks.append(Block(BULLET, text))
    return blocks


def _donations(report: dict) -> list[Block]:
    donations = report["donations"]
    blocks = [Block(HEADING, _("3. Donations received and spent"))]
    if "pledges" in donations:
        text = _("%(pledges)s pledges from %(donors)s agencies, organisations and people have been registered.")
        blocks.append(
            Block(BULLET, text % {"pledges": number(donations["pledges"]), "donors": number(donations["donors"])})
        )
    for sentence, total, by_kind in (
        (
            _("Money pledged (donations, state budget and funds): %(money)s."),
            "cash_pledged_vnd",
            "money_pledged_by_kind",
        ),
        (_("Money received: %(money)s."), "cash_received_vnd", "money_received_by_kind"),
    ):
        detail = _items(_labelled(labels.MONEY_KINDS, donations.get(by_kind, {})), formatter=money)
        blocks.append(Block(BULLET, sentence % {"money": _with_detail(money(donations[total]), detail)}))
    blocks.append(Block(BULLET, _in_words(_("Money received"), donations["cash_received_vnd"])))
    spent = _items(_labelled(labels.SPENDING, donations.get("spent_by_category", {})), formatter=money)
    blocks.append(
        Block(
            BULLET,
            _("Money spent: %(spent)s; balance: %(balance)s.")
            % {
                "spent": _with_detail(money(donations["cash_spent_vnd"]), spent),
                "balance": money(donations.get("cash_balance_vnd", 0)),
            },
        )
    )
    for sentence, key in (
        (_("Devices pledged: %(devices)s."), "devices_pledged"),
        (_("Devices received (donated or bought): %(devices)s."), "devices_received"),
        (_("Devices given to pupils (approved or handed over): %(devices)s."), "devices_allocated"),
    ):
        counts = donations[key]
        detail = _items(_labelled(labels.DEVICE_TYPES, counts))
        blocks.append(Block(BULLET, sentence % {"devices": _with_detail(number(sum(counts.values())), detail)}))
    by_status = _items(_labelled(labels.DEVICE_STATUSES, donations.get("devices_by_status", {})))
    if by_status:
        blocks.append(Block(BULLET, _("Devices received, by status: %(items)s.") % {"items": by_status}))
    providers = "; ".join(
        f"{tables.name(row['name'])} {number(row['used'])}/{number(row['capacity'])}"
        for row in donations.get("connectivity_by_provider", [])
    )
    text = _(
        "Telecom companies pledged connectivity for %(pupils)s pupils; their offers have %(capacity)s places, "
        "of which %(used)s are taken (approved or handed over) and %(proposed)s are proposed, not approved yet."
    ) % {
        "pupils": number(donations.get("telecom_pupils_pledged", 0)),
        "capacity": number(donations["connectivity_capacity"]),
        "used": number(donations["connectivity_used"]),
        "proposed": number(donations["connectivity_proposed"]),
    }
    if providers:
        text += " " + _("Places taken, by provider: %(items)s.") % {"items": providers}
    blocks.append(Block(BULLET, text))
    return blocks


def _infrastructure(report: dict) -> list[Block]:
    infrastructure = report["infrastructure"]
    blocks = [Block(HEADING, _("4. Telecom infrastructure"))]
    hamlets = infrastructure["hamlets"]
    covered = infrastructure.get("covered", 0)
    figures = {
        "covered": number(covered),
        "hamlets": number(hamlets),
        "pct": percent(round(100 * covered / hamlets, 1) if hamlets else 0.0),
        "g3": number(infrastructure.get("with_mobile_3g", 0)),
        "g4": number(infrastructure["with_mobile_4g"]),
        "fibre": number(infrastructure["with_fibre"]),
        "uncovered": number(infrastructure.get("uncovered", 0)),
    }
    text = _(
        "%(covered)s of %(hamlets)s hamlets (%(pct)s) have service from at least one provider "
        "(3G: %(g3)s hamlets; 4G: %(g4)s; fibre: %(fibre)s)."
    )
    blocks.append(Block(BULLET, text % figures))
    if infrastructure.get("uncovered"):
        blocks.append(Block(BULLET, _("%(uncovered)s hamlets have no service from any provider yet.") % figures))
    providers = "; ".join(
        f"{tables.name(row['name'])} {number(row['with_mobile_3g'])}/{number(row['with_mobile_4g'])}/"
        f"{number(row['with_fibre'])}"
        for row in infrastructure.get("by_provider", [])
    )
    if providers:
        blocks.append(Block(BULLET, _("Hamlets with 3G/4G/fibre, by provider: %(items)s.") % {"items": providers}))
    for key, sentence in (
        ("blocked_pupils", _("%(n)s pupils who lack Internet live in a hamlet that no provider covers yet.")),
        ("hamlet_unknown_pupils", _("%(n)s pupils who lack Internet have no hamlet on their list.")),
    ):
        if infrastructure.get(key):
            blocks.append(Block(BULLET, sentence % {"n": number(infrastructure[key])}))
    return blocks


def _milestone_line(row: dict) -> str:
    figures = {"name": tables.name(row["name"]), "due": deadline(tables.local_moment(row["due"]))}
    done_at = tables.local_moment(row.get("done_at"))
    if row["status"] == "done" and done_at is not None:
        return _("%(name)s (deadline %(due)s): done on %(day)s.") % {**figures, "day": day(done_at)}
    figures["status"] = str(labels.MILESTONE_STATUSES.get(row["status"], row["status"]))
    progress = row.get("progress")
    if not progress:
        return _("%(name)s (deadline %(due)s): %(status)s.") % figures
    figures.update(done=number(progress["done"]), total=number(progress["total"]))
    figures["unit"] = str(PROGRESS_UNITS.get(row["code"], ""))
    return (_("%(name)s (deadline %(due)s): %(status)s; so far %(done)s/%(total)s %(unit)s.") % figures).replace(
        " .", "."
    )


def _milestones(report: dict) -> list[Block]:
    milestones = report["milestones"]
    blocks = [Block(HEADING, _("5. Progress against the plan's milestones"))]
    statuses = [row["status"] for row in milestones]
    text = _("%(done)s of %(total)s milestones are done; %(late)s are late; %(at_risk)s are at risk.") % {
        "done": number(statuses.count("done")),
        "total": number(len(milestones)),
        "late": number(statuses.count("late")),
        "at_risk": number(statuses.count("at_risk")),
    }
    blocks.append(Block(PARAGRAPH, text))
    blocks.extend(Block(BULLET, _milestone_line(row)) for row in milestones)
    return blocks


def _feedback(report: dict) -> list[Block]:
    table = tables.feedback_table(report)
    if table is None:
        return []
    blocks = [Block(HEADING, _("6. Reports from the public of pupils missed"))]
    feedback = report["feedback"]
    if isinstance(feedback.get("total"), int):
        blocks.append(Block(BULLET, _("%(n)s reports have been received.") % {"n": number(feedback["total"])}))
    groups: dict[str, list[tuple[str, int]]] = {}
    for group, item, n in table.rows:
        if group:
            groups.setdefault(group, []).append((item[:1].lower() + item[1:], n))
    for group, pairs in groups.items():
        items = _items(pairs)
        if items:
            blocks.append(Block(BULLET, f"{group}: {items}."))
    return blocks


def _outstanding(report: dict) -> list[Block]:
    """What is left to do, in figures the report holds: late milestones, missing lists, the gap."""
    students, gap, infrastructure = report["students"], report["gap"]["by_reason"], report["infrastructure"]
    lines = []
    late = [row["name"] for row in report["milestones"] if row["status"] == "late"]
    if late:
        lines.append(_("Past their deadline and not done: %(items)s.") % {"items": "; ".join(map(tables.name, late))})
    soon = [row["name"] for row in report["milestones"] if row["status"] == "at_risk"]
    if soon:
        hours = int(AT_RISK_BEFORE.total_seconds() // 3600)
        lines.append(
            _("Due within %(hours)s hours and not done: %(items)s.")
            % {"hours": hours, "items": "; ".join(map(tables.name, soon))}
        )
    missing = [row["name"] for row in report["by_commune"] if not row.get("list_received")]
    if missing:
        lines.append(
            _("%(n)s communes and townships have not sent their list yet: %(names)s.")
            % {"n": number(len(missing)), "names": _names(missing)}
        )
    counts = (
        (gap.get("not_verified", 0), _("%(n)s pupils in need are not verified yet.")),
        (students["duplicates_pending"], _("%(n)s possible duplicate pairs await a decision.")),
        (
            report.get("allocation", {}).get("supports_by_status", {}).get("proposed", 0),
            _("%(n)s proposed supports await approval."),
        ),
        (gap.get("no_device_left", 0), _("%(n)s eligible pupils wait for a device of a suitable type.")),
        (gap.get("no_place_left", 0), _("%(n)s eligible pupils wait for a connectivity place.")),
    )
    lines.extend(sentence % {"n": number(n)} for n, sentence in counts if n)
    uncovered = [
        f"{tables.name(row['name'])} ({number(row['hamlets'] - row['covered'])})"
        for row in infrastructure.get("by_commune", [])
        if row["hamlets"] > row["covered"]
    ]
    if uncovered:
        lines.append(
            _("%(n)s hamlets still have no service, in: %(communes)s.")
            % {"n": number(infrastructure.get("uncovered", 0)), "communes": ", ".join(uncovered)}
        )
    if not lines:
        lines.append(_("Nothing is outstanding."))
    return [Block(SECTION, _("II. WORK STILL OUTSTANDING")), *(Block(BULLET, line) for line in lines)]


def chart_title() -> str:
    return _("Pupils in need and supported, by commune and township")


def chart_legend() -> tuple[str, str]:
    return _("In need"), _("Supported")


def annex_tables(report: dict) -> tuple[Table, ...]:
    return (
        tables.commune_table(report, keys=tables.COMMUNE_DOCUMENT_KEYS),
        tables.level_table(report),
        tables.gap_table(report),
    )


def document(report: dict) -> Document:
    note = data_note(report)
    intro = _(
        "Carrying out the district People's Committee's plan for the programme %(programme)s in Vĩnh Tường "
        "district, the Education and Training Office reports its results (%(note)s) as follows:"
    ) % {"programme": PROGRAMME, "note": note}
    closing = _(
        "This is the Education and Training Office's report on the results of the programme %(programme)s "
        "in Vĩnh Tường district, respectfully submitted to the district People's Committee./."
    ) % {"programme": PROGRAMME}
    body = [
        Block(PARAGRAPH, intro),
        Block(SECTION, _("I. RESULTS")),
        *_pupils(report),
        *_supports(report),
        *_donations(report),
        *_infrastructure(report),
        *_milestones(report),
        *_feedback(report),
        *_outstanding(report),
        Block(PARAGRAPH, _("(Details by commune, school level and reason are in the annexes.)")),
        Block(PARAGRAPH, closing),
    ]
    annex_note = _("(Attached to report no. %(number)s of the Education and Training Office, %(note)s)") % {
        "number": NUMBER,
        "note": note,
    }
    return Document(place_and_date(report), note, tuple(body), annex_tables(report), annex_note)
