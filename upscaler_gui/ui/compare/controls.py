"""The mouse and the keys on the compare view: drag the split line or pan the picture, and the shortcuts.

Both work through the view's public methods; the view passes on what they do not handle.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QMouseEvent

SPLIT_STEP = 0.05
PAN_STEP = 48
# Keys of the Russian layout that sit where F, [ and ] are, so the shortcuts work in either layout.
_RUSSIAN_KEYS = {0x0410: Qt.Key.Key_F, 0x0425: Qt.Key.Key_BracketLeft, 0x042A: Qt.Key.Key_BracketRight}


class SplitView(Protocol):
    """What the controls need of the view (the compare view is one; it imports this module)."""

    def width(self) -> int: ...
    def update(self) -> None: ...
    def setCursor(self, cursor: Qt.CursorShape) -> None: ...  # noqa: N802 - Qt's name
    def unsetCursor(self) -> None: ...  # noqa: N802
    def has_picture(self) -> bool: ...
    def on_handle(self, position: QPointF) -> bool: ...
    def split(self) -> float: ...
    def set_split(self, x: float) -> None: ...
    def pan_by(self, delta: QPointF) -> None: ...
    def fit(self) -> None: ...
    def actual_size(self) -> None: ...
    def zoom_in(self) -> None: ...
    def zoom_out(self) -> None: ...
    def reset(self) -> None: ...


class _Drag(enum.Enum):
    NONE = enum.auto()
    SPLIT = enum.auto()
    PAN = enum.auto()


class PointerControl:
    """A left drag on the split line moves it, any other left or middle drag pans the picture.

    Also what the cursor shows, and whether the knob is hovered (it is painted filled then).
    """

    def __init__(self, view: SplitView) -> None:
        self._view = view
        self._drag = _Drag.NONE
        self._drag_from = QPointF()
        self.hover_handle = False

    def press(self, event: QMouseEvent) -> bool:
        """Start a drag; False for the buttons that do not drag (the view passes them on)."""
        if event.button() not in (Qt.MouseButton.LeftButton, Qt.MouseButton.MiddleButton):
            return False
        on_handle = event.button() == Qt.MouseButton.LeftButton and self._view.on_handle(event.position())
        self._drag = _Drag.SPLIT if on_handle else _Drag.PAN
        self._drag_from = event.position()
        self._update_cursor(event.position())
        return True

    def move(self, position: QPointF) -> None:
        view = self._view
        if self._drag is _Drag.SPLIT and view.width() > 0:
            view.set_split(position.x() / view.width())
        elif self._drag is _Drag.PAN:
            view.pan_by(position - self._drag_from)
            self._drag_from = position
        self._update_cursor(position)

    def release(self, position: QPointF) -> None:
        self._drag = _Drag.NONE
        self._update_cursor(position)

    def leave(self) -> None:
        self.hover_handle = False
        self._view.update()

    def _update_cursor(self, position: QPointF) -> None:
        view = self._view
        hover = self._drag is _Drag.SPLIT or (self._drag is _Drag.NONE and view.on_handle(position))
        if hover != self.hover_handle:
            self.hover_handle = hover
            view.update()
        if hover:
            view.setCursor(Qt.CursorShape.SplitHCursor)
        elif not view.has_picture():
            view.unsetCursor()
        else:
            grabbing = self._drag is _Drag.PAN
            view.setCursor(Qt.CursorShape.ClosedHandCursor if grabbing else Qt.CursorShape.OpenHandCursor)


def key_action(view: SplitView, key: int) -> Callable[[], None] | None:
    """What `key` does on the view; None for a key without a shortcut."""
    return _key_actions(view).get(_RUSSIAN_KEYS.get(key, key))


def _key_actions(view: SplitView) -> dict[int, Callable[[], None]]:
    pan = PAN_STEP
    return {
        Qt.Key.Key_F: view.fit,
        Qt.Key.Key_1: view.actual_size,
        Qt.Key.Key_Plus: view.zoom_in,
        Qt.Key.Key_Equal: view.zoom_in,
        Qt.Key.Key_Minus: view.zoom_out,
        Qt.Key.Key_Underscore: view.zoom_out,
        Qt.Key.Key_BracketLeft: lambda: view.set_split(view.split() - SPLIT_STEP),
        Qt.Key.Key_BracketRight: lambda: view.set_split(view.split() + SPLIT_STEP),
        Qt.Key.Key_Home: view.reset,
        # An arrow shows more of the picture on its side, as scrolling would.
        Qt.Key.Key_Left: lambda: view.pan_by(QPointF(pan, 0)),
        Qt.Key.Key_Right: lambda: view.pan_by(QPointF(-pan, 0)),
        Qt.Key.Key_Up: lambda: view.pan_by(QPointF(0, pan)),
        Qt.Key.Key_Down: lambda: view.pan_by(QPointF(0, -pan)),
    }
