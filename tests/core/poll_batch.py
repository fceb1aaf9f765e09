"""A batch of tasks polled by the PollPlanner, in virtual time (no sleeping, no server).

It follows what `Pipeline.await_result` does with the planner: before each poll the plan is asked
again (a task may sleep on when the plan moved later); a task waiting for a first lesson wakes when
one comes or a scout leaves; polls go through a sliding window like the pacer's (recordInfo 10 per
second, with its margin). A poll finds a task done when the task's age is at least its duration.
"""

from __future__ import annotations

import heapq
import itertools
import math
import random
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field

from upscaler_gui.core.engine.polling import PollPlanner

RECORD_LIMIT = 10
RECORD_WINDOW_S = 1.05  # the pacer's window with its margin
CREATE_LIMIT = 20
CREATE_WINDOW_S = 10.25
ANSWER_S = 0.01  # a recordInfo's round trip


def paced_creates(count: int, *, limit: int = CREATE_LIMIT, window_s: float = CREATE_WINDOW_S) -> list[float]:
    """When the creates of a batch go under KIE's create limit: `limit` at once, then a window later."""
    return [math.floor(i / limit) * window_s + 0.01 * (i % limit) for i in range(count)]


@dataclass
class BatchResult:
    durations: list[float]
    created: list[float]
    polls: list[int] = field(default_factory=list)
    noticed: list[float] = field(default_factory=list)  # when each task was found done
    ages: list[list[float]] = field(default_factory=list)  # each task's age at each of its polls

    @property
    def polls_per_task(self) -> float:
        return sum(self.polls) / len(self.polls)

    @property
    def late_s(self) -> list[float]:
        """How long after its end each task was found done."""
        return [n - c - d for n, c, d in zip(self.noticed, self.created, self.durations, strict=True)]

    @property
    def vs_half_second_polling(self) -> float:
        """Sum of create-to-noticed times over the same for a client polling every 0.5 s."""
        ours = sum(n - c for n, c in zip(self.noticed, self.created, strict=True))
        return ours / sum(math.ceil(d / 0.5) * 0.5 for d in self.durations)


class _Window:
    """At most RECORD_LIMIT polls in any RECORD_WINDOW_S, first come first served."""

    def __init__(self) -> None:
        self.sent: deque[float] = deque()

    def grant(self, now: float) -> float:
        at = now
        if len(self.sent) >= RECORD_LIMIT:
            at = max(at, self.sent[-RECORD_LIMIT] + RECORD_WINDOW_S)
        if self.sent:
            at = max(at, self.sent[-1])
        self.sent.append(at)
        return at


def run_batch(
    durations: Sequence[float],
    created: Sequence[float] | None = None,
    planner: PollPlanner | None = None,
    *,
    fail: frozenset[int] = frozenset(),
) -> BatchResult:
    """Poll every task until it is found done (tasks in `fail` end without teaching anything)."""
    planner = planner or PollPlanner()
    created = list(created if created is not None else paced_creates(len(durations)))
    count = len(durations)
    result = BatchResult(list(durations), created, [0] * count, [0.0] * count, [[] for _ in range(count)])
    polled_at: list[float | None] = [None] * count
    waiting_for_lesson: set[int] = set()
    token = [0] * count
    window = _Window()
    events: list[tuple[float, int, int, int]] = []  # (time, order, task, token)
    order = itertools.count()

    def plan(task: int, now: float) -> None:
        scout = planner.scout(task)
        age = planner.next_poll_age(polled_at[task], scout=scout)
        if not planner.learned and not scout:
            waiting_for_lesson.add(task)
        token[task] += 1
        heapq.heappush(events, (max(now, created[task] + age), next(order), task, token[task]))

    def wake_waiters(now: float) -> None:
        for task in sorted(waiting_for_lesson):
            waiting_for_lesson.discard(task)
            plan(task, now)

    for task in range(count):
        heapq.heappush(events, (created[task], next(order), task, -1))
    while events:
        now, _, task, seen = heapq.heappop(events)
        if seen == -1:  # its create answered
            plan(task, now)
            continue
        if seen != token[task]:
            continue  # re-planned since
        waiting_for_lesson.discard(task)
        due = created[task] + planner.next_poll_age(polled_at[task], scout=planner.scout(task))
        if due > now + 1e-9:  # the plan moved later since it was made: sleep on
            plan(task, now)
            continue
        sent = window.grant(now)
        result.polls[task] += 1
        age = sent - created[task]
        result.ages[task].append(age)
        if age < durations[task]:
            polled_at[task] = age
            plan(task, sent + ANSWER_S)
            if planner.running(task, age):  # the next rung is another task's
                wake_waiters(sent + ANSWER_S)
            continue
        result.noticed[task] = sent + ANSWER_S
        if task not in fail:
            planner.learn(durations[task], task, age_s=age)
        planner.release(task)
        wake_waiters(sent + ANSWER_S)
    return result


class EveryHalfSecond(PollPlanner):
    """The reference: a client that polls each task every 0.5 s from its create (through the same
    window, so with many tasks out it gets each answer less often)."""

    @property
    def learned(self) -> bool:
        return True

    def scout(self, task: object) -> bool:
        return False

    def running(self, task: object, age_s: float) -> bool:
        return False

    def next_poll_age(self, polled_at: float | None, *, scout: bool = False) -> float:
        return (polled_at or 0.0) + 0.5


def jittered(count: int, seconds: float, spread_s: float, *, seed: int = 0) -> list[float]:
    """Task durations of `seconds` +- `spread_s`, uniform (the sim's task_jitter)."""
    rng = random.Random(seed)
    return [seconds + rng.uniform(-spread_s, spread_s) for _ in range(count)]
