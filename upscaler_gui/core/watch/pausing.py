"""Credits and key pauses while watching: say so once, keep watching, and go on when KIE allows it.

The engine keeps a credits or key pause until someone resumes. A watch runs unattended, so every
`check_s` this asks KIE's balance (a free call that creates nothing) and resumes the engine when the
key is accepted again and, for a credits pause, the balance covers an image. A user's own pause is
never undone. No create is spent on probing.
"""

from __future__ import annotations

import asyncio
import time

from upscaler_gui.core import log
from upscaler_gui.core.engine import Engine, PauseReason
from upscaler_gui.core.jobs import Job, JobState
from upscaler_gui.core.tasks import TaskKeeper
from upscaler_gui.core.watch.options import WatchEvents


class PauseKeeper:
    def __init__(self, engine: Engine, events: WatchEvents, check_s: float | None) -> None:
        self.engine, self.events, self.check_s = engine, events, check_s
        self._said: PauseReason | None = None  # the pause we announced, until work goes on
        self._said_at = 0.0
        self._checker: asyncio.Task[None] | None = None
        self._keeper = TaskKeeper("watch: resuming", logger=log.watch)

    def attach(self) -> None:
        self.engine.events.queue_did_pause.connect(self._paused)
        self.engine.events.queue_did_resume.connect(self._resumed)
        self.engine.events.job_did_change.connect(self._job_changed)
        if self.engine.paused is not None:
            self._paused(self.engine.paused)

    async def detach(self) -> None:
        self.engine.events.queue_did_pause.disconnect(self._paused)
        self.engine.events.queue_did_resume.disconnect(self._resumed)
        self.engine.events.job_did_change.disconnect(self._job_changed)
        await self._stop_checker()

    def _paused(self, reason: PauseReason) -> None:
        self.events.did_pause.emit(reason)
        if reason.kind == "user":
            return
        if self._said is None or self._said.kind != reason.kind:
            self._said, self._said_at = reason, time.time()
            log.watch.warning(
                "%s Still watching: new files are held until then%s.", reason.message, self._when()
            )
        if self.check_s and (self._checker is None or self._checker.done()):
            self._checker = self._keeper.spawn(self._check_until_resumed(self.check_s), "resume check")

    def _when(self) -> str:
        return f" (checked every {self.check_s:g} s)" if self.check_s else ""

    def _resumed(self) -> None:
        self.events.did_resume.emit()

    def _job_changed(self, job: Job) -> None:
        """A task created after the pause: work goes on (a later pause is news again)."""
        created = job.task_created_at or 0.0
        if self._said is not None and job.state == JobState.POLLING and created > self._said_at:
            log.watch.info("KIE accepts tasks again: the held files go on")
            self._said = None

    async def _check_until_resumed(self, every_s: float) -> None:
        while (reason := self.engine.paused) is not None and reason.kind != "user":
            await asyncio.sleep(every_s)
            if self.engine.paused is reason and await self._can_go_on(reason):
                why = {"credits": "credits available", "budget": "a new day's budget"}
                log.watch.info("resuming: %s", why.get(reason.kind, "key accepted"))
                self.engine.resume()

    async def _can_go_on(self, reason: PauseReason) -> bool:
        try:
            balance = await self.engine.refresh_credits()  # None: key still refused, or KIE unreachable
        except Exception as exc:  # a probe must never end the checking
            log.watch.info("credit balance check failed (%s)", exc)
            return False
        if balance is None:
            return False
        price = self.engine.options.cost_per_image
        if reason.kind == "budget":  # a daily budget goes on by itself the next day; a run's never does
            await self.engine.budget.load_day()
            return self.engine.budget.refusal(price) is None
        return reason.kind != "credits" or balance >= price

    async def _stop_checker(self) -> None:
        await self._keeper.close()
        self._checker = None
