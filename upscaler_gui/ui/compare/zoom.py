"""A widget that shows a picture zoomed and panned: the compare view's navigation, without its content.

The subclass says how big the picture is (`_frame`) and paints it through `_viewport`; this class keeps
the transform fitted to the widget until the user zooms or pans, and on whole device pixels.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, QRectF, QSizeF, Signal
from PySide6.QtGui import QResizeEvent, QWheelEvent
from PySide6.QtWidgets import QWidget

from upscaler_gui.ui.compare.geometry import ZOOM_STEP, Screen, Viewport, wheel_zoom


class ZoomPanView(QWidget):
    """Fit, 100%, zoom in and out around a point, pan; the wheel zooms under the pointer.

    `zoom()` is device pixels per frame pixel: 1.0 shows the frame's pixels one to one.
    """

    zoom_changed = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._viewport = Viewport()
        self._emitted_zoom = 1.0

    def zoom(self) -> float:
        return self._viewport.scale * self.devicePixelRatioF()

    def fit(self) -> None:
        """The whole picture in view, and kept so when the widget is resized."""
        self._viewport.fitted = True
        self._apply_fit()

    def actual_size(self) -> None:
        """One frame pixel per device pixel, around the centre of the view."""
        self.zoom_to(1.0, QRectF(self.rect()).center())

    def zoom_in(self) -> None:
        self.zoom_to(self.zoom() * ZOOM_STEP, QRectF(self.rect()).center())

    def zoom_out(self) -> None:
        self.zoom_to(self.zoom() / ZOOM_STEP, QRectF(self.rect()).center())

    def zoom_to(self, zoom: float, anchor: QPointF) -> None:
        """Zoom so that the picture's point under `anchor` stays under it."""
        if self.has_picture():
            self._viewport.zoom_to(zoom, anchor, self._screen())
            self._settle()

    def pan_by(self, delta: QPointF) -> None:
        if self.has_picture():
            self._viewport.pan_by(delta)
            self._settle()

    def image_point_at(self, position: QPointF) -> QPointF:
        """The point of the frame (in its pixels) under `position` in the widget."""
        return self._viewport.image_point_at(position)

    def has_picture(self) -> bool:
        return not self._frame().isEmpty()

    # --- for the subclass ------------------------------------------------------------------------------

    def _frame(self) -> QSizeF:
        """The size of the picture in its own pixels; empty when there is none."""
        return QSizeF()

    def _screen(self) -> Screen:
        return Screen(self._frame(), self.width(), self.height(), self.devicePixelRatioF())

    def _apply_fit(self) -> None:
        self._viewport.fit(self._screen())
        self._settle()

    def _settle(self) -> None:
        """Keep the picture over the view's centre, on whole device pixels; repaint and tell the zoom."""
        self._viewport.settle(self._screen())
        self.update()
        if self.zoom() != self._emitted_zoom:
            self._emitted_zoom = self.zoom()
            self.zoom_changed.emit(self._emitted_zoom)

    # --- events ----------------------------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.DevicePixelRatioChange:  # moved to a screen of another density
            if self._viewport.fitted:
                self._apply_fit()
            else:
                self._settle()
        return super().event(event)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        if self._viewport.fitted:
            self._apply_fit()
        elif event.oldSize().isValid():  # keep what was at the centre there
            grown = event.size() - event.oldSize()
            self.pan_by(QPointF(grown.width(), grown.height()) / 2)
        super().resizeEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt's name
        delta = event.angleDelta().y()
        if not delta or not self.has_picture():
            event.ignore()
            return
        self.zoom_to(wheel_zoom(self.zoom(), delta), event.position())
        event.accept()
