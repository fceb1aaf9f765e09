"""The poll planner: KIE's guidance until it has learned, then near the expected end and backing off."""

from __future__ import annotations

import itertools

from upscaler_gui.core.engine.polling import MIN_GAP_S, PollPlanner, guidance_interval


def schedule(planner: PollPlanner, polls: int, start: float = 0.0) -> list[float]:
    """The task ages at which the first `polls` polls happen."""
    elapsed, ages = start, []
    for done in range(polls):
        elapsed += planner.next_delay(elapsed, done)
        ages.append(elapsed)
    return ages


def kie_range(age: float) -> tuple[float, float]:
    """KIE's advice: every 2-3 s for the first 30 s, 5-10 s up to 2 min, 15-30 s after."""
    if age < 30:
        return 2.0, 3.0
    if age < 120:
        return 5.0, 10.0
    return 15.0, 30.0


def test_without_an_estimate_the_first_poll_is_at_two_seconds() -> None:
    planner = PollPlanner()
    assert planner.expected_s is None
    assert planner.next_delay(0.0, 0) == 2.0
    assert planner.next_delay(1.5, 0) == 0.5  # a task already 1.5 s old: at its 2 s mark
    assert planner.next_delay(30.0, 0) == MIN_GAP_S  # an old task (after a restart): soon


def test_without_an_estimate_follow_ups_follow_kies_guidance() -> None:
    planner = PollPlanner()
    ages = schedule(planner, 40)
    assert ages[0] == 2.0
    for before, after in itertools.pairwise(ages):
        low, high = kie_range(before)
        assert low <= after - before <= high, (before, after - before)
    assert ages[-1] > 120  # the schedule reached the late phase and stayed in KIE's range there


def test_guidance_interval_is_within_kies_ranges() -> None:
    for age in (0, 10, 29.9, 30, 60, 119, 120, 600, 3600):
        low, high = kie_range(age)
        assert low <= guidance_interval(age) <= high


def test_with_learned_durations_the_first_poll_is_at_the_median() -> None:
    planner = PollPlanner()
    for seconds in (10.0, 30.0, 12.0, 14.0, 11.0):
        planner.learn(seconds)
    assert planner.expected_s == 12.0
    assert planner.next_delay(0.0, 0) == 12.0
    assert planner.next_delay(5.0, 0) == 7.0


def test_follow_ups_grow_and_are_capped_by_guidance() -> None:
    planner = PollPlanner()
    planner.learn(20.0)
    ages = schedule(planner, 30)
    assert ages[0] == 20.0
    gaps = [b - a for a, b in itertools.pairwise(ages)]
    assert gaps[0] < guidance_interval(ages[0])  # soon after the expected end, not a full interval
    for before, gap in zip(ages, gaps, strict=False):
        assert MIN_GAP_S <= gap <= guidance_interval(before)
    growing = gaps[: gaps.index(max(gaps[:6])) + 1]
    assert growing == sorted(growing) and len(set(growing)) > 2  # backing off...
    assert max(gaps) <= 20.0  # ...never past KIE's late interval
    assert gaps[-1] == guidance_interval(ages[-2])  # and settles on the cap


def test_short_tasks_are_polled_no_faster_than_the_minimum_gap() -> None:
    planner = PollPlanner()
    planner.learn(0.2)
    ages = schedule(planner, 10)
    assert ages[0] == MIN_GAP_S
    assert all(b - a >= MIN_GAP_S for a, b in itertools.pairwise(ages))


def test_learning_keeps_the_recent_median_and_ignores_nonsense() -> None:
    planner = PollPlanner()
    for bad in (None, 0.0, -3.0, 3600.0, 1e9):
        planner.learn(bad)
    assert planner.expected_s is None
    for _ in range(25):
        planner.learn(100.0)
    for _ in range(25):
        planner.learn(8.0)
    assert planner.expected_s == 8.0  # only the recent tasks count
