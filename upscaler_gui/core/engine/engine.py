"""The scheduler: every job as one supervised asyncio task, bounded, paced, pausable, resumable.

Lifecycle (aiojobs-like): `start()`, then `add()` / `pause()` / `resume()` / `cancel()` / `retry()` /
`remove()`; `wait_settled()` returns once every job ended or waits on a pause; `close()` cancels
what runs (a create already on the wire is let finish so its taskId is recorded) and releases the
store. No job task is fire-and-forget: each is tracked, and `_run` is the one exception handler.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from upscaler_gui.core import log
from upscaler_gui.core.constants import DEFAULT_COST_PER_IMAGE, POLL_HISTORY, POLL_REMEMBER_S
from upscaler_gui.core.engine.budget import Budget, BudgetLimits
from upscaler_gui.core.engine.dbthread import AsyncJobStore
from upscaler_gui.core.engine.events import EngineEvents, PauseReason, QueueSummary
from upscaler_gui.core.engine.gate import QueueGate
from upscaler_gui.core.engine.intake import Admission, decide, draft_job, fresh_start, restart
from upscaler_gui.core.engine.pacer import Pacer
from upscaler_gui.core.engine.polling import PollPlanner
from upscaler_gui.core.engine.runner import JobRunner
from upscaler_gui.core.engine.stages import Pipeline
from upscaler_gui.core.errors import StoreError, UpscalerError
from upscaler_gui.core.i18n import tr
from upscaler_gui.core.jobs import FINISHED, RETRYABLE, Job, JobState, OutputOptions
from upscaler_gui.core.kie import KieClient
from upscaler_gui.core.output import remove_stale_temp_files
from upscaler_gui.core.sources import Item
from upscaler_gui.core.spending import spent_since
from upscaler_gui.core.store import JobStore
from upscaler_gui.core.tasks import TaskKeeper

HEARTBEAT_S = 10.0


@dataclass(frozen=True)
class EngineOptions:
    concurrency: int = 10  # jobs checking, uploading or downloading at once
    max_tasks_in_flight: int = 100  # tasks waiting on KIE at once (KIE: 100+ may run at once)
    owner: str = "cli"
    callback_url: str | None = None
    auto_retries: int = 1  # new tasks for a failure KIE calls transient
    cost_per_image: float = DEFAULT_COST_PER_IMAGE
    budget: BudgetLimits = field(default_factory=BudgetLimits)  # what a batch and a day may spend


class Engine:
    def __init__(
        self,
        client: KieClient,
        store: JobStore,
        *,
        pacer: Pacer,
        options: EngineOptions | None = None,
        events: EngineEvents | None = None,
        sleep: Callable[[float], Any] = asyncio.sleep,
    ) -> None:
        self.options = options or EngineOptions()
        self.events = events or EngineEvents()
        self.client, self.pacer, self.planner = client, pacer, PollPlanner()
        self.db = AsyncJobStore(store)
        self._jobs: dict[int, Job] = {}
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self.gate = QueueGate(self.events, self.options.max_tasks_in_flight)
        self.budget = Budget(self.options.budget, self._spent_since)
        self.pipeline = Pipeline(
            client,
            self.db,
            self.planner,
            self._update,
            callback_url=self.options.callback_url,
            sleep=sleep,
            price=self.options.cost_per_image,
            budget=self.budget,
        )
        self.runner = JobRunner(
            self.pipeline,
            self.gate,
            self._jobs,
            self._update,
            concurrency=self.options.concurrency,
            auto_retries=self.options.auto_retries,
            sleep=sleep,
        )
        self._engine_id = 0
        self.keeper = TaskKeeper("engine")  # every job's task and the heartbeat: nothing runs unowned
        self._closed = False
        self._adding = 0
        self._admitting = asyncio.Lock()
        self._swept: set[str] = set()  # output folders cleared of a killed run's temp files

    # --- lifecycle -------------------------------------------------------------------------------------

    async def start(self, *, resume: bool = False) -> list[Job]:
        """Register with the store; with `resume`, take up this owner's unfinished jobs."""
        self._engine_id = await self.db.run(self.db.store.register_engine)
        await self._seed_pacer()
        await self._seed_planner()
        await self.budget.load_day()
        self.keeper.spawn(self._beat(), "heartbeat")
        if not resume:
            return []
        jobs = await self.db.run(self.db.store.all, owner=self.options.owner, unfinished=True)
        claimed = [await self._claim(job) for job in jobs]
        resumed = [job for job in claimed if job is not None and not job.finished]
        for folder in {job.options.folder for job in resumed}:
            await self._sweep_once(folder)
        for job in resumed:
            self._adopt(job)
        return resumed

    async def _seed_pacer(self) -> None:
        """Creates a run killed a moment ago sent still count in KIE's window: start from them."""
        window = self.pacer.windows["create"]
        sent = await self.db.run(self.db.store.recent_creates, window.window)
        window.seed([time.time() - at for at in sent])

    async def _seed_planner(self) -> None:
        """Tasks that ended lately on this store (a run a few minutes ago) teach the poll planner, so
        a new run polls about once a task from its start instead of scouting first."""
        lately = await self.db.run(self.db.store.recent_task_times, POLL_HISTORY, POLL_REMEMBER_S)
        for seconds in lately:
            self.planner.learn(seconds)

    async def _spent_since(self, since: float) -> float:
        jobs = await self.db.run(self.db.store.changed_since, since)
        return spent_since(jobs, since, self.options.cost_per_image)

    async def close(self) -> None:
        """Stop every job where it is (each resumes at the next start) and release the store."""
        if self._closed:
            return
        self._closed = True
        self.stop_creates()
        await self.keeper.close()  # every job stops where it is; a create on the wire runs to its end:
        await asyncio.gather(*self.pipeline.creates.on_the_wire, return_exceptions=True)
        if self._engine_id:
            try:
                await self.db.run(self.db.store.unregister_engine, self._engine_id)
            except StoreError as exc:  # our claims lapse by themselves (ENGINE_STALE_S); said already
                log.jobs.info("closing: the job store could not be updated (%s)", exc.message)
        self.db.close()

    def stop_creates(self) -> None:
        """From now on no create leaves (a signal handler calls this first, then closes the engine);
        a create already on the wire runs to its end, and its taskId is recorded."""
        self.pipeline.creates.stopped = True

    async def wait_settled(self) -> None:
        """Until every job has ended, or every job left waits on a pause."""
        await self.gate.settled.wait()

    async def wait_and_close(self) -> None:
        await self.wait_settled()
        await self.close()

    async def _beat(self) -> None:
        """Tell other processes on this store that our claims are alive."""
        while True:
            await asyncio.sleep(HEARTBEAT_S)
            try:
                await self.db.run(self.db.store.heartbeat, self._engine_id)
            except Exception as exc:  # a busy or locked store: try again at the next beat
                log.jobs.info("store heartbeat failed (%s)", exc)

    # --- adding, resuming ------------------------------------------------------------------------------

    async def add(
        self,
        items: Sequence[Item],
        options: OutputOptions,
        *,
        retry_failed: bool = False,
        retry_unknown: bool = False,
    ) -> list[Admission]:
        """One admission per item, in order; the same input twice is one job."""
        admissions: list[Admission] = []
        by_key: dict[str, Job] = {}
        self._adding += 1  # no "drained" while a batch is still coming in
        try:
            for item in items:
                draft = await asyncio.to_thread(draft_job, item, options, self.options.owner)
                if draft.dedupe_key in by_key and not draft.refused:
                    admissions.append(Admission(item.given, by_key[draft.dedupe_key], "duplicate"))
                    continue
                async with self._admitting:  # find-then-add must not interleave (drops + a watcher)
                    admission = await self._admit(
                        draft, retry_failed=retry_failed, retry_unknown=retry_unknown
                    )
                by_key[draft.dedupe_key] = admission.job
                # Reported as the user gave it (the store keeps a data: URI shortened).
                admissions.append(replace(admission, given=item.given))
        finally:
            self._adding -= 1
        if not self._tasks and not self._adding:
            self.events.queue_did_drain.emit(self.summary())
        return admissions

    async def _admit(self, draft: Job, *, retry_failed: bool, retry_unknown: bool) -> Admission:
        """Find-or-add and claim in one store transaction, then decide on the row as stored now."""
        job, added, claimed = await self.db.run(self.db.store.admit, draft, self._engine_id)
        if added:
            return self._admitted(Admission(draft.given, job, "new"), run=not job.finished)
        if job.refused:  # the same refused input again: one row, not one per run
            job = await self.db.save(replace(job, error=draft.error, finished_at=time.time()))
            await self._release(job)
            return self._admitted(Admission(draft.given, job, "new"), run=False)
        if not claimed:
            pid = await self.db.run(self.db.store.holder_pid, job.id)
            busy = tr("being processed by another run (process {pid})").format(pid=pid)
            return Admission(draft.given, job, "busy", busy)
        if job.id in self._tasks:  # this engine runs it already (dropped twice): its live copy counts
            return Admission(draft.given, self._jobs[job.id], "resumed")
        decision, message = decide(
            job, retry_failed=retry_failed, retry_unknown=retry_unknown, on_conflict=draft.options.on_conflict
        )
        if decision not in ("new", "resumed"):
            await self._release(job)
            return self._admitted(Admission(draft.given, job, decision, message), run=False)
        job = replace(
            job,
            options=draft.options,
            source_path=draft.source_path or job.source_path,
            source_url=draft.source_url or job.source_url,  # an ended link's secrets were not kept
        )
        if decision == "resumed":  # a run that was killed may have left a half-written download
            await self._sweep_once(job.options.folder)
        job = await self.db.save(restart(job) if decision == "new" else job)
        return self._admitted(Admission(draft.given, job, decision, message), run=True)

    def _admitted(self, admission: Admission, *, run: bool) -> Admission:
        self._jobs[admission.job.id] = admission.job
        self.events.job_did_change.emit(admission.job)
        if run:
            self._adopt(admission.job)
        return admission

    async def _release(self, job: Job) -> None:
        await self.db.run(self.db.store.release, job.id, self._engine_id)

    async def _sweep_once(self, folder: str) -> None:
        """Remove the temp files a killed run left in `folder`: once, and never while one of our own
        jobs may be downloading into it."""
        if folder in self._swept or any(
            job.result_url and job.options.folder == folder
            for job_id, job in self._jobs.items()
            if job_id in self._tasks
        ):
            return
        self._swept.add(folder)
        await asyncio.to_thread(remove_stale_temp_files, Path(folder))

    async def _claim(self, job: Job) -> Job | None:
        """The job as stored now, held by this engine; None when another live run holds it."""
        return await self.db.run(self.db.store.claim, job.id, self._engine_id)

    def _adopt(self, job: Job) -> None:
        """Run a job as a supervised task."""
        self._jobs[job.id] = job
        if job.id in self._tasks or self._closed:
            return
        task = self.keeper.spawn(self._run(job.id), f"job {job.id}")
        self._tasks[job.id] = task
        self.gate.task_started(job.id)
        task.add_done_callback(functools.partial(self._task_ended, job.id))

    async def _run(self, job_id: int) -> None:
        try:
            await self.runner.run(job_id)
        finally:
            if self._engine_id and not self._closed:
                with contextlib.suppress(Exception):
                    await self.db.run(self.db.store.release, job_id, self._engine_id)

    def _task_ended(self, job_id: int, _task: object = None) -> None:
        self._tasks.pop(job_id, None)
        self.gate.task_ended(job_id)
        if not self._tasks and not self._closed and not self._adding:
            self.events.queue_did_drain.emit(self.summary())

    def track(self, jobs: Sequence[Job]) -> None:
        """Know finished jobs of earlier sessions (the window lists them), so retry and remove work."""
        for job in jobs:
            self._jobs.setdefault(job.id, job)

    # --- state -----------------------------------------------------------------------------------------

    def jobs(self) -> list[Job]:
        return sorted(self._jobs.values(), key=lambda job: job.id)

    def job(self, job_id: int) -> Job | None:
        return self._jobs.get(job_id)

    @property
    def paused(self) -> PauseReason | None:
        return self.gate.reason

    def summary(self) -> QueueSummary:
        counts = {state: 0 for state in JobState}
        for job in self._jobs.values():
            counts[job.state] += 1
        used = [job.credits for job in self._jobs.values() if job.credits is not None]
        return QueueSummary(counts, sum(used) if used else None)

    async def _update(self, job: Job, *, durable: bool = False) -> Job:
        """Write a changed job to disk, then tell the listeners."""
        job = await self.db.save(job, durable=durable)
        if job.id in self._jobs:
            self._jobs[job.id] = job
        self.events.job_did_change.emit(job)
        return job

    def pause(self) -> None:
        """The user's pause: no new uploads or creates; tasks already on KIE finish and are saved."""
        self.gate.pause(PauseReason("user", tr("Paused: press Resume to go on.")))

    def resume(self) -> None:
        self.gate.resume()

    async def cancel(self, job_id: int) -> None:
        task = self._tasks.get(job_id)
        if task is not None:
            self.runner.cancelling.add(job_id)
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        elif (job := self._jobs.get(job_id)) is not None and not job.finished:
            await self.runner.mark_cancelled(job_id)

    async def retry(self, job_id: int) -> Job | None:
        """Run a failed, unknown or cancelled job again; other jobs are left as they are. What KIE
        already made is not paid again (see `intake.restart`); otherwise a new, billed task."""
        return await self._restart(job_id, RETRYABLE, restart)

    async def run_again(self, job_id: int) -> Job | None:
        """Any finished job as a new, billed task: the user's own action for a done job."""
        return await self._restart(job_id, FINISHED, fresh_start)

    async def _restart(
        self, job_id: int, states: frozenset[JobState], how: Callable[[Job], Job]
    ) -> Job | None:
        job = self._jobs.get(job_id)
        if job is None or job.id in self._tasks or job.refused:
            return job
        current = await self._claim(job)
        if current is None:  # another run took it up: its row is not ours to reset
            return job
        if current.state not in states:  # not retryable, or another run moved it on meanwhile
            await self._release(current)
            return self._admitted(Admission(current.given, current, "skipped"), run=False).job
        if job.source_url:  # a link's secrets: the store forgot them when the job ended, this session not
            current = replace(current, source_url=job.source_url)
        job = await self.db.save(how(current))
        return self._admitted(Admission(job.given, job, "new"), run=True).job

    async def remove(self, job_id: int) -> None:
        await self.cancel(job_id)
        self._jobs.pop(job_id, None)
        await self.db.run(self.db.store.delete, job_id)
        self.events.job_was_removed.emit(job_id)

    async def refresh_credits(self) -> float | None:
        try:
            balance = await self.client.credits()
        except UpscalerError as exc:
            log.jobs.info("credit balance unavailable: %s", exc.message)
            return None
        self.events.credits_did_change.emit(balance)
        return balance
