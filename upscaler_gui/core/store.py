"""The job store: SQLite in WAL mode in the data dir, written at every step so a kill loses nothing.

In WAL mode every commit is in the log before the engine takes its next step, so a killed process
loses nothing (`synchronous=NORMAL`). The writes around a billed create (the create under way, the
taskId that came back) are also fsync'd (`durable=True`, `synchronous=FULL` for that commit), so they
survive a power cut too; an fsync on every step cost ~1 s per 100 images in bench/batch_time.py.
Each engine registers itself and claims the jobs it runs, so two processes on one store (the window
and a CLI run) never work on the same job, and never pay twice. One input (its content or link) has one
job per output folder: a unique `identity` column, and `admit` finds-or-adds and claims in one
transaction, so two runs adding the same image at the same moment get the same row, and one of them.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from upscaler_gui.core import log
from upscaler_gui.core.errors import StoreError
from upscaler_gui.core.i18n import tr
from upscaler_gui.core.jobs import FINISHED, Job, JobState
from upscaler_gui.core.store_errors import folder_error, store_error
from upscaler_gui.core.store_rows import from_row, identity, insert, migrate, to_row

DB_NAME = "jobs.sqlite3"
BUSY_TIMEOUT_S = 10.0  # how long a write waits for another process's transaction before "locked"
ENGINE_STALE_S = 30.0  # an engine that has not beaten for this long is gone; its jobs may be claimed


def default_path() -> Path:
    from upscaler_gui.core import paths

    return paths.data_dir() / DB_NAME


def demo_store_path() -> Path:
    """The offline demo's own store: its uploads and results vanish with its server, so a real run
    must never reuse them (nor skip an image as "already done" by the demo)."""
    from upscaler_gui.core import paths

    return paths.data_dir() / "demo" / DB_NAME


class JobStore:
    """Synchronous store; the engine reaches it through `AsyncJobStore` (one worker thread)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_path()
        self._lock = threading.RLock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_S, check_same_thread=False, isolation_level=None
            )
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._migrate()
        except sqlite3.Error as exc:
            raise store_error(exc, self.path) from exc
        except OSError as exc:  # the folder itself cannot be made
            raise folder_error(exc, self.path.parent) from exc

    def _migrate(self) -> None:
        with self._tx() as db:
            migrate(db)

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._reading():
            try:
                self._db.execute("BEGIN IMMEDIATE")
                yield self._db
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:
                    with contextlib.suppress(sqlite3.Error):  # the failure that got us here is reported
                        self._db.execute("ROLLBACK")
                raise

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """The connection, one thread at a time; SQLite's failures come out as one clear StoreError."""
        with self._lock:
            try:
                yield self._db
            except sqlite3.Error as exc:
                raise store_error(exc, self.path) from exc

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # --- jobs ---------------------------------------------------------------------------------------

    def add(self, job: Job) -> Job:
        """Insert a new job; StoreError when its input already has a job for that folder."""
        return self.add_many([job])[0]

    def add_many(self, jobs: Iterable[Job]) -> list[Job]:
        """Insert many jobs in one transaction (a folder of 10,000 images is one commit)."""
        try:
            with self._tx() as db:
                return [insert(db, job) for job in jobs]
        except StoreError as exc:
            if isinstance(exc.__cause__, sqlite3.IntegrityError):
                raise StoreError(tr("This image already has a job for that folder.")) from exc
            raise

    def admit(self, draft: Job, engine_id: int) -> tuple[Job, bool, bool]:
        """Find or add the job for this input and folder, and claim it, in one transaction.

        Returns (job as stored now, added, claimed). `claimed` is False only when a live engine of
        another run holds it: then this run must leave it alone. Deciding on the row returned here,
        under the claim, is what keeps two runs from both sending a create for one image.
        """
        with self._tx() as db:
            row = db.execute("SELECT * FROM jobs WHERE identity = ?", (identity(draft),)).fetchone()
            if row is None:
                job = insert(db, draft, engine_id=None if draft.finished else engine_id)
                return job, True, not draft.finished
            holder = row["engine_id"]
            if holder is not None and holder != engine_id and holder in _live_engines(db):
                return from_row(row), False, False
            db.execute("UPDATE jobs SET engine_id = ? WHERE id = ?", (engine_id, row["id"]))
            return from_row(row), False, True

    def save(self, job: Job, *, durable: bool = False) -> Job:
        """Write every field of the job; on return it survives a kill, and with `durable` a power cut."""
        job = replace(job, updated_at=time.time())
        row = to_row(job)
        with self._reading():
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
        with self._reading():
            row = self._db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return from_row(row) if row else None

    def find(self, dedupe_key: str, folder: str) -> Job | None:
        """The job for this input and output folder."""
        key = f"{dedupe_key}\x1f{folder}"
        with self._reading():
            row = self._db.execute("SELECT * FROM jobs WHERE identity = ?", (key,)).fetchone()
        return from_row(row) if row else None

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
        with self._reading():
            rows = self._db.execute(query + " ORDER BY id", args).fetchall()
        return [from_row(row) for row in rows]

    def recent_creates(self, within_s: float) -> list[float]:
        """Wall-clock times of creates sent in the last `within_s` seconds, by any run on this store."""
        since = time.time() - within_s
        with self._reading():
            rows = self._db.execute(
                "SELECT submit_started_at FROM jobs WHERE submit_started_at > ?", (since,)
            ).fetchall()
        return [row[0] for row in rows]

    def recent_task_times(self, count: int, within_s: float) -> list[float]:
        """KIE's costTime of the last `count` tasks that ended done in the last `within_s` seconds, by
        any run on this store, oldest first: what a new engine's poll planner starts from."""
        since = time.time() - within_s
        with self._reading():
            rows = self._db.execute(
                "SELECT cost_time_s FROM jobs WHERE state = ? AND cost_time_s > 0 AND finished_at > ?"
                " ORDER BY finished_at DESC LIMIT ?",
                (str(JobState.DONE), since, count),
            ).fetchall()
        return [row[0] for row in reversed(rows)]

    def changed_since(self, since: float) -> list[Job]:
        """Jobs written at or after `since` (every job that was billed since then is among them)."""
        with self._reading():
            query = "SELECT * FROM jobs WHERE updated_at >= ? ORDER BY id"
            rows = self._db.execute(query, (since,)).fetchall()
        return [from_row(row) for row in rows]

    def delete(self, job_id: int) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM jobs WHERE id = ?", (job_id,))

    # --- upload reuse -------------------------------------------------------------------------------

    def remember_upload(self, content_hash: str, host: str, url: str, uploaded_at: float) -> None:
        """An upload of these bytes to the upload service at `host` (scheme://host:port)."""
        with self._tx() as db:
            db.execute(
                "INSERT OR REPLACE INTO uploads (content_hash, host, url, uploaded_at) VALUES (?, ?, ?, ?)",
                (content_hash, host, url, uploaded_at),
            )

    def recent_upload(self, content_hash: str, host: str, max_age_s: float) -> tuple[str, float] | None:
        """An upload of the same bytes to the same upload service, younger than max_age_s."""
        with self._reading():
            row = self._db.execute(
                "SELECT url, uploaded_at FROM uploads"
                " WHERE content_hash = ? AND host = ? AND uploaded_at > ?",
                (content_hash, host, time.time() - max_age_s),
            ).fetchone()
        return (row["url"], row["uploaded_at"]) if row else None

    def forget_upload(self, content_hash: str, host: str) -> None:
        """KIE could not fetch it: never offer it for reuse again."""
        with self._tx() as db:
            db.execute("DELETE FROM uploads WHERE content_hash = ? AND host = ?", (content_hash, host))

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

    def claim(self, job_id: int, engine_id: int) -> Job | None:
        """Take a job for this engine unless a live engine holds it: the job as stored now, or None.

        The caller decides on the returned row, not on a copy it read earlier: another run may have
        moved the job on (created its task, finished it) since."""
        with self._tx() as db:
            row = db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
            if row is None:
                return None
            holder = row["engine_id"]
            if holder is not None and holder != engine_id and holder in _live_engines(db):
                return None
            db.execute("UPDATE jobs SET engine_id = ? WHERE id = ?", (engine_id, job_id))
            return from_row(row)

    def release(self, job_id: int, engine_id: int) -> None:
        with self._tx() as db:
            db.execute("UPDATE jobs SET engine_id = NULL WHERE id = ? AND engine_id = ?", (job_id, engine_id))

    def holder_pid(self, job_id: int) -> int | None:
        """The pid of the live engine that holds this job, if any (for "being processed elsewhere")."""
        with self._reading():
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
