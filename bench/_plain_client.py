"""The plain client of bench/batch_time.py: the script people write today, with httpx directly.

N images at a time; for each: upload, create, sleep 3 s, poll every 3 s until done, download. A 429
(HTTP status or body code) sleeps max(Retry-After, 3 s) plus up to 1 s of jitter and tries again, so no
image is lost. It is not our client: it shares no code with the app.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from _common import SIM_KEY

MODEL = "recraft/crisp-upscale"
PLAIN_CONCURRENCY = 8
PLAIN_POLL_S = 3.0
PLAIN_429_MIN_SLEEP_S = 3.0  # "sleep a few seconds and try again"
PLAIN_MAX_ATTEMPTS = 200  # per call: bounded, and far more than a 429 storm needs


class RateLimitedError(Exception):
    def __init__(self, retry_after: float | None) -> None:
        super().__init__("429")
        self.retry_after = retry_after


def result_url(data: dict[str, object]) -> str:
    raw = data.get("resultJson") or "{}"
    urls = json.loads(raw if isinstance(raw, str) else "{}").get("resultUrls") or []
    if not urls:
        raise RuntimeError(f"no result URL in {data!r}")
    return str(urls[0])


@dataclass
class Outcome:
    """What one client's run gave, timed from the moment the batch was handed to it."""

    wall_s: float = 0.0
    done: int = 0
    got_429: int = 0
    created_at: list[float] = field(default_factory=list)  # seconds from start, per task created
    done_at: list[float] = field(default_factory=list)
    add_s: float = 0.0  # our engine: how long add() took (hashing, checks, store writes)
    # taskId -> Unix time the client learned that the task had ended (its recordInfo said so)
    noticed: dict[str, float] = field(default_factory=dict)
    saved: dict[str, float] = field(default_factory=dict)  # taskId -> Unix time its result was saved
    planner: object = None  # our engine's poll planner, as the batch left it


class PlainClient:
    """The script people write: N at a time, sleep 3 s, poll every 3 s; a 429 -> sleep and retry."""

    def __init__(self, http: httpx.AsyncClient, out: Path, concurrency: int = PLAIN_CONCURRENCY) -> None:
        self.http, self.out = http, out
        self.headers = {"Authorization": f"Bearer {SIM_KEY}"}
        self.slots = asyncio.Semaphore(concurrency)
        self.outcome = Outcome()
        self.start = time.perf_counter()

    async def run(self, paths: list[Path]) -> None:
        await asyncio.gather(*(self.one(path) for path in paths))

    async def one(self, path: Path) -> None:
        async with self.slots:
            url = await self.upload(path.name, await asyncio.to_thread(path.read_bytes))
            task_id = await self.create(url)
            self.outcome.created_at.append(time.perf_counter() - self.start)
            await asyncio.sleep(PLAIN_POLL_S)
            while True:
                data = await self.record(task_id)
                if data.get("state") == "success":
                    break
                if data.get("state") == "fail":
                    raise RuntimeError(f"{path.name}: task failed: {data.get('failMsg')}")
                await asyncio.sleep(PLAIN_POLL_S)
            self.outcome.noticed[task_id] = time.time()
            await self.download(result_url(data), path.stem)
            self.outcome.saved[task_id] = time.time()
            self.outcome.done_at.append(time.perf_counter() - self.start)
            self.outcome.done += 1

    async def upload(self, name: str, data: bytes) -> str:
        fields = {"uploadPath": f"bench/{uuid.uuid4().hex}", "fileName": name}
        files = {"file": (name, data, "image/png")}
        answer = await self._call("POST", "/api/file-stream-upload", data=fields, files=files)
        return str(answer["downloadUrl"])

    async def create(self, image_url: str) -> str:
        body = {"model": MODEL, "input": {"image": image_url}}
        answer = await self._call("POST", "/api/v1/jobs/createTask", json=body)
        return str(answer["taskId"])

    async def record(self, task_id: str) -> dict[str, object]:
        return await self._call("GET", "/api/v1/jobs/recordInfo", params={"taskId": task_id})

    async def download(self, url: str, stem: str) -> None:
        response = await self.http.get(url)
        response.raise_for_status()
        (self.out / f"{stem}_plain.png").write_bytes(response.content)

    async def _call(self, method: str, path: str, **kwargs: object) -> dict[str, object]:
        """One API call; a 429 (HTTP or body code) sleeps a few seconds and tries again."""
        for _ in range(PLAIN_MAX_ATTEMPTS):
            try:
                return await self._once(method, path, **kwargs)
            except RateLimitedError as exc:
                self.outcome.got_429 += 1
                wait = max(PLAIN_429_MIN_SLEEP_S, exc.retry_after or 0.0) + random.uniform(0.0, 1.0)
                await asyncio.sleep(wait)
        raise RuntimeError(f"{path}: still rate limited after {PLAIN_MAX_ATTEMPTS} attempts")

    async def _once(self, method: str, path: str, **kwargs: object) -> dict[str, object]:
        response = await self.http.request(method, path, headers=self.headers, **kwargs)  # type: ignore[arg-type]
        body = response.json() if response.content else {}
        code = body.get("code") if isinstance(body, dict) else None
        if response.status_code == 429 or code == 429:
            header = response.headers.get("retry-after", "")
            raise RateLimitedError(float(header) if header.replace(".", "", 1).isdigit() else None)
        if response.status_code != 200 or code != 200:
            raise RuntimeError(f"{path}: HTTP {response.status_code} {body!r}")
        data = body.get("data")
        if not isinstance(data, dict):
            raise RuntimeError(f"{path}: no data in {body!r}")
        return data


async def run_plain(url: str, paths: list[Path], out: Path, timeout_s: float) -> Outcome:
    limits = httpx.Limits(max_connections=PLAIN_CONCURRENCY * 2)
    async with httpx.AsyncClient(base_url=url, timeout=30.0, limits=limits) as http:
        plain = PlainClient(http, out)
        try:
            await asyncio.wait_for(plain.run(paths), timeout_s)
        except TimeoutError:
            print(f"  plain client: stopped after {timeout_s:.0f} s (time limit)", file=sys.stderr)
        plain.outcome.wall_s = time.perf_counter() - plain.start
        return plain.outcome
