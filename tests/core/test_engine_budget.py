"""Budgets and the spending record in the engine, against the sim.

A budget is checked as each create leaves, and counted in the same step: creates running at once
never pass it together. A create KIE refused (it made nothing) gives its share back. Each billed task
is entered in its job, so a job run again costs twice, and a task polled again is not counted again.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.core.engine_helpers import (
    engine_on,
    fast_rounds,
    images,
    run_batch,
    running_sim,
    settle,
    wait_for,
)
from upscaler_gui.core.engine import EngineOptions
from upscaler_gui.core.engine.budget import Budget, BudgetLimits
from upscaler_gui.core.history import history
from upscaler_gui.core.jobs import JobState
from upscaler_gui.core.spending import spends
from upscaler_gui.sim import Faults

PRICE = 0.5


def _options(batch: float | None = None, daily: float | None = None) -> EngineOptions:
    return EngineOptions(concurrency=10, cost_per_image=PRICE, budget=BudgetLimits(batch, daily))


async def test_a_batch_budget_starts_only_what_it_covers_and_a_larger_one_lets_the_rest_go_on(
    tmp_path: Path,
) -> None:
    files = images(tmp_path / "in", 10)
    with running_sim(tmp_path, cost_per_task=PRICE) as sim:
        async with engine_on(sim, tmp_path / "jobs.db", options=_options(batch=2)) as engine:
            _, jobs = await run_batch(engine, files, tmp_path / "out")
            assert sim.stats.creates == 4
            assert engine.paused is not None and engine.paused.kind == "budget"
            waiting = [job for job in jobs if job.state == JobState.PAUSED]
            assert len(waiting) == 6
            assert all((job.paused_reason or "").startswith("Over budget") for job in waiting)
            assert all(job.creates == 0 and job.task_id is None for job in waiting)
            engine.budget.set_limits(BudgetLimits(batch=5))
            engine.resume()
            await wait_for(lambda: all(job.state == JobState.DONE for job in engine.jobs()), "all done")
        assert sim.wait_idle(10)
        assert sim.stats.creates == 10 and set(sim.stats.creates_by_image.values()) == {1}


async def test_a_create_kie_refused_gives_its_share_of_the_budget_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast_rounds(monkeypatch)
    files = images(tmp_path / "in", 6)
    faults = Faults(rate_429=0.5, retry_after_s=0.05, endpoints={"create"})
    with running_sim(tmp_path, cost_per_task=PRICE, faults=faults, seed=3) as sim:
        async with engine_on(sim, tmp_path / "jobs.db", options=_options(batch=2)) as engine:
            _, jobs = await run_batch(engine, files, tmp_path / "out")
        assert sim.stats.faults_served.get("429", 0) > 0  # refused creates happened, and did not count
        assert sim.stats.creates == 4
        assert sorted(job.state for job in jobs).count(JobState.DONE) == 4


async def test_the_daily_budget_counts_what_the_store_says_was_spent_today(tmp_path: Path) -> None:
    files = images(tmp_path / "in", 5)
    with running_sim(tmp_path, cost_per_task=PRICE) as sim:
        async with engine_on(sim, tmp_path / "jobs.db", options=_options()) as engine:
            await run_batch(engine, files[:2], tmp_path / "out")  # 1 credit spent today
        async with engine_on(sim, tmp_path / "jobs.db", options=_options(daily=2)) as engine:
            assert engine.budget.spent_today == 1.0
            _, jobs = await run_batch(engine, files, tmp_path / "out")
            assert engine.paused is not None and "today's budget of 2 credits" in engine.paused.message
        assert sim.stats.creates == 4
        assert [job.state for job in jobs].count(JobState.PAUSED) == 1


async def test_each_task_is_entered_in_its_job_and_running_again_adds_to_what_it_cost(tmp_path: Path) -> None:
    (image,) = images(tmp_path / "in", 1)
    with running_sim(tmp_path, cost_per_task=PRICE) as sim:
        async with engine_on(sim, tmp_path / "jobs.db", options=_options()) as engine:
            _, (job,) = await run_batch(engine, [image], tmp_path / "out")
            assert job.credits == PRICE and [s.credits for s in spends(job, PRICE)] == [PRICE]
            await engine.run_again(job.id)
            (job,) = await settle(engine)
        assert job.state == JobState.DONE and sim.stats.creates == 2
        assert job.credits == 2 * PRICE
        assert [s.task_id for s in spends(job, PRICE)] == [*job.previous_task_ids, job.task_id]
        record = history([job], PRICE)
        assert (record.tasks, record.credits) == (2, 2 * PRICE)


def test_reserving_is_one_step_so_creates_at_once_never_pass_the_budget() -> None:
    budget = Budget(BudgetLimits(batch=2.0))

    async def many() -> list[str | None]:
        async def one() -> str | None:
            await asyncio.sleep(0)
            return budget.reserve(PRICE)

        return await asyncio.gather(*(one() for _ in range(20)))

    answers = asyncio.run(many())
    assert answers.count(None) == 4 and budget.batch_spent == 2.0
    budget.release(PRICE)  # a create KIE certainly did not make
    assert budget.reserve(PRICE) is None and budget.reserve(PRICE) is not None
    budget.set_limits(BudgetLimits(batch=3.0))
    assert budget.reserve(PRICE) is None


def test_the_daily_budget_starts_from_what_was_spent_before_this_run() -> None:
    async def spent(_since: float) -> float:
        return 1.5

    budget = Budget(BudgetLimits(daily=2.0), spent)
    asyncio.run(budget.load_day())
    assert budget.reserve(PRICE) is None
    refusal = budget.reserve(PRICE)
    assert refusal is not None and "today's budget of 2 credits is spent (2 so far)" in refusal
    budget.new_batch()  # a new batch in the window: the day is still spent
    assert budget.reserve(PRICE) is not None
