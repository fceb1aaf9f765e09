"""A hostile KIE-compatible server, as a user of `upscaler-gui upscale` sees it: a clear line, an exit
code, the task id to look up, nothing half-written, and never a second (billed) task."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.core.cli_helpers import (
    EXIT_FAILED,
    TEMP_NAME,
    SimProcess,
    creates_of,
    in_parallel,
    make_images,
    run_upscale,
)

pytestmark = pytest.mark.integration  # the command line in a subprocess against the sim


def hostile_run(root: Path, faults: dict[str, object]) -> tuple[dict[str, object], str, int, int]:
    """One image through a sim with `faults`: its --json line, stderr, the exit code, creates of it."""
    (image,) = make_images(root / "in", 1)
    with SimProcess(latency=0.2) as sim:
        sim.configure({"faults": faults})
        batch = run_upscale(sim.base_url, "in", "--out", "out", cwd=root)
        creates = creates_of(sim.settled_stats(), image)
    (line,) = batch.lines
    return line, batch.stderr, batch.returncode, creates


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[dict[str, object], str, int, int]]:
    scenarios = {"huge": {"result_body": "huge"}, "mismatch": {"param_mismatch": True}}
    roots = {name: tmp_path_factory.mktemp(name) for name in scenarios}
    results = in_parallel(*(lambda n=name: hostile_run(roots[n], scenarios[n]) for name in scenarios))
    for name, root in roots.items():
        out = root / "out"
        leftovers = [p.name for p in out.iterdir()] if out.exists() else []
        assert leftovers == [], (name, leftovers)  # nothing half-written, nothing under a final name
        assert not any(TEMP_NAME.match(n) for n in leftovers)
    return dict(zip(scenarios, results, strict=True))


def test_a_result_over_200_mb_fails_with_the_reason_and_its_task(
    runs: dict[str, tuple[dict[str, object], str, int, int]],
) -> None:
    line, stderr, code, creates = runs["huge"]
    assert line["status"] == "failed" and code == EXIT_FAILED
    assert "too large (300 MB; at most 200 MB" in str(line["error"]), line
    assert line["task_id"] and creates == 1
    assert "too large" in stderr


def test_a_record_for_another_image_fails_naming_the_task_never_done(
    runs: dict[str, tuple[dict[str, object], str, int, int]],
) -> None:
    line, stderr, code, creates = runs["mismatch"]
    assert line["status"] == "failed" and code == EXIT_FAILED
    assert line["task_id"] and str(line["task_id"]) in str(line["error"]), line
    assert "another image" in str(line["error"]) and "kie.ai" in str(line["error"])
    assert line["output"] is None and creates == 1
    assert "Traceback" not in stderr
