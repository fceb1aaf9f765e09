"""Real images made on the fly for tests (PNG, JPEG, WEBP) and bad ones."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image


def image_bytes(
    fmt: str = "PNG",
    size: tuple[int, int] = (64, 48),
    color: tuple[int, int, int] = (200, 80, 40),
    **save_args: object,
) -> bytes:
    image = Image.new("RGB", size, color)
    # A gradient, so that scaling and compression have something to work on.
    for x in range(0, size[0], max(1, size[0] // 16)):
        for y in range(size[1]):
            image.putpixel((x, y), (x % 256, y % 256, 128))
    buffer = io.BytesIO()
    image.save(buffer, fmt, **save_args)
    return buffer.getvalue()


def write_image(path: Path, fmt: str = "PNG", size: tuple[int, int] = (64, 48), **kwargs: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(image_bytes(fmt, size, **kwargs))  # type: ignore[arg-type]
    return path


def noisy_png(size: tuple[int, int], seed: int = 1) -> bytes:
    """An incompressible PNG, to reach a given file size with few pixels."""
    import random

    rng = random.Random(seed)
    image = Image.frombytes("RGB", size, rng.randbytes(size[0] * size[1] * 3))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=0)
    return buffer.getvalue()


def big_png(path: Path, size: tuple[int, int], *, pixels: bool = True, alpha: bool = False) -> Path:
    """A valid PNG of `size` (grey-blue, all alike; half transparent with `alpha`) written row by row:
    hundreds of megapixels cost a few seconds and a few MB on disk, and never their pixels in memory.
    `pixels=False`: the header only (a file Pillow refuses to open, whole or not, for its size)."""
    import struct
    import zlib

    width, height = size

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    with path.open("wb") as out:
        header = struct.pack(">IIBBBBB", width, height, 8, 6 if alpha else 2, 0, 0, 0)  # 8-bit RGB(A)
        out.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header))
        if pixels:
            row = b"\x00" + bytes((90, 110, 160, 128) if alpha else (90, 110, 160)) * width  # filter 0
            packer = zlib.compressobj(6)
            data = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
            out.write(chunk(b"IDAT", data))
        out.write(chunk(b"IEND", b""))
    return path


# --- the formats converted before upload (issue 12) --------------------------------------------------

RED, BLUE = (255, 0, 0), (0, 0, 255)
ORIENTATION = 0x0112
MAKE = 0x010F


def marked(size: tuple[int, int] = (64, 48)) -> Image.Image:
    """Left half red, right half blue: which way up an image was turned shows in its top-left pixel."""
    image = Image.new("RGB", size, RED)
    image.paste(BLUE, (size[0] // 2, 0, size[0], size[1]))
    return image


def exif_bytes(orientation: int = 1, make: str = "TestCam") -> bytes:
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[MAKE] = make
    return exif.tobytes()


def srgb_icc() -> bytes:
    from PIL import ImageCms

    profile: bytes = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return profile


def write_heic(
    path: Path, image: Image.Image, *, exif: bytes | None = None, icc: bytes | None = None
) -> Path:
    """A real HEIC (HEVC) file, made with pillow-heif's encoder (the app itself only decodes)."""
    import pillow_heif

    heif = pillow_heif.from_bytes(image.mode, image.size, image.tobytes())
    if exif:
        heif.info["exif"] = b"Exif\x00\x00" + exif
    if icc:
        heif.info["icc_profile"] = icc
    path.parent.mkdir(parents=True, exist_ok=True)
    heif.save(path, quality=90)
    return path


def write_animated_gif(path: Path, size: tuple[int, int] = (64, 48), frames: int = 3) -> Path:
    colours = [RED, BLUE, (0, 200, 0)]
    images = [Image.new("RGB", size, colours[i % 3]) for i in range(frames)]
    path.parent.mkdir(parents=True, exist_ok=True)
    images[0].save(path, save_all=True, append_images=images[1:], duration=100, loop=0)
    return path


def write_png_over_10mb(path: Path, size: tuple[int, int] = (2000, 1800)) -> Path:
    """A noisy PNG just over KIE's 10 MB (incompressible: only a JPEG can bring it under)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(noisy_png(size))
    return path
