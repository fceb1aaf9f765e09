"""How far a batch is and about how long it has left, and how far one job is: for the window's status bar
and its rows. Plain arithmetic on Job values.

A batch's jobs run side by side (KIE works on up to 100 tasks at once), so the time left is not "jobs left
times the time per job": it is when the last job is expected to end. A job is expected to take as long as
the batch's own finished jobs took (their median, start to end), or, before any has ended, the task time
the engine learned from earlier tasks plus the job's own work around it. Jobs still waiting for their
turn start at the pace the batch's jobs have been starting. Once a few jobs ended, the pace at which they
end bounds the estimate too (creates paced at 20 per 10 s make a long batch end one by one). Without a
duration to go on, or in the first seconds, there is no estimate at all: the window says "estimating…".
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from upscaler_gui.core.constants import (
    ESTIMATE_JOB_OVERHEAD_S,
    ESTIMATE_MIN_ELAPSED_S,
    ESTIMATE_OVERDUE_SHARE,
    ESTIMATE_PACE_AFTER,
)
from upscaler_gui.core.jobs import STAGE_PROGRESS, Job, JobState

_POLL_START = STAGE_PROGRESS[JobState.POLLING]
_POLL_END = STAGE_PROGRESS[JobState.DOWNLOADING]
_POLL_CEILING = 0.95  # of the polling stretch: a task past its expected time is "nearly", never done


@dataclass(frozen=True)
class BatchStanding:
    finished: int
    total: int
    seconds_left: float | None  # None: no honest estimate yet

    @property
    def fraction(self) -> float:
        return self.finished / self.total if self.total else 0.0


def standing(jobs: Sequence[Job], *, now: float, since: float, learned_task_s: float | None) -> BatchStanding:
    """Where the batch `jobs` (seen first at `since`) stands at `now`."""
    finished = sum(job.finished for job in jobs)
    if finished == len(jobs):
        return BatchStanding(finished, len(jobs), 0.0)
    return BatchStanding(finished, len(jobs), _seconds_left(jobs, now, since, learned_task_s))


def _seconds_left(
    jobs: Sequence[Job], now: float, since: float, learned_task_s: float | None
) -> float | None:
    per_job = job_seconds(jobs)
    if per_job is None and learned_task_s is not None:
        per_job = learned_task_s + ESTIMATE_JOB_OVERHEAD_S
    elapsed = now - since
    started = [job for job in jobs if job.started_at is not None or job.finished]
    if per_job is None or elapsed < ESTIMATE_MIN_ELAPSED_S or not started:
        return None
    running = [job for job in jobs if not job.finished and job.started_at is not None]
    left = max((_running_left(job, per_job, now) for job in running), default=0.0)
    waiting = sum(1 for job in jobs if not job.finished and job.started_at is None)
    if waiting:
        start_pace = len(started) / elapsed
        left = max(left, waiting / start_pace + per_job)
    return max(left, _pace_bound(jobs, now))


def job_seconds(jobs: Sequence[Job]) -> float | None:
    """The median time from start to end of the jobs that are done; None before one is."""
    times = [
        job.finished_at - job.started_at
        for job in jobs
        if job.state == JobState.DONE and job.started_at is not None and job.finished_at is not None
    ]
    return statistics.median(times) if times else None


def _running_left(job: Job, per_job: float, now: float) -> float:
    age = now - (job.started_at or now)
    return max(per_job - age, per_job * ESTIMATE_OVERDUE_SHARE)


def _pace_bound(jobs: Sequence[Job], now: float) -> float:
    """The jobs left at the pace the batch's jobs have ended so far; 0 before a few have."""
    ends = sorted(job.finished_at for job in jobs if job.finished and job.finished_at is not None)
    if len(ends) < ESTIMATE_PACE_AFTER:
        return 0.0
    span = max(now, ends[-1]) - ends[0]
    if span <= 0:
        return 0.0
    pace = (len(ends) - 1) / span  # ended per second, counted from the first end
    return (len(jobs) - len(ends)) / pace


def job_fraction(job: Job, *, now: float, learned_task_s: float | None) -> float:
    """How far one job is, 0..1: its stage, and within KIE's work the time it is expected to take."""
    if job.state != JobState.POLLING or not learned_task_s or job.task_created_at is None:
        return job.progress
    share = min(_POLL_CEILING, max(0.0, (now - job.task_created_at) / learned_task_s))
    return _POLL_START + (_POLL_END - _POLL_START) * share


def job_overdue(job: Job, *, now: float, learned_task_s: float | None) -> bool:
    """Whether KIE has worked on this job's task past the time tasks usually take: its percentage then
    stands still at the ceiling, and a percentage that does not move reads as a hang."""
    if job.state != JobState.POLLING or not learned_task_s or job.task_created_at is None:
        return False
    return now - job.task_created_at >= _POLL_CEILING * learned_task_s
