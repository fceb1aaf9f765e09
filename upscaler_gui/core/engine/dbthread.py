"""The store, awaited from the event loop but run on one worker thread.

An fsync'd SQLite commit takes milliseconds: on the window's loop that would be visible lag. One
thread keeps the writes in order; each `await` returns once the write is on disk.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import ParamSpec, Protocol, TypeVar

from upscaler_gui.core.jobs import Job
from upscaler_gui.core.store import JobStore

P = ParamSpec("P")
T = TypeVar("T")


class AsyncJobStore:
    def __init__(self, store: JobStore) -> None:
        self.store = store
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="job-store")

    async def run(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, partial(fn, *args, **kwargs))

    async def save(self, job: Job, *, durable: bool = False) -> Job:
        return await self.run(self.store.save, job, durable=durable)

    def close(self) -> None:
        self._pool.shutdown(wait=True)


class JobWriter(Protocol):
    """Write a job to the store (fsync'd with `durable`), then tell the listeners; the job as written."""

    async def __call__(self, job: Job, *, durable: bool = False) -> Job: ...
