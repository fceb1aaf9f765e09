"""Figures for README's "Packages": package sizes, and start times of the bundled program.

Run after `./dev package` (it reads dist/):

    .venv/bin/python bench/bundle.py [--runs N] [--bundle dist/upscaler-gui]

- sizes of the tarball, the .deb (and .rpm) in dist/, and of the unpacked bundle;
- `upscaler-gui --version`: the first run after dropping the page cache (cold; needs root, else
  skipped and said so), then the median and p90 of N warm runs;
- the window (`--demo --quit-after 1`, QT_QPA_PLATFORM=offscreen, fresh data/config/cache folders):
  time from process start until the app logs "window shown" (the log file is polled), cold and warm.
Nothing here passes or fails a build; it prints a table and one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MB = 1_000_000


def drop_caches() -> bool:
    """Empty the page cache so the next start reads the bundle from disk (root only)."""
    try:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
        return True
    except OSError:
        return False


def app_env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KIE_", "QT_"))}
    env.update(
        QT_QPA_PLATFORM="offscreen",
        UPSCALER_GUI_DATA_DIR=str(tmp / "data"),
        UPSCALER_GUI_CONFIG_DIR=str(tmp / "config"),
        UPSCALER_GUI_CACHE_DIR=str(tmp / "cache"),
        PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
    )
    return env


def time_version(exe: Path) -> float:
    start = time.perf_counter()
    subprocess.run([str(exe), "--version"], capture_output=True, check=True, timeout=60)
    return time.perf_counter() - start


def time_window(exe: Path) -> tuple[float, float]:
    """(seconds from spawn to the "window shown" log line, the app's own figure since its import)."""
    with tempfile.TemporaryDirectory(prefix="bundle-bench-") as name:
        tmp = Path(name)
        log = tmp / "cache" / "upscaler-gui.log"
        start = time.perf_counter()
        process = subprocess.Popen(
            [str(exe), "--demo", "--quit-after", "1"],
            env=app_env(tmp),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        shown, own = None, float("nan")
        while shown is None and time.perf_counter() - start < 60:
            text = log.read_text(encoding="utf-8") if log.exists() else ""
            if "window shown" in text:
                shown = time.perf_counter() - start
                own = float(text.split("window shown ")[1].split(" s")[0])
            else:
                time.sleep(0.002)
        if process.wait(timeout=60) != 0 or shown is None:
            raise SystemExit(f"the window did not start and quit cleanly (exit {process.returncode})")
        return shown, own


def p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, default=ROOT / "dist" / "upscaler-gui")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    exe = args.bundle / "upscaler-gui"
    if not exe.exists():
        raise SystemExit(f"{exe} not found: run ./dev package first")
    figures: dict[str, object] = {}
    dist = args.bundle.parent
    for pattern in ("*.tar.gz", "*.deb", "*.rpm"):
        for path in sorted(dist.glob(pattern)):
            figures[path.name] = round(path.stat().st_size / MB, 1)
    unpacked = sum(p.stat().st_size for p in args.bundle.rglob("*") if p.is_file() and not p.is_symlink())
    figures["unpacked MB"] = round(unpacked / MB, 1)

    cold = drop_caches()
    figures["--version cold s"] = round(time_version(exe), 3) if cold else "n/a (not root)"
    time_version(exe)
    warm = [time_version(exe) for _ in range(args.runs)]
    figures["--version warm median s"] = round(statistics.median(warm), 3)
    figures["--version warm p90 s"] = round(p90(warm), 3)

    if drop_caches():
        shown, own = time_window(exe)
        figures["window cold s"] = round(shown, 2)
        figures["window cold (app's own) s"] = own
    time_window(exe)
    windows = [time_window(exe) for _ in range(max(3, args.runs // 3))]
    figures["window warm median s"] = round(statistics.median(w[0] for w in windows), 2)
    figures["window warm (app's own) median s"] = statistics.median(w[1] for w in windows)

    width = max(len(k) for k in figures)
    for key, value in figures.items():
        print(f"{key:<{width}}  {value}")
    print(json.dumps({"bench": "bundle", **figures}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
