"""A repaint of the queue beside busy Python threads, at several GIL switch intervals.

The window's Qt thread hands the GIL back on every call into Qt (PySide releases it around C++), and to
get it back it waits until the holder drops it: up to `sys.getswitchinterval()`. With workers running
Python (thumbnails, result checks, the job store), one paint waits that long many times over. Each
interval runs in its own process: the real queue view (offscreen) with 200 running rows, two threads
spinning in Python, and 30 full repaints timed; first once with no busy thread, for the floor. The app's
loop sets `GIL_SWITCH_S` (ui/shell/event_loop.py).

    .venv/bin/python bench/gil_paint.py [--repaints N]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time

from _common import PYTHON, ROOT, machine, percentile, print_json_line, print_table
from _queue_scene import running_queue

INTERVALS_S = (0.005, 0.002, 0.001, 0.0005)  # Python's default first
BUSY_THREADS = 2
ROWS = 200


def child(interval_s: float, busy_threads: int, repaints: int) -> dict[str, float]:
    sys.setswitchinterval(interval_s)
    _app, view = running_queue(ROWS)
    stop = threading.Event()

    def spin() -> None:
        total = 0
        while not stop.is_set():
            for i in range(1000):
                total += i * i

    threads = [threading.Thread(target=spin, daemon=True) for _ in range(busy_threads)]
    for thread in threads:
        thread.start()
    took = []
    for _ in range(repaints):
        start = time.perf_counter()
        view.viewport().repaint()
        took.append((time.perf_counter() - start) * 1000)
    stop.set()
    return {"median_ms": round(percentile(took, 0.5), 1), "max_ms": round(max(took), 1)}


def run_child(interval_s: float, busy_threads: int, repaints: int) -> dict[str, float]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    command = [PYTHON, __file__, "--child", str(interval_s), str(busy_threads), "--repaints", str(repaints)]
    out = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=300)
    figures: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repaints", type=int, default=30)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(float(args.child[0]), int(args.child[1]), args.repaints)))
        return 0
    runs = [("none", INTERVALS_S[0], run_child(INTERVALS_S[0], 0, args.repaints))]
    runs += [(str(BUSY_THREADS), s, run_child(s, BUSY_THREADS, args.repaints)) for s in INTERVALS_S]
    print_table(
        f"A full repaint of the queue ({ROWS} running rows), {args.repaints} times",
        ["busy threads", "switch interval", "median", "max"],
        [[busy, f"{s * 1000:g} ms", f"{r['median_ms']} ms", f"{r['max_ms']} ms"] for busy, s, r in runs],
    )
    print_json_line(
        "gil_paint",
        {"machine": machine(), "runs": [{"busy": b, "switch_s": s, **r} for b, s, r in runs]},
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
