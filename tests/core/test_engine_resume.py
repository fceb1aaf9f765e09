"""Stopping and starting again: a task on KIE is polled, never created again; a cut create is `unknown`."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from pathlib import Path

import pytest

from tests.core.engine_helpers import (
    EventLog,
    assert_all_created_once,
    engine_on,
    images,
    items,
    options_for,
    run_batch,
    running_sim,
    settle,
    temp_files,
    wait_for,
)
from upscaler_gui.core.engine.intake import draft_job
from upscaler_gui.core.engine.runner import UNKNOWN_AFTER_RESTART
from upscaler_gui.core.jobs import Job, JobState
from upscaler_gui.core.store import JobStore
from upscaler_gui.sim import Faults


def stored(store_path: Path) -> list[Job]:
    store = JobStore(store_path)
    try:
        return store.all()
    finally:
        store.close()


async def test_jobs_stopped_while_polling_finish_after_a_restart_without_new_creates(tmp_path: Path) -> None:
    files = images(tmp_path / "in", 4)
    store_path = tmp_path / "jobs.db"
    out = tmp_path / "out"
    with running_sim(tmp_path, task_seconds=0.6) as sim:
        async with engine_on(sim, store_path, learned_s=0.6) as engine:
            await engine.add(items(*files), options_for(out))
            await wait_for(lambda: all(job.state == JobState.POLLING for job in engine.jobs()), "all polling")
        # Closed: every job is still on disk, with its taskId, waiting for the next start.
        before = stored(store_path)
        assert [job.state for job in before] == [JobState.POLLING] * 4
        assert all(job.task_id for job in before)
        assert sim.stats.creates == 4
        assert temp_files(out) == []

        log = EventLog()
        async with engine_on(sim, store_path, resume=True, events=log.events) as engine:
            resumed = engine.jobs()  # taken up at start
            assert sorted(job.id for job in resumed) == sorted(job.id for job in before)
            jobs = await settle(engine)
        assert [job.state for job in jobs] == [JobState.DONE] * 4
        assert [job.task_id for job in jobs] == [job.task_id for job in before]
        assert sim.stats.creates == 4  # polled, not created again
        assert all(job.creates == 1 for job in jobs)
        assert_all_created_once(sim)
        assert len(log.drains) == 1
        assert sorted(p.name for p in out.iterdir()) == [f"img{i}_crisp.png" for i in range(4)]


@pytest.mark.integration  # a long run against the sim
async def test_jobs_stopped_at_any_stage_finish_after_a_restart_created_once_each(tmp_path: Path) -> None:
    files = images(tmp_path / "in", 6)
    store_path = tmp_path / "jobs.db"
    slow = Faults(rate_slow=1.0, slow_s=0.2, endpoints={"upload_stream", "result"})
    with running_sim(tmp_path, faults=slow) as sim:
        for stop_after in (0.1, 0.3, 0.5):  # stopped three times, at different moments
            async with engine_on(sim, store_path, resume=True) as engine:
                if not engine.jobs():
                    await engine.add(items(*files), options_for(tmp_path / "out"))
                await asyncio.sleep(stop_after)  # then stopped, wherever each job is
        async with engine_on(sim, store_path, resume=True) as engine:
            jobs = await settle(engine)
        assert [job.state for job in stored(store_path)] == [JobState.DONE] * 6
        assert len(jobs) <= 6
        assert sim.stats.creates == 6
        assert_all_created_once(sim)
        assert temp_files(tmp_path / "out") == []


async def test_a_create_cut_by_a_kill_becomes_unknown_and_is_not_sent_again(tmp_path: Path) -> None:
    (a,) = images(tmp_path / "in", 1)
    store_path = tmp_path / "jobs.db"
    # What a kill -9 during the create leaves on disk: "a create is under way", and no taskId.
    store = JobStore(store_path)
    (draft,) = [draft_job(item, options_for(tmp_path / "out"), "cli") for item in items(a)]
    cut = store.add(
        replace(
            draft,
            state=JobState.SUBMITTING,
            upload_url="http://127.0.0.1:9/files/a.png",
            submit_started_at=time.time() - 5,
            creates=1,
            started_at=time.time() - 6,
        )
    )
    store.close()
    with running_sim(tmp_path) as sim:
        async with engine_on(sim, store_path, resume=True) as engine:
            (job,) = await settle(engine)
        assert job.id == cut.id
        assert job.state == JobState.UNKNOWN
        assert job.error == UNKNOWN_AFTER_RESTART
        assert "may have created and billed" in (job.error or "")
        assert job.creates == 1 and job.task_id is None and job.finished_at is not None
        assert sim.stats.creates == 0
        # Running the same input again does not create it either, unless the user asks.
        async with engine_on(sim, store_path) as engine:
            admissions, _ = await run_batch(engine, [a], tmp_path / "out")
        assert admissions[0].decision == "ended_before"
        assert sim.stats.creates == 0


async def test_the_same_command_again_resumes_a_cut_create_as_unknown(tmp_path: Path) -> None:
    (a,) = images(tmp_path / "in", 1)
    store_path = tmp_path / "jobs.db"
    store = JobStore(store_path)
    (draft,) = [draft_job(item, options_for(tmp_path / "out"), "cli") for item in items(a)]
    store.add(replace(draft, state=JobState.SUBMITTING, submit_started_at=time.time(), creates=1))
    store.close()
    with running_sim(tmp_path) as sim:
        async with engine_on(sim, store_path) as engine:  # no resume: the CLI adds its inputs again
            admissions, jobs = await run_batch(engine, [a], tmp_path / "out")
        assert admissions[0].decision == "resumed"
        assert [job.state for job in jobs] == [JobState.UNKNOWN]
        assert sim.stats.creates == 0


async def test_resume_takes_only_this_owners_jobs(tmp_path: Path) -> None:
    a, b = images(tmp_path / "in", 2)
    store_path = tmp_path / "jobs.db"
    store = JobStore(store_path)
    drafts = [
        draft_job(item, options_for(tmp_path / "out"), owner)
        for item, owner in zip(items(a, b), ("cli", "gui"), strict=True)
    ]
    mine, theirs = (store.add(d) for d in drafts)
    store.close()
    with running_sim(tmp_path) as sim:
        async with engine_on(sim, store_path, resume=True) as engine:
            jobs = await settle(engine)
        assert [job.id for job in jobs] == [mine.id]
        assert jobs[0].state == JobState.DONE
        assert {job.id: job.state for job in stored(store_path)}[theirs.id] == JobState.QUEUED
        assert sim.stats.creates == 1


async def test_a_restart_removes_half_written_downloads(tmp_path: Path) -> None:
    (a,) = images(tmp_path / "in", 1)
    out = tmp_path / "out"
    out.mkdir()
    stale = out / ".crisp-0123456789abcdef.part"
    stale.write_bytes(b"half a result")
    store_path = tmp_path / "jobs.db"
    store = JobStore(store_path)
    (draft,) = [draft_job(item, options_for(out), "cli") for item in items(a)]
    store.add(draft)
    store.close()
    with running_sim(tmp_path) as sim:
        async with engine_on(sim, store_path, resume=True) as engine:
            (job,) = await settle(engine)
    assert job.state == JobState.DONE
    assert not stale.exists()
    assert [p.name for p in out.iterdir()] == ["img0_crisp.png"]


async def test_a_second_engine_on_the_same_store_leaves_running_jobs_alone(tmp_path: Path) -> None:
    files = images(tmp_path / "in", 2)
    store_path = tmp_path / "jobs.db"
    with running_sim(tmp_path, task_seconds=0.6) as sim:
        async with engine_on(sim, store_path, learned_s=0.6) as first:
            await first.add(items(*files), options_for(tmp_path / "out"))
            async with engine_on(sim, store_path, resume=True) as second:
                assert second.jobs() == []  # claimed by the first, which is alive
                admissions = await second.add(items(*files), options_for(tmp_path / "out"))
                assert [adm.decision for adm in admissions] == ["busy", "busy"]
            jobs = await settle(first)
        assert [job.state for job in jobs] == [JobState.DONE] * 2
        assert sim.stats.creates == 2


async def test_jobs_paused_on_kie_resume_after_a_restart_as_polling_not_queued(tmp_path: Path) -> None:
    files = images(tmp_path / "in", 2)
    store_path = tmp_path / "jobs.db"
    with running_sim(tmp_path, task_seconds=0.4) as sim:
        async with engine_on(sim, store_path, learned_s=0.4) as engine:
            await engine.add(items(*files), options_for(tmp_path / "out"))
            await wait_for(lambda: sim.stats.creates == 2, "both created")
            sim.config.api_key = "revoked"
            await settle(engine)
            assert engine.paused is not None and engine.paused.kind == "key"
        before = stored(store_path)
        assert [job.state for job in before] == [JobState.PAUSED] * 2
        assert all(job.task_id for job in before)
        sim.config.api_key = "sim-key"  # fixed, and the app started again
        log = EventLog()
        async with engine_on(sim, store_path, resume=True, events=log.events) as engine:
            jobs = await settle(engine)
        assert [job.state for job in jobs] == [JobState.DONE] * 2
        for job in jobs:
            # On KIE the whole time: shown as such, never as waiting to be sent.
            assert log.states(job.id) == [JobState.POLLING, JobState.DOWNLOADING, JobState.DONE]
        assert sim.stats.creates == 2
        assert_all_created_once(sim)


async def test_an_upload_too_old_to_trust_is_made_again_before_the_create(tmp_path: Path) -> None:
    (a,) = images(tmp_path / "in", 1)
    store_path = tmp_path / "jobs.db"
    with running_sim(tmp_path) as sim:
        # Uploaded, then waiting to be sent (a pause for credits, say) while the app was closed a day.
        one_day = 24 * 3600
        store = JobStore(store_path)
        (draft,) = [draft_job(item, options_for(tmp_path / "out"), "cli") for item in items(a)]
        store.add(
            replace(
                draft,
                state=JobState.SUBMITTING,
                upload_url=f"{sim.base_url}/files/crisp-upscaler/deleted-by-now/img0.png",
                uploaded_at=time.time() - one_day,
            )
        )
        store.remember_upload(
            draft.content_hash or "", sim.base_url, "http://gone.example/x.png", time.time() - one_day
        )
        store.close()
        async with engine_on(sim, store_path, resume=True) as engine:
            (job,) = await settle(engine)
        assert job.state == JobState.DONE, job.error
        assert sim.stats.uploads == 1  # uploaded again: KIE deletes uploads after 24 h
        assert job.upload_url is not None and "deleted-by-now" not in job.upload_url
        assert sim.stats.creates == 1


async def test_a_result_saved_just_before_a_kill_is_not_saved_twice(tmp_path: Path) -> None:
    files = images(tmp_path / "in", 2)
    store_path = tmp_path / "jobs.db"
    out = tmp_path / "out"
    with running_sim(tmp_path) as sim:
        async with engine_on(sim, store_path) as engine:
            _, done = await run_batch(engine, list(files), out)
        # What a kill between giving the result its name and recording "done" leaves on disk.
        store = JobStore(store_path)
        for job in done:
            store.save(replace(job, state=JobState.DOWNLOADING, output_path=None, finished_at=None))
        store.close()
        async with engine_on(sim, store_path) as engine:  # the same command again
            admissions, jobs = await run_batch(engine, list(files), out)
        assert [adm.decision for adm in admissions] == ["resumed", "resumed"]
        assert [job.state for job in jobs] == [JobState.DONE] * 2
        assert [job.output_path for job in jobs] == [job.output_path for job in done]
        assert sim.stats.creates == 2
    assert sorted(p.name for p in out.iterdir()) == ["img0_crisp.png", "img1_crisp.png"]


async def test_the_same_command_again_removes_a_killed_runs_half_written_download(tmp_path: Path) -> None:
    (a,) = images(tmp_path / "in", 1)
    store_path = tmp_path / "jobs.db"
    out = tmp_path / "out"
    with running_sim(tmp_path, task_seconds=0.4) as sim:
        async with engine_on(sim, store_path, learned_s=0.4) as engine:
            await engine.add(items(a), options_for(out))
            await wait_for(lambda: engine.jobs()[0].state == JobState.POLLING, "polling")
        out.mkdir(exist_ok=True)
        (out / ".crisp-0123456789abcdef.part").write_bytes(b"half of a result")  # the killed download
        async with engine_on(sim, store_path) as engine:  # no resume flag: the CLI adds its inputs again
            admissions, jobs = await run_batch(engine, [a], out)
        assert admissions[0].decision == "resumed"
        assert jobs[0].state == JobState.DONE
        assert sim.stats.creates == 1
    assert temp_files(out) == []
    assert [p.name for p in out.iterdir()] == ["img0_crisp.png"]
