"""Uploads are reused only where they still exist, and a lost upload is uploaded again, once.

KIE documents uploads as deleted after 24 h (some pages still say 3 days), and an upload made on one
upload service (a demo server, a different host) means nothing to another. When KIE says it could
not fetch an image we uploaded, the engine uploads it again and creates once more, by itself, once.
"""

from __future__ import annotations

import time
from pathlib import Path

from tests.core.engine_helpers import engine_on, images, run_batch, running_sim
from upscaler_gui.core.constants import UPLOAD_REUSE_SECONDS
from upscaler_gui.core.jobs import JobState
from upscaler_gui.core.store import JobStore
from upscaler_gui.sim import Faults


async def test_an_upload_is_reused_on_its_own_upload_host_only(tmp_path: Path) -> None:
    (a,) = images(tmp_path / "in", 1)
    store = tmp_path / "jobs.db"
    with running_sim(tmp_path) as first:
        async with engine_on(first, store) as engine:
            await run_batch(engine, [a], tmp_path / "out1")
            await run_batch(engine, [a], tmp_path / "out2")  # same bytes, same host: reused
        assert first.stats.uploads == 1 and first.stats.creates == 2
    with running_sim(tmp_path) as second:  # another upload service (another port)
        async with engine_on(second, store) as engine:
            _, (job,) = await run_batch(engine, [a], tmp_path / "out3")
        assert job.state == JobState.DONE
        assert second.stats.uploads == 1  # its own upload, not a link to a server that is gone


async def test_an_upload_well_into_kies_24_hours_is_not_reused(tmp_path: Path) -> None:
    (a,) = images(tmp_path / "in", 1)
    store_path = tmp_path / "jobs.db"
    with running_sim(tmp_path) as sim:
        async with engine_on(sim, store_path) as engine:
            _, (first,) = await run_batch(engine, [a], tmp_path / "out1")
        store = JobStore(store_path)
        url, _ = store.recent_upload(first.content_hash or "", _host(sim.base_url), 60) or ("", 0)
        store.remember_upload(first.content_hash or "", _host(sim.base_url), url, time.time() - 13 * 3600)
        store.close()
        async with engine_on(sim, store_path) as engine:
            _, (job,) = await run_batch(engine, [a], tmp_path / "out2")
        assert job.state == JobState.DONE
        assert sim.stats.uploads == 2
    assert UPLOAD_REUSE_SECONDS <= 12 * 3600  # well under KIE's 24 h


async def test_an_upload_kie_could_not_fetch_is_uploaded_again_once(tmp_path: Path) -> None:
    (a,) = images(tmp_path / "in", 1)
    with running_sim(tmp_path) as sim:
        async with engine_on(sim, tmp_path / "jobs.db") as engine:
            await run_batch(engine, [a], tmp_path / "out1")
            for upload in (sim.storage_dir / "files").rglob("*.png"):
                upload.unlink()  # deleted by the host before its time
            admissions, _ = await run_batch(engine, [a], tmp_path / "out2")
            job = engine.job(admissions[0].job.id)
        assert job is not None and job.state == JobState.DONE and job.error is None
        assert sim.stats.uploads == 2  # the lost one, uploaded again
        assert sim.stats.creates == 3  # first run; the task that could not fetch; the new one
        assert len(job.previous_task_ids) == 1
        assert Path(job.output_path or "").is_file()  # noqa: ASYNC240 - a test's own check


async def test_an_image_kie_never_can_fetch_fails_after_one_more_try(tmp_path: Path) -> None:
    (a,) = images(tmp_path / "in", 1)
    with running_sim(tmp_path, faults=Faults(rate_fetch_fail=1.0)) as sim:
        async with engine_on(sim, tmp_path / "jobs.db") as engine:
            _, (job,) = await run_batch(engine, [a], tmp_path / "out")
        assert job.state == JobState.FAILED
        assert "could not be fetched" in (job.error or "")
        assert sim.stats.uploads == 2 and sim.stats.creates == 2  # once more, not forever


async def test_a_users_own_link_that_cannot_be_fetched_is_not_retried(tmp_path: Path) -> None:
    with running_sim(tmp_path, faults=Faults(rate_fetch_fail=1.0)) as sim:
        async with engine_on(sim, tmp_path / "jobs.db") as engine:
            _, (job,) = await run_batch(engine, ["http://127.0.0.1:9/photo.png"], tmp_path / "out")
        assert job.state == JobState.FAILED
        assert sim.stats.creates == 1 and sim.stats.uploads == 0


def _host(base_url: str) -> str:
    return base_url.rstrip("/")
