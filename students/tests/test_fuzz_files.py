"""Mutated spreadsheets are read or refused in Vietnamese: no traceback, no signal (issue 16).

The fuzzing runs in a process of its own (students/tests/fuzz_files.py) under an address-space
ceiling, so a reader that aborts shows here as a signal instead of ending the test run.
`make fuzz` runs the nightly-sized version (FUZZ_EXAMPLES=3000).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_mutated_files_are_read_or_refused_in_vietnamese(tmp_path):
    examples = int(os.environ.get("FUZZ_EXAMPLES", "40"))
    env = {**os.environ, "FUZZ_EXAMPLES": str(examples), "FUZZ_FAILURES_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "students.tests.fuzz_files"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=max(240, examples * 3),
    )
    assert done.returncode >= 0, f"the reader was killed by signal {-done.returncode}"
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    outcomes = json.loads(done.stdout.decode().strip().splitlines()[-1])
    assert sum(outcomes.values()) >= examples // 2
    assert any(key.endswith("refused") for key in outcomes) and any(key.endswith("read") for key in outcomes)
