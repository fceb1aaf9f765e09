"""Cyclic garbage is collected on the Qt thread only.

Python runs its cyclic GC in whichever thread happens to allocate at the moment. In this app that can be
a worker (a thumbnail read, an `asyncio.to_thread` call, the watch observer), and a cycle may hold the
wrapper of a Qt object (a painter, a timer, a pixmap): its C++ destructor then runs off the GUI thread
while that thread paints. The UI bench saw it: 3 segfaults in 17 runs, each in paint code, with the
bench's own threads allocating; the test suite saw it with qasync's timers. So the automatic GC is off
while the window runs, and a timer on the Qt thread collects, by the thresholds Python itself uses.

Once the window is up, what the start made (modules, classes, Qt wrappers: ~60,000 objects that live as
long as the app) is frozen out of the collector's scans: a full collection during a batch then walks
~15,000 objects, not ~75,000 (the UI bench: its longest GC pass 4 ms instead of 28-98 ms).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

from upscaler_gui.core import log

INTERVAL_MS = 100  # short: each young-generation pass stays small (a few ms at most)
FREEZE_AFTER_MS = 1500  # the window is shown at ~0.3 s; what comes later stays in the young generations


def generation_due(counts: tuple[int, int, int], thresholds: tuple[int, int, int]) -> int | None:
    """The oldest generation Python would collect now (None: nothing is due), as gc.collect's rule:
    generation 0 after threshold0 allocations, an older one after threshold collections of the one below."""
    if thresholds[0] == 0 or counts[0] <= thresholds[0]:
        return None
    due = 0
    for generation in (1, 2):
        if counts[generation] <= thresholds[generation]:
            break
        due = generation
    return due


class MainThreadCollector(QObject):
    """While started, the cyclic GC runs only from this timer, on the thread that owns it (the Qt one)."""

    def __init__(
        self,
        parent: QObject | None = None,
        interval_ms: int = INTERVAL_MS,
        freeze_after_ms: int = FREEZE_AFTER_MS,
    ) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.collect_if_due)
        self._freeze = QTimer(self)
        self._freeze.setSingleShot(True)
        self._freeze.setInterval(freeze_after_ms)
        self._freeze.timeout.connect(self.freeze_what_start_made)
        self._was_enabled = gc.isenabled()

    def start(self) -> None:
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer.start()
        self._freeze.start()

    def stop(self) -> None:
        """Collect what is left here, on the Qt thread, and give the GC back to Python (unfrozen)."""
        self._timer.stop()
        self._freeze.stop()
        gc.unfreeze()
        gc.collect()
        if self._was_enabled:
            gc.enable()

    def freeze_what_start_made(self) -> None:
        """Leave every object alive now out of later collections. No collection first: that would be
        the very pause this avoids (a batch may be running already), and the start's garbage is small."""
        gc.freeze()
        log.ui.debug("gc: %d objects of the start frozen", gc.get_freeze_count())

    def collect_if_due(self) -> int | None:
        """Collect the generation that is due, if any; which one it was."""
        generation = generation_due(gc.get_count(), gc.get_threshold())
        if generation is not None:
            found = gc.collect(generation)
            if found:
                log.ui.debug("gc: generation %d freed %d objects", generation, found)
        return generation
