"""The task keeper: every background task owned, bounded, its errors handled once, closed on purpose."""

from __future__ import annotations

import asyncio
import gc
import warnings

import pytest

from upscaler_gui.core.errors import InputError
from upscaler_gui.core.tasks import KeeperClosedError, TaskKeeper


async def test_at_most_limit_tasks_run_at_once_and_all_finish() -> None:
    keeper = TaskKeeper("test", limit=2)
    running, peak = 0, 0

    async def work() -> None:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.01)
        running -= 1

    for _ in range(7):
        keeper.spawn(work())
    assert len(keeper) == 7
    await keeper.wait_and_close()
    assert peak == 2 and len(keeper) == 0


@pytest.mark.allow_warning_logs  # the bug below is logged as an error, on purpose
async def test_errors_go_to_the_one_handler_never_lost() -> None:
    seen: list[tuple[str, str]] = []
    keeper = TaskKeeper("test", on_error=lambda what, exc: seen.append((what, type(exc).__name__)))

    async def bug() -> None:
        raise ValueError("a bug")

    async def refused() -> None:
        raise InputError("that file is not an image")

    keeper.spawn(bug(), "checking a.png")
    keeper.spawn(refused(), "adding b.png")
    await keeper.wait_and_close()
    assert sorted(seen) == [("adding b.png", "InputError"), ("checking a.png", "ValueError")]


async def test_close_cancels_what_runs_and_what_waits_without_warnings() -> None:
    keeper = TaskKeeper("test", limit=1)
    started: list[int] = []

    async def forever(n: int) -> None:
        started.append(n)
        await asyncio.sleep(3600)

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "coroutine was never awaited" would fail here
        tasks = [keeper.spawn(forever(n)) for n in range(3)]
        await asyncio.sleep(0)
        await keeper.close()
        gc.collect()
    assert started == [0] and all(task.cancelled() for task in tasks)
    with pytest.raises(KeeperClosedError):
        keeper.spawn(forever(9))
