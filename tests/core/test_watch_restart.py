"""Across stops and starts: nothing missed, nothing twice; the first start; moving; credits pauses."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from tests.core.watch_helpers import (
    KEY,
    SETTLE_S,
    created_once,
    distinct_image,
    engine_for,
    outputs,
    put_image,
    running_sim,
    sha256,
    wait_until,
    watch_options,
    watching,
)
from upscaler_gui.core import paths
from upscaler_gui.core.jobs import Job, JobState
from upscaler_gui.core.watch import FolderWatcher

pytestmark = pytest.mark.integration  # a watched folder, the engine and the sim, across restarts


def ledger_rows(folder: Path) -> dict[str, tuple[str, str]]:
    """name -> (outcome, note), read from the job store's own database file."""
    with sqlite3.connect(paths.data_dir() / "jobs.sqlite3") as db:
        rows = db.execute(
            "SELECT path, outcome, note FROM watch_ledger WHERE folder = ?", (str(folder.resolve()),)
        ).fetchall()
    return {Path(path).name: (outcome, note) for path, outcome, note in rows}


async def test_stop_and_restart_with_files_added_in_between(tmp_path: Path) -> None:
    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    options = watch_options(folder, out)
    with running_sim(tmp_path) as sim:
        async with watching(sim, options) as (_, seen):
            put_image(folder / "a.png", 1)
            put_image(folder / "b.png", 2)
            await wait_until(lambda: len(seen.done()) == 2, "a and b")
        put_image(folder / "c.png", 3)  # while nobody watches
        put_image(folder / "d.png", 4)
        put_image(folder / "a.png", 5)  # a replaced by a new image under the same name
        async with watching(sim, options) as (_, seen):
            await wait_until(lambda: len(seen.done()) == 3, "c, d and the new a")
            put_image(folder / "e.png", 6)
            await wait_until(lambda: len(seen.done()) == 4, "e")
        async with watching(sim, options) as (_, seen):  # a third start with nothing new: nothing done
            await asyncio.sleep(SETTLE_S * 3)
            assert not seen.finished
        assert created_once(sim) == {sha256(distinct_image(n)): 1 for n in range(1, 7)}
    assert len(outputs(out)) == 6
    assert {name: row[0] for name, row in ledger_rows(folder).items()} == {
        f"{c}.png": "done" for c in "abcde"
    }


async def test_jobs_under_way_at_stop_resume_at_the_next_start(tmp_path: Path) -> None:
    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    options = watch_options(folder, out)
    with running_sim(tmp_path, task_seconds=1.5) as sim:
        async with watching(sim, options) as (_, seen):
            put_image(folder / "a.png", 1)
            await wait_until(lambda: sim.stats.creates == 1, "a's task to be created")
        assert not seen.finished  # stopped while KIE was still working on it
        assert ledger_rows(folder)["a.png"][0] == "queued"
        async with watching(sim, options) as (_, seen):
            await wait_until(lambda: len(seen.done()) == 1, "a to be done after the restart")
        assert created_once(sim) == {sha256(distinct_image(1)): 1}
    assert outputs(out) == ["a_crisp.png"]
    assert ledger_rows(folder)["a.png"][0] == "done"


async def test_the_first_start_leaves_what_is_there(tmp_path: Path) -> None:
    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    put_image(folder / "old.png", 1)
    with running_sim(tmp_path) as sim:
        async with watching(sim, watch_options(folder, out)) as (_, seen):
            put_image(folder / "new.png", 2)
            await wait_until(lambda: len(seen.done()) == 1, "new.png")
            await asyncio.sleep(SETTLE_S * 2)
        assert created_once(sim) == {sha256(distinct_image(2)): 1}
        async with watching(sim, watch_options(folder, out)) as (_, seen):  # a restart keeps leaving it
            await asyncio.sleep(SETTLE_S * 3)
            assert not seen.finished
    assert ledger_rows(folder)["old.png"] == ("ignored", "existing")
    assert outputs(out) == ["new_crisp.png"]


async def test_include_existing_processes_what_is_there(tmp_path: Path) -> None:
    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    put_image(folder / "old1.png", 1)
    put_image(folder / "old2.png", 2)
    with running_sim(tmp_path) as sim:
        async with watching(sim, watch_options(folder, out, include_existing=True)) as (_, seen):
            await wait_until(lambda: len(seen.done()) == 2, "the existing files")
        assert len(created_once(sim)) == 2
    assert outputs(out) == ["old1_crisp.png", "old2_crisp.png"]


async def test_include_existing_later_takes_the_files_a_first_start_left(tmp_path: Path) -> None:
    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    put_image(folder / "old.png", 1)
    with running_sim(tmp_path) as sim:
        async with watching(sim, watch_options(folder, out)):
            pass
        async with watching(sim, watch_options(folder, out, include_existing=True)) as (_, seen):
            await wait_until(lambda: len(seen.done()) == 1, "old.png")
        assert len(created_once(sim)) == 1


async def test_originals_are_moved_only_once_done_and_never_over_a_file(tmp_path: Path) -> None:
    folder, out, done_dir = tmp_path / "in", tmp_path / "out", tmp_path / "processed"
    folder.mkdir()
    done_dir.mkdir()
    (done_dir / "a.png").write_bytes(b"an earlier a.png, to be kept")
    with running_sim(tmp_path) as sim:
        options = watch_options(folder, out, move_processed_dir=done_dir)
        async with engine_for(sim, options) as engine:
            watcher = FolderWatcher(engine, options)
            present: list[tuple[JobState, bool]] = []

            def original_present(job: Job) -> None:
                present.append((job.state, (folder / "a.png").exists()))

            engine.events.job_did_change.connect(original_present)
            moved: list[Path] = []
            watcher.events.file_was_moved.connect(lambda _source, target: moved.append(target))
            await watcher.start()
            put_image(folder / "a.png", 1)
            await wait_until(lambda: bool(moved), "a.png to be moved")
            await watcher.stop()
    assert all(exists for state, exists in present), present  # there at every step, DONE included
    assert JobState.DONE in {state for state, _ in present}
    assert moved == [done_dir.resolve() / "a-1.png"]
    assert (done_dir / "a.png").read_bytes() == b"an earlier a.png, to be kept"
    assert (done_dir / "a-1.png").read_bytes() == distinct_image(1)
    assert not (folder / "a.png").exists()
    assert ledger_rows(folder)["a.png"][0] == "moved"


@pytest.mark.allow_warning_logs
async def test_out_of_credits_keeps_watching_and_goes_on_once_topped_up(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    with running_sim(tmp_path, credits=1.0, cost_per_task=0.5) as sim:  # two images' worth
        options = watch_options(folder, out, resume_check_s=0.3)
        async with watching(sim, options) as (watcher, seen):
            for n in range(4):
                put_image(folder / f"img{n}.png", n)
            await wait_until(lambda: "credits" in seen.pauses, "the credits pause")
            await wait_until(lambda: len(seen.done()) == 2, "the two paid images")
            put_image(folder / "late.png", 9)  # still watched while paused: arrives, held
            await wait_until(lambda: len(seen.arrived) == 5, "late.png to arrive while paused")
            await asyncio.sleep(1.0)  # a few balance checks, still no credits: still held
            assert len(seen.done()) == 2
            assert watcher.engine.paused is not None
            sim.config.credits = 100.0
            await wait_until(lambda: len(seen.done()) == 5, "the held files after the top-up")
        assert len(created_once(sim)) == 5
    warnings = [
        r.getMessage() for r in caplog.records if r.name == "upscaler.watch" and r.levelname == "WARNING"
    ]
    assert len(warnings) == 1 and "Out of credits" in warnings[0], warnings
    assert "Still watching" in warnings[0]


async def test_a_file_replaced_while_its_job_runs_is_a_new_arrival_and_is_not_moved_early(
    tmp_path: Path,
) -> None:
    folder, out, done_dir = tmp_path / "in", tmp_path / "out", tmp_path / "processed"
    folder.mkdir()
    with running_sim(tmp_path, task_seconds=1.0) as sim:
        options = watch_options(folder, out, move_processed_dir=done_dir)
        async with watching(sim, options) as (_, seen):
            put_image(folder / "a.png", 1)
            await wait_until(lambda: sim.stats.creates == 1, "the first version's task")
            put_image(folder / "a.png", 2)  # new bytes while KIE works on the old ones
            await wait_until(lambda: bool(seen.moved), "the second version to be moved")
            await asyncio.sleep(SETTLE_S)
        assert created_once(sim) == {sha256(distinct_image(1)): 1, sha256(distinct_image(2)): 1}
    assert [p.name for p in done_dir.iterdir()] == ["a.png"]
    assert (done_dir / "a.png").read_bytes() == distinct_image(2)
    assert len(outputs(out)) == 2


@pytest.mark.allow_warning_logs
async def test_a_refused_key_holds_the_files_until_kie_accepts_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    with running_sim(tmp_path, api_key="another-key") as sim:  # our key is refused
        async with watching(sim, watch_options(folder, out, resume_check_s=0.3)) as (watcher, seen):
            put_image(folder / "a.png", 1)
            await wait_until(lambda: "key" in seen.pauses, "the key pause")
            put_image(folder / "b.png", 2)
            await wait_until(lambda: len(seen.arrived) == 2, "b.png to arrive while paused")
            await asyncio.sleep(0.8)
            assert watcher.engine.paused is not None and not seen.finished
            sim.config.api_key = KEY  # the account fixed on KIE's side: the same key works again
            await wait_until(lambda: len(seen.done()) == 2, "both files once the key works")
        assert len(created_once(sim)) == 2
    warnings = [
        r.getMessage() for r in caplog.records if r.name == "upscaler.watch" and r.levelname == "WARNING"
    ]
    assert len(warnings) == 1 and "refused the API key" in warnings[0], warnings
