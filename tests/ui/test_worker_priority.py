"""The window's workers yield the CPU to its Qt thread: their work runs at a lower priority, so a paint
does not queue behind upload preparation, result checks, thumbnails or compare copies (Linux, where a
nice value belongs to a thread)."""

from __future__ import annotations

import asyncio
import os
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from tests.imagefactory import write_image
from tests.ui.window_helpers import run
from upscaler_gui.ui.compare import previews
from upscaler_gui.ui.queue import thumbnails
from upscaler_gui.ui.shell.background import BACKGROUND_NICE, lower_this_thread
from upscaler_gui.ui.shell.event_loop import QtAsyncLoop

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a per-thread nice is Linux's")


def nice_here() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


@pytest.fixture(autouse=True)
def _window_priority_below_background() -> None:
    if nice_here() >= BACKGROUND_NICE:
        pytest.skip("the tests run niced already: workers cannot be shown to run below them")


def test_to_thread_work_runs_below_the_qt_thread(qloop: QtAsyncLoop) -> None:
    async def scenario() -> tuple[int, int]:
        qt_thread = nice_here()
        return qt_thread, await asyncio.to_thread(nice_here)  # how the engine prepares and checks files

    qt_thread, worker = run(qloop, scenario())
    assert worker == BACKGROUND_NICE
    assert nice_here() == qt_thread < BACKGROUND_NICE  # the Qt thread itself keeps its priority


def test_thumbnails_are_read_below_the_qt_thread(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    image = write_image(tmp_path / "photo.jpg", "JPEG", (400, 300))
    seen: list[int] = []
    real = thumbnails.load_thumbnail

    def spy(path: str, side: int) -> QImage:
        seen.append(nice_here())
        return real(path, side)

    monkeypatch.setattr(thumbnails, "load_thumbnail", spy)
    cache = thumbnails.ThumbnailCache(size=64, device_pixel_ratio=1.0)
    try:
        with qtbot.waitSignal(cache.thumbnail_ready, timeout=5000):
            assert cache.get(str(image)) is None
    finally:
        cache.close()
    assert seen == [BACKGROUND_NICE]


def test_compare_copies_are_made_below_the_qt_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []
    monkeypatch.setattr(previews, "_build_previews", lambda *_: seen.append(nice_here()))
    previews.submit_previews(object(), QImage(), QImage()).result(timeout=5)
    assert seen == [BACKGROUND_NICE]


def test_a_thread_started_lower_is_never_raised() -> None:
    found: list[int | None] = []

    def niced_start() -> None:  # as under `nice -n 15 crisp-upscaler`
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), BACKGROUND_NICE + 5)
        found.append(lower_this_thread())

    thread = threading.Thread(target=niced_start)
    thread.start()
    thread.join(timeout=5)
    assert found == [BACKGROUND_NICE + 5]
