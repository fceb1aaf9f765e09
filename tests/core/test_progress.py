"""The batch's standing and time left, and one job's progress, as the status bar and rows show them."""

from __future__ import annotations

import pytest

from upscaler_gui.core.constants import ESTIMATE_JOB_OVERHEAD_S
from upscaler_gui.core.jobs import Job, JobState, OutputOptions
from upscaler_gui.core.progress import job_fraction, job_overdue, job_seconds, standing

T0 = 1_000_000.0


def job(
    n: int, state: JobState = JobState.QUEUED, started: float | None = None, ended: float | None = None
) -> Job:
    return Job(
        id=n,
        kind="file",
        given=f"/in/{n}.png",
        dedupe_key=str(n),
        options=OutputOptions(folder="/out"),
        state=state,
        started_at=None if started is None else T0 + started,
        finished_at=None if ended is None else T0 + ended,
    )


def done(n: int, started: float, ended: float) -> Job:
    return job(n, JobState.DONE, started, ended)


def running(n: int, started: float) -> Job:
    return job(n, JobState.POLLING, started)


def test_counts_finished_of_total_and_nothing_left_when_all_ended() -> None:
    jobs = [done(1, 0, 10), job(2, JobState.FAILED, None, 1), done(3, 0, 12)]
    now = standing(jobs, now=T0 + 20, since=T0, learned_task_s=None)
    assert (now.finished, now.total, now.seconds_left, now.fraction) == (3, 3, 0.0, 1.0)


def test_no_estimate_without_a_duration_to_go_on() -> None:
    jobs = [running(n, 0) for n in range(40)]
    assert standing(jobs, now=T0 + 30, since=T0, learned_task_s=None).seconds_left is None


def test_no_estimate_in_the_first_seconds_even_with_a_learned_time() -> None:
    jobs = [running(n, 0) for n in range(40)]
    assert standing(jobs, now=T0 + 1, since=T0, learned_task_s=20).seconds_left is None


def test_no_estimate_while_nothing_has_started() -> None:
    jobs = [job(n) for n in range(40)]
    assert standing(jobs, now=T0 + 10, since=T0, learned_task_s=20).seconds_left is None


def test_jobs_side_by_side_end_together_not_one_after_another() -> None:
    """40 jobs running at once with a 20 s learned task: about 20 s left, not 40 x 20 s."""
    jobs = [running(n, 0) for n in range(40)]
    left = standing(jobs, now=T0 + 5, since=T0, learned_task_s=20).seconds_left
    assert left == pytest.approx(20 + ESTIMATE_JOB_OVERHEAD_S - 5)


def test_the_batchs_own_finished_jobs_beat_the_learned_time() -> None:
    jobs = [done(1, 0, 30), done(2, 0, 32), done(3, 0, 34), running(4, 20)]
    left = standing(jobs, now=T0 + 36, since=T0, learned_task_s=5).seconds_left
    assert job_seconds(jobs) == 32
    assert left == pytest.approx(32 - 16)


def test_waiting_jobs_start_at_the_pace_jobs_have_been_starting() -> None:
    """10 started in the first 10 s (1 a second), 10 wait: the last starts in ~10 s, then takes 20 s."""
    jobs = [running(n, n) for n in range(10)] + [job(10 + n) for n in range(10)]
    left = standing(jobs, now=T0 + 10, since=T0, learned_task_s=20 - ESTIMATE_JOB_OVERHEAD_S).seconds_left
    assert left == pytest.approx(10 + 20)


def test_jobs_ending_one_by_one_bound_the_estimate_by_their_pace() -> None:
    """Paced creates: one job ends every 2 s; 30 left take about a minute, whatever one job takes."""
    ended = [done(n, 0, 10 + 2 * n) for n in range(10)]
    rest = [running(10 + n, 0) for n in range(30)]
    left = standing(ended + rest, now=T0 + 28, since=T0, learned_task_s=None).seconds_left
    assert left == pytest.approx(30 / (9 / 18))


def test_a_late_job_still_has_some_time_left() -> None:
    jobs = [done(1, 0, 10), running(2, 0)]
    left = standing(jobs, now=T0 + 60, since=T0, learned_task_s=None).seconds_left
    assert left is not None and 0 < left < 10


def test_a_polling_job_moves_along_with_the_learned_task_time() -> None:
    polling = Job(
        id=1,
        kind="file",
        given="/in/a.png",
        dedupe_key="a",
        options=OutputOptions(folder="/out"),
        state=JobState.POLLING,
        progress=0.35,
        task_created_at=T0,
    )
    assert job_fraction(polling, now=T0 + 5, learned_task_s=None) == 0.35
    half = job_fraction(polling, now=T0 + 5, learned_task_s=10)
    assert half == pytest.approx(0.35 + 0.55 / 2)
    late = job_fraction(polling, now=T0 + 500, learned_task_s=10)
    assert 0.85 < late < 0.9  # nearly at the download, never past it
    uploading = job(2, JobState.UPLOADING)
    assert job_fraction(uploading, now=T0, learned_task_s=10) == uploading.progress
    # Past the usual time the fraction stands still: the job is then said to be overdue.
    assert not job_overdue(polling, now=T0 + 5, learned_task_s=10)
    assert job_overdue(polling, now=T0 + 500, learned_task_s=10)
    assert not job_overdue(polling, now=T0 + 500, learned_task_s=None)  # nothing to be late against
    assert not job_overdue(uploading, now=T0 + 500, learned_task_s=10)
