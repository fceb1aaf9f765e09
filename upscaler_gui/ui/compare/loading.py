"""Reading images for the compare view off the Qt thread, scaled down while reading when huge.

Only QImage is used here: it may be created and scaled in any thread, unlike QPixmap (GUI thread only).
QImageReader releases the GIL while it decodes, so a read in an executor leaves the Qt loop free.
"""

from __future__ import annotations

import asyncio
import math

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage, QImageIOHandler, QImageReader

from upscaler_gui.core import log
from upscaler_gui.ui.shell.pillow_image import read_with_pillow

DEFAULT_MAX_PIXELS = 40_000_000
# A huge image is read with a scaled size, but some decoders (PNG) still decode it whole first, and Qt
# refuses any decode above its allocation limit (256 MB by default, about an 8192 x 8192 image). The
# limit is raised as needed up to this cap; beyond it the image is skipped rather than eating memory.
_DECODE_CAP_MB = 1024
# Stored in the image's text: its size before scaling, so the view can say "(preview scaled)".
ORIGINAL_SIZE_KEY = "upscaler.original-size"
# The view draws a zoomed-out picture from a halved copy: a bilinear draw of a big pixmap aliases.
_SMALLEST_LEVEL_SIDE = 256


def read_image(path: str | None, max_pixels: int = DEFAULT_MAX_PIXELS) -> QImage | None:
    """The image at `path` upright (EXIF) and at most `max_pixels`; None when missing or unreadable."""
    if not path:
        return None
    reader = QImageReader(path)
    reader.setAutoTransform(True)
    stored = reader.size()  # before the EXIF rotation, like the scaled size the reader takes
    if not stored.isValid():
        log.ui.info("compare: cannot read %s: %s", path, reader.errorString())
        return _read_with_pillow(path, max_pixels)
    if not _allow_decoding(stored):
        log.ui.info("compare: %s is too large to preview (%d x %d)", path, stored.width(), stored.height())
        return None
    scaled = scaled_size(stored, max_pixels)
    if scaled != stored:
        reader.setScaledSize(scaled)
    image = reader.read()
    if image.isNull():
        log.ui.info("compare: cannot read %s: %s", path, reader.errorString())
        return None
    return _prepared(image, _upright(stored, reader.transformation()))


def _read_with_pillow(path: str, max_pixels: int) -> QImage | None:
    """A HEIC or AVIF "before" (Qt has no decoder for them), as Pillow reads it."""
    pictured = read_with_pillow(path, max_pixels)
    if pictured is None:
        return None
    image, (width, height) = pictured
    return _prepared(image, QSize(width, height))


async def load_pair(
    before_path: str | None, after_path: str | None, max_pixels: int = DEFAULT_MAX_PIXELS
) -> tuple[QImage | None, QImage | None]:
    """Both images read in parallel in the loop's default executor; None for a missing or bad file."""
    loop = asyncio.get_running_loop()
    before, after = await asyncio.gather(
        loop.run_in_executor(None, read_image, before_path, max_pixels),
        loop.run_in_executor(None, read_image, after_path, max_pixels),
    )
    return before, after


def scaled_size(size: QSize, max_pixels: int) -> QSize:
    """`size` shrunk, keeping its aspect, to at most `max_pixels`; unchanged when already within."""
    pixels = size.width() * size.height()
    if pixels <= max_pixels:
        return QSize(size)
    factor = math.sqrt(max_pixels / pixels)
    return QSize(max(1, int(size.width() * factor)), max(1, int(size.height() * factor)))


def original_size(image: QImage) -> QSize:
    """The size of the file's picture, which is larger than `image` when it was scaled while reading."""
    width, _, height = image.text(ORIGINAL_SIZE_KEY).partition("x")
    if width.isdigit() and height.isdigit():
        return QSize(int(width), int(height))
    return image.size()


def halvings(image: QImage) -> list[QImage]:
    """Ever smaller copies of `image` (1/2, 1/4, ...), area-averaged; for drawing it zoomed out."""
    levels: list[QImage] = []
    current = image
    while min(current.width(), current.height()) >= 2 * _SMALLEST_LEVEL_SIDE:
        current = current.scaled(
            current.width() // 2,
            current.height() // 2,
            Qt.AspectRatioMode.IgnoreAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
        levels.append(current)
    return levels


def _allow_decoding(size: QSize) -> bool:
    needed_mb = math.ceil(size.width() * size.height() * 4 / 2**20) + 1
    if needed_mb > _DECODE_CAP_MB:
        return False
    if needed_mb > QImageReader.allocationLimit():
        # Process-wide, and only ever raised: other readers (thumbnails) keep working as before.
        QImageReader.setAllocationLimit(needed_mb)
    return True


def _upright(stored: QSize, transformation: QImageIOHandler.Transformation) -> QSize:
    if transformation & QImageIOHandler.Transformation.TransformationRotate90:
        return stored.transposed()
    return QSize(stored)


def _prepared(image: QImage, original: QSize) -> QImage:
    """In the format a raster QPixmap uses, so the GUI thread's QPixmap.fromImage does not convert."""
    wanted = (
        QImage.Format.Format_ARGB32_Premultiplied if image.hasAlphaChannel() else QImage.Format.Format_RGB32
    )
    if image.format() != wanted:
        image = image.convertToFormat(wanted)
    if original != image.size():
        image.setText(ORIGINAL_SIZE_KEY, f"{original.width()}x{original.height()}")
    return image
