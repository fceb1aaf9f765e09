"""A repaint of the queue beside workers that keep the CPUs busy, at the workers' two priorities.

During a batch the window's workers (upload preparation, result checks, thumbnails, compare copies)
run mostly in C beside the GIL, and several at once. On a two-core machine the Qt thread then queues
for a CPU behind them. The app runs them at `BACKGROUND_NICE` (ui/shell/background.py); this shows
what that buys. Each case runs in its own process: the real queue view (offscreen) with 200 running
rows, N workers, and the Qt thread sleeping 5 ms (waiting for its next event) then repainting, timed
from the moment it was due to wake to the paint's end; so a wait for a CPU counts, as the UI bench's
lag does.

Workers: `c` compresses 4 MB with zlib in a loop (the GIL released, as image decoders do); `mixed` adds a
stretch of pure Python after each (the GIL held, as the engine's own code does). "outside" adds one
process spinning at nice 0 beside the app (another program on the user's machine).

    .venv/bin/python bench/worker_priority.py [--repaints N] [--workers N]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
import zlib

from _common import PYTHON, ROOT, machine, percentile, print_json_line, print_table
from _queue_scene import running_queue

ROWS = 200
WAKE_S = 0.005


def child(kind: str, workers: int, background: bool, repaints: int) -> dict[str, float]:
    _app, view = running_queue(ROWS)
    from upscaler_gui.ui.shell.background import lower_this_thread
    from upscaler_gui.ui.shell.event_loop import GIL_SWITCH_S

    sys.setswitchinterval(GIL_SWITCH_S)  # as the window's loop sets it
    stop = threading.Event()
    data = os.urandom(1 << 20) + bytes(3 << 20)  # compresses like a photo's mix of noise and flat areas

    def work() -> None:
        if background:
            lower_this_thread()
        while not stop.is_set():
            zlib.compress(data, 6)
            if kind == "mixed":
                total = 0
                for i in range(200_000):
                    total += i * i

    threads = [threading.Thread(target=work, daemon=True) for _ in range(workers)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    for _ in range(3):  # the first paints make PySide's enum classes (ui/window/warm_up.py)
        view.viewport().repaint()
    took = []
    for _ in range(repaints):
        due = time.perf_counter() + WAKE_S
        time.sleep(WAKE_S)
        view.viewport().repaint()
        took.append((time.perf_counter() - due) * 1000)
    stop.set()
    return {
        "median_ms": round(percentile(took, 0.5), 1),
        "p90_ms": round(percentile(took, 0.9), 1),
        "max_ms": round(max(took), 1),
    }


def run_child(kind: str, workers: int, background: bool, outside: bool, repaints: int) -> dict[str, float]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    command = [
        PYTHON,
        __file__,
        "--child",
        kind,
        str(workers),
        str(int(background)),
        "--repaints",
        str(repaints),
    ]
    spinner = subprocess.Popen([PYTHON, "-c", "while True: pass"]) if outside else None
    try:
        out = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=300
        )
    finally:
        if spinner is not None:
            spinner.kill()
            spinner.wait(timeout=10)
    figures: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repaints", type=int, default=150)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, workers, background = args.child
        print(json.dumps(child(kind, int(workers), background == "1", args.repaints)))
        return 0
    cases = [("none", 0, False, False)]
    for kind, outside in (("c", False), ("mixed", False), ("mixed", True)):
        cases += [(kind, args.workers, background, outside) for background in (False, True)]
    runs = [(case, run_child(*case, args.repaints)) for case in cases]
    print_table(
        f"Queue repaint ({ROWS} running rows) after a {WAKE_S * 1000:g} ms sleep, {args.repaints} times,"
        f" on {os.cpu_count()} CPUs: ms from the due wake to the paint's end",
        ["workers", "their priority", "outside spinner", "median", "p90", "max"],
        [
            [
                f"{workers} {kind}" if workers else "none",
                ("background" if background else "the window's") if workers else "-",
                "yes" if outside else "no",
                r["median_ms"],
                r["p90_ms"],
                r["max_ms"],
            ]
            for (kind, workers, background, outside), r in runs
        ],
    )
    print_json_line(
        "worker_priority",
        {
            "machine": machine(),
            "runs": [
                {"kind": k, "workers": w, "background": b, "outside": o, **r} for (k, w, b, o), r in runs
            ],
        },
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
