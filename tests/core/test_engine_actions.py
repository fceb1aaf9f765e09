"""The user's actions on one job: cancel, retry, remove."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.core.engine_helpers import (
    EventLog,
    engine_on,
    images,
    items,
    options_for,
    run_batch,
    running_sim,
    settle,
    wait_for,
)
from upscaler_gui.core.jobs import JobState
from upscaler_gui.core.store import JobStore
from upscaler_gui.sim import Faults


@pytest.mark.integration  # a long run against the sim
async def test_cancel_of_a_polling_job_says_kie_still_bills_it(tmp_path: Path) -> None:
    a, b = images(tmp_path / "in", 2)
    out = tmp_path / "out"
    with running_sim(tmp_path, task_seconds=0.8) as sim:
        async with engine_on(sim, tmp_path / "jobs.db", learned_s=0.8) as engine:
            (first, second) = [adm.job for adm in await engine.add(items(a, b), options_for(out))]
            await wait_for(lambda: engine.job(first.id).state == JobState.POLLING, "polling")  # type: ignore[union-attr]
            await engine.cancel(first.id)
            cancelled = engine.job(first.id)
            assert cancelled is not None and cancelled.state == JobState.CANCELLED
            assert cancelled.task_id is not None
            assert (
                cancelled.error is not None
                and "bills" in cancelled.error
                and cancelled.task_id in cancelled.error
            )
            jobs = await settle(engine)
        assert {job.id: job.state for job in jobs} == {first.id: JobState.CANCELLED, second.id: JobState.DONE}
        assert sim.stats.creates == 2
    assert [p.name for p in out.iterdir()] == ["img1_crisp.png"]  # nothing saved for the cancelled one
    store = JobStore(tmp_path / "jobs.db")
    assert store.get(first.id) == cancelled  # on disk as shown
    store.close()


async def test_cancel_of_a_queued_job_costs_nothing_and_says_so(tmp_path: Path) -> None:
    a, b = images(tmp_path / "in", 2)
    with running_sim(tmp_path) as sim:
        async with engine_on(sim, tmp_path / "jobs.db") as engine:
            engine.pause()
            first, second = (adm.job for adm in await engine.add(items(a, b), options_for(tmp_path / "out")))
            await settle(engine)  # both wait at the gate
            await engine.cancel(first.id)
            cancelled = engine.job(first.id)
            assert cancelled is not None and cancelled.state == JobState.CANCELLED
            assert cancelled.error is None and cancelled.task_id is None and not cancelled.billed
            engine.resume()
            jobs = await settle(engine)
        assert {job.id: job.state for job in jobs} == {first.id: JobState.CANCELLED, second.id: JobState.DONE}
        assert sim.stats.creates == 1


async def test_cancel_during_a_create_still_records_its_task(tmp_path: Path) -> None:
    (a,) = images(tmp_path / "in", 1)
    slow_create = Faults(rate_slow=1.0, slow_s=0.4, endpoints={"create"})
    with running_sim(tmp_path, faults=slow_create) as sim:
        async with engine_on(sim, tmp_path / "jobs.db") as engine:
            (job,) = (adm.job for adm in await engine.add(items(a), options_for(tmp_path / "out")))
            await wait_for(lambda: sim.stats.creates == 1, "the create reached KIE")
            await engine.cancel(job.id)  # KIE's answer is still on its way
            cancelled = engine.job(job.id)
        assert cancelled is not None and cancelled.state == JobState.CANCELLED
        assert cancelled.task_id is not None  # the answer was waited for and kept
        assert cancelled.task_id in (cancelled.error or "")
        assert sim.stats.creates == 1


async def test_retry_of_a_failed_job_makes_a_new_task(tmp_path: Path) -> None:
    (a,) = images(tmp_path / "in", 1)
    log = EventLog()
    with running_sim(tmp_path, faults=Faults(rate_task_fail=1.0, transient_fail_share=0.0)) as sim:
        async with engine_on(sim, tmp_path / "jobs.db", events=log.events) as engine:
            _, (failed,) = await run_batch(engine, [a], tmp_path / "out")
            assert failed.state == JobState.FAILED
            sim.config.faults.rate_task_fail = 0.0
            retried = await engine.retry(failed.id)
            assert retried is not None and retried.state == JobState.QUEUED
            (job,) = await settle(engine)
        assert job.state == JobState.DONE
        assert job.previous_task_ids == (failed.task_id,)
        assert job.task_id not in (None, failed.task_id)
        assert job.creates == 2 and sim.stats.creates == 2
        assert job.error is None
        assert len(log.drains) == 2  # the batch, then the retry


async def test_retry_of_a_running_job_does_nothing(tmp_path: Path) -> None:
    (a,) = images(tmp_path / "in", 1)
    with running_sim(tmp_path, task_seconds=0.5) as sim:
        async with engine_on(sim, tmp_path / "jobs.db", learned_s=0.5) as engine:
            (job,) = (adm.job for adm in await engine.add(items(a), options_for(tmp_path / "out")))
            await wait_for(lambda: sim.stats.creates == 1, "created")
            await engine.retry(job.id)
            (done,) = await settle(engine)
        assert done.state == JobState.DONE
        assert sim.stats.creates == 1


async def test_remove_forgets_a_job_everywhere(tmp_path: Path) -> None:
    a, b = images(tmp_path / "in", 2)
    log = EventLog()
    with running_sim(tmp_path, task_seconds=0.8) as sim:
        async with engine_on(sim, tmp_path / "jobs.db", events=log.events, learned_s=0.8) as engine:
            first, second = (adm.job for adm in await engine.add(items(a, b), options_for(tmp_path / "out")))
            await wait_for(lambda: sim.stats.creates == 2, "both created")
            await engine.remove(second.id)  # a running one: stopped, then removed
            jobs = await settle(engine)
            assert [job.id for job in jobs] == [first.id]
            await engine.remove(first.id)  # a finished one
            assert engine.jobs() == [] and engine.job(first.id) is None
        assert log.removed == [second.id, first.id]
    store = JobStore(tmp_path / "jobs.db")
    assert store.all() == []
    store.close()


async def test_retry_leaves_a_job_another_run_took_up_alone(tmp_path: Path) -> None:
    (a,) = images(tmp_path / "in", 1)
    store_path = tmp_path / "jobs.db"
    out = tmp_path / "out"
    with running_sim(tmp_path, faults=Faults(rate_task_fail=1.0, transient_fail_share=0.0)) as sim:
        async with engine_on(sim, store_path) as window:
            _, (failed,) = await run_batch(window, [a], out)
            assert failed.state == JobState.FAILED
            sim.config.faults.rate_task_fail = 0.0
            sim.config.task_seconds = 0.5
            async with engine_on(sim, store_path, learned_s=0.5) as cli:  # a CLI run retries it meanwhile
                await cli.add(items(a), options_for(out), retry_failed=True)
                await wait_for(lambda: (cli.job(failed.id) or failed).task_id is not None, "the CLI's task")
                taken = cli.job(failed.id)
                assert taken is not None and taken.task_id not in (None, failed.task_id)
                await window.retry(failed.id)  # the window's retry button, at the same moment
                store = JobStore(store_path)
                on_disk = store.get(failed.id)
                store.close()
                assert on_disk is not None and on_disk.task_id == taken.task_id  # not reset under the CLI
                (done,) = await settle(cli)
            assert done.state == JobState.DONE
            await settle(window)
        assert sim.stats.creates == 2  # the window did not create it a third time


async def test_retry_of_a_job_whose_save_failed_downloads_the_paid_result_again(tmp_path: Path) -> None:
    (a,) = images(tmp_path / "in", 1)
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the output folder's parent should be")
    with running_sim(tmp_path) as sim:
        async with engine_on(sim, tmp_path / "jobs.db") as engine:
            _, (failed,) = await run_batch(engine, [a], blocked / "out")
            assert failed.state == JobState.FAILED and failed.result_url is not None
            blocked.unlink()
            retried = await engine.retry(failed.id)
            assert retried is not None and retried.task_id == failed.task_id
            (job,) = await settle(engine)
        assert job.state == JobState.DONE and job.task_id == failed.task_id
        assert job.creates == 1 and sim.stats.creates == 1
        assert Path(job.output_path or "").is_file()  # noqa: ASYNC240 - a test's own check


async def test_retry_leaves_a_done_job_alone_and_run_again_makes_a_new_task(tmp_path: Path) -> None:
    (a,) = images(tmp_path / "in", 1)
    with running_sim(tmp_path) as sim:
        async with engine_on(sim, tmp_path / "jobs.db") as engine:
            _, (done,) = await run_batch(engine, [a], tmp_path / "out")
            assert await engine.retry(done.id) == done  # Ctrl+A, Ctrl+R over done work: nothing billed
            await settle(engine)
            assert sim.stats.creates == 1
            again = await engine.run_again(done.id)  # the user's own, billed action
            assert again is not None and again.state == JobState.QUEUED and again.task_id is None
            (job,) = await settle(engine)
        assert job.state == JobState.DONE and job.previous_task_ids == (done.task_id,)
        assert sim.stats.creates == 2
        assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["img0_crisp-1.png", "img0_crisp.png"]
