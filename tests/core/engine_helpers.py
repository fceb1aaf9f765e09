"""Shared pieces for the engine tests: a sim, an engine on it with fast retries, an event recorder.

Plain context managers and functions rather than fixtures, so test modules import what they use.
"""

from __future__ import annotations

import asyncio
import functools
import http.server
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AsyncExitStack, asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.imagefactory import write_image
from upscaler_gui.core.constants import POLL_LESSONS_TO_PLAN
from upscaler_gui.core.engine import (
    Admission,
    Engine,
    EngineEvents,
    EngineOptions,
    Limit,
    Pacer,
    PauseReason,
    QueueSummary,
)
from upscaler_gui.core.engine import policy as engine_policy
from upscaler_gui.core.engine import polling as engine_polling
from upscaler_gui.core.jobs import ACTIVE, Job, JobState, OutputOptions
from upscaler_gui.core.kie import KieClient
from upscaler_gui.core.kie.retry import RetryPolicy
from upscaler_gui.core.output import TEMP_PREFIX, TEMP_SUFFIX
from upscaler_gui.core.sources import Item, expand
from upscaler_gui.core.store import JobStore
from upscaler_gui.sim import SimConfig, SimServer

KEY = "sim-key"
TASK_S = 0.1
MIN_POLL_GAP_S = 0.05  # the planner polls short sim tasks sooner than KIE tasks ever need
# Far above KIE's limits: pacing has its own tests; here it must not slow the engine tests down.
FAST_LIMIT = Limit(500, 1.0)
FAST_POLICY = RetryPolicy(base_delay=0.01, max_delay=0.05, retry_after_cap=0.2)
SETTLE_LIMIT_S = 30.0  # a guard against a hang, not a speed check

PIPELINE = [
    JobState.QUEUED,
    JobState.UPLOADING,
    JobState.SUBMITTING,
    JobState.POLLING,
    JobState.DOWNLOADING,
    JobState.DONE,
]


def fast_rounds(monkeypatch: pytest.MonkeyPatch) -> None:
    """Engine-level backoff between rounds in milliseconds instead of seconds."""
    monkeypatch.setattr(engine_policy, "ROUND_BASE_S", 0.02)
    monkeypatch.setattr(engine_policy, "ROUND_CAP_S", 0.1)
    monkeypatch.setattr(engine_policy, "RATE_LIMIT_WAIT_S", 0.05)


@contextmanager
def running_sim(tmp_path: Path, **config: Any) -> Iterator[SimServer]:
    """A sim with short tasks and its own limiter off, unless a test sets them."""
    settings: dict[str, Any] = {
        "task_seconds": TASK_S,
        "create_limit": 0,
        "record_limit": 0,
        "storage_dir": tmp_path,
    }
    settings.update(config)
    with SimServer(SimConfig(**settings)) as sim:
        yield sim


def _http(base_url: str | None, read_timeout: float) -> httpx.AsyncClient:
    timeout = httpx.Timeout(connect=5.0, read=read_timeout, write=10.0, pool=10.0)
    return httpx.AsyncClient(
        base_url=base_url or "", timeout=timeout, follow_redirects=base_url is None, trust_env=False
    )


@asynccontextmanager
async def engine_on(
    sim: SimServer,
    store_path: Path,
    *,
    options: EngineOptions | None = None,
    events: EngineEvents | None = None,
    resume: bool = False,
    key: str = KEY,
    policy: RetryPolicy = FAST_POLICY,
    create_limit: Limit = FAST_LIMIT,
    record_limit: Limit = FAST_LIMIT,
    read_timeout: float = 10.0,
    learned_s: float | None = TASK_S,
    retry_after_cap: float | None = None,
) -> AsyncIterator[Engine]:
    """Like `open_engine`, with a fast retry policy and a chosen read timeout.

    `learned_s` tells the poll planner how long tasks take, as if it had seen some finish: the first
    poll then comes near the sim's task time instead of at KIE's 2 s guidance. While the block runs,
    the planner's smallest gap between polls is MIN_POLL_GAP_S.
    """
    pacer = Pacer(create=create_limit, record=record_limit)
    if retry_after_cap is not None:
        pacer = Pacer(create=create_limit, record=record_limit, retry_after_cap=retry_after_cap)
    store = JobStore(store_path)
    async with AsyncExitStack() as stack:
        stack.callback(setattr, engine_polling, "MIN_GAP_S", engine_polling.MIN_GAP_S)
        engine_polling.MIN_GAP_S = MIN_POLL_GAP_S
        stack.callback(store.close)
        api = await stack.enter_async_context(_http(sim.base_url, read_timeout))
        upload = await stack.enter_async_context(_http(sim.base_url, read_timeout))
        files = await stack.enter_async_context(_http(None, read_timeout))
        client = KieClient(api=api, upload=upload, files=files, api_key=key, policy=policy, pacer=pacer)
        engine = Engine(client, store, pacer=pacer, options=options or EngineOptions(), events=events)
        if learned_s is not None:
            for _ in range(POLL_LESSONS_TO_PLAN):
                engine.planner.learn(learned_s)
        stack.push_async_callback(engine.close)
        await engine.start(resume=resume)
        yield engine


class EventLog:
    """Everything the engine tells its listeners, and the most jobs seen at once in given states."""

    def __init__(self, events: EngineEvents | None = None, watch: frozenset[JobState] = ACTIVE) -> None:
        self.events = events or EngineEvents()
        self.changes: list[Job] = []
        self.drains: list[QueueSummary] = []
        self.pauses: list[PauseReason] = []
        self.resumes = 0
        self.removed: list[int] = []
        self.watch = watch
        self._current: dict[int, JobState] = {}
        self.peak = 0
        self.events.job_did_change.connect(self._changed)
        self.events.queue_did_drain.connect(self.drains.append)
        self.events.queue_did_pause.connect(self.pauses.append)
        self.events.queue_did_resume.connect(self._resumed)
        self.events.job_was_removed.connect(self.removed.append)

    def _changed(self, job: Job) -> None:
        self.changes.append(job)
        self._current[job.id] = job.state
        self.peak = max(self.peak, sum(state in self.watch for state in self._current.values()))

    def _resumed(self) -> None:
        self.resumes += 1

    def states(self, job_id: int) -> list[JobState]:
        """The job's states in the order they were announced, repeats folded."""
        seen: list[JobState] = []
        for job in self.changes:
            if job.id == job_id and (not seen or seen[-1] != job.state):
                seen.append(job.state)
        return seen


async def settle(engine: Engine) -> list[Job]:
    """Wait until every job ended or waits on a pause (bounded, so a bug fails instead of hanging)."""
    async with asyncio.timeout(SETTLE_LIMIT_S):
        await engine.wait_settled()
    return engine.jobs()


async def wait_for(condition: Callable[[], bool], what: str) -> None:
    """Until `condition()` holds, checked on the loop; bounded, so a bug fails instead of hanging."""
    try:
        async with asyncio.timeout(SETTLE_LIMIT_S):
            while not condition():  # noqa: ASYNC110 - the condition is in another thread (the sim)
                await asyncio.sleep(0.01)
    except TimeoutError:
        raise AssertionError(f"never happened: {what}") from None


async def run_batch(
    engine: Engine, given: list[str | Path], out: Path, **add_args: Any
) -> tuple[list[Admission], list[Job]]:
    """Add inputs, wait until settled; the admissions and the engine's jobs."""
    admissions = await engine.add(items(*given), options_for(out), **add_args)
    return admissions, await settle(engine)


def options_for(folder: Path, **changes: Any) -> OutputOptions:
    return OutputOptions(folder=str(folder), **changes)


def items(*given: str | Path) -> list[Item]:
    return expand([str(g) for g in given])


def images(folder: Path, count: int, fmt: str = "PNG", size: tuple[int, int] = (48, 36)) -> list[Path]:
    """`count` different small images (each a different color, so different content)."""
    ext = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}[fmt]
    return [
        write_image(folder / f"img{i}.{ext}", fmt, size, color=(10 + i * 7 % 240, 20 + i, 200 - i))
        for i in range(count)
    ]


def temp_files(folder: Path) -> list[Path]:
    """Our half-written downloads left in an output folder (there must never be any)."""
    if not folder.exists():
        return []
    return [p for p in folder.iterdir() if p.name.startswith(TEMP_PREFIX) and p.name.endswith(TEMP_SUFFIX)]


def assert_all_created_once(sim: SimServer) -> None:
    assert sim.wait_idle(10)
    by_image = sim.stats.creates_by_image
    assert by_image, "no image reached the sim"
    assert set(by_image.values()) == {1}, by_image


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Silent."""


@contextmanager
def serve_folder(folder: Path) -> Iterator[str]:
    """An http server on 127.0.0.1 serving `folder`: a "remote" image URL that stays on this machine."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
