"""Batch wall time: our engine against the lower bound and against a plain client, on the sim.

Two scenarios, each run twice (our engine, then the plain client), each run on its own fresh sim
process on 127.0.0.1 with the given task latency:

1. KIE's default limits enforced by the sim (create 20 per 10 s, recordInfo 10 per 1 s);
2. raised limits (an account allowed 200 creates per 10 s and 100 recordInfo per s; our engine is
   told the same limits), where the polling strategy and the concurrency decide the time.

Our engine runs in this process through `open_engine` (the same engine the CLI and the window use).
The plain client is what people write today, with httpx: 8 images at a time; upload, create, sleep
3 s, poll every 3 s until done, download; a 429 makes it sleep a few seconds and try again.

    .venv/bin/python bench/batch_time.py [--quick] [--images N] [--latency S] [--no-limits | --only-limits]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import random
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx
from _common import (
    SIM_KEY,
    SimProcess,
    isolate_app_dirs,
    print_json_line,
    print_table,
    small_png,
    stat_int,
    verdict,
    write_small_pngs,
)

MODEL = "recraft/crisp-upscale"
PLAIN_CONCURRENCY = 8
PLAIN_POLL_S = 3.0
PLAIN_429_MIN_SLEEP_S = 3.0  # "sleep a few seconds and try again"
PLAIN_MAX_ATTEMPTS = 200  # per call: bounded, and far more than a 429 storm needs
GOAL_VS_BOUND = 1.15
GOAL_VS_PLAIN = 0.6
TRANSFER_SAMPLES = 3


@dataclass(frozen=True)
class Limits:
    name: str
    create: int
    create_window_s: float
    record: int
    record_window_s: float


DEFAULT_LIMITS = Limits("KIE default limits", 20, 10.0, 10, 1.0)
CLIENT_NAMES = {"engine": "ours (engine)", "plain": f"plain ({PLAIN_CONCURRENCY} at a time, 3 s poll)"}
RAISED_LIMITS = Limits("raised limits", 200, 10.0, 100, 1.0)


@dataclass
class Run:
    client: str
    wall_s: float
    done: int
    images: int
    got_429: int  # 429 answers this client received
    creates: int
    record_calls: int
    requests: int
    peak_creates: int
    peak_records: int
    images_created_twice: int
    add_s: float  # ours: add() (hash, check, store writes); the plain client has no such step
    first_create_s: float
    last_create_s: float
    last_done_s: float

    @property
    def records_per_job(self) -> float:
        return self.record_calls / max(1, self.images)

    @property
    def requests_per_job(self) -> float:
        return self.requests / max(1, self.images)


# --- the lower bound ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Transfer:
    upload_s: float
    record_s: float
    download_s: float

    @property
    def total_s(self) -> float:
        return self.upload_s + self.record_s + self.download_s


def lower_bound(images: int, limits: Limits, latency_s: float, transfer: Transfer) -> float:
    """The earliest a batch can end: the first upload, then the creates as fast as the window allows
    (the last one at floor((N-1)/C)*W), then the task's latency, one recordInfo and the download."""
    last_create_s = math.floor((images - 1) / limits.create) * limits.create_window_s
    return last_create_s + latency_s + transfer.total_s


async def measure_transfer(latency_s: float) -> Transfer:
    """Median time of one upload, one recordInfo and one result download of a bench-sized image,
    on a throwaway sim (so the runs' sims count only the runs)."""
    samples: list[Transfer] = []
    with SimProcess(latency_s) as sim:
        async with httpx.AsyncClient(base_url=sim.url, timeout=30.0) as http:
            plain = PlainClient(http, Path(tempfile.gettempdir()))
            for n in range(TRANSFER_SAMPLES):
                start = time.perf_counter()
                url = await plain.upload(f"probe_{n}.png", small_png(10_000 + n))
                upload_s = time.perf_counter() - start
                task_id = await plain.create(url)
                await asyncio.sleep(latency_s + 0.3)
                start = time.perf_counter()
                data = await plain.record(task_id)
                record_s = time.perf_counter() - start
                while data.get("state") != "success":
                    await asyncio.sleep(0.2)
                    data = await plain.record(task_id)
                result = _result_url(data)
                start = time.perf_counter()
                await plain.download(result, f"probe_{n}")
                samples.append(Transfer(upload_s, record_s, time.perf_counter() - start))
    return Transfer(
        statistics.median(s.upload_s for s in samples),
        statistics.median(s.record_s for s in samples),
        statistics.median(s.download_s for s in samples),
    )


# --- the plain client ---------------------------------------------------------------------------------


class RateLimitedError(Exception):
    def __init__(self, retry_after: float | None) -> None:
        super().__init__("429")
        self.retry_after = retry_after


def _result_url(data: dict[str, object]) -> str:
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
            await self.download(_result_url(data), path.stem)
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


# --- our engine ---------------------------------------------------------------------------------------


async def run_engine(
    url: str, paths: list[Path], out: Path, *, store: Path, limits: Limits, timeout_s: float
) -> Outcome:
    """Through open_engine in this process, timed from add() to every job settled."""
    from upscaler_gui.core.engine import Limit, open_engine
    from upscaler_gui.core.jobs import Job, JobState, OutputOptions
    from upscaler_gui.core.sources import Source

    outcome = Outcome()
    created: dict[int, float] = {}
    finished: dict[int, float] = {}
    start = time.perf_counter()

    def job_changed(job: Job) -> None:
        if job.task_id and job.id not in created:
            created[job.id] = time.perf_counter() - start
        if job.state == JobState.DONE and job.id not in finished:
            finished[job.id] = time.perf_counter() - start

    items = [Source("file", str(path), path=path) for path in paths]
    async with open_engine(
        api_key=SIM_KEY,
        api_base=url,
        upload_base=url,
        store_path=store,
        create_limit=Limit(limits.create, limits.create_window_s),
        record_limit=Limit(limits.record, limits.record_window_s),
    ) as engine:
        engine.events.job_did_change.connect(job_changed)
        start = time.perf_counter()
        await engine.add(items, OutputOptions(folder=str(out)))
        outcome.add_s = time.perf_counter() - start
        try:
            await asyncio.wait_for(engine.wait_settled(), timeout_s)
        except TimeoutError:
            print(f"  engine: stopped after {timeout_s:.0f} s (time limit)", file=sys.stderr)
        outcome.wall_s = time.perf_counter() - start
        outcome.done = engine.summary().counts[JobState.DONE]
        outcome.got_429 = sum(window.rate_limited for window in engine.pacer.windows.values())
    outcome.created_at = sorted(created.values())
    outcome.done_at = sorted(finished.values())
    return outcome


# --- a scenario ---------------------------------------------------------------------------------------


def sim_limits(limits: Limits) -> dict[str, object]:
    return {
        "create_limit": limits.create,
        "create_window_s": limits.create_window_s,
        "record_limit": limits.record,
        "record_window_s": limits.record_window_s,
    }


def run_one(client: str, limits: Limits, latency_s: float, paths: list[Path], work: Path) -> Run:
    timeout_s = 120.0 + 3.0 * lower_bound(len(paths), limits, latency_s, Transfer(0, 0, 0))
    out = work / f"out-{client}-{limits.create}"
    out.mkdir(parents=True)
    with SimProcess(latency_s) as sim:
        sim.configure(sim_limits(limits))
        if client == "engine":
            store = work / f"jobs-{limits.create}.sqlite3"
            outcome = asyncio.run(
                run_engine(sim.url, paths, out, store=store, limits=limits, timeout_s=timeout_s)
            )
        else:
            outcome = asyncio.run(run_plain(sim.url, paths, out, timeout_s))
        stats = sim.stats()
    by_image = stats.get("creates_by_image")
    twice = sum(1 for n in by_image.values() if n > 1) if isinstance(by_image, dict) else 0
    return Run(
        client=client,
        wall_s=outcome.wall_s,
        done=outcome.done,
        images=len(paths),
        got_429=max(outcome.got_429, stat_int(stats, "rate_limited_by_limit")),
        creates=stat_int(stats, "creates"),
        record_calls=stat_int(stats, "record_calls"),
        requests=stat_int(stats, "requests"),
        peak_creates=stat_int(stats, "peak_creates_per_window"),
        peak_records=stat_int(stats, "peak_records_per_window"),
        images_created_twice=twice,
        add_s=outcome.add_s,
        first_create_s=min(outcome.created_at, default=0.0),
        last_create_s=max(outcome.created_at, default=0.0),
        last_done_s=max(outcome.done_at, default=0.0),
    )


def scenario(limits: Limits, latency_s: float, paths: list[Path], work: Path) -> dict[str, object]:
    print(f"\n== {limits.name}: {len(paths)} images, task latency {latency_s:g} s ==", flush=True)
    transfer = asyncio.run(measure_transfer(latency_s))
    bound = lower_bound(len(paths), limits, latency_s, transfer)
    runs = [run_one(client, limits, latency_s, paths, work) for client in ("engine", "plain")]
    ours, plain = runs
    print_table(
        f"{limits.name} (create {limits.create}/{limits.create_window_s:g} s, "
        f"recordInfo {limits.record}/{limits.record_window_s:g} s, enforced by the sim)",
        [
            "client",
            "wall s",
            "done",
            "429s",
            "creates",
            "recordInfo/job",
            "requests/job",
            "peak creates/10s" if limits.create_window_s == 10 else "peak creates/window",
            "peak recordInfo/1s" if limits.record_window_s == 1 else "peak recordInfo/window",
            "created twice",
            "first create s",
            "last create s",
        ],
        [
            [
                CLIENT_NAMES[r.client],
                r.wall_s,
                f"{r.done}/{r.images}",
                r.got_429,
                r.creates,
                r.records_per_job,
                r.requests_per_job,
                r.peak_creates,
                r.peak_records,
                r.images_created_twice,
                r.first_create_s,
                r.last_create_s,
            ]
            for r in runs
        ],
    )
    last_create = bound - latency_s - transfer.total_s
    print(
        f"  lower bound = floor((N-1)/C)*W + latency + transfer"
        f" = floor({len(paths) - 1}/{limits.create})*{limits.create_window_s:g}"
        f" + {latency_s:g} + {transfer.total_s:.3f} = {bound:.2f} s\n"
        f"    (the {len(paths)}th create can go no earlier than {last_create:g} s into a sliding window of"
        f" {limits.create} per {limits.create_window_s:g} s; its task then takes the latency; transfer ="
        f" one upload {transfer.upload_s * 1000:.0f} ms + one recordInfo {transfer.record_s * 1000:.0f} ms"
        f" + one download {transfer.download_s * 1000:.0f} ms, measured on a spare sim)"
    )
    print(
        f"  where ours' time went: add() returned at {ours.add_s:.2f} s (hash, local checks, store writes);"
        f" first create at {ours.first_create_s:.2f} s, last at {ours.last_create_s:.2f} s (bound:"
        f" {last_create:g} s); last image done at {ours.last_done_s:.2f} s, i.e."
        f" {ours.last_done_s - ours.last_create_s:.2f} s after the last create (latency {latency_s:g} s)"
    )
    vs_bound = ours.wall_s / bound
    vs_plain = ours.wall_s / plain.wall_s
    under_limits = ours.peak_creates <= limits.create and ours.peak_records <= limits.record
    # 4 per job (upload, create, one recordInfo, download) is the floor: when the plain client's first
    # poll already finds the task done, "fewer" can only mean "no more".
    fewer_requests = ours.requests <= plain.requests
    all_done = ours.done == ours.images and ours.images_created_twice == 0
    goals = [
        (
            "ours / lower bound",
            f"{vs_bound:.3f}x",
            f"<= {GOAL_VS_BOUND}x" + ("" if limits == DEFAULT_LIMITS else " (set for default limits)"),
            vs_bound <= GOAL_VS_BOUND,
        ),
        ("ours / plain client", f"{vs_plain:.3f}x", f"<= {GOAL_VS_PLAIN}x", vs_plain <= GOAL_VS_PLAIN),
        ("ours: 429s received", str(ours.got_429), "0", ours.got_429 == 0),
        (
            "ours: peak creates / recordInfo",
            f"{ours.peak_creates} / {ours.peak_records}",
            f"<= {limits.create} / <= {limits.record}",
            under_limits,
        ),
        (
            "ours: requests vs plain's",
            f"{ours.requests} vs {plain.requests}",
            "fewer (4/job is the floor)",
            fewer_requests,
        ),
        ("ours: every image done, none twice", f"{ours.done}/{ours.images}", "all, once", all_done),
    ]
    print_table(
        f"goals, {limits.name}",
        ["figure", "value", "goal", "verdict"],
        [[name, value, goal, verdict(ok)] for name, value, goal, ok in goals],
    )
    plain_bound = plain.wall_s / bound
    print(f"  plain client / lower bound: {plain_bound:.3f}x")
    return {
        "limits": asdict(limits),
        "images": len(paths),
        "latency_s": latency_s,
        "transfer_s": round(transfer.total_s, 4),
        "lower_bound_s": round(bound, 2),
        "ours": _run_dict(ours),
        "plain": _run_dict(plain),
        "ours_vs_bound": round(vs_bound, 3),
        "ours_vs_plain": round(vs_plain, 3),
        "plain_vs_bound": round(plain_bound, 3),
        "goals_met": {name: ok for name, _, _, ok in goals},
    }


def _run_dict(run: Run) -> dict[str, object]:
    out = asdict(run)
    for name in ("wall_s", "add_s", "first_create_s", "last_create_s", "last_done_s"):
        out[name] = round(float(out[name]), 2)
    out["records_per_job"] = round(run.records_per_job, 3)
    out["requests_per_job"] = round(run.requests_per_job, 3)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="30 images: a small run")
    parser.add_argument("--images", type=int, default=None, help="images per run (default 100)")
    parser.add_argument("--latency", type=float, default=2.0, help="the sim's task latency, s (default 2)")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--no-limits", action="store_true", help="only the raised-limits scenario")
    which.add_argument("--only-limits", action="store_true", help="only the default-limits scenario")
    args = parser.parse_args()
    count = args.images or (30 if args.quick else 100)
    chosen = [DEFAULT_LIMITS, RAISED_LIMITS]
    if args.no_limits:
        chosen = [RAISED_LIMITS]
    elif args.only_limits:
        chosen = [DEFAULT_LIMITS]
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        work = Path(tmp)
        isolate_app_dirs(work / "app")
        paths = write_small_pngs(work / "in", count)
        results = [scenario(limits, args.latency, paths, work) for limits in chosen]
    print_json_line("batch_time", {"quick": args.quick, "scenarios": results})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
