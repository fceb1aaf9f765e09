"""Opening files and folders the way the user's desktop does it."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QProcess, QUrl
from PySide6.QtGui import QDesktopServices

from upscaler_gui.core import log


def open_path(path: Path) -> bool:
    """Open a file or folder with its default application."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def show_in_folder(path: Path) -> bool:
    """Open the file's folder with the file selected, where the platform can select it."""
    if sys.platform == "win32":
        return QProcess.startDetached("explorer.exe", [f"/select,{path}"])[0]
    if sys.platform == "darwin":
        return QProcess.startDetached("open", ["-R", str(path)])[0]
    if _freedesktop_show_items(path):
        return True
    return open_path(path.parent)


def _freedesktop_show_items(path: Path) -> bool:
    """The FileManager1 D-Bus interface (Nautilus, Dolphin, Nemo, Thunar...) selects the file."""
    try:
        from PySide6.QtDBus import QDBusConnection, QDBusInterface, QDBusMessage
    except ImportError:
        return False
    bus = QDBusConnection.sessionBus()
    if not bus.isConnected():
        return False
    iface = QDBusInterface(
        "org.freedesktop.FileManager1", "/org/freedesktop/FileManager1", "org.freedesktop.FileManager1", bus
    )
    if not iface.isValid():
        return False
    reply = iface.call("ShowItems", [QUrl.fromLocalFile(str(path)).toString()], "")
    ok = reply.type() != QDBusMessage.MessageType.ErrorMessage
    if not ok:
        log.ui.info("file manager could not show %s: %s", path.name, reply.errorMessage())
    return ok
