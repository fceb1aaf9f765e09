"""A question in a window-modal box that never blocks: opened with open(), answered through a callback.

qasync forbids a nested event loop inside an async slot, so no `exec()`: the box is shown, the caller
returns, and `on_yes` runs when (and only if) the user picks the first button.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget


def ask(
    parent: QWidget,
    *,
    title: str,
    text: str,
    details: str,
    yes: str,
    no: str,
    on_yes: Callable[[], None],
) -> QMessageBox:
    """Show the question; `on_yes` runs if the user confirms. The box deletes itself when answered."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent)
    box.setInformativeText(details)
    confirm = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(cancel)  # Enter must not spend money or drop work by accident
    box.setEscapeButton(cancel)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setWindowModality(Qt.WindowModality.WindowModal)
    box.buttonClicked.connect(lambda button: on_yes() if button is confirm else None)
    box.open()
    return box
