"""Finishing a result: format conversion, the source's metadata copied in, never a broken file."""

from __future__ import annotations

import io
import logging
import struct
import zlib
from pathlib import Path
from typing import BinaryIO

import pytest
from PIL import ExifTags, Image, ImageCms, ImageOps

from tests.imagefactory import image_bytes, noisy_png
from upscaler_gui.core import convert, metadata, splice
from upscaler_gui.core.errors import InputError, OutputError, ResultUnusableError
from upscaler_gui.core.finish import FORMATS, FinishOptions, finish_result, validate_format
from upscaler_gui.core.output import TEMP_PREFIX, TEMP_SUFFIX

ICC = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
MAKE, ORIENTATION, DATE_ORIGINAL = 0x010F, 0x0112, 0x9003
PIXEL_X, PIXEL_Y = 0xA002, 0xA003
DATE = "2024:05:06 07:08:09"
THUMBNAIL = b"\xff\xd8OLD-SMALL-PICTURE\xff\xd9"
KEEP = FinishOptions()
BARE = FinishOptions(keep_metadata=False)


# --- helpers ------------------------------------------------------------------------------------------


def tiff_exif(order: str = "<", orientation: int = 1, *, thumbnail: bool = True, pad: int = 0) -> bytes:
    """EXIF TIFF data as cameras write it: Make, Orientation, an Exif IFD, an IFD1 thumbnail."""

    def entry(tag: int, kind: int, count: int, value: int) -> bytes:
        field = struct.pack(order + "HH", value, 0) if kind == 3 else struct.pack(order + "I", value)
        return struct.pack(order + "HHI", tag, kind, count) + field

    # header 8 | IFD0 8..50 | "Canon\0" 50..56 | Exif IFD 56..98 | IFD1 98..128 | thumbnail 128..
    ifd1 = 98 if thumbnail else 0
    ifd0 = [entry(MAKE, 2, 6, 50), entry(ORIENTATION, 3, 1, orientation), entry(0x8769, 4, 1, 56)]
    date = DATE.encode() + b"\0"  # 20 bytes, stored after the thumbnail
    exif_ifd = [entry(DATE_ORIGINAL, 2, 20, 128 + len(THUMBNAIL)), entry(PIXEL_X, 3, 1, 40)]
    exif_ifd.append(entry(PIXEL_Y, 3, 1, 30))
    thumb = [entry(0x0201, 4, 1, 128), entry(0x0202, 4, 1, len(THUMBNAIL))]
    head = (b"II*\x00" if order == "<" else b"MM\x00*") + struct.pack(order + "I", 8)
    parts = [head, struct.pack(order + "H", 3), *ifd0, struct.pack(order + "I", ifd1), b"Canon\0"]
    parts += [struct.pack(order + "H", 3), *exif_ifd, struct.pack(order + "I", 0)]
    parts += [struct.pack(order + "H", 2), *thumb, struct.pack(order + "I", 0), THUMBNAIL, date]
    return b"".join(parts) + bytes(pad)


def source_jpeg(
    path: Path, size: tuple[int, int] = (40, 30), *, exif: bytes | None = None, icc: bytes | None = ICC
) -> Path:
    """A camera-like JPEG: EXIF (Make, DateTimeOriginal, ...) and an ICC profile."""
    exif = tiff_exif() if exif is None else exif
    Image.new("RGB", size, (120, 60, 30)).save(
        path, "JPEG", exif=metadata.EXIF_HEADER + exif if exif else b"", icc_profile=icc
    )
    return path


def result_file(
    folder: Path, fmt: str, size: tuple[int, int] = (80, 60), mode: str = "RGB", **kw: object
) -> Path:
    """A downloaded result, named like the engine's temp files."""
    path = folder / f"{TEMP_PREFIX}0123abcd{TEMP_SUFFIX}"
    image = Image.open(io.BytesIO(image_bytes("PNG", size))).convert(mode)
    image.save(path, fmt, **kw)
    return path


def extra_temp_files(folder: Path, temp: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p != temp and p.name.startswith(TEMP_PREFIX)]


def read_back(path: Path) -> tuple[Image.Exif, bytes | None, str]:
    with Image.open(path) as image:
        image.load()
        return image.getexif(), image.info.get("icc_profile"), image.format or ""


def jpeg_segments(data: bytes) -> tuple[list[bytes], bytes]:
    """Header segments and everything from the first SOS on."""
    at, segments = 2, []
    while data[at + 1] != 0xDA:
        end = at + 2 + struct.unpack_from(">H", data, at + 2)[0]
        segments.append(data[at:end])
        at = end
    return segments, data[at:]


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """(type, payload), each chunk's CRC checked."""
    at, chunks = 8, []
    while at < len(data):
        length, kind = struct.unpack_from(">I4s", data, at)
        payload = data[at + 8 : at + 8 + length]
        assert struct.unpack_from(">I", data, at + 8 + length)[0] == zlib.crc32(kind + payload)
        chunks.append((kind, payload))
        at += 12 + length
    return chunks


def riff_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    assert struct.unpack_from("<I", data, 4)[0] == len(data) - 8
    at, chunks = 12, []
    while at < len(data):
        kind, length = struct.unpack_from("<4sI", data, at)
        chunks.append((kind, data[at + 8 : at + 8 + length]))
        at += 8 + length + length % 2
    return chunks


def alpha(image: Image.Image, xy: tuple[int, int]) -> int:
    pixel = image.getpixel(xy)
    assert isinstance(pixel, tuple)
    return int(pixel[3])


def assert_camera_metadata(path: Path) -> None:
    exif, icc, _ = read_back(path)
    assert exif[MAKE] == "Canon"
    assert exif.get_ifd(ExifTags.IFD.Exif)[DATE_ORIGINAL] == DATE
    assert icc == ICC


# --- options ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [("JPG", "jpeg"), ("jpeg", "jpeg"), (" PNG ", "png"), ("WebP", "webp"), ("keep", "keep")],
)
def test_validate_format_normalises(name: str, expected: str) -> None:
    assert validate_format(name) == expected


def test_validate_format_names_the_allowed_values() -> None:
    with pytest.raises(InputError) as caught:
        validate_format("gif")
    assert all(name in caught.value.user_text() for name in FORMATS)


def test_options_are_checked() -> None:
    assert FinishOptions(output_format="JPG").output_format == "jpeg"
    with pytest.raises(InputError):
        FinishOptions(quality=0)
    with pytest.raises(InputError):
        FinishOptions(output_format="tiff")


# --- keep: untouched unless metadata is added ---------------------------------------------------------


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_keep_without_metadata_leaves_the_bytes_alone(tmp_path: Path, fmt: str) -> None:
    camera = source_jpeg(tmp_path / "camera.jpg")
    plain = tmp_path / "plain.png"
    plain.write_bytes(image_bytes("PNG"))
    temp = result_file(tmp_path, fmt)
    before = temp.read_bytes()
    for source, options in [(camera, BARE), (plain, KEEP), (None, KEEP)]:
        found = finish_result(temp, source=source, options=options)
        assert temp.read_bytes() == before
        assert (found.format, found.width, found.height) == (fmt, 80, 60)


def test_asking_for_the_format_the_result_has_does_not_re_encode(tmp_path: Path) -> None:
    temp = result_file(tmp_path, "JPEG")
    before = temp.read_bytes()
    finish_result(temp, source=None, options=FinishOptions(output_format="jpeg", quality=10))
    assert temp.read_bytes() == before


def test_an_undecodable_result_fails_as_before(tmp_path: Path) -> None:
    temp = result_file(tmp_path, "PNG")
    temp.write_bytes(temp.read_bytes()[:100])
    with pytest.raises(ResultUnusableError):
        finish_result(temp, source=None, options=KEEP)


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_a_result_cut_short_fails_and_a_whole_one_keeps_its_full_size(tmp_path: Path, fmt: str) -> None:
    # the check decodes JPEGs at 1/8 scale and streams PNGs: it must still see every byte, and report
    # the size of the file, not of the reduced decode
    temp = result_file(tmp_path, fmt, size=(640, 480))
    whole = temp.read_bytes()
    found = finish_result(temp, source=None, options=BARE)
    assert (found.format, found.width, found.height) == (fmt, 640, 480)
    temp.write_bytes(whole[: len(whole) * 2 // 3])
    with pytest.raises(ResultUnusableError, match="not a complete image"):
        finish_result(temp, source=None, options=BARE)


# --- metadata spliced in ------------------------------------------------------------------------------


def test_exif_behind_a_pngs_pixels_is_found(tmp_path: Path) -> None:
    source = tmp_path / "late-exif.png"
    Image.new("RGB", (40, 30), (10, 200, 30)).save(source, "PNG", icc_profile=ICC)
    data = source.read_bytes()
    exif = tiff_exif()
    chunk = struct.pack(">I", len(exif)) + b"eXIf" + exif + struct.pack(">I", zlib.crc32(b"eXIf" + exif))
    source.write_bytes(data[:-12] + chunk + data[-12:])  # between the last IDAT and IEND
    assert [kind for kind, _ in png_chunks(source.read_bytes())][-2:] == [b"eXIf", b"IEND"]
    temp = result_file(tmp_path, "JPEG")
    finish_result(temp, source=source, options=KEEP)
    assert_camera_metadata(temp)


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
@pytest.mark.parametrize("source_fmt", ["JPEG", "PNG", "WEBP"])
def test_source_exif_and_icc_reach_the_result(tmp_path: Path, fmt: str, source_fmt: str) -> None:
    source = tmp_path / f"source.{source_fmt.lower()}"
    Image.new("RGB", (40, 30)).save(
        source, source_fmt, exif=metadata.EXIF_HEADER + tiff_exif(), icc_profile=ICC
    )
    temp = result_file(tmp_path, fmt)
    found = finish_result(temp, source=source, options=KEEP)
    assert (found.format, found.width, found.height) == (fmt, 80, 60)
    assert_camera_metadata(temp)
    assert extra_temp_files(tmp_path, temp) == []


def test_jpeg_splice_does_not_re_encode(tmp_path: Path) -> None:
    temp = result_file(tmp_path, "JPEG")
    before_segments, before_scan = jpeg_segments(temp.read_bytes())
    finish_result(temp, source=source_jpeg(tmp_path / "camera.jpg"), options=KEEP)
    segments, scan = jpeg_segments(temp.read_bytes())
    assert scan == before_scan
    assert segments[0][4:9] == b"JFIF\0"  # JFIF's APP0 stays first
    assert segments[1][:2] == b"\xff\xe1" and segments[1][4:10] == metadata.EXIF_HEADER
    assert segments[2][:2] == b"\xff\xe2" and segments[2][4:18] == b"ICC_PROFILE\0\x01\x01"
    assert [segments[0], *segments[3:]] == before_segments


def test_a_large_icc_profile_is_split_into_jpeg_chunks(tmp_path: Path) -> None:
    big = ICC + bytes(150_000)  # three APP2 segments of at most 65519 profile bytes
    source = source_jpeg(tmp_path / "camera.jpg", icc=big)
    temp = result_file(tmp_path, "JPEG")
    finish_result(temp, source=source, options=KEEP)
    segments, _ = jpeg_segments(temp.read_bytes())
    icc_parts = [s for s in segments if s[4:16] == b"ICC_PROFILE\0"]
    assert [(s[16], s[17]) for s in icc_parts] == [(1, 3), (2, 3), (3, 3)]
    assert read_back(temp)[1] == big


def test_png_splice_adds_valid_chunks_before_the_pixels(tmp_path: Path) -> None:
    temp = result_file(tmp_path, "PNG")
    before = png_chunks(temp.read_bytes())
    finish_result(temp, source=source_jpeg(tmp_path / "camera.jpg"), options=KEEP)
    after = png_chunks(temp.read_bytes())  # every CRC checked
    kinds = [kind for kind, _ in after]
    assert kinds[:3] == [b"IHDR", b"iCCP", b"eXIf"]
    name, _, rest = after[1][1].partition(b"\0")
    assert name == b"ICC Profile" and rest[0] == 0 and zlib.decompress(rest[1:]) == ICC
    assert [c for c in after if c[0] not in (b"iCCP", b"eXIf")] == before


def test_an_srgb_chunk_gives_way_to_the_icc_profile(tmp_path: Path) -> None:
    temp = result_file(tmp_path, "PNG")
    data = temp.read_bytes()
    srgb = struct.pack(">I4sB", 1, b"sRGB", 0) + struct.pack(">I", zlib.crc32(b"sRGB\0"))
    temp.write_bytes(data[:33] + srgb + data[33:])  # right after IHDR (8 + 25 bytes)
    finish_result(temp, source=source_jpeg(tmp_path / "camera.jpg"), options=KEEP)
    kinds = [kind for kind, _ in png_chunks(temp.read_bytes())]
    assert b"iCCP" in kinds and b"sRGB" not in kinds  # a PNG has one or the other


def test_the_results_own_metadata_is_replaced_not_doubled(tmp_path: Path) -> None:
    own = Image.Exif()
    own[MAKE] = "KIE"
    temp = result_file(tmp_path, "JPEG", exif=own.tobytes(), icc_profile=ICC[:-1] + b"x")
    finish_result(temp, source=source_jpeg(tmp_path / "camera.jpg"), options=KEEP)
    segments, _ = jpeg_segments(temp.read_bytes())
    assert [s[:2] for s in segments].count(b"\xff\xe1") == 1
    assert [s[:2] for s in segments].count(b"\xff\xe2") == 1
    assert_camera_metadata(temp)


def test_a_conversion_keeps_the_results_own_profile(tmp_path: Path) -> None:
    temp = result_file(tmp_path, "PNG", icc_profile=ICC)
    finish_result(temp, source=None, options=FinishOptions("jpeg"))
    assert read_back(temp)[1:] == (ICC, "JPEG")


def test_lossy_webp_splice_adds_a_vp8x_header(tmp_path: Path) -> None:
    temp = result_file(tmp_path, "WEBP", quality=80)
    (kind, bitstream), *_ = riff_chunks(temp.read_bytes())
    assert kind == b"VP8 "
    finish_result(temp, source=source_jpeg(tmp_path / "camera.jpg"), options=KEEP)
    chunks = riff_chunks(temp.read_bytes())  # RIFF size checked
    assert [k for k, _ in chunks] == [b"VP8X", b"ICCP", b"VP8 ", b"EXIF"]
    flags, canvas = chunks[0][1][0], chunks[0][1][4:]
    assert flags == 0x20 | 0x08
    assert canvas == (79).to_bytes(3, "little") + (59).to_bytes(3, "little")
    assert chunks[2][1] == bitstream


def test_lossless_webp_with_alpha_keeps_it(tmp_path: Path) -> None:
    temp = tmp_path / f"{TEMP_PREFIX}t{TEMP_SUFFIX}"
    Image.new("RGBA", (80, 60), (0, 0, 255, 0)).save(temp, "WEBP", lossless=True)
    finish_result(temp, source=source_jpeg(tmp_path / "camera.jpg"), options=KEEP)
    chunks = riff_chunks(temp.read_bytes())
    assert [k for k, _ in chunks] == [b"VP8X", b"ICCP", b"VP8L", b"EXIF"]
    assert chunks[0][1][0] == 0x20 | 0x10 | 0x08
    with Image.open(temp) as image:
        assert image.mode == "RGBA" and alpha(image, (0, 0)) == 0
    assert_camera_metadata(temp)


def test_stale_exif_parts_are_made_true(tmp_path: Path) -> None:
    source = source_jpeg(tmp_path / "camera.jpg", exif=tiff_exif(">"))  # big-endian, like many cameras
    temp = result_file(tmp_path, "PNG")
    finish_result(temp, source=source, options=KEEP)
    exif, _, _ = read_back(temp)
    sub = exif.get_ifd(ExifTags.IFD.Exif)
    assert (sub[PIXEL_X], sub[PIXEL_Y]) == (80, 60)
    assert exif.get_ifd(ExifTags.IFD.IFD1) == {}  # the old thumbnail is unlinked ...
    assert THUMBNAIL not in temp.read_bytes()  # ... and blanked
    assert exif[MAKE] == "Canon"


def test_exif_too_long_for_jpeg_is_dropped_and_the_icc_kept(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    source = tmp_path / "huge-exif.png"
    Image.new("RGB", (40, 30)).save(source, exif=tiff_exif(pad=70_000), icc_profile=ICC)
    temp = result_file(tmp_path, "JPEG")
    finish_result(temp, source=source, options=KEEP)
    exif, icc, _ = read_back(temp)
    assert MAKE not in exif and icc == ICC
    assert any("too long" in r.getMessage() and r.levelno == logging.INFO for r in caplog.records)


def test_a_profile_for_other_pixels_is_not_copied(tmp_path: Path) -> None:
    grey_profile = ICC[:16] + b"GRAY" + ICC[20:]
    source = source_jpeg(tmp_path / "camera.jpg", icc=grey_profile)
    temp = result_file(tmp_path, "PNG")
    finish_result(temp, source=source, options=KEEP)
    exif, icc, _ = read_back(temp)
    assert icc is None and exif[MAKE] == "Canon"


# --- orientation --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "raw", "result", "expected"),
    [
        (6, (400, 300), (800, 600), 6),  # still raw pixels
        (6, (400, 300), (600, 800), 1),  # the service turned them
        (8, (400, 300), (601, 799), 1),  # rounding in the scale does not matter
        (6, (300, 300), (600, 600), 6),  # square: assumed raw
        (3, (400, 300), (800, 600), 3),  # 180°: aspect cannot tell, assumed raw
        (1, (400, 300), (600, 800), 1),
    ],
)
def test_orientation_for(value: int, raw: tuple[int, int], result: tuple[int, int], expected: int) -> None:
    assert metadata.orientation_for(value, raw, result) == expected


def visual_size(path: Path) -> tuple[int, int]:
    with Image.open(path) as image:
        size: tuple[int, int] = ImageOps.exif_transpose(image).size
        return size


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
@pytest.mark.parametrize(("size", "expected"), [((80, 60), 6), ((60, 80), 1)])
def test_orientation_stays_right(tmp_path: Path, fmt: str, size: tuple[int, int], expected: int) -> None:
    source = source_jpeg(tmp_path / "camera.jpg", exif=tiff_exif(orientation=6))  # raw 40x30, shown 30x40
    temp = result_file(tmp_path, fmt, size)
    finish_result(temp, source=source, options=KEEP)
    assert read_back(temp)[0][ORIENTATION] == expected
    assert visual_size(temp) == (60, 80)  # upright, as the source shows
    assert visual_size(source) == (30, 40)


def test_orientation_survives_a_conversion(tmp_path: Path) -> None:
    source = source_jpeg(tmp_path / "camera.jpg", exif=tiff_exif(orientation=6))
    temp = result_file(tmp_path, "PNG", (60, 80))
    finish_result(temp, source=source, options=FinishOptions(output_format="jpeg"))
    assert read_back(temp)[0][ORIENTATION] == 1
    assert visual_size(temp) == (60, 80)


# --- conversions --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("option", "fmt"), [("jpeg", "JPEG"), ("webp", "WEBP"), ("png", "PNG")])
def test_conversion_carries_the_metadata(tmp_path: Path, option: str, fmt: str) -> None:
    temp = result_file(tmp_path, "JPEG" if fmt == "PNG" else "PNG")
    found = finish_result(temp, source=source_jpeg(tmp_path / "c.jpg"), options=FinishOptions(option))
    assert (found.format, found.width, found.height) == (fmt, 80, 60)
    assert read_back(temp)[2] == fmt
    assert_camera_metadata(temp)
    assert extra_temp_files(tmp_path, temp) == []


def transparent_corner(mode: str) -> Image.Image:
    """A red image, its top-left quarter fully transparent, in `mode`."""
    image = Image.new("RGBA", (40, 30), (200, 0, 0, 255))
    image.paste((0, 0, 0, 0), (0, 0, 20, 15))
    if mode == "P":
        return image.convert("P")  # keeps the transparent colour as a palette entry
    return image.convert(mode)


@pytest.mark.parametrize("mode", ["RGBA", "LA", "P"])
def test_transparency_is_laid_on_white_for_jpeg(tmp_path: Path, mode: str) -> None:
    temp = tmp_path / f"{TEMP_PREFIX}t{TEMP_SUFFIX}"
    transparent_corner(mode).save(temp, "PNG")
    finish_result(temp, source=None, options=FinishOptions("jpeg"))
    with Image.open(temp) as image:
        assert image.format == "JPEG"
        assert image.mode == ("L" if mode == "LA" else "RGB")
        corner = image.convert("L").getpixel((2, 2))
        assert isinstance(corner, int) and corner > 245
        assert image.convert("RGB").getpixel((35, 25)) != (255, 255, 255)


@pytest.mark.parametrize("quality", [80, 100])
def test_webp_keeps_alpha(tmp_path: Path, quality: int) -> None:
    temp = tmp_path / f"{TEMP_PREFIX}t{TEMP_SUFFIX}"
    transparent_corner("RGBA").save(temp, "PNG")
    finish_result(temp, source=None, options=FinishOptions("webp", quality=quality))
    with Image.open(temp) as image:
        assert (image.format, image.mode) == ("WEBP", "RGBA")
        assert alpha(image, (2, 2)) == 0 and alpha(image, (35, 25)) == 255
    assert b"VP8L" not in temp.read_bytes()[:40]  # lossy at any quality, as users expect


@pytest.mark.parametrize(("option", "mode"), [("jpeg", "L"), ("webp", "RGB")])
def test_16_bit_grey_is_scaled_not_clipped(tmp_path: Path, option: str, mode: str) -> None:
    temp = tmp_path / f"{TEMP_PREFIX}t{TEMP_SUFFIX}"
    Image.new("I;16", (40, 30), 32896).save(temp, "PNG")  # 32896 / 257 = 128
    finish_result(temp, source=None, options=FinishOptions(option, quality=100))
    with Image.open(temp) as image:
        assert image.mode == mode
        value = image.convert("L").getpixel((5, 5))
        assert isinstance(value, int) and abs(value - 128) <= 2


@pytest.mark.parametrize(("option", "fmt"), [("png", "PNG"), ("webp", "WEBP")])
def test_cmyk_becomes_rgb(tmp_path: Path, option: str, fmt: str) -> None:
    temp = tmp_path / f"{TEMP_PREFIX}t{TEMP_SUFFIX}"
    Image.new("CMYK", (40, 30), (0, 255, 255, 0)).save(temp, "JPEG")
    finish_result(temp, source=source_jpeg(tmp_path / "c.jpg"), options=FinishOptions(option))
    exif, icc, found = read_back(temp)
    with Image.open(temp) as image:
        assert (found, image.mode) == (fmt, "RGB")
    assert icc == ICC and exif[MAKE] == "Canon"


def test_quality_sets_the_jpeg_size(tmp_path: Path) -> None:
    sizes = []
    for quality in (30, 95):
        temp = tmp_path / f"{TEMP_PREFIX}q{quality}{TEMP_SUFFIX}"
        temp.write_bytes(noisy_png((64, 64)))
        finish_result(temp, source=None, options=FinishOptions("jpeg", quality=quality))
        sizes.append(temp.stat().st_size)
    assert sizes[0] < sizes[1] * 0.6


def test_for_format_refuses_an_unknown_target() -> None:
    with pytest.raises(ValueError, match="BMP"):
        convert.for_format(Image.new("RGB", (2, 2)), "BMP")


# --- failures -----------------------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore:Corrupt EXIF")  # Pillow's own complaint while opening the source
@pytest.mark.parametrize("bad", [b"II*\x00\xff\xff\xff\x7f", b"garbage", b"MM\x00*\x00\x00\x00\x08\x00\x40"])
@pytest.mark.parametrize("option", ["keep", "jpeg"])
def test_corrupt_source_exif_never_fails_the_job(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, bad: bytes, option: str
) -> None:
    source = tmp_path / "bad.jpg"
    Image.new("RGB", (40, 30)).save(source, exif=metadata.EXIF_HEADER + bad, icc_profile=ICC)
    temp = result_file(tmp_path, "PNG")
    found = finish_result(temp, source=source, options=FinishOptions(option))
    exif, icc, _ = read_back(temp)
    assert found.width == 80 and dict(exif) == {} and icc == ICC
    assert any(r.levelno == logging.INFO and "EXIF" in r.getMessage() for r in caplog.records)


def test_an_unreadable_source_only_loses_metadata(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    source = tmp_path / "gone.jpg"
    temp = result_file(tmp_path, "PNG")
    before = temp.read_bytes()
    finish_result(temp, source=source, options=KEEP)
    assert temp.read_bytes() == before
    assert any("not read" in r.getMessage() for r in caplog.records)


def test_a_failed_splice_keeps_the_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*_: object) -> bytes:
        raise ValueError("splice bug")

    monkeypatch.setattr(splice, "splice", broken)
    temp = result_file(tmp_path, "JPEG")
    before = temp.read_bytes()
    finish_result(temp, source=source_jpeg(tmp_path / "c.jpg"), options=KEEP)
    assert temp.read_bytes() == before
    assert extra_temp_files(tmp_path, temp) == []
    assert any("splice bug" in r.getMessage() and r.levelno == logging.INFO for r in caplog.records)


def test_a_splice_that_does_not_decode_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(splice, "splice", lambda data, *_: data[: len(data) // 2])
    temp = result_file(tmp_path, "PNG")
    before = temp.read_bytes()
    finish_result(temp, source=source_jpeg(tmp_path / "c.jpg"), options=KEEP)
    assert temp.read_bytes() == before
    assert extra_temp_files(tmp_path, temp) == []


def test_a_failure_mid_conversion_leaves_no_trace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def disk_full(image: Image.Image, stream: BinaryIO, fmt: str, **_: object) -> None:
        stream.write(b"\xff\xd8 half a JPEG")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(convert, "encode", disk_full)
    temp = result_file(tmp_path, "PNG")
    before = temp.read_bytes()
    with pytest.raises(OutputError, match=r"could not be converted to JPEG \(.*No space left"):
        finish_result(temp, source=None, options=FinishOptions("jpeg"))
    assert temp.read_bytes() == before
    assert extra_temp_files(tmp_path, temp) == []


def test_a_conversion_that_fails_to_decode_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def junk(image: Image.Image, stream: BinaryIO, fmt: str, **_: object) -> None:
        stream.write(b"RIFF\0\0\0\0WEBPjunk")

    monkeypatch.setattr(convert, "encode", junk)
    temp = result_file(tmp_path, "PNG")
    before = temp.read_bytes()
    with pytest.raises(OutputError, match="could not be converted to WEBP"):
        finish_result(temp, source=None, options=FinishOptions("webp"))
    assert temp.read_bytes() == before
    assert extra_temp_files(tmp_path, temp) == []


def test_a_result_too_large_for_webp_fails_cleanly(tmp_path: Path) -> None:
    temp = tmp_path / f"{TEMP_PREFIX}wide{TEMP_SUFFIX}"
    Image.new("L", (17000, 1)).save(temp, "PNG")  # WEBP's limit is 16383 px a side
    with pytest.raises(OutputError, match="WEBP"):
        finish_result(temp, source=None, options=FinishOptions("webp"))
    assert extra_temp_files(tmp_path, temp) == []
