"""Killing `upscaler-gui upscale` (kill -9, Ctrl+C, SIGTERM) and running the same command again.

A user's promise: whatever moment the command dies at, running it again finishes every image once. The
one exception is a create that was on the wire when the process died: KIE may have made (and billed)
that task, so the job is reported `unknown` with that reason, and is never created again by itself.
One sim outlives every killed run, and counts what was created for which image.
"""

from __future__ import annotations

import random
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.core.cli_helpers import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    KEY,
    Batch,
    check_batch,
    creates_of,
    expected_exit,
    finish,
    make_images,
    numbered_duplicates,
    run_upscale,
    sim_stats,
    start_upscale,
    temp_leftovers,
)
from upscaler_gui.sim import Faults, SimConfig, SimServer, SimStats

pytestmark = pytest.mark.integration  # the command line in a subprocess against the sim

UNKNOWN_AFTER_KILL = "KIE may have created and billed it"


def wait_until(condition: Callable[[], bool], limit_s: float = 20.0) -> None:
    deadline = time.monotonic() + limit_s
    while not condition():
        assert time.monotonic() < deadline, "the moment to interrupt never came"
        time.sleep(0.02)


def kill_9(process: subprocess.Popen[str]) -> Batch:
    process.kill()
    return finish(process)  # reaped: a zombie would still look alive to the job store's claim check


def result_files(out: Path) -> list[Path]:
    return sorted(path for path in out.iterdir() if not path.name.startswith(".")) if out.is_dir() else []


def assert_each_image_done_once_or_unknown(
    final: Batch, files: list[Path], stats: SimStats, out: Path
) -> None:
    """Every image done once (one create, one result file), or unknown with at most one create; no temp
    file left, whatever the killed runs left."""
    given = [f"in/{path.name}" for path in files]
    lines = check_batch(final, given=given, sources=dict(zip(given, files, strict=True)), out=out)
    assert final.returncode == expected_exit(final.statuses()), final.explain()
    outputs = []
    for name, path in zip(given, files, strict=True):
        line = lines[name]
        if line["status"] in ("done", "skipped"):
            assert creates_of(stats, path) == 1, line
            outputs.append(Path(str(line["output"])))
        else:
            assert line["status"] == "unknown", line
            assert creates_of(stats, path) <= 1, line
            assert "billed" in str(line["error"]), line
    assert result_files(out) == sorted(outputs)  # one file per finished image, nothing else
    assert numbered_duplicates(out) == []


# --- kill -9 at random moments ----------------------------------------------------------------------


def test_kill_9_at_random_moments_then_rerun_finishes_every_image_once(tmp_path: Path) -> None:
    files = make_images(tmp_path / "in", 20)
    rng = random.Random(1)
    # Some slow create answers and slow downloads widen the windows a kill can land in.
    faults = Faults(rate_slow=0.2, slow_s=0.3, endpoints={"create", "result"})
    with SimServer(SimConfig(api_key=KEY, task_seconds=0.5, faults=faults, seed=3)) as sim:
        killed = 0
        for _ in range(6):  # each run killed at a random moment, or left to end if it ends first
            process = start_upscale(sim.base_url, "in", "--out", "out", cwd=tmp_path)
            try:
                process.wait(timeout=rng.uniform(0.2, 1.2))
                finish(process)
            except subprocess.TimeoutExpired:
                if kill_9(process).returncode == -signal.SIGKILL:  # else it ended just before the kill
                    killed += 1
        final = run_upscale(sim.base_url, "in", "--out", "out", cwd=tmp_path)
        stats = sim_stats(sim)
    assert killed >= 3, "most runs should have been killed mid-batch"
    assert_each_image_done_once_or_unknown(final, files, stats, tmp_path / "out")
    assert final.statuses()["done"] + final.statuses()["skipped"] >= len(files) // 2, final.explain()


def test_kill_9_while_creates_are_on_the_wire_makes_those_jobs_unknown(tmp_path: Path) -> None:
    files = make_images(tmp_path / "in", 3)
    out = tmp_path / "out"
    faults = Faults(rate_slow=1.0, slow_s=5.0, endpoints={"create"})  # KIE makes the task, answers late
    with SimServer(SimConfig(api_key=KEY, task_seconds=0.2, faults=faults)) as sim:
        process = start_upscale(sim.base_url, "in", "--out", "out", cwd=tmp_path)
        wait_until(lambda: sim.stats.creates >= 1)
        kill_9(process)
        time.sleep(0.3)  # a create already in the socket is still made by KIE
        at_kill = sim_stats(sim)
        on_the_wire = [path for path in files if creates_of(at_kill, path)]
        assert on_the_wire
        sim.config.faults = Faults()
        for _ in range(2):  # the rerun finds out; the run after it says so again, without creating
            batch = run_upscale(sim.base_url, "in", "--out", "out", cwd=tmp_path)
            made = sim_stats(sim)
            assert_each_image_done_once_or_unknown(batch, files, made, out)
            assert batch.returncode == EXIT_FAILED
            for path in on_the_wire:  # KIE made these tasks: the jobs must never claim to know better
                line = batch.by_input()[f"in/{path.name}"]
                assert line["status"] == "unknown", line
                assert UNKNOWN_AFTER_KILL in str(line["error"]), line
                assert creates_of(made, path) == 1
        assert "--retry-unknown" in batch.stderr
        # Only when the user asks does it create again (the option's help says KIE may bill twice).
        retried = run_upscale(sim.base_url, "in", "--out", "out", "--retry-unknown", cwd=tmp_path)
        after_retry = sim_stats(sim)
    assert retried.returncode == EXIT_OK, retried.explain()
    assert set(retried.statuses()) <= {"done", "skipped"}
    assert all(creates_of(after_retry, path) == 2 for path in on_the_wire)
    assert len(result_files(out)) == len(files)
    assert numbered_duplicates(out) == []


# --- kill -9 in the middle of a download ------------------------------------------------------------


@dataclass
class KilledDownload:
    out: Path
    files: list[Path]
    temp_files_at_kill: list[str]
    rerun: Batch
    stats: SimStats


@pytest.fixture(scope="module")
def killed_mid_download(tmp_path_factory: pytest.TempPathFactory) -> KilledDownload:
    root = tmp_path_factory.mktemp("killed-download")
    files = make_images(root / "in", 2)
    out = root / "out"
    faults = Faults(rate_slow=1.0, slow_s=5.0, endpoints={"result"})  # results come slowly
    with SimServer(SimConfig(api_key=KEY, task_seconds=0.2, faults=faults)) as sim:
        process = start_upscale(sim.base_url, "in", "--out", "out", cwd=root)
        wait_until(lambda: bool(temp_leftovers(out)))
        at_kill = temp_leftovers(out)
        kill_9(process)
        sim.config.faults = Faults()
        rerun = run_upscale(sim.base_url, "in", "--out", "out", cwd=root)
        return KilledDownload(out, files, at_kill, rerun, sim_stats(sim))


def test_kill_9_mid_download_then_rerun_saves_each_result_once(killed_mid_download: KilledDownload) -> None:
    case = killed_mid_download
    assert case.temp_files_at_kill  # the kill really landed while a download was being written
    rerun = case.rerun
    assert rerun.returncode == EXIT_OK, rerun.explain()
    assert set(rerun.statuses()) == {"done"}
    assert [creates_of(case.stats, path) for path in case.files] == [1, 1]  # polled again, not created
    assert len(result_files(case.out)) == 2
    assert numbered_duplicates(case.out) == []


def test_kill_9_mid_download_leaves_no_temp_file_after_the_rerun(killed_mid_download: KilledDownload) -> None:
    assert temp_leftovers(killed_mid_download.out) == []


# --- Ctrl+C and SIGTERM --------------------------------------------------------------------------------


@dataclass
class Interrupted:
    out: Path
    files: list[Path]
    interrupted: Batch
    creates_before: SimStats
    rerun: Batch
    stats: SimStats


@pytest.fixture(scope="module", params=[signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def interrupted(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Interrupted]:
    """A batch signalled while every task is at KIE and some results are being downloaded; then rerun."""
    root = tmp_path_factory.mktemp("interrupted")
    files = make_images(root / "in", 6)
    out = root / "out"
    faults = Faults(rate_slow=1.0, slow_s=3.0, endpoints={"result"})
    with SimServer(SimConfig(api_key=KEY, task_seconds=0.2, faults=faults)) as sim:
        process = start_upscale(sim.base_url, "in", "--out", "out", cwd=root)
        wait_until(lambda: sim.stats.creates == len(files) and bool(temp_leftovers(out)))
        process.send_signal(request.param)
        interrupted = finish(process, timeout=20)
        before = sim_stats(sim)
        sim.config.faults = Faults()
        rerun = run_upscale(sim.base_url, "in", "--out", "out", cwd=root)
        yield Interrupted(out, files, interrupted, before, rerun, sim_stats(sim))


def test_interrupt_exits_130_keeps_jobs_and_removes_temp_files(interrupted: Interrupted) -> None:
    batch = interrupted.interrupted
    assert batch.returncode == EXIT_INTERRUPTED, batch.explain()
    assert "jobs are kept" in batch.stderr and "run the same command again" in batch.stderr
    assert "Traceback" not in batch.stderr
    assert set(batch.statuses()) <= {"done"}, batch.explain()  # only inputs that really ended
    assert temp_leftovers(interrupted.out) == []


def test_rerun_after_an_interrupt_finishes_without_new_tasks(interrupted: Interrupted) -> None:
    rerun = interrupted.rerun
    given = [f"in/{path.name}" for path in interrupted.files]
    check_batch(
        rerun, given=given, sources=dict(zip(given, interrupted.files, strict=True)), out=interrupted.out
    )
    assert rerun.returncode == EXIT_OK, rerun.explain()
    assert set(rerun.statuses()) <= {"done", "skipped"}
    assert interrupted.stats.creates == interrupted.creates_before.creates == len(interrupted.files)
    assert [creates_of(interrupted.stats, path) for path in interrupted.files] == [1] * len(interrupted.files)
    assert len(result_files(interrupted.out)) == len(interrupted.files)


def test_interrupted_summary_says_what_was_left(interrupted: Interrupted) -> None:
    assert "nothing to do" not in interrupted.interrupted.summary
