"""The source image's EXIF and ICC profile, adapted to a result and spliced into its file.

KIE's results carry no metadata. We copy the source's, changed only where it would now lie: the
Orientation (when the service already rotated the pixels), the pixel size, and the EXIF thumbnail (a
small picture of the old image, so it is unlinked and blanked). The EXIF is patched in place rather
than re-serialised, so tags we do not understand (maker notes with their own offsets) survive intact.
Splicing it into the result's file is in `splice.py`. Anything wrong raises `ValueError` or
`struct.error`; the caller keeps the result without metadata (metadata never fails a job).
"""

from __future__ import annotations

import math
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image

from upscaler_gui.core import log

EXIF_HEADER = b"Exif\x00\x00"  # before the TIFF data in a JPEG APP1 segment
MAX_JPEG_SEGMENT = 65533  # a segment's payload; its 2-byte length counts itself
ICC_JPEG_HEADER = b"ICC_PROFILE\x00"
ICC_JPEG_CHUNK = MAX_JPEG_SEGMENT - len(ICC_JPEG_HEADER) - 2  # 65519: minus sequence number and count
ICC_PNG_NAME = b"ICC Profile"

_ORIENTATION, _IMAGE_WIDTH, _IMAGE_LENGTH, _EXIF_IFD = 0x0112, 0x0100, 0x0101, 0x8769
_PIXEL_X, _PIXEL_Y = 0xA002, 0xA003
_THUMB_OFFSET, _THUMB_LENGTH = 0x0201, 0x0202
_SHORT, _LONG = 3, 4
_SWAPS_AXES = frozenset({5, 6, 7, 8})  # orientations that turn the picture by 90°

# ICC header bytes 16-20 name the colour space; a profile only describes pixels of that kind.
_ICC_SPACES = {
    "RGB ": {"RGB", "RGBA", "RGBX", "P", "PA"},
    "GRAY": {"L", "LA", "I", "I;16", "1"},
    "CMYK": {"CMYK"},
}


@dataclass(frozen=True)
class SourceMetadata:
    exif: bytes | None  # TIFF data, without the "Exif\0\0" header
    icc: bytes | None
    size: tuple[int, int]  # raw pixels, before any EXIF orientation


@dataclass(frozen=True)
class ResultMetadata:
    exif: bytes | None  # TIFF data adapted to the result
    icc: bytes | None

    @property
    def empty(self) -> bool:
        return not self.exif and not self.icc


NOTHING = ResultMetadata(None, None)


# --- reading the source ---------------------------------------------------------------------------


def read_source(path: Path) -> SourceMetadata | None:
    """The source's EXIF and ICC profile; None when it has neither or cannot be read (logged)."""
    try:
        with Image.open(path) as image:
            info = dict(image.info)
            if image.format == "PNG" and "exif" not in info:
                info["exif"] = png_exif_after_pixels(path)  # a PNG's eXIf may follow its pixels
            found, size = from_info(info), image.size
    except Exception as exc:  # a source we cannot read only loses its metadata
        log.output.info("source metadata not read from %s: %s", path.name, exc)
        return None
    if found.empty:
        return None
    return SourceMetadata(found.exif, found.icc, size)


def png_exif_after_pixels(path: Path) -> bytes | None:
    """The eXIf chunk of a PNG, found by skipping from chunk header to chunk header: Pillow would
    decode every pixel to reach a chunk behind the image data."""
    with path.open("rb") as stream:
        stream.seek(8)  # the signature
        while head := stream.read(8):
            if len(head) < 8:
                return None
            length, kind = struct.unpack(">I4s", head)
            if kind == b"eXIf":
                return stream.read(length)
            if kind == b"IEND":
                return None
            stream.seek(length + 4, 1)  # the data and its CRC
    return None


def from_info(info: Mapping[Any, object]) -> ResultMetadata:
    """The EXIF (as TIFF data) and ICC profile in a Pillow image's `info`."""
    exif, icc = info.get("exif"), info.get("icc_profile")
    tiff = tiff_data(exif) if isinstance(exif, bytes) else None
    if exif and tiff is None:
        log.output.info("an EXIF block that is not TIFF data is not copied")
    return ResultMetadata(tiff, icc if isinstance(icc, bytes) and icc else None)


def tiff_data(exif: bytes) -> bytes | None:
    """The TIFF data in an EXIF block, with or without the "Exif\\0\\0" header; None if it is not TIFF."""
    data = exif.removeprefix(EXIF_HEADER)
    return data if data[:4] in (b"II*\x00", b"MM\x00*") else None


# --- adapting it to the result ---------------------------------------------------------------------


def for_result(source: SourceMetadata, size: tuple[int, int], mode: str, fmt: str) -> ResultMetadata:
    """What to write into a `fmt` result of `size` pixels in `mode`; parts that cannot fit are dropped."""
    exif = _adapted_exif(source, size)
    if exif and fmt == "JPEG" and len(EXIF_HEADER + exif) > MAX_JPEG_SEGMENT:
        log.output.info("source EXIF (%d bytes) is too long for a JPEG segment; not copied", len(exif))
        exif = None
    icc = source.icc if source.icc and icc_matches(source.icc, mode) else None
    if source.icc and icc is None:
        log.output.info("source ICC profile does not describe %s pixels; not copied", mode)
    return ResultMetadata(exif, icc)


def _adapted_exif(source: SourceMetadata, size: tuple[int, int]) -> bytes | None:
    if not source.exif:
        return None
    try:
        return adapt_exif(source.exif, raw=source.size, result=size)
    except (ValueError, struct.error) as exc:
        log.output.info("source EXIF is damaged (%s); not copied", exc)
        return None


def icc_matches(icc: bytes, mode: str) -> bool:
    """True when the profile's colour space is the one `mode` pixels are in."""
    space = icc[16:20].decode("latin-1") if len(icc) >= 128 else ""
    return mode in _ICC_SPACES.get(space, set())


def orientation_for(value: int, raw: tuple[int, int], result: tuple[int, int]) -> int:
    """The Orientation a result needs, judged from its aspect.

    Only 5-8 swap width and height, so only they can be told apart: a result shaped like the source's
    raw pixels is still raw (keep the value), one shaped like the turned picture was turned by the
    service (1). Square images and 2-4 (flips, 180°) look the same either way: we assume the service
    kept the raw pixels, as most image pipelines do, and keep the value.
    """
    if value not in _SWAPS_AXES or min(*raw, *result) <= 0:
        return value
    raw_aspect, aspect = math.log(raw[0] / raw[1]), math.log(result[0] / result[1])
    return value if abs(aspect - raw_aspect) <= abs(aspect + raw_aspect) else 1


class _Tiff:
    """Just enough of TIFF to rewrite a few values in place."""

    def __init__(self, data: bytes) -> None:
        if data[:4] not in (b"II*\x00", b"MM\x00*"):
            raise ValueError("no TIFF header")
        self.data = bytearray(data)
        self.order = "<" if data[:2] == b"II" else ">"

    def get(self, fmt: str, at: int) -> int:
        value: int = struct.unpack_from(self.order + fmt, self.data, at)[0]
        return value

    def put(self, fmt: str, at: int, value: int) -> None:
        struct.pack_into(self.order + fmt, self.data, at, value)

    def entries(self, ifd: int) -> dict[int, int]:
        """Tag -> position of its 12-byte entry."""
        count = self.get("H", ifd)
        if ifd + 6 + 12 * count > len(self.data):
            raise ValueError("an IFD runs past the end of the EXIF data")
        return {self.get("H", at): at for at in range(ifd + 2, ifd + 2 + 12 * count, 12)}

    def single_int(self, entry: int) -> bool:
        return self.get("H", entry + 2) in (_SHORT, _LONG) and self.get("I", entry + 4) == 1

    def set_int(self, entry: int | None, value: int) -> None:
        """Write a one-value SHORT/LONG as a LONG (the value field holds 4 bytes either way)."""
        if entry is not None and self.single_int(entry):
            self.put("H", entry + 2, _LONG)
            self.put("I", entry + 8, value)

    def drop_thumbnail(self, ifd0: int) -> None:
        """Unlink IFD1 (the thumbnail) and blank its picture: it would show the old, small image."""
        link = ifd0 + 2 + 12 * self.get("H", ifd0)
        ifd1 = self.get("I", link)
        if not ifd1:
            return
        entries = self.entries(ifd1)
        if _THUMB_OFFSET in entries and _THUMB_LENGTH in entries:
            start = self.get("I", entries[_THUMB_OFFSET] + 8)
            end = start + self.get("I", entries[_THUMB_LENGTH] + 8)
            if 8 <= start <= end <= len(self.data):
                self.data[start:end] = bytes(end - start)
        self.put("I", link, 0)


def adapt_exif(tiff: bytes, *, raw: tuple[int, int], result: tuple[int, int]) -> bytes:
    """The source's EXIF with Orientation, pixel size and thumbnail made true for the result."""
    exif = _Tiff(tiff)
    ifd0 = exif.get("I", 4)
    entries = exif.entries(ifd0)
    if (entry := entries.get(_ORIENTATION)) is not None and exif.get("H", entry + 2) == _SHORT:
        exif.put("H", entry + 8, orientation_for(exif.get("H", entry + 8), raw, result))
    exif.set_int(entries.get(_IMAGE_WIDTH), result[0])
    exif.set_int(entries.get(_IMAGE_LENGTH), result[1])
    if (entry := entries.get(_EXIF_IFD)) is not None:
        sub = exif.entries(exif.get("I", entry + 8))
        exif.set_int(sub.get(_PIXEL_X), result[0])
        exif.set_int(sub.get(_PIXEL_Y), result[1])
    exif.drop_thumbnail(ifd0)
    return bytes(exif.data)


def upright_exif(tiff: bytes) -> bytes:
    """The EXIF with its Orientation set to 1 (normal), for pixels already turned upright; patched in
    place like `adapt_exif`, so the rest survives byte for byte."""
    exif = _Tiff(tiff)
    entry = exif.entries(exif.get("I", 4)).get(_ORIENTATION)
    if entry is not None and exif.get("H", entry + 2) == _SHORT:
        exif.put("H", entry + 8, 1)
    return bytes(exif.data)
