"""The job store: SQLite in WAL mode in the data dir, written at every step so a kill loses nothing.

In WAL mode every commit is in the log before the engine takes its next step, so a killed process
loses nothing (`synchronous=NORMAL`). The writes around a billed create (the create under way, the
taskId that came back) are also fsync'd (`durable=True`, `synchronous=FULL` for that commit), so they
survive a power cut too; an fsync on every step cost ~1 s per 100 images in bench/batch_time.py.
Each engine registers itself and claims the jobs it runs, so two processes on one store (the window
and a CLI run) never work on the same job, and never pay twice.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import fields
from pathlib import Path
from typing import Any

from upscaler_gui.core import log
from upscaler_gui.core.errors import StoreError
from upscaler_gui.core.i18n import tr
from upscaler_gui.core.jobs import FINISHED, Job, JobState, OutputOptions
from upscaler_gui.core.localfiles import from_stored, storable

DB_NAME = "jobs.sqlite3"
SCHEMA_VERSION = 1
ENGINE_STALE_S = 30.0  # an engine that has not beaten for this long is gone; its jobs may be claimed

_JOB_COLUMNS = [f.name for f in fields(Job) if f.name != "id"]
_JSON_COLUMNS = {"options", "previous_task_ids", "warnings", "extra"}

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    {", ".join(f"{name} {'TEXT' if name in _JSON_COLUMNS else ''}" for name in _JOB_COLUMNS)},
    engine_id INTEGER
);
CREATE INDEX IF NOT EXISTS jobs_dedupe ON jobs (dedupe_key);
CREATE INDEX IF NOT EXISTS jobs_state ON jobs (state);
CREATE TABLE IF NOT EXISTS uploads (
    content_hash TEXT PRIMARY KEY, url TEXT NOT NULL, uploaded_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS engines (
    id INTEGER PRIMARY KEY AUTOINCREMENT, pid INTEGER NOT NULL, host TEXT NOT NULL,
    started_at REAL NOT NULL, heartbeat REAL NOT NULL
);
"""


def default_path() -> Path:
    from upscaler_gui.core import paths

    return paths.data_dir() / DB_NAME


def demo_store_path() -> Path:
    """The offline demo's own store: its uploads and results vanish with its server, so a real run
    must never reuse them (nor skip an image as "already done" by the demo)."""
    from upscaler_gui.core import paths

    return paths.data_dir() / "demo" / DB_NAME


def _to_row(job: Job) -> dict[str, Any]:
    row: dict[str, Any] = {}
    job = job.stored_form()  # an ended job's link without its secrets
    for name in _JOB_COLUMNS:
        value = getattr(job, name)
        if name == "options":
            value = value.to_json()
        elif name in _JSON_COLUMNS:
            value = json.dumps(list(value) if isinstance(value, tuple) else value)
        elif name == "state":
            value = str(value)
        elif isinstance(value, str):
            value = storable(value)  # a path whose name is not UTF-8 is kept as its bytes
        row[name] = value
    return row


def _from_row(row: sqlite3.Row) -> Job:
    values: dict[str, Any] = {"id": row["id"]}
    for name in _JOB_COLUMNS:
        value = row[name]
        if name == "options":
            value = OutputOptions.from_json(value)
        elif name in ("previous_task_ids", "warnings"):
            value = tuple(json.loads(value or "[]"))
        elif name == "extra":
            value = json.loads(value or "{}")
        elif name == "state":
            value = JobState(value)
        values[name] = from_stored(value)
    return Job(**values)


class JobStore:
    """Synchronous store; the engine reaches it through `AsyncJobStore` (one worker thread)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_path()
        self._lock = threading.RLock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=10.0, check_same_thread=False, isolation_level=None)
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._migrate()
        except sqlite3.Error as exc:
            raise StoreError(
                tr("The job store {path} cannot be opened ({cause}).").format(path=self.path, cause=exc),
                hint=tr("Check that the data folder is writable, or choose another with --data-dir."),
            ) from exc

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(tr("The job store was written by a newer version of the app."))
        if version < SCHEMA_VERSION:
            self._db.executescript(_SCHEMA)
            self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                yield self._db
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # --- jobs ---------------------------------------------------------------------------------------

    def add(self, job: Job) -> Job:
        now = time.time()
        row = _to_row(job.evolve(created_at=job.created_at or now, updated_at=now))
        with self._tx() as db:
            cursor = db.execute(
                f"INSERT INTO jobs ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                list(row.values()),
            )
        return job.evolve(id=int(cursor.lastrowid or 0), created_at=row["created_at"], updated_at=now)

    def add_many(self, jobs: Iterable[Job]) -> list[Job]:
        """Insert many jobs in one transaction (a folder of 10,000 images is one commit)."""
        now = time.time()
        added: list[Job] = []
        with self._tx() as db:
            for job in jobs:
                row = _to_row(job.evolve(created_at=job.created_at or now, updated_at=now))
                cursor = db.execute(
                    f"INSERT INTO jobs ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                    list(row.values()),
                )
                added.append(
                    job.evolve(id=int(cursor.lastrowid or 0), created_at=row["created_at"], updated_at=now)
                )
        return added

    def save(self, job: Job, *, durable: bool = False) -> Job:
        """Write every field of the job; on return it survives a kill, and with `durable` a power cut."""
        job = job.evolve(updated_at=time.time())
        row = _to_row(job)
        with self._lock:
            if durable:
                self._db.execute("PRAGMA synchronous=FULL")
            try:
                with self._tx() as db:
                    db.execute(
                        f"UPDATE jobs SET {', '.join(f'{k} = ?' for k in row)} WHERE id = ?",
                        [*row.values(), job.id],
                    )
            finally:
                if durable:
                    self._db.execute("PRAGMA synchronous=NORMAL")
        return job

    def get(self, job_id: int) -> Job | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return _from_row(row) if row else None

    def find(self, dedupe_key: str, folder: str) -> Job | None:
        """The newest job for this input and output folder."""
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM jobs WHERE dedupe_key = ? ORDER BY id DESC", (dedupe_key,)
            ).fetchall()
        return next((job for job in map(_from_row, rows) if job.options.folder == folder), None)

    def all(self, *, owner: str | None = None, unfinished: bool = False) -> list[Job]:
        query, args = "SELECT * FROM jobs", []
        clauses = []
        if owner is not None:
            clauses.append("owner = ?")
            args.append(owner)
        if unfinished:
            clauses.append(f"state NOT IN ({', '.join('?' * len(FINISHED))})")
            args.extend(str(s) for s in FINISHED)
        if clauses:
            query += " WHERE " + " AND ".join(clauses)
        with self._lock:
            rows = self._db.execute(query + " ORDER BY id", args).fetchall()
        return [_from_row(row) for row in rows]

    def recent_creates(self, within_s: float) -> list[float]:
        """Wall-clock times of creates sent in the last `within_s` seconds, by any run on this store."""
        since = time.time() - within_s
        with self._lock:
            rows = self._db.execute(
                "SELECT submit_started_at FROM jobs WHERE submit_started_at > ?", (since,)
            ).fetchall()
        return [row[0] for row in rows]

    def delete(self, job_id: int) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM jobs WHERE id = ?", (job_id,))

    # --- upload reuse -------------------------------------------------------------------------------

    def remember_upload(self, content_hash: str, url: str, uploaded_at: float) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT OR REPLACE INTO uploads (content_hash, url, uploaded_at) VALUES (?, ?, ?)",
                (content_hash, url, uploaded_at),
            )

    def recent_upload(self, content_hash: str, max_age_s: float) -> tuple[str, float] | None:
        """An upload of the same bytes younger than max_age_s, still on KIE's host."""
        with self._lock:
            row = self._db.execute(
                "SELECT url, uploaded_at FROM uploads WHERE content_hash = ? AND uploaded_at > ?",
                (content_hash, time.time() - max_age_s),
            ).fetchone()
        return (row["url"], row["uploaded_at"]) if row else None

    # --- engines and claims ----------------------------------------------------------------------------

    def register_engine(self) -> int:
        now = time.time()
        with self._tx() as db:
            cursor = db.execute(
                "INSERT INTO engines (pid, host, started_at, heartbeat) VALUES (?, ?, ?, ?)",
                (os.getpid(), _host(), now, now),
            )
        return int(cursor.lastrowid or 0)

    def heartbeat(self, engine_id: int) -> None:
        with self._tx() as db:
            db.execute("UPDATE engines SET heartbeat = ? WHERE id = ?", (time.time(), engine_id))

    def unregister_engine(self, engine_id: int) -> None:
        with self._tx() as db:
            db.execute("UPDATE jobs SET engine_id = NULL WHERE engine_id = ?", (engine_id,))
            db.execute("DELETE FROM engines WHERE id = ?", (engine_id,))

    def claim(self, job_id: int, engine_id: int) -> bool:
        """Take a job for this engine unless a live engine holds it."""
        with self._tx() as db:
            live = _live_engines(db)
            row = db.execute("SELECT engine_id FROM jobs WHERE id = ?", (job_id,)).fetchone()
            if row is None:
                return False
            holder = row["engine_id"]
            if holder is not None and holder != engine_id and holder in live:
                return False
            db.execute("UPDATE jobs SET engine_id = ? WHERE id = ?", (engine_id, job_id))
            return True

    def release(self, job_id: int, engine_id: int) -> None:
        with self._tx() as db:
            db.execute("UPDATE jobs SET engine_id = NULL WHERE id = ? AND engine_id = ?", (job_id, engine_id))

    def holder_pid(self, job_id: int) -> int | None:
        """The pid of the live engine that holds this job, if any (for "being processed elsewhere")."""
        with self._lock:
            row = self._db.execute(
                "SELECT e.id, e.pid FROM jobs j JOIN engines e ON e.id = j.engine_id WHERE j.id = ?",
                (job_id,),
            ).fetchone()
            live = _live_engines(self._db)
        return int(row["pid"]) if row and row["id"] in live else None


def _host() -> str:
    import socket

    return socket.gethostname()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # exists but is not ours, or the platform cannot tell: assume alive
    return True


def _live_engines(db: sqlite3.Connection) -> set[int]:
    """Engines that beat recently and, on this host, whose process still exists."""
    rows = db.execute("SELECT id, pid, host, heartbeat FROM engines").fetchall()
    now, host = time.time(), _host()
    live = set()
    for row in rows:
        if now - row["heartbeat"] > ENGINE_STALE_S:
            continue
        if row["host"] == host and row["pid"] != os.getpid() and not _pid_alive(row["pid"]):
            continue
        live.add(row["id"])
    if len(live) < len(rows):
        log.jobs.debug("store: %d stale engine record(s)", len(rows) - len(live))
    return live
