"""Issue 15, the guard's second half: every figure shown comes from the one function defining it.

No template counts (`|length`, `.count`, arithmetic filters), no view aggregates, and the report's
documents (DOCX, PDF, XLSX wording) read the report's figures and nothing else. The few
exceptions below are not programme figures, and each says why; a new one fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = sorted(
    path
    for path in ROOT.glob("**/templates/**/*.html")
    if ".venv" not in path.parts and "node_modules" not in path.parts
)
VIEWS = sorted(
    path
    for path in [*ROOT.glob("*/views.py"), *ROOT.glob("*/views/*.py"), *ROOT.glob("*/*/views.py")]
    if ".venv" not in path.parts and "tests" not in path.parts
)
DOCUMENTS = sorted((ROOT / "reports" / "documents").glob("*.py"))

COUNTING_IN_TEMPLATES = re.compile(
    r"([\w.]+\|length\b|[\w.]+\.count\b|[\w.]+\|add:[\w.]+|\bwidthratio\b|\|(?:sub|mul|div)\b)"
)
ALLOWED_IN_TEMPLATES = {
    # How many rows a paginated list has: the list itself, not a figure of the programme.
    "page_obj.paginator.count": "rows of the list on screen",
    "page_obj.start_index|add:forloop.counter0": "the row's number on the page",
    "errors|length": "the error messages of a refused file",
    "left_out_pupils|length": "how many of the left-out pupils the page lists",
    "record.rows|length": "the pupils on the printed handover record",
    "upload.errors|length": "the errors of a refused file kept in full (common.spreadsheets.import_limits caps them)",
    "item.count": "rows of a refused file per column and reason (common.spreadsheets.import_limits' summary)",
    "waiting_credits|length": "the transfers of donations.statements.waiting_credits, the badge's own queryset",
    # Keys named "count" of dicts the figure functions return.
    "figures.donors.count": "reports.public.public_figures",
    "row.count": "allocation.summary / allocation.run_figures rows",
}

AGGREGATING_IN_VIEWS = re.compile(r"\.aggregate\(|\b(?:Count|Sum|Avg|Max|Min)\(|\.count\(\)")
ALLOWED_IN_VIEWS = {
    # Worklists and messages, not figures of the programme (none is on the report or the public page).
    ("telecom/views/hamlets.py", "Count("): "pupils and coverage rows of each hamlet on the hamlet list",
    ("telecom/views/devices.py", ".count()"): "devices waiting for the operator's inspection (a worklist)",
    ("allocation/views/handover.py", "Count("): "pupils on each handover record, supports waiting for one",
    ("allocation/views/handover.py", ".count()"): "rows in the export log of a scanned record",
    ("allocation/views/supports.py", ".count()"): "the message after approving: how many were not approved",
}


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_templates_count_nothing_themselves():
    assert TEMPLATES, "no template found"
    found = []
    for path in TEMPLATES:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for expression in COUNTING_IN_TEMPLATES.findall(line):
                if expression not in ALLOWED_IN_TEMPLATES:
                    found.append(f"{_relative(path)}:{n}: {expression}")
    assert not found, "A template computes a figure; give it a figure function instead:\n" + "\n".join(found)


def test_views_aggregate_nothing_themselves():
    assert VIEWS, "no view module found"
    found = []
    for path in VIEWS:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for call in AGGREGATING_IN_VIEWS.findall(line):
                if (_relative(path), call) not in ALLOWED_IN_VIEWS:
                    found.append(f"{_relative(path)}:{n}: {call}")
    assert not found, "A view counts; move it to the figures module of its app:\n" + "\n".join(found)


def test_the_reports_documents_read_the_report_and_nothing_else():
    """The DOCX, PDF and XLSX (and their sentences) render `build_progress_report()`'s figures."""
    assert DOCUMENTS
    for path in DOCUMENTS:
        text = path.read_text(encoding="utf-8")
        assert ".objects" not in text, f"{_relative(path)} reads the database"
        assert not re.search(r"from django\.db|import .*models\b", text), f"{_relative(path)} imports models"
        assert not AGGREGATING_IN_VIEWS.search(text), f"{_relative(path)} aggregates"


def test_the_scan_sees_a_count_planted_in_a_template(tmp_path):
    planted = "<p>{{ report.by_school|length }} schools, {{ supports.count }} supports, {{ a|add:b }}</p>"
    assert COUNTING_IN_TEMPLATES.findall(planted) == ["report.by_school|length", "supports.count", "a|add:b"]
    assert AGGREGATING_IN_VIEWS.findall('x = Student.objects.aggregate(n=Count("pk"))') == [".aggregate(", "Count("]
