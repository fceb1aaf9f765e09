"""Where the time goes between `upscaler-gui upscale` starting and its first create (issue 13).

Runs the real command line (`python -m upscaler_gui upscale DIR --out ...`) in a fresh process
against the sim, a fresh job store each run, and stamps the first moment of each step on the way: the
interpreter ready, the app's modules imported, the engine open, add() called, the first file hashed
and admitted, checked, uploaded, the first create sent and answered, add() returned; then when the
10th and 20th creates left (20 is KIE's create window: all of them may go at once).

The child is this script with `--child`: it wraps the steps' functions (timing only) and then calls
the CLI's `main`, so the path is the user's own. The parent passes the moment just before it started
the child, so "interpreter ready" includes the process start.

    .venv/bin/python bench/first_create.py [--quick] [--runs N] [--images N]
"""

from __future__ import annotations

import time

CHILD_T0 = time.time()  # as early as a script can stamp

import argparse  # noqa: E402 - stamped before the imports on purpose
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

STEPS = [
    ("interpreter ready", "interpreter"),
    ("app modules imported", "imported"),
    ("command line parsed, inputs listed", "expand end"),
    ("job store open", "JobStore.__init__ end"),
    ("engine open (KIE clients, engine registered)", "Engine.start end"),
    ("add() called", "Engine.add start"),
    ("first file hashed", "draft_job end"),
    ("first job admitted (store)", "JobStore.admit end"),
    ("first local check done", "check_file end"),
    ("first upload sent", "KieClient.upload_file start"),
    ("first upload answered", "KieClient.upload_file end"),
    ("first create sent", "create sent"),
    ("first create answered (taskId)", "create answered"),
    ("add() returned", "Engine.add end"),
]


# --- the child: the real CLI, its steps stamped ------------------------------------------------------------


class Stamps:
    def __init__(self) -> None:
        self.first: dict[str, float] = {"interpreter": CHILD_T0}
        self.all: dict[str, list[float]] = {}

    def __call__(self, name: str) -> None:
        now = time.time()
        self.first.setdefault(name, now)
        self.all.setdefault(name, []).append(now)


def _wrap(owner: Any, attr: str, name: str, stamp: Stamps) -> None:
    original = getattr(owner, attr)
    if asyncio_iscoroutinefunction(original):

        async def stamped_async(*args: Any, **kwargs: Any) -> Any:
            stamp(f"{name} start")
            try:
                return await original(*args, **kwargs)
            finally:
                stamp(f"{name} end")

        setattr(owner, attr, stamped_async)
        return

    def stamped(*args: Any, **kwargs: Any) -> Any:
        stamp(f"{name} start")
        try:
            return original(*args, **kwargs)
        finally:
            stamp(f"{name} end")

    setattr(owner, attr, stamped)


def asyncio_iscoroutinefunction(fn: Callable[..., Any]) -> bool:
    import inspect

    return inspect.iscoroutinefunction(fn)


def child(out_file: Path, argv: list[str]) -> int:
    from upscaler_gui import cli
    from upscaler_gui.commands import upscale
    from upscaler_gui.core import images
    from upscaler_gui.core.engine import create, engine
    from upscaler_gui.core.kie.client import KieClient
    from upscaler_gui.core.store import JobStore

    stamp = Stamps()
    stamp("imported")
    _wrap(upscale, "expand", "expand", stamp)
    _wrap(JobStore, "__init__", "JobStore.__init__", stamp)
    _wrap(engine.Engine, "start", "Engine.start", stamp)
    _wrap(engine.Engine, "add", "Engine.add", stamp)
    _wrap(engine, "draft_job", "draft_job", stamp)
    _wrap(JobStore, "admit", "JobStore.admit", stamp)
    _wrap(images, "check_file", "check_file", stamp)
    _wrap(KieClient, "upload_file", "KieClient.upload_file", stamp)
    on_the_wire = create.CreateStage._on_the_wire

    async def sent(self: Any, job: Any, send: Any, recorded: Any) -> str:
        async def stamped_send() -> str:
            stamp("create sent")
            task_id: str = await send()
            stamp("create answered")
            return task_id

        return await on_the_wire(self, job, stamped_send, recorded)

    create.CreateStage._on_the_wire = sent  # type: ignore[method-assign]
    try:
        code = cli.main(argv)
    finally:
        out_file.write_text(json.dumps({"first": stamp.first, "all": stamp.all}))
    return code


# --- the parent ------------------------------------------------------------------------------------------


def one_run(work: Path, url: str, count: int, n: int) -> dict[str, Any]:
    import subprocess

    from _common import PYTHON, ROOT, SIM_KEY

    out_file = work / f"stamps-{n}.json"
    command = [PYTHON, str(Path(__file__).resolve()), "--child", str(out_file), "--"]
    command += ["upscale", str(work / "in"), "--out", str(work / f"out-{n}")]
    command += ["--data-dir", str(work / f"data-{n}"), "--api-base", url, "--upload-base", url]
    env = {**os.environ, "KIE_API_KEY": SIM_KEY}
    started = time.time()
    done = subprocess.run(
        command, check=False, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    if done.returncode != 0:
        print(done.stderr[-2000:], file=sys.stderr)
    stamps: dict[str, Any] = json.loads(out_file.read_text())
    first = {name: at - started for name, at in stamps["first"].items()}
    sent = sorted(at - started for at in stamps["all"].get("create sent", []))
    for nth in (10, 20):
        if len(sent) >= nth:
            first[f"create #{nth} sent"] = sent[nth - 1]
    first["creates"] = len(sent)
    first["images"] = count
    return first


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="3 runs")
    parser.add_argument("--runs", type=int, default=None, help="runs (default 7)")
    parser.add_argument("--images", type=int, default=20, help="images per run (default 20)")
    parser.add_argument("--child", metavar="FILE", help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args()
    if args.child:
        return child(Path(args.child), [a for a in rest if a != "--"])

    import statistics
    import tempfile

    from _common import SimProcess, isolate_app_dirs, print_json_line, print_table, write_small_pngs

    runs = args.runs or (3 if args.quick else 7)
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-first-create-") as tmp:
        work = Path(tmp)
        isolate_app_dirs(work / "app")
        write_small_pngs(work / "in", args.images)
        for n in range(runs + 1):  # the first run warms the disk cache; not counted
            with SimProcess(0.3) as sim:  # its own create window: runs do not limit each other
                result = one_run(work, sim.url, args.images, n)
            if n:
                results.append(result)
    rows, figures = [], {}
    steps = [*STEPS, ("10th create sent", "create #10 sent"), ("20th create sent", "create #20 sent")]
    for label, key in steps:
        values = [r[key] for r in results if key in r]
        if not values:
            continue
        figures[key] = round(statistics.median(values), 4)
        rows.append([label, statistics.median(values) * 1000, min(values) * 1000, max(values) * 1000])
    print_table(
        f"from process start to the creates: {args.images} images, {runs} runs (ms after the start)",
        ["step (first time it happened)", "median ms", "min", "max"],
        rows,
    )
    print_json_line("first_create", {"images": args.images, "runs": runs, "median_s": figures})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
