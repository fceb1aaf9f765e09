"""The app's asyncio loop on Qt: callbacks run as asyncio promises, and a cancelled one leaves no Qt timer
behind (qasync's own loop kept each until its deadline: thousands during a batch, and every callback
grew slower with their number)."""

from __future__ import annotations

import asyncio
import sys
import time

from PySide6.QtCore import QAbstractEventDispatcher, QEventLoop, QObject, QTimer

from tests.ui.window_helpers import run, until
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


def test_a_burst_of_ready_callbacks_lets_qt_in_between(qloop: QtAsyncLoop) -> None:
    """200 callbacks of 1 ms each (requests that start together): a Qt timer due meanwhile (paint, input,
    the window's clocks) runs before the burst ends, not after all 200 ms of it."""
    ran: list[int] = []
    qt_turn_at: list[int] = []

    def one_request(n: int) -> None:
        time.sleep(0.001)
        ran.append(n)

    async def scenario() -> None:
        QTimer.singleShot(1, lambda: qt_turn_at.append(len(ran)))  # a Qt timer, as the window's are
        for n in range(200):
            qloop.call_soon(one_request, n)
        await asyncio.sleep(0.01)
        await until(lambda: len(ran) == 200, what="the whole burst")

    run(qloop, scenario())
    assert ran == list(range(200))  # in order, every one
    assert qt_turn_at and qt_turn_at[0] < 50


def test_a_callback_that_schedules_itself_does_not_starve_qt(qloop: QtAsyncLoop) -> None:
    spins = 0
    qt_ran: list[int] = []

    def spin() -> None:
        nonlocal spins
        spins += 1
        if not qt_ran:
            qloop.call_soon(spin)

    async def scenario() -> None:
        qloop.call_soon(spin)
        QTimer.singleShot(5, lambda: qt_ran.append(spins))
        await asyncio.sleep(0.2)

    run(qloop, scenario())
    assert qt_ran  # the Qt timer got its turn while the callback kept coming back
    assert spins == qt_ran[0] + 1  # and it ran no more after that one


def test_a_cancelled_ready_callback_never_runs(qloop: QtAsyncLoop) -> None:
    ran: list[str] = []

    async def scenario() -> None:
        qloop.call_soon(ran.append, "kept")
        qloop.call_soon(ran.append, "cancelled").cancel()
        qloop.call_soon(ran.append, "kept too")
        await asyncio.sleep(0.02)

    run(qloop, scenario())
    assert ran == ["kept", "kept too"]


def test_worker_threads_hand_the_gil_back_sooner_while_the_window_loop_lives(qapp: object) -> None:
    """Python's 5 ms let a busy worker hold the Qt thread at every call into Qt (bench/gil_paint.py)."""
    kept = sys.getswitchinterval()
    sys.setswitchinterval(0.005)  # Python's own, as a CLI run has it
    try:
        loop = QtAsyncLoop()
        assert sys.getswitchinterval() <= 0.001
        loop.close()
        assert sys.getswitchinterval() == 0.005  # the CLI and other loops keep Python's own
    finally:
        sys.setswitchinterval(kept)


def test_a_nested_qt_loop_inside_a_callback_runs_the_rest_once(qloop: QtAsyncLoop) -> None:
    """A modal dialog's exec() inside a callback runs what was queued after it; nothing runs twice."""
    ran: list[str] = []

    def modal() -> None:
        nested = QEventLoop()
        QTimer.singleShot(30, nested.quit)
        nested.exec()  # as a dialog's exec() would
        ran.append("modal closed")

    async def scenario() -> None:
        qloop.call_soon(modal)
        for name in "abc":
            qloop.call_soon(ran.append, name)
        await asyncio.sleep(0.1)

    run(qloop, scenario())
    assert ran == ["a", "b", "c", "modal closed"]
