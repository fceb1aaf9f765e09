"""Re-encoding a result in another format: pixels in a mode the format can hold, then Pillow's encoder.

JPEG has no alpha, so transparent pixels are laid on white (what a viewer shows behind them); 16-bit
grey is scaled to 8 bits (Pillow's own conversion clips it, turning most pixels white); CMYK becomes
RGB for PNG and WEBP, which cannot hold it.

Conversions run in worker threads, several at once; together they hold at most MAX_DECODED_PIXELS
(`PIXELS`), so a batch of large results never needs more memory than one result at the limit.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO

from PIL import Image

from upscaler_gui.core import constants

#: option value -> Pillow format name
TARGETS = {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP"}
WHITE = (255, 255, 255, 255)

_PNG_MODES = frozenset({"1", "L", "LA", "I", "I;16", "P", "RGB", "RGBA"})
_WIDE_GREY = frozenset({"I", "I;16", "I;16B", "I;16L", "I;16N"})  # PNG's 16-bit grey opens as these
_GREY = frozenset({"1", "L", "LA", "La", *_WIDE_GREY})


class PixelBudget:
    """At most `total` pixels held by the threads inside `hold` at once; the others wait their turn."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.used = 0
        self._changed = threading.Condition()

    @contextmanager
    def hold(self, pixels: int) -> Iterator[None]:
        pixels = min(max(0, pixels), self.total)  # one image over the budget runs alone
        with self._changed:
            self._changed.wait_for(lambda: self.used + pixels <= self.total)
            self.used += pixels
        try:
            yield
        finally:
            with self._changed:
                self.used -= pixels
                self._changed.notify_all()


PIXELS = PixelBudget(constants.MAX_DECODED_PIXELS)


def for_format(image: Image.Image, fmt: str) -> Image.Image:
    """`image` in a mode a `fmt` file can store."""
    if fmt == "PNG":
        return _for_png(image)
    if fmt == "JPEG":
        return _for_jpeg(image)
    if fmt == "WEBP":
        return _for_webp(image)
    raise ValueError(f"unknown target format {fmt}")


def _for_png(image: Image.Image) -> Image.Image:
    if image.mode in _PNG_MODES:
        return image  # PNG holds 16-bit grey and palettes as they are
    return image.convert("RGBA" if image.has_transparency_data else "RGB")


def _for_jpeg(image: Image.Image) -> Image.Image:
    grey = image.mode in _GREY
    if image.mode in _WIDE_GREY:
        image = grey_8bit(image)
    if image.has_transparency_data:
        image = flatten_on_white(image)
    if grey:
        return image if image.mode == "L" else image.convert("L")
    return image if image.mode in ("RGB", "CMYK") else image.convert("RGB")


def _for_webp(image: Image.Image) -> Image.Image:
    if image.mode in _WIDE_GREY:
        image = grey_8bit(image)
    if image.mode in ("RGB", "RGBA"):
        return image
    return image.convert("RGBA" if image.has_transparency_data else "RGB")


def flatten_on_white(image: Image.Image) -> Image.Image:
    """An opaque RGB image: `image` as it looks laid on white paper."""
    background = Image.new("RGBA", image.size, WHITE)
    # An RGBA image is composited as it is: `convert` to its own mode would copy every pixel (4 bytes each).
    background.alpha_composite(image if image.mode == "RGBA" else image.convert("RGBA"))
    return background.convert("RGB")


def grey_8bit(image: Image.Image) -> Image.Image:
    """16-bit grey (0-65535) scaled to 8 bits.

    A 16-bit colour key (PNG tRNS, very rare) is dropped: it names a 16-bit value no 8-bit pixel has.
    """
    grey = image.convert("I").point(lambda v: v * (1 / 257)).convert("L")
    grey.info.pop("transparency", None)
    return grey


def encode(
    image: Image.Image, stream: BinaryIO, fmt: str, *, quality: int, exif: bytes, icc: bytes | None
) -> None:
    """Write `image` as `fmt`. `exif` is "Exif\\0\\0" + TIFF data (or b""), as Pillow wants it for JPEG."""
    options: dict[str, object] = {"exif": exif, "icc_profile": icc}
    if fmt == "JPEG":
        options["quality"] = quality
    elif fmt == "WEBP":
        options["quality"] = quality  # lossy, as every other tool's WEBP quality slider means
    image.save(stream, fmt, **options)
