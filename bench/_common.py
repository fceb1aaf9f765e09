"""Shared pieces of the bench scripts: the sim in its own process, test images, RSS, tables.

Nothing here reaches past 127.0.0.1. Every wait is bounded, so a bench always ends by itself.
"""

from __future__ import annotations

import io
import json
import os
import platform
import random
import select
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SIM_KEY = "bench-key"
SIM_START_TIMEOUT_S = 30.0

# Every folder the app may touch, pointed at a throwaway place (set by `isolate_app_dirs`).
APP_DIR_VARS = ("UPSCALER_GUI_DATA_DIR", "UPSCALER_GUI_CONFIG_DIR", "UPSCALER_GUI_CACHE_DIR")


# --- the sim, in a separate process ---------------------------------------------------------------


class SimProcess:
    """`python -m upscaler_gui demo-server` on 127.0.0.1, its URL read from stdout's first line."""

    def __init__(self, latency_s: float, *, credits: float = 1_000_000.0, key: str = SIM_KEY) -> None:
        self.latency_s, self.credits, self.key = latency_s, credits, key
        self.url = ""
        self._proc: subprocess.Popen[str] | None = None

    def __enter__(self) -> SimProcess:
        command = [
            PYTHON,
            "-m",
            "upscaler_gui",
            "demo-server",
            "--port",
            "0",
            "--latency",
            str(self.latency_s),
            "--key",
            self.key,
            "--credits",
            str(self.credits),
        ]
        self._proc = subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        assert self._proc.stdout is not None
        ready, _, _ = select.select([self._proc.stdout], [], [], SIM_START_TIMEOUT_S)
        line = self._proc.stdout.readline().strip() if ready else ""  # the URL, once the port is bound
        if not line.startswith("http://127.0.0.1:"):
            self.stop()
            raise RuntimeError(
                f"the sim did not start within {SIM_START_TIMEOUT_S:g} s (first line: {line!r})"
            )
        self.url = line
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def pid(self) -> int:
        return self._proc.pid if self._proc is not None else 0

    def configure(self, update: dict[str, object]) -> dict[str, object]:
        return _post_json(f"{self.url}/_sim/config", update)

    def stats(self) -> dict[str, object]:
        with urllib.request.urlopen(f"{self.url}/_sim/stats", timeout=10) as answer:
            data: dict[str, object] = json.load(answer)
        return data

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        proc.terminate()  # SIGTERM: the sim stops and removes its storage
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        if proc.stdout is not None:
            proc.stdout.close()


def _post_json(url: str, body: dict[str, object]) -> dict[str, object]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        data: dict[str, object] = json.load(answer)
    return data


def stat_int(stats: dict[str, object], name: str) -> int:
    value = stats.get(name, 0)
    return int(value) if isinstance(value, int | float) else 0


# --- images -------------------------------------------------------------------------------------------


def small_png(seed: int, size: tuple[int, int] = (96, 64)) -> bytes:
    """A small real PNG, different for every seed (so no two inputs are one job)."""
    rng = random.Random(seed)
    image = Image.new("RGB", size, (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    for x in range(0, size[0], 6):
        for y in range(size[1]):
            image.putpixel((x, y), ((x * 7 + seed) % 256, (y * 5 + seed) % 256, seed % 256))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def noisy_png(target_bytes: int, seed: int) -> bytes:
    """An incompressible PNG of about `target_bytes` (random pixels, no compression)."""
    side = max(32, int((target_bytes / 3) ** 0.5))
    rng = random.Random(seed)
    image = Image.frombytes("RGB", (side, side), rng.randbytes(side * side * 3))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=0)
    return buffer.getvalue()


def write_small_pngs(folder: Path, count: int, *, first_seed: int = 0) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        path = folder / f"img_{n:04d}.png"
        path.write_bytes(small_png(first_seed + n))
        paths.append(path)
    return paths


# --- the app's folders ---------------------------------------------------------------------------------


def isolate_app_dirs(base: Path) -> None:
    """Point the app's data, config and cache folders at `base` (never the real home)."""
    for name in APP_DIR_VARS:
        folder = base / name.lower()
        folder.mkdir(parents=True, exist_ok=True)
        os.environ[name] = str(folder)


# --- memory ---------------------------------------------------------------------------------------------


def proc_status_kib(field: str, pid: int | str = "self") -> int:
    """A `kB` field of /proc/PID/status (VmRSS, VmHWM), in KiB; 0 where there is no /proc."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in text.splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def mib(kib: float) -> float:
    return kib / 1024


# --- timing ---------------------------------------------------------------------------------------------


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile (share 0..1) of a non-empty sequence."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(share * len(ordered) + 0.5)))
    return ordered[rank - 1]


# --- output ---------------------------------------------------------------------------------------------


def machine() -> dict[str, object]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor()
    return {
        "nproc": os.cpu_count(),
        "cpu": model or "unknown",
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
    }


def print_table(title: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    cells = [[str(c) for c in header], *[[_cell(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    print(f"\n{title}")
    for n, row in enumerate(cells):
        line = [
            c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        print("  " + "  ".join(line))
        if n == 0:
            print("  " + "  ".join("-" * w for w in widths))


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def verdict(ok: bool) -> str:
    return "MET" if ok else "NOT MET"


def print_json_line(name: str, figures: Mapping[str, object]) -> None:
    """The one machine-readable line, last on stdout."""
    print(json.dumps({"bench": name, "machine": machine(), **figures}, sort_keys=True))


@contextmanager
def timed() -> Iterator[list[float]]:
    """`with timed() as t: ...` then `t[0]` is the elapsed seconds."""
    box: list[float] = []
    start = time.perf_counter()
    try:
        yield box
    finally:
        box.append(time.perf_counter() - start)
