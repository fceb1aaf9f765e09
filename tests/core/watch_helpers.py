"""Shared pieces for the watch tests: a sim, an engine and a started FolderWatcher on it, an event log.

Real files in tmp_path, the sim on 127.0.0.1 with short tasks, settle times of a fraction of a second.
Every wait is bounded: a bug fails a test instead of hanging it.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from PIL import Image

from tests.imagefactory import image_bytes
from upscaler_gui.core.constants import POLL_LESSONS_TO_PLAN
from upscaler_gui.core.engine import Engine, EngineOptions, Limit, open_engine
from upscaler_gui.core.jobs import Job, JobState, OutputOptions
from upscaler_gui.core.watch import FolderWatcher, WatchEvents, WatchOptions
from upscaler_gui.sim import SimConfig, SimServer

KEY = "sim-key"
TASK_S = 0.2
SETTLE_S = 0.4
FAST_LIMIT = Limit(500, 1.0)  # pacing has its own tests: here it must not slow anything down
WAIT_LIMIT_S = 30.0


@contextmanager
def running_sim(tmp_path: Path, **config: Any) -> Iterator[SimServer]:
    settings: dict[str, Any] = {
        "task_seconds": TASK_S,
        "create_limit": 0,
        "record_limit": 0,
        "storage_dir": tmp_path,
        "api_key": KEY,
    }
    settings.update(config)
    with SimServer(SimConfig(**settings)) as sim:
        yield sim


def watch_options(folder: Path, out: Path, **changes: Any) -> WatchOptions:
    base = WatchOptions(
        folder=folder, output=OutputOptions(folder=str(out)), settle_s=SETTLE_S, rescan_s=None
    )
    return replace(base, **changes)


@dataclass
class WatchLog:
    """What the watcher told its listeners, by path."""

    arrived: list[Path] = field(default_factory=list)
    finished: dict[Path, Job] = field(default_factory=dict)
    ignored: dict[Path, str] = field(default_factory=dict)
    moved: dict[Path, Path] = field(default_factory=dict)
    pauses: list[str] = field(default_factory=list)

    def listen(self, events: WatchEvents) -> None:
        events.file_did_arrive.connect(self.arrived.append)
        events.file_did_finish.connect(self.finished.__setitem__)
        events.file_was_ignored.connect(self.ignored.__setitem__)
        events.file_was_moved.connect(self.moved.__setitem__)
        events.did_pause.connect(lambda reason: self.pauses.append(reason.kind))

    def done(self) -> dict[Path, Job]:
        return {path: job for path, job in self.finished.items() if job.state == JobState.DONE}


@asynccontextmanager
async def engine_for(sim: SimServer, options: WatchOptions, *, resume: bool = True) -> AsyncIterator[Engine]:
    """An engine on the sim, owned as the watch command owns it, with fast pacing and learned polls."""
    async with open_engine(
        api_key=KEY,
        api_base=sim.base_url,
        upload_base=sim.base_url,
        options=EngineOptions(owner=options.resolved().owner),
        create_limit=FAST_LIMIT,
        record_limit=FAST_LIMIT,
        resume=resume,
    ) as engine:
        for _ in range(POLL_LESSONS_TO_PLAN):  # first poll near the sim's task time, not at KIE's 2 s
            engine.planner.learn(TASK_S)
        yield engine


@asynccontextmanager
async def watching(sim: SimServer, options: WatchOptions) -> AsyncIterator[tuple[FolderWatcher, WatchLog]]:
    """A started watcher on its own engine; stopped (then the engine closed) when the block ends."""
    async with engine_for(sim, options) as engine:
        watcher = FolderWatcher(engine, options)
        seen = WatchLog()
        seen.listen(watcher.events)
        await watcher.start()
        try:
            yield watcher, seen
        finally:
            await watcher.stop()


async def wait_until(check: Callable[[], bool], what: str, limit_s: float = WAIT_LIMIT_S) -> None:
    deadline = time.monotonic() + limit_s
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


def distinct_image(index: int, fmt: str = "PNG", size: tuple[int, int] = (48, 36)) -> bytes:
    """A small real image, different bytes for each index."""
    return image_bytes(fmt, size, color=(index * 7 % 256, index * 13 % 256, 255 - index % 256))


def put_image(path: Path, index: int = 0, size: tuple[int, int] = (48, 36)) -> Path:
    """Write atomically (temp name, then rename), as a careful program saves."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.tmp")
    temp.write_bytes(distinct_image(index, size=size))
    temp.replace(path)
    return path


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def image_size(path: Path) -> tuple[int, int]:
    with Image.open(path) as image:
        return image.size


def outputs(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.is_file()) if out.exists() else []


def created_once(sim: SimServer) -> dict[str, int]:
    """The sim's creates per source image, once it is idle; asserts none was created twice."""
    assert sim.wait_idle(10)
    by_image = sim.stats.creates_by_image
    assert all(count == 1 for count in by_image.values()), by_image
    return by_image
