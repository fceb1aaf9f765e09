"""The tray icon: a notification when a batch ends, and (while watching) a way back to the window.

Where the desktop has no tray (GNOME), the batch's message goes to the desktop's notification service
instead (`notifications.DesktopNotifier`), through `spawn` (the window's task keeper).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon, QWidget

from upscaler_gui.ui.shell.notifications import DesktopNotifier
from upscaler_gui.ui.shell.resources import ICON_NAME, app_icon, resources_dir

Spawn = Callable[[Coroutine[Any, Any, Any], str], None]


def notification_icon() -> str:
    """The app's icon file where the theme may lack it (a source checkout, the tarball), else its name."""
    png = resources_dir() / "icons" / f"{ICON_NAME}-256.png"
    return str(png) if png.is_file() else ICON_NAME


class Tray(QObject):
    quit_requested = Signal()

    def __init__(
        self, window: QWidget, *, spawn: Spawn | None = None, notifier: DesktopNotifier | None = None
    ) -> None:
        super().__init__(window)
        self.window = window
        self._spawn = spawn
        self.notifier = notifier or DesktopNotifier(icon=notification_icon())
        self.available = QSystemTrayIcon.isSystemTrayAvailable()
        self.icon = QSystemTrayIcon(app_icon(), self)
        self.icon.setToolTip(self.tr("Crisp Upscaler"))
        menu = QMenu(window)
        show = QAction(self.tr("Show window"), menu)
        show.triggered.connect(self.show_window)
        quit_action = QAction(self.tr("Quit"), menu)
        quit_action.triggered.connect(self.quit_requested.emit)
        self.stop_watching = QAction(self.tr("Stop watching"), menu)
        self.stop_watching.setVisible(False)
        menu.addAction(show)
        menu.addAction(self.stop_watching)
        menu.addAction(quit_action)
        self.icon.setContextMenu(menu)
        self.icon.activated.connect(lambda _reason: self.show_window())
        if self.available:
            self.icon.show()
        window.tray_available = self.available  # type: ignore[attr-defined]
        watching_changed = getattr(window, "watching_changed", None)
        if watching_changed is not None:
            watching_changed.connect(self._watching)
        batch_finished = getattr(window, "batch_finished", None)
        if batch_finished is not None:
            batch_finished.connect(self.notify)

    def notify(self, text: str) -> None:
        """A desktop notification when a batch ends (the status bar says it too): the tray's balloon, or
        without a tray the desktop's notification service, where it stays until dismissed."""
        if self.available and self.icon.isVisible():
            self.icon.showMessage(
                self.tr("Crisp Upscaler"), text, QSystemTrayIcon.MessageIcon.Information, 8000
            )
        elif self._spawn is not None and self.notifier.available:
            self._spawn(self.notifier.notify(self.tr("Crisp Upscaler"), text), "Desktop notification")

    def show_window(self) -> None:
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()

    def _watching(self, watching: bool) -> None:
        self.stop_watching.setVisible(watching)
        self.icon.setToolTip(
            self.tr("Crisp Upscaler: watching a folder") if watching else self.tr("Crisp Upscaler")
        )

    def hide(self) -> None:
        self.icon.hide()
