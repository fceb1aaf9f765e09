"""The end-of-batch message where the desktop has no tray (GNOME): its notification service.

org.freedesktop.Notifications.Notify, on the session bus, as GNOME, KDE, Xfce, dunst and mako serve it;
the message stays until the user dismisses it (expire_timeout 0 = never, and the `resident` hint), and
the next batch's message replaces it instead of piling up.

Sent with jeepney, not QtDBus: Notify's signature is `susssasa{sv}i`, and PySide6 cannot give a Python
int the D-Bus type uint32 (it has no `QDBusArgument(value, type)`; a Python int goes out as int32), so
the call QtDBus makes (`sisssasa{sv}i`) is refused by GNOME Shell and every GDBus-based service
(InvalidArgs). jeepney writes the exact signature; it is pure Python, already installed with keyring's
Secret Service on Linux, and runs on the app's asyncio loop: nothing blocks the window.
"""

from __future__ import annotations

import asyncio
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from upscaler_gui.core import log

SERVICE = "org.freedesktop.Notifications"
OBJECT_PATH = "/org/freedesktop/Notifications"
NOTIFY_SIGNATURE = "susssasa{sv}i"
NEVER_EXPIRES = 0  # the spec: 0 = the notification never expires
URGENCY_NORMAL = 1  # 2 (critical) would stay on screen over the user's work: too much for "done"
DESKTOP_ENTRY = "upscaler-gui"  # GNOME shows the app's name and icon from its .desktop file
APP_NAME = "Crisp Upscaler"
REPLY_TIMEOUT_S = 5.0  # a service that takes longer is taken as absent; the status bar said it anyway


@dataclass(frozen=True)
class Notification:
    summary: str
    body: str
    replaces_id: int = 0  # the id of our last message: the new one takes its place
    icon: str = DESKTOP_ENTRY  # a theme icon name, or a file's path


def notify_call(notification: Notification) -> Any:
    """The exact D-Bus method call (a jeepney Message) that shows `notification`."""
    from jeepney import DBusAddress, new_method_call

    hints = {
        "desktop-entry": ("s", DESKTOP_ENTRY),
        "resident": ("b", True),  # kept in the message list after it is clicked
        "urgency": ("y", URGENCY_NORMAL),
    }
    body: tuple[object, ...] = (
        APP_NAME,
        notification.replaces_id,
        notification.icon,
        notification.summary,
        notification.body,
        [],  # no actions
        hints,
        NEVER_EXPIRES,
    )
    address = DBusAddress(OBJECT_PATH, bus_name=SERVICE, interface=SERVICE)
    return new_method_call(address, "Notify", NOTIFY_SIGNATURE, body)


def session_bus_address() -> str | None:
    """$DBUS_SESSION_BUS_ADDRESS, else systemd's socket in $XDG_RUNTIME_DIR; None without either."""
    address = os.environ.get("DBUS_SESSION_BUS_ADDRESS", "").strip()
    if address:
        return address
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    if runtime and Path(runtime, "bus").exists():
        return f"unix:path={Path(runtime, 'bus')}"
    return None


class DesktopNotifier:
    """Shows messages through the desktop's notification service, each replacing the one before."""

    def __init__(self, bus_address: str | None = None, icon: str = DESKTOP_ENTRY) -> None:
        on_linux = sys.platform.startswith("linux")
        self.bus_address = bus_address or (session_bus_address() if on_linux else None)
        self.icon = icon
        self.last_id = 0

    @property
    def available(self) -> bool:
        """A session bus to ask (whether a service answers on it is known only by asking)."""
        return self.bus_address is not None

    async def notify(self, summary: str, body: str) -> bool:
        """Shown, or not (no bus, no service, an error): said in the log, never raised."""
        if self.bus_address is None:
            return False
        try:
            reply = await asyncio.wait_for(self._call(summary, body), REPLY_TIMEOUT_S)
        except Exception as exc:  # jeepney's errors have no common root: OSError, DBusErrorResponse...
            log.ui.info("no desktop notification (%s: %s)", type(exc).__name__, exc)
            return False
        self.last_id = int(reply[0])
        return True

    async def _call(self, summary: str, body: str) -> tuple[Any, ...]:
        from jeepney.io.asyncio import open_dbus_router
        from jeepney.wrappers import unwrap_msg

        message = notify_call(Notification(summary, body, self.last_id, self.icon))
        async with open_dbus_router(self.bus_address) as router:
            result: tuple[Any, ...] = unwrap_msg(await router.send_and_get_reply(message))
            return result
