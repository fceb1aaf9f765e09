"""Local checks before anything is sent: the real format from the bytes, size, decoding, pixel limits.

A refusal is an `ImageError` whose message names the cause and the limit; pixel limits give warnings
only (KIE states none; upstream Recraft does).
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from PIL import Image, UnidentifiedImageError

from upscaler_gui.core.constants import (
    ALLOWED_FORMATS,
    MAX_IMAGE_BYTES,
    WARN_MAX_PIXELS,
    WARN_MAX_SIDE,
    WARN_MIN_SIDE,
)
from upscaler_gui.core.decode_check import check_decodes
from upscaler_gui.core.errors import ImageError
from upscaler_gui.core.i18n import tr
from upscaler_gui.core.localfiles import open_regular

EXTENSIONS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}
MIME_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
HEAD_BYTES = 64

# Formats people try that we must name when refusing (magic bytes, what it is).
_OTHER_MAGIC: tuple[tuple[int, bytes, str], ...] = (
    (0, b"GIF87a", "a GIF image"),
    (0, b"GIF89a", "a GIF image"),
    (0, b"BM", "a BMP image"),
    (0, b"II*\x00", "a TIFF image"),
    (0, b"MM\x00*", "a TIFF image"),
    (0, b"%PDF", "a PDF document"),
    (0, b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (0, b"8BPS", "a Photoshop (PSD) file"),
    (0, b"\x00\x00\x01\x00", "an ICO icon"),
    (0, b"\xff\x0a", "a JPEG XL image"),
    (4, b"JXL ", "a JPEG XL image"),
    (0, b"\x1f\x8b", "a gzip archive"),
    (0, b"\x7fELF", "a program (ELF binary)"),
)
_FTYP_BRANDS = {
    b"heic": "a HEIC photo",
    b"heix": "a HEIC photo",
    b"mif1": "a HEIF image",
    b"avif": "an AVIF image",
    b"isom": "an MP4 video",
    b"qt  ": "a QuickTime video",
}


@dataclass(frozen=True)
class ImageInfo:
    """What the local checks learned about one image."""

    format: str  # PNG, JPEG or WEBP, from the bytes
    size_bytes: int
    width: int
    height: int
    warnings: tuple[str, ...] = field(default=())

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.format]

    @property
    def mime_type(self) -> str:
        return MIME_TYPES[self.format]


def sniff_format(head: bytes) -> str | None:
    """PNG, JPEG or WEBP from the first bytes; None for anything else."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    return None


def describe_other(head: bytes) -> str:
    """A name for what the bytes really are, for a refusal message."""
    for offset, magic, name in _OTHER_MAGIC:
        if head[offset : offset + len(magic)] == magic:
            return tr(name)
    if head[4:8] == b"ftyp":
        return tr(_FTYP_BRANDS.get(head[8:12], "an ISO media file (HEIC/AVIF/MP4)"))
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<svg", b"<?xml")):
        return tr("an SVG or XML file")
    if text.startswith((b"<!doctype html", b"<html")):
        return tr("a web page (HTML)")
    if head and all(32 <= b < 127 or b in b"\t\r\n" for b in head):
        return tr("a text file")
    return tr("not an image format we know")


def check_size(size: int) -> None:
    if size == 0:
        raise ImageError(tr("The file is empty (0 bytes)."), hint=tr("Choose the image again."))
    if size > MAX_IMAGE_BYTES:
        shown, limit = format_bytes(size), format_bytes(MAX_IMAGE_BYTES)
        if shown == limit:  # just over: rounded, both would read "10.0 MB"
            shown, limit = f"{size:,} bytes", f"{MAX_IMAGE_BYTES:,} bytes"
        raise ImageError(
            tr("The image is {size}; KIE accepts at most {limit}.").format(size=shown, limit=limit),
            hint=tr("Save it smaller (for example as JPEG) and add it again."),
        )


def check_format(head: bytes) -> str:
    found = sniff_format(head)
    if found is None:
        raise ImageError(
            tr("This is {what}, not a PNG, JPEG or WEBP image.").format(what=describe_other(head)),
            hint=tr("Convert it to PNG or JPEG first."),
        )
    return found


def check_stream(stream: BinaryIO, size: int) -> ImageInfo:
    """All the checks on an open binary stream of `size` bytes."""
    check_size(size)
    head = stream.read(HEAD_BYTES)
    stream.seek(0)
    found = check_format(head)
    width, height = _decode(stream, found)
    return ImageInfo(found, size, width, height, pixel_warnings(width, height))


def check_file(path: Path) -> ImageInfo:
    """All the checks on a local file; `ImageError` says what is wrong and what to do (a pipe, device
    or socket is refused without being opened)."""
    try:
        with open_regular(path) as stream:
            return check_stream(stream, os.fstat(stream.fileno()).st_size)
    except FileNotFoundError:
        raise ImageError(tr("The file does not exist."), hint=tr("Check the path.")) from None
    except IsADirectoryError:
        raise ImageError(tr("This is a folder, not an image file.")) from None
    except PermissionError:
        raise ImageError(
            tr("The file cannot be read (permission denied)."), hint=tr("Check its permissions.")
        ) from None
    except OSError as exc:
        raise ImageError(tr("The file cannot be read ({cause}).").format(cause=exc.strerror or exc)) from None


def check_bytes(data: bytes) -> ImageInfo:
    """All the checks on image bytes held in memory (data: URIs, pasted images)."""
    return check_stream(io.BytesIO(data), len(data))


def _decode(stream: BinaryIO, expected: str) -> tuple[int, int]:
    """Prove every pixel decodes (a truncated or damaged file is refused here, before any upload),
    without holding them all: see decode_check."""
    try:
        with Image.open(stream, formats=list(ALLOWED_FORMATS)) as image:
            width, height = image.size
            if width * height > (Image.MAX_IMAGE_PIXELS or width * height):
                raise Image.DecompressionBombError("too many pixels")
            check_decodes(stream, image, expected)
            return width, height
    except Image.DecompressionBombError:
        raise ImageError(
            tr("The image has too many pixels to be a photo (a decompression bomb?)."),
            hint=tr("Use an image of at most 16 megapixels."),
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ImageError(
            tr("The {fmt} image is truncated or damaged and cannot be decoded ({cause}).").format(
                fmt=expected, cause=decode_cause(exc)
            ),
            hint=tr("Export it again from its source."),
        ) from None


def decode_cause(exc: BaseException) -> str:
    """Pillow's reason, without the Python objects some of its messages quote."""
    if isinstance(exc, UnidentifiedImageError):
        return tr("its data does not form an image")
    text = re.sub(r"\s*<[^>]*>", "", str(exc)).strip()
    return text or type(exc).__name__


def pixel_warnings(width: int, height: int) -> tuple[str, ...]:
    found: list[str] = []
    if width * height > WARN_MAX_PIXELS:
        found.append(tr("{w}x{h} is over 16 megapixels; KIE may refuse it.").format(w=width, h=height))
    if max(width, height) > WARN_MAX_SIDE:
        found.append(tr("A side is over {limit} px; KIE may refuse it.").format(limit=WARN_MAX_SIDE))
    if min(width, height) < WARN_MIN_SIDE:
        found.append(tr("A side is under {limit} px; KIE may refuse it.").format(limit=WARN_MIN_SIDE))
    return tuple(found)


def format_bytes(size: int, number: Callable[[float, int], str] | None = None) -> str:
    """Sizes as people read them: 812 KB, 10.0 MB (binary units, as the 10 MB limit is). `number`
    writes a value with so many decimals (the window's follows the locale: "2,1 МБ")."""
    write = number or _plain_number
    if size < 1024:
        return tr("{n} B").format(n=write(size, 0))
    if size < 1024 * 1024:
        return tr("{n} KB").format(n=write(size / 1024, 0))
    return tr("{n} MB").format(n=write(size / (1024 * 1024), 1))


def _plain_number(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}"
