"""Pillow's pictures of HEIC and AVIF files (core/previews.py) as QImages, for the thumbnails and the
compare view, which read everything else with QImageReader."""

from __future__ import annotations

from PySide6.QtGui import QImage

from upscaler_gui.core.previews import preview_image


def read_with_pillow(path: str, max_pixels: int) -> tuple[QImage, tuple[int, int]] | None:
    """The picture at `path` and its upright size before shrinking; None when Pillow cannot read it
    either. Safe in any thread (QImage, not QPixmap)."""
    picture = preview_image(path, max_pixels)
    if picture is None:
        return None
    alpha = picture.mode == "RGBA"
    data = picture.tobytes("raw", picture.mode)
    stride, qt_format = (4, QImage.Format.Format_RGBA8888) if alpha else (3, QImage.Format.Format_RGB888)
    image = QImage(data, picture.width, picture.height, picture.width * stride, qt_format)
    return image.copy(), picture.info["original_size"]  # copy: `data` is freed on return
