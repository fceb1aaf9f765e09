"""From a settled file to an engine job: checked against the ledger, sniffed, added in batches.

Adds go through one worker, one batch at a time: two concurrent `engine.add`s of the same bytes could
both miss the other's job and make two (the engine dedupes within one add and against the store).
Whatever arrives while a batch is being added makes the next batch, so a burst of 200 files costs a
few adds, not 200.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from upscaler_gui.core import log
from upscaler_gui.core.engine import Engine
from upscaler_gui.core.errors import UpscalerError
from upscaler_gui.core.i18n import tr
from upscaler_gui.core.images import describe_other, sniff_format
from upscaler_gui.core.input_formats import sniff_convertible
from upscaler_gui.core.jobs import OutputOptions
from upscaler_gui.core.sources import IMAGE_SUFFIXES, Source
from upscaler_gui.core.watch.files import FileStat, Probe
from upscaler_gui.core.watch.finishing import Finisher
from upscaler_gui.core.watch.ledger import Book, LedgerEntry
from upscaler_gui.core.watch.options import WatchEvents

BATCH_MAX = 200  # files per engine.add: large enough for bursts, small enough to keep adds short


class Intake:
    def __init__(
        self, engine: Engine, output: OutputOptions, book: Book, finisher: Finisher, events: WatchEvents
    ) -> None:
        self.engine, self.output, self.book = engine, output, book
        self.finisher, self.events = finisher, events
        self.offered: set[Path] = set()  # handed over, not yet in the ledger: no second look meanwhile
        self._queue: asyncio.Queue[tuple[Path, FileStat]] = asyncio.Queue()

    def offer(self, path: Path, probe: Probe) -> None:
        """A settled file (called on the loop by the settler): queue it if it is a new image."""
        if path in self.offered or not self.book.is_new(path, probe.stat):
            return  # nothing changed since we last recorded it (a chmod, a touch by another program)
        reason = self._refusal(path, probe)
        if reason is not None:
            self._ignore(path, probe.stat, *reason)
            return
        self.readmit(path, probe.stat)

    def readmit(self, path: Path, stat: FileStat) -> None:
        """Queue a file for the engine without the checks (a known image whose job must be found again)."""
        self.offered.add(path)
        self._queue.put_nowait((path, stat))

    def _refusal(self, path: Path, probe: Probe) -> tuple[str, bool] | None:
        """Why this file is not an input (and whether to say so at info level), or None."""
        if str(path) in self.finisher.own_outputs:
            return tr("a result of ours"), False
        if probe.error is not None:
            return tr("it cannot be read ({cause})").format(cause=probe.error), True
        if probe.stat.size == 0:
            return tr("empty (0 bytes)"), False  # often a file about to be written: its write brings it back
        if sniff_format(probe.head) is None and sniff_convertible(probe.head) is None:
            what = describe_other(probe.head)
            # Said aloud for names that look like images; a folder's sidecar files are passed over quietly.
            loud = path.suffix.lower() in IMAGE_SUFFIXES
            return tr("this is {what}, not an image we can upscale").format(what=what), loud
        return None

    def _relpath(self, path: Path) -> str:
        """The file's subfolder in the watched folder ('' at its top), for {relpath} and --keep-tree."""
        try:
            relpath = path.parent.relative_to(self.finisher.folder).as_posix()
        except ValueError:
            return ""
        return "" if relpath == "." else relpath

    def _ignore(self, path: Path, stat: FileStat, note: str, loud: bool) -> None:
        (log.watch.info if loud else log.watch.debug)("ignored   %s: %s", self.finisher.name(path), note)
        self.book.record(LedgerEntry.seen(path, stat, "ignored", note=note))
        self.events.file_was_ignored.emit(path, note)

    # --- the worker ----------------------------------------------------------------------------------

    async def run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while not self._queue.empty() and len(batch) < BATCH_MAX:
                batch.append(self._queue.get_nowait())
            try:
                await self._admit(batch)
            except UpscalerError as exc:  # the store is busy or broken: files stay new for the next look
                log.watch.warning(
                    "could not queue %d file(s): %s; the next rescan tries again", len(batch), exc
                )
            except Exception:  # a bug must not end the intake: log it, keep taking files
                log.watch.exception("could not queue %d file(s); the next rescan tries again", len(batch))
            finally:
                self.offered.difference_update(path for path, _ in batch)

    async def _admit(self, batch: list[tuple[Path, FileStat]]) -> None:
        ours = await self.book.ledger.outputs_among([str(path) for path, _ in batch])
        for path, stat in batch:
            if str(path) in ours:
                self._ignore(path, stat, tr("a result of ours"), False)
        batch = [(path, stat) for path, stat in batch if str(path) not in ours]
        if not batch:
            return
        sources = [Source("file", str(path), path=path, relpath=self._relpath(path)) for path, _ in batch]
        admissions = await self.engine.add(sources, self.output)
        entries = [
            LedgerEntry.seen(path, stat, "queued", content_hash=adm.job.content_hash, job_id=adm.job.id)
            for (path, stat), adm in zip(batch, admissions, strict=True)
        ]
        self.book.record(*entries)  # before any conclusion below, so the ledger sees them in order
        for (path, _), admission in zip(batch, admissions, strict=True):
            if admission.decision in ("new", "resumed", "duplicate"):
                log.watch.info("arrived   %s", self.finisher.name(path))
                self.events.file_did_arrive.emit(path)
            self.finisher.admitted(path, admission)
