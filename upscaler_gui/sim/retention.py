"""What a persistent sim forgets when it starts, the way KIE deletes uploads and results after a while.

Ages come from the journal's times, not from file mtimes (a copied or restored folder has new mtimes).
"""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

from upscaler_gui.core import log
from upscaler_gui.sim.journal import Journal
from upscaler_gui.sim.storage import Storage
from upscaler_gui.sim.tasks import Task

UPLOAD_KEEP_S = 24 * 3600.0  # KIE doc: uploaded files are deleted after 24 hours
RESULT_KEEP_S = 24 * 3600.0  # KIE doc: result URLs expire after about 24 h; the task goes with them
TEMP_LEFTOVER_S = 600.0  # a `.part-` file this old was left by a killed sim (a live write takes seconds)
_TEMP_PREFIX = ".part-"


def tidy(journal: Journal, storage: Storage, now: float | None = None) -> list[Task]:
    """Delete expired uploads and results (and forget their tasks); the tasks that remain."""
    now = time.time() if now is None else now
    _expire_uploads(journal, storage, now)
    tasks = _expire_tasks(journal, storage, now)
    _remove_temp_leftovers(storage, now)
    return tasks


def _expire_uploads(journal: Journal, storage: Storage, now: float) -> None:
    known = journal.uploads()
    on_disk = {
        storage.upload_key(path): path
        for path in storage.files_dir.rglob("*")
        if path.is_file() and not path.name.startswith(_TEMP_PREFIX)
    }
    for key in on_disk.keys() - known.keys():  # stored by a sim killed before it wrote the journal
        journal.add_upload(key, now)
    gone = [key for key, at in known.items() if now - at > UPLOAD_KEEP_S or key not in on_disk]
    for key in gone:
        if key in on_disk:
            _delete(on_disk[key], stop_at=storage.files_dir)
    journal.forget_uploads(gone)
    if gone:
        log.sim.info("sim: %d upload(s) older than a day deleted", len(gone))


def _expire_tasks(journal: Journal, storage: Storage, now: float) -> list[Task]:
    # Results are listed before tasks are read: a result on disk always has its task in the journal.
    results = {path.stem: path for path in storage.results_dir.iterdir() if path.is_file()}
    tasks = journal.tasks()
    expired = [task for task in tasks if now - _ended_at(task) > RESULT_KEEP_S]
    kept = {task.task_id for task in tasks} - {task.task_id for task in expired}
    for stem, path in results.items():
        if stem not in kept and not path.name.startswith(_TEMP_PREFIX):
            _delete(path, stop_at=storage.results_dir)
    journal.forget_tasks([task.task_id for task in expired])
    if expired:
        log.sim.info("sim: %d task(s) older than a day forgotten with their results", len(expired))
    return [task for task in tasks if task.task_id in kept]


def _ended_at(task: Task) -> float:
    """When the task ended, or would have ended had its sim not stopped first."""
    return task.finished_at() or task.created + task.duration_s


def _remove_temp_leftovers(storage: Storage, now: float) -> None:
    for folder in (storage.files_dir, storage.results_dir):
        for path in folder.rglob(_TEMP_PREFIX + "*"):
            with contextlib.suppress(OSError):
                if now - path.stat().st_mtime > TEMP_LEFTOVER_S:  # garbage only: no age is trusted here
                    path.unlink()


def _delete(path: Path, *, stop_at: Path) -> None:
    """Remove the file, then its folders as long as they are empty (uploads get a folder each)."""
    with contextlib.suppress(OSError):
        path.unlink()
    folder = path.parent
    while folder != stop_at and stop_at in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
