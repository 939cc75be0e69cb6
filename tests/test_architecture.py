"""Imports flow one way (DESIGN.md): reports → allocation → telecom, donations → students → common.

`common` is the base layer (the spreadsheet reader, text, parsers, bulk inserts, scoping): every app
may import it, and it imports no app.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPS = ("common", "students", "donations", "telecom", "allocation", "reports")
PROJECT_PACKAGES = {*APPS, "vinhtuong_program"}
FORBIDDEN = {
    "common": PROJECT_PACKAGES - {"common"},
    "students": {"donations", "telecom", "allocation", "reports", "vinhtuong_program"},
    "donations": {"telecom", "allocation", "reports", "vinhtuong_program"},
    # telecom may read donations (it inspects and repairs donated devices).
    "telecom": {"allocation", "reports", "vinhtuong_program"},
    "allocation": {"reports", "vinhtuong_program"},
    "reports": {"vinhtuong_program"},
}


def _imported_top_levels(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("app", APPS)
def test_app_code_imports_only_the_apps_below_it(app):
    offenders = []
    for path in (ROOT / app).rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        bad = _imported_top_levels(path) & FORBIDDEN[app]
        if bad:
            offenders.append(f"{path.relative_to(ROOT)} imports {sorted(bad)}")
    assert offenders == []


def test_every_app_may_import_the_base_layer():
    assert all("common" not in forbidden for app, forbidden in FORBIDDEN.items())
    assert FORBIDDEN["common"] == {"students", "donations", "telecom", "allocation", "reports", "vinhtuong_program"}


def test_the_base_layer_is_imported_from_common_only():
    """One truth: the moved modules left no copy or re-export behind in students."""
    moved = ("spreadsheets", "sheet_extent", "xls_extent", "csv_encoding", "legacy_encoding", "legacy_tables")
    moved += ("name_case", "import_limits", "process_limits", "bulk")
    assert [name for name in moved if (ROOT / "students" / f"{name}.py").exists()] == []
