"""The settle check: a file has arrived once its size and mtime held still for the settle time and it opens.

One timer per file on the loop, not a poll of the folder. An event only stamps the file's last
activity; when its timer fires early it re-arms itself for the rest, so a writer's thousands of
modify events cost no timer churn. The stat and the open run in a worker thread (a network share
can stall); the loop is never blocked.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from upscaler_gui.core import log
from upscaler_gui.core.tasks import TaskKeeper
from upscaler_gui.core.watch.files import FileStat, Probe, probe
from upscaler_gui.core.watch.options import MAX_UNREADABLE_TRIES

Arrived = Callable[[Path, Probe], None]


@dataclass
class _Pending:
    last_activity: float  # time.monotonic() of the last event for this file
    snapshot: FileStat | None  # the stat seen last (from a scan or an earlier check)
    handle: asyncio.TimerHandle | None = None
    unreadable: int = 0


class Settler:
    """Calls `arrived(path, probe)` once per settled file; a probe with `error` means it never opened."""

    def __init__(
        self, settle_s: float, arrived: Arrived, *, max_unreadable: int = MAX_UNREADABLE_TRIES
    ) -> None:
        self.settle_s = settle_s
        self._arrived = arrived
        self._max_unreadable = max_unreadable
        self._pending: dict[Path, _Pending] = {}
        self._checks = TaskKeeper("watch: settling", logger=log.watch)

    def __contains__(self, path: Path) -> bool:
        return path in self._pending

    def __len__(self) -> int:
        return len(self._pending)

    def touch(self, path: Path, snapshot: FileStat | None = None) -> None:
        """Something happened to `path` (or a scan found it changed): start or restart its settle time."""
        pending = self._pending.get(path)
        if pending is None:
            pending = self._pending[path] = _Pending(time.monotonic(), snapshot)
            self._arm(path, pending, self.settle_s)
        else:
            pending.last_activity = time.monotonic()

    def forget(self, path: Path) -> None:
        pending = self._pending.pop(path, None)
        if pending is not None and pending.handle is not None:
            pending.handle.cancel()

    async def close(self) -> None:
        for path in list(self._pending):
            self.forget(path)
        await self._checks.close()

    # --- timers ----------------------------------------------------------------------------------------

    def _arm(self, path: Path, pending: _Pending, delay: float) -> None:
        loop = asyncio.get_running_loop()
        pending.handle = loop.call_later(max(0.01, delay), self._due, path, pending)

    def _due(self, path: Path, pending: _Pending) -> None:
        if self._pending.get(path) is not pending:
            return
        quiet = time.monotonic() - pending.last_activity
        if quiet < self.settle_s:
            self._arm(path, pending, self.settle_s - quiet)
            return
        pending.handle = None
        self._checks.spawn(self._check(path, pending), path.name)

    async def _check(self, path: Path, pending: _Pending) -> None:
        checked_at = time.monotonic()
        found = await asyncio.to_thread(probe, path)
        if self._pending.get(path) is not pending:
            return  # forgotten (deleted, moved away, stopping) while we looked
        if found is None:
            self.forget(path)
            return
        if pending.last_activity > checked_at:  # written to while we looked
            pending.snapshot = found.stat
            self._arm(path, pending, self.settle_s)
            return
        wait = self._still_needed(pending, found)
        if wait > 0:
            pending.snapshot = found.stat
            self._arm(path, pending, wait)
            return
        del self._pending[path]
        self._arrived(path, found)

    def _still_needed(self, pending: _Pending, found: Probe) -> float:
        """Seconds more to wait; 0 when the file has arrived (or will never open and we give up)."""
        if pending.snapshot is not None and pending.snapshot != found.stat:
            return self.settle_s  # changed since we last looked: a slow writer between events
        age = time.time() - found.stat.mtime_ns / 1e9
        if 0 <= age < self.settle_s:
            return self.settle_s - age  # written within the settle time (events may have been missed)
        if age < 0 and pending.snapshot != found.stat:
            return self.settle_s  # mtime in the future (a share's clock): trust two equal stats only
        if found.error is not None:
            pending.unreadable += 1
            return self.settle_s if pending.unreadable < self._max_unreadable else 0.0
        return 0.0
