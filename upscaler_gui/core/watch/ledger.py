"""The ledger: each file the watcher saw in a folder, as it was (size, mtime, hash), and what became of it.

A table in the job store's own SQLite file (WAL lets a second connection write beside the engine's),
so one data dir holds everything a restart needs. Every query runs on one worker thread: a commit
takes milliseconds, which the window sharing this loop would show as a stutter.

One row per (folder, path), the latest version of that file; the jobs table keeps each job's history.
`Book` is the ledger as the loop sees it: every entry in memory, written through to SQLite (lookups
happen on every event and rescan, 10,000 files a minute: a dict access, never a query).
`watch_folders` says a folder was watched before: the first start records what exists as ignored.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any, Literal, TypeVar

from upscaler_gui.core import log
from upscaler_gui.core.watch.files import FileStat

T = TypeVar("T")
Outcome = Literal["queued", "done", "failed", "skipped", "ignored", "moved"]
EXISTING = "existing"  # the note on files that were there at the first start

SCHEMA = """
CREATE TABLE IF NOT EXISTS watch_ledger (
    folder TEXT NOT NULL,
    path TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    content_hash TEXT,
    job_id INTEGER,
    outcome TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    seen_at REAL NOT NULL,
    finished_at REAL,
    PRIMARY KEY (folder, path)
);
CREATE INDEX IF NOT EXISTS watch_ledger_job ON watch_ledger (job_id);
CREATE TABLE IF NOT EXISTS watch_folders (
    folder TEXT PRIMARY KEY, first_started_at REAL NOT NULL, last_started_at REAL NOT NULL
);
"""
_COLUMNS = ("path", "size", "mtime_ns", "content_hash", "job_id", "outcome", "note", "seen_at", "finished_at")


@dataclass(frozen=True)
class LedgerEntry:
    path: str
    size: int
    mtime_ns: int
    outcome: Outcome
    content_hash: str | None = None
    job_id: int | None = None
    note: str = ""
    seen_at: float = 0.0
    finished_at: float | None = None

    @classmethod
    def seen(cls, path: Path, stat: FileStat, outcome: Outcome, **more: Any) -> LedgerEntry:
        return cls(str(path), stat.size, stat.mtime_ns, outcome, seen_at=time.time(), **more)

    @property
    def stat(self) -> FileStat:
        return FileStat(self.size, self.mtime_ns)

    def ended(self, outcome: Outcome, note: str = "") -> LedgerEntry:
        return replace(self, outcome=outcome, note=note, finished_at=time.time())


def _log_failure(future: Future[None]) -> None:
    if not future.cancelled() and (exc := future.exception()) is not None:
        # The entry stays in memory; at worst the next start looks at the file again (the engine dedupes).
        log.watch.info("ledger write failed (%s)", exc)


class Ledger:
    """The ledger of one folder; `open()` first, `close()` last (it waits for queued writes)."""

    def __init__(self, db_path: Path, folder: Path) -> None:
        self.db_path, self.folder = db_path, str(folder)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="watch-ledger")
        self._db: sqlite3.Connection | None = None

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._pool, partial(fn, *args))

    async def open(self) -> tuple[dict[str, LedgerEntry], bool]:
        """The folder's entries by path, and whether the folder was watched before."""
        return await self._run(self._open)

    async def begin_folder(self, existing: Sequence[LedgerEntry]) -> None:
        """Remember a first start: the folder, and what was already there, in one transaction."""
        await self._run(self._begin_folder, list(existing))

    async def put(self, *entries: LedgerEntry) -> None:
        await self._run(self._put, list(entries))

    def write_soon(self, *entries: LedgerEntry) -> None:
        """Queue a write on the worker thread and return at once (writes keep their order)."""
        future = self._pool.submit(self._put, list(entries))
        future.add_done_callback(_log_failure)

    def forget_soon(self, paths: Sequence[str]) -> None:
        """Drop these paths' entries (files gone from the folder), on the worker thread."""
        self._pool.submit(self._forget, list(paths)).add_done_callback(_log_failure)

    async def outputs_among(self, paths: Sequence[str]) -> set[str]:
        """Which of these paths are results of our own jobs (any folder, any owner)."""
        return await self._run(self._outputs_among, list(paths))

    async def close(self) -> None:
        await self._run(self._close)
        self._pool.shutdown(wait=True)

    # --- the worker thread ------------------------------------------------------------------------------

    def _open(self) -> tuple[dict[str, LedgerEntry], bool]:
        db = sqlite3.connect(self.db_path, timeout=10.0, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")  # a lost row costs a dedupe lookup, never a second job
        db.executescript(SCHEMA)
        self._db = db
        rows = db.execute(
            f"SELECT {', '.join(_COLUMNS)} FROM watch_ledger WHERE folder = ?", (self.folder,)
        ).fetchall()
        known = db.execute("SELECT 1 FROM watch_folders WHERE folder = ?", (self.folder,)).fetchone()
        if known:
            db.execute(
                "UPDATE watch_folders SET last_started_at = ? WHERE folder = ?", (time.time(), self.folder)
            )
        entries = {row[0]: LedgerEntry(**dict(zip(_COLUMNS, row, strict=True))) for row in rows}
        return entries, known is not None

    def _begin_folder(self, existing: list[LedgerEntry]) -> None:
        db = self._conn()
        now = time.time()
        db.execute("BEGIN IMMEDIATE")
        try:
            self._upsert(db, existing)
            db.execute(
                "INSERT OR REPLACE INTO watch_folders (folder, first_started_at, last_started_at) "
                "VALUES (?, ?, ?)",
                (self.folder, now, now),
            )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def _put(self, entries: list[LedgerEntry]) -> None:
        db = self._conn()
        db.execute("BEGIN IMMEDIATE")
        try:
            self._upsert(db, entries)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def _forget(self, paths: list[str]) -> None:
        db = self._conn()
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany(
                "DELETE FROM watch_ledger WHERE folder = ? AND path = ?", [(self.folder, p) for p in paths]
            )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def _upsert(self, db: sqlite3.Connection, entries: list[LedgerEntry]) -> None:
        db.executemany(
            f"INSERT OR REPLACE INTO watch_ledger (folder, {', '.join(_COLUMNS)}) "
            f"VALUES (?, {', '.join('?' * len(_COLUMNS))})",
            [(self.folder, *(getattr(entry, name) for name in _COLUMNS)) for entry in entries],
        )

    def _outputs_among(self, paths: list[str]) -> set[str]:
        if not paths:
            return set()
        marks = ", ".join("?" * len(paths))
        try:
            rows = self._conn().execute(f"SELECT output_path FROM jobs WHERE output_path IN ({marks})", paths)
            return {row[0] for row in rows}
        except sqlite3.OperationalError:  # no jobs table yet: nothing is ours
            return set()

    def _conn(self) -> sqlite3.Connection:
        assert self._db is not None, "Ledger.open() first"
        return self._db

    def _close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


class Book:
    def __init__(self, ledger: Ledger, entries: dict[str, LedgerEntry], *, include_existing: bool) -> None:
        self.ledger = ledger
        self._entries = entries
        self.include_existing = include_existing

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, path: Path) -> LedgerEntry | None:
        return self._entries.get(str(path))

    def is_new(self, path: Path | str, stat: FileStat) -> bool:
        """Never seen, changed since (size or mtime), or left at the first start and now asked for."""
        entry = self._entries.get(str(path))
        if entry is None or entry.stat != stat:
            return True
        return self.include_existing and entry.outcome == "ignored" and entry.note == EXISTING

    def queued(self) -> list[LedgerEntry]:
        """Files whose jobs had not ended when the ledger last heard of them."""
        return [entry for entry in self._entries.values() if entry.outcome == "queued" and entry.job_id]

    def entries(self) -> list[LedgerEntry]:
        return list(self._entries.values())

    def forget(self, paths: list[str]) -> None:
        for path in paths:
            self._entries.pop(path, None)
        self.ledger.forget_soon(paths)

    def remember(self, *entries: LedgerEntry) -> None:
        """Memory only (the caller writes them with `record` or `ledger.begin_folder`)."""
        for entry in entries:
            self._entries[entry.path] = entry

    def record(self, *entries: LedgerEntry) -> None:
        """Memory now; the ledger's thread writes them in order."""
        self.remember(*entries)
        self.ledger.write_soon(*entries)
