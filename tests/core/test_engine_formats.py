"""The engine against the sim with inputs KIE does not take as they are: each is converted (or fitted)
before upload, the saved result carries the input's orientation, EXIF and colour profile, the job says
what was done, a bad file fails alone, and a folder's tree is kept when asked."""

from __future__ import annotations

import base64
from pathlib import Path

from PIL import Image

from tests.core.engine_helpers import (
    assert_all_created_once,
    engine_on,
    items,
    options_for,
    running_sim,
    settle,
)
from tests.imagefactory import (
    BLUE,
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
from upscaler_gui.core import paths
from upscaler_gui.core.jobs import Job, JobState, OutputOptions


def opened(path: str | Path) -> Image.Image:
    image = Image.open(path)
    image.load()
    return image


def near(pixel: object, colour: tuple[int, int, int]) -> bool:
    assert isinstance(pixel, tuple)
    return all(abs(a - b) <= 12 for a, b in zip(pixel[:3], colour, strict=True))


def by_name(jobs: list[Job]) -> dict[str, Job]:
    return {job.display_name: job for job in jobs}


async def test_every_new_format_is_upscaled_with_its_metadata_and_a_note(tmp_path: Path) -> None:
    src, out, icc = tmp_path / "in", tmp_path / "out", srgb_icc()
    write_heic(src / "IMG_0001.HEIC", marked(), exif=exif_bytes(make="iPhone 15"), icc=icc)
    marked().save(src / "turned.avif", exif=exif_bytes(orientation=6), icc_profile=icc)
    marked().save(src / "scan.tiff", exif=exif_bytes(orientation=6), icc_profile=icc)
    write_image(src / "paint.bmp", "BMP", (40, 30))
    write_animated_gif(src / "anim.gif")
    write_png_over_10mb(src / "screenshot.png")
    (src / "broken.heic").write_bytes(write_heic(tmp_path / "w.heic", marked()).read_bytes()[:300])
    with running_sim(tmp_path / "sim") as sim:
        async with engine_on(sim, tmp_path / "jobs.db") as engine:
            await engine.add(items(src), options_for(out))
            jobs = by_name(await settle(engine))
        assert_all_created_once(sim)
        uploaded = (tmp_path / "sim").glob("kie-sim-*/files/**/*.*")
        sent = sorted(path.suffix for path in uploaded if path.is_file())
    assert sent == [".jpg", ".png", ".png", ".png", ".png", ".png"]  # what KIE takes, nothing else

    heic = jobs["IMG_0001.HEIC"]
    assert heic.state == JobState.DONE and heic.input_notes == ("Converted from HEIC to PNG before upload.",)
    result = opened(heic.output_path or "")
    assert result.size == (128, 96) and result.info["icc_profile"] == icc
    assert result.getexif()[MAKE] == "iPhone 15"

    for name in ("turned.avif", "scan.tiff"):  # orientation 6: upright, and says so
        result = opened(jobs[name].output_path or "")
        assert result.size == (96, 128), name
        assert near(result.getpixel((48, 4)), RED) and near(result.getpixel((48, 124)), BLUE), name
        assert result.getexif().get(ORIENTATION, 1) == 1 and result.getexif()[MAKE] == "TestCam", name
        assert result.info["icc_profile"] == icc, name

    assert jobs["anim.gif"].input_notes[1] == "An animated GIF: only its first frame is upscaled."
    assert jobs["paint.bmp"].state == JobState.DONE
    fitted = jobs["screenshot.png"]
    assert fitted.input_notes[0].startswith("Re-encoded to fit KIE's 10 MB limit: 10.3 MB as PNG, ")
    assert Path(fitted.output_path or "").name == "screenshot_crisp.jpg"  # the result of a JPEG upload
    assert opened(fitted.output_path or "").size == (4000, 3600)

    broken = jobs["broken.heic"]  # fails alone, before anything is sent or billed
    assert broken.state == JobState.FAILED and broken.creates == 0
    assert (broken.error or "").startswith("The HEIC image is truncated or damaged and cannot be decoded")
    assert not list((paths.data_dir() / "prepared").glob("*.*"))  # every copy made for upload removed


async def test_no_fit_refuses_a_big_png_and_fit_pixels_scales_a_big_one(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    write_png_over_10mb(src / "big.png")
    write_image(src / "wide.png", "PNG", (4400, 100))
    with running_sim(tmp_path / "sim") as sim:
        async with engine_on(sim, tmp_path / "jobs.db") as engine:
            await engine.add(items(src / "big.png"), options_for(out, fit_bytes=False))
            await engine.add(items(src / "wide.png"), options_for(out, fit_pixels=True))
            jobs = by_name(await settle(engine))
    assert jobs["big.png"].state == JobState.FAILED and jobs["big.png"].creates == 0
    assert "KIE accepts at most 10.0 MB" in (jobs["big.png"].error or "")
    wide = jobs["wide.png"]
    assert wide.input_notes == (
        "Re-encoded as PNG after scaling down.",
        "Scaled down from 4400x100 to 4096x93, within KIE's limits.",
    )
    assert (wide.in_width, wide.in_height) == (4096, 93) and wide.warnings == wide.input_notes
    assert opened(wide.output_path or "").size == (8192, 186)


async def test_keep_tree_mirrors_a_folders_subfolders(tmp_path: Path) -> None:
    src, out = tmp_path / "photos", tmp_path / "out"
    write_image(src / "top.png", "PNG", (40, 30), color=(1, 2, 3))
    write_heic(src / "2026" / "trip" / "beach.heic", marked())
    write_image(src / "2026" / "home.jpg", "JPEG", (40, 30), color=(9, 9, 9))
    with running_sim(tmp_path / "sim") as sim:
        async with engine_on(sim, tmp_path / "jobs.db") as engine:
            options = OutputOptions.checked(out, keep_tree=True)
            await engine.add(items(src), options)
            jobs = await settle(engine)
    assert {job.state for job in jobs} == {JobState.DONE}
    saved = sorted(str(Path(job.output_path or "").relative_to(out)) for job in jobs)
    assert saved == ["2026/home_crisp.jpg", "2026/trip/beach_crisp.png", "top_crisp.png"]
    assert {job.options.relpath for job in jobs} == {"", "2026", "2026/trip"}  # kept with each job


async def test_a_heic_in_a_data_uri_is_converted_too(tmp_path: Path) -> None:
    data = write_heic(tmp_path / "x.heic", marked()).read_bytes()
    uri = "data:image/heic;base64," + base64.b64encode(data).decode()
    with running_sim(tmp_path / "sim") as sim:
        async with engine_on(sim, tmp_path / "jobs.db") as engine:
            await engine.add(items(uri), options_for(tmp_path / "out"))
            (job,) = await settle(engine)
    assert job.state == JobState.DONE and job.input_notes == ("Converted from HEIC to PNG before upload.",)
    assert opened(job.output_path or "").size == (128, 96)


async def test_a_converted_input_whose_name_is_taken_is_skipped_unpaid_and_leaves_no_copy(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    write_image(out / "x_crisp.png", "PNG", (10, 10))  # the user's file, under the name it would take
    write_heic(tmp_path / "in" / "x.heic", marked())
    with running_sim(tmp_path / "sim") as sim:
        async with engine_on(sim, tmp_path / "jobs.db") as engine:
            await engine.add(items(tmp_path / "in" / "x.heic"), options_for(out, on_conflict="skip"))
            (job,) = await settle(engine)
        assert sim.stats.creates == 0
    assert job.state == JobState.SKIPPED and job.creates == 0
    assert opened(out / "x_crisp.png").size == (10, 10)
    assert not list((paths.data_dir() / "prepared").glob("*.*"))
