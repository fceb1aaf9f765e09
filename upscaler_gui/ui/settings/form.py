"""Building blocks of the Settings dialog's form: groups of labelled rows whose labels line up.

Each group is a QGroupBox with a QFormLayout; a field may hold several widgets on one line, and its
label's mnemonic focuses the first of them.
"""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QWidget

W = TypeVar("W", bound=QWidget)


def named(widget: W, name: str) -> W:
    """`widget` with an object name: what tests (and accessibility tools) find a control by."""
    widget.setObjectName(name)
    return widget


def error_color(palette: QPalette) -> QColor:
    """A red that reads on this palette's background (QPalette has no "error" role)."""
    dark = palette.color(QPalette.ColorRole.Window).lightness() < 128
    return QColor("#ff7b72" if dark else "#c62828")


def set_tone(label: QLabel, palette: QPalette, *, error: bool) -> None:
    """Show `label` in the dialog's `palette`, its text in the error red when `error`."""
    if error:
        palette.setColor(QPalette.ColorRole.WindowText, error_color(palette))
    label.setPalette(palette)


def new_group(title: str, parent: QWidget) -> tuple[QGroupBox, QFormLayout]:
    box = QGroupBox(title, parent)
    form = QFormLayout(box)
    # Fields grow with the dialog on every platform (macOS's default keeps them at their hint).
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    return box, form


def add_field(form: QFormLayout, text: str, buddy: QWidget, *more: QWidget) -> None:
    """A labelled row whose mnemonic focuses `buddy`; `more` widgets follow it on the same line.

    QFormLayout only sets the buddy itself when the field is one widget: rows of several need this.
    """
    label = QLabel(text, buddy.parentWidget())
    label.setBuddy(buddy)
    form.addRow(label, row(buddy, *more, stretch=not _grows(buddy)))


def row(*widgets: QWidget, stretch: bool = False) -> QHBoxLayout:
    """Widgets side by side in one form field; `stretch` packs them to the left at their natural size."""
    layout = QHBoxLayout()
    for widget in widgets:
        layout.addWidget(widget)
    if stretch:
        layout.addStretch(1)
    return layout


def _grows(widget: QWidget) -> bool:
    """Line edits take the row's width; spin boxes and combos keep their natural size."""
    return isinstance(widget, QLineEdit)


def note(text: str, parent: QWidget, *, wrap: bool = False) -> QLabel:
    """A quiet explanatory line under or beside a field."""
    label = QLabel(text, parent)
    label.setWordWrap(wrap)
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label


def select(combo: QComboBox, value: str) -> None:
    """Select the item holding `value`; an unknown value (a hand-edited file) keeps the first item."""
    combo.setCurrentIndex(max(combo.findData(value), 0))


def align_label_columns(forms: list[QFormLayout]) -> None:
    """One label column width for every group, so the fields line up down the whole dialog."""
    labels = [label for form in forms for label in _row_labels(form)]
    width = max(label.sizeHint().width() for label in labels)
    for label in labels:
        label.setMinimumWidth(width)
        # The style's side (left, or right on macOS), now inside a wider box; level with the field.
        label.setAlignment(forms[0].labelAlignment() | Qt.AlignmentFlag.AlignVCenter)


def _row_labels(form: QFormLayout) -> list[QLabel]:
    items = (form.itemAt(index, QFormLayout.ItemRole.LabelRole) for index in range(form.rowCount()))
    return [label for item in items if item is not None and isinstance(label := item.widget(), QLabel)]
