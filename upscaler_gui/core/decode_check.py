"""Proving an image decodes completely, without holding all its pixels.

A 10 MB file can hold 50+ megapixels; several checks at once must not cost gigabytes (measured before
this module: +240 MiB of peak RSS for ten 10 MB JPEGs checked at once).
- JPEG: decoded at 1/8 scale (libjpeg still reads every byte, so a truncated file still fails).
- PNG: the compressed data is streamed through zlib in small pieces, chunk CRCs checked, and the
  amount of pixel data compared with what the header promises; nothing is kept.
- WEBP: Pillow can only decode it whole, so one WEBP is decoded at a time in the whole process, and
  a result over MAX_DECODED_PIXELS is not decoded: its RIFF chunk sizes must add up to the file (a cut
  file fails), which is what a download can get wrong.
"""

from __future__ import annotations

import struct
import threading
import zlib
from typing import BinaryIO

from PIL import Image

READ_PIECE = 64 * 1024
_WEBP_ONE_AT_A_TIME = threading.Lock()
# bits per pixel for each PNG colour type, per bit of depth
_PNG_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
_ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2))


class DamagedImageError(ValueError):
    """The bytes do not decode completely; the message says why."""


def check_decodes(stream: BinaryIO, image: Image.Image, fmt: str, *, most_pixels: int | None = None) -> None:
    """Raise DamagedImage unless the whole image decodes. `image` is the lazily opened header.

    A WEBP over `most_pixels` is checked by its chunk sizes only (results: see the module doc). Inputs
    pass none: a damaged input must be caught before it is sent (and billed)."""
    if fmt == "JPEG":
        width, height = image.size
        image.draft("RGB", (max(1, width // 8), max(1, height // 8)))
        image.load()
    elif fmt == "PNG":
        stream.seek(0)
        check_png_stream(stream)
    elif most_pixels is not None and image.width * image.height > most_pixels:
        stream.seek(0)
        check_riff_sizes(stream)
    else:
        with _WEBP_ONE_AT_A_TIME:
            image.load()


def check_riff_sizes(stream: BinaryIO) -> None:
    """A WEBP's RIFF size fits the file, and its chunks fill it exactly (nothing is decoded)."""
    head = stream.read(12)
    if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WEBP":
        raise DamagedImageError("not a WEBP file")
    end = 8 + struct.unpack("<I", head[4:8])[0]
    size = stream.seek(0, 2)
    if size < end:
        raise DamagedImageError(f"the file stops early ({size} of {end} bytes)")
    at = 12
    while at < end:
        stream.seek(at)
        chunk = stream.read(8)
        at += 8 + struct.unpack("<I", chunk[4:8])[0] if len(chunk) == 8 else end + 1
        if at > end:
            raise DamagedImageError("a chunk runs past the end of the file")
        at += at % 2 if at < end else 0  # chunks are padded to an even size


def png_data_size(width: int, height: int, depth: int, colour: int, interlaced: bool) -> int:
    """Bytes of filtered scanlines the IDAT stream must inflate to (one filter byte per row)."""
    bits = _PNG_CHANNELS.get(colour, 0) * depth
    if not bits:
        raise DamagedImageError(f"unknown PNG colour type {colour}")

    def rows(w: int, h: int) -> int:
        return 0 if w == 0 or h == 0 else h * (1 + (w * bits + 7) // 8)

    if not interlaced:
        return rows(width, height)
    total = 0
    for x0, y0, dx, dy in _ADAM7:
        total += rows((width - x0 + dx - 1) // dx, (height - y0 + dy - 1) // dy)
    return total


def check_png_stream(stream: BinaryIO) -> None:
    """Walk the chunks, check CRCs, inflate IDAT piece by piece and count the bytes."""
    if stream.read(8) != b"\x89PNG\r\n\x1a\n":
        raise DamagedImageError("not a PNG signature")
    walker = _PngWalker(stream)
    while walker.next_chunk() != b"IEND":
        pass
    walker.check_complete()


class _PngWalker:
    """State of one PNG walk: the inflater and how much it produced (one per call: thread-safe)."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.inflater = zlib.decompressobj()
        self.expected = -1
        self.inflated = 0

    def next_chunk(self) -> bytes:
        head = self.stream.read(8)
        if len(head) < 8:
            raise DamagedImageError("the file ends before the image data is complete")
        length, kind = struct.unpack(">I4s", head)
        crc = zlib.crc32(kind)
        if kind == b"IHDR":
            header = self.stream.read(length)
            self.expected = _ihdr_size(header)
            crc = zlib.crc32(header, crc)
        else:
            crc = self._walk(length, kind == b"IDAT", crc)
        stored = self.stream.read(4)
        if len(stored) < 4 or struct.unpack(">I", stored)[0] != crc & 0xFFFFFFFF:
            raise DamagedImageError(f"chunk {kind.decode('latin-1')} is damaged (CRC mismatch)")
        return bytes(kind)

    def _walk(self, length: int, is_data: bool, crc: int) -> int:
        left = length
        while left:
            piece = self.stream.read(min(READ_PIECE, left))
            if not piece:
                raise DamagedImageError("the file ends inside a chunk")
            left -= len(piece)
            crc = zlib.crc32(piece, crc)
            if is_data:
                self.inflated += self._inflate(piece)
        return crc

    def _inflate(self, data: bytes) -> int:
        """Inflate `data`, counting the output and keeping none of it."""
        produced = 0
        try:
            while data:
                out = self.inflater.decompress(data, READ_PIECE)
                produced += len(out)
                data = self.inflater.unconsumed_tail
        except zlib.error as exc:
            raise DamagedImageError(f"the compressed image data is damaged ({exc})") from None
        return produced

    def check_complete(self) -> None:
        if self.expected < 0:
            raise DamagedImageError("no IHDR header")
        if self.inflated < self.expected or not self.inflater.eof:
            raise DamagedImageError(f"image data stops early ({self.inflated} of {self.expected} bytes)")


def _ihdr_size(data: bytes) -> int:
    if len(data) != 13:
        raise DamagedImageError("the PNG header is damaged")
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", data)
    return png_data_size(width, height, depth, colour, interlace == 1)
