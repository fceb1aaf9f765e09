"""Saving pasted or dropped pixels as a PNG file, so they go through the same pipeline as a file."""

from __future__ import annotations

import os
import secrets
from datetime import datetime
from pathlib import Path

from PySide6.QtGui import QImage, QImageWriter

from upscaler_gui.core import log


def save_pasted_image(image: QImage, folder: Path) -> Path:
    """Write `image` as a new PNG in `folder` and return its path; safe in any thread (QImage only).

    The PNG is written under a hidden temporary name and renamed into place, so the upload step (or a
    watch folder) never sees half a file under the final name.
    """
    if image.isNull():
        raise ValueError("cannot save an empty (null) image")
    folder.mkdir(parents=True, exist_ok=True)
    final = _free_name(folder)
    temp = folder / f".{final.name}.part"
    writer = QImageWriter(str(temp), b"png")
    if not writer.write(image):
        temp.unlink(missing_ok=True)
        raise OSError(f"cannot write {temp}: {writer.errorString()}")
    os.replace(temp, final)
    log.ui.info("pasted image saved as %s (%dx%d)", final, image.width(), image.height())
    return final


def _free_name(folder: Path) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    while True:
        path = folder / f"pasted-{stamp}-{secrets.token_hex(2)}.png"
        if not path.exists():
            return path
