"""Hostile servers against the engine, on the sim's real socket: every wait and every byte is bounded.

A result too large, too slow or not an image fails its job after a bounded number of tries, keeping
the paid task and its link; a task that never ends is reported (and polled on), one in an undocumented
state fails after a while; a record for another image is never a "done"; a Retry-After of a day parks
nothing for a day. None of them ever creates a task again.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from pathlib import Path

import pytest

from tests.core.engine_helpers import (
    engine_on,
    fast_rounds,
    images,
    items,
    options_for,
    running_sim,
    settle,
    temp_files,
    wait_for,
)
from upscaler_gui.core import constants
from upscaler_gui.core.engine import policy as engine_policy
from upscaler_gui.core.engine.intake import restart
from upscaler_gui.core.jobs import Job, JobState
from upscaler_gui.core.store import JobStore
from upscaler_gui.sim import Faults, SimServer

ROUNDS = engine_policy.STAGE_ROUNDS + 1  # tries of a result that cannot be used


def assert_failed_keeping_the_paid_task(job: Job, sim: SimServer, *words: str) -> None:
    """Failed with a sentence that says why; the task and its result link kept; created once."""
    assert job.state == JobState.FAILED, (job.state, job.error)
    assert job.error and all(word in job.error for word in words), job.error
    assert job.task_id and job.creates == 1
    assert sim.wait_idle(10)
    assert sim.stats.creates == 1


def outputs(folder: Path) -> list[Path]:
    return sorted(folder.iterdir()) if folder.exists() else []


# --- results: size, time, content --------------------------------------------------------------------------


async def test_a_result_over_200_mb_fails_at_once_without_reading_it(tmp_path: Path) -> None:
    (source,) = images(tmp_path / "in", 1)
    out = tmp_path / "out"
    # 300 MB, announced by its Content-Length: refused before a byte of it is read
    with running_sim(tmp_path, faults=Faults(result_body="huge")) as sim:
        async with engine_on(sim, tmp_path / "jobs.db") as engine:
            await engine.add(items(source), options_for(out))
            (job,) = await settle(engine)
        assert_failed_keeping_the_paid_task(job, sim, "too large", "200 MB")
        assert job.result_url  # a later retry downloads it again: no new task
        assert sim.stats.faults_served["result_huge"] == 1  # the same file would be as large again
    assert outputs(out) == []  # nothing half-written, nothing under a final name


@pytest.mark.integration  # a long run against the sim
async def test_a_trickling_result_fails_after_a_bounded_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast_rounds(monkeypatch)
    monkeypatch.setattr(constants, "TRANSFER_MIN_S", 0.4)  # 60 s in the app
    (source,) = images(tmp_path / "in", 1)
    out = tmp_path / "out"
    # one byte every 0.1 s: every read gets data long before the 10 s read timeout
    with running_sim(tmp_path, faults=Faults(result_body="trickle", trickle_s=0.1)) as sim:
        async with engine_on(sim, tmp_path / "jobs.db") as engine:
            await engine.add(items(source), options_for(out))
            (job,) = await settle(engine)  # before this fix: never settled
        assert_failed_keeping_the_paid_task(job, sim, "too long to download")
        assert job.result_url
        assert sim.stats.faults_served["result_trickle"] == ROUNDS
    assert temp_files(out) == [] and outputs(out) == []


@pytest.mark.parametrize("body", ["not_image", "truncated"])
async def test_a_result_that_is_not_an_image_fails_after_a_few_tries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str
) -> None:
    fast_rounds(monkeypatch)
    (source,) = images(tmp_path / "in", 1)
    out = tmp_path / "out"
    with running_sim(tmp_path, faults=Faults(result_body=body)) as sim:
        async with engine_on(sim, tmp_path / "jobs.db") as engine:
            await engine.add(items(source), options_for(out))
            (job,) = await settle(engine)  # before this fix: retried forever
        assert_failed_keeping_the_paid_task(job, sim, "not a complete image", "no new task")
        assert job.result_url and job.result_url.startswith(sim.base_url)
        assert sim.stats.faults_served[f"result_{body}"] == ROUNDS
        assert sim.stats.downloads == ROUNDS
    assert temp_files(out) == [] and outputs(out) == []


# --- tasks that never end, or end in a state nobody documented --------------------------------------------


@pytest.mark.integration  # a long run against the sim
@pytest.mark.allow_warning_logs
async def test_a_task_stuck_running_is_reported_and_polled_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(constants, "POLL_STUCK_AFTER_S", 0.3)  # 15 minutes in the app
    (source,) = images(tmp_path / "in", 1)
    out = tmp_path / "out"
    with running_sim(tmp_path, faults=Faults(stuck_state="generating")) as sim:
        async with engine_on(sim, tmp_path / "jobs.db") as engine:
            (admission,) = await engine.add(items(source), options_for(out))

            def note() -> str:
                job = engine.job(admission.job.id)
                return (job.error or "") if job else ""

            await wait_for(lambda: "working on this image" in note(), "the stuck note")
            job = engine.job(admission.job.id)
            assert job is not None and job.state == JobState.POLLING
            assert job.task_id and job.task_id in note() and "kie.ai" in note()
            polls = sim.stats.record_calls
            await wait_for(lambda: sim.stats.record_calls > polls, "another poll")  # it keeps asking
            sim.config.faults.stuck_state = None  # KIE finishes it after all
            (job,) = await settle(engine)
        assert job.state == JobState.DONE and job.error is None, job
        assert sim.stats.creates == 1
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and job.task_id in warnings[0]  # said once, not at every poll


@pytest.mark.integration  # a long run against the sim
@pytest.mark.allow_warning_logs
async def test_a_state_kie_never_documented_fails_the_job_after_a_while(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(constants, "POLL_UNKNOWN_STATE_S", 0.5)  # 5 minutes in the app
    monkeypatch.setattr(constants, "POLL_UNKNOWN_STATE_ANSWERS", 3)
    (source,) = images(tmp_path / "in", 1)
    out = tmp_path / "out"
    with running_sim(tmp_path, faults=Faults(stuck_state="exploded")) as sim:
        async with engine_on(sim, tmp_path / "jobs.db") as engine:
            started = time.monotonic()
            await engine.add(items(source), options_for(out))
            (job,) = await settle(engine)  # before this fix: "still running" (malformed) forever
        assert_failed_keeping_the_paid_task(job, sim, "'exploded'", "does not document", job.task_id or "?")
        assert "billed" in job.error  # type: ignore[operator]
        assert time.monotonic() - started >= 0.5
        assert sim.stats.record_calls >= 3
    assert outputs(out) == []


# --- a record for another image ----------------------------------------------------------------------------


async def test_a_record_naming_another_image_is_an_error_never_done(tmp_path: Path) -> None:
    (source,) = images(tmp_path / "in", 1)
    out = tmp_path / "out"
    with running_sim(tmp_path, faults=Faults(param_mismatch=True)) as sim:
        async with engine_on(sim, tmp_path / "jobs.db") as engine:
            await engine.add(items(source), options_for(out))
            (job,) = await settle(engine)
        assert_failed_keeping_the_paid_task(job, sim, "another image", job.task_id or "?")
        assert job.result_url is None and sim.stats.downloads == 0  # never taken as this job's result
        assert sim.stats.record_calls == 1  # an answer, not a fault: not asked again and again
    assert outputs(out) == []


async def test_a_record_naming_our_own_image_is_done(tmp_path: Path) -> None:
    files = images(tmp_path / "in", 2)
    with running_sim(tmp_path) as sim:  # the sim echoes each create's body in `param`, as KIE does
        async with engine_on(sim, tmp_path / "jobs.db") as engine:
            await engine.add(items(*files), options_for(tmp_path / "out"))
            jobs = await settle(engine)
    assert [job.state for job in jobs] == [JobState.DONE, JobState.DONE]


# --- Retry-After -------------------------------------------------------------------------------------------


@pytest.mark.integration  # a long run against the sim
async def test_a_retry_after_of_a_day_parks_nothing_for_a_day(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast_rounds(monkeypatch)
    monkeypatch.setattr(engine_policy, "RATE_LIMIT_WAIT_CAP_S", 0.2)  # 60 s in the app, as the others
    files = images(tmp_path / "in", 3)
    faults = Faults(rate_429=0.5, retry_after_s=86400, endpoints={"create", "record"})
    with running_sim(tmp_path, faults=faults, seed=3) as sim:
        # The client's and the pacer's caps as lowered for tests (RETRY_AFTER_CAP_S: 60 s in the app)
        async with engine_on(sim, tmp_path / "jobs.db", retry_after_cap=0.2) as engine:
            await engine.add(items(*files), options_for(tmp_path / "out"))
            jobs = await settle(engine)  # before this fix: held for 86400 s
        assert [job.state for job in jobs] == [JobState.DONE] * 3
        assert sim.stats.faults_served["429"] > 0
        assert sim.wait_idle(10)
        assert set(sim.stats.creates_by_image.values()) == {1}


# --- converting a huge result ------------------------------------------------------------------------------


async def test_a_result_too_large_to_convert_keeps_its_format_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(constants, "MAX_DECODED_PIXELS", 5000)  # 64 MP in the app; the result is 96x72
    (source,) = images(tmp_path / "in", 1)
    out = tmp_path / "out"
    with running_sim(tmp_path) as sim:
        async with engine_on(sim, tmp_path / "jobs.db") as engine:
            await engine.add(items(source), options_for(out, output_format="jpeg"))
            (job,) = await settle(engine)
    assert job.state == JobState.DONE
    assert job.output_path and job.output_path.endswith(".png")
    assert any("Kept as PNG" in warning and "JPEG" in warning for warning in job.warnings), job.warnings
    assert [p.suffix for p in outputs(out)] == [".png"]


@pytest.mark.integration  # a long run against the sim
async def test_a_result_host_that_cannot_be_reached_fails_the_job_with_its_result_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast_rounds(monkeypatch)
    (source,) = images(tmp_path / "in", 1)
    store_path = tmp_path / "jobs.db"
    with running_sim(tmp_path) as sim:
        async with engine_on(sim, store_path) as engine:
            await engine.add(items(source), options_for(tmp_path / "out"))
            (done,) = await settle(engine)
        # The stored link now points at a server that is gone (a demo server on another port, say).
        store = JobStore(store_path)
        gone = "http://127.0.0.1:9/results/task_gone.png"
        store.save(replace(restart(done), result_url=gone))
        store.close()
        async with engine_on(sim, store_path, resume=True) as engine:
            (job,) = await settle(engine)
    assert job.state == JobState.FAILED and job.task_id == done.task_id and job.result_url == gone
    assert "Retry downloads it again, without a new task" in (job.error or "")
    assert sim.stats.creates == 1
