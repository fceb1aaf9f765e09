"""The transfer slots: never more transfers at once than the slots, and a download waiting goes first."""

from __future__ import annotations

import asyncio

from upscaler_gui.core.engine.slots import TransferSlots


async def test_a_waiting_download_goes_before_the_uploads_queued_ahead_of_it() -> None:
    slots = TransferSlots(1)
    started: list[str] = []
    release = asyncio.Event()

    async def transfer(name: str, *, download: bool) -> None:
        async with slots.slot(download=download):
            started.append(name)
            await release.wait()

    first = asyncio.create_task(transfer("upload 1", download=False))
    await asyncio.sleep(0)
    queued = [asyncio.create_task(transfer(f"upload {n}", download=False)) for n in (2, 3)]
    await asyncio.sleep(0)
    queued.append(asyncio.create_task(transfer("download", download=True)))
    await asyncio.sleep(0)
    assert started == ["upload 1"]  # one slot: the others wait
    release.set()
    await asyncio.gather(first, *queued)
    assert started == ["upload 1", "download", "upload 2", "upload 3"]


async def test_no_more_at_once_than_the_slots_and_a_cancelled_waiter_takes_none() -> None:
    slots = TransferSlots(2)
    now = peak = 0
    gate = asyncio.Event()

    async def transfer(download: bool) -> None:
        nonlocal now, peak
        async with slots.slot(download=download):
            now += 1
            peak = max(peak, now)
            await gate.wait()
            now -= 1

    tasks = [asyncio.create_task(transfer(n % 2 == 0)) for n in range(6)]
    await asyncio.sleep(0)
    tasks[4].cancel()  # waiting for a slot when cancelled: it must not keep one
    await asyncio.sleep(0)
    gate.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert peak == 2
    assert [isinstance(r, asyncio.CancelledError) for r in results] == [False] * 4 + [True, False]
    async with asyncio.timeout(1):  # every slot came back: two more go at once
        async with slots.slot(download=False), slots.slot(download=False):
            pass
