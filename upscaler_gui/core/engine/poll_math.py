"""The arithmetic of the poll plan (core/engine/polling.py): the cheapest poll ages over durations that
ended, how much each ended duration stands for once tasks still running count, and how far a duration's
neighbourhood reaches. Pure functions, no state."""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Sequence


def cheapest_poll_ages(
    durations: Sequence[float], poll_worth_s: float, weights: Sequence[float] | None = None
) -> tuple[float, ...]:
    """The poll ages that minimise, summed over tasks with these durations (each counted `weights`
    times, 1 by default), the wait from each task's end to the poll that finds it done, plus
    `poll_worth_s` for every poll made (a task is polled at each age until one finds it done). Exact,
    by dynamic programming over the sorted durations: an optimal poll is always at one of them.
    O(n^2), n about 3 * POLL_HISTORY."""
    pairs = sorted(zip(durations, weights if weights is not None else [1.0] * len(durations), strict=True))
    ends = [end for end, _ in pairs]
    count = len(ends)
    mass = [0.0, *itertools.accumulate(weight for _, weight in pairs)]
    sums = [0.0, *itertools.accumulate(end * weight for end, weight in pairs)]
    cost = [0.0] * (count + 1)  # cost[i]: tasks i.. still running, the best plan from here
    upto = [count] * (count + 1)  # the next poll at ends[upto[i]] finds tasks i..upto[i] done
    for first in range(count - 1, -1, -1):
        polls = poll_worth_s * (mass[count] - mass[first])  # every task still running is polled once more
        best, best_last = float("inf"), first
        for last in range(first, count):
            waited = (mass[last + 1] - mass[first]) * ends[last] - (sums[last + 1] - sums[first])
            total = polls + waited + cost[last + 1]
            if total < best:
                best, best_last = total, last
        cost[first], upto[first] = best, best_last
    ages, first = [], 0
    while first < count:
        ages.append(ends[upto[first]])
        first = upto[first] + 1
    return tuple(ages)


def survival_weights(ended: Sequence[float], running: Sequence[float]) -> tuple[list[float], float]:
    """How much each ended duration stands for once tasks still running at the `running` ages are
    counted (Kaplan-Meier, by redistribution to the right: a task running at age c will end like
    one of the observations after c), and the share still running past every ended duration."""
    events = sorted([(age, 1, n) for n, age in enumerate(running)] + [(d, 0, n) for n, d in enumerate(ended)])
    weights = [0.0] * len(ended)
    share, left = 1.0 / len(events), len(events)  # each observation's weight; observations from here on
    for _, still_running, n in events:
        left -= 1
        if still_running:
            if left == 0:
                return weights, share  # the last one: past everything ended
            share *= 1 + 1 / left  # its weight goes to the observations after it
        else:
            weights[n] = share
    return weights, 0.0


def kernel_width(durations: Sequence[float]) -> float:
    """Silverman's rule of thumb: the spread of a duration's neighbourhood (the quartiles, not the
    standard deviation, when a long tail would blur the common durations)."""
    if len(durations) < 2:
        return 0.0
    quartiles = statistics.quantiles(durations, n=4)
    spread = min(statistics.stdev(durations), (quartiles[2] - quartiles[0]) / 1.34)
    return float(0.9 * spread * len(durations) ** -0.2)
