"""The before/after view: one picture, split by a draggable line, zoomed and panned as one.

Both images are drawn into one coordinate system, the result's pixels (the "frame"): the before image is
stretched over the same frame, so a point of the picture sits at the same place on both sides and a
single transform (scale + offset) serves both. Only the visible part of each pixmap is drawn, and a
zoomed-out view draws from a halved copy made in a worker thread, so big results stay fast and unaliased.

Here is the widget: its images, its split, its words. Zoom and pan come from `zoom` (arithmetic in
`geometry`), the drawing from `painting`, the halved copies from `previews`, the mouse and the keys from
`controls`, reading image files from `loading`.
"""

from __future__ import annotations

from concurrent.futures import Future

from PySide6.QtCore import QEvent, QPointF, QRect, QSize, QSizeF, Qt, Signal
from PySide6.QtGui import QImage, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPixmap
from PySide6.QtWidgets import QWidget

from upscaler_gui.ui.compare import painting as paint
from upscaler_gui.ui.compare.controls import PointerControl, key_action
from upscaler_gui.ui.compare.geometry import MAX_ZOOM, MIN_ZOOM, near_handle, percent
from upscaler_gui.ui.compare.loading import load_pair, read_image
from upscaler_gui.ui.compare.previews import Side, preview_bridge, submit_previews
from upscaler_gui.ui.compare.zoom import ZoomPanView

__all__ = ["MAX_ZOOM", "MIN_ZOOM", "CompareView", "load_pair", "read_image"]

# Up to 200% a bilinear draw looks best; beyond it each result pixel is drawn as a hard square so that
# the upscaler's work can be judged pixel by pixel.
SMOOTH_UP_TO = 2.0


class CompareView(ZoomPanView):
    """Before on the left of a draggable split, after on the right, over the same region of the picture.

    Keys: F fit, 1 100%, +/- zoom, [ ] move the split, arrows pan, Home fits and centres the split; a
    double-click asks the window to show the view alone (`full_window_requested`).
    `zoom()` is device pixels per result pixel: 1.0 shows the result's pixels one to one.
    """

    previews_ready = Signal()  # zoomed-out copies arrived; for tests and benchmarks
    full_window_requested = Signal()  # a double-click: the window shows the view alone, or back

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._before: Side | None = None
        self._after: Side | None = None
        self._message = ""
        self._split = 0.5
        self._pointer = PointerControl(self)
        self._preview_token = object()
        self._preview_job: Future[None] | None = None
        self.setMouseTracking(True)  # for the cursor and the knob's hover colour
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(self.tr("Before and after comparison"))
        preview_bridge().ready.connect(self._on_previews)

    # --- public API ------------------------------------------------------------------------------------

    def set_images(self, before: QImage | None, after: QImage | None) -> None:
        """Show a new pair (either may be None), fitted; clears any message set before."""
        self._before = Side(before) if before is not None and not before.isNull() else None
        self._after = Side(after) if after is not None and not after.isNull() else None
        self._message = ""
        self._request_previews(before, after)
        self.fit()

    def set_message(self, text: str) -> None:
        """The placeholder when there is no image; a note at the bottom when there is one."""
        self._message = text
        self.update()

    def message(self) -> str:
        """The text shown besides the images: what was set, else what the view says by itself."""
        if self._message:
            return self._message
        if self._before is None and self._after is None:
            return self.tr("Select a job to compare before and after")
        if self._after is None:
            return self.tr("Result not ready yet")
        if self._before is None:
            return self.tr("Original not available")
        return ""

    def before_label_text(self) -> str:
        return "" if self._before is None else self._label(self.tr("Before {width} × {height}"), self._before)

    def after_label_text(self) -> str:
        return "" if self._after is None else self._label(self.tr("After {width} × {height}"), self._after)

    def split(self) -> float:
        return self._split

    def set_split(self, x: float) -> None:
        """Where the line is, as a fraction of the widget's width (0 all after, 1 all before)."""
        self._split = min(max(x, 0.0), 1.0)
        self.update()

    def reset(self) -> None:
        self._split = 0.5
        self.fit()

    def on_handle(self, position: QPointF) -> bool:
        """Whether `position` grabs the split line (there is one only when both images are shown)."""
        if self._before is None or self._after is None:
            return False
        return near_handle(position, self._split_x(), self.height())

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(480, 360)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(160, 120)

    # --- view transform --------------------------------------------------------------------------------

    def _frame(self) -> QSizeF:
        """The size of the shared coordinate system: the result's, or the source's when alone."""
        side = self._after or self._before
        return QSizeF(side.size) if side is not None else QSizeF()

    def _split_x(self) -> int:
        return round(self._split * self.width())

    # --- previews --------------------------------------------------------------------------------------

    def _request_previews(self, before: QImage | None, after: QImage | None) -> None:
        if self._preview_job is not None:
            self._preview_job.cancel()  # when the user steps through the queue, skip pairs already left
        self._preview_token = object()  # and drop the answers for them that were under way
        if self._before is None and self._after is None:
            return
        self._preview_job = submit_previews(self._preview_token, before, after)

    def _on_previews(self, token: object, levels: tuple[list[QImage], list[QImage]]) -> None:
        if token is not self._preview_token:
            return
        for side, images in zip((self._before, self._after), levels, strict=True):
            if side is not None:
                side.levels.extend(QPixmap.fromImage(image) for image in images)
        self.update()
        self.previews_ready.emit()

    # --- events ----------------------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        if not self._pointer.press(event):
            super().mousePressEvent(event)
            return
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        self._pointer.move(event.position())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        self._pointer.release(event.position())

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        """On the split line: centre it; elsewhere: the whole window for the view, or back (the keys
        F and 1 switch between the whole picture and 100%)."""
        if self.on_handle(event.position()):
            self.set_split(0.5)
        else:
            self.full_window_requested.emit()

    def leaveEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        self._pointer.leave()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        action = key_action(self, event.key())
        if action is None or not self.has_picture():
            super().keyPressEvent(event)
            return
        action()
        event.accept()

    # --- painting --------------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        # Ended here, not when the frame is freed: a kept frame (a traceback, a stack sampler) would end
        # it late, perhaps on another thread, while the window paints through the same backing store.
        with QPainter(self) as painter:
            self._paint(painter)

    def _paint(self, painter: QPainter) -> None:
        painter.fillRect(self.rect(), paint.canvas_colour(self.palette()))
        if self._before is None and self._after is None:
            paint.paint_placeholder(painter, self, self.message())
            return
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, self.zoom() <= SMOOTH_UP_TO)
        screen = self._screen()
        for side, clip in zip((self._before, self._after), self._clips(), strict=True):
            if side is not None:
                paint.paint_side(
                    painter, side, clip, viewport=self._viewport, screen=screen, palette=self.palette()
                )
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self._before is not None and self._after is not None:
            paint.paint_handle(
                painter, self.palette(), self._split_x(), self.height(), hover=self._pointer.hover_handle
            )
        paint.paint_labels(painter, self, self.before_label_text(), self.after_label_text())
        zoom_text = self.tr("{percent}%").format(percent=percent(self.zoom()))
        paint.paint_status(painter, self, zoom_text, self.message())

    def _clips(self) -> tuple[QRect, QRect]:
        """Where each side shows: either side of the line when both are known, else all for the one."""
        if self._before is not None and self._after is not None:
            split = self._split_x()
        else:
            split = self.width() if self._before is not None else 0
        return QRect(0, 0, split, self.height()), QRect(split, 0, self.width() - split, self.height())

    def _label(self, template: str, side: Side) -> str:
        text = template.format(width=side.size.width(), height=side.size.height())
        return text + self.tr(" (preview scaled)") if side.preview_scaled else text
