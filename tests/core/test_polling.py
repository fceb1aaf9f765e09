"""The poll planner: how many recordInfo calls a task costs, and how soon its result is noticed.

Whole batches run in virtual time (tests/core/poll_batch.py: paced creates, the recordInfo window, no
sleeping), so each test states what a user relies on: about one poll per task, results noticed soon
after they are ready (no later than polling every 0.5 s would notice them), and KIE's guidance where
nothing better is known.
"""

from __future__ import annotations

import itertools
import statistics

import pytest

from tests.core.poll_batch import EveryHalfSecond, jittered, paced_creates, run_batch
from upscaler_gui.core.constants import (
    POLL_FIRST_S,
    POLL_LESSONS_TO_PLAN,
    POLL_SCOUT_GROWTH,
    POLL_SECOND_RUNG_S,
    POLL_WORTH_SHARE,
)
from upscaler_gui.core.engine.poll_math import cheapest_poll_ages, kernel_width, survival_weights
from upscaler_gui.core.engine.polling import (
    MIN_GAP_S,
    PollPlanner,
    guidance_interval,
    longest_interval,
)


def kie_range(age: float) -> tuple[float, float]:
    """KIE's advice: every 2-3 s for the first 30 s, 5-10 s up to 2 min, 15-30 s after."""
    if age < 30:
        return 2.0, 3.0
    if age < 120:
        return 5.0, 10.0
    return 15.0, 30.0


def taught(durations: list[float]) -> PollPlanner:
    """A planner that has seen these tasks end (an earlier batch in the same session)."""
    planner = PollPlanner()
    for seconds in durations:
        planner.learn(seconds)
    return planner


def test_guidance_intervals_are_within_kies_ranges() -> None:
    for age in (0, 10, 29.9, 30, 60, 119, 120, 600, 3600):
        low, high = kie_range(age)
        assert low <= guidance_interval(age) <= high
        assert longest_interval(age) == high


# --- batches: polls per task and how late a result is noticed -------------------------------------------


def test_jittered_two_second_tasks_cost_about_one_poll_and_are_noticed_as_soon_as_half_second_polling() -> (
    None
):
    durations = jittered(100, 2.0, 0.3)
    ours = run_batch(durations)
    every_half_second = run_batch(durations, planner=EveryHalfSecond())
    assert ours.polls_per_task <= 1.1
    assert every_half_second.polls_per_task >= 1.9
    # Through the same 10/s window, from the batch's first task on (nothing learned before it):
    assert statistics.fmean(ours.late_s) <= statistics.fmean(every_half_second.late_s)
    assert max(ours.late_s) <= 2.75  # the first tasks: polled a margin past the first lesson


def test_jittered_fifteen_second_tasks_cost_few_polls_and_are_noticed_within_seconds() -> None:
    durations = jittered(100, 15.0, 5.0)
    ours = run_batch(durations)
    assert ours.polls_per_task <= 1.3  # KIE's guidance (a poll every 2.5 s) would make ~6
    assert statistics.fmean(ours.late_s) <= 0.35 * 15.0  # the first batch: nothing learned before it
    assert max(ours.late_s) <= 12.5  # the first tasks, polled once the scouts taught the rest


def test_once_learned_fifteen_second_tasks_cost_at_most_1_3_polls() -> None:
    planner = taught(jittered(50, 15.0, 5.0, seed=1))
    ours = run_batch(jittered(100, 15.0, 5.0), planner=planner)
    assert ours.polls_per_task <= 1.3
    assert (
        statistics.fmean(ours.late_s) <= 3.9
    )  # the best plan at 1.2 polls a task: 3.4 s (bench/_poll_bound.py)


def test_before_the_first_result_only_one_task_at_a_time_is_polled_on_a_ladder_of_ages() -> None:
    ours = run_batch(jittered(30, 15.0, 5.0))
    first_noticed = min(ours.noticed)
    early = sorted(
        age for task, ages in enumerate(ours.ages) for age in ages if ours.created[task] + age < first_noticed
    )
    assert len(early) <= 5  # 2, 2.5, 5, 10 s: a rung each, not ~10 polls each for two scouts
    assert all(b >= a * 1.25 for a, b in itertools.pairwise(early))


def test_cold_batches_of_30_tasks_lasting_10_to_20_s_make_at_most_39_polls_on_average() -> None:
    polls = [sum(run_batch(jittered(30, 15.0, 5.0, seed=seed)).polls) for seed in range(10)]
    assert statistics.fmean(polls) <= 39  # 1.3 a task, the scouts' polls included (one batch: up to ~43)


def test_a_cold_batch_of_100_tasks_lasting_10_to_20_s_makes_at_most_1_3_polls_a_task() -> None:
    ours = run_batch(jittered(100, 15.0, 5.0))
    assert ours.polls_per_task <= 1.3


def guidance_polls(seconds: float) -> int:
    """How many polls KIE's guidance makes for a task of this length (the first at 2 s)."""
    age, polls = 2.0, 1
    while age < seconds:
        age += guidance_interval(age)
        polls += 1
    return polls


def test_a_lone_task_is_noticed_within_a_quarter_of_its_time_with_about_kies_polls() -> None:
    for seconds in (2.0, 15.0, 100.0):
        alone = run_batch([seconds], [0.0])
        assert alone.late_s[0] <= max(0.5, 0.25 * seconds), seconds
        assert alone.polls[0] <= guidance_polls(seconds) + 5, seconds


def test_when_the_scouts_fail_other_tasks_take_over_and_nobody_waits_the_fallback() -> None:
    # The first tasks end without a lesson (failed tasks teach no duration).
    durations = jittered(20, 2.0, 0.3)
    ours = run_batch(durations, fail=frozenset(range(2)))
    assert max(ours.late_s) <= 3.0  # not the 30 s the others would wait with no scout left


def test_a_slow_scout_does_not_hold_back_the_rest() -> None:
    durations = [60.0, *jittered(19, 2.0, 0.3)]  # the first scout is a long-tail task
    ours = run_batch(durations)
    assert max(ours.late_s[1:]) <= 7.0  # about 3x the first lesson's time, not the 30 s fallback
    assert ours.late_s[0] <= 0.25 * 60.0


def test_a_task_far_past_everything_learned_is_still_noticed_soon() -> None:
    planner = taught(jittered(50, 2.0, 0.3, seed=1))
    ours = run_batch([60.0], [0.0], planner=planner)
    assert ours.late_s[0] <= 0.25 * 60.0 and ours.polls[0] <= 20


def test_tasks_that_became_slower_than_learned_are_still_noticed_soon() -> None:
    planner = taught(jittered(50, 2.0, 0.3, seed=1))
    durations = jittered(40, 15.0, 5.0)
    ours = run_batch(durations, paced_creates(40), planner=planner)
    assert statistics.fmean(ours.late_s) <= 3.0  # the first ones late, then the plan has caught up
    assert all(late <= d for late, d in zip(ours.late_s, durations, strict=True))  # by twice their time


# --- the plan itself ---------------------------------------------------------------------------------


def share_done_by(age: float, durations: list[float]) -> float:
    return sum(d <= age for d in durations) / len(durations)


def test_with_jittered_durations_learned_the_first_poll_is_past_most_of_them() -> None:
    learned = jittered(50, 2.0, 0.3, seed=1)
    first = taught(learned).next_poll_age(None)
    assert share_done_by(first, learned) >= 0.9  # not the median, where half would be polled again
    assert first <= max(learned)


def test_a_wide_spread_is_planned_as_a_few_polls_across_it_not_one_at_its_slow_end() -> None:
    learned = jittered(50, 15.0, 5.0, seed=1)
    planner = taught(learned)
    first = planner.next_poll_age(None)
    assert statistics.median(learned) <= first < max(learned)
    ages = [first]
    while ages[-1] < max(learned):
        ages.append(planner.next_poll_age(ages[-1]))
    polls = [sum(age < d for age in ages) + 1 for d in learned]  # polls until one finds it done
    assert statistics.fmean(polls) <= 1.5


def test_past_everything_learned_the_distance_past_it_doubles_each_poll() -> None:
    planner = taught([2.0] * 20)
    ages = [planner.next_poll_age(None)]
    while ages[-1] < 20:
        ages.append(planner.next_poll_age(ages[-1]))
    assert ages[0] == 2.0
    past = [age - 2.0 for age in ages[1:]]
    assert past[0] == pytest.approx(POLL_WORTH_SHARE * 2.0)  # a poll's worth of waiting first
    assert all(b == 2 * a for a, b in itertools.pairwise(past[1:4]))
    assert len(ages) <= 9  # a task ten times as long as any learned: a handful of polls, not one a 2.5 s


def test_a_cold_batch_polls_one_task_at_a_time_on_a_ladder_from_kies_first_poll() -> None:
    planner = PollPlanner()
    scouts = [task for task in range(10) if planner.scout(task)]
    assert scouts == [0]
    rungs = [planner.next_poll_age(None, scout=True)]
    assert rungs[0] == POLL_FIRST_S  # KIE's first poll
    task = 0
    while rungs[-1] < 60:
        assert planner.running(task, rungs[-1])  # found running: the next rung is another task's
        task += 1
        assert planner.scout(task) and not planner.scout(task - 1)
        rungs.append(planner.next_poll_age(None, scout=True))
    assert rungs[1] == POLL_SECOND_RUNG_S  # KIE's 2-3 s: a second look for tasks of ~2 s
    gaps = [b - a for a, b in itertools.pairwise(rungs[1:])]
    assert gaps[0] == POLL_SECOND_RUNG_S * (POLL_SCOUT_GROWTH - 1)
    assert all(0 < gap <= 10.0 for gap in gaps)  # geometric, at most KIE's 10 s apart
    assert len(rungs) <= 9  # a few polls to find a minute-long task, not 20
    assert planner.next_poll_age(None) == 30.0  # the others wait for what the scouts teach


def test_a_first_lesson_has_the_next_tasks_tried_at_that_age_until_a_few_lessons_are_in() -> None:
    planner = PollPlanner()
    for task in ("a", "b", "c"):
        planner.scout(task)
    assert planner.next_poll_age(None) == 30.0  # nothing learned: KIE's guidance after 30 s
    assert planner.running("a", 2.0) and planner.running("b", 2.5)  # two rungs found running
    assert planner.next_poll_age(None, scout=True) == 5.0  # c's rung: doubled
    planner.learn(4.2, "c", age_s=5.0)  # c was done at 5 s
    planner.release("c")
    assert planner.scout("a") and planner.next_poll_age(2.0, scout=True) == 5.0  # a is as old: now
    assert planner.next_poll_age(None) == 3 * 4.2  # the others: not much longer than a slow lesson
    assert planner.running("a", 5.0)  # a still runs: b is tried a step later
    assert planner.scout("b") and planner.next_poll_age(2.5, scout=True) == pytest.approx(5.42)


def test_a_lesson_or_two_remembered_from_the_store_do_not_slow_the_ladder_below_them() -> None:
    planner = taught([15.0, 16.0])  # a run an hour ago saw two tasks end
    for task in range(5):
        planner.scout(task)
    rungs = [planner.next_poll_age(None, scout=True)]
    for task in range(4):
        planner.running(task, rungs[-1])
        rungs.append(planner.next_poll_age(None, scout=True))
    assert rungs == [POLL_FIRST_S, POLL_SECOND_RUNG_S, 5.0, 10.0, 20.0]  # not 10% steps from 2 s
    planner.running(4, 20.0)  # past the lessons: small steps (tasks end at such ages)
    assert planner.next_poll_age(None, scout=True) == pytest.approx(21.6)


def test_tasks_found_running_move_the_plan_later() -> None:
    learned = jittered(POLL_LESSONS_TO_PLAN * 4, 15.0, 5.0, seed=1)
    planner = taught(learned)
    before = planner.next_poll_age(None)
    for task in range(20):  # a batch slower than the lessons: 20 tasks still running at 19 s
        planner.running(task, 19.0)
    assert planner.next_poll_age(None) > before
    for task in range(20):
        planner.release(task)
    assert planner.next_poll_age(None) == before


def test_a_poll_is_planned_where_tasks_end() -> None:
    assert cheapest_poll_ages([5.0] * 10, 1.5) == (5.0,)
    quick, slow = jittered(20, 2.0, 0.3), jittered(5, 60.0, 2.0, seed=1)
    ages = cheapest_poll_ages([*quick, *slow], 0.6)
    assert ages[0] == max(quick) and ages[-1] == max(slow)
    assert not [age for age in ages if max(quick) < age < min(slow)]  # nothing ends in between


def test_tasks_still_running_shift_the_weight_to_the_durations_after_them() -> None:
    assert survival_weights([1.0, 2.0, 3.0], []) == ([1 / 3] * 3, 0.0)
    weights, past = survival_weights([1.0, 3.0], [2.0])  # one ran past 2 s: it ends like the 3 s one
    assert weights == pytest.approx([1 / 3, 2 / 3]) and past == 0.0
    weights, past = survival_weights([1.0], [2.0, 2.0])  # two run past everything that ended
    assert weights == pytest.approx([1 / 3]) and past == pytest.approx(2 / 3)


def test_a_long_tail_does_not_blur_the_common_durations() -> None:
    common = jittered(45, 2.0, 0.3)
    assert kernel_width(common) < 0.3
    assert kernel_width([*common, 60.0, 58.0, 61.0, 59.0, 62.0]) < 0.3  # quartiles, not the deviation


def test_a_dearer_poll_means_fewer_polls_planned_later() -> None:
    durations = jittered(50, 15.0, 5.0)
    cheap, dear = cheapest_poll_ages(durations, 0.5), cheapest_poll_ages(durations, 50.0)
    assert len(cheap) > 3 and cheap[0] < dear[0]
    assert dear == (max(durations),)


def test_nonsense_durations_teach_nothing() -> None:
    planner = taught([None, 0.0, -3.0, 3600.0, 1e9])  # type: ignore[list-item]
    assert not planner.learned
    assert planner.scout("task-1")  # still scouting


def test_the_plan_follows_the_recent_durations() -> None:
    planner = taught([100.0] * 50 + [8.0] * 50)
    assert planner.next_poll_age(None) == 8.0


def test_a_task_older_than_its_plan_is_polled_at_once() -> None:
    planner = taught([10.0] * 5)
    assert planner.next_poll_age(None) <= 10.0  # a task resumed at age 100 s is due now


def test_polls_of_one_task_are_never_closer_than_the_minimum_gap() -> None:
    planner = taught([0.2] * 5)
    age, ages = 0.0, []
    for _ in range(10):
        age = planner.next_poll_age(age if ages else None)
        ages.append(age)
    assert all(b - a >= MIN_GAP_S - 1e-9 for a, b in itertools.pairwise(ages))


def test_a_task_that_does_not_end_is_polled_within_kies_late_range() -> None:
    planner = taught(jittered(50, 2.0, 0.3))
    age = 900.0
    for _ in range(20):
        after = planner.next_poll_age(age)
        assert 0 < after - age <= kie_range(age)[1]  # at least every 30 s: it may end any time
        age = after


def test_with_nothing_learned_the_tasks_that_wait_follow_kies_guidance_once_old() -> None:
    planner = PollPlanner()
    assert planner.scout("scout")
    assert not planner.scout("waiting")
    ages = [planner.next_poll_age(None)]
    for _ in range(30):
        ages.append(planner.next_poll_age(ages[-1]))
    assert ages[0] == 30.0
    for before, after in itertools.pairwise(ages):
        low, high = kie_range(before)
        assert low <= after - before <= high, (before, after - before)


def test_a_scout_that_ends_or_is_found_running_makes_room_for_another() -> None:
    planner = PollPlanner()
    for name in ("scout", "next", "last"):
        planner.scout(name)
    assert not planner.scout("next")
    assert planner.release("scout")  # failed: no lesson
    assert planner.scout("next")
    assert planner.running("next", 2.0) and planner.scout("last")
    assert not planner.running("next", 3.5)  # not the scout any more
    assert not planner.release("never-a-scout")


def test_the_typical_duration_for_time_left_is_the_median_learned() -> None:
    """The window's "about 1 min left" starts from it; nothing learned, nothing claimed."""
    planner = PollPlanner()
    assert planner.expected_s is None
    for duration in (14.0, 15.0, 30.0):
        planner.learn(duration)
    assert planner.expected_s == 15.0
