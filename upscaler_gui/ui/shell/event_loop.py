"""asyncio on Qt's event loop: qasync's QEventLoop, whose timers go away when they are cancelled.

qasync (0.28) starts one Qt timer per callback (`call_soon` is `call_later(0)`) and kills it only when it
fires: a cancelled timeout (every HTTP request's, every `wait_for`) kept its Qt timer registered until its
deadline, a minute later. During a batch thousands piled up, and Qt's timer bookkeeping is linear in
their number (QObject::killTimer, QTimerInfoList): every callback then cost the Qt thread more, and the
UI bench caught stalls of 30-50 ms with nothing but QObject::killTimer on the Qt thread's stack (perf).
qasync issue #35 (its fix, PR #58, was closed unmerged). Here a cancelled handle kills its timer at once,
and closing the loop kills the rest, so no Qt timer outlives its loop.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import qasync
from PySide6.QtCore import QObject, QThread, QTimerEvent
from PySide6.QtWidgets import QApplication

T = TypeVar("T")


class _QtTimerHandle(asyncio.Handle):
    """A callback waiting on a Qt timer; cancelling it stops the timer."""

    __slots__ = ("_timer_id", "_timers")

    def __init__(
        self,
        callback: Callable[..., object],
        args: tuple[Any, ...],
        loop: asyncio.AbstractEventLoop,
        context: contextvars.Context | None = None,
    ) -> None:
        super().__init__(callback, args, loop, context=context)
        self._timers: _Timers | None = None
        self._timer_id = 0

    def cancel(self) -> None:
        super().cancel()
        timers, self._timers = self._timers, None
        if timers is not None:
            timers.forget(self._timer_id)


class _Timers(QObject):
    """Takes the place of qasync's _SimpleTimer: one Qt timer per waiting callback, none left behind."""

    def __init__(self) -> None:
        super().__init__()
        self._handles: dict[int, asyncio.Handle] = {}
        self._stopped = False

    def add_callback(self, handle: asyncio.Handle, delay: float = 0) -> asyncio.Handle:
        timer_id = self.startTimer(int(max(0.0, delay) * 1000))  # milliseconds, as qasync
        self._handles[timer_id] = handle
        if isinstance(handle, _QtTimerHandle):
            handle._timers, handle._timer_id = self, timer_id
        return handle

    def timerEvent(self, event: QTimerEvent) -> None:  # noqa: N802 - Qt's name
        timer_id = event.timerId()
        self.killTimer(timer_id)
        handle = self._handles.pop(timer_id, None)
        if handle is not None and not handle.cancelled() and not self._stopped:
            handle._run()

    def forget(self, timer_id: int) -> None:
        """A cancelled callback: its timer stops now, not at its deadline. From another thread (which
        asyncio does not allow anyway) Qt cannot stop it: it then fires and is ignored."""
        if timer_id in self._handles and QThread.currentThread() is self.thread():
            del self._handles[timer_id]
            self.killTimer(timer_id)

    def stop(self) -> None:
        """The loop closed: every timer stops (a timer left on a deleted object fires at freed memory)."""
        self._stopped = True
        if QThread.currentThread() is self.thread():
            for timer_id in list(self._handles):
                self.killTimer(timer_id)
            self._handles.clear()

    def set_debug(self, enabled: bool) -> None:
        """qasync asks; its per-callback debug log is not kept."""

    def pending(self) -> int:
        """How many callbacks wait on a Qt timer."""
        return len(self._handles)


class QtAsyncLoop(qasync.QEventLoop):  # type: ignore[misc]  # qasync has no type hints
    """qasync's loop with `_Timers`: the one loop class of the app, its tests and its benchmarks."""

    def __init__(self, app: QApplication | None = None) -> None:
        super().__init__(app)
        self._timer = _Timers()

    def call_later(
        self,
        delay: float,
        callback: Callable[..., object],
        *args: Any,
        context: contextvars.Context | None = None,
    ) -> asyncio.Handle:
        if asyncio.iscoroutinefunction(callback):
            raise TypeError("coroutines cannot be used with call_later")
        if not callable(callback):
            raise TypeError(f"callback must be callable: {type(callback).__name__}")
        handle: asyncio.Handle = self._add_callback(_QtTimerHandle(callback, args, self, context), delay)
        return handle

    def pending_timers(self) -> int:
        """Callbacks waiting on a Qt timer (cancelled ones are not among them)."""
        timers: _Timers = self._timer
        return timers.pending()


class _Policy(asyncio.DefaultEventLoopPolicy):
    def new_event_loop(self) -> asyncio.AbstractEventLoop:
        return QtAsyncLoop(QApplication.instance())  # type: ignore[arg-type]


def run(main: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run(main)` on a QtAsyncLoop over the running QApplication (as `qasync.run`)."""
    previous = asyncio.get_event_loop_policy()
    asyncio.set_event_loop_policy(_Policy())
    try:
        return asyncio.run(main)
    finally:
        asyncio.set_event_loop_policy(previous)
