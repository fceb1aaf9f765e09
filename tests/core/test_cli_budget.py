"""Spending knowingly from the command line: a budget, a dry run, and the record of what was spent.

Each test runs `upscaler-gui` in a subprocess against the sim, as a user would, and counts what the
sim saw: the creates (each is billed), the uploads, and what the history says they cost.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.core.cli_helpers import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_PAUSED,
    EXIT_USAGE,
    KEY,
    creates_of,
    isolated_env,
    make_images,
    run_upscale,
    sim_stats,
)
from upscaler_gui.sim import SimConfig, SimServer

pytestmark = pytest.mark.integration  # the command line in a subprocess against the sim

PRICE = 0.5  # the sim's cost per task, and the app's default price


def _sim() -> SimServer:
    return SimServer(SimConfig(api_key=KEY, task_seconds=0.2, cost_per_task=PRICE, create_limit=0))


def _run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`upscaler-gui ARGS` as the isolated user of `cwd` (for the commands that are not `upscale`)."""
    return subprocess.run(
        [sys.executable, "-m", "upscaler_gui", *args],
        cwd=cwd,
        env=isolated_env(cwd),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _history(cwd: Path, *args: str) -> dict[str, Any]:
    done = _run(cwd, "history", "--data-dir", "data", "--json", *args)
    assert done.returncode == EXIT_OK, done.stderr
    answer: dict[str, Any] = json.loads(done.stdout)
    return answer


def test_a_budget_of_2_credits_starts_exactly_4_tasks_and_a_larger_one_finishes_the_rest(
    tmp_path: Path,
) -> None:
    files = make_images(tmp_path / "in", 10)
    with _sim() as sim:
        first = run_upscale(sim.base_url, "in", "--out", "out", "--max-credits", "2", cwd=tmp_path)
        after_first = sim_stats(sim)
        second = run_upscale(sim.base_url, "in", "--out", "out", "--max-credits", "10", cwd=tmp_path)
        stats = sim_stats(sim)
    assert first.returncode == EXIT_PAUSED, first.explain()
    assert after_first.creates == 4
    assert first.statuses() == {"done": 4, "paused": 6}, first.explain()
    waiting = [line for line in first.lines if line["status"] == "paused"]
    assert all(line["error"].startswith("Over budget") and not line["task_id"] for line in waiting)
    assert "larger budget" in first.stderr
    assert second.returncode == EXIT_OK, second.explain()
    assert second.statuses() == {"done": 6, "skipped": 4}, second.explain()
    assert [creates_of(stats, path) for path in files] == [1] * 10  # no create repeated
    assert stats.creates == 10
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        f"{p.stem}_crisp.png" for p in files
    )


def test_a_daily_budget_counts_what_earlier_runs_spent_today(tmp_path: Path) -> None:
    files = make_images(tmp_path / "in", 6)
    config = tmp_path / "_config"
    config.mkdir()
    (config / "settings.json").write_text(json.dumps({"daily_credits": 1.5}))
    with _sim() as sim:
        first = run_upscale(sim.base_url, "in/img00.png", "in/img01.png", "--out", "out", cwd=tmp_path)
        second = run_upscale(sim.base_url, "in", "--out", "out", cwd=tmp_path)
        stats = sim_stats(sim)
    assert first.returncode == EXIT_OK, first.explain()
    assert second.returncode == EXIT_PAUSED, second.explain()
    assert stats.creates == 3  # 1.5 credits a day: two in the first run, one in the second
    assert second.statuses() == {"skipped": 2, "done": 1, "paused": 3}, second.explain()
    waiting = [line for line in second.lines if line["status"] == "paused"]
    assert all("today's budget of 1.5 credits" in line["error"] for line in waiting)
    assert sum(creates_of(stats, path) for path in files) == 3


def test_max_credits_must_be_a_positive_number(tmp_path: Path) -> None:
    make_images(tmp_path / "in", 1)
    with _sim() as sim:
        batch = run_upscale(sim.base_url, "in", "--out", "out", "--max-credits", "0", cwd=tmp_path)
        stats = sim_stats(sim)
    assert batch.returncode == EXIT_USAGE
    assert "--max-credits must be a number of credits above 0" in batch.stderr
    assert stats.requests == 0


def test_a_dry_run_checks_and_prices_every_input_and_sends_nothing_billed(tmp_path: Path) -> None:
    make_images(tmp_path / "in", 3)
    (tmp_path / "in" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 40)
    with _sim() as sim:
        dry = run_upscale(sim.base_url, "in", "--out", "out", "--dry-run", cwd=tmp_path, json_lines=False)
        stats = sim_stats(sim)
    assert stats.creates == 0 and stats.uploads == 0 and stats.downloads == 0
    assert not (tmp_path / "out").exists()  # nothing written to the output folder
    assert dry.returncode == EXIT_FAILED, dry.explain()  # one input would be refused, as in a run
    lines = dry.stdout.splitlines()
    out = tmp_path / "out"
    for i in range(3):
        assert (
            f"create   in/img0{i}.png: upload, create, 0.5 credits -> {out / f'img0{i}_crisp.png'}" in lines
        )
    assert any(line.startswith("refused  in/broken.png: ") for line in lines), dry.stdout
    assert lines[-1] == (
        "Dry run: 4 input(s); would upload 3 and create 3 task(s), about 1.5 credits "
        "(balance: 1000 credits). Nothing was sent or written."
    )


def test_a_dry_run_leaves_nothing_a_real_run_would_take_for_done(tmp_path: Path) -> None:
    files = make_images(tmp_path / "in", 3)
    with _sim() as sim:
        dry = run_upscale(sim.base_url, "in", "--out", "out", "--dry-run", cwd=tmp_path)
        real = run_upscale(sim.base_url, "in", "--out", "out", cwd=tmp_path)
        again = run_upscale(sim.base_url, "in", "--out", "out", "--dry-run", cwd=tmp_path)
        stats = sim_stats(sim)
    planned = [json.loads(text) for text in dry.stdout.splitlines()]
    assert [line["action"] for line in planned[:-1]] == ["create"] * 3
    assert planned[-1]["total"] == {"inputs": 3, "uploads": 3, "creates": 3, "credits": 1.5, "balance": 1000}
    assert real.statuses() == {"done": 3}, real.explain()
    assert [creates_of(stats, path) for path in files] == [1, 1, 1]
    replanned = [json.loads(text) for text in again.stdout.splitlines()]
    assert [line["action"] for line in replanned[:-1]] == ["skip"] * 3  # already done, as a run would say
    assert replanned[-1]["total"]["creates"] == 0


def test_history_totals_are_the_sims_creates_times_the_price(tmp_path: Path) -> None:
    make_images(tmp_path / "in", 5)
    with _sim() as sim:
        run_upscale(sim.base_url, "in", "--out", "out", "--max-credits", "1", cwd=tmp_path)
        run_upscale(sim.base_url, "in", "--out", "out", cwd=tmp_path)
        stats = sim_stats(sim)
    record = _history(tmp_path)
    assert stats.creates == 5
    assert record["total"] == {"jobs": 5, "tasks": 5, "credits": stats.creates * PRICE}
    assert sum(day["credits"] for day in record["days"]) == stats.creates * PRICE
    first = record["jobs"][0]
    assert set(first) == {"job_id", "when", "source", "output", "task_id", "state", "tasks", "credits"}
    assert {job["state"] for job in record["jobs"]} == {"done"}
    assert all(
        job["task_id"].startswith("task_") and job["output"].endswith("_crisp.png") for job in record["jobs"]
    )
    assert _history(tmp_path, "--since", "2999-01-01")["total"] == {"jobs": 0, "tasks": 0, "credits": 0}


def test_history_of_a_data_dir_never_used_is_empty_and_makes_nothing(tmp_path: Path) -> None:
    assert _history(tmp_path)["total"] == {"jobs": 0, "tasks": 0, "credits": 0}
    assert _run(tmp_path, "history", "--data-dir", "data").stdout == "No billed tasks yet.\n"
    assert not (tmp_path / "data" / "jobs.sqlite3").exists()  # no job store made


def test_history_as_csv_and_text(tmp_path: Path) -> None:
    make_images(tmp_path / "in", 2)
    with _sim() as sim:
        run_upscale(sim.base_url, "in", "--out", "out", cwd=tmp_path)
    as_csv = _run(tmp_path, "history", "--data-dir", "data", "--csv")
    rows = as_csv.stdout.splitlines()
    assert rows[0] == "when,source,output,task_id,state,tasks,credits"
    assert len(rows) == 3 and all(row.endswith(",done,1,0.5") for row in rows[1:])
    assert as_csv.stderr.strip() == "Total: 2 job(s), 2 task(s), 1 credits"
    text = _run(tmp_path, "history", "--data-dir", "data").stdout.splitlines()
    assert text[-1] == "Total: 2 job(s), 2 task(s), 1 credits"
    bad = _run(tmp_path, "history", "--data-dir", "data", "--since", "yesterday")
    assert bad.returncode == EXIT_USAGE and "Not a date: yesterday" in bad.stderr
