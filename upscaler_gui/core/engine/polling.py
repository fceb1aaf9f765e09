"""When to ask KIE about a task next, and what to say about a task that does not end.

The planner learns how long tasks take (their costTime) and polls each task at the ages that cost least
over the durations it learned: the wait from a task's end to our noticing it, plus a price per poll
(POLL_WORTH_SHARE of the median duration). With jittered durations that is about one poll a task, near
the slow end of the spread, not at the median (where half the tasks would be polled again). Tasks a
poll found still running count too (Kaplan-Meier): while many run long, the plan moves later.

Before enough is learned, one task at a time (the "scout") is polled on a ladder of ages from KIE's
first 2 s (2, 2.5, 5, 10, 20 s...), each rung on another task, so that a slow task never holds it and
a rung costs one poll; once a first lesson is in, the next tasks are tried at about that age until a
few lessons are in. The others wait for what those teach (woken when a lesson comes), or until they are
30 s old, then follow KIE's guidance (every 2-3 s for the first 30 s, 5-10 s up to 2 minutes, 15-30 s
after). A task older than everything learned (a long tail, or tasks slower than before) is polled as
its distance past the learned range doubles (from a poll's worth), at least every 10 s (30 s after 2
minutes); a gap planned from what was learned never lets a task's age more than triple (or KIE's
suggested interval pass, if that is longer).

A task still running after POLL_STUCK_AFTER_S gets a note naming it (KIE says: investigate after
10-15 min); it is polled on at the slow rate, never created again. A state KIE does not document is
reported, and fails the job once it lasted POLL_UNKNOWN_STATE_S and POLL_UNKNOWN_STATE_ANSWERS answers.
"""

from __future__ import annotations

import bisect
import contextlib
import statistics
from collections import deque
from collections.abc import Hashable

from upscaler_gui.core import constants
from upscaler_gui.core.constants import (
    POLL_EARLY_MAX_S,
    POLL_EARLY_S,
    POLL_FIRST_S,
    POLL_HISTORY,
    POLL_KERNEL,
    POLL_LATE_MAX_S,
    POLL_LATE_S,
    POLL_LESSONS_TO_PLAN,
    POLL_LONE_GROWTH,
    POLL_MID_MAX_S,
    POLL_MID_S,
    POLL_PROBE_STEP_SHARE,
    POLL_SCOUT_GROWTH,
    POLL_SECOND_RUNG_S,
    POLL_TRUST_GROWTH,
    POLL_UNLEARNED_WAIT_S,
    POLL_WORTH_SHARE,
)
from upscaler_gui.core.engine.poll_math import cheapest_poll_ages, kernel_width, survival_weights
from upscaler_gui.core.errors import KieTaskStateError
from upscaler_gui.core.i18n import tr
from upscaler_gui.core.kie.records import TaskRecord

MIN_GAP_S = 0.25  # between two polls of one task (tests lower it for their 0.1 s sim tasks)


def guidance_interval(age_s: float) -> float:
    """KIE's suggested poll interval for a task of this age."""
    if age_s < 30:
        return POLL_EARLY_S
    if age_s < 120:
        return POLL_MID_S
    return POLL_LATE_S


def longest_interval(age_s: float) -> float:
    """The longest interval KIE's guidance names for a task of this age: a scout (nothing is known to
    plan from) is polled at least this often."""
    if age_s < 30:
        return POLL_EARLY_MAX_S
    if age_s < 120:
        return POLL_MID_MAX_S
    return POLL_LATE_MAX_S


def _longest_tail_gap(age_s: float) -> float:
    """A task past everything learned (a long tail) is polled at least this often: KIE's longest
    interval up to 2 minutes, and after."""
    return POLL_MID_MAX_S if age_s < 120 else POLL_LATE_MAX_S


class PollPlanner:
    """Learns task durations and plans each task's next poll (as an age: seconds since its create)."""

    def __init__(self) -> None:
        self._recent: deque[float] = deque(maxlen=POLL_HISTORY)
        self._running: dict[Hashable, float] = {}  # tasks a poll found running, at that age
        self._ages: tuple[float, ...] = ()
        self._cold: deque[Hashable] = deque()  # tasks waiting for lessons; the first one scouts
        self._rung_s = POLL_FIRST_S  # the age at which the scout polls next

    # --- what is known --------------------------------------------------------------------------------

    def learn(self, duration_s: float | None, task: Hashable = None, *, age_s: float | None = None) -> None:
        """`task` ended after `duration_s` (KIE's costTime); a poll found it done at `age_s`."""
        self._running.pop(task, None)
        if duration_s is None or not 0 < duration_s < 3600:
            return
        self._recent.append(duration_s)
        if not self.learned and age_s is not None:
            self._rung_s = age_s  # another task as old may be done too: the next scout polls at once
        self._replan()

    def running(self, task: Hashable, age_s: float) -> bool:
        """A poll found `task` still running at `age_s`: it counts (the plan weighs the tasks that
        run long); True if the scout changed (a slow task never holds the ladder)."""
        self._running[task] = age_s
        self._replan()
        if self.learned or not self._cold or self._cold[0] != task:
            return False
        self._rung_s = max(self._rung_s, self._next_rung(age_s))
        self._cold.rotate(-1)
        return self._cold[0] != task

    def _next_rung(self, age_s: float) -> float:
        """Past a rung found running: steeply while others wait for the lesson (few polls), gently
        within KIE's intervals for a task alone (its own result is all there is); past a lesson, by a
        small share of it (tasks end at such ages: the question is no longer how long, but how spread)."""
        if self._recent and age_s >= min(self._recent):
            return age_s + max(MIN_GAP_S, POLL_PROBE_STEP_SHARE * max(self._recent))
        if len(self._cold) > 1:
            if age_s < POLL_SECOND_RUNG_S:
                return POLL_SECOND_RUNG_S
            return age_s + min((POLL_SCOUT_GROWTH - 1) * age_s, _longest_tail_gap(age_s))
        return age_s + min((POLL_LONE_GROWTH - 1) * age_s, longest_interval(age_s))

    def _replan(self) -> None:
        if not self.learned or not self._recent:
            return
        ended = list(self._recent)
        weights, past = survival_weights(ended, list(self._running.values()))
        worth = self._poll_worth_s()
        if past > 0:  # tasks running past everything ended: polled at each age planned, then further
            ended.append(max(ended))  # out as the long tail is (see next_poll_age)
            weights.append(past)
        # Each lesson stands for durations near it (a kernel, Silverman's width): a plan fitted to the
        # gaps of a few dozen lessons polls more than their spread needs, and never past the slowest.
        width = kernel_width(self._recent)
        scale = len(ended) / sum(weights) / len(POLL_KERNEL)
        points = [
            (end + step * width, weight * scale)
            for end, weight in zip(ended, weights, strict=True)
            for step in POLL_KERNEL
        ]
        self._ages = cheapest_poll_ages([p for p, _ in points], worth, [w for _, w in points])

    def _poll_worth_s(self) -> float:
        return POLL_WORTH_SHARE * statistics.median(self._recent)

    @property
    def expected_s(self) -> float | None:
        """A task's typical duration lately (the median learned), for time-left estimates."""
        return statistics.median(self._recent) if self._recent else None

    @property
    def learned(self) -> bool:
        """Enough lessons to plan from their spread (one alone could be the quickest task's)."""
        return len(self._recent) >= POLL_LESSONS_TO_PLAN

    # --- scouts: before anything is learned -------------------------------------------------------------

    def scout(self, task: Hashable) -> bool:
        """Whether `task` is the one polled now to teach the others: until enough is learned, one task
        at a time climbs a ladder of ages; a task found running hands the next rung to another, one
        found done hands it on at the same age."""
        if self.learned:
            self._cold.clear()
            return False
        if task not in self._cold:
            self._cold.append(task)
        return self._cold[0] == task

    def release(self, task: Hashable) -> bool:
        """`task` is no longer polled (ended, failed, cancelled); True if it was the scout, so that a
        waiting task takes its place."""
        if self._running.pop(task, None) is not None:
            self._replan()
        was_scout = bool(self._cold) and self._cold[0] == task
        with contextlib.suppress(ValueError):
            self._cold.remove(task)
        return was_scout

    # --- the plan ---------------------------------------------------------------------------------------

    def next_poll_age(self, polled_at: float | None, *, scout: bool = False) -> float:
        """The age at which to poll a task next, given the age of its last poll (None: not polled
        yet). A result may be earlier than the task's age now: poll at once."""
        last = polled_at or 0.0
        if not self.learned:
            return self._unlearned(polled_at, scout=scout)
        later = bisect.bisect_right(self._ages, last) if polled_at is not None else 0
        if later < len(self._ages):
            planned = self._ages[later]
        else:  # past everything learned: the distance past it doubles at each poll (a long tail?)
            past = max(self._poll_worth_s(), last - self._ages[-1])
            planned = last + max(MIN_GAP_S, min(past, _longest_tail_gap(last)))
        if polled_at is None:
            return planned
        # However sure the plan, the next poll comes by POLL_TRUST_GROWTH times the age (or KIE's
        # interval): if tasks took longer than learned and now end sooner, that bounds the wait.
        longest = max(guidance_interval(last), (POLL_TRUST_GROWTH - 1) * last)
        return max(last + MIN_GAP_S, min(planned, last + longest))

    def _unlearned(self, polled_at: float | None, *, scout: bool) -> float:
        last = polled_at or 0.0
        if scout:
            return max(self._rung_s, last + MIN_GAP_S) if polled_at is not None else self._rung_s
        wait = POLL_UNLEARNED_WAIT_S
        if self._recent:  # a first lesson is in: a slow scout is not waited for much longer
            wait = min(wait, POLL_TRUST_GROWTH * max(self._recent))
        if polled_at is not None and polled_at >= wait:
            return polled_at + guidance_interval(polled_at)
        return wait


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
