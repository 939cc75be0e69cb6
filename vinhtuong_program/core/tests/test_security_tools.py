"""`make security` (.ci/security.py): pip-audit is skipped only when no service answers, and says so."""

import importlib.util
from pathlib import Path

from django.conf import settings

_spec = importlib.util.spec_from_file_location("ci_security", Path(settings.BASE_DIR) / ".ci" / "security.py")
ci_security = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ci_security)


def _never_run(*args, **kwargs):
    raise AssertionError("pip-audit must not run when no service answers")


def test_pip_audit_is_skipped_with_a_clear_line_only_when_no_service_answers(capsys):
    assert ci_security.run_pip_audit(probe=lambda url: False, run=_never_run) == 0
    assert "SKIPPED: no package registry reachable" in capsys.readouterr().out


def test_the_first_service_that_answers_is_used():
    assert ci_security.vulnerability_service(lambda url: True) == "pypi"
    assert ci_security.vulnerability_service(lambda url: "osv.dev" in url) == "osv"
    assert ci_security.vulnerability_service(lambda url: False) is None


def test_a_vulnerable_pin_fails_and_names_the_fixed_version():
    report = {
        "dependencies": [
            {"name": "django", "version": "5.2.0", "vulns": [{"id": "PYSEC-1", "fix_versions": ["5.2.1"]}]},
            {"name": "whitenoise", "version": "6.12.0", "vulns": []},
        ]
    }
    status, message = ci_security.summarise(report)
    assert status == 1
    assert "django==5.2.0 PYSEC-1 (fixed in 5.2.1)" in message


def test_a_service_that_knows_no_pinned_version_is_reported_not_passed_silently():
    report = {"dependencies": [{"name": "django", "version": "5.2.19", "skip_reason": "not found"}]}
    assert ci_security.summarise(report) == (0, ci_security.NO_DATA)
    clean = {"dependencies": [{"name": "django", "version": "5.2.19", "vulns": []}, report["dependencies"][0]]}
    assert ci_security.summarise(clean) == (
        0,
        "pip-audit: 1 pinned packages audited, no known vulnerability (1 unknown to the service)",
    )
