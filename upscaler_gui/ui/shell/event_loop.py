"""asyncio on Qt's event loop: qasync's QEventLoop, whose timers go away when they are cancelled.

qasync (0.28) starts one Qt timer per callback (`call_soon` is `call_later(0)`) and kills it only when it
fires: a cancelled timeout (every HTTP request's, every `wait_for`) kept its Qt timer registered until its
deadline, a minute later. During a batch thousands piled up, and Qt's timer bookkeeping is linear in
their number (QObject::killTimer, QTimerInfoList): every callback then cost the Qt thread more, and the
UI bench caught stalls of 30-50 ms with nothing but QObject::killTimer on the Qt thread's stack (perf).
qasync issue #35 (its fix, PR #58, was closed unmerged). Here a cancelled handle kills its timer at once,
and closing the loop kills the rest, so no Qt timer outlives its loop.

Ready callbacks (`call_soon`, socket readiness, a timer whose time has come) wait in one queue that a
single zero-delay Qt timer works through in slices of at most `SLICE_S`, as asyncio's own loop runs what
was ready when its pass began. With one Qt timer per callback, Qt ran every callback that was due in a
single pass with no paint or input between them: 200 requests starting together held the window for
80 ms while each was cheap (the UI bench, raised limits: httpx's pool checks per request).
"""

from __future__ import annotations

import asyncio
import contextvars
import sys
import time
from collections import deque
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import qasync
from PySide6.QtCore import QObject, QThread, QTimerEvent
from PySide6.QtWidgets import QApplication

from upscaler_gui.ui.shell.background import DEFAULT_WORKERS, background_executor

T = TypeVar("T")

# choice: ready callbacks run for at most this long before Qt gets its turn (paint, input, its timers);
# well under a 16 ms frame, and long enough that a pass's own cost (~50 us) stays around 1%.
SLICE_S = 0.004
# choice: how long a worker thread (a thumbnail, a result check) may keep the GIL once the Qt thread asks
# for it; Python's 5 ms made a paint that hands the GIL back and forth on every call into Qt wait 5 ms
# each time: a queue paint of ~7 ms took a median 190 ms beside two busy threads, 23 ms at 0.5 ms
# (bench/gil_paint.py). The cost is more handovers between workers, which are few.
GIL_SWITCH_S = 0.0005


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
    """Takes the place of qasync's _SimpleTimer: a Qt timer per delayed callback, none left behind, and
    one queue of ready callbacks run in slices."""

    def __init__(self) -> None:
        super().__init__()
        self._handles: dict[int, asyncio.Handle] = {}
        self._ready: deque[asyncio.Handle] = deque()
        self._drain_timer = 0  # the zero-delay timer that runs `_ready`, while it has anything
        self._stopped = False

    def add_callback(self, handle: asyncio.Handle, delay: float = 0) -> asyncio.Handle:
        if delay <= 0:
            self._make_ready(handle)
            return handle
        timer_id = self.startTimer(int(delay * 1000))  # milliseconds, as qasync
        self._handles[timer_id] = handle
        if isinstance(handle, _QtTimerHandle):
            handle._timers, handle._timer_id = self, timer_id
        return handle

    def timerEvent(self, event: QTimerEvent) -> None:  # noqa: N802 - Qt's name
        timer_id = event.timerId()
        if timer_id == self._drain_timer:
            self._run_ready()
            return
        self.killTimer(timer_id)
        handle = self._handles.pop(timer_id, None)
        if isinstance(handle, _QtTimerHandle):
            handle._timers = None  # its timer is gone: a later cancel() must not stop one that took its id
        if handle is not None and not handle.cancelled():
            self._make_ready(handle)

    def _make_ready(self, handle: asyncio.Handle) -> None:
        if self._stopped:
            return
        self._ready.append(handle)
        if not self._drain_timer:
            self._drain_timer = self.startTimer(0)

    def _run_ready(self) -> None:
        """What was ready when this pass began, until the slice is spent; the rest in a later pass."""
        # A fresh timer for the rest: Qt does not re-enter a timer's event, so a nested Qt loop started
        # by a callback (a modal exec()) would otherwise run no asyncio callback until it returned.
        self.killTimer(self._drain_timer)
        self._drain_timer = self.startTimer(0)
        deadline = time.monotonic() + SLICE_S
        for _ in range(len(self._ready)):
            if self._stopped or not self._ready:  # closed, or a nested Qt loop ran the rest
                break
            handle = self._ready.popleft()
            if not handle.cancelled():
                handle._run()
            if time.monotonic() >= deadline:
                break
        if not self._ready and self._drain_timer:
            self.killTimer(self._drain_timer)
            self._drain_timer = 0

    def forget(self, timer_id: int) -> None:
        """A cancelled callback: its timer stops now, not at its deadline. From another thread (which
        asyncio does not allow anyway) Qt cannot stop it: it then fires and is ignored."""
        if timer_id in self._handles and QThread.currentThread() is self.thread():
            del self._handles[timer_id]
            self.killTimer(timer_id)

    def stop(self) -> None:
        """The loop closed: every timer stops (a timer left on a deleted object fires at freed memory)."""
        self._stopped = True
        self._ready.clear()
        if QThread.currentThread() is self.thread():
            for timer_id in [*self._handles, self._drain_timer]:
                if timer_id:
                    self.killTimer(timer_id)
            self._handles.clear()
            self._drain_timer = 0

    def set_debug(self, enabled: bool) -> None:
        """qasync asks; its per-callback debug log is not kept."""

    def pending(self) -> int:
        """How many callbacks wait on a Qt timer (ready ones wait in the queue, not on one)."""
        return len(self._handles)


class QtAsyncLoop(qasync.QEventLoop):  # type: ignore[misc]  # qasync has no type hints
    """qasync's loop with `_Timers`: the one loop class of the app, its tests and its benchmarks."""

    def __init__(self, app: QApplication | None = None) -> None:
        super().__init__(app)
        self._timer = _Timers()
        # `asyncio.to_thread` work (upload preparation, result checks) yields the CPU to the Qt thread
        self.set_default_executor(background_executor(DEFAULT_WORKERS, "worker"))
        self._switch_before = sys.getswitchinterval()
        sys.setswitchinterval(GIL_SWITCH_S)  # the GIL back to the Qt thread sooner, while this loop lives

    def close(self) -> None:
        if not self.is_running() and not self.is_closed():
            sys.setswitchinterval(self._switch_before)
        super().close()

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
