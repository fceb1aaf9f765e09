"""The engine's polling against the sim: what the planner learns reaches the tasks that wait for it."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

from tests.core.engine_helpers import (
    engine_on,
    images,
    items,
    options_for,
    run_batch,
    running_sim,
    settle,
    wait_for,
)
from upscaler_gui.core.constants import POLL_FIRST_S, POLL_LESSONS_TO_PLAN, POLL_UNLEARNED_WAIT_S
from upscaler_gui.core.jobs import JobState
from upscaler_gui.core.store import JobStore


async def test_a_first_batch_learns_from_its_first_results_and_polls_about_once_a_job(tmp_path: Path) -> None:
    files = images(tmp_path / "in", 8)
    with running_sim(tmp_path, task_seconds=0.3, task_jitter=0.2) as sim:
        async with engine_on(sim, tmp_path / "jobs.db", learned_s=None) as engine:
            started = time.monotonic()
            _, jobs = await run_batch(engine, files, tmp_path / "out")
            took = time.monotonic() - started
        assert [job.state for job in jobs] == [JobState.DONE] * 8, [job.error for job in jobs]
        # The scouts' first poll comes at KIE's 2 s; the other jobs are woken by what they teach,
        # instead of waiting for their own first poll at 30 s.
        assert took < POLL_FIRST_S + 0.5 * POLL_UNLEARNED_WAIT_S
        assert sim.stats.record_calls <= 1.5 * len(files)


async def test_a_learned_engine_polls_each_task_once_when_it_has_ended(tmp_path: Path) -> None:
    files = images(tmp_path / "in", 6)
    with running_sim(tmp_path, task_seconds=0.3) as sim:
        async with engine_on(sim, tmp_path / "jobs.db", learned_s=0.3) as engine:
            _, jobs = await run_batch(engine, files, tmp_path / "out")
        assert [job.state for job in jobs] == [JobState.DONE] * 6
        # One each (one more at most, for a sim slowed by a busy machine finishing its work late).
        assert len(files) <= sim.stats.record_calls <= len(files) + 1


async def test_a_task_without_a_recorded_create_time_is_still_polled_to_its_end(tmp_path: Path) -> None:
    files = images(tmp_path / "in", 2)
    store_path = tmp_path / "jobs.db"
    with running_sim(tmp_path, task_seconds=0.6) as sim:
        async with engine_on(sim, store_path, learned_s=0.6) as engine:
            await engine.add(items(*files), options_for(tmp_path / "out"))
            await wait_for(lambda: all(job.state == JobState.POLLING for job in engine.jobs()), "all polling")
        store = JobStore(store_path)  # as a store from an older version may hold them
        try:
            for job in store.all():
                store.save(replace(job, task_created_at=None))
        finally:
            store.close()
        async with engine_on(sim, store_path, resume=True, learned_s=0.6) as engine:
            jobs = await settle(engine)
        assert [job.state for job in jobs] == [JobState.DONE] * 2
        assert sim.stats.creates == 2


async def test_a_new_run_on_the_store_plans_from_the_tasks_the_last_run_saw_end(tmp_path: Path) -> None:
    store_path = tmp_path / "jobs.db"
    with running_sim(tmp_path, task_seconds=0.3, task_jitter=0.2) as sim:
        async with engine_on(sim, store_path, learned_s=None) as engine:
            await run_batch(engine, images(tmp_path / "first", POLL_LESSONS_TO_PLAN), tmp_path / "out")
        async with engine_on(sim, store_path, learned_s=None) as engine:  # a CLI run started again
            # No scouts, no wait for KIE's first 2 s: the first polls come where tasks ended before.
            assert engine.planner.learned and not engine.planner.scout("any task")
            assert engine.planner.next_poll_age(None) <= 0.3 * 1.2 + 0.05
            before = sim.stats.record_calls
            files = images(tmp_path / "second", 6, size=(40, 30))  # other images than the first run
            _, jobs = await run_batch(engine, files, tmp_path / "out")
        assert [job.state for job in jobs[-6:]] == [JobState.DONE] * 6
        assert sim.stats.record_calls - before <= 1.5 * len(files)
