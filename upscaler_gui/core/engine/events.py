"""Events out of the engine, as plain callbacks: the window, the CLI and the tests listen the same way."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, Literal, ParamSpec

from upscaler_gui.core import log
from upscaler_gui.core.errors import StoreError
from upscaler_gui.core.jobs import Job, JobState

P = ParamSpec("P")

PauseKind = Literal["user", "key", "credits", "key_limit", "firewall", "store", "budget"]


class Hook(Generic[P]):
    """A list of callbacks; a failing listener is logged and never breaks the engine."""

    def __init__(self) -> None:
        self._callbacks: list[Callable[P, object]] = []

    def connect(self, callback: Callable[P, object]) -> None:
        self._callbacks.append(callback)

    def disconnect(self, callback: Callable[P, object]) -> None:
        self._callbacks.remove(callback)

    def emit(self, *args: P.args, **kwargs: P.kwargs) -> None:
        for callback in list(self._callbacks):
            try:
                callback(*args, **kwargs)
            except Exception:
                log.jobs.exception("an engine listener failed")


@dataclass(frozen=True)
class PauseReason:
    kind: PauseKind
    message: str

    @property
    def stops(self) -> bool:
        """A refused key, a firewall ban or a broken job store stops everything (nothing can work);
        credits pause only new creates."""
        return self.kind in ("key", "firewall", "store")


@dataclass(frozen=True)
class QueueSummary:
    counts: dict[JobState, int]
    credits_used: float | None


@dataclass
class EngineEvents:
    job_did_change: Hook[[Job]] = field(default_factory=Hook)
    job_was_removed: Hook[[int]] = field(default_factory=Hook)
    queue_did_drain: Hook[[QueueSummary]] = field(default_factory=Hook)
    queue_did_pause: Hook[[PauseReason]] = field(default_factory=Hook)
    queue_did_resume: Hook[[]] = field(default_factory=Hook)
    credits_did_change: Hook[[float]] = field(default_factory=Hook)
    store_did_fail: Hook[[Job, StoreError]] = field(default_factory=Hook)  # the queue is stopped too
