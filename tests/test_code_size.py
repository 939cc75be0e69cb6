"""Small modules and small functions (issue 20): the limits are a test, not a hope.

No module of the project over 500 lines and no function over 80, outside tests, migrations,
bench and scripts. Split a long function along its real seams, a long module into a package
with named parts (STYLE.md, "Small modules").
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 80
# Directories whose code the limits do not cover (anywhere in the tree), and hidden ones (.venv, .git).
SKIPPED_DIRS = {"tests", "migrations", "bench", "scripts", "node_modules", "staticfiles", "media"}


def project_files() -> list[Path]:
    files = []
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if any(part in SKIPPED_DIRS or part.startswith(".") for part in parts[:-1]):
            continue
        if path.name == "conftest.py":
            continue
        files.append(path)
    return files


def size_violations(source: str) -> list[str]:
    """What in this module's source is over a limit: the module, and each function or method."""
    found = []
    lines = len(source.splitlines())
    if lines > MAX_MODULE_LINES:
        found.append(f"module is {lines} lines (limit {MAX_MODULE_LINES})")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                found.append(f"{node.name}() at line {node.lineno} is {length} lines (limit {MAX_FUNCTION_LINES})")
    return found


def _violations_by_file() -> dict[str, list[str]]:
    by_file = {}
    for path in project_files():
        found = size_violations(path.read_text(encoding="utf-8"))
        if found:
            by_file[path.relative_to(ROOT).as_posix()] = found
    return by_file


def test_no_module_over_500_lines_and_no_function_over_80():
    offenders = [
        f"{name}: {problem}" for name, problems in sorted(_violations_by_file().items()) for problem in problems
    ]
    assert offenders == [], "Split these along their seams (issue 20):\n" + "\n".join(offenders)


def test_the_walk_covers_the_apps_and_skips_tests_and_migrations():
    names = {path.relative_to(ROOT).as_posix() for path in project_files()}
    assert {"donations/models/pledges.py", "reports/progress.py", "vinhtuong_program/settings.py"} <= names
    assert not any(
        part in {"tests", "migrations", "bench", "scripts", ".venv"} for name in names for part in name.split("/")
    )


def test_the_limits_count_lines_from_def_to_the_last_line():
    body = "\n".join(f"    x{n} = {n}" for n in range(79))
    too_long = f"def long():\n{body}\n    return 0\n"  # 81 lines
    assert size_violations(too_long) == ["long() at line 1 is 81 lines (limit 80)"]
    assert size_violations(too_long.replace("    x0 = 0\n", "")) == []
    method = "class A:\n" + "\n".join("    " + line for line in too_long.splitlines())
    assert size_violations(method) == ["long() at line 2 is 81 lines (limit 80)"]
    assert size_violations("x = 1\n" * 501) == ["module is 501 lines (limit 500)"]
    assert size_violations("x = 1\n" * 500) == []
