"""Background tasks with an owner (aiojobs-like): every one tracked, bounded, errors handled in one place.

`spawn()` starts a coroutine as a task the keeper owns; at most `limit` run at once (the others wait
their turn inside their task). An exception nobody awaited goes to the keeper's one handler (logged,
and passed to `on_error`), never to "Task exception was never retrieved". `wait_and_close()` lets what
runs finish; `close()` cancels it; after either, nothing new is spawned. No task is fire-and-forget.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from upscaler_gui.core import log
from upscaler_gui.core.errors import UpscalerError

T = TypeVar("T")
ErrorHandler = Callable[[str, BaseException], None]


class KeeperClosedError(RuntimeError):
    """A task was spawned on a keeper that was closed (a programming error, not a user's)."""


class TaskKeeper:
    def __init__(
        self,
        name: str,
        *,
        limit: int | None = None,
        on_error: ErrorHandler | None = None,
        logger: logging.Logger = log.jobs,
    ) -> None:
        self.name = name
        self._tasks: set[asyncio.Task[Any]] = set()
        self._slots = asyncio.Semaphore(limit) if limit else None
        self._on_error = on_error
        self._log = logger
        self._closed = False

    def spawn(self, coro: Coroutine[Any, Any, T], what: str = "") -> asyncio.Task[T]:
        """Start `coro` as a task this keeper owns; `what` names it in logs and error messages."""
        if self._closed:
            coro.close()
            raise KeeperClosedError(f"{self.name}: closed, cannot start {what or coro!r}")
        task = asyncio.create_task(self._within_limit(coro), name=f"{self.name}:{what}" if what else None)
        self._tasks.add(task)
        task.add_done_callback(lambda done: self._ended(done, coro, what))
        return task

    async def _within_limit(self, coro: Coroutine[Any, Any, T]) -> T:
        if self._slots is None:
            return await coro
        async with self._slots:
            return await coro

    def _ended(self, task: asyncio.Task[Any], coro: Coroutine[Any, Any, Any], what: str) -> None:
        self._tasks.discard(task)
        coro.close()  # cancelled before it started (waiting for a slot, say): not "never awaited"
        if task.cancelled() or task.exception() is None:
            return
        self._handle(what, task.exception())  # type: ignore[arg-type]  # not None: checked above

    def _handle(self, what: str, exc: BaseException) -> None:
        """The one exception handler: a user-facing error is info, anything else a logged bug."""
        label = what or self.name
        if isinstance(exc, UpscalerError):
            self._log.info("%s: %s", label, exc.user_text())
        else:
            self._log.error("%s failed", label, exc_info=exc)
        if self._on_error is not None:
            self._on_error(label, exc)

    @property
    def closed(self) -> bool:
        return self._closed

    def __len__(self) -> int:
        return len(self._tasks)

    async def wait_and_close(self, timeout_s: float | None = None) -> None:
        """No new tasks; wait for those running (and those waiting for a slot) to end by themselves,
        for at most `timeout_s` if given; then cancel what is left."""
        self._closed = True
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=timeout_s)
        await self.close()

    async def close(self) -> None:
        """No new tasks; cancel what runs and wait until it has stopped."""
        self._closed = True
        while self._tasks:
            tasks = list(self._tasks)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
