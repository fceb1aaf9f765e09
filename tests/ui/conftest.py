"""Qt tests run offscreen: no display needed, and no window flashes on a developer's screen."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


import asyncio
from collections.abc import Iterator

import pytest


@pytest.fixture(scope="session")
def _session_qloop(qapp: object) -> Iterator[asyncio.AbstractEventLoop]:
    """One qasync loop for the whole session, as the app has one for its lifetime.

    A loop per test leaks: qasync's close() only marks its timer object stopped, its Qt timers stay
    registered, and when the cyclic GC frees that object on a worker thread, Qt later fires a timer
    at freed memory (a segfault seen in full runs). Closed once, on the main thread, at the end.
    """
    import gc

    import qasync

    loop = qasync.QEventLoop(qapp)
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
