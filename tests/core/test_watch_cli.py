"""`upscaler-gui watch` as a user runs it: a subprocess with --demo, files dropped in, SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.core.cli_helpers import decoded, run_cli
from tests.core.watch_helpers import put_image

pytestmark = pytest.mark.integration  # the command line in a subprocess against the sim

START_LIMIT_S = 30.0
STOP_LIMIT_S = 5.0


def _wait_for(check: object, what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not check():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _start(tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    err = (tmp_path / "stderr.txt").open("w")
    return subprocess.Popen(
        [sys.executable, "-m", "upscaler_gui", "watch", *args],
        cwd=tmp_path,
        env=dict(os.environ),
        stdout=subprocess.PIPE,
        stderr=err,
        text=True,
    )


def test_watch_demo_upscales_dropped_files_and_stops_on_sigterm(tmp_path: Path) -> None:
    folder, out, done = tmp_path / "in", tmp_path / "out" / "demo", tmp_path / "done"
    folder.mkdir()
    put_image(folder / "before.png", 9)  # there before the first watch: left alone
    proc = _start(
        tmp_path, "in", "--out", "out", "--demo", "--settle", "0.3", "--move-processed", "done", "--json"
    )
    stderr = tmp_path / "stderr.txt"
    try:
        _wait_for(
            lambda: "watching " in stderr.read_text() or proc.poll() is not None, "the start", START_LIMIT_S
        )
        assert proc.poll() is None, stderr.read_text()
        put_image(folder / "a.png", 1)
        put_image(folder / "b.part", 2)
        os.rename(folder / "b.part", folder / "b.png")
        (folder / "notes.png").write_text("not an image")
        _wait_for(lambda: len(list(done.glob("*.png"))) == 2, "both originals moved", START_LIMIT_S)
        stopped_at = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        stdout, _ = proc.communicate(timeout=STOP_LIMIT_S + 5)
        took = time.monotonic() - stopped_at
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    log = stderr.read_text()
    assert proc.returncode == 0, log
    assert took < STOP_LIMIT_S, took
    assert sorted(p.name for p in out.iterdir()) == ["a_crisp.png", "b_crisp.png"]
    assert decoded(out / "a_crisp.png") == ("PNG", (96, 72))
    assert (folder / "before.png").exists()
    for line in ("arrived   a.png", "done      a.png -> ", "moved     b.png -> ", "ignored   notes.png: "):
        assert line in log, log
    assert stdout.count('"status": "done"') == 2


def test_watch_refuses_a_missing_folder(tmp_path: Path) -> None:
    result = run_cli("watch", "nowhere", "--out", "out", "--demo", cwd=tmp_path, timeout=30)
    assert result.returncode == 2
    assert "does not exist" in result.stderr


def test_watch_with_a_budget_holds_what_it_does_not_cover(tmp_path: Path) -> None:
    folder, out = tmp_path / "in", tmp_path / "out" / "demo"
    folder.mkdir()
    for i in range(3):
        put_image(folder / f"x{i}.png", i + 1)
    args = ("in", "--out", "out", "--demo", "--settle", "0.3", "--include-existing", "--max-credits", "1")
    proc = _start(tmp_path, *args)
    stderr = tmp_path / "stderr.txt"
    try:
        _wait_for(lambda: "Over budget" in stderr.read_text() or proc.poll() is not None, "the pause", 30)
        _wait_for(lambda: out.is_dir() and len(list(out.glob("*.png"))) == 2, "two results", START_LIMIT_S)
        time.sleep(1.0)  # a third would have been created by now
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=STOP_LIMIT_S + 5)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    log = stderr.read_text()
    assert "this batch may spend 1 credits" in log, log
    assert len(list(out.glob("*.png"))) == 2, log
