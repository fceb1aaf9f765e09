"""Adding metadata to a result's file without re-encoding its pixels.

JPEG gets APP1 (Exif) and APP2 (ICC_PROFILE) segments after SOI; PNG gets iCCP and eXIf chunks after
IHDR; WEBP gets ICCP and EXIF chunks under a VP8X header. Anything wrong raises `ValueError` or
`struct.error`; the caller keeps the result without metadata.
"""

from __future__ import annotations

import struct
import zlib

from upscaler_gui.core.metadata import (
    EXIF_HEADER,
    ICC_JPEG_CHUNK,
    ICC_JPEG_HEADER,
    ICC_PNG_NAME,
    MAX_JPEG_SEGMENT,
    ResultMetadata,
)


def splice(data: bytes, fmt: str, meta: ResultMetadata, size: tuple[int, int]) -> bytes:
    """The result's bytes with `meta` added, pixels untouched."""
    if fmt == "JPEG":
        return splice_jpeg(data, meta)
    if fmt == "PNG":
        return splice_png(data, meta)
    if fmt == "WEBP":
        return splice_webp(data, meta, size)
    raise ValueError(f"metadata cannot be added to a {fmt} file")


def _jpeg_segment(marker: int, payload: bytes) -> bytes:
    if len(payload) > MAX_JPEG_SEGMENT:
        raise ValueError("a JPEG segment would be too long")
    return struct.pack(">BBH", 0xFF, marker, len(payload) + 2) + payload


def _jpeg_icc_segments(icc: bytes) -> list[bytes]:
    parts = [icc[at : at + ICC_JPEG_CHUNK] for at in range(0, len(icc), ICC_JPEG_CHUNK)]
    if len(parts) > 255:
        raise ValueError("the ICC profile is too large for JPEG")
    return [_jpeg_segment(0xE2, ICC_JPEG_HEADER + bytes([n, len(parts)]) + p) for n, p in enumerate(parts, 1)]


def _jpeg_header_segments(data: bytes) -> tuple[list[bytes], int]:
    """The segments between SOI and the first scan, and where the scan (copied verbatim) starts."""
    if data[:2] != b"\xff\xd8":
        raise ValueError("not a JPEG file")
    segments: list[bytes] = []
    at = 2
    while True:
        if data[at] != 0xFF:
            raise ValueError("a JPEG marker was expected")
        while data[at + 1] == 0xFF:  # fill bytes before a marker
            at += 1
        if data[at + 1] in (0xDA, 0xD9):  # start of scan / end of image
            return segments, at
        end = at + 2 + struct.unpack_from(">H", data, at + 2)[0]
        segments.append(data[at:end])
        at = end


def splice_jpeg(data: bytes, meta: ResultMetadata) -> bytes:
    """APP1 (Exif) and APP2 (ICC) after SOI and any JFIF APP0; the coded image is not touched."""
    segments, scan = _jpeg_header_segments(data)
    ours = [_jpeg_segment(0xE1, EXIF_HEADER + meta.exif)] if meta.exif else []
    ours += _jpeg_icc_segments(meta.icc) if meta.icc else []

    def replaced(segment: bytes) -> bool:  # the result's own copies of what we write
        exif = bool(meta.exif) and segment[1] == 0xE1 and segment[4:10] == EXIF_HEADER
        return exif or (bool(meta.icc) and segment[1] == 0xE2 and segment[4:16] == ICC_JPEG_HEADER)

    kept = [s for s in segments if not replaced(s)]
    app0 = next((n for n, s in enumerate(kept) if s[1] != 0xE0), len(kept))  # JFIF wants APP0 first
    return b"".join([b"\xff\xd8", *kept[:app0], *ours, *kept[app0:], data[scan:]])


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def _png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """(type, whole chunk) in file order; contents are copied, not checked."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG file")
    chunks: list[tuple[bytes, bytes]] = []
    at = 8
    while at < len(data):
        length, kind = struct.unpack_from(">I4s", data, at)
        end = at + 12 + length
        if end > len(data):
            raise ValueError("a PNG chunk runs past the end")
        chunks.append((kind, data[at:end]))
        at = end
    if not chunks or chunks[0][0] != b"IHDR":
        raise ValueError("a PNG file must start with IHDR")
    return chunks


def splice_png(data: bytes, meta: ResultMetadata) -> bytes:
    """iCCP and eXIf right after IHDR: iCCP must precede PLTE and IDAT, eXIf must precede IDAT."""
    chunks = _png_chunks(data)
    ours: list[bytes] = []
    replaced: set[bytes] = set()
    if meta.icc:
        ours.append(_png_chunk(b"iCCP", ICC_PNG_NAME + b"\x00\x00" + zlib.compress(meta.icc)))
        replaced |= {b"iCCP", b"sRGB"}  # a PNG has either an ICC profile or the sRGB chunk, never both
    if meta.exif:
        ours.append(_png_chunk(b"eXIf", meta.exif))
        replaced.add(b"eXIf")
    kept = [chunk for kind, chunk in chunks[1:] if kind not in replaced]
    return b"".join([data[:8], chunks[0][1], *ours, *kept])


def _riff_chunk(kind: bytes, payload: bytes) -> bytes:
    return kind + struct.pack("<I", len(payload)) + payload + b"\x00" * (len(payload) % 2)


def _riff_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """(FourCC, payload) of a WEBP file's chunks."""
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise ValueError("not a WEBP file")
    end = min(len(data), 8 + struct.unpack_from("<I", data, 4)[0])
    chunks: list[tuple[bytes, bytes]] = []
    at = 12
    while at + 8 <= end:
        kind, length = struct.unpack_from("<4sI", data, at)
        if at + 8 + length > end:
            raise ValueError("a WEBP chunk runs past the end")
        chunks.append((kind, data[at + 8 : at + 8 + length]))
        at += 8 + length + length % 2
    if not chunks:
        raise ValueError("a WEBP file without chunks")
    return chunks


def _vp8x(flags: int, size: tuple[int, int]) -> bytes:
    width, height = (side - 1 for side in size)
    return struct.pack("<I", flags) + width.to_bytes(3, "little") + height.to_bytes(3, "little")


def splice_webp(data: bytes, meta: ResultMetadata, size: tuple[int, int]) -> bytes:
    """VP8X (flags, canvas) first, ICCP before the image, EXIF after it, RIFF size updated."""
    chunks = _riff_chunks(data)
    kind, first = chunks[0]
    if kind == b"VP8X":
        flags, header, rest = first[0], first, chunks[1:]
    else:  # simple format: VP8X needed; only a lossless bitstream can carry alpha without ALPH
        alpha = kind == b"VP8L" and len(first) >= 5 and bool(first[4] & 0x10)
        flags, header, rest = 0x10 if alpha else 0, _vp8x(0, size), chunks
    replaced = {b"ICCP"} if meta.icc else set()
    replaced |= {b"EXIF"} if meta.exif else set()
    rest = [(k, p) for k, p in rest if k not in replaced]
    flags |= (0x20 if meta.icc else 0) | (0x08 if meta.exif else 0)
    image_end = 1 + max((n for n, (k, _) in enumerate(rest) if k in (b"VP8 ", b"VP8L", b"ANMF")), default=-1)
    parts = [_riff_chunk(b"VP8X", bytes([flags]) + header[1:])]
    parts += [_riff_chunk(b"ICCP", meta.icc)] if meta.icc else []
    parts += [_riff_chunk(k, p) for k, p in rest[:image_end]]
    parts += [_riff_chunk(b"EXIF", meta.exif)] if meta.exif else []
    parts += [_riff_chunk(k, p) for k, p in rest[image_end:]]
    body = b"".join(parts)
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WEBP" + body
