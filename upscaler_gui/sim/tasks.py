"""Tasks: created at once, fetched and upscaled in a small thread pool, their state derived from time.

A task passes waiting -> queuing -> generating over `task_seconds`; it reaches success/fail only once
that time has passed AND the background work is done. States are computed when polled: no timers.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from typing import Protocol

from upscaler_gui.core import log
from upscaler_gui.sim.fetch import FetchError, LocalResolver, fetch
from upscaler_gui.sim.imaging import FORMATS, PERMANENT_FAIL_CODE, ImageCheckError, upscale
from upscaler_gui.sim.storage import Storage, write_atomic

_WORKERS = min(8, os.cpu_count() or 4)  # Pillow releases the GIL while resizing and encoding
_QUEUING_AT = 0.1  # share of the task's time spent waiting, then queuing until _GENERATING_AT
_GENERATING_AT = 0.3

FailCode = str | int


class TaskJournal(Protocol):
    """Where a persistent sim keeps its tasks (sim/journal.py's Journal): named here, not imported, so
    the journal can import the Task it stores."""

    def insert_task(self, task: Task) -> bool: ...

    def save_task(self, task: Task) -> None: ...

    def task(self, task_id: str) -> Task | None: ...


@dataclass
class Task:
    task_id: str
    model: str
    param: str  # the create body as a JSON string, as KIE echoes it
    image_url: str
    created: float  # Unix seconds
    duration_s: float
    cost: float
    planned_fail: tuple[FailCode, str] | None = None  # decided at create by the task-fail fault
    work_done_at: float | None = None
    result_name: str | None = None
    fail: tuple[FailCode, str] | None = None
    image_sha256: str | None = None  # of the fetched source, once fetched

    def finished_at(self) -> float | None:
        if self.work_done_at is None:
            return None
        return max(self.created + self.duration_s, self.work_done_at)

    def state(self, now: float) -> str:
        done = self.finished_at()
        if done is not None and now >= done:
            return "fail" if self.fail else "success"
        share = (now - self.created) / self.duration_s if self.duration_s > 0 else 1.0
        if share < _QUEUING_AT:
            return "waiting"
        return "queuing" if share < _GENERATING_AT else "generating"

    def updated_at(self, now: float) -> float:
        done = self.finished_at()
        if done is not None and now >= done:
            return done
        share = (now - self.created) / self.duration_s if self.duration_s > 0 else 1.0
        step = _GENERATING_AT if share >= _GENERATING_AT else _QUEUING_AT if share >= _QUEUING_AT else 0.0
        return self.created + step * self.duration_s


@dataclass(frozen=True)
class WorkSettings:
    """What the background work needs, read from the config at create time."""

    scale: int
    result_format: str | None
    resolve_local: LocalResolver
    count_image: Callable[[str], None]
    redo: bool = False  # the work of a task an earlier sim created: counted there, due when it was due


class TaskBook:
    """All tasks by id, and the pool that fetches and upscales their images.

    With a journal (the persistent demo), every task is written there when created and when its work is
    done, so the next sim on the same state dir can answer for it (`restore`), and a task another live
    sim created on that state dir is read from there when asked for (`get`).
    """

    def __init__(self, storage: Storage, journal: TaskJournal | None = None) -> None:
        self._storage = storage
        self._journal = journal
        self._lock = threading.Lock()
        self._tasks: dict[str, Task] = {}
        self._foreign: set[str] = set()  # ids of tasks another live sim works on
        self._last_id = 0
        self._pool = ThreadPoolExecutor(max_workers=_WORKERS, thread_name_prefix="kie-sim-work")
        self._pending: set[Future[None]] = set()
        self._closing = False

    def new_id(self) -> str:
        """task_recraft_<Unix ms>, bumped when two creates share a millisecond."""
        with self._lock:
            self._last_id = max(self._last_id + 1, int(time.time() * 1000))
            return f"task_recraft_{self._last_id}"

    def add(self, task: Task, work: WorkSettings) -> None:
        """Keep the task and start its work. Its id changes if another sim on the journal took it."""
        while self._journal is not None and not self._journal.insert_task(task):
            task.task_id = self.new_id()
        with self._lock:
            self._tasks[task.task_id] = task
            self._submit(task, work)

    def restore(self, tasks: Iterable[Task], work: WorkSettings) -> None:
        """Take up tasks an earlier sim created: each finishes as it would have, its work redone when
        that sim stopped before it was done or its result is gone."""
        redo = replace(work, redo=True)
        with self._lock:
            for task in tasks:
                self._tasks[task.task_id] = task
                self._foreign.discard(task.task_id)
                self._last_id = max(self._last_id, _id_number(task.task_id))
                if _needs_work(task, self._storage):
                    task.work_done_at, task.result_name, task.fail = None, None, None
                    self._submit(task, redo)

    def get(self, task_id: str) -> Task | None:
        with self._lock:
            task = self._tasks.get(task_id)
            if task is not None and (task_id not in self._foreign or task.work_done_at is not None):
                return task
        stored = self._journal.task(task_id) if self._journal is not None else None
        if stored is None:
            return task
        with self._lock:
            self._tasks[task_id] = stored
            self._foreign.add(task_id)
            return stored

    def _submit(self, task: Task, work: WorkSettings) -> None:
        """Start the work on a task (with `_lock` held)."""
        try:
            future = self._pool.submit(self._work, task, work)
        except RuntimeError:  # a create that raced stop(): the task is never worked on
            return
        self._pending.add(future)
        future.add_done_callback(self._forget)

    def wait_idle(self, timeout: float | None) -> bool:
        with self._lock:
            pending = list(self._pending)
        return not wait(pending, timeout=timeout).not_done

    def close(self) -> None:
        self._closing = True
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _forget(self, future: Future[None]) -> None:
        with self._lock:
            self._pending.discard(future)

    def _work(self, task: Task, work: WorkSettings) -> None:
        try:
            outcome = self._outcome(task, work)
        except Exception:
            if self._closing:  # during stop the storage vanishes under us: not a bug, nor an outcome
                return
            log.sim.exception("sim: work on %s crashed", task.task_id)
            outcome = ("500", "internal error, try again later")
        with self._lock:
            if isinstance(outcome, str):
                task.result_name = outcome
            else:
                task.fail = outcome
            # KIE would have finished it long ago: its times (and costTime) say so, not this restart.
            due = task.created + task.duration_s
            task.work_done_at = min(time.time(), due) if work.redo else time.time()
            if self._journal is not None:
                self._journal.save_task(task)

    def _outcome(self, task: Task, work: WorkSettings) -> str | tuple[FailCode, str]:
        """The result's file name, or (failCode, failMsg)."""
        try:
            data = fetch(task.image_url, work.resolve_local)
        except FetchError as exc:
            return (PERMANENT_FAIL_CODE, str(exc))
        task.image_sha256 = hashlib.sha256(data).hexdigest()
        if not work.redo:
            work.count_image(task.image_sha256)
        if task.planned_fail is not None:
            return task.planned_fail
        try:
            result, fmt = upscale(data, work.scale, work.result_format)
        except ImageCheckError as exc:
            return (PERMANENT_FAIL_CODE, str(exc))
        name = f"{task.task_id}.{FORMATS[fmt][0]}"
        write_atomic(self._storage.result_path(name), result)
        log.sim.debug("sim: %s upscaled to %s (%d bytes)", task.task_id, name, len(result))
        return name


def _needs_work(task: Task, storage: Storage) -> bool:
    if task.work_done_at is None:
        return True
    if task.fail is not None:
        return False
    return task.result_name is None or not storage.result_path(task.result_name).is_file()


def _id_number(task_id: str) -> int:
    number = task_id.rsplit("_", 1)[-1]
    return int(number) if number.isdigit() else 0


def record_data(task: Task, now: float, base_url: str, cost_time_unit: str) -> dict[str, object]:
    """recordInfo's `data`, with KIE's quirks: resultJson is a JSON string, times are Unix ms."""
    state = task.state(now)
    done = task.finished_at() if state in ("success", "fail") else None
    fail_code, fail_msg = task.fail if state == "fail" and task.fail else ("", "")
    data: dict[str, object] = {
        "taskId": task.task_id,
        "model": task.model,
        "state": state,
        "param": task.param,
        "resultJson": "",
        "failCode": fail_code,
        "failMsg": fail_msg,
        "costTime": 0,
        "completeTime": _ms(done) if done is not None else None,
        "createTime": _ms(task.created),
        "updateTime": _ms(task.updated_at(now)),
    }
    if state == "success" and done is not None:
        urls = [f"{base_url}/results/{task.result_name}"]
        data["resultJson"] = json.dumps({"resultUrls": urls}, separators=(",", ":"))
        data["costTime"] = _cost_time(done - task.created, cost_time_unit)
        data["creditsConsumed"] = task.cost
    return data


def _ms(seconds: float) -> int:
    return int(seconds * 1000)


def _cost_time(seconds: float, unit: str) -> int:
    # Seconds are rounded up: a finished task never reports having taken no time.
    return math.ceil(seconds) if unit == "s" else int(seconds * 1000)
