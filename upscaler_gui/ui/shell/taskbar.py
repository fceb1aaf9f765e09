"""Batch progress on the taskbar or dock icon, where the desktop shows it.

Linux docks (GNOME's Dash to Dock, KDE's task manager, Plank, Unity) read the Unity LauncherEntry
D-Bus signal; Qt 6 has no taskbar-progress API for Windows or macOS, so there it is a no-op.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from upscaler_gui.core import log

if TYPE_CHECKING:
    from PySide6.QtDBus import QDBusConnection

DESKTOP_ID = "io.github.crispupscaler.upscaler_gui.desktop"  # as installed: packaging/README.md
ENTRY_PATH = "/com/canonical/unity/launcherentry/upscaler_gui"
ENTRY_INTERFACE = "com.canonical.Unity.LauncherEntry"


class TaskbarProgress:
    """Shows done/total as a progress bar on the app's dock icon; hidden when nothing runs."""

    def __init__(self) -> None:
        self._bus = _session_bus() if sys.platform.startswith("linux") else None
        self._last: tuple[int, int] | None = None

    @property
    def available(self) -> bool:
        return self._bus is not None

    def show(self, finished: int, total: int) -> None:
        if self._bus is None or (finished, total) == self._last:
            return
        self._last = (finished, total)
        running = total > 0 and finished < total
        self._send(
            {
                "progress": finished / total if total else 0.0,
                "progress-visible": running,
                "count": total - finished,
                "count-visible": running,
            }
        )

    def _send(self, properties: dict[str, object]) -> None:
        from PySide6.QtDBus import QDBusMessage

        message = QDBusMessage.createSignal(ENTRY_PATH, ENTRY_INTERFACE, "Update")
        message.setArguments([f"application://{DESKTOP_ID}", properties])
        bus = self._bus
        if bus is not None and not bus.send(message):
            log.ui.debug("dock progress not sent: %s", bus.lastError().message())


def _session_bus() -> QDBusConnection | None:
    try:
        from PySide6.QtDBus import QDBusConnection
    except ImportError:
        return None
    bus = QDBusConnection.sessionBus()
    return bus if bus.isConnected() else None
