"""The "Add link" dialog: one or more links, Enter adds them, Shift+Enter starts a new line.

A plain-text field (pasting a list of links keeps its lines), but Enter confirms as in any one-line
field; opened with open() and answered through `links_given`, never exec().
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class LinkDialog(QDialog):
    links_given = Signal(list)  # list[str]: the words of the text, each a link to try

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Add link"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        label = QLabel(self.tr("Image links (http or https); Shift+Enter starts a new line:"), self)
        label.setWordWrap(True)
        self.field = QPlainTextEdit(self)
        self.field.setTabChangesFocus(True)
        self.field.setAccessibleName(self.tr("Image links"))
        self.field.setPlaceholderText("https://example.com/photo.jpg")
        self.field.installEventFilter(self)
        label.setBuddy(self.field)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, parent=self
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Add"))
        self.ok_button.setAccessibleName(self.tr("Add"))
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleName(cancel.text())
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.field)
        layout.addWidget(buttons)
        self.resize(520, 180)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self.field and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            shifted = event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            if event.key() in _ENTER_KEYS and not shifted:
                self.accept()
                return True
        return super().eventFilter(watched, event)

    def accept(self) -> None:
        words = self.field.toPlainText().split()
        super().accept()
        if words:
            self.links_given.emit(words)
