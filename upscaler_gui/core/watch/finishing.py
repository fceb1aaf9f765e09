"""Following each watched file's job to its end: the ledger, one log line, the events, the move.

The move happens only once the job is done, and only if the file is still the one that was processed
(same size and mtime): a file replaced meanwhile is a new arrival, not a processed original. It never
replaces a file in the "processed" folder: a taken name becomes name-1, name-2...
"""

from __future__ import annotations

import asyncio
import errno
import os
import shutil
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

from upscaler_gui.core import log
from upscaler_gui.core.engine import Admission, Engine
from upscaler_gui.core.jobs import Job, JobState
from upscaler_gui.core.output import ensure_folder, numbered, place, temp_file
from upscaler_gui.core.tasks import TaskKeeper
from upscaler_gui.core.watch.files import current_stat
from upscaler_gui.core.watch.ledger import Book, LedgerEntry, Outcome
from upscaler_gui.core.watch.options import WatchEvents

FOLLOWED = frozenset({"new", "resumed", "duplicate"})


class Finisher:
    def __init__(
        self, engine: Engine, book: Book, events: WatchEvents, *, folder: Path, move_dir: Path | None
    ) -> None:
        self.engine, self.book, self.events = engine, book, events
        self.folder, self.move_dir = folder, move_dir
        self.own_outputs: set[str] = set()  # results any job wrote (they are never inputs)
        self._paths: dict[int, list[Path]] = {}  # job id -> watched files waiting on it
        self._keeper = TaskKeeper("watch: concluding", logger=log.watch)

    def attach(self) -> None:
        self.own_outputs.update(job.output_path for job in self.engine.jobs() if job.output_path)
        self.engine.events.job_did_change.connect(self._changed)
        self.engine.events.job_was_removed.connect(self._removed)

    async def detach(self, timeout_s: float) -> None:
        self.engine.events.job_did_change.disconnect(self._changed)
        self.engine.events.job_was_removed.disconnect(self._removed)
        await self._keeper.wait_and_close(timeout_s)

    # --- from the intake ------------------------------------------------------------------------------

    def admitted(self, path: Path, admission: Admission) -> None:
        """What the engine made of a file: follow its job, or conclude at once."""
        job, note = admission.job, admission.message
        if admission.decision in FOLLOWED:
            self.follow(path, self.engine.job(job.id) or job)
        elif admission.decision == "skipped":
            self._spawn(self._conclude(path, job, "skipped", note, movable=True))
        elif admission.decision == "ended_before":
            note = f"{note} (ended so in an earlier run)".lstrip()
            self._spawn(self._conclude(path, job, "failed", note, movable=False))
        else:  # busy: another process runs this image's job
            self._spawn(self._conclude(path, job, "skipped", note, movable=False))

    def follow(self, path: Path, job: Job) -> None:
        self._paths.setdefault(job.id, []).append(path)
        if job.finished:
            self._end(job)

    def lost(self, path: Path, job_id: int) -> None:
        """A queued file whose job no longer exists (removed in the window)."""
        entry = self.book.get(path)
        if entry is not None:
            self.book.record(entry.ended("skipped", f"job {job_id} was removed"))

    # --- from the engine ------------------------------------------------------------------------------

    def _changed(self, job: Job) -> None:
        if job.state == JobState.DONE and job.output_path:
            self.own_outputs.add(job.output_path)
        if job.finished and job.id in self._paths:
            self._end(job)

    def _removed(self, job_id: int) -> None:
        for path in self._paths.pop(job_id, []):
            self.lost(path, job_id)

    def _end(self, job: Job) -> None:
        outcome, note = _outcome(job)
        for path in self._paths.pop(job.id, []):
            self._spawn(self._conclude(path, job, outcome, note, movable=outcome == "done"))

    # --- concluding -------------------------------------------------------------------------------------

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        self._keeper.spawn(coro, "a watched file")

    async def _conclude(self, path: Path, job: Job, outcome: Outcome, note: str, *, movable: bool) -> None:
        entry = self.book.get(path)
        name = self.name(path)
        if entry is None or entry.job_id != job.id:
            # Replaced by new bytes (a new job) while this one ran: the ledger follows the new one.
            log.watch.info("%-9s %s (an earlier version of the file)", outcome, name)
            return
        if outcome == "done":
            log.watch.info("done      %s -> %s", name, job.output_path)
        else:
            log.watch.info("%-9s %s%s", outcome, name, f": {note}" if note else "")
        self.book.record(entry.ended(outcome, note if outcome != "done" else job.output_path or ""))
        self.events.file_did_finish.emit(path, job)
        if movable and self.move_dir is not None:
            await self._move(path, entry)

    async def _move(self, path: Path, entry: LedgerEntry) -> None:
        assert self.move_dir is not None
        if await asyncio.to_thread(current_stat, path) != entry.stat:
            log.watch.info("not moved %s: it changed or left since it was processed", self.name(path))
            return
        try:
            target = await asyncio.to_thread(move_into, path, self.move_dir)
        except OSError as exc:
            log.watch.warning(
                "could not move %s to %s: %s", self.name(path), self.move_dir, exc.strerror or exc
            )
            return
        log.watch.info("moved     %s -> %s", self.name(path), target)
        current = self.book.get(path) or entry
        self.book.record(current.ended("moved", str(target)))
        self.events.file_was_moved.emit(path, target)

    def name(self, path: Path) -> str:
        """The file as the user knows it: its path inside the watched folder."""
        try:
            return str(path.relative_to(self.folder))
        except ValueError:
            return str(path)


def _outcome(job: Job) -> tuple[Outcome, str]:
    if job.state == JobState.DONE:
        return "done", ""
    if job.state == JobState.SKIPPED:
        return "skipped", job.error or ""
    return "failed", job.error or str(job.state)


# --- moving a processed original ------------------------------------------------------------

_NO_LINKS = (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK)


def move_into(source: Path, folder: Path) -> Path:
    """Move `source` into `folder` as its name, or name-1, name-2, ... when taken. Blocks."""
    ensure_folder(folder)
    for candidate in numbered(folder / source.name):
        try:
            os.link(source, candidate)  # fails if the name is taken: nothing is ever replaced
        except FileExistsError:
            continue
        except OSError as exc:
            if exc.errno not in _NO_LINKS:
                raise
            return _copy_into(source, folder)  # another disk, or no hard links (FAT, some shares)
        source.unlink()
        return candidate
    raise FileExistsError(errno.EEXIST, "no free name", str(folder / source.name))


def _copy_into(source: Path, folder: Path) -> Path:
    """Copy into a hidden temp file there, give it a free name, then remove the original."""
    with temp_file(folder) as (temp, stream), source.open("rb") as original:
        shutil.copyfileobj(original, stream)
        stream.flush()
        os.fsync(stream.fileno())
        stream.close()
        shutil.copystat(source, temp)
        placed = place(temp, folder, source.name, "rename")
    assert placed is not None  # "rename" always finds a name or raises
    source.unlink()
    return placed
