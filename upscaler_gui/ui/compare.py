"""The before/after view: one picture, split by a draggable line, zoomed and panned as one.

Both images are drawn into one coordinate system, the result's pixels (the "frame"): the before image is
stretched over the same frame, so a point of the picture sits at the same place on both sides and a
single transform (scale + offset) serves both. Only the visible part of each pixmap is drawn, and a
zoomed-out view draws from a halved copy made in a worker thread, so big results stay fast and unaliased.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from PySide6.QtCore import QEvent, QObject, QPointF, QRect, QRectF, QSize, QSizeF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
    QPolygonF,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QWidget

from upscaler_gui.ui.image_loading import halvings, load_pair, original_size, read_image

__all__ = ["MAX_ZOOM", "MIN_ZOOM", "CompareView", "load_pair", "read_image"]

MIN_ZOOM = 0.05
MAX_ZOOM = 16.0
ZOOM_STEP = 1.25
SPLIT_STEP = 0.05
PAN_STEP = 48
# Up to 200% a bilinear draw looks best; beyond it each result pixel is drawn as a hard square so that
# the upscaler's work can be judged pixel by pixel.
SMOOTH_UP_TO = 2.0
_GRAB_DISTANCE = 8  # px either side of the split line that grab it rather than pan
_KNOB_RADIUS = 15
_BADGE_MARGIN = 8
_BADGE_PADDING = QSize(8, 4)
_BOTTOM_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom
_CHECKER = 8  # px per square of the checkerboard behind transparent pixels
# Keys of the Russian layout that sit where F, [ and ] are, so the shortcuts work in either layout.
_RUSSIAN_KEYS = {0x0410: Qt.Key.Key_F, 0x0425: Qt.Key.Key_BracketLeft, 0x042A: Qt.Key.Key_BracketRight}


class _Drag(enum.Enum):
    NONE = enum.auto()
    SPLIT = enum.auto()
    PAN = enum.auto()


class _Side:
    """One image: its pixmap, smaller copies for zoomed-out drawing, and the size its label gives."""

    def __init__(self, image: QImage) -> None:
        self.size = original_size(image)
        self.preview_scaled = self.size != image.size()
        self.has_alpha = image.hasAlphaChannel()
        self.levels = [QPixmap.fromImage(image)]

    def level_for(self, device_scale: float) -> QPixmap:
        """The smallest copy that still has at least one pixel per device pixel at `device_scale`.

        `device_scale` is device pixels per pixel of the full image; each level halves the image.
        """
        index = 0
        while index + 1 < len(self.levels) and device_scale * 2 ** (index + 1) <= 1.0:
            index += 1
        return self.levels[index]


class _PreviewBridge(QObject):
    """Carries halved copies from the worker thread to the GUI thread (a queued signal).

    One for the process, never deleted: a worker may still emit after the view that asked has gone.
    """

    ready = Signal(object, object)  # (token, (before levels, after levels))


_bridge: _PreviewBridge | None = None
_workers = ThreadPoolExecutor(max_workers=1, thread_name_prefix="compare-previews")


def _preview_bridge() -> _PreviewBridge:
    global _bridge  # noqa: PLW0603 - created lazily, in the GUI thread, once a QApplication exists
    if _bridge is None:
        _bridge = _PreviewBridge()
    return _bridge


def _build_previews(token: object, before: QImage | None, after: QImage | None) -> None:
    levels = ([] if before is None else halvings(before), [] if after is None else halvings(after))
    _preview_bridge().ready.emit(token, levels)


class CompareView(QWidget):
    """Before on the left of a draggable split, after on the right, over the same region of the picture.

    Keys: F fit, 1 100%, +/- zoom, [ ] move the split, arrows pan, Home fits and centres the split.
    `zoom()` is device pixels per result pixel: 1.0 shows the result's pixels one to one.
    """

    zoom_changed = Signal(float)
    previews_ready = Signal()  # zoomed-out copies arrived; for tests and benchmarks

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._before: _Side | None = None
        self._after: _Side | None = None
        self._message = ""
        self._scale = 1.0  # widget (logical) pixels per frame pixel
        self._offset = QPointF()  # where the frame's top-left corner is drawn
        self._fitted = True  # follow the widget's size until the user zooms or pans
        self._split = 0.5
        self._drag = _Drag.NONE
        self._drag_from = QPointF()
        self._hover_handle = False
        self._emitted_zoom = 1.0
        self._preview_token = object()
        self._preview_job: Future[None] | None = None
        self.setMouseTracking(True)  # for the cursor and the knob's hover colour
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(self.tr("Before and after comparison"))
        _preview_bridge().ready.connect(self._on_previews)

    # --- public API ------------------------------------------------------------------------------------

    def set_images(self, before: QImage | None, after: QImage | None) -> None:
        """Show a new pair (either may be None), fitted; clears any message set before."""
        self._before = _Side(before) if before is not None and not before.isNull() else None
        self._after = _Side(after) if after is not None and not after.isNull() else None
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

    def zoom(self) -> float:
        return self._scale * self.devicePixelRatioF()

    def split(self) -> float:
        return self._split

    def set_split(self, x: float) -> None:
        """Where the line is, as a fraction of the widget's width (0 all after, 1 all before)."""
        self._split = min(max(x, 0.0), 1.0)
        self.update()

    def fit(self) -> None:
        """The whole picture in view, and kept so when the widget is resized."""
        self._fitted = True
        self._apply_fit()

    def actual_size(self) -> None:
        """One result pixel per device pixel, around the centre of the view."""
        self._zoom_to(1.0, QRectF(self.rect()).center())

    def zoom_in(self) -> None:
        self._zoom_to(self.zoom() * ZOOM_STEP, QRectF(self.rect()).center())

    def zoom_out(self) -> None:
        self._zoom_to(self.zoom() / ZOOM_STEP, QRectF(self.rect()).center())

    def reset(self) -> None:
        self._split = 0.5
        self.fit()

    def image_point_at(self, position: QPointF) -> QPointF:
        """The point of the result (in its pixels) under `position` in the widget."""
        return (position - self._offset) / self._scale

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(480, 360)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(160, 120)

    # --- view transform --------------------------------------------------------------------------------

    def _frame(self) -> QSizeF:
        """The size of the shared coordinate system: the result's, or the source's when alone."""
        side = self._after or self._before
        return QSizeF(side.size) if side is not None else QSizeF()

    def _fit_zoom(self) -> float:
        frame = self._frame()
        if frame.isEmpty() or self.width() <= 0 or self.height() <= 0:
            return 1.0
        fit = min(self.width() / frame.width(), self.height() / frame.height()) * self.devicePixelRatioF()
        return min(fit, MAX_ZOOM)

    def _apply_fit(self) -> None:
        frame = self._frame()
        self._scale = self._fit_zoom() / self.devicePixelRatioF()
        self._offset = (
            QPointF(self.width() - frame.width() * self._scale, self.height() - frame.height() * self._scale)
            / 2
        )
        self._settle()

    def _zoom_to(self, zoom: float, anchor: QPointF) -> None:
        """Zoom so that the picture's point under `anchor` stays under it."""
        if self._frame().isEmpty():
            return
        fixed = self.image_point_at(anchor)
        self._scale = min(max(zoom, min(MIN_ZOOM, self._fit_zoom())), MAX_ZOOM) / self.devicePixelRatioF()
        self._offset = anchor - fixed * self._scale
        self._fitted = False
        self._settle()

    def _pan_by(self, delta: QPointF) -> None:
        if self._frame().isEmpty():
            return
        self._offset += delta
        self._fitted = False
        self._settle()

    def _settle(self) -> None:
        """Keep the picture over the view's centre, on whole device pixels; repaint and tell the zoom."""
        frame, ratio = self._frame(), self.devicePixelRatioF()
        if not frame.isEmpty():
            x = _clamp(self._offset.x(), self.width() / 2 - frame.width() * self._scale, self.width() / 2)
            y = _clamp(self._offset.y(), self.height() / 2 - frame.height() * self._scale, self.height() / 2)
            # Whole device pixels: at 100% a half-pixel offset would blur every pixel of the result.
            self._offset = QPointF(round(x * ratio) / ratio, round(y * ratio) / ratio)
        self.update()
        if self.zoom() != self._emitted_zoom:
            self._emitted_zoom = self.zoom()
            self.zoom_changed.emit(self._emitted_zoom)

    def _to_widget(self, rect: QRectF) -> QRectF:
        return QRectF(self._offset + rect.topLeft() * self._scale, rect.size() * self._scale)

    def _split_x(self) -> int:
        return round(self._split * self.width())

    def _on_handle(self, position: QPointF) -> bool:
        if self._before is None or self._after is None:
            return False
        knob = QPointF(self._split_x(), self.height() / 2)
        near_knob = (position - knob).manhattanLength() <= _KNOB_RADIUS * 1.4
        return abs(position.x() - self._split_x()) <= _GRAB_DISTANCE or near_knob

    # --- previews --------------------------------------------------------------------------------------

    def _request_previews(self, before: QImage | None, after: QImage | None) -> None:
        if self._preview_job is not None:
            self._preview_job.cancel()  # when the user steps through the queue, skip pairs already left
        self._preview_token = object()  # and drop the answers for them that were under way
        if self._before is None and self._after is None:
            return
        self._preview_job = _workers.submit(_build_previews, self._preview_token, before, after)

    def _on_previews(self, token: object, levels: tuple[list[QImage], list[QImage]]) -> None:
        if token is not self._preview_token:
            return
        for side, images in zip((self._before, self._after), levels, strict=True):
            if side is not None:
                side.levels.extend(QPixmap.fromImage(image) for image in images)
        self.update()
        self.previews_ready.emit()

    # --- events ----------------------------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.DevicePixelRatioChange:  # moved to a screen of another density
            if self._fitted:
                self._apply_fit()
            else:
                self._settle()
        return super().event(event)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        if self._fitted:
            self._apply_fit()
        elif event.oldSize().isValid():  # keep what was at the centre there
            grown = event.size() - event.oldSize()
            self._pan_by(QPointF(grown.width(), grown.height()) / 2)
        super().resizeEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt's name
        delta = event.angleDelta().y()
        if not delta or self._frame().isEmpty():
            event.ignore()
            return
        old = self.zoom()
        new = old * ZOOM_STEP ** (delta / 120)  # a fraction of a step for touchpads' small deltas
        if (old - 1.0) * (new - 1.0) < 0:
            new = 1.0  # stop at 100% on the way through: the one zoom that shows the true pixels
        self._zoom_to(new, event.position())
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        if event.button() not in (Qt.MouseButton.LeftButton, Qt.MouseButton.MiddleButton):
            super().mousePressEvent(event)
            return
        on_handle = event.button() == Qt.MouseButton.LeftButton and self._on_handle(event.position())
        self._drag = _Drag.SPLIT if on_handle else _Drag.PAN
        self._drag_from = event.position()
        self._update_cursor(event.position())
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        position = event.position()
        if self._drag is _Drag.SPLIT and self.width() > 0:
            self.set_split(position.x() / self.width())
        elif self._drag is _Drag.PAN:
            self._pan_by(position - self._drag_from)
            self._drag_from = position
        self._update_cursor(position)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        self._drag = _Drag.NONE
        self._update_cursor(event.position())

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        """Toggle between the whole picture and 100% at the point clicked."""
        if self._on_handle(event.position()):
            self.set_split(0.5)
        elif self._fitted:
            self._zoom_to(1.0, event.position())
        else:
            self.fit()

    def leaveEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        self._hover_handle = False
        self.update()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        key = _RUSSIAN_KEYS.get(event.key(), event.key())
        action = self._key_actions().get(key)
        if action is None or self._frame().isEmpty():
            super().keyPressEvent(event)
            return
        action()
        event.accept()

    def _key_actions(self) -> dict[int, Callable[[], None]]:
        pan = PAN_STEP
        return {
            Qt.Key.Key_F: self.fit,
            Qt.Key.Key_1: self.actual_size,
            Qt.Key.Key_Plus: self.zoom_in,
            Qt.Key.Key_Equal: self.zoom_in,
            Qt.Key.Key_Minus: self.zoom_out,
            Qt.Key.Key_Underscore: self.zoom_out,
            Qt.Key.Key_BracketLeft: lambda: self.set_split(self._split - SPLIT_STEP),
            Qt.Key.Key_BracketRight: lambda: self.set_split(self._split + SPLIT_STEP),
            Qt.Key.Key_Home: self.reset,
            # An arrow shows more of the picture on its side, as scrolling would.
            Qt.Key.Key_Left: lambda: self._pan_by(QPointF(pan, 0)),
            Qt.Key.Key_Right: lambda: self._pan_by(QPointF(-pan, 0)),
            Qt.Key.Key_Up: lambda: self._pan_by(QPointF(0, pan)),
            Qt.Key.Key_Down: lambda: self._pan_by(QPointF(0, -pan)),
        }

    def _update_cursor(self, position: QPointF) -> None:
        hover = self._drag is _Drag.SPLIT or (self._drag is _Drag.NONE and self._on_handle(position))
        if hover != self._hover_handle:
            self._hover_handle = hover
            self.update()
        if hover:
            self.setCursor(Qt.CursorShape.SplitHCursor)
        elif self._frame().isEmpty():
            self.unsetCursor()
        else:
            grabbing = self._drag is _Drag.PAN
            self.setCursor(Qt.CursorShape.ClosedHandCursor if grabbing else Qt.CursorShape.OpenHandCursor)

    # --- painting --------------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.fillRect(self.rect(), self._canvas_colour())
        if self._before is None and self._after is None:
            self._paint_placeholder(painter)
            return
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, self.zoom() <= SMOOTH_UP_TO)
        before_clip, after_clip = self._clips()
        if self._before is not None:
            self._paint_side(painter, self._before, before_clip)
        if self._after is not None:
            self._paint_side(painter, self._after, after_clip)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self._before is not None and self._after is not None:
            self._paint_handle(painter)
        self._paint_labels(painter)
        self._paint_status(painter)

    def _clips(self) -> tuple[QRect, QRect]:
        """Where each side shows: either side of the line when both are known, else all for the one."""
        if self._before is not None and self._after is not None:
            split = self._split_x()
        else:
            split = self.width() if self._before is not None else 0
        return QRect(0, 0, split, self.height()), QRect(split, 0, self.width() - split, self.height())

    def _paint_side(self, painter: QPainter, side: _Side, clip: QRect) -> None:
        """Draw the part of `side` inside `clip`: only the pixels that show, from the right-sized copy."""
        frame = self._frame()
        visible = QRectF(self.image_point_at(QPointF(clip.topLeft())), QSizeF(clip.size()) / self._scale)
        visible = visible.intersected(QRectF(QPointF(), frame))
        if visible.isEmpty():
            return
        pixmap = side.level_for(self.zoom() * frame.width() / side.levels[0].width())
        kx, ky = frame.width() / pixmap.width(), frame.height() / pixmap.height()
        # Whole source pixels, so that both sides map pixel edges to the same places.
        aligned = QRectF(visible.x() / kx, visible.y() / ky, visible.width() / kx, visible.height() / ky)
        source = QRectF(aligned.toAlignedRect()).intersected(QRectF(pixmap.rect()))
        target = self._to_widget(
            QRectF(source.x() * kx, source.y() * ky, source.width() * kx, source.height() * ky)
        )
        painter.save()
        painter.setClipRect(clip)
        if side.has_alpha:
            painter.fillRect(target, self._checkerboard())
        painter.drawPixmap(target, pixmap, source)
        painter.restore()

    def _paint_labels(self, painter: QPainter) -> None:
        # Whole labels in their corners, never cut by the line; when they would meet (a narrow view),
        # the after label drops to a second row.
        left = self._badge(self.before_label_text(), Qt.AlignmentFlag.AlignLeft)
        right = self._badge(self.after_label_text(), Qt.AlignmentFlag.AlignRight)
        if left[1] and right[1] and left[0].right() + _BADGE_MARGIN > right[0].left():
            right[0].moveTop(left[0].bottom() + 1 + _BADGE_MARGIN // 2)
        for rect, text in (left, right):
            self._paint_badge(painter, rect, text)

    def _paint_status(self, painter: QPainter) -> None:
        zoom = self._badge(self.tr("{percent}%").format(percent=_percent(self.zoom())), _BOTTOM_RIGHT)
        self._paint_badge(painter, *zoom)
        note = self._badge(self.message(), Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom)
        if note[0].intersects(zoom[0]):
            note[0].moveBottom(zoom[0].top() - 1 - _BADGE_MARGIN // 2)
        self._paint_badge(painter, *note, emphasis=True)

    def _badge(self, text: str, alignment: Qt.AlignmentFlag) -> tuple[QRect, str]:
        """Where a label goes in its corner (or centred at the bottom), and its text, elided to fit."""
        area = self.rect().adjusted(_BADGE_MARGIN, _BADGE_MARGIN, -_BADGE_MARGIN, -_BADGE_MARGIN)
        metrics = self.fontMetrics()
        text = metrics.elidedText(
            text, Qt.TextElideMode.ElideRight, area.width() - 2 * _BADGE_PADDING.width()
        )
        size = metrics.size(0, text) + _BADGE_PADDING * 2
        x = area.left()
        if alignment & Qt.AlignmentFlag.AlignRight:
            x = area.right() + 1 - size.width()
        elif alignment & Qt.AlignmentFlag.AlignHCenter:
            x = area.center().x() - size.width() // 2
        y = area.bottom() + 1 - size.height() if alignment & Qt.AlignmentFlag.AlignBottom else area.top()
        return QRect(x, y, size.width(), size.height()), text

    def _paint_badge(self, painter: QPainter, rect: QRect, text: str, *, emphasis: bool = False) -> None:
        if not text:
            return
        palette = self.palette()
        background = palette.color(QPalette.ColorRole.Highlight if emphasis else QPalette.ColorRole.Window)
        background.setAlpha(220)  # the picture shows through a little: it stays the main thing
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(background)
        painter.drawRoundedRect(QRectF(rect), 6, 6)
        role = QPalette.ColorRole.HighlightedText if emphasis else QPalette.ColorRole.WindowText
        painter.setPen(palette.color(role))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)

    def _paint_handle(self, painter: QPainter) -> None:
        palette = self.palette()
        x, centre_y = self._split_x(), self.height() / 2
        accent = palette.color(QPalette.ColorRole.Highlight)
        # A thin shadow either side keeps the line visible over any picture, light or dark.
        shadow = palette.color(QPalette.ColorRole.Shadow)
        shadow.setAlpha(90)
        painter.fillRect(QRectF(x - 2, 0, 4, self.height()), shadow)
        painter.fillRect(QRectF(x - 1, 0, 2, self.height()), accent)
        knob = QRectF(x - _KNOB_RADIUS, centre_y - _KNOB_RADIUS, 2 * _KNOB_RADIUS, 2 * _KNOB_RADIUS)
        fill = accent if self._hover_handle else palette.color(QPalette.ColorRole.Button)
        painter.setPen(QPen(accent, 2))
        painter.setBrush(fill)
        painter.drawEllipse(knob)
        role = QPalette.ColorRole.HighlightedText if self._hover_handle else QPalette.ColorRole.ButtonText
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(palette.color(role))
        for direction in (-1, 1):
            tip = x + direction * 9
            painter.drawPolygon(
                QPolygonF(
                    [
                        QPointF(tip, centre_y),
                        QPointF(tip - direction * 5, centre_y - 5),
                        QPointF(tip - direction * 5, centre_y + 5),
                    ]
                )
            )

    def _paint_placeholder(self, painter: QPainter) -> None:
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.2)
        painter.setFont(font)
        painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
        flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
        painter.drawText(self.rect().adjusted(24, 24, -24, -24), flags, self.message())

    def _canvas_colour(self) -> QColor:
        # A shade off the window colour, in either theme: the picture's edges show against it.
        return self.palette().color(QPalette.ColorRole.Window).darker(112)

    def _checkerboard(self) -> QBrush:
        base = self.palette().color(QPalette.ColorRole.Base)
        other = base.darker(118) if base.lightness() > 127 else base.lighter(150)
        tile = QPixmap(2 * _CHECKER, 2 * _CHECKER)
        tile.fill(base)
        tile_painter = QPainter(tile)
        tile_painter.fillRect(0, 0, _CHECKER, _CHECKER, other)
        tile_painter.fillRect(_CHECKER, _CHECKER, _CHECKER, _CHECKER, other)
        tile_painter.end()
        return QBrush(tile)

    def _label(self, template: str, side: _Side) -> str:
        text = template.format(width=side.size.width(), height=side.size.height())
        return text + self.tr(" (preview scaled)") if side.preview_scaled else text


def _clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def _percent(zoom: float) -> str:
    return f"{zoom * 100:.1f}".rstrip("0").rstrip(".") if zoom < 0.1 else str(round(zoom * 100))
