"""Start time of `upscaler-gui --version`, and what that path imports.

Runs `.venv/bin/upscaler-gui --version` and `python -m upscaler_gui --version` ~20 times each (after
two warm-up runs, so the disk cache is warm), next to a bare `python -c pass` for the interpreter's
own floor; prints the median and p90. Then both commands again with Python's import-time log
(`-X importtime`): no Qt (PySide6, shiboken6, qasync) and no httpx may be imported on that path; the
heaviest imports of `python -X importtime -m upscaler_gui --version` are listed.

    .venv/bin/python bench/startup.py [--quick] [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from _common import PYTHON, ROOT, percentile, print_json_line, print_table, verdict

GOAL_S = 0.15
WARMUP = 2
FORBIDDEN = ("PySide6", "shiboken6", "qasync", "httpx", "httpcore")
TOP = 12


def console_script() -> Path:
    return Path(PYTHON).parent / "upscaler-gui"


def time_runs(command: list[str], runs: int) -> list[float]:
    times = []
    for n in range(WARMUP + runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=ROOT, capture_output=True, check=True, timeout=60)
        if n >= WARMUP:
            times.append(time.perf_counter() - start)
    return times


@dataclass(frozen=True)
class Import:
    module: str
    self_us: int
    cumulative_us: int
    depth: int


def import_times(command: list[str]) -> list[Import]:
    """Every import `command` makes, from Python's import-time log (PYTHONPROFILEIMPORTTIME, on stderr)."""
    env = {**os.environ, "PYTHONPROFILEIMPORTTIME": "1"}
    done = subprocess.run(
        command,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        env=env,
    )
    found = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "[us]" in line:
            continue
        self_us, cumulative_us, name = (part.strip() for part in line.removeprefix("import time:").split("|"))
        depth = (len(name) - len(name.lstrip(" "))) // 2
        found.append(Import(name.strip(), int(self_us), int(cumulative_us), depth))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="5 runs each")
    parser.add_argument("--runs", type=int, default=20, help="runs of each command (default 20)")
    args = parser.parse_args()
    runs = 5 if args.quick else args.runs
    commands = {
        "upscaler-gui --version": [str(console_script()), "--version"],
        "python -m upscaler_gui --version": [PYTHON, "-m", "upscaler_gui", "--version"],
        "python -c pass (interpreter floor)": [PYTHON, "-c", "pass"],
    }
    timings = {name: time_runs(command, runs) for name, command in commands.items()}
    print_table(
        f"start time, {runs} runs each (s)",
        ["command", "median", "p90", "min", "max", "goal", "verdict"],
        [
            [
                name,
                f"{statistics.median(t):.3f}",
                f"{percentile(t, 0.9):.3f}",
                f"{min(t):.3f}",
                f"{max(t):.3f}",
                "" if "floor" in name else f"< {GOAL_S}",
                "" if "floor" in name else verdict(statistics.median(t) < GOAL_S),
            ]
            for name, t in timings.items()
        ],
    )
    imports = import_times([PYTHON, "-X", "importtime", "-m", "upscaler_gui", "--version"])
    script_imports = import_times(commands["upscaler-gui --version"])
    forbidden = sorted(
        {i.module for i in (*imports, *script_imports) if i.module.split(".")[0] in FORBIDDEN},
        key=lambda m: m.lower(),
    )
    total_us = sum(i.self_us for i in imports)
    ours = [i for i in imports if i.module.split(".")[0] == "upscaler_gui"]
    print_table(
        f"heaviest imports on `python -m upscaler_gui --version` ({len(imports)} modules, "
        f"{total_us / 1000:.1f} ms of import time in all)",
        ["module", "cumulative ms", "self ms"],
        [
            [("  " * i.depth) + i.module, i.cumulative_us / 1000, i.self_us / 1000]
            for i in sorted(imports, key=lambda i: i.cumulative_us, reverse=True)[:TOP]
        ],
    )
    print(f"  our own modules imported: {', '.join(i.module for i in ours) or 'none'}")
    print(
        f"  Qt / httpx modules imported (either command; looked for {', '.join(FORBIDDEN)}):"
        f" {', '.join(forbidden) or 'none'}  -> {verdict(not forbidden)}"
    )
    medians = {name: statistics.median(t) for name, t in timings.items()}
    print_json_line(
        "startup",
        {
            "runs": runs,
            "median_s": {name: round(v, 4) for name, v in medians.items()},
            "p90_s": {name: round(percentile(t, 0.9), 4) for name, t in timings.items()},
            "modules_imported": len(imports),
            "import_ms_total": round(total_us / 1000, 1),
            "forbidden_imported": forbidden,
            "goals_met": {
                "console_script_under_0.15s": medians["upscaler-gui --version"] < GOAL_S,
                "python_m_under_0.15s": medians["python -m upscaler_gui --version"] < GOAL_S,
                "no_qt_no_httpx": not forbidden,
            },
        },
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
