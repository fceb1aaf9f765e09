"""Running the real command line in a subprocess, as a user would, and checking what a user relies on."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
from PIL import Image

from tests.imagefactory import write_image
from upscaler_gui.sim import SimServer, SimStats

T = TypeVar("T")

KEY = "k-cli-test-5f2c9a71e3"  # distinctive, so a test can grep for it anywhere
STATUSES = frozenset({"done", "failed", "skipped", "unknown", "cancelled", "paused"})
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_PAUSED, EXIT_KEY_REFUSED, EXIT_INTERRUPTED = 0, 1, 2, 3, 4, 130
EXIT_BLOCKED = 5  # KIE's firewall refused the app
TEMP_NAME = re.compile(r"^\.crisp-.*\.part$")


def run_cli(
    *args: str, cwd: Path, env: dict[str, str] | None = None, stdin: str | None = None, timeout: float = 90
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "upscaler_gui", *args],
        cwd=cwd,
        env=full_env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def decoded(path: Path) -> tuple[str, tuple[int, int]]:
    with Image.open(path) as image:
        image.load()
        return image.format or "", image.size


# --- an isolated user: env, command line, results --------------------------------------------------


def isolated_env(root: Path, key: str | None = KEY) -> dict[str, str]:
    """The environment of a user whose config, cache and keyring are under `root` (not this machine's).

    Built from scratch rather than on top of the test's environment, so module-scoped fixtures (which run
    before the autouse isolation) are isolated too. `key=None`: no KIE_API_KEY at all.
    """
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("KIE_", "UPSCALER_GUI_", "XDG_"))
    }
    env.update(
        {
            "UPSCALER_GUI_CONFIG_DIR": str(root / "_config"),
            "UPSCALER_GUI_CACHE_DIR": str(root / "_cache"),
            "XDG_DATA_HOME": str(root / "_xdg_data"),
            "XDG_CONFIG_HOME": str(root / "_xdg_config"),
            "XDG_CACHE_HOME": str(root / "_xdg_cache"),
            "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
        }
    )
    if key is not None:
        env["KIE_API_KEY"] = key
    return env


def upscale_command(base_url: str, *args: str, data_dir: str = "data", json_lines: bool = True) -> list[str]:
    """`upscaler-gui upscale ARGS --data-dir DATA --api-base URL --upload-base URL [--json]`."""
    command = [sys.executable, "-m", "upscaler_gui", "upscale", *args, "--data-dir", data_dir]
    command += ["--api-base", base_url, "--upload-base", base_url]
    return [*command, "--json"] if json_lines else command


@dataclass(frozen=True)
class Batch:
    """What one run of the command showed the user."""

    returncode: int
    stdout: str
    stderr: str

    @property
    def lines(self) -> list[dict[str, Any]]:
        return json_lines(self.stdout)

    def by_input(self) -> dict[str, dict[str, Any]]:
        """The --json line of each input (the input given twice has one entry: its lines agree)."""
        return {line["input"]: line for line in self.lines}

    def statuses(self) -> Counter[str]:
        return Counter(line["status"] for line in self.lines)

    @property
    def summary(self) -> str:
        """The summary line on stderr ("N input(s): ... · time")."""
        found = [line for line in self.stderr.splitlines() if re.match(r"^\d+ input\(s\): ", line)]
        assert len(found) == 1, f"expected one summary line, stderr was:\n{self.stderr}"
        return found[0]

    def explain(self) -> str:
        return f"exit {self.returncode}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"


def run_upscale(
    base_url: str,
    *args: str,
    cwd: Path,
    key: str | None = KEY,
    data_dir: str = "data",
    json_lines: bool = True,
    stdin: str | None = None,
    timeout: float = 90,
) -> Batch:
    """Run `upscaler-gui upscale` against the sim at `base_url` as an isolated user; wait for its end."""
    done = subprocess.run(
        upscale_command(base_url, *args, data_dir=data_dir, json_lines=json_lines),
        cwd=cwd,
        env=isolated_env(cwd, key),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return Batch(done.returncode, done.stdout, done.stderr)


def start_upscale(
    base_url: str, *args: str, cwd: Path, key: str | None = KEY, data_dir: str = "data"
) -> subprocess.Popen[str]:
    """Start `upscaler-gui upscale ... --json` in the background (to be signalled or killed)."""
    return subprocess.Popen(
        upscale_command(base_url, *args, data_dir=data_dir),
        cwd=cwd,
        env=isolated_env(cwd, key),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str], timeout: float = 60) -> Batch:
    stdout, stderr = process.communicate(timeout=timeout)
    return Batch(process.returncode, stdout, stderr)


def json_lines(stdout: str) -> list[dict[str, Any]]:
    """Every stdout line parsed as one JSON object with the documented fields (fails on anything else)."""
    lines = []
    for text in stdout.splitlines():
        line = json.loads(text)
        assert isinstance(line, dict), text
        assert set(line) == {"input", "status", "output", "task_id", "error", "notes"}, text
        lines.append(line)
    return lines


def in_parallel(*calls: Callable[[], T]) -> list[T]:
    """Run independent slow steps (each mostly waits on a subprocess) at the same time; results in order."""
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        futures = [pool.submit(call) for call in calls]
        return [future.result() for future in futures]


# --- images and what the sim saw ------------------------------------------------------------------


def make_images(folder: Path, count: int, fmt: str = "PNG", prefix: str = "img") -> list[Path]:
    """`count` small images with different content (the engine dedupes by content)."""
    ext = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}[fmt]
    return [
        write_image(folder / f"{prefix}{i:02d}.{ext}", fmt, (40 + i, 30 + (i * 7) % 23)) for i in range(count)
    ]


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def creates_of(stats: SimStats, path: Path) -> int:
    """How many tasks the sim created (and fetched) for the image in this file."""
    return stats.creates_by_image.get(sha256_of(path), 0)


def sim_stats(sim: SimServer) -> SimStats:
    """The sim's counters once every created task's background work is done."""
    assert sim.wait_idle(20), "the sim still works on tasks"
    return sim.stats


def set_sim_config(base_url: str, update: Mapping[str, object]) -> dict[str, Any]:
    """POST /_sim/config, as a test driving a separate sim process would."""
    with httpx.Client(trust_env=False, timeout=5) as http:
        response = http.post(f"{base_url}/_sim/config", json=dict(update))
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


class SimProcess:
    """`upscaler-gui demo-server` in its own process: the sim a user would run, driven over /_sim/.

    Many of these run at once without sharing the test process's GIL; it outlives any CLI it serves.
    """

    def __init__(self, *, key: str = KEY, latency: float = 0.3, credits: float = 1000.0) -> None:
        command = [sys.executable, "-m", "upscaler_gui", "demo-server", "--port", "0"]
        command += ["--latency", str(latency), "--key", key, "--credits", str(credits)]
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, text=True
        )
        assert self.process.stdout is not None
        self.base_url = self.process.stdout.readline().strip()  # its first line: the base URL
        assert self.base_url.startswith("http://127.0.0.1:"), self.base_url

    def configure(self, update: Mapping[str, object]) -> dict[str, Any]:
        return set_sim_config(self.base_url, update)

    def stats(self) -> SimStats:
        with httpx.Client(trust_env=False, timeout=5) as http:
            return SimStats(**http.get(f"{self.base_url}/_sim/stats").json())

    def settled_stats(self, quiet_s: float = 0.3, limit_s: float = 10.0) -> SimStats:
        """The counters once they stopped changing (the sim fetches each task's image in the background)."""
        deadline = time.monotonic() + limit_s
        before = self.stats()
        while time.monotonic() < deadline:
            time.sleep(quiet_s)
            now = self.stats()
            if now == before:
                return now
            before = now
        return before

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # SIGTERM: it stops cleanly and removes its storage
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()

    def __enter__(self) -> SimProcess:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def temp_leftovers(folder: Path) -> list[str]:
    """Our own in-progress download files (`.crisp-*.part`) still in a folder."""
    if not folder.is_dir():
        return []
    return sorted(entry.name for entry in folder.iterdir() if TEMP_NAME.match(entry.name))


def numbered_duplicates(folder: Path) -> list[str]:
    """Results saved twice under a renamed name (x_crisp-1.png)."""
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if re.search(r"_crisp-\d+\.\w+$", p.name))


# --- what must hold after any batch ----------------------------------------------------------------


def expected_exit(statuses: Iterable[str], pause: int | None = None) -> int:
    """Issue 3's table: 0 all done/skipped; 1 any failed/unknown/cancelled; 3/4 when paused."""
    found = set(statuses)
    if "paused" in found:
        assert pause in (EXIT_PAUSED, EXIT_KEY_REFUSED), f"paused jobs, but no pause expected: {found}"
        return pause
    return EXIT_FAILED if found & {"failed", "unknown", "cancelled"} else EXIT_OK


def check_batch(
    batch: Batch,
    *,
    given: Sequence[str],
    sources: Mapping[str, Path],
    out: Path,
    scale: int = 2,
) -> dict[str, dict[str, Any]]:
    """What a user relies on after any run: one JSON line per input with a known status; every input not
    done says why; every `done` result exists, decodes and is `scale` times its source; no temp file left.
    Returns the lines by input."""
    lines = batch.lines
    assert sorted(line["input"] for line in lines) == sorted(given), batch.explain()
    by_input = batch.by_input()
    for line in lines:
        assert line["status"] in STATUSES, line
        if line["status"] == "done":
            output = Path(line["output"])
            assert output.parent == out.absolute(), line
            source = sources.get(line["input"])
            if source is not None:
                width, height = decoded(source)[1]
                assert decoded(output)[1] == (width * scale, height * scale), line
            else:
                decoded(output)  # at least it decodes
        elif line["status"] != "skipped":
            assert line["error"] and len(line["error"].strip()) > 10, line
            assert "Traceback" not in line["error"], line
    assert temp_leftovers(out) == [], batch.explain()
    return by_input
