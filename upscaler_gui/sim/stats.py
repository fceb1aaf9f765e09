"""What the sim saw: counters, the per-key sliding-window limiter, and the peak rates it measured."""

from __future__ import annotations

import math
import threading
import time
from collections import Counter, deque
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class SimStats:
    """A snapshot. Peaks count requests the limiter let through, so they show a client's own pacing."""

    creates: int = 0
    creates_by_image: dict[str, int] = field(default_factory=dict)  # sha256 of fetched source -> tasks
    record_calls: int = 0  # every authorised recordInfo request, limited or not
    record_calls_by_task: dict[str, int] = field(default_factory=dict)
    uploads: int = 0
    downloads: int = 0  # result fetches answered with 200
    rate_limited_by_limit: int = 0
    rate_limited_by_fault: int = 0
    faults_served: dict[str, int] = field(default_factory=dict)
    peak_creates_per_window: int = 0
    peak_records_per_window: int = 0
    credits: float = 0.0
    requests: int = 0  # every request except the /_sim/ control endpoints

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


class SlidingWindow:
    """Times (monotonic) of the requests let through in the last window."""

    def __init__(self) -> None:
        self._times: deque[float] = deque()

    def count(self, now: float, window_s: float) -> int:
        while self._times and self._times[0] <= now - window_s:
            self._times.popleft()
        return len(self._times)

    def add(self, now: float) -> int:
        self._times.append(now)
        return len(self._times)

    def retry_after(self, now: float, window_s: float) -> int:
        """Whole seconds until the oldest request leaves the window (at least 1)."""
        if not self._times:
            return 1
        return max(1, math.ceil(self._times[0] + window_s - now))


class Limiter:
    """Per-key sliding windows for one endpoint; remembers the fullest window it ever saw."""

    def __init__(self) -> None:
        self._windows: dict[str, SlidingWindow] = {}
        self.peak = 0

    def admit(self, key: str, limit: int, window_s: float, now: float) -> int | None:
        """None when let through (and counted), else the Retry-After seconds."""
        window = self._windows.setdefault(key, SlidingWindow())
        if limit > 0 and window.count(now, window_s) >= limit:
            return window.retry_after(now, window_s)
        window.count(now, window_s)  # prune, so the peak is this window's true size
        self.peak = max(self.peak, window.add(now))
        return None


class StatsRecorder:
    """Thread-safe counters behind `SimServer.stats`. A leaf lock: it never calls out while held."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()
        self._by_image: Counter[str] = Counter()
        self._by_task: Counter[str] = Counter()
        self._faults: Counter[str] = Counter()
        self._creates = Limiter()
        self._records = Limiter()

    def count(self, name: str) -> None:
        with self._lock:
            self._counts[name] += 1

    def creates(self) -> int:
        with self._lock:
            return self._counts["creates"]

    def count_image(self, sha256: str) -> None:
        with self._lock:
            self._by_image[sha256] += 1

    def count_record(self, task_id: str) -> None:
        with self._lock:
            self._counts["record_calls"] += 1
            if task_id:
                self._by_task[task_id] += 1

    def count_fault(self, name: str) -> None:
        with self._lock:
            self._faults[name] += 1
            if name == "429":
                self._counts["rate_limited_by_fault"] += 1

    def admit(self, endpoint: str, key: str, limit: int, window_s: float) -> int | None:
        """The sim's own rate limiter for "create" and "record": None = let through, else Retry-After."""
        limiter = self._creates if endpoint == "create" else self._records
        with self._lock:
            retry_after = limiter.admit(key, limit, window_s, time.monotonic())
            if retry_after is not None:
                self._counts["rate_limited_by_limit"] += 1
            return retry_after

    def snapshot(self, credits: float) -> SimStats:
        with self._lock:
            counts = self._counts
            return SimStats(
                creates=counts["creates"],
                creates_by_image=dict(self._by_image),
                record_calls=counts["record_calls"],
                record_calls_by_task=dict(self._by_task),
                uploads=counts["uploads"],
                downloads=counts["downloads"],
                rate_limited_by_limit=counts["rate_limited_by_limit"],
                rate_limited_by_fault=counts["rate_limited_by_fault"],
                faults_served=dict(self._faults),
                peak_creates_per_window=self._creates.peak,
                peak_records_per_window=self._records.peak,
                credits=credits,
                requests=counts["requests"],
            )
