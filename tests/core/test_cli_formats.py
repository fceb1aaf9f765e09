"""`upscaler-gui upscale` with inputs KIE does not take as they are, as a user runs it: HEIC, AVIF, TIFF,
BMP, an animated GIF and a PNG over 10 MB, `--no-fit`, `--fit-pixels` and `--keep-tree`, against the sim
in its own process. What is checked is what the user sees: the files saved, the lines printed, the exit
code."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from tests.core.cli_helpers import EXIT_FAILED, EXIT_OK, SimProcess, in_parallel, run_upscale
from tests.imagefactory import (
    MAKE,
    ORIENTATION,
    RED,
    exif_bytes,
    marked,
    srgb_icc,
    write_animated_gif,
    write_heic,
    write_image,
    write_png_over_10mb,
)

pytestmark = pytest.mark.integration  # the command line in a subprocess against the sim


def opened(path: str | Path) -> Image.Image:
    image = Image.open(path)
    image.load()
    return image


def test_upscale_converts_each_format_and_says_so(tmp_path: Path) -> None:
    icc = srgb_icc()
    write_heic(tmp_path / "IMG_0001.HEIC", marked(), exif=exif_bytes(orientation=1, make="iPhone"), icc=icc)
    marked().save(tmp_path / "turned.avif", exif=exif_bytes(orientation=6), icc_profile=icc)
    marked().save(tmp_path / "scan.tif", exif=exif_bytes(orientation=8), icc_profile=icc)
    write_image(tmp_path / "paint.bmp", "BMP", (40, 30))
    write_animated_gif(tmp_path / "anim.gif")
    write_png_over_10mb(tmp_path / "screenshot.png")
    given = ["IMG_0001.HEIC", "turned.avif", "scan.tif", "paint.bmp", "anim.gif", "screenshot.png"]
    with SimProcess() as sim:
        batch = run_upscale(sim.base_url, *given, "--out", "out", cwd=tmp_path)
    assert batch.returncode == EXIT_OK, batch.explain()
    lines = batch.by_input()
    assert {name: line["status"] for name, line in lines.items()} == dict.fromkeys(given, "done")
    assert lines["IMG_0001.HEIC"]["notes"] == ["Converted from HEIC to PNG before upload."]
    assert lines["anim.gif"]["notes"] == [
        "Converted from GIF to PNG before upload.",
        "An animated GIF: only its first frame is upscaled.",
    ]
    assert lines["screenshot.png"]["notes"][0].startswith("Re-encoded to fit KIE's 10 MB limit: 10.3 MB")
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir()) == [
        "IMG_0001_crisp.png",
        "anim_crisp.png",
        "paint_crisp.png",
        "scan_crisp.png",
        "screenshot_crisp.jpg",
        "turned_crisp.png",
    ]
    heic = opened(out / "IMG_0001_crisp.png")
    assert heic.size == (128, 96) and heic.info["icc_profile"] == icc and heic.getexif()[MAKE] == "iPhone"
    for name, top_left in (("turned_crisp.png", (0, 0)), ("scan_crisp.png", (95, 127))):
        result = opened(out / name)  # 6 and 8 turn opposite ways: red ends at the top or at the bottom
        assert result.size == (96, 128) and result.getexif().get(ORIENTATION, 1) == 1, name
        pixel = result.convert("RGB").getpixel(top_left)
        assert isinstance(pixel, tuple) and abs(pixel[0] - RED[0]) < 12 and pixel[2] < 12, name
    assert "done     IMG_0001.HEIC -> " in batch.stderr
    assert "(Converted from HEIC to PNG before upload.)" in batch.stderr


def test_no_fit_refuses_fit_pixels_scales_and_keep_tree_mirrors(tmp_path: Path) -> None:
    def prepared(root: Path) -> Path:
        write_png_over_10mb(root / "big.png")
        write_image(root / "photos" / "wide.png", "PNG", (4400, 100))
        write_heic(root / "photos" / "2026" / "trip" / "beach.heic", marked())
        return root

    a, b = prepared(tmp_path / "a"), prepared(tmp_path / "b")
    with SimProcess() as sim:
        refused, fitted = in_parallel(
            lambda: run_upscale(sim.base_url, "big.png", "photos", "--out", "out", "--no-fit", cwd=a),
            lambda: run_upscale(sim.base_url, "photos", "--out", "out", "--fit-pixels", "--keep-tree", cwd=b),
        )
    assert refused.returncode == EXIT_FAILED, refused.explain()
    big = refused.by_input()["big.png"]
    assert big["status"] == "failed" and "KIE accepts at most 10.0 MB" in big["error"]
    wide = refused.by_input()["photos/wide.png"]  # without --fit-pixels: sent, with the warning
    assert wide["status"] == "done" and "A side is over 4096 px; KIE may refuse it." in wide["notes"]
    assert opened(a / "out" / "wide_crisp.png").size == (8800, 200)
    assert (a / "out" / "beach_crisp.png").is_file()  # no tree asked for: all in one folder

    assert fitted.returncode == EXIT_OK, fitted.explain()
    assert opened(b / "out" / "wide_crisp.png").size == (8192, 186)  # scaled to 4096 px, then 2x
    assert opened(b / "out" / "2026" / "trip" / "beach_crisp.png").size == (128, 96)
    assert sorted(str(p.relative_to(b / "out")) for p in (b / "out").rglob("*") if p.is_file()) == [
        "2026/trip/beach_crisp.png",
        "wide_crisp.png",
    ]


def test_a_dry_run_says_what_would_be_converted_and_where_it_would_go(tmp_path: Path) -> None:
    write_heic(tmp_path / "photos" / "2026" / "trip" / "beach.heic", marked())
    (tmp_path / "photos" / "notes.heic").write_bytes(b"\x00\x00\x00\x18ftypheic" + bytes(20))
    with SimProcess() as sim:
        dry = run_upscale(
            sim.base_url, "photos", "--out", "out", "--keep-tree", "--dry-run", cwd=tmp_path, json_lines=False
        )
    out = tmp_path / "out"
    result = out / "2026" / "trip" / "beach_crisp.png"
    assert (
        f"create   photos/2026/trip/beach.heic: upload, create, 0.5 credits -> {result}"
        " (Converted from HEIC to PNG before upload.)"
    ) in dry.stdout.splitlines(), dry.explain()
    assert "refused  photos/notes.heic: The HEIC image is truncated or damaged" in dry.stdout
    assert not out.exists()
