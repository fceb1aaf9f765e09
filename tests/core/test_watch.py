"""Watch-folder arrivals against the sim: every way a file can land, each image upscaled exactly once."""

from __future__ import annotations

import asyncio
import os
from dataclasses import replace
from pathlib import Path

import pytest

from tests.core.watch_helpers import (
    SETTLE_S,
    created_once,
    distinct_image,
    image_size,
    outputs,
    put_image,
    running_sim,
    sha256,
    wait_until,
    watch_options,
    watching,
)
from tests.imagefactory import marked, noisy_png, write_heic
from upscaler_gui.core.jobs import OutputOptions

pytestmark = pytest.mark.integration  # real files in a watched folder, the engine and the sim


async def test_a_slow_writer_is_uploaded_only_once_complete(tmp_path: Path) -> None:
    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    data = noisy_png((160, 120))
    chunks = [data[i : i + len(data) // 10 + 1] for i in range(0, len(data), len(data) // 10 + 1)]
    with running_sim(tmp_path) as sim:
        async with watching(sim, watch_options(folder, out, settle_s=0.5)) as (_, seen):
            with (folder / "slow.png").open("wb") as stream:
                for chunk in chunks:  # about 1.5 s of writing, each pause shorter than the settle time
                    stream.write(chunk)
                    stream.flush()
                    await asyncio.sleep(1.5 / len(chunks))
            await wait_until(lambda: len(seen.finished) == 1, "the slow file's job to end")
        assert created_once(sim) == {sha256(data): 1}
    assert image_size(out / "slow_crisp.png") == (320, 240)


async def test_a_rename_into_place_is_an_arrival(tmp_path: Path) -> None:
    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    with running_sim(tmp_path) as sim:
        async with watching(sim, watch_options(folder, out)) as (_, seen):
            (folder / "x.part").write_bytes(distinct_image(1))
            await asyncio.sleep(SETTLE_S * 2)  # the .part held still long enough: still not an arrival
            assert not seen.arrived
            os.rename(folder / "x.part", folder / "x.png")
            await wait_until(lambda: len(seen.done()) == 1, "x.png to be done")
        assert created_once(sim) == {sha256(distinct_image(1)): 1}
    assert outputs(out) == ["x_crisp.png"]
    assert list(seen.done()) == [folder.resolve() / "x.png"]


async def test_a_burst_of_200_files_is_each_done_exactly_once(tmp_path: Path) -> None:
    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    count = 200
    with running_sim(tmp_path) as sim:
        async with watching(sim, watch_options(folder, out)) as (_, seen):
            for n in range(count):
                (folder / f"img{n:03d}.png").write_bytes(distinct_image(n))
            await wait_until(lambda: len(seen.finished) == count, "200 jobs to end", limit_s=45)
        by_image = created_once(sim)
    assert len(by_image) == count
    assert len(seen.done()) == count
    assert len(outputs(out)) == count


async def test_temp_partial_and_non_image_files_are_ignored(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    real = distinct_image(5)
    with running_sim(tmp_path) as sim:
        async with watching(sim, watch_options(folder, out)) as (_, seen):
            # Real image bytes under names that say "not finished" or "not yours": never taken.
            for name in (
                ".crisp-0123abcd.part",
                "~$photo.png",
                ".hidden.png",
                "photo.png.crdownload",
                "photo.png.part",
                ".syncthing.photo.png.tmp",
                "photo.png.tmp",
            ):
                (folder / name).write_bytes(real)
            (folder / "notes.txt").write_text("not an image")
            (folder / "fake.png").write_text("a text file named like an image")
            (folder / "favicon.ico").write_bytes(b"\x00\x00\x01\x00" + b"\0" * 40)
            put_image(folder / "good.png", 6)
            await wait_until(lambda: len(seen.finished) == 1, "good.png to be done")
            await wait_until(lambda: len(seen.ignored) == 3, "the non-images to be looked at")
        assert created_once(sim) == {sha256(distinct_image(6)): 1}
    names = {path.name: note for path, note in seen.ignored.items()}
    assert set(names) == {"notes.txt", "fake.png", "favicon.ico"}
    assert "text file" in names["fake.png"]
    assert "ICO" in names["favicon.ico"]
    assert any(
        "ignored   fake.png" in r.getMessage() for r in caplog.records
    )  # said aloud: looks like an image
    assert outputs(out) == ["good_crisp.png"]


@pytest.mark.parametrize("where", ["inside", "same"])
async def test_results_written_into_the_watched_folder_are_not_taken_as_inputs(
    tmp_path: Path, where: str
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    out = folder / "results" if where == "inside" else folder
    with running_sim(tmp_path) as sim:
        async with watching(sim, watch_options(folder, out, recursive=True)) as (watcher, seen):
            put_image(folder / "a.png", 1)
            await wait_until(lambda: len(seen.done()) == 1, "a.png to be done")
            await asyncio.sleep(SETTLE_S * 3)  # time enough for the result to "arrive" if it were taken
            assert await watcher.rescan() == 0
            await asyncio.sleep(SETTLE_S * 2)
        assert created_once(sim) == {sha256(distinct_image(1)): 1}
    assert len(seen.finished) == 1
    assert (out / "a_crisp.png").exists()


@pytest.mark.parametrize("recursive", [False, True])
async def test_subfolders_only_with_recursive(tmp_path: Path, recursive: bool) -> None:
    folder, out = tmp_path / "in", tmp_path / "out"
    (folder / "sub").mkdir(parents=True)
    with running_sim(tmp_path) as sim:
        async with watching(sim, watch_options(folder, out, recursive=recursive)) as (_, seen):
            put_image(folder / "sub" / "deep.png", 2)
            (folder / "moved-in").mkdir()
            put_image(tmp_path / "elsewhere" / "carried.png", 3)
            os.rename(tmp_path / "elsewhere", folder / "moved-in" / "elsewhere")  # a folder moved in, full
            put_image(folder / "top.png", 4)
            expected = 3 if recursive else 1
            await wait_until(lambda: len(seen.finished) >= expected, "the files in scope to be done")
            await asyncio.sleep(SETTLE_S * 2)
    names = sorted(path.name for path in seen.done())
    assert names == (["carried.png", "deep.png", "top.png"] if recursive else ["top.png"])


async def test_the_polling_observer_sees_arrivals(tmp_path: Path) -> None:
    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    with running_sim(tmp_path) as sim:
        options = watch_options(folder, out, poll=True, poll_interval_s=0.2)
        async with watching(sim, options) as (_, seen):
            put_image(folder / "a.png", 1)
            (folder / "b.part").write_bytes(distinct_image(2))
            os.rename(folder / "b.part", folder / "b.png")
            await wait_until(lambda: len(seen.done()) == 2, "both files to be done")
        assert len(created_once(sim)) == 2
    assert outputs(out) == ["a_crisp.png", "b_crisp.png"]


async def test_a_file_edited_in_place_is_done_again_and_a_touch_is_not(tmp_path: Path) -> None:
    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    with running_sim(tmp_path) as sim:
        async with watching(sim, watch_options(folder, out)) as (_, seen):
            path = put_image(folder / "a.png", 1)
            await wait_until(lambda: len(seen.done()) == 1, "the first version to be done")
            os.utime(path)  # same bytes, new mtime: the engine knows the image, nothing is created
            await asyncio.sleep(SETTLE_S * 3)
            put_image(path, 2)  # new bytes under the same name: a new image
            await wait_until(lambda: len(created_once(sim)) == 2, "the second version to be created")
            await wait_until(lambda: len(outputs(out)) == 2, "the second result")
        assert created_once(sim) == {sha256(distinct_image(1)): 1, sha256(distinct_image(2)): 1}


async def test_a_heic_arriving_in_a_subfolder_is_converted_and_kept_in_its_subfolder(tmp_path: Path) -> None:
    """Watch --recursive with the tree kept: a phone's HEIC dropped into in/2026/ lands in out/2026/."""
    folder, out = tmp_path / "in", tmp_path / "out"
    (folder / "2026").mkdir(parents=True)
    options = watch_options(folder, out, recursive=True)
    options = replace(options, output=OutputOptions.checked(out, keep_tree=True))
    with running_sim(tmp_path) as sim:
        async with watching(sim, options) as (_, seen):
            write_heic(tmp_path / "phone.heic", marked()).rename(folder / "2026" / "IMG_1.heic")
            await wait_until(lambda: len(seen.done()) == 1, "the HEIC to be done")
        (job,) = seen.done().values()
    assert job.input_notes == ("Converted from HEIC to PNG before upload.",)
    assert image_size(out / "2026" / "IMG_1_crisp.png") == (128, 96)
