"""Ctrl+C or SIGTERM on a running window quits it like its Quit: engine closed cleanly, exit 0."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from upscaler_gui.core.constants import ENV_DATA_DIR
from upscaler_gui.core.paths import ENV_CACHE_DIR, ENV_CONFIG_DIR

pytestmark = pytest.mark.integration  # the app in a subprocess, stopped by a signal

ROOT = Path(__file__).resolve().parents[2]


def wait_for(log: Path, text: str, proc: subprocess.Popen[bytes], limit_s: float = 30.0) -> bool:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline and proc.poll() is None:
        if log.exists() and text in log.read_text(encoding="utf-8", errors="replace"):
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_closes_the_window_cleanly(tmp_path: Path, signum: signal.Signals) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    for name in (ENV_DATA_DIR, ENV_CONFIG_DIR, ENV_CACHE_DIR):
        env[name] = str(tmp_path / name.lower())
    log = tmp_path / ENV_CACHE_DIR.lower() / "upscaler-gui.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "upscaler_gui", "--demo"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        assert wait_for(log, "credit balance", proc), "the demo window never connected"
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    text = log.read_text(encoding="utf-8")
    assert proc.returncode == 0, err.decode(errors="replace")[-2000:]
    assert "closed cleanly" in text
    assert "unhandled error" not in text and "Traceback" not in err.decode(errors="replace")
