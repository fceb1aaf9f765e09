"""Qt tests run offscreen: no display needed, and no window flashes on a developer's screen.

The offscreen screen is a 1920 x 1080 desktop monitor (offscreen-screen.json; Qt's own default is
800 x 800, where the window, kept inside its screen, could never have its default size). Another
platform asked for in QT_QPA_PLATFORM (xcb, to watch a test) is left alone.
"""

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

SCREEN_CONFIG = Path(__file__).with_name("offscreen-screen.json")
if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={SCREEN_CONFIG}"


@pytest.fixture(scope="session")
def _session_qloop(qapp: object) -> Iterator[asyncio.AbstractEventLoop]:
    """One qasync loop for the whole session, as the app has one for its lifetime.

    A loop per test leaks: qasync's close() only marks its timer object stopped, its Qt timers stay
    registered, and when the cyclic GC frees that object on a worker thread, Qt later fires a timer
    at freed memory (a segfault seen in full runs). Closed once, on the main thread, at the end.
    """
    import gc

    from upscaler_gui.ui.shell.event_loop import QtAsyncLoop

    loop = QtAsyncLoop(qapp)
    yield loop
    loop.close()
    gc.collect()


@pytest.fixture
def qloop(_session_qloop: asyncio.AbstractEventLoop) -> Iterator[asyncio.AbstractEventLoop]:
    """The session's qasync loop, current for this test: asyncio and Qt events run together; the cyclic
    GC runs on the Qt thread only, as in the app (ui/shell/gc_guard.py)."""
    from upscaler_gui.ui.shell.gc_guard import MainThreadCollector

    collector = MainThreadCollector()
    collector.start()
    asyncio.set_event_loop(_session_qloop)
    yield _session_qloop
    asyncio.set_event_loop(None)
    collector.stop()
    collector.deleteLater()


@pytest.fixture(scope="session", autouse=True)
def _app_as_run(qapp: object) -> None:
    """The application as run_app sets it up: closing the last window does not quit it (the app quits
    when its window says so). Qt's default quit, posted when a test's window was deleted, was handled
    after qasync's exec() had returned (its run_until_complete ends with a processEvents()), and only the
    next exec() clears a quit: every later nested loop (qtbot.waitSignal, a QEventLoop) then returned at
    once, and the thumbnail tests failed whenever they ran after a window test."""
    from PySide6.QtWidgets import QApplication

    assert isinstance(qapp, QApplication)
    qapp.setQuitOnLastWindowClosed(False)


@pytest.fixture(scope="session", autouse=True)
def _english_catalog(qapp: object) -> None:
    """English as the app installs it: its plural forms ("1 image", "3 images"); numbers as en_US
    writes them, whatever the machine's own locale."""
    from PySide6.QtCore import QLocale
    from PySide6.QtWidgets import QApplication

    from upscaler_gui.ui.shell.i18n import install_translations

    assert isinstance(qapp, QApplication)
    install_translations(qapp, "en")
    QLocale.setDefault(QLocale("en_US"))
