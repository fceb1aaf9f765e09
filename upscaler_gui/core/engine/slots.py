"""The transfer slots: how many uploads and downloads run at once, and who gets a slot first.

A download waiting for a slot goes before every upload waiting (issue 13): its result is ready and
paid for, while an upload only feeds creates that KIE's limit paces anyway (20 per 10 s), so a batch's
uploads queued at its start no longer hold back the results that come in meanwhile.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class TransferSlots:
    """At most `count` transfers at once; among those waiting, downloads first, each kind in turn."""

    def __init__(self, count: int) -> None:
        self._free = max(1, count)
        self._waiting: list[tuple[int, int, asyncio.Future[None]]] = []  # (0 download / 1 upload, turn, ...)
        self._turns = itertools.count()

    @asynccontextmanager
    async def slot(self, *, download: bool) -> AsyncIterator[None]:
        await self._take(0 if download else 1)
        try:
            yield
        finally:
            self._give()

    async def _take(self, rank: int) -> None:
        if self._free and not self._waiting:
            self._free -= 1
            return
        handed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (rank, next(self._turns), handed))
        try:
            await handed
        except asyncio.CancelledError:
            if handed.done() and not handed.cancelled():  # cancelled just as a slot was handed over
                self._give()
            raise

    def _give(self) -> None:
        """A slot is free: to the first waiter still waiting (a cancelled one is passed over)."""
        while self._waiting:
            _, _, handed = heapq.heappop(self._waiting)
            if not handed.done():
                handed.set_result(None)
                return
        self._free += 1
