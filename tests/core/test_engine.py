"""The engine against the sim: a batch ends done, once each, with the events a listener relies on."""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from PIL import Image

from tests.core.engine_helpers import (
    KEY,
    PIPELINE,
    TASK_S,
    EventLog,
    assert_all_created_once,
    engine_on,
    images,
    items,
    options_for,
    run_batch,
    running_sim,
    serve_folder,
    settle,
    temp_files,
)
from tests.imagefactory import write_image
from upscaler_gui.core.constants import POLL_LESSONS_TO_PLAN
from upscaler_gui.core.engine import Engine, EngineOptions, Limit, open_engine
from upscaler_gui.core.jobs import JobState
from upscaler_gui.sim import Faults

T = TypeVar("T")


def decoded(path: Path) -> tuple[str, tuple[int, int]]:
    with Image.open(path) as image:
        image.load()
        return image.format or "", image.size


async def test_a_mixed_batch_ends_done_at_twice_the_size_created_once_each(tmp_path: Path) -> None:
    src = tmp_path / "in"
    write_image(src / "a.png", "PNG", (64, 48))
    write_image(src / "b.jpg", "JPEG", (50, 40))
    write_image(src / "c.webp", "WEBP", (40, 40))
    write_image(tmp_path / "web" / "remote.png", "PNG", (36, 36), color=(1, 2, 3))
    out = tmp_path / "out"
    log = EventLog()
    with running_sim(tmp_path) as sim, serve_folder(tmp_path / "web") as web:
        async with open_engine(
            api_key=KEY,
            api_base=sim.base_url,
            upload_base=sim.base_url,
            store_path=tmp_path / "jobs.db",
            options=EngineOptions(concurrency=4),
            events=log.events,
            create_limit=Limit(200, 1.0),
            record_limit=Limit(200, 1.0),
        ) as engine:
            for _ in range(POLL_LESSONS_TO_PLAN):
                engine.planner.learn(TASK_S)
            admissions = await engine.add(items(src, f"{web}/remote.png"), options_for(out))
            jobs = await settle(engine)
        assert [adm.decision for adm in admissions] == ["new"] * 4
        assert [job.state for job in jobs] == [JobState.DONE] * 4, [job.error for job in jobs]
        assert sim.stats.creates == 4
        assert_all_created_once(sim)
        assert len(sim.stats.creates_by_image) == 4
        assert sim.stats.uploads == 3  # the URL went straight to KIE
    assert decoded(out / "a_crisp.png") == ("PNG", (128, 96))
    assert decoded(out / "b_crisp.jpg") == ("JPEG", (100, 80))
    assert decoded(out / "c_crisp.webp") == ("WEBP", (80, 80))
    assert decoded(out / "remote_crisp.png") == ("PNG", (72, 72))
    assert sorted(p.name for p in out.iterdir()) == [
        "a_crisp.png",
        "b_crisp.jpg",
        "c_crisp.webp",
        "remote_crisp.png",
    ]
    by_name = {Path(job.output_path or "").name: job for job in jobs}
    a = by_name["a_crisp.png"]
    assert (a.in_width, a.in_height, a.out_width, a.out_height) == (64, 48, 128, 96)
    assert a.task_id and a.creates == 1 and a.error is None and a.progress == 1.0
    assert a.credits == 0.5 and a.finished_at is not None
    assert temp_files(out) == []


async def test_events_follow_each_job_through_the_pipeline_and_drain_once(tmp_path: Path) -> None:
    files = images(tmp_path / "in", 3)
    write_image(tmp_path / "web" / "w.png")
    out = tmp_path / "out"
    log = EventLog()
    changes_at_drain: list[int] = []
    log.events.queue_did_drain.connect(lambda _summary: changes_at_drain.append(len(log.changes)))
    with running_sim(tmp_path) as sim, serve_folder(tmp_path / "web") as web:
        async with engine_on(sim, tmp_path / "jobs.db", events=log.events) as engine:
            await run_batch(engine, [*files, f"{web}/w.png"], out)
            for job in engine.jobs():
                expected = (
                    PIPELINE if job.kind == "file" else [s for s in PIPELINE if s != JobState.UPLOADING]
                )
                assert log.states(job.id) == expected, job.given
            assert len(log.drains) == 1
            assert log.drains[0].counts[JobState.DONE] == 4
            assert log.drains[0].credits_used == 2.0
            assert changes_at_drain == [len(log.changes)]  # the drain came last
            assert engine.summary().counts[JobState.DONE] == 4
            assert log.pauses == [] and log.removed == []


@pytest.mark.allow_warning_logs
async def test_a_listener_that_raises_does_not_stop_the_batch(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    files = images(tmp_path / "in", 2)
    log = EventLog()

    def broken(_job: object) -> None:
        raise RuntimeError("listener bug")

    log.events.job_did_change.connect(broken)
    with running_sim(tmp_path) as sim:
        async with engine_on(sim, tmp_path / "jobs.db", events=log.events) as engine:
            _, jobs = await run_batch(engine, list(files), tmp_path / "out")
    assert [job.state for job in jobs] == [JobState.DONE, JobState.DONE]
    assert len(log.drains) == 1  # the other listeners still heard everything
    assert any("an engine listener failed" in r.getMessage() for r in caplog.records)


async def test_an_upload_of_the_same_bytes_is_reused_for_60_hours(tmp_path: Path) -> None:
    files = images(tmp_path / "in", 2)
    store_path = tmp_path / "jobs.db"
    with running_sim(tmp_path) as sim:
        async with engine_on(sim, store_path) as engine:
            _, first = await run_batch(engine, list(files), tmp_path / "out1")
        assert sim.stats.uploads == 2
        async with engine_on(sim, store_path) as engine:
            _, second = await run_batch(engine, list(files), tmp_path / "out2")  # new folder: new jobs
        assert [job.state for job in second] == [JobState.DONE, JobState.DONE]
        assert sim.stats.uploads == 2  # not uploaded again
        assert sim.stats.creates == 4
        assert {job.upload_url for job in second} == {job.upload_url for job in first}
        with sqlite3.connect(store_path) as db:  # 61 hours later
            db.execute("UPDATE uploads SET uploaded_at = uploaded_at - ?", (61 * 3600,))
        async with engine_on(sim, store_path) as engine:
            _, third = await run_batch(engine, list(files), tmp_path / "out3")
        assert [job.state for job in third] == [JobState.DONE, JobState.DONE]
        assert sim.stats.uploads == 4


class TransferCounter:
    """Counts uploads and downloads really under way, by wrapping the client's two transfer calls."""

    def __init__(self, engine: Engine) -> None:
        self.now = self.peak = self.total = 0
        client = engine.client
        client.upload_file = self._counted(client.upload_file)  # type: ignore[method-assign]
        client.download_to = self._counted(client.download_to)  # type: ignore[method-assign]

    def _counted(self, call: Callable[..., Awaitable[T]]) -> Callable[..., Awaitable[T]]:
        async def counted(*args: Any, **kwargs: Any) -> T:
            self.now += 1
            self.total += 1
            self.peak = max(self.peak, self.now)
            try:
                return await call(*args, **kwargs)
            finally:
                self.now -= 1

        return counted


async def test_no_more_transfers_at_once_than_the_concurrency(tmp_path: Path) -> None:
    files = images(tmp_path / "in", 4)
    for n in range(4):
        write_image(tmp_path / "web" / f"w{n}.png", color=(n, 50, 50))
    log = EventLog(watch=frozenset({JobState.UPLOADING, JobState.DOWNLOADING}))
    # Slow result downloads, so that results pile up waiting for a transfer slot.
    slow = Faults(rate_slow=1.0, slow_s=0.1, endpoints={"result", "upload_stream"})
    with running_sim(tmp_path, faults=slow) as sim, serve_folder(tmp_path / "web") as web:
        options = EngineOptions(concurrency=2)
        async with engine_on(sim, tmp_path / "jobs.db", events=log.events, options=options) as engine:
            transfers = TransferCounter(engine)
            given = [*files, *(f"{web}/w{n}.png" for n in range(4))]
            _, jobs = await run_batch(engine, given, tmp_path / "out")
    assert [job.state for job in jobs] == [JobState.DONE] * 8
    assert transfers.total == 4 + 8
    assert transfers.peak == 2
    assert log.peak == 2  # what the window shows agrees: never more than 2 "uploading"/"downloading"


async def test_output_template_and_format(tmp_path: Path) -> None:
    (a,) = images(tmp_path / "in", 1, size=(30, 20))
    out = tmp_path / "out"
    with running_sim(tmp_path) as sim:
        async with engine_on(sim, tmp_path / "jobs.db") as engine:
            options = options_for(out, template="{n}-{stem}-{width}x{height}.{ext}", output_format="jpeg")
            await engine.add(items(a), options)
            (job,) = await settle(engine)
    assert job.state == JobState.DONE
    assert Path(job.output_path or "") == out / f"{job.id}-img0-60x40.jpg"
    assert decoded(out / f"{job.id}-img0-60x40.jpg") == ("JPEG", (60, 40))


async def test_on_conflict_rename_skip_overwrite(tmp_path: Path) -> None:
    src = tmp_path / "in"
    out = tmp_path / "out"
    out.mkdir()
    sentinel = b"the user's own file"
    with running_sim(tmp_path) as sim:
        for n, policy in enumerate(("rename", "skip", "overwrite")):
            (a,) = images(src / policy, 1)
            target = out / f"{policy}_crisp.png"
            a = a.rename(a.with_name(f"{policy}.png"))
            target.write_bytes(sentinel)
            async with engine_on(sim, tmp_path / f"jobs{n}.db") as engine:
                await engine.add(items(a), options_for(out, on_conflict=policy))
                (job,) = await settle(engine)
            if policy == "rename":
                assert job.state == JobState.DONE
                assert job.output_path == str(out / "rename_crisp-1.png")
                assert target.read_bytes() == sentinel
                assert decoded(out / "rename_crisp-1.png")[0] == "PNG"
            elif policy == "skip":
                assert job.state == JobState.SKIPPED
                assert job.output_path is None
                assert "rename_crisp.png" not in (job.error or "") and "skip_crisp.png" in (job.error or "")
                assert target.read_bytes() == sentinel
            else:
                assert job.state == JobState.DONE
                assert job.output_path == str(target)
                assert decoded(target) == ("PNG", (96, 72))
    assert temp_files(out) == []
    assert sorted(p.name for p in out.iterdir()) == [
        "overwrite_crisp.png",
        "rename_crisp-1.png",
        "rename_crisp.png",
        "skip_crisp.png",
    ]


@pytest.mark.integration  # a long run against the sim
async def test_all_jobs_share_one_pacer_and_stay_under_the_limits(tmp_path: Path) -> None:
    files = images(tmp_path / "in", 8)
    limits = {"create_limit": 3, "create_window_s": 0.5, "record_limit": 6, "record_window_s": 0.5}
    with running_sim(tmp_path, **limits) as sim:
        # Against KIE's 10 s window the pacer's 5% margin leaves half a second for delays on the way;
        # against a 0.5 s window it would leave 25 ms, which a busy test machine can eat: the pacer
        # gets a slightly longer window than the sim's here.
        async with engine_on(
            sim, tmp_path / "jobs.db", create_limit=Limit(3, 0.6), record_limit=Limit(6, 0.6)
        ) as engine:
            _, jobs = await run_batch(engine, list(files), tmp_path / "out")
        assert [job.state for job in jobs] == [JobState.DONE] * 8
        stats = sim.stats
        assert stats.rate_limited_by_limit == 0  # paced under the limits, never refused
        assert stats.peak_creates_per_window == 3
        assert stats.peak_records_per_window <= 6
        assert_all_created_once(sim)
