"""The best any poll planner could do, knowing the distribution of task durations exactly (but not
each task's own duration): for a given mean number of recordInfo calls a task, the least mean wait
from a task's end to the poll that finds it done.

A plan is a list of poll ages, the same for every task (knowing the distribution, nothing else is
learned while a task runs). For a price `worth` on a poll, the plan minimising mean wait + worth *
mean polls is found by dynamic programming over a fine quantile sample of the distribution (an optimal
poll is always at a sampled duration); sweeping the price gives the trade-off curve, whose lower
convex hull (two plans mixed) is the best achievable at any poll count.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence

from upscaler_gui.core.engine.poll_math import cheapest_poll_ages

SAMPLE = 240  # quantile points: the figures move < 0.5% from 240 to 1000
REFERENCE_POLL_S = 0.5


def quantile_sample(quantile: Callable[[float], float], count: int = SAMPLE) -> list[float]:
    """`count` durations at evenly spaced quantiles (the mid-points of `count` equal slices)."""
    return [quantile((i + 0.5) / count) for i in range(count)]


def plan_for(durations: Sequence[float], worth: float) -> tuple[float, ...]:
    """The poll ages minimising mean wait + worth * mean polls over these (equally likely) durations:
    the engine's own exact planner (tests/bench/test_poll_bound.py checks it against every plan)."""
    return cheapest_poll_ages(durations, worth)


def figures(durations: Sequence[float], ages: Sequence[float]) -> tuple[float, float]:
    """(mean polls a task, mean wait from its end to the poll that finds it done) of a plan."""
    polls = waited = 0.0
    for duration in durations:
        index = next(i for i, age in enumerate(ages) if age >= duration)
        polls += index + 1
        waited += ages[index] - duration
    return polls / len(durations), waited / len(durations)


def tradeoff(durations: Sequence[float]) -> list[tuple[float, float]]:
    """(mean polls, mean wait) of the best plans, fewest polls first: the lower convex hull."""
    mean = sum(durations) / len(durations)
    points = {figures(durations, plan_for(durations, mean * 2.0 ** (k / 4))) for k in range(-60, 9)}
    hull: list[tuple[float, float]] = []
    for point in sorted(points):
        while len(hull) >= 2 and _cross(hull[-2], hull[-1], point) <= 0:
            hull.pop()
        hull.append(point)
    return [p for i, p in enumerate(hull) if i == 0 or p[1] < hull[i - 1][1]]


def _cross(o: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def least_wait(curve: Sequence[tuple[float, float]], polls: float) -> float:
    """The least mean wait with at most `polls` polls a task on average (inf below one poll)."""
    if polls < curve[0][0]:
        return math.inf
    for (p0, w0), (p1, w1) in itertools.pairwise(curve):
        if p0 <= polls <= p1:
            return w0 + (w1 - w0) * (polls - p0) / (p1 - p0)
    return curve[-1][1]


def polls_needed(curve: Sequence[tuple[float, float]], wait_s: float) -> float:
    """The fewest mean polls a task for a mean wait of at most `wait_s` (inf if none reaches it)."""
    if wait_s >= curve[0][1]:
        return curve[0][0]
    for (p0, w0), (p1, w1) in itertools.pairwise(curve):
        if w1 <= wait_s <= w0:
            return p0 + (p1 - p0) * (w0 - wait_s) / (w0 - w1)
    return math.inf


def ideal_reference_s(durations: Sequence[float], step_s: float = REFERENCE_POLL_S) -> float:
    """The mean create-to-result time of a client polling every `step_s` with no limit."""
    return sum(math.ceil(d / step_s) * step_s for d in durations) / len(durations)


def best_vs_reference(durations: Sequence[float], polls: float) -> float:
    """The best create-to-result time at `polls` polls a task, over the ideal 0.5 s poller's."""
    mean = sum(durations) / len(durations)
    return (mean + least_wait(tradeoff(durations), polls)) / ideal_reference_s(durations)


def polls_for_ratio(durations: Sequence[float], ratio: float) -> float:
    """The fewest polls a task that bring the create-to-result time within `ratio` of the ideal."""
    mean = sum(durations) / len(durations)
    return polls_needed(tradeoff(durations), ratio * ideal_reference_s(durations) - mean)
