"""The stages of one job: check and upload, submit, wait for the result, download.

Each stage writes the job to the store before it returns, so a kill at any moment resumes from the
last finished step. Errors propagate as typed `UpscalerError`s; the engine decides what they mean for
the queue (pause, retry, fail).
"""

from __future__ import annotations

import asyncio
import contextlib
import filecmp
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

from upscaler_gui.core import log
from upscaler_gui.core.constants import DEFAULT_COST_PER_IMAGE, UPLOAD_REUSE_SECONDS
from upscaler_gui.core.engine.budget import Budget
from upscaler_gui.core.engine.convert_input import (
    PREPARED,
    discard_prepared,
    metadata_source,
    prepare_input,
    upload_key,
)
from upscaler_gui.core.engine.create import CreateStage
from upscaler_gui.core.engine.dbthread import AsyncJobStore, JobWriter
from upscaler_gui.core.engine.polling import (
    PollPlanner,
    stuck_note,
    unknown_state_error,
    unknown_state_note,
)
from upscaler_gui.core.errors import (
    KieNotFoundError,
    KieValidationError,
    ResultGoneError,
    ResultLinkExpiredError,
)
from upscaler_gui.core.finish import FinishOptions, finish_result
from upscaler_gui.core.i18n import tr
from upscaler_gui.core.jobs import INPUT_NOTES, Job, JobState
from upscaler_gui.core.kie import KieClient, TaskRecord
from upscaler_gui.core.output import NameFields, numbered, predicted_name, stem_of
from upscaler_gui.core.results import ResultImage, SavedResult, save_result
from upscaler_gui.core.spending import with_consumed

Sleep = Callable[[float], Awaitable[None]]
DUE_SLACK_S = 0.01  # a poll this close to its planned moment goes now (no sleep of a few ms)
_UNKNOWN = "unknown_state"  # job.extra: [task id, when KIE first said an undocumented state, answers since]


def _without(extra: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in extra.items() if k != key}


def finisher(job: Job) -> Callable[[Path], ResultImage]:
    """The check, conversion and metadata step for this job's result (run in a worker thread)."""
    options = job.options
    # The copy made for upload, while there is one: the input's metadata with its Orientation made true.
    source = metadata_source(job) or (Path(job.source_path) if job.source_path else None)
    finish_options = FinishOptions(options.output_format, options.quality, options.keep_metadata)
    return partial(finish_result, source=source, options=finish_options)


def keep_earlier_copy(saved: SavedResult) -> SavedResult:
    """The same result under an earlier numbered name, saved by a run that died before it could record
    it: that copy is kept and the new one removed, so a result is never saved twice (x_crisp-1.png)."""
    assert saved.path is not None
    for candidate in numbered(saved.path.parent / Path(saved.name).name):
        if candidate == saved.path:
            break
        if candidate.is_file() and filecmp.cmp(candidate, saved.path, shallow=False):
            saved.path.unlink()
            log.jobs.info("%s was saved before the app stopped: kept, not saved twice", candidate.name)
            return replace(saved, path=candidate)
    return saved


def task_duration(record: TaskRecord, job: Job) -> float | None:
    """How long KIE took: its costTime, else our own measure from create to now."""
    if record.cost_time_s:
        return record.cost_time_s
    return time.time() - job.task_created_at if job.task_created_at else None


class Pipeline:
    """Stage functions over one KIE client and one store; the engine runs them and handles errors."""

    def __init__(
        self,
        client: KieClient,
        db: AsyncJobStore,
        planner: PollPlanner,
        update: JobWriter,
        *,
        callback_url: str | None = None,
        sleep: Sleep = asyncio.sleep,
        price: float = DEFAULT_COST_PER_IMAGE,
        budget: Budget | None = None,
    ) -> None:
        self.client = client
        self.price = price
        self.db = db
        self.planner = planner
        self.update = update
        self.callback_url = callback_url or None
        self.sleep = sleep
        self.creates = CreateStage(client, update, callback_url=callback_url, price=price, budget=budget)
        self._lesson = asyncio.Event()  # set (and replaced) when the planner learned something
        self.submit = self.creates.submit

    # --- check and upload -----------------------------------------------------------------------------

    async def _skipped(self, job: Job, taken: str) -> Job:
        return await self.update(
            replace(
                job.at(JobState.SKIPPED),
                error=tr("skipped: {name} already exists in the output folder").format(name=Path(taken).name),
                extra={**discard_prepared(job), "name_taken_by": taken},
                finished_at=time.time(),
            )
        )

    def _name_taken(self, job: Job, ext: str | None) -> str | None:
        """With `skip`, a result name known before anything is sent and already taken: nothing to pay."""
        options = job.options
        if options.on_conflict != "skip":
            return None
        name = predicted_name(
            options.template, job.input_stem, options.output_format, ext, job.id, relpath=options.relpath
        )
        path = Path(options.folder) / name if name else None
        return str(path) if path is not None and path.exists() else None

    async def upload(self, job: Job) -> Job:
        """Local checks, then a URL KIE can fetch: the link itself, a recent upload, or a new upload."""
        if job.kind == "url":
            taken = self._name_taken(job, None)
            return await (self._skipped(job, taken) if taken else self.update(job.at(JobState.SUBMITTING)))
        job = await self.update(job.at(JobState.UPLOADING))
        prepared = await asyncio.to_thread(prepare_input, job)
        info, path = prepared.info, prepared.path
        extra = {**_without(job.extra, PREPARED), INPUT_NOTES: list(prepared.done)}
        if prepared.made:
            extra[PREPARED] = str(path)
        if taken := self._name_taken(job, info.extension):
            return await self._skipped(replace(job, extra=extra), taken)  # the copy made is removed
        job = await self.update(
            replace(
                job,
                in_width=info.width,
                in_height=info.height,
                in_bytes=info.size_bytes,
                warnings=prepared.notes,
                extra=extra,
            )
        )
        host = self.client.upload_host
        # A copy made for upload is its own bytes: an upload of the input as it is is not it.
        reused = await self.db.run(self.db.store.recent_upload, upload_key(job), host, UPLOAD_REUSE_SECONDS)
        if reused is not None:
            log.jobs.info(
                "job %d: reusing an upload of the same bytes from %.1f h ago",
                job.id,
                (time.time() - reused[1]) / 3600,
            )
            url, uploaded_at = reused
        else:
            name = f"{stem_of(job.input_stem)}.{info.extension}"
            uploaded = await self.client.upload_file(path, file_name=name)
            url, uploaded_at = uploaded.download_url, time.time()
            await self.db.run(self.db.store.remember_upload, upload_key(job), host, url, uploaded_at)
        return await self.update(
            replace(job.at(JobState.SUBMITTING), upload_url=url, uploaded_at=uploaded_at)
        )

    async def forget_upload(self, job: Job) -> None:
        await self.db.run(self.db.store.forget_upload, upload_key(job), self.client.upload_host)

    # --- wait for the result ------------------------------------------------------------------------------

    async def await_result(self, job: Job) -> Job:
        """Poll when the planner says, until the task ends; a failure raises.

        A record for another image than ours is an error, never our result. A task that runs too long
        gets a note and is polled on at the slow rate; one in a state KIE does not document fails after
        a while (see polling). Neither is ever created again from here."""
        assert job.task_id is not None
        task_id = job.task_id
        polled_at: float | None = None  # the task's age at our last poll
        created_at = job.task_created_at or time.time()  # unknown (an old store): from now on
        noted = False
        sent = (job.upload_url or job.source_url or "").strip() or None
        try:
            while True:
                polled_at = await self._when_due(task_id, created_at, polled_at)
                record = await self.client.get_task(task_id, expected_image=sent)
                if record.is_unknown or _UNKNOWN in job.extra:
                    job = await self._unknown_state(job, record)
                    noted = noted or record.is_unknown
                if record.is_running and (note := stuck_note(record.task_id, polled_at)):
                    job = await self._note(job, note, first=not noted)
                    noted = True
                if record.is_unknown or record.is_running:
                    if self.planner.running(task_id, polled_at):  # the scout's next rung is another task's
                        self._replanned()
                    continue
                self.planner.learn(task_duration(record, job), task_id, age_s=polled_at)
                self._replanned()
                record.raise_for_failure()
                # Still "polling" until a transfer slot is free: `download` says "downloading" once it is.
                ended = replace(
                    job,
                    result_url=record.result_urls[0],
                    cost_time_s=record.cost_time_s,
                    error=None if noted else job.error,
                )
                return await self.update(with_consumed(ended, task_id, record.credits_consumed, self.price))
        finally:
            if self.planner.release(task_id):  # a scout left: another task may take its place
                self._replanned()

    async def _when_due(self, task_id: str, created_at: float, polled_at: float | None) -> float:
        """Wait until the planner says to poll; the task's age then. The plan is asked again after
        every wait (lessons learned meanwhile may move it later), and a task waiting for a first
        lesson wakes as soon as one comes."""
        while True:
            scout = self.planner.scout(task_id)
            age = time.time() - created_at
            due = self.planner.next_poll_age(polled_at, scout=scout)
            if due <= age + DUE_SLACK_S:
                return age
            if self.planner.learned or scout:
                await self.sleep(due - age)
            else:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._lesson.wait(), due - age)

    def _replanned(self) -> None:
        """Wake the tasks waiting for a lesson (one was learned, or a scout left)."""
        self._lesson.set()
        self._lesson = asyncio.Event()

    async def _note(self, job: Job, note: str, *, first: bool) -> Job:
        """Show `note` on the job (written only when it changes); the first one is logged as a warning."""
        if first:
            log.jobs.warning("job %d (%s): %s", job.id, job.display_name, note)
        return job if note == job.error else await self.update(replace(job, error=note))

    async def _unknown_state(self, job: Job, record: TaskRecord) -> Job:
        """Count how long, and how many answers, KIE reports an undocumented state (kept in the job, so
        neither a retried poll nor a restart starts the count again); raise once it is too long."""
        if not record.is_unknown:  # a documented state again: forget it
            return await self.update(replace(job, extra=_without(job.extra, _UNKNOWN)))
        seen = job.extra.get(_UNKNOWN)
        if isinstance(seen, list) and len(seen) == 3 and seen[0] == record.task_id:
            since, answers = seen[1], seen[2]
        else:  # first seen, or counted for a task this job had before
            since, answers = time.time(), 0
        job = await self.update(
            replace(job, extra={**job.extra, _UNKNOWN: [record.task_id, since, answers + 1]})
        )
        error = unknown_state_error(record, time.time() - since, answers + 1)
        if error is not None:
            raise error
        return await self._note(job, unknown_state_note(record), first=answers == 0)

    # --- download -----------------------------------------------------------------------------------------

    async def download(self, job: Job) -> Job:
        """Save the result into the job's folder; an expired link is renewed once."""
        url = job.result_url
        assert url is not None
        was_downloading = job.state == JobState.DOWNLOADING  # a run that died may have saved it already
        job = await self.update(job.at(JobState.DOWNLOADING))
        finish = finisher(job)
        try:
            saved = await self._save(job, url, finish)
        except ResultLinkExpiredError:
            try:
                fresh = await self.client.fresh_download_url(url)
                job = await self.update(
                    replace(job, extra={**job.extra, "expired_result_url": url}, result_url=fresh)
                )
                saved = await self._save(job, fresh, finish)
            except (ResultLinkExpiredError, KieNotFoundError, KieValidationError) as exc:
                raise await self._result_gone(job, exc) from exc
        if saved.path is not None and was_downloading:
            saved = await asyncio.to_thread(keep_earlier_copy, saved)
        if saved.path is None:
            taken = str(Path(job.options.folder) / saved.name)
            return await self._skipped(job, taken)
        return await self.update(
            replace(
                job.at(JobState.DONE),
                error=None,
                finished_at=time.time(),
                output_path=str(saved.path),
                out_width=saved.image.width,
                out_height=saved.image.height,
                out_bytes=saved.path.stat().st_size,
                warnings=(*job.warnings, *saved.image.notes),  # a conversion not made, say
                extra=discard_prepared(job),
            )
        )

    async def _result_gone(self, job: Job, cause: Exception) -> ResultGoneError:
        """KIE no longer has the result: the job forgets its task, so that a retry makes a new one
        (and says it is billed) instead of polling a task whose result cannot be fetched."""
        log.jobs.info("job %d: the result of task %s is gone (%s)", job.id, job.task_id, cause)
        await self.update(
            replace(
                job,
                task_id=None,
                result_url=None,
                submit_started_at=None,
                previous_task_ids=(*job.previous_task_ids, job.task_id or ""),
            )
        )
        return ResultGoneError(
            tr(
                "KIE no longer has the result of task {task_id} (results are kept for a limited time)."
            ).format(task_id=job.task_id),
            hint=tr("Retry to upscale the image again: a new, billed task."),
        )

    async def _save(self, job: Job, url: str, finish: Callable[[Path], ResultImage]) -> SavedResult:
        options = job.options
        fields = NameFields(
            stem=job.input_stem, ext="png", n=job.id, task_id=job.task_id or "", relpath=options.relpath
        )
        return await save_result(
            self.client.download_to,
            url,
            folder=Path(options.folder),
            template=options.template,
            fields=fields,
            policy=options.on_conflict,
            finish=finish,
        )
