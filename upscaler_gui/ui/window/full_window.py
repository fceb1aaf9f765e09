"""The compare view in the whole window, like Upscayl's big slider: F11 or a double-click on it, Esc
(or F11, or a double-click) back. The toolbar, the folder rows and the queue step aside; the menu bar
and the status bar (the batch's progress) stay.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from upscaler_gui.ui.compare.view import CompareView


class FullWindowCompare(QObject):
    changed = Signal(bool)

    def __init__(
        self,
        compare: CompareView,
        aside: Sequence[QWidget],
        toggle: QAction,
        leave: QAction,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._compare, self._aside = compare, list(aside)
        self._toggle, self._leave = toggle, leave
        self._hidden: list[QWidget] = []
        toggle.triggered.connect(self.set_active)
        leave.triggered.connect(lambda: self.set_active(False))
        compare.full_window_requested.connect(lambda: self.set_active(not self.active))

    @property
    def active(self) -> bool:
        return bool(self._hidden)

    def set_active(self, active: bool) -> None:
        if active == self.active:
            self._toggle.setChecked(active)
            return
        if active and not self._compare.isVisible():  # no queue yet (the drop zone): nothing to show
            self._toggle.setChecked(False)
            return
        if active:
            self._hidden = [widget for widget in self._aside if not widget.isHidden()]
            for widget in self._hidden:
                widget.hide()
            self._compare.setFocus()
        else:
            for widget in self._hidden:
                widget.show()
            self._hidden = []
        self._compare.fit()
        self._toggle.setChecked(active)
        self._leave.setEnabled(active)
        self.changed.emit(active)
