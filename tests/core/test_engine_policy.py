"""The engine's error policy: what a stage's error means for the job, and how long it waits."""

from __future__ import annotations

import pytest

from upscaler_gui.core.constants import RETRY_AFTER_CAP_S
from upscaler_gui.core.engine.policy import RATE_LIMIT_WAIT_S, STAGE_ROUNDS, judge
from upscaler_gui.core.errors import (
    KieConnectionError,
    KieRateLimitError,
    KieTaskMismatchError,
    KieTaskStateError,
    ResultTooLargeError,
    ResultUnusableError,
)


@pytest.mark.parametrize("asked", [86400.0, float("inf")])
def test_a_retry_after_of_a_day_waits_at_most_the_cap(asked: float) -> None:
    outcome = judge(
        KieRateLimitError("slow down", retry_after=asked), rounds=0, patient=True, auto_retries_left=True
    )
    assert outcome.verdict == "wait"
    assert RATE_LIMIT_WAIT_S <= outcome.delay_s <= RETRY_AFTER_CAP_S == 60.0


def test_a_short_retry_after_is_honoured() -> None:
    outcome = judge(KieRateLimitError("x", retry_after=12.0), rounds=0, patient=False, auto_retries_left=True)
    assert outcome.delay_s == 12.0


def test_a_patient_stage_never_gives_up_on_the_network() -> None:
    error = KieConnectionError("dropped", sent=True)
    assert judge(error, rounds=100, patient=True, auto_retries_left=True).verdict == "retry"


def test_a_result_that_cannot_be_used_is_tried_a_bounded_number_of_times_even_when_patient() -> None:
    error = ResultUnusableError("not an image")
    verdicts = [judge(error, rounds=n, patient=True, auto_retries_left=True).verdict for n in range(10)]
    assert verdicts == ["retry"] * STAGE_ROUNDS + ["fail"] * (10 - STAGE_ROUNDS)


@pytest.mark.parametrize(
    "error",
    [ResultTooLargeError("300 MB"), KieTaskMismatchError("another image"), KieTaskStateError("exploded")],
)
def test_answers_that_would_be_the_same_again_fail_at_once_and_never_make_a_new_task(
    error: Exception,
) -> None:
    outcome = judge(error, rounds=0, patient=True, auto_retries_left=True)  # type: ignore[arg-type]
    assert outcome.verdict == "fail"
