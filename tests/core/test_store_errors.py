"""A job store that cannot be used says so in one sentence (what, where, what to do), with exit code 6,
and a taskId KIE made that the store could not record is said, never lost."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.core.cli_helpers import KEY, run_upscale
from tests.core.engine_helpers import engine_on, images, items, options_for, running_sim, settle
from tests.imagefactory import write_image
from upscaler_gui.core import store as store_module
from upscaler_gui.core.errors import StoreError, TaskNotRecordedError
from upscaler_gui.core.jobs import Job, JobState, OutputOptions
from upscaler_gui.core.store import JobStore
from upscaler_gui.sim import SimConfig, SimServer

EXIT_STORE = 6


def _no_traceback(stderr: str) -> None:
    assert "Traceback" not in stderr and "sqlite3." not in stderr, stderr


def test_a_damaged_store_is_named_with_what_to_do(tmp_path: Path) -> None:
    write_image(tmp_path / "a.png")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "jobs.sqlite3").write_bytes(b"this is no database " * 400)
    with SimServer(SimConfig(api_key=KEY)) as sim:
        batch = run_upscale(sim.base_url, "a.png", "--out", "out", cwd=tmp_path)
        assert sim.stats.creates == 0 and sim.stats.uploads == 0
    assert batch.returncode == EXIT_STORE, batch.explain()
    assert "jobs.sqlite3 is damaged" in batch.stderr and "Move the file aside" in batch.stderr
    _no_traceback(batch.stderr)


def test_a_data_folder_that_cannot_be_made_is_named(tmp_path: Path) -> None:
    write_image(tmp_path / "a.png")
    (tmp_path / "blocked").write_text("a file where the data folder's parent should be")
    with SimServer(SimConfig(api_key=KEY)) as sim:
        batch = run_upscale(sim.base_url, "a.png", "--out", "out", cwd=tmp_path, data_dir="blocked/data")
    assert batch.returncode == EXIT_STORE, batch.explain()
    assert "The data folder" in batch.stderr and "blocked/data cannot be created" in batch.stderr
    assert "--data-dir" in batch.stderr
    _no_traceback(batch.stderr)


def test_a_store_locked_by_another_program_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_S", 0.2)
    path = tmp_path / "jobs.db"
    store = JobStore(path)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # a database browser holding a write
    try:
        with pytest.raises(StoreError, match="locked by another program") as caught:
            store.add(Job(0, "file", "a.png", "sha256:a", OutputOptions(str(tmp_path))))
        assert str(path) in caught.value.message and "Close other programs" in caught.value.hint
    finally:
        other.execute("ROLLBACK")
        other.close()
        store.close()


def test_a_full_disk_says_so_and_keeps_what_was_written(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "jobs.db")
    kept = store.add(Job(0, "file", "a.png", "sha256:a", OutputOptions(str(tmp_path))))
    pages = store._db.execute("PRAGMA page_count").fetchone()[0]
    store._db.execute(f"PRAGMA max_page_count={pages}")  # the disk is full from now on
    big = [Job(0, "file", "x" * 4000, f"sha256:{i}", OutputOptions(str(tmp_path))) for i in range(50)]
    with pytest.raises(StoreError, match="is full") as caught:
        store.add_many(big)
    assert "Free some space" in caught.value.hint
    assert store.all() == [kept]
    store.close()


@pytest.mark.allow_warning_logs  # the lost taskId is logged as an error on purpose
async def test_a_task_id_the_store_could_not_record_is_said_and_never_created_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (source,) = images(tmp_path / "in", 1)
    store_path = tmp_path / "jobs.db"
    real_save = JobStore.save

    def save_fails_for_the_task_id(self: JobStore, job: Job, *, durable: bool = False) -> Job:
        if job.task_id and durable:
            raise store_module.store_error(sqlite3.OperationalError("database or disk is full"), self.path)
        return real_save(self, job, durable=durable)

    failures: list[tuple[Job, StoreError]] = []
    with running_sim(tmp_path) as sim:
        monkeypatch.setattr(JobStore, "save", save_fails_for_the_task_id)
        async with engine_on(sim, store_path) as engine:
            engine.events.store_did_fail.connect(lambda job, exc: failures.append((job, exc)))
            await engine.add(items(source), options_for(tmp_path / "out"))
            await settle(engine)  # ends: the queue is stopped, nothing hangs
            assert engine.paused is not None and engine.paused.kind == "store"
        (job, exc), *_ = failures
        assert isinstance(exc, TaskNotRecordedError) and exc.task_id and exc.task_id in exc.message
        assert "img0.png" in exc.message and "is full" in exc.message and "kie.ai" in exc.hint
        assert job.task_id == exc.task_id  # shown with the job (the row, --json)
        monkeypatch.setattr(JobStore, "save", real_save)  # space freed
        async with engine_on(sim, store_path, resume=True) as engine:
            (after,) = await settle(engine)
        assert after.state == JobState.UNKNOWN  # KIE made it; the store never knew its id
        assert sim.stats.creates == 1
