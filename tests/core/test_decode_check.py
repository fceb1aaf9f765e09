"""The low-memory decode check: every valid image passes, damage anywhere in the data is caught."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from tests.imagefactory import image_bytes, noisy_png
from upscaler_gui.core.decode_check import DamagedImageError, check_png_stream, png_data_size
from upscaler_gui.core.errors import ImageError
from upscaler_gui.core.images import check_bytes


def _png(mode: str, size: tuple[int, int] = (37, 23)) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("mode", ["1", "L", "LA", "P", "RGB", "RGBA", "I;16"])
def test_every_png_kind_passes(mode: str) -> None:
    check_png_stream(io.BytesIO(_png(mode)))
    assert check_bytes(_png(mode)).format == "PNG"


def _chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    out, pos = [], 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        out.append((data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]))
        pos += 12 + length
    return out


def _rebuild(chunks: list[tuple[bytes, bytes]]) -> bytes:
    body = b"".join(
        struct.pack(">I", len(p)) + k + p + struct.pack(">I", zlib.crc32(k + p) & 0xFFFFFFFF)
        for k, p in chunks
    )
    return b"\x89PNG\r\n\x1a\n" + body


def test_damaged_pixel_data_with_a_valid_crc_is_caught() -> None:
    chunks = _chunks(noisy_png((64, 64)))
    kinds = [k for k, _ in chunks]
    i = kinds.index(b"IDAT")
    data = bytearray(chunks[i][1])
    data[len(data) // 2] ^= 0xFF
    chunks[i] = (b"IDAT", bytes(data))
    with pytest.raises(DamagedImageError):
        check_png_stream(io.BytesIO(_rebuild(chunks)))


def test_too_little_pixel_data_is_caught() -> None:
    chunks = _chunks(_png("RGB", (40, 40)))
    pixels = zlib.compress(b"\x00" * 10)  # a complete zlib stream, far shorter than 40 rows
    chunks = [(k, pixels if k == b"IDAT" else p) for k, p in chunks]
    with pytest.raises(DamagedImageError, match="stops early"):
        check_png_stream(io.BytesIO(_rebuild(chunks)))


def test_a_bad_crc_is_caught() -> None:
    data = bytearray(_png("RGB"))
    data[-20] ^= 0x01  # inside IDAT, CRC left as it was
    with pytest.raises(DamagedImageError):
        check_png_stream(io.BytesIO(bytes(data)))


def test_interlaced_sizes_follow_adam7() -> None:
    # 8x8 RGB: passes 1x1, 1x1, 2x1, 2x2, 4x2, 4x4, 8x4, each row with a filter byte
    assert png_data_size(8, 8, 8, 2, interlaced=True) == 4 + 4 + 7 + 14 + 26 + 52 + 100
    assert png_data_size(8, 8, 8, 2, interlaced=False) == 8 * (1 + 24)
    assert png_data_size(1, 1, 8, 6, interlaced=True) == 5  # only the first pass has pixels


@pytest.mark.parametrize("fmt", ["JPEG", "WEBP"])
def test_truncated_jpeg_and_webp_still_fail_in_the_low_memory_check(fmt: str) -> None:
    data = image_bytes(fmt, (400, 300), quality=95)
    with pytest.raises(ImageError, match="truncated or damaged"):
        check_bytes(data[: len(data) * 2 // 3])


def test_a_progressive_jpeg_passes() -> None:
    assert check_bytes(image_bytes("JPEG", (300, 200), progressive=True)).format == "JPEG"
