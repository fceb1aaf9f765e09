"""Input formats KIE does not take but we convert locally: HEIC/HEIF, AVIF, TIFF, BMP, GIF.

Told from the bytes, never from the name (a `.jpg` that is really a HEIC is a HEIC). HEIC is decoded by
pi-heif (libheif with the libde265 decoder only, LGPL: no encoder ships with the app); AVIF, TIFF, BMP
and GIF by Pillow itself (Pillow 11.3+ has AVIF built in).
"""

from __future__ import annotations

import threading

from PIL import Image, features

from upscaler_gui.core import log

# ISO media (ftyp) brands: HEIF stills of HEVC, and AVIF (AV1); `mif1`/`msf1` are generic and decided by
# the compatible brands that follow.
_HEIC_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs"})
_AVIF_BRANDS = frozenset({b"avif", b"avis"})
_GENERIC_BRANDS = frozenset({b"mif1", b"msf1", b"miaf"})
#: what the user is told the file was ("converted from HEIC")
SHOWN_NAMES = {"HEIF": "HEIC", "AVIF": "AVIF", "TIFF": "TIFF", "BMP": "BMP", "GIF": "GIF"}

_registered = threading.Lock()
_heif_ready: bool | None = None


def sniff_convertible(head: bytes) -> str | None:
    """HEIF, AVIF, TIFF, BMP or GIF (Pillow's format names) from a file's first bytes; else None."""
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "GIF"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "TIFF"
    if head.startswith(b"BM") and len(head) >= 18 and _bmp_header_size(head) in (12, 40, 52, 56, 108, 124):
        return "BMP"
    if head[4:8] == b"ftyp":
        return _iso_brand(head)
    return None


def shown_name(head: bytes) -> str:
    """The name users know the format by: HEIC for an iPhone photo, HEIF for other HEIF stills."""
    fmt = sniff_convertible(head) or "?"
    if fmt == "HEIF" and head[8:12] not in _HEIC_BRANDS:
        return "HEIF"
    return SHOWN_NAMES.get(fmt, fmt)


def _bmp_header_size(head: bytes) -> int:
    return int.from_bytes(head[14:18], "little")


def _iso_brand(head: bytes) -> str | None:
    box = int.from_bytes(head[0:4], "big")
    brands = [head[8:12]] + [head[at : at + 4] for at in range(16, min(box, len(head)) - 3, 4)]
    if brands[0] in _AVIF_BRANDS:
        return "AVIF"
    if brands[0] in _HEIC_BRANDS:
        return "HEIF"
    if brands[0] in _GENERIC_BRANDS:
        if any(brand in _HEIC_BRANDS for brand in brands):
            return "HEIF"
        if any(brand in _AVIF_BRANDS for brand in brands):
            return "AVIF"
        return "HEIF"
    return None


def can_open(fmt: str) -> bool:
    """Whether this build can decode `fmt` (the HEIF and AVIF codecs are separate libraries)."""
    if fmt == "HEIF":
        return register_heif()
    if fmt == "AVIF":
        return bool(features.check("avif"))
    return True


def register_heif() -> bool:
    """Teach Pillow to open HEIF (once, on first need: the codec library is loaded only then)."""
    global _heif_ready  # noqa: PLW0603 - one registration per process
    with _registered:
        if _heif_ready is None:
            try:
                import pi_heif

                pi_heif.register_heif_opener()
                _heif_ready = True
            except ImportError as exc:  # a build without it: HEIC inputs are refused, with why
                log.inputs.warning("HEIC support is missing (%s)", exc)
                _heif_ready = False
        return _heif_ready


def open_image(stream: object, fmt: str) -> Image.Image:
    """`stream` opened as `fmt` only (never another plugin's guess)."""
    return Image.open(stream, formats=[fmt])  # type: ignore[arg-type]
