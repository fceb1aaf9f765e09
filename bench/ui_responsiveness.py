"""UI responsiveness: the real window, offscreen, driven the way a user drives it (issue 4, item 9).

Every scenario runs in a fresh child process (figures never mix), against its own sim process on
127.0.0.1. The sim does KIE's work (it really upscales), which on a user's machine happens on KIE's
servers: all its threads run at nice 19, so it only gets the CPU time the app leaves.

1. lag: 200 images (16 near 10 MB: 8 incompressible PNGs, 8 camera-like 12.6 MP JPEGs; the rest small)
   dropped onto the main window in one QDropEvent, through the sim to the end (sim latency 1.5 s, scale
   2 as in the demo). A 5 ms precise QTimer on the Qt thread samples the event-loop lag (actual interval
   - 5 ms) from the drop until every job has finished. First with raised limits (the sim and the
   window's engine allow 200 creates per 10 s and 100 recordInfo per s, so the batch flows at full
   speed; the engine is told through the one `open_engine` name in `core.engine`), then with
   KIE's default limits and a drop of the folder instead.
2. memory: 1,000 small images of varied sizes dropped as one folder; the view is paged through from the
   first row to the last so that every thumbnail is asked for; VmRSS and VmHWM once all are loaded. The
   sim's tasks take 300 s: every job stays in the queue (waiting on the create pacer, or polling).
3. startup: `python -m upscaler_gui --demo` offscreen, from just before the process starts to the time
   stamp of its "window shown" log line (median of 5, after a warm-up run); then SIGTERM, and a check
   that neither it nor any child of it is left.

Where the worst stalls come from (lag runs):
- each 5 ms sample also reads the Qt thread's scheduler counters (/proc/thread-self/schedstat): of each
  interval, how long the thread ran, waited for a CPU (runnable), or slept outside its event loop (on
  the GIL held by another thread, or on I/O);
- the parent, which needs nothing from the child (not its GIL), reads the child's
  /proc/PID/task/TID/{stat,wchan} every 2 ms: the kernel function the Qt thread sleeps in, and which of
  the child's threads run meanwhile. perf_counter is CLOCK_MONOTONIC, so both sides share one clock;
- in the child: asyncio callbacks over 5 ms with their coroutine, cyclic GC passes, engine events and
  the window's time on each, and a watchdog thread that takes the Qt thread's Python stack while it has
  not ticked for 10 ms (`--no-attribution` turns these off, to see what they cost);
- `--py-spy DIR` runs each lag child under `py-spy record --gil --threads`: which thread held the GIL,
  and where.

Experiments (they change nothing in the app; they show what a proposed fix would do): `--gc-freeze`
calls gc.freeze() once the window is up (the app itself does since issue 11, 1.5 s after its start).

    .venv/bin/python bench/ui_responsiveness.py [--quick] [--only lag|memory|startup]
        [--raised-only | --default-only]

Linux: the scheduler counters and /proc readings read 0 or nothing elsewhere.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import contextlib
import faulthandler
import functools
import gc
import io
import itertools
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, NamedTuple

from _common import (
    PYTHON,
    ROOT,
    SIM_KEY,
    SimProcess,
    isolate_app_dirs,
    mib,
    noisy_png,
    percentile,
    print_json_line,
    print_table,
    proc_status_kib,
    small_png,
    verdict,
)
from PIL import Image

if TYPE_CHECKING:
    from PySide6.QtCore import QMimeData
    from PySide6.QtWidgets import QWidget

    from upscaler_gui.core.jobs import Job
    from upscaler_gui.ui.bridge.controller import EngineController
    from upscaler_gui.ui.window.main_window import MainWindow

BENCH = "ui_responsiveness"
TICK_MS = 5
GOAL_P99_MS = 16.0
GOAL_MAX_MS = 50.0
GOAL_RSS_MIB = 400.0
GOAL_SHOWN_S = 1.5

LAG_IMAGES, LAG_BIG_PNG, LAG_BIG_JPEG = 200, 8, 8
QUICK_IMAGES, QUICK_BIG_PNG, QUICK_BIG_JPEG = 40, 2, 2
BIG_PNG_BYTES = 9_900_000  # KIE's limit is 10 MiB (10,485,760 bytes)
JPEG_SIDES = (4096, 3072)  # 12.6 MP: inside Recraft's 16 MP and 4096 px a side
LAG_LATENCY_S = 1.5
RAISED = {"create": 200, "create_window_s": 10.0, "record": 100, "record_window_s": 1.0}
DEFAULT = {"create": 20, "create_window_s": 10.0, "record": 10, "record_window_s": 1.0}
MEMORY_ROWS, QUICK_MEMORY_ROWS = 1000, 200
MEMORY_LATENCY_S = 300.0
STARTUP_RUNS, QUICK_STARTUP_RUNS = 5, 2
SIM_NICE = 19

SLOW_CALLBACK_S = 0.005  # asyncio callbacks longer than this are logged
WATCH_PERIOD_S = 0.002
WATCH_STALLED_S = 0.010  # the watchdog takes a stack when the Qt thread has not ticked for this long
WATCH_MAX_STACKS = 50_000
PROC_PERIOD_S = 0.002
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
PROC_MAX_SAMPLES = 1_000_000
IDLE_WCHANS = ("poll", "select", "epoll")  # the Qt thread asleep in its event loop: nothing to do
TOP_STALLS = 10

LAG_TIMEOUT_S = {"raised": 600.0, "default": 900.0}
ROWS_TIMEOUT_S = 300.0
THUMBS_TIMEOUT_S = 180.0
CHILD_SLACK_S = 240.0
STARTUP_TIMEOUT_S = 30.0
TERM_TIMEOUT_S = 10.0
MAX_SCROLL_STEPS = 10_000


# --- inputs (made by the parent, before any child starts) ---------------------------------------------------


def camera_like_jpeg(seed: int) -> bytes:
    """A 4096x3072 JPEG of ~9.7 MB: fine noise keeps it from compressing."""
    random.seed(seed)  # effect_noise draws from C rand; this only varies the sigma below
    width, height = JPEG_SIDES
    noise = Image.effect_noise((width // 2, height // 2), 40 + seed % 5).resize((width, height))
    image = Image.merge("RGB", (noise, noise.rotate(180), noise.transpose(Image.Transpose.FLIP_LEFT_RIGHT)))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


def varied_image(seed: int) -> tuple[bytes, str]:
    """A small photo-like image (blurred noise), 64 to 1280 px a side; PNG and JPEG in turn."""
    rng = random.Random(seed)
    width, height = rng.randint(64, 1280), rng.randint(64, 1280)
    planes = [Image.effect_noise((max(1, width // 16), max(1, height // 16)), 60 + n * 20) for n in range(3)]
    image = Image.merge("RGB", [p.resize((width, height), Image.Resampling.BILINEAR) for p in planes])
    buffer = io.BytesIO()
    if seed % 2:
        image.save(buffer, "JPEG", quality=85)
        return buffer.getvalue(), "jpg"
    image.save(buffer, "PNG")
    return buffer.getvalue(), "png"


def make_batch(folder: Path, count: int, big_png: int, big_jpeg: int) -> list[Path]:
    """`count` distinct images: `big_png` + `big_jpeg` near 10 MB spread through the list, the rest small."""
    folder.mkdir(parents=True, exist_ok=True)
    every = max(1, count // max(1, big_png + big_jpeg))
    paths: list[Path] = []
    made_big = 0
    for n in range(count):
        if n % every == 0 and made_big < big_png + big_jpeg:
            if made_big < big_png:
                path, data = folder / f"b{n:04d}_noise.png", noisy_png(BIG_PNG_BYTES, seed=n)
            else:
                path, data = folder / f"b{n:04d}_photo.jpg", camera_like_jpeg(n)
            made_big += 1
        else:
            path, data = folder / f"s{n:04d}.png", small_png(10_000 + n, (96 + n % 7 * 40, 64 + n % 5 * 30))
        path.write_bytes(data)
        paths.append(path)
    return paths


def make_varied(folder: Path, count: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        data, ext = varied_image(n)
        (folder / f"v{n:04d}.{ext}").write_bytes(data)


# --- instruments on the Qt thread (in the child) ------------------------------------------------------------


class LagProbe:
    """A 5 ms precise QTimer on the Qt thread; each firing notes its time and the thread's scheduler
    counters: nanoseconds on a CPU, nanoseconds runnable but waiting for one (/proc schedstat)."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.ticks: list[float] = []
        self.on_cpu_ns: list[int] = []
        self.waiting_ns: list[int] = []
        self.last = time.perf_counter()
        try:  # opened on the Qt thread, so the file stays that thread's
            self._fd = os.open("/proc/thread-self/schedstat", os.O_RDONLY)
        except OSError:
            self._fd = -1
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self._tick()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def _tick(self) -> None:
        now = time.perf_counter()
        on_cpu, waiting = self._schedstat()
        self.ticks.append(now)
        self.on_cpu_ns.append(on_cpu)
        self.waiting_ns.append(waiting)
        self.last = now

    def _schedstat(self) -> tuple[int, int]:
        if self._fd < 0:
            return 0, 0
        fields = os.pread(self._fd, 96, 0).split()
        return int(fields[0]), int(fields[1])

    def lags_ms(self) -> list[float]:
        """Per sample: the interval since the previous firing minus 5 ms (an early firing counts 0)."""
        return [max(0.0, (b - a) * 1000 - TICK_MS) for a, b in zip(self.ticks, self.ticks[1:], strict=False)]

    def split_ms(self, i: int) -> tuple[float, float, float]:
        """Of interval i: ms the Qt thread ran, waited for a CPU, and slept (the rest)."""
        span = (self.ticks[i + 1] - self.ticks[i]) * 1000
        on_cpu = (self.on_cpu_ns[i + 1] - self.on_cpu_ns[i]) / 1e6
        waiting = (self.waiting_ns[i + 1] - self.waiting_ns[i]) / 1e6
        return on_cpu, waiting, max(0.0, span - on_cpu - waiting)


@dataclass
class SlowCallback:
    start: float
    seconds: float
    what: str


class SlowCallbacks:
    """Every asyncio callback (a task step, a socket callback) over 5 ms on the Qt thread.

    qasync runs each callback through `asyncio.Handle._run`; the wrapper adds two clock reads."""

    def __init__(self) -> None:
        self.records: list[SlowCallback] = []
        self._original: Callable[[asyncio.Handle], None] | None = None

    def install(self) -> None:
        original = asyncio.Handle._run
        records = self.records

        def timed_run(handle: asyncio.Handle) -> None:
            start = time.perf_counter()
            try:
                original(handle)
            finally:
                took = time.perf_counter() - start
                if took >= SLOW_CALLBACK_S:
                    records.append(SlowCallback(start, took, describe_handle(handle)))

        self._original = original
        asyncio.Handle._run = timed_run  # type: ignore[method-assign, assignment]

    def uninstall(self) -> None:
        if self._original is not None:
            asyncio.Handle._run = self._original  # type: ignore[method-assign, assignment]
            self._original = None

    def summary(self) -> list[dict[str, object]]:
        by_what: dict[str, list[float]] = {}
        for record in self.records:
            by_what.setdefault(record.what, []).append(record.seconds * 1000)
        rows = sorted(by_what.items(), key=lambda item: -sum(item[1]))[:12]
        return [
            {"what": what, "count": len(ms), "total_ms": round(sum(ms), 1), "max_ms": round(max(ms), 1)}
            for what, ms in rows
        ]


class SlowPaints:
    """Paints of the window's own painters (queue, compare) over 5 ms on the Qt thread: a stall that
    ran in paint shows which widget it was and for how long."""

    def __init__(self) -> None:
        self.records: list[SlowCallback] = []
        self._originals: list[tuple[Any, Callable[..., None]]] = []

    def install(self) -> None:
        from upscaler_gui.ui.compare.view import CompareView
        from upscaler_gui.ui.queue.view import QueueView

        widget_classes: tuple[Any, ...] = (QueueView, CompareView)
        for widget_class in widget_classes:
            self._originals.append((widget_class, widget_class.paintEvent))
            widget_class.paintEvent = self._timed(widget_class.__name__, widget_class.paintEvent)

    def _timed(self, name: str, original: Callable[..., None]) -> Callable[..., None]:
        records = self.records

        def timed_paint(widget: object, event: object) -> None:
            start = time.perf_counter()
            try:
                original(widget, event)
            finally:
                took = time.perf_counter() - start
                if took >= SLOW_CALLBACK_S:
                    records.append(SlowCallback(start, took, f"{name} paint"))

        return timed_paint

    def uninstall(self) -> None:
        for widget_class, original in self._originals:
            widget_class.paintEvent = original
        self._originals.clear()


def describe_handle(handle: asyncio.Handle) -> str:
    """A task step as its coroutine and where it now waits; a socket callback as its function."""
    callback: Any = getattr(handle, "_callback", None)
    args: tuple[Any, ...] = getattr(handle, "_args", ()) or ()
    if getattr(callback, "__name__", "").endswith("notifier_cb_wrapper") and len(args) >= 4:
        callback = args[3]  # qasync's socket wrapper: the real callback is its 4th argument
    owner = getattr(callback, "__self__", None)
    if isinstance(owner, asyncio.Task):
        chain = coroutine_chain(owner.get_coro())
        return " > ".join(chain[:2] + (["…", chain[-1]] if len(chain) > 3 else chain[2:]))
    return str(getattr(callback, "__qualname__", None) or type(callback).__name__)


def coroutine_chain(coro: Any) -> list[str]:
    names: list[str] = []
    while coro is not None and len(names) < 16:
        names.append(str(getattr(coro, "__qualname__", type(coro).__name__)))
        coro = getattr(coro, "cr_await", None) or getattr(coro, "gi_yieldfrom", None)
    return names


class GcPauses:
    """Every cyclic garbage collection: start, seconds, generation, and whether it ran on the Qt thread."""

    def __init__(self) -> None:
        self.records: list[tuple[float, float, int, bool]] = []
        self._started = 0.0
        self._main = threading.get_ident()

    def install(self) -> None:
        gc.callbacks.append(self._callback)

    def uninstall(self) -> None:
        with contextlib.suppress(ValueError):
            gc.callbacks.remove(self._callback)

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        now = time.perf_counter()
        if phase == "start":
            self._started = now
            return
        on_qt = threading.get_ident() == self._main
        self.records.append((self._started, now - self._started, info.get("generation", -1), on_qt))

    def summary(self) -> dict[str, object]:
        on_qt = [r for r in self.records if r[3]]
        return {
            "on_qt_thread": {f"gen{g}": n for g, n in sorted(Counter(r[2] for r in on_qt).items())},
            "on_qt_thread_total_ms": round(sum(r[1] for r in on_qt) * 1000, 1),
            "on_qt_thread_max_ms": round(max((r[1] for r in on_qt), default=0.0) * 1000, 1),
            "elsewhere": len(self.records) - len(on_qt),
            "tracked_objects": len(gc.get_objects()),
            "frozen_objects": gc.get_freeze_count(),
        }


class StallWatch(threading.Thread):
    """Takes the Qt thread's Python stack every 2 ms while that thread has not ticked for 10 ms."""

    def __init__(self, probe: LagProbe) -> None:
        super().__init__(name="stall-watch", daemon=True)
        self.probe, self.main_ident = probe, threading.get_ident()
        self.stacks: list[tuple[float, tuple[str, ...]]] = []
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.wait(WATCH_PERIOD_S) and len(self.stacks) < WATCH_MAX_STACKS:
            if time.perf_counter() - self.probe.last < WATCH_STALLED_S:
                continue
            frame = sys._current_frames().get(self.main_ident)
            if frame is not None:
                self.stacks.append((time.perf_counter(), stack_of(frame)))
            # Not kept until the next stall: a frame that outlives its call keeps its locals (a painter
            # the app's code would end when the frame goes), and they would die on this thread.
            del frame

    def stop(self) -> None:
        self._halt.set()
        if self.is_alive():
            self.join(timeout=5)


def stack_of(frame: FrameType | None, depth: int = 40) -> tuple[str, ...]:
    """Outermost first, as `file:line function` with short file names; an import names its module."""
    out: list[str] = []
    while frame is not None and len(out) < depth:
        code = frame.f_code
        if code.co_name == "_find_and_load":
            out.append(f"import {frame.f_locals.get('name', '?')}")
        else:
            out.append(f"{short_file(code.co_filename)}:{frame.f_lineno} {code.co_name}")
        frame = frame.f_back
    return tuple(reversed(out))


def short_file(name: str) -> str:
    for marker in ("/site-packages/", "/lib/python3.11/", "/lib/python3"):
        if marker in name:
            return name.split(marker, 1)[1]
    with contextlib.suppress(ValueError):
        return str(Path(name).relative_to(ROOT))
    return name


def stack_label(stack: tuple[str, ...]) -> str:
    """The innermost frame of ours (upscaler_gui), then an import or the two innermost frames."""
    leaf = stack[-1] if stack else "?"
    if leaf.endswith(" run_forever") and "qasync" in leaf:
        return "Qt's own C++ (paint, layout, timers) or the GIL"
    ours = [f for f in stack if f.startswith("upscaler_gui/")]
    imports = [f for f in stack if f.startswith("import ")]
    tail = imports[:1] or [f for f in stack[-2:] if f not in ours[-1:]]
    return " > ".join([*ours[-1:], *tail])


@dataclass
class EventLog:
    """Engine events as the window gets them, and the window's own time on each."""

    events: list[tuple[float, str]] = field(default_factory=list)
    ui_ms: list[float] = field(default_factory=list)
    _entered: float = 0.0

    def attach(self, controller: EngineController, make_window: Callable[[], MainWindow]) -> MainWindow:
        """Slots run in connection order: ours before the window's, then ours after them."""
        controller.job_changed.connect(self._before)
        window = make_window()
        controller.job_changed.connect(self._after)
        return window

    def _before(self, job: Job) -> None:
        self._entered = time.perf_counter()
        self.events.append((self._entered, str(job.state)))

    def _after(self, job: Job) -> None:
        self.ui_ms.append((time.perf_counter() - self._entered) * 1000)


@dataclass
class Instruments:
    """Everything the lag child records; all but the probe are off with `--no-attribution`."""

    probe: LagProbe
    log: EventLog
    attribution: bool
    slow: SlowCallbacks = field(default_factory=SlowCallbacks)
    paints: SlowPaints = field(default_factory=SlowPaints)
    collections: GcPauses = field(default_factory=GcPauses)
    watch: StallWatch | None = None

    @contextlib.contextmanager
    def running(self) -> Iterator[None]:
        if self.attribution:
            self.slow.install()
            self.paints.install()
            self.collections.install()
            self.watch = StallWatch(self.probe)
            self.watch.start()
        self.probe.start()
        try:
            yield
        finally:
            self.probe.stop()
            if self.watch is not None:
                self.watch.stop()
            self.slow.uninstall()
            self.paints.uninstall()
            self.collections.uninstall()

    def worst_stalls(self, origin: float) -> list[dict[str, object]]:
        """The longest intervals between two ticks, with what was going on in each."""
        lags = self.probe.lags_ms()
        return [self._stall(i, lags[i], origin) for i in sorted(range(len(lags)), key=lambda i: -lags[i])][
            :TOP_STALLS
        ]

    def _stall(self, i: int, lag: float, origin: float) -> dict[str, object]:
        begin, end = self.probe.ticks[i], self.probe.ticks[i + 1]
        ran, waited, slept = self.probe.split_ms(i)
        stacks = self.watch.stacks if self.watch is not None else []
        labels = Counter(stack_label(s) for t, s in stacks if begin <= t <= end)
        return {
            "interval": [begin, end],  # the parent adds what it saw in /proc then, and drops this
            "at_s": round(begin - origin, 2),
            "lag_ms": round(lag, 1),
            "ran_ms": round(ran, 1),
            "waited_for_cpu_ms": round(waited, 1),
            "slept_ms": round(slept, 1),
            "events": dict(Counter(state for t, state in self.log.events if begin <= t <= end)),
            "gc": [
                f"gc gen{g} {d * 1000:.0f} ms"
                for t, d, g, on_qt in self.collections.records
                if on_qt and t < end and t + d > begin and d > 0.002
            ],
            "callbacks": [
                f"{c.what} {c.seconds * 1000:.0f} ms"
                for c in [*self.slow.records, *self.paints.records]
                if c.start < end and c.start + c.seconds > begin
            ][:3],
            "stacks": [f"{n}x {label}" for label, n in labels.most_common(3)],
        }


def lag_figures(probe: LagProbe) -> dict[str, object]:
    lags = probe.lags_ms()
    if not lags:
        return {"samples": 0}
    span = probe.ticks[-1] - probe.ticks[0]
    on_cpu_ms = (probe.on_cpu_ns[-1] - probe.on_cpu_ns[0]) / 1e6
    waiting_ms = (probe.waiting_ns[-1] - probe.waiting_ns[0]) / 1e6
    return {
        "samples": len(lags),
        "p50_ms": round(percentile(lags, 0.50), 2),
        "p90_ms": round(percentile(lags, 0.90), 2),
        "p99_ms": round(percentile(lags, 0.99), 2),
        "max_ms": round(max(lags), 2),
        "over_16_ms": sum(1 for lag in lags if lag > GOAL_P99_MS),
        "over_50_ms": sum(1 for lag in lags if lag > GOAL_MAX_MS),
        "over_16_ms_by_cause": lag_causes(probe, lags),
        "sampled_s": round(span, 2),
        "qt_thread_on_cpu_share": round(on_cpu_ms / (span * 1000), 3) if span else 0.0,
        "qt_thread_waited_for_cpu_s": round(waiting_ms / 1000, 2),
    }


def lag_causes(probe: LagProbe, lags: Sequence[float]) -> dict[str, dict[str, float]]:
    """Each sample over 16 ms by what the Qt thread did most in it: ran (its own work), waited for a CPU
    (other threads and processes had both), or slept (the GIL held by another thread, or blocking I/O)."""
    out: dict[str, dict[str, float]] = {}
    for i, lag in enumerate(lags):
        if lag <= GOAL_P99_MS:
            continue
        parts = dict(zip(("ran", "waited for a CPU", "slept (GIL or I/O)"), probe.split_ms(i), strict=True))
        entry = out.setdefault(max(parts, key=lambda k: parts[k]), {"samples": 0, "lag_ms": 0.0})
        entry["samples"] += 1
        entry["lag_ms"] = round(entry["lag_ms"] + lag, 1)
    return out


def spread(values: Sequence[float]) -> dict[str, float]:
    if not values:
        return {}
    return {
        "count": len(values),
        "median": round(statistics.median(values), 3),
        "p99": round(percentile(values, 0.99), 3),
        "max": round(max(values), 3),
        "total_s": round(sum(values) / 1000, 3),
    }


def main_thread_switches() -> dict[str, int]:
    """Voluntary (blocked: I/O, locks, the GIL) and involuntary (preempted) switches of the Qt thread."""
    out: dict[str, int] = {}
    with contextlib.suppress(OSError):
        for line in Path("/proc/thread-self/status").read_text().splitlines():
            if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                name, value = line.split(":")
                out[name] = int(value)
    return out


def rss_figures() -> dict[str, float]:
    return {"rss_mib": mib(proc_status_kib("VmRSS")), "hwm_mib": mib(proc_status_kib("VmHWM"))}


# --- the window, as the app builds it (in the child) -------------------------------------------------------


@dataclass
class Session:
    window: MainWindow
    controller: EngineController
    log: EventLog

    def jobs(self) -> list[Job]:
        jobs: list[Job] = self.window.model.jobs()
        return jobs


@contextlib.asynccontextmanager
async def open_window(out: Path, url: str) -> AsyncIterator[Session]:
    """The window and its controller connected to the sim, closed as `app.shutdown` closes them."""
    from upscaler_gui.core import settings as settings_store
    from upscaler_gui.core.connection import Connection
    from upscaler_gui.ui.bridge.controller import EngineController
    from upscaler_gui.ui.window.main_window import MainWindow

    settings = settings_store.load()
    settings.output_dir = str(out)
    settings.confirm_over_credits = 1e9  # the batch-cost question would hold the batch: never asked here
    settings_store.save(settings)
    controller = EngineController(settings)
    log = EventLog()
    window = log.attach(controller, lambda: MainWindow(controller, settings))
    window.resize(1180, 720)
    window.show()
    try:
        await controller.connect_kie(Connection(SIM_KEY, url, url))
        yield Session(window, controller, log)
    finally:
        await window.keeper.close()
        await controller.close()
        window.thumbnails.close()
        window.deleteLater()


def raise_engine_limits() -> None:
    """The window's engine told the raised limits, as for an account that was allowed them.

    The window's connection opens its engine with `core.engine.open_engine(...)` and no limits (KIE's
    defaults); this wraps that one name in its package. Nothing else of the app changes."""
    from upscaler_gui.core import engine
    from upscaler_gui.core.engine.pacer import Limit

    engine.open_engine = functools.partial(
        engine.open_engine,
        create_limit=Limit(int(RAISED["create"]), RAISED["create_window_s"]),
        record_limit=Limit(int(RAISED["record"]), RAISED["record_window_s"]),
    )


def files_mime(paths: Sequence[Path]) -> QMimeData:
    from PySide6.QtCore import QMimeData, QUrl

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return mime


def drop(widget: QWidget, mime: QMimeData) -> bool:
    """A drag-enter then a drop on the widget, as a file manager sends them."""
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtGui import QDragEnterEvent, QDropEvent
    from PySide6.QtWidgets import QApplication

    where, action, button = QPoint(20, 20), Qt.DropAction.CopyAction, Qt.MouseButton.LeftButton
    enter = QDragEnterEvent(where, action, mime, button, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    if not enter.isAccepted():
        return False
    event = QDropEvent(where, action, mime, button, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)
    return event.isAccepted()


async def until(condition: Callable[[], bool], limit_s: float, what: str) -> float:
    """Wait, letting Qt and asyncio run, until condition() holds; the seconds it took."""
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > limit_s:
            raise TimeoutError(f"timed out after {limit_s:g} s waiting for {what}")
        await asyncio.sleep(0.05)
    return time.monotonic() - start


async def scroll_through(window: MainWindow) -> tuple[float, int]:
    """Page down from the first row to the last, letting each page paint (and ask for its thumbnails)."""
    bar = window.view.verticalScrollBar()
    bar.setValue(0)
    await asyncio.sleep(0.1)
    start, value = time.monotonic(), 0
    for step in range(1, MAX_SCROLL_STEPS + 1):
        bar.setValue(value)
        await asyncio.sleep(0.03)
        if value >= bar.maximum():
            return time.monotonic() - start, step
        value = min(bar.maximum(), value + max(1, bar.pageStep()))
    return time.monotonic() - start, MAX_SCROLL_STEPS


# --- the children's scenarios -------------------------------------------------------------------------------


async def lag_child(args: argparse.Namespace) -> dict[str, object]:
    work = Path(args.work)
    inputs = sorted((work / "lag-in").iterdir())
    if args.limits == "raised":
        raise_engine_limits()
    async with open_window(work / f"out-{args.limits}-{args.drop}", args.url) as session:
        await asyncio.sleep(1.0)  # the window settles: first paint, credits, nothing queued
        if args.gc_freeze:
            gc.collect()
            gc.freeze()  # what was made at start (modules, Qt wrappers) leaves the collector's scans
        tools = Instruments(LagProbe(), session.log, args.attribution)
        switches_before, cpu_before = main_thread_switches(), os.times()
        with tools.running():
            dropped_at = time.perf_counter()
            accepted = drop(
                session.window, files_mime([work / "lag-in"] if args.drop == "folder" else inputs)
            )
            took = await until(
                lambda: len(session.jobs()) >= len(inputs) and all(j.finished for j in session.jobs()),
                LAG_TIMEOUT_S[args.limits],
                f"{len(inputs)} finished jobs",
            )
        cpu_after, switches_after = os.times(), main_thread_switches()
        states = Counter(str(job.state) for job in session.jobs())
    big = [p for p in inputs if p.name.startswith("b")]
    return {
        "accepted": accepted,
        "images": len(inputs),
        "big_images": len(big),
        "big_mb": round(sum(p.stat().st_size for p in big) / 1e6, 1),
        "seconds": round(took, 2),
        "states": dict(states),
        "cpu_s": round(cpu_after.user - cpu_before.user + cpu_after.system - cpu_before.system, 2),
        "qt_thread_switches": {k: v - switches_before.get(k, 0) for k, v in switches_after.items()},
        **lag_figures(tools.probe),
        "ui_per_event_ms": spread(session.log.ui_ms),
        "slow_callbacks": tools.slow.summary(),
        "gc": tools.collections.summary(),
        "stalls": tools.worst_stalls(dropped_at),
        "rss": rss_figures(),
        "threads": {str(t.native_id): t.name for t in threading.enumerate() if t.native_id is not None},
    }


async def memory_child(args: argparse.Namespace) -> dict[str, object]:
    work = Path(args.work)
    folder = work / "mem-in"
    count = sum(1 for _ in folder.iterdir())
    async with open_window(work / "out-memory", args.url) as session:
        await asyncio.sleep(1.0)
        baseline = rss_figures()
        probe = LagProbe()
        probe.start()
        try:
            accepted = drop(session.window, files_mime([folder]))
            rows_s = await until(lambda: len(session.jobs()) >= count, ROWS_TIMEOUT_S, f"{count} rows")
            after_rows = rss_figures()
            thumbs = session.window.thumbnails
            scroll_s, steps = await scroll_through(session.window)
            thumbs_s = await until(lambda: len(thumbs) >= count, THUMBS_TIMEOUT_S, f"{count} thumbnails")
            await asyncio.sleep(2.0)
        finally:
            probe.stop()
        after = rss_figures()
        return {
            "accepted": accepted,
            "rows": len(session.jobs()),
            "thumbnails": len(thumbs),
            "rows_s": round(rows_s, 2),
            "scroll_steps": steps,
            "scroll_s": round(scroll_s, 2),
            "thumbnails_after_scroll_s": round(thumbs_s, 2),
            "baseline": baseline,
            "after_rows": after_rows,
            "after_thumbnails": after,
            "states": dict(Counter(str(job.state) for job in session.jobs())),
            "lag": lag_figures(probe),
        }


def child_main(args: argparse.Namespace) -> int:
    faulthandler.enable(all_threads=True)  # a crash prints every thread's stack to stderr
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    isolate_app_dirs(Path(args.work) / f"app-{args.child}-{args.limits}-{args.drop}")
    from PySide6.QtWidgets import QApplication

    from upscaler_gui.core import log, paths

    log.setup(log_file=paths.log_file(), stream=False)
    from upscaler_gui.ui.shell.event_loop import QtAsyncLoop
    from upscaler_gui.ui.shell.gc_guard import MainThreadCollector

    app = QApplication([sys.argv[0]])
    app.setQuitOnLastWindowClosed(False)
    MainThreadCollector(app).start()  # as app.py: cyclic GC only on the Qt thread
    loop = QtAsyncLoop(app)  # one loop for the process, one run_until_complete, as the app
    asyncio.set_event_loop(loop)
    scenario = lag_child if args.child == "lag" else memory_child
    figures = loop.run_until_complete(scenario(args))
    print(json.dumps(figures), flush=True)
    loop.close()
    return 0


# --- the parent's side of a child: start it, watch it from /proc, read its figures --------------------------


def run_child(
    kind: str,
    work: Path,
    url: str,
    extra: Sequence[str],
    *,
    limit_s: float,
    spy: Path | None = None,
) -> dict[str, Any]:
    command = [PYTHON, __file__, "--child", kind, "--work", str(work), "--url", url, *extra]
    if spy is not None:
        command = [*py_spy_command(spy), *command]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT
    ) as proc:
        sampler = ProcSampler(proc.pid, under_py_spy=spy is not None)
        sampler.start()
        try:
            out, err = proc.communicate(timeout=limit_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate(timeout=30)
        finally:
            sampler.stop()
    lines = [line for line in out.splitlines() if line.startswith("{")]  # py-spy prints lines of its own
    if not lines:
        raise RuntimeError(f"{kind} child failed ({proc.returncode}):\n{err[-4000:]}")
    figures: dict[str, Any] = json.loads(lines[-1])
    if proc.returncode != 0:  # it measured, then failed while closing: keep the figures, and say so
        figures["child_exit"] = {"code": proc.returncode, "stderr_tail": err[-3000:]}
    sampler.attribute(figures.get("stalls") or [], figures.get("threads") or {})
    return figures


def py_spy_command(output: Path) -> list[str]:
    """py-spy recording which thread holds the GIL and where, without pausing the child (raw stacks)."""
    spy = Path(PYTHON).parent / "py-spy"
    if not spy.exists():
        raise RuntimeError("--py-spy needs py-spy in the venv: .venv/bin/pip install py-spy")
    output.parent.mkdir(parents=True, exist_ok=True)
    flags = ["--gil", "--threads", "--nonblocking", "--rate", "250", "--format", "raw", "-o", str(output)]
    return [str(spy), "record", *flags, "--"]


class ProcSample(NamedTuple):
    at: float
    state: str  # the Qt thread's: R (on a CPU or waiting for one), S (asleep), D (in I/O)
    wchan: str  # where in the kernel it sleeps
    busy: tuple[int, ...]  # the child's other threads in state R
    runnable: int  # tasks runnable on the whole machine
    steal: tuple[int, ...]  # each CPU's steal time so far, clock ticks
    major_faults: int  # the Qt thread's so far
    cpu: int  # the CPU the Qt thread is on, or last ran on


class ProcSampler(threading.Thread):
    """In the parent, so it needs nothing from the child (not its GIL): every 2 ms, the state of the
    child's Qt thread and the kernel function it sleeps in (/proc/PID/task/TID/{stat,wchan}); while it
    is anywhere but asleep in its event loop's poll, which of the child's threads are running; and each
    time the machine's runnable tasks and each CPU's steal."""

    def __init__(self, pid: int, *, under_py_spy: bool) -> None:
        super().__init__(name="proc-sampler", daemon=True)
        self.pid, self.under_py_spy = pid, under_py_spy
        self.samples: list[ProcSample] = []
        self._halt = threading.Event()

    def run(self) -> None:
        pid = self._child_pid()
        task = Path(f"/proc/{pid}/task/{pid}")
        while pid and not self._halt.wait(PROC_PERIOD_S) and len(self.samples) < PROC_MAX_SAMPLES:
            try:
                fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
                state, major_faults, cpu = fields[0], int(fields[9]), int(fields[36])
                wchan = (task / "wchan").read_text().strip() or "-"
            except (OSError, IndexError, ValueError):
                return  # the child has ended
            idle = state != "R" and any(w in wchan for w in IDLE_WCHANS)
            busy = () if idle else running_threads(pid)
            self.samples.append(
                ProcSample(
                    time.perf_counter(),
                    state,
                    wchan,
                    busy,
                    machine_runnable(),
                    steal_ticks(),
                    major_faults,
                    cpu,
                )
            )

    def _child_pid(self) -> int:
        """The child's pid; under py-spy, the Python process py-spy started (a bounded wait)."""
        if not self.under_py_spy:
            return self.pid
        for _ in range(500):
            kids = children_of(self.pid)
            if kids:
                return kids[0]
            if self._halt.wait(0.01):
                break
        return 0

    def stop(self) -> None:
        self._halt.set()
        if self.is_alive():
            self.join(timeout=5)

    def attribute(self, stalls: list[dict[str, Any]], names: dict[str, str]) -> None:
        """Adds to each stall what the Qt thread was waiting on in the kernel, and who ran meanwhile."""
        for stall in stalls:
            begin, end = stall.pop("interval", (0.0, 0.0))
            around = self._bracket(begin, end)
            inside = [s for s in around if begin <= s.at <= end]
            where = Counter("running" if s.state == "R" else s.wchan for s in inside)
            who = Counter(names.get(str(tid), "Qt worker") for s in inside for tid in s.busy)
            stall["qt_thread_in_kernel"] = dict(where.most_common(3))
            stall["running_meanwhile"] = dict(who.most_common(4))
            # the machine's runnable tasks (this sampler among them) against the child's own
            stall["runnable_machine_max"] = max((s.runnable for s in inside), default=0)
            stall["runnable_child_max"] = max((len(s.busy) for s in inside), default=0)
            # the hypervisor's: time either CPU of this VM was taken away (clock ticks of 10 ms)
            first, last = (around[0].steal, around[-1].steal) if around else ((), ())
            stolen = [(b - a) * 1000 // CLOCK_TICKS for a, b in zip(first, last, strict=False)]
            stall["steal_ms"] = sum(stolen)
            # time the host took from the CPU the Qt thread was on: a wait no code in the app can shorten
            stall["steal_on_qt_cpu_ms"] = max(
                (stolen[s.cpu] for s in around if s.cpu < len(stolen)), default=0
            )
            # a page of code or data read back from disk by the Qt thread
            stall["major_faults"] = around[-1].major_faults - around[0].major_faults if around else 0
            # this sampler is another process: a long gap means the whole machine stood still
            gaps = [b.at - a.at for a, b in itertools.pairwise(around)]
            stall["sampler_gap_ms"] = round(max(gaps, default=0) * 1000, 1)

    def _bracket(self, begin: float, end: float) -> list[ProcSample]:
        """The samples from the last one before `begin` to the first one after `end` (the sampler may
        itself have stood still through the whole interval)."""
        times = [s.at for s in self.samples]
        first = max(0, bisect.bisect_left(times, begin) - 1)
        last = bisect.bisect_right(times, end)
        return self.samples[first : last + 1]


def steal_ticks() -> tuple[int, ...]:
    """Each CPU's steal time so far (/proc/stat's cpuN lines, clock ticks): a VM's CPU taken by the host."""
    with contextlib.suppress(OSError, IndexError, ValueError):
        lines = Path("/proc/stat").read_text().splitlines()
        return tuple(int(line.split()[8]) for line in lines[1:] if re.match(r"cpu\d", line))
    return ()


def machine_runnable() -> int:
    """Tasks runnable on the whole machine now (/proc/loadavg's fourth field), this reader included."""
    with contextlib.suppress(OSError, IndexError, ValueError):
        return int(Path("/proc/loadavg").read_text().split()[3].split("/")[0])
    return 0


def running_threads(pid: int) -> tuple[int, ...]:
    """The child's threads in state R (on a CPU or about to be), but its Qt thread."""
    found = []
    with contextlib.suppress(OSError):
        for entry in os.scandir(f"/proc/{pid}/task"):
            if entry.name == str(pid):
                continue
            with contextlib.suppress(OSError, IndexError):
                if Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()[0] == "R":
                    found.append(int(entry.name))
    return tuple(found)


def children_of(pid: int) -> list[int]:
    """Processes whose parent is `pid` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
    return found


# --- CPU accounting and the sim -----------------------------------------------------------------------------


def machine_cpu() -> list[int]:
    """The `cpu` line of /proc/stat: user nice system idle iowait irq softirq steal (clock ticks)."""
    with contextlib.suppress(OSError, IndexError, ValueError):
        return [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
    return [0] * 8


def cpu_shares(before: list[int], after: list[int], ours_s: float) -> dict[str, float]:
    """How busy the machine was, how much the hypervisor took (steal), and the CPU seconds of processes
    other than ours (this bench, its child, the sim): what others ran meanwhile, as noise."""
    delta = [b - a for a, b in zip(before, after, strict=True)]
    total = sum(delta) or 1
    busy_s = (total - delta[3] - delta[4] - delta[7]) / os.sysconf("SC_CLK_TCK")
    return {
        "busy": round(1 - (delta[3] + delta[4]) / total, 3),
        "steal": round(delta[7] / total, 3),
        "others_cpu_s": round(max(0.0, busy_s - ours_s), 1),
    }


def own_and_children_cpu_s() -> float:
    """CPU seconds of this process and of its children that have ended."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def cpu_seconds_of(pid: int) -> float:
    """utime + stime of a process, from /proc/PID/stat (0 where there is no /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def deprioritise(pid: int) -> None:
    """Every thread of `pid` at nice 19. On Linux a nice value is per thread: niced by its pid alone, the
    sim's server thread, and the request threads it starts later, would keep nice 0."""
    tasks = Path(f"/proc/{pid}/task")
    for tid in [int(t.name) for t in tasks.iterdir()] if tasks.exists() else [pid]:
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, tid, SIM_NICE)


@contextlib.contextmanager
def sim_for(latency_s: float, limits: dict[str, float], scale: int) -> Iterator[SimProcess]:
    with SimProcess(latency_s) as sim:
        deprioritise(sim.pid)
        sim.configure(
            {
                "create_limit": int(limits["create"]),
                "create_window_s": limits["create_window_s"],
                "record_limit": int(limits["record"]),
                "record_window_s": limits["record_window_s"],
                "scale": scale,
            }
        )
        yield sim


def run_lag(work: Path, limits: str, drop_kind: str, args: argparse.Namespace) -> dict[str, Any]:
    extra = ["--limits", limits, "--drop", drop_kind]
    extra += ["--gc-freeze"] if args.gc_freeze else []
    extra += [] if args.attribution else ["--no-attribution"]
    spy = args.py_spy / f"lag-{limits}-{drop_kind}.txt" if args.py_spy else None
    with sim_for(LAG_LATENCY_S, RAISED if limits == "raised" else DEFAULT, args.scale) as sim:
        before, ours_before, sim_before = machine_cpu(), own_and_children_cpu_s(), cpu_seconds_of(sim.pid)
        figures = run_child(
            "lag",
            work,
            sim.url,
            extra,
            limit_s=LAG_TIMEOUT_S[limits] + CHILD_SLACK_S,
            spy=spy,
        )
        sim_s = cpu_seconds_of(sim.pid) - sim_before
        ours_s = own_and_children_cpu_s() - ours_before + sim_s
        figures["machine_cpu"] = cpu_shares(before, machine_cpu(), ours_s)
        figures["sim_cpu_s"] = round(sim_s, 2)
    figures.update({"limits": limits, "drop": drop_kind, "latency_s": LAG_LATENCY_S, "scale": args.scale})
    return figures


def run_memory(work: Path) -> dict[str, Any]:
    with sim_for(MEMORY_LATENCY_S, DEFAULT, 1) as sim:
        return run_child(
            "memory", work, sim.url, [], limit_s=ROWS_TIMEOUT_S + THUMBS_TIMEOUT_S + CHILD_SLACK_S
        )


# --- startup: the app as a user starts it -------------------------------------------------------------------

SHOWN = re.compile(r"^(\S+ \S+) INFO upscaler\.ui: window shown ([\d.]+) s after launch", re.MULTILINE)


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def startup_once(base: Path) -> dict[str, Any]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    for name in ("UPSCALER_GUI_DATA_DIR", "UPSCALER_GUI_CONFIG_DIR", "UPSCALER_GUI_CACHE_DIR"):
        folder = base / name.lower()
        folder.mkdir(parents=True, exist_ok=True)
        env[name] = str(folder)
    log_file = base / "upscaler_gui_cache_dir" / "upscaler-gui.log"  # paths.log_file() under that dir
    started = time.time()
    proc = subprocess.Popen(
        [PYTHON, "-m", "upscaler_gui", "--demo"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    kids: list[int] = []
    try:
        match = wait_for_line(log_file, proc, STARTUP_TIMEOUT_S)
        time.sleep(0.5)  # the demo's sim starts meanwhile: a child process would show up now
        kids = children_of(proc.pid)
    finally:
        stray = stop_process(proc, kids)
    if match is None:
        return {"error": f"no 'window shown' line within {STARTUP_TIMEOUT_S:g} s", "stray": stray}
    stamp = datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S,%f").timestamp()
    return {
        "shown_s": round(stamp - started, 3),
        "app_says_s": float(match.group(2)),
        "children": len(kids),
        "stray": stray,
    }


def wait_for_line(log_file: Path, proc: subprocess.Popen[bytes], limit_s: float) -> re.Match[str] | None:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline and proc.poll() is None:
        with contextlib.suppress(OSError):
            match = SHOWN.search(log_file.read_text(encoding="utf-8", errors="replace"))
            if match:
                return match
        time.sleep(0.005)
    return None


def stop_process(proc: subprocess.Popen[bytes], kids: list[int]) -> list[int]:
    """SIGTERM, a bounded wait, SIGKILL if it must; then any child it left, by pid. Returns what was
    left behind (and has now been killed)."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=TERM_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)
    left = [pid for pid in kids if alive(pid)]
    for pid in left:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    return left


def run_startup(work: Path, runs: int) -> dict[str, Any]:
    results = [startup_once(work / f"startup-{n}") for n in range(runs + 1)]  # the first warms the caches
    shown = [float(r["shown_s"]) for r in results[1:] if "shown_s" in r]
    said = [float(r["app_says_s"]) for r in results[1:] if "app_says_s" in r]
    return {
        "runs": len(results) - 1,
        "shown_s": shown,
        "median_s": round(statistics.median(shown), 3) if shown else None,
        "max_s": round(max(shown), 3) if shown else None,
        "app_says_median_s": round(statistics.median(said), 3) if said else None,
        "errors": [r["error"] for r in results if "error" in r],
        "stray": sorted({pid for r in results for pid in r["stray"]}),
    }


# --- printing -----------------------------------------------------------------------------------------------


def print_lag(run: dict[str, Any]) -> None:
    title = (
        f"Event-loop lag: {run['images']} images ({run['big_images']} near 10 MB, {run['big_mb']} MB in all),"
        f" a drop of {run['drop']}, {run['limits']} limits, sim latency {run['latency_s']} s,"
        f" scale {run['scale']}"
    )
    p99_ok, max_ok = run["p99_ms"] < GOAL_P99_MS, run["max_ms"] < GOAL_MAX_MS
    rows = [
        ["p50", run["p50_ms"], ""],
        ["p90", run["p90_ms"], ""],
        ["p99", run["p99_ms"], f"< {GOAL_P99_MS:g} ms: {verdict(p99_ok)}"],
        ["max", run["max_ms"], f"< {GOAL_MAX_MS:g} ms: {verdict(max_ok)}"],
    ]
    print_table(title, ["lag", "ms", "goal"], rows)
    print(
        f"  {run['samples']} samples over {run['sampled_s']} s (the batch took {run['seconds']} s; states"
        f" {run['states']}); {run['over_16_ms']} over 16 ms, {run['over_50_ms']} over 50 ms"
    )
    print(f"  over 16 ms, by what the Qt thread did most: {run['over_16_ms_by_cause']}")
    over = [s for s in run["stalls"] if s["lag_ms"] > GOAL_MAX_MS]
    if over:  # a VM's host can take a CPU away for tens of ms: shown apart, never subtracted from the verdict
        net = [round(s["lag_ms"] - s.get("steal_on_qt_cpu_ms", 0), 1) for s in over]
        print(f"  the stalls over {GOAL_MAX_MS:g} ms less the host's steal on the Qt thread's CPU: {net} ms")
    print(
        f"  CPU: app {run['cpu_s']} s, sim {run['sim_cpu_s']} s, machine {run['machine_cpu']};"
        f" Qt thread on a CPU {run['qt_thread_on_cpu_share']:.0%} of the time,"
        f" waited {run['qt_thread_waited_for_cpu_s']} s for one"
    )
    print(f"  the window's time per engine event (ms): {run['ui_per_event_ms']}")
    print(f"  garbage collections: {run['gc']}")
    if "child_exit" in run:
        print(f"  the child ended with {run['child_exit']['code']} after measuring: see the JSON")
    if run["slow_callbacks"]:
        print_table(
            "  asyncio callbacks over 5 ms on the Qt thread (wall time, preemption included), by coroutine",
            ["what", "count", "total ms", "max ms"],
            [[s["what"], s["count"], s["total_ms"], s["max_ms"]] for s in run["slow_callbacks"][:8]],
        )
    print_stalls(run["stalls"])


def print_stalls(stalls: list[dict[str, Any]]) -> None:
    print(
        "\n  worst stalls (at: s after the drop; of each interval, ms the Qt thread ran / waited for a CPU /"
        " slept; in kernel: where it was, sampled every 2 ms)"
    )
    for s in stalls:
        kernel = ", ".join(f"{k} x{v}" for k, v in s.get("qt_thread_in_kernel", {}).items())
        others = ", ".join(f"{k} x{v}" for k, v in s.get("running_meanwhile", {}).items())
        print(
            f"  at {s['at_s']:>6} s  lag {s['lag_ms']:>6} ms  ran {s['ran_ms']:>5}"
            f"  waited {s['waited_for_cpu_ms']:>5}  slept {s['slept_ms']:>5}"
            f"  in kernel: {kernel or '-'}; also running: {others or '-'}"
            f"  (runnable: child {s.get('runnable_child_max', 0)},"
            f" machine {s.get('runnable_machine_max', 0)}; steal {s.get('steal_ms', 0)} ms,"
            f" {s.get('steal_on_qt_cpu_ms', 0)} on the Qt thread's CPU;"
            f" major faults {s.get('major_faults', 0)}; sampler gap {s.get('sampler_gap_ms', 0)} ms)"
        )
        seen = [*s["gc"], *s["callbacks"], *s["stacks"]]
        events = " ".join(f"{k}:{v}" for k, v in s["events"].items())
        print(f"      {'; '.join(seen) or '-'}{f'; job events {events}' if events else ''}"[:240])


def print_memory(run: dict[str, Any]) -> None:
    base, rows, after = run["baseline"], run["after_rows"], run["after_thumbnails"]
    print_table(
        f"Memory: {run['rows']} rows, {run['thumbnails']} thumbnails loaded"
        f" (sim latency {MEMORY_LATENCY_S:g} s: every job stays queued; states {run['states']})",
        ["when", "VmRSS MiB", "VmHWM MiB"],
        [
            ["window shown, connected", base["rss_mib"], base["hwm_mib"]],
            [f"{run['rows']} rows ({run['rows_s']} s after the drop)", rows["rss_mib"], rows["hwm_mib"]],
            [
                f"paged through ({run['scroll_steps']} pages, {run['scroll_s']} s), all thumbnails in",
                after["rss_mib"],
                after["hwm_mib"],
            ],
        ],
    )
    ok = after["rss_mib"] < GOAL_RSS_MIB
    print(f"  goal RSS < {GOAL_RSS_MIB:g} MiB: {verdict(ok)} (peak {after['hwm_mib']:.1f} MiB)")
    lag = run["lag"]
    print(
        f"  lag while adding and paging: p99 {lag.get('p99_ms')} ms, max {lag.get('max_ms')} ms"
        f" ({lag.get('samples')} samples; over 16 ms by cause {lag.get('over_16_ms_by_cause')})"
    )


def print_startup(run: dict[str, Any]) -> None:
    median = run["median_s"]
    print_table(
        f"Startup: `python -m upscaler_gui --demo` to its 'window shown' log line ({run['runs']} runs after"
        " a warm-up)",
        ["figure", "s"],
        [
            ["median, from before the process starts", median],
            ["max", run["max_s"]],
            ["median as the app logs it (from app.py's import)", run["app_says_median_s"]],
        ],
    )
    ok = median is not None and median < GOAL_SHOWN_S
    print(f"  runs: {run['shown_s']}; goal < {GOAL_SHOWN_S:g} s: {verdict(ok)}")
    print(f"  errors: {run['errors'] or 'none'}; processes left after SIGTERM: {run['stray'] or 'none'}")


# --- the parent ---------------------------------------------------------------------------------------------


def parent_main(args: argparse.Namespace) -> int:
    only = set(args.only or ["lag", "memory", "startup"])
    figures: dict[str, object] = {"quick": args.quick}
    with tempfile.TemporaryDirectory(prefix="ui-bench-") as tmp:
        work = Path(tmp)
        isolate_app_dirs(work / "app-parent")
        if "lag" in only:
            figures["lag"] = lag_runs(args, work)
        if "memory" in only:
            make_varied(work / "mem-in", QUICK_MEMORY_ROWS if args.quick else MEMORY_ROWS)
            memory = run_memory(work)
            print_memory(memory)
            figures["memory"] = memory
        if "startup" in only:
            startup = run_startup(work, QUICK_STARTUP_RUNS if args.quick else STARTUP_RUNS)
            print_startup(startup)
            figures["startup"] = startup
    print_json_line(BENCH, figures)
    return 0


def lag_runs(args: argparse.Namespace, work: Path) -> list[dict[str, Any]]:
    sizes = (
        (QUICK_IMAGES, QUICK_BIG_PNG, QUICK_BIG_JPEG)
        if args.quick
        else (LAG_IMAGES, LAG_BIG_PNG, LAG_BIG_JPEG)
    )
    make_batch(work / "lag-in", *sizes)
    plans = [] if args.default_only else [("raised", args.drop)]
    if not args.quick and not args.raised_only:
        plans.append(("default", "folder" if args.drop == "files" else "files"))
    runs = []
    for limits, drop_kind in plans:
        run = run_lag(work, limits, drop_kind, args)
        print_lag(run)
        run.pop("threads", None)
        runs.append(run)
    return runs


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="40 images, 200 rows, 2 startups")
    parser.add_argument("--only", action="append", choices=["lag", "memory", "startup"])
    parser.add_argument(
        "--drop", choices=["files", "folder"], default="files", help="the first lag run's drop"
    )
    parser.add_argument("--raised-only", action="store_true", help="no lag run at KIE's default limits")
    parser.add_argument("--default-only", action="store_true", help="only the default-limits lag run")
    parser.add_argument("--scale", type=int, default=2, help="the sim's upscale factor in the lag runs")
    parser.add_argument("--py-spy", type=Path, metavar="DIR", help="record each lag child with py-spy")
    parser.add_argument(
        "--no-attribution",
        dest="attribution",
        action="store_false",
        help="only the 5 ms timer in the child: no watchdog, no callback or GC log (to see their cost)",
    )
    parser.add_argument(
        "--gc-freeze", action="store_true", help="experiment: gc.freeze() once the window is up"
    )
    parser.add_argument("--child", choices=["lag", "memory"], help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--limits", choices=["raised", "default"], default="default", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main() -> int:
    args = parse_args()
    return child_main(args) if args.child else parent_main(args)


if __name__ == "__main__":
    sys.exit(main())
