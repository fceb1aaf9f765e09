"""Everything one running sim shares between its request threads."""

from __future__ import annotations

import secrets
import threading
import time
from pathlib import Path
from random import Random
from urllib.parse import unquote, urlsplit

from upscaler_gui.sim import retention
from upscaler_gui.sim.config import SimConfig
from upscaler_gui.sim.fetch import is_loopback_host
from upscaler_gui.sim.journal import Journal
from upscaler_gui.sim.stats import SimStats, StatsRecorder
from upscaler_gui.sim.storage import Storage
from upscaler_gui.sim.tasks import TaskBook, WorkSettings

FRESH_LINK_TTL_S = 20 * 60.0  # KIE doc: download-url links are valid 20 minutes


class SimState:
    """Config, randomness, counters, files and tasks. `lock` guards the rng, credits and tokens.

    Lock order: `lock` may be held while calling the stats recorder or the task book (leaf locks),
    never the other way round. With `config.state_dir`, files and tasks live on in that folder.
    """

    def __init__(self, config: SimConfig) -> None:
        self.config = config
        self.lock = threading.RLock()
        self.rng = Random(config.seed)
        self.stats = StatsRecorder()
        if config.state_dir is not None:
            self.journal: Journal | None = Journal(config.state_dir)
            self.storage = Storage.kept_in(config.state_dir)
        else:
            self.journal, self.storage = None, Storage(config.storage_dir)
        self.tasks = TaskBook(self.storage, self.journal)
        self.stopping = threading.Event()
        self.base_url = ""
        self.port = 0
        self._tokens: dict[str, tuple[str, float]] = {}  # token -> (URL path, expiry)
        self._flips: dict[str, int] = {}

    # --- randomness -----------------------------------------------------------------------------

    def chance(self, rate: float) -> bool:
        """One deterministic draw (for a given seed and request order). No draw when the knob is off."""
        if rate <= 0.0:
            return False
        with self.lock:
            return self.rng.random() < rate

    def uniform(self, low: float, high: float) -> float:
        with self.lock:
            return self.rng.uniform(low, high)

    def flip(self, name: str) -> bool:
        """Alternates True, False, True... per name: the two forms of a quirk both get served."""
        with self.lock:
            count = self._flips.get(name, 0)
            self._flips[name] = count + 1
            return count % 2 == 0

    def reseed(self, seed: int) -> None:
        with self.lock:
            self.rng.seed(seed)
            self._flips.clear()

    # --- time -----------------------------------------------------------------------------------

    def sleep(self, seconds: float) -> None:
        """A delay that stop() cuts short."""
        if seconds > 0:
            self.stopping.wait(seconds)

    # --- URLs the sim issued -----------------------------------------------------------------------

    def own_path(self, url: str) -> str | None:
        """The URL path when `url` points at this server, else None. A persistent sim also owns the links
        an earlier run gave out on another local port, as long as it still holds the file they name."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            return None
        if parts.scheme != "http" or not is_loopback_host(parts.hostname):
            return None
        if port == self.port or (self.storage.persistent and self.local_file(parts.path) is not None):
            return parts.path
        return None

    def local_file(self, url_path: str) -> Path | None:
        """The stored file behind `/files/...` or `/results/...`, if it exists."""
        path = unquote(url_path)
        if path.startswith("/files/"):
            return self.storage.file_path(path.removeprefix("/files/"))
        if path.startswith("/results/"):
            name = path.removeprefix("/results/")
            if "/" in name or name in ("", ".", ".."):
                return None
            candidate = self.storage.results_dir / name
            return candidate if candidate.is_file() else None
        return None

    def resolve_local(self, url: str) -> Path | None:
        """For the fetcher: our own /files/ and /results/ URLs map to disk (missing ones to a dead path)."""
        path = self.own_path(url)
        if path is None or not path.startswith(("/files/", "/results/")):
            return None
        return self.local_file(path) or self.storage.root / "missing"

    def issue_token(self, url_path: str) -> str:
        token = secrets.token_hex(16)
        with self.lock:
            self._tokens[token] = (url_path, time.time() + FRESH_LINK_TTL_S)
        return token

    def token_valid(self, token: str, url_path: str) -> bool:
        with self.lock:
            entry = self._tokens.get(token)
        return entry is not None and entry[0] == url_path and time.time() < entry[1]

    # --- what an earlier sim on the same state dir left ------------------------------------------------

    def take_up_earlier_work(self) -> None:
        """Forget what KIE would have deleted by now, then finish the earlier sims' tasks (once bound:
        their work may fetch from this server)."""
        if self.journal is None:
            return
        self.journal.remember_port(self.port)
        tasks = retention.tidy(self.journal, self.storage)
        self.tasks.restore(tasks, self.work_settings())

    def work_settings(self) -> WorkSettings:
        """What a task's background work needs, from the config as it is now."""
        config = self.config
        return WorkSettings(config.scale, config.result_format, self.resolve_local, self.stats.count_image)

    def remember_upload(self, path: Path) -> None:
        if self.journal is not None:
            self.journal.add_upload(self.storage.upload_key(path), time.time())

    # --- stats ------------------------------------------------------------------------------------

    def snapshot(self) -> SimStats:
        return self.stats.snapshot(self.config.credits)

    def close(self) -> None:
        self.stopping.set()
        self.tasks.close()
        self.storage.remove()
        if self.journal is not None:
            self.journal.close()
