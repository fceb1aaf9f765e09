"""Local checks: format from the bytes, size limits, decoding, warnings; each refusal names its cause."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.imagefactory import image_bytes, noisy_png, write_image
from upscaler_gui.core.errors import ImageError
from upscaler_gui.core.images import check_bytes, check_file, format_bytes, sniff_format


@pytest.mark.parametrize(("fmt", "ext"), [("PNG", "png"), ("JPEG", "jpg"), ("WEBP", "webp")])
def test_good_images_pass_with_real_format_and_size(tmp_path: Path, fmt: str, ext: str) -> None:
    info = check_file(write_image(tmp_path / "a.img", fmt, (120, 80)))
    assert (info.format, info.extension, info.width, info.height) == (fmt, ext, 120, 80)
    assert info.warnings == ()


def test_format_comes_from_bytes_not_name(tmp_path: Path) -> None:
    path = tmp_path / "really_a_jpeg.png"
    path.write_bytes(image_bytes("JPEG"))
    assert check_file(path).format == "JPEG"


@pytest.mark.parametrize(
    ("fmt", "named"),
    [("GIF", "GIF image"), ("BMP", "BMP image"), ("TIFF", "TIFF image"), ("ICO", "ICO icon")],
)
def test_other_image_formats_are_refused_by_name(tmp_path: Path, fmt: str, named: str) -> None:
    path = tmp_path / "x.png"
    path.write_bytes(image_bytes(fmt, (32, 32)))
    with pytest.raises(ImageError, match=named) as info:
        check_file(path)
    assert "PNG, JPEG or WEBP" in str(info.value)


@pytest.mark.parametrize(
    ("content", "named"),
    [
        (b"%PDF-1.7\n...", "PDF document"),
        (b"hello, this is text\n", "text file"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"/>', "SVG"),
        (b"<!DOCTYPE html><html>", "web page"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00", "HEIC photo"),
        (b"PK\x03\x04zipzip", "ZIP archive"),
    ],
)
def test_non_images_say_what_they_are(tmp_path: Path, content: bytes, named: str) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(content)
    with pytest.raises(ImageError, match=named):
        check_file(path)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.png"
    path.write_bytes(b"")
    with pytest.raises(ImageError, match="empty"):
        check_file(path)


def test_over_10_mb_names_size_and_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.png"
    path.write_bytes(noisy_png((1900, 1900)))
    assert path.stat().st_size > 10 * 1024 * 1024
    with pytest.raises(ImageError) as info:
        check_file(path)
    assert f"{format_bytes(path.stat().st_size)}" in str(info.value)
    assert "at most 10.0 MB" in str(info.value)


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_truncated_images_are_refused(tmp_path: Path, fmt: str) -> None:
    data = image_bytes(fmt, (300, 200), quality=95) if fmt != "PNG" else noisy_png((300, 200))
    path = tmp_path / "cut.img"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ImageError, match="truncated or damaged"):
        check_file(path)


def test_garbage_after_a_valid_header_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 200)
    with pytest.raises(ImageError, match="truncated or damaged"):
        check_file(path)


def test_missing_folder_and_unreadable(tmp_path: Path) -> None:
    with pytest.raises(ImageError, match="does not exist"):
        check_file(tmp_path / "nope.png")
    with pytest.raises(ImageError, match="folder"):
        check_file(tmp_path)


def test_big_pictures_warn_but_pass() -> None:
    info = check_bytes(image_bytes("JPEG", (4200, 3000), quality=30))
    assert info.format == "JPEG"
    assert any("4096" in w for w in info.warnings)


def test_tiny_picture_warns() -> None:
    assert any("under 32" in w for w in check_bytes(image_bytes("PNG", (16, 16))).warnings)


def test_sniff() -> None:
    assert sniff_format(image_bytes("WEBP")[:16]) == "WEBP"
    assert sniff_format(b"RIFF\x00\x00\x00\x00WAVE") is None
