"""The offline demo across restarts, as a user runs it: `upscale --demo` twice on one data dir, and a demo
run killed mid-batch then run again. The demo server keeps its uploads, results and tasks in the demo data
dir (like KIE keeps them between two runs of the app), so earlier demo jobs are finished, not failed."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.core.cli_helpers import (
    EXIT_OK,
    Batch,
    decoded,
    finish,
    isolated_env,
    make_images,
    sha256_of,
)
from tests.imagefactory import write_image
from upscaler_gui.sim.journal import read_tasks

pytestmark = pytest.mark.integration  # the command line in a subprocess against the sim

DEMO_STATE = Path("data", "demo", "server")


def demo_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "upscaler_gui", "upscale", "--demo", *args, "--data-dir", "data", "--json"]


def run_demo(cwd: Path, *args: str) -> Batch:
    env = isolated_env(cwd, key=None)
    done = subprocess.run(
        demo_command(*args), cwd=cwd, env=env, capture_output=True, text=True, timeout=90, check=False
    )
    return Batch(done.returncode, done.stdout, done.stderr)


def creates_by_image(cwd: Path) -> Counter[str]:
    """Tasks the demo server created per source image (sha256), over every run on this data dir."""
    return Counter(task.image_sha256 or "never fetched" for task in read_tasks(cwd / DEMO_STATE))


def test_the_same_image_upscaled_twice_by_the_demo_gives_two_results(tmp_path: Path) -> None:
    image = write_image(tmp_path / "x.png", size=(40, 30))
    first = run_demo(tmp_path, "x.png", "--out", "a")
    second = run_demo(tmp_path, "x.png", "--out", "b")
    assert first.returncode == EXIT_OK, first.explain()
    assert second.returncode == EXIT_OK, second.explain()
    for folder in ("a", "b"):
        assert decoded(tmp_path / folder / "demo" / "x_crisp.png") == ("PNG", (80, 60))
    assert creates_by_image(tmp_path) == {sha256_of(image): 2}  # one billed task per run asked for


def test_a_killed_demo_run_is_finished_by_the_next_one_without_creating_again(tmp_path: Path) -> None:
    files = make_images(tmp_path / "in", 4)
    process = subprocess.Popen(
        demo_command("in", "--out", "out"),
        cwd=tmp_path,
        env=isolated_env(tmp_path, key=None),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while sum(creates_by_image(tmp_path).values()) < len(files):
        assert process.poll() is None, finish(process).explain()
        assert time.monotonic() < deadline, "the demo run never created its tasks"
        time.sleep(0.02)
    time.sleep(0.3)  # every taskId reaches the job store; the demo's tasks take a second, so no download yet
    process.send_signal(signal.SIGKILL)
    killed = finish(process)
    assert killed.returncode == -signal.SIGKILL
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.png"))

    rerun = run_demo(tmp_path, "in", "--out", "out")
    assert rerun.returncode == EXIT_OK, rerun.explain()
    assert set(rerun.statuses()) == {"done"}, rerun.explain()
    for path in files:
        with_size = decoded(tmp_path / "out" / "demo" / f"{path.stem}_crisp.png")
        assert with_size[1] == (2 * decoded(path)[1][0], 2 * decoded(path)[1][1])
    assert creates_by_image(tmp_path) == {sha256_of(path): 1 for path in files}
