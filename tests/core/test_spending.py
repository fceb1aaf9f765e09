"""The spending record: each billed task once, KIE's figure when it gives one, the price when it does not."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from upscaler_gui.core.history import history, parse_since
from upscaler_gui.core.jobs import Job, JobState, OutputOptions
from upscaler_gui.core.spending import day_totals, spends, spent_since, with_consumed, with_task

PRICE = 0.5
DAY1 = dt.datetime(2026, 12, 1, 10, 0).timestamp()
DAY2 = dt.datetime(2026, 12, 2, 9, 30).timestamp()


def _job(job_id: int = 1, **changes: object) -> Job:
    job = Job(job_id, "file", f"/in/{job_id}.png", f"sha256:{job_id}", OutputOptions(folder="/out"))
    return replace(job, **changes)  # type: ignore[arg-type]


def test_a_task_is_entered_at_the_price_and_kies_figure_replaces_it() -> None:
    job = with_task(_job(), "t1", DAY1, PRICE)
    assert job.credits == PRICE
    job = with_consumed(job, "t1", 0.75, PRICE)
    assert job.credits == 0.75 and len(spends(job, PRICE)) == 1
    assert spends(job, PRICE)[0].at == DAY1  # when it was created, kept


def test_without_credits_consumed_the_price_stands() -> None:
    job = with_consumed(with_task(_job(), "t1", DAY1, PRICE), "t1", None, PRICE)
    assert job.credits == PRICE


def test_a_task_entered_or_polled_again_is_counted_once() -> None:
    job = with_task(_job(), "t1", DAY1, PRICE)
    job = with_task(job, "t1", DAY1 + 5, PRICE)  # a restart between the two writes
    job = with_consumed(with_consumed(job, "t1", 0.5, PRICE), "t1", 0.5, PRICE)  # polled again
    assert job.credits == 0.5 and len(spends(job, PRICE)) == 1


def test_a_new_task_for_the_same_job_adds_to_what_it_cost() -> None:
    job = with_consumed(with_task(_job(), "t1", DAY1, PRICE), "t1", 0.5, PRICE)
    job = with_task(job, "t2", DAY2, PRICE)
    assert job.credits == 1.0 and [s.task_id for s in spends(job, PRICE)] == ["t1", "t2"]


def test_a_job_stored_before_the_record_counts_its_last_task() -> None:
    old = _job(task_id="t9", task_created_at=DAY1, credits=None)
    assert [(s.task_id, s.credits) for s in spends(old, PRICE)] == [("t9", PRICE)]
    assert spends(_job(task_id="t9", task_created_at=DAY1, credits=0.6), PRICE)[0].credits == 0.6
    assert spends(_job(), PRICE) == []  # never sent: nothing spent


def test_totals_per_day_and_since_a_moment() -> None:
    first = with_task(with_task(_job(1), "a", DAY1, PRICE), "b", DAY2, PRICE)
    second = with_task(_job(2), "c", DAY2 + 60, PRICE)
    days = day_totals([first, second], PRICE)
    assert [(d.day.isoformat(), d.tasks, d.credits) for d in days] == [
        ("2026-12-01", 1, 0.5),
        ("2026-12-02", 2, 1.0),
    ]
    assert spent_since([first, second], DAY2, PRICE) == 1.0


def test_history_rows_newest_first_and_filtered_by_day() -> None:
    first = replace(with_task(_job(1), "a", DAY1, PRICE), state=JobState.DONE, output_path="/out/1_crisp.png")
    second = replace(with_task(_job(2), "c", DAY2, PRICE), state=JobState.FAILED)
    never_sent = _job(3)
    record = history([first, second, never_sent], PRICE)
    assert [row.job_id for row in record.rows] == [2, 1]
    assert (record.tasks, record.credits) == (2, 1.0)
    assert record.rows[1].as_dict()["output"] == "/out/1_crisp.png"
    since = history([first, second], PRICE, parse_since("2026-12-02"))
    assert [row.job_id for row in since.rows] == [2] and len(since.days) == 1
