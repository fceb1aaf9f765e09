"""Re-encoding a result in another format: pixels in a mode the format can hold, then Pillow's encoder.

JPEG has no alpha, so transparent pixels are laid on white (what a viewer shows behind them); 16-bit
grey is scaled to 8 bits (Pillow's own conversion clips it, turning most pixels white); CMYK becomes
RGB for PNG and WEBP, which cannot hold it.
"""

from __future__ import annotations

from typing import BinaryIO

from PIL import Image

#: option value -> Pillow format name
TARGETS = {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP"}
WHITE = (255, 255, 255, 255)

_PNG_MODES = frozenset({"1", "L", "LA", "I", "I;16", "P", "RGB", "RGBA"})
_WIDE_GREY = frozenset({"I", "I;16", "I;16B", "I;16L", "I;16N"})  # PNG's 16-bit grey opens as these
_GREY = frozenset({"1", "L", "LA", "La", *_WIDE_GREY})


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
    background.alpha_composite(image.convert("RGBA"))
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
