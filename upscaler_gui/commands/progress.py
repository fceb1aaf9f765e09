"""What a batch shows while it runs: a live bar on a terminal, a line per job otherwise, JSON on request.

Everything human goes to stderr; stdout carries only `--json` lines, one per input when it ends.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import TextIO

from upscaler_gui.core.constants import DEFAULT_COST_PER_IMAGE
from upscaler_gui.core.engine import Admission
from upscaler_gui.core.jobs import Job, JobState
from upscaler_gui.core.localfiles import readable
from upscaler_gui.core.spending import spends

BAR_WIDTH = 24
REDRAW_S = 0.1


@dataclass
class InputLine:
    """One input as given, and the job it became."""

    given: str
    job_id: int
    status: str | None = None  # set once reported
    note: str = ""


def json_line(given: str, job: Job, status: str, error: str | None) -> str:
    """One input's line; text is made readable (a file name's bytes that are not UTF-8 as \\xe9), so
    the line is valid UTF-8 JSON whatever the names."""
    output = job.output_path if status in ("done", "skipped") else None
    return json.dumps(
        {
            "input": readable(given),
            "status": status,
            "output": readable(output) if output else None,
            "task_id": job.task_id,
            "error": readable(error) if error else error,
            "notes": [readable(note) for note in job.warnings],
        },
        ensure_ascii=False,
    )


def elapsed_text(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}m {secs:02d}s" if minutes else f"{seconds:.1f}s"


@dataclass
class BatchReporter:
    """Listens to the engine and reports each input once, when it ends."""

    as_json: bool
    live: bool
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)
    inputs: list[InputLine] = field(default_factory=list)
    jobs: dict[int, Job] = field(default_factory=dict)  # the jobs of this batch, latest state
    latest: dict[int, Job] = field(default_factory=dict)  # every job the engine told us about
    tasks_before: dict[int, str | None] = field(default_factory=dict)
    started: float = field(default_factory=time.monotonic)
    started_at: float = field(default_factory=time.time)  # wall clock, as the spending record has it
    _last_draw: float = 0.0

    def admitted(self, admissions: list[Admission]) -> None:
        for admission in admissions:
            line = InputLine(admission.given, admission.job.id)
            self.inputs.append(line)
            # A job may have changed (even ended) while the batch was still being added.
            job = self.latest.get(admission.job.id, admission.job)
            self.jobs[job.id] = job
            self.tasks_before.setdefault(
                job.id, admission.job.task_id if admission.decision != "new" else None
            )
            if admission.decision in {"skipped", "busy"}:
                self._report(line, admission.job, "skipped", admission.message)
            elif admission.decision == "ended_before":
                hint = "--retry-unknown" if admission.job.state == JobState.UNKNOWN else "--retry-failed"
                note = f"{admission.message} (ended so in an earlier run; {hint} runs it again)"
                self._report(line, admission.job, str(admission.job.state), note)
            elif job.finished:
                self.job_changed(job)

    def job_changed(self, job: Job) -> None:
        self.latest[job.id] = job
        if job.id not in self.jobs:
            return
        self.jobs[job.id] = job
        if job.finished:
            for line in self.inputs:
                if line.job_id == job.id and line.status is None:
                    status = "skipped" if job.state == JobState.SKIPPED else str(job.state)
                    self._report(line, job, status, job.error)
        self._draw()

    def _report(self, line: InputLine, job: Job, status: str, error: str | None) -> None:
        line.status = status
        if self.as_json:
            print(json_line(line.given, job, status, error or None), file=self.out, flush=True)
        self._clear_bar()
        if status == "done":
            notes = f" ({' '.join(job.input_notes)})" if job.input_notes else ""
            text = f"done     {line.given} -> {job.output_path}{notes}"
        else:
            text = f"{status:<8} {line.given}: {error or ''}".rstrip(": ")
        print(readable(text), file=self.err)
        self._draw(force=True)

    def finish_unended(self, reason: str) -> None:
        """Inputs still waiting when the batch stops (paused for credits or key): say so, once each."""
        for line in self.inputs:
            if line.status is None:
                self._report(line, self.jobs[line.job_id], "paused", reason)

    def credits_used(self) -> float | None:
        """Credits of the tasks this batch created (not those of earlier runs): KIE's figure where it
        gave one, else the price."""
        used = [
            spend.credits
            for job in self.jobs.values()
            for spend in spends(job, DEFAULT_COST_PER_IMAGE)
            if spend.task_id != self.tasks_before.get(job.id) and spend.at >= self.started_at
        ]
        return round(sum(used), 6) if used else None

    def counts(self) -> Counter[str]:
        """Inputs by how they ended; those left under way (Ctrl+C) count as unfinished (kept)."""
        return Counter(line.status or "unfinished" for line in self.inputs)

    def summary(self, credits_used: float | None) -> str:
        counts = self.counts()
        statuses = ("done", "failed", "skipped", "unknown", "cancelled", "paused", "unfinished")
        parts = [f"{counts[s]} {s}" for s in statuses if counts[s]]
        text = f"{len(self.inputs)} input(s): " + (", ".join(parts) or "nothing to do")
        if credits_used is not None:
            text += f" · {credits_used:g} credits"
        return text + f" · {elapsed_text(time.monotonic() - self.started)}"

    # --- the live bar ---------------------------------------------------------------------------------

    def _draw(self, force: bool = False) -> None:
        if not self.live or (not force and time.monotonic() - self._last_draw < REDRAW_S):
            return
        self._last_draw = time.monotonic()
        total = len(self.inputs) or 1
        ended = sum(line.status is not None for line in self.inputs)
        filled = int(BAR_WIDTH * ended / total)
        states = Counter(str(job.state) for job in self.jobs.values() if not job.finished)
        busy = " ".join(f"{n} {s}" for s, n in sorted(states.items()))
        bar = f"[{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {ended}/{total} {busy}"
        self.err.write(f"\r\x1b[K{bar} {elapsed_text(time.monotonic() - self.started)}")
        self.err.flush()

    def _clear_bar(self) -> None:
        if self.live:
            self.err.write("\r\x1b[K")

    def close(self) -> None:
        self._clear_bar()
        self.err.flush()
