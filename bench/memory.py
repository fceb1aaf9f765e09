"""Peak memory (RSS) of the process that runs the engine, with the sim in another process.

Each figure comes from a fresh child process (so peaks never mix), each against its own sim process
(task latency 300 s and scale 1: tasks outlive every scenario, nothing is downloaded, the sim stays light).

- queued: 1,000 small images added to one engine; after the uploads most jobs wait on the create
  pacer (20 per 10 s) or poll. RSS after adding, and the peak over the run.
- engine uploads: 20 files at concurrency 10, until every job has uploaded and created its task:
  incompressible PNGs of ~1 MB and of ~10 MB, and camera-like JPEGs of ~10 MB (4096x3072, 12.6 MP,
  inside Recraft's limits). If nothing holds a whole file, the peak does not grow with the file size.
- to tell the parts apart: the same 10 MB files through `KieClient.upload_file` alone (10 at a time,
  no engine), and one local check (`images.check_file`) of one file.

Peaks are the kernel's high-water mark of the child's own memory (VmHWM in /proc/self/status).
`ru_maxrss` is not used: on Linux it is carried over fork+exec, so it would show the parent's RSS.

    .venv/bin/python bench/memory.py [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from _common import (
    PYTHON,
    SIM_KEY,
    SimProcess,
    isolate_app_dirs,
    mib,
    noisy_png,
    print_json_line,
    print_table,
    proc_status_kib,
    verdict,
    write_small_pngs,
)
from PIL import Image

SIM_LATENCY_S = 300.0
QUEUED_IMAGES = 1000
QUEUED_RUN_S = 45.0
UPLOAD_FILES = 20
UPLOAD_CONCURRENCY = 10
UPLOAD_TIMEOUT_S = 300.0
PNG_SIZES = {"png-1mb": 1_000_000, "png-10mb": 9_900_000}  # KIE's limit is 10 MiB (10,485,760 B)
JPEG_SET = "jpeg-10mb"
JPEG_SIDES = (4096, 3072)  # Recraft: sides <= 4096, <= 16 MP
GOAL_QUEUED_MIB = 150.0
GOAL_GROWTH_MIB = 10.0  # 10 MB files vs 1 MB files: less than one file's size more at the peak
CHILD_TIMEOUT_S = 900.0
CHILD_KINDS = ("queued", "engine", "upload-only", "check-one")


def peak_kib() -> int:
    """This process's own peak RSS. Not `ru_maxrss`: on Linux it survives fork+exec, so a child would
    report the parent's RSS at fork time (the parent holds the test images it just made)."""
    hwm = proc_status_kib("VmHWM")
    return hwm if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def rss_kib() -> int:
    return proc_status_kib("VmRSS")


# --- the children: one measurement each, in its own process ------------------------------------------------


async def child_queued(url: str, work: Path, count: int, run_s: float) -> dict[str, object]:
    from upscaler_gui.core.engine import open_engine
    from upscaler_gui.core.jobs import OutputOptions
    from upscaler_gui.core.sources import Source

    paths = sorted((work / "in").glob("*.png"))[:count]
    items = [Source("file", str(path), path=path) for path in paths]
    base = rss_kib()
    async with open_engine(
        api_key=SIM_KEY, api_base=url, upload_base=url, store_path=work / "jobs.sqlite3"
    ) as engine:
        start = time.monotonic()
        await engine.add(items, OutputOptions(folder=str(work / "out")))
        added_s = time.monotonic() - start
        after_add = rss_kib()
        await asyncio.sleep(max(0.0, run_s - added_s))
        states = Counter(str(job.state) for job in engine.jobs())
        end_rss = rss_kib()
    return {
        "images": len(items),
        "baseline_kib": base,
        "after_add_kib": after_add,
        "end_rss_kib": end_rss,
        "peak_kib": peak_kib(),
        "add_s": round(added_s, 2),
        "ran_s": run_s,
        "states_at_end": dict(states),
    }


async def child_engine(url: str, work: Path) -> dict[str, object]:
    from upscaler_gui.core.engine import EngineOptions, open_engine
    from upscaler_gui.core.jobs import JobState, OutputOptions
    from upscaler_gui.core.sources import Source

    paths = input_files(work)
    items = [Source("file", str(path), path=path) for path in paths]
    waiting = {JobState.QUEUED, JobState.UPLOADING, JobState.SUBMITTING, JobState.PAUSED}
    base = rss_kib()
    async with open_engine(
        api_key=SIM_KEY,
        api_base=url,
        upload_base=url,
        store_path=work / "jobs.sqlite3",
        options=EngineOptions(concurrency=UPLOAD_CONCURRENCY),
    ) as engine:
        start = time.monotonic()
        await engine.add(items, OutputOptions(folder=str(work / "out")))
        while time.monotonic() - start < UPLOAD_TIMEOUT_S:
            if not any(job.state in waiting for job in engine.jobs()):
                break
            await asyncio.sleep(0.1)
        took = time.monotonic() - start
        states = Counter(str(job.state) for job in engine.jobs())
    return {
        **file_facts(paths),
        "baseline_kib": base,
        "peak_kib": peak_kib(),
        "seconds": round(took, 2),
        "states_at_end": dict(states),
    }


async def child_upload_only(url: str, work: Path) -> dict[str, object]:
    from upscaler_gui.core.kie import open_kie_client

    paths = input_files(work)
    base = rss_kib()
    slots = asyncio.Semaphore(UPLOAD_CONCURRENCY)
    async with open_kie_client(api_key=SIM_KEY, api_base=url, upload_base=url) as client:

        async def upload(path: Path) -> None:
            async with slots:
                await client.upload_file(path, file_name=path.name)

        start = time.monotonic()
        await asyncio.gather(*(upload(path) for path in paths))
        took = time.monotonic() - start
    return {**file_facts(paths), "baseline_kib": base, "peak_kib": peak_kib(), "seconds": round(took, 2)}


def child_check_one(work: Path) -> dict[str, object]:
    from upscaler_gui.core import images

    path = input_files(work)[0]
    base = rss_kib()
    info = images.check_file(path)
    return {
        **file_facts([path]),
        "pixels": info.width * info.height,
        "baseline_kib": base,
        "peak_kib": peak_kib(),
    }


def input_files(work: Path) -> list[Path]:
    return sorted(p for p in (work / "in").iterdir() if p.suffix in (".png", ".jpg"))


def file_facts(paths: list[Path]) -> dict[str, object]:
    sizes = [path.stat().st_size for path in paths]
    return {"files": len(paths), "file_bytes": round(sum(sizes) / max(1, len(sizes)))}


def child_main(args: argparse.Namespace) -> int:
    work = Path(args.work)
    isolate_app_dirs(work / "app")
    # Everything the child may import is imported before the baseline, so the figures are the work's.
    import upscaler_gui.core.engine
    import upscaler_gui.core.images
    import upscaler_gui.core.kie  # noqa: F401

    if args.child == "queued":
        figures = asyncio.run(child_queued(args.url, work, args.count, args.run_s))
    elif args.child == "engine":
        figures = asyncio.run(child_engine(args.url, work))
    elif args.child == "upload-only":
        figures = asyncio.run(child_upload_only(args.url, work))
    else:
        figures = child_check_one(work)
    print(json.dumps(figures))
    return 0


# --- the parent: make the inputs, start the sims and the children, print -----------------------------------


def run_child(kind: str, work: Path, extra: list[str] | None = None) -> dict[str, object]:
    command = [PYTHON, __file__, "--child", kind, "--work", str(work), *(extra or [])]
    if kind == "check-one":  # no server needed
        done = subprocess.run(command, capture_output=True, text=True, timeout=CHILD_TIMEOUT_S, check=False)
    else:
        with SimProcess(SIM_LATENCY_S) as sim:
            sim.configure({"scale": 1})
            command += ["--url", sim.url]
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=CHILD_TIMEOUT_S, check=False
            )
    if done.returncode != 0:
        raise RuntimeError(f"{kind} child failed ({done.returncode}):\n{done.stderr[-3000:]}")
    figures: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def camera_like_jpeg() -> bytes:
    """A 4096x3072 JPEG of ~9.7 MB: fine noise keeps it from compressing (a different one each call)."""
    width, height = JPEG_SIDES
    noise = Image.effect_noise((width // 2, height // 2), 40).resize((width, height))
    image = Image.merge("RGB", (noise, noise.rotate(180), noise.transpose(Image.Transpose.FLIP_LEFT_RIGHT)))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


def make_inputs(folder: Path, name: str, count: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        if name == JPEG_SET:
            (folder / f"photo_{n:02d}.jpg").write_bytes(camera_like_jpeg())
        else:
            (folder / f"noise_{n:02d}.png").write_bytes(noisy_png(PNG_SIZES[name], seed=n))


def as_mib(figures: dict[str, object], name: str) -> float:
    value = figures[name]
    return mib(float(value)) if isinstance(value, int | float) else 0.0


def delta_mib(figures: dict[str, object]) -> float:
    return as_mib(figures, "peak_kib") - as_mib(figures, "baseline_kib")


def parent_main(args: argparse.Namespace) -> int:
    count = 200 if args.quick else QUEUED_IMAGES
    run_s = 15.0 if args.quick else QUEUED_RUN_S
    files = 6 if args.quick else UPLOAD_FILES
    results: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
        root = Path(tmp)
        work = root / "queued"
        print(f"making {count} small PNGs; then the engine runs {run_s:g} s ...", flush=True)
        write_small_pngs(work / "in", count)
        results["queued"] = run_child("queued", work, ["--count", str(count), "--run-s", str(run_s)])
        for name in (*PNG_SIZES, JPEG_SET):
            work = root / name
            print(f"{name}: making {files} files, then the measurements ...", flush=True)
            make_inputs(work / "in", name, files)
            results[f"engine:{name}"] = run_child("engine", work)
            if name != "png-1mb":
                results[f"upload-only:{name}"] = run_child("upload-only", work)
            results[f"check-one:{name}"] = run_child("check-one", work)
    report(results, count)
    return 0


def report(results: dict[str, dict[str, object]], count: int) -> None:
    queued = results["queued"]
    print_table(
        f"{count} queued images (sim latency {SIM_LATENCY_S:g} s; job states after {queued['ran_s']} s: "
        f"{queued['states_at_end']})",
        ["figure", "MiB"],
        [
            ["RSS with the engine's modules imported, before opening it", as_mib(queued, "baseline_kib")],
            [f"RSS right after adding {count} images ({queued['add_s']} s)", as_mib(queued, "after_add_kib")],
            ["RSS at the end of the run", as_mib(queued, "end_rss_kib")],
            ["peak RSS (VmHWM)", as_mib(queued, "peak_kib")],
        ],
    )
    rows = []
    for key, label in (
        ("engine:png-1mb", "engine, PNG ~1 MB"),
        ("engine:png-10mb", "engine, PNG ~10 MB"),
        ("engine:jpeg-10mb", "engine, JPEG ~10 MB 12.6 MP"),
        ("upload-only:png-10mb", "upload_file only, PNG ~10 MB"),
        ("upload-only:jpeg-10mb", "upload_file only, JPEG ~10 MB"),
    ):
        r = results[key]
        rows.append(
            [
                label,
                r["files"],
                int(r["file_bytes"]) / 1e6 if isinstance(r["file_bytes"], int) else 0.0,
                as_mib(r, "baseline_kib"),
                as_mib(r, "peak_kib"),
                delta_mib(r),
                r["seconds"],
                r.get("states_at_end", ""),
            ]
        )
    print_table(
        f"uploads at concurrency {UPLOAD_CONCURRENCY} (engine: until every task is created)",
        ["run", "files", "MB each", "baseline MiB", "peak MiB", "peak-base MiB", "s", "states"],
        rows,
    )
    print_table(
        "one local check, images.check_file (decodes every pixel), one file, fresh process",
        ["file", "MB", "pixels", "peak - baseline MiB"],
        [
            [
                name,
                int(r["file_bytes"]) / 1e6 if isinstance(r["file_bytes"], int) else 0.0,
                r["pixels"],
                delta_mib(r),
            ]
            for name in (*PNG_SIZES, JPEG_SET)
            for r in [results[f"check-one:{name}"]]
        ],
    )
    peak_queued = as_mib(queued, "peak_kib")
    small = as_mib(results["engine:png-1mb"], "peak_kib")
    growth_png = as_mib(results["engine:png-10mb"], "peak_kib") - small
    growth_jpeg = as_mib(results["engine:jpeg-10mb"], "peak_kib") - small
    goals = [
        (
            f"peak RSS, {count} queued images",
            f"{peak_queued:.1f} MiB",
            f"< {GOAL_QUEUED_MIB:g} MiB",
            peak_queued,
        ),
        (
            "peak growth, PNG 10 MB vs 1 MB",
            f"{growth_png:+.1f} MiB",
            f"< {GOAL_GROWTH_MIB:g} MiB",
            growth_png,
        ),
        (
            "peak growth, JPEG 10 MB vs PNG 1 MB",
            f"{growth_jpeg:+.1f} MiB",
            f"< {GOAL_GROWTH_MIB:g} MiB",
            growth_jpeg,
        ),
    ]
    oks = [peak_queued < GOAL_QUEUED_MIB, growth_png < GOAL_GROWTH_MIB, growth_jpeg < GOAL_GROWTH_MIB]
    print_table(
        "goals",
        ["figure", "value", "goal", "verdict"],
        [[name, value, goal, verdict(ok)] for (name, value, goal, _), ok in zip(goals, oks, strict=True)],
    )
    print_json_line(
        "memory",
        {
            "queued_images": count,
            "results": results,
            "peak_growth_mib": {
                "png_10mb_vs_1mb": round(growth_png, 1),
                "jpeg_10mb_vs_png_1mb": round(growth_jpeg, 1),
            },
            "goals_met": {
                "queued_under_150mib": oks[0],
                "no_growth_png": oks[1],
                "no_growth_jpeg": oks[2],
            },
        },
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="200 queued images for 15 s; 6 files per size")
    parser.add_argument("--child", choices=CHILD_KINDS, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, default=QUEUED_IMAGES, help=argparse.SUPPRESS)
    parser.add_argument("--run-s", type=float, default=QUEUED_RUN_S, help=argparse.SUPPRESS)
    args = parser.parse_args()
    return child_main(args) if args.child else parent_main(args)


if __name__ == "__main__":
    sys.exit(main())
