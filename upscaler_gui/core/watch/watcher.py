"""`FolderWatcher`: a watched folder feeding an engine, exactly once per file, across restarts.

Plain asyncio and plain callbacks: the command line runs it on `asyncio.run`, the window on its qasync
loop beside manual drops, sharing one engine that the caller owns (and closes).

    watcher = FolderWatcher(engine, WatchOptions(folder, output=OutputOptions(str(out))))
    watcher.events.file_did_finish.connect(on_finished)
    await watcher.start()
    ...
    await watcher.stop()
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from watchdog.observers.api import BaseObserver

from upscaler_gui.core import log
from upscaler_gui.core.engine import Engine
from upscaler_gui.core.errors import InputError, StoreError
from upscaler_gui.core.i18n import tr
from upscaler_gui.core.tasks import TaskKeeper
from upscaler_gui.core.watch.bridge import Change, EventBridge, start_observer, stop_observer
from upscaler_gui.core.watch.files import FileStat, scan
from upscaler_gui.core.watch.finishing import Finisher
from upscaler_gui.core.watch.intake import Intake
from upscaler_gui.core.watch.ledger import Book, Ledger, LedgerEntry
from upscaler_gui.core.watch.options import STOP_TIMEOUT_S, WatchEvents, WatchOptions
from upscaler_gui.core.watch.pausing import PauseKeeper
from upscaler_gui.core.watch.scope import Scope
from upscaler_gui.core.watch.settle import Settler
from upscaler_gui.core.watch.startup import begin_folder, find_queued_jobs, forget_gone


class FolderWatcher:
    def __init__(self, engine: Engine, options: WatchOptions, *, events: WatchEvents | None = None) -> None:
        self.engine = engine
        self.options = options.resolved()
        self.events = events or WatchEvents()
        output = Path(self.options.output.folder).expanduser().resolve()
        self.scope = Scope.build(
            self.options.folder, self.options.recursive, (output, self.options.move_processed_dir)
        )
        self._running = False
        self._keeper = TaskKeeper("watch", logger=log.watch)
        self._observer: BaseObserver | None = None
        self._folder_failed = False

    @property
    def folder(self) -> Path:
        return self.options.folder

    @property
    def running(self) -> bool:
        return self._running

    @property
    def settling(self) -> int:
        """Files waiting to hold still."""
        return len(self.settler) if self._running else 0

    # --- lifecycle ---------------------------------------------------------------------------------------

    async def start(self) -> None:
        """Watch from now on; files that arrived while stopped are picked up.

        `InputError` when the folder is missing, `StoreError` when the ledger cannot be opened.
        """
        if self._running:
            return
        if not await asyncio.to_thread(self.folder.is_dir):
            raise InputError(tr("The watch folder {folder} does not exist.").format(folder=self.folder))
        self._build(*await self._open_ledger())
        self._bridge = EventBridge(asyncio.get_running_loop(), self._on_changes)
        self.finisher.attach()
        self.pauses.attach()
        self._running = True
        try:
            self._observer = await asyncio.to_thread(self._start_observer)
            await self._first_look()
            await find_queued_jobs(self.engine, self.book, self.finisher, self.intake)
        except OSError as exc:  # the folder went away or cannot be watched
            await self.stop()
            raise InputError(
                tr("The watch folder {folder} cannot be watched ({cause}).").format(
                    folder=self.folder, cause=exc.strerror or exc
                )
            ) from exc
        except BaseException:
            await self.stop()
            raise
        self._keeper = TaskKeeper("watch", logger=log.watch)  # a new one each start: stop closes it
        self._keeper.spawn(self.intake.run(), "intake")
        if self.options.rescan_s:
            self._keeper.spawn(self._rescan_every(self.options.rescan_s), "rescan")
        log.watch.info("watching %s -> %s", self.folder, self.options.output.folder)

    async def stop(self) -> None:
        """Stop watching; jobs in the engine go on (the caller closes it). Returns within seconds."""
        if not self._running:
            return
        self._running = False
        await self._keeper.close()
        if self._observer is not None:
            await asyncio.to_thread(stop_observer, self._observer, STOP_TIMEOUT_S)
            self._observer = None
        await self.settler.close()
        await self.pauses.detach()
        await self.finisher.detach(STOP_TIMEOUT_S)
        await self.ledger.close()
        log.watch.info("stopped watching %s", self.folder)

    async def rescan(self) -> int:
        """Look at the whole folder now (stat only); how many files are new or changed."""
        try:
            found = await asyncio.to_thread(scan, self.scope)
        except OSError as exc:
            self._folder_unreadable(exc)
            return 0
        await self._folder_readable()
        return self._look_at(found)

    # --- starting ----------------------------------------------------------------------------------------

    async def _open_ledger(self) -> tuple[Ledger, dict[str, LedgerEntry], bool]:
        ledger = Ledger(self.engine.db.store.path, self.folder)
        try:
            entries, known = await ledger.open()
        except sqlite3.Error as exc:
            await ledger.close()
            raise StoreError(
                tr("The watch ledger in {path} cannot be opened ({cause}).").format(
                    path=ledger.db_path, cause=exc
                )
            ) from exc
        return ledger, entries, known

    def _build(self, ledger: Ledger, entries: dict[str, LedgerEntry], known: bool) -> None:
        options = self.options
        self.ledger, self._known = ledger, known
        self.book = Book(ledger, entries, include_existing=options.include_existing)
        self.finisher = Finisher(
            self.engine, self.book, self.events, folder=self.folder, move_dir=options.move_processed_dir
        )
        self.intake = Intake(self.engine, options.output, self.book, self.finisher, self.events)
        self.settler = Settler(options.settle_s, self.intake.offer)
        self.pauses = PauseKeeper(self.engine, self.events, options.resume_check_s)

    def _start_observer(self) -> BaseObserver:
        """Blocks (inotify adds a watch per folder; polling takes its first snapshot): a worker thread."""
        return start_observer(
            self.folder,
            self.options.recursive,
            self._bridge,
            poll=self.options.poll,
            poll_interval_s=self.options.poll_interval_s,
        )

    async def _first_look(self) -> None:
        """The watcher runs already (nothing is missed meanwhile); now what is there."""
        found = await asyncio.to_thread(scan, self.scope)
        if self._known:
            forget_gone(self.book, found)
        else:
            await begin_folder(self.book, found, include_existing=self.options.include_existing)
        if count := self._look_at(found):  # at a first start without include_existing: none
            log.watch.info("%d file(s) new or changed since the last watch", count)

    # --- changes -------------------------------------------------------------------------------------------

    def _on_changes(self, changes: list[Change]) -> None:
        """A batch from watchdog, on the loop."""
        if not self._running:
            return
        for change in changes:
            if change.kind == "gone":
                self.settler.forget(change.path)
            elif change.kind == "dir":
                if self.scope.wants_dir(change.path):
                    self._keeper.spawn(self._look_into(change.path), "a new folder")
            elif self.scope.wants_file(change.path) and change.path not in self.intake.offered:
                self.settler.touch(change.path)

    def _look_at(self, found: dict[str, FileStat]) -> int:
        """Start the settle time of every file found that the ledger does not know as it is."""
        count = 0
        for name, stat in found.items():
            if not self.book.is_new(name, stat):
                continue  # the common case, 10,000 times a minute: one dict lookup
            path = Path(name)
            if path not in self.settler and path not in self.intake.offered:
                self.settler.touch(path, stat)
                count += 1
        return count

    async def _look_into(self, folder: Path) -> None:
        """A folder created or moved in: its files may have come with it, before any event could."""
        self._look_at(await asyncio.to_thread(scan, self.scope, folder))

    async def _rescan_every(self, every_s: float) -> None:
        while True:
            await asyncio.sleep(every_s)
            await self.rescan()

    # --- the folder itself ----------------------------------------------------------------------------

    def _folder_unreadable(self, exc: OSError) -> None:
        if not self._folder_failed:
            self._folder_failed = True
            message = tr("The watch folder {folder} cannot be read ({cause}); trying again.").format(
                folder=self.folder, cause=exc.strerror or exc
            )
            log.watch.warning("%s", message)
            self.events.folder_did_fail.emit(message)

    async def _folder_readable(self) -> None:
        """Back after an outage: the old watch died with the folder, so watch it anew."""
        if not self._folder_failed:
            return
        self._folder_failed = False
        log.watch.info("the watch folder %s can be read again", self.folder)
        if self._observer is not None:
            await asyncio.to_thread(stop_observer, self._observer, STOP_TIMEOUT_S)
        self._observer = await asyncio.to_thread(self._start_observer)
