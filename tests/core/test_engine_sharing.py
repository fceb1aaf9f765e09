"""Several sources feeding one engine (the window's drops and its watcher), and inputs given again."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.core.cli_helpers import decoded, run_cli
from tests.core.engine_helpers import (
    assert_all_created_once,
    engine_on,
    items,
    options_for,
    running_sim,
    settle,
)
from tests.imagefactory import write_image
from upscaler_gui.core.jobs import JobState
from upscaler_gui.sim import SimConfig, SimServer


async def test_the_same_bytes_added_twice_at_once_are_one_job_and_one_create(tmp_path: Path) -> None:
    a = write_image(tmp_path / "drop" / "a.png")
    copy = tmp_path / "inbox" / "a-copy.png"
    copy.parent.mkdir()
    copy.write_bytes(a.read_bytes())
    out = tmp_path / "out"
    with running_sim(tmp_path) as sim:
        async with engine_on(sim, tmp_path / "jobs.db") as engine:
            first, second = await asyncio.gather(
                engine.add(items(a), options_for(out)), engine.add(items(copy), options_for(out))
            )
            jobs = await settle(engine)
        assert first[0].job.id == second[0].job.id
        assert [job.state for job in jobs] == [JobState.DONE]
        assert sim.stats.creates == 1
        assert_all_created_once(sim)


async def test_a_refused_input_given_again_is_the_same_row(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with running_sim(tmp_path) as sim:
        for _ in range(3):
            async with engine_on(sim, tmp_path / "jobs.db") as engine:
                (admission,) = await engine.add(items(tmp_path / "missing.png"), options_for(out))
                assert admission.job.state == JobState.FAILED and "No such file" in (
                    admission.job.error or ""
                )
                rows = await engine.db.run(engine.db.store.all)
        assert len(rows) == 1


@pytest.mark.integration  # a long run against the sim
def test_a_demo_run_never_lends_its_jobs_to_a_real_run(tmp_path: Path) -> None:
    write_image(tmp_path / "a.png", size=(40, 30))
    data = ["--data-dir", str(tmp_path / "data")]
    demo = run_cli("upscale", "--demo", "a.png", "--out", "out", *data, cwd=tmp_path)
    assert demo.returncode == 0, demo.stderr
    assert decoded(tmp_path / "out" / "demo" / "a_crisp.png")[1] == (80, 60)  # the demo's, apart
    with SimServer(SimConfig(api_key="real-key-123", task_seconds=0.2)) as real:
        base = ["--api-base", real.base_url, "--upload-base", real.base_url]
        result = run_cli(
            "upscale",
            "a.png",
            "--out",
            "out",
            *data,
            *base,
            cwd=tmp_path,
            env={"KIE_API_KEY": "real-key-123"},
        )
        assert result.returncode == 0, result.stderr
        assert real.stats.uploads == 1 and real.stats.creates == 1  # its own upload, not the demo's link
    assert decoded(tmp_path / "out" / "a_crisp.png")[1] == (80, 60)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a_crisp.png", "demo"]  # no a_crisp-1
