"""Batch wall time and polling cost: our engine vs the lower bound and vs a plain client, on the sim.

Scenarios (task latency, its spread, batch size, limits), each run by both clients in the same
invocation, each run on its own fresh sim process on 127.0.0.1:

- KIE's default limits enforced by the sim (create 20 per 10 s, recordInfo 10 per 1 s), tasks of
  2 s +- 0.3 (30 and 100 images), 15 s +- 5 (KIE's sample costTime, 30 images), and 2 s +- 0.3 with a
  5% tail of 60 s (100 images);
- raised limits (200 creates per 10 s, 100 recordInfo per s; our engine is told the same limits), where
  the polling strategy and the concurrency decide the time.

Our engine runs in this process through `open_engine` (the same engine the CLI and the window use).
The plain client (bench/_plain_client.py) is what people write today: 8 images at a time; upload,
create, sleep 3 s, poll every 3 s until done, download; a 429 makes it sleep a few seconds and retry.
Where a scenario has the "results as soon as polling every 0.5 s" goal, our engine runs a third time
with its planner replaced by one that polls every task every 0.5 s (same pacer, same limits).

For every job it measures when the client noticed the result against when the sim finished the task
(recordInfo's completeTime), and the mean time from a create to its result noticed, against that
third run and against an ideal client polling every 0.5 s with no limit.

    .venv/bin/python bench/batch_time.py [--quick] [--repeat N] [--only NAME ...] [--images N]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx
from _common import (
    SIM_KEY,
    SimProcess,
    isolate_app_dirs,
    percentile,
    print_json_line,
    print_table,
    small_png,
    stat_int,
    verdict,
    write_small_pngs,
)
from _plain_client import PLAIN_CONCURRENCY, Outcome, PlainClient, result_url, run_plain
from _poll_bound import best_vs_reference, polls_for_ratio, quantile_sample

TRANSFER_SAMPLES = 3
TRANSFER_PROBE_LATENCY_S = 0.2  # the spare sim's tasks: only the transfer times are wanted from it
REFERENCE_POLL_S = 0.5  # "results no later than polling every 0.5 s would give them"
GOAL_NOTICE_VS_REFERENCE = 1.10
CLOCK_STEP_WARN_S = 0.2
WARM_SEED = 1


@dataclass(frozen=True)
class Limits:
    name: str
    create: int
    create_window_s: float
    record: int
    record_window_s: float

    def sim_config(self) -> dict[str, object]:
        return {
            "create_limit": self.create,
            "create_window_s": self.create_window_s,
            "record_limit": self.record,
            "record_window_s": self.record_window_s,
        }


DEFAULT_LIMITS = Limits("KIE limits", 20, 10.0, 10, 1.0)
RAISED_LIMITS = Limits("raised limits", 200, 10.0, 100, 1.0)


@dataclass(frozen=True)
class Latency:
    """How long the sim's tasks take: `seconds` +- `jitter_s` (uniform); a `tail_share` of them take
    `tail_s` (with the same relative jitter) instead."""

    seconds: float
    jitter_s: float = 0.0
    tail_share: float = 0.0
    tail_s: float = 60.0

    @property
    def label(self) -> str:
        text = f"{self.seconds:g} s +- {self.jitter_s:g}"
        return text + (f", {self.tail_share:.0%} of {self.tail_s:g} s" if self.tail_share else "")

    def quantile(self, share: float) -> float:
        """The duration below which this share of tasks end (the tail above the rest)."""
        low, high = self.seconds - self.jitter_s, self.seconds + self.jitter_s
        if share < 1 - self.tail_share:
            return low + (high - low) * share / (1 - self.tail_share)
        spread = self.tail_s * self.jitter_s / self.seconds
        return self.tail_s - spread + 2 * spread * (share - (1 - self.tail_share)) / self.tail_share

    def sim_config(self) -> dict[str, object]:
        return {
            "task_seconds": self.seconds,
            "task_jitter": self.jitter_s / self.seconds,
            "task_tail_share": self.tail_share,
            "task_tail_s": self.tail_s,
        }


@dataclass(frozen=True)
class Goals:
    """The issue's goals for one scenario (None: no goal there)."""

    records_per_job: float | None = None
    vs_bound: float | None = None
    notice_vs_reference: float | None = None
    vs_plain: float | None = None


@dataclass(frozen=True)
class Scenario:
    name: str
    limits: Limits
    latency: Latency
    images: int
    goals: Goals = Goals()

    @property
    def title(self) -> str:
        return f"{self.name}: {self.images} images, tasks {self.latency.label}, {self.limits.name}"


JITTERED = Latency(2.0, 0.3)
KIE_SAMPLE = Latency(15.0, 5.0)
TAILED = Latency(2.0, 0.3, tail_share=0.05, tail_s=60.0)
SCENARIOS = [
    Scenario("2s-30", DEFAULT_LIMITS, JITTERED, 30, Goals(1.1, 1.15, GOAL_NOTICE_VS_REFERENCE)),
    Scenario("2s-100", DEFAULT_LIMITS, JITTERED, 100, Goals(1.1, 1.08, GOAL_NOTICE_VS_REFERENCE, 0.6)),
    Scenario("15s-30", DEFAULT_LIMITS, KIE_SAMPLE, 30, Goals(1.3, None, GOAL_NOTICE_VS_REFERENCE)),
    Scenario("15s-100", DEFAULT_LIMITS, KIE_SAMPLE, 100, Goals(1.3, None, GOAL_NOTICE_VS_REFERENCE)),
    Scenario("tail-100", DEFAULT_LIMITS, TAILED, 100),
    Scenario("raised-100", RAISED_LIMITS, JITTERED, 100),
]
QUICK = ["2s-30", "tail-30", "raised-30"]  # 30 images each: a smoke check of every kind


def scenario_named(name: str, images: int | None) -> Scenario:
    """A scenario by name; `kind-N` runs a known kind with N images (e.g. "tail-30")."""
    for known in SCENARIOS:
        if known.name == name and images in (None, known.images):
            return known
    kind, _, count = name.partition("-")
    for known in SCENARIOS:
        if known.name.partition("-")[0] == kind:
            size = images or (int(count) if count.isdigit() else known.images)
            goals = known.goals if size == known.images else Goals(known.goals.records_per_job)
            return Scenario(f"{kind}-{size}", known.limits, known.latency, size, goals)
    raise SystemExit(f"unknown scenario {name!r}; known: {', '.join(s.name for s in SCENARIOS)}")


# --- what a run gave ------------------------------------------------------------------------------


@dataclass
class Run:
    client: str
    wall_s: float
    bound_s: float
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
    notice_mean_s: float  # from the sim's completion of a task to the client knowing it, per job
    notice_p90_s: float
    notice_max_s: float
    notice_vs_reference: float  # sum of create-to-noticed times / the same for an ideal 0.5 s poller
    to_result_s: float  # mean time from a create to its result noticed
    saving_s: float  # mean time from a result noticed to it saved (download, checks, store)
    saving_max_s: float
    clock_step_s: float  # how far the wall clock jumped during the run (the notice figures use it)

    @property
    def records_per_job(self) -> float:
        return self.record_calls / max(1, self.images)

    @property
    def requests_per_job(self) -> float:
        return self.requests / max(1, self.images)

    @property
    def vs_bound(self) -> float:
        return self.wall_s / self.bound_s if self.bound_s else math.inf


# --- the lower bound ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Transfer:
    upload_s: float
    record_s: float
    download_s: float

    @property
    def total_s(self) -> float:
        return self.upload_s + self.record_s + self.download_s


def lower_bound(durations: Sequence[float], limits: Limits, transfer: Transfer) -> float:
    """The earliest a batch can end, given the task durations the sim drew (in create order): the
    i-th create (from 0) can go no earlier than floor(i/C)*W into a sliding window of C per W seconds,
    its task then takes its duration; plus one upload before, one recordInfo and one download after."""
    ends = [math.floor(i / limits.create) * limits.create_window_s + d for i, d in enumerate(durations)]
    return max(ends, default=0.0) + transfer.total_s


async def measure_transfer() -> Transfer:
    """Median time of one upload, one recordInfo and one result download of a bench-sized image,
    on a throwaway sim (so the runs' sims count only the runs)."""
    samples: list[Transfer] = []
    with SimProcess(TRANSFER_PROBE_LATENCY_S) as sim:
        async with httpx.AsyncClient(base_url=sim.url, timeout=30.0) as http:
            plain = PlainClient(http, Path(tempfile.gettempdir()))
            for n in range(TRANSFER_SAMPLES):
                start = time.perf_counter()
                url = await plain.upload(f"probe_{n}.png", small_png(10_000 + n))
                upload_s = time.perf_counter() - start
                task_id = await plain.create(url)
                await asyncio.sleep(TRANSFER_PROBE_LATENCY_S + 0.3)
                start = time.perf_counter()
                data = await plain.record(task_id)
                record_s = time.perf_counter() - start
                while data.get("state") != "success":
                    await asyncio.sleep(0.2)
                    data = await plain.record(task_id)
                start = time.perf_counter()
                await plain.download(result_url(data), f"probe_{n}")
                samples.append(Transfer(upload_s, record_s, time.perf_counter() - start))
    return Transfer(
        statistics.median(s.upload_s for s in samples),
        statistics.median(s.record_s for s in samples),
        statistics.median(s.download_s for s in samples),
    )


# --- our engine ---------------------------------------------------------------------------------------


class EveryHalfSecond:
    """Our engine's planner, made to poll every task every 0.5 s (the reference for "as soon as
    polling every 0.5 s would notice it"): same pacer, same limits, same everything else."""

    learned = True

    def learn(self, duration_s: float | None, task: object = None, *, age_s: float | None = None) -> None:
        pass

    def scout(self, task: object) -> bool:
        return False

    def release(self, task: object) -> bool:
        return False

    def running(self, task: object, age_s: float) -> bool:
        return False

    def next_poll_age(self, polled_at: float | None, *, scout: bool = False) -> float:
        return (polled_at or 0.0) + REFERENCE_POLL_S


async def run_engine(
    url: str,
    paths: list[Path],
    out: Path,
    *,
    store: Path,
    limits: Limits,
    timeout_s: float,
    every_half_second: bool = False,
    planner: object = None,
) -> Outcome:
    """Through open_engine in this process, timed from add() to every job settled. With `planner`,
    the engine polls with one an earlier batch taught (as a window's engine does for its next batch)."""
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
        if job.task_id and job.result_url and job.task_id not in outcome.noticed:
            outcome.noticed[job.task_id] = time.time()
        if job.state == JobState.DONE and job.id not in finished:
            finished[job.id] = time.perf_counter() - start
            if job.task_id:
                outcome.saved[job.task_id] = time.time()

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
        if every_half_second or planner is not None:
            engine.planner = engine.pipeline.planner = planner or EveryHalfSecond()  # type: ignore[assignment]
        outcome.planner = engine.planner
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


# --- one client on one scenario -----------------------------------------------------------------------


def task_times(sim: SimProcess, task_ids: Sequence[str]) -> dict[str, tuple[float, float]]:
    """taskId -> (created, completed), Unix s, as the sim recorded them. Asked after its stats were
    read, with its limits lifted, so these calls count nowhere."""
    sim.configure({"record_limit": 0, "create_limit": 0})
    times: dict[str, tuple[float, float]] = {}
    headers = {"Authorization": f"Bearer {SIM_KEY}"}
    with httpx.Client(base_url=sim.url, headers=headers, timeout=10.0) as http:
        for task_id in task_ids:
            data = http.get("/api/v1/jobs/recordInfo", params={"taskId": task_id}).json().get("data")
            if isinstance(data, dict) and data.get("completeTime"):
                times[task_id] = (int(data["createTime"]) / 1000, int(data["completeTime"]) / 1000)
    return times


@dataclass
class Notice:
    mean_s: float = 0.0
    p90_s: float = 0.0
    max_s: float = 0.0
    vs_reference: float = 0.0
    to_result_s: float = 0.0
    durations: list[float] = field(default_factory=list)  # in create order


def notice_figures(noticed: dict[str, float], times: dict[str, tuple[float, float]]) -> Notice:
    """How late each result was noticed after the sim finished it, and the time from each create to
    its result noticed against a client polling every REFERENCE_POLL_S from the create on."""
    jobs = [(times[t][0], times[t][1], at) for t, at in noticed.items() if t in times]
    if not jobs:
        return Notice()
    delays = [max(0.0, at - completed) for _, completed, at in jobs]
    ours = sum(at - created for created, _, at in jobs)
    step = REFERENCE_POLL_S
    reference = sum(math.ceil((completed - created) / step) * step for created, completed, _ in jobs)
    by_create = sorted(times.values())
    return Notice(
        statistics.fmean(delays),
        percentile(delays, 0.9),
        max(delays),
        ours / reference if reference else math.inf,
        ours / len(jobs),
        [completed - created for created, completed in by_create],
    )


def run_one(
    client: str,
    scenario: Scenario,
    paths: list[Path],
    work: Path,
    transfer: Transfer,
    *,
    planner: object = None,
) -> tuple[Run, object]:
    """One client's run on its own sim; the run's figures, and our engine's planner after it."""
    limits, latency = scenario.limits, scenario.latency
    slowest = max(latency.seconds + latency.jitter_s, latency.tail_s if latency.tail_share else 0.0)
    timeout_s = 180.0 + 3.0 * (math.ceil(len(paths) / limits.create) * limits.create_window_s + slowest)
    out = work / f"out-{client}-{scenario.name}-{time.monotonic_ns()}"
    out.mkdir(parents=True)
    wall_vs_monotonic = time.time() - time.monotonic()
    with SimProcess(latency.seconds) as sim:
        # A later batch draws other durations than the one that taught its planner.
        seed = {"seed": WARM_SEED} if client == "warm" else {}
        sim.configure({**limits.sim_config(), **latency.sim_config(), **seed})
        if client in ("engine", "half", "warm"):
            store = out.with_suffix(".sqlite3")
            outcome = asyncio.run(
                run_engine(
                    sim.url,
                    paths,
                    out,
                    store=store,
                    limits=limits,
                    timeout_s=timeout_s,
                    every_half_second=client == "half",
                    planner=planner,
                )
            )
        else:
            outcome = asyncio.run(run_plain(sim.url, paths, out, timeout_s))
        stats = sim.stats()
        notice = notice_figures(outcome.noticed, task_times(sim, list(outcome.noticed)))
    clock_step_s = time.time() - time.monotonic() - wall_vs_monotonic
    if abs(clock_step_s) > CLOCK_STEP_WARN_S:
        print(f"  the wall clock jumped {clock_step_s:+.2f} s during this run: its notice figures are off")
    savings = [at - outcome.noticed[t] for t, at in outcome.saved.items() if t in outcome.noticed]
    by_image = stats.get("creates_by_image")
    twice = sum(1 for n in by_image.values() if n > 1) if isinstance(by_image, dict) else 0
    run = Run(
        client=client,
        wall_s=outcome.wall_s,
        bound_s=lower_bound(notice.durations, limits, transfer),
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
        notice_mean_s=notice.mean_s,
        notice_p90_s=notice.p90_s,
        notice_max_s=notice.max_s,
        notice_vs_reference=notice.vs_reference,
        to_result_s=notice.to_result_s,
        saving_s=statistics.fmean(savings) if savings else 0.0,
        saving_max_s=max(savings, default=0.0),
        clock_step_s=clock_step_s,
    )
    return run, outcome.planner


# --- a scenario: both clients, goals --------------------------------------------------------------------

CLIENT_NAMES = {
    "engine": "ours",
    "half": "ours, polling every 0.5 s",
    "warm": "ours, a later batch (other durations)",
    "plain": f"plain ({PLAIN_CONCURRENCY} at a time, 3 s poll)",
}


@dataclass
class Pair:
    scenario: Scenario
    transfer: Transfer
    ours: Run
    plain: Run
    half: Run | None  # our engine polling every 0.5 s: for the scenarios with that goal
    warm: Run | None  # our engine's next batch, its planner taught by `ours` (a window's next batch)

    @property
    def vs_plain(self) -> float:
        return self.ours.wall_s / self.plain.wall_s

    @property
    def vs_half(self) -> float:
        """Mean time from a create to its result noticed, ours over polling every 0.5 s."""
        return self.ours.to_result_s / self.half.to_result_s if self.half else math.nan

    @property
    def warm_vs_half(self) -> float:
        """The same for the later batch, whose durations differ: each against its ideal 0.5 s poller."""
        if not self.warm or not self.half:
            return math.nan
        return self.warm.notice_vs_reference / self.half.notice_vs_reference

    @property
    def runs(self) -> list[Run]:
        return [r for r in (self.ours, self.warm, self.half, self.plain) if r is not None]

    def goals(self) -> list[tuple[str, str, str, bool]]:
        """(figure, value, goal, met) for ours."""
        ours, limits, goals = self.ours, self.scenario.limits, self.scenario.goals
        rows = []
        if goals.records_per_job is not None:
            rows.append(
                (
                    "recordInfo per job",
                    f"{ours.records_per_job:.2f}",
                    f"<= {goals.records_per_job}",
                    ours.records_per_job <= goals.records_per_job,
                )
            )
        if goals.notice_vs_reference is not None and self.half is not None:
            best = best_possible(self.scenario.latency, ours.records_per_job)
            rows.append(
                (
                    "time to a result vs polling every 0.5 s (same limits)",
                    f"{self.vs_half:.3f}x (vs the ideal poller {ours.notice_vs_reference:.3f}x; best possible"
                    f" at {ours.records_per_job:.2f} recordInfo/job {best:.3f}x)",
                    f"<= {goals.notice_vs_reference}x",
                    self.vs_half <= goals.notice_vs_reference,
                )
            )
        if goals.records_per_job is not None and self.warm is not None:
            rows.append(
                (
                    "recordInfo per job, a later batch",
                    f"{self.warm.records_per_job:.2f}",
                    f"<= {goals.records_per_job}",
                    self.warm.records_per_job <= goals.records_per_job,
                )
            )
        if goals.notice_vs_reference is not None and self.warm is not None:
            rows.append(
                (
                    "time to a result vs polling every 0.5 s, a later batch",
                    f"{self.warm_vs_half:.3f}x",
                    f"<= {goals.notice_vs_reference}x",
                    self.warm_vs_half <= goals.notice_vs_reference,
                )
            )
        if goals.vs_bound is not None:
            rows.append(
                (
                    "wall / lower bound",
                    f"{ours.vs_bound:.3f}x",
                    f"<= {goals.vs_bound}x",
                    ours.vs_bound <= goals.vs_bound,
                )
            )
        if goals.vs_plain is not None:
            rows.append(
                (
                    "wall / plain client's (issue 3)",
                    # the best any client could do here: the lower bound over the plain client's wall
                    f"{self.vs_plain:.3f}x (bound {ours.bound_s / self.plain.wall_s:.2f}x)",
                    f"<= {goals.vs_plain}x",
                    self.vs_plain <= goals.vs_plain,
                )
            )
        if limits == DEFAULT_LIMITS:  # every run of our engine, the reference polling every 0.5 s too
            engine_runs = [r for r in self.runs if r.client != "plain"]
            got_429 = max(r.got_429 for r in engine_runs)
            peaks = max(r.peak_creates for r in engine_runs), max(r.peak_records for r in engine_runs)
            rows.append(("429s received, any run of our engine", str(got_429), "0", got_429 == 0))
            rows.append(
                (
                    "peak creates per 10 s / recordInfo per s",
                    f"{peaks[0]} / {peaks[1]}",
                    f"<= {limits.create} / <= {limits.record}",
                    peaks[0] <= limits.create and peaks[1] <= limits.record,
                )
            )
        all_done = ours.done == ours.images and ours.images_created_twice == 0
        rows.append(("every image done, none twice", f"{ours.done}/{ours.images}", "all, once", all_done))
        return rows


def best_possible(latency: Latency, records_per_job: float) -> float:
    """The least create-to-result time over the ideal 0.5 s poller's that any planner knowing the
    distribution of the scenario's durations could reach with this many polls a job (_poll_bound.py)."""
    return best_vs_reference(quantile_sample(latency.quantile), records_per_job)


def print_bound(pair: Pair) -> None:
    """What the time-to-result goal asks of any planner at this scenario's latency."""
    goal = pair.scenario.goals.notice_vs_reference
    if goal is None:
        return
    sample = quantile_sample(pair.scenario.latency.quantile)
    for label, run in (("first batch", pair.ours), ("later batch", pair.warm)):
        if run is not None:
            best = best_vs_reference(sample, run.records_per_job)
            print(
                f"  {label}: best possible at our recordInfo/job ({run.records_per_job:.2f}): {best:.2f}x the"
                f" ideal 0.5 s poller (ours {run.notice_vs_reference:.2f}x); polls/job needed for"
                f" {goal}x: {polls_for_ratio(sample, goal):.1f}"
            )


def run_pair(scenario: Scenario, paths: list[Path], work: Path) -> Pair:
    print(f"\n== {scenario.title} ==", flush=True)
    transfer = asyncio.run(measure_transfer())
    ours, taught = run_one("engine", scenario, paths, work, transfer)
    plain, _ = run_one("plain", scenario, paths, work, transfer)
    half = warm = None
    if scenario.goals.notice_vs_reference is not None:
        half, _ = run_one("half", scenario, paths, work, transfer)
        warm, _ = run_one("warm", scenario, paths, work, transfer, planner=taught)
    pair = Pair(scenario, transfer, ours, plain, half, warm)
    print_pair(pair)
    return pair


def print_pair(pair: Pair) -> None:
    scenario, ours = pair.scenario, pair.ours
    limits = scenario.limits
    print_table(
        f"{scenario.title} (create {limits.create}/{limits.create_window_s:g} s,"
        f" recordInfo {limits.record}/{limits.record_window_s:g} s, enforced by the sim)",
        [
            "client",
            "wall s",
            "/ bound",
            "done",
            "429s",
            "recordInfo/job",
            "requests/job",
            "peak creates",
            "peak recordInfo",
            "noticed after s: mean",
            "p90",
            "max",
            "to result s",
            "vs ideal 0.5 s poll",
            "first create s",
        ],
        [
            [
                CLIENT_NAMES[r.client],
                r.wall_s,
                f"{r.vs_bound:.3f}x",
                f"{r.done}/{r.images}",
                r.got_429,
                r.records_per_job,
                r.requests_per_job,
                r.peak_creates,
                r.peak_records,
                r.notice_mean_s,
                r.notice_p90_s,
                r.notice_max_s,
                r.to_result_s,
                f"{r.notice_vs_reference:.3f}x",
                r.first_create_s,
            ]
            for r in pair.runs
        ],
    )
    t = pair.transfer
    print(
        f"  lower bound {ours.bound_s:.2f} s = max over creates i of (floor(i/{limits.create})*"
        f"{limits.create_window_s:g} s + the duration the sim drew for the i-th task) + transfer"
        f" {t.total_s * 1000:.0f} ms (upload {t.upload_s * 1000:.0f} + recordInfo {t.record_s * 1000:.0f}"
        f" + download {t.download_s * 1000:.0f} ms, on a spare sim); ours / plain: {pair.vs_plain:.3f}x"
    )
    print(
        f"  ours: add() returned at {ours.add_s:.2f} s; first create at {ours.first_create_s:.2f} s, last"
        f" at {ours.last_create_s:.2f} s; last image done at {ours.last_done_s:.2f} s; from a result"
        f" noticed to its file saved {ours.saving_s * 1000:.0f} ms on average, {ours.saving_max_s * 1000:.0f}"
        f" ms at most (plain client: {pair.plain.saving_s * 1000:.0f} / {pair.plain.saving_max_s * 1000:.0f})"
    )
    print_bound(pair)
    print_table(
        f"goals, {scenario.name}",
        ["figure", "value", "goal", "verdict"],
        [[name, value, goal, verdict(ok)] for name, value, goal, ok in pair.goals()],
    )


# --- several runs: medians and ranges -------------------------------------------------------------------


def spread(values: Sequence[float], fmt: str = "{:.2f}") -> str:
    """median [min-max] of a few runs (one value alone when there is one run; "-" for none)."""
    values = [v for v in values if not math.isnan(v)]
    if not values:
        return "-"
    if len(values) == 1:
        return fmt.format(values[0])
    low, mid, high = min(values), statistics.median(values), max(values)
    return f"{fmt.format(mid)} [{fmt.format(low)}-{fmt.format(high)}]"


def worst(pairs: Sequence[Pair], *picks: Callable[[Run], int]) -> str:
    """The highest of each figure over the runs: ours / plain for one figure, ours' for several."""
    if len(picks) == 1:
        return " / ".join(str(max(picks[0](getattr(p, c)) for p in pairs)) for c in ("ours", "plain"))
    return " / ".join(str(max(pick(p.ours) for p in pairs)) for pick in picks)


def print_summary(pairs: list[Pair]) -> None:
    names = list(dict.fromkeys(p.scenario.name for p in pairs))
    runs = {name: [p for p in pairs if p.scenario.name == name] for name in names}

    def of(name: str, pick: Callable[[Pair], float], fmt: str = "{:.2f}") -> str:
        return spread([pick(p) for p in runs[name]], fmt)

    count = max(len(v) for v in runs.values())
    print_table(
        f"summary over {count} run(s) of each scenario: median [min-max]",
        [
            "scenario",
            "ours wall / bound",
            "plain wall / bound",
            "ours / plain",
            "recordInfo/job ours",
            "later batch",
            "plain",
            "noticed after s (mean)",
            "to result vs 0.5 s poll",
            "later batch",
            "vs ideal",
            "429s ours / plain",
            "ours' peak creates / recordInfo",
        ],
        [
            [
                name,
                of(name, lambda p: p.ours.vs_bound, "{:.3f}"),
                of(name, lambda p: p.plain.vs_bound, "{:.3f}"),
                of(name, lambda p: p.vs_plain, "{:.3f}"),
                of(name, lambda p: p.ours.records_per_job),
                of(name, lambda p: p.warm.records_per_job if p.warm else math.nan),
                of(name, lambda p: p.plain.records_per_job),
                of(name, lambda p: p.ours.notice_mean_s),
                of(name, lambda p: p.vs_half, "{:.3f}"),
                of(name, lambda p: p.warm_vs_half, "{:.3f}"),
                of(name, lambda p: p.ours.notice_vs_reference, "{:.3f}"),
                worst(runs[name], lambda r: r.got_429),
                worst([p for p in runs[name]], lambda r: r.peak_creates, lambda r: r.peak_records),
            ]
            for name in names
        ],
    )
    rows = []
    for name in names:
        tallies: dict[tuple[str, str], list[bool]] = {}
        for pair in runs[name]:
            for figure, _, goal, ok in pair.goals():
                tallies.setdefault((figure, goal), []).append(ok)
        for (figure, goal), oks in tallies.items():
            met = sum(oks)
            rows.append([name, figure, goal, f"{met}/{len(oks)}", verdict(met == len(oks))])
    print_table("goals, ours, runs that met each", ["scenario", "figure", "goal", "met in", "verdict"], rows)
    for name in names:
        target = runs[name][0].scenario.goals.notice_vs_reference
        if target is None:
            continue
        sample = quantile_sample(runs[name][0].scenario.latency.quantile)
        ours = statistics.median(p.ours.records_per_job for p in runs[name])
        print(
            f"  {name}: the 0.5 s goal beside the best any planner knowing the latency distribution could"
            f" do: best possible at our recordInfo/job ({ours:.2f}, median):"
            f" {best_vs_reference(sample, ours):.3f}x the ideal 0.5 s poller (ours, median"
            f" {statistics.median(p.ours.notice_vs_reference for p in runs[name]):.3f}x); polls/job needed"
            f" for {target}x: {polls_for_ratio(sample, target):.1f}"
        )


def _pair_dict(pair: Pair) -> dict[str, object]:
    def run_dict(run: Run) -> dict[str, object]:
        out: dict[str, object] = {}
        for key, value in asdict(run).items():
            out[key] = round(value, 3) if isinstance(value, float) else value
        out["records_per_job"] = round(run.records_per_job, 3)
        out["vs_bound"] = round(run.vs_bound, 3)
        return out

    return {
        "scenario": pair.scenario.name,
        "images": pair.scenario.images,
        "latency": asdict(pair.scenario.latency),
        "limits": asdict(pair.scenario.limits),
        "transfer_s": round(pair.transfer.total_s, 4),
        "ours": run_dict(pair.ours),
        "plain": run_dict(pair.plain),
        "every_half_second": run_dict(pair.half) if pair.half else None,
        "later_batch": run_dict(pair.warm) if pair.warm else None,
        "later_batch_vs_half_second_polling": round(pair.warm_vs_half, 3) if pair.warm else None,
        "ours_vs_plain": round(pair.vs_plain, 3),
        "ours_vs_half_second_polling": round(pair.vs_half, 3) if pair.half else None,
        "goals_met": {figure: ok for figure, _, _, ok in pair.goals()},
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help=f"a smoke check: {', '.join(QUICK)}")
    parser.add_argument(
        "--only",
        nargs="+",
        metavar="NAME",
        help=f"these scenarios ({', '.join(s.name for s in SCENARIOS)}; kind-N for N images)",
    )
    parser.add_argument("--images", type=int, default=None, help="images per run, every scenario")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each scenario (default 1)")
    args = parser.parse_args()
    names = args.only or (QUICK if args.quick else [s.name for s in SCENARIOS])
    chosen = [scenario_named(name, args.images) for name in names]
    pairs: list[Pair] = []
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        work = Path(tmp)
        isolate_app_dirs(work / "app")
        paths = write_small_pngs(work / "in", max(s.images for s in chosen))
        for _ in range(max(1, args.repeat)):
            for scenario in chosen:
                pairs.append(run_pair(scenario, paths[: scenario.images], work))
    print_summary(pairs)
    print_json_line("batch_time", {"quick": args.quick, "runs": [_pair_dict(p) for p in pairs]})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
