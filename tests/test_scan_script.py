"""`make scan` (scripts/scan.py) aims at 127.0.0.1 and nothing else; the scanners themselves never run here."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "scan.py"
TOOLS = ("wapiti", "sqlmap", "apt-get", "sudo", "unshare", "gunicorn", "timeout")


@pytest.fixture
def tool_spies(tmp_path):
    """A PATH where every tool the script could start only leaves a mark that it was started."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in TOOLS:
        spy = bin_dir / tool
        spy.write_text(f"#!/bin/sh\ntouch {tmp_path}/started-{tool}\n")
        spy.chmod(0o755)
    return tmp_path, os.environ | {"PATH": f"{bin_dir}:{os.environ['PATH']}"}


@pytest.mark.parametrize(
    "target",
    [
        "http://example.com:8000/",
        "http://10.0.0.5:8000/",
        "http://localhost:8000/",  # a name can resolve anywhere
        "http://127.0.0.2:8000/",
        "http://[::1]:8000/",
        "https://127.0.0.1:8000/",
        "http://user@127.0.0.1@example.com:8000/",
        "http://127.1:8000/",
    ],
)
@pytest.mark.slow  # another process
def test_scan_refuses_any_target_but_127_0_0_1_before_starting_a_tool(tool_spies, target):
    folder, env = tool_spies
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--target", target, "--reports", str(folder / "reports")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "scan refused" in done.stderr
    assert not list(folder.glob("started-*")), "a tool was started"
    assert not (folder / "reports").exists()


def test_the_one_target_accepted_is_127_0_0_1_with_a_port():
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        import scan
    finally:
        sys.path.remove(str(SCRIPT.parent))
    assert scan.checked_target("http://127.0.0.1:8123/anything?x=1") == "http://127.0.0.1:8123/"
    with pytest.raises(scan.TargetRefused):
        scan.checked_target("http://127.0.0.1/")
    with pytest.raises(scan.TargetRefused):
        scan.local_url("http://127.0.0.1:8123/", "//example.com/page")
    with pytest.raises(scan.TargetRefused):
        scan._check_command(["sqlmap", "-u", "http://127.0.0.1:8123/", "--csrf-url", "http://example.com/"])
