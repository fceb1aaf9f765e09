"""Pauses: a refused key, no credits, a sub-key limit or the user's own pause keep every job and resume."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.core.engine_helpers import (
    KEY,
    EventLog,
    assert_all_created_once,
    engine_on,
    fast_rounds,
    images,
    items,
    options_for,
    running_sim,
    settle,
    wait_for,
)
from upscaler_gui.core.engine import EngineOptions, Limit
from upscaler_gui.core.engine import runner as runner_module
from upscaler_gui.core.engine import stages as stages_module
from upscaler_gui.core.jobs import FINISHED, Job, JobState
from upscaler_gui.sim import Faults


def kept(jobs: list[Job]) -> bool:
    """No job ended: each waits to go on."""
    return all(not job.finished for job in jobs)


async def test_a_refused_key_pauses_and_keeps_every_job(tmp_path: Path) -> None:
    files = images(tmp_path / "in", 4)
    log = EventLog()
    with running_sim(tmp_path, api_key="another-key") as sim:
        options = EngineOptions(concurrency=2)
        async with engine_on(sim, tmp_path / "jobs.db", events=log.events, options=options) as engine:
            await engine.add(items(*files), options_for(tmp_path / "out"))
            jobs = await settle(engine)
            assert engine.paused is not None and engine.paused.kind == "key"
            assert "API key" in engine.paused.message
            assert [p.kind for p in log.pauses] == ["key"]
            assert kept(jobs), [(j.state, j.error) for j in jobs]
            assert sim.stats.creates == 0
            assert log.drains == []  # paused is not drained
            sim.config.api_key = KEY  # the user fixed the key
            engine.resume()
            jobs = await settle(engine)
        assert [job.state for job in jobs] == [JobState.DONE] * 4
        assert log.resumes == 1 and len(log.drains) == 1
        assert_all_created_once(sim)


async def test_a_key_refused_mid_run_pauses_polling_jobs_and_they_resume(tmp_path: Path) -> None:
    files = images(tmp_path / "in", 3)
    with running_sim(tmp_path, task_seconds=0.6) as sim:
        async with engine_on(sim, tmp_path / "jobs.db", learned_s=0.6) as engine:
            await engine.add(items(*files), options_for(tmp_path / "out"))
            await wait_for(lambda: sim.stats.creates == 3, "all created")
            sim.config.api_key = "revoked"
            jobs = await settle(engine)
            assert engine.paused is not None and engine.paused.kind == "key"
            assert kept(jobs) and all(job.task_id for job in jobs)
            paused = [job for job in jobs if job.state == JobState.PAUSED]
            assert paused and all(job.paused_reason for job in paused)
            sim.config.api_key = KEY
            engine.resume()
            jobs = await settle(engine)
        assert [job.state for job in jobs] == [JobState.DONE] * 3
        assert all(job.paused_reason is None for job in jobs)
        assert sim.stats.creates == 3
        assert_all_created_once(sim)


async def test_a_key_refused_while_jobs_wait_for_a_transfer_slot_still_settles(tmp_path: Path) -> None:
    files = images(tmp_path / "in", 3)
    slow_upload = Faults(rate_slow=1.0, slow_s=0.3, endpoints={"upload_stream"})
    with running_sim(tmp_path, faults=slow_upload) as sim:
        options = EngineOptions(concurrency=1)
        async with engine_on(sim, tmp_path / "jobs.db", options=options) as engine:
            await engine.add(items(*files), options_for(tmp_path / "out"))
            await wait_for(lambda: sim.stats.uploads == 1, "the first upload under way")
            sim.config.api_key = "revoked"  # the others wait for the one transfer slot meanwhile
            jobs = await settle(engine)
            assert engine.paused is not None and engine.paused.kind == "key"
            assert kept(jobs)
            sim.config.api_key = KEY
            sim.config.faults.rate_slow = 0.0
            engine.resume()
            jobs = await settle(engine)
        assert [job.state for job in jobs] == [JobState.DONE] * 3
        assert_all_created_once(sim)


@pytest.mark.integration  # a long run against the sim
async def test_a_key_refused_while_jobs_wait_for_an_in_flight_slot_still_settles(tmp_path: Path) -> None:
    files = images(tmp_path / "in", 3)
    with running_sim(tmp_path, task_seconds=0.4) as sim:
        options = EngineOptions(max_tasks_in_flight=1)
        async with engine_on(sim, tmp_path / "jobs.db", options=options, learned_s=0.4) as engine:
            await engine.add(items(*files), options_for(tmp_path / "out"))
            await wait_for(lambda: sim.stats.creates == 1 and sim.stats.uploads == 3, "one task out")
            sim.config.api_key = "revoked"  # the other two wait for the one in-flight slot
            jobs = await settle(engine)
            assert engine.paused is not None and engine.paused.kind == "key"
            assert kept(jobs)
            sim.config.api_key = KEY
            engine.resume()
            jobs = await settle(engine)
        assert [job.state for job in jobs] == [JobState.DONE] * 3
        assert_all_created_once(sim)


@pytest.mark.integration  # a long run against the sim
async def test_the_users_pause_holds_jobs_that_waited_for_an_in_flight_slot(tmp_path: Path) -> None:
    files = images(tmp_path / "in", 3)
    with running_sim(tmp_path, task_seconds=0.4) as sim:
        options = EngineOptions(max_tasks_in_flight=1)
        async with engine_on(sim, tmp_path / "jobs.db", options=options, learned_s=0.4) as engine:
            await engine.add(items(*files), options_for(tmp_path / "out"))
            await wait_for(
                lambda: [job.state for job in engine.jobs()].count(JobState.SUBMITTING) == 2,
                "one task out, two waiting for the one in-flight slot",
            )
            engine.pause()
            jobs = await settle(engine)
            assert sim.stats.creates == 1
            assert [job.state for job in jobs].count(JobState.DONE) == 1
            engine.resume()
            jobs = await settle(engine)
        assert [job.state for job in jobs] == [JobState.DONE] * 3
        assert_all_created_once(sim)


async def test_out_of_credits_pauses_and_nothing_is_created_twice(tmp_path: Path) -> None:
    files = images(tmp_path / "in", 5)
    log = EventLog()
    with running_sim(tmp_path, credits=1.0, cost_per_task=0.5) as sim:
        async with engine_on(sim, tmp_path / "jobs.db", events=log.events) as engine:
            await engine.add(items(*files), options_for(tmp_path / "out"))
            jobs = await settle(engine)
            assert engine.paused is not None and engine.paused.kind == "credits"
            assert "credits" in engine.paused.message.lower()
            done = [job for job in jobs if job.state == JobState.DONE]
            assert len(done) == 2  # what the credits paid for finished during the pause
            assert kept([job for job in jobs if job.state != JobState.DONE])
            assert all(job.creates == 0 for job in jobs if job.state != JobState.DONE)
            sim.config.credits = 100.0  # topped up
            engine.resume()
            jobs = await settle(engine)
        assert [job.state for job in jobs] == [JobState.DONE] * 5
        assert sim.stats.creates == 5
        assert_all_created_once(sim)
        assert [p.kind for p in log.pauses].count("credits") >= 1


async def test_a_sub_key_limit_pauses_until_raised(tmp_path: Path) -> None:
    files = images(tmp_path / "in", 4)
    with running_sim(tmp_path, subkey_limit=1) as sim:
        async with engine_on(sim, tmp_path / "jobs.db") as engine:
            await engine.add(items(*files), options_for(tmp_path / "out"))
            jobs = await settle(engine)
            assert engine.paused is not None and engine.paused.kind == "key_limit"
            assert [job.state for job in jobs].count(JobState.DONE) == 1
            assert not any(job.state in FINISHED - {JobState.DONE} for job in jobs)
            sim.config.subkey_limit = None
            engine.resume()
            jobs = await settle(engine)
        assert [job.state for job in jobs] == [JobState.DONE] * 4
        assert_all_created_once(sim)


@pytest.mark.integration  # a long run against the sim
async def test_the_users_pause_starts_no_new_creates_while_polling_ones_finish(tmp_path: Path) -> None:
    files = images(tmp_path / "in", 6)
    with running_sim(tmp_path, task_seconds=0.5) as sim:
        async with engine_on(sim, tmp_path / "jobs.db", learned_s=0.5) as engine:
            await engine.add(items(*files[:2]), options_for(tmp_path / "out"))
            await wait_for(lambda: sim.stats.creates == 2, "two created")
            engine.pause()
            assert engine.paused is not None and engine.paused.kind == "user"
            await engine.add(items(*files[2:]), options_for(tmp_path / "out"))
            jobs = await settle(engine)
            assert sim.stats.creates == 2  # nothing new was paid for during the pause
            states = [job.state for job in jobs]
            assert states[:2] == [JobState.DONE, JobState.DONE]  # those on KIE finished
            assert kept(jobs[2:])
            engine.resume()
            jobs = await settle(engine)
        assert [job.state for job in jobs] == [JobState.DONE] * 6
        assert_all_created_once(sim)


async def test_a_credit_pause_is_not_replaced_by_the_users_pause(tmp_path: Path) -> None:
    files = images(tmp_path / "in", 2)
    with running_sim(tmp_path, credits=0.0) as sim:
        async with engine_on(sim, tmp_path / "jobs.db") as engine:
            await engine.add(items(*files), options_for(tmp_path / "out"))
            await settle(engine)
            engine.pause()
            assert engine.paused is not None and engine.paused.kind == "credits"
            sim.config.credits = 10.0
            engine.resume()
            jobs = await settle(engine)
        assert [job.state for job in jobs] == [JobState.DONE] * 2


@pytest.mark.integration  # a long run against the sim
async def test_429s_and_the_sims_own_limit_never_fail_a_job(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast_rounds(monkeypatch)
    files = images(tmp_path / "in", 6)
    config = {"create_limit": 2, "create_window_s": 1.0, "record_limit": 10, "record_window_s": 1.0}
    # Injected 429s on the other endpoints; the creates meet the sim's own limit.
    faults = Faults(rate_429=0.15, endpoints={"record", "upload_stream", "result"})
    with running_sim(tmp_path, faults=faults, seed=3, **config) as sim:
        # A pacer allowing far more than the sim does: the sim's 429s must slow it, never fail a job.
        async with engine_on(
            sim, tmp_path / "jobs.db", create_limit=Limit(50, 1.0), record_limit=Limit(50, 1.0)
        ) as engine:
            await engine.add(items(*files), options_for(tmp_path / "out"))
            jobs = await settle(engine)
            assert engine.pacer.windows["create"].rate_limited > 0
        assert [job.state for job in jobs] == [JobState.DONE] * 6, [job.error for job in jobs]
        stats = sim.stats
        assert stats.rate_limited_by_limit > 0 and stats.rate_limited_by_fault > 0
        assert_all_created_once(sim)
        assert all(job.creates == 1 for job in jobs)


async def test_credits_are_reported(tmp_path: Path) -> None:
    log = EventLog()
    seen: list[float] = []
    log.events.credits_did_change.connect(seen.append)
    with running_sim(tmp_path, credits=42.5) as sim:
        async with engine_on(sim, tmp_path / "jobs.db", events=log.events) as engine:
            assert await engine.refresh_credits() == 42.5
            sim.config.api_key = "other"
            assert await engine.refresh_credits() is None  # unavailable, not an exception
    assert seen == [42.5]


@pytest.mark.integration  # a long run against the sim
async def test_after_a_long_pause_uploads_kie_may_have_deleted_are_made_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = images(tmp_path / "in", 3)
    with running_sim(tmp_path, credits=0.0) as sim:
        async with engine_on(sim, tmp_path / "jobs.db") as engine:
            await engine.add(items(*files), options_for(tmp_path / "out"))
            await settle(engine)
            assert engine.paused is not None and engine.paused.kind == "credits"
            assert sim.stats.uploads == 3
            # Days go by while paused (here: the reuse limit is one second, and a second goes by).
            monkeypatch.setattr(runner_module, "UPLOAD_REUSE_SECONDS", 1.0)
            monkeypatch.setattr(stages_module, "UPLOAD_REUSE_SECONDS", 1.0)
            await asyncio.sleep(1.1)
            sim.config.credits = 10.0
            engine.resume()
            jobs = await settle(engine)
        assert [job.state for job in jobs] == [JobState.DONE] * 3
        assert sim.stats.uploads == 6  # each uploaded again rather than sent with a stale link
        assert sim.stats.creates == 3
