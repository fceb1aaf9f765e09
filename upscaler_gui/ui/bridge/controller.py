"""The engine on the Qt loop: user actions in, engine events out as Qt signals.

qasync runs asyncio on the Qt thread, so engine callbacks already arrive on the GUI thread; this class
only re-emits them as signals and owns the engine's lifetime (opened, reopened when the key or the
connection changes, closed on quit with every job kept for the next start).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from upscaler_gui.core import log, paths
from upscaler_gui.core.connection import Connection
from upscaler_gui.core.engine import Admission, Engine, EngineEvents, EngineOptions, PauseReason, QueueSummary
from upscaler_gui.core.errors import UpscalerError
from upscaler_gui.core.jobs import Job
from upscaler_gui.core.redact import register_secret
from upscaler_gui.core.settings import Settings
from upscaler_gui.core.sources import Item, expand
from upscaler_gui.core.tasks import TaskKeeper
from upscaler_gui.ui.bridge.budget import BatchQuote, asks_first, quote, window_limits
from upscaler_gui.ui.bridge.output import output_options
from upscaler_gui.ui.bridge.watching import WatchController

if TYPE_CHECKING:
    from upscaler_gui.sim import SimServer

OWNER = "gui"


class EngineController(QObject):
    job_changed = Signal(object)  # Job
    job_removed = Signal(int)
    queue_paused = Signal(object)  # PauseReason
    queue_resumed = Signal()
    queue_drained = Signal(object)  # QueueSummary
    credits_changed = Signal(float)
    connection_changed = Signal(str)  # "kie", "demo", or "" (none yet)
    store_failed = Signal(str)  # the job store cannot be written: one sentence, the queue is stopped
    batch_to_confirm = Signal(object)  # BatchQuote: a batch costing more than the setting, not added yet
    batch_warning = Signal(str)  # the balance does not cover a batch just added

    def __init__(self, settings: Settings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.engine: Engine | None = None
        self.connection: Connection | None = None
        self._stack: contextlib.AsyncExitStack | None = None
        self._sim: SimServer | None = None
        self._pending: list[Item] = []
        self.balance: float | None = None  # the credit balance KIE said last
        self._lock = asyncio.Lock()
        self._keeper = TaskKeeper("window engine", logger=log.ui)  # work the engine's events start
        self.watch = WatchController(settings, self)

    # --- connection ------------------------------------------------------------------------------------

    async def connect_kie(self, connection: Connection) -> None:
        """(Re)open the engine on this connection; jobs of the last session are taken up again."""
        async with self._lock:
            await self.watch.suspend()  # the watcher feeds the engine: it stops first
            await self._close_engine()
            register_secret(connection.api_key)
            stack = contextlib.AsyncExitStack()
            events = EngineEvents()
            self._wire(events)
            options = EngineOptions(
                concurrency=self.settings.concurrency,
                owner=OWNER,
                callback_url=self.settings.callback_url or None,
                cost_per_image=self.settings.cost_per_image,
                budget=window_limits(self.settings),
            )
            self.engine = await stack.enter_async_context(
                connection.open_engine(options, events=events, resume=True)
            )
            self._stack, self.connection = stack, connection
            self.watch.demo = connection.demo
            if not self.settings.auto_start:
                self.engine.pause()
        self.connection_changed.emit("demo" if connection.demo else "kie")
        history = await self.history()
        if self.engine is not None:
            self.engine.track(history)
        for job in listed(history, demo=connection.demo):
            self.job_changed.emit(job)
        if self._pending:
            pending, self._pending = self._pending, []
            await self._add_items(pending)
        if self.engine is not None:
            await self.watch.resume_if_enabled(self.engine)
        await self.refresh_credits()

    async def start_watching(self, folder: str) -> None:
        if self.engine is None:
            self.settings.watch_enabled, self.settings.watch_dir = True, folder  # starts once connected
            return
        await self.watch.start(self.engine, folder)

    async def start_demo(self) -> None:
        """The offline demo: a local KIE-compatible server in this process, kept in the data dir so the
        next start finishes its jobs. One per window: started again, the running one is reused, so the
        links it gave out keep working."""
        from upscaler_gui.sim.demo import demo_connection, start_demo_server

        if self._sim is None:
            sim = await asyncio.to_thread(start_demo_server, 1.5)
            if self._sim is None:
                self._sim = sim
            else:  # a second click started one meanwhile
                sim.stop()
        await self.connect_kie(demo_connection(self._sim))

    def _stop_sim(self) -> None:
        sim, self._sim = self._sim, None
        if sim is not None:
            sim.stop()

    async def history(self) -> list[Job]:
        """Every job of the window's owner in the store, finished ones too, oldest first."""
        if self.engine is None:
            return []
        return await self.engine.db.run(self.engine.db.store.all, owner=OWNER)

    async def all_jobs(self) -> list[Job]:
        """Every job in the store, of every run (the spending history shows them all)."""
        if self.engine is None:
            return []
        return await self.engine.db.run(self.engine.db.store.all)

    def _wire(self, events: EngineEvents) -> None:
        events.job_did_change.connect(self.job_changed.emit)
        events.job_was_removed.connect(self.job_removed.emit)
        events.queue_did_pause.connect(self.queue_paused.emit)
        events.queue_did_resume.connect(self.queue_resumed.emit)
        events.queue_did_drain.connect(self._drained)
        events.credits_did_change.connect(self._balance_known)
        events.store_did_fail.connect(lambda _job, exc: self.store_failed.emit(exc.user_text()))

    def _balance_known(self, balance: float) -> None:
        self.balance = balance
        self.credits_changed.emit(balance)

    def _drained(self, summary: QueueSummary) -> None:
        if self.engine is not None:
            self.engine.budget.new_batch()  # the queue ran dry: what comes next is a new batch
        self.queue_drained.emit(summary)
        if not self._keeper.closed:
            self._keeper.spawn(self.refresh_credits(), "refreshing the credit balance")

    # --- adding -------------------------------------------------------------------------------------

    async def add_inputs(self, inputs: Sequence[str], images: Sequence[QImage] = ()) -> list[Admission]:
        """Files, folders, links and pasted pixels (saved as PNG first, off the GUI thread)."""
        from upscaler_gui.ui.drop.pasted_image import save_pasted_image

        folder = paths.data_dir() / "pasted"
        saved = [str(await asyncio.to_thread(save_pasted_image, image, folder)) for image in images]
        items = await asyncio.to_thread(expand, [*inputs, *saved])  # walking a folder takes a while
        if self.engine is not None:
            batch = quote(items, self.settings, self.balance)
            if asks_first(batch, self.settings):  # added only if the user says yes (`add_confirmed`)
                self.batch_to_confirm.emit(replace(batch, balance=await self.refresh_credits()))
                return []
            if batch.uncovered:
                text = self.tr("The balance ({balance:g} credits) may not cover these images (~{cost:g}).")
                self.batch_warning.emit(text.format(balance=batch.balance, cost=batch.cost))
        return await self._add_items(items)  # a rejected item becomes a row that says why

    async def add_confirmed(self, batch: BatchQuote) -> list[Admission]:
        """A batch the user agreed to pay for."""
        return await self._add_items(batch.items)

    async def _add_items(self, items: list[Item]) -> list[Admission]:
        if self.engine is None:
            self._pending.extend(items)
            log.ui.info("%d input(s) wait for a key or the demo", len(items))
            return []
        demo = self.connection is not None and self.connection.demo
        return await self.engine.add(items, output_options(self.settings, demo=demo))

    @property
    def pending_count(self) -> int:
        return len(self._pending)

    # --- queue and job actions -----------------------------------------------------------------------------

    def pause(self) -> None:
        if self.engine:
            self.engine.pause()

    def resume(self) -> None:
        if self.engine:
            self.engine.resume()

    @property
    def paused(self) -> PauseReason | None:
        return self.engine.paused if self.engine else None

    async def cancel(self, job_ids: Sequence[int]) -> None:
        if self.engine:
            await asyncio.gather(*(self.engine.cancel(job_id) for job_id in job_ids))

    async def retry(self, job_ids: Sequence[int]) -> None:
        if self.engine:
            for job_id in job_ids:
                await self.engine.retry(job_id)

    async def run_again(self, job_ids: Sequence[int]) -> None:
        if self.engine:
            for job_id in job_ids:
                await self.engine.run_again(job_id)

    async def remove(self, job_ids: Sequence[int]) -> None:
        if self.engine:
            for job_id in job_ids:
                await self.engine.remove(job_id)

    async def refresh_credits(self) -> float | None:
        return await self.engine.refresh_credits() if self.engine else None

    def apply_budget(self) -> None:
        """The budget settings changed: the engine uses them at once, and a queue paused over budget
        goes on when the new budget covers another image."""
        if self.engine is None:
            return
        self.engine.budget.set_limits(window_limits(self.settings))
        over = self.engine.paused is not None and self.engine.paused.kind == "budget"
        if over and self.engine.budget.refusal(self.settings.cost_per_image) is None:
            self.engine.resume()

    # --- shutdown -----------------------------------------------------------------------------------------

    async def _close_engine(self) -> None:
        stack, self._stack, self.engine, self.connection = self._stack, None, None, None
        if stack is not None:
            try:
                await stack.aclose()
            except UpscalerError as exc:
                log.ui.info("closing the engine: %s", exc.message)

    def stop_creates(self) -> None:
        """Quitting: no create leaves from now on (closing the engine and the watcher takes a moment)."""
        if self.engine is not None:
            self.engine.stop_creates()

    async def close(self) -> None:
        """Quit: in-flight jobs stop where they are and continue at the next start."""
        self.stop_creates()
        await self._keeper.close()
        async with self._lock:
            await self.watch.suspend()
            await self._close_engine()
        self._stop_sim()


def listed(history: list[Job], *, demo: bool) -> list[Job]:
    """The store's jobs the queue shows at connect: every one of a real account (the user's work, until
    they clear it), but of the demo only those still under way. A demo starts on a clean queue, since
    its earlier results are only a try-out (they stay in the demo folder); work the last demo left in
    flight is finished now and shown until it ends, because it still writes files and counts in the
    batch's message and the quit question."""
    return [job for job in history if not (demo and job.finished)]
