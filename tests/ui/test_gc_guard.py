"""Cyclic garbage dies on the Qt thread: a worker's allocations never run Qt destructors off it."""

from __future__ import annotations

import gc
import threading
from typing import ClassVar

import pytest
from pytestqt.qtbot import QtBot

from upscaler_gui.ui.shell.gc_guard import MainThreadCollector, generation_due


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ((700, 0, 0), None),  # not over the threshold yet
        ((701, 0, 0), 0),
        ((701, 10, 0), 0),
        ((701, 11, 0), 1),
        ((701, 11, 11), 2),
        ((5, 11, 11), None),  # older generations wait for the young one, as in CPython
    ],
)
def test_the_generation_due_follows_pythons_thresholds(
    counts: tuple[int, int, int], expected: int | None
) -> None:
    assert generation_due(counts, (700, 10, 10)) == expected
    assert generation_due(counts, (0, 10, 10)) is None  # a threshold of 0 turns collection off


class _Cycle:
    """Records the thread its finaliser runs on: where a Qt object in such a cycle would be destroyed."""

    died_on: ClassVar[list[int]] = []

    def __init__(self) -> None:
        self.me = self

    def __del__(self) -> None:
        _Cycle.died_on.append(threading.get_ident())


def test_a_cycle_dropped_by_a_worker_is_collected_on_the_qt_thread(qtbot: QtBot) -> None:
    collector = MainThreadCollector(interval_ms=10)
    collector.start()
    try:
        assert not gc.isenabled()
        _Cycle.died_on.clear()

        kept: list[list[int]] = []

        def worker() -> None:
            _Cycle()  # unreachable at once, but only the cyclic GC can free it
            kept.extend([n] for n in range(5_000))  # enough new objects to make a collection due here

        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
        assert _Cycle.died_on == []  # the worker's allocations collected nothing
        qtbot.waitUntil(lambda: bool(_Cycle.died_on), timeout=2000)
        assert _Cycle.died_on == [threading.get_ident()]
    finally:
        collector.stop()
    assert gc.isenabled()  # given back as found


def test_what_the_start_made_leaves_the_scans_and_comes_back_at_stop(qtbot: QtBot) -> None:
    """A full collection during a batch walks only what came after the start (the UI bench's longest
    GC pass fell from 28-98 ms to 4 ms); stop gives every object back to the collector."""
    _Cycle.died_on.clear()
    held = [_Cycle()]  # alive while the start ends, as a module or a Qt wrapper is
    collector = MainThreadCollector(interval_ms=10, freeze_after_ms=20)
    collector.start()
    try:
        qtbot.waitUntil(lambda: gc.get_freeze_count() > 0, timeout=2000)
        held.clear()
        gc.collect()
        assert _Cycle.died_on == []  # frozen: no collection looks at it any more
    finally:
        collector.stop()
    assert gc.get_freeze_count() == 0
    assert _Cycle.died_on  # given back and collected
