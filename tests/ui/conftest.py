"""Qt tests run offscreen: no display needed, and no window flashes on a developer's screen."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


import asyncio
from collections.abc import Iterator

import pytest


@pytest.fixture
def qloop(qapp: object) -> Iterator[asyncio.AbstractEventLoop]:
    """A qasync loop on the test's QApplication: asyncio and Qt events run together, as in the app."""
    import qasync

    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    yield loop
    loop.run_until_complete(asyncio.sleep(0))
    asyncio.set_event_loop(None)
    loop.close()
