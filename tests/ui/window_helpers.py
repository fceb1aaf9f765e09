"""Driving the real window on a qasync loop, as the app runs it, against the sim on loopback."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import qasync
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from upscaler_gui.core import settings as settings_store
from upscaler_gui.core.connection import Connection
from upscaler_gui.core.jobs import Job, JobState
from upscaler_gui.sim import SimConfig, SimServer
from upscaler_gui.ui.bridge.controller import EngineController
from upscaler_gui.ui.window.main_window import MainWindow

SCREENSHOTS = Path(__file__).parent / "screenshots"
KEY = "ui-test-key-123"


def run(loop: qasync.QEventLoop, coro: Coroutine[Any, Any, Any]) -> Any:
    """Run a whole test scenario, once.

    qasync's run_until_complete ends with a processEvents() after the running loop is cleared, so a
    task step that lands there runs "outside" asyncio. The app calls it once, after everything has
    closed; tests do the same: one call per test, with setup and teardown inside the coroutine.
    """
    return loop.run_until_complete(coro)


async def until(condition: Callable[[], bool], limit_s: float = 20.0, what: str = "condition") -> None:
    """Wait (letting Qt and asyncio run) until condition() holds."""
    deadline = time.monotonic() + limit_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.03)


@dataclass
class WindowEnv:
    window: MainWindow
    controller: EngineController
    sim: SimServer
    out: Path

    def jobs(self) -> list[Job]:
        return self.window.model.jobs()

    def states(self) -> list[JobState]:
        return [job.state for job in self.jobs()]

    async def connect(self) -> None:
        await self.controller.connect_kie(Connection(KEY, self.sim.base_url, self.sim.base_url))

    async def all_finished(self, count: int, limit_s: float = 30.0) -> None:
        await until(
            lambda: len(self.jobs()) >= count and all(j.finished for j in self.jobs()),
            limit_s,
            f"{count} finished jobs",
        )
        await until(lambda: not self.window.refresh_pending, what="the status line redrawn")

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.window.grab().save(str(path))
        return path


@asynccontextmanager
async def window_env(tmp_path: Path, **sim_options: Any) -> AsyncIterator[WindowEnv]:
    out = tmp_path / "out"
    settings = settings_store.load()  # what an earlier window of this test saved, if any
    settings.output_dir = str(out)
    settings_store.save(settings)
    sim_config = SimConfig(api_key=KEY, task_seconds=0.3, **sim_options)
    with SimServer(sim_config) as sim:
        controller = EngineController(settings)
        window = MainWindow(controller, settings)
        window.resize(1180, 720)
        window.show()
        env = WindowEnv(window, controller, sim, out)
        try:
            yield env
        finally:
            await window.keeper.close()
            await controller.close()
            window.thumbnails.close()
            window.deleteLater()


def file_mime(*paths: Path) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return mime


def drop(widget: Any, mime: QMimeData) -> bool:
    """A real drag-enter then drop on the widget, as a file manager or browser sends them."""
    enter = QDragEnterEvent(
        QPoint(20, 20),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(widget, enter)
    if not enter.isAccepted():
        return False
    event = QDropEvent(
        QPoint(20, 20),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(widget, event)
    return event.isAccepted()
