"""Writing an image so that it fits KIE's 10 MB: PNG (lossless) when it can, else JPEG at falling qualities.

An encode that passes the limit is stopped as it passes it (the stream refuses to grow), so a photo's
PNG costs only the part written before it fails; and a PNG is not tried at all when a sample band of
the image, encoded alone, shows the whole could not fit.
"""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path
from typing import BinaryIO

from PIL import Image

from upscaler_gui.core import constants, convert, images, metadata
from upscaler_gui.core.errors import ImageError
from upscaler_gui.core.i18n import tr

SAMPLE_ROWS = 16  # choice: a band of 1/16 of the rows estimates the PNG's size (photos are even)
SAMPLE_MARGIN = 1.25  # choice: a PNG estimated up to 25% over the limit is still tried


class _TooLargeError(Exception):
    """An encode passed MAX_IMAGE_BYTES: stopped there."""


class _Capped:
    """A writable stream that counts what it is given and refuses to grow past `limit` (None: no limit)."""

    def __init__(self, stream: BinaryIO, *, limit: int | None) -> None:
        self.stream, self.written, self.limit = stream, 0, limit

    def write(self, data: bytes) -> int:
        self.written += len(data)
        if self.limit is not None and self.written > self.limit:
            raise _TooLargeError
        return self.stream.write(data)

    def fileno(self) -> int:  # Pillow would write to the descriptor itself, past `write`
        raise io.UnsupportedOperation("capped stream")

    def __getattr__(self, name: str) -> object:  # seek, tell, flush... as the file has them
        return getattr(self.stream, name)


def png_may_fit(image: Image.Image) -> bool:
    """Whether a PNG of `image` could fit: a band from its middle, encoded alone, scaled to the whole."""
    rows = max(64, image.height // SAMPLE_ROWS)
    if rows * 2 >= image.height:
        return True
    top = (image.height - rows) // 2
    band = convert.for_format(image.crop((0, top, image.width, top + rows)), "PNG")
    counter = _Capped(io.BytesIO(), limit=None)
    band.save(counter, "PNG", compress_level=constants.FIT_PNG_COMPRESS_LEVEL)  # type: ignore[arg-type]
    return counter.written * image.height / rows <= constants.MAX_IMAGE_BYTES * SAMPLE_MARGIN


def write_fitting(
    image: Image.Image, source_fmt: str, dest: Path, carried: metadata.ResultMetadata
) -> tuple[str, int | None, Path]:
    """`image` written to `dest` + its extension: as PNG if that fits 10 MB (not tried for a JPEG source,
    nor when a sample shows it cannot), else as JPEG at the first quality that fits; (format, quality
    or None for PNG, the file). `ImageError` when not even the lowest quality fits."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    png = source_fmt != "JPEG" and png_may_fit(image)
    tries: list[tuple[str, int | None]] = [("PNG", None)] if png else []
    tries += [("JPEG", q) for q in constants.FIT_JPEG_QUALITIES]
    pixels: dict[str, Image.Image] = {}
    for target, quality in tries:
        pixels.setdefault(target, convert.for_format(image, target))
        icc = carried.icc if carried.icc and metadata.icc_matches(carried.icc, pixels[target].mode) else None
        path = dest.with_name(f"{dest.name}.{images.EXTENSIONS[target]}")
        if _encode_capped(pixels[target], path, quality, metadata.ResultMetadata(carried.exif, icc)):
            return target, quality, path
    raise ImageError(
        tr("Even as a JPEG of quality {q} this image is over KIE's 10 MB limit.").format(
            q=constants.FIT_JPEG_QUALITIES[-1]
        ),
        hint=tr(
            "Scale it down (--fit-pixels, or “Scale down to KIE's pixel limits” in Settings)"
            " and add it again."
        ),
    )


def _encode_capped(
    image: Image.Image, path: Path, quality: int | None, meta: metadata.ResultMetadata
) -> bool:
    """Write `path` (PNG without a quality, else JPEG) atomically; False, leaving nothing, past 10 MB."""
    fmt, exif = ("PNG" if quality is None else "JPEG"), meta.exif
    options: dict[str, object] = {"icc_profile": meta.icc}
    if exif and (fmt != "JPEG" or len(metadata.EXIF_HEADER + exif) <= metadata.MAX_JPEG_SEGMENT):
        options["exif"] = metadata.EXIF_HEADER + exif
    if fmt == "PNG":
        options["compress_level"] = constants.FIT_PNG_COMPRESS_LEVEL
    else:
        options.update(quality=quality, optimize=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        with temp.open("wb") as stream:
            image.save(_Capped(stream, limit=constants.MAX_IMAGE_BYTES), fmt, **options)  # type: ignore[arg-type]
        os.replace(temp, path)
        return True
    except _TooLargeError:
        return False
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
