"""The queue's gate and slots: pausing, what waits on a pause, and how many tasks are out at KIE."""

from __future__ import annotations

import asyncio

from upscaler_gui.core import log
from upscaler_gui.core.engine.events import EngineEvents, PauseReason


class QueueGate:
    """Pause state, the jobs parked at the gate, and the in-flight task slots."""

    def __init__(self, events: EngineEvents, max_in_flight: int) -> None:
        self.events = events
        self.reason: PauseReason | None = None
        self._running = asyncio.Event()
        self._running.set()
        self.parked: set[int] = set()
        self._slots = asyncio.Semaphore(max(1, max_in_flight))
        self._slot_holders: set[int] = set()
        self.settled = asyncio.Event()
        self.settled.set()
        self._live: set[int] = set()

    # --- pause ---------------------------------------------------------------------------------------

    def pause(self, reason: PauseReason) -> None:
        """Pause new uploads and creates. A key/credit pause is not replaced by a user pause."""
        if self.reason is not None and self.reason.kind != "user":
            return
        self.reason = reason
        self._running.clear()
        log.jobs.info("queue paused: %s", reason.message)
        self.events.queue_did_pause.emit(reason)

    def resume(self) -> None:
        if self.reason is None:
            return
        self.reason = None
        self._running.set()
        # Every parked job is woken now: not settled any more, even before those jobs run again.
        self.parked.clear()
        self._update_settled()
        log.jobs.info("queue resumed")
        self.events.queue_did_resume.emit()

    @property
    def running(self) -> bool:
        return self._running.is_set()

    async def wait(self, job_id: int) -> None:
        """Wait here while the queue is paused (the job counts as parked)."""
        if self._running.is_set():
            return
        self.parked.add(job_id)
        self._update_settled()
        try:
            await self._running.wait()
        finally:
            self.parked.discard(job_id)
            self._update_settled()

    # --- which job tasks exist, and are they all ended or parked? ------------------------------------------

    def task_started(self, job_id: int) -> None:
        self._live.add(job_id)
        self.settled.clear()

    def task_ended(self, job_id: int) -> None:
        self._live.discard(job_id)
        self.parked.discard(job_id)
        self.drop_slot(job_id)
        self._update_settled()

    def _update_settled(self) -> None:
        if self._live <= self.parked:
            self.settled.set()
        else:
            self.settled.clear()

    # --- tasks out at KIE -------------------------------------------------------------------------------

    async def take_slot(self, job_id: int) -> None:
        if job_id not in self._slot_holders:
            await self._slots.acquire()
            self._slot_holders.add(job_id)

    def drop_slot(self, job_id: int) -> None:
        if job_id in self._slot_holders:
            self._slot_holders.discard(job_id)
            self._slots.release()
