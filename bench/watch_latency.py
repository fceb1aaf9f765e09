"""Watch latency: from a file's last write to its job starting (the engine's job goes to "uploading").

For the inotify observer and the polling one (`--poll`), each on a fresh sim process on 127.0.0.1 and a
fresh data dir: N images are written into the watched folder one after the other (each in a few chunks,
as a program saving it would), and for each the time from the end of its last write to the engine
saying "uploading" is taken. Goal (issue 5): settle time + under 1 s.

    .venv/bin/python bench/watch_latency.py [--quick] [--files N] [--settle S] [--gap S]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import tempfile
import time
from pathlib import Path

from _common import (
    SIM_KEY,
    SimProcess,
    isolate_app_dirs,
    percentile,
    print_json_line,
    print_table,
    small_png,
    verdict,
)

from upscaler_gui.core.engine import EngineOptions, Limit, open_engine
from upscaler_gui.core.jobs import Job, JobState, OutputOptions
from upscaler_gui.core.watch import FolderWatcher, WatchOptions

GOAL_OVER_SETTLE_S = 1.0
CHUNKS = 4
WAIT_LIMIT_S = 120.0
FAST = Limit(500, 1.0)  # the sim's limits are off too: pacing is not what is measured here


def write_in_chunks(path: Path, data: bytes) -> float:
    """Write like a program saving a file; the monotonic time the last write ended."""
    step = len(data) // CHUNKS + 1
    with path.open("wb") as stream:
        for start in range(0, len(data), step):
            stream.write(data[start : start + step])
            stream.flush()
            time.sleep(0.02)
    return time.monotonic()


async def one_mode(poll: bool, files: int, settle_s: float, gap_s: float, work: Path) -> dict[str, object]:
    folder, out = work / f"in-{poll}", work / f"out-{poll}"
    folder.mkdir()
    started: dict[str, float] = {}
    all_started = asyncio.Event()

    def job_changed(job: Job) -> None:
        if job.state == JobState.UPLOADING and job.source_path and job.source_path not in started:
            started[job.source_path] = time.monotonic()
            if len(started) == files:
                all_started.set()

    with SimProcess(0.5) as sim:
        sim.configure({"create_limit": 0, "record_limit": 0})
        options = WatchOptions(folder, OutputOptions(str(out)), settle_s=settle_s, poll=poll, rescan_s=None)
        options = options.resolved()
        async with open_engine(
            api_key=SIM_KEY,
            api_base=sim.url,
            upload_base=sim.url,
            options=EngineOptions(owner=options.owner),
            create_limit=FAST,
            record_limit=FAST,
        ) as engine:
            engine.events.job_did_change.connect(job_changed)
            watcher = FolderWatcher(engine, options)
            await watcher.start()
            written: dict[str, float] = {}
            for n in range(files):
                path = options.folder / f"img_{n:03d}.png"
                written[str(path)] = await asyncio.to_thread(write_in_chunks, path, small_png(n))
                await asyncio.sleep(gap_s)
            with contextlib.suppress(TimeoutError):  # reported as fewer "started" than files
                await asyncio.wait_for(all_started.wait(), WAIT_LIMIT_S)
            await watcher.stop()
    latencies = [started[path] - at for path, at in written.items() if path in started]
    return summary("poll" if poll else "inotify", latencies, files, settle_s)


def summary(name: str, latencies: list[float], files: int, settle_s: float) -> dict[str, object]:
    if not latencies:
        return {"observer": name, "files": files, "started": 0}
    over = [value - settle_s for value in latencies]
    return {
        "observer": name,
        "files": files,
        "started": len(latencies),
        "settle_s": settle_s,
        "min_s": round(min(latencies), 3),
        "median_s": round(statistics.median(latencies), 3),
        "p95_s": round(percentile(latencies, 0.95), 3),
        "max_s": round(max(latencies), 3),
        "max_over_settle_s": round(max(over), 3),
        "goal_met": len(latencies) == files and max(over) < GOAL_OVER_SETTLE_S,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="5 files per observer")
    parser.add_argument("--files", type=int, default=None, help="files per observer (default 20)")
    parser.add_argument("--settle", type=float, default=2.0, help="settle time, s (default 2)")
    parser.add_argument("--gap", type=float, default=0.3, help="pause between two files, s (default 0.3)")
    args = parser.parse_args()
    files = args.files or (5 if args.quick else 20)
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-watch-latency-") as tmp:
        work = Path(tmp)
        isolate_app_dirs(work / "app")
        for poll in (False, True):
            results.append(asyncio.run(one_mode(poll, files, args.settle, args.gap, work)))
    rows = [
        [
            r["observer"],
            f"{r.get('started')}/{r['files']}",
            r.get("min_s", "-"),
            r.get("median_s", "-"),
            r.get("p95_s", "-"),
            r.get("max_s", "-"),
            r.get("max_over_settle_s", "-"),
            verdict(bool(r.get("goal_met"))),
        ]
        for r in results
    ]
    header = ["observer", "started", "min s", "median s", "p95 s", "max s", "max - settle", "goal"]
    print_table(f"last write -> job uploading (settle {args.settle:g} s; goal: settle + < 1 s)", header, rows)
    print_json_line("watch_latency", {"quick": args.quick, "settle_s": args.settle, "modes": results})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
