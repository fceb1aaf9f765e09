"""Coroutines started from Qt slots, each tracked: no fire-and-forget, errors reported, closed on quit.

Slots start work with `keeper.spawn(coro)` instead of `asyncio.ensure_future`, so that an exception is
logged and shown (never lost in "Task exception was never retrieved") and quitting can wait for or
cancel what runs.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from upscaler_gui.core import log
from upscaler_gui.core.errors import UpscalerError


class TaskKeeper:
    def __init__(self, on_error: Callable[[str], None]) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()
        self._on_error = on_error

    def spawn(self, coro: Coroutine[Any, Any, Any], what: str = "") -> asyncio.Task[Any]:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(lambda t: self._done(t, what))
        return task

    def _done(self, task: asyncio.Task[Any], what: str) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is None:
            return
        if isinstance(exc, UpscalerError):
            log.ui.info("%s: %s", what or "action", exc.user_text())
            self._on_error(exc.user_text())
        else:
            log.ui.error("%s failed", what or "action", exc_info=exc)
            self._on_error(f"{what or 'Action'} failed: {exc}")

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def __len__(self) -> int:
        return len(self._tasks)
