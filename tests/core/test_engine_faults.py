"""Faults on every endpoint: no job lost, no image created twice, nothing half-written left behind."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from tests.core.engine_helpers import (
    EventLog,
    assert_all_created_once,
    engine_on,
    fast_rounds,
    images,
    items,
    options_for,
    running_sim,
    settle,
    temp_files,
)
from upscaler_gui.core.jobs import Job, JobState
from upscaler_gui.sim import Faults, SimServer

FAULTS = {
    "5xx": {"rate_5xx": 0.4},
    "455": {"rate_455": 0.4},
    "malformed": {"rate_malformed": 0.4},
    "drop": {"rate_drop": 0.4},
    "slow": {"rate_slow": 0.5, "slow_s": 0.1},
}
ENDPOINTS = ["upload_stream", "create", "record", "result", "download_url"]
# Every fault on every endpoint, except what the sim never serves (a 455 for a result file).
MATRIX = [(f, e) for f in FAULTS for e in ENDPOINTS if (f, e) != ("455", "result")]


def assert_explained(job: Job) -> None:
    """Each job ends done with its file, or failed/unknown with a sentence saying why."""
    if job.state == JobState.DONE:
        with Image.open(job.output_path or "") as image:
            image.load()
        return
    assert job.state in (JobState.FAILED, JobState.UNKNOWN), (job.state, job.error)
    assert job.error and len(job.error) > 20, job


def assert_never_created_twice(sim: SimServer, jobs: list[Job]) -> None:
    assert sim.wait_idle(10)
    assert all(count == 1 for count in sim.stats.creates_by_image.values()), sim.stats.creates_by_image
    assert all(job.creates <= 1 for job in jobs), [job.creates for job in jobs]
    assert sim.stats.creates <= sum(job.creates for job in jobs)


@pytest.mark.integration  # 30 runs against the sim, one per fault and endpoint
@pytest.mark.parametrize(("fault", "endpoint"), MATRIX)
async def test_fault_on_one_endpoint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fault: str, endpoint: str
) -> None:
    fast_rounds(monkeypatch)
    files = images(tmp_path / "in", 3)
    out = tmp_path / "out"
    faults = Faults(endpoints={endpoint}, **FAULTS[fault])  # type: ignore[arg-type]
    if endpoint == "download_url":
        faults.result_link_ttl_s = 0.0  # results expire at once: every download needs a fresh link
    with running_sim(tmp_path, faults=faults, task_seconds=0.1, seed=7) as sim:
        async with engine_on(sim, tmp_path / "jobs.db", learned_s=0.1) as engine:
            await engine.add(items(*files), options_for(out))
            jobs = await settle(engine)
            assert engine.paused is None
        assert len(jobs) == 3
        for job in jobs:
            assert_explained(job)
            if endpoint != "create":  # only a create can end with its outcome unknown
                assert job.state == JobState.DONE, (job.state, job.error)
        assert_never_created_twice(sim, jobs)
        if fault != "slow":
            assert sim.stats.faults_served.get(fault, 0) > 0, sim.stats.faults_served
    assert temp_files(out) == []


async def test_a_dropped_create_is_unknown_and_never_sent_again(tmp_path: Path) -> None:
    files = images(tmp_path / "in", 2)
    with running_sim(tmp_path, faults=Faults(rate_drop=1.0, endpoints={"create"})) as sim:
        async with engine_on(sim, tmp_path / "jobs.db") as engine:
            await engine.add(items(*files), options_for(tmp_path / "out"))
            jobs = await settle(engine)
        assert [job.state for job in jobs] == [JobState.UNKNOWN] * 2
        for job in jobs:
            assert "may exist and be billed" in (job.error or "")
            assert job.creates == 1 and job.task_id is None
        assert sim.stats.creates == 2  # KIE made (and billed) both; neither was sent again
        assert_all_created_once(sim)


async def test_a_timed_out_create_is_unknown_and_never_sent_again(tmp_path: Path) -> None:
    (a,) = images(tmp_path / "in", 1)
    with running_sim(tmp_path, faults=Faults(rate_slow=1.0, slow_s=1.0, endpoints={"create"})) as sim:
        async with engine_on(sim, tmp_path / "jobs.db", read_timeout=0.3) as engine:
            await engine.add(items(a), options_for(tmp_path / "out"))
            (job,) = await settle(engine)
        assert job.state == JobState.UNKNOWN
        assert "did not answer in time" in (job.error or "")
        assert sim.stats.creates == 1


async def test_a_task_kie_fails_transiently_is_tried_once_more_as_a_new_task(tmp_path: Path) -> None:
    (a,) = images(tmp_path / "in", 1)
    log = EventLog()
    with running_sim(tmp_path, faults=Faults(rate_task_fail=1.0, transient_fail_share=1.0)) as sim:
        async with engine_on(sim, tmp_path / "jobs.db", events=log.events) as engine:
            await engine.add(items(a), options_for(tmp_path / "out"))
            (job,) = await settle(engine)
        assert job.state == JobState.FAILED
        assert "internal error, try again later" in (job.error or "")
        assert sim.stats.creates == 2  # one automatic new task, no more
        assert job.creates == 2 and job.auto_retries == 1
        assert len(job.previous_task_ids) == 1 and job.previous_task_ids[0] != job.task_id
        assert job.previous_task_ids[0].startswith("task_")
        notes = [c.error or "" for c in log.changes if c.id == job.id]
        assert any("trying once more as a new task" in note for note in notes)


async def test_a_task_kie_fails_for_good_fails_with_kies_message(tmp_path: Path) -> None:
    (a,) = images(tmp_path / "in", 1)
    with running_sim(tmp_path, faults=Faults(rate_task_fail=1.0, transient_fail_share=0.0)) as sim:
        async with engine_on(sim, tmp_path / "jobs.db") as engine:
            await engine.add(items(a), options_for(tmp_path / "out"))
            (job,) = await settle(engine)
        assert job.state == JobState.FAILED
        assert "The image content could not be processed" in (job.error or "")
        assert job.error_code == 0 or job.error_code >= 400
        assert sim.stats.creates == 1 and job.previous_task_ids == ()


async def test_an_expired_result_link_is_renewed(tmp_path: Path) -> None:
    files = images(tmp_path / "in", 2)
    with running_sim(tmp_path, faults=Faults(result_link_ttl_s=0.0)) as sim:
        async with engine_on(sim, tmp_path / "jobs.db") as engine:
            await engine.add(items(*files), options_for(tmp_path / "out"))
            jobs = await settle(engine)
        assert [job.state for job in jobs] == [JobState.DONE] * 2
        for job in jobs:
            assert "token=" in (job.result_url or "")
            assert job.extra["expired_result_url"] != job.result_url
        assert sim.stats.faults_served["link_expired"] >= 2
        assert_all_created_once(sim)


async def test_a_truncated_download_is_retried(tmp_path: Path) -> None:
    files = images(tmp_path / "in", 3)
    out = tmp_path / "out"
    with running_sim(tmp_path, faults=Faults(rate_truncate=0.6, endpoints={"result"}), seed=1) as sim:
        async with engine_on(sim, tmp_path / "jobs.db") as engine:
            await engine.add(items(*files), options_for(out))
            jobs = await settle(engine)
        assert [job.state for job in jobs] == [JobState.DONE] * 3
        assert sim.stats.faults_served["truncate"] > 0
        assert_all_created_once(sim)
    for job in jobs:
        with Image.open(job.output_path or "") as image:
            image.load()
            assert image.size == (96, 72)
    assert temp_files(out) == []


async def test_everything_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fast_rounds(monkeypatch)
    files = images(tmp_path / "in", 10)
    out = tmp_path / "out"
    # 429s have their own test: each holds the whole queue for a second or two, by design.
    faults = Faults(
        rate_5xx=0.05,
        rate_455=0.05,
        rate_drop=0.05,
        rate_malformed=0.05,
        rate_slow=0.05,
        slow_s=0.2,
        rate_truncate=0.1,
        rate_task_fail=0.2,
        result_link_ttl_s=0.5,
    )
    with running_sim(tmp_path, faults=faults, task_seconds=0.1, task_jitter=0.5, seed=5) as sim:
        async with engine_on(sim, tmp_path / "jobs.db", learned_s=0.1) as engine:
            await engine.add(items(*files), options_for(out))
            jobs = await settle(engine)
            assert engine.paused is None
        assert len(jobs) == 10
        for job in jobs:
            assert_explained(job)
        assert_never_created_twice_or_retried(sim, jobs)
        assert len(sim.stats.faults_served) >= 4, sim.stats.faults_served
    done = [job for job in jobs if job.state == JobState.DONE]
    assert sorted(p.name for p in out.iterdir()) == sorted(Path(job.output_path or "").name for job in done)
    assert temp_files(out) == []


def assert_never_created_twice_or_retried(sim: SimServer, jobs: list[Job]) -> None:
    """Each image is created once, or twice when KIE failed the first task and said to try again."""
    assert sim.wait_idle(10)
    retried = sum(1 for job in jobs if job.auto_retries)
    counts = sorted(sim.stats.creates_by_image.values())
    assert counts.count(2) <= retried and set(counts) <= {1, 2}, counts
    assert all(job.creates <= 1 + job.auto_retries for job in jobs)
