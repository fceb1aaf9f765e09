"""A paid result is never paid again: a task KIE finished is downloaded again, not created again.

The result was made and billed; saving it failed (the output folder could not be written), or the
user deleted the file. Running the command again fetches the same result from its stored link
(renewed when it expired); only a result KIE no longer has needs a new, billed task, and says so.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.core.cli_helpers import (
    EXIT_FAILED,
    EXIT_OK,
    KEY,
    Batch,
    creates_of,
    decoded,
    make_images,
    run_upscale,
    sim_stats,
    temp_leftovers,
)
from upscaler_gui.sim import Faults, SimConfig, SimServer

pytestmark = pytest.mark.integration  # the command line in a subprocess against the sim


def _status(batch: Batch) -> tuple[str, str]:
    (line,) = batch.lines
    return line["status"], line["error"] or ""


def _unwritable_then_fixed(tmp_path: Path, sim: SimServer) -> tuple[Path, Batch]:
    """A first run whose output folder cannot be made (a file stands where its parent should be)."""
    (tmp_path / "blocked").write_text("a file, not a folder")
    first = run_upscale(sim.base_url, "in", "--out", "blocked/out", cwd=tmp_path)
    assert first.returncode == EXIT_FAILED, first.explain()
    status, error = _status(first)
    assert status == "failed" and "cannot be created" in error, first.explain()
    (tmp_path / "blocked").unlink()
    return tmp_path / "blocked" / "out", first


def test_a_result_that_could_not_be_saved_is_downloaded_again_not_created_again(tmp_path: Path) -> None:
    (image,) = make_images(tmp_path / "in", 1)
    with SimServer(SimConfig(api_key=KEY, task_seconds=0.2)) as sim:
        out, _ = _unwritable_then_fixed(tmp_path, sim)
        again = run_upscale(sim.base_url, "in", "--out", "blocked/out", "--retry-failed", cwd=tmp_path)
        stats = sim_stats(sim)
    assert again.returncode == EXIT_OK, again.explain()
    assert _status(again)[0] == "done"
    assert creates_of(stats, image) == 1 and stats.creates == 1
    assert decoded(out / "img00_crisp.png")[1] == (80, 60)
    assert temp_leftovers(out) == []


def test_an_expired_result_link_is_renewed_for_the_second_try(tmp_path: Path) -> None:
    make_images(tmp_path / "in", 1)
    with SimServer(SimConfig(api_key=KEY, task_seconds=0.2)) as sim:
        out, _ = _unwritable_then_fixed(tmp_path, sim)
        sim.config.faults = Faults(result_link_ttl_s=0.1)  # the stored link no longer answers
        time.sleep(0.3)
        again = run_upscale(sim.base_url, "in", "--out", "blocked/out", "--retry-failed", cwd=tmp_path)
        stats = sim_stats(sim)
    assert again.returncode == EXIT_OK, again.explain()
    assert stats.creates == 1 and stats.faults_served.get("link_expired", 0) >= 1
    assert decoded(out / "img00_crisp.png")[1] == (80, 60)


def test_a_deleted_result_is_fetched_again_when_the_command_runs_again(tmp_path: Path) -> None:
    make_images(tmp_path / "in", 1)
    with SimServer(SimConfig(api_key=KEY, task_seconds=0.2)) as sim:
        first = run_upscale(sim.base_url, "in", "--out", "out", cwd=tmp_path)
        assert first.returncode == EXIT_OK, first.explain()
        (tmp_path / "out" / "img00_crisp.png").unlink()
        again = run_upscale(sim.base_url, "in", "--out", "out", cwd=tmp_path)
        stats = sim_stats(sim)
    assert again.returncode == EXIT_OK, again.explain()
    assert stats.creates == 1
    assert decoded(tmp_path / "out" / "img00_crisp.png")[1] == (80, 60)


def test_a_result_kie_no_longer_has_fails_clearly_and_the_next_retry_is_a_new_task(tmp_path: Path) -> None:
    (image,) = make_images(tmp_path / "in", 1)
    with SimServer(SimConfig(api_key=KEY, task_seconds=0.2)) as sim:
        _unwritable_then_fixed(tmp_path, sim)
        for result in (sim.storage_dir / "results").iterdir():
            result.unlink()  # KIE deleted it: the link and a fresh link both fail
        sim.config.faults = Faults(result_link_ttl_s=0.0)
        gone = run_upscale(sim.base_url, "in", "--out", "blocked/out", "--retry-failed", cwd=tmp_path)
        assert gone.returncode == EXIT_FAILED, gone.explain()
        status, error = _status(gone)
        assert status == "failed" and "no longer has the result" in error and "billed" in error
        assert sim_stats(sim).creates == 1  # not created again by itself
        sim.config.faults = Faults()
        new = run_upscale(sim.base_url, "in", "--out", "blocked/out", "--retry-failed", cwd=tmp_path)
        stats = sim_stats(sim)
    assert new.returncode == EXIT_OK, new.explain()
    assert creates_of(stats, image) == 2  # the user asked again: a new task
