"""bench/_poll_bound.py: the best poll plan knowing the duration distribution, against a brute force
over every plan, and the figures it gives for tasks of 10-20 s (the issue-13 contradiction)."""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[2] / "bench"))
from _poll_bound import (
    best_vs_reference,
    figures,
    least_wait,
    plan_for,
    polls_for_ratio,
    quantile_sample,
    tradeoff,
)


def uniform(low: float, high: float, count: int) -> list[float]:
    return quantile_sample(lambda share: low + (high - low) * share, count)


def every_plan(durations: list[float]) -> list[tuple[float, float]]:
    """(polls, wait) of every plan polling at a subset of the durations that ends at the longest."""
    ends = sorted(durations)
    return [
        figures(durations, (*chosen, ends[-1]))
        for size in range(len(ends))
        for chosen in itertools.combinations(ends[:-1], size)
    ]


def test_the_plan_for_a_price_is_the_cheapest_of_every_plan() -> None:
    durations = uniform(10.0, 20.0, 11)
    plans = every_plan(durations)
    for worth in (0.2, 1.0, 3.0, 8.0):
        polls, wait = figures(durations, plan_for(durations, worth))
        assert wait + worth * polls == pytest.approx(min(w + worth * p for p, w in plans))


def test_no_plan_waits_less_than_the_curve_at_its_poll_count() -> None:
    durations = uniform(10.0, 20.0, 11)
    curve = tradeoff(durations)
    for polls, wait in every_plan(durations):
        assert least_wait(curve, polls) <= wait + 1e-9
    assert curve[0] == (1.0, pytest.approx(5.0 - 10 / 22))  # one poll at the longest sampled


def test_tasks_of_10_to_20_s_need_about_1_8_polls_to_be_within_10_percent_of_polling_every_half_second() -> (
    None
):
    durations = uniform(10.0, 20.0, 240)
    assert best_vs_reference(durations, 1.3) == pytest.approx(1.174, abs=0.005)
    assert best_vs_reference(durations, 1.0) == pytest.approx((15 + 5) / 15.25, abs=0.005)
    assert polls_for_ratio(durations, 1.1) == pytest.approx(1.8, abs=0.06)
