"""Stop means stop: after Ctrl+C, SIGTERM or a kill, no create leaves that was not already on the wire.

A batch larger than KIE's create limit has creates waiting for the pacer. A signal in that wait must end
the run at once without sending them, and a kill in that wait must not leave them looking "maybe billed".
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.core.cli_helpers import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    KEY,
    creates_of,
    finish,
    isolated_env,
    make_images,
    numbered_duplicates,
    run_upscale,
    sim_stats,
    start_upscale,
    temp_leftovers,
)
from tests.core.test_cli_kill import kill_9, wait_until
from upscaler_gui.sim import Faults, SimConfig, SimServer

pytestmark = pytest.mark.integration  # the command line in a subprocess against the sim

IMAGES = 26  # KIE's 20 creates per 10 s let 20 go; 6 wait about 10 s for the pacer
STOP_WITHIN_S = 2.0


def _quiet_after_creates(sim: SimServer, count: int) -> None:
    """Until `count` creates were answered and the run has sat in the pacer's wait for a moment."""
    wait_until(lambda: sim.stats.creates >= count, limit_s=30)
    time.sleep(0.8)  # nothing is on the wire now: the rest wait for KIE's 10 s window


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_while_creates_wait_sends_none_of_them_and_exits_at_once(
    tmp_path: Path, signum: int
) -> None:
    files = make_images(tmp_path / "in", IMAGES)
    with SimServer(SimConfig(api_key=KEY, task_seconds=30.0)) as sim:
        process = start_upscale(sim.base_url, "in", "--out", "out", cwd=tmp_path)
        _quiet_after_creates(sim, 20)
        at_signal = sim.stats.creates
        sent_at = time.monotonic()
        process.send_signal(signum)
        batch = finish(process, timeout=30)
        took = time.monotonic() - sent_at
        time.sleep(0.5)
        after = sim_stats(sim)
    assert batch.returncode == EXIT_INTERRUPTED, batch.explain()
    assert after.creates == at_signal == 20, "creates went out after the signal"
    assert took < STOP_WITHIN_S, f"the run took {took:.1f} s to stop"
    assert "jobs are kept" in batch.stderr and "Traceback" not in batch.stderr
    assert sum(creates_of(after, path) for path in files) == 20


def test_a_kill_while_creates_wait_leaves_them_queued_not_unknown(tmp_path: Path) -> None:
    files = make_images(tmp_path / "in", IMAGES)
    out = tmp_path / "out"
    with SimServer(SimConfig(api_key=KEY, task_seconds=0.3)) as sim:
        process = start_upscale(sim.base_url, "in", "--out", "out", cwd=tmp_path)
        _quiet_after_creates(sim, 20)
        kill_9(process)
        rerun = run_upscale(sim.base_url, "in", "--out", "out", cwd=tmp_path, timeout=120)
        stats = sim_stats(sim)
    assert rerun.returncode == EXIT_OK, rerun.explain()  # none "unknown": none of the waiting was sent
    assert set(rerun.statuses()) <= {"done", "skipped"}, rerun.explain()
    assert [creates_of(stats, path) for path in files] == [1] * IMAGES
    assert numbered_duplicates(out) == [] and temp_leftovers(out) == []


def test_watch_stopped_while_creates_wait_sends_none_of_them(tmp_path: Path) -> None:
    make_images(tmp_path / "in", IMAGES)
    with SimServer(SimConfig(api_key=KEY, task_seconds=30.0)) as sim:
        watch = ["watch", "in", "--out", "out", "--include-existing", "--settle", "0.2"]
        connection = ["--data-dir", "data", "--api-base", sim.base_url, "--upload-base", sim.base_url]
        process = subprocess.Popen(
            [sys.executable, "-m", "upscaler_gui", *watch, *connection],
            cwd=tmp_path,
            env=isolated_env(tmp_path),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        _quiet_after_creates(sim, 20)
        sent_at = time.monotonic()
        process.send_signal(signal.SIGTERM)
        batch = finish(process, timeout=30)
        took = time.monotonic() - sent_at
        time.sleep(0.5)
        after = sim_stats(sim)
    assert batch.returncode == EXIT_OK, batch.explain()
    assert after.creates == 20, "creates went out after SIGTERM"
    assert took < STOP_WITHIN_S, f"watch took {took:.1f} s to stop"


def test_a_signal_during_a_long_retry_after_exits_at_once_and_sends_nothing(tmp_path: Path) -> None:
    make_images(tmp_path / "in", 2)
    faults = Faults(rate_429=1.0, retry_after_s=30.0, endpoints={"create"})  # KIE says: come back in 30 s
    with SimServer(SimConfig(api_key=KEY, faults=faults)) as sim:
        process = start_upscale(sim.base_url, "in", "--out", "out", cwd=tmp_path)
        wait_until(lambda: sim.stats.rate_limited_by_fault >= 2, limit_s=30)
        time.sleep(0.5)
        sent_at = time.monotonic()
        process.send_signal(signal.SIGTERM)
        batch = finish(process, timeout=30)
        took = time.monotonic() - sent_at
        assert sim.stats.creates == 0
    assert batch.returncode == EXIT_INTERRUPTED, batch.explain()
    assert took < STOP_WITHIN_S, f"the run waited {took:.1f} s for KIE's Retry-After"
