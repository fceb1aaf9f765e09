"""When to ask KIE about a task next, and what to say about a task that does not end.

The expected duration is learned from the costTime of tasks that finished (a running median of the
recent ones). Before anything is learned, KIE's own guidance is used: every 2-3 s for the first 30 s,
5-10 s up to 2 minutes, 15-30 s after.

A task still running after POLL_STUCK_AFTER_S gets a note naming it (KIE says: investigate after
10-15 min); it is polled on at the slow rate, never created again. A state KIE does not document is
reported, and fails the job once it lasted POLL_UNKNOWN_STATE_S and POLL_UNKNOWN_STATE_ANSWERS answers.
"""

from __future__ import annotations

import statistics
from collections import deque

from upscaler_gui.core import constants
from upscaler_gui.core.constants import (
    POLL_EARLY_S,
    POLL_FIRST_S,
    POLL_LATE_S,
    POLL_MID_S,
)
from upscaler_gui.core.errors import KieTaskStateError
from upscaler_gui.core.i18n import tr
from upscaler_gui.core.kie.records import TaskRecord

HISTORY = 25  # recent tasks the estimate is made from
FIRST_POLL_SHARE = 1.0  # first poll at the expected end (the median): half the tasks answer "done" at once
FOLLOW_UP_SHARE = 0.1  # then every 10% of the expected time, growing...
FOLLOW_UP_GROWTH = 1.6  # ...by 60% a poll, never longer than KIE's guidance for that age
MIN_GAP_S = 0.25


def guidance_interval(elapsed_s: float) -> float:
    """KIE's suggested poll interval for a task of this age."""
    if elapsed_s < 30:
        return POLL_EARLY_S
    if elapsed_s < 120:
        return POLL_MID_S
    return POLL_LATE_S


class PollPlanner:
    """Learns task durations and plans each task's next poll."""

    def __init__(self) -> None:
        self._recent: deque[float] = deque(maxlen=HISTORY)

    def learn(self, duration_s: float | None) -> None:
        if duration_s is not None and 0 < duration_s < 3600:
            self._recent.append(duration_s)

    @property
    def expected_s(self) -> float | None:
        return statistics.median(self._recent) if self._recent else None

    def next_delay(self, elapsed_s: float, polls_done: int) -> float:
        """Seconds from now until the next poll of a task created `elapsed_s` ago."""
        expected = self.expected_s
        cap = guidance_interval(elapsed_s)
        if expected is None:
            return max(MIN_GAP_S, POLL_FIRST_S - elapsed_s) if polls_done == 0 else cap
        first = expected * FIRST_POLL_SHARE
        if elapsed_s < first:
            return max(MIN_GAP_S, first - elapsed_s)
        overdue_polls = max(0, polls_done - 1)
        follow_up = max(MIN_GAP_S, expected * FOLLOW_UP_SHARE) * FOLLOW_UP_GROWTH**overdue_polls
        return min(cap, follow_up)


# --- tasks that do not end -------------------------------------------------------------------------------


def stuck_note(task_id: str, elapsed_s: float) -> str | None:
    """The note for a task KIE has been working on for too long; None before POLL_STUCK_AFTER_S."""
    if elapsed_s < constants.POLL_STUCK_AFTER_S:
        return None
    return tr(
        "KIE has been working on this image for {minutes} minutes (task {task_id}); the app keeps"
        " checking. Look the task up on kie.ai if it goes on."
    ).format(minutes=int(elapsed_s // 60), task_id=task_id)


def unknown_state_note(record: TaskRecord) -> str:
    return tr(
        "KIE reports task {task_id} as {state!r}, a state it does not document; the app keeps checking"
        " for a few minutes."
    ).format(task_id=record.task_id, state=record.reported_state)


def unknown_state_error(record: TaskRecord, lasted_s: float, answers: int) -> KieTaskStateError | None:
    """The error that ends the wait, once an undocumented state lasted long enough; else None."""
    if lasted_s < constants.POLL_UNKNOWN_STATE_S or answers < constants.POLL_UNKNOWN_STATE_ANSWERS:
        return None
    return KieTaskStateError(
        tr(
            "KIE kept reporting task {task_id} as {state!r}, a state it does not document, for {minutes}"
            " minutes; the app stopped waiting for it."
        ).format(task_id=record.task_id, state=record.reported_state, minutes=max(1, int(lasted_s // 60))),
        hint=tr(
            "The task may be billed: check it on kie.ai before you retry (a retry is a new, billed task)."
        ),
    )
