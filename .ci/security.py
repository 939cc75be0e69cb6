"""`make security`: bandit over the project's code, then pip-audit of the pinned runtime requirements.

pip-audit asks a vulnerability service about every pin. It is skipped only when neither service
(PyPI's JSON API, OSV) answers within a few seconds, and then says so on a line of its own; any
other failure fails the run.

Usage: python .ci/security.py [--bandit-only | --audit-only]
"""

from __future__ import annotations

import json
import subprocess  # nosec B404  # runs bandit and pip-audit with fixed arguments
import sys
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# pip-audit's --vulnerability-service names and a URL each answers without a body.
SERVICES = (
    ("pypi", "https://pypi.org/pypi/pip/json"),
    ("osv", "https://api.osv.dev/v1/vulns/PYSEC-2021-1"),
)
SKIPPED = "SKIPPED: no package registry reachable (pip-audit needs PyPI's JSON API or OSV)"
NO_DATA = "SKIPPED: the package registry answers but holds no vulnerability data for any pinned version"


def reachable(url: str, timeout: float = 5.0) -> bool:
    """True when the URL answers at all (any HTTP status), False on no network, DNS or TLS failure."""
    try:
        with urllib.request.urlopen(url, timeout=timeout):  # noqa: S310  # nosec B310  # fixed https URLs
            return True
    except urllib.error.HTTPError:
        return True  # the service is there; it only disliked the question
    except (urllib.error.URLError, OSError, ValueError):
        return False


def vulnerability_service(probe=reachable) -> str | None:
    """The first service that answers, or None."""
    for name, url in SERVICES:
        if probe(url):
            return name
    return None


def run_bandit() -> int:
    command = [str(BIN / "bandit"), "-c", str(ROOT / ".ci" / "bandit.yaml"), "-r", ".", "-q"]
    print("+", " ".join(command), flush=True)
    return subprocess.call(command, cwd=ROOT)  # noqa: S603  # nosec B603  # our own fixed command


def summarise(report: dict) -> tuple[int, str]:
    """(exit status, what to print) from pip-audit's JSON report.

    A pin the service does not know is skipped by pip-audit without failing; when it knows none at
    all nothing was audited, and that must be said rather than pass as "no known vulnerabilities".
    """
    dependencies = report.get("dependencies", [])
    audited = [dep for dep in dependencies if "skip_reason" not in dep]
    vulnerable = [dep for dep in audited if dep.get("vulns")]
    lines = []
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions", [])) or "no fixed version yet"
            lines.append(f"VULNERABLE: {dep['name']}=={dep['version']} {vuln.get('id')} (fixed in {fixed})")
    if vulnerable:
        return 1, "\n".join(lines)
    if not audited:
        return 0, NO_DATA
    skipped = len(dependencies) - len(audited)
    unknown = f"{skipped} unknown to the service"
    return 0, f"pip-audit: {len(audited)} pinned packages audited, no known vulnerability ({unknown})"


def run_pip_audit(probe=reachable, run=subprocess.run) -> int:
    service = vulnerability_service(probe)
    if service is None:
        print(SKIPPED, flush=True)
        return 0
    # Every runtime requirement is pinned exactly: audit the pins themselves, without resolving.
    command = [
        str(BIN / "pip-audit"),
        "--requirement",
        "requirements.txt",
        "--no-deps",
        "--disable-pip",
        "--vulnerability-service",
        service,
        "--progress-spinner",
        "off",
        "--format",
        "json",
    ]
    print("+", " ".join(command), flush=True)
    result = run(command, cwd=ROOT, capture_output=True, text=True)  # noqa: S603
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        print(result.stdout + result.stderr, file=sys.stderr)
        print("pip-audit failed without a report", file=sys.stderr)
        return 1
    status, message = summarise(report)
    print(message, flush=True)
    return status


def main(argv: list[str]) -> int:
    status = 0
    if "--audit-only" not in argv:
        status |= run_bandit()
    if "--bandit-only" not in argv:
        status |= run_pip_audit()
    return 1 if status else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
