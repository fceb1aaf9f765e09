"""The compare view's geometry: one transform (scale + offset) from the picture to the widget.

Both images are drawn into one coordinate system, the result's pixels (the "frame"), so a single
transform serves both sides. Arithmetic on Qt's value types only: no widget, no painting.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRect, QRectF, QSize, QSizeF

MIN_ZOOM = 0.05
MAX_ZOOM = 16.0
ZOOM_STEP = 1.25
GRAB_DISTANCE = 8  # px either side of the split line that grab it rather than pan
KNOB_RADIUS = 15


@dataclass(frozen=True)
class Screen:
    """What the transform is fitted to: the frame, and the widget's size and density."""

    frame: QSizeF  # the result's size, or the source's when alone; empty when there is no image
    width: int
    height: int
    ratio: float  # device pixels per widget pixel


class Viewport:
    """Where the frame is drawn in the widget: its scale and the place of its top-left corner."""

    def __init__(self) -> None:
        self.scale = 1.0  # widget (logical) pixels per frame pixel
        self.offset = QPointF()  # where the frame's top-left corner is drawn
        self.fitted = True  # follow the widget's size until the user zooms or pans

    def image_point_at(self, position: QPointF) -> QPointF:
        """The point of the frame under `position` in the widget."""
        return (position - self.offset) / self.scale

    def to_widget(self, rect: QRectF) -> QRectF:
        return QRectF(self.offset + rect.topLeft() * self.scale, rect.size() * self.scale)

    def visible_part(self, clip: QRect, frame: QSizeF) -> QRectF:
        """The part of the frame that shows inside `clip`, in frame pixels."""
        visible = QRectF(self.image_point_at(QPointF(clip.topLeft())), QSizeF(clip.size()) / self.scale)
        return visible.intersected(QRectF(QPointF(), frame))

    def fit(self, screen: Screen) -> None:
        """The whole frame, centred; `fitted` is the caller's to set."""
        frame = screen.frame
        self.scale = fit_zoom(screen) / screen.ratio
        self.offset = (
            QPointF(screen.width - frame.width() * self.scale, screen.height - frame.height() * self.scale)
            / 2
        )

    def zoom_to(self, zoom: float, anchor: QPointF, screen: Screen) -> None:
        """Zoom so that the frame's point under `anchor` stays under it."""
        fixed = self.image_point_at(anchor)
        self.scale = min(max(zoom, min(MIN_ZOOM, fit_zoom(screen))), MAX_ZOOM) / screen.ratio
        self.offset = anchor - fixed * self.scale
        self.fitted = False

    def pan_by(self, delta: QPointF) -> None:
        self.offset += delta
        self.fitted = False

    def settle(self, screen: Screen) -> None:
        """Keep the picture over the view's centre, on whole device pixels."""
        frame, ratio = screen.frame, screen.ratio
        if frame.isEmpty():
            return
        x = clamp(self.offset.x(), screen.width / 2 - frame.width() * self.scale, screen.width / 2)
        y = clamp(self.offset.y(), screen.height / 2 - frame.height() * self.scale, screen.height / 2)
        # Whole device pixels: at 100% a half-pixel offset would blur every pixel of the result.
        self.offset = QPointF(round(x * ratio) / ratio, round(y * ratio) / ratio)


def fit_zoom(screen: Screen) -> float:
    """The zoom (device pixels per frame pixel) that shows the whole frame, at most MAX_ZOOM."""
    frame = screen.frame
    if frame.isEmpty() or screen.width <= 0 or screen.height <= 0:
        return 1.0
    fit = min(screen.width / frame.width(), screen.height / frame.height()) * screen.ratio
    return min(fit, MAX_ZOOM)


def wheel_zoom(old: float, delta: int) -> float:
    """The zoom after a wheel turn of `delta` (120 a notch), stopping at 100% on the way through."""
    new: float = old * ZOOM_STEP ** (delta / 120)  # a fraction of a step for touchpads' small deltas
    if (old - 1.0) * (new - 1.0) < 0:
        new = 1.0  # the one zoom that shows the true pixels
    return new


def near_handle(position: QPointF, split_x: int, height: int) -> bool:
    """Whether `position` grabs the split line or its knob (at mid-height) rather than the picture."""
    knob = QPointF(split_x, height / 2)
    near_knob = (position - knob).manhattanLength() <= KNOB_RADIUS * 1.4
    return abs(position.x() - split_x) <= GRAB_DISTANCE or near_knob


def pixel_aligned(visible: QRectF, frame: QSizeF, pixmap: QSize) -> tuple[QRectF, QRectF]:
    """The pixmap's whole pixels covering `visible`, and the frame area they cover.

    Whole source pixels, so that both sides map pixel edges to the same places.
    """
    kx, ky = frame.width() / pixmap.width(), frame.height() / pixmap.height()
    aligned = QRectF(visible.x() / kx, visible.y() / ky, visible.width() / kx, visible.height() / ky)
    source = QRectF(aligned.toAlignedRect()).intersected(QRectF(0, 0, pixmap.width(), pixmap.height()))
    area = QRectF(source.x() * kx, source.y() * ky, source.width() * kx, source.height() * ky)
    return source, area


def clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def percent(zoom: float) -> str:
    """The zoom as the badge shows it: whole percent, with decimals only below 10%."""
    return f"{zoom * 100:.1f}".rstrip("0").rstrip(".") if zoom < 0.1 else str(round(zoom * 100))
