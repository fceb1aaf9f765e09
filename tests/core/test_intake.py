"""Intake: one job per distinct input, and what a second run does with the jobs of the first."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest

from tests.core.engine_helpers import (
    assert_all_created_once,
    engine_on,
    fast_rounds,
    images,
    items,
    options_for,
    run_batch,
    running_sim,
    serve_folder,
)
from tests.imagefactory import image_bytes, write_image
from upscaler_gui.core import paths
from upscaler_gui.core.engine.intake import decide, draft_job, fresh_start, restart
from upscaler_gui.core.jobs import Job, JobState, OutputOptions
from upscaler_gui.core.sources import Rejected, Source
from upscaler_gui.core.store import JobStore
from upscaler_gui.sim import Faults

# --- decisions on a job that already exists ------------------------------------------------------------


def existing(tmp_path: Path, state: JobState, **fields: object) -> Job:
    return Job(1, "file", "a.png", "sha256:a", OutputOptions(str(tmp_path)), state=state, **fields)  # type: ignore[arg-type]


def test_done_with_its_output_is_skipped(tmp_path: Path) -> None:
    output = write_image(tmp_path / "a_crisp.png")
    decision, message = decide(
        existing(tmp_path, JobState.DONE, output_path=str(output)), retry_failed=True, retry_unknown=True
    )
    assert (decision, message) == ("skipped", f"already done: {output}")


def test_done_with_its_output_gone_runs_again(tmp_path: Path) -> None:
    job = existing(tmp_path, JobState.DONE, output_path=str(tmp_path / "deleted.png"))
    assert decide(job, retry_failed=False, retry_unknown=False) == ("new", "")


@pytest.mark.parametrize(
    ("state", "flag"), [(JobState.FAILED, "retry_failed"), (JobState.UNKNOWN, "retry_unknown")]
)
def test_failed_and_unknown_end_as_before_unless_asked(tmp_path: Path, state: JobState, flag: str) -> None:
    job = existing(tmp_path, state, error="what happened")
    assert decide(job, retry_failed=False, retry_unknown=False) == ("ended_before", "what happened")
    other = "retry_unknown" if flag == "retry_failed" else "retry_failed"
    assert decide(job, **{other: True, flag: False})[0] == "ended_before"  # type: ignore[arg-type]
    assert decide(job, **{other: False, flag: True}) == ("new", "")  # type: ignore[arg-type]


@pytest.mark.parametrize("state", [JobState.CANCELLED, JobState.SKIPPED])
def test_cancelled_or_skipped_runs_again(tmp_path: Path, state: JobState) -> None:
    assert decide(existing(tmp_path, state), retry_failed=False, retry_unknown=False) == ("new", "")


@pytest.mark.parametrize(
    "state",
    [
        JobState.QUEUED,
        JobState.UPLOADING,
        JobState.SUBMITTING,
        JobState.POLLING,
        JobState.DOWNLOADING,
        JobState.PAUSED,
    ],
)
def test_unfinished_is_resumed(tmp_path: Path, state: JobState) -> None:
    assert decide(existing(tmp_path, state), retry_failed=False, retry_unknown=False) == ("resumed", "")


def test_fresh_start_forgets_the_run_but_keeps_the_record(tmp_path: Path) -> None:
    old = existing(
        tmp_path,
        JobState.FAILED,
        task_id="t2",
        previous_task_ids=("t1",),
        submit_started_at=5.0,
        result_url="https://r",
        output_path="x.png",
        error="bad",
        error_code=501,
        creates=2,
        auto_retries=1,
        upload_url="https://u",
        finished_at=9.0,
    )
    new = fresh_start(old)
    assert new.state == JobState.QUEUED
    assert (new.task_id, new.submit_started_at, new.result_url, new.output_path) == (None, None, None, None)
    assert (new.error, new.error_code, new.auto_retries, new.finished_at) == (None, 0, 0, None)
    assert new.previous_task_ids == ("t1", "t2")
    assert new.creates == 2  # what was paid for stays on record
    assert new.upload_url == "https://u"  # an upload can still be reused


def test_restart_pays_only_for_what_kie_has_not_made(tmp_path: Path) -> None:
    saved_failed = existing(
        tmp_path, JobState.FAILED, task_id="t1", result_url="https://r", error="disk full"
    )
    again = restart(saved_failed)
    assert (again.state, again.task_id, again.result_url, again.error) == (
        JobState.POLLING,
        "t1",
        "https://r",
        None,
    )
    cancelled = existing(tmp_path, JobState.CANCELLED, task_id="t2")
    assert (restart(cancelled).state, restart(cancelled).task_id) == (JobState.POLLING, "t2")  # polled again
    kie_failed = existing(tmp_path, JobState.FAILED, task_id="t3", error="generation failed")
    assert restart(kie_failed) == fresh_start(kie_failed)  # nothing to fetch: a new task
    unknown = existing(tmp_path, JobState.UNKNOWN, submit_started_at=5.0)
    assert restart(unknown) == fresh_start(unknown)


# --- drafts -------------------------------------------------------------------------------------------


def test_drafts_key_files_by_content_and_urls_by_address(tmp_path: Path) -> None:
    options = OutputOptions(str(tmp_path / "out"))
    a = write_image(tmp_path / "a.png")
    b = tmp_path / "copy of a.png"
    b.write_bytes(a.read_bytes())
    key_a = draft_job(Source("file", "a.png", path=a), options, "cli").dedupe_key
    key_b = draft_job(Source("file", str(b), path=b), options, "cli").dedupe_key
    assert key_a == key_b and key_a.startswith("sha256:")
    url = "https://example.com/x.png"
    assert draft_job(Source("url", url, url=url), options, "cli").dedupe_key == f"url:{url}"


def test_a_data_input_is_kept_in_the_data_dir(tmp_path: Path) -> None:
    data = image_bytes("PNG")
    uri = "data:image/png;base64," + base64.b64encode(data).decode()
    job = draft_job(Source("data", uri, data=data), OutputOptions(str(tmp_path)), "cli")
    assert job.kind == "data" and job.source_path is not None
    kept = Path(job.source_path)
    assert kept.parent == paths.data_dir() / "inputs"
    assert kept.read_bytes() == data and kept.suffix == ".png"
    assert len(job.given) < len(uri)  # a data: URI is shortened for display


def test_rejected_and_unreadable_inputs_are_failed_drafts(tmp_path: Path) -> None:
    options = OutputOptions(str(tmp_path))
    rejected = draft_job(Rejected("x.gif", "not a PNG, JPEG or WEBP"), options, "cli")
    assert rejected.state == JobState.FAILED and rejected.error == "not a PNG, JPEG or WEBP"
    # A path that cannot be read as a file (it vanished and a folder took its name, say).
    odd = tmp_path / "odd.png"
    odd.mkdir()
    unreadable = draft_job(Source("file", "odd.png", path=odd), options, "cli")
    assert unreadable.state == JobState.FAILED
    assert unreadable.error == "This is a folder, not an image file."


# --- the engine's intake against the sim ------------------------------------------------------------------


async def test_the_same_file_under_two_names_is_one_job(tmp_path: Path) -> None:
    a = write_image(tmp_path / "in" / "a.png")
    copy = tmp_path / "in" / "sub" / "copy.png"
    copy.parent.mkdir()
    copy.write_bytes(a.read_bytes())
    out = tmp_path / "out"
    with running_sim(tmp_path) as sim:
        async with engine_on(sim, tmp_path / "jobs.db") as engine:
            admissions, jobs = await run_batch(engine, [a, copy], out)
        assert [adm.decision for adm in admissions] == ["new", "duplicate"]
        assert admissions[0].job.id == admissions[1].job.id
        assert len(jobs) == 1 and jobs[0].state == JobState.DONE
        assert sim.stats.creates == 1
        assert_all_created_once(sim)
    assert [p.name for p in out.iterdir()] == ["a_crisp.png"]


async def test_the_same_url_twice_is_one_job(tmp_path: Path) -> None:
    write_image(tmp_path / "web" / "photo.jpg", "JPEG")
    with running_sim(tmp_path) as sim, serve_folder(tmp_path / "web") as web:
        async with engine_on(sim, tmp_path / "jobs.db") as engine:
            url = f"{web}/photo.jpg"
            admissions, jobs = await run_batch(engine, [url, url], tmp_path / "out")
        assert [adm.decision for adm in admissions] == ["new", "duplicate"]
        assert [job.state for job in jobs] == [JobState.DONE]
        assert sim.stats.creates == 1 and sim.stats.uploads == 0  # a URL goes straight to KIE


async def test_a_rerun_skips_what_is_done_and_redoes_what_was_deleted(tmp_path: Path) -> None:
    a, b = images(tmp_path / "in", 2)
    out = tmp_path / "out"
    with running_sim(tmp_path) as sim:
        async with engine_on(sim, tmp_path / "jobs.db") as engine:
            _, first = await run_batch(engine, [a, b], out)
        assert [job.state for job in first] == [JobState.DONE, JobState.DONE]
        assert sim.stats.creates == 2
        Path(first[1].output_path or "").unlink()  # noqa: ASYNC240 - a test's own setup
        async with engine_on(sim, tmp_path / "jobs.db") as engine:
            admissions, second = await run_batch(engine, [a, b], out)
        kept = admissions[0]
        assert kept.decision == "skipped"
        assert kept.message == f"already done: {first[0].output_path}"
        assert admissions[1].decision == "new"
        assert admissions[1].job.id == first[1].id  # the same job, run again
        assert sim.stats.creates == 2  # the deleted one's paid result was fetched again, not re-created
        redone = next(job for job in second if job.id == first[1].id)
        assert redone.state == JobState.DONE
        assert Path(redone.output_path or "").is_file()  # noqa: ASYNC240
        assert redone.task_id == first[1].task_id


async def test_a_failed_job_is_reported_again_unless_retry_failed(tmp_path: Path) -> None:
    (a,) = images(tmp_path / "in", 1)
    out = tmp_path / "out"
    with running_sim(tmp_path, faults=Faults(rate_task_fail=1.0, transient_fail_share=0.0)) as sim:
        async with engine_on(sim, tmp_path / "jobs.db") as engine:
            _, first = await run_batch(engine, [a], out)
        assert first[0].state == JobState.FAILED
        sim.config.faults.rate_task_fail = 0.0
        async with engine_on(sim, tmp_path / "jobs.db") as engine:
            admissions, again = await run_batch(engine, [a], out)
        assert admissions[0].decision == "ended_before"
        assert admissions[0].message == first[0].error
        assert again[0].state == JobState.FAILED
        assert sim.stats.creates == 1
        async with engine_on(sim, tmp_path / "jobs.db") as engine:
            admissions, retried = await run_batch(engine, [a], out, retry_failed=True)
        assert admissions[0].decision == "new"
        assert retried[0].state == JobState.DONE
        assert sim.stats.creates == 2


@pytest.mark.allow_warning_logs
async def test_an_unknown_job_is_reported_again_unless_retry_unknown(tmp_path: Path) -> None:
    (a,) = images(tmp_path / "in", 1)
    out = tmp_path / "out"
    with running_sim(tmp_path, faults=Faults(rate_drop=1.0, endpoints={"create"})) as sim:
        async with engine_on(sim, tmp_path / "jobs.db") as engine:
            _, first = await run_batch(engine, [a], out)
        assert first[0].state == JobState.UNKNOWN
        sim.config.faults.rate_drop = 0.0
        async with engine_on(sim, tmp_path / "jobs.db") as engine:
            admissions, again = await run_batch(engine, [a], out, retry_failed=True)
        assert admissions[0].decision == "ended_before"
        assert again[0].state == JobState.UNKNOWN
        assert sim.stats.creates == 1
        async with engine_on(sim, tmp_path / "jobs.db") as engine:
            admissions, retried = await run_batch(engine, [a], out, retry_unknown=True)
        assert admissions[0].decision == "new"
        assert retried[0].state == JobState.DONE
        assert sim.stats.creates == 2  # asked for: the user decided to pay again


async def test_a_job_held_by_another_live_engine_is_busy(tmp_path: Path) -> None:
    (a,) = images(tmp_path / "in", 1)
    out = tmp_path / "out"
    store_path = tmp_path / "jobs.db"
    with running_sim(tmp_path) as sim:
        # Another run (the window, say) has this input queued and is working on it.
        other = JobStore(store_path)
        (draft,) = [draft_job(item, options_for(out), "gui") for item in items(a)]
        held = other.add(draft)
        assert other.claim(held.id, other.register_engine())
        async with engine_on(sim, store_path) as engine:
            admissions, jobs = await run_batch(engine, [a], out)
        other.close()
        assert admissions[0].decision == "busy"
        assert admissions[0].job.id == held.id
        assert str(os.getpid()) in admissions[0].message
        assert jobs == []  # not taken up: the other run does it
        assert sim.stats.creates == 0


async def test_rejected_inputs_fail_alone_and_the_rest_go_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast_rounds(monkeypatch)
    (good,) = images(tmp_path / "in", 1)
    (tmp_path / "in" / "notes.txt").write_text("not an image")
    out = tmp_path / "out"
    with running_sim(tmp_path) as sim:
        async with engine_on(sim, tmp_path / "jobs.db") as engine:
            admissions, _ = await run_batch(
                engine, [good, tmp_path / "missing.png", tmp_path / "in" / "notes.txt"], out
            )
        by_given = {adm.given: engine.job(adm.job.id) or adm.job for adm in admissions}
        assert by_given[str(good)].state == JobState.DONE
        missing = by_given[str(tmp_path / "missing.png")]
        assert missing.state == JobState.FAILED and "No such file" in (missing.error or "")
        notes = by_given[str(tmp_path / "in" / "notes.txt")]
        assert notes.state == JobState.FAILED and "text file" in (notes.error or "")
        assert sim.stats.creates == 1
