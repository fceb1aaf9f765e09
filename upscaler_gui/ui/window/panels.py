"""The empty queue's drop zone and the first-run panel."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from upscaler_gui.ui.settings.key_check import KEY_PAGE
from upscaler_gui.ui.shell.resources import app_icon


class DropZone(QWidget):
    """Shown while the queue is empty: says what can be dropped; lights up while a drag is held over it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._hot = False
        self.setAccessibleName(self.tr("Drop zone"))
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        icon = QLabel(self)
        icon.setPixmap(app_icon().pixmap(96, 96))
        icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title = QLabel(self.tr("Drop images, folders or links here"), self)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        title.setFont(font)
        formats = self.tr("PNG, JPEG, WEBP, HEIC, AVIF, TIFF, BMP, GIF · paste with Ctrl+V · or Add files…")
        hint = QLabel(formats, self)
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        for widget in (icon, title, hint):
            layout.addWidget(widget)
        layout.addStretch(1)

    def set_hot(self, hot: bool) -> None:
        self._hot = hot
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        role = QPalette.ColorRole.Highlight if self._hot else QPalette.ColorRole.Mid
        color = self.palette().color(role)
        with QPainter(self) as painter:  # ended here, whoever keeps this frame (test_painters)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            if self._hot:
                fill = QColor(color)
                fill.setAlpha(40)
                painter.setBrush(fill)
            painter.setPen(QPen(color, 2.5, Qt.PenStyle.DashLine))
            painter.drawRoundedRect(QRectF(self.rect()).adjusted(16, 16, -16, -16), 18, 18)


class FirstRunPanel(QWidget):
    """No key yet: paste one, get one, or try the offline demo."""

    key_entered = Signal(str)
    demo_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        icon = QLabel(self)
        icon.setPixmap(app_icon().pixmap(96, 96))
        icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title = QLabel(self.tr("Welcome to Crisp Upscaler"), self)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        title.setFont(font)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text = QLabel(
            self.tr(
                "Images are upscaled by KIE AI's recraft/crisp-upscale model (about 0.5 credits each).<br>"
                "Paste your KIE API key to start, or try everything offline first."
            ),
            self,
        )
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text.setWordWrap(True)
        link_text = self.tr("Get a key on kie.ai")  # outside the f-string: lupdate reads no f-string
        link = QLabel(f'<a href="{KEY_PAGE}">{link_text}</a>', self)
        link.setOpenExternalLinks(True)
        link.setAccessibleName(link_text)
        link.setAlignment(Qt.AlignmentFlag.AlignCenter)
        for widget in (icon, title, text):
            layout.addWidget(widget)
        layout.addSpacing(12)
        layout.addLayout(self._key_row())
        self.problem = QLabel(self)
        self.problem.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #d64545")
        self.problem.hide()
        layout.addWidget(self.problem)
        layout.addWidget(link)
        layout.addSpacing(12)
        demo = QPushButton(self.tr("Try the offline demo"), self)
        demo.setAccessibleName(demo.text())
        demo.setToolTip(self.tr("A local server that behaves like KIE: no key, no network, no cost"))
        demo.clicked.connect(self.demo_requested.emit)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(demo)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)

    def _key_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.key_field = QLineEdit(self)
        self.key_field.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_field.setPlaceholderText(self.tr("Paste your KIE API key"))
        self.key_field.setMinimumWidth(280)
        self.key_field.setAccessibleName(self.tr("KIE API key"))
        self.save_button = QPushButton(self.tr("Save key"), self)
        self.save_button.setDefault(True)
        self.save_button.setAccessibleName(self.save_button.text())
        self.save_button.setEnabled(False)
        self.key_field.textChanged.connect(lambda text: self.save_button.setEnabled(bool(text.strip())))
        self.key_field.returnPressed.connect(self._save)
        self.save_button.clicked.connect(self._save)
        row.addStretch(1)
        row.addWidget(self.key_field)
        row.addWidget(self.save_button)
        row.addStretch(1)
        return row

    def _save(self) -> None:
        key = self.key_field.text().strip()
        if key:
            self.problem.hide()
            self.key_field.clear()
            self.key_entered.emit(key)

    def show_problem(self, text: str) -> None:
        """A key that KIE refused (or could not be checked): say why, keep the panel."""
        self.problem.setText(text)
        self.problem.show()
