"""`./dev package` as root installs what it needs with apt-get, and waits for another apt's lock.

The `apt_get` function of the dev script runs against a stand-in apt-get on PATH.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.packaging.conftest import ROOT

LOCKED = "E: Could not get lock /var/lib/apt/lists/lock. It is held by process 4242 (apt-get)"


def _apt_get(tmp_path: Path, answers: list[tuple[int, str]]) -> tuple[subprocess.CompletedProcess[str], int]:
    """Run the dev script's apt_get with an apt-get that gives `answers` in turn; (result, calls)."""
    fake = tmp_path / "bin" / "apt-get"
    fake.parent.mkdir()
    calls = tmp_path / "calls"
    cases = "\n".join(f'  {i}) echo "{text}" >&2; exit {code};;' for i, (code, text) in enumerate(answers, 1))
    fake.write_text(
        f"#!/bin/bash\nn=$(( $(cat {calls} 2>/dev/null || echo 0) + 1 )); echo $n > {calls}\n"
        f"case $n in\n{cases}\n  *) exit 0;;\nesac\n"
    )
    fake.chmod(0o755)
    script = f"eval \"$(sed -n '/^apt_get() {{/,/^}}/p' {ROOT / 'dev'})\"; apt_get update -qq"
    env = {**os.environ, "PATH": f"{fake.parent}:{os.environ['PATH']}", "DEV_APT_LOCK_POLL_S": "0"}
    result = subprocess.run(
        ["bash", "-c", script], env=env, capture_output=True, text=True, timeout=30, check=False
    )
    return result, int(calls.read_text())


def test_a_held_apt_lock_is_waited_for(tmp_path: Path) -> None:
    result, calls = _apt_get(tmp_path, [(100, LOCKED), (100, LOCKED), (0, "")])
    assert result.returncode == 0, result.stderr
    assert calls == 3
    assert result.stderr.count("waiting for the apt lock") == 1


def test_another_apt_error_fails_at_once_and_is_shown(tmp_path: Path) -> None:
    result, calls = _apt_get(tmp_path, [(100, "E: Unable to locate package binutilz")])
    assert result.returncode == 1 and calls == 1
    assert "Unable to locate package binutilz" in result.stderr
