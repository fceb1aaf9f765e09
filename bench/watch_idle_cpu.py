"""Watch idle cost: the process's CPU time (user + sys, every thread) while watching a quiet folder.

A folder of N files (default 10,000) is watched with the inotify observer, then with the polling one
(`--poll`, which stats every file each second: it costs more, by design). Each mode starts on a fresh
data dir (a first watch: the files are recorded as existing), settles for a moment, then nothing
happens for the measured period. Also shown: the start-up time (scan + ledger rows), a restart (the
ledger read back + a scan), and the CPU of one full rescan (the default runs one a minute).
Goal (issue 5): idle CPU about zero.

    .venv/bin/python bench/watch_idle_cpu.py [--quick] [--files N] [--seconds S]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from pathlib import Path

from _common import SIM_KEY, SimProcess, isolate_app_dirs, print_json_line, print_table, verdict

from upscaler_gui.core.engine import EngineOptions, open_engine
from upscaler_gui.core.jobs import OutputOptions
from upscaler_gui.core.watch import FolderWatcher, WatchOptions

GOAL_CPU_SHARE = 0.01  # "about zero": under 1% of one core
WARM_UP_S = 2.0


def cpu_s() -> float:
    times = os.times()
    return times.user + times.system


def make_folder(folder: Path, count: int) -> None:
    folder.mkdir(parents=True)
    for n in range(count):
        (folder / f"photo_{n:05d}.jpg").write_bytes(b"\xff\xd8\xff" + n.to_bytes(4, "big"))


async def start_and_idle(sim_url: str, options: WatchOptions, idle_s: float) -> dict[str, float]:
    async with open_engine(
        api_key=SIM_KEY, api_base=sim_url, upload_base=sim_url, options=EngineOptions(owner=options.owner)
    ) as engine:
        watcher = FolderWatcher(engine, options)
        began = time.perf_counter()
        await watcher.start()
        start_s = time.perf_counter() - began
        await asyncio.sleep(WARM_UP_S)
        cpu0, wall0 = cpu_s(), time.perf_counter()
        await asyncio.sleep(idle_s)
        idle_cpu, wall = cpu_s() - cpu0, time.perf_counter() - wall0
        cpu0 = cpu_s()
        found = await watcher.rescan()
        rescan_cpu = cpu_s() - cpu0
        await watcher.stop()
    assert found == 0, f"a quiet folder had {found} new files"
    return {"start_s": start_s, "idle_cpu_s": idle_cpu, "wall_s": wall, "rescan_cpu_s": rescan_cpu}


async def one_mode(poll: bool, work: Path, count: int, idle_s: float, sim_url: str) -> dict[str, object]:
    name = "poll" if poll else "inotify"
    isolate_app_dirs(work / f"app-{name}")  # a fresh data dir: the first start records the files
    options = WatchOptions(
        work / "photos", OutputOptions(str(work / f"out-{name}")), poll=poll, rescan_s=60.0
    ).resolved()
    first = await start_and_idle(sim_url, options, idle_s)
    restart = await start_and_idle(sim_url, options, min(idle_s, 5.0))
    share = first["idle_cpu_s"] / first["wall_s"]
    return {
        "observer": name,
        "files": count,
        "first_start_s": round(first["start_s"], 3),
        "restart_s": round(restart["start_s"], 3),
        "idle_s": round(first["wall_s"], 1),
        "idle_cpu_s": round(first["idle_cpu_s"], 3),
        "idle_cpu_share": round(share, 4),
        "rescan_cpu_s": round(first["rescan_cpu_s"], 3),
        "goal_met": share < GOAL_CPU_SHARE,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="10 s of idling per observer")
    parser.add_argument("--files", type=int, default=10_000, help="files in the folder (default 10000)")
    parser.add_argument("--seconds", type=float, default=None, help="idle seconds measured (default 30)")
    args = parser.parse_args()
    idle_s = args.seconds or (10.0 if args.quick else 30.0)
    with tempfile.TemporaryDirectory(prefix="bench-watch-idle-") as tmp:
        work = Path(tmp)
        make_folder(work / "photos", args.files)
        with SimProcess(1.0) as sim:  # the sim has its own process: its CPU is not counted
            results = [
                asyncio.run(one_mode(poll, work, args.files, idle_s, sim.url)) for poll in (False, True)
            ]
    rows = [
        [
            r["observer"],
            r["files"],
            r["first_start_s"],
            r["restart_s"],
            r["idle_cpu_s"],
            f"{100 * float(r['idle_cpu_share']):.2f}%",  # type: ignore[arg-type]
            r["rescan_cpu_s"],
            verdict(bool(r["goal_met"])),
        ]
        for r in results
    ]
    header = ["observer", "files", "start s", "restart s", "idle CPU s", "of a core", "rescan CPU s", "goal"]
    print_table(f"watching a quiet folder for {idle_s:g} s (goal: idle CPU about zero, < 1%)", header, rows)
    print_json_line("watch_idle_cpu", {"quick": args.quick, "idle_s": idle_s, "modes": results})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
