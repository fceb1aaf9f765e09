"""Inputs made ready for KIE before upload: each new format converted, orientation applied, EXIF and ICC
carried, PNG/JPEG/WEBP over 10 MB re-encoded to fit, images over the pixel limits scaled on request.

Every file here is a real one, made by Pillow or pillow-heif; what is checked is the file that would be
uploaded and what its row would say.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from tests.imagefactory import (
    BLUE,
    MAKE,
    ORIENTATION,
    RED,
    exif_bytes,
    image_bytes,
    marked,
    noisy_png,
    srgb_icc,
    write_animated_gif,
    write_heic,
    write_image,
    write_png_over_10mb,
)
from upscaler_gui.core import constants
from upscaler_gui.core.constants import MAX_IMAGE_BYTES
from upscaler_gui.core.errors import ImageError
from upscaler_gui.core.input_formats import shown_name, sniff_convertible
from upscaler_gui.core.prepare import Prepared, PrepareOptions, fitted_size, prepare_file


def prepare(path: Path, tmp_path: Path, **options: bool) -> Prepared:
    return prepare_file(path, into=tmp_path / "prepared", key="k", options=PrepareOptions(**options))


def opened(path: Path) -> Image.Image:
    image = Image.open(path)
    image.load()
    return image


def near(pixel: object, colour: tuple[int, int, int]) -> bool:
    assert isinstance(pixel, tuple)
    return all(abs(a - b) <= 8 for a, b in zip(pixel[:3], colour, strict=True))


# --- each new format ------------------------------------------------------------------------------------


def test_a_heic_becomes_a_png_with_its_exif_and_colour_profile(tmp_path: Path) -> None:
    icc = srgb_icc()
    source = write_heic(tmp_path / "IMG_0001.HEIC", marked(), exif=exif_bytes(make="iPhone 15"), icc=icc)
    made = prepare(source, tmp_path)
    assert made.made and made.path.suffix == ".png" and made.path.parent == tmp_path / "prepared"
    assert made.done == ("Converted from HEIC to PNG before upload.",)
    assert (made.info.format, made.info.width, made.info.height) == ("PNG", 64, 48)
    result = opened(made.path)
    assert result.info["icc_profile"] == icc
    assert result.getexif()[MAKE] == "iPhone 15"
    assert near(result.getpixel((2, 2)), RED) and near(result.getpixel((62, 2)), BLUE)
    assert source.read_bytes()[4:12] == b"ftypheic"  # the user's file is left as it was


@pytest.mark.parametrize("fmt", ["AVIF", "TIFF"])
def test_the_exif_orientation_is_applied_and_then_says_normal(tmp_path: Path, fmt: str) -> None:
    """Orientation 6 (turn 90° clockwise to view): the upload is the picture as a viewer shows it."""
    source, icc = tmp_path / f"turned.{fmt.lower()}", srgb_icc()
    marked((64, 48)).save(source, fmt, exif=exif_bytes(orientation=6), icc_profile=icc)
    made = prepare(source, tmp_path)
    result = opened(made.path)
    assert result.size == (48, 64)  # turned upright
    assert near(result.getpixel((24, 2)), RED) and near(result.getpixel((24, 62)), BLUE)
    assert result.getexif().get(ORIENTATION, 1) == 1  # never turned a second time by a viewer
    assert result.getexif()[MAKE] == "TestCam" and result.info["icc_profile"] == icc
    assert made.done == (f"Converted from {fmt} to PNG before upload.",)


def test_a_bmp_is_converted(tmp_path: Path) -> None:
    made = prepare(write_image(tmp_path / "scan.bmp", "BMP", (50, 40)), tmp_path)
    assert made.done == ("Converted from BMP to PNG before upload.",)
    assert opened(made.path).size == (50, 40)


def test_an_animated_gif_sends_its_first_frame_and_says_so(tmp_path: Path) -> None:
    made = prepare(write_animated_gif(tmp_path / "anim.gif"), tmp_path)
    assert made.done == (
        "Converted from GIF to PNG before upload.",
        "An animated GIF: only its first frame is upscaled.",
    )
    assert near(opened(made.path).convert("RGB").getpixel((5, 5)), RED)  # the first frame's colour


def test_a_still_gif_is_not_called_animated(tmp_path: Path) -> None:
    made = prepare(write_image(tmp_path / "still.gif", "GIF"), tmp_path)
    assert made.done == ("Converted from GIF to PNG before upload.",)


def test_the_format_comes_from_the_bytes_not_the_name(tmp_path: Path) -> None:
    source = write_heic(tmp_path / "holiday.jpg", marked())  # a HEIC named .jpg (as phones share them)
    assert prepare(source, tmp_path).done == ("Converted from HEIC to PNG before upload.",)


def test_iso_media_brands_are_told_apart() -> None:
    def ftyp(major: bytes, *compatible: bytes) -> bytes:
        body = b"ftyp" + major + b"\x00\x00\x00\x00" + b"".join(compatible)
        return (len(body) + 4).to_bytes(4, "big") + body

    assert sniff_convertible(ftyp(b"heic", b"mif1", b"heic")) == "HEIF"
    assert shown_name(ftyp(b"heic")) == "HEIC" and shown_name(ftyp(b"mif1", b"heic")) == "HEIF"
    assert sniff_convertible(ftyp(b"avif", b"mif1")) == "AVIF"
    assert sniff_convertible(ftyp(b"mif1", b"miaf", b"avif")) == "AVIF"
    assert sniff_convertible(ftyp(b"isom", b"mp41")) is None  # a video stays refused
    assert sniff_convertible(b"BM" + bytes(62)) is None  # "BM" and no BMP header: not a BMP


# --- 10 MB ---------------------------------------------------------------------------------------------


def test_a_png_over_10_mb_goes_as_a_jpeg_under_it_and_says_so(tmp_path: Path) -> None:
    source = write_png_over_10mb(tmp_path / "shot.png")
    made = prepare(source, tmp_path)
    assert made.info.format == "JPEG" and made.info.size_bytes <= MAX_IMAGE_BYTES
    assert made.path.stat().st_size == made.info.size_bytes
    assert made.done == (
        "Re-encoded to fit KIE's 10 MB limit: 10.3 MB as PNG, "
        f"{made.info.size_bytes / 1048576:.1f} MB as JPEG (quality 95).",
    )
    assert opened(made.path).size == (2000, 1800)


def test_a_png_that_compresses_stays_lossless(tmp_path: Path) -> None:
    """Lossless first: a PNG over 10 MB only because it was saved without compression stays a PNG."""
    source = tmp_path / "flat.png"
    Image.new("RGB", (2000, 1800), (30, 60, 90)).save(source, compress_level=0)
    assert source.stat().st_size > MAX_IMAGE_BYTES
    made = prepare(source, tmp_path)
    assert made.info.format == "PNG" and made.info.size_bytes < MAX_IMAGE_BYTES
    assert opened(made.path).getpixel((1000, 900)) == (30, 60, 90)


def test_no_fit_keeps_the_refusal_of_a_file_over_10_mb(tmp_path: Path) -> None:
    source = write_png_over_10mb(tmp_path / "shot.png")
    with pytest.raises(ImageError, match=r"KIE accepts at most 10\.0 MB") as refused:
        prepare(source, tmp_path, fit_bytes=False)
    assert "Save it smaller" in refused.value.user_text()
    assert not (tmp_path / "prepared").exists()


def test_an_image_within_the_limits_goes_as_it_is(tmp_path: Path) -> None:
    source = write_image(tmp_path / "small.jpg", "JPEG", (64, 48))
    made = prepare(source, tmp_path)
    assert (made.path, made.made, made.notes) == (source, False, ())


# --- pixels ----------------------------------------------------------------------------------------------


def test_over_the_pixel_limits_a_warning_says_what_to_do(tmp_path: Path) -> None:
    source = write_image(tmp_path / "wide.png", "PNG", (4200, 40))
    made = prepare(source, tmp_path)
    assert made.path == source and not made.made
    assert made.warnings == (
        "A side is over 4096 px; KIE may refuse it.",
        "To send it within them: --fit-pixels, or “Scale down to KIE's pixel limits” in Settings.",
    )


def test_fit_pixels_scales_down_to_the_limits(tmp_path: Path) -> None:
    source = write_heic(tmp_path / "pano.heic", marked((4400, 300)))
    made = prepare(source, tmp_path, fit_pixels=True)
    assert (made.info.width, made.info.height) == (4096, 279) == fitted_size(4400, 300)
    assert made.done[1] == "Scaled down from 4400x300 to 4096x279, within KIE's limits."
    assert made.warnings == ()
    width, height = fitted_size(6000, 4000)  # 24 MP: the megapixels bind, not the side
    assert width * height <= 16_000_000 and width <= 4096 and round(width / height, 2) == 1.5


# --- what is refused, and how -------------------------------------------------------------------------


def test_a_damaged_heic_is_refused_with_what_to_do(tmp_path: Path) -> None:
    whole = write_heic(tmp_path / "whole.heic", marked((256, 256))).read_bytes()
    cut = tmp_path / "cut.heic"
    cut.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(ImageError) as refused:
        prepare(cut, tmp_path)
    text = refused.value.user_text()
    assert text.startswith("The HEIC image is truncated or damaged and cannot be decoded (")
    assert text.endswith("Export it again from its source.")


def test_a_file_we_cannot_convert_is_refused_naming_what_it_is(tmp_path: Path) -> None:
    source = tmp_path / "doc.png"
    source.write_bytes(b"%PDF-1.7\n" + bytes(100))
    with pytest.raises(ImageError) as refused:
        prepare(source, tmp_path)
    assert refused.value.user_text() == (
        "This is a PDF document, not an image we can upscale (PNG, JPEG, WEBP, HEIC, AVIF, TIFF, BMP, GIF)."
        " Convert it to PNG or JPEG first."
    )


def test_an_encode_past_10_mb_is_stopped_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Noise even JPEG cannot bring under the limit at the lowest quality: refused, no part files left.
    (The limit lowered to 50 KB: the same path as 10 MB, with a small image.)"""
    monkeypatch.setattr(constants, "MAX_IMAGE_BYTES", 50_000)
    source = tmp_path / "noise.tiff"
    Image.open(io.BytesIO(noisy_png((400, 300)))).save(source)
    with pytest.raises(ImageError, match=r"Even as a JPEG of quality 70 this image is over KIE's 10 MB"):
        prepare(source, tmp_path)
    assert list((tmp_path / "prepared").iterdir()) == []


def test_a_webp_within_the_limits_is_sent_as_it_is(tmp_path: Path) -> None:
    source = tmp_path / "x.webp"
    source.write_bytes(image_bytes("WEBP", (80, 60)))
    made = prepare(source, tmp_path)
    assert (made.info.format, made.info.width, made.made) == ("WEBP", 80, False)


def test_an_empty_file_is_called_empty(tmp_path: Path) -> None:
    (tmp_path / "empty.heic").write_bytes(b"")
    with pytest.raises(ImageError, match=r"The file is empty \(0 bytes\)"):
        prepare(tmp_path / "empty.heic", tmp_path)
