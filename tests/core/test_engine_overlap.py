"""The engine against the sim: a batch's stages overlap (issue 13, point 2). The first create does not
wait for the other uploads, and a result ready is downloaded while later images still go up."""

from __future__ import annotations

from pathlib import Path

from tests.core.engine_helpers import EventLog, engine_on, images, run_batch, running_sim
from upscaler_gui.core.engine import EngineOptions
from upscaler_gui.core.jobs import Job, JobState
from upscaler_gui.sim import Faults


class FirstChanges:
    """The order in which each job first entered each state, as the engine announced it."""

    def __init__(self, log: EventLog) -> None:
        self.order: list[tuple[int, JobState]] = []
        log.events.job_did_change.connect(self._changed)

    def _changed(self, job: Job) -> None:
        if (job.id, job.state) not in self.order:
            self.order.append((job.id, job.state))

    def first(self, state: JobState) -> int:
        return next(n for n, (_, s) in enumerate(self.order) if s == state)

    def last(self, state: JobState) -> int:
        return max(n for n, (_, s) in enumerate(self.order) if s == state)


async def test_creates_start_with_the_first_upload_and_results_come_down_while_uploads_go_on(
    tmp_path: Path,
) -> None:
    files = images(tmp_path / "in", 18)
    log = EventLog()
    changes = FirstChanges(log)
    slow_uploads = Faults(rate_slow=1.0, slow_s=0.15, endpoints={"upload_stream"})
    with running_sim(tmp_path, task_seconds=0.2, faults=slow_uploads) as sim:
        options = EngineOptions(concurrency=3)  # six rounds of uploads, each 0.15 s or more
        async with engine_on(sim, tmp_path / "jobs.db", events=log.events, options=options) as engine:
            _, jobs = await run_batch(engine, files, tmp_path / "out")
    assert [job.state for job in jobs] == [JobState.DONE] * 18
    assert sim.stats.creates == 18
    # Created (polling) before the last upload began: creates do not wait for every upload.
    assert changes.first(JobState.POLLING) < changes.last(JobState.UPLOADING)
    # A result ready is downloaded before the uploads still waiting for a transfer slot.
    assert changes.first(JobState.DOWNLOADING) < changes.last(JobState.UPLOADING)
