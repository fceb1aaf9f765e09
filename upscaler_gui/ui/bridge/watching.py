"""Watching a folder from the window, beside manual drops, on the same engine.

The watcher lives as long as the engine it feeds: stopped before the engine closes (a new key, quit),
started again on the new one if watching was on. The choice is remembered, so watching resumes at the
next launch.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal

from upscaler_gui.core import log
from upscaler_gui.core import settings as settings_store
from upscaler_gui.core.engine import Engine
from upscaler_gui.core.errors import UpscalerError
from upscaler_gui.core.settings import Settings
from upscaler_gui.core.watch import FolderWatcher, WatchOptions
from upscaler_gui.ui.bridge.output import output_options


class WatchController(QObject):
    changed = Signal(bool, str)  # watching now?, a sentence for the status bar
    file_arrived = Signal(str)

    def __init__(self, settings: Settings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.watcher: FolderWatcher | None = None
        self.demo = False  # the engine it feeds is the demo's: results go to the demo folder

    @property
    def watching(self) -> bool:
        return self.watcher is not None

    def options(self, folder: Path) -> WatchOptions:
        s = self.settings
        return WatchOptions(
            folder=folder,
            output=output_options(s, demo=self.demo),
            recursive=s.watch_recursive,
            settle_s=s.watch_settle_s,
            move_processed_dir=Path(s.watch_move_processed_dir) if s.watch_move_processed_dir else None,
            resume_check_s=None,  # in the window the user resumes; the status bar says why it paused
        )

    async def start(self, engine: Engine, folder: str) -> None:
        """Watch `folder` (remembered for the next launch); a folder that cannot be watched says why."""
        await self.suspend()
        watcher = FolderWatcher(engine, self.options(Path(folder)))
        watcher.events.file_did_arrive.connect(lambda path: self.file_arrived.emit(str(path)))
        try:
            await watcher.start()
        except UpscalerError as exc:
            self._remember(False, folder)
            self.changed.emit(False, exc.user_text())
            return
        self.watcher = watcher
        self._remember(True, folder)
        self.changed.emit(True, self.tr("Watching {folder}").format(folder=folder))

    async def stop(self) -> None:
        """The user turned watching off: remembered."""
        await self.suspend()
        self._remember(False, self.settings.watch_dir)
        self.changed.emit(False, self.tr("Stopped watching"))

    async def suspend(self) -> None:
        """Stop for now (the engine is about to close); the setting stays as it is."""
        watcher, self.watcher = self.watcher, None
        if watcher is not None:
            await watcher.stop()
            log.ui.info("watching %s paused", watcher.folder)

    async def resume_if_enabled(self, engine: Engine) -> None:
        if self.settings.watch_enabled and self.settings.watch_dir:
            await self.start(engine, self.settings.watch_dir)

    def _remember(self, enabled: bool, folder: str) -> None:
        self.settings.watch_enabled, self.settings.watch_dir = enabled, folder
        settings_store.save(self.settings)
