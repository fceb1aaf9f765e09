"""The SQLite job store: every field round-trips, writes are durable, claims keep two engines apart."""

from __future__ import annotations

import dataclasses
import os
import sqlite3
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pytest

from upscaler_gui.core import store as store_module
from upscaler_gui.core import store_rows
from upscaler_gui.core.errors import StoreError
from upscaler_gui.core.jobs import Job, JobState, OutputOptions
from upscaler_gui.core.store import JobStore


def full_job(folder: Path) -> Job:
    """A job with every field away from its default, so a field the store forgets shows up."""
    return Job(
        id=0,
        kind="url",
        given="https://example.com/a b.png",
        dedupe_key="url:https://example.com/a%20b.png",
        options=OutputOptions(
            folder=str(folder),
            template="{stem}-{n}-{task_id}.{ext}",
            on_conflict="overwrite",
            output_format="webp",
            quality=77,
            keep_metadata=False,
        ),
        owner="watch:/some/folder",
        refused=True,
        state=JobState.POLLING,
        source_path="/tmp/a.png",
        source_url="https://example.com/a%20b.png",
        content_hash="ab" * 32,
        upload_url="https://files.example/u/a.png",
        uploaded_at=1700000000.25,
        submit_started_at=1700000001.5,
        task_id="task_recraft_1",
        task_created_at=1700000002.75,
        result_url="https://tempfile.example/r.png",
        output_path=str(folder / "a_crisp.png"),
        creates=2,
        auto_retries=1,
        previous_task_ids=("task_recraft_0", "task_recraft_00"),
        error="Retrying: something",
        error_code=500,
        paused_reason="Out of credits",
        in_width=64,
        in_height=48,
        in_bytes=1234,
        out_width=128,
        out_height=96,
        out_bytes=5678,
        cost_time_s=12.5,
        credits=0.5,
        warnings=("large", "odd"),
        progress=0.35,
        created_at=1700000000.0,
        updated_at=1700000003.0,
        started_at=1700000000.5,
        finished_at=1700000010.0,
        extra={"expired_result_url": "https://old", "nested": {"n": [1, 2]}},
    )


def test_every_field_is_set_in_the_sample(tmp_path: Path) -> None:
    sample = full_job(tmp_path)
    defaults = Job(id=0, kind="file", given="", dedupe_key="", options=OutputOptions(folder=""))
    same = [
        f.name
        for f in dataclasses.fields(Job)
        if f.name != "id" and getattr(sample, f.name) == getattr(defaults, f.name)
    ]
    assert same == [], f"give these fields a non-default value in full_job: {same}"


def test_round_trip_of_every_field(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "jobs.db")
    job = full_job(tmp_path)
    added = store.add(job)
    assert added.id > 0
    got = store.get(added.id)
    assert got is not None
    for f in dataclasses.fields(Job):
        if f.name not in ("id", "updated_at"):
            assert getattr(got, f.name) == getattr(job, f.name), f.name
    assert isinstance(got.previous_task_ids, tuple)
    assert isinstance(got.warnings, tuple)
    assert got.extra == job.extra  # extra does not take part in ==
    assert got.state is JobState.POLLING

    changed = replace(got, state=JobState.DONE, task_id="task_2", extra={"k": "v"}, warnings=())
    saved = store.save(changed)
    again = store.get(added.id)
    assert again == saved
    assert again is not None and again.extra == {"k": "v"} and again.warnings == ()
    store.close()

    reopened = JobStore(tmp_path / "jobs.db")  # on disk, not only in this connection
    assert reopened.get(added.id) == saved
    reopened.close()


def test_find_all_and_delete(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "jobs.db")
    out_a, out_b = str(tmp_path / "a"), str(tmp_path / "b")

    def job(key: str, folder: str, owner: str, state: JobState) -> Job:
        return store.add(Job(0, "file", key, key, OutputOptions(folder), owner, state=state))

    first = job("sha256:1", out_a, "cli", JobState.DONE)
    other_folder = job("sha256:1", out_b, "gui", JobState.FAILED)
    queued = job("sha256:4", out_a, "cli", JobState.QUEUED)
    paused = job("sha256:2", out_a, "cli", JobState.PAUSED)
    unknown = job("sha256:3", out_a, "gui", JobState.UNKNOWN)

    assert store.find("sha256:1", out_a) == first
    assert store.find("sha256:1", out_b) == other_folder
    assert store.find("sha256:1", str(tmp_path / "c")) is None
    assert store.find("sha256:9", out_a) is None

    assert [j.id for j in store.all()] == [first.id, other_folder.id, queued.id, paused.id, unknown.id]
    assert [j.id for j in store.all(owner="cli")] == [first.id, queued.id, paused.id]
    assert [j.id for j in store.all(unfinished=True)] == [queued.id, paused.id]
    assert [j.id for j in store.all(owner="gui", unfinished=True)] == []

    store.delete(first.id)
    assert store.get(first.id) is None
    assert store.find("sha256:1", out_a) is None
    store.close()


def test_recent_task_times_are_the_last_done_tasks_costtime_within_the_window(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "jobs.db")
    now = time.time()

    def ended(n: int, state: JobState, cost: float | None, ago_s: float) -> None:
        key = f"sha256:{n}"
        draft = Job(0, "file", key, key, OutputOptions(str(tmp_path)), "cli", state=state)
        store.add(replace(draft, cost_time_s=cost, finished_at=now - ago_s))

    ended(1, JobState.DONE, 9.0, 7200)  # too long ago
    ended(2, JobState.DONE, 14.0, 300)
    ended(3, JobState.FAILED, 3.0, 200)  # a failed task teaches no duration
    ended(4, JobState.DONE, None, 150)  # KIE said no costTime
    ended(5, JobState.DONE, 16.5, 100)
    ended(6, JobState.DONE, 12.0, 10)
    assert store.recent_task_times(10, 3600) == [14.0, 16.5, 12.0]  # oldest first: the newest weigh last
    assert store.recent_task_times(2, 3600) == [16.5, 12.0]
    store.close()


def test_one_input_has_one_job_per_folder(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "jobs.db")
    draft = Job(0, "file", "a.png", "sha256:1", OutputOptions(str(tmp_path / "a")))
    store.add(draft)
    with pytest.raises(StoreError, match="already has a job"):
        store.add(replace(draft, given="copy-of-a.png"))
    assert len(store.all()) == 1
    store.close()


def test_admit_adds_once_and_claims_for_one_engine_only(tmp_path: Path) -> None:
    path = tmp_path / "jobs.db"
    mine, theirs = JobStore(path), JobStore(path)
    a, b = mine.register_engine(), theirs.register_engine()
    draft = Job(0, "file", "a.png", "sha256:1", OutputOptions(str(tmp_path / "out")))
    job, added, claimed = mine.admit(draft, a)
    assert (added, claimed) == (True, True)
    again, added, claimed = theirs.admit(replace(draft, given="copy.png"), b)
    assert (again.id, added, claimed) == (job.id, False, False)  # the same row, held by a live engine
    mine.save(replace(job, state=JobState.DONE))
    mine.release(job.id, a)
    again, added, claimed = theirs.admit(draft, b)
    assert (added, claimed) == (False, True)
    assert again.state == JobState.DONE  # decided on the row as it is now, not as it was first read
    refused = Job(
        0, "file", "x", "refused:x", OutputOptions(str(tmp_path)), refused=True, state=JobState.FAILED
    )
    assert mine.admit(refused, a)[1:] == (True, False)  # a refused input is never held by anyone
    mine.close()
    theirs.close()


def test_a_version_1_store_forgets_link_secrets_and_finds_the_link_again(tmp_path: Path) -> None:
    from upscaler_gui.core.redact import link_key

    path = tmp_path / "jobs.db"
    _version_1_store(path)
    secret = "https://ann:hunter2@img.test/a.png?token=SeCrEt"
    folder = str(tmp_path / "out")
    unfinished = Job(0, "url", secret, f"url:{secret}", OutputOptions(folder), source_url=secret)
    done = replace(
        unfinished, dedupe_key=f"url:{secret}&v=2", source_url=f"{secret}&v=2", state=JobState.DONE
    )
    _insert_version_1_rows(path, unfinished, done)
    store = JobStore(path)
    found = store.find(link_key(secret), folder)
    assert found is not None and found.source_url == secret  # still resumable with its real link
    assert "hunter2" not in found.given and "SeCrEt" not in found.given
    assert store.find(link_key(f"{secret}&v=2"), folder) is not None
    store.close()
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT * FROM jobs").fetchall()
    ended = [str(value) for value in rows[1]]
    assert not any("hunter2" in value or "SeCrEt" in value for value in ended)


def _version_1_store(path: Path) -> None:
    with sqlite3.connect(path) as db:  # what version 1 wrote: no identity, duplicates possible
        db.executescript(
            store_rows.SCHEMA.replace("identity TEXT", "unused TEXT").replace(
                "CREATE UNIQUE INDEX IF NOT EXISTS jobs_identity ON jobs (identity);", ""
            )
        )
        db.execute("ALTER TABLE jobs DROP COLUMN refused")  # version 2's
        db.execute("ALTER TABLE jobs DROP COLUMN error_source")
        db.execute("PRAGMA user_version=1")


def _insert_version_1_rows(path: Path, *jobs: Job) -> None:
    with sqlite3.connect(path) as db:
        for job in jobs:
            row = {
                name: value
                for name, value in store_rows.to_row(job).items()
                if name not in ("refused", "error_source")
            }
            row["source_url"] = job.source_url  # version 1 kept the link as given, secrets and all
            db.execute(
                f"INSERT INTO jobs ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                list(row.values()),
            )


def test_a_version_1_store_is_migrated_keeping_the_newest_of_duplicates(tmp_path: Path) -> None:
    path = tmp_path / "jobs.db"
    _version_1_store(path)
    old = Job(0, "file", "a.png", "sha256:1", OutputOptions(str(tmp_path)), state=JobState.DONE)
    refused = Job(0, "file", "x.txt", "rejected:x.txt", OutputOptions(str(tmp_path)), state=JobState.FAILED)
    _insert_version_1_rows(path, old, replace(old, state=JobState.QUEUED), refused)
    store = JobStore(path)
    assert [job.state for job in store.all()] == [JobState.DONE, JobState.QUEUED, JobState.FAILED]
    found = store.find("sha256:1", str(tmp_path))
    assert found is not None and found.state == JobState.QUEUED  # the newest is the input's job
    with pytest.raises(StoreError):
        store.add(old)
    was_refused = store.find("refused:x.txt", str(tmp_path))  # the key version 2 gives a refused input
    assert was_refused is not None and was_refused.refused
    assert [job.refused for job in store.all()] == [False, False, True]
    store.close()


def test_add_many_is_one_batch_with_ids(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "jobs.db")
    drafts = [Job(0, "file", f"f{i}", f"sha256:{i}", OutputOptions(str(tmp_path))) for i in range(5)]
    added = store.add_many(drafts)
    assert len({j.id for j in added}) == 5
    assert [store.get(j.id) for j in added] == added  # what add_many returns is what is stored
    assert [j.given for j in store.all()] == [f"f{i}" for i in range(5)]
    store.close()


def test_wal_and_full_sync_for_the_writes_around_a_create(tmp_path: Path) -> None:
    path = tmp_path / "jobs.db"
    store = JobStore(path)
    assert store._db.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL: a kill loses nothing in WAL
    seen: list[int] = []
    real_tx = store._tx

    def watching_tx():  # type: ignore[no-untyped-def]
        seen.append(store._db.execute("PRAGMA synchronous").fetchone()[0])
        return real_tx()

    store._tx = watching_tx  # type: ignore[method-assign]
    job = store.add(full_job(tmp_path))
    store.save(replace(job, task_id="task_1"), durable=True)
    store.save(replace(job, progress=0.5))
    assert seen[-2:] == [2, 1]  # FULL (fsync'd) for the durable write only
    store.close()
    with sqlite3.connect(path) as db:  # WAL is a property of the file: another connection sees it
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_store_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "jobs.db"
    JobStore(path).close()
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version={store_rows.SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match="newer version"):
        JobStore(path)


def test_upload_reuse_respects_max_age_and_host(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "jobs.db")
    now, kie, demo = time.time(), "https://kieai.redpandaai.co:443", "http://127.0.0.1:8765"
    store.remember_upload("hash-new", kie, "https://files/new.png", now - 3600)
    store.remember_upload("hash-old", kie, "https://files/old.png", now - 13 * 3600)
    assert store.recent_upload("hash-new", kie, 12 * 3600) == ("https://files/new.png", now - 3600)
    assert store.recent_upload("hash-new", demo, 12 * 3600) is None  # never from another upload host
    assert store.recent_upload("hash-new", kie, 1800) is None
    assert store.recent_upload("hash-old", kie, 12 * 3600) is None
    assert store.recent_upload("hash-none", kie, 12 * 3600) is None
    store.remember_upload("hash-old", kie, "https://files/again.png", now)  # a new upload replaces the old
    assert store.recent_upload("hash-old", kie, 12 * 3600) == ("https://files/again.png", now)
    store.forget_upload("hash-old", kie)
    assert store.recent_upload("hash-old", kie, 12 * 3600) is None
    store.close()


# --- engines and claims -----------------------------------------------------------------------------


def _one_job(store: JobStore, tmp_path: Path) -> Job:
    key = f"sha256:{len(store.all())}"
    return store.add(Job(0, "file", "a.png", key, OutputOptions(str(tmp_path))))


def test_a_live_engines_job_cannot_be_claimed_by_another(tmp_path: Path) -> None:
    path = tmp_path / "jobs.db"
    first, second = JobStore(path), JobStore(path)  # two connections, as two processes would have
    job = _one_job(first, tmp_path)
    a, b = first.register_engine(), second.register_engine()
    assert first.claim(job.id, a)
    assert first.claim(job.id, a)  # claiming again is fine
    assert not second.claim(job.id, b)
    assert second.holder_pid(job.id) == os.getpid()
    first.release(job.id, a)
    assert second.claim(job.id, b)
    assert not first.claim(job.id, a)
    first.close()
    second.close()


def test_unregister_releases_every_claim(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "jobs.db")
    jobs = [_one_job(store, tmp_path) for _ in range(3)]
    a, b = store.register_engine(), store.register_engine()
    for job in jobs:
        assert store.claim(job.id, a)
    assert not any(store.claim(job.id, b) for job in jobs)
    store.unregister_engine(a)
    assert all(store.claim(job.id, b) for job in jobs)
    assert store.holder_pid(jobs[0].id) == os.getpid()
    store.close()


def test_a_dead_processs_claim_can_be_taken(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "jobs.db")
    job = _one_job(store, tmp_path)
    dead = store.register_engine()
    assert store.claim(job.id, dead)
    # A pid that certainly exists no more: a child that has exited and been reaped.
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    )
    store._db.execute("UPDATE engines SET pid = ? WHERE id = ?", (int(gone.stdout), dead))
    assert store.holder_pid(job.id) is None
    mine = store.register_engine()
    assert store.claim(job.id, mine)
    store.close()


def test_an_engine_whose_heartbeat_stopped_is_gone(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "jobs.db")
    job = _one_job(store, tmp_path)
    stale = store.register_engine()
    assert store.claim(job.id, stale)
    other = store.register_engine()
    assert not store.claim(job.id, other)
    old = time.time() - store_module.ENGINE_STALE_S - 5
    store._db.execute("UPDATE engines SET heartbeat = ? WHERE id = ?", (old, stale))
    assert store.claim(job.id, other)
    store.close()


def test_heartbeat_keeps_an_engine_alive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = JobStore(tmp_path / "jobs.db")
    job = _one_job(store, tmp_path)
    holder = store.register_engine()
    assert store.claim(job.id, holder)
    later = time.time() + store_module.ENGINE_STALE_S + 5
    store.heartbeat(holder)
    monkeypatch.setattr(store_module, "time", SimpleNamespace(time=lambda: later))
    other = store.register_engine()
    assert store.claim(job.id, other)  # no beat for longer than ENGINE_STALE_S: taken over
    store.heartbeat(other)
    assert not store.claim(job.id, holder)  # and the new holder, beating, keeps it
    store.close()


def test_claim_of_a_missing_job_is_refused(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "jobs.db")
    assert not store.claim(12345, store.register_engine())
    store.close()
