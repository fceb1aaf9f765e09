"""When to ask KIE about a task next, and what to say about a task that does not end.

The planner learns how long tasks take (their costTime) and polls each task at the ages that cost least
over the durations it learned: the wait from a task's end to our noticing it, plus a price per poll
(POLL_WORTH_SHARE of the median duration). With jittered durations that is about one poll a task, near
the slow end of the spread, not at the median (where half the tasks would be polled again).

Before anything is learned, a few tasks ("scouts") are polled from KIE's first 2 s on, at ages growing
25% a poll (gaps at most as long as KIE's longest interval for that age: 3, 10, 30 s); the others wait
for what the scouts' results teach (woken when a lesson comes), or until they are 30 s old, then follow
KIE's guidance (every 2-3 s for the first 30 s, 5-10 s up to 2 minutes, 15-30 s after). A task older
than everything learned (a long tail, or tasks slower than before) is polled as its distance past the
learned range doubles, at least every 10 s (30 s after 2 minutes); a gap planned from what was learned
never lets a task's age more than triple (or KIE's suggested interval pass, if that is longer).

A task still running after POLL_STUCK_AFTER_S gets a note naming it (KIE says: investigate after
10-15 min); it is polled on at the slow rate, never created again. A state KIE does not document is
reported, and fails the job once it lasted POLL_UNKNOWN_STATE_S and POLL_UNKNOWN_STATE_ANSWERS answers.
"""

from __future__ import annotations

import bisect
import contextlib
import itertools
import statistics
from collections import deque
from collections.abc import Hashable, Sequence

from upscaler_gui.core import constants
from upscaler_gui.core.constants import (
    POLL_COLD_MARGIN,
    POLL_EARLY_MAX_S,
    POLL_EARLY_S,
    POLL_FIRST_S,
    POLL_HISTORY,
    POLL_LATE_MAX_S,
    POLL_LATE_S,
    POLL_LESSONS_TO_PLAN,
    POLL_LONE_GROWTH,
    POLL_MID_MAX_S,
    POLL_MID_S,
    POLL_SCOUT_GROWTH,
    POLL_TRUST_GROWTH,
    POLL_UNLEARNED_WAIT_S,
    POLL_WORTH_SHARE,
)
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


def cheapest_poll_ages(durations: Sequence[float], poll_worth_s: float) -> tuple[float, ...]:
    """The poll ages that minimise, summed over tasks with these durations, the wait from each task's
    end to the poll that finds it done, plus `poll_worth_s` for every poll made (a task is polled at
    each age until one finds it done). Exact, by dynamic programming over the sorted durations: an
    optimal poll is always at one of them. O(n^2), n <= POLL_HISTORY."""
    ends = sorted(durations)
    count = len(ends)
    sums = [0.0, *itertools.accumulate(ends)]
    cost = [0.0] * (count + 1)  # cost[i]: tasks i.. still running, the best plan from here
    upto = [count] * (count + 1)  # the next poll at ends[upto[i]] finds tasks i..upto[i] done
    for first in range(count - 1, -1, -1):
        polls = poll_worth_s * (count - first)  # every task still running is polled once more
        best, best_last = float("inf"), first
        for last in range(first, count):
            waited = (last - first + 1) * ends[last] - (sums[last + 1] - sums[first])
            total = polls + waited + cost[last + 1]
            if total < best:
                best, best_last = total, last
        cost[first], upto[first] = best, best_last
    ages, first = [], 0
    while first < count:
        ages.append(ends[upto[first]])
        first = upto[first] + 1
    return tuple(ages)


def _longest_tail_gap(age_s: float) -> float:
    """A task past everything learned (a long tail) is polled at least this often: KIE's longest
    interval up to 2 minutes, and after."""
    return POLL_MID_MAX_S if age_s < 120 else POLL_LATE_MAX_S


class PollPlanner:
    """Learns task durations and plans each task's next poll (as an age: seconds since its create)."""

    def __init__(self) -> None:
        self._recent: deque[float] = deque(maxlen=POLL_HISTORY)
        self._ages: tuple[float, ...] = ()
        self._cold: deque[Hashable] = deque()  # tasks waiting for a first lesson; the first one scouts
        self._probed_s = 0.0  # the oldest age at which the scouts found a task still running

    # --- what is known --------------------------------------------------------------------------------

    def learn(self, duration_s: float | None) -> None:
        if duration_s is not None and 0 < duration_s < 3600:
            self._recent.append(duration_s)
            self._ages = cheapest_poll_ages(self._recent, self._poll_worth_s())

    def _poll_worth_s(self) -> float:
        return POLL_WORTH_SHARE * statistics.median(self._recent)

    @property
    def expected_s(self) -> float | None:
        """A task's typical duration lately (the median learned), for time-left estimates."""
        return statistics.median(self._recent) if self._recent else None

    @property
    def learned(self) -> bool:
        """Enough lessons to plan from their spread (fewer come from the quickest tasks only)."""
        return len(self._recent) >= POLL_LESSONS_TO_PLAN

    # --- scouts: before anything is learned -------------------------------------------------------------

    def scout(self, task: Hashable) -> bool:
        """Whether `task` is the one polled now to teach the others: while nothing is learned, one task
        at a time climbs a ladder of ages; a task found running hands the next rung to another."""
        if self._recent:
            self._cold.clear()
            return False
        if task not in self._cold:
            self._cold.append(task)
        return self._cold[0] == task

    def running(self, task: Hashable, age_s: float) -> bool:
        """A poll found `task` still running at `age_s`; True if the scout changed (another task takes
        the next rung: a slow task never holds the ladder)."""
        if self._recent or not self._cold or self._cold[0] != task:
            return False
        self._probed_s = max(self._probed_s, age_s)
        self._cold.rotate(-1)
        return self._cold[0] != task

    def release(self, task: Hashable) -> bool:
        """`task` is no longer polled (ended, failed, cancelled); True if it was the scout, so that a
        waiting task takes its place."""
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

    def _rung(self) -> float:
        """The scout's next age: past the last rung found running, steeply while others wait for the
        lesson (few polls), gently within KIE's intervals for a task alone (its own result is all)."""
        probed = self._probed_s
        if not probed:
            return POLL_FIRST_S
        if len(self._cold) > 1:
            return probed + min((POLL_SCOUT_GROWTH - 1) * probed, _longest_tail_gap(probed))
        return probed + min((POLL_LONE_GROWTH - 1) * probed, longest_interval(probed))

    def _unlearned(self, polled_at: float | None, *, scout: bool) -> float:
        last = polled_at or 0.0
        if self._recent:  # a first lesson: everyone's first poll comes well past it (and stays put
            first = self._recent[0]  # when the polls it brings teach slower ones)
            return max(POLL_COLD_MARGIN * first, last + (POLL_COLD_MARGIN - 1) * first, last + MIN_GAP_S)
        if scout:  # a ladder of ages from KIE's first poll, each POLL_SCOUT_GROWTH times the one before
            return max(self._rung(), last + MIN_GAP_S) if polled_at is not None else self._rung()
        if polled_at is not None and polled_at >= POLL_UNLEARNED_WAIT_S:
            return polled_at + guidance_interval(polled_at)
        return POLL_UNLEARNED_WAIT_S


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
