"""Pacing KIE calls under the account's limits, shared fairly by every job.

Creates stay under 20 per sliding 10 s and recordInfo under 10 per second (KIE doc), with a small
margin for clock and network skew. Waiters are served first come, first served. A 429 lowers the
allowed rate and holds everyone back for the Retry-After (at most RETRY_AFTER_CAP_S: a server asking
for a day must not park the queue for a day); the rate recovers step by step after.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from upscaler_gui.core import log
from upscaler_gui.core.constants import (
    CREATE_LIMIT,
    CREATE_WINDOW_S,
    RECORD_LIMIT,
    RECORD_WINDOW_S,
    RETRY_AFTER_CAP_S,
)
from upscaler_gui.core.kie.pacing import RequestKind
from upscaler_gui.core.kie.retry import capped_retry_after

# The server counts a request when it arrives, somewhere between our sending it and its answer. Each
# request is stamped when sent and stamped again when it ends: the k-th answer comes after the k-th
# arrival, so the stamps never run ahead of the server's count, however long a busy machine takes to
# get a request out (seen: one 429 in 200 creates while 10 MB uploads ran). The windows also keep a
# margin: 10 s as 10.25 s, 1 s as 1.05 s (bench: 1.05x cost ~2 s per 100 images).
WINDOW_MARGIN_S = 0.25
WINDOW_MARGIN_SHARE = 0.05
BACKOFF_FACTOR = 0.5  # after a 429, allow half the rate
DEFAULT_HOLD_S = 2.0  # hold after a 429 that gave no Retry-After


@dataclass(frozen=True)
class Limit:
    count: int
    window_s: float


@dataclass
class _Stamp:
    at: float
    ended: bool = False


class SlidingWindow:
    """At most `limit.count` acquisitions in any `window_s` (times the margin)."""

    def __init__(
        self,
        limit: Limit,
        clock: Callable[[], float] = time.monotonic,
        retry_after_cap: float = RETRY_AFTER_CAP_S,
    ) -> None:
        self.limit = limit
        self._clock = clock
        self.retry_after_cap = retry_after_cap
        self._stamps: deque[_Stamp] = deque()
        self._lock = asyncio.Lock()  # FIFO: the job that asked first goes first
        self._allowed = float(limit.count)
        self._hold_until = 0.0
        self._changed_at = 0.0
        self.rate_limited = 0
        self.acquired = 0

    @property
    def window(self) -> float:
        return self.limit.window_s + min(WINDOW_MARGIN_S, self.limit.window_s * WINDOW_MARGIN_SHARE)

    async def acquire(self) -> None:
        async with self._lock:
            while (delay := self._delay()) > 0:  # noqa: ASYNC110 - waiting for time, not for an event
                await asyncio.sleep(delay)
            self._stamps.append(_Stamp(self._clock()))
            self.acquired += 1

    def ended(self) -> None:
        """One request has ended: the oldest one still open is stamped now (see the margin note)."""
        for stamp in self._stamps:
            if not stamp.ended:
                stamp.at, stamp.ended = self._clock(), True
                return

    def _delay(self) -> float:
        now = self._clock()
        if now < self._hold_until:
            return self._hold_until - now
        self._stamps = deque(s for s in self._stamps if now - s.at < self.window)
        self._recover(now)
        allowed = int(self._allowed)
        if len(self._stamps) < allowed:
            return 0.0
        times = sorted(s.at for s in self._stamps)  # a re-stamp can reorder them; at most a limit's worth
        return times[-allowed] + self.window - now

    def _recover(self, now: float) -> None:
        """Each calm window after a 429 allows one more request per window, up to the real limit."""
        if self._allowed < self.limit.count and now - self._changed_at >= self.window:
            self._allowed = min(float(self.limit.count), self._allowed + 1)
            self._changed_at = now

    @property
    def allowed(self) -> int:
        return int(self._allowed)

    def seed(self, seconds_ago: list[float]) -> None:
        """Count requests sent before this window existed (an earlier run, killed a moment ago)."""
        now = self._clock()
        for ago in sorted(seconds_ago, reverse=True):
            if 0 <= ago < self.window:
                self._stamps.append(_Stamp(now - ago, ended=True))

    def slow_down(self, retry_after: float | None) -> None:
        now = self._clock()
        self.rate_limited += 1
        self._allowed = max(1.0, self._allowed * BACKOFF_FACTOR)
        hold = capped_retry_after(retry_after, cap=self.retry_after_cap, what="KIE", logger=log.jobs)
        self._hold_until = max(self._hold_until, now + (hold or DEFAULT_HOLD_S))
        self._changed_at = now


class Pacer:
    """The engine's `RequestPacer`: one window for creates, one for recordInfo."""

    def __init__(
        self,
        create: Limit | None = None,
        record: Limit | None = None,
        clock: Callable[[], float] = time.monotonic,
        retry_after_cap: float = RETRY_AFTER_CAP_S,
    ) -> None:
        self.windows = {
            "create": SlidingWindow(create or Limit(CREATE_LIMIT, CREATE_WINDOW_S), clock, retry_after_cap),
            "record": SlidingWindow(record or Limit(RECORD_LIMIT, RECORD_WINDOW_S), clock, retry_after_cap),
        }

    async def acquire(self, kind: RequestKind) -> None:
        await self.windows[kind].acquire()

    def answered(self, kind: RequestKind) -> None:
        self.windows[kind].ended()

    def on_rate_limited(self, kind: RequestKind, retry_after: float | None) -> None:
        window = self.windows[kind]
        window.slow_down(retry_after)
        log.jobs.info(
            "KIE said too many %s requests: pacing at %.0f per %.1f s for a while",
            kind,
            window.allowed,
            window.window,
        )
