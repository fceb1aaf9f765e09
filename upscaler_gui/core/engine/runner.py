"""Running one job from where it stands to its end, under the error policy.

Stage order by what the job already has: a result URL -> download; a taskId -> wait for the result;
ready to submit -> create; else -> check and upload. A create that was sent runs to its end even if
the job is cancelled, so its taskId is always recorded (see `Pipeline.submit`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from functools import partial
from typing import Any

from upscaler_gui.core import log
from upscaler_gui.core.constants import UPLOAD_REUSE_SECONDS
from upscaler_gui.core.engine.dbthread import JobWriter
from upscaler_gui.core.engine.events import PauseReason
from upscaler_gui.core.engine.gate import QueueGate
from upscaler_gui.core.engine.policy import Outcome, judge
from upscaler_gui.core.engine.slots import TransferSlots
from upscaler_gui.core.engine.stages import Pipeline
from upscaler_gui.core.errors import (
    KieTaskFailedError,
    KieValidationError,
    ResultUnusableError,
    StoreError,
    TaskNotRecordedError,
    UpscalerError,
    is_fetch_failure,
)
from upscaler_gui.core.i18n import joined, tr
from upscaler_gui.core.jobs import Job, JobState

UNKNOWN_AFTER_RESTART = (
    "The app stopped while this task was being created, so KIE may have created and billed it."
)
RESULT_KEPT = "The result is paid and kept: Retry downloads it again, without a new task."
BILLED_NOTE = "Cancelled; KIE still bills the task it already created ({task_id})."

Stage = Callable[[Job], Awaitable[Job]]


class JobRunner:
    def __init__(
        self,
        pipeline: Pipeline,
        gate: QueueGate,
        jobs: dict[int, Job],
        update: JobWriter,
        *,
        concurrency: int,
        auto_retries: int,
        sleep: Callable[[float], Awaitable[Any]],
    ) -> None:
        self.pipeline, self.gate, self.jobs, self.update = pipeline, gate, jobs, update
        self.auto_retries = auto_retries
        self.sleep = sleep
        self.transfer = TransferSlots(concurrency)
        self.cancelling: set[int] = set()  # user cancels (a shutdown cancel keeps the job for next start)

    async def run(self, job_id: int) -> None:
        try:
            await self._drive(self.jobs[job_id])
        except asyncio.CancelledError:
            if job_id in self.cancelling:
                await self.mark_cancelled(job_id)
            raise
        except StoreError as exc:  # nothing more can be written: the queue stops, the store keeps what it has
            self._store_failed(job_id, exc)
        except Exception as exc:  # the one handler: a bug fails one job, loudly, never the queue
            log.jobs.exception("job %d: unexpected error", job_id)
            await self.end(
                self.jobs[job_id], JobState.FAILED, tr("Internal error: {cause}").format(cause=exc), 0
            )
        finally:
            self.cancelling.discard(job_id)

    async def _drive(self, job: Job) -> None:
        if job.submit_started_at and not job.task_id and job.state in (JobState.SUBMITTING, JobState.PAUSED):
            await self.end(job, JobState.UNKNOWN, tr(UNKNOWN_AFTER_RESTART), 0)
            return
        if job.state == JobState.PAUSED:  # paused when the app stopped: back where it stands
            job = await self.update(replace(job, state=_unpaused_state(job), paused_reason=None))
        if job.started_at is None:
            job = await self.update(replace(job, started_at=time.time(), error=None))
        while not job.finished:
            job = await self._step(job)

    async def _step(self, job: Job) -> Job:
        if job.result_url:
            download = partial(self._transferring, self.pipeline.download, download=True)
            return await self._guarded(job, download, patient=True, downloading=True)
        if job.task_id:
            await self.gate.take_slot(job.id)
            job = await self._guarded(job, self.pipeline.await_result, patient=True)
            if job.result_url or job.finished or not job.task_id:
                self.gate.drop_slot(job.id)
            return job
        if job.state == JobState.SUBMITTING:
            job = await self._ready_to_create(job)
            if not _upload_too_old(job):
                return await self._guarded(job, self.pipeline.submit)
            self.gate.drop_slot(job.id)  # waited so long that KIE may have deleted the upload
            return await self.update(replace(job, state=JobState.QUEUED))
        job = await self._wait_at_gate(job)  # new spending waits while paused
        return await self._guarded(job, partial(self._transferring, self.pipeline.upload, download=False))

    async def _transferring(self, stage: Stage, job: Job, *, download: bool) -> Job:
        """A stage that moves bytes, inside one of the transfer slots (a download waiting goes first).
        The slot is held for the stage only: never while the job waits on a pause or a backoff, or the
        jobs queued behind it would wait without counting as parked, and the queue would never settle."""
        async with self.transfer.slot(download=download):
            return await stage(job)

    async def _ready_to_create(self, job: Job) -> Job:
        """Hold an in-flight slot with the queue running; never wait on a pause while holding one."""
        while True:
            self.gate.drop_slot(job.id)  # none is held while waiting (after a failed task, say)
            job = await self._wait_at_gate(job)  # new spending waits while paused
            await self.gate.take_slot(job.id)
            if self.gate.running:
                return job

    async def _wait_at_gate(self, job: Job) -> Job:
        """Wait while the queue is paused. Over budget, the job says so meanwhile (paused, with the
        reason), so every row left waiting reads "over budget", not just the one that hit it."""
        reason = self.gate.reason
        if reason is None or reason.kind != "budget":
            await self.gate.wait(job.id)
            return job
        state = job.state
        job = await self.update(replace(job, state=JobState.PAUSED, paused_reason=reason.message))
        await self.gate.wait(job.id)
        return await self.update(replace(job, state=state, paused_reason=None))

    # --- the error policy -----------------------------------------------------------------------------------

    async def _guarded(
        self, job: Job, stage: Stage, *, patient: bool = False, downloading: bool = False
    ) -> Job:
        """Run a stage; apply the error policy until it succeeds or the job ends."""
        rounds, noted = 0, False
        while True:
            try:
                done = await stage(job)
                if noted and done.error == job.error:
                    done = await self.update(
                        replace(done, error=None)
                    )  # the retries worked: nothing to report
                return done
            except StoreError:
                raise  # not about this job: `run` stops the queue
            except UpscalerError as exc:
                job = self.jobs.get(job.id, job)
                if _upload_lost(job, exc):
                    return await self._upload_again(job, exc)
                outcome = judge(
                    exc,
                    rounds=rounds,
                    patient=patient,
                    auto_retries_left=job.auto_retries < self.auto_retries,
                    downloading=downloading,
                )
                if outcome.verdict in ("wait", "retry"):
                    rounds += outcome.verdict == "retry"
                    job = await self.update(
                        replace(job, error=tr("Retrying: {cause}").format(cause=exc.user_text()))
                    )
                    noted = True
                    await self.sleep(outcome.delay_s)
                elif outcome.verdict == "pause":
                    # Back to `_step`: where the job stands after the pause decides what comes next.
                    return await self._park(job, outcome)
                else:
                    return await self._conclude(job, exc, outcome)

    def _store_failed(self, job_id: int, exc: StoreError) -> None:
        """Say it once per job, loudly (a taskId the store could not keep is in the message), and stop
        the queue: every next step would fail the same way."""
        job = self.jobs[job_id]
        if isinstance(exc, TaskNotRecordedError):  # shown with the job (--json, the row), not stored
            job = self.jobs[job_id] = replace(job, task_id=exc.task_id, error=exc.user_text())
        log.jobs.error("job %d (%s): %s", job.id, job.display_name, exc.user_text())
        self.gate.pause(PauseReason("store", exc.user_text()))
        self.gate.events.store_did_fail.emit(job, exc)

    async def _upload_again(self, job: Job, exc: UpscalerError) -> Job:
        """KIE could not fetch the file we uploaded (deleted early, or a host that is gone): upload it
        again and create once more, once. The failed task made nothing; the new create is billed."""
        log.jobs.info("job %d: KIE could not fetch the upload (%s); uploading again", job.id, exc.message)
        await self.pipeline.forget_upload(job)
        note = tr("KIE could not fetch the uploaded image ({cause}); uploading it again for one more try.")
        return await self.update(
            replace(
                job,
                state=JobState.QUEUED,
                upload_url=None,
                uploaded_at=None,
                task_id=None,
                result_url=None,
                submit_started_at=None,
                previous_task_ids=(*job.previous_task_ids, job.task_id)
                if job.task_id
                else job.previous_task_ids,
                extra={**job.extra, "uploaded_again": job.extra.get("uploaded_again", 0) + 1},
                error=note.format(cause=exc.message.rstrip(".")),
            )
        )

    async def _conclude(self, job: Job, exc: UpscalerError, outcome: Outcome) -> Job:
        code = getattr(exc, "code", 0)
        if outcome.verdict == "unknown":
            return await self.end(job, JobState.UNKNOWN, exc.user_text(), code)
        if outcome.verdict == "new_task":
            log.jobs.info("job %d: KIE failed the task transiently; one new task", job.id)
            note = tr("KIE failed the first task ({cause}); trying once more as a new task.")
            return await self.update(
                replace(
                    job,
                    state=JobState.SUBMITTING,
                    task_id=None,
                    result_url=None,
                    submit_started_at=None,
                    auto_retries=job.auto_retries + 1,
                    previous_task_ids=(*job.previous_task_ids, job.task_id or ""),
                    error=note.format(cause=exc.message.rstrip(".")),
                )
            )
        if job.result_url and job.task_id and not isinstance(exc, ResultUnusableError):
            # The download or the save failed: the result stays paid for (an unusable one says so itself).
            return await self.end(job, JobState.FAILED, joined(exc.message, tr(RESULT_KEPT)), code)
        return await self.end(job, JobState.FAILED, exc.user_text(), code)

    async def _park(self, job: Job, outcome: Outcome) -> Job:
        reason: PauseReason | None = outcome.pause
        assert reason is not None
        self.gate.pause(reason)
        job = await self.update(replace(job, state=JobState.PAUSED, paused_reason=reason.message))
        self.gate.drop_slot(job.id)  # a parked job holds no slot: others queued for one could not settle
        await self.gate.wait(job.id)
        return await self.update(replace(job, state=_unpaused_state(job), paused_reason=None))

    async def end(self, job: Job, state: JobState, error: str | None, code: int) -> Job:
        job = await self.update(
            replace(job, state=state, error=error, error_code=code, finished_at=time.time())
        )
        log.jobs.info("job %d (%s): %s%s", job.id, job.display_name, state, f": {error}" if error else "")
        return job

    async def mark_cancelled(self, job_id: int) -> None:
        job = self.jobs.get(job_id)
        if job is None or job.finished:
            return
        note = tr(BILLED_NOTE).format(task_id=job.task_id) if job.task_id else None
        await self.end(job, JobState.CANCELLED, note, 0)


def _unpaused_state(job: Job) -> JobState:
    """Where a paused job stands: its task on KIE (the download stage says when it downloads), or
    waiting to be sent."""
    return JobState.POLLING if job.task_id else JobState.QUEUED


def _upload_lost(job: Job, exc: UpscalerError) -> bool:
    """KIE failed the task (or refused the create) because it could not fetch our own upload, and the
    job has not been uploaded again for that yet. A user's own link that cannot be fetched just fails."""
    refused = isinstance(exc, KieTaskFailedError | KieValidationError) and is_fetch_failure(exc.message)
    return refused and job.kind != "url" and bool(job.upload_url) and not job.extra.get("uploaded_again")


def _upload_too_old(job: Job) -> bool:
    """An upload KIE may have deleted by now (a job that waited days to be sent): upload again."""
    return job.kind != "url" and time.time() - (job.uploaded_at or 0.0) > UPLOAD_REUSE_SECONDS
