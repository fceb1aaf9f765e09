"""Painting the compare view: the visible part of each side, the split handle, the labels, the placeholder.

The view decides what shows and with which words; these functions draw it in its palette and font.
Only the visible part of each pixmap is drawn, from the copy that has the pixels the zoom needs.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPalette, QPen, QPixmap, QPolygonF
from PySide6.QtWidgets import QWidget

from upscaler_gui.ui.compare.geometry import KNOB_RADIUS, Screen, Viewport, pixel_aligned
from upscaler_gui.ui.compare.previews import Side

_BADGE_MARGIN = 8
_BADGE_PADDING = QSize(8, 4)
_BOTTOM_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom
_CHECKER = 8  # px per square of the checkerboard behind transparent pixels
_WRAPPED = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap


def paint_side(
    painter: QPainter, side: Side, clip: QRect, *, viewport: Viewport, screen: Screen, palette: QPalette
) -> None:
    """Draw the part of `side` inside `clip`: only the pixels that show, from the right-sized copy."""
    frame = screen.frame
    visible = viewport.visible_part(clip, frame)
    if visible.isEmpty():
        return
    pixmap = side.level_for(viewport.scale * screen.ratio * frame.width() / side.levels[0].width())
    source, area = pixel_aligned(visible, frame, pixmap.size())
    target = viewport.to_widget(area)
    painter.save()
    painter.setClipRect(clip)
    if side.has_alpha:
        painter.fillRect(target, checkerboard(palette))
    painter.drawPixmap(target, pixmap, source)
    painter.restore()


def paint_labels(painter: QPainter, widget: QWidget, before: str, after: str) -> None:
    """Whole labels in their corners, never cut by the line; when they would meet (a narrow view),
    the after label drops to a second row."""
    left = _badge(widget, before, Qt.AlignmentFlag.AlignLeft)
    right = _badge(widget, after, Qt.AlignmentFlag.AlignRight)
    if left[1] and right[1] and left[0].right() + _BADGE_MARGIN > right[0].left():
        right[0].moveTop(left[0].bottom() + 1 + _BADGE_MARGIN // 2)
    for rect, text in (left, right):
        _paint_badge(painter, widget.palette(), rect, text)


def paint_status(painter: QPainter, widget: QWidget, zoom_text: str, message: str) -> None:
    """The zoom in the bottom-right corner, and the view's message centred above the bottom edge, whole
    (wrapped over lines: it says why there is no result, and that must be read to the end)."""
    zoom = _badge(widget, zoom_text, _BOTTOM_RIGHT)
    _paint_badge(painter, widget.palette(), *zoom)
    note = _badge(widget, message, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom, wrap=True)
    if note[0].intersects(zoom[0]):
        note[0].moveBottom(zoom[0].top() - 1 - _BADGE_MARGIN // 2)
    _paint_badge(painter, widget.palette(), *note, emphasis=True)


def _badge(
    widget: QWidget, text: str, alignment: Qt.AlignmentFlag, *, wrap: bool = False
) -> tuple[QRect, str]:
    """Where a label goes in its corner (or centred at the bottom), and its text: elided to fit, or
    wrapped over as many lines as it needs."""
    area = widget.rect().adjusted(_BADGE_MARGIN, _BADGE_MARGIN, -_BADGE_MARGIN, -_BADGE_MARGIN)
    metrics = widget.fontMetrics()
    width = area.width() - 2 * _BADGE_PADDING.width()
    if wrap and width > 0:  # wrapping at a negative width (a view not laid out yet) is left to no one
        size = metrics.boundingRect(QRect(0, 0, width, 10_000), _WRAPPED, text).size() + _BADGE_PADDING * 2
    else:
        text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)
        size = metrics.size(0, text) + _BADGE_PADDING * 2
    x = area.left()
    if alignment & Qt.AlignmentFlag.AlignRight:
        x = area.right() + 1 - size.width()
    elif alignment & Qt.AlignmentFlag.AlignHCenter:
        x = area.center().x() - size.width() // 2
    y = area.bottom() + 1 - size.height() if alignment & Qt.AlignmentFlag.AlignBottom else area.top()
    return QRect(x, y, size.width(), size.height()), text


def _paint_badge(
    painter: QPainter, palette: QPalette, rect: QRect, text: str, *, emphasis: bool = False
) -> None:
    if not text:
        return
    background = palette.color(QPalette.ColorRole.Highlight if emphasis else QPalette.ColorRole.Window)
    background.setAlpha(220)  # the picture shows through a little: it stays the main thing
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(background)
    painter.drawRoundedRect(QRectF(rect), 6, 6)
    role = QPalette.ColorRole.HighlightedText if emphasis else QPalette.ColorRole.WindowText
    painter.setPen(palette.color(role))
    painter.drawText(rect, _WRAPPED, text)


def paint_handle(painter: QPainter, palette: QPalette, x: int, height: int, *, hover: bool) -> None:
    """The split line from top to bottom, with a round knob at mid-height (filled while hovered)."""
    centre_y = height / 2
    accent = palette.color(QPalette.ColorRole.Highlight)
    # A thin shadow either side keeps the line visible over any picture, light or dark.
    shadow = palette.color(QPalette.ColorRole.Shadow)
    shadow.setAlpha(90)
    painter.fillRect(QRectF(x - 2, 0, 4, height), shadow)
    painter.fillRect(QRectF(x - 1, 0, 2, height), accent)
    knob = QRectF(x - KNOB_RADIUS, centre_y - KNOB_RADIUS, 2 * KNOB_RADIUS, 2 * KNOB_RADIUS)
    fill = accent if hover else palette.color(QPalette.ColorRole.Button)
    painter.setPen(QPen(accent, 2))
    painter.setBrush(fill)
    painter.drawEllipse(knob)
    role = QPalette.ColorRole.HighlightedText if hover else QPalette.ColorRole.ButtonText
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(palette.color(role))
    for direction in (-1, 1):
        painter.drawPolygon(_arrow(x + direction * 9, centre_y, direction))


def _arrow(tip: float, centre_y: float, direction: int) -> QPolygonF:
    """A small triangle on the knob pointing left (-1) or right (1)."""
    return QPolygonF(
        [
            QPointF(tip, centre_y),
            QPointF(tip - direction * 5, centre_y - 5),
            QPointF(tip - direction * 5, centre_y + 5),
        ]
    )


def paint_placeholder(painter: QPainter, widget: QWidget, text: str) -> None:
    font = QFont(widget.font())
    font.setPointSizeF(font.pointSizeF() * 1.2)
    painter.setFont(font)
    painter.setPen(widget.palette().color(QPalette.ColorRole.PlaceholderText))
    flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
    area = widget.rect().adjusted(24, 24, -24, -24)
    if area.width() > 0 and area.height() > 0:  # a view not laid out yet is 0 x 0: no wrap width
        painter.drawText(area, flags, text)


def canvas_colour(palette: QPalette) -> QColor:
    # A shade off the window colour, in either theme: the picture's edges show against it.
    return palette.color(QPalette.ColorRole.Window).darker(112)


def checkerboard(palette: QPalette) -> QBrush:
    base = palette.color(QPalette.ColorRole.Base)
    other = base.darker(118) if base.lightness() > 127 else base.lighter(150)
    tile = QPixmap(2 * _CHECKER, 2 * _CHECKER)
    tile.fill(base)
    with QPainter(tile) as tile_painter:
        tile_painter.fillRect(0, 0, _CHECKER, _CHECKER, other)
        tile_painter.fillRect(_CHECKER, _CHECKER, _CHECKER, _CHECKER, other)
    return QBrush(tile)
