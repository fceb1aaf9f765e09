"""The main window's toolbar: Add, then start/pause and clear, then (at the far end) Settings.

Its actions carry their shortcuts (also shown in the menus, which hold the same actions); the window
connects each one's `triggered`. Each button is named for screen readers after its action's text.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QSizePolicy, QToolBar, QWidget


class MainToolbar(QToolBar):
    """Text only, not movable."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Main"))
        self.setObjectName("main-toolbar")
        self.setAccessibleName(self.tr("Main toolbar"))
        self.setMovable(False)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.add_files = self._action(self.tr("Add files…"), QKeySequence.StandardKey.Open)
        self.add_folder = self._action(self.tr("Add folder…"), QKeySequence("Ctrl+Shift+O"))
        self.add_link = self._action(self.tr("Add link…"), QKeySequence("Ctrl+L"))
        self.addSeparator()
        self.start_pause = self._action(self.tr("Pause"), QKeySequence("Ctrl+P"))
        self.clear_finished = self._action(self.tr("Clear finished"), QKeySequence("Ctrl+Shift+Del"))
        spacer = QWidget(self)
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.addWidget(spacer)
        self.open_settings = self._action(self.tr("Settings…"), QKeySequence("Ctrl+,"))
        self.open_settings.setMenuRole(QAction.MenuRole.PreferencesRole)

    def _action(self, text: str, shortcut: QKeySequence | QKeySequence.StandardKey | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
            action.setToolTip(f"{text.removesuffix('…')} ({action.shortcut().toString()})")
        self.addAction(action)
        self._name_button(action)
        action.changed.connect(lambda: self._name_button(action))
        return action

    def add(self, action: QAction) -> None:
        """An action made elsewhere (the spending history), its button named like the others."""
        self.addAction(action)
        self._name_button(action)
        action.changed.connect(lambda: self._name_button(action))

    def _name_button(self, action: QAction) -> None:
        button = self.widgetForAction(action)
        if button is not None:
            button.setAccessibleName(action.text().removesuffix("…"))

    def show_paused(self, paused: bool) -> None:
        self.start_pause.setText(self.tr("Resume") if paused else self.tr("Pause"))
