"""What each job cost, task by task: the spending record behind `history`, the daily budget and the window.

Each create that got a taskId is billed, so it is entered at once, at the price setting; when KIE's
recordInfo says `creditsConsumed`, that figure replaces the price for that task. The entries live in
the job's `extra["spent"]` (task id -> [when, credits]) and `Job.credits` is their sum, so a job run
again adds to what it cost, and a task polled again is never counted twice. Jobs stored before the
record existed count their last task: its `creditsConsumed`, else the price.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace

from upscaler_gui.core.jobs import Job

SPENT = "spent"  # job.extra key


@dataclass(frozen=True)
class Spend:
    """One billed task."""

    task_id: str
    at: float  # when it was created (Unix time)
    credits: float


@dataclass(frozen=True)
class DayTotal:
    day: dt.date
    tasks: int
    credits: float


def spends(job: Job, price: float) -> list[Spend]:
    """The job's billed tasks, oldest first."""
    entries = job.extra.get(SPENT)
    if isinstance(entries, dict):
        found = [
            Spend(task_id, float(value[0]), float(value[1]))
            for task_id, value in entries.items()
            if isinstance(value, list) and len(value) == 2
        ]
        return sorted(found, key=lambda spend: spend.at)
    if job.task_id and job.task_created_at:  # stored before the record: its last task only
        credits = job.credits if job.credits is not None else price
        return [Spend(job.task_id, job.task_created_at, credits)]
    return []


def with_task(job: Job, task_id: str, at: float, price: float) -> Job:
    """The job with a new billed task entered at the price (KIE's own figure comes later)."""
    entries = _entries(job, price)
    if task_id in entries:  # entered already (a restart between the two writes)
        return job
    entries[task_id] = [at, price]
    return _with_entries(job, entries)


def with_consumed(job: Job, task_id: str, credits: float | None, price: float) -> Job:
    """The job once its task ended: KIE's `creditsConsumed` for it, else the price stands."""
    entries = _entries(job, price)
    at, entered = entries.get(task_id, [job.task_created_at or 0.0, price])
    entries[task_id] = [at, credits if credits is not None else entered]
    return _with_entries(job, entries)


def _entries(job: Job, price: float) -> dict[str, list[float]]:
    return {spend.task_id: [spend.at, spend.credits] for spend in spends(job, price)}


def _with_entries(job: Job, entries: dict[str, list[float]]) -> Job:
    total = round(sum(value[1] for value in entries.values()), 6)
    return replace(job, credits=total, extra={**job.extra, SPENT: entries})


def since_midnight(now: float | None = None) -> float:
    """The start of today, local time (what "today" means for the daily budget)."""
    moment = dt.datetime.fromtimestamp(now) if now is not None else dt.datetime.now()
    return moment.replace(hour=0, minute=0, second=0, microsecond=0).timestamp()


def spent_since(jobs: Iterable[Job], since: float, price: float) -> float:
    """Credits of the tasks created at or after `since`."""
    return round(sum(s.credits for job in jobs for s in spends(job, price) if s.at >= since), 6)


def day_totals(jobs: Iterable[Job], price: float, *, since: float | None = None) -> list[DayTotal]:
    """Tasks and credits per local day (from `since`), oldest day first."""
    tasks: dict[dt.date, int] = defaultdict(int)
    credits: dict[dt.date, float] = defaultdict(float)
    for job in jobs:
        for spend in spends(job, price):
            if since is not None and spend.at < since:
                continue
            day = dt.datetime.fromtimestamp(spend.at).date()
            tasks[day] += 1
            credits[day] += spend.credits
    return [DayTotal(day, tasks[day], round(credits[day], 6)) for day in sorted(tasks)]
