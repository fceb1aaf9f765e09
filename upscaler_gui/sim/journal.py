"""The persistent sim's memory: its tasks, its uploads' times and its last port, in one SQLite file.

Only a sim given `SimConfig.state_dir` (the offline demo) keeps one, so that the next demo run answers
for the tasks, uploads and results of the last, as KIE does between two runs of the app. SQLite makes
each write atomic and lets two sims on one state dir (the window's demo and `upscale --demo`) share it.
Ages are measured from the times written here, never from file mtimes.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from upscaler_gui.sim.tasks import FailCode, Task

JOURNAL_NAME = "journal.sqlite3"
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS tasks (id TEXT PRIMARY KEY, record TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS uploads (path TEXT PRIMARY KEY, at REAL NOT NULL)",
    "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
)


class Journal:
    """Thread-safe: one connection, one lock; every call is its own transaction."""

    def __init__(self, state_dir: Path) -> None:
        state_dir.mkdir(parents=True, exist_ok=True)
        self.path = state_dir / JOURNAL_NAME
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, timeout=10.0, check_same_thread=False, isolation_level=None)
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")  # survives a killed process; that is enough here
            for statement in _SCHEMA:
                self._db.execute(statement)
        except sqlite3.Error:
            self._db.close()
            raise

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            yield self._db

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # --- the port --------------------------------------------------------------------------------------

    def remembered_port(self) -> int | None:
        with self._reading() as db:
            row = db.execute("SELECT value FROM meta WHERE name = 'port'").fetchone()
        return int(row[0]) if row is not None and str(row[0]).isdigit() else None

    def remember_port(self, port: int) -> None:
        with self._transaction() as db:
            db.execute("INSERT OR REPLACE INTO meta (name, value) VALUES ('port', ?)", (str(port),))

    # --- uploads (paths under the storage's files folder) -------------------------------------------------

    def add_upload(self, path: str, at: float) -> None:
        """The same uploadPath + fileName overwrites, as on KIE: its age starts again."""
        with self._transaction() as db:
            db.execute("INSERT OR REPLACE INTO uploads (path, at) VALUES (?, ?)", (path, at))

    def uploads(self) -> dict[str, float]:
        with self._reading() as db:
            return dict(db.execute("SELECT path, at FROM uploads").fetchall())

    def forget_uploads(self, paths: list[str]) -> None:
        with self._transaction() as db:
            db.executemany("DELETE FROM uploads WHERE path = ?", [(path,) for path in paths])

    # --- tasks -----------------------------------------------------------------------------------------

    def insert_task(self, task: Task) -> bool:
        """False when another sim on this state dir already made a task with this id."""
        try:
            with self._transaction() as db:
                db.execute("INSERT INTO tasks (id, record) VALUES (?, ?)", (task.task_id, task_json(task)))
        except sqlite3.IntegrityError:
            return False
        return True

    def save_task(self, task: Task) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO tasks (id, record) VALUES (?, ?)", (task.task_id, task_json(task))
            )

    def task(self, task_id: str) -> Task | None:
        with self._reading() as db:
            row = db.execute("SELECT record FROM tasks WHERE id = ?", (task_id,)).fetchone()
        return task_from_json(row[0]) if row is not None else None

    def tasks(self) -> list[Task]:
        with self._reading() as db:
            rows = db.execute("SELECT record FROM tasks").fetchall()
        return [task_from_json(record) for (record,) in rows]

    def forget_tasks(self, task_ids: list[str]) -> None:
        with self._transaction() as db:
            db.executemany("DELETE FROM tasks WHERE id = ?", [(task_id,) for task_id in task_ids])


def read_tasks(state_dir: Path) -> list[Task]:
    """Every task a persistent sim on `state_dir` remembers (none when it never ran): for tests and
    diagnostics, e.g. to count creates per image over several demo runs."""
    if not (state_dir / JOURNAL_NAME).is_file():
        return []
    journal = Journal(state_dir)
    try:
        return journal.tasks()
    finally:
        journal.close()


# --- a task as JSON ----------------------------------------------------------------------------------


def task_json(task: Task) -> str:
    return json.dumps(
        {
            "task_id": task.task_id,
            "model": task.model,
            "param": task.param,
            "image_url": task.image_url,
            "created": task.created,
            "duration_s": task.duration_s,
            "cost": task.cost,
            "planned_fail": task.planned_fail,
            "work_done_at": task.work_done_at,
            "result_name": task.result_name,
            "fail": task.fail,
            "image_sha256": task.image_sha256,
        },
        ensure_ascii=False,
    )


def task_from_json(text: str) -> Task:
    raw = json.loads(text)
    return Task(
        task_id=str(raw["task_id"]),
        model=str(raw["model"]),
        param=str(raw["param"]),
        image_url=str(raw["image_url"]),
        created=float(raw["created"]),
        duration_s=float(raw["duration_s"]),
        cost=float(raw["cost"]),
        planned_fail=_fail(raw.get("planned_fail")),
        work_done_at=_float_or_none(raw.get("work_done_at")),
        result_name=raw.get("result_name"),
        fail=_fail(raw.get("fail")),
        image_sha256=raw.get("image_sha256"),
    )


def _fail(value: object) -> tuple[FailCode, str] | None:
    """JSON has no tuples: (failCode, failMsg) comes back as a list; failCode keeps its int-or-str quirk."""
    if not isinstance(value, list) or len(value) != 2:
        return None
    code, message = value
    return (code if isinstance(code, int) else str(code), str(message))


def _float_or_none(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None
