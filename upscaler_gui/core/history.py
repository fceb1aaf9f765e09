"""The spending record as a table: one row per job that was billed, totals per day and overall.

The command line's `history` and the window's history view both read it from here, so they agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from upscaler_gui.core.errors import InputError
from upscaler_gui.core.i18n import tr
from upscaler_gui.core.jobs import Job, JobState
from upscaler_gui.core.localfiles import readable
from upscaler_gui.core.spending import DayTotal, Spend, day_totals, spends


@dataclass(frozen=True)
class HistoryRow:
    job_id: int
    when: float  # its latest billed task's creation (Unix time)
    source: str
    output: str | None
    task_id: str | None
    state: JobState
    tasks: int  # billed tasks in the period
    credits: float  # what they cost

    def as_dict(self) -> dict[str, object]:
        return {
            "job_id": self.job_id,
            "when": dt.datetime.fromtimestamp(self.when).isoformat(timespec="seconds"),
            "source": self.source,
            "output": self.output,
            "task_id": self.task_id,
            "state": str(self.state),
            "tasks": self.tasks,
            "credits": self.credits,
        }


@dataclass(frozen=True)
class History:
    rows: list[HistoryRow]
    days: list[DayTotal]

    @property
    def tasks(self) -> int:
        return sum(row.tasks for row in self.rows)

    @property
    def credits(self) -> float:
        return round(sum(row.credits for row in self.rows), 6)


def parse_since(text: str) -> float:
    """The start (local midnight) of a day given as YYYY-MM-DD; `InputError` for anything else."""
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError as exc:
        raise InputError(tr("Not a date: {text} (write it as YYYY-MM-DD).").format(text=text)) from exc
    return dt.datetime.combine(day, dt.time()).timestamp()


def history(jobs: Iterable[Job], price: float, since: float | None = None) -> History:
    """Every job with a billed task (since `since`), newest first, and the totals per day."""
    kept: list[tuple[Job, list[Spend]]] = []
    for job in jobs:
        billed = [spend for spend in spends(job, price) if since is None or spend.at >= since]
        if billed:
            kept.append((job, billed))
    rows = [_row(job, billed) for job, billed in kept]
    rows.sort(key=lambda row: (row.when, row.job_id), reverse=True)
    return History(rows, day_totals((job for job, _ in kept), price, since=since))


def _row(job: Job, billed: list[Spend]) -> HistoryRow:
    return HistoryRow(
        job_id=job.id,
        when=billed[-1].at,
        source=readable(job.source_path) if job.kind == "file" and job.source_path else job.given,
        output=readable(job.output_path) if job.output_path else None,
        task_id=job.task_id or billed[-1].task_id,
        state=job.state,
        tasks=len(billed),
        credits=round(sum(spend.credits for spend in billed), 6),
    )
