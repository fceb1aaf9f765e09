"""The app's asyncio loop on Qt: callbacks run as asyncio promises, and a cancelled one leaves no Qt timer
behind (qasync's own loop kept each until its deadline: thousands during a batch, and every callback
grew slower with their number)."""

from __future__ import annotations

import asyncio

from PySide6.QtCore import QAbstractEventDispatcher, QObject

from tests.ui.window_helpers import run
from upscaler_gui.ui.shell.event_loop import QtAsyncLoop


def _qt_timers(loop: QtAsyncLoop) -> int:
    timers = loop._timer
    assert isinstance(timers, QObject)
    dispatcher = QAbstractEventDispatcher.instance()
    assert dispatcher is not None
    return len(dispatcher.registeredTimers(timers))


def test_callbacks_run_in_order_and_a_cancelled_one_never(qloop: QtAsyncLoop) -> None:
    ran: list[str] = []

    async def scenario() -> None:
        for name in "abc":
            qloop.call_soon(ran.append, name)
        qloop.call_later(0.05, ran.append, "later")
        qloop.call_later(0.01, ran.append, "cancelled").cancel()
        await asyncio.sleep(0.15)

    run(qloop, scenario())
    assert ran == ["a", "b", "c", "later"]


def test_a_cancelled_timeout_leaves_no_qt_timer_behind(qloop: QtAsyncLoop) -> None:
    async def scenario() -> tuple[int, int, int]:
        before = _qt_timers(qloop)
        handles = [qloop.call_later(60, lambda: None) for _ in range(200)]
        waiting = _qt_timers(qloop)
        for handle in handles:  # as every HTTP request's timeout is, once it has its answer
            handle.cancel()
        for _ in range(20):  # wait_for's timeouts too
            await asyncio.wait_for(asyncio.sleep(0), timeout=60)
        return before, waiting, _qt_timers(qloop)

    before, waiting, after = run(qloop, scenario())
    assert waiting >= before + 200
    assert after <= before + 1  # at most the step of the test's own task
    assert qloop.pending_timers() <= after


def test_closing_the_loop_stops_its_timers(qapp: object) -> None:
    loop = QtAsyncLoop()
    for _ in range(5):
        loop.call_later(60, lambda: None)
    assert _qt_timers(loop) == 5
    loop.close()
    assert _qt_timers(loop) == 0  # none left to fire at the loop's timer object once it is freed
