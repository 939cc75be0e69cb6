"""Imports flow one way (DESIGN.md): reports → allocation → telecom, donations → students."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPS = ("students", "donations", "telecom", "allocation", "reports")
FORBIDDEN = {
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
