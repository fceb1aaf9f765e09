"""Two runs of `upscaler-gui upscale` on one data dir at the same time: each image is paid for once.

A user starts a batch, then (impatient, or from a second terminal, or the window beside a script) starts
the same batch again. Whichever run takes an image first processes it; the other says so and leaves it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.core.cli_helpers import (
    Batch,
    creates_of,
    finish,
    make_images,
    numbered_duplicates,
    start_upscale,
    temp_leftovers,
)
from upscaler_gui.sim import SimConfig, SimServer

pytestmark = pytest.mark.integration  # the command line in a subprocess against the sim

IMAGES = 20


def _ends(batch: Batch) -> dict[str, tuple[str, str]]:
    return {line["input"]: (line["status"], line["error"] or "") for line in batch.lines}


def test_two_runs_of_the_same_batch_create_each_image_once(tmp_path: Path) -> None:
    files = make_images(tmp_path / "in", IMAGES)
    out = tmp_path / "out"
    with SimServer(SimConfig(api_key="k-cli-test-5f2c9a71e3", task_seconds=0.3, create_limit=0)) as sim:
        runs = [start_upscale(sim.base_url, "in", "--out", "out", cwd=tmp_path) for _ in range(2)]
        first, second = (finish(run) for run in runs)
        assert sim.wait_idle(20)
        stats = sim.stats
    for batch in (first, second):
        assert batch.returncode == 0, batch.explain()
        for given, (status, error) in _ends(batch).items():
            assert status in ("done", "skipped"), (given, status, error)
            if status == "skipped":  # the other run has it, or finished it already
                assert "another run" in error or "already done" in error, (given, error)
    assert [creates_of(stats, path) for path in files] == [1] * IMAGES
    done = [line for batch in (first, second) for line in batch.lines if line["status"] == "done"]
    assert sorted(Path(line["output"]).name for line in done) == sorted(f"{p.stem}_crisp.png" for p in files)
    assert numbered_duplicates(out) == [] and temp_leftovers(out) == []
