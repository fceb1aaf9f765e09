"""The window's worker threads run at a lower CPU priority than its Qt thread.

A batch keeps several workers busy at once (preparing uploads, checking results, reading thumbnails,
halving compare images), mostly in C code that runs beside the GIL. On a machine with two cores they
and the Qt thread queue for the same CPUs, and at equal priority the Qt thread waits its turn: a paint
of 8.6 ms took 14-20 ms (median) beside three such workers (bench/worker_priority.py), 7-11 ms with
them at `BACKGROUND_NICE`. All workers get the same value, so a worker that holds the GIL waits for the
CPU it needs to hand the GIL back only behind its equals, as before (lowering the thumbnail readers
alone, tried earlier, showed no gain).

Linux only: there a nice value belongs to a thread. Elsewhere it belongs to the process (macOS) or
takes another API (Windows), and the workers keep the window's priority. The engine's job-store thread
is not lowered: the taskId of a paid create is written there, and it needs almost no CPU.
"""

from __future__ import annotations

import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

from upscaler_gui.core import log

BACKGROUND_NICE = 10  # weight 110 against the Qt thread's 1024: it wins a CPU at once, workers still run
DEFAULT_WORKERS = 10  # qasync's default executor had 10 threads; the same, to keep the batch's pace


def lower_this_thread() -> int | None:
    """Puts the calling thread at `BACKGROUND_NICE` (never back up: a `nice`d start stays lower);
    returns its nice value now, or None where a thread has none of its own."""
    if not sys.platform.startswith("linux"):
        return None
    thread = threading.get_native_id()
    try:
        now = os.getpriority(os.PRIO_PROCESS, thread)
        if now < BACKGROUND_NICE:
            os.setpriority(os.PRIO_PROCESS, thread, BACKGROUND_NICE)
            now = BACKGROUND_NICE
        return now
    except OSError as error:  # a sandbox may forbid it: the work still runs, only at the window's priority
        log.ui.debug("worker priority left as it is: %s", error)
        return None


def background_executor(max_workers: int, name: str) -> ThreadPoolExecutor:
    """A thread pool whose threads run at the background priority from their first task."""
    return ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix=name, initializer=lower_this_thread)
