"""The billed step: one create, marked just before it leaves and its taskId stored the moment it arrives.

Waiting for the pacer (and between refused attempts) can be cancelled and records nothing. From the
moment the request may leave, the mark, the send and the taskId run shielded to their end, so a quit or
a kill leaves either nothing or a job that says what KIE may have made. A closing engine sets
`stopped`: a create the pacer lets go after that is not sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace

from upscaler_gui.core.engine.budget import Budget, BudgetLimits
from upscaler_gui.core.engine.dbthread import JobWriter
from upscaler_gui.core.engine.inputs import build_input
from upscaler_gui.core.errors import InputError, OverBudgetError, StoreError, TaskNotRecordedError
from upscaler_gui.core.i18n import tr
from upscaler_gui.core.jobs import Job, JobState
from upscaler_gui.core.kie import KieClient
from upscaler_gui.core.kie.retry import may_have_created
from upscaler_gui.core.spending import with_task


def task_not_recorded(job: Job, task_id: str, cause: StoreError) -> TaskNotRecordedError:
    return TaskNotRecordedError(
        tr("KIE created task {task_id} for {name}, but the job store could not record it: {cause}").format(
            task_id=task_id, name=job.display_name, cause=cause.message
        ),
        task_id=task_id,
        hint=tr(
            "Keep this task id: its result can be found on kie.ai. The next start reports this image as "
            "unknown (it may be billed) and never creates it again by itself."
        ),
    )


class CreateStage:
    def __init__(
        self,
        client: KieClient,
        update: JobWriter,
        *,
        callback_url: str | None,
        price: float,
        budget: Budget | None = None,
    ) -> None:
        self.client, self.update, self.callback_url = client, update, callback_url or None
        self.price = price  # what one create is counted at until KIE says what it cost
        self.budget = budget or Budget(BudgetLimits())
        self.on_the_wire: set[asyncio.Future[str]] = set()  # creates sent: awaited before closing
        self.stopped = False  # set when the engine closes: no create leaves after that

    async def submit(self, job: Job) -> Job:
        """One billed create. Waiting for the pacer (and between refused attempts) can be cancelled and
        records nothing; from the moment the request may leave, `_on_the_wire` runs to its end."""
        task_input, error = build_input({"image": job.upload_url or job.source_url or ""})
        if error or task_input is None:
            raise InputError(error or "")
        recorded: list[Job] = []

        async def guard(send: Callable[[], Awaitable[str]]) -> str:
            if self.stopped:  # quitting: a create the pacer let go a moment too late is not sent
                raise asyncio.CancelledError
            await self.budget.load_day()
            refusal = self.budget.reserve(self.price)  # checked and counted in one step: see budget.py
            if refusal is not None:
                raise OverBudgetError(refusal)
            latest = recorded[-1] if recorded else job  # after a refused attempt: its undone mark
            inner = asyncio.ensure_future(self._on_the_wire(latest, send, recorded))
            self.on_the_wire.add(inner)
            inner.add_done_callback(self.on_the_wire.discard)
            try:
                return await asyncio.shield(inner)
            except asyncio.CancelledError:
                with contextlib.suppress(Exception):
                    await inner  # bounded by the HTTP timeouts; its taskId is recorded
                raise

        await self.client.create_task(task_input["image"], callback_url=self.callback_url, guard=guard)
        return recorded[-1]

    async def _on_the_wire(self, job: Job, send: Callable[[], Awaitable[str]], recorded: list[Job]) -> str:
        """Store "a create is under way" (durably), send, store the taskId (durably). A create KIE
        certainly did not make (refused, never sent) is forgotten again, so it is neither counted
        nor reported `unknown` after a restart."""
        job = await self.update(
            replace(job.at(JobState.SUBMITTING), submit_started_at=time.time(), creates=job.creates + 1),
            durable=True,
        )
        recorded.append(job)
        try:
            task_id = await send()
        except BaseException as exc:
            if not may_have_created(exc):  # a cancel mid-send counts as "may have": kept, never resent
                self.budget.release(self.price)
                recorded.append(
                    await self.update(replace(job, submit_started_at=None, creates=job.creates - 1))
                )
            raise
        try:
            now = time.time()
            sent = replace(job.at(JobState.POLLING), task_id=task_id, task_created_at=now)
            recorded.append(await self.update(with_task(sent, task_id, now, self.price), durable=True))
        except StoreError as exc:
            raise task_not_recorded(job, task_id, exc) from exc
        return task_id
