"""Stop means stop (issue 9): seconds from SIGTERM / Ctrl+C to the command's exit, and creates sent after it.

A batch of 26 images against the sim at KIE's default limits (20 creates per 10 s): 20 creates go at
once and 6 wait for the pacer. The signal comes while they wait (nothing on the wire); a second case
signals during a long Retry-After (every create answered 429 with Retry-After: 30). Before the fix the
first case sent all 6 waiting creates and took ~10 s; the second waited out the Retry-After.

    .venv/bin/python bench/stop_latency.py [--quick]
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from _common import (
    PYTHON,
    SIM_KEY,
    SimProcess,
    isolate_app_dirs,
    print_json_line,
    print_table,
    stat_int,
    verdict,
    write_small_pngs,
)

IMAGES = 26
GOAL_S = 2.0


def _start(base: Path, url: str) -> subprocess.Popen[bytes]:
    command = [PYTHON, "-m", "upscaler_gui", "upscale", "in", "--out", "out", "--data-dir", "data"]
    command += ["--api-base", url, "--upload-base", url]
    env = {**os.environ, "KIE_API_KEY": SIM_KEY}
    return subprocess.Popen(command, cwd=base, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _wait(condition: object, limit_s: float = 60.0) -> None:
    deadline = time.monotonic() + limit_s
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise TimeoutError("the moment to signal never came")
        time.sleep(0.02)


def one_run(signum: int, *, retry_after: bool) -> tuple[float, int]:
    """(seconds from the signal to the exit, creates the sim counted after the signal)."""
    with tempfile.TemporaryDirectory() as tmp, SimProcess(latency_s=30.0) as sim:
        base = Path(tmp)
        isolate_app_dirs(base / "app")
        write_small_pngs(base / "in", IMAGES)
        if retry_after:
            sim.configure({"faults": {"rate_429": 1.0, "retry_after_s": 30, "endpoints": ["create"]}})
        process = _start(base, sim.url)
        if retry_after:
            _wait(lambda: stat_int(sim.stats(), "rate_limited_by_fault") >= 1)
        else:
            _wait(lambda: stat_int(sim.stats(), "creates") >= 20)
        time.sleep(0.8)  # nothing on the wire: the waiting creates wait for the pacer or the Retry-After
        before = stat_int(sim.stats(), "creates")
        signalled = time.monotonic()
        process.send_signal(signum)
        process.wait(timeout=120)
        took = time.monotonic() - signalled
        time.sleep(0.5)
        return took, stat_int(sim.stats(), "creates") - before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="one run per case instead of three")
    runs = 1 if parser.parse_args().quick else 3
    rows, figures = [], {}
    for name, signum, retry_after in (
        ("SIGTERM while creates wait for the pacer", signal.SIGTERM, False),
        ("Ctrl+C (SIGINT) while creates wait for the pacer", signal.SIGINT, False),
        ("SIGTERM during a Retry-After of 30 s", signal.SIGTERM, True),
    ):
        results = [one_run(signum, retry_after=retry_after) for _ in range(runs)]
        seconds = [took for took, _ in results]
        after = max(sent for _, sent in results)
        worst = max(seconds)
        rows.append(
            [
                name,
                f"{statistics.median(seconds):.2f}",
                f"{worst:.2f}",
                after,
                verdict(worst < GOAL_S and after == 0),
            ]
        )
        figures[name] = {
            "median_s": round(statistics.median(seconds), 3),
            "max_s": round(worst, 3),
            "creates_after": after,
        }
    print_table(
        f"stop latency ({runs} run(s) each; goal: exit < {GOAL_S:.0f} s, 0 creates after the signal)",
        ["case", "median s", "max s", "creates after", "goal"],
        rows,
    )
    print_json_line("stop_latency", figures)


if __name__ == "__main__":
    main()
