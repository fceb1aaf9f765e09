"""Making peace with the past at each start: the first watch of a folder, files gone, jobs under way."""

from __future__ import annotations

from pathlib import Path

from upscaler_gui.core import log
from upscaler_gui.core.engine import Engine
from upscaler_gui.core.watch.files import FileStat
from upscaler_gui.core.watch.finishing import Finisher
from upscaler_gui.core.watch.intake import Intake
from upscaler_gui.core.watch.ledger import EXISTING, Book, LedgerEntry


async def begin_folder(book: Book, found: dict[str, FileStat], *, include_existing: bool) -> None:
    """The first watch of this folder: what is there is left alone, unless asked for."""
    existing = (
        []
        if include_existing
        else [LedgerEntry.seen(Path(path), stat, "ignored", note=EXISTING) for path, stat in found.items()]
    )
    book.remember(*existing)
    await book.ledger.begin_folder(existing)  # the folder and its files in one transaction
    if existing:
        log.watch.info(
            "first watch of this folder: %d file(s) already there are left alone "
            "(--include-existing processes them)",
            len(existing),
        )


def forget_gone(book: Book, found: dict[str, FileStat]) -> None:
    """Drop entries of files no longer there (moved, deleted): the ledger stays the size of the folder.

    Safe for exactly-once: a file that comes back under that name is looked at again, and the engine
    knows its bytes (done once, it is skipped while its result exists).
    """
    gone = [entry.path for entry in book.entries() if entry.path not in found and entry.outcome != "queued"]
    if gone:
        book.forget(gone)


async def find_queued_jobs(engine: Engine, book: Book, finisher: Finisher, intake: Intake) -> None:
    """Files whose jobs were under way at the last stop: follow them to their end, never add twice."""
    for entry in book.queued():
        path, job_id = Path(entry.path), entry.job_id or 0
        running = engine.job(job_id)  # resumed by engine.start(resume=True), or added by someone else
        job = running or await engine.db.run(engine.db.store.get, job_id)
        if job is None:
            finisher.lost(path, job_id)
        elif job.finished or running is not None:
            finisher.follow(path, job)
        else:  # unfinished and not run here: the engine takes it up, or says which process holds it
            intake.readmit(path, entry.stat)
